#include "model/core/population.hpp"

namespace shiftsim::model {

namespace {
template <class F>
void for_each_field(Population& p, F&& f) {
  f(p.id);
  f(p.age_months);
  f(p.zone);
  f(p.decile);
  f(p.risk);
  f(p.conditions);
  f(p.status);
  f(p.interventions);
  f(p.window);
  f(p.death_probability);
  f(p.utility);
  f(p.quit_age_months);
  f(p.care_home_entry_age_months);
  f(p.clock_due);
  f(p.recent);
}
}  // namespace

void Population::reserve(std::size_t n) {
  for_each_field(*this, [n](auto& v) { v.reserve(n); });
}

void Population::resize(std::size_t n) {
  const std::size_t old = size();
  for_each_field(*this, [n](auto& v) { v.resize(n); });
  // New people have no clock running (0 would be a quit or a move at birth).
  for (std::size_t i = old; i < n; ++i) quit_age_months[i] = care_home_entry_age_months[i] = clock_due[i] = kNoClock;
}

void Population::compact() {
  std::size_t out = 0;
  const std::size_t n = size();
  for (std::size_t i = 0; i < n; ++i) {
    if (!alive(i)) continue;
    if (out != i) {
      id[out] = id[i];
      age_months[out] = age_months[i];
      zone[out] = zone[i];
      decile[out] = decile[i];
      risk[out] = risk[i];
      conditions[out] = conditions[i];
      status[out] = status[i];
      interventions[out] = interventions[i];
      window[out] = window[i];
      death_probability[out] = death_probability[i];
      utility[out] = utility[i];
      quit_age_months[out] = quit_age_months[i];
      care_home_entry_age_months[out] = care_home_entry_age_months[i];
      clock_due[out] = clock_due[i];
      recent[out] = recent[i];
    }
    ++out;
  }
  resize(out);
}

std::size_t Population::bytes_per_agent() const {
  std::size_t bytes = 0;
  auto add = [&bytes](const auto& v) { bytes += sizeof(typename std::decay_t<decltype(v)>::value_type); };
  add(id);
  add(age_months);
  add(zone);
  add(decile);
  add(risk);
  add(conditions);
  add(status);
  add(interventions);
  add(window);
  add(death_probability);
  add(utility);
  add(quit_age_months);
  add(care_home_entry_age_months);
  add(clock_due);
  add(recent);
  return bytes;
}

}  // namespace shiftsim::model
