// Probabilistic sensitivity analysis: parameter draws per replicate on their own stream.
#include "model/programmes/sampling.hpp"
#include "scenarios/scenario.hpp"
#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace shiftsim;
using namespace shiftsim::model;

namespace {
model::Policy resolve(const std::string& body, ParameterTable& table) {
  const auto s = inputs::parse_scenario(R"({"name": "t", )" + body + "}", "test.json");
  static const Geography geo = build_geography(test::region());
  return inputs::resolve_scenario(s, test::region(), geo, table);
}
}  // namespace

TEST_CASE("sampling: draws are reproducible, differ by replicate, and leave fixed and derived rows alone") {
  const ParameterTable table = test::parameters();
  const auto a = draw_parameters(table, {7, 1}), b = draw_parameters(table, {7, 1}), c = draw_parameters(table, {7, 2});
  int uncertain = 0, differ = 0;
  for (const auto& r : table.rows()) {
    const auto* ra = a.find(r.name);
    CHECK(ra->value == b.find(r.name)->value);
    if (r.derived || r.uncertainty.kind == Distribution::Kind::fixed) {
      CHECK(ra->value == r.value);
      continue;
    }
    ++uncertain;
    CHECK(*ra->value >= r.lower);
    CHECK(*ra->value <= r.upper);
    if (*ra->value != *c.find(r.name)->value) ++differ;
  }
  MESSAGE(uncertain << " uncertain parameters");
  CHECK(uncertain > 60);  // the rows of data/parameters.csv that give a distribution
  CHECK(differ == uncertain);
}

TEST_CASE("sampling: the draws follow each parameter's distribution") {
  // Over 4,000 replicates the sample mean is within 4 standard errors of the distribution's
  // mean (a false alarm about once in 16,000 per parameter), for a gamma, a lognormal, a beta
  // and a triangular row.
  const ParameterTable table = test::parameters();
  for (const char* name : {"intervention.smoking_cessation.unit_cost_gbp", "intervention.community_assets.isolation_onset_rr",
                           "intervention.digital_self_care.max_uptake", "system.acute.los_multiplier.occupancy_0_95"}) {
    CAPTURE(name);
    const auto* row = table.find(name);
    REQUIRE(row->uncertainty.kind != Distribution::Kind::fixed);
    const int n = 4000;
    double sum = 0, sum2 = 0;
    for (int r = 0; r < n; ++r) {
      const double u = parameter_uniform({20180701, static_cast<std::uint32_t>(r)}, name);
      const double x = row->uncertainty.quantile(u);
      sum += x;
      sum2 += x * x;
    }
    const double mean = sum / n, sd = std::sqrt(sum2 / n - mean * mean);
    CHECK(std::abs(mean - row->uncertainty.mean()) < 4 * sd / std::sqrt(n));
  }
}

TEST_CASE("sampling: replicate k of two scenarios draws the same value for every parameter they share") {
  ParameterTable base_table = test::parameters(), other_table = test::parameters();
  resolve(R"("interventions": [])", base_table);
  resolve(R"("parameters": {"system.acute.escalation_months": 2, "mortality.hr.condition.chd": {"dist": "lognormal", "mean": 2.0, "sd": 0.2}},
             "interventions": [])",
          other_table);
  const RandomKey key{20180701, 3};
  const auto a = draw_parameters(base_table, key), b = draw_parameters(other_table, key);
  for (const auto& r : base_table.rows()) {
    if (r.name == "system.acute.escalation_months" || r.name == "mortality.hr.condition.chd") continue;
    CAPTURE(r.name);
    CHECK(a.find(r.name)->value == b.find(r.name)->value);
  }
  // The overridden rows: the fixed override stays fixed; the distribution is drawn.
  CHECK(*b.find("system.acute.escalation_months")->value == 2.0);
  CHECK(*b.find("mortality.hr.condition.chd")->value != 2.0);
}

TEST_CASE("sampling: an intervention takes its replicate's draws: defaults from the drawn table, its own distributions here") {
  ParameterTable table = test::parameters();
  const Policy p = resolve(R"("interventions": [
      {"name": "quit", "type": "smoking_cessation", "budget": 1000000},
      {"name": "own", "type": "falls_prevention", "budget": 1000000,
       "effects": {"falls_admission_rr": {"dist": "triangular", "min": 0.5, "mode": 0.7, "max": 0.9}}}])",
                           table);
  const RandomKey key{11, 4};
  const ParameterTable drawn = draw_parameters(table, key);
  const Policy d = draw_policy(p, drawn, key), again = draw_policy(p, drawn, key);
  const InterventionSpec& quit = d.interventions[0];
  CHECK(quit.unit_cost == drawn.get("intervention.smoking_cessation.unit_cost_gbp"));
  CHECK(quit.unit_cost != p.interventions[0].unit_cost);
  for (const auto& [kind, dist] : quit.effects) {
    CHECK(dist.kind == Distribution::Kind::fixed);
    CHECK(dist.mean() == drawn.get(quit.effect_rows.at(kind)));
  }
  const InterventionSpec& own = d.interventions[1];
  REQUIRE(own.effects.size() == 1);
  const double x = own.effects.begin()->second.mean();
  CHECK(x > 0.5);
  CHECK(x < 0.9);
  CHECK(x == again.interventions[1].effects.begin()->second.mean());
}
