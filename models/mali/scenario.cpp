#include "mali/scenario.hpp"

#include "passage/config/path.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

namespace passage::models::mali {

using engine::config::Bounds;
using engine::config::Diagnostics;
using engine::config::MapReader;
using engine::config::Mark;
using engine::config::Node;
namespace cfg = engine::config;

const cfg::Closables& closables()
{
  static const cfg::Closables c{ { "parameters.places", "parameters.segments" },
                                 "place or segment" };
  return c;
}

namespace {

constexpr std::array<std::string_view, 4> kModeNames = { "bus", "pickup", "truck", "foot" };

Bounds named(Bounds b, const char* what)
{
  b.what = what;
  return b;
}

const Bounds kDays = named(cfg::kDuration, "a number of days >= 0");
const Bounds kHours = named(cfg::kNonNegative, "a number of hours >= 0");
// Weights are relative choice shares; bounded so that their sums stay finite.
const Bounds kWeight =
  named(Bounds{ 0.0, 1.0e9, false, false, false, false, "" }, "a weight in [0, 10^9]");
const Bounds kFactor = named(cfg::kNonNegative, "a factor >= 0");
const Bounds kPerKm = named(cfg::kNonNegative, "a hazard per km >= 0");
const Bounds kKm = named(cfg::kPositive, "a distance in km > 0");
const Bounds kSpeed = named(cfg::kPositive, "a speed in km per day > 0");
const Bounds kSigma =
  named(Bounds{ 0.0, 5.0, false, false, false, false, "" }, "a log-sd in [0, 5]");
const Bounds kAnnual = named(Bounds{ 0.0, 1.0e9, false, false, false, false, "" },
                             "a number of migrants per year in [0, 10^9]");
const Bounds kRoadCount =
  named(Bounds{ 0.0, 10000.0, false, false, true, false, "" }, "a whole number in [0, 10000]");

MoneyRange money_range(MapReader& r, std::string_view key)
{
  const auto [lo, hi] = r.interval(key, cfg::kMoney);
  return MoneyRange{ static_cast<std::int64_t>(std::llround(lo)),
                     static_cast<std::int64_t>(std::llround(hi)) };
}

std::int64_t money(MapReader& r, std::string_view key,
                   std::optional<double> fallback = std::nullopt)
{
  return static_cast<std::int64_t>(std::llround(r.number(key, cfg::kMoney, fallback)));
}

template<class T>
std::int32_t index_of(const std::vector<T>& v, const std::string& id)
{
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i].id == id) {
      return static_cast<std::int32_t>(i);
    }
  }
  return -1;
}

template<class T>
std::vector<std::string> ids_of(const std::vector<T>& v)
{
  std::vector<std::string> out;
  for (const auto& x : v) {
    out.push_back(x.id);
  }
  return out;
}

// A reference to a place by id, with a did-you-mean when unknown. `index` maps
// ids to places (networks may have many thousands).
std::int32_t place_ref(const Node* n, const std::vector<Place>& places,
                       const std::unordered_map<std::string, std::int32_t>& index, Diagnostics& d,
                       const std::string& what)
{
  if (n == nullptr) {
    return -1;
  }
  const Node& v = cfg::value_of(*n);
  if (!v.is_scalar()) {
    d.error(v.mark(), what + " must be a place id");
    return -1;
  }
  const auto it = index.find(v.text());
  const std::int32_t i = it == index.end() ? -1 : it->second;
  if (i < 0) {
    const auto s = cfg::did_you_mean(v.text(), ids_of(places));
    d.error(v.mark(), "unknown place '" + v.text() + "' in " + what,
            s ? "did you mean '" + *s + "'?" : "places are listed under parameters.places");
  }
  return i;
}

bool valid_metric_name(const std::string& s)
{
  if (s.empty() || !(std::islower(static_cast<unsigned char>(s[0])))) {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c)) || c == '_';
  });
}

// ---------------------------------------------------------------------------
// One epoch's parameters and network from a (changed) tree.

struct Compiled
{
  std::vector<Origin> origins;
  std::vector<Destination> destinations;
  std::vector<std::string> exits;
  Epoch epoch;
  std::vector<Mark> place_marks;
  std::vector<Mark> segment_marks;
  std::unordered_map<std::string, std::int32_t> place_index; //!< id -> epoch.places
};

void read_places(const Node& params, Compiled& c, Diagnostics& d)
{
  auto& places = c.epoch.places;
  const auto* entry = params.find_entry("places");
  if (entry == nullptr || !cfg::value_of(entry->value).is_map() ||
      cfg::value_of(entry->value).entries().empty()) {
    d.error(entry ? entry->key_mark : params.mark(),
            "the scenario needs a mapping 'places' with at least one place");
    return;
  }
  const Node& list = cfg::value_of(entry->value);
  // First pass: ids and exits, so that later references can be checked.
  for (const auto& e : list.entries()) {
    Place p;
    p.id = e.key;
    p.site = engine::random::substream_id("place:" + e.key);
    c.place_index.emplace(e.key, static_cast<std::int32_t>(places.size()));
    places.push_back(std::move(p));
    c.place_marks.push_back(e.key_mark);
  }
  std::size_t i = 0;
  for (const auto& e : list.entries()) {
    Place& p = places[i++];
    MapReader r(&cfg::value_of(e.value), e.key_mark, d, "place '" + e.key + "'",
                { "name", "country", "coordinates", "closed", "hub", "gendarmerie",
                  "passport_market", "cokseurs", "ghetto_stop_days", "hostage_probability",
                  "crossing", "exit", "note" });
    if (!r.ok()) {
      continue;
    }
    p.name = r.string("name", e.key);
    p.country = r.string("country", std::string());
    if (r.get("coordinates") != nullptr) {
      const auto xy = r.numbers("coordinates", named(cfg::kAnyNumber, "a coordinate in degrees"));
      if (xy.size() != 2 || std::fabs(xy[0]) > 90 || std::fabs(xy.size() == 2 ? xy[1] : 0) > 180) {
        d.error(r.get("coordinates")->mark(),
                "coordinates must be [latitude, longitude] in degrees");
      } else {
        p.has_coordinates = true;
        p.lat = xy[0];
        p.lon = xy[1];
      }
    }
    p.closed = r.boolean("closed", false);
    p.hub = r.boolean("hub", false);
    p.gendarmerie = r.boolean("gendarmerie", false);
    p.passport_market = r.boolean("passport_market", false);
    p.cokseurs = r.boolean("cokseurs", false);
    p.ghetto_stop_days = r.number("ghetto_stop_days", kDays, 0.0);
    p.hostage_probability = r.number("hostage_probability", cfg::kProbability, 0.0);
    auto exit_index = [&](const Node& n) -> std::int32_t {
      const Node& v = cfg::value_of(n);
      if (!v.is_scalar() || !valid_metric_name(v.text())) {
        d.error(
          v.mark(),
          "an exit is named by its outcome metric, e.g. arrived_algeria (lower case, digits, _)");
        return -1;
      }
      static const std::set<std::string> reserved = { "died", "abandoned", "turned_back",
                                                      "in_transit", "migrants" };
      if (reserved.count(v.text()) != 0) {
        d.error(v.mark(),
                "'" + v.text() + "' is a built-in outcome; name the exit after where it leads");
        return -1;
      }
      auto it = std::find(c.exits.begin(), c.exits.end(), v.text());
      if (it == c.exits.end()) {
        c.exits.push_back(v.text());
        return static_cast<std::int32_t>(c.exits.size() - 1);
      }
      return static_cast<std::int32_t>(it - c.exits.begin());
    };
    if (const Node* x = r.get("exit")) {
      p.exit = exit_index(*x);
    }
    if (const Node* cr = r.get("crossing")) {
      MapReader cr_r(&cfg::value_of(*cr), r.get("crossing")->mark(), d,
                     "the crossing at '" + e.key + "'", { "exit", "strictness", "note" });
      if (cr_r.ok()) {
        p.crossing = true;
        if (r.get("exit") != nullptr) {
          d.error(cr->mark(), "place '" + e.key + "' has both 'exit' and 'crossing'",
                  "a crossing names its exit itself: crossing: {exit: ..., strictness: ...}");
        }
        if (const Node* x = cr_r.require("exit")) {
          p.exit = exit_index(*x);
        }
        p.strictness = cr_r.number("strictness", kFactor, 1.0);
        cr_r.finish();
      }
    }
    r.finish();
  }
}

void read_segments(const Node& params, Compiled& c, Diagnostics& d)
{
  auto& segs = c.epoch.segments;
  auto& places = c.epoch.places;
  const auto* entry = params.find_entry("segments");
  if (entry == nullptr || !cfg::value_of(entry->value).is_map()) {
    d.error(entry ? entry->key_mark : params.mark(), "the scenario needs a mapping 'segments'");
    return;
  }
  for (const auto& e : cfg::value_of(entry->value).entries()) {
    Segment s;
    s.id = e.key;
    s.site = engine::random::substream_id("segment:" + e.key);
    MapReader r(&cfg::value_of(e.value), e.key_mark, d, "segment '" + e.key + "'",
                { "from", "to", "mode", "distance_km", "weight", "fare", "fare_to", "roadblocks",
                  "checkpoints", "bandit_hazard", "closed", "note" });
    c.segment_marks.push_back(e.key_mark);
    if (!r.ok()) {
      segs.push_back(std::move(s));
      continue;
    }
    const std::int32_t from =
      place_ref(r.require("from"), places, c.place_index, d, "segment '" + e.key + "' from");
    const std::int32_t to =
      place_ref(r.require("to"), places, c.place_index, d, "segment '" + e.key + "' to");
    s.from = from < 0 ? 0 : static_cast<std::uint32_t>(from);
    s.to = to < 0 ? 0 : static_cast<std::uint32_t>(to);
    if (from >= 0 && from == to) {
      d.error(r.get("to")->mark(), "segment '" + e.key + "' goes from a place to itself");
    }
    const std::string mode = r.string("mode");
    const auto m = std::find(kModeNames.begin(), kModeNames.end(), mode);
    if (m == kModeNames.end()) {
      if (r.get("mode") != nullptr) {
        std::vector<std::string> names(kModeNames.begin(), kModeNames.end());
        const auto sug = cfg::did_you_mean(mode, names);
        d.error(cfg::value_of(*r.get("mode")).mark(), "unknown mode '" + mode + "'",
                sug ? "did you mean '" + *sug + "'?" : "modes: bus, pickup, truck, foot");
      }
    } else {
      s.mode = static_cast<Mode>(m - kModeNames.begin());
    }
    s.distance_km = r.number("distance_km", kKm);
    s.weight = r.number("weight", kWeight, 1.0);
    s.closed = r.boolean("closed", false);
    s.fare = money(r, "fare", 0.0);
    s.fare_to =
      s.mode == Mode::Bus ? kBusCompanies : (s.mode == Mode::Foot ? kSmugglers : kTransporters);
    if (const Node* ft = r.get("fare_to")) {
      const std::string who = cfg::value_of(*ft).text();
      const auto a = std::find(kActorNames.begin(), kActorNames.end(), who);
      if (a == kActorNames.end()) {
        std::vector<std::string> names(kActorNames.begin(), kActorNames.end());
        const auto sug = cfg::did_you_mean(who, names);
        d.error(cfg::value_of(*ft).mark(), "unknown actor '" + who + "'",
                sug ? "did you mean '" + *sug + "'?"
                    : "actors: state_security, bus_companies, smugglers, ...");
      } else {
        s.fare_to = static_cast<Actor>(a - kActorNames.begin());
      }
    }
    if (s.mode == Mode::Truck && s.fare != 0) {
      d.error(r.get("fare")->mark(), "truck segments carry no fare of their own",
              "the truck fare is paid at the hub: parameters.hub.truck_fare_*");
    }
    s.roadblocks = static_cast<std::uint32_t>(r.integer("roadblocks", kRoadCount, 0));
    if (s.mode == Mode::Truck && s.roadblocks > 0) {
      d.error(cfg::value_of(*r.get("roadblocks")).mark(),
              "roadblocks on a truck segment are not modelled (trucks north pass the state's "
              "roadblocks by)",
              "use checkpoints: for armed-group checkpoints, or a bus or pickup segment");
    }
    s.checkpoints = static_cast<std::uint32_t>(r.integer("checkpoints", kRoadCount, 0));
    s.bandit_hazard = r.number("bandit_hazard", kPerKm, 0.0);
    r.finish();
    segs.push_back(std::move(s));
  }
  for (std::uint32_t i = 0; i < segs.size(); ++i) {
    if (segs[i].from < places.size()) {
      places[segs[i].from].out.push_back(i);
    }
  }
}

void read_params(const Node& params, const Node& root, Compiled& c, Diagnostics& d)
{
  Params& p = c.epoch.p;
  MapReader top(&params, params.mark(), d, "parameters",
                { "cfa_per_eur", "flows",  "origins", "nouakchott_share", "destinations",
                  "documents",   "cash",   "modes",   "roadblocks",       "cokseurs",
                  "gendarmerie", "hub",    "trucks",  "checkpoints",      "protection",
                  "bandits",     "desert", "hostage", "border",           "places",
                  "segments",    "notes" });
  // At most 1,000 CFA per EUR (the peg is 655.957) and 10^9 EUR: an amount in
  // EUR stays within the 10^12 CFA of any amount.
  p.cfa_per_eur =
    top.number("cfa_per_eur", named(Bounds{ 0.0, 1000.0, true, false, false, false, "" },
                                    "CFA per EUR in (0, 1000]"));
  p.nouakchott_share = top.number("nouakchott_share", cfg::kShare, 0.0);
  top.finish();
  (void)root;

  {
    auto r =
      MapReader::child(params, "documents", d, "documents",
                       { "malian_passport_share", "false_passport_demand",
                         "false_passport_rent_eur", "passport_pool", "passport_return_days" });
    p.malian_passport_share = r.number("malian_passport_share", cfg::kShare);
    p.false_passport_demand = r.number("false_passport_demand", cfg::kShare);
    const auto [lo, hi] = r.interval(
      "false_passport_rent_eur",
      named(Bounds{ 0.0, 1.0e9, false, false, false, false, "" }, "an amount of EUR in [0, 10^9]"));
    p.passport_rent = MoneyRange{ static_cast<std::int64_t>(std::llround(lo * p.cfa_per_eur)),
                                  static_cast<std::int64_t>(std::llround(hi * p.cfa_per_eur)) };
    p.passport_pool = r.integer("passport_pool", cfg::kCount);
    p.passport_return_days = r.number("passport_return_days", kDays);
    r.finish();
  }
  {
    auto r = MapReader::child(params, "cash", d, "cash", { "median", "sigma" });
    p.cash_median = r.number("median", named(Bounds{ 0.0, 1.0e12, true, false, false, false, "" },
                                             "an amount of CFA in (0, 10^12]"));
    p.cash_sigma = r.number("sigma", kSigma);
    r.finish();
  }
  {
    auto r = MapReader::child(params, "modes", d, "modes", { "bus", "pickup", "truck", "foot" });
    for (std::size_t i = 0; i < kModeNames.size(); ++i) {
      if (r.ok()) {
        auto m =
          MapReader::child(*r.node(), kModeNames[i], d, "mode '" + std::string(kModeNames[i]) + "'",
                           { "speed_km_per_day", "sigma" });
        p.modes[i].speed_km_per_day = m.number("speed_km_per_day", kSpeed);
        p.modes[i].sigma = m.number("sigma", kSigma);
        m.finish();
      }
    }
    r.finish();
  }
  {
    auto r = MapReader::child(params, "roadblocks", d, "roadblocks",
                              { "toll", "demand_foreign", "demand_malian_papers", "delay_hours" });
    p.toll = money_range(r, "toll");
    p.toll_demand[kForeign] = r.number("demand_foreign", cfg::kProbability);
    p.toll_demand[kMalianPapers] = r.number("demand_malian_papers", cfg::kProbability);
    p.roadblock_delay_days = r.number("delay_hours", kHours) / 24.0;
    r.finish();
  }
  {
    auto r = MapReader::child(params, "cokseurs", d, "cokseurs", { "share", "fee" });
    p.cokseur_share = r.number("share", cfg::kShare);
    p.cokseur_fee = money(r, "fee");
    r.finish();
  }
  {
    auto r = MapReader::child(params, "gendarmerie", d, "gendarmerie",
                              { "tax", "tax_probability_foreign", "tax_probability_malian_papers",
                                "arrest_probability", "bribe", "detention_days" });
    p.gendarme_tax = money_range(r, "tax");
    p.gendarme_tax_probability[kForeign] = r.number("tax_probability_foreign", cfg::kProbability);
    p.gendarme_tax_probability[kMalianPapers] =
      r.number("tax_probability_malian_papers", cfg::kProbability);
    p.arrest_probability = r.number("arrest_probability", cfg::kProbability);
    p.arrest_bribe = money(r, "bribe");
    p.detention_days = r.number("detention_days", kDays);
    r.finish();
  }
  {
    auto r =
      MapReader::child(params, "hub", d, "hub",
                       { "passeur_fee", "passeur_networks", "foreign_ghetto_surcharge",
                         "ghetto_fee_per_day", "earnings_per_day", "earnings_sigma", "cash_reserve",
                         "max_work_days", "truck_fare_foreign", "truck_fare_malian" });
    p.passeur_fee = money(r, "passeur_fee");
    p.passeur_network.assign(c.origins.size(), false);
    if (const Node* n = r.require("passeur_networks")) {
      cfg::read_provenance(*n, d);
      const Node& v = cfg::value_of(*n);
      if (!v.is_sequence()) {
        d.error(v.mark(), "passeur_networks must be a list of origin ids");
      } else {
        for (const auto& item : v.items()) {
          const std::int32_t o = index_of(c.origins, item.text());
          if (o < 0) {
            const auto s = cfg::did_you_mean(item.text(), ids_of(c.origins));
            d.error(item.mark(), "unknown origin '" + item.text() + "' in passeur_networks",
                    s ? "did you mean '" + *s + "'?"
                      : "origins are listed under parameters.origins");
          } else {
            p.passeur_network[static_cast<std::size_t>(o)] = true;
          }
        }
      }
    }
    p.foreign_ghetto_surcharge = r.number("foreign_ghetto_surcharge", kFactor);
    p.ghetto_fee_per_day = money(r, "ghetto_fee_per_day");
    p.earnings_per_day =
      r.number("earnings_per_day", named(cfg::kMoney, "an amount of CFA per day in [0, 10^12]"));
    p.earnings_sigma = r.number("earnings_sigma", kSigma);
    p.cash_reserve = money(r, "cash_reserve");
    p.max_work_days = r.number("max_work_days", kDays);
    p.truck_fare_foreign = money(r, "truck_fare_foreign");
    p.truck_fare_malian = money(r, "truck_fare_malian");
    r.finish();
  }
  {
    auto r = MapReader::child(params, "trucks", d, "trucks", { "capacity", "max_wait_days" });
    const auto [lo, hi] =
      r.interval("capacity", named(Bounds{ 1.0, 100000.0, false, false, true, false, "" },
                                   "a whole number of seats in [1, 100000]"));
    p.truck_capacity_lo = static_cast<std::uint32_t>(lo);
    p.truck_capacity_hi = static_cast<std::uint32_t>(hi);
    Bounds wait = named(cfg::kPositive, "a number of days > 0 (or .inf)");
    wait.allow_infinity = true;
    p.truck_max_wait = r.number("max_wait_days", wait);
    r.finish();
  }
  {
    auto r = MapReader::child(params, "checkpoints", d, "checkpoints", { "fee", "delay_hours" });
    p.checkpoint_fee = money(r, "fee");
    p.checkpoint_delay_days = r.number("delay_hours", kHours) / 24.0;
    r.finish();
  }
  {
    auto r = MapReader::child(params, "protection", d, "protection",
                              { "probability", "fare_share", "hazard_factor" });
    p.protection_probability = r.number("probability", cfg::kProbability);
    p.protection_fare_share = r.number("fare_share", cfg::kShare);
    p.protection_hazard_factor = r.number("hazard_factor", kFactor);
    r.finish();
  }
  {
    auto r = MapReader::child(params, "bandits", d, "bandits",
                              { "hazard_scale", "robbery_share", "payoff", "kill_probability" });
    p.hazard_scale = r.number("hazard_scale", kFactor);
    p.robbery_share = r.number("robbery_share", cfg::kShare);
    p.payoff = money(r, "payoff");
    p.kill_probability = r.number("kill_probability", cfg::kProbability);
    r.finish();
  }
  {
    auto r = MapReader::child(params, "desert", d, "desert", { "death_per_1000km" });
    p.desert_death_per_1000km = r.number("death_per_1000km", cfg::kProbability);
    r.finish();
  }
  {
    auto r = MapReader::child(params, "hostage", d, "hostage",
                              { "ransom", "pay_probability", "pay_delay_days", "pay_delay_sigma",
                                "wait_limit_days", "abandoned_survival" });
    p.ransom = money(r, "ransom");
    p.ransom_pay_probability = r.number("pay_probability", cfg::kProbability);
    p.ransom_delay_median =
      r.number("pay_delay_days", named(cfg::kPositive, "a number of days > 0"));
    p.ransom_delay_sigma = r.number("pay_delay_sigma", kSigma);
    p.ransom_wait_limit =
      r.number("wait_limit_days", named(cfg::kPositive, "a number of days > 0"));
    p.abandoned_survival = r.number("abandoned_survival", cfg::kProbability);
    r.finish();
  }
  {
    auto r = MapReader::child(params, "border", d, "border",
                              { "interception_foreign", "interception_malian_papers",
                                "retry_probability", "retry_days", "retry_fee", "max_attempts" });
    p.interception[kForeign] = r.number("interception_foreign", cfg::kProbability);
    p.interception[kMalianPapers] = r.number("interception_malian_papers", cfg::kProbability);
    p.retry_probability = r.number("retry_probability", cfg::kProbability);
    p.retry_days = r.number("retry_days", kDays);
    p.retry_fee = money(r, "retry_fee");
    p.max_attempts = static_cast<std::uint32_t>(r.integer("max_attempts", cfg::kPositiveCount));
    r.finish();
  }
}

void read_origins_destinations_flows(const Node& params, Compiled& c, Diagnostics& d)
{
  auto& places = c.epoch.places;
  // Origins.
  if (const auto* entry = params.find_entry("origins");
      entry && cfg::value_of(entry->value).is_map()) {
    double total = 0.0;
    bool shares_ok = true;
    for (const auto& e : cfg::value_of(entry->value).entries()) {
      Origin o;
      o.id = e.key;
      MapReader r(&cfg::value_of(e.value), e.key_mark, d, "origin '" + e.key + "'",
                  { "share", "start", "malian", "note" });
      if (r.ok()) {
        const std::size_t before = d.size();
        o.share = r.number("share", cfg::kShare);
        // A share outside [0, 1] is reported as such, not again as a wrong sum.
        shares_ok = shares_ok && d.size() == before;
        const std::int32_t s =
          place_ref(r.require("start"), places, c.place_index, d, "origin '" + e.key + "' start");
        o.start = s < 0 ? 0 : static_cast<std::uint32_t>(s);
        o.malian = r.boolean("malian", false);
        r.finish();
      }
      total += o.share;
      c.origins.push_back(std::move(o));
    }
    if (c.origins.empty()) {
      d.error(entry->key_mark, "at least one origin is needed");
    } else if (shares_ok && std::fabs(total - 1.0) > 1e-6) {
      d.error(entry->key_mark, "origin shares sum to " + cfg::number_text(total) + ", not 1",
              "the shares are a mix: make them add up to 1");
    }
  } else {
    d.error(entry ? entry->key_mark : params.mark(), "the scenario needs a mapping 'origins'");
  }
  // Destinations (exits must already be known from the places).
  if (const auto* entry = params.find_entry("destinations");
      entry && cfg::value_of(entry->value).is_map()) {
    double total = 0.0;
    bool shares_ok = true;
    for (const auto& e : cfg::value_of(entry->value).entries()) {
      Destination x;
      x.id = e.key;
      MapReader r(&cfg::value_of(e.value), e.key_mark, d, "destination '" + e.key + "'",
                  { "share", "exit", "note" });
      if (r.ok()) {
        const std::size_t before = d.size();
        x.share = r.number("share", cfg::kShare);
        // A share outside [0, 1] is reported as such, not again as a wrong sum.
        shares_ok = shares_ok && d.size() == before;
        const std::string exit = r.string("exit");
        const auto it = std::find(c.exits.begin(), c.exits.end(), exit);
        if (it == c.exits.end()) {
          if (r.get("exit") != nullptr) {
            const auto s = cfg::did_you_mean(exit, c.exits);
            d.error(cfg::value_of(*r.get("exit")).mark(), "no place is the exit '" + exit + "'",
                    s ? "did you mean '" + *s + "'?"
                      : "mark a place with exit: or crossing: {exit: ...}");
          }
        } else {
          x.exit = static_cast<std::uint32_t>(it - c.exits.begin());
        }
        r.finish();
      }
      total += x.share;
      c.destinations.push_back(std::move(x));
    }
    if (c.destinations.empty()) {
      d.error(entry->key_mark, "at least one destination is needed");
    } else if (shares_ok && std::fabs(total - 1.0) > 1e-6) {
      d.error(entry->key_mark, "destination shares sum to " + cfg::number_text(total) + ", not 1",
              "the shares are a mix: make them add up to 1");
    }
  } else {
    d.error(entry ? entry->key_mark : params.mark(), "the scenario needs a mapping 'destinations'");
  }
  // Flows.
  if (const auto* entry = params.find_entry("flows");
      entry && cfg::value_of(entry->value).is_map()) {
    std::uint64_t index = 0;
    for (const auto& e : cfg::value_of(entry->value).entries()) {
      Flow f;
      f.id = e.key;
      f.entity_base = index++ << 40;
      MapReader r(&cfg::value_of(e.value), e.key_mark, d, "flow '" + e.key + "'",
                  { "annual_migrants", "origin_shares", "note" });
      if (r.ok()) {
        f.annual_migrants = r.number("annual_migrants", kAnnual);
        f.origin_shares.resize(c.origins.size(), 0.0);
        if (const Node* os = r.get("origin_shares")) {
          MapReader o(&cfg::value_of(*os), os->mark(), d, "origin_shares of flow '" + e.key + "'",
                      {});
          double total = 0.0;
          if (o.ok()) {
            for (const auto& oe : o.node()->entries()) {
              const std::int32_t k = index_of(c.origins, oe.key);
              if (k < 0) {
                const auto s = cfg::did_you_mean(oe.key, ids_of(c.origins));
                d.error(oe.key_mark, "unknown origin '" + oe.key + "'",
                        s ? "did you mean '" + *s + "'?" : "");
                continue;
              }
              cfg::read_provenance(oe.value, d);
              const auto v = cfg::read_number(cfg::value_of(oe.value), d, cfg::kShare, oe.key);
              f.origin_shares[static_cast<std::size_t>(k)] = v.value_or(0.0);
              total += v.value_or(0.0);
            }
            if (std::fabs(total - 1.0) > 1e-6) {
              d.error(os->mark(), "origin shares of flow '" + e.key + "' sum to " +
                                    cfg::number_text(total) + ", not 1");
            }
          }
        } else {
          for (std::size_t k = 0; k < c.origins.size(); ++k) {
            f.origin_shares[k] = c.origins[k].share;
          }
        }
        r.finish();
      }
      c.epoch.flows.push_back(std::move(f));
    }
    if (c.epoch.flows.empty()) {
      d.error(entry->key_mark, "at least one flow is needed");
    }
  } else {
    d.error(entry ? entry->key_mark : params.mark(), "the scenario needs a mapping 'flows'");
  }
}

Compiled compile_tree(const Node& root, Diagnostics& d)
{
  Compiled c;
  const auto* pentry = root.find_entry("parameters");
  if (pentry == nullptr || !cfg::value_of(pentry->value).is_map()) {
    d.error(pentry ? pentry->key_mark : root.mark(), "the scenario needs a mapping 'parameters'");
    return c;
  }
  const Node& params = cfg::value_of(pentry->value);
  read_places(params, c, d);
  read_segments(params, c, d);
  read_origins_destinations_flows(params, c, d);
  read_params(params, root, c, d);
  const std::int32_t nk = index_of(c.epoch.places, "nouakchott");
  c.epoch.p.has_nouakchott = nk >= 0;
  c.epoch.p.nouakchott = nk < 0 ? 0 : static_cast<std::uint32_t>(nk);
  if (c.epoch.p.nouakchott_share > 0 && nk < 0) {
    d.error(params.find_entry("nouakchott_share")->key_mark,
            "nouakchott_share is above 0 but there is no place 'nouakchott'");
  }
  return c;
}

// ---------------------------------------------------------------------------
// The network's structure: cycles, truck lines, reachable exits.

// Where a value of the tree was written (a change's own mark when a change set it).
Mark mark_at(const Node& tree, std::initializer_list<std::string_view> path, const Mark& fallback)
{
  const Node* n = &tree;
  for (const auto key : path) {
    n = n->is_map() ? n->find(key) : nullptr;
    if (n == nullptr) {
      return fallback;
    }
    n = &cfg::value_of(*n);
  }
  return n->mark();
}

// The structure is checked, and the truck lines enumerated, on the first epoch:
// a change may open, close and re-weigh segments and places, not rewire them
// (a segment that changes its ends, say, could close a cycle no check saw).
void check_same_wiring(const Epoch& first, const Epoch& e, const Node& tree, double day,
                       std::set<std::string>& seen, Diagnostics& d)
{
  auto refuse = [&](const Mark& m, const std::string& what) {
    if (seen.insert("wiring:" + what).second) {
      d.error(m, "a change from day " + cfg::number_text(day) + " rewires the network: " + what,
              "a change may open, close or re-weigh places and segments; declare the other way "
              "as its own segment (closed: true) and open it with the change");
    }
  };
  for (std::size_t i = 0; i < e.segments.size(); ++i) {
    const Segment& a = first.segments[i];
    const Segment& b = e.segments[i];
    const Mark seg = mark_at(tree, { "parameters", "segments", b.id }, tree.mark());
    if (a.from != b.from) {
      refuse(mark_at(tree, { "parameters", "segments", b.id, "from" }, seg),
             "segment '" + b.id + "' from '" + e.places[b.from].id + "' instead of '" +
               first.places[a.from].id + "'");
    }
    if (a.to != b.to) {
      refuse(mark_at(tree, { "parameters", "segments", b.id, "to" }, seg),
             "segment '" + b.id + "' to '" + e.places[b.to].id + "' instead of '" +
               first.places[a.to].id + "'");
    }
    if (a.mode != b.mode) {
      refuse(mark_at(tree, { "parameters", "segments", b.id, "mode" }, seg),
             "segment '" + b.id + "' changes its mode");
    }
  }
  for (std::size_t i = 0; i < e.places.size(); ++i) {
    const Place& a = first.places[i];
    const Place& b = e.places[i];
    const Mark place = mark_at(tree, { "parameters", "places", b.id }, tree.mark());
    if (a.hub != b.hub) {
      refuse(mark_at(tree, { "parameters", "places", b.id, "hub" }, place),
             "place '" + b.id + "' changes whether it is a hub");
    }
    if (a.exit != b.exit || a.crossing != b.crossing) {
      refuse(place, "place '" + b.id + "' changes its exit or crossing");
    }
  }
}

// The graph searches below keep their own stacks rather than recursing: a
// network may be a chain of many thousands of places.

// A cycle would let a migrant loop forever: report one.
void check_acyclic(const Epoch& e, const std::vector<Mark>& place_marks, Diagnostics& d)
{
  const std::size_t n = e.places.size();
  std::vector<int> state(n, 0); // 0 new, 1 on the path, 2 done
  // The path from the start: (place, next of its out-segments to follow).
  std::vector<std::pair<std::uint32_t, std::size_t>> path;
  for (std::uint32_t start = 0; start < n; ++start) {
    if (state[start] != 0) {
      continue;
    }
    state[start] = 1;
    path.emplace_back(start, 0);
    while (!path.empty()) {
      const std::uint32_t v = path.back().first;
      const std::size_t i = path.back().second++;
      if (i == e.places[v].out.size()) {
        state[v] = 2;
        path.pop_back();
        continue;
      }
      const std::uint32_t w = e.segments[e.places[v].out[i]].to;
      if (state[w] == 1) {
        std::string cycle;
        auto it =
          std::find_if(path.begin(), path.end(), [&](const auto& f) { return f.first == w; });
        for (; it != path.end(); ++it) {
          cycle += e.places[it->first].id + " -> ";
        }
        cycle += e.places[w].id;
        d.error(place_marks[w], "the network has a cycle: " + cycle,
                "a migrant could loop forever; segments must lead onwards to an exit");
        return;
      }
      if (state[w] == 0) {
        state[w] = 1;
        path.emplace_back(w, 0);
      }
    }
  }
}

// The places in depth-first postorder: in an acyclic network, each comes after
// every place it leads to.
std::vector<std::uint32_t> postorder(const Epoch& e)
{
  const std::size_t n = e.places.size();
  std::vector<char> seen(n, 0);
  std::vector<std::uint32_t> order;
  std::vector<std::pair<std::uint32_t, std::size_t>> path;
  for (std::uint32_t start = 0; start < n; ++start) {
    if (seen[start] != 0) {
      continue;
    }
    seen[start] = 1;
    path.emplace_back(start, 0);
    while (!path.empty()) {
      const std::uint32_t v = path.back().first;
      const std::size_t i = path.back().second++;
      if (i == e.places[v].out.size()) {
        order.push_back(v);
        path.pop_back();
        continue;
      }
      const std::uint32_t w = e.segments[e.places[v].out[i]].to;
      if (seen[w] == 0) {
        seen[w] = 1;
        path.emplace_back(w, 0);
      }
    }
  }
  return order;
}

bool line_ends_at(const Place& p, const Epoch& e)
{
  if (p.crossing || p.exit >= 0 || p.hub) {
    return true;
  }
  return std::none_of(p.out.begin(), p.out.end(),
                      [&](std::uint32_t s) { return e.segments[s].mode == Mode::Truck; });
}

// Every path of truck segments from a hub is a line: their number can grow
// exponentially with the branch points, so it is bounded.
constexpr std::size_t kMaxLines = 10000;

std::vector<Line> enumerate_lines(const Epoch& e, const std::vector<Mark>& place_marks,
                                  Diagnostics& d)
{
  std::vector<Line> lines;
  for (std::uint32_t h = 0; h < e.places.size(); ++h) {
    if (!e.places[h].hub) {
      continue;
    }
    std::vector<std::uint32_t> path; // segments from the hub
    // (place, next of its out-segments to follow); each place after the hub's
    // was reached by the segment at the same depth of `path`.
    std::vector<std::pair<std::uint32_t, std::size_t>> at = { { h, 0 } };
    while (!at.empty()) {
      const std::uint32_t q = at.back().first;
      const std::size_t i = at.back().second++;
      if (i == e.places[q].out.size()) {
        at.pop_back();
        if (!path.empty()) {
          path.pop_back();
        }
        continue;
      }
      const auto s = e.places[q].out[i];
      if (e.segments[s].mode != Mode::Truck) {
        continue;
      }
      const std::uint32_t to = e.segments[s].to;
      path.push_back(s);
      if (!line_ends_at(e.places[to], e)) {
        at.emplace_back(to, 0);
        continue;
      }
      if (lines.size() == kMaxLines) {
        d.error(place_marks[h],
                "more than " + std::to_string(kMaxLines) + " truck lines leave the hub '" +
                  e.places[h].id + "'",
                "a line is a path of truck segments from a hub to a hub, a crossing, an exit or a "
                "place no truck leaves; each branch point multiplies the lines after it");
        return lines;
      }
      Line l;
      l.hub = h;
      l.segments = path;
      l.end = to;
      l.name = e.places[h].id;
      for (const auto x : path) {
        l.name += ">" + e.places[e.segments[x].to].id;
      }
      l.site = engine::random::substream_id("line:" + l.name);
      lines.push_back(std::move(l));
      path.pop_back();
    }
  }
  return lines;
}

// Options from every place towards every exit, for one epoch's closures.
void compute_options(Epoch& e, const std::vector<Line>& lines, std::size_t exits)
{
  const std::size_t n = e.places.size();
  const std::vector<std::uint32_t> order = postorder(e);
  e.options.assign(n * exits, {});
  e.option_choice.assign(n * exits, {});
  auto seg_open = [&](std::uint32_t s) {
    const Segment& g = e.segments[s];
    return !g.closed && !e.places[g.to].closed && g.weight > 0.0;
  };
  for (std::uint32_t x = 0; x < exits; ++x) {
    // can[v]: from v, exit x can be reached. Places come after every place they
    // lead to (the network is acyclic), so the ways on are known.
    std::vector<char> can(n, 0);
    auto reach = [&](std::uint32_t v) { return can[v] != 0; };
    auto line_ok = [&](const Line& l) {
      for (const auto s : l.segments) {
        if (!seg_open(s)) {
          return false;
        }
      }
      return reach(l.end);
    };
    for (const std::uint32_t v : order) {
      const Place& p = e.places[v];
      bool ok = false;
      if (!p.closed) {
        if (p.exit == static_cast<std::int32_t>(x)) {
          ok = true;
        }
        for (const auto s : p.out) {
          if (!ok && e.segments[s].mode != Mode::Truck && seg_open(s) && reach(e.segments[s].to)) {
            ok = true;
          }
        }
        if (!ok && p.hub) {
          for (const auto& l : lines) {
            if (l.hub == v && line_ok(l)) {
              ok = true;
              break;
            }
          }
        }
      }
      can[v] = ok ? 1 : 0;
    }
    for (std::uint32_t v = 0; v < n; ++v) {
      const Place& p = e.places[v];
      if (p.closed || p.exit == static_cast<std::int32_t>(x) || can[v] != 1) {
        continue;
      }
      std::vector<Option> opts;
      // Segments travelled alone.
      for (const auto s : p.out) {
        if (e.segments[s].mode != Mode::Truck && seg_open(s) && reach(e.segments[s].to)) {
          opts.push_back(Option{ false, s, e.segments[s].weight });
        }
      }
      // Truck lines from a hub: the first segment's weight competes with the
      // segments above; later branches split by their weights among branches
      // that still lead to an open line.
      if (p.hub) {
        // Weight of each eligible line = product of normalised branch weights,
        // the first segment's weight left unnormalised.
        std::vector<std::size_t> candidates;
        for (std::size_t li = 0; li < lines.size(); ++li) {
          if (lines[li].hub == v && line_ok(lines[li])) {
            candidates.push_back(li);
          }
        }
        // Groups of lines that share their segments up to `depth`, expanded
        // depth first (a stack, in the order a recursion would take).
        struct Group
        {
          std::size_t depth;
          double w;
          std::vector<std::size_t> lines;
        };
        std::vector<Group> todo;
        todo.push_back(Group{ 0, 1.0, std::move(candidates) });
        while (!todo.empty()) {
          const Group g = std::move(todo.back());
          todo.pop_back();
          const std::size_t depth = g.depth;
          // Group lines by their segment at this depth.
          std::vector<std::uint32_t> branch;
          for (const auto li : g.lines) {
            if (depth < lines[li].segments.size()) {
              const auto s = lines[li].segments[depth];
              if (std::find(branch.begin(), branch.end(), s) == branch.end()) {
                branch.push_back(s);
              }
            } else {
              opts.push_back(Option{ true, static_cast<std::uint32_t>(li), g.w });
            }
          }
          double total = 0.0;
          for (const auto s : branch) {
            total += e.segments[s].weight;
          }
          std::vector<Group> next;
          for (const auto s : branch) {
            std::vector<std::size_t> sub;
            for (const auto li : g.lines) {
              if (depth < lines[li].segments.size() && lines[li].segments[depth] == s) {
                sub.push_back(li);
              }
            }
            const double share =
              depth == 0 ? e.segments[s].weight : g.w * e.segments[s].weight / total;
            next.push_back(Group{ depth + 1, share, std::move(sub) });
          }
          for (auto it = next.rbegin(); it != next.rend(); ++it) {
            todo.push_back(std::move(*it));
          }
        }
      }
      double total = 0.0;
      for (const auto& o : opts) {
        total += o.probability;
      }
      if (total <= 0.0) {
        continue;
      }
      std::vector<double> w;
      for (auto& o : opts) {
        o.probability /= total;
        w.push_back(o.probability);
      }
      e.option_choice[v * exits + x] = engine::random::Discrete(w);
      e.options[v * exits + x] = std::move(opts);
    }
  }
}

// Provenance of every parameter, in tree order.
void collect_provenance(const Node& n, const std::string& path, const cfg::Sources& sources,
                        std::vector<ProvenanceRow>& rows, Diagnostics& d)
{
  if (cfg::is_parameter_leaf(n)) {
    Diagnostics quiet;
    const auto p = cfg::read_provenance(n, quiet, &sources);
    ProvenanceRow row;
    row.path = path;
    const Node& v = cfg::value_of(n);
    row.value = v.is_scalar() ? v.text() : cfg::to_yaml(v);
    while (!row.value.empty() && row.value.back() == '\n') {
      row.value.pop_back();
    }
    row.kind = std::string(cfg::provenance_label(p.kind));
    row.source = p.text;
    if (p.cited != nullptr) {
      row.reference = p.cited->reference();
    }
    if (p.range) {
      row.range_lo = p.range->first;
      row.range_hi = p.range->second;
    }
    rows.push_back(std::move(row));
    return;
  }
  if (n.is_map()) {
    for (const auto& e : n.entries()) {
      collect_provenance(e.value, path.empty() ? e.key : path + "." + e.key, sources, rows, d);
    }
  } else if (n.is_scalar() && n.as_double()) {
    ProvenanceRow row;
    row.path = path;
    row.value = n.text();
    row.kind = "none";
    rows.push_back(std::move(row));
  }
}

} // namespace

MaliScenario compile(const engine::Scenario& scenario, Diagnostics& d)
{
  MaliScenario out;
  const Node& root = scenario.root;
  // Horizon.
  if (const Node* h = root.find("horizon_days")) {
    cfg::read_provenance(*h, d);
    out.horizon = cfg::read_number(cfg::value_of(*h), d,
                                   named(Bounds{ 0.0, 36500.0, true, false, false, false, "" },
                                         "a horizon in days in (0, 36500]"),
                                   "horizon_days")
                    .value_or(365.0);
  }
  // Scheduled changes.
  std::vector<cfg::Change> changes;
  if (const Node* c = root.find("changes")) {
    changes = cfg::read_changes(*c, d, "scenario");
  }
  // Epoch 0 (day 0) and one epoch per change day.
  std::vector<double> starts = { 0.0 };
  for (const double b : cfg::change_boundaries(changes, out.horizon)) {
    starts.push_back(b);
  }
  std::set<std::string> seen; // report each problem once, not once per epoch
  Diagnostics all;
  std::vector<std::vector<Destination>> epoch_destinations;
  std::vector<Mark> place_marks;
  // Each epoch starts from the scenario less its list of changes (read above): copying
  // that list for every change day made validation quadratic in the changes.
  Node base = root;
  base.erase("changes");
  for (std::size_t k = 0; k < starts.size(); ++k) {
    Node tree = base;
    Diagnostics ed;
    for (const auto& ch : changes) {
      if (ch.from_day <= starts[k] && starts[k] < ch.until_day) {
        cfg::apply_change(tree, ch, closables(), ed);
      }
    }
    Compiled c = compile_tree(tree, ed);
    for (const auto& diag : ed.items()) {
      if (seen.insert(diag.format()).second) {
        all.error(diag.mark, diag.message, diag.hint);
      }
    }
    epoch_destinations.push_back(c.destinations);
    if (k == 0) {
      out.origins = c.origins;
      out.destinations = c.destinations;
      out.exits = c.exits;
      place_marks = c.place_marks;
    } else if (ids_of(c.epoch.places) != ids_of(out.epochs[0].places) ||
               ids_of(c.epoch.segments) != ids_of(out.epochs[0].segments) ||
               ids_of(c.epoch.flows) != ids_of(out.epochs[0].flows) || c.exits != out.exits ||
               ids_of(c.origins) != ids_of(out.origins) ||
               ids_of(c.destinations) != ids_of(out.destinations)) {
      const Mark m = changes.empty() ? root.mark() : changes.front().mark;
      if (seen.insert("topology").second) {
        all.error(
          m,
          "a change from day " + cfg::number_text(starts[k]) +
            " adds or removes places, segments, flows, origins, destinations or exits",
          "declare them in the scenario (closed: true) and open or close them with changes");
      }
    } else if (ed.empty()) {
      check_same_wiring(out.epochs[0], c.epoch, tree, starts[k], seen, all);
      // Where an origin starts and which exit a destination needs are read from
      // the first epoch; their shares from each.
      for (std::size_t i = 0; i < c.origins.size(); ++i) {
        const Origin& o = c.origins[i];
        if ((o.start != out.origins[i].start || o.malian != out.origins[i].malian) &&
            seen.insert("origin:" + o.id).second) {
          all.error(mark_at(tree, { "parameters", "origins", o.id }, tree.mark()),
                    "a change from day " + cfg::number_text(starts[k]) + " changes where origin '" +
                      o.id + "' starts or whether it is Malian",
                    "a change may alter an origin's share; add another origin for another start");
        }
      }
      for (std::size_t i = 0; i < c.destinations.size(); ++i) {
        const Destination& x = c.destinations[i];
        if (x.exit != out.destinations[i].exit && seen.insert("destination:" + x.id).second) {
          all.error(mark_at(tree, { "parameters", "destinations", x.id, "exit" }, tree.mark()),
                    "a change from day " + cfg::number_text(starts[k]) +
                      " changes the exit of destination '" + x.id + "'",
                    "a change may alter a destination's share; add another destination for "
                    "another exit");
        }
      }
    }
    c.epoch.start = starts[k];
    c.epoch.end = k + 1 < starts.size() ? starts[k + 1] : std::numeric_limits<double>::infinity();
    // The destination and origin mixes, ready to sample.
    if (!c.destinations.empty()) {
      std::vector<double> w;
      for (const auto& x : c.destinations) {
        w.push_back(x.share);
      }
      double total = 0.0;
      for (double x : w) {
        total += x;
      }
      if (total > 0.0) {
        c.epoch.destination_choice = engine::random::Discrete(w);
      }
    }
    for (const auto& f : c.epoch.flows) {
      double total = 0.0;
      for (double x : f.origin_shares) {
        total += x;
      }
      c.epoch.origin_choice.push_back(total > 0.0
                                        ? engine::random::Discrete(f.origin_shares)
                                        : engine::random::Discrete(std::vector<double>{ 1.0 }));
    }
    out.epochs.push_back(std::move(c.epoch));
  }
  d.append(all);
  if (!all.empty()) {
    return out;
  }
  // Structure, checked on epoch 0's topology (closures aside).
  Epoch& e0 = out.epochs[0];
  check_acyclic(e0, place_marks, d);
  if (!d.empty()) {
    return out;
  }
  out.lines = enumerate_lines(e0, place_marks, d);
  if (!d.empty()) {
    return out;
  }
  // Every origin must be able to reach every exit its destinations need, when
  // nothing is closed; closures in a scenario are fine (migrants turn back).
  {
    Epoch open = e0;
    for (auto& p : open.places) {
      p.closed = false;
    }
    for (auto& s : open.segments) {
      s.closed = false;
      s.weight = 1.0;
    }
    compute_options(open, out.lines, out.exits.size());
    std::set<std::pair<std::uint32_t, std::uint32_t>> reported; // (start, exit), once each
    // Every epoch as the first: a change may send migrants to another
    // destination, or by Nouakchott.
    for (std::size_t k = 0; k < out.epochs.size(); ++k) {
      const Epoch& ek = out.epochs[k];
      for (const auto& o : out.origins) {
        std::vector<std::uint32_t> starts_of = { o.start };
        if (!o.malian && ek.p.has_nouakchott && ek.p.nouakchott_share > 0) {
          starts_of.push_back(ek.p.nouakchott);
        }
        for (const auto start : starts_of) {
          for (const auto& x : epoch_destinations[k]) {
            if (x.share > 0 && open.ways(start, x.exit, out.exits.size()).empty() &&
                open.places[start].exit != static_cast<std::int32_t>(x.exit) &&
                reported.insert({ start, x.exit }).second) {
              d.error(place_marks[start],
                      "no route leads from '" + open.places[start].id + "' to the exit '" +
                        out.exits[x.exit] + "' (needed by destination '" + x.id + "')",
                      "add segments, or check their direction (from -> to) and modes (trucks leave "
                      "only from hubs)" +
                        (k == 0 ? std::string()
                                : std::string("; this holds from day ") +
                                    cfg::number_text(ek.start) + ", after a change"));
            }
          }
        }
      }
    }
    // Places a migrant can reach but never leave.
    std::vector<char> entered(open.places.size(), 0);
    for (const auto& s : open.segments) {
      entered[s.to] = 1;
    }
    for (std::uint32_t v = 0; v < open.places.size(); ++v) {
      const Place& p = open.places[v];
      if (p.out.empty() && p.exit < 0) {
        if (entered[v] != 0) {
          d.error(place_marks[v],
                  "place '" + p.id + "' is a dead end: no segment leaves it and it is no exit",
                  "add a segment from it, or give it exit: or crossing:");
        }
      }
    }
  }
  for (auto& e : out.epochs) {
    compute_options(e, out.lines, out.exits.size());
  }
  // The sources' kinds label the rows (the tags were checked when the model was made).
  Diagnostics checked;
  const cfg::Sources sources = cfg::read_sources(root.find("sources"), checked);
  if (const Node* p = root.find("parameters")) {
    collect_provenance(*p, "parameters", sources, out.provenance, d);
  }
  if (const Node* h = root.find("horizon_days")) {
    collect_provenance(*h, "horizon_days", sources, out.provenance, d);
  }
  // Policies' own assumptions (their changes are in the resolved scenario).
  if (const Node* p = root.find("policies"); p && p->is_map()) {
    for (const auto& e : p->entries()) {
      if (const Node* params = e.value.find("parameters")) {
        collect_provenance(*params, "policies." + e.key + ".parameters", sources, out.provenance,
                           d);
      }
    }
  }
  return out;
}

} // namespace passage::models::mali
