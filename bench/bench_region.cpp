// Benchmark: the whole region (one agent per resident) for 60 months, at 1 and 2 threads.
// Prints, per thread count, the median of the repeats: time to build the population
// (synthesis and calibration), time to simulate the months, agent-months per second of
// simulation, and the process's peak resident memory per agent. Then the PSA throughput: a
// two-arm comparison (the baseline and the invest-to-save scenario, the months above) of
// --psa replicates through the run library, as `shiftsim compare` runs it (every replicate's
// outcomes computed; nothing stored), on all the threads given last, with the time a
// 1,000-replicate PSA would take at that rate.
//
//   build/release/bench/shiftsim_bench [--months 60] [--repeats 3] [--threads 1,2] [--scale 1] [--psa 4] [--psa-scale 1]
#include "model/simulation/simulation.hpp"
#include "runs/experiment.hpp"
#include "runs/inputs.hpp"
#include "scenarios/parameter_loader.hpp"
#include "scenarios/region_loader.hpp"

#include <tbb/global_control.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <vector>

#ifndef SHIFTSIM_DATA_DIR
#define SHIFTSIM_DATA_DIR "data"
#endif
#ifndef SHIFTSIM_SOURCE_DIR
#define SHIFTSIM_SOURCE_DIR "."
#endif

using namespace shiftsim;

namespace {
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}
long peak_rss_bytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss * 1024L;
}
}  // namespace

int main(int argc, char** argv) {
  int months = 60, repeats = 3, psa = 4;
  double scale = 1.0, psa_scale = 1.0;
  std::vector<int> threads{1, 2};
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--months") months = std::atoi(v.c_str());
    else if (k == "--repeats") repeats = std::atoi(v.c_str());
    else if (k == "--scale") scale = std::atof(v.c_str());
    else if (k == "--psa") psa = std::atoi(v.c_str());
    else if (k == "--psa-scale") psa_scale = std::atof(v.c_str());
    else if (k == "--threads") {
      threads.clear();
      std::stringstream ss(v);
      for (std::string t; std::getline(ss, t, ',');) threads.push_back(std::atoi(t.c_str()));
    } else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  try {
    const auto region = inputs::load_region(std::string(SHIFTSIM_DATA_DIR) + "/lsc");
    const auto table = inputs::load_parameters(std::string(SHIFTSIM_DATA_DIR) + "/parameters.csv");
    const auto world = model::build_world(region, table);
    std::printf("ShiftSim benchmark: %s, scale %g, %d months, median of %d runs\n", region.name.c_str(), scale, months, repeats);
    std::printf("%8s %10s %12s %14s %18s %14s\n", "threads", "agents", "build (s)", "simulate (s)", "agent-months/s",
                "total (s)");
    for (int t : threads) {
      tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(t));
      std::vector<double> build, simulate, rate, total;
      std::size_t agents = 0;
      for (int r = 0; r < repeats; ++r) {
        model::RunSettings s;
        s.start_year = region.base_year;
        s.months = months;
        s.scale = scale;
        s.seed = 20180701;
        const auto t0 = std::chrono::steady_clock::now();
        model::Simulation sim(world, s);
        const auto out = sim.run();
        const double all = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        agents = out.agents_at_start;
        build.push_back(out.setup_seconds);
        simulate.push_back(out.wall_seconds);
        rate.push_back(out.agent_months / out.wall_seconds);
        total.push_back(all);
      }
      std::printf("%8d %10zu %12.2f %14.2f %18.3g %14.2f\n", t, agents, median(build), median(simulate), median(rate),
                  median(total));
    }
    // Peak memory of the whole process (data, tables, population, outputs) per starting agent.
    model::RunSettings s;
    s.start_year = region.base_year;
    s.months = 1;
    s.scale = scale;
    const model::Simulation probe(world, s);
    std::printf("peak resident memory: %.1f MB, %.1f bytes per agent (population arrays: %zu bytes per agent)\n",
                static_cast<double>(peak_rss_bytes()) / 1e6,
                static_cast<double>(peak_rss_bytes()) / static_cast<double>(probe.population().size()),
                probe.population().bytes_per_agent());
    if (psa > 0) {
      // The PSA: both arms' replicates through the run library, outcomes computed as a
      // comparison does, on the last thread count given.
      const std::string scenarios = std::string(SHIFTSIM_SOURCE_DIR) + "/scenarios/";
      const runs::DataSource source{SHIFTSIM_DATA_DIR, ""};
      runs::ExperimentSettings settings;
      settings.replicates = psa;
      settings.years = std::max(1, months / 12);
      settings.scale = psa_scale;
      const runs::Experiment experiment(runs::prepare_arms({scenarios + "baseline.json", scenarios + "prevention_invest_to_save.json"}, source),
                                        settings);
      runs::Controls controls;
      controls.threads = threads.back();
      std::map<int, std::vector<std::unique_ptr<model::RunOutput>>> by_replicate;
      std::size_t outcomes = 0;
      const auto t0 = std::chrono::steady_clock::now();
      runs::run_tasks(experiment, experiment.tasks(), controls, [&](const runs::Task& task, runs::TaskResult&& r) {
        auto& arms = by_replicate[task.replicate];
        arms.resize(experiment.arms().size());
        arms[static_cast<std::size_t>(task.arm)] = std::move(r.output);
        if (std::all_of(arms.begin(), arms.end(), [](const auto& o) { return o != nullptr; })) {
          std::vector<const model::RunOutput*> outs;
          for (const auto& o : arms) outs.push_back(o.get());
          outcomes += runs::replicate_outcomes(experiment, task.replicate, outs).size();
          by_replicate.erase(task.replicate);  // freed, as the store writer frees them
        }
      });
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::printf("PSA throughput: 2 arms x %d replicates, %d years at scale %g, %d threads: %.1f s (%.2f s a replicate of both arms, "
                  "%.1f replicates a minute; %zu outcomes); 1,000 replicates would take %.0f minutes\n",
                  psa, experiment.years(), psa_scale, threads.back(), seconds, seconds / psa, 60.0 * psa / seconds, outcomes,
                  1000.0 * seconds / psa / 60.0);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "shiftsim_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
