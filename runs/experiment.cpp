#include "runs/experiment.hpp"

#include "model/core/errors.hpp"
#include "model/core/parameters.hpp"
#include "model/core/parallel.hpp"
#include "model/programmes/sampling.hpp"

#include <tbb/collaborative_call_once.h>
#include <tbb/info.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <utility>

namespace shiftsim::runs {

Experiment::Experiment(std::vector<Arm> arms, const ExperimentSettings& o) : arms_(std::move(arms)) {
  if (arms_.empty()) throw InternalError("an experiment needs at least one arm");
  const auto& base = arms_.front().scenario;
  for (std::size_t k = 1; k < arms_.size(); ++k) {
    const auto& s = arms_[k].scenario;
    auto differs = [&](const std::string& field, const std::string& mine, const std::string& theirs) {
      throw InputError(s.path + ": /" + field + " is " + mine + ", but the baseline " + base.path + " has " + theirs +
                       "; the arms of a comparison must share the region, start year and horizon");
    };
    if (s.region != base.region) differs("region", s.region, base.region);
    if (s.start_year != base.start_year) differs("start_year", std::to_string(s.start_year), std::to_string(base.start_year));
    if (o.years <= 0 && s.years != base.years) differs("years", std::to_string(s.years), std::to_string(base.years));
  }
  // One price year for a comparison: a scenario's finance.price_base_year applies to every arm
  // (the baseline's figures must be in the same prices); two that differ are refused.
  {
    const inputs::Scenario* given = nullptr;
    for (const auto& a : arms_)
      if (a.scenario.finance.price_base_year_given) {
        if (given && given->finance.price_base_year != a.scenario.finance.price_base_year)
          throw InputError(a.scenario.path + ": /finance/price_base_year is " + std::to_string(a.scenario.finance.price_base_year) + ", but " +
                           given->path + " has " + std::to_string(given->finance.price_base_year) +
                           "; the arms of a comparison are reported in one price year");
        given = &a.scenario;
      }
    if (given)
      for (auto& a : arms_) a.scenario.finance.price_base_year = given->finance.price_base_year;
  }
  mode_ = o.mode;
  const bool sd = mode_ == model::Mode::sd;
  if (sd)
    for (const auto& a : arms_)
      if (!a.policy->interventions.empty())
        throw InputError(a.scenario.path + ": --mode sd drives the system models from cohort averages and cannot run interventions, which act "
                         "on people; this scenario funds " + std::to_string(a.policy->interventions.size()) +
                         " (run it without --mode sd, or use a scenario without interventions)");
  // SD-only mode needs the synthesised people only for their cohort averages: one replicate
  // of a tenth will do.
  replicates_ = sd ? 1 : o.replicates > 0 ? o.replicates : (base.replicates > 1 ? base.replicates : o.default_replicates);
  scale_ = o.scale > 0 ? o.scale : (sd ? 0.1 : base.scale);
  run_start_year_ = arms_.front().inputs ? arms_.front().inputs->region.base_year : base.start_year;
  run_in_months_ = 12 * std::max(0, base.start_year - run_start_year_);
  months_ = run_in_months_ + 12 * (o.years > 0 ? o.years : base.years);
  // A run longer than a scenario's years: with finance.continue_funding, each intervention
  // without an end is funded to the run's end, every later financial year at its last
  // budgeted year's amounts; without it, funding stops where the scenario's years end.
  for (auto& a : arms_) {
    const auto& s = a.scenario;
    if (!s.finance.continue_funding || months_ <= run_in_months_ + 12 * s.years || !a.policy) continue;
    auto extended = std::make_shared<model::Policy>(*a.policy);
    for (auto& iv : extended->interventions) {
      if (!iv.open_ended || iv.budget.empty()) continue;
      const int last_fy = iv.budget.rbegin()->first;
      if (last_fy < s.start_year + s.years - 1) continue;  // its budget ended before the plan did
      const auto amounts = iv.budget.rbegin()->second;
      iv.end_month = months_ - 1;
      // The run ends in June of start_year + years, in the financial year that starts that April.
      const int end_fy = run_start_year_ + months_ / 12;
      for (int fy = last_fy + 1; fy <= end_fy; ++fy) iv.budget[fy] = amounts;
    }
    a.policy = std::move(extended);
  }
  const int plan_years = o.plan_years > 0 ? o.plan_years : o.plan_years == 0 ? base.years : 0;
  plan_months_ = plan_years > 0 && run_in_months_ + plan_years * 12 < months_ ? plan_years * 12 : 0;
  seed_ = o.seed >= 0 ? static_cast<std::uint32_t>(o.seed) : base.seed;
  crn_ = !o.independent_streams;
  // Common random numbers: every arm uses the baseline's seed. Independent streams give each
  // arm its own (a large odd offset per arm), only to show what CRN buys.
  for (std::size_t k = 0; k < arms_.size(); ++k) seeds_.push_back(crn_ ? seed_ : seed_ + static_cast<std::uint32_t>(k) * 1000003u);
}

std::vector<Task> Experiment::tasks() const {
  std::vector<Task> t;
  for (int r = 0; r < replicates_; ++r)
    for (int a = 0; a < static_cast<int>(arms_.size()); ++a) t.push_back({a, r});
  return t;
}

std::vector<std::string> Experiment::periods() const {
  return results::comparison_periods(run_start_year_, months_, plan_months_, run_in_months_);
}

double price_factor(const model::ParameterTable& table, int year, const std::string& path) {
  const auto d = model::deflator_to_2018_19(table, year);
  if (!d)
    throw InputError(path + ": /finance/price_base_year is " + std::to_string(year) +
                     ", but the parameter table has no NHS cost inflation deflator (general.deflator_to_2018_19.fy...) for it");
  return 1.0 / *d;
}

std::vector<results::FinanceSettings> Experiment::finance() const {
  std::vector<results::FinanceSettings> out;
  for (const auto& a : arms_) {
    const auto& s = a.scenario.finance;
    results::FinanceSettings f;
    f.price_base_year = s.price_base_year;
    f.rate_costs = s.discount_rate_costs;
    f.rate_health = s.discount_rate_health;
    f.cashable = s.cashable;
    f.optimism_costs = s.optimism_bias_costs;
    f.optimism_benefits = s.optimism_bias_benefits;
    f.funding_source = s.funding_source;
    f.price_factor = price_factor(*a.table, s.price_base_year, a.scenario.path);
    f.continue_funding = s.continue_funding;
    out.push_back(std::move(f));
  }
  return out;
}

namespace {

/// Whether two parameter tables build the same world from one region's data: every row's
/// name, value, bounds and uncertainty equal (so that a replicate's draws are equal too).
bool same_model_inputs(const model::ParameterTable& a, const model::ParameterTable& b) {
  if (&a == &b) return true;
  if (a.rows().size() != b.rows().size()) return false;
  for (std::size_t k = 0; k < a.rows().size(); ++k) {
    const model::ParameterRow& x = a.rows()[k];
    const model::ParameterRow& y = b.rows()[k];
    if (x.name != y.name || x.value != y.value || x.derived != y.derived || x.lower != y.lower || x.upper != y.upper ||
        x.uncertainty.kind != y.uncertainty.kind || x.uncertainty.a != y.uncertainty.a || x.uncertainty.b != y.uncertainty.b ||
        x.uncertainty.c != y.uncertainty.c)
      return false;
  }
  return true;
}

/// The people the tasks of one replicate share: made once (the threads that need them while
/// they are being made help make them) and let go when the last of those tasks has copied them.
struct SharedPeople {
  tbb::collaborative_once_flag once;
  std::shared_ptr<const model::PreparedPeople> people;
  std::atomic<int> users{0};
};

/// A task's use of shared people ends (it has its copy, failed, or was cancelled before it
/// ran): the last one frees them.
void release(SharedPeople* shared) {
  if (shared && shared->users.fetch_sub(1) == 1) shared->people.reset();  // every other user has its copy
}
/// Releases at the end of its scope unless released before.
struct ReleaseAtExit {
  SharedPeople* shared;
  ~ReleaseAtExit() { release(shared); }
  void now() { release(std::exchange(shared, nullptr)); }
};

/// Simulates one task (on the calling thread and its arena's workers).
TaskResult simulate(const Experiment& e, const Task& task, const std::atomic<bool>* cancel, const std::function<void(int)>& after_month,
                    SharedPeople* shared) {
  const Arm& arm = e.arms()[static_cast<std::size_t>(task.arm)];
  const bool psa = e.replicates() > 1;
  model::RunSettings s;
  s.mode = e.mode();
  s.start_year = e.run_start_year();
  s.months = e.months();
  s.seed = e.seed_of(task.arm);
  s.replicate = static_cast<std::uint32_t>(task.replicate);
  s.scale = e.scale();
  s.policy = arm.policy;
  s.cancel = cancel;
  s.progress = [&](int m, int) { after_month(m); };
  std::unique_ptr<model::World> drawn_world;
  const model::World* w = arm.world.get();
  if (psa) {
    const model::RandomKey key{s.seed, s.replicate};
    const model::ParameterTable drawn = model::draw_parameters(*arm.table, key);
    drawn_world = std::make_unique<model::World>(model::build_world(arm.inputs->region, drawn));
    w = drawn_world.get();
    s.policy = std::make_shared<const model::Policy>(model::draw_policy(*arm.policy, drawn, key));
  }
  std::shared_ptr<const model::PreparedPeople> people;
  ReleaseAtExit release_people{shared};  // however the copy goes, this task's use ends
  bool made_people = false;              // this task's call prepared the people it shares
  if (shared) {
    tbb::collaborative_call_once(shared->once, [&] {
      shared->people = std::make_shared<const model::PreparedPeople>(model::prepare_people(*w, {s.seed, s.replicate}, s.scale));
      made_people = true;
    });
    people = shared->people;
  }
  const double synthesis_seconds = made_people ? people->synthesis_seconds : 0.0;
  const double calibration_seconds = made_people ? people->calibration_seconds : 0.0;
  model::Simulation sim(*w, s, people);
  people.reset();
  release_people.now();
  TaskResult r;
  r.output = std::make_unique<model::RunOutput>(sim.run());
  // The arm that prepared the shared people carries their time (the others, their copy's).
  r.output->phase_seconds[0] += synthesis_seconds;
  r.output->phase_seconds[1] += calibration_seconds;
  // Effects the scenario gave as distributions are drawn outside the parameter table: store
  // them with the replicate's diagnostics.
  if (psa)
    for (const auto& spec : s.policy->interventions)
      for (const auto& [kind, dist] : spec.effects)
        if (!spec.effect_rows.count(kind))
          r.output->diagnostics.push_back({"psa.draw." + spec.name + ".effect" + std::to_string(static_cast<int>(kind)), dist.mean(),
                                           "this replicate's draw of an effect the scenario gave as a distribution"});
  r.parameters = std::make_unique<model::ParameterTable>(sim.parameter_table());
  return r;
}

}  // namespace

void run_tasks(const Experiment& e, const std::vector<Task>& tasks, const Controls& c,
               const std::function<void(const Task&, TaskResult&&)>& done) {
  for (const auto& t : tasks)
    if (t.arm < 0 || t.arm >= static_cast<int>(e.arms().size()) || t.replicate < 0 || t.replicate >= e.replicates())
      throw InternalError("run_tasks: a task outside the experiment");
  // The tasks' own stop flag: set by the caller's token (checked each month) or by a failure.
  std::atomic<bool> stop{false};
  auto stopped = [&] { return stop.load() || (c.cancel && c.cancel->cancelled()); };
  std::atomic<long> months_done{0};
  const long months_total = static_cast<long>(tasks.size()) * e.months();
  std::mutex progress_mutex, done_mutex;
  // A task's exception is caught here, not left to cancel the loop: cancelling it would also
  // cancel the other tasks' inner parallel loops midway.
  std::vector<std::exception_ptr> errors(tasks.size());
  // Synthesis and calibration depend on the world, the seed, the replicate and the scale, not
  // on the policy: arms with one region, equal parameter tables and one seed (common random
  // numbers) have the same people in each replicate, made once for them (an arm whose
  // scenario sets a parameter, or independent streams, makes its own).
  const auto& arms = e.arms();
  std::vector<std::size_t> arm_class(arms.size());
  for (std::size_t a = 0; a < arms.size(); ++a) {
    arm_class[a] = a;
    for (std::size_t b = 0; b < a; ++b)
      if (arm_class[b] == b && arms[b].inputs == arms[a].inputs && e.seed_of(static_cast<int>(b)) == e.seed_of(static_cast<int>(a)) &&
          same_model_inputs(*arms[b].table, *arms[a].table)) {
        arm_class[a] = b;
        break;
      }
  }
  std::map<std::pair<int, std::size_t>, int> users;  // by (replicate, class)
  for (const auto& t : tasks) ++users[{t.replicate, arm_class[static_cast<std::size_t>(t.arm)]}];
  std::deque<SharedPeople> shared;
  std::map<std::pair<int, std::size_t>, SharedPeople*> shared_of;
  for (const auto& [key, n] : users)
    if (n > 1) {
      shared.emplace_back().users = n;
      shared_of[key] = &shared.back();
    }
  auto shared_for = [&](const Task& t) -> SharedPeople* {
    const auto it = shared_of.find({t.replicate, arm_class[static_cast<std::size_t>(t.arm)]});
    return it == shared_of.end() ? nullptr : it->second;
  };
  const int threads = c.threads > 0 ? c.threads : tbb::info::default_concurrency();
  tbb::task_arena arena(threads);
  arena.execute([&] {
    // model::for_each_index: TBB, or std::threads in ThreadSanitizer builds (model/core/parallel.hpp).
    model::for_each_index(tasks.size(), [&](std::size_t k) {
      const Task& task = tasks[k];
      try {
        std::atomic<bool> task_stop{false};
        auto after_month = [&](int m) {
          if (c.after_month) c.after_month(task, m);
          if (stopped()) task_stop.store(true);
          const long d = ++months_done;
          if (c.progress) {
            std::unique_lock<std::mutex> lock(progress_mutex, std::try_to_lock);
            if (lock) c.progress({d, months_total, static_cast<int>(tasks.size())});
          }
        };
        if (stopped()) {
          release(shared_for(task));  // it will not copy the people it shares
          throw shiftsim::Cancelled();
        }
        TaskResult r;
        tbb::this_task_arena::isolate([&] { r = simulate(e, task, &task_stop, after_month, shared_for(task)); });
        std::lock_guard<std::mutex> lock(done_mutex);
        done(task, std::move(r));
      } catch (const shiftsim::Cancelled&) {
        errors[k] = std::current_exception();
      } catch (...) {
        errors[k] = std::current_exception();
        if (c.on_error == OnError::stop_all) stop.store(true);
      }
    });
  });
  std::exception_ptr first_error, interruption;
  for (const auto& err : errors) {
    if (!err) continue;
    try {
      std::rethrow_exception(err);
    } catch (const shiftsim::Cancelled&) {
      if (!interruption) interruption = err;
    } catch (...) {
      if (!first_error) first_error = err;
    }
  }
  if (first_error) std::rethrow_exception(first_error);
  if (interruption) std::rethrow_exception(interruption);
}

std::vector<results::OutcomeValue> replicate_outcomes(const Experiment& e, int replicate, const std::vector<const model::RunOutput*>& outputs) {
  if (outputs.size() != e.arms().size()) throw InternalError("replicate_outcomes: one output per arm is needed");
  const auto finance = e.finance();
  std::vector<results::ReplicateArm> arms;
  for (std::size_t a = 0; a < outputs.size(); ++a) arms.push_back({outputs[a], finance[a], e.arms()[a].policy.get()});
  return results::replicate_outcomes(arms, replicate, e.plan_months(), e.run_in_months());
}

}  // namespace shiftsim::runs
