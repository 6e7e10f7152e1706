// The Excel workbook for finance leads (libxlsxwriter), made from the comparison document
// (results/document.hpp): a summary sheet to read first, a sheet per breakdown, the
// assumptions and the provenance.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>

namespace shiftsim::results {

/// Writes the workbook to `file` (via a temporary file renamed into place, so a failure
/// leaves no half-written workbook). Throws StoreError if it cannot be written.
void write_workbook(const nlohmann::json& document, const std::filesystem::path& file);

}  // namespace shiftsim::results
