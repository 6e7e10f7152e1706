// Basic vocabulary of the model: attributes a person carries, the services they use and
// who pays. Small integer enums, because people are stored struct-of-arrays in bytes.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace shiftsim::model {

enum class Sex : std::uint8_t { male = 0, female = 1 };
inline constexpr int kSexes = 2;
inline constexpr std::array<std::string_view, kSexes> kSexNames{"male", "female"};

/// Single years of age 0..kMaxAge; kMaxAge stands for "kMaxAge and over" in rate tables.
inline constexpr int kMaxAge = 100;
inline constexpr int kAges = kMaxAge + 1;

/// An unset clock (model/core/population.hpp: Population::quit_age_months, care_home_entry_age_months).
inline constexpr std::uint16_t kNoClock = 0xFFFF;
/// Years since quitting are counted up to this; from it on, an ex-smoker's rates no longer change.
inline constexpr int kQuitYearsTop = 40;
inline constexpr int kQuitYears = kQuitYearsTop + 1;

inline constexpr int kAdultAge = 18;  // risk factors are modelled from 18 (the APS/Active Lives base)

/// Event channels: the words of a person's month (model/people/channels.hpp).
inline constexpr int kEventChannels = 4;

/// IMD 2019 national deciles 1 (most deprived) .. 10; quintile q = (decile + 1) / 2.
inline constexpr int kDeciles = 10;
inline constexpr int kQuintiles = 5;
constexpr int quintile_of_decile(int decile) { return (decile + 1) / 2; }

enum class Smoking : std::uint8_t { never = 0, current = 1, ex = 2 };
enum class Weight : std::uint8_t { healthy = 0, overweight = 1, obese = 2 };

/// Long-term conditions; a person's conditions are a bit set over these.
enum Condition : std::uint8_t {
  hypertension = 0,
  coronary_heart_disease,
  stroke,
  type2_diabetes,
  copd,
  cancer,
  dementia,
  common_mental_disorder,
  kConditionCount
};
inline constexpr int kConditions = kConditionCount;
inline constexpr std::array<std::string_view, kConditions> kConditionNames{
    "hypertension", "chd", "stroke", "diabetes", "copd", "cancer", "dementia", "cmd"};

enum class Frailty : std::uint8_t { fit = 0, mild = 1, moderate = 2, severe = 3 };
inline constexpr int kFrailtyLevels = 4;
inline constexpr std::array<std::string_view, kFrailtyLevels> kFrailtyNames{"fit", "mild", "moderate",
                                                                            "severe"};

enum class CareSetting : std::uint8_t { home = 0, home_care = 1, care_home = 2 };
inline constexpr int kCareSettings = 3;
inline constexpr std::array<std::string_view, kCareSettings> kCareSettingNames{"home", "home_care",
                                                                               "care_home"};

/// Activity that is a pure tally: its expected monthly count is cached per person and the
/// count is drawn in aggregate per (ICP, quintile) cell, which is statistically identical to
/// per-person Poisson draws because a sum of independent Poissons is Poisson.
enum TallyService : std::uint8_t {
  gp_appointments = 0,
  ae_attendances,
  elective_admissions,
  outpatient_attendances,
  community_contacts,
  mental_health_contacts,
  home_care_hours,   // deterministic given care setting (hours of the package)
  care_home_weeks,   // deterministic given care setting
  kTallyServiceCount
};
inline constexpr int kTallies = kTallyServiceCount;
inline constexpr std::array<std::string_view, kTallies> kTallyNames{
    "gp_appointments",        "ae_attendances",         "elective_admissions",
    "outpatient_attendances", "community_contacts",     "mental_health_contacts",
    "home_care_hours",        "care_home_weeks"};
/// Tallies whose monthly count is random (Poisson); the others are package volumes.
constexpr bool tally_is_random(int t) { return t < home_care_hours; }
inline constexpr int kRandomTallies = home_care_hours;

/// Who pays. NHS payers are split by setting, as finance leads budget them.
enum Payer : std::uint8_t {
  nhs_acute = 0,
  nhs_primary_care,
  nhs_community,
  nhs_mental_health,
  council_adult_social_care,
  public_health,
  households,  // self-funders' fees and council-arranged residents' assessed contributions (not public money)
  kPayerCount
};
inline constexpr int kPayers = kPayerCount;
inline constexpr std::array<std::string_view, kPayers> kPayerNames{
    "nhs_acute",   "nhs_primary_care", "nhs_community", "nhs_mental_health",
    "council_asc", "public_health",    "households"};

/// Five-year age groups used for outputs by age (0, 1-4, 5-9, ..., 85-89, 90+ : 20 groups),
/// the abridged life-table layout.
inline constexpr int kAgeGroups = 20;
constexpr int age_group_of(int age_years) {
  if (age_years < 1) return 0;
  if (age_years < 5) return 1;
  if (age_years >= 90) return 19;
  return 1 + age_years / 5;
}
inline constexpr std::array<int, kAgeGroups> kAgeGroupStart{0,  1,  5,  10, 15, 20, 25, 30, 35, 40,
                                                            45, 50, 55, 60, 65, 70, 75, 80, 85, 90};

/// Who funds an intervention (SCENARIOS.md budgets): the NHS, the council, the public-health
/// grant, or a pooled budget of NHS and council money. Amounts by funder are arrays indexed
/// by funder_index().
enum class Funder : std::uint8_t { nhs, council, public_health, pooled };
inline constexpr int kFunders = 4;
inline constexpr std::array<const char*, kFunders> kFunderNames{"nhs", "council", "public_health", "pooled"};
constexpr std::size_t funder_index(Funder f) { return static_cast<std::size_t>(f); }

/// The longest horizon a run may have, in years: the arrival ids' capacity (model/people/
/// arrivals.hpp) and the scenario schema's `years` maximum are set for it.
inline constexpr int kMaxYears = 25;

/// Calendar month (1-12) and year of model month t (t = 0 is July of the start year).
struct CalendarMonth {
  int year, month;
};
constexpr CalendarMonth calendar_month(int start_year, int t) {
  const int index = 6 + t;  // July = month index 6 of the start year
  return {start_year + index / 12, index % 12 + 1};
}

}  // namespace shiftsim::model
