#include "results/comparison.hpp"

#include "model/core/errors.hpp"
#include "results/economics.hpp"
#include "model/programmes/programmes.hpp"
#include "results/periods.hpp"
#include "results/spend.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>
#include <unordered_map>

namespace shiftsim::results {

using namespace shiftsim::model;

namespace {

constexpr std::array<const char*, 4> kFunders{"nhs", "council", "public_health", "pooled"};
constexpr std::array<const char*, 3> kSexLabels{"male", "female", "persons"};
// OUTPUTS.md's settings, and which payer line belongs to which.
constexpr std::array<const char*, 6> kSettings{"acute", "primary", "community", "mental_health", "social_care", "public_health"};
constexpr std::array<int, kPayers> kSettingOfPayer{0, 1, 2, 3, 4, 5, 4};
bool is_public(int payer) { return payer != households; }

bool beyond_horizon_outcome(const std::string& name) { return name == "break_even_year" || name == "break_even_year_cashable"; }

/// Region and quintile totals of one period: [q][metric], q = 0 for the region.
using Totals = std::array<std::vector<double>, kQuintiles + 1>;

const Snapshot* snapshot_after(const RunOutput& out, int month) {
  for (const auto& s : out.snapshots)
    if (s.after_month == month) return &s;
  return nullptr;
}

Totals totals_of(const RunOutput& out, int first, int last) {
  Totals t;
  for (auto& v : t) v.assign(kAllMetrics, 0.0);
  const int cells = out.layout.cells();
  for (int m = first; m <= last; ++m)
    for (int c = 0; c < cells; ++c) {
      const int q = c % kQuintiles + 1;
      const double* row = &out.flows[static_cast<std::size_t>(m)].cells[static_cast<std::size_t>(c) * kFlowMetrics];
      for (int k = 0; k < kFlowMetrics; ++k) {
        t[0][static_cast<std::size_t>(k)] += row[k];
        t[static_cast<std::size_t>(q)][static_cast<std::size_t>(k)] += row[k];
      }
    }
  if (const Snapshot* s = snapshot_after(out, last))
    for (int c = 0; c < cells; ++c) {
      const int q = c % kQuintiles + 1;
      const double* row = &s->cells[static_cast<std::size_t>(c) * kStockMetrics];
      for (int k = 0; k < kStockMetrics; ++k) {
        t[0][static_cast<std::size_t>(kFlowMetrics + k)] += row[k];
        t[static_cast<std::size_t>(q)][static_cast<std::size_t>(kFlowMetrics + k)] += row[k];
      }
    }
  return t;
}

/// Life expectancy at birth and 65 for the deciles in [d0, d1] and a sex (2 = both).
struct Expectancy {
  std::optional<double> birth, at65;          // life expectancy
  std::optional<double> free_birth, free_65;  // disability-free (Sullivan)
  double person_years = 0;
};

Expectancy expectancy(const RunOutput& out, int first, int last, int d0, int d1, int sex) {
  std::vector<int> ages(kAgeGroupStart.begin(), kAgeGroupStart.end());
  std::vector<double> deaths(kAgeGroups, 0.0), py(kAgeGroups, 0.0), limited(kAgeGroups, 0.0);
  for (int m = first; m <= last; ++m) {
    const MonthFlows& f = out.flows[static_cast<std::size_t>(m)];
    for (int d = d0; d <= d1; ++d)
      for (int s = 0; s < kSexes; ++s) {
        if (sex != 2 && s != sex) continue;
        for (int g = 0; g < kAgeGroups; ++g) {
          const auto cell = static_cast<std::size_t>(life_table_cell(d, s, g));
          deaths[static_cast<std::size_t>(g)] += f.deaths[cell];
          py[static_cast<std::size_t>(g)] += f.person_months[cell] / 12.0;
          limited[static_cast<std::size_t>(g)] += f.limited_person_months[cell] / 12.0;
        }
      }
  }
  Expectancy e;
  for (double x : py) e.person_years += x;
  for (int g = 0; g < kAgeGroups; ++g)
    if (!(py[static_cast<std::size_t>(g)] > 0)) return e;
  if (!(deaths.back() > 0)) return e;
  const auto t = period_life_table(ages, deaths, py);
  e.birth = t.front().e;
  std::vector<double> prevalence(kAgeGroups, 0.0);
  for (std::size_t g = 0; g < prevalence.size(); ++g) prevalence[g] = std::clamp(limited[g] / py[g], 0.0, 1.0);
  const auto free = sullivan_healthy_life_expectancy(t, prevalence);
  e.free_birth = free.front();
  for (std::size_t k = 0; k < t.size(); ++k)
    if (t[k].age == 65) {
      e.at65 = t[k].e;
      e.free_65 = free[k];
    }
  return e;
}

/// The life the survivors of a run are expected to live after its horizon, discounted to the
/// price-base year at the health rate: life-years, and QALYs (each survivor's utility carried
/// forward along the age-sex norm). Mortality: period life tables by IMD decile and sex from
/// `table_of`'s deaths and person-years in its last five years (or whole run, if shorter),
/// pooled to the quintile, then to the sex, where a decile's table has an empty age group;
/// no further improvement is assumed. Five years: recent enough to carry the mortality the
/// horizon ends with (its improvement trend and the population's ageing), long enough for a
/// table of every decile and sex at small scales. Empty runs (SD-only) give nothing.
struct BeyondHorizon {
  double life_years = 0, qalys = 0;
};
std::optional<BeyondHorizon> beyond_horizon(const RunOutput& out, const RunOutput& table_of, const FinanceSettings& fin) {
  if (out.survivors.size() != static_cast<std::size_t>(kSurvivorCells) ||
      out.utility_norm.size() != static_cast<std::size_t>(kSexes * kSurvivorAges) || !table_of.life_table_by_decile)
    return std::nullopt;
  const int last = table_of.months - 1, first = std::max(0, table_of.months - 60);
  const std::vector<int> ages(kAgeGroupStart.begin(), kAgeGroupStart.end());
  auto table = [&](int d0, int d1, int sex) -> std::optional<std::vector<LifeTableRow>> {
    std::vector<double> deaths(kAgeGroups, 0.0), py(kAgeGroups, 0.0);
    for (int m = first; m <= last; ++m) {
      const MonthFlows& f = table_of.flows[static_cast<std::size_t>(m)];
      for (int d = d0; d <= d1; ++d)
        for (int g = 0; g < kAgeGroups; ++g) {
          const auto cell = static_cast<std::size_t>(life_table_cell(d, sex, g));
          deaths[static_cast<std::size_t>(g)] += f.deaths[cell];
          py[static_cast<std::size_t>(g)] += f.person_months[cell] / 12.0;
        }
    }
    for (double x : py)
      if (!(x > 0)) return std::nullopt;
    if (!(deaths.back() > 0)) return std::nullopt;
    return period_life_table(ages, deaths, py);
  };
  // Discount factors for the years after the horizon: year k runs from the horizon's end
  // (model month `months`, the July n years after the start) and is discounted as the
  // financial year that holds its middle (Green Book: whole years from the price base).
  const double end = out.start_year + (out.start_month - 1 + out.months) / 12.0;  // in calendar years
  std::vector<double> discount(kSurvivorAges + 1);
  for (std::size_t k = 0; k < discount.size(); ++k) {
    const double middle = end + static_cast<double>(k) + 0.5;
    const int fy = static_cast<int>(std::floor(middle - 0.25));  // April starts the financial year
    discount[k] = discount_factor(fy, fin.price_base_year, fin.rate_health);
  }
  BeyondHorizon b;
  for (int sex = 0; sex < kSexes; ++sex) {
    const auto whole = table(1, kDeciles, sex);
    // relative[a][j]: the norm at age j relative to age a, the weight that carries the utility
    // of a survivor aged a forward (empty where the norm at a is 0).
    std::vector<std::vector<double>> relative(static_cast<std::size_t>(kMaxAge + 1));
    const double* norm = &out.utility_norm[static_cast<std::size_t>(sex * kSurvivorAges)];
    for (int a = 0; a <= kMaxAge; ++a)
      if (norm[a] > 0)
        for (int j = 0; j < kSurvivorAges; ++j) relative[static_cast<std::size_t>(a)].push_back(norm[j] / norm[a]);
    for (int d = 1; d <= kDeciles; ++d) {
      auto t = table(d, d, sex);
      if (!t) t = table(2 * quintile_of_decile(d) - 1, 2 * quintile_of_decile(d), sex);
      if (!t) t = whole;
      if (!t) return std::nullopt;
      const auto survival = single_year_survival(*t, kSurvivorAges);
      for (int a = 0; a <= kMaxAge; ++a) {
        const auto k = static_cast<std::size_t>(survivor_cell(d, sex, a));
        const double n = out.survivors[k];
        if (!(n > 0)) continue;
        b.life_years += n * discounted_remaining_life(survival, a, discount);
        if (!relative[static_cast<std::size_t>(a)].empty())
          b.qalys += out.survivor_utility[k] * discounted_remaining_life(survival, a, discount, relative[static_cast<std::size_t>(a)]);
      }
    }
  }
  return b;
}

struct PeriodSpan {
  std::string label;
  int first = 0, last = 0;
  int fy = 0;  // financial year (start year); the horizon: -1
};

std::vector<PeriodSpan> spans_of(int start_year, int months, int first_month = 0) {
  // Reported from first_month (whole years after the run's start): the financial years of a run
  // starting then, shifted to the run's months.
  if (first_month > 0) {
    auto spans = spans_of(start_year + first_month / 12, months - first_month);
    for (auto& x : spans) {
      x.first += first_month;
      x.last += first_month;
    }
    return spans;
  }
  static const char* month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::vector<PeriodSpan> spans;
  for (const Period& p : periods_of(start_year, months)) {
    if (p.type != PeriodType::financial_year) continue;
    PeriodSpan s;
    s.first = p.first_month;
    s.last = p.last_month;
    // Model month 0 is July of start_year: month t is in the financial year starting in April
    // of start_year + floor((t + 3) / 12).
    s.fy = start_year + (p.first_month + 3) / 12;
    s.label = p.label;
    if (p.months() < 12) {
      const int m0 = (7 - 1 + p.first_month) % 12, m1 = (7 - 1 + p.last_month) % 12;
      s.label += std::string(" (") + month_names[m0] + "-" + month_names[m1] + ")";
    }
    spans.push_back(s);
  }
  spans.push_back({"horizon", 0, months - 1, -1});
  return spans;
}

/// The wider outcomes' flows (a contiguous block of FlowMetric) by ICP: [icp][k].
constexpr int kWiderFirst = fm_working_age_person_months, kWiderCount = kFlowMetrics - fm_working_age_person_months;
using IcpTotals = std::vector<std::array<double, kWiderCount + 1>>;  // the last: births
int icp_slot(int metric) { return metric == fm_births ? kWiderCount : metric - kWiderFirst; }

IcpTotals icp_totals_of(const RunOutput& out, int first, int last) {
  int icps = 0;
  for (int icp : out.layout.zone_icp) icps = std::max(icps, icp + 1);
  IcpTotals t(static_cast<std::size_t>(icps), std::array<double, kWiderCount + 1>{});
  const int cells = out.layout.cells();
  for (int m = first; m <= last; ++m)
    for (int c = 0; c < cells; ++c) {
      const auto icp = static_cast<std::size_t>(out.layout.zone_icp[static_cast<std::size_t>(c / kQuintiles)]);
      const double* row = &out.flows[static_cast<std::size_t>(m)].cells[static_cast<std::size_t>(c) * kFlowMetrics + kWiderFirst];
      for (int k = 0; k < kWiderCount; ++k) t[icp][static_cast<std::size_t>(k)] += row[k];
      t[icp][kWiderCount] += out.flows[static_cast<std::size_t>(m)].cells[static_cast<std::size_t>(c) * kFlowMetrics + fm_births];
    }
  return t;
}

/// Every per-replicate figure one arm needs, by period.
struct ArmFigures {
  std::vector<Totals> totals;                                   // [period]
  std::vector<IcpTotals> icp;                                   // [period]
  std::vector<std::string> icp_names;
  // [period][quintile 0..5][sex 0..2]; quintile 0 = all
  std::vector<std::array<std::array<Expectancy, 3>, kQuintiles + 1>> le;
  std::vector<std::array<std::optional<double>, 3>> sii_birth, sii_65, sii_free_birth;  // [period][sex]
};

/// Whether a flow metric is money (GBP in the model's base-year prices).
bool money_flow(int k) {
  return (k >= fm_cost_first && k <= fm_cost_total) || (k >= fm_programme_spend_first && k <= fm_programme_spend_total) ||
         (k >= fm_public_cost_first && k <= fm_public_cost_mental_health_bed_days) || k == fm_lost_output_workless_gbp ||
         k == fm_lost_output_absence_gbp;
}

/// Every money flow of the totals x `price` (the uplift from base-year prices to the
/// comparison's price year), so that every figure computed from them is in those prices.
void reprice(Totals& t, IcpTotals& icp, double price) {
  if (price == 1.0) return;
  for (auto& row : t)
    for (int k = 0; k < kFlowMetrics; ++k)
      if (money_flow(k)) row[static_cast<std::size_t>(k)] *= price;
  for (auto& row : icp)
    for (int k = kWiderFirst; k < kFlowMetrics; ++k)
      if (money_flow(k)) row[static_cast<std::size_t>(icp_slot(k))] *= price;
}

ArmFigures figures_of(const RunOutput& out, const std::vector<PeriodSpan>& spans, double price) {
  ArmFigures f;
  for (std::size_t c = 0; c < out.system.icps.size(); ++c) f.icp_names.push_back(out.system.icps[c]);
  for (const auto& s : spans) {
    f.totals.push_back(totals_of(out, s.first, s.last));
    f.icp.push_back(icp_totals_of(out, s.first, s.last));
    reprice(f.totals.back(), f.icp.back(), price);
    while (f.icp_names.size() < f.icp.back().size()) f.icp_names.push_back(std::to_string(f.icp_names.size()));
    std::array<std::array<Expectancy, 3>, kQuintiles + 1> le{};
    std::array<std::optional<double>, 3> sb{}, s65{}, sfree{};
    for (int sex = 0; sex < 3; ++sex) {
      le[0][static_cast<std::size_t>(sex)] = expectancy(out, s.first, s.last, 1, kDeciles, sex);
      for (int q = 1; q <= kQuintiles; ++q) le[static_cast<std::size_t>(q)][static_cast<std::size_t>(sex)] = expectancy(out, s.first, s.last, 2 * q - 1, 2 * q, sex);
      // The slope index across deciles (quintiles in SD-only runs).
      std::vector<double> vb, v65, vfree, w;
      bool ok = true;
      if (out.life_table_by_decile) {
        for (int d = 1; d <= kDeciles && ok; ++d) {
          const auto e = expectancy(out, s.first, s.last, d, d, sex);
          ok = e.birth && e.at65;
          if (ok) {
            vb.push_back(*e.birth);
            v65.push_back(*e.at65);
            vfree.push_back(*e.free_birth);
            w.push_back(e.person_years);
          }
        }
      } else {
        for (int q = 1; q <= kQuintiles && ok; ++q) {
          const auto& e = le[static_cast<std::size_t>(q)][static_cast<std::size_t>(sex)];
          ok = e.birth && e.at65;
          if (ok) {
            vb.push_back(*e.birth);
            v65.push_back(*e.at65);
            vfree.push_back(*e.free_birth);
            w.push_back(e.person_years);
          }
        }
      }
      if (ok) {
        sb[static_cast<std::size_t>(sex)] = slope_index_of_inequality(vb, w);
        s65[static_cast<std::size_t>(sex)] = slope_index_of_inequality(v65, w);
        sfree[static_cast<std::size_t>(sex)] = slope_index_of_inequality(vfree, w);
      }
    }
    f.le.push_back(le);
    f.sii_birth.push_back(sb);
    f.sii_65.push_back(s65);
    f.sii_free_birth.push_back(sfree);
  }
  return f;
}

struct WiderPresentValues {
  double output = 0, carer_qalys = 0;
};

double flow(const Totals& t, int metric, int q = 0) { return t[static_cast<std::size_t>(q)][static_cast<std::size_t>(metric)]; }
double stock(const Totals& t, int metric, int q = 0) { return t[static_cast<std::size_t>(q)][static_cast<std::size_t>(kFlowMetrics + metric)]; }

std::string quintile_sex(int q, int sex) {
  return (q > 0 ? "quintile=" + std::to_string(q) + ";" : std::string()) + "sex=" + kSexLabels[static_cast<std::size_t>(sex)];
}

}  // namespace

std::vector<OutcomeSummary> summarise_values(const std::vector<OutcomeValue>& values) {
  // Replicates per arm (for outcomes where a missing replicate is "beyond the horizon").
  std::map<int, int> replicates;
  for (const auto& v : values) replicates[v.arm] = std::max(replicates[v.arm], v.replicate + 1);
  std::map<std::tuple<int, std::string, std::string, int>, std::vector<double>> groups;
  std::vector<std::tuple<int, std::string, std::string, int>> order;
  for (const auto& v : values) {
    auto key = std::make_tuple(v.arm, v.period, v.breakdown, v.outcome);
    auto [it, inserted] = groups.try_emplace(key);
    if (inserted) order.push_back(key);
    it->second.push_back(v.value);
  }
  const auto& dict = outcome_dictionary();
  std::vector<OutcomeSummary> out;
  out.reserve(order.size());
  for (const auto& key : order) {
    std::vector<double> xs = groups[key];
    OutcomeSummary s;
    std::tie(s.arm, s.period, s.breakdown, s.outcome) = key;
    if (beyond_horizon_outcome(dict[static_cast<std::size_t>(s.outcome)].name)) {
      const int n = replicates[s.arm];
      while (static_cast<int>(xs.size()) < n) xs.push_back(std::numeric_limits<double>::infinity());
    }
    s.n = static_cast<int>(xs.size());
    const Quantiles q = quantiles(xs);
    auto finite = [](double x) { return std::isfinite(x) ? std::optional<double>(x) : std::nullopt; };
    s.mean = finite(q.mean);
    s.median = finite(q.median);
    s.p05 = finite(q.p05);
    s.p95 = finite(q.p95);
    if (s.n > 1 && std::isfinite(q.mean)) s.mcse = q.sd / std::sqrt(static_cast<double>(s.n));
    out.push_back(std::move(s));
  }
  return out;
}

namespace {

/// The willingness-to-pay values of the acceptability curve: GBP 0 to 100,000 per QALY by
/// 5,000, and the finance rules' NICE range ends if they fall between.
std::vector<double> acceptability_grid(const FinanceSettings& fin) {
  std::vector<double> g;
  for (int k = 0; k <= 20; ++k) g.push_back(5000.0 * k);
  for (double w : {fin.wtp_low, fin.wtp_high})
    if (std::find(g.begin(), g.end(), w) == g.end()) g.push_back(w);
  std::sort(g.begin(), g.end());
  return g;
}

/// Every outcome of replicate k of every arm over the first `run_months` months of the runs
/// (all of them, or the plan's), appended to `out`.
void values_over(const std::vector<ReplicateArm>& arms, int replicate, int run_months, std::vector<OutcomeValue>& out, int first_month) {
  const RunOutput& first = *arms.front().output;
  // The survivors' life beyond the horizon is known at the end of the whole run only.
  const bool whole_run = run_months == first.months;
  const auto spans = spans_of(first.start_year, run_months, first_month);
  const std::size_t P = spans.size(), horizon = P - 1;

  std::vector<ArmFigures> fig;  // [arm]
  for (const auto& a : arms) fig.push_back(figures_of(*a.output, spans, a.finance.price_factor));

  auto emit = [&](std::size_t arm, std::size_t, std::size_t p, std::string breakdown, const char* name, double value) {
    out.push_back({static_cast<int>(arm), replicate, spans[p].label, std::move(breakdown), outcome_index(name), value});
  };
  auto emit_opt = [&](std::size_t arm, std::size_t rep, std::size_t p, std::string breakdown, const char* name, std::optional<double> v) {
    if (v) emit(arm, rep, p, std::move(breakdown), name, *v);
  };

  // ---- The wider outcomes: by region, quintile and ICP ----
  auto wider = [](const Totals& T, const IcpTotals& I, int level, int metric) {  // level: 0 region, 1-5 quintile, 6+ ICP
    if (level <= kQuintiles) return flow(T, metric, level);
    return I[static_cast<std::size_t>(level - kQuintiles - 1)][static_cast<std::size_t>(icp_slot(metric))];
  };
  auto level_label = [](const ArmFigures& F, int level) {
    if (level == 0) return std::string("all");
    if (level <= kQuintiles) return "quintile=" + std::to_string(level);
    return "icp=" + F.icp_names[static_cast<std::size_t>(level - kQuintiles - 1)];
  };
  auto levels = [](const ArmFigures& F) { return 1 + kQuintiles + static_cast<int>(F.icp.front().size()); };
  auto months_in = [&](std::size_t p) { return static_cast<double>(spans[p].last - spans[p].first + 1); };
  auto emit_wider_arm = [&](std::size_t a, std::size_t r, std::size_t p, const ArmFigures& F, const FinanceSettings& fin) {
    const Totals& T = F.totals[p];
    const IcpTotals& I = F.icp[p];
    const double months = months_in(p);
    for (int l = 0; l < levels(F); ++l) {
      const std::string b = level_label(F, l);
      auto w = [&](int metric) { return wider(T, I, l, metric); };
      if (w(fm_working_age_person_months) > 0)
        emit(a, r, p, b, "employment_rate_percent", 100.0 * w(fm_employed_person_months) / w(fm_working_age_person_months));
      emit(a, r, p, b, "out_of_work_ill_health_people", w(fm_out_of_work_ill_health_person_months) / months);
      emit(a, r, p, b, "sickness_absence_days", w(fm_sickness_absence_days));
      emit(a, r, p, b, "lost_output_gbp", w(fm_lost_output_workless_gbp) + w(fm_lost_output_absence_gbp));
      const double births = w(fm_births);
      emit(a, r, p, b, "births", births);
      if (births > 0) {
        emit(a, r, p, b, "smoking_at_delivery_percent", 100.0 * w(fm_births_smoking_at_delivery) / births);
        emit(a, r, p, b, "low_birth_weight_percent", 100.0 * w(fm_low_birth_weight_births) / births);
      }
      emit(a, r, p, b, "infant_emergency_admissions", w(fm_infant_emergency_admissions));
      emit(a, r, p, b, "falls_admissions_65_plus", w(fm_falls_admissions_65_plus));
      emit(a, r, p, b, "unpaid_carers", w(fm_carer_person_months) / months);
      if (w(fm_carer_person_months) > 0)
        emit(a, r, p, b, "strained_carers_percent", 100.0 * w(fm_strained_carer_person_months) / w(fm_carer_person_months));
    }
    emit(a, r, p, "component=out_of_work", "lost_output_gbp", flow(T, fm_lost_output_workless_gbp));
    emit(a, r, p, "component=absence", "lost_output_gbp", flow(T, fm_lost_output_absence_gbp));
    for (int q = 0; q <= kQuintiles; ++q)
      emit(a, r, p, q == 0 ? "all" : "quintile=" + std::to_string(q), "care_home_moves", flow(T, fm_care_home_moves, q));
    emit(a, r, p, "all", "carer_qalys_lost", flow(T, fm_carer_qalys_lost));
    // Discounted lost output: by financial year, summed for the horizon (from the years' totals).
    if (spans[p].fy >= 0) {
      emit(a, r, p, "all", "lost_output_discounted_gbp",
           (flow(T, fm_lost_output_workless_gbp) + flow(T, fm_lost_output_absence_gbp)) * discount_factor(spans[p].fy, fin.price_base_year, fin.rate_costs));
    } else {
      double pv = 0;
      for (std::size_t y = 0; y + 1 < spans.size(); ++y) {
        const Totals& Y = F.totals[y];
        pv += (flow(Y, fm_lost_output_workless_gbp) + flow(Y, fm_lost_output_absence_gbp)) * discount_factor(spans[y].fy, fin.price_base_year, fin.rate_costs);
      }
      emit(a, r, p, "all", "lost_output_discounted_gbp", pv);
    }
  };
  auto emit_wider_difference = [&](std::size_t a, std::size_t r, std::size_t p, const ArmFigures& B, const ArmFigures& S,
                                   const FinanceSettings& fin, double pv_cost, WiderPresentValues& pv) {
    const Totals& TB = B.totals[p];
    const Totals& TS = S.totals[p];
    const bool is_h = spans[p].fy < 0;
    const double months = months_in(p);
    for (int l = 0; l < levels(B); ++l) {
      const std::string b = level_label(B, l);
      auto d = [&](int metric) { return wider(TB, B.icp[p], l, metric) - wider(TS, S.icp[p], l, metric); };
      emit(a, r, p, b, "economy_fewer_out_of_work_ill_health", d(fm_out_of_work_ill_health_person_months) / months);
      emit(a, r, p, b, "economy_absence_days_avoided", d(fm_sickness_absence_days));
      emit(a, r, p, b, "employment_change_people", -d(fm_employed_person_months) / months);
      emit(a, r, p, b, "economy_output_gain_gbp", d(fm_lost_output_workless_gbp) + d(fm_lost_output_absence_gbp));
      emit(a, r, p, b, "smoking_at_delivery_averted", d(fm_births_smoking_at_delivery));
      emit(a, r, p, b, "low_birth_weight_averted", d(fm_low_birth_weight_births));
      emit(a, r, p, b, "infant_emergency_admissions_averted", d(fm_infant_emergency_admissions));
      emit(a, r, p, b, "falls_admissions_65_plus_averted", d(fm_falls_admissions_65_plus));
      emit(a, r, p, b, "strained_carers_averted", d(fm_strained_carer_person_months) / months);
    }
    auto dd = [&](int metric, int q = 0) { return flow(TB, metric, q) - flow(TS, metric, q); };
    emit(a, r, p, "component=out_of_work", "economy_output_gain_gbp", dd(fm_lost_output_workless_gbp));
    emit(a, r, p, "component=absence", "economy_output_gain_gbp", dd(fm_lost_output_absence_gbp));
    for (int q = 0; q <= kQuintiles; ++q)
      emit(a, r, p, q == 0 ? "all" : "quintile=" + std::to_string(q), "care_home_moves_avoided", dd(fm_care_home_moves, q));
    const double gain = dd(fm_lost_output_workless_gbp) + dd(fm_lost_output_absence_gbp);
    const double carer = dd(fm_carer_qalys_lost);  // baseline loss minus scenario loss
    emit(a, r, p, "all", "carer_qalys_gained", carer);
    if (!is_h) {
      const double dc = discount_factor(spans[p].fy, fin.price_base_year, fin.rate_costs);
      const double dh = discount_factor(spans[p].fy, fin.price_base_year, fin.rate_health);
      pv.output += gain * dc;
      pv.carer_qalys += carer * dh;
      emit(a, r, p, "all", "economy_output_gain_discounted_gbp", gain * dc);
      emit(a, r, p, "all", "carer_qalys_gained_discounted", carer * dh);
    } else {
      emit(a, r, p, "all", "economy_output_gain_discounted_gbp", pv.output);
      emit(a, r, p, "all", "carer_qalys_gained_discounted", pv.carer_qalys);
      if (pv_cost > 0) emit(a, r, p, "all", "economy_return_per_gbp", pv.output / pv_cost);
    }
  };

  // ---- What each intervention bought: budget against spend, new participants and the limit
  // that bound the spend, by financial year, and their sums over the run ----
  for (std::size_t a = 0; a < arms.size(); ++a) {
    const model::Policy* policy = arms[a].policy;
    const auto& progs = arms[a].output->programmes;
    if (!policy) continue;
    for (std::size_t k = 0; k < progs.size() && k < policy->interventions.size(); ++k) {
      auto years = spend_by_year(policy->interventions[k], progs[k], first.start_year, run_months);
      for (auto& y : years) {
        y.budget *= arms[a].finance.price_factor;
        y.spend *= arms[a].finance.price_factor;
      }
      const std::string b = "intervention=" + progs[k].name;
      double budget = 0, spend = 0, joined = 0;
      for (const auto& y : years)
        for (std::size_t p = 0; p < horizon; ++p)
          if (spans[p].fy == y.fy) {
            emit(a, 0, p, b, "intervention_budget_gbp", y.budget);
            emit(a, 0, p, b, "intervention_spend_gbp", y.spend);
            emit(a, 0, p, b, "intervention_new_participants", y.joined);
            if (y.cap > 0) emit(a, 0, p, b, "intervention_uptake_ceiling", y.cap);
            emit(a, 0, p, b, "intervention_spend_limit", static_cast<double>(static_cast<int>(y.limit)));
            budget += y.budget;
            spend += y.spend;
            joined += y.joined;
          }
      emit(a, 0, horizon, b, "intervention_budget_gbp", budget);
      emit(a, 0, horizon, b, "intervention_spend_gbp", spend);
      emit(a, 0, horizon, b, "intervention_new_participants", joined);
    }
  }

  // ---- Arm outcomes ----
  for (std::size_t a = 0; a < arms.size(); ++a) {
    const FinanceSettings& fin = arms[a].finance;
    {
      const std::size_t r = 0;  // unused: emit gives every value `replicate`
      const ArmFigures& F = fig[a];
      std::vector<double> disc_cost(kPayers + 1, 0.0), disc_spend(5, 0.0), disc_qaly(kQuintiles + 1, 0.0);
      for (std::size_t p = 0; p < P; ++p) {
        const Totals& T = F.totals[p];
        const bool is_h = p == horizon;
        const double dc = is_h ? 1.0 : discount_factor(spans[p].fy, fin.price_base_year, fin.rate_costs);
        const double dh = is_h ? 1.0 : discount_factor(spans[p].fy, fin.price_base_year, fin.rate_health);
        emit(a, r, p, "all", "population_end", stock(T, sm_population));
        for (int k = 0; k < kTallies; ++k) emit(a, r, p, "all", std::string(kTallyNames[static_cast<std::size_t>(k)]).c_str(), flow(T, fm_tally_first + k));
        emit(a, r, p, "all", "emergency_admissions", flow(T, fm_emergency_admissions));
        emit(a, r, p, "all", "emergency_bed_days", flow(T, fm_emergency_bed_days));
        emit(a, r, p, "all", "delayed_discharge_bed_days", flow(T, fm_delayed_discharge_bed_days));
        emit(a, r, p, "all", "care_home_residents_end", stock(T, sm_care_first + static_cast<int>(CareSetting::care_home)));
        // Costs: undiscounted per period; discounted per financial year, summed for the horizon.
        double total = 0, pub = 0;
        std::array<double, 6> setting{};
        for (int k = 0; k < kPayers; ++k) {
          const double x = flow(T, fm_cost_first + k);
          total += x;
          if (is_public(k)) pub += x;
          setting[static_cast<std::size_t>(kSettingOfPayer[static_cast<std::size_t>(k)])] += x;
          emit(a, r, p, "payer=" + std::string(kPayerNames[static_cast<std::size_t>(k)]), "cost_gbp", x);
          if (!is_h) disc_cost[static_cast<std::size_t>(k)] += x * dc;
          emit(a, r, p, "payer=" + std::string(kPayerNames[static_cast<std::size_t>(k)]), "cost_discounted_gbp",
               is_h ? disc_cost[static_cast<std::size_t>(k)] : x * dc);
        }
        for (std::size_t s = 0; s < kSettings.size(); ++s) emit(a, r, p, std::string("setting=") + kSettings[s], "cost_gbp", setting[s]);
        emit(a, r, p, "all", "cost_gbp", total);
        emit(a, r, p, "public", "cost_gbp", pub);
        if (!is_h) disc_cost[kPayers] += total * dc;
        double disc_pub = 0;
        if (is_h)
          for (int k = 0; k < kPayers; ++k)
            if (is_public(k)) disc_pub += disc_cost[static_cast<std::size_t>(k)];
        emit(a, r, p, "all", "cost_discounted_gbp", is_h ? disc_cost[kPayers] : total * dc);
        emit(a, r, p, "public", "cost_discounted_gbp", is_h ? disc_pub : pub * dc);
        double spend_all = 0;
        for (std::size_t k = 0; k < kFunders.size(); ++k) {
          const double x = flow(T, fm_programme_spend_first + static_cast<int>(k));
          spend_all += x;
          emit(a, r, p, std::string("funder=") + kFunders[k], "intervention_spend_gbp", x);
          if (!is_h) disc_spend[k] += x * dc;
          emit(a, r, p, std::string("funder=") + kFunders[k], "intervention_spend_discounted_gbp", is_h ? disc_spend[k] : x * dc);
        }
        emit(a, r, p, "all", "intervention_spend_gbp", spend_all);
        if (!is_h) disc_spend[4] += spend_all * dc;
        emit(a, r, p, "all", "intervention_spend_discounted_gbp", is_h ? disc_spend[4] : spend_all * dc);
        for (int q = 0; q <= kQuintiles; ++q) {
          const std::string b = q == 0 ? "all" : "quintile=" + std::to_string(q);
          emit(a, r, p, b, "deaths", flow(T, fm_deaths, q));
          const double qa = flow(T, fm_qalys, q);
          emit(a, r, p, b, "qalys", qa);
          if (!is_h) disc_qaly[static_cast<std::size_t>(q)] += qa * dh;
          emit(a, r, p, b, "qalys_discounted", is_h ? disc_qaly[static_cast<std::size_t>(q)] : qa * dh);
        }
        for (int sex = 0; sex < 3; ++sex) {
          for (int q = 0; q <= kQuintiles; ++q) {
            const Expectancy& e = F.le[p][static_cast<std::size_t>(q)][static_cast<std::size_t>(sex)];
            emit_opt(a, r, p, quintile_sex(q, sex), "life_expectancy_birth_years", e.birth);
            emit_opt(a, r, p, quintile_sex(q, sex), "life_expectancy_65_years", e.at65);
            emit_opt(a, r, p, quintile_sex(q, sex), "disability_free_le_birth_years", e.free_birth);
            emit_opt(a, r, p, quintile_sex(q, sex), "disability_free_le_65_years", e.free_65);
          }
          const Expectancy& lo = F.le[p][1][static_cast<std::size_t>(sex)];
          const Expectancy& hi = F.le[p][kQuintiles][static_cast<std::size_t>(sex)];
          const std::string b = quintile_sex(0, sex);
          if (lo.birth && hi.birth) emit(a, r, p, b, "le_gap_birth_years", *hi.birth - *lo.birth);
          if (lo.at65 && hi.at65) emit(a, r, p, b, "le_gap_65_years", *hi.at65 - *lo.at65);
          emit_opt(a, r, p, b, "sii_le_birth_years", F.sii_birth[p][static_cast<std::size_t>(sex)]);
          emit_opt(a, r, p, b, "sii_le_65_years", F.sii_65[p][static_cast<std::size_t>(sex)]);
          if (lo.free_birth && hi.free_birth) emit(a, r, p, b, "dfle_gap_birth_years", *hi.free_birth - *lo.free_birth);
          if (lo.free_65 && hi.free_65) emit(a, r, p, b, "dfle_gap_65_years", *hi.free_65 - *lo.free_65);
          emit_opt(a, r, p, b, "sii_dfle_birth_years", F.sii_free_birth[p][static_cast<std::size_t>(sex)]);
        }
        for (int q = 0; q <= kQuintiles; ++q) {
          const double pop = stock(T, sm_population, q);
          if (pop > 0)
            emit(a, r, p, q == 0 ? "all" : "quintile=" + std::to_string(q), "activity_limited_percent",
                 100.0 * stock(T, sm_activity_limited, q) / pop);
        }
        if (arms[a].output->wider_outcomes) emit_wider_arm(a, r, p, F, fin);
        // The capacity the system model's workforce and beds gave, and what funding from existing
        // budgets displaced (only built under finance.funding_source "existing_budgets").
        {
          const model::SystemOutput& sys = arms[a].output->system;
          auto summed = [&](const char* name, bool average) -> std::optional<double> {
            const auto it = std::find(sys.names.begin(), sys.names.end(), name);
            if (it == sys.names.end() || sys.values.empty()) return std::nullopt;
            const auto v = static_cast<std::size_t>(it - sys.names.begin());
            double sum = 0;
            for (const auto& icp : sys.values)
              for (int m = spans[p].first; m <= spans[p].last && static_cast<std::size_t>(m + 1) < icp.size(); ++m) sum += icp[static_cast<std::size_t>(m + 1)][v];
            return average ? sum / std::max(1, spans[p].last - spans[p].first + 1) : sum;
          };
          emit_opt(a, r, p, "all", "staffed_home_care_hours", summed("social_care.staffed_home_care_hours", false));
          emit_opt(a, r, p, "all", "staffed_gp_appointments", summed("primary_care.staffed_appointments", false));
          emit_opt(a, r, p, "all", "acute_beds_open", summed("acute.beds", true));
          emit_opt(a, r, p, "all", "home_care_hours_displaced", summed("social_care.home_care_hours_displaced", false));
        }
        if (is_h && whole_run)
          if (const auto b = beyond_horizon(*arms[a].output, *arms[0].output, fin)) {
            emit(a, r, p, "all", "life_years_beyond_horizon_discounted", b->life_years);
            emit(a, r, p, "all", "qalys_beyond_horizon_discounted", b->qalys);
          }
        for (int k = 0; k < kConditions; ++k) {
          const std::string cond = "condition=" + std::string(kConditionNames[static_cast<std::size_t>(k)]);
          for (int q = 0; q <= kQuintiles; ++q) {
            const double pop = stock(T, sm_population, q);
            if (pop > 0)
              emit(a, r, p, q == 0 ? cond : cond + ";quintile=" + std::to_string(q), "prevalence_percent",
                   100.0 * stock(T, sm_condition_first + k, q) / pop);
          }
        }
      }
    }
  }

  // ---- Differences from the baseline (arm 0), replicate by replicate ----
  for (std::size_t a = 1; a < arms.size(); ++a) {
    const FinanceSettings& fin = arms[a].finance;
    // Green Book optimism bias: every monetary saving x (1 - b), the intervention cost x (1 + c).
    const double kb = 1.0 - fin.optimism_benefits, kc = 1.0 + fin.optimism_costs;
    std::vector<int> cashable;
    for (int k = 0; k < kCostedActivities; ++k) {
      const std::string name = costed_activity_name(k);
      // Emergency spells are cashable when the rules name admissions or bed-days (beds closed);
      // the days above or below the expected stays only when they name bed-days: a shorter stay
      // frees a bed that other patients use unless wards close.
      const bool bed_days = std::find(fin.cashable.begin(), fin.cashable.end(), "emergency_bed_days") != fin.cashable.end();
      const bool listed = std::find(fin.cashable.begin(), fin.cashable.end(), name) != fin.cashable.end() ||
                          ((k == kTallies || k == kTallies + 1) && bed_days);
      if (listed) cashable.push_back(k);
    }
    {
      const std::size_t r = 0;  // unused: emit gives every value `replicate`
      const ArmFigures& B = fig[0];
      const ArmFigures& S = fig[a];
      std::vector<double> sav_pv(kPayers, 0.0), inv_pv(kFunders.size(), 0.0);
      std::vector<std::array<double, 2>> direct_pv(arms[a].output->programmes.size(), std::array<double, 2>{});  // [programme][nhs, council]
      std::vector<double> activity_pv(kCostedActivities, 0.0);
      // The NICE reference case: costs and health at 3.5%, unrelated NHS costs in added life left out.
      double unrelated_pv = 0, nice_cost = 0, nice_savings = 0, nice_unrelated = 0, nice_qalys = 0;
      const bool priced_life = arms[a].output->nhs_spend_per_year.size() == static_cast<std::size_t>(kLifeTableCells);
      double pv_gross = 0, pv_cash = 0, pv_cost = 0, pv_qaly = 0, cum_gross = 0, cum_cash = 0;
      std::vector<double> pv_qaly_q(kQuintiles + 1, 0.0);
      std::optional<int> be_gross, be_cash;
      WiderPresentValues wider_pv;
      for (std::size_t p = 0; p < P; ++p) {
        const Totals& TB = B.totals[p];
        const Totals& TS = S.totals[p];
        const bool is_h = p == horizon;
        const double dc = is_h ? 1.0 : discount_factor(spans[p].fy, fin.price_base_year, fin.rate_costs);
        const double dh = is_h ? 1.0 : discount_factor(spans[p].fy, fin.price_base_year, fin.rate_health);
        double gross_all = 0, gross_pub = 0;
        std::array<double, 6> setting{};
        for (int k = 0; k < kPayers; ++k) {
          const double x = (flow(TB, fm_cost_first + k) - flow(TS, fm_cost_first + k)) * kb;
          gross_all += x;
          if (is_public(k)) gross_pub += x;
          setting[static_cast<std::size_t>(kSettingOfPayer[static_cast<std::size_t>(k)])] += x;
          emit(a, r, p, "payer=" + std::string(kPayerNames[static_cast<std::size_t>(k)]), "gross_savings_gbp", x);
          if (!is_h) sav_pv[static_cast<std::size_t>(k)] += x * dc;
          emit(a, r, p, "payer=" + std::string(kPayerNames[static_cast<std::size_t>(k)]), "gross_savings_discounted_gbp",
               is_h ? sav_pv[static_cast<std::size_t>(k)] : x * dc);
        }
        for (std::size_t s = 0; s < kSettings.size(); ++s) emit(a, r, p, std::string("setting=") + kSettings[s], "gross_savings_gbp", setting[s]);
        emit(a, r, p, "all", "gross_savings_gbp", gross_all);
        emit(a, r, p, "public", "gross_savings_gbp", gross_pub);
        // Cashable: the named activities' public cost, by payer and activity.
        double cash = 0;
        std::array<double, kPayers> cash_payer{};
        for (int k : cashable) {
          const double x = (flow(TB, fm_public_cost_first + k) - flow(TS, fm_public_cost_first + k)) * kb;
          cash += x;
          cash_payer[static_cast<std::size_t>(costed_activity_payer(k))] += x;
          emit(a, r, p, "activity=" + costed_activity_name(k), "cashable_savings_gbp", x);
        }
        for (int k = 0; k < kPayers; ++k)
          if (is_public(k)) emit(a, r, p, "payer=" + std::string(kPayerNames[static_cast<std::size_t>(k)]), "cashable_savings_gbp", cash_payer[static_cast<std::size_t>(k)]);
        emit(a, r, p, "public", "cashable_savings_gbp", cash);
        double cost = 0;
        for (std::size_t k = 0; k < kFunders.size(); ++k) {
          const int m = fm_programme_spend_first + static_cast<int>(k);
          const double x = (flow(TS, m) - flow(TB, m)) * kc;
          cost += x;
          emit(a, r, p, std::string("funder=") + kFunders[k], "intervention_cost_gbp", x);
          if (!is_h) inv_pv[k] += x * dc;
          emit(a, r, p, std::string("funder=") + kFunders[k], "intervention_cost_discounted_gbp", is_h ? inv_pv[k] : x * dc);
        }
        emit(a, r, p, "all", "intervention_cost_gbp", cost);
        // Funded from existing budgets: the whole cost displaces what those budgets bought.
        if (fin.funding_source == "existing_budgets") {
          for (std::size_t k = 0; k < kFunders.size(); ++k) {
            const int m = fm_programme_spend_first + static_cast<int>(k);
            emit(a, r, p, std::string("funder=") + kFunders[k], "funded_from_existing_budgets_gbp", (flow(TS, m) - flow(TB, m)) * kc);
          }
          emit(a, r, p, "all", "funded_from_existing_budgets_gbp", cost);
        }
        emit(a, r, p, "all", "net_benefit_gbp", gross_pub - cost);
        emit(a, r, p, "all", "net_benefit_cashable_gbp", cash - cost);
        if (!is_h) {
          pv_gross += gross_pub * dc;
          pv_cash += cash * dc;
          pv_cost += cost * dc;
          cum_gross += (gross_pub - cost) * dc;
          cum_cash += (cash - cost) * dc;
          // Break-even: the first year, once money has been invested, whose cumulative
          // discounted net benefit is zero or more (years before the investment starts are not).
          if (pv_cost > 0 && !be_gross && cum_gross >= 0) be_gross = spans[p].fy;
          if (pv_cost > 0 && !be_cash && cum_cash >= 0) be_cash = spans[p].fy;
          emit(a, r, p, "all", "cumulative_discounted_net_benefit_gbp", cum_gross);
          emit(a, r, p, "cashable", "cumulative_discounted_net_benefit_gbp", cum_cash);
          emit(a, r, p, "public", "gross_savings_discounted_gbp", gross_pub * dc);
          emit(a, r, p, "all", "gross_savings_discounted_gbp", gross_all * dc);
          emit(a, r, p, "public", "cashable_savings_discounted_gbp", cash * dc);
          emit(a, r, p, "all", "intervention_cost_discounted_gbp", cost * dc);
        } else {
          double all_pv = 0;
          for (double x : sav_pv) all_pv += x;
          emit(a, r, p, "public", "gross_savings_discounted_gbp", pv_gross);
          emit(a, r, p, "all", "gross_savings_discounted_gbp", all_pv);
          emit(a, r, p, "public", "cashable_savings_discounted_gbp", pv_cash);
          emit(a, r, p, "all", "intervention_cost_discounted_gbp", pv_cost);
        }
        // The bridge from direct to total savings: what each intervention's own ledger avoided
        // among its participants (expected activity without its effect minus with it, at unit
        // costs), then the rest of the public gross savings by payer, the system's and the
        // indirect effects (capacity and delays, activity the avoided events would have led
        // to, the later care of people who live longer, reinvestment's knock-on, and Monte
        // Carlo noise); the lines add up to the public gross savings. Present values.
        {
          const auto& progs = arms[a].output->programmes;
          double d_nhs = 0, d_council = 0;
          for (std::size_t k = 0; k < progs.size(); ++k) {
            double n = 0, c = 0;
            for (int m = spans[p].first; m <= spans[p].last && static_cast<std::size_t>(m) < progs[k].months.size(); ++m) {
              n += progs[k].months[static_cast<std::size_t>(m)][pg_avoided_nhs_cost];
              c += progs[k].months[static_cast<std::size_t>(m)][pg_avoided_council_cost];
            }
            n *= kb * fin.price_factor;
            c *= kb * fin.price_factor;
            if (!is_h) {
              direct_pv[k][0] += n * dc;
              direct_pv[k][1] += c * dc;
            }
            const double pn = is_h ? direct_pv[k][0] : n * dc, pc = is_h ? direct_pv[k][1] : c * dc;
            const std::string b = "intervention=" + progs[k].name;
            emit(a, r, p, b, "direct_savings_discounted_gbp", pn + pc);
            emit(a, r, p, b + ";payer=nhs", "direct_savings_discounted_gbp", pn);
            emit(a, r, p, b + ";payer=council", "direct_savings_discounted_gbp", pc);
            d_nhs += pn;
            d_council += pc;
          }
          emit(a, r, p, "all", "direct_savings_discounted_gbp", d_nhs + d_council);
          emit(a, r, p, "payer=nhs", "direct_savings_discounted_gbp", d_nhs);
          emit(a, r, p, "payer=council", "direct_savings_discounted_gbp", d_council);
          double t_nhs = 0, t_council = 0, t_ph = 0;
          for (int k = 0; k < kPayers; ++k) {
            const double x = is_h ? sav_pv[static_cast<std::size_t>(k)] : (flow(TB, fm_cost_first + k) - flow(TS, fm_cost_first + k)) * kb * dc;
            if (k == council_adult_social_care) t_council += x;
            else if (k == public_health) t_ph += x;
            else if (is_public(k)) t_nhs += x;
          }
          emit(a, r, p, "public", "system_savings_discounted_gbp", t_nhs + t_council + t_ph - d_nhs - d_council);
          emit(a, r, p, "payer=nhs", "system_savings_discounted_gbp", t_nhs - d_nhs);
          emit(a, r, p, "payer=council", "system_savings_discounted_gbp", t_council - d_council);
          emit(a, r, p, "payer=public_health", "system_savings_discounted_gbp", t_ph);
          // The public gross savings by costed activity (where the total came from), and the
          // rest (NHS-funded nursing care in care-home stays; public-health services).
          double by_activity = 0;
          for (int k = 0; k < kCostedActivities; ++k) {
            const double x = (flow(TB, fm_public_cost_first + k) - flow(TS, fm_public_cost_first + k)) * kb;
            if (!is_h) activity_pv[static_cast<std::size_t>(k)] += x * dc;
            const double v = is_h ? activity_pv[static_cast<std::size_t>(k)] : x * dc;
            by_activity += v;
            emit(a, r, p, "activity=" + costed_activity_name(k), "gross_savings_discounted_gbp", v);
          }
          emit(a, r, p, "activity=other", "gross_savings_discounted_gbp", t_nhs + t_council + t_ph - by_activity);
        }
        // Two perspectives. Budget impact (every figure above): all the NHS and councils pay,
        // the later care of people who live longer included. Cost-effectiveness in the NICE
        // reference case: the unrelated NHS costs of the added life-years left out, priced at
        // the average NHS spend per person-year of each age, sex and deprivation (the added
        // person-years by life-table cell x nhs_spend_per_year), and costs and health at 3.5%.
        if (priced_life) {
          const auto& spend = arms[a].output->nhs_spend_per_year;
          const auto& fs = arms[a].output->flows;
          const auto& fb = arms[0].output->flows;
          double unrelated = 0;
          for (int m = spans[p].first; m <= spans[p].last && static_cast<std::size_t>(m) < fs.size() && static_cast<std::size_t>(m) < fb.size(); ++m)
            for (std::size_t c = 0; c < static_cast<std::size_t>(kLifeTableCells); ++c)
              unrelated += (fs[static_cast<std::size_t>(m)].person_months[c] - fb[static_cast<std::size_t>(m)].person_months[c]) / 12.0 * spend[c];
          unrelated *= kb * fin.price_factor;
          const double qalys = flow(TS, fm_qalys, 0) - flow(TB, fm_qalys, 0);
          if (!is_h) {
            unrelated_pv += unrelated * dc;
            const double d = discount_factor(spans[p].fy, fin.price_base_year, kNiceDiscountRate);
            nice_cost += cost * d;
            nice_savings += gross_pub * d;
            nice_unrelated += unrelated * d;
            nice_qalys += qalys * d;
          }
          emit(a, r, p, "all", "unrelated_costs_added_life_gbp", unrelated);
          emit(a, r, p, "all", "unrelated_costs_added_life_discounted_gbp", is_h ? unrelated_pv : unrelated * dc);
          if (is_h) {
            const double net_cost = nice_cost - nice_savings - nice_unrelated;
            emit(a, r, p, "all", "net_cost_nice_gbp", net_cost);
            emit(a, r, p, "all", "qalys_gained_discounted_nice", nice_qalys);
            for (const double wtp : {20000.0, 30000.0}) {
              const std::string w = "wtp=" + std::to_string(static_cast<long long>(wtp));
              const double nmb = wtp * nice_qalys - net_cost;
              emit(a, r, p, w, "net_monetary_benefit_nice_gbp", nmb);
              emit(a, r, p, w, "cost_effective_nice", nmb > 0 ? 1.0 : 0.0);
            }
          }
        }
        // Health.
        for (int q = 0; q <= kQuintiles; ++q) {
          const std::string b = q == 0 ? "all" : "quintile=" + std::to_string(q);
          emit(a, r, p, b, "deaths_averted", flow(TB, fm_deaths, q) - flow(TS, fm_deaths, q));
          const double g = flow(TS, fm_qalys, q) - flow(TB, fm_qalys, q);
          emit(a, r, p, b, "qalys_gained", g);
          if (!is_h) pv_qaly_q[static_cast<std::size_t>(q)] += g * dh;
          emit(a, r, p, b, "qalys_gained_discounted", is_h ? pv_qaly_q[static_cast<std::size_t>(q)] : g * dh);
          const double py = flow(TB, fm_person_months, q) / 12.0;
          if (py > 0) emit(a, r, p, b, "qalys_gained_per_100k", 1e5 * g / py);
        }
        {
          const double py1 = flow(TB, fm_person_months, 1) / 12.0, py5 = flow(TB, fm_person_months, kQuintiles) / 12.0;
          if (py1 > 0 && py5 > 0)
            emit(a, r, p, "all", "equity_gain_qalys_per_100k",
                 1e5 * ((flow(TS, fm_qalys, 1) - flow(TB, fm_qalys, 1)) / py1 - (flow(TS, fm_qalys, kQuintiles) - flow(TB, fm_qalys, kQuintiles)) / py5));
        }
        for (int sex = 0; sex < 3; ++sex) {
          for (int q = 0; q <= kQuintiles; ++q) {
            const Expectancy& eb = B.le[p][static_cast<std::size_t>(q)][static_cast<std::size_t>(sex)];
            const Expectancy& es = S.le[p][static_cast<std::size_t>(q)][static_cast<std::size_t>(sex)];
            if (eb.birth && es.birth) emit(a, r, p, quintile_sex(q, sex), "le_birth_change_years", *es.birth - *eb.birth);
            if (eb.at65 && es.at65) emit(a, r, p, quintile_sex(q, sex), "le_65_change_years", *es.at65 - *eb.at65);
            if (eb.free_birth && es.free_birth) emit(a, r, p, quintile_sex(q, sex), "dfle_birth_change_years", *es.free_birth - *eb.free_birth);
            if (eb.free_65 && es.free_65) emit(a, r, p, quintile_sex(q, sex), "dfle_65_change_years", *es.free_65 - *eb.free_65);
          }
          const auto& b1 = B.le[p][1][static_cast<std::size_t>(sex)];
          const auto& b5 = B.le[p][kQuintiles][static_cast<std::size_t>(sex)];
          const auto& s1 = S.le[p][1][static_cast<std::size_t>(sex)];
          const auto& s5 = S.le[p][kQuintiles][static_cast<std::size_t>(sex)];
          const std::string b = quintile_sex(0, sex);
          if (b1.birth && b5.birth && s1.birth && s5.birth)
            emit(a, r, p, b, "le_gap_birth_change_years", (*s5.birth - *s1.birth) - (*b5.birth - *b1.birth));
          if (b1.at65 && b5.at65 && s1.at65 && s5.at65)
            emit(a, r, p, b, "le_gap_65_change_years", (*s5.at65 - *s1.at65) - (*b5.at65 - *b1.at65));
          if (b1.free_birth && b5.free_birth && s1.free_birth && s5.free_birth)
            emit(a, r, p, b, "dfle_gap_birth_change_years", (*s5.free_birth - *s1.free_birth) - (*b5.free_birth - *b1.free_birth));
          if (B.sii_free_birth[p][static_cast<std::size_t>(sex)] && S.sii_free_birth[p][static_cast<std::size_t>(sex)])
            emit(a, r, p, b, "sii_dfle_birth_change_years",
                 *S.sii_free_birth[p][static_cast<std::size_t>(sex)] - *B.sii_free_birth[p][static_cast<std::size_t>(sex)]);
          const auto& sbb = B.sii_birth[p][static_cast<std::size_t>(sex)];
          const auto& sbs = S.sii_birth[p][static_cast<std::size_t>(sex)];
          if (sbb && sbs) emit(a, r, p, b, "sii_le_birth_change_years", *sbs - *sbb);
          const auto& s6b = B.sii_65[p][static_cast<std::size_t>(sex)];
          const auto& s6s = S.sii_65[p][static_cast<std::size_t>(sex)];
          if (s6b && s6s) emit(a, r, p, b, "sii_le_65_change_years", *s6s - *s6b);
        }
        if (!is_h) pv_qaly += (flow(TS, fm_qalys) - flow(TB, fm_qalys)) * dh;
        if (arms[0].output->wider_outcomes && arms[a].output->wider_outcomes)
          emit_wider_difference(a, r, p, B, S, fin, pv_cost, wider_pv);
        if (!is_h) continue;
        // Horizon-only figures.
        emit(a, r, p, "all", "npv_gbp", pv_gross - pv_cost);
        emit(a, r, p, "all", "npv_cashable_gbp", pv_cash - pv_cost);
        if (pv_cost > 0) {
          const double roi = return_on_investment(pv_gross, pv_cost), roi_c = return_on_investment(pv_cash, pv_cost);
          emit(a, r, p, "all", "roi_gross", roi);
          emit(a, r, p, "all", "roi_cashable", roi_c);
          emit(a, r, p, "all", "roi_gross_above_1", roi > 1 ? 1.0 : 0.0);
          emit(a, r, p, "all", "roi_cashable_above_1", roi_c > 1 ? 1.0 : 0.0);
        }
        if (be_gross) emit(a, r, p, "all", "break_even_year", *be_gross);
        if (be_cash) emit(a, r, p, "all", "break_even_year_cashable", *be_cash);
        emit(a, r, p, "all", "break_even_within_horizon", be_gross ? 1.0 : 0.0);
        emit(a, r, p, "cashable", "break_even_within_horizon", be_cash ? 1.0 : 0.0);
        // Who pays, who saves (present values).
        double inv_total = 0;
        for (double x : inv_pv) inv_total += x;
        for (std::size_t i = 0; i < kFunders.size(); ++i)
          for (int k = 0; k < kPayers; ++k)
            emit(a, r, p, std::string("investor=") + kFunders[i] + ";saver=" + std::string(kPayerNames[static_cast<std::size_t>(k)]),
                 "who_pays_who_saves_gbp", inv_total > 0 ? sav_pv[static_cast<std::size_t>(k)] * inv_pv[i] / inv_total : 0.0);
        const double nhs_sav = sav_pv[nhs_acute] + sav_pv[nhs_primary_care] + sav_pv[nhs_community] + sav_pv[nhs_mental_health];
        const std::array<double, 3> org_sav{nhs_sav, sav_pv[council_adult_social_care], sav_pv[public_health]};
        const std::array<double, 3> org_inv{inv_pv[0], inv_pv[1], inv_pv[2]};
        const std::array<const char*, 3> org{"nhs", "council", "public_health"};
        for (std::size_t o = 0; o < 3; ++o) emit(a, r, p, std::string("organisation=") + org[o], "net_position_gbp", org_sav[o] - org_inv[o]);
        emit(a, r, p, "organisation=households", "net_position_gbp", sav_pv[households]);
        emit(a, r, p, "organisation=pooled", "net_position_gbp", -inv_pv[model::funder_index(model::Funder::pooled)]);
        double pos = 0;
        for (double x : org_sav) pos += std::max(0.0, x);
        for (std::size_t o = 0; o < 3; ++o) {
          const double share = pos > 0 ? std::max(0.0, org_sav[o]) / pos : 1.0 / 3.0;
          emit(a, r, p, std::string("organisation=") + org[o], "pooled_budget_transfer_gbp", inv_total * share - org_inv[o]);
        }
        // Where the money is saved and spent: present values by ICP (of residence) and payer.
        {
          const RunOutput& OB = *arms[0].output;
          const RunOutput& OS = *arms[a].output;
          int n_icp = 0;
          for (int icp : OB.layout.zone_icp) n_icp = std::max(n_icp, icp + 1);
          std::vector<std::array<double, kPayers>> sav_icp(static_cast<std::size_t>(n_icp));
          std::vector<double> spend_icp(static_cast<std::size_t>(n_icp), 0.0);
          for (auto& x : sav_icp) x.fill(0.0);
          const int cells = OB.layout.cells();
          for (std::size_t q = 0; q < horizon; ++q) {
            const double d = discount_factor(spans[q].fy, fin.price_base_year, fin.rate_costs);
            for (int m = spans[q].first; m <= spans[q].last; ++m)
              for (int c = 0; c < cells; ++c) {
                const auto icp = static_cast<std::size_t>(OB.layout.zone_icp[static_cast<std::size_t>(c / kQuintiles)]);
                const double* rb = &OB.flows[static_cast<std::size_t>(m)].cells[static_cast<std::size_t>(c) * kFlowMetrics];
                const double* rs = &OS.flows[static_cast<std::size_t>(m)].cells[static_cast<std::size_t>(c) * kFlowMetrics];
                for (int k = 0; k < kPayers; ++k)
                  sav_icp[icp][static_cast<std::size_t>(k)] += (rb[fm_cost_first + k] - rs[fm_cost_first + k]) * d * kb * fin.price_factor;
                for (std::size_t f = 0; f < kFunders.size(); ++f) {
                  const int mf = fm_programme_spend_first + static_cast<int>(f);
                  spend_icp[icp] += (rs[mf] - rb[mf]) * d * kc * fin.price_factor;
                }
              }
          }
          const auto& names = fig[0].icp_names;
          for (std::size_t i = 0; i < sav_icp.size(); ++i) {
            const std::string icp = "icp=" + (i < names.size() ? names[i] : std::to_string(i));
            double pub = 0;
            for (int k = 0; k < kPayers; ++k) {
              emit(a, r, p, icp + ";payer=" + std::string(kPayerNames[static_cast<std::size_t>(k)]), "gross_savings_discounted_gbp",
                   sav_icp[i][static_cast<std::size_t>(k)]);
              if (is_public(k)) pub += sav_icp[i][static_cast<std::size_t>(k)];
            }
            emit(a, r, p, icp, "gross_savings_discounted_gbp", pub);
            emit(a, r, p, icp, "intervention_cost_discounted_gbp", spend_icp[i]);
            emit(a, r, p, icp, "npv_gbp", pub - spend_icp[i]);
          }
        }
        const double net_cost = pv_cost - pv_gross;
        if (pv_qaly > 0) emit(a, r, p, "all", "cost_per_qaly_gbp", net_cost / pv_qaly);
        // Beyond the horizon: the life its extra survivors still have (both arms with the
        // baseline's mortality and the scenario's discounting), and the lifetime cost per QALY.
        if (whole_run) {
          const auto bb = beyond_horizon(*arms[0].output, *arms[0].output, fin);
          const auto bs = beyond_horizon(*arms[a].output, *arms[0].output, fin);
          if (bb && bs) {
            const double ly = bs->life_years - bb->life_years, qa = bs->qalys - bb->qalys;
            emit(a, r, p, "all", "life_years_gained_beyond_horizon_discounted", ly);
            emit(a, r, p, "all", "qalys_gained_beyond_horizon_discounted", qa);
            emit(a, r, p, "all", "qalys_gained_lifetime_discounted", pv_qaly + qa);
            if (pv_qaly + qa > 0) emit(a, r, p, "all", "cost_per_qaly_lifetime_gbp", net_cost / (pv_qaly + qa));
          }
        }
        // The cost-effectiveness acceptability curve: GBP 0 to 100,000 per QALY by 5,000 (with
        // the NICE range's two ends among them).
        for (double wtp : acceptability_grid(fin)) {
          const std::string b = "wtp=" + std::to_string(static_cast<long>(wtp));
          const double nmb = pv_qaly * wtp - net_cost;
          emit(a, r, p, b, "net_monetary_benefit_gbp", nmb);
          emit(a, r, p, b, "cost_effective", nmb > 0 ? 1.0 : 0.0);
        }
      }
    }
  }
}

}  // namespace

std::vector<std::string> comparison_periods(int start_year, int months, int plan_months, int first_month) {
  std::vector<std::string> periods;
  for (const auto& s : spans_of(start_year, months, first_month)) periods.push_back(s.label);
  if (plan_months > 0 && first_month + plan_months < months) periods.insert(periods.end() - 1, kPlanPeriod);
  return periods;
}

std::vector<OutcomeValue> replicate_outcomes(const std::vector<ReplicateArm>& arms, int replicate, int plan_months, int first_month) {
  if (arms.empty()) throw InternalError("replicate_outcomes: no arms");
  const RunOutput& first = *arms.front().output;
  for (const auto& a : arms)
    if (a.output->months != first.months || a.output->start_year != first.start_year || a.output->layout.cells() != first.layout.cells())
      throw InternalError("compare: arms differ in start year, months or geography");
  if (first_month < 0 || first_month % 12 != 0 || first_month >= first.months)
    throw InternalError("compare: the reported months must start a whole number of years into the run");
  std::vector<OutcomeValue> values;
  values_over(arms, replicate, first.months, values, first_month);
  const int reported = first.months - first_month;
  // Pay-back at 2, 5, 10 and 25 years (the NICE tobacco ROI tool's timescales) and at the
  // horizon: the present values, NPV and ROI over the first N years, as a run of N years gives them.
  {
    static const std::map<std::string, std::pair<std::string, std::string>> kByYears{
        {"npv_gbp", {"all", "npv_by_years_gbp"}},
        {"npv_cashable_gbp", {"all", "npv_cashable_by_years_gbp"}},
        {"roi_gross", {"all", "roi_gross_by_years"}},
        {"intervention_cost_discounted_gbp", {"all", "intervention_cost_by_years_discounted_gbp"}},
        {"gross_savings_discounted_gbp", {"public", "gross_savings_by_years_discounted_gbp"}}};
    const auto& dict = outcome_dictionary();
    std::vector<int> years;
    for (int y : {2, 5, 10, 25})
      if (12 * y < reported) years.push_back(y);
    if (reported % 12 == 0) years.push_back(reported / 12);
    for (int y : years) {
      std::vector<OutcomeValue> sub;
      if (12 * y == reported) sub = values;
      else values_over(arms, replicate, first_month + 12 * y, sub, first_month);
      const std::string b = "years=" + std::to_string(y);
      for (const auto& v : sub) {
        if (v.period != "horizon") continue;
        const auto it = kByYears.find(dict[static_cast<std::size_t>(v.outcome)].name);
        if (it == kByYears.end() || v.breakdown != it->second.first) continue;
        values.push_back({v.arm, v.replicate, "horizon", b, outcome_index(it->second.second), v.value});
      }
    }
  }
  if (plan_months <= 0 || plan_months >= reported) return values;
  if (plan_months % 12 != 0) throw InternalError("compare: the plan must be whole model years");
  // The plan: every horizon outcome over its first years alone, exactly as a run of that
  // length would give them, under the period "plan".
  std::vector<OutcomeValue> plan;
  values_over(arms, replicate, first_month + plan_months, plan, first_month);
  for (auto& v : plan)
    if (v.period == "horizon") {
      v.period = kPlanPeriod;
      values.push_back(std::move(v));
    }
  return values;
}

std::vector<OutcomeSummary> summarise_comparison(const std::vector<OutcomeValue>& values, int arms, int replicates,
                                                 const std::vector<ParameterSample>* samples) {
  // (Each group's values are sorted before they are summed: the order they come in does not
  // change a summary.)
  std::vector<OutcomeSummary> summary = summarise_values(values);
  // A code is summarised by the one most replicates gave (the smallest of equals), not a mean.
  {
    const int o = outcome_index("intervention_spend_limit");
    std::map<std::tuple<int, std::string, std::string>, std::map<int, int>> counts;
    for (const auto& v : values)
      if (v.outcome == o) ++counts[{v.arm, v.period, v.breakdown}][static_cast<int>(std::lround(v.value))];
    for (auto& s : summary)
      if (s.outcome == o) {
        const auto& c = counts[{s.arm, s.period, s.breakdown}];
        int best = 0, n = -1;
        for (const auto& [code, k] : c)
          if (k > n) best = code, n = k;
        s.mean = s.median = best;
        s.p05 = s.p95 = s.mcse = std::nullopt;
      }
  }
  auto find_mutable = [&](int a, const std::string& period, const char* breakdown, const char* outcome) -> OutcomeSummary* {
    const int o = outcome_index(outcome);
    for (auto& s : summary)
      if (s.arm == a && s.outcome == o && s.period == period && s.breakdown == breakdown) return &s;
    return nullptr;
  };
  auto find = [&](int a, const std::string& period, const char* breakdown, const char* outcome) -> const OutcomeSummary* {
    return find_mutable(a, period, breakdown, outcome);
  };
  // Each replicate's value of an outcome (arm, period, breakdown), by replicate.
  auto per_replicate = [&](int a, const std::string& period, const char* breakdown, const char* outcome) {
    const int o = outcome_index(outcome);
    std::vector<double> x(static_cast<std::size_t>(replicates), 0.0);
    std::vector<char> seen(x.size(), 0);
    for (const auto& v : values)
      if (v.arm == a && v.outcome == o && v.period == period && v.breakdown == breakdown && v.replicate < replicates) {
        x[static_cast<std::size_t>(v.replicate)] = v.value;
        seen[static_cast<std::size_t>(v.replicate)] = 1;
      }
    return std::make_pair(x, std::all_of(seen.begin(), seen.end(), [](char c) { return c != 0; }));
  };
  // A ratio of means R = mean y / mean x over the replicates, and its Monte Carlo standard
  // error by the delta method, sd(y - R x) / (sqrt(n) mean x); nullopt when mean x is not above 0.
  auto ratio_of_means = [&](const std::vector<double>& y, const std::vector<double>& x) -> std::pair<std::optional<double>, std::optional<double>> {
    const double n = static_cast<double>(y.size());
    double my = 0, mx = 0;
    for (std::size_t k = 0; k < y.size(); ++k) {
      my += y[k] / n;
      mx += x[k] / n;
    }
    if (!(mx > 0)) return {std::nullopt, std::nullopt};
    const double r = my / mx;
    if (y.size() < 2) return {r, std::nullopt};
    double ss = 0;
    for (std::size_t k = 0; k < y.size(); ++k) ss += std::pow(y[k] - r * x[k], 2);
    return {r, std::sqrt(ss / (n - 1)) / (std::sqrt(n) * mx)};
  };
  for (const char* period_name : {"horizon", kPlanPeriod}) {
    const std::string period = period_name;
    bool present = false;
    for (const auto& v : values) present = present || v.period == period;
    if (!present) continue;
    // The returns on investment: ratios of means (present value of savings over the replicates'
    // mean / present value of cost), so that ROI = mean savings / mean cost as a finance lead
    // would compute it from the means; the interval and median stay those of the replicates'
    // own ratios.
    for (int a = 1; a < arms; ++a) {
      for (auto& roi : summary) {
        if (roi.arm != a || roi.period != period || roi.outcome != outcome_index("roi_gross_by_years")) continue;
        const auto [cost, cost_ok] = per_replicate(a, period, roi.breakdown.c_str(), "intervention_cost_by_years_discounted_gbp");
        const auto [saving, saving_ok] = per_replicate(a, period, roi.breakdown.c_str(), "gross_savings_by_years_discounted_gbp");
        if (!cost_ok || !saving_ok) continue;
        const auto [r, se] = ratio_of_means(saving, cost);
        roi.mean = r;
        roi.mcse = se;
      }
      const auto [cost, cost_ok] = per_replicate(a, period, "all", "intervention_cost_discounted_gbp");
      for (const auto& [roi_name, saving_name] : {std::pair{"roi_gross", "gross_savings_discounted_gbp"}, std::pair{"roi_cashable", "cashable_savings_discounted_gbp"}}) {
        OutcomeSummary* roi = find_mutable(a, period, "all", roi_name);
        const auto [saving, saving_ok] = per_replicate(a, period, "public", saving_name);
        if (!roi || !cost_ok || !saving_ok) continue;
        const auto [r, se] = ratio_of_means(saving, cost);
        roi->mean = r;
        roi->mcse = se;
      }
    }
    // The ICER: a ratio of means over the replicates (the mean of per-replicate ratios would
    // leave out replicates without a QALY gain and misstate the rest), and the quadrant of the
    // cost-effectiveness plane the means fall in, which says what to write when there is no ICER.
    for (int a = 1; a < arms; ++a) {
      auto mean_of = [&](const char* outcome, const char* breakdown) {
        const OutcomeSummary* s = find(a, period, breakdown, outcome);
        return s && s->mean ? *s->mean : 0.0;
      };
      const double net_cost = mean_of("intervention_cost_discounted_gbp", "all") - mean_of("gross_savings_discounted_gbp", "public");
      const double qalys = mean_of("qalys_gained_discounted", "all");
      OutcomeSummary icer{a, period, "all", outcome_index("icer_gbp_per_qaly"), replicates, {}, {}, {}, {}, {}};
      if (qalys > 0) icer.mean = icer.median = net_cost / qalys;
      {
        const auto [c, c_ok] = per_replicate(a, period, "all", "intervention_cost_discounted_gbp");
        const auto [s, s_ok] = per_replicate(a, period, "public", "gross_savings_discounted_gbp");
        const auto [q, q_ok] = per_replicate(a, period, "all", "qalys_gained_discounted");
        if (c_ok && s_ok && q_ok && qalys > 0) {
          std::vector<double> net(c.size());
          for (std::size_t k = 0; k < c.size(); ++k) net[k] = c[k] - s[k];
          icer.mcse = ratio_of_means(net, q).second;
        }
      }
      // The NICE reference case's ICER (3.5% for both, unrelated costs of added life left out).
      if (find(a, period, "all", "net_cost_nice_gbp")) {
        const double nc = mean_of("net_cost_nice_gbp", "all"), nq = mean_of("qalys_gained_discounted_nice", "all");
        OutcomeSummary ni{a, period, "all", outcome_index("icer_nice_gbp_per_qaly"), replicates, {}, {}, {}, {}, {}};
        if (nq > 0) {
          ni.mean = ni.median = nc / nq;
          const auto [c, c_ok] = per_replicate(a, period, "all", "net_cost_nice_gbp");
          const auto [q, q_ok] = per_replicate(a, period, "all", "qalys_gained_discounted_nice");
          if (c_ok && q_ok) ni.mcse = ratio_of_means(c, q).second;
        }
        summary.push_back(ni);
        OutcomeSummary nquad{a, period, "all", outcome_index("cost_effectiveness_quadrant_nice"), replicates, {}, {}, {}, {}, {}};
        nquad.mean = nquad.median = cost_effectiveness_quadrant(nc, nq);
        summary.push_back(nquad);
      }
      OutcomeSummary quadrant{a, period, "all", outcome_index("cost_effectiveness_quadrant"), replicates, {}, {}, {}, {}, {}};
      quadrant.mean = quadrant.median = cost_effectiveness_quadrant(net_cost, qalys);
      summary.push_back(quadrant);
      const bool lifetime_known = find(a, period, "all", "qalys_gained_lifetime_discounted") != nullptr;
      const double lifetime = mean_of("qalys_gained_lifetime_discounted", "all");
      summary.push_back(icer);
      if (lifetime_known) {
        OutcomeSummary l{a, period, "all", outcome_index("icer_lifetime_gbp_per_qaly"), replicates, {}, {}, {}, {}, {}};
        if (lifetime > 0) l.mean = l.median = net_cost / lifetime;
        summary.push_back(l);
      }
    }
    // The expected value of perfect information at each willingness to pay: the decision among
    // the arms (the baseline's net monetary benefit 0) made knowing each replicate's parameters,
    // against the decision on the means: mean over replicates of max_a NMB - max_a mean NMB.
    if (arms > 1) {
      std::map<std::string, std::vector<std::vector<double>>> nmb;  // breakdown -> arm -> replicate
      const int o = outcome_index("net_monetary_benefit_gbp");
      for (const auto& v : values)
        if (v.outcome == o && v.period == period && v.arm > 0 && v.replicate < replicates) {
          auto& by_arm = nmb[v.breakdown];
          if (by_arm.empty()) by_arm.assign(static_cast<std::size_t>(arms), std::vector<double>(static_cast<std::size_t>(replicates), 0.0));
          by_arm[static_cast<std::size_t>(v.arm)][static_cast<std::size_t>(v.replicate)] = v.value;
        }
      for (const auto& [breakdown, by_arm] : nmb) {
        double perfect = 0, best_mean = 0;
        for (int r = 0; r < replicates; ++r) {
          double best = 0;
          for (int a = 1; a < arms; ++a) best = std::max(best, by_arm[static_cast<std::size_t>(a)][static_cast<std::size_t>(r)]);
          perfect += best / replicates;
        }
        for (int a = 1; a < arms; ++a) {
          double m = 0;
          for (double x : by_arm[static_cast<std::size_t>(a)]) m += x / replicates;
          best_mean = std::max(best_mean, m);
        }
        OutcomeSummary evpi{0, period, breakdown, outcome_index("evpi_gbp"), replicates, {}, {}, {}, {}, {}};
        evpi.mean = evpi.median = perfect - best_mean;
        summary.push_back(evpi);
      }
    }
    if (samples && static_cast<int>(samples->size()) == arms && arms > 1 && period == "horizon") {
      // One-way sensitivity of each scenario's NPV to its own drawn parameters.
      for (int a = 1; a < arms; ++a) {
        const ParameterSample& ps = (*samples)[static_cast<std::size_t>(a)];
        const auto [npv, ok] = per_replicate(a, period, "all", "npv_gbp");
        if (!ok || ps.size() == 0 || ps.draws.front().size() != npv.size()) continue;
        for (const OneWay& w : one_way_sensitivity(npv, ps, kSensitivityParameters)) {
          const std::string b = "parameter=" + ps.names[static_cast<std::size_t>(w.parameter)];
          auto put = [&](const char* outcome, std::optional<double> x) {
            OutcomeSummary s{a, period, b, outcome_index(outcome), replicates, {}, {}, {}, {}, {}};
            s.mean = s.median = x;
            summary.push_back(s);
          };
          put("sensitivity_share", w.share);
          put("sensitivity_parameter_low", ps.p05[static_cast<std::size_t>(w.parameter)]);
          put("sensitivity_parameter_high", ps.p95[static_cast<std::size_t>(w.parameter)]);
          put("sensitivity_npv_low_gbp", w.at_low);
          put("sensitivity_npv_high_gbp", w.at_high);
          put("switching_value", w.switching);
        }
      }
      // EVPPI per parameter group and per parameter of the sensitivity, over the scenario arms'
      // drawn values (under common random numbers every arm draws the same; a column two arms
      // share is used once).
      for (const double wtp : kEvppiWillingnessToPay) {
        const std::string w = "wtp=" + std::to_string(static_cast<long long>(wtp));
        std::vector<std::vector<double>> inb;
        bool ok = true;
        for (int a = 1; a < arms && ok; ++a) {
          auto [x, seen] = per_replicate(a, period, w.c_str(), "net_monetary_benefit_gbp");
          ok = seen;
          inb.push_back(std::move(x));
        }
        if (!ok) continue;
        std::map<std::string, std::vector<std::vector<double>>> by_group, by_parameter;
        for (int a = 1; a < arms; ++a) {
          const ParameterSample& ps = (*samples)[static_cast<std::size_t>(a)];
          for (std::size_t j = 0; j < ps.size(); ++j) {
            if (ps.draws[j].size() != static_cast<std::size_t>(replicates)) continue;
            auto& g = by_group[ps.groups[j]];
            if (std::find(g.begin(), g.end(), ps.draws[j]) == g.end()) g.push_back(ps.draws[j]);
            auto& one = by_parameter[ps.names[j]];
            if (one.empty()) one.push_back(ps.draws[j]);
          }
        }
        for (const auto& [group, columns] : by_group) {
          int needed = 0;
          const auto v = evppi(inb, columns, &needed);
          // A group none of whose parameters varies has nothing to learn.
          if (!v && needed == 0) continue;
          const bool varies = std::any_of(columns.begin(), columns.end(), [](const std::vector<double>& c) {
            return std::any_of(c.begin(), c.end(), [&](double x) { return x != c.front(); });
          });
          if (!varies) continue;
          OutcomeSummary s{0, period, "group=" + group + ";" + w, outcome_index("evppi_gbp"), replicates, {}, {}, {}, {}, {}};
          s.mean = s.median = v;
          summary.push_back(s);
          if (!v && wtp == kEvppiWillingnessToPay[0]) {
            OutcomeSummary n{0, period, "group=" + group, outcome_index("evppi_replicates_needed"), replicates, {}, {}, {}, {}, {}};
            n.mean = n.median = needed;
            summary.push_back(n);
          }
        }
        std::vector<std::string> named;
        for (const auto& s : summary)
          if (s.outcome == outcome_index("sensitivity_share") && s.period == period) {
            const std::string name = s.breakdown.substr(std::string("parameter=").size());
            if (std::find(named.begin(), named.end(), name) == named.end()) named.push_back(name);
          }
        for (const auto& name : named) {
          const auto it = by_parameter.find(name);
          if (it == by_parameter.end()) continue;
          OutcomeSummary s{0, period, "parameter=" + name + ";" + w, outcome_index("evppi_gbp"), replicates, {}, {}, {}, {}, {}};
          s.mean = s.median = evppi(inb, it->second);
          summary.push_back(s);
        }
      }
    }
    // A break-even year no replicate reached has no values: its summary says so (all beyond).
    for (int a = 1; a < arms; ++a)
      for (const char* name : {"break_even_year", "break_even_year_cashable"}) {
        const int o = outcome_index(name);
        bool found = false;
        for (const auto& s : summary) found = found || (s.arm == a && s.outcome == o && s.period == period);
        if (!found) summary.push_back({a, period, "all", o, replicates, {}, {}, {}, {}, {}});
      }
  }
  return summary;
}

Comparison compare(const std::vector<ArmInput>& arms, int plan_months) {
  if (arms.empty() || arms.front().replicates.empty()) throw InternalError("compare: no arms or no replicates");
  const std::size_t R = arms.front().replicates.size();
  const RunOutput& first = *arms.front().replicates.front();
  for (const auto& a : arms)
    if (a.replicates.size() != R) throw InternalError("compare: every arm needs the same number of replicates");
  Comparison c;
  for (const auto& a : arms) {
    c.arms.push_back(a.name);
    c.run_ids.push_back(a.run_id);
    c.finance.push_back(a.finance);
  }
  c.plan_months = plan_months > 0 && plan_months < first.months ? plan_months : 0;
  c.periods = comparison_periods(first.start_year, first.months, c.plan_months);
  for (std::size_t r = 0; r < R; ++r) {
    std::vector<ReplicateArm> k;
    for (const auto& a : arms) k.push_back({a.replicates[r], a.finance});
    auto v = replicate_outcomes(k, static_cast<int>(r), plan_months);
    c.values.insert(c.values.end(), std::make_move_iterator(v.begin()), std::make_move_iterator(v.end()));
  }
  c.summary = summarise_comparison(c.values, static_cast<int>(arms.size()), static_cast<int>(R));
  return c;
}

const OutcomeSummary* find_summary(const Comparison& c, int arm, const std::string& period, const std::string& breakdown,
                                   const std::string& outcome) {
  const int o = outcome_index(outcome);
  for (const auto& s : c.summary)
    if (s.arm == arm && s.outcome == o && s.period == period && s.breakdown == breakdown) return &s;
  return nullptr;
}

}  // namespace shiftsim::results
