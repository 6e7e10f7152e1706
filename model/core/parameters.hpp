// Typed model parameters, read once from the ParameterTable by name. The hot loops never
// look anything up by name: they use the derived rate tables built from these values.
#pragma once

#include "model/core/parameter_table.hpp"
#include "model/core/types.hpp"

#include <array>
#include <map>
#include <optional>
#include <string>

namespace shiftsim::model {

/// A quantity by single year of age (0..kMaxAge) for each sex, interpolated from the
/// published age bands (linear between band mid-points, flat beyond the end mid-points,
/// zero below the youngest band).
struct AgeSexProfile {
  std::array<std::array<double, kAges>, kSexes> value{};
  int min_age = 0;  // youngest age of the youngest band
  double at(int sex, int age) const {
    return value[static_cast<std::size_t>(sex)][static_cast<std::size_t>(age < 0 ? 0 : (age > kMaxAge ? kMaxAge : age))];
  }
};

/// An optional level to which a profile is scaled: the England population-weighted mean of
/// the profile over ages >= min_age equals `level` for each sex.
struct ProfileAnchor {
  bool present = false;
  std::array<double, kSexes> level{};
  int min_age = 0;
};

/// Risk factors and conditions that enter relative-risk tables, in a fixed order.
enum RiskFactorForRr : std::uint8_t {
  rr_smoking_current = 0,
  rr_smoking_ex,
  rr_overweight,
  rr_obese,
  rr_inactive,
  rr_harmful_drinking,
  rr_isolated,
  rr_has_hypertension,
  rr_has_diabetes,
  kRrFactorCount
};

/// The curves of excess risk remaining after quitting smoking (Kontis 2014), and the one each
/// condition with a smoking relative risk follows.
enum CessationCurve : std::uint8_t { curve_cvd = 0, curve_copd, curve_cancer, kCessationCurveCount };
inline constexpr int kCessationCurves = kCessationCurveCount;
inline constexpr std::array<std::string_view, kCessationCurves> kCessationCurveNames{"cvd", "copd", "cancer"};
inline constexpr CessationCurve cessation_curve(int condition) {
  return condition == coronary_heart_disease || condition == stroke || condition == type2_diabetes || condition == hypertension
             ? curve_cvd
             : (condition == copd ? curve_copd : curve_cancer);
}

/// A council's key in parameter names: its name before any " (code)", without " County
/// Council", lower case, other characters as '_' ("Lancashire County Council (E10000017)" ->
/// "lancashire", "Blackburn with Darwen" -> "blackburn_with_darwen").
std::string council_key(const std::string& council_name);

struct BinaryRiskParameters {
  AgeSexProfile prevalence;        // proportion
  double deprivation_ratio = 1;    // prevalence Q1 / Q5
  double recovery_per_year = 0;    // annual probability of leaving the state
};

struct Parameters {
  // --- mortality
  std::array<double, kConditions> mortality_hr_condition{};
  /// The ages over which each factor's marginal HR is matched to its source's (min, max).
  std::array<int, 2> mortality_target_ages_conditions{}, mortality_target_ages_smoking{}, mortality_target_ages_frailty{};
  double mortality_hr_person_cap = 0;
  /// ERFC's joint HRs: diabetes + CHD, diabetes + stroke, stroke + CHD, all three (vs none of them).
  std::array<double, 4> mortality_hr_cardiometabolic_joint{};
  double care_home_deaths_per_resident_year = 0;  // calibration target, residents 65+
  double care_home_first_year_ratio = 1;          // first-year / later mortality multiplier
  bool mortality_calibrate_care_home = true;      // false: the care-home multipliers are 1
  double mortality_hr_smoking_current = 1;
  /// Weights of the CVD and COPD curves in the all-cause curve after quitting (cancers: the rest).
  double mortality_ex_share_cvd = 0, mortality_ex_share_copd = 0;
  std::array<double, kFrailtyLevels> mortality_hr_frailty{};
  bool mortality_apply_trend = true;
  bool mortality_calibrate_to_observed = true;
  bool mortality_level_from_trend = true;         // the district targets at the registrations' trend, not one year's level
  double mortality_realised_over_expected = 1;    // realised over expected first-year deaths (fitted by shiftsim calibrate)
  bool mortality_calibrate_deprivation = true;

  // --- births and migration
  double fertility_trend_per_year = 0;
  double migration_female_share = 0.5;
  double migration_trend_per_year = 0;
  std::array<double, kAges> migration_age_profile{};  // Rogers-Castro, normalised to sum 1

  // --- risk factors
  AgeSexProfile smoking_current, smoking_ex;  // proportions
  double smoking_deprivation_ratio = 1;
  /// Share of a current smoker's excess risk that remains [curve][completed years since quitting].
  std::array<std::array<double, kQuitYears>, kCessationCurves> smoking_excess_remaining{};
  /// Annual relapse probability by completed years since quitting (the last: that year on).
  std::array<double, kQuitYears> smoking_relapse_by_year{};
  double smoking_historical_decline_per_year = 0;
  double smoking_secular_decline_per_year = 0;  // a hazard added to quitting (England APS trend; checked by shiftsim calibrate, docs/validation.md)
  AgeSexProfile overweight_or_obese, obese;  // proportions (anchored)
  ProfileAnchor overweight_or_obese_anchor, obese_anchor;
  double overweight_deprivation_ratio = 1, obese_deprivation_ratio = 1;
  double overweight_to_healthy_per_year = 0, obese_to_overweight_per_year = 0;
  BinaryRiskParameters inactive, harmful_drinking, isolated;

  // --- conditions
  std::array<AgeSexProfile, kConditions> condition_prevalence;
  std::array<ProfileAnchor, kConditions> condition_anchor;
  std::array<double, kConditions> condition_deprivation_ratio{};
  double cmd_recovery_per_year = 0;
  /// Relative risk of incidence [condition][sex][factor]; 1 where no evidence is used.
  std::array<std::array<std::array<double, kRrFactorCount>, kSexes>, kConditions> incidence_rr{};

  // --- frailty
  std::array<AgeSexProfile, 3> frailty_prevalence;  // mild, moderate, severe
  double frailty_rr_per_condition = 1;

  // --- care setting
  AgeSexProfile care_home_prevalence, home_care_prevalence;
  std::array<double, kFrailtyLevels> care_rr_frailty{};
  double care_rr_dementia = 1;
  /// The share of England's falls admissions of people 65+ that are of people 80+ (PHOF).
  double falls_share_80_plus = 0;
  double care_home_after_admission_65_74 = 0, care_home_after_admission_75_84 = 0, care_home_after_admission_85_plus = 0;
  double home_care_hours_per_week = 0;
  double self_funder_share_care_home = 0, self_funder_share_home_care = 0;

  // --- activation
  std::array<double, 4> activation_share{};
  double activation_deprivation_shift = 0;

  // --- services (per person-year unless stated)
  AgeSexProfile gp_rate, ae_rate, emergency_los_days, community_rate, mental_health_rate;
  double gp_anchor = 0, outpatient_anchor = 0, community_anchor = 0, mental_health_anchor = 0;
  double zero_day_share = 0, delayed_share_of_bed_days = 0;
  int maternity_age_min = 15, maternity_age_max = 49;  // women's spend without maternity (admissions' shape)
  double smoking_attributable_admissions_35_plus = 0;  // share of emergency admissions 35+ (England prevalence)
  double rr_gp_per_condition = 1, rr_emergency_per_condition = 1, rr_ae_per_condition = 1,
         rr_outpatient_per_condition = 1;
  double rr_mental_health_cmd = 1, rr_mental_health_dementia = 1;
  std::array<double, kFrailtyLevels> rr_emergency_frailty{}, rr_ae_frailty{}, rr_community_frailty{},
      rr_gp_frailty{};

  // --- costs
  double cost_home_care_hour = 0;
  double cost_outpatient_attendance = 0;
  double cost_ae_attendance = 0, cost_elective_inpatient = 0, cost_daycase = 0;  // 2018/19 prices
  double cost_excess_bed_day = 0;  // a bed-day above or below the admission's expected stay
  /// Mental-health crises of people with a common mental disorder (MODEL.md's crisis event):
  /// the monthly chance, the chance of an admission in the month after without crisis care,
  /// and the admission's mean stay (days).
  double mh_crisis_monthly = 0, mh_admission_after_crisis = 0, mh_admission_los_days = 0;
  double cost_fnc_week = 0;        // NHS-funded nursing care, a nursing-home resident week
  /// By council (council_key of its name): residents' contributions to council-arranged weeks,
  /// and the share of care-home weeks in nursing homes.
  std::map<std::string, double> care_home_contribution_share_by_council, nursing_share_by_council;
  double care_home_self_funder_premium = 1;
  double mental_health_iapt_share = 0;
  std::map<std::string, double> deflator_to_base;  // by financial year "2014/15"

  // --- utility
  double utility_constant = 0, utility_male = 0, utility_age = 0, utility_age_squared = 0;
  /// The EQ-5D population norm at an age and sex (0 male, 1 female), clamped to [0, 1].
  double utility_norm(int sex, double age) const {
    const double u = utility_constant + (sex == 0 ? utility_male : 0.0) + utility_age * age + utility_age_squared * age * age;
    return u < 0 ? 0.0 : (u > 1 ? 1.0 : u);
  }
  std::array<double, kConditions> utility_decrement{};
  std::array<double, kFrailtyLevels> utility_frailty_multiplier{};
  double utility_care_home_multiplier = 1;

  // --- health state: activity limitation (disability-free life expectancy, Sullivan)
  double limitation_or_per_decade = 1;               // odds ratio per 10 years of age
  std::array<double, kFrailtyLevels> limitation_or_frailty{};  // vs fit (1 for fit)
  double limitation_or_per_condition = 1;            // per long-term condition, up to the cap
  int limitation_condition_cap = 4;

  // --- the economy (model/people/wider.hpp): employment, sickness absence, lost output
  int working_age_min = 16, working_age_max = 64;
  std::map<std::string, double> employment_rate_by_district;  // by ONS district code, proportion
  double employment_or_limited = 1, employment_or_cmd = 1, employment_or_ltc = 1, employment_or_female = 1;
  double absence_days_per_worker = 0, absence_rr_female = 1, absence_rr_age_50_64 = 1, absence_rr_health_condition = 1;
  double earnings_weekly = 0, earnings_on_cost = 1, working_days_per_week = 5, weeks_per_year = 52.14;

  // --- the start of life
  double satod_region = 0, satod_england = 0, lbw_england = 0, lbw_or_smoking = 1, infant_emergency_rr_lbw = 1;

  // --- unpaid carers
  double carer_share_dementia = 0, carer_share_severe_frailty = 0;
  double carer_cmd_dementia = 0, carer_cmd_adults = 0, carer_cmd_or = 1, carer_strain_care_home_or = 1;

  double days_per_month = 30.4375;
  int price_base_year = 2018;
};

/// Reads every parameter the model uses; throws ParameterError listing all that are
/// missing or malformed.
Parameters read_parameters(const ParameterTable& table);

/// The deflator for a published price year ("2024/25", "2014-15", "2022/23"); throws
/// ParameterError if the table has none.
double deflator(const Parameters& p, const std::string& price_year);
/// The table's general.deflator_to_2018_19.fyYYYY_YY row for the financial year starting in
/// `financial_year` (multiply a price of that year by it for 2018/19 money), if there is one.
std::optional<double> deflator_to_2018_19(const ParameterTable& table, int financial_year);

}  // namespace shiftsim::model
