// Policy overlays and paired comparisons with common random numbers.
#include "mali/scenario.hpp"
#include "passage/run/overlay.hpp"
#include "passage/stats/tally.hpp"
#include "support.hpp"

#include <cstring>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>

using namespace passage;

namespace {

const char* kMali = "configs/mali-2016.yaml";

std::string write_overlay(const std::string& name, const std::string& text)
{
  const auto path = std::filesystem::temp_directory_path() /
                    ("passage_policy_" + std::to_string(::getpid()) + "_" + name + ".yaml");
  std::ofstream(path) << text;
  return path.string();
}

engine::Scenario with(const std::vector<std::string>& overlays,
                      const std::vector<std::string>& sets = {})
{
  auto s = engine::load_scenario(test::source_dir() + "/" + kMali, sets, overlays);
  s.seed = test::seed(s.seed);
  return s;
}

std::string policy(const std::string& name)
{
  return test::source_dir() + "/configs/policies/" + name + ".yaml";
}

std::string errors_of(const engine::Scenario& s)
{
  try {
    models::registry().create(s);
  } catch (const engine::config::ConfigError& e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST_SUITE_BEGIN("statistical");

TEST_CASE("policies: every overlay in configs/policies validates against the baseline")
{
  for (const auto& e :
       std::filesystem::directory_iterator(test::source_dir() + "/configs/policies")) {
    // Subfolders hold other corridors' overlays (configs/policies/niger/ for
    // niger-2016, checked by tests/cli/test_corridors.sh); these are Mali's.
    if (!e.is_regular_file()) {
      continue;
    }
    const auto s = with({ e.path().string() });
    CHECK_MESSAGE(errors_of(s).empty(), e.path() << ": " << errors_of(s));
    // The resolved scenario records the policy and its parameters.
    REQUIRE(s.root.find("policies") != nullptr);
    CHECK(s.root.find("policies")->entries().size() == 1);
    CHECK(s.overlays.size() == 1);
  }
}

TEST_CASE("policies: an overlay that changes nothing gives a difference of exactly zero")
{
  const auto null =
    write_overlay("null", "policy: nothing\n"
                          "changes:\n"
                          "  - scale: {parameters.bandits.hazard_scale: 1}\n"
                          "  - add: {parameters.segments.bamako_gao.roadblocks.roadblock: 0}\n");
  const auto base =
    test::run_collect(with({}, { "parameters.flows.mali_route.annual_migrants=10000" }), 5, 2);
  const auto same = test::run_collect(
    with({ null }, { "parameters.flows.mali_route.annual_migrants=10000" }), 5, 2);
  REQUIRE(base.rows.size() == same.rows.size());
  CHECK(std::memcmp(base.rows.data(), same.rows.data(), base.rows.size() * sizeof(double)) == 0);
  for (const auto& m : base.metrics) {
    const auto p = engine::stats::paired(base.column(m.name), same.column(m.name));
    CHECK(p.diff.mean == 0.0);
    CHECK(p.diff.half_width() == 0.0);
  }
  std::filesystem::remove(null);
}

TEST_CASE("policies: common random numbers give a narrower interval than independent streams")
{
  const auto base_s = with({});
  auto arm_s = with({ policy("anti_corruption") });
  // Metrics whose variance reduction under this policy is 8 or more (200 paired
  // replications: arrivals 10.2, deaths 16.2, journey days 16.7). The ratio of the
  // two sample variances of the differences is F(23, 23) times the true reduction,
  // so either check fails with probability P(F(23, 23) > 8) < 1e-6 a metric.
  // (State-security revenue, reduction 2.6, would fail about 1% of seeds.)
  const auto base = test::run_collect(base_s, 24, 2);
  const auto crn = test::run_collect(arm_s, 24, 2);
  arm_s.seed += 1000003; // independent streams
  const auto ind = test::run_collect(arm_s, 24, 2);
  for (const char* m : { "arrived_algeria", "mean_journey_days", "died" }) {
    const auto p_crn = engine::stats::paired(base.column(m), crn.column(m));
    const auto p_ind = engine::stats::paired(base.column(m), ind.column(m));
    CHECK_MESSAGE(p_crn.diff.half_width() < p_ind.diff.half_width(), m);
    CHECK_MESSAGE(p_crn.variance_reduction > 1.0, m);
  }
}

TEST_CASE("policies: closing a crossing moves the flow to the other routes")
{
  const auto base = test::run_collect(with({}), 6, 2);
  const auto closed = test::run_collect(with({ policy("close_tal_handak") }), 6, 2);
  for (const auto v : closed.column("flow_anefis_tal_handak")) {
    CHECK(v == 0.0);
  }
  for (const auto v : closed.column("flow_ber_tal_handak")) {
    CHECK(v == 0.0); // the western route ends at Tal Handak too
  }
  // Trucks that would have gone to Tal Handak go through Kidal instead: the
  // Kidal flow rises by about the displaced flow (paired, per replication).
  const auto kidal =
    engine::stats::paired(base.column("flow_anefis_kidal"), closed.column("flow_anefis_kidal"));
  const auto tal = engine::stats::summarise(base.column("flow_anefis_tal_handak"));
  CHECK(kidal.diff.mean > 0.9 * tal.mean);
  CHECK(kidal.diff.ci95_low > 0.0);
}

TEST_CASE("policies: overlays compose in the order given")
{
  const auto a = write_overlay(
    "set2", "policy: set_two\nchanges:\n  - set: {parameters.hubs.smuggling_hub.passeur_fee: 20000}\n");
  const auto b = write_overlay(
    "triple", "policy: triple\nchanges:\n  - scale: {parameters.hubs.smuggling_hub.passeur_fee: 3}\n");
  auto fee = [](const engine::Scenario& s) {
    engine::Scenario r = s;
    engine::resolve_references(r);
    engine::config::Diagnostics d;
    const auto sc = models::mali::compile(r, d);
    REQUIRE(d.empty());
    return sc.epochs[0].p.hubs[0].passeur_fee;
  };
  CHECK(fee(with({ a, b })) == 60000); // set, then scale
  CHECK(fee(with({ b, a })) == 20000); // scale, then set
  // --set changes the baseline value the policies act on.
  CHECK(fee(with({ b }, { "parameters.hubs.smuggling_hub.passeur_fee=10000" })) == 30000);
  // A policy's own parameter can be varied with --set.
  const auto s =
    with({ policy("bus_fare_rise") }, { "policies.bus_fare_rise.parameters.fare_factor=2" });
  engine::Scenario r = s;
  engine::resolve_references(r);
  engine::config::Diagnostics d;
  const auto sc = models::mali::compile(r, d);
  REQUIRE(d.empty());
  CHECK(sc.epochs[0].segments[4].id == "bamako_gao");
  CHECK(sc.epochs[0].segments[4].fare == 40000);
  std::filesystem::remove(a);
  std::filesystem::remove(b);
}

TEST_CASE("policies: overlay errors name the overlay's file, line and column")
{
  const auto bad = write_overlay("bad", "policy: bad\n"
                                        "parameters:\n"
                                        "  factor: {value: 2, assumption: \"x\", range: [1, 3]}\n"
                                        "changes:\n"
                                        "  - scale: {parameters.bandits.hazard_scal: $factor}\n"
                                        "  - close: [tal_handk]\n"
                                        "  - scale: {parameters.places.gao.name: 2}\n");
  const std::string msg = errors_of(with({ bad }));
  CHECK(msg.find(bad + ":5:13: error: unknown key 'hazard_scal' under 'parameters.bandits'") !=
        std::string::npos);
  CHECK(msg.find("hint: did you mean 'parameters.bandits.hazard_scale'?") != std::string::npos);
  CHECK(
    msg.find(
      bad +
      ":6:13: error: unknown place or segment 'tal_handk'\n  hint: did you mean 'tal_handak'?") !=
    std::string::npos);
  CHECK(
    msg.find(
      bad + ":7:13: error: cannot scale 'parameters.places.gao.name': it is 'Gao', not a number") !=
    std::string::npos);
  // A misspelt reference to the policy's own parameters is found when loading.
  const auto ref = write_overlay("ref", "policy: ref\n"
                                        "parameters:\n"
                                        "  factor: {value: 2, assumption: \"x\", range: [1, 3]}\n"
                                        "changes:\n"
                                        "  - scale: {parameters.hubs.smuggling_hub.passeur_fee: $factr}\n");
  std::string ref_msg;
  try {
    with({ ref });
  } catch (const engine::config::ConfigError& e) {
    ref_msg = e.what();
  }
  CHECK(ref_msg == ref + ":5:56: error: unknown policy parameter '$factr' in policy 'ref'\n  hint: "
                         "did you mean '$factor'?");
  std::filesystem::remove(ref);
  const auto keys = write_overlay("keys", "policy: keys\nchangez: []\n");
  std::string keys_msg;
  try {
    with({ keys });
  } catch (const engine::config::ConfigError& e) {
    keys_msg = e.what();
  }
  CHECK(keys_msg.find(keys + ":2:1: error: unknown key 'changez' in the policy overlay\n  hint: "
                             "did you mean 'changes'?") != std::string::npos);
  std::filesystem::remove(bad);
  std::filesystem::remove(keys);
}

TEST_SUITE_END();
