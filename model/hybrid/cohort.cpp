// SD-only mode (cohort.hpp): the same ICP system models driven by cohort averages instead of agents.
//
// Cohorts are ICP x IMD quintile x sex x single year of age (0-100+). Each carries its
// people and the base-year means, over the synthesised people in it, of everything the
// agents contribute: death and emigration probabilities, the emergency admission hazard and
// its bed-days, expected GP, A&E and other contacts, home care hours and care-home weeks,
// utility, condition incidence, and every stock metric (prevalences, care settings, ...).
// Each month the cohorts die, emigrate and age (a twelfth of each year of age moves up),
// births and in-migrants arrive as in the agent model's expectations, activity is cohort
// size x the base-year means x the system's feedback, and the system models advance.
//
// What it cannot do: the means are those of the base year's people at each age, so whatever
// changes within a cohort as people age through the model (multimorbidity clustering, risk
// factor transitions, moves into care) is not followed; nor is randomness (one replicate is
// the expectation). Interventions act on people, so this mode runs none.
#include "model/hybrid/cohort.hpp"

#include "model/core/errors.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>

namespace shiftsim::model {

namespace {

struct CohortMeans {
  double people = 0;                 // base-year people (people units)
  double death = 0, emigration = 0;  // monthly probabilities
  double emergency = 0, emergency_los = 0;  // admissions hazard; hazard x mean stay (days)
  double mental_health_crisis = 0;          // monthly chance of a mental-health crisis (people with a CMD)
  std::array<double, kTallies> tally{};     // expected per month
  double utility = 0;
  std::array<double, kConditions> incidence{};
  std::array<double, kStockMetrics> stock{};
};

}  // namespace

void run_cohort_model(const CohortStart& start, Coupling& coupling, RunOutput& out, int& month) {
  const World& world = *start.world;
  const Population& pop = *start.people;
  const Calibrated& cal = *start.calibrated;
  const std::vector<int>& zone_district = *start.zone_district;
  const double weight = start.weight;
  const auto t0 = std::chrono::steady_clock::now();
  out.life_table_by_decile = false;
  out.wider_outcomes = false;  // cohorts carry no employment, birth weight or carers
  const auto n_icps = coupling.icps();
  const std::size_t zones = static_cast<std::size_t>(out.layout.zones);
  const std::size_t n_cells = static_cast<std::size_t>(out.layout.cells());
  const auto index = [](std::size_t icp, int q, int sex, int age) {
    return ((icp * kQuintiles + static_cast<std::size_t>(q - 1)) * kSexes + static_cast<std::size_t>(sex)) * kAges +
           static_cast<std::size_t>(std::min(age, kMaxAge));
  };
  const std::size_t n_cohorts = n_icps * kQuintiles * kSexes * kAges;

  // Base-year sums over the synthesised people, in person order (one pass; per-block partial
  // sums of every cohort would need blocks x cohorts x 0.5 kB).
  std::vector<CohortMeans> mean(n_cohorts);
  std::vector<double> cell_people(n_cells, 0.0);
  {
    Hazards hz;
    for (std::size_t i = 0; i < pop.size(); ++i) {
      if (!pop.alive(i)) continue;
      const int q = quintile_of_decile(pop.decile[i]), sex = pop.sex(i), age = pop.age_years(i);
      CohortMeans& c = mean[index(static_cast<std::size_t>(coupling.zone_icp()[pop.zone[i]]), q, sex, age)];
      cell_people[static_cast<std::size_t>(OutputLayout::cell(pop.zone[i], q))] += 1;
      compute_hazards(pop, i, 0, cal.rates, world.multipliers, zone_district, hz);
      const CellRates& r = cal.rates.cells[world.index(zone_district[pop.zone[i]], pop.decile[i], sex, age)];
      c.people += 1;
      c.death += pop.death_probability[i];
      c.emigration += hz.h[ev_emigration];
      c.emergency += hz.h[ev_emergency_admission];
      c.emergency_los += hz.h[ev_emergency_admission] * r.emergency_los_days;
      if (pop.has(i, common_mental_disorder)) c.mental_health_crisis += world.params.mh_crisis_monthly;
      // The base-year people: no programme runs in this mode, so no membership multiplies them.
      const auto tally = base_expected_tallies(r, world.multipliers, pop.conditions[i], pop.frailty(i));
      for (int k = 0; k < kRandomTallies; ++k) c.tally[static_cast<std::size_t>(k)] += tally[static_cast<std::size_t>(k)];
      const CareSetting care = pop.care(i);
      if (care == CareSetting::home_care) c.tally[home_care_hours] += cal.rates.home_care_hours_per_month;
      if (care == CareSetting::care_home) c.tally[care_home_weeks] += cal.rates.care_home_weeks_per_month;
      c.utility += pop.utility[i];
      for (int k = 0; k < kConditions; ++k) c.incidence[static_cast<std::size_t>(k)] += hz.h[static_cast<std::size_t>(ev_incidence_first + k)];
      start.count_stocks(i, c.stock.data());
    }
  }
  std::vector<double> people(n_cohorts);  // people units, evolving
  for (std::size_t k = 0; k < n_cohorts; ++k) {
    CohortMeans& m = mean[k];
    people[k] = m.people * weight;
    if (!(m.people > 0)) continue;
    const double n = m.people;
    m.emergency_los = m.emergency > 0 ? m.emergency_los / m.emergency : 0.0;  // mean stay of those admitted
    m.death /= n;
    m.emigration /= n;
    m.emergency /= n;
    m.mental_health_crisis /= n;
    for (double& x : m.tally) x /= n;
    m.utility /= n;
    for (double& x : m.incidence) x /= n;
    for (double& x : m.stock) x /= n;
  }
  // A cohort with no synthesised people (possible at small scales) borrows the nearest age's means.
  for (std::size_t k = 0; k < n_cohorts; ++k) {
    if (mean[k].people > 0) continue;
    const std::size_t base = k - k % kAges;
    for (int d = 1; d < kAges; ++d) {
      const int a = static_cast<int>(k % kAges);
      for (int cand : {a - d, a + d})
        if (cand >= 0 && cand < kAges && mean[base + static_cast<std::size_t>(cand)].people > 0) {
          const double keep = mean[k].people;
          mean[k] = mean[base + static_cast<std::size_t>(cand)];
          mean[k].people = keep;
          d = kAges;
          break;
        }
    }
  }
  // Each (ICP, quintile)'s flows are shared to its zones as its people are.
  std::vector<double> icp_q(n_icps * kQuintiles, 0.0);
  for (std::size_t c = 0; c < n_cells; ++c)
    icp_q[static_cast<std::size_t>(coupling.zone_icp()[c / kQuintiles]) * kQuintiles + c % kQuintiles] += cell_people[c];
  std::vector<double> cell_share(n_cells, 0.0);
  for (std::size_t c = 0; c < n_cells; ++c) {
    const double d = icp_q[static_cast<std::size_t>(coupling.zone_icp()[c / kQuintiles]) * kQuintiles + c % kQuintiles];
    cell_share[c] = d > 0 ? cell_people[c] / d : 0.0;
  }

  // Births: each ICP's base-year rate per woman aged 15-44 (its districts' rates weighted by
  // their women) and the quintiles of newborns (its zones' shares for children).
  const Parameters& p = world.params;
  const auto& geo = world.geography;
  std::vector<double> birth_rate(n_icps, 0.0), women0(n_icps, 0.0);
  std::vector<std::array<double, kQuintiles>> newborn_q(n_icps);
  {
    std::vector<double> zone_women(zones, 0.0);
    for (std::size_t i = 0; i < pop.size(); ++i)
      if (pop.alive(i) && pop.sex(i) == 1 && pop.age_years(i) >= 15 && pop.age_years(i) <= 44) zone_women[pop.zone[i]] += weight;
    for (std::size_t z = 0; z < zones; ++z) {
      const auto icp = static_cast<std::size_t>(coupling.zone_icp()[z]);
      const double births = cal.demography.births_per_woman_15_44_per_month[static_cast<std::size_t>(zone_district[z])] * zone_women[z];
      birth_rate[icp] += births;
      women0[icp] += zone_women[z];
      for (int d = 0; d < kDeciles; ++d)
        newborn_q[icp][static_cast<std::size_t>(quintile_of_decile(d + 1) - 1)] += births * geo.zones[z].decile_share[static_cast<std::size_t>(imd_age_group(0))][static_cast<std::size_t>(d)];
    }
    for (std::size_t icp = 0; icp < n_icps; ++icp) {
      double all = 0;
      for (double x : newborn_q[icp]) all += x;
      for (double& x : newborn_q[icp]) x = all > 0 ? x / all : 0.2;
      birth_rate[icp] = women0[icp] > 0 ? birth_rate[icp] / women0[icp] : 0.0;
    }
  }
  // In-migrants: each district's expected arrivals, to its ICP, by age, sex and quintile
  // (the zones' decile shares by age group, weighted by zone population as arrivals are).
  std::vector<std::array<std::array<double, kQuintiles>, kImdAgeGroups>> migrant_q(world.region->districts.size());
  for (std::size_t d = 0; d < world.region->districts.size(); ++d) {
    double pop_d = 0;
    for (int z : geo.zones_of_district[d]) pop_d += static_cast<double>(geo.zones[static_cast<std::size_t>(z)].population);
    for (int g = 0; g < kImdAgeGroups; ++g)
      for (int z : geo.zones_of_district[d]) {
        const auto& zn = geo.zones[static_cast<std::size_t>(z)];
        for (int dec = 0; dec < kDeciles; ++dec)
          migrant_q[d][static_cast<std::size_t>(g)][static_cast<std::size_t>(quintile_of_decile(dec + 1) - 1)] +=
              static_cast<double>(zn.population) / std::max(1.0, pop_d) * zn.decile_share[static_cast<std::size_t>(g)][static_cast<std::size_t>(dec)];
      }
  }

  const double z0 = p.zero_day_share, d_share = p.delayed_share_of_bed_days;
  while (month < start.months) {
    if (start.cancel && start.cancel->load()) throw Cancelled();
    const int t = month;
    MonthFlows flows;
    flows.cells.assign(n_cells * kFlowMetrics, 0.0);
    std::vector<double> by_icp_q(n_icps * kQuintiles * kFlowMetrics, 0.0);
    std::vector<double> leaving(n_cohorts, 0.0);
    for (std::size_t k = 0; k < n_cohorts; ++k) {
      const double n = people[k];
      if (!(n > 0)) continue;
      const CohortMeans& m = mean[k];
      const int age = static_cast<int>(k % kAges), sex = static_cast<int>(k / kAges % kSexes);
      const int q = static_cast<int>(k / (kAges * kSexes) % kQuintiles) + 1;
      const std::size_t icp = k / (kAges * kSexes * kQuintiles);
      const IcpFeedback& f = coupling.feedback()[icp];
      double* row = &by_icp_q[(icp * kQuintiles + static_cast<std::size_t>(q - 1)) * kFlowMetrics];
      const double trend = std::pow(1.0 - cal.rates.mortality_improvement[static_cast<std::size_t>(sex)][static_cast<std::size_t>(age)], t / 12.0);
      const double deaths = n * m.death * trend, emigrants = n * m.emigration;
      const double admissions = n * m.emergency;
      const double stretch = 1.0 + d_share * (f.delayed_discharge - 1.0);
      const double bed_days = admissions * std::max(1.0 - z0, m.emergency_los * f.length_of_stay * stretch);
      row[fm_person_months] += n;
      row[fm_deaths] += deaths;
      row[fm_expected_deaths] += deaths;
      row[fm_out_migrants] += emigrants;
      row[fm_emergency_admissions] += admissions;
      row[fm_emergency_bed_days] += bed_days;
      row[fm_excess_bed_days] += bed_days - admissions * std::max(1.0 - z0, m.emergency_los);
      row[fm_delayed_discharge_bed_days] += bed_days * d_share * f.delayed_discharge / stretch;
      // Mental-health crises, and the admissions they end in and their bed-days (in steady state,
      // this month's).
      const double crises = n * m.mental_health_crisis, mh_admissions = crises * p.mh_admission_after_crisis;
      row[fm_mental_health_crises] += crises;
      row[fm_mental_health_admissions] += mh_admissions;
      row[fm_mental_health_bed_days] += mh_admissions * p.mh_admission_los_days;
      for (int c = 0; c < kConditions; ++c) row[fm_incidence_first + c] += n * m.incidence[static_cast<std::size_t>(c)];
      for (int j = 0; j < kTallies; ++j) {
        const double sys = j == ae_attendances ? f.ae : (j == gp_appointments ? f.gp : 1.0);
        row[fm_tally_first + j] += n * m.tally[static_cast<std::size_t>(j)] * sys;
      }
      row[fm_qalys] += n * m.utility / 12.0;
      // Cohorts are by quintile: their deaths and exposure go to the quintile's first decile,
      // and RunOutput::life_table_by_decile says so (no slope index across deciles).
      const auto lt = static_cast<std::size_t>(life_table_cell(2 * q - 1, sex, age_group_of(age)));
      flows.deaths[lt] += deaths;
      flows.person_months[lt] += n;
      flows.limited_person_months[lt] += n * m.stock[sm_activity_limited];  // the cohort's base-year share
      leaving[k] = deaths + emigrants;
    }
    // Ageing: a twelfth of each year of age moves up (100+ stays).
    for (std::size_t k = 0; k < n_cohorts; ++k) people[k] -= leaving[k];
    for (std::size_t k = n_cohorts; k-- > 0;) {
      const int age = static_cast<int>(k % kAges);
      if (age == kMaxAge || !(people[k] > 0)) continue;
      const double up = people[k] / 12.0;
      people[k] -= up;
      people[k + 1] += up;
    }
    // Births and in-migrants.
    const int year = t / 12;
    const double fertility = std::pow(1 + p.fertility_trend_per_year, year), migration = std::pow(1 + p.migration_trend_per_year, year);
    for (std::size_t icp = 0; icp < n_icps; ++icp) {
      double women = 0;
      for (int q = 1; q <= kQuintiles; ++q)
        for (int a = 15; a <= 44; ++a) women += people[index(icp, q, 1, a)];
      const double births = birth_rate[icp] * fertility * women;
      for (int q = 1; q <= kQuintiles; ++q) {
        const double bq = births * newborn_q[icp][static_cast<std::size_t>(q - 1)];
        people[index(icp, q, 0, 0)] += bq * cal.demography.male_share_of_births;
        people[index(icp, q, 1, 0)] += bq * (1 - cal.demography.male_share_of_births);
        by_icp_q[(icp * kQuintiles + static_cast<std::size_t>(q - 1)) * kFlowMetrics + fm_births] += bq;
      }
    }
    for (std::size_t d = 0; d < world.region->districts.size(); ++d) {
      const double arrivals = cal.demography.in_migrants(d, migration) * weight;
      if (!(arrivals > 0) || geo.zones_of_district[d].empty()) continue;
      const auto icp = static_cast<std::size_t>(coupling.zone_icp()[static_cast<std::size_t>(geo.zones_of_district[d].front())]);
      const auto& ages = cal.demography.in_migrant_ages(d, p.migration_age_profile);
      double total_weight = 0;
      for (double x : ages) total_weight += x;
      for (int a = 0; a < kAges; ++a) {
        const double at_age = arrivals * ages[static_cast<std::size_t>(a)] / total_weight;
        for (int q = 1; q <= kQuintiles; ++q) {
          const double x = at_age * migrant_q[d][static_cast<std::size_t>(imd_age_group(a))][static_cast<std::size_t>(q - 1)];
          people[index(icp, q, 1, a)] += x * p.migration_female_share;
          people[index(icp, q, 0, a)] += x * (1 - p.migration_female_share);
          by_icp_q[(icp * kQuintiles + static_cast<std::size_t>(q - 1)) * kFlowMetrics + fm_in_migrants] += x;
        }
      }
    }
    // To cells, then costs by payer (as the agent model attributes them).
    for (std::size_t c = 0; c < n_cells; ++c) {
      const std::size_t icp = static_cast<std::size_t>(coupling.zone_icp()[c / kQuintiles]);
      const double* src = &by_icp_q[(icp * kQuintiles + c % kQuintiles) * kFlowMetrics];
      double* row = &flows.cells[c * kFlowMetrics];
      for (int j = 0; j < kFlowMetrics; ++j) row[j] = src[j] * cell_share[c];
      const int council = world.council_of_district[static_cast<std::size_t>(zone_district[c / kQuintiles])];
      cost_row(world.costs, council, row);
    }
    out.flows.push_back(std::move(flows));
    ++month;
    // Stocks at the same month ends as the agent model's snapshots.
    const int calendar = calendar_month(start.start_year, t).month;
    if (month == start.months || calendar == 3 || calendar == 6 || calendar == 12) {
      Snapshot s;
      s.after_month = t;
      s.cells.assign(n_cells * kStockMetrics, 0.0);
      std::vector<double> icp_q_stock(n_icps * kQuintiles * kStockMetrics, 0.0);
      for (std::size_t k = 0; k < n_cohorts; ++k) {
        const std::size_t g = k / (kAges * kSexes);  // icp x quintile
        for (int j = 0; j < kStockMetrics; ++j)
          icp_q_stock[g * kStockMetrics + static_cast<std::size_t>(j)] += people[k] * mean[k].stock[static_cast<std::size_t>(j)];
      }
      for (std::size_t c = 0; c < n_cells; ++c) {
        const std::size_t g = static_cast<std::size_t>(coupling.zone_icp()[c / kQuintiles]) * kQuintiles + c % kQuintiles;
        for (int j = 0; j < kStockMetrics; ++j)
          s.cells[c * kStockMetrics + static_cast<std::size_t>(j)] = icp_q_stock[g * kStockMetrics + static_cast<std::size_t>(j)] * cell_share[c];
      }
      out.snapshots.push_back(std::move(s));
    }
    const auto inputs = coupling.agents_to_stocks(out.flows.back(), out.programmes, start.start_year, month);
    coupling.step(inputs);
    coupling.record(out.system);
    coupling.stocks_to_agents();
    if (start.progress) start.progress(month, start.months);
  }
  out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out.agent_months = 0;  // no agents were simulated
}

}  // namespace shiftsim::model
