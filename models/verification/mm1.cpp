#include "passage/config/reader.hpp"
#include "passage/core/components.hpp"
#include "passage/random/stream.hpp"
#include "verification/verification.hpp"

#include <limits>

namespace passage::models::verification {

using namespace passage::engine;

namespace {

constexpr std::uint64_t kArrivals = random::substream_id("mm1.arrivals");
constexpr std::uint64_t kService = random::substream_id("mm1.service");

struct Mm1Params
{
  double arrival_rate = 0.5;
  double service_rate = 1.0;
  std::uint64_t customers = 1000;
  double horizon = std::numeric_limits<double>::infinity();
};

enum Metric : std::size_t
{
  kMeanWait,
  kMeanSojourn,
  kServed,
  kLastDeparture,
  kMetricCount
};

class Mm1Worker final : public Worker
{
public:
  Mm1Worker(const Mm1Params& p, const WorkerOptions& o)
    : p_(p), seed_(o.seed), sim_(o.stepping), server_(sim_, 1)
  {
  }

  void run(std::uint64_t replication, ReplicationOutput& out) override
  {
    sim_.reset(p_.horizon);
    server_.reset();
    arrivals_ = random::Stream::derive(seed_, replication, kArrivals);
    service_ = random::Stream::derive(seed_, replication, kService);
    sum_wait_ = sum_sojourn_ = last_departure_ = 0.0;
    started_ = served_ = 0;
    sim_.start(source(), 0.0);
    sim_.run();
    out.metrics[kMeanWait] = started_ ? sum_wait_ / static_cast<double>(started_) : 0.0;
    out.metrics[kMeanSojourn] = served_ ? sum_sojourn_ / static_cast<double>(served_) : 0.0;
    out.metrics[kServed] = static_cast<double>(served_);
    out.metrics[kLastDeparture] = last_departure_;
    out.events = sim_.events();
  }

private:
  // Customers arrive in a Poisson stream; each is a process of its own.
  Process source()
  {
    Clock clock;
    for (std::uint64_t i = 0; i < p_.customers; ++i) {
      co_await sim_.delay(clock, arrivals_.exponential(p_.arrival_rate));
      co_await sim_.sync(clock);
      sim_.spawn(customer(clock.now, service_.exponential(p_.service_rate)), clock.now);
    }
  }

  // Queue for the server, get served, leave.
  Process customer(Time arrived, Time service)
  {
    Clock clock{ arrived };
    FifoServer::Ticket ticket;
    co_await server_.request(ticket, clock);
    sum_wait_ += clock.now - arrived;
    ++started_;
    co_await sim_.delay(clock, service);
    co_await sim_.sync(clock);
    server_.release();
    sum_sojourn_ += clock.now - arrived;
    last_departure_ = clock.now;
    ++served_;
  }

  Mm1Params p_;
  std::uint64_t seed_;
  Simulation sim_;
  FifoServer server_;
  random::Stream arrivals_;
  random::Stream service_;
  double sum_wait_ = 0.0;
  double sum_sojourn_ = 0.0;
  double last_departure_ = 0.0;
  std::uint64_t started_ = 0;
  std::uint64_t served_ = 0;
};

class Mm1Model final : public Model
{
public:
  explicit Mm1Model(const Mm1Params& p) : p_(p) {}
  std::string kind() const override { return "mm1"; }
  std::vector<MetricInfo> metrics() const override
  {
    return { { "mean_wait", "days", "mean time in queue before service, over customers served" },
             { "mean_sojourn", "days", "mean time from arrival to departure" },
             { "served", "customers", "customers whose service ended before the horizon" },
             { "last_departure", "days", "time of the last departure" } };
  }
  std::unique_ptr<Worker> make_worker(const WorkerOptions& o) const override
  {
    return std::make_unique<Mm1Worker>(p_, o);
  }
  double horizon_days() const override { return std::isfinite(p_.horizon) ? p_.horizon : 0.0; }

private:
  Mm1Params p_;
};

} // namespace

double read_horizon(const Scenario& s, config::Diagnostics& d)
{
  const config::Node* h = s.root.find("horizon_days");
  if (h == nullptr) {
    return std::numeric_limits<double>::infinity();
  }
  config::read_provenance(*h, d);
  config::Bounds b = config::kPositive;
  b.allow_infinity = true;
  b.what = "a horizon in days > 0 (or .inf)";
  return config::read_number(config::value_of(*h), d, b, "horizon_days")
    .value_or(std::numeric_limits<double>::infinity());
}

std::unique_ptr<Model> make_mm1(const Scenario& s, config::Diagnostics& d)
{
  Mm1Params p;
  p.horizon = read_horizon(s, d);
  auto r = config::MapReader::child(s.root, "parameters", d, "parameters",
                                    { "arrival_rate", "service_rate", "customers" });
  p.arrival_rate = r.number("arrival_rate", config::kPositive);
  p.service_rate = r.number("service_rate", config::kPositive);
  p.customers = static_cast<std::uint64_t>(r.integer("customers", config::kPositiveCount));
  r.finish();
  return std::make_unique<Mm1Model>(p);
}

} // namespace passage::models::verification
