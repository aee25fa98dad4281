#pragma once
//! Shared components: the places where processes meet.
//!
//! - FifoServer: c identical servers and one first-come-first-served queue.
//! - BatchDeparture: a vehicle that leaves when `capacity` passengers have
//!   boarded, or `max_wait` days after its first passenger boarded, whichever comes
//!   first; the next vehicle starts loading with the next arrival.
//! - Stock: a finite, recycled stock (taken now, given back later).
//!
//! Every call here happens at calendar time: a process reaches a component only
//! after `co_await sim.sync(clock)`. Waiting lists are intrusive (the links live in
//! the waiting process's frame), so nothing is allocated per event.

#include "passage/core/simulation.hpp"

#include <coroutine>
#include <cstdint>
#include <limits>

namespace passage::engine {

//! c servers, one FIFO queue.
class FifoServer
{
public:
  //! A place in the queue, kept in the waiting process's frame.
  struct Ticket
  {
    Clock* clock = nullptr;
    std::coroutine_handle<> handle{};
    Ticket* next = nullptr;
  };

  explicit FifoServer(Simulation& sim, std::uint32_t servers = 1) : sim_(sim), servers_(servers) {}

  void reset()
  {
    busy_ = 0;
    head_ = tail_ = nullptr;
    queued_ = 0;
  }

  //! `co_await server.request(ticket, clock)`: continue at once if a server is
  //! free, else wait in line; on resumption the process holds a server and its
  //! clock reads the time it got it.
  struct Request
  {
    FifoServer& server;
    Ticket& ticket;
    bool await_ready() noexcept
    {
      if (server.busy_ < server.servers_) {
        ++server.busy_;
        return true;
      }
      return false;
    }
    void await_suspend(std::coroutine_handle<> h) noexcept
    {
      ticket.handle = h;
      ticket.next = nullptr;
      if (server.tail_ != nullptr) {
        server.tail_->next = &ticket;
      } else {
        server.head_ = &ticket;
      }
      server.tail_ = &ticket;
      ++server.queued_;
    }
    void await_resume() const noexcept {}
  };
  Request request(Ticket& ticket, Clock& clock) noexcept
  {
    ticket.clock = &clock;
    return Request{ *this, ticket };
  }

  //! Free a server: the head of the queue, if any, gets it now.
  void release() noexcept
  {
    if (head_ != nullptr) {
      Ticket* t = head_;
      head_ = t->next;
      if (head_ == nullptr) {
        tail_ = nullptr;
      }
      --queued_;
      t->clock->now = sim_.now();
      sim_.schedule_resume(sim_.now(), t->handle);
    } else {
      --busy_;
    }
  }

  std::uint32_t busy() const noexcept { return busy_; }
  std::uint64_t queue_length() const noexcept { return queued_; }

private:
  Simulation& sim_;
  std::uint32_t servers_;
  std::uint32_t busy_ = 0;
  Ticket* head_ = nullptr;
  Ticket* tail_ = nullptr;
  std::uint64_t queued_ = 0;
};

//! A batch departure (a truck, a convoy, a boat).
class BatchDeparture
{
public:
  //! A seat, kept in the passenger's frame.
  struct Seat
  {
    Seat* next = nullptr;
    Time boarded = 0.0;
    std::coroutine_handle<> handle{};
    void* owner = nullptr; //!< the model's passenger record
  };

  //! A vehicle that has just left.
  struct Departure
  {
    std::uint64_t vehicle = 0;  //!< 0, 1, 2, ... in order of loading
    Seat* passengers = nullptr; //!< in boarding order, linked by Seat::next
    std::uint32_t load = 0;
    std::uint32_t capacity = 0;
    Time first_boarded = 0.0;
    Time departed = 0.0;
    bool full = false; //!< left because it was full (else: the wait ran out)
  };

  //! What the model decides: each vehicle's capacity, and what happens when it
  //! leaves (typically: start a convoy process, or resume the passengers).
  class Listener
  {
  public:
    virtual ~Listener() = default;
    virtual std::uint32_t capacity(std::uint64_t vehicle) = 0;
    virtual void depart(const Departure& d) = 0;
  };

  BatchDeparture(Simulation& sim, Listener& listener, Time max_wait)
    : sim_(sim), listener_(listener), max_wait_(max_wait)
  {
    kind_ = sim_.add_handler(&BatchDeparture::on_timeout);
  }

  void reset()
  {
    vehicle_ = 0;
    head_ = tail_ = nullptr;
    load_ = 0;
    capacity_ = 0;
  }

  void set_max_wait(Time w) noexcept { max_wait_ = w; }
  Time max_wait() const noexcept { return max_wait_; }

  //! `co_await stop.board(seat, owner)`: take a seat in the loading vehicle and
  //! wait for the listener to resume the passenger.
  struct Board
  {
    BatchDeparture& stop;
    Seat& seat;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h)
    {
      seat.handle = h;
      stop.take_seat(seat);
    }
    void await_resume() const noexcept {}
  };
  Board board(Seat& seat, void* owner) noexcept
  {
    seat.owner = owner;
    return Board{ *this, seat };
  }

  std::uint64_t vehicles_departed() const noexcept { return vehicle_; }
  std::uint32_t loading() const noexcept { return load_; }

private:
  void take_seat(Seat& seat)
  {
    seat.boarded = sim_.now();
    seat.next = nullptr;
    if (load_ == 0) {
      capacity_ = listener_.capacity(vehicle_);
      first_boarded_ = sim_.now();
      if (max_wait_ < std::numeric_limits<Time>::infinity()) {
        sim_.schedule(first_boarded_ + max_wait_, this, kind_,
                      static_cast<std::uint32_t>(vehicle_));
      }
      head_ = &seat;
    } else {
      tail_->next = &seat;
    }
    tail_ = &seat;
    ++load_;
    if (load_ >= capacity_) {
      leave(true);
    }
  }

  void leave(bool full)
  {
    const Departure d{ vehicle_, head_, load_, capacity_, first_boarded_, sim_.now(), full };
    ++vehicle_;
    head_ = tail_ = nullptr;
    load_ = 0;
    listener_.depart(d);
  }

  static void on_timeout(Simulation&, void* target, std::uint32_t arg)
  {
    auto* self = static_cast<BatchDeparture*>(target);
    // A stale timer (its vehicle already left full) is ignored.
    if (self->load_ > 0 && static_cast<std::uint32_t>(self->vehicle_) == arg) {
      self->leave(false);
    }
  }

  Simulation& sim_;
  Listener& listener_;
  Time max_wait_;
  std::uint32_t kind_ = 0;
  std::uint64_t vehicle_ = 0;
  Seat* head_ = nullptr;
  Seat* tail_ = nullptr;
  std::uint32_t load_ = 0;
  std::uint32_t capacity_ = 0;
  Time first_boarded_ = 0.0;
};

//! A finite stock of reusable items (false passports, beds): taken now, given
//! back at a later time.
class Stock
{
public:
  Stock(Simulation& sim, std::int64_t size) : sim_(sim), size_(size)
  {
    kind_ = sim_.add_handler(&Stock::on_return);
    reset();
  }

  void reset(std::int64_t size)
  {
    size_ = size;
    reset();
  }
  void reset()
  {
    available_ = size_;
    min_available_ = size_;
    taken_ = 0;
    refused_ = 0;
  }

  //! Change the stock's size (a seizure, a replacement): what is available
  //! moves by the difference and may go below zero until items come back.
  void resize(std::int64_t size) noexcept
  {
    available_ += size - size_;
    size_ = size;
    if (available_ < min_available_) {
      min_available_ = available_;
    }
  }

  //! Take one item if any is left (at calendar time).
  bool try_take() noexcept
  {
    if (available_ > 0) {
      --available_;
      ++taken_;
      if (available_ < min_available_) {
        min_available_ = available_;
      }
      return true;
    }
    ++refused_;
    return false;
  }

  //! The item comes back at time t (not before the present).
  void give_back_at(Time t) { sim_.schedule(t, this, kind_); }

  std::int64_t size() const noexcept { return size_; }
  std::int64_t available() const noexcept { return available_; }
  std::int64_t min_available() const noexcept { return min_available_; }
  std::uint64_t taken() const noexcept { return taken_; }
  std::uint64_t refused() const noexcept { return refused_; }

private:
  static void on_return(Simulation&, void* target, std::uint32_t)
  {
    ++static_cast<Stock*>(target)->available_;
  }

  Simulation& sim_;
  std::int64_t size_;
  std::uint32_t kind_ = 0;
  std::int64_t available_ = 0;
  std::int64_t min_available_ = 0;
  std::uint64_t taken_ = 0;
  std::uint64_t refused_ = 0;
};

} // namespace passage::engine
