// The run's running sums: per fixed block of people, what the people alive at the start of a
// month contribute to it (person-months, expected deaths, utility, expected activity, the
// economy and carers). They change only when a person's state changes (a birthday, an event,
// an arrival), so the monthly pass reads no one's activity. Each block also holds the
// month's events, counted by the pass in parallel and combined in block order.
#pragma once

#include "model/core/outputs.hpp"
#include "model/core/population.hpp"
#include "model/core/random.hpp"
#include "model/core/zeroed_array.hpp"
#include "model/people/health_state.hpp"
#include "model/people/rates.hpp"
#include "model/people/wider.hpp"
#include "model/programmes/engine.hpp"
#include "model/world/world.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace shiftsim::model {

/// Running sums, per block of people, of what the people alive at the start of a month
/// contribute to it (person-months, expected deaths, utility, expected activity). They
/// change only when a person's state changes (a birthday, an event, an arrival), so the
/// monthly pass does not read every person's activity. Plus this month's event counts.
enum SumMetric : int {
  sum_people = 0,
  sum_expected_deaths,
  sum_utility,
  sum_isolation_onset,  // onset hazard of the non-isolated (kept only when an area programme acts on it)
  sum_working_age,      // the economy (model/people/wider.hpp)
  sum_employed,
  sum_out_of_work_ill_health,
  sum_absence_days,     // expected a month
  sum_carers,           // unpaid carers, and those strained
  sum_strained_carers,
  sum_tally_first,
  kSumMetrics = sum_tally_first + kTallies
};
struct BlockState {
  ZeroedArray sums;                              // cells x kSumMetrics (unwritten cells cost no memory)
  std::array<double, kLifeTableCells> people{};  // by quintile x sex x age group
  std::vector<double> women;                     // aged 15-44, by zone
  std::vector<double> women_smokers;             // of whom smoke, by zone
  ZeroedArray events;                            // cells x kFlowMetrics, this month
  std::array<double, kLifeTableCells> deaths{}, leavers{};  // this month
  std::array<double, kLifeTableCells> limited{};            // running: people with an activity limitation
  std::array<double, kLifeTableCells> limited_leavers{};    // this month
  std::vector<double> district_people;                      // running: by district x sex x age group
  std::vector<double> district_deaths, district_leavers;    // this month
  ZeroedArray stocks;                            // cells x kStockMetrics, in snapshot months
  std::vector<double> programme;                 // programmes x kProgrammeMetrics, this month
  std::size_t first_cell = 0, end_cell = 0;      // cells with events or stocks this month
  void clear_month(std::size_t n_cells);
  void touch(std::size_t cell) {
    if (cell < first_cell) first_cell = cell;
    if (cell + 1 > end_cell) end_cell = cell + 1;
  }
};

/// What a person's cached state contributes to the sums, kept across a refresh so that
/// only the difference is added.
struct Cached {
  float death = 0, utility = 0;
  std::array<float, kRandomTallies> tally{};
  CareSetting care = CareSetting::home;
  int age = 0;
  float isolation_onset = 0;
  std::uint8_t frailty = 0, conditions = 0;  // what the activity-limitation state depends on (with age)
  std::uint8_t risk = 0;                     // smoking (women aged 15-44) and the family bit
  std::uint8_t carer = 0;                    // carer_code
};

/// What the sums read of the run, bound once (the run outlives them).
struct SumsRun {
  const World* world = nullptr;
  const Population* people = nullptr;
  const RateTables* rates = nullptr;
  const std::vector<int>* zone_district = nullptr;
  const LimitationModel* limitation = nullptr;
  const EconomyModel* economy = nullptr;
  const CarerModel* carers = nullptr;
  const ProgrammeEngine* programmes = nullptr;
  const OutputLayout* layout = nullptr;
  RandomKey key{};
};

class RunningSums {
 public:
  void bind(const SumsRun& run) { run_ = run; }
  std::vector<BlockState> blocks;  // fixed blocks of kBlockSize people (rebuilt after compaction)

  /// Adds (sign +1) or removes (-1) what person i contributes to block b's sums.
  void contribute(BlockState& b, std::size_t i, double sign) const;
  /// The person's place in the labour market at this age and health. `is_limited`: the
  /// activity-limitation state at that age and health.
  WorkState work_state(std::size_t i, int age, std::uint8_t conditions, bool is_limited) const;
  /// Whether the person lives with an activity-limiting illness now (model/people/health_state.hpp),
  /// or would at this age, frailty and set of conditions.
  bool limited(std::size_t i) const;
  bool limited_with(std::size_t i, int age, int frailty, std::uint8_t conditions) const;
  /// The person's isolation onset hazard before programme effects (0 if isolated).
  float isolation_onset_base(std::size_t i) const;
  /// What person i contributes now.
  Cached cached(std::size_t i) const;
  /// Adds the difference person i's change made since `before` to block b's sums.
  void add_difference(BlockState& b, std::size_t i, const Cached& before) const;
  /// The sums from scratch over every person alive, block by block in parallel (at the start
  /// and after each compaction).
  void rebuild();
  /// The block that holds person i (made if it is new: an arrival past the last block).
  BlockState& block_of(std::size_t i);
  /// Districts of the run, and a person's district life-table cell at an age.
  int district_count() const { return static_cast<int>((*run_.world).geography.zones_of_district.size()); }
  std::size_t district_cell(std::size_t i, int sex, int age) const {
    return static_cast<std::size_t>(district_life_table_cell((*run_.zone_district)[(*run_.people).zone[i]], sex, age_group_of(age)));
  }

 private:
  void size_district_cells(BlockState& st) const;
  void add_work(double* row, WorkState work, int sex, double sign) const;
  /// The person's unpaid carer, with this month's memberships: bit 0 has one, bit 1 strained.
  std::uint8_t carer_code(std::size_t i) const;
  SumsRun run_;
};

}  // namespace shiftsim::model
