#include "runs/sweep_mpi.hpp"

#include "model/core/errors.hpp"

#include <chrono>
#include <cstdlib>
#include <deque>
#include <thread>

#include <mpi.h>

namespace shiftsim::runs::mpi {

int launched_size() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE", "SLURM_NTASKS_MPI"})
    if (const char* v = std::getenv(var)) {
      const int n = std::atoi(v);
      if (n > 0) return n;
    }
  return 0;
}


namespace {

enum Tag : int { kReady = 1, kResult = 2, kPayload = 3, kFailed = 4, kTask = 5, kStop = 6 };
enum Failure : long long { kCancelled = 1, kError = 2 };
// A payload is sent in pieces of at most this many bytes (MPI counts are ints).
constexpr std::size_t kChunk = std::size_t{1} << 30;

void send_bytes(const void* data, std::size_t n, int to) {
  const auto* p = static_cast<const char*>(data);
  do {
    const std::size_t k = std::min(n, kChunk);
    MPI_Send(p, static_cast<int>(k), MPI_BYTE, to, kPayload, MPI_COMM_WORLD);
    p += k;
    n -= k;
  } while (n > 0);
}

std::vector<unsigned char> receive_bytes(std::size_t n, int from) {
  std::vector<unsigned char> out(n);
  std::size_t at = 0;
  do {
    const std::size_t k = std::min(n - at, kChunk);
    MPI_Recv(out.data() + at, static_cast<int>(k), MPI_BYTE, from, kPayload, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    at += k;
  } while (at < n);
  return out;
}

}  // namespace

Session::Session() {
  int provided = 0;
  // Only the main thread calls MPI; TBB's workers never do.
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

Session::~Session() { MPI_Finalize(); }

bool Session::all(bool ok) const {
  int mine = ok ? 1 : 0, every = 0;
  MPI_Allreduce(&mine, &every, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  return every == 1;
}

void Session::abort(int code) const {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

Tally coordinate(const Session& session, results::ResultsStore& store, const PreparedSweep& sweep, SweepRecord& record,
                 const std::function<bool()>& stop, const std::function<void(int, int)>& on_commit) {
  Tally tally;
  std::deque<SweepTask> todo;
  for (const auto& t : remaining_tasks(store, sweep, record)) todo.push_back(t);
  int working = session.size() - 1;
  bool stopping = false;
  while (working > 0) {
    // Wait for a worker, polling the stop request (a signal) meanwhile.
    MPI_Status status;
    for (;;) {
      int flag = 0;
      MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
      if (flag) break;
      if (!stopping && stop && stop()) {
        stopping = true;
        tally.cancelled = true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    const int from = status.MPI_SOURCE;
    if (status.MPI_TAG == kReady) {
      MPI_Recv(nullptr, 0, MPI_BYTE, from, kReady, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    } else if (status.MPI_TAG == kResult) {
      long long head[3];
      MPI_Recv(head, 3, MPI_LONG_LONG, from, kResult, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      const auto bytes = receive_bytes(static_cast<std::size_t>(head[2]), from);
      const int point = static_cast<int>(head[0]), replicate = static_cast<int>(head[1]);
      const auto t0 = std::chrono::steady_clock::now();
      store.import_replicate(bytes, replicate, record.comparison_ids.at(static_cast<std::size_t>(point)));
      ++tally.committed;
      tally.bytes += static_cast<double>(bytes.size());
      if (on_commit) on_commit(point, replicate);
      close_point_if_complete(store, sweep, record, point);
      tally.import_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    } else if (status.MPI_TAG == kFailed) {
      long long head[3];
      MPI_Recv(head, 3, MPI_LONG_LONG, from, kFailed, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      const auto text = receive_bytes(static_cast<std::size_t>(head[2] < 0 ? 0 : head[2]), from);
      long long kind = 0;
      MPI_Recv(&kind, 1, MPI_LONG_LONG, from, kFailed, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (kind == kCancelled) {
        tally.cancelled = true;
        stopping = true;
      } else {
        ++tally.failed;
        if (tally.first_error.empty())
          tally.first_error = "point " + std::to_string(head[0]) + ", replicate " + std::to_string(head[1]) + " (rank " + std::to_string(from) +
                              "): " + std::string(text.begin(), text.end());
      }
    } else {
      throw InternalError("sweep coordinator: an unexpected message (tag " + std::to_string(status.MPI_TAG) + ") from rank " + std::to_string(from));
    }
    if (!stopping && stop && stop()) {
      stopping = true;
      tally.cancelled = true;
    }
    if (!stopping && !todo.empty()) {
      const long long task[2] = {todo.front().point, todo.front().replicate};
      todo.pop_front();
      MPI_Send(task, 2, MPI_LONG_LONG, from, kTask, MPI_COMM_WORLD);
    } else {
      MPI_Send(nullptr, 0, MPI_BYTE, from, kStop, MPI_COMM_WORLD);
      --working;
    }
  }
  close_complete_points(store, sweep, record);
  return tally;
}

void work(const Session&, const PreparedSweep& sweep, const Controls& controls, const Provenance& provenance) {
  MPI_Send(nullptr, 0, MPI_BYTE, 0, kReady, MPI_COMM_WORLD);
  for (;;) {
    MPI_Status status;
    MPI_Probe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
    if (status.MPI_TAG == kStop) {
      MPI_Recv(nullptr, 0, MPI_BYTE, 0, kStop, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      return;
    }
    long long task[2];
    MPI_Recv(task, 2, MPI_LONG_LONG, 0, kTask, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    const SweepTask t{static_cast<int>(task[0]), static_cast<int>(task[1])};
    std::vector<unsigned char> bytes;
    std::string error;
    long long kind = 0;
    try {
      bytes = run_task_in_memory(sweep, t, controls, provenance);
    } catch (const shiftsim::Cancelled& e) {
      kind = kCancelled;
      error = e.what();
    } catch (const std::exception& e) {
      kind = kError;
      error = e.what();
    }
    if (kind == 0) {
      const long long head[3] = {t.point, t.replicate, static_cast<long long>(bytes.size())};
      MPI_Send(head, 3, MPI_LONG_LONG, 0, kResult, MPI_COMM_WORLD);
      send_bytes(bytes.data(), bytes.size(), 0);
    } else {
      const long long head[3] = {t.point, t.replicate, static_cast<long long>(error.size())};
      MPI_Send(head, 3, MPI_LONG_LONG, 0, kFailed, MPI_COMM_WORLD);
      send_bytes(error.data(), error.size(), 0);
      MPI_Send(&kind, 1, MPI_LONG_LONG, 0, kFailed, MPI_COMM_WORLD);
    }
  }
}

}  // namespace shiftsim::runs::mpi
