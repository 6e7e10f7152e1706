#include "model/system/stock_flow.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace shiftsim::model::sd {

namespace {
std::string number(double v) {
  std::ostringstream s;
  s.precision(6);
  s << v;
  return s.str();
}
}  // namespace

Lookup::Lookup(std::string name, std::vector<std::pair<double, double>> points)
    : name_(std::move(name)), points_(std::move(points)) {
  if (points_.size() < 2)
    throw ParameterError("lookup '" + name_ + "': needs at least two points, found " + std::to_string(points_.size()));
  for (std::size_t k = 0; k < points_.size(); ++k) {
    const auto [x, y] = points_[k];
    if (!std::isfinite(x) || !std::isfinite(y))
      throw ParameterError("lookup '" + name_ + "': point " + std::to_string(k + 1) + " is not a finite number");
    if (k > 0 && !(x > points_[k - 1].first))
      throw ParameterError("lookup '" + name_ + "': x values must increase strictly, but point " + std::to_string(k + 1) +
                           " has x = " + number(x) + " after " + number(points_[k - 1].first));
  }
}

double Lookup::operator()(double x) const {
  if (points_.empty()) throw InternalError("an empty lookup was evaluated");
  if (!(x > points_.front().first)) return points_.front().second;  // also NaN -> first value
  if (x >= points_.back().first) return points_.back().second;
  const auto it = std::upper_bound(points_.begin(), points_.end(), x,
                                   [](double v, const std::pair<double, double>& p) { return v < p.first; });
  const auto& [x1, y1] = *it;
  const auto& [x0, y0] = *(it - 1);
  return y0 + (y1 - y0) * (x - x0) / (x1 - x0);
}

double View::stock(StockId s) const { return x_[s.index]; }

double View::aux(AuxId a) const {
  if (a.index >= aux_ready_)
    throw InternalError("system model '" + model_->name_ + "': auxiliary '" + model_->auxs_[static_cast<std::size_t>(a.index)].q.name +
                        "' was read before it was evaluated (declare it earlier)");
  return aux_[a.index];
}

double View::input(InputId i) const { return model_->inputs_[static_cast<std::size_t>(i.index)]; }

Model::Model(std::string name, double dt, Method method) : name_(std::move(name)), dt_(dt), method_(method) {
  if (!(dt > 0) || dt > 1.0)
    throw ParameterError("system model '" + name_ + "': the time step must be above 0 and at most 1 month, not " + number(dt));
}

void Model::check_name(const std::string& n) const {
  auto clash = [&](const auto& v) { return std::any_of(v.begin(), v.end(), [&](const auto& d) { return d.q.name == n; }); };
  if (clash(stocks_) || clash(flows_) || clash(auxs_) ||
      std::any_of(input_q_.begin(), input_q_.end(), [&](const Quantity& q) { return q.name == n; }))
    throw InternalError("system model '" + name_ + "': the name '" + n + "' is declared twice");
}

StockId Model::stock(Quantity q, double initial, bool non_negative) {
  check_name(q.name);
  if (!std::isfinite(initial))
    throw ParameterError("system model '" + name_ + "': stock '" + q.name + "' starts at a value that is not a number");
  if (non_negative && initial < 0)
    throw NegativeStock("system model '" + name_ + "': stock '" + q.name + "' (" + q.unit + ") cannot be negative but starts at " +
                        number(initial));
  stocks_.push_back({std::move(q), initial, non_negative});
  x_.conservativeResize(static_cast<Eigen::Index>(stocks_.size()));
  x_[x_.size() - 1] = initial;
  return {static_cast<int>(stocks_.size()) - 1};
}

InputId Model::input(Quantity q, double value) {
  check_name(q.name);
  input_q_.push_back(std::move(q));
  inputs_.push_back(value);
  return {static_cast<int>(inputs_.size()) - 1};
}

AuxId Model::auxiliary(Quantity q, Equation f) {
  check_name(q.name);
  auxs_.push_back({std::move(q), std::move(f)});
  aux_scratch_.resize(auxs_.size());
  return {static_cast<int>(auxs_.size()) - 1};
}

FlowId Model::flow(Quantity q, std::optional<StockId> from, std::optional<StockId> to, Equation rate) {
  check_name(q.name);
  auto valid = [&](const std::optional<StockId>& s) { return !s || (s->index >= 0 && s->index < stocks()); };
  if (!valid(from) || !valid(to)) throw InternalError("system model '" + name_ + "': flow '" + q.name + "' names an unknown stock");
  FlowDef d{std::move(q), std::nullopt, std::nullopt, std::move(rate)};
  if (from) d.from = from->index;
  if (to) d.to = to->index;
  flows_.push_back(std::move(d));
  totals_.conservativeResize(static_cast<Eigen::Index>(flows_.size()));
  totals_[totals_.size() - 1] = 0;
  return {static_cast<int>(flows_.size()) - 1};
}

AuxId Model::delay(Quantity q, Equation in, double delay_months, int order, double initial_output) {
  if (order != 1 && order != 3) throw InternalError("system model '" + name_ + "': delays are of order 1 or 3");
  if (!(delay_months > 0))
    throw ParameterError("system model '" + name_ + "': delay '" + q.name + "' must last more than 0 months, not " + number(delay_months));
  const double stage = delay_months / order;
  std::vector<StockId> s;
  for (int k = 0; k < order; ++k)
    s.push_back(stock({q.name + ".stage" + std::to_string(k + 1), q.unit + " x month", "in transit in " + q.name},
                      initial_output * stage));
  flow({q.name + ".in", q.unit, "entering " + q.name}, std::nullopt, s[0], std::move(in));
  for (int k = 0; k + 1 < order; ++k) {
    const StockId a = s[static_cast<std::size_t>(k)];
    flow({q.name + ".stage" + std::to_string(k + 1) + "_out", q.unit, "between stages of " + q.name}, a, s[static_cast<std::size_t>(k) + 1],
         [a, stage](const View& v) { return v.stock(a) / stage; });
  }
  const StockId last = s.back();
  flow({q.name + ".out", q.unit, "leaving " + q.name}, last, std::nullopt, [last, stage](const View& v) { return v.stock(last) / stage; });
  return auxiliary(std::move(q), [last, stage](const View& v) { return v.stock(last) / stage; });
}

void Model::set_input(InputId i, double value) {
  if (!std::isfinite(value))
    throw InternalError("system model '" + name_ + "': input '" + input_q_[static_cast<std::size_t>(i.index)].name + "' set to a value that is not a number");
  inputs_[static_cast<std::size_t>(i.index)] = value;
}

void Model::set_stock(StockId s, double value) {
  const StockDef& d = stocks_[static_cast<std::size_t>(s.index)];
  if (d.non_negative && value < 0)
    throw NegativeStock("system model '" + name_ + "': stock '" + d.q.name + "' (" + d.q.unit + ") cannot be set to " + number(value));
  x_[s.index] = value;
}

StockId Model::find_stock(const std::string& n) const {
  for (std::size_t k = 0; k < stocks_.size(); ++k)
    if (stocks_[k].q.name == n) return {static_cast<int>(k)};
  throw InternalError("system model '" + name_ + "' has no stock '" + n + "'");
}

void Model::evaluate(double t, const Eigen::VectorXd& x, Eigen::VectorXd& dx, Eigen::VectorXd& flow_rates) const {
  View v;
  v.model_ = this;
  v.x_ = x.data();
  v.aux_ = aux_scratch_.data();
  v.t_ = t;
  for (std::size_t k = 0; k < auxs_.size(); ++k) {
    aux_scratch_[k] = auxs_[k].f(v);
    v.aux_ready_ = static_cast<int>(k) + 1;
  }
  dx.setZero(x.size());
  flow_rates.resize(static_cast<Eigen::Index>(flows_.size()));
  for (std::size_t k = 0; k < flows_.size(); ++k) {
    const double r = flows_[k].rate(v);
    if (!std::isfinite(r))
      throw InternalError("system model '" + name_ + "': flow '" + flows_[k].q.name + "' is not a number at month " + number(t));
    flow_rates[static_cast<Eigen::Index>(k)] = r;
    if (flows_[k].from) dx[*flows_[k].from] -= r;
    if (flows_[k].to) dx[*flows_[k].to] += r;
  }
}

double Model::value(AuxId a) const {
  Eigen::VectorXd dx, fr;
  evaluate(time(), x_, dx, fr);
  return aux_scratch_[static_cast<std::size_t>(a.index)];
}

std::vector<double> Model::auxiliary_values() const {
  Eigen::VectorXd dx, fr;
  evaluate(time(), x_, dx, fr);
  return aux_scratch_;
}

double Model::rate(FlowId f) const {
  Eigen::VectorXd dx, fr;
  evaluate(time(), x_, dx, fr);
  return fr[f.index];
}

void Model::check_stocks(const Eigen::VectorXd& before, const Eigen::VectorXd& flow_rates) const {
  for (std::size_t k = 0; k < stocks_.size(); ++k) {
    const StockDef& d = stocks_[k];
    const auto i = static_cast<Eigen::Index>(k);
    // Rounding may leave a drained stock a few ulps below zero; anything more is an error.
    const double tolerance = 1e-9 * std::max(1.0, std::max(std::abs(d.initial), std::abs(before[i])));
    if (!d.non_negative || x_[i] >= -tolerance) continue;
    std::ostringstream m;
    m << "system model '" << name_ << "': stock '" << d.q.name << "' (" << d.q.unit << ") cannot be negative but fell to "
      << number(x_[i]) << " at month " << number(time()) << " (from " << number(before[i]) << " one step of " << number(dt_)
      << " earlier). Flows in that step:";
    for (std::size_t f = 0; f < flows_.size(); ++f) {
      const FlowDef& fl = flows_[f];
      const bool in = fl.to && *fl.to == static_cast<int>(k), out = fl.from && *fl.from == static_cast<int>(k);
      if (in || out) m << " " << (in ? "+" : "-") << fl.q.name << " " << number(flow_rates[static_cast<Eigen::Index>(f)]) << "/month;";
    }
    m << " check the parameters that drive these flows, or use a smaller time step";
    throw NegativeStock(m.str());
  }
}

void Model::step() {
  const double t = time();
  const Eigen::VectorXd before = x_;
  Eigen::VectorXd k1, k2, k3, k4, f1, f2, f3, f4, weighted;
  evaluate(t, x_, k1, f1);
  if (method_ == Method::euler) {
    x_ += dt_ * k1;
    weighted = f1;
  } else {
    evaluate(t + dt_ / 2, before + dt_ / 2 * k1, k2, f2);
    evaluate(t + dt_ / 2, before + dt_ / 2 * k2, k3, f3);
    evaluate(t + dt_, before + dt_ * k3, k4, f4);
    x_ = before + dt_ / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
    weighted = (f1 + 2 * f2 + 2 * f3 + f4) / 6;
  }
  ++steps_;
  totals_ += dt_ * weighted;
  check_stocks(before, weighted);
}

void Model::advance(double months) {
  const double n = months / dt_;
  const long whole = std::lround(n);
  if (whole < 0 || std::abs(n - static_cast<double>(whole)) > 1e-9 * std::max(1.0, n))
    throw InternalError("system model '" + name_ + "': cannot advance " + number(months) + " months in steps of " + number(dt_));
  for (long k = 0; k < whole; ++k) step();
}

}  // namespace shiftsim::model::sd
