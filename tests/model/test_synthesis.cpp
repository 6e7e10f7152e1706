// The starting population against its inputs.
#include "model/people/synthesis.hpp"
#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace shiftsim;
using namespace shiftsim::model;

namespace {
struct FullPopulation {
  std::unique_ptr<World> world = test::world();
  SynthesisResult syn = synthesise(*world, RandomKey{2018, 0}, 1.0);
};
const FullPopulation& full() {
  static const FullPopulation f;
  return f;
}
}  // namespace

TEST_CASE("synthesis: one agent per resident, reproducing counts by district x age x sex exactly") {
  const auto& f = full();
  const auto& r = test::region();
  const auto& pop = f.syn.population;
  CHECK(pop.size() == 1'669'969);
  std::vector<std::array<std::array<long, kPopulationTopAge + 1>, kSexes>> counts(r.districts.size());
  for (std::size_t i = 0; i < pop.size(); ++i) {
    const int d = f.world->geography.zones[pop.zone[i]].district;
    const int a = std::min(pop.age_years(i), kPopulationTopAge);
    ++counts[static_cast<std::size_t>(d)][static_cast<std::size_t>(pop.sex(i))][static_cast<std::size_t>(a)];
  }
  long mismatches = 0;
  for (std::size_t d = 0; d < counts.size(); ++d)
    for (std::size_t s = 0; s < 2; ++s)
      for (std::size_t a = 0; a <= kPopulationTopAge; ++a)
        if (counts[d][s][a] != r.population[d][s][a]) ++mismatches;
  CHECK(mismatches == 0);
}

TEST_CASE("synthesis: district prevalences of smoking, excess weight, inactivity and depression match the published values") {
  // Each district's adult prevalence is a sum of independent Bernoulli draws whose
  // probabilities were calibrated to the published value, so the realised value differs by
  // sampling error only: the tolerance is 4 binomial standard errors, sqrt(p(1-p)/n).
  const auto& f = full();
  const auto& r = test::region();
  const auto& pop = f.syn.population;
  const std::size_t nd = r.districts.size();
  std::vector<double> adults(nd), smokers(nd), excess(nd), inactive(nd), depressed(nd);
  for (std::size_t i = 0; i < pop.size(); ++i) {
    if (pop.age_years(i) < kAdultAge) continue;
    const auto d = static_cast<std::size_t>(f.world->geography.zones[pop.zone[i]].district);
    adults[d] += 1;
    smokers[d] += pop.smoking(i) == Smoking::current;
    excess[d] += pop.weight(i) != Weight::healthy;
    inactive[d] += (pop.risk[i] & risk_bits::inactive) != 0;
    depressed[d] += pop.has(i, common_mental_disorder);
  }
  auto check = [&](const std::vector<double>& count, const std::string& id) {
    const auto& ind = r.indicators.at(id);
    for (std::size_t d = 0; d < nd; ++d) {
      const double p = ind.value_by_district[d] / 100.0;
      const double se = std::sqrt(p * (1 - p) / adults[d]);
      INFO(id << " " << r.districts[d].name << ": published " << p << ", synthesised " << count[d] / adults[d]);
      CHECK(std::fabs(count[d] / adults[d] - p) < 4 * se);
    }
  };
  check(smokers, "smoking_prevalence_adults");
  check(excess, "excess_weight_adults");
  check(inactive, "inactive_adults");
  check(depressed, "depression_qof_prevalence");
}

TEST_CASE("synthesis: condition prevalence by cell matches its target within sampling error") {
  // Summed over the region, the expected number with each condition is the sum of the cell
  // targets times the cell counts; the realised number is within 4 standard errors.
  const auto& f = full();
  const auto& pop = f.syn.population;
  const auto& prev = f.syn.prevalence;
  for (int c = 0; c < kConditions; ++c) {
    double expected = 0, variance = 0, observed = 0;
    for (std::size_t k = 0; k < f.world->index.cells(); ++k) {
      const double n = f.syn.agents_by_cell[k], p = prev.condition[static_cast<std::size_t>(c)][k];
      expected += n * p;
      variance += n * p * (1 - p);
    }
    for (std::size_t i = 0; i < pop.size(); ++i) observed += pop.has(i, static_cast<Condition>(c));
    INFO(kConditionNames[static_cast<std::size_t>(c)] << ": expected " << expected << ", synthesised " << observed);
    // Person-level relative risks (capped at 95%) can shift the realised total slightly; allow
    // 4 standard errors plus 1%.
    CHECK(std::fabs(observed - expected) < 4 * std::sqrt(variance) + 0.01 * expected);
  }
}

TEST_CASE("synthesis: deprivation gradients appear in the population") {
  const auto& f = full();
  const auto& pop = f.syn.population;
  double adults[5] = {}, smokers[5] = {}, with_copd[5] = {};
  // Within one age band, so that the older age structure of affluent areas does not mask
  // the gradient.
  for (std::size_t i = 0; i < pop.size(); ++i) {
    if (pop.age_years(i) < 50 || pop.age_years(i) > 64) continue;
    const int q = quintile_of_decile(pop.decile[i]) - 1;
    adults[q] += 1;
    smokers[q] += pop.smoking(i) == Smoking::current;
    with_copd[q] += pop.has(i, copd);
  }
  CHECK(smokers[0] / adults[0] > 1.8 * smokers[4] / adults[4]);
  CHECK(with_copd[0] / adults[0] > 1.5 * with_copd[4] / adults[4]);
}

TEST_CASE("synthesis: a scaled population keeps each district's share") {
  auto w = test::world();
  const auto syn = synthesise(*w, RandomKey{1, 0}, 0.01);
  const auto& r = test::region();
  std::vector<long> agents(r.districts.size(), 0);
  for (std::size_t i = 0; i < syn.population.size(); ++i)
    ++agents[static_cast<std::size_t>(w->geography.zones[syn.population.zone[i]].district)];
  for (std::size_t d = 0; d < agents.size(); ++d) {
    long people = 0;
    for (const auto& s : r.population[d])
      for (long v : s) people += v;
    CHECK(agents[d] == std::lround(static_cast<double>(people) * 0.01));
  }
}

TEST_CASE("synthesis: largest-remainder apportionment is exact and deterministic") {
  CHECK(apportion(10, {1, 1, 1}) == std::vector<long>{4, 3, 3});
  CHECK(apportion(7, {0.5, 0.25, 0.25}) == std::vector<long>{3, 2, 2});
  CHECK(apportion(5, {0, 0}) == std::vector<long>{5, 0});
}
