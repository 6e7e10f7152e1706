// The model documentation, generated from the parameter table: each process, its
// equations, and the parameters it uses (name, value, unit, bounds, source). `shiftsim docs`
// writes it to docs/model.md; a test checks the committed file is up to date.
#pragma once

#include "model/core/parameter_table.hpp"
#include "model/world/region.hpp"

#include <string>

namespace shiftsim::model {

/// With a region, the document also lists its neighbourhoods (name, districts, MSOAs,
/// residents and deprivation mix).
std::string model_documentation(const ParameterTable& table, const RegionData* region = nullptr);

/// Markdown tables of the parameters whose names start with `prefix` (all if empty),
/// grouped by their group column.
std::string parameter_tables_markdown(const ParameterTable& table, const std::string& prefix = "");

}  // namespace shiftsim::model
