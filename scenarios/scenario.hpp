// A scenario: the user's description of a run, validated and immutable. This first format
// holds the name, the start year, the horizon in years and the seed (the scenarios issue
// grows it: interventions, finance rules, parameter overrides).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace shiftsim::inputs {

struct Scenario {
  std::string name;
  std::string description;
  int start_year = 2018;
  int years = 5;
  std::uint32_t seed = 20180701;
  std::string source_text;  // the file as read (stored with every run)
  std::string path;
};

/// Reads and validates a scenario file; throws InputError listing every problem with its
/// JSON path.
Scenario load_scenario(const std::filesystem::path& file);
/// Same, from text (tests); `name` is used in messages.
Scenario parse_scenario(const std::string& text, const std::string& name);

}  // namespace shiftsim::inputs
