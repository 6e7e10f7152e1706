#include "model/world/geography.hpp"

#include "model/core/errors.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <cstdio>

namespace shiftsim::model {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Partition {
  double cost = kInf;
  std::vector<std::size_t> cuts;  // start index of each group after the first
};

/// Best split of `pops` (in order) into k contiguous groups within [lo, hi], minimising
/// the sum of squared deviations of group size from `target`.
Partition best_partition(const std::vector<long>& pops, int k, long lo, long hi, double target) {
  const std::size_t n = pops.size();
  std::vector<long> prefix(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + pops[i];
  const auto K = static_cast<std::size_t>(k);
  // best[j][i]: minimal cost of the first i MSOAs in j groups.
  std::vector<std::vector<double>> best(K + 1, std::vector<double>(n + 1, kInf));
  std::vector<std::vector<std::size_t>> from(K + 1, std::vector<std::size_t>(n + 1, 0));
  best[0][0] = 0;
  for (std::size_t j = 1; j <= K; ++j)
    for (std::size_t i = 1; i <= n; ++i)
      for (std::size_t m = j - 1; m < i; ++m) {
        if (best[j - 1][m] == kInf) continue;
        const long size = prefix[i] - prefix[m];
        if (size < lo || size > hi) continue;
        const double d = static_cast<double>(size) - target;
        const double c = best[j - 1][m] + d * d;
        if (c < best[j][i]) {
          best[j][i] = c;
          from[j][i] = m;
        }
      }
  Partition p;
  p.cost = best[K][n];
  if (p.cost == kInf) return p;
  std::size_t i = n;
  for (std::size_t j = K; j >= 1; --j) {
    const std::size_t m = from[j][i];
    if (j > 1) p.cuts.push_back(m);
    i = m;
  }
  std::reverse(p.cuts.begin(), p.cuts.end());
  return p;
}

}  // namespace

Geography build_geography(const RegionData& region, const NeighbourhoodRule& rule) {
  const std::size_t n_icp = region.icps.size();
  long total = 0;
  for (const auto& m : region.msoas) total += m.population;
  const double target = static_cast<double>(total) / rule.count;

  // MSOAs of each ICP in name order.
  std::vector<std::vector<int>> msoas_of_icp(n_icp);
  for (std::size_t m = 0; m < region.msoas.size(); ++m) {
    const int icp = region.districts[static_cast<std::size_t>(region.msoas[m].district)].icp;
    msoas_of_icp[static_cast<std::size_t>(icp)].push_back(static_cast<int>(m));
  }
  for (auto& list : msoas_of_icp)
    std::sort(list.begin(), list.end(), [&](int a, int b) {
      return region.msoas[static_cast<std::size_t>(a)].name < region.msoas[static_cast<std::size_t>(b)].name;
    });

  // Best partition of each ICP for every feasible number of groups.
  std::vector<std::vector<Partition>> options(n_icp);
  for (std::size_t i = 0; i < n_icp; ++i) {
    std::vector<long> pops;
    for (int m : msoas_of_icp[i]) pops.push_back(region.msoas[static_cast<std::size_t>(m)].population);
    options[i].resize(static_cast<std::size_t>(rule.count) + 1);
    for (int k = 1; k <= rule.count && k <= static_cast<int>(pops.size()); ++k)
      options[i][static_cast<std::size_t>(k)] = best_partition(pops, k, rule.min_population, rule.max_population, target);
  }

  // Choose groups per ICP summing to rule.count with the least total cost (small knapsack).
  const auto C = static_cast<std::size_t>(rule.count);
  std::vector<std::vector<double>> acc(n_icp + 1, std::vector<double>(C + 1, kInf));
  std::vector<std::vector<int>> pick(n_icp + 1, std::vector<int>(C + 1, 0));
  acc[0][0] = 0;
  for (std::size_t i = 0; i < n_icp; ++i)
    for (std::size_t used = 0; used <= C; ++used) {
      if (acc[i][used] == kInf) continue;
      for (std::size_t k = 1; used + k <= C; ++k) {
        const double c = options[i][k].cost;
        if (c == kInf) continue;
        if (acc[i][used] + c < acc[i + 1][used + k]) {
          acc[i + 1][used + k] = acc[i][used] + c;
          pick[i + 1][used + k] = static_cast<int>(k);
        }
      }
    }
  if (acc[n_icp][C] == kInf)
    throw InputError("cannot build " + std::to_string(rule.count) + " neighbourhoods of " +
                     std::to_string(rule.min_population) + "-" + std::to_string(rule.max_population) +
                     " residents from the region's MSOAs within ICP boundaries");
  std::vector<int> groups(n_icp);
  for (std::size_t i = n_icp, used = C; i > 0; --i) {
    groups[i - 1] = pick[i][used];
    used -= static_cast<std::size_t>(pick[i][used]);
  }

  Geography g;
  std::vector<int> neighbourhood_of_msoa(region.msoas.size(), -1);
  for (std::size_t i = 0; i < n_icp; ++i) {
    const auto& list = msoas_of_icp[i];
    const Partition& p = options[i][static_cast<std::size_t>(groups[i])];
    std::vector<std::size_t> starts{0};
    starts.insert(starts.end(), p.cuts.begin(), p.cuts.end());
    starts.push_back(list.size());
    for (std::size_t gi = 0; gi + 1 < starts.size(); ++gi) {
      Neighbourhood nb;
      nb.icp = static_cast<int>(i);
      char number[24];
      std::snprintf(number, sizeof number, "%02zu", gi + 1);
      nb.name = region.icps[i].name + " " + number;
      for (std::size_t k = starts[gi]; k < starts[gi + 1]; ++k) {
        nb.msoas.push_back(list[k]);
        nb.population += region.msoas[static_cast<std::size_t>(list[k])].population;
        neighbourhood_of_msoa[static_cast<std::size_t>(list[k])] = static_cast<int>(g.neighbourhoods.size());
      }
      nb.description = region.msoas[static_cast<std::size_t>(nb.msoas.front())].name + " to " +
                       region.msoas[static_cast<std::size_t>(nb.msoas.back())].name;
      g.neighbourhoods.push_back(std::move(nb));
    }
  }

  // Zones: neighbourhood x district.
  g.zones_of_district.assign(region.districts.size(), {});
  auto zone_of = [&](int nb, int district) {
    for (int z : g.zones_of_district[static_cast<std::size_t>(district)])
      if (g.zones[static_cast<std::size_t>(z)].neighbourhood == nb) return z;
    Zone z;
    z.neighbourhood = nb;
    z.district = district;
    z.icp = region.districts[static_cast<std::size_t>(district)].icp;
    g.zones.push_back(z);
    const int id = static_cast<int>(g.zones.size() - 1);
    g.zones_of_district[static_cast<std::size_t>(district)].push_back(id);
    return id;
  };
  std::vector<int> zone_of_msoa(region.msoas.size());
  for (std::size_t m = 0; m < region.msoas.size(); ++m) {
    const int z = zone_of(neighbourhood_of_msoa[m], region.msoas[m].district);
    zone_of_msoa[m] = z;
    Zone& zone = g.zones[static_cast<std::size_t>(z)];
    for (int b = 0; b < kMsoaBands; ++b)
      zone.population_by_band[static_cast<std::size_t>(b)] += region.msoas[m].population_by_band[static_cast<std::size_t>(b)];
    zone.population += region.msoas[m].population;
  }
  // Deprivation mix from the LSOAs' population denominators.
  std::vector<std::array<std::array<double, kDeciles>, kImdAgeGroups>> counts(g.zones.size());
  std::vector<std::array<double, kDeciles>> nb_counts(g.neighbourhoods.size());
  for (const auto& l : region.lsoas) {
    const auto z = static_cast<std::size_t>(zone_of_msoa[static_cast<std::size_t>(l.msoa)]);
    const auto d = static_cast<std::size_t>(l.imd_decile - 1);
    counts[z][0][d] += static_cast<double>(l.pop_0_15);
    counts[z][1][d] += static_cast<double>(l.pop_16_59);
    counts[z][2][d] += static_cast<double>(l.pop_60_plus);
    nb_counts[static_cast<std::size_t>(g.zones[z].neighbourhood)][d] +=
        static_cast<double>(l.pop_0_15 + l.pop_16_59 + l.pop_60_plus);
  }
  for (std::size_t z = 0; z < g.zones.size(); ++z)
    for (int a = 0; a < kImdAgeGroups; ++a) {
      auto& row = counts[z][static_cast<std::size_t>(a)];
      const double sum = std::accumulate(row.begin(), row.end(), 0.0);
      if (sum <= 0) throw InputError("zone without deprivation data in neighbourhood " + g.neighbourhoods[static_cast<std::size_t>(g.zones[z].neighbourhood)].name);
      for (int d = 0; d < kDeciles; ++d)
        g.zones[z].decile_share[static_cast<std::size_t>(a)][static_cast<std::size_t>(d)] = row[static_cast<std::size_t>(d)] / sum;
    }
  for (std::size_t nb = 0; nb < g.neighbourhoods.size(); ++nb) {
    const double sum = std::accumulate(nb_counts[nb].begin(), nb_counts[nb].end(), 0.0);
    for (int d = 0; d < kDeciles; ++d)
      g.neighbourhoods[nb].decile_share[static_cast<std::size_t>(d)] = nb_counts[nb][static_cast<std::size_t>(d)] / sum;
  }
  return g;
}

}  // namespace shiftsim::model
