#include "scenarios/parameter_loader.hpp"

#include "model/programmes/policy.hpp"

#include "scenarios/csv.hpp"

#include <algorithm>
#include <cmath>

namespace shiftsim::inputs {

model::ParameterTable load_parameters(const std::filesystem::path& file) {
  const auto t = CsvTable::read(file);
  CsvChecker ck(t);
  if (!ck.require_columns({"name", "value", "unit", "lower", "upper", "uncertainty", "group", "description", "source"}))
    ck.finish();
  model::ParameterTable table;
  for (std::size_t i = 0; i < t.row_count(); ++i) {
    model::ParameterRow row;
    row.name = ck.text(i, "name");
    row.file = file.string();
    row.line = t.line_of(i);
    if (row.name.empty()) ck.fail(i, "name", "is empty");
    if (table.contains(row.name)) ck.fail(i, "name", "'" + row.name + "' is defined twice");
    const auto lower = ck.number(i, "lower", -1e12, 1e12);
    const auto upper = ck.number(i, "upper", -1e12, 1e12);
    if (lower && upper && *lower > *upper) ck.fail(i, "upper", "is below the lower bound");
    row.lower = lower.value_or(0);
    row.upper = upper.value_or(0);
    const std::string& v = ck.text(i, "value");
    if (v == "derived") {
      row.derived = true;
    } else if (lower && upper) {
      row.value = ck.number(i, "value", *lower, *upper);
    }
    if (row.value) row.uncertainty = model::Distribution::constant(*row.value);
    const std::string& unc = ck.text(i, "uncertainty");
    if (!unc.empty()) {
      std::string why;
      const auto d = model::Distribution::parse(unc, &why);
      if (!d) {
        ck.fail(i, "uncertainty", "is '" + unc + "': " + why);
      } else if (row.value && std::fabs(d->mean() - *row.value) > 1e-6 * std::max(1.0, std::fabs(*row.value))) {
        ck.fail(i, "uncertainty", "has mean " + std::to_string(d->mean()) + ", but the value is " + std::to_string(*row.value) +
                                      " (the value must be the distribution's mean)");
      } else {
        row.uncertainty = *d;
      }
    }
    row.unit = ck.text(i, "unit");
    row.group = ck.text(i, "group");
    row.description = ck.text(i, "description");
    row.source = ck.text(i, "source");
    if (row.unit.empty()) ck.fail(i, "unit", "is empty, but every parameter needs a unit");
    if (row.source.empty()) ck.fail(i, "source", "is empty, but every parameter needs a source or a stated assumption");
    if (ck.ok() && !table.contains(row.name)) table.add(std::move(row));
  }
  ck.finish();
  // Every catalogue type's rows are there (the interventions' defaults and evidence).
  model::check_catalogue_parameters(table);
  return table;
}

}  // namespace shiftsim::inputs
