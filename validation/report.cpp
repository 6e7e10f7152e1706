#include "validation/report.hpp"

#include "results/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace shiftsim::validation {

using results::html_escape;

namespace {

/// The middle of a period, in decimal years (mid-2018 = 2018.5; 2018/19 = 2019.0).
double period_middle(const ObservedPeriod& p) {
  switch (p.kind) {
    case PeriodKind::mid_year: return p.first_year + 0.5;
    case PeriodKind::mid_to_mid: return p.first_year + 1.0;
    case PeriodKind::financial_year: return p.first_year + 0.75;
    case PeriodKind::calendar_year: return p.first_year + 0.5;
    case PeriodKind::pooled: return 0.5 * (p.first_year + p.last_year + 1);
  }
  return p.first_year;
}

std::string num(double v, int digits = 3) {
  char b[64];
  if (!std::isfinite(v)) return "-";
  const double a = std::fabs(v);
  if (a >= 1e4) std::snprintf(b, sizeof b, "%.0f", v);
  else std::snprintf(b, sizeof b, "%.*g", digits + (a >= 100 ? 1 : 0), v);
  std::string s = b;
  // Thousands separators for whole numbers.
  if (a >= 1e4 && s.find('.') == std::string::npos && s.find('e') == std::string::npos) {
    const bool neg = s[0] == '-';
    std::string digits_only = neg ? s.substr(1) : s, out;
    for (std::size_t k = 0; k < digits_only.size(); ++k) {
      if (k && (digits_only.size() - k) % 3 == 0) out += ',';
      out += digits_only[k];
    }
    s = (neg ? "-" : "") + out;
  }
  return s;
}
std::string pct(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f%%", v);
  return b;
}
std::string signed_pct(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%+.1f%%", v);
  return b;
}
std::string coord(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

/// Nice axis ticks over [lo, hi].
std::vector<double> ticks(double lo, double hi, int want) {
  std::vector<double> t;
  const double span = hi - lo;
  if (!(span > 0)) return {lo};
  const double raw = span / want, mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (const double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (raw <= m * mag) {
      step = m * mag;
      break;
    }
  for (double x = std::ceil(lo / step) * step; x <= hi + 1e-9 * span; x += step) t.push_back(x);
  return t;
}

struct Point {
  double x, observed, mean, p05, p95;
  std::string label;
  bool inside;
};

std::string chart(const std::string& series, const std::string& unit, const std::string& geography, const std::string& title,
                  std::vector<Point> pts) {
  std::sort(pts.begin(), pts.end(), [](const Point& a, const Point& b) { return a.x < b.x; });
  const double W = 300, H = 190, left = 58, right = 10, top = 26, bottom = 34;
  double x0 = pts.front().x, x1 = pts.back().x;
  if (x1 - x0 < 1) {
    x0 -= 0.5;
    x1 += 0.5;
  } else {
    const double pad = 0.06 * (x1 - x0);
    x0 -= pad;
    x1 += pad;
  }
  double y0 = 1e300, y1 = -1e300;
  for (const auto& p : pts) {
    y0 = std::min({y0, p.observed, p.p05});
    y1 = std::max({y1, p.observed, p.p95});
  }
  const double pad = std::max(0.08 * (y1 - y0), 0.01 * std::max(std::fabs(y1), 1e-9));
  y0 -= pad;
  y1 += pad;
  auto X = [&](double x) { return left + (x - x0) / (x1 - x0) * (W - left - right); };
  auto Y = [&](double y) { return top + (y1 - y) / (y1 - y0) * (H - top - bottom); };
  std::string s = "<svg class=\"chart\" data-chart=\"validation\" data-series=\"" + html_escape(series) + "\" data-geography=\"" +
                  html_escape(geography) + "\" viewBox=\"0 0 300 190\" role=\"img\" aria-label=\"" +
                  html_escape(series + ", " + title + ": model 90% interval and mean against observed") + "\">";
  s += "<text x=\"4\" y=\"14\" class=\"axis-title\">" + html_escape(title) + "</text>";
  for (const double t : ticks(y0, y1, 4)) {
    s += "<line class=\"grid\" x1=\"" + coord(left) + "\" x2=\"" + coord(W - right) + "\" y1=\"" + coord(Y(t)) + "\" y2=\"" + coord(Y(t)) + "\"/>";
    s += "<text class=\"tick\" text-anchor=\"end\" x=\"" + coord(left - 4) + "\" y=\"" + coord(Y(t) + 4) + "\">" + num(t) + "</text>";
  }
  std::set<int> years;
  for (const auto& p : pts) years.insert(static_cast<int>(std::floor(p.x)));
  const int every = years.size() > 6 ? static_cast<int>((years.size() + 5) / 6) : 1;
  int k = 0;
  for (const int y : years) {
    if (k++ % every) continue;
    s += "<text class=\"tick\" text-anchor=\"middle\" x=\"" + coord(X(y + 0.5)) + "\" y=\"" + coord(H - bottom + 14) + "\">" + std::to_string(y) + "</text>";
  }
  s += "<line class=\"axis\" x1=\"" + coord(left) + "\" x2=\"" + coord(W - right) + "\" y1=\"" + coord(H - bottom) + "\" y2=\"" + coord(H - bottom) + "\"/>";
  s += "<text class=\"sub\" x=\"" + coord(left) + "\" y=\"" + coord(H - 4) + "\">" + html_escape(unit) + "</text>";
  // The model's band (an area when there are several periods, bars otherwise), its mean, and the observed values.
  if (pts.size() > 1) {
    std::string band = "<path class=\"band\" fill=\"#0072B2\" d=\"M";
    for (std::size_t i = 0; i < pts.size(); ++i) band += (i ? " L" : "") + coord(X(pts[i].x)) + " " + coord(Y(pts[i].p95));
    for (std::size_t i = pts.size(); i-- > 0;) band += " L" + coord(X(pts[i].x)) + " " + coord(Y(pts[i].p05));
    s += band + " Z\"/>";
    std::string line = "<path class=\"line\" stroke=\"#0072B2\" d=\"M";
    for (std::size_t i = 0; i < pts.size(); ++i) line += (i ? " L" : "") + coord(X(pts[i].x)) + " " + coord(Y(pts[i].mean));
    s += line + "\"/>";
  }
  for (const auto& p : pts) {
    s += "<line class=\"interval\" stroke=\"#0072B2\" x1=\"" + coord(X(p.x)) + "\" x2=\"" + coord(X(p.x)) + "\" y1=\"" + coord(Y(p.p05)) +
         "\" y2=\"" + coord(Y(p.p95)) + "\"/>";
    s += "<circle fill=\"#0072B2\" r=\"2.5\" cx=\"" + coord(X(p.x)) + "\" cy=\"" + coord(Y(p.mean)) + "\"/>";
    s += "<rect fill=\"" + std::string(p.inside ? "#1d1d1d" : "#D55E00") + "\" width=\"6\" height=\"6\" x=\"" + coord(X(p.x) - 3) + "\" y=\"" +
         coord(Y(p.observed) - 3) + "\"><title>" + html_escape(p.label) + ": observed " + num(p.observed) + ", model " + num(p.mean) + " (" +
         num(p.p05) + " to " + num(p.p95) + ")</title></rect>";
  }
  return s + "</svg>";
}

const char* kExtraCss = R"CSS(
.multiples { display: grid; grid-template-columns: repeat(auto-fill, minmax(290px, 1fr)); gap: 6px 14px; margin: 0.6em 0 1.4em; }
.multiples svg.chart { max-width: 340px; }
.legend-row { font-size: 0.9em; color: #333; }
td.no { color: #D55E00; font-weight: 600; }
)CSS";

}  // namespace

int validation_chart_count(const Validation& v) {
  std::set<std::string> charts;
  for (const auto& r : v.rows)
    if (r.compared) charts.insert(r.observed.series + "|" + r.observed.geography + "|" + r.observed.sex + "|" + r.observed.age_band);
  return static_cast<int>(charts.size());
}

std::string validation_report_html(const StoredValidation& stored, const std::string& database,
                                   const std::map<std::string, std::string>& geography_names) {
  auto geography_label = [&](const std::string& g) {
    const auto it = geography_names.find(g);
    return it == geography_names.end() || it->second == g ? g : it->second + " (" + g + ")";
  };
  const Validation& v = stored.validation;
  const ValidationRecord& rec = stored.record;
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<link rel=\"icon\" href=\"data:,\">\n";
  h += "<title>Validation against what happened: " + html_escape(rec.scenario_name) + "</title>\n<style>" + std::string(results::report_stylesheet()) +
       kExtraCss + "</style>\n</head>\n<body>\n";
  h += "<p class=\"kicker\">ShiftSim validation " + std::to_string(stored.validation_id) + "</p>\n";
  h += "<h1>The model against what happened</h1>\n";
  int compared = 0, inside = 0, rows = 0;
  for (const auto& f : v.series) {
    compared += f.compared;
    inside += f.inside;
    rows += f.rows;
  }
  h += "<p class=\"lede\">" + std::to_string(compared) + " of the " + std::to_string(rows) + " observed values in <code>" +
       html_escape(rec.observed_file) + "</code> could be compared with the run; " + std::to_string(inside) +
       " of those lie inside the model's 90% interval. The run: scenario <strong>" + html_escape(rec.scenario_name) + "</strong> from mid-" +
       std::to_string(rec.run_start_year) + " for " + std::to_string(rec.months) + " months, " + std::to_string(rec.replicates) + " replicate" +
       (rec.replicates == 1 ? "" : "s") + " at scale " + num(rec.scale) + ", seed " + std::to_string(rec.seed) + ".</p>\n";
  h += "<p class=\"note\">Starting population: " + html_escape(rec.method) + "</p>\n";
  if (rec.replicates < 20)
    h += "<p class=\"callout warning\">With fewer than 20 replicates the 90% interval is the range of a few runs, narrower than the "
         "model's real uncertainty: read coverage with care.</p>\n";
  h += "<h2>Fit by series</h2>\n<table><thead><tr><th>Series</th><th class=\"num\">Rows</th><th class=\"num\">Compared</th>"
       "<th class=\"num\">MAPE</th><th class=\"num\">Bias</th><th class=\"num\">Coverage</th><th>How the model's figure differs</th></tr></thead><tbody>\n";
  for (const auto& f : v.series) {
    h += "<tr><td>" + html_escape(f.series) + "</td><td class=\"num\">" + std::to_string(f.rows) + "</td><td class=\"num\">" + std::to_string(f.compared) +
         "</td>";
    if (f.compared)
      h += "<td class=\"num\">" + pct(f.mape) + "</td><td class=\"num\">" + signed_pct(f.mean_percent_error) + "</td><td class=\"num\">" +
           std::to_string(f.inside) + " of " + std::to_string(f.compared) + " (" + pct(100 * f.coverage()) + ")</td>";
    else
      h += "<td class=\"num\">-</td><td class=\"num\">-</td><td class=\"num\">-</td>";
    std::string why = html_escape(f.caveat);
    for (const auto& r : f.reasons)
      if (r != f.caveat) why += (why.empty() ? "" : "<br>") + std::string("<em>Not compared:</em> ") + html_escape(r);
    h += "<td class=\"note\">" + why + "</td></tr>\n";
  }
  h += "</tbody></table>\n<p class=\"note\">MAPE: the mean absolute percentage error of the replicates' mean against the observed value; "
       "bias: the mean signed percentage error (positive: the model is high); coverage: the share of observed values inside the "
       "replicates' 5th to 95th percentiles. Rows outside the run's months, or for a sex or age band the outputs do not keep, are "
       "counted but not compared, with the reason.</p>\n";
  // Small multiples, series by series.
  h += "<h2>Model against observed, by series and geography</h2>\n<p class=\"legend-row\"><span class=\"swatch\" style=\"background:#0072B2;opacity:0.35\"></span>"
       "model 90% interval <span class=\"swatch\" style=\"background:#0072B2\"></span>model mean <span class=\"swatch\" "
       "style=\"background:#1d1d1d\"></span>observed, inside the interval <span class=\"swatch\" style=\"background:#D55E00\"></span>observed, "
       "outside it</p>\n";
  for (const auto& f : v.series) {
    if (!f.compared) continue;
    // One chart per geography, sex and age band, in the file's order.
    std::vector<std::string> keys;
    std::map<std::string, std::vector<Point>> by;
    std::map<std::string, std::string> title_of, geography_of;
    for (const auto& r : v.rows) {
      if (!r.compared || r.observed.series != f.series) continue;
      const std::string key = r.observed.geography + "|" + r.observed.sex + "|" + r.observed.age_band;
      if (!by.count(key)) {
        keys.push_back(key);
        std::string title = geography_label(r.observed.geography);
        if (r.observed.sex != "persons") title += ", " + r.observed.sex;
        if (r.observed.age_band != "all") title += ", " + r.observed.age_band;
        title_of[key] = title;
        geography_of[key] = r.observed.geography;
      }
      by[key].push_back({period_middle(r.observed.period), r.observed.value, r.mean, r.p05, r.p95, r.observed.period_text, r.inside()});
    }
    h += "<h3 id=\"series-" + html_escape(f.series) + "\">" + html_escape(f.series) + " <span class=\"meta\">(" + html_escape(f.unit) + "; MAPE " +
         pct(f.mape) + ", coverage " + pct(100 * f.coverage()) + ")</span></h3>\n<div class=\"multiples\">\n";
    for (const auto& k : keys) h += chart(f.series, f.unit, geography_of[k], title_of[k], by[k]) + "\n";
    h += "</div>\n<details><summary>Every compared row of " + html_escape(f.series) + "</summary>\n<table><thead><tr><th>Geography</th><th>Period</th>"
         "<th>Sex</th><th>Age</th><th class=\"num\">Observed</th><th class=\"num\">Model mean</th><th class=\"num\">90% interval</th>"
         "<th class=\"num\">Error</th><th>Inside</th><th>Source</th></tr></thead><tbody>\n";
    for (const auto& r : v.rows) {
      if (!r.compared || r.observed.series != f.series) continue;
      h += "<tr><td>" + html_escape(geography_label(r.observed.geography)) + "</td><td>" + html_escape(r.observed.period_text) + "</td><td>" +
           html_escape(r.observed.sex) + "</td><td>" + html_escape(r.observed.age_band) + "</td><td class=\"num\">" + num(r.observed.value) +
           "</td><td class=\"num\">" + num(r.mean) + "</td><td class=\"num\">" + num(r.p05) + " to " + num(r.p95) + "</td><td class=\"num\">" +
           signed_pct(r.percent_error()) + "</td><td class=\"" + (r.inside() ? "" : "no") + "\">" + (r.inside() ? "yes" : "no") +
           "</td><td class=\"note\">" + html_escape(r.observed.source) + "</td></tr>\n";
    }
    h += "</tbody></table></details>\n";
  }
  h += "<h2>Provenance</h2>\n<table><tbody>";
  auto row = [&](const std::string& k, const std::string& val) { h += "<tr><th>" + k + "</th><td>" + html_escape(val) + "</td></tr>"; };
  row("Stored", stored.created_at + " as validation " + std::to_string(stored.validation_id) + (database.empty() ? "" : " in " + database));
  row("Observed file", rec.observed_file + " (stored with the validation, as read)");
  row("Scenario", rec.scenario_name);
  row("Region data version", rec.data_version);
  row("Parameter table version", rec.parameters_version);
  row("Program", rec.program_version);
  row("Seed, replicates, scale", std::to_string(rec.seed) + ", " + std::to_string(rec.replicates) + ", " + num(rec.scale));
  row("Run", "mid-" + std::to_string(rec.run_start_year) + ", " + std::to_string(rec.months) + " months (the region data's base year: " +
                 std::to_string(rec.base_year) + ")");
  h += "</tbody></table>\n";
  h += "<footer>Made by ShiftSim " + html_escape(rec.program_version) + " from stored validation " + std::to_string(stored.validation_id) +
       ". Charts are drawn in the page and need no network.</footer>\n";
  h += "<script>" + std::string(results::report_script()) + "</script>\n</body>\n</html>\n";
  return h;
}

}  // namespace shiftsim::validation
