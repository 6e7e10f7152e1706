#include "model/core/outputs.hpp"

namespace shiftsim::model {

std::string costed_activity_name(int k) {
  if (k < kTallies) return std::string(kTallyNames[static_cast<std::size_t>(k)]);
  return k == kTallies ? "emergency_admissions" : k == kTallies + 1 ? "excess_bed_days" : "mental_health_bed_days";
}

Payer costed_activity_payer(int k) {
  switch (k) {
    case gp_appointments: return nhs_primary_care;
    case community_contacts: return nhs_community;
    case mental_health_contacts:
    case kTallies + 2: return nhs_mental_health;  // mental-health inpatient bed-days
    case home_care_hours:
    case care_home_weeks: return council_adult_social_care;
    default: return nhs_acute;  // A&E, elective, outpatients, emergency spells and excess bed-days
  }
}

std::string flow_metric_name(int m) {
  if (m >= fm_incidence_first && m < fm_incidence_first + kConditions)
    return "incidence_" + std::string(kConditionNames[static_cast<std::size_t>(m - fm_incidence_first)]);
  if (m >= fm_tally_first && m < fm_tally_first + kTallies)
    return std::string(kTallyNames[static_cast<std::size_t>(m - fm_tally_first)]);
  if (m >= fm_cost_first && m < fm_cost_first + kPayers)
    return "cost_" + std::string(kPayerNames[static_cast<std::size_t>(m - fm_cost_first)]) + "_gbp";
  if (m >= fm_public_cost_first && m < fm_public_cost_first + kCostedActivities)
    return "public_cost_" + costed_activity_name(m - fm_public_cost_first) + "_gbp";
  if (m >= fm_programme_spend_first && m < fm_programme_spend_total) {
    static const char* funders[] = {"nhs", "council", "public_health", "pooled"};
    return std::string("intervention_spend_") + funders[m - fm_programme_spend_first] + "_gbp";
  }
  switch (m) {
    case fm_person_months: return "person_months";
    case fm_deaths: return "deaths";
    case fm_expected_deaths: return "expected_deaths";
    case fm_births: return "births";
    case fm_in_migrants: return "in_migrants";
    case fm_out_migrants: return "out_migrants";
    case fm_emergency_admissions: return "emergency_admissions";
    case fm_emergency_bed_days: return "emergency_bed_days";
    case fm_delayed_discharge_bed_days: return "delayed_discharge_bed_days";
    case fm_excess_bed_days: return "excess_bed_days";
    case fm_care_home_moves: return "care_home_moves";
    case fm_care_home_moves_after_admission: return "care_home_moves_after_admission";
    case fm_home_care_starts: return "home_care_starts";
    case fm_qalys: return "qalys";
    case fm_cost_total: return "cost_total_gbp";
    case fm_programme_new_participants: return "intervention_new_participants";
    case fm_programme_spend_total: return "intervention_spend_total_gbp";
    case fm_working_age_person_months: return "working_age_person_months";
    case fm_employed_person_months: return "employed_person_months";
    case fm_out_of_work_ill_health_person_months: return "out_of_work_ill_health_person_months";
    case fm_sickness_absence_days: return "sickness_absence_days";
    case fm_lost_output_workless_gbp: return "lost_output_out_of_work_gbp";
    case fm_lost_output_absence_gbp: return "lost_output_absence_gbp";
    case fm_births_smoking_at_delivery: return "births_smoking_at_delivery";
    case fm_low_birth_weight_births: return "low_birth_weight_births";
    case fm_infant_emergency_admissions: return "infant_emergency_admissions";
    case fm_mental_health_crises: return "mental_health_crises";
    case fm_mental_health_admissions: return "mental_health_admissions";
    case fm_mental_health_bed_days: return "mental_health_bed_days";
    case fm_falls_admissions_65_plus: return "falls_admissions_65_plus";
    case fm_carer_person_months: return "unpaid_carer_person_months";
    case fm_strained_carer_person_months: return "strained_carer_person_months";
    case fm_carer_qalys_lost: return "carer_qalys_lost";
    default: return "unknown";
  }
}

std::string flow_metric_unit(int m) {
  if (m >= fm_incidence_first && m < fm_incidence_first + kConditions) return "new cases";
  if (m >= fm_tally_first && m < fm_tally_first + kTallies) {
    const int t = m - fm_tally_first;
    if (t == home_care_hours) return "hours";
    if (t == care_home_weeks) return "resident weeks";
    return "contacts/attendances/admissions";
  }
  if ((m >= fm_cost_first && m < fm_cost_first + kPayers) || m == fm_cost_total) return "GBP, base-year prices, undiscounted";
  if (m >= fm_public_cost_first && m < fm_public_cost_first + kCostedActivities)
    return "GBP, base-year prices, undiscounted: cost of this activity to its public payer (households excluded; a care-home week's is the council's, without the NHS's nursing care)";
  if (m >= fm_programme_spend_first && m <= fm_programme_spend_total)
    return "GBP, base-year prices, undiscounted: spend on funded interventions (not in cost_total_gbp)";
  switch (m) {
    case fm_person_months: return "person-months";
    case fm_emergency_bed_days:
    case fm_delayed_discharge_bed_days: return "bed-days";
    case fm_excess_bed_days: return "bed-days: above (+) or below (-) each emergency admission's expected stay in the base year (costed at cost.excess_bed_day)";
    case fm_qalys: return "QALYs, undiscounted";
    case fm_expected_deaths: return "people (sum of monthly death probabilities: deaths without the draw's noise)";
    case fm_working_age_person_months: return "person-months of residents aged 16-64";
    case fm_employed_person_months: return "person-months in work (aged 16-64)";
    case fm_out_of_work_ill_health_person_months: return "person-months out of work because of ill health (would be in work if well)";
    case fm_sickness_absence_days: return "working days lost to sickness absence (expected)";
    case fm_lost_output_workless_gbp:
    case fm_lost_output_absence_gbp: return "GBP, base-year prices, undiscounted: output lost to the economy (earnings approach; not an NHS or council cost)";
    case fm_births_smoking_at_delivery: return "births whose mother smoked at delivery";
    case fm_low_birth_weight_births: return "births under 2,500 g";
    case fm_infant_emergency_admissions: return "emergency admissions of babies under 1 (included in emergency_admissions)";
    case fm_mental_health_crises: return "mental-health crises (severe enough for an admission to be considered) of people with a common mental disorder";
    case fm_mental_health_admissions: return "admissions to a mental-health bed in the month after a crisis";
    case fm_mental_health_bed_days: return "mental-health inpatient bed-days of those admissions (the mean stay each)";
    case fm_falls_admissions_65_plus:
      return "emergency admissions of people 65+ that followed a fall (included in emergency_admissions; the Better Care Fund's falls "
             "metric, PHE Fingertips 22401)";
    case fm_carer_person_months: return "person-months of unpaid carers of people at home with dementia or severe frailty";
    case fm_strained_carer_person_months: return "person-months of those carers with a common mental disorder";
    case fm_carer_qalys_lost: return "QALYs, undiscounted: lost by strained carers (not in qalys)";
    default: return "people";
  }
}

std::string stock_metric_name(int m) {
  if (m >= sm_condition_first && m < sm_condition_first + kConditions)
    return "with_" + std::string(kConditionNames[static_cast<std::size_t>(m - sm_condition_first)]);
  if (m >= sm_frailty_first && m < sm_frailty_first + kFrailtyLevels)
    return "frailty_" + std::string(kFrailtyNames[static_cast<std::size_t>(m - sm_frailty_first)]);
  if (m >= sm_care_first && m < sm_care_first + kCareSettings)
    return "living_" + std::string(kCareSettingNames[static_cast<std::size_t>(m - sm_care_first)]);
  switch (m) {
    case sm_population: return "population";
    case sm_population_male: return "population_male";
    case sm_population_65_plus: return "population_65_plus";
    case sm_adults: return "adults_18_plus";
    case sm_multimorbid: return "multimorbid_2_plus";
    case sm_smokers: return "smokers";
    case sm_ex_smokers: return "ex_smokers";
    case sm_overweight_or_obese: return "overweight_or_obese";
    case sm_obese: return "obese";
    case sm_inactive: return "inactive";
    case sm_harmful_drinkers: return "harmful_drinkers";
    case sm_isolated: return "isolated";
    case sm_activity_limited: return "activity_limited";
    default: return "unknown";
  }
}

std::string stock_metric_unit(int) { return "people at period end"; }

}  // namespace shiftsim::model
