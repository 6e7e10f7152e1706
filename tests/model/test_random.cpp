#include "model/core/random.hpp"

#include <boost/random/poisson_distribution.hpp>
#include <doctest/doctest.h>

#include <cmath>

using namespace shiftsim::model;

TEST_CASE("random: draws depend only on (seed, replicate, entity, month, purpose)") {
  const RandomKey k{42, 0};
  CHECK(philox_words(k, 7, 3, Purpose::monthly_event) == philox_words(k, 7, 3, Purpose::monthly_event));
  CHECK(philox_words(k, 7, 3, Purpose::monthly_event) != philox_words(k, 8, 3, Purpose::monthly_event));
  CHECK(philox_words(k, 7, 3, Purpose::monthly_event) != philox_words(k, 7, 4, Purpose::monthly_event));
  CHECK(philox_words(k, 7, 3, Purpose::monthly_event) != philox_words(k, 7, 3, Purpose::event_detail));
  CHECK(philox_words(k, 7, 3, Purpose::monthly_event) != philox_words(RandomKey{42, 1}, 7, 3, Purpose::monthly_event));
  CHECK(philox_words(k, 7, 3, Purpose::monthly_event) != philox_words(RandomKey{43, 0}, 7, 3, Purpose::monthly_event));
}

TEST_CASE("random: thresholds and unit conversion") {
  CHECK(probability_threshold(0.0) == 0u);
  CHECK(probability_threshold(-1.0) == 0u);
  CHECK(probability_threshold(1.0) == 0xFFFFFFFFu);
  CHECK(probability_threshold(0.5) == 0x80000000u);
  CHECK(to_unit_open(0) > 0.0);
  CHECK(to_unit_open(0xFFFFFFFFu) < 1.0);
}

TEST_CASE("random: a counter engine drives Boost distributions with the right moments") {
  // 200,000 Poisson(3.7) draws: the mean's standard error is sqrt(3.7/200000) = 0.0043, the
  // variance's about 3.7*sqrt(2/200000) = 0.012; tolerances are 5 standard errors.
  CounterEngine e(RandomKey{1, 0}, 99, 0, Purpose::tallies);
  boost::random::poisson_distribution<long, double> d(3.7);
  const int n = 200000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = static_cast<double>(d(e));
    sum += x;
    sum2 += x * x;
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  CHECK(mean == doctest::Approx(3.7).epsilon(0.0215 / 3.7));
  CHECK(var == doctest::Approx(3.7).epsilon(0.06 / 3.7));
}
