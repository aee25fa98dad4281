#include "passage/core/components.hpp"

#include <doctest/doctest.h>
#include <vector>

using namespace passage::engine;

namespace {

struct Log
{
  std::vector<std::pair<int, double>> entries;
};

Process user(Simulation& sim, FifoServer& server, Log& log, int id, Time arrive, Time hold)
{
  Clock clock{ arrive };
  FifoServer::Ticket ticket;
  co_await server.request(ticket, clock);
  log.entries.emplace_back(id, clock.now); // when service started
  co_await sim.delay(clock, hold);
  co_await sim.sync(clock);
  server.release();
}

class Recorder : public BatchDeparture::Listener
{
public:
  explicit Recorder(Simulation& sim) : sim_(sim) {}
  std::uint32_t capacity(std::uint64_t vehicle) override { return vehicle == 0 ? 3 : 2; }
  void depart(const BatchDeparture::Departure& d) override
  {
    loads.push_back(d.load);
    times.push_back(d.departed);
    full.push_back(d.full);
    for (auto* s = d.passengers; s != nullptr;) {
      auto* next = s->next;
      sim_.schedule_resume(d.departed, s->handle);
      s = next;
    }
  }
  std::vector<std::uint32_t> loads;
  std::vector<double> times;
  std::vector<bool> full;

private:
  Simulation& sim_;
};

Process rider(BatchDeparture& stop, int& finished)
{
  BatchDeparture::Seat seat;
  co_await stop.board(seat, nullptr);
  ++finished;
}

} // namespace

TEST_CASE("FIFO server: first come, first served")
{
  for (const auto stepping : { Stepping::Inline, Stepping::EventByEvent }) {
    Simulation sim(stepping);
    sim.reset(100.0);
    FifoServer server(sim, 1);
    Log log;
    sim.start(user(sim, server, log, 0, 1.0, 5.0), 1.0);
    sim.start(user(sim, server, log, 1, 2.0, 1.0), 2.0);
    sim.start(user(sim, server, log, 2, 3.0, 1.0), 3.0);
    sim.run();
    REQUIRE(log.entries.size() == 3);
    CHECK(log.entries[0] == std::make_pair(0, 1.0));
    CHECK(log.entries[1] == std::make_pair(1, 6.0));
    CHECK(log.entries[2] == std::make_pair(2, 7.0));
    CHECK(server.busy() == 0);
  }
}

TEST_CASE("batch departure: leaves when full or when the wait runs out")
{
  Simulation sim;
  sim.reset(100.0);
  Recorder rec(sim);
  BatchDeparture stop(sim, rec, 4.0);
  int finished = 0;
  // Vehicle 0 (3 seats): boarded at 1, 2, 3 -> leaves full at 3.
  // Vehicle 1 (2 seats): first boards at 10 -> leaves at 14 with one passenger.
  // Vehicle 2: boards at 20, 21 -> full at 21; the stale timer of vehicle 1 is ignored.
  for (const double t : { 1.0, 2.0, 3.0, 10.0, 20.0, 21.0 }) {
    sim.start(rider(stop, finished), t);
  }
  sim.run();
  CHECK(rec.loads == std::vector<std::uint32_t>{ 3, 1, 2 });
  CHECK(rec.times == std::vector<double>{ 3.0, 14.0, 21.0 });
  CHECK(rec.full == std::vector<bool>{ true, false, true });
  CHECK(finished == 6);
  CHECK(stop.vehicles_departed() == 3);
}

TEST_CASE("batch departure: with no wait limit a vehicle waits until full")
{
  Simulation sim;
  sim.reset(1000.0);
  Recorder rec(sim);
  BatchDeparture stop(sim, rec, std::numeric_limits<double>::infinity());
  int finished = 0;
  for (const double t : { 1.0, 500.0, 900.0, 950.0 }) {
    sim.start(rider(stop, finished), t);
  }
  sim.run();
  CHECK(rec.loads == std::vector<std::uint32_t>{ 3 });
  CHECK(rec.times == std::vector<double>{ 900.0 });
  CHECK(stop.loading() == 1); // the fourth still waits at the horizon
  CHECK(finished == 3);
}

TEST_CASE("stock: take, refuse, give back later")
{
  Simulation sim;
  sim.reset(100.0);
  Stock stock(sim, 2);
  CHECK(stock.try_take());
  CHECK(stock.try_take());
  CHECK_FALSE(stock.try_take());
  stock.give_back_at(5.0);
  sim.run();
  CHECK(stock.available() == 1);
  CHECK(stock.min_available() == 0);
  CHECK(stock.taken() == 2);
  CHECK(stock.refused() == 1);
}

TEST_CASE("simulation: the horizon is honoured and suspended processes are reclaimed")
{
  Simulation sim;
  int steps = 0;
  auto walker = [&](Simulation& s) -> Process {
    Clock clock;
    for (;;) {
      co_await s.delay(clock, 1.0);
      ++steps;
    }
  };
  for (int rep = 0; rep < 3; ++rep) {
    steps = 0;
    sim.reset(10.5);
    sim.start(walker(sim), 0.0);
    sim.run();
    CHECK(steps == 10); // steps at 1..10; the one at 11 is past the horizon
    CHECK(sim.now() <= 10.5);
  }
}
