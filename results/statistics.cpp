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
  if (v.size() > 1 && std::isfinite(r.mean)) {
    double ss = 0;
    for (double x : v) ss += (x - r.mean) * (x - r.mean);
    r.sd = std::sqrt(ss / static_cast<double>(v.size() - 1));
  }
  r.p05 = q(0.05);
  r.median = q(0.5);
  r.p95 = q(0.95);
  return r;
}

int replicates_for_precision(double mcse, int n, double half_width) {
  if (!(half_width > 0) || !(mcse >= 0) || n < 1) return kMinIntervalReplicates;
  const double need = static_cast<double>(n) * std::pow(1.959964 * mcse / half_width, 2);
  if (!(need < 1e7)) return 10'000'000;
  return std::max(kMinIntervalReplicates, static_cast<int>(std::ceil(need)));
}

}  // namespace shiftsim::results
