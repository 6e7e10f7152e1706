#include "model/world/world.hpp"

#include "model/core/errors.hpp"

#include <sstream>

namespace shiftsim::model {

namespace {
std::string describe(const PublishedUnitCost& c, double deflator, double value) {
  std::ostringstream out;
  out << c.item << ": GBP " << c.gbp << " (" << c.price_year << " prices, " << c.source << ") x deflator " << deflator
      << " = GBP " << value;
  return out.str();
}
}  // namespace

World build_world(const RegionData& region, const ParameterTable& table) {
  World w;
  w.region = &region;
  w.table = table;
  w.params = read_parameters(w.table);
  w.geography = build_geography(region);
  if (w.geography.zones.size() > 255) throw InputError("too many zones for the 8-bit zone field");
  w.index = CellIndex{static_cast<int>(region.districts.size())};
  w.multipliers = build_multipliers(w.params);
  for (const auto& d : region.districts) w.council_of_district.push_back(d.council);

  const Parameters& p = w.params;
  UnitCosts& u = w.costs;
  auto published = [&](const std::string& key) -> const PublishedUnitCost& {
    auto it = region.unit_costs.find(key);
    if (it == region.unit_costs.end()) throw InputError("the region data has no unit cost '" + key + "'");
    return it->second;
  };
  auto deflated = [&](const std::string& key, const std::string& label) {
    const auto& c = published(key);
    const double f = deflator(p, c.price_year);
    const double v = c.gbp * f;
    u.provenance.push_back({label, v, describe(c, f, v)});
    return v;
  };
  u.tally[gp_appointments] = deflated("gp_appointment", "gp_appointment");
  // A&E and elective: 2018/19 costs where published (parameters), not the 2024/25 collection
  // deflated, which keeps the real growth and method change since (issue 14, finding 5); the
  // deflated figure is kept in the provenance for comparison.
  deflated("ae_attendance", "ae_attendance_ncc_2024_25_deflated (not used)");
  u.tally[ae_attendances] = p.cost_ae_attendance;
  u.provenance.push_back({"ae_attendance", p.cost_ae_attendance, "parameter cost.ae_attendance (NCC 2018/19, all types)"});
  u.emergency_admission = deflated("emergency_admission", "emergency_admission");
  {
    // Elective: blend of ordinary elective, day case and regular day/night admissions,
    // weighted by the region's admitted-care mix.
    const auto& ac = region.admitted_care;
    double ord = 0, day = 0, reg = 0;
    for (int s = 0; s < kSexes; ++s)
      for (int a = 0; a < 2; ++a) {
        ord += ac.elective_ordinary[static_cast<std::size_t>(s)][static_cast<std::size_t>(a)];
        day += ac.daycase[static_cast<std::size_t>(s)][static_cast<std::size_t>(a)];
        reg += ac.regular_attender[static_cast<std::size_t>(s)][static_cast<std::size_t>(a)];
      }
    const double total = ord + day + reg;
    deflated("elective_inpatient", "elective_inpatient_ncc_2024_25_deflated (not used)");
    deflated("daycase", "daycase_ncc_2024_25_deflated (not used)");
    const double v = (ord * p.cost_elective_inpatient + day * p.cost_daycase + reg * deflated("regular_day_night", "regular_day_night")) / total;
    std::ostringstream how;
    how << "elective admission blended by the region's mix: ordinary " << ord << " at GBP " << p.cost_elective_inpatient
        << " (cost.elective_inpatient), day case " << day << " at GBP " << p.cost_daycase << " (cost.daycase), regular day/night " << reg
        << " at NCC 2024/25 deflated (no 2018/19 figure found) = GBP " << v;
    u.provenance.push_back({"elective_admission", v, how.str()});
    u.tally[elective_admissions] = v;
  }
  u.tally[outpatient_attendances] = p.cost_outpatient_attendance;
  u.provenance.push_back({"outpatient_attendance", u.tally[outpatient_attendances], "parameter cost.outpatient_attendance (2018/19 prices)"});
  u.tally[community_contacts] = deflated("community_contact", "community_contact");
  {
    const double mh = deflated("mental_health_contact", "mental_health_contact");
    const double iapt = deflated("talking_therapy_contact", "talking_therapy_contact");
    u.tally[mental_health_contacts] = (1 - p.mental_health_iapt_share) * mh + p.mental_health_iapt_share * iapt;
    std::ostringstream how;
    how << "mental health contact blended: " << (1 - p.mental_health_iapt_share) << " x care contact + "
        << p.mental_health_iapt_share << " x NHS Talking Therapies contact";
    u.provenance.push_back({"mental_health_contact_blended", u.tally[mental_health_contacts], how.str()});
  }
  u.tally[home_care_hours] = p.cost_home_care_hour;
  u.provenance.push_back({"home_care_hour", u.tally[home_care_hours], "parameter cost.home_care_hour (2018/19 prices)"});
  double mean_ch = 0;
  for (std::size_t k = 0; k < region.care_home_week_by_council.size(); ++k) {
    const auto& c = region.care_home_week_by_council[k];
    const double f = deflator(p, c.price_year);
    u.care_home_week_by_council.push_back(c.gbp * f);
    mean_ch += c.gbp * f;
    u.provenance.push_back({"care_home_week." + region.councils[k], c.gbp * f, describe(c, f, c.gbp * f)});
  }
  u.tally[care_home_weeks] = mean_ch / static_cast<double>(region.care_home_week_by_council.size());
  // Who pays a care-home week besides the council: residents' contributions and the NHS's
  // nursing care, by council (parameter rows keyed by council_key).
  for (const std::string& council : region.councils) {
    const std::string key = council_key(council);
    const auto share = p.care_home_contribution_share_by_council.find(key);
    const auto nursing = p.nursing_share_by_council.find(key);
    if (share == p.care_home_contribution_share_by_council.end() || nursing == p.nursing_share_by_council.end())
      throw ParameterError("the parameter table has no " + std::string(share == p.care_home_contribution_share_by_council.end()
                                                                          ? "cost.care_home_contribution_share."
                                                                          : "care.nursing_share.") +
                           key + " for the council " + council + " (a share 0-1; PSS-EX1 council figures)");
    u.contribution_share_by_council.push_back(share->second);
    u.fnc_per_week_by_council.push_back(nursing->second * p.cost_fnc_week);
    u.provenance.push_back({"care_home_contribution_share." + council, share->second,
                            "parameter cost.care_home_contribution_share." + key + ": residents' contributions to council-arranged weeks (households)"});
    u.provenance.push_back({"fnc_per_care_home_week." + council, nursing->second * p.cost_fnc_week,
                            "care.nursing_share." + key + " x cost.fnc_week (NHS-funded nursing care, nhs_community)"});
  }
  u.excess_bed_day = p.cost_excess_bed_day;
  u.mental_health_bed_day = deflated("mental_health_bed_day", "mental_health_bed_day");
  u.provenance.push_back({"excess_bed_day", p.cost_excess_bed_day, "parameter cost.excess_bed_day (Reference Costs 2016/17 x NHSCII)"});
  u.care_home_self_funder_premium = p.care_home_self_funder_premium;
  u.self_funder_share_care_home = p.self_funder_share_care_home;
  u.self_funder_share_home_care = p.self_funder_share_home_care;
  return w;
}

void attribute_costs(const UnitCosts& u, int council, const double* activity, double emergency_admissions, double excess_bed_days,
                     double* cost_by_payer, double mental_health_bed_days) {
  double* c = cost_by_payer;
  c[nhs_primary_care] += activity[gp_appointments] * u.tally[gp_appointments];
  c[nhs_acute] += activity[ae_attendances] * u.tally[ae_attendances] +
                  activity[elective_admissions] * u.tally[elective_admissions] +
                  activity[outpatient_attendances] * u.tally[outpatient_attendances] +
                  emergency_admissions * u.emergency_admission + excess_bed_days * u.excess_bed_day;
  c[nhs_community] += activity[community_contacts] * u.tally[community_contacts];
  c[nhs_mental_health] += activity[mental_health_contacts] * u.tally[mental_health_contacts] + mental_health_bed_days * u.mental_health_bed_day;
  const double hc = activity[home_care_hours] * u.tally[home_care_hours];
  c[council_adult_social_care] += hc * (1 - u.self_funder_share_home_care);
  c[households] += hc * u.self_funder_share_home_care;
  // A care-home week: council-arranged weeks at the council's gross cost, less residents'
  // assessed contributions (households); self-funders at the fee premium; NHS-funded nursing
  // care for the nursing share of every week, whoever pays the fee.
  const auto cu = static_cast<std::size_t>(council);
  const double week = u.care_home_week_by_council[cu], contribution = u.contribution_share_by_council[cu];
  const double arranged = activity[care_home_weeks] * week * (1 - u.self_funder_share_care_home);
  c[council_adult_social_care] += arranged * (1 - contribution);
  c[households] += arranged * contribution + activity[care_home_weeks] * week * u.care_home_self_funder_premium * u.self_funder_share_care_home;
  c[nhs_community] += activity[care_home_weeks] * u.fnc_per_week_by_council[cu];
}

void cost_row(const UnitCosts& u, int council, double* row) {
  double cost[kPayers] = {};
  attribute_costs(u, council, row + fm_tally_first, row[fm_emergency_admissions], row[fm_excess_bed_days], cost, row[fm_mental_health_bed_days]);
  double total = 0;
  for (int k = 0; k < kPayers; ++k) {
    row[fm_cost_first + k] = cost[k];
    total += cost[k];
  }
  row[fm_cost_total] = total;
  // Each activity alone, its public payer's part (the same arithmetic as attribute_costs).
  for (int k = 0; k < kCostedActivities; ++k) {
    double activity[kTallies] = {};
    double one[kPayers] = {};
    if (k < kTallies) activity[k] = row[fm_tally_first + k];
    attribute_costs(u, council, activity, k == kTallies ? row[fm_emergency_admissions] : 0.0, k == kTallies + 1 ? row[fm_excess_bed_days] : 0.0,
                    one, k == kTallies + 2 ? row[fm_mental_health_bed_days] : 0.0);
    row[fm_public_cost_first + k] = one[costed_activity_payer(k)];
  }
}

}  // namespace shiftsim::model
