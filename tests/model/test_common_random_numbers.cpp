// Common random numbers that last: tests that fail if a scenario's arm stops sharing random
// numbers with its baseline for the people who exist in both (issue 12). Each compares two
// arms month by month, person by person (by id), with the same seed.
//
// (a) A person whose hazards are the same in both arms has the same history.
// (b) A programme that lowers only one rate changes only that event, monotonically, and
//     leaves its members' other events exactly as in the baseline.
// (c) The k-th birth in a zone-month is the same baby in both arms, even when the arms'
//     births differ.
// The scale-independence of a comparison's answers (d) and the shift-4 check are in
// tests/cli/test_compare.cpp, where they run as a user would.
#include "model/programmes/programmes.hpp"
#include "scenarios/scenario.hpp"
#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <tuple>

using namespace shiftsim;
using namespace shiftsim::model;

namespace {

std::shared_ptr<const Policy> policy_of(const std::string& interventions) {
  const auto s = inputs::parse_scenario(R"({"name": "t", "years": 5, "interventions": )" + interventions + "}", "test.json");
  auto table = test::parameters();
  static const Geography geo = build_geography(test::region());
  return std::make_shared<const Policy>(inputs::resolve_scenario(s, test::region(), geo, table));
}

/// What a person is at a month's end: alive, age, zone, decile, risk factors, conditions, status.
using State = std::tuple<bool, int, int, int, int, int, int>;
std::map<std::uint32_t, State> states(const Population& p) {
  std::map<std::uint32_t, State> m;
  for (std::size_t i = 0; i < p.size(); ++i)
    m[p.id[i]] = {p.alive(i), p.age_months[i], p.zone[i], p.decile[i], p.risk[i], p.conditions[i], p.status[i]};
  return m;
}

double month_flow(const RunOutput& out, int t, int metric) { return test::flow(out, metric, t, t); }

}  // namespace

TEST_CASE("common random numbers (a): people whose hazards are the same in both arms have the same history") {
  // The scenario funds stop-smoking support in one ICP only and raises fertility everywhere
  // (10% a year). Nobody outside that ICP has a hazard changed (the ICPs' system models are
  // separate and act on stays and costs, not on anyone's hazards), so every person of the
  // baseline who lives outside it - there at the start, moved in, or born there (the
  // scenario has those babies and more) - must be in the scenario with the same state at
  // every month's end. Arrivals are what a running id counter broke: once one arm had a
  // birth more, every later arrival anywhere was a different person with other draws.
  const auto base_world = test::world();
  const auto scen_world = test::world({{"births.general_fertility_rate_trend_per_year", 0.1}});
  const auto p = policy_of(R"([{"type": "smoking_cessation", "start": "2018-07", "budget": 20000000, "max_uptake": 0.6,
                               "targeting": {"icps": ["Pennine Lancashire"]}}])");
  const int months = 30;
  auto s = test::settings(0.04, months, 777);
  Simulation base(*base_world, s);
  s.policy = p;
  Simulation scen(*scen_world, s);
  int pennine = -1;
  for (std::size_t c = 0; c < test::region().icps.size(); ++c)
    if (test::region().icps[c].name == "Pennine Lancashire") pennine = static_cast<int>(c);
  REQUIRE(pennine >= 0);
  const auto& zones = base_world->geography.zones;
  std::size_t compared = 0, arrivals = 0;
  double births_base = 0, births_scen = 0, quit = 0;
  for (int t = 0; t < months; ++t) {
    base.step();
    scen.step();
    births_base += month_flow(base.output(), t, fm_births);
    births_scen += month_flow(scen.output(), t, fm_births);
    quit += scen.output().programmes.at(0).months.back()[pg_quit_smoking];
    const auto a = states(base.population()), b = states(scen.population());
    for (const auto& [id, st] : a) {
      if (zones[static_cast<std::size_t>(std::get<2>(st))].icp == pennine) continue;
      const auto it = b.find(id);
      REQUIRE_MESSAGE(it != b.end(), "person " << id << " outside the targeted ICP is missing from the scenario at month " << t);
      CHECK_MESSAGE(it->second == st, "person " << id << " outside the targeted ICP differs at month " << t);
      ++compared;
      if (std::get<1>(st) <= t) ++arrivals;  // born or arrived during the run (aged under t + 1 months)
    }
  }
  CHECK(births_scen > births_base);  // the arms' births differ
  CHECK(quit > 1000);                // and the programme changed people in its ICP
  CHECK(arrivals > 1000);
  CHECK(compared > 1000000);
}

TEST_CASE("common random numbers (b): a programme that lowers only admissions changes only admissions") {
  // Falls prevention multiplies only its members' emergency admissions (by 1 - 10% x 0.2).
  // Under common random numbers a member's deaths, emigration, conditions, frailty and risk
  // factors must be exactly the baseline's, month by month (none of their hazards depends on
  // admissions), and admissions can only be fewer: in every month an admission in the
  // scenario is one the baseline also has. With the old single draw against the total
  // hazard, membership (its lapse hazard) re-drew every member's events every month.
  const auto world = test::world();
  const auto& w = *world;
  const auto p = policy_of(R"([{"type": "falls_prevention", "start": "2018-07", "budget": 200000000, "max_uptake": 1,
                               "ramp_up_months": 0, "effect_half_life_months": 24}])");
  const int months = 24;
  auto s = test::settings(0.05, months, 31337);
  Simulation base(w, s);
  s.policy = p;
  Simulation scen(w, s);
  // 8,000 frail people aged 80 at home, two conditions each: all eligible for falls prevention.
  const auto people = test::cohort(8000, 80 * 12 + 3, 1, pack_risk(Smoking::ex, Weight::overweight, true, false, false),
                                   static_cast<std::uint8_t>((1u << hypertension) | (1u << copd)), Frailty::moderate);
  base.reset_population(people);
  scen.reset_population(people);
  double admissions_base = 0, admissions_scen = 0, deaths = 0;
  std::size_t members = 0;
  for (int t = 0; t < months; ++t) {
    base.step();
    scen.step();
    const double ab = month_flow(base.output(), t, fm_emergency_admissions), as = month_flow(scen.output(), t, fm_emergency_admissions);
    CHECK_MESSAGE(as <= ab, "month " << t << ": " << as << " admissions in the scenario, " << ab << " in the baseline");
    admissions_base += ab;
    admissions_scen += as;
    CHECK(month_flow(scen.output(), t, fm_deaths) == month_flow(base.output(), t, fm_deaths));
    deaths += month_flow(base.output(), t, fm_deaths);
    const Population& pb = base.population();
    const Population& ps = scen.population();
    std::map<std::uint32_t, std::size_t> where;
    for (std::size_t i = 0; i < ps.size(); ++i) where[ps.id[i]] = i;
    for (std::size_t i = 0; i < pb.size(); ++i) {
      const auto it = where.find(pb.id[i]);
      REQUIRE(it != where.end());
      const std::size_t j = it->second;
      members += ps.interventions[j] != 0;
      CHECK(pb.alive(i) == ps.alive(j));
      CHECK(pb.conditions[i] == ps.conditions[j]);
      CHECK(pb.frailty(i) == ps.frailty(j));
      // Risk factors (the family bit, an unpaid carer of someone at home, follows where the
      // person lives: an admission averted keeps some out of a care home).
      CHECK((pb.risk[i] & ~risk_bits::family) == (ps.risk[j] & ~risk_bits::family));
    }
  }
  CHECK(members > 8000 * months / 2);    // most of the cohort were members most months
  CHECK(deaths > 500);                   // ... and many died: the concordance was tested
  CHECK(admissions_scen < admissions_base);  // the programme did act
}

TEST_CASE("common random numbers (c): the k-th birth in a zone and month is the same baby in every arm") {
  // Two arms whose fertility differs (10% a year more births in one): the arm with fewer births
  // has, in every zone and month, a prefix of the other's babies, and each of them is the same
  // person - same id, zone, decile, sex and birth weight - and stays so.
  const auto low_world = test::world();
  const auto& low = *low_world;
  const auto high = test::world({{"births.general_fertility_rate_trend_per_year", 0.1}});
  const int months = 30;
  const auto s = test::settings(0.05, months, 2024);
  Simulation a(low, s), b(*high, s);
  std::size_t babies = 0;
  double births_a = 0, births_b = 0;
  for (int t = 0; t < months; ++t) {
    a.step();
    b.step();
    births_a += month_flow(a.output(), t, fm_births);
    births_b += month_flow(b.output(), t, fm_births);
    const auto sa = states(a.population()), sb = states(b.population());
    for (const auto& [id, st] : sa) {
      if (std::get<1>(st) >= t + 1) continue;  // born before the run
      const auto it = sb.find(id);
      REQUIRE_MESSAGE(it != sb.end(), "baby " << id << " of the arm with fewer births is not in the other at month " << t);
      CHECK(it->second == st);
      ++babies;
    }
  }
  CHECK(births_b > births_a);
  CHECK(babies > 2000);
}
