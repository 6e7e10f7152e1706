#include "model/world/prevalence.hpp"

#include "model/core/errors.hpp"

#include <algorithm>
#include <cmath>

namespace shiftsim::model {

double logit(double p) {
  p = std::clamp(p, 1e-6, 1 - 1e-6);
  return std::log(p / (1 - p));
}
double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

double deprivation_multiplier(double ratio, int decile) {
  // R^((5.5 - d)/8): decile 1.5 -> R^0.5, 9.5 -> R^-0.5, so Q1/Q5 = R.
  double mean = 0;
  for (int d = 1; d <= kDeciles; ++d) mean += std::pow(ratio, (5.5 - d) / 8.0);
  mean /= kDeciles;
  return std::pow(ratio, (5.5 - decile) / 8.0) / mean;
}

std::array<double, kSexes> apply_anchor(AgeSexProfile& profile, const ProfileAnchor& anchor, const RegionData& region) {
  std::array<double, kSexes> scale{1.0, 1.0};
  if (!anchor.present) return scale;
  for (int s = 0; s < kSexes; ++s) {
    const auto su = static_cast<std::size_t>(s);
    double num = 0, den = 0;
    for (int a = anchor.min_age; a <= kMaxAge; ++a) {
      // England population by single year; 90+ spread evenly over 90..100 for weighting.
      const double w = a < kPopulationTopAge
                           ? static_cast<double>(region.england_population[su][static_cast<std::size_t>(a)])
                           : static_cast<double>(region.england_population[su][kPopulationTopAge]) / (kMaxAge - kPopulationTopAge + 1);
      num += w * profile.at(s, a);
      den += w;
    }
    if (num <= 0) throw ParameterError("a profile anchored to England has no prevalence to scale");
    scale[su] = anchor.level[su] * den / num;
    for (auto& v : profile.value[su]) v = std::min(0.98, v * scale[su]);
  }
  return scale;
}

namespace {

struct Builder {
  const RegionData& region;
  const Parameters& p;
  const CellIndex& idx;
  const std::vector<double>& agents;
  PrevalenceTables& out;

  std::vector<float> national_times_gradient(const AgeSexProfile& prof, double ratio) {
    std::vector<float> v(idx.cells());
    for (int d = 0; d < idx.districts; ++d)
      for (int dec = 1; dec <= kDeciles; ++dec) {
        const double g = deprivation_multiplier(ratio, dec);
        for (int s = 0; s < kSexes; ++s)
          for (int a = 0; a <= kMaxAge; ++a)
            v[idx(d, dec, s, a)] = static_cast<float>(std::min(0.98, prof.at(s, a) * g));
      }
    return v;
  }

  /// Shifts `v` on the logit scale per district so the adult prevalence hits the target.
  void calibrate_to_districts(std::vector<float>& v, const std::string& indicator_id) {
    auto it = region.indicators.find(indicator_id);
    if (it == region.indicators.end()) throw InputError("the region data has no indicator '" + indicator_id + "'");
    PrevalenceTables::DistrictCalibration cal;
    cal.indicator = indicator_id;
    for (int d = 0; d < idx.districts; ++d) {
      const double target = it->second.value_by_district[static_cast<std::size_t>(d)] / 100.0;
      // The district's adult cells: their counts and base log-odds, then bisection on the shift.
      std::vector<std::pair<double, double>> cells;  // (count, logit of base prevalence)
      double den = 0;
      for (int dec = 1; dec <= kDeciles; ++dec)
        for (int s = 0; s < kSexes; ++s)
          for (int a = kAdultAge; a <= kMaxAge; ++a) {
            const std::size_t c = idx(d, dec, s, a);
            const double n = agents[c];
            if (n <= 0) continue;
            den += n;
            if (v[c] > 0) cells.emplace_back(n, logit(v[c]));
          }
      auto prevalence_with = [&](double shift) {
        double num = 0;
        for (const auto& [n, l] : cells) num += n * logistic(l + shift);
        return den > 0 ? num / den : 0.0;
      };
      double lo = -6, hi = 6;
      for (int iter = 0; iter < 50; ++iter) {
        const double mid = 0.5 * (lo + hi);
        (prevalence_with(mid) < target ? lo : hi) = mid;
      }
      const double shift = 0.5 * (lo + hi);
      for (int dec = 1; dec <= kDeciles; ++dec)
        for (int s = 0; s < kSexes; ++s)
          for (int a = 0; a <= kMaxAge; ++a) {
            const std::size_t c = idx(d, dec, s, a);
            if (v[c] > 0) v[c] = static_cast<float>(logistic(logit(v[c]) + shift));
          }
      cal.target_percent.push_back(target * 100);
      cal.logit_shift.push_back(shift);
    }
    out.district_calibrations.push_back(std::move(cal));
  }

  void build() {
    Parameters q = p;  // local copy so anchors can scale profiles
    auto anchor = [&](AgeSexProfile& prof, const ProfileAnchor& a, const std::string& name) {
      const auto s = apply_anchor(prof, a, region);
      if (a.present) {
        out.anchor_scales.emplace_back(name + ".male", s[0]);
        out.anchor_scales.emplace_back(name + ".female", s[1]);
      }
    };
    anchor(q.overweight_or_obese, q.overweight_or_obese_anchor, "risk.weight.overweight_or_obese");
    anchor(q.obese, q.obese_anchor, "risk.weight.obese");
    for (int c = 0; c < kConditions; ++c)
      anchor(q.condition_prevalence[static_cast<std::size_t>(c)], q.condition_anchor[static_cast<std::size_t>(c)],
             "condition." + std::string(kConditionNames[static_cast<std::size_t>(c)]) + ".prevalence");

    // Smoking: current calibrated by district; ex-smokers keep their national share of
    // non-current smokers.
    out.smoking_current = national_times_gradient(q.smoking_current, q.smoking_deprivation_ratio);
    calibrate_to_districts(out.smoking_current, "smoking_prevalence_adults");
    out.smoking_ex.resize(idx.cells());
    for (int d = 0; d < idx.districts; ++d)
      for (int dec = 1; dec <= kDeciles; ++dec)
        for (int s = 0; s < kSexes; ++s)
          for (int a = 0; a <= kMaxAge; ++a) {
            const std::size_t c = idx(d, dec, s, a);
            const double cur_nat = q.smoking_current.at(s, a), ex_nat = q.smoking_ex.at(s, a);
            const double cur = out.smoking_current[c];
            const double ex = cur_nat < 1 ? ex_nat * (1 - cur) / (1 - cur_nat) : 0.0;
            out.smoking_ex[c] = static_cast<float>(std::min(ex, 0.99 - cur));
          }

    // Weight: overweight-or-obese calibrated by district; obese keeps its share of it.
    out.overweight_or_obese = national_times_gradient(q.overweight_or_obese, q.overweight_deprivation_ratio);
    const auto obese_base = national_times_gradient(q.obese, q.obese_deprivation_ratio);
    const auto ow_base = out.overweight_or_obese;
    calibrate_to_districts(out.overweight_or_obese, "excess_weight_adults");
    out.obese.resize(idx.cells());
    for (std::size_t c = 0; c < idx.cells(); ++c) {
      const double share = ow_base[c] > 0 ? std::min(0.95, static_cast<double>(obese_base[c]) / ow_base[c]) : 0.0;
      out.obese[c] = static_cast<float>(out.overweight_or_obese[c] * share);
    }

    out.inactive = national_times_gradient(q.inactive.prevalence, q.inactive.deprivation_ratio);
    calibrate_to_districts(out.inactive, "inactive_adults");
    out.harmful_drinking = national_times_gradient(q.harmful_drinking.prevalence, q.harmful_drinking.deprivation_ratio);
    out.isolated = national_times_gradient(q.isolated.prevalence, q.isolated.deprivation_ratio);

    for (int c = 0; c < kConditions; ++c) {
      const auto cu = static_cast<std::size_t>(c);
      out.condition[cu] = national_times_gradient(q.condition_prevalence[cu], q.condition_deprivation_ratio[cu]);
    }
    calibrate_to_districts(out.condition[common_mental_disorder], "depression_qof_prevalence");

    // Frailty and care: national age-sex profiles (no deprivation or district data).
    for (auto& v : out.frailty_at_least) v.assign(idx.cells(), 0.f);
    out.care_home.assign(idx.cells(), 0.f);
    out.care_at_least_home_care.assign(idx.cells(), 0.f);
    for (int d = 0; d < idx.districts; ++d)
      for (int dec = 1; dec <= kDeciles; ++dec)
        for (int s = 0; s < kSexes; ++s)
          for (int a = 0; a <= kMaxAge; ++a) {
            const std::size_t c = idx(d, dec, s, a);
            const double mild = q.frailty_prevalence[0].at(s, a), mod = q.frailty_prevalence[1].at(s, a),
                         sev = q.frailty_prevalence[2].at(s, a);
            out.frailty_at_least[0][c] = static_cast<float>(std::min(0.99, mild + mod + sev));
            out.frailty_at_least[1][c] = static_cast<float>(std::min(0.99, mod + sev));
            out.frailty_at_least[2][c] = static_cast<float>(std::min(0.99, sev));
            const double ch = q.care_home_prevalence.at(s, a), hc = q.home_care_prevalence.at(s, a);
            out.care_home[c] = static_cast<float>(ch);
            out.care_at_least_home_care[c] = static_cast<float>(std::min(0.99, ch + hc));
          }
  }
};

}  // namespace

PrevalenceTables build_prevalence(const RegionData& region, const Parameters& params, const CellIndex& index,
                                  const std::vector<double>& agents_by_cell) {
  PrevalenceTables out;
  out.index = index;
  Builder b{region, params, index, agents_by_cell, out};
  b.build();
  return out;
}

}  // namespace shiftsim::model
