#include "passage/config/reader.hpp"
#include "passage/core/components.hpp"
#include "passage/random/stream.hpp"
#include "verification/verification.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

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
  std::uint64_t periods = 10; //!< of the `served` series, over a finite horizon
};

// The series' period edges: `periods` equal periods over a finite horizon
// (none without one: a run of a fixed number of customers has no common time span).
std::vector<double> period_edges(const Mm1Params& p)
{
  if (!std::isfinite(p.horizon)) {
    return {};
  }
  std::vector<double> e(p.periods + 1);
  for (std::size_t i = 0; i <= p.periods; ++i) {
    e[i] = p.horizon * static_cast<double>(i) / static_cast<double>(p.periods);
  }
  e.back() = p.horizon;
  return e;
}

enum Metric : std::size_t
{
  kMeanWait,
  kMeanSojourn,
  kServed,
  kLastDeparture,
  kMetricCount,
  kServedSeries = kMetricCount //!< then served per period, when the horizon is finite
};

class Mm1Worker final : public Worker
{
public:
  Mm1Worker(const Mm1Params& p, const WorkerOptions& o)
    : p_(p), seed_(o.seed), sim_(o.stepping), server_(sim_, 1), edges_(period_edges(p)),
      served_by_period_(edges_.empty() ? 0 : edges_.size() - 1)
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
    std::fill(served_by_period_.begin(), served_by_period_.end(), 0);
    sim_.start(source(), 0.0);
    sim_.run();
    out.metrics[kMeanWait] = started_ ? sum_wait_ / static_cast<double>(started_) : 0.0;
    out.metrics[kMeanSojourn] = served_ ? sum_sojourn_ / static_cast<double>(served_) : 0.0;
    out.metrics[kServed] = static_cast<double>(served_);
    out.metrics[kLastDeparture] = last_departure_;
    for (std::size_t k = 0; k < served_by_period_.size(); ++k) {
      out.metrics[kServedSeries + k] = static_cast<double>(served_by_period_[k]);
    }
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
    if (!served_by_period_.empty()) {
      // Period k covers [edges[k], edges[k+1]); a departure at the horizon itself
      // falls in the last period, so the periods sum to `served` exactly.
      const auto k = static_cast<std::size_t>(
        std::upper_bound(edges_.begin(), edges_.end(), clock.now) - edges_.begin());
      ++served_by_period_[std::clamp<std::size_t>(k, 1, served_by_period_.size()) - 1];
    }
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
  std::vector<double> edges_;
  std::vector<std::uint64_t> served_by_period_;
};

class Mm1Model final : public Model
{
public:
  explicit Mm1Model(const Mm1Params& p) : p_(p) {}
  std::string kind() const override { return "mm1"; }
  std::vector<MetricInfo> metrics() const override
  {
    std::vector<MetricInfo> m = {
      { "mean_wait", "days", "mean time in queue before service, over customers served" },
      { "mean_sojourn", "days", "mean time from arrival to departure" },
      { "served", "customers", "customers whose service ended before the horizon" },
      { "last_departure", "days", "time of the last departure" }
    };
    const auto edges = period_edges(p_);
    if (!edges.empty()) {
      const auto s = series_columns(
        "served", "customers", "customers whose service ended in the period", edges.size() - 1);
      m.insert(m.end(), s.begin(), s.end());
    }
    return m;
  }
  std::vector<double> series_edges() const override { return period_edges(p_); }
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
                                    { "arrival_rate", "service_rate", "customers", "periods" });
  p.arrival_rate = r.number("arrival_rate", config::kPositive);
  p.service_rate = r.number("service_rate", config::kPositive);
  p.customers = static_cast<std::uint64_t>(r.integer("customers", config::kPositiveCount));
  config::Bounds periods = config::kPositiveCount;
  periods.hi = 10000;
  periods.what = "a whole number of periods in [1, 10000]";
  p.periods = static_cast<std::uint64_t>(r.integer("periods", periods, 10));
  r.finish();
  return std::make_unique<Mm1Model>(p);
}

} // namespace passage::models::verification
