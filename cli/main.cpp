// shiftsim: the command line. Parses arguments and calls the commands; nothing else.
#include "cli/commands.hpp"
#include "model/core/types.hpp"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>

#ifndef SHIFTSIM_DATA_DIR
#define SHIFTSIM_DATA_DIR "data"
#endif
#ifndef SHIFTSIM_VERSION
#define SHIFTSIM_VERSION "unknown"
#endif

int main(int argc, char** argv) {
  using namespace shiftsim::cli;
  CLI::App app{
      "ShiftSim: tests 'shift' investment scenarios for Lancashire and South Cumbria's health and care system.\n"
      "It simulates every resident month by month (ageing, risk factors, long-term conditions, deaths, use of\n"
      "services) and reports demand, cost by payer and health, by year, ICP and deprivation quintile.",
      "shiftsim"};
  app.set_version_flag("--version", std::string("shiftsim ") + SHIFTSIM_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  shiftsim run scenarios/baseline.json                  five-year baseline, whole region, stored in shiftsim.db\n"
      "  shiftsim run scenarios/baseline.json --scale 0.1      a quick run with one agent per 10 residents\n"
      "  shiftsim run scenarios/baseline.json --replicates 5 --json > result.json\n"
      "  shiftsim check scenarios/six_shifts_plan.json          check a scenario for mistakes without running it\n"
      "  shiftsim run scenarios/shift1_prevention.json --scale 0.1\n"
      "  shiftsim compare scenarios/baseline.json scenarios/prevention_invest_to_save.json --replicates 20\n"
      "  shiftsim report --run 2 -o report.html                 the board report of a stored comparison\n"
      "  shiftsim export --run 2 --format xlsx -o case.xlsx     the invest-to-save case in Excel\n"
      "  shiftsim runs                                          list the runs stored in shiftsim.db\n"
      "  shiftsim params --filter mortality                     the parameters, their values and sources\n"
      "  shiftsim trial falls_prevention                         an intervention's in-silico trial against its study\n"
      "  shiftsim validate --report v.html                       the baseline against what happened (data/observed.csv)\n"
      "  shiftsim validate --from 2014 --years 9                 the same from a back-cast to mid-2014\n"
      "  shiftsim sweep scenarios/sweeps/invest_to_save_psa.json a resumable sweep; mpirun -np 4 shiftsim sweep ... on 4 processes\n"
      "Exit codes: 0 ok, 2 bad input (a message names the file and field), 1 internal error, 130 interrupted.");

  const char* env_data = std::getenv("SHIFTSIM_DATA");
  const std::string default_data = env_data ? env_data : SHIFTSIM_DATA_DIR;
  auto add_common = [&](CLI::App* cmd, Common& c) {
    c.data_dir = default_data;
    cmd->add_option("--data", c.data_dir,
                    "Folder with parameters.csv and the region data (default: the bundled data, or $SHIFTSIM_DATA)")
        ->capture_default_str();
    cmd->add_option("--region", c.region, "Region folder inside the data folder (default: the scenario's, lsc)");
  };

  RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "Run a scenario and store the results");
  run_cmd->description(
      "Run a scenario file and store every figure in the results database.\n"
      "Prints a table of the headline figures by year (July-June), or JSON with --json.");
  add_common(run_cmd, run.common);
  run_cmd->add_option("scenario", run.scenario, "Scenario file (JSON), e.g. scenarios/baseline.json")->required();
  run_cmd->add_option("--replicates,-r", run.replicates,
                      "Number of replicates (independent random runs) to summarise with intervals (default: the scenario's, 1)")
      ->check(CLI::Range(1, 1000));
  run_cmd->add_option("--seed", run.seed, "Random seed (default: the scenario's); same seed = same results")
      ->check(CLI::Range(0LL, 4294967295LL));
  run_cmd->add_option("--threads,-t", run.threads, "Threads to use (default: all cores); results do not depend on it")
      ->check(CLI::Range(0, 1024));
  run_cmd->add_option("--scale", run.scale,
                      "Share of residents simulated, e.g. 0.1 = one agent per 10 people (results are scaled back up; "
                      "default: the scenario's, 1)")
      ->check(CLI::Range(0.0001, 1.0));
  run_cmd->add_option("--mode", run.mode,
                      "hybrid: agents coupled with the ICPs' system models; sd: the same system models driven by cohort averages "
                      "(instant, deterministic, no interventions; default scale 0.1 for the averages)")
      ->check(CLI::IsMember({"hybrid", "sd"}))
      ->capture_default_str();
  run_cmd->add_option("--years", run.years, "Years to simulate (default: the scenario's)")->check(CLI::Range(1, shiftsim::model::kMaxYears));
  run_cmd->add_option("--db", run.db, "Results database file (SQLite)")->capture_default_str();
  run_cmd->add_flag("--json", run.json, "Print a machine-readable JSON summary on stdout instead of the table");

  ParamsOptions params;
  auto* params_cmd = app.add_subcommand("params", "Print the model's parameters with units, bounds and sources");
  add_common(params_cmd, params.common);
  params_cmd->add_option("--format", params.format, "table, csv or markdown")
      ->check(CLI::IsMember({"table", "csv", "markdown"}))
      ->capture_default_str();
  params_cmd->add_option("--filter", params.filter, "Only parameters whose name starts with this");
  params_cmd->add_flag("--derived", params.derived,
                       "Build the model (at --scale) to show the values derived from the region data");
  params_cmd->add_option("--scale", params.scale, "Share of residents synthesised for --derived")
      ->check(CLI::Range(0.0001, 1.0))
      ->capture_default_str();

  RunsOptions runs;
  auto* runs_cmd = app.add_subcommand("runs", "List the runs stored in a results database");
  runs_cmd->add_option("--db", runs.db, "Results database file")->capture_default_str();
  runs_cmd->add_flag("--json", runs.json, "JSON output");

  ValidateOptions validate;
  auto* validate_cmd = app.add_subcommand("validate", "Compare the model with what happened (observed series) and store the fit");
  validate_cmd->description(
      "Run a scenario (default: the bundled baseline) and compare every observed value it can reproduce, per series,\n"
      "geography and period: the replicates' mean and 90% interval against the observed value, the error, and per\n"
      "series the mean absolute percentage error (MAPE), bias and interval coverage. Rows outside the run, or for a\n"
      "sex or age band the outputs do not keep, are listed with the reason. Stored in the results database\n"
      "(tables validations, validation_rows, validation_series); --report writes a self-contained HTML report.\n"
      "The observed format (series,geography,period,sex,age_band,value,source) is documented in data/README.md.");
  add_common(validate_cmd, validate.common);
  validate_cmd->add_option("scenario", validate.scenario, "Scenario file (default: the bundled scenarios/baseline.json)");
  validate_cmd->add_option("--observed", validate.observed, "Observed series (CSV; default: the bundled data/observed.csv)");
  validate_cmd->add_option("--from", validate.from,
                           "Back-cast: start from this earlier mid-year (2011 to the year before the data's base year), the starting "
                           "population built from the base year's (docs/validation.md)")
      ->check(CLI::Range(1900, 2100));
  validate_cmd->add_option("--years", validate.years, "Years to simulate (from the data's base year, or from --from)")
      ->check(CLI::Range(1, shiftsim::model::kMaxYears))
      ->capture_default_str();
  validate_cmd->add_option("--replicates,-r", validate.replicates,
                           "Replicates (each with its own parameter draws): the 90% interval needs 20")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  validate_cmd->add_option("--scale", validate.scale, "Share of residents simulated")
      ->check(CLI::Range(0.0001, 1.0))
      ->capture_default_str();
  validate_cmd->add_option("--seed", validate.seed, "Random seed (default: the scenario's)")->check(CLI::Range(0LL, 4294967295LL));
  validate_cmd->add_option("--threads,-t", validate.threads, "Threads to use")->check(CLI::Range(0, 1024));
  validate_cmd->add_option("--db", validate.db, "Results database file (SQLite)")->capture_default_str();
  validate_cmd->add_option("--report", validate.report, "Write the validation report (HTML) to this file");
  validate_cmd->add_flag("--rows", validate.rows, "Print every compared row, not only the fit by series");

  CalibrateOptions calibrate;
  auto* calibrate_cmd = app.add_subcommand("calibrate", "Fit named parameters to target series (observed format)");
  calibrate_cmd->description(
      "Fit parameters to target series in the observed format (see validate): Nelder-Mead on the mean squared relative\n"
      "error of the replicates' mean, each parameter inside its bounds, the same seeds at every evaluation (common\n"
      "random numbers). Prints the fit before and after, writes a scenario (-o) that extends the scenario with the\n"
      "fitted values, and stores every evaluation in the results database (tables calibrations, calibration_evaluations).");
  add_common(calibrate_cmd, calibrate.common);
  calibrate_cmd->add_option("scenario", calibrate.scenario, "Scenario file (default: the bundled scenarios/baseline.json)");
  calibrate_cmd->add_option("--targets", calibrate.targets, "Target series (CSV in the observed format)")->required();
  calibrate_cmd->add_option("--params", calibrate.params, "Parameters to fit, comma-separated (names as in `shiftsim params`)")
      ->required()
      ->delimiter(',');
  calibrate_cmd->add_option("--from", calibrate.from, "Back-cast: each evaluation starts from this earlier mid-year (as validate --from)")
      ->check(CLI::Range(1900, 2100));
  calibrate_cmd->add_option("--years", calibrate.years, "Years each evaluation simulates")
      ->check(CLI::Range(1, shiftsim::model::kMaxYears))
      ->capture_default_str();
  calibrate_cmd->add_option("--replicates,-r", calibrate.replicates, "Replicates averaged at each evaluation")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  calibrate_cmd->add_option("--scale", calibrate.scale, "Share of residents simulated")->check(CLI::Range(0.0001, 1.0))->capture_default_str();
  calibrate_cmd->add_option("--seed", calibrate.seed, "Random seed (default: the scenario's)")->check(CLI::Range(0LL, 4294967295LL));
  calibrate_cmd->add_option("--threads,-t", calibrate.threads, "Threads to use")->check(CLI::Range(0, 1024));
  calibrate_cmd->add_option("--max-evaluations", calibrate.max_evaluations, "Stop after this many evaluations")
      ->check(CLI::Range(2, 10000))
      ->capture_default_str();
  calibrate_cmd->add_option("--tolerance", calibrate.tolerance, "Stop when the simplex spans less than this share of each parameter's range")
      ->check(CLI::Range(1e-9, 0.5))
      ->capture_default_str();
  calibrate_cmd->add_option("-o,--output", calibrate.output, "The calibrated scenario to write (JSON)")->required();
  calibrate_cmd->add_option("--db", calibrate.db, "Results database file (SQLite)")->capture_default_str();

  CheckOptions check;
  auto* check_cmd = app.add_subcommand("check", "Check a scenario file for mistakes without running it");
  check_cmd->description(
      "Check a scenario file (and every file it extends) against the scenario schema, the region and the\n"
      "parameter table. Lists every problem with its JSON path, the value found and what was expected,\n"
      "and exits 2; nothing is stored. On success, lists the interventions with their budgets, the spend a probe\n"
      "run expects by financial year and what limits it, when funding ends, and the finance rules that change the\n"
      "answer (price year, discount rates, the cashable set, the funding source).");
  add_common(check_cmd, check.common);
  check_cmd->add_option("scenario", check.scenario, "Scenario file (JSON)")->required();
  check_cmd->add_flag("--json", check.json, "JSON output");
  check_cmd->add_flag("!--no-probe", check.probe,
                      "Skip the probe run (scale 0.05, a few seconds) that gives each intervention's expected spend by financial year "
                      "and the limit that binds it (budget, uptake ceiling, eligible pool, enrolment events, ramp-up)");

  CompareOptions compare;
  auto* compare_cmd = app.add_subcommand("compare", "Run a baseline and scenarios with common random numbers and compare them");
  compare_cmd->description(
      "Run a baseline and one or more scenarios with common random numbers (replicate k of every arm uses the\n"
      "same seeds and the same parameter draws) and store them as one comparison: savings by payer, cashable\n"
      "savings, ROI, NPV, break-even year, who pays and who saves, deaths averted, QALYs, cost per QALY, life\n"
      "expectancy by quintile and the gap, each as a mean with its 90% interval over replicates.\n\n"
      "Defaults that change the answer (each scenario's \"finance\" block sets them; check prints them):\n"
      "  prices and discounting from the region's base year, FY2018/19; discount rates 3.5% for costs and\n"
      "  1.5% for health (HM Treasury Green Book); cashable savings: care_home_weeks and home_care_hours only\n"
      "  (finance.cashable); funding source: new money (finance.funding_source \"existing_budgets\" takes the\n"
      "  spend from the funders' services and shows the squeeze); funding stops when a scenario's years end,\n"
      "  however long --years runs (finance.continue_funding: true carries the last year's budget on); no\n"
      "  optimism bias (finance.optimism_bias).");
  add_common(compare_cmd, compare.common);
  compare_cmd->add_option("baseline", compare.baseline, "Baseline scenario file, e.g. scenarios/baseline.json")->required();
  compare_cmd->add_option("scenarios", compare.scenarios, "Scenario files to compare with the baseline")->required();
  compare_cmd->add_option("--replicates,-r", compare.replicates, "Replicates per arm (default: 20, the fewest for which a 90% interval is shown, or the baseline's if it sets more than 1; with fewer, means and their Monte Carlo standard errors)")->check(CLI::Range(1, 10000));
  compare_cmd->add_option("--seed", compare.seed, "Random seed for every arm (default: the baseline's)")->check(CLI::Range(0LL, 4294967295LL));
  compare_cmd->add_option("--threads,-t", compare.threads, "Threads to use (default: all cores); results do not depend on it")
      ->check(CLI::Range(0, 1024));
  compare_cmd->add_option("--scale", compare.scale, "Share of residents simulated (default: the baseline's)")->check(CLI::Range(1e-4, 1.0));
  compare_cmd->add_option("--years", compare.years, "Years to simulate (default: the baseline's)")->check(CLI::Range(1, shiftsim::model::kMaxYears));
  compare_cmd->add_option("--plan-years", compare.plan_years,
                          "Years of the plan whose figures are also given on their own when --years is longer, to see the "
                          "pay-back (default: the baseline's years)")
      ->check(CLI::Range(1, shiftsim::model::kMaxYears));
  compare_cmd->add_option("--db", compare.db, "Results database file (SQLite)")->capture_default_str();
  compare_cmd->add_flag("--independent-streams", compare.independent_streams,
                        "Give each arm its own seed instead of common random numbers (only to show the variance CRN removes)");
  compare_cmd->add_flag("--json", compare.json, "Print the comparison's summaries as JSON");

  SweepOptions sweep;
  auto* sweep_cmd = app.add_subcommand("sweep", "Run a sweep of scenarios x parameter values x replicates, resumably, on one or many processes");
  sweep_cmd->description(
      "Run every point of a sweep file (a scenario with one set of parameter values, applied to every arm) as a\n"
      "comparison with the baseline, replicate by replicate, as compare does. Each finished replicate of every\n"
      "arm is committed at once: stopping the sweep at any moment (Ctrl-C, kill -9, a cluster's time limit) loses\n"
      "only the work in flight, and running the same command again runs only what is not stored. Started by\n"
      "mpirun or srun (mpirun -np N shiftsim sweep FILE) it runs over N processes: rank 0 writes the database,\n"
      "ranks 1..N-1 run the tasks; the stored answer is the same, bit for bit (the digest printed at the end).\n"
      "The file's fields, the cluster recipe and the single writer's limits: docs/sweeps.md.");
  add_common(sweep_cmd, sweep.common);
  sweep_cmd->add_option("spec", sweep.spec, "Sweep file, e.g. scenarios/sweeps/invest_to_save_psa.json")->required();
  sweep_cmd->add_option("--db", sweep.db, "Results database file (SQLite)")->capture_default_str();
  sweep_cmd->add_option("--threads,-t", sweep.threads,
                        "Threads per process (default: all cores; under MPI the cores of a machine shared by its workers); "
                        "results do not depend on it")
      ->check(CLI::Range(0, 1024));
  sweep_cmd->add_flag("--list", sweep.list, "Print the points and what is stored of them, and run nothing");
  sweep_cmd->add_flag("--digest", sweep.digest,
                      "When the sweep is complete, print a digest of every value it stored (equal digests: the same answer, bit for "
                      "bit; reads the whole sweep, about 10 s a GB)");

  MetricsOptions metrics;
  auto* metrics_cmd = app.add_subcommand("metrics", "Print the metric dictionary: every outcome's name, unit and definition");
  metrics_cmd->add_option("--format", metrics.format, "table, csv or markdown")
      ->check(CLI::IsMember({"table", "csv", "markdown"}))->capture_default_str();

  ExportOptions exp;
  auto* export_cmd = app.add_subcommand("export", "Export a stored run or comparison as CSV, JSON or an Excel workbook");
  export_cmd->add_option("--db", exp.db, "Results database file")->capture_default_str();
  export_cmd->add_option("--run", exp.run, "A run id (its latest comparison is exported; `shiftsim runs` lists them)");
  export_cmd->add_option("--comparison", exp.comparison, "A comparison id (printed by `shiftsim compare`)");
  export_cmd->add_option("--format", exp.format, "csv (tidy long rows), json or xlsx")->capture_default_str();
  export_cmd->add_flag("--summary", exp.summary, "csv: the summaries over replicates instead of the per-replicate rows");
  export_cmd->add_flag("--excel-safe", exp.excel_safe,
                       "csv: for opening in a spreadsheet: a text cell beginning with = + - @ (which Excel would run as a formula) gets a "
                       "leading ' (without it the CSV is raw, for pandas and R)");
  export_cmd->add_option("--output,-o", exp.output, "File to write (default: standard output; required for xlsx)");

  ReportOptions report;
  auto* report_cmd = app.add_subcommand("report", "Write a self-contained HTML report of a stored run or comparison");
  report_cmd->add_option("--db", report.db, "Results database file")->capture_default_str();
  report_cmd->add_option("--run", report.run, "A run id (its latest comparison is reported)");
  report_cmd->add_option("--comparison", report.comparison, "A comparison id");
  report_cmd->add_option("--output,-o", report.output, "HTML file to write")->capture_default_str();

  ServeOptions serve;
  serve.data_dir = default_data;
  auto* serve_cmd = app.add_subcommand("serve", "A local web app: pick or write a plan, run it, compare plans, download the paper and workbook");
  serve_cmd->description(
      "Serve a local web app (http://127.0.0.1:8750/ by default) where a strategist picks a scenario from the library or edits one\n"
      "in a form (interventions, budgets, targeting, funder, years), sees check's messages next to the field, takes a quick look\n"
      "(one replicate at 2% scale), runs the full comparison with a progress bar and a cancel button, compares plans side by side\n"
      "and downloads the board paper and the workbook. Every run is stored in --db. Nothing is fetched from outside.");
  serve_cmd->add_option("--data", serve.data_dir, "Folder with parameters.csv and the region data")->capture_default_str();
  serve_cmd->add_option("--scenarios", serve.scenarios, "The library of scenario files (must hold baseline.json)")->capture_default_str();
  serve_cmd->add_option("--db", serve.db, "Results database file")->capture_default_str();
  serve_cmd->add_option("--host", serve.host, "Address to listen on (127.0.0.1: this machine only)")->capture_default_str();
  serve_cmd->add_option("--port", serve.port, "Port (0: any free port, printed)")->capture_default_str();
  serve_cmd->add_option("--threads", serve.threads, "Threads a run uses (0: all cores)")->capture_default_str()->check(CLI::Range(0, 1024));

  TrialOptions trial;
  auto* trial_cmd = app.add_subcommand("trial", "Run the in-silico trial of an intervention type and compare it with its study");
  trial_cmd->description(
      "Build the study population of an intervention type from the model's people (data/trials.csv: its study's inclusion\n"
      "criteria and enrolment event), randomise each person to the intervention or a sham, follow them for the study's\n"
      "follow-up, and print the effect on the outcome the study measured beside the published value and its 95% CI, and\n"
      "the return per GBP 1 at the study's follow-up and at --horizon-months. Nothing is stored.");
  add_common(trial_cmd, trial.common);
  trial_cmd->add_option("types", trial.types, "Intervention types (e.g. falls_prevention), or all")->required();
  trial_cmd->add_option("--seed", trial.seed, "Random seed")->check(CLI::Range(0LL, 4294967295LL))->capture_default_str();
  trial_cmd->add_option("--scale", trial.scale, "Share of residents simulated (default: each study's, in data/trials.csv)")
      ->check(CLI::Range(0.001, 1.0));
  trial_cmd->add_option("--horizon-months", trial.horizon_months, "Months after enrolment over which costs are also summed")
      ->check(CLI::Range(1, 240))
      ->capture_default_str();
  trial_cmd->add_option("--threads,-t", trial.threads, "Threads to use (default: all cores); results do not depend on it")
      ->check(CLI::Range(0, 1024));
  trial_cmd->add_flag("--json", trial.json, "JSON output");
  trial_cmd->add_flag("--markdown", trial.markdown, "The catalogue's evidence table as Markdown (docs/catalogue_evidence.md)");
  trial_cmd->add_option("--output,-o", trial.output, "File to write (default: standard output)");

  auto* schema_cmd = app.add_subcommand("schema", "Print the JSON Schema of scenario files (for editors and checks)");

  DocsOptions docs;
  auto* docs_cmd = app.add_subcommand("docs", "Write the model documentation (processes, equations, parameters)");
  add_common(docs_cmd, docs.common);
  docs_cmd->add_option("--output,-o", docs.output, "File to write (default: standard output)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (*run_cmd) return run_command(run);
  if (*compare_cmd) return compare_command(compare);
  if (*sweep_cmd) return sweep_command(sweep);
  if (*metrics_cmd) return metrics_command(metrics);
  if (*export_cmd) return export_command(exp);
  if (*report_cmd) return report_command(report);
  if (*serve_cmd) return serve_command(serve);
  if (*params_cmd) return params_command(params);
  if (*runs_cmd) return runs_command(runs);
  if (*validate_cmd) return validate_command(validate);
  if (*calibrate_cmd) {
    std::string line = "shiftsim";
    for (int k = 1; k < argc; ++k) line += std::string(" ") + argv[k];
    calibrate.command_line = line;
    return calibrate_command(calibrate);
  }
  if (*docs_cmd) return docs_command(docs);
  if (*check_cmd) return check_command(check);
  if (*schema_cmd) return schema_command();
  if (*trial_cmd) return trial_command(trial);
  return 2;
}
