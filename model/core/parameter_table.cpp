#include "model/core/parameter_table.hpp"

#include "model/core/errors.hpp"

#include <sstream>

namespace shiftsim::model {

void ParameterTable::add(ParameterRow row) {
  if (index_.count(row.name))
    throw ParameterError("parameter '" + row.name + "' is defined twice (" + row.file + ", line " +
                         std::to_string(row.line) + ")");
  index_[row.name] = rows_.size();
  rows_.push_back(std::move(row));
  used_.push_back();
}

const ParameterRow* ParameterTable::find(std::string_view name) const {
  auto it = index_.find(name);
  if (it == index_.end()) return nullptr;
  mark(it->second);
  return &rows_[it->second];
}

std::vector<std::string> ParameterTable::unused() const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < rows_.size(); ++i)
    if (!used_.get(i)) out.push_back(rows_[i].name);
  return out;
}

double ParameterTable::get(std::string_view name) const {
  const ParameterRow* row = find(name);
  if (!row) throw ParameterError("parameter '" + std::string(name) + "' is missing from the parameter table");
  if (!row->value)
    throw ParameterError("parameter '" + std::string(name) + "' is derived and has not been computed yet");
  return *row->value;
}

std::vector<const ParameterRow*> ParameterTable::with_prefix(std::string_view prefix) const {
  std::vector<const ParameterRow*> out;
  for (std::size_t i = 0; i < rows_.size(); ++i)
    if (std::string_view(rows_[i].name).substr(0, prefix.size()) == prefix) {
      mark(i);
      out.push_back(&rows_[i]);
    }
  return out;
}

void ParameterTable::set_derived(std::string_view name, double value) {
  auto it = index_.find(name);
  if (it == index_.end() || !rows_[it->second].derived)
    throw ParameterError("'" + std::string(name) + "' is not a derived parameter of the table");
  rows_[it->second].value = value;
  mark(it->second);
}

void ParameterTable::override_uncertainty(std::string_view name, const Distribution& d) {
  auto it = index_.find(name);
  if (it == index_.end()) throw ParameterError("there is no parameter named '" + std::string(name) + "'");
  rows_[it->second].uncertainty = d;
}

void ParameterTable::override_value(std::string_view name, double value) {
  auto it = index_.find(name);
  if (it == index_.end()) throw ParameterError("there is no parameter named '" + std::string(name) + "'");
  ParameterRow& row = rows_[it->second];
  if (row.derived)
    throw ParameterError("parameter '" + row.name + "' is derived from the region data and cannot be set");
  if (!(value >= row.lower && value <= row.upper)) {
    std::ostringstream msg;
    msg << "parameter '" << row.name << "' is " << value << ", but must be between " << row.lower << " and "
        << row.upper << " (" << row.unit << ")";
    throw ParameterError(msg.str());
  }
  row.value = value;
}

}  // namespace shiftsim::model
