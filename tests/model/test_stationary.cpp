// The rate solvers against the cohort projections they are built to satisfy.
#include "model/core/stationary.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace shiftsim::model;

namespace {
AgeVector profile(double lo, double hi, double mid, double slope) {
  AgeVector p{};
  for (int a = 0; a <= kMaxAge; ++a) p[static_cast<std::size_t>(a)] = lo + (hi - lo) / (1 + std::exp(-(a - mid) / slope));
  return p;
}
AgeVector constant(double v) {
  AgeVector x{};
  x.fill(v);
  return x;
}
}  // namespace

TEST_CASE("stationary: monthly probability reproduces the annual probability") {
  for (double p : {0.001, 0.05, 0.6, 0.95}) CHECK(1 - std::pow(1 - monthly_probability(p), 12) == doctest::Approx(p).epsilon(1e-12));
}

TEST_CASE("stationary: binary onset with fast recovery keeps the profile through a cohort year") {
  const auto P = profile(0.02, 0.25, 50, 8);
  const auto q = profile(0.001, 0.2, 85, 8);
  const auto r = constant(monthly_probability(0.6));
  const auto hr = constant(1.5);
  int clipped = 0;
  const auto o = solve_binary_onset_monthly(P, r, q, hr, &clipped);
  CHECK(clipped == 0);
  for (int a = 0; a < kMaxAge; ++a) {
    const auto i = static_cast<std::size_t>(a);
    const auto s = split_survival(q[i], P[i], hr[i]);
    double p = s.in_state / (s.in_state + s.out_state);
    for (int m = 0; m < 12; ++m) p = p * (1 - r[i]) + (1 - p) * o[i];
    CHECK(p == doctest::Approx(P[i + 1]).epsilon(1e-9));
  }
}

TEST_CASE("stationary: a falling profile that needs negative onset is clipped at zero") {
  auto P = profile(0.3, 0.05, 50, 5);  // falls with age
  const auto o = solve_binary_onset_monthly(P, constant(0.0), constant(0.0), constant(1.0));
  for (double x : o) CHECK(x >= 0.0);
}

TEST_CASE("stationary: smoking quit and initiation reproduce current and ex profiles") {
  const auto C = profile(0.0, 0.2, 20, 2);
  AgeVector X{};
  for (int a = 0; a <= kMaxAge; ++a) X[static_cast<std::size_t>(a)] = a < 18 ? 0.0 : 0.4 * (1 - std::exp(-(a - 18) / 25.0));
  const auto q = profile(0.001, 0.15, 85, 8);
  const auto rel = constant(0.015), hc = constant(2.5), hx = constant(1.2);
  const auto r = solve_smoking(C, X, rel, q, hc, hx);
  for (int a = 18; a < 80; ++a) {
    const auto i = static_cast<std::size_t>(a);
    const double N = 1 - C[i] - X[i];
    const double denom = N + hc[i] * C[i] + hx[i] * X[i];
    const double q0 = q[i] / denom;
    const double sN = N * (1 - q0), sC = C[i] * (1 - hc[i] * q0), sX = X[i] * (1 - hx[i] * q0);
    const double S = sN + sC + sX;
    if (r.quit[i] <= 0 || r.initiation[i] <= 0) continue;  // clipped ages
    CHECK((sX * (1 - rel[i]) + sC * r.quit[i]) / S == doctest::Approx(X[i + 1]).epsilon(1e-9));
    CHECK((sC * (1 - r.quit[i]) + sX * rel[i] + sN * r.initiation[i]) / S == doctest::Approx(C[i + 1]).epsilon(1e-9));
  }
}

TEST_CASE("stationary: progressive levels are reproduced, and unreachable mass goes to the highest reachable level") {
  std::vector<AgeVector> C(3);
  for (int a = 0; a <= kMaxAge; ++a) {
    const auto i = static_cast<std::size_t>(a);
    const double any = a < 50 ? 0.0 : std::min(0.9, 0.1 + 0.02 * (a - 50));
    C[0][i] = any;
    C[1][i] = a < 50 ? 0.0 : any * 0.3;
    C[2][i] = a < 50 ? 0.0 : any * 0.08;
  }
  const auto q = profile(0.001, 0.2, 85, 8);
  std::vector<AgeVector> hr{constant(1.0), constant(1.9), constant(3.1), constant(4.5)};
  const auto up = solve_progressive(C, q, hr, constant(0.0));
  // At 49 nobody can be above 'mild' at 50: all of the 10% enter mild.
  CHECK(up[1][49] == doctest::Approx(0.1 / (1 - q[49]) * (1 - q[49])).epsilon(1e-6));
  CHECK(up[2][49] == 0.0);
  // From 50 on, one year of mortality and progression gives the next age's levels.
  for (int a = 55; a < 80; ++a) {
    const auto i = static_cast<std::size_t>(a);
    const double P[4] = {1 - C[0][i], C[0][i] - C[1][i], C[1][i] - C[2][i], C[2][i]};
    double denom = 0;
    for (int k = 0; k < 4; ++k) denom += P[k] * hr[static_cast<std::size_t>(k)][i];
    const double q0 = q[i] / denom;
    double s[4], S = 0;
    for (int k = 0; k < 4; ++k) {
      s[k] = P[k] * (1 - hr[static_cast<std::size_t>(k)][i] * q0);
      S += s[k];
    }
    const double top = (s[3] + s[2] * up[3][i]) / S;
    CHECK(top == doctest::Approx(C[2][i + 1]).epsilon(1e-9));
    const double mid = (s[2] * (1 - up[3][i]) + s[1] * up[2][i]) / S;
    CHECK(mid == doctest::Approx(C[1][i + 1] - C[2][i + 1]).epsilon(1e-9));
  }
}
