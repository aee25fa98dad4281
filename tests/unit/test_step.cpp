// Awaitable steps (core/step.hpp): values, nesting, exceptions, waiting inside a
// step, both stepping modes bit for bit, frames from the pool.
#include "passage/core/components.hpp"
#include "passage/core/step.hpp"
#include "passage/random/stream.hpp"

#include <cstring>
#include <doctest/doctest.h>
#include <stdexcept>
#include <vector>

using namespace passage::engine;

namespace {

constexpr Stepping kModes[] = { Stepping::Inline, Stepping::EventByEvent };

Step<double> wait_and_double(Simulation& sim, Clock& clock, double dt)
{
  co_await sim.delay(clock, dt);
  co_return 2.0 * clock.now;
}

// Two levels: an outer step that awaits two inner ones and a sync.
Step<double> two_legs(Simulation& sim, Clock& clock, double dt)
{
  const double a = co_await wait_and_double(sim, clock, dt);
  co_await sim.sync(clock);
  const double b = co_await wait_and_double(sim, clock, dt);
  co_return a + b;
}

Step<> nothing()
{
  co_return;
}

Process traveller(Simulation& sim, double dt, std::vector<double>& out)
{
  Clock clock;
  co_await nothing();
  out.push_back(co_await two_legs(sim, clock, dt));
  out.push_back(clock.now);
  out.push_back(sim.now());
}

TEST_CASE("step: returns a value, nests, and resumes its caller where it left off")
{
  for (const auto mode : kModes) {
    Simulation sim(mode);
    sim.reset(100.0);
    std::vector<double> out;
    sim.start(traveller(sim, 1.5, out), 0.0);
    sim.run();
    // Legs end at 1.5 and 3.0: 2*1.5 + 2*3.0.
    REQUIRE(out.size() == 3);
    CHECK(out[0] == 9.0);
    CHECK(out[1] == 3.0);
    // The sync at 1.5 went through the calendar; the second delay ran inline in
    // inline mode (the calendar stopped at 1.5) and through the calendar otherwise.
    CHECK(out[2] == (mode == Stepping::Inline ? 1.5 : 3.0));
    CHECK(sim.pending() == 0);
  }
}

// A value type without a default constructor, moved out of the step.
struct Ticket
{
  explicit Ticket(int n) : number(n) {}
  int number;
  std::vector<int> stamps;
};

Step<Ticket> issue(Simulation& sim, Clock& clock, int n)
{
  co_await sim.delay(clock, 1.0);
  Ticket t(n);
  t.stamps.assign(3, n);
  co_return t;
}

TEST_CASE("step: returns a type without a default constructor")
{
  Simulation sim;
  sim.reset(10.0);
  int seen = 0;
  std::size_t stamps = 0;
  auto p = [&](Simulation& s) -> Process {
    Clock clock;
    const Ticket t = co_await issue(s, clock, 7);
    seen = t.number;
    stamps = t.stamps.size();
  };
  sim.start(p(sim), 0.0);
  sim.run();
  CHECK(seen == 7);
  CHECK(stamps == 3);
}

Step<int> fail_after(Simulation& sim, Clock& clock, double dt, bool through_calendar)
{
  co_await sim.delay(clock, dt);
  if (through_calendar) {
    co_await sim.sync(clock);
  }
  throw std::runtime_error("robbed at " + std::to_string(clock.now));
}

Step<int> outer_rethrows(Simulation& sim, Clock& clock, bool through_calendar)
{
  const int v = co_await fail_after(sim, clock, 2.0, through_calendar);
  co_return v + 1; // never reached
}

TEST_CASE("step: an exception reaches the awaiting caller, through nested steps")
{
  for (const auto mode : kModes) {
    for (const bool through_calendar : { false, true }) {
      Simulation sim(mode);
      sim.reset(100.0);
      std::string caught;
      double after = -1.0;
      auto p = [&](Simulation& s) -> Process {
        Clock clock;
        try {
          co_await outer_rethrows(s, clock, through_calendar);
        } catch (const std::runtime_error& e) {
          caught = e.what();
        }
        // The process goes on after handling it.
        co_await s.delay(clock, 1.0);
        after = clock.now;
      };
      sim.start(p(sim), 0.0);
      sim.run();
      CHECK(caught.rfind("robbed at 2", 0) == 0);
      CHECK(after == 3.0);
    }
  }
}

TEST_CASE("step: an exception the process does not catch leaves Simulation::run")
{
  for (const auto mode : kModes) {
    Simulation sim(mode);
    sim.reset(100.0);
    auto p = [](Simulation& s) -> Process {
      Clock clock;
      co_await outer_rethrows(s, clock, true);
    };
    sim.start(p(sim), 0.0);
    std::string what;
    try {
      sim.run();
    } catch (const std::runtime_error& e) {
      what = e.what();
    }
    CHECK(what.rfind("robbed at 2", 0) == 0);
    sim.reset(100.0); // the failed process's frame is reclaimed
  }
}

// --- waiting on shared components inside a step -----------------------------

// Rows by customer id (the order customers finish in differs between the modes:
// a last private step runs ahead in inline mode).
struct Log
{
  std::vector<double> rows = std::vector<double>(4 * 500); // id, arrival, start of service, end
  void put(std::uint64_t id, double arrived, double started, double done)
  {
    double* r = &rows[4 * id];
    r[0] = static_cast<double>(id);
    r[1] = arrived;
    r[2] = started;
    r[3] = done;
  }
};

// Queue for the server, hold it, release it: one step.
Step<double> serve(Simulation& sim, FifoServer& server, Clock& clock, double hold)
{
  FifoServer::Ticket ticket;
  co_await server.request(ticket, clock);
  const double started = clock.now;
  co_await sim.delay(clock, hold);
  co_await sim.sync(clock);
  server.release();
  co_return started;
}

// Arrive (private), be served, ride on (private); all from one stream.
Process customer_with_steps(Simulation& sim, FifoServer& server, Log& log, std::uint64_t id)
{
  auto rng = random::Stream::derive(11, 0, 1, id);
  Clock clock;
  co_await sim.delay(clock, rng.uniform(0.0, 50.0));
  co_await sim.sync(clock);
  const double arrived = clock.now;
  const double started = co_await serve(sim, server, clock, rng.exponential(1.2));
  co_await sim.delay(clock, rng.exponential());
  log.put(id, arrived, started, clock.now);
}

// The same customer written inline: the reference a step must reproduce.
Process customer_inline(Simulation& sim, FifoServer& server, Log& log, std::uint64_t id)
{
  auto rng = random::Stream::derive(11, 0, 1, id);
  Clock clock;
  co_await sim.delay(clock, rng.uniform(0.0, 50.0));
  co_await sim.sync(clock);
  const double arrived = clock.now;
  FifoServer::Ticket ticket;
  co_await server.request(ticket, clock);
  const double started = clock.now;
  co_await sim.delay(clock, rng.exponential(1.2));
  co_await sim.sync(clock);
  server.release();
  co_await sim.delay(clock, rng.exponential());
  log.put(id, arrived, started, clock.now);
}

struct Outcome
{
  Log log;
  std::uint64_t events = 0;
};

template<class Customer>
Outcome run_queue(Stepping mode, Customer customer)
{
  Simulation sim(mode);
  FifoServer server(sim, 2);
  Outcome o;
  sim.reset(1.0e9);
  for (std::uint64_t i = 0; i < 500; ++i) {
    sim.start(customer(sim, server, o.log, i), 0.0);
  }
  sim.run();
  o.events = sim.events();
  return o;
}

bool same_bits(const Log& a, const Log& b)
{
  return a.rows.size() == b.rows.size() &&
         std::memcmp(a.rows.data(), b.rows.data(), a.rows.size() * sizeof(double)) == 0;
}

TEST_CASE("step: waiting on a server inside a step, bit for bit the inline code, both modes")
{
  const auto steps_inline = run_queue(Stepping::Inline, customer_with_steps);
  const auto steps_events = run_queue(Stepping::EventByEvent, customer_with_steps);
  const auto code_inline = run_queue(Stepping::Inline, customer_inline);
  const auto code_events = run_queue(Stepping::EventByEvent, customer_inline);
  REQUIRE(steps_inline.log.rows[4 * 499] == 499.0); // every customer finished
  CHECK(same_bits(steps_inline.log, steps_events.log));
  CHECK(same_bits(steps_inline.log, code_inline.log));
  CHECK(same_bits(steps_inline.log, code_events.log));
  // A step adds no event of its own.
  CHECK(steps_inline.events == code_inline.events);
  CHECK(steps_events.events == code_events.events);
  CHECK(steps_inline.events == steps_events.events);
  // Customers did queue: some started service after they arrived.
  std::size_t waited = 0;
  for (std::size_t r = 0; r < steps_inline.log.rows.size(); r += 4) {
    waited += steps_inline.log.rows[r + 2] > steps_inline.log.rows[r + 1] ? 1 : 0;
  }
  CHECK(waited > 50);
}

// A vehicle that resumes its passengers when it leaves.
class Driver : public BatchDeparture::Listener
{
public:
  explicit Driver(Simulation& sim) : sim_(sim) {}
  std::uint32_t capacity(std::uint64_t) override { return 3; }
  void depart(const BatchDeparture::Departure& d) override
  {
    for (auto* s = d.passengers; s != nullptr;) {
      auto* next = s->next;
      sim_.schedule_resume(d.departed + 2.0, s->handle);
      s = next;
    }
  }

private:
  Simulation& sim_;
};

// Board, ride, return the time of arrival (the step, not its caller, is resumed).
Step<double> board(Simulation& sim, BatchDeparture& stop, Clock& clock)
{
  co_await sim.sync(clock);
  BatchDeparture::Seat seat;
  co_await stop.board(seat, nullptr);
  clock.now = sim.now();
  co_return clock.now;
}

TEST_CASE("step: boarding a batch departure inside a step")
{
  for (const auto mode : kModes) {
    Simulation sim(mode);
    sim.reset(100.0);
    Driver driver(sim);
    BatchDeparture stop(sim, driver, 5.0);
    std::vector<double> arrivals;
    auto p = [&](Simulation& s, double start) -> Process {
      Clock clock{ 0.0 };
      co_await s.delay(clock, start);
      arrivals.push_back(co_await board(s, stop, clock));
    };
    for (const double t : { 1.0, 2.0, 3.0, 10.0 }) {
      sim.start(p(sim, t), 0.0);
    }
    sim.run();
    // Three leave full at 3 and arrive at 5; the fourth leaves alone at 15, arrives at 17.
    CHECK(arrivals == std::vector<double>{ 5.0, 5.0, 5.0, 17.0 });
  }
}

// --- frames ------------------------------------------------------------------

// The address of the frame of the coroutine that awaits it.
struct FrameAddress
{
  void* address = nullptr;
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> h) noexcept
  {
    address = h.address();
    return false; // go straight on
  }
  void* await_resume() const noexcept { return address; }
};

Step<void*> inner_frame()
{
  co_return co_await FrameAddress{};
}

Step<void*> outer_frame(std::vector<void*>& inner)
{
  inner.push_back(co_await inner_frame());
  co_return co_await FrameAddress{};
}

TEST_CASE("step: frames come from the thread's frame pool and are reused")
{
  Simulation sim;
  sim.reset(10.0);
  std::vector<void*> outer;
  std::vector<void*> inner;
  auto p = [&]() -> Process {
    for (int i = 0; i < 1000; ++i) {
      outer.push_back(co_await outer_frame(inner));
    }
  };
  sim.start(p(), 0.0);
  sim.run();
  REQUIRE(outer.size() == 1000);
  CHECK(FramePool::pooled(outer[0]));
  CHECK(FramePool::pooled(inner[0]));
  CHECK(outer[0] != inner[0]); // both frames live at once
  std::size_t reused = 0;
  for (std::size_t i = 1; i < outer.size(); ++i) {
    reused += outer[i] == outer[0] && inner[i] == inner[0] ? 1 : 0;
  }
  // Each call takes the blocks the previous call gave back (the free lists are LIFO).
  CHECK(reused == outer.size() - 1);
  int on_stack = 0;
  CHECK_FALSE(FramePool::pooled(&on_stack));
}

// Counts destructions of what a step holds.
struct Guard
{
  int* count;
  explicit Guard(int* c) : count(c) {}
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;
  ~Guard() { ++*count; }
};

Step<> wait_forever(Simulation& sim, Clock& clock, int* destroyed)
{
  Guard g(destroyed);
  co_await sim.delay(clock, 1.0);
  co_await sim.sync(clock);
  co_await std::suspend_always{}; // nobody resumes it
}

Step<> hold_nested(Simulation& sim, Clock& clock, int* destroyed)
{
  Guard g(destroyed);
  co_await wait_forever(sim, clock, destroyed);
}

TEST_CASE("step: a replication that ends while a step waits destroys the step's frames")
{
  for (const auto mode : kModes) {
    Simulation sim(mode);
    int destroyed = 0;
    auto p = [&](Simulation& s) -> Process {
      Clock clock;
      Guard g(&destroyed);
      co_await hold_nested(s, clock, &destroyed);
    };
    void* first = nullptr;
    for (int rep = 0; rep < 3; ++rep) {
      destroyed = 0;
      sim.reset(10.0);
      sim.start(p(sim), 0.0);
      sim.run();
      CHECK(destroyed == 0); // all three still waiting at the horizon
      sim.reset(10.0);
      CHECK(destroyed == 3); // the process, the outer and the inner step
      // The frames went back to the pool: a new step takes one of them.
      auto probe = []() -> Step<void*> { co_return co_await FrameAddress{}; };
      void* got = nullptr;
      auto q = [&]() -> Process { got = co_await probe(); };
      sim.start(q(), 0.0);
      sim.run();
      if (rep == 0) {
        first = got;
      }
      CHECK(got == first);
    }
  }
}

Step<int> add_one(int x)
{
  co_return x + 1;
}

TEST_CASE("step: a million steps in a row do not grow the stack (symmetric transfer)")
{
  Simulation sim;
  sim.reset(10.0);
  int x = 0;
  auto p = [&]() -> Process {
    for (int i = 0; i < 1000000; ++i) {
      x = co_await add_one(x);
    }
  };
  sim.start(p(), 0.0);
  sim.run();
  CHECK(x == 1000000);
}

} // namespace

namespace {

// A walk of private steps of uneven lengths, each awaited.
Process walk_awaiting(Simulation& sim, int n, std::vector<double>& out)
{
  Clock clock;
  for (int i = 0; i < n; ++i) {
    co_await sim.delay(clock, 0.25 + 0.125 * (i % 3));
    out.push_back(clock.now);
  }
}

// The same walk, its steps taken from a plain loop while they run inline; a step
// that cannot (event-by-event stepping, past the horizon) is awaited.
int walk_plainly(Simulation& sim, Clock& clock, int i, int n, std::vector<double>& out)
{
  for (; i < n && sim.step_inline(clock, 0.25 + 0.125 * (i % 3)); ++i) {
    out.push_back(clock.now);
  }
  return i;
}

Process walk_inline(Simulation& sim, int n, std::vector<double>& out)
{
  Clock clock;
  for (int i = walk_plainly(sim, clock, 0, n, out); i < n;
       i = walk_plainly(sim, clock, i, n, out)) {
    co_await sim.delay(clock, 0.25 + 0.125 * (i % 3));
    out.push_back(clock.now);
    ++i;
  }
}

} // namespace

TEST_CASE("step_inline: a plain loop of private steps is co_await delay, bit for bit, both modes")
{
  for (const auto mode : kModes) {
    for (const double horizon : { 100.0, 7.3 }) { // all 40 steps, or the horizon in the middle
      std::vector<double> awaited;
      std::vector<double> plain;
      Simulation a(mode);
      a.reset(horizon);
      a.start(walk_awaiting(a, 40, awaited), 0.0);
      a.run();
      Simulation b(mode);
      b.reset(horizon);
      b.start(walk_inline(b, 40, plain), 0.0);
      b.run();
      CHECK(plain == awaited);
      CHECK(b.events() == a.events());
      CHECK(awaited.size() == (horizon > 50.0 ? 40u : 19u));
    }
  }
  // Nothing happens when it cannot run inline: the clock stays.
  Simulation sim(Stepping::EventByEvent);
  sim.reset(10.0);
  Clock clock{ 1.0 };
  CHECK_FALSE(sim.step_inline(clock, 0.5));
  CHECK(clock.now == 1.0);
  Simulation in(Stepping::Inline);
  in.reset(10.0);
  CHECK(in.step_inline(clock, 0.5));
  CHECK(clock.now == 1.5);
  CHECK(in.events() == 1);
  CHECK_FALSE(in.step_inline(clock, 9.0)); // past the horizon
  CHECK(clock.now == 1.5);
  CHECK(in.events() == 1);
}
