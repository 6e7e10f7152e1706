// The wider outcomes (model/people/wider.hpp) against their cited inputs: the economy's calibration and
// a synthetic cohort's employment and absence, the start of life, and unpaid carers. Statistical
// checks use a fixed seed and 4 binomial standard errors (a correct model fails such a check
// about once in 16,000 seeds).
#include "model/people/wider.hpp"
#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace shiftsim;
using namespace shiftsim::model;

namespace {

double odds(double p) { return p / (1 - p); }

double month_flow(const RunOutput& out, int month, int metric) {
  double s = 0;
  const auto& f = out.flows[static_cast<std::size_t>(month)];
  for (int c = 0; c < out.layout.cells(); ++c) s += f.cells[static_cast<std::size_t>(c) * kFlowMetrics + static_cast<std::size_t>(metric)];
  return s * out.scale;  // agents (flows are in people: agents / scale)
}

}  // namespace

TEST_CASE("economy: the calibration reproduces the cited employment rates, odds ratios and absence days") {
  const Parameters p = read_parameters(test::parameters());
  // A hand-made workforce: two ICPs with different mixes of health states.
  WorkforceCounts counts(2);
  for (int icp = 0; icp < 2; ++icp)
    for (int sex = 0; sex < kSexes; ++sex)
      for (int band = 0; band < 2; ++band) {
        const double k = 1.0 + icp + 0.5 * band;
        counts.at(icp, sex, band, WorkHealth::well) = 4000;
        counts.at(icp, sex, band, WorkHealth::ltc) = 300 * k;
        counts.at(icp, sex, band, WorkHealth::cmd) = 500 * k;
        counts.at(icp, sex, band, WorkHealth::limited) = 400 * k;
      }
  const std::vector<double> target{0.749, 0.669};  // LSC and Blackburn with Darwen, APS 2018
  const EconomyCalibration c = calibrate_economy(p, target, counts);
  const EconomyModel& m = c.model;
  for (int icp = 0; icp < 2; ++icp) {
    CAPTURE(icp);
    // Bisection to 1e-12 on the intercept.
    CHECK(c.achieved_rate[static_cast<std::size_t>(icp)] == doctest::Approx(target[static_cast<std::size_t>(icp)]).epsilon(1e-9));
    // The odds ratios are the cited ones (thresholds are 32-bit: relative error ~1e-9).
    const double well = m.probability(icp, 0, WorkHealth::well);
    CHECK(odds(m.probability(icp, 0, WorkHealth::limited)) / odds(well) == doctest::Approx(p.employment_or_limited).epsilon(1e-7));
    CHECK(odds(m.probability(icp, 0, WorkHealth::cmd)) / odds(well) == doctest::Approx(p.employment_or_cmd).epsilon(1e-7));
    CHECK(odds(m.probability(icp, 0, WorkHealth::ltc)) / odds(well) == doctest::Approx(p.employment_or_ltc).epsilon(1e-7));
    CHECK(odds(m.probability(icp, 1, WorkHealth::well)) / odds(well) == doctest::Approx(p.employment_or_female).epsilon(1e-7));
  }
  // The odds ratio for disability reproduces DWP's published pair: 80.6% of non-disabled and
  // 49.2% of disabled people in work (Labour Force Survey, Q2 2017), to the 4 decimals of the ratio.
  CHECK(1 / (1 + 1 / (odds(0.806) * p.employment_or_limited)) == doctest::Approx(0.492).epsilon(1e-3));
  // ... and the sexes ONS's 80.1% (men) and 71.0% (women).
  CHECK(1 / (1 + 1 / (odds(0.801) * p.employment_or_female)) == doctest::Approx(0.710).epsilon(1e-3));
  // Absence: the workers average ONS's 4.4 days a year, with the cited ratios between groups
  // (the monthly rates are stored as floats: relative error about 1e-7).
  CHECK(c.achieved_days_per_worker == doctest::Approx(p.absence_days_per_worker).epsilon(1e-6));
  const auto& d = m.absence_days_per_month;
  CHECK(d[1][0][0] / d[0][0][0] == doctest::Approx(2.5 / 1.6).epsilon(1e-6));  // women vs men, ONS 2018
  CHECK(d[0][1][0] / d[0][0][0] == doctest::Approx(p.absence_rr_age_50_64).epsilon(1e-6));
  CHECK(d[0][0][3] / d[0][0][0] == doctest::Approx(3.9 / 1.2).epsilon(1e-6));  // long-term condition, ONS 2017
  // Earnings approach: a workless month is a month of earnings with on-costs.
  CHECK(m.output_per_workless_month == doctest::Approx(p.earnings_weekly * p.weeks_per_year * p.earnings_on_cost / 12).epsilon(1e-12));
  CHECK(m.output_per_absence_day == doctest::Approx(p.earnings_weekly / 5 * p.earnings_on_cost).epsilon(1e-12));
}

TEST_CASE("economy: a synthetic cohort's employment, ill-health worklessness and absence follow its propensities") {
  // Cohorts of 40,000 men and of 40,000 women aged 30, fit, in decile 6 of the first zone: one
  // with no condition, one with a common mental disorder. Each person is limited with the
  // health state's probability, independently of the employment propensity, so the expected
  // number in work is n (P(lim) P(work | limited) + (1 - P(lim)) P(work | state)).
  auto w = test::world();
  const std::size_t n = 40000;
  const int age_months = 30 * 12 + 3;
  struct Group {
    int sex;
    std::uint8_t conditions;
    WorkHealth state;
  };
  const std::vector<Group> groups{{0, 0, WorkHealth::well}, {1, 0, WorkHealth::well},
                                  {0, 1u << common_mental_disorder, WorkHealth::cmd}, {1, 1u << common_mental_disorder, WorkHealth::cmd}};
  for (const auto& g : groups) {
    CAPTURE(g.sex);
    CAPTURE(static_cast<int>(g.state));
    Simulation run(*w, test::settings(0.02, 1, 4242));
    run.reset_population(test::cohort(n, age_months, g.sex, pack_risk(Smoking::never, Weight::healthy, false, false, false), g.conditions));
    run.step();
    const RunOutput& out = run.output();
    const int icp = out.layout.zone_icp[0];
    const EconomyModel& m = run.economy();
    const double p_lim = static_cast<double>(run.limitation().at(g.sex, 6, 30, 0, condition_count(g.conditions))) * 0x1p-32;
    const double p_work = p_lim * m.probability(icp, g.sex, WorkHealth::limited) + (1 - p_lim) * m.probability(icp, g.sex, g.state);
    const double p_ill = p_lim * (m.probability(icp, g.sex, WorkHealth::well) - m.probability(icp, g.sex, WorkHealth::limited)) +
                         (1 - p_lim) * (m.probability(icp, g.sex, WorkHealth::well) - m.probability(icp, g.sex, g.state));
    const double N = static_cast<double>(n);
    // Everyone is of working age (a death or emigration in the month counts half of it; with the
    // gross outflow, about 0.3% of people this age leave a month).
    const double leavers = month_flow(out, 0, fm_deaths) + month_flow(out, 0, fm_out_migrants);
    CHECK(month_flow(out, 0, fm_working_age_person_months) == doctest::Approx(N - 0.5 * leavers).epsilon(1e-6));
    const double employed = month_flow(out, 0, fm_employed_person_months);
    const double ill = month_flow(out, 0, fm_out_of_work_ill_health_person_months);
    INFO("employed " << employed << " expected " << N * p_work << "; out of work through ill health " << ill << " expected " << N * p_ill);
    CHECK(std::fabs(employed - N * p_work) < 4 * std::sqrt(N * p_work * (1 - p_work)));
    CHECK(std::fabs(ill - N * p_ill) < 4 * std::sqrt(N * p_ill * (1 - p_ill)) + 1e-9);
    // Absence days: each worker's expected days for their state (under 50).
    const auto& d = m.absence_days_per_month[static_cast<std::size_t>(g.sex)][0];
    const double days = month_flow(out, 0, fm_sickness_absence_days);
    const double d_state = d[static_cast<std::size_t>(g.state)], d_lim = d[static_cast<std::size_t>(WorkHealth::limited)];
    CHECK(days >= employed * std::min(d_state, d_lim) - 1e-6);
    CHECK(days <= employed * std::max(d_state, d_lim) + 1e-6);
    // Lost output is the two parts at the earnings approach's values.
    CHECK(month_flow(out, 0, fm_lost_output_workless_gbp) == doctest::Approx(ill * m.output_per_workless_month).epsilon(1e-9));
    CHECK(month_flow(out, 0, fm_lost_output_absence_gbp) == doctest::Approx(days * m.output_per_absence_day).epsilon(1e-9));
  }
}

TEST_CASE("economy: the synthesised region reproduces each ICP's APS employment rate in its first month") {
  auto w = test::world();
  Simulation sim(*w, test::settings(0.25, 1, 99));
  sim.step();
  const RunOutput& out = sim.output();
  // The targets, from the districts' APS rates weighted by their synthesised people aged 16-64.
  const Parameters& p = w->params;
  std::vector<double> target(w->region->icps.size(), 0.0), people(target.size(), 0.0), employed(target.size(), 0.0),
      working(target.size(), 0.0);
  const Population& pop = sim.population();
  for (std::size_t i = 0; i < pop.size(); ++i) {
    const int age = pop.age_years(i);
    if (age < 16 || age > 64) continue;
    const auto& z = w->geography.zones[pop.zone[i]];
    target[static_cast<std::size_t>(z.icp)] += p.employment_rate_by_district.at(w->region->districts[static_cast<std::size_t>(z.district)].code);
    people[static_cast<std::size_t>(z.icp)] += 1;
  }
  const auto& f = out.flows[0];
  for (int c = 0; c < out.layout.cells(); ++c) {
    const auto icp = static_cast<std::size_t>(out.layout.zone_icp[static_cast<std::size_t>(c / kQuintiles)]);
    employed[icp] += f.cells[static_cast<std::size_t>(c) * kFlowMetrics + fm_employed_person_months];
    working[icp] += f.cells[static_cast<std::size_t>(c) * kFlowMetrics + fm_working_age_person_months];
  }
  double all_employed = 0, all_working = 0;
  for (std::size_t c = 0; c < target.size(); ++c) {
    CAPTURE(w->region->icps[c].name);
    const double t = target[c] / people[c], rate = employed[c] / working[c], agents = working[c] * out.scale;
    INFO("APS target " << t << ", simulated " << rate);
    // Binomial: the propensities are independent draws per person (4 standard errors).
    CHECK(std::fabs(rate - t) < 4 * std::sqrt(t * (1 - t) / agents));
    all_employed += employed[c];
    all_working += working[c];
  }
  // The region: the APS rate of the 16 districts, 74.9% (Jan-Dec 2018; population-weighted).
  CHECK(all_employed / all_working == doctest::Approx(0.749).epsilon(0.01));
  // Absence per worker: the ONS 4.4 days a year (the synthesised mix is the calibration's).
  const double days = test::flow(out, fm_sickness_absence_days) * 12 / test::flow(out, fm_employed_person_months);
  CHECK(days == doctest::Approx(p.absence_days_per_worker).epsilon(0.02));
}

TEST_CASE("start of life: England's rates fix the non-smokers' risk, and the region's births follow SATOD and the odds ratio") {
  // England 2018/19: SATOD 10.6%, low birth weight 7.0%, odds ratio 1.89 (Di et al. 2022).
  const double p0 = nonsmoker_lbw_risk(0.106, 0.07, 1.89);
  const double p1 = 1 / (1 + 1 / (odds(p0) * 1.89));
  CHECK((1 - 0.106) * p0 + 0.106 * p1 == doctest::Approx(0.07).epsilon(1e-9));
  CHECK(odds(p1) / odds(p0) == doctest::Approx(1.89).epsilon(1e-9));
  auto w = test::world();
  Simulation sim(*w, test::settings(0.5, 12, 777));
  const RunOutput out = sim.run();
  const BirthModel& b = sim.births();
  // Infants' admission multipliers keep the calibrated mean at the region's low-birth-weight share.
  CHECK(b.region_lbw * b.infant_emergency_lbw + (1 - b.region_lbw) * b.infant_emergency_other == doctest::Approx(1.0).epsilon(1e-12));
  CHECK(b.infant_emergency_lbw / b.infant_emergency_other == doctest::Approx(w->params.infant_emergency_rr_lbw).epsilon(1e-12));
  const double births = test::flow(out, fm_births) * out.scale, smoking = test::flow(out, fm_births_smoking_at_delivery) * out.scale,
               low = test::flow(out, fm_low_birth_weight_births) * out.scale;
  REQUIRE(births > 5000);
  // SATOD: calibrated to the region's 16.1% at the start; women's smoking falls a little over
  // the year (allow 0.01 for that drift on top of 4 standard errors).
  const double satod = smoking / births;
  INFO("births " << births << ", SATOD " << satod << ", low birth weight " << low / births);
  CHECK(std::fabs(satod - w->params.satod_region) < 4 * std::sqrt(0.161 * 0.839 / births) + 0.01);
  // Low birth weight given the mothers' smoking: binomial around the mixture.
  const double expected = (smoking * b.lbw_smoker + (births - smoking) * b.lbw_nonsmoker) / births;
  CHECK(std::fabs(low / births - expected) < 4 * std::sqrt(expected * (1 - expected) / births));
  // The region's expected share lies between England's 7.0% and Blackpool's 7.9% (PHOF 2017).
  CHECK(b.region_lbw > 0.070);
  CHECK(b.region_lbw < 0.079);
}

TEST_CASE("carers: people at home with dementia have an unpaid carer, strained at the cited prevalence") {
  // 40,000 women aged 85 with dementia, fit, living at home with home care.
  auto w = test::world();
  Simulation sim(*w, test::settings(0.02, 1, 31));
  const std::size_t n = 40000;
  sim.reset_population(test::cohort(n, 85 * 12 + 3, 1, pack_risk(Smoking::never, Weight::healthy, false, false, false),
                                    1u << dementia, Frailty::fit, CareSetting::home_care));
  sim.step();
  const RunOutput& out = sim.output();
  const double N = static_cast<double>(n), share = w->params.carer_share_dementia, strain = w->params.carer_cmd_dementia;
  const double carers = month_flow(out, 0, fm_carer_person_months), strained = month_flow(out, 0, fm_strained_carer_person_months);
  INFO("carers " << carers << " (expected " << N * share << "), strained " << strained << " (expected " << carers * strain << ")");
  // IDEAL: 87% have an unpaid carer (Henderson et al. 2019); START: 40% of them strained.
  CHECK(std::fabs(carers - N * share) < 4 * std::sqrt(N * share * (1 - share)));
  CHECK(std::fabs(strained - carers * strain) < 4 * std::sqrt(carers * strain * (1 - strain)));
  // The QALYs strained carers lose: the CMD utility decrement for each strained month.
  CHECK(month_flow(out, 0, fm_carer_qalys_lost) == doctest::Approx(strained * sim.carers().utility_loss / 12).epsilon(1e-9));
  // The care-home multipliers keep the calibrated mean among carers, and strain raises it by the OR.
  const CarerModel& c = sim.carers();
  CHECK(strain * c.care_home_strained[1] + (1 - strain) * c.care_home_unstrained[1] == doctest::Approx(1.0).epsilon(1e-12));
  CHECK(c.care_home_strained[1] / c.care_home_unstrained[1] == doctest::Approx(w->params.carer_strain_care_home_or).epsilon(1e-12));
  // Carers of severely frail people: the adults' CMD prevalence raised by the carers' odds ratio
  // (Stansfeld et al. 2014: 1.58).
  CHECK(odds(c.strain[0]) / odds(w->params.carer_cmd_adults) == doctest::Approx(1.58).epsilon(1e-9));
}
