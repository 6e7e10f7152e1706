// Prevalence of every risk factor, condition, frailty level and care setting for each
// (district, IMD decile, sex, single year of age) cell: the targets the starting population
// is drawn from and the profiles the transition rates are solved against.
//
// prevalence = national age-sex profile (scaled to its England anchor where given)
//              x deprivation multiplier by decile
//              then, for the four indicators published by district (smoking, excess weight,
//              inactivity, depression), shifted on the logit scale by a district constant
//              so that the district's adult (18+) prevalence equals the published value.
#pragma once

#include "model/core/cells.hpp"
#include "model/core/parameters.hpp"
#include "model/world/region.hpp"

#include <array>
#include <string>
#include <vector>

namespace shiftsim::model {

struct PrevalenceTables {
  CellIndex index;
  std::vector<float> smoking_current, smoking_ex;
  std::vector<float> overweight_or_obese, obese;
  std::vector<float> inactive, harmful_drinking, isolated;
  std::array<std::vector<float>, kConditions> condition;
  std::array<std::vector<float>, 3> frailty_at_least;  // P(>= mild), P(>= moderate), P(severe)
  std::vector<float> care_home, care_at_least_home_care;  // P(care home), P(home care or care home)

  /// Logit shifts found for the district-calibrated indicators, by indicator id.
  struct DistrictCalibration {
    std::string indicator;
    std::vector<double> target_percent, logit_shift;
  };
  std::vector<DistrictCalibration> district_calibrations;
  /// England anchor scale factors applied to profiles, by name (for the parameter report).
  std::vector<std::pair<std::string, double>> anchor_scales;
};

/// `adults_by_cell` holds the number of agents in each cell (only ages >= 18 are used).
PrevalenceTables build_prevalence(const RegionData& region, const Parameters& params, const CellIndex& index,
                                  const std::vector<double>& agents_by_cell);

/// Scales a profile so that its England population-weighted mean over ages >= anchor.min_age
/// equals the anchor level (per sex); returns the scale factors. Values are capped at 0.98.
std::array<double, kSexes> apply_anchor(AgeSexProfile& profile, const ProfileAnchor& anchor,
                                        const RegionData& region);

double logit(double p);
double logistic(double x);

}  // namespace shiftsim::model
