// Budget entered against budget spent: for each funded intervention and financial year, the
// budget for the months the run covers, the spend, the new participants and the limit that
// bound the spend (the budget itself, the uptake ceiling, the eligible pool, the enrolment
// events, the ramp-up, an area's full coverage, the births a maternity programme can reach).
// One rule for `check`'s probe run and for every stored comparison.
#pragma once

#include "model/core/outputs.hpp"
#include "model/programmes/policy.hpp"

#include <string>
#include <vector>

namespace shiftsim::results {

enum class SpendLimit : int { budget = 1, area_coverage, births, events, uptake_ceiling, ramp_up, eligible_pool };

struct SpendYear {
  int fy = 0;
  double budget = 0;    // GBP for the funded months the run covers (a twelfth of the year's a month)
  double spend = 0;     // GBP
  double joined = 0;    // new participants (people)
  double eligible = 0;  // eligible people at the first funded month (events: eligible events over the year)
  double cap = 0;       // max_uptake x eligible (the financial year's ceiling)
  SpendLimit limit = SpendLimit::budget;
};

/// Each financial year an intervention is funded in the run's first `run_months` months, from
/// its ledger (people units).
std::vector<SpendYear> spend_by_year(const model::InterventionSpec& iv, const model::ProgrammeOutput& ledger, int start_year,
                                     int run_months = 1 << 20);

/// The limit in words, with the figures that make it (`max_uptake`, the year's eligible and
/// ceiling, the ramp-up months).
std::string spend_limit_text(SpendLimit limit, double max_uptake, double eligible, double cap, int ramp_up_months);

}  // namespace shiftsim::results
