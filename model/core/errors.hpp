// The typed exception family. Exceptions are thrown at the edges (files, scenarios, command
// line); inside hot loops the model uses assertions instead. Library code never exits.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace shiftsim {

/// Base of everything ShiftSim throws on purpose.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Bad user input (a data file, a scenario, a command-line value): the CLI exits with 2.
class InputError : public Error {
 public:
  using Error::Error;
};

/// One problem found in an input file, located as precisely as the file allows.
struct Problem {
  std::string file;    // path as given
  long line = 0;       // 1-based; 0 when the problem is about the whole file
  std::string column;  // column name (or empty)
  std::string message; // what was found and what was expected
  std::string to_string() const;
};

/// A data file (region CSV, parameter table) is malformed. Carries every problem found.
class DataError : public InputError {
 public:
  explicit DataError(std::vector<Problem> problems);
  const std::vector<Problem>& problems() const { return problems_; }

 private:
  std::vector<Problem> problems_;
};

/// A parameter is missing, outside its bounds or not a number.
class ParameterError : public InputError {
 public:
  using InputError::InputError;
};

/// Something the program itself got wrong (an invariant broke): the CLI exits with 1.
class InternalError : public Error {
 public:
  using Error::Error;
};

/// Thrown when a run's cancel flag is set (checked between months).
class Cancelled : public Error {
 public:
  Cancelled() : Error("the run was interrupted") {}
};

}  // namespace shiftsim
