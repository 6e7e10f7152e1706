#include "model/parameter_table.hpp"

#include "model/errors.hpp"

#include <sstream>

namespace shiftsim::model {

void ParameterTable::add(ParameterRow row) {
  if (index_.count(row.name))
    throw ParameterError("parameter '" + row.name + "' is defined twice (" + row.file + ", line " +
                         std::to_string(row.line) + ")");
  index_[row.name] = rows_.size();
  rows_.push_back(std::move(row));
}

const ParameterRow* ParameterTable::find(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &rows_[it->second];
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
  for (const auto& r : rows_)
    if (std::string_view(r.name).substr(0, prefix.size()) == prefix) out.push_back(&r);
  return out;
}

void ParameterTable::set_derived(std::string_view name, double value) {
  auto it = index_.find(name);
  if (it == index_.end() || !rows_[it->second].derived)
    throw ParameterError("'" + std::string(name) + "' is not a derived parameter of the table");
  rows_[it->second].value = value;
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
