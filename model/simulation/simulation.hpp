// One run: synthesise, calibrate, then step month by month. A run takes the world by const
// reference and owns nothing the next run needs.
//
// step() is the model's monthly pipeline, a list of named calls in process order. MODEL.md's
// steps ("What happens to each person each month", "The system around them") map to them so:
//
// | step()'s call               | what it does                                   | MODEL.md            |
// |-----------------------------|------------------------------------------------|---------------------|
// | enrol_participants          | funded interventions (model/programmes/        | Interventions       |
// |                             | engine.hpp): multipliers, spend, new           |                     |
// |                             | participants and their one-off changes         |                     |
// | read_running_sums           | exposure, expected deaths, QALYs, expected     | 6 (QALYs), 5        |
// |                             | activity of the people alive at the start      |                     |
// | apply_feedback_to_activity  | area programmes and the system's feedback on   | 5, system feedback  |
// |                             | GP and A&E activity                            |                     |
// | pass_over_people            | in parallel over fixed blocks: ageing, the     | 1 (ageing, death),  |
// |                             | four event-channel words (model/people/        | 2, 3, 4, 5 (per-    |
// |                             | channels.hpp) choose death, risk factors,      | person admissions)  |
// |                             | incidence, frailty and care, emergency         |                     |
// |                             | admissions, moving away; their handlers        |                     |
// |                             | (model/people/events.hpp) carry them out;      |                     |
// |                             | memberships lapse by their own draws           |                     |
// | combine_blocks              | the blocks' events in block order              | (bookkeeping)       |
// | draw_activity               | the pure tallies, one Poisson draw per cell    | 5                   |
// | add_births, add_in_migrants | births (smoking at delivery, birth weight,     | 1 (births,          |
// |                             | pregnancy programmes) and in-migrants, with    | migration)          |
// |                             | ids fixed by when and where they arrive        |                     |
// | record_month                | costs by payer; the month's flows and the      | 6                   |
// |                             | interventions' ledger                          |                     |
// | end_month                   | stock snapshots, survivors at the end, yearly  | (bookkeeping)       |
// |                             | compaction                                     |                     |
// | step_system_models          | agents -> stocks, one month of each ICP's      | The system around   |
// |                             | stock-flow model, stocks -> agents             | them                |
//
// Demography is spread by design: ageing and death belong to the person's pass (death is one
// of a person's competing events, drawn with the others from their channel words), births and
// in-migrants arrive after it.
#pragma once

#include "model/hybrid/coupling.hpp"
#include "model/people/arrivals.hpp"
#include "model/people/calibration.hpp"
#include "model/people/channels.hpp"
#include "model/core/errors.hpp"
#include "model/people/health_state.hpp"
#include "model/core/outputs.hpp"
#include "model/programmes/engine.hpp"
#include "model/programmes/policy.hpp"
#include "model/programmes/programmes.hpp"
#include "model/core/random.hpp"
#include "model/people/synthesis.hpp"
#include "model/system/system.hpp"
#include "model/people/wider.hpp"
#include "model/simulation/running_sums.hpp"
#include "model/simulation/trial_observer.hpp"
#include "model/world/world.hpp"

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace shiftsim::model {

/// hybrid: agents coupled with the ICPs' system models. sd: the same system models driven
/// by cohort averages of the synthesised people (model/hybrid/cohort.hpp), for instant
/// what-ifs on the system's parameters; it runs no interventions.
enum class Mode { hybrid, sd };

struct RunSettings {
  Mode mode = Mode::hybrid;
  int start_year = 2018;
  int months = 60;
  std::uint32_t seed = 20180701;
  std::uint32_t replicate = 0;
  double scale = 1.0;
  /// The interventions funded (none: the baseline).
  std::shared_ptr<const Policy> policy;
  /// Tests only: draw tallies per person and keep each person's cost, so that per-person
  /// costs can be checked against the aggregates (statistically identical, not bitwise).
  bool person_ledger = false;
  /// Tests only: resolve every channel of every person-month and fail (InternalError) if an
  /// event falls inside a cached window, which would be an event the fast path never saw.
  bool verify_windows = false;
  /// In-silico trials (validation/trials.hpp): follow the people the trial arms' programmes
  /// enrol (needs person_ledger for their costs).
  std::optional<TrialSettings> trial;
  std::function<void(int month_done, int months)> progress;
  const std::atomic<bool>* cancel = nullptr;  // checked between months
};

/// A run's people before any intervention: synthesised, with the rates, the health state and
/// the wider outcomes' models calibrated on them, and what that stores as diagnostics. They
/// depend only on the world, the random key and the scale, never on the policy: the arms of a
/// comparison whose worlds are equal (one region, the same parameter values) and that share
/// random numbers have the same ones, replicate by replicate. runs::run_tasks makes them once
/// for such arms and each arm's Simulation starts from a copy.
struct PreparedPeople {
  RandomKey key{};
  double scale = 1;
  Population population;
  PrevalenceTables prevalence;
  SynthesisNorms norms;
  std::uint32_t next_person_id = 0;
  Calibrated cal;
  LimitationModel limitation;
  WiderModels wider;
  std::vector<Diagnostic> diagnostics;  // in the order a run stores them
  double synthesis_seconds = 0, calibration_seconds = 0;
};
/// Synthesis and calibration for a run of this world, key and scale (InputError on bad data).
PreparedPeople prepare_people(const World& world, const RandomKey& key, double scale);

class Simulation final : private ProgrammeHost {
 public:
  /// `prepared`: the people prepare_people made for this world's equal, the settings' seed,
  /// replicate and scale (InternalError if the key or scale differ); null: this run makes its own.
  Simulation(const World& world, RunSettings settings, std::shared_ptr<const PreparedPeople> prepared = nullptr);
  // Not copied or moved: the coupling points into this run's programmes, and the programme
  // engine into its people, rates, models and layout.
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  /// Steps every remaining month and hands over the outputs (moved, not copied: a whole
  /// region's are about 10 MB). The run is finished after it: output() and step() throw.
  RunOutput run();
  /// One month (for tests).
  void step();

  int month() const { return month_; }
  const Population& population() const { return pop_; }
  const RateTables& rates() const { return cal_.rates; }
  const PrevalenceTables& prevalence() const { return prevalence_; }
  const RunOutput& output() const;
  /// Ledger mode: each person's cost, by person id (arrivals' ids are sparse: zeros between).
  const std::vector<double>& person_cost() const { return person_cost_; }
  /// In-silico trials: the participants' follow-up (null unless RunSettings::trial).
  const TrialObserver* trial() const { return trial_.get(); }
  /// The ids arrivals take in this run (model/people/arrivals.hpp).
  const ArrivalIds& arrival_ids() const { return arrivals_; }
  /// The world's parameter table with this run's derived values filled in.
  ParameterTable parameter_table() const;
  /// Replaces the people (tests and what-ifs on a hand-made cohort), keeping this run's
  /// calibrated rates. Ids must be unique; they key the people's random numbers.
  void reset_population(Population people);
  /// The wider outcomes' models as calibrated for this run (model/people/wider.hpp).
  const EconomyModel& economy() const { return economy_; }
  const LimitationModel& limitation() const { return limitation_; }
  const BirthModel& births() const { return births_; }
  const CarerModel& carers() const { return carers_; }
  /// Every derived parameter's computed value, as stored with the run.
  const std::vector<std::pair<std::string, double>>& derived_parameters() const { return cal_.derived_parameters; }
  /// The ICPs' system models (model/system/system.hpp), and this month's feedback to the agents.
  const std::deque<IcpSystem>& systems() const { return coupling_.systems(); }
  const std::vector<IcpFeedback>& feedback() const { return coupling_.feedback(); }

 private:
  void refresh_at(std::size_t i, int month);
  /// The events of the channels in `mask` (bit c: channel c's word is outside its window).
  void resolve(std::size_t i, BlockState& b, const std::array<std::uint32_t, 4>& words, unsigned mask);
  /// RunSettings::verify_windows: throws if a word inside the person's window has an event.
  void verify_window(std::size_t i, const std::array<std::uint32_t, 4>& words) const;
  /// Ends the person's memberships whose own draw this month falls under their lapse probability.
  void lapse_memberships(std::size_t i, BlockState& b);
  void add_person(std::uint32_t id, int zone, int age_years, int sex, bool newborn, bool low_birth_weight = false);
  Snapshot snapshot(int after_month);
  // ---- what the programme engine asks of the run (ProgrammeHost)
  void before_change(std::size_t i) override { change_before_ = sums_.cached(i); }
  void enrolled(std::size_t k, std::size_t i) override;
  /// A cluster trial (TrialSettings::area_enrol_month): enrols the residents of the areas the
  /// trial arms' area programmes cover, in serial, before the month's programmes.
  void enrol_area_residents();
  void after_change(std::size_t i) override;
  void count_stocks(std::size_t i, double* row) const override;
  // ---- the month's pipeline (step(), in this order; the table at the top of this file)
  /// What the month's calls share: its flows, the women who may give birth by zone, whether
  /// the stocks of the previous month's end are counted this month, and in the pass.
  struct Month {
    MonthFlows flows;
    std::vector<double> women, women_smokers;  // aged 15-44, by zone (agents)
    std::size_t n_cells = 0, n_blocks = 0;
    bool counting_stocks = false, counting_stocks_in_pass = false;
  };
  Month begin_month();
  void enrol_participants(Month& m);
  void read_running_sums(Month& m);
  void apply_feedback_to_activity(Month& m);
  void pass_over_people(Month& m);
  /// Ledger mode: the person's activity drawn on their own, and their cost.
  void ledger_activity(std::size_t i, BlockState& st);
  /// Adds a cost by payer to person i's ledger (and to their trial follow-up's health and care cost).
  void charge(std::size_t i, const double* cost);
  /// In-silico trials: a participant's expected activity this month (before the events), and
  /// their state at the end of the follow-up (after them).
  void follow_month(std::size_t i);
  /// The mental-health admission a crisis of last month may end in.
  void mental_health_admission(std::size_t i, BlockState& st);
  void follow_end(std::size_t i);
  void combine_blocks(Month& m);
  void draw_activity(MonthFlows& flows);
  void add_births(Month& m);
  void add_in_migrants(MonthFlows& flows);
  void record_month(MonthFlows& flows);
  void end_month();
  void step_system_models();
  /// Adds the birth: birth weight, the baby, and the programme's participant and spend.
  void add_birth(const PendingBirth& b, MonthFlows& flows);
  /// At the end of the run: the survivors by decile, sex and age, and the utility norm.
  void record_survivors();
  /// The arrival id layout (model/people/arrivals.hpp) for starting ids below `first_free`, with
  /// capacities from this run's expected births by zone and in-migrants by district.
  void set_arrival_ids(std::uint32_t first_free);

  // ---- the system-dynamics layer (model/hybrid/coupling.hpp; simulation_system.cpp)
  /// The base year's inputs of each ICP's model, from the starting people, and the coupling.
  void setup_system();
  /// Stocks -> agents: the coupling's feedback, and the area programmes' levels from it.
  void apply_system_feedback();
  /// SD-only mode: every remaining month from cohort averages.
  RunOutput run_cohorts();
  Coupling coupling_;

  const World& world_;
  RunSettings settings_;
  RandomKey key_;
  Population pop_;
  PrevalenceTables prevalence_;
  SynthesisNorms norms_;
  Calibrated cal_;
  LimitationModel limitation_;
  EconomyModel economy_;
  BirthModel births_;
  CarerModel carers_;
  std::vector<int> zone_district_;
  ArrivalIds arrivals_;
  int month_ = 0;
  double weight_ = 1;
  RunOutput out_;
  bool handed_over_ = false;  // run() has moved out_ to its caller
  std::vector<double> person_cost_;  // by person id (ledger mode)
  std::unique_ptr<TrialObserver> trial_;
  std::uint32_t mh_crisis_threshold_ = 0;
  std::vector<double> mh_pending_days_;  // by cell: mental-health bed-days of the admitted still to be spent (people units)  // P(a crisis a month) x 2^32, for people with a common mental disorder
  RunningSums sums_;  // what the people alive contribute, by fixed blocks of kBlockSize people
  std::optional<int> pending_snapshot_;  // month whose end-of-month stocks the next month's pass counts
  /// The funded interventions (model/programmes/engine.hpp).
  ProgrammeEngine programmes_;
  Cached change_before_;  // the person the engine is changing, before the change
};

}  // namespace shiftsim::model
