// The Excel workbook (results/workbook.hpp) from hand-made comparison documents: the file is
// read back as the zip of XML parts it is (`unzip -p`), and the sheets, the figures (as number
// cells with their number formats), the strings (as text, never formulas) and the failure
// handling (no file left behind) are checked.
#include "results/workbook.hpp"

#include "results/store.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

using namespace shiftsim::results;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

/// A fresh directory under the system's temporary directory, removed afterwards.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "shiftsim_workbook_XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

/// One part of a zip file (`unzip -p`); empty when it is missing.
std::string unzip(const fs::path& file, const std::string& entry) {
  const std::string command = "unzip -p '" + file.string() + "' '" + entry + "' 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[65536];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  pclose(pipe);
  return out;
}

std::string run_command(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  pclose(pipe);
  return out;
}

std::string unescape_xml(std::string s) {
  const std::vector<std::pair<std::string, std::string>> entities{
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
  for (const auto& [from, to] : entities)
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
      s.replace(at, from.size(), to);
  return s;
}

struct Cell {
  bool text = false;
  std::string value;  // the string (shared strings resolved) or the number as written
  int style = 0;
};

/// The workbook read back: sheet names in order, shared strings, number formats and cells.
class Xlsx {
 public:
  explicit Xlsx(const fs::path& file) : file_(file) {
    const std::string workbook = unzip(file, "xl/workbook.xml");
    const std::string rels = unzip(file, "xl/_rels/workbook.xml.rels");
    REQUIRE_MESSAGE(!workbook.empty(), file << " has no xl/workbook.xml");
    std::map<std::string, std::string> target;
    const std::regex rel(R"re(<Relationship Id="([^"]+)" Type="[^"]+" Target="([^"]+)")re");
    for (std::sregex_iterator it(rels.begin(), rels.end(), rel), end; it != end; ++it) target[(*it)[1]] = (*it)[2];
    const std::regex sheet(R"re(<sheet name="([^"]+)" sheetId="[0-9]+" r:id="([^"]+)")re");
    for (std::sregex_iterator it(workbook.begin(), workbook.end(), sheet), end; it != end; ++it) {
      names.push_back(unescape_xml((*it)[1]));
      parts[names.back()] = "xl/" + target[(*it)[2]];
    }
    // Shared strings by hand (std::regex recurses per character: long strings would overflow the stack).
    const std::string strings = unzip(file, "xl/sharedStrings.xml");
    for (std::size_t at = strings.find("<si>"); at != std::string::npos; at = strings.find("<si>", at)) {
      const std::size_t close = strings.find("</si>", at);
      REQUIRE(close != std::string::npos);
      std::string text;
      for (std::size_t t = strings.find("<t", at); t != std::string::npos && t < close; t = strings.find("<t", t + 1)) {
        const std::size_t open_end = strings.find('>', t);
        const std::size_t end = strings.find("</t>", open_end);
        text += unescape_xml(strings.substr(open_end + 1, end - open_end - 1));
        t = end;
      }
      shared.push_back(text);
      at = close;
    }
    const std::string styles = unzip(file, "xl/styles.xml");
    std::map<int, std::string> codes{{0, "General"}, {9, "0%"}, {10, "0.00%"}};
    const std::regex fmt(R"re(<numFmt numFmtId="([0-9]+)" formatCode="([^"]*)")re");
    for (std::sregex_iterator it(styles.begin(), styles.end(), fmt), end; it != end; ++it)
      codes[std::stoi((*it)[1])] = unescape_xml((*it)[2]);
    const std::size_t xfs = styles.find("<cellXfs");
    REQUIRE_MESSAGE(xfs != std::string::npos, file << " has no cell styles");
    const std::string cell_xfs = styles.substr(xfs, styles.find("</cellXfs>", xfs) - xfs);
    const std::regex xf(R"re(<xf numFmtId="([0-9]+)")re");
    for (std::sregex_iterator it(cell_xfs.begin(), cell_xfs.end(), xf), end; it != end; ++it)
      style_format.push_back(codes.count(std::stoi((*it)[1])) ? codes[std::stoi((*it)[1])] : "builtin " + std::string((*it)[1]));
  }

  std::string xml(const std::string& sheet) const {
    const auto it = parts.find(sheet);
    REQUIRE_MESSAGE(it != parts.end(), "no sheet named " << sheet);
    return unzip(file_, it->second);
  }

  /// Every cell of a sheet by reference ("B15").
  std::map<std::string, Cell> cells(const std::string& sheet) const {
    const std::string x = xml(sheet);
    std::map<std::string, Cell> out;
    const std::regex c(R"re(<c r="([A-Z]+[0-9]+)"([^>]*?)(?:/>|>(.*?)</c>))re");
    const std::regex v(R"re(<v>([^<]*)</v>)re");
    const std::regex s(R"re( s="([0-9]+)")re");
    for (std::sregex_iterator it(x.begin(), x.end(), c), end; it != end; ++it) {
      Cell cell;
      const std::string attributes = (*it)[2], inner = (*it)[3];
      cell.text = attributes.find("t=\"s\"") != std::string::npos;
      std::smatch m;
      if (std::regex_search(attributes, m, s)) cell.style = std::stoi(m[1]);
      if (std::regex_search(inner, m, v))
        cell.value = cell.text ? shared.at(static_cast<std::size_t>(std::stoi(m[1]))) : std::string(m[1]);
      out[(*it)[1]] = cell;
    }
    return out;
  }

  std::vector<std::string> names;
  std::map<std::string, std::string> parts;
  std::vector<std::string> shared;
  std::vector<std::string> style_format;  // number format code of each cell style

 private:
  fs::path file_;
};

/// A cell reference split into its column number (A = 1) and row.
std::pair<int, int> split_ref(const std::string& ref) {
  const std::size_t digits = ref.find_first_of("0123456789");
  int column = 0;
  for (std::size_t k = 0; k < digits; ++k) column = column * 26 + (ref[k] - 'A' + 1);
  return {column, std::stoi(ref.substr(digits))};
}

/// The first row (1-based) whose cell in `column` holds exactly `text`; 0 if none.
int row_of(const std::map<std::string, Cell>& cells, const std::string& column, const std::string& text) {
  const int wanted = split_ref(column + "1").first;
  int best = 0;
  for (const auto& [ref, cell] : cells) {
    const auto [c, r] = split_ref(ref);
    if (c == wanted && cell.text && cell.value == text && (best == 0 || r < best)) best = r;
  }
  return best;
}

/// The column letters of the leftmost cell in `row` holding exactly `text`; empty if none.
std::string column_of(const std::map<std::string, Cell>& cells, int row, const std::string& text) {
  std::string best;
  int best_column = 0;
  for (const auto& [ref, cell] : cells) {
    const auto [c, r] = split_ref(ref);
    if (r == row && cell.text && cell.value == text && (best_column == 0 || c < best_column)) {
      best_column = c;
      best = ref.substr(0, ref.find_first_of("0123456789"));
    }
  }
  return best;
}

/// A number cell's value; fails the test if the cell is missing or is text.
double number_at(const std::map<std::string, Cell>& cells, const std::string& ref) {
  const auto it = cells.find(ref);
  REQUIRE_MESSAGE(it != cells.end(), "no cell " << ref);
  REQUIRE_MESSAGE(!it->second.text, ref << " is text: " << it->second.value);
  return std::stod(it->second.value);
}

std::string text_at(const std::map<std::string, Cell>& cells, const std::string& ref) {
  const auto it = cells.find(ref);
  REQUIRE_MESSAGE(it != cells.end(), "no cell " << ref);
  REQUIRE_MESSAGE(it->second.text, ref << " is a number: " << it->second.value);
  return it->second.value;
}

const std::vector<std::string> kPeriods{"FY2018/19 (Jul-Mar)", "FY2019/20", "horizon"};
const std::string kScenario = "=SUM(A1:A9) plan";  // must stay text, never become a formula

json summary_row(int arm, const std::string& period, const std::string& breakdown, const std::string& outcome, json mean,
                 json median, json p05, json p95, int n = 3) {
  return {{"run_id", 11 + arm}, {"arm", arm}, {"period", period}, {"breakdown", breakdown},
          {"outcome", outcome}, {"n", n},     {"mean", mean},     {"median", median},
          {"p05", p05},         {"p95", p95}};
}

json dictionary() {
  const std::vector<std::vector<std::string>> rows{
      {"cost_gbp", "GBP, base-year prices", "arm", "all; payer", "Cost of services used in the period, undiscounted."},
      {"intervention_spend_gbp", "GBP, base-year prices", "arm", "all; funder", "Spend on the scenario's funded interventions."},
      {"emergency_admissions", "admissions", "arm", "all", "Emergency admissions (spells) in the period."},
      {"deaths", "deaths", "arm", "all; quintile", "Deaths in the period."},
      {"life_expectancy_birth_years", "years", "arm", "sex; quintile;sex", "Period life expectancy at birth."},
      {"prevalence_percent", "% of residents", "arm", "condition=<name>", "Residents living with the condition."},
      {"gross_savings_gbp", "GBP, base-year prices", "difference", "public; payer", "Baseline cost minus scenario cost."},
      {"cashable_savings_gbp", "GBP, base-year prices", "difference", "public",
       "The part of the public savings that releases money."},
      {"intervention_cost_gbp", "GBP, base-year prices", "difference", "all; funder",
       "Scenario intervention spend minus the baseline's."},
      {"net_benefit_gbp", "GBP, base-year prices", "difference", "all", "Public gross savings minus intervention cost."},
      {"cumulative_discounted_net_benefit_gbp", "GBP, present value in the price-base year", "difference", "all",
       "The break-even curve."},
      {"npv_gbp", "GBP, present value in the price-base year", "difference", "all", "Net present value over the horizon."},
      {"roi_gross", "GBP back per GBP 1", "difference", "all", "Return on investment over the horizon."},
      {"roi_gross_above_1", "probability (share of replicates)", "difference", "all", "1 if roi_gross > 1."},
      {"break_even_year", "financial year (2020 = 2020/21)", "difference", "all", "First financial year that breaks even."},
      {"break_even_within_horizon", "probability (share of replicates)", "difference", "all", "1 if it breaks even."},
      {"cost_per_qaly_gbp", "GBP per QALY", "difference", "all", "Net cost per QALY gained."},
      {"who_pays_who_saves_gbp", "GBP, present value in the price-base year", "difference", "investor=<funder>;saver=<payer>",
       "Wrong pocket."},
      {"net_position_gbp", "GBP, present value in the price-base year", "difference", "organisation",
       "Savings minus own investment."},
      {"deaths_averted", "deaths", "difference", "all", "Baseline deaths minus scenario deaths."}};
  json d = json::array();
  for (const auto& r : rows)
    d.push_back({{"outcome", r[0]}, {"unit", r[1]}, {"scope", r[2]}, {"breakdowns", r[3]}, {"definition", r[4]}});
  return d;
}

json arm_json(int arm, const std::string& role, const std::string& name, const std::string& description) {
  return {{"arm", arm},
          {"run_id", 11 + arm},
          {"role", role},
          {"scenario", name},
          {"scenario_path", "scenarios/" + std::string(arm == 0 ? "baseline" : "plan") + ".json"},
          {"description", description},
          {"finance",
           {{"price_base_year", 2018},
            {"discount_rate_costs", 0.035},
            {"discount_rate_health", 0.015},
            {"cashable", {"care_home_weeks", "home_care_hours"}},
            {"reinvest_share", 0.5},
            {"reinvest_from", {"nhs_acute"}},
            {"inflation", 0.0}}},
          {"interventions", json::array()},
          {"parameter_overrides", json::object()},
          {"started_at", "2026-01-02T03:04:05Z"},
          {"finished_at", "2026-01-02T03:05:05Z"},
          {"wall_seconds", 60.5}};
}

/// Each arm's own outcomes (cost, spend, activity, deaths, life expectancy, prevalence).
void add_arm_outcomes(json& doc, int arm, double cost) {
  auto& s = doc["summary"];
  for (std::size_t p = 0; p < kPeriods.size(); ++p) {
    const double c = p + 1 == kPeriods.size() ? 2.5 * cost : (p == 0 ? cost : 1.5 * cost);
    s.push_back(summary_row(arm, kPeriods[p], "all", "cost_gbp", c, c + 0.5, c - 1000.25, c + 1000.25));
    s.push_back(summary_row(arm, kPeriods[p], "payer=nhs_acute", "cost_gbp", c / 2, c / 2, c / 2 - 10, c / 2 + 10));
    s.push_back(
        summary_row(arm, kPeriods[p], "funder=council", "intervention_spend_gbp", arm * 1000.0, arm * 1000.0, 0, arm * 2000.0));
    s.push_back(summary_row(arm, kPeriods[p], "all", "emergency_admissions", 5000.5 + arm, 5000, 4900, 5100));
    s.push_back(summary_row(arm, kPeriods[p], "all", "deaths", 800.25 - arm, 800, 790, 810));
    s.push_back(
        summary_row(arm, kPeriods[p], "sex=persons", "life_expectancy_birth_years", 80.125 + arm * 0.0625, 80.1, 79.9, 80.3));
    s.push_back(summary_row(arm, kPeriods[p], "condition=diabetes", "prevalence_percent", 7.25, 7.2, 7.1, 7.4));
  }
  doc["replicates"].push_back({{"run_id", 11 + arm},
                               {"arm", arm},
                               {"outcome", "cost_gbp"},
                               {"breakdown", "all"},
                               {"period", "horizon"},
                               {"replicates", {0, 1, 2}},
                               {"values", {2.5 * cost - 1000.25, 2.5 * cost, 2.5 * cost + 1000.25}}});
}

json base_document(int comparison_id) {
  json doc;
  doc["comparison_id"] = comparison_id;
  doc["created_at"] = "2026-01-02T03:06:00Z";
  doc["common_random_numbers"] = true;
  doc["periods"] = kPeriods;
  doc["provenance"] = {{"program_version", "0.1.0+test"},
                       {"data_version", "lsc-2018@abc123"},
                       {"parameters_version", "params-77"},
                       {"seed", 4242},
                       {"replicates", 3},
                       {"scale", 0.1},
                       {"threads", 2},
                       {"start_year", 2018},
                       {"years", 1}};
  doc["dictionary"] = dictionary();
  doc["summary"] = json::array();
  doc["replicates"] = json::array();
  doc["assumptions"] = json::array({{{"name", "general.price_base_year"},
                                     {"value", 2018},
                                     {"unit", "financial year starting"},
                                     {"uncertainty", nullptr},
                                     {"source", "Assumption: 2018/19 prices"},
                                     {"derived", false}},
                                    {{"name", "intervention.falls_prevention.unit_cost_gbp"},
                                     {"value", 187.5},
                                     {"unit", "GBP per participant"},
                                     {"uncertainty", "gamma(shape=16, scale=12.5)"},
                                     {"source", "PSSRU unit costs"},
                                     {"derived", false}}});
  return doc;
}

/// A baseline and one scenario (whose name starts with '='), three replicates.
json comparison_document() {
  json doc = base_document(7);
  doc["arms"] = json::array({arm_json(0, "baseline", "baseline", "Today's services and trends."),
                             arm_json(1, "scenario", kScenario, "Falls prevention <b>&</b> \"warm homes\"")});
  doc["arms"][1]["interventions"] =
      json::array({{{"name", "falls_prevention"},
                    {"type", "falls_prevention"},
                    {"shifts", {1, 6}},
                    {"reach", "person"},
                    {"start_month", "2019-04"},
                    {"end_month", "2020-03"},
                    {"unit_cost_gbp", 200.0},
                    {"unit_cost_basis", "GBP per participant, base-year prices"},
                    {"max_uptake", 0.3},
                    {"ramp_up_months", 6},
                    {"effect_half_life_months", 12.0},
                    {"effects", {{"falls_admission_rr", {{"distribution", "lognormal(mean=0.8, sd=0.072)"}, {"mean", 0.8}}}}},
                    {"budget_gbp_by_financial_year", {{"2019", {{"council", 500000.0}}}}},
                    {"budget_gbp_total", 500000.0},
                    {"budget_by_funder_gbp", {{"council", 500000.0}}}}});
  doc["arms"][1]["parameter_overrides"] = {{"system.social_care.capacity_multiplier", 0.8}};
  add_arm_outcomes(doc, 0, 1000000.0);
  add_arm_outcomes(doc, 1, 990000.0);
  auto& s = doc["summary"];
  for (const auto& p : kPeriods) {
    s.push_back(summary_row(1, p, "public", "gross_savings_gbp", 30000.5, 30000, 10000, 50000));
    s.push_back(summary_row(1, p, "payer=nhs_acute", "gross_savings_gbp", 20000.5, 20000, 5000, 40000));
    s.push_back(summary_row(1, p, "public", "cashable_savings_gbp", 7000.25, 7000, 1000, 9000));
    s.push_back(summary_row(1, p, "all", "intervention_cost_gbp", 500000.75, 500000, 490000, 510000));
    s.push_back(summary_row(1, p, "funder=council", "intervention_cost_gbp", 500000.75, 500000, 490000, 510000));
    s.push_back(summary_row(1, p, "all", "net_benefit_gbp", -470000.25, -470000, -480000, -460000));
    if (p != "horizon")
      s.push_back(summary_row(1, p, "all", "cumulative_discounted_net_benefit_gbp", -12345.75, -12000, -20000.5, -5000.5));
  }
  s.push_back(summary_row(1, "horizon", "all", "npv_gbp", -1234567.25, -1200000.5, -2500000.75, 250000.125));
  s.push_back(summary_row(1, "horizon", "all", "roi_gross", 0.8125, 0.75, 0.5, 1.25));
  s.push_back(summary_row(1, "horizon", "all", "roi_gross_above_1", 1.0 / 3.0, 0, 0, 1));
  s.push_back(summary_row(1, "horizon", "all", "break_even_year", nullptr, 2020, 2019.1, nullptr));
  s.push_back(summary_row(1, "horizon", "all", "break_even_within_horizon", 2.0 / 3.0, 1, 0, 1));
  s.push_back(summary_row(1, "horizon", "all", "deaths_averted", 3.5, 3, -1, 8));
  s.push_back(summary_row(1, "horizon", "all", "cost_per_qaly_gbp", 45678.5, 45678.5, 40000, 50000, 2));
  s.push_back(summary_row(1, "horizon", "investor=council;saver=nhs_acute", "who_pays_who_saves_gbp", 1234.5, 1200, 1000, 1500));
  s.push_back(
      summary_row(1, "horizon", "investor=council;saver=council_asc", "who_pays_who_saves_gbp", 4321.5, 4300, 4000, 4600));
  s.push_back(summary_row(1, "horizon", "organisation=council", "net_position_gbp", -494444.25, -494000, -500000, -480000));
  doc["replicates"].push_back({{"run_id", 12},
                               {"arm", 1},
                               {"outcome", "npv_gbp"},
                               {"breakdown", "all"},
                               {"period", "horizon"},
                               {"replicates", {0, 1, 2}},
                               {"values", {-1000000.5, -1200000.5, -1503701.75}}});
  doc["replicates"].push_back({{"run_id", 12},
                               {"arm", 1},
                               {"outcome", "break_even_year"},
                               {"breakdown", "all"},
                               {"period", "horizon"},
                               {"replicates", {0, 1}},
                               {"values", {2019, 2020}}});
  return doc;
}

/// One arm run on its own (role "single"): arm outcomes only.
json single_document() {
  json doc = base_document(8);
  doc["arms"] = json::array({arm_json(0, "single", "baseline", "Today's services and trends.")});
  add_arm_outcomes(doc, 0, 1000000.0);
  return doc;
}

bool valid_sheet_name(const std::string& name) {
  return !name.empty() && name.size() <= 31 && name.find_first_of("[]:*?/\\") == std::string::npos;
}

}  // namespace

TEST_CASE("workbook: a comparison's workbook has the sheets with the summary figures as numbers and the strings as text") {
  TempDir dir;
  const fs::path file = dir.path / "comparison.xlsx";
  const json doc = comparison_document();
  write_workbook(doc, file);
  REQUIRE(fs::exists(file));
  CHECK_FALSE(fs::exists(dir.path / "comparison.xlsx.tmp.xlsx"));
  CHECK(run_command("unzip -tq '" + file.string() + "' 2>&1").find("No errors detected") != std::string::npos);

  const Xlsx book(file);
  const std::vector<std::string> expected{
      "Summary",         "Cash flow",     "Sensitivity",        "Detail by scenario", "Who pays who saves", "Savings by payer",
      "Cost by payer",   "Investment",    "Value for money",    "Activity",           "Health and the gap", "Prevalence",
      "Per replicate",   "Assumptions",   "Provenance",         "Dictionary"};
  CHECK(book.names == expected);
  for (const auto& name : book.names) CHECK_MESSAGE(valid_sheet_name(name), name);

  // The scenario's name is a string in the shared strings. Formulas are the finance model's
  // alone (Cash flow, Sensitivity and the Summary's rows that follow them), and no text from the
  // document is ever inside one.
  CHECK(std::find(book.shared.begin(), book.shared.end(), kScenario) != book.shared.end());
  CHECK(std::find(book.shared.begin(), book.shared.end(), "Falls prevention <b>&</b> \"warm homes\"") != book.shared.end());
  const std::set<std::string> with_formulas{"Summary", "Cash flow", "Sensitivity"};
  for (const auto& name : book.names) {
    const std::string x = book.xml(name);
    CHECK_MESSAGE((x.find("<f>") != std::string::npos) == (with_formulas.count(name) == 1), name);
    const std::regex formula("<f>([^<]*)</f>");
    for (std::sregex_iterator it(x.begin(), x.end(), formula), end; it != end; ++it)
      CHECK_MESSAGE((*it)[1].str().find("warm homes") == std::string::npos, name);
  }

  SUBCASE("Summary: the comparison, and the scenarios side by side with the Cash flow sheet's formulas") {
    const auto cells = book.cells("Summary");
    CHECK(book.xml("Summary").find("state=\"frozen\"") != std::string::npos);
    const int npv = row_of(cells, "A", "Net present value (NPV)");
    REQUIRE(npv > 0);
    CHECK(number_at(cells, "B" + std::to_string(npv)) == -1234567.25);
    // Three replicates: no 90% interval.
    CHECK(text_at(cells, "C" + std::to_string(npv)) == "too few replicates");
    const int at_inputs = row_of(cells, "A", "NPV at the Cash flow sheet's inputs (formula)");
    REQUIRE(at_inputs > 0);
    CHECK(book.xml("Summary").find("<f>'Cash flow'!$B$") != std::string::npos);
    const int be = row_of(cells, "A", "Break-even year (median, 5th and 95th percentiles)");
    REQUIRE(be > 0);
    CHECK(text_at(cells, "B" + std::to_string(be)) == "FY2020/21");
    CHECK(text_at(cells, "D" + std::to_string(be)) == "not within the horizon");
    const int reps = row_of(cells, "A", "Replicates");
    REQUIRE(reps > 0);
    CHECK(number_at(cells, "B" + std::to_string(reps)) == 3);
    const int interval = row_of(cells, "A", "90% interval");
    REQUIRE(interval > 0);
    CHECK(text_at(cells, "B" + std::to_string(interval)) == "5th–95th percentile over replicates, common random numbers");
    CHECK(row_of(cells, "B", kScenario + " (run 12)") > 0);
  }

  SUBCASE("Detail by scenario: each measure's mean, median and 90% interval as numbers with number formats") {
    const auto cells = book.cells("Detail by scenario");
    const int npv = row_of(cells, "A", "Net present value");
    REQUIRE(npv > 0);
    CHECK(number_at(cells, "B" + std::to_string(npv)) == -1234567.25);
    CHECK(number_at(cells, "C" + std::to_string(npv)) == -1200000.5);
    // Three replicates: no 90% interval (20 are needed); the cells and the note say so.
    CHECK(text_at(cells, "D" + std::to_string(npv)) == "too few replicates");
    CHECK(text_at(cells, "E" + std::to_string(npv)) == "too few replicates");
    CHECK(text_at(cells, "H" + std::to_string(npv)).find("3 replicates: no 90% interval below 20") != std::string::npos);
    CHECK(book.style_format.at(static_cast<std::size_t>(cells.at("B" + std::to_string(npv)).style)) == "£#,##0");
    CHECK(text_at(cells, "F" + std::to_string(npv)) == "GBP, present value in the price-base year");

    const int savings = row_of(cells, "A", "Gross savings, public (undiscounted)");
    REQUIRE(savings > 0);
    CHECK(number_at(cells, "B" + std::to_string(savings)) == 30000.5);
    const int cost = row_of(cells, "A", "Intervention cost (undiscounted)");
    REQUIRE(cost > 0);
    CHECK(number_at(cells, "B" + std::to_string(cost)) == 500000.75);

    const int roi = row_of(cells, "A", "ROI gross (GBP back per GBP 1)");
    REQUIRE(roi > 0);
    CHECK(number_at(cells, "B" + std::to_string(roi)) == 0.8125);
    CHECK(book.style_format.at(static_cast<std::size_t>(cells.at("B" + std::to_string(roi)).style)) == "0.00");
    const int p_roi = row_of(cells, "A", "P(ROI gross > 1)");
    REQUIRE(p_roi > 0);
    CHECK(number_at(cells, "B" + std::to_string(p_roi)) == doctest::Approx(1.0 / 3.0));
    CHECK(book.style_format.at(static_cast<std::size_t>(cells.at("B" + std::to_string(p_roi)).style)) == "0%");

    // Break-even: quantiles as financial years, a null one as "not within the horizon".
    const int be = row_of(cells, "A", "Break-even year");
    REQUIRE(be > 0);
    CHECK(text_at(cells, "C" + std::to_string(be)) == "FY2020/21");
    CHECK(text_at(cells, "D" + std::to_string(be)) == "FY2020/21");  // 2019.1: by 2020/21
    CHECK(text_at(cells, "E" + std::to_string(be)) == "not within the horizon");
    const int share = row_of(cells, "A", "Share breaking even within the horizon");
    REQUIRE(share > 0);
    CHECK(number_at(cells, "B" + std::to_string(share)) == doctest::Approx(2.0 / 3.0));
    // No break-even rows at all for the cashable figure, and no share row either: not available.
    const int be_cash = row_of(cells, "A", "Break-even year, cashable");
    REQUIRE(be_cash > 0);
    CHECK(text_at(cells, "B" + std::to_string(be_cash)) == "n/a");

    // Cost per QALY from 2 of 3 replicates says so.
    const int cpq = row_of(cells, "A", "Cost per QALY, per replicate");
    REQUIRE(cpq > 0);
    CHECK(number_at(cells, "B" + std::to_string(cpq)) == 45678.5);
    CHECK(text_at(cells, "H" + std::to_string(cpq)).find("only 2 of 3 replicates") != std::string::npos);

    // Each arm's own figures: the baseline's cost over the horizon.
    const int own = row_of(cells, "A", "baseline (run 11), baseline");
    REQUIRE(own > 0);
    CHECK(text_at(cells, "A" + std::to_string(own + 2)) == "Cost of services, all payers");
    CHECK(number_at(cells, "B" + std::to_string(own + 2)) == 2500000.0);
  }

  SUBCASE("tidy sheets: one row per summary row, numbers with the unit's format") {
    const auto cells = book.cells("Savings by payer");
    CHECK(text_at(cells, "A1") == "scenario");
    CHECK(text_at(cells, "K1") == "n");
    int found = 0;
    for (int r = 2; cells.count("A" + std::to_string(r)); ++r) {
      CHECK(text_at(cells, "A" + std::to_string(r)) == kScenario);
      if (text_at(cells, "D" + std::to_string(r)) == "nhs_acute" && text_at(cells, "B" + std::to_string(r)) == "FY2019/20") {
        CHECK(text_at(cells, "C" + std::to_string(r)) == "payer");
        CHECK(text_at(cells, "E" + std::to_string(r)) == "gross_savings_gbp");
        CHECK(number_at(cells, "F" + std::to_string(r)) == 20000.5);
        CHECK(number_at(cells, "H" + std::to_string(r)) == 5000);
        CHECK(number_at(cells, "K" + std::to_string(r)) == 3);
        ++found;
      }
    }
    CHECK(found == 1);
    // 2 breakdowns x 3 periods of gross savings and 3 of cashable savings.
    CHECK(cells.count("A10"));
    CHECK_FALSE(cells.count("A11"));

    const auto cost = book.cells("Cost by payer");
    int baseline_rows = 0, scenario_rows = 0;
    for (int r = 2; cost.count("A" + std::to_string(r)); ++r)
      (text_at(cost, "A" + std::to_string(r)) == "baseline" ? baseline_rows : scenario_rows)++;
    CHECK(baseline_rows == 6);
    CHECK(scenario_rows == 6);

    const auto health = book.cells("Health and the gap");
    const int le = row_of(health, "D", "persons");
    REQUIRE(le > 0);
    CHECK(text_at(health, "C" + std::to_string(le)) == "sex");
    CHECK(number_at(health, "F" + std::to_string(le)) == 80.125);
    CHECK(book.style_format.at(static_cast<std::size_t>(health.at("F" + std::to_string(le)).style)) == "0.00");

    const auto value = book.cells("Value for money");
    const int be = row_of(value, "E", "break_even_year");
    REQUIRE(be > 0);
    CHECK(text_at(value, "F" + std::to_string(be)) == "not within the horizon");
    CHECK(number_at(value, "G" + std::to_string(be)) == 2020);
  }

  SUBCASE("who pays who saves: investor rows x saver columns of means, with totals") {
    const auto cells = book.cells("Who pays who saves");
    const int council = row_of(cells, "A", "Council");
    REQUIRE(council > 0);
    const int header = council - 1;
    const std::string acute = column_of(cells, header, "NHS acute"), asc = column_of(cells, header, "Council adult social care");
    const std::string total = column_of(cells, header, "Total saved");
    REQUIRE_FALSE(acute.empty());
    REQUIRE_FALSE(asc.empty());
    REQUIRE_FALSE(total.empty());
    CHECK(number_at(cells, acute + std::to_string(council)) == 1234.5);
    CHECK(number_at(cells, asc + std::to_string(council)) == 4321.5);
    CHECK(number_at(cells, total + std::to_string(council)) == 5556.0);
    const int position =
        row_of(cells, "A", "Net position: each organisation's discounted savings minus its own discounted investment");
    REQUIRE(position > 0);
    CHECK(text_at(cells, "A" + std::to_string(position + 2)) == "Council");
    CHECK(number_at(cells, "B" + std::to_string(position + 2)) == -494444.25);
  }

  SUBCASE("cash flow: inputs, flows by year and funder, and NPV, ROI and break-even as formulas beside the model's") {
    const auto cells = book.cells("Cash flow");
    const std::string x = book.xml("Cash flow");
    // The inputs, styled as inputs: the discount rate and the investment lines.
    const int rate = row_of(cells, "A", "Discount rate for costs, a year");
    REQUIRE(rate > 0);
    CHECK(number_at(cells, "B" + std::to_string(rate)) == 0.035);
    CHECK(book.style_format.at(static_cast<std::size_t>(cells.at("B" + std::to_string(rate)).style)) == "0.0%");
    CHECK(x.find("<dataValidation") != std::string::npos);
    // The years: FY2018/19 (Jul-Mar) is column C, 9 months; FY2019/20 column D.
    const int header = row_of(cells, "A", "GBP, price base year's prices");
    REQUIRE(header > 0);
    CHECK(text_at(cells, "C" + std::to_string(header)) == "FY2018/19 (Jul-Mar)");
    CHECK(text_at(cells, "D" + std::to_string(header)) == "FY2019/20");
    CHECK(number_at(cells, "C" + std::to_string(row_of(cells, "A", "Months of the year in the run"))) == 9);
    const int df = row_of(cells, "A", "Discount factor");
    REQUIRE(df > 0);
    CHECK(number_at(cells, "D" + std::to_string(df)) == doctest::Approx(1 / 1.035));
    CHECK(x.find("<f>1/(1+$B$" + std::to_string(rate) + ")^(D" + std::to_string(df - 2) + "-$B$") != std::string::npos);
    const int council = row_of(cells, "A", "  Council");
    REQUIRE(council > 0);
    CHECK(number_at(cells, "D" + std::to_string(council)) == 500000.75);
    const int acute = row_of(cells, "A", "  NHS acute");
    REQUIRE(acute > 0);
    CHECK(number_at(cells, "D" + std::to_string(acute)) == 20000.5);
    // An investment line is an input (its own style: a fill); a saving, the model's, is not.
    const auto& council_cell = cells.at("D" + std::to_string(council));
    const auto& acute_cell = cells.at("D" + std::to_string(acute));
    CHECK(book.style_format.at(static_cast<std::size_t>(council_cell.style)) == "£#,##0");
    CHECK(book.style_format.at(static_cast<std::size_t>(acute_cell.style)) == "£#,##0");
    CHECK(council_cell.style != acute_cell.style);
    // NPV: the formula's stored value is the sum of the discounted net flows; the model's beside it.
    const int npv = row_of(cells, "A", "Net present value (NPV)");
    REQUIRE(npv > 0);
    const double net = 20000.5 - 500000.75;
    CHECK(number_at(cells, "B" + std::to_string(npv)) == doctest::Approx(net * (1 + 1 / 1.035)).epsilon(1e-12));
    CHECK(number_at(cells, "C" + std::to_string(npv)) == -1234567.25);
    CHECK(x.find("<c r=\"B" + std::to_string(npv) + "\"") != std::string::npos);
    const int roi = row_of(cells, "A", "Return on investment: public gross savings per GBP 1 invested (present values)");
    REQUIRE(roi > 0);
    CHECK(number_at(cells, "B" + std::to_string(roi)) == doctest::Approx(20000.5 / 500000.75).epsilon(1e-12));
    CHECK(number_at(cells, "C" + std::to_string(roi)) == 0.8125);
    const int be = row_of(cells, "A", "Break-even year (the mean cash flows above)");
    REQUIRE(be > 0);
    CHECK(text_at(cells, "C" + std::to_string(be)) == "median FY2020/21");
    // Two charts: the flows by year and the cumulative present value. Their titles carry the
    // scenario's name as text: a name beginning with '=' must not become a cell reference.
    CHECK(x.find("<drawing") != std::string::npos);
    const std::string chart = unzip(file, "xl/charts/chart1.xml");
    CHECK(chart.find("Investment and savings by year") != std::string::npos);
    CHECK(chart.find("SUM(A1:A9)") != std::string::npos);
    CHECK(chart.find("<c:f>SUM(A1:A9)") == std::string::npos);
    CHECK(chart.find("<c:f>=SUM") == std::string::npos);
  }

  SUBCASE("sensitivity: optimism bias and discount rate as formulas over the Cash flow sheet") {
    const auto cells = book.cells("Sensitivity");
    const std::string x = book.xml("Sensitivity");
    CHECK(x.find("SUMPRODUCT('Cash flow'!") != std::string::npos);
    const int grid = row_of(cells, "A", "Uplift on investment \\ reduction of savings");
    REQUIRE(grid > 0);
    const double pv_sav = 20000.5 * (1 + 1 / 1.035), pv_inv = 500000.75 * (1 + 1 / 1.035);
    CHECK(number_at(cells, "B" + std::to_string(grid + 1)) == doctest::Approx(pv_sav - pv_inv).epsilon(1e-12));
    // 40% uplift (row 4 of the grid) with a 20% reduction (column D).
    CHECK(number_at(cells, "D" + std::to_string(grid + 4)) == doctest::Approx(0.8 * pv_sav - 1.4 * pv_inv).epsilon(1e-12));
    CHECK(row_of(cells, "A", "No parameter explains a significant share of the NPV's variance in this comparison (too few "
                             "replicates, or no drawn parameters: a comparison with --replicates 20 or more draws them).") > 0);
  }

  SUBCASE("per replicate: one row per replicate, a column per outcome") {
    const auto cells = book.cells("Per replicate");
    const std::string npv = column_of(cells, 3, "npv_gbp [all]");
    const std::string be = column_of(cells, 3, "break_even_year [all]");
    const std::string cost = column_of(cells, 3, "cost_gbp [all]");
    REQUIRE_FALSE(npv.empty());
    REQUIRE_FALSE(be.empty());
    REQUIRE_FALSE(cost.empty());
    CHECK(number_at(cells, "A5") == 0);
    CHECK(number_at(cells, "A7") == 2);
    CHECK(number_at(cells, npv + "5") == -1000000.5);
    CHECK(number_at(cells, npv + "7") == -1503701.75);
    CHECK(number_at(cells, be + "6") == 2020);
    CHECK(text_at(cells, be + "7") == "not within the horizon");
    CHECK(text_at(cells, cost + "1") == "baseline");  // the baseline's own cost comes first
    CHECK(number_at(cells, cost + "6") == 2500000.0);
  }

  SUBCASE("assumptions, provenance and dictionary") {
    const auto a = book.cells("Assumptions");
    const int scenario = row_of(a, "A", kScenario);
    REQUIRE(scenario > 0);
    CHECK(number_at(a, "E" + std::to_string(scenario)) == 0.035);
    CHECK(number_at(a, "G" + std::to_string(scenario)) == 0.5);
    CHECK(text_at(a, "I" + std::to_string(scenario)) == "care_home_weeks, home_care_hours");
    const int iv = row_of(a, "A", kScenario + ": falls_prevention");
    REQUIRE(iv > 0);
    CHECK(number_at(a, "G" + std::to_string(iv)) == 200.0);
    CHECK(number_at(a, "L" + std::to_string(iv)) == 500000.0);
    CHECK(text_at(a, "N" + std::to_string(iv)).find("falls_admission_rr: lognormal(mean=0.8, sd=0.072)") != std::string::npos);
    const int override_row = row_of(a, "A", "system.social_care.capacity_multiplier");
    REQUIRE(override_row > 0);
    CHECK(number_at(a, "B" + std::to_string(override_row)) == 0.8);
    const int parameter = row_of(a, "A", "intervention.falls_prevention.unit_cost_gbp");
    REQUIRE(parameter > 0);
    CHECK(number_at(a, "B" + std::to_string(parameter)) == 187.5);
    CHECK(text_at(a, "D" + std::to_string(parameter)) == "gamma(shape=16, scale=12.5)");
    CHECK(text_at(a, "F" + std::to_string(parameter)) == "PSSRU unit costs");

    const auto p = book.cells("Provenance");
    CHECK(number_at(p, "B" + std::to_string(row_of(p, "A", "Comparison id"))) == 7);
    CHECK(text_at(p, "B" + std::to_string(row_of(p, "A", "Run ids"))) == "11, 12");
    CHECK(number_at(p, "B" + std::to_string(row_of(p, "A", "Seed"))) == 4242);
    CHECK(number_at(p, "B" + std::to_string(row_of(p, "A", "Scale (share of residents simulated)"))) == 0.1);
    CHECK(text_at(p, "B" + std::to_string(row_of(p, "A", "Data version"))) == "lsc-2018@abc123");
    CHECK(text_at(p, "B" + std::to_string(row_of(p, "A", "Parameters version"))) == "params-77");
    CHECK(text_at(p, "B" + std::to_string(row_of(p, "A", "Program version"))) == "0.1.0+test");
    CHECK(text_at(p, "B" + std::to_string(row_of(p, "A", "Created at"))) == "2026-01-02T03:06:00Z");
    CHECK(text_at(p, "B" + std::to_string(row_of(p, "A", "Common random numbers"))) == "yes");

    const auto d = book.cells("Dictionary");
    const int npv = row_of(d, "A", "npv_gbp");
    REQUIRE(npv > 0);
    CHECK(text_at(d, "B" + std::to_string(npv)) == "GBP, present value in the price-base year");
    CHECK(text_at(d, "E" + std::to_string(npv)) == "Net present value over the horizon.");
  }
}

TEST_CASE("workbook: an optimism bias of 100% on benefits leaves zero savings, said so, and a consistent NPV") {
  TempDir dir;
  const fs::path file = dir.path / "bias.xlsx";
  json doc = comparison_document();
  doc["arms"][1]["finance"]["optimism_bias"] = {{"costs", 0.0}, {"benefits", 1.0}};
  write_workbook(doc, file);
  const Xlsx book(file);
  const auto cells = book.cells("Cash flow");
  const int acute = row_of(cells, "A", "  NHS acute");
  REQUIRE(acute > 0);
  CHECK(number_at(cells, "D" + std::to_string(acute)) == 0.0);
  CHECK(text_at(cells, "E" + std::to_string(acute)).find("optimism bias of 100%") != std::string::npos);
  // The NPV formula's stored value is then minus the investment's present value.
  const int npv = row_of(cells, "A", "Net present value (NPV)");
  REQUIRE(npv > 0);
  CHECK(number_at(cells, "B" + std::to_string(npv)) == doctest::Approx(-500000.75 * (1 + 1 / 1.035)).epsilon(1e-12));
}

TEST_CASE("workbook: a single run's workbook has its own figures and no difference sheets") {
  TempDir dir;
  const fs::path file = dir.path / "single.xlsx";
  write_workbook(single_document(), file);
  const Xlsx book(file);
  const std::vector<std::string> expected{"Summary",       "Detail",      "Cost by payer", "Investment", "Activity",  "Health and the gap",
                                          "Prevalence",    "Per replicate", "Assumptions", "Provenance", "Dictionary"};
  CHECK(book.names == expected);
  for (const auto& name : book.names) CHECK_MESSAGE(book.xml(name).find("<f>") == std::string::npos, name);
  const auto summary = book.cells("Summary");
  CHECK(text_at(summary, "B" + std::to_string(row_of(summary, "A", "Run"))).find("a single run") != std::string::npos);
  const auto cells = book.cells("Detail");
  CHECK(row_of(cells, "A", "Net present value") == 0);
  const int cost = row_of(cells, "A", "Cost of services, all payers");
  REQUIRE(cost > 0);
  CHECK(number_at(cells, "B" + std::to_string(cost)) == 2500000.0);
  CHECK(text_at(cells, "D" + std::to_string(cost)) == "too few replicates");
  const int deaths = row_of(cells, "A", "Deaths");
  REQUIRE(deaths > 0);
  CHECK(number_at(cells, "B" + std::to_string(deaths)) == 800.25);
}

TEST_CASE("workbook: a failure throws StoreError and leaves no file behind") {
  TempDir dir;
  SUBCASE("a folder that does not exist") {
    const fs::path file = dir.path / "missing" / "out.xlsx";
    CHECK_THROWS_AS(write_workbook(comparison_document(), file), StoreError);
    CHECK_FALSE(fs::exists(file));
    CHECK_FALSE(fs::exists(dir.path / "missing"));
    CHECK(fs::is_empty(dir.path));
  }
  SUBCASE("the target is a folder that cannot be replaced") {
    const fs::path file = dir.path / "taken.xlsx";
    fs::create_directories(file / "inside");
    try {
      write_workbook(comparison_document(), file);
      FAIL("no exception");
    } catch (const StoreError& e) {
      CHECK(std::string(e.what()).find(file.string()) != std::string::npos);
    }
    CHECK(fs::is_directory(file / "inside"));
    CHECK_FALSE(fs::exists(dir.path / "taken.xlsx.tmp.xlsx"));
  }
  SUBCASE("a document with no arms") {
    const fs::path file = dir.path / "empty.xlsx";
    json doc = comparison_document();
    doc["arms"] = json::array();
    CHECK_THROWS_AS(write_workbook(doc, file), StoreError);
    CHECK_FALSE(fs::exists(file));
    CHECK_FALSE(fs::exists(dir.path / "empty.xlsx.tmp.xlsx"));
    CHECK(fs::is_empty(dir.path));
  }
}

TEST_CASE("workbook: writing again replaces the file and writes control characters and very long texts safely") {
  TempDir dir;
  const fs::path file = dir.path / "again.xlsx";
  {
    std::ofstream old(file);
    old << "not a workbook";
  }
  json doc = comparison_document();
  doc["arms"][1]["description"] = "bell\x07 here " + std::string(40000, 'x');
  write_workbook(doc, file);
  CHECK_FALSE(fs::exists(dir.path / "again.xlsx.tmp.xlsx"));
  const Xlsx book(file);
  REQUIRE(book.names.size() == 16);
  const auto a = book.cells("Assumptions");
  const std::string description = text_at(a, "N" + std::to_string(row_of(a, "A", kScenario)));
  CHECK(description.rfind("bell  here xxx", 0) == 0);
  CHECK(description.size() < 32767);
  CHECK(description.size() > 30000);
}
