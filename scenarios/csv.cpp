#include "scenarios/csv.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace shiftsim::inputs {

namespace {
std::string quote(std::string_view s) { return "'" + std::string(s) + "'"; }
std::string format_limit(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}
}  // namespace

std::optional<double> parse_number(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  double value = 0;
  const char* first = text.data();
  if (*first == '+') ++first;
  auto [ptr, ec] = std::from_chars(first, text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

std::optional<long long> parse_integer(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  long long value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

CsvTable CsvTable::read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError({Problem{path.string(), 0, "", "cannot open the file (does it exist?)"}});
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parse(buffer.str(), path.string());
}

CsvTable CsvTable::parse(std::string_view text, std::string name) {
  CsvTable table;
  table.file_ = std::move(name);
  std::vector<Problem> problems;

  // Strip a UTF-8 byte order mark.
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
      static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF)
    text.remove_prefix(3);

  std::vector<std::string> fields;
  std::string field;
  long line = 1;
  long record_line = 1;
  bool in_quotes = false;
  bool field_was_quoted = false;
  bool first_record = true;

  auto end_record = [&]() {
    fields.push_back(std::move(field));
    field.clear();
    const bool blank = fields.size() == 1 && fields[0].empty() && !field_was_quoted;
    if (!blank) {
      if (first_record) {
        table.header_ = std::move(fields);
        first_record = false;
      } else if (fields.size() != table.header_.size()) {
        problems.push_back({table.file_, record_line, "",
                            "has " + std::to_string(fields.size()) + " fields, but the header has " +
                                std::to_string(table.header_.size())});
      } else {
        table.rows_.push_back(std::move(fields));
        table.lines_.push_back(record_line);
      }
    }
    fields = {};
    field_was_quoted = false;
  };

  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    switch (c) {
      case '"':
        if (!field.empty()) {
          problems.push_back({table.file_, line, "", "a double quote inside an unquoted field"});
        }
        in_quotes = true;
        field_was_quoted = true;
        break;
      case ',':
        fields.push_back(std::move(field));
        field.clear();
        break;
      case '\r':
        break;
      case '\n':
        end_record();
        ++line;
        record_line = line;
        break;
      default:
        field.push_back(c);
    }
  }
  if (in_quotes) problems.push_back({table.file_, record_line, "", "a quoted field is not closed"});
  else if (!field.empty() || !fields.empty()) end_record();
  if (first_record) problems.push_back({table.file_, 0, "", "the file is empty (expected a header row)"});
  if (!problems.empty()) throw DataError(std::move(problems));
  return table;
}

int CsvTable::column_index(std::string_view name) const {
  for (std::size_t i = 0; i < header_.size(); ++i)
    if (header_[i] == name) return static_cast<int>(i);
  return -1;
}

bool CsvChecker::require_columns(const std::vector<std::string_view>& names) {
  bool all = true;
  for (auto name : names) {
    if (table_.column_index(name) < 0) {
      problems_.push_back({table_.file(), 1, std::string(name),
                           "the column is missing (expected columns: " + [&] {
                             std::string list;
                             for (auto n : names) list += (list.empty() ? "" : ", ") + std::string(n);
                             return list;
                           }() + ")"});
      all = false;
    }
  }
  return all;
}

int CsvChecker::index(std::string_view column) {
  const int i = table_.column_index(column);
  if (i < 0) throw InternalError("CsvChecker: column " + std::string(column) + " not checked first in " + table_.file());
  return i;
}

const std::string& CsvChecker::text(std::size_t row, std::string_view column) {
  return table_.cell(row, index(column));
}

std::optional<std::string> CsvChecker::one_of(std::size_t row, std::string_view column,
                                              const std::vector<std::string_view>& allowed) {
  const std::string& value = text(row, column);
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return value;
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + quote(a);
  fail(row, column, "is " + quote(value) + ", but must be one of " + list);
  return std::nullopt;
}

std::optional<long long> CsvChecker::integer(std::size_t row, std::string_view column, long long min,
                                             long long max) {
  const std::string& raw = text(row, column);
  const auto value = parse_integer(raw);
  if (!value) {
    fail(row, column, "is " + quote(raw) + ", but must be a whole number");
    return std::nullopt;
  }
  if (*value < min || *value > max) {
    fail(row, column, "is " + std::to_string(*value) + ", but must be between " + std::to_string(min) +
                          " and " + std::to_string(max));
    return std::nullopt;
  }
  return value;
}

std::optional<double> CsvChecker::number(std::size_t row, std::string_view column, double min,
                                         double max) {
  const std::string& raw = text(row, column);
  const auto value = parse_number(raw);
  if (!value) {
    fail(row, column, "is " + quote(raw) + ", but must be a number");
    return std::nullopt;
  }
  if (*value < min || *value > max) {
    fail(row, column, "is " + raw + ", but must be between " + format_limit(min) + " and " +
                          format_limit(max));
    return std::nullopt;
  }
  return value;
}

void CsvChecker::fail(std::size_t row, std::string_view column, std::string message) {
  problems_.push_back({table_.file(), table_.line_of(row), std::string(column), std::move(message)});
}

void CsvChecker::fail_file(std::string message) {
  problems_.push_back({table_.file(), 0, "", std::move(message)});
}

void CsvChecker::finish() const {
  if (!problems_.empty()) throw DataError(problems_);
}

}  // namespace shiftsim::inputs
