#include "model/core/stationary.hpp"

#include <algorithm>
#include <cmath>

namespace shiftsim::model {

namespace {
double clamp01(double x) { return std::clamp(x, 0.0, 0.999); }
}  // namespace

SplitSurvival split_survival(double q_all, double p, double hr) {
  // q_all = (1-p) q0 + p q1 with q1 = min(1, hr q0).
  const double q0 = q_all / (1.0 - p + hr * p);
  const double q1 = std::min(1.0, hr * q0);
  return {p * (1.0 - q1), (1.0 - p) * (1.0 - q0)};
}

AgeVector solve_binary_onset_monthly(const AgeVector& P, const AgeVector& r, const AgeVector& q, const AgeVector& hr,
                                     int* clipped) {
  AgeVector onset{};
  int clips = 0;
  for (int a = 0; a < kMaxAge; ++a) {
    const auto i = static_cast<std::size_t>(a);
    const auto s = split_survival(q[i], P[i], hr[i]);
    const double total = s.in_state + s.out_state;
    if (total <= 1e-12) continue;
    const double p0 = s.in_state / total;
    const double target = P[i + 1];
    // Twelve steps of p' = p (1 - r) + (1 - p) o: p12 = eq + (p0 - eq) (1 - o - r)^12.
    auto after_year = [&](double o) {
      const double sum = o + r[i];
      if (sum <= 0) return p0;
      const double eq = o / sum;
      const double x = 1.0 - sum, x2 = x * x, x4 = x2 * x2, x8 = x4 * x4;
      return eq + (p0 - eq) * x8 * x4;
    };
    if (target <= after_year(0.0)) {
      if (target < after_year(0.0) - 1e-9) ++clips;
      onset[i] = 0.0;
      continue;
    }
    double lo = 0.0, hi = 0.5;
    if (after_year(hi) < target) {
      onset[i] = hi;
      ++clips;
      continue;
    }
    // Safeguarded Newton: after_year is increasing in o; keep a bracket and fall back to
    // bisection whenever a Newton step leaves it.
    double o = 0.5 * (lo + hi);
    for (int it = 0; it < 60; ++it) {
      const double f = after_year(o) - target;
      if (std::fabs(f) < 1e-14) break;
      (f < 0 ? lo : hi) = o;
      const double h = 1e-7;
      const double slope = (after_year(o + h) - after_year(o - h)) / (2 * h);
      double next = slope > 0 ? o - f / slope : 0.5 * (lo + hi);
      if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
      if (std::fabs(next - o) < 1e-15) break;
      o = next;
    }
    onset[i] = o;
  }
  onset[kMaxAge] = onset[kMaxAge - 1];
  if (clipped) *clipped = clips;
  return onset;
}

SmokingRates solve_smoking(const AgeVector& C, const AgeVector& X, const AgeVector& relapse, const AgeVector& q,
                           const AgeVector& hr_c, const AgeVector& hr_x) {
  SmokingRates out;
  for (int a = 0; a < kMaxAge; ++a) {
    const auto i = static_cast<std::size_t>(a);
    const double N = std::max(0.0, 1.0 - C[i] - X[i]);
    // Mortality split over three states: q_all = q0 (N + hc C + hx X).
    const double denom = N + hr_c[i] * C[i] + hr_x[i] * X[i];
    const double q0 = denom > 0 ? q[i] / denom : q[i];
    const double sN = N * (1 - q0), sC = C[i] * (1 - std::min(1.0, hr_c[i] * q0)),
                 sX = X[i] * (1 - std::min(1.0, hr_x[i] * q0));
    const double S = sN + sC + sX;
    // X' S = sX (1 - rel) + sC quit
    const double quit = sC > 1e-12 ? clamp01((X[i + 1] * S - sX * (1 - relapse[i])) / sC) : 0.0;
    // C' S = sC (1 - quit) + sX rel + sN init
    const double init = sN > 1e-12 ? clamp01((C[i + 1] * S - sC * (1 - quit) - sX * relapse[i]) / sN) : 0.0;
    out.quit[i] = quit;
    out.initiation[i] = init;
  }
  out.quit[kMaxAge] = out.quit[kMaxAge - 1];
  out.initiation[kMaxAge] = 0;
  return out;
}

OrdinalRates solve_ordinal3(const AgeVector& C1, const AgeVector& P2, const AgeVector& d1, const AgeVector& d2,
                            const AgeVector& q, const std::array<AgeVector, 3>& hr) {
  OrdinalRates out;
  for (int a = 0; a < kMaxAge; ++a) {
    const auto i = static_cast<std::size_t>(a);
    const double P[3] = {1 - C1[i], C1[i] - P2[i], P2[i]};
    const double denom = P[0] * hr[0][i] + P[1] * hr[1][i] + P[2] * hr[2][i];
    const double q0 = denom > 0 ? q[i] / denom : q[i];
    const double p0 = P[0] * (1 - std::min(1.0, hr[0][i] * q0)), p1 = P[1] * (1 - std::min(1.0, hr[1][i] * q0)),
                 p2 = P[2] * (1 - std::min(1.0, hr[2][i] * q0));
    const double S = p0 + p1 + p2;
    // P2' S = p2 (1 - d2) + p1 up2
    const double up2 = p1 > 1e-12 ? clamp01((P2[i + 1] * S - p2 * (1 - d2[i])) / p1) : 0.0;
    // P1' S = p1 (1 - d1 - up2) + p2 d2 + p0 up1, with P1' = C1' - P2'
    const double P1next = C1[i + 1] - P2[i + 1];
    const double up1 = p0 > 1e-12 ? clamp01((P1next * S - p1 * (1 - d1[i] - up2) - p2 * d2[i]) / p0) : 0.0;
    out.up1[i] = up1;
    out.up2[i] = up2;
  }
  out.up1[kMaxAge] = out.up1[kMaxAge - 1];
  out.up2[kMaxAge] = out.up2[kMaxAge - 1];
  return out;
}

std::vector<AgeVector> solve_progressive(const std::vector<AgeVector>& C, const AgeVector& q,
                                         const std::vector<AgeVector>& hr, const AgeVector& extra_top) {
  const std::size_t K = C.size() + 1;  // number of states
  std::vector<AgeVector> up(K, AgeVector{});
  for (int a = 0; a < kMaxAge; ++a) {
    const auto i = static_cast<std::size_t>(a);
    std::vector<double> P(K), surv(K);
    for (std::size_t k = 0; k < K; ++k) {
      const double hi = k == 0 ? 1.0 : C[k - 1][i];
      const double lo = k + 1 < K ? C[k][i] : 0.0;
      P[k] = std::max(0.0, hi - lo);
    }
    double denom = 0;
    for (std::size_t k = 0; k < K; ++k) denom += P[k] * hr[k][i];
    const double q0 = denom > 0 ? q[i] / denom : q[i];
    double S = 0;
    for (std::size_t k = 0; k < K; ++k) {
      surv[k] = P[k] * (1 - std::min(1.0, hr[k][i] * q0));
      S += surv[k];
    }
    // From the top down: the top state gains from K-2 (up) and from every lower state (extra).
    std::vector<double> next(K);
    for (std::size_t k = 0; k < K; ++k) {
      const double hi = k == 0 ? 1.0 : C[k - 1][i + 1];
      const double lo = k + 1 < K ? C[k][i + 1] : 0.0;
      next[k] = std::max(0.0, hi - lo) * S;
    }
    // Mass wanted in a state that cannot be reached this year (the state below it is empty,
    // e.g. at the first age of a profile) goes to the highest reachable state instead.
    for (std::size_t k = K - 1; k >= 2; --k)
      if (surv[k - 1] <= 1e-12 && surv[k] <= 1e-12 && extra_top[i] <= 0) {
        next[k - 1] += next[k];
        next[k] = 0;
      }
    double below_top = 0;
    for (std::size_t k = 0; k + 1 < K; ++k) below_top += surv[k];
    // Top: next[K-1] = surv[K-1] + surv[K-2] up[K-1] (1-extra) + below_top * extra
    std::vector<double> u(K, 0.0);
    const double e = extra_top[i];
    const double needed_top = next[K - 1] - surv[K - 1] - below_top * e;
    u[K - 1] = surv[K - 2] > 1e-12 ? clamp01(needed_top / (surv[K - 2] * (1 - e))) : 0.0;
    // Middle states k = K-2 .. 1: next[k] = surv[k](1-e)(1-u[k+1]) + surv[k-1](1-e) u[k]
    for (std::size_t k = K - 2; k >= 1; --k) {
      const double stay = surv[k] * (1 - e) * (1 - u[k + 1]);
      u[k] = surv[k - 1] > 1e-12 ? clamp01((next[k] - stay) / (surv[k - 1] * (1 - e))) : 0.0;
      if (k == 1) break;
    }
    for (std::size_t k = 1; k < K; ++k) up[k][i] = u[k];
  }
  for (std::size_t k = 1; k < K; ++k) up[k][kMaxAge] = up[k][kMaxAge - 1];
  return up;
}

}  // namespace shiftsim::model
