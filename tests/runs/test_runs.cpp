// The run library: an experiment's tasks run in two halves store the same answer as run all
// at once; cancelling and failing store nothing; the error policy; progress.
#include "regression/stored_summaries.hpp"
#include "support/cli.hpp"
#include "support/fixtures.hpp"
#include "runs/experiment.hpp"
#include "runs/inputs.hpp"
#include "runs/store_writer.hpp"

#include "model/core/errors.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace shiftsim;

namespace {

runs::Experiment small_experiment(int replicates = 3) {
  const fs::path s = fs::path(SHIFTSIM_SOURCE_DIR) / "scenarios";
  runs::ExperimentSettings settings;
  settings.replicates = replicates;
  settings.years = 2;
  settings.plan_years = 1;
  settings.scale = 0.01;
  return runs::Experiment(runs::prepare_arms({s / "baseline.json", s / "shift1_prevention.json"}, {SHIFTSIM_TEST_DATA_DIR, ""}), settings);
}

/// A count from the results database (tests/support/cli.hpp).
long long count(const fs::path& db, const std::string& sql) { return static_cast<long long>(test::query(db, sql)); }

}  // namespace

TEST_CASE("runs: the tasks run in two halves store exactly the answer of running them all at once") {
  const auto e = small_experiment();
  test::TempDir dir;
  runs::Controls controls;
  controls.threads = 2;
  {
    results::ResultsStore store(dir.path() / "all.db");
    runs::StoreWriter writer(store, e, {"test", 2});
    runs::run_and_store(e, writer, controls);
  }
  {
    results::ResultsStore store(dir.path() / "halves.db");
    runs::StoreWriter writer(store, e, {"test", 1});
    // The second half first, one thread, then the first half: order and threads do not matter.
    std::vector<runs::Task> first, second;
    for (const auto& t : e.tasks()) (t.replicate < 2 ? first : second).push_back(t);
    auto keep = [&](const runs::Task& t, runs::TaskResult&& r) { writer.accept(t, std::move(r)); };
    controls.threads = 1;
    runs::run_tasks(e, second, controls, keep);
    CHECK(writer.committed() == std::vector<int>{2});
    controls.threads = 2;
    runs::run_tasks(e, first, controls, keep);
    CHECK(writer.committed() == std::vector<int>{0, 1, 2});
    writer.close(0);
  }
  const auto all = regression::read_back(dir.path() / "all.db");
  const auto halves = regression::read_back(dir.path() / "halves.db");
  for (const char* f : regression::kFiles) {
    CAPTURE(std::string(f));
    REQUIRE(all.at(f).size() > 10);
    CHECK(all.at(f) == halves.at(f));
  }
  // Replicate k of every arm is one commit: 3 replicates, 2 arms.
  CHECK(count(dir.path() / "halves.db", "SELECT COUNT(*) FROM comparison_replicates") == 3);
  CHECK(count(dir.path() / "halves.db", "SELECT COUNT(DISTINCT run_id || ':' || replicate) FROM metrics") == 6);
}

TEST_CASE("runs: a cancelled experiment stores nothing, and its runs say it was interrupted") {
  const auto e = small_experiment(2);
  test::TempDir dir;
  const fs::path db = dir.path() / "r.db";
  results::ResultsStore store(db);
  runs::StoreWriter writer(store, e, {"test", 2});
  runs::CancelToken token;
  runs::Controls controls;
  controls.cancel = &token;
  // Cancel once the first replicate of every arm is committed: something was stored, and must go.
  long long committed_before_cancel = 0;
  controls.after_month = [&](const runs::Task& t, int month) {
    if (t.replicate == 1 && month == 6) {
      committed_before_cancel = count(db, "SELECT COUNT(*) FROM comparison_replicates");
      token.cancel();
    }
  };
  controls.threads = 1;  // replicate 0 of both arms finishes before replicate 1 starts
  CHECK_THROWS_AS(runs::run_and_store(e, writer, controls), shiftsim::Cancelled);
  CHECK(committed_before_cancel == 1);
  for (const char* table : {"metrics", "outcomes", "outcome_summary", "parameters", "system_stocks", "comparisons", "comparison_replicates"})
    CHECK_MESSAGE(count(db, std::string("SELECT COUNT(*) FROM ") + table) == 0, table);
  CHECK(count(db, "SELECT COUNT(*) FROM runs WHERE status = 'interrupted'") == 2);
}

TEST_CASE("runs: a failing task fails the experiment (stop_all) and stores nothing, and finish_others lets the rest finish") {
  const auto e = small_experiment(2);
  test::TempDir dir;
  runs::Controls controls;
  controls.threads = 2;
  controls.after_month = [](const runs::Task& t, int month) {
    if (t.arm == 1 && t.replicate == 0 && month == 3) throw InternalError("injected");
  };
  {
    const fs::path db = dir.path() / "stop.db";
    results::ResultsStore store(db);
    runs::StoreWriter writer(store, e, {"test", 2});
    CHECK_THROWS_WITH_AS(runs::run_and_store(e, writer, controls), "injected", InternalError);
    CHECK(count(db, "SELECT COUNT(*) FROM metrics") == 0);
    CHECK(count(db, "SELECT COUNT(*) FROM runs WHERE status = 'failed' AND message = 'injected'") == 2);
  }
  controls.on_error = runs::OnError::finish_others;
  std::set<std::pair<int, int>> finished;
  CHECK_THROWS_AS(runs::run_tasks(e, e.tasks(), controls,
                                  [&](const runs::Task& t, runs::TaskResult&&) { finished.insert({t.arm, t.replicate}); }),
                  InternalError);
  CHECK(finished == std::set<std::pair<int, int>>{{0, 0}, {0, 1}, {1, 1}});
}

TEST_CASE("runs: progress reaches every month of every task, and the plan follows the settings") {
  const auto e = small_experiment(2);
  CHECK(e.months() == 24);
  CHECK(e.plan_months() == 12);
  CHECK(e.tasks().size() == 4);
  CHECK(e.seed_of(0) == e.seed_of(1));  // common random numbers
  std::atomic<long> last{0}, total{0};
  runs::Controls controls;
  controls.threads = 1;  // a progress call is skipped only when another is in progress
  controls.progress = [&](const runs::Progress& p) {
    last = p.months_done;
    total = p.months_total;
  };
  int done = 0;
  runs::run_tasks(e, {{0, 0}, {1, 1}}, controls, [&](const runs::Task&, runs::TaskResult&& r) {
    CHECK(r.output->months == 24);
    ++done;
  });
  CHECK(done == 2);
  CHECK(total == 48);
  CHECK(last == 48);
  CHECK_THROWS_AS(runs::run_tasks(e, {{2, 0}}, controls, [](const runs::Task&, runs::TaskResult&&) {}), InternalError);
}

TEST_CASE("runs: arms that cannot be compared are refused with the file and field") {
  const fs::path s = fs::path(SHIFTSIM_SOURCE_DIR) / "scenarios";
  test::TempDir dir;
  std::ofstream(dir.path() / "later.json") << R"({"name": "shorter", "years": 3})";
  runs::ExperimentSettings settings;
  try {
    runs::Experiment e(runs::prepare_arms({s / "baseline.json", dir.path() / "later.json"}, {SHIFTSIM_TEST_DATA_DIR, ""}), settings);
    FAIL("accepted arms with different horizons");
  } catch (const InputError& err) {
    const std::string message = err.what();
    INFO(message);
    CHECK(std::string(err.what()).find("later.json: /years is 3, but the baseline") != std::string::npos);
  }
  settings.mode = model::Mode::sd;
  CHECK_THROWS_AS(runs::Experiment({runs::prepare_arm(s / "shift1_prevention.json", {SHIFTSIM_TEST_DATA_DIR, ""})}, settings), InputError);
}

TEST_CASE("runs: a run longer than the scenario stops its funding with the scenario's years unless continue_funding carries it on") {
  test::TempDir dir;
  const fs::path s = fs::path(SHIFTSIM_SOURCE_DIR) / "scenarios";
  fs::copy_file(s / "baseline.json", dir.path() / "baseline.json");
  // Five years from mid-2018: funded FY2019/20 to FY2023/24 (whose April-June ends the plan),
  // one intervention with its own end in 2020.
  const std::string ivs = R"("interventions": [{"name": "open", "type": "falls_prevention", "start": "2019-04", "budget": 1000000},
      {"name": "ended", "type": "smoking_cessation", "start": "2019-04", "end": "2020-03", "budget": 500000}])";
  std::ofstream(dir.path() / "stops.json") << R"({"name": "stops", "extends": "baseline.json", )" + ivs + "}";
  std::ofstream(dir.path() / "goes_on.json")
      << R"({"name": "goes_on", "extends": "baseline.json", "finance": {"continue_funding": true}, )" + ivs + "}";
  runs::ExperimentSettings settings;
  settings.years = 8;  // to June 2026
  const runs::Experiment e(runs::prepare_arms({dir.path() / "baseline.json", dir.path() / "stops.json", dir.path() / "goes_on.json"},
                                              {SHIFTSIM_TEST_DATA_DIR, ""}),
                           settings);
  const auto& stops = e.arms()[1].policy->interventions;
  const auto& goes_on = e.arms()[2].policy->interventions;
  // Without it: funding ends in June 2023 (month 59) and no budget after FY2023/24.
  CHECK(stops[0].end_month == 59);
  CHECK(stops[0].budget.rbegin()->first == 2023);
  // With it: to the run's last month (95, June 2026), FY2024/25 to FY2026/27 at FY2023/24's GBP 1m.
  CHECK(goes_on[0].end_month == 95);
  REQUIRE(goes_on[0].budget.rbegin()->first == 2026);
  for (int fy = 2024; fy <= 2026; ++fy) CHECK(goes_on[0].budget_in(fy) == doctest::Approx(1e6));
  // An intervention with its own end keeps it either way.
  CHECK(goes_on[1].end_month == stops[1].end_month);
  CHECK(goes_on[1].budget.size() == stops[1].budget.size());
  // Stated with the arm's finance rules, for the store and the outputs.
  CHECK(e.finance()[2].continue_funding);
  CHECK_FALSE(e.finance()[1].continue_funding);
}

TEST_CASE("runs: a plan starting after the data's base year runs in from the base year and reports from its start") {
  test::TempDir dir;
  std::ofstream(dir.path() / "base.json") << R"({"name": "b", "start_year": 2020, "years": 3})";
  std::ofstream(dir.path() / "plan.json")
      << R"({"name": "p", "start_year": 2020, "years": 3, "interventions": [{"type": "falls_prevention", "budget": 100000}]})";
  runs::ExperimentSettings settings;
  const runs::Experiment e(runs::prepare_arms({dir.path() / "base.json", dir.path() / "plan.json"}, {SHIFTSIM_TEST_DATA_DIR, ""}), settings);
  CHECK(e.run_start_year() == 2018);
  CHECK(e.run_in_months() == 24);
  CHECK(e.months() == 60);
  CHECK(e.years() == 3);
  CHECK(e.periods().front() == "FY2020/21 (Jul-Mar)");
  // The intervention's default start is the plan's (model month 24, July 2020), its funding to June 2023.
  CHECK(e.arms()[1].policy->interventions[0].start_month == 24);
  CHECK(e.arms()[1].policy->interventions[0].end_month == 59);
}

TEST_CASE("runs: arms with equal worlds share each replicate's synthesised people, and each arm's answer is the one it gets alone") {
  // Synthesis and calibration depend on the world, seed, replicate and scale only: the baseline
  // and a scenario that sets no parameter share them (made once, copied); an arm that sets a
  // parameter makes its own. Sharing must not move a single number.
  const fs::path s = fs::path(SHIFTSIM_SOURCE_DIR) / "scenarios";
  auto arms = runs::prepare_arms({s / "baseline.json", s / "shift1_prevention.json"}, {SHIFTSIM_TEST_DATA_DIR, ""});
  arms.push_back(runs::with_parameters(arms[1], {{"intervention.smoking_cessation.quit_probability", 0.14}}));
  runs::ExperimentSettings settings;
  settings.replicates = 2;
  settings.years = 1;
  settings.scale = 0.01;
  const runs::Experiment e(std::move(arms), settings);
  auto run = [&](const std::vector<runs::Task>& tasks) {
    std::map<std::pair<int, int>, std::unique_ptr<model::RunOutput>> out;
    runs::Controls controls;
    controls.threads = 2;
    runs::run_tasks(e, tasks, controls, [&](const runs::Task& t, runs::TaskResult&& r) { out[{t.arm, t.replicate}] = std::move(r.output); });
    return out;
  };
  const auto together = run(e.tasks());
  std::map<std::pair<int, int>, std::unique_ptr<model::RunOutput>> alone;
  for (const auto& t : e.tasks()) alone[{t.arm, t.replicate}] = std::move(run({t}).at({t.arm, t.replicate}));
  REQUIRE(together.size() == 6);
  for (const auto& [k, a] : together) {
    CAPTURE(k.first);
    CAPTURE(k.second);
    const model::RunOutput& b = *alone.at(k);
    // Phase 0 is the synthesis: carried by the arm that made the people, none in the arm that
    // copied them.
    if (k.first < 2) CHECK((a->phase_seconds[0] > 0.0) != (together.at({1 - k.first, k.second})->phase_seconds[0] > 0.0));
    else CHECK(a->phase_seconds[0] > 0.0);
    CHECK(b.phase_seconds[0] > 0.0);
    REQUIRE(a->flows.size() == b.flows.size());
    for (std::size_t m = 0; m < a->flows.size(); ++m) CHECK(a->flows[m].cells == b.flows[m].cells);
    REQUIRE(a->diagnostics.size() == b.diagnostics.size());
    for (std::size_t d = 0; d < a->diagnostics.size(); ++d) {
      CHECK(a->diagnostics[d].name == b.diagnostics[d].name);
      CHECK(a->diagnostics[d].value == b.diagnostics[d].value);
    }
    CHECK(a->survivors == b.survivors);
    CHECK(a->agents_at_start == b.agents_at_start);
  }
}
