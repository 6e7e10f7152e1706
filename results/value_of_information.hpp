// What the uncertainty in the parameters does to the answer, from the replicates of a
// probabilistic sensitivity analysis (each replicate draws every uncertain parameter):
//
// - one-way sensitivity (the tornado): for each drawn parameter, the expected headline given
//   the parameter, E[Y | x], estimated by least-squares regression of the replicates'
//   headline on the parameter (linear, or quadratic with enough replicates); its value at the
//   parameter's 5th and 95th percentiles; the switching value, where the fitted headline
//   crosses zero inside the parameter's plausible range (0.1st to 99.9th percentile); and the
//   share of the headline's variance the parameter explains alone (the adjusted R^2 of that
//   regression: a first-order sensitivity index), by which the parameters that matter most
//   are chosen (among those significant after a Bonferroni correction);
// - the expected value of partial perfect information (EVPPI) of a group of parameters, by
//   the regression metamodel of Strong, Oakley & Brennan (Med Decis Making 2014;34:311-26):
//   each option's incremental net benefit regressed on the group's parameters gives its
//   expected net benefit given them; EVPPI = mean over replicates of the best option's fitted
//   value - the best option's mean.
//
// Both are estimates from a sample: with few replicates a regression fits noise (the
// variance share and the EVPPI are then biased upwards). A regression is fitted only with at
// least kReplicatesPerTerm replicates per coefficient; otherwise there is no estimate and the
// replicates needed are said.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace shiftsim::results {

/// Replicates needed per regression coefficient (intercept included) before a metamodel is
/// fitted; 2 x this per coefficient before a parameter gets a quadratic term. The rule of
/// thumb of 10 observations per coefficient for a stable least-squares fit.
inline constexpr int kReplicatesPerTerm = 10;
/// The parameters a one-way sensitivity keeps (largest variance share first).
inline constexpr std::size_t kSensitivityParameters = 10;
/// The willingness to pay EVPPI is given at: NICE's range, GBP 20,000-30,000 per QALY.
inline constexpr double kEvppiWillingnessToPay[] = {20000.0, 30000.0};

/// The replicates' draws of the uncertain parameters (replicate r's value of parameter j in
/// draws[j][r]) with each parameter's group and plausible range from its distribution.
struct ParameterSample {
  std::vector<std::string> names, groups;
  std::vector<std::vector<double>> draws;            // [parameter][replicate]
  std::vector<double> p05, p95, lowest, highest;     // quantiles 0.05, 0.95, 0.001, 0.999
  std::size_t size() const { return names.size(); }
};

/// The regression of y on the columns of x (each a vector over the replicates): the fitted
/// values and the adjusted R^2, or nothing with too few replicates (the replicates needed in
/// `needed`). Columns that do not vary are left out. `quadratic` adds each column's square
/// where the replicates allow.
struct Metamodel {
  std::vector<double> fitted;
  std::vector<double> coefficients;  // intercept, then per kept column: z (and z^2), z = (x - centre) / scale
  std::vector<double> centre, scale; // the mean and standard deviation of each kept column
  std::vector<int> columns;          // the kept columns
  bool quadratic = false;
  double adjusted_r2 = 0;
  double p_value = 1;  // of the regression's F test (no parameter explains y)
  /// The fitted value at x (one value per kept column, in the order of `columns`).
  double at(const std::vector<double>& x) const;
};
std::optional<Metamodel> fit_metamodel(const std::vector<double>& y, const std::vector<std::vector<double>>& x, bool quadratic,
                                       int* needed = nullptr);

/// EVPPI of the parameters in x: inb[k][r] is option k's incremental net benefit over the
/// comparator (whose net benefit is 0) in replicate r. Nothing with too few replicates.
std::optional<double> evppi(const std::vector<std::vector<double>>& inb, const std::vector<std::vector<double>>& x,
                            int* needed = nullptr);

/// One parameter's one-way sensitivity of a headline y (per replicate).
struct OneWay {
  int parameter = 0;
  double share = 0;                 // adjusted R^2 of y on the parameter, at least 0
  double at_low = 0, at_high = 0;   // E[y | parameter at its 5th / 95th percentile]
  std::optional<double> switching;  // where E[y | x] = 0, inside [lowest, highest]
};

/// The parameters that matter most for y, by the variance share, largest first (at most
/// `top`). Only parameters whose regression is significant after a Bonferroni correction for
/// the parameters tried (F test, p < 0.05 / their number) are kept: with 100 parameters and
/// 20 replicates several would explain a fifth of the variance by chance alone.
std::vector<OneWay> one_way_sensitivity(const std::vector<double>& y, const ParameterSample& sample, std::size_t top);

}  // namespace shiftsim::results
