#include "validation/deaths.hpp"

#include "model/core/errors.hpp"

#include <cstdio>
#include <sstream>

namespace shiftsim::validation {

std::vector<DistrictDeaths> first_year_deaths(const model::RunOutput& out, const model::RegionData& region) {
  if (out.flows.size() < 12) throw InputError("the deaths check needs a run of at least 12 months");
  std::vector<DistrictDeaths> rows(region.districts.size());
  for (std::size_t d = 0; d < rows.size(); ++d) {
    rows[d].code = region.districts[d].code;
    rows[d].name = region.districts[d].name;
    rows[d].observed = static_cast<double>(region.components[d].deaths);
  }
  for (std::size_t t = 0; t < 12; ++t)
    for (int c = 0; c < out.layout.cells(); ++c) {
      const auto d = static_cast<std::size_t>(out.layout.zone_district[static_cast<std::size_t>(c / model::kQuintiles)]);
      const double* row = &out.flows[t].cells[static_cast<std::size_t>(c) * model::kFlowMetrics];
      rows[d].simulated += row[model::fm_deaths];
      rows[d].expected += row[model::fm_expected_deaths];
    }
  return rows;
}

std::string format_deaths_table(const std::vector<DistrictDeaths>& rows) {
  std::ostringstream out;
  char b[200];
  std::snprintf(b, sizeof b, "%-24s %10s %10s %8s %10s %8s\n", "District", "ONS", "simulated", "diff", "expected", "diff");
  out << b;
  DistrictDeaths total;
  for (const auto& r : rows) {
    std::snprintf(b, sizeof b, "%-24s %10.0f %10.0f %+7.1f%% %10.0f %+7.1f%%\n", r.name.c_str(), r.observed, r.simulated,
                  100 * r.simulated_difference(), r.expected, 100 * r.expected_difference());
    out << b;
    total.observed += r.observed;
    total.simulated += r.simulated;
    total.expected += r.expected;
  }
  std::snprintf(b, sizeof b, "%-24s %10.0f %10.0f %+7.1f%% %10.0f %+7.1f%%\n", "Region", total.observed, total.simulated,
                100 * total.simulated_difference(), total.expected, 100 * total.expected_difference());
  out << b;
  return out.str();
}

}  // namespace shiftsim::validation
