#pragma once
//! The event calendar: pending events ordered by (time, insertion sequence).
//!
//! Three interchangeable implementations share one small interface (the
//! `Calendar` concept) so they can be benchmarked against each other
//! (bench/bm_calendar.cpp): a binary heap on std::priority_queue (the reference),
//! a 4-ary heap, and a radix heap. The radix heap exploits the one property every
//! discrete-event calendar has — nothing is ever scheduled before the event being
//! processed — and is the default.

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <queue>
#include <vector>

namespace passage::engine {

//! Simulated time, in days.
using Time = double;

//! One pending event: when, the tie-breaking sequence number, and what to wake.
struct Event
{
  Time time = 0.0;
  std::uint64_t seq = 0;
  void* target = nullptr; //!< coroutine frame address, or a component
  std::uint32_t kind = 0; //!< 0: resume a coroutine; otherwise a handler id
  std::uint32_t arg = 0;  //!< handler argument
};

//! Strict (time, seq) order: ties in time are broken by insertion sequence.
inline bool before(const Event& a, const Event& b) noexcept
{
  return a.time < b.time || (a.time == b.time && a.seq < b.seq);
}

//! What every calendar offers.
template<class C>
concept Calendar = requires(C c, const C cc, const Event& e)
{
  c.push(e);
  {
    c.pop()
    } -> std::same_as<Event>;
  {
    c.peek()
    } -> std::same_as<const Event&>;
  {
    cc.empty()
    } -> std::same_as<bool>;
  {
    cc.size()
    } -> std::convertible_to<std::size_t>;
  c.clear();
};

//! Reference: std::priority_queue (a binary heap) with the (time, seq) order.
class BinaryHeapCalendar
{
public:
  void push(const Event& e) { heap_.push(e); }
  Event pop()
  {
    Event e = heap_.top();
    heap_.pop();
    return e;
  }
  const Event& peek() { return heap_.top(); }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  void clear() { heap_ = {}; }

private:
  struct Later
  {
    bool operator()(const Event& a, const Event& b) const { return before(b, a); }
  };
  std::priority_queue<Event, std::vector<Event>, Later> heap_;
};

//! An implicit 4-ary min-heap: shallower than a binary heap, and the four
//! children of a node share a cache line or two.
class QuaternaryHeapCalendar
{
public:
  void push(const Event& e)
  {
    heap_.push_back(e);
    std::size_t i = heap_.size() - 1;
    while (i > 0) {
      const std::size_t parent = (i - 1) / 4;
      if (!before(e, heap_[parent])) {
        break;
      }
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = e;
  }

  Event pop()
  {
    assert(!heap_.empty());
    const Event top = heap_.front();
    const Event last = heap_.back();
    heap_.pop_back();
    const std::size_t n = heap_.size();
    if (n > 0) {
      std::size_t i = 0;
      for (;;) {
        const std::size_t first = 4 * i + 1;
        if (first >= n) {
          break;
        }
        std::size_t best = first;
        const std::size_t end = first + 4 < n ? first + 4 : n;
        for (std::size_t c = first + 1; c < end; ++c) {
          if (before(heap_[c], heap_[best])) {
            best = c;
          }
        }
        if (!before(heap_[best], last)) {
          break;
        }
        heap_[i] = heap_[best];
        i = best;
      }
      heap_[i] = last;
    }
    return top;
  }

  const Event& peek() { return heap_.front(); }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  void clear() { heap_.clear(); }

private:
  std::vector<Event> heap_;
};

//! A radix heap over the 128-bit key (time bits, seq). Valid because keys are
//! monotone: a new event is never earlier than the last one popped, and its
//! sequence number is larger than any before it. Each event moves down the 129
//! buckets a few times at most; pops cost a bit scan, not a log-depth sift.
class RadixHeapCalendar
{
public:
  void push(const Event& e)
  {
    assert(e.time >= 0.0);
    const Key k = key_of(e);
    assert(!(k < last_));
    const unsigned b = bucket_of(k);
    buckets_[b].push_back(e);
    mark(b);
    ++size_;
  }

  Event pop()
  {
    settle();
    Event e = buckets_[0].back();
    buckets_[0].pop_back();
    if (buckets_[0].empty()) {
      unmark(0);
    }
    --size_;
    return e;
  }

  const Event& peek()
  {
    settle();
    return buckets_[0].back();
  }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

  void clear()
  {
    for (auto& b : buckets_) {
      b.clear();
    }
    mask_ = {};
    last_ = {};
    size_ = 0;
  }

private:
  struct Key
  {
    std::uint64_t hi; // bit pattern of a non-negative double: ordered like the value
    std::uint64_t lo; // insertion sequence
    bool operator<(const Key& o) const { return hi < o.hi || (hi == o.hi && lo < o.lo); }
  };

  static Key key_of(const Event& e)
  {
    // +0.0 folds a negative zero into the ordered range.
    return { std::bit_cast<std::uint64_t>(e.time + 0.0), e.seq };
  }

  unsigned bucket_of(const Key& k) const
  {
    if (const std::uint64_t d = k.hi ^ last_.hi) {
      return 128u - static_cast<unsigned>(std::countl_zero(d));
    }
    if (const std::uint64_t d = k.lo ^ last_.lo) {
      return 64u - static_cast<unsigned>(std::countl_zero(d));
    }
    return 0;
  }

  void mark(unsigned b) { mask_[b >> 6] |= std::uint64_t{ 1 } << (b & 63); }
  void unmark(unsigned b) { mask_[b >> 6] &= ~(std::uint64_t{ 1 } << (b & 63)); }

  // Make bucket 0 hold the minimum: find the lowest non-empty bucket, make its
  // minimum the new reference key, and spread the bucket over lower buckets.
  void settle()
  {
    assert(size_ > 0);
    if (!buckets_[0].empty()) {
      return;
    }
    unsigned b = 0;
    for (unsigned w = 0; w < mask_.size(); ++w) {
      if (mask_[w] != 0) {
        b = w * 64 + static_cast<unsigned>(std::countr_zero(mask_[w]));
        break;
      }
    }
    auto& from = buckets_[b];
    Key min = key_of(from[0]);
    for (std::size_t i = 1; i < from.size(); ++i) {
      const Key k = key_of(from[i]);
      if (k < min) {
        min = k;
      }
    }
    last_ = min;
    for (const Event& e : from) {
      const unsigned nb = bucket_of(key_of(e));
      buckets_[nb].push_back(e);
      mark(nb);
    }
    from.clear();
    unmark(b);
  }

  std::array<std::vector<Event>, 129> buckets_{};
  std::array<std::uint64_t, 3> mask_{};
  Key last_{ 0, 0 };
  std::size_t size_ = 0;
};

//! A calendar queue (Brown 1988): a ring of buckets, each `width_` days wide, like
//! the days of a desk calendar. The next event is at the front of the current
//! day's bucket; inserting is a short sorted insert. Buckets hold a few events
//! inline, in one flat array (no pointer chasing); the rare event that finds its
//! bucket full waits in a small overflow heap. The ring doubles or halves with the
//! number of pending events and its width is re-estimated from their spread, so
//! a bucket holds about one event: O(1) per event.
class CalendarQueue
{
public:
  CalendarQueue() { rebuild(64, 1.0); }

  void push(const Event& e)
  {
    if (!insert(e)) {
      overflow_.push(e);
    }
    ++size_;
    if (size_ > 2 * buckets()) {
      resize(buckets() * 2);
    }
  }

  Event pop()
  {
    const Event e = front();
    if (from_overflow_) {
      overflow_.pop();
    } else {
      --count_[current_];
    }
    --size_;
    last_ = e.time;
    if (buckets() > 64 && size_ < buckets() / 4) {
      resize(buckets() / 2);
    }
    return e;
  }

  const Event& peek() { return front(); }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  void clear()
  {
    last_ = 0.0;
    rebuild(64, 1.0);
    overflow_.clear();
    size_ = 0;
  }

private:
  static constexpr std::size_t kSlots = 8; // events held inline per bucket

  std::size_t buckets() const { return count_.size(); }

  // The day an event falls on, and its bucket (days wrap around the ring).
  std::uint64_t day(Time t) const { return static_cast<std::uint64_t>(t * inverse_width_); }
  std::size_t index(Time t) const { return static_cast<std::size_t>(day(t) & mask_); }

  // Sorted latest-first within a bucket: its earliest event is the last one.
  bool insert(const Event& e)
  {
    const std::size_t b = index(e.time);
    std::uint8_t& n = count_[b];
    if (n == kSlots) {
      return false;
    }
    Event* slots = &slots_[b * kSlots];
    std::size_t i = n;
    while (i > 0 && before(slots[i - 1], e)) {
      slots[i] = slots[i - 1];
      --i;
    }
    slots[i] = e;
    ++n;
    return true;
  }

  const Event& front()
  {
    assert(size_ > 0);
    const Event* best = nullptr;
    if (size_ > overflow_.size()) {
      // Scan one year of days, from today, for an event due on its day. Days
      // already found empty stay behind us: nothing is ever scheduled before
      // the last event taken.
      for (std::size_t k = 0; k < buckets(); ++k) {
        const std::size_t i = today_ & mask_;
        if (count_[i] > 0 && day(slots_[i * kSlots + count_[i] - 1].time) == today_) {
          best = &slots_[i * kSlots + count_[i] - 1];
          current_ = i;
          break;
        }
        ++today_;
      }
      if (best == nullptr && ++misses_ >= 4) {
        // Years go by empty: the width no longer fits the events. Re-estimate.
        misses_ = 0;
        resize(buckets());
        return front();
      }
      if (best == nullptr) {
        // A sparse stretch: the earliest of all bucket fronts.
        for (std::size_t j = 0; j < buckets(); ++j) {
          if (count_[j] > 0) {
            const Event* f = &slots_[j * kSlots + count_[j] - 1];
            if (best == nullptr || before(*f, *best)) {
              best = f;
            }
          }
        }
        // Jump to its day.
        today_ = day(best->time);
        current_ = index(best->time);
      }
    }
    from_overflow_ = !overflow_.empty() && (best == nullptr || before(overflow_.peek(), *best));
    if (from_overflow_) {
      // Today is the overflow event's day: later inserts may fall between it
      // and the bucket found above.
      today_ = day(overflow_.peek().time);
      return overflow_.peek();
    }
    return *best;
  }

  void rebuild(std::size_t n, double width)
  {
    count_.assign(n, 0);
    slots_.resize(n * kSlots);
    mask_ = n - 1;
    width_ = width;
    inverse_width_ = 1.0 / width;
    today_ = day(last_);
    current_ = index(last_);
  }

  void resize(std::size_t n)
  {
    std::vector<Event> all;
    all.reserve(size_);
    for (std::size_t b = 0; b < buckets(); ++b) {
      for (std::size_t i = 0; i < count_[b]; ++i) {
        all.push_back(slots_[b * kSlots + i]);
      }
    }
    while (!overflow_.empty()) {
      all.push_back(overflow_.pop());
    }
    // Brown's estimate: three times the mean separation of the earliest events,
    // where the queue is densest and most operations happen.
    double width = width_;
    const std::size_t k = std::min<std::size_t>(all.size(), 64);
    if (k > 1) {
      std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end(),
                        before);
      const double span = all[k - 1].time - all[0].time;
      if (span > 0.0) {
        width = 3.0 * span / static_cast<double>(k - 1);
      }
      // Keep day numbers far inside 64 bits, however close the events are.
      width = std::max(width, 1e-12 * std::max(1.0, all[k - 1].time));
    }
    rebuild(n, width > 0.0 && std::isfinite(width) ? width : 1.0);
    for (const Event& e : all) {
      if (!insert(e)) {
        overflow_.push(e);
      }
    }
  }

  std::vector<Event> slots_;
  std::vector<std::uint8_t> count_;
  QuaternaryHeapCalendar overflow_;
  std::size_t mask_ = 0;
  double width_ = 1.0;
  double inverse_width_ = 1.0;
  std::size_t current_ = 0; // the bucket of the event at the front
  std::uint64_t today_ = 0; // the day being looked at
  bool from_overflow_ = false;
  std::size_t misses_ = 0; // empty years scanned since the last resize
  std::size_t size_ = 0;
  Time last_ = 0.0;
};

static_assert(Calendar<BinaryHeapCalendar>);
static_assert(Calendar<CalendarQueue>);
static_assert(Calendar<QuaternaryHeapCalendar>);
static_assert(Calendar<RadixHeapCalendar>);

} // namespace passage::engine
