// The stock-and-flow engine against closed-form solutions. Tolerances follow from the
// methods' known global errors: Euler's is O(h), RK4's O(h^4); each bound below is a few
// times the leading error term for the step used, so a wrong stage weight or a flow
// applied with the wrong sign fails by orders of magnitude.
#include "model/system/stock_flow.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace shiftsim;
using namespace shiftsim::model::sd;

namespace {

double decay_error(double dt, Method m) {
  // dS/dt = -k S, S(0) = 100: S(t) = 100 e^{-kt}. Error at t = 12 months.
  Model model("decay", dt, m);
  const double k = 0.15;
  const StockId s = model.stock({"s", "people", ""}, 100.0);
  model.flow({"out", "people/month", ""}, s, std::nullopt, [s, k](const View& v) { return k * v.stock(s); });
  model.advance(12.0);
  return std::abs(model.value(s) - 100.0 * std::exp(-k * 12.0));
}

}  // namespace

TEST_CASE("sd: exponential decay matches the closed form, and Euler error is O(h), RK4 error O(h^4)") {
  // Euler: global error ~ (k^2 t / 2) S(t) h = 0.15^2*12/2*16.5*h = 2.2 h.
  CHECK(decay_error(0.25, Method::euler) < 0.7);
  CHECK(decay_error(0.25, Method::euler) > 0.2);  // and not smaller: it is Euler
  const double e1 = decay_error(1.0, Method::euler), e2 = decay_error(0.5, Method::euler);
  CHECK(e1 / e2 == doctest::Approx(2.0).epsilon(0.1));
  // RK4 at h = 0.25: error ~ k^5 t h^4 S(t) / 120 = 6e-7; halving h divides it by 16.
  const double r1 = decay_error(1.0, Method::rk4), r2 = decay_error(0.5, Method::rk4), r3 = decay_error(0.25, Method::rk4);
  CHECK(r3 < 1e-5);
  CHECK(r1 / r2 == doctest::Approx(16.0).epsilon(0.1));
  CHECK(r2 / r3 == doctest::Approx(16.0).epsilon(0.1));
}

TEST_CASE("sd: logistic growth matches the closed form") {
  // dN/dt = r N (1 - N/K): N(t) = K / (1 + (K/N0 - 1) e^{-rt}).
  const double r = 0.2, K = 1000, N0 = 10;
  Model model("logistic", 0.25, Method::rk4);
  const StockId n = model.stock({"n", "members", ""}, N0);
  model.flow({"growth", "members/month", ""}, std::nullopt, n, [=](const View& v) { return r * v.stock(n) * (1 - v.stock(n) / K); });
  for (int month = 1; month <= 48; ++month) {
    model.advance(1.0);
    const double exact = K / (1 + (K / N0 - 1) * std::exp(-r * month));
    CHECK(model.value(n) == doctest::Approx(exact).epsilon(1e-5));  // RK4 at h = 0.25: relative error ~1e-7
  }
}

TEST_CASE("sd: Bass diffusion matches the closed form") {
  // dA/dt = (p + q A/M)(M - A), A(0) = 0: F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}).
  const double p = 0.03 / 12, q = 0.38 / 12, M = 500000;  // Sultan, Farley & Lehmann (1990) mean coefficients, per month
  Model model("bass", 0.25, Method::rk4);
  const StockId a = model.stock({"adopters", "adults", ""}, 0.0);
  model.flow({"adoption", "adults/month", ""}, std::nullopt, a,
             [=](const View& v) { return (p + q * v.stock(a) / M) * (M - v.stock(a)); });
  for (int month = 12; month <= 240; month += 12) {
    model.advance(12.0);
    const double e = std::exp(-(p + q) * month);
    const double exact = M * (1 - e) / (1 + q / p * e);
    CHECK(model.value(a) == doctest::Approx(exact).epsilon(1e-6));
  }
}

TEST_CASE("sd: a first-order delay's step response is 1 - e^{-t/T}, and a third-order delay's is the Erlang-3 CDF") {
  const double T = 6.0;
  Model model("delays", 0.05, Method::rk4);
  const InputId in = model.input({"in", "people/month", ""}, 0.0);
  const AuxId d1 = model.delay({"d1", "people/month", ""}, [in](const View& v) { return v.input(in); }, T, 1, 0.0);
  const AuxId d3 = model.delay({"d3", "people/month", ""}, [in](const View& v) { return v.input(in); }, T, 3, 0.0);
  model.set_input(in, 100.0);  // step at t = 0
  for (int month = 1; month <= 36; ++month) {
    model.advance(1.0);
    const double t = month;
    CHECK(model.value(d1) == doctest::Approx(100 * (1 - std::exp(-t / T))).epsilon(1e-6));
    const double x = 3 * t / T;
    CHECK(model.value(d3) == doctest::Approx(100 * (1 - std::exp(-x) * (1 + x + x * x / 2))).epsilon(1e-5));
  }
  // Conservation through the delay: what went in is in transit or has come out.
  const double in_total = 100.0 * 36;
  double in_transit = 0;
  for (int k = 0; k < model.stocks(); ++k)
    if (model.stock_info(k).name.rfind("d1.", 0) == 0) in_transit += model.state()[k];
  double out_total = 0;
  for (int f = 0; f < model.flows(); ++f)
    if (model.flow_info(f).name == "d1.out") out_total = model.total({f});
  CHECK(in_transit + out_total == doctest::Approx(in_total).epsilon(1e-9));
}

TEST_CASE("sd: lookups interpolate linearly and hold their end values, and bad tables are refused") {
  const Lookup l("occupancy effect", {{0.85, 1.0}, {0.95, 1.2}, {1.05, 1.6}});
  CHECK(l(0.5) == 1.0);
  CHECK(l(0.90) == doctest::Approx(1.1));
  CHECK(l(1.00) == doctest::Approx(1.4));
  CHECK(l(2.00) == 1.6);
  CHECK_THROWS_WITH_AS(Lookup("x", {{1, 1}}), doctest::Contains("at least two points"), ParameterError);
  CHECK_THROWS_WITH_AS(Lookup("x", {{1, 1}, {1, 2}}), doctest::Contains("increase strictly"), ParameterError);
  CHECK_THROWS_WITH_AS(Lookup("x", {{1, 1}, {2, NAN}}), doctest::Contains("not a finite number"), ParameterError);
}

TEST_CASE("sd: a stock that must not be negative is reported by name when a flow drains it") {
  Model model("Fylde Coast", 0.25, Method::euler);
  const StockId w = model.stock({"social_care.workforce", "care workers", ""}, 100.0);
  model.flow({"attrition", "care workers/month", ""}, w, std::nullopt, [](const View&) { return 30.0; });
  model.advance(3.0);  // 100 - 90 = 10 left
  CHECK(model.value(w) == doctest::Approx(10.0));
  CHECK_THROWS_WITH_AS(model.advance(1.0),
                       doctest::Contains("stock 'social_care.workforce' (care workers) cannot be negative but fell to -5 at month 3.5 (from 2.5"),
                       NegativeStock);
  // A stock allowed to be negative (a balance) is not checked.
  Model money("money", 1.0, Method::euler);
  const StockId b = money.stock({"balance", "GBP", ""}, 0.0, false);
  money.flow({"spend", "GBP/month", ""}, b, std::nullopt, [](const View&) { return 5.0; });
  money.advance(2.0);
  CHECK(money.value(b) == -10.0);
}

TEST_CASE("sd: auxiliaries are evaluated in order, and flow totals account for every change of every stock") {
  Model model("accounts", 0.5, Method::rk4);
  const StockId a = model.stock({"a", "GBP", ""}, 50.0);
  const StockId b = model.stock({"b", "GBP", ""}, 0.0);
  const AuxId half = model.auxiliary({"half_a", "GBP", ""}, [a](const View& v) { return v.stock(a) / 2; });
  const AuxId quarter = model.auxiliary({"quarter_a", "GBP", ""}, [half](const View& v) { return v.aux(half) / 2; });
  const FlowId in = model.flow({"income", "GBP/month", ""}, std::nullopt, a, [](const View& v) { return 10.0 + v.time(); });
  const FlowId move = model.flow({"transfer", "GBP/month", ""}, a, b, [quarter](const View& v) { return v.aux(quarter) * 0.1; });
  const FlowId out = model.flow({"spend", "GBP/month", ""}, b, std::nullopt, [b](const View& v) { return 0.2 * v.stock(b); });
  for (int month = 0; month < 24; ++month) {
    const double a0 = model.value(a), b0 = model.value(b);
    model.reset_totals();
    model.advance(1.0);
    CHECK(model.value(a) - a0 == doctest::Approx(model.total(in) - model.total(move)).epsilon(1e-12));
    CHECK(model.value(b) - b0 == doctest::Approx(model.total(move) - model.total(out)).epsilon(1e-12));
  }
  // Reading an auxiliary declared later is a programming error, reported by name.
  Model bad("bad", 1.0);
  AuxId later{1};
  bad.auxiliary({"first", "x", ""}, [later](const View& v) { return v.aux(later); });
  bad.auxiliary({"second", "x", ""}, [](const View&) { return 1.0; });
  CHECK_THROWS_WITH_AS(bad.step(), doctest::Contains("'second' was read before it was evaluated"), InternalError);
  CHECK_THROWS_WITH_AS(bad.auxiliary({"first", "x", ""}, [](const View&) { return 0.0; }), doctest::Contains("declared twice"),
                       InternalError);
}
