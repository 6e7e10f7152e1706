// The comparison layer against hand computations on synthetic run outputs: savings by payer,
// cashable savings, NPV, ROI, break-even, who pays and who saves, QALYs, life tables and
// summaries over replicates.
#include "results/comparison.hpp"

#include "results/economics.hpp"

#include "model/programmes/programmes.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace shiftsim;
using namespace shiftsim::model;
using namespace shiftsim::results;

namespace {

/// A run of one zone from July 2018 for `months` months with steady monthly flows: each
/// quintile cell has 1,000 person-months, cost `cost` a month to each public payer line,
/// `spend` a month of pooled intervention spend from April 2019, and deaths and exposure in
/// every life-table cell at a rate that rises with age.
RunOutput synthetic(int months, double acute_cost, double care_home_cost, double spend, double qalys, double death_scale,
                    double lost_output = 60000, double extra_survivors = 0) {
  RunOutput out;
  // Survivors at the end: 10 people of every decile, sex and age with utility 0.8 (the norm,
  // 0.8 at every age), and `extra_survivors` more men aged 60 in decile 5.
  out.survivors.assign(kSurvivorCells, 10.0);
  out.survivors[static_cast<std::size_t>(survivor_cell(5, 0, 60))] += extra_survivors;
  out.survivor_utility.resize(kSurvivorCells);
  for (std::size_t k = 0; k < out.survivors.size(); ++k) out.survivor_utility[k] = 0.8 * out.survivors[k];
  out.utility_norm.assign(static_cast<std::size_t>(kSexes * kSurvivorAges), 0.8);
  out.start_year = 2018;
  out.months = months;
  out.layout.zones = 1;
  out.layout.zone_icp = {0};
  out.layout.zone_district = {0};
  out.layout.zone_neighbourhood = {0};
  for (int t = 0; t < months; ++t) {
    MonthFlows f;
    f.cells.assign(static_cast<std::size_t>(kQuintiles * kFlowMetrics), 0.0);
    for (int q = 0; q < kQuintiles; ++q) {
      double* row = &f.cells[static_cast<std::size_t>(q * kFlowMetrics)];
      row[fm_person_months] = 1000;
      row[fm_cost_first + static_cast<int>(nhs_acute)] = acute_cost / kQuintiles;
      row[fm_cost_first + static_cast<int>(council_adult_social_care)] = care_home_cost / kQuintiles;
      row[fm_public_cost_first + static_cast<int>(care_home_weeks)] = care_home_cost / kQuintiles;
      row[fm_public_cost_emergency_admissions] = acute_cost / kQuintiles;
      row[fm_qalys] = qalys / kQuintiles;
      row[fm_deaths] = 1;
      if (t >= 9) row[fm_programme_spend_first + 3] = spend / kQuintiles;  // pooled, from April 2019
      // The wider outcomes: the economy's ledger (a quarter of it from absence), births, carers.
      row[fm_working_age_person_months] = 600;
      row[fm_employed_person_months] = 450;
      row[fm_out_of_work_ill_health_person_months] = 30;
      row[fm_sickness_absence_days] = 40;
      row[fm_lost_output_workless_gbp] = 0.75 * lost_output / kQuintiles;
      row[fm_lost_output_absence_gbp] = 0.25 * lost_output / kQuintiles;
      row[fm_births] = 10;
      row[fm_births_smoking_at_delivery] = 2;
      row[fm_low_birth_weight_births] = 1;
      row[fm_infant_emergency_admissions] = 2;
      row[fm_carer_person_months] = 20;
      row[fm_strained_carer_person_months] = 7;
      row[fm_carer_qalys_lost] = 7 * 0.1 / 12;
    }
    for (int d = 1; d <= kDeciles; ++d)
      for (int s = 0; s < kSexes; ++s)
        for (int g = 0; g < kAgeGroups; ++g) {
          const auto cell = static_cast<std::size_t>(life_table_cell(d, s, g));
          f.person_months[cell] = 1200;  // 100 person-years a month
          // Death rate per person-year rising with age and with deprivation (decile 1 worst).
          const double m = 0.0005 * std::exp(0.08 * kAgeGroupStart[static_cast<std::size_t>(g)]) * (1 + 0.05 * (10 - d)) * death_scale;
          f.deaths[cell] = m * 100;
        }
    out.flows.push_back(std::move(f));
  }
  for (int t = -1; t < months; ++t) {
    Snapshot s;
    s.after_month = t;
    s.cells.assign(static_cast<std::size_t>(kQuintiles * kStockMetrics), 0.0);
    for (int q = 0; q < kQuintiles; ++q) s.cells[static_cast<std::size_t>(q * kStockMetrics + sm_population)] = 1000;
    out.snapshots.push_back(std::move(s));
  }
  return out;
}

const OutcomeSummary& get(const Comparison& c, int arm, const std::string& period, const std::string& breakdown, const std::string& outcome) {
  const OutcomeSummary* s = find_summary(c, arm, period, breakdown, outcome);
  INFO(outcome << " [" << breakdown << "] " << period);
  REQUIRE(s != nullptr);
  return *s;
}

}  // namespace

TEST_CASE("comparison: savings, cashable savings, NPV, ROI and break-even against a hand computation") {
  // 24 months from July 2018: FY2018/19 has 9 months (no spend), FY2019/20 12, FY2020/21 3.
  // Baseline: acute GBP 100k and care homes GBP 50k a month. Scenario: acute 90k (saves 10k),
  // care homes 40k (saves 10k), pooled spend 25k a month from April 2019.
  const RunOutput base = synthetic(24, 100e3, 50e3, 0, 500, 1.0);
  const RunOutput scen = synthetic(24, 90e3, 40e3, 25e3, 501, 0.9);
  FinanceSettings fin;
  fin.cashable = {"care_home_weeks"};
  const Comparison c = compare({{"baseline", 1, {&base}, fin}, {"scenario", 2, {&scen}, fin}});

  CHECK(c.periods == std::vector<std::string>{"FY2018/19 (Jul-Mar)", "FY2019/20", "FY2020/21 (Apr-Jun)", "horizon"});
  // Gross public savings: 20k a month; cashable (care homes only): 10k a month.
  CHECK(get(c, 1, "FY2018/19 (Jul-Mar)", "public", "gross_savings_gbp").mean.value() == doctest::Approx(9 * 20e3));
  CHECK(get(c, 1, "horizon", "payer=nhs_acute", "gross_savings_gbp").mean.value() == doctest::Approx(24 * 10e3));
  CHECK(get(c, 1, "horizon", "setting=social_care", "gross_savings_gbp").mean.value() == doctest::Approx(24 * 10e3));
  CHECK(get(c, 1, "horizon", "public", "cashable_savings_gbp").mean.value() == doctest::Approx(24 * 10e3));
  CHECK(get(c, 1, "horizon", "payer=council_asc", "cashable_savings_gbp").mean.value() == doctest::Approx(24 * 10e3));
  CHECK(get(c, 1, "horizon", "funder=pooled", "intervention_cost_gbp").mean.value() == doctest::Approx(15 * 25e3));

  // By hand, at 3.5% from FY2018/19: net benefit per year (gross) 180k, 240k - 300k, 60k - 75k.
  const double d1 = 1 / 1.035, d2 = 1 / (1.035 * 1.035);
  const double pv_sav = 180e3 + 240e3 * d1 + 60e3 * d2, pv_cost = 300e3 * d1 + 75e3 * d2;
  CHECK(get(c, 1, "horizon", "all", "npv_gbp").mean.value() == doctest::Approx(pv_sav - pv_cost));
  CHECK(get(c, 1, "horizon", "all", "roi_gross").mean.value() == doctest::Approx(pv_sav / pv_cost));
  const double pv_cash = 90e3 + 120e3 * d1 + 30e3 * d2;
  CHECK(get(c, 1, "horizon", "all", "roi_cashable").mean.value() == doctest::Approx(pv_cash / pv_cost));
  CHECK(get(c, 1, "horizon", "all", "roi_gross_above_1").mean.value() == doctest::Approx(pv_sav > pv_cost ? 1.0 : 0.0));
  // Cumulative discounted net benefit: 180k (no spend yet: not a break-even), 180k - 60k d1 > 0
  // in FY2019/20, the first year with spend: break-even FY2019/20. Cashable: 90k - 180k d1 < 0,
  // then + (30k - 75k) d2 < 0: not within the horizon.
  CHECK(get(c, 1, "FY2019/20", "all", "cumulative_discounted_net_benefit_gbp").mean.value() == doctest::Approx(180e3 - 60e3 * d1));
  CHECK(get(c, 1, "horizon", "all", "break_even_year").median.value() == 2019);
  const auto& be_cash = get(c, 1, "horizon", "all", "break_even_year_cashable");
  CHECK_FALSE(be_cash.median.has_value());
  CHECK(be_cash.n == 1);
  CHECK(get(c, 1, "horizon", "cashable", "break_even_within_horizon").mean.value() == 0.0);

  // Who pays, who saves: all investment is pooled, so the pooled row holds every payer's
  // discounted savings; the NHS, council and public-health rows are zero.
  const double pv_acute = (90e3 + 120e3 * d1 + 30e3 * d2);
  CHECK(get(c, 1, "horizon", "investor=pooled;saver=nhs_acute", "who_pays_who_saves_gbp").mean.value() == doctest::Approx(pv_acute));
  CHECK(get(c, 1, "horizon", "investor=nhs;saver=nhs_acute", "who_pays_who_saves_gbp").mean.value() == 0.0);
  // A pooled budget shared by savings: NHS and council save equally, so each would pay half.
  CHECK(get(c, 1, "horizon", "organisation=nhs", "pooled_budget_transfer_gbp").mean.value() == doctest::Approx(pv_cost / 2));

  // QALYs: 1 a month more; discounted at 1.5%.
  CHECK(get(c, 1, "horizon", "all", "qalys_gained").mean.value() == doctest::Approx(24.0));
  const double pv_q = 9 + 12 / 1.015 + 3 / (1.015 * 1.015);
  CHECK(get(c, 1, "horizon", "all", "qalys_gained_discounted").mean.value() == doctest::Approx(pv_q));
  CHECK(get(c, 1, "horizon", "all", "cost_per_qaly_gbp").mean.value() == doctest::Approx((pv_cost - pv_sav) / pv_q));
  CHECK(get(c, 1, "horizon", "all", "icer_gbp_per_qaly").mean.value() == doctest::Approx((pv_cost - pv_sav) / pv_q));
  CHECK_FALSE(get(c, 1, "horizon", "all", "icer_gbp_per_qaly").p05.has_value());
  CHECK(get(c, 1, "horizon", "wtp=20000", "net_monetary_benefit_gbp").mean.value() == doctest::Approx(pv_q * 20000 + pv_sav - pv_cost));
  // Deaths: the synthetic cells hold 1 a month each.
  CHECK(get(c, 1, "horizon", "all", "deaths_averted").mean.value() == doctest::Approx(0.0));
}

TEST_CASE("comparison: life expectancy by quintile, the gap and the SII come from period life tables of the deaths") {
  const RunOutput base = synthetic(12, 0, 0, 0, 0, 1.0);
  const RunOutput scen = synthetic(12, 0, 0, 0, 0, 0.8);  // 20% lower death rates everywhere
  const Comparison c = compare({{"baseline", 1, {&base}, {}}, {"scenario", 2, {&scen}, {}}});
  // Quintile 1 = deciles 1 and 2, both sexes: rebuild its life table by hand.
  std::vector<int> ages(kAgeGroupStart.begin(), kAgeGroupStart.end());
  std::vector<double> deaths(kAgeGroups, 0.0), py(kAgeGroups, 0.0);
  for (int d = 1; d <= 2; ++d)
    for (int g = 0; g < kAgeGroups; ++g) {
      const double m = 0.0005 * std::exp(0.08 * kAgeGroupStart[static_cast<std::size_t>(g)]) * (1 + 0.05 * (10 - d));
      deaths[static_cast<std::size_t>(g)] += 2 * 12 * m * 100;  // 2 sexes, 12 months
      py[static_cast<std::size_t>(g)] += 2 * 12 * 100;
    }
  const auto t = period_life_table(ages, deaths, py);
  CHECK(get(c, 0, "horizon", "quintile=1;sex=persons", "life_expectancy_birth_years").mean.value() == doctest::Approx(t.front().e));
  CHECK(get(c, 0, "horizon", "quintile=1;sex=persons", "life_expectancy_65_years").mean.value() == doctest::Approx(t[14].e));
  // Less deprived deciles have lower death rates here: a positive gap and SII, narrower
  // (in years) when every rate falls... and every quintile gains.
  const double gap = get(c, 0, "horizon", "sex=persons", "le_gap_birth_years").mean.value();
  CHECK(gap > 0);
  CHECK(get(c, 0, "horizon", "sex=persons", "sii_le_birth_years").mean.value() > gap);  // SII spans decile 1 to 10
  for (int q = 1; q <= 5; ++q)
    CHECK(get(c, 1, "horizon", "quintile=" + std::to_string(q) + ";sex=male", "le_birth_change_years").mean.value() > 0);
  const double change = get(c, 1, "horizon", "sex=persons", "le_gap_birth_change_years").mean.value();
  CHECK(change == doctest::Approx(get(c, 1, "horizon", "sex=persons", "le_gap_birth_years").mean.value() - gap));
}

TEST_CASE("comparison: summaries over replicates are type-7 percentiles, and break-even beyond the horizon is absent") {
  std::vector<OutcomeValue> v;
  const int roi = outcome_index("roi_gross"), be = outcome_index("break_even_year");
  for (int r = 0; r < 21; ++r) v.push_back({1, r, "horizon", "all", roi, static_cast<double>(r)});
  // Break-even in 12 of 21 replicates: the median (11th value) is a year, the 95th percentile is not.
  for (int r = 0; r < 12; ++r) v.push_back({1, r, "horizon", "all", be, 2020.0 + r % 3});
  const auto s = summarise_values(v);
  REQUIRE(s.size() == 2);
  CHECK(s[0].mean.value() == doctest::Approx(10.0));
  CHECK(s[0].median.value() == doctest::Approx(10.0));
  CHECK(s[0].p05.value() == doctest::Approx(1.0));   // h = 20 x 0.05 = 1
  CHECK(s[0].p95.value() == doctest::Approx(19.0));
  CHECK(s[1].n == 21);
  CHECK(s[1].median.value() == 2022.0);
  CHECK_FALSE(s[1].p95.has_value());
  CHECK_FALSE(s[1].mean.has_value());
  CHECK(s[1].p05.value() == 2020.0);
}

TEST_CASE("comparison: ROI and ICER are ratios of means with delta-method standard errors, and the quadrant decides the ICER (hand computation)") {
  // Four replicates of one scenario (arm 1). Costs 100, 200, 100, 200; savings 50, 40, 30, 80:
  // the replicates' ROIs are 0.5, 0.2, 0.3, 0.4 (mean 0.35), but the ROI of the means is
  // 50 / 150 = 1/3. Its standard error: the residuals s - R c are 16.67, -26.67, -3.33, 13.33,
  // sum of squares 1177.78, sd sqrt(1177.78 / 3) = 19.814, / (sqrt(4) x 150) = 0.066046.
  const double cost[] = {100, 200, 100, 200}, saving[] = {50, 40, 30, 80}, qaly[] = {1, -1, 2, 2};
  std::vector<OutcomeValue> v;
  for (int r = 0; r < 4; ++r) {
    const auto k = static_cast<std::size_t>(r);
    v.push_back({1, r, "horizon", "all", outcome_index("intervention_cost_discounted_gbp"), cost[k]});
    v.push_back({1, r, "horizon", "public", outcome_index("gross_savings_discounted_gbp"), saving[k]});
    v.push_back({1, r, "horizon", "public", outcome_index("cashable_savings_discounted_gbp"), saving[k] / 10});
    v.push_back({1, r, "horizon", "all", outcome_index("roi_gross"), saving[k] / cost[k]});
    v.push_back({1, r, "horizon", "all", outcome_index("roi_cashable"), saving[k] / 10 / cost[k]});
    v.push_back({1, r, "horizon", "all", outcome_index("qalys_gained_discounted"), qaly[k]});
    // Arm 2 costs more and loses health: dominated, no ICER.
    v.push_back({2, r, "horizon", "all", outcome_index("intervention_cost_discounted_gbp"), 100});
    v.push_back({2, r, "horizon", "public", outcome_index("gross_savings_discounted_gbp"), 10});
    v.push_back({2, r, "horizon", "all", outcome_index("qalys_gained_discounted"), -0.5 - 0.1 * r});
  }
  const auto s = summarise_comparison(v, 3, 4);
  auto get = [&](int arm, const char* outcome, const char* breakdown = "all") -> const OutcomeSummary& {
    for (const auto& x : s)
      if (x.arm == arm && x.outcome == outcome_index(outcome) && x.period == "horizon" && x.breakdown == breakdown) return x;
    FAIL("no summary of " << outcome);
    return s.front();
  };
  const auto& roi = get(1, "roi_gross");
  CHECK(roi.mean.value() == doctest::Approx(1.0 / 3.0));
  CHECK(roi.mcse.value() == doctest::Approx(0.066046).epsilon(1e-4));
  CHECK(roi.median.value() == doctest::Approx(0.35));  // the replicates' ratios keep the median and interval
  CHECK(get(1, "roi_cashable").mean.value() == doctest::Approx(1.0 / 30.0));
  // A plain mean's standard error: savings sd sqrt(1400 / 3) = 21.602, / 2 = 10.801.
  CHECK(get(1, "gross_savings_discounted_gbp", "public").mcse.value() == doctest::Approx(10.801).epsilon(1e-4));
  // The ICER: mean net cost (50, 160, 70, 120: 100) / mean QALYs (1) = 100; residuals
  // -50, 260, -130, -80, sum of squares 93,400, sd 176.45, / (2 x 1) = 88.22.
  const auto& icer = get(1, "icer_gbp_per_qaly");
  CHECK(icer.mean.value() == doctest::Approx(100.0));
  CHECK(icer.mcse.value() == doctest::Approx(88.22).epsilon(1e-3));
  CHECK(get(1, "cost_effectiveness_quadrant").mean.value() == 1.0);
  CHECK_FALSE(get(2, "icer_gbp_per_qaly").mean.has_value());
  CHECK(get(2, "cost_effectiveness_quadrant").mean.value() == 3.0);
  CHECK(std::string(cost_effectiveness_quadrant_text(3)).find("dominated") != std::string::npos);
  CHECK(cost_effectiveness_quadrant(-5, 1) == 2);
  CHECK(cost_effectiveness_quadrant(-5, -1) == 4);
  CHECK(cost_effectiveness_quadrant(5, 0) == 0);
  // Replicates for the ROI's mean to +/-0.05: 4 x (1.96 x 0.066046 / 0.05)^2 = 26.8, so 27.
  CHECK(replicates_for_precision(*roi.mcse, 4, 0.05) == 27);
  CHECK(replicates_for_precision(0.001, 4, 0.05) == kMinIntervalReplicates);
}

TEST_CASE("comparison: Green Book optimism bias raises every cost and lowers every saving by its shares") {
  const RunOutput base = synthetic(24, 100e3, 50e3, 0, 500, 1.0);
  const RunOutput scen = synthetic(24, 90e3, 40e3, 25e3, 501, 0.9);
  FinanceSettings plain, biased;
  biased.optimism_costs = 0.2;
  biased.optimism_benefits = 0.1;
  const Comparison c0 = compare({{"baseline", 1, {&base}, plain}, {"scenario", 2, {&scen}, plain}});
  const Comparison c1 = compare({{"baseline", 1, {&base}, biased}, {"scenario", 2, {&scen}, biased}});
  auto mean = [](const Comparison& c, const char* breakdown, const char* outcome) {
    return find_summary(c, 1, "horizon", breakdown, outcome)->mean.value();
  };
  CHECK(mean(c1, "public", "gross_savings_discounted_gbp") == doctest::Approx(0.9 * mean(c0, "public", "gross_savings_discounted_gbp")));
  CHECK(mean(c1, "public", "cashable_savings_gbp") == doctest::Approx(0.9 * mean(c0, "public", "cashable_savings_gbp")));
  CHECK(mean(c1, "all", "intervention_cost_discounted_gbp") == doctest::Approx(1.2 * mean(c0, "all", "intervention_cost_discounted_gbp")));
  CHECK(mean(c1, "all", "roi_gross") == doctest::Approx(0.75 * mean(c0, "all", "roi_gross")));
  CHECK(mean(c1, "all", "npv_gbp") == doctest::Approx(0.9 * mean(c0, "public", "gross_savings_discounted_gbp") -
                                                      1.2 * mean(c0, "all", "intervention_cost_discounted_gbp")));
  // Health is not adjusted.
  CHECK(mean(c1, "all", "qalys_gained_discounted") == doctest::Approx(mean(c0, "all", "qalys_gained_discounted")));
}

TEST_CASE("comparison: the expected value of perfect information by hand") {
  // Net monetary benefit at GBP 20,000 per QALY, 4 replicates: arm 1 10, -5, 20, -10 (mean
  // 3.75); arm 2 -2, 8, 0, 4 (mean 2.5); the baseline 0. Deciding on the means picks arm 1
  // (3.75); deciding replicate by replicate gets max(0, a1, a2) = 10, 8, 20, 4 (mean 10.5).
  // EVPI = 10.5 - 3.75 = 6.75.
  const double a1[] = {10, -5, 20, -10}, a2[] = {-2, 8, 0, 4};
  std::vector<OutcomeValue> v;
  for (int r = 0; r < 4; ++r) {
    v.push_back({1, r, "horizon", "wtp=20000", outcome_index("net_monetary_benefit_gbp"), a1[r]});
    v.push_back({2, r, "horizon", "wtp=20000", outcome_index("net_monetary_benefit_gbp"), a2[r]});
  }
  const auto s = summarise_comparison(v, 3, 4);
  bool found = false;
  for (const auto& x : s)
    if (x.outcome == outcome_index("evpi_gbp") && x.breakdown == "wtp=20000") {
      found = true;
      CHECK(x.arm == 0);
      CHECK(x.mean.value() == doctest::Approx(6.75));
    }
  CHECK(found);
}

TEST_CASE("comparison: pay-back at N years equals a run of N years, and the acceptability curve spans GBP 0-100,000") {
  const RunOutput base36 = synthetic(36, 1e3, 1e3, 0, 10, 1.0), scen36 = synthetic(36, 9e2, 9e2, 1e3, 11, 1.0);
  const RunOutput base24 = synthetic(24, 1e3, 1e3, 0, 10, 1.0), scen24 = synthetic(24, 9e2, 9e2, 1e3, 11, 1.0);
  const Comparison c36 = compare({{"baseline", 1, {&base36}, {}}, {"scenario", 2, {&scen36}, {}}});
  const Comparison c24 = compare({{"baseline", 1, {&base24}, {}}, {"scenario", 2, {&scen24}, {}}});
  const auto* npv2 = find_summary(c36, 1, "horizon", "years=2", "npv_by_years_gbp");
  const auto* npv3 = find_summary(c36, 1, "horizon", "years=3", "npv_by_years_gbp");
  REQUIRE(npv2);
  REQUIRE(npv3);
  CHECK(npv2->mean.value() == doctest::Approx(find_summary(c24, 1, "horizon", "all", "npv_gbp")->mean.value()));
  CHECK(npv3->mean.value() == doctest::Approx(find_summary(c36, 1, "horizon", "all", "npv_gbp")->mean.value()));
  const auto* roi2 = find_summary(c36, 1, "horizon", "years=2", "roi_gross_by_years");
  REQUIRE(roi2);
  CHECK(roi2->mean.value() == doctest::Approx(find_summary(c24, 1, "horizon", "all", "roi_gross")->mean.value()));
  CHECK_FALSE(find_summary(c36, 1, "horizon", "years=5", "npv_by_years_gbp"));  // beyond the run
  for (int wtp = 0; wtp <= 100000; wtp += 5000) {
    CAPTURE(wtp);
    CHECK(find_summary(c36, 1, "horizon", "wtp=" + std::to_string(wtp), "cost_effective") != nullptr);
  }
}

TEST_CASE("comparison: every outcome produced is in the dictionary, with a unit and a definition") {
  RunOutput base = synthetic(12, 1e3, 1e3, 0, 10, 1.0);
  RunOutput scen = synthetic(12, 1e3, 1e3, 1e3, 10, 1.0, 60000, 5);
  // The system model's capacity, and a scenario paid from existing budgets (whose squeeze the
  // system model records as the home care it displaces).
  for (RunOutput* o : {&base, &scen}) {
    o->system.icps = {"Central Lancashire"};
    o->system.names = {"social_care.staffed_home_care_hours", "primary_care.staffed_appointments", "acute.beds"};
    if (o == &scen) o->system.names.push_back("social_care.home_care_hours_displaced");
    o->system.values.assign(1, std::vector<std::vector<double>>(13, std::vector<double>(o->system.names.size(), 0.0)));
    for (int m = 0; m <= 12; ++m) {
      auto& row = o->system.values[0][static_cast<std::size_t>(m)];
      row[0] = o == &scen ? 900 : 1000;
      row[1] = 5000;
      row[2] = m < 6 ? 100 : 110;
      if (o == &scen) row[3] = 62.0;  // GBP 1,000 a month at GBP 16.12 an hour
    }
  }
  // One intervention in the scenario: GBP 12,000 budgeted for FY2018/19, GBP 1,000 spent, 5
  // people joining among 100 eligible and GBP 200 (NHS) + 100 (council) avoided every month.
  model::Policy policy;
  model::InterventionSpec iv;
  iv.name = "falls";
  iv.type = model::InterventionType::falls_prevention;
  iv.start_month = 0;
  iv.end_month = 11;
  iv.max_uptake = 0.3;
  iv.budget[2018][1] = 12000;
  policy.interventions.push_back(iv);
  model::ProgrammeOutput ledger;
  ledger.name = "falls";
  ledger.type = "falls_prevention";
  ledger.months.assign(12, std::vector<double>(model::kProgrammeMetrics, 0.0));
  for (auto& m : ledger.months) {
    m[model::pg_spend_total] = 1000;
    m[model::pg_new_participants] = 5;
    m[model::pg_eligible] = 100;
    m[model::pg_avoided_nhs_cost] = 200;
    m[model::pg_avoided_council_cost] = 100;
  }
  scen.programmes.push_back(ledger);
  // The NICE reference case: GBP 1,200 of NHS spend per person-year in every life-table cell,
  // and the scenario half a person-year more a month in one of them: GBP 600 a month of
  // unrelated costs of added life.
  for (RunOutput* o : {&base, &scen}) o->nhs_spend_per_year.assign(kLifeTableCells, 1200.0);
  for (auto& m : scen.flows) m.person_months[5] += 6.0;
  FinanceSettings existing;
  existing.funding_source = "existing_budgets";
  std::vector<ReplicateArm> pair{{&base, {}, nullptr}, {&scen, existing, &policy}};
  Comparison c;
  c.values = replicate_outcomes(pair, 0);
  c.summary = summarise_comparison(c.values, 2, 1);
  // What it bought, by hand: FY2018/19 holds 9 of the run's months, so its budget is 9/12 of
  // GBP 12,000 = 9,000, all spent (the budget binds: code 1); 45 joined; the ceiling 0.3 x 100.
  const std::string fy = "FY2018/19 (Jul-Mar)", b = "intervention=falls";
  CHECK(find_summary(c, 1, fy, b, "intervention_budget_gbp")->mean == doctest::Approx(9000));
  CHECK(find_summary(c, 1, fy, b, "intervention_spend_gbp")->mean == doctest::Approx(9000));
  CHECK(find_summary(c, 1, fy, b, "intervention_new_participants")->mean == doctest::Approx(45));
  CHECK(find_summary(c, 1, fy, b, "intervention_uptake_ceiling")->mean == doctest::Approx(30));
  CHECK(find_summary(c, 1, fy, b, "intervention_spend_limit")->mean == doctest::Approx(1));
  // The bridge: direct = GBP 300 a month, 9 months undiscounted in FY2018/19 and 3 months at
  // 1/1.035 in FY2019/20; the system line is the rest of the public gross savings.
  const double direct = 2700 + 900 / 1.035;
  CHECK(find_summary(c, 1, "horizon", "all", "direct_savings_discounted_gbp")->mean == doctest::Approx(direct));
  CHECK(find_summary(c, 1, "horizon", "payer=nhs", "direct_savings_discounted_gbp")->mean == doctest::Approx(direct * 2 / 3));
  CHECK(*find_summary(c, 1, "horizon", "public", "system_savings_discounted_gbp")->mean ==
        doctest::Approx(*find_summary(c, 1, "horizon", "public", "gross_savings_discounted_gbp")->mean - direct));
  // By hand: the horizon sums months 1-12 of each series (index m + 1 is the end of month m).
  CHECK(find_summary(c, 0, "horizon", "all", "staffed_home_care_hours")->mean == doctest::Approx(12000));
  CHECK(find_summary(c, 1, "horizon", "all", "staffed_home_care_hours")->mean == doctest::Approx(10800));
  CHECK(find_summary(c, 1, "horizon", "all", "home_care_hours_displaced")->mean == doctest::Approx(744));
  CHECK(find_summary(c, 0, "horizon", "all", "acute_beds_open")->mean == doctest::Approx((5 * 100 + 7 * 110) / 12.0));
  CHECK(find_summary(c, 0, "horizon", "all", "home_care_hours_displaced") == nullptr);
  CHECK(*find_summary(c, 1, "horizon", "all", "funded_from_existing_budgets_gbp")->mean ==
        doctest::Approx(*find_summary(c, 1, "horizon", "all", "intervention_cost_gbp")->mean));
  // By hand: 12 x 600 undiscounted; 9 months in FY2018/19 at 1 and 3 at 1/1.035.
  CHECK(find_summary(c, 1, "horizon", "all", "unrelated_costs_added_life_gbp")->mean == doctest::Approx(7200));
  const double unrelated_pv = 5400 + 1800 / 1.035;
  CHECK(find_summary(c, 1, "horizon", "all", "unrelated_costs_added_life_discounted_gbp")->mean == doctest::Approx(unrelated_pv));
  // The default cost rate is NICE's 3.5%, so the reference case's net cost is the discounted
  // cost less the discounted savings less the unrelated costs; its QALYs are at 3.5%.
  const auto mean = [&](const char* o, const char* br) { return *find_summary(c, 1, "horizon", br, o)->mean; };
  CHECK(mean("net_cost_nice_gbp", "all") ==
        doctest::Approx(mean("intervention_cost_discounted_gbp", "all") - mean("gross_savings_discounted_gbp", "public") - unrelated_pv));
  const double q18 = *find_summary(c, 1, "FY2018/19 (Jul-Mar)", "all", "qalys_gained")->mean;
  const double q19 = *find_summary(c, 1, "FY2019/20 (Apr-Jun)", "all", "qalys_gained")->mean;
  CHECK(mean("qalys_gained_discounted_nice", "all") == doctest::Approx(q18 + q19 / 1.035));
  std::vector<bool> seen(outcome_dictionary().size(), false);
  for (const auto& x : c.values) seen[static_cast<std::size_t>(x.outcome)] = true;
  for (std::size_t k = 0; k < seen.size(); ++k) {
    const auto& d = outcome_dictionary()[k];
    INFO(d.name);
    CHECK(!d.unit.empty());
    CHECK(d.definition.size() > 20);
    // Every defined outcome is produced (cost per QALY needs a QALY gain; break-even a payback).
    // The ICER is a summary only (a ratio of means).
    if (d.name != "cost_per_qaly_gbp" && d.name != "break_even_year" && d.name != "break_even_year_cashable" &&
        d.name != "icer_gbp_per_qaly" && d.name != "icer_lifetime_gbp_per_qaly" && d.name != "cost_effectiveness_quadrant" &&
        d.name != "evpi_gbp" && d.name.rfind("evppi_", 0) != 0 && d.name.rfind("sensitivity_", 0) != 0 &&
        d.name != "switching_value" && d.name != "icer_nice_gbp_per_qaly" && d.name != "cost_effectiveness_quadrant_nice")  // summaries only, over the replicates' drawn parameters
      CHECK(seen[k]);
  }
  CHECK_THROWS(outcome_index("no_such_outcome"));
}

TEST_CASE("comparison: the economy's ledger by hand, and it never changes the NHS or council figures") {
  // 12 months from July 2018: lost output GBP 60,000 a month in the baseline and 50,000 in the
  // scenario (a quarter from absence), GBP 1,000 a month of intervention spend from April 2019.
  const RunOutput base = synthetic(12, 1e3, 1e3, 0, 10, 1.0, 60000);
  const RunOutput scen = synthetic(12, 1e3, 1e3, 1e3, 10, 1.0, 50000);
  const RunOutput same = synthetic(12, 1e3, 1e3, 1e3, 10, 1.0, 60000);
  const Comparison c = compare({{"baseline", 1, {&base}, {}}, {"scenario", 2, {&scen}, {}}});
  // Hand computation: FY2018/19 holds 9 months (discount factor 1), FY2019/20 3 months (1/1.035).
  const double gain = 12 * 10000.0;
  const double pv_gain = 9 * 10000.0 + 3 * 10000.0 / 1.035, pv_cost = 3 * 1000.0 / 1.035;
  CHECK(*get(c, 1, "horizon", "all", "economy_output_gain_gbp").mean == doctest::Approx(gain).epsilon(1e-12));
  CHECK(*get(c, 1, "horizon", "component=absence", "economy_output_gain_gbp").mean == doctest::Approx(0.25 * gain).epsilon(1e-12));
  CHECK(*get(c, 1, "horizon", "all", "economy_output_gain_discounted_gbp").mean == doctest::Approx(pv_gain).epsilon(1e-12));
  CHECK(*get(c, 1, "horizon", "all", "economy_return_per_gbp").mean == doctest::Approx(pv_gain / pv_cost).epsilon(1e-12));
  CHECK(*get(c, 0, "horizon", "all", "lost_output_gbp").mean == doctest::Approx(12 * 60000.0).epsilon(1e-12));
  CHECK(*get(c, 0, "horizon", "all", "employment_rate_percent").mean == doctest::Approx(75.0).epsilon(1e-12));
  CHECK(*get(c, 0, "horizon", "all", "out_of_work_ill_health_people").mean == doctest::Approx(150.0).epsilon(1e-12));  // 30 x 5 quintiles
  CHECK(*get(c, 0, "horizon", "all", "smoking_at_delivery_percent").mean == doctest::Approx(20.0).epsilon(1e-12));
  CHECK(*get(c, 0, "horizon", "icp=0", "low_birth_weight_percent").mean == doctest::Approx(10.0).epsilon(1e-12));  // no ICP names: the index
  CHECK(*get(c, 0, "horizon", "all", "strained_carers_percent").mean == doctest::Approx(35.0).epsilon(1e-12));
  // Whatever the economy's ledger says, every health and care figure is the same as with no gain.
  const Comparison none = compare({{"baseline", 1, {&base}, {}}, {"scenario", 2, {&same}, {}}});
  CHECK(*get(none, 1, "horizon", "all", "economy_output_gain_gbp").mean == 0.0);
  for (const auto& pair :
       std::vector<std::pair<std::string, std::string>>{{"all", "cost_gbp"},          {"public", "cost_discounted_gbp"},
                                                        {"public", "gross_savings_gbp"}, {"public", "cashable_savings_gbp"},
                                                        {"all", "npv_gbp"},             {"all", "roi_gross"},
                                                        {"all", "net_benefit_gbp"},     {"payer=council_asc", "gross_savings_gbp"},
                                                        {"payer=nhs_acute", "gross_savings_gbp"}}) {
    const std::string& breakdown = pair.first;  // (not a structured binding: clang 14 cannot capture one in INFO)
    const std::string& outcome = pair.second;
    INFO(outcome << " " << breakdown);
    const int arm = outcome == "cost_gbp" || outcome == "cost_discounted_gbp" ? 0 : 1;
    CHECK(*get(c, arm, "horizon", breakdown, outcome).mean == *get(none, arm, "horizon", breakdown, outcome).mean);
  }
}

TEST_CASE("comparison: the survivors' life beyond the horizon, from the baseline's life tables, and the lifetime cost per QALY") {
  // 24 months; the scenario has 100 more men aged 60 in decile 5 alive at the end (everything
  // else equal). Their remaining life: the period life table of the baseline's decile 5 men over
  // the run (under five years: all of it), single years of age, each year after the horizon
  // (July 2020) discounted at 1.5% as the financial year holding its middle, utility 0.8 along
  // a flat norm of 0.8.
  const int months = 24;
  const RunOutput base = synthetic(months, 1e3, 1e3, 0, 10, 1.0);
  const RunOutput scen = synthetic(months, 1e3, 1e3, 1e3, 10, 1.0, 60000, 100);
  const Comparison c = compare({{"baseline", 1, {&base}, {}}, {"scenario", 2, {&scen}, {}}});
  std::vector<int> ages(kAgeGroupStart.begin(), kAgeGroupStart.end());
  std::vector<double> deaths(kAgeGroups), py(kAgeGroups);
  for (int g = 0; g < kAgeGroups; ++g) {
    const auto cell = static_cast<std::size_t>(life_table_cell(5, 0, g));
    deaths[static_cast<std::size_t>(g)] = base.flows[0].deaths[cell] * months;
    py[static_cast<std::size_t>(g)] = base.flows[0].person_months[cell] * months / 12.0;
  }
  const auto survival = single_year_survival(period_life_table(ages, deaths, py), kSurvivorAges);
  std::vector<double> discount;
  for (int k = 0; k <= kSurvivorAges; ++k) {
    // Year k runs from July 2020 + k: its middle is in January of 2021 + k, financial year 2020 + k.
    discount.push_back(1.0 / std::pow(1.015, 2020 + k - 2018));
  }
  const double per_person = discounted_remaining_life(survival, 60, discount);
  CHECK(per_person > 3);  // the synthetic death rate at 60 is 0.076 a year: about ten years left
  CHECK(per_person < 20);
  CHECK(*get(c, 1, "horizon", "all", "life_years_gained_beyond_horizon_discounted").mean == doctest::Approx(100 * per_person).epsilon(1e-9));
  CHECK(*get(c, 1, "horizon", "all", "qalys_gained_beyond_horizon_discounted").mean == doctest::Approx(80 * per_person).epsilon(1e-9));
  const double within = *get(c, 1, "horizon", "all", "qalys_gained_discounted").mean;
  CHECK(within == doctest::Approx(0).scale(1));  // equal QALYs within the horizon
  CHECK(*get(c, 1, "horizon", "all", "qalys_gained_lifetime_discounted").mean == doctest::Approx(within + 80 * per_person).epsilon(1e-9));
  const double net_cost = *get(c, 1, "horizon", "all", "intervention_cost_discounted_gbp").mean - *get(c, 1, "horizon", "public", "gross_savings_discounted_gbp").mean;
  CHECK(*get(c, 1, "horizon", "all", "cost_per_qaly_lifetime_gbp").mean == doctest::Approx(net_cost / (within + 80 * per_person)).epsilon(1e-9));
  CHECK(*get(c, 1, "horizon", "all", "icer_lifetime_gbp_per_qaly").mean == doctest::Approx(net_cost / (within + 80 * per_person)).epsilon(1e-9));
  // Each arm's own: the whole population's remaining life (the baseline's has 100 fewer).
  CHECK(*get(c, 1, "horizon", "all", "life_years_beyond_horizon_discounted").mean -
            *get(c, 0, "horizon", "all", "life_years_beyond_horizon_discounted").mean ==
        doctest::Approx(100 * per_person).epsilon(1e-9));
}

TEST_CASE("comparison: a run longer than the plan gives the plan's figures as a run of the plan's length would") {
  // A 36-month comparison with a 24-month plan: every "plan" value equals the "horizon" value
  // of the same comparison over 24 months (the first 24 months of the same flows).
  const RunOutput base = synthetic(36, 1e3, 1e3, 0, 10, 1.0), scen = synthetic(36, 900, 800, 1e3, 10.5, 0.99);
  const RunOutput base24 = synthetic(24, 1e3, 1e3, 0, 10, 1.0), scen24 = synthetic(24, 900, 800, 1e3, 10.5, 0.99);
  const Comparison c = compare({{"baseline", 1, {&base}, {}}, {"scenario", 2, {&scen}, {}}}, 24);
  const Comparison short_run = compare({{"baseline", 1, {&base24}, {}}, {"scenario", 2, {&scen24}, {}}});
  CHECK(c.plan_months == 24);
  REQUIRE(c.periods.size() >= 2);
  CHECK(c.periods[c.periods.size() - 2] == kPlanPeriod);
  CHECK(c.periods.back() == "horizon");
  std::size_t compared = 0;
  for (const auto& v : short_run.values) {
    if (v.period != "horizon") continue;
    const auto& name = outcome_dictionary()[static_cast<std::size_t>(v.outcome)].name;
    if (name.find("beyond_horizon") != std::string::npos || name.find("lifetime") != std::string::npos) continue;
    // The pay-back timescales belong to the whole run (its first N years), not to a period.
    if (name.find("_by_years") != std::string::npos) continue;
    bool found = false;
    for (const auto& w : c.values)
      if (w.arm == v.arm && w.replicate == v.replicate && w.period == kPlanPeriod && w.breakdown == v.breakdown && w.outcome == v.outcome) {
        INFO(name << " [" << v.breakdown << "]");
        CHECK(w.value == doctest::Approx(v.value).epsilon(1e-12));
        found = true;
        break;
      }
    CHECK(found);
    ++compared;
  }
  CHECK(compared > 200);
  // The whole run's figures differ from the plan's (it has a third year).
  CHECK(*get(c, 1, "horizon", "all", "intervention_cost_gbp").mean > *get(c, 1, kPlanPeriod, "all", "intervention_cost_gbp").mean);
  CHECK_THROWS(compare({{"baseline", 1, {&base}, {}}, {"scenario", 2, {&scen}, {}}}, 18));
}

TEST_CASE("comparison: a price year other than the model's scales every money figure and nothing else") {
  // The same comparison in the model's 2018/19 prices and with a 1.25 uplift (the price base
  // year's): every GBP outcome x 1.25; ratios and health unchanged; the net monetary benefit
  // is QALYs x the threshold (already in the price year's money) less 1.25 x the net cost.
  const RunOutput base = synthetic(12, 1e3, 1e3, 0, 10, 1.0);
  const RunOutput scen = synthetic(12, 900, 1e3, 500, 10.5, 1.0, 50000, 5);
  FinanceSettings uplift;
  uplift.price_factor = 1.25;
  const Comparison c1 = compare({{"baseline", 1, {&base}, {}}, {"scenario", 2, {&scen}, {}}});
  const Comparison c2 = compare({{"baseline", 1, {&base}, uplift}, {"scenario", 2, {&scen}, uplift}});
  auto v = [](const Comparison& c, int arm, const char* o, const char* b) { return *find_summary(c, arm, "horizon", b, o)->mean; };
  for (const auto& [o, b] : std::vector<std::pair<const char*, const char*>>{{"cost_gbp", "all"}, {"intervention_spend_gbp", "all"},
                                                                            {"lost_output_gbp", "component=out_of_work"}})
    CHECK(v(c2, 0, o, b) == doctest::Approx(1.25 * v(c1, 0, o, b)));
  for (const auto& [o, b] : std::vector<std::pair<const char*, const char*>>{
           {"gross_savings_discounted_gbp", "public"}, {"intervention_cost_discounted_gbp", "all"}, {"npv_gbp", "all"},
           {"economy_output_gain_gbp", "all"}, {"gross_savings_discounted_gbp", "icp=Central Lancashire"}})
    if (find_summary(c1, 1, "horizon", b, o)) CHECK(v(c2, 1, o, b) == doctest::Approx(1.25 * v(c1, 1, o, b)));
  CHECK(v(c2, 1, "roi_gross", "all") == doctest::Approx(v(c1, 1, "roi_gross", "all")));
  CHECK(v(c2, 1, "qalys_gained_discounted", "all") == doctest::Approx(v(c1, 1, "qalys_gained_discounted", "all")));
  const double q = v(c1, 1, "qalys_gained_discounted", "all"), npv = v(c1, 1, "npv_gbp", "all");
  CHECK(v(c2, 1, "net_monetary_benefit_gbp", "wtp=20000") == doctest::Approx(20000 * q + 1.25 * npv));
}

TEST_CASE("comparison: a plan that starts after the run's first year reports from its start only") {
  // 24 months from July 2018 at a constant monthly cost; reported from month 12 (July 2019):
  // the periods start at FY2019/20 (Jul-Mar) and every horizon flow is the second year's alone.
  const RunOutput base = synthetic(24, 1e3, 1e3, 0, 10, 1.0);
  const RunOutput scen = synthetic(24, 900, 1e3, 500, 10.5, 1.0);
  const std::vector<ReplicateArm> pair{{&base, {}, nullptr}, {&scen, {}, nullptr}};
  const auto all = summarise_comparison(replicate_outcomes(pair, 0), 2, 1);
  const auto later = summarise_comparison(replicate_outcomes(pair, 0, 0, 12), 2, 1);
  auto horizon = [](const std::vector<OutcomeSummary>& s, int arm, const char* o, const char* b) {
    for (const auto& x : s)
      if (x.arm == arm && x.period == "horizon" && x.breakdown == b && x.outcome == outcome_index(o)) return *x.mean;
    FAIL("no " << o);
    return 0.0;
  };
  CHECK(horizon(later, 0, "cost_gbp", "all") == doctest::Approx(horizon(all, 0, "cost_gbp", "all") / 2));
  CHECK(horizon(later, 1, "gross_savings_gbp", "public") == doctest::Approx(horizon(all, 1, "gross_savings_gbp", "public") / 2));
  const auto periods = comparison_periods(2018, 24, 0, 12);
  REQUIRE(periods.size() == 3);
  CHECK(periods.front() == "FY2019/20 (Jul-Mar)");
  CHECK(periods[1] == "FY2020/21 (Apr-Jun)");
  // Discounting still runs from the price base year (FY2018/19 by default): the plan's first
  // year, FY2019/20, is discounted one year.
  auto in_period = [](const std::vector<OutcomeSummary>& s, const char* period, const char* o) {
    for (const auto& x : s)
      if (x.arm == 1 && x.period == period && x.breakdown == "public" && x.outcome == outcome_index(o)) return *x.mean;
    FAIL("no " << o);
    return 0.0;
  };
  CHECK(in_period(later, "FY2019/20 (Jul-Mar)", "gross_savings_discounted_gbp") ==
        doctest::Approx(in_period(later, "FY2019/20 (Jul-Mar)", "gross_savings_gbp") / 1.035));
}
