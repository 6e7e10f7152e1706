// Monthly hazards and expected activity for one (district, IMD decile, sex, age) cell, and
// the per-person computation that combines them with the person's own multipliers.
//
// Each event's monthly rate is its monthly probability. Which events happen to a person in a
// month is decided by four words of one Philox call, one per event channel, each event owning
// its own slot of its channel's unit interval (model/people/channels.hpp): whether an event happens
// depends only on its own hazard and its own slot, so common random numbers hold event by
// event. Pure tallies are drawn in aggregate.
#pragma once

#include "model/core/cells.hpp"
#include "model/core/parameters.hpp"
#include "model/world/multipliers.hpp"
#include "model/core/population.hpp"
#include "model/core/types.hpp"

#include <algorithm>
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
  float smoking_initiation = 0, smoking_quit = 0;  // relapse: RateTables::smoking_relapse
  float weight_up1 = 0, weight_up2 = 0, weight_down1 = 0, weight_down2 = 0;
  float inactive_on = 0, inactive_off = 0, drinking_on = 0, drinking_off = 0, isolated_on = 0, isolated_off = 0;
  std::array<float, 3> frailty_up{};  // fit->mild, mild->moderate, moderate->severe (x frailty multiplier)
  std::array<float, 2> care_up{};     // home->home care, home care->care home (x care multiplier)
  std::array<float, kTallies> tally{};  // expected monthly count (x tally multiplier)
  float utility_norm = 0;  // the EQ-5D population norm at the cell's age and sex (Ara & Brazier)
  /// The utility of a person with no condition, frailty or care home in the cell: the norm /
  /// the mean of utility_multiplier over the synthesised people of that age and sex, so that
  /// their mean is the norm (which is the mean of everyone, conditions included).
  float utility_base = 0;
  float emergency_los_days = 0;
  float care_home_after_admission = 0;
  /// The share of the cell's emergency admissions that follow a fall (people 65+; 0 below),
  /// calibrated by district and age band to PHE Fingertips indicator 22401.
  float falls_share = 0;
  /// The widths the stacked slots of the event channels reserve (model/people/channels.hpp): they
  /// depend on the cell only, never on the person's state, so that a slot sits at the same
  /// place of its channel in every arm. Filled by reserve_slots.
  std::array<float, kConditions> incidence_reserved{};  // incidence x the largest RR any person of the sex can have
  float smoking_reserved = 0;                           // max(initiation, the largest relapse, quit)
  float weight_up_reserved = 0, weight_down_reserved = 0;
  float inactive_reserved = 0;                          // max(on, off)
  float conditions_stack = 0, behaviour_stack = 0;      // the stacked slots' total in channels 2 and 3
};

/// A person's expected monthly count of each random tally before any programme: the cell's
/// count x the person's multiplier for their conditions and frailty. Never stored: it is a
/// function of the cell (district, decile, sex, age in years), the conditions and the frailty,
/// which change only where the person's cached state is refreshed, so it is computed where it is
/// read (ProgrammeEngine::expected_tallies adds the memberships' multipliers).
inline std::array<float, kRandomTallies> base_expected_tallies(const CellRates& c, const Multipliers& m, std::uint8_t conditions,
                                                              Frailty f) {
  std::array<float, kRandomTallies> t{};
  for (int k = 0; k < kRandomTallies; ++k) t[static_cast<std::size_t>(k)] = c.tally[static_cast<std::size_t>(k)] * m.tally_rr(k, conditions, f);
  return t;
}

struct RateTables {
  CellIndex index;
  std::vector<CellRates> cells;
  /// Annual mortality improvement [sex][age]; rates at a birthday in model year y are
  /// multiplied by (1 - improvement)^y.
  std::array<std::array<float, kAges>, kSexes> mortality_improvement{};
  float smoking_extra_quit = 0;  // monthly hazard added to quitting (secular decline)
  /// An ex-smoker's monthly relapse by completed years since quitting (Hawkins 2010).
  std::array<float, kQuitYears> smoking_relapse{};
  /// Mortality multiplier by care-home stay band (Population::care_band: not a resident, first
  /// year of the stay, later), calibrated to residents' deaths per resident-year.
  std::array<float, 3> mortality_care{1.f, 1.f, 1.f};
  /// The direct mortality HRs of conditions, smoking and frailty: raked in the calibration so
  /// that each factor's marginal HR in the synthesised population is its published one.
  MortalityTable mortality;
  /// Emergency admission multiplier [condition count][frailty] with the direct frailty HRs: raked
  /// so that the frailty levels' marginal HRs among people 65+ are Clegg's (the gradient per
  /// condition is kept).
  std::array<std::array<float, kFrailtyLevels>, 9> emergency{};
  /// Smoking's direct multiplier on emergency admissions, indexed as MortalityTable::smoking
  /// (never, current, ex by years since quitting): the admissions smoking causes beyond its
  /// conditions, calibrated to the smoking-attributable share.
  std::array<float, 2 + kQuitYears> emergency_smoking = [] {
    std::array<float, 2 + kQuitYears> a{};
    a.fill(1.f);
    return a;
  }();
  float home_care_hours_per_month = 0;   // a home care package's hours in a month
  float care_home_weeks_per_month = 0;   // 52/12
  float care_home_mean_stay_months = 0;  // an entrant's expected stay (how long an avoided move saves)
  /// Babies under 1: emergency admissions by birth weight (risk_bits::family set = under
  /// 2,500 g), multipliers whose mean over the region's births is 1 (model/people/wider.hpp).
  float infant_emergency_lbw = 1, infant_emergency_other = 1;
};

/// What funded interventions do to a person this month: multipliers on the rates they act
/// on (the product over the person's programmes and their area's programmes). A membership's
/// lapse is not among them: it is drawn on its own (model/programmes/programmes.hpp).
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
  pm_falls,         // falls, and so the emergency admissions that follow a fall (CellRates::falls_share)
  pm_mh_admission_odds,  // the odds of a mental-health admission after a crisis (crisis care)
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
  /// The care-home multiplier without any programme (an unpaid carer's strain with no support):
  /// the person's need of a care home, which sets their care-home mortality whether or not a
  /// programme keeps them at home (PersonRates::care_need).
  float care_home_base = 1.f;
};

/// Hazards of every event for person i (zeros where not applicable).
struct Hazards {
  std::array<float, kEvents> h{};
  float total = 0;
  float care_need = 0;       // PersonRates::care_need
  float emergency_need = 0;  // PersonRates::emergency_need
};

/// A person's EQ-5D relative to someone of their age and sex with no condition: the condition
/// decrements (Sullivan 2011) as multipliers on the norm, frailty's and a care home's.
inline double utility_multiplier(const Parameters& p, double norm, std::uint8_t conditions, Frailty f, bool care_home) {
  double u = 1;
  for (int k = 0; k < kConditions; ++k)
    if (conditions & (1u << k)) u *= std::max(0.0, (norm - p.utility_decrement[static_cast<std::size_t>(k)]) / norm);
  u *= p.utility_frailty_multiplier[static_cast<std::size_t>(f)];
  if (care_home) u *= p.utility_care_home_multiplier;
  return u;
}

inline int model_years_at_last_birthday(int month, int age_months) {
  const int last_birthday_month = month - age_months % 12;
  return last_birthday_month > 0 ? last_birthday_month / 12 : 0;
}

/// One person's rates this month: their cell, state and programme effects, from which any
/// one event's hazard can be read without computing the others (the event channels resolve
/// one event at a time, model/channels.hpp); compute_hazards reads them all.
class PersonRates {
 public:
  [[gnu::always_inline]] PersonRates(const Population& pop, std::size_t i, int month, const RateTables& rt, const Multipliers& m,
              const std::vector<int>& zone_district, const PersonEffects* fx = nullptr)
      : rt_(rt),
        m_(m),
        c_(rt.cells[rt.index(zone_district[pop.zone[i]], pop.decile[i], pop.sex(i), pop.age_years(i))]),
        fx_(fx),
        sex_(pop.sex(i)),
        age_(pop.age_years(i)),
        age_months_(pop.age_months[i]),
        month_(month),
        risk_(pop.risk[i]),
        cond_(pop.conditions[i]),
        smoking_(pop.smoking(i)),
        weight_(pop.weight(i)),
        frailty_(pop.frailty(i)),
        care_(pop.care(i)),
        quit_years_(smoking_ == Smoking::ex ? pop.quit_years(i) : 0),
        care_band_(pop.care_band(i)) {}

  const CellRates& cell() const { return c_; }

  float death() const {
    float trend = 1.f;
    const int years = model_years_at_last_birthday(month_, age_months_);
    if (years > 0) {
      const float imp = rt_.mortality_improvement[static_cast<std::size_t>(sex_)][static_cast<std::size_t>(age_ > kMaxAge ? kMaxAge : age_)];
      for (int y = 0; y < years; ++y) trend *= 1.f - imp;
    }
    return c_.death * rt_.mortality(cond_, smoking_, quit_years_, frailty_) * rt_.mortality_care[static_cast<std::size_t>(care_band_)] * trend;
  }
  float emigration() const { return c_.emigration; }
  float emergency_admission() const {
    const float h = emergency_need();
    return fx_ ? h * fx_->m[pm_emergency] * falls_factor(fx_->m[pm_falls]) : h;
  }
  /// The multiplier programmes that act on falls put on all of a person's admissions: the
  /// falls part of them times the multiplier on falls.
  float falls_factor(float falls) const { return 1.f - c_.falls_share * (1.f - falls); }
  /// The chance that an emergency admission this month followed a fall (programmes included).
  float falls_share_of_admission() const {
    const float s = c_.falls_share;
    if (!fx_ || s == 0.f) return s;
    return s * fx_->m[pm_falls] / falls_factor(fx_->m[pm_falls]);
  }
  /// The admission's part of the care channel's word [0, emergency_admission()) holds the
  /// admissions that follow a fall first: an admission followed a fall if its word is below
  /// this. Any programme's multipliers (at most 1) shrink that part from the top, so a
  /// scenario's falls admissions are always among the baseline's (common random numbers).
  float falls_below() const {
    const float h = emergency_need() * c_.falls_share;
    return fx_ ? h * fx_->m[pm_emergency] * fx_->m[pm_falls] : h;
  }
  /// The admission hazard without programmes: an admission a programme averts (a draw between
  /// the two) is still asked whether it would have ended in a care home, whose need (and
  /// mortality) it would have started (see care_need).
  float emergency_need() const {
    float h = c_.emergency * rt_.emergency[static_cast<std::size_t>(condition_count(cond_))][static_cast<std::size_t>(frailty_)] *
              rt_.emergency_smoking[Multipliers::smoking_index(smoking_, quit_years_)];
    if (age_months_ < 12) h *= (risk_ & risk_bits::family) ? rt_.infant_emergency_lbw : rt_.infant_emergency_other;
    return h;
  }
  float incidence(int k) const {
    if (cond_ & (1u << k)) return 0.f;
    float x = c_.incidence[static_cast<std::size_t>(k)] * m_.incidence_rr(k, sex_, risk_, cond_, quit_years_);
    if (fx_ && k == coronary_heart_disease) x *= fx_->m[pm_chd];
    if (fx_ && k == stroke) x *= fx_->m[pm_stroke];
    return x;
  }
  float cmd_recovery() const { return (cond_ & (1u << common_mental_disorder)) ? c_.cmd_recovery : 0.f; }
  float smoking_start() const {
    return smoking_ == Smoking::never ? c_.smoking_initiation
                                      : (smoking_ == Smoking::ex ? rt_.smoking_relapse[static_cast<std::size_t>(quit_years_)] : 0.f);
  }
  float smoking_quit() const { return smoking_ == Smoking::current ? c_.smoking_quit + rt_.smoking_extra_quit : 0.f; }
  float weight_up() const { return weight_ == Weight::healthy ? c_.weight_up1 : (weight_ == Weight::overweight ? c_.weight_up2 : 0.f); }
  float weight_down() const { return weight_ == Weight::obese ? c_.weight_down2 : (weight_ == Weight::overweight ? c_.weight_down1 : 0.f); }
  float inactive_toggle() const { return (risk_ & risk_bits::inactive) ? c_.inactive_off : c_.inactive_on; }
  float drinking_toggle() const { return (risk_ & risk_bits::harmful_drinking) ? c_.drinking_off : c_.drinking_on; }
  float isolation_toggle() const {
    if (risk_ & risk_bits::isolated) return c_.isolated_off;
    return fx_ ? c_.isolated_on * fx_->m[pm_isolation_onset] : c_.isolated_on;
  }
  float frailty_progression() const {
    return frailty_ == Frailty::severe ? 0.f
                                       : c_.frailty_up[static_cast<std::size_t>(frailty_)] *
                                             m_.frailty_progression[static_cast<std::size_t>(condition_count(cond_))];
  }
  float care_move() const {
    if (care_ == CareSetting::care_home) return 0.f;
    const float h = c_.care_up[static_cast<std::size_t>(care_)] * m_.care_move[static_cast<std::size_t>(frailty_)][(cond_ >> dementia) & 1u];
    return within_care_channel(fx_ && care_ == CareSetting::home_care ? h * fx_->m[pm_care_home] : h);
  }
  /// A move's hazard and an admission's share channel 1's word: for the frailest very old, whose
  /// move hazard (the stationary entry rate x their multiplier) can exceed what is left, the move
  /// takes the rest of the month's interval.
  float within_care_channel(float move) const {
    const float room = 1.f - emergency_need();  // without programmes: a programme's admissions never move it
    return move < room ? move : room;
  }

  /// The move hazard without programmes: a move a programme averts (a draw between the actual
  /// hazard and this) still starts the care-home clock, so the person's mortality is the one of
  /// the need, not of the address (the care-home multipliers stand for unmeasured severity).
  float care_need() const {
    if (care_ != CareSetting::home_care || !fx_) return care_move();
    return within_care_channel(c_.care_up[static_cast<std::size_t>(care_)] *
                               m_.care_move[static_cast<std::size_t>(frailty_)][(cond_ >> dementia) & 1u] * fx_->care_home_base);
  }

  void all(Hazards& out) const {
    auto& h = out.h;
    h[ev_death] = death();
    h[ev_emigration] = emigration();
    h[ev_emergency_admission] = emergency_admission();
    for (int k = 0; k < kConditions; ++k) h[static_cast<std::size_t>(ev_incidence_first + k)] = incidence(k);
    h[ev_cmd_recovery] = cmd_recovery();
    h[ev_smoking_start] = smoking_start();
    h[ev_smoking_quit] = smoking_quit();
    h[ev_weight_up] = weight_up();
    h[ev_weight_down] = weight_down();
    h[ev_inactive_toggle] = inactive_toggle();
    h[ev_drinking_toggle] = drinking_toggle();
    h[ev_isolation_toggle] = isolation_toggle();
    h[ev_frailty_progression] = frailty_progression();
    h[ev_care_move] = care_move();
    float total = 0;
    for (float x : h) total += x;
    out.total = total;
    out.care_need = care_need();
    out.emergency_need = emergency_need();
  }

 private:
  const RateTables& rt_;
  const Multipliers& m_;
  const CellRates& c_;
  const PersonEffects* fx_;
  int sex_, age_, age_months_, month_;
  std::uint8_t risk_, cond_;
  Smoking smoking_;
  Weight weight_;
  Frailty frailty_;
  CareSetting care_;
  int quit_years_, care_band_;
};

inline void compute_hazards(const Population& pop, std::size_t i, int month, const RateTables& rt,
                            const Multipliers& m, const std::vector<int>& zone_district, Hazards& out,
                            const PersonEffects* fx = nullptr) {
  PersonRates(pop, i, month, rt, m, zone_district, fx).all(out);
}

}  // namespace shiftsim::model
