#include "model/people/calibration.hpp"

#include "model/core/errors.hpp"
#include "model/core/life_table.hpp"
#include "model/core/parallel.hpp"
#include "model/core/stationary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <sstream>

namespace shiftsim::model {

namespace {

constexpr int G = kAgeGroups;

/// Sums over the synthesised population that the calibration needs. Filled per block and
/// combined in block order.
struct Stats {
  // Mortality multiplier: by (group, sex, decile), and by (group, sex, state) for each
  // state family (smoking 3, conditions 8 x 2, frailty 4, care 3).
  std::vector<double> m_gsd, n_gsd;
  std::vector<double> m_smoking, n_smoking, m_condition, n_condition, m_frailty, n_frailty, m_care, n_care;
  // Normalisation means per norm group.
  std::vector<double> incidence_rr, incidence_n;  // [c][group], among people without c
  std::vector<double> emergency, tally, all_n;    // emergency [group], tally [t][group], all people [group]
  std::vector<double> frailty_rr, frailty_n;      // [origin level fit/mild/moderate][group]
  std::vector<double> care_rr, care_n;            // [origin setting home/home care][group]
  std::vector<double> m_sa, n_sa;                 // mortality multiplier by (sex, single age)
  std::vector<double> m_weight, n_weight;         // by (group, sex, weight state)
  std::vector<double> m_binary, n_binary;         // [inactive, drinking, isolated] x (group, sex, yes/no)

  Stats()
      : m_gsd(G * kSexes * kDeciles), n_gsd(G * kSexes * kDeciles), m_smoking(G * kSexes * 3), n_smoking(G * kSexes * 3),
        m_condition(kConditions * G * kSexes * 2), n_condition(kConditions * G * kSexes * 2),
        m_frailty(G * kSexes * 4), n_frailty(G * kSexes * 4), m_care(G * kSexes * 3), n_care(G * kSexes * 3),
        incidence_rr(kConditions * kNormGroups), incidence_n(kConditions * kNormGroups), emergency(kNormGroups),
        tally(kTallies * kNormGroups), all_n(kNormGroups), frailty_rr(3 * kNormGroups), frailty_n(3 * kNormGroups),
        care_rr(2 * kNormGroups), care_n(2 * kNormGroups), m_sa(kSexes * kAges), n_sa(kSexes * kAges),
        m_weight(G * kSexes * 3), n_weight(G * kSexes * 3), m_binary(3 * G * kSexes * 2), n_binary(3 * G * kSexes * 2) {}

  void add(const Stats& o) {
    auto acc = [](std::vector<double>& a, const std::vector<double>& b) {
      for (std::size_t k = 0; k < a.size(); ++k) a[k] += b[k];
    };
    acc(m_gsd, o.m_gsd); acc(n_gsd, o.n_gsd); acc(m_smoking, o.m_smoking); acc(n_smoking, o.n_smoking);
    acc(m_condition, o.m_condition); acc(n_condition, o.n_condition); acc(m_frailty, o.m_frailty);
    acc(n_frailty, o.n_frailty); acc(m_care, o.m_care); acc(n_care, o.n_care);
    acc(incidence_rr, o.incidence_rr); acc(incidence_n, o.incidence_n); acc(emergency, o.emergency);
    acc(tally, o.tally); acc(all_n, o.all_n); acc(frailty_rr, o.frailty_rr); acc(frailty_n, o.frailty_n);
    acc(care_rr, o.care_rr); acc(care_n, o.care_n); acc(m_sa, o.m_sa); acc(n_sa, o.n_sa);
    acc(m_weight, o.m_weight); acc(n_weight, o.n_weight); acc(m_binary, o.m_binary); acc(n_binary, o.n_binary);
  }
};

/// A person's mortality multiplier: conditions, smoking (with the years since quitting) and
/// frailty, times the care-home stay band's.
double mortality_multiplier(const RateTables& rt, const Population& pop, std::size_t i) {
  return static_cast<double>(rt.mortality(pop.conditions[i], pop.smoking(i), pop.quit_years(i), pop.frailty(i))) *
         static_cast<double>(rt.mortality_care[static_cast<std::size_t>(pop.care_band(i))]);
}

Stats gather(const World& w, const Population& pop, const RateTables& rt) {
  const Multipliers& m = w.multipliers;
  const std::size_t blocks = block_count(pop.size());
  std::vector<Stats> partial(blocks);
  for_each_block(pop.size(), [&](std::size_t b, std::size_t begin, std::size_t end) {
    Stats& s = partial[b];
    for (std::size_t i = begin; i < end; ++i) {
      const int age = pop.age_years(i), sex = pop.sex(i), dec = pop.decile[i];
      const auto g = static_cast<std::size_t>(age_group_of(age));
      const auto su = static_cast<std::size_t>(sex);
      const std::uint8_t cond = pop.conditions[i];
      const Frailty f = pop.frailty(i);
      const CareSetting care = pop.care(i);
      const double M = mortality_multiplier(rt, pop, i);
      const std::size_t gs = g * kSexes + su;
      s.m_gsd[gs * kDeciles + static_cast<std::size_t>(dec - 1)] += M;
      s.n_gsd[gs * kDeciles + static_cast<std::size_t>(dec - 1)] += 1;
      s.m_smoking[gs * 3 + static_cast<std::size_t>(pop.smoking(i))] += M;
      s.n_smoking[gs * 3 + static_cast<std::size_t>(pop.smoking(i))] += 1;
      for (int c = 0; c < kConditions; ++c) {
        const std::size_t k = (static_cast<std::size_t>(c) * G * kSexes + gs) * 2 + ((cond >> c) & 1u);
        s.m_condition[k] += M;
        s.n_condition[k] += 1;
      }
      s.m_frailty[gs * 4 + static_cast<std::size_t>(f)] += M;
      s.n_frailty[gs * 4 + static_cast<std::size_t>(f)] += 1;
      s.m_care[gs * 3 + static_cast<std::size_t>(care)] += M;
      s.m_sa[su * kAges + static_cast<std::size_t>(std::min(age, kMaxAge))] += M;
      s.m_weight[gs * 3 + static_cast<std::size_t>(pop.weight(i))] += M;
      s.n_weight[gs * 3 + static_cast<std::size_t>(pop.weight(i))] += 1;
      const std::uint8_t bits[3] = {risk_bits::inactive, risk_bits::harmful_drinking, risk_bits::isolated};
      for (std::size_t k = 0; k < 3; ++k) {
        const std::size_t j = (k * G * kSexes + gs) * 2 + ((pop.risk[i] & bits[k]) ? 1u : 0u);
        s.m_binary[j] += M;
        s.n_binary[j] += 1;
      }
      s.n_sa[su * kAges + static_cast<std::size_t>(std::min(age, kMaxAge))] += 1;
      s.n_care[gs * 3 + static_cast<std::size_t>(care)] += 1;

      const auto ng = static_cast<std::size_t>(norm_group(age, sex, dec));
      for (int c = 0; c < kConditions; ++c) {
        if (cond & (1u << c)) continue;
        s.incidence_rr[static_cast<std::size_t>(c) * kNormGroups + ng] += m.incidence_rr(c, sex, pop.risk[i], cond, pop.quit_years(i));
        s.incidence_n[static_cast<std::size_t>(c) * kNormGroups + ng] += 1;
      }
      s.emergency[ng] += rt.emergency[static_cast<std::size_t>(condition_count(cond))][static_cast<std::size_t>(f)] *
                         rt.emergency_smoking[Multipliers::smoking_index(pop.smoking(i), pop.quit_years(i))];
      for (int t = 0; t < kTallies; ++t) s.tally[static_cast<std::size_t>(t) * kNormGroups + ng] += m.tally_rr(t, cond, f);
      s.all_n[ng] += 1;
      if (f != Frailty::severe) {
        // Each transition's multiplier is normalised among the people it applies to.
        const std::size_t k = static_cast<std::size_t>(f) * kNormGroups + ng;
        s.frailty_rr[k] += m.frailty_progression[static_cast<std::size_t>(condition_count(cond))];
        s.frailty_n[k] += 1;
      }
      if (care != CareSetting::care_home) {
        const std::size_t k = static_cast<std::size_t>(care) * kNormGroups + ng;
        s.care_rr[k] += m.care_move[static_cast<std::size_t>(f)][(cond >> dementia) & 1u];
        s.care_n[k] += 1;
      }
    }
  });
  Stats total;
  for (const auto& s : partial) total.add(s);
  return total;
}

double ratio_or(double num, double den, double fallback) { return den > 0 ? num / den : fallback; }

std::string fmt(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.6g", v);
  return b;
}


double integer_power(double x, int n) {
  double r = 1;
  for (; n > 0; --n) r *= x;
  return r;
}

/// The synthesised ex-smokers' means over their years since quitting.
struct SmokingStock {
  std::array<AgeVector, kSexes> relapse_by_age{};  // annual relapse by sex and age
  std::array<std::array<double, kConditions>, kSexes> incidence_rr{};  // ex-smokers' incidence RR
  double mortality_hr = 1, relapse_per_year = 0, within_10_years = 0;
};

SmokingStock ex_smoker_stock(const World& w, const Population& pop, const RateTables& rt) {
  const Parameters& p = w.params;
  const Multipliers& m = w.multipliers;
  std::array<std::array<double, kAges>, kSexes> relapse{}, n{};
  std::array<std::array<double, kConditions>, kSexes> rr{};
  std::array<double, kSexes> n_sex{};
  double hr = 0, recent = 0, all = 0;
  for (std::size_t i = 0; i < pop.size(); ++i) {
    if (pop.smoking(i) != Smoking::ex) continue;
    const auto s = static_cast<std::size_t>(pop.sex(i));
    const auto a = static_cast<std::size_t>(std::min(pop.age_years(i), kMaxAge));
    const int t = pop.quit_years(i);
    relapse[s][a] += p.smoking_relapse_by_year[static_cast<std::size_t>(t)];
    n[s][a] += 1;
    for (std::size_t c = 0; c < static_cast<std::size_t>(kConditions); ++c) rr[s][c] += m.incidence_ex[s][static_cast<std::size_t>(t)][c];
    n_sex[s] += 1;
    hr += rt.mortality.smoking[Multipliers::smoking_index(Smoking::ex, t)];
    recent += t < 10 ? 1.0 : 0.0;
    all += 1;
  }
  SmokingStock out;
  double sum_relapse = 0;
  for (std::size_t s = 0; s < static_cast<std::size_t>(kSexes); ++s) {
    for (std::size_t a = 0; a < static_cast<std::size_t>(kAges); ++a) sum_relapse += relapse[s][a];
    // Ages without synthesised ex-smokers (tiny scales) take the nearest younger age's mean.
    double last = p.smoking_relapse_by_year[kQuitYearsTop];
    for (std::size_t a = 0; a < static_cast<std::size_t>(kAges); ++a) {
      if (n[s][a] > 0) last = relapse[s][a] / n[s][a];
      out.relapse_by_age[s][a] = last;
    }
    for (std::size_t c = 0; c < static_cast<std::size_t>(kConditions); ++c) out.incidence_rr[s][c] = n_sex[s] > 0 ? rr[s][c] / n_sex[s] : 1.0;
  }
  if (all > 0) {
    out.mortality_hr = hr / all;
    out.relapse_per_year = sum_relapse / all;
    out.within_10_years = recent / all;
  }
  return out;
}

/// Care-home residents' mortality multipliers by stay band (RateTables::mortality_care): the
/// later band's h and the first year's ratio x h, with h solved so that the base year's
/// expected deaths per resident-year among residents aged 65+ equal the target. The expected
/// rate is the model's: life-table mx x factor(i) (the deprivation and district factors) x the
/// person's multiplier / the England mean multiplier of their age group and sex (which the
/// residents' multipliers raise).
template <class Factor>
void solve_care_home_mortality(const World& w, const Population& pop, RateTables& rt, Factor&& factor) {
  const Parameters& p = w.params;
  const LifeTable& lt = w.region->life_tables.at(w.region->life_table_period);
  // Sums by (age group, sex, decile) and band: multipliers of everyone, mx x multiplier of
  // residents 65+.
  const std::size_t cells = static_cast<std::size_t>(G * kSexes * kDeciles);
  std::vector<std::array<double, 3>> all(cells), resident(cells);
  std::vector<double> n(cells, 0.0);
  double residents = 0;
  for (std::size_t i = 0; i < pop.size(); ++i) {
    const int age = pop.age_years(i);
    const std::size_t k = (static_cast<std::size_t>(age_group_of(age)) * kSexes + static_cast<std::size_t>(pop.sex(i))) * kDeciles +
                          static_cast<std::size_t>(pop.decile[i] - 1);
    const auto band = static_cast<std::size_t>(pop.care_band(i));
    const double M = rt.mortality(pop.conditions[i], pop.smoking(i), pop.quit_years(i), pop.frailty(i));
    all[k][band] += M;
    n[k] += 1;
    if (band > 0 && age >= 65) {
      resident[k][band] += lt.mx[static_cast<std::size_t>(pop.sex(i))][static_cast<std::size_t>(std::min(age, kMaxAge))] * M * factor(i);
      residents += 1;
    }
  }
  const double ratio = p.care_home_first_year_ratio;
  auto deaths = [&](double h) {
    const std::array<double, 3> hb{1.0, ratio * h, h};
    double total = 0;
    for (int g = 0; g < G; ++g)
      for (int s = 0; s < kSexes; ++s) {
        // England mean over deciles of the mean multiplier (calibrate's e_nat).
        double e = 0, pooled = 0, pooled_n = 0;
        int deciles = 0;
        std::array<double, kDeciles> mean{};
        for (int d = 0; d < kDeciles; ++d) {
          const std::size_t k = (static_cast<std::size_t>(g) * kSexes + static_cast<std::size_t>(s)) * kDeciles + static_cast<std::size_t>(d);
          const double m = all[k][0] * hb[0] + all[k][1] * hb[1] + all[k][2] * hb[2];
          pooled += m;
          pooled_n += n[k];
          mean[static_cast<std::size_t>(d)] = n[k] > 0 ? m / n[k] : -1;
        }
        for (int d = 0; d < kDeciles; ++d) {
          e += mean[static_cast<std::size_t>(d)] >= 0 ? mean[static_cast<std::size_t>(d)] : ratio_or(pooled, pooled_n, 1.0);
          ++deciles;
        }
        e /= deciles;
        for (int d = 0; d < kDeciles; ++d) {
          const std::size_t k = (static_cast<std::size_t>(g) * kSexes + static_cast<std::size_t>(s)) * kDeciles + static_cast<std::size_t>(d);
          total += (resident[k][1] * hb[1] + resident[k][2] * hb[2]) / e;
        }
      }
    return total;
  };
  double h = 1;
  if (residents > 0 && p.mortality_calibrate_care_home) {
    const double target = p.care_home_deaths_per_resident_year * residents;
    double lo = 0.05, hi = 50;
    for (int it = 0; it < 100; ++it) {
      const double mid = std::sqrt(lo * hi);
      (deaths(mid) < target ? lo : hi) = mid;
    }
    h = std::sqrt(lo * hi);
    if ((h > 49 || h < 0.051) && residents >= 200)  // (a few residents at a tiny scale: sampling noise)
      throw ParameterError("mortality.care_home.deaths_per_resident_year = " + std::to_string(p.care_home_deaths_per_resident_year) +
                           " cannot be reached with the residents' other risks (the care-home multiplier would be " + std::to_string(h) +
                           "; expected 0.2-0.6 deaths per resident-year)");
  }
  rt.mortality_care = p.mortality_calibrate_care_home ? std::array<float, 3>{1.f, static_cast<float>(ratio * h), static_cast<float>(h)}
                                                     : std::array<float, 3>{1.f, 1.f, 1.f};
}


/// The emergency admission multipliers' direct frailty HRs (RateTables::emergency): raked so
/// that each eFI level's marginal HR of admission among people 65+ (standardised over sex and
/// 5-year bands, vs fit) is Clegg 2016's, with the published gradient per condition kept (the
/// eFI's HRs are adjusted for age and sex only, and its deficits include the conditions).
/// Returns the direct HRs (index 1..3) and the achieved marginal ones.
std::pair<std::array<double, kFrailtyLevels>, std::array<double, kFrailtyLevels>> rake_emergency(const World& w, const Population& pop,
                                                                                                   RateTables& rt) {
  const Parameters& p = w.params;
  const Multipliers& m = w.multipliers;
  std::array<double, kFrailtyLevels> b{}, achieved{};
  for (int f = 1; f < kFrailtyLevels; ++f) b[static_cast<std::size_t>(f)] = std::log(p.rr_emergency_frailty[static_cast<std::size_t>(f)]);
  const std::size_t stride = std::max<std::size_t>(1, pop.size() / 400000);
  auto build = [&] {
    for (int n = 0; n <= 8; ++n)
      for (int f = 0; f < kFrailtyLevels; ++f)
        rt.emergency[static_cast<std::size_t>(n)][static_cast<std::size_t>(f)] =
            m.emergency[static_cast<std::size_t>(n)][0] * static_cast<float>(std::exp(b[static_cast<std::size_t>(f)]));
  };
  constexpr int bands = 21;
  build();
  for (int it = 0; it <= 40; ++it) {
    std::vector<double> sum(static_cast<std::size_t>(kFrailtyLevels * kSexes * bands), 0.0), n(sum.size(), 0.0);
    for (std::size_t i = 0; i < pop.size(); i += stride) {
      const int age = pop.age_years(i);
      if (age < p.mortality_target_ages_frailty[0] || age > p.mortality_target_ages_frailty[1]) continue;
      const auto f = static_cast<std::size_t>(pop.frailty(i));
      const std::size_t j = (f * kSexes + static_cast<std::size_t>(pop.sex(i))) * bands + static_cast<std::size_t>(std::min(age, kMaxAge) / 5);
      sum[j] += rt.emergency[static_cast<std::size_t>(condition_count(pop.conditions[i]))][f];
      n[j] += 1;
    }
    double worst = 0;
    for (int f = 1; f < kFrailtyLevels; ++f) {
      double num = 0, den = 0;
      for (std::size_t g = 0; g < static_cast<std::size_t>(kSexes * bands); ++g) {
        const std::size_t e = static_cast<std::size_t>(f) * kSexes * bands + g, r = g;
        if (n[e] <= 0 || n[r] <= 0) continue;
        num += n[e] * (sum[e] / n[e]) / (sum[r] / n[r]);
        den += n[e];
      }
      achieved[static_cast<std::size_t>(f)] = den > 0 ? num / den : p.rr_emergency_frailty[static_cast<std::size_t>(f)];
      worst = std::max(worst, std::fabs(std::log(p.rr_emergency_frailty[static_cast<std::size_t>(f)] / achieved[static_cast<std::size_t>(f)])));
    }
    if (worst < 0.005 || it == 40) break;  // the last pass only measures the final tables
    for (int f = 1; f < kFrailtyLevels; ++f)
      b[static_cast<std::size_t>(f)] += std::log(p.rr_emergency_frailty[static_cast<std::size_t>(f)] / achieved[static_cast<std::size_t>(f)]);
    build();
  }
  std::array<double, kFrailtyLevels> direct{};
  for (int f = 0; f < kFrailtyLevels; ++f) direct[static_cast<std::size_t>(f)] = std::exp(b[static_cast<std::size_t>(f)]);
  return {direct, achieved};
}

/// Smoking's direct multiplier on emergency admissions (RateTables::emergency_smoking): current
/// smokers' d, ex-smokers' 1 + (d - 1) x the all-cause curve at their years since quitting, with
/// d solved so that the share of admissions of people 35+ attributable to smoking (the direct
/// term with the admissions smoking adds through the conditions it causes) equals the target at
/// the region's prevalence. The counterfactual of a smoker is a never-smoker of their age group
/// and sex: the never-smokers' mean condition-and-frailty multiplier. Returns d.
template <class Weight>
double solve_smoking_admissions(const World& w, const Population& pop, RateTables& rt, double target, Weight&& weight) {
  const std::size_t groups = static_cast<std::size_t>(G * kSexes);
  std::vector<double> never(groups, 0.0), never_n(groups, 0.0);
  auto group = [&](std::size_t i) { return static_cast<std::size_t>(age_group_of(pop.age_years(i))) * kSexes + static_cast<std::size_t>(pop.sex(i)); };
  auto base = [&](std::size_t i) {
    return static_cast<double>(rt.emergency[static_cast<std::size_t>(condition_count(pop.conditions[i]))][static_cast<std::size_t>(pop.frailty(i))]);
  };
  for (std::size_t i = 0; i < pop.size(); ++i)
    if (pop.age_years(i) >= 35 && pop.smoking(i) == Smoking::never) {
      never[group(i)] += base(i);
      never_n[group(i)] += 1;
    }
  // (The counterfactual multiplier is the group's never-smokers' mean; each person's weight is
  // their admission rate's shape.)
  auto fill = [&](double d) {
    rt.emergency_smoking[0] = 1.f;
    rt.emergency_smoking[1] = static_cast<float>(d);
    for (int t = 0; t < kQuitYears; ++t)
      rt.emergency_smoking[2 + static_cast<std::size_t>(t)] = static_cast<float>(1.0 + (d - 1.0) * all_cause_excess_remaining(w.params, t));
  };
  // One pass: the sums of the base multipliers by smoking index (the only part that depends
  // on d) and the counterfactual's, which does not.
  std::array<double, 2 + kQuitYears> by_index{};
  double without = 0;
  for (std::size_t i = 0; i < pop.size(); ++i) {
    if (pop.age_years(i) < 35) continue;
    const double b = base(i), wi = weight(i);
    by_index[Multipliers::smoking_index(pop.smoking(i), pop.quit_years(i))] += wi * b;
    const std::size_t g = group(i);
    without += wi * (pop.smoking(i) == Smoking::never || never_n[g] <= 0 ? b : never[g] / never_n[g]);
  }
  auto attributable = [&](double d) {
    fill(d);
    double with = 0;
    for (std::size_t k = 0; k < by_index.size(); ++k) with += by_index[k] * rt.emergency_smoking[k];
    return with > 0 ? 1.0 - without / with : 0.0;
  };
  double lo = 1, hi = 5;
  if (attributable(lo) >= target) {  // the conditions alone reach it: no direct term
    fill(1);
    return 1;
  }
  if (attributable(hi) < target)
    throw ParameterError("service.emergency.smoking_attributable_share_35_plus = " + std::to_string(target) +
                         " cannot be reached with a direct smoking multiplier up to 5 (reached " + std::to_string(attributable(hi)) + ")");
  for (int it = 0; it < 60; ++it) {
    const double mid = 0.5 * (lo + hi);
    (attributable(mid) < target ? lo : hi) = mid;
  }
  fill(0.5 * (lo + hi));
  return 0.5 * (lo + hi);
}


/// The direct mortality HRs (RateTables::mortality), raked so that each factor's marginal HR in
/// the synthesised population, standardised over 5-year age bands and sex within its source
/// study's ages, equals the published one (issue 14, finding 2): the published HRs are each
/// adjusted for age and sex only, so multiplying them double counts what the factors share
/// (smokers have more COPD, CHD and cancer; the eFI counts the conditions). Factors: the
/// conditions (HR_c vs none), current smoking (vs never), frailty levels (vs fit). Iterative
/// proportional fitting on the log HRs; a deterministic subsample of at most 400,000 people.
struct RakedMortality {
  std::array<double, kConditions + 8> direct{}, achieved{}, target{};
  int iterations = 0;
  double at_cap = 0;
};

RakedMortality rake_mortality(const World& w, const Population& pop, RateTables& rt) {
  const Parameters& p = w.params;
  // Factors: the conditions, smoking current, frailty mild/moderate/severe, and ERFC's joint
  // groups (interactions: diabetes + CHD, diabetes + stroke, stroke + CHD, all three).
  constexpr int F = kConditions + 8;
  const std::array<unsigned, 4> joint{(1u << type2_diabetes) | (1u << coronary_heart_disease), (1u << type2_diabetes) | (1u << stroke),
                                      (1u << stroke) | (1u << coronary_heart_disease),
                                      (1u << type2_diabetes) | (1u << stroke) | (1u << coronary_heart_disease)};
  RakedMortality out;
  std::array<double, F> b{};
  std::array<int, F> lo{}, hi{};
  for (int c = 0; c < kConditions; ++c) {
    out.target[static_cast<std::size_t>(c)] = p.mortality_hr_condition[static_cast<std::size_t>(c)];
    lo[static_cast<std::size_t>(c)] = p.mortality_target_ages_conditions[0];
    hi[static_cast<std::size_t>(c)] = p.mortality_target_ages_conditions[1];
  }
  out.target[kConditions] = p.mortality_hr_smoking_current;
  lo[kConditions] = p.mortality_target_ages_smoking[0];
  hi[kConditions] = p.mortality_target_ages_smoking[1];
  for (int k = 1; k <= 3; ++k) {
    out.target[static_cast<std::size_t>(kConditions + k)] = p.mortality_hr_frailty[static_cast<std::size_t>(k)];
    lo[static_cast<std::size_t>(kConditions + k)] = p.mortality_target_ages_frailty[0];
    hi[static_cast<std::size_t>(kConditions + k)] = p.mortality_target_ages_frailty[1];
  }
  for (int j = 0; j < 4; ++j) {
    out.target[static_cast<std::size_t>(kConditions + 4 + j)] = p.mortality_hr_cardiometabolic_joint[static_cast<std::size_t>(j)];
    lo[static_cast<std::size_t>(kConditions + 4 + j)] = p.mortality_target_ages_conditions[0];
    hi[static_cast<std::size_t>(kConditions + 4 + j)] = p.mortality_target_ages_conditions[1];
  }
  // A condition whose published HR is 1 (hypertension: no excess of its own, its risk carried by
  // the CHD and stroke it causes) keeps a direct HR of 1 and is not raked: its marginal HR is
  // then what its correlation with those conditions gives (reported).
  std::array<bool, F> fixed{};
  for (int k = 0; k < F; ++k) {
    b[static_cast<std::size_t>(k)] = k < kConditions + 4 ? std::log(out.target[static_cast<std::size_t>(k)]) : 0.0;  // interactions start at 0
    fixed[static_cast<std::size_t>(k)] = k < kConditions && out.target[static_cast<std::size_t>(k)] == 1.0;
  }
  auto build = [&] {
    MortalityTable& t = rt.mortality;
    for (int set = 0; set < kConditionSets; ++set) {
      double x = 0;
      for (int c = 0; c < kConditions; ++c)
        if (set & (1 << c)) x += b[static_cast<std::size_t>(c)];
      // The interaction of the set's ERFC group (exactly that pair among the three, or all three).
      const unsigned three = static_cast<unsigned>(set) & joint[3];
      for (int j = 0; j < 4; ++j)
        if (three == joint[static_cast<std::size_t>(j)]) x += b[static_cast<std::size_t>(kConditions + 4 + j)];
      t.conditions[static_cast<std::size_t>(set)] = static_cast<float>(std::exp(x));
    }
    const double current = std::exp(b[kConditions]);
    t.smoking[0] = 1.f;
    t.smoking[1] = static_cast<float>(current);
    for (int y = 0; y < kQuitYears; ++y)
      t.smoking[2 + static_cast<std::size_t>(y)] = static_cast<float>(1.0 + (current - 1.0) * all_cause_excess_remaining(p, y));
    t.frailty[0] = 1.f;
    for (int k = 1; k <= 3; ++k) t.frailty[static_cast<std::size_t>(k)] = static_cast<float>(std::exp(b[static_cast<std::size_t>(kConditions + k)]));
    t.person_cap = static_cast<float>(p.mortality_hr_person_cap);
  };
  // Strata: sex x 5-year band of age (0..100 -> 21 bands).
  constexpr int bands = 21;
  const std::size_t stride = std::max<std::size_t>(1, pop.size() / 400000);
  // ERFC's groups are mutually exclusive: diabetes, stroke or MI alone against none of the three.
  const unsigned erfc = (1u << coronary_heart_disease) | (1u << stroke) | (1u << type2_diabetes);
  auto exposed = [&](std::size_t i, int k) -> int {  // 1 exposed, 0 reference, -1 neither
    if (k < kConditions && (erfc >> k & 1u)) {
      const unsigned has = pop.conditions[i] & erfc;
      return has == 0 ? 0 : (has == (1u << k) ? 1 : -1);
    }
    if (k < kConditions) return (pop.conditions[i] >> k) & 1u;
    if (k >= kConditions + 4) {
      const unsigned has = pop.conditions[i] & erfc;
      return has == 0 ? 0 : (has == joint[static_cast<std::size_t>(k - kConditions - 4)] ? 1 : -1);
    }
    if (k == kConditions) return pop.smoking(i) == Smoking::current ? 1 : (pop.smoking(i) == Smoking::never ? 0 : -1);
    const int level = static_cast<int>(pop.frailty(i));
    return level == k - kConditions ? 1 : (level == 0 ? 0 : -1);
  };
  auto marginal = [&] {
    // sums[k][stratum][exposed] of M and counts
    std::vector<double> m(static_cast<std::size_t>(F * kSexes * bands * 2), 0.0), n(m.size(), 0.0);
    for (std::size_t i = 0; i < pop.size(); i += stride) {
      const int age = pop.age_years(i);
      const double M = rt.mortality(pop.conditions[i], pop.smoking(i), pop.quit_years(i), pop.frailty(i));
      const std::size_t g = static_cast<std::size_t>(pop.sex(i) * bands + std::min(age, kMaxAge) / 5);
      for (int k = 0; k < F; ++k) {
        if (age < lo[static_cast<std::size_t>(k)] || age > hi[static_cast<std::size_t>(k)]) continue;
        const int x = exposed(i, k);
        if (x < 0) continue;
        const std::size_t j = ((static_cast<std::size_t>(k) * kSexes * bands) + g) * 2 + static_cast<std::size_t>(x);
        m[j] += M;
        n[j] += 1;
      }
    }
    std::array<double, F> hr{};
    for (int k = 0; k < F; ++k) {
      double num = 0, den = 0;
      for (std::size_t g = 0; g < static_cast<std::size_t>(kSexes * bands); ++g) {
        const std::size_t j = ((static_cast<std::size_t>(k) * kSexes * bands) + g) * 2;
        if (n[j] <= 0 || n[j + 1] <= 0 || m[j] <= 0) continue;
        num += n[j + 1] * (m[j + 1] / n[j + 1]) / (m[j] / n[j]);
        den += n[j + 1];
      }
      hr[static_cast<std::size_t>(k)] = den > 0 ? num / den : out.target[static_cast<std::size_t>(k)];
    }
    return hr;
  };
  build();
  for (int it = 0; it < 40; ++it) {
    out.achieved = marginal();
    double worst = 0;
    for (int k = 0; k < F; ++k)
      if (!fixed[static_cast<std::size_t>(k)])
        worst = std::max(worst, std::fabs(std::log(out.target[static_cast<std::size_t>(k)] / out.achieved[static_cast<std::size_t>(k)])));
    out.iterations = it;
    if (worst < 0.005) break;
    for (int k = 0; k < F; ++k)
      if (!fixed[static_cast<std::size_t>(k)])
        b[static_cast<std::size_t>(k)] += std::log(out.target[static_cast<std::size_t>(k)] / out.achieved[static_cast<std::size_t>(k)]);
    build();
  }
  out.achieved = marginal();  // of the final tables (also when the passes ran out)
  for (int k = 0; k < F; ++k) out.direct[static_cast<std::size_t>(k)] = std::exp(b[static_cast<std::size_t>(k)]);
  double capped = 0, counted = 0;
  for (std::size_t i = 0; i < pop.size(); i += stride) {
    const float M = rt.mortality.conditions[pop.conditions[i]] *
                    rt.mortality.smoking[Multipliers::smoking_index(pop.smoking(i), pop.quit_years(i))] *
                    rt.mortality.frailty[static_cast<std::size_t>(pop.frailty(i))];
    capped += M >= rt.mortality.person_cap ? 1.0 : 0.0;
    counted += 1;
  }
  out.at_cap = counted > 0 ? capped / counted : 0.0;
  return out;
}

}  // namespace

Calibrated calibrate(const World& world, const SynthesisResult& syn, double scale) {
  const RegionData& region = *world.region;
  const Parameters& p = world.params;
  const Population& pop = syn.population;
  const PrevalenceTables& prev = syn.prevalence;
  const CellIndex& idx = world.index;
  const double weight = 1.0 / scale;  // people per agent
  Calibrated out;
  RateTables& rt = out.rates;
  rt.index = idx;
  rt.cells.assign(idx.cells(), CellRates{});
  auto diag = [&](const std::string& name, double value, const std::string& note) {
    out.diagnostics.push_back({name, value, note});
  };

  // Before the mortality multipliers are averaged: the direct HRs raked to the published
  // marginal ones, the care-home stay bands' multipliers and the ex-smokers' relapse.
  {
    const RakedMortality raked = rake_mortality(world, pop, rt);
    static const char* factor[] = {"condition.hypertension", "condition.chd", "condition.stroke", "condition.diabetes", "condition.copd",
                                   "condition.cancer", "condition.dementia", "condition.cmd", "smoking.current", "frailty.mild",
                                   "frailty.moderate", "frailty.severe", "interaction.diabetes_chd", "interaction.diabetes_stroke",
                                   "interaction.stroke_chd", "interaction.diabetes_stroke_chd"};
    static_assert(sizeof factor / sizeof factor[0] == kConditions + 8);
    for (std::size_t k = 0; k < raked.direct.size(); ++k) {
      out.derived_parameters.emplace_back(std::string("mortality.hr_direct.") + factor[k], raked.direct[k]);
      diag(std::string("mortality.hr_marginal.") + factor[k], raked.achieved[k],
           "age-sex-standardised marginal HR in the synthesised population with the direct HRs (target " + fmt(raked.target[k]) + ")");
    }
    diag("mortality.hr.raking_iterations", raked.iterations, "passes of the raking of the direct mortality HRs");
    diag("mortality.hr.share_at_person_cap", raked.at_cap,
         "share of the synthesised people whose combined mortality multiplier is at mortality.hr.person_cap (should be under 0.1%)");
  }
  solve_care_home_mortality(world, pop, rt, [](std::size_t) { return 1.0; });  // refined below, with the factors
  for (int y = 0; y < kQuitYears; ++y)
    rt.smoking_relapse[static_cast<std::size_t>(y)] =
        static_cast<float>(monthly_probability(p.smoking_relapse_by_year[static_cast<std::size_t>(y)]));
  const SmokingStock smoking_stock = ex_smoker_stock(world, pop, rt);
  for (int s = 0; s < kSexes; ++s)
    for (int c : {coronary_heart_disease, stroke, copd, cancer})
      out.derived_parameters.emplace_back("condition." + std::string(kConditionNames[static_cast<std::size_t>(c)]) + ".rr.smoking.ex." +
                                              std::string(kSexNames[static_cast<std::size_t>(s)]),
                                          smoking_stock.incidence_rr[static_cast<std::size_t>(s)][static_cast<std::size_t>(c)]);
  out.derived_parameters.emplace_back("mortality.hr.smoking.ex", smoking_stock.mortality_hr);
  for (int c = 0; c < 2; ++c)
    for (int s = 0; s < kSexes; ++s)
      for (int w = 0; w < 2; ++w)
        out.derived_parameters.emplace_back(std::string("condition.") + (c == 0 ? "chd" : "stroke") + ".rr_direct.weight." + (w == 0 ? "overweight." : "obese.") +
                                                std::string(kSexNames[static_cast<std::size_t>(s)]),
                                            world.multipliers.weight_rr_direct[static_cast<std::size_t>(c)][static_cast<std::size_t>(s)][static_cast<std::size_t>(w)]);
  out.derived_parameters.emplace_back("risk.smoking.relapse_per_year", smoking_stock.relapse_per_year);
  diag("risk.smoking.ex_quit_within_10_years_share", smoking_stock.within_10_years,
       "share of the synthesised ex-smokers aged 18+ who quit less than 10 years ago (about 22% in England: 450,000 quits a year "
       "x 7.3 years abstinent of 10, of 14.6m ex-smokers; docs/evidence/core_rates_mortality.md 1.5)");

  // The admissions' direct frailty HRs, then smoking's direct effect on them.
  {
    const auto [direct, achieved] = rake_emergency(world, pop, rt);
    static const char* level[] = {"fit", "mild", "moderate", "severe"};
    for (int f = 1; f < kFrailtyLevels; ++f) {
      out.derived_parameters.emplace_back(std::string("service.rr_direct.emergency.frailty.") + level[f], direct[static_cast<std::size_t>(f)]);
      diag(std::string("services.emergency.hr_marginal.frailty.") + level[f], achieved[static_cast<std::size_t>(f)],
           "age-sex-standardised marginal rate ratio of emergency admission, 65-95, vs fit, with the direct HRs (target " +
               fmt(p.rr_emergency_frailty[static_cast<std::size_t>(f)]) + ", Clegg 2016)");
    }
  }
  auto spend = [&](int a, int s, int dec) {
    return region.nhs_spend_by_age[static_cast<std::size_t>(s)][static_cast<std::size_t>(quintile_of_decile(dec) - 1)]
                                  [static_cast<std::size_t>(std::min(a, 85))];
  };
  // The shape of admissions by age: spend without its maternity part, which the admitted-care
  // targets exclude: women of childbearing age at men's spend x the women's/men's ratio at 52.
  auto admitted_spend = [&](int a, int s, int dec) {
    if (s == 0 || a < p.maternity_age_min || a > p.maternity_age_max) return spend(a, s, dec);
    return spend(a, 0, dec) * spend(p.maternity_age_max + 3, 1, dec) / spend(p.maternity_age_max + 3, 0, dec);
  };
  // Smoking's direct effect on emergency admissions, to the attributable share at the region's
  // 35+ prevalence (England's share x the region's prevalence over England's, from the
  // profile weighted by England's population 35+).
  {
    double eng = 0, eng_n = 0, lsc = 0, lsc_n = 0;
    for (int s = 0; s < kSexes; ++s)
      for (int a = 35; a <= kMaxAge; ++a) {
        const double n = a < kPopulationTopAge ? static_cast<double>(region.england_population[static_cast<std::size_t>(s)][static_cast<std::size_t>(a)])
                                               : static_cast<double>(region.england_population[static_cast<std::size_t>(s)][kPopulationTopAge]) /
                                                     (kMaxAge - kPopulationTopAge + 1);
        eng += n * p.smoking_current.at(s, a);
        eng_n += n;
      }
    for (std::size_t i = 0; i < pop.size(); ++i)
      if (pop.age_years(i) >= 35) {
        lsc += pop.smoking(i) == Smoking::current ? 1.0 : 0.0;
        lsc_n += 1;
      }
    const double ratio = eng > 0 && lsc_n > 0 ? (lsc / lsc_n) / (eng / eng_n) : 1.0;
    const double target = p.smoking_attributable_admissions_35_plus * ratio;
    // Each person weighted by their age, sex and deprivation's admission rate (the shape the cell
    // rates follow), so that the share is of admissions, not of people.
    const double d = solve_smoking_admissions(world, pop, rt, target, [&](std::size_t i) {
      return admitted_spend(std::min(pop.age_years(i), kMaxAge), pop.sex(i), pop.decile[i]);
    });
    out.derived_parameters.emplace_back("service.rr.emergency.smoking.current", d);
    diag("services.emergency.smoking_attributable_share_35_plus", target,
         "target share of emergency admissions of people 35+ attributable to smoking: England's " +
             fmt(p.smoking_attributable_admissions_35_plus) + " x the region's 35+ smoking prevalence / England's (" + fmt(ratio) + ")");
  }

  Stats st = gather(world, pop, rt);

  // ---- 1. Base mortality and its trend (national life tables).
  const LifeTable& lt = region.life_tables.at(region.life_table_period);
  // The improvement trend: from the table five years before the trend period (the base
  // period, also in a back-cast, whose own period may have no table five years earlier).
  const std::string& trend_period = region.life_table_trend_period.empty() ? region.life_table_period : region.life_table_trend_period;
  const LifeTable& lt_trend = region.life_tables.at(trend_period);
  int y0 = 0, y1 = 0;
  std::sscanf(trend_period.c_str(), "%d-%d", &y0, &y1);
  const std::string early = std::to_string(y0 - 5) + "-" + std::to_string(y1 - 5);
  if (p.mortality_apply_trend) {
    auto it = region.life_tables.find(early);
    if (it == region.life_tables.end())
      throw InputError("mortality.apply_trend needs the life table period " + early + " in the region data");
    for (int s = 0; s < kSexes; ++s)
      for (int g = 0; g < G; ++g) {
        const int a0 = kAgeGroupStart[static_cast<std::size_t>(g)];
        const int a1 = g + 1 < G ? kAgeGroupStart[static_cast<std::size_t>(g) + 1] - 1 : kMaxAge;
        double log_ratio = 0;
        int n = 0;
        for (int a = a0; a <= a1; ++a) {
          const double m1 = lt_trend.mx[static_cast<std::size_t>(s)][static_cast<std::size_t>(a)];
          const double m0 = it->second.mx[static_cast<std::size_t>(s)][static_cast<std::size_t>(a)];
          if (m1 > 0 && m0 > 0) {
            log_ratio += std::log(m1 / m0);
            ++n;
          }
        }
        const double imp = n ? 1.0 - std::exp(log_ratio / n / 5.0) : 0.0;
        for (int a = a0; a <= a1; ++a)
          rt.mortality_improvement[static_cast<std::size_t>(s)][static_cast<std::size_t>(a)] = static_cast<float>(imp);
      }
    diag("mortality.improvement.male_65_69", rt.mortality_improvement[0][67],
         "annual improvement from national life tables " + early + " to " + trend_period);
  }

  // Mean mortality multiplier by (group, sex, decile); England mean over deciles.
  auto m_bar = [&](int g, int s, int dec) {
    const std::size_t gs = static_cast<std::size_t>(g) * kSexes + static_cast<std::size_t>(s);
    const std::size_t k = gs * kDeciles + static_cast<std::size_t>(dec - 1);
    if (st.n_gsd[k] > 0) return st.m_gsd[k] / st.n_gsd[k];
    double num = 0, den = 0;
    for (int d = 0; d < kDeciles; ++d) {
      num += st.m_gsd[gs * kDeciles + static_cast<std::size_t>(d)];
      den += st.n_gsd[gs * kDeciles + static_cast<std::size_t>(d)];
    }
    return ratio_or(num, den, 1.0);
  };
  std::array<std::array<double, G>, kSexes> e_nat{};
  auto average_multipliers = [&] {
    for (int s = 0; s < kSexes; ++s)
      for (int g = 0; g < G; ++g) {
        double sum = 0;
        for (int dec = 1; dec <= kDeciles; ++dec) sum += m_bar(g, s, dec);
        e_nat[static_cast<std::size_t>(s)][static_cast<std::size_t>(g)] = sum / kDeciles;
      }
  };
  average_multipliers();

  // ---- 2. Deprivation gradient: log-linear in decile, calibrated to the LE gap.
  std::array<double, kSexes> beta{};
  auto dep_factor = [](double b, int dec) {
    double mean = 0;
    for (int d = 1; d <= kDeciles; ++d) mean += std::exp(b * (d - 5.5));
    return std::exp(b * (dec - 5.5)) / (mean / kDeciles);
  };
  for (int s = 0; s < kSexes; ++s) {
    const auto su = static_cast<std::size_t>(s);
    auto le = [&](double b, int dec) {
      std::vector<double> m(kAges);
      for (int a = 0; a <= kMaxAge; ++a) {
        const int g = age_group_of(a);
        m[static_cast<std::size_t>(a)] = lt.mx[su][static_cast<std::size_t>(a)] * dep_factor(b, dec) * m_bar(g, s, dec) /
                                         e_nat[su][static_cast<std::size_t>(g)];
      }
      return life_expectancy(m, 0);
    };
    const double gap = region.le_gap_at_birth[su];
    if (p.mortality_calibrate_deprivation) {
      double lo = -0.6, hi = 0.3;
      for (int it = 0; it < 60; ++it) {
        const double mid = 0.5 * (lo + hi);
        // a more negative slope widens the gap
        ((le(mid, 10) - le(mid, 1)) > gap ? lo : hi) = mid;
      }
      beta[su] = 0.5 * (lo + hi);
    }
    out.derived_parameters.emplace_back("mortality.deprivation_log_gradient." + std::string(kSexNames[su]), beta[su]);
    diag("mortality.le_at_birth.decile1." + std::string(kSexNames[su]), le(beta[su], 1),
         "model period life expectancy, IMD decile 1, base mortality");
    diag("mortality.le_at_birth.decile10." + std::string(kSexNames[su]), le(beta[su], 10),
         "model period life expectancy, IMD decile 10 (gap calibrated to ONS " + region.le_gap_period + ": " + fmt(gap) + " years)");
  }

  // Base monthly death hazard per cell, before the district factor.
  const int nd = idx.districts;
  std::vector<double> district_factor(static_cast<std::size_t>(nd), 1.0);
  std::array<std::array<double, kDeciles>, kSexes> dep{};
  for (int s = 0; s < kSexes; ++s)
    for (int dec = 1; dec <= kDeciles; ++dec)
      dep[static_cast<std::size_t>(s)][static_cast<std::size_t>(dec - 1)] = dep_factor(beta[static_cast<std::size_t>(s)], dec);
  auto base_death = [&](int d, int dec, int s, int a) {
    const int g = age_group_of(a);
    return lt.mx[static_cast<std::size_t>(s)][static_cast<std::size_t>(a)] / 12.0 *
           dep[static_cast<std::size_t>(s)][static_cast<std::size_t>(dec - 1)] /
           e_nat[static_cast<std::size_t>(s)][static_cast<std::size_t>(g)] * district_factor[static_cast<std::size_t>(d)];
  };

  // ---- 3. District factors so that expected first-year deaths equal ONS deaths.
  const auto& zones = world.geography.zones;
  auto ageing_ratio = [&](int s, int age) {
    const std::size_t k0 = static_cast<std::size_t>(s) * kAges + static_cast<std::size_t>(std::min(age, kMaxAge));
    const std::size_t k1 = static_cast<std::size_t>(s) * kAges + static_cast<std::size_t>(std::min(age + 1, kMaxAge));
    if (st.n_sa[k0] <= 0 || st.n_sa[k1] <= 0) return 1.0;
    return (st.m_sa[k1] / st.n_sa[k1]) / (st.m_sa[k0] / st.n_sa[k0]);
  };
  auto expected_deaths = [&]() {
    const std::size_t blocks = block_count(pop.size());
    std::vector<std::vector<double>> partial(blocks, std::vector<double>(static_cast<std::size_t>(nd), 0.0));
    for_each_block(pop.size(), [&](std::size_t b, std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) {
        // People age during the year: months before the birthday at age a, after it at a + 1.
        const int d = zones[pop.zone[i]].district;
        const double mult = mortality_multiplier(rt, pop, i);
        const int age = pop.age_years(i);
        const int birthday_month = 12 - pop.age_months[i] % 12;  // 1..12
        const double h0 = std::min(1.0, base_death(d, pop.decile[i], pop.sex(i), std::min(age, kMaxAge)) * mult);
        // After the birthday the person's multiplier grows as the population's does between
        // ages a and a+1 (they acquire conditions and frailty at the rates that keep the profile).
        const double h1 = std::min(1.0, base_death(d, pop.decile[i], pop.sex(i), std::min(age + 1, kMaxAge)) * mult *
                                            ageing_ratio(pop.sex(i), age));
        // The starting people's deaths in the year; but a care-home resident's place is filled
        // again within the year (the entry rates hold the care-home prevalence), and the
        // entrant takes on the resident's hazard. (Counting only the starting residents'
        // deaths would miss a fifth of residents' deaths: those of the year's entrants.)
        const double own = 1.0 - integer_power(1.0 - h0, birthday_month - 1) * integer_power(1.0 - h1, 13 - birthday_month);
        double refill = 0;
        if (pop.care(i) == CareSetting::care_home) {
          // The entrant is counted already, at their hazard before the move (the resident's
          // without the care-home multiplier): only the difference is added.
          const double with_replacement = (birthday_month - 1) * h0 + (13 - birthday_month) * h1;
          refill = (with_replacement - own) * (1.0 - 1.0 / static_cast<double>(rt.mortality_care[static_cast<std::size_t>(pop.care_band(i))]));
        }
        partial[b][static_cast<std::size_t>(d)] += own + refill;
      }
    });
    std::vector<double> total(static_cast<std::size_t>(nd), 0.0);
    for (const auto& v : partial)
      for (std::size_t d = 0; d < total.size(); ++d) total[d] += v[d] * weight;
    return total;
  };
  // The level the targets are set at: one year's deaths carry that year's winter, so each
  // district's ONS deaths in the year to mid base-year are moved to the trend of the annual
  // registrations series (log-linear least squares over its years; a calendar year is centred
  // at its middle) at that year, relative to the mean of the two calendar years it spans.
  double level = 1;
  if (p.mortality_level_from_trend && !region.annual_deaths.empty()) {
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    const double n = static_cast<double>(region.annual_deaths.size());
    for (const auto& [year, deaths] : region.annual_deaths) {
      const double x = year + 0.5, y = std::log(deaths);
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx), intercept = (sy - slope * sx) / n;
    const double trend = std::exp(intercept + slope * region.base_year);
    const double observed = 0.5 * (region.annual_deaths.at(region.base_year - 1) + region.annual_deaths.at(region.base_year));
    level = trend / observed;
    diag("mortality.level.trend_per_year", std::exp(slope) - 1,
         "annual change of the " + region.annual_deaths_series + " registrations' log-linear trend, " +
             std::to_string(region.annual_deaths.begin()->first) + "-" + std::to_string(region.annual_deaths.rbegin()->first));
  }
  out.derived_parameters.emplace_back("mortality.level_factor", level);
  diag("mortality.level_factor", level,
       "first-year death targets over the ONS year to mid-" + std::to_string(region.base_year) + ": the " + region.annual_deaths_series +
           " registrations' trend at that year over the mean of its two calendar years (1 with mortality.level_from_trend 0)");
  std::vector<double> district_target(static_cast<std::size_t>(nd));
  double target_total = 0;
  for (int d = 0; d < nd; ++d) {
    district_target[static_cast<std::size_t>(d)] = static_cast<double>(region.components[static_cast<std::size_t>(d)].deaths) * level;
    target_total += district_target[static_cast<std::size_t>(d)];
  }
  auto calibrate_districts = [&] {
    if (!p.mortality_calibrate_to_observed) return;
    // Expected deaths meet the target over realised-over-expected: realised deaths rise within
    // the year as the starting people acquire conditions and frailty faster than the
    // cross-sectional age profile says (mortality.realised_over_expected, fitted by
    // `shiftsim calibrate` to the realised first year).
    for (int iter = 0; iter < 2; ++iter) {
      const auto exp = expected_deaths();
      for (int d = 0; d < nd; ++d)
        district_factor[static_cast<std::size_t>(d)] *=
            district_target[static_cast<std::size_t>(d)] / p.mortality_realised_over_expected / exp[static_cast<std::size_t>(d)];
    }
  };
  calibrate_districts();
  // The care-home multipliers again, now with each resident's deprivation and district factors,
  // and the averages and district factors that follow from them.
  solve_care_home_mortality(world, pop, rt, [&](std::size_t i) {
    return dep[static_cast<std::size_t>(pop.sex(i))][static_cast<std::size_t>(pop.decile[i] - 1)] *
           district_factor[static_cast<std::size_t>(zones[pop.zone[i]].district)];
  });
  st = gather(world, pop, rt);
  average_multipliers();
  calibrate_districts();
  out.derived_parameters.emplace_back("mortality.hr.care_home.first_year", static_cast<double>(rt.mortality_care[1]));
  out.derived_parameters.emplace_back("mortality.hr.care_home.later", static_cast<double>(rt.mortality_care[2]));
  {
    const auto exp = expected_deaths();
    for (int d = 0; d < nd; ++d)
      diag("mortality.district_factor." + region.districts[static_cast<std::size_t>(d)].code,
           district_factor[static_cast<std::size_t>(d)],
           region.districts[static_cast<std::size_t>(d)].name + ": expected first-year deaths " + fmt(exp[static_cast<std::size_t>(d)]) +
               ", target " + fmt(district_target[static_cast<std::size_t>(d)]) + " (ONS deaths year to mid-" + std::to_string(region.base_year) +
               " " + std::to_string(region.components[static_cast<std::size_t>(d)].deaths) + " x the level factor)");
  }
  diag("mortality.first_year_deaths_target", target_total,
       "the realised first-year deaths the district factors aim at: ONS deaths in the year to mid-" + std::to_string(region.base_year) +
           " x mortality.level_factor");

  // ---- 4. Hazard ratios of states, from the synthesised population (so that they include
  // the correlation of each state with the others).
  auto hr_vector = [&](const std::vector<double>& msum, const std::vector<double>& nsum, std::size_t states,
                       std::size_t offset, int s, std::size_t state) {
    AgeVector hr{};
    for (int a = 0; a <= kMaxAge; ++a) {
      const std::size_t gs = static_cast<std::size_t>(age_group_of(a)) * kSexes + static_cast<std::size_t>(s);
      double m_all = 0, n_all = 0;
      for (std::size_t k = 0; k < states; ++k) {
        m_all += msum[offset + gs * states + k];
        n_all += nsum[offset + gs * states + k];
      }
      const double mean_all = ratio_or(m_all, n_all, 1.0);
      const double mean_state = ratio_or(msum[offset + gs * states + state], nsum[offset + gs * states + state], mean_all);
      hr[static_cast<std::size_t>(a)] = mean_state / mean_all;
    }
    return hr;
  };
  std::array<std::array<AgeVector, 3>, kSexes> hr_smoking{};
  std::array<std::array<AgeVector, kConditions>, kSexes> hr_condition{};
  std::array<std::array<AgeVector, kFrailtyLevels>, kSexes> hr_frailty{};
  std::array<std::array<AgeVector, 3>, kSexes> hr_weight{};
  std::array<std::array<AgeVector, 3>, kSexes> hr_binary{};  // inactive, drinking, isolated (with vs without)
  std::array<std::array<AgeVector, kCareSettings>, kSexes> hr_care{};
  for (int s = 0; s < kSexes; ++s) {
    const auto su = static_cast<std::size_t>(s);
    for (std::size_t k = 0; k < 3; ++k) hr_smoking[su][k] = hr_vector(st.m_smoking, st.n_smoking, 3, 0, s, k);
    for (std::size_t c = 0; c < kConditions; ++c) {
      // HR of having c vs the whole population -> convert to with/without ratio.
      const auto with = hr_vector(st.m_condition, st.n_condition, 2, c * G * kSexes * 2, s, 1);
      const auto without = hr_vector(st.m_condition, st.n_condition, 2, c * G * kSexes * 2, s, 0);
      for (std::size_t a = 0; a < kAges; ++a) hr_condition[su][c][a] = without[a] > 0 ? with[a] / without[a] : 1.0;
    }
    for (std::size_t k = 0; k < 3; ++k) hr_weight[su][k] = hr_vector(st.m_weight, st.n_weight, 3, 0, s, k);
    for (std::size_t k = 0; k < 3; ++k) {
      const auto with = hr_vector(st.m_binary, st.n_binary, 2, k * G * kSexes * 2, s, 1);
      const auto without = hr_vector(st.m_binary, st.n_binary, 2, k * G * kSexes * 2, s, 0);
      for (std::size_t a = 0; a < kAges; ++a) hr_binary[su][k][a] = without[a] > 0 ? with[a] / without[a] : 1.0;
    }
    for (std::size_t k = 0; k < 4; ++k) hr_frailty[su][k] = hr_vector(st.m_frailty, st.n_frailty, 4, 0, s, k);
    for (std::size_t k = 0; k < 3; ++k) hr_care[su][k] = hr_vector(st.m_care, st.n_care, 3, 0, s, k);
  }

  // ---- 5. Service rate levels.
  auto spend_mean_q = [&](int a, int s) {
    double sum = 0;
    for (int q = 0; q < kQuintiles; ++q)
      sum += region.nhs_spend_by_age[static_cast<std::size_t>(s)][static_cast<std::size_t>(q)][static_cast<std::size_t>(std::min(a, 85))];
    return sum / kQuintiles;
  };
  auto dep_ratio = [&](int a, int s, int dec) { return spend(a, s, dec) / spend_mean_q(a, s); };
  // England population weights by single year (90+ spread over 90..100).
  auto england = [&](int s, int a) {
    const auto su = static_cast<std::size_t>(s);
    return a < kPopulationTopAge ? static_cast<double>(region.england_population[su][static_cast<std::size_t>(a)])
                                 : static_cast<double>(region.england_population[su][kPopulationTopAge]) / (kMaxAge - kPopulationTopAge + 1);
  };
  auto england_scale = [&](const AgeSexProfile& shape, double anchor) {
    double num = 0, den = 0;
    for (int s = 0; s < kSexes; ++s)
      for (int a = 0; a <= kMaxAge; ++a) {
        num += england(s, a) * shape.at(s, a);
        den += england(s, a);
      }
    return anchor * den / num;
  };
  // Sum over the region's people (agents x weight) of f(d, dec, s, a).
  auto region_sum = [&](auto&& f) {
    double total = 0;
    for (int d = 0; d < nd; ++d)
      for (int dec = 1; dec <= kDeciles; ++dec)
        for (int s = 0; s < kSexes; ++s)
          for (int a = 0; a <= kMaxAge; ++a) {
            const double n = syn.agents_by_cell[idx(d, dec, s, a)];
            if (n > 0) total += n * weight * f(d, dec, s, a);
          }
    return total;
  };
  // Emergency and elective admissions: spend profile scaled to the region's admitted care,
  // separately for each sex and for children (0-17) and adults.
  std::array<std::array<double, 2>, kSexes> k_emergency{}, k_elective{};
  {
    const auto& ac = region.admitted_care;
    double known_em = 0, known_el = 0;
    for (int s = 0; s < kSexes; ++s)
      for (int c = 0; c < 2; ++c) {
        known_em += ac.emergency[static_cast<std::size_t>(s)][static_cast<std::size_t>(c)];
        known_el += ac.elective_ordinary[static_cast<std::size_t>(s)][static_cast<std::size_t>(c)] +
                    ac.daycase[static_cast<std::size_t>(s)][static_cast<std::size_t>(c)] +
                    ac.regular_attender[static_cast<std::size_t>(s)][static_cast<std::size_t>(c)];
      }
    for (int s = 0; s < kSexes; ++s)
      for (int child = 0; child < 2; ++child) {
        const auto su = static_cast<std::size_t>(s), cu = static_cast<std::size_t>(child);
        const double em = ac.emergency[su][cu] * (1 + ac.unknown_sex_emergency / known_em);
        const double el = (ac.elective_ordinary[su][cu] + ac.daycase[su][cu] + ac.regular_attender[su][cu]) *
                          (1 + ac.unknown_sex_elective / known_el);
        const double base = region_sum([&](int, int dec, int ss, int a) {
          return (ss == s && ((a < kAdultAge) == (child == 1))) ? admitted_spend(a, ss, dec) : 0.0;
        });
        k_emergency[su][cu] = em / base;
        k_elective[su][cu] = el / base;
        diag("services.emergency_admissions_target." + std::string(kSexNames[su]) + (child ? ".child" : ".adult"), em,
             "admitted care " + std::string("(region, residence based)") + ", per year");
      }
  }
  const double gp_scale = england_scale(p.gp_rate, p.gp_anchor);
  const double community_scale = england_scale(p.community_rate, p.community_anchor);
  const double mh_scale = england_scale(p.mental_health_rate, p.mental_health_anchor);
  double spend_england = 0, eng_total = 0;
  for (int s = 0; s < kSexes; ++s)
    for (int a = 0; a <= kMaxAge; ++a) {
      spend_england += england(s, a) * spend_mean_q(a, s);
      eng_total += england(s, a);
    }
  spend_england /= eng_total;
  const double ae_target = region.ae.attendances_type1 + region.ae.attendances_other;
  const double ae_scale = ae_target / region_sum([&](int, int dec, int s, int a) { return p.ae_rate.at(s, a) * dep_ratio(a, s, dec); });
  diag("services.ae_attendances_target", ae_target, "A&E attendances at the region's trusts, " + region.ae.financial_year);

  // The mean utility multiplier of the synthesised people by sex and age: the Ara & Brazier norm
  // is the mean of everyone (45% of its sample had a condition), so people without any sit
  // above it (finding 8 of issue 14).
  std::array<AgeVector, kSexes> utility_mean{};
  {
    std::array<AgeVector, kSexes> n{};
    for (std::size_t i = 0; i < pop.size(); ++i) {
      const auto s = static_cast<std::size_t>(pop.sex(i));
      const auto a = static_cast<std::size_t>(std::min(pop.age_years(i), kMaxAge));
      utility_mean[s][a] += utility_multiplier(p, p.utility_norm(static_cast<int>(s), static_cast<double>(a)), pop.conditions[i],
                                               pop.frailty(i), pop.care(i) == CareSetting::care_home);
      n[s][a] += 1;
    }
    for (std::size_t s = 0; s < static_cast<std::size_t>(kSexes); ++s) {
      double last = 1;
      for (std::size_t a = 0; a < static_cast<std::size_t>(kAges); ++a) {
        if (n[s][a] > 0) last = utility_mean[s][a] / n[s][a];
        utility_mean[s][a] = last;  // ages without people (tiny scales) take the previous age's
      }
    }
  }

  // ---- 6. Per-cell rates.
  const double months_per_year = 12.0;
  // Rows (district, decile, sex) are independent and write disjoint cells: solve in parallel.
  for_each_index(static_cast<std::size_t>(nd * kDeciles * kSexes), [&](std::size_t row_index) {
        const int row_number = static_cast<int>(row_index);
        const int d = row_number / (kDeciles * kSexes), dec = 1 + (row_number / kSexes) % kDeciles, s = row_number % kSexes;
        const auto su = static_cast<std::size_t>(s);
        const std::size_t row = idx.row(d, dec, s);
        AgeVector q{}, zero{}, rec{};
        for (int a = 0; a <= kMaxAge; ++a) {
          const int g = age_group_of(a);
          q[static_cast<std::size_t>(a)] = 1.0 - std::exp(-12.0 * base_death(d, dec, s, a) * m_bar(g, s, dec));
        }
        auto column = [&](const std::vector<float>& v) {
          AgeVector x{};
          for (std::size_t a = 0; a < kAges; ++a) x[a] = v[row + a];
          return x;
        };
        // Smoking.
        {
          // The ex-smokers' stock-mean relapse at each age (their years since quitting differ).
          const AgeVector& relapse = smoking_stock.relapse_by_age[su];
          const auto r = solve_smoking(column(prev.smoking_current), column(prev.smoking_ex), relapse, q,
                                       hr_smoking[su][1], hr_smoking[su][2]);
          // Below 18 there are no smoking or weight states: they are drawn on the 18th birthday
          // from the prevalence at 18 (the surveys' adult population), not reached by transitions.
          for (std::size_t a = 0; a < kAges; ++a) {
            if (a < kAdultAge) continue;
            rt.cells[row + a].smoking_initiation = static_cast<float>(monthly_probability(r.initiation[a]));
            rt.cells[row + a].smoking_quit = static_cast<float>(monthly_probability(r.quit[a]));
          }
        }
        // Weight.
        {
          AgeVector d1{}, d2{};
          d1.fill(p.overweight_to_healthy_per_year);
          d2.fill(p.obese_to_overweight_per_year);
          const auto r = solve_ordinal3(column(prev.overweight_or_obese), column(prev.obese), d1, d2, q, hr_weight[su]);
          for (std::size_t a = kAdultAge; a < kAges; ++a) {
            auto& c = rt.cells[row + a];
            c.weight_up1 = static_cast<float>(monthly_probability(r.up1[a]));
            c.weight_up2 = static_cast<float>(monthly_probability(r.up2[a]));
            c.weight_down1 = a >= kAdultAge ? static_cast<float>(monthly_probability(d1[a])) : 0.f;
            c.weight_down2 = a >= kAdultAge ? static_cast<float>(monthly_probability(d2[a])) : 0.f;
          }
        }
        // Binary risk factors.
        auto binary = [&](const std::vector<float>& prevalence, double recovery, float CellRates::*on, float CellRates::*off,
                          const AgeVector& hr) {
          rec.fill(monthly_probability(recovery));
          const auto onset = solve_binary_onset_monthly(column(prevalence), rec, q, hr);
          for (std::size_t a = 0; a < kAges; ++a) {
            rt.cells[row + a].*on = static_cast<float>(onset[a]);
            rt.cells[row + a].*off = prevalence[row + a] > 0 ? static_cast<float>(rec[a]) : 0.f;
          }
        };
        binary(prev.inactive, p.inactive.recovery_per_year, &CellRates::inactive_on, &CellRates::inactive_off, hr_binary[su][0]);
        binary(prev.harmful_drinking, p.harmful_drinking.recovery_per_year, &CellRates::drinking_on, &CellRates::drinking_off,
               hr_binary[su][1]);
        binary(prev.isolated, p.isolated.recovery_per_year, &CellRates::isolated_on, &CellRates::isolated_off, hr_binary[su][2]);
        // Conditions.
        for (int c = 0; c < kConditions; ++c) {
          const auto cu = static_cast<std::size_t>(c);
          rec.fill(monthly_probability(c == common_mental_disorder ? p.cmd_recovery_per_year : 0.0));
          const auto onset = solve_binary_onset_monthly(column(prev.condition[cu]), rec, q, hr_condition[su][cu]);
          for (int a = 0; a <= kMaxAge; ++a) {
            const auto ng = static_cast<std::size_t>(norm_group(a, s, dec));
            const double norm = ratio_or(st.incidence_rr[cu * kNormGroups + ng], st.incidence_n[cu * kNormGroups + ng], 1.0);
            rt.cells[row + static_cast<std::size_t>(a)].incidence[cu] = static_cast<float>(onset[static_cast<std::size_t>(a)] / norm);
          }
        }
        for (std::size_t a = 0; a < kAges; ++a)
          rt.cells[row + a].cmd_recovery = static_cast<float>(monthly_probability(p.cmd_recovery_per_year));
        // Frailty (progressive, no recovery).
        {
          std::vector<AgeVector> C{column(prev.frailty_at_least[0]), column(prev.frailty_at_least[1]), column(prev.frailty_at_least[2])};
          std::vector<AgeVector> hr{hr_frailty[su][0], hr_frailty[su][1], hr_frailty[su][2], hr_frailty[su][3]};
          const auto up = solve_progressive(C, q, hr, zero);
          for (int a = 0; a <= kMaxAge; ++a) {
            const auto ng = static_cast<std::size_t>(norm_group(a, s, dec));
            for (std::size_t k = 0; k < 3; ++k) {
              const double norm = ratio_or(st.frailty_rr[k * kNormGroups + ng], st.frailty_n[k * kNormGroups + ng], 1.0);
              rt.cells[row + static_cast<std::size_t>(a)].frailty_up[k] = static_cast<float>(monthly_probability(up[k + 1][static_cast<std::size_t>(a)]) / norm);
            }
          }
        }
        // Emergency admissions and the care moves that follow some of them.
        AgeVector admissions_per_year{}, after{};
        for (int a = 0; a <= kMaxAge; ++a) {
          const auto au = static_cast<std::size_t>(a);
          admissions_per_year[au] = k_emergency[su][a < kAdultAge ? 1 : 0] * admitted_spend(a, s, dec);
          after[au] = a >= 85 ? p.care_home_after_admission_85_plus
                      : a >= 75 ? p.care_home_after_admission_75_84
                      : a >= 65 ? p.care_home_after_admission_65_74 : 0.0;
        }
        {
          AgeVector extra{};
          for (std::size_t a = 0; a < kAges; ++a) extra[a] = std::min(0.5, admissions_per_year[a] * after[a]);
          std::vector<AgeVector> C{column(prev.care_at_least_home_care), column(prev.care_home)};
          std::vector<AgeVector> hr{hr_care[su][0], hr_care[su][1], hr_care[su][2]};
          const auto up = solve_progressive(C, q, hr, extra);
          for (int a = 0; a <= kMaxAge; ++a) {
            const auto ng = static_cast<std::size_t>(norm_group(a, s, dec));
            for (std::size_t k = 0; k < 2; ++k) {
              const double norm = ratio_or(st.care_rr[k * kNormGroups + ng], st.care_n[k * kNormGroups + ng], 1.0);
              rt.cells[row + static_cast<std::size_t>(a)].care_up[k] = static_cast<float>(monthly_probability(up[k + 1][static_cast<std::size_t>(a)]) / norm);
            }
          }
        }
        // Death, services, utility.
        for (int a = 0; a <= kMaxAge; ++a) {
          const auto au = static_cast<std::size_t>(a);
          CellRates& c = rt.cells[row + au];
          const auto ng = static_cast<std::size_t>(norm_group(a, s, dec));
          const double n_all = st.all_n[ng];
          c.death = static_cast<float>(base_death(d, dec, s, a));
          c.emergency = static_cast<float>(admissions_per_year[au] / months_per_year / ratio_or(st.emergency[ng], n_all, 1.0));
          c.emergency_los_days = static_cast<float>(p.emergency_los_days.at(s, a));
          c.care_home_after_admission = static_cast<float>(after[au]);
          std::array<double, kTallies> annual{};
          annual[gp_appointments] = p.gp_rate.at(s, a) * gp_scale * dep_ratio(a, s, dec);
          annual[ae_attendances] = p.ae_rate.at(s, a) * ae_scale * dep_ratio(a, s, dec);
          annual[elective_admissions] = k_elective[su][a < kAdultAge ? 1 : 0] * admitted_spend(a, s, dec);
          annual[outpatient_attendances] = p.outpatient_anchor * spend(a, s, dec) / spend_england;
          annual[community_contacts] = p.community_rate.at(s, a) * community_scale * dep_ratio(a, s, dec);
          annual[mental_health_contacts] = p.mental_health_rate.at(s, a) * mh_scale * dep_ratio(a, s, dec);
          for (int t = 0; t < kTallies; ++t) {
            const auto tu = static_cast<std::size_t>(t);
            if (tally_is_random(t))
              c.tally[tu] = static_cast<float>(annual[tu] / months_per_year / ratio_or(st.tally[tu * kNormGroups + ng], n_all, 1.0));
          }
          c.utility_norm = static_cast<float>(p.utility_norm(s, a));
          c.utility_base = static_cast<float>(utility_mean[su][au] > 0.05 ? p.utility_norm(s, a) / utility_mean[su][au] : p.utility_norm(s, a));
        }
      });

  rt.home_care_hours_per_month = static_cast<float>(p.home_care_hours_per_week * 52.0 / 12.0);
  rt.care_home_weeks_per_month = static_cast<float>(52.0 / 12.0);

  // ---- 7. Smoking's secular decline, added to quitting: a parameter fitted to the region's
  // own APS series (risk.smoking.secular_decline_per_year); England's APS trend over the six
  // years to the start (or from the series' first year) is kept as a diagnostic beside it.
  {
    const auto& series = region.indicators.at("smoking_prevalence_adults").england_series;
    const std::string last = std::to_string(region.base_year);
    int years = 6;
    while (years > 1 && !series.count(std::to_string(region.base_year - years))) --years;
    const std::string first = std::to_string(region.base_year - years);
    double england_decline = 0;
    if (years > 1 && series.count(first) && series.count(last)) england_decline = 1.0 - std::pow(series.at(last) / series.at(first), 1.0 / years);
    diag("risk.smoking.england_aps_decline_per_year", std::max(0.0, england_decline),
         "England's APS adult smoking prevalence, relative fall a year " + first + " to " + last + " (for comparison with risk.smoking.secular_decline_per_year)");
    rt.smoking_extra_quit = static_cast<float>(monthly_probability(p.smoking_secular_decline_per_year));
  }

  // ---- 8. Births and migration.
  DemographyRates& dem = out.demography;
  {
    const double m0 = static_cast<double>(region.england_population[0][0]);
    const double f0 = static_cast<double>(region.england_population[1][0]);
    dem.male_share_of_births = m0 / (m0 + f0);
    out.derived_parameters.emplace_back("births.male_share", dem.male_share_of_births);
  }
  for (int d = 0; d < nd; ++d) {
    const auto du = static_cast<std::size_t>(d);
    double women = 0;
    for (int a = 15; a <= 44; ++a) women += static_cast<double>(region.population[du][1][static_cast<std::size_t>(a)]);
    const auto& cc = region.components[du];
    dem.births_per_woman_15_44_per_month.push_back(static_cast<double>(cc.births) / women / 12.0);
    // Gross flows, not the net (issue 14, finding 9): in-migrants arrive at the district's
    // internal + international inflow, and residents leave at its outflow (the "other" component,
    // armed forces and the like, joins the side its sign puts it on).
    const long net = cc.net_migration();
    const long in = cc.internal_in + cc.international_in + std::max(0L, cc.other);
    const long outflow = cc.internal_out + cc.international_out + std::max(0L, -cc.other);
    dem.in_migrant_agents_per_month.push_back(static_cast<double>(in) * scale / 12.0);
    dem.net_migrant_agents_per_month.push_back(static_cast<double>(net) * scale / 12.0);
    dem.in_migrant_age.emplace_back();
    dem.in_migrant_age.back().fill(0.0);
    if (outflow > 0) {
      // Emigration hazard k * RC(a): sum over the district's people of k RC(a) = the outflow,
      // the people at risk including the year's in-migrants for half of it (they arrive at the
      // ages RC gives, where the hazard is highest).
      double denom = 0, ages = 0, in_rc = 0;
      auto& age = dem.in_migrant_age.back();
      for (int s = 0; s < kSexes; ++s)
        for (int a = 0; a <= kMaxAge; ++a) {
          // The district's ONS population (at any scale; the synthesised agents reproduce it).
          const double people = a < kPopulationTopAge ? static_cast<double>(region.population[du][static_cast<std::size_t>(s)][static_cast<std::size_t>(a)])
                                                      : static_cast<double>(region.population[du][static_cast<std::size_t>(s)][kPopulationTopAge]) /
                                                            (kMaxAge - kPopulationTopAge + 1);
          const double x = people * p.migration_age_profile[static_cast<std::size_t>(a)];
          denom += x;
          age[static_cast<std::size_t>(a)] += x;
        }
      for (int a = 0; a <= kMaxAge; ++a) {
        ages += age[static_cast<std::size_t>(a)];
        in_rc += age[static_cast<std::size_t>(a)] * p.migration_age_profile[static_cast<std::size_t>(a)];
      }
      if (ages > 0) denom += 0.5 * static_cast<double>(in) * in_rc / ages;
      const double k = static_cast<double>(outflow) / denom;
      for (int dec = 1; dec <= kDeciles; ++dec)
        for (int s = 0; s < kSexes; ++s)
          for (int a = 0; a <= kMaxAge; ++a)
            rt.cells[idx(d, dec, s, a)].emigration =
                static_cast<float>(monthly_probability(std::min(0.9, k * p.migration_age_profile[static_cast<std::size_t>(a)])));
    }
  }

  // ---- 9. Care-home residents' deaths with the calibrated cell hazards, and the mean stay.
  {
    double deaths = 0, residents = 0, first = 0, first_deaths = 0;
    for (std::size_t i = 0; i < pop.size(); ++i) {
      const int band = pop.care_band(i);
      if (band == 0 || pop.age_years(i) < 65) continue;
      const int d = zones[pop.zone[i]].district;
      const double rate = 12.0 * static_cast<double>(rt.cells[idx(d, pop.decile[i], pop.sex(i), pop.age_years(i))].death) *
                          mortality_multiplier(rt, pop, i);
      deaths += rate;
      residents += 1;
      if (band == 1) {
        first += 1;
        first_deaths += rate;
      }
    }
    const double rate = ratio_or(deaths, residents, 0.0);
    const double h1 = ratio_or(first_deaths, first, 0.0), h2 = ratio_or(deaths - first_deaths, residents - first, 0.0);
    // Mean stay of an entrant with the residents' hazards: a year at h1, then h2 (at a tiny
    // scale without residents, the steady state of the targets).
    const StayHazards target = care_home_stay_hazards(p);
    const double stay = h1 > 0 && h2 > 0 ? (1.0 - std::exp(-h1)) / h1 + std::exp(-h1) / h2 : target.mean_stay_years;
    out.care_home_mean_stay_months = 12.0 * stay;
    rt.care_home_mean_stay_months = static_cast<float>(out.care_home_mean_stay_months);
    diag("mortality.care_home.deaths_per_resident_year_achieved", rate,
         "expected deaths per resident-year of the synthesised care-home residents aged 65+ with the calibrated hazards (target " +
             fmt(p.care_home_deaths_per_resident_year) + "; first year of a stay " + fmt(h1) + ", later " + fmt(h2) + ")");
    out.derived_parameters.emplace_back("system.money.care_home_mean_stay_months", out.care_home_mean_stay_months);
  }

  // ---- 10. The share of admissions of people 65+ that follow a fall, by district and age
  // band (65-79, 80+): the district's Fingertips 22401 rate (directly age-standardised to the
  // ESP 2013, 65+) split into the bands by England's ratio of the 80+ rate to the 65-79 rate,
  // times the synthesised people of the band, over their expected emergency admissions. That
  // ratio: England's share of falls admissions at 80+, over the share of people 65+ at 80+.
  {
    const DistrictIndicator& falls = region.indicators.at("falls_admissions_65_plus");
    double young_people = 0, old_people = 0;
    for (int s = 0; s < kSexes; ++s)
      for (int a = 65; a <= kPopulationTopAge; ++a)
        (a >= 80 ? old_people : young_people) += static_cast<double>(region.england_population[static_cast<std::size_t>(s)][static_cast<std::size_t>(a)]);
    const double k = p.falls_share_80_plus / (1.0 - p.falls_share_80_plus) * young_people / old_people;
    out.derived_parameters.emplace_back("service.falls.rate_ratio_80_plus_to_65_79", k);
    // ESP 2013 weights: 65-79 = 5,500 + 5,000 + 4,000; 80+ = 2,500 + 1,500 + 1,000 (per 100,000).
    constexpr double w_young = 14500, w_old = 5000;
    std::vector<std::array<double, 2>> people(static_cast<std::size_t>(nd), {0.0, 0.0}), expected(static_cast<std::size_t>(nd), {0.0, 0.0});
    for (std::size_t i = 0; i < pop.size(); ++i) {
      const int a = pop.age_years(i);
      if (a < 65) continue;
      const auto d = static_cast<std::size_t>(zones[pop.zone[i]].district);
      const std::size_t band = a >= 80 ? 1 : 0;
      people[d][band] += 1;
      expected[d][band] += 12.0 * static_cast<double>(rt.cells[idx(static_cast<int>(d), pop.decile[i], pop.sex(i), a)].emergency) *
                           rt.emergency[static_cast<std::size_t>(condition_count(pop.conditions[i]))][static_cast<std::size_t>(pop.frailty(i))] *
                           rt.emergency_smoking[Multipliers::smoking_index(pop.smoking(i), pop.quit_years(i))];
    }
    double falls_total = 0, admissions_total = 0;
    for (int d = 0; d < nd; ++d) {
      const auto du = static_cast<std::size_t>(d);
      const double standardised = falls.value_by_district[du] / 1e5;  // per person 65+ a year
      const double young = standardised * (w_young + w_old) / (w_young + w_old * k);
      const std::array<double, 2> rate{young, young * k};
      for (std::size_t band = 0; band < 2; ++band) {
        const double share = expected[du][band] > 0 ? std::min(0.8, rate[band] * people[du][band] / expected[du][band]) : 0.0;
        falls_total += rate[band] * people[du][band];
        admissions_total += expected[du][band];
        for (int dec = 1; dec <= kDeciles; ++dec)
          for (int s = 0; s < kSexes; ++s)
            for (int a = band == 0 ? 65 : 80; a <= (band == 0 ? 79 : kMaxAge); ++a)
              rt.cells[idx(d, dec, s, a)].falls_share = static_cast<float>(share);
      }
    }
    out.derived_parameters.emplace_back("service.falls.share_of_emergency_admissions_65_plus", ratio_or(falls_total, admissions_total, 0.0));
    diag("service.falls.admissions_65_plus_per_100k", 1e5 * ratio_or(falls_total, std::max(1.0, [&] {
                                                                double n = 0;
                                                                for (const auto& x : people) n += x[0] + x[1];
                                                                return n;
                                                              }()), 0.0),
         "expected falls admissions per 100,000 synthesised people 65+ in the base year (crude; Fingertips 22401 " + falls.period +
             " is age-standardised, England " + fmt(falls.england) + ")");
  }
  return out;
}

LimitationModel calibrate_health_state(const World& world, const Population& pop, Calibrated& cal) {
  // The activity-limitation health state, calibrated to England's DFLE at 65.
  // Base-year death rates by sex, decile and age: the calibrated cell hazards, weighted by
  // the people synthesised in each district.
  DecileMortality mx(static_cast<std::size_t>(kSexes * kDeciles * kAges), 0.0), n(mx.size(), 0.0);
  for (std::size_t i = 0; i < pop.size(); ++i) {
    const int age = std::min(pop.age_years(i), kMaxAge), sex = pop.sex(i), d = pop.decile[i];
    const int district = world.geography.zones[pop.zone[i]].district;
    const std::size_t k = decile_mortality_index(sex, d, age);
    mx[k] += 12.0 * static_cast<double>(cal.rates.cells[world.index(district, d, sex, age)].death);
    n[k] += 1;
  }
  for (std::size_t k = 0; k < mx.size(); ++k) mx[k] = n[k] > 0 ? mx[k] / n[k] : (k % kAges ? mx[k - 1] : 0.0);
  const LimitationCalibration lc = calibrate_limitation(world.params, *world.region, pop, mx);
  for (int s = 0; s < kSexes; ++s) {
    const auto sx = static_cast<std::size_t>(s);
    const std::string sex(kSexNames[sx]);
    cal.derived_parameters.push_back({"health_state.limitation.intercept." + sex, lc.model.alpha[sx]});
    cal.derived_parameters.push_back({"health_state.limitation.deprivation_slope." + sex, lc.model.gamma[sx]});
    cal.diagnostics.push_back({"health_state.dfle65.england_standardised." + sex, lc.achieved_dfle65[sx],
                                "DFLE at 65 (years) of the synthesised population weighted to England's deciles with the " + lc.period +
                                    " England life table; the calibration target (ONS, APS) is " + std::to_string(lc.target_dfle65[sx])});
    cal.diagnostics.push_back({"health_state.dfle_sii_at_birth." + sex, lc.achieved_sii[sx],
                                "slope index of inequality in DFLE at birth across deciles (years) at the base year; the calibration "
                                "target (ONS) is " + std::to_string(lc.target_sii[sx])});
  }
  return lc.model;
}

WiderModels calibrate_wider(const World& world, Population& pop, const RandomKey& key, const LimitationModel& limitation,
                            Calibrated& cal, std::vector<Diagnostic>& diagnostics) {
  WiderModels out;
  const Parameters& p = world.params;
  const std::size_t zones = world.geography.zones.size();
  const int icps = static_cast<int>(world.region->icps.size());
  // The economy: working-age people by ICP, sex, age band and health, and each ICP's APS
  // employment rate (its districts' rates weighted by their synthesised people aged 16-64).
  WorkforceCounts counts(icps);
  std::vector<double> district_people(world.region->districts.size(), 0.0);
  std::vector<double> women(zones, 0.0), smokers(zones, 0.0);
  for (std::size_t i = 0; i < pop.size(); ++i) {
    const int age = pop.age_years(i), sex = pop.sex(i);
    const Zone& z = world.geography.zones[pop.zone[i]];
    if (sex == 1 && age >= 15 && age <= 44) {
      women[pop.zone[i]] += 1;
      if (pop.smoking(i) == Smoking::current) smokers[pop.zone[i]] += 1;
    }
    if (age < p.working_age_min || age > p.working_age_max) continue;
    const bool lim = limitation.limited(key, pop, i, age, static_cast<int>(pop.frailty(i)), pop.conditions[i]);
    counts.at(z.icp, sex, age >= 50 ? 1 : 0, work_health(lim, pop.conditions[i])) += 1;
    district_people[static_cast<std::size_t>(z.district)] += 1;
  }
  std::vector<double> target(static_cast<std::size_t>(icps), 0.0), icp_people(static_cast<std::size_t>(icps), 0.0),
      unweighted(static_cast<std::size_t>(icps), 0.0), districts(static_cast<std::size_t>(icps), 0.0);
  for (std::size_t d = 0; d < world.region->districts.size(); ++d) {
    const std::string& code = world.region->districts[d].code;
    const auto r = p.employment_rate_by_district.find(code);
    if (r == p.employment_rate_by_district.end())
      throw ParameterError("the parameter table has no employment rate for district " + code + " (" + world.region->districts[d].name +
                           "): add a row economy.employment_rate_16_64." + code + " (percent, APS)");
    const int icp = world.region->districts[d].icp;
    target[static_cast<std::size_t>(icp)] += r->second * district_people[d];
    icp_people[static_cast<std::size_t>(icp)] += district_people[d];
    unweighted[static_cast<std::size_t>(icp)] += r->second;
    districts[static_cast<std::size_t>(icp)] += 1;
  }
  // (An ICP without synthesised working-age people, at a tiny scale, takes its districts' plain mean.)
  for (std::size_t c = 0; c < target.size(); ++c)
    target[c] = icp_people[c] > 0 ? target[c] / icp_people[c] : unweighted[c] / std::max(1.0, districts[c]);
  const EconomyCalibration ec = calibrate_economy(p, target, counts);
  out.economy = ec.model;
  for (int c = 0; c < icps; ++c) {
    const std::string& name = world.region->icps[static_cast<std::size_t>(c)].name;
    diagnostics.push_back({"economy.employment_intercept." + name, ec.model.intercept[static_cast<std::size_t>(c)],
                                "log-odds of work of a well man aged 16-64; calibrated so that the ICP's synthesised people are in work at " +
                                    std::to_string(100 * target[static_cast<std::size_t>(c)]) + "% (APS Jan-Dec 2018, its districts weighted), achieved " +
                                    std::to_string(100 * ec.achieved_rate[static_cast<std::size_t>(c)]) + "%"});
  }
  diagnostics.push_back({"economy.absence_base_days", ec.absence_base_days,
                              "sickness-absence days a year of a well male worker under 50, scaled so that the region's workers average " +
                                  std::to_string(p.absence_days_per_worker) + " (ONS 2018); achieved " + std::to_string(ec.achieved_days_per_worker)});
  diagnostics.push_back({"economy.output_per_workless_month_gbp", ec.model.output_per_workless_month,
                              "GBP of output lost in a month out of work: weekly earnings x weeks a year x on-costs / 12"});
  // The start of life.
  std::vector<double> births(zones, 0.0), share(zones, 0.0);
  for (std::size_t z = 0; z < zones; ++z) {
    births[z] = cal.demography.births_per_woman_15_44_per_month[static_cast<std::size_t>(world.geography.zones[z].district)] * women[z];
    share[z] = women[z] > 0 ? smokers[z] / women[z] : 0.0;
  }
  out.births = calibrate_births(p, births, share);
  cal.rates.infant_emergency_lbw = static_cast<float>(out.births.infant_emergency_lbw);
  cal.rates.infant_emergency_other = static_cast<float>(out.births.infant_emergency_other);
  diagnostics.push_back({"birth.satod_scale", out.births.satod_scale,
                              "a zone's rate of smoking at delivery per unit of its women's (15-44) smoking prevalence, so that the region's is " +
                                  std::to_string(100 * p.satod_region) + "%"});
  diagnostics.push_back({"birth.low_birth_weight.nonsmoker", out.births.lbw_nonsmoker,
                              "risk of a birth under 2,500 g when the mother does not smoke: with the odds ratio, England's SATOD and low birth weight agree"});
  diagnostics.push_back({"birth.low_birth_weight.region_expected", out.births.region_lbw, "expected share of births under 2,500 g at the region's SATOD"});
  // Babies synthesised under 1 get a birth weight with the region's expected risk.
  const std::uint32_t lbw = probability_threshold(out.births.region_lbw);
  for (std::size_t i = 0; i < pop.size(); ++i)
    if (pop.age_months[i] < 12 && latent_word(key, pop.id[i], trait_low_birth_weight) < lbw)
      pop.risk[i] = static_cast<std::uint8_t>(pop.risk[i] | risk_bits::family);
  // Unpaid carers.
  out.carers = make_carer_model(p);
  diagnostics.push_back({"carers.strain.severe_frailty", out.carers.strain[0],
                              "chance that the unpaid carer of a severely frail person is strained: adults' CMD prevalence raised by the carers' odds ratio"});
  return out;
}

}  // namespace shiftsim::model
