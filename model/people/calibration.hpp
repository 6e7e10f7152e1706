// Builds the rate tables of a run from the world and its synthesised population: the
// mortality calibration (deprivation gradient to the ONS life-expectancy gap, district
// factors to observed deaths), the transition rates that keep each prevalence profile
// (stationary solvers), and the service rates set from the region's activity data.
#pragma once

#include "model/core/outputs.hpp"
#include "model/people/rates.hpp"
#include "model/people/synthesis.hpp"
#include "model/world/world.hpp"

#include <vector>

namespace shiftsim::model {

/// Demographic inputs per district and zone that the monthly step uses.
struct DemographyRates {
  std::vector<double> births_per_woman_15_44_per_month;  // by district
  std::vector<double> in_migrant_agents_per_month;       // by district (0 where net migration is negative)
  double male_share_of_births = 0.5;
};

struct Calibrated {
  RateTables rates;
  DemographyRates demography;
  std::vector<Diagnostic> diagnostics;
  std::vector<std::pair<std::string, double>> derived_parameters;  // for the parameter table
};

Calibrated calibrate(const World& world, const SynthesisResult& synthesis, double scale);

}  // namespace shiftsim::model
