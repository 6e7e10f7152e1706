// Period life tables from single-year (or grouped) death rates.
#pragma once

#include <vector>

namespace shiftsim::model {

/// Life expectancy at age `from` (years) from central death rates m by single year of age
/// (the last entry is the open interval). q = 1 - exp(-m); deaths at mid-year; the open
/// interval lives 1/m years.
double life_expectancy(const std::vector<double>& m, int from = 0);

/// Life expectancy from an abridged table: interval start ages and widths (the last is open),
/// central death rates per interval. Chiang's method with a = width/2 (a0 = 0.1 for the
/// first year of life when width is 1 and the interval starts at 0).
double abridged_life_expectancy(const std::vector<double>& start_age, const std::vector<double>& width,
                                const std::vector<double>& m, double from_age);

/// Slope index of inequality: the groups (ordered from most to least deprived) are placed at
/// the midpoints of their cumulative share of the weights (person-years), the values are
/// regressed on that rank by weighted least squares, and the SII is the fitted difference
/// from the most deprived end (rank 0) to the least deprived (rank 1).
double slope_index_of_inequality(const std::vector<double>& values, const std::vector<double>& weights);

}  // namespace shiftsim::model
