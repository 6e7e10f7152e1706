// The event channels (model/people/channels.hpp) and the arrival ids (model/people/arrivals.hpp): each
// event's slot has exactly its hazard's measure, a slot's start does not move when another
// event's hazard changes, a lower hazard gives a subset of the words, the cached windows are
// conservative, and arrival ids are unique and refuse what they cannot hold.
#include "model/people/arrivals.hpp"
#include "model/people/channels.hpp"
#include "model/core/random.hpp"
#include "model/programmes/programmes.hpp"
#include "scenarios/scenario.hpp"
#include "support/fixtures.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <set>

using namespace shiftsim;
using namespace shiftsim::model;

namespace {

struct Fixture {
  std::unique_ptr<World> world = test::world();
  Simulation sim{*world, test::settings(0.02, 1, 99)};
  std::vector<int> zone_district;
  Fixture() {
    for (const auto& z : world->geography.zones) zone_district.push_back(z.district);
  }
  PersonRates rates(const Population& p, std::size_t i, const PersonEffects* fx = nullptr) const {
    return PersonRates(p, i, 0, sim.rates(), world->multipliers, zone_district, fx);
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

/// The word whose unit value is (k + 0.5) / n of the channel, for a grid of n words.
std::uint32_t grid_word(std::uint64_t k, std::uint64_t n) { return static_cast<std::uint32_t>((k << 32) / n); }

/// A window that resolves every word (so channel_event reads both ends).
ChannelWindow everything() {
  ChannelWindow w;
  w.lo.fill(65535);
  w.hi.fill(0);
  return w;
}

}  // namespace

TEST_CASE("channels: every event of a person takes exactly its hazard's share of its channel's words") {
  // Over a grid of 2^22 words per channel, the share that selects event e is h_e to within
  // the grid's resolution (one word's width per slot edge: 2 x 2^-22 per event).
  Fixture& f = fixture();
  const Population& pop = f.sim.population();
  const std::uint64_t n = 1u << 22;
  int checked = 0;
  for (std::size_t i = 0; i < pop.size() && checked < 6; i += pop.size() / 7) {
    const PersonRates r = f.rates(pop, i);
    Hazards h;
    r.all(h);
    std::array<double, kEvents> share{};
    for (int ch = 0; ch < kChannels; ++ch)
      for (std::uint64_t k = 0; k < n; ++k) {
        const int e = channel_event(ch, grid_word(k, n), everything(), r);
        if (e >= 0) {
          CHECK(channel_of(static_cast<Event>(e)) == ch);
          share[static_cast<std::size_t>(e)] += 1.0 / static_cast<double>(n);
        }
      }
    for (int e = 0; e < kEvents; ++e) {
      INFO("person " << i << " event " << e);
      CHECK(std::fabs(share[static_cast<std::size_t>(e)] - h.h[static_cast<std::size_t>(e)]) <= 3.0 / static_cast<double>(n));
    }
    ++checked;
  }
  CHECK(checked == 6);
}

TEST_CASE("channels: a change to one hazard changes only that event, and a lower hazard a subset of its words") {
  // The same person with and without obesity and smoking: incidence hazards differ, and so do
  // death (smoking) and the behaviour slots' own hazards; every other event must fall on
  // exactly the same words. And a programme multiplier below 1 on admissions keeps only words
  // that had the admission without it.
  Fixture& f = fixture();
  Population pop = test::cohort(2, 67 * 12 + 4, 0, pack_risk(Smoking::current, Weight::obese, true, false, false),
                                static_cast<std::uint8_t>(1u << hypertension), Frailty::mild);
  pop.risk[1] = pack_risk(Smoking::never, Weight::healthy, true, false, false);
  const PersonRates a = f.rates(pop, 0), b = f.rates(pop, 1);
  Hazards ha, hb;
  a.all(ha);
  b.all(hb);
  const std::uint64_t n = 1u << 20;
  std::array<double, kChannels> differ{}, expected{};
  for (int e = 0; e < kEvents; ++e)
    expected[static_cast<std::size_t>(channel_of(static_cast<Event>(e)))] +=
        std::fabs(static_cast<double>(ha.h[static_cast<std::size_t>(e)]) - hb.h[static_cast<std::size_t>(e)]);
  // Starting smoking (the never-smoker) and quitting (the smoker) share one slot, so the two
  // differ on all of it that either uses: the larger of the two rates, not their sum.
  expected[ch_behaviour] -= static_cast<double>(ha.h[ev_smoking_quit]) + hb.h[ev_smoking_start];
  expected[ch_behaviour] += std::max(ha.h[ev_smoking_quit], hb.h[ev_smoking_start]);
  for (int ch = 0; ch < kChannels; ++ch)
    for (std::uint64_t k = 0; k < n; ++k) {
      const std::uint32_t w = grid_word(k, n);
      const int ea = channel_event(ch, w, everything(), a), eb = channel_event(ch, w, everything(), b);
      if (ea == eb) continue;
      differ[static_cast<std::size_t>(ch)] += 1.0 / static_cast<double>(n);
      // Where they differ, it is an event whose own hazard differs.
      const int e = ea >= 0 ? ea : eb;
      CHECK(ha.h[static_cast<std::size_t>(e)] != hb.h[static_cast<std::size_t>(e)]);
    }
  for (int ch = 0; ch < kChannels; ++ch) {
    INFO("channel " << ch);
    // Words disagree exactly on the symmetric difference of the changed slots (the grid's
    // resolution: two words per changed edge).
    CHECK(std::fabs(differ[static_cast<std::size_t>(ch)] - expected[static_cast<std::size_t>(ch)]) < 12.0 / n);
  }
  // In the care channel only the admission depends on a risk factor (smoking's direct term,
  // issue 14): the move does not.
  CHECK(expected[ch_care] == doctest::Approx(std::fabs(static_cast<double>(ha.h[ev_emergency_admission]) - hb.h[ev_emergency_admission])));
  CHECK(ha.h[ev_care_move] == hb.h[ev_care_move]);
  CHECK(expected[ch_conditions] > 0.0);

  PersonEffects fx;
  fx.m[pm_emergency] = 0.6f;
  const PersonRates lower = f.rates(pop, 0, &fx);
  double with = 0, without = 0;
  for (std::uint64_t k = 0; k < n; ++k) {
    const std::uint32_t w = grid_word(k, n);
    const bool x = channel_event(ch_care, w, everything(), lower) == ev_emergency_admission;
    const bool y = channel_event(ch_care, w, everything(), a) == ev_emergency_admission;
    CHECK((!x || y));  // a subset
    with += x;
    without += y;
  }
  CHECK(with / without == doctest::Approx(0.6).epsilon(0.01));
}

TEST_CASE("channels: the cached windows never hide an event, for every person of a synthesised region") {
  // The words at a window's edges are the ones closest to an event: the lowest word inside the
  // window must select no event at the channel's bottom, the highest none at its top. A
  // region's people with the cached windows of their state and this month's actual hazards
  // (no programmes: bound and actual are the same). People with an unpaid carer are left out:
  // their carer's strain multiplies their care-home moves inside the simulation, which these
  // rates without effects do not see.
  Fixture& f = fixture();
  const Population& pop = f.sim.population();
  std::size_t resolved_share = 0;
  for (std::size_t i = 0; i < pop.size(); ++i) {
    if ((pop.risk[i] & risk_bits::family) && pop.age_months[i] >= 12) continue;
    const PersonRates r = f.rates(pop, i);
    const ChannelWindow& w = pop.window[i];
    for (int ch = 0; ch < kChannels; ++ch) {
      const auto c = static_cast<std::size_t>(ch);
      if (w.lo[c] < w.hi[c]) {
        // (Resolved as if outside every window, so that both ends are read.)
        CHECK(channel_event(ch, static_cast<std::uint32_t>(w.lo[c]) << 16, everything(), r) == -1);
        CHECK(channel_event(ch, (static_cast<std::uint32_t>(w.hi[c]) << 16) - 1u, everything(), r) == -1);
        resolved_share += static_cast<std::size_t>(w.lo[c]) + (65536u - w.hi[c]);
      }
    }
  }
  // The windows are tight enough that most person-months need no resolving: the share of
  // words outside them, over the four channels, is under 15% (the events' own probabilities
  // sum to about 5%; the rest is the reserved slots).
  CHECK(static_cast<double>(resolved_share) / (65536.0 * static_cast<double>(pop.size())) < 0.15);
}

TEST_CASE("arrival ids: unique, fixed by month, place and order, and refusing what they cannot hold") {
  const ArrivalIds a = make_arrival_ids(1000, 5, 3, 4.0, 20.0);
  CHECK(a.births_base == 1024);
  CHECK(a.births_capacity == arrival_capacity(4.0));
  CHECK(arrival_capacity(4.0) == 128);  // 2 x 4 + 12 sqrt(8) + 64 = 106 -> 128
  std::set<std::uint32_t> seen;
  for (int t = 0; t < kArrivalMonths; t += 37)
    for (int z = 0; z < 5; ++z)
      for (long k = 0; k < static_cast<long>(a.births_capacity); k += 13) CHECK(seen.insert(a.birth(t, z, k)).second);
  for (int t = 0; t < kArrivalMonths; t += 41)
    for (int d = 0; d < 3; ++d)
      for (long k = 0; k < static_cast<long>(a.migrants_capacity); k += 17) CHECK(seen.insert(a.migrant(t, d, k)).second);
  CHECK(*seen.begin() >= 1024);
  CHECK(*seen.rbegin() < a.end);
  CHECK(a.birth(299, 4, static_cast<long>(a.births_capacity) - 1) < a.migrants_base);
  CHECK_THROWS_AS(a.birth(3, 1, static_cast<long>(a.births_capacity)), InputError);
  CHECK_THROWS_AS(a.birth(300, 1, 0), InternalError);
  CHECK_THROWS_AS(a.migrant(0, 3, 0), InternalError);
  CHECK_THROWS_AS(make_arrival_ids(0x7000'0000u, 5, 3, 1e6, 1e6), InputError);
}

TEST_CASE("channels: with every kind of programme funded, no event is ever inside a person's cached window") {
  // Large budgets for interventions whose multipliers change from month to month (winter-only
  // admissions, area effects as their level builds up, the digital spillover, carers' strain,
  // intermediate care as it is staffed) and ordinary ones; for two years every channel of
  // every person-month is resolved as well and checked against the window the fast path used
  // (RunSettings::verify_windows). Community assets and digital self-care stop after a year,
  // so their area effects wear off and their multipliers rise again. (A window built from the
  // person programmes' multipliers of the month, not their largest, fails it in April, when
  // affordable warmth's winter effect ends.)
  const std::string interventions = R"([
    {"type": "affordable_warmth", "budget": 30000000, "max_uptake": 1},
    {"type": "community_assets", "budget": 30000000, "end": "2019-06"},
    {"type": "pooled_budget", "budget": 2000000},
    {"type": "carer_support", "budget": 20000000, "max_uptake": 1},
    {"type": "digital_self_care", "budget": 5000000, "end": "2019-06"},
    {"type": "intermediate_care", "budget": 20000000},
    {"type": "neighbourhood_teams", "budget": 20000000},
    {"type": "health_checks", "budget": 5000000},
    {"type": "falls_prevention", "budget": 10000000, "max_uptake": 1},
    {"type": "smoking_cessation", "budget": 5000000}])";
  const auto scenario = inputs::parse_scenario(R"({"name": "t", "years": 2, "interventions": )" + interventions + "}", "test.json");
  auto table = test::parameters();
  const Geography geo = build_geography(test::region());
  auto policy = std::make_shared<const Policy>(inputs::resolve_scenario(scenario, test::region(), geo, table));
  const World w = build_world(test::region(), table);
  auto s = test::settings(0.03, 24, 5150);
  s.policy = policy;
  s.verify_windows = true;
  Simulation sim(w, s);
  RunOutput out;
  CHECK_NOTHROW(out = sim.run());
  double participants = 0;
  for (const auto& p : out.programmes)
    for (const auto& m : p.months) participants += m[pg_new_participants];
  CHECK(participants > 100000);
}
