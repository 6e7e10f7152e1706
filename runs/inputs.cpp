#include "runs/inputs.hpp"

#include "model/core/errors.hpp"
#include "model/world/geography.hpp"
#include "scenarios/parameter_loader.hpp"
#include "scenarios/region_loader.hpp"

#include <map>

namespace shiftsim::runs {

namespace fs = std::filesystem;

std::shared_ptr<const Inputs> load_inputs(const DataSource& source, const std::string& scenario_region) {
  const int back_cast_year = source.back_cast_year;
  if (!fs::is_directory(source.folder))
    throw InputError(source.folder.string() + ": the data folder does not exist (give --data or set SHIFTSIM_DATA)");
  auto in = std::make_shared<Inputs>();
  const std::string region = !source.region.empty() ? source.region : !scenario_region.empty() ? scenario_region : "lsc";
  in->region = inputs::load_region(source.folder / region, back_cast_year);
  in->table = inputs::load_parameters(source.folder / "parameters.csv");
  in->parameters_version = inputs::content_hash({source.folder / "parameters.csv"});
  return in;
}

namespace {

Arm arm_of(inputs::Scenario scenario, std::shared_ptr<const Inputs> in) {
  Arm a;
  a.scenario = std::move(scenario);
  a.inputs = std::move(in);
  auto table = std::make_shared<model::ParameterTable>(a.inputs->table);
  const model::Geography geography = model::build_geography(a.inputs->region);
  a.policy = std::make_shared<const model::Policy>(inputs::resolve_scenario(a.scenario, a.inputs->region, geography, *table));
  a.world = std::make_shared<const model::World>(model::build_world(a.inputs->region, *table));
  a.table = std::move(table);
  return a;
}

}  // namespace

Arm prepare_arm(const fs::path& scenario_file, const DataSource& source) {
  inputs::Scenario s = inputs::load_scenario(scenario_file);
  if (source.back_cast_year) s.start_year = source.back_cast_year;  // the back-cast's run starts at its year
  auto in = load_inputs(source, s.region);
  return arm_of(std::move(s), std::move(in));
}

Arm with_parameters(const Arm& arm, const std::map<std::string, double>& values) {
  inputs::Scenario s = arm.scenario;
  for (const auto& [name, v] : values) s.parameters[name] = model::Distribution::constant(v);
  return arm_of(std::move(s), arm.inputs);
}

std::vector<Arm> prepare_arms(const std::vector<fs::path>& scenario_files, const DataSource& source) {
  std::map<std::string, std::shared_ptr<const Inputs>> loaded;  // by region folder
  std::vector<Arm> arms;
  arms.reserve(scenario_files.size());
  for (const auto& f : scenario_files) {
    inputs::Scenario s = inputs::load_scenario(f);
    if (source.back_cast_year) s.start_year = source.back_cast_year;
    const std::string region = !source.region.empty() ? source.region : s.region;
    auto& in = loaded[region];
    if (!in) in = load_inputs(source, s.region);
    arms.push_back(arm_of(std::move(s), in));
  }
  return arms;
}

}  // namespace shiftsim::runs
