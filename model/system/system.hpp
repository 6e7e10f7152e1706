// The system around the people: per Integrated Care Partnership, the stocks and flows of
// MODEL.md's system section — acute beds and their occupancy, social care capacity and its
// workforce, primary care capacity, community assets, digital adoption (Bass), joint-working
// maturity, intermediate care capacity, and money (allocations, spend by payer, the pooled
// fund, the prevention budget, cashable savings and their reinvestment, the system deficit).
//
// Coupling, once a month, through two named functions of the simulation:
//  - agents -> stocks (`Simulation::couple_agents_to_stocks`): the month's activity, bed-days,
//    care demand, costs and intervention spend of each ICP become the inputs below;
//  - stocks -> agents (`Simulation::couple_stocks_to_agents`): each ICP's multipliers on
//    length of stay, delayed discharge, A&E (unmet GP demand) and GP appointments (online
//    contacts), the effect levels of area interventions (community assets, pooled budgets),
//    the staffed share of intermediate care, and prevention budget released to interventions.
//
// Every feedback multiplier is 1 in the base year: the system starts in the state the agents'
// calibrated rates imply, and the feedback moves rates only as the stocks move from there.
#pragma once

#include "model/core/parameter_table.hpp"
#include "model/system/stock_flow.hpp"
#include "model/core/types.hpp"

#include <array>
#include <string>
#include <vector>

namespace shiftsim::model {

/// Parameters of the ICP model (rows `system.*` of the parameter table, plus the catalogue
/// rows of the intervention types that act through the stocks).
struct SystemParameters {
  double dt = 0;                     // months
  sd::Method method = sd::Method::euler;
  // Every value is read from the parameter table by from(); none has a default here.
  // acute
  double base_occupancy = 0, emergency_share_of_occupied = 0, escalation_max_share = 0, escalation_months = 0;
  std::vector<std::pair<double, double>> los_by_occupancy;  // LOS multiplier vs occupancy (1 at base occupancy)
  // social care
  double care_turnover_per_year = 0, care_vacancy_rate = 0, care_months_to_fill = 0;
  double care_home_occupancy = 0, care_home_market_months = 0, social_care_capacity_multiplier = 0;
  double dtoc_share_home_care = 0, dtoc_share_care_home = 0, dtoc_max_multiplier = 0;
  std::vector<std::pair<double, double>> care_home_pressure;  // delay multiplier vs care-home occupancy (1 at base)
  // primary care
  double gp_unmet_share = 0, gp_ae_spill = 0, gp_turnover_per_year = 0, gp_months_to_fill = 0;
  // digital adoption
  double digital_p_per_year = 0, digital_q_per_year = 0, digital_initial_share = 0, digital_potential_share = 0;
  double digital_gp_rr = 0;  // GP appointments of an active user (the digital_self_care row)
  double activation_levels_per_adopter = 0;  // PAM levels gained by a digital adopter
  double activation_rr_emergency = 0, activation_rr_ae = 0, activation_rr_gp = 0;  // per PAM level
  // joint working: the pace is the first pooled budget's (catalogue defaults otherwise);
  // community assets and intermediate care take theirs from each intervention
  double maturity_initial = 0, maturity_ramp_months = 0, maturity_half_life_months = 0;
  // money
  double nhs_growth_per_year = 0, council_growth_per_year = 0, starting_gap_gbp = 0;
  double pooled_nhs_share = 0, prevention_release_months = 0, care_home_mean_stay_months = 0;

  static SystemParameters from(const ParameterTable& table);
};

/// Agents -> stocks: what one ICP's people did this month (people units, GBP).
struct IcpInputs {
  double residents = 0, adults = 0;
  double emergency_admissions = 0, emergency_bed_days = 0, delayed_bed_days = 0;
  double gp_appointments = 0, ae_attendances = 0;
  double home_care_hours = 0, care_home_residents = 0;
  std::array<double, kPayers> cost{};                 // activity costs by payer
  std::array<double, kFunders> programme_spend{};     // intervention spend by funder (from budgets)
  double released_spend = 0;                          // intervention spend paid from the prevention budget
  double pooled_contribution = 0;                     // planned pooled budgets this month
  std::array<double, kPayers> cashable_savings{};     // avoided activity in the scenario's cashable categories, GBP
  double avoided_care_home_moves = 0;                 // moves the interventions avoided this month
  std::vector<double> area_spend;                     // by programme: spend in this ICP (area programmes)
  std::vector<double> full_funding;                   // by programme: spend that would fund the ICP's covered residents fully
  std::vector<double> funded_capacity;                // by programme: participants a month the budget pays for here
  double digital_new_users = 0;                       // new users of funded digital self-care this month
};

/// Stocks -> agents, for one ICP, next month.
struct IcpFeedback {
  double length_of_stay = 1, delayed_discharge = 1, ae = 1, gp = 1;
  /// The activation digital adoption adds: multipliers on emergency admissions and A&E
  /// (A&E's is also inside `ae`; GP's inside `gp`). 1 without funded digital self-care.
  double activation_emergency = 1, activation_ae = 1;
  std::vector<double> area_level;       // by programme: effect level (0-1) of community assets / pooled budgets
  std::vector<double> staffed_capacity; // by programme: participants a month the staffed service can take (intermediate care)
  double prevention_release = 0;        // GBP a month the prevention budget releases to interventions
};

enum class ProgrammeChannel : std::uint8_t { none, community_assets, pooled_budget, intermediate_care, digital };

/// What the system model needs of a funded intervention: its channel, and its ramp-up and
/// half-life (the scenario's, or the catalogue's defaults).
struct SystemProgramme {
  ProgrammeChannel channel = ProgrammeChannel::none;
  double ramp_up_months = 0, half_life_months = 0;
};

/// Where the scenario's intervention spend comes from (finance.funding_source): new money
/// (the default; services keep their budgets) or the funders' existing budgets, which then
/// fund less capacity (see the constructor's equations).
struct FundingSource {
  bool existing_budgets = false;
  double home_care_hour_cost = 0;  // GBP, the price at which the council's displaced hours are counted
};

/// One ICP's stock-and-flow model.
class IcpSystem {
 public:
  /// Builds the model in equilibrium with the base-year inputs `base` (expected values before
  /// any intervention acts), for the scenario's programmes and finance rules.
  IcpSystem(std::string icp_name, const SystemParameters& p, const IcpInputs& base, const std::vector<SystemProgramme>& programmes,
            double reinvest_share, const std::array<bool, kPayers>& reinvest_from, double gap_gbp_per_year,
            double care_home_cost_per_month, const FundingSource& funding = {});

  // The model's equations refer to this object: it cannot be copied or moved.
  IcpSystem(const IcpSystem&) = delete;
  IcpSystem& operator=(const IcpSystem&) = delete;

  /// Advances one month with this month's inputs.
  void month(const IcpInputs& in);
  IcpFeedback feedback() const;

  const sd::Model& model() const { return m_; }
  /// Values to record at the end of a month: every stock, then the named auxiliaries, and the
  /// month's flow totals (name, unit, value).
  struct Value {
    std::string name, unit;
    double value;
  };
  std::vector<Value> record() const;
  /// Money conservation of the last month: allocations in, spend out, change in balances.
  struct MoneyCheck {
    double money_in = 0, money_out = 0, change_in_balances = 0;
  };
  MoneyCheck money_check() const { return money_; }

 private:
  void set_inputs(const IcpInputs& in);
  SystemParameters p_;
  sd::Model m_;
  IcpInputs base_;
  std::vector<ProgrammeChannel> channels_;
  MoneyCheck money_;
  double care_home_cost_per_month_ = 0, reinvest_share_ = 0;
  std::array<bool, kPayers> reinvest_from_{};
  // inputs
  sd::InputId residents_, adults_, admissions_, bed_days_, gp_demand_, ae_, home_care_demand_, care_home_residents_;
  /// Spend by payer and setting (inputs and the flows out of the NHS or council balance).
  struct SpendLine {
    const char* input;
    const char* flow;
    const char* what;
    bool nhs;
  };
  static const std::vector<SpendLine>& spend_lines();
  /// Positions in spend_lines(): the NHS's service lines come first, before this one.
  static constexpr std::size_t nhs_interventions_line = 4, council_interventions_line = 6;
  std::vector<sd::InputId> spend_;
  sd::InputId released_spend_, pooled_in_, pooled_spend_, cashable_nhs_, cashable_council_;
  sd::InputId reinvest_nhs_, reinvest_council_, avoided_moves_, digital_new_;
  std::vector<sd::InputId> area_spend_, full_funding_, funded_capacity_;
  // stocks
  sd::StockId beds_, occupied_, care_workers_, care_home_beds_, gp_workforce_, adopters_, adopters_shadow_, maturity_;
  sd::StockId nhs_balance_, council_balance_, pooled_fund_, prevention_budget_, cashable_captured_, avoided_residents_;
  // auxiliaries read by the feedback
  sd::AuxId occupancy_, los_multiplier_, home_care_unmet_, care_home_occupancy_, dd_multiplier_, gp_unmet_, ae_multiplier_,
      gp_multiplier_, maturity_level_, activation_emergency_, activation_ae_;
  std::vector<sd::AuxId> level_, staffed_aux_;
  // flows whose monthly totals balance the money
  std::vector<sd::FlowId> money_in_, money_out_;
  std::vector<sd::StockId> balances_;
  sd::Lookup los_lookup_, care_home_lookup_;
};

}  // namespace shiftsim::model
