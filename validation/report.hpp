// The validation report: one self-contained HTML page (no network; inline CSS and SVG) with
// the fit per series (MAPE, bias, coverage, what was not compared and why) and a small
// multiple per series and geography: the model's 90% band and mean against the observed
// values over time. Every text from the observed file is HTML-escaped.
#pragma once

#include "validation/validation_store.hpp"

#include <map>
#include <string>

namespace shiftsim::validation {

/// `geography_names`: a label for each geography code (district codes to names); codes
/// without one are shown as they are.
std::string validation_report_html(const StoredValidation& stored, const std::string& database,
                                   const std::map<std::string, std::string>& geography_names = {});

/// Small multiples the report draws: one per series, geography, sex and age band with a compared row.
int validation_chart_count(const Validation& v);

}  // namespace shiftsim::validation
