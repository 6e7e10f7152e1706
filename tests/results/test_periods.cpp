#include "results/periods.hpp"
#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <map>

using namespace shiftsim;
using namespace shiftsim::results;

TEST_CASE("periods: a five-year run from mid-2018 covers model, financial and calendar years") {
  const auto p = periods_of(2018, 60);
  std::vector<std::string> model, fy, cy;
  for (const auto& x : p) {
    if (x.type == PeriodType::model_year) model.push_back(x.label + " " + x.start + ".." + x.end);
    if (x.type == PeriodType::financial_year) fy.push_back(x.label + ":" + std::to_string(x.months()));
    if (x.type == PeriodType::calendar_year) cy.push_back(x.label + ":" + std::to_string(x.months()));
  }
  CHECK(p.front().type == PeriodType::start);
  CHECK(model == std::vector<std::string>{"2018/19 2018-07..2019-06", "2019/20 2019-07..2020-06", "2020/21 2020-07..2021-06",
                                          "2021/22 2021-07..2022-06", "2022/23 2022-07..2023-06"});
  CHECK(fy == std::vector<std::string>{"FY2018/19:9", "FY2019/20:12", "FY2020/21:12", "FY2021/22:12", "FY2022/23:12", "FY2023/24:3"});
  CHECK(cy == std::vector<std::string>{"2018:6", "2019:12", "2020:12", "2021:12", "2022:12", "2023:6"});
}

TEST_CASE("periods: long rows add up to the monthly flows and take stocks at the period end") {
  auto w = test::world();
  model::Simulation sim(*w, test::settings(0.02, 14));
  const auto out = sim.run();
  const auto periods = periods_of(out.start_year, out.months);
  const auto rows = long_rows(out, periods, 5);
  // Deaths in the first model year, from the rows and from the months directly.
  double from_rows = 0, direct = 0;
  for (const auto& r : rows)
    if (r.period->type == PeriodType::model_year && r.period->label == "2018/19" && r.metric == model::fm_deaths)
      from_rows += r.value;
  for (int t = 0; t < 12; ++t)
    for (std::size_t k = model::fm_deaths; k < out.flows[static_cast<std::size_t>(t)].cells.size(); k += model::kFlowMetrics)
      direct += out.flows[static_cast<std::size_t>(t)].cells[k];
  CHECK(from_rows == doctest::Approx(direct));
  // The financial year 2018/19 population is the March 2019 snapshot.
  const auto fy = std::find_if(periods.begin(), periods.end(), [](auto& p) { return p.label == "FY2018/19"; });
  REQUIRE(fy != periods.end());
  const auto tot = region_totals(out, *fy);
  double march = 0;
  for (const auto& s : out.snapshots)
    if (s.after_month == 8)
      for (std::size_t k = model::sm_population; k < s.cells.size(); k += model::kStockMetrics) march += s.cells[k];
  CHECK(tot[model::kFlowMetrics + model::sm_population] == doctest::Approx(march));
  CHECK(march > 1.6e6);
}

TEST_CASE("periods: the rows by district and by neighbourhood each add up to the region, and the most deprived fifth is part of each") {
  auto w = test::world();
  model::Simulation sim(*w, test::settings(0.02, 14));
  const auto out = sim.run();
  const auto periods = periods_of(out.start_year, out.months);
  const auto rows = area_rows(out, periods);
  const auto& list = area_metric_list();
  CHECK(out.layout.district_codes.size() == 16);
  CHECK(out.layout.neighbourhood_names.size() == 41);
  std::map<std::string, double> district, neighbourhood;  // period|metric
  std::map<std::string, double> q1, all;                  // period|area|metric without the suffix
  for (const auto& r : rows) {
    CHECK(r.period->type != PeriodType::calendar_year);
    const auto& m = list[static_cast<std::size_t>(r.metric)];
    const std::string key = r.period->label + "|" + m.name;
    (r.type == AreaType::district ? district : neighbourhood)[key] += r.value;
    if (r.type == AreaType::neighbourhood) {
      const std::string base = m.most_deprived_only ? m.name.substr(0, m.name.size() - 7) : m.name;  // drop "_imd_q1"
      (m.most_deprived_only ? q1 : all)[r.period->label + "|" + std::to_string(r.area) + "|" + base] += r.value;
    }
  }
  REQUIRE(!district.empty());
  for (const auto& [key, v] : district) CHECK(neighbourhood.at(key) == doctest::Approx(v));
  // Against the ICP x quintile rows: deaths in 2018/19 and the population at mid-2018.
  for (const Period& p : periods) {
    if (p.type == PeriodType::calendar_year) continue;
    const auto tot = region_totals(out, p);
    if (p.type != PeriodType::start) CHECK(district.at(p.label + "|deaths") == doctest::Approx(tot[model::fm_deaths]));
    CHECK(district.at(p.label + "|population") == doctest::Approx(tot[model::kFlowMetrics + model::sm_population]));
  }
  std::size_t checked = 0;
  for (const auto& [key, v] : q1) {
    CHECK(v <= all.at(key) + 1e-9);
    ++checked;
  }
  CHECK(checked > 41 * 4);
  // Some neighbourhoods have nobody in the most deprived fifth, and some have most of their people in it.
  int none = 0, most = 0;
  for (int a = 0; a < 41; ++a) {
    const std::string k = "mid-2018|" + std::to_string(a) + "|population";
    if (q1.at(k) == 0) ++none;
    if (q1.at(k) > 0.5 * all.at(k)) ++most;
  }
  CHECK(none > 0);
  CHECK(most > 0);
}
