#include "results/spend.hpp"

#include "model/programmes/programmes.hpp"

#include <cstdio>

namespace shiftsim::results {

std::vector<SpendYear> spend_by_year(const model::InterventionSpec& iv, const model::ProgrammeOutput& ledger, int start_year,
                                     int run_months) {
  const model::CatalogueEntry& e = model::catalogue_entry(iv.type);
  const bool at_event = model::enrol_event(iv) != 0;
  const auto& months = ledger.months;
  std::vector<SpendYear> years;
  for (const auto& [fy, by] : iv.budget) {
    SpendYear y;
    y.fy = fy;
    int funded_in_run = 0;
    bool first = true;
    for (int t = std::max(0, iv.start_month); t <= iv.end_month && t < static_cast<int>(months.size()) && t < run_months; ++t) {
      if (model::financial_year_of(start_year, t) != fy) continue;
      ++funded_in_run;
      const auto& m = months[static_cast<std::size_t>(t)];
      y.spend += m[model::pg_spend_total];
      y.joined += m[model::pg_new_participants];
      if (at_event) y.eligible += m[model::pg_eligible];
      else if (first) y.eligible = m[model::pg_eligible];
      first = false;
    }
    if (funded_in_run == 0) continue;
    // A budget is spent at a twelfth a month (ProgrammeEngine): the run's share of the year's.
    y.budget = iv.budget_in(fy) * funded_in_run / 12.0;
    y.cap = iv.max_uptake * y.eligible;
    const bool ramping = iv.ramp_up_months > 0 && model::financial_year_of(start_year, std::max(0, iv.start_month)) == fy;
    if (y.spend >= 0.97 * y.budget) y.limit = SpendLimit::budget;
    else if (e.reach == model::Reach::area) y.limit = SpendLimit::area_coverage;
    else if (e.reach == model::Reach::births) y.limit = SpendLimit::births;
    else if (at_event) y.limit = SpendLimit::events;
    else if (y.joined >= 0.97 * y.cap) y.limit = SpendLimit::uptake_ceiling;
    else if (ramping) y.limit = SpendLimit::ramp_up;
    else y.limit = SpendLimit::eligible_pool;
    years.push_back(y);
  }
  return years;
}

std::string spend_limit_text(SpendLimit limit, double max_uptake, double eligible, double cap, int ramp_up_months) {
  char b[256];
  switch (limit) {
    case SpendLimit::budget: return "the budget";
    case SpendLimit::area_coverage: return "full coverage of its area (every resident covered)";
    case SpendLimit::births: return "the births it can reach: mothers who would smoke at delivery, of whom max_uptake take part";
    case SpendLimit::events:
      std::snprintf(b, sizeof b, "the enrolment events: %.0f eligible events a year, of which max_uptake %.0f%% take it up", eligible,
                    100 * max_uptake);
      return b;
    case SpendLimit::uptake_ceiling:
      std::snprintf(b, sizeof b, "the uptake ceiling: max_uptake %.0f%% of %.0f eligible = %.0f a year", 100 * max_uptake, eligible, cap);
      return b;
    case SpendLimit::ramp_up:
      std::snprintf(b, sizeof b, "the ramp-up (%d months to full capacity)", ramp_up_months);
      return b;
    case SpendLimit::eligible_pool: return "the eligible pool (too few eligible people not yet enrolled)";
  }
  return "unknown";
}

}  // namespace shiftsim::results
