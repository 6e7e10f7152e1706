// A small stock-and-flow (system dynamics) engine, in the style of Vensim models: named
// stocks, flows and auxiliaries with units, exogenous inputs, first- and third-order delays,
// and lookups (piecewise-linear tables). The state is an Eigen vector integrated on a fixed
// time step by Euler or classical fourth-order Runge-Kutta.
//
// Time is in months. Auxiliaries are evaluated in the order they are declared (an auxiliary
// may read stocks, inputs and earlier auxiliaries); flows are then evaluated and each stock's
// rate of change is the sum of its inflows minus its outflows. Each flow's integral over the
// steps taken since `reset_totals` is kept with the same weights the integrator used, so
// that for every stock, change = inflow totals - outflow totals holds to rounding.
#pragma once

#include "model/core/errors.hpp"

#include <Eigen/Core>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace shiftsim::model::sd {

enum class Method { euler, rk4 };

/// A stock that must not be negative fell below zero. The message names the model, the
/// stock, its unit, the time, the value and the flows that moved it in the failing step.
class NegativeStock : public shiftsim::Error {
 public:
  using Error::Error;
};

/// A piecewise-linear table y(x), held constant beyond its first and last points (Vensim's
/// WITH LOOKUP). Points must be finite, at least two, with x strictly increasing.
class Lookup {
 public:
  Lookup() = default;
  Lookup(std::string name, std::vector<std::pair<double, double>> points);
  double operator()(double x) const;
  const std::string& name() const { return name_; }
  const std::vector<std::pair<double, double>>& points() const { return points_; }

 private:
  std::string name_;
  std::vector<std::pair<double, double>> points_;
};

struct StockId { int index = -1; };
struct FlowId { int index = -1; };
struct AuxId { int index = -1; };
struct InputId { int index = -1; };

class Model;

/// What an equation can read while the model is being evaluated at one point.
class View {
 public:
  double stock(StockId s) const;
  double aux(AuxId a) const;
  double input(InputId i) const;
  double time() const { return t_; }

 private:
  friend class Model;
  const Model* model_ = nullptr;
  const double* x_ = nullptr;
  const double* aux_ = nullptr;
  int aux_ready_ = 0;  // auxiliaries evaluated so far at this point
  double t_ = 0;
};

using Equation = std::function<double(const View&)>;

struct Quantity {
  std::string name, unit, description;
};

class Model {
 public:
  /// `dt` in months, with 1/dt a whole number of steps per month or finer (see advance()).
  Model(std::string name, double dt, Method method = Method::euler);

  StockId stock(Quantity q, double initial, bool non_negative = true);
  InputId input(Quantity q, double value = 0);
  AuxId auxiliary(Quantity q, Equation f);
  /// A flow out of `from` (none: a source) into `to` (none: a sink), per month. A negative
  /// rate moves the quantity the other way.
  FlowId flow(Quantity q, std::optional<StockId> from, std::optional<StockId> to, Equation rate);
  /// Vensim DELAY1 (order 1) or DELAY3 (order 3) of `in` with mean delay `delay_months`,
  /// starting in equilibrium at `initial_output`. Adds `order` stocks; returns the output.
  AuxId delay(Quantity q, Equation in, double delay_months, int order, double initial_output);

  void set_input(InputId i, double value);
  /// Replaces a stock's value between steps (a shock or an external transfer).
  void set_stock(StockId s, double value);

  /// One step of dt.
  void step();
  /// Steps until `months` have passed; `months` must be a whole number of steps.
  void advance(double months);

  double time() const { return static_cast<double>(steps_) * dt_; }
  double dt() const { return dt_; }
  Method method() const { return method_; }
  const std::string& name() const { return name_; }
  const Eigen::VectorXd& state() const { return x_; }
  double value(StockId s) const { return x_[s.index]; }
  /// An auxiliary or flow evaluated at the current state and time.
  double value(AuxId a) const;
  double rate(FlowId f) const;
  /// Every auxiliary at the current state and time, in declaration order (one evaluation).
  std::vector<double> auxiliary_values() const;
  double input_value(InputId i) const { return inputs_[static_cast<std::size_t>(i.index)]; }
  /// Integral of the flow over the steps since the last reset (in the flow's unit x months).
  double total(FlowId f) const { return totals_[f.index]; }
  void reset_totals() { totals_.setZero(); }

  int stocks() const { return static_cast<int>(stocks_.size()); }
  int flows() const { return static_cast<int>(flows_.size()); }
  int auxiliaries() const { return static_cast<int>(auxs_.size()); }
  const Quantity& stock_info(int k) const { return stocks_[static_cast<std::size_t>(k)].q; }
  const Quantity& flow_info(int k) const { return flows_[static_cast<std::size_t>(k)].q; }
  const Quantity& aux_info(int k) const { return auxs_[static_cast<std::size_t>(k)].q; }
  std::optional<int> flow_from(int k) const { return flows_[static_cast<std::size_t>(k)].from; }
  std::optional<int> flow_to(int k) const { return flows_[static_cast<std::size_t>(k)].to; }
  StockId find_stock(const std::string& name) const;

 private:
  friend class View;
  struct StockDef {
    Quantity q;
    double initial;
    bool non_negative;
  };
  struct FlowDef {
    Quantity q;
    std::optional<int> from, to;
    Equation rate;
  };
  struct AuxDef {
    Quantity q;
    Equation f;
  };
  /// Rates of change and flow rates at (t, x).
  void evaluate(double t, const Eigen::VectorXd& x, Eigen::VectorXd& dx, Eigen::VectorXd& flow_rates) const;
  void check_name(const std::string& name) const;
  void check_stocks(const Eigen::VectorXd& before, const Eigen::VectorXd& flow_rates) const;

  std::string name_;
  double dt_;
  Method method_;
  long steps_ = 0;
  std::vector<StockDef> stocks_;
  std::vector<FlowDef> flows_;
  std::vector<AuxDef> auxs_;
  std::vector<Quantity> input_q_;
  std::vector<double> inputs_;
  Eigen::VectorXd x_;
  Eigen::VectorXd totals_;
  mutable std::vector<double> aux_scratch_;
};

}  // namespace shiftsim::model::sd
