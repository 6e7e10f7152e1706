// The base year's inputs of the ICPs' system models, the month's coupling step
// (model/hybrid/coupling.hpp), and the SD-only mode's call (model/hybrid/cohort.hpp).
#include "model/core/parallel.hpp"
#include "model/simulation/simulation.hpp"

#include "model/hybrid/cohort.hpp"

#include <algorithm>
#include <cmath>

namespace shiftsim::model {

void Simulation::setup_system() {
  const auto n_icps = world_.region->icps.size();
  const std::size_t n_cells = static_cast<std::size_t>(out_.layout.cells());
  const std::size_t P = programmes_.size();

  // Base-year inputs: expected monthly activity of the people at the start, before any
  // intervention acts (the same in every scenario, so allocations and capacities are too).
  // By cell: expected tallies from the running sums; emergency admissions, their bed-days
  // and adults from one pass over the people, combined in block order.
  std::vector<std::array<double, kTallies + 3>> cell(n_cells);  // tallies, admissions, bed-days, adults
  for (const BlockState& st : sums_.blocks)
    for (std::size_t c = 0; c < n_cells; ++c)
      for (int k = 0; k < kTallies; ++k) cell[c][static_cast<std::size_t>(k)] += st.sums[c * kSumMetrics + static_cast<std::size_t>(sum_tally_first + k)];
  const std::size_t blocks = block_count(pop_.size());
  std::vector<std::vector<double>> partial(blocks);
  for_each_block(pop_.size(), [&](std::size_t b, std::size_t begin, std::size_t end) {
    auto& v = partial[b];
    v.assign(n_cells * 3, 0.0);
    Hazards hz;
    for (std::size_t i = begin; i < end; ++i) {
      if (!pop_.alive(i)) continue;
      const auto c = static_cast<std::size_t>(OutputLayout::cell(pop_.zone[i], quintile_of_decile(pop_.decile[i])));
      compute_hazards(pop_, i, 0, cal_.rates, world_.multipliers, zone_district_, hz);
      const CellRates& r = cal_.rates.cells[world_.index(zone_district_[pop_.zone[i]], pop_.decile[i], pop_.sex(i), pop_.age_years(i))];
      v[c * 3] += hz.h[ev_emergency_admission];
      v[c * 3 + 1] += hz.h[ev_emergency_admission] * r.emergency_los_days;
      v[c * 3 + 2] += pop_.age_years(i) >= kAdultAge ? 1.0 : 0.0;
    }
  });
  for (const auto& v : partial)
    for (std::size_t c = 0; c < n_cells; ++c)
      for (std::size_t j = 0; j < 3; ++j) cell[c][static_cast<std::size_t>(kTallies) + j] += v[c * 3 + j];
  // The base year's mental-health bed-days: crises of the people with a common mental disorder,
  // the share admitted, their mean stay.
  std::vector<double> mh_bed_days(n_cells, 0.0);
  {
    const Parameters& p = world_.params;
    const double per_person = p.mh_crisis_monthly * p.mh_admission_after_crisis * p.mh_admission_los_days;
    for (std::size_t i = 0; i < pop_.size(); ++i)
      if (pop_.alive(i) && pop_.has(i, common_mental_disorder))
        mh_bed_days[static_cast<std::size_t>(OutputLayout::cell(pop_.zone[i], quintile_of_decile(pop_.decile[i])))] += per_person;
  }
  // The inpatients already in beds at the start: the steady state of record_month's stock, whose
  // spent share d of (stock + a month's stays) is a month's stays: stock = (1 - d) / d x stays.
  {
    const double stay = world_.params.mh_admission_los_days;
    const double d = stay > 0 ? 1.0 - std::exp(-30.44 / stay) : 1.0;
    mh_pending_days_.assign(n_cells, 0.0);
    for (std::size_t c = 0; c < n_cells; ++c) mh_pending_days_[c] = (1.0 - d) / d * mh_bed_days[c] * weight_;
  }
  std::vector<IcpInputs> base(n_icps);
  double region_spend = 0;
  for (std::size_t c = 0; c < n_cells; ++c) {
    const auto zone = c / kQuintiles;
    IcpInputs& b = base[static_cast<std::size_t>(world_.geography.zones[zone].icp)];
    std::array<double, kTallies> t{};
    for (int k = 0; k < kTallies; ++k) t[static_cast<std::size_t>(k)] = cell[c][static_cast<std::size_t>(k)] * weight_;
    const double admissions = cell[c][kTallies] * weight_;
    b.gp_appointments += t[gp_appointments];
    b.ae_attendances += t[ae_attendances];
    b.home_care_hours += t[home_care_hours];
    b.care_home_residents += t[care_home_weeks] / cal_.rates.care_home_weeks_per_month;
    b.emergency_admissions += admissions;
    b.emergency_bed_days += cell[c][kTallies + 1] * weight_;
    b.adults += cell[c][kTallies + 2] * weight_;
    for (const BlockState& st : sums_.blocks) b.residents += st.sums[c * kSumMetrics + sum_people] * weight_;
    double cost[kPayers] = {};
    attribute_costs(world_.costs, world_.council_of_district[static_cast<std::size_t>(zone_district_[zone])], t.data(), admissions, 0.0, cost,
                    mh_bed_days[c] * weight_);
    for (int k = 0; k < kPayers; ++k) b.cost[static_cast<std::size_t>(k)] += cost[k];
    region_spend += cost[nhs_acute] + cost[nhs_primary_care] + cost[nhs_community] + cost[nhs_mental_health] + cost[council_adult_social_care];
  }
  std::vector<CoupledProgramme> coupled;
  for (std::size_t k = 0; k < P; ++k)
    coupled.push_back({&programmes_.spec(k), programmes_.channel(k), programmes_.area(k), &programmes_.zone_covered(k)});
  coupling_.setup(world_, std::move(base), region_spend, coupled, settings_.policy ? settings_.policy->finance : FinancePolicy{}, cal_.rates.care_home_weeks_per_month,
                  cal_.care_home_mean_stay_months, out_.system);
}

void Simulation::step_system_models() {
  if (programmes_.digital_spillover()) coupling_.credit_digital_spillover(out_.flows.back(), out_.programmes, world_.costs);
  coupling_.step(coupling_.agents_to_stocks(out_.flows.back(), out_.programmes, settings_.start_year, month_));
  coupling_.record(out_.system);
  apply_system_feedback();
}

void Simulation::apply_system_feedback() {
  coupling_.stocks_to_agents();
  programmes_.set_area_levels(coupling_.feedback());
}

RunOutput Simulation::run_cohorts() {
  CohortStart start;
  start.world = &world_;
  start.people = &pop_;
  start.calibrated = &cal_;
  start.zone_district = &zone_district_;
  start.weight = weight_;
  start.start_year = settings_.start_year;
  start.months = settings_.months;
  start.count_stocks = [this](std::size_t i, double* row) { count_stocks(i, row); };
  start.cancel = settings_.cancel;
  start.progress = settings_.progress;
  run_cohort_model(start, coupling_, out_, month_);
  handed_over_ = true;
  return std::move(out_);
}

}  // namespace shiftsim::model
