// The starting population, one agent per resident (or per 1/scale residents).
//
// Demography is allocated, not sampled: each district's count by sex and single year of
// age (ONS mid-year estimates; 90+ spread over 90..100 by the life table's person-years)
// is split across the district's zones in proportion to their small-area population in the
// matching 5-year band, then across IMD deciles by the zone's deprivation mix for that age
// group, by the largest-remainder method. Counts by district x age x sex are therefore
// reproduced exactly (at scale 1). Risk factors, conditions, frailty, care setting and
// activation are then drawn per person from the prevalence tables; conditions, frailty and
// care setting use the person's relative risks normalised within (age group, sex,
// quintile), so cell prevalences match their targets while risk clusters in the right people.
#pragma once

#include "model/core/population.hpp"
#include "model/world/prevalence.hpp"
#include "model/core/random.hpp"
#include "model/world/world.hpp"

#include <array>
#include <vector>

namespace shiftsim::model {

/// The largest scale synthesise() takes (agents per resident): above 1 only for benchmarks.
inline constexpr double kMaxScale = 64;

inline constexpr int kNormGroups = kAgeGroups * kSexes * kQuintiles;
constexpr int norm_group(int age_years, int sex, int decile) {
  return (age_group_of(age_years) * kSexes + sex) * kQuintiles + (quintile_of_decile(decile) - 1);
}

/// Mean relative risks used when drawing attributes (kept for newborns and in-migrants).
struct SynthesisNorms {
  std::array<std::array<double, kNormGroups>, kConditions> condition{};
  std::array<double, kNormGroups> frailty{};
  std::array<double, kNormGroups> care{};
  /// The clocks' distributions: survival in abstinence by years since quitting, and the share
  /// of care-home residents in the first year of their stay.
  std::array<double, kAges> abstinence_survival{};
  double care_home_first_year_share = 0;
};

struct SynthesisResult {
  Population population;
  std::vector<double> agents_by_cell;  // by CellIndex
  PrevalenceTables prevalence;
  SynthesisNorms norms;
  std::uint32_t next_person_id = 0;
};

/// Care-home residents' annual mortality hazards in the first year of a stay and later, from
/// the residents' deaths per resident-year (1 / the mean stay in a steady state) and the
/// first-year ratio; and the share of residents in the first year of their stay that follows.
struct StayHazards {
  double first_year = 0, later = 0, first_year_share = 0, mean_stay_years = 0;
};
StayHazards care_home_stay_hazards(const Parameters& p);

/// Survival in abstinence t completed years after quitting (S(0) = 1), t = 0..kMaxAge.
std::array<double, kAges> abstinence_survival(const Parameters& p);

/// Largest-remainder apportionment of `total` in proportion to `weights` (ties to the lower
/// index); every weight zero -> all to the first.
std::vector<long> apportion(long total, const std::vector<double>& weights);

/// Builds the starting population. The random key is (seed, replicate).
SynthesisResult synthesise(const World& world, const RandomKey& key, double scale);

/// On the 18th birthday: draws smoking and weight status from the prevalence at 18 (and an
/// ex-smoker's years since quitting).
void draw_adult_risk_factors(Population& pop, std::size_t i, const World& world, const PrevalenceTables& prevalence,
                             const SynthesisNorms& norms, const RandomKey& key, int month);

/// Draws every attribute but demography for person i (a newborn or in-migrant), using the
/// same draws and normalisation as the starting population.
void draw_attributes(Population& pop, std::size_t i, const World& world, const PrevalenceTables& prevalence,
                     const SynthesisNorms& norms, const RandomKey& key);

}  // namespace shiftsim::model
