#include "model/core/life_table.hpp"
#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>

using namespace shiftsim;

TEST_CASE("life table: life expectancy from ONS death rates matches ONS's published ex") {
  // ONS National Life Tables, England 2016-2018: our period life table from the published
  // mx must give the published e0 and e65 to within 0.1 years (ONS's own table uses slightly
  // different conventions at age 0 and at the top age).
  const auto& lt = test::region().life_tables.at("2016-2018");
  std::ifstream in(test::region_dir() / "england_national_life_tables_2009_2020.csv");
  std::string line;
  double published[2][2] = {};  // [sex][0: e0, 1: e65]
  while (std::getline(in, line)) {
    if (line.rfind("\"2016-2018\"", 0) != 0) continue;
    std::stringstream ss(line);
    std::vector<std::string> f;
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    const int sex = f[1] == "\"Male\"" ? 0 : 1;
    const int age = std::stoi(f[2]);
    if (age == 0) published[sex][0] = std::stod(f[7]);
    if (age == 65) published[sex][1] = std::stod(f[7]);
  }
  for (int s = 0; s < 2; ++s) {
    std::vector<double> m(lt.mx[static_cast<std::size_t>(s)].begin(), lt.mx[static_cast<std::size_t>(s)].end());
    CHECK(model::life_expectancy(m, 0) == doctest::Approx(published[s][0]).epsilon(0.1 / published[s][0]));
    CHECK(model::life_expectancy(m, 65) == doctest::Approx(published[s][1]).epsilon(0.1 / published[s][1]));
  }
}

TEST_CASE("life table: constant hazard gives 1/m") {
  std::vector<double> m(101, 0.02);
  // With q = 1 - exp(-m) and deaths at mid-year, e0 = 1/m to within 0.1% for small m.
  CHECK(model::life_expectancy(m, 0) == doctest::Approx(50.0).epsilon(0.001));
}
