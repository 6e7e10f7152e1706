// The regression test (stored_summaries.hpp): the job's stored numbers, every one of them,
// must equal the files in tests/regression/expected/. A difference lists the lines that
// changed. Regenerate deliberately with scripts/regenerate-regression.sh, in its own commit.
#include "regression/stored_summaries.hpp"
#include "support/cli.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace {

std::vector<std::string> read_lines(const fs::path& f) {
  std::ifstream in(f);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

/// The lines of one side not in the other (as multisets), at most `limit` of them, and how many.
std::string missing(const std::vector<std::string>& a, const std::vector<std::string>& b, std::size_t& count, std::size_t limit = 12) {
  std::multiset<std::string> rest(b.begin(), b.end());
  std::ostringstream out;
  count = 0;
  for (const auto& l : a) {
    const auto it = rest.find(l);
    if (it != rest.end()) {
      rest.erase(it);
      continue;
    }
    if (count++ < limit) out << "    " << l << "\n";
  }
  return out.str();
}

}  // namespace

TEST_CASE("regression: every number the baseline and six-shifts comparison stores equals the stored summaries") {
  const fs::path dir = fs::temp_directory_path() / ("shiftsim_regression_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto r = shiftsim::test::run_cli(shiftsim::regression::job_arguments(SHIFTSIM_SOURCE_DIR) + " --db regression.db --data '" +
                                             std::string(SHIFTSIM_TEST_DATA_DIR) + "'",
                                         dir);
  REQUIRE_MESSAGE(r.code == 0, shiftsim::test::read(dir / "stderr.txt"));
  const auto actual = shiftsim::regression::read_back(dir / "regression.db");
  const fs::path expected_dir = fs::path(SHIFTSIM_SOURCE_DIR) / "tests" / "regression" / "expected";
  for (const std::string name : shiftsim::regression::kFiles) {
    const auto expected = read_lines(expected_dir / name);
    REQUIRE_MESSAGE(!expected.empty(), (expected_dir / name).string() << " is missing: run scripts/regenerate-regression.sh");
    const auto& got = actual.at(name);
    std::size_t gone = 0, added = 0;
    const std::string was = missing(expected, got, gone), now = missing(got, expected, added);
    INFO(name << ": " << gone << " stored line(s) differ from this build's\n  expected (stored):\n" << was << "  this build:\n" << now
              << "  (a deliberate change: scripts/regenerate-regression.sh, in its own commit with the reason)");
    CHECK(gone == 0);
    CHECK(added == 0);
  }
  fs::remove_all(dir);
}
