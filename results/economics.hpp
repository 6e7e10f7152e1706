// The finance and health-gap arithmetic of OUTPUTS.md, as pure functions: Green Book
// discounting by financial year, NPV, break-even year, ROI, period life tables (Chiang II)
// and the slope index of inequality. The comparison layer applies them to replicates.
#pragma once

#include "model/core/life_table.hpp"

#include <optional>
#include <vector>

namespace shiftsim::results {

/// An amount in the financial year starting in April of `year` (e.g. 2019 = 2019/20).
struct YearValue {
  int year = 0;
  double value = 0;
};

/// HM Treasury Green Book: a flow in financial year `year` is worth 1 / (1 + r)^(year - base)
/// in the price-base year `base` (the first year is not discounted).
double discount_factor(int year, int base_year, double rate);

/// Sum of the discounted flows.
double npv(const std::vector<YearValue>& flows, int base_year, double rate);

/// The first financial year in which the cumulative discounted net benefit (savings less
/// costs, in year order) reaches zero or more; none if it never does within the flows given.
/// (The comparison layer counts only years once the investment has begun: a year before any
/// spend, with nothing invested, is not a break-even.)
std::optional<int> break_even_year(const std::vector<YearValue>& net_benefit, int base_year, double rate);

/// Return on investment as OUTPUTS.md defines it: savings / intervention cost ("GBP back per
/// GBP 1"). Throws if the cost is not above zero.
double return_on_investment(double savings, double cost);

/// The quadrant of the cost-effectiveness plane that a scenario's mean net cost (intervention
/// cost minus savings, present values) and mean discounted QALY gain fall in, which decides what
/// a cost per QALY may say: 1 costs more and gains health (the ICER applies); 2 saves money and
/// gains health (dominant); 3 costs more and loses health (dominated); 4 saves money and loses
/// health (the ICER would be savings per QALY lost); 0 no change in health (cost only).
int cost_effectiveness_quadrant(double net_cost, double qalys);
/// The quadrant in words, for the command line and the report.
const char* cost_effectiveness_quadrant_text(int quadrant);

/// A period life table by the Chiang II method for abridged ages (as ONS and the public
/// health observatories use): age groups start at `ages` (the last is open-ended); deaths and
/// person-years per group. a_x (the share of an interval lived by those who die in it) is 0.1
/// for the first year of life when it is a group of its own, 0.5 otherwise.
struct LifeTableRow {
  int age = 0;
  double m = 0, q = 0, l = 0, d = 0, L = 0, T = 0, e = 0;
};
std::vector<LifeTableRow> period_life_table(const std::vector<int>& ages, const std::vector<double>& deaths,
                                            const std::vector<double>& person_years);

/// Survival by single year of age from an abridged period life table: p[a] = P(alive at a + 1
/// | alive at a) for a = 0 .. max_age - 1; within a closed group of width n, (1 - q)^(1/n);
/// in the open group, exp(-m) (its constant hazard).
std::vector<double> single_year_survival(const std::vector<LifeTableRow>& table, int max_age);

/// Expected years lived from completed age `age` on, discounted and weighted: the sum over
/// years k = 0, 1, ... (to the last age of `survival`) of the share alive during year k, (S_k +
/// S_{k+1}) / 2 with S_0 = 1 and S_{k+1} = S_k p[age + k], times discount[k] (its last value past its end) and weight[age + k] (1 if weight is empty;
/// 0 past its end).
double discounted_remaining_life(const std::vector<double>& survival, int age, const std::vector<double>& discount,
                                 const std::vector<double>& weight = {});

/// Healthy (here: disability-free) life expectancy by the Sullivan method: the person-years
/// L_x of a period life table are split by the prevalence pi_x of the unhealthy state in each
/// age group (the share of the group's person-years lived in it), and
///   HLE_x = sum over groups from x of L_j (1 - pi_j) / l_x.
/// Returns one value per row of the table (the same ages). Prevalences must be in [0, 1].
std::vector<double> sullivan_healthy_life_expectancy(const std::vector<LifeTableRow>& table, const std::vector<double>& prevalence);

/// The slope index of inequality (model/core/life_table.hpp: the health state's calibration uses it too).
using model::slope_index_of_inequality;

}  // namespace shiftsim::results
