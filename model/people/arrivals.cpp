#include "model/people/arrivals.hpp"

#include "model/core/errors.hpp"
#include "model/core/random.hpp"

#include <bit>
#include <cmath>
#include <string>

namespace shiftsim::model {

std::uint32_t arrival_capacity(double mean) {
  const double m = mean > 0 && std::isfinite(mean) ? 2.0 * mean : 0.0;
  const double need = m + 12.0 * std::sqrt(m) + 64.0;
  if (!(need < 1u << 30)) throw InputError("an expected " + std::to_string(mean) + " arrivals in one place and month is too many for the person ids");
  return std::bit_ceil(static_cast<std::uint32_t>(std::ceil(need)));
}

ArrivalIds make_arrival_ids(std::uint32_t first_free, int zones, int districts, double births_mean, double migrants_mean) {
  ArrivalIds a;
  a.zones = static_cast<std::uint32_t>(zones);
  a.districts = static_cast<std::uint32_t>(districts);
  a.births_capacity = arrival_capacity(births_mean);
  a.migrants_capacity = arrival_capacity(migrants_mean);
  const std::uint64_t base = (static_cast<std::uint64_t>(first_free) + 1023u) / 1024u * 1024u;
  const std::uint64_t births = static_cast<std::uint64_t>(kArrivalMonths) * a.zones * a.births_capacity;
  const std::uint64_t migrants = static_cast<std::uint64_t>(kArrivalMonths) * a.districts * a.migrants_capacity;
  const std::uint64_t end = base + births + migrants;
  if (end > kAggregateEntityBase)
    throw InputError("the region is too large for 32-bit person ids: " + std::to_string(first_free) + " starting agents and room for " +
                     std::to_string(births + migrants) + " arrivals over 25 years need " + std::to_string(end) + " ids, more than 2^31 " +
                     "(run at a smaller --scale)");
  a.births_base = static_cast<std::uint32_t>(base);
  a.migrants_base = static_cast<std::uint32_t>(base + births);
  a.end = static_cast<std::uint32_t>(end);
  return a;
}

namespace {
std::uint32_t arrival_id(std::uint32_t base, std::uint32_t places, std::uint32_t capacity, int month, int place, long ordinal,
                         const char* what) {
  if (month < 0 || month >= kArrivalMonths || place < 0 || static_cast<std::uint32_t>(place) >= places || ordinal < 0)
    throw InternalError(std::string("arrival ids: ") + what + " " + std::to_string(ordinal) + " in place " + std::to_string(place) +
                        " in month " + std::to_string(month) + " is outside the layout");
  if (static_cast<std::uint64_t>(ordinal) >= capacity)
    throw InputError(std::string("model month ") + std::to_string(month) + " has more than " + std::to_string(capacity) + " " + what +
                     "s in one area (place " + std::to_string(place) + "), over " + std::to_string(static_cast<int>(kArrivalGrowth)) +
                     " times the base year's: the fertility or migration trend (births.general_fertility_rate_trend_per_year, "
                     "migration.net_trend_per_year) is too high for the person ids to keep common random numbers; lower it");
  return base + (static_cast<std::uint32_t>(month) * places + static_cast<std::uint32_t>(place)) * capacity + static_cast<std::uint32_t>(ordinal);
}
}  // namespace

std::uint32_t ArrivalIds::birth(int month, int zone, long ordinal) const {
  return arrival_id(births_base, zones, births_capacity, month, zone, ordinal, "birth");
}

std::uint32_t ArrivalIds::migrant(int month, int district, long ordinal) const {
  return arrival_id(migrants_base, districts, migrants_capacity, month, district, ordinal, "in-migrant");
}

}  // namespace shiftsim::model
