// Builds the rate tables of a run from the world and its synthesised population: the
// mortality calibration (deprivation gradient to the ONS life-expectancy gap, district
// factors to observed deaths), the transition rates that keep each prevalence profile
// (stationary solvers), and the service rates set from the region's activity data.
#pragma once

#include "model/core/outputs.hpp"
#include "model/people/health_state.hpp"
#include "model/people/rates.hpp"
#include "model/people/wider.hpp"
#include "model/people/synthesis.hpp"
#include "model/world/world.hpp"

#include <vector>

namespace shiftsim::model {

/// Demographic inputs per district and zone that the monthly step uses.
struct DemographyRates {
  std::vector<double> births_per_woman_15_44_per_month;  // by district
  std::vector<double> in_migrant_agents_per_month;       // by district: gross in-migration (internal + international)
  std::vector<double> net_migrant_agents_per_month;      // by district: net migration (what the net trend scales)
  /// By district, the in-migrants' ages: those of the district's out-migrants (its people x
  /// RC(a)), in the absence of flows by age; weights 0..kMaxAge.
  std::vector<std::array<double, kAges>> in_migrant_age;
  /// In-migrants a month in model month t: the gross inflow plus the net trend's change of the
  /// net (out-migration stays at its base-year rate), never below 0.
  /// The in-migrants' age weights of a district (the Rogers-Castro schedule where it has no out-migration).
  const std::array<double, kAges>& in_migrant_ages(std::size_t district, const std::array<double, kAges>& fallback) const {
    const auto& a = in_migrant_age[district];
    for (double x : a)
      if (x > 0) return a;
    return fallback;
  }
  double in_migrants(std::size_t district, double trend_factor) const {
    const double x = in_migrant_agents_per_month[district] + (trend_factor - 1.0) * net_migrant_agents_per_month[district];
    return x > 0 ? x : 0.0;
  }
  double male_share_of_births = 0.5;
};

struct Calibrated {
  RateTables rates;
  DemographyRates demography;
  std::vector<Diagnostic> diagnostics;
  std::vector<std::pair<std::string, double>> derived_parameters;  // for the parameter table
  /// Mean stay of a care-home entrant with the base year's residents' death rates (months): how
  /// long an avoided move keeps saving care-home weeks in the system model.
  double care_home_mean_stay_months = 0;
};

Calibrated calibrate(const World& world, const SynthesisResult& synthesis, double scale);

/// The activity-limitation health state (model/people/health_state.hpp) calibrated to
/// England's DFLE at 65 on the run's synthesised people and base-year death rates; its derived
/// parameters and diagnostics are appended to `cal`.
LimitationModel calibrate_health_state(const World& world, const Population& pop, Calibrated& cal);

/// The wider outcomes' models of a run (model/people/wider.hpp), calibrated on its people.
struct WiderModels {
  EconomyModel economy;
  BirthModel births;
  CarerModel carers;
};
/// The economy to each ICP's APS employment rate and ONS's sickness absence, the start of life
/// to the region's smoking at delivery and low birth weight, and the carers' model. Sets the
/// infant admission rates in `cal`, marks the birth weight of babies synthesised under 1, and
/// appends the calibrations' diagnostics.
WiderModels calibrate_wider(const World& world, Population& pop, const RandomKey& key, const LimitationModel& limitation,
                            Calibrated& cal, std::vector<Diagnostic>& diagnostics);

}  // namespace shiftsim::model
