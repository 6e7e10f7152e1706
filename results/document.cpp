#include "results/document.hpp"

#include "results/format.hpp"

#include "results/statement.hpp"

#include <cstdio>
#include <map>
#include <ostream>

namespace shiftsim::results {

using nlohmann::json;

namespace {

/// An intervention's targeting as the (merged) scenario gives it; {} when it has none.
json targeting_of(const json& scenario, const std::string& name) {
  if (!scenario.is_object() || !scenario.contains("interventions") || !scenario["interventions"].is_array()) return json::object();
  for (const auto& iv : scenario["interventions"])
    if (iv.is_object() && iv.value("name", "") == name && iv.contains("targeting") && iv["targeting"].is_object())
      return iv["targeting"];
  return json::object();
}


std::string number(double x) {
  char b[40];
  std::snprintf(b, sizeof b, "%.17g", x);
  return b;
}

json optional_real(const Statement& s, int col) { return s.is_null(col) ? json(nullptr) : json(s.real(col)); }

struct ArmRow {
  long long run_id = 0;
  int arm = 0;
  std::string role;
};

std::vector<ArmRow> arms_of(sqlite3* db, std::int64_t comparison_id) {
  Statement s(db,
              "SELECT a.run_id, a.arm, a.role FROM comparison_arms a JOIN comparisons c ON c.comparison_id = a.comparison_id "
              "WHERE a.comparison_id = ? AND c.status = 'completed' ORDER BY a.arm");
  s.bind_int(1, comparison_id);
  std::vector<ArmRow> arms;
  while (s.step(db)) arms.push_back({s.integer(0), static_cast<int>(s.integer(1)), s.text(2)});
  if (arms.empty()) throw StoreError("there is no comparison " + std::to_string(comparison_id) + " in this results database");
  return arms;
}

}  // namespace

std::optional<RunComparison> latest_comparison(const ResultsStore& store, std::int64_t run_id) {
  Statement s(store.handle(), "SELECT a.comparison_id, a.role FROM comparison_arms a JOIN comparisons c ON c.comparison_id = a.comparison_id "
                              "WHERE a.run_id = ? AND c.status = 'completed' ORDER BY a.comparison_id DESC LIMIT 1");
  s.bind_int(1, run_id);
  if (!s.step(store.handle())) return std::nullopt;
  return RunComparison{s.integer(0), s.text(1)};
}

bool has_comparison(const ResultsStore& store, std::int64_t comparison_id) {
  Statement s(store.handle(), "SELECT 1 FROM comparisons WHERE comparison_id = ? AND status = 'completed'");
  s.bind_int(1, comparison_id);
  return s.step(store.handle());
}

std::int64_t comparison_of_run(const ResultsStore& store, std::int64_t run_id) {
  sqlite3* db = store.handle();
  const RunRecord rec = store.run(run_id);  // throws if there is no such run
  Statement s(db, "SELECT MAX(a.comparison_id) FROM comparison_arms a JOIN comparisons c ON c.comparison_id = a.comparison_id "
                  "WHERE a.run_id = ? AND c.status = 'completed'");
  s.bind_int(1, run_id);
  if (!s.step(db) || s.is_null(0))
    throw StoreError("run " + std::to_string(run_id) + " (" + rec.scenario_name + ") has no stored results: its status is '" +
                     rec.status + "'" + (rec.message.empty() ? std::string() : " (" + rec.message + ")") +
                     "; `shiftsim runs` lists the stored runs");
  return s.integer(0);
}

json comparison_document(const ResultsStore& store, std::int64_t comparison_id) {
  sqlite3* db = store.handle();
  json doc;
  long long plan_months = 0;
  {
    Statement s(db, "SELECT created_at, common_random_numbers, periods, plan_months FROM comparisons WHERE comparison_id = ?");
    s.bind_int(1, comparison_id);
    if (!s.step(db)) throw StoreError("there is no comparison " + std::to_string(comparison_id) + " in this results database");
    doc["comparison_id"] = comparison_id;
    doc["created_at"] = s.text(0);
    doc["common_random_numbers"] = s.integer(1) != 0;
    doc["periods"] = json::parse(s.text(2));
    plan_months = s.integer(3);
  }
  const auto arms = arms_of(db, comparison_id);
  std::map<long long, int> arm_of_run;
  doc["arms"] = json::array();
  for (const auto& a : arms) {
    arm_of_run[a.run_id] = a.arm;
    const RunRecord r = store.run(a.run_id);
    const json scenario = json::parse(r.scenario_text, nullptr, false);
    json arm = {{"arm", a.arm},
                {"run_id", a.run_id},
                {"role", a.role},
                {"scenario", r.scenario_name},
                {"scenario_path", r.scenario_path},
                {"description", scenario.is_object() ? scenario.value("description", "") : ""},
                {"title", scenario.is_object() && scenario.contains("title") && scenario["title"].is_string() ? scenario["title"].get<std::string>() : ""},
                {"started_at", r.started_at},
                {"finished_at", r.finished_at},
                {"wall_seconds", r.wall_seconds}};
    Statement f(db,
                "SELECT price_base_year, discount_rate_costs, discount_rate_health, cashable, optimism_bias_costs, optimism_bias_benefits, "
                "funding_source, continue_funding FROM comparison_arms "
                "WHERE comparison_id = ? AND arm = ?");
    f.bind_int(1, comparison_id).bind_int(2, a.arm);
    f.step(db);
    json finance = {{"price_base_year", f.integer(0)},
                    {"discount_rate_costs", f.real(1)},
                    {"discount_rate_health", f.real(2)},
                    {"cashable", json::parse(f.text(3))},
                    {"optimism_bias", {{"costs", f.real(4)}, {"benefits", f.real(5)}}},
                    {"funding_source", f.text(6)},
                    {"continue_funding", f.integer(7) != 0}};
    if (scenario.is_object() && scenario.contains("finance")) {
      const json& sf = scenario["finance"];
      finance["reinvest_share"] = sf.value("reinvest_share", 0.0);
      finance["reinvest_from"] = sf.value("reinvest_from", json::array());
      finance["inflation"] = sf.value("inflation", 0.0);
    }
    arm["finance"] = finance;
    arm["parameter_overrides"] = scenario.is_object() && scenario.contains("parameters") ? scenario["parameters"] : json::object();
    json ivs = json::array();
    Statement iv(db,
                 "SELECT intervention, type, shifts, reach, start_month, end_month, unit_cost_gbp, unit_cost_basis, max_uptake, "
                 "ramp_up_months, effect_half_life_months, effects, budget FROM interventions WHERE run_id = ? ORDER BY rowid");
    iv.bind_int(1, a.run_id);
    while (iv.step(db)) {
      const json budget = json::parse(iv.text(12));
      double total = 0;
      json by_funder = json::object();
      for (const auto& [fy, funders] : budget.items())
        for (const auto& [funder, gbp] : funders.items()) {
          total += gbp.get<double>();
          by_funder[funder] = by_funder.value(funder, 0.0) + gbp.get<double>();
        }
      ivs.push_back({{"name", iv.text(0)},
                     {"type", iv.text(1)},
                     {"shifts", json::parse(iv.text(2))},
                     {"reach", iv.text(3)},
                     {"start_month", iv.text(4)},
                     {"end_month", iv.text(5)},
                     {"unit_cost_gbp", iv.real(6)},
                     {"unit_cost_basis", iv.text(7)},
                     {"max_uptake", optional_real(iv, 8)},
                     {"ramp_up_months", iv.integer(9)},
                     {"effect_half_life_months", iv.real(10)},
                     {"effects", json::parse(iv.text(11))},
                     {"budget_gbp_by_financial_year", budget},
                     {"budget_gbp_total", total},
                     {"budget_by_funder_gbp", by_funder},
                     {"targeting", targeting_of(scenario, iv.text(0))}});
    }
    arm["interventions"] = ivs;
    doc["arms"].push_back(arm);
  }
  const RunRecord base = store.run(arms.front().run_id);
  doc["provenance"] = {{"program_version", base.program_version},
                       {"data_version", base.data_version},
                       {"parameters_version", base.parameters_version},
                       {"seed", base.seed},
                       {"replicates", base.replicates},
                       {"scale", base.scale},
                       {"threads", base.threads},
                       {"start_year", base.start_year},
                       {"years", base.years},
                       {"plan_years", plan_months / 12}};
  doc["dictionary"] = json::array();
  {
    Statement s(db, "SELECT outcome, unit, scope, breakdowns, definition FROM outcome_dictionary ORDER BY rowid");
    while (s.step(db))
      doc["dictionary"].push_back(
          {{"outcome", s.text(0)}, {"unit", s.text(1)}, {"scope", s.text(2)}, {"breakdowns", s.text(3)}, {"definition", s.text(4)}});
  }
  doc["summary"] = json::array();
  {
    Statement s(db,
                "SELECT run_id, period, breakdown, outcome, n, mean, median, p05, p95, mcse FROM outcome_summary "
                "WHERE comparison_id = ? ORDER BY rowid");
    s.bind_int(1, comparison_id);
    while (s.step(db))
      doc["summary"].push_back({{"run_id", s.integer(0)},
                                {"arm", arm_of_run[s.integer(0)]},
                                {"period", s.text(1)},
                                {"breakdown", s.text(2)},
                                {"outcome", s.text(3)},
                                {"n", s.integer(4)},
                                {"mean", optional_real(s, 5)},
                                {"median", optional_real(s, 6)},
                                {"p05", optional_real(s, 7)},
                                {"p95", optional_real(s, 8)},
                                {"mcse", optional_real(s, 9)}});
  }
  doc["replicates"] = json::array();
  {
    Statement s(db,
                "SELECT run_id, outcome, breakdown, replicate, value FROM outcomes WHERE comparison_id = ? AND period = 'horizon' "
                "ORDER BY run_id, outcome, breakdown, replicate");
    s.bind_int(1, comparison_id);
    json* current = nullptr;
    long long run = -1;
    std::string outcome, breakdown;
    while (s.step(db)) {
      if (!current || s.integer(0) != run || s.text(1) != outcome || s.text(2) != breakdown) {
        run = s.integer(0);
        outcome = s.text(1);
        breakdown = s.text(2);
        doc["replicates"].push_back({{"run_id", run}, {"arm", arm_of_run[run]}, {"outcome", outcome}, {"breakdown", breakdown},
                                     {"period", "horizon"}, {"replicates", json::array()}, {"values", json::array()}});
        current = &doc["replicates"].back();
      }
      (*current)["replicates"].push_back(s.integer(3));
      (*current)["values"].push_back(s.real(4));
    }
  }
  doc["assumptions"] = json::array();
  {
    Statement s(db,
                "SELECT name, value, unit, uncertainty, source, derived FROM parameters WHERE run_id = ?1 AND value IS NOT NULL "
                "AND replicate = (SELECT MIN(replicate) FROM parameters WHERE run_id = ?1) ORDER BY rowid");
    // The central values (replicate -1) when the replicates drew theirs, else the run's table.
    s.bind_int(1, arms.front().run_id);
    while (s.step(db))
      doc["assumptions"].push_back({{"name", s.text(0)},
                                    {"value", s.real(1)},
                                    {"unit", s.text(2)},
                                    {"uncertainty", s.is_null(3) ? json(nullptr) : json(s.text(3))},
                                    {"source", s.text(4)},
                                    {"derived", s.integer(5) != 0}});
  }
  return doc;
}

void write_csv(const ResultsStore& store, std::int64_t comparison_id, std::ostream& out, CsvText text) {
  auto txt = [text](const std::string& x) { return csv_text(x, text); };
  sqlite3* db = store.handle();
  const auto arms = arms_of(db, comparison_id);
  std::map<std::string, std::string> unit;
  {
    Statement s(db, "SELECT outcome, unit FROM outcome_dictionary");
    while (s.step(db)) unit[s.text(0)] = s.text(1);
    Statement m(db, "SELECT metric, unit FROM metric_dictionary");
    while (m.step(db)) unit[m.text(0)] = m.text(1);
  }
  out << "source,comparison_id,run_id,scenario,replicate,period,breakdown,outcome,unit,value\n";
  for (const auto& a : arms) {
    const RunRecord r = store.run(a.run_id);
    const std::string prefix = "," + std::to_string(comparison_id) + "," + std::to_string(a.run_id) + "," + txt(r.scenario_name) + ",";
    Statement s(db,
                "SELECT replicate, period, breakdown, outcome, value FROM outcomes WHERE comparison_id = ? AND run_id = ? ORDER BY replicate, rowid");
    s.bind_int(1, comparison_id).bind_int(2, a.run_id);
    while (s.step(db))
      out << "outcome" << prefix << s.integer(0) << "," << txt(s.text(1)) << "," << txt(s.text(2)) << "," << txt(s.text(3)) << ","
          << txt(unit[s.text(3)]) << "," << number(s.real(4)) << "\n";
    Statement m(db,
                "SELECT replicate, period, icp, imd_quintile, metric, value FROM metrics WHERE run_id = ? ORDER BY replicate, rowid");
    m.bind_int(1, a.run_id);
    while (m.step(db))
      out << "metric" << prefix << m.integer(0) << "," << txt(m.text(1)) << ","
          << txt("icp=" + m.text(2) + ";quintile=" + std::to_string(m.integer(3))) << "," << txt(m.text(4)) << ","
          << txt(unit[m.text(4)]) << "," << number(m.real(5)) << "\n";
  }
}

void write_summary_csv(const ResultsStore& store, std::int64_t comparison_id, std::ostream& out, CsvText text) {
  auto txt = [text](const std::string& x) { return csv_text(x, text); };
  sqlite3* db = store.handle();
  arms_of(db, comparison_id);
  out << "comparison_id,run_id,scenario,period,breakdown,outcome,unit,n,mean,median,p05,p95\n";
  Statement s(db,
              "SELECT s.run_id, r.scenario_name, s.period, s.breakdown, s.outcome, d.unit, s.n, s.mean, s.median, s.p05, s.p95 "
              "FROM outcome_summary s JOIN runs r ON r.run_id = s.run_id LEFT JOIN outcome_dictionary d ON d.outcome = s.outcome "
              "WHERE s.comparison_id = ? ORDER BY s.rowid");
  s.bind_int(1, comparison_id);
  auto opt = [&](int col) { return s.is_null(col) ? std::string() : number(s.real(col)); };
  while (s.step(db))
    out << comparison_id << "," << s.integer(0) << "," << txt(s.text(1)) << "," << txt(s.text(2)) << ","
        << txt(s.text(3)) << "," << txt(s.text(4)) << "," << txt(s.text(5)) << "," << s.integer(6) << "," << opt(7) << ","
        << opt(8) << "," << opt(9) << "," << opt(10) << "\n";
}

}  // namespace shiftsim::results
