// The one-way sensitivity and the EVPPI metamodel against models whose answers are known in
// closed form (a linear net benefit in normal parameters).
#include "results/value_of_information.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <random>

using namespace shiftsim::results;

namespace {
/// Standard normals by Box-Muller over std::mt19937_64 (whose output the standard fixes), so
/// the samples are the same with every standard library.
std::vector<double> normals(std::mt19937_64& g, std::size_t n) {
  std::vector<double> z(n);
  const double two_pi = 2.0 * std::acos(-1.0);
  for (std::size_t k = 0; k < n; k += 2) {
    const double u1 = (static_cast<double>(g() >> 11) + 0.5) / 9007199254740992.0;
    const double u2 = (static_cast<double>(g() >> 11) + 0.5) / 9007199254740992.0;
    const double r = std::sqrt(-2.0 * std::log(u1));
    z[k] = r * std::cos(two_pi * u2);
    if (k + 1 < n) z[k + 1] = r * std::sin(two_pi * u2);
  }
  return z;
}
double phi(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2.0 * std::acos(-1.0)); }
double Phi(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }
/// E[max(0, m + s Z)] - max(0, m) for Z standard normal: the value of knowing a normal term.
double value_of_knowing(double m, double s) { return m * Phi(m / s) + s * phi(m / s) - std::max(0.0, m); }
}  // namespace

TEST_CASE("EVPPI of a linear net benefit matches the closed form") {
  // INB = m + b1 t1 + b2 t2 + 0 t3, t ~ N(0, 1) independent, one option against a comparator
  // at 0. Knowing t1 is worth E[max(0, m + b1 t1)] - m; knowing t3 (no effect) nothing.
  const double m = 100, b1 = 300, b2 = 200;
  const std::size_t R = 4000;
  std::mt19937_64 g(20141);
  const auto t1 = normals(g, R), t2 = normals(g, R), t3 = normals(g, R);
  std::vector<double> inb(R);
  for (std::size_t r = 0; r < R; ++r) inb[r] = m + b1 * t1[r] + b2 * t2[r];
  const auto e1 = evppi({inb}, {t1});
  const auto e3 = evppi({inb}, {t3});
  const auto e12 = evppi({inb}, {t1, t2});
  REQUIRE(e1);
  REQUIRE(e3);
  REQUIRE(e12);
  // The estimate is a sample mean of max(0, fitted) less its mean's positive part: its Monte
  // Carlo standard error is about sd(max(0, m + b1 t1)) / sqrt(R), about 180 / 63 = 2.9. Four
  // standard errors (12) bound a correct estimate's error at this fixed seed with room.
  CHECK(std::abs(*e1 - value_of_knowing(m, b1)) < 12.0);                      // 76.3
  CHECK(std::abs(*e12 - value_of_knowing(m, std::hypot(b1, b2))) < 14.0);     // 99.3: the EVPI
  // A parameter without effect: the fitted slope is noise of sd 360 / sqrt(R) = 5.7 per unit,
  // worth at most a few pounds here, against 76 for t1.
  CHECK(*e3 < 6.0);
  CHECK(*e1 < *e12);
}

TEST_CASE("EVPPI needs enough replicates per regression term and says how many") {
  std::mt19937_64 g(7);
  const auto t = normals(g, 15), y = normals(g, 15);
  int needed = 0;
  CHECK_FALSE(evppi({y}, {t, t}, &needed));  // 3 coefficients need 30 replicates
  CHECK(needed == 30);
  needed = 0;
  CHECK_FALSE(evppi({y}, {t}, &needed));  // 2 coefficients need 20
  CHECK(needed == 20);
}

TEST_CASE("one-way sensitivity finds the parameter that matters, its range and its switching value") {
  // y = 1000 (x - 2) + 100 z with x uniform on (0, 4): y crosses zero at x = 2; at x's 5th and
  // 95th percentiles (0.2, 3.8) it is -1,800 and +1,800; x explains var(1000 x) / var(y) =
  // 1.333e6 / (1.333e6 + 1e4) = 0.9926 of the variance; w (no effect) about none.
  const std::size_t R = 200;
  std::mt19937_64 g(11);
  const auto z = normals(g, R), w = normals(g, R);
  std::vector<double> x(R), y(R);
  for (std::size_t r = 0; r < R; ++r) {
    x[r] = 4.0 * (static_cast<double>(g() >> 11) + 0.5) / 9007199254740992.0;
    y[r] = 1000.0 * (x[r] - 2.0) + 100.0 * z[r];
  }
  ParameterSample s;
  s.names = {"w", "x"};
  s.groups = {"g", "g"};
  s.draws = {w, x};
  s.p05 = {-1.645, 0.2};
  s.p95 = {1.645, 3.8};
  s.lowest = {-3.09, 0.004};
  s.highest = {3.09, 3.996};
  const auto ow = one_way_sensitivity(y, s, 10);
  REQUIRE(!ow.empty());
  CHECK(ow.front().parameter == 1);
  // With R = 200 and residual sd 100, the fit's standard errors are ~0.01 in the share, ~13
  // at the range's ends and 0.007 in the root; the tolerances are 3-5 of them.
  CHECK(ow.front().share == doctest::Approx(0.9926).epsilon(0.005));
  CHECK(ow.front().at_low == doctest::Approx(-1800).epsilon(0.03));
  CHECK(ow.front().at_high == doctest::Approx(1800).epsilon(0.03));
  REQUIRE(ow.front().switching);
  CHECK(*ow.front().switching == doctest::Approx(2.0).epsilon(0.015));
  // w explains nothing: its regression is not significant after the correction, so it is dropped.
  CHECK(ow.size() == 1);
}
