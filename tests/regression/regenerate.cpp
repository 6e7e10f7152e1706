// Rewrites tests/regression/expected/ from this build: runs the regression job with the
// shiftsim binary beside it and writes the canonical text of what it stored (see
// stored_summaries.hpp). scripts/regenerate-regression.sh builds and runs this.
#include "regression/stored_summaries.hpp"

#include <cstdlib>
#include <iostream>
#include <unistd.h>

int main() {
  namespace fs = std::filesystem;
  try {
    const fs::path work = fs::temp_directory_path() / ("shiftsim_regenerate_" + std::to_string(::getpid()));
    fs::remove_all(work);
    fs::create_directories(work);
    const fs::path db = work / "regression.db";
    const std::string cmd = "'" + std::string(SHIFTSIM_BINARY) + "' " + shiftsim::regression::job_arguments(SHIFTSIM_SOURCE_DIR) +
                            " --db '" + db.string() + "' --data '" + SHIFTSIM_TEST_DATA_DIR + "' > /dev/null";
    std::cout << "running: " << cmd << "\n";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("the regression job failed");
    const auto files = shiftsim::regression::read_back(db);
    const fs::path expected = fs::path(SHIFTSIM_SOURCE_DIR) / "tests" / "regression" / "expected";
    fs::create_directories(expected);
    for (const auto& [name, lines] : files) {
      const auto path = expected / name;
      std::ofstream out(path);
      for (const auto& l : lines) out << l << "\n";
      if (!out) throw std::runtime_error("cannot write " + path.string());
      std::cout << path.string() << ": " << lines.size() << " lines\n";
    }
    fs::remove_all(work);
  } catch (const std::exception& e) {
    std::cerr << "regenerate: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
