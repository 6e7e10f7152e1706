// An experiment: arms x replicates, planned once and run as any subset of its (arm,
// replicate) tasks.
//
// Replicate k of every arm uses the arm's seed and replicate number k and, with more than
// one replicate, draws its parameter values from the key (seed, k) (probabilistic
// sensitivity analysis, model/programmes/sampling.hpp): with the same seed for every arm (the default),
// that is common random numbers. Differences are taken replicate by replicate, so the unit of
// work that can be stored and compared is "replicate k of every arm".
#pragma once

#include "model/core/outputs.hpp"
#include "model/simulation/simulation.hpp"
#include "results/comparison.hpp"
#include "runs/inputs.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace shiftsim::runs {

/// How to run the arms: the scenario's values unless given (0 or -1: not given).
struct ExperimentSettings {
  int replicates = 0;      // 0: the baseline's (default_replicates when it has 1)
  int default_replicates = 1;
  int years = 0;           // 0: the baseline's
  int plan_years = 0;      // 0: the baseline's years, -1: no plan; the plan's figures apart when the run is longer
  double scale = 0;        // 0: the baseline's (sd mode: 0.1)
  long long seed = -1;     // -1: the baseline's
  model::Mode mode = model::Mode::hybrid;
  bool independent_streams = false;  // each arm its own seed: only to show what CRN buys
};

/// One unit of work: replicate `replicate` of arm `arm`.
struct Task {
  int arm = 0, replicate = 0;
  friend bool operator==(const Task&, const Task&) = default;
};

/// The uplift from the model's 2018/19 prices to the prices of financial year `year` (1 /
/// general.deflator_to_2018_19.fyYYYY_YY); InputError naming the scenario file if there is none.
double price_factor(const model::ParameterTable& table, int year, const std::string& path);

class Experiment {
 public:
  /// Checks that the arms can be compared (same region and start year; same horizon unless
  /// `years` is given; no interventions in sd mode) and resolves the settings.
  Experiment(std::vector<Arm> arms, const ExperimentSettings& settings);

  const std::vector<Arm>& arms() const { return arms_; }
  int replicates() const { return replicates_; }
  /// Months simulated: the run-in (the data's base year to the plan's start) and the years reported.
  int months() const { return months_; }
  /// Years reported (from the plan's start).
  int years() const { return (months_ - run_in_months_) / 12; }
  /// The run starts at the data's base year; a plan starting later is preceded by this many
  /// months of projection, identical in every arm (common random numbers, no intervention yet)
  /// and in no output.
  int run_in_months() const { return run_in_months_; }
  int run_start_year() const { return run_start_year_; }
  /// The plan's months when the run is longer than the plan, else 0.
  int plan_months() const { return plan_months_; }
  double scale() const { return scale_; }
  model::Mode mode() const { return mode_; }
  std::uint32_t seed() const { return seed_; }                       // the baseline's
  std::uint32_t seed_of(int arm) const { return seeds_[static_cast<std::size_t>(arm)]; }
  bool common_random_numbers() const { return crn_; }
  /// The plan's start year (mid-year), as the scenarios give it.
  int start_year() const { return arms_.front().scenario.start_year; }

  /// Every task, replicate by replicate (replicate 0 of every arm first), so that the
  /// replicates finish, and can be stored, one after another.
  std::vector<Task> tasks() const;
  /// The periods the comparison reports.
  std::vector<std::string> periods() const;
  /// The finance rules of each arm.
  std::vector<results::FinanceSettings> finance() const;

 private:
  std::vector<Arm> arms_;
  int replicates_ = 1, months_ = 60, plan_months_ = 0, run_in_months_ = 0, run_start_year_ = 2018;
  double scale_ = 1;
  model::Mode mode_ = model::Mode::hybrid;
  std::uint32_t seed_ = 0;
  std::vector<std::uint32_t> seeds_;
  bool crn_ = true;
};

/// A cancel request shared by the caller and the tasks of one call (never process-wide: a
/// server or sweep runs several experiments, each with its own).
class CancelToken {
 public:
  void cancel() { flag_.store(true); }
  bool cancelled() const { return flag_.load(); }
  const std::atomic<bool>* flag() const { return &flag_; }

 private:
  std::atomic<bool> flag_{false};
};

/// Progress of a call: months simulated so far of all its tasks.
struct Progress {
  long months_done = 0, months_total = 0;
  int tasks = 0;
};

/// What happens to the other tasks when one fails.
enum class OnError {
  stop_all,      // cancel the others at their next month (a comparison cannot use the rest)
  finish_others  // let them finish (a sweep keeps what completes)
};

struct Controls {
  CancelToken* cancel = nullptr;  // null: nothing cancels the call from outside
  int threads = 0;                // 0: all cores; the call runs in its own arena of this many
  /// Called from the worker threads, never two at once; may be skipped when busy.
  std::function<void(const Progress&)> progress;
  OnError on_error = OnError::stop_all;
  /// Tests only: called after each month of each task (throwing from it fails the task).
  std::function<void(const Task&, int month)> after_month;
};

/// What one task produced.
struct TaskResult {
  std::unique_ptr<model::RunOutput> output;
  std::unique_ptr<model::ParameterTable> parameters;  // the table the replicate used (drawn, with derived values)
};

/// Runs the tasks in parallel, at most `threads` at a time, each in isolation (a thread
/// waiting on a task's inner loops never starts another task, so at most `threads`
/// populations are in memory, and for a moment one more: the tasks of a replicate whose arms
/// have equal worlds and seeds share its synthesised and calibrated people, made once and
/// freed when the last of them has copied them; model::PreparedPeople). `done(task, result)` is called as each finishes, never two at
/// once, from the worker threads. Throws the first real error in task order (after every
/// task stopped), else shiftsim::Cancelled when cancelled.
void run_tasks(const Experiment& experiment, const std::vector<Task>& tasks, const Controls& controls,
               const std::function<void(const Task&, TaskResult&&)>& done);

/// Every outcome of replicate k of every arm (outputs in arm order).
std::vector<results::OutcomeValue> replicate_outcomes(const Experiment& experiment, int replicate,
                                                      const std::vector<const model::RunOutput*>& outputs);

}  // namespace shiftsim::runs
