// Transition rates consistent with a cross-sectional age profile.
//
// For a state with prevalence P(a) at single years of age, the rates are chosen so that a
// cohort of people aged a, subject to one year of mortality (with the state's own hazard
// ratio) and then one year of transitions, has prevalence P(a+1) at age a+1. Known rates
// (recovery, quitting) are inputs; the unknown onset rates are solved. Absent trends and
// interventions the age profile is then reproduced over time. Where the profile would
// need a negative onset, the onset is set to zero (recorded as a clipped age).
// All probabilities here are annual.
#pragma once

#include "model/core/types.hpp"

#include <array>
#include <cmath>
#include <vector>

namespace shiftsim::model {

using AgeVector = std::array<double, kAges>;

/// Survival of people in and out of a state over one year at age a, given the all-person
/// death probability q(a), the prevalence p and the mortality hazard ratio of the state.
struct SplitSurvival {
  double in_state;
  double out_state;
};
SplitSurvival split_survival(double q_all, double prevalence, double hazard_ratio);

/// Binary state with a monthly recovery probability r(a): returns the monthly onset
/// probability o(a) such that twelve monthly steps (P' = P (1 - r) + (1 - P) o) take the
/// survivors' prevalence at age a to P(a+1). Solved by bisection; two-way transitions within
/// the year are therefore exact, which matters when recovery is fast (e.g. depression).
AgeVector solve_binary_onset_monthly(const AgeVector& prevalence, const AgeVector& recovery_monthly,
                                     const AgeVector& q_all, const AgeVector& hazard_ratio, int* clipped_ages = nullptr);

/// Smoking: never/current/ex with relapse given; solves quit and initiation.
struct SmokingRates {
  AgeVector initiation{}, quit{};
};
SmokingRates solve_smoking(const AgeVector& current, const AgeVector& ex, const AgeVector& relapse,
                           const AgeVector& q_all, const AgeVector& hr_current, const AgeVector& hr_ex);

/// Ordered three states 0 < 1 < 2 with downward rates given (1->0, 2->1): solves upward
/// rates (0->1, 1->2) from P(state>=1) and P(state=2). Used for weight.
struct OrdinalRates {
  AgeVector up1{}, up2{};
};
OrdinalRates solve_ordinal3(const AgeVector& at_least_1, const AgeVector& state_2, const AgeVector& down1,
                            const AgeVector& down2, const AgeVector& q_all, const std::array<AgeVector, 3>& hazard_ratio);

/// Progressive states 0..K-1 moving up one level at a time (no recovery), with cumulative
/// prevalences C_k = P(state>=k) for k=1..K-1 and state hazard ratios; `extra_into_top`
/// is an additional annual probability, for those below the top, of jumping straight to
/// the top state (e.g. care-home moves after a hospital stay). Returns up[k] for k=1..K-1:
/// the probability of moving from k-1 to k. Where a state is empty at age a (e.g. the first
/// age of a profile), the mass the profile wants in higher states at a+1 is sent to the
/// highest reachable state instead, since one step can only climb one level.
std::vector<AgeVector> solve_progressive(const std::vector<AgeVector>& cumulative, const AgeVector& q_all,
                                         const std::vector<AgeVector>& hazard_ratio, const AgeVector& extra_into_top);

/// Annual probability to the constant monthly probability with the same annual effect:
/// 1 - (1 - p)^(1/12). The model's month treats each event's rate as a monthly probability.
inline double monthly_probability(double annual_probability) {
  if (annual_probability <= 0) return 0;
  if (annual_probability >= 0.999999) annual_probability = 0.999999;
  return -std::expm1(std::log1p(-annual_probability) / 12.0);
}

}  // namespace shiftsim::model
