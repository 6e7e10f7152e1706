// Probabilistic sensitivity analysis: each replicate draws one value of every uncertain
// parameter (a row of the parameter table, or an intervention's effect, with a distribution)
// from its own stream — Philox keyed by (seed, replicate), counter (hash of the name,
// Purpose::parameter_sampling) — apart from the simulation's streams. A draw depends only on
// the seed, the replicate and the parameter's name and distribution, so replicate k of two
// scenarios draws the same value for every parameter they share (common random numbers), and
// adding a parameter or changing another's distribution changes no other draw.
#pragma once

#include "model/core/parameter_table.hpp"
#include "model/programmes/policy.hpp"
#include "model/core/random.hpp"

#include <string_view>

namespace shiftsim::model {

/// A uniform in (0, 1) for the named parameter in this replicate.
double parameter_uniform(const RandomKey& key, std::string_view name);

/// The table with every non-derived row that has an uncertainty distribution set to a draw
/// (clamped to the row's bounds); other rows unchanged.
ParameterTable draw_parameters(const ParameterTable& table, const RandomKey& key);

/// The policy for a replicate: values that are catalogue defaults take the replicate's drawn
/// table (`drawn`, from draw_parameters); effects the scenario gave as distributions are drawn
/// here (keyed by "<intervention name>/effect<kind>").
Policy draw_policy(const Policy& policy, const ParameterTable& drawn, const RandomKey& key);

}  // namespace shiftsim::model
