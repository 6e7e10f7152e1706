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
#include <cstdlib>
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

class Sheet {
 public:
  Sheet(lxw_worksheet* ws, std::string name, std::string file) : ws_(ws), name_(std::move(name)), file_(std::move(file)) {}

  void text(int row, int col, const std::string& s, lxw_format* format = nullptr) {
    const std::string t = clean_text(s);
    check(worksheet_write_string(ws_, r(row), c(col), t.c_str(), format), "writing text", row, col);
  }
  void number(int row, int col, double x, lxw_format* format = nullptr) {
    if (!std::isfinite(x)) return;  // never write a NaN or infinity (not valid in a workbook)
    check(worksheet_write_number(ws_, r(row), c(col), x, format), "writing a number", row, col);
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
  lxw_worksheet* ws_;
  std::string name_, file_;
};

struct Formats {
  lxw_format *title = nullptr, *section = nullptr, *bold = nullptr, *header = nullptr, *wrap = nullptr, *note = nullptr;
  lxw_format *money = nullptr, *money_pence = nullptr, *ratio = nullptr, *percent = nullptr, *percent1 = nullptr;
  lxw_format *year = nullptr, *years = nullptr, *decimal = nullptr, *quantity = nullptr, *integer = nullptr, *year_mean = nullptr;

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
    return Sheet(ws, name, file_);
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

/// The tidy rows of some outcomes from `row` on (header first); returns the next free row.
int write_tidy(Sheet& s, const Document& d, const Formats& f, const std::vector<std::string>& outcomes, int row) {
  const int header_row = row;
  for (std::size_t k = 0; k < kTidyHeader.size(); ++k) s.text(row, static_cast<int>(k), kTidyHeader[k], f.header);
  ++row;
  for (const auto& arm : d.arms())
    for (const auto& outcome : outcomes) {
      const std::string unit = d.unit(outcome);
      lxw_format* fmt = f.for_unit(unit);
      for (const auto& breakdown : d.breakdowns(arm.index, outcome)) {
        const auto [by, value] = split_breakdown(breakdown);
        for (const auto& period : d.periods()) {
          const json* x = d.row(arm.index, outcome, breakdown, period);
          if (!x) continue;
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

void write_summary(Sheet& s, const Document& d, const Formats& f, const std::vector<SheetGuide>& guide) {
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
  s.text(row++, 0, "The other sheets", f.section);
  for (const auto& g : guide) {
    s.text(row, 0, g.name, f.bold);
    s.text(row++, 1, g.what);
  }
  s.freeze(2, 0);
  worksheet_set_landscape(s.handle());
  worksheet_fit_to_pages(s.handle(), 1, 0);
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
// Cash flow (the break-even table)
// ---------------------------------------------------------------------------------------------

struct FlowColumn {
  std::string header, outcome, breakdown, stat, horizon_outcome;  // horizon_outcome: what the horizon row shows
};

void write_cash_flow(Sheet& s, const Document& d, const Formats& f) {
  const std::vector<FlowColumn> columns{
      {"Public gross savings", "gross_savings_gbp", "public", "mean", "gross_savings_gbp"},
      {"Cashable savings", "cashable_savings_gbp", "public", "mean", "cashable_savings_gbp"},
      {"Intervention cost", "intervention_cost_gbp", "all", "mean", "intervention_cost_gbp"},
      {"Net benefit", "net_benefit_gbp", "all", "mean", "net_benefit_gbp"},
      {"Net benefit, cashable", "net_benefit_cashable_gbp", "all", "mean", "net_benefit_cashable_gbp"},
      {"Public gross savings, present value", "gross_savings_discounted_gbp", "public", "mean", "gross_savings_discounted_gbp"},
      {"Intervention cost, present value", "intervention_cost_discounted_gbp", "all", "mean", "intervention_cost_discounted_gbp"},
      {"Cumulative discounted net benefit (mean)", "cumulative_discounted_net_benefit_gbp", "all", "mean", "npv_gbp"},
      {"Cumulative discounted net benefit (5th percentile)", "cumulative_discounted_net_benefit_gbp", "all", "p05", "npv_gbp"},
      {"Cumulative discounted net benefit (95th percentile)", "cumulative_discounted_net_benefit_gbp", "all", "p95", "npv_gbp"},
      {"Cumulative discounted net benefit, cashable (mean)", "cumulative_discounted_net_benefit_gbp", "cashable", "mean",
       "npv_cashable_gbp"}};
  s.width(0, 0, 30);
  s.width(1, static_cast<int>(columns.size()) + 1, 17);
  int row = 0;
  s.text(row++, 0, "Cash flow and break-even", f.title);
  s.text(row++, 0,
         "GBP at the price base year's prices, mean over replicates unless marked. Savings and net benefit are the public purse's (NHS, "
         "council, "
         "public health). The whole-horizon row shows totals, and the NPV in the cumulative columns (a run longer than its plan "
         "also has the plan's row). The last column is the break-even year's distribution: the share of replicates whose "
         "cumulative discounted net benefit has reached zero by the end of the year.",
         f.note);
  ++row;
  for (const auto* arm : d.scenarios()) {
    s.text(row++, 0, arm->name + " compared with " + d.baseline().name, f.section);
    s.text(row, 0, "Financial year", f.header);
    for (std::size_t k = 0; k < columns.size(); ++k) s.text(row, static_cast<int>(k) + 1, columns[k].header, f.header);
    const int paid_back_col = static_cast<int>(columns.size()) + 1;
    s.text(row, paid_back_col, "Share of replicates broken even by the year's end", f.header);
    // The break-even year's distribution: each replicate's year (none: not within the horizon).
    std::vector<double> years;
    if (const json* r = d.series(arm->index, "break_even_year", "all"))
      for (const auto& v : field(*r, "values"))
        if (v.is_number()) years.push_back(v.get<double>());
    ++row;
    for (const auto& period : d.periods()) {
      const bool horizon = period == "horizon" || period == kPlanPeriod;
      s.text(row, 0,
             period == kPlanPeriod  ? "The plan, its first " + std::to_string(d.plan_years()) + " years (cumulative: its NPV)"
             : horizon         ? std::string("Whole horizon (cumulative: NPV)")
                               : period,
             horizon ? f.bold : nullptr);
      for (std::size_t k = 0; k < columns.size(); ++k) {
        const FlowColumn& c = columns[k];
        const json* x = horizon
                            ? d.row(arm->index, c.horizon_outcome, c.outcome == c.horizon_outcome ? c.breakdown : "all", period)
                            : d.row(arm->index, c.outcome, c.breakdown, period);
        if (x) s.value(row, static_cast<int>(k) + 1, field(*x, c.stat.c_str()), f.money);
      }
      if (!horizon && d.replicates() > 0 && period.rfind("FY", 0) == 0) {
        const int fy = std::atoi(period.c_str() + 2);
        const double by = static_cast<double>(std::count_if(years.begin(), years.end(), [&](double y) { return y <= fy; }));
        s.number(row, paid_back_col, by / d.replicates(), f.percent);
      }
      ++row;
    }
    for (const auto& [label, outcome, breakdown] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"Break-even year (median)", "break_even_year", "all"},
             {"Break-even year, cashable (median)", "break_even_year_cashable", "cashable"}}) {
      s.text(row, 0, label, f.bold);
      const json* x = d.row(arm->index, outcome, "all", "horizon");
      s.text(row, 1, x ? break_even_label(field(*x, "median")) : "not within the horizon");
      const json* share = d.row(arm->index, "break_even_within_horizon", breakdown, "horizon");
      if (share && number_of(field(*share, "mean"))) {
        s.number(row, 2, *number_of(field(*share, "mean")), f.percent);
        s.text(row, 3, "of replicates break even within the horizon");
      }
      ++row;
    }
    row += 2;
  }
  s.freeze(0, 1);
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

std::string join(const json& list, const char* separator = ", ") {
  std::string out;
  if (!list.is_array()) return as_text(list);
  for (const json& x : list) out += (out.empty() ? "" : separator) + as_text(x);
  return out;
}

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

  tidy("Savings by payer", kSavings,
       "gross and cashable savings by payer, setting and activity, per financial year and the horizon");
  tidy("Cost by payer", kCost, "each arm's cost of services by payer and setting, per financial year and the horizon");
  tidy("Investment", kInvestment,
       d.single() ? "intervention spend by funder"
                  : "intervention spend (each arm) and intervention cost (scenario minus baseline) by funder; each intervention's "
                  "budget against spend, new participants, uptake ceiling and what bound the spend (intervention_spend_limit, "
                  "codes in the Dictionary); under existing budgets, the money and home care displaced");
  if (!d.single() && any_rows(d, kWhoPays)) {
    Sheet s = book.add_sheet("Who pays who saves");
    write_who_pays(s, d, f);
    guide.push_back(
        {"Who pays who saves", "the investor x saver matrix, each organisation's net position, pooled budget transfers"});
  }
  if (!d.single()) {
    Sheet s = book.add_sheet("Cash flow");
    write_cash_flow(s, d, f);
    guide.push_back(
        {"Cash flow", "per financial year: savings, cost, net benefit and the cumulative discounted net benefit (break-even)"});
  }
  tidy("Value for money", kValue,
       "net benefit, NPV, ROI, break-even, cost per QALY and net monetary benefit with their intervals");
  tidy("Sensitivity", kSensitivity,
       "one-way sensitivity of the NPV with switching values (the tornado), the value of perfect information (EVPI) and of "
       "partial perfect information by parameter group (EVPPI)");
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
  write_summary(summary, d, f, guide);
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
