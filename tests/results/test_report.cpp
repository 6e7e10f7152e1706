// The HTML report from hand-made comparison documents: escaping of scenario text, every chart
// present, nothing loaded from the network, break-even "not within the horizon", money
// formatting, and a single run that still reads.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "results/report.hpp"

using nlohmann::json;
using shiftsim::results::html_escape;
using shiftsim::results::html_report;

namespace {

const std::string kEvilName = "<script>alert(1)</script> \"quoted\" & 'single'";
const std::string kEvilDescription = "Pays <img src=x onerror=alert(2)> for \"prevention\"";
const std::vector<std::string> kYears{"FY2018/19 (Jul-Mar)", "FY2019/20", "FY2020/21 (Apr-Jun)"};

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + needle.size())) ++n;
  return n;
}

json row(int arm, const std::string& period, const std::string& breakdown, const std::string& outcome, json mean, json p05,
         json p95, int n = 20) {
  return {{"run_id", arm + 1},  {"arm", arm}, {"period", period}, {"breakdown", breakdown},
          {"outcome", outcome}, {"n", n},     {"mean", mean},     {"median", mean},
          {"p05", p05},         {"p95", p95}};
}

json replicate_values(int arm, const std::string& outcome, const std::string& breakdown, std::vector<double> values) {
  return {{"run_id", arm + 1},          {"arm", arm},          {"outcome", outcome},
          {"breakdown", breakdown},     {"period", "horizon"}, {"replicates", {0, 1, 2}},
          {"values", std::move(values)}};
}

json arm(int index, const std::string& role, const std::string& name, const std::string& description) {
  json a = {{"arm", index},
            {"run_id", index + 1},
            {"role", role},
            {"scenario", name},
            {"description", description},
            {"scenario_path", "scenarios/" + std::to_string(index) + ".json"},
            {"started_at", "2026-01-01T00:00:00Z"},
            {"finished_at", "2026-01-01T00:00:02Z"},
            {"wall_seconds", 2.0},
            {"finance",
             {{"price_base_year", 2018},
              {"discount_rate_costs", 0.035},
              {"discount_rate_health", 0.015},
              {"cashable", {"care_home_weeks", "home_care_hours"}}}},
            {"parameter_overrides", json::object()},
            {"interventions", json::array()}};
  if (role == "scenario") {
    a["interventions"].push_back(
        {{"name", "<script>falls</script>"},
         {"type", "falls_prevention"},
         {"shifts", {1}},
         {"reach", "person"},
         {"start_month", "2019-04"},
         {"end_month", "2020-06"},
         {"unit_cost_gbp", 300.0},
         {"unit_cost_basis", "GBP per participant"},
         {"max_uptake", 0.1},
         {"ramp_up_months", 3},
         {"effect_half_life_months", 12.0},
         {"effects", {{"falls_admission_rr", {{"distribution", "lognormal(mean=0.75, sd=0.08)"}, {"mean", 0.75}}}}},
         {"budget_gbp_total", 450000.0},
         {"budget_by_funder_gbp", {{"pooled", 450000.0}}}});
    a["parameter_overrides"] = {{"intervention.<b>.share", 0.03}};
  }
  return a;
}

/// Arm outcomes for every financial year and the horizon.
void add_arm_outcomes(json& summary, int a, double shift) {
  std::vector<std::string> periods = kYears;
  periods.push_back("horizon");
  for (const auto& p : periods) {
    const double m = p == "horizon" ? 2.0 : 1.0;
    summary.push_back(row(a, p, "payer=nhs_acute", "cost_gbp", m * (9e8 - shift), m * 8.8e8, m * 9.2e8));
    summary.push_back(row(a, p, "payer=council_asc", "cost_gbp", m * (3e8 - shift), m * 2.9e8, m * 3.1e8));
    summary.push_back(row(a, p, "public", "cost_gbp", m * (1.2e9 - 2 * shift), m * 1.17e9, m * 1.23e9));
    summary.push_back(row(a, p, "sex=persons", "le_gap_birth_years", 7.1 - shift / 1e7, 6.5, 7.7));
    summary.push_back(row(a, p, "all", "emergency_admissions", m * 150000, m * 148000, m * 152000));
    summary.push_back(row(a, p, "all", "ae_attendances", m * 600000, m * 590000, m * 610000));
    summary.push_back(row(a, p, "all", "gp_appointments", m * 8e6, m * 7.9e6, m * 8.1e6));
    summary.push_back(row(a, p, "all", "emergency_bed_days", m * 1e6, m * 0.98e6, m * 1.02e6));
    summary.push_back(row(a, p, "all", "care_home_residents_end", 7000, 6900, 7100));
  }
  summary.push_back(row(a, "horizon", "quintile=1;sex=persons", "life_expectancy_birth_years", 76.5, 76.1, 76.9));
  summary.push_back(row(a, "horizon", "quintile=5;sex=persons", "life_expectancy_birth_years", 83.6, 83.2, 84.0));
  summary.push_back(row(a, "horizon", "sex=persons", "sii_le_birth_years", 8.8, 8.5, 9.1));
}

json base_document(int replicates = 20) {
  json d;
  d["comparison_id"] = 7;
  d["created_at"] = "2026-01-01T00:00:03Z";
  d["common_random_numbers"] = true;
  d["database"] = "results.db";
  d["periods"] = kYears;
  d["periods"].push_back("horizon");
  d["provenance"] = {{"program_version", "0.1.0+abc1234"},
                     {"data_version", "lsc-2018@f00dfeed"},
                     {"parameters_version", "c0ffee"},
                     {"seed", 20180701},
                     {"replicates", replicates},
                     {"scale", 0.01},
                     {"threads", 2},
                     {"start_year", 2018},
                     {"years", 2}};
  d["dictionary"] = json::array({{{"outcome", "npv_gbp"},
                                  {"unit", "GBP, present value"},
                                  {"scope", "difference"},
                                  {"breakdowns", "all"},
                                  {"definition", "Net present value <of> savings"}}});
  d["summary"] = json::array();
  d["replicates"] = json::array();
  d["assumptions"] = json::array({{{"name", "mortality.improvement"},
                                   {"value", 0.012},
                                   {"unit", "per year"},
                                   {"uncertainty", "normal(0.012, 0.002)"},
                                   {"source", "ONS <2018> projections"},
                                   {"derived", false}}});
  return d;
}

/// Baseline plus one scenario whose break-even year is null (beyond the horizon).
json comparison_document() {
  json d = base_document();
  d["arms"] = json::array({arm(0, "baseline", "baseline", "Today's services."), arm(1, "scenario", kEvilName, kEvilDescription)});
  auto& s = d["summary"];
  add_arm_outcomes(s, 0, 0);
  add_arm_outcomes(s, 1, 4e6);
  for (const auto& p : kYears) {
    s.push_back(row(1, p, "all", "cumulative_discounted_net_benefit_gbp", -1e5, -2e5, 1e4));
    s.push_back(row(1, p, "cashable", "cumulative_discounted_net_benefit_gbp", -2e5, -3e5, -1e5));
    s.push_back(row(1, p, "payer=nhs_acute", "gross_savings_gbp", 4e6, 1e6, 7e6));
  }
  s.push_back(row(1, "horizon", "public", "gross_savings_gbp", 12.3e6, 8.1e6, 16.0e6));
  s.push_back(row(1, "horizon", "public", "cashable_savings_gbp", 2.5e6, 1.9e6, 3.1e6));
  s.push_back(row(1, "horizon", "all", "intervention_cost_gbp", 450000, 400000, 500000));
  s.push_back(row(1, "horizon", "all", "intervention_cost_discounted_gbp", 440000, 390000, 490000));
  s.push_back(row(1, "horizon", "public", "gross_savings_discounted_gbp", 11.8e6, 7.9e6, 15.5e6));
  s.push_back(row(1, "horizon", "public", "cashable_savings_discounted_gbp", 2.4e6, 1.8e6, 3.0e6));
  s.push_back(row(1, "horizon", "all", "npv_gbp", -1.5e6, -2.5e6, -0.5e6));
  s.push_back(row(1, "horizon", "all", "roi_gross", 1.234, 0.9, 1.5));
  s.push_back(row(1, "horizon", "all", "roi_gross_above_1", 2.0 / 3.0, 0, 1));
  s.push_back(row(1, "horizon", "all", "break_even_year", nullptr, nullptr, nullptr));
  s.push_back(row(1, "horizon", "all", "break_even_within_horizon", 1.0 / 3.0, 0, 1));
  s.push_back(row(1, "horizon", "all", "deaths_averted", 42, -10, 90));
  s.push_back(row(1, "horizon", "all", "qalys_gained", 120, 30, 210));
  s.push_back(row(1, "horizon", "all", "cost_per_qaly_gbp", 15000, 9000, 26000));
  s.push_back(row(1, "horizon", "all", "icer_gbp_per_qaly", 15000, nullptr, nullptr));
  s.push_back(row(1, "horizon", "all", "cost_effectiveness_quadrant", 1, nullptr, nullptr));
  s.push_back(row(1, "horizon", "sex=persons", "le_gap_birth_change_years", -0.05, -0.12, 0.02));
  s.push_back(row(1, "horizon", "all", "equity_gain_qalys_per_100k", 1.5, -0.5, 3.5));
  s.push_back(row(1, "horizon", "wtp=20000", "net_monetary_benefit_gbp", 1e6, -2e6, 4e6));
  s.push_back(row(1, "horizon", "investor=pooled;saver=nhs_acute", "who_pays_who_saves_gbp", 3e6, 1e6, 5e6));
  s.push_back(row(1, "horizon", "investor=pooled;saver=council_asc", "who_pays_who_saves_gbp", -2e5, -4e5, 1e5));
  s.push_back(row(1, "horizon", "investor=nhs;saver=nhs_acute", "who_pays_who_saves_gbp", 0, 0, 0));
  s.push_back(row(1, "horizon", "investor=nhs;saver=council_asc", "who_pays_who_saves_gbp", 0, 0, 0));
  auto& r = d["replicates"];
  r.push_back(replicate_values(1, "gross_savings_gbp", "public", {8e6, 12e6, 17e6}));
  r.push_back(replicate_values(1, "roi_gross", "all", {0.9, 1.2, 1.6}));
  r.push_back(replicate_values(1, "qalys_gained", "all", {30, 120, 210}));
  r.push_back(replicate_values(1, "equity_gain_qalys_per_100k", "all", {-0.5, 1.5, 3.5}));
  r.push_back(replicate_values(1, "net_monetary_benefit_gbp", "wtp=20000", {-2e6, 1e6, 4e6}));
  return d;
}

json single_document() {
  json d = base_document();
  d["arms"] = json::array({arm(0, "single", kEvilName, kEvilDescription)});
  add_arm_outcomes(d["summary"], 0, 0);
  return d;
}

const std::vector<std::string> kChartKinds{"cost-by-payer", "savings-roi-distribution", "who-pays-who-saves", "break-even",
                                           "le-gap",        "equity-efficiency",        "activity-fan"};

}  // namespace

TEST_CASE("report: html_escape escapes the five HTML metacharacters") {
  CHECK(html_escape("<a href=\"x\">'Tom' & Jerry</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;Tom&#39; &amp; Jerry&lt;/a&gt;");
  CHECK(html_escape("plain text, 100% safe") == "plain text, 100% safe");
  CHECK(html_escape("") == "");
}

TEST_CASE("report: scenario names, descriptions and intervention names are escaped") {
  for (const json& doc : {comparison_document(), single_document()}) {
    const std::string html = html_report(doc);
    CHECK(html.find("<script>alert(1)</script>") == std::string::npos);
    CHECK(html.find("<img src=x") == std::string::npos);
    CHECK(html.find("<script>falls</script>") == std::string::npos);
    CHECK(html.find("\"quoted\"") == std::string::npos);
    CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &amp; &#39;single&#39;") != std::string::npos);
    CHECK(html.find("Pays &lt;img src=x onerror=alert(2)&gt; for &quot;prevention&quot;") != std::string::npos);
    // The page's own script (chart check, print) is the only one.
    CHECK(count(html, "<script") == 1);
  }
  const std::string html = html_report(comparison_document());
  CHECK(html.find("ONS &lt;2018&gt; projections") != std::string::npos);
  CHECK(html.find("intervention.&lt;b&gt;.share") != std::string::npos);
  CHECK(html.find("Net present value &lt;of&gt; savings") != std::string::npos);
}

TEST_CASE("report: a comparison shows each of the seven chart kinds, every chart an svg.chart with a title") {
  const std::string html = html_report(comparison_document());
  for (const auto& kind : kChartKinds) {
    INFO(kind);
    CHECK(html.find("<svg class=\"chart\"") != std::string::npos);
    CHECK(html.find("data-chart=\"" + kind + "\"") != std::string::npos);
  }
  const std::size_t charts = count(html, "<svg class=\"chart\"");
  CHECK(charts >= 7);
  CHECK(count(html, "<title id=\"chart-") == charts);
  CHECK(count(html, "</svg>") == charts);
  // Intervals are drawn: bands around lines and interval bars on distributions.
  CHECK(html.find("class=\"band\"") != std::string::npos);
  CHECK(html.find("class=\"interval\"") != std::string::npos);
  // The who-pays matrix leaves out the funder that invests nothing, and says so.
  CHECK(html.find("Funders who invest nothing extra are left out: NHS") != std::string::npos);
  // The decision comes first: its box before any chart, and its own chart the first one.
  CHECK(html.find("id=\"decision\"") < html.find("<svg class=\"chart\""));
  CHECK(html.find("data-chart=\"decision\"") < html.find("data-chart=\"cost-by-payer\""));
  CHECK(html.find("id=\"decision\"") < html.find("id=\"headline\""));
}

TEST_CASE("report: the board paper puts the decision first, in plain words, and the detail after it") {
  json doc = comparison_document();
  doc["arms"][1]["title"] = "Falls prevention for the frail";
  doc["arms"][1]["interventions"] = json::array({{{"name", "falls_prevention"},
                                                  {"reach", "person"},
                                                  {"targeting", {{"ages", {65, 120}}, {"imd_deciles", {1, 2}}, {"allocation", "highest_risk"}}},
                                                  {"budget_by_funder_gbp", {{"council", 450000}}}}});
  doc["summary"].push_back(row(1, "horizon", "intervention=falls_prevention", "intervention_budget_gbp", 500000, 500000, 500000));
  doc["summary"].push_back(row(1, "horizon", "intervention=falls_prevention", "intervention_spend_gbp", 450000, 440000, 460000));
  doc["summary"].push_back(row(1, "horizon", "funder=council", "intervention_cost_discounted_gbp", 440000, 390000, 490000));
  const std::string html = html_report(doc);
  // The scenario's title, not its name, heads the paper; the baseline has no title: its name in words.
  CHECK(html.find("<h1>Falls prevention for the frail compared with Baseline</h1>") != std::string::npos);
  const std::size_t decision = html.find("id=\"decision\""), appendices = html.find("id=\"appendices\"");
  REQUIRE(decision != std::string::npos);
  REQUIRE(appendices != std::string::npos);
  const std::string paper = html.substr(decision, appendices - decision);
  // The verdict: it does not pay for itself (NPV -1.5m), with the return per GBP 1 and the QALYs.
  CHECK(paper.find("<strong>does not pay for itself</strong>") != std::string::npos);
  CHECK(paper.find("returns \xC2\xA3" "1.23 in public savings") != std::string::npos);
  // The five tiles, the investment's 90% interval (20 replicates), who pays (the council).
  for (const char* t : {"Invest", "Return", "Pays back", "Who pays, who saves", "Health and equity"})
    CHECK_MESSAGE(paper.find(std::string("<p class=\"tile-head\">") + t + "</p>") != std::string::npos, t);
  CHECK(paper.find("90% interval \xC2\xA3" "390k to \xC2\xA3" "490k") != std::string::npos);
  CHECK(paper.find("Paid by the councils") != std::string::npos);
  CHECK(paper.find("not within the horizon") != std::string::npos);
  // Page two: the targeting in words, the spend against budget.
  CHECK(paper.find("aged 65\xE2\x80\x93" "120; IMD deciles 1, 2; highest risk first") != std::string::npos);
  CHECK(paper.find("(90%)") != std::string::npos);
  // The scenario's description is in the appendices, not on the first screen.
  CHECK(html.find(html_escape(kEvilDescription)) > appendices);
  CHECK(paper.find(html_escape(kEvilDescription)) == std::string::npos);
  CHECK(html.find("id=\"scenarios\"") > appendices);
}

TEST_CASE("report: several plans get a league table ranked by NPV, with a measure to rank by") {
  json doc = comparison_document();
  json third = doc["arms"][1];
  third["arm"] = 2;
  third["run_id"] = 3;
  third["scenario"] = "second_plan";
  third["title"] = "";
  doc["arms"].push_back(third);
  doc["summary"].push_back(row(2, "horizon", "all", "npv_gbp", 2.0e6, 1.0e6, 3.0e6));
  doc["summary"].push_back(row(2, "horizon", "all", "roi_gross", 2.5, 2.0, 3.0));
  const std::string html = html_report(doc);
  const std::size_t table = html.find("data-league=\"table\"");
  REQUIRE(table != std::string::npos);
  CHECK(html.find("data-league=\"sort\"") != std::string::npos);
  // The second plan (NPV +2.0m) ranks first, above the scenario with -1.5m.
  const std::size_t second = html.find("Second plan", table), worse = html.find("\xE2\x88\x92\xC2\xA3" "1.5m", table);
  REQUIRE(second != std::string::npos);
  REQUIRE(worse != std::string::npos);
  CHECK(second < worse);
  CHECK(html.find("<strong>1 pays for itself</strong>") != std::string::npos);
  CHECK(html.find("Best by net present value: ") != std::string::npos);
}

TEST_CASE("report: nothing is loaded from the network") {
  for (const json& doc : {comparison_document(), single_document()}) {
    const std::string html = html_report(doc);
    CHECK(html.find("http://") == std::string::npos);
    CHECK(html.find("https://") == std::string::npos);
    CHECK(html.find("src=\"") == std::string::npos);
    CHECK(html.find("@import") == std::string::npos);
    CHECK(html.find("url(") == std::string::npos);
    CHECK(html.find("<link rel=\"stylesheet\"") == std::string::npos);
    // Every href is an in-page anchor or the empty data: icon.
    for (auto pos = html.find("href=\""); pos != std::string::npos; pos = html.find("href=\"", pos + 1)) {
      const char next = html[pos + 6];
      CHECK((next == '#' || html.compare(pos + 6, 5, "data:") == 0));
    }
    CHECK(html.find("Content-Security-Policy") != std::string::npos);
  }
}

TEST_CASE("report: break-even year beyond the horizon reads 'not within the horizon'") {
  SUBCASE("a null median") {
    const std::string html = html_report(comparison_document());
    CHECK(html.find("not within the horizon") != std::string::npos);
    CHECK(html.find("33% of replicates break even") != std::string::npos);
  }
  SUBCASE("no break-even row at all, as when no replicate breaks even") {
    json doc = comparison_document();
    auto& s = doc["summary"];
    for (auto it = s.begin(); it != s.end();) it = (*it)["outcome"] == "break_even_year" ? s.erase(it) : it + 1;
    for (auto& r : s)
      if (r["outcome"] == "break_even_within_horizon") r["mean"] = 0.0;
    const std::string html = html_report(doc);
    CHECK(html.find("not within the horizon") != std::string::npos);
    CHECK(html.find("0% of replicates break even") != std::string::npos);
  }
  SUBCASE("a median year is written as a financial year") {
    json doc = comparison_document();
    for (auto& r : doc["summary"])
      if (r["outcome"] == "break_even_year") r["mean"] = r["median"] = r["p05"] = r["p95"] = 2020;
    const std::string html = html_report(doc);
    CHECK(html.find("FY2020/21") != std::string::npos);
    CHECK(html.find("not within the horizon") == std::string::npos);
  }
}

TEST_CASE("report: money, ratios and probabilities are formatted for a board") {
  const std::string html = html_report(comparison_document());
  CHECK(html.find("\xC2\xA3"
                  "12.3m (90% interval \xC2\xA3"
                  "8.1m to \xC2\xA3"
                  "16.0m)") != std::string::npos);
  // The headline's sentences are in present values, as the ROI and NPV (the table has both).
  CHECK(html.find("in present values (discounted), the scenario's interventions cost \xC2\xA3"
                  "440k (90% interval \xC2\xA3"
                  "390k to \xC2\xA3"
                  "490k)") != std::string::npos);
  CHECK(html.find("\xE2\x88\x92\xC2\xA3"
                  "1.5m") != std::string::npos);  // minus sign before the pound sign
  CHECK(html.find("\xC2\xA3"
                  "1.23 back per \xC2\xA3"
                  "1") != std::string::npos);
  CHECK(html.find("67%") != std::string::npos);  // P(ROI > 1)
  // The cost per QALY is the ICER (a ratio of means, no interval), never the replicates' ratios.
  CHECK(html.find("net cost per QALY gained is \xC2\xA3"
                  "15k,") != std::string::npos);
  CHECK(html.find("below NICE") != std::string::npos);
  CHECK(html.find("narrows by 0.050 years") != std::string::npos);
  CHECK(html.find("\xC2\xA3"
                  "2.40bn") != std::string::npos);  // horizon public cost of an arm
}

TEST_CASE("report: replicates, intervals, common random numbers and provenance are stated") {
  const std::string html = html_report(comparison_document());
  CHECK(html.find("mean over 20 replicates") != std::string::npos);
  CHECK(html.find("5th to the 95th percentile") != std::string::npos);
  CHECK(html.find("common random numbers") != std::string::npos);
  CHECK(html.find("the 2 years from July 2018 to June 2020") != std::string::npos);
  for (const char* s : {"20180701", "lsc-2018@f00dfeed", "c0ffee", "0.1.0+abc1234", "2026-01-01T00:00:03Z"}) {
    INFO(s);
    CHECK(html.find(s) != std::string::npos);
  }
  // Assumptions and finance rules of the scenario, and the parameter table collapsed for the screen.
  CHECK(html.find("mortality.improvement") != std::string::npos);
  CHECK(html.find("Discount rate for costs: 3.5% a year") != std::string::npos);
  CHECK(html.find("<details id=\"parameters\">") != std::string::npos);
  CHECK(html.find("@media print") != std::string::npos);
  CHECK(html.find("falls_admission_rr") != std::string::npos);
}

TEST_CASE("report: a single run shows its own charts and says the differences need a comparison") {
  const std::string html = html_report(single_document());
  for (const char* kind : {"cost-by-payer", "le-gap", "activity-fan"}) {
    INFO(kind);
    CHECK(html.find(std::string("data-chart=\"") + kind + "\"") != std::string::npos);
  }
  for (const char* kind : {"savings-roi-distribution", "who-pays-who-saves", "break-even", "equity-efficiency"}) {
    INFO(kind);
    CHECK(html.find(std::string("data-chart=\"") + kind + "\"") == std::string::npos);
  }
  CHECK(html.find("a single run") != std::string::npos);
  CHECK(html.find("shiftsim compare") != std::string::npos);
  CHECK(html.find("ROI") == std::string::npos);
  CHECK(count(html, "<svg class=\"chart\"") == count(html, "<title id=\"chart-"));
}

TEST_CASE("report: a document with almost nothing in it still gives a page") {
  const std::string html = html_report(json::object());
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("</html>") != std::string::npos);
  CHECK(html_report(json{{"arms", json::array()}, {"summary", "not an array"}}).find("</html>") != std::string::npos);
}
