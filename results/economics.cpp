#include "results/economics.hpp"

#include "model/core/errors.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace shiftsim::results {

double discount_factor(int year, int base_year, double rate) {
  if (!(rate > -1)) throw InputError("a discount rate must be above -100%, not " + std::to_string(rate));
  return std::pow(1.0 + rate, -static_cast<double>(year - base_year));
}

double npv(const std::vector<YearValue>& flows, int base_year, double rate) {
  double x = 0;
  for (const auto& f : flows) x += f.value * discount_factor(f.year, base_year, rate);
  return x;
}

std::optional<int> break_even_year(const std::vector<YearValue>& net_benefit, int base_year, double rate) {
  double cumulative = 0;
  for (std::size_t k = 0; k < net_benefit.size(); ++k) {
    if (k > 0 && net_benefit[k].year <= net_benefit[k - 1].year)
      throw InternalError("break_even_year: the years must increase");
    cumulative += net_benefit[k].value * discount_factor(net_benefit[k].year, base_year, rate);
    if (cumulative >= 0) return net_benefit[k].year;
  }
  return std::nullopt;
}

double return_on_investment(double savings, double cost) {
  if (!(cost > 0)) throw InputError("a return on investment needs an intervention cost above zero, not " + std::to_string(cost));
  return savings / cost;
}

int cost_effectiveness_quadrant(double net_cost, double qalys) {
  if (qalys == 0) return 0;
  if (qalys > 0) return net_cost > 0 ? 1 : 2;
  return net_cost > 0 ? 3 : 4;
}

const char* cost_effectiveness_quadrant_text(int quadrant) {
  switch (quadrant) {
    case 1: return "costs more and gains health";
    case 2: return "dominant: saves money and gains health";
    case 3: return "dominated: costs more and loses health";
    case 4: return "saves money and loses health";
    default: return "no change in health";
  }
}

std::vector<LifeTableRow> period_life_table(const std::vector<int>& ages, const std::vector<double>& deaths,
                                            const std::vector<double>& person_years) {
  const std::size_t n = ages.size();
  if (n < 2 || deaths.size() != n || person_years.size() != n)
    throw InternalError("period_life_table: ages, deaths and person-years must have the same length (at least 2)");
  std::vector<LifeTableRow> t(n);
  double l = 100000;
  for (std::size_t k = 0; k < n; ++k) {
    if (!(person_years[k] > 0) || deaths[k] < 0)
      throw InputError("life table: the age group from " + std::to_string(ages[k]) + " has " + std::to_string(person_years[k]) +
                       " person-years and " + std::to_string(deaths[k]) + " deaths; person-years must be above zero");
    LifeTableRow& r = t[k];
    r.age = ages[k];
    r.m = deaths[k] / person_years[k];
    r.l = l;
    if (k + 1 < n) {
      const double width = ages[k + 1] - ages[k];
      const double a = (ages[k] == 0 && width == 1) ? 0.1 : 0.5;
      r.q = std::min(1.0, width * r.m / (1 + width * (1 - a) * r.m));
      r.d = l * r.q;
      r.L = width * (l - r.d) + a * width * r.d;
      l -= r.d;
    } else {
      if (!(r.m > 0)) throw InputError("life table: the open age group from " + std::to_string(ages[k]) + " has no deaths");
      r.q = 1;
      r.d = l;
      r.L = l / r.m;
    }
  }
  double T = 0;
  for (std::size_t k = n; k-- > 0;) {
    T += t[k].L;
    t[k].T = T;
    t[k].e = T / t[k].l;
  }
  return t;
}

std::vector<double> single_year_survival(const std::vector<LifeTableRow>& table, int max_age) {
  if (table.empty()) throw InternalError("single_year_survival: an empty life table");
  std::vector<double> p(static_cast<std::size_t>(std::max(0, max_age)), 0.0);
  for (int a = 0; a < max_age; ++a) {
    std::size_t g = 0;
    while (g + 1 < table.size() && table[g + 1].age <= a) ++g;
    const LifeTableRow& r = table[g];
    if (g + 1 < table.size()) {
      const double width = table[g + 1].age - r.age;
      p[static_cast<std::size_t>(a)] = std::pow(std::max(0.0, 1.0 - r.q), 1.0 / width);
    } else {
      p[static_cast<std::size_t>(a)] = std::exp(-r.m);
    }
  }
  return p;
}

double discounted_remaining_life(const std::vector<double>& survival, int age, const std::vector<double>& discount,
                                 const std::vector<double>& weight) {
  if (discount.empty()) throw InternalError("discounted_remaining_life: no discount factors");
  double alive = 1, total = 0;
  for (int a = age, k = 0; a < static_cast<int>(survival.size()); ++a, ++k) {
    const double next = alive * survival[static_cast<std::size_t>(a)];
    const double d = discount[std::min(static_cast<std::size_t>(k), discount.size() - 1)];
    const double w = weight.empty() ? 1.0 : (static_cast<std::size_t>(a) < weight.size() ? weight[static_cast<std::size_t>(a)] : 0.0);
    total += 0.5 * (alive + next) * d * w;
    alive = next;
  }
  return total;
}

std::vector<double> sullivan_healthy_life_expectancy(const std::vector<LifeTableRow>& table, const std::vector<double>& prevalence) {
  if (table.size() != prevalence.size()) throw InternalError("sullivan_healthy_life_expectancy: one prevalence per age group");
  std::vector<double> hle(table.size(), 0.0);
  double healthy_years = 0;
  for (std::size_t k = table.size(); k-- > 0;) {
    const double pi = prevalence[k];
    if (!(pi >= 0 && pi <= 1))
      throw InputError("Sullivan life expectancy: the prevalence in the age group from " + std::to_string(table[k].age) + " is " +
                       std::to_string(pi) + ", but must be between 0 and 1");
    healthy_years += table[k].L * (1 - pi);
    hle[k] = table[k].l > 0 ? healthy_years / table[k].l : 0.0;
  }
  return hle;
}


}  // namespace shiftsim::results
