// Turns a run's monthly flows and month-end stocks into reporting periods, in long (tidy)
// form: one row per (replicate, period, ICP, IMD quintile, metric). Flows are summed over
// the months of the period that were simulated; stocks are taken at the period's end (or at
// the last simulated month, for a period the run ends inside).
#pragma once

#include "model/core/outputs.hpp"

#include <string>
#include <vector>

namespace shiftsim::results {

enum class PeriodType { start, model_year, financial_year, calendar_year };
std::string period_type_name(PeriodType t);

struct Period {
  PeriodType type;
  std::string label;        // "2018/19" (model year: July-June), "FY2018/19", "2019", "mid-2018"
  int first_month = 0;      // model month index (0 = July of the start year)
  int last_month = 0;       // inclusive
  std::string start, end;   // "2018-07", "2019-06"
  int months() const { return last_month - first_month + 1; }
};

/// "YYYY-MM" of model month t (0 = July of start_year).
std::string month_label(int start_year, int t);

/// The reporting periods covered by a run of `months` months from July of `start_year`.
std::vector<Period> periods_of(int start_year, int months);

struct MetricRow {
  int replicate = 0;
  const Period* period = nullptr;
  int icp = -1;       // index into the region's ICPs
  int quintile = 0;   // 1..5
  int metric = 0;     // flow metric, or kFlowMetrics + stock metric
  double value = 0;
};

/// Name of a metric index as used in MetricRow::metric.
std::string metric_name(int metric);
bool metric_is_stock(int metric);
inline constexpr int kAllMetrics = model::kFlowMetrics + model::kStockMetrics;

/// Long rows for one replicate's output. `periods` must outlive the rows.
std::vector<MetricRow> long_rows(const model::RunOutput& out, const std::vector<Period>& periods, int icp_count);

/// The outputs by district and by neighbourhood (table area_metrics): a selection of the
/// metrics (population, deaths, births, migration, activity, costs) for each area, and the
/// same counts for the area's residents in the most deprived IMD quintile, so that demand and
/// the gap can be read for each of them. Model and financial years and the start only (no
/// calendar years), to keep the table a fraction of the ICP x quintile one.
struct AreaMetric {
  std::string name;  // as stored, e.g. "deaths", "deaths_imd_q1"
  int metric = 0;    // flow metric, or kFlowMetrics + stock metric
  bool most_deprived_only = false;
};
const std::vector<AreaMetric>& area_metric_list();

enum class AreaType { district, neighbourhood };
struct AreaRow {
  const Period* period = nullptr;
  AreaType type = AreaType::district;
  int area = 0;       // index into the layout's district or neighbourhood names
  int metric = 0;     // index into area_metric_list()
  double value = 0;
};
/// Rows for one replicate's output (periods of type calendar_year skipped). `periods` must
/// outlive the rows.
std::vector<AreaRow> area_rows(const model::RunOutput& out, const std::vector<Period>& periods);

/// Region totals of every metric for one period (summed over ICPs and quintiles).
std::vector<double> region_totals(const model::RunOutput& out, const Period& period);

}  // namespace shiftsim::results
