// Markets that respond (issue 15 item 3; docs/behaviour.md, "Markets that
// respond"): the known answers. With a fixed interception rate the premium read
// from the knowledge state equals the closed form; replacement at constant
// profit is an exponential wait with the stated mean; corrupt issuance follows
// demand and the crackdown. Fixed seeds; each statistical check states its sigma.
#include "mali/markets.hpp"
#include "passage/random/stream.hpp"
#include "support.hpp"

#include <cmath>
#include <cstdint>
#include <doctest/doctest.h>
#include <limits>

using namespace passage;
namespace mali = passage::models::mali;

TEST_SUITE_BEGIN("statistical");

TEST_CASE("markets: a risk premium of loading 0 is today's price, bit for bit")
{
  const mali::RiskPremium none{};
  for (const double p : { 0.0, 0.2, 0.9999, 1.0 }) {
    CHECK(mali::premium_price(175000.0, none, p) == 175000.0);
  }
}

TEST_CASE("markets: with a known interception risk the premium is the closed form")
{
  mali::RiskPremium pr{ mali::Risk::Interception, 1.0, 0.9 };
  // Actuarially fair: a seller who loses the job with p = 0.2 asks base / (1 - p).
  CHECK(mali::premium_price(100000.0, pr, 0.2) == doctest::Approx(125000.0).epsilon(1e-14));
  pr.loading = 0.5;
  CHECK(mali::premium_price(100000.0, pr, 0.2) == doctest::Approx(112500.0).epsilon(1e-14));
  // p is capped at max_risk: a finite price even for certain interception.
  CHECK(mali::premium_price(100000.0, pr, 1.0) == doctest::Approx(100000.0 * 5.5).epsilon(1e-14));
  CHECK(mali::premium_price(100000.0, pr, -0.1) == 100000.0);
}

TEST_CASE("markets: at a fixed interception rate the believed premium follows the closed form")
{
  // Crossing attempts at place 0, one a day for 4,000 days, each intercepted with
  // q = 0.25 (the migrant's own uniform). No forgetting on this scale (memory
  // 1e9 days), prior 0.05 worth 20 stories: belief = (20 * 0.05 + E) / (20 + N).
  const double q = 0.25;
  const std::size_t n = 4000;
  mali::Information info;
  info.full = false;
  info.memory_days = 1e9;
  info.prior_weight = 20.0;
  mali::Knowledge k;
  k.reset(1, 1);
  auto s = engine::random::Stream::derive(test::seed(153), 0, 1, 0);
  double events = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double hit = s.uniform() < q ? 1.0 : 0.0;
    events += hit;
    k.tell(static_cast<double>(i), mali::Risk::Interception, 0, 1.0, hit, i);
  }
  const double cutoff = static_cast<double>(n);
  k.catch_up(cutoff, info.memory_days);
  const mali::RiskPremium pr{ mali::Risk::Interception, 1.0, 0.9 };
  const double price = mali::believed_price(100000.0, pr, k, 0, 0.05, cutoff, info);
  // Exactly the closed form of the stories told (fading over 4,000 of 1e9 days
  // moves the belief by < 1e-5 relative; tolerance 1e-4).
  const double b = (20.0 * 0.05 + events) / (20.0 + static_cast<double>(n));
  CHECK(price == doctest::Approx(100000.0 / (1.0 - b)).epsilon(1e-4));
  // And the closed form of the rate: the belief is a binomial share shrunk to the
  // prior; sigma = sqrt(q (1 - q) / n) / (1 + 20 / n) = 0.0068; bias of the prior
  // 20 (q - 0.05) / 4020 = 0.001. Within 5 sigma of the price at q, by the delta
  // method: dprice/dq = 100000 / (1 - q)^2 = 177,778 a unit of q.
  const double sigma_b = std::sqrt(q * (1.0 - q) / static_cast<double>(n));
  const double bias = 20.0 * (q - 0.05) / (20.0 + static_cast<double>(n));
  const double sigma_price = 100000.0 / ((1.0 - q) * (1.0 - q)) * sigma_b;
  CHECK(std::fabs(price - 100000.0 / (1.0 - q + bias)) < 5.0 * sigma_price);
  // Nothing heard: the prior alone.
  mali::Knowledge quiet;
  quiet.reset(1, 1);
  quiet.catch_up(cutoff, info.memory_days);
  CHECK(mali::believed_price(100000.0, pr, quiet, 0, 0.05, cutoff, info) ==
        doctest::Approx(100000.0 / 0.95).epsilon(1e-14));
}

TEST_CASE("markets: replacement at constant profit is an exponential wait with the stated mean")
{
  // rate0 = 1/60 a day at the reference profit of 20,000 CFA a day; at twice the
  // profit, twice the rate: mean 30 days.
  const mali::Replacement r{ 1.0 / 60.0, 20000.0 };
  CHECK(mali::replacement_rate(r, 20000.0) == doctest::Approx(1.0 / 60.0).epsilon(1e-15));
  CHECK(mali::replacement_rate(r, -5.0) == 0.0);
  CHECK(mali::replacement_wait(r, 0.0, 0.5) == std::numeric_limits<double>::infinity());
  const double mean = 30.0;
  auto s = engine::random::Stream::derive(test::seed(154), 0, 1, 0);
  const std::size_t n = 100000;
  double sum = 0.0;
  std::size_t beyond = 0; // waits longer than the mean: exp(-1) of them
  for (std::size_t i = 0; i < n; ++i) {
    const double w = mali::replacement_wait(r, 40000.0, s.uniform());
    sum += w;
    beyond += w > mean ? 1 : 0;
  }
  // The sample mean: sigma = mean / sqrt(n) = 0.095 days; within 5 sigma.
  CHECK(std::fabs(sum / static_cast<double>(n) - mean) <
        5.0 * mean / std::sqrt(static_cast<double>(n)));
  // The exponential's tail: P(W > mean) = exp(-1); binomial sigma 0.0015, 5 sigma.
  const double p = std::exp(-1.0);
  CHECK(std::fabs(static_cast<double>(beyond) / static_cast<double>(n) - p) <
        5.0 * std::sqrt(p * (1.0 - p) / static_cast<double>(n)));
}

TEST_CASE("markets: corrupt issuance follows demand and the crackdown")
{
  const mali::Issuance s{ 4.0, 10.0, 0.5 };
  CHECK(mali::issuance_per_day(s, 10.0, 0.0) == doctest::Approx(4.0).epsilon(1e-15));
  CHECK(mali::issuance_per_day(s, 40.0, 0.0) == doctest::Approx(8.0).epsilon(1e-15));
  CHECK(mali::issuance_per_day(s, 40.0, 0.75) == doctest::Approx(2.0).epsilon(1e-15));
  CHECK(mali::issuance_per_day(s, 0.0, 0.0) == 0.0);
  CHECK(mali::issuance_per_day(s, 10.0, 1.5) == 0.0);
}

TEST_SUITE_END();
