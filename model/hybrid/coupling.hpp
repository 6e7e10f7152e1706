// The coupling of the agents with the ICPs' system models (MODEL.md, "The system around
// them"): each month the agents' activity, costs and intervention spend feed each ICP's
// stocks (agents_to_stocks), the stocks step a month, and their feedback (multipliers on
// length of stay, delayed discharge, A&E and GP activity, the effect levels of community
// assets and pooled budgets, intermediate care's staffed capacity, the prevention budget's
// release) goes back to the agents' rates the next month (stocks_to_agents). The system
// models themselves (model/system) know nothing of people or interventions; this room
// translates between them.
#pragma once

#include "model/core/outputs.hpp"
#include "model/programmes/engine.hpp"
#include "model/programmes/policy.hpp"
#include "model/system/system.hpp"
#include "model/world/world.hpp"

#include <deque>
#include <vector>

namespace shiftsim::model {

/// A funded intervention as the coupling sees it.
struct CoupledProgramme {
  const InterventionSpec* spec = nullptr;
  ProgrammeChannel channel = ProgrammeChannel::none;
  bool area = false;
  const std::vector<char>* zone_covered = nullptr;  // area programmes: the zones of their area
};

class Coupling {
 public:
  /// Builds every ICP's model in equilibrium with its base-year inputs (expected activity of
  /// the starting people before any intervention acts, the same in every scenario).
  /// `region_spend`: the region's base-year NHS and council spend a month, which shares the
  /// starting gap among the ICPs.
  void setup(const World& world, std::vector<IcpInputs> base, double region_spend, const std::vector<CoupledProgramme>& programmes,
             const FinancePolicy& finance, double care_home_weeks_per_month, double care_home_mean_stay_months, SystemOutput& out);

  /// Agents -> stocks: this month's activity, costs, intervention spend, cashable savings and
  /// programme inputs of each ICP. `ledger`: the interventions' ledger (this month last).
  std::vector<IcpInputs> agents_to_stocks(const MonthFlows& flows, const std::vector<ProgrammeOutput>& ledger, int start_year,
                                          int month) const;
  /// One month of every ICP's model.
  void step(const std::vector<IcpInputs>& inputs);
  /// Stocks -> agents: next month's feedback.
  void stocks_to_agents();
  /// Every stock, auxiliary and flow total of each ICP, appended to `out`.
  void record(SystemOutput& out) const;
  /// Credits the activity the digital spillover avoided this month (online contacts and
  /// raised activation) to the funded digital self-care interventions' ledger.
  void credit_digital_spillover(const MonthFlows& flows, std::vector<ProgrammeOutput>& ledger, const UnitCosts& costs) const;

  std::size_t icps() const { return systems_.size(); }
  const std::vector<int>& zone_icp() const { return zone_icp_; }
  int icp_of_zone(std::size_t zone) const { return zone_icp_[zone]; }
  const std::vector<IcpFeedback>& feedback() const { return feedback_; }
  const std::deque<IcpSystem>& systems() const { return systems_; }

  /// Written by the programmes each month.
  ProgrammeInputs inputs;

 private:
  const World* world_ = nullptr;
  SystemParameters sys_;
  std::deque<IcpSystem> systems_;  // not a vector: the models' equations point into their IcpSystem
  std::vector<IcpFeedback> feedback_;  // by ICP, applied this month
  std::vector<int> zone_icp_;
  std::vector<double> adult_share_;  // adults / residents in the base year, by ICP
  std::vector<CoupledProgramme> programmes_;
  FinancePolicy finance_;
  double care_home_weeks_per_month_ = 0;
};

}  // namespace shiftsim::model
