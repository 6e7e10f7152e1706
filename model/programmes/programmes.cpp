#include "model/programmes/programmes.hpp"

#include "model/core/errors.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace shiftsim::model {

namespace {
struct MetricInfo {
  const char* name;
  const char* unit;
};
constexpr std::array<MetricInfo, kProgrammeMetrics> kInfo{{
    {"new_participants", "people who joined in the period"},
    {"new_participants_q1", "people who joined, IMD quintile 1 (most deprived)"},
    {"new_participants_q2", "people who joined, IMD quintile 2"},
    {"new_participants_q3", "people who joined, IMD quintile 3"},
    {"new_participants_q4", "people who joined, IMD quintile 4"},
    {"new_participants_q5", "people who joined, IMD quintile 5 (least deprived)"},
    {"participant_months", "person-months of membership (area programmes: resident-months covered)"},
    {"eligible_months", "person-months of eligibility (area programmes: resident-months in the area)"},
    {"effect_level_months", "area programmes: sum over months of the effect level (0-1); divide by months for the mean"},
    {"spend_nhs", "GBP spent by the NHS"},
    {"spend_council", "GBP spent by councils (adult social care)"},
    {"spend_public_health", "GBP spent from the public health grant"},
    {"spend_pooled", "GBP spent from pooled budgets"},
    {"spend_total", "GBP spent, all funders"},
    {"quit_smoking", "participants who quit smoking because of the programme"},
    {"lost_weight", "participants who moved down a weight category because of the programme"},
    {"became_active", "participants who became active because of the programme"},
    {"stopped_harmful_drinking", "participants who stopped drinking harmfully because of the programme"},
    {"left_isolation", "participants who stopped being isolated because of the programme"},
    {"avoided_emergency_admissions", "expected emergency admissions avoided (negative: added)"},
    {"avoided_falls_admissions", "expected emergency admissions of people 65+ after a fall avoided (included in avoided_emergency_admissions)"},
    {"avoided_mental_health_admissions", "expected admissions to a mental-health bed after a crisis avoided"},
    {"avoided_emergency_bed_days", "expected emergency bed-days avoided, by fewer admissions and shorter stays"},
    {"avoided_delayed_discharge_bed_days", "expected delayed-transfer bed-days avoided"},
    {"avoided_ae_attendances", "expected A&E attendances avoided"},
    {"avoided_gp_appointments", "expected GP appointments avoided"},
    {"avoided_outpatient_attendances", "expected outpatient attendances avoided"},
    {"avoided_chd_cases", "expected new CHD cases avoided"},
    {"avoided_stroke_cases", "expected new strokes avoided"},
    {"avoided_isolation_onsets", "expected onsets of isolation avoided"},
    {"avoided_care_home_moves", "expected moves into care homes avoided: from home care, and after the emergency admissions avoided or kept"},
    {"avoided_strained_carer_months", "months in which a supported unpaid carer is not strained (no common mental disorder) because of the support"},
    {"avoided_nhs_cost", "GBP: the avoided admissions, A&E, GP and outpatient activity at unit costs, the excess and delayed bed-days "
                         "avoided at the excess bed-day price, and the NHS-funded nursing care of the care-home stays avoided"},
    {"avoided_council_cost", "GBP: the care-home stays that avoided moves would have begun (the expected stay, undiscounted), the "
                             "council's part of each week (net of residents' contributions and self-funders)"},
}};
}  // namespace

std::string programme_metric_name(int m) { return kInfo.at(static_cast<std::size_t>(m)).name; }
std::string programme_metric_unit(int m) { return kInfo.at(static_cast<std::size_t>(m)).unit; }

std::uint8_t risk_targets(std::uint8_t risk) {
  std::uint8_t t = 0;
  const auto smoking = static_cast<Smoking>(risk & risk_bits::smoking_mask);
  const auto weight = static_cast<Weight>((risk & risk_bits::weight_mask) >> risk_bits::weight_shift);
  if (smoking == Smoking::current) t |= rt_smoker;
  if (smoking == Smoking::ex) t |= rt_ex_smoker;
  if (weight == Weight::overweight) t |= rt_overweight;
  if (weight == Weight::obese) t |= rt_obese;
  if (risk & risk_bits::inactive) t |= rt_inactive;
  if (risk & risk_bits::harmful_drinking) t |= rt_harmful_drinker;
  if (risk & risk_bits::isolated) t |= rt_isolated;
  if (risk & risk_bits::family) t |= rt_unpaid_carer;  // eligibility tables start at age 1 for this need
  return t;
}

EligibilityTables build_eligibility(const Policy& policy, const std::vector<int>& zone_icp,
                                    const std::vector<int>& zone_neighbourhood) {
  EligibilityTables t;
  t.need.assign(std::size_t{2} << 16, 0);
  t.zone.assign(zone_icp.size(), 0);
  if (policy.interventions.size() > static_cast<std::size_t>(kMaxInterventions))
    throw InputError("a scenario can fund at most " + std::to_string(kMaxInterventions) + " interventions");
  for (std::size_t k = 0; k < policy.interventions.size(); ++k) {
    const InterventionSpec& s = policy.interventions[k];
    const CatalogueEntry& c = catalogue_entry(s.type);
    if (c.reach != Reach::person) continue;
    const auto bit = static_cast<ProgrammeBits>(1u << k);
    const Eligibility& e = c.eligibility;
    const Targeting& g = s.targeting;
    const int lo = std::max(e.min_age, g.min_age), hi = std::min(e.max_age, g.max_age);
    for (int a = 0; a < 128; ++a)
      if (a >= lo && (a <= hi || (a == 127 && hi >= 127))) t.age[static_cast<std::size_t>(a)] |= bit;
    for (int st = 0; st < 256; ++st) {
      const auto byte = static_cast<std::uint8_t>(st);
      if (!(byte & status_bits::alive)) continue;
      const int sex = (byte & status_bits::female) ? 1 : 0;
      const int frailty = byte & status_bits::frailty_mask;
      const int care = (byte & status_bits::care_mask) >> status_bits::care_shift;
      if (!g.sexes[static_cast<std::size_t>(sex)]) continue;
      if (!((e.frailty_levels & g.frailty_levels) & (1u << frailty))) continue;
      if (!(e.care_settings & (1u << care))) continue;
      t.status[static_cast<std::size_t>(st)] |= bit;
    }
    for (std::size_t key = 0; key < t.need.size(); ++key) {
      const bool age65 = (key >> 16) & 1u;
      const auto risk = static_cast<std::uint8_t>((key >> 8) & 0xFFu);
      const auto cond = static_cast<std::uint8_t>(key & 0xFFu);
      if (cond & e.exclude_conditions) continue;
      const std::uint8_t targets = risk_targets(risk);
      if (e.has_need()) {
        const bool need = (targets & e.need_risk) || (cond & e.need_conditions) ||
                          (e.need_multimorbid && condition_count(cond) >= 2) || (e.need_age65 && age65);
        if (!need) continue;
      }
      if (g.any_condition && !(cond & g.any_condition)) continue;
      if (g.risk_factors && !(targets & g.risk_factors)) continue;
      t.need[key] |= bit;
    }
    for (int d = 1; d <= kDeciles; ++d)
      if (g.deciles[static_cast<std::size_t>(d - 1)]) t.decile[static_cast<std::size_t>(d)] |= bit;
    const std::uint8_t at = enrol_event(s);
    for (int r = 0; r < 256; ++r)
      if (!at || (r & at)) t.recent[static_cast<std::size_t>(r)] |= bit;
    for (std::size_t z = 0; z < zone_icp.size(); ++z) {
      const bool icp_ok = g.icps.empty() || std::find(g.icps.begin(), g.icps.end(), zone_icp[z]) != g.icps.end();
      const bool nb_ok = g.neighbourhoods.empty() ||
                         std::find(g.neighbourhoods.begin(), g.neighbourhoods.end(), zone_neighbourhood[z]) != g.neighbourhoods.end();
      if (icp_ok && nb_ok) t.zone[z] |= bit;
    }
  }
  return t;
}

std::vector<long> allocate_places(long total, const std::vector<double>& shares, const std::vector<long>& available) {
  const std::size_t n = shares.size();
  std::vector<long> out(n, 0);
  long remaining = std::min(total, std::accumulate(available.begin(), available.end(), 0L));
  std::vector<bool> open(n);
  for (std::size_t g = 0; g < n; ++g) open[g] = available[g] > 0 && shares[g] > 0;
  // Groups with no share get places only when every group with a share is full.
  while (remaining > 0) {
    double share_sum = 0;
    for (std::size_t g = 0; g < n; ++g)
      if (open[g]) share_sum += shares[g];
    if (!(share_sum > 0)) {
      for (std::size_t g = 0; g < n; ++g) open[g] = out[g] < available[g];
      share_sum = 0;
      for (std::size_t g = 0; g < n; ++g)
        if (open[g]) share_sum += 1;
      if (!(share_sum > 0)) break;
    }
    // Largest remainder of this round's quotas.
    std::vector<double> quota(n, 0.0);
    std::vector<long> whole(n, 0);
    long given = 0;
    for (std::size_t g = 0; g < n; ++g)
      if (open[g]) {
        const double w = shares[g] > 0 ? shares[g] : 1.0;
        quota[g] = static_cast<double>(remaining) * w / share_sum;
        whole[g] = static_cast<long>(std::floor(quota[g]));
        given += whole[g];
      }
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return quota[a] - static_cast<double>(whole[a]) > quota[b] - static_cast<double>(whole[b]);
    });
    for (std::size_t r = 0; given < remaining && r < n; ++r)
      if (open[order[r]]) {
        ++whole[order[r]];
        ++given;
      }
    long placed = 0;
    for (std::size_t g = 0; g < n; ++g) {
      const long take = std::min(whole[g], available[g] - out[g]);
      out[g] += take;
      placed += take;
      if (out[g] >= available[g]) open[g] = false;
    }
    remaining -= placed;
    if (placed == 0) break;
  }
  return out;
}

std::array<double, kQuintiles> proportionate_shares(const std::array<double, kQuintiles>& eligible, double gradient) {
  std::array<double, kQuintiles> s{};
  double sum = 0;
  for (int q = 1; q <= kQuintiles; ++q) {
    const double w = std::max(0.0, 1.0 + gradient * (3.0 - q) / 2.0);
    s[static_cast<std::size_t>(q - 1)] = eligible[static_cast<std::size_t>(q - 1)] * w;
    sum += s[static_cast<std::size_t>(q - 1)];
  }
  if (sum > 0)
    for (double& x : s) x /= sum;
  return s;
}

double lapse_probability(double half_life_months) {
  if (!(half_life_months > 0)) return 1.0;
  return 1.0 - std::exp2(-1.0 / half_life_months);
}

int financial_year_of(int start_year, int month) {
  const int calendar = start_year * 12 + 6 + month;  // months since January of year 0
  const int year = calendar / 12, m = calendar % 12 + 1;
  return m >= 4 ? year : year - 1;
}

}  // namespace shiftsim::model
