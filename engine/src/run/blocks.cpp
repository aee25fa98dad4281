#include "passage/run/blocks.hpp"

#include "passage/errors.hpp"
#include "passage/run/cluster.hpp"

#include <algorithm>
#include <iostream>

namespace passage::engine {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0)
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

std::uint64_t AdaptiveChunk::next(std::uint64_t size, double seconds, std::uint64_t floor,
                                  std::uint64_t cap) noexcept
{
  std::uint64_t n = size;
  if (seconds < 0.5) {
    n = size * 2;
  } else if (seconds > 2.0) {
    n = std::max(floor, size / 2);
  }
  return std::max<std::uint64_t>(1, std::min(n, cap));
}

void AdaptiveChunk::adapt()
{
  adapt(seconds_since(t0_));
}

void AdaptiveChunk::adapt(double seconds)
{
  size_ = Cluster::instance().broadcast(next(size_, seconds, floor_, cap_));
}

CheckpointGate::CheckpointGate(CheckpointPlan plan) : plan_(std::move(plan)) {}

Boundary CheckpointGate::poll()
{
  auto& cluster = Cluster::instance();
  const bool stop = cluster.any(plan_.stop != nullptr && plan_.stop->load());
  const bool due = cluster.broadcast(static_cast<std::uint64_t>(
                     plan_.periodic && seconds_since(last_) >= plan_.every)) != 0;
  return stop ? Boundary::Stop : due ? Boundary::Checkpoint : Boundary::Continue;
}

void CheckpointGate::write(Boundary boundary, const std::string& where,
                           const std::function<void()>& write)
{
  auto& cluster = Cluster::instance();
  std::string failure;
  if (cluster.root()) {
    try {
      write();
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }
  failure = cluster.broadcast(failure);
  cluster.barrier();
  last_ = std::chrono::steady_clock::now();
  if (failure.empty()) {
    return;
  }
  if (boundary == Boundary::Stop) {
    throw RuntimeError("stopped " + where + ", but the checkpoint could not be written to '" +
                       plan_.path + "': " + failure);
  }
  if (cluster.root()) {
    const std::string message =
      "cannot write the checkpoint '" + plan_.path + "' (" + failure + "); " + plan_.goes_on;
    if (plan_.warn) {
      plan_.warn(message);
    } else {
      std::cerr << "warning: " << message << "\n";
    }
  }
}

} // namespace passage::engine
