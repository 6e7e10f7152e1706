#include "model/simulation/simulation.hpp"

#include "model/people/events.hpp"

#include "model/core/errors.hpp"
#include "model/core/parallel.hpp"

#include <boost/random/discrete_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace shiftsim::model {

namespace {

// Entity ranges for aggregate random streams (above every person id).
constexpr std::uint32_t kCellStream = kAggregateEntityBase;
constexpr std::uint32_t kZoneStream = kAggregateEntityBase + 0x10000u;
constexpr std::uint32_t kDistrictStream = kAggregateEntityBase + 0x20000u;

long poisson(CounterEngine& e, double mean) {
  if (!(mean > 0)) return 0;
  boost::random::poisson_distribution<long, double> dist(mean);
  return dist(e);
}

}  // namespace

PreparedPeople prepare_people(const World& world, const RandomKey& key, double scale) {
  // In the order a run has always made them (the stored diagnostics keep that order).
  const auto t0 = std::chrono::steady_clock::now();
  PreparedPeople p;
  p.key = key;
  p.scale = scale;
  auto syn = synthesise(world, key, scale);
  const auto t_synthesised = std::chrono::steady_clock::now();
  p.synthesis_seconds = std::chrono::duration<double>(t_synthesised - t0).count();
  p.cal = calibrate(world, syn, scale);
  reserve_slots(p.cal.rates, world.multipliers);
  p.population = std::move(syn.population);
  p.prevalence = std::move(syn.prevalence);
  p.limitation = calibrate_health_state(world, p.population, p.cal);
  p.norms = syn.norms;
  p.next_person_id = syn.next_person_id;
  p.diagnostics = p.cal.diagnostics;
  for (const auto& dc : p.prevalence.district_calibrations)
    for (std::size_t d = 0; d < dc.logit_shift.size(); ++d)
      p.diagnostics.push_back({"prevalence.district_logit_shift." + dc.indicator + "." + world.region->districts[d].code,
                               dc.logit_shift[d], "target " + std::to_string(dc.target_percent[d]) + "% of adults"});
  for (const auto& [name, v] : p.prevalence.anchor_scales)
    p.diagnostics.push_back({"prevalence.anchor_scale." + name, v, "England anchor scale factor"});
  for (const auto& note : world.costs.provenance)
    p.diagnostics.push_back({"unit_cost_gbp." + note.name, note.gbp, note.how});
  // The crises of the month before the start (their own draws, month kSynthesisMonth), so that the
  // first month has the admissions they end in, as every later month does.
  const std::uint32_t crisis_threshold = probability_threshold(world.params.mh_crisis_monthly);
  Population& pop = p.population;
  for (std::size_t i = 0; i < pop.size(); ++i)
    if (pop.alive(i) && pop.has(i, common_mental_disorder) &&
        philox_words(key, pop.id[i], kSynthesisMonth, Purpose::mental_health_crisis)[0] < crisis_threshold)
      pop.recent[i] = static_cast<std::uint8_t>(pop.recent[i] | recent_bits::mental_health_crisis);
  p.wider = calibrate_wider(world, pop, key, p.limitation, p.cal, p.diagnostics);
  p.calibration_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_synthesised).count();
  return p;
}

Simulation::Simulation(const World& world, RunSettings settings, std::shared_ptr<const PreparedPeople> prepared)
    : world_(world), settings_(std::move(settings)), key_{settings_.seed, settings_.replicate} {
  const auto t0 = std::chrono::steady_clock::now();
  if (settings_.months < 1 || settings_.months > kMaxYears * 12)
    throw InputError("the horizon must be 1 to " + std::to_string(kMaxYears * 12) + " months, not " + std::to_string(settings_.months));
  if (settings_.start_year != world.region->base_year)
    throw InputError("start year " + std::to_string(settings_.start_year) + " is not the region data's base year (" +
                     std::to_string(world.region->base_year) + "): the population is known only at mid-" +
                     std::to_string(world.region->base_year));
  if (settings_.mode == Mode::sd && settings_.policy && !settings_.policy->interventions.empty())
    throw InputError("--mode sd drives the system models from cohort averages and cannot run interventions, which act on people; "
                     "this scenario funds " + std::to_string(settings_.policy->interventions.size()) +
                     " (run it in the hybrid mode, or use a scenario without interventions)");
  weight_ = 1.0 / settings_.scale;
  if (prepared && (prepared->key.seed != key_.seed || prepared->key.replicate != key_.replicate || prepared->scale != settings_.scale))
    throw InternalError("Simulation: the prepared people were made for another seed, replicate or scale");
  const auto t_taken = std::chrono::steady_clock::now();
  PreparedPeople p = prepared ? *prepared : prepare_people(world, key_, settings_.scale);
  if (prepared) {
    // A copy of people another arm's run prepared: its time is this run's setup.
    out_.phase_seconds[1] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_taken).count();
  } else {
    out_.phase_seconds[0] = p.synthesis_seconds;
    out_.phase_seconds[1] = p.calibration_seconds;
  }
  pop_ = std::move(p.population);
  prevalence_ = std::move(p.prevalence);
  norms_ = std::move(p.norms);
  cal_ = std::move(p.cal);
  limitation_ = std::move(p.limitation);
  economy_ = p.wider.economy;
  births_ = p.wider.births;
  carers_ = p.wider.carers;
  mh_crisis_threshold_ = probability_threshold(world_.params.mh_crisis_monthly);
  for (const auto& z : world.geography.zones) zone_district_.push_back(z.district);
  set_arrival_ids(p.next_person_id);

  out_.start_year = settings_.start_year;
  out_.start_month = 7;
  out_.months = settings_.months;
  out_.flows.reserve(static_cast<std::size_t>(settings_.months));  // no regrowth copies
  out_.scale = settings_.scale;
  out_.seed = settings_.seed;
  out_.replicate = settings_.replicate;
  out_.layout.zones = static_cast<int>(world.geography.zones.size());
  for (const auto& z : world.geography.zones) {
    out_.layout.zone_icp.push_back(z.icp);
    out_.layout.zone_district.push_back(z.district);
    out_.layout.zone_neighbourhood.push_back(z.neighbourhood);
  }
  for (const auto& d : world.region->districts) {
    out_.layout.district_codes.push_back(d.code);
    out_.layout.district_names.push_back(d.name);
  }
  for (const auto& n : world.geography.neighbourhoods) out_.layout.neighbourhood_names.push_back(n.name);
  out_.diagnostics = std::move(p.diagnostics);
  out_.agents_at_start = pop_.size();
  if (settings_.person_ledger) person_cost_.assign(arrivals_.end, 0.0);
  if (settings_.trial) {
    trial_ = std::make_unique<TrialObserver>();
    trial_->settings = *settings_.trial;
  }
  ProgrammeRun run;
  run.world = &world_;
  run.people = &pop_;
  run.rates = &cal_.rates;
  run.zone_district = &zone_district_;
  run.carers = &carers_;
  run.layout = &out_.layout;
  run.key = key_;
  run.start_year = settings_.start_year;
  run.scale = settings_.scale;
  programmes_.setup(run, settings_.policy.get(), out_.programmes);
  SumsRun sums;
  sums.world = &world_;
  sums.people = &pop_;
  sums.rates = &cal_.rates;
  sums.zone_district = &zone_district_;
  sums.limitation = &limitation_;
  sums.economy = &economy_;
  sums.carers = &carers_;
  sums.programmes = &programmes_;
  sums.layout = &out_.layout;
  sums.key = key_;
  sums_.bind(sums);

  for_each_block(pop_.size(), [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) refresh_at(i, 0);
  });
  sums_.rebuild();
  out_.snapshots.push_back(snapshot(-1));
  setup_system();
  out_.setup_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void Simulation::set_arrival_ids(std::uint32_t first_free) {
  // Expected births per zone-month and in-migrants per district-month in the base year, from
  // the region data alone (never from a parameter a scenario may override, such as the
  // trends), times the growth the layout allows: the capacities are the same in every arm
  // of a comparison.
  const auto zones = world_.geography.zones.size();
  std::vector<double> women(zones, 0.0);
  for (std::size_t i = 0; i < pop_.size(); ++i)
    if (pop_.sex(i) == 1 && pop_.age_years(i) >= 15 && pop_.age_years(i) <= 44) women[pop_.zone[i]] += 1;
  double births = 0, migrants = 0;
  for (std::size_t z = 0; z < zones; ++z)
    births = std::max(births, cal_.demography.births_per_woman_15_44_per_month[static_cast<std::size_t>(zone_district_[z])] * women[z]);
  for (double m : cal_.demography.in_migrant_agents_per_month) migrants = std::max(migrants, m);
  arrivals_ = make_arrival_ids(first_free, static_cast<int>(zones), static_cast<int>(world_.region->districts.size()),
                               births * kArrivalGrowth, migrants * kArrivalGrowth);
}

void Simulation::record_survivors() {
  out_.survivors.assign(kSurvivorCells, 0.0);
  out_.survivor_utility.assign(kSurvivorCells, 0.0);
  for (std::size_t i = 0; i < pop_.size(); ++i) {
    if (!pop_.alive(i)) continue;
    const auto k = static_cast<std::size_t>(survivor_cell(pop_.decile[i], pop_.sex(i), std::min(pop_.age_years(i), kMaxAge)));
    out_.survivors[k] += weight_;
    out_.survivor_utility[k] += weight_ * static_cast<double>(pop_.utility[i]);
  }
  const Parameters& p = world_.params;
  out_.utility_norm.assign(static_cast<std::size_t>(kSexes * kSurvivorAges), 0.0);
  for (int s = 0; s < kSexes; ++s)
    for (int a = 0; a < kSurvivorAges; ++a)
      out_.utility_norm[static_cast<std::size_t>(s * kSurvivorAges + a)] = p.utility_norm(s, a);
  if (world_.region && !world_.region->nhs_spend_year.empty()) {
    const auto& spend = world_.region->nhs_spend_by_age;
    const double to_base = deflator(p, world_.region->nhs_spend_year);
    out_.nhs_spend_per_year.assign(kLifeTableCells, 0.0);
    for (int d = 1; d <= kDeciles; ++d)
      for (int s = 0; s < kSexes; ++s)
        for (int g = 0; g < kAgeGroups; ++g) {
          const int first = kAgeGroupStart[static_cast<std::size_t>(g)];
          const int last = g + 1 < kAgeGroups ? kAgeGroupStart[static_cast<std::size_t>(g + 1)] - 1 : first;
          double sum = 0;
          for (int a = first; a <= last; ++a)
            sum += spend[static_cast<std::size_t>(s)][static_cast<std::size_t>(quintile_of_decile(d) - 1)][static_cast<std::size_t>(std::min(a, 85))];
          out_.nhs_spend_per_year[static_cast<std::size_t>(life_table_cell(d, s, g))] = to_base * sum / (last - first + 1);
        }
  }
}

ParameterTable Simulation::parameter_table() const {
  ParameterTable t = world_.table;
  for (const auto& [name, v] : cal_.derived_parameters)
    if (t.contains(name)) t.set_derived(name, v);
  return t;
}

void Simulation::reset_population(Population people) {
  pop_ = std::move(people);
  std::uint32_t max_id = 0;
  for (std::size_t i = 0; i < pop_.size(); ++i) max_id = std::max(max_id, pop_.id[i]);
  set_arrival_ids(std::max(arrivals_.births_base, max_id + 1));
  if (settings_.person_ledger) person_cost_.assign(arrivals_.end, 0.0);
  if (settings_.trial) {
    trial_ = std::make_unique<TrialObserver>();
    trial_->settings = *settings_.trial;
  }
  for_each_block(pop_.size(), [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) refresh_at(i, month_);
  });
  sums_.rebuild();
}

void Simulation::refresh_at(std::size_t i, int month) {
  const Multipliers& m = world_.multipliers;
  pop_.update_clock_due(i);
  // The family bit from age 1: an unpaid carer, for someone at home with dementia or severe
  // frailty (under 1 the bit is the birth weight, set at birth).
  if (pop_.age_months[i] >= 12) {
    const std::uint8_t cond = pop_.conditions[i];
    bool has = false;
    if (CarerModel::needs_care(pop_.age_years(i), cond, pop_.frailty(i), pop_.care(i)))
      has = latent_word(key_, pop_.id[i], trait_unpaid_carer) <
            ((cond & (1u << dementia)) ? carers_.has_carer_dementia : carers_.has_carer_frailty);
    pop_.risk[i] = has ? static_cast<std::uint8_t>(pop_.risk[i] | risk_bits::family)
                       : static_cast<std::uint8_t>(pop_.risk[i] & static_cast<std::uint8_t>(~risk_bits::family));
  }
  Hazards hz;
  PersonEffects fx;
  const bool effects = programmes_.person_effects(i, true, fx);
  compute_hazards(pop_, i, month, cal_.rates, m, zone_district_, hz, effects ? &fx : nullptr);
  const int district = zone_district_[pop_.zone[i]];
  const CellRates& c = cal_.rates.cells[world_.index(district, pop_.decile[i], pop_.sex(i), pop_.age_years(i))];
  // Each event's monthly rate is its monthly probability; the windows of the event channels
  // hold from the hazards at their largest (model/people/channels.hpp).
  pop_.window[i] = channel_window(hz, c);
  pop_.death_probability[i] = hz.h[ev_death];
  // The expected tallies are not cached: ProgrammeEngine::expected_tallies computes them from
  // what this refresh reads (24 bytes a person fewer; they are read only at refreshes and rebuilds).
  const std::uint8_t cond = pop_.conditions[i];
  const Frailty f = pop_.frailty(i);
  const CareSetting care = pop_.care(i);
  // Utility: the cell's base (the norm, rescaled so that the age-sex mean is the norm) x the
  // condition, frailty and care-home multipliers.
  pop_.utility[i] = static_cast<float>(std::min(1.0, static_cast<double>(c.utility_base) *
                                                         utility_multiplier(world_.params, c.utility_norm, cond, f, care == CareSetting::care_home)));
}

void Simulation::resolve(std::size_t i, BlockState& acc, const std::array<std::uint32_t, 4>& words, unsigned mask) {
  const int t = month_;
  // The cached windows used the multipliers at their largest; the channels' events are chosen
  // with this month's actual hazards (model/people/channels.hpp).
  PersonEffects fx;
  const bool effects = programmes_.person_effects(i, false, fx);
  const PersonRates rates(pop_, i, t, cal_.rates, world_.multipliers, zone_district_, effects ? &fx : nullptr);
  const CellRates& c = rates.cell();
  const int sex = pop_.sex(i);
  const int age = pop_.age_years(i);
  std::array<int, kChannels> chosen{};
  bool any = false;
  for (int ch = 0; ch < kChannels; ++ch) {
    chosen[static_cast<std::size_t>(ch)] =
        (mask >> ch & 1u) ? channel_event(ch, words[static_cast<std::size_t>(ch)], pop_.window[i], rates) : -1;
    any = any || chosen[static_cast<std::size_t>(ch)] >= 0;
  }
  // A care-home move a programme averted (the word above the actual move hazard but within the
  // need's): the person stays, the need's clock starts.
  // So does an admission a programme averted, if it would have ended in a care home.
  bool averted = false;
  if ((mask >> ch_care & 1u) && effects && pop_.care(i) != CareSetting::care_home && pop_.care_home_entry_age_months[i] == kNoClock &&
      chosen[ch_care] < 0) {
    const double u = to_unit_open(words[ch_care]);
    if (pop_.care(i) == CareSetting::home_care)
      averted = u >= 1.0 - static_cast<double>(rates.care_need()) && u < 1.0 - static_cast<double>(rates.care_move());
    if (!averted && u < static_cast<double>(rates.emergency_need()) && u >= static_cast<double>(rates.emergency_admission()))
      averted = discharge_to_care_home_draw(key_, pop_, i, t) < static_cast<double>(c.care_home_after_admission) * fx.care_home_base;
  }
  // Whether the care channel's event is within the person's need (programmes can raise a
  // hazard above it: an effect drawn above 1).
  bool care_needed = true;
  if (effects && chosen[ch_care] >= 0) {
    const double u = to_unit_open(words[ch_care]);
    care_needed = chosen[ch_care] == ev_care_move ? u >= 1.0 - static_cast<double>(rates.care_need())
                                                  : u < static_cast<double>(rates.emergency_need());
  }
  if (averted) {
    const Cached before = sums_.cached(i);
    start_care_home_need(pop_, i);
    if (!any) {
      refresh_at(i, t);
      sums_.add_difference(acc, i, before);
      return;
    }
  }
  if (!any) return;
  const int quintile = quintile_of_decile(pop_.decile[i]);
  const auto cell = static_cast<std::size_t>(OutputLayout::cell(pop_.zone[i], quintile));
  acc.touch(cell);
  double* row = &acc.events[cell * kFlowMetrics];
  const Cached before = sums_.cached(i);
  const auto lt = static_cast<std::size_t>(life_table_cell(pop_.decile[i], sex, age_group_of(age)));
  const IcpFeedback& sys = coupling_.feedback()[static_cast<std::size_t>(coupling_.zone_icp()[pop_.zone[i]])];
  const CareSetting care_before = pop_.care(i);
  const bool after_fall = chosen[ch_care] == ev_emergency_admission && c.falls_share > 0.f &&
                          to_unit_open(words[ch_care]) < static_cast<double>(rates.falls_below());
  const EventEffects done = apply_events(pop_, i, t, chosen, c, world_.params, key_, {sys.length_of_stay, sys.delayed_discharge},
                                         effects ? &fx : nullptr, row, care_needed, after_fall);
  if (done.delay_cut) programmes_.attribute_delayed_discharge(i, done.delayed_bed_days, acc.programme.data());
  if (done.admitted && settings_.person_ledger) {
    double activity[kTallies] = {};
    double cost[kPayers] = {};
    attribute_costs(world_.costs, world_.council_of_district[static_cast<std::size_t>(zone_district_[pop_.zone[i]])], activity, 1.0,
                    done.excess_bed_days, cost);
    charge(i, cost);
  }
  if (FollowUp* f = trial_ ? trial_->find(pop_.id[i]) : nullptr; f && trial_->in_follow_up(*f, t)) {
    const unsigned cvd = (1u << coronary_heart_disease) | (1u << stroke);
    f->chd_or_stroke += static_cast<float>(kBitCount[(pop_.conditions[i] & ~before.conditions) & cvd]);
    if (done.admitted) {
      f->admissions += 1;
      if (done.falls) f->falls_admissions += 1;
      f->delayed_bed_days += static_cast<float>(done.delayed_bed_days);
      f->expected_delayed_bed_days += done.expected_delayed_bed_days;
    }
    if (pop_.care(i) == CareSetting::care_home && care_before != CareSetting::care_home) f->care_home_moves += 1;
    if (chosen[ch_leave] == ev_death || chosen[ch_leave] == ev_emigration) {
      if (chosen[ch_leave] == ev_death) f->deaths += 1;
      f->ended = true;
    }
  }
  const int leaving = chosen[ch_leave];
  if (done.admitted) {
    // What the next month's programmes can enrol at (Population::recent).
    std::uint8_t r = recent_bits::emergency_admission;
    if (done.falls) r |= recent_bits::falls_admission;
    if (pop_.care(i) != CareSetting::care_home && leaving != ev_death && leaving != ev_emigration) r |= recent_bits::discharged_home;
    pop_.recent[i] = static_cast<std::uint8_t>(pop_.recent[i] | r);
  }
  const bool changed = done.changed || averted;
  if (changed) {
    refresh_at(i, t);
    sums_.add_difference(acc, i, before);
  }
  if (leaving != ev_death && leaving != ev_emigration) return;
  // The person's contribution to the running sums leaves with them; the month's flows, counted
  // from the state at its start, keep half of it (leavers count half the month).
  sums_.contribute(acc, i, -1.0);
  pop_.status[i] = static_cast<std::uint8_t>(pop_.status[i] & static_cast<std::uint8_t>(~status_bits::alive));
  row[leaving == ev_death ? fm_deaths : fm_out_migrants] += 1;
  const std::size_t dt = sums_.district_cell(i, sex, age);
  if (leaving == ev_death) {
    acc.deaths[lt] += 1;
    acc.district_deaths[dt] += 1;
  }
  row[fm_person_months] -= 0.5;
  row[fm_qalys] -= before.utility / 24.0;
  acc.leavers[lt] += 1;
  acc.district_leavers[dt] += 1;
  const bool was_limited = sums_.limited_with(i, before.age, before.frailty, before.conditions);
  if (was_limited) acc.limited_leavers[lt] += 1;
  // The economy's and the carers' flows count a leaver half the month too.
  const WorkState work = sums_.work_state(i, before.age, before.conditions, was_limited);
  if (work.working_age()) {
    row[fm_working_age_person_months] -= 0.5;
    if (work.employed()) {
      const double days = economy_.absence_days(sex, work);
      row[fm_employed_person_months] -= 0.5;
      row[fm_sickness_absence_days] -= 0.5 * days;
      row[fm_lost_output_absence_gbp] -= 0.5 * days * economy_.output_per_absence_day;
    }
    if (work.out_of_work_ill_health()) {
      row[fm_out_of_work_ill_health_person_months] -= 0.5;
      row[fm_lost_output_workless_gbp] -= 0.5 * economy_.output_per_workless_month;
    }
  }
  if (before.carer) {
    row[fm_carer_person_months] -= 0.5;
    if (before.carer & 2u) {
      row[fm_strained_carer_person_months] -= 0.5;
      row[fm_carer_qalys_lost] -= 0.5 * carers_.utility_loss / 12.0;
    }
  }
}

void Simulation::verify_window(std::size_t i, const std::array<std::uint32_t, 4>& words) const {
  PersonEffects fx;
  const bool effects = programmes_.person_effects(i, false, fx);
  const PersonRates rates(pop_, i, month_, cal_.rates, world_.multipliers, zone_district_, effects ? &fx : nullptr);
  ChannelWindow all;
  all.lo.fill(65535);
  all.hi.fill(0);
  const unsigned outside = pop_.window[i].outside(words);
  // A care-channel word where a move or admission a programme averts would be (care_need,
  // emergency_need) must be outside the window too, or the averted need would be missed.
  const double u_care = to_unit_open(words[ch_care]);
  if (!(outside >> ch_care & 1u) &&
      (u_care < static_cast<double>(rates.emergency_need()) || u_care >= 1.0 - static_cast<double>(rates.care_need())))
    throw InternalError("person " + std::to_string(pop_.id[i]) + ", month " + std::to_string(month_) +
                        ": the care channel's word is in an averted move's or admission's zone inside its cached window");
  for (int ch = 0; ch < kChannels; ++ch)
    if (!(outside >> ch & 1u) && channel_event(ch, words[static_cast<std::size_t>(ch)], all, rates) >= 0)
      throw InternalError("person " + std::to_string(pop_.id[i]) + ", month " + std::to_string(month_) + ": channel " + std::to_string(ch) +
                          " has an event inside its cached window");
}

void Simulation::lapse_memberships(std::size_t i, BlockState& b) {
  // Each membership ends by its own draw, keyed by (person, month, programme stream): not a
  // competitor of the person's events, so it changes none of their other draws.
  const ProgrammeBits ended = programmes_.lapsed(i, month_);
  if (!ended) return;
  const Cached before = sums_.cached(i);
  pop_.interventions[i] = static_cast<ProgrammeBits>(pop_.interventions[i] & ~ended);
  refresh_at(i, month_);
  sums_.add_difference(b, i, before);
}

void Simulation::add_birth(const PendingBirth& pb, MonthFlows& flows) {
  const int zone = pb.zone;
  const bool smoking = pb.smoking;
  const auto& words = pb.words;
  const bool low_weight = to_unit_open(words[3]) < (smoking ? births_.lbw_smoker : births_.lbw_nonsmoker);
  add_person(pb.id, zone, 0, pb.sex, true, low_weight);
  const std::size_t i = pop_.size() - 1;
  const int q = quintile_of_decile(pop_.decile[i]);
  double* cell = &flows.cells[static_cast<std::size_t>(OutputLayout::cell(zone, q)) * kFlowMetrics];
  cell[fm_births] += 1;
  cell[fm_births_smoking_at_delivery] += smoking ? 1.0 : 0.0;
  cell[fm_low_birth_weight_births] += low_weight ? 1.0 : 0.0;
  if (pb.programme >= 0) {
    programmes_.count_birth_participant(static_cast<std::size_t>(pb.programme), q, cell);
    if (trial_) {
      enrolled(static_cast<std::size_t>(pb.programme), i);
      if (FollowUp* f = trial_->find(pb.id)) f->smoke_free_at_birth = !smoking;
    }
  }
}

void Simulation::add_person(std::uint32_t id, int zone, int age_years, int sex, bool newborn, bool low_birth_weight) {
  const std::size_t i = pop_.size();
  pop_.resize(i + 1);
  pop_.id[i] = id;
  const auto words = philox_words(key_, id, kSynthesisMonth, Purpose::migrant_attributes);
  const auto& share = world_.geography.zones[static_cast<std::size_t>(zone)].decile_share[static_cast<std::size_t>(imd_age_group(age_years))];
  const double u = to_unit_open(words[0]);
  int decile = kDeciles;
  double acc = 0;
  for (int d = 0; d < kDeciles; ++d) {
    acc += share[static_cast<std::size_t>(d)];
    if (u < acc) {
      decile = d + 1;
      break;
    }
  }
  pop_.zone[i] = static_cast<std::uint8_t>(zone);
  pop_.decile[i] = static_cast<std::uint8_t>(decile);
  pop_.age_months[i] = static_cast<std::uint16_t>(age_years * 12 + (newborn ? 0 : static_cast<int>(words[1] % 12u)));
  pop_.status[i] = pack_status(Frailty::fit, 1, CareSetting::home, true, sex);
  pop_.risk[i] = 0;
  pop_.conditions[i] = 0;
  pop_.interventions[i] = 0;
  draw_attributes(pop_, i, world_, prevalence_, norms_, key_);
  if (low_birth_weight) pop_.risk[i] = static_cast<std::uint8_t>(pop_.risk[i] | risk_bits::family);
  refresh_at(i, month_);
  sums_.contribute(sums_.block_of(i), i, +1.0);
  if (settings_.person_ledger && person_cost_.size() <= id) person_cost_.resize(id + 1, 0.0);
}

void Simulation::after_change(std::size_t i) {
  // Programmes change people at the start of the month, before the pass ages them: their ages
  // are still the previous month's, and so is the month their rates belong to (the mortality
  // trend counts model years at the last birthday from the month and the age together).
  refresh_at(i, month_ - 1);
  sums_.add_difference(sums_.block_of(i), i, change_before_);
}

void Simulation::count_stocks(std::size_t i, double* row) const {
  // Branch-free: every comparison adds 0 or 1.
  const int age = pop_.age_years(i);
  const std::uint8_t cond = pop_.conditions[i], risk = pop_.risk[i];
  const double adult = age >= kAdultAge ? 1.0 : 0.0;
  const auto smoking = static_cast<Smoking>(risk & risk_bits::smoking_mask);
  const auto weight = static_cast<Weight>((risk & risk_bits::weight_mask) >> risk_bits::weight_shift);
  row[sm_population] += 1;
  row[sm_population_male] += pop_.sex(i) == 0;
  row[sm_population_65_plus] += age >= 65;
  row[sm_adults] += adult;
  for (int c = 0; c < kConditions; ++c) row[sm_condition_first + c] += (cond >> c) & 1u;
  row[sm_multimorbid] += condition_count(cond) >= 2;
  row[sm_smokers] += adult * (smoking == Smoking::current);
  row[sm_ex_smokers] += adult * (smoking == Smoking::ex);
  row[sm_overweight_or_obese] += adult * (weight != Weight::healthy);
  row[sm_obese] += adult * (weight == Weight::obese);
  row[sm_inactive] += adult * ((risk & risk_bits::inactive) != 0);
  row[sm_harmful_drinkers] += adult * ((risk & risk_bits::harmful_drinking) != 0);
  row[sm_isolated] += adult * ((risk & risk_bits::isolated) != 0);
  row[sm_frailty_first + static_cast<int>(pop_.frailty(i))] += 1;
  row[sm_care_first + static_cast<int>(pop_.care(i))] += 1;
  row[sm_activity_limited] += sums_.limited(i);
}

Snapshot Simulation::snapshot(int after_month) {
  const std::size_t n_cells = static_cast<std::size_t>(out_.layout.cells());
  const std::size_t blocks = block_count(pop_.size());
  if (sums_.blocks.size() != blocks) throw InternalError("Simulation::snapshot: the running sums' blocks do not match the people");
  // Counted into the blocks' own stock rows (fresh zeros, and fresh again after), not into a
  // second set of arrays: at the end of a run the stocks of the last snapshot month are
  // still resident there.
  for_each_block(pop_.size(), [&](std::size_t b, std::size_t begin, std::size_t end) {
    ZeroedArray& v = sums_.blocks[b].stocks;
    v.assign(n_cells * kStockMetrics, 0.0);
    for (std::size_t i = begin; i < end; ++i)
      if (pop_.alive(i))
        count_stocks(i, &v[static_cast<std::size_t>(OutputLayout::cell(pop_.zone[i], quintile_of_decile(pop_.decile[i]))) * kStockMetrics]);
  });
  Snapshot s;
  s.after_month = after_month;
  s.cells.assign(n_cells * kStockMetrics, 0.0);
  for (BlockState& st : sums_.blocks) {
    for (std::size_t k = 0; k < st.stocks.size(); ++k) s.cells[k] += st.stocks[k];
    st.stocks.assign(n_cells * kStockMetrics, 0.0);  // clear_month clears only the cells the month touched
  }
  for (double& x : s.cells) x *= weight_;
  return s;
}

void Simulation::step() {
  if (month_ >= settings_.months) throw InternalError("step() after the last month");
  // (The phases' wall time, out_.phase_seconds: a clock read each, for the benchmark's profile.)
  auto t = std::chrono::steady_clock::now();
  auto lap = [&](std::size_t phase) {
    const auto now = std::chrono::steady_clock::now();
    out_.phase_seconds[phase] += std::chrono::duration<double>(now - t).count();
    t = now;
  };
  Month m = begin_month();
  if (trial_ && month_ == trial_->settings.area_enrol_month) enrol_area_residents();
  enrol_participants(m);          // (0) programmes
  lap(2);
  read_running_sums(m);           // (1) exposure, expected deaths, QALYs and activity
  apply_feedback_to_activity(m);  // (1) area programmes and the system's feedback on activity
  lap(3);
  pass_over_people(m);            // (2) ageing, events, lapses (in parallel)
  lap(4);
  combine_blocks(m);              // (3) the blocks' events, in block order
  draw_activity(m.flows);         // (3) tallies
  lap(5);
  add_births(m);                  // (3) births, pregnancy programmes
  add_in_migrants(m.flows);       // (3) in-migrants
  lap(6);
  record_month(m.flows);          // (3) costs by payer; the month's flows and programme ledger
  lap(7);
  end_month();                    // bookkeeping: stock snapshots, survivors, compaction
  lap(8);
  step_system_models();           // (4) agents -> stocks, one month of the stocks, stocks -> agents
  lap(9);
}

Simulation::Month Simulation::begin_month() {
  Month m;
  m.n_cells = static_cast<std::size_t>(out_.layout.cells());
  m.n_blocks = block_count(pop_.size());
  if (m.n_blocks > 0) sums_.block_of(pop_.size() - 1);  // make sure every block exists
  m.counting_stocks = pending_snapshot_.has_value();
  m.flows.cells.assign(m.n_cells * kFlowMetrics, 0.0);
  const std::size_t zones = static_cast<std::size_t>(out_.layout.zones);
  m.women.assign(zones, 0.0);
  m.women_smokers.assign(zones, 0.0);
  return m;
}

void Simulation::enrol_participants(Month& m) {
  // Funded interventions: multipliers, spend and this month's new participants (whose
  // one-off changes happen before the month's events). Stocks of the previous month end are
  // counted first, as participants' changes would otherwise show in them.
  m.counting_stocks_in_pass = m.counting_stocks;
  if (programmes_.empty()) return;
  // Residents (agents) by cell from the running sums, and the onsets of isolation the area
  // programmes may avoid.
  std::vector<double> cell_people(m.n_cells, 0.0), onset;
  for (const BlockState& st : sums_.blocks)
    for (std::size_t cell = 0; cell < m.n_cells; ++cell) cell_people[cell] += st.sums[cell * kSumMetrics + sum_people];
  if (programmes_.tracks_isolation_onset()) {
    onset.assign(m.n_cells, 0.0);
    for (const BlockState& st : sums_.blocks)
      for (std::size_t cell = 0; cell < m.n_cells; ++cell) onset[cell] += st.sums[cell * kSumMetrics + sum_isolation_onset];
  }
  auto snap = programmes_.run_month(month_, coupling_.feedback(), coupling_.inputs, m.flows, cell_people, onset,
                                    m.counting_stocks ? pending_snapshot_ : std::nullopt, *this);
  if (snap) {
    for (double& x : snap->cells) x *= weight_;
    out_.snapshots.push_back(std::move(*snap));
  }
  if (m.counting_stocks) {
    pending_snapshot_.reset();
    m.counting_stocks_in_pass = false;
  }
}

void Simulation::read_running_sums(Month& m) {
  // What the people alive at the start of the month contribute, from the running sums.
  const std::size_t zones = m.women.size();
  MonthFlows& flows = m.flows;
  for (std::size_t b = 0; b < m.n_blocks; ++b) {
    const BlockState& st = sums_.blocks[b];
    for (std::size_t cell = 0; cell < m.n_cells; ++cell) {
      const double* sum = &st.sums[cell * kSumMetrics];
      if (sum[sum_people] == 0.0) continue;
      double* row = &flows.cells[cell * kFlowMetrics];
      row[fm_person_months] += sum[sum_people];
      row[fm_expected_deaths] += sum[sum_expected_deaths];
      row[fm_qalys] += sum[sum_utility] / 12.0;
      row[fm_working_age_person_months] += sum[sum_working_age];
      row[fm_employed_person_months] += sum[sum_employed];
      row[fm_out_of_work_ill_health_person_months] += sum[sum_out_of_work_ill_health];
      row[fm_sickness_absence_days] += sum[sum_absence_days];
      row[fm_lost_output_workless_gbp] += sum[sum_out_of_work_ill_health] * economy_.output_per_workless_month;
      row[fm_lost_output_absence_gbp] += sum[sum_absence_days] * economy_.output_per_absence_day;
      row[fm_carer_person_months] += sum[sum_carers];
      row[fm_strained_carer_person_months] += sum[sum_strained_carers];
      row[fm_carer_qalys_lost] += sum[sum_strained_carers] * carers_.utility_loss / 12.0;
      // Random tallies are drawn from their expected sums below; in ledger mode they are
      // drawn per person during the pass instead (and arrive with the events).
      for (int k = settings_.person_ledger ? kRandomTallies : 0; k < kTallies; ++k)
        row[fm_tally_first + k] += sum[sum_tally_first + k];
    }
    for (std::size_t k = 0; k < kLifeTableCells; ++k) {
      flows.person_months[k] += st.people[k];
      flows.limited_person_months[k] += st.limited[k];
    }
    if (flows.district_person_months.size() != st.district_people.size()) flows.district_person_months.assign(st.district_people.size(), 0.0);
    for (std::size_t k = 0; k < st.district_people.size(); ++k) flows.district_person_months[k] += st.district_people[k];
    for (std::size_t z = 0; z < zones; ++z) {
      m.women[z] += st.women[z];
      m.women_smokers[z] += st.women_smokers[z];
    }
  }
}

void Simulation::apply_feedback_to_activity(Month& m) {
  if (settings_.person_ledger) return;  // ledger mode applies them per person in the pass
  programmes_.apply_area_tallies(m.flows);
  // The system's feedback on A&E (unmet GP demand) and GP appointments (online contacts).
  for (std::size_t cell = 0; cell < m.n_cells; ++cell) {
    const IcpFeedback& f = coupling_.feedback()[static_cast<std::size_t>(coupling_.icp_of_zone(cell / kQuintiles))];
    m.flows.cells[cell * kFlowMetrics + fm_tally_first + ae_attendances] *= f.ae;
    m.flows.cells[cell * kFlowMetrics + fm_tally_first + gp_appointments] *= f.gp;
  }
}

void Simulation::pass_over_people(Month& m) {
  // Ageing and the one draw per person.
  const int t = month_;
  const std::size_t n = pop_.size(), n_cells = m.n_cells;
  const bool counting_stocks_in_pass = m.counting_stocks_in_pass;
  const std::size_t programme_values = programmes_.size() * kProgrammeMetrics;
  for_each_block(n, [&](std::size_t b, std::size_t begin, std::size_t end) {
    BlockState& st = sums_.blocks[b];
    st.clear_month(n_cells);
    if (st.programme.size() != programme_values) st.programme.assign(programme_values, 0.0);
    ChannelDraws draws;
    for (std::size_t i = begin; i < end; ++i) {
      if (!pop_.alive(i)) continue;
      // Last month's events have had their month to enrol the person (enrol_participants); a
      // crisis's admission is decided now, with the crisis care the person joined.
      if (pop_.recent[i]) {
        if (pop_.recent[i] & recent_bits::mental_health_crisis) mental_health_admission(i, st);
        pop_.recent[i] = 0;
      }
      if (counting_stocks_in_pass) {
        // Stocks at the end of the previous month, counted before this month changes anything.
        const auto cell = static_cast<std::size_t>(OutputLayout::cell(pop_.zone[i], quintile_of_decile(pop_.decile[i])));
        st.touch(cell);
        count_stocks(i, &st.stocks[cell * kStockMetrics]);
      }
      if (settings_.person_ledger) ledger_activity(i, st);
      const auto age_months = static_cast<std::uint16_t>(pop_.age_months[i] + 1);
      if (age_months % 12 == 0 || age_months == pop_.clock_due[i]) {
        // Birthday: the person's contribution moves to their new age. A year since quitting
        // smoking or since moving into a care home moves their rates on too.
        const Cached before = sums_.cached(i);
        pop_.age_months[i] = age_months;
        if (age_months == kAdultAge * 12) draw_adult_risk_factors(pop_, i, world_, prevalence_, norms_, key_, t);
        refresh_at(i, t);
        sums_.add_difference(st, i, before);
      } else {
        pop_.age_months[i] = age_months;
      }
      if (trial_) follow_month(i);
      if (pop_.has(i, common_mental_disorder) &&
          philox_words(key_, pop_.id[i], static_cast<std::uint32_t>(t), Purpose::mental_health_crisis)[0] < mh_crisis_threshold_) {
        // A crisis severe enough for an admission to be considered (decided next month).
        const auto cell = static_cast<std::size_t>(OutputLayout::cell(pop_.zone[i], quintile_of_decile(pop_.decile[i])));
        st.touch(cell);
        st.events[cell * kFlowMetrics + fm_mental_health_crises] += 1;
        pop_.recent[i] = static_cast<std::uint8_t>(pop_.recent[i] | recent_bits::mental_health_crisis);
      }
      // The top halves of the month's four channel words; a word outside its window is resolved.
      const auto tops = draws.tops(key_, pop_.id[i], static_cast<std::uint32_t>(t));
      if (settings_.verify_windows) verify_window(i, ChannelDraws::complete(key_, pop_.id[i], static_cast<std::uint32_t>(t), tops));
      if (const unsigned outside = pop_.window[i].outside(tops))
        resolve(i, st, ChannelDraws::complete(key_, pop_.id[i], static_cast<std::uint32_t>(t), tops), outside);
      if ((pop_.interventions[i] & programmes_.person_bits()) && pop_.alive(i)) lapse_memberships(i, st);
      if (trial_ && pop_.alive(i)) follow_end(i);
    }
  });
}

void Simulation::ledger_activity(std::size_t i, BlockState& st) {
  // Ledger mode: per-person draws of the month's expected activity, and the person's cost.
  const auto cell = static_cast<std::size_t>(OutputLayout::cell(pop_.zone[i], quintile_of_decile(pop_.decile[i])));
  st.touch(cell);
  double* row = &st.events[cell * kFlowMetrics];
  CounterEngine e(key_, pop_.id[i], static_cast<std::uint32_t>(month_), Purpose::tallies);
  double activity[kTallies];
  const float area_outpatient = programmes_.zone_outpatient(pop_.zone[i]);
  const IcpFeedback& f = coupling_.feedback()[static_cast<std::size_t>(coupling_.zone_icp()[pop_.zone[i]])];
  const std::array<float, kRandomTallies> tally = programmes_.expected_tallies(i);
  for (int k = 0; k < kRandomTallies; ++k) {
    const double sys = k == ae_attendances ? f.ae : (k == gp_appointments ? f.gp : 1.0);
    const double mean = tally[static_cast<std::size_t>(k)] * (k == outpatient_attendances ? area_outpatient : 1.f) * sys;
    activity[k] = static_cast<double>(poisson(e, mean));
    row[fm_tally_first + k] += activity[k];
  }
  if (FollowUp* fu = trial_ ? trial_->find(pop_.id[i]) : nullptr; fu && trial_->in_follow_up(*fu, month_))
    fu->outpatient += static_cast<float>(activity[outpatient_attendances]);
  const CareSetting care = pop_.care(i);
  activity[home_care_hours] = care == CareSetting::home_care ? cal_.rates.home_care_hours_per_month : 0.0;
  activity[care_home_weeks] = care == CareSetting::care_home ? cal_.rates.care_home_weeks_per_month : 0.0;
  double cost[kPayers] = {};
  attribute_costs(world_.costs, world_.council_of_district[static_cast<std::size_t>(zone_district_[pop_.zone[i]])],
                          activity, 0.0, 0.0, cost);
  charge(i, cost);
}

void Simulation::charge(std::size_t i, const double* cost) {
  const std::uint32_t id = pop_.id[i];
  double health_and_care = 0;
  for (int k = 0; k < kPayers; ++k) {
    person_cost_[id] += cost[k];
    if (k != households) health_and_care += cost[k];
  }
  if (!trial_) return;
  if (FollowUp* f = trial_->find(id); f && trial_->following(*f, month_)) {
    const double discounted = health_and_care * std::pow(1.0 + trial_->settings.discount_rate, -(month_ - f->enrolled) / 12.0);
    f->cost_horizon += discounted;
    if (trial_->in_follow_up(*f, month_)) f->cost_follow_up += discounted;
  }
}

void Simulation::enrolled(std::size_t k, std::size_t i) {
  // Called from the programmes' serial enrolment: the only place records are added.
  if (!trial_) return;
  const int arm = programmes_.spec(k).trial_arm;
  if (arm == 0 || trial_->find(pop_.id[i])) return;
  FollowUp& f = trial_->by_id[pop_.id[i]];
  f.enrolled = static_cast<std::int16_t>(month_);
  f.arm = static_cast<std::uint8_t>(arm);
  f.zone = pop_.zone[i];
  f.risk0 = pop_.risk[i];
}

void Simulation::enrol_area_residents() {
  for (std::size_t k = 0; k < programmes_.size(); ++k) {
    if (!programmes_.area(k) || programmes_.spec(k).trial_arm == 0) continue;
    const std::vector<char>& covered = programmes_.zone_covered(k);
    for (std::size_t i = 0; i < pop_.size(); ++i)
      if (pop_.alive(i) && covered[pop_.zone[i]]) enrolled(k, i);
  }
}

void Simulation::mental_health_admission(std::size_t i, BlockState& st) {
  const Parameters& p = world_.params;
  const double chance = programmes_.mental_health_admission(i, p.mh_admission_after_crisis);
  const double bed_days = p.mh_admission_los_days;
  if (!programmes_.empty()) programmes_.attribute_mental_health_admission(i, p.mh_admission_after_crisis, bed_days, st.programme.data());
  if (to_unit_open(philox_words(key_, pop_.id[i], static_cast<std::uint32_t>(month_), Purpose::mental_health_admission)[0]) >= chance) return;
  const auto cell = static_cast<std::size_t>(OutputLayout::cell(pop_.zone[i], quintile_of_decile(pop_.decile[i])));
  st.touch(cell);
  st.events[cell * kFlowMetrics + fm_mental_health_admissions] += 1;  // its bed-days: record_month
  if (settings_.person_ledger) {
    double cost[kPayers] = {};
    cost[nhs_mental_health] = bed_days * world_.costs.mental_health_bed_day;
    charge(i, cost);
  }
  if (FollowUp* f = trial_ ? trial_->find(pop_.id[i]) : nullptr; f && trial_->in_follow_up(*f, month_)) f->mental_health_admissions += 1;
}

void Simulation::follow_month(std::size_t i) {
  FollowUp* f = trial_->find(pop_.id[i]);
  if (!f || !trial_->in_follow_up(*f, month_)) return;
  PersonEffects fx;
  const bool effects = programmes_.person_effects(i, false, fx);
  const PersonRates r(pop_, i, month_, cal_.rates, world_.multipliers, zone_district_, effects ? &fx : nullptr);
  f->months += 1;
  f->expected_admissions += r.emergency_admission();
  f->expected_chd_or_stroke += static_cast<double>(r.incidence(coronary_heart_disease)) + r.incidence(stroke);
  f->expected_falls_admissions += static_cast<double>(r.emergency_admission()) * r.falls_share_of_admission();
  const std::array<float, kRandomTallies> tally = programmes_.expected_tallies(i);
  f->gp += tally[gp_appointments];
  f->expected_outpatient += static_cast<double>(tally[outpatient_attendances]) * programmes_.zone_outpatient(pop_.zone[i]);
}

void Simulation::follow_end(std::size_t i) {
  FollowUp* f = trial_->find(pop_.id[i]);
  if (!f || !trial_->in_follow_up(*f, month_) || month_ - f->enrolled + 1 < trial_->settings.follow_up_months) return;
  f->ended = true;
  f->alive_at_end = true;
  f->risk1 = pop_.risk[i];
  f->carer_strained1 = (pop_.risk[i] & risk_bits::family) && pop_.age_months[i] >= 12 &&
                       carers_.strained(key_, pop_, i, programmes_.carer_strain_rr(i));
}

void Simulation::combine_blocks(Month& m) {
  const std::size_t programme_values = programmes_.size() * kProgrammeMetrics;
  std::vector<double>& ledger = programmes_.month_metrics();
  for (std::size_t b = 0; b < m.n_blocks; ++b) {
    const BlockState& st = sums_.blocks[b];
    for (std::size_t k = st.first_cell * kFlowMetrics; k < st.end_cell * kFlowMetrics; ++k) m.flows.cells[k] += st.events[k];
    for (std::size_t k = 0; k < kLifeTableCells; ++k) {
      m.flows.deaths[k] += st.deaths[k];
      m.flows.person_months[k] -= 0.5 * st.leavers[k];
      m.flows.limited_person_months[k] -= 0.5 * st.limited_leavers[k];
    }
    if (m.flows.district_deaths.size() != st.district_deaths.size()) m.flows.district_deaths.assign(st.district_deaths.size(), 0.0);
    if (m.flows.district_person_months.size() != st.district_deaths.size()) m.flows.district_person_months.assign(st.district_deaths.size(), 0.0);
    for (std::size_t k = 0; k < st.district_deaths.size(); ++k) {
      m.flows.district_deaths[k] += st.district_deaths[k];
      m.flows.district_person_months[k] -= 0.5 * st.district_leavers[k];
    }
    for (std::size_t k = 0; k < programme_values; ++k) ledger[k] += st.programme[k];
  }
  if (!m.counting_stocks_in_pass) return;
  // The stocks the pass counted: the snapshot of the previous month's end.
  Snapshot snap;
  snap.after_month = *pending_snapshot_;
  snap.cells.assign(m.n_cells * kStockMetrics, 0.0);
  for (std::size_t b = 0; b < m.n_blocks; ++b) {
    const BlockState& st = sums_.blocks[b];
    for (std::size_t k = st.first_cell * kStockMetrics; k < st.end_cell * kStockMetrics; ++k) snap.cells[k] += st.stocks[k];
  }
  for (double& x : snap.cells) x *= weight_;
  out_.snapshots.push_back(std::move(snap));
  pending_snapshot_.reset();
}

void Simulation::draw_activity(MonthFlows& flows) {
  // Tallies: one Poisson draw per cell and service from the summed means (ledger mode drew
  // them per person in the pass).
  if (settings_.person_ledger) return;
  const int t = month_;
  const std::size_t n_cells = static_cast<std::size_t>(out_.layout.cells());
  for (std::size_t cell = 0; cell < n_cells; ++cell) {
    CounterEngine e(key_, kCellStream + static_cast<std::uint32_t>(cell), static_cast<std::uint32_t>(t), Purpose::tallies);
    double* row = &flows.cells[cell * kFlowMetrics];
    for (int k = 0; k < kRandomTallies; ++k) row[fm_tally_first + k] = static_cast<double>(poisson(e, row[fm_tally_first + k]));
  }
}

void Simulation::add_births(Month& m) {
  // Births into the zone of the mothers, in a fixed order.
  const int t = month_;
  const std::size_t zones = m.women.size();
  const Parameters& p = world_.params;
  const double fertility_trend = std::pow(1 + p.fertility_trend_per_year, t / 12);
  std::vector<PendingBirth> pending;
  for (std::size_t z = 0; z < zones; ++z) {
    const int d = zone_district_[z];
    const double mean = cal_.demography.births_per_woman_15_44_per_month[static_cast<std::size_t>(d)] * fertility_trend * m.women[z];
    CounterEngine e(key_, kZoneStream + static_cast<std::uint32_t>(z), static_cast<std::uint32_t>(t), Purpose::births);
    const long births = poisson(e, mean);
    const double satod = births_.satod(m.women[z], m.women_smokers[z]);
    for (long b = 0; b < births; ++b) {
      PendingBirth pb;
      pb.zone = static_cast<int>(z);
      // The b-th birth in the zone this month is the same baby in every arm that has one.
      pb.id = arrivals_.birth(t, static_cast<int>(z), b);
      pb.sex = to_unit_open(philox_words(key_, pb.id, kSynthesisMonth, Purpose::migrant_attributes)[2]) < cal_.demography.male_share_of_births ? 0 : 1;
      pb.words = philox_words(key_, kZoneStream + static_cast<std::uint32_t>(z), static_cast<std::uint32_t>(t), Purpose::birth_outcome,
                              static_cast<std::uint32_t>(b));
      pb.smoking = to_unit_open(pb.words[0]) < satod;
      pending.push_back(pb);
    }
  }
  programmes_.assign_pregnancy_programmes(pending);
  for (const PendingBirth& pb : pending) add_birth(pb, m.flows);
}

void Simulation::add_in_migrants(MonthFlows& flows) {
  const int t = month_;
  const Parameters& p = world_.params;
  const double migration_trend = std::pow(1 + p.migration_trend_per_year, t / 12);
  const auto& geo = world_.geography;
  for (std::size_t d = 0; d < world_.region->districts.size(); ++d) {
    const double mean = cal_.demography.in_migrants(d, migration_trend);
    if (!(mean > 0)) continue;
    CounterEngine e(key_, kDistrictStream + static_cast<std::uint32_t>(d), static_cast<std::uint32_t>(t), Purpose::migration);
    const long movers = poisson(e, mean);
    std::vector<double> zone_weights;
    for (int z : geo.zones_of_district[d]) zone_weights.push_back(static_cast<double>(geo.zones[static_cast<std::size_t>(z)].population));
    boost::random::discrete_distribution<int, double> pick_zone(zone_weights.begin(), zone_weights.end());
    const auto& ages = cal_.demography.in_migrant_ages(d, p.migration_age_profile);
    boost::random::discrete_distribution<int, double> pick_age(ages.begin(), ages.end());
    for (long k = 0; k < movers; ++k) {
      const int zone = geo.zones_of_district[d][static_cast<std::size_t>(pick_zone(e))];
      const int age = pick_age(e);
      const int sex = e.uniform() < p.migration_female_share ? 1 : 0;
      add_person(arrivals_.migrant(t, static_cast<int>(d), k), zone, age, sex, false);
      const std::size_t i = pop_.size() - 1;
      flows.cells[static_cast<std::size_t>(OutputLayout::cell(zone, quintile_of_decile(pop_.decile[i]))) * kFlowMetrics + fm_in_migrants] += 1;
    }
  }
}

void Simulation::record_month(MonthFlows& flows) {
  const std::size_t n_cells = static_cast<std::size_t>(out_.layout.cells());
  // People units, then costs by payer.
  for (double& x : flows.cells) x *= weight_;
  for (std::size_t k = 0; k < kLifeTableCells; ++k) {
    flows.deaths[k] *= weight_;
    flows.person_months[k] *= weight_;
    flows.limited_person_months[k] *= weight_;
  }
  for (double& x : flows.district_deaths) x *= weight_;
  for (double& x : flows.district_person_months) x *= weight_;
  // Mental-health inpatients as a stock of bed-days still to be spent in each cell: the month's
  // admissions add their stays, and a share 1 - exp(-30.44 / stay) of the stock is spent (an
  // exponential stay with the mean), so the cost is the month's occupied beds, not lumps of 33
  // days at each admission.
  if (mh_pending_days_.size() != n_cells) mh_pending_days_.assign(n_cells, 0.0);
  const double stay = world_.params.mh_admission_los_days;
  const double spent_share = stay > 0 ? 1.0 - std::exp(-30.44 / stay) : 1.0;
  for (std::size_t cell = 0; cell < n_cells; ++cell) {
    double* row = &flows.cells[cell * kFlowMetrics];
    mh_pending_days_[cell] += row[fm_mental_health_admissions] * stay;
    row[fm_mental_health_bed_days] = spent_share * mh_pending_days_[cell];
    mh_pending_days_[cell] -= row[fm_mental_health_bed_days];
    const int zone = static_cast<int>(cell) / kQuintiles;
    const int council = world_.council_of_district[static_cast<std::size_t>(zone_district_[static_cast<std::size_t>(zone)])];
    cost_row(world_.costs, council, row);
  }
  double agent_months = 0;
  for (std::size_t cell = 0; cell < n_cells; ++cell) agent_months += flows.cells[cell * kFlowMetrics + fm_person_months];
  out_.agent_months += agent_months * settings_.scale;
  out_.flows.push_back(std::move(flows));
  const std::vector<double>& ledger = programmes_.month_metrics();
  for (std::size_t k = 0; k < programmes_.size(); ++k) {
    std::vector<double> v(ledger.begin() + static_cast<std::ptrdiff_t>(k * kProgrammeMetrics),
                          ledger.begin() + static_cast<std::ptrdiff_t>((k + 1) * kProgrammeMetrics));
    for (int m = 0; m < kProgrammeMetrics; ++m)
      if (m != pg_effect_level) v[static_cast<std::size_t>(m)] *= weight_;
    out_.programmes[k].months.push_back(std::move(v));
  }
}

void Simulation::end_month() {
  const int t = month_;
  ++month_;
  // Stocks at the ends of financial years (March), calendar years (December) and model
  // years (June), and at the end of the run (counted during the next month's pass, or by a
  // separate pass after the last month).
  const int cal = calendar_month(settings_.start_year, t).month;
  if (month_ == settings_.months) {
    out_.snapshots.push_back(snapshot(t));
    record_survivors();
  } else if (cal == 3 || cal == 6 || cal == 12) {
    pending_snapshot_ = t;
  }
  if (month_ % 12 == 0) {
    pop_.compact();
    sums_.rebuild();
  }
}

RunOutput Simulation::run() {
  if (handed_over_) throw InternalError("Simulation::run: a simulation runs once (its outputs were handed over)");
  if (settings_.mode == Mode::sd) return run_cohorts();
  const auto t0 = std::chrono::steady_clock::now();
  while (month_ < settings_.months) {
    if (settings_.cancel && settings_.cancel->load()) throw Cancelled();
    step();
    if (settings_.progress) settings_.progress(month_, settings_.months);
  }
  out_.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  handed_over_ = true;
  return std::move(out_);
}

const RunOutput& Simulation::output() const {
  if (handed_over_) throw InternalError("Simulation::output: run() has handed the outputs over");
  return out_;
}

}  // namespace shiftsim::model
