#include "model/world/region.hpp"

namespace shiftsim::model {

long RegionData::total_population() const {
  long total = 0;
  for (const auto& d : population)
    for (const auto& s : d)
      for (long v : s) total += v;
  return total;
}

int RegionData::district_index(const std::string& code) const {
  for (std::size_t d = 0; d < districts.size(); ++d)
    if (districts[d].code == code) return static_cast<int>(d);
  return -1;
}

}  // namespace shiftsim::model
