// A person's events, each a named handler of the person's state (MODEL.md, "What happens to
// each person each month"): the event channels (channels.hpp) choose at most one event per
// channel from the person's own draws; apply_events carries out the chosen ones and counts
// them in the month's flows of the person's cell. Leaving (death, emigration) is the run's
// to carry out, as the person's contribution to its running sums leaves with them.
#pragma once

#include "model/core/outputs.hpp"
#include "model/core/parameters.hpp"
#include "model/core/population.hpp"
#include "model/core/random.hpp"
#include "model/people/channels.hpp"
#include "model/people/rates.hpp"

#include <array>
#include <cstddef>

namespace shiftsim::model {

/// The system's feedback on a hospital stay in the person's ICP (model/hybrid): occupancy
/// lengthens stays, and social care capacity scales their delayed part.
struct StayFeedback {
  double length_of_stay = 1, delayed_discharge = 1;
};

/// What the events did beyond the person's own state and the cell's flows.
struct EventEffects {
  bool changed = false;         // a state the person's rates depend on changed
  bool admitted = false;        // an emergency admission (costed per person in ledger mode)
  double delayed_bed_days = 0;  // that stay's delayed transfers of care
  bool delay_cut = false;       // programmes cut those delays (they are credited the bed-days avoided)
};

/// Carries out person i's events chosen this month (chosen[channel]: an event, or -1): those
/// of the behaviour, conditions and care channels in that order, each chosen against the
/// state at the start of the month, then frailty progression from the leaving channel. Counts
/// them in `row`, the kFlowMetrics of the person's cell. `c`: the person's cell rates; `fx`:
/// this month's actual programme multipliers (null: none).
EventEffects apply_events(Population& pop, std::size_t i, int month, const std::array<int, kChannels>& chosen, const CellRates& c,
                          const Parameters& p, const RandomKey& key, const StayFeedback& stay, const PersonEffects* fx, double* row);

// The handlers, one per event.
/// An emergency admission: its bed-days (a zero-day share, else geometric around the cell's
/// mean stay stretched by the system and programmes), their delayed part, and a move into a
/// care home after it.
void admit_emergency(Population& pop, std::size_t i, int month, const CellRates& c, const Parameters& p, const RandomKey& key,
                     const StayFeedback& stay, const PersonEffects* fx, double* row, EventEffects& out);
void recover_from_common_mental_disorder(Population& pop, std::size_t i);
void set_smoking(Population& pop, std::size_t i, Smoking s);
/// One step up or down the weight bands (healthy, overweight, obese).
void change_weight(Population& pop, std::size_t i, int step);
/// Home -> home care -> care home.
void move_care(Population& pop, std::size_t i, double* row);
void set_care(Population& pop, std::size_t i, CareSetting s);
void onset_condition(Population& pop, std::size_t i, int condition, double* row);
void progress_frailty(Population& pop, std::size_t i);

}  // namespace shiftsim::model
