#include "results/value_of_information.hpp"

#include <Eigen/Dense>
#include <boost/math/distributions/fisher_f.hpp>

#include <algorithm>
#include <cmath>

namespace shiftsim::results {

double Metamodel::at(const std::vector<double>& x) const {
  double y = coefficients.empty() ? 0.0 : coefficients[0];
  std::size_t c = 1;
  for (std::size_t k = 0; k < columns.size() && k < x.size(); ++k) {
    const double z = (x[k] - centre[k]) / scale[k];
    y += coefficients[c++] * z;
    if (quadratic) y += coefficients[c++] * z * z;
  }
  return y;
}

std::optional<Metamodel> fit_metamodel(const std::vector<double>& y, const std::vector<std::vector<double>>& x, bool quadratic,
                                       int* needed) {
  const std::size_t n = y.size();
  Metamodel m;
  for (std::size_t j = 0; j < x.size(); ++j) {
    if (x[j].size() != n) continue;
    double mean = 0;
    for (double v : x[j]) mean += v / static_cast<double>(n);
    double ss = 0;
    for (double v : x[j]) ss += (v - mean) * (v - mean);
    const double sd = n > 1 ? std::sqrt(ss / static_cast<double>(n - 1)) : 0.0;
    // A column that does not vary (a parameter this run did not draw) carries no information.
    if (!(sd > 1e-12 * std::max(1.0, std::abs(mean)))) continue;
    m.columns.push_back(static_cast<int>(j));
    m.centre.push_back(mean);
    m.scale.push_back(sd);
  }
  const std::size_t q = m.columns.size();
  const auto terms = [&](bool quad) { return static_cast<int>(1 + q * (quad ? 2 : 1)); };
  m.quadratic = quadratic && static_cast<int>(n) >= 2 * kReplicatesPerTerm * terms(true);
  const int p = terms(m.quadratic);
  if (q == 0 || static_cast<int>(n) < kReplicatesPerTerm * p) {
    if (needed) *needed = kReplicatesPerTerm * std::max(p, 2);
    return std::nullopt;
  }
  Eigen::MatrixXd a(static_cast<Eigen::Index>(n), p);
  Eigen::VectorXd b(static_cast<Eigen::Index>(n));
  for (std::size_t r = 0; r < n; ++r) {
    const auto i = static_cast<Eigen::Index>(r);
    a(i, 0) = 1.0;
    Eigen::Index c = 1;
    for (std::size_t k = 0; k < q; ++k) {
      const double z = (x[static_cast<std::size_t>(m.columns[k])][r] - m.centre[k]) / m.scale[k];
      a(i, c++) = z;
      if (m.quadratic) a(i, c++) = z * z;
    }
    b(i) = y[r];
  }
  const Eigen::VectorXd beta = a.colPivHouseholderQr().solve(b);
  const Eigen::VectorXd fit = a * beta;
  m.coefficients.assign(beta.data(), beta.data() + beta.size());
  m.fitted.assign(fit.data(), fit.data() + fit.size());
  const double mean_y = b.mean();
  const double sst = (b.array() - mean_y).square().sum();
  const double sse = (b - fit).squaredNorm();
  const double df2 = static_cast<double>(static_cast<int>(n) - p);
  m.adjusted_r2 = sst > 0 ? 1.0 - (sse / df2) / (sst / static_cast<double>(n - 1)) : 0.0;
  if (sst > 0 && p > 1) {
    if (sse <= 1e-15 * sst) m.p_value = 0;
    else {
      const double f = ((sst - sse) / (p - 1)) / (sse / df2);
      m.p_value = boost::math::cdf(boost::math::complement(boost::math::fisher_f(p - 1, df2), std::max(0.0, f)));
    }
  }
  return m;
}

std::optional<double> evppi(const std::vector<std::vector<double>>& inb, const std::vector<std::vector<double>>& x, int* needed) {
  if (inb.empty() || inb.front().empty()) return std::nullopt;
  const std::size_t n = inb.front().size();
  std::vector<std::vector<double>> fitted;
  for (const auto& y : inb) {
    if (y.size() != n) return std::nullopt;
    const auto m = fit_metamodel(y, x, true, needed);
    if (!m) return std::nullopt;
    fitted.push_back(m->fitted);
  }
  // The comparator's net benefit is 0: the decision knowing the parameters picks, replicate by
  // replicate, the best of 0 and each option's expected net benefit given them.
  double known = 0, unknown = 0;
  for (std::size_t r = 0; r < n; ++r) {
    double best = 0;
    for (const auto& f : fitted) best = std::max(best, f[r]);
    known += best / static_cast<double>(n);
  }
  for (const auto& f : fitted) {
    double mean = 0;
    for (double v : f) mean += v / static_cast<double>(n);
    unknown = std::max(unknown, mean);
  }
  return std::max(0.0, known - unknown);
}

namespace {
/// The root of f in [lo, hi] nearest `near`, from a scan and bisection (none if f keeps its sign).
template <class F>
std::optional<double> root_near(F f, double lo, double hi, double near) {
  constexpr int kSteps = 400;
  std::optional<double> best;
  double x0 = lo, f0 = f(lo);
  for (int k = 1; k <= kSteps; ++k) {
    const double x1 = lo + (hi - lo) * k / kSteps, f1 = f(x1);
    if (f0 == 0 || (f0 < 0) != (f1 < 0)) {
      double a = x0, b = x1, fa = f0;
      for (int it = 0; it < 60 && fa != 0; ++it) {
        const double mid = 0.5 * (a + b), fm = f(mid);
        if ((fa < 0) != (fm < 0)) b = mid;
        else {
          a = mid;
          fa = fm;
        }
      }
      const double r = fa == 0 ? a : 0.5 * (a + b);
      if (!best || std::abs(r - near) < std::abs(*best - near)) best = r;
    }
    x0 = x1;
    f0 = f1;
  }
  return best;
}
}  // namespace

std::vector<OneWay> one_way_sensitivity(const std::vector<double>& y, const ParameterSample& sample, std::size_t top) {
  std::vector<OneWay> out;
  std::vector<std::optional<Metamodel>> fits(sample.size());
  int tried = 0;
  for (std::size_t j = 0; j < sample.size(); ++j) {
    fits[j] = fit_metamodel(y, {sample.draws[j]}, true);
    if (fits[j]) ++tried;
  }
  for (std::size_t j = 0; j < sample.size(); ++j) {
    const auto& m = fits[j];
    if (!m || m->adjusted_r2 <= 0 || m->p_value >= 0.05 / tried) continue;
    OneWay w;
    w.parameter = static_cast<int>(j);
    w.share = m->adjusted_r2;
    w.at_low = m->at({sample.p05[j]});
    w.at_high = m->at({sample.p95[j]});
    w.switching = root_near([&](double v) { return m->at({v}); }, sample.lowest[j], sample.highest[j], m->centre[0]);
    out.push_back(w);
  }
  std::stable_sort(out.begin(), out.end(), [](const OneWay& a, const OneWay& b) { return a.share > b.share; });
  if (out.size() > top) out.resize(top);
  return out;
}

}  // namespace shiftsim::results
