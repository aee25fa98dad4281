#include "passage/random/stream.hpp"
#include "passage/stats/tally.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <limits>
#include <vector>

using namespace passage::engine;
using namespace passage::engine::stats;

TEST_CASE("tally: exact sums do not depend on the order of additions")
{
  random::Stream s = random::Stream::derive(3, 0, 1);
  std::vector<double> xs(10000);
  for (auto& x : xs) {
    x = s.lognormal(5.0, 2.0);
  }
  Tally forward;
  Tally backward;
  Tally a;
  Tally b;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    forward.add(xs[i]);
    backward.add(xs[xs.size() - 1 - i]);
    (i % 3 == 0 ? a : b).add(xs[i]);
  }
  b.merge(a);
  CHECK(forward.mean() == backward.mean());
  CHECK(forward.variance() == backward.variance());
  CHECK(forward.mean() == b.mean());
  CHECK(forward.variance() == b.variance());
  CHECK(forward.count() == 10000);
  CHECK_THROWS_AS(forward.add(std::numeric_limits<double>::quiet_NaN()), NumericError);
  CHECK_THROWS_AS(forward.add(std::numeric_limits<double>::infinity()), NumericError);
}

TEST_CASE("tally: mean and variance of known values")
{
  Tally t;
  for (const double x : { 1.0, 2.0, 3.0, 4.0 }) {
    t.add(x);
  }
  CHECK(t.mean() == doctest::Approx(2.5));
  CHECK(t.variance() == doctest::Approx(5.0 / 3.0));
  CHECK(t.min() == 1.0);
  CHECK(t.max() == 4.0);
}

TEST_CASE("histogram: bins, under- and overflow, quantiles, merge")
{
  Histogram h(0.0, 10.0, 10);
  for (const double x : { -1.0, 0.0, 0.5, 9.99, 10.0, 3.3 }) {
    h.add(x);
  }
  const auto& c = h.counts();
  CHECK(c.front() == 1); // -1
  CHECK(c[1] == 2);      // 0, 0.5
  CHECK(c[4] == 1);      // 3.3
  CHECK(c[10] == 1);     // 9.99
  CHECK(c.back() == 1);  // 10 is overflow: bins are [lo, hi)
  CHECK(h.total() == 6);
  CHECK(h.edges().size() == 11);
  Histogram u(0.0, 100.0, 100);
  for (int i = 0; i < 100; ++i) {
    u.add(i + 0.5);
  }
  CHECK(u.quantile(0.5) == doctest::Approx(50.0));
  CHECK(u.quantile(0.9) == doctest::Approx(90.0));
  Histogram v(0.0, 100.0, 100);
  v.merge(u);
  CHECK(v.total() == 100);
  CHECK_THROWS(v.merge(h));
}

TEST_CASE("summary: mean, sd and Student-t interval")
{
  const std::vector<double> x = { 2, 4, 4, 4, 5, 5, 7, 9 };
  const Summary s = summarise(x);
  CHECK(s.n == 8);
  CHECK(s.mean == doctest::Approx(5.0));
  CHECK(s.sd == doctest::Approx(std::sqrt(32.0 / 7.0)));
  // t_{0.975, 7} = 2.364624
  CHECK(t_critical_95(7) == doctest::Approx(2.364624).epsilon(1e-6));
  CHECK(s.ci95_high - s.mean == doctest::Approx(2.364624 * std::sqrt(32.0 / 7.0) / std::sqrt(8.0)));
  CHECK(t_critical_95(100000) == doctest::Approx(1.959988).epsilon(1e-5));
  const Summary one = summarise(std::vector<double>{ 3.0 });
  CHECK(one.mean == 3.0);
  CHECK(std::isnan(one.sd));
}

TEST_CASE("tally: the fixed-point conversion through 64 bits is the 128-bit one")
{
  using passage::engine::int128_t;
  using passage::engine::stats::Tally;
  std::vector<double> xs = { 0.0,
                             1.0,
                             -1.0,
                             0x1p52,
                             -0x1p52,
                             0x1p62,
                             -0x1p62,
                             std::nextafter(0x1p63, 0.0),
                             -std::nextafter(0x1p63, 0.0),
                             -0x1p63,
                             0x1p63,
                             0x1p64,
                             -0x1p70,
                             0x1p100,
                             3.0e20 };
  for (int e = 0; e < 110; ++e) {
    xs.push_back(std::nearbyint(std::ldexp(1.37, e)));
    xs.push_back(-std::nearbyint(std::ldexp(1.37, e)));
  }
  for (const double x : xs) {
    CAPTURE(x);
    CHECK(Tally::fixed(x) == static_cast<int128_t>(x));
  }
}
