// The observed-series format: its periods and age bands, row-precise messages for malformed
// files, and the shipped file against the region data it is taken from.
#include "model/core/errors.hpp"
#include "scenarios/csv.hpp"
#include "support/fixtures.hpp"
#include "validation/compare.hpp"
#include "validation/observed.hpp"

#include <doctest/doctest.h>

#include <map>

using namespace shiftsim;
using namespace shiftsim::validation;

namespace {
ObservedVocabulary vocabulary() {
  ObservedVocabulary v;
  v.series = {"population", "deaths", "births", "in_migrants", "out_migrants"};
  v.geographies.insert("region");
  for (const auto& icp : test::region().icps) v.geographies.insert(icp.name);
  for (const auto& d : test::region().districts) v.geographies.insert(d.code);
  return v;
}
std::string errors_of(const std::string& text) {
  try {
    parse_observed(text, "obs.csv", vocabulary());
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}
const std::string kHeader = "series,geography,period,sex,age_band,value,source\n";
}  // namespace

TEST_CASE("observed: the five period forms and the age bands") {
  ObservedPeriod p;
  REQUIRE(parse_period("mid-2018", p));
  CHECK((p.kind == PeriodKind::mid_year && p.first_year == 2018 && p.last_year == 2018));
  REQUIRE(parse_period("2017/18", p));
  CHECK((p.kind == PeriodKind::mid_to_mid && p.first_year == 2017 && p.last_year == 2018));
  REQUIRE(parse_period("FY2019/20", p));
  CHECK((p.kind == PeriodKind::financial_year && p.first_year == 2019 && p.last_year == 2020));
  REQUIRE(parse_period("2017-19", p));
  CHECK((p.kind == PeriodKind::pooled && p.first_year == 2017 && p.last_year == 2019));
  REQUIRE(parse_period("2018", p));
  CHECK((p.kind == PeriodKind::calendar_year && p.first_year == 2018 && p.last_year == 2018));
  REQUIRE(parse_period("1999/00", p));
  CHECK(p.last_year == 2000);
  for (const std::string bad : {"18", "20180", "mid-18", "2017/19", "FY2019-20", "2019-18", "mid-2018 ", "FY2019/2"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_period(bad, p));
  }
  const auto rows = parse_observed(kHeader + "population,region,mid-2018,persons,65+,1,ONS\nbirths,region,2017/18,female,15-44,2,ONS\n",
                                   "obs.csv", vocabulary());
  REQUIRE(rows.size() == 2);
  CHECK((rows[0].age_min == 65 && rows[0].age_max == 200));
  CHECK((rows[1].age_min == 15 && rows[1].age_max == 44 && rows[1].line == 3));
}

TEST_CASE("observed: a malformed file is refused with every bad row's line, field and what was expected") {
  const std::string msg = errors_of(kHeader +
                                    "population,region,mid-2018,persons,all,1,ONS\n"
                                    "smokers,region,mid-2018,persons,all,1,ONS\n"          // line 3: unknown series
                                    "deaths,Atlantis,2017/18,persons,all,1,ONS\n"          // line 4: unknown geography
                                    "deaths,region,2017-18x,persons,all,1,ONS\n"           // line 5: period
                                    "deaths,region,2017/18,both,all,1,ONS\n"               // line 6: sex
                                    "deaths,region,2017/18,persons,old,1,ONS\n"            // line 7: age band
                                    "deaths,region,2017/18,persons,all,many,ONS\n"         // line 8: value
                                    "deaths,region,2017/18,persons,all,1,\n"              // line 9: source
                                    "deaths,region,2017/18,persons,99999999999+,1,ONS\n"); // line 10: an age too long to read
  INFO(msg);
  CHECK(msg.find("obs.csv") != std::string::npos);
  for (const char* part : {"3", "series", "smokers", "4", "Atlantis", "5", "2017-18x", "6", "sex", "both", "7", "age_band", "old", "8",
                           "value", "many", "9", "source", "10", "99999999999+"})
    CHECK(msg.find(part) != std::string::npos);
  CHECK(errors_of("series,geography,period\n").find("value") != std::string::npos);  // a missing column is named
  CHECK(!errors_of(kHeader).empty());                                                 // no rows
}

TEST_CASE("observed: the shipped file parses and holds the region data's own figures") {
  const auto rows = read_observed(std::filesystem::path(SHIFTSIM_SOURCE_DIR) / "data" / "observed.csv", vocabulary_of(test::region()));
  REQUIRE(rows.size() > 400);
  std::map<std::string, double> by;  // series|geography|period
  for (const auto& r : rows) by[r.series + "|" + r.geography + "|" + r.period_text] = r.value;
  // Every district's mid-2001..mid-2018 population, and the region's as their sum.
  const auto pop = inputs::CsvTable::read(std::filesystem::path(SHIFTSIM_TEST_DATA_DIR) / "lsc" / "population_lad_totals_2001_2018.csv");
  std::map<int, double> region;
  for (std::size_t i = 0; i < pop.row_count(); ++i) {
    if (pop.cell(i, pop.column_index("icp")).rfind("(", 0) == 0) continue;  // England and the North West, for reference
    const std::string code = pop.cell(i, pop.column_index("area_code")), year = pop.cell(i, pop.column_index("year"));
    const double v = std::stod(pop.cell(i, pop.column_index("population")));
    CHECK(by.at("population|" + code + "|mid-" + year) == v);
    region[std::stoi(year)] += v;
  }
  CHECK(region.size() == 18);
  for (const auto& [y, v] : region) CHECK(by.at("population|region|mid-" + std::to_string(y)) == v);
  // The year to mid-2018's deaths by district, from the components of change.
  const auto cc = inputs::CsvTable::read(std::filesystem::path(SHIFTSIM_TEST_DATA_DIR) / "lsc" / "components_of_change_lad_mid2018.csv");
  for (std::size_t i = 0; i < cc.row_count(); ++i)
    if (cc.cell(i, cc.column_index("icp")).rfind("(", 0) != 0)
      CHECK(by.at("deaths|" + cc.cell(i, cc.column_index("area_code")) + "|2017/18") == std::stod(cc.cell(i, cc.column_index("deaths"))));
}
