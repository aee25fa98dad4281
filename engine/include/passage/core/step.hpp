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
//! (GCC does only when optimising). Whatever the step
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

//! What every step's promise holds: who to resume, and a pending exception.
struct StepPromiseBase
{
  std::coroutine_handle<> continuation{};
  std::exception_ptr exception{};
  bool starting = false; //!< still inside the caller's await_suspend

  std::suspend_always initial_suspend() const noexcept { return {}; }

  //! At the end: if the step never suspended, return to the caller's
  //! await_suspend, which lets the caller go on; otherwise resume the caller in
  //! place of this frame (symmetric transfer).
  struct Final
  {
    bool await_ready() const noexcept { return false; }
    template<class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) const noexcept
    {
      auto& p = h.promise();
      if (p.starting) {
        return std::noop_coroutine();
      }
      assert(p.continuation);
      return p.continuation;
    }
    void await_resume() const noexcept {}
  };
  Final final_suspend() const noexcept { return {}; }

  void unhandled_exception() noexcept { exception = std::current_exception(); }

  static void* operator new(std::size_t n) { return FramePool::local().allocate(n); }
  static void operator delete(void* p, std::size_t n) noexcept
  {
    FramePool::local().deallocate(p, n);
  }
};

template<class T>
struct StepPromise : StepPromiseBase
{
  static_assert(!std::is_reference_v<T>, "a step returns a value; return a pointer instead");

  StepPromise() noexcept {}
  StepPromise(const StepPromise&) = delete;
  StepPromise& operator=(const StepPromise&) = delete;
  ~StepPromise()
  {
    if (has_value) {
      value.~T();
    }
  }

  Step<T> get_return_object() noexcept;

  template<class U>
  requires std::is_convertible_v<U&&, T>
  void return_value(U&& v)
  {
    ::new (static_cast<void*>(std::addressof(value))) T(std::forward<U>(v));
    has_value = true;
  }

  T take()
  {
    if (exception) {
      std::rethrow_exception(exception);
    }
    assert(has_value);
    return std::move(value);
  }

  // Constructed only by return_value: T needs no default constructor.
  union
  {
    T value;
  };
  bool has_value = false;
};

template<>
struct StepPromise<void> : StepPromiseBase
{
  Step<void> get_return_object() noexcept;
  void return_void() const noexcept {}
  void take() const
  {
    if (exception) {
      std::rethrow_exception(exception);
    }
  }
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
    p.starting = true;
    handle_.resume();
    p.starting = false;
    return !handle_.done();
  }
  //! The step's value, or its exception rethrown.
  T await_resume() { return handle_.promise().take(); }

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
