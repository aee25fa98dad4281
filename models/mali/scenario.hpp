#pragma once
//! A smuggling corridor's scenario, compiled from YAML into plain validated
//! structs (docs/scenario-reference.md; configs/mali-2016.yaml is the worked
//! example). Nothing here names a place, a country or an actor: the scenario
//! declares them, with the parts (toll points, checkpoints, hubs, vehicles,
//! crossings, ...) that its places and segments place on the network.
//!
//! Conditions can change during a run (scheduled `changes:`). The horizon is cut
//! into epochs at every change day; each epoch holds a complete compiled copy of
//! the parameters and the network, so model code asks `scenario.at(t)` and reads
//! plain numbers. The network's topology (places, segments, truck lines) is the
//! same in every epoch; closures are flags.

#include "passage/config/changes.hpp"
#include "passage/config/node.hpp"
#include "passage/config/reader.hpp"
#include "passage/random/stream.hpp"
#include "passage/run/scenario.hpp"

#include <array>
#include <cassert>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace passage::models::mali {

//! Who receives a payment: an actor the scenario declares (`parameters.actors`).
struct Actor
{
  std::string id;
  std::string label;
  std::string kind;    //!< state, armed_group, smuggler, transport, other
  std::string country; //!< may be empty
};
inline constexpr std::array<std::string_view, 5> kActorKinds = { "state", "armed_group",
                                                                 "smuggler", "transport", "other" };

//! Money is whole CFA in 64 bits. A single amount is capped at 10^12 CFA (a
//! lognormal budget's far tail, a price with an extreme premium); sums are
//! checked, so a scenario beyond the supported scale stops with an error
//! instead of wrapping around.
inline constexpr double kMaxAmount = 1.0e12;

//! std::llround(x) for 0 <= x < 2^63, inline (llround is a call into libm): the
//! integer part, one more from a half up. x - t is exact below 2^53; above, x is
//! an integer.
inline std::int64_t round_amount(double x) noexcept
{
  assert(x >= 0.0 && x < 0x1p63);
  const auto t = static_cast<std::int64_t>(x);
  return t + static_cast<std::int64_t>(x - static_cast<double>(t) >= 0.5);
}

using ActorId = std::uint16_t;

//! Who receives a payment: one actor, or several with shares (`ghetto_receiver:
//! {ghetto_chairmen: 0.5, state_security: 0.3, local_population: 0.2}`; the
//! weights are normalised). Empty: nobody (a fare of 0).
struct Payee
{
  std::vector<std::pair<ActorId, double>> shares;
  bool empty() const noexcept { return shares.empty(); }
};
using ClassId = std::uint8_t; //!< a document class (`parameters.documents.classes`)
inline constexpr std::size_t kMaxClasses = 32;

//! A number that depends on a migrant's papers: one value per document class,
//! and optionally one for a citizen of the part's country (which then wins).
struct ByClass
{
  std::vector<double> value; //!< per class
  bool has_citizen = false;
  double citizen = 0.0;
  double at(ClassId c, bool is_citizen) const noexcept
  {
    return is_citizen && has_citizen ? citizen : value[c];
  }
};

//! A mode of travel (`parameters.modes`).
struct ModeParams
{
  std::string id;
  double speed_km_per_day = 1.0;
  double sigma = 0.0;
  Payee fare_to;             //!< default receiver of a segment's fare
  bool desert = false;       //!< the default desert risk applies to it
};

//! An amount drawn uniformly from [lo, hi] (whole CFA).
struct MoneyRange
{
  std::int64_t lo = 0;
  std::int64_t hi = 0;
  std::int64_t draw(engine::random::Stream& s) const { return s.uniform_int(lo, hi); }
};

struct Nationality
{
  std::string id;
  std::string label;
  std::vector<char> citizen; //!< per country index: a citizen there
};

struct Origin
{
  std::string id;
  double share = 0.0;
  std::uint32_t start = 0; //!< place index
  std::uint32_t nationality = 0;
  //! The document mix: classes with their shares, in order; the rest hold the default class.
  std::vector<std::pair<ClassId, double>> documents;
  ClassId default_class = 0;
};

//! Another way in: a share of some origins' migrants start at another place.
struct Entry
{
  std::string id;
  std::uint32_t place = 0;
  double share = 0.0;
  std::vector<char> origins; //!< per origin: may enter here
};

struct Destination
{
  std::string id;
  double share = 0.0;
  std::uint32_t exit = 0; //!< exit index
};

struct Flow
{
  std::string id;
  double annual_migrants = 0.0;
  std::vector<double> origin_shares; //!< per origin (defaults to the origins' shares)
  std::uint64_t entity_base = 0;     //!< migrant ids of this flow start here
};

// ---------------------------------------------------------------------------
// The parts: each a named instance with shared parameters, placed on the
// network by the places and segments that name it.

//! A risk premium on a vehicle's fare, a checkpoint's fee, a toll point's toll
//! or a hub's passeur fee (`premium:`, docs/behaviour.md, "Markets that
//! respond"): the price times 1 + loading * p / (1 - p), p the true risk of kind
//! `risk` (kRiskNames' order) for the migrant's papers, capped at max_risk: of
//! the line (choice.hpp line_fare), of the segment the part sits on, as a lone
//! rider's way (segment_risk), or of the journey the passeur sells (hub_risk).
struct PricePremium
{
  bool on = false;
  std::uint8_t risk = 3;
  double loading = 0.0;
  double max_risk = 0.9;
  //! Whether it changes the price at all (else today's price, bit for bit).
  bool prices() const noexcept { return on && loading != 0.0; }
};

//! Roadblocks that demand a toll (placed on segments by count).
struct TollPoint
{
  std::string id;
  std::string label;
  ActorId forces = 0;
  std::int32_t country = -1; //!< the forces' country (citizens' rule)
  ByClass demand;
  MoneyRange toll;
  double delay_days = 0.0;
  PricePremium premium; //!< on each end of the toll's range (choice.hpp toll_range)
};

//! Armed checkpoints that take a fee per migrant (placed on segments by count).
struct Checkpoint
{
  std::string id;
  std::string label;
  Payee receiver;
  std::int64_t fee = 0;
  double delay_days = 0.0;
  PricePremium premium; //!< on the fee (choice.hpp checkpoint_fee)
};

//! Bandits: attacks at a hazard per km set by each segment (`bandits:`).
struct BanditZone
{
  std::string id;
  std::string label;
  Payee receiver;
  double robbery_share = 0.0;
  std::int64_t payoff = 0;
  double kill_probability = 0.0;
};

//! Gendarmes or police at a place: tax, or arrest with a bribe or deportation.
struct ArrestPoint
{
  std::string id;
  std::string label;
  ActorId forces = 0;
  std::vector<char> modes; //!< per mode: migrants arriving by it are checked
  MoneyRange tax;
  ByClass tax_probability;
  double arrest_probability = 0.0;
  std::int64_t bribe = 0;
  Payee bribe_to;
  double detention_days = 0.0;
  std::int32_t deport_to = -1; //!< place index; -1: bought out with the bribe
};

//! Recruiters who link migrants to a smuggler, for a fee (cokseurs).
struct Recruiter
{
  std::string id;
  std::string label;
  double share = 0.0;
  std::int64_t fee = 0;
  Payee receiver;
};

//! A market in false papers with a recycled stock.
struct PassportMarket
{
  std::string id;
  std::string label;
  ClassId issues = 0;
  ByClass demand;
  MoneyRange price;
  std::int64_t pool = 0; //!< the stock at the start
  double return_days = 0.0;
  Payee seller;
  //! Corrupt issuance: when the stock has none, a migrant may buy newly issued
  //! papers (at most `issued_per_day` a day); once back, they join the stock.
  bool has_issuance = false;
  double issued_per_day = 0.0;
  //! Issuance that follows demand and the crackdown (`reference_demand`,
  //! `elasticity`, `demand_days`, `crackdown`: docs/behaviour.md): given here.
  bool responds = false;
  double reference_demand = 1.0; //!< papers sought a day at which supply is per_day
  double elasticity = 0.0;
  double demand_days = 30.0; //!< demand: seekers a day, faded over this many days
  double crackdown = 0.0;    //!< share of issuance stopped
  MoneyRange issue_price;
  Payee issuer;
};

//! A smuggling hub: passeurs, ghettos, work.
struct Hub
{
  std::string id;
  std::int64_t passeur_fee = 0;
  Payee passeur_receiver;
  std::vector<bool> passeur_network; //!< per origin
  std::int64_t ghetto_fee_per_day = 0;
  Payee ghetto_receiver;
  double foreign_ghetto_surcharge = 0.0;
  double earnings_per_day = 0.0;
  double earnings_sigma = 0.0;
  std::int64_t cash_reserve = 0;
  double max_work_days = 0.0;
  //! Replacement of arrested passeurs (`replacement:`, docs/behaviour.md): the
  //! networks this epoch lacks that the epoch before had were arrested at the
  //! start of the run of epochs with `replacement` (CorridorScenario::arrests);
  //! each comes back after an exponential wait at rate rate0 * profit / reference.
  bool has_replacement = false;
  double replacement_rate0 = 0.0;      //!< per day, at the reference profit
  double replacement_reference = 1.0;  //!< CFA a day of passeur fees at the hub
  double replacement_fee_factor = 1.0; //!< the passeur fee of a migrant whose network is away
  std::int32_t arrest = -1;            //!< CorridorScenario::arrests index
  //! A risk premium on the passeur fee (`premium:`, docs/behaviour.md): p the true
  //! risk of the journey he sells, the ways on from the hub place towards the
  //! migrant's exit weighted by their base probabilities (choice.hpp hub_risk).
  PricePremium premium;
  //! Whether a migrant of origin o finds a passeur of his nationality here
  //! without waiting for a replacement.
  bool own_network(std::size_t o) const { return passeur_network[o]; }
};

//! Passeur networks arrested at a hub: when, and which (issue 15 item 3).
struct Arrest
{
  std::uint32_t hub = 0;      //!< Hub index
  double day = 0.0;           //!< scenario day of the arrests
  std::vector<bool> networks; //!< per origin: arrested here
};

//! A kind of vehicle loaded at hubs (a batch departure per line).
struct Vehicle
{
  std::string id;
  std::string label;
  std::uint32_t mode = 0;
  std::uint32_t capacity_lo = 1;
  std::uint32_t capacity_hi = 1;
  double max_wait_days = 7.0;
  ByClass fare; //!< citizens: of the hub's country
  Payee fare_to;
  bool has_protection = false;
  double protection_probability = 0.0;
  double protection_fare_share = 0.0;
  double protection_hazard_factor = 1.0;
  Payee protection_receiver;
  PricePremium premium; //!< on the fare, p the line's true risk (choice.hpp line_fare)
  //! A finite fleet per line (`fleet:`, docs/behaviour.md, "Finite fleet"): each
  //! line of this kind has `fleet_trucks` trucks; a loaded vehicle waits at the hub
  //! for one, and a truck is back at the hub `median * exp(sigma z)` days after its
  //! convoy ended, unless lost (probability `fleet_lost_probability` if attacked).
  //! 0 trucks: unlimited (no `fleet:`).
  std::uint32_t fleet_trucks = 0;
  double fleet_return_median = 0.0;
  double fleet_return_sigma = 0.0;
  double fleet_lost_probability = 0.0;
};

//! Hostage-takers: who holds migrants for ransom, and what becomes of them.
struct HostageTakers
{
  std::string id;
  std::string label;
  std::int64_t ransom = 0;
  Payee receiver;
  double pay_probability = 0.0;
  double pay_delay_median = 1.0;
  double pay_delay_sigma = 0.0;
  double wait_limit = 1.0;
  double abandoned_survival = 0.0;
};

//! Border rules: interception and push-back at the crossings that name them.
struct Border
{
  std::string id;
  std::string label;
  ByClass interception; //!< at strictness 1; citizens: of the crossing's country
  double retry_probability = 0.0;
  double retry_days = 0.0;
  std::int64_t retry_fee = 0;
  Payee retry_receiver;
  std::uint32_t max_attempts = 1;
};

//! A monitoring point (an IOM flow-monitoring point, say): what it would count
//! of the migrants who pass a place, by nationality, per period.
struct MonitoringPoint
{
  std::string id;
  std::string label;
  std::uint32_t place = 0;
  bool arrivals = false;
  bool departures = false;
  double coverage = 1.0; //!< the share of passing migrants it counts
};

//! A part placed with a local quantity (a count, a hazard, a probability).
struct Placed
{
  std::uint32_t part = 0;
  double amount = 0.0;
};

struct Place
{
  std::string id;
  std::string name;
  std::string country;
  std::int32_t country_index = -1;
  bool has_coordinates = false;
  double lat = 0.0;
  double lon = 0.0;
  bool closed = false;
  std::int32_t hub = -1;            //!< Hub index
  std::vector<std::uint32_t> vehicles; //!< loaded here (a hub)
  std::int32_t passport_market = -1;
  std::int32_t recruiter = -1;
  std::int32_t arrest_point = -1;
  double ghetto_stop_days = 0.0;
  std::int32_t hostage = -1; //!< HostageTakers index
  double hostage_probability = 0.0;
  std::int32_t border = -1; //!< a crossing: its Border index
  double strictness = 1.0;
  std::int32_t exit = -1;         //!< exit index reached here (plain exit or after the crossing)
  std::int32_t monitor = -1;      //!< MonitoringPoint index
  std::uint64_t site = 0;         //!< stream sub-key
  std::vector<std::uint32_t> out; //!< outgoing segments
  bool crossing() const noexcept { return border >= 0; }
};

struct Segment
{
  std::string id;
  std::uint32_t from = 0;
  std::uint32_t to = 0;
  std::uint32_t mode = 0;
  double distance_km = 0.0;
  //! log(distance_km / its mode's speed in the epoch): the log of the median
  //! travel time, computed once (a ride draws around it).
  double log_days = 0.0;
  double weight = 1.0;
  bool closed = false;
  std::int64_t fare = 0;
  Payee fare_to;
  std::vector<Placed> roadblocks;  //!< toll points with their counts, in order
  std::vector<Placed> checkpoints; //!< checkpoints with their counts, in order
  std::uint32_t roadblock_count = 0;
  std::uint32_t checkpoint_count = 0;
  std::int32_t bandits = -1; //!< BanditZone index
  double bandit_hazard = 0.0; //!< attacks per km
  double desert_death_per_1000km = 0.0;
  std::int32_t hostage = -1; //!< taken on arrival at its end
  double hostage_probability = 0.0;
  bool on_line = false; //!< ridden only aboard a vehicle from a hub
  std::uint64_t site = 0;
  std::uint32_t index = 0; //!< its index in `segments`
};

//! A line: from a hub, in one kind of vehicle, along segments of its mode to
//! where the vehicle unloads.
struct Line
{
  std::uint32_t hub = 0;
  std::uint32_t vehicle = 0;
  std::vector<std::uint32_t> segments;
  std::uint32_t end = 0; //!< place where passengers are released
  std::uint64_t site = 0;
  std::string name; //!< "gao>anefis>kidal>aguelhok>timeiawine"
};

//! A way to leave a place towards an exit: one segment travelled alone, or a
//! line from a hub; with its choice probability.
struct Option
{
  bool line = false;
  std::uint32_t index = 0; //!< segment or line
  double probability = 0.0;
};

//! Route choice by utility (`parameters.choice`, docs/behaviour.md): the weights
//! of what a migrant expects of a way, by document class (citizens: of the
//! country where he chooses), and what he knows.
struct ChoiceWeights
{
  bool given = false;  //!< `parameters.choice` is in this epoch
  bool active = false; //!< some weight is not 0
  ByClass money;       //!< per 1,000 CFA of expected fares, tolls and fees
  ByClass time;        //!< per expected day
  std::array<ByClass, 4> risk; //!< attack, death, kidnapping, interception (a probability)
};
inline constexpr std::array<std::string_view, 4> kRiskNames = { "attack", "death", "kidnapping",
                                                               "interception" };

//! What migrants know of the risks (`parameters.choice.information`): the true
//! ones (full), or rumours.
struct Information
{
  bool full = true;
  double delay_days = 0.0;   //!< a story is heard this long after it happened
  double reach = 1.0;        //!< the share of stories that are heard at all
  double memory_days = 0.0;  //!< stories fade: weight exp(-age / memory_days)
  double prior_weight = 0.0; //!< the prior belief is worth this many stories
  double prior_scale = 1.0;  //!< the prior belief: the true risks of day 0, times this
};

//! The parts and the scenario-wide numbers of one epoch.
struct Params
{
  ChoiceWeights choice;
  Information information;
  double cfa_per_eur = 667.0;
  double cash_median = 0.0;
  double cash_sigma = 0.0;
  double hazard_scale = 1.0;
  double desert_death_per_1000km = 0.0;
  std::vector<ModeParams> modes;
  std::vector<Entry> entries;
  std::vector<TollPoint> toll_points;
  std::vector<Checkpoint> checkpoints;
  std::vector<BanditZone> bandit_zones;
  std::vector<ArrestPoint> arrest_points;
  std::vector<Recruiter> recruiters;
  std::vector<PassportMarket> passport_markets;
  std::vector<Hub> hubs;
  std::vector<Vehicle> vehicles;
  std::vector<HostageTakers> hostage_takers;
  std::vector<Border> borders;
  std::vector<MonitoringPoint> monitoring_points;
};

//! Everything that holds during one stretch of time.
struct Epoch
{
  double start = 0.0;
  double end = std::numeric_limits<double>::infinity();
  Params p;
  std::vector<Flow> flows;
  std::vector<Place> places;
  std::vector<Segment> segments;
  //! options[place * exits + exit]: the ways on from a place towards an exit,
  //! with probabilities summing to 1 (empty: the exit cannot be reached).
  std::vector<std::vector<Option>> options;
  std::vector<engine::random::Discrete> option_choice;
  //! Destination mix and per-flow origin mixes, ready to sample.
  engine::random::Discrete destination_choice;
  std::vector<engine::random::Discrete> origin_choice; //!< per flow

  const std::vector<Option>& ways(std::uint32_t place, std::uint32_t exit, std::size_t exits) const
  {
    return options[place * exits + exit];
  }
};

//! One row of the provenance table stored with every run.
struct ProvenanceRow
{
  std::string path;
  std::string value;
  std::string kind;
  std::string source;
  std::string reference; //!< the full reference of the source a tag cites
  double range_lo = std::numeric_limits<double>::quiet_NaN();
  double range_hi = std::numeric_limits<double>::quiet_NaN();
};

//! The compiled scenario.
struct CorridorScenario
{
  double horizon = 365.0;
  //! Days simulated before the reported window (not counted): the route fills
  //! up, so that the first reported day is not an empty route's.
  double warmup = 0.0;
  //! The edges of the reported periods (days from the window's start): the
  //! time series' periods, `series_days` long (the last one what is left).
  std::vector<double> series_edges;
  std::vector<Actor> actors;
  std::vector<std::string> classes;      //!< document class ids
  std::vector<std::string> class_labels; //!< what the trace says
  std::vector<std::string> countries;    //!< every country named, in order of appearance
  std::vector<Nationality> nationalities;
  std::vector<Origin> origins;
  std::vector<Destination> destinations;
  std::vector<std::string> exits; //!< exit metric names, e.g. "arrived_algeria"
  std::vector<Line> lines;
  std::vector<Epoch> epochs;
  std::vector<ProvenanceRow> provenance;
  std::vector<Arrest> arrests; //!< passeurs arrested at hubs with `replacement`
  std::uint64_t max_events_per_migrant = 100000;
  //! Some epoch chooses by utility on rumours: the worker keeps a knowledge state.
  bool rumours = false;

  //! The epoch in force at time t.
  const Epoch& at(double t) const noexcept
  {
    std::size_t i = epochs.size() - 1;
    while (i > 0 && t < epochs[i].start) {
      --i;
    }
    return epochs[i];
  }
};

//! Compile and validate a scenario; every problem goes to `d`.
CorridorScenario compile(const engine::Scenario& scenario, engine::config::Diagnostics& d);

//! Where `close:`/`open:` ids live in a corridor scenario.
const engine::config::Closables& closables();

} // namespace passage::models::mali
