#include "passage/errors.hpp"
#include "passage/random/stream.hpp"
#include "passage/run/trigger.hpp"
#include "support.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <map>

using namespace passage::engine;

TEST_SUITE_BEGIN("statistical");

TEST_CASE("triggers: parsing")
{
  auto t = Trigger::parse("died:rel_ci=0.01");
  CHECK(t.metric == "died");
  CHECK(t.kind == Trigger::Kind::RelCi);
  CHECK(t.target == 0.01);
  t = Trigger::parse("abducted/migrants:rel_ci=0.05");
  CHECK(t.metric == "abducted");
  CHECK(t.denominator == "migrants");
  CHECK(t.metrics() == std::vector<std::string>{ "abducted", "migrants" });
  t = Trigger::parse("died@q90:halfwidth=3");
  CHECK(t.quantile == doctest::Approx(0.9));
  CHECK(t.kind == Trigger::Kind::HalfWidth);
  CHECK(Trigger::parse("died:diff_halfwidth=2").kind == Trigger::Kind::DiffHalfWidth);
  for (const char* bad :
       { "died", "died:rel_ci", "died:rel_ci=0", "died:rel_ci=-1", "died:rel=0.1", ":rel_ci=0.1",
         "died@x90:rel_ci=0.1", "a/b@q90:rel_ci=0.1", "died:rel_ci=abc" }) {
    CHECK_THROWS_AS(Trigger::parse(bad), UsageError);
  }
}

TEST_CASE("triggers: mean, ratio and quantile intervals")
{
  // Fixed-seed normal data: mean 100, sd 10, n = 400 -> half-width 1.96 * 10 / 20 ~ 0.98.
  random::Stream s = random::Stream::derive(passage::test::seed(5), 0, 1);
  std::map<std::string, std::vector<double>> cols;
  for (int i = 0; i < 400; ++i) {
    cols["x"].push_back(s.normal(100.0, 10.0));
    const double n = 1000.0 + s.uniform_int(0, 100);
    cols["n"].push_back(n);
    cols["k"].push_back(std::round(0.05 * n + s.normal(0.0, 2.0)));
  }
  auto column = [&](const std::string& name) -> const std::vector<double>& {
    return cols.at(name);
  };
  const auto mean = Trigger::parse("x:halfwidth=1.0").evaluate(column);
  // The sample sd of 400 normals has a relative sd of 1/sqrt(800) = 3.5%: 5 sigma.
  CHECK(std::fabs(mean.half_width - 0.98) < 5 * 0.035 * 0.98);
  CHECK(Trigger::parse("x:halfwidth=1.3").evaluate(column).met);
  CHECK_FALSE(Trigger::parse("x:halfwidth=0.5").evaluate(column).met);
  CHECK(Trigger::parse("x:rel_ci=0.013").evaluate(column).met);
  // The pooled share k/n is about 0.05.
  const auto share = Trigger::parse("k/n:rel_ci=0.01").evaluate(column);
  // sum k / sum n - 0.05: the noise (sd 2, plus rounding, sd 0.29) summed over 400
  // replications, sd 40.4, over sum n ~ 420,000: sigma ~ 1e-4. 5 sigma.
  CHECK(std::fabs(share.estimate - 0.05) < 5 * 1e-4);
  CHECK(share.half_width > 0.0);
  CHECK(share.half_width < 0.001);
  // The 90th percentile of N(100, 10) is 112.8; the order-statistic interval is
  // about +-1.96 sqrt(0.09 n) = 12 ranks, a few units of x.
  // The sample quantile's sd is sqrt(0.9 * 0.1 / 400) / (phi(1.2816) / 10) = 0.85: 5 sigma.
  const auto q = Trigger::parse("x@q90:halfwidth=5").evaluate(column);
  CHECK(std::fabs(q.estimate - 112.8) < 5 * 0.85);
  CHECK(q.half_width > 0.5);
  CHECK(q.half_width < 4.0);
  // Too few replications to bound an extreme quantile: never met.
  std::map<std::string, std::vector<double>> few = { { "x", { 1, 2, 3, 4, 5 } } };
  auto fcol = [&](const std::string& name) -> const std::vector<double>& { return few.at(name); };
  CHECK_FALSE(Trigger::parse("x@q99:halfwidth=100").evaluate(fcol).met);
}

TEST_SUITE_END();
