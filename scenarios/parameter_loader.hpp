// Loads the parameter table (data/parameters.csv): one row per parameter with name, value
// (a number, or "derived"), unit, bounds, group, description and source. Every row is
// checked: the value must be a number within its bounds, the source must not be empty.
#pragma once

#include "model/core/parameter_table.hpp"

#include <filesystem>

namespace shiftsim::inputs {

model::ParameterTable load_parameters(const std::filesystem::path& file);

}  // namespace shiftsim::inputs
