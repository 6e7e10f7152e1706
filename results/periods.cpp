#include "results/periods.hpp"

#include "results/format.hpp"

#include "model/simulation/simulation.hpp"

#include <cstdio>

namespace shiftsim::results {

using namespace shiftsim::model;

std::string period_type_name(PeriodType t) {
  switch (t) {
    case PeriodType::start: return "start";
    case PeriodType::model_year: return "model_year";
    case PeriodType::financial_year: return "financial_year";
    case PeriodType::calendar_year: return "calendar_year";
  }
  return "unknown";
}

std::string month_label(int start_year, int t) {
  const auto c = calendar_month(start_year, t);
  char b[16];
  std::snprintf(b, sizeof b, "%04d-%02d", c.year, c.month);
  return b;
}

namespace {
std::string ym(int start_year, int t) { return month_label(start_year, t); }
}  // namespace

std::vector<Period> periods_of(int start_year, int months) {
  std::vector<Period> out;
  out.push_back({PeriodType::start, "mid-" + std::to_string(start_year), -1, -1, ym(start_year, 0), ym(start_year, 0)});
  for (int y = 0; y * 12 < months; ++y) {
    const int first = y * 12, last = std::min(months, first + 12) - 1;
    out.push_back({PeriodType::model_year, year_label(start_year + y), first, last, ym(start_year, first), ym(start_year, last)});
  }
  // Financial years (April-March) and calendar years that the run overlaps.
  auto add = [&](PeriodType type, int first_calendar_month) {
    int t = 0;
    while (t < months) {
      const auto c = calendar_month(start_year, t);
      // Start of the period containing month t.
      const int offset = (c.month - first_calendar_month + 12) % 12;
      const int period_start = t - offset;
      const int first = std::max(0, period_start), last = std::min(months - 1, period_start + 11);
      const auto c0 = calendar_month(start_year, period_start < 0 ? 0 : period_start);
      const int year = period_start < 0 ? (c0.year - (c0.month < first_calendar_month ? 1 : 0)) : c0.year;
      const std::string label = type == PeriodType::financial_year ? financial_year_label(year) : std::to_string(year);
      out.push_back({type, label, first, last, ym(start_year, first), ym(start_year, last)});
      t = last + 1;
    }
  };
  add(PeriodType::financial_year, 4);
  add(PeriodType::calendar_year, 1);
  return out;
}

std::string metric_name(int m) {
  return m < kFlowMetrics ? flow_metric_name(m) : stock_metric_name(m - kFlowMetrics);
}
bool metric_is_stock(int m) { return m >= kFlowMetrics; }

namespace {
const Snapshot* stock_at(const RunOutput& out, const Period& p) {
  const int month = p.type == PeriodType::start ? -1 : p.last_month;
  for (const auto& s : out.snapshots)
    if (s.after_month == month) return &s;
  return nullptr;
}
}  // namespace

std::vector<MetricRow> long_rows(const RunOutput& out, const std::vector<Period>& periods, int icp_count) {
  std::vector<MetricRow> rows;
  const int cells = out.layout.cells();
  for (const Period& p : periods) {
    // [icp][quintile][metric]
    std::vector<double> acc(static_cast<std::size_t>(icp_count) * kQuintiles * kAllMetrics, 0.0);
    auto slot = [&](int icp, int q, int m) -> double& {
      return acc[(static_cast<std::size_t>(icp) * kQuintiles + static_cast<std::size_t>(q - 1)) * kAllMetrics + static_cast<std::size_t>(m)];
    };
    if (p.type != PeriodType::start)
      for (int t = p.first_month; t <= p.last_month; ++t)
        for (int c = 0; c < cells; ++c) {
          const int icp = out.layout.zone_icp[static_cast<std::size_t>(c / kQuintiles)];
          const int q = c % kQuintiles + 1;
          for (int m = 0; m < kFlowMetrics; ++m)
            slot(icp, q, m) += out.flows[static_cast<std::size_t>(t)].cells[static_cast<std::size_t>(c) * kFlowMetrics + static_cast<std::size_t>(m)];
        }
    if (const Snapshot* s = stock_at(out, p))
      for (int c = 0; c < cells; ++c) {
        const int icp = out.layout.zone_icp[static_cast<std::size_t>(c / kQuintiles)];
        const int q = c % kQuintiles + 1;
        for (int m = 0; m < kStockMetrics; ++m)
          slot(icp, q, kFlowMetrics + m) += s->cells[static_cast<std::size_t>(c) * kStockMetrics + static_cast<std::size_t>(m)];
      }
    const int first_metric = p.type == PeriodType::start ? kFlowMetrics : 0;
    for (int icp = 0; icp < icp_count; ++icp)
      for (int q = 1; q <= kQuintiles; ++q)
        for (int m = first_metric; m < kAllMetrics; ++m)
          rows.push_back({static_cast<int>(out.replicate), &p, icp, q, m, slot(icp, q, m)});
  }
  return rows;
}

const std::vector<AreaMetric>& area_metric_list() {
  static const std::vector<AreaMetric> list = [] {
    std::vector<AreaMetric> l;
    auto flow = [&](int m) { l.push_back({flow_metric_name(m), m, false}); };
    auto stock = [&](int m) { l.push_back({stock_metric_name(m), kFlowMetrics + m, false}); };
    stock(sm_population);
    stock(sm_population_65_plus);
    stock(sm_adults);
    stock(sm_smokers);
    stock(sm_multimorbid);
    flow(fm_person_months);
    flow(fm_deaths);
    flow(fm_births);
    flow(fm_in_migrants);
    flow(fm_out_migrants);
    flow(fm_emergency_admissions);
    flow(fm_emergency_bed_days);
    flow(fm_falls_admissions_65_plus);
    for (int t = 0; t < kTallies; ++t) flow(fm_tally_first + t);
    flow(fm_qalys);
    flow(fm_cost_total);
    flow(fm_programme_spend_total);
    // The most deprived fifth's share of each area: its people, deaths and admissions.
    l.push_back({"population_imd_q1", kFlowMetrics + sm_population, true});
    l.push_back({"person_months_imd_q1", fm_person_months, true});
    l.push_back({"deaths_imd_q1", fm_deaths, true});
    l.push_back({"emergency_admissions_imd_q1", fm_emergency_admissions, true});
    return l;
  }();
  return list;
}

std::vector<AreaRow> area_rows(const RunOutput& out, const std::vector<Period>& periods) {
  std::vector<AreaRow> rows;
  const auto& list = area_metric_list();
  const int cells = out.layout.cells();
  const int districts = static_cast<int>(out.layout.district_codes.size());
  const int neighbourhoods = static_cast<int>(out.layout.neighbourhood_names.size());
  if (districts == 0 && neighbourhoods == 0) return rows;
  for (const Period& p : periods) {
    if (p.type == PeriodType::calendar_year) continue;
    // [area][metric], districts first, then neighbourhoods.
    std::vector<double> acc(static_cast<std::size_t>(districts + neighbourhoods) * list.size(), 0.0);
    const Snapshot* s = stock_at(out, p);
    for (int c = 0; c < cells; ++c) {
      const auto z = static_cast<std::size_t>(c / kQuintiles);
      const bool q1 = c % kQuintiles == 0;
      const std::size_t areas[2] = {static_cast<std::size_t>(out.layout.zone_district[z]),
                                    static_cast<std::size_t>(districts + out.layout.zone_neighbourhood[z])};
      for (std::size_t k = 0; k < list.size(); ++k) {
        const AreaMetric& am = list[k];
        if (am.most_deprived_only && !q1) continue;
        double v = 0;
        if (am.metric >= kFlowMetrics) {
          if (!s) continue;
          v = s->cells[static_cast<std::size_t>(c) * kStockMetrics + static_cast<std::size_t>(am.metric - kFlowMetrics)];
        } else {
          if (p.type == PeriodType::start) continue;
          for (int t = p.first_month; t <= p.last_month; ++t)
            v += out.flows[static_cast<std::size_t>(t)].cells[static_cast<std::size_t>(c) * kFlowMetrics + static_cast<std::size_t>(am.metric)];
        }
        for (const std::size_t a : areas) acc[a * list.size() + k] += v;
      }
    }
    for (int a = 0; a < districts + neighbourhoods; ++a)
      for (std::size_t k = 0; k < list.size(); ++k) {
        if (p.type == PeriodType::start && list[k].metric < kFlowMetrics) continue;
        const bool is_district = a < districts;
        rows.push_back({&p, is_district ? AreaType::district : AreaType::neighbourhood, is_district ? a : a - districts, static_cast<int>(k),
                        acc[static_cast<std::size_t>(a) * list.size() + k]});
      }
  }
  return rows;
}

std::vector<double> region_totals(const RunOutput& out, const Period& p) {
  std::vector<double> tot(kAllMetrics, 0.0);
  const int cells = out.layout.cells();
  if (p.type != PeriodType::start)
    for (int t = p.first_month; t <= p.last_month; ++t)
      for (int c = 0; c < cells; ++c)
        for (int m = 0; m < kFlowMetrics; ++m)
          tot[static_cast<std::size_t>(m)] += out.flows[static_cast<std::size_t>(t)].cells[static_cast<std::size_t>(c) * kFlowMetrics + static_cast<std::size_t>(m)];
  if (const Snapshot* s = stock_at(out, p))
    for (int c = 0; c < cells; ++c)
      for (int m = 0; m < kStockMetrics; ++m)
        tot[static_cast<std::size_t>(kFlowMetrics + m)] += s->cells[static_cast<std::size_t>(c) * kStockMetrics + static_cast<std::size_t>(m)];
  return tot;
}

}  // namespace shiftsim::results
