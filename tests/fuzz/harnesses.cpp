#include "harnesses.hpp"

#include "model/core/errors.hpp"
#include "model/world/geography.hpp"
#include "runs/sweep.hpp"
#include "scenarios/parameter_loader.hpp"
#include "scenarios/region_loader.hpp"
#include "scenarios/scenario.hpp"
#include "validation/compare.hpp"
#include "validation/observed.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

namespace shiftsim::fuzz {

namespace fs = std::filesystem;

namespace {

const fs::path& data_dir() {
  static const fs::path d = SHIFTSIM_FUZZ_DATA_DIR;
  return d;
}

/// A folder of this process's own, removed at exit.
const fs::path& scratch() {
  static const fs::path dir = [] {
    std::string tmpl = (fs::temp_directory_path() / "shiftsim-fuzz-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) std::abort();
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(scratch(), ec);
    });
    return fs::path(tmpl);
  }();
  return dir;
}

void write(const fs::path& file, std::string_view bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The bundled region and table, read once.
struct Bundled {
  model::RegionData region = inputs::load_region(data_dir() / "lsc");
  model::ParameterTable table = inputs::load_parameters(data_dir() / "parameters.csv");
  model::Geography geography = model::build_geography(region);
};
const Bundled& bundled() {
  static const Bundled b;
  return b;
}

/// Runs `read`; bad input (InputError and its kinds) is the expected answer to most inputs.
template <class F>
void refused_or_read(F&& read) {
  try {
    read();
  } catch (const InputError&) {
  }
}

}  // namespace

void scenario(const std::uint8_t* data, std::size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  constexpr std::string_view marker = "\n--base--\n";
  const auto at = all.find(marker);
  const fs::path main = scratch() / "main.json", base = scratch() / "base.json";
  write(main, all.substr(0, at));
  write(base, at == std::string_view::npos ? std::string_view("{\"name\": \"base\"}") : all.substr(at + marker.size()));
  const Bundled& b = bundled();
  refused_or_read([&] {
    const inputs::Scenario s = inputs::load_scenario(main);
    model::ParameterTable table = b.table;
    (void)inputs::resolve_scenario(s, b.region, b.geography, table);
  });
}

void region(const std::uint8_t* data, std::size_t size) {
  // A copy of the bundled folder, made once; each input replaces one file and puts it back.
  static const std::vector<fs::path> files = [] {
    const fs::path folder = scratch() / "lsc";
    fs::create_directories(folder);
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(data_dir() / "lsc")) {
      fs::copy_file(e.path(), folder / e.path().filename(), fs::copy_options::overwrite_existing);
      if (e.path().extension() == ".csv" || e.path().extension() == ".json") out.push_back(folder / e.path().filename());
    }
    std::sort(out.begin(), out.end());
    return out;
  }();
  if (size == 0) return;
  const fs::path& victim = files[data[0] % files.size()];
  const std::string original = read(victim);
  write(victim, std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  refused_or_read([&] { (void)inputs::load_region(victim.parent_path()); });
  write(victim, original);
}

void parameters(const std::uint8_t* data, std::size_t size) {
  const fs::path file = scratch() / "parameters.csv";
  write(file, std::string_view(reinterpret_cast<const char*>(data), size));
  refused_or_read([&] { (void)inputs::load_parameters(file); });
}

void observed(const std::uint8_t* data, std::size_t size) {
  static const validation::ObservedVocabulary vocabulary = validation::vocabulary_of(bundled().region);
  refused_or_read([&] { (void)validation::parse_observed(std::string(reinterpret_cast<const char*>(data), size), "observed.csv", vocabulary); });
}

void sweep(const std::uint8_t* data, std::size_t size) {
  static const fs::path folder = [] {
    const fs::path f = scratch() / "sweep";
    fs::create_directories(f);
    for (const auto& e : fs::directory_iterator(fs::path(SHIFTSIM_FUZZ_SOURCE_DIR) / "scenarios"))
      if (e.path().extension() == ".json") fs::copy_file(e.path(), f / e.path().filename(), fs::copy_options::overwrite_existing);
    return f;
  }();
  const fs::path file = folder / "sweep.json";
  write(file, std::string_view(reinterpret_cast<const char*>(data), size));
  refused_or_read([&] { (void)runs::read_sweep_spec(file, folder / "baseline.json"); });
}

const std::vector<Target>& targets() {
  static const std::vector<Target> t{
      {"scenario", scenario}, {"region", region}, {"parameters", parameters}, {"observed", observed}, {"sweep", sweep}};
  return t;
}

}  // namespace shiftsim::fuzz
