// The shiftsim command as a user runs it: a process, files, exit codes.
#include "model/programmes/policy.hpp"
#include "support/bad_scenarios.hpp"
#include "support/cli.hpp"
#include "support/fixtures.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <array>
#include <cmath>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace shiftsim;
using namespace shiftsim::test;

namespace {

std::string baseline() { return std::string(SHIFTSIM_SOURCE_DIR) + "/scenarios/baseline.json"; }

}  // namespace

TEST_CASE("cli: the baseline runs at --scale 0.01, writes the database and a JSON summary") {
  test::TempDir dir;
  const auto r = run_cli("run '" + baseline() + "' --scale 0.01 --json --threads 2", dir.path());
  INFO(read(dir.path() / "stderr.txt"));
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["run_id"] == 1);
  CHECK(std::abs(j["agents"].get<long>() - 16700) <= 8);  // 1% of each district, rounded
  CHECK(j["population_start"].get<double>() == doctest::Approx(1'669'969).epsilon(0.001));
  REQUIRE(j["years"].size() == 5);
  for (const auto& y : j["years"]) {
    CHECK(y["population_end"].get<double>() > 1.6e6);
    CHECK(y["deaths"].get<double>() > 15000);
    CHECK(y["emergency_admissions"].get<double>() > 150000);
    CHECK(y["ae_attendances"].get<double>() > 500000);
    CHECK(y["costs_gbp"]["total"].get<double>() > 2e9);
    CHECK(y["costs_gbp"].contains("council_asc"));
  }
  CHECK(j["agent_months_per_second"].get<double>() > 0);
  CHECK(j["wall_seconds"].get<double>() > 0);
  const auto db = dir.path() / "shiftsim.db";
  REQUIRE(std::filesystem::exists(db));
  CHECK(query(db, "SELECT COUNT(*) FROM runs WHERE status = 'completed'") == 1);
  CHECK(query(db, "SELECT COUNT(*) FROM metrics WHERE run_id = 1") > 10000);
  CHECK(query(db, "SELECT COUNT(DISTINCT icp) FROM metrics") == 5);
  CHECK(query(db, "SELECT COUNT(DISTINCT imd_quintile) FROM metrics") == 5);
  // Every district and neighbourhood, by name.
  CHECK(query(db, "SELECT COUNT(DISTINCT area) FROM area_metrics WHERE area_type = 'district'") == 16);
  CHECK(query(db, "SELECT COUNT(DISTINCT area) FROM area_metrics WHERE area_type = 'neighbourhood'") == 41);
  CHECK(query(db, "SELECT COUNT(*) FROM area_metrics WHERE area = 'E06000009' AND area_name = 'Blackpool'") > 0);
  // The JSON's first-year deaths are the database's.
  CHECK(query(db, "SELECT SUM(value) FROM metrics WHERE metric = 'deaths' AND period_type = 'model_year' AND period = '2018/19'") ==
        doctest::Approx(j["years"][0]["deaths"].get<double>()));
  // Every stock of the system model, per ICP per month, is in the database (start + 60
  // month ends), and the JSON gives each ICP's stocks at each year's end: the same values.
  CHECK(query(db, "SELECT COUNT(DISTINCT icp) FROM system_stocks WHERE run_id = 1") == 5);
  CHECK(query(db, "SELECT COUNT(DISTINCT after_month) FROM system_stocks WHERE run_id = 1") == 61);
  for (const char* v : {"acute.beds", "social_care.staffed_home_care_hours", "social_care.care_home_beds", "primary_care.staffed_appointments",
                        "digital.adopters", "joint_working.maturity", "money.nhs_balance", "money.pooled_fund", "money.prevention_budget",
                        "money.system_deficit"}) {
    CAPTURE(v);
    const auto& icp = j["system"]["icps"][0];
    REQUIRE(icp["years"].size() == 5);
    CHECK(query(db, "SELECT value FROM system_stocks WHERE run_id = 1 AND after_month = 11 AND icp = '" + icp["icp"].get<std::string>() +
                        "' AND variable = '" + v + "'") == doctest::Approx(icp["years"][0][v].get<double>()));
    CHECK(j["system"]["units"].contains(v));
  }
  // And `shiftsim runs` lists it.
  const auto runs = run_cli("runs --json", dir.path());
  CHECK(runs.code == 0);
  CHECK(nlohmann::json::parse(runs.out)[0]["status"] == "completed");
}

TEST_CASE("cli: --mode sd runs the system models from cohort averages, stores them, and refuses interventions") {
  test::TempDir dir;
  const std::string scenarios = std::string(SHIFTSIM_SOURCE_DIR) + "/scenarios/";
  const auto r = run_cli("run '" + scenarios + "what_if_social_care_capacity.json' --mode sd --json", dir.path());
  INFO(read(dir.path() / "stderr.txt"));
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["mode"] == "sd");
  CHECK(j["scale"].get<double>() == 0.1);  // the cohort averages' default
  REQUIRE(j["years"].size() == 5);
  CHECK(j["years"][4]["deaths"].get<double>() > 15000);
  // The 20% capacity cut shows in every ICP's delayed-transfer multiplier.
  for (const auto& icp : j["system"]["icps"]) CHECK(icp["years"][0]["social_care.delayed_discharge_multiplier"].get<double>() > 1.5);
  const auto db = dir.path() / "shiftsim.db";
  CHECK(query(db, "SELECT COUNT(DISTINCT after_month) FROM system_stocks WHERE run_id = 1") == 61);
  // A scenario with interventions: exit 2, a message naming the file, and nothing stored.
  const auto bad = run_cli("run '" + scenarios + "shift1_prevention.json' --mode sd", dir.path());
  CHECK(bad.code == 2);
  CHECK(read(dir.path() / "stderr.txt").find("shift1_prevention.json: --mode sd") != std::string::npos);
  CHECK(query(db, "SELECT COUNT(*) FROM runs") == 1);
}

TEST_CASE("cli: --replicates draws each replicate's parameters, stores them, and two scenarios share their draws") {
  test::TempDir dir;
  const std::string scenarios = std::string(SHIFTSIM_SOURCE_DIR) + "/scenarios/";
  REQUIRE(run_cli("run '" + scenarios + "baseline.json' --replicates 3 --scale 0.01 --json --db p.db", dir.path()).code == 0);
  REQUIRE(run_cli("run '" + scenarios + "shift1_prevention.json' --replicates 3 --scale 0.01 --json --db p.db", dir.path()).code == 0);
  const auto db = dir.path() / "p.db";
  const std::string row = "system.acute.los_multiplier.occupancy_0_95";  // triangular 0.98-1.06
  // Three different draws per run...
  CHECK(query(db, "SELECT COUNT(DISTINCT value) FROM parameters WHERE run_id = 1 AND replicate >= 0 AND name = '" + row + "'") == 3);
  // ... the same in both runs, replicate by replicate (common random numbers) ...
  CHECK(query(db, "SELECT COUNT(*) FROM parameters a JOIN parameters b ON a.name = b.name AND a.replicate = b.replicate "
                  "WHERE a.run_id = 1 AND b.run_id = 2 AND a.replicate >= 0 AND a.name = '" + row + "' AND a.value = b.value") == 3);
  // ... drawn around the central values, stored as replicate -1 (the triangular's mode, 1.02).
  CHECK(query(db, "SELECT value FROM parameters WHERE run_id = 1 AND replicate = -1 AND name = '" + row + "'") ==
        doctest::Approx(1.02));
  // ... and a row without a distribution keeps its value.
  CHECK(query(db, "SELECT COUNT(DISTINCT value) FROM parameters WHERE run_id = 1 AND name = 'system.acute.base_occupancy'") == 1);
  // The interventions' own defaults are drawn too (stored with the table).
  CHECK(query(db, "SELECT COUNT(DISTINCT value) FROM parameters WHERE run_id = 2 AND replicate >= 0 AND name = 'intervention.smoking_cessation.unit_cost_gbp'") == 3);
}

TEST_CASE("cli: a readable table without --json") {
  test::TempDir dir;
  const auto r = run_cli("run '" + baseline() + "' --scale 0.01 --db t.db", dir.path());
  REQUIRE(r.code == 0);
  CHECK(r.out.find("Emergency admissions") != std::string::npos);
  CHECK(r.out.find("2022/23") != std::string::npos);
  CHECK(r.out.find("Stored in t.db as run 1") != std::string::npos);
}

TEST_CASE("cli: bad input exits 2 with a message naming the problem, and stores nothing") {
  test::TempDir dir;
  std::ofstream(dir.path() / "bad.json") << R"({"name": "x", "years": 99})";
  const auto r = run_cli("run bad.json --scale 0.01", dir.path());
  CHECK(r.code == 2);
  CHECK(read(dir.path() / "stderr.txt").find("/years: is 99, but must be <= 25") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "shiftsim.db"));
  CHECK(run_cli("run missing.json", dir.path()).code == 2);
  CHECK(run_cli("run '" + baseline() + "' --scale 7", dir.path()).code == 2);
  CHECK(run_cli("run '" + baseline() + "' --data /nonexistent", dir.path()).code == 2);
}

TEST_CASE("cli: a run that fails after it started is marked failed and leaves no metric rows") {
  test::TempDir dir;
  // The testing hook makes the model fail after its third month, once the run is recorded.
  const auto r = run_cli("run '" + baseline() + "' --scale 0.01", dir.path(), "SHIFTSIM_TEST_FAIL_AT_MONTH=3");
  CHECK(r.code == 1);
  CHECK(read(dir.path() / "stderr.txt").find("failure injected") != std::string::npos);
  const auto db = dir.path() / "shiftsim.db";
  CHECK(query(db, "SELECT COUNT(*) FROM runs WHERE status = 'failed'") == 1);
  CHECK(query(db, "SELECT COUNT(*) FROM metrics") == 0);
  CHECK(query(db, "SELECT COUNT(*) FROM area_metrics") == 0);
  CHECK(query(db, "SELECT COUNT(*) FROM intervention_metrics") == 0);
}

TEST_CASE("cli: an interrupted run stores nothing and is marked interrupted") {
  test::TempDir dir;
  const std::string cmd = std::string(SHIFTSIM_BINARY) + " run '" + baseline() + "' --scale 0.5 --replicates 20";
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    if (chdir(dir.path().c_str()) != 0) _exit(99);
    execl("/bin/sh", "sh", "-c", ("exec " + cmd + " > out.txt 2> err.txt").c_str(), static_cast<char*>(nullptr));
    _exit(98);
  }
  // Wait until the run is recorded as running, then interrupt it.
  const auto db = dir.path() / "shiftsim.db";
  for (int i = 0; i < 300; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (std::filesystem::exists(db) && try_query(db, "SELECT COUNT(*) FROM runs WHERE status = 'running'") == 1) break;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  CHECK(query(db, "SELECT status = 'interrupted' FROM runs WHERE run_id = 1") == 1);
  CHECK(query(db, "SELECT COUNT(*) FROM metrics") == 0);
}

TEST_CASE("cli: params prints every parameter with its source and --help explains the commands") {
  test::TempDir dir;
  const auto p = run_cli("params --filter mortality.hr.smoking", dir.path());
  CHECK(p.code == 0);
  CHECK(p.out.find("mortality.hr.smoking.current") != std::string::npos);
  CHECK(p.out.find("Pirie") != std::string::npos);
  const auto h = run_cli("run --help", dir.path());
  CHECK(h.code == 0);
  CHECK(h.out.find("--replicates") != std::string::npos);
  CHECK(h.out.find("--scale") != std::string::npos);
}

TEST_CASE("cli: every malformed scenario exits 2 with its message and leaves the database unchanged") {
  test::TempDir dir;
  // A database holding one completed run.
  REQUIRE(run_cli("run '" + baseline() + "' --scale 0.01 --db t.db", dir.path()).code == 0);
  const auto db = dir.path() / "t.db";
  const auto bytes_before = read(db);
  const auto& cases = test::bad_scenarios();
  REQUIRE(cases.size() >= 25);
  for (const auto& c : cases) {
    CAPTURE(c.what);
    test::TempDir files;
    for (const auto& [name, text] : c.files) std::ofstream(files.path() / name) << text;
    for (const std::string command : {"run", "check"}) {
      CAPTURE(command);
      const std::string options = command == "run" ? " --scale 0.01 --db '" + db.string() + "'" : "";
      const auto r = run_cli(command + " main.json" + options, files.path());
      const std::string err = read(files.path() / "stderr.txt");
      CAPTURE(err);
      CHECK(r.code == 2);
      for (const auto& e : c.expected) CHECK(err.find(e) != std::string::npos);
    }
  }
  // Nothing was stored: the file is byte for byte as it was.
  CHECK(read(db) == bytes_before);
  CHECK(query(db, "SELECT COUNT(*) FROM runs") == 1);
  // A scenario file that does not exist.
  const auto r = run_cli("check nothere.json", dir.path());
  CHECK(r.code == 2);
  CHECK(read(dir.path() / "stderr.txt").find("nothere.json: /: cannot open the scenario file (does it exist?)") != std::string::npos);
}

TEST_CASE("cli: check says what each budget will buy, what limits it, when funding ends and the finance rules") {
  test::TempDir dir;
  const std::string baseline = (std::filesystem::path(SHIFTSIM_SOURCE_DIR) / "scenarios" / "baseline.json").string();
  // Alcohol liaison enrols at an emergency admission of a harmful drinker: GBP 2m a year cannot
  // be spent, and check must say so rather than promise "up to 1,111 participants a month".
  std::ofstream(dir.path() / "alcohol.json")
      << R"({"name": "alcohol", "extends": ")" << baseline
      << R"(", "interventions": [{"name": "liaison", "type": "alcohol_liaison", "start": "2019-04", "budget": 2000000}]})";
  const auto c = run_cli("check alcohol.json", dir.path());
  REQUIRE(c.code == 0);
  CHECK(c.out.find("FY2020/21: budget GBP 2.00m") != std::string::npos);
  CHECK(c.out.find("expected spend") != std::string::npos);
  CHECK(c.out.find("limited by the enrolment events") != std::string::npos);
  CHECK(c.out.find("funding ends 2023-06") != std::string::npos);
  CHECK(c.out.find("cashable savings: care_home_weeks, home_care_hours") != std::string::npos);
  CHECK(c.out.find("discount rates 3.5% for costs and 1.5% for health") != std::string::npos);
  CHECK(c.out.find("funding source: new money") != std::string::npos);
  CHECK(c.out.find("finance.continue_funding: true carries the last year's budget on") != std::string::npos);
  const auto j = run_cli("check alcohol.json --json", dir.path());
  REQUIRE(j.code == 0);
  const auto doc = nlohmann::json::parse(j.out);
  const auto& years = doc["interventions"][0]["expected_spend"];
  REQUIRE(years.size() >= 4);
  // The event-enrolled service spends well under its budget every full year.
  for (const auto& y : years) CHECK(y["spend_gbp"].get<double>() < 0.5 * y["budget_gbp"].get<double>());
  CHECK(doc["finance"]["cashable"].size() == 2);
  // --no-probe: the budgets only.
  const auto quick = run_cli("check alcohol.json --no-probe", dir.path());
  CHECK(quick.code == 0);
  CHECK(quick.out.find("expected spend") == std::string::npos);
}

TEST_CASE("cli: every shipped scenario passes check and runs at --scale 0.01") {
  test::TempDir dir;
  int n = 0;
  for (const auto& f : std::filesystem::directory_iterator(std::filesystem::path(SHIFTSIM_SOURCE_DIR) / "scenarios")) {
    if (f.path().extension() != ".json") continue;
    ++n;
    CAPTURE(f.path().filename().string());
    const auto c = run_cli("check '" + f.path().string() + "'", dir.path());
    CHECK(c.code == 0);
    CHECK(c.out.find(": OK (") != std::string::npos);
    const auto r = run_cli("run '" + f.path().string() + "' --scale 0.01 --json --db t.db", dir.path());
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    const auto run_id = j["run_id"].get<long long>();
    const auto id = std::to_string(run_id);
    if (f.path().filename() == "baseline.json" || f.path().filename().string().rfind("what_if_", 0) == 0) {
      CHECK(j["interventions"].empty());
      continue;
    }
    // Spend is recorded per intervention and agrees with the cell-level metrics.
    CHECK_FALSE(j["interventions"].empty());
    const double by_intervention = query(dir.path() / "t.db",
        "SELECT SUM(value) FROM intervention_metrics WHERE run_id = " + id + " AND metric = 'spend_total' AND period_type = 'model_year'");
    const double by_cell = query(dir.path() / "t.db",
        "SELECT SUM(value) FROM metrics WHERE run_id = " + id + " AND metric = 'intervention_spend_total_gbp' AND period_type = 'model_year'");
    CHECK(by_intervention > 0);
    CHECK(by_intervention == doctest::Approx(by_cell).epsilon(1e-9));
    CHECK(query(dir.path() / "t.db", "SELECT COUNT(*) FROM interventions WHERE run_id = " + id) == j["interventions"].size());
  }
  CHECK(n == 10);
}

TEST_CASE("cli: schema prints the scenario JSON Schema") {
  test::TempDir dir;
  const auto r = run_cli("schema", dir.path());
  CHECK(r.code == 0);
  const auto schema = nlohmann::json::parse(r.out);
  CHECK(schema["title"] == "ShiftSim scenario");
  // The schema names exactly the catalogue's types, in its order.
  const auto& types = schema["definitions"]["intervention"]["properties"]["type"]["enum"];
  REQUIRE(types.size() == shiftsim::model::catalogue().size());
  for (std::size_t k = 0; k < types.size(); ++k) CHECK(types[k] == shiftsim::model::catalogue()[k].name);
}

TEST_CASE("cli: validate compares the shipped observed series, stores the fit and refuses a bad observed file") {
  test::TempDir dir;
  // A malformed observed file: exit 2, the row named, nothing run or stored.
  std::ofstream(dir.path() / "obs.csv") << "series,geography,period,sex,age_band,value,source\n"
                                           "deaths,region,2018/19,persons,all,17423,ONS\n"
                                           "deaths,Narnia,2018/19,persons,all,1,ONS\n";
  const auto bad = run_cli("validate --observed obs.csv --scale 0.01 -r 1 --years 1", dir.path());
  CHECK(bad.code == 2);
  const std::string err = read(dir.path() / "stderr.txt");
  CHECK(err.find("obs.csv") != std::string::npos);
  CHECK(err.find("line 3") != std::string::npos);
  CHECK(err.find("Narnia") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "shiftsim.db"));
  // The bundled baseline and observed file by default: stored and printed.
  const auto ok = run_cli("validate --scale 0.02 -r 2 --years 2 --report v.html", dir.path());
  REQUIRE(ok.code == 0);
  CHECK(ok.out.find("MAPE") != std::string::npos);
  const auto db = dir.path() / "shiftsim.db";
  CHECK(query(db, "SELECT COUNT(*) FROM validations") == 1);
  CHECK(query(db, "SELECT COUNT(*) FROM validation_rows") == query(db, "SELECT rows FROM validation_series WHERE series = 'population'") +
                                                              query(db, "SELECT SUM(rows) FROM validation_series WHERE series <> 'population'"));
  // mid-2019 and mid-2020 populations of every district, male, female and persons, and the sums.
  CHECK(query(db, "SELECT COUNT(*) FROM validation_rows WHERE series = 'population' AND compared = 1") >= 3 * 16 * 2);
  CHECK(query(db, "SELECT COUNT(*) FROM validation_rows WHERE compared = 0 AND (reason IS NULL OR reason = '')") == 0);
  CHECK(read(dir.path() / "v.html").find("data-series=\"deaths\"") != std::string::npos);
}

TEST_CASE("cli: validate --from back-casts from an earlier mid-year and compares the years before the data's base year") {
  test::TempDir dir;
  const auto r = run_cli("validate --from 2014 --years 4 --scale 0.02 -r 2", dir.path());
  REQUIRE(r.code == 0);
  const auto db = dir.path() / "shiftsim.db";
  CHECK(query(db, "SELECT run_start_year FROM validations") == 2014);
  CHECK(query(db, "SELECT COUNT(*) FROM validations WHERE method LIKE 'back-cast to mid-2014%'") == 1);
  // Mid-2015 to mid-2018 by district: compared; the region at mid-2018 within 2% (scale 0.02).
  CHECK(query(db, "SELECT COUNT(*) FROM validation_rows WHERE series = 'population' AND compared = 1 AND period IN "
                  "('mid-2015', 'mid-2016', 'mid-2017', 'mid-2018') AND geography LIKE 'E0%'") == 64);
  CHECK(std::fabs(query(db, "SELECT percent_error FROM validation_rows WHERE series = 'population' AND geography = 'region' AND "
                            "period = 'mid-2018' AND sex = 'persons'")) < 2.0);
  CHECK(query(db, "SELECT compared FROM validation_rows WHERE series = 'ae_attendances' AND geography = 'region'") == 1);
  const auto bad = run_cli("validate --from 2009 --years 1 --scale 0.01 -r 1", dir.path());
  CHECK(bad.code == 2);
  CHECK(read(dir.path() / "stderr.txt").find("2011 to mid-2017") != std::string::npos);
}
