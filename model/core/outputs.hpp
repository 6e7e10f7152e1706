// What a run produces, in people (agents x 1/scale), before any summary: monthly flows and
// month-end stocks per output cell (zone x IMD quintile), plus deaths and exposure by
// quintile x sex x age group for life tables. results/ aggregates these into periods.
#pragma once

#include "model/core/types.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shiftsim::model {

/// Flows accumulated over a month, per output cell.
enum FlowMetric : std::uint8_t {
  fm_person_months = 0,
  fm_deaths,
  fm_expected_deaths,                                      // sum of monthly death probabilities
  fm_births,
  fm_in_migrants,
  fm_out_migrants,
  fm_emergency_admissions,
  fm_emergency_bed_days,
  fm_delayed_discharge_bed_days,
  fm_excess_bed_days,                                      // above (+) or below (-) each admission's expected stay
  fm_care_home_moves,
  fm_care_home_moves_after_admission,
  fm_home_care_starts,
  fm_incidence_first,                                      // 8 conditions
  fm_tally_first = fm_incidence_first + kConditions,       // 8 tally services (counts)
  fm_qalys = fm_tally_first + kTallies,
  fm_cost_first,                                           // 7 payers
  fm_cost_total = fm_cost_first + kPayers,
  fm_programme_new_participants,                           // people who joined a funded intervention
  fm_programme_spend_first,                                // 4 funders: nhs, council, public_health, pooled
  fm_programme_spend_total = fm_programme_spend_first + 4,
  fm_public_cost_first,                                    // public cost of each activity: 8 tallies,
  fm_public_cost_emergency_admissions = fm_public_cost_first + kTallies,  // then emergency spells
  fm_public_cost_excess_bed_days,                                        // excess bed-days
  fm_public_cost_mental_health_bed_days,                                 // and mental-health inpatient bed-days
  // The economy's ledger (model/people/wider.hpp): never part of the costs above.
  fm_working_age_person_months,                            // aged 16-64
  fm_employed_person_months,
  fm_out_of_work_ill_health_person_months,                 // would be in work if well
  fm_sickness_absence_days,                                // expected working days lost by workers
  fm_lost_output_workless_gbp,                             // out of work because of ill health, earnings x on-costs
  fm_lost_output_absence_gbp,                              // sickness absence, earnings x on-costs
  // The start of life.
  fm_births_smoking_at_delivery,                           // births whose mother smoked at delivery
  fm_low_birth_weight_births,                              // under 2,500 g
  fm_infant_emergency_admissions,                          // emergency admissions of babies under 1
  fm_falls_admissions_65_plus,                             // emergency admissions of people 65+ that followed a fall
  fm_mental_health_crises,                                 // crises of people with a common mental disorder
  fm_mental_health_admissions,                             // admissions to a mental-health bed after a crisis
  fm_mental_health_bed_days,                               // their bed-days
  // Unpaid carers of people at home with dementia or severe frailty.
  fm_carer_person_months,
  fm_strained_carer_person_months,                         // carers with a common mental disorder
  fm_carer_qalys_lost,                                     // strained carers' utility loss
  kFlowMetricCount
};
inline constexpr int kFlowMetrics = kFlowMetricCount;

/// Activities whose public cost is recorded on its own (fm_public_cost_first + k): the
/// scenario's finance rules name the cashable ones, and the payer of each is fixed (GP:
/// primary care; A&E, elective, outpatients and emergency spells: acute; community;
/// mental health; home care and care homes: the council, self-funders' share excluded).
inline constexpr int kCostedActivities = kTallies + 3;
std::string costed_activity_name(int k);  // "gp_appointments", ..., "emergency_admissions", "excess_bed_days", "mental_health_bed_days"
Payer costed_activity_payer(int k);

/// Stocks at a month end, per output cell.
enum StockMetric : std::uint8_t {
  sm_population = 0,
  sm_population_male,
  sm_population_65_plus,
  sm_adults,                                   // 18+
  sm_condition_first,                          // 8 conditions (people with)
  sm_multimorbid = sm_condition_first + kConditions,  // 2+ conditions
  sm_smokers,
  sm_ex_smokers,
  sm_overweight_or_obese,
  sm_obese,
  sm_inactive,
  sm_harmful_drinkers,
  sm_isolated,
  sm_frailty_first,                            // 4 levels
  sm_care_first = sm_frailty_first + kFrailtyLevels,  // 3 settings
  sm_activity_limited = sm_care_first + kCareSettings,  // living with an activity-limiting illness (health state)
  kStockMetricCount
};
inline constexpr int kStockMetrics = kStockMetricCount;

std::string flow_metric_name(int m);
std::string stock_metric_name(int m);
/// Unit and one-line definition of a metric (for the data dictionary).
std::string flow_metric_unit(int m);
std::string stock_metric_unit(int m);

/// Deaths and person-months by IMD decile (10) x sex (2) x age group (20): the period life
/// tables by quintile pool two deciles; the slope index of inequality uses all ten.
inline constexpr int kLifeTableCells = kDeciles * kSexes * kAgeGroups;
constexpr int life_table_cell(int decile, int sex, int age_group) {
  return ((decile - 1) * kSexes + sex) * kAgeGroups + age_group;
}

/// Deaths and person-months by district x sex x age group: the district life tables
/// (validation against ONS and OHID district life expectancy).
constexpr int district_life_table_cell(int district, int sex, int age_group) { return (district * kSexes + sex) * kAgeGroups + age_group; }
inline constexpr int kDistrictLifeTableCellsPerDistrict = kSexes * kAgeGroups;

/// Survivors at the end of a run, by decile x sex x single year of age 0..kMaxAge; the utility
/// norm goes on to age kSurvivorAges - 1 for the years beyond.
inline constexpr int kSurvivorCells = kDeciles * kSexes * kAges;
inline constexpr int kSurvivorAges = 121;
constexpr int survivor_cell(int decile, int sex, int age) { return ((decile - 1) * kSexes + sex) * kAges + age; }

struct MonthFlows {
  std::vector<double> cells;           // [cell * kFlowMetrics + metric]
  std::array<double, kLifeTableCells> deaths{};
  std::array<double, kLifeTableCells> person_months{};
  std::array<double, kLifeTableCells> limited_person_months{};  // of which with an activity limitation
  /// By district (district_life_table_cell); empty in SD-only runs.
  std::vector<double> district_deaths, district_person_months;
};

struct Snapshot {
  int after_month = 0;                 // stocks at the end of this month index (-1 = start)
  std::vector<double> cells;           // [cell * kStockMetrics + metric]
};

struct OutputLayout {
  int zones = 0;
  std::vector<int> zone_icp, zone_district, zone_neighbourhood;
  /// The names the indices above stand for (the outputs by district and neighbourhood).
  std::vector<std::string> district_codes, district_names, neighbourhood_names;
  int cells() const { return zones * kQuintiles; }
  static int cell(int zone, int quintile) { return zone * kQuintiles + (quintile - 1); }
};

/// A named value computed while building the model (calibration factors, derived
/// parameters), stored with the run for provenance.
struct Diagnostic {
  std::string name;
  double value = 0;
  std::string note;
};

/// A funded intervention as run, and what it did each month (ProgrammeMetric, people units).
struct ProgrammeOutput {
  std::string name, type;
  std::vector<int> shifts;
  bool area = false;
  std::vector<std::vector<double>> months;  // [month][metric]
};

/// The system-dynamics model of each ICP: every stock, auxiliary and monthly flow total at
/// the start (index 0) and at the end of every month (index t + 1).
struct SystemOutput {
  std::vector<std::string> icps;
  std::vector<std::string> names, units;
  std::vector<std::vector<std::vector<double>>> values;  // [icp][month + 1][variable]
};

struct RunOutput {
  int start_year = 0;        // the population is at 30 June of start_year
  int start_month = 7;       // first simulated calendar month (July)
  int months = 0;
  double scale = 1;
  std::uint32_t seed = 0, replicate = 0;
  OutputLayout layout;
  std::vector<MonthFlows> flows;       // one per simulated month
  bool life_table_by_decile = true;    // false in SD-only mode: cells hold quintiles (decile 2q-1)
  bool wider_outcomes = true;          // false in SD-only mode: no economy, birth or carer flows (zeros)
  std::vector<Snapshot> snapshots;     // start, and the end of every month
  std::vector<Diagnostic> diagnostics;
  std::vector<ProgrammeOutput> programmes;
  SystemOutput system;
  /// The people alive at the end of the run (people units) and the sum of their EQ-5D
  /// utilities, by IMD decile, sex and single year of age (survivor_cell): what the life the
  /// survivors have beyond the horizon is computed from (results/comparison.cpp). Empty in
  /// SD-only runs.
  std::vector<double> survivors, survivor_utility;
  /// The EQ-5D population norm by sex and single year of age 0..kSurvivorAges-1 (the model's
  /// utility.norm.* parameters), to carry a survivor's utility forward as they age.
  std::vector<double> utility_norm;  // [sex * kSurvivorAges + age]
  /// Average NHS spend per person-year by life-table cell (IMD decile, sex, age group), in the
  /// price base: the region data's reference table (Asaria 2017, by single year of age, sex and
  /// IMD quintile; an age group's mean over its years) deflated to base-year prices. What the
  /// NICE reference case prices the added life-years at, to leave unrelated future costs out.
  /// Empty in SD-only runs.
  std::vector<double> nhs_spend_per_year;  // [life_table_cell]
  std::size_t agents_at_start = 0;
  double agent_months = 0;
  double wall_seconds = 0;
  double setup_seconds = 0;
  /// Where the time went (wall seconds, summed over the run): setup's synthesis and
  /// calibration, then each phase of the monthly step (phase_names()). For the benchmark.
  std::array<double, 10> phase_seconds{};
  static const std::array<const char*, 10>& phase_names() {
    static const std::array<const char*, 10> names{"setup: synthesis", "setup: calibration and health state", "month: programmes",
                                                   "month: running sums and feedback", "month: pass over people", "month: combine blocks and activity",
                                                   "month: births and in-migrants", "month: costs and records", "month: end (snapshots, compaction)",
                                                   "month: system models"};
    return names;
  }
};

}  // namespace shiftsim::model
