// Counter-based random numbers (Random123 Philox4x32-10).
//
// The key is (seed, replicate); the counter is (entity, month, purpose, index). A person's
// draws therefore depend only on who they are, when, and what for, never on which thread
// ran them or in what order, so results are identical at any thread or process count.
// The scenario is not part of the key: a scenario and its baseline share random numbers
// (common random numbers) and differ only by policy. Entities below kAggregateEntityBase are
// person ids; aggregate draws (births, migrants, tallies) use ids at or above it.
#pragma once

#include <Random123/philox.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <limits>

namespace shiftsim::model {

/// What a draw is for; part of the counter so that streams never overlap.
enum class Purpose : std::uint32_t {
  synth_age_month = 1,   // month of birth within the year of age
  synth_risk_factors,    // smoking, weight, activity, drinking, isolation at the start
  synth_conditions,      // long-term conditions at the start
  synth_frailty_care,    // frailty, activation and care setting at the start
  monthly_event,         // the top 16 bits of a person's four event-channel words (two people per call; entity = id / 2)
  event_choice,          // the low 16 bits of those words, drawn only when a channel is resolved
  event_detail,          // length of stay, discharge destination, ...
  births,                // aggregate: births per zone
  migration,             // aggregate: in-migrants per district
  migrant_attributes,    // attributes of a newborn or an in-migrant (keyed by new person id)
  tallies,               // aggregate: Poisson counts of tally services per cell
  adulthood,             // smoking and weight drawn on the 18th birthday
  parameter_sampling,    // reserved for probabilistic sensitivity analysis (own key space)
  programme_selection,   // a person's place in a programme's queue for a month (index = programme)
  programme_effect,      // a participant's one-off change on joining (index = programme)
  latent_traits,         // reserved: a person's fixed propensities (latent_word below)
  birth_outcome,         // a birth's mother smoking, pregnancy programme and birth weight (entity: zone stream, index: birth)
  programme_lapse,       // whether a membership ends this month (entity: person, index: the programme's stream)
  programme_effect_more, // a participant's fifth and later one-off changes (index = the programme's stream)
  synth_clocks,          // years since quitting of a synthesised ex-smoker, and the stay of a care-home resident
  discharge_destination, // whether an emergency admission ends in a care home (its own stream: the stay's draws vary in number)
  mental_health_crisis,  // whether a person with a common mental disorder has a crisis this month
  mental_health_admission, // whether the crisis of last month ends in a mental-health admission
};

struct RandomKey {
  std::uint32_t seed = 0;
  std::uint32_t replicate = 0;
};

/// Entities at or above this id are aggregate streams (cells, districts), not people.
/// Person ids are below it: the starting population takes 0..N-1 and arrivals take ids that
/// depend only on when and where they arrive (ArrivalIds, model/arrivals.hpp), so that the
/// same arrival is the same person, with the same draws, in every arm.
inline constexpr std::uint32_t kAggregateEntityBase = 0x8000'0000u;

/// Month index used for draws made while synthesising the starting population.
inline constexpr std::uint32_t kSynthesisMonth = 0xFFFF'FFFFu;

using Philox = r123::Philox4x32;

#ifdef SHIFTSIM_COUNT_DRAWS
/// Philox calls made by the process (a build with -DSHIFTSIM_COUNT_DRAWS=ON only: the
/// benchmark's count of draws per person-month, for its floor probe). Never in a normal build.
inline std::atomic<std::uint64_t> g_philox_calls{0};
#define SHIFTSIM_COUNT_PHILOX_CALL() ::shiftsim::model::g_philox_calls.fetch_add(1, std::memory_order_relaxed)
#else
#define SHIFTSIM_COUNT_PHILOX_CALL() ((void)0)
#endif

/// Four independent 32-bit words for one (entity, month, purpose, index). Always inlined: the
/// monthly pass calls it for every person, and out of line it costs a tenth of the month.
[[gnu::always_inline]] inline std::array<std::uint32_t, 4> philox_words(const RandomKey& key, std::uint32_t entity,
                                                 std::uint32_t month, Purpose purpose,
                                                 std::uint32_t index = 0) {
  SHIFTSIM_COUNT_PHILOX_CALL();
  Philox gen;
  Philox::ctr_type ctr = {{entity, month, static_cast<std::uint32_t>(purpose), index}};
  Philox::key_type k = {{key.seed, key.replicate}};
  const auto r = gen(ctr, k);
  return {r.v[0], r.v[1], r.v[2], r.v[3]};
}

/// The "does anything happen" word of a person for a month. One Philox call gives four
/// independent words, so the people with ids 4g..4g+3 share the call for counter g and each
/// takes word id mod 4: still a function of (seed, replicate, person, month) only.
struct MonthlyDraws {
  Purpose purpose = Purpose::monthly_event;
  std::uint32_t group = 0xFFFF'FFFFu;
  std::array<std::uint32_t, 4> words{};
  MonthlyDraws() = default;
  explicit MonthlyDraws(Purpose p) : purpose(p) {}
  std::uint32_t word(const RandomKey& key, std::uint32_t id, std::uint32_t month) {
    const std::uint32_t g = id >> 2;
    if (g != group) {
      words = philox_words(key, g, month, purpose);
      group = g;
    }
    return words[id & 3u];
  }
};

/// A person's four event-channel words for a month (model/people/channels.hpp), in two halves. The
/// top 16 bits of all four, which decide whether anything can happen, come from one Philox
/// call that serves the people with ids 2g and 2g+1 (counter g, words 0-1 and 2-3); the low
/// 16 bits come from the person's own call, made only when a channel must be resolved. The
/// two halves are independent, so each word is uniform on 32 bits, and both are functions of
/// (seed, replicate, person, month) only.
struct ChannelDraws {
  std::uint32_t group = 0xFFFF'FFFFu, month = 0;
  std::array<std::uint32_t, 4> words{};
  /// The four tops of person `id` in `month`, each in the high half of a word (low half 0).
  std::array<std::uint32_t, 4> tops(const RandomKey& key, std::uint32_t id, std::uint32_t m) {
    const std::uint32_t g = id >> 1;
    if (g != group || m != month) {
      words = philox_words(key, g, m, Purpose::monthly_event);
      group = g;
      month = m;
    }
    const std::uint32_t a = words[(id & 1u) * 2], b = words[(id & 1u) * 2 + 1];
    return {a & 0xFFFF'0000u, a << 16, b & 0xFFFF'0000u, b << 16};
  }
  /// The full words: the tops with their low halves.
  static std::array<std::uint32_t, 4> complete(const RandomKey& key, std::uint32_t id, std::uint32_t m, const std::array<std::uint32_t, 4>& tops) {
    const auto low = philox_words(key, id, m, Purpose::event_choice);
    return {tops[0] | (low[0] >> 16), tops[1] | (low[1] >> 16), tops[2] | (low[2] >> 16), tops[3] | (low[3] >> 16)};
  }
};

/// A person's fixed latent propensity for a trait, as a 32-bit word: SplitMix64's finaliser
/// over (seed, replicate, person id, trait). Read every time the trait's state is needed (so
/// it costs no memory), it must be cheap: a Philox call per read made the month 50% slower.
/// A function of the key and the person only, so common random numbers hold across arms.
constexpr std::uint32_t latent_word(const RandomKey& key, std::uint32_t id, std::uint32_t trait) {
  std::uint64_t z = (static_cast<std::uint64_t>(key.seed) << 32 | key.replicate) ^
                    (static_cast<std::uint64_t>(id) << 8 | trait) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<std::uint32_t>(z >> 32);
}
enum LatentTrait : std::uint32_t {
  trait_activity_limitation = 1,
  trait_employment,            // in work unless ill health (or anything else) keeps the person out (model/people/wider.hpp)
  trait_unpaid_carer,          // someone cares unpaid for the person, if they come to need it
  trait_carer_strain,          // that carer has a common mental disorder (strain)
  trait_low_birth_weight,      // born under 2,500 g (babies present at the start; births draw theirs at birth)
  trait_trial_arm,             // the arm an in-silico trial randomises the person to (validation/trials.hpp)
};

/// A 32-bit word to a double strictly inside (0, 1).
constexpr double to_unit_open(std::uint32_t word) { return (static_cast<double>(word) + 0.5) * 0x1p-32; }

/// A probability to the 32-bit threshold t such that P(word < t) = p (to 2^-32).
constexpr std::uint32_t probability_threshold(double p) {
  if (!(p > 0.0)) return 0u;
  if (p >= 1.0) return std::numeric_limits<std::uint32_t>::max();
  return static_cast<std::uint32_t>(p * 0x1p32);
}

/// A standard UniformRandomBitGenerator over one Philox counter, so that Boost.Random
/// distributions (whose output does not depend on the standard library) can draw from it.
/// Each refill advances the counter's index word; the stream is private to its
/// (entity, month, purpose).
class CounterEngine {
 public:
  using result_type = std::uint32_t;

  CounterEngine(const RandomKey& key, std::uint32_t entity, std::uint32_t month, Purpose purpose)
      : key_{{key.seed, key.replicate}},
        ctr_{{entity, month, static_cast<std::uint32_t>(purpose), 0u}} {}

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  result_type operator()() {
    if (position_ == 4) refill();
    return buffer_.v[position_++];
  }

  /// A double strictly inside (0, 1) from one word.
  double uniform() { return to_unit_open((*this)()); }

 private:
  void refill() {
    SHIFTSIM_COUNT_PHILOX_CALL();
    buffer_ = Philox{}(ctr_, key_);
    ++ctr_.v[3];
    position_ = 0;
  }

  Philox::key_type key_;
  Philox::ctr_type ctr_;
  Philox::ctr_type buffer_{};
  unsigned position_ = 4;
};

}  // namespace shiftsim::model
