#include "validation/deaths.hpp"

#include "model/core/errors.hpp"


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

}  // namespace shiftsim::validation
