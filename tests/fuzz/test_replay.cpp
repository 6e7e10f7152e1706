// Every stored fuzz input (tests/fuzz/corpus/TARGET: the seeds, and each crash or hang the
// fuzzers found, kept as a regression test) through its harness in this build: read or refused
// as bad input, never another exception (and, under the sanitizer presets, nothing a
// sanitizer reports).
#include "fuzz/harnesses.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

namespace fs = std::filesystem;

TEST_CASE("fuzz corpora: every stored input of every harness is read or refused as bad input") {
  const fs::path root = fs::path(SHIFTSIM_SOURCE_DIR) / "tests" / "fuzz" / "corpus";
  for (const auto& t : shiftsim::fuzz::targets()) {
    CAPTURE(t.name);
    const fs::path folder = root / t.name;
    REQUIRE_MESSAGE(fs::is_directory(folder), folder.string() << " is missing: every harness has a seed corpus");
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(folder))
      if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    CHECK(files.size() >= 3);
    for (const auto& f : files) {
      CAPTURE(f.filename().string());
      std::ifstream in(f, std::ios::binary);
      const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      CHECK_NOTHROW(t.run(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
    }
  }
}
