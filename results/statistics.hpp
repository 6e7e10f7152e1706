// The summary statistics of replicates, in one place: every interval the command line, the
// store, the report and the workbook show comes from here.
#pragma once

#include <vector>

namespace shiftsim::results {

/// Mean and the 5th, 50th and 95th percentiles of some values: percentiles by linear
/// interpolation between order statistics (Hyndman and Fan type 7, R's and NumPy's default).
/// A value of +infinity ("beyond the horizon") sorts last; a percentile that falls on it
/// exactly is +infinity, never NaN.
struct Quantiles {
  double mean = 0, p05 = 0, median = 0, p95 = 0;
  double sd = 0;  // the sample standard deviation (n - 1; 0 for fewer than two values)
};

/// The fewest replicates for which a 90% interval (5th to 95th percentile) is shown: with 20,
/// each tail of 5% holds one replicate. Below it the command line, report and workbook show
/// the mean and its Monte Carlo standard error, and say how many replicates are needed.
inline constexpr int kMinIntervalReplicates = 20;

/// Replicates needed for the 95% confidence interval of a mean to have half-width
/// `half_width`, given the standard error `mcse` observed with `n` replicates:
/// n (1.96 mcse / half_width)^2, at least kMinIntervalReplicates.
int replicates_for_precision(double mcse, int n, double half_width);
Quantiles quantiles(std::vector<double> values);

}  // namespace shiftsim::results
