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

//! A price range in EUR (`price_eur`, converted at cfa_per_eur) or in CFA
//! (`price`): one of the two.
MoneyRange price_range(MapReader& r, double cfa_per_eur)
{
  if (r.get("price_eur") == nullptr) {
    return money_range(r, "price");
  }
  if (r.get("price") != nullptr) {
    r.diagnostics().error(r.get("price")->mark(), r.what() + " has both price and price_eur");
  }
  const auto [lo, hi] =
    r.interval("price_eur", named(Bounds{ 0.0, 1.0e9, false, false, false, false, "" },
                                  "an amount of EUR in [0, 10^9]"));
  return MoneyRange{ static_cast<std::int64_t>(std::llround(lo * cfa_per_eur)),
                     static_cast<std::int64_t>(std::llround(hi * cfa_per_eur)) };
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

//! Keys renamed by the corridor format: an old key is refused with its new form.
struct Renamed
{
  std::string_view key;
  std::string_view now;
};

void refuse_renamed(const Node* map, std::initializer_list<Renamed> table, const std::string& what,
                    Diagnostics& d)
{
  if (map == nullptr || !map->is_map()) {
    return;
  }
  for (const auto& e : map->entries()) {
    for (const auto& r : table) {
      if (e.key == r.key) {
        d.error(e.key_mark, "'" + e.key + "' in " + what + " is no longer read (the corridor format)",
                std::string(r.now) + " (docs/scenario-reference.md)");
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Ids: every declared thing is referred to by id, with a did-you-mean.

struct Ids
{
  Ids(std::string w, std::string at) : what(std::move(w)), where(std::move(at)) {}
  std::string what;  // "actor", "toll point"
  std::string where; // "parameters.actors"
  std::vector<std::string> list;
  std::unordered_map<std::string, std::int32_t> index;

  std::int32_t add(const std::string& id)
  {
    const auto [it, fresh] = index.emplace(id, static_cast<std::int32_t>(list.size()));
    if (fresh) {
      list.push_back(id);
    }
    return it->second;
  }
  std::int32_t find(const std::string& id) const
  {
    const auto it = index.find(id);
    return it == index.end() ? -1 : it->second;
  }
  //! The index of the id `n` names, or -1 after an error at `n`.
  std::int32_t ref(const Node& n, Diagnostics& d, const std::string& context) const
  {
    const Node& v = cfg::value_of(n);
    if (!v.is_scalar()) {
      d.error(v.mark(), context + " must be the id of a " + what);
      return -1;
    }
    const std::int32_t i = find(v.text());
    if (i < 0) {
      const auto s = cfg::did_you_mean(v.text(), list);
      d.error(v.mark(), "unknown " + what + " '" + v.text() + "' in " + context,
              s ? "did you mean '" + *s + "'?"
                : (list.empty() ? "declare it under " + where
                                : "the " + what + "s are declared under " + where));
    }
    return i;
  }
};

// ---------------------------------------------------------------------------
// One epoch's parameters and network from a (changed) tree.

struct Compiled
{
  std::vector<Actor> actors;
  std::vector<std::string> classes;
  std::vector<std::string> class_labels;
  std::vector<Nationality> nationalities;
  std::vector<Origin> origins;
  std::vector<Destination> destinations;
  std::vector<std::string> exits;
  Epoch epoch;
  std::vector<Mark> place_marks;
  std::vector<Mark> segment_marks;
  std::unordered_map<std::string, std::int32_t> place_index; //!< id -> epoch.places
  // What is declared, by id.
  Ids actor_ids{ "actor", "parameters.actors" };
  Ids class_ids{ "document class", "parameters.documents.classes" };
  Ids nationality_ids{ "nationality", "parameters.nationalities" };
  Ids countries{ "country", "the places' country:" };
  Ids mode_ids{ "mode", "parameters.modes" };
  Ids place_ids{ "place", "parameters.places" };
  Ids origin_ids{ "origin", "parameters.origins" };
  Ids toll_ids{ "toll point", "parameters.toll_points" };
  Ids checkpoint_ids{ "checkpoint kind", "parameters.checkpoints" };
  Ids bandit_ids{ "bandit zone", "parameters.bandits.zones" };
  Ids arrest_ids{ "arrest point", "parameters.arrest_points" };
  Ids recruiter_ids{ "recruiter", "parameters.recruiters" };
  Ids market_ids{ "passport market", "parameters.passport_markets" };
  Ids hub_ids{ "hub", "parameters.hubs" };
  Ids vehicle_ids{ "vehicle", "parameters.vehicles" };
  Ids hostage_ids{ "hostage-taker", "parameters.hostage_takers" };
  Ids border_ids{ "border", "parameters.borders" };
  Ids entry_ids{ "entry", "parameters.entries" };
  // Where each part is declared ("where:id" -> mark, what), and which are placed.
  std::map<std::string, std::pair<Mark, std::string>> part_marks;
  std::set<std::string> placed;
};

const Node* entry_value(const Node& params, std::string_view key)
{
  const auto* e = params.find_entry(key);
  return e ? &cfg::value_of(e->value) : nullptr;
}

//! Each entry of the mapping `key` of `params` (a group of named things), with
//! its id registered in `ids`; `read` reads one. A missing group is empty.
template<class F>
void each_named(const Node& params, std::string_view key, Ids& ids, Compiled& c, Diagnostics& d,
                F&& read)
{
  const auto* entry = params.find_entry(key);
  if (entry == nullptr) {
    return;
  }
  const Node& list = cfg::value_of(entry->value);
  if (!list.is_map()) {
    d.error(list.mark(), ids.where + " must be a mapping of ids to " + ids.what + "s",
            "e.g. " + std::string(key) + ": {some_id: {...}}");
    return;
  }
  for (const auto& e : list.entries()) {
    const std::int32_t i = ids.add(e.key);
    c.part_marks[ids.where + ":" + e.key] = { e.key_mark, ids.what };
    read(e, i);
  }
}

std::int32_t actor_ref(MapReader& r, std::string_view key, Compiled& c, bool required = true)
{
  const Node* n = required ? r.require(key) : r.get(key);
  if (n == nullptr) {
    return -1;
  }
  return c.actor_ids.ref(*n, r.diagnostics(), std::string(key) + " of " + r.what());
}

ActorId actor_or_zero(std::int32_t a)
{
  return static_cast<ActorId>(a < 0 ? 0 : a);
}

//! A receiver: an actor id, or a mapping of actor ids to shares (normalised).
Payee payee(MapReader& r, std::string_view key, Compiled& c, bool required = true)
{
  Payee out;
  const Node* n = required ? r.require(key) : r.get(key);
  if (n == nullptr) {
    return out;
  }
  Diagnostics& d = r.diagnostics();
  const Node& v = cfg::value_of(*n);
  if (!v.is_map() || cfg::is_parameter_leaf(*n)) {
    const std::int32_t a = c.actor_ids.ref(*n, d, std::string(key) + " of " + r.what());
    if (a >= 0) {
      out.shares.emplace_back(static_cast<ActorId>(a), 1.0);
    }
    return out;
  }
  double total = 0.0;
  for (const auto& e : v.entries()) {
    const std::int32_t a = c.actor_ids.find(e.key);
    cfg::read_provenance(e.value, d);
    const double w =
      cfg::read_number(cfg::value_of(e.value), d, cfg::kShare, std::string(key) + "." + e.key)
        .value_or(0.0);
    if (a < 0) {
      const auto s = cfg::did_you_mean(e.key, c.actor_ids.list);
      d.error(e.key_mark, "unknown actor '" + e.key + "' in " + std::string(key) + " of " + r.what(),
              s ? "did you mean '" + *s + "'?" : "the actors are declared under parameters.actors");
      continue;
    }
    total += w;
    out.shares.emplace_back(static_cast<ActorId>(a), w);
  }
  if (!(total > 0.0)) {
    d.error(v.mark(), std::string(key) + " of " + r.what() + " gives nobody a share",
            "the shares are weights (normalised): at least one must be above 0");
    out.shares.clear();
    return out;
  }
  for (auto& [a, w] : out.shares) {
    w /= total;
  }
  return out;
}

//! A number by document class: one number for all, or {class: number, ...,
//! citizen: number} covering every class.
ByClass by_class(MapReader& r, std::string_view key, const Bounds& b, Compiled& c,
                 std::optional<double> fallback = std::nullopt)
{
  ByClass out;
  out.value.assign(c.classes.size(), fallback.value_or(0.0));
  Diagnostics& d = r.diagnostics();
  const Node* n = r.get(key);
  if (n == nullptr) {
    if (!fallback) {
      r.require(key);
    }
    return out;
  }
  if (cfg::is_parameter_leaf(*n) || cfg::value_of(*n).is_scalar()) {
    const double v = r.number(key, b);
    out.value.assign(c.classes.size(), v);
    return out;
  }
  const Node& m = cfg::value_of(*n);
  if (!m.is_map()) {
    d.error(m.mark(), std::string(key) + " of " + r.what() +
                        " must be a number, or a mapping of document classes to numbers");
    return out;
  }
  std::vector<char> seen(c.classes.size(), 0);
  for (const auto& e : m.entries()) {
    cfg::read_provenance(e.value, d);
    const auto v =
      cfg::read_number(cfg::value_of(e.value), d, b, std::string(key) + "." + e.key);
    if (e.key == "citizen") {
      out.has_citizen = true;
      out.citizen = v.value_or(0.0);
      continue;
    }
    const std::int32_t k = c.class_ids.find(e.key);
    if (k < 0) {
      const auto s = cfg::did_you_mean(e.key, c.class_ids.list);
      d.error(e.key_mark, "unknown document class '" + e.key + "' in " + std::string(key) + " of " +
                            r.what(),
              s ? "did you mean '" + *s + "'?"
                : "the classes are declared under parameters.documents.classes; 'citizen' is "
                  "the rule for citizens of the part's country");
      continue;
    }
    seen[static_cast<std::size_t>(k)] = 1;
    out.value[static_cast<std::size_t>(k)] = v.value_or(0.0);
  }
  for (std::size_t k = 0; k < seen.size(); ++k) {
    if (seen[k] == 0) {
      d.error(m.mark(), std::string(key) + " of " + r.what() + " has no value for the document class '" +
                          c.classes[k] + "'",
              "a rule by class covers every class declared under parameters.documents.classes");
    }
  }
  return out;
}

std::vector<char> mode_set(MapReader& r, std::string_view key, Compiled& c)
{
  std::vector<char> out(c.mode_ids.list.size(), 0);
  const Node* n = r.require(key);
  if (n == nullptr) {
    return out;
  }
  cfg::read_provenance(*n, r.diagnostics());
  const Node& v = cfg::value_of(*n);
  if (!v.is_sequence()) {
    r.diagnostics().error(v.mark(), std::string(key) + " of " + r.what() + " must be a list of modes");
    return out;
  }
  for (const auto& item : v.items()) {
    const std::int32_t m = c.mode_ids.ref(item, r.diagnostics(), std::string(key) + " of " + r.what());
    if (m >= 0) {
      out[static_cast<std::size_t>(m)] = 1;
    }
  }
  return out;
}

// --- who, which papers, whose citizens ----------------------------------------

void read_actors_documents(const Node& params, Compiled& c, Diagnostics& d)
{
  each_named(params, "actors", c.actor_ids, c, d, [&](const Node::Entry& e, std::int32_t) {
    Actor a;
    a.id = e.key;
    MapReader r(&cfg::value_of(e.value), e.key_mark, d, "actor '" + e.key + "'",
                { "label", "kind", "country", "note" });
    if (r.ok()) {
      a.label = r.string("label", e.key);
      a.kind = r.string("kind");
      if (r.get("kind") != nullptr &&
          std::find(kActorKinds.begin(), kActorKinds.end(), a.kind) == kActorKinds.end()) {
        d.error(cfg::value_of(*r.get("kind")).mark(), "unknown actor kind '" + a.kind + "'",
                "kinds: state, armed_group, smuggler, transport, other");
      }
      a.country = r.string("country", std::string());
      if (!a.country.empty()) {
        c.countries.add(a.country);
      }
      r.finish();
    }
    c.actors.push_back(std::move(a));
  });
  if (c.actors.empty()) {
    d.error(params.mark(), "the scenario needs a mapping 'actors' with at least one actor",
            "every payment names who receives it: actors: {smugglers: {label: smugglers, kind: "
            "smuggler}, ...}");
  }
  // Document classes.
  const auto* de = params.find_entry("documents");
  if (de == nullptr) {
    // Papers matter nowhere: one class.
    c.classes = { "none" };
    c.class_labels = { "no papers" };
    c.class_ids.add("none");
    return;
  }
  MapReader r(&cfg::value_of(de->value), de->key_mark, d, "documents",
              { "classes", "default", "malian_passport_share", "false_passport_demand",
                "false_passport_rent_eur", "passport_pool", "passport_return_days" });
  if (!r.ok()) {
    return;
  }
  refuse_renamed(r.node(),
                 { { "malian_passport_share",
                     "an origin's document mix: origins: {mali: {documents: {malian_passport: 0.6}}}" },
                   { "false_passport_demand",
                     "a passport market's demand rule: passport_markets: {ID: {demand: {...}}}" },
                   { "false_passport_rent_eur", "passport_markets: {ID: {price_eur: [lo, hi]}}" },
                   { "passport_pool", "passport_markets: {ID: {pool: N}}" },
                   { "passport_return_days", "passport_markets: {ID: {return_days: N}}" } },
                 "documents", d);
  if (const Node* cl = r.require("classes")) {
    MapReader classes(&cfg::value_of(*cl), r.mark(), d, "documents.classes", {});
    if (classes.ok()) {
      for (const auto& e : classes.node()->entries()) {
        MapReader one(&cfg::value_of(e.value), e.key_mark, d, "document class '" + e.key + "'",
                      { "label", "note" });
        c.class_ids.add(e.key);
        c.classes.push_back(e.key);
        c.class_labels.push_back(one.ok() ? one.string("label", e.key) : e.key);
        one.finish();
      }
      if (c.classes.empty() || c.classes.size() > kMaxClasses) {
        d.error(cl->mark(), "documents.classes must declare 1 to " + std::to_string(kMaxClasses) +
                              " classes");
      }
    }
  }
  r.finish();
}

void read_nationalities(const Node& params, Compiled& c, Diagnostics& d)
{
  each_named(params, "nationalities", c.nationality_ids, c, d,
             [&](const Node::Entry& e, std::int32_t) {
               Nationality n;
               n.id = e.key;
               MapReader r(&cfg::value_of(e.value), e.key_mark, d, "nationality '" + e.key + "'",
                           { "label", "citizen_of", "note" });
               if (r.ok()) {
                 n.label = r.string("label", e.key);
                 if (const Node* co = r.require("citizen_of")) {
                   const Node& v = cfg::value_of(*co);
                   if (!v.is_sequence()) {
                     d.error(v.mark(), "citizen_of must be a list of countries");
                   } else {
                     for (const auto& item : v.items()) {
                       n.citizen.push_back(0);
                       (void)item;
                     }
                   }
                 }
                 r.finish();
               }
               c.nationalities.push_back(std::move(n));
             });
}

// The countries a nationality is a citizen of, once every country is known.
void resolve_citizens(const Node& params, Compiled& c, Diagnostics* d)
{
  const Node* list = entry_value(params, "nationalities");
  for (auto& n : c.nationalities) {
    n.citizen.assign(c.countries.list.size(), 0);
    const Node* one = list && list->is_map() ? list->find(n.id) : nullptr;
    const Node* co = one && cfg::value_of(*one).is_map() ? cfg::value_of(*one).find("citizen_of")
                                                         : nullptr;
    if (co == nullptr || !cfg::value_of(*co).is_sequence()) {
      continue;
    }
    for (const auto& item : cfg::value_of(*co).items()) {
      const std::int32_t k = c.countries.find(item.text());
      if (k >= 0) {
        n.citizen[static_cast<std::size_t>(k)] = 1;
      } else if (const auto s = cfg::did_you_mean(item.text(), c.countries.list);
                 s && d != nullptr) {
        // A country off the network is fine (an origin's); one a letter away
        // from a country on it is a misspelling.
        d->error(item.mark(),
                 "no place or actor is in the country '" + item.text() +
                   "' (citizen_of of nationality '" + n.id + "')",
                 "did you mean '" + *s + "'?");
      }
    }
  }
}

void read_modes(const Node& params, Compiled& c, Diagnostics& d)
{
  Params& p = c.epoch.p;
  each_named(params, "modes", c.mode_ids, c, d, [&](const Node::Entry& e, std::int32_t) {
    ModeParams m;
    m.id = e.key;
    MapReader r(&cfg::value_of(e.value), e.key_mark, d, "mode '" + e.key + "'",
                { "speed_km_per_day", "sigma", "fare_to", "note" });
    if (r.ok()) {
      m.speed_km_per_day = r.number("speed_km_per_day", kSpeed);
      m.sigma = r.number("sigma", kSigma);
      m.fare_to = payee(r, "fare_to", c, false);
      r.finish();
    }
    p.modes.push_back(std::move(m));
  });
  if (p.modes.empty()) {
    d.error(params.mark(), "the scenario needs a mapping 'modes' with at least one mode",
            "modes: {bus: {speed_km_per_day: 700, sigma: 0.25}}");
  }
}

// --- the parts ------------------------------------------------------------------

// A price's risk premium, `premium: {per, loading, max_risk}` in r (a vehicle's
// fare, a checkpoint's fee, a toll point's toll; docs/behaviour.md, "Markets that
// respond"); `on` false where r has none. `hint` says what risk the seller prices.
PricePremium read_premium(MapReader& r, Diagnostics& d, const std::string& hint)
{
  PricePremium out;
  const Node* pr = r.get("premium");
  if (pr == nullptr) {
    return out;
  }
  MapReader q(&cfg::value_of(*pr), pr->mark(), d, "the premium of " + r.what(),
              { "per", "loading", "max_risk" });
  if (!q.ok()) {
    return out;
  }
  out.on = true;
  if (const Node* per = q.require("per")) {
    const std::string k = cfg::value_of(*per).is_scalar() ? cfg::value_of(*per).text() : "";
    const auto it = std::find(kRiskNames.begin(), kRiskNames.end(), k);
    if (it == kRiskNames.end()) {
      d.error(cfg::value_of(*per).mark(),
              "per of " + q.what() +
                " must be one of attack, death, kidnapping, "
                "interception, got '" +
                k + "'",
              hint + " (docs/behaviour.md, \"Markets that respond\")");
    } else {
      out.risk = static_cast<std::uint8_t>(it - kRiskNames.begin());
    }
  }
  out.loading = q.number("loading", kFactor);
  out.max_risk = q.number(
    "max_risk", named(Bounds{ 0.0, 1.0, true, true, false, false, "" }, "a probability in (0, 1)"),
    0.9);
  q.finish();
  return out;
}

// A vehicle kind's finite fleet per line, `fleet: {trucks, return_days,
// lost_probability}` in r (docs/behaviour.md, "Finite fleet"); return_days a
// number of days or `{median, sigma}` (lognormal, drawn per trip back).
void read_fleet(MapReader& r, Vehicle& v, Diagnostics& d)
{
  const Node* fl = r.get("fleet");
  if (fl == nullptr) {
    return;
  }
  MapReader q(&cfg::value_of(*fl), fl->mark(), d, "the fleet of " + r.what(),
              { "trucks", "return_days", "lost_probability" });
  if (!q.ok()) {
    return;
  }
  v.fleet_trucks = static_cast<std::uint32_t>(
    q.integer("trucks", named(Bounds{ 1.0, 1.0e6, false, false, true, false, "" },
                              "a whole number of trucks in [1, 1000000]")));
  const Bounds days = named(cfg::kPositive, "a number of days > 0");
  const Node* rd = q.get("return_days");
  if (rd != nullptr && !cfg::is_parameter_leaf(*rd) && rd->is_map()) {
    MapReader m(rd, rd->mark(), d, "the return_days of " + r.what(), { "median", "sigma" });
    if (m.ok()) {
      v.fleet_return_median = m.number("median", days);
      v.fleet_return_sigma = m.number("sigma", kSigma);
      m.finish();
    }
  } else {
    v.fleet_return_median = q.number("return_days", days);
  }
  v.fleet_lost_probability = q.number("lost_probability", cfg::kProbability, 0.0);
  q.finish();
}

void read_parts(const Node& params, Compiled& c, Diagnostics& d)
{
  Params& p = c.epoch.p;
  refuse_renamed(
    &params,
    { { "roadblocks",
        "toll points are named parts: toll_points: {ID: {forces: ACTOR, demand: {...}, toll: "
        "[lo, hi], delay_hours: h}}, placed by count: segments: {S: {roadblocks: {ID: N}}}" },
      { "cokseurs", "recruiters: {ID: {share: s, fee: f, receiver: ACTOR}}, placed at a place: "
                    "places: {P: {recruiters: ID}}" },
      { "gendarmerie",
        "arrest_points: {ID: {forces: ACTOR, modes: [bus], tax: [lo, hi], tax_probability: {...}, "
        "arrest_probability: p, bribe: b, bribe_to: ACTOR, detention_days: d}}, placed by "
        "places: {P: {arrest_point: ID}}" },
      { "hub", "hubs: {ID: {passeur_fee: ..., ...}}, placed by places: {P: {hub: ID, vehicles: "
               "[V]}}; the truck fares moved to vehicles: {V: {fare: {...}}}" },
      { "trucks", "vehicles: {ID: {mode: M, capacity: [lo, hi], max_wait_days: d, fare: {...}, "
                  "fare_to: ACTOR}}, loaded at hubs: places: {P: {vehicles: [ID]}}" },
      { "protection", "a vehicle's protection: vehicles: {ID: {protection: {probability: p, "
                      "fare_share: s, hazard_factor: f, receiver: ACTOR}}}" },
      { "hostage", "hostage_takers: {ID: {ransom: r, receiver: ACTOR, ...}}, placed by "
                   "places: {P: {hostage: {ID: probability}}}" },
      { "border", "borders: {ID: {interception: {...}, retry_probability: ..., retry_receiver: "
                  "ACTOR, ...}}, placed by places: {P: {crossing: {border: ID, ...}}}" },
      { "nouakchott_share", "entries: {ID: {place: P, share: s, origins: [...]}}" } },
    "parameters", d);
  const std::string cfa = "an amount of CFA in [0, 10^12]";
  each_named(params, "toll_points", c.toll_ids, c, d, [&](const Node::Entry& e, std::int32_t) {
    TollPoint t;
    t.id = e.key;
    MapReader r(&cfg::value_of(e.value), e.key_mark, d, "toll point '" + e.key + "'",
                { "label", "forces", "demand", "toll", "delay_hours", "premium", "note" });
    if (r.ok()) {
      t.label = r.string("label", e.key);
      const std::int32_t f = actor_ref(r, "forces", c);
      t.forces = actor_or_zero(f);
      if (f >= 0 && !c.actors[static_cast<std::size_t>(f)].country.empty()) {
        t.country = c.countries.find(c.actors[static_cast<std::size_t>(f)].country);
      }
      t.demand = by_class(r, "demand", cfg::kProbability, c);
      t.toll = money_range(r, "toll");
      t.delay_days = r.number("delay_hours", kHours, 0.0) / 24.0;
      t.premium = read_premium(r, d, "the risk of the segment the forces price");
      r.finish();
    }
    p.toll_points.push_back(std::move(t));
  });
  bool old_checkpoints = false;
  if (const Node* cp = entry_value(params, "checkpoints"); cp && cp->is_map()) {
    for (const auto& e : cp->entries()) {
      if ((e.key == "fee" || e.key == "delay_hours") && !cfg::value_of(e.value).is_map()) {
        d.error(e.key_mark,
                "'checkpoints." + e.key + "' is no longer read (the corridor format): write "
                "checkpoints: {ID: {label: ..., fee: f, receiver: ACTOR, delay_hours: h}}",
                "parameters.checkpoints declares named kinds, placed by count: segments: {S: "
                "{checkpoints: {ID: N}}} (docs/scenario-reference.md)");
        old_checkpoints = true;
      }
    }
  }
  each_named(params, old_checkpoints ? "checkpoints (old form)" : "checkpoints", c.checkpoint_ids, c, d,
             [&](const Node::Entry& e, std::int32_t) {
               Checkpoint k;
               k.id = e.key;
               MapReader r(&cfg::value_of(e.value), e.key_mark, d, "checkpoint '" + e.key + "'",
                           { "label", "receiver", "fee", "delay_hours", "premium", "note" });
               if (r.ok()) {
                 k.label = r.string("label", e.key);
                 k.receiver = payee(r, "receiver", c);
                 k.fee = money(r, "fee");
                 k.delay_days = r.number("delay_hours", kHours, 0.0) / 24.0;
                 k.premium = read_premium(r, d, "the risk of the segment the armed group prices");
                 r.finish();
               }
               p.checkpoints.push_back(std::move(k));
             });
  if (const auto* be = params.find_entry("bandits")) {
    MapReader r(&cfg::value_of(be->value), be->key_mark, d, "bandits",
                { "hazard_scale", "zones", "robbery_share", "payoff", "kill_probability" });
    if (r.ok()) {
      refuse_renamed(r.node(),
                     { { "robbery_share", "a bandit zone's: bandits: {zones: {ID: {robbery_share: "
                                          "s, payoff: p, kill_probability: k, receiver: ACTOR}}}" },
                       { "payoff", "a bandit zone's: bandits: {zones: {ID: {payoff: p}}}" },
                       { "kill_probability",
                         "a bandit zone's: bandits: {zones: {ID: {kill_probability: k}}}" } },
                     "bandits", d);
      p.hazard_scale = r.number("hazard_scale", kFactor, 1.0);
      each_named(*r.node(), "zones", c.bandit_ids, c, d, [&](const Node::Entry& e, std::int32_t) {
        BanditZone z;
        z.id = e.key;
        MapReader zr(&cfg::value_of(e.value), e.key_mark, d, "bandit zone '" + e.key + "'",
                     { "label", "receiver", "robbery_share", "payoff", "kill_probability", "note" });
        if (zr.ok()) {
          z.label = zr.string("label", e.key);
          z.receiver = payee(zr, "receiver", c);
          z.robbery_share = zr.number("robbery_share", cfg::kShare);
          z.payoff = money(zr, "payoff");
          z.kill_probability = zr.number("kill_probability", cfg::kProbability);
          zr.finish();
        }
        p.bandit_zones.push_back(std::move(z));
      });
      r.finish();
    }
  }
  if (const auto* de = params.find_entry("desert")) {
    MapReader r(&cfg::value_of(de->value), de->key_mark, d, "desert",
                { "death_per_1000km", "modes" });
    if (r.ok()) {
      p.desert_death_per_1000km = r.number("death_per_1000km", cfg::kProbability);
      const auto modes = mode_set(r, "modes", c);
      for (std::size_t m = 0; m < modes.size() && m < p.modes.size(); ++m) {
        p.modes[m].desert = modes[m] != 0;
      }
      r.finish();
    }
  }
  each_named(params, "arrest_points", c.arrest_ids, c, d, [&](const Node::Entry& e, std::int32_t) {
    ArrestPoint a;
    a.id = e.key;
    MapReader r(&cfg::value_of(e.value), e.key_mark, d, "arrest point '" + e.key + "'",
                { "label", "forces", "modes", "tax", "tax_probability", "arrest_probability",
                  "bribe", "bribe_to", "detention_days", "deport_to", "note" });
    if (r.ok()) {
      a.label = r.string("label", e.key);
      a.forces = actor_or_zero(actor_ref(r, "forces", c));
      a.modes = mode_set(r, "modes", c);
      a.tax = money_range(r, "tax");
      a.tax_probability = by_class(r, "tax_probability", cfg::kProbability, c);
      a.arrest_probability = r.number("arrest_probability", cfg::kProbability);
      a.detention_days = r.number("detention_days", kDays);
      if (const Node* to = r.get("deport_to")) {
        a.deport_to = c.place_ids.ref(*to, d, "deport_to of " + r.what());
        if (r.get("bribe") != nullptr || r.get("bribe_to") != nullptr) {
          d.error(to->mark(), r.what() + " both deports and takes a bribe",
                  "an arrested migrant is either bought out (bribe, bribe_to) or deported "
                  "(deport_to)");
        }
      } else {
        a.bribe = money(r, "bribe");
        a.bribe_to = payee(r, "bribe_to", c);
      }
      r.finish();
    }
    p.arrest_points.push_back(std::move(a));
  });
  each_named(params, "recruiters", c.recruiter_ids, c, d, [&](const Node::Entry& e, std::int32_t) {
    Recruiter x;
    x.id = e.key;
    MapReader r(&cfg::value_of(e.value), e.key_mark, d, "recruiter '" + e.key + "'",
                { "label", "share", "fee", "receiver", "note" });
    if (r.ok()) {
      x.label = r.string("label", e.key);
      x.share = r.number("share", cfg::kShare);
      x.fee = money(r, "fee");
      x.receiver = payee(r, "receiver", c);
      r.finish();
    }
    p.recruiters.push_back(std::move(x));
  });
  each_named(
    params, "passport_markets", c.market_ids, c, d, [&](const Node::Entry& e, std::int32_t) {
      PassportMarket m;
      m.id = e.key;
      MapReader r(&cfg::value_of(e.value), e.key_mark, d, "passport market '" + e.key + "'",
                  { "label", "issues", "demand", "price_eur", "price", "pool", "return_days",
                    "seller", "issuance", "note" });
      if (r.ok()) {
        m.label = r.string("label", e.key);
        if (const Node* is = r.require("issues")) {
          m.issues = static_cast<ClassId>(std::max(0, c.class_ids.ref(*is, d, "issues of " + r.what())));
        }
        m.demand = by_class(r, "demand", cfg::kShare, c);
        m.price = price_range(r, p.cfa_per_eur);
        m.pool = r.integer("pool", cfg::kCount);
        m.return_days = r.number("return_days", kDays);
        m.seller = payee(r, "seller", c);
        if (const Node* is = r.get("issuance")) {
          MapReader q(&cfg::value_of(*is), is->mark(), d, "the issuance of " + r.what(),
                      { "per_day", "price_eur", "price", "receiver", "reference_demand",
                        "elasticity", "demand_days", "crackdown" });
          if (q.ok()) {
            m.has_issuance = true;
            m.issued_per_day = q.number("per_day", named(cfg::kNonNegative, "papers a day >= 0"));
            m.responds = q.get("elasticity") != nullptr || q.get("crackdown") != nullptr ||
                         q.get("reference_demand") != nullptr || q.get("demand_days") != nullptr;
            m.elasticity = q.number("elasticity",
                                    named(Bounds{ 0.0, 10.0, false, false, false, false, "" },
                                          "an elasticity in [0, 10]"),
                                    0.0);
            m.crackdown = q.number("crackdown", cfg::kShare, 0.0);
            const Bounds positive_days = named(cfg::kPositive, "a number of days > 0");
            const Bounds positive_demand = named(cfg::kPositive, "papers sought a day > 0");
            if (const Node* x = q.get("reference_demand"); x != nullptr && m.elasticity == 0.0) {
              d.error(x->mark(),
                      "reference_demand of " + q.what() +
                        " has no effect: supply follows demand only with an elasticity > 0",
                      "give elasticity: e (supply = per_day * (demand / reference_demand)^e * "
                      "(1 - crackdown)), or remove reference_demand");
            }
            if (m.elasticity > 0.0) {
              m.reference_demand = q.number("reference_demand", positive_demand);
            }
            m.demand_days = q.number("demand_days", positive_days, 30.0);
            m.issue_price = price_range(q, p.cfa_per_eur);
            m.issuer = payee(q, "receiver", c);
            q.finish();
          }
        }
        r.finish();
      }
      p.passport_markets.push_back(std::move(m));
    });
  each_named(params, "hubs", c.hub_ids, c, d, [&](const Node::Entry& e, std::int32_t) {
    Hub h;
    h.id = e.key;
    MapReader r(&cfg::value_of(e.value), e.key_mark, d, "hub '" + e.key + "'",
                { "passeur_fee", "passeur_receiver", "passeur_networks", "foreign_ghetto_surcharge",
                  "ghetto_fee_per_day", "ghetto_receiver", "earnings_per_day", "earnings_sigma",
                  "cash_reserve", "max_work_days", "replacement", "premium", "truck_fare_foreign",
                  "truck_fare_malian", "note" });
    if (r.ok()) {
      refuse_renamed(r.node(),
                     { { "truck_fare_foreign", "a vehicle's fare by class: vehicles: {V: {fare: "
                                               "{citizen: ..., CLASS: ...}}}" },
                       { "truck_fare_malian", "a vehicle's fare by class: vehicles: {V: {fare: "
                                              "{citizen: ..., CLASS: ...}}}" } },
                     r.what(), d);
      h.passeur_fee = money(r, "passeur_fee");
      h.passeur_receiver = payee(r, "passeur_receiver", c);
      h.passeur_network.assign(c.origin_ids.list.size(), false);
      if (const Node* n = r.require("passeur_networks")) {
        cfg::read_provenance(*n, d);
        const Node& v = cfg::value_of(*n);
        if (!v.is_sequence()) {
          d.error(v.mark(), "passeur_networks must be a list of origin ids");
        } else {
          for (const auto& item : v.items()) {
            const std::int32_t o = c.origin_ids.ref(item, d, "passeur_networks of " + r.what());
            if (o >= 0 && static_cast<std::size_t>(o) < h.passeur_network.size()) {
              h.passeur_network[static_cast<std::size_t>(o)] = true;
            }
          }
        }
      }
      h.foreign_ghetto_surcharge = r.number("foreign_ghetto_surcharge", kFactor);
      h.ghetto_fee_per_day = money(r, "ghetto_fee_per_day");
      h.ghetto_receiver = payee(r, "ghetto_receiver", c);
      h.earnings_per_day =
        r.number("earnings_per_day", named(cfg::kMoney, "an amount of CFA per day in [0, 10^12]"));
      h.earnings_sigma = r.number("earnings_sigma", kSigma);
      h.cash_reserve = money(r, "cash_reserve");
      h.max_work_days = r.number("max_work_days", kDays);
      if (const Node* rp = r.get("replacement")) {
        MapReader q(&cfg::value_of(*rp), rp->mark(), d, "the replacement of " + r.what(),
                    { "rate0", "reference_profit", "fee_factor" });
        if (q.ok()) {
          h.has_replacement = true;
          h.replacement_rate0 =
            q.number("rate0", named(cfg::kPositive, "a rate per day > 0 (1 / mean days)"));
          h.replacement_reference =
            q.number("reference_profit", named(cfg::kPositive, "an amount of CFA per day > 0"));
          h.replacement_fee_factor = q.number("fee_factor", kFactor, 1.0);
          q.finish();
        }
      }
      h.premium = read_premium(r, d, "the risk of the journey the passeur sells");
      r.finish();
    }
    p.hubs.push_back(std::move(h));
  });
  each_named(params, "vehicles", c.vehicle_ids, c, d, [&](const Node::Entry& e, std::int32_t) {
    Vehicle v;
    v.id = e.key;
    MapReader r(&cfg::value_of(e.value), e.key_mark, d, "vehicle '" + e.key + "'",
                { "label", "mode", "capacity", "max_wait_days", "fare", "fare_to", "protection",
                  "premium", "fleet", "note" });
    if (r.ok()) {
      v.label = r.string("label", e.key);
      if (const Node* m = r.require("mode")) {
        v.mode = static_cast<std::uint32_t>(std::max(0, c.mode_ids.ref(*m, d, "mode of " + r.what())));
      }
      const auto [lo, hi] =
        r.interval("capacity", named(Bounds{ 1.0, 100000.0, false, false, true, false, "" },
                                     "a whole number of seats in [1, 100000]"));
      v.capacity_lo = static_cast<std::uint32_t>(lo);
      v.capacity_hi = static_cast<std::uint32_t>(hi);
      Bounds wait = named(cfg::kPositive, "a number of days > 0 (or .inf)");
      wait.allow_infinity = true;
      v.max_wait_days = r.number("max_wait_days", wait);
      v.fare = by_class(r, "fare", cfg::kMoney, c);
      for (auto& x : v.fare.value) {
        x = static_cast<double>(std::llround(x));
      }
      v.fare.citizen = static_cast<double>(std::llround(v.fare.citizen));
      v.fare_to = payee(r, "fare_to", c);
      if (const Node* pr = r.get("protection")) {
        MapReader q(&cfg::value_of(*pr), pr->mark(), d, "the protection of " + r.what(),
                    { "probability", "fare_share", "hazard_factor", "receiver" });
        if (q.ok()) {
          v.has_protection = true;
          v.protection_probability = q.number("probability", cfg::kProbability);
          v.protection_fare_share = q.number("fare_share", cfg::kShare);
          v.protection_hazard_factor = q.number("hazard_factor", kFactor);
          v.protection_receiver = payee(q, "receiver", c);
          q.finish();
        }
      }
      v.premium = read_premium(r, d, "the risk of the line the seller prices");
      read_fleet(r, v, d);
      r.finish();
    }
    p.vehicles.push_back(std::move(v));
  });
  each_named(params, "hostage_takers", c.hostage_ids, c, d, [&](const Node::Entry& e, std::int32_t) {
    HostageTakers h;
    h.id = e.key;
    MapReader r(&cfg::value_of(e.value), e.key_mark, d, "hostage-takers '" + e.key + "'",
                { "label", "ransom", "receiver", "pay_probability", "pay_delay_days",
                  "pay_delay_sigma", "wait_limit_days", "abandoned_survival", "note" });
    if (r.ok()) {
      h.label = r.string("label", e.key);
      h.ransom = money(r, "ransom");
      h.receiver = payee(r, "receiver", c);
      h.pay_probability = r.number("pay_probability", cfg::kProbability);
      h.pay_delay_median = r.number("pay_delay_days", named(cfg::kPositive, "a number of days > 0"));
      h.pay_delay_sigma = r.number("pay_delay_sigma", kSigma);
      h.wait_limit = r.number("wait_limit_days", named(cfg::kPositive, "a number of days > 0"));
      h.abandoned_survival = r.number("abandoned_survival", cfg::kProbability);
      r.finish();
    }
    p.hostage_takers.push_back(std::move(h));
  });
  each_named(params, "borders", c.border_ids, c, d, [&](const Node::Entry& e, std::int32_t) {
    Border b;
    b.id = e.key;
    MapReader r(&cfg::value_of(e.value), e.key_mark, d, "border '" + e.key + "'",
                { "label", "interception", "retry_probability", "retry_days", "retry_fee",
                  "retry_receiver", "max_attempts", "note" });
    if (r.ok()) {
      b.label = r.string("label", e.key);
      b.interception = by_class(r, "interception", cfg::kProbability, c);
      b.retry_probability = r.number("retry_probability", cfg::kProbability);
      b.retry_days = r.number("retry_days", kDays);
      b.retry_fee = money(r, "retry_fee");
      b.retry_receiver = payee(r, "retry_receiver", c);
      b.max_attempts = static_cast<std::uint32_t>(r.integer("max_attempts", cfg::kPositiveCount));
      r.finish();
    }
    p.borders.push_back(std::move(b));
  });
}

// --- the network ----------------------------------------------------------------

//! A placement `key: {PART: amount}` of exactly one part.
std::int32_t placed_one(MapReader& r, std::string_view key, const Ids& ids, const Bounds& b,
                        double& amount, Compiled& c)
{
  const Node* n = r.get(key);
  if (n == nullptr) {
    return -1;
  }
  Diagnostics& d = r.diagnostics();
  const Node& m = cfg::value_of(*n);
  if (!m.is_map() || cfg::is_parameter_leaf(*n) || m.entries().size() != 1) {
    d.error(m.mark(), std::string(key) + " of " + r.what() + " names one " + ids.what +
                        " with its " + b.what + ": " + std::string(key) + ": {ID: value}");
    return -1;
  }
  const auto& e = m.entries().front();
  std::int32_t i = ids.find(e.key);
  if (i < 0) {
    const auto s = cfg::did_you_mean(e.key, ids.list);
    d.error(e.key_mark, "unknown " + ids.what + " '" + e.key + "' in " + std::string(key) + " of " +
                          r.what(),
            s ? "did you mean '" + *s + "'?" : "declare it under " + ids.where);
  } else {
    c.placed.insert(ids.where + ":" + ids.list[static_cast<std::size_t>(i)]);
  }
  cfg::read_provenance(e.value, d);
  amount = cfg::read_number(cfg::value_of(e.value), d, b, e.key).value_or(0.0);
  return i;
}

//! A reference `key: ID` to a part, marked as placed.
std::int32_t placed_ref(MapReader& r, std::string_view key, const Ids& ids, Compiled& c)
{
  const Node* n = r.get(key);
  if (n == nullptr) {
    return -1;
  }
  const std::int32_t i = ids.ref(*n, r.diagnostics(), std::string(key) + " of " + r.what());
  if (i >= 0) {
    c.placed.insert(ids.where + ":" + ids.list[static_cast<std::size_t>(i)]);
  }
  return i;
}

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
  std::size_t i = 0;
  for (const auto& e : list.entries()) {
    Place& p = places[i++];
    MapReader r(&cfg::value_of(e.value), e.key_mark, d, "place '" + e.key + "'",
                { "name", "country", "coordinates", "closed", "hub", "vehicles", "arrest_point",
                  "passport_market", "recruiters", "ghetto_stop_days", "hostage", "crossing",
                  "exit", "note", "gendarmerie", "cokseurs", "hostage_probability" });
    if (!r.ok()) {
      continue;
    }
    refuse_renamed(r.node(),
                   { { "gendarmerie", "arrest_point: ID (an arrest point under "
                                      "parameters.arrest_points)" },
                     { "cokseurs", "recruiters: ID (under parameters.recruiters)" },
                     { "hostage_probability",
                       "hostage: {ID: probability} (hostage-takers under "
                       "parameters.hostage_takers)" } },
                   r.what(), d);
    p.name = r.string("name", e.key);
    p.country = r.string("country", std::string());
    if (!p.country.empty()) {
      p.country_index = c.countries.add(p.country);
    }
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
    if (const Node* h = r.get("hub"); h && cfg::value_of(*h).is_scalar() &&
                                      (cfg::value_of(*h).text() == "true" ||
                                       cfg::value_of(*h).text() == "false")) {
      d.error(cfg::value_of(*h).mark(), "'hub: " + cfg::value_of(*h).text() + "' is no longer read (the corridor format)",
              "a hub names its part and the vehicles it loads: hub: ID, vehicles: [V] (under "
              "parameters.hubs and parameters.vehicles)");
    } else {
      p.hub = placed_ref(r, "hub", c.hub_ids, c);
    }
    if (const Node* pm = r.get("passport_market"); pm && cfg::value_of(*pm).is_scalar() &&
                                                   (cfg::value_of(*pm).text() == "true" ||
                                                    cfg::value_of(*pm).text() == "false")) {
      d.error(cfg::value_of(*pm).mark(),
              "'passport_market: " + cfg::value_of(*pm).text() + "' is no longer read (the corridor format)",
              "name the market: passport_market: ID (under parameters.passport_markets)");
    } else {
      p.passport_market = placed_ref(r, "passport_market", c.market_ids, c);
    }
    p.recruiter = placed_ref(r, "recruiters", c.recruiter_ids, c);
    p.arrest_point = placed_ref(r, "arrest_point", c.arrest_ids, c);
    if (const Node* v = r.get("vehicles")) {
      const Node& list_v = cfg::value_of(*v);
      if (!list_v.is_sequence()) {
        d.error(list_v.mark(), "vehicles of " + r.what() + " must be a list of vehicle ids");
      } else {
        for (const auto& item : list_v.items()) {
          const std::int32_t k = c.vehicle_ids.ref(item, d, "vehicles of " + r.what());
          if (k >= 0) {
            c.placed.insert(c.vehicle_ids.where + ":" + c.vehicle_ids.list[static_cast<std::size_t>(k)]);
            p.vehicles.push_back(static_cast<std::uint32_t>(k));
          }
        }
      }
      if (p.hub < 0) {
        d.error(v->mark(), r.what() + " loads vehicles but is no hub",
                "vehicles are loaded at hubs: give the place hub: ID");
      }
    } else if (p.hub >= 0) {
      d.error(r.get("hub")->mark(), r.what() + " is a hub that loads no vehicles",
              "list the vehicles that leave from it: vehicles: [V]");
    }
    p.ghetto_stop_days = r.number("ghetto_stop_days", kDays, 0.0);
    p.hostage = placed_one(r, "hostage", c.hostage_ids, cfg::kProbability, p.hostage_probability, c);
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
                     "the crossing at '" + e.key + "'", { "border", "exit", "strictness", "note" });
      if (cr_r.ok()) {
        if (r.get("exit") != nullptr) {
          d.error(cr->mark(), "place '" + e.key + "' has both 'exit' and 'crossing'",
                  "a crossing names its exit itself: crossing: {border: ID, exit: ..., "
                  "strictness: ...}; without an exit the journey goes on after it");
        }
        if (const Node* b = cr_r.require("border")) {
          p.border = c.border_ids.ref(*b, d, "the crossing at '" + e.key + "'");
          if (p.border >= 0) {
            c.placed.insert(c.border_ids.where + ":" + c.border_ids.list[static_cast<std::size_t>(p.border)]);
          } else {
            p.border = -2; // a crossing, whose rules are wrong
          }
        } else {
          p.border = -2;
        }
        if (const Node* x = cr_r.get("exit")) {
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
    s.index = static_cast<std::uint32_t>(segs.size());
    s.site = engine::random::substream_id("segment:" + e.key);
    MapReader r(&cfg::value_of(e.value), e.key_mark, d, "segment '" + e.key + "'",
                { "from", "to", "mode", "distance_km", "weight", "fare", "fare_to", "roadblocks",
                  "checkpoints", "bandits", "desert_death_per_1000km", "hostage", "closed", "note",
                  "bandit_hazard" });
    c.segment_marks.push_back(e.key_mark);
    if (!r.ok()) {
      segs.push_back(std::move(s));
      continue;
    }
    refuse_renamed(r.node(),
                   { { "bandit_hazard", "bandits: {ZONE: hazard per km} (a zone under "
                                        "parameters.bandits.zones)" } },
                   r.what(), d);
    const std::int32_t from = c.place_ids.ref(*(r.require("from") ? r.get("from") : r.node()), d,
                                              "segment '" + e.key + "' from");
    const std::int32_t to = r.get("to") ? c.place_ids.ref(*r.get("to"), d, "segment '" + e.key + "' to")
                                        : (r.require("to"), -1);
    s.from = from < 0 ? 0 : static_cast<std::uint32_t>(from);
    s.to = to < 0 ? 0 : static_cast<std::uint32_t>(to);
    if (from >= 0 && from == to) {
      d.error(r.get("to")->mark(), "segment '" + e.key + "' goes from a place to itself");
    }
    if (const Node* m = r.require("mode")) {
      s.mode = static_cast<std::uint32_t>(std::max(0, c.mode_ids.ref(*m, d, "segment '" + e.key + "'")));
    }
    s.distance_km = r.number("distance_km", kKm);
    s.weight = r.number("weight", kWeight, 1.0);
    s.closed = r.boolean("closed", false);
    s.fare = money(r, "fare", 0.0);
    s.fare_to = payee(r, "fare_to", c, false);
    if (s.fare_to.empty() && s.mode < c.epoch.p.modes.size()) {
      s.fare_to = c.epoch.p.modes[s.mode].fare_to;
    }
    if (s.fare > 0 && s.fare_to.empty() && r.get("fare") != nullptr) {
      d.error(r.get("fare")->mark(), r.what() + " has a fare but no one to receive it",
              "name the receiver: fare_to: ACTOR (or the mode's fare_to: under parameters.modes)");
    }
    for (const auto which : { 0, 1 }) {
      const char* key = which == 0 ? "roadblocks" : "checkpoints";
      const Ids& ids = which == 0 ? c.toll_ids : c.checkpoint_ids;
      auto& out = which == 0 ? s.roadblocks : s.checkpoints;
      const Node* n = r.get(key);
      if (n == nullptr) {
        continue;
      }
      const Node& m = cfg::value_of(*n);
      if (!m.is_map() || cfg::is_parameter_leaf(*n)) {
        d.error(m.mark(), std::string(key) + " of " + r.what() + " names its " + ids.what +
                            "s with their counts: " + key + ": {ID: N}",
                std::string("the ") + ids.what + "s are declared under " + ids.where);
        continue;
      }
      for (const auto& pe : m.entries()) {
        const std::int32_t k = ids.find(pe.key);
        cfg::read_provenance(pe.value, d);
        const auto n_stops = cfg::read_number(cfg::value_of(pe.value), d, kRoadCount, pe.key);
        if (k < 0) {
          const auto sug = cfg::did_you_mean(pe.key, ids.list);
          d.error(pe.key_mark, "unknown " + ids.what + " '" + pe.key + "' in " + key + " of " + r.what(),
                  sug ? "did you mean '" + *sug + "'?" : "declare it under " + ids.where);
          continue;
        }
        c.placed.insert(ids.where + ":" + ids.list[static_cast<std::size_t>(k)]);
        out.push_back(Placed{ static_cast<std::uint32_t>(k), n_stops.value_or(0.0) });
        (which == 0 ? s.roadblock_count : s.checkpoint_count) +=
          static_cast<std::uint32_t>(n_stops.value_or(0.0));
      }
    }
    s.bandits = placed_one(r, "bandits", c.bandit_ids, kPerKm, s.bandit_hazard, c);
    s.desert_death_per_1000km =
      r.number("desert_death_per_1000km", cfg::kProbability, -1.0 /* the default */);
    if (r.get("desert_death_per_1000km") == nullptr) {
      s.desert_death_per_1000km = -1.0;
    }
    s.hostage = placed_one(r, "hostage", c.hostage_ids, cfg::kProbability, s.hostage_probability, c);
    r.finish();
    segs.push_back(std::move(s));
  }
  for (std::uint32_t i = 0; i < segs.size(); ++i) {
    if (segs[i].from < places.size()) {
      places[segs[i].from].out.push_back(i);
    }
  }
}

void read_origins_destinations_flows(const Node& params, Compiled& c, Diagnostics& d)
{
  // Origins.
  if (const auto* entry = params.find_entry("origins");
      entry && cfg::value_of(entry->value).is_map()) {
    double total = 0.0;
    bool shares_ok = true;
    const ClassId default_class = [&] {
      const Node* docs = entry_value(params, "documents");
      const Node* def = docs && docs->is_map() ? docs->find("default") : nullptr;
      if (def == nullptr) {
        if (c.classes.size() > 1) {
          d.error(docs ? docs->mark() : params.mark(),
                  "documents needs 'default': the class a migrant holds unless his origin's "
                  "documents say otherwise");
        }
        return ClassId{ 0 };
      }
      return static_cast<ClassId>(std::max(0, c.class_ids.ref(*def, d, "documents.default")));
    }();
    for (const auto& e : cfg::value_of(entry->value).entries()) {
      Origin o;
      o.id = e.key;
      o.default_class = default_class;
      MapReader r(&cfg::value_of(e.value), e.key_mark, d, "origin '" + e.key + "'",
                  { "share", "start", "nationality", "documents", "note", "malian" });
      if (r.ok()) {
        refuse_renamed(r.node(),
                       { { "malian", "nationality: ID (under parameters.nationalities, with "
                                     "citizen_of: [COUNTRY])" } },
                       r.what(), d);
        const std::size_t before = d.size();
        o.share = r.number("share", cfg::kShare);
        // A share outside [0, 1] is reported as such, not again as a wrong sum.
        shares_ok = shares_ok && d.size() == before;
        if (const Node* s = r.require("start")) {
          o.start = static_cast<std::uint32_t>(std::max(0, c.place_ids.ref(*s, d, "origin '" + e.key + "' start")));
        }
        if (const Node* n = r.get("nationality")) {
          o.nationality = static_cast<std::uint32_t>(
            std::max(0, c.nationality_ids.ref(*n, d, "origin '" + e.key + "'")));
        } else if (!c.nationalities.empty()) {
          r.require("nationality");
        }
        if (const Node* docs = r.get("documents")) {
          MapReader dr(&cfg::value_of(*docs), docs->mark(), d,
                       "the documents of origin '" + e.key + "'", {});
          double sum = 0.0;
          if (dr.ok()) {
            for (const auto& de : dr.node()->entries()) {
              const std::int32_t k = c.class_ids.find(de.key);
              cfg::read_provenance(de.value, d);
              const auto v = cfg::read_number(cfg::value_of(de.value), d, cfg::kShare, de.key);
              if (k < 0) {
                const auto sug = cfg::did_you_mean(de.key, c.class_ids.list);
                d.error(de.key_mark, "unknown document class '" + de.key + "' in " + dr.what(),
                        sug ? "did you mean '" + *sug + "'?"
                            : "the classes are declared under parameters.documents.classes");
                continue;
              }
              sum += v.value_or(0.0);
              o.documents.emplace_back(static_cast<ClassId>(k), v.value_or(0.0));
            }
            if (sum > 1.0 + 1e-9) {
              d.error(docs->mark(), "the document shares of origin '" + e.key + "' sum to " +
                                      cfg::number_text(sum) + ", more than 1",
                      "the shares are of the origin's migrants; the rest hold documents.default");
            }
          }
        }
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
  if (c.nationalities.empty() && !c.origins.empty()) {
    // Nobody is a citizen anywhere: one nationality for all.
    c.nationalities.push_back(Nationality{ "any", "any", {} });
  }
  // Other ways in.
  each_named(params, "entries", c.entry_ids, c, d, [&](const Node::Entry& e, std::int32_t) {
    Entry x;
    x.id = e.key;
    x.origins.assign(c.origins.size(), 0);
    MapReader r(&cfg::value_of(e.value), e.key_mark, d, "entry '" + e.key + "'",
                { "place", "share", "origins", "note" });
    if (r.ok()) {
      if (const Node* pl = r.require("place")) {
        x.place = static_cast<std::uint32_t>(std::max(0, c.place_ids.ref(*pl, d, r.what())));
      }
      x.share = r.number("share", cfg::kShare);
      if (const Node* os = r.require("origins")) {
        cfg::read_provenance(*os, d);
        const Node& v = cfg::value_of(*os);
        if (!v.is_sequence()) {
          d.error(v.mark(), "origins of " + r.what() + " must be a list of origin ids");
        } else {
          for (const auto& item : v.items()) {
            const std::int32_t o = c.origin_ids.ref(item, d, "origins of " + r.what());
            if (o >= 0 && static_cast<std::size_t>(o) < x.origins.size()) {
              x.origins[static_cast<std::size_t>(o)] = 1;
            }
          }
        }
      }
      r.finish();
    }
    c.epoch.p.entries.push_back(std::move(x));
  });
  for (std::size_t o = 0; o < c.origins.size(); ++o) {
    double sum = 0.0;
    for (const auto& x : c.epoch.p.entries) {
      sum += x.origins[o] ? x.share : 0.0;
    }
    if (sum > 1.0 + 1e-9) {
      d.error(params.find_entry("entries")->key_mark,
              "the entries' shares of origin '" + c.origins[o].id + "' sum to " +
                cfg::number_text(sum) + ", more than 1");
    }
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

// --- route choice by utility (docs/behaviour.md) ----------------------------------

const Bounds kUtilityWeight = named(Bounds{ -1.0e6, 1.0e6, false, false, false, false, "" },
                                    "a utility weight in [-10^6, 10^6]");

void read_choice(const Node& params, Compiled& c, Diagnostics& d)
{
  const auto* ce = params.find_entry("choice");
  if (ce == nullptr) {
    return;
  }
  ChoiceWeights& w = c.epoch.p.choice;
  Information& info = c.epoch.p.information;
  w.given = true;
  MapReader r(&cfg::value_of(ce->value), ce->key_mark, d, "choice", { "weights", "information", "note" });
  if (!r.ok()) {
    return;
  }
  if (r.require("weights") != nullptr) {
    MapReader wr = MapReader::child(*r.node(), "weights", d, "choice.weights",
                                    { "money", "time", "attack", "death", "kidnapping",
                                      "interception" });
    if (wr.ok()) {
      w.money = by_class(wr, "money", kUtilityWeight, c, 0.0);
      w.time = by_class(wr, "time", kUtilityWeight, c, 0.0);
      for (std::size_t k = 0; k < kRiskNames.size(); ++k) {
        w.risk[k] = by_class(wr, kRiskNames[k], kUtilityWeight, c, 0.0);
      }
      wr.finish();
    }
  }
  auto any = [](const ByClass& b) {
    return (b.has_citizen && b.citizen != 0.0) ||
           std::any_of(b.value.begin(), b.value.end(), [](double x) { return x != 0.0; });
  };
  w.active = any(w.money) || any(w.time);
  for (const auto& b : w.risk) {
    w.active = w.active || any(b);
  }
  if (const Node* in = r.get("information")) {
    const Node& v = cfg::value_of(*in);
    if (v.is_scalar()) {
      if (v.text() != "full") {
        d.error(v.mark(), "choice.information is 'full' or a mapping of rumours' parameters",
                "information: full (the true risks), or information: {delay_days: d, "
                "memory_days: m, prior_weight: n, reach: r, prior_scale: s}");
      }
    } else {
      MapReader ir = MapReader::child(*r.node(), "information", d, "choice.information",
                                      { "delay_days", "reach", "memory_days", "prior_weight",
                                        "prior_scale", "note" });
      if (ir.ok()) {
        info.full = false;
        info.delay_days = ir.number("delay_days", kDays);
        info.reach = ir.number("reach", named(Bounds{ 0.0, 1.0, true, false, false, false, "" },
                                              "a share in (0, 1]"),
                               1.0);
        info.memory_days = ir.number(
          "memory_days", named(Bounds{ 0.0, std::numeric_limits<double>::infinity(), true, true,
                                        false, false, "" },
                               "a number of days > 0"));
        info.prior_weight = ir.number("prior_weight", cfg::kNonNegative);
        info.prior_scale = ir.number("prior_scale", kFactor, 1.0);
        ir.finish();
      }
    }
  }
  r.finish();
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
  MapReader top(&params, params.mark(), d, "parameters",
                { "cfa_per_eur", "actors", "documents", "nationalities", "flows", "origins",
                  "entries", "destinations", "cash", "modes", "toll_points", "checkpoints",
                  "bandits", "desert", "arrest_points", "recruiters", "passport_markets", "hubs",
                  "vehicles", "hostage_takers", "borders", "monitoring_points", "places",
                  "segments", "notes", "choice",
                  "roadblocks", "cokseurs", "gendarmerie", "hub", "trucks", "protection",
                  "hostage", "border", "nouakchott_share" });
  // At most 1,000 CFA per EUR (the peg is 655.957) and 10^9 EUR: an amount in
  // EUR stays within the 10^12 CFA of any amount.
  c.epoch.p.cfa_per_eur =
    top.number("cfa_per_eur", named(Bounds{ 0.0, 1000.0, true, false, false, false, "" },
                                    "CFA per EUR in (0, 1000]"),
               667.0);
  top.finish();
  // The ids of places and origins first: everything may refer to them.
  if (const Node* pl = entry_value(params, "places"); pl && pl->is_map()) {
    for (const auto& e : pl->entries()) {
      Place p;
      p.id = e.key;
      p.site = engine::random::substream_id("place:" + e.key);
      c.place_ids.add(e.key);
      c.place_index.emplace(e.key, static_cast<std::int32_t>(c.epoch.places.size()));
      c.epoch.places.push_back(std::move(p));
      c.place_marks.push_back(e.key_mark);
    }
  }
  if (const Node* o = entry_value(params, "origins"); o && o->is_map()) {
    for (const auto& e : o->entries()) {
      c.origin_ids.add(e.key);
    }
  }
  read_actors_documents(params, c, d);
  read_nationalities(params, c, d);
  read_modes(params, c, d);
  {
    auto r = MapReader::child(params, "cash", d, "cash", { "median", "sigma" });
    c.epoch.p.cash_median =
      r.number("median", named(Bounds{ 0.0, 1.0e12, true, false, false, false, "" },
                               "an amount of CFA in (0, 10^12]"));
    c.epoch.p.cash_sigma = r.number("sigma", kSigma);
    r.finish();
  }
  read_parts(params, c, d);
  read_choice(params, c, d);
  read_places(params, c, d);
  read_segments(params, c, d);
  read_origins_destinations_flows(params, c, d);
  resolve_citizens(params, c, &d);
  Ids monitor_ids{ "monitoring point", "parameters.monitoring_points" };
  each_named(params, "monitoring_points", monitor_ids, c, d, [&](const Node::Entry& e,
                                                                 std::int32_t i) {
    MonitoringPoint mp;
    mp.id = e.key;
    MapReader r(&cfg::value_of(e.value), e.key_mark, d, "monitoring point '" + e.key + "'",
                { "label", "place", "counts", "coverage", "note" });
    if (r.ok()) {
      mp.label = r.string("label", e.key);
      if (const Node* pl = r.require("place")) {
        const std::int32_t k = c.place_ids.ref(*pl, d, r.what());
        mp.place = static_cast<std::uint32_t>(std::max(0, k));
        if (k >= 0) {
          Place& at = c.epoch.places[static_cast<std::size_t>(k)];
          if (at.monitor >= 0) {
            d.error(pl->mark(), "place '" + at.id + "' has two monitoring points",
                    "one point counts what passes a place; give it both counts: [arrivals, "
                    "departures]");
          }
          at.monitor = i;
        }
      }
      if (const Node* n = r.require("counts")) {
        const Node& v = cfg::value_of(*n);
        if (!v.is_sequence() || v.items().empty()) {
          d.error(v.mark(), "counts of " + r.what() + " is a list: [arrivals], [departures] or "
                            "[arrivals, departures]");
        } else {
          for (const auto& item : v.items()) {
            if (item.text() == "arrivals") {
              mp.arrivals = true;
            } else if (item.text() == "departures") {
              mp.departures = true;
            } else {
              d.error(item.mark(), "a monitoring point counts arrivals or departures, not '" +
                                     item.text() + "'");
            }
          }
        }
      }
      mp.coverage = r.number("coverage", cfg::kShare);
      r.finish();
    }
    c.epoch.p.monitoring_points.push_back(std::move(mp));
  });
  return c;
}

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
    if ((a.hostage >= 0) != (b.hostage >= 0)) {
      refuse(mark_at(tree, { "parameters", "segments", b.id, "hostage" }, seg),
             "segment '" + b.id + "' gains or loses its hostage-takers");
    }
    if (a.mode != b.mode) {
      refuse(mark_at(tree, { "parameters", "segments", b.id, "mode" }, seg),
             "segment '" + b.id + "' changes its mode");
    }
  }
  // A line's fleet is sized once, at the start: a change may alter its trucks'
  // return_days and lost_probability, not how many there are.
  for (std::size_t i = 0; i < e.p.vehicles.size() && i < first.p.vehicles.size(); ++i) {
    const Vehicle& a = first.p.vehicles[i];
    const Vehicle& b = e.p.vehicles[i];
    if (a.fleet_trucks != b.fleet_trucks && seen.insert("fleet:" + b.id).second) {
      const Mark at = mark_at(tree, { "parameters", "vehicles", b.id }, tree.mark());
      d.error(mark_at(tree, { "parameters", "vehicles", b.id, "fleet" }, at),
              "a change from day " + cfg::number_text(day) + " changes the number of trucks of " +
                "vehicle '" + b.id + "' (or gives or takes away its fleet)",
              "a line's fleet is sized at the start; a change may alter its return_days or "
              "lost_probability");
    }
  }
  for (std::size_t i = 0; i < e.places.size(); ++i) {
    const Place& a = first.places[i];
    const Place& b = e.places[i];
    const Mark place = mark_at(tree, { "parameters", "places", b.id }, tree.mark());
    if ((a.hub >= 0) != (b.hub >= 0)) {
      refuse(mark_at(tree, { "parameters", "places", b.id, "hub" }, place),
             "place '" + b.id + "' changes whether it is a hub");
    }
    if (a.vehicles != b.vehicles) {
      refuse(mark_at(tree, { "parameters", "places", b.id, "vehicles" }, place),
             "place '" + b.id + "' changes the vehicles it loads");
    }
    if ((a.hostage >= 0) != (b.hostage >= 0)) {
      refuse(mark_at(tree, { "parameters", "places", b.id, "hostage" }, place),
             "place '" + b.id + "' gains or loses its hostage-takers (a vehicle unloads there)");
    }
    if (a.exit != b.exit || a.crossing() != b.crossing()) {
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

bool line_ends_at(const Place& p, const Epoch& e, std::uint32_t mode)
{
  if (p.crossing() || p.exit >= 0 || p.hub >= 0 || p.hostage >= 0) {
    return true;
  }
  return std::none_of(p.out.begin(), p.out.end(),
                      [&](std::uint32_t s) { return e.segments[s].mode == mode; });
}

// Every path of truck segments from a hub is a line: their number can grow
// exponentially with the branch points, so it is bounded.
constexpr std::size_t kMaxLines = 10000;

std::vector<Line> enumerate_lines(const Epoch& e, const std::vector<Mark>& place_marks,
                                  Diagnostics& d)
{
  std::vector<Line> lines;
  for (std::uint32_t h = 0; h < e.places.size(); ++h) {
   for (const std::uint32_t vehicle : e.places[h].vehicles) {
    const std::uint32_t mode = e.p.vehicles[vehicle].mode;
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
      if (e.segments[s].mode != mode) {
        continue;
      }
      const std::uint32_t to = e.segments[s].to;
      path.push_back(s);
      if (!line_ends_at(e.places[to], e, mode)) {
        at.emplace_back(to, 0);
        continue;
      }
      if (lines.size() == kMaxLines) {
        d.error(place_marks[h],
                "more than " + std::to_string(kMaxLines) + " lines leave the hub '" +
                  e.places[h].id + "'",
                "a line is a path of segments of a vehicle's mode from a hub to a hub, a crossing, an exit or a "
                "place no truck leaves; each branch point multiplies the lines after it");
        return lines;
      }
      Line l;
      l.hub = h;
      l.vehicle = vehicle;
      l.segments = path;
      l.end = to;
      // One kind of vehicle at a hub: the line is named by its places alone.
      l.name = e.places[h].vehicles.size() == 1
                 ? e.places[h].id
                 : e.places[h].id + "[" + e.p.vehicles[vehicle].id + "]";
      for (const auto x : path) {
        l.name += ">" + e.places[e.segments[x].to].id;
      }
      l.site = engine::random::substream_id("line:" + l.name);
      lines.push_back(std::move(l));
      path.pop_back();
    }
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
          if (!ok && !e.segments[s].on_line && seg_open(s) && reach(e.segments[s].to)) {
            ok = true;
          }
        }
        if (!ok && p.hub >= 0) {
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
        if (!e.segments[s].on_line && seg_open(s) && reach(e.segments[s].to)) {
          opts.push_back(Option{ false, s, e.segments[s].weight });
        }
      }
      // Truck lines from a hub: the first segment's weight competes with the
      // segments above; later branches split by their weights among branches
      // that still lead to an open line.
      if (p.hub >= 0) {
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


// Placements that cannot act where they stand, found once the lines are known.
void check_placements(const CorridorScenario& sc, const std::vector<Mark>& place_marks,
                      const std::vector<Mark>& segment_marks, const Node& root, Diagnostics& d)
{
  const Epoch& e = sc.epochs[0];
  auto at = [&](std::initializer_list<std::string_view> path, const Mark& fallback) {
    return mark_at(root, path, fallback);
  };
  std::vector<char> line_place(e.places.size(), 0); // a vehicle passes through (not its end)
  std::vector<char> line_end(e.places.size(), 0);
  for (const auto& l : sc.lines) {
    for (std::size_t k = 0; k + 1 < l.segments.size(); ++k) {
      line_place[e.segments[l.segments[k]].to] = 1;
    }
    line_end[l.end] = 1;
  }
  // Which places a migrant can reach at all, and by which modes he arrives.
  std::vector<char> reach(e.places.size(), 0);
  std::vector<std::uint32_t> todo;
  for (const auto& o : sc.origins) {
    todo.push_back(o.start);
  }
  for (const auto& x : e.p.entries) {
    todo.push_back(x.place);
  }
  while (!todo.empty()) {
    const std::uint32_t v = todo.back();
    todo.pop_back();
    if (reach[v] != 0) {
      continue;
    }
    reach[v] = 1;
    for (const auto s : e.places[v].out) {
      if (!e.segments[s].on_line || e.places[v].hub >= 0 || line_place[v] != 0) {
        todo.push_back(e.segments[s].to);
      }
    }
  }
  std::vector<std::vector<char>> arrives_by(e.places.size(),
                                            std::vector<char>(e.p.modes.size(), 0));
  for (std::size_t s = 0; s < e.segments.size(); ++s) {
    const Segment& g = e.segments[s];
    const bool ridden = reach[g.from] != 0 &&
                        (!g.on_line || e.places[g.from].hub >= 0 || line_place[g.from] != 0);
    if (!ridden) {
      d.error(segment_marks[s], "no migrant can reach segment '" + g.id + "'",
              reach[g.from] == 0
                ? "nothing leads to its start '" + e.places[g.from].id +
                    "' from an origin or an entry"
                : "it is ridden only aboard a vehicle, and no line from a hub passes it");
      continue;
    }
    // A vehicle's passengers leave it at the line's end only.
    if (!g.on_line || line_end[g.to] != 0) {
      arrives_by[g.to][g.mode] = 1;
    }
    if (g.on_line && g.fare != 0) {
      d.error(at({ "parameters", "segments", g.id, "fare" }, segment_marks[s]),
              "segment '" + g.id + "' is ridden aboard a vehicle from a hub: it carries no fare of "
              "its own",
              "the fare is the vehicle's: parameters.vehicles.V.fare");
    }
    if (g.hostage >= 0 && g.on_line && line_end[g.to] == 0) {
      d.error(at({ "parameters", "segments", g.id, "hostage" }, segment_marks[s]),
              "hostage-takers on segment '" + g.id + "' would act where the vehicle does not stop",
              "they take migrants where a vehicle unloads: place them at the line's end, or on "
              "its last segment");
    }
  }
  // Where migrants are on their own (not aboard): where they start, enter, are
  // deported to, arrive alone, or are unloaded.
  std::vector<char> stop(e.places.size(), 0);
  for (const auto& o : sc.origins) {
    stop[o.start] = 1;
  }
  for (const auto& x : e.p.entries) {
    stop[x.place] = 1;
  }
  for (const auto& a : e.p.arrest_points) {
    if (a.deport_to >= 0) {
      stop[static_cast<std::size_t>(a.deport_to)] = 1;
    }
  }
  for (const auto& g : e.segments) {
    if (!g.on_line && reach[g.from] != 0) {
      stop[g.to] = 1;
    }
  }
  for (std::uint32_t v = 0; v < e.places.size(); ++v) {
    stop[v] = stop[v] != 0 || line_end[v] != 0 ? 1 : 0;
  }
  for (std::uint32_t v = 0; v < e.places.size(); ++v) {
    const Place& p = e.places[v];
    // A part that acts on migrants at a place they never are at.
    for (const auto& [key, placed] :
         std::initializer_list<std::pair<const char*, bool>>{
           { "recruiters", p.recruiter >= 0 },
           { "passport_market", p.passport_market >= 0 },
           { "arrest_point", p.arrest_point >= 0 },
           { "hub", p.hub >= 0 } }) {
      if (!placed) {
        continue;
      }
      const Mark m = at({ "parameters", "places", p.id, key }, place_marks[v]);
      if (reach[v] == 0) {
        d.error(m, "no migrant reaches place '" + p.id + "': its " + key + " has no effect",
                "a segment must lead to it from an origin or an entry");
      } else if (stop[v] == 0) {
        d.error(m,
                "migrants only pass through '" + p.id + "' aboard a vehicle: its " + key +
                  " has no effect",
                "vehicles unload at the end of their line (a hub, a crossing, an exit, a hostage "
                "point, or where their mode's road ends)");
      }
    }
    // A vehicle that no line takes from its hub never departs.
    for (const auto k : p.vehicles) {
      const bool any = std::any_of(sc.lines.begin(), sc.lines.end(), [&](const Line& l) {
        return l.hub == v && l.vehicle == k;
      });
      if (any) {
        continue;
      }
      const Vehicle& kind = e.p.vehicles[k];
      Mark m = at({ "parameters", "places", p.id, "vehicles" }, place_marks[v]);
      if (const Node* list = root.find("parameters")) {
        const Node* pl = cfg::value_of(*list).find("places");
        const Node* here = pl ? cfg::value_of(*pl).find(p.id) : nullptr;
        const Node* vs = here ? cfg::value_of(*here).find("vehicles") : nullptr;
        if (vs != nullptr && cfg::value_of(*vs).is_sequence()) {
          for (const auto& item : cfg::value_of(*vs).items()) {
            if (item.text() == kind.id) {
              m = item.mark();
            }
          }
        }
      }
      d.error(m,
              "the vehicle '" + kind.id + "' loaded at '" + p.id + "' never departs: no segment of its mode ('" +
                e.p.modes[kind.mode].id + "') leaves the hub",
              "a vehicle's lines are paths of segments of its mode from the hub");
    }
    if (p.ghetto_stop_days > 0.0 && line_place[v] == 0) {
      d.error(at({ "parameters", "places", p.id, "ghetto_stop_days" }, place_marks[v]),
              "ghetto_stop_days at '" + p.id + "' has no effect: no vehicle passes through it",
              "vehicles stop on the way at places inside a line (not at its hub or its end)");
    }
    if (p.arrest_point >= 0) {
      const ArrestPoint& a = e.p.arrest_points[static_cast<std::size_t>(p.arrest_point)];
      bool any = false;
      for (std::size_t m = 0; m < a.modes.size(); ++m) {
        any = any || (a.modes[m] != 0 && arrives_by[v][m] != 0);
      }
      if (!any) {
        d.error(at({ "parameters", "places", p.id, "arrest_point" }, place_marks[v]),
                "the arrest point at '" + p.id + "' checks arrivals by modes no migrant arrives by",
                "its modes (parameters.arrest_points." + a.id + ".modes) must include a mode of a "
                "segment that ends here");
      }
    }
    if (p.crossing() && p.exit < 0 && p.hub < 0) {
      for (const auto& l : sc.lines) {
        if (l.end != v) {
          continue;
        }
        const std::uint32_t mode = e.p.vehicles[l.vehicle].mode;
        for (const auto s : p.out) {
          if (e.segments[s].mode == mode) {
            d.error(at({ "parameters", "places", p.id, "crossing" }, place_marks[v]),
                    "the line " + l.name + " ends at the crossing '" + p.id +
                      "', but its road goes on ('" + e.segments[s].id + "')",
                    "a vehicle unloads at a crossing; to go on aboard one, make the place a hub "
                    "that loads it (hub:, vehicles:), or give the onward segment another mode");
            break;
          }
        }
        break;
      }
    }
    if (p.arrest_point >= 0) {
      const ArrestPoint& a = e.p.arrest_points[static_cast<std::size_t>(p.arrest_point)];
      if (a.deport_to >= 0 && e.places[static_cast<std::size_t>(a.deport_to)].exit >= 0) {
        d.error(at({ "parameters", "arrest_points", a.id, "deport_to" }, place_marks[v]),
                "the arrest point '" + a.id + "' deports to '" +
                  e.places[static_cast<std::size_t>(a.deport_to)].id +
                  "', an exit: a deported migrant would have arrived",
                "deport to a place on the way back (an origin, a town before the border)");
      }
    }
  }
}

} // namespace

namespace {

// Passeurs arrested at a hub with `replacement` (docs/behaviour.md, "Markets that
// respond"): the networks the epoch before had and this one lacks, arrested on
// this epoch's first day; an epoch that goes on with `replacement` goes on with
// the same arrests. `e` is the epoch being compiled, not yet in `out`.
void mark_arrests(Epoch& e, CorridorScenario& out, const Node& tree, Diagnostics& d)
{
  for (std::size_t h = 0; h < e.p.hubs.size(); ++h) {
    Hub& hub = e.p.hubs[h];
    if (!hub.has_replacement) {
      continue;
    }
    const Hub* prev = out.epochs.empty() || out.epochs.back().p.hubs.size() != e.p.hubs.size()
                        ? nullptr
                        : &out.epochs.back().p.hubs[h];
    if (prev != nullptr && prev->has_replacement && prev->arrest >= 0) {
      hub.arrest = prev->arrest;
      continue;
    }
    Arrest a;
    a.hub = static_cast<std::uint32_t>(h);
    a.day = e.start;
    a.networks.assign(hub.passeur_network.size(), false);
    bool any = false;
    if (prev != nullptr) {
      for (std::size_t o = 0; o < a.networks.size(); ++o) {
        a.networks[o] = prev->passeur_network[o] && !hub.passeur_network[o];
        any = any || a.networks[o];
      }
    }
    if (!any) {
      d.error(mark_at(tree, { "parameters", "hubs", hub.id, "replacement" }, tree.mark()),
              "the replacement of hub '" + hub.id + "' has no effect: no passeur network is " +
                "arrested on day " + cfg::number_text(e.start),
              "replacement brings back the networks that a change from a day > 0 removes from "
              "passeur_networks (those the day before had); set both in that change "
              "(docs/behaviour.md, \"Markets that respond\")");
      continue;
    }
    hub.arrest = static_cast<std::int32_t>(out.arrests.size());
    out.arrests.push_back(std::move(a));
  }
}

} // namespace

CorridorScenario compile(const engine::Scenario& scenario, Diagnostics& d)
{
  CorridorScenario out;
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
  // The time series' periods: series_days long (default: a twelfth of a year).
  double period = 365.0 / 12.0;
  if (const Node* w = root.find("series_days")) {
    cfg::read_provenance(*w, d);
    period = cfg::read_number(cfg::value_of(*w), d,
                              named(Bounds{ 0.0, 36500.0, true, false, false, false, "" },
                                    "a period in days in (0, 36500]"),
                              "series_days")
               .value_or(period);
  }
  if (out.horizon / period > 1000.0) {
    d.error(root.find_entry("series_days") ? root.find_entry("series_days")->key_mark : root.mark(),
            "the horizon makes more than 1,000 periods of series_days (" +
              cfg::number_text(period) + " days)",
            "choose longer periods: series_days");
  } else {
    for (std::size_t k = 0; static_cast<double>(k) * period < out.horizon - 1e-9; ++k) {
      out.series_edges.push_back(static_cast<double>(k) * period);
    }
    out.series_edges.push_back(out.horizon);
  }
  // Warm-up: days simulated before the reported window.
  if (const Node* w = root.find("warmup_days")) {
    cfg::read_provenance(*w, d);
    out.warmup = cfg::read_number(cfg::value_of(*w), d,
                                  named(Bounds{ 0.0, 36500.0, false, false, false, false, "" },
                                        "a warm-up in days in [0, 36500]"),
                                  "warmup_days")
                   .value_or(0.0);
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
  // A change that starts at or after the horizon never applies: an error, with
  // its own problems (an unknown id, say) reported as if it applied.
  for (const auto& ch : changes) {
    if (ch.from_day < out.horizon) {
      continue;
    }
    all.error(ch.mark,
              "a change from day " + cfg::number_text(ch.from_day) +
                " can never apply: the run ends on day " + cfg::number_text(out.horizon),
              "start it before horizon_days, or run longer (horizon_days, --set horizon_days=D)");
    Node tree = root;
    tree.erase("changes");
    cfg::apply_change(tree, ch, closables(), all);
  }
  std::vector<std::vector<Destination>> epoch_destinations;
  std::vector<Mark> place_marks;
  std::vector<Mark> segment_marks;
  std::map<std::string, std::pair<Mark, std::string>> part_marks;
  std::set<std::string> placed; // in any epoch
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
    placed.insert(c.placed.begin(), c.placed.end());
    if (k == 0) {
      out.actors = c.actors;
      out.classes = c.classes;
      out.class_labels = c.class_labels;
      out.countries = c.countries.list;
      out.nationalities = c.nationalities;
      out.origins = c.origins;
      out.destinations = c.destinations;
      out.exits = c.exits;
      place_marks = c.place_marks;
      segment_marks = c.segment_marks;
      part_marks = c.part_marks;
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
        if ((o.start != out.origins[i].start || o.nationality != out.origins[i].nationality ||
             o.documents != out.origins[i].documents) &&
            seen.insert("origin:" + o.id).second) {
          all.error(mark_at(tree, { "parameters", "origins", o.id }, tree.mark()),
                    "a change from day " + cfg::number_text(starts[k]) + " changes where origin '" +
                      o.id + "' starts, its nationality or its papers",
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
    if (ed.empty()) {
      mark_arrests(c.epoch, out, tree, all);
    }
    out.epochs.push_back(std::move(c.epoch));
  }
  d.append(all);
  if (!all.empty()) {
    return out;
  }
  // A part declared and placed nowhere, in any epoch, has no effect.
  for (const auto& [key, mark_what] : part_marks) {
    if (key.rfind("parameters.actors:", 0) == 0 || key.rfind("parameters.nationalities:", 0) == 0 ||
        key.rfind("parameters.modes:", 0) == 0 || key.rfind("parameters.entries:", 0) == 0 ||
        key.rfind("parameters.monitoring_points:", 0) == 0 ||
        placed.count(key) != 0) {
      continue;
    }
    d.error(mark_what.first,
            "the " + mark_what.second + " '" + key.substr(key.find(':') + 1) +
              "' is placed nowhere: it has no effect",
            "name it at a place or on a segment (docs/scenario-reference.md), or remove it");
  }
  if (!d.empty()) {
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
  for (const auto& l : out.lines) {
    for (const auto s : l.segments) {
      for (auto& e : out.epochs) {
        e.segments[s].on_line = true;
      }
    }
  }
  for (auto& e : out.epochs) {
    for (auto& s : e.segments) {
      s.log_days = std::log(s.distance_km / e.p.modes[s.mode].speed_km_per_day);
    }
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
    // destination, or by another entry.
    for (std::size_t k = 0; k < out.epochs.size(); ++k) {
      const Epoch& ek = out.epochs[k];
      for (const auto& o : out.origins) {
        std::vector<std::uint32_t> starts_of = { o.start };
        const auto oi = static_cast<std::size_t>(&o - out.origins.data());
        for (const auto& x : ek.p.entries) {
          if (x.origins[oi] && x.share > 0) {
            starts_of.push_back(x.place);
          }
        }
        for (const auto start : starts_of) {
          for (const auto& x : epoch_destinations[k]) {
            if (x.share > 0 && open.ways(start, x.exit, out.exits.size()).empty() &&
                open.places[start].exit != static_cast<std::int32_t>(x.exit) &&
                reported.insert({ start, x.exit }).second) {
              d.error(place_marks[start],
                      "no route leads from '" + open.places[start].id + "' to the exit '" +
                        out.exits[x.exit] + "' (needed by destination '" + x.id + "')",
                      "add segments, or check their direction (from -> to) and modes (vehicles "
                      "leave only from the hubs that load them)" +
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
  check_placements(out, place_marks, segment_marks, scenario.root, d);
  if (!d.empty()) {
    return out;
  }
  for (auto& e : out.epochs) {
    compute_options(e, out.lines, out.exits.size());
  }
  // Route choice by utility: somewhere a migrant must have a choice to make.
  if (std::any_of(out.epochs.begin(), out.epochs.end(),
                  [](const Epoch& e) { return e.p.choice.given; })) {
    bool choice = false;
    for (const auto& e : out.epochs) {
      out.rumours = out.rumours || (e.p.choice.active && !e.p.information.full);
      for (const auto& ways : e.options) {
        choice = choice || ways.size() > 1;
      }
    }
    if (!choice) {
      d.error(mark_at(root, { "parameters", "choice" }, root.mark()),
              "choice has no effect: no place offers two ways onwards",
              "a choice by utility is made where a place (or a hub's lines) offers several open "
              "ways towards the migrant's exit (docs/behaviour.md)");
      return out;
    }
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
