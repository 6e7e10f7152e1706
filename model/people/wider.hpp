// Wider outcomes the strategy asks for beside health and care (issue 6): the economy, the
// start of life and unpaid carers. Each is a small model on top of the people's state, with
// the same liability-threshold idea as the health state (model/people/health_state.hpp): a person
// carries fixed propensities (latent_word, keyed by seed, replicate and id, so common random
// numbers hold) and their status follows from comparing them with probabilities that depend
// on their health. Nothing here is stored per person except one bit (risk_bits::family).
//
// The economy (people aged 16-64). A person is in work while their employment propensity u
// lies below P(employed | ICP, sex, work-health state), with
//   logit P = a[ICP] + ln OR_female [female] + ln OR[state]
// and states, in order of precedence: activity-limited (the health state), common mental
// disorder, a physical long-term condition (CHD, stroke, diabetes, COPD, cancer, dementia),
// well. a[ICP] is calibrated so that the synthesised people reproduce the ICP's APS
// employment rate. Someone with u between P(state) and P(well) is out of work because of ill
// health: they would be in work if they were well. Frailty acts through the activity-
// limitation state. Workers lose sickness-absence days at a rate by sex, age (50-64) and
// state, scaled so that the region's workers average the ONS days per worker. Lost output
// is valued by the earnings approach: a workless month at a month of median earnings times
// the employer's on-costs, an absence day at a day of them. It is the economy's ledger,
// never part of the NHS or council costs.
//
// The start of life. A birth's mother smoked at delivery with probability proportional to
// the smoking prevalence of the zone's women aged 15-44, scaled to the region's SATOD rate.
// Low birth weight (under 2,500 g) follows, with the published odds ratio for smoking and a
// non-smokers' risk fixed so that England's SATOD and low-birth-weight rates agree; a
// low-birth-weight baby's emergency admissions in the first year are raised by a rate ratio,
// with the calibrated infant rate kept as the mean.
//
// Unpaid carers. A person living at home with dementia or severe frailty has an unpaid carer
// with a published probability; the carer is strained (has a common mental disorder) with the
// prevalence of dementia carers, or the adult prevalence raised by the carers' odds ratio. A
// strained carer raises the person's chance of moving into a care home (rate ratio, mean
// kept); carer support lowers the chance of strain.
#pragma once

#include "model/core/parameters.hpp"
#include "model/core/population.hpp"
#include "model/core/random.hpp"
#include "model/core/types.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace shiftsim::model {

// ---------------------------------------------------------------- the economy
enum class WorkHealth : std::uint8_t { well = 0, ltc = 1, cmd = 2, limited = 3 };
inline constexpr int kWorkHealthStates = 4;
inline constexpr std::array<const char*, kWorkHealthStates> kWorkHealthNames{"well", "long_term_condition", "common_mental_disorder",
                                                                            "activity_limited"};
/// Conditions that count as a physical long-term condition for work (hypertension alone does not).
inline constexpr std::uint8_t kWorkLtcConditions =
    static_cast<std::uint8_t>((1u << coronary_heart_disease) | (1u << stroke) | (1u << type2_diabetes) | (1u << copd) |
                              (1u << cancer) | (1u << dementia));
constexpr WorkHealth work_health(bool limited, std::uint8_t conditions) {
  if (limited) return WorkHealth::limited;
  if (conditions & (1u << common_mental_disorder)) return WorkHealth::cmd;
  if (conditions & kWorkLtcConditions) return WorkHealth::ltc;
  return WorkHealth::well;
}

/// A person's place in the labour market at one age and state of health: whether of working
/// age, employed, or out of work because of ill health, their WorkHealth and whether aged 50+
/// (the absence rates' two age bands). One byte, kept per person-state change.
class WorkState {
 public:
  /// Not of working age.
  constexpr WorkState() = default;
  constexpr WorkState(bool employed, bool out_of_work_ill_health, WorkHealth health, bool aged_50_plus)
      : bits_(static_cast<std::uint8_t>(kWorkingAge | (employed ? kEmployed : 0u) | (out_of_work_ill_health ? kIllHealth : 0u) |
                                        (static_cast<unsigned>(health) << kHealthShift) | (aged_50_plus ? kAged50 : 0u))) {}
  constexpr bool working_age() const { return bits_ & kWorkingAge; }
  constexpr bool employed() const { return bits_ & kEmployed; }
  constexpr bool out_of_work_ill_health() const { return bits_ & kIllHealth; }
  constexpr WorkHealth health() const { return static_cast<WorkHealth>((bits_ >> kHealthShift) & 3u); }
  constexpr bool aged_50_plus() const { return bits_ & kAged50; }
  friend constexpr bool operator==(WorkState, WorkState) = default;

 private:
  static constexpr unsigned kWorkingAge = 1u, kEmployed = 2u, kIllHealth = 4u, kHealthShift = 3u, kAged50 = 32u;
  std::uint8_t bits_ = 0;
};

struct EconomyModel {
  int min_age = 16, max_age = 64;
  int icps = 0;
  std::vector<double> intercept;        // [icp] log-odds of work for a well man
  std::vector<std::uint32_t> threshold; // [icp][sex][state]: P(employed) x 2^32
  /// Expected sickness-absence days per month of a worker, [sex][aged 50+][state].
  std::array<std::array<std::array<float, kWorkHealthStates>, 2>, kSexes> absence_days_per_month{};
  double output_per_workless_month = 0;  // GBP: a month of median earnings x on-costs
  double output_per_absence_day = 0;     // GBP: a working day of them
  bool working_age(int age) const { return age >= min_age && age <= max_age; }
  /// A worker's expected sickness-absence days a month.
  float absence_days(int sex, WorkState w) const {
    return absence_days_per_month[static_cast<std::size_t>(sex)][w.aged_50_plus() ? 1 : 0][static_cast<std::size_t>(w.health())];
  }
  std::uint32_t at(int icp, int sex, WorkHealth s) const {
    return threshold[(static_cast<std::size_t>(icp) * kSexes + static_cast<std::size_t>(sex)) * kWorkHealthStates + static_cast<std::size_t>(s)];
  }
  double probability(int icp, int sex, WorkHealth s) const;
};

/// Working-age people by ICP, sex, age band (16-49, 50-64) and work-health state: what the
/// economy is calibrated on.
struct WorkforceCounts {
  int icps = 0;
  std::vector<double> n;
  explicit WorkforceCounts(int icps_ = 0) : icps(icps_), n(static_cast<std::size_t>(icps_) * kSexes * 2 * kWorkHealthStates, 0.0) {}
  double& at(int icp, int sex, int band, WorkHealth s) {
    return n[((static_cast<std::size_t>(icp) * kSexes + static_cast<std::size_t>(sex)) * 2 + static_cast<std::size_t>(band)) * kWorkHealthStates +
             static_cast<std::size_t>(s)];
  }
  double get(int icp, int sex, int band, WorkHealth s) const { return const_cast<WorkforceCounts*>(this)->at(icp, sex, band, s); }
};

struct EconomyCalibration {
  EconomyModel model;
  std::vector<double> target_rate, achieved_rate;  // [icp], proportions of people aged 16-64 in work
  double absence_base_days = 0;                    // a well man under 50, days a year
  double achieved_days_per_worker = 0;
};

/// Calibrates the ICP intercepts to `target_rate` (proportion in work, by ICP) and the
/// absence base rate to the ONS days per worker, from the synthesised working-age people.
EconomyCalibration calibrate_economy(const Parameters& p, const std::vector<double>& target_rate, const WorkforceCounts& counts);

// ---------------------------------------------------------------- the start of life
struct BirthModel {
  double satod_scale = 0;      // P(smoking at delivery) = min(1, scale x smokers / women aged 15-44 in the zone)
  double lbw_nonsmoker = 0, lbw_smoker = 0;
  double region_lbw = 0;       // expected share of low birth weight at the region's SATOD
  double infant_emergency_lbw = 1, infant_emergency_other = 1;  // multipliers, mean 1 at region_lbw
  double satod(double women, double smokers) const {
    if (!(women > 0)) return 0.0;
    const double x = satod_scale * smokers / women;
    return x < 1.0 ? x : 1.0;
  }
};
/// `births` and `smoker_share`: expected births and the smoking prevalence of women aged
/// 15-44, by zone, at the start.
BirthModel calibrate_births(const Parameters& p, const std::vector<double>& births, const std::vector<double>& smoker_share);
/// The non-smokers' low-birth-weight risk p0 such that (1 - s) p0 + s p1 = lbw, with
/// odds(p1) = OR odds(p0) (bisection).
double nonsmoker_lbw_risk(double satod, double lbw, double odds_ratio);

// ---------------------------------------------------------------- unpaid carers
struct CarerModel {
  std::uint32_t has_carer_dementia = 0, has_carer_frailty = 0;  // P x 2^32
  std::array<double, 2> strain{};                     // P(carer strained): [0] severe frailty, [1] dementia
  std::array<double, 2> care_home_strained{}, care_home_unstrained{};  // multipliers on care-home moves, mean 1 at `strain`
  double utility_loss = 0;                            // QALYs a year a strained carer loses (the CMD decrement)
  /// Whether the person's circumstances call for a carer (from age 1: under 1 the family bit
  /// means low birth weight).
  static bool needs_care(int age, std::uint8_t conditions, Frailty f, CareSetting c) {
    return age >= 1 && c != CareSetting::care_home && ((conditions & (1u << dementia)) || f == Frailty::severe);
  }
  /// Whether person i's carer is strained when programmes multiply the chance by `rr` (a
  /// fixed propensity of the person, so the same in every arm).
  bool strained(const RandomKey& key, const Population& pop, std::size_t i, float rr) const {
    const std::size_t k = (pop.conditions[i] & (1u << dementia)) ? 1 : 0;
    return latent_word(key, pop.id[i], trait_carer_strain) < probability_threshold(strain[k] * static_cast<double>(rr));
  }
  /// The multiplier person i's carer's strain puts on their moves into a care home.
  float care_home(const RandomKey& key, const Population& pop, std::size_t i, float rr) const {
    const std::size_t k = (pop.conditions[i] & (1u << dementia)) ? 1 : 0;
    return static_cast<float>(strained(key, pop, i, rr) ? care_home_strained[k] : care_home_unstrained[k]);
  }
};
CarerModel make_carer_model(const Parameters& p);

}  // namespace shiftsim::model
