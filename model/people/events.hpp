// A person's events, each a named handler of the person's state (MODEL.md, "What happens to
// each person each month"): the event channels (channels.hpp) choose at most one event per
// channel from the person's own draws; apply_events carries out the chosen ones and counts
// them in the month's flows of the person's cell. Leaving (death, emigration) is the run's
// to carry out, as the person's contribution to its running sums leaves with them.
#pragma once

#include "model/core/outputs.hpp"
#include "model/core/parameters.hpp"
#include "model/core/population.hpp"
#include "model/core/random.hpp"
#include "model/people/channels.hpp"
#include "model/people/rates.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

namespace shiftsim::model {

/// The system's feedback on a hospital stay in the person's ICP (model/hybrid): occupancy
/// lengthens stays, and social care capacity scales their delayed part.
struct StayFeedback {
  double length_of_stay = 1, delayed_discharge = 1;
};

/// What the events did beyond the person's own state and the cell's flows.
struct EventEffects {
  bool changed = false;         // a state the person's rates depend on changed
  bool admitted = false;        // an emergency admission (costed per person in ledger mode)
  double delayed_bed_days = 0;  // that stay's delayed transfers of care
  double expected_delayed_bed_days = 0;  // their expectation over the stay's length draw
  double excess_bed_days = 0;   // that stay's days above (below) its expected stay
  bool delay_cut = false;       // programmes cut those delays (they are credited the bed-days avoided)
  bool falls = false;           // that admission followed a fall
};


/// The uniform that decides whether person i's emergency admission in `month` ends in a move
/// into a care home: its own stream, so that it is the same draw in every arm however the
/// stay's draws went, and so that an admission a programme averts can still be asked whether
/// it would have ended in a care home.
inline double discharge_to_care_home_draw(const RandomKey& key, const Population& pop, std::size_t i, int month) {
  return to_unit_open(philox_words(key, pop.id[i], static_cast<std::uint32_t>(month), Purpose::discharge_destination)[0]);
}

// The handlers, one per event.
/// An emergency admission: its bed-days (a zero-day share, else geometric around the cell's
/// mean stay stretched by the system and programmes), their delayed part, and a move into a
/// care home after it. `after_fall`: it followed a fall (the bottom of the admission's part of
/// the care channel's word, PersonRates::falls_below).
void admit_emergency(Population& pop, std::size_t i, int month, const CellRates& c, const Parameters& p, const RandomKey& key,
                     const StayFeedback& stay, const PersonEffects* fx, double* row, EventEffects& out, bool needed = true,
                     bool after_fall = false);

/// Moves person i to care setting s (the care-home clock is the need's: start_care_home_need).
inline void set_care(Population& pop, std::size_t i, CareSetting s) {
  std::uint8_t& status = pop.status[i];
  status = static_cast<std::uint8_t>((status & static_cast<std::uint8_t>(~status_bits::care_mask)) | (static_cast<unsigned>(s) << status_bits::care_shift));
}

inline void recover_from_common_mental_disorder(Population& pop, std::size_t i) {
  pop.conditions[i] = static_cast<std::uint8_t>(pop.conditions[i] & ~(1u << common_mental_disorder));
}

/// Sets person i's smoking status: quitting starts the years-since-quitting clock, starting
/// again (relapse) stops it.
inline void set_smoking(Population& pop, std::size_t i, Smoking s) {
  std::uint8_t& risk = pop.risk[i];
  if (s == Smoking::ex && pop.smoking(i) != Smoking::ex) pop.quit_age_months[i] = pop.age_months[i];
  if (s != Smoking::ex) pop.quit_age_months[i] = kNoClock;
  risk = static_cast<std::uint8_t>((risk & static_cast<std::uint8_t>(~risk_bits::smoking_mask)) | static_cast<unsigned>(s));
}

/// One step up or down the weight bands (healthy, overweight, obese).
inline void change_weight(Population& pop, std::size_t i, int step) {
  std::uint8_t& risk = pop.risk[i];
  const int w = std::clamp(static_cast<int>(pop.weight(i)) + step, 0, 2);
  risk = static_cast<std::uint8_t>((risk & static_cast<std::uint8_t>(~risk_bits::weight_mask)) | (w << risk_bits::weight_shift));
}

/// The need of a care home starts its clock (Population::care_band), and with it the
/// residents' mortality: on a move the person needed (one the baseline's hazard gives too), or
/// on one a programme averted (the person stays where they are). A move a programme adds
/// beyond the need (an effect drawn above 1) moves the person without the need's mortality.
inline void start_care_home_need(Population& pop, std::size_t i) {
  if (pop.care_home_entry_age_months[i] == kNoClock) pop.care_home_entry_age_months[i] = pop.age_months[i];
}

/// Home -> home care -> care home. `needed`: the move is within the person's need (always,
/// without programmes).
inline void move_care(Population& pop, std::size_t i, double* row, bool needed = true) {
  if (pop.care(i) == CareSetting::home) {
    set_care(pop, i, CareSetting::home_care);
    row[fm_home_care_starts] += 1;
  } else {
    set_care(pop, i, CareSetting::care_home);
    if (needed) start_care_home_need(pop, i);
    row[fm_care_home_moves] += 1;
  }
}

inline void onset_condition(Population& pop, std::size_t i, int condition, double* row) {
  pop.conditions[i] = static_cast<std::uint8_t>(pop.conditions[i] | (1u << condition));
  row[fm_incidence_first + condition] += 1;
}

inline void progress_frailty(Population& pop, std::size_t i) {
  std::uint8_t& status = pop.status[i];
  const int f = std::min(3, static_cast<int>(pop.frailty(i)) + 1);
  status = static_cast<std::uint8_t>((status & static_cast<std::uint8_t>(~status_bits::frailty_mask)) | f);
}

/// Carries out person i's events chosen this month (chosen[channel]: an event, or -1): those
/// of the behaviour, conditions and care channels in that order, each chosen against the
/// state at the start of the month, then frailty progression from the leaving channel. Counts
/// them in `row`, the kFlowMetrics of the person's cell. `c`: the person's cell rates; `fx`:
/// this month's actual programme multipliers (null: none). `care_needed`: the care channel's
/// event is within the person's need (its word is within the hazard without programmes).
inline EventEffects apply_events(Population& pop, std::size_t i, int month, const std::array<int, kChannels>& chosen, const CellRates& c,
                                 const Parameters& p, const RandomKey& key, const StayFeedback& stay, const PersonEffects* fx, double* row,
                                 bool care_needed = true, bool after_fall = false) {
  EventEffects out;
  for (const int event : {chosen[ch_behaviour], chosen[ch_conditions], chosen[ch_care]}) {
    if (event < 0) continue;
    out.changed = true;
    switch (event) {
      case ev_emergency_admission: admit_emergency(pop, i, month, c, p, key, stay, fx, row, out, care_needed, after_fall); break;
      case ev_cmd_recovery: recover_from_common_mental_disorder(pop, i); break;
      case ev_smoking_start: set_smoking(pop, i, Smoking::current); break;
      case ev_smoking_quit: set_smoking(pop, i, Smoking::ex); break;
      case ev_weight_up: change_weight(pop, i, +1); break;
      case ev_weight_down: change_weight(pop, i, -1); break;
      case ev_inactive_toggle: pop.risk[i] ^= risk_bits::inactive; break;
      case ev_drinking_toggle: pop.risk[i] ^= risk_bits::harmful_drinking; break;
      case ev_isolation_toggle: pop.risk[i] ^= risk_bits::isolated; break;
      case ev_care_move: move_care(pop, i, row, care_needed); break;
      default: onset_condition(pop, i, event - ev_incidence_first, row); break;
    }
  }
  if (chosen[ch_leave] == ev_frailty_progression) {
    progress_frailty(pop, i);
    out.changed = true;
  }
  return out;
}

}  // namespace shiftsim::model
