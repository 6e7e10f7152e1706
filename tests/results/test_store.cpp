#include "results/document.hpp"
#include "results/store.hpp"
#include "support/fixtures.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

using namespace shiftsim;
using namespace shiftsim::results;

namespace {
RunRecord record() {
  RunRecord r;
  r.scenario_name = "test";
  r.scenario_text = "{\"name\": \"test\"}";
  r.data_version = "v";
  r.parameters_version = "p";
  r.program_version = "t";
  r.seed = 5;
  r.start_year = 2018;
  r.years = 1;
  r.threads = 1;
  return r;
}
double query(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
  double v = -1;
  if (sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_double(s, 0);
  sqlite3_finalize(s);
  return v;
}
}  // namespace

TEST_CASE("store: a completed run writes its rows, and the stored totals equal the run's") {
  test::TempDir dir;
  auto w = test::world();
  model::Simulation sim(*w, test::settings(0.02, 12));
  const auto out = sim.run();
  const auto table = sim.parameter_table();
  ResultsStore store(dir.path() / "r.db");
  const auto id = store.begin_run(record());
  CHECK(store.run(id).status == "running");
  store.complete_run(id, {{&out, &table}}, {"A", "B", "C", "D", "E"}, 1.0, 2.0);
  const auto r = store.run(id);
  CHECK(r.status == "completed");
  CHECK(r.agents == static_cast<long long>(out.agents_at_start));
  CHECK(store.metric_row_count(id) > 1000);
  double deaths = 0;
  for (const auto& f : out.flows)
    for (std::size_t k = model::fm_deaths; k < f.cells.size(); k += model::kFlowMetrics) deaths += f.cells[k];
  CHECK(query(store.handle(), "SELECT SUM(value) FROM metrics WHERE metric = 'deaths' AND period_type = 'model_year'") ==
        doctest::Approx(deaths));
  CHECK(query(store.handle(), "SELECT COUNT(*) FROM parameters WHERE run_id = " + std::to_string(id)) ==
        static_cast<double>(table.rows().size()));
  CHECK(query(store.handle(), "SELECT COUNT(*) FROM parameters WHERE derived = 1 AND value IS NULL") == 0);
}

TEST_CASE("store: a failed run stores no metric rows and says so") {
  test::TempDir dir;
  ResultsStore store(dir.path() / "r.db");
  const auto id = store.begin_run(record());
  store.end_run_without_results(id, "failed", "boom");
  CHECK(store.run(id).status == "failed");
  CHECK(store.run(id).message == "boom");
  CHECK(store.metric_row_count(id) == 0);
}

TEST_CASE("store: a run left 'running' by a dead process is marked interrupted when the database is next opened") {
  test::TempDir dir;
  std::int64_t id = 0;
  {
    ResultsStore store(dir.path() / "r.db");
    id = store.begin_run(record());
    // Pretend the run belonged to a process that no longer exists.
    REQUIRE(sqlite3_exec(store.handle(), ("UPDATE runs SET pid = 999999999 WHERE run_id = " + std::to_string(id)).c_str(),
                         nullptr, nullptr, nullptr) == SQLITE_OK);
  }
  ResultsStore again(dir.path() / "r.db");
  CHECK(again.run(id).status == "interrupted");
  CHECK(again.metric_row_count(id) == 0);
}

TEST_CASE("store: what a killed comparison committed is deleted when the database is next opened, and a live one kept") {
  test::TempDir dir;
  auto w = test::world();
  model::Simulation sim(*w, test::settings(0.02, 12));
  const auto out = sim.run();
  const auto table = sim.parameter_table();
  const std::vector<std::string> icps{"A", "B", "C", "D", "E"};
  std::int64_t dead = 0, live = 0;
  {
    ResultsStore store(dir.path() / "r.db");
    auto begin = [&] {
      ResultsStore::ComparisonSpec spec;
      spec.run_ids = {store.begin_run(record())};
      spec.finance = {FinanceSettings{}};
      spec.periods = comparison_periods(2018, 12, 0);
      const auto id = store.begin_comparison(spec);
      store.commit_replicate(id, 0, {{&out, &table}}, icps, replicate_outcomes({{&out, {}}}, 0));
      // A replicate is committed once: the second time is refused.
      CHECK_THROWS_AS(store.commit_replicate(id, 0, {{&out, &table}}, icps, {}), StoreError);
      return spec.run_ids.front();
    };
    dead = begin();
    live = begin();
    CHECK(store.metric_row_count(dead) > 1000);
    // The first belonged to a process that no longer exists; the second's is this one, alive.
    REQUIRE(sqlite3_exec(store.handle(), ("UPDATE runs SET pid = 999999999 WHERE run_id = " + std::to_string(dead)).c_str(), nullptr,
                         nullptr, nullptr) == SQLITE_OK);
    // An open comparison is listed nowhere.
    CHECK_FALSE(has_comparison(store, 1));
  }
  ResultsStore again(dir.path() / "r.db");
  CHECK(again.run(dead).status == "interrupted");
  CHECK(again.metric_row_count(dead) == 0);
  CHECK(query(again.handle(), "SELECT COUNT(*) FROM outcomes WHERE run_id = " + std::to_string(dead)) == 0);
  CHECK(query(again.handle(), "SELECT COUNT(*) FROM comparisons") == 1);
  CHECK(again.run(live).status == "running");
  CHECK(again.metric_row_count(live) > 1000);
  // A comparison left open after all its runs ended (here: marked failed) goes too.
  again.end_run_without_results(live, "failed", "gone");
  ResultsStore third(dir.path() / "r.db");
  CHECK(query(third.handle(), "SELECT COUNT(*) FROM comparisons") == 0);
  CHECK(third.metric_row_count(live) == 0);
}
