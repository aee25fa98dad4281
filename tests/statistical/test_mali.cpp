// The Mali route model: what goes in comes out, money and migrants are
// conserved, convoys share their fate, changes take effect on their day, the
// network is data. Fixed seeds; statistical tolerances in standard errors.
#include "passage/config/path.hpp"
#include "passage/stats/tally.hpp"
#include "support.hpp"

#include <cmath>
#include <cstring>
#include <doctest/doctest.h>
#include <map>
#include <numeric>
#include <set>

using namespace passage;

namespace {

const char* kMali = "configs/mali-2016.yaml";

double total(const std::vector<double>& v)
{
  return std::accumulate(v.begin(), v.end(), 0.0);
}

std::vector<engine::TraceRecord> records(const test::Collected& c, const std::string& event)
{
  std::vector<engine::TraceRecord> out;
  for (const auto& r : c.totals.trace) {
    if (r.event == event) {
      out.push_back(r);
    }
  }
  return out;
}

} // namespace

TEST_SUITE_BEGIN("statistical");

TEST_CASE("mali: migrants and money are conserved in every replication")
{
  const auto s = test::scenario_from_file(kMali);
  const auto r = test::run_collect(s, 6, 2);
  const auto migrants = r.column("migrants");
  std::vector<std::string> outcomes = { "arrived_algeria", "exited_niger", "died",
                                        "abandoned",       "turned_back",  "in_transit" };
  std::vector<std::string> origins = { "guinea",  "mali",         "gambia",
                                       "senegal", "cote_divoire", "other" };
  std::vector<std::string> actors = { "state_security",  "bus_companies",    "smugglers",
                                      "ghetto_chairmen", "passport_network", "transporters",
                                      "armed_groups",    "bandits",          "kidnappers" };
  for (std::size_t i = 0; i < migrants.size(); ++i) {
    double ended = 0.0;
    for (const auto& o : outcomes) {
      ended += r.column(o)[i];
    }
    CHECK(ended == migrants[i]); // each migrant in exactly one outcome
    double entered = 0.0;
    for (const auto& o : origins) {
      entered += r.column("entered_" + o)[i];
    }
    CHECK(entered == migrants[i]);
    double revenue = 0.0;
    for (const auto& a : actors) {
      revenue += r.column("revenue_" + a)[i];
    }
    CHECK(revenue == r.column("paid_total")[i]); // every CFA to exactly one actor
    // What migrants had (budgets, earnings, family money) = what they paid + what they hold.
    CHECK(r.column("cash_budgets")[i] + r.column("cash_earned")[i] +
            r.column("family_transfers")[i] ==
          r.column("paid_total")[i] + r.column("cash_held")[i]);
    // The ransom is 300,000 CFA (report §4), and only ransoms reach kidnappers.
    CHECK(r.column("revenue_kidnappers")[i] == 300000.0 * r.column("ransoms_paid")[i]);
    CHECK(r.column("family_transfers")[i] == r.column("revenue_kidnappers")[i]);
  }
}

TEST_CASE("mali: the origin mix comes out as it went in (report §2 Box 1)")
{
  const auto s = test::scenario_from_file(kMali);
  const auto r = test::run_collect(s, 10, 2);
  const double n = total(r.column("migrants"));
  // Binomial SE of a share over all migrants of all replications; 5 sigma.
  const std::map<std::string, double> shares = { { "guinea", 0.49 },       { "mali", 0.27 },
                                                 { "gambia", 0.13 },       { "senegal", 0.05 },
                                                 { "cote_divoire", 0.04 }, { "other", 0.02 } };
  for (const auto& [o, p] : shares) {
    const double got = total(r.column("entered_" + o)) / n;
    CHECK_MESSAGE(std::fabs(got - p) < 5 * std::sqrt(p * (1 - p) / n),
                  o << ": " << got << " vs " << p);
  }
  // The arrival rate: 35,000 a year (Poisson: SE of the mean count sqrt(35000/R)).
  const double mean = n / 10.0;
  CHECK(std::fabs(mean - 35000.0) < 5 * std::sqrt(35000.0 / 10.0));
  // Niger-bound migrants (9%) leave at Gao: they are the only ones exiting to Niger.
  const double niger = total(r.column("exited_niger")) / n;
  CHECK(niger < 0.09);
  CHECK(niger > 0.06);
}

TEST_CASE(
  "mali: tolls, taxes, passport rents, checkpoint fees and ransoms as the report gives them")
{
  const auto s = test::scenario_from_file(kMali);
  const auto r = test::run_collect(s, 1, 1, engine::Stepping::Inline, 0, 0, 5000);
  const auto tolls = records(r, "roadblock toll");
  REQUIRE(tolls.size() > 10000);
  for (const auto& t : tolls) {
    REQUIRE(t.amount >= 1); // a migrant short of cash pays what he has
    REQUIRE(t.amount <= 5000);
    REQUIRE(t.actor == "state_security");
  }
  // Tolls paid in full span the report's 1,000-5,000 CFA.
  std::int64_t lo = 1 << 30;
  std::int64_t hi = 0;
  for (const auto& t : tolls) {
    lo = std::min(lo, t.amount);
    hi = std::max(hi, t.amount);
  }
  CHECK(hi > 4990);
  const auto taxes = records(r, "Gao gendarmes tax him");
  REQUIRE(!taxes.empty());
  for (const auto& t : taxes) {
    CHECK(t.amount <= 5000);
  }
  const auto rents = records(r, "obtains a false Malian passport");
  REQUIRE(!rents.empty());
  for (const auto& t : rents) {
    CHECK(t.amount >= 50 * 667); // 50-200 EUR at 667 CFA per EUR
    CHECK(t.amount <= 200 * 667);
  }
  const auto checkpoints = records(r, "armed-group checkpoint");
  REQUIRE(checkpoints.size() > 1000);
  std::size_t full = 0;
  for (const auto& t : checkpoints) {
    CHECK(t.amount <= 5000);
    CHECK(t.actor == "armed_groups");
    full += t.amount == 5000 ? 1 : 0;
  }
  CHECK(full > checkpoints.size() * 9 / 10); // 5,000 CFA per migrant per checkpoint (report §4)
  const auto ransoms = records(r, "the family pays the ransom to kidnappers");
  REQUIRE(!ransoms.empty());
  for (const auto& t : ransoms) {
    CHECK(t.amount == 300000);
    CHECK(t.actor == "kidnappers");
  }
}

TEST_CASE("mali: an attack hits the whole truck at once")
{
  // Many attacks: hazard x20. Passengers of one truck are attacked at the same
  // instant; all of them are robbed, or all of them pay off.
  const auto s = test::scenario_from_file(kMali, { "parameters.bandits.hazard_scale=20" });
  const auto r = test::run_collect(s, 1, 1, engine::Stepping::Inline, 0, 0, 6000);
  std::map<double, std::set<std::string>> kinds;
  std::map<double, std::size_t> sizes;
  for (const auto& t : r.totals.trace) {
    if (t.event == "robbed" || t.event == "bandits stop the ride: pay-off") {
      kinds[t.time].insert(t.event);
      ++sizes[t.time];
    }
  }
  REQUIRE(kinds.size() > 20);
  std::size_t shared = 0;
  std::set<std::string> seen;
  for (const auto& [time, k] : kinds) {
    CHECK(k.size() == 1); // one outcome per attack
    seen.insert(k.begin(), k.end());
    shared += sizes[time] > 1 ? 1 : 0;
  }
  CHECK(shared > kinds.size() / 2); // most attacks hit several migrants at once
  CHECK(seen.size() == 2);          // both kinds occur
}

TEST_CASE("mali: a scheduled change takes effect on its day")
{
  // A smaller flow, traced whole.
  auto s = test::scenario_from_file(kMali, { "parameters.flows.mali_route.annual_migrants=6000" });
  engine::config::Diagnostics d;
  engine::config::set_path(
    s.root, "changes",
    engine::config::parse("[{from_day: 100, set: {parameters.toll_points.roadblock.demand: 0}},"
                          " {from_day: 200, close: [tal_handak]}]",
                          "changes.yaml"),
    {}, d);
  REQUIRE(d.empty());
  const auto r = test::run_collect(s, 1, 1, engine::Stepping::Inline, 0, 0, 1000000);
  const auto tolls = records(r, "roadblock toll");
  REQUIRE(!tolls.empty());
  double last = 0.0;
  for (const auto& t : tolls) {
    last = std::max(last, t.time);
  }
  CHECK(last < 100.0);
  CHECK(last > 95.0);
  std::size_t before = 0;
  for (const auto& t : r.totals.trace) {
    if (t.event == "boards a date truck to Tal Handak") {
      CHECK(t.time < 200.0);
      ++before;
    }
  }
  CHECK(before > 10);
  // Closing Tal Handak moves its flow to the other crossings: more boardings for
  // Timeiawine and Tin Zaouatene after day 200 than before, per day.
  std::size_t other_before = 0;
  std::size_t other_after = 0;
  for (const auto& t : r.totals.trace) {
    if (t.event == "boards a date truck to Timeiawine" || t.event == "boards a date truck to Tin Zaouatene") {
      (t.time < 200.0 ? other_before : other_after) += 1;
    }
  }
  CHECK(static_cast<double>(other_after) / 165.0 > 1.2 * static_cast<double>(other_before) / 200.0);
}

TEST_CASE("mali: the network is data: an extra checkpoint in YAML raises armed-group revenue")
{
  const auto base = test::scenario_from_file(kMali);
  const auto more =
    test::scenario_from_file(kMali, { "parameters.segments.gao_anefis.checkpoints={armed_group_post: 2}" });
  const auto a = test::run_collect(base, 8, 2);
  const auto b = test::run_collect(more, 8, 2);
  const auto ra = a.column("revenue_armed_groups");
  const auto rb = b.column("revenue_armed_groups");
  std::vector<double> diff;
  for (std::size_t i = 0; i < ra.size(); ++i) {
    diff.push_back(rb[i] - ra[i]);
  }
  const auto sdiff = engine::stats::summarise(diff);
  // Two more checkpoints at 5,000 CFA for everyone on the Gao trucks: about
  // 10,000 x 25,000 migrants. Paired (common random numbers), so the interval is tight.
  CHECK(sdiff.ci95_low > 1.0e8);
  CHECK(sdiff.mean > 5 * sdiff.sd / std::sqrt(8.0));
  // Nothing else about the structure moved: the same migrants entered.
  CHECK(a.column("migrants") == b.column("migrants"));
}

TEST_CASE("mali: -j1 equals -j2, and inline stepping equals event-by-event, bit for bit")
{
  const auto s =
    test::scenario_from_file(kMali, { "parameters.flows.mali_route.annual_migrants=8000" });
  const auto one = test::run_collect(s, 6, 1);
  const auto two = test::run_collect(s, 6, 2, engine::Stepping::Inline, 0, 2);
  const auto slow = test::run_collect(s, 6, 2, engine::Stepping::EventByEvent);
  REQUIRE(one.rows.size() == two.rows.size());
  CHECK(std::memcmp(one.rows.data(), two.rows.data(), one.rows.size() * sizeof(double)) == 0);
  CHECK(std::memcmp(one.rows.data(), slow.rows.data(), one.rows.size() * sizeof(double)) == 0);
  CHECK(one.totals.events == two.totals.events);
  CHECK(one.totals.events == slow.totals.events);
  for (std::size_t h = 0; h < one.totals.histograms.size(); ++h) {
    CHECK(one.totals.histograms[h].counts() == two.totals.histograms[h].counts());
    CHECK(one.totals.histograms[h].counts() == slow.totals.histograms[h].counts());
  }
}

TEST_SUITE_END();
