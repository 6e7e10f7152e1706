#include "results/format.hpp"

#include <string_view>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace shiftsim::results {

namespace {
const std::string kTrueMinus = "\xE2\x88\x92";  // U+2212, as in print
const std::string kPound = "\xC2\xA3";

std::string fixed(double x, int decimals) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", decimals, x);
  return b;
}
bool all_zero_digits(const std::string& s) { return s.find_first_not_of("0.,") == std::string::npos; }
}  // namespace

std::string year_label(int year) {
  char b[16];
  std::snprintf(b, sizeof b, "%d/%02d", year, ((year + 1) % 100 + 100) % 100);
  return b;
}

std::string financial_year_label(int year) { return "FY" + year_label(year); }

std::string csv_quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csv_field(const std::string& s) { return s.find_first_of(",\"\n\r") == std::string::npos ? s : csv_quoted(s); }

std::string csv_text(const std::string& s, CsvText style) {
  if (style == CsvText::excel_safe && !s.empty() && std::string_view("=+-@\t\r").find(s.front()) != std::string_view::npos)
    return csv_field("'" + s);
  return csv_field(s);
}

std::string label_of(const std::string& key) {
  static const std::map<std::string, std::string> names{
      {"nhs_acute", "NHS acute"},
      {"nhs_primary_care", "NHS primary care"},
      {"nhs_community", "NHS community"},
      {"nhs_mental_health", "NHS mental health"},
      {"council_asc", "Council adult social care"},
      {"public_health", "Public health"},
      {"nhs", "NHS"},
      {"council", "Council"},
      {"pooled", "Pooled budget"},
      {"households", "Households (self-funders' fees and residents' contributions)"},
      {"acute", "Acute"},
      {"primary", "Primary care"},
      {"community", "Community"},
      {"mental_health", "Mental health"},
      {"social_care", "Social care"},
      {"gp_appointments", "GP appointments"},
      {"ae_attendances", "A&E attendances"},
      {"elective_admissions", "Elective admissions"},
      {"outpatient_attendances", "Outpatient attendances"},
      {"community_contacts", "Community contacts"},
      {"mental_health_contacts", "Mental health contacts"},
      {"home_care_hours", "Home-care hours"},
      {"care_home_weeks", "Care-home weeks"},
      {"emergency_admissions", "Emergency admissions"},
      {"emergency_bed_days", "Emergency bed-days"},
      {"delayed_discharge_bed_days", "Delayed-discharge bed-days"},
      {"care_home_residents_end", "Care-home residents at the end of the period"},
      {"population_end", "Residents at the end of the period"},
      {"hypertension", "Hypertension"},
      {"chd", "Coronary heart disease"},
      {"stroke", "Stroke"},
      {"diabetes", "Diabetes"},
      {"copd", "COPD"},
      {"cancer", "Cancer"},
      {"dementia", "Dementia"},
      {"cmd", "Common mental disorder"}};
  const auto it = names.find(key);
  if (it != names.end()) return it->second;
  std::string s = key;
  std::replace(s.begin(), s.end(), '_', ' ');
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string grouped(double x, int decimals, const std::string& minus) {
  const std::string s = fixed(std::fabs(x), decimals);
  const auto dot = s.find('.');
  const std::string whole = s.substr(0, dot), frac = dot == std::string::npos ? std::string() : s.substr(dot);
  std::string out;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) out += ',';
    out += whole[i];
  }
  out += frac;
  return (x < 0 && !all_zero_digits(out) ? minus : std::string()) + out;
}

MoneyUnit money_unit(double magnitude) {
  if (magnitude >= 1e9) return {1e9, "bn", magnitude >= 1e11 ? 0 : magnitude >= 1e10 ? 1 : 2};
  if (magnitude >= 1e6) return {1e6, "m", magnitude >= 1e8 ? 0 : 1};
  if (magnitude >= 1e3) return {1e3, "k", magnitude >= 1e4 ? 0 : 1};
  return {1, "", 0};
}

std::string money_in(double x, const MoneyUnit& u) {
  const std::string digits = grouped(std::fabs(x) / u.divisor, u.decimals);
  return (x < 0 && !all_zero_digits(digits) ? kTrueMinus : std::string()) + kPound + digits + u.suffix;
}

std::string money(double gbp, MoneyStyle style) {
  switch (style) {
    case MoneyStyle::page: return money_in(gbp, money_unit(std::fabs(gbp)));
    case MoneyStyle::whole: {
      const std::string digits = grouped(std::fabs(gbp), 0);
      return (gbp < 0 && !all_zero_digits(digits) ? "-" : "") + kPound + digits;
    }
    case MoneyStyle::terminal: break;
  }
  char b[48];
  const double a = std::fabs(gbp);
  if (a >= 1e9) std::snprintf(b, sizeof b, "GBP %.2fbn", gbp / 1e9);
  else if (a >= 1e6) std::snprintf(b, sizeof b, "GBP %.2fm", gbp / 1e6);
  else if (a >= 1e3) std::snprintf(b, sizeof b, "GBP %.0fk", gbp / 1e3);
  else std::snprintf(b, sizeof b, "GBP %.0f", gbp);
  return without_negative_zero(b);
}

std::string without_negative_zero(std::string text) {
  // "-0", "-0.00", "GBP -0": a value that rounds to zero is written without its sign.
  const auto minus = text.find('-');
  if (minus != std::string::npos && text.find_first_not_of("0.", minus + 1) == std::string::npos) text.erase(minus, 1);
  return text;
}

}  // namespace shiftsim::results
