// A sweep: scenarios x parameter values x replicates, run on the run library, resumable, and
// distributed over processes (runs/sweep_mpi.hpp).
//
// A sweep file (docs/sweeps.md) names a baseline, the scenarios, the parameter values (a grid,
// every combination, or a list of points) and the replicates. Each point (a scenario with one
// set of parameter values, applied to every arm) is a comparison of the baseline and the
// scenario, with common random numbers, stored as `compare` stores one. The unit of work is
// replicate k of every arm of a point; each is committed in its own transaction as soon as it
// is in, so stopping the sweep at any moment (kill -9 included) loses only the work in flight.
// Running the same sweep again (the same file, scenario files, data, parameters and program)
// finds it in the database and runs only what is not stored.
#pragma once

#include "results/store.hpp"
#include "runs/experiment.hpp"
#include "runs/store_writer.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace shiftsim::runs {

/// One point of a sweep: a scenario (or the baseline alone) with parameter values.
struct SweepPoint {
  int scenario = -1;                         // index into SweepSpec::scenarios; -1: the baseline alone
  std::map<std::string, double> parameters;  // fixed in every arm of the point
  std::string label;                         // "scenario_name; name=value, ..."
};

/// A sweep file as read and checked.
struct SweepSpec {
  std::filesystem::path file;
  std::string text;  // the file as read
  std::string name;
  std::filesystem::path baseline;
  std::vector<std::filesystem::path> scenarios;
  std::vector<SweepPoint> points;
  ExperimentSettings settings;
};

/// The most points a sweep may have (a grid's product grows fast; more is a mistake).
inline constexpr int kMaxSweepPoints = 10000;

/// Reads a sweep file; InputError naming the file, the field and what was expected.
/// `default_baseline`: the bundled baseline, used when the file names none.
SweepSpec read_sweep_spec(const std::filesystem::path& file, const std::filesystem::path& default_baseline);

/// A sweep ready to run: every point's experiment, and the sweep's identity.
struct PreparedSweep {
  SweepSpec spec;
  std::vector<Experiment> experiments;  // one per point
  /// A hash of everything that fixes the answer: the sweep file, every arm's scenario text,
  /// the data and parameter versions and the program's version. Same key: the same sweep.
  std::string key;
};
PreparedSweep prepare_sweep(const SweepSpec& spec, const DataSource& source, const std::string& program_version);

/// The sweep's record in a results database (tables sweeps and sweep_points).
struct SweepRecord {
  std::int64_t sweep_id = 0;
  std::vector<std::int64_t> comparison_ids;  // per point
  bool resumed = false;                      // found in the database (not begun now)
  bool completed = false;
};
/// Finds the sweep with `sweep.key` and takes its open comparisons over (StoreError if a live
/// process holds them), or begins it: the sweep, then each point's runs and comparison (each
/// point in one transaction, so a sweep stopped while it begins is completed when resumed).
/// With `begin` false nothing is written or claimed: a sweep not stored comes back with
/// sweep_id 0 and no comparisons (to list it).
SweepRecord open_sweep(results::ResultsStore& store, const PreparedSweep& sweep, const Provenance& provenance, bool begin = true);

/// Replicate `replicate` of every arm of point `point`.
struct SweepTask {
  int point = 0, replicate = 0;
};
/// What is not stored yet, point by point, replicates ascending.
std::vector<SweepTask> remaining_tasks(const results::ResultsStore& store, const PreparedSweep& sweep, const SweepRecord& record);

/// Closes point `point` if all its replicates are stored and it is open; true if it closed now.
bool close_point_if_complete(results::ResultsStore& store, const PreparedSweep& sweep, const SweepRecord& record, int point);
/// Closes every point all of whose replicates are stored (summaries, completed) and, when all
/// are, the sweep; returns the points closed now.
int close_complete_points(results::ResultsStore& store, const PreparedSweep& sweep, SweepRecord& record);

/// Runs the remaining tasks in this process (`controls.threads` tasks at a time), committing
/// each replicate as it is in and closing each point as it completes. Failures of some tasks do
/// not stop the others (what completes is kept); the first is rethrown at the end, or
/// shiftsim::Cancelled when cancelled. `on_commit(point, replicate)` after each commit.
void run_sweep_here(results::ResultsStore& store, const PreparedSweep& sweep, SweepRecord& record, const Controls& controls,
                    const std::function<void(int, int)>& on_commit = {});

/// A worker's share: replicate k of every arm of a point, run here and stored in a database in
/// memory, returned as that database's bytes (for ResultsStore::import_replicate).
std::vector<unsigned char> run_task_in_memory(const PreparedSweep& sweep, const SweepTask& task, const Controls& controls,
                                              const Provenance& provenance);

/// A digest of every value the sweep stored (outcomes, summaries, metrics, area metrics,
/// parameters, diagnostics, system stocks, intervention metrics), each run by its point and
/// arm rather than its id, in a fixed order: equal digests mean the same answer, bit for bit.
std::string sweep_digest(const results::ResultsStore& store, const SweepRecord& record);

/// One line per point for the terminal: its comparison, replicates stored and headline figures.
std::string sweep_table(const results::ResultsStore& store, const PreparedSweep& sweep, const SweepRecord& record);

}  // namespace shiftsim::runs
