#include "model/world/multipliers.hpp"

#include <cmath>

namespace shiftsim::model {

double all_cause_excess_remaining(const Parameters& p, int quit_years) {
  const auto t = static_cast<std::size_t>(quit_years);
  const double cvd = p.mortality_ex_share_cvd, copd = p.mortality_ex_share_copd;
  return cvd * p.smoking_excess_remaining[curve_cvd][t] + copd * p.smoking_excess_remaining[curve_copd][t] +
         (1.0 - cvd - copd) * p.smoking_excess_remaining[curve_cancer][t];
}

namespace {

/// Direct weight RRs of a condition that hypertension and diabetes also raise: RR_d(w) =
/// RR_total(w) x E[M | healthy] / E[M | w], M = RR_ht^ht x RR_db^db, with P(ht | w) and P(db | w)
/// as the synthesis draws them (prevalence x the weight RR / its mean over the weight mix), ht
/// and db independent given weight, averaged over single ages 45-74 (Guh's cohorts' ages) of the
/// England profiles.
std::array<double, 2> direct_weight_rr(const Parameters& p, int condition, int s) {
  const auto su = static_cast<std::size_t>(s);
  const auto& rr = p.incidence_rr[static_cast<std::size_t>(condition)][su];
  std::array<double, 2> out{};
  for (int w = 0; w < 2; ++w) {
    double sum = 0;
    int n = 0;
    for (int a = 45; a <= 74; ++a) {
      const double obese = p.obese.at(s, a), ow = p.overweight_or_obese.at(s, a) - obese, healthy = 1.0 - ow - obese;
      auto expected = [&](int weight) {  // E[M | weight]: 0 healthy, 1 overweight, 2 obese
        double e = 1;
        for (auto [mediator, has] : {std::pair{hypertension, rr_has_hypertension}, std::pair{type2_diabetes, rr_has_diabetes}}) {
          const auto& mr = p.incidence_rr[static_cast<std::size_t>(mediator)][su];
          const double wr[3] = {1.0, mr[rr_overweight], mr[rr_obese]};
          const double mean = healthy * wr[0] + ow * wr[1] + obese * wr[2];
          const double prevalence = std::min(0.95, p.condition_prevalence[static_cast<std::size_t>(mediator)].at(s, a) * wr[weight] / mean);
          e *= 1.0 + prevalence * (rr[has] - 1.0);
        }
        return e;
      };
      sum += (w == 0 ? rr[rr_overweight] : rr[rr_obese]) * expected(0) / expected(w + 1);
      ++n;
    }
    out[static_cast<std::size_t>(w)] = std::max(1.0, sum / n);
  }
  return out;
}

}  // namespace

Multipliers build_multipliers(const Parameters& p) {
  Multipliers m;
  for (int s = 0; s < kSexes; ++s) {
    m.weight_rr_direct[0][static_cast<std::size_t>(s)] = direct_weight_rr(p, coronary_heart_disease, s);
    m.weight_rr_direct[1][static_cast<std::size_t>(s)] = direct_weight_rr(p, stroke, s);
  }

  for (int c = 0; c < kConditions; ++c)
    for (int s = 0; s < kSexes; ++s) {
      const auto& rr = p.incidence_rr[static_cast<std::size_t>(c)][static_cast<std::size_t>(s)];
      for (int risk = 0; risk < kRiskBytes; ++risk)
        for (int hd = 0; hd < 4; ++hd) {
          double x = 1;
          const auto smoking = static_cast<Smoking>(risk & risk_bits::smoking_mask);
          const auto weight = static_cast<Weight>((risk & risk_bits::weight_mask) >> risk_bits::weight_shift);
          if (smoking == Smoking::current) x *= rr[rr_smoking_current];
          // CHD and stroke: the direct weight RRs (the total effect acts partly through the
          // hypertension and diabetes RRs below, which weight raises).
          const int direct = c == coronary_heart_disease ? 0 : (c == stroke ? 1 : -1);
          const double overweight = direct >= 0 ? m.weight_rr_direct[static_cast<std::size_t>(direct)][static_cast<std::size_t>(s)][0] : rr[rr_overweight];
          const double obese = direct >= 0 ? m.weight_rr_direct[static_cast<std::size_t>(direct)][static_cast<std::size_t>(s)][1] : rr[rr_obese];
          if (weight == Weight::overweight) x *= overweight;
          if (weight == Weight::obese) x *= obese;
          if (risk & risk_bits::inactive) x *= rr[rr_inactive];
          if (risk & risk_bits::harmful_drinking) x *= rr[rr_harmful_drinking];
          if (risk & risk_bits::isolated) x *= rr[rr_isolated];
          if (hd & 1) x *= rr[rr_has_hypertension];
          if (hd & 2) x *= rr[rr_has_diabetes];
          m.incidence[static_cast<std::size_t>(s)][static_cast<std::size_t>(risk)][static_cast<std::size_t>(hd)][static_cast<std::size_t>(c)] = static_cast<float>(x);
        }
    }

  for (int s = 0; s < kSexes; ++s)
    for (int t = 0; t < kQuitYears; ++t)
      for (int c = 0; c < kConditions; ++c) {
        const double current = p.incidence_rr[static_cast<std::size_t>(c)][static_cast<std::size_t>(s)][rr_smoking_current];
        const double f = p.smoking_excess_remaining[cessation_curve(c)][static_cast<std::size_t>(t)];
        m.incidence_ex[static_cast<std::size_t>(s)][static_cast<std::size_t>(t)][static_cast<std::size_t>(c)] =
            static_cast<float>(1.0 + (current - 1.0) * f);
      }

  for (int n = 0; n <= 8; ++n) {
    const auto nu = static_cast<std::size_t>(n);
    m.frailty_progression[nu] = static_cast<float>(std::pow(p.frailty_rr_per_condition, n));
    for (int f = 0; f < kFrailtyLevels; ++f) {
      const auto fu = static_cast<std::size_t>(f);
      m.emergency[nu][fu] = static_cast<float>(std::pow(p.rr_emergency_per_condition, n) * p.rr_emergency_frailty[fu]);
      for (int mh = 0; mh < 4; ++mh) {
        const auto mu = static_cast<std::size_t>(mh);
        const double cmd = (mh & 1) ? p.rr_mental_health_cmd : 1.0;
        const double dem = (mh & 2) ? p.rr_mental_health_dementia : 1.0;
        m.tally[gp_appointments][nu][fu][mu] = static_cast<float>(std::pow(p.rr_gp_per_condition, n) * p.rr_gp_frailty[fu]);
        m.tally[ae_attendances][nu][fu][mu] = static_cast<float>(std::pow(p.rr_ae_per_condition, n) * p.rr_ae_frailty[fu]);
        m.tally[elective_admissions][nu][fu][mu] = static_cast<float>(std::pow(p.rr_outpatient_per_condition, n));
        m.tally[outpatient_attendances][nu][fu][mu] = static_cast<float>(std::pow(p.rr_outpatient_per_condition, n));
        m.tally[community_contacts][nu][fu][mu] = static_cast<float>(p.rr_community_frailty[fu]);
        m.tally[mental_health_contacts][nu][fu][mu] = static_cast<float>(cmd * dem);
        m.tally[home_care_hours][nu][fu][mu] = 1.f;
        m.tally[care_home_weeks][nu][fu][mu] = 1.f;
      }
    }
  }
  for (int f = 0; f < kFrailtyLevels; ++f)
    for (int d = 0; d < 2; ++d)
      m.care_move[static_cast<std::size_t>(f)][static_cast<std::size_t>(d)] =
          static_cast<float>(p.care_rr_frailty[static_cast<std::size_t>(f)] * (d ? p.care_rr_dementia : 1.0));
  return m;
}

}  // namespace shiftsim::model
