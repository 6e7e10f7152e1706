#include "model/system/system.hpp"

#include <algorithm>
#include <cmath>

namespace shiftsim::model {

namespace {
constexpr double kDaysPerMonth = 365.25 / 12.0;
constexpr double kLn2 = 0.6931471805599453;
}  // namespace

SystemParameters SystemParameters::from(const ParameterTable& t) {
  SystemParameters p;
  p.dt = 1.0 / t.get("system.steps_per_month");
  p.method = t.get("system.integration_method") >= 0.5 ? sd::Method::rk4 : sd::Method::euler;
  p.base_occupancy = t.get("system.acute.base_occupancy");
  p.emergency_share_of_occupied = t.get("system.acute.emergency_share_of_occupied_beds");
  p.escalation_max_share = t.get("system.acute.escalation_max_share");
  p.escalation_months = t.get("system.acute.escalation_months");
  p.los_by_occupancy = {{0.85, t.get("system.acute.los_multiplier.occupancy_0_85")},
                        {p.base_occupancy, 1.0},
                        {0.95, t.get("system.acute.los_multiplier.occupancy_0_95")},
                        {1.00, t.get("system.acute.los_multiplier.occupancy_1_00")}};
  p.care_turnover_per_year = t.get("system.social_care.turnover_per_year");
  p.care_vacancy_rate = t.get("system.social_care.vacancy_rate");
  p.care_months_to_fill = 12.0 * p.care_vacancy_rate / ((1.0 - p.care_vacancy_rate) * p.care_turnover_per_year);
  p.care_home_occupancy = t.get("system.social_care.care_home_occupancy");
  p.care_home_market_months = t.get("system.social_care.care_home_market_months");
  p.social_care_capacity_multiplier = t.get("system.social_care.capacity_multiplier");
  p.dtoc_share_home_care = t.get("system.social_care.dtoc_share_awaiting_home_care");
  p.dtoc_share_care_home = t.get("system.social_care.dtoc_share_awaiting_care_home");
  p.dtoc_max_multiplier = t.get("system.social_care.dtoc_max_multiplier");
  p.care_home_pressure = {{p.care_home_occupancy, 1.0},
                          {0.95, t.get("system.social_care.care_home_delay_multiplier.occupancy_0_95")},
                          {1.00, t.get("system.social_care.care_home_delay_multiplier.occupancy_1_00")}};
  p.gp_unmet_share = t.get("system.primary_care.unmet_share");
  p.gp_ae_spill = t.get("system.primary_care.ae_share_of_unmet");
  p.gp_turnover_per_year = t.get("system.primary_care.turnover_per_year");
  p.gp_months_to_fill = t.get("system.primary_care.months_to_fill_post");
  p.digital_p_per_year = t.get("system.digital.bass_p_per_year");
  p.digital_q_per_year = t.get("system.digital.bass_q_per_year");
  p.digital_initial_share = t.get("system.digital.initial_share");
  p.digital_potential_share = t.get("system.digital.potential_share");
  p.digital_gp_rr = t.get("intervention.digital_self_care.gp_rr");
  p.activation_levels_per_adopter = t.get("system.digital.activation_levels_per_adopter");
  p.activation_rr_emergency = t.get("system.activation.rr_per_level.emergency");
  p.activation_rr_ae = t.get("system.activation.rr_per_level.ae");
  p.activation_rr_gp = t.get("system.activation.rr_per_level.gp");
  p.maturity_initial = t.get("system.joint_working.initial_maturity");
  p.maturity_ramp_months = t.get("intervention.pooled_budget.ramp_up_months");
  p.maturity_half_life_months = t.get("intervention.pooled_budget.effect_half_life_months");
  p.nhs_growth_per_year = t.get("system.money.nhs_allocation_growth_per_year");
  p.council_growth_per_year = t.get("system.money.council_allocation_growth_per_year");
  p.starting_gap_gbp = t.get("system.money.starting_gap_gbp");
  p.pooled_nhs_share = t.get("system.money.pooled_nhs_share");
  p.prevention_release_months = t.get("system.money.prevention_release_months");
  // care_home_mean_stay_months: derived from the agents, set by the coupling (model/hybrid).
  if (!(p.base_occupancy > 0.85 && p.base_occupancy < 0.95))
    throw ParameterError("system.acute.base_occupancy must lie strictly between 0.85 and 0.95 (the LOS lookup's points), not " +
                         std::to_string(p.base_occupancy));
  if (!(p.care_home_occupancy < 0.95))
    throw ParameterError("system.social_care.care_home_occupancy must be below 0.95 (the delay lookup's next point), not " +
                         std::to_string(p.care_home_occupancy));
  return p;
}

const std::vector<IcpSystem::SpendLine>& IcpSystem::spend_lines() {
  static const std::vector<SpendLine> lines{
      {"money.spend_rate.nhs_acute", "money.spend.nhs_acute", "NHS acute activity (A&E, admissions, outpatients)", true},
      {"money.spend_rate.nhs_primary_care", "money.spend.nhs_primary_care", "NHS primary care (GP appointments)", true},
      {"money.spend_rate.nhs_community", "money.spend.nhs_community", "NHS community contacts", true},
      {"money.spend_rate.nhs_mental_health", "money.spend.nhs_mental_health", "NHS mental health contacts", true},
      {"money.spend_rate.nhs_interventions", "money.spend.nhs_interventions", "NHS-funded interventions", true},
      {"money.spend_rate.council_asc", "money.spend.council_asc", "council adult social care (home care, care homes)", false},
      {"money.spend_rate.council_interventions", "money.spend.council_interventions", "council-funded interventions", false},
      {"money.spend_rate.public_health_interventions", "money.spend.public_health_interventions", "public-health-funded interventions", false}};
  return lines;
}

IcpSystem::IcpSystem(std::string icp_name, const SystemParameters& p, const IcpInputs& base,
                     const std::vector<SystemProgramme>& programmes, double reinvest_share,
                     const std::array<bool, kPayers>& reinvest_from, double gap_gbp_per_year, double care_home_cost_per_month,
                     const FundingSource& funding)
    : p_(p), m_(std::move(icp_name), p.dt, p.method), base_(base),
      care_home_cost_per_month_(care_home_cost_per_month), reinvest_share_(reinvest_share), reinvest_from_(reinvest_from) {
  using sd::View;
  const std::size_t P = programmes.size();
  for (const auto& x : programmes) channels_.push_back(x.channel);
  // Joint working matures at the pace of the first pooled budget (or the catalogue's).
  for (const auto& x : programmes)
    if (x.channel == ProgrammeChannel::pooled_budget) {
      p_.maturity_ramp_months = x.ramp_up_months;
      p_.maturity_half_life_months = x.half_life_months;
      break;
    }
  auto in = [&](const char* name, const char* unit, const char* what, double v) { return m_.input({name, unit, what}, v); };
  residents_ = in("residents", "people", "residents of the ICP", base.residents);
  adults_ = in("adults", "people", "residents aged 18 and over", base.adults);
  admissions_ = in("acute.emergency_admissions", "admissions/month", "emergency admissions of the ICP's residents", base.emergency_admissions);
  bed_days_ = in("acute.emergency_bed_days", "bed-days/month", "bed-days of those admissions", base.emergency_bed_days);
  gp_demand_ = in("primary_care.gp_demand", "appointments/month", "GP appointments the residents seek", base.gp_appointments);
  ae_ = in("acute.ae_attendances", "attendances/month", "A&E attendances", base.ae_attendances);
  home_care_demand_ = in("social_care.home_care_demand", "hours/month", "home care hours of the packages people have", base.home_care_hours);
  care_home_residents_ = in("social_care.care_home_residents", "people", "residents in care homes", base.care_home_residents);
  for (const SpendLine& line : spend_lines()) spend_.push_back(in(line.input, "GBP/month", line.what, 0));
  released_spend_ = in("money.released_spend_rate", "GBP/month", "intervention spend paid from the prevention budget", 0);
  pooled_in_ = in("money.pooled_contribution_rate", "GBP/month", "planned pooled budgets", 0);
  pooled_spend_ = in("money.pooled_spend_rate", "GBP/month", "intervention spend from pooled budgets", 0);
  cashable_nhs_ = in("money.cashable_nhs_rate", "GBP/month", "cashable savings to NHS payers", 0);
  cashable_council_ = in("money.cashable_council_rate", "GBP/month", "cashable savings to the council (activity)", 0);
  reinvest_nhs_ = in("money.reinvestable_nhs_rate", "GBP/month", "cashable NHS savings of the payers that reinvest", 0);
  reinvest_council_ = in("money.reinvestable_council_rate", "GBP/month", "cashable council savings of the payers that reinvest", 0);
  avoided_moves_ = in("social_care.avoided_care_home_moves", "people/month", "care-home moves interventions avoided", 0);
  digital_new_ = in("digital.supported_new_users", "people/month", "new users of funded digital self-care", 0);
  for (std::size_t k = 0; k < P; ++k) {
    const std::string n = "programme" + std::to_string(k + 1);
    area_spend_.push_back(m_.input({n + ".area_spend_rate", "GBP/month", "area intervention spend in this ICP"}, 0));
    full_funding_.push_back(m_.input({n + ".full_funding_rate", "GBP/month", "spend that would cover the ICP's part of its area"}, 0));
    funded_capacity_.push_back(m_.input({n + ".funded_capacity", "participants/month", "places a month its budget pays for here"}, 0));
  }

  // ---- funding from existing budgets (a scenario's finance.funding_source): the NHS's
  // intervention spend (its own and its share of pooled budgets) is top-sliced from every NHS
  // service in proportion, so the acute bed base and the GP workforce it funds shrink by that
  // share of NHS spend (community and mental-health services, which have no capacity here,
  // shrink unseen); the council's (its own and its pooled share) comes out of home care, the
  // adult social care spend a council can vary at short notice (care-home placements are
  // duties to people already placed), as hours it no longer buys at the home-care price.
  // Public-health spend displaces public-health services, which the model does not hold.
  // Only built when chosen: with new money (the default) the model is unchanged.
  const bool squeeze = funding.existing_budgets;
  sd::AuxId nhs_squeeze{}, hours_squeezed{};
  if (squeeze) {
    const double hour_cost = funding.home_care_hour_cost;
    nhs_squeeze = m_.auxiliary({"money.existing_budget_share_nhs", "share", "NHS intervention spend / NHS service spend (existing budgets)"},
                               [this](const View& v) {
                                 const double spend = v.input(spend_[nhs_interventions_line]) + p_.pooled_nhs_share * v.input(pooled_spend_);
                                 double nhs = 0;
                                 for (std::size_t k = 0; k < nhs_interventions_line; ++k) nhs += v.input(spend_[k]);
                                 // At most 90% of NHS services top-sliced: a guard against a scenario whose NHS
                                 // spend approaches its whole budget (the bed base would vanish), not an estimate.
                                 return nhs > 0 ? std::clamp(spend / nhs, 0.0, 0.9) : 0.0;
                               });
    hours_squeezed = m_.auxiliary({"social_care.home_care_hours_displaced", "hours/month",
                                   "home care the council no longer buys: its intervention spend / the hour's price (existing budgets)"},
                                  [this, hour_cost](const View& v) {
                                    const double spend = v.input(spend_[council_interventions_line]) + (1 - p_.pooled_nhs_share) * v.input(pooled_spend_);
                                    return hour_cost > 0 ? std::max(0.0, spend) / hour_cost : 0.0;
                                  });
  }
  auto nhs_kept = [squeeze, nhs_squeeze](const View& v) { return squeeze ? 1.0 - v.aux(nhs_squeeze) : 1.0; };

  // ---- acute: emergency patients in beds (a stock of people), the bed base, occupancy
  const double los0 = base.emergency_admissions > 0 ? base.emergency_bed_days / base.emergency_admissions / kDaysPerMonth : 0.2;
  const double occupied0 = base.emergency_admissions * los0;
  const double beds0 = occupied0 / p.emergency_share_of_occupied / p.base_occupancy;
  occupied_ = m_.stock({"acute.emergency_patients_in_beds", "patients", "emergency patients in hospital beds"}, occupied0);
  beds_ = m_.stock({"acute.beds", "beds", "general and acute beds open (base plus escalation)"}, beds0);
  // The month's realised mean stay is noisy (a few long stays dominate it, more so at small
  // scales), so discharges use a three-month exponential smooth of it, and managers react to
  // occupancy as perceived over the last month (first-order information delays).
  const sd::StockId stay = m_.stock({"acute.mean_stay_months", "months", "mean emergency stay, smoothed over 3 months"}, los0);
  m_.flow({"acute.mean_stay_update", "months/month", "(this month's mean stay - smoothed) / 3 months"}, std::nullopt, stay,
          [this, stay](const View& v) {
            const double a = v.input(admissions_);
            const double los = a > 0 ? v.input(bed_days_) / a / kDaysPerMonth : v.stock(stay);
            return (los - v.stock(stay)) / 3.0;
          });
  occupancy_ = m_.auxiliary({"acute.occupancy", "share", "occupied beds / beds open (emergency patients / their share of occupied beds)"},
                            [this](const View& v) { return v.stock(occupied_) / p_.emergency_share_of_occupied / v.stock(beds_); });
  const sd::StockId perceived = m_.stock({"acute.perceived_occupancy", "share", "occupancy as managers see it (smoothed over a month)"},
                                         p.base_occupancy);
  m_.flow({"acute.perceived_occupancy_update", "share/month", "(occupancy - perceived) / 1 month"}, std::nullopt, perceived,
          [this, perceived](const View& v) { return v.aux(occupancy_) - v.stock(perceived); });
  los_lookup_ = sd::Lookup("acute.los_multiplier_by_occupancy", p.los_by_occupancy);
  los_multiplier_ = m_.auxiliary({"acute.los_multiplier", "ratio", "length of stay relative to the base year, from perceived occupancy"},
                                 [this, perceived](const View& v) { return los_lookup_(v.stock(perceived)); });
  m_.flow({"acute.admissions", "patients/month", "emergency admissions into beds"}, std::nullopt, occupied_,
          [this](const View& v) { return v.input(admissions_); });
  m_.flow({"acute.discharges", "patients/month", "discharges: patients in beds / smoothed mean stay"}, occupied_, std::nullopt,
          [this, stay](const View& v) { return v.stock(occupied_) / std::max(v.stock(stay), 1e-3); });
  m_.flow({"acute.escalation", "beds/month", "beds opened (or closed) towards the base plus escalation beds"}, std::nullopt, beds_,
          [this, beds0, perceived, nhs_kept](const View& v) {
            const double occ = v.stock(perceived);
            const double extra = p_.escalation_max_share * std::clamp((occ - p_.base_occupancy) / (1.0 - p_.base_occupancy), 0.0, 1.0);
            return (beds0 * (1 + extra) * nhs_kept(v) - v.stock(beds_)) / p_.escalation_months;
          });

  // ---- social care: home care workforce (staffed hours) and care-home beds
  const double cap = p.social_care_capacity_multiplier;
  const double turnover = p.care_turnover_per_year / 12.0;
  care_workers_ = m_.stock({"social_care.staffed_home_care_hours", "hours/month", "home care hours the workforce in post can deliver"},
                           base.home_care_hours * cap * (1 - p.care_vacancy_rate));
  auto posts = [this, cap, squeeze, hours_squeezed](const View& v) {
    return std::max(0.0, v.input(home_care_demand_) * cap - (squeeze ? v.aux(hours_squeezed) : 0.0));
  };
  m_.flow({"social_care.recruitment", "hours/month per month", "vacancies filled: vacant hours / months to fill a post"}, std::nullopt,
          care_workers_, [this, posts](const View& v) { return std::max(0.0, posts(v) - v.stock(care_workers_)) / p_.care_months_to_fill; });
  m_.flow({"social_care.attrition", "hours/month per month", "staff leaving: staffed hours x turnover"}, care_workers_, std::nullopt,
          [this, turnover](const View& v) { return v.stock(care_workers_) * turnover; });
  home_care_unmet_ = m_.auxiliary({"social_care.home_care_unmet_share", "share", "home care hours demanded but not staffed"},
                                  [this](const View& v) {
                                    const double d = v.input(home_care_demand_);
                                    return d > 0 ? std::max(0.0, d - v.stock(care_workers_)) / d : 0.0;
                                  });
  const double ch_beds0 = base.care_home_residents / p.care_home_occupancy * cap;
  care_home_beds_ = m_.stock({"social_care.care_home_beds", "beds", "care-home beds registered"}, ch_beds0);
  m_.flow({"social_care.care_home_market", "beds/month", "beds opened or closed as the market follows demand"}, std::nullopt, care_home_beds_,
          [this, cap](const View& v) {
            return (v.input(care_home_residents_) / p_.care_home_occupancy * cap - v.stock(care_home_beds_)) / p_.care_home_market_months;
          });
  care_home_occupancy_ = m_.auxiliary({"social_care.care_home_occupancy", "share", "residents / beds"}, [this](const View& v) {
    return v.stock(care_home_beds_) > 0 ? v.input(care_home_residents_) / v.stock(care_home_beds_) : 1.0;
  });
  care_home_lookup_ = sd::Lookup("social_care.delay_multiplier_by_care_home_occupancy", p.care_home_pressure);
  dd_multiplier_ = m_.auxiliary(
      {"social_care.delayed_discharge_multiplier", "ratio", "delayed transfers relative to the base year, from social care capacity"},
      [this](const View& v) {
        const double hc = v.aux(home_care_unmet_) / p_.care_vacancy_rate - 1.0;
        const double ch = care_home_lookup_(v.aux(care_home_occupancy_)) - 1.0;
        const double m = 1.0 + p_.dtoc_share_home_care * hc + p_.dtoc_share_care_home * ch;
        return std::clamp(m, 1.0 - p_.dtoc_share_home_care - p_.dtoc_share_care_home, p_.dtoc_max_multiplier);
      });

  // ---- primary care: staffed appointments, establishment per resident
  const double gp_turnover = p.gp_turnover_per_year / 12.0;
  const double gp0 = base.gp_appointments * (1 - p.gp_unmet_share);
  const double gp_posts0 = gp0 * (1 + p.gp_months_to_fill * gp_turnover);
  gp_workforce_ = m_.stock({"primary_care.staffed_appointments", "appointments/month", "GP appointments the practices' staff in post can offer"}, gp0);
  m_.flow({"primary_care.recruitment", "appointments/month per month", "vacancies filled"}, std::nullopt, gp_workforce_,
          [this, gp_posts0, nhs_kept](const View& v) {
            const double funded = gp_posts0 * v.input(residents_) / base_.residents * nhs_kept(v);
            return std::max(0.0, funded - v.stock(gp_workforce_)) / p_.gp_months_to_fill;
          });
  m_.flow({"primary_care.attrition", "appointments/month per month", "staff leaving"}, gp_workforce_, std::nullopt,
          [this, gp_turnover](const View& v) { return v.stock(gp_workforce_) * gp_turnover; });
  gp_unmet_ = m_.auxiliary({"primary_care.unmet_appointments", "appointments/month", "appointments sought but not available"},
                           [this](const View& v) { return std::max(0.0, v.input(gp_demand_) - v.stock(gp_workforce_)); });
  ae_multiplier_ = m_.auxiliary(
      {"primary_care.ae_multiplier", "ratio", "A&E attendances relative to the base year, from unmet GP demand"}, [this](const View& v) {
        const double ae_ref = base_.ae_attendances * v.input(residents_) / base_.residents;
        if (!(ae_ref > 0)) return 1.0;
        const double extra = p_.gp_ae_spill * (v.aux(gp_unmet_) - p_.gp_unmet_share * v.input(gp_demand_));
        return std::max(0.5, 1.0 + extra / ae_ref);
      });

  // ---- digital adoption (Bass), with and without the funded programmes
  const double pm = p.digital_p_per_year / 12.0, qm = p.digital_q_per_year / 12.0;
  adopters_ = m_.stock({"digital.adopters", "people", "adults actively using digital self-care"}, p.digital_initial_share * base.adults);
  adopters_shadow_ = m_.stock({"digital.adopters_without_programmes", "people", "the same diffusion with no funded users"},
                              p.digital_initial_share * base.adults);
  auto bass = [this, pm, qm](const View& v, double a) {
    const double n = p_.digital_potential_share * v.input(adults_);
    return n > 0 ? std::max(0.0, (pm + qm * a / n) * (n - a)) : 0.0;
  };
  // Funded new users who were not adopters already (a share A/N of them were).
  auto funded_new = [this](const View& v) {
    const double n = p_.digital_potential_share * v.input(adults_);
    return n > 0 ? v.input(digital_new_) * std::max(0.0, 1 - v.stock(adopters_) / n) : 0.0;
  };
  const sd::StockId direct = m_.stock({"digital.funded_adopters", "people", "adopters the funded programmes recruited directly"}, 0.0);
  m_.flow({"digital.adoption", "people/month", "Bass diffusion: (p + q A/N)(N - A)"}, std::nullopt, adopters_,
          [this, bass](const View& v) { return bass(v, v.stock(adopters_)); });
  m_.flow({"digital.funded_adoption", "people/month", "funded new users who were not adopters"}, std::nullopt, adopters_, funded_new);
  m_.flow({"digital.funded_adoption_memo", "people/month", "the same, counted apart"}, std::nullopt, direct, funded_new);
  m_.flow({"digital.adoption_without_programmes", "people/month", "the shadow diffusion"}, std::nullopt, adopters_shadow_,
          [this, bass](const View& v) { return bass(v, v.stock(adopters_shadow_)); });
  // Adopters the funded users brought by word of mouth (beyond the members themselves), as a
  // share of adults: they make some GP contacts online, and their activation rises.
  const sd::AuxId spill = m_.auxiliary(
      {"digital.spillover_share", "share of adults", "adopters beyond the diffusion without programmes and beyond those funded directly"},
      [this, direct](const View& v) {
        const double adults = v.input(adults_);
        return adults > 0 ? std::max(0.0, v.stock(adopters_) - v.stock(adopters_shadow_) - v.stock(direct)) / adults : 0.0;
      });
  const sd::AuxId activation = m_.auxiliary({"digital.activation_gain", "PAM levels per adult", "activation the spillover adopters gained"},
                                            [this, spill](const View& v) { return v.aux(spill) * p_.activation_levels_per_adopter; });
  activation_emergency_ = m_.auxiliary({"digital.activation_emergency_multiplier", "ratio", "emergency admissions: rr per level ^ levels gained"},
                                       [this, activation](const View& v) { return std::pow(p_.activation_rr_emergency, v.aux(activation)); });
  activation_ae_ = m_.auxiliary({"digital.activation_ae_multiplier", "ratio", "A&E attendances: rr per level ^ levels gained"},
                                [this, activation](const View& v) { return std::pow(p_.activation_rr_ae, v.aux(activation)); });
  gp_multiplier_ = m_.auxiliary(
      {"digital.gp_multiplier", "ratio", "GP appointments: spillover adopters' online contacts and their activation"},
      [this, spill, activation](const View& v) {
        return (1.0 - (1.0 - p_.digital_gp_rr) * v.aux(spill)) * std::pow(p_.activation_rr_gp, v.aux(activation));
      });
  m_.auxiliary({"digital.adoption_share", "share", "adopters / adults"},
               [this](const View& v) { return v.input(adults_) > 0 ? v.stock(adopters_) / v.input(adults_) : 0.0; });

  // ---- community assets (per programme), joint-working maturity, intermediate care staffing
  level_.assign(P, sd::AuxId{});
  staffed_aux_.assign(P, sd::AuxId{});
  maturity_ = m_.stock({"joint_working.maturity", "index 0-1", "joint-working maturity"}, p.maturity_initial);
  for (std::size_t k = 0; k < P; ++k) {
    const std::string n = "programme" + std::to_string(k + 1);
    const double ramp = programmes[k].ramp_up_months, half_life = std::max(0.1, programmes[k].half_life_months);
    if (programmes[k].channel == ProgrammeChannel::community_assets) {
      const double decay = kLn2 / half_life;
      const sd::StockId dev = m_.stock({"community_assets." + n + ".developing", "coverage", "groups and places being set up (share of the area)"}, 0.0);
      const sd::StockId est = m_.stock({"community_assets." + n + ".established", "coverage", "established assets (share of the area's residents covered)"}, 0.0);
      const sd::InputId spend = area_spend_[k], full = full_funding_[k];
      // Inflow scaled so that sustained full funding holds the established stock at 1. With
      // no ramp-up, investment establishes assets at once.
      const bool staged = ramp >= 0.1;
      m_.flow({"community_assets." + n + ".investment", "coverage/month", "funded share x decay rate"}, std::nullopt, staged ? dev : est,
              [spend, full, decay](const View& v) {
                const double f = v.input(full) > 0 ? std::min(1.0, v.input(spend) / v.input(full)) : 0.0;
                return f * decay;
              });
      if (staged)
        m_.flow({"community_assets." + n + ".establishing", "coverage/month", "developing / ramp-up months"}, dev, est,
                [dev, ramp](const View& v) { return v.stock(dev) / ramp; });
      m_.flow({"community_assets." + n + ".decay", "coverage/month", "established x ln 2 / half-life"}, est, std::nullopt,
              [est, decay](const View& v) { return v.stock(est) * decay; });
      level_[k] = m_.auxiliary({"community_assets." + n + ".level", "share", "effect level: established coverage, at most 1"},
                               [est](const View& v) { return std::min(1.0, v.stock(est)); });
    } else if (programmes[k].channel == ProgrammeChannel::intermediate_care) {
      const sd::InputId funded = funded_capacity_[k];
      const sd::Quantity q{"intermediate_care." + n + ".staffed_capacity", "participants/month",
                           "places a month the service's recruited staff can take (third-order recruitment delay)"};
      if (ramp >= 0.1)
        staffed_aux_[k] = m_.delay(q, [funded](const View& v) { return v.input(funded); }, ramp, 3, 0.0);
      else
        staffed_aux_[k] = m_.auxiliary(q, [funded](const View& v) { return v.input(funded); });
    }
  }
  maturity_level_ = m_.auxiliary({"joint_working.funded_share", "share", "pooled budgets / the spend that would fund joint working fully"},
                                 [this](const View& v) {
                                   double s = 0;
                                   for (std::size_t k = 0; k < channels_.size(); ++k)
                                     if (channels_[k] == ProgrammeChannel::pooled_budget && v.input(full_funding_[k]) > 0)
                                       s += v.input(area_spend_[k]) / v.input(full_funding_[k]);
                                   return std::min(1.0, s);
                                 });
  m_.flow({"joint_working.change", "index/month", "towards initial + (1 - initial) x funded share; up in ramp-up/3, down at the half-life"},
          std::nullopt, maturity_, [this](const View& v) {
            const double target = p_.maturity_initial + (1 - p_.maturity_initial) * v.aux(maturity_level_);
            const double gap = target - v.stock(maturity_);
            const double tau = gap > 0 ? std::max(0.1, p_.maturity_ramp_months / 3.0) : std::max(0.1, p_.maturity_half_life_months) / kLn2;
            return gap / tau;
          });
  for (std::size_t k = 0; k < P; ++k)
    if (programmes[k].channel == ProgrammeChannel::pooled_budget)
      level_[k] = m_.auxiliary({"joint_working.programme" + std::to_string(k + 1) + ".level", "share", "maturity gained over the initial level"},
                               [this](const View& v) {
                                 return std::clamp((v.stock(maturity_) - p_.maturity_initial) / (1 - p_.maturity_initial), 0.0, 1.0);
                               });

  // ---- money
  const double nhs0 = base.cost[nhs_acute] + base.cost[nhs_primary_care] + base.cost[nhs_community] + base.cost[nhs_mental_health];
  const double council0 = base.cost[council_adult_social_care];
  const double gap_month = gap_gbp_per_year / 12.0;
  const double nhs_alloc0 = nhs0 - gap_month * nhs0 / std::max(1.0, nhs0 + council0);
  const double council_alloc0 = council0 - gap_month * council0 / std::max(1.0, nhs0 + council0);
  nhs_balance_ = m_.stock({"money.nhs_balance", "GBP", "NHS allocation received less spent since the start (negative: deficit)"}, 0.0, false);
  council_balance_ = m_.stock({"money.council_balance", "GBP", "council allocation received less spent since the start"}, 0.0, false);
  pooled_fund_ = m_.stock({"money.pooled_fund", "GBP", "pooled budgets contributed and not yet spent"}, 0.0, false);
  prevention_budget_ = m_.stock({"money.prevention_budget", "GBP", "reinvested savings held for prevention"}, 0.0);
  // These two may fall below zero: with drawn parameters (probabilistic sensitivity analysis)
  // an intervention's effect can be drawn above a rate ratio of 1, so it adds care-home moves
  // or activity rather than avoiding them (a cost, not a saving). A memo and a count of net
  // avoided residents, they carry the sign; the prevention budget takes only positive savings.
  cashable_captured_ = m_.stock({"money.cashable_savings_captured", "GBP", "cashable savings recognised since the start (memo)"}, 0.0, false);
  avoided_residents_ = m_.stock({"social_care.avoided_care_home_residents", "people", "people not in a care home because of an avoided move (net: negative if interventions added moves)"}, 0.0, false);
  balances_ = {nhs_balance_, council_balance_, pooled_fund_, prevention_budget_};
  const double g_nhs = std::log1p(p.nhs_growth_per_year) / 12.0, g_council = std::log1p(p.council_growth_per_year) / 12.0;
  const sd::AuxId nhs_allocation = m_.auxiliary({"money.nhs_allocation_rate", "GBP/month", "NHS allocation, growing at the settlement's real rate"},
                                                [nhs_alloc0, g_nhs](const View& v) { return nhs_alloc0 * std::exp(g_nhs * v.time()); });
  const sd::AuxId council_allocation =
      m_.auxiliary({"money.council_allocation_rate", "GBP/month", "council allocation for adult social care and public health"},
                   [council_alloc0, g_council](const View& v) { return council_alloc0 * std::exp(g_council * v.time()); });
  money_in_.push_back(m_.flow({"money.nhs_allocation", "GBP/month", "NHS allocation received"}, std::nullopt, nhs_balance_,
                              [nhs_allocation](const View& v) { return v.aux(nhs_allocation); }));
  money_in_.push_back(m_.flow({"money.council_allocation", "GBP/month", "council allocation received"}, std::nullopt, council_balance_,
                              [council_allocation](const View& v) { return v.aux(council_allocation); }));
  // Spend by payer and setting, each out of its organisation's balance.
  for (std::size_t k = 0; k < spend_lines().size(); ++k) {
    const SpendLine& line = spend_lines()[k];
    const sd::InputId x = spend_[k];
    money_out_.push_back(m_.flow({line.flow, "GBP/month", line.what}, line.nhs ? nhs_balance_ : council_balance_, std::nullopt,
                                 [x](const View& v) { return v.input(x); }));
  }
  money_out_.push_back(m_.flow({"money.pooled_spend", "GBP/month", "spend from pooled budgets"}, pooled_fund_, std::nullopt,
                               [this](const View& v) { return v.input(pooled_spend_); }));
  money_out_.push_back(m_.flow({"money.released_spend", "GBP/month", "spend from the prevention budget"}, prevention_budget_, std::nullopt,
                               [this](const View& v) { return v.input(released_spend_); }));
  m_.flow({"money.nhs_pooled_contribution", "GBP/month", "NHS share of pooled budgets"}, nhs_balance_, pooled_fund_,
          [this](const View& v) { return v.input(pooled_in_) * p_.pooled_nhs_share; });
  m_.flow({"money.council_pooled_contribution", "GBP/month", "council share of pooled budgets"}, council_balance_, pooled_fund_,
          [this](const View& v) { return v.input(pooled_in_) * (1 - p_.pooled_nhs_share); });
  const sd::AuxId care_home_saving = m_.auxiliary(
      {"money.cashable_care_home_rate", "GBP/month", "council care-home spend avoided: avoided residents x monthly council cost"},
      [this](const View& v) { return v.stock(avoided_residents_) * care_home_cost_per_month_; });
  m_.flow({"social_care.avoided_moves", "people/month", "care-home moves avoided"}, std::nullopt, avoided_residents_,
          [this](const View& v) { return v.input(avoided_moves_); });
  m_.flow({"social_care.avoided_stays_ending", "people/month", "avoided residents / mean care-home stay"}, avoided_residents_, std::nullopt,
          [this](const View& v) { return v.stock(avoided_residents_) / p_.care_home_mean_stay_months; });
  m_.flow({"money.cashable_savings", "GBP/month", "cashable savings recognised"}, std::nullopt, cashable_captured_,
          [this, care_home_saving](const View& v) { return v.input(cashable_nhs_) + v.input(cashable_council_) + v.aux(care_home_saving); });
  // Reinvestment: the council's own savings at the scenario's share; the NHS's savings cross
  // to prevention only as far as joint working has matured (shared risk and gain).
  m_.flow({"money.reinvest_nhs", "GBP/month", "reinvested NHS savings: share x savings x maturity"}, nhs_balance_, prevention_budget_,
          [this](const View& v) { return reinvest_share_ * std::max(0.0, v.input(reinvest_nhs_)) * v.stock(maturity_); });
  m_.flow({"money.reinvest_council", "GBP/month", "reinvested council savings: share x savings"}, council_balance_, prevention_budget_,
          [this, care_home_saving](const View& v) {
            const double ch = reinvest_from_[council_adult_social_care] ? v.aux(care_home_saving) : 0.0;
            return reinvest_share_ * std::max(0.0, v.input(reinvest_council_) + ch);  // savings are reinvested, losses are not
          });
  m_.auxiliary({"money.system_deficit", "GBP", "cumulative deficit: the starting gap's shortfall less savings (minus all balances)"},
                          [this](const View& v) {
                            double s = 0;
                            for (const auto b : balances_) s += v.stock(b);
                            return -s;
                          });
  m_.auxiliary({"money.recurrent_gap", "GBP/year", "annualised spend less allocations (positive: overspend)"},
               [this, nhs_allocation, council_allocation](const View& v) {
                 double spend = v.input(pooled_spend_) + v.input(released_spend_);
                 for (const auto x : spend_) spend += v.input(x);
                 return 12.0 * (spend - v.aux(nhs_allocation) - v.aux(council_allocation));
               });
}

void IcpSystem::set_inputs(const IcpInputs& in) {
  m_.set_input(residents_, in.residents);
  m_.set_input(adults_, in.adults);
  m_.set_input(admissions_, in.emergency_admissions);
  m_.set_input(bed_days_, in.emergency_bed_days);
  m_.set_input(gp_demand_, in.gp_appointments);
  m_.set_input(ae_, in.ae_attendances);
  m_.set_input(home_care_demand_, in.home_care_hours);
  m_.set_input(care_home_residents_, in.care_home_residents);
  const double values[] = {in.cost[nhs_acute], in.cost[nhs_primary_care], in.cost[nhs_community], in.cost[nhs_mental_health],
                           in.programme_spend[0], in.cost[council_adult_social_care], in.programme_spend[1], in.programme_spend[2]};
  for (std::size_t k = 0; k < spend_.size(); ++k) m_.set_input(spend_[k], values[k]);
  m_.set_input(pooled_spend_, in.programme_spend[funder_index(Funder::pooled)]);
  m_.set_input(released_spend_, in.released_spend);
  m_.set_input(pooled_in_, in.pooled_contribution);
  double cn = 0, cc = 0, rn = 0, rc = 0;
  for (int k = 0; k < kPayers; ++k) {
    const double s = in.cashable_savings[static_cast<std::size_t>(k)];
    const bool reinvests = reinvest_from_[static_cast<std::size_t>(k)];
    if (k == nhs_acute || k == nhs_primary_care || k == nhs_community || k == nhs_mental_health) {
      cn += s;
      if (reinvests) rn += s;
    } else if (k == council_adult_social_care) {
      cc += s;
      if (reinvests) rc += s;
    }
  }
  m_.set_input(cashable_nhs_, cn);
  m_.set_input(cashable_council_, cc);
  m_.set_input(reinvest_nhs_, rn);
  m_.set_input(reinvest_council_, rc);
  m_.set_input(avoided_moves_, in.avoided_care_home_moves);
  m_.set_input(digital_new_, in.digital_new_users);
  for (std::size_t k = 0; k < channels_.size(); ++k) {
    m_.set_input(area_spend_[k], k < in.area_spend.size() ? in.area_spend[k] : 0.0);
    m_.set_input(full_funding_[k], k < in.full_funding.size() ? in.full_funding[k] : 0.0);
    m_.set_input(funded_capacity_[k], k < in.funded_capacity.size() ? in.funded_capacity[k] : 0.0);
  }
}

void IcpSystem::month(const IcpInputs& in) {
  set_inputs(in);
  double before = 0;
  for (const auto b : balances_) before += m_.value(b);
  m_.reset_totals();
  m_.advance(1.0);
  double after = 0;
  for (const auto b : balances_) after += m_.value(b);
  money_ = {};
  for (const auto f : money_in_) money_.money_in += m_.total(f);
  for (const auto f : money_out_) money_.money_out += m_.total(f);
  money_.change_in_balances = after - before;
}

IcpFeedback IcpSystem::feedback() const {
  IcpFeedback f;
  const std::vector<double> aux = m_.auxiliary_values();
  auto value = [&aux](sd::AuxId a) { return aux[static_cast<std::size_t>(a.index)]; };
  // Delayed transfers lengthen stays: a share d of bed-days are delays, so m x the delays
  // make stays 1 + d (m - 1) times as long; occupancy acts on the rest of the stay.
  f.delayed_discharge = value(dd_multiplier_);
  f.length_of_stay = value(los_multiplier_);
  f.activation_emergency = value(activation_emergency_);
  f.activation_ae = value(activation_ae_);
  f.ae = value(ae_multiplier_) * f.activation_ae;
  f.gp = value(gp_multiplier_);
  f.area_level.assign(channels_.size(), 0.0);
  f.staffed_capacity.assign(channels_.size(), 0.0);
  for (std::size_t k = 0; k < channels_.size(); ++k) {
    if (channels_[k] == ProgrammeChannel::community_assets || channels_[k] == ProgrammeChannel::pooled_budget)
      f.area_level[k] = value(level_[k]);
    if (channels_[k] == ProgrammeChannel::intermediate_care) f.staffed_capacity[k] = value(staffed_aux_[k]);
  }
  f.prevention_release = m_.value(prevention_budget_) / p_.prevention_release_months;
  return f;
}

std::vector<IcpSystem::Value> IcpSystem::record() const {
  std::vector<Value> v;
  for (int k = 0; k < m_.stocks(); ++k) {
    const auto& q = m_.stock_info(k);
    if (q.name.find(".stage") != std::string::npos) continue;  // delay internals
    v.push_back({q.name, q.unit, m_.state()[k]});
  }
  const std::vector<double> aux = m_.auxiliary_values();
  for (int k = 0; k < m_.auxiliaries(); ++k) {
    const auto& q = m_.aux_info(k);
    v.push_back({q.name, q.unit, aux[static_cast<std::size_t>(k)]});
  }
  for (int k = 0; k < m_.flows(); ++k) {
    const auto& q = m_.flow_info(k);
    if (q.name.find(".stage") != std::string::npos || q.name.rfind("intermediate_care.", 0) == 0) continue;
    v.push_back({q.name + ".month_total", q.unit.substr(0, q.unit.find("/month")), m_.total(sd::FlowId{k})});
  }
  return v;
}

}  // namespace shiftsim::model
