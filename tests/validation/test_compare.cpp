// The model against observed series: each period form maps to the right months of a run,
// each series kind is computed as defined, rows the outputs cannot reproduce say why, the fit
// (MAPE, bias, coverage) is computed over the replicates, and a stored validation reads back.
// Synthetic runs with known flows and stocks, so every expected value is exact.
#include "model/core/errors.hpp"
#include "results/store.hpp"
#include "support/fixtures.hpp"
#include "validation/compare.hpp"
#include "validation/report.hpp"
#include "validation/validation_store.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>

using namespace shiftsim;
using namespace shiftsim::validation;
using namespace shiftsim::model;

namespace {

const RegionData& region() { return test::region(); }

/// A run from mid-2018 of `months` months: one zone per district, quintile 1 only. Each cell has
/// one death and two births a month (times `level`); at every month end 1,000 residents per
/// district (400 men, 250 aged 65+, 800 adults, of whom 200 smoke); in every district
/// and month, 10 deaths and 1,000 person-months in each sex and age group.
RunOutput synthetic_run(int months, double level = 1.0, double hazard = 0.01) {
  RunOutput out;
  out.start_year = 2018;
  out.months = months;
  const int districts = static_cast<int>(region().districts.size());
  out.layout.zones = districts;
  for (int d = 0; d < districts; ++d) {
    out.layout.zone_district.push_back(d);
    out.layout.zone_icp.push_back(region().districts[static_cast<std::size_t>(d)].icp);
    out.layout.zone_neighbourhood.push_back(0);
  }
  const int cells = out.layout.cells();
  for (int t = 0; t < months; ++t) {
    MonthFlows f;
    f.cells.assign(static_cast<std::size_t>(cells) * kFlowMetrics, 0.0);
    for (int z = 0; z < districts; ++z) {
      const auto c = static_cast<std::size_t>(OutputLayout::cell(z, 1));
      f.cells[c * kFlowMetrics + fm_deaths] = level;
      f.cells[c * kFlowMetrics + fm_births] = 2 * level;
      f.cells[c * kFlowMetrics + fm_falls_admissions_65_plus] = 0.5 * level;
    }
    f.district_deaths.assign(static_cast<std::size_t>(districts) * kDistrictLifeTableCellsPerDistrict, 0.0);
    f.district_person_months.assign(f.district_deaths.size(), 0.0);
    for (std::size_t k = 0; k < f.district_deaths.size(); ++k) {
      f.district_person_months[k] = 12000.0;          // 1,000 person-years
      f.district_deaths[k] = hazard * 1000.0;          // a constant hazard
    }
    out.flows.push_back(std::move(f));
  }
  for (int t = -1; t < months; ++t) {
    Snapshot s;
    s.after_month = t;
    s.cells.assign(static_cast<std::size_t>(cells) * kStockMetrics, 0.0);
    for (int z = 0; z < districts; ++z) {
      const auto c = static_cast<std::size_t>(OutputLayout::cell(z, 1));
      s.cells[c * kStockMetrics + sm_population] = 1000 * level;
      s.cells[c * kStockMetrics + sm_population_male] = 400 * level;
      s.cells[c * kStockMetrics + sm_population_65_plus] = 250 * level;
      s.cells[c * kStockMetrics + sm_adults] = 800 * level;
      s.cells[c * kStockMetrics + sm_smokers] = 200 * level;
    }
    out.snapshots.push_back(std::move(s));
  }
  return out;
}

ObservedRow row(const std::string& series, const std::string& geography, const std::string& period, double value,
                const std::string& sex = "persons", const std::string& age = "all") {
  const std::string text = "series,geography,period,sex,age_band,value,source\n" + series + "," + geography + "," + period + "," + sex + "," + age +
                           "," + std::to_string(value) + ",test\n";
  return parse_observed(text, "t.csv", vocabulary_of(region())).front();
}

}  // namespace

TEST_CASE("validation: periods map to the run's months and every series kind is computed as defined") {
  const RunOutput out = synthetic_run(60);
  const auto districts = static_cast<double>(region().districts.size());
  const std::string d0 = region().districts.front().code;
  auto value = [&](const ObservedRow& r) {
    const ModelValue v = model_value(r, out, region());
    INFO(r.series << " " << r.geography << " " << r.period_text << ": " << v.reason);
    REQUIRE(v.ok);
    return v.value;
  };
  // Flows: twelve months in every year-long form, 36 in a pooled three years.
  CHECK(value(row("deaths", "region", "2018/19", 0)) == doctest::Approx(12 * districts));
  CHECK(value(row("deaths", "region", "FY2019/20", 0)) == doctest::Approx(12 * districts));
  CHECK(value(row("births", d0, "2019", 0)) == doctest::Approx(24));
  // Stocks: the snapshot of the mid-year; sex and the age bands the outputs keep.
  CHECK(value(row("population", d0, "mid-2018", 0)) == doctest::Approx(1000));
  CHECK(value(row("population", d0, "mid-2023", 0)) == doctest::Approx(1000));
  CHECK(value(row("population", d0, "mid-2020", 0, "female")) == doctest::Approx(600));
  CHECK(value(row("population", d0, "mid-2020", 0, "persons", "0-17")) == doctest::Approx(200));
  CHECK(value(row("population", d0, "mid-2020", 0, "persons", "18-64")) == doctest::Approx(550));
  // Percentages of adults, and rates per 100,000 person-years of the age band.
  CHECK(value(row("smokers_percent", d0, "2020", 0, "persons", "18+")) == doctest::Approx(25.0));
  CHECK(value(row("falls_admissions_65_plus_per_100k", d0, "FY2019/20", 0, "persons", "65+")) == doctest::Approx(1e5 * 6 / 250));
  // Life expectancy from a constant hazard h: 1/h years (the abridged table's discretisation
  // of a constant hazard of 0.01 a year errs by well under 0.5%).
  CHECK(value(row("life_expectancy_birth_years", d0, "2019-21", 0, "male")) == doctest::Approx(100.0).epsilon(0.005));
  // An ICP is the sum of its districts.
  const std::string icp = region().icps.front().name;
  double n = 0;
  for (const auto& d : region().districts)
    if (region().icps[static_cast<std::size_t>(d.icp)].name == icp) n += 1;
  CHECK(value(row("deaths", icp, "2018/19", 0)) == doctest::Approx(12 * n));

  // What cannot be reproduced says why.
  auto reason = [&](const ObservedRow& r) {
    const ModelValue v = model_value(r, out, region());
    CHECK_FALSE(v.ok);
    return v.reason;
  };
  CHECK(reason(row("deaths", "region", "2017/18", 0)).find("outside the run") != std::string::npos);
  CHECK(reason(row("deaths", "region", "FY2018/19", 0)).find("outside the run") != std::string::npos);  // starts in April 2018
  CHECK(reason(row("deaths", "region", "2023/24", 0)).find("outside the run") != std::string::npos);
  CHECK(reason(row("deaths", "region", "2018/19", 0, "male")).find("persons only") != std::string::npos);
  CHECK(reason(row("population", d0, "mid-2020", 0, "persons", "45-64")).find("not persons 45-64") != std::string::npos);
  CHECK(reason(row("population", d0, "2019/20", 0)).find("mid-year") != std::string::npos);
  CHECK(reason(row("smokers_percent", d0, "2020", 0, "persons", "16+")).find("18+") != std::string::npos);
  CHECK(reason(row("alcohol_related_admissions_per_100k", d0, "FY2019/20", 0)).find("does not simulate") != std::string::npos);
}

TEST_CASE("validation: the fit over replicates, and a stored validation reads back") {
  // Two replicates at levels 0.9 and 1.1: means 1,000 people a district, interval 910-1,090 (type 7).
  const RunOutput a = synthetic_run(24, 0.9), b = synthetic_run(24, 1.1);
  const std::string d0 = region().districts.front().code, d1 = region().districts[1].code;
  const std::vector<ObservedRow> rows = {row("population", d0, "mid-2019", 1000), row("population", d1, "mid-2019", 1200),
                                         row("population", d0, "mid-2001", 900), row("deaths", d0, "2018/19", 10)};
  const Validation v = compare_observed(rows, {&a, &b}, region());
  REQUIRE(v.rows.size() == 4);
  CHECK(v.rows[0].compared);
  CHECK(v.rows[0].mean == doctest::Approx(1000));
  CHECK(v.rows[0].p05 == doctest::Approx(910));
  CHECK(v.rows[0].p95 == doctest::Approx(1090));
  CHECK(v.rows[0].inside());
  CHECK_FALSE(v.rows[1].inside());  // 1,200 is above the interval
  CHECK_FALSE(v.rows[2].compared);
  REQUIRE(v.series.size() == 2);
  const SeriesFit& pop = v.series[0];
  CHECK(pop.series == "population");
  CHECK((pop.rows == 3 && pop.compared == 2 && pop.inside == 1));
  CHECK(pop.mape == doctest::Approx((0.0 + 100.0 * 200 / 1200) / 2));
  CHECK(pop.mean_percent_error == doctest::Approx(-100.0 * 200 / 1200 / 2));
  CHECK(pop.coverage() == doctest::Approx(0.5));
  REQUIRE(pop.reasons.size() == 1);
  CHECK(pop.reasons[0].find("outside the run") != std::string::npos);
  CHECK(v.series[1].mape == doctest::Approx(20.0));  // 12 deaths against 10

  const auto dir = std::filesystem::temp_directory_path() / "shiftsim_test_validation";
  std::filesystem::create_directories(dir);
  const auto db = dir / "v.db";
  std::filesystem::remove(db);
  results::ResultsStore store(db);
  ValidationRecord rec;
  rec.scenario_name = "synthetic <b>";
  rec.observed_file = "obs.csv";
  rec.observed_text = "series,...";
  rec.replicates = 2;
  rec.run_start_year = 2018;
  rec.base_year = 2018;
  rec.months = 24;
  rec.method = "test";
  const auto id = store_validation(store, rec, v);
  CHECK(latest_validation(store) == id);
  const StoredValidation back = read_validation(store, id);
  CHECK(back.record.scenario_name == rec.scenario_name);
  REQUIRE(back.validation.rows.size() == v.rows.size());
  CHECK(back.validation.rows[1].p95 == doctest::Approx(v.rows[1].p95));
  CHECK(back.validation.rows[2].reason == v.rows[2].reason);
  REQUIRE(back.validation.series.size() == 2);
  CHECK(back.validation.series[0].mape == doctest::Approx(pop.mape));
  CHECK(back.validation.series[0].reasons == pop.reasons);
  // The report: one chart per series and geography compared, the scenario's text escaped.
  const std::string html = validation_report_html(back, db.string());
  CHECK(validation_chart_count(back.validation) == 3);
  std::size_t charts = 0;
  for (auto at = html.find("<svg class=\"chart\""); at != std::string::npos; at = html.find("<svg class=\"chart\"", at + 1)) ++charts;
  CHECK(charts == 3);
  CHECK(html.find("synthetic &lt;b&gt;") != std::string::npos);
  CHECK(html.find("synthetic <b>") == std::string::npos);
  CHECK_THROWS_AS(read_validation(store, id + 1), InputError);
  std::filesystem::remove_all(dir);
}
