// SD-only mode: the ICPs' system models driven by cohort averages of the synthesised people
// instead of by the agents, for instant what-ifs on the system's parameters (cohort.cpp
// says what it follows and what it cannot). It runs no interventions.
#pragma once

#include "model/core/outputs.hpp"
#include "model/core/population.hpp"
#include "model/hybrid/coupling.hpp"
#include "model/people/calibration.hpp"
#include "model/world/world.hpp"

#include <atomic>
#include <functional>
#include <vector>

namespace shiftsim::model {

/// What the cohorts start from: a run's synthesised people and calibrated rates (the run
/// outlives the call).
struct CohortStart {
  const World* world = nullptr;
  const Population* people = nullptr;
  const Calibrated* calibrated = nullptr;
  const std::vector<int>* zone_district = nullptr;
  double weight = 1;  // people per agent
  int start_year = 2018;
  int months = 60;
  /// Adds person i's stocks (kStockMetrics values) to a row.
  std::function<void(std::size_t i, double* row)> count_stocks;
  const std::atomic<bool>* cancel = nullptr;  // checked between months (throws Cancelled)
  std::function<void(int month_done, int months)> progress;
};

/// Every month from `month` (advanced as each is done) to the horizon from cohort averages: the
/// cohorts' flows and stocks into `out` (flows, snapshots, the system models' record),
/// stepping the coupled system models, whose setup (the same as the agent model's) the
/// caller has done. The cohorts are built from the people as they are at the call.
void run_cohort_model(const CohortStart& start, Coupling& coupling, RunOutput& out, int& month);

}  // namespace shiftsim::model
