// The HTML report (see report.hpp). Everything on the page is read from the comparison
// document (document.hpp): summaries over replicates for the tables and the bands of the
// charts, per-replicate horizon values for the distributions and the equity-efficiency
// plane. Charts are inline SVG drawn here, so the file needs no network, no fonts and no
// scripts to be read; a few lines of script only mark how many charts the browser laid out
// (for the headless-browser test) and open the collapsed sections before printing.
#include "results/report.hpp"

#include "results/economics.hpp"

#include "results/comparison.hpp"
#include "results/format.hpp"
#include "results/view.hpp"
#include "results/spend.hpp"
#include "results/report_css.hpp"  // generated from results/report/report.css
#include "results/report_js.hpp"   // generated from results/report/report.js

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace shiftsim::results {

using nlohmann::json;

const char* report_stylesheet() { return kCss; }
const char* report_script() { return kScript; }

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

const std::string kMinus = "\xE2\x88\x92";  // U+2212: a true minus sign, as in print
const std::string kEnDash = "\xE2\x80\x93";
const std::string kNoValue = "\xE2\x80\x94";  // em dash: "no figure"

// ---------------------------------------------------------------------------------------
// Reading the document defensively: a report of a partial document should still be written,
// with "not available" where a figure is missing, rather than fail.

const json& member(const json& j, const char* key) {
  static const json null_value;
  if (!j.is_object()) return null_value;
  const auto it = j.find(key);
  return it == j.end() ? null_value : *it;
}

const json& array_member(const json& j, const char* key) {
  static const json empty = json::array();
  const json& m = member(j, key);
  return m.is_array() ? m : empty;
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string text(const json& j, const char* key) {
  const json& m = member(j, key);
  if (m.is_string()) return m.get<std::string>();
  if (m.is_null()) return {};
  return dump(m);
}

std::optional<double> number_of(const json& j) {
  if (!j.is_number()) return std::nullopt;
  const double x = j.get<double>();
  return std::isfinite(x) ? std::optional<double>(x) : std::nullopt;
}

std::optional<double> number(const json& j, const char* key) { return number_of(member(j, key)); }

// ---------------------------------------------------------------------------------------
// Number formatting.

std::string fixed(double x, int decimals) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", decimals, x);
  return b;
}

/// Decimals that show about `significant` significant digits of a number of this magnitude.
int decimals_for(double magnitude, int significant = 3) {
  if (!(magnitude > 0) || !std::isfinite(magnitude)) return 0;
  const int d = significant - 1 - static_cast<int>(std::floor(std::log10(magnitude)));
  return std::clamp(d, 0, 3);
}

/// |x| with thousands separators, signed with a true minus sign unless it rounds to zero.
std::string grouped(double x, int decimals) { return results::grouped(x, decimals, kMinus); }

/// A parameter value as it was given: whole numbers grouped, others to six significant
/// digits without trailing zeros.
std::string plain_number(double x) {
  if (x == std::round(x) && std::fabs(x) < 1e15) return grouped(x, 0);
  if (std::fabs(x) >= 1000) return grouped(x, 2);
  char b[64];
  std::snprintf(b, sizeof b, "%.6g", std::fabs(x));
  return (x < 0 ? kMinus : std::string()) + b;
}

std::string money(double x) { return results::money(x, MoneyStyle::page); }

/// What a figure measures, which decides how it is written.
enum class Kind { gbp, ratio, probability, count, years, percent, plain };

/// How the report writes a figure of a headline's kind.
Kind kind_of(Figure f) {
  switch (f) {
    case Figure::money: return Kind::gbp;
    case Figure::ratio: return Kind::ratio;
    case Figure::probability: return Kind::probability;
    case Figure::count: return Kind::count;
    case Figure::years: return Kind::years;
    case Figure::percent: return Kind::percent;
    case Figure::year: return Kind::plain;
  }
  return Kind::plain;
}

/// A formatter for figures of one kind and about this magnitude, so that a mean and its
/// interval are written in the same unit ("£1.2m (90% interval £0.8m to £1.6m)").
std::function<std::string(double)> formatter(Kind kind, double magnitude) {
  switch (kind) {
    case Kind::gbp: {
      const MoneyUnit u = money_unit(magnitude);
      return [u](double x) { return money_in(x, u); };
    }
    case Kind::ratio: return [](double x) { return (x < 0 ? kMinus : std::string()) + "\xC2\xA3" + fixed(std::fabs(x), 2); };
    case Kind::probability: return [](double x) { return fixed(100 * x, 0) + "%"; };
    case Kind::percent: {
      const int d = std::max(1, decimals_for(magnitude, 2));
      return [d](double x) { return grouped(x, d) + "%"; };
    }
    case Kind::years: {
      const int d = std::max(1, decimals_for(magnitude, 3));
      return [d](double x) { return grouped(x, d); };
    }
    case Kind::count: {
      // Whole numbers from ten up: simulated people and events are counted, not measured.
      const int d = magnitude >= 10 ? 0 : magnitude >= 1 ? 1 : 2;
      return [d](double x) { return grouped(x, d); };
    }
    case Kind::plain: {
      const int d = decimals_for(magnitude, 3);
      return [d](double x) { return grouped(x, d); };
    }
  }
  return [](double x) { return grouped(x, 2); };
}

/// "FY2021/22" for financial year 2021.
std::string financial_year(double year) { return financial_year_label(static_cast<int>(std::lround(year))); }

const char* kMonths[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
const char* kMonthNames[12] = {"January", "February", "March",     "April",   "May",      "June",
                               "July",    "August",   "September", "October", "November", "December"};

/// Months in a period labelled like "FY2018/19 (Jul-Mar)" (a part year) or "FY2019/20" (12).
int months_of_period(const std::string& label) {
  const auto open = label.find(" (");
  if (open == std::string::npos || label.size() < open + 10) return 12;
  const std::string a = label.substr(open + 2, 3), b = label.substr(open + 6, 3);
  int ia = -1, ib = -1;
  for (int m = 0; m < 12; ++m) {
    if (a == kMonths[m]) ia = m;
    if (b == kMonths[m]) ib = m;
  }
  if (ia < 0 || ib < 0) return 12;
  return (ib - ia + 12) % 12 + 1;
}

/// Axis labels of a period: {"2018/19", "Jul-Mar"}.
std::pair<std::string, std::string> period_axis_label(const std::string& label) {
  std::string main = label, sub;
  const auto open = label.find(" (");
  if (open != std::string::npos) {
    main = label.substr(0, open);
    sub = label.substr(open + 2);
    if (!sub.empty() && sub.back() == ')') sub.pop_back();
    const auto dash = sub.find('-');
    if (dash != std::string::npos) sub = sub.substr(0, dash) + kEnDash + sub.substr(dash + 1);
  }
  if (main.rfind("FY", 0) == 0) main = main.substr(2);
  return {main, sub};
}

/// Shortens a label to about `max_chars` characters for a chart, at a UTF-8 character
/// boundary (before escaping, so that no entity is cut).
std::string shorten(const std::string& s, std::size_t max_chars) {
  if (s.size() <= max_chars) return s;
  std::size_t cut = max_chars - 1;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "\xE2\x80\xA6";
}

// ---------------------------------------------------------------------------------------
// The document's figures, indexed.

using Arm = ArmView;

double magnitude_of(const Stat& s) {
  double m = 0;
  for (const auto& v : {s.mean, s.median, s.p05, s.p95})
    if (v) m = std::max(m, std::fabs(*v));
  return m;
}

/// "£1.2m (90% interval £0.8m to £1.6m)".
std::string with_interval(const Stat* s, Kind kind) {
  if (!s || !s->mean) return "not available";
  const auto f = formatter(kind, magnitude_of(*s));
  std::string out = f(*s->mean);
  if (s->interval_shown()) out += " (90% interval " + f(*s->p05) + " to " + f(*s->p95) + ")";
  else if (s->mcse && s->n > 1) out += " (standard error " + f(*s->mcse) + " over " + std::to_string(s->n) + " replicates)";
  return out;
}

std::string mean_text(const Stat* s, Kind kind) {
  if (!s || !s->mean) return kNoValue;
  return formatter(kind, magnitude_of(*s))(*s->mean);
}

std::string interval_text(const Stat* s, Kind kind) {
  if (!s) return kNoValue;
  const auto f = formatter(kind, magnitude_of(*s));
  // Too few replicates for a 90% interval (kMinIntervalReplicates): the mean's standard error.
  if (!s->interval_shown()) return s->mcse && s->n > 1 ? "s.e. " + f(*s->mcse) : kNoValue;
  return f(*s->p05) + " to " + f(*s->p95);
}

// ---------------------------------------------------------------------------------------
// SVG charts. Each is an <svg class="chart" data-chart="kind"> with a <title>, axes with tick
// labels and units, a legend, and 5th-95th percentile bands where there are intervals.

std::string num(double x) { return fixed(x, 1); }

struct Axis {
  double lo = 0, hi = 1, step = 1;
  std::vector<double> ticks;
};

/// An axis with "nice" ticks (1, 2 or 5 times a power of ten) covering [lo, hi].
Axis nice_axis(double lo, double hi, bool include_zero, int target = 5) {
  if (include_zero) {
    lo = std::min(lo, 0.0);
    hi = std::max(hi, 0.0);
  }
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (hi - lo <= 0) {
    const double pad = std::max(std::fabs(lo) * 0.1, 1e-9) + (lo == 0 ? 1.0 : 0.0);
    lo -= pad;
    hi += pad;
  }
  const double raw = (hi - lo) / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  const double step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  Axis a;
  a.step = step;
  a.lo = std::floor(lo / step + 1e-9) * step;
  a.hi = std::ceil(hi / step - 1e-9) * step;
  if (a.hi <= a.lo) a.hi = a.lo + step;
  for (double t = a.lo; t <= a.hi + step * 1e-6; t += step) a.ticks.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
  return a;
}

/// Tick labels of one axis: the unit chosen from the largest tick, enough decimals to tell
/// neighbouring ticks apart.
std::function<std::string(double)> tick_formatter(Kind kind, const Axis& a) {
  const double m = std::max(std::fabs(a.lo), std::fabs(a.hi));
  switch (kind) {
    case Kind::gbp: {
      MoneyUnit u = money_unit(m);
      u.decimals = std::clamp(static_cast<int>(std::ceil(-std::log10(a.step / u.divisor) - 1e-9)), 0, 3);
      return [u](double x) { return money_in(x, u); };
    }
    case Kind::probability: return [](double x) { return fixed(100 * x, 0) + "%"; };
    case Kind::ratio: {
      const int d = std::clamp(static_cast<int>(std::ceil(-std::log10(a.step) - 1e-9)), 0, 3);
      return [d](double x) { return (x < 0 ? kMinus : std::string()) + "\xC2\xA3" + fixed(std::fabs(x), d); };
    }
    default: {
      if (m >= 1e6) {
        const int d = std::clamp(static_cast<int>(std::ceil(-std::log10(a.step / 1e6) - 1e-9)), 0, 3);
        return [d](double x) { return grouped(x / 1e6, d) + "m"; };
      }
      if (m >= 1e4) {
        const int d = std::clamp(static_cast<int>(std::ceil(-std::log10(a.step / 1e3) - 1e-9)), 0, 3);
        return [d](double x) { return grouped(x / 1e3, d) + "k"; };
      }
      const int d = std::clamp(static_cast<int>(std::ceil(-std::log10(a.step) - 1e-9)), 0, 4);
      const bool pct = kind == Kind::percent;
      return [d, pct](double x) { return grouped(x, d) + (pct ? "%" : ""); };
    }
  }
}

struct LegendItem {
  std::string label, colour;
  enum Style { line_band, swatch, point, dashed_line } style = line_band;
};

constexpr double kWidth = 760;

/// Draws a legend from (x, y) within `width`, wrapping; returns its height.
double draw_legend(std::string& s, const std::vector<LegendItem>& items, double x0, double y0, double width) {
  if (items.empty()) return 0;
  double x = x0, y = y0;
  const double row = 18;
  s += "<g class=\"legend\">";
  for (const auto& it : items) {
    const std::string label = shorten(it.label, 70);
    const double w = 30 + 7.0 * static_cast<double>(label.size());
    if (x > x0 && x + w > x0 + width) {
      x = x0;
      y += row;
    }
    const double cy = y + 9;
    switch (it.style) {
      case LegendItem::line_band:
        s += "<rect x=\"" + num(x) + "\" y=\"" + num(cy - 6) + "\" width=\"22\" height=\"12\" fill=\"" + it.colour +
             "\" fill-opacity=\"0.18\"/>";
        s += "<line x1=\"" + num(x) + "\" y1=\"" + num(cy) + "\" x2=\"" + num(x + 22) + "\" y2=\"" + num(cy) + "\" stroke=\"" +
             it.colour + "\" stroke-width=\"2.5\"/>";
        break;
      case LegendItem::dashed_line:
        s += "<rect x=\"" + num(x) + "\" y=\"" + num(cy - 6) + "\" width=\"22\" height=\"12\" fill=\"" + it.colour +
             "\" fill-opacity=\"0.18\"/>";
        s += "<line x1=\"" + num(x) + "\" y1=\"" + num(cy) + "\" x2=\"" + num(x + 22) + "\" y2=\"" + num(cy) + "\" stroke=\"" +
             it.colour + "\" stroke-width=\"2.5\" stroke-dasharray=\"5 3\"/>";
        break;
      case LegendItem::swatch:
        s += "<rect x=\"" + num(x + 4) + "\" y=\"" + num(cy - 6) + "\" width=\"14\" height=\"12\" fill=\"" + it.colour + "\"/>";
        break;
      case LegendItem::point:
        s += "<circle cx=\"" + num(x + 11) + "\" cy=\"" + num(cy) + "\" r=\"4.5\" fill=\"" + it.colour +
             "\" fill-opacity=\"0.75\"/>";
        break;
    }
    s += "<text x=\"" + num(x + 28) + "\" y=\"" + num(cy + 4) + "\">" + html_escape(label) + "</text>";
    x += w + 14;
  }
  s += "</g>";
  return y - y0 + row;
}

std::string svg_open(const std::string& id, const std::string& kind, const std::string& title, const std::string& desc,
                     double h) {
  return "<svg class=\"chart\" id=\"" + id + "\" data-chart=\"" + kind + "\" viewBox=\"0 0 " + num(kWidth) + " " + num(h) +
         "\" width=\"" + num(kWidth) + "\" height=\"" + num(h) + "\" role=\"img\" aria-labelledby=\"" + id + "-title " + id +
         "-desc\"><title id=\"" + id + "-title\">" + html_escape(title) + "</title><desc id=\"" + id + "-desc\">" +
         html_escape(desc) + "</desc>";
}

/// Horizontal grid lines and y tick labels, and the rotated y-axis title.
void draw_y_axis(std::string& s, const Axis& a, Kind kind, double left, double right, double top, double height,
                 const std::string& y_title, const std::function<double(double)>& Y) {
  const auto f = tick_formatter(kind, a);
  for (double t : a.ticks) {
    const double y = Y(t);
    s += "<line class=\"grid\" x1=\"" + num(left) + "\" y1=\"" + num(y) + "\" x2=\"" + num(right) + "\" y2=\"" + num(y) + "\"/>";
    s += "<text class=\"tick\" x=\"" + num(left - 6) + "\" y=\"" + num(y + 4) + "\" text-anchor=\"end\">" + html_escape(f(t)) +
         "</text>";
  }
  s += "<line class=\"axis\" x1=\"" + num(left) + "\" y1=\"" + num(top) + "\" x2=\"" + num(left) + "\" y2=\"" +
       num(top + height) + "\"/>";
  // Above the axis, horizontal: long unit titles fit, and read without turning the page.
  if (!y_title.empty()) s += "<text class=\"axis-title\" x=\"8\" y=\"" + num(top - 12) + "\">" + html_escape(y_title) + "</text>";
}

/// Category labels along the bottom (two lines for part years: "2018/19", "Jul–Mar").
void draw_x_categories(std::string& s, const std::vector<std::string>& labels, const std::function<double(std::size_t)>& X,
                       double bottom, const std::string& x_title, double left, double right) {
  // Labels need about 64 px each: over a long horizon, label every k-th category (and the
  // last), with a tick mark at every one.
  const double per = (right - left) / static_cast<double>(std::max<std::size_t>(labels.size(), 1));
  const std::size_t every = per >= 64 ? 1 : static_cast<std::size_t>(std::ceil(64 / per));
  for (std::size_t i = 0; i < labels.size(); ++i) {
    s += "<line class=\"axis\" x1=\"" + num(X(i)) + "\" y1=\"" + num(bottom) + "\" x2=\"" + num(X(i)) + "\" y2=\"" + num(bottom + 4) + "\"/>";
    const bool last = i + 1 == labels.size();
    // The last category is labelled too, unless that would crowd the label before it.
    if (i % every != 0 && !(last && i % every > every / 2)) continue;
    const auto [main, sub] = period_axis_label(labels[i]);
    s +=
        "<text class=\"tick\" x=\"" + num(X(i)) + "\" y=\"" + num(bottom + 16) + "\" text-anchor=\"middle\">" + html_escape(main);
    if (!sub.empty()) s += "<tspan x=\"" + num(X(i)) + "\" dy=\"13\" class=\"sub\">" + html_escape(sub) + "</tspan>";
    s += "</text>";
  }
  s += "<line class=\"axis\" x1=\"" + num(left) + "\" y1=\"" + num(bottom) + "\" x2=\"" + num(right) + "\" y2=\"" + num(bottom) +
       "\"/>";
  s += "<text class=\"axis-title\" x=\"" + num((left + right) / 2) + "\" y=\"" + num(bottom + 48) + "\" text-anchor=\"middle\">" +
       html_escape(x_title) + "</text>";
}

struct Series {
  std::string label, colour;
  std::vector<std::optional<double>> mid, lo, hi;  // per category
  bool dashed = false;
};

struct LineChart {
  std::string id, kind, title, description, y_title, x_title = "Financial year (April to March)";
  Kind unit = Kind::plain;
  std::vector<std::string> categories;
  std::vector<Series> series;
  bool include_zero = false, zero_line = false;
  std::optional<std::pair<double, double>> y_range;  // a fixed axis (e.g. 0-1 for a share)
};

bool has_points(const LineChart& c) {
  for (const auto& s : c.series)
    for (const auto& v : s.mid)
      if (v) return true;
  return false;
}

/// Lines of means (or medians) over categories with their 90% interval bands.
std::string render(const LineChart& c) {
  const double left = 74, right = kWidth - 18;
  std::string legend;
  std::vector<LegendItem> items;
  for (const auto& s : c.series) items.push_back({s.label, s.colour, s.dashed ? LegendItem::dashed_line : LegendItem::line_band});
  const double legend_h = draw_legend(legend, items, left, 8, right - left);
  const double top = 8 + legend_h + 34, plot_h = 240, bottom = top + plot_h, h = bottom + 62;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& s : c.series)
    for (const auto* v : {&s.mid, &s.lo, &s.hi})
      for (const auto& x : *v)
        if (x) lo = std::min(lo, *x), hi = std::max(hi, *x);
  if (c.y_range) lo = c.y_range->first, hi = c.y_range->second;
  const Axis a = nice_axis(lo, hi, c.include_zero || c.zero_line);
  const std::size_t n = c.categories.size();
  const auto X = [&](std::size_t i) {
    return left + (static_cast<double>(i) + 0.5) * (right - left) / static_cast<double>(std::max<std::size_t>(n, 1));
  };
  const auto Y = [&](double v) { return top + plot_h * (a.hi - v) / (a.hi - a.lo); };
  std::string s = svg_open(c.id, c.kind, c.title, c.description, h) + legend;
  draw_y_axis(s, a, c.unit, left, right, top, plot_h, c.y_title, Y);
  draw_x_categories(s, c.categories, X, bottom, c.x_title, left, right);
  if (c.zero_line && a.lo < 0 && a.hi > 0)
    s += "<line class=\"zero\" x1=\"" + num(left) + "\" y1=\"" + num(Y(0)) + "\" x2=\"" + num(right) + "\" y2=\"" + num(Y(0)) +
         "\"/>";
  // Bands first, so that every line is drawn over every band.
  for (const auto& sr : c.series) {
    std::size_t i = 0;
    while (i < n) {
      if (!(i < sr.lo.size() && i < sr.hi.size() && sr.lo[i] && sr.hi[i])) {
        ++i;
        continue;
      }
      std::size_t j = i;
      while (j < n && j < sr.lo.size() && j < sr.hi.size() && sr.lo[j] && sr.hi[j]) ++j;
      if (j - i == 1) {  // a lone point: an error bar
        const double x = X(i);
        s += "<path class=\"band-bar\" d=\"M" + num(x) + " " + num(Y(*sr.lo[i])) + "V" + num(Y(*sr.hi[i])) + "M" + num(x - 5) +
             " " + num(Y(*sr.lo[i])) + "h10M" + num(x - 5) + " " + num(Y(*sr.hi[i])) + "h10\" stroke=\"" + sr.colour + "\"/>";
      } else {
        std::string d;
        for (std::size_t k = i; k < j; ++k) d += (k == i ? "M" : "L") + num(X(k)) + " " + num(Y(*sr.hi[k]));
        for (std::size_t k = j; k-- > i;) d += "L" + num(X(k)) + " " + num(Y(*sr.lo[k]));
        s += "<path class=\"band\" d=\"" + d + "Z\" fill=\"" + sr.colour + "\"/>";
      }
      i = j;
    }
  }
  const auto f = formatter(c.unit, std::max(std::fabs(a.lo), std::fabs(a.hi)));
  for (const auto& sr : c.series) {
    std::string d;
    bool pen = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (i < sr.mid.size() && sr.mid[i]) {
        d += (pen ? "L" : "M") + num(X(i)) + " " + num(Y(*sr.mid[i]));
        pen = true;
      } else {
        pen = false;
      }
    }
    if (!d.empty())
      s += "<path class=\"line\" d=\"" + d + "\" stroke=\"" + sr.colour + "\"" + (sr.dashed ? " stroke-dasharray=\"6 4\"" : "") +
           "/>";
    for (std::size_t i = 0; i < n; ++i) {
      if (!(i < sr.mid.size() && sr.mid[i])) continue;
      std::string tip = sr.label + ", " + c.categories[i] + ": " + f(*sr.mid[i]);
      if (i < sr.lo.size() && i < sr.hi.size() && sr.lo[i] && sr.hi[i])
        tip += " (90% interval " + f(*sr.lo[i]) + " to " + f(*sr.hi[i]) + ")";
      s += "<circle cx=\"" + num(X(i)) + "\" cy=\"" + num(Y(*sr.mid[i])) + "\" r=\"3\" fill=\"" + sr.colour + "\"><title>" +
           html_escape(tip) + "</title></circle>";
    }
  }
  return s + "</svg>";
}

struct StackedBars {
  std::string id, kind, title, description, y_title, x_title = "Financial year (April to March)";
  Kind unit = Kind::gbp;
  std::vector<std::string> categories;                      // x
  std::vector<std::string> groups;                          // bars side by side in a category
  std::vector<std::pair<std::string, std::string>> stacks;  // (label, colour), bottom to top
  std::vector<std::vector<std::vector<double>>> values;     // [group][category][stack]
};

/// Side-by-side stacked bars: in each category one bar per group (numbered 1, 2, ... under
/// the bars; the caption says which arm each number is).
std::string render(const StackedBars& c) {
  const double left = 74, right = kWidth - 18;
  std::string legend;
  std::vector<LegendItem> items;
  for (const auto& [label, colour] : c.stacks) items.push_back({label, colour, LegendItem::swatch});
  const double legend_h = draw_legend(legend, items, left, 8, right - left);
  const double top = 8 + legend_h + 34, plot_h = 240, bottom = top + plot_h, h = bottom + 74;
  double hi = 0;
  for (const auto& g : c.values)
    for (const auto& cat : g) {
      double t = 0;
      for (double v : cat) t += std::max(0.0, v);
      hi = std::max(hi, t);
    }
  const Axis a = nice_axis(0, hi, true);
  const std::size_t n = c.categories.size(), G = std::max<std::size_t>(c.groups.size(), 1);
  const double slot = (right - left) / static_cast<double>(std::max<std::size_t>(n, 1));
  const double bar = std::min(34.0, slot * 0.8 / static_cast<double>(G));
  const auto X = [&](std::size_t i) { return left + (static_cast<double>(i) + 0.5) * slot; };
  const auto Y = [&](double v) { return top + plot_h * (a.hi - v) / (a.hi - a.lo); };
  std::string s = svg_open(c.id, c.kind, c.title, c.description, h) + legend;
  draw_y_axis(s, a, c.unit, left, right, top, plot_h, c.y_title, Y);
  const auto f = formatter(c.unit, hi);
  for (std::size_t g = 0; g < c.values.size(); ++g) {
    for (std::size_t i = 0; i < n && i < c.values[g].size(); ++i) {
      const double x = X(i) - bar * static_cast<double>(G) / 2 + bar * static_cast<double>(g);
      double base = 0;
      for (std::size_t k = 0; k < c.stacks.size() && k < c.values[g][i].size(); ++k) {
        const double v = std::max(0.0, c.values[g][i][k]);
        if (v <= 0) continue;
        const std::string tip =
            (g < c.groups.size() ? c.groups[g] : std::string()) + ", " + c.categories[i] + ", " + c.stacks[k].first + ": " + f(v);
        s += "<rect x=\"" + num(x + 1) + "\" y=\"" + num(Y(base + v)) + "\" width=\"" + num(bar - 2) + "\" height=\"" +
             num(Y(base) - Y(base + v)) + "\" fill=\"" + c.stacks[k].second + "\"><title>" + html_escape(tip) + "</title></rect>";
        base += v;
      }
      if (G > 1)
        s += "<text class=\"bar-label\" x=\"" + num(x + bar / 2) + "\" y=\"" + num(bottom + 11) + "\" text-anchor=\"middle\">" +
             std::to_string(g + 1) + "</text>";
    }
  }
  const double shift = G > 1 ? 12 : 0;
  draw_x_categories(s, c.categories, X, bottom + shift, c.x_title, left, right);
  return s + "</svg>";
}

struct HistogramGroup {
  std::string label, colour;
  std::vector<double> values;
  const Stat* stat = nullptr;
};

struct Histogram {
  std::string id, kind, title, description, x_title;
  Kind unit = Kind::gbp;
  std::vector<HistogramGroup> groups;
  std::optional<double> reference;
  std::string reference_label;
};

/// Histograms of per-replicate values (overlaid, one colour per arm), with each arm's mean
/// and 90% interval drawn as a dot and a bar above them.
std::string render(const Histogram& c) {
  const double left = 74, right = kWidth - 18;
  std::string legend;
  std::vector<LegendItem> items;
  for (const auto& g : c.groups) items.push_back({g.label, g.colour, LegendItem::swatch});
  if (c.reference) items.push_back({c.reference_label, "#222", LegendItem::dashed_line});
  const double legend_h = draw_legend(legend, items, left, 8, right - left);
  const double strip = 16 * static_cast<double>(c.groups.size()) + 8;
  const double top = 8 + legend_h + 34 + strip, plot_h = 200, bottom = top + plot_h, h = bottom + 52;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  std::size_t most = 0;
  for (const auto& g : c.groups) {
    for (double v : g.values) lo = std::min(lo, v), hi = std::max(hi, v);
    most = std::max(most, g.values.size());
    if (g.stat)
      for (const auto& v : {g.stat->p05, g.stat->p95})
        if (v) lo = std::min(lo, *v), hi = std::max(hi, *v);
  }
  if (c.reference) lo = std::min(lo, *c.reference), hi = std::max(hi, *c.reference);
  const Axis ax = nice_axis(lo, hi, false);
  // Bins over the range of the values (not the axis), so that none is empty by construction.
  double dlo = std::numeric_limits<double>::infinity(), dhi = -dlo;
  for (const auto& g : c.groups)
    for (double v : g.values) dlo = std::min(dlo, v), dhi = std::max(dhi, v);
  const int bins = std::clamp(static_cast<int>(std::ceil(std::sqrt(static_cast<double>(most)))) + 3, 6, 24);
  if (!(dhi > dlo)) {
    const double pad = (ax.hi - ax.lo) / 40;
    dlo -= pad;
    dhi += pad;
  }
  const double width = (dhi - dlo) / bins;
  std::vector<std::vector<int>> counts(c.groups.size(), std::vector<int>(static_cast<std::size_t>(bins), 0));
  int max_count = 1;
  for (std::size_t g = 0; g < c.groups.size(); ++g)
    for (double v : c.groups[g].values) {
      const auto b = static_cast<std::size_t>(std::clamp(static_cast<int>((v - dlo) / width), 0, bins - 1));
      max_count = std::max(max_count, ++counts[g][b]);
    }
  Axis ay = nice_axis(0, max_count, true, 4);
  if (ay.step < 1) {  // counts are whole replicates
    ay.step = 1;
    ay.ticks.clear();
    for (int t = 0; t <= max_count; ++t) ay.ticks.push_back(t);
    ay.lo = 0;
    ay.hi = max_count;
  }
  const auto X = [&](double v) { return left + (right - left) * (v - ax.lo) / (ax.hi - ax.lo); };
  const auto Y = [&](double v) { return top + plot_h * (ay.hi - v) / (ay.hi - ay.lo); };
  std::string s = svg_open(c.id, c.kind, c.title, c.description, h) + legend;
  draw_y_axis(s, ay, Kind::count, left, right, top, plot_h, "", Y);
  s += "<text class=\"axis-title\" x=\"8\" y=\"" + num(top - strip - 12) + "\">Replicates</text>";
  const auto fx = tick_formatter(c.unit, ax);
  for (double t : ax.ticks)
    s += "<text class=\"tick\" x=\"" + num(X(t)) + "\" y=\"" + num(bottom + 16) + "\" text-anchor=\"middle\">" +
         html_escape(fx(t)) + "</text>";
  s += "<line class=\"axis\" x1=\"" + num(left) + "\" y1=\"" + num(bottom) + "\" x2=\"" + num(right) + "\" y2=\"" + num(bottom) +
       "\"/>";
  s += "<text class=\"axis-title\" x=\"" + num((left + right) / 2) + "\" y=\"" + num(bottom + 40) + "\" text-anchor=\"middle\">" +
       html_escape(c.x_title) + "</text>";
  const auto f = formatter(c.unit, std::max(std::fabs(ax.lo), std::fabs(ax.hi)));
  for (std::size_t g = 0; g < c.groups.size(); ++g) {
    for (int b = 0; b < bins; ++b) {
      const int k = counts[g][static_cast<std::size_t>(b)];
      if (k == 0) continue;
      const double x0 = dlo + width * b, x1 = x0 + width;
      const std::string tip = c.groups[g].label + ": " + std::to_string(k) + (k == 1 ? " replicate" : " replicates") + " from " +
                              f(x0) + " to " + f(x1);
      // Each group's bar takes its own slice of the bin, side by side: overlapping translucent
      // bars blended into colours the legend did not have.
      const double slice = std::max(1.5, X(x1) - X(x0) - 1) / static_cast<double>(c.groups.size());
      s += "<rect class=\"bin\" x=\"" + num(X(x0) + slice * static_cast<double>(g)) + "\" y=\"" + num(Y(k)) + "\" width=\"" +
           num(std::max(1.0, slice)) + "\" height=\"" + num(Y(0) - Y(k)) + "\" fill=\"" + c.groups[g].colour +
           "\"><title>" + html_escape(tip) + "</title></rect>";
    }
    // The interval strip above the plot.
    const Stat* st = c.groups[g].stat;
    const double y = top - strip + 8 + 16 * static_cast<double>(g);
    if (st && st->interval_shown())
      s += "<path class=\"interval\" d=\"M" + num(X(*st->p05)) + " " + num(y) + "H" + num(X(*st->p95)) + "M" + num(X(*st->p05)) +
           " " + num(y - 4) + "v8M" + num(X(*st->p95)) + " " + num(y - 4) + "v8\" stroke=\"" + c.groups[g].colour + "\"/>";
    if (st && st->mean)
      s += "<circle cx=\"" + num(X(*st->mean)) + "\" cy=\"" + num(y) + "\" r=\"4\" fill=\"" + c.groups[g].colour + "\"><title>" +
           html_escape(c.groups[g].label + ": mean " + with_interval(st, c.unit)) + "</title></circle>";
  }
  if (c.reference)
    s += "<line class=\"reference\" x1=\"" + num(X(*c.reference)) + "\" y1=\"" + num(top - strip) + "\" x2=\"" +
         num(X(*c.reference)) + "\" y2=\"" + num(bottom) + "\"/>";
  return s + "</svg>";
}

struct ScatterGroup {
  std::string label, colour;
  std::vector<std::pair<double, double>> points;
  const Stat *x = nullptr, *y = nullptr;
};

struct Scatter {
  std::string id, kind, title, description, x_title, y_title;
  Kind x_unit = Kind::plain, y_unit = Kind::plain;
  std::vector<ScatterGroup> groups;
  std::string top_right, top_left, bottom_right, bottom_left;  // quadrant labels
  std::vector<std::pair<double, std::string>> slopes;           // lines y = slope x through 0, labelled
};

/// Per-replicate points with quadrant lines at zero, and each group's mean with its 90%
/// intervals on both axes.
std::string render(const Scatter& c) {
  const double left = 74, right = kWidth - 18;
  std::string legend;
  std::vector<LegendItem> items;
  for (const auto& g : c.groups) items.push_back({g.label, g.colour, LegendItem::point});
  const double legend_h = draw_legend(legend, items, left, 8, right - left);
  const double top = 8 + legend_h + 34, plot_h = 320, bottom = top + plot_h, h = bottom + 52;
  double xlo = 0, xhi = 0, ylo = 0, yhi = 0;
  for (const auto& g : c.groups) {
    for (const auto& [x, y] : g.points)
      xlo = std::min(xlo, x), xhi = std::max(xhi, x), ylo = std::min(ylo, y), yhi = std::max(yhi, y);
    // The intervals of the means must fit too.
    if (g.x)
      for (const auto& v : {g.x->p05, g.x->p95})
        if (v) xlo = std::min(xlo, *v), xhi = std::max(xhi, *v);
    if (g.y)
      for (const auto& v : {g.y->p05, g.y->p95})
        if (v) ylo = std::min(ylo, *v), yhi = std::max(yhi, *v);
  }
  const Axis ax = nice_axis(xlo, xhi, true), ay = nice_axis(ylo, yhi, true);
  const auto X = [&](double v) { return left + (right - left) * (v - ax.lo) / (ax.hi - ax.lo); };
  const auto Y = [&](double v) { return top + plot_h * (ay.hi - v) / (ay.hi - ay.lo); };
  std::string s = svg_open(c.id, c.kind, c.title, c.description, h) + legend;
  draw_y_axis(s, ay, c.y_unit, left, right, top, plot_h, c.y_title, Y);
  const auto fx = tick_formatter(c.x_unit, ax);
  for (double t : ax.ticks) {
    s += "<line class=\"grid\" x1=\"" + num(X(t)) + "\" y1=\"" + num(top) + "\" x2=\"" + num(X(t)) + "\" y2=\"" + num(bottom) +
         "\"/>";
    s += "<text class=\"tick\" x=\"" + num(X(t)) + "\" y=\"" + num(bottom + 16) + "\" text-anchor=\"middle\">" +
         html_escape(fx(t)) + "</text>";
  }
  s += "<line class=\"axis\" x1=\"" + num(left) + "\" y1=\"" + num(bottom) + "\" x2=\"" + num(right) + "\" y2=\"" + num(bottom) +
       "\"/>";
  s += "<text class=\"axis-title\" x=\"" + num((left + right) / 2) + "\" y=\"" + num(bottom + 40) + "\" text-anchor=\"middle\">" +
       html_escape(c.x_title) + "</text>";
  s += "<line class=\"zero\" x1=\"" + num(X(0)) + "\" y1=\"" + num(top) + "\" x2=\"" + num(X(0)) + "\" y2=\"" + num(bottom) +
       "\"/>";
  s += "<line class=\"zero\" x1=\"" + num(left) + "\" y1=\"" + num(Y(0)) + "\" x2=\"" + num(right) + "\" y2=\"" + num(Y(0)) +
       "\"/>";
  // Each quadrant's label in its own corner, where the quadrant has room for it.
  const double x0 = X(0), y0 = Y(0);
  const auto quadrant = [&](const std::string& label, bool right_side, bool upper) {
    const double room_x = right_side ? right - x0 : x0 - left, room_y = upper ? y0 - top : bottom - y0;
    if (room_x < 6.2 * static_cast<double>(label.size()) + 12 || room_y < 20) return;
    s += "<text class=\"quadrant\" x=\"" + num(right_side ? right - 6 : left + 6) + "\" y=\"" +
         num(upper ? top + 14 : bottom - 8) + "\"" + (right_side ? " text-anchor=\"end\"" : "") + ">" + html_escape(label) +
         "</text>";
  };
  int slope_index = 0;
  for (const auto& [k, label] : c.slopes) {
    const double label_dy = 14.0 * slope_index++;
    // Clip y = k x to the plot: from the left or bottom edge to the right or top edge.
    double xa = ax.lo, xb = ax.hi;
    if (k != 0) {
      const double x_at_lo = ay.lo / k, x_at_hi = ay.hi / k;
      xa = std::max(xa, std::min(x_at_lo, x_at_hi));
      xb = std::min(xb, std::max(x_at_lo, x_at_hi));
    }
    if (!(xb > xa)) continue;
    s += "<line class=\"threshold\" x1=\"" + num(X(xa)) + "\" y1=\"" + num(Y(k * xa)) + "\" x2=\"" + num(X(xb)) + "\" y2=\"" +
         num(Y(k * xb)) + "\" stroke=\"#666666\" stroke-dasharray=\"4 3\"/>";
    s += "<text class=\"tick\" x=\"" + num(X(xb) - 4) + "\" y=\"" + num(Y(k * xb) < top + 30 ? Y(k * xb) + 14 + label_dy : Y(k * xb) - 6 - label_dy) + "\" text-anchor=\"end\">" +
         html_escape(label) + "</text>";
  }
  quadrant(c.top_right, true, true);
  quadrant(c.top_left, false, true);
  quadrant(c.bottom_right, true, false);
  quadrant(c.bottom_left, false, false);
  const auto fxv = formatter(c.x_unit, std::max(std::fabs(ax.lo), std::fabs(ax.hi)));
  const auto fyv = formatter(c.y_unit, std::max(std::fabs(ay.lo), std::fabs(ay.hi)));
  for (const auto& g : c.groups) {
    for (const auto& [x, y] : g.points)
      s += "<circle class=\"point\" cx=\"" + num(X(x)) + "\" cy=\"" + num(Y(y)) + "\" r=\"4.5\" fill=\"" + g.colour +
           "\"><title>" + html_escape(g.label + ": " + fxv(x) + ", " + fyv(y)) + "</title></circle>";
    if (g.x && g.y && g.x->mean && g.y->mean) {
      const double mx = X(*g.x->mean), my = Y(*g.y->mean);
      std::string d;
      if (g.x->interval_shown()) d += "M" + num(X(*g.x->p05)) + " " + num(my) + "H" + num(X(*g.x->p95));
      if (g.y->interval_shown()) d += "M" + num(mx) + " " + num(Y(*g.y->p05)) + "V" + num(Y(*g.y->p95));
      if (!d.empty()) s += "<path class=\"interval\" d=\"" + d + "\" stroke=\"" + g.colour + "\"/>";
      s += "<path class=\"mean-marker\" d=\"M" + num(mx) + " " + num(my - 7) + "L" + num(mx + 7) + " " + num(my) + "L" + num(mx) +
           " " + num(my + 7) + "L" + num(mx - 7) + " " + num(my) + "Z\" fill=\"" + g.colour + "\"><title>" +
           html_escape(g.label + ": mean " + fxv(*g.x->mean) + ", " + fyv(*g.y->mean)) + "</title></path>";
    }
  }
  return s + "</svg>";
}

struct HeatMap {
  std::string id, kind, title, description, row_title, column_title;
  std::vector<std::string> rows, columns;
  std::vector<std::vector<const Stat*>> cells;  // [row][column]
};

void wrapped_label(std::string& s, const std::string& label, double x, double y, const char* anchor, std::size_t width) {
  // Two lines at most, split at the space nearest the middle, for column and row headers.
  std::string a = label, b;
  if (label.size() > width) {
    std::size_t best = std::string::npos;
    for (std::size_t i = 0; i < label.size(); ++i)
      if (label[i] == ' ' &&
          (best == std::string::npos || std::abs(static_cast<long>(i) - static_cast<long>(label.size() / 2)) <
                                            std::abs(static_cast<long>(best) - static_cast<long>(label.size() / 2))))
        best = i;
    if (best != std::string::npos) a = label.substr(0, best), b = label.substr(best + 1);
  }
  s += "<text class=\"tick\" x=\"" + num(x) + "\" y=\"" + num(b.empty() ? y + 6 : y) + "\" text-anchor=\"" + anchor + "\">" +
       html_escape(a);
  if (!b.empty()) s += "<tspan x=\"" + num(x) + "\" dy=\"13\">" + html_escape(b) + "</tspan>";
  s += "</text>";
}

/// A matrix of money: green where the mean is a saving, red where it is a loss, deeper the
/// larger; each cell shows the mean and its 90% interval.
std::string render(const HeatMap& c) {
  const double row_head = 120, top = 66, cell_h = 46;
  const double cell_w = (kWidth - row_head - 10) / static_cast<double>(std::max<std::size_t>(c.columns.size(), 1));
  const double h = top + cell_h * static_cast<double>(c.rows.size()) + 60;
  double m = 0;
  for (const auto& r : c.cells)
    for (const Stat* st : r)
      if (st && st->mean) m = std::max(m, std::fabs(*st->mean));
  std::string s = svg_open(c.id, c.kind, c.title, c.description, h);
  s += "<text class=\"axis-title\" x=\"" + num(row_head + (kWidth - row_head) / 2) + "\" y=\"14\" text-anchor=\"middle\">" +
       html_escape(c.column_title) + "</text>";
  for (std::size_t j = 0; j < c.columns.size(); ++j)
    wrapped_label(s, c.columns[j], row_head + cell_w * (static_cast<double>(j) + 0.5), 36, "middle", 12);
  s += "<text class=\"axis-title\" x=\"4\" y=\"" + num(top - 8) + "\">" + html_escape(c.row_title) + "</text>";
  for (std::size_t i = 0; i < c.rows.size(); ++i) {
    const double y = top + cell_h * static_cast<double>(i);
    wrapped_label(s, c.rows[i], row_head - 8, y + cell_h / 2 - 4, "end", 14);
    for (std::size_t j = 0; j < c.columns.size(); ++j) {
      const Stat* st = i < c.cells.size() && j < c.cells[i].size() ? c.cells[i][j] : nullptr;
      const double x = row_head + cell_w * static_cast<double>(j);
      std::string fill = "#f4f4f4";
      double opacity = 1;
      if (st && st->mean && m > 0 && *st->mean != 0) {
        fill = *st->mean > 0 ? "#1a9850" : "#d73027";
        opacity = 0.12 + 0.68 * std::fabs(*st->mean) / m;
      }
      const auto f = formatter(Kind::gbp, st ? magnitude_of(*st) : 0);
      s += "<rect class=\"cell\" x=\"" + num(x + 1) + "\" y=\"" + num(y + 1) + "\" width=\"" + num(cell_w - 2) + "\" height=\"" +
           num(cell_h - 2) + "\" fill=\"" + fill + "\" fill-opacity=\"" + fixed(opacity, 2) + "\"><title>" +
           html_escape(c.rows[i] + " \xE2\x86\x92 " + c.columns[j] + ": " + with_interval(st, Kind::gbp)) + "</title></rect>";
      const bool dark = fill != "#f4f4f4" && opacity > 0.55;
      s += "<text class=\"cell-value" + std::string(dark ? " on-dark" : "") + "\" x=\"" + num(x + cell_w / 2) + "\" y=\"" +
           num(y + 20) + "\" text-anchor=\"middle\">" + html_escape(st && st->mean ? f(*st->mean) : kNoValue) + "</text>";
      if (st && st->interval_shown())
        s += "<text class=\"cell-interval" + std::string(dark ? " on-dark" : "") + "\" x=\"" + num(x + cell_w / 2) + "\" y=\"" +
             num(y + 35) + "\" text-anchor=\"middle\">" + html_escape(f(*st->p05) + " to " + f(*st->p95)) + "</text>";
    }
  }
  const double ly = top + cell_h * static_cast<double>(c.rows.size()) + 22;
  s += "<g class=\"legend\"><rect x=\"" + num(row_head) + "\" y=\"" + num(ly - 10) +
       "\" width=\"14\" height=\"12\" fill=\"#1a9850\" fill-opacity=\"0.6\"/>"
       "<text x=\"" +
       num(row_head + 20) + "\" y=\"" + num(ly) +
       "\">saving (mean; deeper = larger)</text>"
       "<rect x=\"" +
       num(row_head + 250) + "\" y=\"" + num(ly - 10) +
       "\" width=\"14\" height=\"12\" fill=\"#d73027\" fill-opacity=\"0.6\"/>"
       "<text x=\"" +
       num(row_head + 270) + "\" y=\"" + num(ly) +
       "\">extra cost</text>"
       "<text x=\"" +
       num(row_head + 370) + "\" y=\"" + num(ly) + "\">second line: 90% interval</text></g>";
  return s + "</svg>";
}

// ---------------------------------------------------------------------------------------
// The page.



// Marks, once laid out, how many charts have a size (the browser test reads the two
// attributes), and opens every collapsed section before printing. The page does not need it.


const std::vector<std::string> kArmColours{"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                           "#E69F00", "#56B4E9", "#8C564B", "#000000"};
const std::string kBaselineColour = "#555555";
const std::vector<std::string> kStackColours{"#1f5f99", "#5fa8d3", "#8cc9a5", "#9b7fc1", "#e08a3c",
                                             "#c9b03a", "#9a9a9a", "#d46a8c", "#6b8e23", "#b0b0b0"};

class Report {
 public:
  explicit Report(const json& doc)
      : doc_(doc), figures_(doc), arms_(figures_.arms()), scenarios_(figures_.scenarios()), baseline_(figures_.baseline()),
        comparison_(baseline_ != nullptr), replicates_(figures_.replicates()) {}

  std::string html() {
    std::string h;
    h += "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n";
    // The page may load nothing from anywhere: inline styles and the one inline script only.
    h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
         "script-src 'unsafe-inline'; img-src data:\">\n";
    h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    h += "<link rel=\"icon\" href=\"data:,\">\n";
    h += "<title>" + html_escape(page_title()) + "</title>\n<style>" + std::string(kCss) + "</style>\n</head>\n<body>\n";
    paper_header(h);
    decision(h);
    paper_second(h);
    appendix_start(h);
    headline(h);
    arms_table(h);
    money_section(h);
    health(h);
    wider(h);
    activity(h);
    assumptions(h);
    provenance(h);
    definitions(h);
    h += "</div>\n";
    const json& prov = member(doc_, "provenance");
    h += "<footer>Made by ShiftSim " + html_escape(text(prov, "program_version")) + " from comparison " +
         html_escape(text(doc_, "comparison_id")) +
         (text(doc_, "database").empty() ? std::string() : " of results database " + html_escape(text(doc_, "database"))) +
         ". Every figure is read from the stored comparison; charts are drawn in the page and need no network.</footer>\n";
    h += "<script>" + std::string(kScript) + "</script>\n</body>\n</html>\n";
    return h;
  }

 private:
  const json& doc_;
  ComparisonView figures_;
  const std::vector<Arm>& arms_;
  std::vector<const Arm*> scenarios_;
  const Arm* baseline_ = nullptr;
  bool comparison_ = false;
  int replicates_ = 0;
  int figure_number_ = 0;

  std::string colour(const Arm& a) const {
    if (comparison_ && &a == baseline_) return kBaselineColour;
    std::size_t k = 0;
    for (const auto& b : arms_) {
      if (&b == &a) break;
      if (!(comparison_ && &b == baseline_)) ++k;
    }
    return kArmColours[k % kArmColours.size()];
  }

  std::string swatch(const Arm& a) const { return "<span class=\"swatch\" style=\"background:" + colour(a) + "\"></span>"; }

  std::string page_title() const {
    if (comparison_) {
      std::string names;
      for (std::size_t i = 0; i < scenarios_.size(); ++i)
        names += (i ? (i + 1 == scenarios_.size() ? " and " : ", ") : "") + label(*scenarios_[i]);
      if (scenarios_.size() > 2) return std::to_string(scenarios_.size()) + " plans compared with " + label(*baseline_);
      return names + " compared with " + label(*baseline_);
    }
    if (!arms_.empty()) return label(arms_.front()) + ": a single run";
    return "ShiftSim report";
  }

  /// "the 5 years from July 2018 to June 2023".
  std::string horizon_text() const {
    const json& prov = member(doc_, "provenance");
    const auto start = number(prov, "start_year"), years = number(prov, "years");
    if (!start || !years) return "the whole run";
    const int y0 = static_cast<int>(*start), n = static_cast<int>(*years);
    // Runs start in July (model month 0); the horizon ends in the June n years later.
    return "the " + std::to_string(n) + (n == 1 ? " year" : " years") + " from " + kMonthNames[6] + " " + std::to_string(y0) +
           " to " + kMonthNames[5] + " " + std::to_string(y0 + n);
  }

  std::string figure_open(const std::string& anchor, const std::string& title, const std::string& caption) {
    ++figure_number_;
    return "<figure class=\"chart-figure\" id=\"fig-" + anchor + "\"><figcaption><strong>Figure " +
           std::to_string(figure_number_) + ". " + html_escape(title) + "</strong> " + caption + "</figcaption>\n";
  }

  /// A series of one outcome over the financial years for an arm, part years as part years
  /// (their months are under the year on the axis): an annualised quarter made a spurious spike
  /// when a quarter's noise was multiplied by four.
  Series series_of(const Arm& a, const std::string& outcome, const std::string& breakdown, const std::string& label,
                   const std::string& colour_) const {
    Series s;
    s.label = label;
    s.colour = colour_;
    for (const auto& p : figures_.financial_years()) {
      const Stat* st = figures_.stat(a.index, p, breakdown, outcome);
      s.mid.push_back(st ? st->mean : std::nullopt);
      // Bands only with enough replicates for a 90% interval (kMinIntervalReplicates).
      const bool band = st && st->interval_shown();
      s.lo.push_back(band ? st->p05 : std::nullopt);
      s.hi.push_back(band ? st->p95 : std::nullopt);
    }
    return s;
  }

  bool has_part_years() const {
    for (const auto& p : figures_.financial_years())
      if (months_of_period(p) < 12) return true;
    return false;
  }

  std::string annualised_note() const {
    return has_part_years() ? " Part financial years at the start and end of the run show only the months they have (given under the "
                              "year), not annualised, so they sit lower than the full years beside them."
                            : "";
  }

  // ---- The board paper: the decision first (two printed pages), the detail as appendices ----

  std::string label(const Arm& a) const { return a.label.empty() ? a.name : a.label; }

  void paper_header(std::string& h) const {
    const json& prov = member(doc_, "provenance");
    h += "<header class=\"paper-head\">\n<p class=\"kicker\">ShiftSim board paper \xC2\xB7 " +
         std::string(comparison_ ? "comparison " + html_escape(text(doc_, "comparison_id")) : "single run") +
         "<button type=\"button\" class=\"print-summary\" data-print=\"summary\">Print the two-page summary</button></p>\n";
    h += "<h1>" + html_escape(page_title()) + "</h1>\n";
    h += "<p class=\"meta\">" + html_escape(horizon_text()) + " \xC2\xB7 " + std::to_string(replicates_) +
         (replicates_ == 1 ? " replicate" : " replicates") + " \xC2\xB7 scale " + html_escape(text(prov, "scale")) + " \xC2\xB7 " +
         html_escape(text(doc_, "created_at").substr(0, 10)) + "</p>\n</header>\n";
  }

  /// The largest entries of an outcome's breakdowns with `prefix` over the horizon, as
  /// "Label £x" (largest first), those above zero only.
  std::vector<std::pair<std::string, double>> largest(int arm, const std::string& outcome, const std::string& prefix) const {
    std::vector<std::pair<std::string, double>> out;
    for (const auto& b : figures_.breakdowns(arm, outcome)) {
      if (b.rfind(prefix, 0) != 0 || b.find(';') != std::string::npos) continue;
      const Stat* s = figures_.horizon(arm, outcome, b);
      if (s && s->mean && *s->mean > 0) out.emplace_back(b.substr(prefix.size()), *s->mean);
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.second > y.second; });
    return out;
  }

  static std::string organisation_name(const std::string& code) {
    static const std::map<std::string, std::string> names{
        {"nhs", "the NHS"},           {"council", "the councils"},     {"public_health", "public health"},
        {"pooled", "a pooled budget"}, {"nhs_acute", "NHS acute care"}, {"nhs_primary_care", "NHS primary care"},
        {"nhs_community", "NHS community services"}, {"nhs_mental_health", "NHS mental health"},
        {"council_asc", "adult social care"},       {"households", "households"}};
    const auto it = names.find(code);
    return it == names.end() ? code : it->second;
  }

  std::string tile(const std::string& heading, const std::string& value, const std::string& detail, const std::string& cls = "") const {
    return "<div class=\"tile" + (cls.empty() ? "" : " " + cls) + "\"><p class=\"tile-head\">" + heading + "</p><p class=\"tile-value\">" +
           value + "</p><p class=\"tile-detail\">" + detail + "</p></div>\n";
  }

  /// Its headline in plain words: does it pay, when, and what it buys in health.
  std::string verdict(const Arm& a) const {
    const int k = a.index;
    const auto H = [&](const std::string& o, const std::string& b = "all") { return figures_.horizon(k, o, b); };
    const Stat* npv = H("npv_gbp");
    const Stat* roi = H("roi_gross");
    const Stat* cost = H("intervention_cost_discounted_gbp");
    std::string v;
    if (!cost || !cost->mean || *cost->mean <= 0) {
      v = html_escape(label(a)) + " invests no more than the baseline; its effect is in the running of services";
    } else if (npv && npv->mean && *npv->mean >= 0) {
      v = html_escape(label(a)) + " <strong>pays for itself</strong> within " + html_escape(horizon_text()) + ": each \xC2\xA3" "1 invested returns " +
          mean_text(roi, Kind::ratio) + " in public savings";
    } else {
      v = html_escape(label(a)) + " <strong>does not pay for itself</strong> within " + html_escape(horizon_text()) +
          ": each \xC2\xA3" "1 invested returns " + mean_text(roi, Kind::ratio) + " in public savings, a net cost of " +
          mean_text(npv, Kind::gbp).substr(npv && npv->mean && *npv->mean < 0 ? std::string(kMinus).size() : 0) + " in present values";
    }
    const Stat* q = H("qalys_gained_discounted");
    if (q && q->mean) v += "; it gains " + mean_text(q, Kind::count) + " quality-adjusted life years";
    const Stat* cpq = H("icer_gbp_per_qaly");
    if (cpq && cpq->mean && *cpq->mean > 0)
      v += " at " + mean_text(cpq, Kind::gbp) + " each (NICE's threshold: \xC2\xA3" "20,000" + kEnDash + "\xC2\xA3" "30,000)";
    return v + ".";
  }

  void decision_tiles(std::string& h, const Arm& a) const {
    const int k = a.index;
    const auto H = [&](const std::string& o, const std::string& b = "all") { return figures_.horizon(k, o, b); };
    const Stat* cost = H("intervention_cost_discounted_gbp");
    const Stat* roi = H("roi_gross");
    const Stat* npv = H("npv_gbp");
    const Stat* within = H("break_even_within_horizon");
    std::string invest_detail = "present value of the extra spend over " + html_escape(horizon_text());
    const auto funders = largest(k, "intervention_cost_discounted_gbp", "funder=");
    h += "<div class=\"tiles\">\n";
    h += tile("Invest", mean_text(cost, Kind::gbp), interval_line(cost, Kind::gbp) + invest_detail);
    h += tile("Return", roi && roi->mean ? mean_text(roi, Kind::ratio) + " <span class=\"unit\">per \xC2\xA3" "1</span>" : kNoValue,
              interval_line(roi, Kind::ratio) + "public gross savings per \xC2\xA3" "1 invested; cashable " +
                  mean_text(H("roi_cashable"), Kind::ratio) + "; NPV " + mean_text(npv, Kind::gbp) +
                  (npv && npv->interval_shown() ? " (" + interval_text(npv, Kind::gbp) + ")" : ""),
              npv && npv->mean && *npv->mean >= 0 ? "good" : "bad");
    const std::string be = break_even_text(k, "break_even_year", "all");
    const std::string be_iv = break_even_interval(k, "break_even_year");
    h += tile("Pays back", html_escape(be),
              (be_iv == kNoValue ? std::string() : "90% interval " + html_escape(be_iv) + "; ") +
                  (within && within->mean ? mean_text(within, Kind::probability) + " of replicates pay back within the horizon"
                                          : std::string("the median replicate")),
              be == "not within the horizon" || be == "not available" ? "bad" : "good");
    // Who pays and who saves: the funders and the payers that save most.
    std::string pays;
    for (std::size_t i = 0; i < funders.size() && i < 2; ++i)
      pays += (i ? " and " : "") + html_escape(organisation_name(funders[i].first)) + " " + money(funders[i].second);
    const auto savers = largest(k, "gross_savings_discounted_gbp", "payer=");
    std::string saves;
    for (std::size_t i = 0; i < savers.size() && i < 3; ++i)
      saves += (i ? (i + 1 == std::min<std::size_t>(savers.size(), 3) ? " and " : ", ") : "") +
               html_escape(organisation_name(savers[i].first)) + " " + money(savers[i].second);
    h += tile("Who pays, who saves", pays.empty() ? std::string("no one invests") : "Paid by " + pays,
              saves.empty() ? std::string("no payer saves") : "Saved by " + saves + " (present values)", "words");
    // Health and equity.
    const Stat* q = H("qalys_gained_discounted");
    const Stat* eq = H("equity_gain_qalys_per_100k");
    const Stat* gap = H("le_gap_birth_change_years", "sex=persons");
    std::string eq_text;
    if (eq && eq->mean)
      eq_text = "equity: " + mean_text(eq, Kind::count) + " more QALYs per 100,000 people in the most deprived fifth than the least";
    if (gap && gap->mean)
      eq_text += std::string(eq_text.empty() ? "" : "; ") + "the life expectancy gap " + (*gap->mean <= 0 ? "narrows" : "widens") + " by " +
                 formatter(Kind::years, magnitude_of(*gap))(std::fabs(*gap->mean)) + " years";
    h += tile("Health and equity", mean_text(q, Kind::count) + " <span class=\"unit\">QALYs</span>",
              interval_line(q, Kind::count) + "discounted; " + mean_text(H("deaths_averted"), Kind::count) + " deaths averted" +
                  (eq_text.empty() ? std::string() : "; " + eq_text));
    h += "</div>\n";
  }

  static std::string interval_line(const Stat* s, Kind kind) {
    if (!s || !s->interval_shown()) return "";
    return "90% interval " + interval_text(s, kind) + "; ";
  }

  /// The one chart of the first screen: each scenario's cumulative discounted net benefit.
  std::string decision_chart() const {
    LineChart c;
    c.id = "chart-decision";
    c.kind = "decision";
    c.title = "When the investment pays back";
    c.description = "Cumulative discounted net benefit (public savings minus the intervention cost) by the end of each financial year, "
                    "for each scenario, with 90% bands where there are enough replicates, and the zero line: a scenario pays back where "
                    "its line crosses zero.";
    c.y_title = "Cumulative net benefit (GBP, present value)";
    c.unit = Kind::gbp;
    c.zero_line = true;
    c.categories = figures_.financial_years();
    for (const Arm* a : scenarios_)
      c.series.push_back(series_of(*a, "cumulative_discounted_net_benefit_gbp", "all", label(*a), colour(*a)));
    if (!has_points(c)) return "";
    return "<figure class=\"chart-figure decision-chart\" id=\"fig-decision\"><figcaption><strong>When it pays back.</strong> "
           "Savings minus cost, discounted and added up year by year; above the dashed line the investment has paid for itself. "
           "Part years show only their months.</figcaption>\n" +
           render(c) + "</figure>\n";
  }

  void league_table(std::string& h) const {
    struct Col {
      std::string head, outcome, breakdown;
      Kind kind;
      bool higher_better;
    };
    const std::vector<Col> cols{{"Invest (PV)", "intervention_cost_discounted_gbp", "all", Kind::gbp, false},
                                {"NPV", "npv_gbp", "all", Kind::gbp, true},
                                {"Return per \xC2\xA3" "1", "roi_gross", "all", Kind::ratio, true},
                                {"Pays back", "break_even_year", "all", Kind::plain, false},
                                {"QALYs gained", "qalys_gained_discounted", "all", Kind::count, true},
                                {"Equity gain", "equity_gain_qalys_per_100k", "all", Kind::count, true},
                                {"P(return > \xC2\xA3" "1)", "roi_gross_above_1", "all", Kind::probability, true}};
    h += "<div class=\"league\"><p class=\"league-sort\"><label>Rank the plans by <select data-league=\"sort\">";
    for (std::size_t c = 0; c < cols.size(); ++c)
      if (cols[c].outcome != "intervention_cost_discounted_gbp")
        h += "<option value=\"" + std::to_string(c + 1) + "\"" + (cols[c].outcome == "npv_gbp" ? " selected" : "") + ">" + cols[c].head + "</option>";
    h += "</select></label></p>\n<table class=\"league keep\" data-league=\"table\"><thead><tr><th>Rank</th><th>Plan</th>";
    for (const auto& c : cols) h += "<th class=\"num\" data-higher-better=\"" + std::string(c.higher_better ? "1" : "0") + "\">" + c.head + "</th>";
    h += "</tr></thead><tbody>\n";
    // Rows sorted by NPV, best first (the page re-sorts by the chosen measure).
    std::vector<const Arm*> order = scenarios_;
    auto npv_of = [&](const Arm* a) {
      const Stat* s = figures_.horizon(a->index, "npv_gbp");
      return s && s->mean ? *s->mean : -std::numeric_limits<double>::infinity();
    };
    std::stable_sort(order.begin(), order.end(), [&](const Arm* x, const Arm* y) { return npv_of(x) > npv_of(y); });
    int rank = 0;
    for (const Arm* a : order) {
      h += "<tr><td class=\"num rank\">" + std::to_string(++rank) + "</td><td>" + swatch(*a) + html_escape(label(*a)) + "</td>";
      for (const auto& c : cols) {
        if (c.outcome == "break_even_year") {
          const Stat* s = figures_.horizon(a->index, c.outcome);
          const std::string t = break_even_text(a->index, "break_even_year", "all");
          // Sorting: an earlier year is better; none within the horizon sorts last.
          h += "<td class=\"num\" data-value=\"" + (s && s->median ? fixed(*s->median, 0) : std::string("9999")) + "\">" + html_escape(t) + "</td>";
          continue;
        }
        const Stat* s = figures_.horizon(a->index, c.outcome, c.breakdown);
        h += "<td class=\"num\" data-value=\"" + (s && s->mean ? fixed(*s->mean, 6) : std::string("")) + "\">" + mean_text(s, c.kind) +
             (s && s->interval_shown() && c.kind != Kind::probability ? "<span class=\"iv\">" + interval_text(s, c.kind) + "</span>" : "") +
             "</td>";
      }
      h += "</tr>\n";
    }
    h += "</tbody></table>\n<p class=\"note fine\">PV: present value. NPV: public savings minus investment, present values. Equity gain: "
         "QALYs gained per 100,000 people in the most deprived fifth of neighbourhoods minus the least deprived fifth (above zero: "
         "the gap narrows). P(return > \xC2\xA3" "1): the share of replicates whose savings exceed the investment.</p></div>\n";
  }

  void decision(std::string& h) const {
    h += "<section id=\"decision\" class=\"paper\">\n";
    if (!comparison_) {
      h += "<div class=\"decision-box\"><p class=\"verdict\">A single run of " + html_escape(arms_.empty() ? std::string() : label(arms_.front())) +
           ": there is no baseline to compare with, so no savings, return or pay-back. Run <code>shiftsim compare</code> for a "
           "decision.</p></div>\n</section>\n";
      return;
    }
    h += "<div class=\"decision-box\">\n";
    if (scenarios_.size() == 1) {
      const Arm& a = *scenarios_.front();
      h += "<p class=\"verdict\">" + verdict(a) + "</p>\n";
      decision_tiles(h, a);
    } else {
      // The best by NPV in a sentence; the table ranks them all.
      const Arm* best = scenarios_.front();
      int paying = 0;
      for (const Arm* a : scenarios_) {
        const Stat* n = figures_.horizon(a->index, "npv_gbp");
        const Stat* b = figures_.horizon(best->index, "npv_gbp");
        if (n && n->mean && *n->mean >= 0) ++paying;
        if (n && n->mean && (!b || !b->mean || *n->mean > *b->mean)) best = a;
      }
      h += "<p class=\"verdict\">" + std::to_string(scenarios_.size()) + " plans against " + html_escape(label(*baseline_)) + ": " +
           (paying == 0 ? std::string("<strong>none pays for itself</strong>")
                        : "<strong>" + std::to_string(paying) + (paying == 1 ? " pays" : " pay") + " for " + (paying == 1 ? "itself" : "themselves") + "</strong>") +
           " within " + html_escape(horizon_text()) + ". Best by net present value: " + swatch(*best) + html_escape(label(*best)) + ", " +
           mean_text(figures_.horizon(best->index, "npv_gbp"), Kind::gbp) + ".</p>\n";
      league_table(h);
    }
    h += "<p class=\"note fine\">Means over " + std::to_string(replicates_) + " replicates" +
         (replicates_ >= kMinIntervalReplicates ? " with 90% intervals" : " (too few for 90% intervals: run 20 or more for a decision)") +
         "; money in present values at the scenario's discount rate. Against " + html_escape(label(*baseline_)) + ".</p>\n";
    h += "</div>\n";
    h += decision_chart();
    h += "</section>\n";
  }

  /// What a person is reached by: the targeting in words.
  static std::string targeting_text(const json& t) {
    if (!t.is_object() || t.empty()) return "everyone the intervention's evidence covers";
    std::vector<std::string> parts;
    if (t.contains("ages") && t["ages"].is_array() && t["ages"].size() == 2)
      parts.push_back("aged " + dump(t["ages"][0]) + kEnDash + dump(t["ages"][1]));
    auto list = [&](const char* key, const std::string& prefix) {
      if (!t.contains(key) || !t[key].is_array() || t[key].empty()) return;
      std::string s;
      for (std::size_t i = 0; i < t[key].size(); ++i) {
        const json& v = t[key][i];
        s += (i ? ", " : "") + (v.is_string() ? v.get<std::string>() : dump(v));
      }
      parts.push_back(prefix + s);
    };
    list("sexes", "");
    list("conditions", "with ");
    list("risk_factors", "who are ");
    list("frailty", "frailty: ");
    list("imd_deciles", "IMD deciles ");
    list("icps", "in ");
    list("neighbourhoods", "neighbourhoods ");
    const std::string alloc = t.value("allocation", "");
    if (alloc == "proportionate") parts.push_back("shared by need (proportionate universalism)");
    else if (alloc == "highest_risk") parts.push_back("highest risk first");
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "; " : "") + parts[i];
    return out.empty() ? "everyone the intervention's evidence covers" : out;
  }

  /// Page two: what the money buys (each intervention's targeting, reach and spend against
  /// budget), who ends up better or worse off, and the choices behind the figures.
  void paper_second(std::string& h) const {
    if (!comparison_) return;
    h += "<section id=\"paper-detail\" class=\"paper page-two\">\n<h2>What the money buys</h2>\n";
    for (const Arm* a : scenarios_) {
      const json& ivs = array_member(*a->source, "interventions");
      if (ivs.empty()) continue;
      h += "<table class=\"paper-table keep\"><thead><tr><th>" + (scenarios_.size() > 1 ? swatch(*a) + html_escape(label(*a)) + ": " : std::string()) +
           "intervention</th><th>Who it reaches</th><th class=\"num\">People reached</th><th class=\"num\">Budget</th>"
           "<th class=\"num\">Spent</th><th class=\"num\">Its own savings</th><th>Funder</th></tr></thead><tbody>\n";
      for (const auto& iv : ivs) {
        const std::string name = text(iv, "name");
        const std::string b = "intervention=" + name;
        const Stat* bud = figures_.horizon(a->index, "intervention_budget_gbp", b);
        const Stat* sp = figures_.horizon(a->index, "intervention_spend_gbp", b);
        const Stat* jn = figures_.horizon(a->index, "intervention_new_participants", b);
        std::string funders;
        static const std::map<std::string, std::string> funder_names{
            {"nhs", "NHS"}, {"council", "Council"}, {"public_health", "Public health"}, {"pooled", "Pooled budget"}};
        for (const auto& [f, gbp] : member(iv, "budget_by_funder_gbp").items())
          funders += (funders.empty() ? "" : ", ") + (funder_names.count(f) ? funder_names.at(f) : f);
        const Stat* own = figures_.horizon(a->index, "direct_savings_discounted_gbp", b);
        const double budget = bud && bud->mean ? *bud->mean : 0, spend = sp && sp->mean ? *sp->mean : 0;
        h += "<tr><td>" + html_escape(humane_name(name)) + "</td><td>" + html_escape(targeting_text(member(iv, "targeting"))) +
             "</td><td class=\"num\">" + (text(iv, "reach") == "area" ? std::string("area-wide") : jn && jn->mean ? grouped(*jn->mean, 0) : kNoValue) +
             "</td><td class=\"num\">" + (bud && bud->mean ? money(budget) : kNoValue) + "</td><td class=\"num\">" +
             (sp && sp->mean ? money(spend) + (budget > 0 ? " <span class=\"meta\">(" + fixed(100 * spend / budget, 0) + "%)</span>" : "") : kNoValue) +
             "</td><td class=\"num\">" + mean_text(own, Kind::gbp) + "</td><td>" + html_escape(funders) + "</td></tr>\n";
      }
      h += "</tbody></table>\n";
    }
    h += "<p class=\"note fine\">Budgets and spend are undiscounted, for the months the run covers; people reached are those who "
         "joined over the run (means over replicates). Its own savings: what its participants' avoided activity saved the NHS and "
         "councils (present values); the appendix bridges these to the total, and says what bound any spend short of budget.</p>\n";
    // Net position of each organisation.
    h += "<h3>Who is better or worse off</h3>\n<table class=\"paper-table keep\"><thead><tr><th>Organisation</th>";
    for (const Arm* a : scenarios_) h += "<th class=\"num\">" + (scenarios_.size() > 1 ? swatch(*a) : std::string()) + html_escape(scenarios_.size() > 1 ? label(*a) : std::string("Net position")) + "</th>";
    h += "</tr></thead><tbody>\n";
    for (const char* org : {"nhs", "council", "public_health", "pooled", "households"}) {
      bool any = false;
      std::string row = "<tr><td>" + html_escape(organisation_name(org)) + "</td>";
      for (const Arm* a : scenarios_) {
        const Stat* s = figures_.horizon(a->index, "net_position_gbp", std::string("organisation=") + org);
        any = any || (s && s->mean && *s->mean != 0);
        row += "<td class=\"num\">" + mean_text(s, Kind::gbp) + (s && s->interval_shown() ? "<span class=\"iv\">" + interval_text(s, Kind::gbp) + "</span>" : "") + "</td>";
      }
      if (any) h += row + "</tr>\n";
    }
    h += "</tbody></table>\n<p class=\"note fine\">Each organisation's discounted savings minus what it invested (present values). "
         "Households' savings are self-funded care they no longer buy.</p>\n";
    for (const Arm* a : scenarios_) h += finance_rules_line(*a);
    h += "<p class=\"note fine\">" + method_note() + "</p>\n";
    h += "</section>\n";
  }

  /// The appendices open with their contents and the scenarios' own descriptions.
  void appendix_start(std::string& h) const {
    h += "<div class=\"appendices\" id=\"appendices\">\n<h2 class=\"appendix-title\">Appendices: the detail</h2>\n";
    h += "<nav class=\"toc\"><strong>Contents</strong><ol>"
         "<li><a href=\"#scenarios\">The scenarios</a></li>"
         "<li><a href=\"#headline\">Headline answers in full</a></li><li><a href=\"#arms\">Each arm over the horizon</a></li>"
         "<li><a href=\"#money\">Money: cost, savings and return</a></li><li><a href=\"#uncertainty\">Uncertainty</a></li>"
         "<li><a href=\"#health\">Health and the gap</a></li>"
         "<li><a href=\"#wider\">The economy, the start of life and carers</a></li>"
         "<li><a href=\"#activity\">Activity</a></li><li><a href=\"#assumptions\">Assumptions and sources</a></li>"
         "<li><a href=\"#provenance\">Provenance</a></li><li><a href=\"#definitions\">Definitions</a></li></ol></nav>\n";
    h += "<section id=\"scenarios\">\n<h2>The scenarios</h2>\n";
    for (const auto& a : arms_)
      h += "<p class=\"lede\"><strong>" + swatch(a) + html_escape(label(a)) + "</strong> <span class=\"meta\">(" + html_escape(a.name) +
           (comparison_ && &a == baseline_ ? ", the baseline" : "") + ")</span>" +
           (a.description.empty() ? std::string() : ": " + html_escape(a.description)) + "</p>\n";
    h += "</section>\n";
  }

  // ---- Sections ----

  std::string method_note() const {
    const json& prov = member(doc_, "provenance");
    std::string s = "Figures cover " + html_escape(horizon_text()) + " (the horizon), in ";
    const Arm* fin_arm = comparison_ ? scenarios_.front() : (arms_.empty() ? nullptr : &arms_.front());
    const auto base_year = fin_arm ? number(member(*fin_arm->source, "finance"), "price_base_year") : std::nullopt;
    s += base_year ? html_escape(financial_year(*base_year)) + " prices" : "base-year prices";
    s += ". Each figure is the mean over " + std::to_string(replicates_) + (replicates_ == 1 ? " replicate" : " replicates") +
         " of the simulation; a <strong>90% interval</strong> is the 5th to the 95th percentile over replicates.";
    if (comparison_) {
      const bool crn = member(doc_, "common_random_numbers").is_boolean() && member(doc_, "common_random_numbers").get<bool>();
      s +=
          crn ? " Every arm was run with <strong>common random numbers</strong> (replicate k of each arm uses the same seeds and "
                "parameter draws), and differences from the baseline are taken replicate by replicate before being summarised."
              : " The arms were run with <strong>independent random numbers</strong> (not common random numbers), so differences "
                "include chance variation between runs.";
    }
    const auto scale = number(prov, "scale");
    if (scale && *scale < 1)
      s += " Each agent stands for " + grouped(1 / *scale, 0) + " residents (scale " + html_escape(text(prov, "scale")) +
           "); figures are for the whole population.";
    if (replicates_ > 0 && replicates_ < 10)
      s += " With only " + std::to_string(replicates_) +
           " replicates the intervals are rough: run more replicates for a decision.";
    return s;
  }

  /// The break-even year's median as "FY2021/22", or "not within the horizon".
  std::string break_even_text(int arm, const std::string& year_outcome, const std::string& within_breakdown,
                              const std::string& period = "horizon") const {
    const Stat* y = figures_.stat(arm, period, "all", year_outcome);
    const Stat* within = figures_.stat(arm, period, within_breakdown, "break_even_within_horizon");
    if (y && y->median) return financial_year(*y->median);
    // No median: either too many replicates never break even, or none did (then the
    // document has no break-even year at all, only the share that broke even, 0).
    if ((y && !y->median) || (within && within->mean)) return "not within the horizon";
    return "not available";
  }

  std::string break_even_interval(int arm, const std::string& year_outcome) const {
    const Stat* y = figures_.horizon(arm, year_outcome);
    if (!y || y->n < kMinIntervalReplicates || (!y->p05 && !y->p95)) return kNoValue;
    auto f = [](const std::optional<double>& v) { return v ? financial_year(*v) : std::string("beyond the horizon"); };
    return f(y->p05) + " to " + f(y->p95);
  }

  void headline(std::string& h) {
    h += "<section id=\"headline\">\n<h2>Headline answers in full</h2>\n";
    h += "<p class=\"note callout\">" + method_note() + "</p>\n";
    if (!comparison_) {
      h += "<p class=\"callout warning\">This is a single run, not a comparison: savings, return on investment, break-even, "
           "deaths averted, QALYs gained and the who-pays/who-saves matrix are differences from a baseline, and need one. Run "
           "<code>shiftsim compare baseline.json scenario.json</code> to see them. The arm's own figures follow.</p>\n";
      if (!arms_.empty()) single_headline(h, arms_.front());
      h += "</section>\n";
      return;
    }
    for (const Arm* a : scenarios_) {
      scenario_headline(h, *a);
      h += finance_rules_line(*a);
    }
    h += "</section>\n";
  }

  /// The choices that change the answer, in one line under each scenario's headline.
  std::string finance_rules_line(const Arm& a) const {
    const json& fin = member(*a.source, "finance");
    if (!fin.is_object()) return "";
    std::string t = "<p class=\"note\"><strong>Choices behind these figures</strong> (the scenario's <code>finance</code>; "
                    "details under Assumptions): ";
    if (const auto y = number(fin, "price_base_year")) t += "prices and discounting from " + html_escape(financial_year(*y)) + "; ";
    const auto rc = number(fin, "discount_rate_costs"), rh = number(fin, "discount_rate_health");
    if (rc && rh) t += "discount rates " + fixed(100 * *rc, 1) + "% for costs and " + fixed(100 * *rh, 1) + "% for health; ";
    if (fin.contains("cashable")) t += "cashable savings: " + list_of(fin["cashable"]) + "; ";
    t += text(fin, "funding_source") == "existing_budgets" ? "funded from <strong>existing budgets</strong> (their squeeze is in the savings); "
                                                             : "funded from new money; ";
    const bool carried = member(fin, "continue_funding").is_boolean() && member(fin, "continue_funding").get<bool>();
    t += carried ? "funding carried on to the end of the run" : "funding stops when the scenario's years end";
    const json& ob = member(fin, "optimism_bias");
    const double c = number(ob, "costs").value_or(0), b = number(ob, "benefits").value_or(0);
    t += c > 0 || b > 0 ? "; optimism bias +" + fixed(100 * c, 0) + "% costs, " + kMinus + fixed(100 * b, 0) + "% savings" : "; no optimism bias";
    return t + ".</p>\n";
  }

  void single_headline(std::string& h, const Arm& a) const {
    const int k = a.index;
    h += "<div class=\"arm-card\"><h3>" + swatch(a) + html_escape(a.name) + "</h3>\n<p>";
    h += "Over " + html_escape(horizon_text()) + ", services cost the public purse (NHS, council and public health) " +
         with_interval(figures_.horizon(k, "cost_gbp", "public"), Kind::gbp) + "; with what households pay for themselves, " +
         with_interval(figures_.horizon(k, "cost_gbp", "all"), Kind::gbp);
    const Stat* spend = figures_.horizon(k, "intervention_spend_gbp");
    if (spend && spend->mean && *spend->mean != 0) h += ", and its interventions cost " + with_interval(spend, Kind::gbp);
    h += ". There are " + with_interval(figures_.horizon(k, "deaths"), Kind::count) + " deaths and " +
         with_interval(figures_.horizon(k, "qalys"), Kind::count) + " quality-adjusted life years lived. ";
    const Stat* gap = figures_.horizon(k, "le_gap_birth_years", "sex=persons");
    if (gap && gap->mean)
      h += "Life expectancy at birth in the least deprived fifth of neighbourhoods exceeds that in the most deprived by " +
           with_interval(gap, Kind::years) + " years.";
    h += "</p>\n</div>\n";
  }

  void headline_row(std::string& h, const std::string& measure, const std::string& value, const std::string& interval,
                    const std::string& note) const {
    h += "<tr><td>" + measure + "</td><td class=\"num\">" + value + "</td><td class=\"num\">" + interval + "</td><td>" + note +
         "</td></tr>\n";
  }

  void scenario_headline(std::string& h, const Arm& a) const {
    const int k = a.index;
    const auto H = [&](const std::string& o, const std::string& b = "all") { return figures_.horizon(k, o, b); };
    h += "<div class=\"arm-card\"><h3>" + swatch(a) + html_escape(a.name) + " <span class=\"meta\">vs " +
         html_escape(baseline_->name) + "</span></h3>\n<p>";
    // Plain sentences first, then the table.
    // Present values throughout, as the ROI and NPV use them (the undiscounted sums are in the table).
    const Stat* cost = H("intervention_cost_discounted_gbp");
    const Stat* gross = H("gross_savings_discounted_gbp", "public");
    const Stat* cash = H("cashable_savings_discounted_gbp", "public");
    h += "Over " + html_escape(horizon_text()) + ", in present values (discounted), the scenario's interventions cost " +
         with_interval(cost, Kind::gbp) +
         " more than the baseline's. The gross savings in the cost of public services (NHS, council and public health) are " +
         with_interval(gross, Kind::gbp) + ", of which " + with_interval(cash, Kind::gbp) +
         " is cashable (releases money); the rest is capacity released. ";
    const Stat* roi = H("roi_gross");
    const Stat* roi_c = H("roi_cashable");
    const Stat* p1 = H("roi_gross_above_1");
    if (roi && roi->mean) {
      h += "Each \xC2\xA3"
           "1 invested brings back " +
           with_interval(roi, Kind::ratio) + " in gross savings and " + mean_text(roi_c, Kind::ratio) +
           " in cashable savings (present values). ";
      if (p1 && p1->mean)
        h += "The chance that gross savings exceed the investment (ROI above 1) is " + mean_text(p1, Kind::probability) + ". ";
    } else {
      h += "There is no return on investment to report: the scenario invests no more than the baseline. ";
    }
    h += "The net present value is " + with_interval(H("npv_gbp"), Kind::gbp) + "; counting cashable savings only, it is " +
         mean_text(H("npv_cashable_gbp"), Kind::gbp) + ". ";
    const std::string be = break_even_text(k, "break_even_year", "all");
    const Stat* within = H("break_even_within_horizon");
    const std::string share = within && within->mean ? mean_text(within, Kind::probability) : std::string();
    if (be == "not within the horizon")
      h += "It does <strong>not break even within the horizon</strong> (cumulative discounted net benefit stays below zero in "
           "the median replicate)" +
           (share.empty() ? std::string() : "; " + share + " of replicates break even") + ". ";
    else if (be != "not available")
      h += "It breaks even (cumulative discounted net benefit reaches zero) in <strong>" + be +
           "</strong> (median over replicates)" +
           (share.empty() ? std::string() : "; " + share + " of replicates break even within the horizon") + ". ";
    h += "</p>\n<p>";
    const Stat* deaths = H("deaths_averted");
    const Stat* qalys = H("qalys_gained");
    h += "Deaths averted: " + with_interval(deaths, Kind::count) + ". QALYs gained: " + with_interval(qalys, Kind::count) +
         ", or " + mean_text(H("qalys_gained_discounted"), Kind::count) + " discounted. ";
    // The ICER (mean net cost / mean QALYs) when there is one: the per-replicate ratio exists
    // only where QALYs are gained, so its mean would leave the other replicates out.
    // No ICER unless the mean QALY gain is positive; the per-replicate ratio (over the replicates
    // that gain) is never shown in its place, as it would misstate a scenario that loses health.
    const Stat* icer = H("icer_gbp_per_qaly");
    const bool is_icer = icer && icer->mean;
    const Stat* cpq = is_icer ? icer : nullptr;
    const Stat* quadrant_stat = H("cost_effectiveness_quadrant");
    const int quadrant = quadrant_stat && quadrant_stat->mean ? static_cast<int>(*quadrant_stat->mean) : -1;
    const Stat* ce20 = H("cost_effective", "wtp=20000");
    const Stat* ce30 = H("cost_effective", "wtp=30000");
    // The NICE reference case, when the comparison has it, is the figure compared with NICE's
    // thresholds; the budget-impact ratio is given beside it.
    const Stat* nice = H("icer_nice_gbp_per_qaly");
    const Stat* nice_quadrant = H("cost_effectiveness_quadrant_nice");
    if (nice) {
      const int nq = nice_quadrant && nice_quadrant->mean ? static_cast<int>(*nice_quadrant->mean) : -1;
      if (nice->mean)
        h += "In the NICE reference case (costs and health discounted at 3.5%, the unrelated NHS costs of the added life-years "
             "left out) the net cost per QALY gained is " + with_interval(nice, Kind::gbp) + ", " +
             (*nice->mean < 0 ? std::string("dominant") : *nice->mean < 20000 ? "below" : *nice->mean <= 30000 ? "within" : "above") +
             (*nice->mean < 0 ? std::string(". ") : std::string(" NICE's \xC2\xA3" "20,000" + kEnDash + "\xC2\xA3" "30,000 range. "));
      else if (nq >= 0)
        h += "In the NICE reference case it has no cost per QALY: " + html_escape(cost_effectiveness_quadrant_text(nq)) + ". ";
      h += "Counting every cost the NHS and councils will pay at the scenario's own rates (budget impact), ";
      if (cpq && cpq->mean) h += "the net cost per QALY is " + with_interval(cpq, Kind::gbp) + ". ";
      else h += "there is no cost per QALY. ";
      const Stat* n20 = H("cost_effective_nice", "wtp=20000");
      const Stat* n30 = H("cost_effective_nice", "wtp=30000");
      if (n20 && n20->mean && n30 && n30->mean)
        h += "The probability that it is cost-effective in the NICE reference case is " + mean_text(n20, Kind::probability) +
             " at \xC2\xA3" "20,000 per QALY and " + mean_text(n30, Kind::probability) + " at \xC2\xA3" "30,000. ";
    } else if (cpq && cpq->mean) {
      if (*cpq->mean < 0)
        h += "It saves more than it costs while gaining health (dominant): the net cost per QALY gained is " +
             with_interval(cpq, Kind::gbp) + ". ";
      else
        h += "The net cost per QALY gained is " + with_interval(cpq, Kind::gbp) + ", " +
             (*cpq->mean < 20000    ? "below"
              : *cpq->mean <= 30000 ? "within"
                                    : "above") +
             " NICE's \xC2\xA3"
             "20,000" +
             kEnDash +
             "\xC2\xA3"
             "30,000 range. ";
      h += "(This is the ratio of the mean net cost to the mean QALYs gained over the replicates; the probabilities below "
           "carry its uncertainty.) ";
    } else if (quadrant == 3) {
      h += "It is <strong>dominated</strong>: on average it costs more and loses health, so there is no cost per QALY. ";
    } else if (quadrant == 4) {
      h += "On average it saves money but loses health, so there is no cost per QALY gained. ";
    } else {
      h += "On average it gains no QALYs, so there is no cost per QALY. ";
    }
    if (!nice && ce20 && ce20->mean && ce30 && ce30->mean)
      h += "The probability that it is cost-effective is " + mean_text(ce20, Kind::probability) +
           " at \xC2\xA3"
           "20,000 per QALY and " +
           mean_text(ce30, Kind::probability) +
           " at \xC2\xA3"
           "30,000. ";
    const Stat* gap = H("le_gap_birth_change_years", "sex=persons");
    if (gap && gap->mean) {
      const auto f = formatter(Kind::years, magnitude_of(*gap));
      h += "The life-expectancy gap at birth between the most and least deprived fifths " +
           std::string(*gap->mean < 0   ? "narrows by "
                       : *gap->mean > 0 ? "widens by "
                                        : "changes by ") +
           f(std::fabs(*gap->mean)) + " years";
      if (gap->interval_shown()) h += " (change, 90% interval " + f(*gap->p05) + " to " + f(*gap->p95) + " years)";
      h += ".";
    }
    h += "</p>\n<p>" + wider_sentence(a) + "</p>\n";
    if (figures_.has_plan()) plan_and_payback(h, a);

    h += "<table class=\"headline keep\"><thead><tr><th>Over the horizon</th><th class=\"num\">Mean</th><th class=\"num\">90% "
         "interval</th>"
         "<th>Notes</th></tr></thead><tbody>\n";
    // The rows: the report's headlines (results/outcomes.hpp), each written by its kind.
    const Stat* within_c = H("break_even_within_horizon", "cashable");
    for (const auto& l : headlines_shown(scenario_headlines(), kShowReport)) {
      const Stat* st = H(l.outcome, l.breakdown);
      const std::string label = html_escape(l.label.substr(l.label.find_first_not_of(' ')));
      const std::string note = html_escape(l.note);
      if (l.group == HeadlineGroup::beyond) {
        if (!st) continue;
        headline_row(h, "<em>Beyond the horizon:</em> " + label, mean_text(st, kind_of(l.kind)),
                     l.outcome == "icer_lifetime_gbp_per_qaly" ? kNoValue : interval_text(st, kind_of(l.kind)), note);
        continue;
      }
      if (l.kind == Figure::year) {
        const bool cashable = l.outcome == "break_even_year_cashable";
        const std::string share_note = cashable ? (within_c && within_c->mean ? mean_text(within_c, Kind::probability) + " of replicates break even on cashable savings" : "")
                                                : (share.empty() ? std::string() : share + " of replicates break even");
        headline_row(h, label, html_escape(cashable ? break_even_text(k, l.outcome, "cashable") : be) + " <span class=\"meta\">(median)</span>",
                     break_even_interval(k, l.outcome), note + (note.empty() || share_note.empty() ? "" : "; ") + share_note);
        continue;
      }
      if (l.outcome == "cost_effective") {
        headline_row(h, "P(cost-effective at \xC2\xA3" "20k / \xC2\xA3" "30k)",
                     mean_text(ce20, Kind::probability) + " / " + mean_text(ce30, Kind::probability), kNoValue,
                     "Share of replicates with positive net monetary benefit");
        continue;
      }
      // The cost per QALY: the ICER when there is one, else the quadrant of the plane in words.
      const Stat* shown = l.outcome == "icer_gbp_per_qaly" ? cpq : st;
      const Kind kind = kind_of(l.kind);
      std::string mean = mean_text(shown, kind);
      if (l.outcome == "icer_gbp_per_qaly" && !cpq && quadrant >= 0) mean = html_escape(cost_effectiveness_quadrant_text(quadrant));
      if (l.outcome == "icer_nice_gbp_per_qaly") {
        if (!st) continue;
        if (!st->mean && nice_quadrant && nice_quadrant->mean)
          mean = html_escape(cost_effectiveness_quadrant_text(static_cast<int>(*nice_quadrant->mean)));
      }
      if (shown && shown->mean) {
        if (l.kind == Figure::years) mean += " years";
        if (l.kind == Figure::ratio && l.outcome.rfind("roi_", 0) == 0) mean += " back per \xC2\xA3" "1";
        if (l.outcome == "economy_return_per_gbp") mean += " of output per \xC2\xA3" "1";
      }
      headline_row(h, label, mean, l.kind == Figure::probability ? kNoValue : interval_text(shown, kind), note);
    }
    h += "</tbody></table>\n</div>\n";
  }

  /// A run longer than its plan: the plan's figures beside the whole run's, and when the
  /// investment pays back.
  void plan_and_payback(std::string& h, const Arm& a) const {
    const int k = a.index;
    const json& prov = member(doc_, "provenance");
    const auto plan_years = number(prov, "plan_years");
    const auto start = number(prov, "start_year");
    const std::string plan_label =
        plan_years && start ? "The plan: " + std::to_string(static_cast<int>(*plan_years)) + " years to " + kMonthNames[5] + " " +
                                  std::to_string(static_cast<int>(*start + *plan_years))
                            : std::string("The plan");
    const auto P = [&](const std::string& o, const std::string& b = "all") { return figures_.stat(k, kPlanPeriod, b, o); };
    const auto H = [&](const std::string& o, const std::string& b = "all") { return figures_.horizon(k, o, b); };
    h += "<table class=\"headline keep plan\"><thead><tr><th>The plan and the pay-back</th><th class=\"num\">" +
         html_escape(plan_label) + "</th><th class=\"num\">The whole run: " + html_escape(horizon_text()) + "</th></tr></thead><tbody>\n";
    auto row = [&](const std::string& label, const std::string& outcome, const std::string& breakdown, Kind kind) {
      h += "<tr><td>" + label + "</td><td class=\"num\">" + with_interval(P(outcome, breakdown), kind) + "</td><td class=\"num\">" +
           with_interval(H(outcome, breakdown), kind) + "</td></tr>\n";
    };
    row("Intervention cost, present value", "intervention_cost_discounted_gbp", "all", Kind::gbp);
    row("Public gross savings, present value", "gross_savings_discounted_gbp", "public", Kind::gbp);
    row("Net present value", "npv_gbp", "all", Kind::gbp);
    row("Return on investment, gross", "roi_gross", "all", Kind::ratio);
    row("Deaths averted", "deaths_averted", "all", Kind::count);
    row("QALYs gained, discounted", "qalys_gained_discounted", "all", Kind::count);
    std::string in_plan = break_even_text(k, "break_even_year", "all", kPlanPeriod);
    if (in_plan == "not within the horizon") in_plan = "not within the plan";
    h += "<tr><td>Break-even year</td><td class=\"num\">" + html_escape(in_plan) +
         "</td><td class=\"num\">" + html_escape(break_even_text(k, "break_even_year", "all")) +
         (break_even_interval(k, "break_even_year") == kNoValue
              ? std::string()
              : " <span class=\"meta\">(median; 90% interval " + break_even_interval(k, "break_even_year") + ")</span>") +
         "</td></tr>\n";
    h += "</tbody></table>\n";
  }

  /// One outcome as a table row: label, outcome, breakdown, how to format it.
  struct Row {
    const char *label, *outcome, *breakdown;
    Kind kind;
  };

  /// A table cell: the mean, with the 90% interval under it when there are replicates.
  std::string stat_cell(const Stat* st, Kind kind) const {
    std::string c = "<td class=\"num\">" + mean_text(st, kind);
    if (st && st->n > 1 && st->p05 && st->p95) c += "<span class=\"iv\">" + interval_text(st, kind) + "</span>";
    return c + "</td>";
  }

  /// Rows of horizon outcomes, a column per arm; rows no arm has are left out.
  void horizon_table(std::string& h, const std::vector<Row>& rows, const std::vector<const Arm*>& arms, const std::string& head) const {
    h += "<table class=\"arms\"><thead><tr><th>" + html_escape(head) + "</th>";
    for (const Arm* a : arms) h += "<th class=\"num\">" + swatch(*a) + html_escape(a->name) + "</th>";
    h += "</tr></thead><tbody>\n";
    for (const auto& r : rows) {
      bool any = false;
      for (const Arm* a : arms) any = any || figures_.horizon(a->index, r.outcome, r.breakdown);
      if (!any) continue;
      h += "<tr><td>" + html_escape(r.label) + "</td>";
      for (const Arm* a : arms) h += stat_cell(figures_.horizon(a->index, r.outcome, r.breakdown), r.kind);
      h += "</tr>\n";
    }
    h += "</tbody></table>\n";
  }

  std::vector<const Arm*> all_arms() const {
    std::vector<const Arm*> all;
    for (const auto& a : arms_) all.push_back(&a);
    return all;
  }

  void arms_table(std::string& h) const {
    h += "<section id=\"arms\">\n<h2>Each arm over the horizon</h2>\n<p class=\"note\">The figures of each arm on its own over " +
         html_escape(horizon_text()) + ": mean, with the 90% interval under it.</p>\n";
    const std::vector<Row> rows{
        {"Residents at the end", "population_end", "all", Kind::count},
        {"Cost of services, public", "cost_gbp", "public", Kind::gbp},
        {"Cost of services, all payers", "cost_gbp", "all", Kind::gbp},
        {"Cost of services, public, discounted", "cost_discounted_gbp", "public", Kind::gbp},
        {"Intervention spend", "intervention_spend_gbp", "all", Kind::gbp},
        {"Deaths", "deaths", "all", Kind::count},
        {"QALYs lived", "qalys", "all", Kind::count},
        {"Life expectancy at birth (years)", "life_expectancy_birth_years", "sex=persons", Kind::years},
        {"Life expectancy at 65 (years)", "life_expectancy_65_years", "sex=persons", Kind::years},
        {"Gap in life expectancy at birth, least minus most deprived fifth (years)", "le_gap_birth_years", "sex=persons",
         Kind::years},
        {"Slope index of inequality, life expectancy at birth (years)", "sii_le_birth_years", "sex=persons", Kind::years},
        {"Disability-free life expectancy at birth (years)", "disability_free_le_birth_years", "sex=persons", Kind::years},
        {"Disability-free life expectancy at 65 (years)", "disability_free_le_65_years", "sex=persons", Kind::years},
        {"Residents with an activity-limiting illness", "activity_limited_percent", "all", Kind::percent},
        {"GP appointments", "gp_appointments", "all", Kind::count},
        {"A&E attendances", "ae_attendances", "all", Kind::count},
        {"Emergency admissions", "emergency_admissions", "all", Kind::count},
        {"Emergency bed-days", "emergency_bed_days", "all", Kind::count},
        {"Delayed-discharge bed-days", "delayed_discharge_bed_days", "all", Kind::count},
        {"Home-care hours", "home_care_hours", "all", Kind::count},
        {"Care-home weeks", "care_home_weeks", "all", Kind::count},
        {"Care-home residents at the end", "care_home_residents_end", "all", Kind::count}};
    horizon_table(h, rows, all_arms(), "Horizon");
    h += "</section>\n";
  }

  std::string comparison_needed(const std::string& what) const {
    return "<p class=\"callout warning\">" + what +
           " compare a scenario with a baseline, and this report is of a single run. Run <code>shiftsim compare</code> with a "
           "baseline and "
           "this scenario to see them.</p>\n";
  }

  void money_section(std::string& h) {
    h += "<section id=\"money\">\n<h2>Money: cost, savings and return</h2>\n";
    cost_by_payer(h);
    if (!comparison_) {
      h += comparison_needed(
          "Savings by payer, the distribution of savings and return on investment, the who-pays/who-saves matrix and the "
          "break-even curve");
      h += "</section>\n<section id=\"uncertainty\">\n<h2>Uncertainty: what could change the answer</h2>\n" +
           comparison_needed("The cost-effectiveness plane, the acceptability curve, the one-way sensitivity and the value of information") +
           "</section>\n";
      return;
    }
    savings_by_payer(h);
    distributions(h);
    who_pays(h);
    break_even(h);
    pay_back_table(h);
    by_icp(h);
    bought(h);
    bridge(h);
    h += "</section>\n";
    uncertainty(h);
  }

  /// What each intervention bought: budget against spend, new participants and the limit that
  /// bound the spend, by financial year.
  void bought(std::string& h) {
    bool any = false;
    for (const Arm* a : scenarios_) {
      const json& ivs = array_member(*a->source, "interventions");
      for (const auto& iv : ivs) {
        const std::string name = text(iv, "name");
        const std::string b = "intervention=" + name;
        const Stat* total = figures_.horizon(a->index, "intervention_budget_gbp", b);
        if (!total) continue;
        if (!any) h += "<h3>What each intervention bought</h3>\n<p class=\"note\">Budget entered against budget spent, by financial "
                       "year (the budget for the months the run covers), the people who joined and what bound the spend when it fell "
                       "short of the budget. Means over replicates, undiscounted.</p>\n";
        any = true;
        const double uptake = number(iv, "max_uptake").value_or(0);
        const int ramp = static_cast<int>(number(iv, "ramp_up_months").value_or(0));
        h += "<table class=\"arms\"><thead><tr><th>" + html_escape(a->name + ": " + name) +
             "</th><th class=\"num\">Budget</th><th class=\"num\">Spend</th><th class=\"num\">Spent</th><th class=\"num\">New "
             "participants</th><th>What bound the spend</th></tr></thead><tbody>\n";
        auto row = [&](const std::string& label, const std::string& period, bool year) {
          const Stat* bud = figures_.stat(a->index, period, b, "intervention_budget_gbp");
          if (!bud || !bud->mean) return;
          const Stat* sp = figures_.stat(a->index, period, b, "intervention_spend_gbp");
          const Stat* jn = figures_.stat(a->index, period, b, "intervention_new_participants");
          const Stat* lim = figures_.stat(a->index, period, b, "intervention_spend_limit");
          const Stat* cap = figures_.stat(a->index, period, b, "intervention_uptake_ceiling");
          const double spend = sp && sp->mean ? *sp->mean : 0, ceiling = cap && cap->mean ? *cap->mean : 0;
          std::string why;
          if (year && lim && lim->mean)
            why = spend_limit_text(static_cast<SpendLimit>(static_cast<int>(*lim->mean)), uptake, uptake > 0 ? ceiling / uptake : 0, ceiling, ramp);
          h += "<tr><td>" + html_escape(label) + "</td><td class=\"num\">" + money(*bud->mean) + "</td><td class=\"num\">" + money(spend) +
               "</td><td class=\"num\">" + (*bud->mean > 0 ? fixed(100 * spend / *bud->mean, 0) + "%" : std::string("-")) +
               "</td><td class=\"num\">" + (jn && jn->mean ? grouped(*jn->mean, 0) : std::string("-")) + "</td><td>" + html_escape(why) +
               "</td></tr>\n";
        };
        for (const auto& period : figures_.financial_years()) row(period, period, true);
        row("The whole run", "horizon", false);
        h += "</tbody></table>\n";
      }
    }
  }

  /// From each intervention's direct savings to the total.
  void bridge(std::string& h) {
    bool any = false;
    for (const Arm* a : scenarios_) {
      const Stat* direct = figures_.horizon(a->index, "direct_savings_discounted_gbp");
      if (!direct) continue;
      if (!any)
        h += "<h3>From direct to total savings</h3>\n<p class=\"note\">The savings bridge, present values over the horizon "
             "(means, 90% interval under each with enough replicates). <strong>Direct</strong>: what each intervention's own ledger "
             "avoided among its participants (their expected activity without its effect minus with it, at unit costs; the "
             "<code>avoided_nhs_cost_gbp</code> and <code>avoided_council_cost_gbp</code> of <code>intervention_metrics</code>). "
             "<strong>System and indirect</strong>: the rest of the public gross savings, by payer: capacity and delays (the system "
             "model's feedback), activity the avoided events would have led to later, the later care of people who live longer "
             "(a cost), reinvestment's knock-on and Monte Carlo noise. The lines add up to the public gross savings.</p>\n";
      any = true;
      h += "<table class=\"arms\"><thead><tr><th>" + html_escape(a->name) + "</th><th class=\"num\">NHS</th><th "
           "class=\"num\">Council</th><th class=\"num\">Total</th></tr></thead><tbody>\n";
      for (const auto& b : figures_.breakdowns(a->index, "direct_savings_discounted_gbp")) {
        if (b.rfind("intervention=", 0) != 0 || b.find(';') != std::string::npos) continue;
        h += "<tr><td>Direct: " + html_escape(b.substr(13)) + "</td>" +
             stat_cell(figures_.horizon(a->index, "direct_savings_discounted_gbp", b + ";payer=nhs"), Kind::gbp) +
             stat_cell(figures_.horizon(a->index, "direct_savings_discounted_gbp", b + ";payer=council"), Kind::gbp) +
             stat_cell(figures_.horizon(a->index, "direct_savings_discounted_gbp", b), Kind::gbp) + "</tr>\n";
      }
      h += "<tr><td>System and indirect effects</td>" + stat_cell(figures_.horizon(a->index, "system_savings_discounted_gbp", "payer=nhs"), Kind::gbp) +
           stat_cell(figures_.horizon(a->index, "system_savings_discounted_gbp", "payer=council"), Kind::gbp) +
           stat_cell(figures_.horizon(a->index, "system_savings_discounted_gbp", "public"), Kind::gbp) + "</tr>\n";
      if (const Stat* u = figures_.horizon(a->index, "unrelated_costs_added_life_discounted_gbp"); u && u->mean) {
        Stat neg = *u;
        for (auto* x : {&neg.mean, &neg.median, &neg.p05, &neg.p95})
          if (*x) **x = -**x;
        std::swap(neg.p05, neg.p95);
        h += "<tr><td>&nbsp;&nbsp;of which: the later NHS care of people who live longer (estimated: extra person-years x average NHS "
             "spend by age, sex and deprivation)</td><td></td><td></td>" + stat_cell(&neg, Kind::gbp) + "</tr>\n";
      }
      if (const Stat* ph = figures_.horizon(a->index, "system_savings_discounted_gbp", "payer=public_health"); ph && ph->mean && *ph->mean != 0)
        h += "<tr><td>of which public health</td><td></td><td></td>" + stat_cell(ph, Kind::gbp) + "</tr>\n";
      h += "<tr><td><strong>Public gross savings</strong></td><td></td><td></td>" +
           stat_cell(figures_.horizon(a->index, "gross_savings_discounted_gbp", "public"), Kind::gbp) + "</tr>\n";
      for (const auto& b : figures_.breakdowns(a->index, "gross_savings_discounted_gbp")) {
        if (b.rfind("activity=", 0) != 0) continue;
        const Stat* st = figures_.horizon(a->index, "gross_savings_discounted_gbp", b);
        if (!st || !st->mean || std::fabs(*st->mean) < 500) continue;
        std::string label = b.substr(9);
        std::replace(label.begin(), label.end(), '_', ' ');
        h += "<tr><td class=\"sub\">&nbsp;&nbsp;by activity: " + html_escape(label) + "</td><td></td><td></td>" + stat_cell(st, Kind::gbp) + "</tr>\n";
      }
      if (figures_.horizon(a->index, "funded_from_existing_budgets_gbp")) {
        h += "<tr><td>Taken from existing budgets to pay for it (undiscounted; its squeeze is in the lines above)</td><td></td><td></td>" +
             stat_cell(figures_.horizon(a->index, "funded_from_existing_budgets_gbp"), Kind::gbp) + "</tr>\n";
        h += "<tr><td>Home-care hours the council no longer buys</td><td></td><td></td>" +
             stat_cell(figures_.horizon(a->index, "home_care_hours_displaced"), Kind::count) + "</tr>\n";
      }
      h += "</tbody></table>\n";
    }
  }

  /// ROI and NPV at 2, 5, 10 and 25 years (and the horizon), side by side.
  void pay_back_table(std::string& h) {
    const auto years = figures_.breakdowns_of("npv_by_years_gbp", "years=");
    if (years.empty()) return;
    h += "<h3>Pay-back by time horizon</h3>\n<p class=\"note\">Each column counts the plan's first N years only (present values, "
         "discounted from the price base year): the timescales of the NICE return-on-investment tools. Mean, 90% interval "
         "under it.</p>\n";
    for (const Arm* a : scenarios_) {
      h += "<table class=\"arms\"><thead><tr><th>" + html_escape(a->name) + "</th>";
      for (const auto& y : years) h += "<th class=\"num\">" + html_escape(y.substr(6)) + " years</th>";
      h += "</tr></thead><tbody>\n";
      const std::vector<std::pair<const char*, std::pair<const char*, Kind>>> rows{
          {"Intervention cost (discounted)", {"intervention_cost_by_years_discounted_gbp", Kind::gbp}},
          {"Gross savings, public (discounted)", {"gross_savings_by_years_discounted_gbp", Kind::gbp}},
          {"Net present value", {"npv_by_years_gbp", Kind::gbp}},
          {"Net present value, cashable", {"npv_cashable_by_years_gbp", Kind::gbp}},
          {"ROI gross (GBP back per GBP 1)", {"roi_gross_by_years", Kind::ratio}}};
      for (const auto& [label, what] : rows) {
        h += "<tr><td>" + html_escape(label) + "</td>";
        for (const auto& y : years) h += stat_cell(figures_.horizon(a->index, what.first, y), what.second);
        h += "</tr>\n";
      }
      h += "</tbody></table>\n";
    }
  }

  /// Savings, spend and NPV by ICP of residence.
  void by_icp(std::string& h) {
    const auto icps = figures_.breakdowns_of("npv_gbp", "icp=");
    if (icps.empty()) return;
    h += "<h3>Where the savings fall: by ICP</h3>\n<p class=\"note\">Public gross savings, intervention cost and NPV by the ICP "
         "the residents live in, present values over the horizon.</p>\n";
    for (const Arm* a : scenarios_) {
      h += "<table class=\"arms\"><thead><tr><th>" + html_escape(a->name) +
           "</th><th class=\"num\">Gross savings</th><th class=\"num\">Intervention cost</th><th class=\"num\">NPV</th></tr></thead><tbody>\n";
      for (const auto& b : icps) {
        h += "<tr><td>" + html_escape(b.substr(4)) + "</td>" + stat_cell(figures_.horizon(a->index, "gross_savings_discounted_gbp", b), Kind::gbp) +
             stat_cell(figures_.horizon(a->index, "intervention_cost_discounted_gbp", b), Kind::gbp) +
             stat_cell(figures_.horizon(a->index, "npv_gbp", b), Kind::gbp) + "</tr>\n";
      }
      h += "</tbody></table>\n";
    }
  }

  /// The cost-effectiveness plane, the acceptability curve, the one-way sensitivity with
  /// switching values, and the value of information.
  void uncertainty(std::string& h) {
    h += "<section id=\"uncertainty\">\n<h2>Uncertainty: what could change the answer</h2>\n";
    if (replicates_ < 2) {
      h += "<p class=\"callout warning\">One replicate: no parameter was drawn, so nothing here can be shown. Run with "
           "<code>--replicates 20</code> or more.</p>\n</section>\n";
      return;
    }
    // The plane: incremental cost (net of savings) against discounted QALYs gained.
    Scatter c;
    c.id = "chart-ce-plane";
    c.kind = "ce-plane";
    c.title = "Cost-effectiveness plane";
    c.description = "Each replicate of each scenario: discounted QALYs gained across, net cost (intervention cost less public gross "
                    "savings, present value) up; dashed lines at GBP 20,000 and 30,000 per QALY.";
    c.x_title = "QALYs gained (discounted)";
    c.y_title = "Net cost (GBP, present value; below zero saves money)";
    c.x_unit = Kind::count;
    c.y_unit = Kind::gbp;
    c.top_right = "Costs more, gains health";
    c.top_left = "Dominated";
    c.bottom_right = "Dominant";
    c.bottom_left = "Saves money, loses health";
    c.slopes = {{20000.0, "GBP 20,000 per QALY"}, {30000.0, "GBP 30,000 per QALY"}};
    std::vector<Stat> net_cost;
    net_cost.reserve(scenarios_.size());
    for (const Arm* a : scenarios_) {
      ScatterGroup g;
      g.label = a->name;
      g.colour = colour(*a);
      std::map<int, double> q;
      for (const auto& [r, v] : figures_.replicate_values(a->index, "qalys_gained_discounted", "all")) q[r] = v;
      for (const auto& [r, v] : figures_.replicate_values(a->index, "npv_gbp", "all"))
        if (q.count(r)) g.points.emplace_back(q[r], -v);
      g.x = figures_.horizon(a->index, "qalys_gained_discounted");
      Stat s;
      if (const Stat* npv = figures_.horizon(a->index, "npv_gbp")) {
        s = *npv;
        for (auto* v : {&s.mean, &s.median}) if (*v) **v = -**v;
        std::swap(s.p05, s.p95);
        for (auto* v : {&s.p05, &s.p95}) if (*v) **v = -**v;
      }
      net_cost.push_back(s);
      g.y = &net_cost.back();
      if (!g.points.empty()) c.groups.push_back(std::move(g));
    }
    if (!c.groups.empty()) {
      h += figure_open("ce-plane", c.title,
                       "Every replicate draws the uncertain parameters afresh; a point below a dashed line is cost-effective at that "
                       "willingness to pay. The diamond is the mean with its 90% intervals.");
      h += render(c) + "</figure>\n";
    }
    // The acceptability curve.
    LineChart ceac;
    ceac.id = "chart-ceac";
    ceac.kind = "ceac";
    ceac.title = "Cost-effectiveness acceptability curve";
    ceac.description = "The share of replicates whose net monetary benefit is above zero at each willingness to pay per QALY.";
    ceac.y_title = "Probability cost-effective";
    ceac.x_title = "Willingness to pay (GBP per QALY)";
    ceac.unit = Kind::probability;
    ceac.y_range = std::make_pair(0.0, 1.0);
    std::vector<std::string> wtps;
    for (const auto& b : figures_.breakdowns_of("cost_effective", "wtp=")) wtps.push_back(b);
    std::sort(wtps.begin(), wtps.end(), [](const std::string& x, const std::string& y) { return std::atof(x.c_str() + 4) < std::atof(y.c_str() + 4); });
    for (const auto& w : wtps) ceac.categories.push_back(grouped(std::atof(w.c_str() + 4) / 1000.0, 0) + "k");
    for (const Arm* a : scenarios_) {
      Series sr;
      sr.label = a->name;
      sr.colour = colour(*a);
      for (const auto& w : wtps) {
        const Stat* st = figures_.horizon(a->index, "cost_effective", w);
        sr.mid.push_back(st ? st->mean : std::nullopt);
        sr.lo.push_back(std::nullopt);
        sr.hi.push_back(std::nullopt);
      }
      ceac.series.push_back(sr);
    }
    if (has_points(ceac)) {
      h += figure_open("ceac", ceac.title,
                       "NICE's range is GBP 20,000" + kEnDash + "30,000 per QALY. With few replicates each step is one replicate.");
      h += render(ceac) + "</figure>\n";
    }
    // The tornado as a table, with the switching value.
    for (const Arm* a : scenarios_) {
      const auto params = figures_.breakdowns(a->index, "sensitivity_share");
      h += "<h3>One-way sensitivity of the NPV: " + html_escape(a->name) + "</h3>\n";
      if (params.empty()) {
        h += "<p class=\"note\">No drawn parameter explains a significant share of the NPV" + std::string("\u2019") +
             "s variance across the " + std::to_string(replicates_) +
             " replicates (F test, Bonferroni-corrected over the parameters tried). More replicates find the ones that matter.</p>\n";
        continue;
      }
      h += "<p class=\"note\">The parameters that explain most of the variance of the NPV across the replicates, each alone (by "
           "regression of the NPV on the drawn parameter); the NPV expected with the parameter at its 5th and 95th percentile; "
           "and the switching value, where the expected NPV crosses zero. Estimated from " +
           std::to_string(replicates_) + " replicates: below 100 the figures are rough.</p>\n";
      h += "<table class=\"arms\"><thead><tr><th>Parameter</th><th class=\"num\">Share</th><th class=\"num\">5th pct</th><th "
           "class=\"num\">95th pct</th><th class=\"num\">NPV at 5th</th><th class=\"num\">NPV at 95th</th><th "
           "class=\"num\">Switches at</th><th class=\"num\">EVPPI, GBP 20k/QALY</th></tr></thead><tbody>\n";
      for (const auto& p : params) {
        auto v = [&](const char* o) {
          const Stat* st = figures_.horizon(a->index, o, p);
          return st ? st->mean : std::optional<double>{};
        };
        auto plain = [](std::optional<double> x) {
          if (!x) return std::string("none in range");
          if (std::fabs(*x) >= 1000) return grouped(*x, 0);
          char b[32];
          std::snprintf(b, sizeof b, "%.3g", *x);
          return std::string(b);
        };
        const Stat* e = figures_.horizon(0, "evppi_gbp", p + ";wtp=20000");
        h += "<tr><td><code>" + html_escape(shorten(p.substr(10), 44)) + "</code></td><td class=\"num\">" +
             fixed(100 * v("sensitivity_share").value_or(0), 0) + "%</td><td class=\"num\">" + plain(v("sensitivity_parameter_low")) +
             "</td><td class=\"num\">" + plain(v("sensitivity_parameter_high")) + "</td><td class=\"num\">" +
             money(v("sensitivity_npv_low_gbp").value_or(0)) + "</td><td class=\"num\">" +
             money(v("sensitivity_npv_high_gbp").value_or(0)) + "</td><td class=\"num\">" + plain(v("switching_value")) +
             "</td><td class=\"num\">" + (e && e->mean ? money(*e->mean) : std::string("-")) + "</td></tr>\n";
      }
      h += "</tbody></table>\n";
    }
    // The value of information.
    std::string rows, needed;
    for (const auto& b : figures_.breakdowns_of("evppi_gbp", "group=")) {
      if (b.find(";wtp=20000") == std::string::npos) continue;
      const std::string group = b.substr(6, b.find(';') - 6);
      const Stat* e20 = figures_.horizon(0, "evppi_gbp", b);
      const Stat* e30 = figures_.horizon(0, "evppi_gbp", "group=" + group + ";wtp=30000");
      const Stat* n = figures_.horizon(0, "evppi_replicates_needed", "group=" + group);
      if (e20 && e20->mean)
        rows += "<tr><td><code>" + html_escape(group) + "</code></td><td class=\"num\">" + money(*e20->mean) + "</td><td class=\"num\">" +
                (e30 && e30->mean ? money(*e30->mean) : std::string("-")) + "</td></tr>\n";
      else if (n && n->mean)
        needed += (needed.empty() ? "" : ", ") + html_escape(group) + " (" + plain_number(*n->mean) + ")";
    }
    const Stat* evpi20 = figures_.horizon(0, "evpi_gbp", "wtp=20000");
    const Stat* evpi30 = figures_.horizon(0, "evpi_gbp", "wtp=30000");
    h += "<h3>The value of information</h3>\n<p class=\"note\">What knowing the uncertain parameters before deciding would be "
         "worth, for the region over the horizon: all of them (EVPI), or one group of the parameter table (EVPPI, by the "
         "regression metamodel of Strong, Oakley and Brennan 2014). Research that costs more than this is not worth buying for "
         "this decision.</p>\n";
    h += "<table class=\"arms\"><thead><tr><th>Parameters</th><th class=\"num\">at GBP 20,000 per QALY</th><th class=\"num\">at "
         "GBP 30,000 per QALY</th></tr></thead><tbody>\n<tr><td>All (EVPI)</td><td class=\"num\">" +
         (evpi20 && evpi20->mean ? money(*evpi20->mean) : std::string("-")) + "</td><td class=\"num\">" +
         (evpi30 && evpi30->mean ? money(*evpi30->mean) : std::string("-")) + "</td></tr>\n" + rows + "</tbody></table>\n";
    if (!needed.empty())
      h += "<p class=\"note\">Not estimated with " + std::to_string(replicates_) +
           " replicates (10 per regression term are needed; replicates needed in brackets): " + needed + ".</p>\n";
    h += "</section>\n";
  }

  void cost_by_payer(std::string& h) {
    const auto payers = figures_.breakdowns_of("cost_gbp", "payer=");
    h += "<h3>Cost by payer over time</h3>\n";
    if (payers.empty() || figures_.financial_years().empty()) {
      h += "<p class=\"note\">The document has no cost by payer.</p>\n";
      return;
    }
    StackedBars bars;
    bars.id = "chart-cost-by-payer";
    bars.kind = "cost-by-payer";
    bars.title = std::string("Cost of services by payer and financial year") + (arms_.size() > 1 ? ", each arm" : "") +
                 " (mean, annualised)";
    bars.description = "Stacked bars of the mean cost of services by payer for each financial year, one bar per arm.";
    bars.y_title = "Cost a year (GBP, the price base year's prices)";
    bars.categories = figures_.financial_years();
    for (std::size_t i = 0; i < payers.size(); ++i)
      bars.stacks.emplace_back(label_of(breakdown_part(payers[i], "payer")), kStackColours[i % kStackColours.size()]);
    for (const auto& a : arms_) {
      bars.groups.push_back(a.name);
      std::vector<std::vector<double>> by_year;
      for (const auto& p : figures_.financial_years()) {
        std::vector<double> v;
        for (const auto& b : payers) {
          const Stat* st = figures_.stat(a.index, p, b, "cost_gbp");
          v.push_back(st && st->mean ? *st->mean : 0.0);
        }
        by_year.push_back(v);
      }
      bars.values.push_back(by_year);
    }
    std::string which;
    if (arms_.size() > 1) {
      which = " In each year the bars are, left to right: ";
      for (std::size_t i = 0; i < arms_.size(); ++i)
        which += (i ? ", " : "") + std::to_string(i + 1) + " = " + html_escape(arms_[i].name);
      which += ".";
    }
    h += figure_open("cost-by-payer", bars.title,
                     "What each payer spends on services (intervention spend excluded), by financial year." + which +
                         annualised_note() + " Hover over a segment for its value.");
    h += render(bars) + "</figure>\n";

    LineChart line;
    line.id = "chart-public-cost";
    line.kind = "cost-by-payer";
    line.title = std::string("Public cost of services by financial year") + (arms_.size() > 1 ? ", each arm," : "") +
                 " with 90% intervals";
    line.description = "Mean annual public cost of services per arm with 5th to 95th percentile bands.";
    line.y_title = "Public cost a year (GBP)";
    line.unit = Kind::gbp;
    line.categories = figures_.financial_years();
    // The scenarios first and the baseline last, dashed, so that it is drawn on top: the arms
    // differ by far less than the line's width, and a baseline drawn first hid under them.
    for (const auto& a : arms_)
      if (!(comparison_ && &a == baseline_)) line.series.push_back(series_of(a, "cost_gbp", "public", label(a), colour(a)));
    if (comparison_) {
      line.series.push_back(series_of(*baseline_, "cost_gbp", "public", label(*baseline_) + " (dashed, on top)", colour(*baseline_)));
      line.series.back().dashed = true;
    }
    if (has_points(line)) {
      h += figure_open(
          "public-cost", line.title,
          "NHS, council and public health together; the shaded bands are the 90% intervals over replicates." + annualised_note() +
              (comparison_
                   ? " The arms differ by far less than the whole budget, so their lines overlap: the next chart shows the difference."
                   : ""));
      h += render(line) + "</figure>\n";
    }
    if (comparison_) {
      // The difference itself: scenario minus baseline public cost, replicate by replicate.
      LineChart diff;
      diff.id = "chart-public-cost-difference";
      diff.kind = "cost-difference";
      diff.title = "Public cost of services, each scenario minus the baseline";
      diff.description = "Scenario minus baseline public cost of services by financial year (the negative of the public gross "
                         "savings), mean with 90% bands; below zero the scenario costs less.";
      diff.y_title = "Scenario minus baseline, a year (GBP)";
      diff.unit = Kind::gbp;
      diff.zero_line = true;
      diff.categories = figures_.financial_years();
      for (const Arm* a : scenarios_) {
        Series sv = series_of(*a, "gross_savings_gbp", "public", label(*a), colour(*a));
        for (auto* v : {&sv.mid, &sv.lo, &sv.hi})
          for (auto& x : *v)
            if (x) x = -*x;
        std::swap(sv.lo, sv.hi);
        diff.series.push_back(sv);
      }
      if (has_points(diff)) {
        h += figure_open("public-cost-difference", diff.title,
                         "The difference the chart above cannot show at its scale: below the dashed zero line the scenario "
                         "costs the public purse less than the baseline that year (the savings)." +
                             annualised_note());
        h += render(diff) + "</figure>\n";
      }
    }

    // The horizon totals by payer, per arm.
    h += "<table class=\"keep\"><thead><tr><th>Cost over the horizon</th>";
    for (const auto& a : arms_) h += "<th class=\"num\">" + swatch(a) + html_escape(label(a)) + "</th>";
    for (const Arm* a : scenarios_)
      h += "<th class=\"num\">Difference" + (scenarios_.size() > 1 ? ": " + html_escape(label(*a)) : std::string()) + "</th>";
    h += "</tr></thead><tbody>\n";
    std::vector<std::string> rows = payers;
    for (const auto& b : figures_.breakdowns_of("cost_gbp", "public")) rows.push_back(b);
    for (const auto& b : figures_.breakdowns_of("cost_gbp", "all")) rows.push_back(b);
    for (const auto& b : rows) {
      const std::string label = b == "public" ? "Public (NHS, council, public health)"
                                : b == "all"  ? "All payers"
                                              : label_of(breakdown_part(b, "payer"));
      h += "<tr><td>" + html_escape(label) + "</td>";
      for (const auto& a : arms_) {
        const Stat* st = figures_.horizon(a.index, "cost_gbp", b);
        h += "<td class=\"num\">" + mean_text(st, Kind::gbp);
        if (st && st->n > 1 && st->p05 && st->p95) h += "<span class=\"iv\">" + interval_text(st, Kind::gbp) + "</span>";
        h += "</td>";
      }
      // Scenario minus baseline: the negative of the savings for the same breakdown (taken
      // replicate by replicate, so its interval is the difference's, not the two arms').
      for (const Arm* a : scenarios_) {
        const Stat* sv = figures_.horizon(a->index, "gross_savings_gbp", b);
        if (!sv || !sv->mean) {
          h += "<td class=\"num\">" + std::string(kNoValue) + "</td>";
          continue;
        }
        Stat d = *sv;
        d.mean = -*sv->mean;
        d.median = sv->median ? std::optional<double>(-*sv->median) : std::nullopt;
        d.p05 = sv->p95 ? std::optional<double>(-*sv->p95) : std::nullopt;
        d.p95 = sv->p05 ? std::optional<double>(-*sv->p05) : std::nullopt;
        h += "<td class=\"num\">" + mean_text(&d, Kind::gbp) +
             (d.interval_shown() ? "<span class=\"iv\">" + interval_text(&d, Kind::gbp) + "</span>" : std::string()) + "</td>";
      }
      h += "</tr>\n";
    }
    h += "</tbody></table>\n";
  }

  void savings_by_payer(std::string& h) {
    const auto payers = figures_.breakdowns_of("gross_savings_gbp", "payer=");
    if (payers.empty()) return;
    for (const Arm* a : scenarios_) {
      LineChart c;
      c.id = "chart-savings-by-payer-" + std::to_string(a->index);
      c.kind = "savings-by-payer";
      c.title = "Gross savings by payer and financial year: " + a->name;
      c.description = "Baseline minus scenario cost of services for each payer and year, mean with 90% interval bands.";
      c.y_title = "Savings a year (GBP)";
      c.unit = Kind::gbp;
      c.zero_line = true;
      c.categories = figures_.financial_years();
      for (std::size_t i = 0; i < payers.size(); ++i) {
        c.series.push_back(series_of(*a, "gross_savings_gbp", payers[i], label_of(breakdown_part(payers[i], "payer")),
                                     kStackColours[i % kStackColours.size()]));
        // Seven payers' bands overlap into an unreadable wash: lines of the means only here
        // (each payer's interval is in the tables and the workbook).
        for (auto& x : c.series.back().lo) x.reset();
        for (auto& x : c.series.back().hi) x.reset();
      }
      if (!has_points(c)) continue;
      h += figure_open("savings-by-payer-" + std::to_string(a->index), c.title,
                       "Who saves, year by year: above zero the scenario costs that payer less than the baseline. Means of the "
                       "replicate-by-replicate differences; the intervals are left out of this chart (seven overlapping bands hide "
                       "each other) and are in the tables and the workbook." +
                           annualised_note());
      h += render(c) + "</figure>\n";
    }
  }

  std::vector<double> values_of(int arm, const std::string& outcome, const std::string& breakdown) const {
    std::vector<double> v;
    for (const auto& [r, x] : figures_.replicate_values(arm, outcome, breakdown)) v.push_back(x);
    return v;
  }

  void distributions(std::string& h) {
    h += "<h3>Savings and return on investment: the distribution over replicates</h3>\n";
    Histogram sav;
    sav.id = "chart-savings-distribution";
    sav.kind = "savings-roi-distribution";
    sav.title = "Public gross savings over the horizon, per replicate";
    sav.description =
        "Histogram of each replicate's public gross savings, per scenario arm, with the mean and 90% interval above.";
    sav.x_title = "Public gross savings over the horizon (GBP, undiscounted)";
    sav.unit = Kind::gbp;
    sav.reference = 0.0;
    sav.reference_label = "no saving";
    Histogram roi = sav;
    roi.id = "chart-roi-distribution";
    roi.title = "Return on investment (gross), per replicate";
    roi.description =
        "Histogram of each replicate's gross ROI, per scenario arm, with the mean and 90% interval above; the dashed line is ROI "
        "= 1.";
    roi.x_title = "GBP of public gross savings back per GBP 1 invested (present values)";
    roi.unit = Kind::ratio;
    roi.reference = 1.0;
    roi.reference_label = "ROI = 1 (pays for itself)";
    for (const Arm* a : scenarios_) {
      auto v = values_of(a->index, "gross_savings_gbp", "public");
      if (!v.empty()) sav.groups.push_back({a->name, colour(*a), v, figures_.horizon(a->index, "gross_savings_gbp", "public")});
      auto r = values_of(a->index, "roi_gross", "all");
      if (!r.empty()) roi.groups.push_back({a->name, colour(*a), r, figures_.horizon(a->index, "roi_gross")});
    }
    if (!sav.groups.empty()) {
      h += figure_open("savings-distribution", sav.title,
                       "How the savings vary between replicates (parameter uncertainty and chance). The bar above the histogram "
                       "is the 90% interval "
                       "with the mean as a dot.");
      h += render(sav) + "</figure>\n";
    } else {
      h += "<p class=\"note\">The document has no per-replicate public gross savings.</p>\n";
    }
    if (!roi.groups.empty()) {
      h += figure_open(
          "roi-distribution", roi.title,
          "Right of the dashed line the scenario's savings exceed its cost. P(ROI &gt; 1) is the share of replicates there.");
      h += render(roi) + "</figure>\n";
    } else {
      h += "<p class=\"note\">No return on investment: no scenario invests more than the baseline.</p>\n";
    }
  }

  void who_pays(std::string& h) {
    h += "<h3>Who pays, who saves</h3>\n";
    const auto cells = figures_.breakdowns_of("who_pays_who_saves_gbp");
    std::vector<std::string> investors, savers;
    for (const auto& b : cells) {
      const std::string i = breakdown_part(b, "investor"), s = breakdown_part(b, "saver");
      if (!i.empty() && std::find(investors.begin(), investors.end(), i) == investors.end()) investors.push_back(i);
      if (!s.empty() && std::find(savers.begin(), savers.end(), s) == savers.end()) savers.push_back(s);
    }
    if (investors.empty() || savers.empty()) {
      h += "<p class=\"note\">The document has no who-pays/who-saves matrix.</p>\n";
      return;
    }
    for (const Arm* a : scenarios_) {
      HeatMap m;
      m.id = "chart-who-pays-" + std::to_string(a->index);
      m.kind = "who-pays-who-saves";
      m.title = "Who pays, who saves: " + a->name;
      m.description =
          "Matrix of investing funder by saving payer: each saver's discounted savings shared among the funders in proportion to "
          "their discounted investment.";
      m.row_title = "Investor";
      m.column_title = "Saver (present value of savings over the horizon, GBP)";
      std::vector<std::string> omitted;
      for (const auto& i : investors) {
        std::vector<const Stat*> row;
        bool nonzero = false;
        for (const auto& s : savers) {
          const Stat* st = figures_.horizon(a->index, "who_pays_who_saves_gbp", "investor=" + i + ";saver=" + s);
          row.push_back(st);
          if (st)
            for (const auto& v : {st->mean, st->p05, st->p95}) nonzero = nonzero || (v && *v != 0);
        }
        // A funder that invests nothing has a row of zeros: leave it out and say so.
        if (!nonzero) {
          omitted.push_back(label_of(i));
          continue;
        }
        m.rows.push_back(label_of(i));
        m.cells.push_back(row);
      }
      for (const auto& s : savers) m.columns.push_back(label_of(s));
      if (m.rows.empty()) {
        h += "<p class=\"note\">" + html_escape(a->name) +
             ": no funder invests more than in the baseline, so no savings are attributed to an investor.</p>\n";
        continue;
      }
      std::string caption =
          "The wrong-pocket problem: a row is what one funder's investment saved, and for whom (each payer's discounted savings "
          "shared among the "
          "funders in proportion to what they invested). Green is a saving, red an extra cost.";
      if (!omitted.empty()) {
        caption += " Funders who invest nothing extra are left out:";
        for (std::size_t i = 0; i < omitted.size(); ++i) caption += (i ? ", " : " ") + html_escape(omitted[i]);
        caption += ".";
      }
      h += figure_open("who-pays-" + std::to_string(a->index), m.title, caption);
      h += render(m) + "</figure>\n";
      // Net positions and what a pooled budget would move.
      const auto orgs = figures_.breakdowns_of("net_position_gbp", "organisation=");
      const auto pooled = figures_.breakdowns_of("pooled_budget_transfer_gbp", "organisation=");
      if (orgs.empty()) continue;
      h += "<table class=\"keep\"><thead><tr><th>" + html_escape(a->name) +
           ": organisation</th><th class=\"num\">Net position (PV)</th>"
           "<th class=\"num\">90% interval</th><th class=\"num\">Pooled budget would move</th><th class=\"num\">90% "
           "interval</th></tr></thead><tbody>\n";
      for (const auto& o : orgs) {
        const Stat* np = figures_.horizon(a->index, "net_position_gbp", o);
        const Stat* pt = std::find(pooled.begin(), pooled.end(), o) != pooled.end()
                             ? figures_.horizon(a->index, "pooled_budget_transfer_gbp", o)
                             : nullptr;
        h += "<tr><td>" + html_escape(label_of(breakdown_part(o, "organisation"))) + "</td><td class=\"num\">" +
             mean_text(np, Kind::gbp) + "</td><td class=\"num\">" + interval_text(np, Kind::gbp) + "</td><td class=\"num\">" +
             mean_text(pt, Kind::gbp) + "</td><td class=\"num\">" + interval_text(pt, Kind::gbp) + "</td></tr>\n";
      }
      h += "</tbody></table>\n<p class=\"note\">Net position: an organisation's discounted savings minus its own discounted "
           "investment. Pooled "
           "budget: if the whole investment were pooled and shared in proportion to each organisation's savings, how much more "
           "(positive) or less "
           "(negative) it would pay in than now.</p>\n";
    }
  }

  void break_even(std::string& h) {
    h += "<h3>Break-even</h3>\n";
    for (const Arm* a : scenarios_) {
      LineChart c;
      c.id = "chart-break-even-" + std::to_string(a->index);
      c.kind = "break-even";
      c.title = "Break-even curve: cumulative discounted net benefit, " + a->name;
      c.description =
          "Cumulative discounted net benefit by the end of each financial year, counting all public savings or cashable savings "
          "only, with 90% interval bands and the zero line.";
      c.y_title = "Cumulative net benefit (GBP, present value)";
      c.unit = Kind::gbp;
      c.zero_line = true;
      c.categories = figures_.financial_years();
      c.series.push_back(series_of(*a, "cumulative_discounted_net_benefit_gbp", "all", "All public savings", colour(*a)));
      c.series.push_back(
          series_of(*a, "cumulative_discounted_net_benefit_gbp", "cashable", "Cashable savings only", "#444444"));
      c.series.back().dashed = true;
      if (!has_points(c)) {
        h += "<p class=\"note\">" + html_escape(a->name) + ": the document has no break-even curve.</p>\n";
        continue;
      }
      h += figure_open(
          "break-even-" + std::to_string(a->index), c.title,
          "Savings minus intervention cost, discounted and summed from the start of the run to the end of each financial year. "
          "The scenario breaks even in the first year the curve reaches the dashed zero line: here <strong>" +
              html_escape(break_even_text(a->index, "break_even_year", "all")) + "</strong> (median over replicates).");
      h += render(c) + "</figure>\n";
      // The break-even year's distribution: the share of replicates that have paid back by
      // the end of each year (the rest break even later, or not within the horizon).
      LineChart d;
      d.id = "chart-break-even-distribution-" + std::to_string(a->index);
      d.kind = "break-even-distribution";
      d.title = "Chance of having paid back by each year, " + a->name;
      d.description = "Share of replicates whose cumulative discounted net benefit (all public savings) has reached zero by the end of "
                      "each financial year: the cumulative distribution of the break-even year.";
      d.y_title = "Share of replicates that have broken even";
      d.unit = Kind::probability;
      d.y_range = std::make_pair(0.0, 1.0);
      d.categories = figures_.financial_years();
      Series paid;
      paid.label = "Broken even by the year's end";
      paid.colour = colour(*a);
      const auto& by_replicate = figures_.replicate_values(a->index, "break_even_year", "all");
      for (const auto& year : d.categories) {
        const int fy = std::atoi(year.c_str() + 2);  // "FY2023/24 ..."
        std::optional<double> share;
        if (replicates_ > 0) {
          int n = 0;
          for (const auto& [r, y] : by_replicate) n += y <= fy;
          share = static_cast<double>(n) / replicates_;
        }
        paid.mid.push_back(share);
        paid.lo.push_back(std::nullopt);
        paid.hi.push_back(std::nullopt);
      }
      d.series.push_back(paid);
      if (!has_points(d)) continue;
      const Stat* within = figures_.horizon(a->index, "break_even_within_horizon");
      h += figure_open("break-even-distribution-" + std::to_string(a->index), d.title,
                       "Each replicate draws the uncertain parameters afresh, so this is the chance, given what is uncertain, that the "
                       "investment has paid for itself by then; " +
                           (within && within->mean ? mean_text(within, Kind::probability) : std::string("none")) +
                           " of replicates have by the end of the horizon. Break-even year: <strong>" +
                           html_escape(break_even_text(a->index, "break_even_year", "all")) + "</strong> (median" +
                           (break_even_interval(a->index, "break_even_year") == kNoValue
                                ? std::string()
                                : "; 90% interval " + break_even_interval(a->index, "break_even_year")) +
                           ").");
      h += render(d) + "</figure>\n";
    }
  }

  void health(std::string& h) {
    h += "<section id=\"health\">\n<h2>Health and the gap</h2>\n";
    LineChart gap;
    gap.id = "chart-le-gap";
    gap.kind = "le-gap";
    gap.title = "Life-expectancy gap at birth between the least and most deprived fifths, by financial year";
    gap.description =
        "Period life expectancy at birth in the least deprived IMD quintile minus the most deprived, persons, each arm with 90% "
        "bands.";
    gap.y_title = "Gap in life expectancy (years)";
    gap.unit = Kind::years;
    gap.categories = figures_.financial_years();
    for (const auto& a : arms_) gap.series.push_back(series_of(a, "le_gap_birth_years", "sex=persons", a.name, colour(a)));
    if (has_points(gap)) {
      h += figure_open(
          "le-gap", gap.title,
          "From period life tables of each year's simulated deaths and person-years (quintile 5 minus quintile 1 of IMD 2019). "
          "Part years rest on fewer deaths, so their intervals are wider.");
      h += render(gap) + "</figure>\n";
    } else {
      h += "<p class=\"note\">The document has no life-expectancy gap by year.</p>\n";
    }
    le_table(h);
    if (comparison_) {
      equity_plane(h);
      quintile_gains(h);
    } else {
      h += comparison_needed("The equity" + kEnDash + "efficiency plane and QALY gains by quintile");
    }
    prevalence(h);
    h += "</section>\n";
  }

  /// One paragraph: the wider outcomes of a scenario, beside the health and care figures.
  std::string wider_sentence(const Arm& a) const {
    const int k = a.index;
    const auto H = [&](const std::string& o, const std::string& b = "all") { return figures_.horizon(k, o, b); };
    const Stat* ret = H("economy_return_per_gbp");
    const Stat* out = H("economy_output_gain_discounted_gbp");
    if (!out) return "The document has no wider outcomes (economy, start of life, carers).";
    std::string t = "<strong>Beside these, on the economy's own ledger</strong> (never added to the NHS and council savings): "
                    "output regained by the economy is " +
                    with_interval(out, Kind::gbp) + " in present value";
    if (ret && ret->mean) t += ", " + mean_text(ret, Kind::ratio) + " for each \xC2\xA3" "1 invested";
    t += ", with " + with_interval(H("economy_fewer_out_of_work_ill_health"), Kind::count) +
         " fewer people out of work through ill health on average and " +
         with_interval(H("economy_absence_days_avoided"), Kind::count) + " fewer days of sickness absence. ";
    t += "At the start of life, " + with_interval(H("smoking_at_delivery_averted"), Kind::count) +
         " fewer babies are born to mothers smoking at delivery and " + with_interval(H("low_birth_weight_averted"), Kind::count) +
         " fewer under 2,500 g. ";
    t += "For unpaid carers, " + with_interval(H("strained_carers_averted"), Kind::count) +
         " fewer are strained on average (carers gain " + mean_text(H("carer_qalys_gained"), Kind::count) +
         " QALYs, not counted in the QALYs above), and there are " + with_interval(H("care_home_moves_avoided"), Kind::count) +
         " fewer moves into care homes.";
    return t;
  }

  void wider(std::string& h) {
    h += "<section id=\"wider\">\n<h2>The economy, the start of life and carers</h2>\n";
    h += "<p class=\"note\">The strategy's wider outcomes, beside the health and care figures. The <strong>economy</strong> is a "
         "separate ledger: output lost when residents aged 16" + kEnDash + "64 are out of work because of ill health, or off sick, "
         "valued at the region's median earnings with the employer's on-costs (the earnings approach). It is never added to NHS "
         "or council costs or savings, nor to their return on investment or net present value. The <strong>start of life</strong> follows births whose mother smoked at "
         "delivery, low birth weight and infant emergency admissions. <strong>Carers</strong> are the unpaid carers of people "
         "living at home with dementia or severe frailty; a strained carer (with a common mental disorder) makes a move into a "
         "care home more likely.</p>\n";
    const std::vector<Row> arm_rows{
        {"Employment rate, aged 16-64", "employment_rate_percent", "all", Kind::percent},
        {"Out of work because of ill health (people, average)", "out_of_work_ill_health_people", "all", Kind::count},
        {"Sickness-absence days", "sickness_absence_days", "all", Kind::count},
        {"Output lost through ill health", "lost_output_gbp", "all", Kind::gbp},
        {"  of which out of work", "lost_output_gbp", "component=out_of_work", Kind::gbp},
        {"  of which sickness absence", "lost_output_gbp", "component=absence", Kind::gbp},
        {"Output lost, present value", "lost_output_discounted_gbp", "all", Kind::gbp},
        {"Births", "births", "all", Kind::count},
        {"Mothers smoking at delivery", "smoking_at_delivery_percent", "all", Kind::percent},
        {"Births under 2,500 g", "low_birth_weight_percent", "all", Kind::percent},
        {"Infant emergency admissions", "infant_emergency_admissions", "all", Kind::count},
        {"Unpaid carers (average)", "unpaid_carers", "all", Kind::count},
        {"Carers who are strained", "strained_carers_percent", "all", Kind::percent},
        {"QALYs strained carers lose", "carer_qalys_lost", "all", Kind::count},
        {"Moves into care homes", "care_home_moves", "all", Kind::count}};
    h += "<h3>Each arm over the horizon</h3>\n";
    horizon_table(h, arm_rows, all_arms(), "Horizon");
    if (!comparison_) {
      h += comparison_needed("Output regained, fewer people out of work through ill health and the other changes");
      h += "</section>\n";
      return;
    }
    const std::vector<Row> diff_rows{
        {"Output regained by the economy", "economy_output_gain_gbp", "all", Kind::gbp},
        {"  present value", "economy_output_gain_discounted_gbp", "all", Kind::gbp},
        {"Return to the economy per \xC2\xA3" "1 invested", "economy_return_per_gbp", "all", Kind::ratio},
        {"Fewer out of work through ill health (average)", "economy_fewer_out_of_work_ill_health", "all", Kind::count},
        {"Sickness-absence days avoided", "economy_absence_days_avoided", "all", Kind::count},
        {"Fewer births to mothers smoking at delivery", "smoking_at_delivery_averted", "all", Kind::count},
        {"Low-birth-weight births averted", "low_birth_weight_averted", "all", Kind::count},
        {"Infant emergency admissions averted", "infant_emergency_admissions_averted", "all", Kind::count},
        {"Strained carers averted (average)", "strained_carers_averted", "all", Kind::count},
        {"Carers' QALYs gained (discounted)", "carer_qalys_gained_discounted", "all", Kind::count},
        {"Care-home moves avoided", "care_home_moves_avoided", "all", Kind::count}};
    h += "<h3>Each scenario against " + html_escape(baseline_->name) + "</h3>\n";
    horizon_table(h, diff_rows, scenarios_, "Change over the horizon");
    // By ICP and quintile: where the economy gains.
    std::vector<std::string> places = figures_.breakdowns_of("economy_output_gain_gbp", "icp=");
    const auto quintiles = figures_.breakdowns_of("economy_output_gain_gbp", "quintile=");
    places.insert(places.end(), quintiles.begin(), quintiles.end());
    if (!places.empty()) {
      h += "<h3>Where the economy gains</h3>\n<table class=\"arms\"><thead><tr><th>Area</th>";
      for (const Arm* a : scenarios_)
        h += "<th class=\"num\">" + swatch(*a) + html_escape(a->name) + ": output regained</th><th class=\"num\">fewer out of work through ill health</th>";
      h += "</tr></thead><tbody>\n";
      for (const auto& b : places) {
        std::string label = b.rfind("icp=", 0) == 0 ? b.substr(4) : "IMD quintile " + b.substr(9) + (b == "quintile=1" ? " (most deprived)" : b == "quintile=5" ? " (least deprived)" : "");
        h += "<tr><td>" + html_escape(label) + "</td>";
        for (const Arm* a : scenarios_) {
          h += stat_cell(figures_.horizon(a->index, "economy_output_gain_gbp", b), Kind::gbp);
          h += stat_cell(figures_.horizon(a->index, "economy_fewer_out_of_work_ill_health", b), Kind::count);
        }
        h += "</tr>\n";
      }
      h += "</tbody></table>\n<p class=\"note\">Undiscounted over the horizon; ICPs first, then IMD quintiles.</p>\n";
    }
    LineChart c;
    c.id = "chart-economy";
    c.kind = "economy";
    c.title = "Output regained by the economy, by financial year";
    c.description = "Baseline minus scenario output lost through ill health (earnings approach), each scenario with 90% bands.";
    c.y_title = "Output regained (GBP a year)";
    c.unit = Kind::gbp;
    c.categories = figures_.financial_years();
    for (const Arm* a : scenarios_) c.series.push_back(series_of(*a, "economy_output_gain_gbp", "all", a->name, colour(*a)));
    if (has_points(c)) {
      h += figure_open("economy", c.title,
                       "The economy's own ledger, beside the NHS and council savings and never added to them." + annualised_note());
      h += render(c) + "</figure>\n";
    }
    h += "</section>\n";
  }

  void le_table(std::string& h) const {
    expectancy_table(h, "Life expectancy by deprivation quintile", {"life_expectancy_birth_years", "life_expectancy_65_years"},
                     {"le_gap_birth_years", "le_gap_65_years"}, {"sii_le_birth_years", "sii_le_65_years"},
                     "Years; period life expectancy over the whole horizon from the simulated deaths and person-years (abridged life "
                     "tables). The slope index of inequality is the modelled difference in life expectancy between the most and "
                     "least deprived ends of the population, across IMD deciles.");
    expectancy_table(h, "Disability-free life expectancy by deprivation quintile",
                     {"disability_free_le_birth_years", "disability_free_le_65_years"}, {"dfle_gap_birth_years", "dfle_gap_65_years"},
                     {"sii_dfle_birth_years", ""},
                     "Years lived without an activity-limiting illness or disability (Sullivan method: the same life tables, each "
                     "age group's person-years split by the share lived with a limitation). ONS reports England's DFLE at 65 in "
                     "2017-19 as 9.86 years (men) and 9.74 (women), and a slope index at birth of 17.2 and 16.3 years.");
  }

  void expectancy_table(std::string& h, const std::string& title, const std::pair<std::string, std::string>& value,
                        const std::pair<std::string, std::string>& gap, const std::pair<std::string, std::string>& sii,
                        const std::string& note) const {
    h += "<h3>" + html_escape(title) + "</h3>\n<table class=\"keep\"><thead><tr><th rowspan=\"2\">IMD quintile "
         "(persons, horizon)</th>";
    for (const auto& a : arms_) h += "<th class=\"num\" colspan=\"2\">" + swatch(a) + html_escape(a.name) + "</th>";
    h += "</tr><tr>";
    for (std::size_t i = 0; i < arms_.size(); ++i) h += "<th class=\"num\">At birth</th><th class=\"num\">At 65</th>";
    h += "</tr></thead><tbody>\n";
    auto cell = [&](const Stat* st) { return stat_cell(st, Kind::years); };
    bool any = false;
    for (int q = 1; q <= 5; ++q) {
      const std::string b = "quintile=" + std::to_string(q) + ";sex=persons";
      std::string row = "<tr><td>" + std::to_string(q) +
                        (q == 1   ? " (most deprived)"
                         : q == 5 ? " (least deprived)"
                                  : "") +
                        "</td>";
      bool has = false;
      for (const auto& a : arms_) {
        const Stat* b0 = figures_.horizon(a.index, value.first, b);
        const Stat* b65 = figures_.horizon(a.index, value.second, b);
        has = has || b0 || b65;
        row += cell(b0) + cell(b65);
      }
      if (has) h += row + "</tr>\n", any = true;
    }
    const std::vector<std::tuple<std::string, std::string, std::string>> extra{
        {"All residents", value.first, value.second},
        {"Gap: quintile 5 minus quintile 1", gap.first, gap.second},
        {"Slope index of inequality (across deciles)", sii.first, sii.second}};
    for (const auto& [label, birth, at65] : extra) {
      std::string row = "<tr><td>" + html_escape(label) + "</td>";
      bool has = false;
      for (const auto& a : arms_) {
        const Stat* b0 = birth.empty() ? nullptr : figures_.horizon(a.index, birth, "sex=persons");
        const Stat* b65 = at65.empty() ? nullptr : figures_.horizon(a.index, at65, "sex=persons");
        has = has || b0 || b65;
        row += cell(b0) + cell(b65);
      }
      if (has) h += row + "</tr>\n", any = true;
    }
    if (!any)
      h += "<tr><td colspan=\"" + std::to_string(1 + 2 * arms_.size()) +
           "\">The document has no figures by quintile for this table.</td></tr>\n";
    h += "</tbody></table>\n<p class=\"note\">" + html_escape(note) + "</p>\n";
  }

  void equity_plane(std::string& h) {
    Scatter c;
    c.id = "chart-equity-efficiency";
    c.kind = "equity-efficiency";
    // Efficiency as net health benefit (QALYs, net of costs valued at NICE's lower threshold)
    // when the document has it; otherwise QALYs gained.
    const bool nhb = !figures_.replicate_values(scenarios_.front()->index, "net_monetary_benefit_gbp", "wtp=20000").empty();
    c.title = "Equity" + kEnDash + "efficiency plane";
    c.description =
        "Each replicate of each scenario: efficiency on the horizontal axis, equity gain (QALYs per 100,000 in the most minus "
        "the "
        "least deprived quintile) on the vertical.";
    c.x_title = nhb ? "Net health benefit (QALYs, net cost valued at GBP 20,000 per QALY)" : "QALYs gained";
    c.y_title = "Equity gain (QALYs gained per 100,000 person-years, most " + kMinus + " least deprived fifth)";
    c.x_unit = Kind::count;
    c.y_unit = Kind::plain;
    c.top_right = "Gains health and narrows the gap";
    c.top_left = "Narrows the gap at a health cost";
    c.bottom_right = "Gains health but widens the gap";
    c.bottom_left = "Loses health and widens the gap";
    std::vector<Stat> x_stats;  // net health benefit summaries, derived from the NMB summaries
    x_stats.reserve(scenarios_.size());
    for (const Arm* a : scenarios_) {
      ScatterGroup g;
      g.label = a->name;
      g.colour = colour(*a);
      std::map<int, double> x;
      if (nhb) {
        for (const auto& [r, v] : figures_.replicate_values(a->index, "net_monetary_benefit_gbp", "wtp=20000")) x[r] = v / 20000.0;
        const Stat* nmb = figures_.horizon(a->index, "net_monetary_benefit_gbp", "wtp=20000");
        Stat s;
        if (nmb) {
          s = *nmb;
          for (auto* v : {&s.mean, &s.median, &s.p05, &s.p95})
            if (*v) **v /= 20000.0;
        }
        x_stats.push_back(s);
        g.x = nmb ? &x_stats.back() : nullptr;
      } else {
        for (const auto& [r, v] : figures_.replicate_values(a->index, "qalys_gained", "all")) x[r] = v;
        g.x = figures_.horizon(a->index, "qalys_gained");
      }
      for (const auto& [r, v] : figures_.replicate_values(a->index, "equity_gain_qalys_per_100k", "all"))
        if (x.count(r)) g.points.emplace_back(x[r], v);
      g.y = figures_.horizon(a->index, "equity_gain_qalys_per_100k");
      if (!g.points.empty()) c.groups.push_back(std::move(g));
    }
    h += "<h3>Equity and efficiency</h3>\n";
    if (c.groups.empty()) {
      h += "<p class=\"note\">The document has no per-replicate QALY and equity figures.</p>\n";
      return;
    }
    h += figure_open(
        "equity-efficiency", c.title,
        std::string(
            "Distributional cost-effectiveness: to the right of the vertical line the scenario is worth more health than it "
            "costs") +
            (nhb ? " (net health benefit = discounted QALYs gained \xE2\x88\x92 net cost / \xC2\xA3"
                   "20,000)"
                 : "") +
            "; above the horizontal line its QALY gains per head are larger in the most deprived fifth than in the least "
            "deprived. Dots are replicates; the diamond is the mean with 90% intervals.");
    h += render(c) + "</figure>\n";
  }

  void quintile_gains(std::string& h) const {
    h += "<h3>Health gains by deprivation quintile</h3>\n<table class=\"keep\"><thead><tr><th>IMD quintile</th>";
    for (const Arm* a : scenarios_)
      h += "<th class=\"num\">" + swatch(*a) + html_escape(a->name) +
           ": deaths averted</th><th class=\"num\">QALYs gained per 100,000 person-years</th>"
           "<th class=\"num\">Change in life expectancy at birth (years)</th>";
    h += "</tr></thead><tbody>\n";
    for (int q = 0; q <= 5; ++q) {
      const std::string b = q == 0 ? "all" : "quintile=" + std::to_string(q);
      h += "<tr><td>" +
           (q == 0 ? std::string("All")
                   : std::to_string(q) + (q == 1   ? " (most deprived)"
                                          : q == 5 ? " (least deprived)"
                                                   : "")) +
           "</td>";
      for (const Arm* a : scenarios_) {
        for (const auto& [o, br, kind] : std::vector<std::tuple<std::string, std::string, Kind>>{
                 {"deaths_averted", b, Kind::count},
                 {"qalys_gained_per_100k", b, Kind::plain},
                 {"le_birth_change_years", (q == 0 ? std::string() : b + ";") + "sex=persons", Kind::years}}) {
          const Stat* st = figures_.horizon(a->index, o, br);
          h += "<td class=\"num\">" + mean_text(st, kind);
          if (st && st->n > 1 && st->p05 && st->p95) h += "<span class=\"iv\">" + interval_text(st, kind) + "</span>";
          h += "</td>";
        }
      }
      h += "</tr>\n";
    }
    h += "</tbody></table>\n";
  }

  void prevalence(std::string& h) const {
    const auto conditions = figures_.breakdowns_of("prevalence_percent", "condition=");
    std::vector<std::string> names;
    for (const auto& b : conditions)
      if (b.find(';') == std::string::npos) names.push_back(breakdown_part(b, "condition"));
    if (names.empty()) return;
    h += "<h3>Prevalence at the end of the run</h3>\n<table class=\"keep\"><thead><tr><th>Condition (% of residents)</th>";
    for (const auto& a : arms_) h += "<th class=\"num\">" + swatch(a) + html_escape(a.name) + "</th>";
    h += "</tr></thead><tbody>\n";
    for (const auto& n : names) {
      h += "<tr><td>" + html_escape(label_of(n)) + "</td>";
      for (const auto& a : arms_) {
        const auto P = [&](const std::string& suffix) {
          return figures_.horizon(a.index, "prevalence_percent", "condition=" + n + suffix);
        };
        h += "<td class=\"num\">" + mean_text(P(""), Kind::percent) + "<span class=\"iv\">most deprived " +
             mean_text(P(";quintile=1"), Kind::percent) + ", least " + mean_text(P(";quintile=5"), Kind::percent) +
             "</span></td>";
      }
      h += "</tr>\n";
    }
    h += "</tbody></table>\n<p class=\"note\">Residents living with each condition at the end of the run, per 100 residents of "
         "all ages (mean over "
         "replicates); under it, the most and least deprived fifths (IMD quintiles 1 and 5).</p>\n";
  }

  void activity(std::string& h) {
    h += "<section id=\"activity\">\n<h2>Activity</h2>\n<p class=\"note\">Fan charts: the line is the mean of each arm, the "
         "shaded band its 90% "
         "interval over replicates." +
         annualised_note() + "</p>\n";
    struct Chart {
      const char *outcome, *unit;
      bool flow;
    };
    const std::vector<Chart> charts{{"emergency_admissions", "Emergency admissions a year", true},
                                    {"ae_attendances", "A&E attendances a year", true},
                                    {"gp_appointments", "GP appointments a year", true},
                                    {"emergency_bed_days", "Emergency bed-days a year", true},
                                    {"care_home_residents_end", "Care-home residents at the end of the year", false}};
    int drawn = 0;
    for (const auto& ch : charts) {
      LineChart c;
      c.id = std::string("chart-activity-") + ch.outcome;
      c.kind = "activity-fan";
      c.title = label_of(ch.outcome) + " by financial year";
      c.description = std::string("Fan chart of ") + ch.unit + " for each arm, mean and 90% interval.";
      c.y_title = ch.unit;
      c.unit = Kind::count;
      c.categories = figures_.financial_years();
      for (const auto& a : arms_) c.series.push_back(series_of(a, ch.outcome, "all", a.name, colour(a)));
      if (!has_points(c)) continue;
      ++drawn;
      h += figure_open(std::string("activity-") + ch.outcome, c.title,
                       ch.flow ? "Counts in each financial year."
                               : "Residents living in a care home at the end of each financial year (a stock, not annualised).");
      h += render(c) + "</figure>\n";
    }
    if (drawn == 0) h += "<p class=\"note\">The document has no activity by year.</p>\n";
    h += "</section>\n";
  }

  static std::string list_of(const json& j) {
    if (!j.is_array()) return html_escape(j.is_string() ? j.get<std::string>() : dump(j));
    std::string s;
    for (const auto& x : j) s += (s.empty() ? "" : ", ") + html_escape(x.is_string() ? x.get<std::string>() : dump(x));
    return s.empty() ? "none" : s;
  }

  static std::string effects_of(const json& effects) {
    if (!effects.is_object()) return html_escape(dump(effects));
    std::string s;
    for (const auto& [key, e] : effects.items()) {
      s += (s.empty() ? "" : "<br>") + html_escape(key) + ": ";
      if (e.is_object()) {
        s += html_escape(text(e, "distribution"));
        if (const auto m = number(e, "mean")) s += " (mean " + html_escape(plain_number(*m)) + ")";
        if (const auto sh = number(e, "share_of_rate")) s += ", share of rate " + html_escape(plain_number(*sh));
      } else {
        s += html_escape(e.is_string() ? e.get<std::string>() : dump(e));
      }
    }
    return s.empty() ? kNoValue : s;
  }

  void assumptions(std::string& h) const {
    h += "<section id=\"assumptions\">\n<h2>Assumptions and sources</h2>\n";
    for (const auto& a : arms_) {
      const json& src = *a.source;
      h += "<div class=\"arm-card\"><h3>" + swatch(a) + html_escape(a.name) + " <span class=\"meta\">(" + html_escape(a.role) +
           ", run " + html_escape(std::to_string(a.run_id)) + ")</span></h3>\n";
      h += "<p>" + (a.description.empty() ? std::string("<em>No description.</em>") : html_escape(a.description)) + "</p>\n";
      if (!a.path.empty()) h += "<p class=\"meta\">Scenario file: <code>" + html_escape(a.path) + "</code></p>\n";
      const json& fin = member(src, "finance");
      if (fin.is_object()) {
        h += "<h4>Finance rules</h4>\n<ul>";
        if (const auto y = number(fin, "price_base_year"))
          h += "<li>Prices: " + html_escape(financial_year(*y)) + " (price base year; discounting starts there)</li>";
        if (const auto r = number(fin, "discount_rate_costs"))
          h += "<li>Discount rate for costs: " + html_escape(fixed(100 * *r, 1)) + "% a year</li>";
        if (const auto r = number(fin, "discount_rate_health"))
          h += "<li>Discount rate for health: " + html_escape(fixed(100 * *r, 1)) + "% a year</li>";
        if (fin.contains("cashable"))
          h += "<li>Cashable activities (savings that release money): " + list_of(fin["cashable"]) + "</li>";
        if (const auto r = number(fin, "reinvest_share"); r && *r > 0)
          h += "<li>Reinvestment: " + html_escape(fixed(100 * *r, 0)) + "% of the cashable savings of " +
               list_of(member(fin, "reinvest_from")) + " are to be reinvested</li>";
        if (const auto r = number(fin, "inflation"); r && *r != 0)
          h += "<li>Inflation: " + html_escape(fixed(100 * *r, 1)) + "% a year</li>";
        {
          const json& ob = member(fin, "optimism_bias");
          const double c = number(ob, "costs").value_or(0), b = number(ob, "benefits").value_or(0);
          h += c > 0 || b > 0 ? "<li>Optimism bias (HM Treasury Green Book): intervention costs raised by " + html_escape(fixed(100 * c, 0)) +
                                    "% and monetary savings lowered by " + html_escape(fixed(100 * b, 0)) +
                                    "% in every financial figure; health is not adjusted</li>"
                              : std::string("<li>Optimism bias: none (costs and savings as modelled)</li>");
        }
        if (a.scenario()) {
          h += text(fin, "funding_source") == "existing_budgets"
                   ? "<li>Funding source: <strong>existing budgets</strong>. The NHS's intervention spend is top-sliced from its "
                     "services in proportion (fewer acute beds and GP appointments funded); the council's comes out of home care "
                     "(hours it no longer buys). The squeeze's consequences (delays, unmet home care, A&amp;E) are in the savings; "
                     "<em>home care and GP capacity displaced</em> are shown as their own lines.</li>"
                   : "<li>Funding source: new money (services keep their budgets; set <code>finance.funding_source</code> to "
                     "<code>existing_budgets</code> to see the squeeze)</li>";
          const bool carried = member(fin, "continue_funding").is_boolean() && member(fin, "continue_funding").get<bool>();
          h += carried ? "<li>Funding beyond the scenario's years: continued to the end of the run at each intervention's last "
                         "year's budget (<code>finance.continue_funding</code>)</li>"
                       : "<li>Funding beyond the scenario's years: none. Interventions without an end stop when the scenario's "
                         "years end, while outcomes run on (<code>finance.continue_funding: true</code> carries them on)</li>";
        }
        h += "</ul>\n";
      }
      const json& ivs = array_member(src, "interventions");
      if (!ivs.empty()) {
        h += "<h4>Interventions</h4>\n<table "
             "class=\"interventions\"><thead><tr><th>Name</th><th>Type</th><th>Shifts</th><th>Months</th><th "
             "class=\"num\">Budget</th>"
             "<th class=\"num\">Unit cost</th><th>Uptake, ramp-up, half-life</th><th>Effects</th></tr></thead><tbody>\n";
        for (const auto& iv : ivs) {
          std::string budget = html_escape(money(number(iv, "budget_gbp_total").value_or(0)));
          const json& by = member(iv, "budget_by_funder_gbp");
          if (by.is_object())
            for (const auto& [f, v] : by.items())
              if (const auto x = number_of(v))
                budget += "<span class=\"iv\">" + html_escape(label_of(f) + " " + money(*x)) + "</span>";
          std::string unit = kNoValue;
          if (const auto u = number(iv, "unit_cost_gbp")) unit = html_escape("\xC2\xA3" + grouped(*u, *u < 100 ? 2 : 0));
          if (!text(iv, "unit_cost_basis").empty())
            unit += "<span class=\"iv\">" + html_escape(text(iv, "unit_cost_basis")) + "</span>";
          std::string uptake;
          if (const auto m = number(iv, "max_uptake")) uptake += "max uptake " + fixed(100 * *m, 1) + "% a year; ";
          if (const auto m = number(iv, "ramp_up_months")) uptake += "ramp-up " + grouped(*m, 0) + " months; ";
          if (const auto m = number(iv, "effect_half_life_months")) uptake += "half-life " + grouped(*m, 0) + " months";
          h += "<tr><td>" + html_escape(text(iv, "name")) + "</td><td>" + html_escape(text(iv, "type")) +
               (text(iv, "reach").empty() ? "" : "<span class=\"iv\">" + html_escape(text(iv, "reach")) + "</span>") +
               "</td><td>" + list_of(member(iv, "shifts")) + "</td><td class=\"nowrap\">" + html_escape(text(iv, "start_month")) +
               " " + kEnDash + "<br>" + html_escape(text(iv, "end_month")) + "</td><td class=\"num\">" + budget +
               "</td><td class=\"num\">" + unit + "</td><td>" + html_escape(uptake) + "</td><td>" +
               effects_of(member(iv, "effects")) + "</td></tr>\n";
        }
        h += "</tbody></table>\n";
      } else {
        h += "<p class=\"note\">No funded interventions.</p>\n";
      }
      const json& ov = member(src, "parameter_overrides");
      if (ov.is_object() && !ov.empty()) {
        h += "<h4>Parameter overrides</h4>\n<table><thead><tr><th>Parameter</th><th>Value</th></tr></thead><tbody>\n";
        for (const auto& [k, v] : ov.items())
          h += "<tr><td><code>" + html_escape(k) + "</code></td><td>" +
               html_escape(v.is_string() ? v.get<std::string>() : dump(v)) + "</td></tr>\n";
        h += "</tbody></table>\n";
      }
      h += "</div>\n";
    }
    const json& rows = array_member(doc_, "assumptions");
    if (!rows.empty()) {
      h += "<details id=\"parameters\"><summary>Model parameters and their sources (" + std::to_string(rows.size()) +
           " rows, as drawn for the baseline's first replicate)</summary>\n<table><thead><tr><th>Parameter</th><th "
           "class=\"num\">Value</th>"
           "<th>Unit</th><th>Uncertainty</th><th>Source</th></tr></thead><tbody>\n";
      for (const auto& r : rows) {
        const auto v = number(r, "value");
        const bool derived = member(r, "derived").is_boolean() && member(r, "derived").get<bool>();
        h += "<tr><td><code>" + html_escape(text(r, "name")) + "</code>" + (derived ? "<span class=\"iv\">derived</span>" : "") +
             "</td><td class=\"num\">" + (v ? html_escape(plain_number(*v)) : kNoValue) + "</td><td>" +
             html_escape(text(r, "unit")) + "</td><td>" + html_escape(text(r, "uncertainty")) + "</td><td>" +
             html_escape(text(r, "source")) + "</td></tr>\n";
      }
      h += "</tbody></table>\n</details>\n";
    }
    h += "</section>\n";
  }

  void provenance(std::string& h) const {
    const json& prov = member(doc_, "provenance");
    h += "<section id=\"provenance\">\n<h2>Provenance</h2>\n<table class=\"keep\"><tbody>\n";
    auto row = [&](const std::string& k, const std::string& v) { h += "<tr><th>" + k + "</th><td>" + v + "</td></tr>\n"; };
    row("Comparison", html_escape(text(doc_, "comparison_id")));
    std::string runs;
    for (const auto& a : arms_)
      runs +=
          (runs.empty() ? "" : "; ") + html_escape(a.name) + ": run " + html_escape(std::to_string(a.run_id)) + " (" + html_escape(a.role) + ")";
    row("Runs", runs);
    row("Seed", html_escape(text(prov, "seed")));
    row("Replicates", html_escape(text(prov, "replicates")));
    row("Scale (share of residents simulated)", html_escape(text(prov, "scale")));
    row("Start year, years", html_escape(text(prov, "start_year")) + ", " + html_escape(text(prov, "years")));
    row("Common random numbers", member(doc_, "common_random_numbers").is_boolean()
                                     ? (member(doc_, "common_random_numbers").get<bool>() ? "yes" : "no (independent streams)")
                                     : kNoValue);
    row("Data version", "<code>" + html_escape(text(prov, "data_version")) + "</code>");
    row("Parameters version", "<code>" + html_escape(text(prov, "parameters_version")) + "</code>");
    row("Program version", "<code>" + html_escape(text(prov, "program_version")) + "</code>");
    row("Threads", html_escape(text(prov, "threads")) + " (results do not depend on it)");
    row("Created", html_escape(text(doc_, "created_at")));
    for (const auto& a : arms_)
      row("Run " + html_escape(std::to_string(a.run_id)) + " timing",
          html_escape(text(*a.source, "started_at")) + " to " + html_escape(text(*a.source, "finished_at")) +
              (number(*a.source, "wall_seconds") ? " (" + fixed(*number(*a.source, "wall_seconds"), 1) + " s)" : ""));
    if (!text(doc_, "database").empty()) row("Results database", "<code>" + html_escape(text(doc_, "database")) + "</code>");
    h += "</tbody></table>\n</section>\n";
  }

  void definitions(std::string& h) const {
    const json& dict = array_member(doc_, "dictionary");
    h += "<section id=\"definitions\">\n<h2>Definitions</h2>\n";
    if (dict.empty()) {
      h += "<p class=\"note\">The document has no outcome dictionary.</p>\n</section>\n";
      return;
    }
    h += "<details><summary>Every outcome: unit, breakdowns and definition (" + std::to_string(dict.size()) +
         ")</summary>\n"
         "<table><thead><tr><th>Outcome</th><th>Unit</th><th>Scope</th><th>Breakdowns</th><th>Definition</th></tr></"
         "thead><tbody>\n";
    for (const auto& d : dict)
      h += "<tr><td><code>" + html_escape(text(d, "outcome")) + "</code></td><td>" + html_escape(text(d, "unit")) + "</td><td>" +
           html_escape(text(d, "scope")) + "</td><td>" + html_escape(text(d, "breakdowns")) + "</td><td>" +
           html_escape(text(d, "definition")) + "</td></tr>\n";
    h += "</tbody></table>\n</details>\n</section>\n";
  }
};

}  // namespace

std::string html_report(const json& document) {
  Report report(document);
  return report.html();
}

}  // namespace shiftsim::results
