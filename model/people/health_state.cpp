#include "model/people/health_state.hpp"

#include "model/core/errors.hpp"
#include "model/core/life_table.hpp"

#include <algorithm>
#include <cmath>

namespace shiftsim::model {

namespace {

double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

/// The middle of a person's five-year age group (0: 0.5; 1-4: 3; 90+: 92.5).
double group_mid_age(int age) {
  const int g = age_group_of(age);
  const double start = kAgeGroupStart[static_cast<std::size_t>(g)];
  const double end = g + 1 < kAgeGroups ? kAgeGroupStart[static_cast<std::size_t>(g + 1)] : 95.0;
  return 0.5 * (start + end);
}

double log_odds_offset(const Parameters& p, int age, int frailty, int conditions) {
  const int c = std::min(conditions, p.limitation_condition_cap);
  return std::log(p.limitation_or_per_decade) * (group_mid_age(age) - 65) / 10.0 + std::log(p.limitation_or_frailty[static_cast<std::size_t>(frailty)]) +
         std::log(p.limitation_or_per_condition) * c;
}

}  // namespace

static double decile_rank(int decile) { return (decile - 0.5) / kDeciles; }

double LimitationModel::probability(const Parameters& p, int sex, int decile, int age, int frailty, int conditions) const {
  return logistic(alpha[static_cast<std::size_t>(sex)] + gamma[static_cast<std::size_t>(sex)] * (decile_rank(decile) - 0.5) +
                  log_odds_offset(p, age, frailty, conditions));
}

double sullivan_dfle65(const LifeTable& table, int sex, const std::array<double, kAges>& prevalence) {
  const auto s = static_cast<std::size_t>(sex);
  const double l65 = table.lx[s][65];
  if (!(l65 > 0)) throw InternalError("sullivan_dfle65: the life table has no survivors at 65");
  double healthy = 0;
  for (int a = 65; a <= kMaxAge; ++a) {
    const auto k = static_cast<std::size_t>(a);
    // Person-years lived at age a: the mean of the survivors at a and a + 1; the open age
    // (100 and over) lives l / m.
    const double L = a < kMaxAge ? 0.5 * (table.lx[s][k] + table.lx[s][k + 1])
                                 : (table.mx[s][k] > 0 ? table.lx[s][k] / table.mx[s][k] : 0.0);
    healthy += L * (1.0 - prevalence[k]);
  }
  return healthy / l65;
}

namespace {

/// Sullivan DFLE at birth from single-year central death rates (q = 1 - exp(-m), deaths
/// mid-year; age kMaxAge open) and prevalences.
double sullivan_dfle0(const double* mx, const std::array<double, kAges>& prevalence) {
  double l = 1, healthy = 0;
  for (int a = 0; a <= kMaxAge; ++a) {
    const double m = std::max(mx[a], 1e-6);
    double L;
    if (a < kMaxAge) {
      const double q = 1 - std::exp(-m);
      L = l * (1 - 0.5 * q);
      l *= 1 - q;
    } else {
      L = l / m;
    }
    healthy += L * (1 - prevalence[static_cast<std::size_t>(a)]);
  }
  return healthy;
}

/// One non-empty (age, decile, frailty, conditions) group of a sex: its people and the part
/// of its log-odds that does not depend on alpha and gamma.
struct Group {
  int age = 0, decile = 0;
  double people = 0, offset = 0;
};

}  // namespace

LimitationCalibration calibrate_limitation(const Parameters& p, const RegionData& region, const Population& pop,
                                           const DecileMortality& mortality) {
  LimitationCalibration cal;
  cal.period = region.health_state_period;
  const auto lt = region.life_tables.find(cal.period);
  const auto dfle = region.dfle65.find(cal.period);
  if (lt == region.life_tables.end() || dfle == region.dfle65.end())
    throw InputError("the region data has no England life table and DFLE at 65 for the health-state period " + cal.period);
  if (mortality.size() != static_cast<std::size_t>(kSexes * kDeciles * kAges))
    throw InternalError("calibrate_limitation: the decile death rates need sex x decile x age entries");
  const int cap = std::clamp(p.limitation_condition_cap, 1, kLimitationConditionSlots - 1);
  const std::size_t slots = static_cast<std::size_t>(kFrailtyLevels * kLimitationConditionSlots);
  // People by [sex][decile][age][frailty][counted conditions].
  std::vector<double> count(static_cast<std::size_t>(kSexes * kDeciles * kAges) * slots, 0.0);
  auto index = [&](int sex, int decile, int age, int frailty, int c) {
    return decile_mortality_index(sex, decile, age) * slots + static_cast<std::size_t>(frailty * kLimitationConditionSlots + std::min(c, cap));
  };
  for (std::size_t i = 0; i < pop.size(); ++i) {
    if (!pop.alive(i)) continue;
    count[index(pop.sex(i), pop.decile[i], std::min(pop.age_years(i), kMaxAge), static_cast<int>(pop.frailty(i)),
                condition_count(pop.conditions[i]))] += 1;
  }
  for (int sex = 0; sex < kSexes; ++sex) {
    const auto sx = static_cast<std::size_t>(sex);
    cal.target_dfle65[sx] = dfle->second[sx];
    cal.target_sii[sx] = region.dfle_sii_at_birth[sx];
    std::vector<Group> groups;
    std::array<double, kDeciles> decile_people{};
    for (int d = 1; d <= kDeciles; ++d)
      for (int age = 0; age <= kMaxAge; ++age)
        for (int f = 0; f < kFrailtyLevels; ++f)
          for (int c = 0; c <= cap; ++c) {
            const double n = count[index(sex, d, age, f, c)];
            if (n == 0) continue;
            groups.push_back({age, d, n, log_odds_offset(p, age, f, c)});
            decile_people[static_cast<std::size_t>(d - 1)] += n;
          }
    // Prevalence by [decile][age]; an age with no one synthesised in a decile borrows the
    // nearest younger age's (tiny scales).
    // The groups aged 65 and over (all that DFLE at 65 needs: the inner loop uses only them).
    std::vector<Group> old_groups;
    for (const Group& g : groups)
      if (g.age >= 65) old_groups.push_back(g);
    auto prevalences = [&](double alpha, double gamma, bool only_65_plus = false) {
      std::array<std::array<double, kAges>, kDeciles> limited{}, people{};
      for (const Group& g : only_65_plus ? old_groups : groups) {
        const auto d = static_cast<std::size_t>(g.decile - 1), a = static_cast<std::size_t>(g.age);
        limited[d][a] += g.people * logistic(alpha + gamma * (decile_rank(g.decile) - 0.5) + g.offset);
        people[d][a] += g.people;
      }
      for (std::size_t d = 0; d < static_cast<std::size_t>(kDeciles); ++d) {
        double last = 0;
        for (std::size_t a = 0; a < static_cast<std::size_t>(kAges); ++a) {
          limited[d][a] = people[d][a] > 0 ? limited[d][a] / people[d][a] : last;
          last = limited[d][a];
        }
      }
      return limited;
    };
    auto dfle65_england = [&](const std::array<std::array<double, kAges>, kDeciles>& prev) {
      std::array<double, kAges> england{};
      for (std::size_t a = 0; a < static_cast<std::size_t>(kAges); ++a) {
        for (std::size_t d = 0; d < static_cast<std::size_t>(kDeciles); ++d) england[a] += prev[d][a];
        england[a] /= kDeciles;
      }
      return sullivan_dfle65(lt->second, sex, england);
    };
    auto sii_at_birth = [&](const std::array<std::array<double, kAges>, kDeciles>& prev) {
      std::vector<double> values, weights;
      for (int d = 1; d <= kDeciles; ++d) {
        values.push_back(sullivan_dfle0(&mortality[decile_mortality_index(sex, d, 0)], prev[static_cast<std::size_t>(d - 1)]));
        weights.push_back(std::max(decile_people[static_cast<std::size_t>(d - 1)], 1e-9));
      }
      return slope_index_of_inequality(values, weights);
    };
    // For a gamma, the alpha that reproduces DFLE at 65 (it falls as alpha rises).
    // A bracket around the last solution, widened until it holds the target, then bisected.
    double guess = 0;
    auto alpha_for = [&](double gamma) {
      auto above = [&](double alpha) { return dfle65_england(prevalences(alpha, gamma, true)) > cal.target_dfle65[sx]; };
      double lo = guess - 1, hi = guess + 1;
      for (int widen = 0; widen < 6 && !above(lo); ++widen) lo -= 4;
      for (int widen = 0; widen < 6 && above(hi); ++widen) hi += 4;
      if (!above(lo) || above(hi))
        throw ParameterError("health_state.limitation: no intercept reaches the England DFLE at 65 of " +
                             std::to_string(cal.target_dfle65[sx]) + " years (" + cal.period + "); check the odds ratios");
      for (int it = 0; it < 32; ++it) {
        const double mid = 0.5 * (lo + hi);
        (above(mid) ? lo : hi) = mid;
      }
      guess = 0.5 * (lo + hi);
      return guess;
    };
    // The SII grows as gamma falls (the most deprived more often limited).
    double glo = -12, ghi = 4;
    auto sii_of = [&](double gamma) { return sii_at_birth(prevalences(alpha_for(gamma), gamma)); };
    if (!(sii_of(glo) > cal.target_sii[sx] && sii_of(ghi) < cal.target_sii[sx]))
      throw ParameterError("health_state.limitation: no deprivation slope reaches the ONS slope index of " +
                           std::to_string(cal.target_sii[sx]) + " years in disability-free life expectancy at birth");
    for (int it = 0; it < 24; ++it) {
      const double mid = 0.5 * (glo + ghi);
      (sii_of(mid) > cal.target_sii[sx] ? glo : ghi) = mid;
    }
    const double gamma = 0.5 * (glo + ghi), alpha = alpha_for(gamma);
    cal.model.alpha[sx] = alpha;
    cal.model.gamma[sx] = gamma;
    const auto prev = prevalences(alpha, gamma);
    cal.achieved_dfle65[sx] = dfle65_england(prev);
    cal.achieved_sii[sx] = sii_at_birth(prev);
  }
  cal.model.condition_cap = cap;
  cal.model.threshold.assign(static_cast<std::size_t>(kSexes * kDeciles * kAgeGroups) * slots, 0u);
  for (int sex = 0; sex < kSexes; ++sex)
    for (int d = 1; d <= kDeciles; ++d)
      for (int g = 0; g < kAgeGroups; ++g)
        for (int f = 0; f < kFrailtyLevels; ++f)
          for (int c = 0; c < kLimitationConditionSlots; ++c) {
            const double pr = cal.model.probability(p, sex, d, kAgeGroupStart[static_cast<std::size_t>(g)], f, std::min(c, cap));
            cal.model.threshold[(((static_cast<std::size_t>(sex) * kDeciles + static_cast<std::size_t>(d - 1)) * kAgeGroups +
                                  static_cast<std::size_t>(g)) * kFrailtyLevels + static_cast<std::size_t>(f)) *
                                    kLimitationConditionSlots + static_cast<std::size_t>(c)] =
                static_cast<std::uint32_t>(std::min(pr * 4294967296.0, 4294967295.0));
          }
  return cal;
}

}  // namespace shiftsim::model
