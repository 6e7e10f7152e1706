#include "model/world/geography.hpp"
#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <numeric>
#include <set>

using namespace shiftsim;

TEST_CASE("geography: 41 neighbourhoods of 30,000-50,000 residents, each inside one ICP") {
  const auto& r = test::region();
  const auto g = model::build_geography(r);
  REQUIRE(g.neighbourhoods.size() == 41);
  std::set<int> seen;
  long total = 0;
  for (const auto& nb : g.neighbourhoods) {
    INFO(nb.name);
    CHECK(nb.population >= 30000);
    CHECK(nb.population <= 50000);
    total += nb.population;
    for (int m : nb.msoas) {
      CHECK(seen.insert(m).second);  // each MSOA in exactly one neighbourhood
      CHECK(r.districts[static_cast<std::size_t>(r.msoas[static_cast<std::size_t>(m)].district)].icp == nb.icp);
    }
    // Contiguous in name order within the ICP.
    for (std::size_t k = 1; k < nb.msoas.size(); ++k)
      CHECK(r.msoas[static_cast<std::size_t>(nb.msoas[k - 1])].name < r.msoas[static_cast<std::size_t>(nb.msoas[k])].name);
    const double share = std::accumulate(nb.decile_share.begin(), nb.decile_share.end(), 0.0);
    CHECK(share == doctest::Approx(1.0));
  }
  CHECK(seen.size() == r.msoas.size());
  long msoa_total = 0;
  for (const auto& m : r.msoas) msoa_total += m.population;
  CHECK(total == msoa_total);
}

TEST_CASE("geography: zones partition neighbourhoods by district and carry a deprivation mix per age group") {
  const auto& r = test::region();
  const auto g = model::build_geography(r);
  long zone_total = 0;
  for (const auto& z : g.zones) {
    zone_total += z.population;
    CHECK(g.neighbourhoods[static_cast<std::size_t>(z.neighbourhood)].icp == z.icp);
    for (const auto& row : z.decile_share) CHECK(std::accumulate(row.begin(), row.end(), 0.0) == doctest::Approx(1.0));
  }
  long msoa_total = 0;
  for (const auto& m : r.msoas) msoa_total += m.population;
  CHECK(zone_total == msoa_total);
  std::size_t zones = 0;
  for (const auto& list : g.zones_of_district) zones += list.size();
  CHECK(zones == g.zones.size());
}

TEST_CASE("geography: an impossible rule is an error, not a silent partition") {
  CHECK_THROWS_AS(model::build_geography(test::region(), {41, 60000, 70000}), InputError);
}
