// Sweeps: the file's checks, the grid's points, and the three ways a sweep's answer can be
// stored (at once; interrupted and resumed; through workers' in-memory databases, the MPI
// path) giving the same digest. The MPI run itself is tests/sweep/sweep_mpi.sh.
#include "support/cli.hpp"
#include "support/fixtures.hpp"
#include "runs/sweep.hpp"

#include "model/core/errors.hpp"

#include <doctest/doctest.h>

#include <sqlite3.h>

#include <algorithm>
#include <fstream>

namespace fs = std::filesystem;
using namespace shiftsim;

namespace {

fs::path write(const fs::path& dir, const std::string& name, const std::string& text) {
  const fs::path f = dir / name;
  std::ofstream(f) << text;
  return f;
}

const fs::path kScenarios = fs::path(SHIFTSIM_SOURCE_DIR) / "scenarios";

std::string small_sweep() {
  return R"({"name": "t", "baseline": ")" + (kScenarios / "baseline.json").string() + R"(", "scenarios": [")" +
         (kScenarios / "shift1_prevention.json").string() +
         R"("], "grid": {"intervention.smoking_cessation.unit_cost_gbp": [150, 350]}, "replicates": 3, "years": 1, "scale": 0.01, "seed": 11})";
}

std::string error_of(const fs::path& file) {
  try {
    runs::read_sweep_spec(file, kScenarios / "baseline.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("sweep: a bad sweep file is refused with its file, field and what was expected") {
  test::TempDir dir;
  const std::string base = R"("scenarios": [")" + (kScenarios / "shift1_prevention.json").string() + R"("])";
  struct Case {
    std::string text, field, expected;
  } cases[] = {
      {"[1]", "the top level", "must be an object"},
      {"{" + base + R"(, "replicate": 3})", "/replicate", "is not a sweep field"},
      {"{" + base + R"(, "replicates": 0})", "/replicates", "from 1 to 10000"},
      {"{" + base + R"(, "replicates": 2.5})", "/replicates", "whole number"},
      {"{" + base + R"(, "scale": 2})", "/scale", "from 0.0001 to 1"},
      {"{" + base + R"(, "seed": -1})", "/seed", "from 0 to 4294967295"},
      {"{" + base + R"(, "grid": {"a": []}})", "/grid/a", "non-empty array"},
      {"{" + base + R"(, "grid": {"a": ["x"]}})", "/grid/a/0", "finite number"},
      {"{" + base + R"(, "grid": {"a": [1]}, "points": [{"a": 1}]})", "/points", "cannot be given with /grid"},
      {R"({"scenarios": ["no_such_file.json"]})", "/scenarios/0", "not a file"},
      {"{" + base + ", \"years\": 99}", "/years", "from 1 to 25"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    const auto f = write(dir.path(), "bad.json", c.text);
    const std::string msg = error_of(f);
    CHECK(msg.find(f.string()) != std::string::npos);
    CHECK(msg.find(c.field) != std::string::npos);
    CHECK(msg.find(c.expected) != std::string::npos);
  }
  // A parameter the table does not have, or a value outside its bounds, is refused when the
  // sweep is prepared, naming the sweep file and the point.
  const auto f = write(dir.path(), "unknown.json", "{" + base + R"(, "grid": {"no.such.parameter": [1]}})");
  const auto spec = runs::read_sweep_spec(f, kScenarios / "baseline.json");
  try {
    runs::prepare_sweep(spec, {SHIFTSIM_TEST_DATA_DIR, ""}, "test");
    FAIL("an unknown parameter was accepted");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find(f.string() + ": point 0") != std::string::npos);
    CHECK(std::string(e.what()).find("no.such.parameter") != std::string::npos);
  }
}

TEST_CASE("sweep: a grid is every combination, the last name varying fastest, for each scenario") {
  test::TempDir dir;
  const auto f = write(dir.path(), "grid.json",
                       R"({"scenarios": [")" + (kScenarios / "shift1_prevention.json").string() + R"(", ")" +
                           (kScenarios / "shift2_community_assets.json").string() + R"("], "grid": {"b": [1, 2, 3], "a": [10, 20]}})");
  const auto spec = runs::read_sweep_spec(f, kScenarios / "baseline.json");
  REQUIRE(spec.points.size() == 12);
  CHECK(spec.settings.replicates == 20);  // the default: the fewest for which compare shows an interval
  // nlohmann's objects are ordered by name: a before b, so b varies fastest.
  CHECK(spec.points[0].label == "shift1_prevention; a=10, b=1");
  CHECK(spec.points[1].label == "shift1_prevention; a=10, b=2");
  CHECK(spec.points[3].label == "shift1_prevention; a=20, b=1");
  CHECK(spec.points[6].scenario == 1);
  CHECK(spec.points[11].parameters == std::map<std::string, double>{{"a", 20}, {"b", 3}});
}

TEST_CASE("sweep: stored at once, interrupted and resumed, or through workers' databases: the same answer, bit for bit") {
  test::TempDir dir;
  const auto spec = runs::read_sweep_spec(write(dir.path(), "s.json", small_sweep()), kScenarios / "baseline.json");
  const auto sweep = runs::prepare_sweep(spec, {SHIFTSIM_TEST_DATA_DIR, ""}, "test");
  REQUIRE(sweep.experiments.size() == 2);
  const runs::Provenance prov{"test", 2};
  runs::Controls controls;
  controls.threads = 2;

  // 1. At once.
  std::string whole;
  {
    results::ResultsStore store(dir.path() / "whole.db");
    auto rec = runs::open_sweep(store, sweep, prov);
    CHECK_FALSE(rec.resumed);
    runs::run_sweep_here(store, sweep, rec, controls);
    CHECK(rec.completed);
    whole = runs::sweep_digest(store, rec);
    CHECK(test::query(dir.path() / "whole.db", "SELECT count(*) FROM comparisons WHERE status = 'completed'") == 2);
    CHECK(test::query(dir.path() / "whole.db", "SELECT count(*) FROM outcome_summary") > 100);
    // The grid's values reached the runs: the cheaper unit cost buys more participants.
    const double cheap = test::query(dir.path() / "whole.db",
                                     "SELECT value FROM parameters WHERE run_id = 2 AND replicate = 0 AND name = 'intervention.smoking_cessation.unit_cost_gbp'");
    CHECK(cheap == 150);
    // Running it again finds it complete and runs nothing.
    auto again = runs::open_sweep(store, sweep, prov);
    CHECK(again.resumed);
    CHECK(again.completed);
    CHECK(runs::remaining_tasks(store, sweep, again).empty());
  }

  // 2. Interrupted after its second commit, then resumed by a new store (as a new process).
  {
    {
      results::ResultsStore store(dir.path() / "resumed.db");
      auto rec = runs::open_sweep(store, sweep, prov);
      runs::CancelToken token;
      runs::Controls c = controls;
      c.threads = 1;
      c.cancel = &token;
      int commits = 0;
      CHECK_THROWS_AS(runs::run_sweep_here(store, sweep, rec, c, [&](int, int) {
        if (++commits == 2) token.cancel();
      }),
                      shiftsim::Cancelled);
      CHECK_FALSE(rec.completed);
      CHECK(runs::remaining_tasks(store, sweep, rec).size() == 4);
    }
    results::ResultsStore store(dir.path() / "resumed.db");
    auto rec = runs::open_sweep(store, sweep, prov);
    CHECK(rec.resumed);
    CHECK(runs::remaining_tasks(store, sweep, rec).size() == 4);
    runs::run_sweep_here(store, sweep, rec, controls);
    CHECK(rec.completed);
    CHECK(runs::sweep_digest(store, rec) == whole);
    // Nothing was stored twice.
    CHECK(test::query(dir.path() / "resumed.db", "SELECT count(*) FROM comparison_replicates") == 6);
    CHECK(test::query(dir.path() / "resumed.db", "SELECT count(*) FROM outcomes") ==
          test::query(dir.path() / "whole.db", "SELECT count(*) FROM outcomes"));
  }

  // 3. Each replicate run in a database in memory and imported, in reverse order (as workers
  //    may finish), as rank 0 of an MPI sweep does.
  {
    results::ResultsStore store(dir.path() / "imported.db");
    auto rec = runs::open_sweep(store, sweep, prov);
    auto tasks = runs::remaining_tasks(store, sweep, rec);
    REQUIRE(tasks.size() == 6);
    std::reverse(tasks.begin(), tasks.end());
    for (const auto& t : tasks) {
      store.import_replicate(runs::run_task_in_memory(sweep, t, controls, prov), t.replicate, rec.comparison_ids[static_cast<std::size_t>(t.point)]);
      runs::close_point_if_complete(store, sweep, rec, t.point);
    }
    // A replicate imported twice is refused, and changes nothing.
    const auto again = runs::run_task_in_memory(sweep, tasks.front(), controls, prov);
    CHECK_THROWS_AS(store.import_replicate(again, tasks.front().replicate, rec.comparison_ids[1]), results::StoreError);
    runs::close_complete_points(store, sweep, rec);
    CHECK(rec.completed);
    CHECK(runs::sweep_digest(store, rec) == whole);
  }

  // The digest sees a change in any stored value.
  {
    results::ResultsStore store(dir.path() / "imported.db");
    auto rec = runs::open_sweep(store, sweep, prov);
    sqlite3_exec(store.handle(), "UPDATE metrics SET value = value + 1e-9 WHERE rowid = (SELECT max(rowid) FROM metrics)", nullptr, nullptr, nullptr);
    CHECK(runs::sweep_digest(store, rec) != whole);
  }
}
