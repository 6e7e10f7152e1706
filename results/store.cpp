#include "results/store.hpp"

#include "results/format.hpp"

#include "model/programmes/programmes.hpp"
#include "results/statement.hpp"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <cerrno>
#include <csignal>
#include <ctime>
#include <sys/types.h>
#include <unistd.h>

namespace shiftsim::results {

namespace {

const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS schema_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO schema_info VALUES ('schema_version', '2');
CREATE TABLE IF NOT EXISTS runs (
  run_id INTEGER PRIMARY KEY AUTOINCREMENT,
  scenario_name TEXT NOT NULL,
  scenario_text TEXT NOT NULL,
  scenario_path TEXT,
  data_version TEXT NOT NULL,
  parameters_version TEXT NOT NULL,
  program_version TEXT NOT NULL,
  seed INTEGER NOT NULL,
  replicates INTEGER NOT NULL,
  scale REAL NOT NULL,
  threads INTEGER NOT NULL,
  start_year INTEGER NOT NULL,
  years INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
  message TEXT,
  wall_seconds REAL,
  agents INTEGER,
  agent_months_per_second REAL,
  pid INTEGER,
  host TEXT
);
CREATE TABLE IF NOT EXISTS metrics (
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  replicate INTEGER NOT NULL,
  period_type TEXT NOT NULL,
  period TEXT NOT NULL,
  start_month TEXT NOT NULL,
  end_month TEXT NOT NULL,
  months INTEGER NOT NULL,
  icp TEXT NOT NULL,
  imd_quintile INTEGER NOT NULL,
  metric TEXT NOT NULL,
  value REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS metrics_by_run ON metrics (run_id, metric, period_type);
CREATE TABLE IF NOT EXISTS area_metrics (
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  replicate INTEGER NOT NULL,
  period_type TEXT NOT NULL,
  period TEXT NOT NULL,
  start_month TEXT NOT NULL,
  end_month TEXT NOT NULL,
  months INTEGER NOT NULL,
  area_type TEXT NOT NULL CHECK (area_type IN ('district', 'neighbourhood')),
  area TEXT NOT NULL,
  area_name TEXT NOT NULL,
  metric TEXT NOT NULL,
  value REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS area_metrics_by_run ON area_metrics (run_id, metric, area_type);
CREATE TABLE IF NOT EXISTS parameters (
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  replicate INTEGER NOT NULL,
  name TEXT NOT NULL,
  value REAL,
  unit TEXT NOT NULL,
  uncertainty TEXT,
  derived INTEGER NOT NULL,
  source TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS diagnostics (
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  replicate INTEGER NOT NULL,
  name TEXT NOT NULL,
  value REAL NOT NULL,
  note TEXT
);
CREATE TABLE IF NOT EXISTS metric_dictionary (
  metric TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  unit TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS interventions (
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  intervention TEXT NOT NULL,
  type TEXT NOT NULL,
  shifts TEXT NOT NULL,
  reach TEXT NOT NULL,
  start_month TEXT NOT NULL,
  end_month TEXT NOT NULL,
  unit_cost_gbp REAL NOT NULL,
  unit_cost_basis TEXT NOT NULL,
  max_uptake REAL,
  ramp_up_months INTEGER NOT NULL,
  effect_half_life_months REAL NOT NULL,
  effects TEXT NOT NULL,
  budget TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS intervention_metrics (
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  replicate INTEGER NOT NULL,
  intervention TEXT NOT NULL,
  period_type TEXT NOT NULL,
  period TEXT NOT NULL,
  start_month TEXT NOT NULL,
  end_month TEXT NOT NULL,
  months INTEGER NOT NULL,
  metric TEXT NOT NULL,
  value REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS system_stocks (
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  replicate INTEGER NOT NULL,
  icp TEXT NOT NULL,
  after_month INTEGER NOT NULL,
  month TEXT NOT NULL,
  variable TEXT NOT NULL,
  unit TEXT NOT NULL,
  value REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS comparisons (
  comparison_id INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at TEXT NOT NULL,
  baseline_run_id INTEGER NOT NULL REFERENCES runs(run_id),
  common_random_numbers INTEGER NOT NULL,
  periods TEXT NOT NULL,
  plan_months INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'completed' CHECK (status IN ('running', 'completed')),
  resumable INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS comparison_replicates (
  comparison_id INTEGER NOT NULL REFERENCES comparisons(comparison_id),
  replicate INTEGER NOT NULL,
  committed_at TEXT NOT NULL,
  PRIMARY KEY (comparison_id, replicate)
);
CREATE TABLE IF NOT EXISTS comparison_arms (
  comparison_id INTEGER NOT NULL REFERENCES comparisons(comparison_id),
  arm INTEGER NOT NULL,
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  role TEXT NOT NULL CHECK (role IN ('baseline', 'scenario', 'single')),
  price_base_year INTEGER NOT NULL,
  discount_rate_costs REAL NOT NULL,
  discount_rate_health REAL NOT NULL,
  cashable TEXT NOT NULL,
  optimism_bias_costs REAL NOT NULL DEFAULT 0,
  optimism_bias_benefits REAL NOT NULL DEFAULT 0,
  funding_source TEXT NOT NULL DEFAULT 'new_money',
  continue_funding INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS outcomes (
  comparison_id INTEGER NOT NULL REFERENCES comparisons(comparison_id),
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  replicate INTEGER NOT NULL,
  period TEXT NOT NULL,
  breakdown TEXT NOT NULL,
  outcome TEXT NOT NULL,
  value REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS outcomes_by_comparison ON outcomes (comparison_id, outcome);
CREATE TABLE IF NOT EXISTS outcome_summary (
  comparison_id INTEGER NOT NULL REFERENCES comparisons(comparison_id),
  run_id INTEGER NOT NULL REFERENCES runs(run_id),
  period TEXT NOT NULL,
  breakdown TEXT NOT NULL,
  outcome TEXT NOT NULL,
  n INTEGER NOT NULL,
  mean REAL,
  median REAL,
  p05 REAL,
  p95 REAL,
  mcse REAL
);
CREATE INDEX IF NOT EXISTS outcome_summary_by_comparison ON outcome_summary (comparison_id, outcome);
CREATE TABLE IF NOT EXISTS outcome_dictionary (
  outcome TEXT PRIMARY KEY,
  unit TEXT NOT NULL,
  scope TEXT NOT NULL,
  breakdowns TEXT NOT NULL,
  definition TEXT NOT NULL
);
CREATE VIEW IF NOT EXISTS metrics_region AS
  SELECT run_id, replicate, period_type, period, start_month, end_month, months, metric, SUM(value) AS value
  FROM metrics GROUP BY run_id, replicate, period_type, period, metric;
)SQL";

std::string hostname() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

}  // namespace

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

ResultsStore::ResultsStore(const std::filesystem::path& file) : path_(file.string()) {
  if (sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    const std::string msg = database_problem(db_, "cannot open it", path_);
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError(msg);
  }
  sqlite3_busy_timeout(db_, 10000);
  exec("PRAGMA journal_mode=WAL;");
  exec("PRAGMA foreign_keys=ON;");
  exec(kSchema);
  // Databases from before the plan period and per-replicate commits: add their columns.
  {
    auto has_column = [&](const char* table, const char* column) {
      const std::string sql = std::string("PRAGMA table_info(") + table + ")";
      Statement cols(db_, sql.c_str());
      while (cols.step(db_))
        if (cols.text(1) == column) return true;
      return false;
    };
    if (!has_column("comparisons", "plan_months")) exec("ALTER TABLE comparisons ADD COLUMN plan_months INTEGER NOT NULL DEFAULT 0;");
    if (!has_column("comparisons", "status"))
      exec("ALTER TABLE comparisons ADD COLUMN status TEXT NOT NULL DEFAULT 'completed' CHECK (status IN ('running', 'completed'));");
    // ... and before resumable comparisons (a sweep's: kept when their process stops).
    if (!has_column("comparisons", "resumable")) exec("ALTER TABLE comparisons ADD COLUMN resumable INTEGER NOT NULL DEFAULT 0;");
    // ... and before the summaries' Monte Carlo standard errors (their rows keep NULL).
    if (!has_column("outcome_summary", "mcse")) exec("ALTER TABLE outcome_summary ADD COLUMN mcse REAL;");
    // ... and before the arms' optimism bias (older arms had none).
    if (!has_column("comparison_arms", "optimism_bias_costs")) {
      exec("ALTER TABLE comparison_arms ADD COLUMN optimism_bias_costs REAL NOT NULL DEFAULT 0;");
      exec("ALTER TABLE comparison_arms ADD COLUMN optimism_bias_benefits REAL NOT NULL DEFAULT 0;");
    }
    // ... and before the arms' funding source and funding beyond the plan (older arms: new
    // money, stopping with the scenario's years, which is what they ran).
    if (!has_column("comparison_arms", "funding_source")) {
      exec("ALTER TABLE comparison_arms ADD COLUMN funding_source TEXT NOT NULL DEFAULT 'new_money';");
      exec("ALTER TABLE comparison_arms ADD COLUMN continue_funding INTEGER NOT NULL DEFAULT 0;");
    }
  }
  // Runs left 'running' by a process on this host that no longer exists were interrupted
  // (except a resumable comparison's, a sweep's: its committed replicates stay, and the sweep
  // run again takes them over, runs/sweep.hpp).
  Statement q(db_,
              "SELECT run_id, pid FROM runs r WHERE status = 'running' AND host = ? AND NOT EXISTS (SELECT 1 FROM comparison_arms a "
              "JOIN comparisons c ON c.comparison_id = a.comparison_id WHERE a.run_id = r.run_id AND c.status = 'running' AND "
              "c.resumable = 1)");
  q.bind(1, hostname());
  std::vector<long long> stale;
  // (Only a process that does not exist: EPERM is a live process of another user.)
  while (q.step(db_))
    if (kill(static_cast<pid_t>(q.integer(1)), 0) != 0 && errno == ESRCH) stale.push_back(q.integer(0));
  // What they committed before they stopped is deleted: an interrupted run stores nothing.
  for (long long id : stale)
    in_transaction(db_, [&] {
      Statement c(db_, "SELECT DISTINCT a.comparison_id FROM comparison_arms a JOIN comparisons c ON c.comparison_id = a.comparison_id "
                       "WHERE a.run_id = ? AND c.status = 'running'");
      c.bind_int(1, id);
      std::vector<long long> open;
      while (c.step(db_)) open.push_back(c.integer(0));
      for (long long cid : open) delete_comparison_rows(cid);
      delete_run_rows(id);
      end_run_without_results(id, "interrupted", "the process running it stopped before it finished");
    });
  // A comparison left open whose runs all ended (failed, interrupted or completed by a
  // program that did not close it) stores nothing either.
  {
    Statement c(db_, "SELECT comparison_id FROM comparisons c WHERE status = 'running' AND NOT EXISTS (SELECT 1 FROM comparison_arms a "
                     "JOIN runs r ON r.run_id = a.run_id WHERE a.comparison_id = c.comparison_id AND r.status = 'running')");
    std::vector<long long> orphans;
    while (c.step(db_)) orphans.push_back(c.integer(0));
    for (long long cid : orphans)
      in_transaction(db_, [&] {
        Statement runs_of(db_, "SELECT run_id FROM comparison_arms WHERE comparison_id = ?");
        runs_of.bind_int(1, cid);
        std::vector<long long> ids;
        while (runs_of.step(db_)) ids.push_back(runs_of.integer(0));
        delete_comparison_rows(cid);
        for (long long id : ids) delete_run_rows(id);
      });
  }
  // Metric dictionary.
  exec("BEGIN");
  Statement ins(db_, "INSERT OR REPLACE INTO metric_dictionary (metric, kind, unit) VALUES (?, ?, ?)");
  for (int m = 0; m < kAllMetrics; ++m) {
    const bool stock = metric_is_stock(m);
    ins.bind(1, metric_name(m))
        .bind(2, std::string(stock ? "stock" : "flow"))
        .bind(3, stock ? model::stock_metric_unit(m - model::kFlowMetrics) : model::flow_metric_unit(m));
    ins.run(db_);
  }
  for (const auto& am : area_metric_list()) {
    if (!am.most_deprived_only) continue;  // the others are the metrics above
    const bool stock = metric_is_stock(am.metric);
    const std::string unit = stock ? model::stock_metric_unit(am.metric - model::kFlowMetrics) : model::flow_metric_unit(am.metric);
    ins.bind(1, am.name).bind(2, std::string(stock ? "stock" : "flow")).bind(3, unit + " (residents in IMD quintile 1, area_metrics only)");
    ins.run(db_);
  }
  for (int m = 0; m < model::kProgrammeMetrics; ++m) {
    ins.bind(1, "intervention." + model::programme_metric_name(m)).bind(2, std::string("intervention")).bind(3, model::programme_metric_unit(m));
    ins.run(db_);
  }
  Statement od(db_, "INSERT OR REPLACE INTO outcome_dictionary (outcome, unit, scope, breakdowns, definition) VALUES (?, ?, ?, ?, ?)");
  for (const auto& o : outcome_dictionary()) {
    od.bind(1, o.name).bind(2, o.unit).bind(3, o.scope).bind(4, o.breakdowns).bind(5, o.definition);
    od.run(db_);
  }
  exec("COMMIT");
}

ResultsStore::~ResultsStore() { sqlite3_close(db_); }

void ResultsStore::exec(const std::string& sql) const {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    sqlite3_free(err);
    throw StoreError(database_problem(db_, "a statement failed"));
  }
}

std::int64_t ResultsStore::begin_run(const RunRecord& r) {
  Statement s(db_,
              "INSERT INTO runs (scenario_name, scenario_text, scenario_path, data_version, parameters_version, "
              "program_version, seed, replicates, scale, threads, start_year, years, started_at, status, pid, host) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)");
  s.bind(1, r.scenario_name).bind(2, r.scenario_text).bind(3, r.scenario_path).bind(4, r.data_version);
  s.bind(5, r.parameters_version).bind(6, r.program_version).bind_int(7, r.seed).bind_int(8, r.replicates);
  s.bind(9, r.scale).bind_int(10, r.threads).bind_int(11, r.start_year).bind_int(12, r.years).bind(13, utc_now());
  s.bind_int(14, getpid()).bind(15, hostname());
  s.run(db_);
  return sqlite3_last_insert_rowid(db_);
}

void ResultsStore::complete_run(std::int64_t run_id, const std::vector<ReplicateResult>& replicates,
                                const std::vector<std::string>& icp_names, double wall_seconds,
                                double agent_months_per_second, const model::Policy* policy) {
  in_transaction(db_, [&] {
    if (policy && !replicates.empty())
      write_interventions(run_id, *policy, replicates.front().output->start_year, 1.0, replicates.front().output->start_year);
    long long agents = 0;
    for (const auto& r : replicates) {
      write_replicate(run_id, r, icp_names);
      agents += static_cast<long long>(r.output->agents_at_start);
    }
    Statement u(db_,
                "UPDATE runs SET status = 'completed', finished_at = ?, wall_seconds = ?, agents = ?, agent_months_per_second = ? "
                "WHERE run_id = ?");
    u.bind(1, utc_now()).bind(2, wall_seconds).bind_int(3, agents).bind(4, agent_months_per_second).bind_int(5, run_id);
    u.run(db_);
  });
}

std::int64_t ResultsStore::begin_comparison(const ComparisonSpec& spec) {
  if (spec.run_ids.empty() || spec.finance.size() != spec.run_ids.size())
    throw StoreError("begin_comparison: every arm needs a run and finance rules");
  return in_transaction(db_, [&] {
    nlohmann::json periods = spec.periods;
    Statement c(db_,
                "INSERT INTO comparisons (created_at, baseline_run_id, common_random_numbers, periods, plan_months, status, resumable) "
                "VALUES (?, ?, ?, ?, ?, 'running', ?)");
    c.bind(1, utc_now()).bind_int(2, spec.run_ids.front()).bind_int(3, spec.common_random_numbers ? 1 : 0).bind(4, periods.dump());
    c.bind_int(5, spec.plan_months).bind_int(6, spec.resumable ? 1 : 0);
    c.run(db_);
    const std::int64_t id = sqlite3_last_insert_rowid(db_);
    Statement a(db_,
                "INSERT INTO comparison_arms (comparison_id, arm, run_id, role, price_base_year, discount_rate_costs, "
                "discount_rate_health, cashable, optimism_bias_costs, optimism_bias_benefits, funding_source, continue_funding) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (std::size_t k = 0; k < spec.run_ids.size(); ++k) {
      const FinanceSettings& f = spec.finance[k];
      const std::string role = spec.run_ids.size() == 1 ? "single" : k == 0 ? "baseline" : "scenario";
      a.bind_int(1, id).bind_int(2, static_cast<long long>(k)).bind_int(3, spec.run_ids[k]).bind(4, role);
      a.bind_int(5, f.price_base_year).bind(6, f.rate_costs).bind(7, f.rate_health).bind(8, nlohmann::json(f.cashable).dump());
      a.bind(9, f.optimism_costs).bind(10, f.optimism_benefits).bind(11, f.funding_source).bind_int(12, f.continue_funding ? 1 : 0);
      a.run(db_);
      if (k < spec.policies.size() && spec.policies[k])
        write_interventions(spec.run_ids[k], *spec.policies[k], spec.run_start_year > 0 ? spec.run_start_year : run(spec.run_ids[k]).start_year,
                            f.price_factor, f.price_base_year);
      if (k < spec.central.size() && spec.central[k]) write_parameters(spec.run_ids[k], -1, *spec.central[k]);
    }
    return id;
  });
}

namespace {
std::vector<std::int64_t> arm_runs(sqlite3* db, std::int64_t comparison_id) {
  Statement s(db, "SELECT run_id FROM comparison_arms WHERE comparison_id = ? ORDER BY arm");
  s.bind_int(1, comparison_id);
  std::vector<std::int64_t> ids;
  while (s.step(db)) ids.push_back(s.integer(0));
  if (ids.empty()) throw StoreError("there is no comparison " + std::to_string(comparison_id));
  return ids;
}
}  // namespace

void ResultsStore::commit_replicate(std::int64_t comparison_id, int replicate, const std::vector<ReplicateResult>& arms,
                                    const std::vector<std::string>& icp_names, const std::vector<OutcomeValue>& outcomes) {
  const auto run_ids = arm_runs(db_, comparison_id);
  if (arms.size() != run_ids.size()) throw StoreError("commit_replicate: one result per arm is needed");
  in_transaction(db_, [&] {
    Statement done(db_, "INSERT INTO comparison_replicates (comparison_id, replicate, committed_at) VALUES (?, ?, ?)");
    done.bind_int(1, comparison_id).bind_int(2, replicate).bind(3, utc_now());
    done.run(db_);  // the primary key refuses a replicate committed twice
    Statement agents(db_, "UPDATE runs SET agents = coalesce(agents, 0) + ? WHERE run_id = ?");
    for (std::size_t a = 0; a < arms.size(); ++a) {
      write_replicate(run_ids[a], arms[a], icp_names);
      agents.bind_int(1, static_cast<long long>(arms[a].output->agents_at_start)).bind_int(2, run_ids[a]);
      agents.run(db_);
    }
    const auto& dict = outcome_dictionary();
    Statement v(db_, "INSERT INTO outcomes (comparison_id, run_id, replicate, period, breakdown, outcome, value) VALUES (?, ?, ?, ?, ?, ?, ?)");
    for (const auto& x : outcomes) {
      if (x.replicate != replicate) throw StoreError("commit_replicate: an outcome of another replicate");
      v.bind_int(1, comparison_id).bind_int(2, run_ids[static_cast<std::size_t>(x.arm)]).bind_int(3, x.replicate).bind(4, x.period);
      v.bind(5, x.breakdown).bind(6, dict[static_cast<std::size_t>(x.outcome)].name).bind(7, x.value);
      v.run(db_);
    }
  });
}

std::vector<std::int64_t> ResultsStore::comparison_runs(std::int64_t comparison_id) const { return arm_runs(db_, comparison_id); }

bool ResultsStore::comparison_completed(std::int64_t comparison_id) const {
  Statement s(db_, "SELECT status FROM comparisons WHERE comparison_id = ?");
  s.bind_int(1, comparison_id);
  if (!s.step(db_)) throw StoreError("there is no comparison " + std::to_string(comparison_id));
  return s.text(0) == "completed";
}

void ResultsStore::claim_comparison(std::int64_t comparison_id) {
  const auto ids = arm_runs(db_, comparison_id);
  const std::string host = hostname();
  in_transaction(db_, [&] {
    for (const auto id : ids) {
      Statement q(db_, "SELECT pid, host, status FROM runs WHERE run_id = ?");
      q.bind_int(1, id);
      if (!q.step(db_)) throw StoreError("comparison " + std::to_string(comparison_id) + " names run " + std::to_string(id) + ", which is not stored");
      if (q.text(2) != "running")
        throw StoreError("comparison " + std::to_string(comparison_id) + ": run " + std::to_string(id) + " is " + q.text(2) +
                         ", so the comparison cannot be resumed");
      const auto pid = static_cast<pid_t>(q.integer(0));
      // (A holder on another host cannot be checked from here: a sweep must not be run twice at
      // once on two machines, docs/sweeps.md.)
      if (q.text(1) == host && pid != getpid() && kill(pid, 0) == 0)
        throw StoreError("comparison " + std::to_string(comparison_id) + " is being run by process " + std::to_string(pid) +
                         " on this machine; wait for it to finish or stop it, then run the sweep again to resume");
    }
    Statement u(db_, "UPDATE runs SET pid = ?, host = ? WHERE run_id = ?");
    for (const auto id : ids) {
      u.bind_int(1, getpid()).bind(2, host).bind_int(3, id);
      u.run(db_);
    }
  });
}

std::vector<unsigned char> ResultsStore::serialize() const {
  sqlite3_int64 size = 0;
  unsigned char* data = sqlite3_serialize(db_, "main", &size, 0);
  if (!data) throw StoreError("results database " + path_ + ": cannot serialise it (out of memory?)");
  std::vector<unsigned char> out(data, data + size);
  sqlite3_free(data);
  return out;
}

namespace {
std::vector<std::string> columns_of(sqlite3* db, const std::string& table) {
  const std::string sql = "PRAGMA main.table_info(" + table + ")";
  Statement cols(db, sql.c_str());
  std::vector<std::string> out;
  while (cols.step(db)) out.push_back(cols.text(1));
  return out;
}
}  // namespace

void ResultsStore::import_replicate(const std::vector<unsigned char>& bytes, int replicate, std::int64_t comparison_id) {
  const auto run_ids = arm_runs(db_, comparison_id);
  exec("ATTACH DATABASE ':memory:' AS inbox;");
  struct Detach {
    sqlite3* db;
    ~Detach() { sqlite3_exec(db, "DETACH DATABASE inbox;", nullptr, nullptr, nullptr); }
  } detach{db_};
  auto* buffer = static_cast<unsigned char*>(sqlite3_malloc64(bytes.size()));
  if (!buffer) throw StoreError("results database " + path_ + ": out of memory reading a worker's replicate");
  std::copy(bytes.begin(), bytes.end(), buffer);
  const auto n = static_cast<sqlite3_int64>(bytes.size());
  // (Writable, though only read: BEGIN IMMEDIATE takes a write lock on every attached database.)
  if (sqlite3_deserialize(db_, "inbox", buffer, n, n, SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE) != SQLITE_OK)
    throw StoreError("results database " + path_ + ": a worker's replicate could not be read: " + sqlite3_errmsg(db_));
  std::int64_t inbox_comparison = 0;
  {
    Statement c(db_, "SELECT comparison_id FROM inbox.comparisons");
    int found = 0;
    while (c.step(db_)) {
      inbox_comparison = c.integer(0);
      ++found;
    }
    if (found != 1) throw StoreError("a worker's replicate holds " + std::to_string(found) + " comparisons, not one");
  }
  std::vector<std::int64_t> inbox_runs;
  {
    Statement a(db_, "SELECT run_id FROM inbox.comparison_arms WHERE comparison_id = ? ORDER BY arm");
    a.bind_int(1, inbox_comparison);
    while (a.step(db_)) inbox_runs.push_back(a.integer(0));
  }
  if (inbox_runs.size() != run_ids.size())
    throw StoreError("a worker's replicate has " + std::to_string(inbox_runs.size()) + " arms; comparison " + std::to_string(comparison_id) +
                     " has " + std::to_string(run_ids.size()));
  std::string mapped = "CASE run_id";
  std::string listed;
  for (std::size_t k = 0; k < run_ids.size(); ++k) {
    mapped += " WHEN " + std::to_string(inbox_runs[k]) + " THEN " + std::to_string(run_ids[k]);
    listed += (k ? ", " : "") + std::to_string(inbox_runs[k]);
  }
  mapped += " END";
  in_transaction(db_, [&] {
    Statement done(db_, "INSERT INTO main.comparison_replicates (comparison_id, replicate, committed_at) VALUES (?, ?, ?)");
    done.bind_int(1, comparison_id).bind_int(2, replicate).bind(3, utc_now());
    done.run(db_);  // the primary key refuses a replicate committed twice
    // Every per-replicate table, in the worker's row order (the summaries read outcomes in it).
    for (const char* table : {"metrics", "area_metrics", "parameters", "diagnostics", "system_stocks", "intervention_metrics", "outcomes"}) {
      const auto cols = columns_of(db_, table);
      std::string names, values;
      for (const auto& c : cols) {
        names += (names.empty() ? "" : ", ") + c;
        values += (values.empty() ? "" : ", ") +
                  (c == "run_id" ? mapped : c == "comparison_id" ? std::to_string(comparison_id) : c);
      }
      std::string sql = "INSERT INTO main." + std::string(table) + " (" + names + ") SELECT " + values + " FROM inbox." + table +
                        " WHERE replicate = " + std::to_string(replicate) + " AND run_id IN (" + listed + ")";
      if (std::string(table) == "outcomes") sql += " AND comparison_id = " + std::to_string(inbox_comparison);
      sql += " ORDER BY rowid";
      exec(sql);
    }
    Statement agents(db_,
                     "UPDATE main.runs SET agents = coalesce(agents, 0) + (SELECT coalesce(agents, 0) FROM inbox.runs WHERE run_id = ?) "
                     "WHERE run_id = ?");
    for (std::size_t k = 0; k < run_ids.size(); ++k) {
      agents.bind_int(1, inbox_runs[k]).bind_int(2, run_ids[k]);
      agents.run(db_);
    }
  });
}

std::vector<int> ResultsStore::committed_replicates(std::int64_t comparison_id) const {
  Statement s(db_, "SELECT replicate FROM comparison_replicates WHERE comparison_id = ? ORDER BY replicate");
  s.bind_int(1, comparison_id);
  std::vector<int> out;
  while (s.step(db_)) out.push_back(static_cast<int>(s.integer(0)));
  return out;
}

std::vector<OutcomeValue> ResultsStore::committed_outcomes(std::int64_t comparison_id) const {
  Statement s(db_,
              "SELECT a.arm, o.replicate, o.period, o.breakdown, o.outcome, o.value FROM outcomes o JOIN comparison_arms a "
              "ON a.comparison_id = o.comparison_id AND a.run_id = o.run_id WHERE o.comparison_id = ? ORDER BY o.replicate, o.rowid");
  s.bind_int(1, comparison_id);
  std::vector<OutcomeValue> out;
  while (s.step(db_))
    out.push_back({static_cast<int>(s.integer(0)), static_cast<int>(s.integer(1)), s.text(2), s.text(3), outcome_index(s.text(4)), s.real(5)});
  return out;
}

std::map<std::string, std::vector<double>> ResultsStore::parameter_draws(std::int64_t run_id, int replicates) const {
  Statement s(db_,
              "SELECT name, replicate, value FROM parameters WHERE run_id = ? AND replicate >= 0 AND replicate < ? "
              "AND uncertainty IS NOT NULL AND value IS NOT NULL ORDER BY name, replicate");
  s.bind_int(1, run_id).bind_int(2, replicates);
  std::map<std::string, std::vector<double>> values;
  std::map<std::string, int> seen;
  while (s.step(db_)) {
    auto& v = values[s.text(0)];
    if (v.empty()) v.assign(static_cast<std::size_t>(replicates), 0.0);
    v[static_cast<std::size_t>(s.integer(1))] = s.real(2);
    ++seen[s.text(0)];
  }
  for (auto it = values.begin(); it != values.end();)
    it = seen[it->first] == replicates ? std::next(it) : values.erase(it);
  return values;
}

void ResultsStore::close_comparison(std::int64_t comparison_id, const std::vector<OutcomeSummary>& summary,
                                    const std::vector<RunTiming>& timings) {
  const auto run_ids = arm_runs(db_, comparison_id);
  in_transaction(db_, [&] {
    const auto& dict = outcome_dictionary();
    Statement sm(db_,
                 "INSERT INTO outcome_summary (comparison_id, run_id, period, breakdown, outcome, n, mean, median, p05, p95, mcse) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& x : summary) {
      sm.bind_int(1, comparison_id).bind_int(2, run_ids[static_cast<std::size_t>(x.arm)]).bind(3, x.period).bind(4, x.breakdown);
      sm.bind(5, dict[static_cast<std::size_t>(x.outcome)].name).bind_int(6, x.n);
      int col = 7;
      for (const auto& o : {x.mean, x.median, x.p05, x.p95, x.mcse}) {
        if (o) sm.bind(col, *o);
        else sm.bind_null(col);
        ++col;
      }
      sm.run(db_);
    }
    Statement u(db_,
                "UPDATE runs SET status = 'completed', finished_at = ?, wall_seconds = ?, agent_months_per_second = ? "
                "WHERE run_id = ? AND status = 'running'");
    for (std::size_t a = 0; a < run_ids.size(); ++a) {
      const RunTiming t = a < timings.size() ? timings[a] : RunTiming{};
      u.bind(1, utc_now()).bind(2, t.wall_seconds).bind(3, t.agent_months_per_second).bind_int(4, run_ids[a]);
      u.run(db_);
    }
    Statement c(db_, "UPDATE comparisons SET status = 'completed' WHERE comparison_id = ?");
    c.bind_int(1, comparison_id);
    c.run(db_);
  });
}

void ResultsStore::discard_comparison(std::int64_t comparison_id, const std::string& status, const std::string& message) {
  const auto run_ids = arm_runs(db_, comparison_id);
  in_transaction(db_, [&] {
    delete_comparison_rows(comparison_id);
    for (const auto id : run_ids) {
      delete_run_rows(id);
      end_run_without_results(id, status, message);
    }
  });
}

void ResultsStore::delete_comparison_rows(std::int64_t comparison_id) {
  for (const char* table : {"outcomes", "outcome_summary", "comparison_replicates", "comparison_arms", "comparisons"}) {
    Statement d(db_, (std::string("DELETE FROM ") + table + " WHERE comparison_id = ?").c_str());
    d.bind_int(1, comparison_id);
    d.run(db_);
  }
}

void ResultsStore::delete_run_rows(std::int64_t run_id) {
  for (const char* table : {"metrics", "area_metrics", "parameters", "diagnostics", "interventions", "intervention_metrics", "system_stocks"}) {
    Statement d(db_, (std::string("DELETE FROM ") + table + " WHERE run_id = ?").c_str());
    d.bind_int(1, run_id);
    d.run(db_);
  }
  Statement u(db_, "UPDATE runs SET agents = NULL WHERE run_id = ?");
  u.bind_int(1, run_id);
  u.run(db_);
}

void ResultsStore::write_parameters(std::int64_t run_id, long long replicate, const model::ParameterTable& table) {
  Statement p(db_,
              "INSERT INTO parameters (run_id, replicate, name, value, unit, uncertainty, derived, source) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& r : table.rows()) {
    p.bind_int(1, run_id).bind_int(2, replicate).bind(3, r.name);
    if (r.value) p.bind(4, *r.value);
    else p.bind_null(4);
    p.bind(5, r.unit);
    if (r.uncertainty.kind == model::Distribution::Kind::fixed) p.bind_null(6);
    else p.bind(6, r.uncertainty.to_string());
    p.bind_int(7, r.derived ? 1 : 0).bind(8, r.source);
    p.run(db_);
  }
}

void ResultsStore::write_interventions(std::int64_t run_id, const model::Policy& policy, int start_year, double price_factor,
                                       int price_year) {
  Statement iv(db_,
               "INSERT INTO interventions (run_id, intervention, type, shifts, reach, start_month, end_month, unit_cost_gbp, "
               "unit_cost_basis, max_uptake, ramp_up_months, effect_half_life_months, effects, budget) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  auto month = [&](int t) { return month_label(start_year, t); };
  for (const auto& spec : policy.interventions) {
    const auto& e = model::catalogue_entry(spec.type);
    nlohmann::json shifts = spec.shifts, effects = nlohmann::json::object(), budget = nlohmann::json::object();
    for (const auto& [kind, dist] : spec.effects) {
      std::string key;
      for (const auto& def : e.effects)
        if (def.kind == kind) key = def.key;
      effects[key] = {{"distribution", dist.to_string()}, {"mean", dist.mean()}};
      const auto share = spec.effect_share.find(kind);
      if (share != spec.effect_share.end()) effects[key]["share_of_rate"] = share->second;
    }
    for (const auto& [fy, by] : spec.budget) {
      nlohmann::json f = nlohmann::json::object();
      for (std::size_t k = 0; k < by.size(); ++k)
        if (by[k] > 0) f[model::kFunderNames[k]] = by[k] * price_factor;
      budget[std::to_string(fy)] = f;
    }
    const bool area = e.reach == model::Reach::area;
    iv.bind_int(1, run_id).bind(2, spec.name).bind(3, e.name).bind(4, shifts.dump()).bind(5, std::string(area ? "area" : "person"));
    iv.bind(6, month(spec.start_month)).bind(7, month(spec.end_month)).bind(8, spec.unit_cost * price_factor);
    const std::string prices = financial_year_label(price_year) + " prices";
    iv.bind(9, std::string(area ? "GBP per resident a year, " : "GBP per participant, ") + prices);
    if (area) iv.bind_null(10);
    else iv.bind(10, spec.max_uptake);
    iv.bind_int(11, spec.ramp_up_months).bind(12, spec.effect_half_life_months).bind(13, effects.dump()).bind(14, budget.dump());
    iv.run(db_);
  }
}

void ResultsStore::write_replicate(std::int64_t run_id, const ReplicateResult& rep, const std::vector<std::string>& icp_names) {
  Statement m(db_,
              "INSERT INTO metrics (run_id, replicate, period_type, period, start_month, end_month, months, icp, "
              "imd_quintile, metric, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  Statement d(db_, "INSERT INTO diagnostics (run_id, replicate, name, value, note) VALUES (?, ?, ?, ?, ?)");
  Statement ss(db_,
               "INSERT INTO system_stocks (run_id, replicate, icp, after_month, month, variable, unit, value) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  Statement im(db_,
               "INSERT INTO intervention_metrics (run_id, replicate, intervention, period_type, period, start_month, "
               "end_month, months, metric, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  const model::RunOutput& out = *rep.output;
  const auto periods = periods_of(out.start_year, out.months);
  const auto rows = long_rows(out, periods, static_cast<int>(icp_names.size()));
  std::vector<std::string> names(kAllMetrics);
  for (int k = 0; k < kAllMetrics; ++k) names[static_cast<std::size_t>(k)] = metric_name(k);
  for (const auto& row : rows) {
    const Period& pr = *row.period;
    m.bind_int(1, run_id).bind_int(2, row.replicate).bind(3, period_type_name(pr.type)).bind(4, pr.label);
    m.bind(5, pr.start).bind(6, pr.end).bind_int(7, pr.type == PeriodType::start ? 0 : pr.months());
    m.bind(8, icp_names[static_cast<std::size_t>(row.icp)]).bind_int(9, row.quintile);
    m.bind(10, names[static_cast<std::size_t>(row.metric)]).bind(11, row.value);
    m.run(db_);
  }
  // By district and neighbourhood.
  {
    Statement am(db_,
                 "INSERT INTO area_metrics (run_id, replicate, period_type, period, start_month, end_month, months, area_type, area, "
                 "area_name, metric, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    const auto& list = area_metric_list();
    for (const auto& row : area_rows(out, periods)) {
      const Period& pr = *row.period;
      const bool district = row.type == AreaType::district;
      const auto a = static_cast<std::size_t>(row.area);
      am.bind_int(1, run_id).bind_int(2, out.replicate).bind(3, period_type_name(pr.type)).bind(4, pr.label);
      am.bind(5, pr.start).bind(6, pr.end).bind_int(7, pr.type == PeriodType::start ? 0 : pr.months());
      am.bind(8, std::string(district ? "district" : "neighbourhood"));
      am.bind(9, district ? out.layout.district_codes[a] : out.layout.neighbourhood_names[a]);
      am.bind(10, district ? out.layout.district_names[a] : out.layout.neighbourhood_names[a]);
      am.bind(11, list[static_cast<std::size_t>(row.metric)].name).bind(12, row.value);
      am.run(db_);
    }
  }
  write_parameters(run_id, static_cast<long long>(out.replicate), *rep.parameters);
  for (const auto& dg : out.diagnostics) {
    d.bind_int(1, run_id).bind_int(2, out.replicate).bind(3, dg.name).bind(4, dg.value).bind(5, dg.note);
    d.run(db_);
  }
  // The system model of each ICP: every stock, auxiliary and month's flow total, at the
  // start (after_month -1) and at the end of every month.
  const model::SystemOutput& so = out.system;
  for (std::size_t c = 0; c < so.values.size(); ++c)
    for (std::size_t t = 0; t < so.values[c].size(); ++t) {
      const int after = static_cast<int>(t) - 1;
      const std::string label = after < 0 ? std::string("start") : month_label(out.start_year, after);
      for (std::size_t v = 0; v < so.names.size(); ++v) {
        ss.bind_int(1, run_id).bind_int(2, out.replicate).bind(3, so.icps[c]).bind_int(4, after).bind(5, label);
        ss.bind(6, so.names[v]).bind(7, so.units[v]).bind(8, so.values[c][t][v]);
        ss.run(db_);
      }
    }
  for (const auto& pg : out.programmes)
    for (const auto& pr : periods) {
      if (pr.type == PeriodType::start) continue;
      std::vector<double> sum(static_cast<std::size_t>(model::kProgrammeMetrics), 0.0);
      for (int t = pr.first_month; t <= pr.last_month && t < static_cast<int>(pg.months.size()); ++t)
        for (int x = 0; x < model::kProgrammeMetrics; ++x) sum[static_cast<std::size_t>(x)] += pg.months[static_cast<std::size_t>(t)][static_cast<std::size_t>(x)];
      for (int x = 0; x < model::kProgrammeMetrics; ++x) {
        im.bind_int(1, run_id).bind_int(2, out.replicate).bind(3, pg.name).bind(4, period_type_name(pr.type)).bind(5, pr.label);
        im.bind(6, pr.start).bind(7, pr.end).bind_int(8, pr.months()).bind(9, model::programme_metric_name(x));
        im.bind(10, sum[static_cast<std::size_t>(x)]);
        im.run(db_);
      }
    }
}

void ResultsStore::end_run_without_results(std::int64_t run_id, const std::string& status, const std::string& message) {
  Statement u(db_, "UPDATE runs SET status = ?, finished_at = ?, message = ? WHERE run_id = ? AND status = 'running'");
  u.bind(1, status).bind(2, utc_now()).bind(3, message).bind_int(4, run_id);
  u.run(db_);
}

namespace {
RunRecord read_run(const Statement& s) {
  RunRecord r;
  r.run_id = s.integer(0);
  r.scenario_name = s.text(1);
  r.scenario_text = s.text(2);
  r.scenario_path = s.text(3);
  r.data_version = s.text(4);
  r.parameters_version = s.text(5);
  r.program_version = s.text(6);
  r.seed = static_cast<std::uint32_t>(s.integer(7));
  r.replicates = static_cast<int>(s.integer(8));
  r.scale = s.real(9);
  r.threads = static_cast<int>(s.integer(10));
  r.start_year = static_cast<int>(s.integer(11));
  r.years = static_cast<int>(s.integer(12));
  r.started_at = s.text(13);
  r.finished_at = s.text(14);
  r.status = s.text(15);
  r.message = s.text(16);
  r.wall_seconds = s.real(17);
  r.agents = s.integer(18);
  r.agent_months_per_second = s.real(19);
  return r;
}
constexpr const char* kRunColumns =
    "run_id, scenario_name, scenario_text, scenario_path, data_version, parameters_version, program_version, seed, "
    "replicates, scale, threads, start_year, years, started_at, finished_at, status, message, wall_seconds, agents, "
    "agent_months_per_second";
}  // namespace

std::vector<RunRecord> ResultsStore::runs() const {
  Statement s(db_, (std::string("SELECT ") + kRunColumns + " FROM runs ORDER BY run_id").c_str());
  std::vector<RunRecord> out;
  while (s.step(db_)) out.push_back(read_run(s));
  return out;
}

RunRecord ResultsStore::run(std::int64_t run_id) const {
  Statement s(db_, (std::string("SELECT ") + kRunColumns + " FROM runs WHERE run_id = ?").c_str());
  s.bind_int(1, run_id);
  if (!s.step(db_)) throw StoreError("there is no run " + std::to_string(run_id) + " in " + path_);
  return read_run(s);
}

long long ResultsStore::metric_row_count(std::int64_t run_id) const {
  Statement s(db_, "SELECT COUNT(*) FROM metrics WHERE run_id = ?");
  s.bind_int(1, run_id);
  s.step(db_);
  return s.integer(0);
}

}  // namespace shiftsim::results
