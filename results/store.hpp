// The results database (SQLite). One file per project directory (default shiftsim.db).
//
// Tables (see docs/outputs.md for the data dictionary):
//   runs         one row per run: scenario text, data and program versions, seed, scale,
//                replicates, start/end time, status (running, completed, failed, interrupted)
//   metrics      long and tidy: run_id, replicate, period_type, period, start_month,
//                end_month, months, icp, imd_quintile, metric, value
//   parameters   the parameter table used by the run, derived values included
//   diagnostics  calibration factors and other values computed while building the model
//   metric_dictionary  name, kind (flow/stock), unit and definition of every metric
//   comparisons, comparison_arms  a comparison of arms run with common random numbers (a
//                single run is a comparison of one arm), with each arm's finance rules
//   outcomes     long and tidy: comparison_id, run_id, replicate, period, breakdown, outcome,
//                value: every OUTPUTS.md figure per replicate (results/comparison.hpp)
//   outcome_summary  mean, median, 5th and 95th percentile of each outcome over replicates
//   outcome_dictionary  unit, scope (arm or difference), breakdowns and definition
// A run's results are written in one transaction when it completes: a run that fails or is
// interrupted leaves no metric rows, and its status row says what happened.
#pragma once

#include "model/outputs.hpp"
#include "model/parameter_table.hpp"
#include "model/policy.hpp"
#include "results/comparison.hpp"
#include "results/periods.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

struct sqlite3;

namespace shiftsim::results {

struct RunRecord {
  std::int64_t run_id = 0;
  std::string scenario_name, scenario_text, scenario_path;
  std::string data_version, parameters_version, program_version;
  std::uint32_t seed = 0;
  int replicates = 1;
  double scale = 1;
  int threads = 0;
  int start_year = 0, years = 0;
  std::string started_at, finished_at, status, message;
  double wall_seconds = 0;
  long long agents = 0;
  double agent_months_per_second = 0;
};

/// Thrown for database errors (cannot open, locked, disk full): the CLI exits with 1.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ResultsStore {
 public:
  /// Opens (creating if needed) the database and its schema. Runs left 'running' by a
  /// process that no longer exists are marked 'interrupted'.
  explicit ResultsStore(const std::filesystem::path& file);
  ~ResultsStore();
  ResultsStore(const ResultsStore&) = delete;
  ResultsStore& operator=(const ResultsStore&) = delete;

  /// Records the start of a run (status 'running'); returns its id.
  std::int64_t begin_run(const RunRecord& record);

  /// Everything one replicate produced.
  struct ReplicateResult {
    const model::RunOutput* output = nullptr;
    const model::ParameterTable* parameters = nullptr;
  };
  /// Writes every replicate's rows and marks the run completed, in one transaction.
  /// `policy` (may be null) is stored in the interventions table.
  void complete_run(std::int64_t run_id, const std::vector<ReplicateResult>& replicates,
                    const std::vector<std::string>& icp_names, double wall_seconds, double agent_months_per_second,
                    const model::Policy* policy = nullptr);
  /// A run to complete: its replicates, timings and policy (may be null).
  struct CompletedRun {
    std::int64_t run_id = 0;
    std::vector<ReplicateResult> replicates;
    double wall_seconds = 0, agent_months_per_second = 0;
    const model::Policy* policy = nullptr;
    /// With drawn parameters (replicates > 1): the central table the draws come from, stored
    /// as replicate -1 (the assumptions as the scenario states them).
    const model::ParameterTable* central = nullptr;
  };
  /// Writes every run (as complete_run does) and the comparison of them (its arms, every
  /// outcome per replicate and their summaries), all in one transaction; returns the
  /// comparison's id. A single run is stored as a comparison of one arm (role 'single').
  std::int64_t complete_runs(const std::vector<CompletedRun>& runs, const std::vector<std::string>& icp_names,
                             const Comparison& comparison, bool common_random_numbers);
  /// Marks a run failed or interrupted (no metric rows are written).
  void end_run_without_results(std::int64_t run_id, const std::string& status, const std::string& message);

  std::vector<RunRecord> runs() const;
  RunRecord run(std::int64_t run_id) const;
  /// Number of metric rows stored for a run.
  long long metric_row_count(std::int64_t run_id) const;

  sqlite3* handle() const { return db_; }

 private:
  void exec(const std::string& sql) const;
  void write_run(const CompletedRun& run, const std::vector<std::string>& icp_names);
  sqlite3* db_ = nullptr;
  std::string path_;
};

/// ISO 8601 UTC time now, e.g. 2026-11-23T18:30:00Z.
std::string utc_now();

}  // namespace shiftsim::results
