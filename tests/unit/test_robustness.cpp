// Inputs that once crashed, hung or let a stray exception escape, found by the fuzz
// targets (tests/fuzz/, docs/robustness.md) or while writing them. Each must now be
// refused as bad input (ConfigError) or accepted; the reproducer files are kept in
// tests/fuzz/crashes/<target>/ and replayed by the fuzz_replay test.
#include "mali/scenario.hpp"
#include "passage/config/node.hpp"
#include "passage/run/scenario.hpp"
#include "passage/sa/design.hpp"
#include "support.hpp"

#include <doctest/doctest.h>
#include <pthread.h>
#include <string>

using namespace passage;
using namespace passage::engine::config;

namespace {

const char* kMali = "configs/mali-2016.yaml";

// A small corridor around a network of its own: places `a` (the origin), `g` (a
// hub loading trucks), `c` (a crossing to Algeria), `l` (the exit to Niger), and
// `more`. It declares only the parts it places.
std::string network(const std::string& places, const std::string& segments)
{
  return R"(model: mali
parameters:
  cfa_per_eur: 667
  actors:
    smugglers: {label: smugglers, kind: smuggler}
    transporters: {label: transporters, kind: transport}
    ghetto_chairmen: {label: ghetto chairmen, kind: other}
  documents: {default: none, classes: {malian_passport: {label: Malian passport}, none: {label: no Malian papers}}}
  nationalities: {n: {label: N, citizen_of: []}}
  flows: {f: {annual_migrants: 1000}}
  origins: {o: {share: 1, start: a, nationality: n, documents: {malian_passport: 0.5}}}
  destinations: {alg: {share: 0.9, exit: arrived_algeria}, nig: {share: 0.1, exit: exited_niger}}
  cash: {median: 300000, sigma: 0.5}
  modes:
    bus: {fare_to: transporters, speed_km_per_day: 700, sigma: 0.2}
    truck: {fare_to: transporters, speed_km_per_day: 200, sigma: 0.3}
  hubs:
    hub: {passeur_fee: 25000, passeur_receiver: smugglers, passeur_networks: [o], foreign_ghetto_surcharge: 0.5, ghetto_fee_per_day: 1000, ghetto_receiver: ghetto_chairmen, earnings_per_day: 2000, earnings_sigma: 0.4, cash_reserve: 30000, max_work_days: 180}
  vehicles:
    truck: {label: truck, mode: truck, capacity: [60, 100], max_wait_days: 7, fare: {citizen: 32500, malian_passport: 100000, none: 100000}, fare_to: transporters}
  borders:
    border: {label: border, interception: {malian_passport: 0.05, none: 0.3}, retry_probability: 0.7, retry_days: 5, retry_fee: 15000, retry_receiver: smugglers, max_attempts: 4}
  places:
    a: {}
    g: {hub: hub, vehicles: [truck]}
    c: {crossing: {border: border, exit: arrived_algeria}}
    l: {exit: exited_niger}
)" + places +
         R"(  segments:
    g_l: {from: g, to: l, mode: bus, distance_km: 200}
)" + segments;
}

// Run `f` on a thread with a small stack (256 KiB), so that recursion as deep as
// a network is long overflows it.
template<class F>
void on_small_stack(F f)
{
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  pthread_t t;
  auto body = [](void* p) -> void* {
    (*static_cast<F*>(p))();
    return nullptr;
  };
  REQUIRE(pthread_create(&t, &attr, body, &f) == 0);
  pthread_join(t, nullptr);
  pthread_attr_destroy(&attr);
}

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

TEST_CASE("robustness: a network as long as a chain of 5,000 places compiles on a small stack")
{
  // The cycle check and the search for the ways on recursed once per place, and
  // overflowed the stack of an ASan build at 10,000 places.
  std::string places;
  std::string segments = "    g_c: {from: g, to: c, mode: truck, distance_km: 200}\n";
  std::string prev = "a";
  for (int i = 0; i < 5000; ++i) {
    const std::string p = "p" + std::to_string(i);
    places += "    " + p + ": {}\n";
    segments += "    s" + std::to_string(i) + ": {from: " + prev + ", to: " + p +
                ", mode: bus, distance_km: 1}\n";
    prev = p;
  }
  segments += "    last: {from: " + prev + ", to: g, mode: bus, distance_km: 1}\n";
  const auto s = test::scenario_from_text(network(places, segments), "chain.yaml");
  bool built = false;
  on_small_stack([&] {
    Diagnostics d;
    const auto sc = models::mali::compile(s, d);
    built = d.empty() && sc.epochs.size() == 1;
  });
  CHECK(built);
}

TEST_CASE("robustness: truck lines that multiply at every branch point are bounded")
{
  // 18 diamonds of truck segments after a hub make 2^18 lines: enumerating them
  // took seconds and hundreds of megabytes, and 30 diamonds exhausted memory.
  std::string places;
  std::string segments;
  std::string prev = "g";
  for (int i = 0; i < 30; ++i) {
    const std::string n = std::to_string(i);
    places += "    x" + n + ": {}\n    y" + n + ": {}\n    z" + n + ": {}\n";
    for (const std::string via : { "x", "y" }) {
      segments += "    " + prev + "_" + via + n + ": {from: " + prev + ", to: " + via + n +
                  ", mode: truck, distance_km: 1}\n";
      segments += "    " + via + n + "_z" + n + ": {from: " + via + n + ", to: z" + n +
                  ", mode: truck, distance_km: 1}\n";
    }
    prev = "z" + n;
  }
  segments += "    a_g: {from: a, to: g, mode: bus, distance_km: 1}\n";
  segments += "    " + prev + "_c: {from: " + prev + ", to: c, mode: truck, distance_km: 1}\n";
  const auto s = test::scenario_from_text(network(places, segments), "diamonds.yaml");
  CHECK_THROWS_WITH_AS(models::registry().create(s),
                       doctest::Contains("error: more than 10000 lines leave the hub 'g'"),
                       ConfigError);
}

TEST_CASE("robustness: a design parameter whose path leaves no name is refused")
{
  // A parameter is named by its path less "parameters."; the path "parameters."
  // (or "") left the name empty, and reporting that dereferenced the absent
  // 'name:' (a null pointer, found by the design fuzz target).
  const auto s = test::scenario_from_file(kMali);
  for (const char* yaml : { "parameters:\n  parameters.:\n", "parameters: {'': {range: [0, 1]}}\n",
                            "parameters:\n  parameters.origin=srs:\n  parameters.\n" }) {
    CAPTURE(yaml);
    CHECK_THROWS_WITH_AS(engine::sa::read_design(parse(yaml, "d.yaml"), "d.yaml", s),
                         doctest::Contains("is not a valid dotted path"), ConfigError);
  }
  // An empty name written as such is reported where it is written.
  CHECK_THROWS_WITH_AS(
    engine::sa::read_design(
      parse("parameters:\n  parameters.bandits.hazard_scale: {name: ''}\n", "d.yaml"), "d.yaml", s),
    doctest::Contains("d.yaml:2:43: error: a parameter's name cannot be empty"), ConfigError);
}
