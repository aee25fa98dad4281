#include "passage/config/reader.hpp"
#include "passage/run/scenario.hpp"
#include "support.hpp"

#include <doctest/doctest.h>

using namespace passage::engine;
using namespace passage::engine::config;

TEST_CASE("config: nodes keep file, line and column")
{
  const Node n = parse("a: 1\nb:\n  c: [1, 2]\n  d: \"5\"\n", "x.yaml");
  REQUIRE(n.is_map());
  CHECK(n.find("a")->mark().str() == "x.yaml:1:4");
  CHECK(n.find("b")->find("c")->mark().str() == "x.yaml:3:6");
  CHECK(n.find("b")->find_entry("d")->key_mark.str() == "x.yaml:4:3");
  CHECK(n.find("a")->as_double() == 1.0);
  CHECK_FALSE(n.find("b")->find("d")->as_double().has_value()); // quoted: a string
  CHECK(parse("x: .inf", "y").find("x")->as_double() == std::numeric_limits<double>::infinity());
  CHECK_FALSE(parse("x: inf", "y").find("x")->as_double().has_value());
  CHECK(parse("x: 1e6", "y").find("x")->as_int() == 1000000);
}

TEST_CASE("config: malformed YAML and duplicate keys carry file:line:col")
{
  try {
    parse("a: [1, 2\nb: 3\n", "bad.yaml");
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()).find("bad.yaml:") == 0);
    CHECK(std::string(e.what()).find("malformed YAML") != std::string::npos);
  }
  try {
    parse("a: 1\nb: 2\na: 3\n", "dup.yaml");
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()) ==
          "dup.yaml:3:1: error: duplicate key 'a'\n  hint: the first 'a' is at dup.yaml:1:1");
  }
}

TEST_CASE("config: a missing file is named")
{
  try {
    load_file("/nonexistent/dir/x.yaml");
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()).find("/nonexistent/dir/x.yaml: error: cannot open scenario file") ==
          0);
  }
}

TEST_CASE("config: a reader reports every problem at once, with did-you-mean")
{
  const Node n = parse("rate: -1\n"
                       "p: 1.5\n"
                       "count: 2.5\n"
                       "servce: 3\n"
                       "range: [5, 1]\n",
                       "r.yaml");
  Diagnostics d;
  MapReader r(&n, n.mark(), d, "parameters", { "rate", "p", "count", "service", "range", "name" });
  r.number("rate", kPositive);
  r.number("p", kProbability);
  r.integer("count", kCount);
  r.interval("range", kNonNegative);
  r.string("name");
  r.finish();
  REQUIRE(d.size() == 6);
  try {
    d.raise_if_any();
    FAIL("no error");
  } catch (const ConfigError& e) {
    const std::string m = e.what();
    CHECK(m.find("r.yaml:1:7: error: rate must be a number > 0, got -1") != std::string::npos);
    CHECK(m.find("r.yaml:2:4: error: p must be a probability in [0, 1], got 1.5") !=
          std::string::npos);
    CHECK(m.find("r.yaml:3:8: error: count must be a whole number >= 0, got 2.5") !=
          std::string::npos);
    CHECK(
      m.find(
        "r.yaml:4:1: error: unknown key 'servce' in parameters\n  hint: did you mean 'service'?") !=
      std::string::npos);
    CHECK(m.find("r.yaml:5:8: error: range [5, 1] has min > max") != std::string::npos);
    CHECK(m.find("r.yaml:1:1: error: missing key 'name' in parameters") != std::string::npos);
  }
}

TEST_CASE("config: parameters with provenance")
{
  const Node n = parse("a: {value: 5000, source: \"report §4: 5,000 CFA\"}\n"
                       "b: {value: 0.2, assumption: \"share\", range: [0.1, 0.3]}\n"
                       "c: {value: 0.2, assumption: \"no range\"}\n"
                       "d: {value: 0.5, assumption: \"outside\", range: [0.1, 0.3]}\n"
                       "e: {value: 1, sorce: \"typo\"}\n",
                       "p.yaml");
  Diagnostics d;
  auto pa = read_provenance(*n.find("a"), d);
  CHECK(pa.kind == ProvenanceKind::Report);
  auto pb = read_provenance(*n.find("b"), d);
  CHECK(pb.kind == ProvenanceKind::Assumption);
  CHECK(pb.range->first == 0.1);
  CHECK(d.empty());
  read_provenance(*n.find("c"), d);
  read_provenance(*n.find("d"), d);
  read_provenance(*n.find("e"), d);
  REQUIRE(d.size() == 3);
  CHECK(d.items()[0].message == "an assumption needs a 'range: [lo, hi]'");
  CHECK(d.items()[1].message == "value 0.5 lies outside its range [0.1, 0.3]");
  CHECK(d.items()[2].hint == "did you mean 'source'?");
}

TEST_CASE("config: --set assignments reach values and keep provenance")
{
  Node root =
    parse("parameters:\n  rate: {value: 1.0, source: \"report\"}\n  n: 5\n  a: [1, 2]\n", "s.yaml");
  Diagnostics d;
  apply_assignment(root, "parameters.rate=0.8", d);
  apply_assignment(root, "parameters.n=7", d);
  apply_assignment(root, "parameters.a=[3, 4, 5]", d);
  CHECK(d.empty());
  CHECK(value_of(*root.find("parameters")->find("rate")).as_double() == 0.8);
  CHECK(root.find("parameters")->find("rate")->find("source")->text() == "report");
  CHECK(root.find("parameters")->find("n")->as_int() == 7);
  CHECK(root.find("parameters")->find("a")->items().size() == 3);
  apply_assignment(root, "paramters.rate=0.8", d);
  apply_assignment(root, "parameters.rate", d);
  REQUIRE(d.size() == 2);
  CHECK(d.items()[0].message == "unknown key 'paramters' under the top level in 'paramters'");
  CHECK(d.items()[0].hint == "did you mean 'parameters'?");
  CHECK(d.items()[0].mark.str() == "(--set paramters.rate=0.8):1:1");
  CHECK(d.items()[1].message == "expected dotted.key=value");
  // A new last key is allowed (an optional key left at its default); the model
  // then reports it if it is unknown, pointing at the --set.
  apply_assignment(root, "parameters.rat=0.8", d);
  CHECK(d.size() == 2);
  CHECK(root.find("parameters")->find("rat")->mark().file_name() == "(--set parameters.rat=0.8)");
}

TEST_CASE("config: a misspelt --set key is reported by the model's validation")
{
  const auto s = passage::test::scenario_from_file("configs/verification/mm1.yaml",
                                                   { "parameters.arival_rate=0.8" });
  CHECK_THROWS_WITH_AS(
    passage::models::registry().create(s),
    "(--set parameters.arival_rate=0.8):1:1: error: unknown key 'arival_rate' in parameters\n"
    "  hint: did you mean 'arrival_rate'?",
    ConfigError);
}

TEST_CASE("config: scenarios check their top-level keys and models")
{
  CHECK_THROWS_WITH_AS(
    passage::test::scenario_from_text("model: mm1\nseeed: 3\n", "t.yaml"),
    "t.yaml:2:1: error: unknown key 'seeed' in the scenario\n  hint: did you mean 'seed'?",
    ConfigError);
  const auto s = passage::test::scenario_from_text("model: mm2\nparameters: {}\n", "m.yaml");
  CHECK_THROWS_WITH_AS(passage::models::registry().create(s),
                       doctest::Contains("m.yaml:1:8: error: unknown model 'mm2'"), ConfigError);
}

TEST_CASE("config: YAML round trip keeps quoted strings quoted")
{
  const Node n = parse("a: \"5\"\nb: 5\nc: [1, 2]\nd: {e: x}\n", "r.yaml");
  const Node back = parse(to_yaml(n), "again.yaml");
  CHECK(back.same_content(n));
}

TEST_CASE("config: whole numbers are read exactly from their digits")
{
  CHECK(parse_unsigned("18446744073709551615") == std::numeric_limits<std::uint64_t>::max());
  CHECK(parse_unsigned("+9007199254740993") == 9007199254740993ULL); // 2^53 + 1: no double holds it
  CHECK_FALSE(parse_unsigned("18446744073709551616").has_value());   // 2^64
  CHECK_FALSE(parse_unsigned("-1").has_value());
  CHECK_FALSE(parse_unsigned("").has_value());
  CHECK_FALSE(parse_unsigned(" 1").has_value());
  CHECK_FALSE(parse_unsigned("1e3").has_value());

  const Node n = parse("seed: 9007199254740993\nsmall: 1e3\nbad: -5\n", "s.yaml");
  Diagnostics d;
  MapReader r(&n, n.mark(), d, "the scenario", { "seed", "small", "bad" });
  CHECK(r.unsigned_integer("seed") == 9007199254740993ULL);
  CHECK(r.unsigned_integer("small") == 1000);
  CHECK(r.unsigned_integer("bad", 7) == 7);
  REQUIRE(d.size() == 1);
  CHECK(d.items()[0].format() ==
        "s.yaml:3:6: error: bad must be a whole number in [0, 2^64 - 1], got '-5'");
}

TEST_CASE("config: one document per file, no tags")
{
  try {
    (void)parse("a: 1\n---\nb: 2\n", "two.yaml");
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()).find("two.yaml:2:1: error: a second YAML document") == 0);
  }
  try {
    (void)parse("a: !custom 1\n", "tag.yaml");
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()).find(
            "tag.yaml:1:4: error: YAML tags are not supported (got '!custom')") == 0);
  }
  // Text on which yaml-cpp's LoadAll reports documents without end.
  CHECK_THROWS_AS((void)parse(" ,a", "odd.yaml"), ConfigError);
  CHECK(parse("---\na: 1\n", "one.yaml").find("a") != nullptr);
}
