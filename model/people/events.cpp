// A person's events (events.hpp).
#include "model/people/events.hpp"

#include <boost/random/geometric_distribution.hpp>

#include <algorithm>

namespace shiftsim::model {

void admit_emergency(Population& pop, std::size_t i, int month, const CellRates& c, const Parameters& p, const RandomKey& key,
                     const StayFeedback& stay, const PersonEffects* fx, double* row, EventEffects& out, bool needed,
                     bool after_fall) {
  row[fm_emergency_admissions] += 1;
  if (pop.age_months[i] < 12) row[fm_infant_emergency_admissions] += 1;
  if (after_fall) {
    row[fm_falls_admissions_65_plus] += 1;
    out.falls = true;
  }
  CounterEngine e(key, pop.id[i], static_cast<std::uint32_t>(month), Purpose::event_detail);
  const double z = p.zero_day_share;
  double bed_days = 0;
  // A share d of bed-days is delayed: m x the delays make stays 1 + d (m - 1) as long.
  const double d = p.delayed_share_of_bed_days;
  // The delays, with the system's multiplier and the programmes': fewer delayed days make the
  // stay shorter (and its excess bed-days cheaper), not only fewer of its days delayed.
  const double delayed_multiplier = fx ? fx->m[pm_delayed_discharge] : 1.0;
  const double delays = stay.delayed_discharge * delayed_multiplier;
  const double stretch = 1.0 + d * (delays - 1.0);
  const double los_multiplier = (fx ? fx->m[pm_length_of_stay] : 1.0) * stay.length_of_stay * stretch;
  // A non-zero stay is 1 + a geometric count of mean m - 1: its mean is m.
  const double mean_nonzero = std::max(1.0, c.emergency_los_days * los_multiplier / (1.0 - z));
  if (e.uniform() >= z) {
    boost::random::geometric_distribution<int, double> extra(1.0 / mean_nonzero);
    bed_days = 1.0 + extra(e);
  }
  row[fm_emergency_bed_days] += bed_days;
  // The spell's price holds the base year's expected stay (the same draw without the system's
  // and programmes' stretch): the days above or below it cost extra.
  const double expected = (1.0 - z) * std::max(1.0, c.emergency_los_days / (1.0 - z));
  row[fm_excess_bed_days] += bed_days - expected;
  out.excess_bed_days = bed_days - expected;
  const double delayed = bed_days * d * delays / stretch;
  row[fm_delayed_discharge_bed_days] += delayed;
  out.admitted = true;
  out.delayed_bed_days = delayed;
  // E[bed-days] = (1 - z) x the non-zero stays' mean.
  out.expected_delayed_bed_days = (1.0 - z) * mean_nonzero * d * delays / stretch;
  out.delay_cut = fx && delayed_multiplier != 1.0;
  const double care_home_after = c.care_home_after_admission * (fx ? fx->m[pm_care_home] : 1.0);
  if (pop.care(i) != CareSetting::care_home) {
    // The need: an admission the person needed that ends in a care home without programmes.
    const double u = discharge_to_care_home_draw(key, pop, i, month);
    if (needed && u < c.care_home_after_admission * (fx ? fx->care_home_base : 1.f)) start_care_home_need(pop, i);
    if (u < care_home_after) {
      set_care(pop, i, CareSetting::care_home);
      row[fm_care_home_moves] += 1;
      row[fm_care_home_moves_after_admission] += 1;
    }
  }
}

}  // namespace shiftsim::model
