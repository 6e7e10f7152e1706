// The people: one agent per resident (or per 1/scale residents), stored struct-of-arrays.
// Hot per-person state is small integers and bit fields; every per-month field is written
// only by the thread that owns the person's block. Rarely used detail lives elsewhere.
#pragma once

#include "model/core/types.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <cstdint>
#include <cstdlib>
#include <new>
#include <vector>
#include <sys/mman.h>

namespace shiftsim::model {

/// Bit layout of Population::risk.
namespace risk_bits {
inline constexpr std::uint8_t smoking_mask = 0x03;   // Smoking (2 bits)
inline constexpr std::uint8_t weight_shift = 2;
inline constexpr std::uint8_t weight_mask = 0x0C;    // Weight (2 bits)
inline constexpr std::uint8_t inactive = 0x10;
inline constexpr std::uint8_t harmful_drinking = 0x20;
inline constexpr std::uint8_t isolated = 0x40;
/// Family circumstances: under 1, born with a low birth weight (under 2,500 g); from 1, lives
/// at home with dementia or severe frailty and has an unpaid carer (model/people/wider.hpp). Set by
/// Simulation::refresh_at from the person's state and a fixed propensity.
inline constexpr std::uint8_t family = 0x80;
}  // namespace risk_bits

/// A set of funded interventions, bit k = the scenario's intervention k (at most 32).
using ProgrammeBits = std::uint32_t;

/// Per event channel (model/people/channels.hpp), the part [lo, hi) of a month's word (its top 16
/// bits) in which nothing can happen to the person until their state changes.
struct ChannelWindow {
  std::array<std::uint16_t, kEventChannels> lo{}, hi{};
  /// Bit c set: channel c's word falls outside its window and must be resolved.
  unsigned outside(const std::array<std::uint32_t, 4>& words) const {
#if defined(__SSE2__)
    // Four lanes at once: the tops (0..65535) against lo and hi, as signed 32-bit lanes.
    const __m128i top = _mm_srli_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(words.data())), 16);
    const __m128i edges = _mm_loadu_si128(reinterpret_cast<const __m128i*>(this));
    const __m128i zero = _mm_setzero_si128();
    const __m128i below = _mm_cmplt_epi32(top, _mm_unpacklo_epi16(edges, zero));
    const __m128i under_hi = _mm_cmplt_epi32(top, _mm_unpackhi_epi16(edges, zero));
    return static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(_mm_or_si128(below, _mm_xor_si128(under_hi, _mm_set1_epi32(-1))))));
#else
    unsigned mask = 0;
    for (std::size_t c = 0; c < static_cast<std::size_t>(kEventChannels); ++c) {
      const auto top = static_cast<std::uint16_t>(words[c] >> 16);
      mask |= static_cast<unsigned>(top < lo[c] || top >= hi[c]) << c;
    }
    return mask;
#endif
  }
};
static_assert(sizeof(ChannelWindow) == 16 && offsetof(ChannelWindow, hi) == 8);

/// Bit layout of Population::recent: what happened to the person in the last month's pass.
namespace recent_bits {
inline constexpr std::uint8_t emergency_admission = 0x01;  // admitted as an emergency
inline constexpr std::uint8_t discharged_home = 0x02;      // that stay ended at home (alive, not in a care home)
inline constexpr std::uint8_t falls_admission = 0x04;      // the admission followed a fall (aged 65+)
inline constexpr std::uint8_t mental_health_crisis = 0x08; // a mental-health crisis (the next month decides an admission)
}  // namespace recent_bits

/// Bit layout of Population::status.
namespace status_bits {
inline constexpr std::uint8_t frailty_mask = 0x03;       // Frailty (2 bits)
inline constexpr std::uint8_t activation_shift = 2;      // PAM level - 1 (2 bits)
inline constexpr std::uint8_t activation_mask = 0x0C;
inline constexpr std::uint8_t care_shift = 4;            // CareSetting (2 bits)
inline constexpr std::uint8_t care_mask = 0x30;
inline constexpr std::uint8_t alive = 0x40;              // alive and resident
inline constexpr std::uint8_t female = 0x80;
}  // namespace status_bits

/// Allocator for the large per-person arrays: their own 2 MiB-aligned mappings, which go back
/// to the system when freed (from the heap, glibc's growing mmap threshold would leave a
/// finished run's arrays as fragments that later runs of a comparison cannot reuse). Small
/// arrays use the ordinary allocator. The mappings are not marked for transparent huge pages:
/// measured on the whole region (shiftsim_bench, 2 threads, 3 repeats) that made no
/// difference to the simulate time (2.82 s against 2.81 s) and cost 12 MB at peak, a touched
/// 2 MiB page for every array's partly used end.
template <class T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) {}
  static constexpr std::size_t kHuge = std::size_t{2} << 20;
  static std::size_t mapped_bytes(std::size_t bytes) { return (bytes + kHuge - 1) / kHuge * kHuge; }
  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHuge) return static_cast<T*>(::operator new(bytes));
    // Map one huge page more than needed and trim to a 2 MiB boundary.
    const std::size_t want = mapped_bytes(bytes);
    void* raw = mmap(nullptr, want + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    const auto start = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = (start + kHuge - 1) / kHuge * kHuge;
    if (aligned > start) munmap(raw, aligned - start);
    const std::uintptr_t tail = aligned + want, end = start + want + kHuge;
    if (end > tail) munmap(reinterpret_cast<void*>(tail), end - tail);
    return static_cast<T*>(reinterpret_cast<void*>(aligned));
  }
  void deallocate(T* p, std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHuge) ::operator delete(p);
    else munmap(p, mapped_bytes(bytes));
  }
  template <class U>
  bool operator==(const HugePageAllocator<U>&) const { return true; }
};
template <class T>
using PersonArray = std::vector<T, HugePageAllocator<T>>;

struct Population {
  PersonArray<std::uint32_t> id;           // stable person id: the random-number entity
  PersonArray<std::uint16_t> age_months;   // completed months of age
  PersonArray<std::uint8_t> zone;          // neighbourhood x district piece (Geography::zones)
  PersonArray<std::uint8_t> decile;        // IMD 2019 national decile 1..10 of the home area
  PersonArray<std::uint8_t> risk;          // risk_bits
  PersonArray<std::uint8_t> conditions;    // bit c set = has Condition c
  PersonArray<std::uint8_t> status;        // status_bits
  PersonArray<ProgrammeBits> interventions;// bit i = receiving/received catalogue item i (detail kept apart)
  PersonArray<ChannelWindow> window;       // where each event channel's word needs no resolving, cached
  PersonArray<float> death_probability;    // this month's probability of death, cached
  PersonArray<float> utility;              // EQ-5D utility, cached
  /// Two clocks, as the age in months at the event (kNoClock: none): when an ex-smoker quit
  /// (their excess risks fall and their relapse rate changes with the years since), and when a
  /// care-home resident moved in, or would have but for a programme (mortality is highest in
  /// the first year of a stay).
  PersonArray<std::uint16_t> quit_age_months;
  PersonArray<std::uint16_t> care_home_entry_age_months;
  /// The age in months at the next anniversary of either clock that moves the person's rates
  /// on (kNoClock: none), kept by update_clock_due at every refresh: the monthly pass compares
  /// one number instead of reading both clocks.
  PersonArray<std::uint16_t> clock_due;
  /// The events of the person's last month that an intervention can enrol at (recent_bits),
  /// set by the month's pass and read by the next month's programmes (model/programmes).
  PersonArray<std::uint8_t> recent;

  std::size_t size() const { return id.size(); }
  void reserve(std::size_t n);
  void resize(std::size_t n);
  /// Keeps only alive people, preserving order (deterministic compaction).
  void compact();
  /// Bytes held per agent by the vectors above (capacity, not size).
  std::size_t bytes_per_agent() const;

  // Field accessors (by index).
  bool alive(std::size_t i) const { return status[i] & status_bits::alive; }
  int sex(std::size_t i) const { return (status[i] & status_bits::female) ? 1 : 0; }
  int age_years(std::size_t i) const { return age_months[i] / 12; }
  Smoking smoking(std::size_t i) const { return static_cast<Smoking>(risk[i] & risk_bits::smoking_mask); }
  Weight weight(std::size_t i) const {
    return static_cast<Weight>((risk[i] & risk_bits::weight_mask) >> risk_bits::weight_shift);
  }
  Frailty frailty(std::size_t i) const { return static_cast<Frailty>(status[i] & status_bits::frailty_mask); }
  CareSetting care(std::size_t i) const {
    return static_cast<CareSetting>((status[i] & status_bits::care_mask) >> status_bits::care_shift);
  }
  int activation(std::size_t i) const { return 1 + ((status[i] & status_bits::activation_mask) >> status_bits::activation_shift); }
  bool has(std::size_t i, Condition c) const { return conditions[i] & (1u << c); }
  /// Completed years since an ex-smoker quit, at most kQuitYearsTop (0 for anyone else).
  int quit_years(std::size_t i) const { return quit_years_at(age_months[i], quit_age_months[i]); }
  static int quit_years_at(std::uint16_t age_months, std::uint16_t quit_age) {
    if (quit_age == kNoClock || quit_age > age_months) return 0;
    const int y = (age_months - quit_age) / 12;
    return y < kQuitYearsTop ? y : kQuitYearsTop;
  }
  /// Care-home stay band, from the clock of the move (or of a move a programme averted): 0 none,
  /// 1 in the first year since, 2 later.
  int care_band(std::size_t i) const {
    const std::uint16_t entry = care_home_entry_age_months[i];
    if (entry == kNoClock) return 0;
    return age_months[i] - entry < 12 ? 1 : 2;
  }
  /// Sets clock_due[i] from the clocks and the current age: the next age at which a clock moves
  /// the person's rates on (a whole year since quitting, up to kQuitYearsTop years, or the end of
  /// the first year of a care-home stay).
  void update_clock_due(std::size_t i) {
    int due = kNoClock;
    const int age = age_months[i], q = quit_age_months[i], c = care_home_entry_age_months[i];
    if (q != kNoClock && q <= age) {
      const int next = q + 12 * ((age - q) / 12 + 1);
      if (next - q <= 12 * kQuitYearsTop) due = next;
    }
    if (c != kNoClock && c <= age && age - c < 12) due = std::min(due, c + 12);
    clock_due[i] = static_cast<std::uint16_t>(due);
  }
};

/// Packing helpers.
constexpr std::uint8_t pack_risk(Smoking s, Weight w, bool inactive, bool drinking, bool isolated) {
  return static_cast<std::uint8_t>(static_cast<unsigned>(s) | (static_cast<unsigned>(w) << risk_bits::weight_shift) |
                                   (inactive ? risk_bits::inactive : 0u) | (drinking ? risk_bits::harmful_drinking : 0u) |
                                   (isolated ? risk_bits::isolated : 0u));
}
constexpr std::uint8_t pack_status(Frailty f, int activation_level, CareSetting c, bool alive, int sex) {
  return static_cast<std::uint8_t>(static_cast<unsigned>(f) |
                                   (static_cast<unsigned>(activation_level - 1) << status_bits::activation_shift) |
                                   (static_cast<unsigned>(c) << status_bits::care_shift) |
                                   (alive ? status_bits::alive : 0u) | (sex == 1 ? status_bits::female : 0u));
}
/// Number of conditions in a set (table lookup: portable and as fast as a popcount instruction).
inline constexpr std::array<std::uint8_t, 256> kBitCount = [] {
  std::array<std::uint8_t, 256> t{};
  for (int i = 0; i < 256; ++i) t[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>((i & 1) + t[static_cast<std::size_t>(i / 2)]);
  return t;
}();
inline int condition_count(std::uint8_t conditions) { return kBitCount[conditions]; }

}  // namespace shiftsim::model
