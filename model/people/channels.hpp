// Which events happen to a person in a month: four event channels, each a word of one
// Philox call keyed by (seed, replicate, person, month), and in each channel a fixed layout of
// slots on the unit interval, one slot per event.
//
// The rule (IHME vivarium's "a randomness stream per decision point", Starsim's "random
// numbers that follow the agent") is that whether an event happens depends only on its own
// hazard and its own slot. A scenario that changes one of a person's rates then changes only
// that event, and monotonically: an event with hazard h happens when the channel's word u
// falls in [start, start + h) of its slot, so an arm in which the hazard is lower has the
// event in a subset of the months in which the other has it. The slots' starts never depend
// on the arm, nor on the person's state where that can be avoided:
//
//   channel 0, leaving:    from the bottom emigration (its cell rate), then death (open);
//                          from the top frailty progression (open).
//   channel 1, care:       from the bottom the emergency admission (open);
//                          from the top the move into home care or a care home (open).
//   channel 2, conditions: from the bottom the incidence of hypertension, CHD, stroke,
//                          diabetes, COPD, cancer and dementia, each reserving its cell rate x
//                          the largest relative risk anyone of that sex can have; then the
//                          overflow of any of them a programme raises above its reservation;
//                          from the top the onset of, or recovery from, a common mental
//                          disorder (open; which of the two depends on the person having one).
//   channel 3, behaviour:  from the bottom starting or stopping smoking (one slot: only one
//                          applies), gaining weight, losing weight and changing physical
//                          activity, each reserving the largest cell rate of its directions,
//                          then harmful drinking starting or stopping (open);
//                          from the top social isolation starting or ending (open).
//
// An "open" slot is the last at its end of the channel: it reserves nothing, as nothing comes
// after it, so its own hazard can take any value. Every other slot's start is a sum of cell
// rates: the same in every arm whatever the person has done. The reservations cost only time
// (the channel is resolved whenever the word falls inside a reserved slot).
//
// At most one event a channel a month; events of different channels in the same month all
// happen, applied in the order behaviour, conditions, care (the move, then the admission with
// its discharge), leaving (frailty, then emigration or death), each against the state at the
// start of the month. Each event's monthly probability is therefore exactly its hazard, as
// before, and the four channels are independent of each other.
//
// Each person caches, per channel, the window [lo, hi) of the unit interval in which nothing
// can happen until their state changes (16 bits each, rounded outwards, from the hazards with
// every programme multiplier at its largest): most person-months need one Philox call and
// eight comparisons, and only a word outside its window is resolved with this month's actual
// hazards.
#pragma once

#include "model/world/multipliers.hpp"
#include "model/people/rates.hpp"

#include <array>
#include <cstdint>

namespace shiftsim::model {

enum Channel : std::uint8_t { ch_leave = 0, ch_care, ch_conditions, ch_behaviour, kChannelCount };
inline constexpr int kChannels = kChannelCount;
static_assert(kChannels == kEventChannels);

/// The channel each event belongs to.
int channel_of(Event e);

/// Fills each cell's reserved widths (CellRates::*_reserved) from its rates and the largest
/// incidence relative risks of the multipliers.
void reserve_slots(RateTables& rt, const Multipliers& m);

/// The window of every channel, from hazards that are at least this and every later month's
/// until the person's state changes (every programme multiplier at its largest).
ChannelWindow channel_window(const Hazards& bound, const CellRates& c);

/// The event channel `ch`'s word selects with this month's actual rates, or -1. Reads only
/// the hazards of the slots the word falls in.
/// `window` is the person's cached window: only the end of the channel the word is beyond is read.
int channel_event(int ch, std::uint32_t word, const ChannelWindow& window, const PersonRates& rates);

}  // namespace shiftsim::model
