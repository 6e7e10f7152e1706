// Deterministic parallel loops over fixed blocks of people. Each block's partial results
// go into its own slot; callers combine the slots in block order, never in the order the
// threads finished, so sums are identical at any thread count.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <cstddef>

namespace shiftsim::model {

inline constexpr std::size_t kBlockSize = 16384;  // people per block

inline std::size_t block_count(std::size_t n) { return (n + kBlockSize - 1) / kBlockSize; }

/// Calls fn(block, begin, end) for every block, in parallel.
template <class Fn>
void for_each_block(std::size_t n, Fn&& fn) {
  const std::size_t blocks = block_count(n);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, blocks, 1),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      for (std::size_t b = r.begin(); b != r.end(); ++b) {
                        const std::size_t begin = b * kBlockSize;
                        const std::size_t end = begin + kBlockSize < n ? begin + kBlockSize : n;
                        fn(b, begin, end);
                      }
                    });
}

}  // namespace shiftsim::model
