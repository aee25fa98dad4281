#pragma once
//! Changes to a scenario tree: the vocabulary shared by a scenario's scheduled
//! `changes:` and by policy overlays.
//!
//!     changes:
//!       - from_day: 120            # optional, default 0
//!         until_day: 240           # optional, default: the horizon
//!         set:   {parameters.hub.ghetto_fee_per_day: 1500}
//!         scale: {parameters.bandits.hazard_scale: 2.0}
//!         add:   {parameters.segments.kidal_aguelhok.checkpoints: 1}
//!         close: [tal_handak]      # places or segments, by id
//!         open:  [kidal_tin_zaouatene]
//!
//! Paths are the same dotted paths `--set` takes. `scale` and `add` work on
//! numbers and on lists of numbers (each element). Values written by a change
//! carry the change's own file:line:col, so a model that rejects the result
//! points at the change, not at the scenario.

#include "passage/config/node.hpp"

#include <limits>
#include <string>
#include <vector>

namespace passage::engine::config {

struct ChangeOp
{
  enum class Kind
  {
    Set,
    Scale,
    Add,
    Close,
    Open
  };
  Kind kind = Kind::Set;
  std::string path; //!< dotted path (set/scale/add) or an id (close/open)
  Node value;       //!< the value, factor or increment (set/scale/add)
  Mark mark;        //!< where the operation is written
};

struct Change
{
  double from_day = 0.0;
  double until_day = std::numeric_limits<double>::infinity();
  std::vector<ChangeOp> ops;
  Mark mark;
  std::string origin; //!< "scenario" or the overlay file it came from
};

//! Read a `changes:` list (structure only; paths are checked when applied).
std::vector<Change> read_changes(const Node& list, Diagnostics& d, const std::string& origin);

//! Where `close:`/`open:` ids live: each collection is a dotted path to a
//! mapping whose entries are closable (`<collection>.<id>.closed`).
struct Closables
{
  std::vector<std::string> collections;
  std::string what = "place or segment";
};

//! Apply a change's operations to a tree, in order.
void apply_change(Node& root, const Change& change, const Closables& closables, Diagnostics& d);

//! The days at which the set of active changes can change, within (0, horizon):
//! the boundaries of epochs.
std::vector<double> change_boundaries(const std::vector<Change>& changes, double horizon);

//! Format a number so that it reads back exactly.
std::string number_text(double v);

} // namespace passage::engine::config
