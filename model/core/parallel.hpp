// Deterministic parallel loops over fixed blocks of people. Each block's partial results
// go into its own slot; callers combine the slots in block order, never in the order the
// threads finished, so sums are identical at any thread count.
//
// ThreadSanitizer builds (SHIFTSIM_STD_THREADS) run the same blocks on std::threads:
// Debian's TBB is not built with TSan, so its synchronisation is invisible to TSan and
// every parallel_for would be reported; std::thread joins are visible, so TSan then checks
// ShiftSim's own code under real concurrency.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <cstddef>

#if defined(SHIFTSIM_STD_THREADS)
#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>
#endif

namespace shiftsim::model {

inline constexpr std::size_t kBlockSize = 16384;  // people per block

inline std::size_t block_count(std::size_t n) { return (n + kBlockSize - 1) / kBlockSize; }

/// Calls fn(k) for k in [0, n), in parallel, in any order.
template <class Fn>
void for_each_index(std::size_t n, Fn&& fn) {
#if defined(SHIFTSIM_STD_THREADS)
  const auto threads = std::min<std::size_t>(n, static_cast<std::size_t>(std::max(1, tbb::this_task_arena::max_concurrency())));
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (std::size_t k = next++; k < n; k = next++) fn(k);
    });
  for (auto& th : pool) th.join();
#else
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1), [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t k = r.begin(); k != r.end(); ++k) fn(k);
  });
#endif
}

/// Calls fn(block, begin, end) for every block of kBlockSize people, in parallel.
template <class Fn>
void for_each_block(std::size_t n, Fn&& fn) {
  for_each_index(block_count(n), [&](std::size_t b) {
    const std::size_t begin = b * kBlockSize;
    const std::size_t end = begin + kBlockSize < n ? begin + kBlockSize : n;
    fn(b, begin, end);
  });
}

}  // namespace shiftsim::model
