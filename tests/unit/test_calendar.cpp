#include "passage/core/calendar.hpp"
#include "passage/random/stream.hpp"

#include <algorithm>
#include <cmath>
#include <doctest/doctest.h>
#include <vector>

using namespace passage::engine;

namespace {

template<class C>
void check_random_order()
{
  // Interleave pushes and pops as a simulation does (never earlier than the
  // last pop), and compare with a sorted reference.
  C cal;
  random::Stream rng = random::Stream::derive(7, 0, 1);
  std::vector<Event> reference;
  std::uint64_t seq = 0;
  double now = 0.0;
  std::vector<Event> popped;
  for (int step = 0; step < 20000; ++step) {
    const int pushes = static_cast<int>(rng.uniform_int(0, 3));
    for (int k = 0; k < pushes; ++k) {
      // Some ties on purpose: times rounded to a coarse grid.
      const double t = now + std::floor(rng.exponential(2.0) * 8.0) / 8.0;
      Event e{ t, seq++, nullptr, 1, static_cast<std::uint32_t>(seq) };
      cal.push(e);
      reference.push_back(e);
    }
    if (!cal.empty() && rng.bernoulli(0.6)) {
      const Event e = cal.pop();
      REQUIRE(e.time >= now);
      now = e.time;
      popped.push_back(e);
    }
  }
  while (!cal.empty()) {
    popped.push_back(cal.pop());
  }
  // Every event came out exactly once, and in (time, seq) order relative to
  // everything pending when it was popped: the popped sequence is sorted.
  REQUIRE(popped.size() == reference.size());
  for (std::size_t i = 1; i < popped.size(); ++i) {
    CHECK_FALSE(before(popped[i], popped[i - 1]));
  }
  std::sort(reference.begin(), reference.end(), before);
  for (std::size_t i = 0; i < popped.size(); ++i) {
    CHECK(popped[i].seq == reference[i].seq);
  }
}

template<class C>
void check_ties()
{
  C cal;
  for (std::uint64_t s = 0; s < 100; ++s) {
    cal.push(Event{ 5.0, s, nullptr, 1, static_cast<std::uint32_t>(s) });
  }
  cal.push(Event{ 1.0, 100, nullptr, 1, 100 });
  CHECK(cal.pop().seq == 100);
  for (std::uint64_t s = 0; s < 100; ++s) {
    const Event e = cal.pop();
    CHECK(e.time == 5.0);
    CHECK(e.seq == s); // ties leave in insertion order
  }
  CHECK(cal.empty());
}

} // namespace

TEST_CASE("calendar: binary heap orders by (time, seq)")
{
  check_ties<BinaryHeapCalendar>();
  check_random_order<BinaryHeapCalendar>();
}

TEST_CASE("calendar: 4-ary heap orders by (time, seq)")
{
  check_ties<QuaternaryHeapCalendar>();
  check_random_order<QuaternaryHeapCalendar>();
}

TEST_CASE("calendar: radix heap orders by (time, seq)")
{
  check_ties<RadixHeapCalendar>();
  check_random_order<RadixHeapCalendar>();
}

TEST_CASE("calendar: calendar queue orders by (time, seq)")
{
  check_ties<CalendarQueue>();
  check_random_order<CalendarQueue>();
}

TEST_CASE("calendar: calendar queue survives sparse stretches, bursts and resizing")
{
  // Gaps over nine orders of magnitude, bursts of ties, and a queue that grows
  // to 20,000 and shrinks to nothing twice: checked against a binary heap.
  CalendarQueue cal;
  BinaryHeapCalendar ref;
  random::Stream rng = random::Stream::derive(11, 0, 1);
  std::uint64_t seq = 0;
  double now = 0.0;
  for (int phase = 0; phase < 4; ++phase) {
    const bool growing = phase % 2 == 0;
    for (int step = 0; step < 40000; ++step) {
      const bool push = growing ? rng.bernoulli(0.75) : rng.bernoulli(0.25);
      if (push || cal.empty()) {
        const int burst = rng.bernoulli(0.05) ? 20 : 1;
        const double gap = std::pow(10.0, rng.uniform(-6.0, 3.0));
        for (int b = 0; b < burst; ++b) {
          const Event e{ now + gap, seq++, nullptr, 1, 0 };
          cal.push(e);
          ref.push(e);
        }
      } else {
        const Event a = cal.pop();
        const Event b = ref.pop();
        REQUIRE(a.seq == b.seq);
        now = a.time;
      }
    }
  }
  while (!ref.empty()) {
    REQUIRE(cal.pop().seq == ref.pop().seq);
  }
  CHECK(cal.empty());
}

TEST_CASE("calendar: radix heap handles zero, large times and clear")
{
  RadixHeapCalendar cal;
  cal.push(Event{ 0.0, 0, nullptr, 1, 0 });
  cal.push(Event{ 1.0e9, 1, nullptr, 1, 0 });
  cal.push(Event{ -0.0, 2, nullptr, 1, 0 });
  CHECK(cal.pop().seq == 0);
  CHECK(cal.pop().seq == 2);
  CHECK(cal.peek().seq == 1);
  CHECK(cal.size() == 1);
  cal.clear();
  CHECK(cal.empty());
  cal.push(Event{ 3.0, 0, nullptr, 1, 0 }); // after clear, time starts again at 0
  CHECK(cal.pop().time == 3.0);
}
