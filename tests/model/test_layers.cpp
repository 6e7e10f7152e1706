// The rooms of model/ (model/CMakeLists.txt) depend on each other only downwards: a file in
// one room includes headers of the rooms below it and never of a room above or beside it.
// (The link targets say the same; this names the file and the include that breaks it.)
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>

namespace fs = std::filesystem;

TEST_CASE("layers: each room of model/ includes only the rooms it stands on") {
  const std::map<std::string, std::set<std::string>> allowed{
      {"core", {"core"}},
      {"world", {"core", "world"}},
      {"people", {"core", "world", "people"}},
      {"programmes", {"core", "world", "people", "system", "programmes"}},
      {"system", {"core", "system"}},
      {"hybrid", {"core", "world", "people", "programmes", "system", "hybrid"}},
      {"simulation", {"core", "world", "people", "programmes", "system", "hybrid", "simulation"}},
  };
  const fs::path model = fs::path(SHIFTSIM_SOURCE_DIR) / "model";
  const std::regex include(R"re(#include "model/([a-z_]+)/)re");
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(model)) {
    const auto ext = entry.path().extension();
    if (ext != ".cpp" && ext != ".hpp") continue;
    const std::string room = entry.path().parent_path().filename().string();
    INFO(entry.path().string());
    REQUIRE_MESSAGE(allowed.count(room) == 1, "a source file outside the rooms");
    ++files;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (!std::regex_search(line, m, include)) continue;
      CHECK_MESSAGE(allowed.at(room).count(m[1].str()) == 1, room << " includes " << line);
    }
  }
  CHECK(files > 50);
}
