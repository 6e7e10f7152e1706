// The regression test against stored summaries: one small comparison (the baseline and the
// six-shifts plan, scale 0.02, 3 years with a 2-year plan, 2 replicates) run by the shiftsim
// binary, and everything it stores read back in a canonical, sorted text form:
//   outcomes.csv  every outcome per replicate and every summary, in full (the answers; a
//                 deliberate change of results shows here, line by line, in its commit)
//   digests.csv   every other stored number (metrics, area metrics, system stocks, intervention ledger,
//                 parameters), as exact digests per (table, arm, replicate, metric): row
//                 count, sum and a 64-bit hash of the rows at full precision (%.17g), so a
//                 change to any single value is caught and named, without storing ~140,000
//                 rows in the repository
//   runs.csv      the runs' and the comparison's own fields, the diagnostics and the
//                 interventions, in full
// Timings, dates, paths and process ids are left out: they are not results.
// scripts/regenerate-regression.sh rewrites the files (a deliberate change of results: its own
// commit, with the reason).
#pragma once

#include <sqlite3.h>

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace shiftsim::regression {

/// The job: shiftsim's arguments after the binary (the database and data folder are added).
inline std::string job_arguments(const std::filesystem::path& source_dir) {
  const auto s = source_dir / "scenarios";
  return "compare '" + (s / "baseline.json").string() + "' '" + (s / "six_shifts_plan.json").string() +
         "' --scale 0.02 --years 3 --plan-years 2 --replicates 2 --threads 2";
}

inline const char* const kFiles[] = {"runs.csv", "outcomes.csv", "digests.csv"};

namespace detail {

inline std::string exact(double x) {
  char b[40];
  std::snprintf(b, sizeof b, "%.17g", x);
  return b;
}

/// One row of a query as text: reals at full precision, NULL as "NA".
inline std::string column(sqlite3_stmt* s, int c) {
  switch (sqlite3_column_type(s, c)) {
    case SQLITE_NULL: return "NA";
    case SQLITE_INTEGER: return std::to_string(sqlite3_column_int64(s, c));
    case SQLITE_FLOAT: return exact(sqlite3_column_double(s, c));
    default: {
      std::string t = reinterpret_cast<const char*>(sqlite3_column_text(s, c));
      if (t.find_first_of(",\"\n") == std::string::npos) return t;
      std::string q = "\"";
      for (char ch : t) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      return q + "\"";
    }
  }
}

class Db {
 public:
  explicit Db(const std::filesystem::path& f) {
    if (sqlite3_open_v2(f.string().c_str(), &h_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
      throw std::runtime_error("cannot open " + f.string());
  }
  ~Db() { sqlite3_close(h_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  /// Every row of a query, its columns joined by commas.
  std::vector<std::vector<std::string>> rows(const std::string& sql) const {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(h_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
      throw std::runtime_error("regression query failed: " + std::string(sqlite3_errmsg(h_)) + ": " + sql);
    std::vector<std::vector<std::string>> out;
    while (sqlite3_step(s) == SQLITE_ROW) {
      std::vector<std::string> r;
      for (int c = 0; c < sqlite3_column_count(s); ++c) r.push_back(column(s, c));
      out.push_back(std::move(r));
    }
    sqlite3_finalize(s);
    return out;
  }

 private:
  sqlite3* h_ = nullptr;
};

inline std::string join(const std::vector<std::string>& r, std::size_t from = 0, std::size_t to = std::string::npos) {
  std::string s;
  for (std::size_t k = from; k < r.size() && k < to; ++k) s += (k > from ? "," : "") + r[k];
  return s;
}

// Arms are named by their scenario and role, not by run ids (which depend on the database).
inline const char* kArm = "(SELECT a.arm || ':' || r.scenario_name FROM comparison_arms a JOIN runs r ON r.run_id = a.run_id "
                          "WHERE a.run_id = t.run_id)";

/// Digest lines of one table: rows grouped by the first `group_columns` columns of a query that
/// returns its group columns, then the rest of each row (the last is the value), sorted.
inline void digest(const Db& db, const std::string& table, const std::string& sql, std::size_t group_columns,
                   std::vector<std::string>& out) {
  struct Acc {
    long long n = 0;
    double sum = 0;
    std::uint64_t hash = 1469598103934665603ull;
  };
  std::map<std::string, Acc> groups;
  for (const auto& r : db.rows(sql)) {
    Acc& a = groups[join(r, 0, group_columns)];
    ++a.n;
    a.sum += std::strtod(r.back().c_str(), nullptr);
    for (char ch : join(r, group_columns) + "\n") {
      a.hash ^= static_cast<unsigned char>(ch);
      a.hash *= 1099511628211ull;
    }
  }
  for (const auto& [key, a] : groups) {
    char b[64];
    std::snprintf(b, sizeof b, "%016" PRIx64, a.hash);
    out.push_back(table + "," + key + "," + std::to_string(a.n) + "," + exact(a.sum) + "," + b);
  }
}

}  // namespace detail

/// The canonical text of a database holding the job's one comparison: file name -> lines.
inline std::map<std::string, std::vector<std::string>> read_back(const std::filesystem::path& file) {
  using namespace detail;
  const Db db(file);
  std::map<std::string, std::vector<std::string>> f;
  const std::string arm = kArm;
  auto all = [&](const std::string& name, const std::string& header, const std::string& sql) {
    auto& lines = f[name];
    lines.push_back(header);
    for (const auto& r : db.rows(sql)) lines.push_back(join(r));
  };
  // runs.csv: the runs, the comparison, each run's diagnostics and interventions.
  all("runs.csv", "# runs: arm,seed,replicates,scale,start_year,years,status,agents,data_version,parameters_version",
      "SELECT " + arm + ", seed, replicates, scale, start_year, years, status, agents, data_version, parameters_version "
      "FROM runs t ORDER BY 1");
  auto& runs = f["runs.csv"];
  for (const auto& r : db.rows("SELECT common_random_numbers, plan_months, periods FROM comparisons"))
    runs.push_back("comparison," + join(r));
  runs.push_back("# diagnostics: arm,replicate,name,value");
  for (const auto& r : db.rows("SELECT " + arm + ", replicate, name, value FROM diagnostics t ORDER BY 1, 2, 3"))
    runs.push_back(join(r));
  runs.push_back("# interventions: arm,intervention,type,shifts,reach,start,end,unit_cost,max_uptake,ramp_up,half_life,effects,budget");
  for (const auto& r : db.rows("SELECT " + arm + ", intervention, type, shifts, reach, start_month, end_month, unit_cost_gbp, "
                               "max_uptake, ramp_up_months, effect_half_life_months, effects, budget FROM interventions t "
                               "ORDER BY 1, 2"))
    runs.push_back(join(r));
  // outcomes.csv: every outcome value and summary.
  all("outcomes.csv", "# outcomes: arm,replicate,period,breakdown,outcome,value",
      "SELECT " + arm + ", replicate, period, breakdown, outcome, value FROM outcomes t ORDER BY 1, 2, 3, 4, 5");
  auto& outcomes = f["outcomes.csv"];
  outcomes.push_back("# outcome_summary: arm,period,breakdown,outcome,n,mean,median,p05,p95");
  for (const auto& r : db.rows("SELECT " + arm + ", period, breakdown, outcome, n, mean, median, p05, p95 FROM outcome_summary t "
                               "ORDER BY 1, 2, 3, 4"))
    outcomes.push_back(join(r));
  // digests.csv
  auto& d = f["digests.csv"];
  d.push_back("# table,arm,replicate,group,rows,sum,fnv1a64 of the sorted rows at full precision");
  digest(db, "metrics",
         "SELECT " + arm + ", replicate, metric, period_type, period, start_month, end_month, months, icp, imd_quintile, value "
         "FROM metrics t ORDER BY 1, 2, 3, 4, 5, 9, 10",
         3, d);
  digest(db, "area_metrics",
         "SELECT " + arm + ", replicate, metric, period_type, period, start_month, end_month, months, area_type, area, area_name, value "
         "FROM area_metrics t ORDER BY 1, 2, 3, 4, 5, 9, 10",
         3, d);
  digest(db, "system_stocks",
         "SELECT " + arm + ", replicate, variable, icp, after_month, month, unit, value FROM system_stocks t ORDER BY 1, 2, 3, 4, 5", 3,
         d);
  digest(db, "intervention_metrics",
         "SELECT " + arm + ", replicate, intervention || ':' || metric, period_type, period, start_month, end_month, months, value "
         "FROM intervention_metrics t ORDER BY 1, 2, 3, 4, 5",
         3, d);
  digest(db, "parameters",
         "SELECT " + arm + ", replicate, substr(name, 1, instr(name || '.', '.') - 1), name, unit, uncertainty, derived, source, "
         "coalesce(value, 'NA') FROM parameters t ORDER BY 1, 2, 3, 4",
         3, d);
  return f;
}

}  // namespace shiftsim::regression
