#include "model/people/channels.hpp"

#include "model/core/random.hpp"

#include <algorithm>
#include <cmath>

namespace shiftsim::model {

namespace {

// Channel 2's stacked slots, in order (the common mental disorder is at its top).
constexpr std::array<int, 7> kStackedConditions{hypertension, coronary_heart_disease, stroke, type2_diabetes, copd, cancer, dementia};

constexpr std::size_t ev(int e) { return static_cast<std::size_t>(e); }
constexpr std::size_t incidence(int c) { return static_cast<std::size_t>(ev_incidence_first + c); }

/// The conservative 16-bit edges of a window, from its float bounds: the exact comparisons
/// (channel_event, in double) differ from these by a few float roundings, which the relative
/// margin of 1e-6 and the step of margin cover.
std::uint16_t lower_edge(float lo) {
  if (!(lo > 0.f)) return 0;
  const float x = lo * 65536.f * 1.000001f + 0.01f;
  return x >= 65534.f ? std::uint16_t{65535} : static_cast<std::uint16_t>(static_cast<std::uint32_t>(x) + 1u);
}
std::uint16_t upper_edge(float hi) {
  const float x = hi * 65536.f * 0.999999f - 0.01f;
  if (!(x >= 2.f)) return 0;
  return x >= 65536.f ? std::uint16_t{65535} : static_cast<std::uint16_t>(static_cast<std::uint32_t>(x) - 1u);
}

}  // namespace

int channel_of(Event e) {
  switch (e) {
    case ev_death:
    case ev_emigration:
    case ev_frailty_progression: return ch_leave;
    case ev_emergency_admission:
    case ev_care_move: return ch_care;
    case ev_smoking_start:
    case ev_smoking_quit:
    case ev_weight_up:
    case ev_weight_down:
    case ev_inactive_toggle:
    case ev_drinking_toggle:
    case ev_isolation_toggle: return ch_behaviour;
    default: return ch_conditions;  // incidence and recovery from a common mental disorder
  }
}

void reserve_slots(RateTables& rt, const Multipliers& m) {
  // The largest incidence relative risk of each condition, by sex, over every risk byte and
  // hypertension / diabetes status.
  // An ex-smoker's row is the never-smoker's times incidence_ex, whose largest value (the
  // first year after quitting) bounds it.
  std::array<std::array<float, kConditions>, kSexes> largest{}, ex_largest{};
  for (int s = 0; s < kSexes; ++s)
    for (const auto& by_years : m.incidence_ex[static_cast<std::size_t>(s)])
      for (std::size_t k = 0; k < static_cast<std::size_t>(kConditions); ++k)
        ex_largest[static_cast<std::size_t>(s)][k] = std::max(ex_largest[static_cast<std::size_t>(s)][k], by_years[k]);
  for (int s = 0; s < kSexes; ++s)
    for (int risk = 0; risk < kRiskBytes; ++risk) {
      const bool ex = static_cast<Smoking>(risk & risk_bits::smoking_mask) == Smoking::ex;
      for (const auto& row : m.incidence[static_cast<std::size_t>(s)][static_cast<std::size_t>(risk)])
        for (std::size_t k = 0; k < static_cast<std::size_t>(kConditions); ++k)
          largest[static_cast<std::size_t>(s)][k] =
              std::max(largest[static_cast<std::size_t>(s)][k], ex ? row[k] * ex_largest[static_cast<std::size_t>(s)][k] : row[k]);
    }
  const float relapse = *std::max_element(rt.smoking_relapse.begin(), rt.smoking_relapse.end());
  for (std::size_t cell = 0; cell < rt.cells.size(); ++cell) {
    CellRates& c = rt.cells[cell];
    const std::size_t sex = (cell / kAges) % kSexes;
    for (std::size_t k = 0; k < static_cast<std::size_t>(kConditions); ++k) c.incidence_reserved[k] = c.incidence[k] * largest[sex][k];
    c.smoking_reserved = std::max({c.smoking_initiation, relapse, c.smoking_quit + rt.smoking_extra_quit});
    c.weight_up_reserved = std::max(c.weight_up1, c.weight_up2);
    c.weight_down_reserved = std::max(c.weight_down1, c.weight_down2);
    c.inactive_reserved = std::max(c.inactive_on, c.inactive_off);
    c.conditions_stack = 0;
    for (int k : kStackedConditions) c.conditions_stack += c.incidence_reserved[static_cast<std::size_t>(k)];
    c.behaviour_stack = c.smoking_reserved + c.weight_up_reserved + c.weight_down_reserved + c.inactive_reserved;
  }
}

ChannelWindow channel_window(const Hazards& b, const CellRates& c) {
  const auto& h = b.h;
  // Channel 2's stack ends at the cell's reservations, unless a programme raises CHD or stroke
  // above theirs (the only incidences programmes act on): then the overflow follows.
  float conditions = c.conditions_stack;
  for (int k : {coronary_heart_disease, stroke}) {
    const float over = h[incidence(k)] - c.incidence_reserved[static_cast<std::size_t>(k)];
    if (over > 0.f) conditions += over;
  }
  // Channel 1's bottom holds the admission's need, so that an admission a programme averts is resolved too.
  const std::array<float, kChannels> lo{c.emigration + h[ev(ev_death)], std::max(h[ev(ev_emergency_admission)], b.emergency_need), conditions,
                                        c.behaviour_stack + h[ev(ev_drinking_toggle)]};
  // Channel 1's top holds the care-home need, so that a move a programme averts is resolved too.
  const std::array<float, kChannels> top{h[ev(ev_frailty_progression)], std::max(h[ev(ev_care_move)], b.care_need),
                                         h[incidence(common_mental_disorder)] + h[ev(ev_cmd_recovery)], h[ev(ev_isolation_toggle)]};
  ChannelWindow w;
  for (std::size_t k = 0; k < static_cast<std::size_t>(kChannels); ++k) {
    w.lo[k] = lower_edge(lo[k]);
    w.hi[k] = upper_edge(1.f - top[k]);
    if (w.lo[k] == 65535) w.hi[k] = 0;  // the whole range: always resolved
  }
  return w;
}

namespace {

/// The event at the bottom of channel `ch` that u falls in, or -1.
int bottom_event(int ch, double u, const CellRates& c, const PersonRates& r) {
  switch (ch) {
    case ch_leave: {
      const double emigration = c.emigration;
      if (u < emigration) return u < std::min(emigration, static_cast<double>(r.emigration())) ? ev_emigration : -1;
      return u < emigration + static_cast<double>(r.death()) ? ev_death : -1;
    }
    case ch_care: return u < static_cast<double>(r.emergency_admission()) ? ev_emergency_admission : -1;
    case ch_conditions: {
      double pos = 0;
      for (int k : kStackedConditions) {
        const double res = c.incidence_reserved[static_cast<std::size_t>(k)];
        if (u < pos + res) return u < pos + std::min(static_cast<double>(r.incidence(k)), res) ? ev_incidence_first + k : -1;
        pos += res;
      }
      for (int k : kStackedConditions) {  // the overflow: programmes that raise a rate above its reservation
        const double over = static_cast<double>(r.incidence(k)) - c.incidence_reserved[static_cast<std::size_t>(k)];
        if (!(over > 0)) continue;
        if (u < pos + over) return ev_incidence_first + k;
        pos += over;
      }
      return -1;
    }
    case ch_behaviour: {
      double pos = c.smoking_reserved;
      if (u < pos) {
        const double start = r.smoking_start(), quit = r.smoking_quit();
        return u < std::min(start + quit, pos) ? (start > 0 ? ev_smoking_start : ev_smoking_quit) : -1;
      }
      if (u < pos + c.weight_up_reserved) return u < pos + std::min<double>(r.weight_up(), c.weight_up_reserved) ? ev_weight_up : -1;
      pos += c.weight_up_reserved;
      if (u < pos + c.weight_down_reserved) return u < pos + std::min<double>(r.weight_down(), c.weight_down_reserved) ? ev_weight_down : -1;
      pos += c.weight_down_reserved;
      if (u < pos + c.inactive_reserved) return u < pos + std::min<double>(r.inactive_toggle(), c.inactive_reserved) ? ev_inactive_toggle : -1;
      pos += c.inactive_reserved;
      return u < pos + static_cast<double>(r.drinking_toggle()) ? ev_drinking_toggle : -1;
    }
    default: return -1;
  }
}

/// The event at the top of channel `ch` that u falls in, or -1.
int top_event(int ch, double u, const PersonRates& r) {
  switch (ch) {
    case ch_leave: return u >= 1.0 - static_cast<double>(r.frailty_progression()) ? ev_frailty_progression : -1;
    case ch_care: return u >= 1.0 - static_cast<double>(r.care_move()) ? ev_care_move : -1;
    case ch_conditions: {
      const double onset = r.incidence(common_mental_disorder), recovery = r.cmd_recovery();
      if (u >= 1.0 - (onset + recovery))
        return onset > 0 ? static_cast<int>(ev_incidence_first) + static_cast<int>(common_mental_disorder) : ev_cmd_recovery;
      return -1;
    }
    case ch_behaviour: return u >= 1.0 - static_cast<double>(r.isolation_toggle()) ? ev_isolation_toggle : -1;
    default: return -1;
  }
}

}  // namespace

int channel_event(int ch, std::uint32_t word, const ChannelWindow& window, const PersonRates& r) {
  const double u = to_unit_open(word);
  // Which end the word can be at: the window is conservative, so an event at the bottom needs
  // the word under the window and one at the top needs it over (both, if the window is empty);
  // only that end's hazards are read. The bottom comes first, should the ends ever meet.
  const auto top16 = static_cast<std::uint16_t>(word >> 16);
  const bool below = top16 < window.lo[static_cast<std::size_t>(ch)], above = top16 >= window.hi[static_cast<std::size_t>(ch)];
  if (below) {
    const int e = bottom_event(ch, u, r.cell(), r);
    if (e >= 0) return e;
  }
  return above ? top_event(ch, u, r) : -1;
}

}  // namespace shiftsim::model
