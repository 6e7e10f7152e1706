// Person-level relative risks as small lookup tables indexed by a person's bit fields, so
// the per-person work in the hot loop is a handful of table reads. Built from Parameters.
#pragma once

#include "model/core/parameters.hpp"
#include "model/core/population.hpp"

#include <array>
#include <cstdint>

namespace shiftsim::model {

inline constexpr int kRiskBytes = 128;  // risk byte values (7 bits used)
inline constexpr int kConditionSets = 256;

/// Where smoking state s (and, for an ex-smoker, the completed years since quitting) sits in
/// the tables indexed by smoking: [0] never, [1] current, [2 + t] ex-smoker t years on.
inline std::size_t smoking_slot(Smoking s, int quit_years) {
  return s == Smoking::ex ? 2u + static_cast<std::size_t>(quit_years) : static_cast<std::size_t>(s);
}

/// A mortality multiplier table (the run's direct HRs, RateTables::mortality): product of condition HRs (capped) x smoking HR (never, current,
/// ex by years since quitting) x frailty HR, capped per person.
struct MortalityTable {
  std::array<float, kConditionSets> conditions{};
  std::array<float, 2 + kQuitYears> smoking{};
  std::array<float, kFrailtyLevels> frailty{};
  float person_cap = 0;
  float operator()(std::uint8_t cond, Smoking s, int quit_years, Frailty f) const {
    const float m = conditions[cond] * smoking[smoking_slot(s, quit_years)] * frailty[static_cast<std::size_t>(f)];
    return m < person_cap ? m : person_cap;
  }
};

struct Multipliers {
  static std::size_t smoking_index(Smoking s, int quit_years) { return smoking_slot(s, quit_years); }
  /// Incidence RR [sex][risk byte][hypertension bit + 2*diabetes bit][condition]: one person's
  /// RRs for all conditions are one contiguous row.
  /// The ex-smokers' rows are the never-smokers'; an ex-smoker's RR of each condition is that
  /// times incidence_ex [sex][completed years since quitting][condition] = 1 + (RR_current - 1) x
  /// the condition's curve of excess risk remaining (parameters.hpp, cessation_curve).
  std::array<std::array<std::array<std::array<float, kConditions>, 4>, kRiskBytes>, kSexes> incidence{};
  std::array<std::array<std::array<float, kConditions>, kQuitYears>, kSexes> incidence_ex{};
  /// The direct weight RRs of CHD and stroke incidence [condition: 0 CHD, 1 stroke][sex][0
  /// overweight, 1 obese]: Guh 2009's total effects divided by the part that acts through the
  /// hypertension and diabetes that weight raises (whose own RRs multiply them).
  std::array<std::array<std::array<double, 2>, kSexes>, 2> weight_rr_direct{};

  /// Emergency admission multiplier [condition count 0..8][frailty].
  std::array<std::array<float, kFrailtyLevels>, 9> emergency{};

  /// Tally multiplier [tally][condition count][frailty][cmd + 2*dementia].
  std::array<std::array<std::array<std::array<float, 4>, kFrailtyLevels>, 9>, kTallies> tally{};

  /// Frailty progression multiplier [condition count].
  std::array<float, 9> frailty_progression{};
  /// Care move multiplier [frailty][dementia].
  std::array<std::array<float, 2>, kFrailtyLevels> care_move{};

  const std::array<float, kConditions>& incidence_row(int sex, std::uint8_t risk, std::uint8_t conditions) const {
    const unsigned hd = ((conditions >> hypertension) & 1u) | (((conditions >> type2_diabetes) & 1u) << 1);
    return incidence[static_cast<std::size_t>(sex)][risk & 0x7F][hd];
  }
  float incidence_rr(int c, int sex, std::uint8_t risk, std::uint8_t conditions, int quit_years) const {
    const float x = incidence_row(sex, risk, conditions)[static_cast<std::size_t>(c)];
    return static_cast<Smoking>(risk & risk_bits::smoking_mask) == Smoking::ex
               ? x * incidence_ex[static_cast<std::size_t>(sex)][static_cast<std::size_t>(quit_years)][static_cast<std::size_t>(c)]
               : x;
  }
  float tally_rr(int t, std::uint8_t conditions, Frailty f) const {
    const unsigned n = static_cast<unsigned>(condition_count(conditions));
    const unsigned mh = ((conditions >> common_mental_disorder) & 1u) | (((conditions >> dementia) & 1u) << 1);
    return tally[static_cast<std::size_t>(t)][n][static_cast<std::size_t>(f)][mh];
  }
};

Multipliers build_multipliers(const Parameters& p);

/// The all-cause curve of excess mortality remaining t completed years after quitting: the
/// mix of the CVD, COPD and cancer curves (mortality.smoking.ex_curve_share.*).
double all_cause_excess_remaining(const Parameters& p, int quit_years);

}  // namespace shiftsim::model
