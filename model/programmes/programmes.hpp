// Funded interventions at run time ("programmes"): who is eligible, how many a month's
// budget reaches, who is chosen, and what each programme did, month by month.
//
// Person programmes (e.g. smoking_cessation). Each month a programme that is funded has
// capacity = budget for the financial year / 12 x ramp-up / unit cost (people), capped by the
// eligible people who are not yet participants and by max_uptake x eligible people in the
// financial year. It chooses that many: at random (uniform), with quotas by IMD quintile
// (proportionate), or in order of emergency-admission risk (highest_risk); each choice is
// a function of (seed, replicate, person, month, programme) only, so the same people are
// chosen at any thread count. A participant gets the programme's one-off changes at once
// (e.g. quits smoking with the quit probability) and its rate multipliers while a member;
// membership lapses with the programme's half-life, so when funding stops no one new joins
// and the effect decays with that half-life.
//
// Area programmes (community_assets, pooled_budget, shared_care_record) act on everyone in
// their ICPs or neighbourhoods: coverage = budget / (cost per resident-year x residents) x
// ramp-up, at most 1; the effect level is the coverage while funded and halves every
// half-life after funding falls; a rate is multiplied by 1 - level x (1 - rr).
#pragma once

#include "model/programmes/policy.hpp"
#include "model/core/population.hpp"
#include "model/people/rates.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace shiftsim::model {

/// What a programme did in a month (people units; avoided activity is expected activity
/// without the programme's effect minus with it, negative when the effect raises a rate).
enum ProgrammeMetric : std::uint8_t {
  pg_new_participants = 0,
  pg_new_participants_q1,                        // 5 IMD quintiles
  pg_participants = pg_new_participants_q1 + kQuintiles,  // members at the start of the month (area: residents covered)
  pg_eligible,                                   // eligible people (area: residents of the area)
  pg_effect_level,                               // area programmes: the effect level (0-1), not scaled
  pg_spend_nhs,                                  // spend by funder, GBP
  pg_spend_council,
  pg_spend_public_health,
  pg_spend_pooled,
  pg_spend_total,
  pg_quit_smoking,                               // one-off changes made
  pg_lost_weight,
  pg_became_active,
  pg_stopped_harmful_drinking,
  pg_left_isolation,
  pg_avoided_emergency_admissions,
  pg_avoided_falls_admissions,                   // of them, admissions of people 65+ that follow a fall
  pg_avoided_mental_health_admissions,           // admissions to a mental-health bed after a crisis (not in the above)
  pg_avoided_emergency_bed_days,
  pg_avoided_delayed_discharge_bed_days,
  pg_avoided_ae_attendances,
  pg_avoided_gp_appointments,
  pg_avoided_outpatient_attendances,
  pg_avoided_chd_cases,
  pg_avoided_stroke_cases,
  pg_avoided_isolation_onsets,
  pg_avoided_care_home_moves,
  pg_avoided_strained_carer_months,              // months of carer strain (a CMD) avoided (carer support)
  pg_avoided_nhs_cost,                           // the avoided activity at unit costs (tariff per spell)
  pg_avoided_council_cost,                       // the care-home stays avoided moves would have begun, council's part
  kProgrammeMetricCount
};
inline constexpr int kProgrammeMetrics = kProgrammeMetricCount;
std::string programme_metric_name(int m);
std::string programme_metric_unit(int m);

/// Eligibility of every person programme as lookup tables (bit k = programme k), combining
/// the type's own rules with the scenario's targeting: a person's eligible set is the AND
/// of five lookups, a few nanoseconds a person.
struct EligibilityTables {
  std::array<ProgrammeBits, 128> age{};             // by completed years (>= 127 share the last)
  std::array<ProgrammeBits, 256> status{};          // by Population::status byte (alive, sex, frailty, care)
  std::vector<ProgrammeBits> need;                  // by (age 65+) << 16 | risk << 8 | conditions
  std::array<ProgrammeBits, kDeciles + 1> decile{};
  std::vector<ProgrammeBits> zone;                  // by zone
  std::array<ProgrammeBits, 256> recent{};          // by Population::recent (the enrolment events)
  ProgrammeBits lookup(const Population& pop, std::size_t i) const {
    const int a = pop.age_years(i);
    const ProgrammeBits by_age = age[static_cast<std::size_t>(a < 127 ? a : 127)];
    if (!by_age) return 0;
    const std::size_t key = (static_cast<std::size_t>(a >= 65) << 16) | (static_cast<std::size_t>(pop.risk[i]) << 8) | pop.conditions[i];
    return static_cast<ProgrammeBits>(by_age & status[pop.status[i]] & need[key] & decile[pop.decile[i]] & zone[pop.zone[i]] &
                                      recent[pop.recent[i]]);
  }
};

/// The RiskFactorTarget bits a risk byte has.
std::uint8_t risk_targets(std::uint8_t risk);

/// Builds the tables for the person programmes of `policy` (area programmes get no bits).
/// `zone_icp` and `zone_neighbourhood` map zones to ICP and neighbourhood indices.
EligibilityTables build_eligibility(const Policy& policy, const std::vector<int>& zone_icp,
                                    const std::vector<int>& zone_neighbourhood);

/// Shares a whole number of places over groups by largest remainder of total x share,
/// never giving a group more than its `available`; places a group cannot take go to the
/// others in proportion to their shares. Sums to min(total, sum of available).
std::vector<long> allocate_places(long total, const std::vector<double>& shares, const std::vector<long>& available);

/// Need-weighted shares for proportionate universalism: eligible_q x (1 + g (3 - q) / 2).
std::array<double, kQuintiles> proportionate_shares(const std::array<double, kQuintiles>& eligible, double gradient);

/// Monthly probability that a membership with this half-life (months) lapses.
double lapse_probability(double half_life_months);

/// The first month (model month, 0 = July of start_year) of financial year fy, and the
/// financial year of a model month.
int financial_year_of(int start_year, int month);

}  // namespace shiftsim::model
