// Everything a run needs that does not depend on the seed: the region, the parameters,
// the neighbourhoods, the person multipliers, the unit costs, the table layout. Built
// once (build_world) and shared read-only by any number of runs.
#pragma once

#include "model/core/cells.hpp"
#include "model/core/outputs.hpp"
#include "model/world/geography.hpp"
#include "model/world/multipliers.hpp"
#include "model/core/parameter_table.hpp"
#include "model/core/parameters.hpp"
#include "model/world/region.hpp"

#include <array>
#include <string>
#include <vector>

namespace shiftsim::model {

/// Unit costs in base-year prices (price_base_year/price_base_year+1), per unit of activity.
struct UnitCosts {
  std::array<double, kTallies> tally{};  // per GP appointment, A&E attendance, ... per care-home week (council rate, mean)
  double emergency_admission = 0;        // per spell
  std::vector<double> care_home_week_by_council;  // council rate per resident week
  double care_home_self_funder_premium = 1;
  /// By council: residents' assessed contributions to council-arranged weeks (households), and
  /// the NHS-funded nursing care per care-home week (nursing share x the FNC rate; nhs_community).
  std::vector<double> contribution_share_by_council, fnc_per_week_by_council;
  double excess_bed_day = 0;  // per bed-day above (below) an admission's expected stay
  double mental_health_bed_day = 0;  // per mental-health inpatient bed-day (nhs_mental_health)
  double self_funder_share_care_home = 0, self_funder_share_home_care = 0;
  /// Every unit cost used, in base-year prices, and how it was obtained (stored with each run).
  struct Note {
    std::string name;  // e.g. "ae_attendance", "care_home_week.Blackpool"
    double gbp = 0;
    std::string how;
  };
  std::vector<Note> provenance;
};

struct World {
  const RegionData* region = nullptr;
  ParameterTable table;  // with scenario overrides applied; derived rows filled per run
  Parameters params;
  Geography geography;
  CellIndex index;
  Multipliers multipliers;
  UnitCosts costs;
  std::vector<int> council_of_district;
};

/// Builds the world; throws ParameterError/InputError on inconsistent inputs.
World build_world(const RegionData& region, const ParameterTable& table);

/// Spreads a month's activity (people units) over payers; one rule for the aggregates and
/// for each person in ledger mode. `excess_bed_days`: emergency bed-days above (below, if
/// negative) the admissions' expected stays.
void attribute_costs(const UnitCosts& u, int council, const double* activity, double emergency_admissions, double excess_bed_days,
                     double* cost_by_payer, double mental_health_bed_days = 0);
/// Costs by payer of a cell's month, and the public cost of each costed activity, into the
/// row's fm_cost_* and fm_public_cost_* entries (from its activity entries).
void cost_row(const UnitCosts& u, int council, double* row);

}  // namespace shiftsim::model
