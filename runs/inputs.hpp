// The inputs of an experiment: the region data and parameter table (loaded once per region)
// and arms, each a scenario checked against them with its own parameter table, policy and
// world.
#pragma once

#include "model/programmes/policy.hpp"
#include "model/world/region.hpp"
#include "model/core/parameter_table.hpp"
#include "model/world/world.hpp"
#include "scenarios/scenario.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace shiftsim::runs {

/// Where the data come from.
struct DataSource {
  std::filesystem::path folder;  // holds parameters.csv and one folder per region
  std::string region;            // empty: the scenario's (default lsc)
  int back_cast_year = 0;        // not 0: start from this earlier mid-year (inputs::load_region), and every scenario with it
};

/// One region's data and the parameter table, as loaded.
struct Inputs {
  model::RegionData region;
  model::ParameterTable table;
  std::string parameters_version;  // content hash of parameters.csv
};
/// Loads a region and the parameter table; InputError naming the folder when absent.
std::shared_ptr<const Inputs> load_inputs(const DataSource& source, const std::string& scenario_region = "");

/// A scenario checked against its region and the parameters: its own parameter table (the
/// scenario's overrides applied), its policy and its world.
struct Arm {
  inputs::Scenario scenario;
  std::shared_ptr<const Inputs> inputs;         // the region and the central table, shared by arms
  std::shared_ptr<const model::ParameterTable> table;  // this arm's: inputs->table with its overrides
  std::shared_ptr<const model::Policy> policy;
  std::shared_ptr<const model::World> world;
};

/// Prepares one arm from a scenario file (InputError/ScenarioError on bad input).
Arm prepare_arm(const std::filesystem::path& scenario_file, const DataSource& source);
/// The same arm with some parameters set to fixed values (as the scenario's `parameters` would
/// set them: checked against their bounds, ScenarioError if one is out of range or derived).
Arm with_parameters(const Arm& arm, const std::map<std::string, double>& values);
/// Prepares arms, loading each region's data once.
std::vector<Arm> prepare_arms(const std::vector<std::filesystem::path>& scenario_files, const DataSource& source);

}  // namespace shiftsim::runs
