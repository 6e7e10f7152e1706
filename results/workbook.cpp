// The Excel workbook for finance leads (results/workbook.hpp), written with libxlsxwriter from
// the comparison document (results/document.hpp).
//
// Every figure is a number cell with a number format (GBP, ratio, percentage, year), so that it
// can be computed with; every text that comes from the document (scenario names, descriptions)
// is written as a string cell, never as a formula. Sheets:
//   Summary             the comparison and, per scenario, the headline figures (mean, median,
//                       90% interval), then each arm's own figures over the horizon
//   Savings by payer, Cost by payer, Investment, Value for money, Activity,
//   Health and the gap, Prevalence, Economy and wider (the economy's separate ledger, the start
//   of life, carers)
//                       tidy tables: scenario, period, breakdown, breakdown value, outcome,
//                       mean, median, p05, p95, unit, n (one row per summary row)
//   Who pays who saves  the investor x saver matrix per scenario, net positions, pooled transfers
//   Cash flow           per scenario, the financial years: savings, cost, net benefit and the
//                       cumulative discounted net benefit (the break-even table)
//   Per replicate       key horizon outcomes, one row per replicate
//   Assumptions, Provenance, Dictionary
// The sheets that only differences have (savings, who pays, cash flow, value for money) are left
// out of a single run's workbook.
#include "results/workbook.hpp"

#include "results/comparison.hpp"
#include "results/format.hpp"
#include "results/view.hpp"
#include "results/store.hpp"

#include <xlsxwriter.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <tuple>
#include <utility>
#include <vector>

namespace shiftsim::results {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// ---------------------------------------------------------------------------------------------
// Reading the document
// ---------------------------------------------------------------------------------------------

const json& null_json() {
  static const json n;
  return n;
}

const json& field(const json& object, const char* key) {
  if (!object.is_object()) return null_json();
  const auto it = object.find(key);
  return it == object.end() ? null_json() : *it;
}

std::string as_text(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "";
  if (j.is_boolean()) return j.get<bool>() ? "yes" : "no";
  return j.dump();
}
std::string text_of(const json& object, const char* key) { return as_text(field(object, key)); }

std::optional<double> number_of(const json& j) {
  if (j.is_number() && std::isfinite(j.get<double>())) return j.get<double>();
  return std::nullopt;
}

std::string format_percent(double share) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f%%", 100.0 * share);
  return b;
}

/// A break-even quantile as the financial year by which that share of replicates broke even.
std::string break_even_label(const json& x) {
  const auto v = number_of(x);
  if (!v) return "not within the horizon";
  return financial_year_label(static_cast<int>(std::ceil(*v - 1e-9)));
}

bool is_break_even(const std::string& outcome) { return outcome == "break_even_year" || outcome == "break_even_year_cashable"; }

/// "payer=nhs_acute" -> {"payer", "nhs_acute"}; "quintile=1;sex=male" -> {"quintile;sex", "1, male"};
/// "all" -> {"total", "all"}.
std::pair<std::string, std::string> split_breakdown(const std::string& breakdown) {
  std::string by, value;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = breakdown.find(';', start);
    const std::string part = breakdown.substr(start, end == std::string::npos ? std::string::npos : end - start);
    const std::size_t eq = part.find('=');
    by += (by.empty() ? "" : ";") + (eq == std::string::npos ? std::string("total") : part.substr(0, eq));
    value += (value.empty() ? "" : ", ") + (eq == std::string::npos ? part : part.substr(eq + 1));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return {by, value};
}

using Arm = ArmView;

/// Money in a text cell: every pound.
std::string gbp_text(double x) { return money(x, MoneyStyle::whole); }

/// The comparison as the workbook reads it: the one view of results (view.hpp), after the
/// checks a workbook needs (it has no partial form).
class Document : public ComparisonView {
 public:
  Document(const json& doc, const std::string& file) : ComparisonView(checked(doc, file)) {}
  /// The baseline (a single run: its one arm).
  const Arm& baseline() const { return arms().front(); }

 private:
  static const json& checked(const json& doc, const std::string& file) {
    auto malformed = [&](const std::string& what) {
      return StoreError("cannot write the workbook " + file + ": the comparison document " + what);
    };
    if (!doc.is_object()) throw malformed("is not a JSON object");
    const json& arms = field(doc, "arms");
    if (!arms.is_array() || arms.empty()) throw malformed("has no arms");
    return doc;
  }
};

// ---------------------------------------------------------------------------------------------
// Writing (every libxlsxwriter error becomes a StoreError naming the file and what failed)
// ---------------------------------------------------------------------------------------------

std::string cell_name(int row, int col) {
  std::string letters;
  for (int c = col + 1; c > 0; c = (c - 1) / 26) letters.insert(letters.begin(), static_cast<char>('A' + (c - 1) % 26));
  return letters + std::to_string(row + 1);
}

/// Excel's limits: no control characters but tab and line breaks; at most 32,767 characters.
std::string clean_text(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  std::size_t chars = 0;
  for (std::size_t k = 0; k < s.size(); ++k) {
    const auto c = static_cast<unsigned char>(s[k]);
    if ((c & 0xC0) != 0x80 && ++chars > 32000) {
      out += " [...]";
      break;
    }
    out += (c < 0x20 && c != '\t' && c != '\n' && c != '\r') ? ' ' : s[k];
  }
  return out;
}

std::string join(const json& list, const char* separator = ", ") {
  std::string out;
  if (!list.is_array()) return as_text(list);
  for (const json& x : list) out += (out.empty() ? "" : separator) + as_text(x);
  return out;
}

class Sheet {
 public:
  Sheet(lxw_workbook* wb, lxw_worksheet* ws, std::string name, std::string file)
      : wb_(wb), ws_(ws), name_(std::move(name)), file_(std::move(file)) {}

  void text(int row, int col, const std::string& s, lxw_format* format = nullptr) {
    const std::string t = clean_text(s);
    check(worksheet_write_string(ws_, r(row), c(col), t.c_str(), format), "writing text", row, col);
  }
  void number(int row, int col, double x, lxw_format* format = nullptr) {
    if (!std::isfinite(x)) return;  // never write a NaN or infinity (not valid in a workbook)
    check(worksheet_write_number(ws_, r(row), c(col), x, format), "writing a number", row, col);
  }
  /// A formula with its value at the inputs as written (shown by a spreadsheet that does not
  /// recalculate on opening; Excel recalculates every formula when it opens the file).
  void formula(int row, int col, const std::string& f, lxw_format* format, double cached) {
    if (!std::isfinite(cached)) cached = 0;
    check(worksheet_write_formula_num(ws_, r(row), c(col), f.c_str(), format, cached), "writing a formula", row, col);
  }
  /// A formula whose value is text.
  void formula_text(int row, int col, const std::string& f, lxw_format* format, const std::string& cached) {
    check(worksheet_write_formula_str(ws_, r(row), c(col), f.c_str(), format, clean_text(cached).c_str()), "writing a formula", row,
          col);
  }
  /// An input cell that takes only a decimal between `low` and `high`, with a message when not.
  void validate_decimal(int row, int col, double low, double high, const std::string& title, const std::string& message) {
    lxw_data_validation v{};
    v.validate = LXW_VALIDATION_TYPE_DECIMAL;
    v.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
    v.minimum_number = low;
    v.maximum_number = high;
    std::string t = title, m = message;
    v.error_title = t.data();
    v.error_message = m.data();
    v.input_title = t.data();
    v.input_message = m.data();
    check(worksheet_data_validation_cell(ws_, r(row), c(col), &v), "adding a validation", row, col);
  }
  lxw_chart* chart(std::uint8_t type) {
    lxw_chart* ch = workbook_add_chart(wb_, type);
    if (!ch) throw StoreError("cannot write the workbook " + file_ + ": libxlsxwriter could not add a chart (out of memory)");
    return ch;
  }
  void insert_chart(int row, int col, lxw_chart* ch, int x_offset) {
    lxw_chart_options o{};
    o.x_offset = x_offset;
    o.y_offset = 4;
    o.x_scale = 1.3;
    o.y_scale = 1.1;
    check(worksheet_insert_chart_opt(ws_, r(row), c(col), ch, &o), "inserting a chart", row, col);
  }
  /// A number from the document; nothing when it is null. Returns whether it wrote one.
  bool value(int row, int col, const json& x, lxw_format* format) {
    const auto v = number_of(x);
    if (v) number(row, col, *v, format);
    return v.has_value();
  }
  /// Text across several columns (merged, wrapped) with a row height for its length.
  void long_text(int row, int first_col, int last_col, const std::string& s, lxw_format* format, double chars_per_line) {
    const std::string t = clean_text(s);
    check(worksheet_merge_range(ws_, r(row), c(first_col), r(row), c(last_col), t.c_str(), format), "merging cells", row,
          first_col);
    const double lines = std::max(1.0, std::ceil(static_cast<double>(t.size()) / chars_per_line));
    check(worksheet_set_row(ws_, r(row), std::min(409.0, 15.0 * lines), nullptr), "setting a row height", row, 0);
  }
  void width(int first_col, int last_col, double w) {
    check(worksheet_set_column(ws_, c(first_col), c(last_col), w, nullptr), "setting column widths", 0, first_col);
  }
  void freeze(int row, int col) { worksheet_freeze_panes(ws_, r(row), c(col)); }
  void autofilter(int first_row, int first_col, int last_row, int last_col) {
    check(worksheet_autofilter(ws_, r(first_row), c(first_col), r(last_row), c(last_col)), "adding a filter", first_row,
          first_col);
  }
  lxw_worksheet* handle() const { return ws_; }

 private:
  static lxw_row_t r(int row) { return static_cast<lxw_row_t>(row); }
  static lxw_col_t c(int col) { return static_cast<lxw_col_t>(col); }
  void check(lxw_error e, const char* what, int row, int col) const {
    if (e != LXW_NO_ERROR)
      throw StoreError("cannot write the workbook " + file_ + ": " + what + " at '" + name_ + "'!" + cell_name(row, col) +
                       " failed: " + lxw_strerror(e));
  }
  lxw_workbook* wb_;
  lxw_worksheet* ws_;
  std::string name_, file_;
};

struct Formats {
  lxw_format *title = nullptr, *section = nullptr, *bold = nullptr, *header = nullptr, *wrap = nullptr, *note = nullptr;
  lxw_format *money = nullptr, *money_pence = nullptr, *ratio = nullptr, *percent = nullptr, *percent1 = nullptr;
  lxw_format *year = nullptr, *years = nullptr, *decimal = nullptr, *quantity = nullptr, *integer = nullptr, *year_mean = nullptr;
  // Inputs a finance lead may change (the convention: blue on pale yellow), and the model's
  // figures set beside formulas for checking (grey).
  lxw_format *input_money = nullptr, *input_percent = nullptr, *input_year = nullptr, *factor = nullptr;
  lxw_format *check_money = nullptr, *check_ratio = nullptr;

  /// The number format for an outcome's unit (results/comparison.cpp's dictionary).
  lxw_format* for_unit(const std::string& unit) const {
    auto starts = [&](const char* prefix) { return unit.rfind(prefix, 0) == 0; };
    if (unit.find("per GBP") != std::string::npos) return ratio;
    if (starts("GBP per participant") || starts("GBP per resident")) return money_pence;
    if (starts("GBP")) return money;
    if (starts("probability")) return percent;
    if (starts("financial year")) return year;
    if (unit == "years") return years;
    if (starts("%")) return decimal;
    return quantity;
  }
};

class Book {
 public:
  Book(const fs::path& path, std::string file) : file_(std::move(file)) {
    lxw_workbook_options options{};
    options.constant_memory = LXW_FALSE;  // shared strings; the workbook is built in memory
    options.tmpdir = nullptr;
    options.use_zip64 = LXW_FALSE;
    wb_ = workbook_new_opt(path.c_str(), &options);
    if (!wb_)
      throw StoreError("cannot write the workbook " + file_ + ": libxlsxwriter could not start a workbook (out of memory)");
    auto add = [&](const char* num_format) {
      lxw_format* f = workbook_add_format(wb_);
      if (!f) throw StoreError("cannot write the workbook " + file_ + ": libxlsxwriter could not add a format (out of memory)");
      if (num_format) format_set_num_format(f, num_format);
      return f;
    };
    f_.title = add(nullptr);
    format_set_bold(f_.title);
    format_set_font_size(f_.title, 14);
    f_.section = add(nullptr);
    format_set_bold(f_.section);
    format_set_font_size(f_.section, 12);
    f_.bold = add(nullptr);
    format_set_bold(f_.bold);
    f_.header = add(nullptr);
    format_set_bold(f_.header);
    format_set_text_wrap(f_.header);
    format_set_align(f_.header, LXW_ALIGN_VERTICAL_TOP);
    format_set_bg_color(f_.header, 0xD9E1F2);
    format_set_bottom(f_.header, LXW_BORDER_THIN);
    f_.wrap = add(nullptr);
    format_set_text_wrap(f_.wrap);
    format_set_align(f_.wrap, LXW_ALIGN_VERTICAL_TOP);
    f_.note = add(nullptr);
    format_set_italic(f_.note);
    format_set_font_color(f_.note, 0x595959);
    f_.money = add("£#,##0");
    f_.money_pence = add("£#,##0.00");
    f_.ratio = add("0.00");
    f_.percent = add("0%");
    f_.percent1 = add("0.0%");
    f_.year = add("0");
    f_.year_mean = add("0.0");
    f_.years = add("0.00");
    f_.decimal = add("0.00");
    f_.quantity = add("#,##0.0");
    f_.integer = add("#,##0");
    auto input = [&](const char* num_format) {
      lxw_format* x = add(num_format);
      format_set_bg_color(x, 0xFFF2CC);
      format_set_font_color(x, 0x0000CC);
      format_set_border(x, LXW_BORDER_THIN);
      format_set_border_color(x, 0xBFBFBF);
      format_set_unlocked(x);
      return x;
    };
    f_.input_money = input("£#,##0");
    f_.input_percent = input("0.0%");
    f_.input_year = input("0");
    f_.factor = add("0.0000");
    f_.check_money = add("£#,##0");
    format_set_font_color(f_.check_money, 0x7F7F7F);
    f_.check_ratio = add("0.00");
    format_set_font_color(f_.check_ratio, 0x7F7F7F);
  }
  ~Book() {
    if (wb_) lxw_workbook_free(wb_);  // abandoned (an error): nothing is written
  }
  Book(const Book&) = delete;
  Book& operator=(const Book&) = delete;

  const Formats& formats() const { return f_; }
  Sheet add_sheet(const std::string& name) {
    lxw_worksheet* ws = workbook_add_worksheet(wb_, name.c_str());
    if (!ws) throw StoreError("cannot write the workbook " + file_ + ": libxlsxwriter could not add the sheet '" + name + "'");
    return Sheet(wb_, ws, name, file_);
  }
  void properties(std::string title, std::string subject) {
    std::string author = "ShiftSim";
    lxw_doc_properties p{};
    p.title = title.data();
    p.subject = subject.data();
    p.author = author.data();
    const lxw_error e = workbook_set_properties(wb_, &p);
    if (e != LXW_NO_ERROR)
      throw StoreError("cannot write the workbook " + file_ + ": setting its properties failed: " + lxw_strerror(e));
  }
  /// Writes the file (libxlsxwriter frees the workbook whatever happens).
  void close() {
    lxw_workbook* wb = wb_;
    wb_ = nullptr;
    const lxw_error e = workbook_close(wb);
    if (e != LXW_NO_ERROR) throw StoreError("cannot write the workbook " + file_ + ": saving it failed: " + lxw_strerror(e));
  }

 private:
  std::string file_;
  lxw_workbook* wb_ = nullptr;
  Formats f_;
};

// ---------------------------------------------------------------------------------------------
// Which outcomes go on which sheet
// ---------------------------------------------------------------------------------------------

const std::vector<std::string> kSavings{"gross_savings_gbp", "gross_savings_discounted_gbp", "cashable_savings_gbp",
                                        "cashable_savings_discounted_gbp", "direct_savings_discounted_gbp", "system_savings_discounted_gbp"};
const std::vector<std::string> kCost{"cost_gbp", "cost_discounted_gbp"};
const std::vector<std::string> kInvestment{"intervention_spend_gbp", "intervention_spend_discounted_gbp", "intervention_cost_gbp",
                                           "intervention_cost_discounted_gbp", "intervention_budget_gbp", "intervention_new_participants",
                                           "intervention_uptake_ceiling", "intervention_spend_limit", "funded_from_existing_budgets_gbp",
                                           "home_care_hours_displaced"};
const std::vector<std::string> kSensitivity{"sensitivity_share", "sensitivity_parameter_low", "sensitivity_parameter_high",
                                            "sensitivity_npv_low_gbp", "sensitivity_npv_high_gbp", "switching_value",
                                            "evpi_gbp", "evppi_gbp", "evppi_replicates_needed"};
const std::vector<std::string> kWhoPays{"who_pays_who_saves_gbp", "net_position_gbp", "pooled_budget_transfer_gbp"};
const std::vector<std::string> kValue{"net_benefit_gbp",   "net_benefit_cashable_gbp", "cumulative_discounted_net_benefit_gbp",
                                      "npv_gbp",           "npv_cashable_gbp",         "roi_gross",
                                      "roi_cashable",      "roi_gross_above_1",        "roi_cashable_above_1",
                                      "break_even_year",   "break_even_year_cashable", "break_even_within_horizon",
                                      "cost_per_qaly_gbp", "net_monetary_benefit_gbp", "cost_effective",
                                      "npv_by_years_gbp",  "npv_cashable_by_years_gbp", "roi_gross_by_years",
                                      "intervention_cost_by_years_discounted_gbp", "gross_savings_by_years_discounted_gbp"};
const std::vector<std::string> kHealth{"deaths",
                                       "qalys",
                                       "qalys_discounted",
                                       "life_expectancy_birth_years",
                                       "life_expectancy_65_years",
                                       "le_gap_birth_years",
                                       "le_gap_65_years",
                                       "sii_le_birth_years",
                                       "sii_le_65_years",
                                       "deaths_averted",
                                       "qalys_gained",
                                       "qalys_gained_discounted",
                                       "qalys_gained_per_100k",
                                       "equity_gain_qalys_per_100k",
                                       "le_birth_change_years",
                                       "le_65_change_years",
                                       "le_gap_birth_change_years",
                                       "le_gap_65_change_years",
                                       "sii_le_birth_change_years",
                                       "sii_le_65_change_years",
                                       "disability_free_le_birth_years",
                                       "disability_free_le_65_years",
                                       "dfle_gap_birth_years",
                                       "dfle_gap_65_years",
                                       "sii_dfle_birth_years",
                                       "activity_limited_percent",
                                       "dfle_birth_change_years",
                                       "dfle_65_change_years",
                                       "dfle_gap_birth_change_years",
                                       "sii_dfle_birth_change_years"};
const std::vector<std::string> kPrevalence{"prevalence_percent"};
const std::vector<std::string> kWider{"employment_rate_percent",
                                      "out_of_work_ill_health_people",
                                      "sickness_absence_days",
                                      "lost_output_gbp",
                                      "lost_output_discounted_gbp",
                                      "economy_fewer_out_of_work_ill_health",
                                      "economy_absence_days_avoided",
                                      "employment_change_people",
                                      "economy_output_gain_gbp",
                                      "economy_output_gain_discounted_gbp",
                                      "economy_return_per_gbp",
                                      "births",
                                      "smoking_at_delivery_percent",
                                      "low_birth_weight_percent",
                                      "infant_emergency_admissions",
                                      "smoking_at_delivery_averted",
                                      "low_birth_weight_averted",
                                      "infant_emergency_admissions_averted",
                                      "unpaid_carers",
                                      "strained_carers_percent",
                                      "carer_qalys_lost",
                                      "care_home_moves",
                                      "strained_carers_averted",
                                      "carer_qalys_gained",
                                      "carer_qalys_gained_discounted",
                                      "care_home_moves_avoided"};

// ---------------------------------------------------------------------------------------------
// Tidy tables
// ---------------------------------------------------------------------------------------------

const std::vector<std::string> kTidyHeader{
    "scenario", "period", "breakdown", "breakdown value", "outcome", "mean", "median", "p05", "p95", "unit", "n"};

bool any_rows(const Document& d, const std::vector<std::string>& outcomes) {
  return std::any_of(outcomes.begin(), outcomes.end(), [&](const std::string& o) { return d.has(o); });
}

bool zero_row(const json& x) {
  for (const char* stat : {"mean", "median", "p05", "p95"}) {
    const auto v = number_of(field(x, stat));
    if (!v || *v != 0) return false;
  }
  return true;
}

/// The tidy rows of some outcomes from `row` on (header first); returns the next free row.
int write_tidy(Sheet& s, const Document& d, const Formats& f, const std::vector<std::string>& outcomes, int row) {
  const int header_row = row;
  for (std::size_t k = 0; k < kTidyHeader.size(); ++k) s.text(row, static_cast<int>(k), kTidyHeader[k], f.header);
  ++row;
  for (const auto& arm : d.arms())
    for (const auto& outcome : outcomes) {
      const std::string unit = d.unit(outcome);
      lxw_format* fmt = f.for_unit(unit);
      // The baseline funds no intervention: its investment rows of zeros say nothing.
      const bool baseline_investment = !d.single() && arm.index == 0 &&
                                       std::find(kInvestment.begin(), kInvestment.end(), outcome) != kInvestment.end();
      for (const auto& breakdown : d.breakdowns(arm.index, outcome)) {
        const auto [by, value] = split_breakdown(breakdown);
        for (const auto& period : d.periods()) {
          const json* x = d.row(arm.index, outcome, breakdown, period);
          if (!x) continue;
          if (baseline_investment && zero_row(*x)) continue;
          s.text(row, 0, arm.name);
          s.text(row, 1, period);
          s.text(row, 2, by);
          s.text(row, 3, value);
          s.text(row, 4, outcome);
          int col = 5;
          for (const char* stat : {"mean", "median", "p05", "p95"}) {
            if (!s.value(row, col, field(*x, stat), fmt) && is_break_even(outcome) && field(*x, stat).is_null())
              s.text(row, col, "not within the horizon");
            ++col;
          }
          s.text(row, 9, unit);
          s.value(row, 10, field(*x, "n"), f.integer);
          ++row;
        }
      }
    }
  s.autofilter(header_row, 0, std::max(header_row, row - 1), static_cast<int>(kTidyHeader.size()) - 1);
  return row;
}

void tidy_widths(Sheet& s) {
  s.width(0, 0, 30);
  s.width(1, 1, 20);
  s.width(2, 2, 14);
  s.width(3, 3, 22);
  s.width(4, 4, 34);
  s.width(5, 8, 15);
  s.width(9, 9, 34);
  s.width(10, 10, 6);
}

void tidy_sheet(Book& book, const Document& d, const std::string& name, const std::vector<std::string>& outcomes) {
  Sheet s = book.add_sheet(name);
  tidy_widths(s);
  write_tidy(s, d, book.formats(), outcomes, 0);
  s.freeze(1, 0);
}

// ---------------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------------

enum class Kind { value, probability, year };

struct Measure {
  std::string label, outcome, breakdown;
  Kind kind = Kind::value;
  std::string note;  // what the figure is (outcomes.hpp), when nothing more pressing is to be said
};

Kind kind_of(Figure f) { return f == Figure::probability ? Kind::probability : f == Figure::year ? Kind::year : Kind::value; }

/// A headline as a row of the workbook: its label without the terminal's indent, and the
/// economy's and the beyond-the-horizon figures marked as apart from the rest.
Measure measure_of(const HeadlineOutcome& h) {
  std::string label = h.label.substr(h.label.find_first_not_of(' '));
  if (h.group == HeadlineGroup::economy) label = "ECONOMY (separate ledger): " + label;
  if (h.group == HeadlineGroup::beyond) label = "BEYOND THE HORIZON (not in the figures above): " + label;
  return {label, h.outcome, h.breakdown, kind_of(h.kind), h.note};
}

/// A scenario's measures: the workbook's headlines (outcomes.hpp), with the net monetary
/// benefit and the chance of being cost-effective at each threshold the comparison used.
std::vector<Measure> scenario_measures(const Document& d, const Arm& arm) {
  std::vector<Measure> m;
  for (const auto& h : headlines_shown(scenario_headlines(), kShowWorkbook)) {
    m.push_back(measure_of(h));
    if (h.outcome != "cost_per_qaly_gbp") continue;
    std::vector<std::string> wtp;
    for (const auto& b : d.breakdowns(arm.index, "net_monetary_benefit_gbp"))
      if (b.rfind("wtp=", 0) == 0) wtp.push_back(b);
    if (wtp.empty()) wtp = {"wtp=20000", "wtp=30000"};
    for (const auto& b : wtp) {
      const std::string gbp = gbp_text(std::strtod(b.c_str() + 4, nullptr));
      m.push_back({"Net monetary benefit at " + gbp + " per QALY", "net_monetary_benefit_gbp", b, Kind::value, ""});
      m.push_back({"P(cost-effective at " + gbp + " per QALY)", "cost_effective", b, Kind::probability, ""});
    }
  }
  return m;
}

std::vector<Measure> arm_measures() {
  std::vector<Measure> m;
  for (const auto& h : headlines_shown(arm_headlines(), kShowWorkbook)) m.push_back(measure_of(h));
  return m;
}

const std::vector<std::string> kMeasureHeader{"Over the whole horizon", "Mean", "Median", "5th percentile",
                                              "95th percentile",        "Unit", "n",      "Note"};

std::string missing_reason(const std::string& outcome) {
  if (outcome == "cost_per_qaly_gbp") return "the other replicates gain no QALYs (cost per QALY undefined)";
  if (outcome.rfind("roi_", 0) == 0) return "the other replicates have no intervention cost";
  if (outcome.rfind("life_expectancy", 0) == 0 || outcome.find("le_") != std::string::npos)
    return "the other replicates have too few deaths for a life table";
  return "the other replicates have none";
}

int write_measures(Sheet& s, const Document& d, const Formats& f, const Arm& arm, const std::vector<Measure>& measures, int row,
                   const std::string& period = "horizon") {
  for (std::size_t k = 0; k < kMeasureHeader.size(); ++k)
    s.text(row, static_cast<int>(k), k == 0 && period == kPlanPeriod ? "Over the plan alone" : kMeasureHeader[k], f.header);
  ++row;
  const int R = d.replicates();
  for (const auto& m : measures) {
    const json* x = d.row(arm.index, m.outcome, m.breakdown, period);
    if (!x && period == kPlanPeriod && (m.outcome.find("beyond_horizon") != std::string::npos || m.outcome.find("lifetime") != std::string::npos))
      continue;  // known at the end of the whole run only
    s.text(row, 0, m.label);
    const std::string unit = d.unit(m.outcome);
    s.text(row, 5,
           m.kind == Kind::probability ? "share of replicates"
           : m.kind == Kind::year && x ? "financial year (the year by which that share of replicates broke even)"
                                       : unit);
    if (!x) {
      if (m.kind == Kind::year &&
          d.row(arm.index, "break_even_within_horizon", m.outcome == "break_even_year" ? "all" : "cashable", period)) {
        // No replicate broke even: the comparison has no break-even rows at all.
        for (int col = 1; col <= 4; ++col) s.text(row, col, "not within the horizon");
        s.text(row, 7, "no replicate breaks even within the horizon", f.note);
      } else {
        s.text(row, 1, "n/a");
        s.text(row, 7, "not in this comparison", f.note);
      }
      ++row;
      continue;
    }
    std::string note;
    const auto n = number_of(field(*x, "n"));
    if (n) s.number(row, 6, *n, f.integer);
    if (n && R > 0 && static_cast<int>(*n) < R && !is_break_even(m.outcome))
      note = "only " + std::to_string(static_cast<int>(*n)) + " of " + std::to_string(R) +
             " replicates have a value: " + missing_reason(m.outcome);
    switch (m.kind) {
      case Kind::value: {
        lxw_format* fmt = f.for_unit(unit);
        // A 90% interval needs kMinIntervalReplicates replicates; with fewer, the cells say so
        // and the note gives the mean's Monte Carlo standard error instead.
        const bool interval = !n || static_cast<int>(*n) >= kMinIntervalReplicates;
        int col = 1;
        for (const char* stat : {"mean", "median", "p05", "p95"}) {
          const bool quantile = std::string(stat) == "p05" || std::string(stat) == "p95";
          if (quantile && !interval) s.text(row, col, "too few replicates");
          else if (!s.value(row, col, field(*x, stat), fmt)) s.text(row, col, "n/a");
          ++col;
        }
        if (!interval && note.empty()) {
          note = std::to_string(static_cast<int>(*n)) + " replicates: no 90% interval below " + std::to_string(kMinIntervalReplicates);
          if (const auto se = number_of(field(*x, "mcse"))) {
            char b[64];
            std::snprintf(b, sizeof b, "%.4g", *se);
            note += "; the mean's Monte Carlo standard error is " +
                    (unit.find("GBP") != std::string::npos ? results::money(*se, MoneyStyle::whole) : std::string(b));
          }
        }
        break;
      }
      case Kind::probability:
        if (!s.value(row, 1, field(*x, "mean"), f.percent)) s.text(row, 1, "n/a");
        break;
      case Kind::year: {
        if (!s.value(row, 1, field(*x, "mean"), f.year_mean)) {
          s.text(row, 1, "n/a");
          note = "the mean is undefined: some replicates do not break even within the horizon";
        }
        int col = 2;
        for (const char* stat : {"median", "p05", "p95"}) s.text(row, col++, break_even_label(field(*x, stat)));
        break;
      }
    }
    if (note.empty()) note = m.note;
    if (!note.empty()) s.text(row, 7, note, f.note);
    ++row;
  }
  return row;
}

struct SheetGuide {
  std::string name, what;
};

std::string percent_text(const json& x) {
  const auto v = number_of(x);
  return v ? format_percent(*v) : std::string("?");
}

// ---------------------------------------------------------------------------------------------
// Who pays, who saves
// ---------------------------------------------------------------------------------------------

void write_stat_table(Sheet& s, const Document& d, const Formats& f, const Arm& arm, const std::string& outcome, int& row) {
  const std::vector<std::string> header{"Organisation", "Mean", "Median", "5th percentile", "95th percentile"};
  for (std::size_t k = 0; k < header.size(); ++k) s.text(row, static_cast<int>(k), header[k], f.header);
  ++row;
  for (const auto& b : d.breakdowns(arm.index, outcome)) {
    const json* x = d.row(arm.index, outcome, b, "horizon");
    if (!x) continue;
    s.text(row, 0, label_of(split_breakdown(b).second));
    int col = 1;
    for (const char* stat : {"mean", "median", "p05", "p95"}) s.value(row, col++, field(*x, stat), f.money);
    ++row;
  }
}

void write_who_pays(Sheet& s, const Document& d, const Formats& f) {
  s.width(0, 0, 30);
  s.width(1, 10, 16);
  int row = 0;
  s.text(row++, 0, "Who pays, who saves", f.title);
  s.text(
      row++, 0,
      "Present values over the horizon, GBP, mean over replicates. A row is what an investor's money saved, and for whom: each "
      "saving payer's discounted savings shared among the investing funders in proportion to their discounted investment.",
      f.note);
  ++row;
  for (const auto* arm : d.scenarios()) {
    const std::string outcome = "who_pays_who_saves_gbp";
    std::vector<std::string> investors, savers;
    for (const auto& b : d.breakdowns(arm->index, outcome)) {
      const std::string i = breakdown_part(b, "investor"), v = breakdown_part(b, "saver");
      if (std::find(investors.begin(), investors.end(), i) == investors.end()) investors.push_back(i);
      if (std::find(savers.begin(), savers.end(), v) == savers.end()) savers.push_back(v);
    }
    s.text(row++, 0, arm->name + " compared with " + d.baseline().name, f.section);
    if (!investors.empty()) {
      s.text(row, 0, "Investor (rows) / saver (columns)", f.header);
      for (std::size_t k = 0; k < savers.size(); ++k) s.text(row, static_cast<int>(k) + 1, label_of(savers[k]), f.header);
      s.text(row, static_cast<int>(savers.size()) + 1, "Total saved", f.header);
      ++row;
      std::vector<double> column_total(savers.size(), 0.0);
      double grand = 0;
      for (const auto& i : investors) {
        s.text(row, 0, label_of(i), f.bold);
        double total = 0;
        for (std::size_t k = 0; k < savers.size(); ++k) {
          const json* x = d.row(arm->index, outcome, "investor=" + i + ";saver=" + savers[k], "horizon");
          const auto mean = x ? number_of(field(*x, "mean")) : std::nullopt;
          if (!mean) continue;
          s.number(row, static_cast<int>(k) + 1, *mean, f.money);
          total += *mean;
          column_total[k] += *mean;
        }
        s.number(row, static_cast<int>(savers.size()) + 1, total, f.money);
        grand += total;
        ++row;
      }
      s.text(row, 0, "Total", f.bold);
      for (std::size_t k = 0; k < savers.size(); ++k) s.number(row, static_cast<int>(k) + 1, column_total[k], f.money);
      s.number(row, static_cast<int>(savers.size()) + 1, grand, f.money);
      row += 2;
    }
    if (!d.breakdowns(arm->index, "net_position_gbp").empty()) {
      s.text(row++, 0, "Net position: each organisation's discounted savings minus its own discounted investment", f.bold);
      write_stat_table(s, d, f, *arm, "net_position_gbp", row);
      ++row;
    }
    if (!d.breakdowns(arm->index, "pooled_budget_transfer_gbp").empty()) {
      s.text(row++, 0, "What a pooled budget shared in proportion to savings would move (positive: would pay in more)", f.bold);
      write_stat_table(s, d, f, *arm, "pooled_budget_transfer_gbp", row);
      ++row;
    }
    ++row;
  }
  s.text(row++, 0, "Every figure with its 90% interval", f.section);
  write_tidy(s, d, f, kWhoPays, row);
  s.freeze(0, 1);
}

// ---------------------------------------------------------------------------------------------
// Cash flow: the finance model (formulas over the model's cash flows)
// ---------------------------------------------------------------------------------------------
//
// Per scenario, a block of the Cash flow sheet with the financial years as columns:
//   inputs (styled as inputs): the discount rate for costs, the price base year, the optimism
//     bias on costs and on benefits (the scenario's own finance rules), and the investment by
//     funder and year (the model's intervention cost before optimism bias: the budget lines);
//   the model's savings by payer before optimism bias, the cashable savings, households';
//   formulas: the discount factor, investment and savings after optimism bias, the net benefit
//     in cash and present-value terms, the cumulative present value and the break-even test;
//   the results: NPV, cashable NPV, ROI (gross and cashable) and the break-even year as
//     formulas, with the model's own figures (mean and 90% interval over replicates) beside them.
// Every formula is written with its value at the inputs as written (computed here the same way),
// so that a spreadsheet that does not recalculate on opening still shows the right numbers. With
// the inputs unchanged the formulas give the model's NPV and ROI (the means over replicates of a
// linear function of the flows are the function of the mean flows; the model's ROI is a ratio of
// means); the break-even year of the mean flows can differ from the replicates' median.

struct CashFlowBlock {
  const Arm* arm = nullptr;
  // Absolute references on the Cash flow sheet ('Cash flow'!$B$7 and so on).
  std::string rate, base, bias_costs, bias_benefits;
  std::string fy_row, df_row, net_row, inv_before_row, sav_before_row, cash_before_row;  // year ranges
  std::string npv, npv_cashable, roi, roi_cashable, break_even;
  // The values those cells hold as written.
  std::vector<int> fy;
  std::vector<double> df, net, inv_before, sav_before, cash_before;
  double npv_value = 0, npv_cashable_value = 0, pv_inv_before = 0, pv_sav_before = 0, pv_cash_before = 0;
  std::optional<double> roi_value, roi_cashable_value;
  std::string break_even_value;
  double rate_value = 0, bias_costs_value = 0, bias_benefits_value = 0;
  int base_value = 0;
};

const char* kCashFlowSheet = "Cash flow";

std::string abs_cell(int row, int col) {
  std::string letters;
  for (int c = col + 1; c > 0; c = (c - 1) / 26) letters.insert(letters.begin(), static_cast<char>('A' + (c - 1) % 26));
  return "$" + letters + "$" + std::to_string(row + 1);
}
std::string on_cash_flow(const std::string& ref) { return std::string("'") + kCashFlowSheet + "'!" + ref; }

/// A financial year's start (FY2018/19 -> 2018) and months ("(Jul-Mar)" -> 9; none: 12).
std::pair<int, int> fy_and_months(const std::string& label) {
  const int fy = label.size() > 2 ? std::atoi(label.c_str() + 2) : 0;
  int months = 12;
  static const char* names[] = {"Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"};
  const auto open = label.find('(');
  if (open != std::string::npos && label.size() >= open + 8) {
    int from = -1, to = -1;
    for (int k = 0; k < 12; ++k) {
      if (label.compare(open + 1, 3, names[k]) == 0) from = k;
      if (label.compare(open + 5, 3, names[k]) == 0) to = k;
    }
    if (from >= 0 && to >= from) months = to - from + 1;
  }
  return {fy, months};
}

double mean_or_zero(const Document& d, int arm, const std::string& period, const std::string& breakdown, const std::string& outcome) {
  const Stat* s = d.stat(arm, period, breakdown, outcome);
  return s && s->mean ? *s->mean : 0.0;
}

const std::vector<std::pair<std::string, std::string>> kFunderRows{
    {"nhs", "NHS"}, {"council", "Council"}, {"public_health", "Public health"}, {"pooled", "Pooled budget"}};
const std::vector<std::pair<std::string, std::string>> kPublicPayerRows{
    {"nhs_acute", "NHS acute"},         {"nhs_primary_care", "NHS primary care"}, {"nhs_community", "NHS community"},
    {"nhs_mental_health", "NHS mental health"}, {"council_asc", "Council adult social care"}, {"public_health", "Public health"}};

CashFlowBlock write_cash_flow_block(Sheet& s, const Document& d, const Formats& f, const Arm& arm, int& row) {
  CashFlowBlock b;
  b.arm = &arm;
  const json& fin = field(*arm.source, "finance");
  b.rate_value = number_of(field(fin, "discount_rate_costs")).value_or(0.035);
  b.base_value = static_cast<int>(number_of(field(fin, "price_base_year")).value_or(0));
  b.bias_costs_value = number_of(field(field(fin, "optimism_bias"), "costs")).value_or(0.0);
  b.bias_benefits_value = number_of(field(field(fin, "optimism_bias"), "benefits")).value_or(0.0);
  const double kc = 1 + b.bias_costs_value, kb = 1 - b.bias_benefits_value;
  // An optimism bias of 100% on benefits leaves no saving to recover the modelled one from (the
  // model stores savings after the bias): the savings rows are then zero, and say why.
  const bool no_savings = !(kb > 0);
  auto before_bias = [&](double x) { return no_savings ? 0.0 : x / kb; };
  const auto fys = d.financial_years();
  const int n = static_cast<int>(fys.size());
  const int c0 = 2, c1 = c0 + n - 1;  // the years' columns; column B is the total
  const int note_col = c1 + 1;
  auto range = [&](int r) { return abs_cell(r, c0) + ":" + abs_cell(r, c1); };
  auto cell = [&](int r, int c) { return cell_name(r, c); };

  s.text(row++, 0, arm.name + " compared with " + d.baseline().name, f.section);
  s.text(row++, 0,
         "Yellow cells are inputs: change them and every formula below follows (the savings stay the model's, which it "
         "simulated at its own investment: run the model again for what a different budget would buy).",
         f.note);
  auto input = [&](const std::string& label, double value, lxw_format* fmt, const std::string& note) {
    s.text(row, 0, label, f.bold);
    s.number(row, 1, value, fmt);
    s.text(row, 2, note, f.note);
    return abs_cell(row++, 1);
  };
  b.rate = input("Discount rate for costs, a year", b.rate_value, f.input_percent,
                 "the scenario's finance rules (HM Treasury Green Book: 3.5%)");
  s.validate_decimal(row - 1, 1, -0.5, 1.0, "Discount rate", "A rate a year between -50% and 100%, e.g. 0.035 for 3.5%.");
  b.base = input("Price base and discounting year (financial year starting April)", b.base_value, f.input_year,
                 "the first financial year is not discounted when it is this one");
  b.bias_costs = input("Optimism bias: uplift on the investment", b.bias_costs_value, f.input_percent,
                       "Green Book supplementary guidance; the model's figures below are before it");
  s.validate_decimal(row - 1, 1, 0.0, 10.0, "Optimism bias", "An uplift from 0 (none) to 10 (1,000%).");
  b.bias_benefits = input("Optimism bias: reduction of the savings", b.bias_benefits_value, f.input_percent,
                          "0 = the savings as modelled; 0.2 = a fifth less");
  s.validate_decimal(row - 1, 1, 0.0, 1.0, "Optimism bias", "A reduction from 0 (none) to 1 (all of it).");
  ++row;

  // Header: the years.
  const int label_row = row;
  s.text(row, 0, "GBP, price base year's prices", f.header);
  s.text(row, 1, "Total", f.header);
  for (int k = 0; k < n; ++k) s.text(row, c0 + k, fys[static_cast<std::size_t>(k)], f.header);
  s.text(row, note_col, "What it is", f.header);
  ++row;
  auto note = [&](int r, const std::string& text) { s.text(r, note_col, text, f.note); };
  const int fy_row = row;
  s.text(row, 0, "Financial year starting April");
  std::vector<int> months(static_cast<std::size_t>(n));
  for (int k = 0; k < n; ++k) {
    const auto [fy, m] = fy_and_months(fys[static_cast<std::size_t>(k)]);
    b.fy.push_back(fy);
    months[static_cast<std::size_t>(k)] = m;
    s.number(row, c0 + k, fy, f.year);
  }
  ++row;
  s.text(row, 0, "Months of the year in the run");
  for (int k = 0; k < n; ++k) s.number(row, c0 + k, months[static_cast<std::size_t>(k)], f.integer);
  note(row, "a part year is shown as the months it has, never annualised");
  ++row;
  const int df_row = row;
  s.text(row, 0, "Discount factor");
  for (int k = 0; k < n; ++k) {
    const double v = std::pow(1 + b.rate_value, -static_cast<double>(b.fy[static_cast<std::size_t>(k)] - b.base_value));
    b.df.push_back(v);
    s.formula(row, c0 + k, "=1/(1+" + b.rate + ")^(" + cell(fy_row, c0 + k) + "-" + b.base + ")", f.factor, v);
  }
  note(row, "1 / (1 + rate) ^ (year - price base year)");
  row += 2;

  auto total = [&](int r, lxw_format* fmt, double cached) {
    s.formula(r, 1, "=SUM(" + cell(r, c0) + ":" + cell(r, c1) + ")", fmt, cached);
  };
  auto sum = [](const std::vector<double>& v) {
    double t = 0;
    for (double x : v) t += x;
    return t;
  };
  auto at = [](const std::vector<double>& v, int k) { return v[static_cast<std::size_t>(k)]; };
  // A row of the model's figures, one number a year, with its total and note; returns its row.
  auto numbers = [&](const std::string& label, const std::function<double(int)>& value, lxw_format* fmt, const std::string& what,
                     std::vector<double>& v) {
    s.text(row, 0, label);
    v.clear();
    for (int k = 0; k < n; ++k) {
      v.push_back(value(k));
      s.number(row, c0 + k, v.back(), fmt);
    }
    total(row, f.money, sum(v));
    if (!what.empty()) note(row, what);
    return row++;
  };
  // A row of formulas, each written with its value at the inputs as written; returns its row.
  auto line = [&](const std::string& label, const std::function<std::string(int)>& formula, const std::function<double(int)>& value,
                  lxw_format* fmt, bool with_total, const std::string& what, std::vector<double>& v, lxw_format* label_format = nullptr) {
    s.text(row, 0, label, label_format);
    v.clear();
    for (int k = 0; k < n; ++k) {
      v.push_back(value(k));
      s.formula(row, c0 + k, formula(k), fmt, v.back());
    }
    if (with_total) total(row, fmt, sum(v));
    if (!what.empty()) note(row, what);
    return row++;
  };
  // The formulas of a year's column: the sum of rows first..last, and one row times a factor.
  auto column_sum = [&](int first, int last) {
    return [&, first, last](int k) { return "=SUM(" + cell(first, c0 + k) + ":" + cell(last, c0 + k) + ")"; };
  };
  auto times = [&](int of_row, const std::string& factor) { return [&, of_row, factor](int k) { return "=" + cell(of_row, c0 + k) + factor; }; };
  std::vector<double> scratch;

  // Investment by funder: the budget lines (inputs).
  s.text(row++, 0, "Investment: the interventions' cost (scenario minus baseline) by funder, before optimism bias", f.bold);
  std::vector<std::pair<std::string, std::string>> funders;
  for (const auto& [code, label] : kFunderRows) {
    bool any = false;
    for (const auto& fy : fys) any = any || mean_or_zero(d, arm.index, fy, "funder=" + code, "intervention_cost_gbp") != 0;
    if (any) funders.emplace_back(code, label);
  }
  if (funders.empty()) funders.push_back(kFunderRows.front());
  const int inv_first = row;
  b.inv_before.assign(static_cast<std::size_t>(n), 0.0);
  for (const auto& [code, label] : funders) {
    const std::string breakdown = "funder=" + code;
    numbers("  " + label,
            [&](int k) { return mean_or_zero(d, arm.index, fys[static_cast<std::size_t>(k)], breakdown, "intervention_cost_gbp") / kc; },
            f.input_money, "input: the model's mean over replicates (intervention_cost_gbp, funder=" + code + ")", scratch);
    for (int k = 0; k < n; ++k) b.inv_before[static_cast<std::size_t>(k)] += at(scratch, k);
  }
  const int inv_before_row = line("Investment before optimism bias", column_sum(inv_first, row - 1),
                                  [&](int k) { return at(b.inv_before, k); }, f.money, true, "", scratch, f.bold);
  std::vector<double> inv;
  const int inv_row = line("Investment", times(inv_before_row, "*(1+" + b.bias_costs + ")"),
                           [&](int k) { return at(b.inv_before, k) * (1 + b.bias_costs_value); }, f.money, true,
                           "after the optimism bias uplift", inv, f.bold);
  ++row;

  // Savings by payer (the model's).
  s.text(row++, 0, "Gross savings: baseline cost minus scenario cost, by payer, before optimism bias (the model's)", f.bold);
  const int sav_first = row;
  b.sav_before.assign(static_cast<std::size_t>(n), 0.0);
  for (const auto& [code, label] : kPublicPayerRows) {
    const std::string breakdown = "payer=" + code;
    numbers("  " + label,
            [&](int k) { return before_bias(mean_or_zero(d, arm.index, fys[static_cast<std::size_t>(k)], breakdown, "gross_savings_gbp")); },
            f.money,
            no_savings ? "zero: the scenario's optimism bias of 100% on benefits removes every saving"
                       : "mean over replicates (gross_savings_gbp, payer=" + code + ")",
            scratch);
    for (int k = 0; k < n; ++k) b.sav_before[static_cast<std::size_t>(k)] += at(scratch, k);
  }
  const int sav_before_row = line("Public gross savings before optimism bias", column_sum(sav_first, row - 1),
                                  [&](int k) { return at(b.sav_before, k); }, f.money, true, "", scratch, f.bold);
  std::vector<double> sav;
  const int sav_row = line("Public gross savings", times(sav_before_row, "*(1-" + b.bias_benefits + ")"),
                           [&](int k) { return at(b.sav_before, k) * (1 - b.bias_benefits_value); }, f.money, true,
                           "after the optimism bias reduction; the NHS, the council and public health (households' savings are not public money)",
                           sav, f.bold);
  const int cash_before_row = numbers(
      "Cashable savings before optimism bias (the model's)",
      [&](int k) { return before_bias(mean_or_zero(d, arm.index, fys[static_cast<std::size_t>(k)], "public", "cashable_savings_gbp")); },
      f.money, "the public savings in the activities the finance rules call cashable: " + join(field(fin, "cashable")), b.cash_before);
  std::vector<double> cash;
  const int cash_row = line("Cashable savings", times(cash_before_row, "*(1-" + b.bias_benefits + ")"),
                            [&](int k) { return at(b.cash_before, k) * (1 - b.bias_benefits_value); }, f.money, true, "", cash, f.bold);
  numbers("Households' savings (not counted)",
          [&](int k) { return mean_or_zero(d, arm.index, fys[static_cast<std::size_t>(k)], "payer=households", "gross_savings_gbp"); },
          f.money, "self-funded care and the like: shown for completeness, outside the public purse and the NPV", scratch);
  ++row;

  // Net benefit and present values.
  s.text(row++, 0, "Net benefit", f.bold);
  std::vector<double> net;
  const int net_row = line(
      "Net benefit, cash", [&](int k) { return "=" + cell(sav_row, c0 + k) + "-" + cell(inv_row, c0 + k); },
      [&](int k) { return at(sav, k) - at(inv, k); }, f.money, true, "public gross savings minus investment", net);
  b.net = net;
  std::vector<double> net_cash;
  const int net_cash_row = line(
      "Net benefit, cashable, cash", [&](int k) { return "=" + cell(cash_row, c0 + k) + "-" + cell(inv_row, c0 + k); },
      [&](int k) { return at(cash, k) - at(inv, k); }, f.money, true, "cashable savings minus investment", net_cash);
  std::vector<double> pv_inv;
  const int pv_inv_row = line(
      "Investment, present value", [&](int k) { return "=" + cell(inv_row, c0 + k) + "*" + cell(df_row, c0 + k); },
      [&](int k) { return at(inv, k) * at(b.df, k); }, f.money, true, "", pv_inv);
  std::vector<double> pv_sav;
  const int pv_sav_row = line(
      "Public gross savings, present value", [&](int k) { return "=" + cell(sav_row, c0 + k) + "*" + cell(df_row, c0 + k); },
      [&](int k) { return at(sav, k) * at(b.df, k); }, f.money, true, "", pv_sav);
  std::vector<double> pv_cash;
  const int pv_cash_row = line(
      "Cashable savings, present value", [&](int k) { return "=" + cell(cash_row, c0 + k) + "*" + cell(df_row, c0 + k); },
      [&](int k) { return at(cash, k) * at(b.df, k); }, f.money, true, "", pv_cash);
  std::vector<double> pv_net;
  const int pv_net_row = line(
      "Net benefit, present value", [&](int k) { return "=" + cell(net_row, c0 + k) + "*" + cell(df_row, c0 + k); },
      [&](int k) { return at(net, k) * at(b.df, k); }, f.money, true, "the total is the NPV", pv_net);
  std::vector<double> pv_net_cash;
  const int pv_net_cash_row = line(
      "Net benefit, cashable, present value", [&](int k) { return "=" + cell(net_cash_row, c0 + k) + "*" + cell(df_row, c0 + k); },
      [&](int k) { return at(net_cash, k) * at(b.df, k); }, f.money, true, "the total is the cashable NPV", pv_net_cash);
  auto cumulative = [&](const std::string& label, int of_row, const std::vector<double>& of, const std::string& what,
                        std::vector<double>& out) {
    std::vector<double> c(static_cast<std::size_t>(n), 0.0);
    for (int k = 0; k < n; ++k) c[static_cast<std::size_t>(k)] = at(of, k) + (k > 0 ? c[static_cast<std::size_t>(k - 1)] : 0.0);
    return line(
        label,
        [&, of_row](int k) { return k == 0 ? "=" + cell(of_row, c0) : "=" + cell(row, c0 + k - 1) + "+" + cell(of_row, c0 + k); },
        [&](int k) { return at(c, k); }, f.money, false, what, out);
  };
  std::vector<double> cum_inv;
  const int cum_inv_row = cumulative("Cumulative investment, present value", pv_inv_row, pv_inv, "", cum_inv);
  std::vector<double> cum;
  const int cum_row = cumulative("Cumulative net benefit, present value", pv_net_row, pv_net, "", cum);
  std::vector<double> cum_cash;
  const int cum_cash_row = cumulative("Cumulative net benefit, cashable, present value", pv_net_cash_row, pv_net_cash, "", cum_cash);
  auto broken = [&](const std::string& label, int of_row, const std::vector<double>& of, std::vector<double>& out) {
    return line(
        label,
        [&, of_row](int k) {
          return "=IF(AND(" + cell(cum_inv_row, c0 + k) + ">0," + cell(of_row, c0 + k) + ">=0),1,0)";
        },
        [&](int k) { return at(cum_inv, k) > 0 && at(of, k) >= 0 ? 1.0 : 0.0; }, f.integer, false,
        "1 once money has been invested and the cumulative present value is zero or more", out);
  };
  std::vector<double> be;
  const int be_row = broken("Broken even (1 = yes)", cum_row, cum, be);
  std::vector<double> be_cash;
  const int be_cash_row = broken("Broken even, cashable (1 = yes)", cum_cash_row, cum_cash, be_cash);
  s.text(row, 0, "Model: cumulative net benefit, present value (mean over replicates)", f.note);
  for (int k = 0; k < n; ++k)
    s.number(row, c0 + k, mean_or_zero(d, arm.index, fys[static_cast<std::size_t>(k)], "all", "cumulative_discounted_net_benefit_gbp"), f.check_money);
  note(row, "for checking: equals the cumulative net benefit above while the inputs are unchanged");
  ++row;
  {
    // The break-even year's distribution: each replicate's year (none: not within the horizon).
    std::vector<double> years;
    if (const json* r = d.series(arm.index, "break_even_year", "all"))
      for (const auto& v : field(*r, "values"))
        if (v.is_number()) years.push_back(v.get<double>());
    s.text(row, 0, "Share of replicates broken even by the year's end (the model)", f.note);
    if (d.replicates() > 0)
      for (int k = 0; k < n; ++k) {
        const int fy = b.fy[static_cast<std::size_t>(k)];
        const double by = static_cast<double>(std::count_if(years.begin(), years.end(), [&](double y) { return y <= fy; }));
        s.number(row, c0 + k, by / d.replicates(), f.percent);
      }
    note(row, "each replicate's own break-even; the median of these years is the model's break-even year below");
  }
  row += 2;

  b.fy_row = range(fy_row);
  b.df_row = range(df_row);
  b.net_row = range(net_row);
  b.inv_before_row = range(inv_before_row);
  b.sav_before_row = range(sav_before_row);
  b.cash_before_row = range(cash_before_row);
  b.pv_inv_before = 0;
  for (int k = 0; k < n; ++k) {
    b.pv_inv_before += at(b.inv_before, k) * at(b.df, k);
    b.pv_sav_before += at(b.sav_before, k) * at(b.df, k);
    b.pv_cash_before += at(b.cash_before, k) * at(b.df, k);
  }

  // The results: formulas, and the model's figures beside them.
  s.text(row, 0, "Measure", f.header);
  s.text(row, 1, "At the inputs above (formula)", f.header);
  s.text(row, 2, "Model: mean over replicates", f.header);
  s.text(row, 3, "Model: 5th percentile", f.header);
  s.text(row, 4, "Model: 95th percentile", f.header);
  s.text(row, 5, "Formula minus model", f.header);
  ++row;
  auto model = [&](int r, const std::string& outcome, lxw_format* fmt) {
    const json* x = d.row(arm.index, outcome, "all", "horizon");
    if (!x) {
      s.text(r, 2, "n/a");
      return;
    }
    s.value(r, 2, field(*x, "mean"), fmt);
    s.value(r, 3, field(*x, "p05"), fmt);
    s.value(r, 4, field(*x, "p95"), fmt);
  };
  auto difference = [&](int r, lxw_format* fmt) {
    s.formula(r, 5, "=IF(ISNUMBER(" + cell(r, 2) + ")," + cell(r, 1) + "-" + cell(r, 2) + ",\"\")", fmt, 0.0);
  };
  b.npv_value = sum(pv_net);
  b.npv_cashable_value = sum(pv_net_cash);
  s.text(row, 0, "Net present value (NPV)", f.bold);
  s.formula(row, 1, "=SUM(" + cell(pv_net_row, c0) + ":" + cell(pv_net_row, c1) + ")", f.money, b.npv_value);
  b.npv = abs_cell(row, 1);
  model(row, "npv_gbp", f.check_money);
  difference(row, f.check_money);
  ++row;
  s.text(row, 0, "NPV, cashable savings only", f.bold);
  s.formula(row, 1, "=SUM(" + cell(pv_net_cash_row, c0) + ":" + cell(pv_net_cash_row, c1) + ")", f.money, b.npv_cashable_value);
  b.npv_cashable = abs_cell(row, 1);
  model(row, "npv_cashable_gbp", f.check_money);
  difference(row, f.check_money);
  ++row;
  const double pvi = sum(pv_inv), pvs = sum(pv_sav), pvc = sum(pv_cash);
  auto roi_formula = [&](int num_row) {
    const std::string inv_sum = "SUM(" + cell(pv_inv_row, c0) + ":" + cell(pv_inv_row, c1) + ")";
    return "=IF(" + inv_sum + ">0,SUM(" + cell(num_row, c0) + ":" + cell(num_row, c1) + ")/" + inv_sum + ",\"no investment\")";
  };
  s.text(row, 0, "Return on investment: public gross savings per GBP 1 invested (present values)", f.bold);
  if (pvi > 0) {
    b.roi_value = pvs / pvi;
    s.formula(row, 1, roi_formula(pv_sav_row), f.ratio, *b.roi_value);
  } else {
    s.formula_text(row, 1, roi_formula(pv_sav_row), nullptr, "no investment");
  }
  b.roi = abs_cell(row, 1);
  model(row, "roi_gross", f.check_ratio);
  difference(row, f.check_ratio);
  ++row;
  s.text(row, 0, "Return on investment, cashable savings", f.bold);
  if (pvi > 0) {
    b.roi_cashable_value = pvc / pvi;
    s.formula(row, 1, roi_formula(pv_cash_row), f.ratio, *b.roi_cashable_value);
  } else {
    s.formula_text(row, 1, roi_formula(pv_cash_row), nullptr, "no investment");
  }
  b.roi_cashable = abs_cell(row, 1);
  model(row, "roi_cashable", f.check_ratio);
  difference(row, f.check_ratio);
  ++row;
  auto break_even = [&](const std::string& label, int flag_row, const std::vector<double>& flags, const std::string& outcome,
                        const std::string& share_breakdown) {
    s.text(row, 0, label, f.bold);
    std::string value = "not within the horizon";
    for (int k = 0; k < n; ++k)
      if (at(flags, k) == 1.0) {
        value = fys[static_cast<std::size_t>(k)];
        break;
      }
    s.formula_text(row, 1,
                   "=IFERROR(INDEX(" + cell(label_row, c0) + ":" + cell(label_row, c1) + ",MATCH(1," + cell(flag_row, c0) + ":" +
                       cell(flag_row, c1) + ",0)),\"not within the horizon\")",
                   nullptr, value);
    const json* x = d.row(arm.index, outcome, "all", "horizon");
    s.text(row, 2, x ? "median " + break_even_label(field(*x, "median")) : "not within the horizon");
    if (x) {
      s.text(row, 3, break_even_label(field(*x, "p05")));
      s.text(row, 4, break_even_label(field(*x, "p95")));
    }
    const json* share = d.row(arm.index, "break_even_within_horizon", share_breakdown, "horizon");
    if (share && number_of(field(*share, "mean")))
      s.text(row, 5, format_percent(*number_of(field(*share, "mean"))) + " of replicates break even within the horizon", f.note);
    ++row;
    return value;
  };
  b.break_even_value = break_even("Break-even year (the mean cash flows above)", be_row, be, "break_even_year", "all");
  b.break_even = abs_cell(row - 1, 1);
  break_even("Break-even year, cashable", be_cash_row, be_cash, "break_even_year_cashable", "cashable");
  s.text(row++, 0,
         "The formulas are the model's own arithmetic over its mean cash flows: with the inputs as written, NPV and ROI equal the "
         "model's means (the mean of a sum is the sum of the means; the model's ROI is a ratio of means). The break-even year "
         "of the mean flows can differ from the replicates' median.",
         f.note);
  ++row;

  // Charts: the flows by year, and the cumulative present value.
  {
    lxw_chart* flows = s.chart(LXW_CHART_COLUMN);
    for (const auto& [r, name] : std::vector<std::pair<int, std::string>>{{inv_row, "Investment"}, {sav_row, "Public gross savings"},
                                                                         {cash_row, "Cashable savings"}}) {
      lxw_chart_series* series = chart_add_series(flows, nullptr, nullptr);
      chart_series_set_categories(series, kCashFlowSheet, static_cast<lxw_row_t>(label_row), static_cast<lxw_col_t>(c0),
                                  static_cast<lxw_row_t>(label_row), static_cast<lxw_col_t>(c1));
      chart_series_set_values(series, kCashFlowSheet, static_cast<lxw_row_t>(r), static_cast<lxw_col_t>(c0), static_cast<lxw_row_t>(r),
                              static_cast<lxw_col_t>(c1));
      chart_series_set_name(series, name.c_str());
    }
    // Fixed text first: a title beginning with '=' would be read as a cell reference.
    const std::string title = "Investment and savings by year (cash, part years as part years): " + arm.name;
    chart_title_set_name(flows, title.c_str());
    chart_axis_set_name(flows->x_axis, "Financial year");
    chart_axis_set_name(flows->y_axis, "GBP, price base year's prices");
    chart_axis_set_num_format(flows->y_axis, "£#,##0");
    chart_legend_set_position(flows, LXW_CHART_LEGEND_BOTTOM);
    lxw_chart* cumul = s.chart(LXW_CHART_LINE);
    for (const auto& [r, name] : std::vector<std::pair<int, std::string>>{{cum_row, "Cumulative net benefit, present value"},
                                                                         {cum_cash_row, "Cumulative net benefit, cashable"}}) {
      lxw_chart_series* series = chart_add_series(cumul, nullptr, nullptr);
      chart_series_set_categories(series, kCashFlowSheet, static_cast<lxw_row_t>(label_row), static_cast<lxw_col_t>(c0),
                                  static_cast<lxw_row_t>(label_row), static_cast<lxw_col_t>(c1));
      chart_series_set_values(series, kCashFlowSheet, static_cast<lxw_row_t>(r), static_cast<lxw_col_t>(c0), static_cast<lxw_row_t>(r),
                              static_cast<lxw_col_t>(c1));
      chart_series_set_name(series, name.c_str());
      chart_series_set_marker_type(series, LXW_CHART_MARKER_CIRCLE);
    }
    const std::string title2 = "Break-even (cumulative present value crosses zero): " + arm.name;
    chart_title_set_name(cumul, title2.c_str());
    chart_axis_set_name(cumul->x_axis, "Financial year");
    chart_axis_set_name(cumul->y_axis, "GBP, present value");
    chart_axis_set_num_format(cumul->y_axis, "£#,##0");
    chart_legend_set_position(cumul, LXW_CHART_LEGEND_BOTTOM);
    s.insert_chart(row, 0, flows, 0);
    s.insert_chart(row, 1, cumul, 30);
    row += 17;
  }
  return b;
}

std::vector<CashFlowBlock> write_cash_flow(Sheet& s, const Document& d, const Formats& f) {
  s.width(0, 0, 60);
  s.width(1, 1, 18);
  const int n = static_cast<int>(d.financial_years().size());
  s.width(2, 1 + n, 16);
  s.width(2 + n, 2 + n, 60);
  int row = 0;
  s.text(row++, 0, "Cash flow, NPV, ROI and break-even: the finance model", f.title);
  s.text(row++, 0,
         "By financial year (April to March; a run's first and last years are part years). GBP at the price base year's prices, "
         "means over replicates. Investment is the interventions' cost, scenario minus baseline, by funder; savings are the "
         "baseline's cost minus the scenario's, by payer. NPV, ROI and break-even are formulas over these cells.",
         f.note);
  ++row;
  std::vector<CashFlowBlock> blocks;
  if (n == 0) {
    s.text(row, 0, "The comparison has no financial years: there is no cash flow to show.", f.note);
    return blocks;
  }
  for (const auto* arm : d.scenarios()) blocks.push_back(write_cash_flow_block(s, d, f, *arm, row));
  s.freeze(0, 1);
  worksheet_set_landscape(s.handle());
  worksheet_fit_to_pages(s.handle(), 1, 0);
  return blocks;
}

// ---------------------------------------------------------------------------------------------
// Summary: the scenarios side by side
// ---------------------------------------------------------------------------------------------

struct SideRow {
  std::string label, outcome, breakdown;
  Kind kind;
  lxw_format* Formats::*format;
};

const std::vector<SideRow>& side_rows() {
  static const std::vector<SideRow> rows{
      {"Investment, present value", "intervention_cost_discounted_gbp", "all", Kind::value, &Formats::money},
      {"Public gross savings, present value", "gross_savings_discounted_gbp", "public", Kind::value, &Formats::money},
      {"Cashable savings, present value", "cashable_savings_discounted_gbp", "public", Kind::value, &Formats::money},
      {"Net present value (NPV)", "npv_gbp", "all", Kind::value, &Formats::money},
      {"NPV, cashable savings only", "npv_cashable_gbp", "all", Kind::value, &Formats::money},
      {"Return on investment (GBP saved per GBP 1 invested)", "roi_gross", "all", Kind::value, &Formats::ratio},
      {"Return on investment, cashable", "roi_cashable", "all", Kind::value, &Formats::ratio},
      {"Chance the return is above GBP 1 per GBP 1", "roi_gross_above_1", "all", Kind::probability, &Formats::percent},
      {"Break-even year (median, 5th and 95th percentiles)", "break_even_year", "all", Kind::year, &Formats::year},
      {"Chance of breaking even within the horizon", "break_even_within_horizon", "all", Kind::probability, &Formats::percent},
      {"QALYs gained (discounted)", "qalys_gained_discounted", "all", Kind::value, &Formats::quantity},
      {"Deaths averted", "deaths_averted", "all", Kind::value, &Formats::quantity},
      {"Equity: QALYs gained per 100,000, most minus least deprived fifth", "equity_gain_qalys_per_100k", "all", Kind::value,
       &Formats::quantity},
      {"Change in the life expectancy gap at birth, years (negative: narrower)", "le_gap_birth_change_years", "sex=persons",
       Kind::value, &Formats::decimal},
      {"Cost per QALY gained", "cost_per_qaly_gbp", "all", Kind::value, &Formats::money},
  };
  return rows;
}

void write_side_by_side(Sheet& s, const Document& d, const Formats& f, const std::vector<CashFlowBlock>& blocks, int& row) {
  const auto scenarios = d.scenarios();
  const int S = static_cast<int>(scenarios.size());
  s.text(row++, 0, "The scenarios side by side: whole horizon, each compared with " + d.baseline().name, f.section);
  s.text(row, 0, "Measure", f.header);
  for (int k = 0; k < S; ++k) {
    s.text(row, 1 + 3 * k, scenarios[static_cast<std::size_t>(k)]->name, f.header);
    s.text(row, 2 + 3 * k, "", f.header);
    s.text(row, 3 + 3 * k, "", f.header);
  }
  ++row;
  s.text(row, 0, "", f.header);
  for (int k = 0; k < S; ++k) {
    s.text(row, 1 + 3 * k, "Mean", f.header);
    s.text(row, 2 + 3 * k, "5th percentile", f.header);
    s.text(row, 3 + 3 * k, "95th percentile", f.header);
  }
  ++row;
  for (const SideRow& m : side_rows()) {
    s.text(row, 0, m.label);
    for (int k = 0; k < S; ++k) {
      const json* x = d.row(scenarios[static_cast<std::size_t>(k)]->index, m.outcome, m.breakdown, "horizon");
      const int col = 1 + 3 * k;
      if (!x) {
        if (m.kind == Kind::year && d.row(scenarios[static_cast<std::size_t>(k)]->index, "break_even_within_horizon", "all", "horizon"))
          s.text(row, col, "not within the horizon");
        else
          s.text(row, col, "n/a");
        continue;
      }
      switch (m.kind) {
        case Kind::value: {
          const auto n = number_of(field(*x, "n"));
          s.value(row, col, field(*x, "mean"), f.*m.format);
          if (!n || static_cast<int>(*n) >= kMinIntervalReplicates) {
            s.value(row, col + 1, field(*x, "p05"), f.*m.format);
            s.value(row, col + 2, field(*x, "p95"), f.*m.format);
          } else {
            s.text(row, col + 1, "too few replicates");
          }
          break;
        }
        case Kind::probability: s.value(row, col, field(*x, "mean"), f.percent); break;
        case Kind::year:
          s.text(row, col, break_even_label(field(*x, "median")));
          s.text(row, col + 1, break_even_label(field(*x, "p05")));
          s.text(row, col + 2, break_even_label(field(*x, "p95")));
          break;
      }
    }
    ++row;
  }
  // The same at the finance lead's own inputs (the Cash flow sheet's formulas).
  for (const auto& [label, member, fmt] : std::vector<std::tuple<std::string, std::string CashFlowBlock::*, lxw_format*>>{
           {"NPV at the Cash flow sheet's inputs (formula)", &CashFlowBlock::npv, f.money},
           {"Return on investment at the Cash flow sheet's inputs (formula)", &CashFlowBlock::roi, f.ratio},
           {"Break-even year at the Cash flow sheet's inputs (formula)", &CashFlowBlock::break_even, nullptr}}) {
    s.text(row, 0, label, f.bold);
    for (int k = 0; k < S && k < static_cast<int>(blocks.size()); ++k) {
      const CashFlowBlock& b = blocks[static_cast<std::size_t>(k)];
      const std::string ref = "=" + on_cash_flow(b.*member);
      if (member == &CashFlowBlock::npv) s.formula(row, 1 + 3 * k, ref, fmt, b.npv_value);
      else if (member == &CashFlowBlock::roi && b.roi_value) s.formula(row, 1 + 3 * k, ref, fmt, *b.roi_value);
      else if (member == &CashFlowBlock::roi) s.formula_text(row, 1 + 3 * k, ref, nullptr, "no investment");
      else s.formula_text(row, 1 + 3 * k, ref, nullptr, b.break_even_value);
    }
    ++row;
  }
  s.text(row++, 0,
         "Means and 90% intervals over replicates (common random numbers: replicate k of every arm shares its random numbers). "
         "The formula rows follow the Cash flow sheet: change its discount rate, optimism bias or investment lines and they move.",
         f.note);
  ++row;
}

// ---------------------------------------------------------------------------------------------
// Sensitivity: optimism bias, the discount rate, the tornado and switching values
// ---------------------------------------------------------------------------------------------

void write_sensitivity(Book& book, Sheet& s, const Document& d, const Formats& f, const std::vector<CashFlowBlock>& blocks) {
  s.width(0, 0, 48);
  s.width(1, 9, 17);
  int row = 0;
  s.text(row++, 0, "Sensitivity", f.title);
  s.text(row++, 0,
         "How the NPV moves with the finance rules (formulas over the Cash flow sheet: the yellow cells here are inputs too) and with "
         "the model's uncertain parameters (the one-way sensitivity over the replicates' draws: the tornado).",
         f.note);
  ++row;
  const std::vector<double> uplifts{0.0, 0.1, 0.2, 0.4, 0.66}, reductions{0.0, 0.1, 0.2, 0.3, 0.5};
  const std::vector<double> rates{0.0, 0.015, 0.035, 0.05, 0.07};
  for (const CashFlowBlock& b : blocks) {
    s.text(row++, 0, b.arm->name + " compared with " + d.baseline().name, f.section);
    // Optimism bias: the NPV for an uplift on costs (rows) x a reduction of savings (columns).
    s.text(row++, 0,
           "NPV by optimism bias: an uplift on the investment (rows) and a reduction of the savings (columns); Green Book "
           "supplementary guidance puts the upper bound for non-standard projects' costs at 66%",
           f.bold);
    const int head = row;
    s.text(row, 0, "Uplift on investment \\ reduction of savings", f.header);
    for (std::size_t j = 0; j < reductions.size(); ++j) s.number(row, 1 + static_cast<int>(j), reductions[j], f.input_percent);
    ++row;
    const std::string pv_sav = "SUMPRODUCT(" + on_cash_flow(b.sav_before_row) + "," + on_cash_flow(b.df_row) + ")";
    const std::string pv_inv = "SUMPRODUCT(" + on_cash_flow(b.inv_before_row) + "," + on_cash_flow(b.df_row) + ")";
    for (double u : uplifts) {
      s.number(row, 0, u, f.input_percent);
      for (std::size_t j = 0; j < reductions.size(); ++j) {
        const int col = 1 + static_cast<int>(j);
        const double v = b.pv_sav_before * (1 - reductions[j]) - b.pv_inv_before * (1 + u);
        s.formula(row, col, "=" + pv_sav + "*(1-" + abs_cell(head, col) + ")-" + pv_inv + "*(1+" + abs_cell(row, 0) + ")", f.money, v);
      }
      ++row;
    }
    s.text(row++, 0, "At the Cash flow sheet's discount rate; the scenario's own bias is in its inputs there.", f.note);
    ++row;
    // The discount rate.
    s.text(row++, 0, "NPV by discount rate for costs (at the Cash flow sheet's optimism bias)", f.bold);
    s.text(row, 0, "Discount rate", f.header);
    s.text(row, 1, "NPV", f.header);
    ++row;
    for (double r : rates) {
      s.number(row, 0, r, f.input_percent);
      double v = 0;
      for (std::size_t k = 0; k < b.net.size(); ++k) v += b.net[k] * std::pow(1 + r, -static_cast<double>(b.fy[k] - b.base_value));
      s.formula(row, 1,
                "=SUMPRODUCT(" + on_cash_flow(b.net_row) + "/(1+" + abs_cell(row, 0) + ")^(" + on_cash_flow(b.fy_row) + "-" +
                    on_cash_flow(b.base) + "))",
                f.money, v);
      ++row;
    }
    s.text(row++, 0, "HM Treasury's Green Book rate is 3.5% (1.5% for health); 0% shows the undiscounted total.", f.note);
    ++row;

    // The tornado: the model's one-way sensitivity, largest swing first.
    struct Bar {
      std::string parameter;
      std::optional<double> low, high, npv_low, npv_high, share, switching;
    };
    std::vector<Bar> bars;
    for (const auto& bd : d.breakdowns(b.arm->index, "sensitivity_share")) {
      Bar bar;
      bar.parameter = bd.substr(bd.find('=') + 1);
      auto mean = [&](const char* outcome) -> std::optional<double> {
        const Stat* st = d.stat(b.arm->index, "horizon", bd, outcome);
        return st ? st->mean : std::nullopt;
      };
      bar.share = mean("sensitivity_share");
      bar.low = mean("sensitivity_parameter_low");
      bar.high = mean("sensitivity_parameter_high");
      bar.npv_low = mean("sensitivity_npv_low_gbp");
      bar.npv_high = mean("sensitivity_npv_high_gbp");
      bar.switching = mean("switching_value");
      bars.push_back(bar);
    }
    auto swing = [](const Bar& x) { return x.npv_low && x.npv_high ? std::abs(*x.npv_high - *x.npv_low) : 0.0; };
    std::stable_sort(bars.begin(), bars.end(), [&](const Bar& x, const Bar& y) { return swing(x) > swing(y); });
    s.text(row++, 0, "The tornado: NPV with one parameter at its 5th and 95th percentiles (the others as drawn)", f.bold);
    if (bars.empty()) {
      s.text(row++, 0,
             "No parameter explains a significant share of the NPV's variance in this comparison (too few replicates, or no drawn "
             "parameters: a comparison with --replicates 20 or more draws them).",
             f.note);
      ++row;
      continue;
    }
    const std::vector<std::string> header{"Parameter", "Value at 5th percentile", "Value at 95th percentile", "NPV at 5th percentile",
                                          "NPV at 95th percentile", "Swing", "Share of the NPV's variance", "Switching value"};
    for (std::size_t k = 0; k < header.size(); ++k) s.text(row, static_cast<int>(k), header[k], f.header);
    ++row;
    const int first = row;
    for (const Bar& x : bars) {
      s.text(row, 0, x.parameter);
      if (x.low) s.number(row, 1, *x.low, f.decimal);
      if (x.high) s.number(row, 2, *x.high, f.decimal);
      if (x.npv_low) s.number(row, 3, *x.npv_low, f.money);
      if (x.npv_high) s.number(row, 4, *x.npv_high, f.money);
      s.formula(row, 5, "=ABS(" + cell_name(row, 4) + "-" + cell_name(row, 3) + ")", f.money, swing(x));
      if (x.share) s.number(row, 6, *x.share, f.percent);
      if (x.switching) s.number(row, 7, *x.switching, f.decimal);
      else s.text(row, 7, "does not switch within its range", f.note);
      ++row;
    }
    const int last = row - 1;
    lxw_chart* chart = s.chart(LXW_CHART_BAR);
    for (const auto& [col, name] : std::vector<std::pair<int, std::string>>{{3, "NPV at the parameter's 5th percentile"},
                                                                           {4, "NPV at the parameter's 95th percentile"}}) {
      lxw_chart_series* series = chart_add_series(chart, nullptr, nullptr);
      chart_series_set_categories(series, "Sensitivity", static_cast<lxw_row_t>(first), 0, static_cast<lxw_row_t>(last), 0);
      chart_series_set_values(series, "Sensitivity", static_cast<lxw_row_t>(first), static_cast<lxw_col_t>(col),
                              static_cast<lxw_row_t>(last), static_cast<lxw_col_t>(col));
      chart_series_set_name(series, name.c_str());
    }
    const std::string title = "NPV's one-way sensitivity: " + b.arm->name;
    chart_title_set_name(chart, title.c_str());
    chart_axis_set_name(chart->x_axis, "NPV, GBP present value");
    chart_axis_set_num_format(chart->x_axis, "£#,##0");
    chart_axis_set_reverse(chart->y_axis);
    chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
    s.insert_chart(row + 1, 0, chart, 0);
    row += 19;
  }
  (void)book;
  s.text(row++, 0, "Every sensitivity figure, and the value of information, with its interval", f.section);
  write_tidy(s, d, f, kSensitivity, row);
  s.freeze(0, 1);
}

void write_summary(Sheet& s, const Document& d, const Formats& f, const std::vector<SheetGuide>& guide,
                   const std::vector<CashFlowBlock>& blocks) {
  s.width(0, 0, 62);
  s.width(1, 1 + 3 * std::max<int>(1, static_cast<int>(d.scenarios().size())), 16);
  const auto scenarios = d.scenarios();
  const std::string first = d.periods().empty() ? "" : d.periods().front();
  const auto fys = d.financial_years();
  const std::string last = fys.empty() ? "" : fys.back();
  int row = 0;
  if (d.single()) {
    s.text(row++, 0, "ShiftSim results: " + d.baseline().name + " (a single run)", f.title);
  } else {
    std::string names;
    for (const auto* a : scenarios) names += (names.empty() ? "" : ", ") + a->name;
    s.text(row++, 0, "ShiftSim results: " + names + " compared with " + d.baseline().name, f.title);
  }
  s.text(row++, 0,
         "Comparison " + text_of(d.doc(), "comparison_id") + ", created " + text_of(d.doc(), "created_at") +
             ". Figures are means over replicates with 90% intervals; money in GBP at the price base year's prices (Assumptions: finance rules).",
         f.note);
  ++row;
  auto info = [&](const std::string& label, const std::string& value) {
    s.text(row, 0, label, f.bold);
    s.text(row, 1, value);
    ++row;
  };
  info("Comparison", text_of(d.doc(), "comparison_id"));
  if (d.single()) {
    info("Run", d.baseline().title() + ": a single run, with no baseline to compare with, so no savings, ROI or NPV");
  } else {
    info("Baseline", d.baseline().title());
    for (std::size_t k = 0; k < scenarios.size(); ++k)
      info(k == 0 ? (scenarios.size() > 1 ? "Scenarios" : "Scenario") : "", scenarios[k]->title());
  }
  s.text(row, 0, "Replicates", f.bold);
  s.number(row++, 1, d.replicates(), f.integer);
  const json& prov = field(d.doc(), "provenance");
  info("Horizon", first + " to " + last + (number_of(field(prov, "years")) ? " (" + text_of(prov, "years") + " years)" : ""));
  const bool crn = field(d.doc(), "common_random_numbers").is_boolean() && field(d.doc(), "common_random_numbers").get<bool>();
  info("90% interval",
       std::string("5th–95th percentile over replicates") + (crn && !d.single() ? ", common random numbers" : ""));
  const json& fin = d.finance();
  if (const auto base = number_of(field(fin, "price_base_year"))) {
    const std::string fy = financial_year_label(static_cast<int>(*base));
    info("Money", "GBP at " + fy + " prices; present values discounted at " + percent_text(field(fin, "discount_rate_costs")) +
                      " a year (costs) and " + percent_text(field(fin, "discount_rate_health")) + " (health) to " + fy +
                      (scenarios.size() > 1 ? " (each scenario's own finance rules: see Assumptions)" : ""));
  }
  if (const auto scale = number_of(field(prov, "scale")); scale && *scale > 0)
    info("Scale", text_of(prov, "scale") + " (one simulated person per " +
                      std::to_string(static_cast<long>(std::lround(1.0 / *scale))) + " residents)");
  ++row;
  if (!d.single()) write_side_by_side(s, d, f, blocks, row);
  s.text(row++, 0, "The other sheets", f.section);
  for (const auto& g : guide) {
    s.text(row, 0, g.name, f.bold);
    s.text(row++, 1, g.what);
  }
  s.freeze(2, 0);
  worksheet_set_landscape(s.handle());
  worksheet_fit_to_pages(s.handle(), 1, 0);
}

/// Each scenario's headline figures in full (mean, median, 90% interval, unit, n, notes), then
/// each arm's own figures: the detail behind the Summary's side-by-side table.
void write_detail(Sheet& s, const Document& d, const Formats& f) {
  s.width(0, 0, 62);
  s.width(1, 4, 16);
  s.width(5, 5, 34);
  s.width(6, 6, 5);
  s.width(7, 7, 60);
  const auto scenarios = d.scenarios();
  const std::string first = d.periods().empty() ? "" : d.periods().front();
  const auto fys = d.financial_years();
  const std::string last = fys.empty() ? "" : fys.back();
  int row = 0;
  s.text(row++, 0, "Detail by scenario", f.title);
  s.text(row++, 0, "Every headline figure with its mean, median, 90% interval, unit and the replicates behind it.", f.note);
  ++row;
  for (const auto* arm : scenarios) {
    if (d.has_plan()) {
      // A run longer than the plan: the plan's own figures first (as a run of its length would
      // give them), then the whole run's, which answer when the investment pays back.
      s.text(row++, 0,
             arm->name + " compared with " + d.baseline().name + ": the plan, its first " + std::to_string(d.plan_years()) + " years",
             f.section);
      row = write_measures(s, d, f, *arm, scenario_measures(d, *arm), row, kPlanPeriod);
      ++row;
    }
    s.text(row++, 0, arm->name + " compared with " + d.baseline().name + ", " + first + " to " + last + (d.has_plan() ? " (the pay-back)" : ""),
           f.section);
    row = write_measures(s, d, f, *arm, scenario_measures(d, *arm), row);
    ++row;
  }
  s.text(row++, 0, d.single() ? "The run over the whole horizon" : "Each arm's own figures over the whole horizon", f.section);
  for (const auto& arm : d.arms()) {
    s.text(row++, 0, arm.title() + (arm.role.empty() ? "" : ", " + arm.role), f.bold);
    row = write_measures(s, d, f, arm, arm_measures(), row);
    ++row;
  }
  s.freeze(3, 0);
}

// ---------------------------------------------------------------------------------------------
// Per replicate
// ---------------------------------------------------------------------------------------------

struct SeriesColumn {
  const Arm* arm;
  std::string label, outcome, breakdown;
};

void write_per_replicate(Sheet& s, const Document& d, const Formats& f) {
  std::vector<std::tuple<std::string, std::string, std::string>> difference, own;
  for (const auto& h : headlines_shown(scenario_headlines(), kShowPerReplicate)) difference.emplace_back(h.label, h.outcome, h.breakdown);
  for (const auto& h : headlines_shown(arm_headlines(), kShowPerReplicate)) own.emplace_back(h.label, h.outcome, h.breakdown);
  std::vector<SeriesColumn> columns;
  for (const auto* arm : d.scenarios())
    for (const auto& [label, outcome, breakdown] : difference)
      if (d.series(arm->index, outcome, breakdown) || is_break_even(outcome)) columns.push_back({arm, label, outcome, breakdown});
  for (const auto& arm : d.arms())
    for (const auto& [label, outcome, breakdown] : own)
      if (d.series(arm.index, outcome, breakdown)) columns.push_back({&arm, label, outcome, breakdown});
  // Break-even columns only where the document has the outcome for that arm at all.
  columns.erase(std::remove_if(columns.begin(), columns.end(),
                               [&](const SeriesColumn& c) {
                                 return is_break_even(c.outcome) && !d.series(c.arm->index, c.outcome, c.breakdown) &&
                                        !d.row(c.arm->index, "break_even_within_horizon", "all", "horizon");
                               }),
                columns.end());

  int replicates = d.replicates();
  for (const auto& c : columns)
    if (const json* r = d.series(c.arm->index, c.outcome, c.breakdown)) {
      replicates = std::max(replicates, static_cast<int>(field(*r, "values").size()));
      for (const json& k : field(*r, "replicates"))
        if (k.is_number_integer()) replicates = std::max(replicates, k.get<int>() + 1);
    }

  const int top = 4;  // header rows: scenario, measure, outcome [breakdown], unit
  s.width(0, 0, 11);
  s.width(1, static_cast<int>(columns.size()), 17);
  s.text(0, 0, "Scenario", f.header);
  s.text(1, 0, "Measure", f.header);
  s.text(2, 0, "Outcome", f.header);
  s.text(3, 0, "Replicate", f.header);
  for (int k = 0; k < replicates; ++k) s.number(top + k, 0, k, f.integer);
  for (std::size_t j = 0; j < columns.size(); ++j) {
    const SeriesColumn& c = columns[j];
    const int col = static_cast<int>(j) + 1;
    s.text(0, col, c.arm->name + (c.arm->scenario() && d.scope(c.outcome) == "difference" ? " vs " + d.baseline().name : ""),
           f.header);
    s.text(1, col, c.label, f.header);
    s.text(2, col, c.outcome + " [" + c.breakdown + "]", f.header);
    const std::string unit = d.unit(c.outcome);
    s.text(3, col, unit, f.header);
    lxw_format* fmt = f.for_unit(unit);
    std::vector<bool> written(static_cast<std::size_t>(std::max(replicates, 0)), false);
    if (const json* r = d.series(c.arm->index, c.outcome, c.breakdown)) {
      const json& values = field(*r, "values");
      const json& index = field(*r, "replicates");
      for (std::size_t k = 0; k < values.size(); ++k) {
        const int rep =
            index.is_array() && k < index.size() && index[k].is_number_integer() ? index[k].get<int>() : static_cast<int>(k);
        if (rep < 0 || rep >= replicates) continue;
        if (s.value(top + rep, col, values[k], fmt)) written[static_cast<std::size_t>(rep)] = true;
      }
    }
    if (is_break_even(c.outcome))
      for (int k = 0; k < replicates; ++k)
        if (!written[static_cast<std::size_t>(k)]) s.text(top + k, col, "not within the horizon");
  }
  s.text(top + replicates + 1, 0,
         "One row per replicate (replicate k of every arm shares its random numbers). A blank cell: no value in that replicate "
         "(ROI: "
         "no intervention cost; cost per QALY: no QALYs gained; life expectancy: too few deaths for a life table). Every horizon "
         "outcome per replicate is in the CSV export.",
         f.note);
  s.freeze(top, 1);
}

// ---------------------------------------------------------------------------------------------
// Assumptions
// ---------------------------------------------------------------------------------------------


std::string effects_text(const json& effects) {
  if (!effects.is_object()) return as_text(effects);
  std::string out;
  for (const auto& [key, e] : effects.items()) {
    std::string one = key + ": " + (e.is_object() ? text_of(e, "distribution") : as_text(e));
    if (e.is_object() && number_of(field(e, "mean"))) one += ", mean " + text_of(e, "mean");
    if (e.is_object() && number_of(field(e, "share_of_rate"))) one += ", share of the rate " + text_of(e, "share_of_rate");
    out += (out.empty() ? "" : "; ") + one;
  }
  return out;
}

void header_row(Sheet& s, const Formats& f, int row, const std::vector<std::string>& header) {
  for (std::size_t k = 0; k < header.size(); ++k) s.text(row, static_cast<int>(k), header[k], f.header);
}

void write_assumptions(Sheet& s, const Document& d, const Formats& f) {
  s.width(0, 0, 46);
  s.width(1, 3, 20);
  s.width(4, 12, 14);
  s.width(13, 13, 70);
  int row = 0;
  s.text(row++, 0, "Assumptions", f.title);
  s.text(row++, 0,
         "Each arm's scenario, finance rules, interventions and parameter overrides; then the parameter values of the baseline's "
         "first "
         "replicate (replicate 0: uncertain parameters are drawn afresh in each replicate from the distribution shown).",
         f.note);
  ++row;

  s.text(row++, 0, "Arms and their finance rules", f.section);
  header_row(s, f, row++,
             {"Scenario", "Role", "Run id", "Price base (financial year starting)", "Discount rate, costs",
              "Discount rate, health", "Reinvested share of cashable savings", "Inflation", "Cashable activities",
              "Reinvested from", "Scenario file", "", "", "Description"});
  for (const auto& arm : d.arms()) {
    const json& a = *arm.source;
    const json& fin = field(a, "finance");
    s.text(row, 0, arm.name);
    s.text(row, 1, arm.role);
    s.number(row, 2, static_cast<double>(arm.run_id), f.year);
    s.value(row, 3, field(fin, "price_base_year"), f.year);
    s.value(row, 4, field(fin, "discount_rate_costs"), f.percent1);
    s.value(row, 5, field(fin, "discount_rate_health"), f.percent1);
    s.value(row, 6, field(fin, "reinvest_share"), f.percent);
    s.value(row, 7, field(fin, "inflation"), f.percent1);
    s.text(row, 8, join(field(fin, "cashable")), f.wrap);
    s.text(row, 9, join(field(fin, "reinvest_from")), f.wrap);
    s.text(row, 10, text_of(a, "scenario_path"), f.wrap);
    s.text(row, 13, text_of(a, "description"), f.wrap);
    ++row;
  }
  ++row;

  s.text(row++, 0, "Interventions", f.section);
  header_row(
      s, f, row++,
      {"Scenario: intervention", "Type", "Shifts", "Reach", "Start", "End", "Unit cost (GBP)", "Unit cost basis", "Max uptake",
       "Ramp-up (months)", "Effect half-life (months)", "Budget total (GBP)", "", "Effects; budget by funder"});
  bool any_intervention = false;
  for (const auto& arm : d.arms())
    for (const json& iv : field(*arm.source, "interventions")) {
      any_intervention = true;
      s.text(row, 0, arm.name + ": " + text_of(iv, "name"), f.wrap);
      s.text(row, 1, text_of(iv, "type"), f.wrap);
      s.text(row, 2, join(field(iv, "shifts")));
      s.text(row, 3, text_of(iv, "reach"));
      s.text(row, 4, text_of(iv, "start_month"));
      s.text(row, 5, text_of(iv, "end_month"));
      s.value(row, 6, field(iv, "unit_cost_gbp"), f.money_pence);
      s.text(row, 7, text_of(iv, "unit_cost_basis"), f.wrap);
      s.value(row, 8, field(iv, "max_uptake"), f.percent1);
      s.value(row, 9, field(iv, "ramp_up_months"), f.integer);
      s.value(row, 10, field(iv, "effect_half_life_months"), f.quantity);
      s.value(row, 11, field(iv, "budget_gbp_total"), f.money);
      std::string funders;
      if (field(iv, "budget_by_funder_gbp").is_object())
        for (const auto& [funder, gbp] : field(iv, "budget_by_funder_gbp").items())
          funders += (funders.empty() ? "" : ", ") + funder + " " + (number_of(gbp) ? gbp_text(*number_of(gbp)) : as_text(gbp));
      s.text(
          row, 13,
          "Effects: " + effects_text(field(iv, "effects")) + ". Budget by funder: " + (funders.empty() ? "none" : funders) + ".",
          f.wrap);
      ++row;
    }
  if (!any_intervention) s.text(row++, 0, "No arm has interventions.", f.note);
  ++row;

  // Budgets by financial year: intervention x funder rows, a column per financial year.
  std::vector<std::string> years;
  for (const auto& arm : d.arms())
    for (const json& iv : field(*arm.source, "interventions"))
      if (field(iv, "budget_gbp_by_financial_year").is_object())
        for (const auto& [fy, by] : field(iv, "budget_gbp_by_financial_year").items())
          if (std::find(years.begin(), years.end(), fy) == years.end()) years.push_back(fy);
  std::sort(years.begin(), years.end());
  if (!years.empty()) {
    s.text(row++, 0, "Intervention budgets by financial year (GBP, the model's 2018/19 prices)", f.section);
    std::vector<std::string> header{"Scenario: intervention", "Funder"};
    for (const auto& y : years)
      header.push_back(std::isdigit(static_cast<unsigned char>(y.front())) ? financial_year_label(std::stoi(y)) : y);
    header.push_back("Total");
    header_row(s, f, row++, header);
    for (const auto& arm : d.arms())
      for (const json& iv : field(*arm.source, "interventions")) {
        const json& by_year = field(iv, "budget_gbp_by_financial_year");
        if (!by_year.is_object()) continue;
        std::vector<std::string> funders;
        for (const auto& [fy, by] : by_year.items())
          if (by.is_object())
            for (const auto& [funder, gbp] : by.items())
              if (std::find(funders.begin(), funders.end(), funder) == funders.end()) funders.push_back(funder);
        for (const auto& funder : funders) {
          s.text(row, 0, arm.name + ": " + text_of(iv, "name"), f.wrap);
          s.text(row, 1, funder);
          double total = 0;
          for (std::size_t k = 0; k < years.size(); ++k) {
            const auto gbp = number_of(field(field(by_year, years[k].c_str()), funder.c_str()));
            if (!gbp) continue;
            s.number(row, static_cast<int>(k) + 2, *gbp, f.money);
            total += *gbp;
          }
          s.number(row, static_cast<int>(years.size()) + 2, total, f.money);
          ++row;
        }
      }
    ++row;
  }

  s.text(row++, 0, "Parameter overrides (the scenario's own values)", f.section);
  header_row(s, f, row++, {"Parameter", "Value", "Scenario"});
  bool any_override = false;
  for (const auto& arm : d.arms()) {
    const json& overrides = field(*arm.source, "parameter_overrides");
    if (!overrides.is_object()) continue;
    for (const auto& [name, value] : overrides.items()) {
      any_override = true;
      s.text(row, 0, name);
      if (!s.value(row, 1, value, nullptr)) s.text(row, 1, as_text(value));
      s.text(row, 2, arm.name);
      ++row;
    }
  }
  if (!any_override) s.text(row++, 0, "No arm overrides a parameter.", f.note);
  ++row;

  s.text(row++, 0, "Parameters (baseline, replicate 0)", f.section);
  header_row(s, f, row++, {"Name", "Value", "Unit", "Uncertainty", "Derived", "Source"});
  for (const json& p : field(d.doc(), "assumptions")) {
    s.text(row, 0, text_of(p, "name"));
    if (!s.value(row, 1, field(p, "value"), nullptr)) s.text(row, 1, text_of(p, "value"));
    s.text(row, 2, text_of(p, "unit"), f.wrap);
    s.text(row, 3, text_of(p, "uncertainty"), f.wrap);
    if (field(p, "derived").is_boolean()) s.text(row, 4, field(p, "derived").get<bool>() ? "derived" : "");
    s.long_text(row, 5, 13, text_of(p, "source"), f.wrap, 230);
    ++row;
  }
  s.freeze(0, 1);
}

// ---------------------------------------------------------------------------------------------
// Provenance and dictionary
// ---------------------------------------------------------------------------------------------

void write_provenance(Sheet& s, const Document& d, const Formats& f) {
  s.width(0, 0, 30);
  s.width(1, 5, 24);
  s.width(6, 6, 14);
  int row = 0;
  s.text(row++, 0, "Provenance", f.title);
  ++row;
  const json& doc = d.doc();
  const json& prov = field(doc, "provenance");
  auto line = [&](const std::string& label, const json& value, lxw_format* fmt) {
    s.text(row, 0, label, f.bold);
    if (!value.is_number() || !s.value(row, 1, value, fmt)) s.text(row, 1, as_text(value));
    ++row;
  };
  line("Comparison id", field(doc, "comparison_id"), f.year);
  std::string runs;
  for (const auto& arm : d.arms()) runs += (runs.empty() ? "" : ", ") + std::to_string(arm.run_id);
  line("Run ids", runs, nullptr);
  line("Created at", field(doc, "created_at"), nullptr);
  line("Common random numbers", field(doc, "common_random_numbers"), nullptr);
  line("Seed", field(prov, "seed"), f.year);
  line("Replicates", field(prov, "replicates"), f.integer);
  line("Scale (share of residents simulated)", field(prov, "scale"), nullptr);
  line("Threads", field(prov, "threads"), f.integer);
  line("Start year", field(prov, "start_year"), f.year);
  line("Years", field(prov, "years"), f.integer);
  line("Data version", field(prov, "data_version"), nullptr);
  line("Parameters version", field(prov, "parameters_version"), nullptr);
  line("Program version", field(prov, "program_version"), nullptr);
  if (!field(doc, "database").is_null()) line("Results database", field(doc, "database"), nullptr);
  ++row;
  s.text(row++, 0, "Arms", f.section);
  header_row(s, f, row++, {"Scenario", "Role", "Run id", "Started at", "Finished at", "Scenario file", "Wall seconds"});
  for (const auto& arm : d.arms()) {
    const json& a = *arm.source;
    s.text(row, 0, arm.name);
    s.text(row, 1, arm.role);
    s.number(row, 2, static_cast<double>(arm.run_id), f.year);
    s.text(row, 3, text_of(a, "started_at"));
    s.text(row, 4, text_of(a, "finished_at"));
    s.text(row, 5, text_of(a, "scenario_path"));
    s.value(row, 6, field(a, "wall_seconds"), f.decimal);
    ++row;
  }
}

void write_dictionary(Sheet& s, const Document& d, const Formats& f) {
  s.width(0, 0, 36);
  s.width(1, 1, 32);
  s.width(2, 2, 11);
  s.width(3, 3, 44);
  s.width(4, 4, 100);
  header_row(s, f, 0, {"outcome", "unit", "scope", "breakdowns", "definition"});
  int row = 1;
  for (const json& e : field(d.doc(), "dictionary")) {
    s.text(row, 0, text_of(e, "outcome"));
    s.text(row, 1, text_of(e, "unit"), f.wrap);
    s.text(row, 2, text_of(e, "scope"));
    s.text(row, 3, text_of(e, "breakdowns"), f.wrap);
    s.text(row, 4, text_of(e, "definition"), f.wrap);
    ++row;
  }
  s.autofilter(0, 0, std::max(0, row - 1), 4);
  s.freeze(1, 1);
}

// ---------------------------------------------------------------------------------------------
// The whole workbook
// ---------------------------------------------------------------------------------------------

void build(Book& book, const Document& d) {
  const Formats& f = book.formats();
  std::string title = "ShiftSim comparison " + text_of(d.doc(), "comparison_id");
  book.properties(title, "Results for finance leads: savings, cost, ROI, NPV, break-even, health and the assumptions");

  Sheet summary = book.add_sheet("Summary");
  std::vector<SheetGuide> guide;
  auto tidy = [&](const std::string& name, const std::vector<std::string>& outcomes, const std::string& what) {
    if (!any_rows(d, outcomes)) return;
    tidy_sheet(book, d, name, outcomes);
    guide.push_back({name, what});
  };
  std::set<std::string> claimed;
  for (const auto* list : {&kSavings, &kCost, &kInvestment, &kWhoPays, &kValue, &kHealth, &kPrevalence, &kWider, &kSensitivity})
    claimed.insert(list->begin(), list->end());
  std::vector<std::string> activity, other;
  for (const auto& o : d.outcomes())
    if (!claimed.count(o)) (d.scope(o) == "arm" ? activity : other).push_back(o);

  // The finance model first: the sheets a finance lead works in.
  std::vector<CashFlowBlock> blocks;
  if (!d.single()) {
    Sheet s = book.add_sheet(kCashFlowSheet);
    blocks = write_cash_flow(s, d, f);
    guide.push_back({kCashFlowSheet,
                     "the finance model: by financial year and funder, investment (inputs), savings by payer, net benefit in cash "
                     "and present values, and NPV, ROI and break-even as formulas beside the model's figures; change the discount "
                     "rate, the optimism bias or an investment line and they follow"});
    Sheet sens = book.add_sheet("Sensitivity");
    write_sensitivity(book, sens, d, f, blocks);
    guide.push_back({"Sensitivity",
                     "NPV by optimism bias and by discount rate (formulas over the Cash flow sheet), the tornado of the model's "
                     "parameters with switching values, and the value of information (EVPI, EVPPI)"});
    Sheet det = book.add_sheet("Detail by scenario");
    write_detail(det, d, f);
    guide.push_back({"Detail by scenario", "each scenario's headline figures in full (mean, median, interval, unit, n), then each arm's own"});
  } else {
    Sheet det = book.add_sheet("Detail");
    write_detail(det, d, f);
    guide.push_back({"Detail", "the run's own figures over the whole horizon"});
  }
  if (!d.single() && any_rows(d, kWhoPays)) {
    Sheet s = book.add_sheet("Who pays who saves");
    write_who_pays(s, d, f);
    guide.push_back(
        {"Who pays who saves", "the investor x saver matrix, each organisation's net position, pooled budget transfers"});
  }
  tidy("Savings by payer", kSavings,
       "gross and cashable savings by payer, setting and activity, per financial year and the horizon");
  tidy("Cost by payer", kCost, "each arm's cost of services by payer and setting, per financial year and the horizon");
  tidy("Investment", kInvestment,
       d.single() ? "intervention spend by funder"
                  : "intervention spend (each arm) and intervention cost (scenario minus baseline) by funder; each intervention's "
                  "budget against spend, new participants, uptake ceiling and what bound the spend (intervention_spend_limit, "
                  "codes in the Dictionary); under existing budgets, the money and home care displaced. The baseline's rows are "
                  "left out where every figure is zero (it funds no intervention)");
  tidy("Value for money", kValue,
       "net benefit, NPV, ROI, break-even, cost per QALY and net monetary benefit with their intervals");
  tidy("Activity", activity, "each arm's activity: appointments, admissions, bed-days, care packages, residents");
  tidy("Health and the gap", kHealth,
       "deaths, QALYs, life expectancy by quintile and sex, the gap and slope index, and their changes");
  tidy("Prevalence", kPrevalence, "residents living with each condition, per 100 residents, by quintile");
  tidy("Economy and wider", kWider,
       "the economy's separate ledger (employment, out of work through ill health, sickness absence, output lost and regained, "
       "return to the economy per GBP 1) by year, ICP and quintile; smoking at delivery, low birth weight, infant admissions; "
       "unpaid carers and their strain");
  tidy("Other outcomes", other, "outcomes not on another sheet");
  {
    Sheet s = book.add_sheet("Per replicate");
    write_per_replicate(s, d, f);
    guide.push_back({"Per replicate", "key horizon outcomes, one row per replicate, to build your own distributions"});
  }
  {
    Sheet s = book.add_sheet("Assumptions");
    write_assumptions(s, d, f);
    guide.push_back({"Assumptions", "each arm's description, finance rules, interventions, overrides and the parameter values"});
  }
  {
    Sheet s = book.add_sheet("Provenance");
    write_provenance(s, d, f);
    guide.push_back({"Provenance", "comparison and run ids, seed, replicates, scale, data, parameter and program versions"});
  }
  {
    Sheet s = book.add_sheet("Dictionary");
    write_dictionary(s, d, f);
    guide.push_back({"Dictionary", "every outcome's unit, scope, breakdowns and definition"});
  }
  write_summary(summary, d, f, guide, blocks);
}

}  // namespace

void write_workbook(const json& document, const fs::path& file) {
  const std::string name = file.string();
  fs::path tmp = file;
  tmp += ".tmp.xlsx";
  const fs::path parent = file.has_parent_path() ? file.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(parent, ec))
    throw StoreError("cannot write the workbook " + name + ": the folder " + parent.string() + " does not exist");
  auto discard = [&] {
    std::error_code ignored;
    fs::remove(tmp, ignored);
  };
  try {
    const Document d(document, name);
    Book book(tmp, name);
    build(book, d);
    book.close();
  } catch (const json::exception& e) {
    discard();
    throw StoreError("cannot write the workbook " + name + ": the comparison document is malformed (" + e.what() + ")");
  } catch (...) {
    discard();
    throw;
  }
  fs::rename(tmp, file, ec);
  if (ec) {
    discard();
    throw StoreError("cannot write the workbook " + name + ": moving it into place failed: " + ec.message());
  }
}

}  // namespace shiftsim::results
