// How to write a process: measured before choosing (engine/README.md).
// A "journey" of K private steps, each one exponential draw and a time advance,
// for N travellers that start at random times:
//  - coroutine processes through the kernel, event by event (every step is a
//    calendar event) and inline (steps run straight through);
//  - a hand-written state machine over the same calendar (the alternative
//    design), and the same draws in a plain loop (the lower bound).
// Items are steps (events).
#include "passage/core/simulation.hpp"
#include "passage/random/stream.hpp"

#include <benchmark/benchmark.h>
#include <vector>

using namespace passage::engine;

namespace {

constexpr int kSteps = 50;
constexpr int kTravellers = 2000;

Process traveller(Simulation& sim, Time start, std::uint64_t id, std::uint64_t& sink)
{
  Clock clock{ start };
  auto rng = random::Stream::derive(1, 0, 2, id);
  for (int k = 0; k < kSteps; ++k) {
    co_await sim.delay(clock, rng.exponential());
  }
  sink += static_cast<std::uint64_t>(clock.now);
}

void run_coroutines(benchmark::State& state, Stepping stepping)
{
  Simulation sim(stepping);
  std::uint64_t sink = 0;
  std::uint64_t events = 0;
  for (auto _ : state) {
    sim.reset(1.0e9);
    auto starts = random::Stream::derive(1, 0, 1);
    for (std::uint64_t i = 0; i < kTravellers; ++i) {
      sim.start(traveller(sim, starts.uniform(0.0, 100.0), i, sink), 0.0);
    }
    sim.run();
    events += sim.events();
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
}

void BM_CoroutineEventByEvent(benchmark::State& state)
{
  run_coroutines(state, Stepping::EventByEvent);
}
void BM_CoroutineInline(benchmark::State& state)
{
  run_coroutines(state, Stepping::Inline);
}

// The alternative: an explicit state machine (stage counter) per traveller.
void BM_StateMachineCalendar(benchmark::State& state)
{
  struct T
  {
    double t;
    int stage;
    random::Stream rng;
  };
  std::vector<T> ts(kTravellers);
  RadixHeapCalendar cal;
  std::uint64_t sink = 0;
  std::uint64_t events = 0;
  for (auto _ : state) {
    cal.clear();
    std::uint64_t seq = 0;
    auto starts = random::Stream::derive(1, 0, 1);
    for (std::uint32_t i = 0; i < kTravellers; ++i) {
      ts[i] = T{ starts.uniform(0.0, 100.0), 0, random::Stream::derive(1, 0, 2, i) };
      cal.push(Event{ 0.0, seq++, nullptr, 1, i });
    }
    while (!cal.empty()) {
      const Event e = cal.pop();
      ++events;
      T& t = ts[e.arg];
      if (t.stage == kSteps) {
        sink += static_cast<std::uint64_t>(t.t);
        continue;
      }
      t.t += t.rng.exponential();
      ++t.stage;
      cal.push(Event{ t.t, seq++, nullptr, 1, e.arg });
    }
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
}

// The lower bound: the same draws in a straight loop, no calendar.
void BM_PlainLoop(benchmark::State& state)
{
  std::uint64_t sink = 0;
  std::uint64_t events = 0;
  for (auto _ : state) {
    auto starts = random::Stream::derive(1, 0, 1);
    for (std::uint64_t i = 0; i < kTravellers; ++i) {
      double t = starts.uniform(0.0, 100.0);
      auto rng = random::Stream::derive(1, 0, 2, i);
      for (int k = 0; k < kSteps; ++k) {
        t += rng.exponential();
      }
      sink += static_cast<std::uint64_t>(t);
      events += kSteps + 1;
    }
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
}

} // namespace

BENCHMARK(BM_CoroutineEventByEvent)
  ->Name("process/coroutine_event_by_event")
  ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CoroutineInline)->Name("process/coroutine_inline")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StateMachineCalendar)
  ->Name("process/state_machine_calendar")
  ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PlainLoop)->Name("process/plain_loop")->Unit(benchmark::kMillisecond);
