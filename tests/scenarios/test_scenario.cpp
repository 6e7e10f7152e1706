// Scenario files: defaults, extends, the schema and every mistake reported with its path.
#include "model/core/errors.hpp"
#include "model/world/geography.hpp"
#include "scenarios/scenario.hpp"
#include "support/bad_scenarios.hpp"
#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

using namespace shiftsim;
using namespace shiftsim::inputs;

namespace {

/// Loads and resolves `main.json` among `files` (written to a temporary folder); returns the
/// error message, or "" if the scenario is valid.
std::string problems_of(const std::map<std::string, std::string>& files, model::Policy* policy = nullptr) {
  test::TempDir dir;
  for (const auto& [name, text] : files) std::ofstream(dir.path() / name) << text;
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());  // messages name files as given, relative to here
  std::string msg;
  try {
    const Scenario s = load_scenario("main.json");
    auto table = test::parameters();
    const auto geo = model::build_geography(test::region());
    const auto p = resolve_scenario(s, test::region(), geo, table);
    if (policy) *policy = p;
  } catch (const InputError& e) {
    msg = e.what();
  }
  std::filesystem::current_path(cwd);
  return msg;
}

model::Policy policy_of(const std::string& text) {
  model::Policy p;
  const std::string msg = problems_of({{"main.json", text}}, &p);
  REQUIRE_MESSAGE(msg.empty(), msg);
  return p;
}

}  // namespace

TEST_CASE("scenario: the bundled baseline is valid") {
  const auto s = load_scenario(std::filesystem::path(SHIFTSIM_SOURCE_DIR) / "scenarios" / "baseline.json");
  CHECK(s.name == "baseline");
  CHECK(s.start_year == 2018);
  CHECK(s.years == 5);
  CHECK_FALSE(s.source_text.empty());
}

TEST_CASE("scenario: defaults fill what a three-line scenario leaves out") {
  const auto s = parse_scenario(R"({"name": "quick"})", "quick.json");
  CHECK(s.years == 5);
  CHECK(s.start_year == 2018);
  CHECK(s.scale == 1.0);
  CHECK(s.replicates == 1);
  CHECK(s.finance.discount_rate_costs == 0.035);   // HM Treasury Green Book
  CHECK(s.finance.discount_rate_health == 0.015);
  // An intervention needs only its type and budget: the rest comes from the catalogue's rows.
  const auto p = policy_of(R"({"name": "x", "interventions": [{"type": "falls_prevention", "budget": 600000}]})");
  REQUIRE(p.interventions.size() == 1);
  const auto& iv = p.interventions[0];
  const auto table = test::parameters();
  CHECK(iv.unit_cost == *table.find("intervention.falls_prevention.unit_cost_gbp")->value);
  CHECK(iv.max_uptake == *table.find("intervention.falls_prevention.max_uptake")->value);
  CHECK(iv.effect_half_life_months == *table.find("intervention.falls_prevention.effect_half_life_months")->value);
  CHECK(iv.budget.at(2019)[1] == 600000);  // the council funds falls prevention by default
  CHECK(iv.start_month == 0);
  CHECK(iv.end_month == 59);
  // The falls effect acts on falls (and so on the admissions that follow one), not diluted by a
  // share; the trials' ratio is averaged over their 12 months among everyone randomised, so a
  // member's own multiplier is 1 - (1 - rr) / s, s the mean share of those months still a member.
  const double rr = *table.find("intervention.falls_prevention.falls_admission_rr")->value;
  const double lapse = 1 - std::pow(0.5, 1.0 / iv.effect_half_life_months);
  const double kept = (1 - std::pow(1 - lapse, 12)) / (12 * lapse);
  CHECK(iv.evidence_months == 12);
  CHECK(iv.membership_over_evidence() == doctest::Approx(kept));
  CHECK(iv.full_multiplier(model::EffectKind::falls_rr) == doctest::Approx(1 - (1 - rr) / kept));
  CHECK(iv.full_multiplier(model::EffectKind::emergency_rr) == 1.0);
}

TEST_CASE("scenario: extends merges objects, replaces lists and adds interventions by name") {
  test::TempDir dir;
  std::ofstream(dir.path() / "base.json") << R"({"name": "base", "years": 3, "finance": {"reinvest_share": 0.2},
    "interventions": [{"name": "a", "type": "smoking_cessation", "budget": 100},
                      {"name": "b", "type": "weight_management", "budget": 200}]})";
  std::ofstream(dir.path() / "child.json") << R"({"name": "child", "extends": "base.json", "finance": {"inflation": 0.02},
    "interventions": [{"name": "b", "type": "weight_management", "budget": 999},
                      {"name": "c", "type": "health_checks", "budget": 300}]})";
  const auto s = load_scenario(dir.path() / "child.json");
  CHECK(s.name == "child");
  CHECK(s.years == 3);
  CHECK(s.finance.reinvest_share == 0.2);
  CHECK(s.finance.inflation == 0.02);
  REQUIRE(s.interventions.size() == 3);
  CHECK(s.interventions[1]["budget"] == 999);
  CHECK(s.interventions[2]["name"] == "c");
  CHECK(s.files.size() == 2);
}

TEST_CASE("scenario: parameter overrides by dotted name, as a number or a distribution") {
  test::TempDir dir;
  std::ofstream(dir.path() / "p.json") << R"({"name": "p", "parameters": {
      "intervention.smoking_cessation.quit_probability": {"dist": "beta", "alpha": 20, "beta": 80},
      "intervention.smoking_cessation.max_uptake": 0.2}})";
  const auto s = load_scenario(dir.path() / "p.json");
  auto table = test::parameters();
  resolve_scenario(s, test::region(), model::build_geography(test::region()), table);
  CHECK(*table.find("intervention.smoking_cessation.quit_probability")->value == doctest::Approx(0.2));
  CHECK(*table.find("intervention.smoking_cessation.max_uptake")->value == doctest::Approx(0.2));
}

TEST_CASE("scenario: a catalogue of malformed scenarios, each with its specific message") {
  const auto& cases = test::bad_scenarios();
  CHECK(cases.size() >= 25);
  for (const auto& c : cases) {
    CAPTURE(c.what);
    const std::string msg = problems_of(c.files);
    CAPTURE(msg);
    REQUIRE_FALSE(msg.empty());
    for (const auto& e : c.expected) CHECK(msg.find(e) != std::string::npos);
  }
}

TEST_CASE("scenario: every problem is reported together, each with its JSON path") {
  const std::string msg = problems_of({{"main.json", R"({"name": "", "years": 40, "seed": -1, "colour": "blue",
      "interventions": [{"type": "smoking_cessation", "budget": -1}, {"type": "pooled_budget", "budget": 1, "max_uptake": 2}]})"}});
  CHECK(msg.find("6 problems in the scenario") == 0);
  CHECK(msg.find("main.json: /colour: unknown key") != std::string::npos);
  CHECK(msg.find("main.json: /name: is \"\", but must be at least 1 character") != std::string::npos);
  CHECK(msg.find("main.json: /years: is 40, but must be <= 25") != std::string::npos);
  CHECK(msg.find("main.json: /seed: is -1, but must be >= 0") != std::string::npos);
  CHECK(msg.find("main.json: /interventions/0/budget: is -1, but must be >= 0") != std::string::npos);
  CHECK(msg.find("main.json: /interventions/1/max_uptake: is 2, but must be <= 1") != std::string::npos);
}

TEST_CASE("scenario: the shipped schema is valid JSON Schema and names every catalogue type") {
  const auto schema = nlohmann::json::parse(scenario_schema());
  CHECK(schema["$schema"] == "http://json-schema.org/draft-07/schema#");
  const auto& types = schema["definitions"]["intervention"]["properties"]["type"]["enum"];
  REQUIRE(types.size() == model::catalogue().size());
  for (const auto& e : model::catalogue()) CHECK(std::find(types.begin(), types.end(), e.name) != types.end());
}

TEST_CASE("scenario: did you mean") {
  CHECK(did_you_mean("smoking_cesation", {"smoking_cessation", "weight_management"}) == "smoking_cessation");
  CHECK(did_you_mean("zzzz", {"smoking_cessation", "weight_management"}).empty());
}

TEST_CASE("scenario: every shipped scenario is valid and says where its numbers come from") {
  int n = 0;
  for (const auto& f : std::filesystem::directory_iterator(std::filesystem::path(SHIFTSIM_SOURCE_DIR) / "scenarios")) {
    if (f.path().extension() != ".json") continue;
    CAPTURE(f.path().filename().string());
    ++n;
    const auto s = load_scenario(f.path());
    auto table = test::parameters();
    const auto p = resolve_scenario(s, test::region(), model::build_geography(test::region()), table);
    CHECK(s.description.size() > 100);
    // what_if_* scenarios test the system models' parameters, with no new intervention.
    if (f.path().filename().string().rfind("what_if_", 0) == 0) {
      CHECK(p.interventions.empty());
      CHECK_FALSE(s.parameters.empty());
    } else if (f.path().filename() != "baseline.json") {
      CHECK_FALSE(p.interventions.empty());
    }
  }
  CHECK(n == 10);
}

TEST_CASE("scenario: budgets and unit costs typed in a stated price year become the model's 2018/19 money") {
  // The NHS cost inflation index (data/parameters.csv): a FY2024/25 pound is 0.8141 of a 2018/19
  // pound; FY2026/27 (2.0% a year after 2024/25, an assumption) 0.7825.
  const std::string iv = R"("interventions": [{"type": "falls_prevention", "start": "2019-04", "budget": 1000000, "unit_cost": 300}])";
  const auto base = policy_of(R"({"name": "p", )" + iv + "}");
  CHECK(base.interventions[0].budget_in(2019) == doctest::Approx(1e6));
  const auto today = policy_of(R"({"name": "p", "finance": {"price_base_year": 2026}, )" + iv + "}");
  CHECK(today.interventions[0].budget_in(2019) == doctest::Approx(1e6 * 0.7825));
  CHECK(today.interventions[0].unit_cost == doctest::Approx(300 * 0.7825));
  // Budgets typed in one year's prices, results in another's.
  const auto mixed = policy_of(R"({"name": "p", "finance": {"price_base_year": 2026, "budget_price_year": 2024}, )" + iv + "}");
  CHECK(mixed.interventions[0].budget_in(2019) == doctest::Approx(1e6 * 0.8141));
  // A year without a deflator is refused with the field and the years there are.
  const std::string msg = problems_of({{"main.json", R"({"name": "p", "finance": {"budget_price_year": 2031}, )" + iv + "}"}});
  CHECK(msg.find("/finance/budget_price_year") != std::string::npos);
  CHECK(msg.find("2014-2026") != std::string::npos);
}
