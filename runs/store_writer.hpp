// Stores an experiment in the results database, replicate by replicate: begin (a run per
// arm, status 'running', and an open comparison), commit replicate k of every arm as soon as
// all its arms have finished (every arm's rows of k and the outcomes of k, one transaction;
// the outputs are then freed), close (the summaries from every committed outcome; runs and
// comparison completed). discard() deletes what was committed: a failed or interrupted run
// stores nothing.
#pragma once

#include "results/store.hpp"
#include "runs/experiment.hpp"

#include <map>
#include <mutex>

namespace shiftsim::runs {

/// What the runs table records beyond the experiment itself.
struct Provenance {
  std::string program_version;
  int threads = 0;
};

class StoreWriter {
 public:
  /// Begins a run per arm and the comparison of them.
  StoreWriter(results::ResultsStore& store, const Experiment& experiment, const Provenance& provenance);
  /// Carries on a comparison begun earlier (a sweep's, resumed): the replicates it holds stay.
  StoreWriter(results::ResultsStore& store, const Experiment& experiment, std::int64_t comparison_id);
  /// What the first constructor writes: a run per arm and the comparison, in the caller's
  /// transaction if one is open; returns the comparison's id (and its runs' ids in `run_ids`).
  static std::int64_t begin_records(results::ResultsStore& store, const Experiment& experiment, const Provenance& provenance,
                                    bool resumable, std::vector<std::int64_t>& run_ids);
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  std::int64_t comparison_id() const { return comparison_id_; }
  const std::vector<std::int64_t>& run_ids() const { return run_ids_; }

  /// Takes a finished task; commits its replicate when every arm of it is in. With
  /// keep_outputs the outputs are kept (outputs()), else freed once committed.
  void accept(const Task& task, TaskResult&& result);
  /// The replicates committed so far (ascending).
  std::vector<int> committed() const;
  /// Summarises every committed outcome, marks everything completed; returns the
  /// comparison id. Every replicate must have been committed.
  std::int64_t close(double wall_seconds);
  /// Deletes the comparison's rows and marks its runs ('failed' or 'interrupted').
  void discard(const std::string& status, const std::string& message);

  void keep_outputs(bool keep) { keep_ = keep; }
  /// With keep_outputs: every replicate's output of an arm, by replicate.
  std::vector<const model::RunOutput*> outputs(int arm) const;
  /// Sum over the accepted tasks of each arm: setup and simulation seconds, agent-months.
  struct ArmTotals {
    double setup_seconds = 0, simulate_seconds = 0, agent_months = 0;
  };
  const ArmTotals& totals(int arm) const { return totals_[static_cast<std::size_t>(arm)]; }

 private:
  results::ResultsStore& store_;
  const Experiment& experiment_;
  std::vector<std::int64_t> run_ids_;
  std::int64_t comparison_id_ = 0;
  std::vector<std::string> icps_;
  mutable std::mutex mutex_;
  std::map<int, std::vector<TaskResult>> pending_;  // replicate -> [arm]
  std::map<int, std::vector<TaskResult>> kept_;
  std::vector<ArmTotals> totals_;
  bool keep_ = false;
};

/// Runs every task of the experiment and stores it: the comparison's id, or the exception
/// (shiftsim::Cancelled when cancelled) after the store was cleaned up.
struct Stored {
  std::int64_t comparison_id = 0;
  std::vector<std::int64_t> run_ids;
  double wall_seconds = 0;
};
Stored run_and_store(const Experiment& experiment, StoreWriter& writer, const Controls& controls);

}  // namespace shiftsim::runs
