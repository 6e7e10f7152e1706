#include "runs/store_writer.hpp"

#include "model/core/errors.hpp"

#include <algorithm>
#include <chrono>
#include <set>

namespace shiftsim::runs {

std::int64_t StoreWriter::begin_records(results::ResultsStore& store, const Experiment& e, const Provenance& p, bool resumable,
                                        std::vector<std::int64_t>& run_ids) {
  const auto& arms = e.arms();
  run_ids.clear();
  for (std::size_t k = 0; k < arms.size(); ++k) {
    const Arm& a = arms[k];
    results::RunRecord rec;
    rec.scenario_name = a.scenario.name;
    rec.scenario_text = a.scenario.source_text;
    rec.scenario_path = a.scenario.path;
    rec.data_version = a.inputs->region.data_version;
    rec.parameters_version = a.inputs->parameters_version;
    rec.program_version = p.program_version;
    rec.seed = e.seed_of(static_cast<int>(k));
    rec.replicates = e.replicates();
    rec.scale = e.scale();
    rec.threads = p.threads;
    rec.start_year = a.scenario.start_year;
    rec.years = e.years();
    run_ids.push_back(store.begin_run(rec));
  }
  results::ResultsStore::ComparisonSpec spec;
  spec.run_ids = run_ids;
  spec.finance = e.finance();
  spec.periods = e.periods();
  spec.plan_months = e.plan_months();
  spec.run_start_year = e.run_start_year();
  spec.common_random_numbers = e.common_random_numbers();
  spec.resumable = resumable;
  for (const auto& a : arms) {
    spec.policies.push_back(a.policy.get());
    spec.central.push_back(e.replicates() > 1 ? a.table.get() : nullptr);
  }
  return store.begin_comparison(spec);
}

StoreWriter::StoreWriter(results::ResultsStore& store, const Experiment& e, const Provenance& p) : store_(store), experiment_(e) {
  totals_.resize(e.arms().size());
  try {
    comparison_id_ = begin_records(store, e, p, false, run_ids_);
  } catch (...) {
    try {
      for (const auto id : run_ids_) store.end_run_without_results(id, "failed", "the results database refused the run");
    } catch (...) {  // keep the first error; the runs are cleaned up when the database is next opened
    }
    throw;
  }
  for (const auto& icp : e.arms().front().inputs->region.icps) icps_.push_back(icp.name);
}

StoreWriter::StoreWriter(results::ResultsStore& store, const Experiment& e, std::int64_t comparison_id)
    : store_(store), experiment_(e), run_ids_(store.comparison_runs(comparison_id)), comparison_id_(comparison_id) {
  if (run_ids_.size() != e.arms().size())
    throw InternalError("comparison " + std::to_string(comparison_id) + " has " + std::to_string(run_ids_.size()) + " arms, the experiment " +
                        std::to_string(e.arms().size()));
  totals_.resize(e.arms().size());
  for (const auto& icp : e.arms().front().inputs->region.icps) icps_.push_back(icp.name);
}

void StoreWriter::accept(const Task& task, TaskResult&& result) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::size_t A = experiment_.arms().size();
  auto& t = totals_[static_cast<std::size_t>(task.arm)];
  t.setup_seconds += result.output->setup_seconds;
  t.simulate_seconds += result.output->wall_seconds;
  t.agent_months += result.output->agent_months;
  auto& slot = pending_[task.replicate];
  slot.resize(A);
  if (slot[static_cast<std::size_t>(task.arm)].output) throw InternalError("a task was stored twice");
  slot[static_cast<std::size_t>(task.arm)] = std::move(result);
  for (const auto& r : slot)
    if (!r.output) return;
  std::vector<results::ResultsStore::ReplicateResult> arms;
  std::vector<const model::RunOutput*> outputs;
  for (const auto& r : slot) {
    arms.push_back({r.output.get(), r.parameters.get()});
    outputs.push_back(r.output.get());
  }
  const auto values = replicate_outcomes(experiment_, task.replicate, outputs);
  store_.commit_replicate(comparison_id_, task.replicate, arms, icps_, values);
  if (keep_) kept_[task.replicate] = std::move(slot);
  pending_.erase(task.replicate);
}

std::vector<int> StoreWriter::committed() const { return store_.committed_replicates(comparison_id_); }

std::int64_t StoreWriter::close(double wall_seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto done = store_.committed_replicates(comparison_id_);
  if (static_cast<int>(done.size()) != experiment_.replicates())
    throw InternalError("close: " + std::to_string(done.size()) + " of " + std::to_string(experiment_.replicates()) +
                        " replicates are stored");
  const auto values = store_.committed_outcomes(comparison_id_);
  // Each arm's drawn parameters (as stored, so a resumed comparison reads the replicates an
  // earlier process ran), with their groups and ranges from the arm's table.
  std::vector<results::ParameterSample> samples(experiment_.arms().size());
  std::set<std::string> types_in_use;
  for (const auto& arm : experiment_.arms())
    if (arm.policy)
      for (const auto& iv : arm.policy->interventions) types_in_use.insert(model::catalogue_entry(iv.type).name);
  if (experiment_.replicates() > 1)
    for (std::size_t k = 0; k < samples.size(); ++k) {
      const auto& table = *experiment_.arms()[k].table;
      for (auto& [name, draws] : store_.parameter_draws(run_ids_[k], experiment_.replicates())) {
        const model::ParameterRow* row = table.find(name);
        if (!row || row->uncertainty.kind == model::Distribution::Kind::fixed) continue;
        // An intervention type's parameters matter only where an arm runs the type.
        if (row->group.rfind("intervention.", 0) == 0 && !types_in_use.count(row->group.substr(13))) continue;
        auto& ps = samples[k];
        ps.names.push_back(name);
        ps.groups.push_back(row->group);
        ps.draws.push_back(std::move(draws));
        ps.p05.push_back(row->uncertainty.quantile(0.05));
        ps.p95.push_back(row->uncertainty.quantile(0.95));
        ps.lowest.push_back(row->uncertainty.quantile(0.001));
        ps.highest.push_back(row->uncertainty.quantile(0.999));
      }
    }
  const auto summary = results::summarise_comparison(values, static_cast<int>(experiment_.arms().size()),
                                                     experiment_.replicates(), &samples);
  std::vector<results::ResultsStore::RunTiming> timings;
  for (const auto& t : totals_) timings.push_back({wall_seconds, t.simulate_seconds > 0 ? t.agent_months / t.simulate_seconds : 0});
  store_.close_comparison(comparison_id_, summary, timings);
  return comparison_id_;
}

void StoreWriter::discard(const std::string& status, const std::string& message) {
  std::lock_guard<std::mutex> lock(mutex_);
  pending_.clear();
  kept_.clear();
  store_.discard_comparison(comparison_id_, status, message);
}

std::vector<const model::RunOutput*> StoreWriter::outputs(int arm) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<const model::RunOutput*> out;
  for (const auto& [k, slot] : kept_) out.push_back(slot[static_cast<std::size_t>(arm)].output.get());
  return out;
}

namespace {
/// Discards what a failed experiment stored without hiding why it failed: if the database
/// refuses even that (locked, full), the rows go when it is next opened (the process that
/// wrote them no longer exists then).
void discard_quietly(StoreWriter& writer, const std::string& status, const std::string& message) {
  try {
    writer.discard(status, message);
  } catch (...) {
  }
}
}  // namespace

Stored run_and_store(const Experiment& e, StoreWriter& writer, const Controls& controls) {
  const auto t0 = std::chrono::steady_clock::now();
  try {
    std::vector<Task> todo;
    const auto done = writer.committed();
    for (const auto& t : e.tasks())
      if (std::find(done.begin(), done.end(), t.replicate) == done.end()) todo.push_back(t);
    run_tasks(e, todo, controls, [&](const Task& t, TaskResult&& r) { writer.accept(t, std::move(r)); });
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return {writer.close(wall), writer.run_ids(), wall};
  } catch (const shiftsim::Cancelled&) {
    discard_quietly(writer, "interrupted", "interrupted; no results were stored");
    throw;
  } catch (const std::exception& ex) {
    discard_quietly(writer, "failed", ex.what());
    throw;
  }
}

}  // namespace shiftsim::runs
