// How to write a process: measured before choosing (engine/README.md).
// A "journey" of K private steps, each one exponential draw and a time advance,
// for N travellers that start at random times:
//  - coroutine processes through the kernel, event by event (every step is a
//    calendar event) and inline (steps run straight through);
//  - a hand-written state machine over the same calendar (the alternative
//    design), and the same draws in a plain loop (the lower bound);
//  - the same journey with each step an awaitable `Step` (core/step.hpp), against
//    the coroutine with the step's code inline, in both stepping modes.
// Items are steps (events); for `process/step_frames`, step frames.
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

// The same journey, each step a Step coroutine.
Step<> leg(Simulation& sim, Clock& clock, random::Stream& rng)
{
  co_await sim.delay(clock, rng.exponential());
}

Process traveller_steps(Simulation& sim, Time start, std::uint64_t id, std::uint64_t& sink)
{
  Clock clock{ start };
  auto rng = random::Stream::derive(1, 0, 2, id);
  for (int k = 0; k < kSteps; ++k) {
    co_await leg(sim, clock, rng);
  }
  sink += static_cast<std::uint64_t>(clock.now);
}

template<class Traveller>
void run_coroutines(benchmark::State& state, Stepping stepping, Traveller make)
{
  Simulation sim(stepping);
  std::uint64_t sink = 0;
  std::uint64_t events = 0;
  for (auto _ : state) {
    sim.reset(1.0e9);
    auto starts = random::Stream::derive(1, 0, 1);
    for (std::uint64_t i = 0; i < kTravellers; ++i) {
      sim.start(make(sim, starts.uniform(0.0, 100.0), i, sink), 0.0);
    }
    sim.run();
    events += sim.events();
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
}

void BM_CoroutineEventByEvent(benchmark::State& state)
{
  run_coroutines(state, Stepping::EventByEvent, traveller);
}
void BM_CoroutineInline(benchmark::State& state)
{
  run_coroutines(state, Stepping::Inline, traveller);
}
void BM_StepEventByEvent(benchmark::State& state)
{
  run_coroutines(state, Stepping::EventByEvent, traveller_steps);
}
void BM_StepInline(benchmark::State& state)
{
  run_coroutines(state, Stepping::Inline, traveller_steps);
}

// The cost of a step frame alone: a step that does not wait and returns a value,
// awaited in a loop (allocate from the pool, transfer in, return, transfer out, free).
Step<std::uint64_t> mix(std::uint64_t x)
{
  co_return x * 0x9E3779B97F4A7C15ULL + 1;
}

void BM_StepFrames(benchmark::State& state)
{
  constexpr int kCalls = 1 << 16;
  Simulation sim;
  std::uint64_t sink = 0;
  std::uint64_t frames = 0;
  for (auto _ : state) {
    sim.reset(1.0);
    auto p = [&]() -> Process {
      std::uint64_t x = sink;
      for (int i = 0; i < kCalls; ++i) {
        x = co_await mix(x);
      }
      sink = x;
    };
    sim.start(p(), 0.0);
    sim.run();
    frames += kCalls;
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(static_cast<std::int64_t>(frames));
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
BENCHMARK(BM_StepEventByEvent)->Name("process/step_event_by_event")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StepInline)->Name("process/step_inline")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StepFrames)->Name("process/step_frames")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StateMachineCalendar)
  ->Name("process/state_machine_calendar")
  ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PlainLoop)->Name("process/plain_loop")->Unit(benchmark::kMillisecond);
