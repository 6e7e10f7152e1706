// The calibration targets of the baseline, on the whole region.
#include "support/fixtures.hpp"
#include "validation/deaths.hpp"

#include <doctest/doctest.h>

#include <cmath>

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

TEST_CASE("calibration: first-year deaths by district match the ONS components of change within 5%") {
  // Expected deaths (the sum of monthly death probabilities) are what the calibration
  // controls; realised deaths add Poisson noise of 1/sqrt(deaths), up to 4% in the smallest
  // district, so the realised check is on the region total (sd 0.7%).
  const auto rows = validation::first_year_deaths(first_year(), test::region());
  double observed = 0, simulated = 0;
  for (const auto& r : rows) {
    INFO(r.name << ": ONS " << r.observed << ", expected " << r.expected << ", simulated " << r.simulated);
    CHECK(std::fabs(r.expected_difference()) < 0.05);
    observed += r.observed;
    simulated += r.simulated;
  }
  CHECK(std::fabs(simulated / observed - 1) < 0.05);
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
