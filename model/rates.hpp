// Monthly hazards and expected activity for one (district, IMD decile, sex, age) cell, and
// the per-person computation that combines them with the person's own multipliers.
//
// Every person-month uses one 32-bit draw: "does anything happen?" against the cached
// probability 1 - exp(-H), where H is the sum of the person's event hazards. Only when
// something happens are the hazards recomputed and the event chosen with probability
// h_k / H (competing risks; at most one event per person per month). Pure tallies are
// drawn in aggregate.
#pragma once

#include "model/cells.hpp"
#include "model/multipliers.hpp"
#include "model/population.hpp"
#include "model/types.hpp"

#include <array>
#include <cmath>
#include <vector>

namespace shiftsim::model {

/// Events a person can have in a month, in the fixed order used to resolve them.
enum Event : std::uint8_t {
  ev_death = 0,
  ev_emigration,
  ev_emergency_admission,
  ev_incidence_first,                              // 8 conditions
  ev_cmd_recovery = ev_incidence_first + kConditions,
  ev_smoking_start,                                // never->current, or ex->current (relapse)
  ev_smoking_quit,
  ev_weight_up,
  ev_weight_down,
  ev_inactive_toggle,
  ev_drinking_toggle,
  ev_isolation_toggle,
  ev_frailty_progression,
  ev_care_move,                                    // home->home care, home care->care home
  ev_programme_lapse,                              // a programme membership ends (its effect has worn off)
  kEventCount
};
inline constexpr int kEvents = kEventCount;

/// Monthly hazards for one cell. Person multipliers are normalised: the division by the
/// mean multiplier of the person's (age group, sex, quintile) is already folded in.
struct CellRates {
  float death = 0;        // x Multipliers::mortality x trend
  float emigration = 0;
  float emergency = 0;    // x Multipliers::emergency
  std::array<float, kConditions> incidence{};  // x incidence RR
  float cmd_recovery = 0;
  float smoking_initiation = 0, smoking_quit = 0, smoking_relapse = 0;
  float weight_up1 = 0, weight_up2 = 0, weight_down1 = 0, weight_down2 = 0;
  float inactive_on = 0, inactive_off = 0, drinking_on = 0, drinking_off = 0, isolated_on = 0, isolated_off = 0;
  std::array<float, 3> frailty_up{};  // fit->mild, mild->moderate, moderate->severe (x frailty multiplier)
  std::array<float, 2> care_up{};     // home->home care, home care->care home (x care multiplier)
  std::array<float, kTallies> tally{};  // expected monthly count (x tally multiplier)
  float utility_norm = 0;
  float emergency_los_days = 0;
  float care_home_after_admission = 0;
};

struct RateTables {
  CellIndex index;
  std::vector<CellRates> cells;
  /// Annual mortality improvement [sex][age]; rates at a birthday in model year y are
  /// multiplied by (1 - improvement)^y.
  std::array<std::array<float, kAges>, kSexes> mortality_improvement{};
  float smoking_extra_quit = 0;  // monthly hazard added to quitting (secular decline)
  float home_care_hours_per_month = 0;   // a home care package's hours in a month
  float care_home_weeks_per_month = 0;   // 52/12
  /// Babies under 1: emergency admissions by birth weight (risk_bits::family set = under
  /// 2,500 g), multipliers whose mean over the region's births is 1 (model/wider.hpp).
  float infant_emergency_lbw = 1, infant_emergency_other = 1;
};

/// What funded interventions do to a person this month: multipliers on the rates they act
/// on (the product over the person's programmes and their area's programmes), and the
/// monthly hazard of a programme's effect lapsing (see model/programmes.hpp).
enum PersonMultiplier : std::uint8_t {
  pm_emergency = 0,
  pm_ae,
  pm_gp,
  pm_outpatient,
  pm_chd,
  pm_stroke,
  pm_isolation_onset,
  pm_care_home,
  pm_length_of_stay,
  pm_delayed_discharge,
  pm_carer_strain,  // the chance that the person's unpaid carer is strained (carer support)
  kPersonMultiplierCount
};
inline constexpr int kPersonMultipliers = kPersonMultiplierCount;
using MultiplierSet = std::array<float, kPersonMultipliers>;
inline MultiplierSet unit_multipliers() {
  MultiplierSet m;
  m.fill(1.f);
  return m;
}

struct PersonEffects {
  MultiplierSet m = unit_multipliers();
  float lapse = 0;  // monthly probability that one of the person's programme memberships lapses
};

/// Hazards of every event for person i (zeros where not applicable).
struct Hazards {
  std::array<float, kEvents> h{};
  float total = 0;
};

inline int model_years_at_last_birthday(int month, int age_months) {
  const int last_birthday_month = month - age_months % 12;
  return last_birthday_month > 0 ? last_birthday_month / 12 : 0;
}

inline void compute_hazards(const Population& pop, std::size_t i, int month, const RateTables& rt,
                            const Multipliers& m, const std::vector<int>& zone_district, Hazards& out,
                            const PersonEffects* fx = nullptr) {
  const int sex = pop.sex(i);
  const int age = pop.age_years(i);
  const std::uint8_t risk = pop.risk[i];
  const std::uint8_t cond = pop.conditions[i];
  const Smoking smoking = pop.smoking(i);
  const Frailty frailty = pop.frailty(i);
  const CareSetting care = pop.care(i);
  const int district = zone_district[pop.zone[i]];
  const CellRates& c = rt.cells[rt.index(district, pop.decile[i], sex, age)];
  auto& h = out.h;

  float trend = 1.f;
  const int years = model_years_at_last_birthday(month, pop.age_months[i]);
  if (years > 0) {
    const float imp = rt.mortality_improvement[static_cast<std::size_t>(sex)][static_cast<std::size_t>(age > kMaxAge ? kMaxAge : age)];
    for (int y = 0; y < years; ++y) trend *= 1.f - imp;
  }
  h[ev_death] = c.death * m.mortality(cond, smoking, frailty) * trend;
  h[ev_emigration] = c.emigration;
  h[ev_emergency_admission] = c.emergency * m.emergency[static_cast<std::size_t>(condition_count(cond))][static_cast<std::size_t>(frailty)];
  if (pop.age_months[i] < 12) h[ev_emergency_admission] *= (risk & risk_bits::family) ? rt.infant_emergency_lbw : rt.infant_emergency_other;
  const auto& rr = m.incidence_row(sex, risk, cond);
  for (int k = 0; k < kConditions; ++k) {
    const float x = c.incidence[static_cast<std::size_t>(k)] * rr[static_cast<std::size_t>(k)];
    h[static_cast<std::size_t>(ev_incidence_first + k)] = (cond & (1u << k)) ? 0.f : x;
  }
  h[ev_cmd_recovery] = (cond & (1u << common_mental_disorder)) ? c.cmd_recovery : 0.f;
  h[ev_smoking_start] = smoking == Smoking::never ? c.smoking_initiation : (smoking == Smoking::ex ? c.smoking_relapse : 0.f);
  h[ev_smoking_quit] = smoking == Smoking::current ? c.smoking_quit + rt.smoking_extra_quit : 0.f;
  const Weight w = pop.weight(i);
  h[ev_weight_up] = w == Weight::healthy ? c.weight_up1 : (w == Weight::overweight ? c.weight_up2 : 0.f);
  h[ev_weight_down] = w == Weight::obese ? c.weight_down2 : (w == Weight::overweight ? c.weight_down1 : 0.f);
  h[ev_inactive_toggle] = (risk & risk_bits::inactive) ? c.inactive_off : c.inactive_on;
  h[ev_drinking_toggle] = (risk & risk_bits::harmful_drinking) ? c.drinking_off : c.drinking_on;
  h[ev_isolation_toggle] = (risk & risk_bits::isolated) ? c.isolated_off : c.isolated_on;
  h[ev_frailty_progression] = frailty == Frailty::severe
                                  ? 0.f
                                  : c.frailty_up[static_cast<std::size_t>(frailty)] *
                                        m.frailty_progression[static_cast<std::size_t>(condition_count(cond))];
  h[ev_care_move] = care == CareSetting::care_home
                        ? 0.f
                        : c.care_up[static_cast<std::size_t>(care)] *
                              m.care_move[static_cast<std::size_t>(frailty)][(cond >> dementia) & 1u];
  if (fx) {
    const MultiplierSet& x = fx->m;
    h[ev_emergency_admission] *= x[pm_emergency];
    h[static_cast<std::size_t>(ev_incidence_first) + coronary_heart_disease] *= x[pm_chd];
    h[static_cast<std::size_t>(ev_incidence_first) + stroke] *= x[pm_stroke];
    if (!(risk & risk_bits::isolated)) h[ev_isolation_toggle] *= x[pm_isolation_onset];
    if (care == CareSetting::home_care) h[ev_care_move] *= x[pm_care_home];
    h[ev_programme_lapse] = fx->lapse;
  }
  float total = 0;
  for (float x : h) total += x;
  out.total = total;
}

}  // namespace shiftsim::model
