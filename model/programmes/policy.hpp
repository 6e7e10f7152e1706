// Interventions: the catalogue of types (what each can change, and whom it can reach) and a
// scenario's policy (the interventions it funds), as the model's immutable description
// types. scenarios/ builds a Policy from a user's file; the simulation only reads it.
#pragma once

#include "model/core/distribution.hpp"
#include "model/core/parameter_table.hpp"
#include "model/core/types.hpp"

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace shiftsim::model {

enum class InterventionType : std::uint8_t {
  smoking_cessation,
  weight_management,
  physical_activity,
  alcohol_liaison,
  health_checks,
  falls_prevention,
  affordable_warmth,
  social_prescribing,
  community_assets,
  self_management,
  digital_self_care,
  neighbourhood_teams,
  intermediate_care,
  mental_health_crisis,
  pooled_budget,
  shared_care_record,
  smoking_in_pregnancy,
  carer_support,
  kCount
};
inline constexpr int kInterventionTypes = static_cast<int>(InterventionType::kCount);

/// What an effect acts on. One-off effects change a participant's state when they join;
/// the others multiply a rate while the effect lasts.
enum class EffectKind : std::uint8_t {
  quit_smoking,            // one-off: probability a smoker quits (beyond background)
  lose_weight,             // one-off: probability of moving down one weight category
  become_active,           // one-off: probability an inactive person becomes active
  stop_harmful_drinking,   // one-off: probability a harmful drinker stops
  leave_isolation,         // one-off: probability an isolated person stops being isolated
  emergency_rr,            // multiplies emergency admissions
  ae_rr,                   // multiplies A&E attendances
  gp_rr,                   // multiplies GP appointments
  outpatient_rr,           // multiplies outpatient attendances (system level: the whole area)
  chd_rr,                  // multiplies CHD incidence
  stroke_rr,               // multiplies stroke incidence
  isolation_onset_rr,      // multiplies the onset of isolation
  care_home_rr,            // multiplies moves into care homes (and after a hospital stay)
  length_of_stay_rr,       // multiplies bed-days of an emergency admission
  delayed_discharge_rr,    // multiplies delayed-transfer bed-days (system level)
  carer_strain_rr,         // multiplies the chance that the participant's unpaid carer is strained
  falls_rr,                // multiplies falls, and so the emergency admissions of people 65+ that follow a fall
  mh_admission_or,         // multiplies the odds of a mental-health admission after a crisis
  kCount
};
inline constexpr int kEffectKinds = static_cast<int>(EffectKind::kCount);
bool is_one_off(EffectKind k);

/// Who a type can reach by its nature (the scenario's targeting narrows it further).
/// births: the programme acts on pregnancies, at each birth (smoking in pregnancy).
enum class Reach : std::uint8_t { person, area, births };

struct EffectDefinition {
  std::string key;        // as written in a scenario's "effects", e.g. "quit_probability"
  EffectKind kind;
  std::string parameter;  // the parameter table row holding the default and its uncertainty
  /// For a rate ratio that the evidence gives for part of a rate (e.g. falls-related
  /// admissions among all emergency admissions): the row holding that part's share s; the
  /// rate is multiplied by 1 - s (1 - rr). Empty: the ratio applies to the whole rate.
  std::string share_parameter;
};

/// Who a type can reach by its nature, as tests on a person's attributes (the scenario's
/// targeting narrows it further). A person is eligible when every test passes:
/// age in [min_age, max_age]; care setting and frailty allowed; none of `exclude_conditions`;
/// and, if any "need" is given, at least one need: a risk factor of `need_risk`
/// (RiskFactorTarget bits), a condition of `need_conditions`, two or more conditions
/// (`need_multimorbid`) or age 65 or over (`need_age65`).
struct Eligibility {
  int min_age = kAdultAge, max_age = 120;
  /// The event the type enrols at (recent_bits of Population::recent; 0: anyone eligible, at
  /// any month): the person is eligible in the month after the event, as the study enrolled.
  std::uint8_t enrol_at = 0;
  std::uint8_t care_settings = 0x07;   // bit c: CareSetting c allowed
  std::uint8_t frailty_levels = 0x0F;  // bit f: Frailty f allowed
  std::uint8_t exclude_conditions = 0;
  std::uint8_t need_risk = 0;
  std::uint8_t need_conditions = 0;
  bool need_multimorbid = false;
  bool need_age65 = false;
  bool has_need() const { return need_risk || need_conditions || need_multimorbid || need_age65; }
  /// In words, for the documentation.
  std::string describe() const;
};

struct CatalogueEntry {
  InterventionType type;
  std::string name;                 // e.g. "smoking_cessation"
  std::vector<int> shifts;          // the strategy's shifts it serves (1-6)
  std::string default_payer;        // nhs, council, public_health or pooled
  Reach reach = Reach::person;
  std::string description;          // what it is and what changes
  Eligibility eligibility;          // person types only
  std::vector<EffectDefinition> effects;
  std::string unit_cost_parameter;  // per participant (person) or per resident a year (area)
  std::string max_uptake_parameter; // share of the eligible reached in a year (person types)
  std::string half_life_parameter;  // half-life (months) of a participant's effect / of an area's effect after funding
  /// The months over which the evidence averaged its rate ratios among those it enrolled
  /// (intention to treat, dropouts included), if the table has the row: see
  /// InterventionSpec::evidence_months.
  std::string evidence_months_parameter;
  std::string ramp_up_parameter;    // months to reach full capacity (person) or coverage (area)
  std::string allocation = "uniform";
};

const std::vector<CatalogueEntry>& catalogue();
/// Checks that the parameter table holds every row the catalogue names (defaults of effects,
/// costs, uptake, half-lives, ramp-ups, and the proportionate-universalism gradient).
void check_catalogue_parameters(const ParameterTable& table);
const CatalogueEntry& catalogue_entry(InterventionType t);
std::optional<InterventionType> intervention_type_from_name(const std::string& name);


enum class Allocation : std::uint8_t { uniform, proportionate, highest_risk };

/// Who an intervention may reach, beyond what its type requires.
struct Targeting {
  int min_age = 0, max_age = 200;
  std::array<bool, kSexes> sexes{true, true};
  std::uint8_t any_condition = 0;      // bit set: must have at least one of these (0 = no condition)
  std::uint8_t risk_factors = 0;       // bits of RiskFactorTarget: must have at least one (0 = none)
  std::uint8_t frailty_levels = 0x0F;  // bit f: frailty level f allowed
  std::array<bool, kDeciles> deciles{true, true, true, true, true, true, true, true, true, true};
  std::vector<int> icps;               // empty = all
  std::vector<int> neighbourhoods;     // empty = all
  Allocation allocation = Allocation::uniform;
  /// The event people are enrolled at (recent_bits; -1: the type's, Eligibility::enrol_at).
  int enrol_at = -1;
  /// Proportionate allocation: either the shares of reach by IMD quintile (1 = most
  /// deprived) that the scenario states (normalised to sum to 1), or, when it states none,
  /// reach shared in proportion to eligible people x need weight 1 + g (3 - q) / 2.
  bool shares_given = false;
  std::array<double, kQuintiles> quintile_shares{0.2, 0.2, 0.2, 0.2, 0.2};
  double gradient = 0;  // g
};
enum RiskFactorTarget : std::uint8_t { rt_smoker = 1, rt_ex_smoker = 2, rt_overweight = 4, rt_obese = 8,
                                       rt_inactive = 16, rt_harmful_drinker = 32, rt_isolated = 64,
                                       rt_unpaid_carer = 128 };  // cared for at home by an unpaid carer (from age 1)
inline constexpr std::array<const char*, 8> kRiskFactorTargetNames{"smoker",   "ex_smoker",       "overweight", "obese",
                                                                  "inactive", "harmful_drinker", "isolated", "has_unpaid_carer"};

/// One funded intervention, resolved to model months and base-year pounds.
struct InterventionSpec {
  std::string name;
  InterventionType type = InterventionType::smoking_cessation;
  std::vector<int> shifts;
  int start_month = 0;  // model month (0 = July of the start year), inclusive
  int end_month = 0;    // inclusive; funding stops after it
  bool open_ended = false;  // no "end" given: funded to the scenario's years (or on, with finance.continue_funding)
  /// Budget by financial year (the year it starts in April) and funder (kFunderNames), GBP.
  std::map<int, std::array<double, kFunders>> budget;
  double unit_cost = 0;  // GBP per participant (person) or per resident a year (area)
  Targeting targeting;
  double max_uptake = 1;  // share of the eligible reached in a financial year (person types)
  std::map<EffectKind, Distribution> effects;
  std::map<EffectKind, double> effect_share;  // share of the rate an effect acts on (1 if absent)
  int ramp_up_months = 0;
  double effect_half_life_months = 0;  // 0: the effect ends at once
  /// In-silico trials only (validation/trials.hpp): 1 or 2 enrols only the people randomised to
  /// that arm (Population id's trait_trial_arm; a pregnancy programme, the babies randomised
  /// so; an area programme's arm is its areas, and the trial's observer enrols their residents);
  /// `unlimited` enrols every eligible person who takes the offer, or funds an area fully,
  /// whatever the budget.
  int trial_arm = 0;
  bool unlimited = false;
  /// The months over which the effects' evidence averaged its rate ratios among everyone it
  /// enrolled (0: the ratios are the members' own). A membership lapses with the half-life, so
  /// a member's multiplier is the evidence's ratio undiluted by those lapses: 1 - (1 - rr) / s,
  /// s the mean share of the months still a member (full_multiplier).
  double evidence_months = 0;
  /// Which values are the catalogue's defaults, by parameter-table row (empty: the scenario
  /// gave the value), so that a replicate's parameter draws reach the intervention.
  std::string unit_cost_row, max_uptake_row, half_life_row, ramp_up_row;
  std::map<EffectKind, std::string> effect_rows;
  /// The multiplier an effect puts on a member's rate: 1 - s (1 - mean rr), s the share of the
  /// rate it acts on, undiluted for lapses over evidence_months.
  double full_multiplier(EffectKind k) const;
  /// The mean share of the first evidence_months months after joining that a participant is
  /// still a member (1 without evidence_months or lapses).
  double membership_over_evidence() const;
  /// Funding (GBP) in the financial year starting in April of `fy`, all funders.
  double budget_in(int fy) const;
};

/// The scenario's finance rules the system model applies during a run (the invest-to-save
/// loop): which avoided activity counts as cashable, and what share of which payers'
/// cashable savings is reinvested in prevention.
struct FinancePolicy {
  std::vector<std::string> cashable{"care_home_weeks", "home_care_hours"};
  double reinvest_share = 0;
  std::vector<std::string> reinvest_from;
  /// finance.funding_source "existing_budgets": the funders' spend comes out of their existing
  /// service budgets, which then fund less capacity (IcpSystem); false: new money.
  bool existing_budgets = false;
};

/// The event an intervention enrols at (recent_bits; 0: none): its targeting's, or its type's.
std::uint8_t enrol_event(const InterventionSpec& s);
/// The enrolment events in words, e.g. "an emergency admission".
std::string describe_enrol_event(std::uint8_t bits);
/// A scenario's or trial's name of an enrolment event: none, emergency_admission,
/// discharge_home, falls_admission (nullopt: not a name).
std::optional<std::uint8_t> enrol_event_from_name(const std::string& name);

struct Policy {
  std::vector<InterventionSpec> interventions;  // at most 16
  FinancePolicy finance;
};
inline constexpr int kMaxInterventions = 32;  // bits of ProgrammeBits

}  // namespace shiftsim::model
