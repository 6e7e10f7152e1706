// The one documented loader of a region data folder (see data/README.md for the files).
// Every file is checked: expected columns, types, ranges, completeness, and totals that
// must add up. Anything wrong throws DataError naming file, line and column; problems in
// one file are reported together.
#pragma once

#include "model/world/region.hpp"

#include <filesystem>

namespace shiftsim::inputs {

/// Loads and checks a region folder (e.g. data/lsc). Throws DataError on any problem.
///
/// With `start_year` earlier than the data's base year: a back-cast. The starting population
/// at mid-start_year is built from the base year's (see back_cast_method in the result, and
/// docs/validation.md): each district's single-year structure by sex is reverse-survived
/// through the national life table halfway between the years at the district's mortality
/// level, the oldest ages (whose base-year ages are all in the open 90+ group) take the base
/// year's shape, and each district's under-65s are raked to its ONS total for that year (the
/// raking stands in for migration). The rates the model calibrates to are then moved to that
/// year where the data allow it: the national life table that stands to the year as the base
/// table does to the base year, the Fingertips periods of the year (or the
/// earliest published, by England's change), the district death targets by the expected
/// deaths of the earlier population at the earlier life table; births, migration, admissions
/// and A&E keep the base year's rates per head. InputError if the year is outside the data.
model::RegionData load_region(const std::filesystem::path& folder, int start_year = 0);

/// FNV-1a 64-bit content hash of the given files, as 16 hex digits (the data version).
std::string content_hash(const std::vector<std::filesystem::path>& files);

}  // namespace shiftsim::inputs
