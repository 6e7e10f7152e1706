// The headline summary of a run by model year (July-June): what `shiftsim run` prints as a
// table and, with --json, as machine-readable JSON. With several replicates every figure is
// the mean, with the 5th-95th percentile interval.
#pragma once

#include "model/core/outputs.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace shiftsim::results {

/// One headline figure: mean over replicates and its 90% interval.
struct Estimate {
  double mean = 0, p05 = 0, p95 = 0;
};
Estimate estimate(std::vector<double> values);

struct Headline {
  std::string key;     // JSON key, e.g. "emergency_admissions"
  std::string label;   // table label
  std::string unit;
};

/// Headline figures per model year: population at year end, deaths, births, emergency
/// admissions, bed-days, A&E, GP, costs by payer, total cost, QALYs.
const std::vector<Headline>& headlines();

struct YearSummary {
  std::string label, start, end;
  int months = 0;
  std::vector<Estimate> values;  // one per headline
};

/// A funded intervention's figures per model year (means over replicates).
struct InterventionSummary {
  std::string name, type;
  std::vector<int> shifts;
  std::vector<std::string> metrics;              // programme metric names
  std::vector<std::vector<Estimate>> years;      // [year][metric]
  std::vector<Estimate> total;                   // over the whole run
};

/// The ICPs' system models by model year: each stock and auxiliary at the year's end, and
/// each flow's total over the year (the variables named `<flow>.month_total` per month are
/// summed and reported as `<flow>.year_total`).
struct SystemSummary {
  std::vector<std::string> icps, names, units;
  std::vector<std::vector<Estimate>> start;               // [icp][variable]
  std::vector<std::vector<std::vector<Estimate>>> years;  // [icp][year][variable]
};

struct RunSummary {
  Estimate population_start;
  std::vector<YearSummary> years;
  std::vector<InterventionSummary> interventions;
  SystemSummary system;
};

RunSummary summarise(const std::vector<const model::RunOutput*>& replicates);

struct RunFacts {
  long long run_id = 0;
  std::string scenario;
  std::string data_version, program_version;
  unsigned seed = 0;
  int replicates = 1, threads = 1;
  double scale = 1;
  std::string mode = "hybrid";  // or "sd": cohort averages drive the system models
  long long agents = 0;
  double wall_seconds = 0, setup_seconds = 0;
  double agent_months_per_second = 0;
  std::string database;
};

nlohmann::json to_json(const RunFacts& facts, const RunSummary& summary);
/// A readable table (fixed-width), in thousands or millions where that reads better.
std::string to_table(const RunFacts& facts, const RunSummary& summary);

}  // namespace shiftsim::results
