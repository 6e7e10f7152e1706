#include "model/people/wider.hpp"

#include "model/core/errors.hpp"
#include "model/core/random.hpp"

#include <algorithm>
#include <cmath>

namespace shiftsim::model {

namespace {
double inv_logit(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double to_logit(double p) { return std::log(p / (1.0 - p)); }
double work_log_odds(const Parameters& p, WorkHealth s) {
  switch (s) {
    case WorkHealth::limited: return std::log(p.employment_or_limited);
    case WorkHealth::cmd: return std::log(p.employment_or_cmd);
    case WorkHealth::ltc: return std::log(p.employment_or_ltc);
    default: return 0.0;
  }
}
}  // namespace

double EconomyModel::probability(int icp, int sex, WorkHealth s) const {
  return static_cast<double>(at(icp, sex, s)) * 0x1p-32;
}

EconomyCalibration calibrate_economy(const Parameters& p, const std::vector<double>& target_rate, const WorkforceCounts& counts) {
  const int icps = counts.icps;
  if (static_cast<int>(target_rate.size()) != icps) throw InternalError("calibrate_economy: one target rate per ICP is needed");
  for (const double r : {p.employment_or_limited, p.employment_or_cmd, p.employment_or_ltc, p.employment_or_female})
    if (!(r > 0)) throw ParameterError("economy.employment.or.*: odds ratios must be above 0");
  EconomyCalibration out;
  EconomyModel& m = out.model;
  m.min_age = p.working_age_min;
  m.max_age = p.working_age_max;
  m.icps = icps;
  m.intercept.assign(static_cast<std::size_t>(icps), 0.0);
  m.threshold.assign(static_cast<std::size_t>(icps) * kSexes * kWorkHealthStates, 0u);
  out.target_rate = target_rate;
  out.achieved_rate.assign(static_cast<std::size_t>(icps), 0.0);
  auto log_odds = [&](int sex, WorkHealth s) { return (sex == 1 ? std::log(p.employment_or_female) : 0.0) + work_log_odds(p, s); };
  for (int c = 0; c < icps; ++c) {
    const double target = target_rate[static_cast<std::size_t>(c)];
    if (!(target > 0 && target < 1)) throw ParameterError("economy.employment_rate_16_64: the rate of ICP " + std::to_string(c) + " must be between 0 and 100%");
    // An ICP without working-age people (a tiny scale) is calibrated on the region's mix.
    auto people_in = [&](int icp) {
      double n = 0;
      for (int sex = 0; sex < kSexes; ++sex)
        for (int band = 0; band < 2; ++band)
          for (int s = 0; s < kWorkHealthStates; ++s) n += counts.get(icp, sex, band, static_cast<WorkHealth>(s));
      return n;
    };
    const bool own = people_in(c) > 0;
    auto count = [&](int sex, int band, int s) {
      if (own) return counts.get(c, sex, band, static_cast<WorkHealth>(s));
      double n = 0;
      for (int k = 0; k < icps; ++k) n += counts.get(k, sex, band, static_cast<WorkHealth>(s));
      return n;
    };
    double people = 0;
    for (int sex = 0; sex < kSexes; ++sex)
      for (int band = 0; band < 2; ++band)
        for (int s = 0; s < kWorkHealthStates; ++s) people += count(sex, band, s);
    auto rate = [&](double a) {
      if (!(people > 0)) return target;  // no working-age people anywhere: nothing to calibrate
      double employed = 0;
      for (int sex = 0; sex < kSexes; ++sex)
        for (int band = 0; band < 2; ++band)
          for (int s = 0; s < kWorkHealthStates; ++s)
            employed += count(sex, band, s) * inv_logit(a + log_odds(sex, static_cast<WorkHealth>(s)));
      return employed / people;
    };
    double lo = -10, hi = 15;  // the rate rises with the intercept
    for (int it = 0; it < 100; ++it) {
      const double mid = 0.5 * (lo + hi);
      (rate(mid) < target ? lo : hi) = mid;
    }
    const double a = 0.5 * (lo + hi);
    m.intercept[static_cast<std::size_t>(c)] = a;
    out.achieved_rate[static_cast<std::size_t>(c)] = rate(a);
    for (int sex = 0; sex < kSexes; ++sex)
      for (int s = 0; s < kWorkHealthStates; ++s)
        m.threshold[(static_cast<std::size_t>(c) * kSexes + static_cast<std::size_t>(sex)) * kWorkHealthStates + static_cast<std::size_t>(s)] =
            probability_threshold(inv_logit(a + log_odds(sex, static_cast<WorkHealth>(s))));
  }
  // Sickness absence: relative rates, then the base that gives the ONS mean over workers.
  auto relative = [&](int sex, int band, WorkHealth s) {
    return (sex == 1 ? p.absence_rr_female : 1.0) * (band == 1 ? p.absence_rr_age_50_64 : 1.0) *
           (s == WorkHealth::well ? 1.0 : p.absence_rr_health_condition);
  };
  double workers = 0, weighted = 0;
  for (int c = 0; c < icps; ++c)
    for (int sex = 0; sex < kSexes; ++sex)
      for (int band = 0; band < 2; ++band)
        for (int s = 0; s < kWorkHealthStates; ++s) {
          const auto st = static_cast<WorkHealth>(s);
          const double w = counts.get(c, sex, band, st) * m.probability(c, sex, st);
          workers += w;
          weighted += w * relative(sex, band, st);
        }
  out.absence_base_days = weighted > 0 ? p.absence_days_per_worker * workers / weighted : 0.0;
  double days = 0;
  for (int sex = 0; sex < kSexes; ++sex)
    for (int band = 0; band < 2; ++band)
      for (int s = 0; s < kWorkHealthStates; ++s)
        m.absence_days_per_month[static_cast<std::size_t>(sex)][static_cast<std::size_t>(band)][static_cast<std::size_t>(s)] =
            static_cast<float>(out.absence_base_days * relative(sex, band, static_cast<WorkHealth>(s)) / 12.0);
  for (int c = 0; c < icps; ++c)
    for (int sex = 0; sex < kSexes; ++sex)
      for (int band = 0; band < 2; ++band)
        for (int s = 0; s < kWorkHealthStates; ++s) {
          const auto st = static_cast<WorkHealth>(s);
          days += counts.get(c, sex, band, st) * m.probability(c, sex, st) * 12.0 *
                  static_cast<double>(m.absence_days_per_month[static_cast<std::size_t>(sex)][static_cast<std::size_t>(band)][static_cast<std::size_t>(s)]);
        }
  out.achieved_days_per_worker = workers > 0 ? days / workers : 0.0;
  m.output_per_workless_month = p.earnings_weekly * p.weeks_per_year * p.earnings_on_cost / 12.0;
  m.output_per_absence_day = p.earnings_weekly / p.working_days_per_week * p.earnings_on_cost;
  return out;
}

double nonsmoker_lbw_risk(double satod, double lbw, double odds_ratio) {
  if (!(lbw > 0 && lbw < 1) || !(satod >= 0 && satod < 1) || !(odds_ratio > 0))
    throw ParameterError("birth.*: the low-birth-weight rate and SATOD must be proportions and the odds ratio above 0");
  auto mean = [&](double p0) { return (1 - satod) * p0 + satod * inv_logit(to_logit(p0) + std::log(odds_ratio)); };
  double lo = 1e-9, hi = 1 - 1e-9;
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    (mean(mid) < lbw ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

BirthModel calibrate_births(const Parameters& p, const std::vector<double>& births, const std::vector<double>& smoker_share) {
  BirthModel m;
  double b = 0, bs = 0;
  for (std::size_t z = 0; z < births.size(); ++z) {
    b += births[z];
    bs += births[z] * smoker_share[z];
  }
  m.satod_scale = bs > 0 ? p.satod_region * b / bs : 0.0;
  m.lbw_nonsmoker = nonsmoker_lbw_risk(p.satod_england, p.lbw_england, p.lbw_or_smoking);
  m.lbw_smoker = inv_logit(to_logit(m.lbw_nonsmoker) + std::log(p.lbw_or_smoking));
  // The region's expected SATOD is satod_region unless a zone's rate is capped at 1.
  double satod = 0;
  for (std::size_t z = 0; z < births.size(); ++z) satod += births[z] * std::min(1.0, m.satod_scale * smoker_share[z]);
  satod = b > 0 ? satod / b : 0.0;
  m.region_lbw = (1 - satod) * m.lbw_nonsmoker + satod * m.lbw_smoker;
  m.infant_emergency_other = 1.0 / (1.0 + m.region_lbw * (p.infant_emergency_rr_lbw - 1.0));
  m.infant_emergency_lbw = p.infant_emergency_rr_lbw * m.infant_emergency_other;
  return m;
}

CarerModel make_carer_model(const Parameters& p) {
  CarerModel m;
  m.has_carer_dementia = probability_threshold(p.carer_share_dementia);
  m.has_carer_frailty = probability_threshold(p.carer_share_severe_frailty);
  m.strain[1] = p.carer_cmd_dementia;
  m.strain[0] = inv_logit(to_logit(p.carer_cmd_adults) + std::log(p.carer_cmd_or));
  for (std::size_t k = 0; k < 2; ++k) {
    m.care_home_unstrained[k] = 1.0 / (1.0 + m.strain[k] * (p.carer_strain_care_home_or - 1.0));
    m.care_home_strained[k] = p.carer_strain_care_home_or * m.care_home_unstrained[k];
  }
  m.utility_loss = p.utility_decrement[common_mental_disorder];
  return m;
}

}  // namespace shiftsim::model
