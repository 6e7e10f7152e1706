// The one table of model parameters: name, value, unit, bounds, group, description and
// source (or stated assumption). Loaded once at start (scenarios/parameter_loader), printed
// by `shiftsim params`, and the model documentation is generated from it. Rows whose value
// is "derived" are computed from the region data when the model is built; the computed
// value is recorded back into the table so that it is printed and stored with the run.
#pragma once

#include "model/core/distribution.hpp"

#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shiftsim::model {

struct ParameterRow {
  std::string name;         // dotted, e.g. "mortality.hr.smoking.current"
  std::optional<double> value;  // empty until computed, for derived rows
  bool derived = false;     // computed from region data at build time
  std::string unit;
  double lower = 0;
  double upper = 0;
  Distribution uncertainty;  // fixed at the value unless the table gives a distribution
  std::string group;        // the process it belongs to (documentation section)
  std::string description;
  std::string source;       // citation, or "Assumption: <reason>"
  std::string file;         // where it was read from
  long line = 0;
};

class ParameterTable {
 public:
  /// Adds a row; throws ParameterError on a duplicate name.
  void add(ParameterRow row);

  const ParameterRow* find(std::string_view name) const;
  bool contains(std::string_view name) const { return find(name) != nullptr; }

  /// The value of a non-derived row; throws ParameterError if missing.
  double get(std::string_view name) const;
  /// All rows whose name starts with `prefix` (in table order).
  std::vector<const ParameterRow*> with_prefix(std::string_view prefix) const;

  /// Records the computed value of a derived row (throws if the name is not a derived row).
  void set_derived(std::string_view name, double value);
  /// Replaces a value (scenario override); checks the row exists and the bounds hold.
  void override_value(std::string_view name, double value);
  /// Replaces a row's uncertainty distribution (a scenario's override given as a distribution).
  void override_uncertainty(std::string_view name, const Distribution& d);

  const std::vector<ParameterRow>& rows() const { return rows_; }

  /// Names of rows no code has looked up (find, get, with_prefix, contains, set_derived)
  /// since the table was built: a parameter nobody reads should not be in the table.
  std::vector<std::string> unused() const;

 private:
  // An atomic store to the row's own byte: a table shared by the tasks of a comparison is read
  // (and so marked) from several threads at once (ThreadSanitizer found the vector<bool>
  // this was, whose bits share words, written from two).
  void mark(std::size_t row) const { used_.set(row); }
  std::vector<ParameterRow> rows_;
  /// A byte a row, 1 once looked up; written and read (copies too) through std::atomic_ref.
  class UsedMarks {
   public:
    UsedMarks() = default;
    UsedMarks(const UsedMarks& o) : v_(o.v_.size()) {
      for (std::size_t k = 0; k < v_.size(); ++k) v_[k] = o.get(k);
    }
    UsedMarks& operator=(const UsedMarks& o) {
      if (this != &o) {
        v_.assign(o.v_.size(), 0);
        for (std::size_t k = 0; k < v_.size(); ++k) v_[k] = o.get(k);
      }
      return *this;
    }
    UsedMarks(UsedMarks&&) = default;
    UsedMarks& operator=(UsedMarks&&) = default;
    void push_back() { v_.push_back(0); }
    void set(std::size_t k) { std::atomic_ref<unsigned char>(v_[k]).store(1, std::memory_order_relaxed); }
    bool get(std::size_t k) const {
      return std::atomic_ref<unsigned char>(const_cast<unsigned char&>(v_[k])).load(std::memory_order_relaxed) != 0;
    }

   private:
    std::vector<unsigned char> v_;
  };
  mutable UsedMarks used_;
  std::map<std::string, std::size_t, std::less<>> index_;
};

}  // namespace shiftsim::model
