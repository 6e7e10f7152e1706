// In-silico trials of the intervention catalogue (`shiftsim trial TYPE`): does each type
// reproduce the study its effect comes from?
//
// The study of each type is a row of data/trials.csv: its citation, population (the type's
// eligibility narrowed by a targeting object, as in a scenario), the event it enrolled at, its
// follow-up, the outcome it measured and the published effect with its 95% CI. A trial builds
// that population from the model's people and randomises each eligible person to one of two
// arms by their own draw (trait_trial_arm), enrolling everyone who takes the offer at the
// study's enrolment (the first month, or each month after the event, for `recruit_months`):
// arm 1 gets the intervention, arm 2 the same programme with no effect (a sham, so that both
// arms are enrolled at the same moment by the same rules).
//
// Two runs share every random number (the seed): run B as described, and run A in which arm 1
// has the sham too. Two estimates follow:
// - the trial's: arm 1 against arm 2 in run B, as the study compared them, with its 95% CI
//   (different people, so it carries the sampling error of a trial of that size);
// - the model's effect: arm 1 in run B against the same people in run A (common random
//   numbers), whose interval is that of a paired comparison. This is what the tests hold to
//   the published interval: it is the effect the model puts on the study's population and
//   outcome, free of the noise of who was randomised where.
// Rates use expected counts (each month's hazard) for the model's effect and realised events
// for the trial's; states at the end of follow-up are counted among those alive then.
//
// Types that reach areas (community_assets, pooled_budget, shared_care_record) are trialled
// as cluster trials: the neighbourhoods are randomised to the two arms within each ICP (by a
// draw of the seed), each arm's areas are funded fully from the first month, and after the
// design's run-in (the months the programme needs to mature) everyone living there is
// enrolled and followed. Their intervals are cluster-robust (each neighbourhood's influence
// summed before squaring). smoking_in_pregnancy reaches births: each birth whose mother would
// smoke at delivery is randomised by the baby's own draw, and the baby is the participant.
//
// The return per GBP 1: the health and care costs (NHS and councils) of arm 1's people in run
// A minus run B, discounted to the month each was enrolled, over the intervention's spend on
// them, at the study's follow-up and at the horizon. For an area, the spend is arm 1's areas'
// from their enrolment month (the run-in's set-up is not counted, nor what it avoided: the
// return of a matured programme).
#pragma once

#include "model/programmes/policy.hpp"
#include "model/simulation/trial_observer.hpp"
#include "runs/inputs.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace shiftsim::validation {

/// What a study measured, read from the participants' follow-up.
enum class TrialOutcome {
  abstinent,               // binary: an enrolled current smoker is an ex-smoker at the end
  lower_weight_band,       // binary: in a lower weight band at the end than at enrolment
  active,                  // binary: an enrolled inactive person is active at the end
  harmful_drinking,        // binary: an enrolled harmful drinker still drinks harmfully at the end
  isolated,                // binary: an enrolled isolated person is still isolated at the end
  new_chd_or_stroke,       // rate: new diagnoses of CHD or stroke per person-month (expected: the incidence hazards)
  carer_strained,          // binary: the person's unpaid carer is strained at the end (among those with one)
  mental_health_admitted,  // binary: admitted to a mental-health bed during the follow-up (everyone enrolled)
  emergency_admissions,    // rate: emergency admissions per person-month
  falls_admissions,        // rate: emergency admissions after a fall per person-month
  gp_appointments,         // rate: GP appointments per person-month
  care_home_moves,         // rate: moves into a care home per person-month (realised)
  deaths,                  // rate: deaths per person-month (realised)
  newly_isolated,          // binary: a resident not isolated at enrolment is isolated at the end
  outpatient_attendances,  // rate: outpatient attendances per person-month (expected: the person's mean)
  delayed_bed_days,        // rate: delayed-transfer bed-days per person-month (expected: given the admissions)
  smoke_free_at_delivery,  // binary: a baby's mother, who would have smoked at delivery, does not
};
enum class TrialMeasure { risk_ratio, odds_ratio, rate_ratio, risk_difference };

/// One study (a row of data/trials.csv).
struct TrialDesign {
  std::string type;          // catalogue type
  std::string study;         // short name, e.g. "Sherrington 2019"
  std::string citation;
  std::string population;    // in words
  std::string enrol_at;      // none or an enrolment event (enrol_event_from_name)
  std::string targeting;     // a scenario targeting object (JSON), narrowing the type's eligibility
  std::string effects;       // a scenario effects object (JSON) for the trial arm, or {} (the catalogue's)
  int recruit_months = 1;    // months of recruitment (1: everyone eligible at the start)
  int run_in_months = 0;     // areas: months funded before the residents are enrolled (0 for other types)
  int follow_up_months = 12;
  double scale = 0.05;       // share of the region's residents simulated
  TrialOutcome outcome = TrialOutcome::emergency_admissions;
  TrialMeasure measure = TrialMeasure::rate_ratio;
  std::string outcome_text;  // as the study defined it
  double estimate = 0, lower = 0, upper = 0;
  std::string label;         // V, V[E], S or D (docs/evidence/catalogue_trials.md)
  std::string published_return, return_perspective, return_horizon;
  std::string notes;         // where and why the model departs from the study
};

/// Reads data/trials.csv (DataError naming the file, row and field on bad input).
std::vector<TrialDesign> load_trial_designs(const std::filesystem::path& file);
/// The design of a type (InputError if it has none).
const TrialDesign& trial_design_of(const std::vector<TrialDesign>& designs, const std::string& type);

struct Estimate {
  double value = 0, lower = 0, upper = 0;  // 95% CI
  bool defined = false;
};

struct TrialResult {
  TrialDesign design;
  std::uint32_t seed = 0;
  double scale = 0;                                          // share of residents simulated
  long randomised_intervention = 0, randomised_control = 0;  // enrolled in run B's arms
  double control_value = 0, intervention_value = 0;          // run B: per arm (proportion, or per person-year)
  double counterfactual_value = 0;                           // arm 1 in run A
  Estimate trial;                                            // arm 1 vs arm 2 in run B
  Estimate model;                                            // arm 1, run B vs run A (common random numbers)
  int clusters = 0;                                          // a cluster trial's neighbourhoods (0: people randomised)
  int clusters_intervention = 0, clusters_control = 0;       // of which in each arm
  double spend = 0, spend_follow_up = 0;                     // GBP on arm 1 (agents scaled up), to the horizon and the follow-up's end
  double avoided_follow_up = 0, avoided_horizon = 0;         // GBP, discounted
  int horizon_months = 0;
  double return_follow_up() const { return spend_follow_up > 0 ? avoided_follow_up / spend_follow_up : 0; }
  double return_horizon() const { return spend > 0 ? avoided_horizon / spend : 0; }
  bool inside() const { return model.defined && model.value >= design.lower && model.value <= design.upper; }
};

struct TrialOptions {
  std::uint32_t seed = 20180701;
  double scale = 0;         // 0: the design's
  int horizon_months = 60;  // costs also to this many months after enrolment (at least the follow-up)
};

/// Runs the trial of `design` on the bundled data (two runs).
TrialResult run_trial(const TrialDesign& design, const runs::Inputs& inputs, const TrialOptions& options);

/// The result as a printable table, and as JSON.
std::string format_trial(const TrialResult& r);
std::string trial_json(const TrialResult& r);
/// The evidence table of the catalogue (docs/catalogue_evidence.md): per type, its study, the
/// published effect and the model's, and the returns, with why they differ.
std::string trials_markdown(const std::vector<TrialResult>& results);

std::string outcome_name(TrialOutcome o);
std::string measure_name(TrialMeasure m);

}  // namespace shiftsim::validation
