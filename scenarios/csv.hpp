// A small, strict CSV reader for the region data and the parameter table (RFC 4180:
// comma separated, optional double quotes, "" inside quotes). Every cell remembers its
// line so that a checker can report file, line and column for anything wrong.
#pragma once

#include "model/core/errors.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shiftsim::inputs {

class CsvTable {
 public:
  /// Reads and tokenises a file; throws DataError if it cannot be read, is empty, or a
  /// row has the wrong number of fields or an unterminated quote.
  static CsvTable read(const std::filesystem::path& path);
  /// Same, from text already in memory (tests); `name` is used in messages.
  static CsvTable parse(std::string_view text, std::string name);

  const std::string& file() const { return file_; }
  const std::vector<std::string>& header() const { return header_; }
  std::size_t row_count() const { return rows_.size(); }
  long line_of(std::size_t row) const { return lines_[row]; }
  /// Index of a column, or -1.
  int column_index(std::string_view name) const;
  const std::string& cell(std::size_t row, int column) const {
    return rows_[row][static_cast<std::size_t>(column)];
  }

 private:
  std::string file_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<long> lines_;
};

/// Checks one table and collects every problem; `finish()` throws them together.
class CsvChecker {
 public:
  explicit CsvChecker(const CsvTable& table) : table_(table) {}

  /// Records a problem for each missing column; returns false if any is missing.
  bool require_columns(const std::vector<std::string_view>& names);

  const std::string& text(std::size_t row, std::string_view column);
  /// A non-empty text from a fixed set of allowed values.
  std::optional<std::string> one_of(std::size_t row, std::string_view column,
                                    const std::vector<std::string_view>& allowed);
  std::optional<long long> integer(std::size_t row, std::string_view column, long long min,
                                   long long max);
  std::optional<double> number(std::size_t row, std::string_view column, double min, double max);

  void fail(std::size_t row, std::string_view column, std::string message);
  void fail_file(std::string message);
  bool ok() const { return problems_.empty(); }
  /// Throws DataError with every problem recorded, if there is any.
  void finish() const;

  const CsvTable& table() const { return table_; }

 private:
  int index(std::string_view column);
  const CsvTable& table_;
  std::vector<Problem> problems_;
};

/// Parses a whole decimal number (no trailing junk); nullopt if it is not one.
std::optional<double> parse_number(std::string_view text);
std::optional<long long> parse_integer(std::string_view text);

}  // namespace shiftsim::inputs
