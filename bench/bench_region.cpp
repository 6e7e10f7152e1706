// Benchmark: the whole region (one agent per resident) for 60 months, at 1 and 2 threads.
// Prints, per thread count, the median of the repeats: time to build the population
// (synthesis and calibration), time to simulate the months, agent-months per second of
// simulation, and the process's peak resident memory per agent. Then the PSA throughput: a
// two-arm comparison (the baseline and the invest-to-save scenario, the months above) of
// --psa replicates through the run library, as `shiftsim compare` runs it (every replicate's
// outcomes computed; nothing stored), on all the threads given last, with the time a
// 1,000-replicate PSA would take at that rate. And a floor probe: the least a month of the
// same people with the model's Philox calls can cost (floor_probe), and the model's ratio to it.
//
//   build/release/bench/shiftsim_bench [--months 60] [--repeats 3] [--threads 1,2] [--scale 1] [--psa 4] [--psa-scale 1]
#include "model/simulation/simulation.hpp"
#include "runs/experiment.hpp"
#include "runs/inputs.hpp"
#include "scenarios/parameter_loader.hpp"
#include "scenarios/region_loader.hpp"

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_reduce.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
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
/// Philox calls so far (a -DSHIFTSIM_COUNT_DRAWS=ON build only; else 0).
std::uint64_t philox_calls() {
#ifdef SHIFTSIM_COUNT_DRAWS
  return model::g_philox_calls.load();
#else
  return 0;
#endif
}

/// Philox calls a person-month of the model makes (every call: the event channels' words, two
/// people a call, the events' own draws, the engines' refills), measured on 2026-12-02 in a
/// build with -DSHIFTSIM_COUNT_DRAWS=ON, which prints it (cmake -S . -B build/count
/// -DCMAKE_BUILD_TYPE=Release -DSHIFTSIM_COUNT_DRAWS=ON -DSHIFTSIM_BUILD_TESTS=OFF; the whole
/// region, 60 months): what the floor probe draws. Re-measure when the model's draws change.
constexpr double kModelPhiloxCallsPerPersonMonth = 0.8228;

/// The floor probe: the least a monthly step of this many people can cost on this machine. A
/// struct of arrays of 16 bytes a person (id, age in months, zone, conditions, risk bits,
/// status, a death probability), the model's number of Philox calls per person-month, and a
/// handful of branch-light transitions (death, quitting, an onset, a birthday), in parallel
/// blocks as the model's pass is. Returns the seconds for `months` months.
double floor_probe(std::size_t people, int months, double calls_per_person_month) {
  struct People {
    std::vector<std::uint32_t> id;
    std::vector<std::uint16_t> age_months, zone;
    std::vector<std::uint8_t> conditions, risk, status;
    std::vector<float> death;
  } p;
  p.id.resize(people);
  p.age_months.resize(people);
  p.zone.resize(people);
  p.conditions.assign(people, 0);
  p.risk.resize(people);
  p.status.assign(people, 1);
  p.death.resize(people);
  for (std::size_t i = 0; i < people; ++i) {
    p.id[i] = static_cast<std::uint32_t>(i);
    p.age_months[i] = static_cast<std::uint16_t>((i * 7919u) % 1080u);
    p.zone[i] = static_cast<std::uint16_t>(i / 8000u);
    p.risk[i] = static_cast<std::uint8_t>(i % 5u == 0 ? 1u : 0u);
    p.death[i] = 1e-4f * static_cast<float>(1 + p.age_months[i] / 120);
  }
  const model::RandomKey key{20180701u, 0u};
  const auto whole = static_cast<unsigned>(calls_per_person_month);
  const double extra = calls_per_person_month - whole;  // a fraction of people make one call more
  const auto t0 = std::chrono::steady_clock::now();
  double deaths = 0;
  for (int t = 0; t < months; ++t) {
    deaths += tbb::parallel_reduce(
        tbb::blocked_range<std::size_t>(0, people, 16384), 0.0,
        [&](const tbb::blocked_range<std::size_t>& r, double acc) {
          for (std::size_t i = r.begin(); i != r.end(); ++i) {
            if (!p.status[i]) continue;
            std::uint32_t w[4] = {0, 0, 0, 0};
            const unsigned calls = whole + ((p.id[i] % 1000u) < extra * 1000.0 ? 1u : 0u);
            for (unsigned c = 0; c < calls; ++c) {
              const auto v = model::philox_words(key, p.id[i], static_cast<std::uint32_t>(t), model::Purpose::monthly_event, c);
              w[0] ^= v[0];
              w[1] ^= v[1];
              w[2] ^= v[2];
              w[3] ^= v[3];
            }
            const bool dies = model::to_unit_open(w[0]) < static_cast<double>(p.death[i]);
            p.status[i] = static_cast<std::uint8_t>(!dies);
            acc += dies ? 1.0 : 0.0;
            p.risk[i] = static_cast<std::uint8_t>(p.risk[i] & (model::to_unit_open(w[1]) < 0.004 ? 0u : 1u));
            p.conditions[i] = static_cast<std::uint8_t>(p.conditions[i] | (model::to_unit_open(w[2]) < 0.001 ? 1u << (w[3] & 7u) : 0u));
            p.age_months[i] = static_cast<std::uint16_t>(p.age_months[i] + 1);
            p.death[i] *= 1.0f + 0.0008f * static_cast<float>(p.age_months[i] % 12 == 0);
          }
          return acc;
        },
        std::plus<double>());
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (deaths < 0) std::printf("%g", deaths);  // keeps the work observable
  return seconds;
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
    struct Measured {
      int threads;
      std::size_t agents;
      double simulate;
    };
    std::vector<Measured> measured;
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
        const std::uint64_t calls_before = philox_calls();
        const auto out = sim.run();
        if (philox_calls() > 0 && r == 0)
          std::printf("(draw count build) Philox calls a person-month of the run: %.4f\n",
                      static_cast<double>(philox_calls() - calls_before) / out.agent_months);
        const double all = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        agents = out.agents_at_start;
        build.push_back(out.setup_seconds);
        simulate.push_back(out.wall_seconds);
        rate.push_back(out.agent_months / out.wall_seconds);
        total.push_back(all);
      }
      std::printf("%8d %10zu %12.2f %14.2f %18.3g %14.2f\n", t, agents, median(build), median(simulate), median(rate),
                  median(total));
      measured.push_back({t, agents, median(simulate)});
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
    // The floor (after the memory figure, which is the model's): the same people, months and
    // Philox calls, almost nothing else.
    for (const auto& m : measured) {
      tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(m.threads));
      std::vector<double> floor;
      for (int r = 0; r < repeats; ++r) floor.push_back(floor_probe(m.agents, months, kModelPhiloxCallsPerPersonMonth));
      std::printf("floor probe, %d thread%s (16 bytes a person, %.2f Philox calls a person-month, 4 transitions): %.2f s; the model's "
                  "month costs %.1fx the floor\n",
                  m.threads, m.threads == 1 ? "" : "s", kModelPhiloxCallsPerPersonMonth, median(floor), m.simulate / median(floor));
    }
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
