#pragma once
//! A scenario: the YAML file a user runs, with `--set` overrides applied, as one
//! resolved tree. Top-level keys are the engine's; `parameters` and `changes`
//! belong to the model, which validates them.

#include "passage/config/node.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace passage::engine {

struct Scenario
{
  std::string file;  //!< the path it was loaded from
  config::Node root; //!< fully resolved tree
  std::string name;  //!< `name:`, or the file's stem
  std::string model; //!< `model:`
  std::string description;
  std::uint64_t seed = 1;
  std::uint64_t replications = 100;
  std::vector<std::string> overrides; //!< `--set` assignments, in order applied
  std::vector<std::string> overlays;  //!< policy files, in order applied

  //! The resolved scenario as YAML text (stored in every results file).
  std::string resolved_text() const;
  //! A stable hash of the resolved text (hex).
  std::string hash() const;
};

//! The top-level keys a scenario may have.
const std::vector<std::string>& scenario_keys();

//! Parse a file, apply policy overlays (in order), then `--set key=value`
//! assignments, and read the top-level keys. ConfigError (every problem, with
//! file:line:col) when anything is wrong.
Scenario load_scenario(const std::string& path, const std::vector<std::string>& sets = {},
                       const std::vector<std::string>& overlays = {});

//! Re-read the engine's top-level keys after the tree changed (overlays).
void refresh_scenario(Scenario& s);

//! Apply one `dotted.path=value` assignment (value in YAML syntax) to a tree.
//! A parameter written with provenance keeps it; only its value changes.
void apply_assignment(config::Node& root, const std::string& assignment, config::Diagnostics& d);

} // namespace passage::engine
