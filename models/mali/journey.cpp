// A migrant's journey through Mali, as a process that reads like the route:
// set out, ride the buses through the roadblocks, get past the Gao gendarmes,
// stay in a ghetto and work until the truck fare is in hand, ride north through
// checkpoints and attacks, be held hostage or not, cross into Algeria or be
// pushed back. Trucks are the one place where migrants meet (a batch departure
// per truck line); everything else a migrant does touches nobody else and runs
// straight through on its own clock (engine/README.md).
#include "mali/journey.hpp"

#include "passage/core/components.hpp"
#include "passage/errors.hpp"
#include "passage/stats/tally.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>

namespace passage::models::mali {

using engine::BatchDeparture;
using engine::Clock;
using engine::Process;
using engine::Simulation;
using engine::Time;
using engine::random::combine;
using engine::random::Stream;
using engine::random::substream_id;

namespace {

// One sub-stream per kind of draw, per site, per migrant (or vehicle): a change
// to one mechanism never shifts the draws of another (common random numbers).
// Checkpoints are keyed by their index on the segment. Where one stream serves
// several draws (a ride's roadblocks, a border's attempts), each of its users
// always makes the same calls in the same order, whatever the parameters, so the
// n-th stop (or attempt) always gets the same numbers: as good as a key per stop,
// without hashing one for each of the ~10^6 roadblocks a year.
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
// A convoy's draws are keyed by its line and its departure order within the line
// (engine/README.md says what that leaves unpaired), and by segment or place.
constexpr std::uint64_t kEscort = substream_id("mali.convoy.escort");
constexpr std::uint64_t kConvoyRide = substream_id("mali.convoy.ride"); // travel, attack
constexpr std::uint64_t kConvoyCheckpoint = substream_id("mali.convoy.checkpoint");
constexpr std::uint64_t kGhettoStay = substream_id("mali.convoy.ghetto");
constexpr std::uint64_t kHostageTaking = substream_id("mali.convoy.hostage");
constexpr std::uint64_t kVictim = substream_id("mali.victim");
constexpr std::uint64_t kDesert = substream_id("mali.desert");

// Arrivals rejoin the calendar every so often, so that the source does not run
// a whole year ahead (results do not depend on this number).
constexpr std::uint64_t kArrivalSync = 32;

struct Migrant
{
  Clock clock;
  std::uint64_t uid = 0;
  std::uint32_t origin = 0;
  std::uint32_t exit = 0;
  std::uint32_t place = 0;
  std::int32_t on_segment = -1; // the segment being travelled, for the trace
  DocClass docs = kForeign;
  bool malian = false;
  bool wants_passport = false;
  bool false_passport = false;
  bool uses_cokseur = false;
  bool recruited = false;
  bool passeur_paid = false;
  bool by_bus = false;
  bool held = false;
  bool done = false;
  bool traced = false;
  std::int64_t cash = 0;
  std::int64_t budget = 0;
  std::int64_t paid = 0;
  std::int64_t earned = 0;
  std::int64_t family = 0;
  double entered = 0.0;
  double hub_arrival = -1.0;
  double earnings = 0.0;
  double hub_choice = 0.0; // one uniform for the way out of a hub, drawn once
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

// Money is whole CFA in 64 bits. A single amount is capped at 10^12 CFA (a
// lognormal budget's far tail); sums are checked, so a scenario beyond the
// supported scale stops with an error instead of wrapping around.
constexpr double kMaxAmount = 1.0e12;

std::int64_t money_of(double x)
{
  return static_cast<std::int64_t>(std::llround(std::clamp(x, 0.0, kMaxAmount)));
}

void add(std::int64_t& sum, std::int64_t x)
{
  if (__builtin_add_overflow(sum, x, &sum)) {
    throw engine::RuntimeError(
      "a sum of money overflowed 64 bits (9.2e18 CFA): the scenario is beyond "
      "the supported scale (docs/robustness.md)");
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
    : travel_(travel), rb_(roadblocks), n_(roadblocks + checkpoints), attack_(attack),
      attack_at_(attack_at)
  {
  }

  Stop next()
  {
    const double at = k_ < n_ ? static_cast<double>(k_ + 1) / static_cast<double>(n_ + 1) : 1.0;
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
  bool attack_;
  double attack_at_;
  std::uint32_t k_ = 0;
  double pos_ = 0.0;
};

class MaliWorker;

// One truck line's loading bay at its hub.
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
  MaliWorker(const MaliScenario& sc, const engine::WorkerOptions& o, std::vector<Draw>* draws)
    : sc_(sc), seed_(o.seed), trace_k_(o.trace_entities), draws_(draws), sim_(o.stepping),
      passports_(sim_, 0)
  {
    for (std::uint32_t l = 0; l < sc_.lines.size(); ++l) {
      stops_.push_back(std::make_unique<LineStop>(*this, l, sim_));
    }
    const std::size_t outcomes = sc_.exits.size() + 3;
    outcomes_.assign(outcomes, 0);
    entered_.assign(sc_.origins.size(), 0);
  }

  void run(std::uint64_t replication, engine::ReplicationOutput& out) override;

  std::uint32_t truck_capacity(std::uint32_t line, std::uint64_t vehicle)
  {
    const Params& p = sc_.at(sim_.now()).p;
    Stream s = stream(kTruck, sc_.lines[line].site, vehicle);
    return static_cast<std::uint32_t>(
      drew("truck.capacity", line, vehicle, Draw::kNone, 0,
           static_cast<double>(s.uniform_int(p.truck_capacity_lo, p.truck_capacity_hi))));
  }

  void truck_leaves(std::uint32_t line, const BatchDeparture::Departure& d)
  {
    ++trucks_;
    truck_passengers_ += d.load;
    sim_.start(convoy(line, d), d.departed);
  }

private:
  // --- the processes ----------------------------------------------------------
  Process source(std::uint32_t flow);
  Process journey(std::uint64_t uid, std::uint32_t flow, Time entered);
  Process convoy(std::uint32_t line, BatchDeparture::Departure d);

  // --- instantaneous steps ----------------------------------------------------
  void set_out(Migrant& m, std::uint64_t uid, std::uint32_t flow, Time t);
  double roadblock(Migrant& m, Stream& rng, const Params& p, std::uint64_t segment,
                   std::uint64_t k);
  Time gendarmes(Migrant& m, const Place& here, const Params& p);
  void rent_passport(Migrant& m, const Place& here, const Params& p);
  void attack(BatchDeparture::Seat*& group, const Segment& seg, double kind, Time t,
              const Params& p, bool aboard);
  void deaths_aboard(BatchDeparture::Seat*& group, const Segment& seg, Time t, const Params& p);
  std::int64_t pay(Migrant& m, Actor a, std::int64_t amount, const char* what);
  void finish(Migrant& m, std::uint32_t outcome, const char* what);
  //! A trace line: `kind` names the step for programs, `what` says it for
  //! readers, `detail` holds the event's own fields (key=value;...).
  void note(const Migrant& m, std::string_view kind, std::string_view what, std::int64_t amount = 0,
            int actor = -1, std::string detail = {});
  std::string outcome_name(std::uint32_t outcome) const;
  //! The runtime guard: a migrant that takes absurdly many steps means a
  //! scenario that lets it loop; say which migrant, and where.
  void guard(Migrant& m) const
  {
    if (++m.steps > sc_.max_events_per_migrant) {
      throw engine::RuntimeError("migrant " + std::to_string(m.uid) + " of replication " +
                                 std::to_string(rep_) + " took more than " +
                                 std::to_string(sc_.max_events_per_migrant) + " steps, at " +
                                 place_name(m.place) + " on day " + std::to_string(m.clock.now) +
                                 ": the scenario lets a migrant loop (check retries and routes)");
    }
  }
  void kill(BatchDeparture::Seat*& link, Migrant& m, const char* what);

  Stream stream(std::uint64_t kind, std::uint64_t site, std::uint64_t entity) const
  {
    return Stream::derive(seed_, rep_, combine(kind, site), entity);
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
  std::uint32_t died() const { return static_cast<std::uint32_t>(sc_.exits.size()); }
  std::uint32_t abandoned() const { return died() + 1; }
  std::uint32_t turned_back() const { return died() + 2; }
  const std::string& place_name(std::uint32_t i) const { return sc_.epochs[0].places[i].name; }

  const MaliScenario& sc_;
  std::uint64_t seed_;
  std::uint64_t rep_ = 0;
  std::uint64_t trace_k_;
  std::vector<Draw>* draws_;
  Simulation sim_;
  engine::Stock passports_;
  std::vector<std::unique_ptr<LineStop>> stops_;
  Migrant* alive_ = nullptr;

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
  std::array<std::int64_t, kActorCount> revenue_{};
  std::int64_t paid_total_ = 0;
  std::int64_t budgets_ = 0;
  std::int64_t earned_ = 0;
  std::int64_t family_ = 0;
  std::int64_t cash_left_ = 0; // with migrants who finished
  engine::stats::Tally journey_days_;
  engine::stats::Tally hub_days_;
  engine::stats::Tally work_days_;
  std::span<engine::stats::Histogram> hist_;
  std::vector<engine::TraceRecord>* trace_ = nullptr;
};

std::uint32_t LineStop::capacity(std::uint64_t vehicle)
{
  return w_.truck_capacity(line_, vehicle);
}
void LineStop::depart(const BatchDeparture::Departure& d)
{
  w_.truck_leaves(line_, d);
}

enum Hist : std::size_t
{
  kJourneyDays,
  kHubDays,
  kPaid
};

// ---------------------------------------------------------------------------
// Ledger and bookkeeping

std::int64_t MaliWorker::pay(Migrant& m, Actor a, std::int64_t amount, const char* what)
{
  const std::int64_t x = std::min(amount, m.cash);
  if (x <= 0) {
    if (amount > 0 && m.traced) {
      note(m, "pay_failed", std::string(what) + " (could not pay)", 0, a,
           "asked=" + std::to_string(amount));
    }
    return 0;
  }
  m.cash -= x;
  m.paid += x;
  add(revenue_[a], x);
  add(paid_total_, x);
  if (m.traced) {
    note(m, "pay", what, x, a);
  }
  return x;
}

std::string MaliWorker::outcome_name(std::uint32_t outcome) const
{
  if (outcome < sc_.exits.size()) {
    return sc_.exits[outcome];
  }
  return outcome == died() ? "died" : outcome == abandoned() ? "abandoned" : "turned_back";
}

void MaliWorker::note(const Migrant& m, std::string_view kind, std::string_view what,
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
    m.uid, m.clock.now, where, std::string(what), amount,
    actor >= 0 ? std::string(kActorNames[static_cast<std::size_t>(actor)]) : "", std::string(kind),
    std::move(detail) });
}

void MaliWorker::finish(Migrant& m, std::uint32_t outcome, const char* what)
{
  m.done = true;
  ++outcomes_[outcome];
  const double days = m.clock.now - m.entered;
  journey_days_.add(days);
  hist_[kJourneyDays].add(days);
  hist_[kPaid].add(static_cast<double>(m.paid));
  add(cash_left_, m.cash);
  if (m.false_passport) {
    // A rented passport goes back to Mali for reuse, unless lost with its renter.
    if (outcome < died() || outcome == turned_back()) {
      passports_.give_back_at(m.clock.now + sc_.at(m.clock.now).p.passport_return_days);
    }
  }
  if (m.traced) {
    note(m, "finish", what, 0, -1,
         "outcome=" + outcome_name(outcome) + ";days=" + std::to_string(days));
  }
}

void MaliWorker::kill(BatchDeparture::Seat*& link, Migrant& m, const char* what)
{
  // Out of the vehicle first: the migrant's frame (and seat) ends when its
  // process is resumed.
  link = m.seat.next;
  finish(m, died(), what);
  sim_.schedule_resume(m.clock.now, m.seat.handle);
}

// ---------------------------------------------------------------------------
// Instantaneous steps

void MaliWorker::set_out(Migrant& m, std::uint64_t uid, std::uint32_t flow, Time t)
{
  const Epoch& e = sc_.at(t);
  const Params& p = e.p;
  Stream s = stream(kProfile, 0, uid);
  // Always the same draws in the same order, whatever the scenario uses.
  const double u_origin = s.uniform();
  const double u_destination = s.uniform();
  const double u_passport = s.uniform();
  const double u_rent = s.uniform();
  const double z_cash = s.normal();
  const double z_earn = s.normal();
  const double u_cokseur = s.uniform();
  const double u_entry = s.uniform();
  m.hub_choice = s.uniform();
  if (draws_ != nullptr) [[unlikely]] {
    std::uint64_t n = 0;
    for (const double v : { u_origin, u_destination, u_passport, u_rent, z_cash, z_earn, u_cokseur,
                            u_entry, m.hub_choice }) {
      drew("profile", uid, Draw::kNone, Draw::kNone, n++, v);
    }
  }

  m.uid = uid;
  m.clock.now = t;
  m.entered = t;
  m.traced = trace_ != nullptr && uid < trace_k_;
  m.origin = static_cast<std::uint32_t>(e.origin_choice[flow].pick(u_origin));
  const Origin& o = sc_.origins[m.origin];
  m.exit = sc_.destinations[e.destination_choice.pick(u_destination)].exit;
  m.malian = o.malian;
  if (m.malian) {
    m.docs = u_passport < p.malian_passport_share ? kMalianPapers : kForeign;
  } else {
    m.wants_passport = u_rent < p.false_passport_demand;
  }
  m.budget = money_of(p.cash_median * std::exp(p.cash_sigma * z_cash));
  m.cash = m.budget;
  m.earnings = p.earnings_per_day * std::exp(p.earnings_sigma * z_earn);
  m.uses_cokseur = u_cokseur < p.cokseur_share;
  m.place =
    (!m.malian && p.has_nouakchott && u_entry < p.nouakchott_share) ? p.nouakchott : o.start;
  add(budgets_, m.budget);
  ++migrants_;
  ++entered_[m.origin];
  // Into the list of the living.
  m.head = &alive_;
  m.next = alive_;
  if (alive_) {
    alive_->prev = &m;
  }
  alive_ = &m;
  if (m.traced) {
    const std::string& origin = sc_.origins[m.origin].id;
    const std::string& destination = sc_.destinations[e.destination_choice.pick(u_destination)].id;
    note(m, "set_out",
         "sets out from " + origin + " for " + destination + " with " + std::to_string(m.budget) +
           " CFA" + (m.docs == kMalianPapers ? ", Malian passport" : ""),
         0, -1,
         "origin=" + origin + ";destination=" + destination + ";cash=" + std::to_string(m.budget) +
           ";malian_passport=" + (m.docs == kMalianPapers ? "1" : "0"));
  }
}

// The k-th roadblock of a segment: three draws, the integer last (the only draw
// whose number of bits could depend on a parameter, the toll's range). Returns the
// delay in days.
double MaliWorker::roadblock(Migrant& m, Stream& rng, const Params& p, std::uint64_t segment,
                             std::uint64_t k)
{
  const double u = rng.uniform();
  const double delay = rng.exponential();
  const std::int64_t toll = p.toll.draw(rng);
  if (draws_ != nullptr) [[unlikely]] { // the hot path: noted in one go
    drew("ride.roadblock", m, segment, 3 * k, u);
    drew("ride.roadblock", m, segment, 3 * k + 1, delay);
    drew("ride.roadblock", m, segment, 3 * k + 2, static_cast<double>(toll));
  }
  if (u < p.toll_demand[m.docs]) {
    pay(m, kStateSecurity, toll, "roadblock toll");
  }
  return delay * p.roadblock_delay_days;
}

Time MaliWorker::gendarmes(Migrant& m, const Place& here, const Params& p)
{
  Stream s = stream(kGendarmerie, here.site, m.uid);
  const auto w = here.site;
  const double u_tax = drew("gendarmes", m, w, 0, s.uniform());
  const double u_arrest = drew("gendarmes", m, w, 1, s.uniform());
  const double detention = drew("gendarmes", m, w, 2, s.exponential()) * p.detention_days;
  const auto tax = static_cast<std::int64_t>(
    drew("gendarmes", m, w, 3, static_cast<double>(p.gendarme_tax.draw(s)))); // integer last
  if (u_tax < p.gendarme_tax_probability[m.docs]) {
    pay(m, kStateSecurity, tax, "gendarmes take him off the bus: tax");
    return 0.0;
  }
  if (u_arrest < p.arrest_probability) {
    note(m, "arrest", "arrested after entering the town");
    return detention;
  }
  return 0.0;
}

void MaliWorker::rent_passport(Migrant& m, const Place& here, const Params& p)
{
  Stream s = stream(kPassport, here.site, m.uid);
  const auto price = static_cast<std::int64_t>(
    drew("passport", m, here.site, 0, static_cast<double>(p.passport_rent.draw(s))));
  if (m.cash < price) {
    if (m.traced) {
      note(m, "no_passport", "cannot afford a false passport", 0, -1, "reason=unaffordable");
    }
    return;
  }
  if (passports_.size() != p.passport_pool) {
    passports_.resize(p.passport_pool); // the pool changed (a crackdown, a replacement)
  }
  if (!passports_.try_take()) {
    if (m.traced) {
      note(m, "no_passport", "no false passport to rent", 0, -1, "reason=none_left");
    }
    return;
  }
  m.false_passport = true;
  m.docs = kMalianPapers;
  pay(m, kPassportNetwork, price, "rents a false Malian passport");
}

void MaliWorker::attack(BatchDeparture::Seat*& group, const Segment& seg, double kind, Time t,
                        const Params& p, bool aboard)
{
  ++attacks_;
  const bool robbery = kind < p.robbery_share;
  for (BatchDeparture::Seat** link = &group; *link != nullptr;) {
    Migrant& m = owner(*link);
    m.clock.now = t;
    if (robbery) {
      if (m.traced) {
        note(m, "attack", "bandits attack the convoy and take everything", 0, -1, "outcome=robbed");
      }
      pay(m, kBandits, m.cash, "robbed");
      Stream v = stream(kVictim, seg.site, m.uid);
      if (drew("victim", m, seg.site, 0, v.uniform()) < p.kill_probability) {
        ++killed_in_attacks_;
        if (aboard) {
          kill(*link, m, "killed in the attack");
        } else {
          *link = m.seat.next;
          finish(m, died(), "killed in the attack");
        }
        continue;
      }
    } else {
      pay(m, kBandits, p.payoff, "bandits stop the convoy: pay-off");
    }
    link = &(*link)->next;
  }
}

void MaliWorker::deaths_aboard(BatchDeparture::Seat*& group, const Segment& seg, Time t,
                               const Params& p)
{
  const double die = 1.0 - std::pow(1.0 - p.desert_death_per_1000km, seg.distance_km / 1000.0);
  for (BatchDeparture::Seat** link = &group; *link != nullptr;) {
    Migrant& m = owner(*link);
    m.clock.now = t;
    m.place = seg.to;
    m.on_segment = -1;
    if (die > 0.0 &&
        drew("desert", m, seg.site, 0, stream(kDesert, seg.site, m.uid).uniform()) < die) {
      kill(*link, m, "dies in the desert");
      continue;
    }
    link = &(*link)->next;
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
      const Epoch& e = sc_.at(t);
      const double rate = e.flows[flow].annual_migrants / 365.0;
      if (rate > 0.0 && t + budget / rate <= e.end) {
        t += budget / rate;
        break;
      }
      if (!std::isfinite(e.end)) {
        co_return; // no more arrivals, ever
      }
      budget -= rate * (e.end - t);
      t = e.end;
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
    const Epoch& e = sc_.at(m.clock.now);
    const Params& p = e.p;
    const Place& here = e.places[m.place];

    // Bamako or Gao: rent a false Malian passport from the recycled stock.
    if (here.passport_market && m.wants_passport && !m.false_passport) {
      co_await sim_.sync(m.clock); // the stock is shared: take it in time order
      rent_passport(m, here, p);
    }
    // The Bamako bus station: a cokseur links him to a passeur in Gao.
    if (here.cokseurs && m.uses_cokseur && !m.recruited) {
      m.recruited = true;
      pay(m, kSmugglers, p.cokseur_fee, "cokseur's commission");
    }
    // The Gao entrance: taxed by gendarmes, or arrested and bought out.
    if (here.gendarmerie && m.by_bus) {
      m.by_bus = false;
      const Time detention = gendarmes(m, here, p);
      if (detention > 0.0) {
        co_await sim_.delay(m.clock, detention);
        pay(m, kStateSecurity, sc_.at(m.clock.now).p.arrest_bribe,
            "smuggler buys him out of the police station");
      }
    }
    // Held hostage at a border post: the family is asked for a ransom.
    if (m.held) {
      m.held = false;
      ++abducted_;
      Stream s = stream(kHostage, here.site, m.uid);
      const double u_pay = drew("ransom", m, here.site, 0, s.uniform());
      const double delay =
        std::exp(std::log(p.ransom_delay_median) +
                 p.ransom_delay_sigma * drew("ransom", m, here.site, 1, s.normal()));
      const double u_survive = drew("ransom", m, here.site, 2, s.uniform());
      if (m.traced) {
        note(m, "hostage",
             "held hostage; smugglers ask the family " + std::to_string(p.ransom) + " CFA", 0, -1,
             "ransom=" + std::to_string(p.ransom));
      }
      if (u_pay < p.ransom_pay_probability && delay <= p.ransom_wait_limit) {
        co_await sim_.delay(m.clock, delay);
        const std::int64_t ransom = sc_.at(m.clock.now).p.ransom;
        m.family += ransom;
        add(family_, ransom);
        m.cash += ransom;
        pay(m, kKidnappers, ransom, "family pays the ransom to a Bamako contact");
        ++ransoms_paid_;
      } else {
        co_await sim_.delay(m.clock, p.ransom_wait_limit);
        if (u_survive < sc_.at(m.clock.now).p.abandoned_survival) {
          finish(m, abandoned(), "family cannot pay: left in the desert, survives");
        } else {
          finish(m, died(), "family cannot pay: left in the desert, dies");
        }
        break;
      }
    }
    // A border crossing: Algerian interception and push-back.
    if (here.crossing && here.exit == static_cast<std::int32_t>(m.exit)) {
      Stream s = stream(kBorder, here.site, m.uid);
      for (std::uint32_t attempt = 1;; ++attempt) {
        guard(m);
        const Params& q = sc_.at(m.clock.now).p;
        // Three draws an attempt, always: the k-th attempt always gets the same.
        const std::uint64_t k = 3 * (attempt - 1);
        const double u_catch = drew("border", m, here.site, k, s.uniform());
        const double u_retry = drew("border", m, here.site, k + 1, s.uniform());
        const double wait = drew("border", m, here.site, k + 2, s.exponential()) * q.retry_days;
        const double strictness = sc_.at(m.clock.now).places[m.place].strictness;
        if (u_catch >= std::min(1.0, q.interception[m.docs] * strictness)) {
          finish(m, m.exit, "crosses into Algeria");
          break;
        }
        ++intercepted_;
        if (m.traced) {
          note(m, "intercepted", "intercepted by Algerian forces and pushed back", 0, -1,
               "attempt=" + std::to_string(attempt));
        }
        if (attempt >= q.max_attempts || u_retry >= q.retry_probability) {
          finish(m, turned_back(), "gives up and turns back");
          break;
        }
        co_await sim_.delay(m.clock, wait);
        pay(m, kSmugglers, sc_.at(m.clock.now).p.retry_fee, "pays a smuggler to try again");
      }
      break;
    }
    // Journey's end.
    if (here.exit == static_cast<std::int32_t>(m.exit)) {
      finish(m, m.exit, "leaves the route");
      break;
    }

    // Onwards: the ways from here towards his exit.
    const std::vector<Option>* ways = &e.ways(m.place, m.exit, exits);
    if (here.hub) {
      // The hub: a passeur of his nationality, a ghetto, work until the fare is in hand.
      if (m.hub_arrival < 0.0) {
        m.hub_arrival = m.clock.now;
      }
      const bool network = p.passeur_network[m.origin];
      const double ghetto_day = static_cast<double>(p.ghetto_fee_per_day) *
                                (network ? 1.0 : 1.0 + p.foreign_ghetto_surcharge);
      if (ways->empty()) {
        finish(m, turned_back(), "no open way onwards: turns back");
        break;
      }
      const Option& planned = (*ways)[e.option_choice[m.place * exits + m.exit].pick(m.hub_choice)];
      const std::int64_t fare = planned.line
                                  ? (m.malian ? p.truck_fare_malian : p.truck_fare_foreign)
                                  : e.segments[planned.index].fare;
      const std::int64_t needed = fare + p.cash_reserve + (m.passeur_paid ? 0 : p.passeur_fee);
      if (m.cash < needed) {
        const double net = m.earnings - ghetto_day;
        const double days =
          net > 0.0 ? std::ceil(static_cast<double>(needed - m.cash) / net) : p.max_work_days + 1.0;
        const double worked = std::min(days, p.max_work_days);
        ++workers_;
        work_days_.add(worked);
        if (m.traced) {
          note(m, "work",
               "works in the ghetto for " + std::to_string(static_cast<long>(worked)) + " days", 0,
               -1, "days=" + std::to_string(static_cast<long>(worked)));
        }
        co_await sim_.delay(m.clock, worked);
        const std::int64_t earned = money_of(m.earnings * worked);
        m.earned += earned;
        add(earned_, earned);
        m.cash += earned;
        pay(m, kGhettoChairmen, money_of(ghetto_day * worked), "droit de ghetto while working");
        if (days > p.max_work_days) {
          finish(m, turned_back(), "cannot save the fare: turns back");
          break;
        }
      }
      if (!m.passeur_paid) {
        m.passeur_paid = true;
        pay(m, kSmugglers, sc_.at(m.clock.now).p.passeur_fee,
            network ? "passeur of his nationality" : "passeur of another nationality");
      }
      // Conditions may have changed while he worked: choose again with the same draw.
      const Epoch& now = sc_.at(m.clock.now);
      ways = &now.ways(m.place, m.exit, exits);
      if (ways->empty()) {
        finish(m, turned_back(), "no open way onwards: turns back");
        break;
      }
      const Option& way = (*ways)[now.option_choice[m.place * exits + m.exit].pick(m.hub_choice)];
      if (way.line) {
        // The one place migrants meet: the truck fills in the order they board.
        co_await sim_.sync(m.clock);
        LineStop& bay = *stops_[way.index];
        bay.stop.set_max_wait(sc_.at(m.clock.now).p.truck_max_wait);
        if (m.traced) {
          note(m, "board", "boards a truck to " + place_name(sc_.lines[way.index].end), 0, -1,
               "to=" + sc_.epochs[0].places[sc_.lines[way.index].end].id);
        }
        co_await bay.stop.board(m.seat, &m);
        continue; // the convoy brought him to the end of the line (or he died on it)
      }
      const Time waited = m.clock.now - m.hub_arrival;
      hub_days_.add(waited);
      hist_[kHubDays].add(waited);
      m.hub_arrival = -1.0;
      // Leaves the hub alone, on the segment chosen below (same draw).
    }
    if (ways->empty()) {
      finish(m, turned_back(), "no open way onwards: turns back");
      break;
    }
    // Choose a segment and ride it, stop by stop.
    const Epoch& ee = sc_.at(m.clock.now);
    const double u_way =
      here.hub ? m.hub_choice
               : drew("route", m, here.site, 0, stream(kRoute, here.site, m.uid).uniform());
    const std::size_t k = ee.option_choice[m.place * exits + m.exit].pick(u_way);
    const Option& way = ee.ways(m.place, m.exit, exits)[k];
    const Segment& seg = ee.segments[way.index];
    pay(m, seg.fare_to, seg.fare, seg.mode == Mode::Bus ? "bus fare" : "fare");
    // The ride's stream: travel time, the attack's occurrence, position and kind,
    // then three draws per roadblock; each checkpoint has its own stream. (The
    // draws that do not outlive the departure stay out of the coroutine frame.)
    Stream rng = stream(kRide, seg.site, m.uid);
    double attack_kind = 0.0;
    Leg leg = [&] {
      const ModeParams& mode = ee.p.modes[static_cast<std::size_t>(seg.mode)];
      const double z_travel = rng.normal();
      const Time travel =
        std::exp(std::log(seg.distance_km / mode.speed_km_per_day) + mode.sigma * z_travel);
      const double u_attack = rng.uniform();
      const double attack_at = rng.uniform();
      attack_kind = rng.uniform();
      if (draws_ != nullptr) [[unlikely]] {
        drew("ride.travel", m, seg.site, 0, z_travel);
        drew("ride.attack", m, seg.site, 0, u_attack);
        drew("ride.attack", m, seg.site, 1, attack_at);
        drew("ride.attack", m, seg.site, 2, attack_kind);
      }
      const double hazard = seg.bandit_hazard * ee.p.hazard_scale;
      return Leg(travel, seg.roadblocks, seg.checkpoints,
                 u_attack < 1.0 - std::exp(-hazard * seg.distance_km), attack_at);
    }();
    m.on_segment = static_cast<std::int32_t>(way.index);
    ++segment_flow_[way.index];
    Time extra = 0.0;
    for (;;) {
      const Leg::Stop stop = leg.next();
      co_await sim_.delay(m.clock, stop.wait + extra);
      extra = 0.0;
      const Params& q = sc_.at(m.clock.now).p;
      if (stop.kind == Leg::Kind::Roadblock) {
        extra = roadblock(m, rng, q, seg.site, stop.index);
      } else if (stop.kind == Leg::Kind::Checkpoint) {
        pay(m, kArmedGroups, q.checkpoint_fee, "armed-group checkpoint");
        Stream cp = stream(kCheckpoint, combine(seg.site, stop.index), m.uid);
        extra = drew("ride.checkpoint", m, seg.site, stop.index, cp.exponential()) *
                q.checkpoint_delay_days;
      } else if (stop.kind == Leg::Kind::Attack) {
        m.seat.next = nullptr;
        BatchDeparture::Seat* group = &m.seat;
        m.seat.owner = &m;
        attack(group, seg, attack_kind, m.clock.now, q, false);
        if (m.done) {
          break;
        }
      } else {
        break;
      }
    }
    if (m.done) {
      break;
    }
    // Off the buses, the desert kills.
    if (seg.mode != Mode::Bus) {
      const double r = sc_.at(m.clock.now).p.desert_death_per_1000km;
      if (r > 0.0 && drew("desert", m, seg.site, 0, stream(kDesert, seg.site, m.uid).uniform()) <
                       1.0 - std::pow(1.0 - r, seg.distance_km / 1000.0)) {
        finish(m, died(), "dies in the desert");
        break;
      }
    }
    m.on_segment = -1;
    m.place = seg.to;
    m.by_bus = seg.mode == Mode::Bus;
    note(m, "arrive", "arrives");
  }
  // A migrant killed aboard a truck was finished by the convoy: nothing to do.
}

Process MaliWorker::convoy(std::uint32_t li, BatchDeparture::Departure d)
{
  const Line& line = sc_.lines[li];
  Clock clock{ d.departed };
  BatchDeparture::Seat* group = d.passengers;
  // The truck is the d.vehicle-th to leave on its line: its draws are keyed by
  // both, and by segment, stop or place, one stream per kind of draw.
  const std::uint64_t v = d.vehicle;
  auto truck = [&](const char* kind, std::uint64_t where, std::uint64_t index, double value) {
    return drew(kind, li, v, where, index, value);
  };
  const Params& p0 = sc_.at(clock.now).p;
  const bool escorted = truck("convoy.escort", Draw::kNone, 0,
                              stream(kEscort, line.site, v).uniform()) < p0.protection_probability;

  // Fares, and the ghetto days spent waiting for the truck to fill.
  for (auto* s = group; s != nullptr; s = s->next) {
    Migrant& m = owner(s);
    m.clock.now = clock.now;
    const Time waited = clock.now - m.hub_arrival;
    hub_days_.add(waited);
    hist_[kHubDays].add(waited);
    m.hub_arrival = -1.0;
    const bool network = p0.passeur_network[m.origin];
    const double ghetto_day = static_cast<double>(p0.ghetto_fee_per_day) *
                              (network ? 1.0 : 1.0 + p0.foreign_ghetto_surcharge);
    pay(m, kGhettoChairmen, money_of(ghetto_day * (clock.now - s->boarded)),
        "droit de ghetto while waiting for the truck");
    const std::int64_t fare = m.malian ? p0.truck_fare_malian : p0.truck_fare_foreign;
    if (escorted) {
      const auto share = static_cast<std::int64_t>(
        std::llround(static_cast<double>(fare) * p0.protection_fare_share));
      pay(m, kTransporters, fare - share, "truck fare");
      pay(m, kArmedGroups, share, "truck fare: armed group's share for protection");
    } else {
      pay(m, kTransporters, fare, "truck fare");
    }
  }

  for (const auto si : line.segments) {
    const Epoch& e = sc_.at(clock.now);
    const Segment& seg = e.segments[si];
    const ModeParams& mode = e.p.modes[static_cast<std::size_t>(Mode::Truck)];
    const std::uint64_t here = combine(line.site, seg.site);
    Stream rng = stream(kConvoyRide, here, v);
    const double z_travel = truck("convoy.travel", seg.site, 0, rng.normal());
    const Time travel =
      std::exp(std::log(seg.distance_km / mode.speed_km_per_day) + mode.sigma * z_travel);
    const double u_attack = truck("convoy.attack", seg.site, 0, rng.uniform());
    const double attack_at = truck("convoy.attack", seg.site, 1, rng.uniform());
    const double attack_kind = truck("convoy.attack", seg.site, 2, rng.uniform());
    const double hazard =
      seg.bandit_hazard * e.p.hazard_scale * (escorted ? e.p.protection_hazard_factor : 1.0);
    Leg leg(travel, 0, seg.checkpoints, u_attack < 1.0 - std::exp(-hazard * seg.distance_km),
            attack_at);
    for (auto* s = group; s != nullptr; s = s->next) {
      owner(s).on_segment = static_cast<std::int32_t>(si);
      ++segment_flow_[si];
    }
    Time extra = 0.0;
    for (;;) {
      const Leg::Stop stop = leg.next();
      co_await sim_.delay(clock, stop.wait + extra);
      extra = 0.0;
      const Params& q = sc_.at(clock.now).p;
      if (stop.kind == Leg::Kind::Checkpoint) {
        for (auto* s = group; s != nullptr; s = s->next) {
          owner(s).clock.now = clock.now;
          pay(owner(s), kArmedGroups, q.checkpoint_fee, "armed-group checkpoint");
        }
        Stream cp = stream(kConvoyCheckpoint, combine(here, stop.index), v);
        extra = truck("convoy.checkpoint", seg.site, stop.index, cp.exponential()) *
                q.checkpoint_delay_days;
      } else if (stop.kind == Leg::Kind::Attack) {
        attack(group, seg, attack_kind, clock.now, q, true);
      } else if (stop.kind == Leg::Kind::End) {
        break;
      }
    }
    deaths_aboard(group, seg, clock.now, sc_.at(clock.now).p);
    if (group == nullptr) {
      co_return; // nobody left aboard
    }
    // A ghetto stop on the way (Kidal).
    const Place& stop_at = sc_.at(clock.now).places[seg.to];
    if (stop_at.ghetto_stop_days > 0.0) {
      const double stay =
        truck("convoy.ghetto", stop_at.site, 0,
              stream(kGhettoStay, combine(line.site, stop_at.site), v).exponential()) *
        stop_at.ghetto_stop_days;
      co_await sim_.delay(clock, stay);
      const Params& q = sc_.at(clock.now).p;
      for (auto* s = group; s != nullptr; s = s->next) {
        Migrant& m = owner(s);
        m.clock.now = clock.now;
        m.place = seg.to;
        const bool network = q.passeur_network[m.origin];
        const double ghetto_day = static_cast<double>(q.ghetto_fee_per_day) *
                                  (network ? 1.0 : 1.0 + q.foreign_ghetto_surcharge);
        pay(m, kGhettoChairmen, money_of(ghetto_day * stay), "droit de ghetto");
      }
    }
  }

  // Unloaded at the end of the line: held hostage by the smugglers, or not.
  const Place& end = sc_.at(clock.now).places[line.end];
  const bool hostage =
    truck("convoy.hostage", end.site, 0, stream(kHostageTaking, line.site, v).uniform()) <
    end.hostage_probability;
  for (auto* s = group; s != nullptr;) {
    auto* next = s->next; // the seat dies with its passenger
    Migrant& m = owner(s);
    m.clock.now = clock.now;
    m.place = line.end;
    m.by_bus = false;
    m.held = hostage;
    note(m, "unload", "the truck unloads");
    sim_.schedule_resume(clock.now, s->handle);
    s = next;
  }
}

// ---------------------------------------------------------------------------

void MaliWorker::run(std::uint64_t replication, engine::ReplicationOutput& out)
{
  rep_ = replication;
  hist_ = out.histograms;
  trace_ = out.trace;
  sim_.reset(sc_.horizon);
  passports_.reset(sc_.epochs[0].p.passport_pool);
  for (auto& s : stops_) {
    s->stop.reset();
  }
  std::fill(entered_.begin(), entered_.end(), 0);
  std::fill(outcomes_.begin(), outcomes_.end(), 0);
  migrants_ = abducted_ = ransoms_paid_ = trucks_ = truck_passengers_ = attacks_ =
    killed_in_attacks_ = 0;
  intercepted_ = workers_ = 0;
  segment_flow_.assign(sc_.epochs[0].segments.size(), 0);
  revenue_.fill(0);
  paid_total_ = budgets_ = earned_ = family_ = cash_left_ = 0;
  journey_days_.clear();
  hub_days_.clear();
  work_days_.clear();

  for (std::uint32_t f = 0; f < sc_.epochs[0].flows.size(); ++f) {
    sim_.start(source(f), 0.0);
  }
  sim_.run();

  // Migrants still on the way at the horizon.
  std::uint64_t in_transit = 0;
  std::int64_t cash_in_transit = 0;
  for (Migrant* m = alive_; m != nullptr; m = m->next) {
    if (!m->done) {
      ++in_transit;
      cash_in_transit += m->cash;
    }
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
  put(static_cast<double>(passports_.taken()));
  put(static_cast<double>(passports_.refused()));
  put(static_cast<double>(passports_.min_available()));
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
  if (i != v.size()) {
    throw engine::RuntimeError("the Mali model filled " + std::to_string(i) +
                               " metrics, expected " + std::to_string(v.size()));
  }
  out.events = sim_.events();
}

} // namespace

std::vector<engine::MetricInfo> metric_list(const MaliScenario& sc)
{
  std::vector<engine::MetricInfo> m;
  const std::string flow = "Flow";
  const std::string outcomes = "Outcomes (each migrant ends the horizon in exactly one)";
  const std::string hostages = "Hostages";
  const std::string ledger = "Who earns: the ledger (CFA)";
  const std::string trucks = "Trucks, passports and the road";
  const std::string journeys = "Journeys";
  const std::string balance = "Money balance (CFA): budgets + earnings + family = paid + cash held";
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
  m.push_back({ "abducted", "migrants", "migrants held hostage at a border post", hostages });
  m.push_back({ "ransoms_paid", "ransoms", "ransoms families paid", hostages });
  m.push_back({ "paid_total", "CFA", "everything migrants (and their families) paid", ledger });
  for (const auto a : kActorNames) {
    m.push_back({ "revenue_" + std::string(a), "CFA", "paid to " + std::string(a), ledger });
  }
  m.push_back({ "trucks_dispatched", "trucks", "trucks that left a hub", trucks });
  m.push_back({ "mean_truck_load", "migrants", "mean migrants per truck", trucks });
  m.push_back({ "passports_rented", "passports", "false passports rented from the pool", trucks });
  m.push_back({ "passport_stockouts", "migrants",
                "migrants who found the false-passport pool empty", trucks });
  m.push_back(
    { "passport_pool_min", "passports", "fewest false passports left in the pool", trucks });
  m.push_back({ "convoy_attacks", "attacks", "bandit attacks on convoys and pickups", trucks });
  m.push_back({ "killed_in_attacks", "migrants", "migrants killed in attacks", trucks });
  m.push_back({ "intercepted", "interceptions",
                "interceptions and push-backs at the Algerian border", trucks });
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

std::unique_ptr<engine::Worker> make_worker(const MaliScenario& sc, const engine::WorkerOptions& o,
                                            std::vector<Draw>* draws)
{
  return std::make_unique<MaliWorker>(sc, o, draws);
}

} // namespace passage::models::mali
