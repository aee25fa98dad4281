// Route choice by utility and rumours (issue 15 items 1 and 2; docs/behaviour.md):
// the known answers of the constraints. The logit's shares against the
// closed form; with full information, flows split as the closed form says; with
// an information delay d, the first migrant who knows of a newly dangerous way
// chooses after the first attack plus d; with every weight at 0 the Mali
// baseline is the same bit for bit. Fixed seeds; each statistical check states
// its sigma.
#include "mali/choice.hpp"
#include "passage/random/stream.hpp"
#include "passage/run/overlay.hpp"
#include "support.hpp"

#include <array>
#include <cmath>
#include <cstring>
#include <doctest/doctest.h>
#include <fstream>
#include <map>
#include <numeric>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

using namespace passage;
namespace mali = passage::models::mali;

namespace {

double total(const std::vector<double>& v)
{
  return std::accumulate(v.begin(), v.end(), 0.0);
}

// Two ways from A to the exit: a_b (weight 0.6) and a_c (weight 0.4), each
// followed by a segment to the exit. Arrivals at 10 a day until day `stop`,
// horizon 100 days. `choice` is the body of parameters.choice; `ab`, `ac` the
// rest of each way's first segment.
std::string two_ways(const std::string& choice, const std::string& ab, const std::string& ac,
                     const std::string& changes = "", double stop = 40)
{
  const std::string zones =
    ab.find("bandits") == std::string::npos
      ? ""
      : "  bandits:\n    zones:\n      z: {receiver: bandits, robbery_share: 1, payoff: 0, "
        "kill_probability: 0}\n";
  std::string s = "model: mali\nseed: 2016\nhorizon_days: 100\nparameters:\n"
                  "  flows: {f: {annual_migrants: 3650}}\n"
                  "  cash: {median: 1000000, sigma: 0}\n"
                  "  actors:\n"
                  "    bus_co: {label: bus, kind: transport}\n"
                  "    bandits: {label: bandits, kind: armed_group}\n"
                  "  origins: {o: {share: 1, start: a}}\n"
                  "  destinations: {d: {share: 1, exit: out}}\n"
                  "  modes: {bus: {speed_km_per_day: 1000, sigma: 0, fare_to: bus_co}}\n";
  s += zones;
  s += "  choice:\n" + choice;
  s += "  places:\n"
       "    a: {name: A}\n"
       "    b: {name: B}\n"
       "    c: {name: C}\n"
       "    e: {name: E, exit: out}\n"
       "  segments:\n";
  s += "    a_b: {from: a, to: b, mode: bus, distance_km: 100, weight: 0.6" + ab + "}\n";
  s += "    a_c: {from: a, to: c, mode: bus, distance_km: 100, weight: 0.4" + ac + "}\n";
  s += "    b_e: {from: b, to: e, mode: bus, distance_km: 100}\n"
       "    c_e: {from: c, to: e, mode: bus, distance_km: 100}\n"
       "changes:\n";
  s += "  - {from_day: " + std::to_string(stop) +
       ", set: {parameters.flows.f.annual_migrants: 0}}\n" + changes;
  return s;
}

test::Collected run(const std::string& yaml, std::uint64_t replications, std::uint64_t trace = 0)
{
  const auto s = test::scenario_from_text(yaml, "choice.yaml");
  return test::run_collect(s, replications, 1, engine::Stepping::Inline, 0, 0, trace);
}

// A field of a trace record's detail (key=value;...).
std::string field(const std::string& detail, const std::string& key)
{
  std::istringstream in(detail);
  std::string item;
  while (std::getline(in, item, ';')) {
    if (item.rfind(key + "=", 0) == 0) {
      return item.substr(key.size() + 1);
    }
  }
  return {};
}

// The share of a_b with the logit of two ways: base weights 0.6, 0.4 and
// utilities lowered by u_b, u_c.
double share_ab(double u_b, double u_c)
{
  const double b = 0.6 * std::exp(-u_b);
  const double c = 0.4 * std::exp(-u_c);
  return b / (b + c);
}

// configs/mali-2016.yaml with `block` at the top of parameters:, on a shorter
// horizon and warm-up (120 days each) to keep the tests quick.
std::string mali_text(const std::string& block)
{
  std::ifstream in(test::source_dir() + "/configs/mali-2016.yaml");
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  const std::string horizon = "horizon_days: {value: 365,";
  auto at = s.find(horizon);
  REQUIRE(at != std::string::npos);
  s.replace(at, horizon.size(), "horizon_days: {value: 120,");
  at = s.find("warmup_days: ");
  REQUIRE(at != std::string::npos);
  s.replace(at, s.find('\n', at) - at,
            "warmup_days: {value: 120, assumption: \"a test's\", range: [0, 730]}");
  const std::string anchor = "\nparameters:\n";
  at = s.find(anchor);
  REQUIRE(at != std::string::npos);
  s.insert(at + anchor.size(), block);
  return s;
}

} // namespace

TEST_SUITE_BEGIN("statistical");

TEST_CASE("choice: logit shares in a two-way choice with fixed utilities equal the closed form")
{
  const std::vector<double> v = { std::log(0.6) - 0.3, std::log(0.4) - 1.7 };
  const double p0 = std::exp(v[0]) / (std::exp(v[0]) + std::exp(v[1]));
  std::vector<double> shares(2);
  mali::logit_shares(v, shares);
  CHECK(shares[0] == doctest::Approx(p0).epsilon(1e-14));
  CHECK(shares[1] == doctest::Approx(1.0 - p0).epsilon(1e-14));
  // Sampled with a uniform each, as the worker does: a binomial share, within 5
  // sigma (sigma = sqrt(p (1 - p) / n) = 0.0011 for n = 200,000).
  auto s = engine::random::Stream::derive(test::seed(15), 0, 1, 0);
  const std::size_t n = 200000;
  std::size_t first = 0;
  for (std::size_t i = 0; i < n; ++i) {
    first += mali::logit_pick(v, s.uniform()) == 0 ? 1 : 0;
  }
  const double sigma = std::sqrt(p0 * (1.0 - p0) / static_cast<double>(n));
  CHECK(std::fabs(static_cast<double>(first) / static_cast<double>(n) - p0) < 5.0 * sigma);
  // Utilities far apart: no overflow, the worse way all but never.
  const std::vector<double> far = { 0.0, -800.0 };
  CHECK(mali::logit_pick(far, 0.999999) == 0);
}

TEST_CASE("choice: with full information, flows split as the closed form says")
{
  // Each way's migrants count once in its flow_ metric; the share of a_b is a
  // binomial share of all who chose at A: within 5 sigma, sigma = sqrt(p (1 - p) / n),
  // n about 400 a replication x 10 (sigma about 0.008).
  auto check_share = [](const test::Collected& r, double p) {
    const double ab = total(r.column("flow_a_b"));
    const double n = ab + total(r.column("flow_a_c"));
    REQUIRE(n > 3000);
    const double sigma = std::sqrt(p * (1.0 - p) / n);
    CHECK(std::fabs(ab / n - p) < 5.0 * sigma);
    MESSAGE("share of a_b " << ab / n << ", closed form " << p << ", sigma " << sigma);
  };
  SUBCASE("equal costs and times: the base weights' shares")
  {
    const auto r =
      run(two_ways("    weights: {money: 2, time: 1}\n", ", fare: 5000", ", fare: 5000"), 10);
    check_share(r, 0.6);
  }
  SUBCASE("equal costs, known attack risks: weights times exp(-w attack)")
  {
    const double w = 3.0;
    const auto r =
      run(two_ways("    weights: {attack: 3, money: 1}\n    information: full\n",
                   ", fare: 5000, bandits: {z: 0.001}", ", fare: 5000, bandits: {z: 0.01}"),
          10);
    check_share(r, share_ab(w * (1.0 - std::exp(-0.1)), w * (1.0 - std::exp(-1.0))));
  }
  SUBCASE("a dearer way: weights times exp(-w_money cost / 1000)")
  {
    const auto r =
      run(two_ways("    weights: {money: 0.1}\n", ", fare: 5000", ", fare: 15000"), 10);
    check_share(r, share_ab(0.1 * 5.0, 0.1 * 15.0));
  }
}

TEST_CASE("choice: with information delay d, the first migrant to know of a newly dangerous way "
          "chooses after the event plus d")
{
  // a_c is safe until day 20, then all but certainly attacked (hazard 0.05 per km
  // over 100 km). Rumours: d days late, a prior of the true risks of day 0 (none).
  for (const double d : { 3.0, 8.0 }) {
    CAPTURE(d);
    const std::string info =
      "    weights: {attack: 1000}\n    information: {delay_days: " + std::to_string(d) +
      ", memory_days: 1000, prior_weight: 1}\n";
    const auto r =
      run(two_ways(info, ", bandits: {z: 0.0}", ", bandits: {z: 0.0}",
                   "  - {from_day: 20, set: {parameters.segments.a_c.bandits.z: 0.05}}\n"),
          1, 1000000);
    double first_attack = 1e9;
    for (const auto& t : r.totals.trace) {
      if (t.kind == "attack" && t.place == "A - C") {
        first_attack = std::min(first_attack, t.time);
      }
    }
    REQUIRE(first_attack >= 20.0);
    REQUIRE(first_attack < 22.0);
    // The choices at A, in time order: which way, what each believed of a_c.
    double first_known = 1e9;
    std::size_t before = 0, before_c = 0, after = 0, after_c = 0;
    for (const auto& t : r.totals.trace) {
      if (t.kind != "choose") {
        continue;
      }
      const std::size_t c = field(t.detail, "way0") == "a_c" ? 0 : 1;
      REQUIRE(field(t.detail, "way" + std::to_string(c)) == "a_c");
      const double believed = std::stod(field(t.detail, "attack" + std::to_string(c)));
      const bool chose_c = field(t.detail, "chosen") == std::to_string(c);
      if (believed > 0.0) {
        first_known = std::min(first_known, t.time);
      }
      if (t.time < first_attack + d) {
        CHECK(believed == 0.0);
        ++before;
        before_c += chose_c ? 1 : 0;
      } else if (t.time > first_attack + d + 1.5 && t.time < first_attack + d + 15.0) {
        ++after;
        after_c += chose_c ? 1 : 0;
      }
    }
    // The first choice that knows: after event + d, and within 1.5 days of it
    // (10 arrivals a day: P(none in 1.5 days) = e^-15).
    CHECK(first_known > first_attack + d);
    CHECK(first_known < first_attack + d + 1.5);
    // Before, a_c is chosen as the base weights say (0.4; 5 sigma, n about 200,
    // sigma 0.035); after, he avoids it: a belief of about 1/100 weighs 10 against
    // it, a share of 0.4 e^-10 / 0.6, about 3e-5 (none in about 130 choices).
    REQUIRE(before > 150);
    const double p = 0.4;
    const double sigma = std::sqrt(p * (1 - p) / static_cast<double>(before));
    CHECK(std::fabs(static_cast<double>(before_c) / static_cast<double>(before) - p) < 5 * sigma);
    REQUIRE(after > 80);
    CHECK(after_c == 0);
  }
}

TEST_CASE("choice: where no way hears a story the chooser reads no rumours and does not wait "
          "for the calendar")
{
  // Neither way has bandits, a desert, hostage-takers or a crossing: nothing is
  // ever told of them, every belief is the prior (the true risks of day 0, 0
  // here), so the rumours run is the full-information run, choice for choice
  // and event for event (no synchronisation to read the knowledge state). With
  // bandits on a_c, the choices at A read it, each after a synchronisation.
  const std::string weights = "    weights: {attack: 1000, death: 1000}\n";
  const std::string rumours =
    weights + "    information: {delay_days: 3, memory_days: 100, prior_weight: 1}\n";
  const auto full = run(two_ways(weights, "", ""), 2);
  const auto quiet = run(two_ways(rumours, "", ""), 2);
  CHECK(quiet.rows == full.rows);
  CHECK(quiet.totals.events == full.totals.events);
  const auto told_full = run(two_ways(weights, ", bandits: {z: 0.0}", ", bandits: {z: 0.0001}"), 2);
  const auto told = run(two_ways(rumours, ", bandits: {z: 0.0}", ", bandits: {z: 0.0001}"), 2);
  // One synchronisation per choice at A (about 400 a replication), and a few
  // wake-ups of the belief series' watcher.
  CHECK(told.totals.events > told_full.totals.events + 600);
}

TEST_CASE("choice: with every weight at 0 the Mali baseline is the same, bit for bit")
{
  auto metrics = [](const std::string& yaml) {
    auto c = test::run_collect(test::scenario_from_text(yaml, "mali-choice.yaml"), 2, 1);
    c.rows.push_back(static_cast<double>(c.totals.events));
    return c.rows;
  };
  const auto today = metrics(mali_text(""));
  for (const std::string& block :
       { std::string("  choice: {weights: {}}\n"),
         std::string("  choice:\n    weights: {money: 0, time: 0, attack: 0, death: 0, kidnapping: "
                     "0, interception: {none: 0, malian_passport: 0, false_passport: 0}}\n"
                     "    information: {delay_days: 5, memory_days: 90, prior_weight: 10, "
                     "reach: 0.5}\n") }) {
    CAPTURE(block);
    const auto rows = metrics(mali_text(block));
    REQUIRE(rows.size() == today.size());
    std::size_t differ = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      differ += std::memcmp(&rows[i], &today[i], sizeof(double)) != 0 ? 1 : 0;
    }
    CHECK(differ == 0);
  }
}

TEST_CASE("choice: raising the Kidal road's attack risk moves trucks to Tal Handak")
{
  // Smugglers weigh the attack risk (full information); the other arm multiplies
  // the hazard of anefis_kidal by 4. Paired over the same replications: fewer
  // migrants set off on anefis_kidal and more on anefis_tal_handak in each.
  const std::string s = mali_text("  choice: {weights: {attack: 10}}\n");
  const std::string from = "bandits: {northern_bandits: {value: 2.0e-4, assumption: \"attacks per "
                           "convoy-km (contested Kidal region)\"";
  const auto at = s.find(from);
  REQUIRE(at != std::string::npos);
  std::string risky = s;
  risky.replace(at, std::string("bandits: {northern_bandits: {value: 2.0e-4").size(),
                "bandits: {northern_bandits: {value: 8.0e-4");
  const auto r0 = test::run_collect(test::scenario_from_text(s, "mali-choice.yaml"), 3, 1);
  const auto r1 = test::run_collect(test::scenario_from_text(risky, "mali-risky.yaml"), 3, 1);
  const auto k0 = r0.column("flow_anefis_kidal"), k1 = r1.column("flow_anefis_kidal");
  const auto t0 = r0.column("flow_anefis_tal_handak"), t1 = r1.column("flow_anefis_tal_handak");
  for (std::size_t i = 0; i < k0.size(); ++i) {
    CHECK(k1[i] < k0[i]);
    CHECK(t1[i] > t0[i]);
  }
}

TEST_CASE("choice: with rumours, -j1 equals -j2 and inline stepping equals event-by-event")
{
  // The knowledge state is read at synchronisation points and folded in time
  // order: whoever ran first, the same stories are heard by the same choices.
  const auto s = test::scenario_from_text(
    mali_text("  choice:\n    weights: {attack: 10, money: 0.05}\n    information: {delay_days: "
              "7, memory_days: 30, prior_weight: 5, reach: 0.7}\n"),
    "mali-rumours.yaml");
  const auto one = test::run_collect(s, 3, 1);
  const auto two = test::run_collect(s, 3, 2);
  const auto steps = test::run_collect(s, 3, 1, engine::Stepping::EventByEvent);
  REQUIRE(one.rows.size() == two.rows.size());
  REQUIRE(one.rows.size() == steps.rows.size());
  CHECK(std::memcmp(one.rows.data(), two.rows.data(), one.rows.size() * sizeof(double)) == 0);
  CHECK(std::memcmp(one.rows.data(), steps.rows.data(), one.rows.size() * sizeof(double)) == 0);
  // And the rumours do move flows (the test is not of a choice that never happens).
  const auto plain = test::run_collect(test::scenario_from_text(mali_text(""), "mali.yaml"), 3, 1);
  CHECK(total(one.column("flow_anefis_kidal")) != total(plain.column("flow_anefis_kidal")));
}

TEST_CASE("choice: a survey of the knowledge state reads what a reader would, and changes nothing")
{
  // Stories told out of time order, at two sites; a reader at cutoff 30 with
  // memory 10 (after one at 12 with memory 20: the change applies from 30).
  auto told = [](mali::Knowledge& k) {
    k.reset(2, 1);
    auto s = engine::random::Stream::derive(test::seed(15), 0, 2, 0);
    for (std::uint64_t i = 0; i < 400; ++i) {
      const double t = 40.0 * s.uniform();
      const auto site = static_cast<std::uint32_t>(i % 2);
      k.tell(t, mali::Risk::Attack, site, 1.0, s.uniform() < 0.3 ? 1.0 : 0.0, i);
    }
  };
  mali::Knowledge reader, observer;
  told(reader);
  told(observer);
  reader.catch_up(12.0, 20.0);
  observer.catch_up(12.0, 20.0);
  mali::Knowledge::Heard heard;
  observer.survey(30.0, 10.0, heard); // before anyone folds the stories of 12 to 30 in
  reader.catch_up(30.0, 10.0);
  for (std::uint32_t site = 0; site < 2; ++site) {
    CAPTURE(site);
    const auto [n, e] = reader.heard(mali::Risk::Attack, site, 30.0, 10.0);
    REQUIRE(n > 5.0);
    CHECK(heard[0][site].first == doctest::Approx(n).epsilon(1e-12));
    CHECK(heard[0][site].second == doctest::Approx(e).epsilon(1e-12));
    CHECK(mali::Knowledge::believe(heard[0][site].first, heard[0][site].second, 0.1, 4.0) ==
          doctest::Approx(reader.belief(mali::Risk::Attack, site, 0.1, 30.0, 10.0, 4.0))
            .epsilon(1e-12));
  }
  // The observer's own state is as if it had never surveyed: bit for bit.
  observer.catch_up(30.0, 10.0);
  for (std::uint32_t site = 0; site < 2; ++site) {
    const double a = reader.belief(mali::Risk::Attack, site, 0.1, 30.0, 10.0, 4.0);
    const double b = observer.belief(mali::Risk::Attack, site, 0.1, 30.0, 10.0, 4.0);
    CHECK(std::memcmp(&a, &b, sizeof(double)) == 0);
  }
  CHECK(observer.waiting() == reader.waiting());
}

TEST_CASE("choice: the belief series stay at the prior until the first attack plus d, then are "
          "the closed form of what was heard, forgotten with memory m")
{
  // Two ways from A: a_b (weight 0.6) with a known attack risk r_b = 1 - e^-0.1
  // from day 0, and a_c, safe until day 20 and then all but certainly attacked
  // (r_c = 1 - e^-5). Rumours d days late, forgotten with memory m, a prior of the
  // true risks of day 0 worth n0 = 1 story. Periods of 2 days.
  const double d = 4.0, m = 6.0, n0 = 1.0;
  const double r_b = 1.0 - std::exp(-0.1), r_c = 1.0 - std::exp(-5.0);
  const std::string info = "    weights: {attack: 20}\n    information: {delay_days: 4, "
                           "memory_days: 6, prior_weight: 1}\n";
  std::string yaml =
    two_ways(info, ", bandits: {z: 0.001}", ", bandits: {z: 0.0}",
             "  - {from_day: 20, set: {parameters.segments.a_c.bandits.z: 0.05}}\n", 70);
  const std::string horizon = "horizon_days: 100\n";
  yaml.replace(yaml.find(horizon), horizon.size(), horizon + "series_days: 2\n");
  const auto r = run(yaml, 1, 1000000);
  // The stories of each way's rides, from the trace: an attack when it happens,
  // else the arrival at the way's end (as the journeys tell them).
  struct Story
  {
    double t;
    double attacked;
  };
  std::map<std::string, std::vector<Story>> stories; // "b", "c"
  std::map<std::uint64_t, bool> attacked;
  double first_attack_c = 1e9;
  for (const auto& t : r.totals.trace) {
    for (const auto& [way, segment, end] : { std::tuple{ std::string("b"), "A - B", "B" },
                                             std::tuple{ std::string("c"), "A - C", "C" } }) {
      if (t.kind == "attack" && t.place == segment) {
        stories[way].push_back({ t.time, 1.0 });
        attacked[t.entity] = true;
        if (way == "c") {
          first_attack_c = std::min(first_attack_c, t.time);
        }
      } else if (t.kind == "arrive" && t.place == end && !attacked[t.entity]) {
        stories[way].push_back({ t.time, 0.0 });
      }
    }
  }
  REQUIRE(first_attack_c >= 20.0);
  REQUIRE(first_attack_c < 22.0);
  REQUIRE(stories["b"].size() > 100);
  // The closed form at a period's end T: N and E of the stories older than T - d,
  // faded by exp(-(T - d - t) / m); (n0 r0 + E) / (n0 + N).
  auto closed = [&](const std::vector<Story>& told, double r0, double T, double& n) {
    double e = 0.0;
    n = 0.0;
    for (const auto& s : told) {
      if (s.t < T - d) {
        const double w = std::exp(-(T - d - s.t) / m);
        n += w;
        e += s.attacked * w;
      }
    }
    return (n0 * r0 + e) / (n0 + n);
  };
  const std::size_t periods = 50;
  std::size_t known = 0, forgotten = 0, b_checked = 0;
  for (std::size_t p = 0; p < periods; ++p) {
    const double T = 2.0 * static_cast<double>(p + 1);
    CAPTURE(T);
    const double c = r.column("belief_attack_a_c[" + std::to_string(p) + "]")[0];
    const double b = r.column("belief_attack_a_b[" + std::to_string(p) + "]")[0];
    double n_c = 0.0, n_b = 0.0;
    const double want_c = closed(stories["c"], 0.0, T, n_c);
    const double want_b = closed(stories["b"], r_b, T, n_b);
    CHECK(c == doctest::Approx(want_c).epsilon(1e-9).scale(1e-12));
    CHECK(b == doctest::Approx(want_b).epsilon(1e-9).scale(1e-12));
    // The lag: a_c is believed safe (its prior, 0) exactly until the first attack + d.
    if (T - d <= first_attack_c) {
      CHECK(c == 0.0);
    } else {
      CHECK(c > 0.0);
      // Toward the true risk: the events heard, E = belief (n0 + N) (its prior is
      // 0), are r_c times the faded rides since day 20 within 5 sigma, sigma =
      // sqrt(r_c (1 - r_c) sum w^2) over those rides (before day 20: never attacked).
      double after = 0.0, w2 = 0.0;
      for (const auto& s : stories["c"]) {
        if (s.t >= 20.0 && s.t < T - d) {
          const double w = std::exp(-(T - d - s.t) / m);
          after += w;
          w2 += w * w;
        }
      }
      const double sigma = std::sqrt(r_c * (1.0 - r_c) * w2);
      CHECK(std::fabs(c * (n0 + n_c) - r_c * after) < 5.0 * sigma + 1e-9);
      known += after > 2.0 ? 1 : 0;
    }
    // Forgetting: once a_c is avoided its stories fade and so does its belief
    // (no new story: E and N fall by exp(-2 / m) a period).
    if (p > 0 && T - d > first_attack_c + 4.0) {
      const double before = r.column("belief_attack_a_c[" + std::to_string(p - 1) + "]")[0];
      double n_prev = 0.0;
      closed(stories["c"], 0.0, T - 2.0, n_prev);
      if (n_c > 0.0 && std::fabs(n_c - n_prev * std::exp(-2.0 / m)) < 1e-12 * n_prev) {
        // E_T = E_prev g and N_T = N_prev g, g = exp(-2 / m): the closed form of forgetting.
        const double g = std::exp(-2.0 / m);
        const double e_prev = before * (n0 + n_prev);
        CHECK(c == doctest::Approx(e_prev * g / (n0 + n_prev * g)).epsilon(1e-9));
        ++forgotten;
      }
    }
    // a_b's prior is its true risk: its belief is unbiased for r_b, within 5 sigma,
    // sigma = sqrt(r_b (1 - r_b) sum w^2) / (n0 + N) (the faded binomial counts).
    if (n_b > 20.0) {
      double w2 = 0.0;
      for (const auto& s : stories["b"]) {
        if (s.t < T - d) {
          w2 += std::exp(-2.0 * (T - d - s.t) / m);
        }
      }
      const double sigma = std::sqrt(r_b * (1.0 - r_b) * w2) / (n0 + n_b);
      CHECK(std::fabs(b - r_b) < 5.0 * sigma);
      ++b_checked;
    }
  }
  MESSAGE("period ends with news of a_c: " << known << ", forgetting with no news: " << forgotten
                                           << ", a_b within 5 sigma: " << b_checked);
  CHECK(known >= 5);
  CHECK(forgotten >= 3);
  CHECK(b_checked >= 10);
  // The true risk realised per period: a_c's rides before day 20 are never
  // attacked (exactly 0); after it, pooled, within 5 sigma of r_c; a_b's, pooled,
  // of r_b (sigma = sqrt(r (1 - r) / rides)).
  double rides_c = 0.0, hit_c = 0.0, rides_b = 0.0, hit_b = 0.0;
  for (const auto& s : stories["c"]) {
    CHECK((s.t < 20.0 ? s.attacked == 0.0 : true));
    rides_c += s.t >= 20.0 ? 1.0 : 0.0;
    hit_c += s.t >= 20.0 ? s.attacked : 0.0;
  }
  for (const auto& s : stories["b"]) {
    rides_b += 1.0;
    hit_b += s.attacked;
  }
  REQUIRE(rides_c > 10.0);
  CHECK(std::fabs(hit_c / rides_c - r_c) < 5.0 * std::sqrt(r_c * (1.0 - r_c) / rides_c) + 1e-12);
  CHECK(std::fabs(hit_b / rides_b - r_b) < 5.0 * std::sqrt(r_b * (1.0 - r_b) / rides_b));
  for (std::size_t p = 0; p < periods; ++p) {
    const double lo = 2.0 * static_cast<double>(p), hi = lo + 2.0;
    for (const auto& way : { std::string("b"), std::string("c") }) {
      double n = 0.0, e = 0.0;
      for (const auto& s : stories[way]) {
        if (s.t >= lo && s.t < hi) {
          n += 1.0;
          e += s.attacked;
        }
      }
      const double got = r.column("risk_attack_a_" + way + "[" + std::to_string(p) + "]")[0];
      CHECK(got == (n > 0.0 ? e / n : 0.0));
    }
  }
  // Full information, or no choice: no belief series.
  const auto full =
    run(two_ways("    weights: {attack: 20}\n", ", bandits: {z: 0.001}", ", bandits: {z: 0.0}"), 1);
  CHECK_THROWS(full.index("belief_attack_a_c[0]"));
  CHECK_THROWS(full.index("risk_attack_a_c[0]"));
}

TEST_CASE("choice: a chooser's risk cost from the cached parts equals expect()'s, bit for bit")
{
  // The chooser (the worker's choose_by_utility) keeps a way's end (deportation,
  // the interception prior) and priors per epoch and reads the beliefs inline:
  // the same number as risk_cost(expect(..., rumours, risks_only)) on every way of
  // the Mali corridor, for every class and nationality, after stories at every site.
  engine::Scenario s = test::scenario_from_file(
    "configs/mali-2016.yaml",
    { "parameters.choice={weights: {attack: 3, death: 10, kidnapping: 7, interception: 5}, "
      "information: {delay_days: 14, memory_days: 60, prior_weight: 20, prior_scale: 1.5}}" });
  engine::resolve_references(s);
  engine::config::Diagnostics d;
  const mali::CorridorScenario sc = mali::compile(s, d);
  REQUIRE(d.empty());
  const mali::Epoch& e = sc.epochs[0];
  const mali::Information& in = e.p.information;
  REQUIRE_FALSE(in.full);
  mali::Knowledge k;
  k.reset(e.segments.size(), e.places.size());
  auto u = engine::random::Stream::derive(test::seed(15), 0, 3, 0);
  std::uint64_t told = 0;
  for (int round = 0; round < 20; ++round) {
    for (std::uint32_t g = 0; g < e.segments.size(); ++g) {
      k.tell(50.0 * u.uniform(), mali::Risk::Attack, g, 1.0, u.uniform() < 0.2 ? 1.0 : 0.0, told++);
      k.tell(50.0 * u.uniform(), mali::Risk::Death, g, 20.0, u.uniform() < 0.3 ? 1.0 : 0.0, told++);
    }
    for (std::uint32_t p = 0; p < e.places.size(); ++p) {
      k.tell(50.0 * u.uniform(), mali::Risk::Kidnapping, p, 1.0, u.uniform() < 0.1 ? 1.0 : 0.0,
             told++);
      k.tell(50.0 * u.uniform(), mali::Risk::Interception, p, 1.0, u.uniform() < 0.4 ? 1.0 : 0.0,
             told++);
    }
  }
  std::size_t compared = 0;
  for (const double cutoff : { 0.0, 20.0, 41.5 }) {
    k.catch_up(cutoff, in.memory_days);
    for (const auto& ways : e.options) {
      for (const auto& w : ways) {
        const mali::WayPrior prior = mali::way_prior(sc, w);
        for (std::size_t n = 0; n < sc.nationalities.size(); ++n) {
          const auto& citizen_of = sc.nationalities[n].citizen;
          for (std::size_t c = 0; c < sc.classes.size(); ++c) {
            for (const bool home : { false, true }) {
              const auto docs = static_cast<mali::ClassId>(c);
              std::array<double, mali::kRisks> weight{};
              for (std::size_t r = 0; r < mali::kRisks; ++r) {
                weight[r] = e.p.choice.risk[r].at(docs, home);
              }
              const mali::Hearsay heard{ &k, &sc.epochs[0], &in, cutoff, &prior };
              const double slow = mali::risk_cost(
                mali::expect(sc, e, w, docs, citizen_of, &heard, true), e.p.choice, docs, home);
              const double fast = mali::rumoured_risk_cost(
                k, prior, mali::way_end(sc, e, w, docs, citizen_of), in, weight);
              CAPTURE(cutoff);
              CAPTURE(w.index);
              REQUIRE(std::memcmp(&slow, &fast, sizeof(double)) == 0);
              ++compared;
            }
          }
        }
      }
    }
  }
  CHECK(compared > 100);
}
