// Ids of the people who arrive during a run: newborns and in-migrants.
//
// A person's id keys every random number they draw (model/core/random.hpp), so common random
// numbers need an arrival to be the same person in every arm. A running counter would not
// do: once one arm has one birth more in any zone-month, every later arrival would be a
// different person. Instead the k-th birth in zone z in month t, and the k-th in-migrant of
// district d in month t, get an id computed from (t, z or d, k) alone:
//
//     birth(t, z, k)   = births_base   + (t x zones     + z) x births_capacity   + k
//     migrant(t, d, k) = migrants_base + (t x districts + d) x migrants_capacity + k
//
// so they are the same person, with the same draws, in every arm that has at least k of them
// there and then. births_base is the first multiple of 1024 above the starting population's
// ids. The capacities (powers of two) come from the largest expected count of a zone-month
// (or district-month) in the base year, from the region data alone, so they are the same in
// every arm of a comparison whatever its parameters: room for kArrivalGrowth (8) times that
// mean, twice over, plus twelve Poisson standard deviations and 64. So a fertility or
// migration trend may raise the counts eightfold within the horizon (+8.7% a year for 25
// years). The layout always covers the longest horizon (300 months), so a run's arrivals
// have the same ids whatever its length. At the whole region (scale 1) that is 2,048 births
// per zone-month and 4,096 in-migrants per district-month, about 53 million ids in all, well
// inside the 2^31 person ids. More arrivals than the capacity in one zone-month is an input
// error naming the trend, never a silent reuse of an id.
#pragma once

#include <cstdint>

namespace shiftsim::model {

inline constexpr int kArrivalMonths = 300;   // the longest horizon (25 years)
inline constexpr double kArrivalGrowth = 8;  // how far the counts may grow above the base year's

struct ArrivalIds {
  std::uint32_t births_base = 0, migrants_base = 0, end = 0;
  std::uint32_t zones = 0, districts = 0;
  std::uint32_t births_capacity = 0, migrants_capacity = 0;  // per zone-month, per district-month

  /// Throw InputError when the ordinal is beyond the capacity (a trend has raised the counts
  /// more than kArrivalGrowth-fold), InternalError when the month or place is outside the layout.
  std::uint32_t birth(int month, int zone, long ordinal) const;
  std::uint32_t migrant(int month, int district, long ordinal) const;
};

/// The layout for a run whose starting ids are below `first_free`, with at most
/// `births_mean` expected births in any zone-month and `migrants_mean` in-migrants in any
/// district-month. Throws InputError if it does not fit below 2^31.
ArrivalIds make_arrival_ids(std::uint32_t first_free, int zones, int districts, double births_mean, double migrants_mean);

/// The capacity for a count with this expected value: a power of two of at least
/// 2 x mean + 12 sqrt(2 x mean) + 64.
std::uint32_t arrival_capacity(double mean);

}  // namespace shiftsim::model
