#include "passage/config/reader.hpp"
#include "passage/core/components.hpp"
#include "passage/random/stream.hpp"
#include "verification/verification.hpp"

#include <limits>

namespace passage::models::verification {

using namespace passage::engine;

namespace {

constexpr std::uint64_t kArrivals = random::substream_id("batch.arrivals");

struct BatchParams
{
  double arrival_rate = 1.0;
  std::uint32_t batch_size = 10;
  double max_wait = std::numeric_limits<double>::infinity();
  std::uint64_t customers = 1000;
  double horizon = std::numeric_limits<double>::infinity();
};

enum Metric : std::size_t
{
  kMeanWait,
  kMeanLoad,
  kVehicles,
  kDeparted,
  kFullShare,
  kMetricCount
};

class BatchWorker final
  : public Worker
  , private BatchDeparture::Listener
{
public:
  BatchWorker(const BatchParams& p, const WorkerOptions& o)
    : p_(p), seed_(o.seed), sim_(o.stepping), stop_(sim_, *this, p.max_wait)
  {
  }

  void run(std::uint64_t replication, ReplicationOutput& out) override
  {
    sim_.reset(p_.horizon);
    stop_.reset();
    arrivals_ = random::Stream::derive(seed_, replication, kArrivals);
    sum_wait_ = 0.0;
    departed_ = vehicles_ = full_ = 0;
    sim_.start(source(), 0.0);
    sim_.run();
    out.metrics[kMeanWait] = departed_ ? sum_wait_ / static_cast<double>(departed_) : 0.0;
    out.metrics[kMeanLoad] =
      vehicles_ ? static_cast<double>(departed_) / static_cast<double>(vehicles_) : 0.0;
    out.metrics[kVehicles] = static_cast<double>(vehicles_);
    out.metrics[kDeparted] = static_cast<double>(departed_);
    out.metrics[kFullShare] =
      vehicles_ ? static_cast<double>(full_) / static_cast<double>(vehicles_) : 0.0;
    out.events = sim_.events();
  }

private:
  Process source()
  {
    Clock clock;
    for (std::uint64_t i = 0; i < p_.customers; ++i) {
      co_await sim_.delay(clock, arrivals_.exponential(p_.arrival_rate));
      co_await sim_.sync(clock);
      sim_.spawn(passenger(), clock.now);
    }
  }

  // Board at the arrival instant (the process starts at calendar time) and wait
  // for the vehicle to leave.
  Process passenger()
  {
    BatchDeparture::Seat seat;
    co_await stop_.board(seat, nullptr);
  }

  std::uint32_t capacity(std::uint64_t) override { return p_.batch_size; }

  void depart(const BatchDeparture::Departure& d) override
  {
    ++vehicles_;
    full_ += d.full ? 1 : 0;
    for (auto* s = d.passengers; s != nullptr;) {
      auto* next = s->next; // the seat dies with its passenger
      sum_wait_ += d.departed - s->boarded;
      ++departed_;
      sim_.schedule_resume(d.departed, s->handle);
      s = next;
    }
  }

  BatchParams p_;
  std::uint64_t seed_;
  Simulation sim_;
  BatchDeparture stop_;
  random::Stream arrivals_;
  double sum_wait_ = 0.0;
  std::uint64_t departed_ = 0;
  std::uint64_t vehicles_ = 0;
  std::uint64_t full_ = 0;
};

class BatchModel final : public Model
{
public:
  explicit BatchModel(const BatchParams& p) : p_(p) {}
  std::string kind() const override { return "batch_departure"; }
  std::vector<MetricInfo> metrics() const override
  {
    return { { "mean_wait", "days",
               "mean time from boarding to departure, over departed passengers" },
             { "mean_load", "passengers", "mean number of passengers per departed vehicle" },
             { "vehicles", "vehicles", "vehicles departed" },
             { "departed", "passengers", "passengers departed" },
             { "full_share", "share", "share of vehicles that left full" } };
  }
  std::unique_ptr<Worker> make_worker(const WorkerOptions& o) const override
  {
    return std::make_unique<BatchWorker>(p_, o);
  }
  double horizon_days() const override { return std::isfinite(p_.horizon) ? p_.horizon : 0.0; }

private:
  BatchParams p_;
};

} // namespace

std::unique_ptr<Model> make_batch(const Scenario& s, config::Diagnostics& d)
{
  BatchParams p;
  p.horizon = read_horizon(s, d);
  auto r = config::MapReader::child(s.root, "parameters", d, "parameters",
                                    { "arrival_rate", "batch_size", "max_wait", "customers" });
  p.arrival_rate = r.number("arrival_rate", config::kPositive);
  p.batch_size = static_cast<std::uint32_t>(
    r.integer("batch_size", config::Bounds{ 1.0, 1.0e6, false, false, true, false,
                                            "a whole number of seats in [1, 10^6]" }));
  config::Bounds wait = config::kPositive;
  wait.allow_infinity = true;
  wait.what = "a duration in days > 0 (or .inf)";
  p.max_wait = r.number("max_wait", wait);
  p.customers = static_cast<std::uint64_t>(r.integer("customers", config::kPositiveCount));
  r.finish();
  return std::make_unique<BatchModel>(p);
}

} // namespace passage::models::verification
