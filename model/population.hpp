// The people: one agent per resident (or per 1/scale residents), stored struct-of-arrays.
// Hot per-person state is small integers and bit fields; every per-month field is written
// only by the thread that owns the person's block. Rarely used detail lives elsewhere.
#pragma once

#include "model/types.hpp"

#include <array>
#include <cstddef>
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
/// at home with dementia or severe frailty and has an unpaid carer (model/wider.hpp). Set by
/// Simulation::refresh_at from the person's state and a fixed propensity.
inline constexpr std::uint8_t family = 0x80;
}  // namespace risk_bits

/// A set of funded interventions, bit k = the scenario's intervention k (at most 32).
using ProgrammeBits = std::uint32_t;

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

/// Allocator for the large per-person arrays: 2 MiB aligned and marked for transparent huge
/// pages, so that a million-person array costs a few page faults and TLB entries, not
/// thousands. Small arrays fall back to the ordinary allocator.
template <class T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) {}
  static constexpr std::size_t kHuge = std::size_t{2} << 20;
  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHuge) return static_cast<T*>(::operator new(bytes));
    const std::size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
    void* p = std::aligned_alloc(kHuge, rounded);
    if (!p) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    madvise(p, rounded, MADV_HUGEPAGE);
#endif
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) {
    if (n * sizeof(T) < kHuge) ::operator delete(p);
    else std::free(p);
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
  PersonArray<std::uint32_t> event_threshold;  // P(any event this month) x 2^32, cached
  PersonArray<float> death_probability;    // this month's probability of death, cached
  PersonArray<float> utility;              // EQ-5D utility, cached
  PersonArray<float> expected_tally[kRandomTallies];  // expected monthly count of each random tally, cached

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
