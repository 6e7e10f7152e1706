// JSON as the project's input files must be: every file a user edits by hand (scenarios,
// region.json, sweep files) is read through parse_strict_json, which refuses what
// nlohmann::json would accept silently or fail on badly:
//   - a key given twice in one object ("years": 3, "years": 4 - the last would win), named
//     with its JSON pointer path;
//   - nesting deeper than kMaxJsonDepth (a file nested thousands deep crashed the process);
//   - a number outside the range of a double (1e400), reported as bad input, not as an
//     internal error;
//   - anything else that is not JSON, at its line and column.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace shiftsim::inputs {

/// Objects and arrays may nest this deep (the deepest shipped file nests 6).
inline constexpr int kMaxJsonDepth = 64;

/// What is wrong, located: `path` a JSON pointer ("" when the position is all there is),
/// `message` the rest, with its line and column where known.
struct JsonProblem {
  std::string path;
  std::string message;
};

class JsonInputError : public std::exception {
 public:
  explicit JsonInputError(JsonProblem p) : problem_(std::move(p)), what_((problem_.path.empty() ? "" : problem_.path + ": ") + problem_.message) {}
  const JsonProblem& problem() const { return problem_; }
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  JsonProblem problem_;
  std::string what_;
};

/// Parses `text` strictly (above); throws JsonInputError.
nlohmann::json parse_strict_json(const std::string& text);

}  // namespace shiftsim::inputs
