#include "validation/observed.hpp"

#include "scenarios/csv.hpp"

#include <cctype>

namespace shiftsim::validation {

namespace {

bool digits(const std::string& s, std::size_t from, std::size_t n) {
  if (s.size() < from + n) return false;
  for (std::size_t k = from; k < from + n; ++k)
    if (!std::isdigit(static_cast<unsigned char>(s[k]))) return false;
  return true;
}

/// "YYYY?YY" with the second year the next one (two digits).
bool year_pair(const std::string& s, std::size_t at, char sep, int& first, int& last) {
  if (s.size() != at + 7 || !digits(s, at, 4) || s[at + 4] != sep || !digits(s, at + 5, 2)) return false;
  first = std::stoi(s.substr(at, 4));
  const int yy = std::stoi(s.substr(at + 5, 2));
  last = first / 100 * 100 + yy;
  if (last < first) last += 100;
  return true;
}

bool parse_age_band(const std::string& s, int& lo, int& hi) {
  if (s == "all") {
    lo = 0;
    hi = 200;
    return true;
  }
  const auto plus = s.find('+'), dash = s.find('-');
  if (s.size() > 7) return false;  // at most "120-120": no number too long to convert
  if (plus != std::string::npos && plus + 1 == s.size() && plus > 0 && digits(s, 0, plus)) {
    lo = std::stoi(s.substr(0, plus));
    hi = 200;
    return lo <= 120;
  }
  if (dash != std::string::npos && dash > 0 && dash + 1 < s.size() && digits(s, 0, dash) && digits(s, dash + 1, s.size() - dash - 1)) {
    lo = std::stoi(s.substr(0, dash));
    hi = std::stoi(s.substr(dash + 1));
    return lo <= hi && hi <= 120;
  }
  return false;
}

}  // namespace

bool parse_period(const std::string& t, ObservedPeriod& p) {
  if (t.size() == 8 && t.rfind("mid-", 0) == 0 && digits(t, 4, 4)) {
    p.kind = PeriodKind::mid_year;
    p.first_year = p.last_year = std::stoi(t.substr(4));
    return true;
  }
  if (t.size() == 4 && digits(t, 0, 4)) {
    p.kind = PeriodKind::calendar_year;
    p.first_year = p.last_year = std::stoi(t);
    return true;
  }
  if (t.size() == 9 && t.rfind("FY", 0) == 0 && year_pair(t, 2, '/', p.first_year, p.last_year)) {
    p.kind = PeriodKind::financial_year;
    return p.last_year == p.first_year + 1;
  }
  if (year_pair(t, 0, '/', p.first_year, p.last_year)) {
    p.kind = PeriodKind::mid_to_mid;
    return p.last_year == p.first_year + 1;
  }
  if (year_pair(t, 0, '-', p.first_year, p.last_year)) {
    p.kind = PeriodKind::pooled;
    return p.last_year > p.first_year && p.last_year - p.first_year <= 10;  // pooled over at most a decade
  }
  return false;
}

static std::vector<ObservedRow> parse_table(const inputs::CsvTable& t, const ObservedVocabulary& vocabulary) {
  inputs::CsvChecker ck(t);
  if (!ck.require_columns({"series", "geography", "period", "sex", "age_band", "value", "source"})) ck.finish();
  std::vector<ObservedRow> rows;
  for (std::size_t i = 0; i < t.row_count(); ++i) {
    ObservedRow r;
    r.line = t.line_of(i);
    r.series = ck.text(i, "series");
    if (!vocabulary.series.count(r.series)) {
      std::string known;
      for (const auto& s : vocabulary.series) known += (known.empty() ? "" : ", ") + s;
      ck.fail(i, "series", "is '" + r.series + "', which the model does not compare (known: " + known + ")");
    }
    r.geography = ck.text(i, "geography");
    if (!vocabulary.geographies.count(r.geography))
      ck.fail(i, "geography", "is '" + r.geography + "', but must be region, an ICP's name or a district code of this region");
    r.period_text = ck.text(i, "period");
    if (!parse_period(r.period_text, r.period))
      ck.fail(i, "period", "is '" + r.period_text + "', but must be mid-YYYY, YYYY/YY (July-June), FYYYYY/YY (April-March), YYYY (a calendar year) or YYYY-YY (calendar years pooled)");
    if (const auto sex = ck.one_of(i, "sex", {"persons", "male", "female"})) r.sex = *sex;
    r.age_band = ck.text(i, "age_band");
    if (!parse_age_band(r.age_band, r.age_min, r.age_max))
      ck.fail(i, "age_band", "is '" + r.age_band + "', but must be all, A-B or A+ (ages 0-120), e.g. 65+");
    if (const auto v = ck.number(i, "value", -1e15, 1e15)) r.value = *v;
    r.source = ck.text(i, "source");
    if (r.source.empty()) ck.fail(i, "source", "is empty, but every observed value needs its source");
    rows.push_back(std::move(r));
  }
  if (rows.empty()) ck.fail_file("has no rows");
  ck.finish();
  return rows;
}

std::vector<ObservedRow> read_observed(const std::filesystem::path& file, const ObservedVocabulary& vocabulary) {
  return parse_table(inputs::CsvTable::read(file), vocabulary);
}

std::vector<ObservedRow> parse_observed(const std::string& text, const std::string& name, const ObservedVocabulary& vocabulary) {
  return parse_table(inputs::CsvTable::parse(text, name), vocabulary);
}

}  // namespace shiftsim::validation
