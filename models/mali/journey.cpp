// A migrant's journey along a smuggling corridor, as a process that reads like
// the route: set out; at each place buy papers, meet a recruiter, face the
// gendarmes, be held hostage, cross a border, leave at an exit, or stay in a hub
// and board a vehicle; ride each segment stop by stop (roadblocks, checkpoints,
// an attack, the desert). Which of these a place or a segment has is data (the
// scenario's parts, models/mali/scenario.hpp). Vehicles are the one place where
// migrants meet (a batch departure per line); everything else a migrant does
// touches nobody else and runs straight through on its own clock
// (engine/README.md). The steps that wait are awaitable `Step`s
// (engine/include/passage/core/step.hpp); one `ride` serves a lone migrant and a
// vehicle's passengers.
#include "mali/journey.hpp"

#include "mali/choice.hpp"
#include "mali/markets.hpp"
#include "passage/core/components.hpp"
#include "passage/core/step.hpp"
#include "passage/errors.hpp"
#include "passage/stats/tally.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <string>
#include <string_view>

namespace passage::models::mali {

using engine::BatchDeparture;
using engine::Clock;
using engine::Process;
using engine::Simulation;
using engine::Step;
using engine::Time;
using engine::random::combine;
using engine::random::Stream;
using engine::random::StreamFamily;
using engine::random::substream_id;

namespace {

// One sub-stream per kind of draw, per site, per migrant (or vehicle): a change
// to one mechanism never shifts the draws of another (common random numbers).
// Checkpoints are keyed by their index on the segment. Where one stream serves
// several draws (a ride's roadblocks, a border's attempts), each of its users
// always makes the same calls in the same order, whatever the parameters, so the
// n-th stop (or attempt) always gets the same numbers: as good as a key per stop,
// without hashing one for each of the ~10^6 roadblocks a year. (The names keep
// the "mali." prefix of the model's first corridor: they are only keys, and the
// bundled results depend on them.)
constexpr std::uint64_t kArrivals = substream_id("mali.arrivals");
constexpr std::uint64_t kProfile = substream_id("mali.profile");
constexpr std::uint64_t kRide = substream_id("mali.ride"); // travel, attack, roadblocks
constexpr std::uint64_t kCheckpoint = substream_id("mali.checkpoint");
constexpr std::uint64_t kRoute = substream_id("mali.route");
constexpr std::uint64_t kPassport = substream_id("mali.passport");
constexpr std::uint64_t kGendarmerie = substream_id("mali.gendarmerie");
constexpr std::uint64_t kHostage = substream_id("mali.hostage");
constexpr std::uint64_t kBorder = substream_id("mali.border");
constexpr std::uint64_t kTruck = substream_id("mali.truck");
// A vehicle's draws are keyed by its line and its departure order within the line
// (engine/README.md says what that leaves unpaired), and by segment or place.
constexpr std::uint64_t kEscort = substream_id("mali.convoy.escort");
constexpr std::uint64_t kConvoyRide = substream_id("mali.convoy.ride"); // travel, attack
constexpr std::uint64_t kConvoyCheckpoint = substream_id("mali.convoy.checkpoint");
constexpr std::uint64_t kConvoyRoadblock = substream_id("corridor.convoy.roadblock");
constexpr std::uint64_t kTollAboard = substream_id("corridor.toll.aboard"); // per passenger
constexpr std::uint64_t kGhettoStay = substream_id("mali.convoy.ghetto");
constexpr std::uint64_t kHostageTaking = substream_id("mali.convoy.hostage");
// A finite fleet's truck on its way back south: lost or not, and how long it takes.
constexpr std::uint64_t kFleetLost = substream_id("corridor.fleet.lost");
constexpr std::uint64_t kFleetReturn = substream_id("corridor.fleet.return");
constexpr std::uint64_t kVictim = substream_id("mali.victim");
constexpr std::uint64_t kDesert = substream_id("mali.desert");
// Whether a story reaches the rumour network (choice.information.reach).
constexpr std::uint64_t kRumour = substream_id("corridor.rumour");
// When an arrested passeur network is back: per hub place and arrest, per origin.
constexpr std::uint64_t kReplacement = substream_id("mali.hub.replacement");

// Arrivals rejoin the calendar every so often, so that the source does not run
// a whole year ahead (results do not depend on this number).
constexpr std::uint64_t kArrivalSync = 32;

struct Migrant
{
  Clock clock;
  std::uint64_t uid = 0;
  // The entity of his own streams: uid, then combine(uid, n) after his n-th
  // deportation, so that a pass over the same places again draws afresh.
  std::uint64_t key = 0;
  std::uint32_t origin = 0;
  std::uint32_t exit = 0;
  std::uint32_t place = 0;
  std::int32_t on_segment = -1; // the segment being travelled, for the trace
  std::uint16_t nationality = 0;
  ClassId docs = 0;
  std::int8_t market = -1;       // where his false papers came from
  std::int8_t held = -1;         // hostage-takers holding him
  std::int8_t arrived_by = -1;   // the mode he arrived by, until an arrest point saw it
  std::uint8_t deported = 0;     // times deported: a new visit, new draws
  bool arrived_alone = false;    // on his own (not unloaded from a vehicle)
  bool recruited = false;
  bool passeur_paid = false;
  bool passeur_back = false; // his arrested network was back when he last asked at the hub
  bool done = false;
  bool traced = false;
  std::int64_t cash = 0;
  std::int64_t budget = 0;
  std::int64_t paid = 0;
  std::int64_t paid_window = 0; // of it, in the reported window
  std::int64_t earned = 0;
  std::int64_t family = 0;
  double entered = 0.0;
  double hub_arrival = -1.0;
  double z_earnings = 0.0;  // his earning power, a standard normal
  double u_papers = 0.0;    // one uniform for buying false papers
  double u_recruiter = 0.0; // one uniform for a recruiter
  double hub_choice = 0.0;  // one uniform for the way out of a hub, drawn once
  std::uint64_t steps = 0;
  BatchDeparture::Seat seat;
  // The worker's list of migrants alive in this replication.
  Migrant* prev = nullptr;
  Migrant* next = nullptr;
  Migrant** head = nullptr;

  Migrant() = default;
  Migrant(const Migrant&) = delete;
  Migrant& operator=(const Migrant&) = delete;
  ~Migrant()
  {
    if (head != nullptr) {
      (prev ? prev->next : *head) = next;
      if (next) {
        next->prev = prev;
      }
    }
  }
};

// A single amount is capped at kMaxAmount (scenario.hpp).
std::int64_t money_of(double x)
{
  return round_amount(x > 0.0 ? std::min(x, kMaxAmount) : 0.0);
}

[[noreturn, gnu::cold]] void overflowed()
{
  throw engine::RuntimeError("a sum of money overflowed 64 bits (9.2e18 CFA): the scenario is "
                             "beyond the supported scale (docs/robustness.md)");
}

[[gnu::always_inline]] inline void add(std::int64_t& sum, std::int64_t x)
{
  if (__builtin_add_overflow(sum, x, &sum)) [[unlikely]] {
    overflowed();
  }
}

Migrant& owner(BatchDeparture::Seat* s)
{
  return *static_cast<Migrant*>(s->owner);
}

// The stops along one segment, in order: roadblocks, then checkpoints, evenly
// spaced; an attack, if there is one, wherever it happens.
class Leg
{
public:
  enum class Kind
  {
    Roadblock,
    Checkpoint,
    Attack,
    End
  };
  struct Stop
  {
    Time wait; // travel time from the previous stop
    Kind kind;
    std::uint32_t index = 0; // among the segment's stops of its kind: the key of its draws
  };

  Leg(Time travel, std::uint32_t roadblocks, std::uint32_t checkpoints, bool attack,
      double attack_at)
    : travel_(travel), rb_(roadblocks), n_(roadblocks + checkpoints),
      parts_(static_cast<double>(n_ + 1)), attack_(attack), attack_at_(attack_at)
  {
  }

  Stop next()
  {
    const double at = k_ < n_ ? static_cast<double>(k_ + 1) / parts_ : 1.0;
    if (attack_ && attack_at_ < at) {
      attack_ = false;
      return advance(attack_at_, Kind::Attack);
    }
    if (k_ < n_) {
      const Kind kind = k_ < rb_ ? Kind::Roadblock : Kind::Checkpoint;
      const std::uint32_t index = k_ < rb_ ? k_ : k_ - rb_;
      ++k_;
      return advance(at, kind, index);
    }
    return advance(1.0, Kind::End);
  }

private:
  Stop advance(double to, Kind kind, std::uint32_t index = 0)
  {
    const Time wait = (to - pos_) * travel_;
    pos_ = to;
    return Stop{ wait, kind, index };
  }

  Time travel_;
  std::uint32_t rb_;
  std::uint32_t n_;
  double parts_; // n_ + 1: the stops cut the segment into as many parts
  bool attack_;
  double attack_at_;
  std::uint32_t k_ = 0;
  double pos_ = 0.0;
};

//! The part placed at the index-th stop of its kind on a segment.
std::uint32_t part_at(const std::vector<Placed>& placed, std::uint32_t index)
{
  if (placed.size() == 1) [[likely]] {
    return placed.front().part;
  }
  for (const auto& p : placed) {
    const auto n = static_cast<std::uint32_t>(p.amount);
    if (index < n) {
      return p.part;
    }
    index -= n;
  }
  return placed.empty() ? 0 : placed.back().part;
}

//! The run of stops of one part that the index-th stop belongs to: the part, as
//! part_at gives it, and the first index past its run (every later index when the
//! part is the last), so that a ride looks the part up only where the run ends.
struct PartRun
{
  std::uint32_t part = 0;
  std::uint32_t until = 0;
};
PartRun part_run(const std::vector<Placed>& placed, std::uint32_t index)
{
  constexpr std::uint32_t kAll = ~std::uint32_t{ 0 };
  if (placed.size() == 1) {
    return { placed.front().part, kAll };
  }
  std::uint32_t start = 0;
  for (const auto& p : placed) {
    const auto n = static_cast<std::uint32_t>(p.amount);
    if (index - start < n) {
      return { p.part, start + n };
    }
    start += n;
  }
  return { placed.empty() ? 0 : placed.back().part, kAll };
}

//! Who rides a segment together: a lone migrant, or a vehicle's passengers.
struct Party
{
  Clock* clock = nullptr;
  BatchDeparture::Seat* group = nullptr; //!< the riders, linked by Seat::next
  bool aboard = false;                   //!< a vehicle's passengers (their processes wait)
  std::uint32_t line = 0;                //!< aboard: the line, and
  std::uint64_t vehicle = 0;             //!< the vehicle's departure order on it
  std::uint64_t line_site = 0;
  double hazard_factor = 1.0; //!< an escort's effect on the attack hazard
  bool attacked = false;      //!< on the segment being ridden (a story for the rumours)
  std::uint32_t attacks = 0;  //!< attacks on the whole ride (a fleet's truck may be lost)
};

//! What a trace line says, in up to three pieces joined only when a migrant is
//! traced: the hot path builds no strings.
struct Says
{
  Says(const char* a) : a(a) {}            // NOLINT: implicit, a plain text
  Says(std::string_view a) : a(a) {}       // NOLINT
  Says(const std::string& a) : a(a) {}     // NOLINT
  Says(std::string_view a, std::string_view b, std::string_view c = {}) : a(a), b(b), c(c) {}
  std::string str() const
  {
    std::string out;
    out.reserve(a.size() + b.size() + c.size());
    out.append(a).append(b).append(c);
    return out;
  }
  std::string_view a, b, c;
};

class MaliWorker;

// One line's loading bay at its hub.
class LineStop final : public BatchDeparture::Listener
{
public:
  LineStop(MaliWorker& w, std::uint32_t line, Simulation& sim)
    : w_(w), line_(line), stop(sim, *this, 7.0)
  {
  }
  std::uint32_t capacity(std::uint64_t vehicle) override;
  void depart(const BatchDeparture::Departure& d) override;

private:
  MaliWorker& w_;
  std::uint32_t line_;

public:
  BatchDeparture stop;
};

class MaliWorker final : public engine::Worker
{
public:
  MaliWorker(const CorridorScenario& sc, const engine::WorkerOptions& o, std::vector<Draw>* draws)
    : sc_(sc), w_(sc.warmup), seed_(o.seed), trace_k_(o.trace_entities), draws_(draws), sim_(o.stepping)
  {
    for (std::uint32_t l = 0; l < sc_.lines.size(); ++l) {
      stops_.push_back(std::make_unique<LineStop>(*this, l, sim_));
      // A finite fleet per line (sized once: a change may not alter it).
      const std::uint32_t n = sc_.epochs[0].p.vehicles[sc_.lines[l].vehicle].fleet_trucks;
      fleets_.push_back(n > 0 ? std::make_unique<engine::FifoServer>(sim_, n) : nullptr);
    }
    fleet_wait_.resize(sc_.lines.size());
    fleet_lost_.assign(sc_.lines.size(), 0);
    for (std::size_t k = 0; k < sc_.epochs[0].p.passport_markets.size(); ++k) {
      stocks_.push_back(std::make_unique<engine::Stock>(sim_, 0));
    }
    issued_.assign(stocks_.size(), 0);
    responds_.assign(stocks_.size(), 0);
    for (const Epoch& e : sc_.epochs) {
      for (std::size_t k = 0; k < responds_.size(); ++k) {
        responds_[k] = static_cast<char>(responds_[k] || e.p.passport_markets[k].responds);
      }
    }
    issue_.assign(stocks_.size(), Issue{});
    const std::size_t outcomes = sc_.exits.size() + 3;
    outcomes_.assign(outcomes, 0);
    entered_.assign(sc_.origins.size(), 0);
    revenue_.assign(sc_.actors.size(), 0);
    paid_by_origin_.assign(sc_.origins.size(), 0);
    // The series' layout: as series_list gives them.
    periods_ = sc_.series_edges.size() - 1;
    per_day_ = 1.0 / (sc_.series_edges[1] - sc_.series_edges[0]);
    std::size_t n = 0;
    at_.migrants = n++;
    at_.entered = n;
    n += sc_.origins.size();
    at_.outcomes = n;
    n += outcomes;
    at_.paid = n++;
    at_.revenue = n;
    n += sc_.actors.size();
    at_.abducted = n++;
    at_.ransoms = n++;
    at_.intercepted = n++;
    at_.attacks = n++;
    at_.killed = n++;
    at_.flow = n;
    n += sc_.epochs[0].segments.size();
    for (const auto& mp : sc_.epochs[0].p.monitoring_points) {
      at_.arrivals.push_back(mp.arrivals ? n : kNoSeries);
      n += mp.arrivals ? 1 + sc_.origins.size() : 0;
      at_.departures.push_back(mp.departures ? n : kNoSeries);
      n += mp.departures ? 1 + sc_.origins.size() : 0;
    }
    n = lay_out_beliefs(n);
    series_.assign(n * periods_, 0.0);
    for (const auto& pl : sc_.epochs[0].places) {
      monitor_of_.push_back(pl.monitor);
    }
    citizens_ = sc_.countries.size() + 1;
    citizen_.assign(sc_.nationalities.size() * citizens_, 0);
    for (std::size_t n = 0; n < sc_.nationalities.size(); ++n) {
      const auto& c = sc_.nationalities[n].citizen;
      for (std::size_t k = 0; k < c.size() && k + 1 < citizens_; ++k) {
        citizen_[n * citizens_ + k + 1] = c[k];
      }
    }
    prepare_choice();
    ledger_ = ledger_groups(sc_);
  }

  void run(std::uint64_t replication, engine::ReplicationOutput& out) override;
  //! The rumours' priors and the full-information cache (route choice by utility).
  void prepare_choice();

  std::uint32_t vehicle_capacity(std::uint32_t line, std::uint64_t vehicle)
  {
    const Vehicle& kind = at(sim_.now()).p.vehicles[sc_.lines[line].vehicle];
    Stream s = stream(kTruck, sc_.lines[line].site, vehicle);
    return static_cast<std::uint32_t>(
      drew("truck.capacity", line, vehicle, Draw::kNone, 0,
           static_cast<double>(s.uniform_int(kind.capacity_lo, kind.capacity_hi))));
  }

  void vehicle_leaves(std::uint32_t line, const BatchDeparture::Departure& d)
  {
    sim_.start(convoy(line, d), d.departed);
  }

private:
  // --- the processes ----------------------------------------------------------
  Process source(std::uint32_t flow);
  [[gnu::hot]] Process journey(std::uint64_t uid, std::uint32_t flow, Time entered);
  [[gnu::hot]] Process convoy(std::uint32_t line, BatchDeparture::Departure d);
  //! A fleet's truck whose convoy ended at time t drives back south to its hub
  //! (or is lost, if its convoy was attacked).
  Process truck_returns(std::uint32_t line, std::uint64_t vehicle, std::uint32_t attacks, Time t);
  //! The days a truck whose convoy ended at t takes to be back at the hub, or -1:
  //! lost (its own draws).
  [[gnu::cold, gnu::noinline]] double truck_trip_back(std::uint32_t line, std::uint64_t vehicle,
                                                      std::uint32_t attacks, Time t);
  //! A loaded vehicle ready at `ready` got its truck `now`: the wait, tallied.
  [[gnu::cold, gnu::noinline]] void got_truck(std::uint32_t line, Time ready, Time now);
  //! Start truck_returns at t.
  [[gnu::cold, gnu::noinline]] void send_truck_back(std::uint32_t line, std::uint64_t vehicle,
                                                    std::uint32_t attacks, Time t);

  // --- the steps that wait ----------------------------------------------------
  Step<> buy_papers(Migrant& m, const Place& here);
  Step<> face_gendarmes(Migrant& m, const Place& here);
  Step<> held_hostage(Migrant& m, const Place& here);
  Step<> cross_border(Migrant& m, const Place& here);
  //! Work and pay in a hub until the way on is affordable; the way, or none
  //! (he turned back).
  Step<Option> stay_in_hub(Migrant& m, const Place& here);
  Step<> board(Migrant& m, const Option& way);
  [[gnu::hot]] Step<> ride(Party& party, std::uint32_t segment);
  //! A ride under way: its stops, its stream, the toll point of the run of
  //! roadblocks he is in and what it asks him. (Built field by field: a ride
  //! zeroes nothing it does not need, this runs once a segment.)
  struct OnRoad
  {
    OnRoad(const Leg& leg, const Stream& rng, std::uint64_t here, double attack_kind,
           const Epoch& now)
      : leg(leg), rng(rng), here(here), attack_kind(attack_kind), now(&now)
    {
    }
    Leg leg;
    Stream rng;
    std::uint64_t here; //!< the key of the ride's own draws
    double attack_kind;
    const Epoch* now;                  //!< in force at the last stop
    const TollPoint* toll = nullptr;   //!< a lone rider's: of the run of roadblocks, in
    const Epoch* toll_epoch = nullptr; //!< this epoch,
    std::uint32_t toll_until = 0;      //!< up to this roadblock's index (excluded);
    double asked = 0.0;                //!< the probability it asks him for a toll
    MoneyRange toll_range;             //!< and what it asks (choice.hpp toll_range)
    Leg::Stop stop;                    //!< the stop travelled to
    Time wait;                         //!< to get there: its travel time and the last stop's delay
    Time extra = 0.0;                  //!< the last stop's delay
  };
  [[gnu::hot]] OnRoad set_off(Party& party, std::uint32_t segment, const Epoch& e);
  //! Travel from stop to stop while the travel runs inline (engine/README.md);
  //! true: at a stop whose wait has to go through the calendar (not yet taken),
  //! false: the ride is over.
  [[gnu::hot]] bool travel(Party& party, const Segment& seg, OnRoad& road);
  //! At road.stop, its wait taken: pass it; false: the ride is over (the end of
  //! the segment and its desert, or the lone rider killed).
  [[gnu::hot]] [[gnu::noinline]] bool arrive(Party& party, const Segment& seg, OnRoad& road);
  [[gnu::always_inline]] Time lone_roadblock(Migrant& m, const Segment& seg, OnRoad& road);
  //! The toll point of the run of roadblocks that road.stop's index is in.
  [[gnu::noinline]] void find_toll(const Migrant& m, const Segment& seg, OnRoad& road,
                                   std::uint32_t index);
  [[gnu::hot]] Time pass_stop(Party& party, const Segment& seg, OnRoad& road, const Leg::Stop& stop,
                              const Params& q);

  // --- instantaneous steps ----------------------------------------------------
  void set_out(Migrant& m, std::uint64_t uid, std::uint32_t flow, Time t);
  void meet_recruiter(Migrant& m, const Place& here);
  void take_hostage(Migrant& m, std::int32_t takers, double probability, Stream s,
                    std::uint64_t where);
  //! `demand`: the probability this toll point asks him (his papers, his country).
  [[gnu::always_inline]] double pass_roadblock(Migrant& m, Stream& rng, const TollPoint& tp,
                                               const MoneyRange& toll, double demand,
                                               std::uint64_t segment, std::uint64_t k);
  void pay_checkpoint(Party& party, const Segment& seg, const Checkpoint& cp, const Epoch& e);
  void attack(Party& party, const Segment& seg, double kind, const Params& p);
  void desert(Party& party, const Segment& seg, const Params& p);
  //! Pay an actor what he can of `amount`; what he paid. The hot path (a toll, a
  //! fee): the ledger's cell, his own sums, the period's; the trace lines out of line.
  [[gnu::always_inline]] std::int64_t pay(Migrant& m, ActorId a, std::int64_t amount,
                                          const Says& what)
  {
    return pay_saying(m, a, amount, [&what]() -> const Says& { return what; });
  }
  //! pay(), with what the trace says made by `say()` only for a trace line (a
  //! toll's words cost more than its booking: the commonest payment).
  template<class Say>
  [[gnu::always_inline]] std::int64_t pay_saying(Migrant& m, ActorId a, std::int64_t amount,
                                                 const Say& say)
  {
    const std::int64_t x = std::min(amount, m.cash);
    if (x <= 0) [[unlikely]] {
      if (amount > 0 && m.traced) {
        note_unpaid(m, a, amount, say());
      }
      return 0;
    }
    m.cash -= x;
    m.paid += x;
    if (counted(m.clock.now)) [[likely]] {
      // The totals are summed from these cells when the replication ends.
      add(revenue_[a], x);
      m.paid_window += x;
      tick_counted(at_.revenue + a, m.clock.now, static_cast<double>(x));
    } else {
      add(before_.paid, x);
    }
    if (m.traced) [[unlikely]] {
      note(m, "pay", say(), x, a);
    }
    return x;
  }
  //! Pay a receiver: one actor, or its shares of what he can pay (the last share
  //! takes the rounding, so the ledger stays exact).
  [[gnu::always_inline]] std::int64_t pay(Migrant& m, const Payee& to, std::int64_t amount,
                                          const Says& what)
  {
    if (to.shares.size() == 1) [[likely]] {
      return pay(m, to.shares.front().first, amount, what);
    }
    return pay_shares(m, to, amount, what);
  }
  [[gnu::hot]] std::int64_t pay_shares(Migrant& m, const Payee& to, std::int64_t amount,
                                       const Says& what);
  [[gnu::cold, gnu::noinline]] void note_unpaid(const Migrant& m, ActorId a, std::int64_t amount,
                                                const Says& what);
  void finish(Migrant& m, std::uint32_t outcome, const Says& what);
  //! Off the party (a lone rider, or a passenger), dead.
  void kill(Party& party, BatchDeparture::Seat*& link, Migrant& m, const Says& what);
  //! A trace line: `kind` names the step for programs, `what` says it for
  //! readers, `detail` holds the event's own fields (key=value;...).
  [[gnu::always_inline]] void note(const Migrant& m, std::string_view kind, const Says& what,
                                   std::int64_t amount = 0, int actor = -1, std::string detail = {})
  {
    if (m.traced) [[unlikely]] {
      record(m, kind, what, amount, actor, std::move(detail));
    }
  }
  [[gnu::cold, gnu::noinline]] void record(const Migrant& m, std::string_view kind,
                                           const Says& what, std::int64_t amount, int actor,
                                           std::string detail);
  std::string outcome_name(std::uint32_t outcome) const;

  // --- route choice by utility, and rumours (mali/choice.hpp) -----------------
  //! Whether his choice among `ways` here reads the knowledge state (then the
  //! caller first synchronises: the state is read in calendar order).
  bool reads_rumours(const Migrant& m, const Epoch& e, const Place& here,
                     const std::vector<Option>& ways) const;
  //! The way he takes with the uniform u: by today's weights (table `table`),
  //! or, when he weighs costs or risks, by the logit of their utilities, among
  //! the ways he can pay (fare + `spare`) if there are any.
  std::size_t choose(const Migrant& m, const Epoch& e, const std::vector<Option>& ways,
                     std::size_t table, double u, const Place& here, std::int64_t spare)
  {
    // The scenario's switch first: the same answer at every call, where the
    // number of ways changes from place to place.
    if (!e.p.choice.active || ways.size() < 2) [[likely]] {
      return e.option_choice[table].pick(u); // today's weights, exactly
    }
    return choose_by_utility(m, e, ways, table, u, here, spare);
  }
  std::size_t choose_by_utility(const Migrant& m, const Epoch& e, const std::vector<Option>& ways,
                                std::size_t table, double u, const Place& here,
                                std::int64_t spare);
  void trace_choice(const Migrant& m, const Epoch& e, const std::vector<Option>& ways,
                    std::span<const double> v, std::size_t k, const Hearsay* rumours,
                    bool affordable_only);
  //! A story for the rumours (heard by a share `reach` of the network).
  void tell(Time t, Risk k, std::uint32_t site, double exposures, double events,
            std::uint64_t entity, std::uint64_t key);
  // --- the belief series (issue 15 item 5c) ---------------------------------
  //! Their place among the series from `n` (series_list's order); the next free index.
  std::size_t lay_out_beliefs(std::size_t n);
  //! A story counted into the true risk realised in its period (heard or not).
  void realise(Time t, Risk k, std::uint32_t site, double exposures, double events);
  //! Reads the knowledge state at each period's end, at a synchronisation point.
  Process watch_beliefs();
  //! The beliefs held at time t (a period's end), into period `period`'s columns.
  void read_beliefs(std::size_t period, Time t);
  //! The period ends the watcher did not reach (the horizon), and the realised risks.
  void finish_beliefs();
  //! The rumours' parameters at time t: the epoch's, or where it has full
  //! information the last earlier epoch's with rumours (else the first's).
  const Information& rumours_at(Time t) const;
  static std::uint64_t teller(const Party& party)
  {
    return party.aboard ? combine(party.line_site, party.vehicle) : owner(party.group).uid;
  }
  //! The runtime guard: a migrant that takes absurdly many steps means a
  //! scenario that lets it loop; say which migrant, and where.
  void guard(Migrant& m) const
  {
    if (++m.steps > sc_.max_events_per_migrant) [[unlikely]] {
      looped(m);
    }
  }
  [[noreturn, gnu::cold, gnu::noinline]] void looped(const Migrant& m) const
  {
    throw engine::RuntimeError("migrant " + std::to_string(m.uid) + " of replication " +
                               std::to_string(rep_) + " took more than " +
                               std::to_string(sc_.max_events_per_migrant) + " steps, at " +
                               place_name(m.place) + " on day " + std::to_string(m.clock.now) +
                               ": the scenario lets a migrant loop (check retries and routes)");
  }
  //! The epoch in force at simulated time t: the run starts with the warm-up,
  //! so scenario day 0 (where changes count from) is simulated day w_.
  const Epoch& at(Time t) const noexcept { return sc_.at(t - w_); }
  //! The same, given the epoch `e` that was in force earlier on the same clock
  //! (time only moves forward): no search until the clock passes e's end.
  const Epoch& at(Time t, const Epoch& e) const noexcept { return t - w_ < e.end ? e : at(t); }
  //! Whether what happens at simulated time t falls in the reported window
  //! (after the warm-up).
  bool counted(Time t) const noexcept { return t >= w_; }
  //! Add x to period of time t of a series (in the window only).
  [[gnu::always_inline]] void tick(std::size_t series, Time t, double x = 1.0)
  {
    if (counted(t)) {
      tick_counted(series, t, x);
    }
  }
  //! tick, at a time known to be in the window.
  void tick_counted(std::size_t series, Time t, double x)
  {
    series_[series * periods_ + period_of(t)] += x;
  }
  //! The period of a time known to be in the window.
  std::size_t period_of(Time t) const noexcept
  {
    // A multiplication, not a division: this runs at every payment. (Through a
    // signed integer: one instruction, and t >= w_ here.)
    return std::min(periods_ - 1,
                    static_cast<std::size_t>(static_cast<std::int64_t>((t - w_) * per_day_)));
  }
  //! What a monitoring point at `place` sees of a migrant arriving or leaving.
  void seen(const Migrant& m, std::uint32_t place, bool arriving)
  {
    const std::int32_t k = monitor_of_[place];
    if (k >= 0) [[unlikely]] {
      seen_at(m, static_cast<std::size_t>(k), arriving);
    }
  }
  [[gnu::noinline]] void seen_at(const Migrant& m, std::size_t k, bool arriving)
  {
    const auto& first = arriving ? at_.arrivals : at_.departures;
    const std::size_t base = first[k];
    if (base == kNoSeries) {
      return;
    }
    const double coverage = at(m.clock.now).p.monitoring_points[k].coverage;
    tick(base, m.clock.now, coverage);
    tick(base + 1 + m.origin, m.clock.now, coverage);
  }
  static constexpr std::size_t kNoSeries = ~std::size_t{ 0 };
  //! A citizen of the country with this index (-1: none) is judged as one.
  //! One load, no branch: which countries and nationalities meet is a coin the
  //! branch predictor cannot guess (citizen_: per nationality, country + 1).
  bool citizen(const Migrant& m, std::int32_t country) const noexcept
  {
    assert(country >= -1 && static_cast<std::size_t>(country + 1) < citizens_);
    return citizen_[m.nationality * citizens_ + static_cast<std::size_t>(country + 1)] != 0;
  }
  const Hub& hub_of(const Params& p, const Place& at) const
  {
    return p.hubs[static_cast<std::size_t>(at.hub)];
  }
  double ghetto_day(const Hub& h, const Migrant& m) const
  {
    return static_cast<double>(h.ghetto_fee_per_day) *
           (h.passeur_network[m.origin] || m.passeur_back ? 1.0 : 1.0 + h.foreign_ghetto_surcharge);
  }
  //! Whether his nationality's passeurs were arrested at this hub and may be back
  //! (network_back, which tells, needs a synchronisation first).
  bool arrested(const Migrant& m, const Hub& h) const
  {
    return !h.passeur_network[m.origin] && h.arrest >= 0 &&
           sc_.arrests[static_cast<std::size_t>(h.arrest)].networks[m.origin];
  }
  //! Whether his nationality's arrested network is back at this hub place by
  //! his time (after sim_.sync: every fee paid before the arrests is in).
  bool network_back(const Migrant& m, const Hub& h, const Place& here);
  //! The passeur fee he pays at hub h (his place) in epoch e: the hub's fee with
  //! its `premium` (choice.hpp hub_passeur_fee), then fee_factor times that while
  //! his network is away. What he saves for and what he pays both read it here.
  //! (Without a premium: today's code and one branch, the priced fee a tail call.
  //! Out of line as GCC kept it before the premium: inlined, it moved other
  //! inlining in this file, +0.13% instructions a replication against +0.07%.)
  [[gnu::noinline]] std::int64_t passeur_fee(const Migrant& m, const Epoch& e, const Hub& h) const
  {
    if (h.premium.on) [[unlikely]] {
      return priced_passeur_fee(m, e, h);
    }
    return with_fee_factor(m, h, h.passeur_fee);
  }
  //! The fee `fee`, or fee_factor times it while his network is away.
  std::int64_t with_fee_factor(const Migrant& m, const Hub& h, std::int64_t fee) const
  {
    if (!h.has_replacement || !arrested(m, h) || m.passeur_back) {
      return fee;
    }
    // A single amount, capped like any other (money_of): a fee_factor of 1e15
    // overflowed the rounding, and the fee came out negative (a free passage).
    return money_of(static_cast<double>(fee) * h.replacement_fee_factor);
  }
  //! passeur_fee with the premium: hub_passeur_fee for his epoch, place, exit,
  //! papers and nationality, computed once a worker (a pure function of the
  //! scenario: the same for any thread), then the fee factor.
  [[gnu::noinline, gnu::cold]] std::int64_t priced_passeur_fee(const Migrant& m, const Epoch& e,
                                                    const Hub& h) const
  {
    const std::size_t places = sc_.epochs[0].places.size();
    const std::size_t exits = sc_.exits.size();
    const std::size_t classes = sc_.classes.size();
    const std::size_t nationalities = sc_.nationalities.size();
    if (passeur_fees_.empty()) {
      passeur_fees_.assign(sc_.epochs.size() * places * exits * classes * nationalities, -1);
    }
    const auto epoch = static_cast<std::size_t>(&e - sc_.epochs.data());
    const std::size_t k =
      (((epoch * places + m.place) * exits + m.exit) * classes + m.docs) * nationalities +
      m.nationality;
    if (passeur_fees_[k] < 0) {
      passeur_fees_[k] = hub_passeur_fee(sc_, e, h, m.place, m.exit, m.docs,
                                         sc_.nationalities[m.nationality].citizen);
    }
    return with_fee_factor(m, h, passeur_fees_[k]);
  }
  //! The networks arrested at a hub place (arrest a, place p).
  ArrestedNetworks& arrests_at(std::size_t a, std::size_t p)
  {
    return arrested_[a * sc_.epochs[0].places.size() + p];
  }

  Stream stream(std::uint64_t kind, std::uint64_t site, std::uint64_t entity) const
  {
    return streams_(combine(kind, site), entity);
  }
  //! stream(), out of line, for the fleets' trucks: more callers of stream() would
  //! tip the compiler's inlining of it on the hot paths (+0.5% instructions).
  [[gnu::noinline, gnu::cold]] Stream fleet_stream(std::uint64_t kind, std::uint64_t site,
                                                   std::uint64_t entity) const
  {
    return streams_(combine(kind, site), entity);
  }
  //! Every draw passes through here: noted when a test collects them, else only
  //! returned.
  double drew(const char* kind, std::uint64_t owner, std::uint64_t vehicle, std::uint64_t where,
              std::uint64_t index, double value) const
  {
    if (draws_ != nullptr) [[unlikely]] {
      draws_->push_back(Draw{ kind, owner, vehicle, where, index, value });
    }
    return value;
  }
  //! A migrant's draw.
  double drew(const char* kind, const Migrant& m, std::uint64_t where, std::uint64_t index,
              double value) const
  {
    return drew(kind, m.uid, Draw::kNone, where, index, value);
  }
  //! A party's draw: the lone migrant's, or the vehicle's.
  double drew(const char* lone, const char* aboard, const Party& p, std::uint64_t where,
              std::uint64_t index, double value) const
  {
    if (draws_ != nullptr) [[unlikely]] { // no branch on who rides when nothing is noted
      (void)(p.aboard ? drew(aboard, p.line, p.vehicle, where, index, value)
                      : drew(lone, owner(p.group), where, index, value));
    }
    return value;
  }
  std::uint32_t died() const { return static_cast<std::uint32_t>(sc_.exits.size()); }
  std::uint32_t abandoned() const { return died() + 1; }
  std::uint32_t turned_back() const { return died() + 2; }
  const std::string& place_name(std::uint32_t i) const { return sc_.epochs[0].places[i].name; }
  const std::string& actor_label(ActorId a) const { return sc_.actors[a].label; }

  const CorridorScenario& sc_;
  Time w_ = 0.0; // the warm-up, in days
  std::uint64_t seed_;
  std::uint64_t rep_ = 0;
  StreamFamily streams_; //!< (seed_, rep_)
  std::uint64_t trace_k_;
  std::vector<Draw>* draws_;
  Simulation sim_;
  std::vector<std::unique_ptr<engine::Stock>> stocks_; // one per passport market
  std::vector<std::unique_ptr<LineStop>> stops_;
  // Per line: its fleet of trucks (nullptr: unlimited), the days loaded vehicles
  // waited for a truck at the hub (counted when the truck left), trucks lost.
  std::vector<std::unique_ptr<engine::FifoServer>> fleets_;
  std::vector<engine::stats::Tally> fleet_wait_;
  std::vector<std::uint64_t> fleet_lost_;
  Migrant* alive_ = nullptr;
  Knowledge know_; // what migrants know (with rumours)
  // Passeur networks arrested at hubs with `replacement`: per arrest and place.
  std::vector<ArrestedNetworks> arrested_;
  // The rumours' priors: the true risks of day 0 on each line and lone segment.
  std::vector<WayPrior> line_prior_;
  std::vector<WayPrior> segment_prior_;
  // What a chooser's utility of a way needs that does not change with what is
  // heard, per epoch, place and exit (table), way, nationality and papers:
  // the utility (with full information; with rumours its part that is not the
  // risks), the fare, and with rumours what the way's end holds. `fixed` NaN
  // until needed.
  struct WayCell
  {
    double fixed = std::numeric_limits<double>::quiet_NaN();
    double fare = 0.0;
    WayEnd end;
    double quiet = 0.0; //!< with rumours, its risk cost where nothing is ever told
  };
  // With rumours: whether a story can be told of some part of a line, a lone
  // segment (per index): a way none of whose sites hears anything has the
  // prior's risks whenever it is read, and a choice among such ways needs no
  // synchronisation.
  std::vector<char> heard_line_;
  std::vector<char> heard_segment_;
  bool hears_of(const Option& w) const noexcept
  {
    return (w.line ? heard_line_ : heard_segment_)[w.index] != 0;
  }
  bool any_heard(const std::vector<Option>& ways) const noexcept
  {
    return std::any_of(ways.begin(), ways.end(), [&](const Option& w) { return hears_of(w); });
  }
  std::vector<WayCell> v_cache_;
  // weighs(epoch's choice, papers, citizen), per epoch, class and citizenship.
  std::vector<char> weighs_;
  std::size_t epoch_weighs(const Epoch& e, ClassId docs, bool home) const noexcept
  {
    return (static_cast<std::size_t>(&e - sc_.epochs.data()) * sc_.classes.size() + docs) * 2 +
           (home ? 1 : 0);
  }
  std::size_t tables_ = 0;
  std::size_t max_ways_ = 0;

  // Tallies of the replication.
  std::vector<std::uint64_t> entered_;
  std::vector<std::uint64_t> outcomes_;
  std::uint64_t migrants_ = 0;
  std::uint64_t abducted_ = 0;
  std::uint64_t ransoms_paid_ = 0;
  std::uint64_t trucks_ = 0;
  std::uint64_t truck_passengers_ = 0;
  std::uint64_t attacks_ = 0;
  std::uint64_t killed_in_attacks_ = 0;
  std::uint64_t intercepted_ = 0;
  std::uint64_t workers_ = 0;
  std::vector<std::uint64_t> segment_flow_; // migrants who set off on each segment
  std::vector<std::int64_t> revenue_;       // per actor
  std::vector<LedgerGroup> ledger_;         // revenue_ grouped (built once)
  std::vector<std::int64_t> paid_by_origin_; // per origin
  std::int64_t paid_total_ = 0;
  std::int64_t budgets_ = 0;
  std::int64_t earned_ = 0;
  std::int64_t family_ = 0;
  std::int64_t cash_left_ = 0; // with migrants who finished
  // Before the reported window: what those still on the way at its start brought in.
  struct Before
  {
    std::uint64_t entered = 0;
    std::uint64_t finished = 0;
    std::int64_t budgets = 0;
    std::int64_t earned = 0;
    std::int64_t family = 0;
    std::int64_t paid = 0;
    std::int64_t cash_left = 0;
  } before_;
  // The time series: per-period sums, series by series (series_list's order).
  struct SeriesAt
  {
    std::size_t migrants = 0, entered = 0, outcomes = 0, paid = 0, revenue = 0, abducted = 0,
                ransoms = 0, intercepted = 0, attacks = 0, killed = 0, flow = 0;
    std::vector<std::size_t> arrivals;   // per monitoring point: its total, then per origin
    std::vector<std::size_t> departures; // (npos: the point does not count them)
  } at_;
  std::size_t periods_ = 1;
  double per_day_ = 1.0; // periods per day
  std::vector<double> series_;
  std::vector<std::int32_t> monitor_of_; // per place: its monitoring point, or -1
  // Per nationality, whether a citizen of country k (k + 1; 0: no country).
  std::vector<char> citizen_;
  std::size_t citizens_ = 1;
  // The belief series: their sites, each site's first series, per kind and site
  // its index among the sites (-1: none), the realised exposures and events per
  // site and period, how many period ends the watcher read, its scratch.
  std::vector<BeliefSite> beliefs_;
  std::vector<std::size_t> belief_at_;
  std::array<std::vector<std::int32_t>, kRisks> belief_row_;
  std::vector<double> exposed_, struck_;
  std::size_t beliefs_read_ = 0;
  Knowledge::Heard heard_;
  // The markets' stocks, seen in the window.
  std::uint64_t papers_taken_ = 0;
  std::uint64_t papers_refused_ = 0;
  std::uint64_t papers_issued_ = 0;
  std::vector<std::int64_t> issued_; // per market, since the start
  // Issuance that follows demand (markets with `elasticity`/`crackdown` in some
  // epoch), per market, updated in calendar order by the seekers of new papers.
  struct Issue
  {
    double t = 0.0;        // the last seeker's time
    double seekers = 0.0;  // seekers, faded over demand_days
    double on_offer = 0.0; // papers to be had: supply not yet taken, up to a day's
  };
  std::vector<char> responds_; // per market: in some epoch
  //! Passeur fees with a premium, per (epoch, place, exit, papers, nationality);
  //! -1: not asked yet (empty unless some hub has a `premium`).
  mutable std::vector<std::int64_t> passeur_fees_;
  std::vector<Issue> issue_;
  //! A seeker of newly issued papers at time t (after sim_.sync): whether one is
  //! to be had (issuance_per_day at the demand seen so far, the epoch's crackdown).
  bool may_issue(std::size_t k, const PassportMarket& market, Time t);
  std::int64_t papers_least_ = -1;
  engine::stats::Tally journey_days_;
  engine::stats::Tally hub_days_;
  engine::stats::Tally work_days_;
  std::span<engine::stats::Histogram> hist_;
  std::vector<engine::TraceRecord>* trace_ = nullptr;
};

std::uint32_t LineStop::capacity(std::uint64_t vehicle)
{
  return w_.vehicle_capacity(line_, vehicle);
}
void LineStop::depart(const BatchDeparture::Departure& d)
{
  w_.vehicle_leaves(line_, d);
}

enum Hist : std::size_t
{
  kJourneyDays,
  kHubDays,
  kPaid
};

// ---------------------------------------------------------------------------
// Ledger and bookkeeping

void MaliWorker::note_unpaid(const Migrant& m, ActorId a, std::int64_t amount, const Says& what)
{
  note(m, "pay_failed", what.str() + " (could not pay)", 0, a, "asked=" + std::to_string(amount));
}

std::int64_t MaliWorker::pay_shares(Migrant& m, const Payee& to, std::int64_t amount,
                                    const Says& what)
{
  if (to.shares.empty()) {
    return 0;
  }
  const std::int64_t x = std::min(amount, m.cash);
  if (x <= 0) {
    return pay(m, to.shares.front().first, amount, what); // notes the failure
  }
  std::int64_t left = x;
  if (m.traced) [[unlikely]] { // a trace line per share
    for (std::size_t i = 0; i + 1 < to.shares.size(); ++i) {
      // A share is >= 0 (cfg::kShare): the truncation is the floor, without a call.
      const auto part = static_cast<std::int64_t>(static_cast<double>(x) * to.shares[i].second);
      left -= pay(m, to.shares[i].first, std::min(part, left), what);
    }
    pay(m, to.shares.back().first, left, what);
    return x;
  }
  // What pay() books for each share, the window and the period looked up once:
  // he has x in hand, so every share is paid in full. A share of 0 books 0 (the
  // sums unchanged): no branch on a share's size.
  const std::size_t n = to.shares.size();
  const bool in_window = counted(m.clock.now);
  const std::size_t period = in_window ? period_of(m.clock.now) : 0;
  const auto book = [&](ActorId a, std::int64_t part) {
    m.cash -= part;
    m.paid += part;
    if (in_window) {
      add(revenue_[a], part);
      m.paid_window += part;
      series_[(at_.revenue + a) * periods_ + period] += static_cast<double>(part);
    } else {
      add(before_.paid, part);
    }
  };
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const auto& [a, share] = to.shares[i];
    const std::int64_t part =
      std::min(static_cast<std::int64_t>(static_cast<double>(x) * share), left);
    left -= part;
    book(a, part);
  }
  book(to.shares.back().first, left);
  return x;
}

std::string MaliWorker::outcome_name(std::uint32_t outcome) const
{
  if (outcome < sc_.exits.size()) {
    return sc_.exits[outcome];
  }
  return outcome == died() ? "died" : outcome == abandoned() ? "abandoned" : "turned_back";
}

void MaliWorker::record(const Migrant& m, std::string_view kind, const Says& what,
                        std::int64_t amount, int actor, std::string detail)
{
  if (trace_ == nullptr || !m.traced) {
    return;
  }
  std::string where = place_name(m.place);
  if (m.on_segment >= 0) {
    const Segment& g = sc_.epochs[0].segments[static_cast<std::size_t>(m.on_segment)];
    where = place_name(g.from) + " - " + place_name(g.to);
  }
  trace_->push_back(engine::TraceRecord{
    m.uid, m.clock.now - w_, where, what.str(), amount,
    actor >= 0 ? sc_.actors[static_cast<std::size_t>(actor)].id : "", std::string(kind),
    std::move(detail) });
}

void MaliWorker::finish(Migrant& m, std::uint32_t outcome, const Says& what)
{
  m.done = true;
  const double days = m.clock.now - m.entered;
  if (counted(m.clock.now)) {
    ++outcomes_[outcome];
    tick(at_.outcomes + outcome, m.clock.now);
    journey_days_.add(days);
    hist_[kJourneyDays].add(days);
    hist_[kPaid].add(static_cast<double>(m.paid));
    add(cash_left_, m.cash);
  } else {
    ++before_.finished;
    add(before_.cash_left, m.cash);
  }
  add(paid_by_origin_[m.origin], m.paid_window);
  if (m.market >= 0) {
    // False papers go back to their market for reuse, unless lost with their holder.
    if (outcome < died() || outcome == turned_back()) {
      const auto k = static_cast<std::size_t>(m.market);
      stocks_[k]->give_back_at(m.clock.now +
                               at(m.clock.now).p.passport_markets[k].return_days);
    }
  }
  if (m.traced) [[unlikely]] {
    note(m, "finish", what, 0, -1,
         "outcome=" + outcome_name(outcome) + ";days=" + std::to_string(days));
  }
}

void MaliWorker::kill(Party& party, BatchDeparture::Seat*& link, Migrant& m, const Says& what)
{
  // Out of the party first: a passenger's frame (and seat) ends when its
  // process is resumed; a lone rider's process sees him done when the ride ends.
  link = m.seat.next;
  finish(m, died(), what);
  if (party.aboard) {
    sim_.schedule_resume(m.clock.now, m.seat.handle);
  }
}

// ---------------------------------------------------------------------------
// Instantaneous steps

void MaliWorker::set_out(Migrant& m, std::uint64_t uid, std::uint32_t flow, Time t)
{
  const Epoch& e = at(t);
  const Params& p = e.p;
  Stream s = stream(kProfile, 0, uid);
  // Always the same draws in the same order, whatever the scenario uses.
  const double u_origin = s.uniform();
  const double u_destination = s.uniform();
  const double u_documents = s.uniform();
  m.u_papers = s.uniform();
  const double z_cash = s.normal();
  m.z_earnings = s.normal();
  m.u_recruiter = s.uniform();
  const double u_entry = s.uniform();
  m.hub_choice = s.uniform();
  if (draws_ != nullptr) [[unlikely]] {
    std::uint64_t n = 0;
    for (const double v : { u_origin, u_destination, u_documents, m.u_papers, z_cash,
                            m.z_earnings, m.u_recruiter, u_entry, m.hub_choice }) {
      drew("profile", uid, Draw::kNone, Draw::kNone, n++, v);
    }
  }

  m.uid = uid;
  m.key = uid;
  m.clock.now = t;
  m.entered = t;
  m.traced = trace_ != nullptr && uid < trace_k_;
  m.origin = static_cast<std::uint32_t>(e.origin_choice[flow].pick(u_origin));
  const Origin& o = sc_.origins[m.origin];
  m.exit = sc_.destinations[e.destination_choice.pick(u_destination)].exit;
  m.nationality = static_cast<std::uint16_t>(o.nationality);
  m.docs = o.default_class;
  double below = 0.0;
  for (const auto& [cls, share] : o.documents) {
    below += share;
    if (u_documents < below) {
      m.docs = cls;
      break;
    }
  }
  m.budget = money_of(p.cash_median * std::exp(p.cash_sigma * z_cash));
  m.cash = m.budget;
  m.place = o.start;
  below = 0.0;
  for (const auto& x : p.entries) {
    if (x.origins[m.origin] != 0) {
      below += x.share;
      if (u_entry < below) {
        m.place = x.place;
        break;
      }
    }
  }
  if (counted(t)) {
    add(budgets_, m.budget);
    ++migrants_;
    ++entered_[m.origin];
    tick(at_.migrants, t);
    tick(at_.entered + m.origin, t);
  } else {
    add(before_.budgets, m.budget);
    ++before_.entered;
  }
  seen(m, m.place, true);
  // Into the list of the living.
  m.head = &alive_;
  m.next = alive_;
  if (alive_) {
    alive_->prev = &m;
  }
  alive_ = &m;
  if (m.traced) [[unlikely]] {
    const std::string& origin = sc_.origins[m.origin].id;
    const std::string& destination = sc_.destinations[e.destination_choice.pick(u_destination)].id;
    note(m, "set_out",
         "sets out from " + origin + " for " + destination + " with " + std::to_string(m.budget) +
           " CFA, " + sc_.class_labels[m.docs],
         0, -1,
         "origin=" + origin + ";destination=" + destination + ";cash=" + std::to_string(m.budget) +
           ";documents=" + sc_.classes[m.docs]);
  }
}

// A recruiter links him to a smuggler further on, for a fee, once.
void MaliWorker::meet_recruiter(Migrant& m, const Place& here)
{
  const Recruiter& r = at(m.clock.now).p.recruiters[static_cast<std::size_t>(here.recruiter)];
  if (m.recruited || m.u_recruiter >= r.share) {
    return;
  }
  m.recruited = true;
  pay(m, r.receiver, r.fee, { r.label, "'s commission" });
}

// Hostage-takers strike (or not) where he arrives; held_hostage deals with it.
void MaliWorker::take_hostage(Migrant& m, std::int32_t takers, double probability, Stream s,
                              std::uint64_t where)
{
  const bool taken = drew("hostage.taking", m, where, 0, s.uniform()) < probability;
  if (taken) {
    m.held = static_cast<std::int8_t>(takers);
  }
  if (sc_.rumours) {
    tell(m.clock.now, Risk::Kidnapping, m.place, 1.0, taken ? 1.0 : 0.0, m.uid, where);
  }
}

// The k-th roadblock of a segment: three draws, the integer last (the only draw
// whose number of bits could depend on a parameter, the toll's range). Returns the
// delay in days.
inline double MaliWorker::pass_roadblock(Migrant& m, Stream& rng, const TollPoint& tp,
                                         const MoneyRange& range, double demand,
                                         std::uint64_t segment, std::uint64_t k)
{
  const double u = rng.uniform();
  const double delay = rng.exponential();
  const std::int64_t toll = range.draw(rng);
  if (draws_ != nullptr) [[unlikely]] { // the hot path: noted in one go
    drew("ride.roadblock", m, segment, 3 * k, u);
    drew("ride.roadblock", m, segment, 3 * k + 1, delay);
    drew("ride.roadblock", m, segment, 3 * k + 2, static_cast<double>(toll));
  }
  if (u < demand) {
    pay_saying(m, tp.forces, toll, [&tp] { return Says{ tp.label, " toll" }; });
  }
  return delay * tp.delay_days;
}

void MaliWorker::pay_checkpoint(Party& party, const Segment& seg, const Checkpoint& cp,
                                const Epoch& e)
{
  for (auto* s = party.group; s != nullptr; s = s->next) {
    Migrant& m = owner(s);
    m.clock.now = party.clock->now;
    pay(m, cp.receiver,
        checkpoint_fee(sc_, e, seg, cp, m.docs, sc_.nationalities[m.nationality].citizen),
        cp.label);
  }
}

void MaliWorker::attack(Party& party, const Segment& seg, double kind, const Params& p)
{
  attacks_ += counted(party.clock->now) ? 1 : 0;
  ++party.attacks;
  tick(at_.attacks, party.clock->now);
  const BanditZone& z = p.bandit_zones[static_cast<std::size_t>(seg.bandits)];
  const bool robbery = kind < z.robbery_share;
  const std::uint64_t who = sc_.rumours ? teller(party) : 0;
  double killed = 0.0;
  if (sc_.rumours) {
    party.attacked = true;
    tell(party.clock->now, Risk::Attack, seg.index, 1.0, 1.0, who, seg.site);
  }
  for (BatchDeparture::Seat** link = &party.group; *link != nullptr;) {
    Migrant& m = owner(*link);
    m.clock.now = party.clock->now;
    if (robbery) {
      if (m.traced) [[unlikely]] {
        note(m, "attack", { z.label, " attack and take everything" }, 0, -1, "outcome=robbed");
      }
      pay(m, z.receiver, m.cash, "robbed");
      Stream v = stream(kVictim, seg.site, m.key);
      if (drew("victim", m, seg.site, 0, v.uniform()) < z.kill_probability) {
        killed_in_attacks_ += counted(m.clock.now) ? 1 : 0;
        tick(at_.killed, m.clock.now);
        killed += 1.0;
        kill(party, *link, m, "killed in the attack");
        continue;
      }
    } else {
      pay(m, z.receiver, z.payoff, { z.label, " stop the ride: pay-off" });
    }
    link = &(*link)->next;
  }
  if (sc_.rumours && killed > 0.0) { // the riders who survive it are told of at the segment's end
    tell(party.clock->now, Risk::Death, seg.index, killed, killed, who, seg.site);
  }
}

// At the segment's end, the desert's toll (breakdowns, thirst) on each rider.
void MaliWorker::desert(Party& party, const Segment& seg, const Params& p)
{
  const double rate = seg.desert_death_per_1000km >= 0.0
                        ? seg.desert_death_per_1000km
                        : (p.modes[seg.mode].desert ? p.desert_death_per_1000km : 0.0);
  // No pow where the desert does not kill (most rides: buses): 0 either way.
  const double die = rate > 0.0 ? 1.0 - std::pow(1.0 - rate, seg.distance_km / 1000.0) : 0.0;
  const bool told = sc_.rumours && party.group != nullptr;
  const std::uint64_t who = told ? teller(party) : 0;
  double riders = 0.0;
  double died = 0.0;
  for (BatchDeparture::Seat** link = &party.group; *link != nullptr;) {
    Migrant& m = owner(*link);
    m.clock.now = party.clock->now;
    m.place = seg.to;
    m.on_segment = -1;
    if (die > 0.0 &&
        drew("desert", m, seg.site, 0, stream(kDesert, seg.site, m.key).uniform()) < die) {
      riders += 1.0;
      died += 1.0;
      kill(party, *link, m, "dies in the desert");
      continue;
    }
    riders += 1.0;
    link = &(*link)->next;
  }
  if (told) {
    if (seg.bandits >= 0 && !party.attacked) {
      tell(party.clock->now, Risk::Attack, seg.index, 1.0, 0.0, who, seg.site);
    }
    party.attacked = false;
    if (seg.bandits >= 0 || die > 0.0) {
      tell(party.clock->now, Risk::Death, seg.index, riders, died, who, seg.site);
    }
  }
}

// ---------------------------------------------------------------------------
// The steps that wait

// A market in false papers: buy or rent from its recycled stock, if he wants
// to (the market's demand by class) and can pay.
Step<> MaliWorker::buy_papers(Migrant& m, const Place& here)
{
  co_await sim_.sync(m.clock); // the stock is shared: take it in time order
  const auto k = static_cast<std::size_t>(here.passport_market);
  const PassportMarket& market = at(m.clock.now).p.passport_markets[k];
  Stream s = stream(kPassport, here.site, m.uid);
  const auto price = static_cast<std::int64_t>(
    drew("passport", m, here.site, 0, static_cast<double>(market.price.draw(s))));
  engine::Stock& stock = *stocks_[k];
  const std::int64_t size = market.pool + issued_[k];
  if (stock.size() != size) {
    stock.resize(size); // the stock changed (a seizure, a replacement)
  }
  bool got = m.cash >= price && stock.try_take();
  bool issued = false;
  std::int64_t issue_price = 0;
  if (!got && market.has_issuance) {
    // None to rent (or too dear): newly issued papers, if any are to be had.
    issue_price = static_cast<std::int64_t>(
      drew("passport", m, here.site, 1, static_cast<double>(market.issue_price.draw(s))));
    if (responds_[k] ? may_issue(k, market, m.clock.now) && m.cash >= issue_price
                     : m.cash >= issue_price &&
                         static_cast<double>(issued_[k]) < market.issued_per_day * m.clock.now) {
      ++issued_[k];
      if (responds_[k]) {
        issue_[k].on_offer -= 1.0;
      }
      stock.resize(size + 1);
      got = issued = stock.try_take();
    }
  }
  const bool dear = !got && m.cash < price && (!market.has_issuance || m.cash < issue_price);
  if (counted(m.clock.now)) {
    papers_taken_ += got ? 1 : 0;
    papers_refused_ += got || dear ? 0 : 1; // found none to be had
    papers_issued_ += issued ? 1 : 0;
    const std::int64_t left = stock.available();
    papers_least_ = papers_least_ < 0 ? left : std::min(papers_least_, left);
  }
  if (!got) {
    if (m.traced) [[unlikely]] {
      note(m, "no_passport", { dear ? "cannot afford a " : "no ", market.label, " to be had" },
           0, -1, dear ? "reason=unaffordable" : "reason=none_left");
    }
    co_return;
  }
  m.market = static_cast<std::int8_t>(k);
  m.docs = market.issues;
  if (issued) {
    pay(m, market.issuer, issue_price, { "buys a newly issued ", market.label });
  } else {
    pay(m, market.seller, price, { "obtains a ", market.label });
  }
}

bool MaliWorker::may_issue(std::size_t k, const PassportMarket& market, Time t)
{
  // Between the last seeker and this one, papers come on offer at the supply rate
  // of the demand seen then (seekers a day, faded over demand_days), up to one
  // day's supply (at least one paper): unused issuance is not saved up. Then this
  // seeker counts in the demand, and finds one if one is on offer.
  Issue& st = issue_[k];
  const double dt = t - st.t;
  const Issuance s{ market.issued_per_day, market.reference_demand, market.elasticity };
  const double supply = issuance_per_day(s, st.seekers / market.demand_days, market.crackdown);
  st.on_offer = std::min(st.on_offer + supply * dt, std::max(1.0, supply));
  st.seekers = st.seekers * std::exp(-dt / market.demand_days) + 1.0;
  st.t = t;
  return st.on_offer >= 1.0;
}

// An arrest point: taxed, or arrested and bought out (or deported).
Step<> MaliWorker::face_gendarmes(Migrant& m, const Place& here)
{
  const auto k = static_cast<std::size_t>(here.arrest_point);
  const ArrestPoint& a = at(m.clock.now).p.arrest_points[k];
  // A migrant deported and back faces the gendarmes afresh: his n-th visit has
  // its own draws (the first keeps the place's own key).
  const auto w = m.deported == 0 ? here.site : combine(here.site, m.deported);
  Stream s = stream(kGendarmerie, w, m.uid);
  const double u_tax = drew("gendarmes", m, w, 0, s.uniform());
  const double u_arrest = drew("gendarmes", m, w, 1, s.uniform());
  const double detention = drew("gendarmes", m, w, 2, s.exponential()) * a.detention_days;
  const auto tax = static_cast<std::int64_t>(
    drew("gendarmes", m, w, 3, static_cast<double>(a.tax.draw(s)))); // integer last
  if (u_tax < a.tax_probability.at(m.docs, citizen(m, here.country_index))) {
    pay(m, a.forces, tax, { a.label, " tax him" });
    co_return;
  }
  if (u_arrest >= a.arrest_probability) {
    co_return;
  }
  note(m, "arrest", { "arrested by the ", a.label });
  if (detention > 0.0) {
    co_await sim_.delay(m.clock, detention);
  }
  const ArrestPoint& now = at(m.clock.now).p.arrest_points[k];
  if (now.deport_to >= 0) {
    m.deported = static_cast<std::uint8_t>(std::min(255, m.deported + 1));
    m.key = combine(m.uid, m.deported);
    m.place = static_cast<std::uint32_t>(now.deport_to);
    seen(m, m.place, true);
    m.arrived_by = -1;
    m.arrived_alone = false;
    if (m.traced) [[unlikely]] {
      note(m, "deported", "deported to " + place_name(m.place), 0, -1,
           "to=" + sc_.epochs[0].places[m.place].id);
    }
  } else {
    pay(m, now.bribe_to, now.bribe, "bought out of detention: bribe");
  }
}

// Held hostage: the family is asked for a ransom; paid, or left in the desert.
Step<> MaliWorker::held_hostage(Migrant& m, const Place& here)
{
  const auto k = static_cast<std::size_t>(m.held);
  m.held = -1;
  abducted_ += counted(m.clock.now) ? 1 : 0;
  tick(at_.abducted, m.clock.now);
  const HostageTakers& h = at(m.clock.now).p.hostage_takers[k];
  Stream s = stream(kHostage, here.site, m.key);
  const double u_pay = drew("ransom", m, here.site, 0, s.uniform());
  const double delay = std::exp(std::log(h.pay_delay_median) +
                                h.pay_delay_sigma * drew("ransom", m, here.site, 1, s.normal()));
  const double u_survive = drew("ransom", m, here.site, 2, s.uniform());
  if (m.traced) [[unlikely]] {
    note(m, "hostage",
         "held hostage by " + h.label + ", who ask the family " + std::to_string(h.ransom) + " CFA",
         0, -1, "ransom=" + std::to_string(h.ransom));
  }
  if (u_pay < h.pay_probability && delay <= h.wait_limit) {
    co_await sim_.delay(m.clock, delay);
    const HostageTakers& now = at(m.clock.now).p.hostage_takers[k];
    m.family += now.ransom;
    add(counted(m.clock.now) ? family_ : before_.family, now.ransom);
    m.cash += now.ransom;
    pay(m, now.receiver, now.ransom,
        { "the family pays the ransom to ", actor_label(now.receiver.shares.front().first) });
    ransoms_paid_ += counted(m.clock.now) ? 1 : 0;
    tick(at_.ransoms, m.clock.now);
    co_return;
  }
  co_await sim_.delay(m.clock, h.wait_limit);
  if (u_survive < at(m.clock.now).p.hostage_takers[k].abandoned_survival) {
    finish(m, abandoned(), "the family cannot pay: left in the desert, survives");
  } else {
    finish(m, died(), "the family cannot pay: left in the desert, dies");
  }
}

// A border crossing: interception and push-back, attempt after attempt; across,
// the journey ends at the crossing's exit or goes on.
Step<> MaliWorker::cross_border(Migrant& m, const Place& here)
{
  Stream s = stream(kBorder, here.site, m.key);
  for (std::uint32_t attempt = 1;; ++attempt) {
    guard(m);
    const Epoch& e = at(m.clock.now);
    const Border& b = e.p.borders[static_cast<std::size_t>(here.border)];
    // Three draws an attempt, always: the k-th attempt always gets the same.
    const std::uint64_t k = 3 * (attempt - 1);
    const double u_catch = drew("border", m, here.site, k, s.uniform());
    const double u_retry = drew("border", m, here.site, k + 1, s.uniform());
    const double wait = drew("border", m, here.site, k + 2, s.exponential()) * b.retry_days;
    const double strictness = e.places[m.place].strictness;
    const double p_catch =
      std::min(1.0, b.interception.at(m.docs, citizen(m, here.country_index)) * strictness);
    if (sc_.rumours) {
      tell(m.clock.now, Risk::Interception, m.place, 1.0, u_catch >= p_catch ? 0.0 : 1.0, m.uid,
           combine(here.site, attempt));
    }
    if (u_catch >= p_catch) {
      if (here.exit == static_cast<std::int32_t>(m.exit)) {
        finish(m, m.exit, { "crosses the ", b.label });
      } else {
        note(m, "cross", { "crosses the ", b.label });
      }
      co_return;
    }
    intercepted_ += counted(m.clock.now) ? 1 : 0;
    tick(at_.intercepted, m.clock.now);
    if (m.traced) [[unlikely]] {
      note(m, "intercepted", "intercepted at the " + b.label + " and pushed back", 0, -1,
           "attempt=" + std::to_string(attempt));
    }
    if (attempt >= b.max_attempts || u_retry >= b.retry_probability) {
      finish(m, turned_back(), "gives up and turns back");
      co_return;
    }
    co_await sim_.delay(m.clock, wait);
    const Border& now = at(m.clock.now).p.borders[static_cast<std::size_t>(here.border)];
    pay(m, now.retry_receiver, now.retry_fee, "pays to try again");
  }
}

bool MaliWorker::network_back(const Migrant& m, const Hub& h, const Place& here)
{
  const auto a = static_cast<std::size_t>(h.arrest);
  const double u = stream(kReplacement, combine(here.site, a), m.origin).uniform();
  return arrests_at(a, m.place).back(m.origin, u) <= m.clock.now;
}

// The hub: a passeur of his nationality, a ghetto, work until the fare is in hand.
Step<Option> MaliWorker::stay_in_hub(Migrant& m, const Place& here)
{
  const std::size_t exits = sc_.exits.size();
  const std::size_t choice = m.place * exits + m.exit;
  if (m.hub_arrival < 0.0) {
    m.hub_arrival = m.clock.now;
  }
  const Epoch& e = at(m.clock.now);
  const Hub& hub = hub_of(e.p, here);
  const std::vector<Option>& ways = e.ways(m.place, m.exit, exits);
  if (ways.empty()) {
    finish(m, turned_back(), "no open way onwards: turns back");
    co_return Option{};
  }
  if (!m.passeur_paid) {
    m.passeur_back = false;
    if (arrested(m, hub)) {
      co_await sim_.sync(m.clock); // the profit before the arrests is all in
      m.passeur_back = network_back(m, hub, here);
    }
  }
  const std::int64_t spare = hub.cash_reserve + (m.passeur_paid ? 0 : passeur_fee(m, e, hub));
  if (reads_rumours(m, e, here, ways)) {
    co_await sim_.sync(m.clock);
  }
  const Option& planned = ways[choose(m, e, ways, choice, m.hub_choice, here, spare)];
  const std::int64_t fare =
    planned.line ? static_cast<std::int64_t>(line_fare(sc_, e, planned.index, m.docs,
                                                       sc_.nationalities[m.nationality].citizen))
                 : e.segments[planned.index].fare;
  const std::int64_t needed =
    fare + hub.cash_reserve + (m.passeur_paid ? 0 : passeur_fee(m, e, hub));
  const bool works = m.cash < needed;
  if (works) {
    const double per_day = ghetto_day(hub, m);
    const double earnings = hub.earnings_per_day * std::exp(hub.earnings_sigma * m.z_earnings);
    const double net = earnings - per_day;
    const double days = net > 0.0 ? std::ceil(static_cast<double>(needed - m.cash) / net)
                                  : hub.max_work_days + 1.0;
    const double worked = std::min(days, hub.max_work_days);
    const double max_work_days = hub.max_work_days;
    if (counted(m.clock.now)) {
      ++workers_;
      work_days_.add(worked);
    }
    if (m.traced) [[unlikely]] {
      note(m, "work", "works in the ghetto for " + std::to_string(static_cast<long>(worked)) + " days",
           0, -1, "days=" + std::to_string(static_cast<long>(worked)));
    }
    const Payee& chairmen = hub.ghetto_receiver;
    co_await sim_.delay(m.clock, worked);
    const std::int64_t got = money_of(earnings * worked);
    m.earned += got;
    add(counted(m.clock.now) ? earned_ : before_.earned, got);
    m.cash += got;
    pay(m, chairmen, money_of(per_day * worked), "droit de ghetto while working");
    if (days > max_work_days) {
      finish(m, turned_back(), "cannot save the fare: turns back");
      co_return Option{};
    }
  }
  const Epoch& now = at(m.clock.now);
  if (!m.passeur_paid) {
    m.passeur_paid = true;
    const Hub& h = hub_of(now.p, here);
    if (arrested(m, h)) {
      co_await sim_.sync(m.clock);
      m.passeur_back = network_back(m, h, here);
    } else if (!h.passeur_network[m.origin]) {
      m.passeur_back = false;
    }
    const std::int64_t fee = passeur_fee(m, now, h);
    for (std::size_t a = 0; a < sc_.arrests.size(); ++a) {
      if (sc_.arrests[a].hub == static_cast<std::uint32_t>(here.hub)) {
        arrests_at(a, m.place).earned(m.clock.now, fee);
      }
    }
    pay(m, h.passeur_receiver, fee,
        h.passeur_network[m.origin] || m.passeur_back ? "passeur of his nationality"
                                                      : "passeur of another nationality");
  }
  if (!works) {
    // No time has passed: the same ways, what he heard (the cutoff is the same,
    // and nothing told since is older than it), the same cash net of the fee he
    // has just paid: choosing again would give the same way.
    co_return planned;
  }
  // Conditions may have changed while he worked: choose again with the same draw.
  const std::vector<Option>& open = now.ways(m.place, m.exit, exits);
  if (open.empty()) {
    finish(m, turned_back(), "no open way onwards: turns back");
    co_return Option{};
  }
  if (reads_rumours(m, now, here, open)) {
    co_await sim_.sync(m.clock);
  }
  co_return open[choose(m, now, open, choice, m.hub_choice, here, hub_of(now.p, here).cash_reserve)];
}

// The one place migrants meet: a vehicle fills in the order they board, and
// brings them to the end of its line (or they die on it).
Step<> MaliWorker::board(Migrant& m, const Option& way)
{
  co_await sim_.sync(m.clock);
  const Line& line = sc_.lines[way.index];
  LineStop& bay = *stops_[way.index];
  bay.stop.set_max_wait(at(m.clock.now).p.vehicles[line.vehicle].max_wait_days);
  if (m.traced) [[unlikely]] {
    note(m, "board",
         "boards a " + sc_.epochs[0].p.vehicles[line.vehicle].label + " to " +
           place_name(line.end),
         0, -1, "to=" + sc_.epochs[0].places[line.end].id);
  }
  co_await bay.stop.board(m.seat, &m);
}

// Setting off on a segment: the ride's stream (the rider's, or the vehicle's):
// travel time, the attack's occurrence, position and kind; the riders counted
// on the segment.
MaliWorker::OnRoad MaliWorker::set_off(Party& party, std::uint32_t si, const Epoch& e)
{
  const Segment& seg = e.segments[si];
  const std::uint64_t here = party.aboard ? combine(party.line_site, seg.site) : seg.site;
  Stream rng = party.aboard ? stream(kConvoyRide, here, party.vehicle)
                            : stream(kRide, seg.site, owner(party.group).key);
  const ModeParams& mode = e.p.modes[seg.mode];
  const double z_travel = drew("ride.travel", "convoy.travel", party, seg.site, 0, rng.normal());
  const Time travel = std::exp(seg.log_days + mode.sigma * z_travel);
  const double u_attack = drew("ride.attack", "convoy.attack", party, seg.site, 0, rng.uniform());
  const double attack_at = drew("ride.attack", "convoy.attack", party, seg.site, 1, rng.uniform());
  const double attack_kind =
    drew("ride.attack", "convoy.attack", party, seg.site, 2, rng.uniform());
  const double hazard =
    seg.bandits >= 0 ? seg.bandit_hazard * e.p.hazard_scale * party.hazard_factor : 0.0;
  const Time t = party.clock->now;
  for (auto* s = party.group; s != nullptr; s = s->next) {
    Migrant& m = owner(s);
    m.on_segment = static_cast<std::int32_t>(si);
    segment_flow_[si] += counted(t) ? 1 : 0;
    tick(at_.flow + si, t);
    if (!party.aboard) {
      seen(m, seg.from, false);
    }
  }
  // No exp where no bandits ride (most rides: buses): 1 - exp(-0) is 0 either way.
  const double p_attack = hazard > 0.0 ? 1.0 - std::exp(-hazard * seg.distance_km) : 0.0;
  OnRoad road(
    Leg(travel, seg.roadblock_count, seg.checkpoint_count, u_attack < p_attack, attack_at), rng,
    here, attack_kind, e);
  if (!party.aboard && seg.roadblock_count > 0) {
    find_toll(owner(party.group), seg, road, 0); // before the loop: no branch missed there
  }
  return road;
}

// A lone rider's roadblock: the ride's stream; the toll point (the epoch's, as
// placed on the segment when he set off) and what it asks of his papers and
// country looked up once per run of its roadblocks a ride, and again only if
// the epoch changes on the way.
inline Time MaliWorker::lone_roadblock(Migrant& m, const Segment& seg, OnRoad& r)
{
  if (r.stop.index >= r.toll_until || r.now != r.toll_epoch) [[unlikely]] {
    find_toll(m, seg, r, r.stop.index);
  }
  return pass_roadblock(m, r.rng, *r.toll, r.toll_range, r.asked, seg.site, r.stop.index);
}

void MaliWorker::find_toll(const Migrant& m, const Segment& seg, OnRoad& r, std::uint32_t index)
{
  const PartRun run = part_run(seg.roadblocks, index);
  r.toll = &r.now->p.toll_points[run.part];
  r.toll_epoch = r.now;
  r.toll_until = run.until;
  r.asked = r.toll->demand.at(m.docs, citizen(m, r.toll->country));
  r.toll_range =
    toll_range(sc_, *r.now, seg, *r.toll, m.docs, sc_.nationalities[m.nationality].citizen);
}

bool MaliWorker::travel(Party& party, const Segment& seg, OnRoad& road)
{
  for (;;) {
    road.stop = road.leg.next();
    road.wait = road.stop.wait + road.extra;
    if (!sim_.step_inline(*party.clock, road.wait)) {
      return true;
    }
    if (road.stop.kind == Leg::Kind::Roadblock && !party.aboard) [[likely]] {
      // The commonest stop, a lone rider's roadblock: as arrive() would.
      road.now = &at(party.clock->now, *road.now);
      road.extra = lone_roadblock(owner(party.group), seg, road);
      continue;
    }
    if (!arrive(party, seg, road)) {
      return false;
    }
  }
}

bool MaliWorker::arrive(Party& party, const Segment& seg, OnRoad& road)
{
  road.now = &at(party.clock->now, *road.now);
  if (road.stop.kind == Leg::Kind::End) {
    desert(party, seg, road.now->p);
    return false;
  }
  road.extra = pass_stop(party, seg, road, road.stop, road.now->p);
  return party.group != nullptr || party.aboard; // a lone rider killed in an attack
}

// One stop on the way (a roadblock, a checkpoint, an attack); the delay it adds.
// A lone rider's roadblocks draw three numbers each from the ride's stream; each
// checkpoint (and a vehicle's roadblock) has its own stream.
Time MaliWorker::pass_stop(Party& party, const Segment& seg, OnRoad& r, const Leg::Stop& stop,
                           const Params& q)
{
  if (stop.kind == Leg::Kind::Roadblock) {
    if (!party.aboard) {
      return lone_roadblock(owner(party.group), seg, r);
    }
    const TollPoint& tp = q.toll_points[part_at(seg.roadblocks, stop.index)];
    // Aboard: each passenger's own draws, the vehicle's delay.
    const Time t = party.clock->now;
    for (auto* s = party.group; s != nullptr; s = s->next) {
      Migrant& m = owner(s);
      m.clock.now = t;
      Stream own = stream(kTollAboard, combine(seg.site, stop.index), m.key);
      pass_roadblock(
        m, own, tp,
        toll_range(sc_, *r.now, seg, tp, m.docs, sc_.nationalities[m.nationality].citizen),
        tp.demand.at(m.docs, citizen(m, tp.country)), seg.site, stop.index);
    }
    Stream rb = stream(kConvoyRoadblock, combine(r.here, stop.index), party.vehicle);
    return drew("convoy.roadblock", party.line, party.vehicle, seg.site, stop.index,
                rb.exponential()) *
           tp.delay_days;
  }
  if (stop.kind == Leg::Kind::Checkpoint) {
    const Checkpoint& cp = q.checkpoints[part_at(seg.checkpoints, stop.index)];
    pay_checkpoint(party, seg, cp, *r.now);
    Stream s = party.aboard
                 ? stream(kConvoyCheckpoint, combine(r.here, stop.index), party.vehicle)
                 : stream(kCheckpoint, combine(seg.site, stop.index), owner(party.group).key);
    return drew("ride.checkpoint", "convoy.checkpoint", party, seg.site, stop.index,
                s.exponential()) *
           cp.delay_days;
  }
  attack(party, seg, r.attack_kind, q);
  return 0.0;
}

// One segment, stop by stop, for a lone migrant or a vehicle's passengers: set
// off, travel to each stop and pass it, and at the end the desert's toll. The
// stops run in a plain loop (travel) as long as their waits run inline; a wait
// that has to go through the calendar (event-by-event stepping, the horizon) is
// awaited here, as `co_await delay` at every stop would: the same events.
Step<> MaliWorker::ride(Party& party, std::uint32_t si)
{
  const Epoch& e = at(party.clock->now);
  const Segment& seg = e.segments[si];
  OnRoad road = set_off(party, si, e);
  while (travel(party, seg, road)) {
    co_await sim_.delay(*party.clock, road.wait);
    if (!arrive(party, seg, road)) {
      break;
    }
  }
}

// ---------------------------------------------------------------------------
// Route choice by utility, and rumours (mali/choice.hpp, docs/behaviour.md)

bool MaliWorker::reads_rumours(const Migrant& m, const Epoch& e, const Place& here,
                               const std::vector<Option>& ways) const
{
  return !e.p.information.full && ways.size() > 1 &&
         weighs_[epoch_weighs(e, m.docs, citizen(m, here.country_index))] != 0 && any_heard(ways);
}

std::size_t MaliWorker::choose_by_utility(const Migrant& m, const Epoch& e,
                                          const std::vector<Option>& ways, std::size_t table,
                                          double u, const Place& here, std::int64_t spare)
{
  const bool home = citizen(m, here.country_index);
  if (weighs_[epoch_weighs(e, m.docs, home)] == 0) { // none of his weights is set
    return e.option_choice[table].pick(u); // today's weights, exactly
  }
  Hearsay heard;
  const bool full = e.p.information.full;
  if (!full) {
    heard = Hearsay{ &know_, &sc_.epochs[0], &e.p.information,
                     m.clock.now - e.p.information.delay_days };
    if (any_heard(ways)) { // (the caller synchronised: reads_rumours)
      know_.catch_up(heard.cutoff, e.p.information.memory_days);
    }
  }
  // A way's utility, or with rumours its part that does not change with what is
  // heard, depends only on the epoch, the place, the way, his nationality and
  // papers: computed once.
  const std::size_t cell =
    ((static_cast<std::size_t>(&e - sc_.epochs.data()) * tables_ + table) * max_ways_ *
       sc_.nationalities.size() +
     m.nationality) *
      sc_.classes.size() +
    m.docs;
  const std::size_t way_stride = sc_.nationalities.size() * sc_.classes.size();
  const auto& citizen_of = sc_.nationalities[m.nationality].citizen;
  std::array<double, 16> small; // each set below, before it is read
  std::vector<double> large;
  std::span<double> v(small.data(), ways.size());
  if (ways.size() > small.size()) {
    large.assign(ways.size(), 0.0);
    v = large;
  }
  std::array<double, kRisks> weight{};
  if (!full) {
    for (std::size_t k = 0; k < kRisks; ++k) {
      weight[k] = e.p.choice.risk[k].at(m.docs, home);
    }
  }
  bool any_affordable = false;
  bool all_affordable = true;
  std::uint32_t unaffordable = 0; // a bit per way (the first 32)
  for (std::size_t i = 0; i < ways.size(); ++i) {
    const Option& w = ways[i];
    WayCell* known = &v_cache_[cell + i * way_stride]; // ways.size() <= max_ways_
    if (std::isnan(known->fixed)) {
      if (!full) {
        heard.way = w.line ? &line_prior_[w.index] : &segment_prior_[w.index];
      }
      Expected x = expect(sc_, e, w, m.docs, citizen_of, full ? nullptr : &heard);
      if (!full) {
        x.risk = {};
        known->end = way_end(sc_, e, w, m.docs, citizen_of);
        if (!hears_of(w)) { // nothing is ever told of it: the prior's risks, once
          known->quiet =
            rumoured_risk_cost(know_, w.line ? line_prior_[w.index] : segment_prior_[w.index],
                               known->end, e.p.information, weight);
        }
      }
      known->fixed = utility(w.probability, x, e.p.choice, m.docs, home);
      known->fare = w.line ? line_fare(sc_, e, w.index, m.docs, citizen_of)
                           : static_cast<double>(e.segments[w.index].fare);
    }
    if (full) {
      v[i] = known->fixed;
    } else if (!hears_of(w)) {
      v[i] = known->fixed - known->quiet;
    } else {
      v[i] = known->fixed -
             rumoured_risk_cost(know_, w.line ? line_prior_[w.index] : segment_prior_[w.index],
                                known->end, e.p.information, weight);
    }
    const bool affordable = static_cast<double>(m.cash) >= known->fare + static_cast<double>(spare);
    any_affordable = any_affordable || affordable;
    all_affordable = all_affordable && affordable;
    if (!affordable && i < 32) {
      unaffordable |= std::uint32_t{ 1 } << i;
    }
  }
  // Ways he cannot pay are left out while one is affordable; if none is, he
  // works, waits or turns back as today, towards his choice among all.
  const bool masked = any_affordable && !all_affordable;
  std::array<double, 16> kept; // each set below, before it is read
  std::span<const double> choice = v;
  if (masked) {
    std::vector<double> big;
    std::span<double> w(kept.data(), ways.size());
    if (ways.size() > kept.size()) {
      big.assign(ways.size(), 0.0);
      w = big;
    }
    for (std::size_t i = 0; i < ways.size(); ++i) {
      const bool out = i < 32 ? (unaffordable >> i) & 1U : false;
      w[i] = out ? -std::numeric_limits<double>::infinity() : v[i];
    }
    const std::size_t k = logit_pick(w, u);
    if (m.traced) [[unlikely]] {
      trace_choice(m, e, ways, w, k, full ? nullptr : &heard, true);
    }
    return k;
  }
  const std::size_t k = logit_pick(choice, u);
  if (m.traced) [[unlikely]] {
    trace_choice(m, e, ways, choice, k, full ? nullptr : &heard, false);
  }
  return k;
}

void MaliWorker::trace_choice(const Migrant& m, const Epoch& e, const std::vector<Option>& ways,
                              std::span<const double> v, std::size_t k, const Hearsay* rumours,
                              bool affordable_only)
{
  if (!m.traced) {
    return;
  }
  std::vector<double> shares(ways.size());
  logit_shares(v, shares);
  const auto& citizen_of = sc_.nationalities[m.nationality].citizen;
  std::string detail;
  for (std::size_t i = 0; i < ways.size(); ++i) {
    const Option& w = ways[i];
    Hearsay heard;
    if (rumours != nullptr) {
      heard = *rumours;
      heard.way = w.line ? &line_prior_[w.index] : &segment_prior_[w.index];
    }
    const Expected x = expect(sc_, e, w, m.docs, citizen_of, rumours ? &heard : nullptr);
    detail += std::string(i ? ";" : "") + "way" + std::to_string(i) + "=" +
              (w.line ? sc_.lines[w.index].name : e.segments[w.index].id) + ";share" +
              std::to_string(i) + "=" + std::to_string(shares[i]);
    for (std::size_t r = 0; r < kRisks; ++r) {
      detail += ";" + std::string(kRiskNames[r]) + std::to_string(i) + "=" +
                std::to_string(x.risk[r]);
    }
  }
  detail += ";chosen=" + std::to_string(k) + (affordable_only ? ";affordable_only=1" : "");
  const Option& w = ways[k];
  note(m, "choose",
       { "chooses ", w.line ? std::string_view(sc_.lines[w.index].name)
                            : std::string_view(e.segments[w.index].id) },
       0, -1, std::move(detail));
}

void MaliWorker::prepare_choice()
{
  if (sc_.rumours) {
    for (std::uint32_t l = 0; l < sc_.lines.size(); ++l) {
      line_prior_.push_back(way_prior(sc_, Option{ true, l, 1.0 }));
    }
    for (std::uint32_t g = 0; g < sc_.epochs[0].segments.size(); ++g) {
      segment_prior_.push_back(way_prior(sc_, Option{ false, g, 1.0 }));
    }
    // Where stories are told (belief_sites: as the worker tells them, in any epoch).
    std::vector<char> segment(sc_.epochs[0].segments.size(), 0);
    std::vector<char> place(sc_.epochs[0].places.size(), 0);
    for (const auto& b : belief_sites(sc_)) {
      (b.kind == Risk::Attack || b.kind == Risk::Death ? segment : place)[b.site] = 1;
    }
    auto told_of = [&](const WayPrior& w) {
      return place[w.end] != 0 || std::any_of(w.sites.begin(), w.sites.end(),
                                              [&](std::uint32_t g) { return segment[g] != 0; });
    };
    for (const auto& w : line_prior_) {
      heard_line_.push_back(told_of(w) ? 1 : 0);
    }
    for (const auto& w : segment_prior_) {
      heard_segment_.push_back(told_of(w) ? 1 : 0);
    }
  }
  bool full = false; // some epoch chooses by utility
  for (const auto& e : sc_.epochs) {
    for (std::size_t c = 0; c < sc_.classes.size(); ++c) {
      for (const bool home : { false, true }) {
        weighs_.push_back(weighs(e.p.choice, static_cast<ClassId>(c), home) ? 1 : 0);
      }
    }
    full = full || e.p.choice.active;
    tables_ = e.options.size();
    for (const auto& ways : e.options) {
      max_ways_ = std::max(max_ways_, ways.size());
    }
  }
  if (full) {
    v_cache_.assign(sc_.epochs.size() * tables_ * max_ways_ * sc_.nationalities.size() *
                      sc_.classes.size(),
                    WayCell{});
  }
}

void MaliWorker::tell(Time t, Risk k, std::uint32_t site, double exposures, double events,
                      std::uint64_t entity, std::uint64_t key)
{
  realise(t, k, site, exposures, events);
  const Information& in = at(t).p.information;
  if (in.reach < 1.0) {
    Stream s = stream(kRumour, combine(key, static_cast<std::uint64_t>(k)), entity);
    if (drew("rumour", entity, Draw::kNone, key, static_cast<std::uint64_t>(k), s.uniform()) >=
        in.reach) {
      return; // never heard
    }
  }
  know_.tell(t, k, site, exposures, events, entity);
}

// ---------------------------------------------------------------------------
// The belief series (issue 15 item 5c, docs/behaviour.md): what the knowledge
// state says at each period's end against the true risk realised in the period

std::size_t MaliWorker::lay_out_beliefs(std::size_t n)
{
  beliefs_ = belief_sites(sc_);
  for (std::size_t k = 0; k < kRisks; ++k) {
    const bool on_segments = k <= static_cast<std::size_t>(Risk::Death);
    belief_row_[k].assign(on_segments ? sc_.epochs[0].segments.size() : sc_.epochs[0].places.size(),
                          -1);
  }
  for (std::size_t i = 0; i < beliefs_.size(); ++i) {
    belief_row_[static_cast<std::size_t>(beliefs_[i].kind)][beliefs_[i].site] =
      static_cast<std::int32_t>(i);
    belief_at_.push_back(n);
    n += beliefs_[i].prior.size() + 1; // its beliefs, then its realised risk
  }
  exposed_.assign(beliefs_.size() * periods_, 0.0);
  struck_.assign(beliefs_.size() * periods_, 0.0);
  return n;
}

void MaliWorker::realise(Time t, Risk k, std::uint32_t site, double exposures, double events)
{
  const std::int32_t b = belief_row_[static_cast<std::size_t>(k)][site];
  if (b < 0 || !counted(t)) {
    return;
  }
  const auto p = std::min(
    periods_ - 1, static_cast<std::size_t>(static_cast<std::int64_t>((t - w_) * per_day_)));
  exposed_[static_cast<std::size_t>(b) * periods_ + p] += exposures;
  struck_[static_cast<std::size_t>(b) * periods_ + p] += events;
}

Process MaliWorker::watch_beliefs()
{
  // Wakes at each period's end through the calendar: by then every story of an
  // earlier time has been told, whichever journey ran ahead (as for a chooser).
  // It reads without folding in, so what choosers hear does not depend on it.
  Clock clock;
  for (std::size_t p = 0; p < periods_; ++p) {
    clock.now = w_ + sc_.series_edges[p + 1];
    co_await sim_.sync(clock);
    read_beliefs(p, clock.now);
    beliefs_read_ = p + 1;
  }
}

const Information& MaliWorker::rumours_at(Time t) const
{
  const auto now = static_cast<std::size_t>(&at(t) - sc_.epochs.data());
  for (std::size_t i = now + 1; i-- > 0;) {
    if (!sc_.epochs[i].p.information.full) {
      return sc_.epochs[i].p.information;
    }
  }
  for (const auto& e : sc_.epochs) {
    if (!e.p.information.full) {
      return e.p.information;
    }
  }
  return sc_.epochs[now].p.information; // not reached: beliefs_ is empty without rumours
}

void MaliWorker::read_beliefs(std::size_t period, Time t)
{
  const Information& in = rumours_at(t);
  know_.survey(t - in.delay_days, in.memory_days, heard_);
  for (std::size_t i = 0; i < beliefs_.size(); ++i) {
    const BeliefSite& b = beliefs_[i];
    const auto [n, e] = heard_[static_cast<std::size_t>(b.kind)][b.site];
    for (std::size_t c = 0; c < b.prior.size(); ++c) {
      series_[(belief_at_[i] + c) * periods_ + period] =
        Knowledge::believe(n, e, in.prior_scale * b.prior[c], in.prior_weight);
    }
  }
}

void MaliWorker::finish_beliefs()
{
  // Period ends past the last calendar event (the horizon): every story is told.
  for (std::size_t p = beliefs_read_; p < periods_; ++p) {
    read_beliefs(p, w_ + sc_.series_edges[p + 1]);
  }
  for (std::size_t i = 0; i < beliefs_.size(); ++i) {
    const std::size_t risk = belief_at_[i] + beliefs_[i].prior.size();
    for (std::size_t p = 0; p < periods_; ++p) {
      const double n = exposed_[i * periods_ + p];
      series_[risk * periods_ + p] = n > 0.0 ? struck_[i * periods_ + p] / n : 0.0;
    }
  }
}

// ---------------------------------------------------------------------------
// The processes

Process MaliWorker::source(std::uint32_t flow)
{
  Clock clock;
  Stream rng = stream(kArrivals, substream_id(sc_.epochs[0].flows[flow].id), 0);
  const std::uint64_t base = sc_.epochs[0].flows[flow].entity_base;
  for (std::uint64_t i = 0;; ++i) {
    // Next arrival of a Poisson process whose rate changes with the epochs:
    // spend one standard exponential of integrated rate.
    double budget = drew("arrival", flow, Draw::kNone, Draw::kNone, i, rng.exponential());
    Time t = clock.now;
    for (;;) {
      const Epoch& e = at(t);
      const double rate = e.flows[flow].annual_migrants / 365.0;
      const Time end = e.end + w_; // simulated time
      if (rate > 0.0 && t + budget / rate <= end) {
        t += budget / rate;
        break;
      }
      if (!std::isfinite(e.end)) {
        co_return; // no more arrivals, ever
      }
      budget -= rate * (end - t);
      t = end;
    }
    co_await sim_.delay(clock, t - clock.now);
    if (i % kArrivalSync == 0) {
      co_await sim_.sync(clock);
    }
    sim_.spawn(journey(base + i, flow, clock.now), clock.now);
  }
}

Process MaliWorker::journey(std::uint64_t uid, std::uint32_t flow, Time entered)
{
  Migrant m;
  set_out(m, uid, flow, entered);
  const std::size_t exits = sc_.exits.size();

  while (!m.done) {
    guard(m);
    const Place& here = at(m.clock.now).places[m.place];
    if (here.passport_market >= 0 && m.market < 0) {
      const PassportMarket& market =
        at(m.clock.now).p.passport_markets[static_cast<std::size_t>(here.passport_market)];
      if (m.u_papers < market.demand.at(m.docs, citizen(m, here.country_index))) {
        co_await buy_papers(m, here);
      }
    }
    if (here.recruiter >= 0) {
      meet_recruiter(m, here);
    }
    if (here.arrest_point >= 0 && m.arrived_by >= 0) {
      const ArrestPoint& a =
        at(m.clock.now).p.arrest_points[static_cast<std::size_t>(here.arrest_point)];
      const bool checked = a.modes[static_cast<std::size_t>(m.arrived_by)] != 0;
      m.arrived_by = -1;
      if (checked) {
        const std::uint32_t at = m.place;
        co_await face_gendarmes(m, here);
        if (m.place != at) {
          continue; // deported
        }
      }
    }
    if (here.hostage >= 0 && m.arrived_alone) {
      take_hostage(m, here.hostage, here.hostage_probability,
                   stream(kHostageTaking, here.site, m.key), here.site);
    }
    m.arrived_alone = false;
    if (m.held >= 0) {
      co_await held_hostage(m, here);
      if (m.done) {
        break;
      }
    }
    if (here.crossing()) {
      co_await cross_border(m, here);
      if (m.done) {
        break;
      }
    }
    if (here.exit == static_cast<std::int32_t>(m.exit)) {
      finish(m, m.exit, "leaves the route");
      break;
    }

    // Onwards: a vehicle from a hub, or a segment alone.
    Option way;
    if (here.hub >= 0) {
      way = co_await stay_in_hub(m, here);
      if (m.done) {
        break;
      }
      if (way.line) {
        co_await board(m, way);
        continue; // the vehicle brought him to the end of the line (or he died on it)
      }
      const Time waited = m.clock.now - m.hub_arrival;
      if (counted(m.clock.now)) {
        hub_days_.add(waited);
        hist_[kHubDays].add(waited);
      }
      m.hub_arrival = -1.0;
    } else {
      const Epoch& e = at(m.clock.now);
      const std::vector<Option>& ways = e.ways(m.place, m.exit, exits);
      if (ways.empty()) {
        finish(m, turned_back(), "no open way onwards: turns back");
        break;
      }
      const double u_way =
        drew("route", m, here.site, 0, stream(kRoute, here.site, m.key).uniform());
      if (reads_rumours(m, e, here, ways)) {
        co_await sim_.sync(m.clock);
      }
      way = ways[choose(m, e, ways, m.place * exits + m.exit, u_way, here, 0)];
    }
    const Segment& seg = at(m.clock.now).segments[way.index];
    pay(m, seg.fare_to, seg.fare, "fare");
    m.seat.next = nullptr;
    m.seat.owner = &m;
    Party alone;
    alone.clock = &m.clock;
    alone.group = &m.seat;
    co_await ride(alone, way.index);
    if (m.done) {
      break;
    }
    m.arrived_by = static_cast<std::int8_t>(seg.mode);
    m.arrived_alone = true;
    seen(m, seg.to, true);
    if (seg.hostage >= 0) {
      take_hostage(m, seg.hostage, seg.hostage_probability,
                   stream(kHostageTaking, seg.site, m.key), seg.site);
    }
    note(m, "arrive", "arrives");
  }
  // A migrant killed aboard a vehicle was finished by the convoy: nothing to do.
}

Process MaliWorker::convoy(std::uint32_t li, BatchDeparture::Departure d)
{
  const Line& line = sc_.lines[li];
  Clock clock{ d.departed };
  // The vehicle is the d.vehicle-th to leave on its line: its draws are keyed by
  // both, and by segment, stop or place, one stream per kind of draw.
  const std::uint64_t v = d.vehicle;
  auto truck = [&](const char* kind, std::uint64_t where, std::uint64_t index, double value) {
    return drew(kind, li, v, where, index, value);
  };
  // A finite fleet: the loaded vehicle waits at the hub, passengers aboard, until
  // one of the line's trucks is there (first come, first served; at calendar time,
  // as the convoy starts through the calendar).
  engine::FifoServer* fleet = fleets_[li].get();
  engine::FifoServer::Ticket truck_ticket;
  if (fleet != nullptr) [[unlikely]] {
    co_await fleet->request(truck_ticket, clock);
    got_truck(li, d.departed, clock.now);
  }
  if (counted(clock.now)) {
    ++trucks_;
    truck_passengers_ += d.load;
  }
  Party party;
  party.clock = &clock;
  party.group = d.passengers;
  party.aboard = true;
  party.line = li;
  party.vehicle = v;
  party.line_site = line.site;
  const Params& p0 = at(clock.now).p;
  const Vehicle& kind = p0.vehicles[line.vehicle];
  const Place& hub_place = at(clock.now).places[line.hub];
  const bool escorted =
    kind.has_protection && truck("convoy.escort", Draw::kNone, 0,
                                 stream(kEscort, line.site, v).uniform()) <
                             kind.protection_probability;
  party.hazard_factor = escorted ? kind.protection_hazard_factor : 1.0;

  // Fares, and the ghetto days spent waiting for the vehicle to fill.
  for (auto* s = party.group; s != nullptr; s = s->next) {
    Migrant& m = owner(s);
    m.clock.now = clock.now;
    const Time waited = clock.now - m.hub_arrival;
    if (counted(clock.now)) {
      hub_days_.add(waited);
      hist_[kHubDays].add(waited);
    }
    m.hub_arrival = -1.0;
    seen(m, line.hub, false);
    const Hub& hub = hub_of(p0, hub_place);
    pay(m, hub.ghetto_receiver, money_of(ghetto_day(hub, m) * (clock.now - s->boarded)),
        { "droit de ghetto while waiting for the ", kind.label });
    const auto fare = static_cast<std::int64_t>(
      line_fare(sc_, at(clock.now), li, m.docs, sc_.nationalities[m.nationality].citizen));
    if (escorted) {
      const auto share = round_amount(static_cast<double>(fare) * kind.protection_fare_share);
      pay(m, kind.fare_to, fare - share, { kind.label, " fare" });
      pay(m, kind.protection_receiver, share, { kind.label, " fare: the share for protection" });
    } else {
      pay(m, kind.fare_to, fare, { kind.label, " fare" });
    }
  }

  for (const auto si : line.segments) {
    co_await ride(party, si);
    if (party.group == nullptr) {
      if (fleet != nullptr) [[unlikely]] {
        send_truck_back(li, v, party.attacks, clock.now);
      }
      co_return; // nobody left aboard
    }
    // A ghetto stop on the way.
    const std::uint32_t to = sc_.epochs[0].segments[si].to;
    const Place& stop_at = at(clock.now).places[to];
    if (stop_at.ghetto_stop_days > 0.0) {
      const double stay =
        truck("convoy.ghetto", stop_at.site, 0,
              stream(kGhettoStay, combine(line.site, stop_at.site), v).exponential()) *
        stop_at.ghetto_stop_days;
      co_await sim_.delay(clock, stay);
      const Params& q = at(clock.now).p;
      const Hub& hub = hub_of(q, at(clock.now).places[line.hub]);
      for (auto* s = party.group; s != nullptr; s = s->next) {
        Migrant& m = owner(s);
        m.clock.now = clock.now - stay;
        seen(m, to, true);
        m.clock.now = clock.now;
        m.place = to;
        pay(m, hub.ghetto_receiver, money_of(ghetto_day(hub, m) * stay), "droit de ghetto");
        seen(m, to, false);
      }
    }
  }

  // Unloaded at the end of the line: held hostage by the smugglers, or not.
  const Epoch& e = at(clock.now);
  const Place& end = e.places[line.end];
  const Segment& last = e.segments[line.segments.back()];
  std::int32_t takers = -1;
  if (last.hostage >= 0 &&
      truck("convoy.hostage", last.site, 0,
            stream(kHostageTaking, combine(line.site, last.site), v).uniform()) <
        last.hostage_probability) {
    takers = last.hostage;
  } else if (end.hostage >= 0 &&
             truck("convoy.hostage", end.site, 0, stream(kHostageTaking, line.site, v).uniform()) <
               end.hostage_probability) {
    takers = end.hostage;
  }
  if (sc_.rumours && (last.hostage >= 0 || end.hostage >= 0)) {
    tell(clock.now, Risk::Kidnapping, line.end, 1.0, takers >= 0 ? 1.0 : 0.0, teller(party),
         line.site);
  }
  for (auto* s = party.group; s != nullptr;) {
    auto* next = s->next; // the seat dies with its passenger
    Migrant& m = owner(s);
    m.clock.now = clock.now;
    m.place = line.end;
    m.arrived_by = static_cast<std::int8_t>(kind.mode);
    m.arrived_alone = false;
    m.held = static_cast<std::int8_t>(takers);
    seen(m, line.end, true);
    note(m, "unload", { "the ", kind.label, " unloads" });
    sim_.schedule_resume(clock.now, s->handle);
    s = next;
  }
  if (fleet != nullptr) [[unlikely]] {
    send_truck_back(li, v, party.attacks, clock.now);
  }
}

// Out of line, as the rest of the fleet's code: the convoy, common to every run,
// stays as it was without a fleet (the compiler's inlining in this file included).
void MaliWorker::got_truck(std::uint32_t li, Time ready, Time now)
{
  if (counted(now)) {
    fleet_wait_[li].add(now - ready);
  }
}

void MaliWorker::send_truck_back(std::uint32_t li, std::uint64_t v, std::uint32_t attacks, Time t)
{
  sim_.spawn(truck_returns(li, v, attacks, t), t);
}

Process MaliWorker::truck_returns(std::uint32_t li, std::uint64_t v, std::uint32_t attacks, Time t)
{
  Clock clock{ t };
  const double days = truck_trip_back(li, v, attacks, t);
  if (days < 0.0) {
    co_return; // lost: the line has one truck fewer for the rest of the run
  }
  co_await sim_.delay(clock, days);
  co_await sim_.sync(clock);
  fleets_[li]->release();
}

double MaliWorker::truck_trip_back(std::uint32_t li, std::uint64_t v, std::uint32_t attacks, Time t)
{
  const Line& line = sc_.lines[li];
  const Vehicle& kind = at(t).p.vehicles[line.vehicle];
  // Its own streams, keyed by line and vehicle: another line's fleet, or a draw
  // added elsewhere, moves none of these.
  if (attacks > 0 && kind.fleet_lost_probability > 0.0 &&
      drew("fleet.lost", li, v, Draw::kNone, 0, fleet_stream(kFleetLost, line.site, v).uniform()) <
        kind.fleet_lost_probability) {
    fleet_lost_[li] += counted(t) ? 1 : 0;
    return -1.0;
  }
  const double z =
    drew("fleet.return", li, v, Draw::kNone, 0, fleet_stream(kFleetReturn, line.site, v).normal());
  return kind.fleet_return_median * std::exp(kind.fleet_return_sigma * z);
}

// ---------------------------------------------------------------------------

void MaliWorker::run(std::uint64_t replication, engine::ReplicationOutput& out)
{
  rep_ = replication;
  streams_ = StreamFamily(seed_, rep_);
  hist_ = out.histograms;
  trace_ = out.trace;
  sim_.reset(sc_.horizon + w_);
  for (std::size_t k = 0; k < stocks_.size(); ++k) {
    stocks_[k]->reset(sc_.epochs[0].p.passport_markets[k].pool);
  }
  for (auto& s : stops_) {
    s->stop.reset();
  }
  for (auto& f : fleets_) {
    if (f != nullptr) {
      f->reset();
    }
  }
  for (auto& w : fleet_wait_) {
    w.clear();
  }
  std::fill(fleet_lost_.begin(), fleet_lost_.end(), 0);
  std::fill(entered_.begin(), entered_.end(), 0);
  std::fill(outcomes_.begin(), outcomes_.end(), 0);
  migrants_ = abducted_ = ransoms_paid_ = trucks_ = truck_passengers_ = attacks_ =
    killed_in_attacks_ = 0;
  intercepted_ = workers_ = 0;
  segment_flow_.assign(sc_.epochs[0].segments.size(), 0);
  std::fill(revenue_.begin(), revenue_.end(), 0);
  paid_total_ = budgets_ = earned_ = family_ = cash_left_ = 0;
  journey_days_.clear();
  hub_days_.clear();
  work_days_.clear();
  before_ = Before{};
  papers_taken_ = papers_refused_ = papers_issued_ = 0;
  std::fill(issued_.begin(), issued_.end(), 0);
  std::fill(issue_.begin(), issue_.end(), Issue{});
  papers_least_ = -1;
  std::fill(paid_by_origin_.begin(), paid_by_origin_.end(), 0);
  std::fill(series_.begin(), series_.end(), 0.0);
  arrested_.clear();
  for (const Arrest& a : sc_.arrests) {
    const Hub& now = sc_.at(a.day).p.hubs[a.hub];
    for (std::size_t p = 0; p < sc_.epochs[0].places.size(); ++p) {
      arrested_.emplace_back(Replacement{ now.replacement_rate0, now.replacement_reference },
                             w_ + a.day, a.networks.size());
    }
  }
  if (sc_.rumours) {
    know_.reset(sc_.epochs[0].segments.size(), sc_.epochs[0].places.size());
  }

  for (std::uint32_t f = 0; f < sc_.epochs[0].flows.size(); ++f) {
    sim_.start(source(f), 0.0);
  }
  if (!beliefs_.empty()) {
    std::fill(exposed_.begin(), exposed_.end(), 0.0);
    std::fill(struck_.begin(), struck_.end(), 0.0);
    beliefs_read_ = 0;
    sim_.start(watch_beliefs(), 0.0);
  }
  sim_.run();
  if (!beliefs_.empty()) {
    finish_beliefs();
  }

  // Migrants still on the way at the horizon.
  std::uint64_t in_transit = 0;
  std::int64_t cash_in_transit = 0;
  for (Migrant* m = alive_; m != nullptr; m = m->next) {
    if (!m->done) {
      ++in_transit;
      cash_in_transit += m->cash;
      add(paid_by_origin_[m->origin], m->paid_window);
    }
  }
  for (const auto r : revenue_) {
    add(paid_total_, r);
  }

  auto& v = out.metrics;
  std::size_t i = 0;
  auto put = [&](double x) { v[i++] = x; };
  put(static_cast<double>(migrants_));
  for (const auto n : entered_) {
    put(static_cast<double>(n));
  }
  for (std::size_t x = 0; x < outcomes_.size(); ++x) {
    put(static_cast<double>(outcomes_[x]));
  }
  put(static_cast<double>(in_transit));
  put(static_cast<double>(abducted_));
  put(static_cast<double>(ransoms_paid_));
  put(static_cast<double>(paid_total_));
  for (const auto r : revenue_) {
    put(static_cast<double>(r));
  }
  put(static_cast<double>(trucks_));
  put(trucks_ ? static_cast<double>(truck_passengers_) / static_cast<double>(trucks_) : 0.0);
  put(static_cast<double>(papers_taken_));
  put(static_cast<double>(papers_refused_));
  put(static_cast<double>(papers_least_ >= 0 ? papers_least_
                          : stocks_.empty()  ? 0
                                             : stocks_.front()->available()));
  put(static_cast<double>(attacks_));
  put(static_cast<double>(killed_in_attacks_));
  put(static_cast<double>(intercepted_));
  put(static_cast<double>(workers_));
  put(work_days_.count() ? work_days_.mean() : 0.0);
  put(journey_days_.count() ? journey_days_.mean() : 0.0);
  put(hub_days_.count() ? hub_days_.mean() : 0.0);
  put(migrants_ ? static_cast<double>(paid_total_) / static_cast<double>(migrants_) : 0.0);
  put(migrants_ ? static_cast<double>(abducted_) / static_cast<double>(migrants_) : 0.0);
  put(migrants_ ? static_cast<double>(outcomes_[died()]) / static_cast<double>(migrants_) : 0.0);
  put(static_cast<double>(budgets_));
  put(static_cast<double>(earned_));
  put(static_cast<double>(family_));
  put(static_cast<double>(cash_left_ + cash_in_transit));
  for (const auto f : segment_flow_) {
    put(static_cast<double>(f));
  }
  // The ledger grouped by the actors' kinds and countries (metric_list's order).
  for (const auto& group : ledger_) {
    std::int64_t sum = 0;
    for (const auto a : group.actors) {
      sum += revenue_[a];
    }
    put(static_cast<double>(sum));
  }
  // Who was on the way when the reported window opened, and the cash they held.
  put(static_cast<double>(before_.entered - before_.finished));
  put(static_cast<double>(before_.budgets + before_.earned + before_.family - before_.paid -
                          before_.cash_left));
  for (std::size_t o = 0; o < entered_.size(); ++o) {
    put(entered_[o] ? static_cast<double>(paid_by_origin_[o]) / static_cast<double>(entered_[o])
                    : 0.0);
  }
  put(migrants_ ? static_cast<double>(outcomes_[turned_back()]) / static_cast<double>(migrants_)
                : 0.0);
  put(static_cast<double>(papers_issued_));
  // The lines with a finite fleet (metric_list's order).
  for (std::size_t l = 0; l < fleets_.size(); ++l) {
    if (fleets_[l] != nullptr) {
      put(fleet_wait_[l].count() ? fleet_wait_[l].mean() : 0.0);
      put(static_cast<double>(fleet_lost_[l]));
    }
  }
  // The paid_total series is the sum of the revenue series (not ticked per payment).
  for (std::size_t p = 0; p < periods_; ++p) {
    double sum = 0.0;
    for (std::size_t a = 0; a < revenue_.size(); ++a) {
      sum += series_[(at_.revenue + a) * periods_ + p];
    }
    series_[at_.paid * periods_ + p] = sum;
  }
  for (const double x : series_) {
    put(x);
  }
  if (i != v.size()) {
    throw engine::RuntimeError("the corridor model filled " + std::to_string(i) +
                               " metrics, expected " + std::to_string(v.size()));
  }
  out.events = sim_.events();
}

} // namespace

namespace {

// A country's name as part of a metric name: "Côte d'Ivoire" -> "cote_d_ivoire"
// (Latin letters with accents lose them; anything else is one '_').
std::string metric_slug(const std::string& text)
{
  static const std::string_view latin1 = // U+00C0..U+00FF, as plain letters
    "aaaaaaaceeeeiiiidnooooo_ouuuuyts"
    "aaaaaaaceeeeiiiidnooooo_ouuuuyty";
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    char c = '_';
    if (u < 128 && std::isalnum(u)) {
      c = static_cast<char>(std::tolower(u));
    } else if (u == 0xC3 && i + 1 < text.size()) {
      const auto v = static_cast<unsigned char>(text[++i]);
      if (v >= 0x80 && v <= 0xBF) {
        c = latin1[(v - 0x80) % 32 + (v >= 0xA0 ? 32 : 0)];
      }
    }
    if (c == '_' && (out.empty() || out.back() == '_')) {
      continue;
    }
    out += c;
  }
  while (!out.empty() && out.back() == '_') {
    out.pop_back();
  }
  return out;
}

// The lines with a finite fleet and the names their metrics carry: the line's
// name as a slug ("gao>anefis>kidal" -> "gao_anefis_kidal"), its index added
// should two slugs be the same.
[[gnu::cold]] std::vector<std::pair<std::uint32_t, std::string>> fleet_metric_names(
  const CorridorScenario& sc)
{
  std::vector<std::pair<std::uint32_t, std::string>> out;
  std::set<std::string> taken;
  for (std::uint32_t l = 0; l < sc.lines.size(); ++l) {
    if (sc.epochs[0].p.vehicles[sc.lines[l].vehicle].fleet_trucks == 0) {
      continue;
    }
    std::string name = metric_slug(sc.lines[l].name);
    if (!taken.insert(name).second) {
      name += "_" + std::to_string(l);
      taken.insert(name);
    }
    out.emplace_back(l, std::move(name));
  }
  return out;
}

} // namespace

std::vector<LedgerGroup> ledger_groups(const CorridorScenario& sc)
{
  std::vector<LedgerGroup> out;
  for (const auto kind : kActorKinds) {
    LedgerGroup g{ "revenue_kind_" + std::string(kind), "paid to actors of kind " + std::string(kind), {} };
    for (std::size_t a = 0; a < sc.actors.size(); ++a) {
      if (sc.actors[a].kind == kind) {
        g.actors.push_back(a);
      }
    }
    if (!g.actors.empty()) {
      out.push_back(std::move(g));
    }
  }
  for (const auto& country : sc.countries) {
    LedgerGroup g{ "", "paid to actors of " + country, {} };
    for (std::size_t a = 0; a < sc.actors.size(); ++a) {
      if (sc.actors[a].country == country) {
        g.actors.push_back(a);
      }
    }
    if (g.actors.empty()) {
      continue;
    }
    g.metric = "revenue_country_" + metric_slug(country);
    out.push_back(std::move(g));
  }
  return out;
}

std::vector<SeriesDef> series_list(const CorridorScenario& sc)
{
  std::vector<SeriesDef> out;
  const std::string flow = "Flow, per period";
  const std::string ends = "Outcomes, per period";
  const std::string money = "Who earns, per period (CFA)";
  const std::string road = "The road, per period";
  const std::string seen = "What the monitoring points see, per period";
  out.push_back({ "migrants", "migrants", "migrants who entered the route", flow });
  for (const auto& o : sc.origins) {
    out.push_back({ "entered_" + o.id, "migrants", "migrants from " + o.id, flow });
  }
  for (const auto& x : sc.exits) {
    out.push_back({ x, "migrants", "migrants who reached the exit " + x, ends });
  }
  out.push_back({ "died", "migrants", "migrants who died", ends });
  out.push_back({ "abandoned", "migrants", "migrants left in the desert who survived", ends });
  out.push_back({ "turned_back", "migrants", "migrants who gave up and turned back", ends });
  out.push_back({ "paid_total", "CFA", "everything migrants (and their families) paid", money });
  for (const auto& a : sc.actors) {
    out.push_back({ "revenue_" + a.id, "CFA", "paid to " + a.label, money });
  }
  out.push_back({ "abducted", "migrants", "migrants held hostage", road });
  out.push_back({ "ransoms_paid", "ransoms", "ransoms families paid", road });
  out.push_back({ "intercepted", "interceptions", "interceptions at border crossings", road });
  out.push_back({ "convoy_attacks", "attacks", "bandit attacks", road });
  out.push_back({ "killed_in_attacks", "migrants", "migrants killed in attacks", road });
  for (const auto& g : sc.epochs[0].segments) {
    out.push_back({ "flow_" + g.id, "migrants", "migrants who set off on segment " + g.id, road });
  }
  for (const auto& mp : sc.epochs[0].p.monitoring_points) {
    for (const bool arriving : { true, false }) {
      if (arriving ? !mp.arrivals : !mp.departures) {
        continue;
      }
      const std::string what = arriving ? "arrivals" : "departures";
      out.push_back({ "monitor_" + mp.id + "_" + what, "migrants",
                      what + " counted at " + mp.label + " (coverage applied)", seen });
      for (const auto& o : sc.origins) {
        out.push_back({ "monitor_" + mp.id + "_" + what + "_" + o.id, "migrants",
                        what + " from " + o.id + " counted at " + mp.label, seen });
      }
    }
  }
  // What the knowledge state believes against the true risks (rumours only).
  const std::string believed = "What migrants believe against the true risks, per period";
  for (const auto& b : belief_sites(sc)) {
    const auto names = belief_series_names(sc, b);
    std::string what;
    switch (b.kind) {
      case Risk::Attack:
        what = "an attack per ride of segment " + b.id;
        break;
      case Risk::Death:
        what = "death per rider of segment " + b.id;
        break;
      case Risk::Kidnapping:
        what = "being held hostage per arrival at " + b.id;
        break;
      case Risk::Interception:
        what = "interception per attempt at the crossing " + b.id;
        break;
    }
    for (std::size_t c = 0; c + 1 < names.size(); ++c) {
      out.push_back({ names[c], "share",
                      "believed probability of " + what + " at the period's end" +
                        (b.kind == Risk::Interception ? " (papers " + sc.classes[c] + ")" : ""),
                      believed });
    }
    out.push_back({ names.back(), "share",
                    "true risk realised: " + what +
                      " in the period (events / exposures, heard or not; 0 if none)",
                    believed });
  }
  return out;
}

std::vector<engine::MetricInfo> metric_list(const CorridorScenario& sc)
{
  std::vector<engine::MetricInfo> m;
  const std::string flow = "Flow";
  const std::string outcomes = "Outcomes (migrants + in_transit_at_start = the outcomes + in_transit)";
  const std::string hostages = "Hostages";
  const std::string ledger = "Who earns: the ledger (CFA)";
  const std::string trucks = "Trucks, passports and the road";
  const std::string journeys = "Journeys";
  const std::string balance = "Money balance (CFA): budgets + earnings + family + cash held at the "
                              "start = paid + cash held";
  m.push_back({ "migrants", "migrants", "migrants who entered the route", flow });
  for (const auto& o : sc.origins) {
    m.push_back({ "entered_" + o.id, "migrants", "migrants from " + o.id, flow });
  }
  for (const auto& x : sc.exits) {
    m.push_back({ x, "migrants", "migrants who reached the exit " + x, outcomes });
  }
  m.push_back({ "died", "migrants", "migrants who died (attacks, desert, abandonment)", outcomes });
  m.push_back({ "abandoned", "migrants", "migrants left in the desert who survived", outcomes });
  m.push_back({ "turned_back", "migrants", "migrants who gave up and turned back", outcomes });
  m.push_back({ "in_transit", "migrants", "migrants still on the way at the horizon", outcomes });
  m.push_back({ "abducted", "migrants", "migrants held hostage", hostages });
  m.push_back({ "ransoms_paid", "ransoms", "ransoms families paid", hostages });
  m.push_back({ "paid_total", "CFA", "everything migrants (and their families) paid", ledger });
  for (const auto& a : sc.actors) {
    m.push_back({ "revenue_" + a.id, "CFA", "paid to " + a.label, ledger });
  }
  m.push_back({ "trucks_dispatched", "trucks", "vehicles that left a hub", trucks });
  m.push_back({ "mean_truck_load", "migrants", "mean migrants per vehicle", trucks });
  m.push_back({ "passports_rented", "passports", "false papers taken from the markets' stocks", trucks });
  m.push_back({ "passport_stockouts", "migrants",
                "migrants who found a market's stock empty", trucks });
  m.push_back(
    { "passport_pool_min", "passports", "fewest false papers left in a market's stock", trucks });
  m.push_back({ "convoy_attacks", "attacks", "bandit attacks on vehicles and lone riders", trucks });
  m.push_back({ "killed_in_attacks", "migrants", "migrants killed in attacks", trucks });
  m.push_back({ "intercepted", "interceptions",
                "interceptions and push-backs at border crossings", trucks });
  m.push_back(
    { "worked_in_hub", "migrants", "migrants who worked in a hub to pay their way", journeys });
  m.push_back({ "mean_work_days", "days", "mean days worked, over those who worked", journeys });
  m.push_back(
    { "mean_journey_days", "days", "mean journey time of migrants who finished", journeys });
  m.push_back(
    { "mean_hub_days", "days", "mean days from arrival in a hub to leaving it", journeys });
  m.push_back({ "mean_paid_per_migrant", "CFA", "paid_total / migrants", journeys });
  m.push_back({ "abducted_share", "share", "abducted / migrants", journeys });
  m.push_back({ "death_share", "share", "died / migrants", journeys });
  m.push_back({ "cash_budgets", "CFA", "cash migrants set out with", balance });
  m.push_back({ "cash_earned", "CFA", "earned working in hubs", balance });
  m.push_back({ "family_transfers", "CFA", "ransoms paid by families", balance });
  m.push_back(
    { "cash_held", "CFA", "cash still held by migrants at the end (alive or not)", balance });
  const std::string flows = "Flows by segment (migrants who set off on it)";
  for (const auto& g : sc.epochs[0].segments) {
    m.push_back({ "flow_" + g.id, "migrants", "migrants who set off on segment " + g.id, flows });
  }
  const std::string by = "Who earns, by kind and country of actor (CFA)";
  for (const auto& group : ledger_groups(sc)) {
    m.push_back({ group.metric, "CFA", group.description, by });
  }
  m.push_back({ "in_transit_at_start", "migrants",
                "migrants on the way when the reported window opened (after the warm-up)",
                outcomes });
  m.push_back({ "cash_held_at_start", "CFA",
                "cash held by the migrants on the way when the reported window opened", balance });
  for (const auto& o : sc.origins) {
    m.push_back({ "paid_per_migrant_" + o.id, "CFA",
                  "paid in the window by migrants from " + o.id + ", per migrant from " + o.id +
                    " who entered in it",
                  journeys });
  }
  m.push_back({ "turned_back_share", "share", "turned_back / migrants", journeys });
  m.push_back({ "papers_issued", "passports",
                "false papers newly issued (by corrupt officials) and bought by migrants", trucks });
  // The lines with a finite fleet (`fleet:` on their vehicle kind), by line name.
  const std::string fleets = "Finite fleets, per line";
  for (const auto& f : fleet_metric_names(sc)) {
    m.push_back({ "fleet_wait_" + f.second, "days",
                  "mean days a loaded vehicle waited at the hub for a truck of line " +
                    sc.lines[f.first].name + " (over vehicles whose truck left in the window)",
                  fleets });
    m.push_back({ "fleet_lost_" + f.second, "trucks",
                  "trucks of line " + sc.lines[f.first].name +
                    " lost after an attack (lost_probability), in the window",
                  fleets });
  }
  // The time series, one column per period.
  const std::size_t periods = sc.series_edges.size() - 1;
  for (const auto& s : series_list(sc)) {
    for (std::size_t p = 0; p < periods; ++p) {
      m.push_back({ s.name + "[" + std::to_string(p) + "]", s.unit, s.description, s.group, s.name,
                    static_cast<std::uint32_t>(p) });
    }
  }
  return m;
}

std::vector<engine::HistogramInfo> histogram_list()
{
  return { { "journey_days", "days", "journey time, entry to outcome, of migrants who finished",
             0.0, 365.0, 73 },
           { "hub_days", "days", "days from arrival in a hub to leaving it", 0.0, 180.0, 90 },
           { "paid_per_migrant", "CFA", "total paid by each migrant who finished", 0.0, 1.5e6,
             150 } };
}

std::unique_ptr<engine::Worker> make_worker(const CorridorScenario& sc, const engine::WorkerOptions& o,
                                            std::vector<Draw>* draws)
{
  return std::make_unique<MaliWorker>(sc, o, draws);
}

} // namespace passage::models::mali
