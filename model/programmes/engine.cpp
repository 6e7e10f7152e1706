// The programme engine (engine.hpp): a run's funded interventions month by month.
#include "model/programmes/engine.hpp"

#include "model/core/errors.hpp"
#include "model/core/parallel.hpp"
#include "model/people/events.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace shiftsim::model {

ProgrammeChannel channel_of(InterventionType t) {
  switch (t) {
    case InterventionType::community_assets: return ProgrammeChannel::community_assets;
    case InterventionType::pooled_budget: return ProgrammeChannel::pooled_budget;
    case InterventionType::intermediate_care: return ProgrammeChannel::intermediate_care;
    case InterventionType::digital_self_care: return ProgrammeChannel::digital;
    default: return ProgrammeChannel::none;
  }
}


namespace {
constexpr std::uint64_t kNoThreshold = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint32_t kAcceptAll = std::numeric_limits<std::uint32_t>::max();
/// Murmur3's 32-bit finaliser: a bijection with full avalanche.
inline std::uint32_t mix32(std::uint32_t h) {
  h ^= h >> 16;
  h *= 0x85EBCA6Bu;
  h ^= h >> 13;
  h *= 0xC2B2AE35u;
  h ^= h >> 16;
  return h;
}
/// A programme's stream: FNV-1a of its name, mixed. Its draws (selection, one-off changes,
/// lapses) are keyed by it, so a programme draws the same numbers whatever its place among a
/// scenario's interventions, and the same in two scenarios that both fund it.
std::uint32_t stream_of(const std::string& name) {
  std::uint32_t h = 2166136261u;
  for (const char ch : name) h = (h ^ static_cast<std::uint8_t>(ch)) * 16777619u;
  return mix32(h);
}
inline double inverse_minus_one(float m) { return m > 0.f ? 1.0 / static_cast<double>(m) - 1.0 : 0.0; }
constexpr std::array<EffectKind, 5> kOneOffKinds{EffectKind::quit_smoking, EffectKind::lose_weight, EffectKind::become_active,
                                                 EffectKind::stop_harmful_drinking, EffectKind::leave_isolation};
int person_multiplier_of(EffectKind k);
}  // namespace

double& ProgrammeEngine::OneOffEffects::of(EffectKind k) {
  switch (k) {
    case EffectKind::quit_smoking: return quit_smoking;
    case EffectKind::lose_weight: return lose_weight;
    case EffectKind::become_active: return become_active;
    case EffectKind::stop_harmful_drinking: return stop_harmful_drinking;
    case EffectKind::leave_isolation: return leave_isolation;
    default: break;
  }
  throw InternalError("not a one-off effect");
}

namespace {
int person_multiplier_of(EffectKind k) {
  switch (k) {
    case EffectKind::emergency_rr: return pm_emergency;
    case EffectKind::ae_rr: return pm_ae;
    case EffectKind::gp_rr: return pm_gp;
    case EffectKind::outpatient_rr: return pm_outpatient;
    case EffectKind::chd_rr: return pm_chd;
    case EffectKind::stroke_rr: return pm_stroke;
    case EffectKind::isolation_onset_rr: return pm_isolation_onset;
    case EffectKind::care_home_rr: return pm_care_home;
    case EffectKind::length_of_stay_rr: return pm_length_of_stay;
    case EffectKind::delayed_discharge_rr: return pm_delayed_discharge;
    case EffectKind::carer_strain_rr: return pm_carer_strain;
    case EffectKind::falls_rr: return pm_falls;
    case EffectKind::mh_admission_or: return pm_mh_admission_odds;
    default: return -1;
  }
}
constexpr std::array<int, 3> kAreaMultipliers{pm_isolation_onset, pm_outpatient, pm_delayed_discharge};
}  // namespace

void ProgrammeEngine::setup(const ProgrammeRun& run, const Policy* policy, std::vector<ProgrammeOutput>& ledger) {
  run_ = run;
  const OutputLayout& layout = *run_.layout;
  const auto zones = static_cast<std::size_t>(layout.zones);
  zone_actual_.assign(zones, unit_multipliers());
  zone_bound_.assign(zones, unit_multipliers());
  zone_area_bits_.assign(zones, 0);
  zone_has_area_effect_.assign(zones, 0);
  if (!policy || policy->interventions.empty()) return;
  if (policy->interventions.size() > static_cast<std::size_t>(kMaxInterventions))
    throw InputError("a scenario can fund at most " + std::to_string(kMaxInterventions) + " interventions");
  for (std::size_t k = 0; k < policy->interventions.size(); ++k) {
    const InterventionSpec& spec = policy->interventions[k];
    const CatalogueEntry& entry = catalogue_entry(spec.type);
    if (!(spec.unit_cost > 0)) throw InputError(spec.name + ": the unit cost must be above 0");
    Programme p;
    p.spec = &spec;
    p.area = entry.reach == Reach::area;
    p.births = entry.reach == Reach::births;
    p.channel = channel_of(entry.type);
    for (const auto& [kind, dist] : spec.effects) {
      const double m = spec.full_multiplier(kind);
      if (is_one_off(kind)) {
        p.one_off.of(kind) = std::clamp(dist.mean(), 0.0, 1.0);
      } else {
        p.full[static_cast<std::size_t>(person_multiplier_of(kind))] = static_cast<float>(m);
      }
    }
    p.lapse = static_cast<float>(lapse_probability(spec.effect_half_life_months));
    p.stream = stream_of(spec.name);
    for (std::size_t j = 0; j < k; ++j)
      if (programmes_[j].stream == p.stream)
        throw InputError(spec.name + " and " + programmes_[j].spec->name + ": two interventions whose names key the same random numbers; rename one");
    p.threshold.fill(kNoThreshold);
    const auto bit = static_cast<ProgrammeBits>(1u << k);
    p.at_event = enrol_event(spec) != 0;
    arm_[k] = spec.trial_arm;
    if (spec.trial_arm != 0) gated_bits_ |= bit;
    accept_[k] = p.at_event || spec.unlimited ? std::min(kAcceptAll - 1, probability_threshold(spec.max_uptake)) : kAcceptAll;
    if (accept_[k] != kAcceptAll && spec.max_uptake >= 1.0) accept_[k] = kAcceptAll;
    if (p.births) {
      // Acts at birth (assign_pregnancy_programmes, count_birth_participant): no person carries its bit.
    } else if (!p.area) {
      person_bits_ |= bit;
      actual_[k] = p.full;
      for (std::size_t j = 0; j < static_cast<std::size_t>(kPersonMultipliers); ++j) bound_[k][j] = std::max(1.f, p.full[j]);
      lapse_threshold_[k] = probability_threshold(p.lapse);
      bool any = false;
      for (float x : p.full) any = any || x != 1.f;
      if (any) effect_bits_ |= bit;
    } else {
      const Targeting& g = spec.targeting;
      p.zone_covered.assign(zones, 0);
      for (std::size_t z = 0; z < zones; ++z) {
        const bool icp_ok = g.icps.empty() || std::find(g.icps.begin(), g.icps.end(), layout.zone_icp[z]) != g.icps.end();
        const bool nb_ok = g.neighbourhoods.empty() || std::find(g.neighbourhoods.begin(), g.neighbourhoods.end(),
                                                                 layout.zone_neighbourhood[z]) != g.neighbourhoods.end();
        if (!(icp_ok && nb_ok)) continue;
        p.zone_covered[z] = 1;
        zone_area_bits_[z] |= bit;
        zone_has_area_effect_[z] = 1;
        for (int pm : kAreaMultipliers) zone_bound_[z][static_cast<std::size_t>(pm)] *= std::max(1.f, p.full[static_cast<std::size_t>(pm)]);
      }
    }
    programmes_.push_back(std::move(p));
    ProgrammeOutput po;
    po.name = spec.name;
    po.type = entry.name;
    po.shifts = spec.shifts;
    po.area = entry.reach == Reach::area;
    ledger.push_back(std::move(po));
  }
  // Funded digital self-care raises the activation of the adopters its users bring by word
  // of mouth (the system model's spillover): a multiplier of at most 1 on everyone's
  // emergency admissions in the ICP, applied with the area multipliers (bound 1).
  digital_spillover_ = std::any_of(programmes_.begin(), programmes_.end(),
                                   [](const Programme& p) { return p.channel == ProgrammeChannel::digital; });
  if (digital_spillover_) std::fill(zone_has_area_effect_.begin(), zone_has_area_effect_.end(), 1);
  eligibility_ = build_eligibility(*policy, layout.zone_icp, layout.zone_neighbourhood);
  for (const Programme& p : programmes_)
    if (p.area && p.full[pm_isolation_onset] != 1.f) track_isolation_onset_ = true;
  const RateTables& rates = *run_.rates;
  emergency_by_cell_.resize(rates.cells.size());
  for (std::size_t c = 0; c < rates.cells.size(); ++c) emergency_by_cell_[c] = rates.cells[c].emergency;
  for (Programme& p : programmes_) p.icp_level.assign(run_.world->region->icps.size(), 0.0);
}

bool ProgrammeEngine::any_effects(std::size_t i, bool bound, bool carer, PersonEffects& fx) const {
  const Population& pop = *run_.people;
  const auto bits = static_cast<ProgrammeBits>(pop.interventions[i] & person_bits_);
  const std::size_t z = pop.zone[i];
  const bool area = !zone_has_area_effect_.empty() && zone_has_area_effect_[z] != 0;
  if (!bits && !area && !carer) return false;
  fx.m = area ? (bound ? zone_bound_[z] : zone_actual_[z]) : unit_multipliers();
  for (unsigned b = bits; b; b &= b - 1) {
    const auto k = static_cast<std::size_t>(std::countr_zero(b));
    const MultiplierSet& s = bound ? bound_[k] : actual_[k];
    for (std::size_t j = 0; j < static_cast<std::size_t>(kPersonMultipliers); ++j) fx.m[j] *= s[j];
  }
  // The strain with this month's support: in the bound, the support's multipliers are at least 1
  // (bound_), so the bound's strain, and its care-home multiplier, are never below the actual.
  if (carer) {
    fx.care_home_base = carer_care_home(i, 1.f);
    fx.m[pm_care_home] *= carer_care_home(i, fx.m[pm_carer_strain]);
  }
  return true;
}

std::uint64_t ProgrammeEngine::candidate_key(std::size_t k, std::size_t i, std::uint32_t word) const {
  const Population& pop = *run_.people;
  const World& world = *run_.world;
  if (programmes_[k].spec->targeting.allocation == Allocation::highest_risk) {
    const int district = (*run_.zone_district)[pop.zone[i]];
    const float cell_rate = emergency_by_cell_[world.index(district, pop.decile[i], pop.sex(i), pop.age_years(i))];
    // The run's admission multipliers (raked frailty, smoking's direct term), which the cell
    // rate is normalised by.
    const RateTables& rt = *run_.rates;
    const float risk = cell_rate * rt.emergency[static_cast<std::size_t>(condition_count(pop.conditions[i]))][static_cast<std::size_t>(pop.frailty(i))] *
                       rt.emergency_smoking[Multipliers::smoking_index(pop.smoking(i), pop.quit_years(i))];
    std::uint32_t bits = 0;
    std::memcpy(&bits, &risk, sizeof bits);  // non-negative floats order as their bit patterns
    return (static_cast<std::uint64_t>(~bits) << 32) | word;
  }
  return (static_cast<std::uint64_t>(word) << 32) | pop.id[i];
}

void ProgrammeEngine::member_avoided_activity(std::size_t i, ProgrammeBits bits, std::vector<double>& metrics) const {
  const Population& pop = *run_.people;
  const World& world = *run_.world;
  PersonEffects fa;
  person_effects(i, false, fa);
  const int district = (*run_.zone_district)[pop.zone[i]];
  const CellRates& c = (*run_.rates).cells[world.index(district, pop.decile[i], pop.sex(i), pop.age_years(i))];
  Hazards ha;
  compute_hazards(pop, i, t_, (*run_.rates), world.multipliers, (*run_.zone_district), ha, &fa);
  const double los = static_cast<double>(c.emergency_los_days) * fa.m[pm_length_of_stay];
  const UnitCosts& u = world.costs;
  const double emergency = ha.h[ev_emergency_admission];
  const double chd = ha.h[static_cast<std::size_t>(ev_incidence_first) + coronary_heart_disease];
  const double stroke_h = ha.h[static_cast<std::size_t>(ev_incidence_first) + stroke];
  const bool isolated = (pop.risk[i] & risk_bits::isolated) != 0;
  const bool home_care = pop.care(i) == CareSetting::home_care;
  const auto council = static_cast<std::size_t>(world.council_of_district[static_cast<std::size_t>(district)]);
  // The share of the person's admissions this month that follow a fall (programmes included).
  const double falls_share = c.falls_share > 0.f ? static_cast<double>(c.falls_share) * fa.m[pm_falls] /
                                                       (1.0 - static_cast<double>(c.falls_share) * (1.0 - static_cast<double>(fa.m[pm_falls])))
                                                 : 0.0;
  for (unsigned m = bits & effect_bits_; m; m &= m - 1) {
    const auto k = static_cast<std::size_t>(std::countr_zero(m));
    const MultiplierSet& mk = actual_[k];
    double* row = &metrics[k * kProgrammeMetrics];
    // The programme's multiplier on all the person's admissions: on all of them, and on the falls part.
    const auto on_admissions = static_cast<float>(mk[pm_emergency] * (1.0 - static_cast<double>(c.falls_share) * (1.0 - static_cast<double>(mk[pm_falls]))));
    const double adm = emergency * inverse_minus_one(on_admissions);
    // The falls part of the admissions falls with both of this programme's multipliers on it.
    row[pg_avoided_falls_admissions] += emergency * falls_share * inverse_minus_one(mk[pm_emergency] * mk[pm_falls]);
    row[pg_avoided_emergency_admissions] += adm;
    row[pg_avoided_emergency_bed_days] += adm * los + emergency * los * inverse_minus_one(mk[pm_length_of_stay]);
    row[pg_avoided_chd_cases] += chd * inverse_minus_one(mk[pm_chd]);
    row[pg_avoided_stroke_cases] += stroke_h * inverse_minus_one(mk[pm_stroke]);
    if (!isolated) row[pg_avoided_isolation_onsets] += ha.h[ev_isolation_toggle] * inverse_minus_one(mk[pm_isolation_onset]);
    double moves = 0;  // care-home moves this programme avoids this month: from home care, and after an admission
    if (home_care) moves += ha.h[ev_care_move] * inverse_minus_one(mk[pm_care_home]);
    if (pop.care(i) != CareSetting::care_home) {
      // The admissions avoided would have ended in a care home at the rate without this
      // programme (the others' multiplier only); the admissions kept, at the rate with it.
      const double after = static_cast<double>(c.care_home_after_admission) * fa.m[pm_care_home];
      const double after_without = mk[pm_care_home] > 0.f ? after / static_cast<double>(mk[pm_care_home]) : after;
      moves += adm * after_without + emergency * after * inverse_minus_one(mk[pm_care_home]);
    }
    row[pg_avoided_care_home_moves] += moves;
    if (mk[pm_carer_strain] != 1.f && (pop.risk[i] & risk_bits::family)) {
      // Carer support: the strain it relieves, and the care-home moves that follow from it
      // (the move hazard with support, times the ratio of the multipliers without and with).
      const float rr = fa.m[pm_carer_strain];
      const float with = carer_care_home(i, rr), without = carer_care_home(i, rr / mk[pm_carer_strain]);
      if (with != without) {
        row[pg_avoided_strained_carer_months] += with < without ? 1.0 : -1.0;  // a drawn effect above 1 adds strain
        if (home_care) {
          const double strain_moves = ha.h[ev_care_move] * (static_cast<double>(without) / static_cast<double>(with) - 1.0);
          row[pg_avoided_care_home_moves] += strain_moves;
          moves += strain_moves;
        }
      }
    }
    const std::array<float, kRandomTallies> tally = expected_tallies(i);
    const double gp = tally[gp_appointments] * inverse_minus_one(mk[pm_gp]);
    const double ae = tally[ae_attendances] * inverse_minus_one(mk[pm_ae]);
    const double op = tally[outpatient_attendances] * fa.m[pm_outpatient] * inverse_minus_one(mk[pm_outpatient]);
    row[pg_avoided_gp_appointments] += gp;
    row[pg_avoided_ae_attendances] += ae;
    row[pg_avoided_outpatient_attendances] += op;
    // The days a shorter stay saves are excess bed-days (the spell's price holds the expected stay).
    // The stays those moves would have begun: the expected stay's weeks, the council's net part
    // of each (council-arranged, less contributions) and the NHS's nursing care.
    // Net of the home care a mover from home care keeps receiving instead, for as long.
    const RateTables& rt = *run_.rates;
    const double weeks = moves * static_cast<double>(rt.care_home_mean_stay_months * rt.care_home_weeks_per_month);
    const double home_care_kept = home_care ? moves * static_cast<double>(rt.care_home_mean_stay_months * rt.home_care_hours_per_month) *
                                                  u.tally[home_care_hours] * (1.0 - u.self_funder_share_home_care)
                                            : 0.0;
    row[pg_avoided_council_cost] += weeks * u.care_home_week_by_council[council] * (1.0 - u.self_funder_share_care_home) *
                                        (1.0 - u.contribution_share_by_council[council]) -
                                    home_care_kept;
    row[pg_avoided_nhs_cost] += adm * u.emergency_admission + emergency * los * inverse_minus_one(mk[pm_length_of_stay]) * u.excess_bed_day +
                                gp * u.tally[gp_appointments] + ae * u.tally[ae_attendances] + op * u.tally[outpatient_attendances] +
                                weeks * u.fnc_per_week_by_council[council];
  }
}

void ProgrammeEngine::scan(ProgrammeBits recruiting, ProgrammeBits only, bool with_stocks, const ProgrammeHost& host) {
  const Population& pop = *run_.people;
  const OutputLayout& layout = *run_.layout;
  const std::size_t n = pop.size();
  const std::size_t P = programmes_.size();
  const std::size_t blocks = block_count(n);
  if (scan_.size() < blocks) scan_.resize(blocks);
  const bool full = only == 0;
  const int t = t_;
  for_each_block(n, [&](std::size_t b, std::size_t begin, std::size_t end) {
    ScanBlock& sb = scan_[b];
    if (full) {
      sb.eligible.assign(P, {});
      sb.open.assign(P, {});
      sb.participants.assign(P, 0.0);
      sb.metrics.assign(P * kProgrammeMetrics, 0.0);
      sb.candidates.resize(P);
      for (auto& c : sb.candidates) c.clear();
      if (with_stocks) sb.stocks.assign(static_cast<std::size_t>(layout.cells()) * kStockMetrics, 0.0);
    } else {
      for (std::size_t k = 0; k < P; ++k)
        if (only & (1u << k)) sb.candidates[k].clear();
    }
    const ProgrammeBits wanted = full ? recruiting : only;
    MonthlyDraws selection(Purpose::programme_selection);
    // Per-block counters and each programme's filter, kept local for speed.
    std::array<std::array<std::uint32_t, kQuintiles>, kMaxInterventions> eligible{}, open{};
    std::array<std::uint32_t, kMaxInterventions> members{};
    std::array<std::array<std::uint64_t, kQuintiles>, kMaxInterventions> threshold{};
    ProgrammeBits by_quintile = 0, by_risk = 0;
    for (std::size_t k = 0; k < P; ++k) {
      const Allocation a = programmes_[k].spec->targeting.allocation;
      if (a == Allocation::proportionate) by_quintile |= static_cast<ProgrammeBits>(1u << k);
      if (a == Allocation::highest_risk) by_risk |= static_cast<ProgrammeBits>(1u << k);
      for (std::size_t q = 0; q < static_cast<std::size_t>(kQuintiles); ++q)
        threshold[k][q] = full ? programmes_[k].threshold[a == Allocation::proportionate ? q : 0] : kNoThreshold;
    }
    for (std::size_t i = begin; i < end; ++i) {
      if (!pop.alive(i)) continue;
      if (with_stocks)
        host.count_stocks(i, &sb.stocks[static_cast<std::size_t>(OutputLayout::cell(pop.zone[i], quintile_of_decile(pop.decile[i]))) *
                                   kStockMetrics]);
      const ProgrammeBits bits = pop.interventions[i];
      const ProgrammeBits elig = eligibility_.lookup(pop, i);
      if (!elig && !(bits & person_bits_)) continue;
      const int q = quintile_of_decile(pop.decile[i]);
      const auto qi = static_cast<std::size_t>(q - 1);
      if (full) {
        for (unsigned e = elig; e; e &= e - 1) {
          const auto k = static_cast<std::size_t>(std::countr_zero(e));
          ++eligible[k][qi];
          open[k][qi] += (bits >> k & 1u) ^ 1u;
        }
        for (unsigned m = bits & person_bits_; m; m &= m - 1) ++members[static_cast<std::size_t>(std::countr_zero(m))];
        if (bits & effect_bits_) member_avoided_activity(i, bits, sb.metrics);
      }
      auto want = static_cast<ProgrammeBits>(elig & ~bits & wanted);
      if (!want) continue;
      const std::uint32_t id = pop.id[i];
      if (want & gated_bits_) {
        // An in-silico trial's arm: the person's own randomisation, the same in every arm of a
        // comparison and for every programme.
        // A trial's participant is randomised once: a lapsed member is not enrolled again
        // (read-only here; enrol() inserts, serially).
        if (randomised_.count(id)) want = static_cast<ProgrammeBits>(want & ~gated_bits_);
        const int arm = latent_word(run_.key, id, trait_trial_arm) < 0x8000'0000u ? 1 : 2;
        for (unsigned g = want & gated_bits_; g; g &= g - 1) {
          const auto k = static_cast<std::size_t>(std::countr_zero(g));
          if (arm_[k] != 0 && arm_[k] != arm) want &= static_cast<ProgrammeBits>(~(1u << k));
        }
        if (!want) continue;
      }
      // One Philox word per person and month; each programme's key is a bijective mix of it
      // with the programme's stream (murmur3's finaliser), so keys differ between programmes
      // and do not depend on a programme's place in the scenario.
      const std::uint32_t base = selection.word(run_.key, id, static_cast<std::uint32_t>(t));
      for (unsigned w = want; w; w &= w - 1) {
        const auto k = static_cast<std::size_t>(std::countr_zero(w));
        const std::uint32_t word = mix32(base ^ programmes_[k].stream);
        // Programmes that enrol at an event take each eligible person who accepts the offer, with
        // the uptake as the chance (its own mix of the word, independent of the key's order).
        if (accept_[k] != kAcceptAll && mix32(word ^ 0x68E31DA4u) >= accept_[k]) continue;
        const std::uint64_t key = (by_risk >> k & 1u) ? candidate_key(k, i, word) : (static_cast<std::uint64_t>(word) << 32) | id;
        if (key < threshold[k][(by_quintile >> k & 1u) ? qi : 0])
          sb.candidates[k].push_back({key, static_cast<std::uint32_t>(i), static_cast<std::uint8_t>(q)});
      }
    }
    if (full)
      for (std::size_t k = 0; k < P; ++k) {
        for (std::size_t q = 0; q < static_cast<std::size_t>(kQuintiles); ++q) {
          sb.eligible[k][q] = eligible[k][q];
          sb.open[k][q] = open[k][q];
        }
        sb.participants[k] = members[k];
      }
  });
}

void ProgrammeEngine::enrol(std::size_t k, std::size_t i, MonthFlows& flows, ProgrammeInputs& to_system, ProgrammeHost& host) {
  Population& pop = *run_.people;
  const OutputLayout& layout = *run_.layout;
  const double weight = 1.0 / run_.scale;
  Programme& p = programmes_[k];
  const InterventionSpec& spec = *p.spec;
  const int t = t_;
  host.enrolled(k, i);
  if (gated_bits_ & (1u << k)) randomised_.insert(pop.id[i]);
  host.before_change(i);
  pop.interventions[i] = static_cast<ProgrammeBits>(pop.interventions[i] | (1u << k));
  double* row = &ledger_[k * kProgrammeMetrics];
  // Each one-off change its own word: the first four of one Philox call, the fifth of another.
  const auto words = philox_words(run_.key, pop.id[i], static_cast<std::uint32_t>(t), Purpose::programme_effect, p.stream);
  const auto more = philox_words(run_.key, pop.id[i], static_cast<std::uint32_t>(t), Purpose::programme_effect_more, p.stream);
  std::uint8_t& risk = pop.risk[i];
  for (std::size_t j = 0; j < kOneOffKinds.size(); ++j) {
    const double chance = p.one_off.of(kOneOffKinds[j]);
    if (!(chance > 0)) continue;
    const bool happens = to_unit_open(j < 4 ? words[j] : more[j - 4]) < chance;
    if (!happens) continue;
    switch (kOneOffKinds[j]) {
      case EffectKind::quit_smoking:
        if (pop.smoking(i) == Smoking::current) {
          set_smoking(pop, i, Smoking::ex);
          row[pg_quit_smoking] += 1;
        }
        break;
      case EffectKind::lose_weight:
        if (pop.weight(i) != Weight::healthy) {
          change_weight(pop, i, -1);
          row[pg_lost_weight] += 1;
        }
        break;
      case EffectKind::become_active:
        if (risk & risk_bits::inactive) {
          risk = static_cast<std::uint8_t>(risk & ~risk_bits::inactive);
          row[pg_became_active] += 1;
        }
        break;
      case EffectKind::stop_harmful_drinking:
        if (risk & risk_bits::harmful_drinking) {
          risk = static_cast<std::uint8_t>(risk & ~risk_bits::harmful_drinking);
          row[pg_stopped_harmful_drinking] += 1;
        }
        break;
      case EffectKind::leave_isolation:
        if (risk & risk_bits::isolated) {
          risk = static_cast<std::uint8_t>(risk & ~risk_bits::isolated);
          row[pg_left_isolation] += 1;
        }
        break;
      default: break;
    }
  }
  host.after_change(i);
  // The new member's effect this month (members at the start of the month were counted in the scan).
  if (effect_bits_ & (1u << k)) member_avoided_activity(i, static_cast<ProgrammeBits>(1u << k), ledger_);
  const int q = quintile_of_decile(pop.decile[i]);
  if (p.channel == ProgrammeChannel::digital) {
    const auto icp = static_cast<std::size_t>(layout.zone_icp[pop.zone[i]]);
    to_system.digital_new[icp][k] += weight;
    to_system.digital_total[icp][k] += weight;
  }
  row[pg_new_participants] += 1;
  row[pg_new_participants_q1 + q - 1] += 1;
  double* cell = &flows.cells[static_cast<std::size_t>(OutputLayout::cell(pop.zone[i], q)) * kFlowMetrics];
  cell[fm_programme_new_participants] += 1;
  for (std::size_t f = 0; f < static_cast<std::size_t>(kFunders); ++f) {
    const double spend = spec.unit_cost * p.funder_share[f];
    row[pg_spend_nhs + f] += spend;
    cell[fm_programme_spend_first + f] += spend;
  }
  row[pg_spend_total] += spec.unit_cost;
  cell[fm_programme_spend_total] += spec.unit_cost;
}

namespace {
double with_odds_multiplier(double p, double m) {
  if (m == 1.0 || !(p > 0) || !(p < 1)) return p;
  const double odds = p / (1 - p) * m;
  return odds / (1 + odds);
}
}  // namespace

double ProgrammeEngine::mental_health_admission(std::size_t i, double p0) const {
  const Population& pop = *run_.people;
  double m = 1;
  for (unsigned b = pop.interventions[i] & person_bits_; b; b &= b - 1) m *= actual_[static_cast<std::size_t>(std::countr_zero(b))][pm_mh_admission_odds];
  return with_odds_multiplier(p0, m);
}

void ProgrammeEngine::attribute_mental_health_admission(std::size_t i, double p0, double bed_days, double* metrics) const {
  const Population& pop = *run_.people;
  const double with = mental_health_admission(i, p0);
  const double cost = bed_days * run_.world->costs.mental_health_bed_day;
  for (unsigned b = pop.interventions[i] & person_bits_; b; b &= b - 1) {
    const auto k = static_cast<std::size_t>(std::countr_zero(b));
    const double m = actual_[k][pm_mh_admission_odds];
    if (m == 1.f) continue;
    // Without this programme: the others' multipliers only.
    const double odds = with / (1 - with) / m;
    const double avoided = odds / (1 + odds) - with;
    metrics[k * kProgrammeMetrics + pg_avoided_mental_health_admissions] += avoided;
    metrics[k * kProgrammeMetrics + pg_avoided_nhs_cost] += avoided * cost;
  }
}

void ProgrammeEngine::attribute_delayed_discharge(std::size_t i, double delayed, double* metrics) const {
  const double excess_bed_day = run_.world->costs.excess_bed_day;  // a delayed day is a day above the spell's expected stay
  const Population& pop = *run_.people;
  const std::size_t z = pop.zone[i];
  for (unsigned m = pop.interventions[i] & person_bits_; m; m &= m - 1) {
    const auto k = static_cast<std::size_t>(std::countr_zero(m));
    const double avoided = delayed * inverse_minus_one(actual_[k][pm_delayed_discharge]);
    metrics[k * kProgrammeMetrics + pg_avoided_delayed_discharge_bed_days] += avoided;
    metrics[k * kProgrammeMetrics + pg_avoided_nhs_cost] += avoided * excess_bed_day;
  }
  for (unsigned m = zone_area_bits_[z]; m; m &= m - 1) {
    const auto k = static_cast<std::size_t>(std::countr_zero(m));
    const Programme& p = programmes_[k];
    const auto mk = static_cast<float>(1.0 - area_level(p, z) * (1.0 - p.full[pm_delayed_discharge]));
    const double avoided = delayed * inverse_minus_one(mk);
    metrics[k * kProgrammeMetrics + pg_avoided_delayed_discharge_bed_days] += avoided;
    metrics[k * kProgrammeMetrics + pg_avoided_nhs_cost] += avoided * excess_bed_day;
  }
}

void ProgrammeEngine::apply_area_tallies(MonthFlows& flows) {
  const OutputLayout& layout = *run_.layout;
  const World& world = *run_.world;
  if (programmes_.empty()) return;
  const auto zones = static_cast<std::size_t>(layout.zones);
  for (std::size_t z = 0; z < zones; ++z) {
    if (!zone_area_bits_[z]) continue;
    const float m = zone_actual_[z][pm_outpatient];
    if (m == 1.f) continue;
    for (int q = 1; q <= kQuintiles; ++q) {
      double& op = flows.cells[static_cast<std::size_t>(OutputLayout::cell(static_cast<int>(z), q)) * kFlowMetrics + fm_tally_first +
                               outpatient_attendances];
      op *= m;
      for (unsigned bits = zone_area_bits_[z]; bits; bits &= bits - 1) {
        const auto k = static_cast<std::size_t>(std::countr_zero(bits));
        const Programme& p = programmes_[k];
        const auto mk = static_cast<float>(1.0 - area_level(p, z) * (1.0 - p.full[pm_outpatient]));
        const double avoided = op * inverse_minus_one(mk);
        ledger_[k * kProgrammeMetrics + pg_avoided_outpatient_attendances] += avoided;
        ledger_[k * kProgrammeMetrics + pg_avoided_nhs_cost] += avoided * world.costs.tally[outpatient_attendances];
      }
    }
  }
}

std::optional<Snapshot> ProgrammeEngine::run_month(int t, const std::vector<IcpFeedback>& feedback, ProgrammeInputs& to_system,
                                                   MonthFlows& flows, const std::vector<double>& cell_people,
                                                   const std::vector<double>& cell_isolation_onset, std::optional<int> snapshot_of,
                                                   ProgrammeHost& host) {
  const std::size_t P = programmes_.size();
  if (P == 0) return std::nullopt;
  t_ = t;
  const Population& pop = *run_.people;
  const OutputLayout& layout = *run_.layout;
  const double weight = 1.0 / run_.scale;
  ledger_.assign(P * kProgrammeMetrics, 0.0);
  const int fy = financial_year_of(run_.start_year, t);
  const std::size_t n_cells = static_cast<std::size_t>(layout.cells());
  const auto zones = static_cast<std::size_t>(layout.zones);

  std::vector<double> zone_people(zones, 0.0);
  for (std::size_t z = 0; z < zones; ++z)
    for (int q = 1; q <= kQuintiles; ++q) zone_people[z] += cell_people[static_cast<std::size_t>(OutputLayout::cell(static_cast<int>(z), q))];
  const auto prevention = [](const InterventionSpec& s) { return std::find(s.shifts.begin(), s.shifts.end(), 1) != s.shifts.end(); };

  // (1) This month's multipliers, funding and capacity.
  std::fill(zone_actual_.begin(), zone_actual_.end(), unit_multipliers());
  if (digital_spillover_)
    for (std::size_t z = 0; z < zones; ++z)
      zone_actual_[z][pm_emergency] = static_cast<float>(feedback[static_cast<std::size_t>(layout.zone_icp[z])].activation_emergency);
  ProgrammeBits recruiting = 0;
  std::vector<double> capacity(P, 0.0), base_capacity(P, 0.0), extra_budget(P, 0.0);
  // Reinvested savings the prevention budgets release this month (people units, GBP), shared
  // among the funded shift-1 interventions in proportion to their budgets.
  double release_total = 0, prevention_budget_total = 0;
  for (const IcpFeedback& f : feedback) release_total += f.prevention_release;
  for (std::size_t k = 0; k < P; ++k) {
    const InterventionSpec& s = *programmes_[k].spec;
    const double b = s.budget_in(fy);
    if (!programmes_[k].area && !programmes_[k].births && t >= s.start_month && t <= s.end_month && b > 0 && prevention(s))
      prevention_budget_total += b;
  }
  std::fill(to_system.released_spend.begin(), to_system.released_spend.end(), 0.0);
  for (auto& v : to_system.digital_new) std::fill(v.begin(), v.end(), 0.0);
  for (std::size_t k = 0; k < P; ++k) {
    Programme& p = programmes_[k];
    const InterventionSpec& s = *p.spec;
    const double budget = s.budget_in(fy);
    const bool funded = t >= s.start_month && t <= s.end_month && budget > 0;
    const double ramp = s.ramp_up_months > 0 ? std::min(1.0, static_cast<double>(t - s.start_month + 1) / s.ramp_up_months) : 1.0;
    p.funder_share.fill(0.0);
    if (funded) {
      const auto& by_funder = s.budget.at(fy);
      for (std::size_t f = 0; f < static_cast<std::size_t>(kFunders); ++f) p.funder_share[f] = by_funder[f] / budget;
    }
    double* row = &ledger_[k * kProgrammeMetrics];
    const ProgrammeChannel channel = p.channel;
    if (!p.area) {
      actual_[k] = p.full;
      if (funded) {
        const double places = budget / 12.0 / s.unit_cost;  // people a month
        double ready = ramp;
        if (channel == ProgrammeChannel::intermediate_care) {
          // The service takes as many as its recruited staff can (the system model's
          // third-order recruitment delay), not a fixed ramp. Funded places by ICP in
          // proportion to the residents it may reach there.
          double staffed = 0, covered = 0;
          std::vector<double> by_icp(feedback.size(), 0.0);
          for (std::size_t z = 0; z < zones; ++z) {
            const int icp = layout.zone_icp[z];
            if (!s.targeting.icps.empty() && std::find(s.targeting.icps.begin(), s.targeting.icps.end(), icp) == s.targeting.icps.end())
              continue;
            by_icp[static_cast<std::size_t>(icp)] += zone_people[z];
          }
          for (double x : by_icp) covered += x;
          for (std::size_t c = 0; c < feedback.size(); ++c) {
            to_system.funded_capacity[c][k] = covered > 0 ? places * by_icp[c] / covered : 0.0;
            staffed += feedback[c].staffed_capacity[k];
          }
          ready = places > 0 ? std::min(1.0, staffed / places) : 0.0;
        }
        double extra = 0;  // GBP a month released from the prevention budget (agents' units)
        if (release_total > 0 && prevention_budget_total > 0 && prevention(s) && !p.births)
          extra = release_total * budget / prevention_budget_total * run_.scale;
        extra_budget[k] = extra;
        base_capacity[k] = s.unlimited ? 1e15 : places * ready * run_.scale + p.carry;
        capacity[k] = base_capacity[k] + extra / s.unit_cost;
        if (p.births) p.births_capacity = capacity[k];  // used at this month's births
        else if (capacity[k] >= 1.0) recruiting |= static_cast<ProgrammeBits>(1u << k);
      } else {
        p.carry = 0;
        p.births_capacity = 0;
        for (auto& v : to_system.funded_capacity) v[k] = 0.0;
      }
      continue;
    }
    double residents = 0;  // agents
    for (std::size_t z = 0; z < zones; ++z)
      if (p.zone_covered[z])
        residents += zone_people[z];
    const bool through_stocks = channel == ProgrammeChannel::community_assets || channel == ProgrammeChannel::pooled_budget;
    // Through the system model, the whole budget is invested from the start and the stock
    // (assets, maturity) builds up; otherwise coverage ramps up and decays at the half-life.
    const double coverage =
        funded && residents > 0 ? (s.unlimited ? 1.0 : std::min(1.0, budget / (s.unit_cost * residents * weight))) * (through_stocks ? 1.0 : ramp)
                                : 0.0;
    if (through_stocks) {
      for (std::size_t c = 0; c < feedback.size(); ++c) {
        double here = 0;
        for (std::size_t z = 0; z < zones; ++z)
          if (p.zone_covered[z] && static_cast<std::size_t>(layout.zone_icp[z]) == c)
            here += zone_people[z];
        to_system.full_funding[c][k] = here * weight * s.unit_cost / 12.0;
        to_system.area_spend[c][k] = coverage * to_system.full_funding[c][k];
      }
      double level = 0;
      for (std::size_t z = 0; z < zones; ++z)
        if (p.zone_covered[z]) level += area_level(p, z) * zone_people[z];
      p.level = residents > 0 ? level / residents : 0.0;
    } else {
      p.level = std::max(coverage, p.level * (1.0 - p.lapse));
    }
    const double spend_per_agent = coverage * s.unit_cost / 12.0;
    row[pg_participants] += coverage * residents;
    row[pg_eligible] += residents;
    row[pg_effect_level] = p.level;
    for (std::size_t z = 0; z < zones; ++z) {
      if (!p.zone_covered[z]) continue;
      const double level = area_level(p, z);
      for (int pm : kAreaMultipliers)
        zone_actual_[z][static_cast<std::size_t>(pm)] *=
            static_cast<float>(1.0 - level * (1.0 - p.full[static_cast<std::size_t>(pm)]));
      if (!(spend_per_agent > 0)) continue;
      for (int q = 1; q <= kQuintiles; ++q) {
        const auto cell = static_cast<std::size_t>(OutputLayout::cell(static_cast<int>(z), q));
        const double spend = spend_per_agent * cell_people[cell];
        double* f = &flows.cells[cell * kFlowMetrics];
        for (std::size_t j = 0; j < static_cast<std::size_t>(kFunders); ++j) {
          f[fm_programme_spend_first + j] += spend * p.funder_share[j];
          row[pg_spend_nhs + j] += spend * p.funder_share[j];
        }
        f[fm_programme_spend_total] += spend;
        row[pg_spend_total] += spend;
      }
    }
  }

  // Onsets of isolation the area programmes avoid this month, from the running sums.
  if (track_isolation_onset_) {
    const std::vector<double>& onset = cell_isolation_onset;
    for (std::size_t z = 0; z < zones; ++z)
      for (unsigned bits = zone_area_bits_[z]; bits; bits &= bits - 1) {
        const auto k = static_cast<std::size_t>(std::countr_zero(bits));
        const Programme& p = programmes_[k];
        if (p.full[pm_isolation_onset] == 1.f) continue;
        const auto mk = static_cast<float>(1.0 - area_level(p, z) * (1.0 - p.full[pm_isolation_onset]));
        for (int q = 1; q <= kQuintiles; ++q) {
          const double h = onset[static_cast<std::size_t>(OutputLayout::cell(static_cast<int>(z), q))] * zone_actual_[z][pm_isolation_onset];
          ledger_[k * kProgrammeMetrics + pg_avoided_isolation_onsets] += h * inverse_minus_one(mk);
        }
      }
  }

  // (2) Counts, members' avoided activity and candidates.
  const bool with_stocks = snapshot_of.has_value();
  std::optional<Snapshot> snapshot;
  scan(recruiting, 0, with_stocks, host);
  const std::size_t blocks = block_count(pop.size());
  if (with_stocks) {
    Snapshot snap;
    snap.after_month = *snapshot_of;
    snap.cells.assign(n_cells * kStockMetrics, 0.0);
    for (std::size_t b = 0; b < blocks; ++b)
      for (std::size_t x = 0; x < snap.cells.size(); ++x) snap.cells[x] += scan_[b].stocks[x];
    snapshot = std::move(snap);
  }
  std::vector<std::array<double, kQuintiles>> eligible(P), open(P);
  for (std::size_t b = 0; b < blocks; ++b) {
    const ScanBlock& sb = scan_[b];
    for (std::size_t k = 0; k < P; ++k) {
      for (std::size_t q = 0; q < static_cast<std::size_t>(kQuintiles); ++q) {
        eligible[k][q] += sb.eligible[k][q];
        open[k][q] += sb.open[k][q];
      }
      double* row = &ledger_[k * kProgrammeMetrics];
      if (!programmes_[k].area) row[pg_participants] += sb.participants[k];
      for (int m = pg_avoided_emergency_admissions; m < kProgrammeMetrics; ++m)
        row[m] += sb.metrics[k * kProgrammeMetrics + static_cast<std::size_t>(m)];
    }
  }

  // (3) Choose and enrol, programme by programme.
  for (std::size_t k = 0; k < P; ++k) {
    Programme& p = programmes_[k];
    const InterventionSpec& s = *p.spec;
    double* row = &ledger_[k * kProgrammeMetrics];
    if (p.area || p.births) continue;
    double all_eligible = 0;
    for (double x : eligible[k]) all_eligible += x;
    row[pg_eligible] += all_eligible;
    if (!(recruiting & (1u << k))) continue;
    if (p.fy != fy) {
      p.fy = fy;
      p.fy_cap = s.max_uptake * all_eligible;
      p.fy_enrolled = 0;
    }
    const bool proportionate = s.targeting.allocation == Allocation::proportionate;
    const std::size_t groups = proportionate ? static_cast<std::size_t>(kQuintiles) : 1;
    std::vector<long> available(groups, 0);
    for (std::size_t q = 0; q < static_cast<std::size_t>(kQuintiles); ++q) available[proportionate ? q : 0] += static_cast<long>(open[k][q]);
    // (Bounded before the conversion: the scenario's limits keep it far below, but a double
    // beyond a long's range would be undefined behaviour.)
    const long by_budget = static_cast<long>(std::floor(std::clamp(capacity[k], -1e15, 1e15)));
    // Programmes that enrol at an event or take everyone (trials) apply the uptake person by
    // person (scan); the others cap the financial year's enrolment at max_uptake x eligible.
    const bool per_person_uptake = p.at_event || s.unlimited;
    const long by_uptake = per_person_uptake ? std::numeric_limits<long>::max()
                                             : static_cast<long>(std::floor(std::max(0.0, p.fy_cap - p.fy_enrolled) + 1e-9));
    long places = std::min(by_budget, by_uptake);
    std::vector<long> quota;
    if (proportionate) {
      std::array<double, kQuintiles> shares =
          s.targeting.shares_given ? s.targeting.quintile_shares : proportionate_shares(eligible[k], s.targeting.gradient);
      quota = allocate_places(places, std::vector<double>(shares.begin(), shares.end()), available);
    } else {
      quota = {std::min(places, available[0])};
    }
    // Gather the candidates of each group (block order), with a full collection if the
    // threshold let too few through.
    auto gather = [&](std::vector<std::vector<Candidate>>& by_group) {
      by_group.assign(groups, {});
      for (std::size_t b = 0; b < blocks; ++b)
        for (const Candidate& c : scan_[b].candidates[k]) by_group[proportionate ? static_cast<std::size_t>(c.quintile - 1) : 0].push_back(c);
    };
    std::vector<std::vector<Candidate>> by_group;
    gather(by_group);
    bool short_of = false;
    for (std::size_t g = 0; g < groups; ++g)
      if (static_cast<long>(by_group[g].size()) < quota[g]) short_of = true;
    // A second scan helps only if the first one filtered keys (a threshold below all keys).
    bool filtered = false;
    for (std::size_t g = 0; g < groups; ++g) filtered = filtered || p.threshold[g] != kNoThreshold;
    if (short_of && filtered) {
      scan(0, static_cast<ProgrammeBits>(1u << k), false, host);
      gather(by_group);
    }
    const auto less = [](const Candidate& a, const Candidate& b) { return a.key != b.key ? a.key < b.key : a.index < b.index; };
    std::vector<std::uint32_t> chosen;
    for (std::size_t g = 0; g < groups; ++g) {
      auto& c = by_group[g];
      const auto take = static_cast<std::size_t>(std::min<long>(quota[g], static_cast<long>(c.size())));
      if (take < c.size()) std::nth_element(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(take), c.end(), less);
      for (std::size_t j = 0; j < take; ++j) chosen.push_back(c[j].index);
      // Next month's filter: about 1.5 x quota + 64 candidates. Highest-risk keys hardly
      // change from month to month, but this month's chosen leave, so keep that many more.
      const bool by_risk = s.targeting.allocation == Allocation::highest_risk;
      const std::size_t keep = static_cast<std::size_t>(quota[g]) * (by_risk ? 5 : 3) / 2 + 64;
      if (c.size() > keep) {
        std::nth_element(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(keep), c.end(), less);
        p.threshold[g] = c[keep].key;
      } else if (p.threshold[g] != kNoThreshold && !c.empty() && !by_risk) {
        // Too few passed: widen the filter in proportion (keys are uniform in their high word).
        const long double widened = static_cast<long double>(p.threshold[g]) * 1.25L * static_cast<long double>(keep) /
                                    static_cast<long double>(c.size());
        p.threshold[g] = widened >= 1.8e19L ? kNoThreshold : static_cast<std::uint64_t>(widened);
      } else {
        p.threshold[g] = kNoThreshold;
      }
    }
    std::sort(chosen.begin(), chosen.end());
    for (std::uint32_t i : chosen) enrol(k, i, flows, to_system, host);
    const auto n_chosen = static_cast<long>(chosen.size());
    // Places beyond those the budget paid for were paid from the prevention budget.
    to_system.released_spend[k] =
        std::min(extra_budget[k], std::max(0.0, static_cast<double>(n_chosen) - std::floor(base_capacity[k])) * s.unit_cost) * weight;
    p.fy_enrolled += static_cast<double>(n_chosen);
    p.carry = n_chosen == by_budget ? capacity[k] - static_cast<double>(by_budget) : 0.0;
  }
  return snapshot;
}

float ProgrammeEngine::carer_care_home(std::size_t i, float rr) const { return run_.carers->care_home(run_.key, *run_.people, i, rr); }

ProgrammeBits ProgrammeEngine::lapsed(std::size_t i, int month) const {
  const Population& pop = *run_.people;
  const auto bits = static_cast<ProgrammeBits>(pop.interventions[i] & person_bits_);
  ProgrammeBits ended = 0;
  for (unsigned m = bits; m; m &= m - 1) {
    const auto k = static_cast<std::size_t>(std::countr_zero(m));
    const auto w = philox_words(run_.key, pop.id[i], static_cast<std::uint32_t>(month), Purpose::programme_lapse, programmes_[k].stream)[0];
    if (w < lapse_threshold_[k]) ended |= static_cast<ProgrammeBits>(1u << k);
  }
  return ended;
}

void ProgrammeEngine::assign_pregnancy_programmes(std::vector<PendingBirth>& births) {
  const OutputLayout& layout = *run_.layout;
  for (std::size_t k = 0; k < programmes_.size(); ++k) {
    Programme& p = programmes_[k];
    if (!p.births) continue;
    const Targeting& g = p.spec->targeting;
    std::vector<std::pair<std::uint32_t, std::size_t>> takers;  // (uptake draw, birth)
    for (std::size_t j = 0; j < births.size(); ++j) {
      PendingBirth& b = births[j];
      if (!b.smoking || b.programme >= 0) continue;
      // An in-silico trial's arm: the baby's own randomisation (its id keys it in every arm).
      if (arm_[k] != 0 && (latent_word(run_.key, b.id, trait_trial_arm) < 0x8000'0000u ? 1 : 2) != arm_[k]) continue;
      const auto z = static_cast<std::size_t>(b.zone);
      const bool covered = (g.icps.empty() || std::find(g.icps.begin(), g.icps.end(), layout.zone_icp[z]) != g.icps.end()) &&
                           (g.neighbourhoods.empty() ||
                            std::find(g.neighbourhoods.begin(), g.neighbourhoods.end(), layout.zone_neighbourhood[z]) != g.neighbourhoods.end());
      if (!covered) continue;
      ledger_[k * kProgrammeMetrics + pg_eligible] += 1;
      if (to_unit_open(b.words[1]) < p.spec->max_uptake) takers.emplace_back(b.words[1], j);
    }
    std::sort(takers.begin(), takers.end());
    const auto places = static_cast<std::size_t>(std::max(0.0, std::floor(p.births_capacity)));
    const std::size_t taken = std::min(places, takers.size());
    for (std::size_t t = 0; t < taken; ++t) {
      PendingBirth& b = births[takers[t].second];
      b.programme = static_cast<int>(k);
      if (to_unit_open(b.words[2]) < p.one_off.quit_smoking) {
        b.smoking = false;
        ledger_[k * kProgrammeMetrics + pg_quit_smoking] += 1;
      }
    }
    p.births_capacity -= static_cast<double>(taken);
    // Places not taken this month are not carried (the budget is unspent); a fraction is.
    p.carry = taken == places ? p.births_capacity : 0.0;
  }
}

void ProgrammeEngine::count_birth_participant(std::size_t k, int q, double* cell) {
  const Programme& p = programmes_[k];
  double* row = &ledger_[k * kProgrammeMetrics];
  row[pg_new_participants] += 1;
  row[pg_new_participants_q1 + q - 1] += 1;
  row[pg_participants] += 1;
  cell[fm_programme_new_participants] += 1;
  for (std::size_t f = 0; f < static_cast<std::size_t>(kFunders); ++f) {
    const double spend = p.spec->unit_cost * p.funder_share[f];
    row[pg_spend_nhs + f] += spend;
    cell[fm_programme_spend_first + f] += spend;
  }
  row[pg_spend_total] += p.spec->unit_cost;
  cell[fm_programme_spend_total] += p.spec->unit_cost;
}

void ProgrammeEngine::set_area_levels(const std::vector<IcpFeedback>& feedback) {
  for (std::size_t k = 0; k < programmes_.size(); ++k)
    for (std::size_t c = 0; c < feedback.size(); ++c) programmes_[k].icp_level[c] = feedback[c].area_level[k];
}

double ProgrammeEngine::area_level(const Programme& p, std::size_t zone) const {
  if (p.channel == ProgrammeChannel::community_assets || p.channel == ProgrammeChannel::pooled_budget)
    return p.icp_level[static_cast<std::size_t>(run_.layout->zone_icp[zone])];
  return p.level;
}

}  // namespace shiftsim::model
