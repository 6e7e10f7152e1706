// What an in-silico trial (validation/trials.hpp) observes of its participants: from the month
// a trial arm's programme enrols a person (InterventionSpec::trial_arm; an area programme's
// residents at TrialSettings::area_enrol_month; a pregnancy programme's babies at birth), their events, expected
// activity and costs month by month, and their state at the end of the study's follow-up. The
// run keeps one record per participant, by person id: records are added only by the programmes'
// serial enrolment, and a record is written only by the thread that owns the person's block of
// the monthly pass (lookups without insertion are safe to share).
#pragma once

#include "model/core/types.hpp"

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace shiftsim::model {

struct FollowUp {
  std::int16_t enrolled = -1;  // month enrolled (-1: not a participant)
  std::uint8_t arm = 0;        // the enrolling programme's trial arm (1 or 2)
  std::uint16_t zone = 0;      // where the person lived at enrolment (a cluster trial's unit is its neighbourhood)
  bool ended = false;          // the follow-up is over (alive at its end, or dead or moved away before)
  bool alive_at_end = false;
  // At enrolment (before the programme's one-off changes) and at the end of the follow-up.
  std::uint8_t risk0 = 0, risk1 = 0;
  bool carer_strained1 = false;            // the person's unpaid carer is strained at the end
  bool smoke_free_at_birth = false;        // a baby enrolled at birth: the mother did not smoke at delivery
  // Over the follow-up (the month of enrolment is its first).
  float months = 0;                        // months alive and resident
  float admissions = 0, falls_admissions = 0, care_home_moves = 0, deaths = 0;
  float chd_or_stroke = 0;                 // new diagnoses of CHD or stroke
  float mental_health_admissions = 0;      // admissions to a mental-health bed after a crisis
  double expected_chd_or_stroke = 0;       // the monthly incidence hazards of CHD and stroke
  double expected_admissions = 0, expected_falls_admissions = 0, gp = 0;
  float outpatient = 0, delayed_bed_days = 0;           // outpatient attendances (ledger draws); delayed-transfer bed-days
  double expected_outpatient = 0, expected_delayed_bed_days = 0;  // their expectations (the latter given the admissions)
  // Health and care costs (NHS and councils, GBP, discounted to the month of enrolment at
  // TrialSettings::discount_rate), from the run's ledger mode.
  double cost_follow_up = 0, cost_horizon = 0;
};

struct TrialSettings {
  int follow_up_months = 12;
  int horizon_months = 60;  // costs are also summed over this many months from enrolment
  double discount_rate = 0;  // a year, on costs from the month of enrolment
  /// A cluster trial of area programmes: in this month, everyone living in an area a trial
  /// arm's area programme covers is enrolled in that arm (-1: none).
  int area_enrol_month = -1;
};

struct TrialObserver {
  TrialSettings settings;
  std::unordered_map<std::uint32_t, FollowUp> by_id;
  /// The participant's record, or null.
  FollowUp* find(std::uint32_t id) {
    const auto it = by_id.find(id);
    return it == by_id.end() ? nullptr : &it->second;
  }
  /// Within the cost horizon of a participant's enrolment.
  bool following(const FollowUp& f, int month) const { return month - f.enrolled < settings.horizon_months; }
  /// Within the study's follow-up (and not ended by death or moving away).
  bool in_follow_up(const FollowUp& f, int month) const { return !f.ended && month - f.enrolled < settings.follow_up_months; }
};

}  // namespace shiftsim::model
