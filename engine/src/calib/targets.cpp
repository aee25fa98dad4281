#include "passage/calib/targets.hpp"

#include "passage/run/cluster.hpp"

#include <cstring>
#include <limits>

namespace passage::engine::calib {

namespace {

std::string bytes_of(const void* p, std::size_t n)
{
  return std::string(static_cast<const char*>(p), n);
}

} // namespace

ChunkTargets evaluate_targets(sa::Evaluator& evaluator, const Observations& obs,
                              std::uint64_t replications, std::span<const double> values,
                              std::span<const std::uint64_t> first)
{
  auto& cluster = Cluster::instance();
  const std::size_t c = first.size();
  const std::size_t nt = obs.targets.size();
  const auto e = evaluator.run(values, first);
  ChunkTargets t;
  t.mean.assign(c * nt, std::numeric_limits<double>::quiet_NaN());
  t.variance.assign(c * nt, std::numeric_limits<double>::quiet_NaN());
  t.ok.assign(c, 0);
  t.events = e.events;
  if (cluster.root()) {
    for (std::size_t q = 0; q < c; ++q) {
      if (!e.ok[q]) {
        if (t.first_failure.empty()) {
          t.first_failure = e.reasons[q];
        }
        continue;
      }
      const auto tv = target_values(obs, replications, [&](std::size_t col) {
        return std::span<const double>(e.runs.data() + (col * c + q) * replications, replications);
      });
      for (std::size_t k = 0; k < nt; ++k) {
        t.mean[q * nt + k] = tv[k].mean;
        t.variance[q * nt + k] = tv[k].variance;
      }
      t.ok[q] = 1;
    }
  }
  if (cluster.size() > 1) {
    // Only the root holds the gathered runs: it tells the others.
    const std::size_t block = c * nt * sizeof(double);
    std::string msg = bytes_of(t.mean.data(), block) + bytes_of(t.variance.data(), block) +
                      bytes_of(t.ok.data(), c) + bytes_of(&t.events, sizeof t.events) +
                      t.first_failure;
    msg = cluster.broadcast(msg);
    std::memcpy(t.mean.data(), msg.data(), block);
    std::memcpy(t.variance.data(), msg.data() + block, block);
    std::memcpy(t.ok.data(), msg.data() + 2 * block, c);
    std::memcpy(&t.events, msg.data() + 2 * block + c, sizeof t.events);
    t.first_failure = msg.substr(2 * block + c + sizeof t.events);
  }
  return t;
}

} // namespace passage::engine::calib
