// One run: synthesise, calibrate, then step month by month. A run takes the world by const
// reference and owns nothing the next run needs.
//
// Each month is a pipeline: (1) the month's exposure, expected deaths, QALYs and expected
// activity are read from running per-block sums (combined in block order); (2) in parallel
// over fixed blocks, every person ages and draws once for "does anything happen"; any event
// is resolved and written to that person's own slots, and the block's sums and event counts
// are updated; (3) serially, the blocks' event counts are combined in block order, tallies
// are drawn per cell, births and in-migrants are added in a fixed order, and costs are
// attributed.
#pragma once

#include "model/calibration.hpp"
#include "model/errors.hpp"
#include "model/outputs.hpp"
#include "model/random.hpp"
#include "model/synthesis.hpp"
#include "model/world.hpp"

#include <atomic>
#include <functional>
#include <vector>

namespace shiftsim::model {

struct RunSettings {
  int start_year = 2018;
  int months = 60;
  std::uint32_t seed = 20180701;
  std::uint32_t replicate = 0;
  double scale = 1.0;
  /// Tests only: draw tallies per person and keep each person's cost, so that per-person
  /// costs can be checked against the aggregates (statistically identical, not bitwise).
  bool person_ledger = false;
  std::function<void(int month_done, int months)> progress;
  const std::atomic<bool>* cancel = nullptr;  // checked between months
};

/// Thrown when RunSettings::cancel is set during a run.
class Cancelled : public shiftsim::Error {
 public:
  Cancelled() : Error("the run was interrupted") {}
};

class Simulation {
 public:
  Simulation(const World& world, RunSettings settings);

  /// Steps every remaining month and returns the outputs.
  RunOutput run();
  /// One month (for tests).
  void step();

  int month() const { return month_; }
  const Population& population() const { return pop_; }
  const RateTables& rates() const { return cal_.rates; }
  const PrevalenceTables& prevalence() const { return prevalence_; }
  const RunOutput& output() const { return out_; }
  const std::vector<double>& person_cost() const { return person_cost_; }
  /// The world's parameter table with this run's derived values filled in.
  ParameterTable parameter_table() const;
  /// Replaces the people (tests and what-ifs on a hand-made cohort), keeping this run's
  /// calibrated rates. Ids must be unique; they key the people's random numbers.
  void reset_population(Population people);
  /// Every derived parameter's computed value, as stored with the run.
  const std::vector<std::pair<std::string, double>>& derived_parameters() const { return cal_.derived_parameters; }

 private:
  /// Running sums, per block of people, of what the people alive at the start of a month
  /// contribute to it (person-months, expected deaths, utility, expected activity). They
  /// change only when a person's state changes (a birthday, an event, an arrival), so the
  /// monthly pass does not read every person's activity. Plus this month's event counts.
  enum SumMetric : int { sum_people = 0, sum_expected_deaths, sum_utility, sum_tally_first, kSumMetrics = sum_tally_first + kTallies };
  struct BlockState {
    std::vector<double> sums;                      // cells x kSumMetrics
    std::array<double, kLifeTableCells> people{};  // by quintile x sex x age group
    std::vector<double> women;                     // aged 15-44, by zone
    std::vector<double> events;                    // cells x kFlowMetrics, this month
    std::array<double, kLifeTableCells> deaths{}, leavers{};  // this month
    std::vector<double> stocks;                    // cells x kStockMetrics, in snapshot months
    std::size_t first_cell = 0, end_cell = 0;      // cells with events or stocks this month
    void clear_month(std::size_t n_cells);
    void touch(std::size_t cell) {
      if (cell < first_cell) first_cell = cell;
      if (cell + 1 > end_cell) end_cell = cell + 1;
    }
  };
  void refresh_at(std::size_t i, int month);
  void contribute(BlockState& b, std::size_t i, double sign) const;
  /// What a person's cached state contributes to the sums, kept across a refresh so that
  /// only the difference is added.
  struct Cached {
    float death = 0, utility = 0;
    std::array<float, kRandomTallies> tally{};
    CareSetting care = CareSetting::home;
    int age = 0;
  };
  Cached cached(std::size_t i) const;
  void add_difference(BlockState& b, std::size_t i, const Cached& before) const;
  void rebuild_block_sums();
  BlockState& block_of(std::size_t i);
  void resolve(std::size_t i, BlockState& b);
  void add_person(int zone, int age_years, int sex, bool newborn);
  Snapshot snapshot(int after_month) const;
  void count_stocks(std::size_t i, double* row) const;
  void finish_month(MonthFlows& flows, const std::vector<double>& women);

  const World& world_;
  RunSettings settings_;
  RandomKey key_;
  Population pop_;
  PrevalenceTables prevalence_;
  SynthesisNorms norms_;
  Calibrated cal_;
  std::vector<int> zone_district_;
  std::uint32_t next_id_ = 0;
  int month_ = 0;
  double weight_ = 1;
  RunOutput out_;
  std::vector<double> person_cost_;  // by person id (ledger mode)
  std::vector<BlockState> blocks_;  // fixed blocks of kBlockSize people (rebuilt after compaction)
  int pending_snapshot_ = -2;  // month whose end-of-month stocks the next month's pass counts (-2: none)
};

/// Calendar month (1-12) and year of model month t (t = 0 is July of the start year).
struct CalendarMonth {
  int year, month;
};
CalendarMonth calendar_month(int start_year, int t);

}  // namespace shiftsim::model
