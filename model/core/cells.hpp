// Indexing of the rate and prevalence tables: one cell per (district, IMD decile, sex, age).
#pragma once

#include "model/core/types.hpp"

#include <cstddef>

namespace shiftsim::model {

struct CellIndex {
  int districts = 0;
  std::size_t cells() const { return static_cast<std::size_t>(districts) * kDeciles * kSexes * kAges; }
  /// decile is 1..10, age is clamped to kMaxAge.
  std::size_t operator()(int district, int decile, int sex, int age) const {
    const int a = age > kMaxAge ? kMaxAge : age;
    return ((static_cast<std::size_t>(district) * kDeciles + static_cast<std::size_t>(decile - 1)) * kSexes +
            static_cast<std::size_t>(sex)) * kAges + static_cast<std::size_t>(a);
  }
  /// First cell of the age row for (district, decile, sex).
  std::size_t row(int district, int decile, int sex) const { return (*this)(district, decile, sex, 0); }
};

/// Log-linear deprivation gradient over deciles for a prevalence ratio between the most
/// and least deprived quintile (centred on deciles 1.5 and 9.5), normalised so that its
/// mean over the ten deciles (England, where each decile holds a tenth of areas) is 1.
double deprivation_multiplier(double ratio_q1_to_q5, int decile);

}  // namespace shiftsim::model
