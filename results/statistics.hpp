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
};
Quantiles quantiles(std::vector<double> values);

}  // namespace shiftsim::results
