#include "model/core/errors.hpp"

#include <sstream>

namespace shiftsim {

std::string Problem::to_string() const {
  std::ostringstream out;
  out << file;
  if (line > 0) out << ", line " << line;
  if (!column.empty()) out << ", column '" << column << "'";
  out << ": " << message;
  return out.str();
}

namespace {
std::string join_problems(const std::vector<Problem>& problems) {
  std::ostringstream out;
  const std::size_t shown = std::min<std::size_t>(problems.size(), 25);
  for (std::size_t i = 0; i < shown; ++i) {
    if (i) out << '\n';
    out << problems[i].to_string();
  }
  if (problems.size() > shown) out << "\n... and " << problems.size() - shown << " more problems";
  return out.str();
}
}  // namespace

DataError::DataError(std::vector<Problem> problems)
    : InputError(join_problems(problems)), problems_(std::move(problems)) {}

}  // namespace shiftsim
