// The users' answers (OUTPUTS.md): every outcome of every arm, per replicate, and every
// difference of a scenario from the baseline taken replicate by replicate (common random
// numbers), then summarised as mean, median and 90% interval over replicates.
//
// Arm outcomes: activity; cost by payer and setting (undiscounted and discounted);
// intervention spend by funder; deaths; QALYs; life expectancy at birth and at 65 by IMD
// quintile and sex from period life tables of the simulated deaths and person-years; the
// most-vs-least-deprived gap and the slope index of inequality across deciles; prevalence by
// quintile. Differences: gross and cashable savings by payer, intervention cost, net
// benefit, ROI, NPV, break-even year, P(ROI > 1), the who-pays/who-saves matrix and what a
// pooled budget would move, deaths averted, QALYs gained (by quintile), cost per QALY, net
// monetary benefit at the NICE thresholds, and the change in life expectancy, gap and SII.
//
// Periods: financial years (April-March; a run from July has a 9-month first and a 3-month
// last financial year, labelled with their months), "plan" (the first years, when the run is
// longer than the plan) and "horizon" (the whole run). Beyond the horizon: the discounted
// life-years and QALYs the survivors are still expected to live, reported apart.
#pragma once

#include "model/core/outputs.hpp"
#include "model/programmes/policy.hpp"
#include "results/outcomes.hpp"
#include "results/statistics.hpp"

#include "results/value_of_information.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shiftsim::results {

/// The finance rules a comparison applies (the scenario arm's: SCENARIOS.md `finance`).
struct FinanceSettings {
  int price_base_year = 2018;         // financial year 2018/19 = year 0 of discounting
  double rate_costs = 0.035;          // HM Treasury Green Book
  double rate_health = 0.015;
  std::vector<std::string> cashable{"care_home_weeks", "home_care_hours"};
  double wtp_low = 20000, wtp_high = 30000;  // NICE's GBP per QALY range
  double optimism_costs = 0, optimism_benefits = 0;  // Green Book optimism bias: cost x (1 + c), savings x (1 - b)
  std::string funding_source = "new_money";        // or "existing_budgets" (the system model's squeeze)
  bool continue_funding = false;                    // funding beyond the scenario's years
  /// Money is reported in the prices of the financial year price_base_year: every GBP figure is
  /// the model's (base-year, FY2018/19) money x this uplift (1 / the NHS cost inflation index's
  /// deflator to 2018/19 of that year; 1 when price_base_year is the data's base year).
  double price_factor = 1.0;
};

struct ArmInput {
  std::string name;
  std::int64_t run_id = 0;
  std::vector<const model::RunOutput*> replicates;  // replicate k of every arm shares seeds
  FinanceSettings finance;                          // for a scenario arm: its own rules
};

/// One value: arm, replicate, period, breakdown ("all", "payer=nhs_acute", "quintile=1",
/// "sex=female", "quintile=1;sex=male", "investor=pooled;saver=nhs_acute", ...), outcome.
struct OutcomeValue {
  int arm = 0, replicate = 0;
  std::string period, breakdown;
  int outcome = 0;
  double value = 0;
};

/// Mean, median and 5th-95th percentiles over replicates. A quantity that can be "not within
/// the horizon" (break-even year) counts those replicates as later than any year: a quantile
/// that falls among them, and the mean, are then absent.
struct OutcomeSummary {
  int arm = 0;
  std::string period, breakdown;
  int outcome = 0;
  int n = 0;                                  // replicates with a value (or counted as beyond)
  std::optional<double> mean, median, p05, p95;
  /// The Monte Carlo standard error of the mean: sd / sqrt(n), or for a ratio of means R = Y/X
  /// the delta method's sd(y - R x) / (sqrt(n) mean x). Absent with fewer than two replicates.
  std::optional<double> mcse;
};

struct Comparison {
  std::vector<std::string> arms;              // arm 0 is the baseline
  std::vector<std::int64_t> run_ids;
  std::vector<std::string> periods;           // "FY2018/19 (Jul-Mar)", ..., "horizon"
  std::vector<OutcomeValue> values;
  std::vector<OutcomeSummary> summary;
  std::vector<FinanceSettings> finance;       // per arm
  int plan_months = 0;                        // the "plan" period's months (0: none)
};

/// NICE's reference-case discount rate, for costs and health alike (NICE manual PMG36, 2022).
inline constexpr double kNiceDiscountRate = 0.035;

/// The period of the plan's outcomes: a run longer than the plan (to see the pay-back) also
/// has every horizon outcome over the plan's first years, as a run of that length would.
inline constexpr const char* kPlanPeriod = "plan";

/// Computes every outcome. All arms need the same number of replicates, months and layout.
/// With a single arm only the arm outcomes are produced. With 0 < plan_months < the runs'
/// months (whole years), the horizon outcomes are also given for the first plan_months, as
/// period "plan" (listed before "horizon").
Comparison compare(const std::vector<ArmInput>& arms, int plan_months = 0);

/// One arm's replicate k: its output and finance rules.
struct ReplicateArm {
  const model::RunOutput* output = nullptr;
  FinanceSettings finance;
  const model::Policy* policy = nullptr;  // the arm's interventions (budgets, uptake): what each bought
};
/// Every outcome of replicate k of every arm (arm 0 the baseline): the unit a stored
/// comparison commits, since differences are taken replicate by replicate. With
/// 0 < plan_months < the runs' months (whole years), the horizon outcomes are also given for
/// the plan's months, as period "plan".
/// With first_month > 0 (whole years), the months before it (the run-in from the data's base
/// year to a later plan start) are in no outcome: periods, the horizon, discounting's sums and
/// the plan all start there.
std::vector<OutcomeValue> replicate_outcomes(const std::vector<ReplicateArm>& arms, int replicate, int plan_months = 0, int first_month = 0);
/// The summaries of every replicate's values of `arms` arms with `replicates` replicates each:
/// mean, median and interval per outcome, and the ratios of means (ICERs) and the break-even
/// years no replicate reached.
/// With `samples` (each arm's drawn parameters, by replicate) also the one-way sensitivity of
/// each scenario's NPV and the EVPPI of each parameter group (value_of_information.hpp).
std::vector<OutcomeSummary> summarise_comparison(const std::vector<OutcomeValue>& values, int arms, int replicates,
                                                 const std::vector<ParameterSample>* samples = nullptr);
/// The periods of a comparison: financial years, "plan" (when 0 < plan_months < months), "horizon".
std::vector<std::string> comparison_periods(int start_year, int months, int plan_months, int first_month = 0);

/// Summaries over replicates of a set of values (exposed for tests).
std::vector<OutcomeSummary> summarise_values(const std::vector<OutcomeValue>& values);


/// Finds a summary row; null if absent.
const OutcomeSummary* find_summary(const Comparison& c, int arm, const std::string& period, const std::string& breakdown,
                                   const std::string& outcome);

}  // namespace shiftsim::results
