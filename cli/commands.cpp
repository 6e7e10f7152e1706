#include "cli/commands.hpp"

#include "model/documentation.hpp"
#include "model/geography.hpp"
#include "model/errors.hpp"
#include "model/parallel.hpp"
#include "model/sampling.hpp"
#include "model/simulation.hpp"
#include "results/store.hpp"
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

int run_command(const RunOptions& o) {
  return guarded([&]() -> int {
    const auto t0 = std::chrono::steady_clock::now();
    Prepared prepared = prepare(o.scenario, o.common);
    const auto& scenario = prepared.scenario;
    const Inputs& in = *prepared.in;
    const model::World& world = *prepared.world;
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

    const fs::path db_dir = fs::absolute(o.db).parent_path();
    if (!fs::is_directory(db_dir)) throw InputError(o.db + ": the folder for the results database does not exist");
    results::ResultsStore store(o.db);
    results::RunRecord rec;
    rec.scenario_name = scenario.name;
    rec.scenario_text = scenario.source_text;
    rec.scenario_path = scenario.path;
    rec.data_version = in.region.data_version;
    rec.parameters_version = in.parameters_version;
    rec.program_version = SHIFTSIM_VERSION;
    rec.seed = o.seed >= 0 ? static_cast<std::uint32_t>(o.seed) : scenario.seed;
    rec.replicates = replicates;
    rec.scale = scale;
    rec.threads = threads;
    rec.start_year = scenario.start_year;
    rec.years = scenario.years;
    const auto run_id = store.begin_run(rec);

    g_interrupted.store(false);
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    ProgressBar bar(!o.json);
    std::vector<std::unique_ptr<model::RunOutput>> outputs;
    std::vector<std::unique_ptr<model::ParameterTable>> tables;
    double setup_seconds = 0, agent_months = 0, simulate_seconds = 0;
    try {
      // Replicates run in parallel; each isolates its own inner parallel work so that a
      // thread waiting on it never starts another replicate (at most `threads` populations
      // in memory). With more than one replicate, each draws its parameter values
      // (probabilistic sensitivity analysis, model/sampling.hpp) and stores them.
      const bool psa = replicates > 1;
      outputs.resize(static_cast<std::size_t>(replicates));
      tables.resize(static_cast<std::size_t>(replicates));
      std::atomic<long> months_done{0};
      std::mutex bar_mutex;
      const long months_all = static_cast<long>(replicates) * scenario.years * 12;
      // Testing hook: SHIFTSIM_TEST_FAIL_AT_MONTH=n makes the run fail after month n, so the
      // test suite can check that a run failing after it started stores nothing.
      static const char* fail_at = std::getenv("SHIFTSIM_TEST_FAIL_AT_MONTH");
      // A replicate's exception is caught here, not left to cancel the loop: cancelling it
      // would also cancel the other replicates' inner parallel loops midway. The first
      // failure stops the others at their next month; the first real error (in replicate
      // order) is rethrown, or else the interruption.
      std::vector<std::exception_ptr> errors(static_cast<std::size_t>(replicates));
      // model::for_each_index: TBB, or std::threads in ThreadSanitizer builds (model/parallel.hpp).
      model::for_each_index(static_cast<std::size_t>(replicates), [&](std::size_t replicate) {
        const int r = static_cast<int>(replicate);
        try {
        tbb::this_task_arena::isolate([&] {
          model::RunSettings s;
          s.mode = sd_mode ? model::Mode::sd : model::Mode::hybrid;
          s.start_year = scenario.start_year;
          s.months = scenario.years * 12;
          s.seed = rec.seed;
          s.replicate = static_cast<std::uint32_t>(r);
          s.scale = scale;
          s.policy = prepared.policy;
          s.cancel = &g_interrupted;
          s.progress = [&](int m, int) {
            if (fail_at && m == std::atoi(fail_at)) throw InternalError("failure injected by SHIFTSIM_TEST_FAIL_AT_MONTH");
            const long done = ++months_done;
            std::unique_lock<std::mutex> lock(bar_mutex, std::try_to_lock);
            if (lock) bar.show(static_cast<double>(done) / static_cast<double>(months_all), replicates, scenario.years);
          };
          std::unique_ptr<model::World> drawn_world;
          const model::World* w = &world;
          if (psa) {
            const model::RandomKey key{rec.seed, static_cast<std::uint32_t>(r)};
            const model::ParameterTable drawn = model::draw_parameters(in.table, key);
            drawn_world = std::make_unique<model::World>(model::build_world(in.region, drawn));
            w = drawn_world.get();
            s.policy = std::make_shared<const model::Policy>(model::draw_policy(*prepared.policy, drawn, key));
          }
          model::Simulation sim(*w, s);
          outputs[static_cast<std::size_t>(r)] = std::make_unique<model::RunOutput>(sim.run());
          // Effects the scenario gave as distributions are drawn outside the parameter table:
          // store them with the replicate's diagnostics.
          if (psa)
            for (const auto& spec : s.policy->interventions)
              for (const auto& [kind, dist] : spec.effects)
                if (!spec.effect_rows.count(kind))
                  outputs[static_cast<std::size_t>(r)]->diagnostics.push_back(
                      {"psa.draw." + spec.name + ".effect" + std::to_string(static_cast<int>(kind)), dist.mean(),
                       "this replicate's draw of an effect the scenario gave as a distribution"});
          tables[static_cast<std::size_t>(r)] = std::make_unique<model::ParameterTable>(sim.parameter_table());
        });
        } catch (...) {
          errors[static_cast<std::size_t>(r)] = std::current_exception();
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
      for (const auto& out : outputs) {
        setup_seconds += out->setup_seconds;
        simulate_seconds += out->wall_seconds;
        agent_months += out->agent_months;
      }
      bar.done();
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::vector<results::ResultsStore::ReplicateResult> reps;
      std::vector<const model::RunOutput*> outs;
      for (std::size_t k = 0; k < outputs.size(); ++k) {
        reps.push_back({outputs[k].get(), tables[k].get()});
        outs.push_back(outputs[k].get());
      }
      std::vector<std::string> icps;
      for (const auto& icp : in.region.icps) icps.push_back(icp.name);
      const double rate = simulate_seconds > 0 ? agent_months / simulate_seconds : 0;
      store.complete_run(run_id, reps, icps, wall, rate, prepared.policy.get());
      std::signal(SIGINT, SIG_DFL);
      std::signal(SIGTERM, SIG_DFL);

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
      f.agents = static_cast<long long>(outputs.front()->agents_at_start);
      f.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      f.setup_seconds = setup_seconds;
      f.agent_months_per_second = rate;
      f.database = o.db;
      const auto summary = results::summarise(outs);
      if (o.json) std::cout << results::to_json(f, summary).dump(2) << "\n";
      else std::cout << results::to_table(f, summary);
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
      for (const auto& r : runs)
        j.push_back({{"run_id", r.run_id}, {"scenario", r.scenario_name}, {"status", r.status}, {"seed", r.seed},
                     {"replicates", r.replicates}, {"scale", r.scale}, {"years", r.years}, {"started_at", r.started_at},
                     {"finished_at", r.finished_at}, {"data_version", r.data_version},
                     {"program_version", r.program_version}, {"message", r.message},
                     {"metric_rows", store.metric_row_count(r.run_id)}});
      std::cout << j.dump(2) << "\n";
      return 0;
    }
    std::printf("%6s  %-24s %-12s %12s %5s %6s  %-20s  %s\n", "run", "scenario", "status", "seed", "reps", "scale",
                "started (UTC)", "metric rows");
    for (const auto& r : runs)
      std::printf("%6lld  %-24s %-12s %12u %5d %6.3g  %-20s  %lld\n", static_cast<long long>(r.run_id),
                  r.scenario_name.c_str(), r.status.c_str(), r.seed, r.replicates, r.scale, r.started_at.c_str(),
                  store.metric_row_count(r.run_id));
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
