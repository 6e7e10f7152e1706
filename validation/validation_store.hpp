// A validation, stored: its own tables in the results database (validations,
// validation_rows, validation_series), beside the runs and comparisons. The observed file is
// stored as read, with the scenario, seed, scale and versions, so that a stored fit can be
// reproduced and re-read without the files it came from.
#pragma once

#include "results/store.hpp"
#include "validation/calibrate.hpp"
#include "validation/compare.hpp"

#include <cstdint>
#include <string>

namespace shiftsim::validation {

struct ValidationRecord {
  std::string scenario_name, scenario_text;
  std::string observed_file, observed_text;
  std::string data_version, parameters_version, program_version;
  std::uint32_t seed = 0;
  int replicates = 0;
  double scale = 1;
  int base_year = 0;        // the region data's
  int run_start_year = 0;   // where the run starts (earlier than base_year in a back-cast)
  int months = 0;
  std::string method;       // how the starting population was made
};

/// Creates the tables if needed and stores one validation in one transaction; its id.
std::int64_t store_validation(results::ResultsStore& store, const ValidationRecord& record, const Validation& v);

/// A stored validation, read back (record and every row and series).
struct StoredValidation {
  std::int64_t validation_id = 0;
  std::string created_at;
  ValidationRecord record;
  Validation validation;
};
StoredValidation read_validation(const results::ResultsStore& store, std::int64_t validation_id);
/// A calibration, stored (tables calibrations and calibration_evaluations): what was fitted
/// to what, how, every evaluation, and the file written; its id.
struct CalibrationRecord {
  std::string scenario_name, scenario_text, targets_file, targets_text, output_file, command;
  std::string data_version, parameters_version, program_version;
  std::uint32_t seed = 0;
  int replicates = 0, months = 0;
  double scale = 1;
};
std::int64_t store_calibration(results::ResultsStore& store, const CalibrationRecord& record, const CalibrationResult& result);

/// Undo a stored validation or calibration (what follows it failed: nothing half-written is left).
void delete_validation(results::ResultsStore& store, std::int64_t validation_id);
void delete_calibration(results::ResultsStore& store, std::int64_t calibration_id);

/// The latest stored validation's id, or 0.
std::int64_t latest_validation(const results::ResultsStore& store);

}  // namespace shiftsim::validation
