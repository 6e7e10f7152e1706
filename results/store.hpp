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
// A comparison is written replicate by replicate (replicate k of every arm per transaction)
// and closed with its summaries; a run that fails or is interrupted leaves no rows (they are
// deleted, and those a killed process left behind are deleted when the database is next
// opened), and its status row says what happened.
#pragma once

#include "model/core/outputs.hpp"
#include "model/core/parameter_table.hpp"
#include "model/programmes/policy.hpp"
#include "results/comparison.hpp"
#include "results/periods.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
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

  /// Everything one replicate of one run produced.
  struct ReplicateResult {
    const model::RunOutput* output = nullptr;
    const model::ParameterTable* parameters = nullptr;
  };

  // ---- A comparison, stored replicate by replicate ----
  // begin_comparison (after begin_run for every arm), then commit_replicate for each
  // replicate k, in any order, each in its own transaction: every arm's rows of replicate k
  // and the outcomes of k; then close_comparison writes the summaries and marks the runs
  // completed. discard_comparison undoes a comparison that will not finish: its rows are
  // deleted and its runs marked failed or interrupted, so a failed run stores nothing.
  // Until it is closed a comparison is 'running' and no reader lists it.

  /// What a comparison is, known before any replicate runs.
  struct ComparisonSpec {
    std::vector<std::int64_t> run_ids;            // arm 0 the baseline
    std::vector<FinanceSettings> finance;         // per arm
    std::vector<std::string> periods;             // comparison_periods()
    int plan_months = 0;
    int run_start_year = 0;  // the model's month 0 is July of this year (0: the runs' start_year)
    bool common_random_numbers = true;
    std::vector<const model::Policy*> policies;   // per arm, may be null: the interventions table
    /// With drawn parameters (replicates > 1): each arm's central table the draws come from,
    /// stored as replicate -1 (the assumptions as the scenario states them); may be null.
    std::vector<const model::ParameterTable*> central;
    /// A sweep's: when its process stops, the replicates it committed are kept (not deleted
    /// as an interrupted run's are) for the sweep run again to take over (claim_comparison).
    bool resumable = false;
  };
  std::int64_t begin_comparison(const ComparisonSpec& spec);
  /// Replicate k of every arm (in arm order) and the outcomes of k, in one transaction.
  void commit_replicate(std::int64_t comparison_id, int replicate, const std::vector<ReplicateResult>& arms,
                        const std::vector<std::string>& icp_names, const std::vector<OutcomeValue>& outcomes);
  /// The runs of a comparison, in arm order (StoreError if there is none).
  std::vector<std::int64_t> comparison_runs(std::int64_t comparison_id) const;
  /// Whether a comparison is closed (completed).
  bool comparison_completed(std::int64_t comparison_id) const;
  /// Takes over a resumable comparison still running: its runs become this process's. A
  /// StoreError if a live process on this host holds them (the same sweep run twice at once).
  void claim_comparison(std::int64_t comparison_id);
  /// Copies replicate k of a one-comparison database `bytes` (serialize() of another store, a
  /// worker's in memory) into comparison `comparison_id`, its arms in order, in one
  /// transaction: every row of k, its outcomes, and k marked committed. A replicate already
  /// committed is refused (the primary key).
  void import_replicate(const std::vector<unsigned char>& bytes, int replicate, std::int64_t comparison_id);
  /// The whole database as bytes (an in-memory store's, to send to another process).
  std::vector<unsigned char> serialize() const;

  /// The replicates of a comparison committed so far, ascending.
  std::vector<int> committed_replicates(std::int64_t comparison_id) const;
  /// Every outcome value committed for a comparison (arm as its index), by replicate.
  std::vector<OutcomeValue> committed_outcomes(std::int64_t comparison_id) const;
  /// The drawn values of a run's uncertain parameters (a distribution in the table), by name
  /// and replicate (0..replicates-1); a parameter missing from a replicate is left out.
  std::map<std::string, std::vector<double>> parameter_draws(std::int64_t run_id, int replicates) const;
  /// Per arm: its wall time and agent-months per second.
  struct RunTiming {
    double wall_seconds = 0, agent_months_per_second = 0;
  };
  /// Writes the summaries and marks the comparison and its runs completed, in one transaction.
  void close_comparison(std::int64_t comparison_id, const std::vector<OutcomeSummary>& summary,
                        const std::vector<RunTiming>& timings);
  /// Deletes everything a comparison and its runs stored and marks the runs `status`
  /// ('failed' or 'interrupted') with the message.
  void discard_comparison(std::int64_t comparison_id, const std::string& status, const std::string& message);

  /// A single run, written at once (tests and tools): every replicate's rows, run completed.
  void complete_run(std::int64_t run_id, const std::vector<ReplicateResult>& replicates,
                    const std::vector<std::string>& icp_names, double wall_seconds, double agent_months_per_second,
                    const model::Policy* policy = nullptr);
  /// Marks a run failed or interrupted (no metric rows are written).
  void end_run_without_results(std::int64_t run_id, const std::string& status, const std::string& message);

  std::vector<RunRecord> runs() const;
  RunRecord run(std::int64_t run_id) const;
  /// Number of metric rows stored for a run.
  long long metric_row_count(std::int64_t run_id) const;

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  void exec(const std::string& sql) const;
  void write_replicate(std::int64_t run_id, const ReplicateResult& replicate, const std::vector<std::string>& icp_names);
  /// The interventions as run, money in the comparison's price year (model money x price_factor).
  void write_interventions(std::int64_t run_id, const model::Policy& policy, int start_year, double price_factor, int price_year);
  void write_parameters(std::int64_t run_id, long long replicate, const model::ParameterTable& table);
  void delete_run_rows(std::int64_t run_id);
  void delete_comparison_rows(std::int64_t comparison_id);
  sqlite3* db_ = nullptr;
  std::string path_;
};

/// ISO 8601 UTC time now, e.g. 2026-11-23T18:30:00Z.
std::string utc_now();

}  // namespace shiftsim::results
