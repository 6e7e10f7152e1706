// A sweep over MPI processes (Open MPI): `mpirun -np N shiftsim sweep SPEC`.
//
// Rank 0 is the coordinator and the database's one writer: it opens the sweep (runs/sweep.hpp),
// hands out tasks (replicate k of every arm of a point) one at a time to whichever worker asks,
// imports each finished replicate in one transaction and closes each point when complete.
// Ranks 1..N-1 are the workers: each runs its task on its own threads, stores it in a
// database in memory and sends that database's bytes to rank 0. Every task's random numbers
// come from (seed, replicate) alone, and a replicate's rows reach the database in the order a
// single process writes them, so the stored answer does not depend on the number of ranks
// or on which rank ran what (sweep_digest checks it).
#pragma once

#include "runs/sweep.hpp"

#include <functional>
#include <string>

namespace shiftsim::runs::mpi {

/// The number of processes an MPI launcher (mpirun, srun) started this one among, from its
/// environment; 0 when not started by one.
int launched_size();

/// MPI for the life of a command (MPI_Init_thread .. MPI_Finalize).
class Session {
 public:
  Session();
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }
  /// True on every rank only if `ok` is true on every rank (a collective: every rank calls it).
  bool all(bool ok) const;
  /// Stops every rank at once (a rank that cannot go on while others wait for it).
  [[noreturn]] void abort(int code) const;

 private:
  int rank_ = 0, size_ = 1;
};

/// What the sweep's tasks came to, on the coordinator.
struct Tally {
  int committed = 0;   // replicates imported now
  int failed = 0;      // tasks that failed (their replicates stay to do)
  bool cancelled = false;
  std::string first_error;
  double import_seconds = 0;  // rank 0's time importing and closing (the single writer's load)
  double bytes = 0;           // the replicates' databases received
};

/// Rank 0: hands out `remaining_tasks`, imports what comes back, closes points and the sweep.
/// `stop()` is polled: once true no task is handed out and the workers are sent home after
/// their task in flight (which is still imported). `on_commit(point, replicate)` after each.
Tally coordinate(const Session& session, results::ResultsStore& store, const PreparedSweep& sweep, SweepRecord& record,
                 const std::function<bool()>& stop, const std::function<void(int, int)>& on_commit = {});

/// Ranks 1..N-1: run the tasks rank 0 hands out until it sends them home.
void work(const Session& session, const PreparedSweep& sweep, const Controls& controls, const Provenance& provenance);

}  // namespace shiftsim::runs::mpi
