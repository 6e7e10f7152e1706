// Observed series: what happened, in one documented format that users extend with their own
// (data/observed.csv; docs in data/README.md). One row per value:
//
//   series,geography,period,sex,age_band,value,source
//
// - series: a model metric name (population, deaths, births, in_migrants, out_migrants, ...);
// - geography: "region", an ICP name or a district (local authority) code;
// - period: "mid-YYYY" (a stock at mid-year), "YYYY/YY" (July to June, ONS mid-year to
//   mid-year), "FYYYYY/YY" (April to March), "YYYY" (a calendar year, e.g. the Annual
//   Population Survey's smoking prevalence) or "YYYY-YY" (calendar years pooled, e.g. 2017-19);
// - sex: persons, male or female; age_band: "all", "A-B" or "A+" (e.g. 65+);
// - value: a number; source: where it comes from (required).
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace shiftsim::validation {

enum class PeriodKind { mid_year, mid_to_mid, financial_year, calendar_year, pooled };

struct ObservedPeriod {
  PeriodKind kind = PeriodKind::mid_year;
  int first_year = 0;  // mid-YYYY and YYYY: YYYY; YYYY/YY and FYYYYY/YY: the first year; YYYY-YY: the first year
  int last_year = 0;   // the year it ends in (mid-YYYY and YYYY: YYYY)
};

struct ObservedRow {
  std::string series, geography, period_text, sex, age_band, source;
  ObservedPeriod period;
  int age_min = 0, age_max = 200;  // "all": 0-200
  double value = 0;
  long line = 0;                   // line in the file
};

/// What a file may name: the series the model can compare and the geographies it has.
struct ObservedVocabulary {
  std::set<std::string> series, geographies;
};

/// Parses a period as above; false if it is none of the five forms (or its years disagree).
bool parse_period(const std::string& text, ObservedPeriod& out);

/// Reads an observed-series file; throws InputError listing every bad row by file, line, field,
/// the value found and what was expected (unknown series or geography included).
std::vector<ObservedRow> read_observed(const std::filesystem::path& file, const ObservedVocabulary& vocabulary);
/// The same from text in memory (tests); `name` is used in messages.
std::vector<ObservedRow> parse_observed(const std::string& text, const std::string& name, const ObservedVocabulary& vocabulary);

}  // namespace shiftsim::validation
