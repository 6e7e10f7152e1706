// The model against what happened: every observed row (validation/observed.hpp) the model can
// reproduce is computed from each replicate's output, for its geography, period, sex and age
// band, and summarised as the replicates' mean and 90% interval beside the observed value;
// per series, the mean absolute percentage error (MAPE) and how often the observed value lies
// inside the interval (coverage). Rows the model cannot reproduce (a period outside the run,
// an age band the outputs do not keep, a series the model does not simulate) are kept with
// the reason, never dropped silently.
#pragma once

#include "model/core/outputs.hpp"
#include "model/world/region.hpp"
#include "validation/observed.hpp"

#include <string>
#include <vector>

namespace shiftsim::validation {

/// How a series is computed from a run.
enum class SeriesKind {
  flow_count,      // a count over the period (deaths, births, admissions ...)
  stock_count,     // people at a mid-year (population)
  stock_percent,   // a percentage of adults, averaged over the stocks the run keeps in the period (March, June, December ends)
  rate_per_100k,   // a flow per 100,000 person-years of its age band
  life_expectancy, // period life expectancy at birth, from the deaths and person-years of the period
  not_modelled     // recognised in the file, but the model has no such figure
};

struct SeriesDefinition {
  std::string name, unit, definition;
  SeriesKind kind = SeriesKind::flow_count;
  int metric = -1;                       // flow metric, or kFlowMetrics + stock metric (numerator)
  int denominator = -1;                  // stock metric of the percentage or rate's people
  std::vector<std::string> age_bands;    // the bands a row may give (empty: any the outputs keep)
  std::string caveat;                    // how the model's figure differs from the published one
};

/// Every series the observed format may name, modelled or not.
const std::vector<SeriesDefinition>& series_definitions();
const SeriesDefinition* find_series(const std::string& name);

/// The vocabulary of a region: every series above, "region", its ICPs' names and its
/// districts' codes.
ObservedVocabulary vocabulary_of(const model::RegionData& region);

/// The model's figure for one observed row in one run, or why there is none.
struct ModelValue {
  bool ok = false;
  double value = 0;
  std::string reason;
};
ModelValue model_value(const ObservedRow& row, const model::RunOutput& out, const model::RegionData& region);

struct ComparedRow {
  ObservedRow observed;
  bool compared = false;
  std::string reason;      // why not, when not compared
  int n = 0;               // replicates
  double mean = 0, p05 = 0, p95 = 0;
  double error() const { return mean - observed.value; }
  double percent_error() const { return observed.value != 0 ? 100.0 * (mean - observed.value) / observed.value : 0.0; }
  bool inside() const { return compared && observed.value >= p05 && observed.value <= p95; }
};

struct SeriesFit {
  std::string series, unit, caveat;
  int rows = 0, compared = 0, inside = 0;
  int with_percent_error = 0;      // compared rows whose observed value is not 0 (the MAPE's and bias's)
  double mape = 0;                 // mean absolute percentage error of the compared rows
  double mean_percent_error = 0;   // their mean signed percentage error (bias)
  double coverage() const { return compared ? static_cast<double>(inside) / compared : 0.0; }
  std::vector<std::string> reasons;  // distinct reasons rows were not compared
};

struct Validation {
  std::vector<ComparedRow> rows;
  std::vector<SeriesFit> series;   // in the order of series_definitions() present in the file
  int replicates = 0;
  int run_start_year = 0, run_months = 0;
};

/// Compares every row with the runs (replicates of one scenario, at least one).
Validation compare_observed(const std::vector<ObservedRow>& rows, const std::vector<const model::RunOutput*>& runs,
                            const model::RegionData& region);

/// A printable table: per series (MAPE, coverage, bias, rows compared) and, with `every_row`,
/// each compared row.
std::string format_validation(const Validation& v, bool every_row);

}  // namespace shiftsim::validation
