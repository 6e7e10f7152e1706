// A person's events as named handlers (model/people/events.hpp): each changes exactly the
// state it names and counts itself in the cell's flows; apply_events carries out the chosen
// events of every channel and reports whether the person's rates must be refreshed.
#include "model/people/events.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace shiftsim::model;

namespace {

Population one_person() {
  Population p;
  p.resize(1);
  p.id[0] = 7;
  p.zone[0] = 0;
  p.decile[0] = 3;
  p.age_months[0] = 75 * 12;
  p.status[0] = pack_status(Frailty::fit, 1, CareSetting::home, true, 1);
  p.risk[0] = 0;
  p.conditions[0] = 0;
  p.interventions[0] = 0;
  return p;
}

std::vector<double> row() { return std::vector<double>(static_cast<std::size_t>(kFlowMetrics), 0.0); }

}  // namespace

TEST_CASE("events: care moves go home -> home care -> care home, each counted") {
  Population p = one_person();
  auto r = row();
  move_care(p, 0, r.data());
  CHECK(p.care(0) == CareSetting::home_care);
  CHECK(r[fm_home_care_starts] == 1.0);
  move_care(p, 0, r.data());
  CHECK(p.care(0) == CareSetting::care_home);
  CHECK(r[fm_care_home_moves] == 1.0);
  CHECK(r[fm_home_care_starts] == 1.0);
  CHECK(p.alive(0));
  CHECK(p.sex(0) == 1);
  CHECK(p.frailty(0) == Frailty::fit);
}

TEST_CASE("events: weight moves one band and stays within healthy..obese, and frailty stops at severe") {
  Population p = one_person();
  change_weight(p, 0, -1);
  CHECK(p.weight(0) == Weight::healthy);
  change_weight(p, 0, +1);
  CHECK(p.weight(0) == Weight::overweight);
  change_weight(p, 0, +1);
  change_weight(p, 0, +1);
  CHECK(p.weight(0) == Weight::obese);
  for (int k = 0; k < 5; ++k) progress_frailty(p, 0);
  CHECK(p.frailty(0) == Frailty::severe);
  CHECK(p.care(0) == CareSetting::home);  // the care bits are untouched
  CHECK(p.weight(0) == Weight::obese);    // and the risk byte by frailty
}

TEST_CASE("events: apply_events carries out each channel's event, and nothing when none is chosen") {
  Population p = one_person();
  set_smoking(p, 0, Smoking::current);
  const CellRates c{};
  Parameters params;
  const RandomKey key{1, 0};
  auto r = row();
  std::array<int, kChannels> none;
  none.fill(-1);
  const EventEffects nothing = apply_events(p, 0, 0, none, c, params, key, {}, nullptr, r.data());
  CHECK_FALSE(nothing.changed);
  CHECK(p.smoking(0) == Smoking::current);
  for (double x : r) CHECK(x == 0.0);

  std::array<int, kChannels> chosen = none;
  chosen[ch_behaviour] = ev_smoking_quit;
  chosen[ch_conditions] = static_cast<int>(ev_incidence_first) + static_cast<int>(stroke);
  chosen[ch_care] = ev_care_move;
  chosen[ch_leave] = ev_frailty_progression;
  const EventEffects done = apply_events(p, 0, 0, chosen, c, params, key, {}, nullptr, r.data());
  CHECK(done.changed);
  CHECK_FALSE(done.admitted);
  CHECK(p.smoking(0) == Smoking::ex);
  CHECK(p.conditions[0] == (1u << stroke));
  CHECK(r[static_cast<std::size_t>(fm_incidence_first) + static_cast<std::size_t>(stroke)] == 1.0);
  CHECK(p.care(0) == CareSetting::home_care);
  CHECK(p.frailty(0) == Frailty::mild);
  CHECK(p.alive(0));  // leaving is the run's to carry out
}

TEST_CASE("events: an emergency admission's bed-days, delays, programme cut and a move into a care home") {
  const RandomKey key{20180701, 0};
  CellRates c{};
  c.emergency_los_days = 6.f;
  Parameters params;
  params.delayed_share_of_bed_days = 0.25;

  // Every stay a zero-day stay: no bed-days, so no delays, whatever the multipliers.
  params.zero_day_share = 1.0;
  {
    Population p = one_person();
    auto r = row();
    EventEffects e;
    admit_emergency(p, 0, 3, c, params, key, {}, nullptr, r.data(), e);
    CHECK(e.admitted);
    CHECK(r[fm_emergency_admissions] == 1.0);
    CHECK(r[fm_emergency_bed_days] == 0.0);
    CHECK(r[fm_delayed_discharge_bed_days] == 0.0);
  }
  // No zero-day stays: at least one bed-day; the delayed part is the share d of them at neutral
  // feedback. A programme that halves delays shortens the stay by the days it takes off (the
  // stay is 1 + d (0.5 - 1) = 0.875 as long on average; the same uniforms), and is credited.
  params.zero_day_share = 0.0;
  Population p1 = one_person(), p2 = one_person();
  auto r1 = row(), r2 = row();
  EventEffects e1, e2;
  admit_emergency(p1, 0, 3, c, params, key, {}, nullptr, r1.data(), e1);
  PersonEffects fx;
  fx.m[pm_delayed_discharge] = 0.5f;
  admit_emergency(p2, 0, 3, c, params, key, {}, &fx, r2.data(), e2);
  CHECK(r1[fm_emergency_bed_days] >= 1.0);
  CHECK(r2[fm_emergency_bed_days] <= r1[fm_emergency_bed_days]);  // the same draw at a shorter mean
  CHECK(r1[fm_delayed_discharge_bed_days] == doctest::Approx(0.25 * r1[fm_emergency_bed_days]));
  CHECK(r2[fm_delayed_discharge_bed_days] == doctest::Approx(r2[fm_emergency_bed_days] * 0.25 * 0.5 / 0.875));
  CHECK(r2[fm_excess_bed_days] - r1[fm_excess_bed_days] == doctest::Approx(r2[fm_emergency_bed_days] - r1[fm_emergency_bed_days]));
  CHECK_FALSE(e1.delay_cut);
  CHECK(e2.delay_cut);
  CHECK(e2.delayed_bed_days == r2[fm_delayed_discharge_bed_days]);

  // A certain move into a care home after the stay, counted once; a resident is not moved again.
  c.care_home_after_admission = 1.f;
  Population p3 = one_person();
  auto r3 = row();
  EventEffects e3;
  admit_emergency(p3, 0, 3, c, params, key, {}, nullptr, r3.data(), e3);
  CHECK(p3.care(0) == CareSetting::care_home);
  CHECK(r3[fm_care_home_moves] == 1.0);
  CHECK(r3[fm_care_home_moves_after_admission] == 1.0);
  admit_emergency(p3, 0, 4, c, params, key, {}, nullptr, r3.data(), e3);
  CHECK(r3[fm_care_home_moves] == 1.0);
  CHECK(r3[fm_emergency_admissions] == 2.0);
}
