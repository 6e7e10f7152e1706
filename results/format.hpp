// One place for how results are written as text: year labels, money, CSV fields and the
// readable names of the document's keys. Used by the command line, the report, the workbook
// and the CSV export, so that they say the same thing the same way.
#pragma once

#include <string>

namespace shiftsim::results {

/// "2018/19": the financial (April-March) or model (July-June) year starting in `year`.
std::string year_label(int year);
/// "FY2018/19".
std::string financial_year_label(int year);

/// A CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, quote or line break.
std::string csv_field(const std::string& text);
/// Always quoted (for columns of free text).
std::string csv_quoted(const std::string& text);
/// How text cells of a CSV are written: raw (for pandas and R: the text as stored), or
/// excel_safe, for people who open the file in a spreadsheet: a cell beginning with = + - @,
/// a tab or a carriage return, which Excel would run as a formula, gets a leading ' (OWASP's
/// advice on CSV injection). Numbers are never changed.
enum class CsvText { raw, excel_safe };
/// csv_field of the text as `style` says.
std::string csv_text(const std::string& text, CsvText style);

/// Readable names of the keys the outcomes use (payers, funders, organisations, settings,
/// activities, conditions): "nhs_acute" -> "NHS acute"; an unknown key with its
/// underscores as spaces and a capital first letter.
std::string label_of(const std::string& key);

/// A number's text without the minus sign of a value that rounds to zero ("-0.00" -> "0.00",
/// "GBP -0" -> "GBP 0").
std::string without_negative_zero(std::string text);
/// |x| with thousands separators and a fixed number of decimals; `minus` before a negative
/// number unless it rounds to zero.
std::string grouped(double x, int decimals, const std::string& minus = "-");

/// How money is written.
enum class MoneyStyle {
  terminal,  // "GBP 1.23m", "GBP 450k", "GBP -2.10bn": ASCII, for the command line
  page,      // "£1.23m", "£450k", "−£2.1bn" (U+2212): about three significant digits, for the report
  whole      // "£1,234,567", "-£950": every pound, for text cells of the workbook
};
/// A unit for money of about this magnitude (page style), so that a mean and its interval
/// are written in the same unit: "£1.2m (90% interval £0.8m to £1.6m)".
struct MoneyUnit {
  double divisor = 1;
  const char* suffix = "";
  int decimals = 0;
};
MoneyUnit money_unit(double magnitude);
std::string money_in(double gbp, const MoneyUnit& unit);
std::string money(double gbp, MoneyStyle style);

}  // namespace shiftsim::results
