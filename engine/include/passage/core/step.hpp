#pragma once
//! Awaitable steps: a piece of a process written as its own coroutine, which the
//! process (or another step) runs with `co_await`.
//!
//!     Step<double> ride(Simulation& sim, Clock& clock, Segment& s) {
//!       co_await sim.delay(clock, s.days);   // may wait: delay, sync, a server, a vehicle
//!       co_return s.fare;
//!     }
//!     Process journey(...) { ...; const double paid = co_await ride(sim, clock, s); ... }
//!
//! A step starts when it is awaited (not when it is called) and runs in the
//! caller's stead until it finishes. A step that finishes without suspending (all
//! its waits private, in inline mode) hands back to its caller like a function
//! returns; a step that suspended resumes its caller from its final suspension
//! (symmetric transfer). Either way the stack does not grow with the number of
//! steps run in a row, whether or not the compiler makes the transfer a tail call
//! (GCC does only when optimising). A step that never suspended ends in place:
//! its value (or exception) is already in the awaiting `Step`, and its frame goes
//! back to the pool as it finishes, without a second call into it to destroy it
//! (the common case in inline mode: one call in and out a step). Whatever the step
//! waits on resumes the step, never the caller: timers, `sync`, `FifoServer`,
//! `BatchDeparture` take any coroutine handle. A step may await further steps,
//! return a value (`Step<T>`, `co_return x`) and throw: the exception reaches the
//! caller at its `co_await`. Frames come from the thread's `FramePool`, like a
//! process's; the awaiting expression owns the step, so a step whose caller is
//! destroyed (a replication ends while it waits) is destroyed with it.
//!
//! Stepping: a step adds no event of its own. In `Stepping::Inline` mode a step
//! whose waits are all private runs straight through; in event-by-event mode its
//! waits go through the calendar as its caller's would: the two modes stay
//! bit-identical (tests/unit/test_step.cpp).

#include "passage/core/frame_pool.hpp"

#include <cassert>
#include <coroutine>
#include <exception>
#include <new>
#include <type_traits>
#include <utility>

namespace passage::engine {

template<class T = void>
class Step;

namespace detail {

//! Where a step's outcome goes: the awaiting `Step` holds it, so that a step
//! that finishes without suspending can free its frame as it ends.
struct StepOutcome
{
  std::exception_ptr exception{};
  bool finished = false; //!< ended (and freed its frame) inside the caller's await_suspend
};

template<class T>
struct StepResult : StepOutcome
{
  StepResult() noexcept {}
  StepResult(const StepResult&) = delete;
  StepResult& operator=(const StepResult&) = delete;
  ~StepResult()
  {
    if (has_value) {
      value.~T();
    }
  }
  // Constructed only by return_value: T needs no default constructor.
  union
  {
    T value;
  };
  bool has_value = false;
};

template<>
struct StepResult<void> : StepOutcome
{
};

//! What every step's promise holds: who to resume, and where its outcome goes.
struct StepPromiseBase
{
  std::coroutine_handle<> continuation{};
  StepOutcome* outcome = nullptr; //!< the awaiting Step's, set when it starts the step
  bool starting = false;          //!< still inside the caller's await_suspend

  std::suspend_always initial_suspend() const noexcept { return {}; }

  //! At the end: if the step never suspended, do not suspend (the frame is
  //! freed now) and return to the caller's await_suspend, which lets the caller
  //! go on; otherwise resume the caller in place of this frame (symmetric
  //! transfer), whose Step frees the frame.
  struct Final
  {
    bool in_place;
    bool await_ready() const noexcept { return in_place; }
    template<class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) const noexcept
    {
      auto& p = h.promise();
      assert(p.continuation);
      return p.continuation;
    }
    void await_resume() const noexcept {}
  };
  Final final_suspend() const noexcept
  {
    outcome->finished = starting;
    return Final{ starting };
  }

  void unhandled_exception() noexcept { outcome->exception = std::current_exception(); }

  static void* operator new(std::size_t n) { return FramePool::local().allocate(n); }
  static void operator delete(void* p, std::size_t n) noexcept
  {
    FramePool::local().deallocate(p, n);
  }
};

[[noreturn, gnu::cold, gnu::noinline]] inline void rethrow_step(const StepOutcome& o)
{
  std::rethrow_exception(o.exception);
}

template<class T>
struct StepPromise : StepPromiseBase
{
  static_assert(!std::is_reference_v<T>, "a step returns a value; return a pointer instead");

  Step<T> get_return_object() noexcept;

  template<class U>
  requires std::is_convertible_v<U&&, T>
  void return_value(U&& v)
  {
    auto& r = *static_cast<StepResult<T>*>(outcome);
    ::new (static_cast<void*>(std::addressof(r.value))) T(std::forward<U>(v));
    r.has_value = true;
  }
};

template<>
struct StepPromise<void> : StepPromiseBase
{
  Step<void> get_return_object() noexcept;
  void return_void() const noexcept {}
};

} // namespace detail

//! The return type of a step coroutine; `co_await` it once, from a process or
//! another step.
template<class T>
class [[nodiscard]] Step
{
public:
  using promise_type = detail::StepPromise<T>;
  using Handle = std::coroutine_handle<promise_type>;

  explicit Step(Handle h) noexcept : handle_(h) {}
  // Moved only before it is awaited (the outcome is registered when it starts).
  Step(Step&& o) noexcept : handle_(std::exchange(o.handle_, {})) {}
  Step& operator=(Step&& o) noexcept
  {
    if (this != &o) {
      reset();
      handle_ = std::exchange(o.handle_, {});
    }
    return *this;
  }
  Step(const Step&) = delete;
  Step& operator=(const Step&) = delete;
  ~Step() { reset(); }

  // --- awaited by the caller ---
  bool await_ready() const noexcept { return false; }
  //! Run the step until it finishes or first suspends: the caller goes straight
  //! on (false) if it finished, else waits for the step to resume it (true).
  bool await_suspend(std::coroutine_handle<> caller) noexcept
  {
    auto& p = handle_.promise();
    assert(handle_ && !handle_.done() && !p.continuation);
    p.continuation = caller;
    p.outcome = &result_;
    p.starting = true;
    handle_.resume();
    if (result_.finished) {
      handle_ = {}; // the frame is already back in the pool
      return false;
    }
    p.starting = false;
    return true;
  }
  //! The step's value, or its exception rethrown.
  T await_resume()
  {
    if (result_.exception) [[unlikely]] {
      detail::rethrow_step(result_);
    }
    if constexpr (!std::is_void_v<T>) {
      assert(result_.has_value);
      return std::move(result_.value);
    }
  }

private:
  void reset() noexcept
  {
    if (handle_) {
      handle_.destroy();
      handle_ = {};
    }
  }
  Handle handle_{};
  detail::StepResult<T> result_;
};

namespace detail {

template<class T>
Step<T> StepPromise<T>::get_return_object() noexcept
{
  return Step<T>{ std::coroutine_handle<StepPromise<T>>::from_promise(*this) };
}

inline Step<void> StepPromise<void>::get_return_object() noexcept
{
  return Step<void>{ std::coroutine_handle<StepPromise<void>>::from_promise(*this) };
}

} // namespace detail

} // namespace passage::engine
