// In-silico trials of the intervention catalogue (trials.hpp).
#include "validation/trials.hpp"

#include "model/core/errors.hpp"
#include "model/simulation/simulation.hpp"
#include "model/world/world.hpp"
#include "scenarios/csv.hpp"
#include "scenarios/scenario.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

namespace shiftsim::validation {

namespace {

const std::vector<std::pair<const char*, TrialOutcome>> kOutcomes{
    {"abstinent", TrialOutcome::abstinent},
    {"lower_weight_band", TrialOutcome::lower_weight_band},
    {"active", TrialOutcome::active},
    {"harmful_drinking", TrialOutcome::harmful_drinking},
    {"isolated", TrialOutcome::isolated},
    {"new_chd_or_stroke", TrialOutcome::new_chd_or_stroke},
    {"carer_strained", TrialOutcome::carer_strained},
    {"mental_health_admitted", TrialOutcome::mental_health_admitted},
    {"emergency_admissions", TrialOutcome::emergency_admissions},
    {"falls_admissions", TrialOutcome::falls_admissions},
    {"gp_appointments", TrialOutcome::gp_appointments},
    {"care_home_moves", TrialOutcome::care_home_moves},
    {"deaths", TrialOutcome::deaths},
    {"newly_isolated", TrialOutcome::newly_isolated},
    {"outpatient_attendances", TrialOutcome::outpatient_attendances},
    {"delayed_bed_days", TrialOutcome::delayed_bed_days},
    {"smoke_free_at_delivery", TrialOutcome::smoke_free_at_delivery},
};
const std::vector<std::pair<const char*, TrialMeasure>> kMeasures{{"risk_ratio", TrialMeasure::risk_ratio},
                                                                  {"odds_ratio", TrialMeasure::odds_ratio},
                                                                  {"rate_ratio", TrialMeasure::rate_ratio},
                                                                  {"risk_difference", TrialMeasure::risk_difference}};

bool is_rate(TrialOutcome o) {
  switch (o) {
    case TrialOutcome::new_chd_or_stroke:
    case TrialOutcome::emergency_admissions:
    case TrialOutcome::falls_admissions:
    case TrialOutcome::gp_appointments:
    case TrialOutcome::care_home_moves:
    case TrialOutcome::outpatient_attendances:
    case TrialOutcome::delayed_bed_days:
    case TrialOutcome::deaths: return true;
    default: return false;
  }
}

/// A participant's outcome: y over m (a rate's events over person-months, or a state 0/1 over
/// 1); `counted` false when the follow-up does not measure it (dead or moved away before the
/// end of a state's follow-up, no carer).
struct Observation {
  double y = 0, m = 0;
  bool counted = false;
};

Observation observe(const model::FollowUp& f, TrialOutcome o, bool expected) {
  using namespace model;
  Observation r;
  const auto smoking = [](std::uint8_t risk) { return static_cast<Smoking>(risk & risk_bits::smoking_mask); };
  const auto weight = [](std::uint8_t risk) { return (risk & risk_bits::weight_mask) >> risk_bits::weight_shift; };
  if (is_rate(o)) {
    r.counted = f.months > 0;
    r.m = f.months;
    switch (o) {
      case TrialOutcome::new_chd_or_stroke: r.y = expected ? f.expected_chd_or_stroke : f.chd_or_stroke; break;
      case TrialOutcome::emergency_admissions: r.y = expected ? f.expected_admissions : f.admissions; break;
      case TrialOutcome::falls_admissions: r.y = expected ? f.expected_falls_admissions : f.falls_admissions; break;
      case TrialOutcome::gp_appointments: r.y = f.gp; break;
      case TrialOutcome::care_home_moves: r.y = f.care_home_moves; break;
      case TrialOutcome::outpatient_attendances: r.y = expected ? f.expected_outpatient : f.outpatient; break;
      case TrialOutcome::delayed_bed_days: r.y = expected ? f.expected_delayed_bed_days : f.delayed_bed_days; break;
      default: r.y = f.deaths; break;
    }
    return r;
  }
  if (o == TrialOutcome::smoke_free_at_delivery) {
    // Decided at the birth: every enrolled baby counts.
    r.m = 1;
    r.counted = true;
    r.y = f.smoke_free_at_birth;
    return r;
  }
  if (o == TrialOutcome::mental_health_admitted) {
    // Intention to treat: everyone enrolled, whatever happened later.
    r.m = 1;
    r.counted = true;
    r.y = f.mental_health_admissions > 0;
    return r;
  }
  if (!f.alive_at_end) return r;
  r.m = 1;
  r.counted = true;
  switch (o) {
    case TrialOutcome::abstinent:
      r.counted = smoking(f.risk0) == Smoking::current;
      r.y = smoking(f.risk1) == Smoking::ex;
      break;
    case TrialOutcome::lower_weight_band: r.y = weight(f.risk1) < weight(f.risk0); break;
    case TrialOutcome::active:
      r.counted = (f.risk0 & risk_bits::inactive) != 0;
      r.y = !(f.risk1 & risk_bits::inactive);
      break;
    case TrialOutcome::harmful_drinking:
      r.counted = (f.risk0 & risk_bits::harmful_drinking) != 0;
      r.y = (f.risk1 & risk_bits::harmful_drinking) != 0;
      break;
    case TrialOutcome::isolated:
      r.counted = (f.risk0 & risk_bits::isolated) != 0;
      r.y = (f.risk1 & risk_bits::isolated) != 0;
      break;
    case TrialOutcome::newly_isolated:
      r.counted = (f.risk0 & risk_bits::isolated) == 0;
      r.y = (f.risk1 & risk_bits::isolated) != 0;
      break;
    case TrialOutcome::carer_strained:
      r.counted = (f.risk1 & risk_bits::family) != 0;
      r.y = f.carer_strained1;
      break;
    default: break;
  }
  return r;
}

constexpr double kZ = 1.959964;  // the 97.5th centile of the normal distribution

/// The measure of two groups' totals (y over m; a state's m is the people counted).
double measure_of(TrialMeasure measure, double y1, double m1, double y0, double m0) {
  const double p1 = y1 / m1, p0 = y0 / m0;
  switch (measure) {
    case TrialMeasure::odds_ratio: return (p1 / (1 - p1)) / (p0 / (1 - p0));
    case TrialMeasure::risk_difference: return p1 - p0;
    default: return p1 / p0;
  }
}

/// Influence of one person on the log of a group's ratio y / m (or on p for a difference, on
/// the log odds for an odds ratio): the delta method's linearisation.
double influence(TrialMeasure measure, const Observation& o, double y, double m) {
  const double r = y / m;
  switch (measure) {
    case TrialMeasure::odds_ratio: return (o.y - r * o.m) / (m * r * (1 - r));
    case TrialMeasure::risk_difference: return (o.y - r * o.m) / m;
    default: return (o.y - r * o.m) / y;
  }
}

Estimate interval(TrialMeasure measure, double value, double variance) {
  Estimate e;
  if (!std::isfinite(value) || !(variance >= 0)) return e;
  const double se = std::sqrt(variance);
  e.defined = true;
  e.value = value;
  if (measure == TrialMeasure::risk_difference) {
    e.lower = value - kZ * se;
    e.upper = value + kZ * se;
  } else {
    e.lower = value * std::exp(-kZ * se);
    e.upper = value * std::exp(kZ * se);
  }
  return e;
}

std::string month_text(int year, int month0) {
  // Model month 0 is July of `year`.
  const int m = 6 + month0;
  char b[16];
  std::snprintf(b, sizeof b, "%04d-%02d", year + m / 12, m % 12 + 1);
  return b;
}

/// How the trial enrolled its participants, in words.
std::string enrolment_text(const TrialResult& r) {
  const TrialDesign& d = r.design;
  const model::Reach reach = model::catalogue_entry(*model::intervention_type_from_name(d.type)).reach;
  if (reach == model::Reach::area)
    return "cluster trial: the " + std::to_string(r.clusters) +
           " neighbourhoods randomised within their ICPs, each arm's funded fully from the start; everyone living there enrolled after " +
           std::to_string(d.run_in_months) + " months";
  if (reach == model::Reach::births)
    return "each birth whose mother would smoke at delivery, randomised by the baby's draw, over " + std::to_string(d.recruit_months) + " months";
  return model::describe_enrol_event(*model::enrol_event_from_name(d.enrol_at)) +
         (d.recruit_months > 1 ? ", recruited over " + std::to_string(d.recruit_months) + " months" : std::string(", at the start"));
}

}  // namespace

std::string outcome_name(TrialOutcome o) {
  for (const auto& [n, v] : kOutcomes)
    if (v == o) return n;
  return "unknown";
}
std::string measure_name(TrialMeasure m) {
  for (const auto& [n, v] : kMeasures)
    if (v == m) return n;
  return "unknown";
}

std::vector<TrialDesign> load_trial_designs(const std::filesystem::path& file) {
  const auto table = inputs::CsvTable::read(file);
  inputs::CsvChecker ck(table);
  if (!ck.require_columns({"type", "study", "citation", "population", "enrol_at", "targeting", "effects", "recruit_months",
                           "run_in_months", "follow_up_months", "scale", "outcome", "measure", "outcome_text", "estimate", "lower", "upper", "label",
                           "published_return", "return_perspective", "return_horizon", "notes"}))
    ck.finish();
  std::vector<std::string_view> outcomes, measures, types;
  for (const auto& [n, v] : kOutcomes) outcomes.push_back(n);
  for (const auto& [n, v] : kMeasures) measures.push_back(n);
  std::vector<std::string> type_names;
  for (const auto& e : model::catalogue()) type_names.push_back(e.name);
  for (const auto& n : type_names) types.push_back(n);
  std::vector<TrialDesign> out;
  for (std::size_t i = 0; i < table.row_count(); ++i) {
    TrialDesign d;
    d.type = ck.one_of(i, "type", types).value_or("");
    d.study = ck.text(i, "study");
    d.citation = ck.text(i, "citation");
    d.population = ck.text(i, "population");
    d.enrol_at = ck.text(i, "enrol_at");
    if (!model::enrol_event_from_name(d.enrol_at))
      ck.fail(i, "enrol_at", "is \"" + d.enrol_at + "\"; expected none, emergency_admission, discharge_home, falls_admission or mental_health_crisis");
    d.targeting = ck.text(i, "targeting");
    d.effects = ck.text(i, "effects");
    for (const char* json_column : {"targeting", "effects"}) {
      const std::string& text = ck.text(i, json_column);
      const auto j = nlohmann::json::parse(text.empty() ? std::string("{}") : text, nullptr, false);
      if (j.is_discarded() || !j.is_object()) ck.fail(i, json_column, "is not a JSON object (e.g. {\"ages\": [65, 120]})");
    }
    d.recruit_months = static_cast<int>(ck.integer(i, "recruit_months", 1, 60).value_or(1));
    d.run_in_months = static_cast<int>(ck.integer(i, "run_in_months", 0, 120).value_or(0));
    d.follow_up_months = static_cast<int>(ck.integer(i, "follow_up_months", 1, 120).value_or(12));
    d.scale = ck.number(i, "scale", 0.001, 1.0).value_or(0.05);
    const auto o = ck.one_of(i, "outcome", outcomes);
    for (const auto& [n, v] : kOutcomes)
      if (o && *o == n) d.outcome = v;
    const auto m = ck.one_of(i, "measure", measures);
    for (const auto& [n, v] : kMeasures)
      if (m && *m == n) d.measure = v;
    d.outcome_text = ck.text(i, "outcome_text");
    const bool difference = d.measure == TrialMeasure::risk_difference;
    d.estimate = ck.number(i, "estimate", difference ? -1.0 : 0.0, difference ? 1.0 : 100.0).value_or(0);
    d.lower = ck.number(i, "lower", difference ? -1.0 : 0.0, difference ? 1.0 : 100.0).value_or(0);
    d.upper = ck.number(i, "upper", difference ? -1.0 : 0.0, difference ? 1.0 : 100.0).value_or(0);
    if (!(d.lower <= d.estimate && d.estimate <= d.upper)) ck.fail(i, "estimate", "must lie between lower and upper");
    d.label = ck.one_of(i, "label", {"V", "V[E]", "S", "D"}).value_or("");
    d.published_return = ck.text(i, "published_return");
    d.return_perspective = ck.text(i, "return_perspective");
    d.return_horizon = ck.text(i, "return_horizon");
    d.notes = ck.text(i, "notes");
    if (!d.type.empty()) {
      const model::Reach reach = model::catalogue_entry(*model::intervention_type_from_name(d.type)).reach;
      if (reach != model::Reach::person && d.enrol_at != "none")
        ck.fail(i, "enrol_at", "must be none: " + d.type + " does not enrol people at an event (it reaches " +
                                   (reach == model::Reach::area ? "areas" : "births") + ")");
      if (reach == model::Reach::area && d.recruit_months != 1)
        ck.fail(i, "recruit_months", "must be 1: " + d.type + " is a cluster trial whose residents are enrolled once, after the run-in");
      if (reach != model::Reach::area && d.run_in_months != 0)
        ck.fail(i, "run_in_months", "must be 0: only a type that reaches areas has a run-in before its residents are enrolled");
      if (reach != model::Reach::person && d.targeting != "{}" && !d.targeting.empty())
        ck.fail(i, "targeting", "must be {}: " + d.type + " is not targeted at people (its areas are the trial's arms)");
    }
    out.push_back(std::move(d));
  }
  ck.finish();
  return out;
}

const TrialDesign& trial_design_of(const std::vector<TrialDesign>& designs, const std::string& type) {
  for (const auto& d : designs)
    if (d.type == type) return d;
  std::string known;
  for (const auto& d : designs) known += (known.empty() ? "" : ", ") + d.type;
  throw InputError("no in-silico trial is defined for '" + type + "' in data/trials.csv (defined: " + known + ")");
}

TrialResult run_trial(const TrialDesign& design, const runs::Inputs& in, const TrialOptions& options) {
  using nlohmann::json;
  const auto type = model::intervention_type_from_name(design.type);
  if (!type) throw InputError("'" + design.type + "' is not an intervention type of the catalogue");
  const model::CatalogueEntry& entry = model::catalogue_entry(*type);
  const bool area = entry.reach == model::Reach::area;
  const double scale = options.scale > 0 ? options.scale : design.scale;
  const int horizon = std::max(design.follow_up_months, options.horizon_months);
  // A design that enrols at an event recruits from month 1: nothing has happened before month 0.
  const int first = design.enrol_at == "none" ? 0 : 1;
  // An area is funded from month 0; its residents are enrolled after the run-in.
  const int enrol_month = area ? design.run_in_months : first;
  const int months = area ? design.run_in_months + horizon : first + design.recruit_months - 1 + horizon;
  const int base_year = in.region.base_year;
  model::ParameterTable table = in.table;
  const model::World probe = model::build_world(in.region, table);

  // The two arms' programmes as a scenario, so that the targeting reads as a user's would.
  json targeting_1 = json::parse(design.targeting.empty() ? std::string("{}") : design.targeting), targeting_2 = targeting_1;
  if (entry.reach == model::Reach::person) {
    targeting_1["enrol_at"] = design.enrol_at;
    targeting_2["enrol_at"] = design.enrol_at;
  }
  std::vector<int> cluster_arm;  // by neighbourhood (areas)
  if (area) {
    // Neighbourhoods randomised within each ICP: ordered by their own draw and allocated
    // alternately, the alternation running on across ICPs, so that the arms differ in size by
    // at most one neighbourhood overall and in each ICP.
    const auto& nbs = probe.geography.neighbourhoods;
    cluster_arm.assign(nbs.size(), 0);
    const model::RandomKey key{options.seed, 0};
    int next = 1;
    for (std::size_t icp = 0; icp < in.region.icps.size(); ++icp) {
      std::vector<std::pair<std::uint32_t, std::size_t>> order;
      for (std::size_t n = 0; n < nbs.size(); ++n)
        if (static_cast<std::size_t>(nbs[n].icp) == icp)
          order.emplace_back(model::latent_word(key, model::kAggregateEntityBase + static_cast<std::uint32_t>(n), model::trait_trial_arm), n);
      std::sort(order.begin(), order.end());
      for (const auto& [w, n] : order) {
        cluster_arm[n] = next;
        next = 3 - next;
      }
    }
    json a1 = json::array(), a2 = json::array();
    for (std::size_t n = 0; n < nbs.size(); ++n) (cluster_arm[n] == 1 ? a1 : a2).push_back(nbs[n].name);
    targeting_1 = {{"neighbourhoods", a1}};
    targeting_2 = {{"neighbourhoods", a2}};
  }
  json sham = json::object();
  for (const auto& e : entry.effects) sham[e.key] = model::is_one_off(e.kind) ? 0.0 : 1.0;
  const int funded_to = area ? months - 1 : first + design.recruit_months - 1;
  auto arm = [&](const char* name, const json& effects, const json& targeting) {
    json iv = {{"name", name}, {"type", entry.name}, {"budget", 1}, {"start", month_text(base_year, first)},
               {"end", month_text(base_year, funded_to)}, {"max_uptake", 1}, {"ramp_up_months", 0}, {"targeting", targeting}};
    if (area) iv.erase("max_uptake");  // an area's reach is its funding (full, unlimited)
    if (!effects.empty()) iv["effects"] = effects;
    return iv;
  };
  const json effects = json::parse(design.effects.empty() ? std::string("{}") : design.effects);
  const json scenario = {{"name", "trial_" + entry.name},
                         {"start_year", base_year},
                         {"years", (months + 11) / 12},
                         {"interventions", json::array({arm("trial_intervention", effects, targeting_1), arm("trial_control", sham, targeting_2)})}};
  const inputs::Scenario parsed = inputs::parse_scenario(scenario.dump(), "data/trials.csv (" + design.type + ")");
  model::Policy policy_b = inputs::resolve_scenario(parsed, in.region, probe.geography, table);
  const model::World world = model::build_world(in.region, table);
  policy_b.interventions[0].trial_arm = 1;
  policy_b.interventions[1].trial_arm = 2;
  for (auto& s : policy_b.interventions) s.unlimited = true;
  model::Policy policy_a = policy_b;
  policy_a.interventions[0].effects = policy_b.interventions[1].effects;  // arm 1's sham: the same name, so the same draws
  policy_a.interventions[0].effect_rows.clear();

  struct Run {
    std::unique_ptr<model::Simulation> sim;
    model::RunOutput out;
  };
  const double discount = inputs::FinanceRules{}.discount_rate_costs;
  auto simulate = [&](const model::Policy& policy) {
    model::RunSettings s;
    s.start_year = base_year;
    s.months = months;
    s.seed = options.seed;
    s.scale = scale;
    s.person_ledger = true;
    s.policy = std::make_shared<const model::Policy>(policy);
    s.trial = model::TrialSettings{design.follow_up_months, horizon, discount, area ? enrol_month : -1};
    Run r;
    r.sim = std::make_unique<model::Simulation>(world, s);
    r.out = r.sim->run();
    return r;
  };
  const Run run_b = simulate(policy_b);
  const Run run_a = simulate(policy_a);
  const auto& B = run_b.sim->trial()->by_id;
  const auto& A = run_a.sim->trial()->by_id;
  const model::OutputLayout& layout = run_b.out.layout;

  TrialResult r;
  r.design = design;
  r.seed = options.seed;
  r.scale = scale;
  r.horizon_months = horizon;
  const TrialMeasure measure = design.measure;
  const bool rate = is_rate(design.outcome);
  // Totals: run B's arms (realised events), and arm 1 in both runs (expected counts).
  double y1 = 0, m1 = 0, y2 = 0, m2 = 0, yb = 0, mb = 0, ya = 0, ma = 0;
  struct Counted {
    Observation o;
    int cluster;  // the neighbourhood at enrolment in a cluster trial, else -1 (the person)
  };
  struct Pair {
    Observation b, a;
    int cluster;
  };
  std::vector<Pair> paired;
  std::vector<Counted> arm1, arm2;
  const double weight = 1.0 / scale;
  const double unit_cost = policy_b.interventions[0].unit_cost;
  std::vector<std::uint32_t> ids;  // in id order, so that the sums are the same on every platform
  for (const auto& [id, f] : B) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  for (const std::uint32_t id : ids) {
    const model::FollowUp& fb = B.at(id);
    const int cluster = area ? layout.zone_neighbourhood[fb.zone] : -1;
    const auto in_a = A.find(id);
    const Observation ob = observe(fb, design.outcome, false);
    if (fb.arm == 1) {
      ++r.randomised_intervention;
      if (!area) r.spend += unit_cost * weight;
      if (in_a != A.end() && in_a->second.enrolled == fb.enrolled) {
        const model::FollowUp& fa = in_a->second;
        r.avoided_follow_up += (fa.cost_follow_up - fb.cost_follow_up) * weight;
        r.avoided_horizon += (fa.cost_horizon - fb.cost_horizon) * weight;
        const Observation eb = observe(fb, design.outcome, true), ea = observe(fa, design.outcome, true);
        if (eb.counted && ea.counted) {
          paired.push_back({eb, ea, cluster});
          yb += eb.y;
          mb += eb.m;
          ya += ea.y;
          ma += ea.m;
        }
      }
      if (ob.counted) {
        arm1.push_back({ob, cluster});
        y1 += ob.y;
        m1 += ob.m;
      }
    } else {
      ++r.randomised_control;
      if (ob.counted) {
        arm2.push_back({ob, cluster});
        y2 += ob.y;
        m2 += ob.m;
      }
    }
  }
  r.spend_follow_up = r.spend;
  if (area) {
    // Arm 1's areas' spend from the enrolment month, discounted to it (the ledger is in people).
    const auto& months_spend = run_b.out.programmes[0].months;
    for (int t = enrol_month; t < static_cast<int>(months_spend.size()); ++t) {
      const double x = months_spend[static_cast<std::size_t>(t)][model::pg_spend_total] *
                       std::pow(1.0 + discount, -(t - enrol_month) / 12.0);
      if (t - enrol_month < horizon) r.spend += x;
      if (t - enrol_month < design.follow_up_months) r.spend_follow_up += x;
    }
  }
  // The sum of squared influences, cluster by cluster (a person is their own cluster).
  auto robust = [](const std::vector<std::pair<int, double>>& contributions) {
    std::map<int, double> by_cluster;
    double v = 0;
    for (const auto& [c, x] : contributions) {
      if (c < 0) v += x * x;
      else by_cluster[c] += x;
    }
    for (const auto& [c, x] : by_cluster) v += x * x;
    return v;
  };
  const double per = rate ? 12.0 : 1.0;  // rates per person-year
  r.intervention_value = m1 > 0 ? per * y1 / m1 : 0;
  r.control_value = m2 > 0 ? per * y2 / m2 : 0;
  r.counterfactual_value = ma > 0 ? per * ya / ma : 0;
  // The trial's estimate: two independent groups.
  const bool difference = measure == TrialMeasure::risk_difference;  // defined without events
  if (m1 > 0 && m2 > 0 && (difference || (y1 > 0 && y2 > 0))) {
    std::vector<std::pair<int, double>> c1, c2;
    for (const auto& x : arm1) c1.emplace_back(x.cluster, influence(measure, x.o, y1, m1));
    for (const auto& x : arm2) c2.emplace_back(x.cluster, influence(measure, x.o, y2, m2));
    r.trial = interval(measure, measure_of(measure, y1, m1, y2, m2), robust(c1) + robust(c2));
  }
  // The model's effect: the same people with and without it.
  if (mb > 0 && ma > 0 && (difference || (yb > 0 && ya > 0))) {
    std::vector<std::pair<int, double>> c;
    for (const auto& x : paired) c.emplace_back(x.cluster, influence(measure, x.b, yb, mb) - influence(measure, x.a, ya, ma));
    r.model = interval(measure, measure_of(measure, yb, mb, ya, ma), robust(c));
  }
  r.clusters = area ? static_cast<int>(cluster_arm.size()) : 0;
  r.clusters_intervention = static_cast<int>(std::count(cluster_arm.begin(), cluster_arm.end(), 1));
  r.clusters_control = static_cast<int>(std::count(cluster_arm.begin(), cluster_arm.end(), 2));
  return r;
}

std::string format_trial(const TrialResult& r) {
  const TrialDesign& d = r.design;
  std::ostringstream out;
  char b[512];
  const bool rate = is_rate(d.outcome);
  out << "In-silico trial of " << d.type << ": " << d.study << "\n";
  out << "  study:       " << d.citation << "\n";
  out << "  population:  " << d.population << "\n";
  out << "  enrolment:   " << enrolment_text(r) << "\n";
  out << "  outcome:     " << d.outcome_text << " (" << outcome_name(d.outcome) << ", " << d.follow_up_months << " months)\n";
  std::snprintf(b, sizeof b, "  randomised:  %ld to the intervention, %ld to control (agents%s; seed %u, scale %g)\n", r.randomised_intervention,
                r.randomised_control,
                r.clusters > 0 ? (", in " + std::to_string(r.clusters_intervention) + " and " + std::to_string(r.clusters_control) + " neighbourhoods").c_str() : "",
                r.seed, r.scale);
  out << b;
  const char* unit = rate ? " per person-year" : "";
  std::snprintf(b, sizeof b, "  outcome:     intervention %.4g%s, control %.4g%s; the intervention arm without it %.4g%s\n", r.intervention_value,
                unit, r.control_value, unit, r.counterfactual_value, unit);
  out << b;
  auto est = [&](const char* what, const Estimate& e) {
    if (!e.defined) {
      std::snprintf(b, sizeof b, "  %-34s not estimable (no events)\n", what);
    } else {
      std::snprintf(b, sizeof b, "  %-34s %.3f (95%% CI %.3f to %.3f)\n", what, e.value, e.lower, e.upper);
    }
    out << b;
  };
  out << "  " << measure_name(d.measure) << ":\n";
  std::snprintf(b, sizeof b, "  %-34s %.3f (95%% CI %.3f to %.3f)  [%s]\n", "published", d.estimate, d.lower, d.upper, d.label.c_str());
  out << b;
  est("model (same people, with and without)", r.model);
  est("this trial (arm against arm)", r.trial);
  out << "  verdict:     " << (r.inside() ? "the model's effect is inside the published 95% interval" : "OUTSIDE the published 95% interval") << "\n";
  std::snprintf(b, sizeof b,
                "  return:      GBP %.2f per GBP 1 at %d months, GBP %.2f at %d months (health and care costs avoided, discounted; "
                "spend GBP %.0f)\n",
                r.return_follow_up(), d.follow_up_months, r.return_horizon(), r.horizon_months, r.spend);
  out << b;
  out << "  published:   " << d.published_return << " (" << d.return_perspective << "; " << d.return_horizon << ")\n";
  if (!d.notes.empty()) out << "  notes:       " << d.notes << "\n";
  return out.str();
}

std::string trials_markdown(const std::vector<TrialResult>& results) {
  std::ostringstream out;
  char b[256];
  out << "# The intervention catalogue against its evidence\n\n"
         "Generated by `shiftsim trial all --markdown` from `data/trials.csv` and the model (do not edit by hand; a test "
         "regenerates it). Each intervention type's in-silico trial (validation/trials.hpp) builds its study's population "
         "from the model's people, enrols them as the study did, randomises each to the intervention or a sham by their own "
         "draw, and measures the study's outcome over its follow-up. *Model effect*: the intervention arm with the "
         "intervention against the same people without it (common random numbers; expected counts for rates), with its "
         "95% interval. *Trial estimate*: arm against arm, as the study compared them. *Return*: health and care costs "
         "(NHS and councils) of the intervention arm avoided, discounted at 3.5% to enrolment, per GBP 1 spent on them, at "
         "the study's follow-up and at 5 years (2018/19 prices). Labels: V read in the source, V[E] from an earlier "
         "evidence file, S read where it is quoted, D derived (docs/evidence/catalogue_trials.md, catalogue_trials_ratios.md, "
         "catalogue_trials_events.md).\n\n";
  const TrialResult* first = results.empty() ? nullptr : &results.front();
  if (first) {
    std::snprintf(b, sizeof b, "Seed %u; each study's scale is in data/trials.csv.\n\n", first->seed);
    out << b;
  }
  int inside = 0;
  for (const auto& r : results) inside += r.inside() ? 1 : 0;
  out << inside << " of " << results.size() << " types' model effects lie inside their study's published 95% interval.\n\n";
  out << "| type | study | population and enrolment | outcome (follow-up) | published (95% CI) | model effect (95% CI) | trial estimate "
         "(95% CI) | return per GBP 1: follow-up, 5 years | published return (perspective; horizon) |\n"
         "|---|---|---|---|---|---|---|---|---|\n";
  auto ci = [&](const Estimate& e) {
    if (!e.defined) return std::string("not estimable");
    std::snprintf(b, sizeof b, "%.3f (%.3f-%.3f)", e.value, e.lower, e.upper);
    return std::string(b);
  };
  for (const auto& r : results) {
    const TrialDesign& d = r.design;
    out << "| " << d.type << " | " << d.study << " | " << d.population << "; " << enrolment_text(r) << " | " << d.outcome_text << " ("
        << d.follow_up_months << " months) | ";
    std::snprintf(b, sizeof b, "%s %.3f (%.3f-%.3f) [%s]", measure_name(d.measure).c_str(), d.estimate, d.lower, d.upper, d.label.c_str());
    out << b << " | " << ci(r.model) << (r.inside() ? "" : " **outside**") << " | " << ci(r.trial) << " | ";
    std::snprintf(b, sizeof b, "%.2f, %.2f", r.return_follow_up(), r.return_horizon());
    out << b << " | " << d.published_return << " (" << d.return_perspective << "; " << d.return_horizon << ") |\n";
  }
  out << "\n## Where the model departs from its study, and why\n\n";
  for (const auto& r : results) out << "- **" << r.design.type << "** (" << r.design.study << "). " << r.design.notes << "\n";
  out << "\n## Citations\n\n";
  for (const auto& r : results) out << "- **" << r.design.type << "**: " << r.design.citation << "\n";
  return out.str();
}

std::string trial_json(const TrialResult& r) {
  const TrialDesign& d = r.design;
  auto est = [](const Estimate& e) {
    return e.defined ? nlohmann::json{{"value", e.value}, {"lower", e.lower}, {"upper", e.upper}} : nlohmann::json(nullptr);
  };
  nlohmann::json j = {{"type", d.type},
                      {"study", d.study},
                      {"citation", d.citation},
                      {"outcome", outcome_name(d.outcome)},
                      {"measure", measure_name(d.measure)},
                      {"follow_up_months", d.follow_up_months},
                      {"published", {{"value", d.estimate}, {"lower", d.lower}, {"upper", d.upper}, {"label", d.label}}},
                      {"model", est(r.model)},
                      {"trial", est(r.trial)},
                      {"inside", r.inside()},
                      {"randomised", {{"intervention", r.randomised_intervention}, {"control", r.randomised_control}}},
                      {"values", {{"intervention", r.intervention_value}, {"control", r.control_value}, {"intervention_without", r.counterfactual_value}}},
                      {"clusters", r.clusters},
                      {"run_in_months", d.run_in_months},
                      {"spend_gbp", {{"follow_up", r.spend_follow_up}, {"horizon", r.spend}}},
                      {"avoided_gbp", {{"follow_up", r.avoided_follow_up}, {"horizon", r.avoided_horizon}}},
                      {"return_per_gbp", {{"follow_up", r.return_follow_up()}, {"horizon", r.return_horizon()}, {"horizon_months", r.horizon_months}}},
                      {"seed", r.seed}};
  return j.dump(2);
}

}  // namespace shiftsim::validation
