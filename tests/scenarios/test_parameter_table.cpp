#include "model/simulation/documentation.hpp"
#include "model/core/errors.hpp"
#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

using namespace shiftsim;

TEST_CASE("parameter table: every row has a unit, bounds and a source, and values lie within their bounds") {
  const auto t = test::parameters();
  CHECK(t.rows().size() > 500);
  for (const auto& r : t.rows()) {
    INFO(r.name);
    CHECK_FALSE(r.unit.empty());
    CHECK_FALSE(r.source.empty());
    CHECK(r.lower <= r.upper);
    if (r.value) {
      CHECK(*r.value >= r.lower);
      CHECK(*r.value <= r.upper);
    } else {
      CHECK(r.derived);
    }
  }
}

TEST_CASE("parameter table: every parameter is read by the model and every derived one is computed") {
  auto w = test::world();
  model::Simulation sim(*w, test::settings(0.01, 1));
  const auto table = sim.parameter_table();
  // The world's copy records which rows the model read; the run fills the derived ones.
  std::vector<std::string> unused;
  for (const auto& name : w->table.unused()) {
    const auto* row = table.find(name);
    if (!(row && row->derived && row->value)) unused.push_back(name);
  }
  CHECK_MESSAGE(unused.empty(), "parameters nobody reads: " << doctest::toString(unused.size()) << " e.g. "
                                                            << (unused.empty() ? "" : unused.front()));
  for (const auto& r : table.rows())
    if (r.derived) {
      INFO(r.name);
      CHECK(r.value.has_value());
    }
}

TEST_CASE("parameter table: overrides are checked against bounds") {
  auto t = test::parameters();
  CHECK_NOTHROW(t.override_value("mortality.hr.smoking.current", 3.0));
  CHECK_THROWS_WITH_AS(t.override_value("mortality.hr.smoking.current", 50.0),
                       "parameter 'mortality.hr.smoking.current' is 50, but must be between 1 and 5 (hazard ratio)",
                       ParameterError);
  CHECK_THROWS_AS(t.override_value("no.such.parameter", 1.0), ParameterError);
  CHECK_THROWS_AS(t.override_value("births.male_share", 0.5), ParameterError);  // derived
}

TEST_CASE("parameter loader: a value outside its bounds names the file, line and column") {
  test::TempDir dir;
  const auto file = dir.path() / "parameters.csv";
  std::ofstream(file) << "name,value,unit,lower,upper,uncertainty,group,description,source\n"
                         "a.b,1.5,ratio,0,1,,g,d,s\n"
                         "a.c,2,ratio,0,3,,g,d,\n"
                         "a.d,2,ratio,0,3,lognormal mean=2 sd=0,g,d,s\n"
                         "a.e,2,ratio,0,3,beta alpha=1 beta=1,g,d,s\n";
  try {
    inputs::load_parameters(file);
    FAIL("expected a DataError");
  } catch (const DataError& e) {
    const std::string msg = e.what();
    CHECK(msg.find("parameters.csv, line 2, column 'value': is 1.5, but must be between 0 and 1") != std::string::npos);
    CHECK(msg.find("line 3, column 'source': is empty, but every parameter needs a source or a stated assumption") !=
          std::string::npos);
    CHECK(msg.find("line 4, column 'uncertainty': is 'lognormal mean=2 sd=0': sd is 0, but must be positive") !=
          std::string::npos);
    CHECK(msg.find("line 5, column 'uncertainty': has mean 0.500000, but the value is 2.000000") != std::string::npos);
  }
}

TEST_CASE("docs/model.md is generated from the current parameter table") {
  const auto expected = model::model_documentation(test::parameters(), &test::region());
  std::ifstream in(std::filesystem::path(SHIFTSIM_SOURCE_DIR) / "docs" / "model.md");
  std::stringstream committed;
  committed << in.rdbuf();
  CHECK_MESSAGE(committed.str() == expected, "docs/model.md is out of date: run `shiftsim docs -o docs/model.md`");
}
