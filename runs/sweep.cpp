#include "runs/sweep.hpp"
#include "scenarios/strict_json.hpp"

#include "model/core/errors.hpp"
#include "results/comparison.hpp"
#include "results/statement.hpp"
#include "results/statistics.hpp"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <mutex>
#include <set>
#include <sstream>
#include <tuple>

namespace shiftsim::runs {

namespace fs = std::filesystem;
using nlohmann::json;
using results::Statement;

namespace {

const char* kSweepSchema = R"SQL(
CREATE TABLE IF NOT EXISTS sweeps (
  sweep_id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  spec_path TEXT NOT NULL,
  spec_text TEXT NOT NULL,
  sweep_key TEXT NOT NULL,
  points INTEGER NOT NULL,
  replicates INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('running', 'completed'))
);
CREATE INDEX IF NOT EXISTS sweeps_by_key ON sweeps (sweep_key);
CREATE TABLE IF NOT EXISTS sweep_points (
  sweep_id INTEGER NOT NULL REFERENCES sweeps(sweep_id),
  point INTEGER NOT NULL,
  label TEXT NOT NULL,
  scenario_name TEXT NOT NULL,
  parameters TEXT NOT NULL,
  comparison_id INTEGER NOT NULL REFERENCES comparisons(comparison_id),
  PRIMARY KEY (sweep_id, point)
);
)SQL";

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

/// FNV-1a, 64 bits.
struct Fnv {
  std::uint64_t h = 1469598103934665603ULL;
  void bytes(const void* p, std::size_t n) {
    const auto* c = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) {
      h ^= c[i];
      h *= 1099511628211ULL;
    }
  }
  void text(const std::string& s) {
    const std::uint64_t n = s.size();
    bytes(&n, sizeof n);
    bytes(s.data(), s.size());
  }
  std::string hex() const {
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
    return out;
  }
};

[[noreturn]] void bad(const fs::path& file, const std::string& field, const std::string& what) {
  throw InputError(file.string() + ": " + field + " " + what);
}

}  // namespace

SweepSpec read_sweep_spec(const fs::path& file, const fs::path& default_baseline) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file.string() + ": cannot read the sweep file (it does not exist or is not readable)");
  std::ostringstream ss;
  ss << in.rdbuf();
  SweepSpec spec;
  spec.file = file;
  spec.text = ss.str();
  json doc;
  try {
    doc = inputs::parse_strict_json(spec.text);  // duplicate keys, depth, numbers out of range
  } catch (const inputs::JsonInputError& e) {
    throw InputError(file.string() + ": " + e.what());
  }
  if (!doc.is_object()) bad(file, "the top level", "must be an object with \"scenarios\", \"replicates\" and optionally \"grid\" or \"points\"");
  static const std::set<std::string> known{"name", "description", "baseline", "scenarios", "grid", "points", "replicates",
                                           "years", "plan_years", "scale", "seed"};
  for (const auto& [k, v] : doc.items())
    if (!known.count(k))
      bad(file, "/" + k, "is not a sweep field (expected name, description, baseline, scenarios, grid, points, replicates, years, plan_years, "
                          "scale, seed)");
  const fs::path dir = file.parent_path();
  auto path_of = [&](const json& v, const std::string& field) -> fs::path {
    if (!v.is_string() || v.get<std::string>().empty()) bad(file, field, "must be a scenario file's path (relative to the sweep file)");
    fs::path p = v.get<std::string>();
    if (p.is_relative()) p = dir / p;
    std::error_code ec;  // (a name the file system refuses, too long, say, is bad input too)
    if (!fs::is_regular_file(p, ec))
      bad(file, field, "names " + v.get<std::string>().substr(0, 200) + ", which is not a file (looked for " + p.string().substr(0, 300) + ")");
    return p;
  };
  spec.name = file.stem().string();
  if (doc.contains("name")) {
    if (!doc["name"].is_string() || doc["name"].get<std::string>().empty()) bad(file, "/name", "must be a non-empty string");
    spec.name = doc["name"];
  }
  if (doc.contains("description") && !doc["description"].is_string()) bad(file, "/description", "must be a string");
  if (doc.contains("baseline")) spec.baseline = path_of(doc["baseline"], "/baseline");
  else if (fs::is_regular_file(default_baseline)) spec.baseline = default_baseline;
  else bad(file, "/baseline", "is not given, and there is no bundled baseline at " + default_baseline.string() + "; name the baseline scenario file");
  if (doc.contains("scenarios")) {
    if (!doc["scenarios"].is_array()) bad(file, "/scenarios", "must be an array of scenario files' paths");
    for (std::size_t k = 0; k < doc["scenarios"].size(); ++k)
      spec.scenarios.push_back(path_of(doc["scenarios"][k], "/scenarios/" + std::to_string(k)));
  }
  auto integer = [&](const char* key, long long lo, long long hi) -> long long {
    const json& v = doc[key];
    const std::string field = std::string("/") + key;
    if (!v.is_number_integer() && !v.is_number_unsigned()) bad(file, field, "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
    const long long x = v.is_number_unsigned() && v.get<unsigned long long>() > static_cast<unsigned long long>(hi) ? hi + 1 : v.get<long long>();
    if (x < lo || x > hi) bad(file, field, "is " + v.dump() + "; expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
    return x;
  };
  spec.settings.replicates = doc.contains("replicates") ? static_cast<int>(integer("replicates", 1, 10000)) : results::kMinIntervalReplicates;
  if (doc.contains("years")) spec.settings.years = static_cast<int>(integer("years", 1, model::kMaxYears));
  if (doc.contains("plan_years")) spec.settings.plan_years = static_cast<int>(integer("plan_years", 1, model::kMaxYears));
  if (doc.contains("seed")) spec.settings.seed = integer("seed", 0, 4294967295LL);
  if (doc.contains("scale")) {
    const json& v = doc["scale"];
    if (!v.is_number() || !(v.get<double>() >= 1e-4 && v.get<double>() <= 1.0))
      bad(file, "/scale", "is " + v.dump() + "; expected the share of residents simulated, from 0.0001 to 1");
    spec.settings.scale = v.get<double>();
  }
  // Parameter values: a grid (every combination, the last name varying fastest) or a list.
  std::vector<std::map<std::string, double>> sets;
  auto value_of = [&](const json& v, const std::string& field) {
    if (!v.is_number() || !std::isfinite(v.get<double>())) bad(file, field, "must be a finite number (a value of the parameter)");
    return v.get<double>();
  };
  if (doc.contains("grid") && doc.contains("points")) bad(file, "/points", "cannot be given with /grid: give every combination (grid) or a list (points)");
  if (doc.contains("grid")) {
    const json& g = doc["grid"];
    if (!g.is_object() || g.empty()) bad(file, "/grid", "must be an object of parameter names, each with an array of values");
    sets.push_back({});
    for (const auto& [name, values] : g.items()) {
      const std::string field = "/grid/" + name;
      if (!values.is_array() || values.empty()) bad(file, field, "must be a non-empty array of values");
      std::vector<std::map<std::string, double>> next;
      for (const auto& s : sets)
        for (std::size_t k = 0; k < values.size(); ++k) {
          auto t = s;
          t[name] = value_of(values[k], field + "/" + std::to_string(k));
          next.push_back(std::move(t));
          if (next.size() > static_cast<std::size_t>(kMaxSweepPoints))
            bad(file, "/grid", "has more than " + std::to_string(kMaxSweepPoints) + " combinations; split the sweep");
        }
      sets = std::move(next);
    }
  } else if (doc.contains("points")) {
    const json& p = doc["points"];
    if (!p.is_array() || p.empty()) bad(file, "/points", "must be a non-empty array of objects, each parameter names with a value");
    for (std::size_t k = 0; k < p.size(); ++k) {
      const std::string field = "/points/" + std::to_string(k);
      if (!p[k].is_object()) bad(file, field, "must be an object of parameter names with a value each");
      std::map<std::string, double> s;
      for (const auto& [name, v] : p[k].items()) s[name] = value_of(v, field + "/" + name);
      sets.push_back(std::move(s));
    }
  } else {
    sets.push_back({});
  }
  const int scenarios = spec.scenarios.empty() ? 1 : static_cast<int>(spec.scenarios.size());
  if (static_cast<long long>(scenarios) * static_cast<long long>(sets.size()) > kMaxSweepPoints)
    bad(file, "/scenarios", "times the parameter values makes more than " + std::to_string(kMaxSweepPoints) + " points; split the sweep");
  for (int s = 0; s < scenarios; ++s)
    for (const auto& values : sets) {
      SweepPoint pt;
      pt.scenario = spec.scenarios.empty() ? -1 : s;
      pt.parameters = values;
      pt.label = (spec.scenarios.empty() ? spec.baseline : spec.scenarios[static_cast<std::size_t>(s)]).stem().string();
      std::string sep = "; ";
      for (const auto& [n, v] : values) {
        pt.label += sep + n + "=" + number_text(v);
        sep = ", ";
      }
      spec.points.push_back(std::move(pt));
    }
  return spec;
}

PreparedSweep prepare_sweep(const SweepSpec& spec, const DataSource& source, const std::string& program_version) {
  PreparedSweep out;
  out.spec = spec;
  std::vector<fs::path> files{spec.baseline};
  files.insert(files.end(), spec.scenarios.begin(), spec.scenarios.end());
  const std::vector<Arm> arms = prepare_arms(files, source);
  Fnv key;
  key.text(json::parse(spec.text).dump());  // the file's content, not its layout
  key.text(program_version);
  for (std::size_t p = 0; p < spec.points.size(); ++p) {
    const SweepPoint& pt = spec.points[p];
    std::vector<Arm> point_arms;
    auto add = [&](const Arm& a) {
      if (pt.parameters.empty()) {
        point_arms.push_back(a);
        return;
      }
      try {
        point_arms.push_back(with_parameters(a, pt.parameters));
      } catch (const InputError& e) {
        throw InputError(spec.file.string() + ": point " + std::to_string(p) + " (" + pt.label + "): " + e.what());
      }
    };
    add(arms.front());
    if (pt.scenario >= 0) add(arms[static_cast<std::size_t>(pt.scenario) + 1]);
    for (const auto& a : point_arms) {
      key.text(a.scenario.source_text);
      key.text(a.inputs->region.data_version);
      key.text(a.inputs->parameters_version);
    }
    try {
      out.experiments.emplace_back(std::move(point_arms), spec.settings);
    } catch (const InputError& e) {
      throw InputError(spec.file.string() + ": point " + std::to_string(p) + " (" + pt.label + "): " + e.what());
    }
  }
  out.key = key.hex();
  return out;
}

SweepRecord open_sweep(results::ResultsStore& store, const PreparedSweep& sweep, const Provenance& provenance, bool begin) {
  sqlite3* db = store.handle();
  results::exec_sql(db, kSweepSchema);
  SweepRecord rec;
  const int points = static_cast<int>(sweep.experiments.size());
  rec.comparison_ids.assign(static_cast<std::size_t>(points), 0);
  {
    Statement q(db, "SELECT sweep_id, status FROM sweeps WHERE sweep_key = ? ORDER BY sweep_id DESC LIMIT 1");
    q.bind(1, sweep.key);
    if (q.step(db)) {
      rec.sweep_id = q.integer(0);
      rec.resumed = true;
      rec.completed = q.text(1) == "completed";
    }
  }
  if (!rec.resumed && !begin) return rec;
  if (!rec.resumed) {
    rec.sweep_id = results::in_transaction(db, [&] {
      Statement s(db,
                  "INSERT INTO sweeps (name, spec_path, spec_text, sweep_key, points, replicates, created_at, status) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, 'running')");
      s.bind(1, sweep.spec.name).bind(2, sweep.spec.file.string()).bind(3, sweep.spec.text).bind(4, sweep.key);
      s.bind_int(5, points).bind_int(6, sweep.experiments.front().replicates()).bind(7, results::utc_now());
      s.run(db);
      return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db));
    });
  }
  {
    Statement q(db, "SELECT point, comparison_id FROM sweep_points WHERE sweep_id = ?");
    q.bind_int(1, rec.sweep_id);
    while (q.step(db)) {
      const auto p = q.integer(0);
      if (p < 0 || p >= points) throw results::StoreError("sweep " + std::to_string(rec.sweep_id) + " stores a point " + std::to_string(p) + " it does not have");
      rec.comparison_ids[static_cast<std::size_t>(p)] = q.integer(1);
    }
  }
  for (int p = 0; p < points; ++p) {
    auto& cid = rec.comparison_ids[static_cast<std::size_t>(p)];
    if (cid) {
      if (begin && !store.comparison_completed(cid)) store.claim_comparison(cid);
      continue;
    }
    if (!begin) continue;
    const Experiment& e = sweep.experiments[static_cast<std::size_t>(p)];
    const SweepPoint& pt = sweep.spec.points[static_cast<std::size_t>(p)];
    cid = results::in_transaction(db, [&] {
      std::vector<std::int64_t> run_ids;
      const std::int64_t id = StoreWriter::begin_records(store, e, provenance, true, run_ids);
      Statement s(db, "INSERT INTO sweep_points (sweep_id, point, label, scenario_name, parameters, comparison_id) VALUES (?, ?, ?, ?, ?, ?)");
      json params = json::object();
      for (const auto& [n, v] : pt.parameters) params[n] = v;
      s.bind_int(1, rec.sweep_id).bind_int(2, p).bind(3, pt.label).bind(4, e.arms().back().scenario.name).bind(5, params.dump()).bind_int(6, id);
      s.run(db);
      return id;
    });
  }
  return rec;
}

std::vector<SweepTask> remaining_tasks(const results::ResultsStore& store, const PreparedSweep& sweep, const SweepRecord& record) {
  std::vector<SweepTask> out;
  for (std::size_t p = 0; p < sweep.experiments.size(); ++p) {
    const auto cid = record.comparison_ids[p];
    if (cid && store.comparison_completed(cid)) continue;
    const auto done = cid ? store.committed_replicates(cid) : std::vector<int>{};
    for (int r = 0; r < sweep.experiments[p].replicates(); ++r)
      if (!std::binary_search(done.begin(), done.end(), r)) out.push_back({static_cast<int>(p), r});
  }
  return out;
}

bool close_point_if_complete(results::ResultsStore& store, const PreparedSweep& sweep, const SweepRecord& record, int point) {
  const auto cid = record.comparison_ids.at(static_cast<std::size_t>(point));
  if (store.comparison_completed(cid)) return false;
  const Experiment& e = sweep.experiments[static_cast<std::size_t>(point)];
  if (static_cast<int>(store.committed_replicates(cid).size()) != e.replicates()) return false;
  StoreWriter writer(store, e, cid);
  writer.close(0);
  return true;
}

int close_complete_points(results::ResultsStore& store, const PreparedSweep& sweep, SweepRecord& record) {
  int closed = 0;
  bool all = true;
  for (std::size_t p = 0; p < sweep.experiments.size(); ++p) {
    if (close_point_if_complete(store, sweep, record, static_cast<int>(p))) ++closed;
    if (!store.comparison_completed(record.comparison_ids[p])) all = false;
  }
  if (all && !record.completed) {
    sqlite3* db = store.handle();
    Statement u(db, "UPDATE sweeps SET status = 'completed', finished_at = ? WHERE sweep_id = ?");
    u.bind(1, results::utc_now()).bind_int(2, record.sweep_id);
    u.run(db);
    record.completed = true;
  }
  return closed;
}

void run_sweep_here(results::ResultsStore& store, const PreparedSweep& sweep, SweepRecord& record, const Controls& controls,
                    const std::function<void(int, int)>& on_commit) {
  const auto todo = remaining_tasks(store, sweep, record);
  std::exception_ptr first_error;
  std::exception_ptr cancelled;
  for (std::size_t p = 0; p < sweep.experiments.size(); ++p) {
    std::vector<Task> tasks;
    for (const auto& t : todo)
      if (t.point == static_cast<int>(p))
        for (int a = 0; a < static_cast<int>(sweep.experiments[p].arms().size()); ++a) tasks.push_back({a, t.replicate});
    if (tasks.empty()) continue;
    if (controls.cancel && controls.cancel->cancelled()) break;
    const Experiment& e = sweep.experiments[p];
    StoreWriter writer(store, e, record.comparison_ids[p]);
    Controls c = controls;
    c.on_error = OnError::finish_others;
    try {
      run_tasks(e, tasks, c, [&](const Task& t, TaskResult&& r) {
        const auto before = store.committed_replicates(record.comparison_ids[p]).size();
        writer.accept(t, std::move(r));
        if (on_commit && store.committed_replicates(record.comparison_ids[p]).size() > before) on_commit(static_cast<int>(p), t.replicate);
      });
    } catch (const shiftsim::Cancelled&) {
      cancelled = std::current_exception();
      break;
    } catch (...) {
      if (!first_error) first_error = std::current_exception();
    }
    close_complete_points(store, sweep, record);
  }
  close_complete_points(store, sweep, record);
  if (first_error) std::rethrow_exception(first_error);
  if (cancelled) std::rethrow_exception(cancelled);
}

std::vector<unsigned char> run_task_in_memory(const PreparedSweep& sweep, const SweepTask& task, const Controls& controls,
                                              const Provenance& provenance) {
  const Experiment& e = sweep.experiments.at(static_cast<std::size_t>(task.point));
  results::ResultsStore memory(":memory:");
  StoreWriter writer(memory, e, provenance);
  std::vector<Task> tasks;
  for (int a = 0; a < static_cast<int>(e.arms().size()); ++a) tasks.push_back({a, task.replicate});
  run_tasks(e, tasks, controls, [&](const Task& t, TaskResult&& r) { writer.accept(t, std::move(r)); });
  if (writer.committed().size() != 1) throw InternalError("a sweep task did not commit its replicate");
  return memory.serialize();
}

std::string sweep_digest(const results::ResultsStore& store, const SweepRecord& record) {
  sqlite3* db = store.handle();
  // Each run's rows of each replicate are one contiguous, ordered block (a replicate is written
  // in one transaction, in the same order by every path): one pass over each table in rowid
  // order hashes each (table, point, arm, replicate) block, and the blocks are then folded in
  // a fixed order. No sort, and no table is read twice.
  std::map<std::int64_t, std::pair<std::uint64_t, std::uint64_t>> arm_of;  // run_id -> (point, arm)
  std::map<std::int64_t, std::int64_t> point_comparison;                   // comparison_id -> point
  for (std::size_t p = 0; p < record.comparison_ids.size(); ++p) {
    if (!record.comparison_ids[p]) continue;
    point_comparison[record.comparison_ids[p]] = static_cast<std::int64_t>(p);
    const auto runs = store.comparison_runs(record.comparison_ids[p]);
    for (std::size_t a = 0; a < runs.size(); ++a) arm_of[runs[a]] = {p, a};
  }
  struct Block {
    Fnv hash;
    std::uint64_t rows = 0;
  };
  // (table, point, arm, replicate) -> its block
  std::map<std::tuple<int, std::uint64_t, std::uint64_t, long long>, Block> blocks;
  static const char* kTables[] = {"outcomes", "outcome_summary", "metrics", "area_metrics", "parameters",
                                  "diagnostics", "system_stocks", "intervention_metrics", "interventions"};
  for (int t = 0; t < static_cast<int>(std::size(kTables)); ++t) {
    const std::string sql = std::string("SELECT * FROM ") + kTables[t] + " ORDER BY rowid";
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) throw results::StoreError(results::database_problem(db, "cannot prepare a statement"));
    const int n = sqlite3_column_count(st);
    int run_col = -1, comparison_col = -1, replicate_col = -1;
    for (int c = 0; c < n; ++c) {
      const std::string col = sqlite3_column_name(st, c);
      if (col == "run_id") run_col = c;
      if (col == "comparison_id") comparison_col = c;
      if (col == "replicate") replicate_col = c;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      const auto it = arm_of.find(sqlite3_column_int64(st, run_col));
      if (it == arm_of.end()) continue;  // another sweep's or comparison's
      if (comparison_col >= 0) {
        const auto pc = point_comparison.find(sqlite3_column_int64(st, comparison_col));
        if (pc == point_comparison.end() || static_cast<std::uint64_t>(pc->second) != it->second.first) continue;
      }
      const long long replicate = replicate_col >= 0 ? sqlite3_column_int64(st, replicate_col) : -1000;
      Block& b = blocks[{t, it->second.first, it->second.second, replicate}];
      ++b.rows;
      for (int c = 0; c < n; ++c) {
        if (c == run_col || c == comparison_col) continue;
        const int type = sqlite3_column_type(st, c);
        b.hash.bytes(&type, sizeof type);
        if (type == SQLITE_INTEGER) {
          const auto v = sqlite3_column_int64(st, c);
          b.hash.bytes(&v, sizeof v);
        } else if (type == SQLITE_FLOAT) {
          const double v = sqlite3_column_double(st, c);
          b.hash.bytes(&v, sizeof v);
        } else if (type == SQLITE_TEXT) {
          b.hash.text(reinterpret_cast<const char*>(sqlite3_column_text(st, c)));
        }
      }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) throw results::StoreError(results::database_problem(db, "a statement failed"));
  }
  Fnv h;
  for (const auto& [k, b] : blocks) {
    const auto& [t, point, arm, replicate] = k;
    h.text(kTables[t]);
    h.bytes(&point, sizeof point);
    h.bytes(&arm, sizeof arm);
    h.bytes(&replicate, sizeof replicate);
    h.bytes(&b.rows, sizeof b.rows);
    h.bytes(&b.hash.h, sizeof b.hash.h);
  }
  return h.hex();
}

std::string sweep_table(const results::ResultsStore& store, const PreparedSweep& sweep, const SweepRecord& record) {
  sqlite3* db = store.handle();
  std::ostringstream out;
  char line[512];
  std::snprintf(line, sizeof line, "%-5s %-10s %-10s %-16s %-26s %-20s  %s\n", "point", "comparison", "replicates", "NPV (GBP m)", "90% interval",
                "ROI (gross)", "scenario; parameters");
  out << line;
  for (std::size_t p = 0; p < sweep.experiments.size(); ++p) {
    const auto cid = record.comparison_ids[p];
    const Experiment& e = sweep.experiments[p];
    const auto done = cid ? store.committed_replicates(cid).size() : 0;
    std::string npv = "-", interval = "-", roi = "-";
    if (cid && store.comparison_completed(cid) && e.arms().size() > 1) {
      const std::string horizon = e.periods().back();
      auto figure = [&](const char* outcome, double& mean, double& lo, double& hi) {
        Statement q(db,
                    "SELECT s.mean, s.p05, s.p95 FROM outcome_summary s JOIN comparison_arms a ON a.comparison_id = s.comparison_id AND "
                    "a.run_id = s.run_id WHERE s.comparison_id = ? AND a.arm = 1 AND s.period = ? AND s.breakdown = 'all' AND s.outcome = ?");
        q.bind_int(1, cid).bind(2, horizon).bind(3, std::string(outcome));
        if (!q.step(db) || q.is_null(0)) return false;
        mean = q.real(0);
        lo = q.is_null(1) ? std::nan("") : q.real(1);
        hi = q.is_null(2) ? std::nan("") : q.real(2);
        return true;
      };
      double m = 0, lo = 0, hi = 0;
      if (figure("npv_gbp", m, lo, hi)) {
        char b[64];
        std::snprintf(b, sizeof b, "%.2f", m / 1e6);
        npv = b;
        if (std::isfinite(lo) && std::isfinite(hi)) {
          std::snprintf(b, sizeof b, "%.2f to %.2f", lo / 1e6, hi / 1e6);
          interval = b;
        }
      }
      if (figure("roi_gross", m, lo, hi)) {
        char b[64];
        if (std::isfinite(lo) && std::isfinite(hi)) std::snprintf(b, sizeof b, "%.2f (%.2f to %.2f)", m, lo, hi);
        else std::snprintf(b, sizeof b, "%.2f", m);
        roi = b;
      }
    }
    std::snprintf(line, sizeof line, "%-5zu %-10lld %4zu of %-4d %-16s %-26s %-20s  %s\n", p, static_cast<long long>(cid), done, e.replicates(),
                  npv.c_str(), interval.c_str(), roi.c_str(), sweep.spec.points[p].label.c_str());
    out << line;
  }
  return out.str();
}

}  // namespace shiftsim::runs
