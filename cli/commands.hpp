// The shiftsim commands. Each returns the process exit code: 0 ok, 2 bad input, 1 internal
// error (130 when interrupted). This layer only wires the libraries together.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace shiftsim::cli {

struct Common {
  std::string data_dir;  // folder holding parameters.csv and the region folders
  std::string region;    // empty: the scenario's region (default lsc)
};

struct RunOptions {
  Common common;
  std::string scenario;
  std::string db = "shiftsim.db";
  int replicates = 0;   // 0: the scenario's (default 1)
  long long seed = -1;  // -1: the scenario's seed
  int threads = 0;      // 0: all cores
  double scale = 0;     // 0: the scenario's (default 1); --mode sd: 0.1
  std::string mode = "hybrid";  // hybrid or sd
  int years = 0;        // 0: the scenario's
  bool json = false;
};
int run_command(const RunOptions& options);

struct CompareOptions {
  Common common;
  std::string baseline;
  std::vector<std::string> scenarios;
  std::string db = "shiftsim.db";
  int replicates = 0;   // 0: the baseline's
  long long seed = -1;  // -1: the baseline's (every arm uses it: common random numbers)
  int threads = 0;
  double scale = 0;     // 0: the baseline's
  int years = 0;        // 0: the baseline's
  int plan_years = 0;   // 0: the baseline's years (the plan's figures apart when the run is longer)
  bool independent_streams = false;  // each arm its own seed: only to show what CRN buys
  bool json = false;
};
/// Runs the baseline and every scenario with common random numbers and stores them as one
/// comparison; prints the invest-to-save and health answers with intervals.
int compare_command(const CompareOptions& options);

struct SweepOptions {
  Common common;
  std::string spec;               // the sweep file
  std::string db = "shiftsim.db";
  int threads = 0;                // 0: all cores (under MPI: the node's cores shared by its workers)
  bool list = false;              // print the points and what is stored; run nothing
  bool digest = false;            // print the digest of every stored value (reads the whole sweep)
};
/// Runs a sweep (scenarios x parameter values x replicates), resumably; over MPI processes when
/// started by mpirun or srun (runs/sweep_mpi.hpp).
int sweep_command(const SweepOptions& options);

struct MetricsOptions {
  std::string format = "table";  // table, csv, markdown
};
/// Prints the outcome dictionary and the model's metric dictionary.
int metrics_command(const MetricsOptions& options);

struct ExportOptions {
  std::string db = "shiftsim.db";
  long long run = -1, comparison = -1;
  std::string format = "csv";  // csv, json, xlsx
  bool summary = false;        // csv: the summaries instead of the per-replicate rows
  bool excel_safe = false;     // csv: text cells that Excel would run as formulas get a leading '
  std::string output;          // empty: standard output (csv, json); required for xlsx
};
int export_command(const ExportOptions& options);

struct ServeOptions {
  std::string data_dir;                // folder holding parameters.csv and the region folders
  std::string scenarios = "scenarios";  // the library of scenario files (must hold baseline.json)
  std::string db = "serve.db";         // where every run is stored
  std::string host = "127.0.0.1";      // only this machine unless told
  int port = 8750;                     // 0: any free port (printed)
  int threads = 0;                     // 0: all cores
};
int serve_command(const ServeOptions& options);
/// The server itself (cli/serve.cpp): runs until SIGINT or SIGTERM; throws on bad options.
int serve_forever(const ServeOptions& options);

struct ReportOptions {
  std::string db = "shiftsim.db";
  long long run = -1, comparison = -1;
  std::string output = "report.html";
};
int report_command(const ReportOptions& options);

struct ParamsOptions {
  Common common;
  std::string format = "table";  // table, csv, markdown
  std::string filter;            // name prefix
  bool derived = false;          // build the model to show the derived values
  double scale = 0.1;
};
int params_command(const ParamsOptions& options);

struct RunsOptions {
  std::string db = "shiftsim.db";
  bool json = false;
};
int runs_command(const RunsOptions& options);

struct ValidateOptions {
  Common common;
  std::string scenario;   // empty: the bundled baseline
  std::string observed;   // empty: the bundled data/observed.csv
  int from = 0;           // a back-cast from this mid-year (0: the data's base year)
  int years = 5;
  int replicates = 20;
  double scale = 1.0;
  long long seed = -1;
  int threads = 0;
  std::string db = "shiftsim.db";
  std::string report;     // the HTML report, if given
  bool rows = false;      // print every compared row
};
int validate_command(const ValidateOptions& options);

struct CalibrateOptions {
  Common common;
  std::string scenario;   // empty: the bundled baseline
  std::string targets;
  std::vector<std::string> params;
  int from = 0;           // a back-cast from this mid-year (0: the data's base year)
  int years = 1;
  int replicates = 4;
  double scale = 1.0;
  long long seed = -1;
  int threads = 0;
  int max_evaluations = 40;
  double tolerance = 1e-3;
  std::string output;     // the scenario file written (extends the scenario, with the fitted parameters)
  std::string db = "shiftsim.db";
  std::string command_line;  // as typed, for the record
};
int calibrate_command(const CalibrateOptions& options);

struct TrialOptions {
  Common common;
  std::vector<std::string> types;  // catalogue types, or "all"
  std::uint32_t seed = 20180701;
  double scale = 0;                // 0: each study's
  int horizon_months = 60;
  int threads = 0;
  bool json = false;
  bool markdown = false;
  std::string output;  // file to write (default: standard output)
};
/// Runs the in-silico trial of each type (validation/trials.hpp) and prints it beside its study.
int trial_command(const TrialOptions& options);

struct CheckOptions {
  Common common;
  std::string scenario;
  bool json = false;
  bool probe = true;  // a small probe run for each intervention's expected spend and its binding limit
};
/// Validates a scenario (schema, then against the region and parameters) without running it.
int check_command(const CheckOptions& options);
/// Prints the scenario JSON Schema.
int schema_command();

struct DocsOptions {
  Common common;
  std::string output;  // empty: stdout
};
int docs_command(const DocsOptions& options);

}  // namespace shiftsim::cli
