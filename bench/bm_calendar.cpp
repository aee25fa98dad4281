// Calendar schedule/pop ("hold" model): with N events pending, pop the earliest
// and schedule one at its time plus an exponential gap. The same pre-drawn gaps
// for every calendar, so the comparison measures the calendar alone.
#include "passage/core/calendar.hpp"
#include "passage/random/stream.hpp"

#include <benchmark/benchmark.h>
#include <vector>

using namespace passage::engine;

namespace {

const std::vector<double>& gaps()
{
  static const std::vector<double> g = [] {
    std::vector<double> v(1 << 16);
    auto s = random::Stream::derive(1, 0, 1);
    for (auto& x : v) {
      x = s.exponential();
    }
    return v;
  }();
  return g;
}

template<class C>
void BM_Hold(benchmark::State& state)
{
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto& g = gaps();
  C cal;
  std::uint64_t seq = 0;
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i) {
    cal.push(Event{ g[k++ & 0xffff] * static_cast<double>(n), seq++, nullptr, 1, 0 });
  }
  for (auto _ : state) {
    const Event e = cal.pop();
    cal.push(Event{ e.time + g[k++ & 0xffff] * static_cast<double>(n), seq++, nullptr, 1, 0 });
    benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["pending"] = static_cast<double>(n);
}

} // namespace

BENCHMARK(BM_Hold<BinaryHeapCalendar>)
  ->Name("calendar/std_priority_queue")
  ->RangeMultiplier(10)
  ->Range(1000, 100000);
BENCHMARK(BM_Hold<QuaternaryHeapCalendar>)
  ->Name("calendar/4ary_heap")
  ->RangeMultiplier(10)
  ->Range(1000, 100000);
BENCHMARK(BM_Hold<CalendarQueue>)
  ->Name("calendar/calendar_queue")
  ->RangeMultiplier(10)
  ->Range(1000, 100000);
BENCHMARK(BM_Hold<RadixHeapCalendar>)
  ->Name("calendar/radix_heap")
  ->RangeMultiplier(10)
  ->Range(1000, 100000);
