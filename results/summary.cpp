#include "results/summary.hpp"

#include "results/statistics.hpp"

#include "model/programmes/programmes.hpp"
#include "results/periods.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace shiftsim::results {

using namespace shiftsim::model;

Estimate estimate(std::vector<double> v) {
  const Quantiles q = quantiles(std::move(v));
  return {q.mean, q.p05, q.p95};
}

namespace {
struct HeadlineSource {
  Headline headline;
  int metric;  // index into region_totals (flows, then kFlowMetrics + stock)
};
const std::vector<HeadlineSource>& sources() {
  static const std::vector<HeadlineSource> s = [] {
    std::vector<HeadlineSource> v{
        {{"population_end", "Population at year end", "people"}, kFlowMetrics + sm_population},
        {{"deaths", "Deaths", "people"}, fm_deaths},
        {{"births", "Births", "people"}, fm_births},
        {{"net_migration", "Net migration", "people"}, -1},
        {{"emergency_admissions", "Emergency admissions", "admissions"}, fm_emergency_admissions},
        {{"emergency_bed_days", "Emergency bed-days", "bed-days"}, fm_emergency_bed_days},
        {{"ae_attendances", "A&E attendances", "attendances"}, fm_tally_first + static_cast<int>(ae_attendances)},
        {{"gp_appointments", "GP appointments", "appointments"}, fm_tally_first + static_cast<int>(gp_appointments)},
        {{"elective_admissions", "Elective admissions", "admissions"}, fm_tally_first + static_cast<int>(elective_admissions)},
        {{"outpatient_attendances", "Outpatient attendances", "attendances"}, fm_tally_first + static_cast<int>(outpatient_attendances)},
        {{"care_home_residents_end", "Care-home residents at year end", "people"}, kFlowMetrics + sm_care_first + 2},
        {{"qalys", "QALYs", "QALYs"}, fm_qalys},
    };
    for (int p = 0; p < kPayers; ++p)
      v.push_back({{"cost_" + std::string(kPayerNames[static_cast<std::size_t>(p)]) + "_gbp",
                    "Cost: " + std::string(kPayerNames[static_cast<std::size_t>(p)]), "GBP"},
                   fm_cost_first + p});
    v.push_back({{"cost_total_gbp", "Cost: total", "GBP"}, fm_cost_total});
    v.push_back({{"intervention_participants", "Intervention: new participants", "people"}, fm_programme_new_participants});
    v.push_back({{"intervention_spend_gbp", "Intervention: spend", "GBP"}, fm_programme_spend_total});
    return v;
  }();
  return s;
}
}  // namespace

const std::vector<Headline>& headlines() {
  static const std::vector<Headline> h = [] {
    std::vector<Headline> v;
    for (const auto& s : sources()) v.push_back(s.headline);
    return v;
  }();
  return h;
}

RunSummary summarise(const std::vector<const RunOutput*>& reps) {
  RunSummary s;
  if (reps.empty()) return s;
  const auto periods = periods_of(reps.front()->start_year, reps.front()->months);
  std::vector<double> start;
  for (const auto* r : reps) start.push_back(region_totals(*r, periods.front())[kFlowMetrics + sm_population]);
  s.population_start = estimate(start);
  for (const auto& p : periods) {
    if (p.type != PeriodType::model_year) continue;
    YearSummary y;
    y.label = p.label;
    y.start = p.start;
    y.end = p.end;
    y.months = p.months();
    std::vector<std::vector<double>> values(sources().size());
    for (const auto* r : reps) {
      const auto tot = region_totals(*r, p);
      for (std::size_t k = 0; k < sources().size(); ++k) {
        const int m = sources()[k].metric;
        values[k].push_back(m >= 0 ? tot[static_cast<std::size_t>(m)]
                                   : tot[fm_in_migrants] - tot[fm_out_migrants]);
      }
    }
    for (auto& v : values) y.values.push_back(estimate(std::move(v)));
    s.years.push_back(std::move(y));
  }
  // Interventions, by model year and over the run.
  const auto& first = *reps.front();
  for (std::size_t k = 0; k < first.programmes.size(); ++k) {
    InterventionSummary is;
    is.name = first.programmes[k].name;
    is.type = first.programmes[k].type;
    is.shifts = first.programmes[k].shifts;
    for (int m = 0; m < kProgrammeMetrics; ++m) is.metrics.push_back(programme_metric_name(m));
    auto sum_over = [&](const RunOutput& r, int from, int to, int m) {
      double x = 0;
      const auto& months = r.programmes[k].months;
      for (int t = from; t <= to && t < static_cast<int>(months.size()); ++t) x += months[static_cast<std::size_t>(t)][static_cast<std::size_t>(m)];
      return x;
    };
    for (const auto& p : periods) {
      if (p.type != PeriodType::model_year) continue;
      std::vector<Estimate> row;
      for (int m = 0; m < kProgrammeMetrics; ++m) {
        std::vector<double> v;
        for (const auto* r : reps) v.push_back(sum_over(*r, p.first_month, p.last_month, m));
        row.push_back(estimate(std::move(v)));
      }
      is.years.push_back(std::move(row));
    }
    for (int m = 0; m < kProgrammeMetrics; ++m) {
      std::vector<double> v;
      for (const auto* r : reps) v.push_back(sum_over(*r, 0, r->months - 1, m));
      is.total.push_back(estimate(std::move(v)));
    }
    s.interventions.push_back(std::move(is));
  }
  // The system models.
  const SystemOutput& so = first.system;
  SystemSummary& ss = s.system;
  ss.icps = so.icps;
  const std::string month_total = ".month_total";
  std::vector<bool> is_flow;
  for (std::size_t v = 0; v < so.names.size(); ++v) {
    const std::string& n = so.names[v];
    const bool flow = n.size() > month_total.size() && n.compare(n.size() - month_total.size(), month_total.size(), month_total) == 0;
    is_flow.push_back(flow);
    ss.names.push_back(flow ? n.substr(0, n.size() - month_total.size()) + ".year_total" : n);
    ss.units.push_back(so.units[v]);
  }
  for (std::size_t c = 0; c < so.icps.size(); ++c) {
    std::vector<Estimate> at_start;
    for (std::size_t v = 0; v < so.names.size(); ++v) {
      std::vector<double> x;
      for (const auto* r : reps) x.push_back(r->system.values[c][0][v]);
      at_start.push_back(estimate(std::move(x)));
    }
    ss.start.push_back(std::move(at_start));
    std::vector<std::vector<Estimate>> years;
    for (const auto& p : periods) {
      if (p.type != PeriodType::model_year) continue;
      std::vector<Estimate> row;
      for (std::size_t v = 0; v < so.names.size(); ++v) {
        std::vector<double> x;
        for (const auto* r : reps) {
          const auto& series = r->system.values[c];
          double value = 0;
          if (is_flow[v])
            for (int t = p.first_month; t <= p.last_month; ++t) value += series[static_cast<std::size_t>(t + 1)][v];
          else
            value = series[static_cast<std::size_t>(p.last_month + 1)][v];
          x.push_back(value);
        }
        row.push_back(estimate(std::move(x)));
      }
      years.push_back(std::move(row));
    }
    ss.years.push_back(std::move(years));
  }
  return s;
}

nlohmann::json to_json(const RunFacts& f, const RunSummary& s) {
  nlohmann::json j;
  j["run_id"] = f.run_id;
  j["scenario"] = f.scenario;
  j["database"] = f.database;
  j["data_version"] = f.data_version;
  j["program_version"] = f.program_version;
  j["seed"] = f.seed;
  j["replicates"] = f.replicates;
  j["mode"] = f.mode;
  j["threads"] = f.threads;
  j["scale"] = f.scale;
  j["agents"] = f.agents;
  j["wall_seconds"] = f.wall_seconds;
  j["setup_seconds"] = f.setup_seconds;
  j["agent_months_per_second"] = f.agent_months_per_second;
  auto est = [&](const Estimate& e) {
    if (f.replicates <= 1) return nlohmann::json(e.mean);
    return nlohmann::json{{"mean", e.mean}, {"p05", e.p05}, {"p95", e.p95}};
  };
  j["population_start"] = est(s.population_start);
  j["price_base"] = "2018/19 GBP, undiscounted";
  auto& years = j["years"] = nlohmann::json::array();
  for (const auto& y : s.years) {
    nlohmann::json yj{{"year", y.label}, {"start_month", y.start}, {"end_month", y.end}, {"months", y.months}};
    nlohmann::json costs;
    for (std::size_t k = 0; k < headlines().size(); ++k) {
      const auto& key = headlines()[k].key;
      if (key.rfind("cost_", 0) == 0) costs[key.substr(5, key.size() - 9)] = est(y.values[k]);
      else yj[key] = est(y.values[k]);
    }
    yj["costs_gbp"] = costs;
    years.push_back(yj);
  }
  auto& ivs = j["interventions"] = nlohmann::json::array();
  for (const auto& is : s.interventions) {
    nlohmann::json ij{{"name", is.name}, {"type", is.type}, {"shifts", is.shifts}};
    nlohmann::json total = nlohmann::json::object();
    for (std::size_t m = 0; m < is.metrics.size(); ++m) total[is.metrics[m]] = est(is.total[m]);
    ij["whole_run"] = total;
    auto& yrs = ij["years"] = nlohmann::json::array();
    for (std::size_t y = 0; y < is.years.size(); ++y) {
      nlohmann::json yj{{"year", s.years[y].label}};
      for (std::size_t m = 0; m < is.metrics.size(); ++m) yj[is.metrics[m]] = est(is.years[y][m]);
      yrs.push_back(yj);
    }
    ivs.push_back(ij);
  }
  // The system models: per ICP, the start and each model year (stocks and auxiliaries at the
  // year's end, flows as year totals), with the units.
  nlohmann::json sys = nlohmann::json::object();
  nlohmann::json units = nlohmann::json::object();
  for (std::size_t v = 0; v < s.system.names.size(); ++v) units[s.system.names[v]] = s.system.units[v];
  sys["units"] = units;
  auto& icps = sys["icps"] = nlohmann::json::array();
  for (std::size_t c = 0; c < s.system.icps.size(); ++c) {
    nlohmann::json ic{{"icp", s.system.icps[c]}};
    nlohmann::json start = nlohmann::json::object();
    for (std::size_t v = 0; v < s.system.names.size(); ++v)
      if (s.system.names[v].find(".year_total") == std::string::npos) start[s.system.names[v]] = est(s.system.start[c][v]);
    ic["start"] = start;
    auto& yrs = ic["years"] = nlohmann::json::array();
    for (std::size_t y = 0; y < s.system.years[c].size(); ++y) {
      nlohmann::json yj{{"year", s.years[y].label}};
      for (std::size_t v = 0; v < s.system.names.size(); ++v) yj[s.system.names[v]] = est(s.system.years[c][y][v]);
      yrs.push_back(yj);
    }
    icps.push_back(ic);
  }
  j["system"] = sys;
  return j;
}

namespace {
std::string human(double v, const std::string& unit) {
  char b[64];
  const double a = std::fabs(v);
  if (unit == "GBP") {
    if (a >= 1e9) std::snprintf(b, sizeof b, "GBP %.2fbn", v / 1e9);
    else if (a >= 1e6) std::snprintf(b, sizeof b, "GBP %.1fm", v / 1e6);
    else std::snprintf(b, sizeof b, "GBP %.0f", v);
  } else if (a >= 1e6) {
    std::snprintf(b, sizeof b, "%.2fm", v / 1e6);
  } else {
    std::snprintf(b, sizeof b, "%.0f", v);
  }
  return b;
}
}  // namespace

std::string to_table(const RunFacts& f, const RunSummary& s) {
  std::ostringstream out;
  if (f.mode == "sd")
    out << "Run " << f.run_id << ": " << f.scenario << " in SD-only mode (the system models driven by cohort averages of " << f.agents
        << " synthesised people, scale " << f.scale << "; deterministic)\n";
  else
    out << "Run " << f.run_id << ": " << f.scenario << " (seed " << f.seed << ", " << f.replicates
        << (f.replicates == 1 ? " replicate" : " replicates") << ", scale " << f.scale << ", " << f.agents << " agents)\n";
  out << "Population at mid-" << (s.years.empty() ? std::string("?") : s.years.front().start.substr(0, 4)) << ": "
      << human(s.population_start.mean, "people") << "\n";
  if (f.replicates >= kMinIntervalReplicates) out << "Figures are means over replicates; [5th-95th percentile] below each.\n";
  else if (f.replicates > 1)
    out << "Figures are means over " << f.replicates << " replicates. WARNING: no 5th-95th percentile interval is shown with fewer than "
        << kMinIntervalReplicates << " replicates (one in each 5% tail); use --replicates " << kMinIntervalReplicates << " or more.\n";
  out << "Costs in the model's 2018/19 prices, undiscounted (a comparison, shiftsim compare, gives every figure in the scenario's "
         "price base year). Years run July to June, from the region data's base year: a plan that starts later is preceded by "
         "projected run-in years here.\n\n";
  char buf[128];
  std::snprintf(buf, sizeof buf, "%-34s", "");
  out << buf;
  for (const auto& y : s.years) {
    std::snprintf(buf, sizeof buf, "%16s", y.label.c_str());
    out << buf;
  }
  out << "\n";
  for (std::size_t k = 0; k < headlines().size(); ++k) {
    std::snprintf(buf, sizeof buf, "%-34s", headlines()[k].label.c_str());
    out << buf;
    for (const auto& y : s.years) {
      std::snprintf(buf, sizeof buf, "%16s", human(y.values[k].mean, headlines()[k].unit).c_str());
      out << buf;
    }
    out << "\n";
    if (f.replicates >= kMinIntervalReplicates) {
      std::snprintf(buf, sizeof buf, "%-34s", "");
      out << buf;
      for (const auto& y : s.years) {
        const std::string iv = "[" + human(y.values[k].p05, "") + "-" + human(y.values[k].p95, "") + "]";
        std::snprintf(buf, sizeof buf, "%16s", iv.c_str());
        out << buf;
      }
      out << "\n";
    }
  }
  if (!s.interventions.empty()) {
    out << "\nFunded interventions, whole run (avoided activity is expected activity without the intervention's\n"
           "effect on its participants or area minus with it; later effects such as fewer strokes after quitting\n"
           "smoking show against the baseline, not here):\n";
    std::snprintf(buf, sizeof buf, "%-26s %12s %12s %12s %12s %14s %14s %8s\n", "", "participants", "spend", "avoided adm.",
                  "avoided A&E", "avoided NHS", "avoided council", "direct");
    out << buf;
    auto metric = [](const InterventionSummary& is, int m) { return is.total[static_cast<std::size_t>(m)].mean; };
    for (const auto& is : s.interventions) {
      const double spend = metric(is, pg_spend_total);
      const double avoided = metric(is, pg_avoided_nhs_cost) + metric(is, pg_avoided_council_cost);
      char ratio[32] = "-";
      if (spend > 0) std::snprintf(ratio, sizeof ratio, "%.2f", avoided / spend);
      std::snprintf(buf, sizeof buf, "%-26s %12s %12s %12s %12s %14s %14s %8s\n", is.name.substr(0, 26).c_str(),
                    human(metric(is, pg_new_participants), "").c_str(), human(spend, "GBP").c_str(),
                    human(metric(is, pg_avoided_emergency_admissions), "").c_str(), human(metric(is, pg_avoided_ae_attendances), "").c_str(),
                    human(metric(is, pg_avoided_nhs_cost), "GBP").c_str(), human(metric(is, pg_avoided_council_cost), "GBP").c_str(), ratio);
      out << buf;
    }
    out << "  direct: the avoided NHS and council costs in the interventions' own ledger per GBP 1 spent (undiscounted; a\n"
           "  care-home move avoided counts its whole expected stay); the comparison's savings are the arms' difference\n";
  }
  if (f.mode == "sd")
    std::snprintf(buf, sizeof buf, "\n%.2f s wall (%.2f s building the population for the cohort averages).\n", f.wall_seconds,
                  f.setup_seconds);
  else
    std::snprintf(buf, sizeof buf, "\n%.1f s wall (%.1f s building the population), %.2g agent-months per second.\n",
                  f.wall_seconds, f.setup_seconds, f.agent_months_per_second);
  out << buf << "Stored in " << f.database << " as run " << f.run_id << ".\n";
  return out.str();
}

}  // namespace shiftsim::results
