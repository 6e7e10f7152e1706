// The intervention catalogue: each type's shifts, funder, eligibility, effects and the
// parameter rows that hold their evidence-based defaults (data/parameters.csv).
#include "model/programmes/policy.hpp"

#include "model/core/errors.hpp"
#include "model/core/population.hpp"
#include "model/programmes/programmes.hpp"

#include <algorithm>
#include <cmath>
#include "model/core/parameter_table.hpp"

#include <sstream>

namespace shiftsim::model {

bool is_one_off(EffectKind k) {
  switch (k) {
    case EffectKind::quit_smoking:
    case EffectKind::lose_weight:
    case EffectKind::become_active:
    case EffectKind::stop_harmful_drinking:
    case EffectKind::leave_isolation: return true;
    default: return false;
  }
}

double InterventionSpec::membership_over_evidence() const {
  if (!(evidence_months >= 1) || !(effect_half_life_months > 0)) return 1.0;
  const double lapse = lapse_probability(effect_half_life_months);
  if (!(lapse > 0)) return 1.0;
  // The mean over months 0..F-1 of the chance of still being a member, (1 - lapse)^t.
  return (1.0 - std::pow(1.0 - lapse, evidence_months)) / (evidence_months * lapse);
}

double InterventionSpec::full_multiplier(EffectKind k) const {
  const auto e = effects.find(k);
  if (e == effects.end()) return 1.0;
  const auto s = effect_share.find(k);
  const double share = s == effect_share.end() ? 1.0 : s->second;
  const double averaged = 1.0 - share * (1.0 - e->second.mean());
  if (is_one_off(k)) return averaged;
  // A member's own multiplier, which averaged over the evidence's months with the lapses gives
  // the evidence's (never below a twentieth of the rate).
  return std::max(0.05, 1.0 - (1.0 - averaged) / membership_over_evidence());
}

double InterventionSpec::budget_in(int fy) const {
  const auto b = budget.find(fy);
  if (b == budget.end()) return 0.0;
  double total = 0;
  for (double x : b->second) total += x;
  return total;
}

std::string Eligibility::describe() const {
  std::ostringstream out;
  out << "aged " << min_age << (max_age >= 120 ? "+" : "-" + std::to_string(max_age));
  if (care_settings != 0x07) {
    out << ", living ";
    bool first = true;
    for (int c = 0; c < kCareSettings; ++c)
      if (care_settings & (1u << c)) {
        out << (first ? "" : " or ") << (c == 0 ? "at home" : c == 1 ? "at home with home care" : "in a care home");
        first = false;
      }
  }
  if (frailty_levels != 0x0F) {
    out << ", frailty ";
    bool first = true;
    for (int f = 0; f < kFrailtyLevels; ++f)
      if (frailty_levels & (1u << f)) {
        out << (first ? "" : "/") << kFrailtyNames[static_cast<std::size_t>(f)];
        first = false;
      }
  }
  if (exclude_conditions) {
    out << ", without ";
    bool first = true;
    for (int c = 0; c < kConditions; ++c)
      if (exclude_conditions & (1u << c)) {
        out << (first ? "" : "/") << kConditionNames[static_cast<std::size_t>(c)];
        first = false;
      }
  }
  if (enrol_at) out << ", enrolled in the month after " << describe_enrol_event(enrol_at);
  if (has_need()) {
    out << ", with at least one of: ";
    bool first = true;
    auto item = [&](const std::string& s) {
      out << (first ? "" : ", ") << s;
      first = false;
    };
    for (std::size_t r = 0; r < kRiskFactorTargetNames.size(); ++r)
      if (need_risk & (1u << r)) item(kRiskFactorTargetNames[r]);
    for (int c = 0; c < kConditions; ++c)
      if (need_conditions & (1u << c)) item(std::string(kConditionNames[static_cast<std::size_t>(c)]));
    if (need_multimorbid) item("two or more conditions");
    if (need_age65) item("age 65+");
  }
  return out.str();
}

std::uint8_t enrol_event(const InterventionSpec& s) {
  return s.targeting.enrol_at >= 0 ? static_cast<std::uint8_t>(s.targeting.enrol_at) : catalogue_entry(s.type).eligibility.enrol_at;
}

namespace {
constexpr std::array<std::pair<const char*, std::uint8_t>, 4> kEnrolEvents{{{"emergency_admission", recent_bits::emergency_admission},
                                                                           {"discharge_home", recent_bits::discharged_home},
                                                                           {"falls_admission", recent_bits::falls_admission},
                                                                           {"mental_health_crisis", recent_bits::mental_health_crisis}}};
}  // namespace

std::string describe_enrol_event(std::uint8_t bits) {
  std::string out;
  auto add = [&](const char* s) { out += (out.empty() ? "" : " or ") + std::string(s); };
  if (bits & recent_bits::emergency_admission) add("an emergency admission");
  if (bits & recent_bits::discharged_home) add("a discharge home after an emergency admission");
  if (bits & recent_bits::falls_admission) add("an emergency admission after a fall");
  if (bits & recent_bits::mental_health_crisis) add("a mental-health crisis");
  return out.empty() ? "none (any month)" : out;
}

std::optional<std::uint8_t> enrol_event_from_name(const std::string& name) {
  if (name == "none") return std::uint8_t{0};
  for (const auto& [n, b] : kEnrolEvents)
    if (name == n) return b;
  return std::nullopt;
}

namespace {

constexpr std::uint8_t bit(Condition c) { return static_cast<std::uint8_t>(1u << c); }
constexpr std::uint8_t care_bits(std::initializer_list<CareSetting> cs) {
  unsigned b = 0;
  for (auto c : cs) b |= 1u << static_cast<unsigned>(c);
  return static_cast<std::uint8_t>(b);
}
constexpr std::uint8_t kAtHome = care_bits({CareSetting::home, CareSetting::home_care});

struct EffectSpec {
  std::string key;
  EffectKind kind;
  std::string share;  // share parameter suffix, or empty
};

CatalogueEntry entry(InterventionType t, std::string name, std::vector<int> shifts, std::string payer, Reach reach,
                     std::string description, Eligibility eligibility, std::vector<EffectSpec> effects,
                     std::string allocation = "uniform") {
  CatalogueEntry e;
  e.type = t;
  e.name = name;
  e.shifts = std::move(shifts);
  e.default_payer = std::move(payer);
  e.reach = reach;
  e.description = std::move(description);
  e.eligibility = eligibility;
  const std::string prefix = "intervention." + name + ".";
  for (auto& x : effects) e.effects.push_back({x.key, x.kind, prefix + x.key, x.share.empty() ? "" : prefix + x.share});
  e.unit_cost_parameter = prefix + (reach != Reach::area ? "unit_cost_gbp" : "cost_per_resident_year_gbp");
  if (reach != Reach::area) e.max_uptake_parameter = prefix + "max_uptake";
  e.half_life_parameter = prefix + "effect_half_life_months";
  e.evidence_months_parameter = prefix + "evidence_follow_up_months";
  e.ramp_up_parameter = prefix + "ramp_up_months";
  e.allocation = std::move(allocation);
  return e;
}

Eligibility adults() { return {}; }

}  // namespace

const std::vector<CatalogueEntry>& catalogue() {
  using I = InterventionType;
  using E = EffectKind;
  static const std::vector<CatalogueEntry> c = [] {
    std::vector<CatalogueEntry> v;
    {
      Eligibility e = adults();
      e.need_risk = rt_smoker;
      v.push_back(entry(I::smoking_cessation, "smoking_cessation", {1}, "public_health", Reach::person,
                        "Stop-smoking service (behavioural support and medication): some participants quit for good "
                        "(then subject to the model's relapse rate)",
                        e, {{"quit_probability", E::quit_smoking, ""}}));
    }
    {
      Eligibility e = adults();
      e.need_risk = rt_overweight | rt_obese;
      v.push_back(entry(I::weight_management, "weight_management", {1}, "public_health", Reach::person,
                        "Tier 2 behavioural weight management: some participants move down a weight category "
                        "(then subject to the model's weight transitions)",
                        e, {{"weight_loss_probability", E::lose_weight, ""}}));
    }
    {
      Eligibility e = adults();
      e.need_risk = rt_inactive;
      e.care_settings = kAtHome;
      v.push_back(entry(I::physical_activity, "physical_activity", {1}, "public_health", Reach::person,
                        "Brief advice on physical activity in primary care (NICE PH44): some inactive participants become "
                        "active (then subject to the model's activity transitions)",
                        e, {{"activity_probability", E::become_active, ""}}));
    }
    {
      Eligibility e = adults();
      e.need_risk = rt_harmful_drinker;
      e.enrol_at = recent_bits::emergency_admission;
      v.push_back(entry(I::alcohol_liaison, "alcohol_liaison", {1}, "nhs", Reach::person,
                        "Alcohol care teams and brief interventions for harmful drinkers admitted to hospital as an emergency "
                        "(enrolled at the admission, as the trials of hospital brief interventions did): some participants stop "
                        "drinking harmfully; fewer emergency admissions while the effect lasts",
                        e, {{"drinking_change_probability", E::stop_harmful_drinking, ""}, {"emergency_rr", E::emergency_rr, ""}}));
    }
    {
      Eligibility e = adults();
      e.min_age = 40;
      e.max_age = 74;
      e.exclude_conditions = bit(hypertension) | bit(coronary_heart_disease) | bit(stroke) | bit(type2_diabetes);
      v.push_back(entry(I::health_checks, "health_checks", {1}, "public_health", Reach::person,
                        "NHS Health Check: raised blood pressure found and treated in a share of participants lowers their "
                        "CHD and stroke incidence (rate ratios per 10 mmHg, applied to the share newly treated)",
                        e, {{"chd_rr", E::chd_rr, ""}, {"stroke_rr", E::stroke_rr, ""}}));
    }
    {
      Eligibility e = adults();
      e.min_age = 65;
      e.frailty_levels = 0x0E;  // mild, moderate, severe
      e.care_settings = kAtHome;
      v.push_back(entry(I::falls_prevention, "falls_prevention", {1}, "council", Reach::person,
                        "Strength and balance programmes (Otago, FaME): fewer falls, and so fewer of the emergency admissions "
                        "that follow a fall (their share of each participant's admissions is calibrated by district and age band "
                        "to Fingertips 22401)",
                        e, {{"falls_admission_rr", E::falls_rr, ""}}));
    }
    {
      Eligibility e = adults();
      e.care_settings = kAtHome;
      e.need_age65 = true;
      e.need_conditions = bit(copd);
      v.push_back(entry(I::affordable_warmth, "affordable_warmth", {1}, "council", Reach::person,
                        "Insulation and heating for the homes of older people and people with COPD (NICE NG6): fewer "
                        "emergency admissions all year, as after Warm Up New Zealand's insulation (Fyfe 2020)",
                        e, {{"admission_rr", E::emergency_rr, ""}}));
    }
    {
      Eligibility e = adults();
      e.need_risk = rt_isolated;
      e.need_conditions = bit(common_mental_disorder);
      e.need_multimorbid = true;
      v.push_back(entry(I::social_prescribing, "social_prescribing", {2}, "nhs", Reach::person,
                        "Social prescribing link workers: some isolated participants stop being isolated; fewer GP "
                        "appointments, A&E attendances and emergency admissions while the effect lasts",
                        e,
                        {{"isolation_recovery_probability", E::leave_isolation, ""},
                         {"gp_rr", E::gp_rr, ""},
                         {"ae_rr", E::ae_rr, ""},
                         {"emergency_rr", E::emergency_rr, ""}}));
    }
    v.push_back(entry(I::community_assets, "community_assets", {2}, "council", Reach::area,
                      "Investment in community groups, volunteering and places to meet, area-wide: less onset of isolation "
                      "among the area's residents, in proportion to the share of the area funded",
                      {}, {{"isolation_onset_rr", E::isolation_onset_rr, ""}}));
    {
      Eligibility e = adults();
      e.need_conditions = bit(copd);
      v.push_back(entry(I::self_management, "self_management", {3}, "nhs", Reach::person,
                        "Self-management support for people with COPD (action plans, education, follow-up: Jonkman 2016's "
                        "trials): fewer emergency admissions and A&E attendances while the effect lasts. Self-management of "
                        "diabetes, hypertension or mixed conditions changed no admissions in trials (WISE, EPP), so only COPD "
                        "is eligible",
                        e, {{"emergency_rr", E::emergency_rr, ""}, {"ae_rr", E::ae_rr, ""}}));
    }
    {
      Eligibility e = adults();
      e.max_age = 79;
      e.care_settings = kAtHome;
      v.push_back(entry(I::digital_self_care, "digital_self_care", {3}, "nhs", Reach::person,
                        "Digital self-care (NHS App, online consultation): some GP appointments resolved online while the "
                        "participant remains an active user",
                        e, {{"gp_rr", E::gp_rr, ""}}));
    }
    {
      Eligibility e = adults();
      e.care_settings = kAtHome;
      e.need_age65 = true;
      e.need_multimorbid = true;
      v.push_back(entry(I::neighbourhood_teams, "neighbourhood_teams", {4}, "nhs", Reach::person,
                        "Integrated neighbourhood teams case-managing people at the highest risk of emergency admission: "
                        "fewer emergency admissions and care-home moves while on the caseload",
                        e, {{"emergency_rr", E::emergency_rr, ""}, {"care_home_rr", E::care_home_rr, ""}}, "highest_risk"));
    }
    {
      Eligibility e = adults();
      e.min_age = 65;
      e.frailty_levels = 0x0C;  // moderate, severe
      e.care_settings = kAtHome;
      e.enrol_at = recent_bits::discharged_home;
      v.push_back(entry(I::intermediate_care, "intermediate_care", {4, 5}, "pooled", Reach::person,
                        "Intermediate care (step-down, reablement) for moderately or severely frail people 65+ discharged home "
                        "after an emergency admission (enrolled at the discharge, as the discharge-planning trials and reablement "
                        "studies did): fewer readmissions, shorter later stays and fewer care-home moves",
                        e,
                        {{"emergency_rr", E::emergency_rr, ""},
                         {"length_of_stay_rr", E::length_of_stay_rr, ""},
                         {"care_home_rr", E::care_home_rr, ""}}));
    }
    {
      Eligibility e = adults();
      e.need_conditions = bit(common_mental_disorder);
      e.enrol_at = recent_bits::mental_health_crisis;
      v.push_back(entry(I::mental_health_crisis, "mental_health_crisis", {4}, "nhs", Reach::person,
                        "Crisis resolution and home treatment for people in a mental-health crisis severe enough for an "
                        "admission to be considered (enrolled at the crisis, as the north Islington trial did): fewer "
                        "admissions to a mental-health bed",
                        e, {{"admission_or", E::mh_admission_or, ""}}));
    }
    v.push_back(entry(I::pooled_budget, "pooled_budget", {5}, "pooled", Reach::area,
                      "Pooled budget and joint commissioning (health and council) for an area, maturing over years: fewer "
                      "delayed transfers of care; its cost is the joint commissioning overhead",
                      {}, {{"delayed_discharge_rr", E::delayed_discharge_rr, ""}}));
    v.push_back(entry(I::shared_care_record, "shared_care_record", {5}, "nhs", Reach::area,
                      "Shared care record across health and social care for an area: fewer duplicated outpatient "
                      "follow-ups and tests",
                      {}, {{"outpatient_rr", E::outpatient_rr, ""}}));
    v.push_back(entry(I::smoking_in_pregnancy, "smoking_in_pregnancy", {1}, "public_health", Reach::births,
                      "Stop-smoking support with financial incentives for pregnant smokers (as in the CPIT trial): some mothers "
                      "who would have smoked at delivery quit, so fewer babies are born under 2,500 g and fewer infants are "
                      "admitted as emergencies. It reaches pregnancies, at each birth whose mother would smoke at delivery",
                      {}, {{"quit_probability", E::quit_smoking, ""}}));
    {
      Eligibility e = adults();
      e.need_risk = rt_unpaid_carer;
      e.care_settings = kAtHome;
      v.push_back(entry(I::carer_support, "carer_support", {2}, "council", Reach::person,
                        "Support for the unpaid carers of people living at home with dementia or severe frailty (a coping "
                        "strategy programme, as START): a supported carer is less often strained (a common mental "
                        "disorder), and the person they care for is then less likely to move into a care home",
                        e, {{"carer_strain_rr", E::carer_strain_rr, ""}}));
    }
    for (std::size_t k = 0; k < v.size(); ++k)
      if (static_cast<std::size_t>(v[k].type) != k) throw InternalError("the catalogue is not in the order of InterventionType");
    return v;
  }();
  return c;
}

void check_catalogue_parameters(const ParameterTable& table) {
  auto need = [&](const std::string& name, const std::string& what) {
    if (name.empty()) return;
    const ParameterRow* row = table.find(name);
    if (!row || !row->value)
      throw ParameterError("the parameter table has no row '" + name + "' (" + what + ")");
  };
  for (const auto& e : catalogue()) {
    for (const auto& f : e.effects) {
      need(f.parameter, "the default effect '" + f.key + "' of " + e.name);
      need(f.share_parameter, "the share of the rate that " + e.name + "'s '" + f.key + "' acts on");
    }
    need(e.unit_cost_parameter, "the unit cost of " + e.name);
    need(e.max_uptake_parameter, "the maximum uptake of " + e.name);
    need(e.half_life_parameter, "the effect half-life of " + e.name);
    need(e.ramp_up_parameter, "the ramp-up of " + e.name);
    table.find(e.evidence_months_parameter);  // optional: the evidence's months, where its ratios are averaged over lapses
  }
  need("targeting.proportionate.gradient", "the need gradient of proportionate allocation");
}

const CatalogueEntry& catalogue_entry(InterventionType t) { return catalogue()[static_cast<std::size_t>(t)]; }

std::optional<InterventionType> intervention_type_from_name(const std::string& name) {
  for (const auto& e : catalogue())
    if (e.name == name) return e.type;
  return std::nullopt;
}

}  // namespace shiftsim::model
