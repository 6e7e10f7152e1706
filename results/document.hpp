// A stored comparison read back from the results database as one JSON document: what the
// exports (CSV, JSON, Excel) and the HTML report are made from, so that each says the same.
//
// {
//   "comparison_id", "created_at", "common_random_numbers",
//   "periods": ["FY2018/19 (Jul-Mar)", ..., "plan" (a run longer than its plan), "horizon"],
//   "provenance": {program_version, data_version, parameters_version, seed, replicates, scale,
//                  threads, start_year, years, plan_years (0: no plan period)},
//   "arms": [{"arm", "run_id", "role" (baseline|scenario|single), "scenario", "description",
//             "scenario_path", "finance": {price_base_year, discount_rate_costs,
//             discount_rate_health, cashable: [...], reinvest_share, reinvest_from},
//             "interventions": [{name, type, shifts, reach, start_month, end_month,
//             unit_cost_gbp, unit_cost_basis, max_uptake, ramp_up_months,
//             effect_half_life_months, effects, budget_gbp_by_financial_year,
//             budget_gbp_total, budget_by_funder_gbp}],   (finance also has "inflation")
//             "parameter_overrides": {name: value-or-distribution}, "started_at",
//             "finished_at", "wall_seconds"}],
//   "dictionary": [{"outcome", "unit", "scope", "breakdowns", "definition"}],
//   "summary": [{"run_id", "arm", "period", "breakdown", "outcome", "n", "mean", "median",
//                "p05", "p95"}],   (null where absent, e.g. break-even beyond the horizon)
//   "replicates": [{"run_id", "arm", "outcome", "breakdown", "period": "horizon",
//                   "replicates": [replicate index of each value], "values": [...]}]
//                  (horizon outcomes only; a replicate without a value is left out)
//   "assumptions": [{"name", "value", "unit", "uncertainty", "source", "derived"}] (the
//                   baseline's parameter rows with a value: the central values when the
//                   replicates drew theirs (stored as replicate -1), else the run's table)
// }
#pragma once

#include "results/format.hpp"
#include "results/store.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace shiftsim::results {

/// The comparison a run belongs to (the latest one that has it as an arm); throws StoreError
/// naming the run if it has none (it failed, was interrupted, or does not exist).
std::int64_t comparison_of_run(const ResultsStore& store, std::int64_t run_id);

/// The latest comparison that has the run as an arm, with the run's role in it (baseline,
/// scenario or single); none if the run stored no results.
struct RunComparison {
  std::int64_t comparison_id = 0;
  std::string role;
};
std::optional<RunComparison> latest_comparison(const ResultsStore& store, std::int64_t run_id);

/// Whether the database holds this comparison.
bool has_comparison(const ResultsStore& store, std::int64_t comparison_id);

/// The whole comparison as one JSON document (see above).
nlohmann::json comparison_document(const ResultsStore& store, std::int64_t comparison_id);

/// Tidy long CSV of a comparison: one row per (run, replicate, period, breakdown, outcome)
/// for the outcomes, then the model's raw metrics by ICP and quintile (source = "metric").
/// Columns: source, comparison_id, run_id, scenario, replicate, period, breakdown, outcome,
/// unit, value. Values are written with 17 significant digits (they read back exactly).
/// Text cells as `text` says (results/format.hpp; raw by default).
void write_csv(const ResultsStore& store, std::int64_t comparison_id, std::ostream& out, CsvText text = CsvText::raw);
/// The summaries (mean, median, p05, p95 over replicates) as a tidy CSV.
void write_summary_csv(const ResultsStore& store, std::int64_t comparison_id, std::ostream& out, CsvText text = CsvText::raw);

}  // namespace shiftsim::results
