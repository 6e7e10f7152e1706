// Validation of the mortality calibration: the first model year's deaths by district
// against the ONS components of change (deaths in the year to mid base-year). The model is
// calibrated so that *expected* first-year deaths match; realised deaths add Poisson noise
// of about 1/sqrt(deaths) (4% for a district of 650 deaths).
#pragma once

#include "model/core/outputs.hpp"
#include "model/world/region.hpp"

#include <string>
#include <vector>

namespace shiftsim::validation {

struct DistrictDeaths {
  std::string code, name;
  double observed = 0;   // ONS, year to mid base-year
  double simulated = 0;  // first model year, realised
  double expected = 0;   // first model year, sum of monthly death probabilities
  double simulated_difference() const { return simulated / observed - 1; }
  double expected_difference() const { return expected / observed - 1; }
};

/// Needs at least 12 simulated months.
std::vector<DistrictDeaths> first_year_deaths(const model::RunOutput& out, const model::RegionData& region);

}  // namespace shiftsim::validation
