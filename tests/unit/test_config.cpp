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
  const Node n = parse("a: {value: 5000, source: \"molenaar2017 §4: 5,000 CFA\"}\n"
                       "b: {value: 0.2, assumption: \"share\", range: [0.1, 0.3]}\n"
                       "c: {value: 0.2, assumption: \"no range\"}\n"
                       "d: {value: 0.5, assumption: \"outside\", range: [0.1, 0.3]}\n"
                       "e: {value: 1, sorce: \"typo\"}\n",
                       "p.yaml");
  Diagnostics d;
  Sources sources;
  Source report;
  report.id = "molenaar2017";
  report.kind = ProvenanceKind::Report;
  sources.add(report);
  auto pa = read_provenance(*n.find("a"), d, &sources);
  CHECK(pa.kind == ProvenanceKind::Report);
  CHECK(pa.source == "molenaar2017");
  CHECK(pa.where == "§4: 5,000 CFA");
  CHECK(pa.cited == sources.find("molenaar2017"));
  // Without the scenario's sources the kind of a tag is not known.
  CHECK(read_provenance(*n.find("a"), d).kind == ProvenanceKind::Source);
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

TEST_CASE("config: a source tag is a source id, then where in the source")
{
  using Split = std::pair<std::string, std::string>;
  CHECK(split_source_tag("molenaar2017 §2 Box 1: Guinea 49%") ==
        Split{ "molenaar2017", "§2 Box 1: Guinea 49%" });
  CHECK(split_source_tag("press2016: about 3 days") == Split{ "press2016", "about 3 days" });
  CHECK(split_source_tag("  iom_2015") == Split{ "iom_2015", "" });
  CHECK(split_source_tag("x-y, p. 4") == Split{ "x-y", "p. 4" });
  // Not an id: empty, or starting with a digit or a sign.
  CHECK(split_source_tag("") == Split{ "", "" });
  CHECK(split_source_tag("§2 of the report") == Split{ "", "§2 of the report" });
  CHECK(split_source_tag("2017 report") == Split{ "", "2017 report" });
}

namespace {

const char* kSources =
  "sources:\n"
  "  - {id: molenaar2017, kind: report, author: F. Molenaar and T. van Damme,\n"
  "     year: 2017, title: Irregular migration, publisher: Clingendael,\n"
  "     url: http://clingendael.nl/cru}\n"
  "  - {id: press2016, kind: other, author: press reports, year: 2015-2016,\n"
  "     title: Gao transport}\n";

} // namespace

TEST_CASE("config: sources declared in the scenario give each tag its kind and reference")
{
  const Node root =
    parse(std::string(kSources) + "parameters:\n"
                                  "  a: {value: 1, source: \"molenaar2017 §2: a figure\"}\n"
                                  "  b: {value: 2, source: \"press2016: about 3 days\"}\n"
                                  "  c: {value: 3, assumption: \"a guess\", range: [1, 5]}\n",
          "s.yaml");
  Diagnostics d;
  const Sources sources = read_sources(root.find("sources"), d);
  check_source_tags(root, sources, d);
  CHECK(d.empty());
  REQUIRE(sources.all().size() == 2);
  CHECK(sources.ids() == std::vector<std::string>{ "molenaar2017", "press2016" });
  CHECK(sources.find("molenaar2017")->reference() ==
        "F. Molenaar and T. van Damme (2017). Irregular migration. Clingendael. "
        "http://clingendael.nl/cru");
  CHECK(sources.find("press2016")->reference() == "press reports (2015-2016). Gao transport");
  CHECK(sources.find("press2016")->mark.str() == "s.yaml:5:5");
  const Node& params = *root.find("parameters");
  CHECK(read_provenance(*params.find("a"), d, &sources).kind == ProvenanceKind::Report);
  CHECK(read_provenance(*params.find("b"), d, &sources).kind == ProvenanceKind::OtherSource);
  CHECK(read_provenance(*params.find("c"), d, &sources).kind == ProvenanceKind::Assumption);
  CHECK(provenance_label(ProvenanceKind::OtherSource) == "other source");
  CHECK(d.empty());
}

TEST_CASE("config: an unknown source id or an old-style tag is an error at the tag")
{
  const Node root =
    parse(std::string(kSources) + "parameters:\n"
                                  "  a: {value: 1, source: \"molenar2017 §2: misspelt\"}\n"
                                  "  b: {value: 2, source: \"report §4: the old form\"}\n"
                                  "  c:\n"
                                  "    d: {value: [1, 2], source: \"other: press reports 2015\"}\n"
                                  "changes:\n"
                                  "  - set: {parameters.a: {value: 3, source: \"§2 alone\"}}\n"
                                  "policies:\n"
                                  "  p: {parameters: {k: {value: 1, source: nobody}}}\n",
          "s.yaml");
  Diagnostics d;
  const Sources sources = read_sources(root.find("sources"), d);
  REQUIRE(d.empty());
  check_source_tags(root, sources, d);
  REQUIRE(d.size() == 5);
  const auto& e = d.items();
  CHECK(e[0].mark.str() == "s.yaml:8:25");
  CHECK(e[0].message == "unknown source 'molenar2017'");
  CHECK(e[0].hint == "did you mean 'molenaar2017'? declared sources: molenaar2017, press2016");
  CHECK(e[1].mark.str() == "s.yaml:9:25");
  CHECK(e[1].message ==
        "old-style source tag \"report §4: the old form\": a tag now starts with a source id");
  CHECK(e[1].hint.find("write source: \"molenaar2017 §4: the old form\"") == 0);
  CHECK(e[2].mark.str() == "s.yaml:11:32");
  CHECK(e[2].message.find("old-style source tag \"other: press") == 0);
  CHECK(e[2].hint.find("write source: \"press2016 press reports 2015\"") == 0);
  CHECK(e[3].message == "a source tag starts with the id of one of the scenario's sources");
  CHECK(e[4].message == "unknown source 'nobody'");
}

TEST_CASE("config: a long old-style tag is shortened in the message at a character boundary")
{
  // 39 bytes, then a two-byte '§' across the 40-byte cut.
  const std::string tag = "report " + std::string(32, 'a') + "§§ more text";
  const Node root = parse("parameters:\n  a: {value: 1, source: \"" + tag + "\"}\n", "s.yaml");
  Diagnostics d;
  check_source_tags(root, Sources{}, d);
  REQUIRE(d.size() == 1);
  CHECK(d.items()[0].message == "old-style source tag \"report " + std::string(32, 'a') +
                                  "...\": a tag now starts with a source id");
}

TEST_CASE("config: a scenario with no sources: tags are errors that say to declare them")
{
  const Node root = parse("parameters:\n  a: {value: 1, source: \"report §2\"}\n", "s.yaml");
  Diagnostics d;
  check_source_tags(root, read_sources(root.find("sources"), d), d);
  REQUIRE(d.size() == 1);
  CHECK(d.items()[0].hint.find("write source: \"<id> §2\"") == 0);
  CHECK(
    d.items()[0].hint.find("the scenario declares no sources: add a top-level 'sources:' list") !=
    std::string::npos);
}

TEST_CASE("config: every mistake in a sources: list is reported with file:line:col")
{
  const Node root =
    parse("sources:\n"
          "  - {id: a1, kind: report, author: x, year: 2000, title: t}\n"
          "  - {id: a1, kind: other, author: y, year: 2001, title: u}\n"
          "  - {id: 9lives, kind: paper, author: z, year: 2002, title: v, isbn: 1}\n"
          "  - {id: b, kind: other}\n"
          "  - just text\n",
          "s.yaml");
  Diagnostics d;
  const Sources sources = read_sources(root.find("sources"), d);
  std::vector<std::string> got;
  for (const auto& e : d.items()) {
    got.push_back(e.mark.str() + ": " + e.message);
  }
  CHECK(got == std::vector<std::string>{
                 "s.yaml:3:10: source 'a1' is declared twice",
                 "s.yaml:4:10: a source id is a letter followed by letters, digits, _ or - (got "
                 "'9lives')",
                 "s.yaml:4:24: a source's kind is 'report' or 'other', got 'paper'",
                 "s.yaml:4:64: unknown key 'isbn' in source '9lives'",
                 "s.yaml:5:5: missing key 'author' in source 'b'",
                 "s.yaml:5:5: missing key 'year' in source 'b'",
                 "s.yaml:5:5: missing key 'title' in source 'b'",
                 "s.yaml:6:5: source 5 must be a mapping of keys to values, got a single value",
               });
  Diagnostics d2;
  read_sources(parse("sources: {a: 1}\n", "t.yaml").find("sources"), d2);
  REQUIRE(d2.size() == 1);
  CHECK(d2.items()[0].message == "'sources' must be a list of sources");
}

TEST_CASE("config: a model is not built from a scenario whose tags name no declared source")
{
  const std::string mm1 = "model: mm1\n"
                          "sources: [{id: kleinrock1975, kind: other, author: L. Kleinrock, "
                          "year: 1975, title: Queueing Systems}]\n"
                          "parameters:\n"
                          "  arrival_rate: {value: 0.5, source: \"kleinrock1975 §3.2\"}\n"
                          "  service_rate: {value: 1.0, source: \"kleinrok1975 §3.2\"}\n"
                          "  customers: 10\n";
  const auto ok = passage::test::scenario_from_text(
    "model: mm1\n"
    "sources: [{id: kleinrock1975, kind: other, author: L. Kleinrock, year: 1975, title: Q}]\n"
    "parameters:\n"
    "  arrival_rate: {value: 0.5, source: \"kleinrock1975 §3.2\"}\n"
    "  service_rate: 1.0\n"
    "  customers: 10\n",
    "ok.yaml");
  CHECK_NOTHROW(passage::models::registry().create(ok));
  const auto bad = passage::test::scenario_from_text(mm1, "bad.yaml");
  try {
    passage::models::registry().create(bad);
    FAIL("no error");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()).find("bad.yaml:5:38: error: unknown source 'kleinrok1975'") !=
          std::string::npos);
  }
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
