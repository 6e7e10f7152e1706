#include "validation/validation_store.hpp"

#include "model/core/errors.hpp"
#include "results/statement.hpp"

#include <nlohmann/json.hpp>
#include <sqlite3.h>

namespace shiftsim::validation {

using results::Statement;
using results::StoreError;

namespace {

const char* kTables = R"SQL(
CREATE TABLE IF NOT EXISTS validations (
  validation_id INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at TEXT NOT NULL,
  scenario_name TEXT NOT NULL,
  scenario_text TEXT NOT NULL,
  observed_file TEXT NOT NULL,
  observed_text TEXT NOT NULL,
  data_version TEXT NOT NULL,
  parameters_version TEXT NOT NULL,
  program_version TEXT NOT NULL,
  seed INTEGER NOT NULL,
  replicates INTEGER NOT NULL,
  scale REAL NOT NULL,
  base_year INTEGER NOT NULL,
  run_start_year INTEGER NOT NULL,
  months INTEGER NOT NULL,
  method TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS validation_rows (
  validation_id INTEGER NOT NULL REFERENCES validations(validation_id),
  line INTEGER NOT NULL,
  series TEXT NOT NULL,
  geography TEXT NOT NULL,
  period TEXT NOT NULL,
  sex TEXT NOT NULL,
  age_band TEXT NOT NULL,
  observed REAL NOT NULL,
  source TEXT NOT NULL,
  compared INTEGER NOT NULL,
  reason TEXT,
  n INTEGER NOT NULL,
  model_mean REAL,
  model_p05 REAL,
  model_p95 REAL,
  error REAL,
  percent_error REAL,
  inside INTEGER
);
CREATE INDEX IF NOT EXISTS validation_rows_by_id ON validation_rows (validation_id, series);
CREATE TABLE IF NOT EXISTS validation_series (
  validation_id INTEGER NOT NULL REFERENCES validations(validation_id),
  series TEXT NOT NULL,
  unit TEXT NOT NULL,
  rows INTEGER NOT NULL,
  compared INTEGER NOT NULL,
  inside INTEGER NOT NULL,
  mape_percent REAL,
  bias_percent REAL,
  coverage REAL,
  caveat TEXT NOT NULL,
  not_compared TEXT NOT NULL  -- why rows were not compared, one reason a line
);
)SQL";

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : "\n") + x;
  return s;
}

const char* kCalibrationTables = R"SQL(
CREATE TABLE IF NOT EXISTS calibrations (
  calibration_id INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at TEXT NOT NULL,
  command TEXT NOT NULL,
  method TEXT NOT NULL,
  scenario_name TEXT NOT NULL,
  scenario_text TEXT NOT NULL,
  targets_file TEXT NOT NULL,
  targets_text TEXT NOT NULL,
  output_file TEXT NOT NULL,
  data_version TEXT NOT NULL,
  parameters_version TEXT NOT NULL,
  program_version TEXT NOT NULL,
  seed INTEGER NOT NULL,
  replicates INTEGER NOT NULL,
  scale REAL NOT NULL,
  months INTEGER NOT NULL,
  parameters TEXT NOT NULL,   -- JSON: name -> {lower, upper, start, fitted}
  loss_start REAL NOT NULL,
  loss_fitted REAL NOT NULL,
  evaluations INTEGER NOT NULL,
  converged INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS calibration_evaluations (
  calibration_id INTEGER NOT NULL REFERENCES calibrations(calibration_id),
  evaluation INTEGER NOT NULL,
  parameter_values TEXT NOT NULL,   -- JSON array, in the order of calibrations.parameters
  loss REAL NOT NULL
);
)SQL";

}  // namespace

std::int64_t store_calibration(results::ResultsStore& store, const CalibrationRecord& rec, const CalibrationResult& r) {
  sqlite3* db = store.handle();
  results::exec_sql(db, kCalibrationTables);
  return results::in_transaction(db, [&]() -> std::int64_t {
    nlohmann::json params = nlohmann::json::object();
    for (std::size_t k = 0; k < r.parameters.size(); ++k)
      params[r.parameters[k]] = {{"lower", r.lower[k]}, {"upper", r.upper[k]}, {"start", r.start[k]}, {"fitted", r.best[k]}};
    Statement h(db,
                "INSERT INTO calibrations (created_at, command, method, scenario_name, scenario_text, targets_file, targets_text, output_file, "
                "data_version, parameters_version, program_version, seed, replicates, scale, months, parameters, loss_start, loss_fitted, "
                "evaluations, converged) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    h.bind(1, results::utc_now()).bind(2, rec.command)
        .bind(3, std::string("Nelder-Mead on the logit of each parameter's place in its range; loss: mean squared relative error of the "
                             "replicates' mean; common random numbers across evaluations"))
        .bind(4, rec.scenario_name).bind(5, rec.scenario_text).bind(6, rec.targets_file).bind(7, rec.targets_text).bind(8, rec.output_file);
    h.bind(9, rec.data_version).bind(10, rec.parameters_version).bind(11, rec.program_version).bind_int(12, rec.seed).bind_int(13, rec.replicates);
    h.bind(14, rec.scale).bind_int(15, rec.months).bind(16, params.dump()).bind(17, r.loss_start).bind(18, r.loss_best);
    h.bind_int(19, static_cast<long long>(r.history.size())).bind_int(20, r.converged ? 1 : 0);
    h.run(db);
    const std::int64_t id = sqlite3_last_insert_rowid(db);
    Statement e(db, "INSERT INTO calibration_evaluations (calibration_id, evaluation, parameter_values, loss) VALUES (?, ?, ?, ?)");
    for (std::size_t i = 0; i < r.history.size(); ++i) {
      e.bind_int(1, id).bind_int(2, static_cast<long long>(i + 1)).bind(3, nlohmann::json(r.history[i].values).dump()).bind(4, r.history[i].loss);
      e.run(db);
    }
    return id;
  });
}

std::int64_t store_validation(results::ResultsStore& store, const ValidationRecord& rec, const Validation& v) {
  sqlite3* db = store.handle();
  results::exec_sql(db, kTables);
  return results::in_transaction(db, [&]() -> std::int64_t {
    Statement h(db,
                "INSERT INTO validations (created_at, scenario_name, scenario_text, observed_file, observed_text, data_version, "
                "parameters_version, program_version, seed, replicates, scale, base_year, run_start_year, months, method) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    h.bind(1, results::utc_now()).bind(2, rec.scenario_name).bind(3, rec.scenario_text).bind(4, rec.observed_file).bind(5, rec.observed_text);
    h.bind(6, rec.data_version).bind(7, rec.parameters_version).bind(8, rec.program_version).bind_int(9, rec.seed);
    h.bind_int(10, rec.replicates).bind(11, rec.scale).bind_int(12, rec.base_year).bind_int(13, rec.run_start_year).bind_int(14, rec.months);
    h.bind(15, rec.method);
    h.run(db);
    const std::int64_t id = sqlite3_last_insert_rowid(db);
    Statement r(db,
                "INSERT INTO validation_rows (validation_id, line, series, geography, period, sex, age_band, observed, source, compared, "
                "reason, n, model_mean, model_p05, model_p95, error, percent_error, inside) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& row : v.rows) {
      const auto& o = row.observed;
      r.bind_int(1, id).bind_int(2, o.line).bind(3, o.series).bind(4, o.geography).bind(5, o.period_text).bind(6, o.sex).bind(7, o.age_band);
      r.bind(8, o.value).bind(9, o.source).bind_int(10, row.compared ? 1 : 0).bind_int(12, row.n);
      if (row.compared) {
        r.bind_null(11).bind(13, row.mean).bind(14, row.p05).bind(15, row.p95).bind(16, row.error());
        if (o.value != 0) r.bind(17, row.percent_error());
        else r.bind_null(17);
        r.bind_int(18, row.inside() ? 1 : 0);
      } else {
        r.bind(11, row.reason).bind_null(13).bind_null(14).bind_null(15).bind_null(16).bind_null(17).bind_null(18);
      }
      r.run(db);
    }
    Statement s(db,
                "INSERT INTO validation_series (validation_id, series, unit, rows, compared, inside, mape_percent, bias_percent, coverage, "
                "caveat, not_compared) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& f : v.series) {
      s.bind_int(1, id).bind(2, f.series).bind(3, f.unit).bind_int(4, f.rows).bind_int(5, f.compared).bind_int(6, f.inside);
      if (f.compared) s.bind(7, f.mape).bind(8, f.mean_percent_error).bind(9, f.coverage());
      else s.bind_null(7).bind_null(8).bind_null(9);
      s.bind(10, f.caveat).bind(11, joined(f.reasons));
      s.run(db);
    }
    return id;
  });
}

void delete_validation(results::ResultsStore& store, std::int64_t validation_id) {
  sqlite3* db = store.handle();
  results::exec_sql(db, kTables);
  results::in_transaction(db, [&] {
    for (const char* sql : {"DELETE FROM validation_rows WHERE validation_id = ?", "DELETE FROM validation_series WHERE validation_id = ?",
                            "DELETE FROM validations WHERE validation_id = ?"}) {
      Statement d(db, sql);
      d.bind_int(1, validation_id);
      d.run(db);
    }
  });
}

void delete_calibration(results::ResultsStore& store, std::int64_t calibration_id) {
  sqlite3* db = store.handle();
  results::exec_sql(db, kCalibrationTables);
  results::in_transaction(db, [&] {
    for (const char* sql : {"DELETE FROM calibration_evaluations WHERE calibration_id = ?", "DELETE FROM calibrations WHERE calibration_id = ?"}) {
      Statement d(db, sql);
      d.bind_int(1, calibration_id);
      d.run(db);
    }
  });
}

std::int64_t latest_validation(const results::ResultsStore& store) {
  sqlite3* db = store.handle();
  results::exec_sql(db, kTables);
  Statement q(db, "SELECT COALESCE(MAX(validation_id), 0) FROM validations");
  return q.step(db) ? q.integer(0) : 0;
}

StoredValidation read_validation(const results::ResultsStore& store, std::int64_t id) {
  sqlite3* db = store.handle();
  results::exec_sql(db, kTables);
  StoredValidation out;
  Statement h(db,
              "SELECT created_at, scenario_name, scenario_text, observed_file, observed_text, data_version, parameters_version, "
              "program_version, seed, replicates, scale, base_year, run_start_year, months, method FROM validations WHERE validation_id = ?");
  h.bind_int(1, id);
  if (!h.step(db)) throw InputError("the results database " + store.path() + " has no validation " + std::to_string(id));
  out.validation_id = id;
  out.created_at = h.text(0);
  auto& rec = out.record;
  rec.scenario_name = h.text(1);
  rec.scenario_text = h.text(2);
  rec.observed_file = h.text(3);
  rec.observed_text = h.text(4);
  rec.data_version = h.text(5);
  rec.parameters_version = h.text(6);
  rec.program_version = h.text(7);
  rec.seed = static_cast<std::uint32_t>(h.integer(8));
  rec.replicates = static_cast<int>(h.integer(9));
  rec.scale = h.real(10);
  rec.base_year = static_cast<int>(h.integer(11));
  rec.run_start_year = static_cast<int>(h.integer(12));
  rec.months = static_cast<int>(h.integer(13));
  rec.method = h.text(14);
  Validation& v = out.validation;
  v.replicates = rec.replicates;
  v.run_start_year = rec.run_start_year;
  v.run_months = rec.months;
  Statement r(db,
              "SELECT line, series, geography, period, sex, age_band, observed, source, compared, reason, n, model_mean, model_p05, model_p95 "
              "FROM validation_rows WHERE validation_id = ? ORDER BY rowid");
  r.bind_int(1, id);
  while (r.step(db)) {
    ComparedRow c;
    c.observed.line = r.integer(0);
    c.observed.series = r.text(1);
    c.observed.geography = r.text(2);
    c.observed.period_text = r.text(3);
    parse_period(c.observed.period_text, c.observed.period);
    c.observed.sex = r.text(4);
    c.observed.age_band = r.text(5);
    c.observed.value = r.real(6);
    c.observed.source = r.text(7);
    c.compared = r.integer(8) != 0;
    c.reason = r.text(9);
    c.n = static_cast<int>(r.integer(10));
    c.mean = r.real(11);
    c.p05 = r.real(12);
    c.p95 = r.real(13);
    v.rows.push_back(std::move(c));
  }
  Statement s(db,
              "SELECT series, unit, rows, compared, inside, mape_percent, bias_percent, caveat, not_compared FROM validation_series "
              "WHERE validation_id = ? ORDER BY rowid");
  s.bind_int(1, id);
  while (s.step(db)) {
    SeriesFit f;
    f.series = s.text(0);
    f.unit = s.text(1);
    f.rows = static_cast<int>(s.integer(2));
    f.compared = static_cast<int>(s.integer(3));
    f.inside = static_cast<int>(s.integer(4));
    f.mape = s.real(5);
    f.mean_percent_error = s.real(6);
    f.caveat = s.text(7);
    const std::string reasons = s.text(8);
    std::size_t at = 0;
    while (at < reasons.size()) {
      const auto next = reasons.find('\n', at);
      f.reasons.push_back(reasons.substr(at, next == std::string::npos ? std::string::npos : next - at));
      if (next == std::string::npos) break;
      at = next + 1;
    }
    v.series.push_back(std::move(f));
  }
  return out;
}

}  // namespace shiftsim::validation
