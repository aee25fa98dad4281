#pragma once
//! Policy overlays: a YAML file that changes a scenario.
//!
//!     policy: anti_corruption              # a name (lower case, digits, _)
//!     title: Anti-corruption at roadblocks
//!     description: ...
//!     parameters:                          # the policy's own assumptions
//!       demand_factor: {value: 0.5, assumption: "...", range: [0.2, 0.9]}
//!     changes:                             # the vocabulary of config/changes.hpp
//!       - scale: {parameters.roadblocks.demand_foreign: $demand_factor}
//!
//! Applying an overlay appends its changes to the scenario's `changes:` (each
//! tagged `policy: NAME`) and records the policy and its parameters under the
//! scenario's top-level `policies:`, so the resolved scenario says exactly what
//! ran, and `--set policies.NAME.parameters.X=...` or a sensitivity design can vary
//! a policy's assumptions. `$X` in a change stands for that policy's parameter X
//! and is resolved when the model is built (`resolve_references`).

#include "passage/run/scenario.hpp"

#include <string>

namespace passage::engine {

//! Apply the overlay in `path` to a scenario (ConfigError with file:line:col on
//! any problem in the overlay itself; problems with what its changes do are
//! reported when the model is built, still pointing into the overlay).
void apply_overlay(Scenario& scenario, const std::string& path);

//! Apply an overlay given as YAML text; `name` stands for its file in messages
//! and in the scenario's record of policies (used by the fuzz targets).
void apply_overlay_text(Scenario& scenario, const std::string& text, const std::string& name);

//! Replace every `$name` in the scenario's changes by the value of the policy
//! parameter it names. ConfigError on an unknown name.
void resolve_references(Scenario& scenario);

//! The policy name an overlay file declares (for labelling comparisons).
std::string overlay_name(const std::string& path);

} // namespace passage::engine
