// The health state of the Sullivan method: whether a person lives with an activity-limiting
// long-standing illness or disability (the ONS/APS definition behind disability-free life
// expectancy). A liability-threshold model: each person has a fixed latent propensity u
// (a Philox draw keyed by seed, replicate and person id, so common random numbers hold)
// and is limited while u < p, where
//   logit p = alpha[sex] + gamma[sex] (rank of the IMD decile - 1/2)
//             + ln(OR per decade) (mid-age of the 5-year age group - 65) / 10 + ln OR[frailty]
//             + ln(OR per condition) min(conditions, cap).
// So a person who becomes frail or gains a condition may become limited, and one who
// recovers (common mental disorder) may cease to be; the state needs no storage.
//
// alpha and gamma are calibrated per sex to two ONS figures in the region data: England's
// disability-free life expectancy at 65 (APS series) is reproduced by the population as
// England would have it (the region's prevalence by sex, age and IMD decile weighted equally
// across the ten national deciles, each a tenth of England, with the England life table);
// and the slope index of inequality in disability-free life expectancy at birth across
// deciles. The region's own DFLE then differs from England's through its deprivation mix,
// and its own frailty and conditions.
#pragma once

#include "model/core/outputs.hpp"
#include "model/core/parameters.hpp"
#include "model/core/population.hpp"
#include "model/core/random.hpp"
#include "model/world/region.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace shiftsim::model {

/// Conditions counted, 0..kMaxCountedConditions.
inline constexpr int kLimitationConditionSlots = 9;

struct LimitationModel {
  std::array<double, kSexes> alpha{}, gamma{};
  /// P(limited) x 2^32 by [sex][decile][age group][frailty][counted conditions]: a 58 kB
  /// table that stays in cache (the state is read on every birthday and at every stock count).
  std::vector<std::uint32_t> threshold;
  int condition_cap = 4;
  /// Age enters at the middle of the person's five-year age group (so the state changes at
  /// most at a group boundary, not on every birthday).
  double probability(const Parameters& p, int sex, int decile, int age, int frailty, int conditions) const;
  std::uint32_t at(int sex, int decile, int age, int frailty, int conditions) const {
    const int c = conditions < condition_cap ? conditions : condition_cap;
    return threshold[(((static_cast<std::size_t>(sex) * kDeciles + static_cast<std::size_t>(decile - 1)) * kAgeGroups +
                       static_cast<std::size_t>(age_group_of(age))) * kFrailtyLevels + static_cast<std::size_t>(frailty)) *
                         kLimitationConditionSlots + static_cast<std::size_t>(c)];
  }
  /// Whether person i lives with an activity-limiting illness at this age, frailty and set of
  /// conditions (their fixed propensity against the probability).
  bool limited(const RandomKey& key, const Population& pop, std::size_t i, int age, int frailty, std::uint8_t conditions) const {
    const std::uint32_t u = latent_word(key, pop.id[i], trait_activity_limitation);
    return u < at(pop.sex(i), pop.decile[i], age < kMaxAge ? age : kMaxAge, frailty, condition_count(conditions));
  }
};

/// Sullivan disability-free life expectancy at 65 from single-year prevalences (ages 65..100,
/// 100 = 100 and over) and an England life table (lx, mx) for one sex.
double sullivan_dfle65(const LifeTable& table, int sex, const std::array<double, kAges>& prevalence);

struct LimitationCalibration {
  LimitationModel model;
  std::array<double, kSexes> target_dfle65{}, achieved_dfle65{};
  std::array<double, kSexes> target_sii{}, achieved_sii{};
  std::string period;
};

/// Annual central death rates by [sex][decile 1..10 -> 0..9][age] of the base year.
using DecileMortality = std::vector<double>;
inline std::size_t decile_mortality_index(int sex, int decile, int age) {
  return (static_cast<std::size_t>(sex) * kDeciles + static_cast<std::size_t>(decile - 1)) * kAges + static_cast<std::size_t>(age);
}

/// Calibrates, per sex, the intercept alpha and the deprivation slope gamma (added to the
/// log-odds as gamma x (decile rank - 1/2), the rank running from 0 at the most deprived
/// end to 1 at the least) so that the synthesised population reproduces two ONS figures of
/// the health-state period: England's disability-free life expectancy at 65 (deciles
/// weighted equally, England life table) and the slope index of inequality in
/// disability-free life expectancy at birth across deciles (decile life tables from the
/// model's base-year death rates). Nested bisection; uses expected prevalences, not draws.
LimitationCalibration calibrate_limitation(const Parameters& p, const RegionData& region, const Population& pop,
                                           const DecileMortality& mortality);

}  // namespace shiftsim::model
