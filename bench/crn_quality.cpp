// Benchmark of common random numbers (CRN): how much of the noise in a scenario - baseline
// difference the shared random numbers remove, and how long that lasts. Not a test.
//
// For each scenario, R replicates of the baseline and of the scenario are run twice: with
// common random numbers (replicate k of both arms keyed by the same seed and replicate),
// and with independent streams (the scenario arm keyed by another seed). Parameters stay at
// their central values (no PSA draws), so the spread over replicates is Monte Carlo noise
// alone. For the cumulative difference in deaths, discounted QALYs and discounted public
// cost at 5, 10 and 25 years it prints the standard deviation over replicates with and
// without CRN, and their ratio; then, at the last horizon, the same for every event count
// (the decomposition of what CRN leaves by event type).
//
//   build/release/bench/shiftsim_crn [--scale 0.25] [--replicates 10] [--years 25]
//                                    [--seed 20180701] [--horizons 5,10,25] [scenario.json ...]
//
// Without scenario files it measures the three of the CRN goal: GBP 1m a year of smoking
// cessation, GBP 1m a year of NHS Health Checks (bench/scenarios/) and the shipped
// invest-to-save scenario.
#include "model/simulation/simulation.hpp"
#include "results/economics.hpp"
#include "scenarios/parameter_loader.hpp"
#include "scenarios/region_loader.hpp"
#include "scenarios/scenario.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#ifndef SHIFTSIM_DATA_DIR
#define SHIFTSIM_DATA_DIR "data"
#endif
#ifndef SHIFTSIM_SOURCE_DIR
#define SHIFTSIM_SOURCE_DIR "."
#endif

using namespace shiftsim;

namespace {

/// What is kept of a run: per model year, the flows that make up the measures.
struct YearTotals {
  double deaths = 0, qalys_discounted = 0, public_cost_discounted = 0;
  std::map<std::string, double> events;  // counts by event type
};

struct Arm {
  std::string name;
  std::shared_ptr<const model::Policy> policy;
  std::unique_ptr<model::World> world;
  inputs::Scenario scenario;
};

const std::vector<std::pair<std::string, int>>& event_metrics() {
  static const std::vector<std::pair<std::string, int>> m = [] {
    std::vector<std::pair<std::string, int>> v = {
        {"deaths", model::fm_deaths},
        {"out_migrants", model::fm_out_migrants},
        {"births", model::fm_births},
        {"emergency_admissions", model::fm_emergency_admissions},
        {"emergency_bed_days", model::fm_emergency_bed_days},
        {"care_home_moves", model::fm_care_home_moves},
        {"home_care_starts", model::fm_home_care_starts},
    };
    for (int c = 0; c < model::kConditions; ++c)
      v.push_back({"incidence." + std::string(model::kConditionNames[static_cast<std::size_t>(c)]), model::fm_incidence_first + c});
    for (int k = 0; k < model::kTallies; ++k)
      v.push_back({"tally." + std::string(model::kTallyNames[static_cast<std::size_t>(k)]), model::fm_tally_first + k});
    return v;
  }();
  return m;
}

std::vector<YearTotals> summarise(const model::RunOutput& out, const inputs::FinanceRules& f) {
  std::vector<YearTotals> years(static_cast<std::size_t>((out.months + 11) / 12));
  for (int t = 0; t < out.months; ++t) {
    const auto& cells = out.flows[static_cast<std::size_t>(t)].cells;
    const int calendar = out.start_year * 12 + 6 + t;
    const int fy = (calendar % 12 + 1) >= 4 ? calendar / 12 : calendar / 12 - 1;
    const double dc = results::discount_factor(fy, f.price_base_year, f.discount_rate_costs);
    const double dh = results::discount_factor(fy, f.price_base_year, f.discount_rate_health);
    YearTotals& y = years[static_cast<std::size_t>(t / 12)];
    for (std::size_t cell = 0; cell * model::kFlowMetrics < cells.size(); ++cell) {
      const double* row = &cells[cell * model::kFlowMetrics];
      y.deaths += row[model::fm_deaths];
      y.qalys_discounted += row[model::fm_qalys] * dh;
      double pub = 0;
      for (int p = 0; p < model::kPayers; ++p)
        if (p != model::households) pub += row[model::fm_cost_first + p];
      y.public_cost_discounted += pub * dc;
      for (const auto& [name, m] : event_metrics()) y.events[name] += row[m];
    }
  }
  return years;
}

double sd(const std::vector<double>& v) {
  if (v.size() < 2) return 0;
  double m = 0;
  for (double x : v) m += x;
  m /= static_cast<double>(v.size());
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}
double mean(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m += x;
  return v.empty() ? 0 : m / static_cast<double>(v.size());
}

/// SD without CRN / SD with; "exact" when CRN leaves no spread at all (every replicate's
/// difference the same, usually 0: nothing the scenario touched has happened yet).
std::string ratio(double with, double without) {
  if (!(with > 0)) return without > 0 ? "exact" : "-";
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", without / with);
  return b;
}

/// Cumulative value to the end of model year `years` of a measure.
template <class F>
double cumulative(const std::vector<YearTotals>& y, int years, F&& get) {
  double s = 0;
  for (int k = 0; k < years && k < static_cast<int>(y.size()); ++k) s += get(y[static_cast<std::size_t>(k)]);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  double scale = 0.25;
  int replicates = 10, years = 25;
  std::uint32_t seed = 20180701;
  std::vector<int> horizons{5, 10, 25};
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "shiftsim_crn: %s needs a value\n", k.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (k == "--scale") scale = std::atof(next().c_str());
    else if (k == "--replicates") replicates = std::atoi(next().c_str());
    else if (k == "--years") years = std::atoi(next().c_str());
    else if (k == "--seed") seed = static_cast<std::uint32_t>(std::strtoul(next().c_str(), nullptr, 10));
    else if (k == "--horizons") {
      horizons.clear();
      std::stringstream ss(next());
      for (std::string t; std::getline(ss, t, ',');) horizons.push_back(std::atoi(t.c_str()));
    } else if (!k.empty() && k[0] == '-') {
      std::fprintf(stderr, "shiftsim_crn: unknown option %s\n", k.c_str());
      return 2;
    } else {
      files.push_back(k);
    }
  }
  if (!(scale > 0 && scale <= 1) || replicates < 2 || years < 1 || years > 25) {
    std::fprintf(stderr, "shiftsim_crn: --scale must be in (0, 1], --replicates at least 2, --years 1 to 25\n");
    return 2;
  }
  horizons.erase(std::remove_if(horizons.begin(), horizons.end(), [&](int h) { return h < 1 || h > years; }), horizons.end());
  if (horizons.empty()) horizons.push_back(years);
  const std::string src = SHIFTSIM_SOURCE_DIR;
  if (files.empty())
    files = {src + "/bench/scenarios/smoking_cessation_1m.json", src + "/bench/scenarios/health_checks_1m.json",
             src + "/scenarios/prevention_invest_to_save.json"};
  try {
    const auto region = inputs::load_region(std::string(SHIFTSIM_DATA_DIR) + "/lsc");
    const auto base_table = inputs::load_parameters(std::string(SHIFTSIM_DATA_DIR) + "/parameters.csv");
    const auto geography = model::build_geography(region);
    auto make_arm = [&](const std::string& file) {
      Arm a;
      a.scenario = inputs::load_scenario(file);
      a.name = a.scenario.name;
      model::ParameterTable table = base_table;
      a.policy = std::make_shared<const model::Policy>(inputs::resolve_scenario(a.scenario, region, geography, table));
      a.world = std::make_unique<model::World>(model::build_world(region, table));
      return a;
    };
    const Arm baseline = make_arm(src + "/scenarios/baseline.json");
    std::vector<Arm> arms;
    for (const auto& f : files) arms.push_back(make_arm(f));

    const auto t0 = std::chrono::steady_clock::now();
    double sim_seconds = 0;
    int runs = 0;
    auto run = [&](const Arm& a, std::uint32_t s, int r) {
      model::RunSettings rs;
      rs.start_year = region.base_year;
      rs.months = years * 12;
      rs.scale = scale;
      rs.seed = s;
      rs.replicate = static_cast<std::uint32_t>(r);
      rs.policy = a.policy;
      model::Simulation sim(*a.world, rs);
      const auto out = sim.run();
      sim_seconds += out.wall_seconds + out.setup_seconds;
      ++runs;
      // Each arm's measures use the scenario's finance rules (the baseline's for the baseline).
      return summarise(out, a.scenario.finance);
    };
    std::printf("ShiftSim CRN benchmark: scale %g, %d replicates, %d years, central parameter values, seed %u\n", scale, replicates, years,
                seed);
    std::vector<std::vector<YearTotals>> base(static_cast<std::size_t>(replicates));
    for (int r = 0; r < replicates; ++r) base[static_cast<std::size_t>(r)] = run(baseline, seed, r);
    // The independent streams' seed: any other key.
    const std::uint32_t other = seed ^ 0x5bd1e995u;

    std::printf("\n| scenario | years | measure | mean difference | SD, CRN | SD, independent | ratio |\n|---|---|---|---|---|---|---|\n");
    std::vector<std::string> decomposition;
    for (const Arm& a : arms) {
      std::vector<std::vector<YearTotals>> crn(static_cast<std::size_t>(replicates)), ind(static_cast<std::size_t>(replicates));
      for (int r = 0; r < replicates; ++r) {
        crn[static_cast<std::size_t>(r)] = run(a, seed, r);
        ind[static_cast<std::size_t>(r)] = run(a, other, r);
      }
      struct Measure {
        const char* name;
        double (*get)(const YearTotals&);
        double sign;  // report as a benefit: deaths averted, QALYs gained, public cost saved
      };
      const Measure measures[] = {
          {"deaths averted", [](const YearTotals& y) { return y.deaths; }, -1},
          {"QALYs gained (discounted)", [](const YearTotals& y) { return y.qalys_discounted; }, +1},
          {"public cost saved, GBP m (discounted)", [](const YearTotals& y) { return y.public_cost_discounted / 1e6; }, -1},
      };
      for (int h : horizons)
        for (const Measure& m : measures) {
          std::vector<double> dc, di;
          for (int r = 0; r < replicates; ++r) {
            const double b = cumulative(base[static_cast<std::size_t>(r)], h, m.get);
            dc.push_back(m.sign * (cumulative(crn[static_cast<std::size_t>(r)], h, m.get) - b));
            di.push_back(m.sign * (cumulative(ind[static_cast<std::size_t>(r)], h, m.get) - b));
          }
          std::printf("| %s | %d | %s | %.4g | %.4g | %.4g | %s |\n", a.name.c_str(), h, m.name, mean(dc), sd(dc), sd(di),
                      ratio(sd(dc), sd(di)).c_str());
        }
      std::fflush(stdout);
      // Decomposition at the last horizon: every event count.
      const int h = horizons.back();
      for (const auto& [name, metric] : event_metrics()) {
        (void)metric;
        std::vector<double> dc, di;
        for (int r = 0; r < replicates; ++r) {
          auto get = [&](const YearTotals& y) { return y.events.at(name); };
          const double b = cumulative(base[static_cast<std::size_t>(r)], h, get);
          dc.push_back(cumulative(crn[static_cast<std::size_t>(r)], h, get) - b);
          di.push_back(cumulative(ind[static_cast<std::size_t>(r)], h, get) - b);
        }
        char line[256];
        std::snprintf(line, sizeof line, "| %s | %d | %s | %.4g | %.4g | %.4g | %s |", a.name.c_str(), h, name.c_str(), mean(dc), sd(dc), sd(di),
                      ratio(sd(dc), sd(di)).c_str());
        decomposition.push_back(line);
      }
    }
    std::printf("\nBy event type at %d years (scenario - baseline, counts):\n\n| scenario | years | event | mean difference | SD, CRN | SD, "
                "independent | ratio |\n|---|---|---|---|---|---|---|\n",
                horizons.back());
    for (const auto& l : decomposition) std::printf("%s\n", l.c_str());
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("\n%d runs of %d years in %.0f s wall (%.1f s a run)\n", runs, years, wall, sim_seconds / runs);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "shiftsim_crn: %s\n", e.what());
    return 1;
  }
  return 0;
}
