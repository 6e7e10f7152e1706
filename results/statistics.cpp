#include "results/statistics.hpp"

#include <algorithm>
#include <cmath>

namespace shiftsim::results {

Quantiles quantiles(std::vector<double> v) {
  Quantiles r;
  if (v.empty()) return r;
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (double x : v) sum += x;
  r.mean = sum / static_cast<double>(v.size());
  auto q = [&](double p) {
    const double h = (static_cast<double>(v.size()) - 1) * p;
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, v.size() - 1);
    if (h == static_cast<double>(lo)) return v[lo];
    return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
  };
  r.p05 = q(0.05);
  r.median = q(0.5);
  r.p95 = q(0.95);
  return r;
}

}  // namespace shiftsim::results
