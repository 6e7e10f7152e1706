// Each monthly process against its analytic expectation on a hand-made cohort with a fixed
// seed. Tolerances are 4 standard errors of the count (Poisson-binomial: sqrt(sum h(1-h))):
// a correct model fails such a check about once in 16,000 runs, and the seed is fixed.
#include "model/people/channels.hpp"
#include "model/people/rates.hpp"
#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace shiftsim;
using namespace shiftsim::model;

namespace {

using test::cohort;

double sum_months(const RunOutput& out, int metric) {
  double s = 0;
  for (const auto& f : out.flows)
    for (int c = 0; c < out.layout.cells(); ++c) s += f.cells[static_cast<std::size_t>(c) * kFlowMetrics + static_cast<std::size_t>(metric)];
  return s;
}

}  // namespace

TEST_CASE("deaths: a cohort of 100,000 80-year-old men dies at the life table's qx") {
  // With every mortality hazard ratio 1 and no deprivation or district calibration, a
  // person's monthly death probability is the life table's m(80)/12, so the year's deaths
  // are 1 - (1 - m/12)^12 of the cohort, which equals ONS's qx(80) to within 0.0005
  // (q = 1 - exp(-m) vs ONS's conversion). Tolerance: 4 binomial standard errors + 0.0005.
  std::map<std::string, double> neutral{{"mortality.calibrate_to_observed_deaths", 0},
                                        {"mortality.calibrate_deprivation_gradient", 0},
                                        {"mortality.apply_trend", 0},
                                        {"mortality.calibrate_care_home_deaths", 0},
                                        {"mortality.hr.smoking.current", 1},
                                        {"mortality.hr.frailty.mild", 1},
                                        {"mortality.hr.frailty.moderate", 1},
                                        {"mortality.hr.frailty.severe", 1}};
  for (const char* c : {"chd", "stroke", "diabetes", "copd", "cancer", "dementia", "cmd", "hypertension"})
    neutral[std::string("mortality.hr.condition.") + c] = 1;
  for (const char* c : {"diabetes_chd", "diabetes_stroke", "stroke_chd", "diabetes_stroke_chd"}) neutral[std::string("mortality.hr.conditions.") + c] = 1;
  auto w = test::world(neutral);
  Simulation sim(*w, test::settings(0.02, 12));
  const std::size_t n = 100000;
  sim.reset_population(cohort(n, 80 * 12 - 1, 0, pack_risk(Smoking::never, Weight::healthy, false, false, false), 0));
  const auto out = sim.run();
  const double q_life_table = test::region().life_tables.at("2016-2018").qx[0][80];
  const double deaths = sum_months(out, fm_deaths) * out.scale;  // agents
  const double q_sim = deaths / static_cast<double>(n);
  const double se = std::sqrt(q_life_table * (1 - q_life_table) / static_cast<double>(n));
  INFO("life table qx(80) = " << q_life_table << ", simulated " << q_sim);
  CHECK(std::fabs(q_sim - q_life_table) < 4 * se + 0.0005);
}

TEST_CASE("every event happens with its monthly probability") {
  // A month of the synthesised population (no birthdays in the month): for each event type
  // the number that happened is compared with the sum of the people's probabilities.
  auto w = test::world();
  Simulation sim(*w, test::settings(0.15, 1));
  Population pop = sim.population();
  for (std::size_t i = 0; i < pop.size(); ++i)
    if ((pop.age_months[i] + 1) % 12 == 0) --pop.age_months[i];
  sim.reset_population(pop);
  const Population before = sim.population();
  std::vector<int> zone_district;
  for (const auto& z : w->geography.zones) zone_district.push_back(z.district);
  std::array<double, kEvents> expected{}, variance{};
  for (std::size_t i = 0; i < before.size(); ++i) {
    Hazards hz;
    compute_hazards(before, i, 0, sim.rates(), w->multipliers, zone_district, hz);
    // Each event channel's events share one word's unit interval: their probabilities add up
    // to at most 1 per channel (not across channels, which are independent words).
    std::array<float, kChannels> channel{};
    for (int k = 0; k < kEvents; ++k) channel[static_cast<std::size_t>(channel_of(static_cast<Event>(k)))] += hz.h[static_cast<std::size_t>(k)];
    for (std::size_t c = 0; c < channel.size(); ++c) {
      INFO("person " << i << ", channel " << c);
      REQUIRE(channel[c] <= 1.0f);
    }
    for (int k = 0; k < kEvents; ++k) {
      const double h = hz.h[static_cast<std::size_t>(k)];
      expected[static_cast<std::size_t>(k)] += h;
      variance[static_cast<std::size_t>(k)] += h * (1 - h);
    }
  }
  sim.step();
  const Population& after = sim.population();
  const RunOutput& out = sim.output();
  std::array<double, kEvents> seen{};
  seen[ev_death] = sum_months(out, fm_deaths) * out.scale;
  seen[ev_emigration] = sum_months(out, fm_out_migrants) * out.scale;
  seen[ev_emergency_admission] = sum_months(out, fm_emergency_admissions) * out.scale;
  const double after_admission = sum_months(out, fm_care_home_moves_after_admission) * out.scale;
  for (std::size_t i = 0; i < before.size(); ++i) {
    if (!after.alive(i)) continue;
    const std::uint8_t gained = after.conditions[i] & ~before.conditions[i];
    for (int c = 0; c < kConditions; ++c)
      if (gained & (1u << c)) seen[static_cast<std::size_t>(ev_incidence_first + c)] += 1;
    if (before.has(i, common_mental_disorder) && !after.has(i, common_mental_disorder)) seen[ev_cmd_recovery] += 1;
    if (before.smoking(i) != Smoking::current && after.smoking(i) == Smoking::current) seen[ev_smoking_start] += 1;
    if (before.smoking(i) == Smoking::current && after.smoking(i) == Smoking::ex) seen[ev_smoking_quit] += 1;
    if (after.weight(i) > before.weight(i)) seen[ev_weight_up] += 1;
    if (after.weight(i) < before.weight(i)) seen[ev_weight_down] += 1;
    const std::uint8_t flipped = after.risk[i] ^ before.risk[i];
    if (flipped & risk_bits::inactive) seen[ev_inactive_toggle] += 1;
    if (flipped & risk_bits::harmful_drinking) seen[ev_drinking_toggle] += 1;
    if (flipped & risk_bits::isolated) seen[ev_isolation_toggle] += 1;
    if (after.frailty(i) > before.frailty(i)) seen[ev_frailty_progression] += 1;
    if (after.care(i) > before.care(i)) seen[ev_care_move] += 1;
  }
  seen[ev_care_move] -= after_admission;
  for (int k = 0; k < kEvents; ++k) {
    const auto ku = static_cast<std::size_t>(k);
    INFO("event " << k << ": expected " << expected[ku] << ", seen " << seen[ku]);
    CHECK(std::fabs(seen[ku] - expected[ku]) <= 4 * std::sqrt(variance[ku]) + 1e-9);
  }
}

TEST_CASE("recovery from common mental disorder follows its annual probability") {
  // The monthly recovery probability is 1 - (1 - 0.6)^(1/12): over a year 60% of a cohort that
  // acquires nothing new recovers; a binomial check with 4 standard errors (people who die or
  // relapse are few at age 30 and are excluded from both sides).
  auto w = test::world();
  Simulation sim(*w, test::settings(0.02, 1));
  const std::size_t n = 50000;
  sim.reset_population(cohort(n, 30 * 12 + 2, 1, pack_risk(Smoking::never, Weight::healthy, false, false, false),
                              static_cast<std::uint8_t>(1u << common_mental_disorder)));
  sim.step();
  double recovered = 0;
  for (std::size_t i = 0; i < n; ++i) recovered += sim.population().alive(i) && !sim.population().has(i, common_mental_disorder);
  const double p = 1 - std::pow(0.4, 1.0 / 12.0);
  CHECK(std::fabs(recovered / n - p) < 4 * std::sqrt(p * (1 - p) / n));
}

TEST_CASE("births follow the general fertility rate and ageing adds a month a month") {
  auto w = test::world();
  Simulation sim(*w, test::settings(0.2, 12));
  const Population start = sim.population();
  // Expected births in month 0: each district's GFR / 12 times its women aged 15-44.
  const auto& r = test::region();
  double expected = 0;
  std::vector<double> women(r.districts.size(), 0);
  for (std::size_t i = 0; i < start.size(); ++i)
    if (start.sex(i) == 1 && start.age_years(i) >= 15 && start.age_years(i) <= 44)
      women[static_cast<std::size_t>(w->geography.zones[start.zone[i]].district)] += 1;
  for (std::size_t d = 0; d < women.size(); ++d) {
    double data_women = 0;
    for (int a = 15; a <= 44; ++a) data_women += static_cast<double>(r.population[d][1][static_cast<std::size_t>(a)]);
    expected += static_cast<double>(r.components[d].births) / data_women / 12.0 * women[d];
  }
  sim.step();
  const double births = sum_months(sim.output(), fm_births) * sim.output().scale;
  CHECK(std::fabs(births - expected) < 4 * std::sqrt(expected));
  for (int m = 1; m < 12; ++m) sim.step();
  // Survivors of the starting population (before the first compaction the order is kept)
  // have aged exactly 12 months.
  const Population& end = sim.population();
  std::size_t checked = 0;
  for (std::size_t i = 0, j = 0; i < start.size(); ++i) {
    while (j < end.size() && end.id[j] < start.id[i]) ++j;
    if (j < end.size() && end.id[j] == start.id[i]) {
      CHECK(end.age_months[j] == start.age_months[i] + 12);
      ++checked;
    }
  }
  CHECK(checked > start.size() * 9 / 10);
}
