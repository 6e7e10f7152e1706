// A scenario: the user's description of a run, validated and immutable.
//
// A scenario is one JSON file (format: scenarios/schema/scenario.schema.json, printed by
// `shiftsim schema`). It may extend other files ("extends"), which are merged first:
// objects merge key by key, lists are replaced, except "interventions", which are added
// (an intervention with the same name as an earlier one replaces it). Every file is checked
// against the schema; the merged scenario is then checked for what a schema cannot say
// (end before start, unknown names with a "did you mean", budgets outside the period,
// invalid distributions). Every violation is reported together, with its file, JSON path,
// the value found and what was expected.
#pragma once

#include "model/core/errors.hpp"
#include "model/world/geography.hpp"
#include "model/core/parameter_table.hpp"
#include "model/programmes/policy.hpp"
#include "model/world/region.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace shiftsim::inputs {

/// The largest amount a budget may give for one year and funder (GBP 10bn, above the whole
/// region's health and care spend: a bound against typing errors and overflow, in the schema
/// too), and the largest mean unit cost (GBP 1m per participant, above any per-person cost in
/// the PSSRU and NHS unit costs).
inline constexpr double kMaxBudget = 1e10;
inline constexpr double kMaxUnitCost = 1e6;
/// And the smallest (a penny: an area-wide programme's cost per resident a year can be small).
inline constexpr double kMinUnitCost = 0.01;

struct Violation {
  std::string file;
  std::string path;     // JSON pointer, e.g. /interventions/2/budget/2021
  std::string message;  // what was found and what was expected
  std::string to_string() const { return (file.empty() ? "" : file + ": ") + (path.empty() ? "/" : path) + ": " + message; }
};

/// A scenario with problems: every violation, reported together (the CLI exits with 2).
class ScenarioError : public InputError {
 public:
  explicit ScenarioError(std::vector<Violation> v);
  const std::vector<Violation>& violations() const { return violations_; }

 private:
  std::vector<Violation> violations_;
};

struct FinanceRules {
  /// The financial year whose prices every money figure is reported in, and where discounting
  /// starts (default: the region's base year; the model itself works in 2018/19 prices).
  int price_base_year = 2018;
  bool price_base_year_given = false;  // set in the scenario (a comparison then uses it for every arm)
  /// The prices the scenario's budgets and unit costs are typed in (default: price_base_year).
  std::optional<int> budget_price_year;
  double discount_rate_costs = 0.035;   // HM Treasury Green Book
  double discount_rate_health = 0.015;  // Green Book, health effects
  double inflation = 0.0;
  std::vector<std::string> cashable{"care_home_weeks", "home_care_hours"};
  double reinvest_share = 0.0;
  std::vector<std::string> reinvest_from;
  /// HM Treasury Green Book optimism bias: the intervention cost is raised by this share and the
  /// monetary savings lowered by that one in every financial figure (health is not adjusted).
  double optimism_bias_costs = 0.0;
  double optimism_bias_benefits = 0.0;
  /// "new_money" (default) or "existing_budgets": see the schema's finance.funding_source.
  std::string funding_source = "new_money";
  /// Fund interventions without an end beyond the scenario's years, at their last year's budget.
  bool continue_funding = false;
};

struct Scenario {
  std::string name, description;
  std::string region = "lsc";
  int start_year = 2018;
  int years = 5;
  double scale = 1.0;
  int replicates = 1;
  std::uint32_t seed = 20180701;
  FinanceRules finance;
  nlohmann::json interventions = nlohmann::json::array();  // merged, checked against the schema
  std::map<std::string, model::Distribution> parameters;   // overrides by dotted name
  std::string path;         // the file given
  std::vector<std::string> files;  // it and every file it extends
  std::string source_text;  // the merged scenario as JSON (stored with every run)
};

/// The scenario JSON Schema, as shipped.
const char* scenario_schema();

/// Reads a scenario and everything it extends; throws ScenarioError (all violations).
Scenario load_scenario(const std::filesystem::path& file);
/// Same, from text (tests): "extends" is relative to `base_dir`; `name` is used in messages.
Scenario parse_scenario(const std::string& text, const std::string& name,
                        const std::filesystem::path& base_dir = std::filesystem::current_path());

/// Checks the parts that need the region and the parameter table (ICP and neighbourhood
/// names, the base year, parameter names and bounds, effects) and builds the model's
/// policy; applies the parameter overrides to `table`. Throws ScenarioError with all
/// violations.
model::Policy resolve_scenario(const Scenario& scenario, const model::RegionData& region,
                               const model::Geography& geography, model::ParameterTable& table);

/// The closest of `options` to `word` if it is close enough to be a likely typo.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& options);

}  // namespace shiftsim::inputs
