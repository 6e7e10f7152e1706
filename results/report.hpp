// The report a strategist can send to a board: one self-contained HTML file (no network
// needed; inline CSS and SVG charts, no scripts required to read it), readable in print.
// Made from the comparison document (results/document.hpp).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace shiftsim::results {

/// The whole HTML page. Every text that comes from a scenario (names, descriptions,
/// intervention names) is HTML-escaped.
std::string html_report(const nlohmann::json& document);

/// The report's stylesheet and its one script (marks the drawn charts on <body> for the
/// browser tests; opens the details before printing), for other pages in the same style.
const char* report_stylesheet();
const char* report_script();

/// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string html_escape(const std::string& text);

}  // namespace shiftsim::results
