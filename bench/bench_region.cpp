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
//                                      [--no-micro] [--england]
//
// After the PSA, the micro-benchmarks (Google Benchmark) of each stage of a replicate; with --england,
// last, a run of England's size (57m agents), as the issue on scale asks.
#include "model/simulation/simulation.hpp"
#include "runs/experiment.hpp"
#include "runs/inputs.hpp"
#include "runs/store_writer.hpp"
#include "results/store.hpp"
#include "scenarios/parameter_loader.hpp"
#include "scenarios/region_loader.hpp"

#include <benchmark/benchmark.h>
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_reduce.h>

#include <algorithm>
#include <array>
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

// ---- Micro-benchmarks (Google Benchmark): each stage of a replicate on its own, at a small
// scale so that each takes well under a second.
struct Fixture {
  model::RegionData region = inputs::load_region(std::string(SHIFTSIM_DATA_DIR) + "/lsc");
  model::ParameterTable table = inputs::load_parameters(std::string(SHIFTSIM_DATA_DIR) + "/parameters.csv");
  model::World world = model::build_world(region, table);
  model::RunSettings settings(double scale, int months) const {
    model::RunSettings s;
    s.start_year = region.base_year;
    s.months = months;
    s.scale = scale;
    s.seed = 20180701;
    return s;
  }
};
const Fixture& fixture() {
  static const Fixture f;
  return f;
}
constexpr double kMicroScale = 0.02;  // 34,000 agents

void BM_philox_call(benchmark::State& state) {
  const model::RandomKey key{20180701u, 0u};
  std::uint32_t id = 0, acc = 0;
  for (auto _ : state) {
    const auto w = model::philox_words(key, id++, 7u, model::Purpose::monthly_event, 0u);
    acc ^= w[0];
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_philox_call);

void BM_build_population(benchmark::State& state) {  // synthesis and calibration
  const auto& f = fixture();
  std::size_t agents = 0;
  for (auto _ : state) {
    model::Simulation sim(f.world, f.settings(kMicroScale, 1));
    agents = sim.population().size();
    benchmark::DoNotOptimize(agents);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<long>(agents));
  state.counters["agents"] = static_cast<double>(agents);
}
BENCHMARK(BM_build_population)->Unit(benchmark::kMillisecond);

void BM_simulate_12_months(benchmark::State& state) {  // the monthly step, every process, no programmes
  const auto& f = fixture();
  double agent_months = 0;
  for (auto _ : state) {
    state.PauseTiming();
    model::Simulation sim(f.world, f.settings(kMicroScale, 12));
    state.ResumeTiming();
    const auto out = sim.run();
    agent_months = out.agent_months;
    benchmark::DoNotOptimize(out.agents_at_start);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<long>(agent_months));
}
BENCHMARK(BM_simulate_12_months)->Unit(benchmark::kMillisecond);

/// A two-arm experiment (baseline, invest to save), 1 year, at the micro scale, and one replicate's outputs.
struct ReplicateFixture {
  runs::Experiment experiment;
  std::vector<std::unique_ptr<model::RunOutput>> outputs;
  std::vector<std::unique_ptr<model::ParameterTable>> tables;
  static runs::Experiment make() {
    const std::string scenarios = std::string(SHIFTSIM_SOURCE_DIR) + "/scenarios/";
    runs::ExperimentSettings settings;
    settings.replicates = 2;
    settings.years = 1;
    settings.scale = kMicroScale;
    return runs::Experiment(runs::prepare_arms({scenarios + "baseline.json", scenarios + "prevention_invest_to_save.json"},
                                               {SHIFTSIM_DATA_DIR, ""}),
                            settings);
  }
  ReplicateFixture() : experiment(make()) {
    outputs.resize(2);
    tables.resize(2);
    runs::run_tasks(experiment, {{0, 0}, {1, 0}}, {}, [&](const runs::Task& t, runs::TaskResult&& r) {
      outputs[static_cast<std::size_t>(t.arm)] = std::move(r.output);
      tables[static_cast<std::size_t>(t.arm)] = std::move(r.parameters);
    });
  }
  std::vector<const model::RunOutput*> outs() const { return {outputs[0].get(), outputs[1].get()}; }
};
const ReplicateFixture& replicate_fixture() {
  static const ReplicateFixture f;
  return f;
}

void BM_replicate_outcomes(benchmark::State& state) {  // every OUTPUTS.md figure of a replicate of both arms
  const auto& f = replicate_fixture();
  for (auto _ : state) benchmark::DoNotOptimize(runs::replicate_outcomes(f.experiment, 0, f.outs()).size());
}
BENCHMARK(BM_replicate_outcomes)->Unit(benchmark::kMillisecond);

void BM_commit_replicate(benchmark::State& state) {  // a replicate of both arms into a database in memory
  const auto& f = replicate_fixture();
  const auto values = runs::replicate_outcomes(f.experiment, 0, f.outs());
  double bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    results::ResultsStore store(":memory:");
    runs::StoreWriter writer(store, f.experiment, {"bench", 1});
    std::vector<std::string> icps;
    for (const auto& icp : f.experiment.arms().front().inputs->region.icps) icps.push_back(icp.name);
    state.ResumeTiming();
    store.commit_replicate(writer.comparison_id(), 0, {{f.outputs[0].get(), f.tables[0].get()}, {f.outputs[1].get(), f.tables[1].get()}}, icps,
                           values);
    state.PauseTiming();
    bytes = static_cast<double>(store.serialize().size());
    state.ResumeTiming();
  }
  state.counters["database_MB"] = bytes / 1e6;
}
BENCHMARK(BM_commit_replicate)->Unit(benchmark::kMillisecond);

void BM_import_replicate(benchmark::State& state) {  // what rank 0 of an MPI sweep does with a worker's replicate
  const auto& f = replicate_fixture();
  const auto values = runs::replicate_outcomes(f.experiment, 0, f.outs());
  std::vector<unsigned char> bytes;
  {
    results::ResultsStore worker(":memory:");
    runs::StoreWriter writer(worker, f.experiment, {"bench", 1});
    std::vector<std::string> icps;
    for (const auto& icp : f.experiment.arms().front().inputs->region.icps) icps.push_back(icp.name);
    worker.commit_replicate(writer.comparison_id(), 0, {{f.outputs[0].get(), f.tables[0].get()}, {f.outputs[1].get(), f.tables[1].get()}}, icps,
                            values);
    bytes = worker.serialize();
  }
  for (auto _ : state) {
    state.PauseTiming();
    results::ResultsStore store(":memory:");
    runs::StoreWriter writer(store, f.experiment, {"bench", 1});
    state.ResumeTiming();
    store.import_replicate(bytes, 0, writer.comparison_id());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<long>(bytes.size()));
}
BENCHMARK(BM_import_replicate)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  int months = 60, repeats = 3, psa = 4;
  double scale = 1.0, psa_scale = 1.0;
  bool micro = true, england = false;
  std::vector<int> threads{1, 2};
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (k == "--help" || k == "-h") {
      std::printf("usage: shiftsim_bench [--months 60] [--repeats 3] [--threads 1,2] [--scale 1] [--psa 4] [--psa-scale 1] "
                  "[--no-micro] [--england]\n");
      return 0;
    }
    if (k == "--no-micro") {
      micro = false;
      continue;
    }
    if (k == "--england") {
      england = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "option %s needs a value\n", k.c_str());
      return 2;
    }
    const std::string v = argv[++i];
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
    const long rss_before_runs = peak_rss_bytes();
    std::printf("ShiftSim benchmark: %s, scale %g, %d months, median of %d runs\n", region.name.c_str(), scale, months, repeats);
    std::printf("%8s %10s %12s %14s %18s %14s\n", "threads", "agents", "build (s)", "simulate (s)", "agent-months/s",
                "total (s)");
    struct Measured {
      int threads;
      std::size_t agents;
      double simulate;
      std::array<double, 10> phases;
    };
    std::vector<Measured> measured;
    for (int t : threads) {
      tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(t));
      std::vector<double> build, simulate, rate, total;
      std::array<std::vector<double>, 10> phases;
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
        for (std::size_t k = 0; k < phases.size(); ++k) phases[k].push_back(out.phase_seconds[k]);
      }
      std::printf("%8d %10zu %12.2f %14.2f %18.3g %14.2f\n", t, agents, median(build), median(simulate), median(rate),
                  median(total));
      std::array<double, 10> ph{};
      for (std::size_t k = 0; k < ph.size(); ++k) ph[k] = median(phases[k]);
      measured.push_back({t, agents, median(simulate), ph});
    }
    // Where a whole-region replicate's time goes (the profile), at each thread count.
    std::printf("where the time goes (median seconds):\n%-42s", "phase");
    for (const auto& m : measured) std::printf(" %9d thr", m.threads);
    std::printf("\n");
    for (std::size_t k = 0; k < 10; ++k) {
      std::printf("%-42s", model::RunOutput::phase_names()[k]);
      for (const auto& m : measured) std::printf(" %13.3f", m.phases[k]);
      std::printf("\n");
    }
    // Peak memory of the whole process (data, tables, population, outputs) per starting agent.
    model::RunSettings s;
    s.start_year = region.base_year;
    s.months = 1;
    s.scale = scale;
    const model::Simulation probe(world, s);
    std::printf("peak resident memory: %.1f MB, %.1f bytes per agent (population arrays: %zu bytes per agent; the process "
                "before any run, with the region data and the model built: %.1f MB)\n",
                static_cast<double>(peak_rss_bytes()) / 1e6,
                static_cast<double>(peak_rss_bytes()) / static_cast<double>(probe.population().size()),
                probe.population().bytes_per_agent(), static_cast<double>(rss_before_runs) / 1e6);
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
    if (micro) {
      // Each stage of a replicate on its own (Google Benchmark), briefly; after the memory
      // figure, which their fixtures would otherwise raise.
      std::printf("Micro-benchmarks (Google Benchmark; scale %g, %d threads at most):\n", kMicroScale, threads.back());
      tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads.back()));
      int bargc = 2;
      char arg0[] = "shiftsim_bench", arg1[] = "--benchmark_min_time=0.3";
      char* bargv[] = {arg0, arg1, nullptr};
      benchmark::Initialize(&bargc, bargv);
      benchmark::RunSpecifiedBenchmarks();
      benchmark::Shutdown();
      std::printf("\n");
    }
    if (england) {
      // England-sized: 57.1m agents (ONS mid-2022 estimate for England, 57,106,398) made from
      // this region's people, each agent standing for 1/scale of a resident: the same per-agent
      // work and memory as England's population. One simulation's 32-bit person ids (with room
      // for 25 years of arrivals, model/people/arrivals.cpp) hold about 21m starting agents, so
      // England is three regions of 19m (as a cluster would run it, a region a rank), all built
      // and held in memory at once, then each simulated for the months.
      constexpr double kEnglandMid2022 = 57106398;
      constexpr int kEnglandParts = 3;
      double residents = 0;
      for (const auto& d : region.population)
        for (const auto& sex : d)
          for (const auto n : sex) residents += static_cast<double>(n);
      const double part_scale = kEnglandMid2022 / residents / kEnglandParts;
      tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads.back()));
      std::vector<std::unique_ptr<model::Simulation>> parts;
      std::size_t agents = 0;
      const auto t0 = std::chrono::steady_clock::now();
      for (int k = 0; k < kEnglandParts; ++k) {
        model::RunSettings es;
        es.start_year = region.base_year;
        es.months = months;
        es.scale = part_scale;
        es.seed = 20180701u + static_cast<std::uint32_t>(k);  // three different regions' people
        parts.push_back(std::make_unique<model::Simulation>(world, es));
        agents += parts.back()->population().size();
      }
      const double build = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::vector<model::RunOutput> outs;
      double simulate = 0, agent_months = 0;
      for (auto& sim : parts) {
        outs.push_back(sim->run());
        simulate += outs.back().wall_seconds;
        agent_months += outs.back().agent_months;
      }
      const double all = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::printf("England-sized run: %zu agents (%d regions of this one's people at scale %.2f, held at once), %d months, %d threads: "
                  "build %.1f s, simulate %.1f s (%.3g agent-months/s), total %.1f s; peak resident memory %.2f GB, %.1f bytes per agent\n",
                  agents, kEnglandParts, part_scale, months, threads.back(), build, simulate, agent_months / simulate, all,
                  static_cast<double>(peak_rss_bytes()) / 1e9, static_cast<double>(peak_rss_bytes()) / static_cast<double>(agents));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "shiftsim_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
