// The one documented loader of a region data folder (see data/README.md for the files).
// Every file is checked: expected columns, types, ranges, completeness, and totals that
// must add up. Anything wrong throws DataError naming file, line and column; problems in
// one file are reported together.
#pragma once

#include "model/world/region.hpp"

#include <filesystem>

namespace shiftsim::inputs {

/// Loads and checks a region folder (e.g. data/lsc). Throws DataError on any problem.
model::RegionData load_region(const std::filesystem::path& folder);

/// FNV-1a 64-bit content hash of the given files, as 16 hex digits (the data version).
std::string content_hash(const std::vector<std::filesystem::path>& files);

}  // namespace shiftsim::inputs
