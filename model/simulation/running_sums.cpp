// The run's running sums (running_sums.hpp).
#include "model/simulation/running_sums.hpp"

#include "model/core/parallel.hpp"

#include <algorithm>

namespace shiftsim::model {

void BlockState::clear_month(std::size_t n_cells) {
  // People are stored in zone order, so a block usually touches a few cells: clear only
  // those touched last month.
  if (events.size() != n_cells * kFlowMetrics) {
    events.assign(n_cells * kFlowMetrics, 0.0);
    stocks.assign(n_cells * kStockMetrics, 0.0);
  } else if (end_cell > first_cell) {
    std::fill(events.begin() + static_cast<std::ptrdiff_t>(first_cell * kFlowMetrics),
              events.begin() + static_cast<std::ptrdiff_t>(end_cell * kFlowMetrics), 0.0);
    std::fill(stocks.begin() + static_cast<std::ptrdiff_t>(first_cell * kStockMetrics),
              stocks.begin() + static_cast<std::ptrdiff_t>(end_cell * kStockMetrics), 0.0);
  }
  deaths.fill(0.0);
  leavers.fill(0.0);
  limited_leavers.fill(0.0);
  std::fill(district_deaths.begin(), district_deaths.end(), 0.0);
  std::fill(district_leavers.begin(), district_leavers.end(), 0.0);
  std::fill(programme.begin(), programme.end(), 0.0);
  first_cell = n_cells;
  end_cell = 0;
}

void RunningSums::size_district_cells(BlockState& st) const {
  const std::size_t n = static_cast<std::size_t>(district_count()) * kDistrictLifeTableCellsPerDistrict;
  st.district_people.resize(n, 0.0);
  st.district_deaths.resize(n, 0.0);
  st.district_leavers.resize(n, 0.0);
}

BlockState& RunningSums::block_of(std::size_t i) {
  const std::size_t b = i / kBlockSize;
  const std::size_t n_cells = static_cast<std::size_t>((*run_.layout).cells());
  while (blocks.size() <= b) {
    BlockState st;
    st.sums.assign(n_cells * kSumMetrics, 0.0);
    st.women.assign(static_cast<std::size_t>((*run_.layout).zones), 0.0);
    st.women_smokers.assign(static_cast<std::size_t>((*run_.layout).zones), 0.0);
    size_district_cells(st);
    st.clear_month(n_cells);
    blocks.push_back(std::move(st));
  }
  return blocks[b];
}

void RunningSums::contribute(BlockState& b, std::size_t i, double sign) const {
  const Population& pop = *run_.people;
  const int quintile = quintile_of_decile(pop.decile[i]);
  const auto cell = static_cast<std::size_t>(OutputLayout::cell(pop.zone[i], quintile));
  double* row = &b.sums[cell * kSumMetrics];
  row[sum_people] += sign;
  row[sum_expected_deaths] += sign * pop.death_probability[i];
  row[sum_utility] += sign * pop.utility[i];
  const std::array<float, kRandomTallies> tally = run_.programmes->expected_tallies(i);
  for (int k = 0; k < kRandomTallies; ++k) row[sum_tally_first + k] += sign * tally[static_cast<std::size_t>(k)];
  if (run_.programmes->tracks_isolation_onset()) row[sum_isolation_onset] += sign * isolation_onset_base(i);
  const CareSetting care = pop.care(i);
  if (care == CareSetting::home_care) row[sum_tally_first + static_cast<int>(home_care_hours)] += sign * (*run_.rates).home_care_hours_per_month;
  if (care == CareSetting::care_home) row[sum_tally_first + static_cast<int>(care_home_weeks)] += sign * (*run_.rates).care_home_weeks_per_month;
  const int age = pop.age_years(i), sex = pop.sex(i);
  b.people[static_cast<std::size_t>(life_table_cell(pop.decile[i], sex, age_group_of(age)))] += sign;
  b.district_people[district_cell(i, sex, age)] += sign;
  const bool is_limited = limited(i);
  if (is_limited) b.limited[static_cast<std::size_t>(life_table_cell(pop.decile[i], sex, age_group_of(age)))] += sign;
  if (sex == 1 && age >= 15 && age <= 44) {
    b.women[pop.zone[i]] += sign;
    if (pop.smoking(i) == Smoking::current) b.women_smokers[pop.zone[i]] += sign;
  }
  add_work(row, work_state(i, age, pop.conditions[i], is_limited), sex, sign);
  const std::uint8_t carer = carer_code(i);
  if (carer) {
    row[sum_carers] += sign;
    if (carer & 2u) row[sum_strained_carers] += sign;
  }
}

WorkState RunningSums::work_state(std::size_t i, int age, std::uint8_t conditions, bool is_limited) const {
  const Population& pop = *run_.people;
  if (!run_.economy->working_age(age)) return {};
  const WorkHealth s = work_health(is_limited, conditions);
  const int sex = pop.sex(i), icp = (*run_.layout).zone_icp[pop.zone[i]];
  const std::uint32_t u = latent_word(run_.key, pop.id[i], trait_employment);
  const bool employed = u < run_.economy->at(icp, sex, s);
  const bool ill_health = !employed && s != WorkHealth::well && u < run_.economy->at(icp, sex, WorkHealth::well);
  return WorkState(employed, ill_health, s, age >= 50);
}

void RunningSums::add_work(double* row, WorkState work, int sex, double sign) const {
  if (!work.working_age()) return;
  row[sum_working_age] += sign;
  if (work.employed()) {
    row[sum_employed] += sign;
    row[sum_absence_days] += sign * static_cast<double>(run_.economy->absence_days(sex, work));
  }
  if (work.out_of_work_ill_health()) row[sum_out_of_work_ill_health] += sign;
}

std::uint8_t RunningSums::carer_code(std::size_t i) const {
  const Population& pop = *run_.people;
  if (!(pop.risk[i] & risk_bits::family) || pop.age_months[i] < 12) return 0;
  return static_cast<std::uint8_t>(1u | (run_.carers->strained(run_.key, pop, i, run_.programmes->carer_strain_rr(i)) ? 2u : 0u));
}

Cached RunningSums::cached(std::size_t i) const {
  const Population& pop = *run_.people;
  Cached c;
  c.death = pop.death_probability[i];
  c.utility = pop.utility[i];
  c.tally = run_.programmes->expected_tallies(i);
  c.care = pop.care(i);
  c.age = pop.age_years(i);
  if (run_.programmes->tracks_isolation_onset()) c.isolation_onset = isolation_onset_base(i);
  c.frailty = static_cast<std::uint8_t>(pop.frailty(i));
  c.conditions = pop.conditions[i];
  c.risk = pop.risk[i];
  c.carer = carer_code(i);
  return c;
}

bool RunningSums::limited_with(std::size_t i, int age, int frailty, std::uint8_t conditions) const {
  const Population& pop = *run_.people;
  return run_.limitation->limited(run_.key, pop, i, age, frailty, conditions);
}

bool RunningSums::limited(std::size_t i) const {
  const Population& pop = *run_.people;
  return limited_with(i, pop.age_years(i), static_cast<int>(pop.frailty(i)), pop.conditions[i]);
}

float RunningSums::isolation_onset_base(std::size_t i) const {
  const Population& pop = *run_.people;
  if (pop.risk[i] & risk_bits::isolated) return 0.f;
  return (*run_.rates).cells[run_.world->index((*run_.zone_district)[pop.zone[i]], pop.decile[i], pop.sex(i), pop.age_years(i))].isolated_on;
}

void RunningSums::add_difference(BlockState& b, std::size_t i, const Cached& before) const {
  const Population& pop = *run_.people;
  const int quintile = quintile_of_decile(pop.decile[i]);
  const auto cell = static_cast<std::size_t>(OutputLayout::cell(pop.zone[i], quintile));
  double* row = &b.sums[cell * kSumMetrics];
  row[sum_expected_deaths] += static_cast<double>(pop.death_probability[i]) - static_cast<double>(before.death);
  row[sum_utility] += static_cast<double>(pop.utility[i]) - static_cast<double>(before.utility);
  const std::array<float, kRandomTallies> tally = run_.programmes->expected_tallies(i);
  for (int k = 0; k < kRandomTallies; ++k)
    row[sum_tally_first + k] +=
        static_cast<double>(tally[static_cast<std::size_t>(k)]) - static_cast<double>(before.tally[static_cast<std::size_t>(k)]);
  if (run_.programmes->tracks_isolation_onset()) row[sum_isolation_onset] += static_cast<double>(isolation_onset_base(i)) - before.isolation_onset;
  const CareSetting care = pop.care(i);
  if (care != before.care) {
    const double hours = (*run_.rates).home_care_hours_per_month, weeks = (*run_.rates).care_home_weeks_per_month;
    row[sum_tally_first + static_cast<int>(home_care_hours)] +=
        (care == CareSetting::home_care ? hours : 0.0) - (before.care == CareSetting::home_care ? hours : 0.0);
    row[sum_tally_first + static_cast<int>(care_home_weeks)] +=
        (care == CareSetting::care_home ? weeks : 0.0) - (before.care == CareSetting::care_home ? weeks : 0.0);
  }
  const int age = pop.age_years(i);
  if (age != before.age) {
    const int sex = pop.sex(i);
    const int g0 = age_group_of(before.age), g1 = age_group_of(age);
    if (g0 != g1) {
      b.people[static_cast<std::size_t>(life_table_cell(pop.decile[i], sex, g0))] -= 1;
      b.people[static_cast<std::size_t>(life_table_cell(pop.decile[i], sex, g1))] += 1;
      b.district_people[district_cell(i, sex, before.age)] -= 1;
      b.district_people[district_cell(i, sex, age)] += 1;
    }
  }
  if (pop.sex(i) == 1) {
    const bool was = before.age >= 15 && before.age <= 44, is = age >= 15 && age <= 44;
    if (was != is) b.women[pop.zone[i]] += is ? 1.0 : -1.0;
    const bool was_smoker = was && static_cast<Smoking>(before.risk & risk_bits::smoking_mask) == Smoking::current;
    const bool is_smoker = is && pop.smoking(i) == Smoking::current;
    if (was_smoker != is_smoker) b.women_smokers[pop.zone[i]] += is_smoker ? 1.0 : -1.0;
  }
  const std::uint8_t carer = carer_code(i);
  if (carer != before.carer) {
    row[sum_carers] += static_cast<double>(carer & 1u) - static_cast<double>(before.carer & 1u);
    row[sum_strained_carers] += static_cast<double>((carer >> 1) & 1u) - static_cast<double>((before.carer >> 1) & 1u);
  }
  // The activity-limitation state: it changes only with age group, frailty or conditions, so the
  // (cheap, but not free) propensity is read only when one of them did.
  // The economy's state changes with the same things, and at the edges of working age.
  const bool health_changed = age_group_of(age) != age_group_of(before.age) || static_cast<int>(pop.frailty(i)) != before.frailty ||
                              pop.conditions[i] != before.conditions;
  const bool work_age_changed = run_.economy->working_age(age) != run_.economy->working_age(before.age);
  if (health_changed || work_age_changed) {
    const bool was_limited = limited_with(i, before.age, before.frailty, before.conditions), now_limited = limited(i);
    const int sex = pop.sex(i);
    if (was_limited || now_limited) {
      if (was_limited) b.limited[static_cast<std::size_t>(life_table_cell(pop.decile[i], sex, age_group_of(before.age)))] -= 1;
      if (now_limited) b.limited[static_cast<std::size_t>(life_table_cell(pop.decile[i], sex, age_group_of(age)))] += 1;
    }
    const WorkState w0 = work_state(i, before.age, before.conditions, was_limited), w1 = work_state(i, age, pop.conditions[i], now_limited);
    if (w0 != w1) {
      add_work(row, w0, sex, -1.0);
      add_work(row, w1, sex, +1.0);
    }
  }
}

void RunningSums::rebuild() {
  const Population& pop = *run_.people;
  const std::size_t n = pop.size();
  const std::size_t n_blocks = block_count(n);
  const std::size_t n_cells = static_cast<std::size_t>((*run_.layout).cells());
  blocks.clear();
  blocks.resize(n_blocks);
  for_each_block(n, [&](std::size_t b, std::size_t begin, std::size_t end) {
    BlockState& st = blocks[b];
    st.sums.assign(n_cells * kSumMetrics, 0.0);
    st.people.fill(0.0);
    st.limited.fill(0.0);
    st.women.assign(static_cast<std::size_t>((*run_.layout).zones), 0.0);
    st.women_smokers.assign(static_cast<std::size_t>((*run_.layout).zones), 0.0);
    size_district_cells(st);
    std::fill(st.district_people.begin(), st.district_people.end(), 0.0);
    st.clear_month(n_cells);
    for (std::size_t i = begin; i < end; ++i)
      if (pop.alive(i)) contribute(st, i, +1.0);
  });
}

}  // namespace shiftsim::model
