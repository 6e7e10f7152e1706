#include "model/people/synthesis.hpp"

#include "model/core/errors.hpp"
#include "model/core/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace shiftsim::model {

std::vector<long> apportion(long total, const std::vector<double>& weights) {
  std::vector<long> out(weights.size(), 0);
  if (weights.empty() || total <= 0) return out;
  const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  if (sum <= 0) {
    out[0] = total;
    return out;
  }
  long assigned = 0;
  std::vector<std::pair<double, std::size_t>> remainders;
  remainders.reserve(weights.size());
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double exact = static_cast<double>(total) * weights[i] / sum;
    const long whole = static_cast<long>(std::floor(exact));
    out[i] = whole;
    assigned += whole;
    remainders.emplace_back(exact - static_cast<double>(whole), i);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (long k = 0; k < total - assigned; ++k) ++out[remainders[static_cast<std::size_t>(k)].second];
  return out;
}

StayHazards care_home_stay_hazards(const Parameters& p) {
  // Mean stay (1 - e^-h1) / h1 + e^-h1 / h2 with h1 = ratio x h2, equal to 1 / deaths per
  // resident-year: bisection on h2 (the mean stay falls as h2 rises).
  const double target = 1.0 / p.care_home_deaths_per_resident_year, ratio = p.care_home_first_year_ratio;
  auto stay = [&](double h2) {
    const double h1 = ratio * h2;
    return (1.0 - std::exp(-h1)) / h1 + std::exp(-h1) / h2;
  };
  double lo = 1e-4, hi = 50;
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    (stay(mid) > target ? lo : hi) = mid;
  }
  StayHazards out;
  out.later = 0.5 * (lo + hi);
  out.first_year = ratio * out.later;
  out.mean_stay_years = stay(out.later);
  out.first_year_share = (1.0 - std::exp(-out.first_year)) / out.first_year / out.mean_stay_years;
  return out;
}

std::array<double, kAges> abstinence_survival(const Parameters& p) {
  std::array<double, kAges> s{};
  s[0] = 1;
  for (std::size_t t = 1; t < s.size(); ++t)
    s[t] = s[t - 1] * (1.0 - p.smoking_relapse_by_year[std::min<std::size_t>(t - 1, kQuitYearsTop)]);
  return s;
}

namespace {

// Conditions are drawn in two stages that respect their dependencies: hypertension and
// diabetes depend only on risk factors; the other six on risk factors, hypertension and
// diabetes (which raise the risk of CHD, stroke and dementia), not on each other.
constexpr std::array<int, 2> kFirstStage{hypertension, type2_diabetes};
constexpr std::array<int, 6> kSecondStage{coronary_heart_disease, stroke, copd, cancer, dementia, common_mental_disorder};

struct Drawer {
  const World& world;
  const PrevalenceTables& prev;
  const RandomKey& key;
  const SynthesisNorms& norms;  // with the clocks' distributions (computed once per run)

  /// Smoking and weight status from two uniforms and the cell's prevalences.
  std::pair<Smoking, Weight> smoking_and_weight(std::size_t c, double u_smoke, double u_weight) const {
    Smoking s = Smoking::never;
    if (u_smoke < prev.smoking_current[c]) s = Smoking::current;
    else if (u_smoke < prev.smoking_current[c] + prev.smoking_ex[c]) s = Smoking::ex;
    Weight w = Weight::healthy;
    if (u_weight < prev.obese[c]) w = Weight::obese;
    else if (u_weight < prev.overweight_or_obese[c]) w = Weight::overweight;
    return {s, w};
  }

  /// An ex-smoker's quit clock: completed years since quitting t with probability proportional
  /// to the current-smoker prevalence of their cell at the age they quit (16 on; 18 below it)
  /// x (1 - historical decline)^-t x survival in abstinence S(t), then a uniform month.
  void quit_clock(Population& pop, std::size_t i, std::uint32_t word_years, std::uint32_t word_month) const {
    const int age = pop.age_years(i);
    const int district = world.geography.zones[pop.zone[i]].district;
    const double growth = 1.0 / (1.0 - world.params.smoking_historical_decline_per_year);
    std::array<double, kAges> w{};
    double total = 0, g = 1;
    const int top = std::max(0, age - 16);
    for (int t = 0; t <= top; ++t, g *= growth) {
      const int quit_age = std::max(kAdultAge, age - t);
      w[static_cast<std::size_t>(t)] = prev.smoking_current[world.index(district, pop.decile[i], pop.sex(i), quit_age)] * g *
                                       norms.abstinence_survival[static_cast<std::size_t>(t)];
      total += w[static_cast<std::size_t>(t)];
    }
    if (!(total > 0)) {  // no smokers at any age of quitting in the cell: survival in abstinence alone
      for (int t = 0; t <= top; ++t) total += w[static_cast<std::size_t>(t)] = norms.abstinence_survival[static_cast<std::size_t>(t)];
    }
    const double u = to_unit_open(word_years) * total;
    int years = top;
    double acc = 0;
    for (int t = 0; t <= top; ++t) {
      acc += w[static_cast<std::size_t>(t)];
      if (u < acc) {
        years = t;
        break;
      }
    }
    const int since = std::min(static_cast<int>(pop.age_months[i]), 12 * years + static_cast<int>(word_month % 12u));
    pop.quit_age_months[i] = static_cast<std::uint16_t>(pop.age_months[i] - since);
  }
  /// A synthesised care-home resident's stay: in its first year with the steady-state share,
  /// at a uniform month of that year; otherwise more than a year in.
  void care_clock(Population& pop, std::size_t i, std::uint32_t word_band, std::uint32_t word_month) const {
    const int since = (to_unit_open(word_band) < norms.care_home_first_year_share ? 0 : 12) + static_cast<int>(word_month % 12u);
    pop.care_home_entry_age_months[i] = static_cast<std::uint16_t>(std::max(0, pop.age_months[i] - since));
  }

  std::size_t cell(const Population& pop, std::size_t i) const {
    const int district = world.geography.zones[pop.zone[i]].district;
    return world.index(district, pop.decile[i], pop.sex(i), pop.age_years(i));
  }

  void risk_and_activation(Population& pop, std::size_t i) const {
    const std::size_t c = cell(pop, i);
    CounterEngine e(key, pop.id[i], kSynthesisMonth, Purpose::synth_risk_factors);
    const double u_smoke = e.uniform(), u_weight = e.uniform(), u_inactive = e.uniform(), u_drink = e.uniform(),
                 u_iso = e.uniform(), u_pam = e.uniform(), u_shift = e.uniform();
    const auto [s, w] = smoking_and_weight(c, u_smoke, u_weight);
    pop.risk[i] = pack_risk(s, w, u_inactive < prev.inactive[c], u_drink < prev.harmful_drinking[c],
                            u_iso < prev.isolated[c]);
    pop.quit_age_months[i] = kNoClock;
    if (s == Smoking::ex) {
      const auto clocks = philox_words(key, pop.id[i], kSynthesisMonth, Purpose::synth_clocks);
      quit_clock(pop, i, clocks[0], clocks[1]);
    }
    // Activation: base shares, shifted one level down (deprived) or up (affluent) with
    // probability |offset|, offset = shift * (3 - quintile) / 4.
    const auto& share = world.params.activation_share;
    int level = 4;
    double acc = 0;
    for (int l = 0; l < 4; ++l) {
      acc += share[static_cast<std::size_t>(l)];
      if (u_pam < acc) {
        level = l + 1;
        break;
      }
    }
    const double offset = world.params.activation_deprivation_shift * (3 - quintile_of_decile(pop.decile[i])) / 4.0;
    if (u_shift < std::fabs(offset)) level = std::clamp(level + (offset > 0 ? -1 : 1), 1, 4);
    pop.status[i] = static_cast<std::uint8_t>((pop.status[i] & static_cast<std::uint8_t>(~status_bits::activation_mask)) |
                                              ((level - 1) << status_bits::activation_shift));
  }

  double condition_rr(const Population& pop, std::size_t i, int c) const {
    return world.multipliers.incidence_rr(c, pop.sex(i), pop.risk[i], pop.conditions[i], pop.quit_years(i));
  }
  /// Draws the conditions of one stage; condition c uses word c mod 4 of the Philox call with
  /// index c / 4, so each condition has its own uniform.
  template <std::size_t N>
  void conditions(Population& pop, std::size_t i, const std::array<int, N>& stage,
                  const std::array<std::array<double, kNormGroups>, kConditions>& condition_norms) const {
    const std::size_t k = cell(pop, i);
    const auto g = static_cast<std::size_t>(norm_group(pop.age_years(i), pop.sex(i), pop.decile[i]));
    const auto words0 = philox_words(key, pop.id[i], kSynthesisMonth, Purpose::synth_conditions, 0);
    const auto words1 = N > 2 ? philox_words(key, pop.id[i], kSynthesisMonth, Purpose::synth_conditions, 1) : words0;
    std::uint8_t drawn = 0;
    for (int c : stage) {
      const auto cu = static_cast<std::size_t>(c);
      const double p = std::min(0.95, prev.condition[cu][k] * condition_rr(pop, i, c) / condition_norms[cu][g]);
      const std::uint32_t word = c < 4 ? words0[cu % 4] : words1[cu % 4];
      if (to_unit_open(word) < p) drawn = static_cast<std::uint8_t>(drawn | (1u << c));
    }
    pop.conditions[i] = static_cast<std::uint8_t>(pop.conditions[i] | drawn);
  }

  double frailty_rr(const Population& pop, std::size_t i) const {
    return world.multipliers.frailty_progression[static_cast<std::size_t>(condition_count(pop.conditions[i]))];
  }
  double care_rr(const Population& pop, std::size_t i) const {
    return world.multipliers.care_move[static_cast<std::size_t>(pop.frailty(i))][(pop.conditions[i] >> dementia) & 1u];
  }
  void frailty_and_care(Population& pop, std::size_t i, double frailty_norm, double care_norm, bool do_frailty,
                        bool do_care) const {
    const auto words = philox_words(key, pop.id[i], kSynthesisMonth, Purpose::synth_frailty_care);
    const std::size_t c = cell(pop, i);
    if (do_frailty) {
      const double rr = frailty_rr(pop, i) / frailty_norm;
      const double u = to_unit_open(words[0]);
      int level = 0;
      for (int k = 0; k < 3; ++k)
        if (u < std::min(0.98, prev.frailty_at_least[static_cast<std::size_t>(k)][c] * rr)) level = k + 1;
      pop.status[i] = static_cast<std::uint8_t>((pop.status[i] & static_cast<std::uint8_t>(~status_bits::frailty_mask)) | level);
    }
    if (do_care) {
      const double rr = care_rr(pop, i) / care_norm;
      const double u = to_unit_open(words[1]);
      CareSetting setting = CareSetting::home;
      if (u < std::min(0.95, prev.care_home[c] * rr)) setting = CareSetting::care_home;
      else if (u < std::min(0.97, prev.care_at_least_home_care[c] * rr)) setting = CareSetting::home_care;
      pop.status[i] = static_cast<std::uint8_t>((pop.status[i] & static_cast<std::uint8_t>(~status_bits::care_mask)) |
                                                (static_cast<unsigned>(setting) << status_bits::care_shift));
      pop.care_home_entry_age_months[i] = kNoClock;
      if (setting == CareSetting::care_home) {
        const auto clocks = philox_words(key, pop.id[i], kSynthesisMonth, Purpose::synth_clocks);
        care_clock(pop, i, clocks[2], clocks[3]);
      }
    }
  }
};

/// Means of f(i) (N values per person) per normalisation group, summed per block and
/// combined in block order.
template <std::size_t N, class F>
std::array<std::array<double, kNormGroups>, N> group_means(const Population& pop, F&& f) {
  const std::size_t blocks = block_count(pop.size());
  std::vector<std::vector<double>> partial(blocks);
  for_each_block(pop.size(), [&](std::size_t b, std::size_t begin, std::size_t end) {
    auto& acc = partial[b];
    acc.assign((N + 1) * kNormGroups, 0.0);
    std::array<double, N> v{};
    for (std::size_t i = begin; i < end; ++i) {
      const auto g = static_cast<std::size_t>(norm_group(pop.age_years(i), pop.sex(i), pop.decile[i]));
      f(i, v);
      for (std::size_t k = 0; k < N; ++k) acc[k * kNormGroups + g] += v[k];
      acc[N * kNormGroups + g] += 1.0;
    }
  });
  std::vector<double> total((N + 1) * kNormGroups, 0.0);
  for (const auto& acc : partial)
    for (std::size_t k = 0; k < total.size(); ++k) total[k] += acc[k];
  std::array<std::array<double, kNormGroups>, N> mean{};
  for (std::size_t k = 0; k < N; ++k)
    for (std::size_t g = 0; g < kNormGroups; ++g) {
      const double n = total[N * kNormGroups + g];
      mean[k][g] = n > 0 ? total[k * kNormGroups + g] / n : 1.0;
    }
  return mean;
}

/// Condition draws of one stage: normalising means of the stage's relative risks, then the draws.
template <std::size_t N>
void draw_stage(Population& pop, const Drawer& drawer, const std::array<int, N>& stage, SynthesisNorms& norms) {
  const auto means = group_means<N>(pop, [&](std::size_t j, std::array<double, N>& v) {
    for (std::size_t k = 0; k < N; ++k) v[k] = drawer.condition_rr(pop, j, stage[k]);
  });
  for (std::size_t k = 0; k < N; ++k) norms.condition[static_cast<std::size_t>(stage[k])] = means[k];
  for_each_block(pop.size(), [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t j = begin; j < end; ++j) drawer.conditions(pop, j, stage, norms.condition);
  });
}

}  // namespace

SynthesisResult synthesise(const World& world, const RandomKey& key, double scale) {
  // Above 1: more agents than residents, each standing for 1/scale of one (the benchmark's
  // England-sized run, 57m agents from this region's 1.7m; the command line allows up to 1).
  if (!(scale > 0 && scale <= kMaxScale))
    throw InputError("scale must be in (0, " + std::to_string(static_cast<int>(kMaxScale)) + "], not " + std::to_string(scale));
  const RegionData& region = *world.region;
  const Geography& geo = world.geography;
  const LifeTable& lt = region.life_tables.at(region.life_table_period);

  // counts[zone][sex][age][decile]
  const std::size_t nz = geo.zones.size();
  std::vector<std::array<std::array<std::array<long, kDeciles>, kAges>, kSexes>> counts(nz);
  for (std::size_t d = 0; d < region.districts.size(); ++d) {
    std::vector<double> people(kSexes * kAges, 0.0);
    for (int s = 0; s < kSexes; ++s) {
      const auto su = static_cast<std::size_t>(s);
      for (int a = 0; a < kPopulationTopAge; ++a)
        people[su * kAges + static_cast<std::size_t>(a)] = static_cast<double>(region.population[d][su][static_cast<std::size_t>(a)]);
      // 90+ over 90..100 by life-table person-years.
      std::vector<double> w;
      for (int a = kPopulationTopAge; a <= kMaxAge; ++a) {
        const auto au = static_cast<std::size_t>(a);
        w.push_back(a < kMaxAge ? 0.5 * (lt.lx[su][au] + lt.lx[su][au + 1]) : lt.lx[su][au] / std::max(lt.mx[su][au], 1e-6));
      }
      const auto split = apportion(region.population[d][su][kPopulationTopAge], w);
      for (std::size_t k = 0; k < split.size(); ++k)
        people[su * kAges + kPopulationTopAge + k] = static_cast<double>(split[k]);
    }
    const double total_people = std::accumulate(people.begin(), people.end(), 0.0);
    const auto agents = apportion(std::llround(total_people * scale), people);
    const auto& zones = geo.zones_of_district[d];
    for (int s = 0; s < kSexes; ++s)
      for (int a = 0; a <= kMaxAge; ++a) {
        const long n = agents[static_cast<std::size_t>(s) * kAges + static_cast<std::size_t>(a)];
        if (n == 0) continue;
        std::vector<double> zw;
        for (int z : zones)
          zw.push_back(static_cast<double>(geo.zones[static_cast<std::size_t>(z)].population_by_band[static_cast<std::size_t>(msoa_band_of(a))]));
        const auto by_zone = apportion(n, zw);
        for (std::size_t k = 0; k < zones.size(); ++k) {
          if (by_zone[k] == 0) continue;
          const auto& zone = geo.zones[static_cast<std::size_t>(zones[k])];
          const auto& share = zone.decile_share[static_cast<std::size_t>(imd_age_group(a))];
          const auto by_decile = apportion(by_zone[k], std::vector<double>(share.begin(), share.end()));
          for (int dec = 0; dec < kDeciles; ++dec)
            counts[static_cast<std::size_t>(zones[k])][static_cast<std::size_t>(s)][static_cast<std::size_t>(a)][static_cast<std::size_t>(dec)] = by_decile[static_cast<std::size_t>(dec)];
        }
      }
  }

  SynthesisResult out;
  Population& pop = out.population;
  long total = 0;
  for (const auto& z : counts)
    for (const auto& s : z)
      for (const auto& a : s)
        for (long n : a) total += n;
  pop.reserve(static_cast<std::size_t>(total) + static_cast<std::size_t>(total) / 8);
  pop.resize(static_cast<std::size_t>(total));
  out.agents_by_cell.assign(world.index.cells(), 0.0);
  std::size_t i = 0;
  for (std::size_t z = 0; z < nz; ++z)
    for (int s = 0; s < kSexes; ++s)
      for (int a = 0; a <= kMaxAge; ++a)
        for (int dec = 1; dec <= kDeciles; ++dec) {
          const long n = counts[z][static_cast<std::size_t>(s)][static_cast<std::size_t>(a)][static_cast<std::size_t>(dec - 1)];
          out.agents_by_cell[world.index(geo.zones[z].district, dec, s, a)] += static_cast<double>(n);
          for (long k = 0; k < n; ++k, ++i) {
            pop.id[i] = static_cast<std::uint32_t>(i);
            pop.zone[i] = static_cast<std::uint8_t>(z);
            pop.decile[i] = static_cast<std::uint8_t>(dec);
            pop.status[i] = pack_status(Frailty::fit, 1, CareSetting::home, true, s);
            // Month of birth within the year of age.
            const auto word = philox_words(key, pop.id[i], kSynthesisMonth, Purpose::synth_age_month)[0];
            pop.age_months[i] = static_cast<std::uint16_t>(a * 12 + static_cast<int>(word % 12u));
          }
        }
  out.next_person_id = static_cast<std::uint32_t>(total);

  out.prevalence = build_prevalence(region, world.params, world.index, out.agents_by_cell);
  out.norms.abstinence_survival = abstinence_survival(world.params);
  out.norms.care_home_first_year_share = care_home_stay_hazards(world.params).first_year_share;
  const Drawer drawer{world, out.prevalence, key, out.norms};

  for_each_block(pop.size(), [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t j = begin; j < end; ++j) drawer.risk_and_activation(pop, j);
  });
  draw_stage(pop, drawer, kFirstStage, out.norms);
  draw_stage(pop, drawer, kSecondStage, out.norms);
  out.norms.frailty = group_means<1>(pop, [&](std::size_t j, std::array<double, 1>& v) { v[0] = drawer.frailty_rr(pop, j); })[0];
  for_each_block(pop.size(), [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t j = begin; j < end; ++j)
      drawer.frailty_and_care(pop, j, out.norms.frailty[static_cast<std::size_t>(norm_group(pop.age_years(j), pop.sex(j), pop.decile[j]))], 1.0, true, false);
  });
  out.norms.care = group_means<1>(pop, [&](std::size_t j, std::array<double, 1>& v) { v[0] = drawer.care_rr(pop, j); })[0];
  for_each_block(pop.size(), [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t j = begin; j < end; ++j)
      drawer.frailty_and_care(pop, j, 1.0, out.norms.care[static_cast<std::size_t>(norm_group(pop.age_years(j), pop.sex(j), pop.decile[j]))], false, true);
  });
  return out;
}

void draw_adult_risk_factors(Population& pop, std::size_t i, const World& world, const PrevalenceTables& prev,
                             const SynthesisNorms& norms, const RandomKey& key, int month) {
  const Drawer drawer{world, prev, key, norms};
  const auto words = philox_words(key, pop.id[i], static_cast<std::uint32_t>(month), Purpose::adulthood);
  const auto [s, w] = drawer.smoking_and_weight(drawer.cell(pop, i), to_unit_open(words[0]), to_unit_open(words[1]));
  const auto keep = static_cast<std::uint8_t>(pop.risk[i] & ~(risk_bits::smoking_mask | risk_bits::weight_mask));
  pop.risk[i] = static_cast<std::uint8_t>(keep | pack_risk(s, w, false, false, false));
  pop.quit_age_months[i] = kNoClock;
  if (s == Smoking::ex) drawer.quit_clock(pop, i, words[2], words[3]);
}

void draw_attributes(Population& pop, std::size_t i, const World& world, const PrevalenceTables& prevalence,
                     const SynthesisNorms& norms, const RandomKey& key) {
  const Drawer drawer{world, prevalence, key, norms};
  const auto g = static_cast<std::size_t>(norm_group(pop.age_years(i), pop.sex(i), pop.decile[i]));
  drawer.risk_and_activation(pop, i);
  drawer.conditions(pop, i, kFirstStage, norms.condition);
  drawer.conditions(pop, i, kSecondStage, norms.condition);
  drawer.frailty_and_care(pop, i, norms.frailty[g], 1.0, true, false);
  drawer.frailty_and_care(pop, i, 1.0, norms.care[g], false, true);
}

}  // namespace shiftsim::model
