// Neighbourhoods and zones built from the small areas of the region data.
//
// Method (documented in docs/model.md): within each ICP, the MSOAs are ordered by name
// (district, then MSOA number, which runs roughly north to south) and cut into contiguous
// groups of 30,000-50,000 residents. The number of groups per ICP and the cut points are
// chosen by dynamic programming to make group sizes as even as possible (least squares
// around the regional mean) subject to the bounds, with the total fixed (41 for LSC).
// A neighbourhood may straddle a district boundary; a zone is the part of a neighbourhood
// in one district, so every person keeps both their district (for district data) and
// their neighbourhood. Each zone's deprivation mix, by age group, comes from its LSOAs.
#pragma once

#include "model/world/region.hpp"

#include <array>
#include <string>
#include <vector>

namespace shiftsim::model {

/// Age groups of the IMD population denominators.
inline constexpr int kImdAgeGroups = 3;  // 0-15, 16-59, 60+
constexpr int imd_age_group(int age) { return age < 16 ? 0 : (age < 60 ? 1 : 2); }

struct Neighbourhood {
  std::string name;         // e.g. "Pennine Lancashire 03"
  std::string description;  // first and last MSOA
  int icp = 0;
  std::vector<int> msoas;
  long population = 0;      // small-area table year (mid-2017 for LSC)
  std::array<double, kDeciles> decile_share{};  // share of residents by IMD decile
};

struct Zone {
  int neighbourhood = 0;
  int district = 0;
  int icp = 0;
  std::array<long, kMsoaBands> population_by_band{};
  long population = 0;
  /// Share of residents in each IMD decile, by IMD age group (rows sum to 1).
  std::array<std::array<double, kDeciles>, kImdAgeGroups> decile_share{};
};

struct Geography {
  std::vector<Neighbourhood> neighbourhoods;
  std::vector<Zone> zones;
  std::vector<std::vector<int>> zones_of_district;
};

struct NeighbourhoodRule {
  int count = 41;
  long min_population = 30'000;
  long max_population = 50'000;
};

/// Builds neighbourhoods and zones; throws InputError if no partition satisfies the rule.
Geography build_geography(const RegionData& region, const NeighbourhoodRule& rule = {});

/// The 5-year MSOA band (0..18) of a single year of age.
constexpr int msoa_band_of(int age) { return age >= 90 ? 18 : age / 5; }

}  // namespace shiftsim::model
