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

namespace {

const char* kMali = "configs/mali-2016.yaml";

} // namespace

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

TEST_CASE("robustness: aliases that expand to a huge tree are refused")
{
  // "Billion laughs": 9 levels of 10 aliases each took minutes and gigabytes.
  std::string text = "model: mm1\nnotes:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    text += "  a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
    for (int k = 1; k < 10; ++k) {
      text += ", " + prev;
    }
    text += "]\n";
  }
  CHECK_THROWS_WITH_AS(parse(text, "laughs.yaml"),
                       doctest::Contains("error: the document holds more than 1,000,000 values"),
                       ConfigError);
  // Long scalars repeated by aliases count by their length.
  std::string wide = "s: &s " + std::string(100000, 'x') + "\nt: [";
  for (int i = 0; i < 700; ++i) {
    wide += "*s, ";
  }
  wide += "*s]\n";
  CHECK_THROWS_WITH_AS(parse(wide, "wide.yaml"), doctest::Contains("or 64 MiB of text"),
                       ConfigError);
  // A few aliases are fine.
  CHECK(parse("a: &a [1, 2]\nb: *a\n", "ok.yaml").find("b")->items().size() == 2);
}

TEST_CASE("robustness: segment weights whose sum overflows are refused")
{
  // Two weights of 1e308 summed to infinity; the normalised choice shares were all
  // zero and engine::random::Discrete threw std::invalid_argument.
  const auto s =
    test::scenario_from_file(kMali, { "parameters.segments.bamako_gao.weight=1e308",
                                      "parameters.segments.bamako_timbuktu.weight=1e308" });
  CHECK_THROWS_WITH_AS(models::registry().create(s),
                       doctest::Contains("weight must be a weight in [0, 10^9], got 1e+308"),
                       ConfigError);
  const auto ok = test::scenario_from_file(kMali, { "parameters.segments.bamako_gao.weight=1e9" });
  CHECK_NOTHROW(models::registry().create(ok));
}
