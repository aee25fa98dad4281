// The corridor model's steps, one at a time (issue 13 item 2). The steps are
// private to the worker (models/mali/journey.cpp), so each is tested through the
// public API on a tiny corridor of its own, written here in the corridor format
// (configs/mali-2016.yaml, docs/scenario-reference.md), built so that the answer
// is exact or has a closed form. Every corridor stops its arrivals on day 40 of
// 100 (a change), so that whoever set out has finished by the horizon unless the
// test says otherwise. Fixed seeds; a statistical check states its sigma.
#include "support.hpp"

#include <algorithm>
#include <cmath>
#include <doctest/doctest.h>
#include <map>
#include <numeric>
#include <string>
#include <vector>

using namespace passage;

namespace {

// A corridor: `body` is the rest of `parameters:` (actors, origins,
// destinations, modes, parts, places, segments), indented by two spaces.
// Arrivals at 10 a day until day `stop` (0: all along), horizon 100 days.
std::string corridor(const std::string& body,
                     const std::string& cash = "{median: 1000000, sigma: 0}", double stop = 40)
{
  std::string s = "model: mali\nseed: 2016\nhorizon_days: 100\nparameters:\n"
                  "  flows: {f: {annual_migrants: 3650}}\n"
                  "  cash: " +
                  cash + "\n" + body;
  if (stop > 0) {
    s += "changes:\n  - {from_day: " + std::to_string(stop) +
         ", set: {parameters.flows.f.annual_migrants: 0}}\n";
  }
  return s;
}

test::Collected run(const std::string& yaml, std::uint64_t replications = 4,
                    std::uint64_t trace = 0)
{
  const auto s = test::scenario_from_text(yaml, "corridor.yaml");
  return test::run_collect(s, replications, 1, engine::Stepping::Inline, 0, 0, trace);
}

double total(const std::vector<double>& v)
{
  return std::accumulate(v.begin(), v.end(), 0.0);
}

std::string replace(std::string s, const std::string& what, const std::string& with)
{
  const auto at = s.find(what);
  REQUIRE(at != std::string::npos);
  return s.replace(at, what.size(), with);
}

// The trace of replication 0, migrant by migrant, in order.
std::map<std::uint64_t, std::vector<engine::TraceRecord>> by_migrant(const test::Collected& c)
{
  std::map<std::uint64_t, std::vector<engine::TraceRecord>> out;
  for (const auto& t : c.totals.trace) {
    out[t.entity].push_back(t);
  }
  return out;
}

// Every migrant who set out has finished (the arrivals stopped early enough).
void all_finished(const test::Collected& c)
{
  const auto in_transit = c.column("in_transit");
  const auto migrants = c.column("migrants");
  for (std::size_t i = 0; i < migrants.size(); ++i) {
    REQUIRE(migrants[i] > 100);
    REQUIRE(in_transit[i] == 0);
  }
}

const std::string kBus = "  modes: {bus: {speed_km_per_day: 1000, sigma: 0}}\n";
const std::string kOneWay = "  origins: {o: {share: 1, start: a}}\n"
                            "  destinations: {d: {share: 1, exit: out}}\n";

} // namespace

TEST_SUITE_BEGIN("corridor steps");

// ---------------------------------------------------------------------------

TEST_CASE("corridor step pass_roadblock: N roadblocks demanding 2,000 each take 2,000 N a rider")
{
  const std::string body = R"(  actors:
    police: {label: police, kind: state, country: Mali}
  nationalities:
    malian: {label: Malian, citizen_of: [Mali]}
    guinean: {label: Guinean, citizen_of: [Guinea]}
  origins:
    home: {share: 0.5, start: a, nationality: malian}
    abroad: {share: 0.5, start: a, nationality: guinean}
  destinations: {d: {share: 1, exit: out}}
)" + kBus + R"(  toll_points:
    rb: {label: roadblock, forces: police, demand: DEMAND, toll: [2000, 2000], delay_hours: 0.5}
  places:
    a: {name: A, country: Guinea}
    b: {name: B, country: Mali, exit: out}
  segments:
    a_b: {from: a, to: b, mode: bus, distance_km: 1000, roadblocks: {rb: 7}}
)";
  const double n_roadblocks = 7;
  const double toll = 2000;
  SUBCASE("demand 1: every roadblock takes its toll from every rider")
  {
    const auto r = run(corridor(replace(body, "DEMAND", "1")));
    all_finished(r);
    const auto flow = r.column("flow_a_b");
    const auto revenue = r.column("revenue_police");
    for (std::size_t i = 0; i < flow.size(); ++i) {
      CHECK(flow[i] == r.column("migrants")[i]);
      CHECK(revenue[i] == toll * n_roadblocks * flow[i]);
      CHECK(r.column("out")[i] == flow[i]);
    }
  }
  SUBCASE("demand 0: nobody pays")
  {
    const auto r = run(corridor(replace(body, "DEMAND", "0")));
    all_finished(r);
    CHECK(total(r.column("revenue_police")) == 0);
    CHECK(total(r.column("paid_total")) == 0);
  }
  SUBCASE("a citizen rule applies to citizens of the forces' country only")
  {
    // The place is in Guinea, the forces are Malian: the rule follows the forces.
    const auto r = run(corridor(replace(body, "DEMAND", "{none: 0, citizen: 1}")));
    all_finished(r);
    const auto home = r.column("entered_home");
    const auto abroad = r.column("entered_abroad");
    const auto revenue = r.column("revenue_police");
    for (std::size_t i = 0; i < home.size(); ++i) {
      CHECK(abroad[i] > 0);
      CHECK(revenue[i] == toll * n_roadblocks * home[i]);
    }
  }
}

// ---------------------------------------------------------------------------

TEST_CASE("corridor step pay_checkpoint: a fee F on k checkpoints takes F k a rider, alone or "
          "aboard")
{
  const double fee = 5000;
  const double k = 3;
  SUBCASE("a lone rider")
  {
    const auto r = run(corridor(R"(  actors: {militia: {label: militia, kind: armed_group}}
)" + kOneWay + kBus + R"(  checkpoints: {post: {label: post, receiver: militia, fee: 5000, delay_hours: 1}}
  places:
    a: {name: A}
    b: {name: B, exit: out}
  segments:
    a_b: {from: a, to: b, mode: bus, distance_km: 500, checkpoints: {post: 3}}
)"));
    all_finished(r);
    const auto flow = r.column("flow_a_b");
    for (std::size_t i = 0; i < flow.size(); ++i) {
      CHECK(flow[i] == r.column("migrants")[i]);
      CHECK(r.column("revenue_militia")[i] == fee * k * flow[i]);
    }
  }
  SUBCASE("a vehicle's passengers")
  {
    const auto r = run(corridor(R"(  actors:
    militia: {label: militia, kind: armed_group}
    smugglers: {label: smugglers, kind: smuggler}
  origins: {o: {share: 1, start: g}}
  destinations: {d: {share: 1, exit: out}}
  modes: {truck: {speed_km_per_day: 500, sigma: 0}}
  checkpoints: {post: {label: post, receiver: militia, fee: 5000, delay_hours: 1}}
  hubs:
    h: {passeur_fee: 0, passeur_receiver: smugglers, passeur_networks: [o], foreign_ghetto_surcharge: 0,
        ghetto_fee_per_day: 0, ghetto_receiver: smugglers, earnings_per_day: 0, earnings_sigma: 0,
        cash_reserve: 0, max_work_days: 10}
  vehicles:
    truck: {label: truck, mode: truck, capacity: [10, 10], max_wait_days: 2, fare: 0, fare_to: smugglers}
  places:
    g: {name: G, hub: h, vehicles: [truck]}
    b: {name: B, exit: out}
  segments:
    g_b: {from: g, to: b, mode: truck, distance_km: 500, checkpoints: {post: 3}}
)"));
    all_finished(r);
    const auto flow = r.column("flow_g_b");
    for (std::size_t i = 0; i < flow.size(); ++i) {
      CHECK(r.column("trucks_dispatched")[i] > 10);
      CHECK(flow[i] == r.column("migrants")[i]);
      CHECK(r.column("revenue_militia")[i] == fee * k * flow[i]);
      CHECK(r.column("revenue_smugglers")[i] == 0);
    }
  }
}

// ---------------------------------------------------------------------------

TEST_CASE("corridor step ride/attack: a hazard h per km over d km attacks 1 - exp(-h d) of "
          "the rides")
{
  const std::string body = R"(  actors: {bandits: {label: bandits, kind: armed_group}}
)" + kOneWay + kBus + R"(  bandits:
    zones: {z: {label: bandits, receiver: bandits, robbery_share: ROBBERY, payoff: 10000, kill_probability: 0}}
  places:
    a: {name: A}
    b: {name: B, exit: out}
  segments:
    a_b: {from: a, to: b, mode: bus, distance_km: 1000, bandits: {z: 5.0e-4}}
)";
  const double h = 5.0e-4;
  const double d = 1000;
  const double p = 1.0 - std::exp(-h * d); // 0.3935
  SUBCASE("pay-offs: the share attacked, and each attacked rider pays the pay-off")
  {
    const auto r = run(corridor(replace(body, "ROBBERY", "0")), 20);
    all_finished(r);
    const double rides = total(r.column("flow_a_b"));
    const double attacks = total(r.column("convoy_attacks"));
    // Binomial: sigma = sqrt(p (1 - p) / rides), about 0.0055 for ~8,000 rides; 5 sigma.
    const double sigma = std::sqrt(p * (1 - p) / rides);
    CHECK_MESSAGE(std::fabs(attacks / rides - p) < 5 * sigma,
                  (attacks / rides) << " vs " << p << " (sigma " << sigma << ")");
    const auto a = r.column("convoy_attacks");
    for (std::size_t i = 0; i < a.size(); ++i) {
      CHECK(r.column("revenue_bandits")[i] == 10000 * a[i]);
      CHECK(r.column("killed_in_attacks")[i] == 0);
    }
  }
  SUBCASE("robbery_share 1: a robbed rider pays all his cash to the zone's receiver")
  {
    const auto r = run(corridor(replace(body, "ROBBERY", "1")));
    all_finished(r);
    const double cash = 1000000;
    const auto a = r.column("convoy_attacks");
    for (std::size_t i = 0; i < a.size(); ++i) {
      CHECK(a[i] > 0);
      CHECK(r.column("revenue_bandits")[i] == cash * a[i]);
      // Who was not robbed still holds everything.
      CHECK(r.column("cash_held")[i] == cash * (r.column("migrants")[i] - a[i]));
    }
  }
}

// ---------------------------------------------------------------------------

TEST_CASE("corridor step desert: a segment's own rate r over d km kills 1 - (1 - r)^(d/1000)")
{
  const std::string body = R"(  actors: {nobody: {label: nobody, kind: other}}
)" + kOneWay + R"(  modes:
    bus: {speed_km_per_day: 1000, sigma: 0}
    pickup: {speed_km_per_day: 500, sigma: 0}
  desert: {death_per_1000km: 0.5, modes: [pickup]}
  places:
    a: {name: A}
    b: {name: B, exit: out}
  segments:
    a_b: {from: a, to: b, mode: MODE, distance_km: 2000OVERRIDE}
)";
  auto death_share = [&](const std::string& mode, const std::string& override_rate,
                         double expected) {
    const auto r = run(corridor(replace(replace(body, "MODE", mode), "OVERRIDE", override_rate)), 10);
    all_finished(r);
    const double rides = total(r.column("flow_a_b"));
    const double died = total(r.column("died"));
    CHECK(died + total(r.column("out")) == total(r.column("migrants")));
    // Binomial: sigma = sqrt(q (1 - q) / rides), at most 0.0125 for ~4,000 rides; 5 sigma.
    const double sigma = std::sqrt(expected * (1 - expected) / rides);
    if (expected == 0) {
      CHECK(died == 0);
    } else {
      CHECK_MESSAGE(std::fabs(died / rides - expected) < 5 * sigma,
                    mode << override_rate << ": " << (died / rides) << " vs " << expected
                         << " (sigma " << sigma << ")");
    }
  };
  SUBCASE("the segment's rate overrides the default")
  {
    death_share("pickup", ", desert_death_per_1000km: 0.3", 1.0 - std::pow(1.0 - 0.3, 2.0));
  }
  SUBCASE("the default rate on a mode in desert.modes")
  {
    death_share("pickup", "", 1.0 - std::pow(1.0 - 0.5, 2.0));
  }
  SUBCASE("a mode not in desert.modes: no desert deaths")
  {
    death_share("bus", "", 0.0);
  }
}

// ---------------------------------------------------------------------------

TEST_CASE("corridor step face_gendarmes: tax, arrest and bribe, deportation, modes checked")
{
  const std::string parts = R"(  actors: {police: {label: police, kind: state, country: Mali}}
)" + kOneWay + R"(  modes:
    bus: {speed_km_per_day: 1000, sigma: 0}
    pickup: {speed_km_per_day: 500, sigma: 0}
  arrest_points:
    gendarmes: {label: gendarmes, forces: police, modes: [bus], tax: [3000, 3000], RULES}
)";
  const std::string network = R"(  places:
    a: {name: A}
    b: {name: B, country: Mali, arrest_point: gendarmes}
    c: {name: C, exit: out}
  segments:
    a_b: {from: a, to: b, mode: bus, distance_km: 500}
    b_c: {from: b, to: c, mode: bus, distance_km: 500}
)";
  SUBCASE("tax probability 1: every bus arrival is taxed")
  {
    const auto r = run(corridor(
      replace(parts, "RULES",
              "tax_probability: 1, arrest_probability: 0, bribe: 20000, bribe_to: police, "
              "detention_days: 2") +
      network));
    all_finished(r);
    const auto flow = r.column("flow_a_b");
    for (std::size_t i = 0; i < flow.size(); ++i) {
      CHECK(r.column("revenue_police")[i] == 3000 * flow[i]);
    }
  }
  SUBCASE("tax 0, arrest 1: each pays the bribe, after a detention")
  {
    const auto r = run(corridor(replace(parts, "RULES",
                                        "tax_probability: 0, arrest_probability: 1, bribe: "
                                        "20000, bribe_to: police, detention_days: 2") +
                                network),
                       4, 1000000);
    all_finished(r);
    const auto flow = r.column("flow_a_b");
    for (std::size_t i = 0; i < flow.size(); ++i) {
      CHECK(r.column("revenue_police")[i] == 20000 * flow[i]);
    }
    // The detention, from the trace: the arrest, then the bribe, later.
    double sum = 0;
    double n = 0;
    for (const auto& [uid, t] : by_migrant(r)) {
      for (std::size_t k = 0; k + 1 < t.size(); ++k) {
        if (t[k].kind == "arrest") {
          REQUIRE(t[k + 1].kind == "pay");
          CHECK(t[k + 1].amount == 20000);
          CHECK(t[k + 1].actor == "police");
          const double wait = t[k + 1].time - t[k].time;
          CHECK(wait > 0);
          sum += wait;
          n += 1;
        }
      }
    }
    REQUIRE(n == r.column("flow_a_b")[0]);
    // Exponential detentions of mean 2 days: sigma = 2 / sqrt(n), about 0.1; 5 sigma.
    CHECK(std::fabs(sum / n - 2.0) < 5 * 2.0 / std::sqrt(n));
  }
  SUBCASE("deport_to: an arrested migrant is sent to the named place, and goes on from there")
  {
    // Two ways from a: through the gendarmes at b, or through e. Whoever is arrested
    // at b is deported to e, and leaves through e.
    const auto r = run(corridor(replace(parts, "RULES",
                                        "tax_probability: 0, arrest_probability: 1, "
                                        "detention_days: 1, deport_to: e") +
                                R"(  places:
    a: {name: A}
    b: {name: B, country: Mali, arrest_point: gendarmes}
    e: {name: E}
    c: {name: C, exit: out}
  segments:
    a_b: {from: a, to: b, mode: bus, distance_km: 500}
    a_e: {from: a, to: e, mode: bus, distance_km: 500}
    b_c: {from: b, to: c, mode: bus, distance_km: 500}
    e_c: {from: e, to: c, mode: bus, distance_km: 500}
)"),
                       4, 1000000);
    all_finished(r);
    const auto migrants = r.column("migrants");
    for (std::size_t i = 0; i < migrants.size(); ++i) {
      CHECK(r.column("flow_a_b")[i] > 0);
      CHECK(r.column("flow_b_c")[i] == 0);
      CHECK(r.column("flow_e_c")[i] == migrants[i]);
      CHECK(r.column("out")[i] == migrants[i]);
      CHECK(r.column("revenue_police")[i] == 0); // deported, not bought out
    }
    double deported = 0;
    for (const auto& t : r.totals.trace) {
      if (t.kind == "deported") {
        CHECK(t.detail == "to=e");
        deported += 1;
      }
    }
    CHECK(deported == r.column("flow_a_b")[0]);
  }
  SUBCASE("an arrival by a mode not in `modes` is never checked")
  {
    const auto r = run(corridor(
      replace(parts, "RULES",
              "tax_probability: 1, arrest_probability: 1, bribe: 20000, bribe_to: police, "
              "detention_days: 2") +
      R"(  places:
    a: {name: A}
    b: {name: B, country: Mali, arrest_point: gendarmes}
    c: {name: C, exit: out}
  segments:
    a_b: {from: a, to: b, mode: bus, distance_km: 500}
    a_b_pickup: {from: a, to: b, mode: pickup, distance_km: 500}
    b_c: {from: b, to: c, mode: bus, distance_km: 500}
)"));
    all_finished(r);
    const auto flow = r.column("flow_a_b");
    for (std::size_t i = 0; i < flow.size(); ++i) {
      CHECK(r.column("flow_a_b_pickup")[i] > 0);
      CHECK(r.column("revenue_police")[i] == 3000 * flow[i]);
    }
  }
}

// A deported migrant who comes back to the same arrest point meets it afresh:
// with arrest probability q, each visit ends in an arrest with probability q, so
// he rides a -> b 1 / (1 - q) times on average. (The gendarmes' draws are keyed
// by the place and the migrant only, so a migrant arrested once is arrested at
// every return, and loops until the runtime guard stops the run.)
TEST_CASE("corridor step face_gendarmes: a deported migrant who returns is checked afresh, and "
          "rides afresh")
{
  const auto r = run(corridor(R"(  actors: {police: {label: police, kind: state, country: Mali}}
)" + kOneWay + kBus + R"(  arrest_points:
    gendarmes: {label: gendarmes, forces: police, modes: [bus], tax: [3000, 3000],
                tax_probability: 0, arrest_probability: 0.5, detention_days: 0.5, deport_to: a}
  toll_points:
    rb: {label: roadblock, forces: police, demand: 1, toll: [1000, 900000]}
  places:
    a: {name: A}
    b: {name: B, country: Mali, arrest_point: gendarmes}
    c: {name: C, exit: out}
  segments:
    a_b: {from: a, to: b, mode: bus, distance_km: 500, roadblocks: {rb: 1}}
    b_c: {from: b, to: c, mode: bus, distance_km: 500}
)"),
                     4, 1000000);
  // His draws on a pass after a deportation are his own: the toll of a_b's
  // roadblock (uniform on 899,001 values) is drawn afresh on each pass, so no
  // migrant deported once or more pays the same toll twice (a repeat by chance:
  // about 1 in 900,000 a pair). Before passes were keyed, every pass repeated it.
  std::map<std::uint64_t, std::vector<std::int64_t>> tolls;
  for (const auto& t : r.totals.trace) {
    if (t.kind == "pay" && t.event.find("toll") != std::string::npos) {
      tolls[t.entity].push_back(t.amount);
    }
  }
  std::size_t repeated = 0;
  std::size_t twice = 0;
  for (auto& [uid, paid] : tolls) {
    twice += paid.size() > 1 ? 1 : 0;
    std::sort(paid.begin(), paid.end());
    repeated += std::adjacent_find(paid.begin(), paid.end()) != paid.end() ? 1 : 0;
  }
  REQUIRE(twice > 100);
  CHECK(repeated == 0);
  const double rides = total(r.column("flow_a_b"));
  const double n = total(r.column("migrants"));
  // Rides per migrant: geometric, mean 1 / (1 - q) = 2, variance q / (1 - q)^2 = 2;
  // sigma = sqrt(2 / n), about 0.035; 5 sigma.
  CHECK_MESSAGE(std::fabs(rides / n - 2.0) < 5 * std::sqrt(2.0 / n), "rides per migrant "
                                                                        << (rides / n));
  // Deportations per migrant: P(30 or more) = 0.5^30.
  std::map<std::uint64_t, int> deported;
  for (const auto& t : r.totals.trace) {
    deported[t.entity] += t.kind == "deported" ? 1 : 0;
  }
  int most = 0;
  for (const auto& [uid, k] : deported) {
    most = std::max(most, k);
  }
  CHECK_MESSAGE(most < 30, "a migrant deported " << most << " times");
  CHECK(total(r.column("in_transit")) == 0);
}

// ---------------------------------------------------------------------------

TEST_CASE("corridor step meet_recruiter: share 1 takes the fee once per migrant, past two "
          "recruiters")
{
  const auto r = run(corridor(R"(  actors: {smugglers: {label: smugglers, kind: smuggler}}
)" + kOneWay + kBus + R"(  recruiters: {cokseur: {label: cokseur, share: 1, fee: 10000, receiver: smugglers}}
  places:
    a: {name: A, recruiters: cokseur}
    b: {name: B, recruiters: cokseur}
    c: {name: C, exit: out}
  segments:
    a_b: {from: a, to: b, mode: bus, distance_km: 500}
    b_c: {from: b, to: c, mode: bus, distance_km: 500}
)"));
  all_finished(r);
  const auto migrants = r.column("migrants");
  for (std::size_t i = 0; i < migrants.size(); ++i) {
    CHECK(r.column("flow_b_c")[i] == migrants[i]); // all passed both recruiters
    CHECK(r.column("revenue_smugglers")[i] == 10000 * migrants[i]);
  }
}

// ---------------------------------------------------------------------------

TEST_CASE("corridor step buy_papers: a pool of P serves exactly P before any return, and the class "
          "issued is what later parts see")
{
  const std::string body = R"(  actors:
    sellers: {label: sellers, kind: other}
    police: {label: police, kind: state}
  documents:
    default: none
    classes: {none: {label: no papers}, fake: {label: false papers}}
)" + kOneWay + kBus + R"(  passport_markets:
    market: {label: false papers, issues: fake, demand: {none: 1, fake: 0}, price: [5000, 5000],
             pool: 50, return_days: RETURN, seller: sellers}
  toll_points:
    rb: {label: roadblock, forces: police, demand: {none: 1, fake: 0}, toll: [1000, 1000]}
  places:
    a: {name: A, passport_market: market}
    b: {name: B, exit: out}
  segments:
    a_b: {from: a, to: b, mode: bus, distance_km: 500, roadblocks: {rb: 1}}
)";
  const double pool = 50;
  SUBCASE("no returns within the horizon: exactly the pool is taken")
  {
    const auto r = run(corridor(replace(body, "RETURN", "1000")));
    all_finished(r);
    const auto migrants = r.column("migrants");
    for (std::size_t i = 0; i < migrants.size(); ++i) {
      CHECK(r.column("passports_rented")[i] == pool);
      CHECK(r.column("passport_stockouts")[i] == migrants[i] - pool);
      CHECK(r.column("passport_pool_min")[i] == 0);
      CHECK(r.column("revenue_sellers")[i] == 5000 * pool);
      // Who holds the false papers passes the roadblock free; the rest pay.
      CHECK(r.column("revenue_police")[i] == 1000 * (migrants[i] - pool));
    }
  }
  SUBCASE("papers that come back are rented again")
  {
    const auto r = run(corridor(replace(body, "RETURN", "1")));
    all_finished(r);
    const auto rented = r.column("passports_rented");
    const auto migrants = r.column("migrants");
    for (std::size_t i = 0; i < rented.size(); ++i) {
      CHECK(rented[i] > pool);
      CHECK(rented[i] + r.column("passport_stockouts")[i] == migrants[i]);
      CHECK(r.column("revenue_police")[i] == 1000 * (migrants[i] - rented[i]));
    }
  }
}

// ---------------------------------------------------------------------------

TEST_CASE("corridor steps stay_in_hub and board: full vehicles, work for the fare")
{
  const std::string hub = R"(  actors:
    ghetto: {label: ghetto chairmen, kind: other}
    transport: {label: transporters, kind: transport}
  origins: {o: {share: 1, start: g}}
  destinations: {d: {share: 1, exit: out}}
  modes: {truck: {speed_km_per_day: 500, sigma: 0}}
  hubs:
    h: {passeur_fee: 0, passeur_receiver: ghetto, passeur_networks: [o], foreign_ghetto_surcharge: 0,
        ghetto_fee_per_day: 1000, ghetto_receiver: ghetto, earnings_per_day: 2000, earnings_sigma: 0,
        cash_reserve: 0, max_work_days: 180}
  vehicles:
    truck: {label: truck, mode: truck, VEHICLE, fare: 100000, fare_to: transport}
  places:
    g: {name: G, hub: h, vehicles: [truck]}
    b: {name: B, exit: out}
  segments:
    g_b: {from: g, to: b, mode: truck, distance_km: 500}
)";
  SUBCASE("capacity [c, c], no maximum wait: every vehicle leaves full")
  {
    const double c = 8;
    const auto r = run(corridor(replace(hub, "VEHICLE", "capacity: [8, 8], max_wait_days: .inf")));
    const auto trucks = r.column("trucks_dispatched");
    const auto migrants = r.column("migrants");
    for (std::size_t i = 0; i < trucks.size(); ++i) {
      REQUIRE(trucks[i] > 10);
      CHECK(r.column("mean_truck_load")[i] == c);
      CHECK(r.column("flow_g_b")[i] == c * trucks[i]);
      CHECK(r.column("out")[i] == c * trucks[i]);
      // The last few wait for a vehicle that never fills: fewer than c, in transit.
      CHECK(r.column("in_transit")[i] == migrants[i] - c * trucks[i]);
      CHECK(migrants[i] - c * trucks[i] < c);
      CHECK(r.column("worked_in_hub")[i] == 0);
    }
  }
  SUBCASE("short of cash: works until the fare is in hand, paying the ghetto")
  {
    // Cash 50,000 for a fare of 100,000: 2,000 a day earned less 1,000 a day of droit
    // de ghetto is 50 days' work, 50,000 to the ghetto, 100,000 earned. A vehicle of one
    // seat leaves at once: no ghetto fee while waiting.
    const auto r = run(corridor(replace(hub, "VEHICLE", "capacity: [1, 1], max_wait_days: 1"),
                                "{median: 50000, sigma: 0}"));
    all_finished(r);
    const auto workers = r.column("worked_in_hub");
    const auto migrants = r.column("migrants");
    for (std::size_t i = 0; i < workers.size(); ++i) {
      CHECK(workers[i] == migrants[i]);
      CHECK(r.column("mean_work_days")[i] == 50);
      CHECK(r.column("revenue_ghetto")[i] == 50000 * workers[i]);
      CHECK(r.column("cash_earned")[i] == 100000 * workers[i]);
      CHECK(r.column("revenue_transport")[i] == 100000 * workers[i]);
      CHECK(r.column("out")[i] == migrants[i]);
      CHECK(r.column("cash_held")[i] == 0);
    }
  }
}

// ---------------------------------------------------------------------------

TEST_CASE("corridor step fleet: one truck returning in R days leaves every T + R days")
{
  // A line g -> b of one day (500 km at 500 km/day, sigma 0), vehicles of one seat
  // that never wait for more, 10 arrivals a day: demand far above what the fleet
  // carries. One truck: vehicle k leaves at d_0 + k (T + R), T = 1 the ride and R
  // the return (its first passenger's arrival d_0), and waited d_k - a_k for it,
  // a_k its passenger's boarding; the droit de ghetto runs meanwhile.
  const std::string hub = R"(  actors:
    ghetto: {label: ghetto chairmen, kind: other}
    transport: {label: transporters, kind: transport}
    bandits: {label: bandits, kind: armed_group}
  origins: {o: {share: 1, start: g}}
  destinations: {d: {share: 1, exit: out}}
  modes: {truck: {speed_km_per_day: 500, sigma: 0}}
  bandits:
    zones: {z: {label: bandits, receiver: bandits, robbery_share: 0, payoff: 0, kill_probability: 0}}
  hubs:
    h: {passeur_fee: 0, passeur_receiver: ghetto, passeur_networks: [o], foreign_ghetto_surcharge: 0,
        ghetto_fee_per_day: 1000, ghetto_receiver: ghetto, earnings_per_day: 2000, earnings_sigma: 0,
        cash_reserve: 0, max_work_days: 180}
  vehicles:
    truck: {label: truck, mode: truck, capacity: [1, 1], max_wait_days: .inf, fare: 100000,
            fare_to: transport FLEET}
  places:
    g: {name: G, hub: h, vehicles: [truck]}
    b: {name: B, exit: out}
  segments:
    g_b: {from: g, to: b, mode: truck, distance_km: 500 BANDITS}
)";
  auto with = [&](const std::string& fleet, const std::string& bandits = ", bandits: {z: 0}") {
    return corridor(replace(replace(hub, "FLEET", fleet), "BANDITS", bandits));
  };
  SUBCASE("the k-th departure and the waits are the closed form")
  {
    const double ride = 1.0;
    const double back = 3.0;
    const auto r = run(with(", fleet: {trucks: 1, return_days: 3}"), 2, 60);
    const std::string line = "fleet_wait_g_b";
    const auto trace = by_migrant(r);
    double d0 = -1.0;
    double waits = 0.0;
    double ghetto = 0.0;
    std::size_t departed = 0;
    std::size_t k = 0; // the migrants in order of arrival: vehicle k is migrant k's
    for (const auto& [uid, records] : trace) {
      double boarded = -1.0;
      double unloaded = -1.0;
      for (const auto& t : records) {
        boarded = t.kind == "board" ? t.time : boarded;
        unloaded = t.kind == "unload" ? t.time : unloaded;
      }
      REQUIRE(boarded >= 0.0);
      if (d0 < 0.0) {
        d0 = boarded; // the first vehicle finds the truck at the hub
      }
      const double due = d0 + static_cast<double>(k++) * (ride + back);
      if (due > 100.0) {
        CHECK(unloaded < 0.0); // still waiting at the horizon
        continue;
      }
      REQUIRE(boarded <= due); // demand is high: every vehicle is loaded before its truck is back
      if (due + ride <= 100.0) {
        CHECK(unloaded == doctest::Approx(due + ride).epsilon(1e-12));
      }
      waits += due - boarded;
      ghetto += std::round(1000.0 * (due - boarded));
      ++departed;
    }
    REQUIRE(departed > 20);
    REQUIRE(departed < 60); // all traced, the last traced still waiting
    CHECK(r.column("trucks_dispatched")[0] == static_cast<double>(departed));
    CHECK(departed == static_cast<std::size_t>(std::floor((100.0 - d0) / (ride + back))) + 1);
    CHECK(r.column("mean_truck_load")[0] == 1.0);
    // The tally keeps each wait to 2^-20 of a day (fixed point: sums exact in any order).
    CHECK(std::fabs(r.column(line)[0] - waits / static_cast<double>(departed)) <= 0x1p-20);
    CHECK(r.column("fleet_lost_g_b")[0] == 0.0);
    // Each departed passenger paid the droit de ghetto for his wait (to the CFA).
    CHECK(std::fabs(r.column("revenue_ghetto")[0] - ghetto) <= static_cast<double>(departed));
    for (const double n : r.column("trucks_dispatched")) {
      CHECK(n >= static_cast<double>(departed) - 1);
      CHECK(n <= static_cast<double>(departed) + 1);
    }
  }
  SUBCASE("a fleet that never runs short changes nothing else, bit for bit")
  {
    // Its trucks' return draws are their own streams: the rides, fares and
    // everybody's draws are those of the unlimited line.
    const auto none = run(with(""), 3);
    const auto many =
      run(with(", fleet: {trucks: 100000, return_days: {median: 5, sigma: 0.5}}"), 3);
    REQUIRE(many.metrics.size() == none.metrics.size() + 2);
    for (const auto& m : none.metrics) {
      CHECK_MESSAGE(many.column(m.name) == none.column(m.name), m.name);
    }
    for (const double w : many.column("fleet_wait_g_b")) {
      CHECK(w == 0.0);
    }
  }
  SUBCASE("lost_probability 1: every attacked truck is lost, and the line stops")
  {
    const auto r =
      run(with(", fleet: {trucks: 2, return_days: 3, lost_probability: 1}", ", bandits: {z: 1.0}"));
    for (std::size_t i = 0; i < 4; ++i) {
      CHECK(r.column("convoy_attacks")[i] == 2);
      CHECK(r.column("trucks_dispatched")[i] == 2);
      CHECK(r.column("fleet_lost_g_b")[i] == 2);
      CHECK(r.column("out")[i] == 2);
    }
  }
  SUBCASE("same seed, any thread count or stepping: bit-identical")
  {
    const auto s = test::scenario_from_text(
      with(", fleet: {trucks: 3, return_days: {median: 2, sigma: 0.6}, lost_probability: 0.3}",
           ", bandits: {z: 2.0e-4}"),
      "corridor.yaml");
    const auto one = test::run_collect(s, 6, 1);
    const auto two = test::run_collect(s, 6, 2);
    CHECK(one.rows == two.rows);
    // Every step through the calendar: the same (trucks are taken and given back
    // at synchronisation points only).
    const auto events = test::run_collect(s, 6, 1, engine::Stepping::EventByEvent);
    CHECK(one.rows == events.rows);
    const auto lost = one.column("fleet_lost_g_b");
    CHECK(std::accumulate(lost.begin(), lost.end(), 0.0) > 0.0);
    CHECK(one.column("fleet_wait_g_b")[0] > 0.0);
  }
}

// ---------------------------------------------------------------------------

TEST_CASE("corridor step held_hostage: at a line's end, ransoms paid or migrants abandoned")
{
  const std::string body = R"(  actors:
    kidnappers: {label: kidnappers, kind: smuggler}
    transport: {label: transporters, kind: transport}
  origins: {o: {share: 1, start: g}}
  destinations: {d: {share: 1, exit: out}}
  modes:
    truck: {speed_km_per_day: 500, sigma: 0}
    bus: {speed_km_per_day: 1000, sigma: 0}
  hubs:
    hub: {passeur_fee: 0, passeur_receiver: transport, passeur_networks: [o], foreign_ghetto_surcharge: 0,
          ghetto_fee_per_day: 0, ghetto_receiver: transport, earnings_per_day: 0, earnings_sigma: 0,
          cash_reserve: 0, max_work_days: 10}
  vehicles:
    truck: {label: truck, mode: truck, capacity: [5, 5], max_wait_days: 1, fare: 0, fare_to: transport}
  hostage_takers:
    k: {label: kidnappers, ransom: 300000, receiver: kidnappers, PAY, pay_delay_days: 1,
        pay_delay_sigma: 0, wait_limit_days: 5, SURVIVAL}
  places:
    g: {name: G, hub: hub, vehicles: [truck]}
    h: {name: H, hostage: {k: 1.0}}
    x: {name: X, exit: out}
  segments:
    g_h: {from: g, to: h, mode: truck, distance_km: 500}
    h_x: {from: h, to: x, mode: bus, distance_km: 500}
)";
  auto scenario = [&](const std::string& pay, const std::string& survival) {
    return corridor(
      replace(replace(body, "PAY", "pay_probability: " + pay), "SURVIVAL",
              "abandoned_survival: " + survival));
  };
  const double ransom = 300000;
  SUBCASE("pay_probability 1: every family pays, to the receiver")
  {
    const auto r = run(scenario("1", "0.5"));
    all_finished(r);
    const auto abducted = r.column("abducted");
    for (std::size_t i = 0; i < abducted.size(); ++i) {
      CHECK(abducted[i] == r.column("flow_g_h")[i]);
      CHECK(abducted[i] == r.column("migrants")[i]);
      CHECK(r.column("ransoms_paid")[i] == abducted[i]);
      CHECK(r.column("family_transfers")[i] == ransom * abducted[i]);
      CHECK(r.column("revenue_kidnappers")[i] == ransom * abducted[i]);
      CHECK(r.column("out")[i] == abducted[i]);
    }
  }
  SUBCASE("pay_probability 0: everyone is abandoned, alive or dead")
  {
    const auto r = run(scenario("0", "0.5"));
    all_finished(r);
    const auto abducted = r.column("abducted");
    for (std::size_t i = 0; i < abducted.size(); ++i) {
      CHECK(abducted[i] == r.column("migrants")[i]);
      CHECK(r.column("abandoned")[i] + r.column("died")[i] == abducted[i]);
      CHECK(r.column("abandoned")[i] > 0);
      CHECK(r.column("died")[i] > 0);
      CHECK(r.column("ransoms_paid")[i] == 0);
      CHECK(r.column("revenue_kidnappers")[i] == 0);
      CHECK(r.column("out")[i] == 0);
    }
  }
  SUBCASE("pay_probability 0, abandoned_survival 1: everyone abandoned survives")
  {
    const auto r = run(scenario("0", "1"));
    all_finished(r);
    const auto abducted = r.column("abducted");
    for (std::size_t i = 0; i < abducted.size(); ++i) {
      CHECK(r.column("abandoned")[i] == abducted[i]);
      CHECK(r.column("died")[i] == 0);
    }
  }
}

// ---------------------------------------------------------------------------

TEST_CASE("corridor step cross_border: interception, push-back and retries, and a crossing that "
          "is no exit")
{
  const std::string parts = R"(  actors: {smugglers: {label: smugglers, kind: smuggler}}
)" + kOneWay + kBus + R"(  borders:
    bx: {label: border, interception: CATCH, retry_probability: 1, retry_days: 1, retry_fee: 15000,
         retry_receiver: smugglers, max_attempts: 3}
)";
  const std::string terminal = R"(  places:
    a: {name: A}
    c: {name: C, crossing: {border: bx, exit: out}}
  segments:
    a_c: {from: a, to: c, mode: bus, distance_km: 500}
)";
  SUBCASE("interception 0: everyone crosses at the first attempt")
  {
    const auto r = run(corridor(replace(parts, "CATCH", "0") + terminal));
    all_finished(r);
    const auto migrants = r.column("migrants");
    for (std::size_t i = 0; i < migrants.size(); ++i) {
      CHECK(r.column("intercepted")[i] == 0);
      CHECK(r.column("out")[i] == migrants[i]);
      CHECK(r.column("revenue_smugglers")[i] == 0);
    }
  }
  SUBCASE("interception 1, 3 attempts, always retrying: 3 interceptions each, all turn back")
  {
    const auto r = run(corridor(replace(parts, "CATCH", "1") + terminal));
    all_finished(r);
    const auto migrants = r.column("migrants");
    for (std::size_t i = 0; i < migrants.size(); ++i) {
      CHECK(r.column("intercepted")[i] == 3 * migrants[i]);
      CHECK(r.column("turned_back")[i] == migrants[i]);
      CHECK(r.column("out")[i] == 0);
      CHECK(r.column("revenue_smugglers")[i] == 2 * 15000 * migrants[i]); // two retries
    }
  }
  SUBCASE("a crossing without exit: the journey goes on to a later exit")
  {
    const auto r = run(corridor(replace(parts, "CATCH", "0") + R"(  places:
    a: {name: A}
    c: {name: C, crossing: {border: bx}}
    x: {name: X, exit: out}
  segments:
    a_c: {from: a, to: c, mode: bus, distance_km: 500}
    c_x: {from: c, to: x, mode: bus, distance_km: 500}
)"));
    all_finished(r);
    const auto migrants = r.column("migrants");
    for (std::size_t i = 0; i < migrants.size(); ++i) {
      CHECK(r.column("flow_c_x")[i] == migrants[i]);
      CHECK(r.column("out")[i] == migrants[i]);
    }
  }
}

// ---------------------------------------------------------------------------

TEST_CASE("corridor steps set_out and finish: migrants and money are conserved exactly")
{
  // Every part at once, lognormal cash, arrivals all along (some are still on the
  // way at the horizon): each migrant ends in one outcome or in transit, and every
  // CFA is accounted for, in every replication.
  const std::string body = R"(  actors:
    police: {label: police, kind: state, country: Mali}
    smugglers: {label: smugglers, kind: smuggler}
    ghetto: {label: ghetto chairmen, kind: other}
    transport: {label: transporters, kind: transport}
    militia: {label: militia, kind: armed_group}
    kidnappers: {label: kidnappers, kind: smuggler}
  documents:
    default: none
    classes: {none: {label: no papers}, fake: {label: false papers}}
  nationalities:
    malian: {label: Malian, citizen_of: [Mali]}
    other: {label: other, citizen_of: []}
  origins:
    home: {share: 0.3, start: a, nationality: malian}
    abroad: {share: 0.7, start: a, nationality: other}
  destinations:
    north: {share: 0.25, exit: north_exit}
    east: {share: 0.75, exit: east_exit}
  modes:
    bus: {speed_km_per_day: 700, sigma: 0.25, fare_to: transport}
    truck: {speed_km_per_day: 200, sigma: 0.35}
  toll_points:
    rb: {label: roadblock, forces: police, demand: {none: 0.9, fake: 0.3, citizen: 0.1}, toll: [1000, 5000], delay_hours: 0.5}
  checkpoints: {post: {label: post, receiver: militia, fee: 5000, delay_hours: 1}}
  bandits:
    zones: {z: {label: bandits, receiver: militia, robbery_share: 0.5, payoff: 10000, kill_probability: 0.2}}
  desert: {death_per_1000km: 0.05, modes: [truck]}
  arrest_points:
    gendarmes: {label: gendarmes, forces: police, modes: [bus], tax: [2000, 5000], tax_probability: 0.5,
                arrest_probability: 0.3, bribe: 20000, bribe_to: police, detention_days: 2}
  recruiters: {cokseur: {label: cokseur, share: 0.8, fee: 10000, receiver: smugglers}}
  passport_markets:
    market: {label: false papers, issues: fake, demand: {none: 0.5, fake: 0, citizen: 0}, price: [20000, 60000],
             pool: 30, return_days: 10, seller: smugglers}
  hubs:
    h: {passeur_fee: 25000, passeur_receiver: smugglers, passeur_networks: [home], foreign_ghetto_surcharge: 0.5,
        ghetto_fee_per_day: 1000, ghetto_receiver: ghetto, earnings_per_day: 2000, earnings_sigma: 0.4,
        cash_reserve: 30000, max_work_days: 60}
  vehicles:
    truck: {label: truck, mode: truck, capacity: [5, 15], max_wait_days: 5,
            fare: {none: 100000, fake: 100000, citizen: 30000}, fare_to: transport,
            protection: {probability: 0.5, fare_share: 0.2, hazard_factor: 0.3, receiver: militia}}
  hostage_takers:
    k: {label: kidnappers, ransom: 300000, receiver: kidnappers, pay_probability: 0.6, pay_delay_days: 10,
        pay_delay_sigma: 0.6, wait_limit_days: 30, abandoned_survival: 0.5}
  borders:
    bx: {label: border, interception: {none: 0.3, fake: 0.1}, retry_probability: 0.7, retry_days: 5,
         retry_fee: 15000, retry_receiver: smugglers, max_attempts: 4}
  places:
    a: {name: A, country: Mali, passport_market: market, recruiters: cokseur}
    g: {name: G, country: Mali, hub: h, vehicles: [truck], arrest_point: gendarmes}
    k1: {name: K, country: Mali, ghetto_stop_days: 1}
    c: {name: C, crossing: {border: bx, exit: north_exit}, hostage: {k: 0.3}}
    e: {name: E, exit: east_exit}
  segments:
    a_g: {from: a, to: g, mode: bus, distance_km: 1200, fare: 20000, roadblocks: {rb: 10}}
    g_k1: {from: g, to: k1, mode: truck, distance_km: 300, checkpoints: {post: 2}, bandits: {z: 1.0e-3}}
    k1_c: {from: k1, to: c, mode: truck, distance_km: 400, bandits: {z: 1.0e-3}, desert_death_per_1000km: 0.1}
    g_e: {from: g, to: e, mode: bus, distance_km: 200, fare: 7500, roadblocks: {rb: 3}}
)";
  const auto r = run(corridor(body, "{median: 200000, sigma: 0.8}", 0), 6, 1000000);
  const std::vector<std::string> outcomes = { "north_exit", "east_exit", "died", "abandoned",
                                              "turned_back", "in_transit" };
  const std::vector<std::string> actors = { "police",  "smugglers", "ghetto",
                                            "transport", "militia", "kidnappers" };
  const auto migrants = r.column("migrants");
  bool some_in_transit = false;
  for (std::size_t i = 0; i < migrants.size(); ++i) {
    double ended = 0;
    for (const auto& o : outcomes) {
      ended += r.column(o)[i];
    }
    CHECK(ended == migrants[i]);
    CHECK(r.column("entered_home")[i] + r.column("entered_abroad")[i] == migrants[i]);
    double revenue = 0;
    for (const auto& a : actors) {
      revenue += r.column("revenue_" + a)[i];
    }
    CHECK(revenue == r.column("paid_total")[i]);
    CHECK(r.column("cash_budgets")[i] + r.column("cash_earned")[i] +
            r.column("family_transfers")[i] ==
          r.column("paid_total")[i] + r.column("cash_held")[i]);
    CHECK(r.column("family_transfers")[i] == 300000 * r.column("ransoms_paid")[i]);
    some_in_transit = some_in_transit || r.column("in_transit")[i] > 0;
    // Every part acted (the identities above are not vacuous).
    for (const auto& m : { "died", "abandoned", "turned_back", "north_exit", "east_exit",
                           "ransoms_paid", "worked_in_hub", "passports_rented", "intercepted",
                           "convoy_attacks", "trucks_dispatched" }) {
      CHECK_MESSAGE(r.column(m)[i] > 0, m);
    }
  }
  CHECK(some_in_transit);
  // set_out draws each migrant's destination from the mix: a quarter go north.
  // Binomial: sigma = sqrt(0.25 0.75 / n), about 0.008 for ~2,200 migrants; 5 sigma.
  double north = 0;
  for (const auto& t : r.totals.trace) {
    if (t.kind == "set_out") {
      north += t.detail.find("destination=north;") != std::string::npos ? 1 : 0;
    }
  }
  const double n = migrants[0];
  CHECK(std::fabs(north / n - 0.25) < 5 * std::sqrt(0.25 * 0.75 / n));
}

TEST_SUITE_END();
