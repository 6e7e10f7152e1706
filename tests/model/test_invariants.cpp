// Accounting identities that must hold exactly.
#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace shiftsim;
using namespace shiftsim::model;

namespace {
double alive(const Population& p) {
  double n = 0;
  for (std::size_t i = 0; i < p.size(); ++i) n += p.alive(i);
  return n;
}
double month_total(const MonthFlows& f, int metric) {
  double s = 0;
  for (std::size_t k = static_cast<std::size_t>(metric); k < f.cells.size(); k += kFlowMetrics) s += f.cells[k];
  return s;
}
}  // namespace

TEST_CASE("people are conserved every month: start + births + in - out - deaths = end") {
  auto w = test::world();
  Simulation sim(*w, test::settings(0.05, 26));
  const double scale = sim.output().scale;
  for (int m = 0; m < 26; ++m) {
    const double start = alive(sim.population());
    sim.step();
    const auto& f = sim.output().flows.back();
    const double births = month_total(f, fm_births) * scale, in = month_total(f, fm_in_migrants) * scale,
                 out = month_total(f, fm_out_migrants) * scale, deaths = month_total(f, fm_deaths) * scale;
    INFO("month " << m);
    CHECK(std::llround(start + births + in - out - deaths) == std::llround(alive(sim.population())));
  }
}

TEST_CASE("stocks agree with the people: a snapshot's population is the number alive") {
  auto w = test::world();
  Simulation sim(*w, test::settings(0.05, 13));
  const auto out = sim.run();
  const auto& last = out.snapshots.back();
  double pop = 0;
  for (std::size_t k = sm_population; k < last.cells.size(); k += kStockMetrics) pop += last.cells[k];
  CHECK(std::llround(pop * out.scale) == std::llround(alive(sim.population())));
  // Person-months of each month equal the people alive at its start, less half of those who left.
  for (std::size_t t = 0; t < out.flows.size(); ++t) {
    double lt = 0;
    for (double x : out.flows[t].person_months) lt += x;
    CHECK(lt == doctest::Approx(month_total(out.flows[t], fm_person_months)).epsilon(1e-12));
  }
}

TEST_CASE("costs summed per person equal the aggregates") {
  // Ledger mode draws every person's activity and keeps their cost; the aggregates are
  // built from the same draws by the same costing rule, so the totals agree to rounding.
  auto w = test::world();
  auto s = test::settings(0.01, 14);
  s.person_ledger = true;
  Simulation sim(*w, s);
  const auto out = sim.run();
  double per_person = 0, aggregate = 0;
  for (double c : sim.person_cost()) per_person += c;
  for (const auto& f : out.flows) aggregate += month_total(f, fm_cost_total);
  per_person /= out.scale;  // agents to people
  // Except mental-health inpatient stays: a person is charged the whole stay at admission, the
  // aggregates the beds occupied each month (Simulation::record_month), so each side's is taken out.
  double person_mh = 0, aggregate_mh = 0;
  for (const auto& f : out.flows) {
    person_mh += month_total(f, fm_mental_health_admissions) * w->params.mh_admission_los_days * w->costs.mental_health_bed_day;
    aggregate_mh += month_total(f, fm_public_cost_mental_health_bed_days);
  }
  CHECK(person_mh > 0);
  CHECK(aggregate > 0);
  CHECK(per_person - person_mh == doctest::Approx(aggregate - aggregate_mh).epsilon(1e-9));
  double by_payer = 0;
  for (const auto& f : out.flows)
    for (int p = 0; p < kPayers; ++p) by_payer += month_total(f, fm_cost_first + p);
  CHECK(by_payer == doctest::Approx(aggregate).epsilon(1e-12));
}
