// The region loader rejects each kind of malformed file with file, line and column.
#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <vector>

using namespace shiftsim;
namespace fs = std::filesystem;

namespace {

/// A copy of the bundled region folder that a test may damage.
struct RegionCopy {
  test::TempDir dir;
  fs::path folder;
  RegionCopy() {
    folder = dir.path() / "lsc";
    fs::create_directories(folder);
    for (const auto& e : fs::directory_iterator(test::region_dir())) fs::copy_file(e.path(), folder / e.path().filename());
  }
  std::vector<std::string> lines(const std::string& file) const {
    std::ifstream in(folder / file);
    std::vector<std::string> out;
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
  }
  void write(const std::string& file, const std::vector<std::string>& lines) const {
    std::ofstream out(folder / file);
    for (const auto& l : lines) out << l << "\n";
  }
  /// Replaces the `field`-th comma-separated field of line `line` (1-based).
  void set_field(const std::string& file, std::size_t line, std::size_t field, const std::string& value) const {
    auto ls = lines(file);
    std::vector<std::string> parts;
    std::stringstream ss(ls[line - 1]);
    for (std::string p; std::getline(ss, p, ',');) parts.push_back(p);
    parts[field] = value;
    std::string joined;
    for (std::size_t i = 0; i < parts.size(); ++i) joined += (i ? "," : "") + parts[i];
    ls[line - 1] = joined;
    write(file, ls);
  }
};

std::string load_error(const fs::path& folder) {
  try {
    inputs::load_region(folder);
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("region loader: the bundled data loads and its totals hold") {
  const auto& r = test::region();
  CHECK(r.districts.size() == 16);
  CHECK(r.icps.size() == 5);
  CHECK(r.total_population() == 1'669'969);
  CHECK(r.msoas.size() == 215);
  CHECK(r.lsoas.size() == 1049);
  CHECK(r.data_version.rfind("lsc-2018@", 0) == 0);
}

TEST_CASE("region loader: a missing column is named") {
  RegionCopy c;
  c.set_field("population_mid2018_lad_sex_single_year.csv", 1, 6, "pop");
  const auto msg = load_error(c.folder);
  CHECK(msg.find("population_mid2018_lad_sex_single_year.csv, line 1, column 'population': the column is missing") != std::string::npos);
}

TEST_CASE("region loader: a non-numeric value is reported with line and column") {
  RegionCopy c;
  c.set_field("population_mid2018_lad_sex_single_year.csv", 10, 6, "many");
  const auto msg = load_error(c.folder);
  CHECK(msg.find("population_mid2018_lad_sex_single_year.csv, line 10, column 'population': is 'many', but must be a whole number") !=
        std::string::npos);
}

TEST_CASE("region loader: a negative count is rejected") {
  RegionCopy c;
  c.set_field("components_of_change_lad_mid2018.csv", 3, 6, "-1910");
  const auto msg = load_error(c.folder);
  CHECK(msg.find("components_of_change_lad_mid2018.csv, line 3, column 'deaths': is -1910, but must be between 0 and") !=
        std::string::npos);
}

TEST_CASE("region loader: totals that do not add up are reported") {
  SUBCASE("a single-year count no longer matches the 5-year table and the district total") {
    RegionCopy c;
    auto ls = c.lines("population_mid2018_lad_sex_single_year.csv");
    // line 2 is Blackburn with Darwen, male, age 0 (988)
    REQUIRE(ls[1].find("E06000008") != std::string::npos);
    c.set_field("population_mid2018_lad_sex_single_year.csv", 2, 6, "989");
    const auto msg = load_error(c.folder);
    CHECK(msg.find("population_mid2018_lad_sex_5yr.csv, line 2, column 'population': is 5309, but the single-year table sums to 5310") !=
          std::string::npos);
  }
  SUBCASE("components of change that do not balance") {
    RegionCopy c;
    c.set_field("components_of_change_lad_mid2018.csv", 2, 14, "99");  // "other" for Blackburn with Darwen
    const auto msg = load_error(c.folder);
    CHECK(msg.find("components_of_change_lad_mid2018.csv, line 2, column 'pop_end': is 148942, but pop_start + births - deaths + "
                   "migration + other = 149025") != std::string::npos);
  }
  SUBCASE("an MSOA whose age bands do not sum to its total") {
    RegionCopy c;
    c.set_field("population_mid2017_msoa_persons_5yr.csv", 2, 5, "10050");
    const auto msg = load_error(c.folder);
    CHECK(msg.find("population_mid2017_msoa_persons_5yr.csv, line 2, column 'all_ages': is 10050, but the age bands sum to 10049") !=
          std::string::npos);
  }
}

TEST_CASE("region loader: an IMD decile outside 1-10 and an unknown district are rejected") {
  RegionCopy c;
  c.set_field("imd2019_lsoa_lsc.csv", 5, 7, "11");
  CHECK(load_error(c.folder).find("imd2019_lsoa_lsc.csv, line 5, column 'imd_decile': is 11, but must be between 1 and 10") !=
        std::string::npos);
  RegionCopy d;
  d.set_field("population_mid2018_lad_sex_single_year.csv", 2, 1, "E06000999");
  CHECK(load_error(d.folder).find("line 2, column 'area_code': 'E06000999' is not a district of lad_lookup.csv") != std::string::npos);
}

TEST_CASE("region loader: a missing file and a missing folder are named") {
  RegionCopy c;
  fs::remove(c.folder / "lad_lookup.csv");
  CHECK(load_error(c.folder).find("lad_lookup.csv: cannot open the file") != std::string::npos);
  CHECK(load_error(c.dir.path() / "nowhere").find("nowhere: is not a folder of region data") != std::string::npos);
}

TEST_CASE("region loader: every problem in a file is reported together") {
  RegionCopy c;
  c.set_field("population_mid2018_lad_sex_single_year.csv", 10, 6, "x");
  c.set_field("population_mid2018_lad_sex_single_year.csv", 20, 6, "-4");
  try {
    inputs::load_region(c.folder);
    FAIL("expected a DataError");
  } catch (const DataError& e) {
    CHECK(e.problems().size() >= 2);
  }
}

TEST_CASE("region loader: a back-cast starts from each district's ONS total of the earlier year, at that year's rates") {
  const auto& base = test::region();
  const auto r = inputs::load_region(test::region_dir(), 2014);
  CHECK(r.base_year == 2014);
  CHECK(r.data_base_year == 2018);
  CHECK(r.life_table_period == "2012-2014");  // as 2016-2018 stands to 2018
  CHECK(r.life_table_trend_period == base.life_table_period);
  CHECK(r.data_version == base.data_version + "-from-2014");
  CHECK(r.back_cast_method.find("reverse-survived 4 years") != std::string::npos);
  // Every district at its mid-2014 total exactly, no negative or empty age.
  long total = 0;
  for (std::size_t d = 0; d < r.districts.size(); ++d) {
    long district = 0;
    for (const auto& sex : r.population[d])
      for (const long n : sex) {
        CHECK(n >= 0);
        district += n;
      }
    CHECK(district == r.district_totals.at(2014)[d]);
    total += district;
  }
  CHECK(total == 1'642'189);
  // Reverse survival: the mid-2014 cohort aged 40 is the mid-2018 cohort aged 44, less four
  // years of deaths at 40-43 (under 1%) and the raking of the under-65s, which takes the
  // years' net migration out of them (up to 6% in the districts people move to: Fylde, Wyre).
  for (std::size_t d = 0; d < r.districts.size(); ++d)
    for (std::size_t s = 0; s < 2; ++s) {
      INFO(r.districts[d].code << " sex " << s);
      CHECK(static_cast<double>(r.population[d][s][40]) == doctest::Approx(static_cast<double>(base.population[d][s][44])).epsilon(0.08));
    }
  // The rates move to the year: deaths by the earlier population's expected deaths (fewer
  // and younger people: fewer deaths), births by the women of 15-44, the Fingertips periods
  // to 2014 where England has them (smoking), else the earliest published (excess weight 2015/16).
  double deaths = 0, deaths_base = 0;
  for (std::size_t d = 0; d < r.districts.size(); ++d) {
    deaths += static_cast<double>(r.components[d].deaths);
    deaths_base += static_cast<double>(base.components[d].deaths);
  }
  CHECK(deaths < deaths_base);
  CHECK(deaths > 0.85 * deaths_base);
  CHECK(r.indicators.at("smoking_prevalence_adults").period == "2014");
  CHECK(r.indicators.at("excess_weight_adults").period == "2015/16");
  CHECK(r.indicators.at("falls_admissions_65_plus").period == "2013/14");
  CHECK(r.back_cast_method.find("the earliest published") != std::string::npos);
  // Outside the data: refused, saying what the data allow.
  for (const int year : {2010, 2019}) {
    CAPTURE(year);
    try {
      inputs::load_region(test::region_dir(), year);
      CHECK(false);
    } catch (const InputError& e) {
      CHECK(std::string(e.what()).find("2011 to mid-2017") != std::string::npos);
    }
  }
  CHECK(inputs::load_region(test::region_dir(), 2018).data_version == base.data_version);  // the base year itself: no back-cast
}

TEST_CASE("region loader: region.json with a key given twice, nested too deep or with a number beyond a double is refused") {
  // Issue 19: the last of two "base_year"s won silently at e84fbd7.
  RegionCopy c;
  const auto original = c.lines("region.json");
  std::string text;
  for (const auto& l : original) text += l + "\n";
  const auto brace = text.find('{');
  REQUIRE(brace != std::string::npos);
  auto with = [&](const std::string& inserted) {
    std::string t = text;
    t.insert(brace + 1, inserted);
    std::ofstream(c.folder / "region.json") << t;
    return load_error(c.folder);
  };
  const std::string twice = with("\"base_year\": 2017, ");
  CHECK_MESSAGE(twice.find("region.json") != std::string::npos, twice);
  CHECK_MESSAGE(twice.find("/base_year: is given twice in the same object") != std::string::npos, twice);
  const std::string deep = with("\"x\": " + std::string(1000, '[') + std::string(1000, ']') + ", ");
  CHECK_MESSAGE(deep.find("more than 64 deep") != std::string::npos, deep);
  const std::string huge = with("\"x\": -2e999, ");
  CHECK_MESSAGE(huge.find("outside the range of a double") != std::string::npos, huge);
}
