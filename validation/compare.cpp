#include "validation/compare.hpp"

#include "model/core/errors.hpp"
#include "results/economics.hpp"
#include "results/statistics.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

namespace shiftsim::validation {

using namespace model;

namespace {

constexpr int stock(int m) { return kFlowMetrics + m; }
constexpr int tally(TallyService t) { return static_cast<int>(fm_tally_first) + static_cast<int>(t); }

std::vector<SeriesDefinition> build_definitions() {
  std::vector<SeriesDefinition> d;
  auto flow = [&](const char* name, int metric, const char* definition, std::vector<std::string> bands = {"all"}, const char* caveat = "") {
    d.push_back({name, "people or events", definition, SeriesKind::flow_count, metric, -1, std::move(bands), caveat});
  };
  d.push_back({"population", "people", "residents at 30 June (mid-YYYY only); by sex for all ages; ages all, 0-17, 18+, 18-64, 0-64 and 65+",
               SeriesKind::stock_count, stock(sm_population), -1, {}, ""});
  flow("births", fm_births, "live births to residents");
  flow("deaths", fm_deaths, "deaths of residents", {"all"},
       "the model counts deaths when they happen; ONS mid-year components count them by occurrence too, calendar-year figures by registration");
  flow("in_migrants", fm_in_migrants, "people moving into the area from outside the region (internal and international)", {"all"},
       "moves between the region's districts are not simulated, so district figures leave them out");
  flow("out_migrants", fm_out_migrants, "people leaving the area for outside the region (internal and international)", {"all"},
       "moves between the region's districts are not simulated, so district figures leave them out");
  flow("emergency_admissions", fm_emergency_admissions, "emergency hospital admissions (spells) of residents");
  flow("ae_attendances", tally(ae_attendances), "A&E attendances (all department types) of residents", {"all"},
       "the published counts are by provider (the hospital's trust), the model's by residence");
  flow("elective_admissions", tally(elective_admissions), "elective admissions, day cases and regular attenders of residents");
  flow("outpatient_attendances", tally(outpatient_attendances), "outpatient attendances of residents");
  flow("gp_appointments", tally(gp_appointments), "GP appointments of residents");
  flow("falls_admissions_65_plus", fm_falls_admissions_65_plus, "emergency admissions of residents aged 65+ that followed a fall", {"65+"});
  d.push_back({"falls_admissions_65_plus_per_100k", "per 100,000 person-years",
               "emergency admissions after a fall of residents aged 65+, per 100,000 residents aged 65+ a year", SeriesKind::rate_per_100k,
               fm_falls_admissions_65_plus, sm_population_65_plus, {"65+"},
               "the model's rate is crude; Fingertips publishes it directly age-standardised to the 2013 European Standard Population, which "
               "is higher than the crude rate where the population over 65 is younger than the standard's"});
  auto percent = [&](const char* name, int metric, const char* definition, std::vector<std::string> bands, const char* caveat) {
    d.push_back({name, "percent", definition, SeriesKind::stock_percent, stock(metric), sm_adults, std::move(bands), caveat});
  };
  percent("smokers_percent", sm_smokers, "current smokers, percent of residents aged 18+ (the mean of the period's quarter-end stocks: March, June, December)", {"18+"},
          "the Annual Population Survey is a sample survey: its district figures have confidence intervals of several points");
  percent("overweight_or_obese_percent", sm_overweight_or_obese, "overweight or obese (BMI 25+), percent of residents aged 18+", {"18+"},
          "the Active Lives survey's BMI is self-reported (published adjusted); a sample survey");
  percent("obese_percent", sm_obese, "obese (BMI 30+), percent of residents aged 18+", {"18+"}, "");
  percent("inactive_percent", sm_inactive, "physically inactive (under 30 minutes a week), percent of residents aged 18+", {"18+", "19+"},
          "Active Lives counts adults aged 19+, the model 18+; a sample survey");
  d.push_back({"life_expectancy_birth_years", "years",
               "period life expectancy at birth from the period's simulated deaths and person-years (abridged life table, 90+ open)",
               SeriesKind::life_expectancy, fm_deaths, -1, {"all"},
               "a district's simulated deaths are few, so its life expectancy has a wide interval at small scale"});
  d.push_back({"alcohol_related_admissions_per_100k", "per 100,000", "alcohol-related hospital admissions (narrow measure)",
               SeriesKind::not_modelled, -1, -1, {}, "the model does not simulate alcohol-related admissions (harmful drinking is a risk factor only)"});
  d.push_back({"depression_qof_percent", "percent", "depression on GP registers (QOF), percent of patients aged 18+",
               SeriesKind::not_modelled, -1, -1, {},
               "the model's common mental disorder is a point prevalence (APMS), not a register of everyone ever diagnosed"});
  return d;
}

/// Model months [first, last] of a period, or the snapshot month (after_month) of a mid-year.
struct Months {
  int first = 0, last = 0;
};
Months months_of(const ObservedPeriod& p, int start_year) {
  const int y = (p.first_year - start_year) * 12;
  switch (p.kind) {
    case PeriodKind::mid_year: return {y - 1, y - 1};
    case PeriodKind::mid_to_mid: return {y, y + 11};
    case PeriodKind::financial_year: return {y - 3, y + 8};
    case PeriodKind::calendar_year: return {y - 6, y + 5};
    case PeriodKind::pooled: return {y - 6, (p.last_year - start_year) * 12 + 5};
  }
  return {0, -1};
}

std::string month_text(int start_year, int t) {
  static const char* names[] = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"};
  const int m = 6 + t;  // 0 = July of start_year
  const int year = start_year + (m >= 0 ? m / 12 : -((11 - m) / 12));
  const int month = ((m % 12) + 12) % 12;
  return std::string(names[month]) + " " + std::to_string(year);
}

const Snapshot* snapshot_after(const RunOutput& out, int after_month) {
  const auto k = static_cast<std::size_t>(after_month + 1);
  if (k < out.snapshots.size() && out.snapshots[k].after_month == after_month) return &out.snapshots[k];
  for (const auto& s : out.snapshots)
    if (s.after_month == after_month) return &s;
  return nullptr;
}

/// A geography's ICP or district index (-1 for neither: the region).
struct Area {
  int icp = -1, district = -1;
  bool holds(int zone_icp, int zone_district) const {
    return (icp < 0 && district < 0) || zone_icp == icp || zone_district == district;
  }
};
Area area_of(const std::string& geography, const RegionData& region) {
  Area a;
  for (std::size_t k = 0; k < region.icps.size(); ++k)
    if (region.icps[k].name == geography) a.icp = static_cast<int>(k);
  a.district = region.district_index(geography);
  return a;
}

/// The cells of a geography.
std::vector<int> cells_of(const std::string& geography, const RunOutput& out, const RegionData& region) {
  std::vector<int> cells;
  const Area area = area_of(geography, region);
  for (int c = 0; c < out.layout.cells(); ++c) {
    const auto z = static_cast<std::size_t>(c / kQuintiles);
    if (area.holds(out.layout.zone_icp[z], out.layout.zone_district[z])) cells.push_back(c);
  }
  return cells;
}

double stock_sum(const Snapshot& s, const std::vector<int>& cells, int m) {
  double v = 0;
  for (const int c : cells) v += s.cells[static_cast<std::size_t>(c) * kStockMetrics + static_cast<std::size_t>(m)];
  return v;
}

/// The population of an age band and sex at a snapshot, when the outputs keep it.
bool population_of(const ObservedRow& row, const Snapshot& s, const std::vector<int>& cells, double& v) {
  const double all = stock_sum(s, cells, sm_population), male = stock_sum(s, cells, sm_population_male);
  const double adults = stock_sum(s, cells, sm_adults), old = stock_sum(s, cells, sm_population_65_plus);
  const int lo = row.age_min, hi = row.age_max;
  if (row.sex != "persons") {
    if (lo != 0 || hi != 200) return false;
    v = row.sex == "male" ? male : all - male;
    return true;
  }
  if (lo == 0 && hi == 200) v = all;
  else if (lo == 0 && hi == 17) v = all - adults;
  else if (lo == 18 && hi == 200) v = adults;
  else if (lo == 18 && hi == 64) v = adults - old;
  else if (lo == 0 && hi == 64) v = all - old;
  else if (lo == 65 && hi == 200) v = old;
  else return false;
  return true;
}

}  // namespace

const std::vector<SeriesDefinition>& series_definitions() {
  static const std::vector<SeriesDefinition> d = build_definitions();
  return d;
}

const SeriesDefinition* find_series(const std::string& name) {
  for (const auto& s : series_definitions())
    if (s.name == name) return &s;
  return nullptr;
}

ObservedVocabulary vocabulary_of(const RegionData& region) {
  ObservedVocabulary v;
  for (const auto& s : series_definitions()) v.series.insert(s.name);
  v.geographies.insert("region");
  for (const auto& icp : region.icps) v.geographies.insert(icp.name);
  for (const auto& d : region.districts) v.geographies.insert(d.code);
  return v;
}

ModelValue model_value(const ObservedRow& row, const RunOutput& out, const RegionData& region) {
  ModelValue r;
  const SeriesDefinition* def = find_series(row.series);
  if (!def) {
    r.reason = "the series is not one the model computes";
    return r;
  }
  if (def->kind == SeriesKind::not_modelled) {
    r.reason = def->caveat;
    return r;
  }
  if (!def->age_bands.empty() && std::find(def->age_bands.begin(), def->age_bands.end(), row.age_band) == def->age_bands.end()) {
    std::string bands;
    for (const auto& b : def->age_bands) bands += (bands.empty() ? "" : ", ") + b;
    r.reason = "the model keeps " + row.series + " for ages " + bands + " only, not " + row.age_band;
    return r;
  }
  const bool by_sex = row.sex != "persons";
  if (by_sex && def->kind != SeriesKind::stock_count && def->kind != SeriesKind::life_expectancy) {
    r.reason = "the model keeps " + row.series + " for persons only, not by sex";
    return r;
  }
  const Months m = months_of(row.period, out.start_year);
  const int last_simulated = out.months - 1;
  const bool is_stock = def->kind == SeriesKind::stock_count;
  if (is_stock && row.period.kind != PeriodKind::mid_year) {
    r.reason = row.series + " is a stock: its period must be a mid-year (mid-YYYY)";
    return r;
  }
  if (!is_stock && row.period.kind == PeriodKind::mid_year) {
    r.reason = row.series + " is over a period, not at a mid-year";
    return r;
  }
  if (m.first < (is_stock ? -1 : 0) || m.last > last_simulated) {
    r.reason = "outside the run (" + month_text(out.start_year, 0) + " to " + month_text(out.start_year, last_simulated) + ")";
    return r;
  }
  const std::vector<int> cells = cells_of(row.geography, out, region);
  if (cells.empty()) {
    r.reason = "no simulated people in " + row.geography;
    return r;
  }
  switch (def->kind) {
    case SeriesKind::stock_count: {
      const Snapshot* s = snapshot_after(out, m.first);
      if (!s) {
        r.reason = "no snapshot of the run at " + row.period_text;
        return r;
      }
      if (!population_of(row, *s, cells, r.value)) {
        r.reason = "the model keeps population by sex for all ages, and for ages all, 0-17, 18+, 18-64, 0-64 and 65+; not " + row.sex + " " + row.age_band;
        return r;
      }
      break;
    }
    case SeriesKind::flow_count:
      for (int t = m.first; t <= m.last; ++t)
        for (const int c : cells) r.value += out.flows[static_cast<std::size_t>(t)].cells[static_cast<std::size_t>(c) * kFlowMetrics + static_cast<std::size_t>(def->metric)];
      break;
    case SeriesKind::stock_percent: {
      double sum = 0;
      int n = 0;
      for (int t = m.first; t <= m.last; ++t) {
        const Snapshot* s = snapshot_after(out, t);
        if (!s) continue;
        const double denominator = stock_sum(*s, cells, def->denominator);
        if (denominator <= 0) continue;
        sum += 100.0 * stock_sum(*s, cells, def->metric - kFlowMetrics) / denominator;
        ++n;
      }
      if (n == 0) {
        r.reason = "no adults simulated in " + row.geography;
        return r;
      }
      r.value = sum / n;
      break;
    }
    case SeriesKind::rate_per_100k: {
      // People at risk: the mean of the stocks the run keeps from the period's start to its end
      // (at the start, and the ends of March, June and December), times its length.
      double events = 0, at_risk = 0;
      int n = 0;
      for (int t = m.first; t <= m.last; ++t)
        for (const int c : cells) events += out.flows[static_cast<std::size_t>(t)].cells[static_cast<std::size_t>(c) * kFlowMetrics + static_cast<std::size_t>(def->metric)];
      for (const auto& snap : out.snapshots)
        if (snap.after_month >= m.first - 1 && snap.after_month <= m.last) {
          at_risk += stock_sum(snap, cells, def->denominator);
          ++n;
        }
      const double person_years = n ? at_risk / n * (m.last - m.first + 1) / 12.0 : 0.0;
      if (person_years <= 0) {
        r.reason = "no one aged " + row.age_band + " simulated in " + row.geography;
        return r;
      }
      r.value = 1e5 * events / person_years;
      break;
    }
    case SeriesKind::life_expectancy: {
      // Deaths and person-years by sex and age group of the period's months in the area.
      const int sex = row.sex == "male" ? 0 : (row.sex == "female" ? 1 : -1);
      const Area area = area_of(row.geography, region);
      std::array<double, kAgeGroups> deaths{}, years{};
      for (int t = m.first; t <= m.last; ++t) {
        const MonthFlows& f = out.flows[static_cast<std::size_t>(t)];
        if (f.district_deaths.size() != region.districts.size() * static_cast<std::size_t>(kDistrictLifeTableCellsPerDistrict) ||
            f.district_person_months.size() != f.district_deaths.size()) {
          r.reason = "this run kept no deaths by district and age";
          return r;
        }
        for (int d = 0; d < static_cast<int>(region.districts.size()); ++d) {
          if (!area.holds(region.districts[static_cast<std::size_t>(d)].icp, d)) continue;
          for (int s = 0; s < kSexes; ++s) {
            if (sex >= 0 && s != sex) continue;
            for (int g = 0; g < kAgeGroups; ++g) {
              const auto k = static_cast<std::size_t>(district_life_table_cell(d, s, g));
              deaths[static_cast<std::size_t>(g)] += f.district_deaths[k];
              years[static_cast<std::size_t>(g)] += f.district_person_months[k] / 12.0;
            }
          }
        }
      }
      bool complete = deaths.back() > 0;
      for (const double y : years) complete = complete && y > 0;
      if (!complete) {
        r.reason = "too few simulated people in " + row.geography + " for a life table (an empty age group, or no deaths at 90+)";
        return r;
      }
      const std::vector<int> ages(kAgeGroupStart.begin(), kAgeGroupStart.end());
      r.value = results::period_life_table(ages, std::vector<double>(deaths.begin(), deaths.end()), std::vector<double>(years.begin(), years.end())).front().e;
      break;
    }
    case SeriesKind::not_modelled: break;
  }
  r.ok = true;
  return r;
}

Validation compare_observed(const std::vector<ObservedRow>& rows, const std::vector<const RunOutput*>& runs, const RegionData& region) {
  if (runs.empty()) throw InputError("the validation needs at least one run");
  Validation v;
  v.replicates = static_cast<int>(runs.size());
  v.run_start_year = runs.front()->start_year;
  v.run_months = runs.front()->months;
  std::map<std::string, std::size_t> fit_of;
  for (const auto& def : series_definitions())
    for (const auto& row : rows)
      if (row.series == def.name) {
        fit_of[def.name] = v.series.size();
        SeriesFit fit;
        fit.series = def.name;
        fit.unit = def.unit;
        fit.caveat = def.caveat;
        v.series.push_back(std::move(fit));
        break;
      }
  for (const auto& row : rows) {
    ComparedRow c;
    c.observed = row;
    std::vector<double> values;
    for (const RunOutput* out : runs) {
      const ModelValue mv = model_value(row, *out, region);
      if (!mv.ok) {
        c.reason = mv.reason;
        values.clear();
        break;
      }
      values.push_back(mv.value);
    }
    SeriesFit& fit = v.series[fit_of.at(row.series)];
    ++fit.rows;
    if (!values.empty()) {
      const auto q = results::quantiles(values);
      c.compared = true;
      c.n = static_cast<int>(values.size());
      c.mean = q.mean;
      c.p05 = q.p05;
      c.p95 = q.p95;
      ++fit.compared;
      fit.inside += c.inside() ? 1 : 0;
      if (row.value != 0) {  // a percentage error of an observed 0 is undefined: such rows count for coverage only
        fit.mape += std::fabs(c.percent_error());
        fit.mean_percent_error += c.percent_error();
        ++fit.with_percent_error;
      }
    } else if (std::find(fit.reasons.begin(), fit.reasons.end(), c.reason) == fit.reasons.end()) {
      fit.reasons.push_back(c.reason);
    }
    v.rows.push_back(std::move(c));
  }
  for (auto& f : v.series)
    if (f.with_percent_error) {
      f.mape /= f.with_percent_error;
      f.mean_percent_error /= f.with_percent_error;
    }
  return v;
}

std::string format_validation(const Validation& v, bool every_row) {
  std::ostringstream out;
  char b[400];
  std::snprintf(b, sizeof b, "%-36s %6s %8s %8s %9s %9s\n", "Series", "rows", "compared", "MAPE", "bias", "coverage");
  out << b;
  for (const auto& f : v.series) {
    if (f.compared)
      std::snprintf(b, sizeof b, "%-36s %6d %8d %7.2f%% %+8.2f%% %4d/%-4d\n", f.series.c_str(), f.rows, f.compared, f.mape, f.mean_percent_error,
                    f.inside, f.compared);
    else
      std::snprintf(b, sizeof b, "%-36s %6d %8d %8s %9s %9s\n", f.series.c_str(), f.rows, 0, "-", "-", "-");
    out << b;
  }
  out << "MAPE: mean absolute percentage error of the model's mean; bias: mean signed percentage error; coverage: observed values inside the "
         "model's 90% interval ("
      << v.replicates << " replicate" << (v.replicates == 1 ? "" : "s") << ").\n";
  for (const auto& f : v.series)
    for (const auto& reason : f.reasons) out << "  " << f.series << ": not compared: " << reason << "\n";
  if (every_row) {
    out << "\n";
    std::snprintf(b, sizeof b, "%-34s %-20s %-10s %-8s %-5s %12s %12s %12s %12s %8s %s\n", "series", "geography", "period", "sex", "age", "observed",
                  "model", "p05", "p95", "error", "inside");
    out << b;
    for (const auto& r : v.rows) {
      if (!r.compared) continue;
      std::snprintf(b, sizeof b, "%-34s %-20s %-10s %-8s %-5s %12.6g %12.6g %12.6g %12.6g %+7.2f%% %s\n", r.observed.series.c_str(),
                    r.observed.geography.c_str(), r.observed.period_text.c_str(), r.observed.sex.c_str(), r.observed.age_band.c_str(),
                    r.observed.value, r.mean, r.p05, r.p95, r.percent_error(), r.inside() ? "yes" : "no");
      out << b;
    }
  }
  return out.str();
}

}  // namespace shiftsim::validation
