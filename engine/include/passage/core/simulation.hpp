#pragma once
//! The discrete-event kernel: a clock in days, the event calendar, and processes
//! written as C++20 coroutines that read like the journeys they model.
//!
//! A process keeps its own clock (`Clock`). Steps that touch nobody else — a ride,
//! a roadblock, a work spell — are `co_await sim.delay(clock, dt)`; steps where
//! order between processes matters — boarding a shared truck, taking from a shared
//! stock — start with `co_await sim.sync(clock)`, which always goes through the
//! calendar. In `Stepping::Inline` mode (the default) a private delay does not go
//! through the calendar at all: the process runs straight on along its own clock
//! and rejoins the calendar only at its next sync. In `Stepping::EventByEvent`
//! mode every step is a calendar event. Private steps commute with everything
//! else, so both modes give bit-identical results (tests/unit/test_stepping.cpp);
//! inline stepping just skips the calendar's cost for events that cannot interact.
//!
//! A process is written as a sequence of named steps: `co_await ride(...)` runs a
//! `Step` coroutine (core/step.hpp) that may itself wait on any of the above.

#include "passage/core/calendar.hpp"
#include "passage/core/frame_pool.hpp"
#include "passage/core/step.hpp"

#include <cassert>
#include <coroutine>
#include <cstdint>
#include <exception>
#include <utility>
#include <vector>

namespace passage::engine {

class Simulation;

//! A process's own clock.
struct Clock
{
  Time now = 0.0;
};

//! How private steps are executed.
enum class Stepping
{
  Inline,       //!< private steps run straight through on the process's clock
  EventByEvent, //!< every step goes through the calendar
};

//! The return type of a process coroutine. Frames come from the thread's
//! FramePool; a finished process frees its frame; processes still suspended when
//! a replication ends are destroyed by `Simulation::reset`.
class Process
{
public:
  struct promise_type
  {
    promise_type* prev = nullptr;
    promise_type* next = nullptr;

    Process get_return_object() noexcept
    {
      return Process{ std::coroutine_handle<promise_type>::from_promise(*this) };
    }
    std::suspend_always initial_suspend() const noexcept { return {}; }
    std::suspend_never final_suspend() const noexcept { return {}; }
    void return_void() const noexcept {}
    // Rethrow to the resumer; the frame stays (suspended at its final point) until
    // the simulation is reset.
    void unhandled_exception() const { throw; }

    static void* operator new(std::size_t n) { return FramePool::local().allocate(n); }
    static void operator delete(void* p, std::size_t n) noexcept
    {
      FramePool::local().deallocate(p, n);
    }

    promise_type() = default;
    promise_type(const promise_type&) = delete;
    promise_type& operator=(const promise_type&) = delete;
    ~promise_type() { unlink(); }

    void unlink() noexcept
    {
      if (prev != nullptr) {
        prev->next = next;
        next->prev = prev;
        prev = next = nullptr;
      }
    }
  };

  using Handle = std::coroutine_handle<promise_type>;

  Process() = default;
  explicit Process(Handle h) noexcept : handle_(h) {}
  Process(Process&& o) noexcept : handle_(std::exchange(o.handle_, {})) {}
  Process& operator=(Process&& o) noexcept
  {
    if (this != &o) {
      reset();
      handle_ = std::exchange(o.handle_, {});
    }
    return *this;
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process() { reset(); }

  //! Give up ownership (the simulation takes it).
  Handle release() noexcept { return std::exchange(handle_, {}); }

private:
  void reset() noexcept
  {
    if (handle_) {
      handle_.destroy();
      handle_ = {};
    }
  }
  Handle handle_{};
};

//! The kernel. One per worker thread, reset for each replication; the calendar's
//! storage is kept between replications so nothing is allocated on the per-event
//! path once warm.
class Simulation
{
public:
  //! A component's event handler: `target` and `arg` are what it scheduled.
  using Handler = void (*)(Simulation& sim, void* target, std::uint32_t arg);

  explicit Simulation(Stepping stepping = Stepping::Inline);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  //! Start a new replication: empty calendar, clock at 0, all processes gone.
  void reset(Time horizon);

  Time now() const noexcept { return now_; }
  Time horizon() const noexcept { return horizon_; }
  Stepping stepping() const noexcept { return stepping_; }
  //! Events processed so far in this replication (calendar dispatches plus
  //! private steps run inline; the same count in both stepping modes).
  std::uint64_t events() const noexcept { return events_; }
  std::size_t pending() const noexcept { return calendar_.size(); }

  //! Register a component's handler; returns its event kind.
  std::uint32_t add_handler(Handler h);

  //! Schedule a handler event. Events after the horizon are dropped: they could
  //! never be processed.
  void schedule(Time t, void* target, std::uint32_t kind, std::uint32_t arg = 0)
  {
    assert(kind != 0 && kind < handlers_.size());
    push(t, target, kind, arg);
  }

  //! Resume a suspended coroutine at time t.
  void schedule_resume(Time t, std::coroutine_handle<> h) { push(t, h.address(), 0, 0); }

  //! Hand a new process to the simulation; it starts at time t, through the
  //! calendar.
  void start(Process p, Time t);

  //! Hand a new process to the simulation and start it at `t`, the caller's own
  //! clock: inline mode runs it at once (until its first suspension), event mode
  //! schedules it. For processes spawned by a process that runs ahead.
  void spawn(Process p, Time t);

  //! Process events in (time, seq) order until none is left at or before the
  //! horizon.
  void run();

  //! --- awaitables --------------------------------------------------------

  //! A private step of `dt` days on the process's own clock.
  struct Delay
  {
    Simulation& sim;
    Clock& clock;
    Time dt;
    bool await_ready() noexcept
    {
      clock.now += dt;
      if (sim.stepping_ == Stepping::Inline && clock.now <= sim.horizon_) {
        ++sim.events_;
        return true;
      }
      return false;
    }
    void await_suspend(std::coroutine_handle<> h) noexcept { sim.schedule_resume(clock.now, h); }
    void await_resume() const noexcept {}
  };
  Delay delay(Clock& clock, Time dt) noexcept
  {
    assert(dt >= 0.0);
    return Delay{ *this, clock, dt };
  }

  //! A private step of `dt` days taken at once, from plain code: when it would
  //! run inline (inline stepping, not past the horizon) the clock advances and it
  //! counts as an event, exactly as `co_await delay(clock, dt)` would; false:
  //! nothing happened, and the process must `co_await delay(clock, dt)` itself.
  //! For a hot loop of private steps written as a plain function (a coroutine
  //! keeps its locals in its frame).
  bool step_inline(Clock& clock, Time dt) noexcept
  {
    assert(dt >= 0.0);
    const Time t = clock.now + dt;
    if (stepping_ == Stepping::Inline && t <= horizon_) {
      clock.now = t;
      ++events_;
      return true;
    }
    return false;
  }

  //! Rejoin the calendar at the process's own time: after this the process may
  //! interact with others.
  struct Sync
  {
    Simulation& sim;
    Clock& clock;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) noexcept
    {
      assert(clock.now >= sim.now_);
      sim.schedule_resume(clock.now, h);
    }
    void await_resume() const noexcept {}
  };
  Sync sync(Clock& clock) noexcept { return Sync{ *this, clock }; }

private:
  void push(Time t, void* target, std::uint32_t kind, std::uint32_t arg)
  {
    assert(t >= now_);
    if (t > horizon_) {
      return;
    }
    calendar_.push(Event{ t, seq_++, target, kind, arg });
  }

  void dispatch(const Event& e);
  void adopt(Process::Handle h) noexcept;
  void destroy_all() noexcept;

  RadixHeapCalendar calendar_;
  std::vector<Handler> handlers_;
  Process::promise_type live_; // sentinel of the list of live process frames
  Time now_ = 0.0;
  Time horizon_ = 0.0;
  std::uint64_t seq_ = 0;
  std::uint64_t events_ = 0;
  Stepping stepping_;
};

} // namespace passage::engine
