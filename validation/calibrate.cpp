#include "validation/calibrate.hpp"

#include "model/core/errors.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <numeric>
#include <sstream>

namespace shiftsim::validation {

namespace {

double logit(double u) { return std::log(u / (1 - u)); }
double expit(double z) { return 1 / (1 + std::exp(-z)); }

/// The runs of one evaluation: the base arm with `values`, every replicate.
std::vector<std::unique_ptr<model::RunOutput>> run_with(const runs::Arm& base, const CalibrationSpec& spec,
                                                        const std::map<std::string, double>& values) {
  const runs::Experiment experiment({runs::with_parameters(base, values)}, spec.settings);
  std::vector<std::unique_ptr<model::RunOutput>> outputs(static_cast<std::size_t>(experiment.replicates()));
  runs::Controls controls;
  controls.threads = spec.threads;
  runs::run_tasks(experiment, experiment.tasks(), controls,
                  [&](const runs::Task& t, runs::TaskResult&& r) { outputs[static_cast<std::size_t>(t.replicate)] = std::move(r.output); });
  return outputs;
}

}  // namespace

double calibration_loss(const Validation& fit) {
  double sum = 0;
  int n = 0;
  for (const auto& r : fit.rows) {
    if (!r.compared)
      throw InputError("target " + r.observed.series + " " + r.observed.geography + " " + r.observed.period_text + " (line " +
                       std::to_string(r.observed.line) + ") cannot be compared with the run: " + r.reason);
    if (r.observed.value == 0)
      throw InputError("target " + r.observed.series + " " + r.observed.geography + " " + r.observed.period_text + " (line " +
                       std::to_string(r.observed.line) + ") is 0: the loss is relative, so a target must not be 0");
    const double e = (r.mean - r.observed.value) / r.observed.value;
    sum += e * e;
    ++n;
  }
  return n ? sum / n : 0.0;
}

CalibrationResult calibrate(const runs::Arm& base, const CalibrationSpec& spec) {
  if (spec.parameters.empty()) throw InputError("calibrate: name at least one parameter (--params)");
  if (spec.targets.empty()) throw InputError("calibrate: the targets file has no rows");
  for (const auto& t : spec.targets)
    if (t.value == 0)
      throw InputError("target " + t.series + " " + t.geography + " " + t.period_text + " (line " + std::to_string(t.line) +
                       ") is 0: the loss is relative, so a target must not be 0");
  CalibrationResult r;
  r.parameters = spec.parameters;
  const std::size_t n = spec.parameters.size();
  for (const auto& name : spec.parameters) {
    const model::ParameterRow* row = base.table->find(name);
    if (!row) throw InputError("calibrate: --params names '" + name + "', which is not a model parameter (see `shiftsim params`)");
    if (row->derived) throw InputError("calibrate: --params names '" + name + "', which is derived from the region data and cannot be fitted");
    if (!(row->upper > row->lower)) throw InputError("calibrate: '" + name + "' has no range to search (its bounds are equal)");
    if (std::count(spec.parameters.begin(), spec.parameters.end(), name) > 1) throw InputError("calibrate: --params names '" + name + "' twice");
    r.lower.push_back(row->lower);
    r.upper.push_back(row->upper);
    // The start: the arm's value, kept a little inside the bounds so that its logit is finite.
    const double span = row->upper - row->lower;
    r.start.push_back(std::clamp(base.table->get(name), row->lower + 1e-6 * span, row->upper - 1e-6 * span));
  }
  const model::RegionData& region = base.inputs->region;
  auto to_values = [&](const std::vector<double>& z) {
    std::vector<double> x(n);
    for (std::size_t k = 0; k < n; ++k) x[k] = r.lower[k] + (r.upper[k] - r.lower[k]) * expit(z[k]);
    return x;
  };
  auto fit_of = [&](const std::vector<double>& x) {
    std::map<std::string, double> values;
    for (std::size_t k = 0; k < n; ++k) values[spec.parameters[k]] = x[k];
    const auto outputs = run_with(base, spec, values);
    std::vector<const model::RunOutput*> ptrs;
    for (const auto& o : outputs) ptrs.push_back(o.get());
    return compare_observed(spec.targets, ptrs, region);
  };
  auto evaluate = [&](const std::vector<double>& z) {
    const auto x = to_values(z);
    const double loss = calibration_loss(fit_of(x));
    r.history.push_back({x, loss});
    if (spec.on_evaluation) spec.on_evaluation(static_cast<int>(r.history.size()), x, loss);
    return loss;
  };

  // The start's fit first (it also refuses targets the run cannot reproduce).
  r.fit_start = fit_of(r.start);
  r.loss_start = calibration_loss(r.fit_start);
  r.history.push_back({r.start, r.loss_start});
  if (spec.on_evaluation) spec.on_evaluation(1, r.start, r.loss_start);

  // Nelder-Mead on z = logit of each parameter's position in its range. The initial simplex
  // steps each parameter by 10% of its range (in z, at the start's slope).
  std::vector<double> z0(n);
  for (std::size_t k = 0; k < n; ++k) z0[k] = logit((r.start[k] - r.lower[k]) / (r.upper[k] - r.lower[k]));
  std::vector<std::vector<double>> simplex{z0};
  std::vector<double> f{r.loss_start};
  for (std::size_t k = 0; k < n; ++k) {
    auto z = z0;
    const double u = expit(z0[k]);
    const double step = 0.1 / std::max(u * (1 - u), 1e-3);  // dz = du / (u (1 - u)), du = 0.1
    z[k] += u < 0.5 ? step : -step;
    simplex.push_back(z);
    f.push_back(evaluate(z));
  }
  auto converged = [&] {
    // Every vertex within `tolerance` of the best, in each parameter's share of its range.
    const auto best = std::min_element(f.begin(), f.end()) - f.begin();
    for (const auto& v : simplex)
      for (std::size_t k = 0; k < n; ++k)
        if (std::fabs(expit(v[k]) - expit(simplex[static_cast<std::size_t>(best)][k])) > spec.tolerance) return false;
    return true;
  };
  while (static_cast<int>(r.history.size()) < spec.max_evaluations && !(r.converged = converged())) {
    std::vector<std::size_t> order(n + 1);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return f[a] < f[b]; });
    const std::size_t worst = order[n], second = order[n - 1], best = order[0];
    std::vector<double> centroid(n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = 0; k < n; ++k) centroid[k] += simplex[order[i]][k] / static_cast<double>(n);
    auto towards = [&](double t) {  // centroid + t (centroid - worst)
      std::vector<double> z(n);
      for (std::size_t k = 0; k < n; ++k) z[k] = centroid[k] + t * (centroid[k] - simplex[worst][k]);
      return z;
    };
    const auto zr = towards(1.0);
    const double fr = evaluate(zr);
    if (fr < f[best]) {
      const auto ze = towards(2.0);
      const double fe = evaluate(ze);
      if (fe < fr) {
        simplex[worst] = ze;
        f[worst] = fe;
      } else {
        simplex[worst] = zr;
        f[worst] = fr;
      }
      continue;
    }
    if (fr < f[second]) {
      simplex[worst] = zr;
      f[worst] = fr;
      continue;
    }
    // Contraction: outside if the reflection improved on the worst, else inside.
    const bool outside = fr < f[worst];
    const auto zc = towards(outside ? 0.5 : -0.5);
    const double fc = evaluate(zc);
    if (fc <= (outside ? fr : f[worst])) {  // ties accepted (Lagarias et al.): the loss is piecewise constant
      simplex[worst] = zc;
      f[worst] = fc;
      continue;
    }
    // Shrink towards the best.
    for (std::size_t i = 0; i <= n; ++i) {
      if (i == best) continue;
      for (std::size_t k = 0; k < n; ++k) simplex[i][k] = simplex[best][k] + 0.5 * (simplex[i][k] - simplex[best][k]);
      f[i] = evaluate(simplex[i]);
      if (static_cast<int>(r.history.size()) >= spec.max_evaluations) break;
    }
  }
  if (!r.converged) r.converged = converged();
  const auto best = static_cast<std::size_t>(std::min_element(f.begin(), f.end()) - f.begin());
  r.best = to_values(simplex[best]);
  r.fit_best = fit_of(r.best);
  r.loss_best = calibration_loss(r.fit_best);
  return r;
}

std::string format_calibration(const CalibrationResult& r) {
  std::ostringstream out;
  char b[400];
  std::snprintf(b, sizeof b, "%-44s %14s %14s %20s\n", "Parameter", "start", "fitted", "range");
  out << b;
  for (std::size_t k = 0; k < r.parameters.size(); ++k) {
    std::snprintf(b, sizeof b, "%-44s %14.6g %14.6g %9.4g to %-9.4g\n", r.parameters[k].c_str(), r.start[k], r.best[k], r.lower[k], r.upper[k]);
    out << b;
  }
  std::snprintf(b, sizeof b, "\nLoss (mean squared relative error): %.4g before, %.4g after, %zu evaluations (%s)\n\n", r.loss_start, r.loss_best,
                r.history.size(), r.converged ? "converged" : "stopped at --max-evaluations");
  out << b;
  std::snprintf(b, sizeof b, "%-30s %-20s %-10s %12s %12s %8s %12s %8s\n", "target", "geography", "period", "observed", "before", "error", "after",
                "error");
  out << b;
  for (std::size_t i = 0; i < r.fit_best.rows.size(); ++i) {
    const auto& a = r.fit_start.rows[i];
    const auto& c = r.fit_best.rows[i];
    std::snprintf(b, sizeof b, "%-30s %-20s %-10s %12.6g %12.6g %+7.2f%% %12.6g %+7.2f%%\n", c.observed.series.c_str(), c.observed.geography.c_str(),
                  c.observed.period_text.c_str(), c.observed.value, a.mean, a.percent_error(), c.mean, c.percent_error());
    out << b;
  }
  return out.str();
}

}  // namespace shiftsim::validation
