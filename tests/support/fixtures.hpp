// Shared test helpers: where the bundled data is, the region loaded once per test process,
// and worlds built with parameter overrides.
#pragma once

#include "model/simulation/simulation.hpp"
#include "model/world/world.hpp"
#include "scenarios/parameter_loader.hpp"
#include "scenarios/region_loader.hpp"

#include <doctest/doctest.h>

#include <tbb/global_control.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

namespace shiftsim::test {

inline std::filesystem::path data_dir() { return SHIFTSIM_TEST_DATA_DIR; }
inline std::filesystem::path region_dir() { return data_dir() / "lsc"; }

inline const model::RegionData& region() {
  static const model::RegionData r = inputs::load_region(region_dir());
  return r;
}

inline model::ParameterTable parameters(const std::map<std::string, double>& overrides = {}) {
  auto t = inputs::load_parameters(data_dir() / "parameters.csv");
  for (const auto& [k, v] : overrides) t.override_value(k, v);
  return t;
}

inline std::unique_ptr<model::World> world(const std::map<std::string, double>& overrides = {}) {
  return std::make_unique<model::World>(model::build_world(region(), parameters(overrides)));
}

/// A flow metric summed over every cell and months from..to (people units).
inline double flow(const model::RunOutput& out, int metric, int from = 0, int to = 1 << 20) {
  double x = 0;
  for (int t = from; t <= to && t < static_cast<int>(out.flows.size()); ++t) {
    const auto& c = out.flows[static_cast<std::size_t>(t)].cells;
    for (std::size_t k = static_cast<std::size_t>(metric); k < c.size(); k += model::kFlowMetrics) x += c[k];
  }
  return x;
}

/// A cohort of n people of one age and sex in the first zone, decile 6, with given risk and
/// condition bits; ages are set so that nobody has a birthday in the first month.
inline model::Population cohort(std::size_t n, int age_months, int sex, std::uint8_t risk, std::uint8_t conditions,
                                model::Frailty frailty = model::Frailty::fit, model::CareSetting care = model::CareSetting::home,
                                std::uint32_t first_id = 0) {
  model::Population p;
  p.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    p.id[i] = first_id + static_cast<std::uint32_t>(i);
    p.age_months[i] = static_cast<std::uint16_t>(age_months);
    p.zone[i] = 0;
    p.decile[i] = 6;
    p.risk[i] = risk;
    p.conditions[i] = conditions;
    p.status[i] = model::pack_status(frailty, 2, care, true, sex);
    p.interventions[i] = 0;
  }
  return p;
}

/// A diagnostic the run recorded, by name (fails the test if there is none).
inline double diagnostic(const model::RunOutput& out, const std::string& name) {
  for (const auto& d : out.diagnostics)
    if (d.name == name) return d.value;
  FAIL("no diagnostic " << name);
  return 0;
}

inline model::RunSettings settings(double scale, int months, std::uint32_t seed = 12345) {
  model::RunSettings s;
  s.scale = scale;
  s.months = months;
  s.seed = seed;
  s.start_year = region().base_year;
  return s;
}

/// A temporary directory removed at the end of the scope.
class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("shiftsim-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  static int& counter() {
    static int c = 0;
    return c;
  }
  std::filesystem::path path_;
};

}  // namespace shiftsim::test
