#pragma once
//! Dotted paths into configuration trees ("parameters.hub.ghetto_fee_per_day"):
//! maps by key, lists by index or by an item's `name`/`id`; a parameter's
//! provenance wrapper is stepped through to its value.

#include "passage/config/node.hpp"

#include <string>

namespace passage::engine::config {

//! The node a dotted path names, or nullptr after reporting where the path
//! breaks (with a did-you-mean) at `where`.
Node* find_path(Node& root, const std::string& path, const Mark& where, Diagnostics& d);

//! Set the value a dotted path names. Every level but the last must exist; the
//! last may be new (an optional key left at its default): a misspelt new key is
//! caught later by the model, which reports unknown keys at `where`. A parameter
//! written with provenance keeps it; only its value changes.
void set_path(Node& root, const std::string& path, Node value, const Mark& where, Diagnostics& d);

} // namespace passage::engine::config
