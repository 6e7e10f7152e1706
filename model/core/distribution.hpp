// Uncertainty distributions for parameters and intervention effects. A run uses each
// distribution's mean; probabilistic sensitivity analysis draws from it (one draw per
// replicate, on its own random stream).
#pragma once

#include <optional>
#include <string>

namespace shiftsim::model {

struct Distribution {
  enum class Kind { fixed, normal, lognormal, beta, gamma, triangular, uniform };
  Kind kind = Kind::fixed;
  // fixed: a; normal/lognormal: a = mean, b = sd (of the value, not of its log);
  // beta: a = alpha, b = beta; gamma: a = shape, b = scale; triangular: a = min, b = mode,
  // c = max; uniform: a = min, b = max.
  double a = 0, b = 0, c = 0;

  static Distribution constant(double v) { return {Kind::fixed, v, 0, 0}; }
  double mean() const;
  /// A value from the distribution at quantile u in (0, 1).
  double quantile(double u) const;
  /// Empty if valid, else what is wrong (e.g. "sd is 0, but must be positive").
  std::optional<std::string> problem() const;
  /// "lognormal(mean=1.2, sd=0.1)"; "1.5" for fixed.
  std::string to_string() const;
  /// Parses "lognormal mean=1.2 sd=0.1", "beta alpha=30 beta=170", "fixed value=2", "none".
  static std::optional<Distribution> parse(const std::string& text, std::string* error = nullptr);
};

const char* kind_name(Distribution::Kind k);
std::optional<Distribution::Kind> kind_from_name(const std::string& name);

}  // namespace shiftsim::model
