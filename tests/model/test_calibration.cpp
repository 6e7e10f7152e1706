// The calibration targets of the baseline, on the whole region.
#include "support/fixtures.hpp"
#include "scenarios/csv.hpp"
#include "validation/deaths.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>

using namespace shiftsim;
using namespace shiftsim::model;

namespace {
const RunOutput& first_year() {
  static const RunOutput out = [] {
    static auto w = test::world();
    Simulation sim(*w, test::settings(1.0, 12, 20180701));
    return sim.run();
  }();
  return out;
}
double year_total(const RunOutput& out, int metric) {
  double s = 0;
  for (const auto& f : out.flows)
    for (std::size_t k = static_cast<std::size_t>(metric); k < f.cells.size(); k += kFlowMetrics) s += f.cells[k];
  return s;
}
}  // namespace

TEST_CASE("calibration: realised first-year deaths meet the mortality target at scale 1, over several seeds") {
  // The target: ONS deaths in the year to mid-2018 x the level factor (the registrations'
  // trend), and the shipped target file says the same number (it is what `shiftsim
  // calibrate` fits mortality.realised_over_expected to).
  const double target = test::diagnostic(first_year(), "mortality.first_year_deaths_target");
  double ons = 0;
  for (const auto& c : test::region().components) ons += static_cast<double>(c.deaths);
  CHECK(target == doctest::Approx(ons * test::diagnostic(first_year(), "mortality.level_factor")));
  const auto file = inputs::CsvTable::read(std::filesystem::path(SHIFTSIM_SOURCE_DIR) / "data" / "calibration" / "first_year_deaths.csv");
  CHECK(std::stod(file.cell(0, file.column_index("value"))) == doctest::Approx(target).epsilon(1e-5));
  // Realised deaths, not expected ones, meet it. A seed's region total has Poisson noise of
  // 1/sqrt(18,200) = 0.74%, so each seed must be within 2.5% (3.4 sd) and the mean of three
  // within 1% (2.3 sd of the mean's 0.43%); the fitted bias correction is what brings it there
  // (without it realised deaths were 1.9% high).
  double sum = 0;
  for (const std::uint32_t seed : {20180701u, 1u, 2u}) {
    double realised = 0;
    if (seed == 20180701u) {
      realised = year_total(first_year(), fm_deaths);
    } else {
      static auto w = test::world();
      Simulation sim(*w, test::settings(1.0, 12, seed));
      realised = year_total(sim.run(), fm_deaths);
    }
    INFO("seed " << seed << ": realised " << realised << ", target " << target);
    CHECK(std::fabs(realised / target - 1) < 0.025);
    sum += realised;
  }
  CHECK(std::fabs(sum / 3 / target - 1) < 0.01);
  // By district: the run's expected deaths (its monthly death probabilities summed, free of
  // Poisson noise) are within 3% of the district's target. The realised-over-expected
  // correction is one factor for the region; a district's within-year rise differs with its
  // age and health mix (measured at seed 20180701: -2.2% in South Ribble to +1.4% in Chorley).
  for (const auto& r : validation::first_year_deaths(first_year(), test::region())) {
    INFO(r.name << ": ONS " << r.observed << ", expected " << r.expected << ", simulated " << r.simulated);
    CHECK(r.expected == doctest::Approx(r.observed * test::diagnostic(first_year(), "mortality.level_factor")).epsilon(0.03));
  }
}

TEST_CASE("calibration: the deprivation gradient reproduces ONS's life-expectancy gap") {
  const auto& out = first_year();
  for (const char* s : {"male", "female"}) {
    const double gap = test::diagnostic(out, std::string("mortality.le_at_birth.decile10.") + s) -
                       test::diagnostic(out, std::string("mortality.le_at_birth.decile1.") + s);
    CHECK(gap == doctest::Approx(test::region().le_gap_at_birth[std::string(s) == "male" ? 0 : 1]).epsilon(0.01));
  }
}

TEST_CASE("calibration: first-year activity matches the region's admitted care and A&E data") {
  // Admissions and attendances are scaled to the region's counts for the base year; a year of
  // simulation reproduces them within 5% (ageing, people moving and sampling noise move the
  // realised figure a little).
  const auto& out = first_year();
  const auto& ac = test::region().admitted_care;
  double emergency = ac.unknown_sex_emergency;
  for (const auto& s : ac.emergency) emergency += s[0] + s[1];
  CHECK(year_total(out, fm_emergency_admissions) == doctest::Approx(emergency).epsilon(0.05));
  const auto& ae = test::region().ae;
  CHECK(year_total(out, fm_tally_first + static_cast<int>(ae_attendances)) == doctest::Approx(ae.attendances_type1 + ae.attendances_other).epsilon(0.05));
}
