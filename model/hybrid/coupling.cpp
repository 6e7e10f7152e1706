#include "model/hybrid/coupling.hpp"

#include "model/programmes/programmes.hpp"

#include <algorithm>
#include <cmath>

namespace shiftsim::model {

void Coupling::setup(const World& world, std::vector<IcpInputs> base, double region_spend, const std::vector<CoupledProgramme>& programmes,
                     const FinancePolicy& finance, double care_home_weeks_per_month, double care_home_mean_stay_months, SystemOutput& out) {
  world_ = &world;
  programmes_ = programmes;
  finance_ = finance;
  care_home_weeks_per_month_ = care_home_weeks_per_month;
  sys_ = SystemParameters::from(world.table);
  // The agents' mean stay (derived in the calibration), not a figure set apart from them.
  sys_.care_home_mean_stay_months = care_home_mean_stay_months;
  const auto n_icps = world.region->icps.size();
  const std::size_t P = programmes.size();
  zone_icp_.clear();
  for (const auto& z : world.geography.zones) zone_icp_.push_back(z.icp);

  adult_share_.assign(n_icps, 0.0);
  for (std::size_t icp = 0; icp < n_icps; ++icp) {
    IcpInputs& b = base[icp];
    adult_share_[icp] = b.residents > 0 ? b.adults / b.residents : 0.0;
    b.delayed_bed_days = b.emergency_bed_days * world.params.delayed_share_of_bed_days;
  }

  std::vector<SystemProgramme> sys_programmes(P);
  for (std::size_t k = 0; k < P; ++k) {
    const InterventionSpec& s = *programmes[k].spec;
    sys_programmes[k] = {programmes[k].channel, static_cast<double>(s.ramp_up_months), s.effect_half_life_months};
  }
  std::array<bool, kPayers> reinvest_from{};
  for (const auto& name : finance.reinvest_from)
    for (int k = 0; k < kPayers; ++k)
      if (kPayerNames[static_cast<std::size_t>(k)] == name || (name == "council_asc" && k == council_adult_social_care))
        reinvest_from[static_cast<std::size_t>(k)] = true;
  const bool care_home_cashable = std::find(finance.cashable.begin(), finance.cashable.end(), "care_home_weeks") != finance.cashable.end();
  // The council's cost of a council-arranged resident-month, net of residents' contributions
  // (the councils' mean), times the council-arranged share.
  double council_week = 0;
  const UnitCosts& uc = world.costs;
  for (std::size_t c = 0; c < uc.care_home_week_by_council.size(); ++c)
    council_week += uc.care_home_week_by_council[c] * (1 - uc.contribution_share_by_council[c]) / static_cast<double>(uc.care_home_week_by_council.size());
  const double care_home_month = care_home_cashable ? council_week * (1 - uc.self_funder_share_care_home) * care_home_weeks_per_month : 0.0;
  systems_.clear();
  out = {};
  for (std::size_t icp = 0; icp < n_icps; ++icp) {
    const IcpInputs& b = base[icp];
    const double spend = b.cost[nhs_acute] + b.cost[nhs_primary_care] + b.cost[nhs_community] + b.cost[nhs_mental_health] +
                         b.cost[council_adult_social_care];
    const double gap = region_spend > 0 ? sys_.starting_gap_gbp * spend / region_spend : 0.0;
    systems_.emplace_back(world.region->icps[icp].name, sys_, b, sys_programmes, finance.reinvest_share, reinvest_from, gap, care_home_month,
                          FundingSource{finance.existing_budgets, uc.tally[home_care_hours]});
    out.icps.push_back(world.region->icps[icp].name);
  }
  inputs.area_spend.assign(n_icps, std::vector<double>(P, 0.0));
  inputs.full_funding = inputs.area_spend;
  inputs.funded_capacity = inputs.area_spend;
  inputs.digital_new = inputs.area_spend;
  inputs.digital_total = inputs.area_spend;
  inputs.released_spend.assign(P, 0.0);
  feedback_.clear();
  for (const auto& s : systems_) {
    IcpFeedback f = s.feedback();
    // The first month runs on the base year's system: no feedback yet.
    f.length_of_stay = f.delayed_discharge = f.ae = f.gp = f.activation_emergency = f.activation_ae = 1.0;
    feedback_.push_back(std::move(f));
  }
  record(out);
}

std::vector<IcpInputs> Coupling::agents_to_stocks(const MonthFlows& flows, const std::vector<ProgrammeOutput>& ledger, int start_year,
                                                  int month) const {
  const auto n_icps = systems_.size();
  const std::size_t n_cells = zone_icp_.size() * kQuintiles;
  const std::size_t P = programmes_.size();
  const World& world = *world_;
  std::vector<IcpInputs> in(n_icps);
  std::vector<double> programme_spend(n_icps, 0.0);
  for (std::size_t cell = 0; cell < n_cells; ++cell) {
    const double* row = &flows.cells[cell * kFlowMetrics];
    IcpInputs& x = in[static_cast<std::size_t>(zone_icp_[cell / kQuintiles])];
    x.residents += row[fm_person_months];
    x.emergency_admissions += row[fm_emergency_admissions];
    x.emergency_bed_days += row[fm_emergency_bed_days];
    x.delayed_bed_days += row[fm_delayed_discharge_bed_days];
    x.gp_appointments += row[fm_tally_first + static_cast<int>(gp_appointments)];
    x.ae_attendances += row[fm_tally_first + static_cast<int>(ae_attendances)];
    x.home_care_hours += row[fm_tally_first + static_cast<int>(home_care_hours)];
    x.care_home_residents += row[fm_tally_first + static_cast<int>(care_home_weeks)] / care_home_weeks_per_month_;
    for (int k = 0; k < kPayers; ++k) x.cost[static_cast<std::size_t>(k)] += row[fm_cost_first + k];
    for (int f = 0; f < kFunders; ++f) x.programme_spend[static_cast<std::size_t>(f)] += row[fm_programme_spend_first + f];
    programme_spend[static_cast<std::size_t>(zone_icp_[cell / kQuintiles])] += row[fm_programme_spend_total];
  }
  // Adults: from the latest stock count would lag; the base-year share of adults is used.
  double total_spend = 0, total_residents = 0;
  for (std::size_t c = 0; c < n_icps; ++c) {
    total_spend += programme_spend[c];
    total_residents += in[c].residents;
  }
  // Cashable savings: the interventions' avoided activity (region, by programme) in the
  // scenario's cashable categories, shared to ICPs by this month's intervention spend.
  auto cashable = [&](const char* what) { return std::find(finance_.cashable.begin(), finance_.cashable.end(), what) != finance_.cashable.end(); };
  const UnitCosts& u = world.costs;
  std::array<double, kPayers> saving{};
  double avoided_moves = 0, released = 0;
  std::vector<double> pooled_planned(n_icps, 0.0);
  const int t = month - 1;  // the month just simulated
  const int fy = financial_year_of(start_year, t);
  for (std::size_t k = 0; k < P; ++k) {
    const auto& m = ledger[k].months.back();
    // Spells, as the results' finance rules count them: when the rules name admissions or bed-days
    // (beds closed). (The excess bed-days a shorter stay saves are left out of the reinvested cash.)
    if (cashable("emergency_admissions") || cashable("emergency_bed_days"))
      saving[nhs_acute] += m[pg_avoided_emergency_admissions] * u.emergency_admission;
    if (cashable("ae_attendances")) saving[nhs_acute] += m[pg_avoided_ae_attendances] * u.tally[ae_attendances];
    if (cashable("outpatient_attendances")) saving[nhs_acute] += m[pg_avoided_outpatient_attendances] * u.tally[outpatient_attendances];
    if (cashable("gp_appointments")) saving[nhs_primary_care] += m[pg_avoided_gp_appointments] * u.tally[gp_appointments];
    avoided_moves += m[pg_avoided_care_home_moves];
    released += inputs.released_spend[k];
    // Pooled budgets planned this month, by ICP in proportion to residents covered.
    const InterventionSpec& s = *programmes_[k].spec;
    if (t >= s.start_month && t <= s.end_month && s.budget.count(fy)) {
      const double pooled = s.budget.at(fy)[funder_index(Funder::pooled)] / 12.0;
      if (pooled > 0) {
        double covered = 0;
        std::vector<double> by_icp(n_icps, 0.0);
        for (std::size_t z = 0; z < zone_icp_.size(); ++z)
          if (programmes_[k].area ? (*programmes_[k].zone_covered)[z] != 0
                                  : (s.targeting.icps.empty() ||
                                     std::find(s.targeting.icps.begin(), s.targeting.icps.end(), zone_icp_[z]) != s.targeting.icps.end())) {
            by_icp[static_cast<std::size_t>(zone_icp_[z])] += static_cast<double>(world.geography.zones[z].population);
            covered += static_cast<double>(world.geography.zones[z].population);
          }
        for (std::size_t c = 0; c < n_icps; ++c) pooled_planned[c] += covered > 0 ? pooled * by_icp[c] / covered : 0.0;
      }
    }
  }
  double release_all = 0;
  for (const IcpFeedback& f : feedback_) release_all += f.prevention_release;
  for (std::size_t c = 0; c < n_icps; ++c) {
    IcpInputs& x = in[c];
    const double share = total_spend > 0 ? programme_spend[c] / total_spend : (total_residents > 0 ? x.residents / total_residents : 0.0);
    for (int k = 0; k < kPayers; ++k) x.cashable_savings[static_cast<std::size_t>(k)] = saving[static_cast<std::size_t>(k)] * share;
    x.avoided_care_home_moves = avoided_moves * share;
    x.released_spend = release_all > 0 ? released * feedback_[c].prevention_release / release_all : 0.0;
    // Spend paid from the prevention budget is not also the payers' spend.
    double from_budgets = 0;
    for (double v : x.programme_spend) from_budgets += v;
    if (from_budgets > 0)
      for (double& v : x.programme_spend) v -= x.released_spend * v / from_budgets;
    x.pooled_contribution = pooled_planned[c];
    x.adults = x.residents * adult_share_[c];
    x.area_spend = inputs.area_spend[c];
    x.full_funding = inputs.full_funding[c];
    x.funded_capacity = inputs.funded_capacity[c];
    for (std::size_t k = 0; k < P; ++k) {
      if (programmes_[k].channel != ProgrammeChannel::digital) continue;
      x.digital_new_users += inputs.digital_new[c][k];
    }
  }
  return in;
}

void Coupling::step(const std::vector<IcpInputs>& in) {
  for (std::size_t c = 0; c < systems_.size(); ++c) systems_[c].month(in[c]);
}

void Coupling::stocks_to_agents() {
  for (std::size_t c = 0; c < systems_.size(); ++c) feedback_[c] = systems_[c].feedback();
}

void Coupling::credit_digital_spillover(const MonthFlows& flows, std::vector<ProgrammeOutput>& ledger, const UnitCosts& u) const {
  const auto n_icps = systems_.size();
  const std::size_t n_cells = zone_icp_.size() * kQuintiles;
  // What this month's activity would have been without the spillover's multipliers.
  std::vector<std::array<double, 3>> avoided(n_icps);  // emergency admissions, A&E, GP
  for (std::size_t cell = 0; cell < n_cells; ++cell) {
    const auto icp = static_cast<std::size_t>(zone_icp_[cell / kQuintiles]);
    const IcpFeedback& f = feedback_[icp];
    const double* row = &flows.cells[cell * kFlowMetrics];
    avoided[icp][0] += row[fm_emergency_admissions] * (1.0 / f.activation_emergency - 1.0);
    avoided[icp][1] += row[fm_tally_first + static_cast<int>(ae_attendances)] * (1.0 / f.activation_ae - 1.0);
    avoided[icp][2] += row[fm_tally_first + static_cast<int>(gp_appointments)] * (1.0 / f.gp - 1.0);
  }
  // Shared among the digital interventions by where their users joined.
  for (std::size_t c = 0; c < n_icps; ++c) {
    double all = 0;
    for (std::size_t k = 0; k < programmes_.size(); ++k)
      if (programmes_[k].channel == ProgrammeChannel::digital) all += inputs.digital_total[c][k];
    if (!(all > 0)) continue;
    for (std::size_t k = 0; k < programmes_.size(); ++k) {
      if (programmes_[k].channel != ProgrammeChannel::digital) continue;
      const double share = inputs.digital_total[c][k] / all;
      auto& m = ledger[k].months.back();
      m[pg_avoided_emergency_admissions] += avoided[c][0] * share;
      m[pg_avoided_ae_attendances] += avoided[c][1] * share;
      m[pg_avoided_gp_appointments] += avoided[c][2] * share;
      m[pg_avoided_nhs_cost] += (avoided[c][0] * u.emergency_admission + avoided[c][1] * u.tally[ae_attendances] +
                                 avoided[c][2] * u.tally[gp_appointments]) * share;
    }
  }
}

void Coupling::record(SystemOutput& o) const {
  if (o.values.size() != systems_.size()) o.values.assign(systems_.size(), {});
  for (std::size_t c = 0; c < systems_.size(); ++c) {
    const auto rec = systems_[c].record();
    if (o.names.empty()) {
      for (const auto& v : rec) {
        o.names.push_back(v.name);
        o.units.push_back(v.unit);
      }
    }
    std::vector<double> row;
    row.reserve(rec.size());
    for (const auto& v : rec) row.push_back(v.value);
    o.values[c].push_back(std::move(row));
  }
}

}  // namespace shiftsim::model
