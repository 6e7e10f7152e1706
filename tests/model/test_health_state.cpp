// The activity-limitation health state (model/people/health_state.hpp) and disability-free life
// expectancy: calibration to ONS, the running sums behind the Sullivan tables, and the
// region's figures checked against the England series in the region data.
#include "model/people/health_state.hpp"
#include "model/simulation/simulation.hpp"
#include "results/comparison.hpp"
#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace shiftsim;
using namespace shiftsim::model;

TEST_CASE("health state: Sullivan DFLE at 65 from a hand-made single-year table") {
  // Survivors fall linearly from 100,000 at 65 to 0 at 100 (and m is large at 100): each age
  // 65..99 lives (l_a + l_a+1)/2 = 100000 (35 - a + 65 - 0.5)/35; e65 = 17.5 years. With
  // everyone limited from 83 on and nobody before, DFLE65 = sum over a = 65..82 of
  // (34.5 - (a - 65)) / 35 = (18 x 34.5 - 153) / 35 = 468 / 35 = 13.371428...
  LifeTable t;
  for (int a = 0; a <= kMaxAge; ++a) {
    t.lx[0][static_cast<std::size_t>(a)] = a <= 65 ? 100000.0 : std::max(0.0, 100000.0 * (100 - a) / 35.0);
    t.mx[0][static_cast<std::size_t>(a)] = 1e9;
  }
  std::array<double, kAges> none{}, from83{};
  for (int a = 83; a <= kMaxAge; ++a) from83[static_cast<std::size_t>(a)] = 1.0;
  CHECK(sullivan_dfle65(t, 0, none) == doctest::Approx(17.5).epsilon(1e-6));
  CHECK(sullivan_dfle65(t, 0, from83) == doctest::Approx(468.0 / 35).epsilon(1e-9));
}

TEST_CASE("health state: the calibration reproduces ONS DFLE at 65 and its slope index, with the deprived more often limited") {
  auto w = test::world();
  Simulation sim(*w, test::settings(0.05, 1));
  const auto out = sim.run();
  const auto& r = test::region();
  for (int s = 0; s < kSexes; ++s) {
    const std::string sex(kSexNames[static_cast<std::size_t>(s)]);
    INFO(sex);
    // Bisection to 2^-32 of its bracket: far tighter than the 0.01 years checked.
    CHECK(test::diagnostic(out, "health_state.dfle65.england_standardised." + sex) ==
          doctest::Approx(r.dfle65.at(r.health_state_period)[static_cast<std::size_t>(s)]).epsilon(1e-3));
    CHECK(test::diagnostic(out, "health_state.dfle_sii_at_birth." + sex) ==
          doctest::Approx(r.dfle_sii_at_birth[static_cast<std::size_t>(s)]).epsilon(2e-3));
    CHECK(sim.parameter_table().get("health_state.limitation.deprivation_slope." + sex) < 0);
  }
}

TEST_CASE("health state: limited person-months follow the people limited at each month's start") {
  // The running sums that feed the Sullivan tables: a month's limited person-months are the
  // people limited at the end of the previous month (the snapshot), less half of those who
  // died or left during the month (at most half of all leavers).
  auto w = test::world();
  Simulation sim(*w, test::settings(0.05, 13));
  const auto out = sim.run();
  int checked = 0;
  for (const auto& s : out.snapshots) {
    const auto t = static_cast<std::size_t>(s.after_month + 1);  // the month after the snapshot
    if (t == 0 || t >= out.flows.size()) continue;
    ++checked;
    double limited_pm = 0, snapshot = 0;
    for (double x : out.flows[t].limited_person_months) limited_pm += x;
    for (std::size_t k = sm_activity_limited; k < s.cells.size(); k += kStockMetrics) snapshot += s.cells[k];
    const double leavers = test::flow(out, fm_deaths, static_cast<int>(t), static_cast<int>(t) + 1) +
                           test::flow(out, fm_out_migrants, static_cast<int>(t), static_cast<int>(t) + 1);
    INFO("month " << t << ": limited person-months " << limited_pm << ", limited at the start " << snapshot);
    CHECK(limited_pm <= snapshot + 1e-6);
    CHECK(limited_pm >= snapshot - 0.5 * leavers - 1e-6);
  }
  CHECK(checked >= 1);
}

TEST_CASE("health state: the region's disability-free life expectancy checked against the England series") {
  // One model year of the whole region at scale 0.2 (about 3,700 deaths simulated): the
  // region's DFLE at 65 from its simulated deaths and person-years. The region is poorer
  // than England (more of it in the most deprived deciles), so its DFLE at 65 should be
  // below England's 2017-19 figure, by less than the region's life-expectancy shortfall
  // allows (ONS: Blackpool's HLE at birth is 8 years below England's, Cumbria's above):
  // between 0 and 1.5 years below. Sampling noise in DFLE65 at this size is about 0.15 years.
  auto w = test::world();
  Simulation sim(*w, test::settings(0.2, 12));
  const auto out = sim.run();
  const auto c = results::compare({{"baseline", 1, {&out}, {}}});
  const auto& r = test::region();
  for (int s = 0; s < kSexes; ++s) {
    const std::string sex(kSexNames[static_cast<std::size_t>(s)]);
    const auto* e = results::find_summary(c, 0, "horizon", "sex=" + sex, "disability_free_le_65_years");
    REQUIRE(e);
    const double england = r.dfle65.at(r.health_state_period)[static_cast<std::size_t>(s)];
    INFO(sex << ": region DFLE65 " << *e->mean << ", England " << england);
    CHECK(*e->mean < england);
    CHECK(*e->mean > england - 1.5);
    // The slope index from the simulated deaths: the calibration holds it to ONS's at the
    // base year's expected rates; simulated deaths and the correlation of limitation with
    // frailty and mortality move it, here within 25%.
    const auto* sii = results::find_summary(c, 0, "horizon", "sex=" + sex, "sii_dfle_birth_years");
    REQUIRE(sii);
    INFO("SII of DFLE at birth " << *sii->mean << ", ONS " << r.dfle_sii_at_birth[static_cast<std::size_t>(s)]);
    CHECK(std::fabs(*sii->mean / r.dfle_sii_at_birth[static_cast<std::size_t>(s)] - 1) < 0.25);
  }
}
