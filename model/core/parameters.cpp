#include "model/core/parameters.hpp"

#include "model/core/errors.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

namespace shiftsim::model {

namespace {

/// Collects problems so that every missing or malformed parameter is reported at once.
class Reader {
 public:
  explicit Reader(const ParameterTable& t) : table_(t) {}

  double get(const std::string& name) {
    const ParameterRow* row = table_.find(name);
    if (!row) {
      missing_.push_back(name);
      return 0.0;
    }
    if (!row->value) {
      missing_.push_back(name + " (derived, not yet computed)");
      return 0.0;
    }
    return *row->value;
  }
  double percent(const std::string& name) { return get(name) / 100.0; }
  void missing(const std::string& what) { missing_.push_back(what); }

  /// Reads rows "<key>.<sex>.a<lo>_<hi>" / "a<lo>_plus" and interpolates to single years.
  AgeSexProfile profile(const std::string& key, double scale) {
    AgeSexProfile out;
    for (int s = 0; s < kSexes; ++s) {
      const std::string prefix = key + "." + std::string(kSexNames[static_cast<std::size_t>(s)]) + ".";
      struct Band {
        int lo, hi;
        double value;
      };
      std::vector<Band> bands;
      for (const ParameterRow* row : table_.with_prefix(prefix)) {
        const std::string suffix = row->name.substr(prefix.size());
        int lo = 0, hi = 0;
        char rest[16] = {0};
        if (std::sscanf(suffix.c_str(), "a%d_%d", &lo, &hi) == 2) {
        } else if (std::sscanf(suffix.c_str(), "a%d_%15s", &lo, rest) == 2 && std::string(rest) == "plus") {
          hi = kMaxAge;
        } else {
          problems_.push_back("'" + row->name + "' does not end in an age band like a16_24 or a75_plus");
          continue;
        }
        if (!row->value) continue;
        bands.push_back({lo, hi, *row->value * scale});
      }
      if (bands.empty()) {
        missing_.push_back(prefix + "<age bands>");
        continue;
      }
      std::sort(bands.begin(), bands.end(), [](auto& a, auto& b) { return a.lo < b.lo; });
      for (std::size_t i = 1; i < bands.size(); ++i)
        if (bands[i].lo != bands[i - 1].hi + 1)
          problems_.push_back(prefix + ": age bands are not contiguous at age " + std::to_string(bands[i].lo));
      auto mid = [](const Band& b) { return b.hi >= kMaxAge ? b.lo + 5.0 : 0.5 * (b.lo + b.hi); };
      out.min_age = bands.front().lo;
      auto& v = out.value[static_cast<std::size_t>(s)];
      for (int a = 0; a <= kMaxAge; ++a) {
        double x = 0;
        if (a < bands.front().lo) {
          x = 0;
        } else if (a <= mid(bands.front())) {
          x = bands.front().value;
        } else if (a >= mid(bands.back())) {
          x = bands.back().value;
        } else {
          for (std::size_t i = 0; i + 1 < bands.size(); ++i) {
            const double m0 = mid(bands[i]), m1 = mid(bands[i + 1]);
            if (a >= m0 && a <= m1) {
              x = bands[i].value + (bands[i + 1].value - bands[i].value) * (a - m0) / (m1 - m0);
              break;
            }
          }
        }
        v[static_cast<std::size_t>(a)] = x;
      }
    }
    return out;
  }

  ProfileAnchor anchor(const std::string& key) {
    ProfileAnchor a;
    if (!table_.contains(key + ".anchor.male")) return a;
    a.present = true;
    a.level[0] = percent(key + ".anchor.male");
    a.level[1] = percent(key + ".anchor.female");
    a.min_age = static_cast<int>(get(key + ".anchor_min_age"));
    return a;
  }

  void finish() const {
    if (missing_.empty() && problems_.empty()) return;
    std::ostringstream msg;
    msg << "the parameter table is incomplete:";
    for (const auto& m : missing_) msg << "\n  missing: " << m;
    for (const auto& p : problems_) msg << "\n  " << p;
    throw ParameterError(msg.str());
  }

 private:
  const ParameterTable& table_;
  std::vector<std::string> missing_;
  std::vector<std::string> problems_;
};

}  // namespace

std::string council_key(const std::string& council_name) {
  std::string name = council_name.substr(0, council_name.find(" ("));
  const std::string suffix = " County Council";
  if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
    name.resize(name.size() - suffix.size());
  std::string key;
  for (char ch : name) key += std::isalnum(static_cast<unsigned char>(ch)) ? static_cast<char>(std::tolower(static_cast<unsigned char>(ch))) : '_';
  return key;
}

namespace {

const char* rr_factor_name(int f) {
  static const char* names[kRrFactorCount] = {"smoking.current", "smoking.ex", "weight.overweight", "weight.obese",
                                              "inactive", "harmful_drinking", "isolated",
                                              "condition.hypertension", "condition.diabetes"};
  return names[f];
}

std::array<double, kFrailtyLevels> frailty_values(Reader& r, const std::string& prefix) {
  return {1.0, r.get(prefix + ".mild"), r.get(prefix + ".moderate"), r.get(prefix + ".severe")};
}

}  // namespace

Parameters read_parameters(const ParameterTable& t) {
  Reader r(t);
  Parameters p;

  p.price_base_year = static_cast<int>(r.get("general.price_base_year"));
  p.days_per_month = r.get("general.days_per_month");
  for (const ParameterRow* row : t.with_prefix("general.deflator_to_2018_19.fy")) {
    // "general.deflator_to_2018_19.fy2014_15" -> "2014/15"
    std::string fy = row->name.substr(std::string("general.deflator_to_2018_19.fy").size());
    std::replace(fy.begin(), fy.end(), '_', '/');
    if (row->value) p.deflator_to_base[fy] = *row->value;
  }

  for (int c = 0; c < kConditions; ++c)
    p.mortality_hr_condition[static_cast<std::size_t>(c)] =
        r.get("mortality.hr.condition." + std::string(kConditionNames[static_cast<std::size_t>(c)]));
  for (auto [field, key] : {std::pair{&p.mortality_target_ages_conditions, "conditions"}, std::pair{&p.mortality_target_ages_smoking, "smoking"},
                            std::pair{&p.mortality_target_ages_frailty, "frailty"}})
    *field = {static_cast<int>(r.get(std::string("mortality.hr.target_ages.") + key + ".min")),
              static_cast<int>(r.get(std::string("mortality.hr.target_ages.") + key + ".max"))};
  p.mortality_hr_person_cap = r.get("mortality.hr.person_cap");
  p.mortality_hr_cardiometabolic_joint = {r.get("mortality.hr.conditions.diabetes_chd"), r.get("mortality.hr.conditions.diabetes_stroke"),
                                          r.get("mortality.hr.conditions.stroke_chd"), r.get("mortality.hr.conditions.diabetes_stroke_chd")};
  p.care_home_deaths_per_resident_year = r.get("mortality.care_home.deaths_per_resident_year");
  p.care_home_first_year_ratio = r.get("mortality.hr.care_home.ratio_first_year");
  p.mortality_calibrate_care_home = r.get("mortality.calibrate_care_home_deaths") > 0.5;
  p.mortality_hr_smoking_current = r.get("mortality.hr.smoking.current");
  p.mortality_ex_share_cvd = r.get("mortality.smoking.ex_curve_share.cvd");
  p.mortality_ex_share_copd = r.get("mortality.smoking.ex_curve_share.copd");
  if (p.mortality_ex_share_cvd + p.mortality_ex_share_copd > 1)
    throw ParameterError("mortality.smoking.ex_curve_share.cvd + .copd must be at most 1 (the cancer curve takes the rest), not " +
                         std::to_string(p.mortality_ex_share_cvd + p.mortality_ex_share_copd));
  // The curves of excess risk remaining: one row per completed year since quitting, as long as
  // the curve is above zero; zero after its last row and from kQuitYearsTop on.
  for (int k = 0; k < kCessationCurves; ++k) {
    const std::string prefix = "smoking.excess_remaining." + std::string(kCessationCurveNames[static_cast<std::size_t>(k)]) + ".y";
    double previous = 1;
    for (int y = 0; y < kQuitYearsTop; ++y) {
      char name[96];
      std::snprintf(name, sizeof name, "%s%02d", prefix.c_str(), y);
      if (!t.contains(name)) {
        if (y == 0) throw ParameterError("the parameter table has no " + std::string(name) + " (the first year of the curve)");
        break;
      }
      const double v = r.get(name);
      if (v > previous)
        throw ParameterError(std::string(name) + " is " + std::to_string(v) + ", above the year before (" + std::to_string(previous) +
                             "): the excess risk remaining after quitting cannot rise");
      p.smoking_excess_remaining[static_cast<std::size_t>(k)][static_cast<std::size_t>(y)] = previous = v;
    }
  }
  p.mortality_hr_frailty = frailty_values(r, "mortality.hr.frailty");
  p.mortality_apply_trend = r.get("mortality.apply_trend") > 0.5;
  p.mortality_calibrate_to_observed = r.get("mortality.calibrate_to_observed_deaths") > 0.5;
  p.mortality_level_from_trend = r.get("mortality.level_from_trend") > 0.5;
  p.mortality_realised_over_expected = r.get("mortality.realised_over_expected");
  p.mortality_calibrate_deprivation = r.get("mortality.calibrate_deprivation_gradient") > 0.5;

  p.fertility_trend_per_year = r.get("births.general_fertility_rate_trend_per_year");
  p.migration_female_share = r.get("migration.female_share");
  p.migration_trend_per_year = r.get("migration.net_trend_per_year");
  {
    const double a1 = r.get("migration.rogers_castro.a1"), al1 = r.get("migration.rogers_castro.alpha1"),
                 a2 = r.get("migration.rogers_castro.a2"), al2 = r.get("migration.rogers_castro.alpha2"),
                 mu2 = r.get("migration.rogers_castro.mu2"), la2 = r.get("migration.rogers_castro.lambda2"),
                 c = r.get("migration.rogers_castro.c");
    double total = 0;
    for (int a = 0; a <= kMaxAge; ++a) {
      const double x = a + 0.5;
      const double m = a1 * std::exp(-al1 * x) + a2 * std::exp(-al2 * (x - mu2) - std::exp(-la2 * (x - mu2))) + c;
      p.migration_age_profile[static_cast<std::size_t>(a)] = m;
      total += m;
    }
    if (total > 0)
      for (auto& m : p.migration_age_profile) m /= total;
  }

  p.smoking_current = r.profile("risk.smoking.current", 0.01);
  p.smoking_ex = r.profile("risk.smoking.ex", 0.01);
  p.smoking_deprivation_ratio = r.get("risk.smoking.deprivation_ratio_q1_to_q5");
  p.smoking_historical_decline_per_year = r.get("risk.smoking.historical_decline_per_year");
  p.smoking_secular_decline_per_year = r.get("risk.smoking.secular_decline_per_year");
  // Relapse by completed years since quitting: years 0-10 one row each, 11 on one row.
  for (int y = 0; y < kQuitYears; ++y) {
    char name[64];
    std::snprintf(name, sizeof name, "risk.smoking.relapse.y%02d", y);
    p.smoking_relapse_by_year[static_cast<std::size_t>(y)] =
        y <= 10 ? r.get(name) : (y == 11 ? r.get("risk.smoking.relapse.y11_plus") : p.smoking_relapse_by_year[11]);
  }
  p.overweight_or_obese = r.profile("risk.weight.overweight_or_obese", 0.01);
  p.obese = r.profile("risk.weight.obese", 0.01);
  p.overweight_or_obese_anchor = r.anchor("risk.weight.overweight_or_obese");
  p.obese_anchor = r.anchor("risk.weight.obese");
  p.overweight_deprivation_ratio = r.get("risk.weight.deprivation_ratio_q1_to_q5");
  p.obese_deprivation_ratio = r.get("risk.weight.obese_deprivation_ratio_q1_to_q5");
  p.overweight_to_healthy_per_year = r.get("risk.weight.overweight_to_healthy_per_year");
  p.obese_to_overweight_per_year = r.get("risk.weight.obese_to_overweight_per_year");
  auto binary = [&](const std::string& key) {
    BinaryRiskParameters b;
    b.prevalence = r.profile(key, 0.01);
    b.deprivation_ratio = r.get(key + ".deprivation_ratio_q1_to_q5");
    b.recovery_per_year = r.get(key + ".recovery_per_year");
    return b;
  };
  p.inactive = binary("risk.inactive");
  p.harmful_drinking = binary("risk.harmful_drinking");
  p.isolated = binary("risk.isolated");

  for (int c = 0; c < kConditions; ++c) {
    const auto cu = static_cast<std::size_t>(c);
    const std::string key = "condition." + std::string(kConditionNames[cu]);
    p.condition_prevalence[cu] = r.profile(key + ".prevalence", 0.01);
    p.condition_anchor[cu] = r.anchor(key + ".prevalence");
    p.condition_deprivation_ratio[cu] = r.get(key + ".deprivation_ratio_q1_to_q5");
    for (int s = 0; s < kSexes; ++s)
      for (int f = 0; f < kRrFactorCount; ++f) {
        const std::string name = key + ".rr." + rr_factor_name(f) + "." + std::string(kSexNames[static_cast<std::size_t>(s)]);
        // An ex-smoker's relative risk follows the years since quitting (Multipliers::incidence_ex);
        // the table's ex-smoker rows are its base-year stock means, derived.
        p.incidence_rr[cu][static_cast<std::size_t>(s)][static_cast<std::size_t>(f)] =
            f != rr_smoking_ex && t.contains(name) ? r.get(name) : 1.0;
      }
  }
  p.cmd_recovery_per_year = r.get("condition.cmd.recovery_per_year");

  p.frailty_prevalence[0] = r.profile("frailty.prevalence.mild", 0.01);
  p.frailty_prevalence[1] = r.profile("frailty.prevalence.moderate", 0.01);
  p.frailty_prevalence[2] = r.profile("frailty.prevalence.severe", 0.01);
  p.frailty_rr_per_condition = r.get("frailty.rr.per_condition");
  p.limitation_or_per_decade = r.get("health_state.limitation.or_per_decade");
  p.limitation_or_frailty = frailty_values(r, "health_state.limitation.or.frailty");
  p.limitation_or_per_condition = r.get("health_state.limitation.or_per_condition");
  p.limitation_condition_cap = static_cast<int>(r.get("health_state.limitation.condition_cap"));

  p.working_age_min = static_cast<int>(r.get("economy.working_age.min"));
  p.working_age_max = static_cast<int>(r.get("economy.working_age.max"));
  for (const ParameterRow* row : t.with_prefix("economy.employment_rate_16_64."))
    p.employment_rate_by_district[row->name.substr(std::string("economy.employment_rate_16_64.").size())] = r.percent(row->name);
  if (p.employment_rate_by_district.empty()) r.missing("economy.employment_rate_16_64.<district code>");
  p.employment_or_limited = r.get("economy.employment.or.limited");
  p.employment_or_cmd = r.get("economy.employment.or.cmd");
  p.employment_or_ltc = r.get("economy.employment.or.ltc");
  p.employment_or_female = r.get("economy.employment.or.female");
  p.absence_days_per_worker = r.get("economy.absence.days_per_worker");
  p.absence_rr_female = r.get("economy.absence.rr.female");
  p.absence_rr_age_50_64 = r.get("economy.absence.rr.age_50_64");
  p.absence_rr_health_condition = r.get("economy.absence.rr.health_condition");
  p.earnings_weekly = r.get("economy.earnings.weekly_gbp");
  p.earnings_on_cost = r.get("economy.earnings.on_cost_multiplier");
  p.working_days_per_week = r.get("economy.working_days_per_week");
  p.weeks_per_year = r.get("economy.weeks_per_year");

  p.satod_region = r.get("birth.satod.region");
  p.satod_england = r.percent("birth.satod.england");
  p.lbw_england = r.get("birth.low_birth_weight.england");
  p.lbw_or_smoking = r.get("birth.low_birth_weight.or_smoking");
  p.infant_emergency_rr_lbw = r.get("birth.infant_emergency_rr_low_birth_weight");

  p.carer_share_dementia = r.get("carers.share_with_unpaid_carer.dementia");
  p.carer_share_severe_frailty = r.get("carers.share_with_unpaid_carer.severe_frailty");
  p.carer_cmd_dementia = r.get("carers.cmd_prevalence.dementia_carers");
  p.carer_cmd_adults = r.get("carers.cmd_prevalence.adults");
  p.carer_cmd_or = r.get("carers.cmd_or_carer");
  p.carer_strain_care_home_or = r.get("carers.care_home_rr_carer_strain");

  p.care_home_prevalence = r.profile("care.prevalence.care_home", 0.01);
  p.home_care_prevalence = r.profile("care.prevalence.home_care", 0.01);
  p.care_rr_frailty = frailty_values(r, "care.rr.frailty");
  p.care_rr_dementia = r.get("care.rr.dementia");
  p.care_home_after_admission_65_74 = r.get("care.care_home_after_admission.a65_74");
  p.care_home_after_admission_75_84 = r.get("care.care_home_after_admission.a75_84");
  p.care_home_after_admission_85_plus = r.get("care.care_home_after_admission.a85_plus");
  p.falls_share_80_plus = r.get("service.falls.share_of_admissions_80_plus");
  p.home_care_hours_per_week = r.get("care.home_care_hours_per_week");
  p.self_funder_share_care_home = r.get("care.self_funder_share.care_home");
  p.self_funder_share_home_care = r.get("care.self_funder_share.home_care");

  for (int l = 0; l < 4; ++l)
    p.activation_share[static_cast<std::size_t>(l)] = r.percent("activation.share.level" + std::to_string(l + 1));
  p.activation_deprivation_shift = r.get("activation.deprivation_shift_q1_to_q5");

  p.gp_rate = r.profile("service.gp.per_year", 1.0);
  p.gp_anchor = r.get("service.gp.anchor");
  p.ae_rate = r.profile("service.ae.per_year", 1.0);
  p.emergency_los_days = r.profile("service.emergency.los_days", 1.0);
  p.zero_day_share = r.get("service.emergency.zero_day_share");
  p.delayed_share_of_bed_days = r.get("service.emergency.delayed_share_of_bed_days");
  p.outpatient_anchor = r.get("service.outpatient.anchor");
  p.community_anchor = r.get("service.community.anchor");
  p.community_rate = r.profile("service.community.per_year", 1.0);
  p.mental_health_anchor = r.get("service.mental_health.anchor");
  p.mental_health_rate = r.profile("service.mental_health.per_year", 1.0);
  p.rr_gp_per_condition = r.get("service.rr.gp.per_condition");
  p.rr_emergency_per_condition = r.get("service.rr.emergency.per_condition");
  p.rr_ae_per_condition = r.get("service.rr.ae.per_condition");
  p.rr_outpatient_per_condition = r.get("service.rr.outpatient.per_condition");
  p.rr_mental_health_cmd = r.get("service.rr.mental_health.cmd");
  p.rr_mental_health_dementia = r.get("service.rr.mental_health.dementia");
  p.rr_emergency_frailty = frailty_values(r, "service.rr.emergency.frailty");
  p.rr_ae_frailty = frailty_values(r, "service.rr.ae.frailty");
  p.rr_community_frailty = frailty_values(r, "service.rr.community.frailty");
  p.rr_gp_frailty = frailty_values(r, "service.rr.gp.frailty");

  p.cost_home_care_hour = r.get("cost.home_care_hour");
  p.cost_outpatient_attendance = r.get("cost.outpatient_attendance");
  p.maternity_age_min = static_cast<int>(r.get("service.admissions.maternity_ages.min"));
  p.smoking_attributable_admissions_35_plus = r.get("service.emergency.smoking_attributable_share_35_plus");
  p.maternity_age_max = static_cast<int>(r.get("service.admissions.maternity_ages.max"));
  p.cost_ae_attendance = r.get("cost.ae_attendance");
  p.cost_elective_inpatient = r.get("cost.elective_inpatient");
  p.cost_daycase = r.get("cost.daycase");
  p.cost_excess_bed_day = r.get("cost.excess_bed_day");
  p.mh_crisis_monthly = 1.0 - std::pow(1.0 - r.get("mental_health.crisis.per_cmd_person_year"), 1.0 / 12.0);
  p.mh_admission_after_crisis = r.get("mental_health.crisis.admission_share");
  p.mh_admission_los_days = r.get("mental_health.admission.mean_los_days");
  p.cost_fnc_week = r.get("cost.fnc_week");
  for (const ParameterRow* row : t.with_prefix("cost.care_home_contribution_share."))
    p.care_home_contribution_share_by_council[row->name.substr(std::string("cost.care_home_contribution_share.").size())] = r.get(row->name);
  for (const ParameterRow* row : t.with_prefix("care.nursing_share."))
    p.nursing_share_by_council[row->name.substr(std::string("care.nursing_share.").size())] = r.get(row->name);
  p.care_home_self_funder_premium = r.get("cost.care_home_self_funder_premium");
  p.mental_health_iapt_share = r.get("cost.mental_health_contact_iapt_share");

  p.utility_constant = r.get("utility.norm.constant");
  p.utility_male = r.get("utility.norm.male");
  p.utility_age = r.get("utility.norm.age");
  p.utility_age_squared = r.get("utility.norm.age_squared");
  for (int c = 0; c < kConditions; ++c)
    p.utility_decrement[static_cast<std::size_t>(c)] =
        r.get("utility.decrement." + std::string(kConditionNames[static_cast<std::size_t>(c)]));
  p.utility_frailty_multiplier = frailty_values(r, "utility.multiplier.frailty");
  p.utility_care_home_multiplier = r.get("utility.multiplier.care_home");

  r.finish();
  return p;
}

double deflator(const Parameters& p, const std::string& price_year) {
  // Accept "2024/25", "2024-25", "2014-15".
  std::string fy = price_year;
  std::replace(fy.begin(), fy.end(), '-', '/');
  auto it = p.deflator_to_base.find(fy);
  if (it == p.deflator_to_base.end())
    throw ParameterError("no deflator for prices of " + price_year +
                         " in the parameter table (add general.deflator_to_2018_19.fy" + price_year + ")");
  return it->second;
}

std::optional<double> deflator_to_2018_19(const ParameterTable& table, int financial_year) {
  char name[64];
  std::snprintf(name, sizeof name, "general.deflator_to_2018_19.fy%d_%02d", financial_year, ((financial_year + 1) % 100 + 100) % 100);
  const ParameterRow* row = table.find(name);
  if (!row || !row->value || !(*row->value > 0)) return std::nullopt;
  return *row->value;
}

}  // namespace shiftsim::model
