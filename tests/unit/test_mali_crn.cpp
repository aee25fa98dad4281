// Common random numbers in the Mali model (issue 19): a change in the number of
// checkpoints or roadblocks, or in the attack hazard, on one segment leaves every
// draw of every other mechanism bit-identical: the hostage decision of each convoy,
// its travel times, attacks and ghetto stays, and every migrant's draws, on a lone
// ride or aboard. Checked on the log of every draw the worker makes
// (models/mali/journey.hpp, Draw), replication by replication.
#include "mali/journey.hpp"
#include "mali/scenario.hpp"
#include "passage/run/overlay.hpp"
#include "passage/stats/tally.hpp"
#include "support.hpp"

#include <algorithm>
#include <cstring>
#include <doctest/doctest.h>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>

using namespace passage;
using models::mali::Draw;

namespace {

// A smaller year, so that the log of every draw stays small (~0.3 M draws).
const std::vector<std::string> kSmall = { "parameters.flows.mali_route.annual_migrants=6000" };

using Key =
  std::tuple<std::string_view, std::uint64_t, std::uint64_t, std::uint64_t, std::uint64_t>;

struct Log
{
  std::vector<std::pair<Key, double>> value; // sorted by key, one entry per key
  std::map<std::string, std::size_t> count;  // distinct draws of each kind

  const double* find(const Key& k) const
  {
    const auto it = std::lower_bound(value.begin(), value.end(), k,
                                     [](const auto& e, const Key& x) { return e.first < x; });
    return it != value.end() && it->first == k ? &it->second : nullptr;
  }
};

bool same_bits(double a, double b)
{
  return std::memcmp(&a, &b, sizeof(double)) == 0;
}

std::vector<std::string> with(std::vector<std::string> sets)
{
  sets.insert(sets.begin(), kSmall.begin(), kSmall.end());
  return sets;
}

Log draws_of(const std::vector<std::string>& sets, std::uint64_t replication)
{
  engine::Scenario s = test::scenario_from_file("configs/mali-2016.yaml", with(sets));
  engine::resolve_references(s);
  engine::config::Diagnostics d;
  const auto sc = models::mali::compile(s, d);
  REQUIRE(d.empty());
  std::vector<Draw> draws;
  auto w = models::mali::make_worker(sc, engine::WorkerOptions{ s.seed }, &draws);
  std::vector<double> row(models::mali::metric_list(sc).size());
  std::vector<engine::stats::Histogram> hist;
  for (const auto& h : models::mali::histogram_list()) {
    hist.emplace_back(h.lo, h.hi, h.bins);
  }
  engine::ReplicationOutput out{ row, hist, 0, nullptr };
  w->run(replication, out);
  Log log;
  log.value.reserve(draws.size());
  for (const auto& x : draws) {
    log.value.emplace_back(Key{ x.kind, x.owner, x.vehicle, x.where, x.index }, x.value);
  }
  std::stable_sort(log.value.begin(), log.value.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::size_t n = 0;
  for (std::size_t i = 0; i < log.value.size(); ++i) {
    if (n > 0 && log.value[n - 1].first == log.value[i].first) {
      // A draw made twice (a migrant back on a segment) is the same number twice.
      CHECK_MESSAGE(same_bits(log.value[n - 1].second, log.value[i].second),
                    std::get<0>(log.value[i].first));
      continue;
    }
    log.value[n++] = log.value[i];
    ++log.count[std::string(std::get<0>(log.value[i].first))];
  }
  log.value.resize(n);
  return log;
}

struct Shared
{
  std::map<std::string, std::size_t> same;
  std::map<std::string, std::size_t> different;
};

// Every draw both runs made, compared bit for bit, by kind.
Shared compare(const Log& a, const Log& b)
{
  Shared r;
  for (const auto& [k, v] : a.value) {
    if (const double* w = b.find(k)) {
      ++(same_bits(v, *w) ? r.same : r.different)[std::string(std::get<0>(k))];
    }
  }
  return r;
}

// No draw differs, and most draws of each kind named are shared (so the check is
// not vacuous: the runs went the same way, with the same trucks; what the change
// removes, e.g. a checkpoint's delays, is at most a fifth of its kind here).
void check_paired(const Log& a, const Log& b, const std::set<std::string>& kinds)
{
  const Shared r = compare(a, b);
  auto same_of = [&](const std::string& kind) {
    const auto it = r.same.find(kind);
    return it == r.same.end() ? std::size_t{ 0 } : it->second;
  };
  for (const auto& [kind, n] : r.different) {
    CHECK_MESSAGE(n == 0, n << " draws of kind " << kind << " differ (of " << n + same_of(kind)
                            << " shared)");
  }
  for (const auto& kind : kinds) {
    INFO("kind " << kind);
    REQUIRE(a.count.count(kind) == 1);
    const auto same = same_of(kind);
    CHECK(same >= 50);
    CHECK(static_cast<double>(same) >= 0.8 * static_cast<double>(a.count.at(kind)));
  }
}

const std::set<std::string> kConvoy = { "convoy.escort",     "convoy.travel", "convoy.attack",
                                        "convoy.checkpoint", "convoy.ghetto", "convoy.hostage",
                                        "truck.capacity" };
const std::set<std::string> kMigrant = { "profile",     "route",          "ride.travel",
                                         "ride.attack", "ride.roadblock", "ride.checkpoint",
                                         "gendarmes",   "desert",         "ransom",
                                         "border",      "arrival" };

} // namespace

TEST_SUITE_BEGIN("unit");

TEST_CASE("mali crn: every draw is logged, once per key, and the log is the run's")
{
  const Log a = draws_of({}, 0);
  for (const auto& kind : kConvoy) {
    CHECK_MESSAGE(a.count.count(kind) == 1, kind);
  }
  for (const auto& kind : kMigrant) {
    CHECK_MESSAGE(a.count.count(kind) == 1, kind);
  }
  // The same replication twice: the same draws; another replication: none shared.
  CHECK(compare(a, draws_of({}, 0)).different.empty());
  const Shared other = compare(a, draws_of({}, 1));
  std::size_t same = 0;
  for (const auto& [kind, n] : other.same) {
    same += n;
  }
  CHECK(same < a.value.size() / 1000);
}

TEST_CASE("mali crn: one checkpoint fewer on a convoy's segment moves no other draw")
{
  // kidal_aguelhok: 2 checkpoints, the third segment of the lines to Timeiawine.
  for (const std::uint64_t r : { 0, 1 }) {
    INFO("replication " << r);
    const Log a = draws_of({}, r);
    const Log b = draws_of({ "parameters.segments.kidal_aguelhok.checkpoints.armed_group_post=1" }, r);
    check_paired(a, b, kConvoy);
    check_paired(a, b, kMigrant);
    // The checkpoint that remains keeps its delay; the one removed is gone.
    std::size_t first = 0;
    for (const auto& [k, value] : b.value) {
      if (std::get<0>(k) == "convoy.checkpoint" && std::get<4>(k) == 1 &&
          std::get<3>(k) == engine::random::substream_id("segment:kidal_aguelhok")) {
        FAIL("a second checkpoint on kidal_aguelhok after it was removed");
      }
      first += std::get<0>(k) == "convoy.checkpoint" && std::get<4>(k) == 0 &&
               std::get<3>(k) == engine::random::substream_id("segment:kidal_aguelhok");
    }
    CHECK(first > 10);
  }
}

TEST_CASE("mali crn: more checkpoints or roadblocks on a lone ride move no other draw")
{
  // ber_gao (a pickup, alone, into Gao): 1 checkpoint, no roadblocks.
  const Log a = draws_of({}, 0);
  check_paired(a, draws_of({ "parameters.segments.ber_gao.roadblocks={roadblock: 4}" }, 0), kMigrant);
  check_paired(a, draws_of({ "parameters.segments.ber_gao.checkpoints.armed_group_post=3" }, 0), kMigrant);
  check_paired(a, draws_of({ "parameters.segments.bamako_gao.roadblocks.roadblock=25" }, 0), kConvoy);
  check_paired(a, draws_of({ "parameters.segments.ber_gao.checkpoints.armed_group_post=0" }, 0), kConvoy);
}

TEST_CASE("mali crn: a higher attack hazard on one segment moves no other draw")
{
  const Log a = draws_of({}, 0);
  const Log convoy = draws_of({ "parameters.segments.kidal_aguelhok.bandits.northern_bandits=1e-3" }, 0);
  check_paired(a, convoy, kConvoy);
  check_paired(a, convoy, kMigrant);
  const Log lone = draws_of({ "parameters.segments.ber_gao.bandits.northern_bandits=1e-3" }, 0);
  check_paired(a, lone, kConvoy);
  check_paired(a, lone, kMigrant);
}

TEST_SUITE_END();
