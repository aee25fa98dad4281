#include "passage/core/simulation.hpp"

#include <limits>
#include <stdexcept>

namespace passage::engine {

Simulation::Simulation(Stepping stepping) : stepping_(stepping)
{
  handlers_.push_back(nullptr); // kind 0 is "resume a coroutine"
  live_.prev = live_.next = &live_;
}

Simulation::~Simulation()
{
  destroy_all();
  live_.prev = live_.next = nullptr;
}

void Simulation::reset(Time horizon)
{
  destroy_all();
  calendar_.clear();
  now_ = 0.0;
  horizon_ = horizon;
  seq_ = 0;
  events_ = 0;
}

std::uint32_t Simulation::add_handler(Handler h)
{
  if (handlers_.size() >= std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("too many event handlers");
  }
  handlers_.push_back(h);
  return static_cast<std::uint32_t>(handlers_.size() - 1);
}

void Simulation::adopt(Process::Handle h) noexcept
{
  auto& p = h.promise();
  p.prev = live_.prev;
  p.next = &live_;
  live_.prev->next = &p;
  live_.prev = &p;
}

void Simulation::start(Process p, Time t)
{
  const Process::Handle h = p.release();
  adopt(h);
  schedule_resume(t, h);
}

void Simulation::spawn(Process p, Time t)
{
  const Process::Handle h = p.release();
  adopt(h);
  if (stepping_ == Stepping::Inline && t <= horizon_) {
    ++events_;
    h.resume();
  } else {
    schedule_resume(t, h);
  }
}

void Simulation::dispatch(const Event& e)
{
  ++events_;
  if (e.kind == 0) {
    std::coroutine_handle<>::from_address(e.target).resume();
  } else {
    handlers_[e.kind](*this, e.target, e.arg);
  }
}

void Simulation::run()
{
  while (!calendar_.empty()) {
    if (calendar_.peek().time > horizon_) {
      break;
    }
    const Event e = calendar_.pop();
    now_ = e.time;
    dispatch(e);
  }
}

void Simulation::destroy_all() noexcept
{
  while (live_.next != &live_ && live_.next != nullptr) {
    auto* p = live_.next;
    // destroy() runs the promise destructor, which unlinks the frame.
    Process::Handle::from_promise(*p).destroy();
  }
}

} // namespace passage::engine
