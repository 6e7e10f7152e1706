#include "cli/commands.hpp"

#include "model/documentation.hpp"
#include "model/geography.hpp"
#include "model/errors.hpp"
#include "model/parallel.hpp"
#include "model/sampling.hpp"
#include "model/simulation.hpp"
#include "results/comparison.hpp"
#include "results/document.hpp"
#include "results/report.hpp"
#include "results/store.hpp"
#include "results/workbook.hpp"
#include "results/summary.hpp"
#include "scenarios/parameter_loader.hpp"
#include "scenarios/region_loader.hpp"
#include "scenarios/scenario.hpp"
#include "validation/deaths.hpp"

#include <tbb/global_control.h>
#include <tbb/task_arena.h>
#include <tbb/info.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <exception>
#include <fstream>
#include <functional>
#include <sstream>
#include <cmath>
#include <iostream>
#include <memory>
#include <mutex>
#include <unistd.h>

#ifndef SHIFTSIM_VERSION
#define SHIFTSIM_VERSION "unknown"
#endif

namespace shiftsim::cli {

namespace fs = std::filesystem;

namespace {

std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_signal(int) {
  g_interrupted.store(true);
  // A second interrupt stops at once.
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

struct Inputs {
  model::RegionData region;
  model::ParameterTable table;
  std::string parameters_version;
};

Inputs load_inputs(const Common& c, const std::string& scenario_region = "") {
  const fs::path data(c.data_dir);
  if (!fs::is_directory(data))
    throw InputError(c.data_dir + ": the data folder does not exist (give --data or set SHIFTSIM_DATA)");
  Inputs in;
  const std::string region = !c.region.empty() ? c.region : !scenario_region.empty() ? scenario_region : "lsc";
  in.region = inputs::load_region(data / region);
  in.table = inputs::load_parameters(data / "parameters.csv");
  in.parameters_version = inputs::content_hash({data / "parameters.csv"});
  return in;
}

/// A scenario checked against the region and the parameters, with its policy and world.
struct Prepared {
  inputs::Scenario scenario;
  std::unique_ptr<Inputs> in;  // the world points into it
  std::shared_ptr<const model::Policy> policy;
  std::unique_ptr<model::World> world;
};

Prepared prepare(const std::string& file, const Common& c) {
  Prepared p;
  p.scenario = inputs::load_scenario(file);
  p.in = std::make_unique<Inputs>(load_inputs(c, p.scenario.region));
  const model::Geography geography = model::build_geography(p.in->region);
  p.policy = std::make_shared<const model::Policy>(inputs::resolve_scenario(p.scenario, p.in->region, geography, p.in->table));
  p.world = std::make_unique<model::World>(model::build_world(p.in->region, p.in->table));
  return p;
}

std::string money(double gbp) {
  char b[48];
  if (gbp >= 1e6) std::snprintf(b, sizeof b, "GBP %.2fm", gbp / 1e6);
  else std::snprintf(b, sizeof b, "GBP %.0f", gbp);
  return b;
}

int threads_or_all(int threads) { return threads > 0 ? threads : tbb::info::default_concurrency(); }

/// Runs a guarded body; maps exceptions to exit codes and clear messages.
template <class F>
int guarded(F&& body) {
  try {
    return body();
  } catch (const model::Cancelled& e) {
    std::cerr << "shiftsim: " << e.what() << "\n";
    return 130;
  } catch (const InputError& e) {
    std::cerr << "shiftsim: bad input:\n" << e.what() << "\n";
    return 2;
  } catch (const results::StoreError& e) {
    std::cerr << "shiftsim: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "shiftsim: internal error: " << e.what() << "\n";
    return 1;
  }
}

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled && isatty(STDERR_FILENO)) {}
  void show(double done, int replicates, int years) {
    if (!enabled_) return;
    const int width = 30;
    const int filled = static_cast<int>(done * width);
    std::fprintf(stderr, "\r[%-*s] %3d%%  %d replicate%s of %d years", width, std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 static_cast<int>(done * 100), replicates, replicates == 1 ? "" : "s", years);
    std::fflush(stderr);
  }
  void done() {
    if (enabled_) std::fprintf(stderr, "\r%70s\r", "");
  }

 private:
  bool enabled_;
};

}  // namespace

namespace {

/// One arm to simulate: a prepared scenario, its stored run and its seed.
struct ArmPlan {
  Prepared* prepared = nullptr;
  std::int64_t run_id = 0;
  std::uint32_t seed = 0;
};

struct ArmOutputs {
  std::vector<std::unique_ptr<model::RunOutput>> outputs;       // [replicate]
  std::vector<std::unique_ptr<model::ParameterTable>> tables;   // [replicate]
  double setup_seconds = 0, simulate_seconds = 0, agent_months = 0;
};

/// Simulates every (arm, replicate) in parallel. Replicate k of every arm uses the arm's seed
/// and replicate number k, and with more than one replicate draws its parameter values from
/// the key (seed, k) (probabilistic sensitivity analysis, model/sampling.hpp): with the same
/// seed for every arm, that is common random numbers. Each task isolates its own inner
/// parallel work so that a thread waiting on it never starts another (at most `threads`
/// populations in memory). Throws the first real error (in task order), else Cancelled.
std::vector<ArmOutputs> simulate_arms(const std::vector<ArmPlan>& arms, int replicates, int months, double scale, bool sd_mode,
                                      ProgressBar& bar) {
  const std::size_t A = arms.size(), R = static_cast<std::size_t>(replicates);
  std::vector<ArmOutputs> result(A);
  for (auto& a : result) {
    a.outputs.resize(R);
    a.tables.resize(R);
  }
  const bool psa = replicates > 1;
  std::atomic<long> months_done{0};
  std::mutex bar_mutex;
  const long months_all = static_cast<long>(A * R) * months;
  // Testing hook: SHIFTSIM_TEST_FAIL_AT_MONTH=n makes the run fail after month n, so the
  // test suite can check that a run failing after it started stores nothing.
  static const char* fail_at = std::getenv("SHIFTSIM_TEST_FAIL_AT_MONTH");
  // A task's exception is caught here, not left to cancel the loop: cancelling it would also
  // cancel the other tasks' inner parallel loops midway. The first failure stops the others
  // at their next month.
  std::vector<std::exception_ptr> errors(A * R);
  // model::for_each_index: TBB, or std::threads in ThreadSanitizer builds (model/parallel.hpp).
  model::for_each_index(A * R, [&](std::size_t task) {
    const std::size_t a = task / R, r = task % R;
    try {
      tbb::this_task_arena::isolate([&] {
        const Prepared& prepared = *arms[a].prepared;
        const auto& scenario = prepared.scenario;
        model::RunSettings s;
        s.mode = sd_mode ? model::Mode::sd : model::Mode::hybrid;
        s.start_year = scenario.start_year;
        s.months = months;
        s.seed = arms[a].seed;
        s.replicate = static_cast<std::uint32_t>(r);
        s.scale = scale;
        s.policy = prepared.policy;
        s.cancel = &g_interrupted;
        s.progress = [&](int m, int) {
          if (fail_at && m == std::atoi(fail_at)) throw InternalError("failure injected by SHIFTSIM_TEST_FAIL_AT_MONTH");
          const long done = ++months_done;
          std::unique_lock<std::mutex> lock(bar_mutex, std::try_to_lock);
          if (lock) bar.show(static_cast<double>(done) / static_cast<double>(months_all), static_cast<int>(A * R), months / 12);
        };
        std::unique_ptr<model::World> drawn_world;
        const model::World* w = prepared.world.get();
        if (psa) {
          const model::RandomKey key{arms[a].seed, static_cast<std::uint32_t>(r)};
          const model::ParameterTable drawn = model::draw_parameters(prepared.in->table, key);
          drawn_world = std::make_unique<model::World>(model::build_world(prepared.in->region, drawn));
          w = drawn_world.get();
          s.policy = std::make_shared<const model::Policy>(model::draw_policy(*prepared.policy, drawn, key));
        }
        model::Simulation sim(*w, s);
        auto out = std::make_unique<model::RunOutput>(sim.run());
        // Effects the scenario gave as distributions are drawn outside the parameter table:
        // store them with the replicate's diagnostics.
        if (psa)
          for (const auto& spec : s.policy->interventions)
            for (const auto& [kind, dist] : spec.effects)
              if (!spec.effect_rows.count(kind))
                out->diagnostics.push_back({"psa.draw." + spec.name + ".effect" + std::to_string(static_cast<int>(kind)), dist.mean(),
                                            "this replicate's draw of an effect the scenario gave as a distribution"});
        result[a].outputs[r] = std::move(out);
        result[a].tables[r] = std::make_unique<model::ParameterTable>(sim.parameter_table());
      });
    } catch (...) {
      errors[task] = std::current_exception();
      g_interrupted.store(true);
    }
  });
  std::exception_ptr first_error, interruption;
  for (const auto& e : errors) {
    if (!e) continue;
    try {
      std::rethrow_exception(e);
    } catch (const model::Cancelled&) {
      if (!interruption) interruption = e;
    } catch (...) {
      if (!first_error) first_error = e;
    }
  }
  if (first_error) std::rethrow_exception(first_error);
  if (interruption) std::rethrow_exception(interruption);
  for (auto& a : result)
    for (const auto& out : a.outputs) {
      a.setup_seconds += out->setup_seconds;
      a.simulate_seconds += out->wall_seconds;
      a.agent_months += out->agent_months;
    }
  return result;
}

results::FinanceSettings finance_of(const inputs::Scenario& s) {
  results::FinanceSettings f;
  f.price_base_year = s.finance.price_base_year;
  f.rate_costs = s.finance.discount_rate_costs;
  f.rate_health = s.finance.discount_rate_health;
  f.cashable = s.finance.cashable;
  return f;
}

results::RunRecord record_of(const Prepared& p, std::uint32_t seed, int replicates, double scale, int threads, int years) {
  results::RunRecord rec;
  rec.scenario_name = p.scenario.name;
  rec.scenario_text = p.scenario.source_text;
  rec.scenario_path = p.scenario.path;
  rec.data_version = p.in->region.data_version;
  rec.parameters_version = p.in->parameters_version;
  rec.program_version = SHIFTSIM_VERSION;
  rec.seed = seed;
  rec.replicates = replicates;
  rec.scale = scale;
  rec.threads = threads;
  rec.start_year = p.scenario.start_year;
  rec.years = years;
  return rec;
}

void check_db_folder(const std::string& db) {
  const fs::path db_dir = fs::absolute(db).parent_path();
  if (!fs::is_directory(db_dir)) throw InputError(db + ": the folder for the results database does not exist");
}

class SignalScope {
 public:
  SignalScope() {
    g_interrupted.store(false);
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
  }
  ~SignalScope() {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
  }
};

}  // namespace

int run_command(const RunOptions& o) {
  return guarded([&]() -> int {
    const auto t0 = std::chrono::steady_clock::now();
    Prepared prepared = prepare(o.scenario, o.common);
    const auto& scenario = prepared.scenario;
    const Inputs& in = *prepared.in;
    const int threads = threads_or_all(o.threads);
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    const bool sd_mode = o.mode == "sd";
    if (sd_mode && !prepared.policy->interventions.empty())
      throw InputError(o.scenario + ": --mode sd drives the system models from cohort averages and cannot run interventions, which act "
                       "on people; this scenario funds " + std::to_string(prepared.policy->interventions.size()) +
                       " (run it without --mode sd, or use a scenario without interventions)");
    // SD-only mode needs the synthesised people only for their cohort averages: a tenth will do.
    const int replicates = sd_mode ? 1 : (o.replicates > 0 ? o.replicates : scenario.replicates);
    const double scale = o.scale > 0 ? o.scale : (sd_mode ? 0.1 : scenario.scale);
    const int years = o.years > 0 ? o.years : scenario.years;

    check_db_folder(o.db);
    results::ResultsStore store(o.db);
    const results::RunRecord rec =
        record_of(prepared, o.seed >= 0 ? static_cast<std::uint32_t>(o.seed) : scenario.seed, replicates, scale, threads, years);
    const auto run_id = store.begin_run(rec);

    SignalScope signals;
    ProgressBar bar(!o.json);
    try {
      auto arms = simulate_arms({{&prepared, run_id, rec.seed}}, replicates, years * 12, scale, sd_mode, bar);
      ArmOutputs& arm = arms.front();
      bar.done();
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::vector<results::ResultsStore::ReplicateResult> reps;
      std::vector<const model::RunOutput*> outs;
      for (std::size_t k = 0; k < arm.outputs.size(); ++k) {
        reps.push_back({arm.outputs[k].get(), arm.tables[k].get()});
        outs.push_back(arm.outputs[k].get());
      }
      std::vector<std::string> icps;
      for (const auto& icp : in.region.icps) icps.push_back(icp.name);
      const double rate = arm.simulate_seconds > 0 ? arm.agent_months / arm.simulate_seconds : 0;
      // The run's outcomes (OUTPUTS.md), stored as a comparison of one arm.
      const results::Comparison comparison = results::compare({{scenario.name, run_id, outs, finance_of(scenario)}});
      const auto comparison_id =
          store.complete_runs({{run_id, reps, wall, rate, prepared.policy.get(), replicates > 1 ? &in.table : nullptr}}, icps,
                              comparison, true);

      results::RunFacts f;
      f.run_id = run_id;
      f.scenario = scenario.name;
      f.data_version = rec.data_version;
      f.program_version = rec.program_version;
      f.seed = rec.seed;
      f.replicates = replicates;
      f.threads = threads;
      f.scale = scale;
      f.mode = o.mode;
      f.agents = static_cast<long long>(arm.outputs.front()->agents_at_start);
      f.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      f.setup_seconds = arm.setup_seconds;
      f.agent_months_per_second = rate;
      f.database = o.db;
      const auto summary = results::summarise(outs);
      if (o.json) {
        auto j = results::to_json(f, summary);
        j["comparison_id"] = comparison_id;
        std::cout << j.dump(2) << "\n";
      } else {
        std::cout << results::to_table(f, summary);
      }
      return 0;
    } catch (const model::Cancelled&) {
      bar.done();
      store.end_run_without_results(run_id, "interrupted", "interrupted by a signal; no results were stored");
      std::cerr << "shiftsim: interrupted; run " << run_id << " is marked interrupted and stored nothing\n";
      return 130;
    } catch (const std::exception& e) {
      bar.done();
      store.end_run_without_results(run_id, "failed", e.what());
      throw;
    }
  });
}

int params_command(const ParamsOptions& o) {
  return guarded([&]() -> int {
    const fs::path file = fs::path(o.common.data_dir) / "parameters.csv";
    auto table = inputs::load_parameters(file);
    if (o.derived) {
      // The derived values depend on the synthesised population a little (seed and scale).
      Inputs in = load_inputs(o.common);
      const model::World world = model::build_world(in.region, in.table);
      model::RunSettings s;
      s.start_year = in.region.base_year;
      s.months = 1;
      s.scale = o.scale;
      const model::Simulation sim(world, s);
      table = sim.parameter_table();
    }
    auto value = [](const model::ParameterRow& r) {
      if (!r.value) return std::string(r.derived ? "derived" : "");
      char b[32];
      std::snprintf(b, sizeof b, "%.6g", *r.value);
      return std::string(b);
    };
    if (o.format == "markdown") {
      std::cout << model::parameter_tables_markdown(table, o.filter);
      return 0;
    }
    for (const auto& r : table.rows()) {
      if (!o.filter.empty() && r.name.rfind(o.filter, 0) != 0) continue;
      if (o.format == "csv") {
        auto q = [](const std::string& s) {
          std::string out = "\"";
          for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
          return out + "\"";
        };
        const std::string unc = r.uncertainty.kind == model::Distribution::Kind::fixed ? "" : r.uncertainty.to_string();
        std::cout << q(r.name) << "," << value(r) << "," << q(r.unit) << "," << r.lower << "," << r.upper << "," << q(unc)
                  << "," << q(r.group) << "," << q(r.description) << "," << q(r.source) << "\n";
      } else {
        std::printf("%-58s %10s  %-22s %s\n", r.name.c_str(), value(r).c_str(), r.unit.c_str(), r.source.substr(0, 90).c_str());
      }
    }
    return 0;
  });
}

int runs_command(const RunsOptions& o) {
  return guarded([&]() -> int {
    if (!fs::exists(o.db)) throw InputError(o.db + ": no results database here (run a scenario first, or give --db)");
    results::ResultsStore store(o.db);
    const auto runs = store.runs();
    if (o.json) {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& r : runs) {
        j.push_back({{"run_id", r.run_id}, {"scenario", r.scenario_name}, {"status", r.status}, {"seed", r.seed},
                     {"replicates", r.replicates}, {"scale", r.scale}, {"years", r.years}, {"started_at", r.started_at},
                     {"finished_at", r.finished_at}, {"data_version", r.data_version},
                     {"program_version", r.program_version}, {"message", r.message},
                     {"metric_rows", store.metric_row_count(r.run_id)}});
      if (const auto c = results::latest_comparison(store, r.run_id)) {
        j.back()["comparison_id"] = c->comparison_id;
        j.back()["role"] = c->role;
      }
      }
      std::cout << j.dump(2) << "\n";
      return 0;
    }
    std::printf("%6s  %-26s %-12s %12s %5s %6s  %-20s  %11s  %s\n", "run", "scenario", "status", "seed", "reps", "scale",
                "started (UTC)", "metric rows", "comparison");
    for (const auto& r : runs) {
      const auto c = results::latest_comparison(store, r.run_id);
      const std::string cmp = c ? std::to_string(c->comparison_id) + " (" + c->role + ")" : "-";
      std::printf("%6lld  %-26s %-12s %12u %5d %6.3g  %-20s  %11lld  %s\n", static_cast<long long>(r.run_id),
                  r.scenario_name.c_str(), r.status.c_str(), r.seed, r.replicates, r.scale, r.started_at.c_str(),
                  store.metric_row_count(r.run_id), cmp.c_str());
    }
    return 0;
  });
}

int validate_command(const ValidateOptions& o) {
  return guarded([&]() -> int {
    Prepared prepared = prepare(o.scenario, o.common);
    const auto& scenario = prepared.scenario;
    const Inputs& in = *prepared.in;
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                              static_cast<std::size_t>(threads_or_all(o.threads)));
    const model::World& world = *prepared.world;
    model::RunSettings s;
    s.start_year = scenario.start_year;
    s.months = 12;
    s.seed = scenario.seed;
    s.scale = o.scale;
    s.policy = prepared.policy;
    model::Simulation sim(world, s);
    const auto out = sim.run();
    std::cout << "First model year (July " << scenario.start_year << " - June " << scenario.start_year + 1
              << ") deaths against ONS deaths in the year to mid-" << scenario.start_year << ":\n"
              << validation::format_deaths_table(validation::first_year_deaths(out, in.region));
    return 0;
  });
}

int schema_command() {
  std::cout << inputs::scenario_schema();
  return 0;
}

int check_command(const CheckOptions& o) {
  return guarded([&]() -> int {
    const Prepared p = prepare(o.scenario, o.common);
    const auto& s = p.scenario;
    if (o.json) {
      nlohmann::json j = {{"ok", true}, {"name", s.name}, {"files", s.files}, {"start_year", s.start_year},
                          {"years", s.years}, {"interventions", nlohmann::json::array()}};
      for (const auto& iv : p.policy->interventions) {
        nlohmann::json budget = nlohmann::json::object();
        for (const auto& [fy, by] : iv.budget) budget[std::to_string(fy)] = iv.budget_in(fy);
        j["interventions"].push_back({{"name", iv.name}, {"type", model::catalogue_entry(iv.type).name}, {"shifts", iv.shifts},
                                      {"unit_cost_gbp", iv.unit_cost}, {"budget_gbp_by_financial_year", budget}});
      }
      std::cout << j.dump(2) << "\n";
      return 0;
    }
    std::cout << s.path << ": OK (\"" << s.name << "\", " << s.years << " years from mid-" << s.start_year << ", "
              << p.policy->interventions.size() << " intervention" << (p.policy->interventions.size() == 1 ? "" : "s");
    if (s.files.size() > 1) std::cout << ", extends " << s.files.size() - 1 << " file" << (s.files.size() > 2 ? "s" : "");
    std::cout << ")\n";
    for (const auto& iv : p.policy->interventions) {
      const auto& e = model::catalogue_entry(iv.type);
      std::cout << "  " << iv.name << " (" << e.name << ", shift";
      for (std::size_t k = 0; k < iv.shifts.size(); ++k) std::cout << (k ? "," : " ") << iv.shifts[k];
      std::cout << "): " << (e.reach == model::Reach::area ? "area-wide, " : "") << money(iv.unit_cost)
                << (e.reach == model::Reach::area ? " per resident a year" : " per participant");
      for (const auto& [fy, by] : iv.budget) {
        const double b = iv.budget_in(fy);
        std::cout << "\n      FY" << fy << "/" << (fy + 1) % 100 << ": " << money(b);
        if (e.reach == model::Reach::person && iv.unit_cost > 0)
          std::printf(", up to %.0f participants a month", b / 12.0 / iv.unit_cost);
      }
      std::cout << "\n";
    }
    return 0;
  });
}

int docs_command(const DocsOptions& o) {
  return guarded([&]() -> int {
    const Inputs in = load_inputs(o.common);
    const std::string text = model::model_documentation(in.table, &in.region);
    if (o.output.empty()) {
      std::cout << text;
    } else {
      const fs::path tmp = o.output + ".tmp";
      {
        std::ofstream f(tmp);
        if (!f) throw InputError(o.output + ": cannot write here");
        f << text;
      }
      fs::rename(tmp, o.output);
    }
    return 0;
  });
}

}  // namespace shiftsim::cli

namespace shiftsim::cli {

namespace {

std::string fmt_money(double gbp) {
  char b[48];
  const double a = std::fabs(gbp);
  if (a >= 1e9) std::snprintf(b, sizeof b, "GBP %.2fbn", gbp / 1e9);
  else if (a >= 1e6) std::snprintf(b, sizeof b, "GBP %.2fm", gbp / 1e6);
  else if (a >= 1e3) std::snprintf(b, sizeof b, "GBP %.0fk", gbp / 1e3);
  else std::snprintf(b, sizeof b, "GBP %.0f", gbp);
  return b;
}

std::string fmt_number(double x, int decimals) {
  char b[48];
  std::snprintf(b, sizeof b, "%.*f", decimals, x);
  return b;
}

/// "mean (p05 to p95)" of a summary, or "-" when absent.
std::string fmt_estimate(const results::OutcomeSummary* s, const std::string& kind) {
  if (!s || !s->mean) return "-";
  auto f = [&](double x) {
    if (kind == "money") return fmt_money(x);
    if (kind == "ratio") return fmt_number(x, 2);
    if (kind == "percent") return fmt_number(100 * x, 0) + "%";
    if (kind == "years") return fmt_number(x, 2);
    return fmt_number(x, 0);
  };
  if (kind == "percent" || !s->p05 || !s->p95) return f(*s->mean);
  return f(*s->mean) + "  (" + (s->p05 ? f(*s->p05) : "?") + " to " + (s->p95 ? f(*s->p95) : "?") + ")";
}

std::string fy_of(double year) {
  const int y = static_cast<int>(year);
  char b[16];
  std::snprintf(b, sizeof b, "FY%d/%02d", y, (y + 1) % 100);
  return b;
}

/// "June 2023": the end of a run of `months` months from July of start_year.
std::string end_of_months(int start_year, int months) {
  static const char* names[] = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"};
  const int last = 6 + months - 1;  // months since January of start_year
  return std::string(names[last % 12]) + " " + std::to_string(start_year + last / 12);
}

std::string comparison_table(const results::Comparison& c, int replicates, int start_year, int months) {
  std::ostringstream out;
  const bool plan = c.plan_months > 0;
  out << "Outcomes, each scenario against " << c.arms.front()
      << " replicate by replicate (common random numbers): mean (90% interval, 5th to 95th percentile over " << replicates
      << " replicate" << (replicates == 1 ? "" : "s") << ").\n";
  if (plan)
    out << "The plan is the first " << c.plan_months / 12 << " years (July " << start_year << " to " << end_of_months(start_year, c.plan_months)
        << "); the run goes on to " << end_of_months(start_year, months) << " (" << months / 12
        << " years) to show when the investment pays back.\n";
  struct Line {
    const char* label;
    const char* outcome;
    const char* breakdown;
    const char* kind;
  };
  const Line lines[] = {
      {"Intervention cost (present value)", "intervention_cost_discounted_gbp", "all", "money"},
      {"Gross savings, public (present value)", "gross_savings_discounted_gbp", "public", "money"},
      {"  of which cashable", "cashable_savings_discounted_gbp", "public", "money"},
      {"Net present value", "npv_gbp", "all", "money"},
      {"Net present value, cashable", "npv_cashable_gbp", "all", "money"},
      {"ROI gross (GBP back per GBP 1)", "roi_gross", "all", "ratio"},
      {"ROI cashable", "roi_cashable", "all", "ratio"},
      {"P(ROI gross > 1)", "roi_gross_above_1", "all", "percent"},
      {"Deaths averted", "deaths_averted", "all", "count"},
      {"QALYs gained (discounted)", "qalys_gained_discounted", "all", "count"},
      {"Cost per QALY (ICER, ratio of means)", "icer_gbp_per_qaly", "all", "money"},  // the plan's lines end here
      {"P(cost-effective at GBP 20k/QALY)", "cost_effective", "wtp=20000", "percent"},
      {"Change in LE gap at birth, Q5-Q1 (years)", "le_gap_birth_change_years", "sex=persons", "years"},
      {"Equity gain, QALYs per 100k (Q1 - Q5)", "equity_gain_qalys_per_100k", "all", "ratio"},
      {"Change in DFLE at 65, persons (years)", "dfle_65_change_years", "sex=persons", "years"},
      {"Economy (its own ledger, not in the above):", nullptr, nullptr, nullptr},
      {"  Output regained (present value)", "economy_output_gain_discounted_gbp", "all", "money"},
      {"  Return to the economy per GBP 1 (upper)", "economy_return_per_gbp", "all", "ratio"},
      {"  Fewer out of work through ill health", "economy_fewer_out_of_work_ill_health", "all", "count"},
      {"  Sickness-absence days avoided", "economy_absence_days_avoided", "all", "count"},
      {"Fewer births to mothers smoking at delivery", "smoking_at_delivery_averted", "all", "count"},
      {"  Low-birth-weight births averted", "low_birth_weight_averted", "all", "count"},
      {"Carers: strained carers averted (average)", "strained_carers_averted", "all", "count"},
      {"  Care-home moves avoided", "care_home_moves_avoided", "all", "count"},
  };
  // The plan shows the finance and health lines, to the ICER.
  constexpr std::size_t kPlanLines = 11;
  static_assert(sizeof(lines) / sizeof(lines[0]) > kPlanLines);
  auto line = [&](std::size_t a, const std::string& period, const Line& l) {
    const auto* s = results::find_summary(c, static_cast<int>(a), period, l.breakdown, l.outcome);
    char b[256];
    std::string note;
    if (s && s->n < replicates) note = "  [" + std::to_string(s->n) + " of " + std::to_string(replicates) + " replicates]";
    std::snprintf(b, sizeof b, "  %-44s %s%s\n", l.label, fmt_estimate(s, l.kind).c_str(), note.c_str());
    out << b;
  };
  for (std::size_t a = 1; a < c.arms.size(); ++a) {
    out << "\n" << c.arms[a] << " (run " << c.run_ids[a] << ") vs " << c.arms.front() << " (run " << c.run_ids.front() << ")\n";
    if (plan) {
      out << "The plan, first " << c.plan_months / 12 << " years (to " << end_of_months(start_year, c.plan_months) << "):\n";
      for (std::size_t k = 0; k < kPlanLines; ++k) line(a, results::kPlanPeriod, lines[k]);
      out << "The whole run, " << months / 12 << " years (to " << end_of_months(start_year, months) << "):\n";
    }
    for (const auto& l : lines) {
      if (!l.outcome) {
        out << "  " << l.label << "\n";
        continue;
      }
      line(a, "horizon", l);
    }
    const auto* be = results::find_summary(c, static_cast<int>(a), "horizon", "all", "break_even_year");
    const auto* within = results::find_summary(c, static_cast<int>(a), "horizon", "all", "break_even_within_horizon");
    char b[256];
    auto year_or_beyond = [](const std::optional<double>& y) { return y ? fy_of(*y) : std::string("beyond the horizon"); };
    const double share = within && within->mean ? *within->mean : 0.0;
    if (share > 0)
      std::snprintf(b, sizeof b, "  %-44s %s (%s of replicates break even; 90%% interval %s to %s)\n", "Break-even year (median)",
                    be && be->median ? fy_of(*be->median).c_str() : "not within the horizon", (fmt_number(100 * share, 0) + "%").c_str(),
                    be ? year_or_beyond(be->p05).c_str() : "-", be ? year_or_beyond(be->p95).c_str() : "-");
    else
      std::snprintf(b, sizeof b, "  %-44s %s\n", "Break-even year", "not within the horizon (no replicate breaks even)");
    out << b;
    // The pay-back curve: cumulative discounted net benefit at the end of every fifth year.
    bool header = false;
    for (std::size_t p = 0; p < c.periods.size(); ++p) {
      const std::string& period = c.periods[p];
      if (period == "horizon" || period == results::kPlanPeriod) continue;
      const int fy = std::atoi(period.c_str() + 2);  // "FY2023/24 ..."
      const bool last = p + 1 < c.periods.size() && (c.periods[p + 1] == "horizon" || c.periods[p + 1] == results::kPlanPeriod);
      if ((fy - start_year) % 5 != 0 && !last) continue;
      const auto* cum = results::find_summary(c, static_cast<int>(a), period, "all", "cumulative_discounted_net_benefit_gbp");
      if (!cum) continue;
      if (!header) out << "  Cumulative discounted net benefit, by the end of:\n";
      header = true;
      std::snprintf(b, sizeof b, "    %-42s %s\n", period.c_str(), fmt_estimate(cum, "money").c_str());
      out << b;
    }
    if (results::find_summary(c, static_cast<int>(a), "horizon", "all", "qalys_gained_beyond_horizon_discounted")) {
      out << "  Beyond the horizon (not in any figure above: the extra survivors' remaining life):\n";
      line(a, "horizon", {"  Life-years gained (discounted)", "life_years_gained_beyond_horizon_discounted", "all", "count"});
      line(a, "horizon", {"  QALYs gained (discounted)", "qalys_gained_beyond_horizon_discounted", "all", "count"});
      line(a, "horizon", {"  Lifetime cost per QALY (ratio of means)", "icer_lifetime_gbp_per_qaly", "all", "money"});
    }
    out << "  Who pays, who saves (present value, mean; rows invest, columns save):\n";
    const char* savers[] = {"nhs_acute", "nhs_primary_care", "nhs_community", "nhs_mental_health", "council_asc", "public_health", "self_funders"};
    std::snprintf(b, sizeof b, "    %-14s", "");
    out << b;
    for (const char* sv : savers) {
      std::snprintf(b, sizeof b, " %13.13s", sv);
      out << b;
    }
    out << "\n";
    for (const char* inv : {"nhs", "council", "public_health", "pooled"}) {
      std::snprintf(b, sizeof b, "    %-14s", inv);
      out << b;
      for (const char* sv : savers) {
        const auto* s = results::find_summary(c, static_cast<int>(a), "horizon", std::string("investor=") + inv + ";saver=" + sv,
                                              "who_pays_who_saves_gbp");
        std::snprintf(b, sizeof b, "%14s", s && s->mean ? fmt_money(*s->mean).c_str() : "-");
        out << b;
      }
      out << "\n";
    }
  }
  out << "\nLife expectancy at birth by IMD quintile (persons, whole horizon, years):\n";
  for (std::size_t a = 0; a < c.arms.size(); ++a) {
    char b[128];
    std::snprintf(b, sizeof b, "  %-32.32s", c.arms[a].c_str());
    out << b;
    for (int q = 1; q <= 5; ++q) {
      const auto* s = results::find_summary(c, static_cast<int>(a), "horizon", "quintile=" + std::to_string(q) + ";sex=persons",
                                            "life_expectancy_birth_years");
      std::snprintf(b, sizeof b, "  Q%d %6s", q, s && s->mean ? fmt_number(*s->mean, 2).c_str() : "-");
      out << b;
    }
    const auto* gap = results::find_summary(c, static_cast<int>(a), "horizon", "sex=persons", "le_gap_birth_years");
    const auto* sii = results::find_summary(c, static_cast<int>(a), "horizon", "sex=persons", "sii_le_birth_years");
    std::snprintf(b, sizeof b, "   gap %5s  SII %5s\n", gap && gap->mean ? fmt_number(*gap->mean, 2).c_str() : "-",
                  sii && sii->mean ? fmt_number(*sii->mean, 2).c_str() : "-");
    out << b;
  }
  return out.str();
}

}  // namespace

int compare_command(const CompareOptions& o) {
  constexpr int kCompareReplicates = 10;
  return guarded([&]() -> int {
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::string> files{o.baseline};
    files.insert(files.end(), o.scenarios.begin(), o.scenarios.end());
    std::vector<Prepared> prepared;
    prepared.reserve(files.size());
    for (const auto& f : files) prepared.push_back(prepare(f, o.common));
    const auto& base = prepared.front().scenario;
    for (std::size_t k = 1; k < prepared.size(); ++k) {
      const auto& s = prepared[k].scenario;
      auto differs = [&](const std::string& field, const std::string& mine, const std::string& theirs) {
        throw InputError(files[k] + ": /" + field + " is " + mine + ", but the baseline " + files.front() + " has " + theirs +
                         "; the arms of a comparison must share the region, start year and horizon");
      };
      if (s.region != base.region) differs("region", s.region, base.region);
      if (s.start_year != base.start_year) differs("start_year", std::to_string(s.start_year), std::to_string(base.start_year));
      if (o.years <= 0 && s.years != base.years) differs("years", std::to_string(s.years), std::to_string(base.years));
    }
    const int threads = threads_or_all(o.threads);
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
    // Intervals need replicates: 10 unless asked otherwise (or the baseline sets more than 1).
    const int replicates = o.replicates > 0 ? o.replicates : (base.replicates > 1 ? base.replicates : kCompareReplicates);
    const double scale = o.scale > 0 ? o.scale : base.scale;
    const int years = o.years > 0 ? o.years : base.years;
    const std::uint32_t seed = o.seed >= 0 ? static_cast<std::uint32_t>(o.seed) : base.seed;

    check_db_folder(o.db);
    results::ResultsStore store(o.db);
    std::vector<ArmPlan> plans;
    for (std::size_t k = 0; k < prepared.size(); ++k) {
      // Common random numbers: every arm uses the baseline's seed. --independent-streams gives
      // each arm its own (a large odd offset per arm), only to show what CRN buys.
      const std::uint32_t arm_seed = o.independent_streams ? seed + static_cast<std::uint32_t>(k) * 1000003u : seed;
      const auto rec = record_of(prepared[k], arm_seed, replicates, scale, threads, years);
      plans.push_back({&prepared[k], store.begin_run(rec), arm_seed});
    }
    auto end_all = [&](const std::string& status, const std::string& message) {
      for (const auto& p : plans) store.end_run_without_results(p.run_id, status, message);
    };
    SignalScope signals;
    ProgressBar bar(!o.json);
    try {
      auto arms = simulate_arms(plans, replicates, years * 12, scale, false, bar);
      bar.done();
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::vector<std::string> icps;
      for (const auto& icp : prepared.front().in->region.icps) icps.push_back(icp.name);
      std::vector<results::ArmInput> inputs;
      std::vector<results::ResultsStore::CompletedRun> completed;
      for (std::size_t k = 0; k < plans.size(); ++k) {
        results::ArmInput in{prepared[k].scenario.name, plans[k].run_id, {}, finance_of(prepared[k].scenario)};
        results::ResultsStore::CompletedRun run;
        run.run_id = plans[k].run_id;
        for (std::size_t r = 0; r < arms[k].outputs.size(); ++r) {
          in.replicates.push_back(arms[k].outputs[r].get());
          run.replicates.push_back({arms[k].outputs[r].get(), arms[k].tables[r].get()});
        }
        run.wall_seconds = wall;
        run.agent_months_per_second = arms[k].simulate_seconds > 0 ? arms[k].agent_months / arms[k].simulate_seconds : 0;
        run.policy = prepared[k].policy.get();
        if (replicates > 1) run.central = &prepared[k].in->table;
        inputs.push_back(std::move(in));
        completed.push_back(std::move(run));
      }
      // The plan: the baseline's own years, when the run is longer (to see the pay-back).
      const int plan_years = o.plan_years > 0 ? o.plan_years : base.years;
      const results::Comparison comparison = results::compare(inputs, plan_years < years ? plan_years * 12 : 0);
      const auto comparison_id = store.complete_runs(completed, icps, comparison, !o.independent_streams);
      const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (o.json) {
        nlohmann::json j = results::comparison_document(store, comparison_id);
        j.erase("assumptions");
        j.erase("replicates");
        j["run_ids"] = comparison.run_ids;
        j["wall_seconds"] = total;
        j["database"] = o.db;
        std::cout << j.dump(2) << "\n";
        return 0;
      }
      std::cout << "Comparison " << comparison_id << " stored in " << o.db << ": runs";
      for (std::size_t k = 0; k < plans.size(); ++k) std::cout << " " << plans[k].run_id << " (" << prepared[k].scenario.name << ")";
      std::cout << "\n" << replicates << " replicate" << (replicates == 1 ? "" : "s") << " per arm, seed " << seed
                << (o.independent_streams ? " (independent streams per arm: NOT common random numbers)" : ", common random numbers")
                << ", scale " << scale << ", " << years << " years from mid-" << base.start_year << "; "
                << fmt_number(total, 1) << " s wall on " << threads << " thread" << (threads == 1 ? "" : "s") << ".\n\n";
      std::cout << comparison_table(comparison, replicates, base.start_year, years * 12);
      std::cout << "\nNext: shiftsim report --comparison " << comparison_id << " -o report.html;  shiftsim export --comparison "
                << comparison_id << " --format xlsx -o comparison.xlsx\n";
      return 0;
    } catch (const model::Cancelled&) {
      bar.done();
      end_all("interrupted", "interrupted by a signal; no results were stored");
      std::cerr << "shiftsim: interrupted; the comparison's runs are marked interrupted and stored nothing\n";
      return 130;
    } catch (const std::exception& e) {
      bar.done();
      end_all("failed", e.what());
      throw;
    }
  });
}

int metrics_command(const MetricsOptions& o) {
  return guarded([&]() -> int {
    const auto& dict = results::outcome_dictionary();
    if (o.format == "csv") {
      auto q = [](const std::string& s) {
        std::string out = "\"";
        for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
        return out + "\"";
      };
      std::cout << "name,kind,unit,breakdowns,definition\n";
      for (const auto& d : dict) std::cout << d.name << "," << d.scope << "," << q(d.unit) << "," << q(d.breakdowns) << "," << q(d.definition) << "\n";
      for (int m = 0; m < results::kAllMetrics; ++m) {
        const bool stock = results::metric_is_stock(m);
        std::cout << results::metric_name(m) << "," << (stock ? "model stock" : "model flow") << ","
                  << q(stock ? model::stock_metric_unit(m - model::kFlowMetrics) : model::flow_metric_unit(m)) << ","
                  << q("period; icp; imd_quintile") << "," << q("") << "\n";
      }
      return 0;
    }
    if (o.format == "markdown") {
      std::cout << "| outcome | scope | unit | breakdowns | definition |\n|---|---|---|---|---|\n";
      for (const auto& d : dict)
        std::cout << "| `" << d.name << "` | " << d.scope << " | " << d.unit << " | " << d.breakdowns << " | " << d.definition << " |\n";
      return 0;
    }
    std::cout << "Outcomes (table outcomes and outcome_summary; per replicate, then mean, median and 90% interval).\n"
                 "Scope 'arm': every arm; 'difference': scenario minus baseline, replicate by replicate.\n\n";
    for (const auto& d : dict)
      std::cout << d.name << "  [" << d.scope << "; " << d.unit << "]\n    " << d.definition << "\n    breakdowns: " << d.breakdowns << "\n";
    std::cout << "\nModel metrics (table metrics: per replicate, period, ICP and IMD quintile):\n";
    for (int m = 0; m < results::kAllMetrics; ++m) {
      const bool stock = results::metric_is_stock(m);
      std::printf("  %-44s %-6s %s\n", results::metric_name(m).c_str(), stock ? "stock" : "flow",
                  (stock ? model::stock_metric_unit(m - model::kFlowMetrics) : model::flow_metric_unit(m)).c_str());
    }
    return 0;
  });
}

namespace {
std::int64_t resolve_comparison(const results::ResultsStore& store, long long run, long long comparison) {
  if (comparison >= 0) {
    if (!results::has_comparison(store, comparison))
      throw InputError("--comparison " + std::to_string(comparison) + ": there is no such comparison in this database");
    return comparison;
  }
  if (run >= 0) {
    bool exists = false;
    for (const auto& r : store.runs()) exists = exists || r.run_id == run;
    if (!exists) throw InputError("--run " + std::to_string(run) + ": there is no such run in this database (`shiftsim runs` lists them)");
    try {
      return results::comparison_of_run(store, run);
    } catch (const results::StoreError& e) {
      throw InputError(std::string("--run ") + std::to_string(run) + ": " + e.what());
    }
  }
  throw InputError("give --run ID (a run id from `shiftsim runs`) or --comparison ID");
}

/// Writes text to a file via a temporary file renamed into place (nothing half-written).
void write_file(const std::string& path, const std::function<void(std::ostream&)>& body) {
  const fs::path target(path);
  if (!target.parent_path().empty() && !fs::is_directory(target.parent_path()))
    throw InputError(path + ": the folder does not exist");
  const fs::path tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary);
    if (!f) throw InputError(path + ": cannot write here");
    body(f);
    f.flush();
    if (!f) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw results::StoreError(path + ": writing failed (disk full?)");
    }
  }
  fs::rename(tmp, target);
}

results::ResultsStore open_existing(const std::string& db) {
  if (!fs::exists(db)) throw InputError(db + ": no results database here (run a scenario first, or give --db)");
  return results::ResultsStore(db);
}
}  // namespace

int export_command(const ExportOptions& o) {
  return guarded([&]() -> int {
    if (o.format != "csv" && o.format != "json" && o.format != "xlsx")
      throw InputError("--format is '" + o.format + "', but must be one of csv, json, xlsx");
    results::ResultsStore store = open_existing(o.db);
    const auto id = resolve_comparison(store, o.run, o.comparison);
    if (o.format == "xlsx") {
      if (o.output.empty()) throw InputError("--format xlsx needs --output FILE.xlsx");
      const fs::path target(o.output);
      if (!target.parent_path().empty() && !fs::is_directory(target.parent_path()))
        throw InputError(o.output + ": the folder does not exist");
      results::write_workbook(results::comparison_document(store, id), target);
      std::cerr << "shiftsim: wrote comparison " << id << " to " << o.output << "\n";
      return 0;
    }
    auto body = [&](std::ostream& out) {
      if (o.format == "json") out << results::comparison_document(store, id).dump(1) << "\n";
      else if (o.summary) results::write_summary_csv(store, id, out);
      else results::write_csv(store, id, out);
    };
    if (o.output.empty()) body(std::cout);
    else {
      write_file(o.output, body);
      std::cerr << "shiftsim: wrote comparison " << id << " to " << o.output << "\n";
    }
    return 0;
  });
}

int report_command(const ReportOptions& o) {
  return guarded([&]() -> int {
    results::ResultsStore store = open_existing(o.db);
    const auto id = resolve_comparison(store, o.run, o.comparison);
    const std::string html = results::html_report(results::comparison_document(store, id));
    write_file(o.output, [&](std::ostream& out) { out << html; });
    std::cerr << "shiftsim: wrote the report of comparison " << id << " to " << o.output << "\n";
    return 0;
  });
}

}  // namespace shiftsim::cli
