// OUTPUTS.md's arithmetic against hand computations.
#include "results/economics.hpp"
#include "results/format.hpp"

#include "model/core/errors.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace shiftsim;
using namespace shiftsim::results;

TEST_CASE("economics: Green Book discounting counts years from the price base, not from year 0") {
  CHECK(discount_factor(2018, 2018, 0.035) == 1.0);
  CHECK(discount_factor(2019, 2018, 0.035) == doctest::Approx(1 / 1.035));
  CHECK(discount_factor(2023, 2018, 0.015) == doctest::Approx(std::pow(1.015, -5)));
  // A flow in 2019/20 is discounted one year, not 19 or 2019.
  CHECK(discount_factor(2019, 2018, 0.035) > 0.96);
  // A scenario starting in 2019 (price base 2019/20): its first year is year 0, 2021/22 year 2.
  CHECK(discount_factor(2019, 2019, 0.035) == 1.0);
  CHECK(discount_factor(2021, 2019, 0.035) == doctest::Approx(1 / (1.035 * 1.035)));
  CHECK(npv({{2019, 100}, {2020, 100}}, 2019, 0.035) == doctest::Approx(100 + 100 / 1.035));
}

TEST_CASE("economics: NPV, break-even year and ROI of a fixed cash-flow stream") {
  // Invest 100 in 2018/19, save 50 in 2019/20 and 60 in 2020/21, at 3.5%:
  // -100 + 50/1.035 + 60/1.035^2 = 4.31982 (by hand).
  const std::vector<YearValue> net{{2018, -100}, {2019, 50}, {2020, 60}};
  CHECK(npv(net, 2018, 0.035) == doctest::Approx(4.3198207).epsilon(1e-7));
  // Cumulative discounted: -100, -51.69, +4.32: break-even in 2020/21.
  CHECK(break_even_year(net, 2018, 0.035) == 2020);
  // Undiscounted it breaks even then too (-100, -50, +10); at 10% it does not: -100 + 45.45 + 49.59 = -4.96.
  CHECK(break_even_year(net, 2018, 0.0) == 2020);
  CHECK_FALSE(break_even_year(net, 2018, 0.10).has_value());
  CHECK(return_on_investment(110, 100) == doctest::Approx(1.1));
  CHECK_THROWS_AS(return_on_investment(10, 0), InputError);
}

TEST_CASE("economics: a Chiang II life table gives e0 = 1/m for a constant death rate, and its q by hand") {
  // With the same m in every group, each closed group's L = d / m and the open group's
  // L = l / m, so T0 = l0 / m and e0 = 1/m exactly, whatever the a_x.
  const std::vector<int> ages{0, 1, 5, 10, 15, 20, 30, 45, 65, 85};
  std::vector<double> deaths, py;
  for (std::size_t k = 0; k < ages.size(); ++k) {
    py.push_back(1000.0 * static_cast<double>(k + 1));
    deaths.push_back(py.back() * 0.02);
  }
  const auto t = period_life_table(ages, deaths, py);
  CHECK(t[0].e == doctest::Approx(50.0));
  CHECK(t[5].e == doctest::Approx(50.0));
  // q for ages 1-4 (n = 4, a = 0.5): 4 x 0.02 / (1 + 4 x 0.5 x 0.02) = 0.08 / 1.04.
  CHECK(t[1].q == doctest::Approx(0.08 / 1.04));
  // q for age 0 (n = 1, a = 0.1): 0.02 / (1 + 0.9 x 0.02).
  CHECK(t[0].q == doctest::Approx(0.02 / 1.018));
  CHECK_THROWS_AS(period_life_table(ages, deaths, std::vector<double>(ages.size(), 0.0)), InputError);
}

TEST_CASE("economics: the slope index of inequality recovers a known gradient across deciles") {
  // Values exactly linear in the person-year rank: v = 74 + 9.5 x rank. With unequal weights
  // the ranks are the midpoints of the cumulative shares, and the SII is 9.5.
  const std::vector<double> w{120, 110, 100, 100, 90, 95, 100, 105, 90, 90};
  double total = 0;
  for (double x : w) total += x;
  std::vector<double> v;
  double cumulative = 0;
  for (double x : w) {
    v.push_back(74 + 9.5 * (cumulative + x / 2) / total);
    cumulative += x;
  }
  CHECK(slope_index_of_inequality(v, w) == doctest::Approx(9.5));
  // A flat profile has no gradient; a reversed one a negative SII.
  CHECK(slope_index_of_inequality(std::vector<double>(10, 80.0), w) == doctest::Approx(0.0));
  std::vector<double> r(v.rbegin(), v.rend()), rw(w.rbegin(), w.rend());
  CHECK(slope_index_of_inequality(r, rw) == doctest::Approx(-9.5));
}

TEST_CASE("economics: the life table reproduces PHE's published example (PHEindicatormethods)") {
  // The test data and expected values of phe_life_expectancy, the R implementation of Public
  // Health England's Life Expectancy Calculator (Chiang II, a0 = 0.1, 90+ open):
  // ukhsa-collaboration/PHEindicatormethods, tests/testthat/testLifeExpectancy.R (df1 and
  // answer1; also the function's documented example). The package checks its own output to 4
  // decimal places; so does this test, for every age group (1e-4 years is far below any
  // reported precision, so a single wrong a_x, n or open-group rule would fail it).
  const std::vector<int> ages{0, 1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90};
  const std::vector<double> population{7060,  35059, 46974, 48489, 43219, 38561, 46009, 57208, 61435, 55601,
                                       50209, 56416, 46411, 39820, 37978, 37039, 33288, 23306, 11936, 11936};
  const std::vector<double> deaths{17, 9, 4, 8, 20, 15, 24, 33, 50, 71, 100, 163, 263, 304, 536, 872, 1390, 1605, 1936, 1937};
  const std::vector<double> published{80.16960813, 79.36245674, 75.44193645, 70.47299936, 65.52909542, 60.67510088,
                                      55.78835987, 50.92752727, 46.06740425, 41.24505636, 36.49322717, 31.83343842,
                                      27.26027992, 22.9719144,  18.76856852, 14.95858336, 11.51684445, 8.618849241,
                                      6.163942934, 6.16210635};
  const auto t = period_life_table(ages, deaths, population);
  REQUIRE(t.size() == published.size());
  for (std::size_t k = 0; k < t.size(); ++k) {
    INFO("age " << ages[k] << ": " << t[k].e << " against published " << published[k]);
    CHECK(std::fabs(t[k].e - published[k]) < 1e-4);
  }
}

TEST_CASE("economics: Sullivan healthy life expectancy on a hand-made life table and prevalence") {
  // Three age groups 0, 40, 80+ with l = 100000, 90000, 50000 and L = 3,800,000, 2,800,000,
  // 500,000 (so e0 = 71). With 10%, 30% and 60% of each group's years unhealthy:
  //   HLE_80 = 500000 x 0.4 / 50000 = 4
  //   HLE_40 = (2800000 x 0.7 + 200000) / 90000 = 2160000 / 90000 = 24
  //   HLE_0  = (3800000 x 0.9 + 2160000) / 100000 = 5580000 / 100000 = 55.8
  std::vector<LifeTableRow> t(3);
  t[0].age = 0, t[0].l = 100000, t[0].L = 3800000;
  t[1].age = 40, t[1].l = 90000, t[1].L = 2800000;
  t[2].age = 80, t[2].l = 50000, t[2].L = 500000;
  const auto hle = sullivan_healthy_life_expectancy(t, {0.1, 0.3, 0.6});
  CHECK(hle[2] == doctest::Approx(4.0));
  CHECK(hle[1] == doctest::Approx(24.0));
  CHECK(hle[0] == doctest::Approx(55.8));
  // No one unhealthy: HLE equals life expectancy; everyone: zero.
  const auto life = period_life_table({0, 1, 5}, {10, 5, 50}, {1000, 4000, 500});
  const auto all = sullivan_healthy_life_expectancy(life, {0, 0, 0});
  for (std::size_t k = 0; k < life.size(); ++k) CHECK(all[k] == doctest::Approx(life[k].e));
  CHECK(sullivan_healthy_life_expectancy(life, {1, 1, 1})[0] == doctest::Approx(0.0));
  CHECK_THROWS_AS(sullivan_healthy_life_expectancy(life, {0.1, 1.2, 0.1}), InputError);
}

TEST_CASE("economics: single-year survival from an abridged table, and discounted remaining life by hand") {
  // Two groups: 0-9 (width 10, q = 0.1) and the open group 10+ (m = 0.2).
  std::vector<LifeTableRow> t(2);
  t[0].age = 0;
  t[0].q = 0.1;
  t[0].m = 0.0105;
  t[1].age = 10;
  t[1].m = 0.2;
  t[1].q = 1;
  const auto p = single_year_survival(t, 13);
  REQUIRE(p.size() == 13);
  CHECK(p[0] == doctest::Approx(std::pow(0.9, 0.1)));
  CHECK(p[9] == doctest::Approx(std::pow(0.9, 0.1)));
  CHECK(p[10] == doctest::Approx(std::exp(-0.2)));
  CHECK(p[12] == doctest::Approx(std::exp(-0.2)));
  // From age 11, to the table's end (age 13): years 11 and 12, each lived for the average of
  // the shares alive at its start and end; discounted 1 and 0.5, weights 0.8 and 0.6.
  const double s = std::exp(-0.2);
  CHECK(discounted_remaining_life(p, 11, {1.0}) == doctest::Approx(0.5 * (1 + s) + 0.5 * (s + s * s)));
  CHECK(discounted_remaining_life(p, 11, {1.0, 0.5}, std::vector<double>{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.8, 0.6}) ==
        doctest::Approx(0.5 * (1 + s) * 0.8 + 0.5 * (s + s * s) * 0.5 * 0.6));
  CHECK(discounted_remaining_life(p, 13, {1.0}) == 0.0);
}

TEST_CASE("format: a value that rounds to zero is written without a minus sign") {
  CHECK(without_negative_zero("-0.00") == "0.00");
  CHECK(without_negative_zero("GBP -0") == "GBP 0");
  CHECK(without_negative_zero("-0.01") == "-0.01");
  CHECK(without_negative_zero("GBP -3k") == "GBP -3k");
  CHECK(money(-0.4, MoneyStyle::terminal) == "GBP 0");
  CHECK(money(-1500, MoneyStyle::terminal) == "GBP -2k");
}
