// `shiftsim compare`, `metrics`, `export` and `report` as a user runs them: processes, files,
// exit codes and the results database.
#include "regression/stored_summaries.hpp"
#include "support/cli.hpp"
#include "support/fixtures.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

using namespace shiftsim;
using namespace shiftsim::test;

namespace {

std::string scenario(const std::string& name) { return std::string(SHIFTSIM_SOURCE_DIR) + "/scenarios/" + name; }

/// A small intervention: GBP 500k a year of stop-smoking services from October 2018.
std::filesystem::path write_small_intervention(const std::filesystem::path& dir) {
  const auto file = dir / "small.json";
  // Falls prevention: it acts on admissions from the month people join. (A small smoking
  // programme, used before issue 14, changes nothing a 2-year run at scale 0.02 can see now
  // that quitting lowers risks gradually: its few quitters' hazards barely move in 2 years.)
  std::ofstream(file) << R"({"name": "small_falls", "extends": ")" << scenario("baseline.json") << R"(",
  "interventions": [{"name": "falls", "type": "falls_prevention", "shift": [1], "start": "2018-10",
                     "budget": 500000, "payer": "council"}]})";
  return file;
}

/// Standard deviation over replicates of the scenario-minus-baseline total cost.
double sd_of_difference(const std::filesystem::path& db) {
  const double mean = query(db, "SELECT AVG(value) FROM outcomes WHERE outcome = 'gross_savings_gbp' AND breakdown = 'all' AND period = 'horizon'");
  const double sq = query(db, "SELECT AVG(value * value) FROM outcomes WHERE outcome = 'gross_savings_gbp' AND breakdown = 'all' AND period = 'horizon'");
  const double n = query(db, "SELECT COUNT(*) FROM outcomes WHERE outcome = 'gross_savings_gbp' AND breakdown = 'all' AND period = 'horizon'");
  REQUIRE(n >= 2);
  return std::sqrt(std::max(0.0, sq - mean * mean) * n / (n - 1));
}

/// One part of a zip file (a workbook's XML), read with unzip.
std::string unzip_part(const std::filesystem::path& dir, const std::string& file, const std::string& part) {
  const std::string cmd = "cd '" + dir.string() + "' && unzip -p " + file + " " + part;
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  CHECK(pclose(p) == 0);
  return out;
}

std::vector<std::vector<std::string>> read_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') quoted = true;
    else if (c == ',') row.push_back(field), field.clear();
    else if (c == '\n') row.push_back(field), field.clear(), rows.push_back(row), row.clear();
    else field += c;
  }
  return rows;
}

}  // namespace

TEST_CASE("cli: compare runs every arm with common random numbers, stores one comparison, and is the same at any thread count") {
  test::TempDir dir;
  const std::string args = "compare '" + scenario("baseline.json") + "' '" + scenario("prevention_invest_to_save.json") +
                           "' --scale 0.01 --replicates 3 --years 2 --json";
  const auto r1 = run_cli(args + " --threads 1 --db one.db", dir.path());
  INFO(read(dir.path() / "stderr.txt"));
  REQUIRE(r1.code == 0);
  const auto j = nlohmann::json::parse(r1.out);
  CHECK(j["run_ids"].size() == 2);
  CHECK(j["common_random_numbers"] == true);
  CHECK(j["arms"][0]["role"] == "baseline");
  CHECK(j["arms"][1]["scenario"] == "prevention_invest_to_save");
  CHECK(j["arms"][1]["interventions"].size() >= 5);
  const auto db = dir.path() / "one.db";
  CHECK(query(db, "SELECT COUNT(*) FROM runs WHERE status = 'completed'") == 2);
  CHECK(query(db, "SELECT COUNT(*) FROM comparisons") == 1);
  CHECK(query(db, "SELECT COUNT(*) FROM comparison_arms") == 2);
  // Each of the 3 replicates of both arms has its outcomes; differences exist only for the scenario.
  CHECK(query(db, "SELECT COUNT(DISTINCT replicate) FROM outcomes WHERE outcome = 'npv_gbp'") == 3);
  CHECK(query(db, "SELECT COUNT(*) FROM outcomes WHERE outcome = 'npv_gbp' AND run_id = 1") == 0);
  CHECK(query(db, "SELECT COUNT(*) FROM outcome_summary WHERE outcome = 'roi_gross' AND run_id = 2") == 1);
  CHECK(query(db, "SELECT COUNT(*) FROM outcome_summary WHERE outcome = 'life_expectancy_birth_years'") > 0);
  // Common random numbers: replicate k of both arms drew the same parameter values.
  CHECK(query(db, "SELECT COUNT(*) FROM parameters a JOIN parameters b ON a.name = b.name AND a.replicate = b.replicate "
                  "WHERE a.run_id = 1 AND b.run_id = 2 AND a.value <> b.value AND a.derived = 0") == 0);
  // ... and those draws differ between replicates (probabilistic sensitivity analysis).
  CHECK(query(db, "SELECT COUNT(*) FROM (SELECT name FROM parameters WHERE run_id = 1 AND replicate >= 0 AND derived = 0 AND uncertainty IS NOT NULL "
                  "GROUP BY name HAVING COUNT(DISTINCT value) = 3)") > 50);
  // The same comparison on two threads stores the same numbers.
  REQUIRE(run_cli(args + " --threads 2 --db two.db", dir.path()).code == 0);
  const auto db2 = dir.path() / "two.db";
  // Every stored number, row by row (replicates are committed in the order they finish, so
  // the rows' order, and an SQL sum over them, may differ; the rows may not).
  const auto one = regression::read_back(db), two = regression::read_back(db2);
  for (const char* f : regression::kFiles) {
    INFO(f);
    CHECK(one.at(f).size() > 10);
    CHECK(one.at(f) == two.at(f));
  }
}

TEST_CASE("cli: common random numbers cut the spread of scenario - baseline cost to less than a third") {
  // The SD across replicates of (scenario - baseline) total cost, for a small intervention,
  // with common random numbers (same seeds and parameter draws in both arms) and without
  // (--independent-streams). The issue's criterion is a ratio below 1/3; seen: about 0.001
  // (GBP 0.057m against 65.6m, falls prevention at GBP 0.5m), because without CRN the arms' independent parameter draws and
  // event noise swamp an effect of well under 1% of cost. With 8 replicates the SD estimates
  // are within about 25% of their true values, far inside that margin.
  test::TempDir dir;
  const auto small = write_small_intervention(dir.path());
  const std::string args = "compare '" + scenario("baseline.json") + "' '" + small.string() + "' --scale 0.02 --replicates 8 --years 2 --json";
  REQUIRE(run_cli(args + " --db crn.db", dir.path()).code == 0);
  const auto r = run_cli(args + " --independent-streams --db independent.db", dir.path());
  INFO(read(dir.path() / "stderr.txt"));
  REQUIRE(r.code == 0);
  CHECK(nlohmann::json::parse(r.out)["common_random_numbers"] == false);
  const double with = sd_of_difference(dir.path() / "crn.db"), without = sd_of_difference(dir.path() / "independent.db");
  INFO("SD of the difference: " << with << " with CRN, " << without << " without");
  CHECK(with > 0);
  CHECK(with < without / 3);
}

TEST_CASE("cli: export round trip: the CSV holds every stored row and its totals equal the database, and JSON has the summaries") {
  test::TempDir dir;
  const auto compared = run_cli("compare '" + scenario("baseline.json") + "' '" + scenario("shift1_prevention.json") +
                                    "' --scale 0.01 --replicates 2 --years 2 --db r.db",
                                dir.path());
  REQUIRE(compared.code == 0);
  // Two replicates are noise, and the output says so: no 90% interval, the means' standard
  // errors, and how many replicates a usable ROI needs.
  CHECK(compared.out.find("WARNING: 2 replicates give no 90% interval") != std::string::npos);
  CHECK(compared.out.find("(s.e. ") != std::string::npos);
  CHECK(compared.out.find("replicates are needed (--replicates ") != std::string::npos);
  const auto db = dir.path() / "r.db";
  // The ROI's stored mean is the ratio of the means, with its standard error.
  const auto roi_of_means = query(db, "SELECT mean FROM outcome_summary WHERE outcome = 'roi_gross' AND period = 'horizon' AND run_id = 2");
  const auto savings = query(db, "SELECT mean FROM outcome_summary WHERE outcome = 'gross_savings_discounted_gbp' AND breakdown = 'public' AND period = 'horizon' AND run_id = 2");
  const auto cost = query(db, "SELECT mean FROM outcome_summary WHERE outcome = 'intervention_cost_discounted_gbp' AND breakdown = 'all' AND period = 'horizon' AND run_id = 2");
  CHECK(roi_of_means == doctest::Approx(savings / cost));
  CHECK(query(db, "SELECT COUNT(*) FROM outcome_summary WHERE outcome = 'roi_gross' AND mcse IS NOT NULL") >= 1);
  // Savings and spend by ICP add up to the region's (present values over the horizon).
  const auto by_icp = query(db, "SELECT SUM(mean) FROM outcome_summary WHERE outcome = 'gross_savings_discounted_gbp' AND period = 'horizon' "
                                "AND run_id = 2 AND breakdown LIKE 'icp=%' AND breakdown NOT LIKE '%;payer=%'");
  CHECK(by_icp == doctest::Approx(savings).epsilon(1e-9));
  const auto by_icp_payer = query(db, "SELECT SUM(mean) FROM outcome_summary WHERE outcome = 'gross_savings_discounted_gbp' AND period = 'horizon' "
                                      "AND run_id = 2 AND breakdown LIKE 'icp=%;payer=%' AND breakdown NOT LIKE '%payer=households'");
  CHECK(by_icp_payer == doctest::Approx(savings).epsilon(1e-9));
  const auto spend_by_icp = query(db, "SELECT SUM(mean) FROM outcome_summary WHERE outcome = 'intervention_cost_discounted_gbp' AND period = 'horizon' "
                                      "AND run_id = 2 AND breakdown LIKE 'icp=%'");
  CHECK(spend_by_icp == doctest::Approx(cost).epsilon(1e-9));
  CHECK(query(db, "SELECT COUNT(DISTINCT breakdown) FROM outcome_summary WHERE outcome = 'npv_gbp' AND breakdown LIKE 'icp=%'") == 5);
  REQUIRE(run_cli("export --run 2 --format csv --db r.db -o out.csv", dir.path()).code == 0);
  const auto rows = read_csv(read(dir.path() / "out.csv"));
  REQUIRE(rows.size() > 1);
  CHECK(rows[0] == std::vector<std::string>{"source", "comparison_id", "run_id", "scenario", "replicate", "period", "breakdown", "outcome", "unit", "value"});
  std::size_t outcomes = 0, metrics = 0;
  std::map<std::string, double> totals;
  bool all_ten = true;
  for (std::size_t k = 1; k < rows.size(); ++k) {
    all_ten = all_ten && rows[k].size() == 10;
    if (rows[k].size() != 10) continue;
    (rows[k][0] == "outcome" ? outcomes : metrics) += 1;
    totals[rows[k][0] + ":" + rows[k][7]] += std::stod(rows[k][9]);
  }
  CHECK(all_ten);
  CHECK(static_cast<double>(outcomes) == query(db, "SELECT COUNT(*) FROM outcomes"));
  CHECK(static_cast<double>(metrics) == query(db, "SELECT COUNT(*) FROM metrics"));
  for (const char* o : {"gross_savings_gbp", "cost_gbp", "qalys", "npv_gbp", "deaths_averted"}) {
    INFO(o);
    CHECK(totals[std::string("outcome:") + o] == doctest::Approx(query(db, std::string("SELECT TOTAL(value) FROM outcomes WHERE outcome = '") + o + "'")).epsilon(1e-12));
  }
  CHECK(totals["metric:cost_total_gbp"] == doctest::Approx(query(db, "SELECT TOTAL(value) FROM metrics WHERE metric = 'cost_total_gbp'")).epsilon(1e-12));
  // The summaries, and the JSON document.
  REQUIRE(run_cli("export --comparison 1 --format csv --summary --db r.db -o summary.csv", dir.path()).code == 0);
  const auto summary = read_csv(read(dir.path() / "summary.csv"));
  CHECK(static_cast<double>(summary.size() - 1) == query(db, "SELECT COUNT(*) FROM outcome_summary"));
  const auto j = run_cli("export --run 1 --format json --db r.db", dir.path());
  REQUIRE(j.code == 0);
  const auto doc = nlohmann::json::parse(j.out);
  CHECK(doc["comparison_id"] == 1);
  CHECK(static_cast<double>(doc["summary"].size()) == query(db, "SELECT COUNT(*) FROM outcome_summary"));
  CHECK(doc["provenance"]["seed"] == 20180701);
  CHECK(doc["assumptions"].size() > 100);
}

TEST_CASE("cli: compare and export refuse bad input with exit 2 and store nothing") {
  test::TempDir dir;
  const auto other_year = dir.path() / "later.json";
  std::ofstream(other_year) << R"({"name": "later", "start_year": 2019})";
  auto r = run_cli("compare '" + scenario("baseline.json") + "' '" + other_year.string() + "' --scale 0.01 --db r.db", dir.path());
  CHECK(r.code == 2);
  const std::string err = read(dir.path() / "stderr.txt");
  CHECK(err.find("later.json") != std::string::npos);
  CHECK(err.find("start_year") != std::string::npos);
  CHECK(try_query(dir.path() / "r.db", "SELECT COUNT(*) FROM runs") <= 0);
  // A run that fails after it started: every arm marked failed, no outcomes, no comparison.
  r = run_cli("compare '" + scenario("baseline.json") + "' '" + scenario("shift1_prevention.json") + "' --scale 0.01 --years 1 --db f.db",
              dir.path(), "SHIFTSIM_TEST_FAIL_AT_MONTH=3");
  CHECK(r.code == 1);
  CHECK(query(dir.path() / "f.db", "SELECT COUNT(*) FROM runs WHERE status = 'failed'") == 2);
  CHECK(query(dir.path() / "f.db", "SELECT COUNT(*) FROM outcomes") == 0);
  CHECK(query(dir.path() / "f.db", "SELECT COUNT(*) FROM comparisons") == 0);
  CHECK(query(dir.path() / "f.db", "SELECT COUNT(*) FROM metrics") == 0);
  // Export of a failed run, of no run, and in an unknown format.
  r = run_cli("export --run 1 --db f.db", dir.path());
  CHECK(r.code == 2);
  CHECK(read(dir.path() / "stderr.txt").find("failed") != std::string::npos);
  CHECK(run_cli("export --run 99 --db f.db", dir.path()).code == 2);
  CHECK(run_cli("export --comparison 99 --db f.db", dir.path()).code == 2);
  CHECK(run_cli("export --run 1 --format pdf --db f.db", dir.path()).code == 2);
  CHECK(run_cli("report --run 1 --db missing.db", dir.path()).code == 2);
  // A horizon beyond the model's 25 years is refused by the option that asked for it.
  for (const std::string& cmd : {"run '" + scenario("baseline.json") + "'",
                                "compare '" + scenario("baseline.json") + "' '" + scenario("shift1_prevention.json") + "'"}) {
    r = run_cli(cmd + " --years 26 --scale 0.01 --db y.db", dir.path());
    CHECK(r.code == 2);
    CHECK(read(dir.path() / "stderr.txt").find("--years") != std::string::npos);
  }
  CHECK(try_query(dir.path() / "y.db", "SELECT COUNT(*) FROM runs") <= 0);
}

TEST_CASE("cli: metrics prints every outcome with its unit and definition") {
  test::TempDir dir;
  const auto r = run_cli("metrics --format csv", dir.path());
  REQUIRE(r.code == 0);
  const auto rows = read_csv(r.out);
  std::map<std::string, std::vector<std::string>> by_name;
  for (const auto& row : rows) by_name[row[0]] = row;
  for (const char* o : {"gross_savings_gbp", "cashable_savings_gbp", "roi_gross", "npv_gbp", "break_even_year", "who_pays_who_saves_gbp",
                        "deaths_averted", "qalys_gained", "cost_per_qaly_gbp", "life_expectancy_birth_years", "le_gap_birth_years",
                        "sii_le_birth_years", "qalys_gained_per_100k", "cost_total_gbp"}) {
    INFO(o);
    REQUIRE(by_name.count(o) == 1);
    CHECK(!by_name[o][2].empty());
  }
  CHECK(by_name["roi_gross"][4].find("savings") != std::string::npos);
}

TEST_CASE("cli: the Excel export opens as a workbook whose Summary sheet holds the stored figures") {
  test::TempDir dir;
  REQUIRE(run_cli("compare '" + scenario("baseline.json") + "' '" + scenario("prevention_invest_to_save.json") +
                      "' --scale 0.01 --replicates 3 --years 2 --db r.db",
                  dir.path())
              .code == 0);
  const auto r = run_cli("export --run 2 --format xlsx --db r.db -o case.xlsx", dir.path());
  INFO(read(dir.path() / "stderr.txt"));
  REQUIRE(r.code == 0);
  CHECK(!std::filesystem::exists(dir.path() / "case.xlsx.tmp.xlsx"));
  // A valid zip with the workbook's parts.
  CHECK(std::system(("cd '" + dir.path().string() + "' && unzip -tq case.xlsx > /dev/null").c_str()) == 0);
  const auto unzip = [&](const std::string& part) { return unzip_part(dir.path(), "case.xlsx", part); };
  const std::string workbook = unzip("xl/workbook.xml");
  CHECK(workbook.find("name=\"Summary\"") != std::string::npos);
  CHECK(workbook.find("name=\"Assumptions\"") != std::string::npos);
  CHECK(workbook.find("name=\"Who pays who saves\"") != std::string::npos);
  // The Summary sheet (the first) holds the stored mean NPV and mean public gross savings as numbers.
  const std::string sheet = unzip("xl/worksheets/sheet1.xml");
  std::vector<double> numbers;
  // (Number cells and formulas' numeric values; a formula whose value is text, such as a
  // break-even year, is skipped.)
  for (std::size_t at = sheet.find("<v>"); at != std::string::npos; at = sheet.find("<v>", at + 3)) {
    const std::string v = sheet.substr(at + 3, sheet.find("</v>", at) - at - 3);
    char* end = nullptr;
    const double x = std::strtod(v.c_str(), &end);
    if (!v.empty() && end == v.c_str() + v.size()) numbers.push_back(x);
  }
  auto holds = [&](double x) {
    for (double v : numbers)
      if (std::fabs(v - x) <= 1e-9 * std::max(1.0, std::fabs(x))) return true;
    return false;
  };
  for (const char* o : {"npv_gbp", "roi_gross", "intervention_cost_discounted_gbp"}) {
    const double mean = query(dir.path() / "r.db", std::string("SELECT mean FROM outcome_summary WHERE run_id = 2 AND period = 'horizon' "
                                                               "AND breakdown = 'all' AND outcome = '") + o + "'");
    INFO(o << " mean " << mean);
    CHECK(holds(mean));
  }
  CHECK(unzip("xl/sharedStrings.xml").find("prevention_invest_to_save") != std::string::npos);
}

TEST_CASE("cli: compare with drawn parameters survives effects drawn against the intervention") {
  // With replicates, an intervention's effect is drawn from its distribution and can land
  // above a rate ratio of 1, adding care-home moves instead of avoiding them. The system
  // model's count of avoided residents then falls below zero; it used to stop the run with
  // "cannot be negative" (six_shifts_plan, replicate draws of seed 20180701, month 10).
  test::TempDir dir;
  const auto r = run_cli("compare '" + scenario("baseline.json") + "' '" + scenario("six_shifts_plan.json") +
                             "' --scale 0.02 --replicates 3 --years 1 --db r.db",
                         dir.path());
  INFO(read(dir.path() / "stderr.txt"));
  CHECK(r.code == 0);
  CHECK(query(dir.path() / "r.db", "SELECT COUNT(*) FROM runs WHERE status = 'completed'") == 2);
  // The net count carries its sign, and the prevention budget never goes below zero.
  CHECK(query(dir.path() / "r.db", "SELECT MIN(value) FROM system_stocks WHERE variable = 'money.prevention_budget'") >= 0);
}

TEST_CASE("cli: a comparison's answer does not depend on --scale beyond its Monte Carlo error (common random numbers)") {
  // Issue 12's falls case: GBP 2m a year of falls prevention from April 2026 for people 65+ in
  // IMD deciles 1-4 of Pennine Lancashire, 13 years, at three scales. At e84fbd7 its ROI was
  // -0.99, 0.48 and 0.01 at scales 0.05, 0.07 and 0.1: the arms did not share random numbers
  // for the participants, so the answer was noise. Replicate k draws the same parameters at
  // every scale, so what differs between scales is Monte Carlo error alone: the avoided
  // admissions behind the savings are some tens of agents at scale 0.05. Since issue 14 (care-home
  // moves at twice the old rate, so an avoided admission more often avoids a three-year stay,
  // and bed-days costed) the per-replicate ROI was seen to differ between these scales by 0.075
  // (SD over 6 replicates; 0.04 before); the mean of 3 replicates then differs by about 0.043
  // (SD) between two scales. Since issue 15 the falls effect is no longer diluted twice (0.70 on
  // the admissions that follow a fall, 8.5% of those at 65+ and more at 80+, instead of 0.80 on a
  // fixed 10% x uptake): about 1.5 times as many admissions are avoided, and the Monte Carlo
  // error of the ROI grows with them, to about 0.065 (SD) between two scales' means; 0.2 is
  // three of those.
  test::TempDir dir;
  std::ofstream(dir.path() / "falls.json") << R"({"name": "falls_pennine", "extends": ")" << scenario("baseline.json") << R"(",
  "years": 13, "interventions": [{"name": "falls", "type": "falls_prevention", "start": "2026-04", "budget": 2000000,
  "payer": "council", "targeting": {"ages": [65, 120], "imd_deciles": [1, 2, 3, 4], "icps": ["Pennine Lancashire"]}}]})";
  std::vector<double> roi;
  for (const char* scale : {"0.05", "0.07", "0.1"}) {
    const std::string db = std::string("s") + scale + ".db";
    const auto r = run_cli("compare '" + scenario("baseline.json") + "' falls.json --years 13 --replicates 3 --scale " + scale + " --db " + db,
                           dir.path());
    INFO(read(dir.path() / "stderr.txt"));
    REQUIRE(r.code == 0);
    roi.push_back(query(dir.path() / db, "SELECT mean FROM outcome_summary WHERE run_id = 2 AND period = 'horizon' AND breakdown = 'all' "
                                         "AND outcome = 'roi_gross'"));
    // Falls prevention acts on admissions only: no death differs, at any scale.
    CHECK(query(dir.path() / db, "SELECT MAX(ABS(value)) FROM outcomes WHERE outcome = 'deaths_averted' AND breakdown = 'all' "
                                 "AND period = 'horizon'") == 0);
  }
  INFO("ROI at scales 0.05, 0.07, 0.1: " << roi[0] << ", " << roi[1] << ", " << roi[2]);
  for (double x : roi) CHECK((x > 0 && x < 0.3));
  CHECK(std::fabs(roi[0] - roi[2]) < 0.2);
  CHECK(std::fabs(roi[1] - roi[2]) < 0.2);
  CHECK(std::fabs(roi[0] - roi[1]) < 0.2);
}

TEST_CASE("cli: accessible community services avert no deaths they cannot avert (the shift-4 anomaly)") {
  // Shift 4 (neighbourhood teams, intermediate care, crisis mental health) lowers emergency
  // admissions, stays, A&E attendances and care-home moves; none of those is an input to
  // anyone's death hazard. At e84fbd7 it "raised" deaths (-64 +/- 28 SE at scale 0.5, 5 years,
  // 4 replicates), an artefact of the shared draw: every member's death was drawn afresh each
  // month. With each event on its own slot the arms' deaths are the same person-months, so
  // deaths averted is exactly 0 in every replicate (a care-setting effect on mortality would
  // only make it positive: fewer care-home moves).
  test::TempDir dir;
  const auto r = run_cli("compare '" + scenario("baseline.json") + "' '" + scenario("shift4_accessible_community_services.json") +
                             "' --scale 0.1 --replicates 3 --years 3 --db r.db",
                         dir.path());
  INFO(read(dir.path() / "stderr.txt"));
  REQUIRE(r.code == 0);
  const auto db = dir.path() / "r.db";
  CHECK(query(db, "SELECT COUNT(*) FROM outcomes WHERE outcome = 'deaths_averted' AND breakdown = 'all' AND period = 'horizon'") == 3);
  CHECK(query(db, "SELECT MIN(value) FROM outcomes WHERE outcome = 'deaths_averted' AND breakdown = 'all' AND period = 'horizon'") >= 0);
  // ... while it changes admissions in every replicate (fewer, unless a replicate draws an
  // effect above 1: neighbourhood teams and intermediate care can be drawn so).
  CHECK(query(db, "SELECT MIN(ABS(b.value - s.value)) FROM outcomes b JOIN outcomes s ON b.replicate = s.replicate AND b.period = s.period "
                  "AND b.breakdown = s.breakdown AND b.outcome = s.outcome WHERE b.run_id = 1 AND s.run_id = 2 "
                  "AND b.outcome = 'emergency_admissions' AND b.period = 'horizon' AND b.breakdown = 'all'") > 0);
}

TEST_CASE("cli: a run longer than its plan: the plan's figures apart, the pay-back, and the life beyond the horizon, in print, report and workbook") {
  // Three years with a two-year plan (the shipped main job runs 25 with a five-year plan).
  test::TempDir dir;
  const auto r = run_cli("compare '" + scenario("baseline.json") + "' '" + scenario("prevention_invest_to_save.json") +
                             "' --scale 0.02 --replicates 3 --years 3 --plan-years 2 --db r.db",
                         dir.path());
  INFO(read(dir.path() / "stderr.txt"));
  REQUIRE(r.code == 0);
  CHECK(r.out.find("The plan, first 2 years (to June 2020):") != std::string::npos);
  CHECK(r.out.find("The whole run, 3 years (to June 2021):") != std::string::npos);
  CHECK(r.out.find("Cumulative discounted net benefit, by the end of:") != std::string::npos);
  CHECK(r.out.find("Beyond the horizon") != std::string::npos);
  const auto db = dir.path() / "r.db";
  CHECK(query(db, "SELECT plan_months FROM comparisons") == 24);
  CHECK(query(db, "SELECT COUNT(*) FROM outcome_summary WHERE period = 'plan' AND outcome = 'npv_gbp' AND breakdown = 'all' AND run_id = 2") == 1);
  CHECK(query(db, "SELECT COUNT(*) FROM outcomes WHERE period = 'horizon' AND outcome = 'qalys_gained_beyond_horizon_discounted'") == 3);
  // The plan's cost is the first two years' only.
  CHECK(query(db, "SELECT mean FROM outcome_summary WHERE period = 'plan' AND outcome = 'intervention_cost_gbp' AND breakdown = 'all' AND run_id = 2") <
        query(db, "SELECT mean FROM outcome_summary WHERE period = 'horizon' AND outcome = 'intervention_cost_gbp' AND breakdown = 'all' AND run_id = 2"));
  REQUIRE(run_cli("report --comparison 1 --db r.db -o report.html", dir.path()).code == 0);
  const std::string html = read(dir.path() / "report.html");
  CHECK(html.find("The plan and the pay-back") != std::string::npos);
  CHECK(html.find("The plan: 2 years to June 2020") != std::string::npos);
  CHECK(html.find("data-chart=\"break-even-distribution\"") != std::string::npos);
  CHECK(html.find("Lifetime cost per QALY") != std::string::npos);
  REQUIRE(run_cli("export --comparison 1 --db r.db --format xlsx -o case.xlsx", dir.path()).code == 0);
  const std::string strings = unzip_part(dir.path(), "case.xlsx", "xl/sharedStrings.xml");
  CHECK(strings.find("the plan, its first 2 years") != std::string::npos);
  CHECK(strings.find("Share of replicates broken even by the year") != std::string::npos);
  CHECK(strings.find("BEYOND THE HORIZON") != std::string::npos);
}

TEST_CASE("cli: export --excel-safe neutralises text Excel would run as a formula, and leaves numbers and the raw CSV alone") {
  // Issue 19, item 6: tidy CSV stays raw for pandas and R; --excel-safe is for a spreadsheet.
  test::TempDir dir;
  std::ofstream(dir.path() / "plan.json") << R"j({"name": "=HYPERLINK(\"http://example.invalid\",\"plan\")", "extends": ")j" +
                                                 scenario("shift1_prevention.json") + R"j("})j";
  REQUIRE(run_cli("compare '" + scenario("baseline.json") + "' plan.json --scale 0.01 --replicates 1 --years 1 --db r.db", dir.path()).code == 0);
  REQUIRE(run_cli("export --run 2 --format csv --db r.db -o raw.csv", dir.path()).code == 0);
  REQUIRE(run_cli("export --run 2 --format csv --excel-safe --db r.db -o safe.csv", dir.path()).code == 0);
  const auto raw = read_csv(read(dir.path() / "raw.csv")), safe = read_csv(read(dir.path() / "safe.csv"));
  REQUIRE(raw.size() == safe.size());
  REQUIRE(raw.size() > 1);
  std::size_t negatives = 0, neutralised = 0;
  for (std::size_t k = 1; k < raw.size(); ++k) {
    REQUIRE(raw[k].size() == 10);
    CHECK(raw[k][9] == safe[k][9]);  // every value, negative numbers too, as it was
    if (!raw[k][9].empty() && raw[k][9][0] == '-') ++negatives;
    if (raw[k][3].rfind("=HYPERLINK(", 0) == 0) {  // raw is the text as stored
      CHECK(safe[k][3] == "'" + raw[k][3]);
      ++neutralised;
    } else {
      CHECK(safe[k][3] == raw[k][3]);
    }
  }
  CHECK(negatives > 0);
  CHECK(neutralised > 0);
  const auto json = run_cli("export --run 2 --format json --excel-safe --db r.db", dir.path());
  CHECK(json.code == 2);
  CHECK(read(dir.path() / "stderr.txt").find("--excel-safe applies to --format csv") != std::string::npos);
}

TEST_CASE("cli: check warns of a budget above the region's NHS spend, refuses one beyond the limit, and says nothing of an ordinary one") {
  // Issue 19, item 2: legal but implausible values get a warning; 1e308 crashed `check` at e84fbd7.
  test::TempDir dir;
  auto with_budget = [&](const std::string& name, const std::string& budget) {
    std::ofstream(dir.path() / name) << R"({"name": "b", "extends": ")" + scenario("baseline.json") +
                                            R"(", "interventions": [{"type": "smoking_cessation", "budget": )" + budget + "}]}";
  };
  with_budget("huge.json", "5e9");
  with_budget("beyond.json", "1e308");
  with_budget("usual.json", "2000000");
  const auto huge = run_cli("check huge.json --no-probe", dir.path());
  CHECK(huge.code == 0);
  CHECK(huge.out.find("warning: smoking_cessation: the budget for FY2018/19 is GBP 5.00bn, above the region's whole NHS spend (about GBP") !=
        std::string::npos);
  const auto json = run_cli("check huge.json --no-probe --json", dir.path());
  REQUIRE(json.code == 0);
  CHECK(nlohmann::json::parse(json.out).at("warnings").size() >= 5);
  const auto beyond = run_cli("check beyond.json --no-probe", dir.path());
  CHECK(beyond.code == 2);
  CHECK(read(dir.path() / "stderr.txt").find("/interventions/0/budget: is 1e+308, but must be <= 1e+10") != std::string::npos);
  const auto usual = run_cli("check usual.json --no-probe", dir.path());
  CHECK(usual.code == 0);
  CHECK(usual.out.find("warning") == std::string::npos);
}
