#pragma once
//! The Mali route model's scenario, compiled from YAML into plain validated
//! structs (see configs/mali-2016.yaml for every key and its provenance).
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
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace passage::models::mali {

//! Who receives a payment: the political-economy ledger (MODEL.md §5).
enum Actor : std::uint8_t
{
  kStateSecurity,
  kBusCompanies,
  kSmugglers,
  kGhettoChairmen,
  kPassportNetwork,
  kTransporters,
  kArmedGroups,
  kBandits,
  kKidnappers,
  kActorCount
};
inline constexpr std::array<std::string_view, kActorCount> kActorNames = {
  "state_security", "bus_companies", "smugglers", "ghetto_chairmen", "passport_network",
  "transporters",   "armed_groups",  "bandits",   "kidnappers"
};

//! Documents as seen by roadblocks, gendarmes and border guards.
enum DocClass : std::uint8_t
{
  kForeign = 0,
  kMalianPapers = 1
};

enum class Mode : std::uint8_t
{
  Bus,
  Pickup,
  Truck,
  Foot
};

//! An amount drawn uniformly from [lo, hi] (whole CFA).
struct MoneyRange
{
  std::int64_t lo = 0;
  std::int64_t hi = 0;
  std::int64_t draw(engine::random::Stream& s) const { return s.uniform_int(lo, hi); }
};

struct Origin
{
  std::string id;
  double share = 0.0;
  std::uint32_t start = 0; //!< place index
  bool malian = false;
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

struct ModeParams
{
  double speed_km_per_day = 1.0;
  double sigma = 0.0;
};

struct Place
{
  std::string id;
  std::string name;
  std::string country;
  bool has_coordinates = false;
  double lat = 0.0;
  double lon = 0.0;
  bool closed = false;
  bool hub = false;
  bool passport_market = false;
  bool cokseurs = false;
  bool gendarmerie = false;
  double ghetto_stop_days = 0.0;
  double hostage_probability = 0.0;
  bool crossing = false;
  double strictness = 1.0;
  std::int32_t exit = -1;         //!< exit index reached here (plain exit or after the crossing)
  std::uint64_t site = 0;         //!< stream sub-key
  std::vector<std::uint32_t> out; //!< outgoing segments
};

struct Segment
{
  std::string id;
  std::uint32_t from = 0;
  std::uint32_t to = 0;
  Mode mode = Mode::Bus;
  double distance_km = 0.0;
  double weight = 1.0;
  bool closed = false;
  std::int64_t fare = 0;
  Actor fare_to = kBusCompanies;
  std::uint32_t roadblocks = 0;
  std::uint32_t checkpoints = 0;
  double bandit_hazard = 0.0; //!< attacks per km
  std::uint64_t site = 0;
};

//! A truck line: from a hub along truck segments to where the truck unloads.
struct Line
{
  std::uint32_t hub = 0;
  std::vector<std::uint32_t> segments;
  std::uint32_t end = 0; //!< place where passengers are released
  std::uint64_t site = 0;
  std::string name; //!< "gao>anefis>kidal>aguelhok>timeiawine"
};

//! A way to leave a place towards an exit: one segment travelled alone, or a
//! truck line from a hub; with its choice probability.
struct Option
{
  bool line = false;
  std::uint32_t index = 0; //!< segment or line
  double probability = 0.0;
};

struct Params
{
  double cfa_per_eur = 667.0;
  double nouakchott_share = 0.0;
  std::uint32_t nouakchott = 0; //!< place index of the Nouakchott entry
  bool has_nouakchott = false;
  // documents
  double malian_passport_share = 0.0;
  double false_passport_demand = 0.0;
  MoneyRange passport_rent; //!< CFA
  std::int64_t passport_pool = 0;
  double passport_return_days = 0.0;
  // cash
  double cash_median = 0.0;
  double cash_sigma = 0.0;
  std::array<ModeParams, 4> modes{};
  // roadblocks
  MoneyRange toll;
  std::array<double, 2> toll_demand{}; //!< by DocClass
  double roadblock_delay_days = 0.0;
  // cokseurs
  double cokseur_share = 0.0;
  std::int64_t cokseur_fee = 0;
  // gendarmerie
  MoneyRange gendarme_tax;
  std::array<double, 2> gendarme_tax_probability{};
  double arrest_probability = 0.0;
  std::int64_t arrest_bribe = 0;
  double detention_days = 0.0;
  // hubs
  std::int64_t passeur_fee = 0;
  std::vector<bool> passeur_network; //!< per origin
  double foreign_ghetto_surcharge = 0.0;
  std::int64_t ghetto_fee_per_day = 0;
  double earnings_per_day = 0.0;
  double earnings_sigma = 0.0;
  std::int64_t cash_reserve = 0;
  double max_work_days = 0.0;
  std::int64_t truck_fare_foreign = 0;
  std::int64_t truck_fare_malian = 0;
  std::uint32_t truck_capacity_lo = 60;
  std::uint32_t truck_capacity_hi = 100;
  double truck_max_wait = 7.0;
  // leg 3
  std::int64_t checkpoint_fee = 0;
  double checkpoint_delay_days = 0.0;
  double protection_probability = 0.0;
  double protection_fare_share = 0.0;
  double protection_hazard_factor = 1.0;
  double hazard_scale = 1.0;
  double robbery_share = 0.0;
  std::int64_t payoff = 0;
  double kill_probability = 0.0;
  double desert_death_per_1000km = 0.0;
  std::int64_t ransom = 0;
  double ransom_pay_probability = 0.0;
  double ransom_delay_median = 0.0;
  double ransom_delay_sigma = 0.0;
  double ransom_wait_limit = 0.0;
  double abandoned_survival = 0.0;
  std::array<double, 2> interception{}; //!< by DocClass, at strictness 1
  double retry_probability = 0.0;
  double retry_days = 0.0;
  std::int64_t retry_fee = 0;
  std::uint32_t max_attempts = 1;
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
struct MaliScenario
{
  double horizon = 365.0;
  std::vector<Origin> origins;
  std::vector<Destination> destinations;
  std::vector<std::string> exits; //!< exit metric names, e.g. "arrived_algeria"
  std::vector<Line> lines;
  std::vector<Epoch> epochs;
  std::vector<ProvenanceRow> provenance;
  std::uint64_t max_events_per_migrant = 100000;

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
MaliScenario compile(const engine::Scenario& scenario, engine::config::Diagnostics& d);

//! Where `close:`/`open:` ids live in a Mali scenario.
const engine::config::Closables& closables();

} // namespace passage::models::mali
