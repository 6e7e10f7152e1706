#include "model/programmes/sampling.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace shiftsim::model {

namespace {
std::uint32_t fnv1a(std::string_view s) {
  std::uint32_t h = 2166136261u;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return h;
}
}  // namespace

double parameter_uniform(const RandomKey& key, std::string_view name) {
  // Two hashes of the name (FNV-1a of it and of its reverse) make the counter, so that two
  // names colliding in one 32-bit hash still draw apart.
  const std::string reversed(name.rbegin(), name.rend());
  const auto w = philox_words(key, fnv1a(name), fnv1a(reversed), Purpose::parameter_sampling);
  return to_unit_open(w[0]);
}

ParameterTable draw_parameters(const ParameterTable& table, const RandomKey& key) {
  ParameterTable out = table;
  for (const ParameterRow& r : table.rows()) {
    if (r.derived || r.uncertainty.kind == Distribution::Kind::fixed) continue;
    const double v = std::clamp(r.uncertainty.quantile(parameter_uniform(key, r.name)), r.lower, r.upper);
    out.override_value(r.name, v);
  }
  return out;
}

Policy draw_policy(const Policy& policy, const ParameterTable& drawn, const RandomKey& key) {
  Policy out = policy;
  for (InterventionSpec& s : out.interventions) {
    if (!s.unit_cost_row.empty()) s.unit_cost = drawn.get(s.unit_cost_row);
    if (!s.max_uptake_row.empty()) s.max_uptake = drawn.get(s.max_uptake_row);
    if (!s.half_life_row.empty()) s.effect_half_life_months = drawn.get(s.half_life_row);
    if (!s.ramp_up_row.empty()) s.ramp_up_months = static_cast<int>(std::lround(drawn.get(s.ramp_up_row)));
    for (auto& [kind, dist] : s.effects) {
      const auto row = s.effect_rows.find(kind);
      if (row != s.effect_rows.end()) {
        dist = Distribution::constant(drawn.get(row->second));
      } else if (dist.kind != Distribution::Kind::fixed) {
        const double u = parameter_uniform(key, s.name + "/effect" + std::to_string(static_cast<int>(kind)));
        dist = Distribution::constant(dist.quantile(u));
      }
    }
  }
  return out;
}

}  // namespace shiftsim::model
