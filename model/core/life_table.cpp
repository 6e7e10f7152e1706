#include "model/core/life_table.hpp"

#include "model/core/errors.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace shiftsim::model {

double life_expectancy(const std::vector<double>& m, int from) {
  double l = 1.0, total = 0.0;
  for (std::size_t a = static_cast<std::size_t>(from); a < m.size(); ++a) {
    if (a + 1 == m.size()) {
      total += m[a] > 0 ? l / m[a] : 0.0;
      break;
    }
    const double q = 1.0 - std::exp(-m[a]);
    total += l * (1.0 - 0.5 * q);
    l *= 1.0 - q;
  }
  return total;
}

double abridged_life_expectancy(const std::vector<double>& start, const std::vector<double>& width,
                                const std::vector<double>& m, double from_age) {
  double l = 1.0, total = 0.0;
  bool started = false;
  for (std::size_t k = 0; k < m.size(); ++k) {
    if (!started) {
      if (start[k] < from_age) continue;
      started = true;
    }
    if (k + 1 == m.size()) {
      total += m[k] > 0 ? l / m[k] : 0.0;
      break;
    }
    const double n = width[k];
    const double a = (start[k] == 0.0 && n == 1.0) ? 0.1 : n / 2.0;
    const double q = std::min(1.0, n * m[k] / (1.0 + (n - a) * m[k]));
    const double deaths = l * q;
    total += n * (l - deaths) + a * deaths;
    l -= deaths;
  }
  return total;
}

double slope_index_of_inequality(const std::vector<double>& values, const std::vector<double>& weights) {
  if (values.size() != weights.size() || values.size() < 2) throw InternalError("slope_index_of_inequality: values and weights differ in length");
  double total = 0;
  for (double w : weights) {
    if (!(w > 0)) throw InputError("slope index of inequality: every group needs a positive weight (person-years)");
    total += w;
  }
  std::vector<double> rank(values.size());
  double cumulative = 0;
  for (std::size_t k = 0; k < values.size(); ++k) {
    rank[k] = (cumulative + weights[k] / 2) / total;
    cumulative += weights[k];
  }
  double mx = 0, my = 0;
  for (std::size_t k = 0; k < values.size(); ++k) {
    mx += weights[k] * rank[k] / total;
    my += weights[k] * values[k] / total;
  }
  double sxy = 0, sxx = 0;
  for (std::size_t k = 0; k < values.size(); ++k) {
    sxy += weights[k] * (rank[k] - mx) * (values[k] - my);
    sxx += weights[k] * (rank[k] - mx) * (rank[k] - mx);
  }
  return sxy / sxx;  // the slope: fitted value at rank 1 less that at rank 0
}

}  // namespace shiftsim::model
