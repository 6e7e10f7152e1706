// Same inputs and seed: identical results at any thread count; a different seed differs.
#include "scenarios/scenario.hpp"
#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <cstring>

using namespace shiftsim;
using namespace shiftsim::model;

namespace {

/// FNV-1a over every number a run produced and over the final population.
std::uint64_t fingerprint(const RunOutput& out, const Population& pop) {
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&](const void* p, std::size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) {
      h ^= b[i];
      h *= 1099511628211ULL;
    }
  };
  for (const auto& f : out.flows) {
    mix(f.cells.data(), f.cells.size() * sizeof(double));
    mix(f.deaths.data(), sizeof f.deaths);
    mix(f.person_months.data(), sizeof f.person_months);
  }
  for (const auto& s : out.snapshots) mix(s.cells.data(), s.cells.size() * sizeof(double));
  for (const auto& p : out.programmes)
    for (const auto& m : p.months) mix(m.data(), m.size() * sizeof(double));
  mix(pop.interventions.data(), pop.size() * sizeof(shiftsim::model::ProgrammeBits));
  mix(pop.id.data(), pop.size() * sizeof(std::uint32_t));
  mix(pop.age_months.data(), pop.size() * sizeof(std::uint16_t));
  mix(pop.risk.data(), pop.size());
  mix(pop.conditions.data(), pop.size());
  mix(pop.status.data(), pop.size());
  mix(pop.utility.data(), pop.size() * sizeof(float));
  return h;
}

std::uint64_t run_with(int threads, std::uint32_t seed, double scale = 0.04, int months = 25,
                       std::shared_ptr<const Policy> policy = nullptr) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  static auto w = test::world();
  auto settings = test::settings(scale, months, seed);
  settings.policy = std::move(policy);
  Simulation sim(*w, settings);
  const auto out = sim.run();
  return fingerprint(out, sim.population());
}

}  // namespace

TEST_CASE("reproducibility: 1, 2 and 8 threads give byte-identical results") {
  // 25 months: includes a yearly compaction and the migrants and births added serially.
  const auto one = run_with(1, 777);
  CHECK(run_with(2, 777) == one);
  CHECK(run_with(8, 777) == one);
}

TEST_CASE("reproducibility: a scenario with every kind of intervention is identical at 1, 2 and 8 threads") {
  // The six-shifts plan: person and area interventions, all three allocations, one-off changes,
  // lapses, thinning and the threshold-filtered choice of participants.
  const auto s = inputs::load_scenario(std::filesystem::path(SHIFTSIM_SOURCE_DIR) / "scenarios" / "six_shifts_plan.json");
  auto table = test::parameters();
  const auto policy = std::make_shared<const Policy>(
      inputs::resolve_scenario(s, test::region(), build_geography(test::region()), table));
  const auto one = run_with(1, 31, 0.03, 25, policy);
  CHECK(run_with(2, 31, 0.03, 25, policy) == one);
  CHECK(run_with(8, 31, 0.03, 25, policy) == one);
  CHECK(run_with(2, 31, 0.03, 25) != one);  // and the interventions change the result
}

TEST_CASE("reproducibility: the same seed twice is identical, a different seed differs") {
  CHECK(run_with(2, 99, 0.02, 13) == run_with(2, 99, 0.02, 13));
  CHECK(run_with(2, 99, 0.02, 13) != run_with(2, 100, 0.02, 13));
}

TEST_CASE("reproducibility: a simulation runs once and hands its outputs over") {
  // A second run() would continue from the end of the first with an emptied output, and
  // output() after run() would read it: both are a caller's mistake, reported as such.
  static auto w = test::world();
  Simulation sim(*w, test::settings(0.005, 2, 7));
  CHECK(sim.output().months == 2);
  const auto out = sim.run();
  CHECK(out.flows.size() == 2);
  CHECK_THROWS_AS(sim.run(), InternalError);
  CHECK_THROWS_AS(sim.output(), InternalError);
}
