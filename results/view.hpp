// One view of a stored comparison: the comparison document (document.hpp) read once and
// indexed, for everything that shows it - the command line's table, the report and the
// workbook. Lenient: a partial document gives absent figures, never an error (a writer that
// needs more checks it and says so).
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace shiftsim::results {

/// A summary over replicates: n, mean, median and the 90% interval (absent when unknown, or
/// for a break-even year, beyond the horizon).
struct Stat {
  int n = 0;
  std::optional<double> mean, median, p05, p95;
  std::optional<double> mcse;  // the mean's Monte Carlo standard error
  /// Enough replicates for the 90% interval to be shown (kMinIntervalReplicates).
  bool interval_shown() const;
};

struct ArmView {
  int index = 0;  // the document's "arm": 0 is the baseline
  std::string name, role, description, path;
  /// What a reader is shown: the scenario's "title", else its name in words
  /// ("prevention_invest_to_save" -> "Prevention invest to save").
  std::string label;
  long long run_id = 0;
  const nlohmann::json* source = nullptr;  // the document's entry
  bool scenario() const { return role == "scenario" || (role.empty() && index > 0); }
  std::string title() const { return name + " (run " + std::to_string(run_id) + ")"; }
};

/// A scenario's name in words: underscores and hyphens as spaces, the first letter capital.
std::string humane_name(const std::string& name);

/// The value of "key=value" in a breakdown like "investor=pooled;saver=nhs_acute" ("" if absent).
std::string breakdown_part(const std::string& breakdown, const std::string& key);

class ComparisonView {
 public:
  /// Keeps a reference to `doc`, which must outlive the view.
  explicit ComparisonView(const nlohmann::json& doc);

  const nlohmann::json& doc() const { return doc_; }
  /// The arms by index (arm 0 the baseline).
  const std::vector<ArmView>& arms() const { return arms_; }
  std::vector<const ArmView*> scenarios() const;
  /// The baseline, or null for a single run.
  const ArmView* baseline() const;
  bool single() const { return scenarios().empty(); }

  /// Every period, in order: financial years, then "plan" (when present) and "horizon".
  const std::vector<std::string>& periods() const { return periods_; }
  /// The financial years alone.
  std::vector<std::string> financial_years() const;
  /// Whether the comparison has the plan's figures apart (a run longer than the plan).
  bool has_plan() const;
  /// The plan's length in years, from the provenance (0 if none).
  int plan_years() const;
  /// Replicates per arm: the provenance's, else the largest n of any summary.
  int replicates() const { return replicates_; }

  /// Every outcome with a summary, in the document's order.
  const std::vector<std::string>& outcomes() const { return outcomes_; }
  bool has(const std::string& outcome) const;
  const Stat* stat(int arm, const std::string& period, const std::string& breakdown, const std::string& outcome) const;
  const Stat* horizon(int arm, const std::string& outcome, const std::string& breakdown = "all") const {
    return stat(arm, "horizon", breakdown, outcome);
  }
  /// The document's summary row itself.
  const nlohmann::json* row(int arm, const std::string& outcome, const std::string& breakdown, const std::string& period) const;
  /// The breakdowns an outcome has for an arm, in the document's order.
  const std::vector<std::string>& breakdowns(int arm, const std::string& outcome) const;
  /// The breakdowns an outcome has in any arm, in the document's order, starting with `prefix`.
  std::vector<std::string> breakdowns_of(const std::string& outcome, const std::string& prefix = "") const;
  /// The per-replicate horizon values of an outcome: the document's row, and (replicate, value).
  const nlohmann::json* series(int arm, const std::string& outcome, const std::string& breakdown) const;
  const std::vector<std::pair<int, double>>& replicate_values(int arm, const std::string& outcome, const std::string& breakdown) const;

  /// The dictionary's unit and scope of an outcome ("" if unknown).
  std::string unit(const std::string& outcome) const;
  std::string scope(const std::string& outcome) const;
  /// The finance rules the summary quotes: the first scenario's (a single run: its own).
  const nlohmann::json& finance() const;

 private:
  const nlohmann::json& doc_;
  std::vector<ArmView> arms_;
  std::vector<std::string> periods_, outcomes_;
  int replicates_ = 0;
  std::map<std::string, const nlohmann::json*> dictionary_;
  std::map<std::tuple<int, std::string, std::string, std::string>, std::pair<Stat, const nlohmann::json*>> rows_;
  std::map<std::pair<int, std::string>, std::vector<std::string>> breakdowns_;
  std::map<std::string, std::vector<std::string>> all_breakdowns_;
  std::map<std::tuple<int, std::string, std::string>, std::pair<const nlohmann::json*, std::vector<std::pair<int, double>>>> series_;
};

}  // namespace shiftsim::results
