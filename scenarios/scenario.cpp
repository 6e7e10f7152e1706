#include "scenarios/scenario.hpp"

#include "model/errors.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <vector>

namespace shiftsim::inputs {

Scenario parse_scenario(const std::string& text, const std::string& file) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(file + ": is not valid JSON: " + e.what());
  }
  std::vector<std::string> problems;
  if (!j.is_object()) throw InputError(file + ": must be a JSON object");
  static const std::set<std::string> known{"name", "description", "start_year", "years", "seed"};
  for (auto& [key, value] : j.items())
    if (!known.count(key))
      problems.push_back("/" + key + ": unknown key (known keys: name, description, start_year, years, seed)");
  Scenario s;
  s.source_text = text;
  s.path = file;
  if (!j.contains("name") || !j["name"].is_string() || j["name"].get<std::string>().empty())
    problems.push_back("/name: must be a non-empty string");
  else
    s.name = j["name"].get<std::string>();
  if (j.contains("description")) {
    if (!j["description"].is_string()) problems.push_back("/description: must be a string");
    else s.description = j["description"].get<std::string>();
  }
  auto integer = [&](const char* key, long lo, long hi, auto& out) {
    if (!j.contains(key)) return;
    const auto& v = j[key];
    if (!v.is_number_integer()) {
      problems.push_back(std::string("/") + key + ": is " + v.dump() + ", but must be a whole number");
      return;
    }
    const long x = v.get<long>();
    if (x < lo || x > hi) {
      problems.push_back(std::string("/") + key + ": is " + std::to_string(x) + ", but must be between " +
                         std::to_string(lo) + " and " + std::to_string(hi));
      return;
    }
    out = static_cast<std::decay_t<decltype(out)>>(x);
  };
  integer("start_year", 2000, 2100, s.start_year);
  integer("years", 1, 25, s.years);
  integer("seed", 0, 4294967295L, s.seed);
  if (!problems.empty()) {
    std::ostringstream msg;
    msg << file << ": " << problems.size() << (problems.size() == 1 ? " problem" : " problems");
    for (const auto& p : problems) msg << "\n  " << p;
    throw InputError(msg.str());
  }
  return s;
}

Scenario load_scenario(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw InputError(file.string() + ": cannot open the scenario file (does it exist?)");
  std::ostringstream buf;
  buf << in.rdbuf();
  return parse_scenario(buf.str(), file.string());
}

}  // namespace shiftsim::inputs
