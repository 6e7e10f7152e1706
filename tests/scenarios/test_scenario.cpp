#include "model/errors.hpp"
#include "scenarios/scenario.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using namespace shiftsim;
using namespace shiftsim::inputs;

TEST_CASE("scenario: the bundled baseline is valid") {
  const auto s = load_scenario(std::filesystem::path(SHIFTSIM_SOURCE_DIR) / "scenarios" / "baseline.json");
  CHECK(s.name == "baseline");
  CHECK(s.start_year == 2018);
  CHECK(s.years == 5);
  CHECK_FALSE(s.source_text.empty());
}

TEST_CASE("scenario: defaults fill what a three-line scenario leaves out") {
  const auto s = parse_scenario(R"({"name": "quick"})", "quick.json");
  CHECK(s.years == 5);
  CHECK(s.start_year == 2018);
}

TEST_CASE("scenario: every problem is reported with its JSON path") {
  try {
    parse_scenario(R"({"name": "", "years": 40, "seed": -1, "colour": "blue"})", "bad.json");
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    const std::string msg = e.what();
    CHECK(msg.find("bad.json: 4 problems") == 0);
    CHECK(msg.find("/colour: unknown key") != std::string::npos);
    CHECK(msg.find("/name: must be a non-empty string") != std::string::npos);
    CHECK(msg.find("/years: is 40, but must be between 1 and 25") != std::string::npos);
    CHECK(msg.find("/seed: is -1, but must be between 0 and 4294967295") != std::string::npos);
  }
  CHECK_THROWS_AS(parse_scenario("{not json", "broken.json"), InputError);
  CHECK_THROWS_AS(load_scenario("/nonexistent/scenario.json"), InputError);
}
