// Calibration: named parameters fitted to target series in the observed format.
//
// Method: Nelder-Mead (Lagarias et al. 1998 coefficients: reflection 1, expansion 2,
// contraction 0.5, shrink 0.5) on a weighted least-squares loss, the mean over target rows of
// the squared relative error of the replicates' mean, ((model - observed) / observed)^2.
// Each parameter moves inside its bounds from the parameter table: the search runs on
// logit((x - lower) / (upper - lower)). Every evaluation runs the same replicates with the
// same seeds (common random numbers), so two evaluations differ only by the parameters and the
// loss surface is not re-drawn at every step; the replicates' mean averages the stochastic
// noise (and, with more than one replicate, the other parameters' uncertainty, as PSA draws
// them). Why not history matching: with a handful of parameters and targets that the model
// reproduces in seconds, a direct search answers the question asked (the values a scenario
// should use); an emulator pays off with tens of parameters. The loss is piecewise constant
// at the scale of one agent's event, so the tolerance is in the parameters' own units, not
// the loss's.
#pragma once

#include "runs/experiment.hpp"
#include "runs/inputs.hpp"
#include "validation/compare.hpp"

#include <functional>
#include <string>
#include <vector>

namespace shiftsim::validation {

struct CalibrationSpec {
  std::vector<std::string> parameters;   // names in the parameter table (not derived)
  std::vector<ObservedRow> targets;
  runs::ExperimentSettings settings;     // replicates, years, scale, seed
  int threads = 0;
  int max_evaluations = 60;
  double tolerance = 1e-3;               // stop when the simplex spans less than this share of every parameter's range
  std::function<void(int evaluation, const std::vector<double>& values, double loss)> on_evaluation;  // progress
};

struct CalibrationEvaluation {
  std::vector<double> values;
  double loss = 0;
};

struct CalibrationResult {
  std::vector<std::string> parameters;
  std::vector<double> lower, upper, start, best;
  double loss_start = 0, loss_best = 0;
  std::vector<CalibrationEvaluation> history;
  Validation fit_start, fit_best;      // the targets against the runs at the start and at the best values
  bool converged = false;              // the simplex shrank below the tolerance (else: max_evaluations)
};

/// The loss of a fit: the mean squared relative error of its compared rows; InputError if a
/// target row could not be compared (the reason named).
double calibration_loss(const Validation& fit);

/// Fits the parameters; InputError naming the parameter or target row that cannot be used.
CalibrationResult calibrate(const runs::Arm& base, const CalibrationSpec& spec);

/// A printable before-and-after table of the targets and the values found.
std::string format_calibration(const CalibrationResult& r);

}  // namespace shiftsim::validation
