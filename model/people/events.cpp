// A person's events (events.hpp).
#include "model/people/events.hpp"

#include <boost/random/geometric_distribution.hpp>

#include <algorithm>

namespace shiftsim::model {

void set_care(Population& pop, std::size_t i, CareSetting s) {
  std::uint8_t& status = pop.status[i];
  status = static_cast<std::uint8_t>((status & static_cast<std::uint8_t>(~status_bits::care_mask)) | (static_cast<unsigned>(s) << status_bits::care_shift));
}

void admit_emergency(Population& pop, std::size_t i, int month, const CellRates& c, const Parameters& p, const RandomKey& key,
                     const StayFeedback& stay, const PersonEffects* fx, double* row, EventEffects& out) {
  row[fm_emergency_admissions] += 1;
  if (pop.age_months[i] < 12) row[fm_infant_emergency_admissions] += 1;
  CounterEngine e(key, pop.id[i], static_cast<std::uint32_t>(month), Purpose::event_detail);
  const double z = p.zero_day_share;
  double bed_days = 0;
  // A share d of bed-days is delayed: m x the delays make stays 1 + d (m - 1) as long.
  const double d = p.delayed_share_of_bed_days;
  const double stretch = 1.0 + d * (stay.delayed_discharge - 1.0);
  const double los_multiplier = (fx ? fx->m[pm_length_of_stay] : 1.0) * stay.length_of_stay * stretch;
  if (e.uniform() >= z) {
    const double mean_nonzero = std::max(1.0, c.emergency_los_days * los_multiplier / (1.0 - z));
    boost::random::geometric_distribution<int, double> extra(1.0 / mean_nonzero);
    bed_days = 1.0 + extra(e);
  }
  row[fm_emergency_bed_days] += bed_days;
  const double delayed_multiplier = fx ? fx->m[pm_delayed_discharge] : 1.0;
  const double delayed = bed_days * d * stay.delayed_discharge / stretch * delayed_multiplier;
  row[fm_delayed_discharge_bed_days] += delayed;
  out.admitted = true;
  out.delayed_bed_days = delayed;
  out.delay_cut = fx && delayed_multiplier != 1.0;
  const double care_home_after = c.care_home_after_admission * (fx ? fx->m[pm_care_home] : 1.0);
  if (pop.care(i) != CareSetting::care_home && e.uniform() < care_home_after) {
    set_care(pop, i, CareSetting::care_home);
    row[fm_care_home_moves] += 1;
    row[fm_care_home_moves_after_admission] += 1;
  }
}

void recover_from_common_mental_disorder(Population& pop, std::size_t i) {
  pop.conditions[i] = static_cast<std::uint8_t>(pop.conditions[i] & ~(1u << common_mental_disorder));
}

void set_smoking(Population& pop, std::size_t i, Smoking s) {
  std::uint8_t& risk = pop.risk[i];
  risk = static_cast<std::uint8_t>((risk & static_cast<std::uint8_t>(~risk_bits::smoking_mask)) | static_cast<unsigned>(s));
}

void change_weight(Population& pop, std::size_t i, int step) {
  std::uint8_t& risk = pop.risk[i];
  const int w = std::clamp(static_cast<int>(pop.weight(i)) + step, 0, 2);
  risk = static_cast<std::uint8_t>((risk & static_cast<std::uint8_t>(~risk_bits::weight_mask)) | (w << risk_bits::weight_shift));
}

void move_care(Population& pop, std::size_t i, double* row) {
  if (pop.care(i) == CareSetting::home) {
    set_care(pop, i, CareSetting::home_care);
    row[fm_home_care_starts] += 1;
  } else {
    set_care(pop, i, CareSetting::care_home);
    row[fm_care_home_moves] += 1;
  }
}

void onset_condition(Population& pop, std::size_t i, int condition, double* row) {
  pop.conditions[i] = static_cast<std::uint8_t>(pop.conditions[i] | (1u << condition));
  row[fm_incidence_first + condition] += 1;
}

void progress_frailty(Population& pop, std::size_t i) {
  std::uint8_t& status = pop.status[i];
  const int f = std::min(3, static_cast<int>(pop.frailty(i)) + 1);
  status = static_cast<std::uint8_t>((status & static_cast<std::uint8_t>(~status_bits::frailty_mask)) | f);
}

EventEffects apply_events(Population& pop, std::size_t i, int month, const std::array<int, kChannels>& chosen, const CellRates& c,
                          const Parameters& p, const RandomKey& key, const StayFeedback& stay, const PersonEffects* fx, double* row) {
  EventEffects out;
  for (const int event : {chosen[ch_behaviour], chosen[ch_conditions], chosen[ch_care]}) {
    if (event < 0) continue;
    out.changed = true;
    switch (event) {
      case ev_emergency_admission: admit_emergency(pop, i, month, c, p, key, stay, fx, row, out); break;
      case ev_cmd_recovery: recover_from_common_mental_disorder(pop, i); break;
      case ev_smoking_start: set_smoking(pop, i, Smoking::current); break;
      case ev_smoking_quit: set_smoking(pop, i, Smoking::ex); break;
      case ev_weight_up: change_weight(pop, i, +1); break;
      case ev_weight_down: change_weight(pop, i, -1); break;
      case ev_inactive_toggle: pop.risk[i] ^= risk_bits::inactive; break;
      case ev_drinking_toggle: pop.risk[i] ^= risk_bits::harmful_drinking; break;
      case ev_isolation_toggle: pop.risk[i] ^= risk_bits::isolated; break;
      case ev_care_move: move_care(pop, i, row); break;
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
