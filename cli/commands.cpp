#include "cli/commands.hpp"

#include "model/simulation/documentation.hpp"
#include "model/core/errors.hpp"
#include "model/simulation/simulation.hpp"
#include "runs/experiment.hpp"
#include "runs/inputs.hpp"
#include "runs/store_writer.hpp"
#include "runs/sweep.hpp"
#include "runs/sweep_mpi.hpp"
#include "results/comparison.hpp"
#include "results/spend.hpp"
#include "results/document.hpp"
#include "results/economics.hpp"
#include "results/format.hpp"
#include "results/view.hpp"
#include "results/report.hpp"
#include "results/store.hpp"
#include "results/workbook.hpp"
#include "results/summary.hpp"
#include "scenarios/parameter_loader.hpp"
#include "scenarios/scenario.hpp"
#include "validation/compare.hpp"
#include "validation/deaths.hpp"
#include "validation/report.hpp"
#include "validation/validation_store.hpp"
#include "validation/trials.hpp"
#include <tbb/global_control.h>

#include <tbb/info.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <cmath>
#include <iostream>
#include <memory>
#include <unistd.h>

#ifndef SHIFTSIM_VERSION
#define SHIFTSIM_VERSION "unknown"
#endif

namespace shiftsim::cli {

namespace fs = std::filesystem;

namespace {

// The signal handler's flag: the only process-wide state, and only the command line's. A
// command's SignalScope passes it on to its own cancel token. (A lock-free atomic: safe in a
// signal handler and read by the worker threads.)
std::atomic<bool> g_signalled{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_signal(int) {
  const int saved = errno;
  g_signalled.store(true);
  // A second interrupt stops at once.
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  errno = saved;
}

runs::DataSource source_of(const Common& c) { return {c.data_dir, c.region}; }

/// The test hook SHIFTSIM_TEST_FAIL_AT_MONTH=n, read once per command: the run fails after
/// month n, so the test suite can check that a run failing after it started stores nothing.
std::function<void(const runs::Task&, int)> injected_failure() {
  const char* at = std::getenv("SHIFTSIM_TEST_FAIL_AT_MONTH");
  if (!at) return {};
  const int month = std::atoi(at);
  return [month](const runs::Task&, int m) {
    if (m == month) throw InternalError("failure injected by SHIFTSIM_TEST_FAIL_AT_MONTH");
  };
}

std::string money_text(double gbp) { return results::money(gbp, results::MoneyStyle::terminal); }
std::string fy_text(double year) { return results::financial_year_label(static_cast<int>(year)); }

int threads_or_all(int threads) { return threads > 0 ? threads : tbb::info::default_concurrency(); }

/// Runs a guarded body; maps exceptions to exit codes and clear messages.
template <class F>
int guarded(F&& body) {
  try {
    return body();
  } catch (const shiftsim::Cancelled& e) {
    std::cerr << "shiftsim: " << e.what() << "\n";
    return 130;
  } catch (const InputError& e) {
    std::cerr << "shiftsim: bad input:\n" << e.what() << "\n";
    return 2;
  } catch (const results::StoreError& e) {
    std::cerr << "shiftsim: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "shiftsim: internal error: " << e.what() << "\n";
    return 1;
  }
}

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled && isatty(STDERR_FILENO)) {}
  void show(double done, int replicates, int years) {
    if (!enabled_) return;
    const int width = 30;
    const int filled = static_cast<int>(done * width);
    std::fprintf(stderr, "\r[%-*s] %3d%%  %d replicate%s of %d years", width, std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 static_cast<int>(done * 100), replicates, replicates == 1 ? "" : "s", years);
    std::fflush(stderr);
  }
  void done() {
    if (enabled_) std::fprintf(stderr, "\r%70s\r", "");
  }

 private:
  bool enabled_;
};

}  // namespace

namespace {

void check_db_folder(const std::string& db) {
  const fs::path db_dir = fs::absolute(db).parent_path();
  if (!fs::is_directory(db_dir)) throw InputError(db + ": the folder for the results database does not exist");
}

/// Ctrl-C and SIGTERM cancel the command's runs: a progress callback that sees the signal
/// flag cancels the token.
class SignalScope {
 public:
  SignalScope() {
    g_signalled.store(false);
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
  }
  ~SignalScope() {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
  }
  runs::CancelToken token;
  void poll() {
    if (g_signalled.load()) token.cancel();
  }
};

/// The controls of a command's runs: threads, the signal's token, the progress bar, the hook.
runs::Controls controls_of(int threads, SignalScope& signals, ProgressBar& bar, int replicates_shown, int years) {
  runs::Controls c;
  c.threads = threads;
  c.cancel = &signals.token;
  c.progress = [&signals, &bar, replicates_shown, years](const runs::Progress& p) {
    signals.poll();
    bar.show(static_cast<double>(p.months_done) / static_cast<double>(p.months_total), replicates_shown, years);
  };
  auto fail = injected_failure();
  c.after_month = [&signals, fail](const runs::Task& t, int m) {
    signals.poll();
    if (fail) fail(t, m);
  };
  return c;
}

}  // namespace

int run_command(const RunOptions& o) {
  return guarded([&]() -> int {
    const auto t0 = std::chrono::steady_clock::now();
    runs::ExperimentSettings settings;
    settings.replicates = o.replicates;
    settings.years = o.years;
    settings.plan_years = -1;  // a single run has no plan period
    settings.scale = o.scale;
    settings.seed = o.seed;
    settings.mode = o.mode == "sd" ? model::Mode::sd : model::Mode::hybrid;
    const runs::Experiment experiment({runs::prepare_arm(o.scenario, source_of(o.common))}, settings);
    const runs::Arm& arm = experiment.arms().front();
    const int threads = threads_or_all(o.threads);
    check_db_folder(o.db);
    results::ResultsStore store(o.db);
    runs::StoreWriter writer(store, experiment, {SHIFTSIM_VERSION, threads});
    writer.keep_outputs(true);  // for the printed summary
    SignalScope signals;
    ProgressBar bar(!o.json);
    try {
      const auto stored =
          runs::run_and_store(experiment, writer, controls_of(threads, signals, bar, experiment.replicates(), experiment.years()));
      bar.done();
      const auto outs = writer.outputs(0);
      const auto& totals = writer.totals(0);
      results::RunFacts f;
      f.run_id = stored.run_ids.front();
      f.scenario = arm.scenario.name;
      f.data_version = arm.inputs->region.data_version;
      f.program_version = SHIFTSIM_VERSION;
      f.seed = experiment.seed();
      f.replicates = experiment.replicates();
      f.threads = threads;
      f.scale = experiment.scale();
      f.mode = o.mode;
      f.agents = static_cast<long long>(outs.front()->agents_at_start);
      f.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      f.setup_seconds = totals.setup_seconds;
      f.agent_months_per_second = totals.simulate_seconds > 0 ? totals.agent_months / totals.simulate_seconds : 0;
      f.database = o.db;
      const auto summary = results::summarise(outs);
      if (o.json) {
        auto j = results::to_json(f, summary);
        j["comparison_id"] = stored.comparison_id;
        std::cout << j.dump(2) << "\n";
      } else {
        std::cout << results::to_table(f, summary);
      }
      return 0;
    } catch (const shiftsim::Cancelled&) {
      bar.done();
      std::cerr << "shiftsim: interrupted; run " << writer.run_ids().front() << " is marked interrupted and stored nothing\n";
      return 130;
    } catch (...) {
      bar.done();
      throw;
    }
  });
}

int params_command(const ParamsOptions& o) {
  return guarded([&]() -> int {
    const fs::path file = fs::path(o.common.data_dir) / "parameters.csv";
    auto table = inputs::load_parameters(file);
    if (o.derived) {
      // The derived values depend on the synthesised population a little (seed and scale).
      const auto in = runs::load_inputs(source_of(o.common));
      const model::World world = model::build_world(in->region, in->table);
      model::RunSettings s;
      s.start_year = in->region.base_year;
      s.months = 1;
      s.scale = o.scale;
      const model::Simulation sim(world, s);
      table = sim.parameter_table();
    }
    auto value = [](const model::ParameterRow& r) {
      if (!r.value) return std::string(r.derived ? "derived" : "");
      char b[32];
      std::snprintf(b, sizeof b, "%.6g", *r.value);
      return std::string(b);
    };
    if (o.format == "markdown") {
      std::cout << model::parameter_tables_markdown(table, o.filter);
      return 0;
    }
    for (const auto& r : table.rows()) {
      if (!o.filter.empty() && r.name.rfind(o.filter, 0) != 0) continue;
      if (o.format == "csv") {
        const auto q = results::csv_quoted;
        const std::string unc = r.uncertainty.kind == model::Distribution::Kind::fixed ? "" : r.uncertainty.to_string();
        std::cout << q(r.name) << "," << value(r) << "," << q(r.unit) << "," << r.lower << "," << r.upper << "," << q(unc)
                  << "," << q(r.group) << "," << q(r.description) << "," << q(r.source) << "\n";
      } else {
        std::printf("%-58s %10s  %-22s %s\n", r.name.c_str(), value(r).c_str(), r.unit.c_str(), r.source.substr(0, 90).c_str());
      }
    }
    return 0;
  });
}

int runs_command(const RunsOptions& o) {
  return guarded([&]() -> int {
    if (!fs::exists(o.db)) throw InputError(o.db + ": no results database here (run a scenario first, or give --db)");
    results::ResultsStore store(o.db);
    const auto runs = store.runs();
    if (o.json) {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& r : runs) {
        j.push_back({{"run_id", r.run_id}, {"scenario", r.scenario_name}, {"status", r.status}, {"seed", r.seed},
                     {"replicates", r.replicates}, {"scale", r.scale}, {"years", r.years}, {"started_at", r.started_at},
                     {"finished_at", r.finished_at}, {"data_version", r.data_version},
                     {"program_version", r.program_version}, {"message", r.message},
                     {"metric_rows", store.metric_row_count(r.run_id)}});
      if (const auto c = results::latest_comparison(store, r.run_id)) {
        j.back()["comparison_id"] = c->comparison_id;
        j.back()["role"] = c->role;
      }
      }
      std::cout << j.dump(2) << "\n";
      return 0;
    }
    std::printf("%6s  %-26s %-12s %12s %5s %6s  %-20s  %11s  %s\n", "run", "scenario", "status", "seed", "reps", "scale",
                "started (UTC)", "metric rows", "comparison");
    for (const auto& r : runs) {
      const auto c = results::latest_comparison(store, r.run_id);
      const std::string cmp = c ? std::to_string(c->comparison_id) + " (" + c->role + ")" : "-";
      std::printf("%6lld  %-26s %-12s %12u %5d %6.3g  %-20s  %11lld  %s\n", static_cast<long long>(r.run_id),
                  r.scenario_name.c_str(), r.status.c_str(), r.seed, r.replicates, r.scale, r.started_at.c_str(),
                  store.metric_row_count(r.run_id), cmp.c_str());
    }
    return 0;
  });
}

namespace {
// Defined below, with the exports (a temporary file renamed into place).
void write_file(const std::string& path, const std::function<void(std::ostream&)>& body);
/// A folder as typed, without a trailing separator ("data/" -> "data"), so that its parent is
/// the folder that holds it.
fs::path folder_of(const std::string& typed) {
  fs::path p = fs::path(typed).lexically_normal();
  if (!p.has_filename() && p.has_parent_path()) p = p.parent_path();
  return p;
}
/// The scenario typed, or the bundled baseline beside the bundled data.
fs::path scenario_or_baseline(const std::string& typed, const std::string& data_dir) {
  if (!typed.empty()) return typed;
  const fs::path baseline = folder_of(data_dir).parent_path() / "scenarios" / "baseline.json";
  if (!fs::is_regular_file(baseline)) throw InputError("no scenario given and no bundled baseline at " + baseline.string() + "; give a scenario file");
  return baseline;
}
/// A file's bytes, as read (stored with a validation or calibration).
std::string file_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
}  // namespace

int validate_command(const ValidateOptions& o) {
  return guarded([&]() -> int {
    const fs::path scenario = scenario_or_baseline(o.scenario, o.common.data_dir);
    const fs::path observed = o.observed.empty() ? folder_of(o.common.data_dir) / "observed.csv" : fs::path(o.observed);
    runs::ExperimentSettings settings;
    settings.replicates = o.replicates;
    settings.years = o.years;
    settings.plan_years = -1;
    settings.scale = o.scale;
    settings.seed = o.seed;
    runs::DataSource source = source_of(o.common);
    source.back_cast_year = o.from;
    const runs::Experiment experiment({runs::prepare_arm(scenario, source)}, settings);
    const runs::Arm& arm = experiment.arms().front();
    const model::RegionData& region = arm.inputs->region;
    // The observed file first: a bad row is reported before anything runs.
    const auto rows = validation::read_observed(observed, validation::vocabulary_of(region));
    const std::string observed_text = file_text(observed);
    check_db_folder(o.db);
    if (!o.report.empty()) {
      const fs::path parent = fs::path(o.report).parent_path();
      if (!parent.empty() && !fs::is_directory(parent)) throw InputError(o.report + ": the folder for the report does not exist");
    }
    const int threads = threads_or_all(o.threads);
    std::vector<std::unique_ptr<model::RunOutput>> outputs(static_cast<std::size_t>(experiment.replicates()));
    SignalScope signals;
    ProgressBar bar(true);
    try {
      runs::run_tasks(experiment, experiment.tasks(), controls_of(threads, signals, bar, experiment.replicates(), experiment.years()),
                      [&](const runs::Task& t, runs::TaskResult&& r) { outputs[static_cast<std::size_t>(t.replicate)] = std::move(r.output); });
    } catch (const shiftsim::Cancelled&) {
      bar.done();
      std::cerr << "shiftsim: interrupted; no validation was stored\n";
      return 130;
    }
    bar.done();
    std::vector<const model::RunOutput*> runs_out;
    for (const auto& out : outputs) runs_out.push_back(out.get());
    const validation::Validation v = validation::compare_observed(rows, runs_out, region);
    validation::ValidationRecord rec;
    rec.scenario_name = arm.scenario.name;
    rec.scenario_text = arm.scenario.source_text;
    rec.observed_file = observed.string();
    rec.observed_text = observed_text;
    rec.data_version = region.data_version;
    rec.parameters_version = arm.inputs->parameters_version;
    rec.program_version = SHIFTSIM_VERSION;
    rec.seed = experiment.seed();
    rec.replicates = experiment.replicates();
    rec.scale = experiment.scale();
    rec.base_year = region.data_base_year;
    rec.run_start_year = experiment.run_start_year();
    rec.months = experiment.months();
    rec.method = region.back_cast_method.empty() ? "the region data's own base population (ONS mid-" + std::to_string(region.base_year) +
                                                       "), as every run; observed values before it are not compared"
                                                 : region.back_cast_method;
    results::ResultsStore store(o.db);
    const std::int64_t id = validation::store_validation(store, rec, v);
    if (!o.report.empty()) {
      const auto stored = validation::read_validation(store, id);
      std::map<std::string, std::string> names;
      for (const auto& d : region.districts) names[d.code] = d.name;
      try {
        write_file(o.report, [&](std::ostream& f) { f << validation::validation_report_html(stored, o.db, names); });
      } catch (...) {
        validation::delete_validation(store, id);  // a failed command stores nothing
        throw;
      }
    }
    std::cout << "Validation " << id << " stored in " << o.db << ": " << rec.scenario_name << " from mid-" << rec.run_start_year << ", "
              << rec.months << " months, " << rec.replicates << " replicates at scale " << rec.scale << ", seed " << rec.seed << "; observed "
              << observed.string() << " (" << rows.size() << " rows)\n\n"
              << validation::format_validation(v, o.rows);
    if (!o.report.empty()) {
      std::cout << "Report: " << o.report << "\n";
    }
    return 0;
  });
}

int calibrate_command(const CalibrateOptions& o) {
  return guarded([&]() -> int {
    const fs::path scenario = scenario_or_baseline(o.scenario, o.common.data_dir);
    const fs::path out_file(o.output);
    if (!out_file.parent_path().empty() && !fs::is_directory(out_file.parent_path()))
      throw InputError(o.output + ": the folder for the calibrated scenario does not exist");
    check_db_folder(o.db);
    validation::CalibrationSpec spec;
    spec.parameters = o.params;
    spec.settings.replicates = o.replicates;
    spec.settings.years = o.years;
    spec.settings.plan_years = -1;
    spec.settings.scale = o.scale;
    spec.settings.seed = o.seed;
    spec.threads = threads_or_all(o.threads);
    spec.max_evaluations = o.max_evaluations;
    spec.tolerance = o.tolerance;
    runs::DataSource source = source_of(o.common);
    source.back_cast_year = o.from;
    const runs::Arm arm = runs::prepare_arm(scenario, source);
    spec.targets = validation::read_observed(o.targets, validation::vocabulary_of(arm.inputs->region));
    spec.on_evaluation = [](int k, const std::vector<double>& x, double loss) {
      std::cerr << "calibrate: evaluation " << k << ":";
      for (const double v : x) std::cerr << " " << v;
      std::cerr << "  loss " << loss << "\n";
    };
    const runs::Experiment probe({arm}, spec.settings);  // the settings as resolved (seed, scale, months)
    const auto result = validation::calibrate(arm, spec);
    std::cout << "Calibration of " << arm.scenario.name << " to " << o.targets << " (" << spec.targets.size() << " targets; "
              << probe.replicates() << " replicates at scale " << probe.scale() << ", seed " << probe.seed() << ", " << probe.months()
              << " months):\n\n"
              << validation::format_calibration(result);
    // The calibrated scenario: extends the scenario, with the fitted values as fixed parameters.
    nlohmann::json doc;
    doc["name"] = arm.scenario.name + "_calibrated";
    std::ostringstream desc;
    desc << "The scenario " << arm.scenario.name << " with parameters fitted by shiftsim calibrate to " << fs::path(o.targets).filename().string()
         << " (Nelder-Mead, " << result.history.size() << " evaluations, loss " << result.loss_start << " to " << result.loss_best << "; "
         << probe.replicates() << " replicates at scale " << probe.scale() << ", seed " << probe.seed() << "). Made by: " << o.command_line;
    doc["description"] = desc.str();
    doc["extends"] = fs::relative(fs::absolute(scenario), fs::absolute(out_file).parent_path()).string();
    for (std::size_t k = 0; k < result.parameters.size(); ++k) doc["parameters"][result.parameters[k]] = result.best[k];
    validation::CalibrationRecord rec;
    rec.scenario_name = arm.scenario.name;
    rec.scenario_text = arm.scenario.source_text;
    rec.targets_file = o.targets;
    rec.targets_text = file_text(o.targets);
    rec.output_file = o.output;
    rec.command = o.command_line;
    rec.data_version = arm.inputs->region.data_version;
    rec.parameters_version = arm.inputs->parameters_version;
    rec.program_version = SHIFTSIM_VERSION;
    rec.seed = probe.seed();
    rec.replicates = probe.replicates();
    rec.months = probe.months();
    rec.scale = probe.scale();
    results::ResultsStore store(o.db);
    const auto id = validation::store_calibration(store, rec, result);
    try {
      write_file(o.output, [&](std::ostream& f) { f << doc.dump(2) << "\n"; });
    } catch (...) {
      validation::delete_calibration(store, id);  // no record of a file that was not written
      throw;
    }
    std::cout << "\nWrote " << o.output << " (a scenario that extends " << scenario.string() << " with the fitted parameters); calibration " << id
              << " stored in " << o.db << "\n";
    return 0;
  });
}

int trial_command(const TrialOptions& o) {
  return guarded([&]() -> int {
    const fs::path file = fs::path(o.common.data_dir) / "trials.csv";
    const auto designs = validation::load_trial_designs(file);
    const auto in = runs::load_inputs(source_of(o.common));
    std::vector<std::string> types = o.types;
    if (types.size() == 1 && types[0] == "all") {
      types.clear();
      for (const auto& d : designs) types.push_back(d.type);
    }
    tbb::global_control threads(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads_or_all(o.threads)));
    validation::TrialOptions options;
    options.seed = o.seed;
    options.scale = o.scale;
    options.horizon_months = o.horizon_months;
    std::vector<validation::TrialResult> results;
    for (const auto& type : types) results.push_back(validation::run_trial(validation::trial_design_of(designs, type), *in, options));
    std::ostringstream text;
    if (o.markdown) {
      text << validation::trials_markdown(results);
    } else if (o.json) {
      text << "[";
      for (std::size_t k = 0; k < results.size(); ++k) text << (k ? ",\n" : "\n") << validation::trial_json(results[k]);
      text << "\n]\n";
    } else {
      std::size_t inside = 0;
      for (const auto& r : results) {
        text << validation::format_trial(r) << "\n";
        inside += r.inside() ? 1u : 0u;
      }
      if (results.size() > 1)
        text << inside << " of " << results.size() << " types reproduce their study's effect inside its published 95% interval\n";
    }
    if (o.output.empty()) {
      std::cout << text.str();
    } else {
      write_file(o.output, [&](std::ostream& f) { f << text.str(); });
    }
    return 0;
  });
}

int schema_command() {
  std::cout << inputs::scenario_schema();
  return 0;
}

std::string fmt_number(double x, int decimals) {
  char b[48];
  std::snprintf(b, sizeof b, "%.*f", decimals, x);
  return results::without_negative_zero(b);
}

/// Runs the scenario once at a small scale with parameters at their means and reads each
/// intervention's spend and enrolment by financial year from its ledger, so that check can
/// say what a budget will buy and what stops it being spent.
std::vector<std::vector<results::SpendYear>> probe_spend(const runs::Arm& p, double scale) {
  const auto& sc = p.scenario;
  model::RunSettings rs;
  // From the data's base year, through any run-in, to the plan's end.
  const int run_year = p.inputs->region.base_year;
  rs.start_year = run_year;
  rs.months = 12 * (std::max(0, sc.start_year - run_year) + sc.years);
  rs.seed = sc.seed;
  rs.scale = scale;
  rs.policy = p.policy;
  model::Simulation sim(*p.world, rs);
  const model::RunOutput out = sim.run();
  std::vector<std::vector<results::SpendYear>> all;
  for (std::size_t k = 0; k < p.policy->interventions.size(); ++k)
    all.push_back(results::spend_by_year(p.policy->interventions[k], out.programmes[k], run_year));
  return all;
}

/// The region's NHS spend a year in the model's 2018/19 prices: England's spend per person by
/// age and sex (the mean over deprivation quintiles; data/lsc/nhs_spend_per_person_by_age_sex_imd_quintile_england.csv)
/// times the region's people. A scale for check's warnings, not a model figure.
double region_nhs_spend(const runs::Arm& a) {
  const model::RegionData& r = a.inputs->region;
  if (r.nhs_spend_year.empty()) return 0;
  double total = 0;
  for (const auto& district : r.population)
    for (int sex = 0; sex < model::kSexes; ++sex)
      for (int age = 0; age <= model::kPopulationTopAge; ++age) {
        double mean = 0;
        for (int q = 0; q < model::kQuintiles; ++q)
          mean += r.nhs_spend_by_age[static_cast<std::size_t>(sex)][static_cast<std::size_t>(q)][static_cast<std::size_t>(std::min(age, 85))];
        total += static_cast<double>(district[static_cast<std::size_t>(sex)][static_cast<std::size_t>(age)]) * mean / model::kQuintiles;
      }
  return total * model::deflator(a.world->params, r.nhs_spend_year);
}

/// Legal but implausible: a year's budget (one intervention's, or all of them together) above
/// the region's NHS spend.
std::vector<std::string> budget_warnings(const runs::Arm& a, double price_factor) {
  std::vector<std::string> out;
  const double nhs = region_nhs_spend(a);
  if (!(nhs > 0)) return out;
  std::map<int, double> all;
  for (const auto& iv : a.policy->interventions)
    for (const auto& [fy, by] : iv.budget) {
      const double b = iv.budget_in(fy);
      all[fy] += b;
      if (b > nhs)
        out.push_back(iv.name + ": the budget for " + results::financial_year_label(fy) + " is " + money_text(b * price_factor) +
                      ", above the region's whole NHS spend (about " + money_text(nhs * price_factor) +
                      " a year, England's spend per person by age and sex times the region's people): is it a typing error?");
    }
  for (const auto& [fy, b] : all)
    if (b > nhs && a.policy->interventions.size() > 1)
      out.push_back("the interventions' budgets for " + results::financial_year_label(fy) + " come to " + money_text(b * price_factor) +
                    ", above the region's whole NHS spend (about " + money_text(nhs * price_factor) + " a year)");
  return out;
}

int check_command(const CheckOptions& o) {
  return guarded([&]() -> int {
    const runs::Arm p = runs::prepare_arm(o.scenario, source_of(o.common));
    const auto& s = p.scenario;
    constexpr double kProbeScale = 0.05;
    const auto probe = o.probe && !p.policy->interventions.empty() ? probe_spend(p, kProbeScale) : std::vector<std::vector<results::SpendYear>>{};
    const auto& fin = s.finance;
    // Money is shown in the prices of the price base year, as every output gives it.
    const double pf = runs::price_factor(*p.table, fin.price_base_year, s.path);
    const int budget_year = fin.budget_price_year.value_or(fin.price_base_year);
    if (o.json) {
      nlohmann::json j = {{"ok", true}, {"name", s.name}, {"files", s.files}, {"start_year", s.start_year},
                          {"years", s.years}, {"interventions", nlohmann::json::array()}};
      for (const auto& iv : p.policy->interventions) {
        nlohmann::json budget = nlohmann::json::object();
        for (const auto& [fy, by] : iv.budget) budget[std::to_string(fy)] = iv.budget_in(fy) * pf;
        nlohmann::json entry = {{"name", iv.name}, {"type", model::catalogue_entry(iv.type).name}, {"shifts", iv.shifts},
                                {"unit_cost_gbp", iv.unit_cost * pf}, {"budget_gbp_by_financial_year", budget},
                                {"funding_ends", results::month_label(p.inputs->region.base_year, iv.end_month)}};
        const std::size_t k = static_cast<std::size_t>(&iv - p.policy->interventions.data());
        if (k < probe.size()) {
          entry["expected_spend"] = nlohmann::json::array();
          for (const auto& y : probe[k])
            entry["expected_spend"].push_back({{"financial_year", y.fy}, {"budget_gbp", y.budget * pf}, {"spend_gbp", y.spend * pf},
                                               {"new_participants", y.joined},
                                               {"limit", results::spend_limit_text(y.limit, iv.max_uptake, y.eligible, y.cap, iv.ramp_up_months)}});
        }
        j["interventions"].push_back(entry);
      }
      j["finance"] = {{"price_base_year", fin.price_base_year}, {"budget_price_year", budget_year}, {"price_uplift_from_2018_19", pf}, {"discount_rate_costs", fin.discount_rate_costs},
                      {"discount_rate_health", fin.discount_rate_health}, {"cashable", fin.cashable},
                      {"optimism_bias", {{"costs", fin.optimism_bias_costs}, {"benefits", fin.optimism_bias_benefits}}},
                      {"funding_source", fin.funding_source}, {"continue_funding", fin.continue_funding}};
      if (!probe.empty()) j["probe"] = {{"scale", kProbeScale}, {"seed", s.seed}, {"replicates", 1}};
      j["warnings"] = budget_warnings(p, pf);
      std::cout << j.dump(2) << "\n";
      return 0;
    }
    std::cout << s.path << ": OK (\"" << s.name << "\", " << s.years << " years from mid-" << s.start_year << ", "
              << p.policy->interventions.size() << " intervention" << (p.policy->interventions.size() == 1 ? "" : "s");
    if (s.files.size() > 1) std::cout << ", extends " << s.files.size() - 1 << " file" << (s.files.size() > 2 ? "s" : "");
    std::cout << ")\n";
    for (const auto& w : budget_warnings(p, pf)) std::cout << "  warning: " << w << "\n";
    for (const auto& iv : p.policy->interventions) {
      const auto& e = model::catalogue_entry(iv.type);
      std::cout << "  " << iv.name << " (" << e.name << ", shift";
      for (std::size_t k = 0; k < iv.shifts.size(); ++k) std::cout << (k ? "," : " ") << iv.shifts[k];
      std::cout << "): " << (e.reach == model::Reach::area ? "area-wide, " : "") << money_text(iv.unit_cost * pf)
                << (e.reach == model::Reach::area ? " per resident a year" : " per participant");
      const std::size_t k = static_cast<std::size_t>(&iv - p.policy->interventions.data());
      for (const auto& [fy, by] : iv.budget) {
        const double b = iv.budget_in(fy);
        std::cout << "\n      " << results::financial_year_label(fy) << ": budget " << money_text(b * pf);
        if (e.reach == model::Reach::person && iv.unit_cost > 0)
          std::printf(" (up to %.0f participants a month at the unit cost)", b / 12.0 / iv.unit_cost);
        if (k < probe.size())
          for (const auto& y : probe[k])
            if (y.fy == fy) {
              std::cout << "; expected spend " << money_text(y.spend * pf) << " (" << fmt_number(y.budget > 0 ? 100 * y.spend / y.budget : 0, 0)
                        << "% of " << money_text(y.budget * pf) << " in the run), " << fmt_number(y.joined, 0) << " new participants; limited by "
                        << results::spend_limit_text(y.limit, iv.max_uptake, y.eligible, y.cap, iv.ramp_up_months);
            }
      }
      std::cout << "\n      funding ends " << results::month_label(p.inputs->region.base_year, iv.end_month);
      if (iv.open_ended)
        std::cout << (fin.continue_funding ? " with the scenario's years; a longer run (--years) carries it on at the last year's budget "
                                             "(finance.continue_funding)\n"
                                           : " with the scenario's years; a longer run (--years) keeps its outcomes going without it "
                                             "(finance.continue_funding: true carries the last year's budget on)\n");
      else
        std::cout << " (its own end)\n";
    }
    if (!probe.empty())
      std::cout << "  Expected spend: one probe run at scale " << kProbeScale << " (seed " << s.seed
                << ", parameters at their means); a full run differs by its Monte Carlo error. --no-probe skips it.\n";
    std::cout << "  Prices: every figure in " << fy_text(fin.price_base_year) << " prices"
              << (pf != 1.0 ? " (the model's FY2018/19 money x " + fmt_number(pf, 4) + ", the NHS cost inflation index)" : std::string(" (the model's own)"))
              << "; budgets and unit costs read as " << fy_text(budget_year) << " prices"
              << (budget_year != fin.price_base_year ? " (finance.budget_price_year)" : " (finance.budget_price_year to change it)")
              << (s.start_year > p.inputs->region.base_year
                      ? "; the plan starts at mid-" + std::to_string(s.start_year) + ": the run starts at mid-" + std::to_string(p.inputs->region.base_year) +
                            " (the region data's base year) and the years between are projected, identically in every arm, not observed, and in no output"
                      : std::string())
              << "\n";
    std::cout << "  Finance rules: discounting from FY" << fin.price_base_year << "/" << (fin.price_base_year + 1) % 100
              << "; discount rates " << fmt_number(100 * fin.discount_rate_costs, 1) << "% for costs and "
              << fmt_number(100 * fin.discount_rate_health, 1) << "% for health (HM Treasury Green Book); cashable savings: ";
    for (std::size_t c = 0; c < fin.cashable.size(); ++c) std::cout << (c ? ", " : "") << fin.cashable[c];
    std::cout << " (the rest of the savings is capacity released; set finance.cashable to change it); optimism bias: ";
    if (fin.optimism_bias_costs > 0 || fin.optimism_bias_benefits > 0)
      std::cout << "intervention costs +" << fmt_number(100 * fin.optimism_bias_costs, 0) << "%, savings -"
                << fmt_number(100 * fin.optimism_bias_benefits, 0) << "% (HM Treasury Green Book; health not adjusted)";
    else
      std::cout << "none (set finance.optimism_bias)";
    if (fin.funding_source == "existing_budgets")
      std::cout << "; funding source: existing budgets (the NHS's spend is top-sliced from its services in proportion, funding fewer "
                   "acute beds and GP appointments; the council's comes out of home care, as hours it no longer buys)\n";
    else
      std::cout << "; funding source: new money (services keep their budgets; finance.funding_source: \"existing_budgets\" shows "
                   "the squeeze on the capacity they fund)\n";
    return 0;
  });
}

int docs_command(const DocsOptions& o) {
  return guarded([&]() -> int {
    const auto in = runs::load_inputs(source_of(o.common));
    const std::string text = model::model_documentation(in->table, &in->region);
    if (o.output.empty()) {
      std::cout << text;
    } else {
      const fs::path tmp = o.output + ".tmp";
      {
        std::ofstream f(tmp);
        if (!f) throw InputError(o.output + ": cannot write here");
        f << text;
      }
      fs::rename(tmp, o.output);
    }
    return 0;
  });
}

}  // namespace shiftsim::cli

namespace shiftsim::cli {

namespace {


/// "mean (p05 to p95)" of a summary, or "-" when absent.
std::string fmt_estimate(const results::Stat* s, results::Figure kind) {
  using F = results::Figure;
  if (!s || !s->mean) return "-";
  auto f = [&](double x) {
    switch (kind) {
      case F::money: return money_text(x);
      case F::ratio: return fmt_number(x, 2);
      case F::probability: return fmt_number(100 * x, 0) + "%";
      case F::percent: return fmt_number(x, 1) + "%";
      case F::years: return fmt_number(x, 2);
      case F::year: return fy_text(x);
      case F::count: break;
    }
    return fmt_number(x, 0);
  };
  if (kind == F::year) return f(*s->mean);
  if (s->interval_shown()) return kind == F::probability ? f(*s->mean) : f(*s->mean) + "  (" + f(*s->p05) + " to " + f(*s->p95) + ")";
  // Too few replicates for a 90% interval: the mean and its Monte Carlo standard error.
  if (s->mcse) return f(*s->mean) + "  (s.e. " + f(*s->mcse) + ")";
  return f(*s->mean);
}

/// "June 2023": the end of a run of `months` months from July of start_year.
std::string end_of_months(int start_year, int months) {
  static const char* names[] = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"};
  const int last = 6 + months - 1;  // months since January of start_year
  return std::string(names[last % 12]) + " " + std::to_string(start_year + last / 12);
}

std::string comparison_table(const results::ComparisonView& c, int replicates, int start_year, int months) {
  std::ostringstream out;
  const bool plan = c.has_plan();
  const int plan_months = 12 * c.plan_years();
  if (replicates >= results::kMinIntervalReplicates) {
    out << "Outcomes, each scenario against " << c.arms().front().name
        << " replicate by replicate (common random numbers): mean (90% interval, 5th to 95th percentile over " << replicates
        << " replicates).\n";
  } else {
    out << "Outcomes, each scenario against " << c.arms().front().name
        << " replicate by replicate (common random numbers): mean (s.e.: its Monte Carlo standard error over " << replicates
        << " replicate" << (replicates == 1 ? "" : "s") << ").\n";
    // Noise is not an answer: say how many replicates a usable answer needs.
    int needed = results::kMinIntervalReplicates;
    for (std::size_t a = 1; a < c.arms().size(); ++a)
      if (const auto* roi = c.stat(static_cast<int>(a), "horizon", "all", "roi_gross"); roi && roi->mcse)
        needed = std::max(needed, results::replicates_for_precision(*roi->mcse, roi->n, 0.05));
    out << "WARNING: " << replicates << " replicate" << (replicates == 1 ? " gives" : "s give")
        << " no 90% interval (at least " << results::kMinIntervalReplicates
        << " are needed, so that each 5% tail holds a replicate), and a mean within about 2 standard errors of zero is not "
           "distinguishable from no effect. For the gross ROI's mean to within +/-0.05 (95% confidence), about "
        << needed << " replicates are needed (--replicates " << needed << ").\n";
  }
  if (plan)
    out << "The plan is the first " << plan_months / 12 << " years (July " << start_year << " to " << end_of_months(start_year, plan_months)
        << "); the run goes on to " << end_of_months(start_year, months) << " (" << months / 12
        << " years) to show when the investment pays back.\n";
  // The lines: the terminal's headlines (results/outcomes.hpp); the plan's are those flagged
  // for the plan too; the life beyond the horizon comes after the pay-back curve.
  const auto lines = results::headlines_shown(results::scenario_headlines(), results::kShowTerminal);
  auto line = [&](std::size_t a, const std::string& period, const results::HeadlineOutcome& l) {
    const auto* s = c.stat(static_cast<int>(a), period, l.breakdown, l.outcome);
    char b[256];
    std::string note;
    if (s && s->n < replicates) note = "  [" + std::to_string(s->n) + " of " + std::to_string(replicates) + " replicates]";
    std::string text = fmt_estimate(s, l.kind);
    if (l.outcome == "icer_gbp_per_qaly" || l.outcome == "icer_lifetime_gbp_per_qaly" || l.outcome == "icer_nice_gbp_per_qaly") {
      // No ICER unless the mean QALY gain is positive: say which quadrant the means are in.
      const auto* q = c.stat(static_cast<int>(a), period, "all",
                             l.outcome == "icer_nice_gbp_per_qaly" ? "cost_effectiveness_quadrant_nice" : "cost_effectiveness_quadrant");
      const int quadrant = q && q->mean ? static_cast<int>(*q->mean) : -1;
      if (!(s && s->mean) && quadrant >= 0) text = results::cost_effectiveness_quadrant_text(quadrant);
      else if (s && s->mean && quadrant == 2) text += "  (dominant: saves money and gains health)";
    }
    std::snprintf(b, sizeof b, "  %-44s %s%s\n", l.label.c_str(), text.c_str(), note.c_str());
    out << b;
  };
  for (std::size_t a = 1; a < c.arms().size(); ++a) {
    out << "\n" << c.arms()[a].name << " (run " << c.arms()[a].run_id << ") vs " << c.arms().front().name << " (run " << c.arms().front().run_id << ")\n";
    {
      // Where the money comes from and how long it lasts: choices that change the answer.
      const nlohmann::json* src = c.arms()[a].source;
      const nlohmann::json fin = src && src->contains("finance") ? (*src)["finance"] : nlohmann::json::object();
      const bool existing = fin.value("funding_source", std::string("new_money")) == "existing_budgets";
      if (existing) {
        const auto* taken = c.horizon(static_cast<int>(a), "funded_from_existing_budgets_gbp");
        const auto* hours = c.horizon(static_cast<int>(a), "home_care_hours_displaced");
        const auto* staffed = c.horizon(static_cast<int>(a), "staffed_home_care_hours");
        const auto* staffed0 = c.horizon(0, "staffed_home_care_hours");
        out << "Funding: from existing budgets (finance.funding_source): " << (taken && taken->mean ? money_text(*taken->mean) : "-")
            << " (undiscounted) taken from the funders' services; home care the council no longer buys: "
            << (hours && hours->mean ? fmt_number(*hours->mean, 0) : "0") << " hours; staffed home-care hours "
            << (staffed && staffed0 && staffed->mean && staffed0->mean ? fmt_number(*staffed->mean - *staffed0->mean, 0) : "-")
            << " against the baseline. The squeeze's consequences are in the savings below.\n";
      } else {
        out << "Funding: new money (services keep their budgets; finance.funding_source \"existing_budgets\" shows the squeeze).\n";
      }
      if (src && src->contains("interventions") && (*src)["interventions"].is_array()) {
        std::string last;
        for (const auto& iv : (*src)["interventions"]) last = std::max(last, iv.value("end_month", std::string()));
        const std::string run_end = end_of_months(start_year, months);
        if (!last.empty())
          out << "Interventions funded to " << last
              << (fin.value("continue_funding", false) ? " (finance.continue_funding: carried on at each one's last year's budget)"
                                                       : " (the scenario's years" + std::string(months > plan_months && plan ? "; the run goes on to " + run_end +
                                                                                                    " without their spend: finance.continue_funding carries it on)" : ")"))
              << ".\n";
      }
    }
    if (plan) {
      out << "The plan, first " << plan_months / 12 << " years (to " << end_of_months(start_year, plan_months) << "):\n";
      for (const auto& l : lines)
        if (l.shown & results::kShowPlan) line(a, results::kPlanPeriod, l);
      out << "The whole run, " << months / 12 << " years (to " << end_of_months(start_year, months) << "):\n";
    }
    for (std::size_t k = 0; k < lines.size(); ++k) {
      const auto& l = lines[k];
      if (l.group == results::HeadlineGroup::beyond) continue;
      if (l.group == results::HeadlineGroup::economy && (k == 0 || lines[k - 1].group != l.group))
        out << "  " << results::group_title(l.group) << ":\n";
      line(a, "horizon", l);
    }
    const auto* be = c.stat(static_cast<int>(a), "horizon", "all", "break_even_year");
    const auto* within = c.stat(static_cast<int>(a), "horizon", "all", "break_even_within_horizon");
    char b[256];
    auto year_or_beyond = [](const std::optional<double>& y) { return y ? fy_text(*y) : std::string("beyond the horizon"); };
    const double share = within && within->mean ? *within->mean : 0.0;
    if (share > 0)
      std::snprintf(b, sizeof b, "  %-44s %s (%s of replicates break even; 90%% interval %s to %s)\n", "Break-even year (median)",
                    be && be->median ? fy_text(*be->median).c_str() : "not within the horizon", (fmt_number(100 * share, 0) + "%").c_str(),
                    be ? year_or_beyond(be->p05).c_str() : "-", be ? year_or_beyond(be->p95).c_str() : "-");
    else
      std::snprintf(b, sizeof b, "  %-44s %s\n", "Break-even year", "not within the horizon (no replicate breaks even)");
    out << b;
    // The pay-back curve: cumulative discounted net benefit at the end of every fifth year.
    bool header = false;
    for (std::size_t p = 0; p < c.periods().size(); ++p) {
      const std::string& period = c.periods()[p];
      if (period == "horizon" || period == results::kPlanPeriod) continue;
      const int fy = std::atoi(period.c_str() + 2);  // "FY2023/24 ..."
      const bool last = p + 1 < c.periods().size() && (c.periods()[p + 1] == "horizon" || c.periods()[p + 1] == results::kPlanPeriod);
      if ((fy - start_year) % 5 != 0 && !last) continue;
      const auto* cum = c.stat(static_cast<int>(a), period, "all", "cumulative_discounted_net_benefit_gbp");
      if (!cum) continue;
      if (!header) out << "  Cumulative discounted net benefit, by the end of:\n";
      header = true;
      std::snprintf(b, sizeof b, "    %-42s %s\n", period.c_str(), fmt_estimate(cum, results::Figure::money).c_str());
      out << b;
    }
    // Pay-back timescales: NPV and ROI over the first 2, 5, 10 and 25 years.
    {
      bool any = false;
      for (int y = 1; y <= 25; ++y) {
        const std::string yb = "years=" + std::to_string(y);
        const auto* npv = c.stat(static_cast<int>(a), "horizon", yb, "npv_by_years_gbp");
        if (!npv) continue;
        if (!any) out << "  Pay-back over the first N years (each as a run of N years; NPV, then gross ROI):\n";
        any = true;
        const auto* roi = c.stat(static_cast<int>(a), "horizon", yb, "roi_gross_by_years");
        std::snprintf(b, sizeof b, "    %-42s %s;  ROI %s\n", (std::to_string(y) + (y == 1 ? " year" : " years")).c_str(),
                      fmt_estimate(npv, results::Figure::money).c_str(), fmt_estimate(roi, results::Figure::ratio).c_str());
        out << b;
      }
    }
    // The acceptability curve at a few willingness-to-pay values, and what perfect information is worth.
    {
      std::string curve;
      for (int wtp : {0, 10000, 20000, 30000, 50000, 100000}) {
        const auto* ce = c.stat(static_cast<int>(a), "horizon", "wtp=" + std::to_string(wtp), "cost_effective");
        if (!ce || !ce->mean) continue;
        curve += (curve.empty() ? "" : ", ") + money_text(wtp) + " " + fmt_number(100 * *ce->mean, 0) + "%";
      }
      if (!curve.empty()) out << "  P(cost-effective) by GBP per QALY: " << curve << "\n";
    }
    if (c.stat(static_cast<int>(a), "horizon", "all", "qalys_gained_beyond_horizon_discounted")) {
      out << "  " << results::group_title(results::HeadlineGroup::beyond) << ":\n";
      for (const auto& l : lines)
        if (l.group == results::HeadlineGroup::beyond) line(a, "horizon", l);
    }
    out << "  Who pays, who saves (present value, mean; rows invest, columns save):\n";
    const char* savers[] = {"nhs_acute", "nhs_primary_care", "nhs_community", "nhs_mental_health", "council_asc", "public_health", "households"};
    std::snprintf(b, sizeof b, "    %-14s", "");
    out << b;
    for (const char* sv : savers) {
      std::snprintf(b, sizeof b, " %13.13s", sv);
      out << b;
    }
    out << "\n";
    for (const char* inv : {"nhs", "council", "public_health", "pooled"}) {
      std::snprintf(b, sizeof b, "    %-14s", inv);
      out << b;
      for (const char* sv : savers) {
        const auto* s = c.stat(static_cast<int>(a), "horizon", std::string("investor=") + inv + ";saver=" + sv,
                                              "who_pays_who_saves_gbp");
        std::snprintf(b, sizeof b, "%14s", s && s->mean ? money_text(*s->mean).c_str() : "-");
        out << b;
      }
      out << "\n";
    }
  }
  // What each intervention bought: budget against spend, participants and what bound the spend.
  for (std::size_t a = 1; a < c.arms().size(); ++a) {
    const int arm = static_cast<int>(a);
    const nlohmann::json* src = c.arms()[a].source;
    if (!src || !src->contains("interventions") || !(*src)["interventions"].is_array()) continue;
    for (const auto& iv : (*src)["interventions"]) {
      const std::string name = iv.value("name", std::string());
      const std::string b = "intervention=" + name;
      const auto* total = c.horizon(arm, "intervention_budget_gbp", b);
      if (!total) continue;
      const double uptake = iv.contains("max_uptake") && iv["max_uptake"].is_number() ? iv["max_uptake"].get<double>() : 0.0;
      const int ramp = iv.value("ramp_up_months", 0);
      out << "\n" << c.arms()[a].name << ": what " << name << " bought (means over replicates; budget for the months the run covers):\n";
      char row[512];
      std::snprintf(row, sizeof row, "  %-20s %12s %12s %6s %12s  %s\n", "financial year", "budget", "spend", "spent", "new people",
                    "what bound the spend");
      out << row;
      for (const auto& period : c.financial_years()) {
        const auto* bud = c.stat(arm, period, b, "intervention_budget_gbp");
        if (!bud || !bud->mean) continue;
        const auto* sp = c.stat(arm, period, b, "intervention_spend_gbp");
        const auto* jn = c.stat(arm, period, b, "intervention_new_participants");
        const auto* lim = c.stat(arm, period, b, "intervention_spend_limit");
        const auto* cap = c.stat(arm, period, b, "intervention_uptake_ceiling");
        const double spend = sp && sp->mean ? *sp->mean : 0, budget = *bud->mean;
        const double ceiling = cap && cap->mean ? *cap->mean : 0;
        const std::string why = lim && lim->mean ? results::spend_limit_text(static_cast<results::SpendLimit>(static_cast<int>(*lim->mean)), uptake,
                                                                              uptake > 0 ? ceiling / uptake : 0, ceiling, ramp)
                                                 : std::string("-");
        std::snprintf(row, sizeof row, "  %-20s %12s %12s %5.0f%% %12s  %s\n", period.c_str(), money_text(budget).c_str(), money_text(spend).c_str(),
                      budget > 0 ? 100 * spend / budget : 0.0, jn && jn->mean ? fmt_number(*jn->mean, 0).c_str() : "-", why.c_str());
        out << row;
      }
      const auto* sp = c.horizon(arm, "intervention_spend_gbp", b);
      const auto* jn = c.horizon(arm, "intervention_new_participants", b);
      std::snprintf(row, sizeof row, "  %-20s %12s %12s %5.0f%% %12s\n", "the whole run", money_text(total->mean.value_or(0)).c_str(),
                    money_text(sp && sp->mean ? *sp->mean : 0).c_str(),
                    total->mean.value_or(0) > 0 ? 100 * (sp && sp->mean ? *sp->mean : 0) / *total->mean : 0.0,
                    jn && jn->mean ? fmt_number(*jn->mean, 0).c_str() : "-");
      out << row;
    }
  }
  // The bridge from each intervention's direct savings to the total (present values, horizon).
  for (std::size_t a = 1; a < c.arms().size(); ++a) {
    const int arm = static_cast<int>(a);
    const auto* direct = c.horizon(arm, "direct_savings_discounted_gbp");
    const auto* total = c.horizon(arm, "gross_savings_discounted_gbp", "public");
    if (!direct || !total) continue;
    auto m = [&](const char* outcome, const std::string& b) {
      const auto* s = c.horizon(arm, outcome, b);
      return s && s->mean ? money_text(*s->mean) : std::string("-");
    };
    char b[256];
    out << "\n" << c.arms()[a].name << ": from direct to total savings (public, present values over the horizon, means):\n";
    for (const auto& br : c.breakdowns(arm, "direct_savings_discounted_gbp")) {
      if (br.rfind("intervention=", 0) != 0 || br.find(';') != std::string::npos) continue;
      std::snprintf(b, sizeof b, "  %-58s %14s  (NHS %s, council %s)\n", ("direct: " + br.substr(13) + "'s participants").c_str(),
                    m("direct_savings_discounted_gbp", br).c_str(), m("direct_savings_discounted_gbp", br + ";payer=nhs").c_str(),
                    m("direct_savings_discounted_gbp", br + ";payer=council").c_str());
      out << b;
    }
    for (const auto& [label, payer] : {std::pair{"system and indirect effects, NHS", "payer=nhs"}, std::pair{"system and indirect effects, council", "payer=council"},
                                       std::pair{"system and indirect effects, public health", "payer=public_health"}}) {
      std::snprintf(b, sizeof b, "  %-58s %14s\n", label, m("system_savings_discounted_gbp", payer).c_str());
      out << b;
    }
    if (c.horizon(arm, "unrelated_costs_added_life_discounted_gbp")) {
      const auto* u = c.horizon(arm, "unrelated_costs_added_life_discounted_gbp");
      std::snprintf(b, sizeof b, "  %-58s %14s\n", "  of which: later NHS care of people who live longer (est.)",
                    u && u->mean ? money_text(-*u->mean).c_str() : "-");
      out << b;
    }
    std::snprintf(b, sizeof b, "  %-58s %14s\n", "= public gross savings", m("gross_savings_discounted_gbp", "public").c_str());
    out << b;
    std::string acts;
    for (const auto& br : c.breakdowns(arm, "gross_savings_discounted_gbp")) {
      if (br.rfind("activity=", 0) != 0) continue;
      const auto* s = c.horizon(arm, "gross_savings_discounted_gbp", br);
      if (s && s->mean && std::abs(*s->mean) >= 500) acts += (acts.empty() ? "" : ", ") + br.substr(9) + " " + money_text(*s->mean);
    }
    if (!acts.empty()) out << "  by activity: " << acts << "\n";
  }
  // By ICP: where the savings fall and the money is spent (present values, horizon).
  for (std::size_t a = 1; a < c.arms().size(); ++a) {
    bool header = false;
    for (const auto& breakdown : c.breakdowns(static_cast<int>(a), "npv_gbp")) {
      if (breakdown.rfind("icp=", 0) != 0) continue;
      if (!header) out << "\n" << c.arms()[a].name << " by ICP of residence (present values over the horizon): public gross savings, intervention cost, NPV\n";
      header = true;
      const auto* sav = c.stat(static_cast<int>(a), "horizon", breakdown, "gross_savings_discounted_gbp");
      const auto* cost = c.stat(static_cast<int>(a), "horizon", breakdown, "intervention_cost_discounted_gbp");
      const auto* npv = c.stat(static_cast<int>(a), "horizon", breakdown, "npv_gbp");
      char b[256];
      std::snprintf(b, sizeof b, "  %-30s %14s %14s %14s\n", breakdown.substr(4).c_str(), sav && sav->mean ? money_text(*sav->mean).c_str() : "-",
                    cost && cost->mean ? money_text(*cost->mean).c_str() : "-", npv && npv->mean ? money_text(*npv->mean).c_str() : "-");
      out << b;
    }
  }
  {
    std::string evpi;
    for (int wtp : {20000, 30000}) {
      const auto* e = c.stat(0, "horizon", "wtp=" + std::to_string(wtp), "evpi_gbp");
      if (e && e->mean) evpi += (evpi.empty() ? "" : ", ") + money_text(*e->mean) + " at " + money_text(wtp) + " per QALY";
    }
    if (!evpi.empty())
      out << "\nExpected value of perfect information (the choice among these arms, the region, the horizon): " << evpi
          << ". What knowing every uncertain parameter before deciding would be worth: an upper bound on further research.\n";
  }
  // One-way sensitivity of the NPV (the tornado) with switching values, and the EVPPI of
  // each parameter group: which uncertainty is worth buying down.
  for (std::size_t a = 1; a < c.arms().size(); ++a) {
    const int arm = static_cast<int>(a);
    const auto params = c.breakdowns(arm, "sensitivity_share");
    const auto* npv = c.horizon(arm, "npv_gbp");
    if (params.empty()) {
      if (replicates > 1 && npv)
        out << "\n" << c.arms()[a].name << ": no single drawn parameter explains a significant share of the NPV's variance across the "
            << replicates << " replicates (F test with a Bonferroni correction); more replicates would find the ones that matter.\n";
      continue;
    }
    out << "\n" << c.arms()[a].name << ": one-way sensitivity of the NPV over the horizon (mean " << (npv && npv->mean ? money_text(*npv->mean) : "-")
        << "), the " << params.size() << (params.size() == 1 ? " parameter that explains" : " parameters that explain") << " most of its variance across the " << replicates
        << " replicates (by regression, those significant after a Bonferroni correction; noisy below 100 replicates):\n";
    char b[320];
    std::snprintf(b, sizeof b, "  %-44s %6s %11s %11s %12s %12s %13s %12s\n", "parameter", "share", "5th pct", "95th pct", "NPV at 5th",
                  "NPV at 95th", "switches at", "EVPPI @20k");
    out << b;
    for (const auto& p : params) {
      auto v = [&](const char* o) { const auto* s = c.stat(arm, "horizon", p, o); return s ? s->mean : std::optional<double>{}; };
      auto num = [](std::optional<double> x) { return x ? fmt_number(*x, std::abs(*x) >= 100 ? 0 : 3) : std::string("none in range"); };
      const auto* e = c.stat(0, "horizon", p + ";wtp=20000", "evppi_gbp");
      std::snprintf(b, sizeof b, "  %-44.44s %5.0f%% %11s %11s %12s %12s %13s %12s\n", p.substr(10).c_str(), 100 * v("sensitivity_share").value_or(0),
                    num(v("sensitivity_parameter_low")).c_str(), num(v("sensitivity_parameter_high")).c_str(),
                    money_text(v("sensitivity_npv_low_gbp").value_or(0)).c_str(), money_text(v("sensitivity_npv_high_gbp").value_or(0)).c_str(),
                    num(v("switching_value")).c_str(), e && e->mean ? money_text(*e->mean).c_str() : "-");
      out << b;
    }
  }
  {
    std::string known, needed;
    for (const auto& breakdown : c.breakdowns_of("evppi_gbp", "group=")) {
      if (breakdown.find(";wtp=20000") == std::string::npos) continue;
      const std::string group = breakdown.substr(6, breakdown.find(';') - 6);
      const auto* e = c.stat(0, "horizon", breakdown, "evppi_gbp");
      const auto* n = c.stat(0, "horizon", "group=" + group, "evppi_replicates_needed");
      if (e && e->mean) known += "  " + group + ": " + money_text(*e->mean) + "\n";
      else if (n && n->mean) needed += (needed.empty() ? "" : ", ") + group + " (" + fmt_number(*n->mean, 0) + ")";
    }
    if (!known.empty() || !needed.empty())
      out << "\nExpected value of partial perfect information at GBP 20,000 per QALY, by parameter group (Strong et al. 2014 regression):\n"
          << known << (needed.empty() ? "" : "  not estimated, too few replicates (replicates needed): " + needed + "\n");
  }
  out << "\nLife expectancy at birth by IMD quintile (persons, whole horizon, years):\n";
  for (std::size_t a = 0; a < c.arms().size(); ++a) {
    char b[128];
    std::snprintf(b, sizeof b, "  %-32.32s", c.arms()[a].name.c_str());
    out << b;
    for (int q = 1; q <= 5; ++q) {
      const auto* s = c.stat(static_cast<int>(a), "horizon", "quintile=" + std::to_string(q) + ";sex=persons",
                                            "life_expectancy_birth_years");
      std::snprintf(b, sizeof b, "  Q%d %6s", q, s && s->mean ? fmt_number(*s->mean, 2).c_str() : "-");
      out << b;
    }
    const auto* gap = c.stat(static_cast<int>(a), "horizon", "sex=persons", "le_gap_birth_years");
    const auto* sii = c.stat(static_cast<int>(a), "horizon", "sex=persons", "sii_le_birth_years");
    std::snprintf(b, sizeof b, "   gap %5s  SII %5s\n", gap && gap->mean ? fmt_number(*gap->mean, 2).c_str() : "-",
                  sii && sii->mean ? fmt_number(*sii->mean, 2).c_str() : "-");
    out << b;
  }
  return out.str();
}

}  // namespace

int serve_command(const ServeOptions& o) {
  return guarded([&]() -> int { return serve_forever(o); });
}

int compare_command(const CompareOptions& o) {
  return guarded([&]() -> int {
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<std::filesystem::path> files{o.baseline};
    files.insert(files.end(), o.scenarios.begin(), o.scenarios.end());
    runs::ExperimentSettings settings;
    // Intervals need replicates: 20 (the fewest for which a 90% interval is shown) unless asked
    // otherwise (or the baseline sets more than 1).
    settings.default_replicates = results::kMinIntervalReplicates;
    settings.replicates = o.replicates;
    settings.years = o.years;
    settings.plan_years = o.plan_years;
    settings.scale = o.scale;
    settings.seed = o.seed;
    settings.independent_streams = o.independent_streams;
    const runs::Experiment experiment(runs::prepare_arms(files, source_of(o.common)), settings);
    const int threads = threads_or_all(o.threads);
    check_db_folder(o.db);
    results::ResultsStore store(o.db);
    runs::StoreWriter writer(store, experiment, {SHIFTSIM_VERSION, threads});
    SignalScope signals;
    ProgressBar bar(!o.json);
    const int tasks = experiment.replicates() * static_cast<int>(experiment.arms().size());
    try {
      const auto stored = runs::run_and_store(experiment, writer, controls_of(threads, signals, bar, tasks, experiment.years()));
      bar.done();
      const auto comparison_id = stored.comparison_id;
      const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (o.json) {
        nlohmann::json doc = results::comparison_document(store, comparison_id);
        doc.erase("assumptions");
        doc.erase("replicates");
        doc["run_ids"] = stored.run_ids;
        doc["wall_seconds"] = total;
        doc["database"] = o.db;
        std::cout << doc.dump(2) << "\n";
        return 0;
      }
      // The table reads the stored comparison, as the report and the workbook do.
      const nlohmann::json doc = results::comparison_document(store, comparison_id);
      const results::ComparisonView comparison(doc);
      std::cout << "Comparison " << comparison_id << " stored in " << o.db << ": runs";
      for (std::size_t k = 0; k < stored.run_ids.size(); ++k)
        std::cout << " " << stored.run_ids[k] << " (" << experiment.arms()[k].scenario.name << ")";
      const int replicates = experiment.replicates();
      std::cout << "\n" << replicates << " replicate" << (replicates == 1 ? "" : "s") << " per arm, seed " << experiment.seed()
                << (o.independent_streams ? " (independent streams per arm: NOT common random numbers)" : ", common random numbers")
                << ", scale " << experiment.scale() << ", " << experiment.years() << " years from mid-" << experiment.start_year() << "; "
                << fmt_number(total, 1) << " s wall on " << threads << " thread" << (threads == 1 ? "" : "s") << ".\n\n";
      if (experiment.run_in_months() > 0)
        std::cout << "The run starts at mid-" << experiment.run_start_year() << ", the region data's base year: the "
                  << experiment.run_in_months() / 12 << " years to mid-" << experiment.start_year()
                  << " are projected by the model, identically in every arm (no intervention yet, common random numbers), not "
                     "observed, and no figure below includes them.\n";
      std::cout << comparison_table(comparison, replicates, experiment.start_year(), experiment.months() - experiment.run_in_months());
      std::cout << "\nNext: shiftsim report --comparison " << comparison_id << " -o report.html;  shiftsim export --comparison "
                << comparison_id << " --format xlsx -o comparison.xlsx\n";
      return 0;
    } catch (const shiftsim::Cancelled&) {
      bar.done();
      std::cerr << "shiftsim: interrupted; the comparison's runs are marked interrupted and stored nothing\n";
      return 130;
    } catch (...) {
      bar.done();
      throw;
    }
  });
}

namespace {

/// The default threads of a process of a sweep: all cores, or under MPI the cores of this
/// machine shared by the workers on it (the coordinator, rank 0, mostly waits).
int sweep_threads(int typed) {
  if (typed > 0) return typed;
  const int cores = tbb::info::default_concurrency();
  const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  const int here = local ? std::atoi(local) : 0;
  if (here <= 1) return cores;
  return std::max(1, cores / (here - 1));
}

void print_sweep_head(const runs::PreparedSweep& sweep, const runs::SweepRecord& rec, const results::ResultsStore& store,
                      const std::string& db, int processes) {
  const auto& e = sweep.experiments.front();
  long total = 0, stored = 0;
  for (std::size_t p = 0; p < sweep.experiments.size(); ++p) {
    total += sweep.experiments[p].replicates();
    if (rec.comparison_ids[p]) stored += static_cast<long>(store.committed_replicates(rec.comparison_ids[p]).size());
  }
  std::cout << "Sweep " << (rec.sweep_id ? std::to_string(rec.sweep_id) + " " : std::string()) << "(" << sweep.spec.name << ", key " << sweep.key << ") in " << db << ": "
            << sweep.experiments.size() << " point" << (sweep.experiments.size() == 1 ? "" : "s") << " x " << e.replicates()
            << " replicates, " << e.years() << " years from mid-" << e.start_year() << ", scale " << e.scale() << ", seed " << e.seed()
            << ", common random numbers.\n";
  if (!rec.sweep_id)
    std::cout << "Not stored yet: " << total << " replicates to run";
  else if (rec.resumed)
    std::cout << (rec.completed ? "Already complete: " : "Resumed: ") << stored << " of " << total << " replicates were stored; "
              << (total - stored) << " to run";
  else
    std::cout << "New: " << total << " replicates to run";
  if (processes > 1) std::cout << " on " << processes - 1 << " worker process" << (processes == 2 ? "" : "es") << " (rank 0 writes)";
  std::cout << ".\n";
}

void print_sweep_tail(const runs::PreparedSweep& sweep, const runs::SweepRecord& rec, const results::ResultsStore& store, double seconds,
                      bool digest) {
  std::cout << "\n" << runs::sweep_table(store, sweep, rec);
  std::cout << "\nNPV and ROI over the horizon, the scenario against the baseline; each point is a comparison: shiftsim report --comparison N\n";
  if (!rec.completed) return;
  std::cout << "Complete";
  if (seconds > 0) std::cout << " in " << fmt_number(seconds, 1) << " s";
  std::cout << ".";
  if (digest) std::cout << " Digest of every stored value: " << runs::sweep_digest(store, rec);
  std::cout << "\n";
}

int sweep_over_mpi(const SweepOptions& o, const runs::PreparedSweep& sweep, const std::chrono::steady_clock::time_point t0) {
  runs::mpi::Session session;
  const int threads = sweep_threads(o.threads);
  const runs::Provenance provenance{SHIFTSIM_VERSION, threads};
  std::unique_ptr<results::ResultsStore> store;
  runs::SweepRecord rec;
  int setup_code = 0;
  if (session.rank() == 0) {
    setup_code = guarded([&] {
      check_db_folder(o.db);
      store = std::make_unique<results::ResultsStore>(o.db);
      rec = runs::open_sweep(*store, sweep, provenance);
      print_sweep_head(sweep, rec, *store, o.db, session.size());
      return 0;
    });
  }
  if (!session.all(setup_code == 0)) return session.rank() == 0 ? setup_code : 1;
  SignalScope signals;
  if (session.rank() != 0) {
    runs::Controls c;
    c.threads = threads;
    c.cancel = &signals.token;
    c.after_month = [&signals, fail = injected_failure()](const runs::Task& t, int m) {
      signals.poll();
      if (fail) fail(t, m);
    };
    try {
      runs::mpi::work(session, sweep, c, provenance);
    } catch (const std::exception& e) {
      std::cerr << "shiftsim sweep (rank " << session.rank() << "): internal error: " << e.what() << "\n";
      session.abort(1);
    }
    return 0;
  }
  runs::mpi::Tally tally;
  try {
    tally = runs::mpi::coordinate(session, *store, sweep, rec, [&] {
      signals.poll();
      return signals.token.cancelled();
    });
  } catch (const std::exception& e) {
    // The workers wait on rank 0: stop them all. What was committed stays (each replicate is
    // one transaction), and the sweep run again resumes.
    std::cerr << "shiftsim sweep: " << e.what() << "\nThe replicates stored so far are kept; run the same command again to resume.\n";
    session.abort(1);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  print_sweep_tail(sweep, rec, *store, seconds, o.digest);
  if (tally.committed > 0)
    std::cout << "Rank 0 (the one writer) imported " << tally.committed << " replicate" << (tally.committed == 1 ? "" : "s") << " ("
              << fmt_number(tally.bytes / 1e6, 1) << " MB) in " << fmt_number(tally.import_seconds, 2) << " s, "
              << fmt_number(tally.import_seconds / tally.committed, 3) << " s each, over " << fmt_number(seconds, 1)
              << " s: busy " << fmt_number(100 * tally.import_seconds / std::max(seconds, 1e-9), 0) << "% of the time.\n";
  if (tally.failed) {
    std::cerr << "shiftsim sweep: " << tally.failed << " task" << (tally.failed == 1 ? "" : "s") << " failed; the first: " << tally.first_error
              << "\nThe replicates that finished are stored; run the same command again to retry the rest.\n";
    return 1;
  }
  if (tally.cancelled) {
    std::cerr << "shiftsim sweep: interrupted; the replicates that finished are stored; run the same command again to resume\n";
    return 130;
  }
  return 0;
}

}  // namespace

int sweep_command(const SweepOptions& o) {
  return guarded([&]() -> int {
    const auto t0 = std::chrono::steady_clock::now();
    const fs::path baseline = folder_of(o.common.data_dir).parent_path() / "scenarios" / "baseline.json";
    const runs::SweepSpec spec = runs::read_sweep_spec(o.spec, baseline);
    const runs::PreparedSweep sweep = runs::prepare_sweep(spec, source_of(o.common), SHIFTSIM_VERSION);
    if (!o.list && runs::mpi::launched_size() > 1) return sweep_over_mpi(o, sweep, t0);
    const int threads = threads_or_all(o.threads);
    check_db_folder(o.db);
    results::ResultsStore store(o.db);
    runs::SweepRecord rec = runs::open_sweep(store, sweep, {SHIFTSIM_VERSION, threads}, !o.list);
    print_sweep_head(sweep, rec, store, o.db, 1);
    if (o.list || rec.completed) {
      print_sweep_tail(sweep, rec, store, 0, o.digest);
      return 0;
    }
    SignalScope signals;
    ProgressBar bar(true);
    long total = 0;
    for (const auto& t : runs::remaining_tasks(store, sweep, rec)) total += static_cast<long>(sweep.experiments[static_cast<std::size_t>(t.point)].arms().size());
    const int years = sweep.experiments.front().years();
    runs::Controls c = controls_of(threads, signals, bar, static_cast<int>(total), years);
    // The bar shows the sweep's progress, not one point's.
    std::atomic<long> months{0};
    const long months_total = total * sweep.experiments.front().months();
    c.progress = [&](const runs::Progress&) {
      signals.poll();
      bar.show(static_cast<double>(++months) / static_cast<double>(std::max(1L, months_total)), static_cast<int>(total), years);
    };
    try {
      runs::run_sweep_here(store, sweep, rec, c);
    } catch (const shiftsim::Cancelled&) {
      bar.done();
      std::cerr << "shiftsim sweep: interrupted; the replicates that finished are stored; run the same command again to resume\n";
      return 130;
    } catch (...) {
      bar.done();
      std::cerr << "shiftsim sweep: a task failed; the replicates that finished are stored; run the same command again to retry the rest\n";
      throw;
    }
    bar.done();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    print_sweep_tail(sweep, rec, store, seconds, o.digest);
    return 0;
  });
}

int metrics_command(const MetricsOptions& o) {
  return guarded([&]() -> int {
    const auto& dict = results::outcome_dictionary();
    if (o.format == "csv") {
      const auto q = results::csv_quoted;
      std::cout << "name,kind,unit,breakdowns,definition\n";
      for (const auto& d : dict) std::cout << d.name << "," << d.scope << "," << q(d.unit) << "," << q(d.breakdowns) << "," << q(d.definition) << "\n";
      for (int m = 0; m < results::kAllMetrics; ++m) {
        const bool stock = results::metric_is_stock(m);
        std::cout << results::metric_name(m) << "," << (stock ? "model stock" : "model flow") << ","
                  << q(stock ? model::stock_metric_unit(m - model::kFlowMetrics) : model::flow_metric_unit(m)) << ","
                  << q("period; icp; imd_quintile") << "," << q("") << "\n";
      }
      return 0;
    }
    if (o.format == "markdown") {
      std::cout << "| outcome | scope | unit | breakdowns | definition |\n|---|---|---|---|---|\n";
      for (const auto& d : dict)
        std::cout << "| `" << d.name << "` | " << d.scope << " | " << d.unit << " | " << d.breakdowns << " | " << d.definition << " |\n";
      return 0;
    }
    std::cout << "Outcomes (table outcomes and outcome_summary; per replicate, then mean, median and 90% interval).\n"
                 "Scope 'arm': every arm; 'difference': scenario minus baseline, replicate by replicate.\n\n";
    for (const auto& d : dict)
      std::cout << d.name << "  [" << d.scope << "; " << d.unit << "]\n    " << d.definition << "\n    breakdowns: " << d.breakdowns << "\n";
    std::cout << "\nModel metrics (table metrics: per replicate, period, ICP and IMD quintile):\n";
    for (int m = 0; m < results::kAllMetrics; ++m) {
      const bool stock = results::metric_is_stock(m);
      std::printf("  %-44s %-6s %s\n", results::metric_name(m).c_str(), stock ? "stock" : "flow",
                  (stock ? model::stock_metric_unit(m - model::kFlowMetrics) : model::flow_metric_unit(m)).c_str());
    }
    return 0;
  });
}

namespace {
std::int64_t resolve_comparison(const results::ResultsStore& store, long long run, long long comparison) {
  if (comparison >= 0) {
    if (!results::has_comparison(store, comparison))
      throw InputError("--comparison " + std::to_string(comparison) + ": there is no such comparison in this database");
    return comparison;
  }
  if (run >= 0) {
    bool exists = false;
    for (const auto& r : store.runs()) exists = exists || r.run_id == run;
    if (!exists) throw InputError("--run " + std::to_string(run) + ": there is no such run in this database (`shiftsim runs` lists them)");
    try {
      return results::comparison_of_run(store, run);
    } catch (const results::StoreError& e) {
      throw InputError(std::string("--run ") + std::to_string(run) + ": " + e.what());
    }
  }
  throw InputError("give --run ID (a run id from `shiftsim runs`) or --comparison ID");
}

/// Writes text to a file via a temporary file renamed into place (nothing half-written).
void write_file(const std::string& path, const std::function<void(std::ostream&)>& body) {
  const fs::path target(path);
  if (!target.parent_path().empty() && !fs::is_directory(target.parent_path()))
    throw InputError(path + ": the folder does not exist");
  const fs::path tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary);
    if (!f) throw InputError(path + ": cannot write here");
    body(f);
    f.flush();
    if (!f) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw results::StoreError(path + ": writing failed (disk full?)");
    }
  }
  fs::rename(tmp, target);
}

results::ResultsStore open_existing(const std::string& db) {
  if (!fs::exists(db)) throw InputError(db + ": no results database here (run a scenario first, or give --db)");
  return results::ResultsStore(db);
}
}  // namespace

int export_command(const ExportOptions& o) {
  return guarded([&]() -> int {
    if (o.format != "csv" && o.format != "json" && o.format != "xlsx")
      throw InputError("--format is '" + o.format + "', but must be one of csv, json, xlsx");
    if (o.excel_safe && o.format != "csv")
      throw InputError("--excel-safe applies to --format csv (the workbook keeps formula-like text as text already; JSON is raw)");
    const results::CsvText csv_text = o.excel_safe ? results::CsvText::excel_safe : results::CsvText::raw;
    results::ResultsStore store = open_existing(o.db);
    const auto id = resolve_comparison(store, o.run, o.comparison);
    if (o.format == "xlsx") {
      if (o.output.empty()) throw InputError("--format xlsx needs --output FILE.xlsx");
      const fs::path target(o.output);
      if (!target.parent_path().empty() && !fs::is_directory(target.parent_path()))
        throw InputError(o.output + ": the folder does not exist");
      results::write_workbook(results::comparison_document(store, id), target);
      std::cerr << "shiftsim: wrote comparison " << id << " to " << o.output << "\n";
      return 0;
    }
    auto body = [&](std::ostream& out) {
      if (o.format == "json") out << results::comparison_document(store, id).dump(1) << "\n";
      else if (o.summary) results::write_summary_csv(store, id, out, csv_text);
      else results::write_csv(store, id, out, csv_text);
    };
    if (o.output.empty()) body(std::cout);
    else {
      write_file(o.output, body);
      std::cerr << "shiftsim: wrote comparison " << id << " to " << o.output << "\n";
    }
    return 0;
  });
}

int report_command(const ReportOptions& o) {
  return guarded([&]() -> int {
    results::ResultsStore store = open_existing(o.db);
    const auto id = resolve_comparison(store, o.run, o.comparison);
    const std::string html = results::html_report(results::comparison_document(store, id));
    write_file(o.output, [&](std::ostream& out) { out << html; });
    std::cerr << "shiftsim: wrote the report of comparison " << id << " to " << o.output << "\n";
    return 0;
  });
}

}  // namespace shiftsim::cli
