// Inputs that once crashed, hung or let a stray exception escape, found by the fuzz
// targets (tests/fuzz/, docs/robustness.md) or while writing them. Each must now be
// refused as bad input (ConfigError) or accepted; the reproducer files are kept in
// tests/fuzz/crashes/<target>/ and replayed by the fuzz_replay test.
#include "passage/config/node.hpp"
#include "passage/run/scenario.hpp"
#include "support.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace passage;
using namespace passage::engine::config;

TEST_CASE("robustness: a --set list index too large for size_t is an unknown key")
{
  // std::stoul threw std::out_of_range out of find_path.
  Node root = parse("changes: [{close: [x]}]\n", "s.yaml");
  Diagnostics d;
  engine::apply_assignment(root, "changes.99999999999999999999999.close=[y]", d);
  REQUIRE(d.size() == 1);
  CHECK(d.items()[0].message == "unknown key '99999999999999999999999' under 'changes' in "
                                "'changes.99999999999999999999999'");
}
