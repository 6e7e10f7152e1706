#include "model/core/distribution.hpp"

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>

#include <cmath>
#include <map>
#include <sstream>

namespace shiftsim::model {

const char* kind_name(Distribution::Kind k) {
  switch (k) {
    case Distribution::Kind::fixed: return "fixed";
    case Distribution::Kind::normal: return "normal";
    case Distribution::Kind::lognormal: return "lognormal";
    case Distribution::Kind::beta: return "beta";
    case Distribution::Kind::gamma: return "gamma";
    case Distribution::Kind::triangular: return "triangular";
    case Distribution::Kind::uniform: return "uniform";
  }
  return "?";
}

std::optional<Distribution::Kind> kind_from_name(const std::string& n) {
  for (auto k : {Distribution::Kind::fixed, Distribution::Kind::normal, Distribution::Kind::lognormal,
                 Distribution::Kind::beta, Distribution::Kind::gamma, Distribution::Kind::triangular,
                 Distribution::Kind::uniform})
    if (n == kind_name(k)) return k;
  return std::nullopt;
}

double Distribution::mean() const {
  switch (kind) {
    case Kind::fixed:
    case Kind::normal:
    case Kind::lognormal: return a;
    case Kind::beta: return a / (a + b);
    case Kind::gamma: return a * b;
    case Kind::triangular: return (a + b + c) / 3.0;
    case Kind::uniform: return 0.5 * (a + b);
  }
  return a;
}

double Distribution::quantile(double u) const {
  using namespace boost::math;
  switch (kind) {
    case Kind::fixed: return a;
    case Kind::normal: return boost::math::quantile(normal_distribution<>(a, b), u);
    case Kind::lognormal: {
      // Parameters of log(X) from the mean and sd of X.
      const double s2 = std::log1p((b * b) / (a * a));
      return boost::math::quantile(lognormal_distribution<>(std::log(a) - 0.5 * s2, std::sqrt(s2)), u);
    }
    case Kind::beta: return boost::math::quantile(beta_distribution<>(a, b), u);
    case Kind::gamma: return boost::math::quantile(gamma_distribution<>(a, b), u);
    case Kind::triangular: {
      const double f = (b - a) / (c - a);
      return u < f ? a + std::sqrt(u * (c - a) * (b - a)) : c - std::sqrt((1 - u) * (c - a) * (c - b));
    }
    case Kind::uniform: return a + u * (b - a);
  }
  return a;
}

namespace {
std::string num(double x) {
  std::ostringstream o;
  o << x;
  return o.str();
}
}  // namespace

std::optional<std::string> Distribution::problem() const {
  auto finite = [](double x) { return std::isfinite(x); };
  if (!finite(a) || !finite(b) || !finite(c)) return std::string("its parameters must be finite numbers");
  switch (kind) {
    case Kind::fixed: return std::nullopt;
    case Kind::normal:
      if (!(b > 0)) return "sd is " + num(b) + ", but must be positive";
      return std::nullopt;
    case Kind::lognormal:
      if (!(a > 0)) return "mean is " + num(a) + ", but must be positive for a lognormal";
      if (!(b > 0)) return "sd is " + num(b) + ", but must be positive";
      return std::nullopt;
    case Kind::beta:
      if (!(a > 0) || !(b > 0)) return "alpha is " + num(a) + " and beta is " + num(b) + ", but both must be positive";
      return std::nullopt;
    case Kind::gamma:
      if (!(a > 0) || !(b > 0)) return "shape is " + num(a) + " and scale is " + num(b) + ", but both must be positive";
      return std::nullopt;
    case Kind::triangular:
      if (!(a <= b && b <= c && a < c)) return "min " + num(a) + ", mode " + num(b) + ", max " + num(c) + ": must have min <= mode <= max and min < max";
      return std::nullopt;
    case Kind::uniform:
      if (!(a < b)) return "min " + num(a) + ", max " + num(b) + ": must have min < max";
      return std::nullopt;
  }
  return std::nullopt;
}

std::string Distribution::to_string() const {
  std::ostringstream out;
  switch (kind) {
    case Kind::fixed: out << a; break;
    case Kind::normal: out << "normal(mean=" << a << ", sd=" << b << ")"; break;
    case Kind::lognormal: out << "lognormal(mean=" << a << ", sd=" << b << ")"; break;
    case Kind::beta: out << "beta(alpha=" << a << ", beta=" << b << ")"; break;
    case Kind::gamma: out << "gamma(shape=" << a << ", scale=" << b << ")"; break;
    case Kind::triangular: out << "triangular(min=" << a << ", mode=" << b << ", max=" << c << ")"; break;
    case Kind::uniform: out << "uniform(min=" << a << ", max=" << b << ")"; break;
  }
  return out.str();
}

std::optional<Distribution> Distribution::parse(const std::string& text, std::string* error) {
  std::istringstream in(text);
  std::string name;
  in >> name;
  auto fail = [&](const std::string& why) -> std::optional<Distribution> {
    if (error) *error = why;
    return std::nullopt;
  };
  if (name.empty() || name == "none") return Distribution{};
  const auto kind = kind_from_name(name);
  if (!kind) return fail("'" + name + "' is not a distribution (fixed, normal, lognormal, beta, gamma, triangular, uniform)");
  std::map<std::string, double> args;
  for (std::string tok; in >> tok;) {
    const auto eq = tok.find('=');
    if (eq == std::string::npos) return fail("'" + tok + "' must look like name=value");
    try {
      args[tok.substr(0, eq)] = std::stod(tok.substr(eq + 1));
    } catch (const std::exception&) {
      return fail("'" + tok + "' has no number after '='");
    }
  }
  auto need = [&](const char* k, double& out) {
    if (!args.count(k)) return false;
    out = args[k];
    return true;
  };
  Distribution d;
  d.kind = *kind;
  bool ok = true;
  switch (d.kind) {
    case Distribution::Kind::fixed: ok = need("value", d.a); break;
    case Distribution::Kind::normal:
    case Distribution::Kind::lognormal: ok = need("mean", d.a) && need("sd", d.b); break;
    case Distribution::Kind::beta: ok = need("alpha", d.a) && need("beta", d.b); break;
    case Distribution::Kind::gamma: ok = need("shape", d.a) && need("scale", d.b); break;
    case Distribution::Kind::triangular: ok = need("min", d.a) && need("mode", d.b) && need("max", d.c); break;
    case Distribution::Kind::uniform: ok = need("min", d.a) && need("max", d.b); break;
  }
  if (!ok) return fail("'" + text + "' lacks a parameter of the " + name + " distribution");
  if (auto p = d.problem()) return fail(*p);
  return d;
}

}  // namespace shiftsim::model
