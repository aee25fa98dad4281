// The engine against queueing theory. Fixed seeds; tolerances in standard
// errors of the across-replication mean (4 sigma; the estimators' biases are
// far below one sigma, see the comments).
#include "passage/stats/tally.hpp"
#include "support.hpp"

#include <cmath>
#include <doctest/doctest.h>

using namespace passage;

TEST_SUITE_BEGIN("statistical");

TEST_CASE("M/M/1: mean wait and sojourn match Wq = rho/(mu - lambda), W = 1/(mu - lambda)")
{
  // lambda = 0.5, mu = 1: Wq = 1, W = 2. Each replication starts empty; the
  // start-up bias of a 20,000-customer mean is O(10/20,000) = 5e-4, below a
  // tenth of the standard error (~4e-3 with 100 replications).
  const auto s = test::scenario_from_file(
    "configs/verification/mm1.yaml",
    { "parameters.arrival_rate=0.5", "parameters.service_rate=1.0", "parameters.customers=20000" });
  const auto r = test::run_collect(s, 100, 2);
  const auto wait = engine::stats::summarise(r.column("mean_wait"));
  const auto sojourn = engine::stats::summarise(r.column("mean_sojourn"));
  const double se_w = wait.sd / std::sqrt(static_cast<double>(wait.n));
  const double se_s = sojourn.sd / std::sqrt(static_cast<double>(sojourn.n));
  CHECK(std::fabs(wait.mean - 1.0) < 4 * se_w);
  CHECK(std::fabs(sojourn.mean - 2.0) < 4 * se_s);
  MESSAGE("M/M/1 mean wait " << wait.mean << " (analytic 1.0, SE " << se_w << ")");
}

TEST_CASE("M/M/1 at rho = 0.8: Wq = 4")
{
  // Heavier load: longer relaxation (~1/(mu(1-sqrt(rho))^2) = 90 customers), so
  // 100,000 customers per replication keep the start-up bias below 0.3 SE.
  const auto s = test::scenario_from_file(
    "configs/verification/mm1.yaml", { "parameters.arrival_rate=0.8", "parameters.service_rate=1.0",
                                       "parameters.customers=100000" });
  const auto r = test::run_collect(s, 40, 2);
  const auto wait = engine::stats::summarise(r.column("mean_wait"));
  const double se = wait.sd / std::sqrt(static_cast<double>(wait.n));
  CHECK(std::fabs(wait.mean - 4.0) < 4 * se);
}

TEST_CASE(
  "M/M/1 series: served per period = lambda L in steady state (Burke), less E[N] in the first")
{
  // lambda = 0.5, mu = 1, 10 periods of L = 100 days. In steady state the
  // departures are a Poisson stream of rate lambda (Burke's theorem), so a
  // period serves lambda L = 50 on average. Each replication starts empty:
  // served in [0, L] = arrivals - N(L), and N relaxes to its stationary mean
  // rho / (1 - rho) = 1 within ~1 / (mu (1 - sqrt(rho))^2) = 12 days, so period 0
  // expects 49 and the others 50 (the transient left at t = 100 is ~e^-8).
  // Tolerance: 4 standard errors of the across-replication mean (SE ~ 7.1 / 20).
  const auto s = test::scenario_from_file(
    "configs/verification/mm1.yaml",
    { "parameters.arrival_rate=0.5", "parameters.service_rate=1.0", "parameters.customers=1000000",
      "horizon_days=1000", "parameters.periods=10" });
  const auto r = test::run_collect(s, 400, 2);
  for (std::size_t p = 0; p < 10; ++p) {
    const auto x = engine::stats::summarise(r.column("served[" + std::to_string(p) + "]"));
    const double se = x.sd / std::sqrt(static_cast<double>(x.n));
    const double expected = 0.5 * 100.0 - (p == 0 ? 0.5 / (1.0 - 0.5) : 0.0);
    CHECK_MESSAGE(std::fabs(x.mean - expected) < 4 * se, "period " << p << ": mean " << x.mean
                                                                   << ", expected " << expected
                                                                   << ", SE " << se);
    // Poisson: the variance of a period's count is its mean (within 30%: 4.2
    // standard errors of a 400-sample variance, sqrt(2 / 399) = 7.1%).
    CHECK(x.sd * x.sd == doctest::Approx(expected).epsilon(0.3));
  }
}

TEST_CASE("batch departure: mean wait (b - 1) / (2 lambda) with no wait limit")
{
  // Unbiased: every departed vehicle is full, and its passengers' waits are
  // sums of exponential gaps. b = 10, lambda = 2: 2.25 days; load exactly 10.
  const auto s =
    test::scenario_from_file("configs/verification/batch.yaml",
                             { "parameters.arrival_rate=2.0", "parameters.batch_size=10",
                               "parameters.max_wait=.inf", "parameters.customers=10000" });
  const auto r = test::run_collect(s, 100, 2);
  const auto wait = engine::stats::summarise(r.column("mean_wait"));
  const double se = wait.sd / std::sqrt(static_cast<double>(wait.n));
  CHECK(std::fabs(wait.mean - 2.25) < 4 * se);
  for (const double load : r.column("mean_load")) {
    CHECK(load == 10.0);
  }
  MESSAGE("batch mean wait " << wait.mean << " (analytic 2.25, SE " << se << ")");
}

TEST_CASE("batch departure: a wait limit cuts waits and loads")
{
  const auto s = test::scenario_from_file(
    "configs/verification/batch.yaml", { "parameters.arrival_rate=2.0", "parameters.batch_size=10",
                                         "parameters.max_wait=2.0", "parameters.customers=5000" });
  const auto r = test::run_collect(s, 20, 2);
  for (std::size_t i = 0; i < 20; ++i) {
    CHECK(r.column("mean_load")[i] < 10.0);
    CHECK(r.column("mean_wait")[i] < 2.25);
    CHECK(r.column("full_share")[i] > 0.0);
  }
}

TEST_CASE("the horizon is honoured: nothing happens after it")
{
  const auto s = test::scenario_from_file("configs/verification/mm1.yaml",
                                          { "parameters.customers=100000", "horizon_days=50" });
  const auto r = test::run_collect(s, 10, 2);
  for (std::size_t i = 0; i < 10; ++i) {
    CHECK(r.column("last_departure")[i] <= 50.0);
    // Something still happens late in the run. The last departure is before day 5
    // only if no customer arrived in [5, 27.5] (probability exp(-0.5 * 22.5)) or the
    // first who did stayed more than 22.5 days (sojourn ~ Exp(mu - lambda = 0.5) at
    // most, from empty): 2.6e-5 a replication, 2.6e-4 for the ten.
    CHECK(r.column("last_departure")[i] > 5.0);
    CHECK(r.column("served")[i] < 100000);
    CHECK(r.column("served")[i] > 0);
  }
}

TEST_SUITE_END();
