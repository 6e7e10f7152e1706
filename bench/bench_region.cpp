// Benchmark: the whole region (one agent per resident) for 60 months, at 1 and 2 threads.
// Prints, per thread count, the median of the repeats: time to build the population
// (synthesis and calibration), time to simulate the months, agent-months per second of
// simulation, and the process's peak resident memory per agent.
//
//   build/release/bench/shiftsim_bench [--months 60] [--repeats 3] [--threads 1,2] [--scale 1]
#include "model/simulation/simulation.hpp"
#include "scenarios/parameter_loader.hpp"
#include "scenarios/region_loader.hpp"

#include <tbb/global_control.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <vector>

#ifndef SHIFTSIM_DATA_DIR
#define SHIFTSIM_DATA_DIR "data"
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
  int months = 60, repeats = 3;
  double scale = 1.0;
  std::vector<int> threads{1, 2};
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--months") months = std::atoi(v.c_str());
    else if (k == "--repeats") repeats = std::atoi(v.c_str());
    else if (k == "--scale") scale = std::atof(v.c_str());
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
  } catch (const std::exception& e) {
    std::fprintf(stderr, "shiftsim_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
