// Random streams and samplers. Statistical checks use fixed seeds, so they are
// deterministic; tolerances are stated in standard errors (sigma) of the
// estimator and chosen so that a correct sampler passes with margin.
#include "passage/random/stream.hpp"
#include "support.hpp"

#include <algorithm>
#include <cmath>
#include <doctest/doctest.h>
#include <limits>
#include <numeric>
#include <utility>
#include <vector>

using namespace passage::engine::random;
using passage::engine::uint128_t;

namespace {

struct Moments
{
  double mean = 0;
  double var = 0;
};

template<class F>
Moments moments(int n, F draw)
{
  double s = 0;
  double ss = 0;
  for (int i = 0; i < n; ++i) {
    const double x = draw();
    s += x;
    ss += x * x;
  }
  const double m = s / n;
  return { m, (ss - n * m * m) / (n - 1) };
}

// Kolmogorov-Smirnov statistic of a sample against a CDF.
template<class Cdf>
double ks(std::vector<double> xs, Cdf cdf)
{
  std::sort(xs.begin(), xs.end());
  const double n = static_cast<double>(xs.size());
  double d = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double f = cdf(xs[i]);
    d = std::max({ d, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f });
  }
  return d;
}

constexpr int kN = 400000;

} // namespace

TEST_SUITE_BEGIN("statistical");

TEST_CASE("streams: the same key gives the same stream, others differ")
{
  Stream a = Stream::derive(42, 3, substream_id("x"), 17);
  Stream b = Stream::derive(42, 3, substream_id("x"), 17);
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(a.bits() == b.bits());
  }
  // Changing any one part of the key changes the stream.
  const StreamKey base{ 42, 3, substream_id("x"), 17 };
  const std::uint64_t first = Stream::derive(base).bits();
  CHECK(Stream::derive({ 43, 3, substream_id("x"), 17 }).bits() != first);
  CHECK(Stream::derive({ 42, 4, substream_id("x"), 17 }).bits() != first);
  CHECK(Stream::derive({ 42, 3, substream_id("y"), 17 }).bits() != first);
  CHECK(Stream::derive({ 42, 3, substream_id("x"), 18 }).bits() != first);
}

TEST_CASE("streams: a family derives the same streams as Stream::derive")
{
  // The per-replication prefix must not change a single stream: every key of a
  // small grid, seeds and replications including 0 and the largest value.
  const std::uint64_t seeds[] = { 0, 42, ~std::uint64_t{ 0 } };
  const std::uint64_t reps[] = { 0, 3, 1u << 20, ~std::uint64_t{ 0 } };
  const std::uint64_t subs[] = { 0, substream_id("x"), combine(substream_id("ride"), 7) };
  const std::uint64_t entities[] = { 0, 17, ~std::uint64_t{ 0 } };
  for (const auto seed : seeds) {
    for (const auto rep : reps) {
      const StreamFamily family(seed, rep);
      CHECK(family.seed() == seed);
      CHECK(family.replication() == rep);
      for (const auto sub : subs) {
        CHECK((family(sub).engine() == Stream::derive(seed, rep, sub).engine()));
        for (const auto e : entities) {
          Stream a = family(sub, e);
          Stream b = Stream::derive(seed, rep, sub, e);
          CHECK((a.engine() == b.engine()));
          for (int i = 0; i < 4; ++i) {
            CHECK(a.bits() == b.bits());
          }
        }
      }
    }
  }
  // A family of another replication is another family.
  CHECK(StreamFamily(42, 3)(substream_id("x"), 17).bits() !=
        StreamFamily(42, 4)(substream_id("x"), 17).bits());
}

TEST_CASE("streams: neighbouring streams are uncorrelated")
{
  // Correlation of uniforms between streams whose keys differ by one in each
  // component; SE of a correlation estimate is 1/sqrt(n). Tolerance 5 sigma.
  const int n = 100000;
  const double tol = 5.0 / std::sqrt(static_cast<double>(n));
  const std::uint64_t o = passage::test::seed_offset();
  const StreamKey keys[] = { { 1 + o, 0, 0, 0 },
                             { 1 + o, 1, 0, 0 },
                             { 1 + o, 0, 1, 0 },
                             { 1 + o, 0, 0, 1 },
                             { 2 + o, 0, 0, 0 } };
  for (std::size_t k = 1; k < std::size(keys); ++k) {
    Stream a = Stream::derive(keys[0]);
    Stream b = Stream::derive(keys[k]);
    double sab = 0;
    double sa = 0;
    double sb = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < n; ++i) {
      const double x = a.uniform();
      const double y = b.uniform();
      sab += x * y;
      sa += x;
      sb += y;
      saa += x * x;
      sbb += y * y;
    }
    const double cov = sab / n - (sa / n) * (sb / n);
    const double r =
      cov / std::sqrt((saa / n - (sa / n) * (sa / n)) * (sbb / n - (sb / n) * (sb / n)));
    CHECK(std::fabs(r) < tol);
  }
}

TEST_CASE("samplers: uniform")
{
  Stream s = Stream::derive(passage::test::seed(1), 0, 1);
  const auto m = moments(kN, [&] { return s.uniform(); });
  const double se = std::sqrt(1.0 / 12.0 / kN);
  CHECK(std::fabs(m.mean - 0.5) < 5 * se);
  // Var of the sample variance of U(0,1): (1/80 - 1/144) / n.
  CHECK(std::fabs(m.var - 1.0 / 12.0) < 5 * std::sqrt((1.0 / 80 - 1.0 / 144) / kN));
  for (int i = 0; i < 1000; ++i) {
    const double u = s.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    const double p = s.uniform_pos();
    REQUIRE(p > 0.0);
    REQUIRE(p <= 1.0);
  }
}

TEST_CASE("samplers: uniform_int is uniform on the closed range")
{
  Stream s = Stream::derive(passage::test::seed(1), 0, 2);
  std::vector<int> counts(7, 0);
  const int n = 70000;
  for (int i = 0; i < n; ++i) {
    const auto k = s.uniform_int(3, 9);
    REQUIRE(k >= 3);
    REQUIRE(k <= 9);
    ++counts[static_cast<std::size_t>(k - 3)];
  }
  // Chi-square with 6 dof; P(chi2 > 22.46) = 0.001.
  double chi2 = 0;
  for (const int c : counts) {
    chi2 += (c - n / 7.0) * (c - n / 7.0) / (n / 7.0);
  }
  CHECK(chi2 < 22.46);
  CHECK(s.uniform_int(5, 5) == 5);
}

TEST_CASE("samplers: uniform_int draws what Lemire's method draws, rejections included")
{
  // The method written out in one piece, on a copy of the same stream: the
  // sampler (fast path inline, rejection out of line) must give the same values
  // and leave the stream where this leaves it. A range of 3 * 2^61 rejects a
  // quarter of the first products (threshold 2^64 mod range = 2^62); small ranges
  // almost never do. (Ranges wider than 2^63 - 1 overflow hi - lo in the sampler's
  // signed arithmetic: not asked of it anywhere, and left out here.)
  auto reference = [](Stream& s, std::int64_t lo, std::int64_t hi) {
    const std::uint64_t range = static_cast<std::uint64_t>(hi - lo) + 1;
    if (range == 0) {
      return static_cast<std::int64_t>(s.bits());
    }
    uint128_t m = static_cast<uint128_t>(s.bits()) * range;
    if (static_cast<std::uint64_t>(m) < range) {
      const std::uint64_t threshold = (0 - range) % range;
      while (static_cast<std::uint64_t>(m) < threshold) {
        m = static_cast<uint128_t>(s.bits()) * range;
      }
    }
    return lo + static_cast<std::int64_t>(m >> 64);
  };
  const std::int64_t big = std::int64_t{ 1 } << 61;
  const std::pair<std::int64_t, std::int64_t> ranges[] = {
    { 3, 9 }, { -5, 5 }, { 0, 0 }, { -big, 2 * big - 1 },
    { 0, std::numeric_limits<std::int64_t>::max() }, { 0, 3 * big - 1 }
  };
  Stream a = Stream::derive(passage::test::seed(1), 0, 9);
  Stream b = a;
  for (const auto& [lo, hi] : ranges) {
    for (int i = 0; i < 2000; ++i) {
      REQUIRE(a.uniform_int(lo, hi) == reference(b, lo, hi));
    }
  }
  CHECK(a.bits() == b.bits());
}

TEST_CASE("samplers: exponential (ziggurat) matches the distribution")
{
  Stream s = Stream::derive(passage::test::seed(1), 0, 3);
  std::vector<double> xs(kN);
  for (auto& x : xs) {
    x = s.exponential(2.0);
    REQUIRE(x >= 0.0);
  }
  const double mean = std::accumulate(xs.begin(), xs.end(), 0.0) / kN;
  CHECK(std::fabs(mean - 0.5) < 5 * 0.5 / std::sqrt(kN)); // sd = 1/rate
  // KS: P(sqrt(n) D > x) ~ 2 exp(-2 x^2): 9e-7 at x = 2.7 (1.95, P ~ 0.001, failed
  // once in 100 seeds across the samplers). An error of 0.005 in the CDF anywhere
  // still gives sqrt(n) D = 3.2.
  CHECK(std::sqrt(kN) * ks(xs, [](double x) { return 1 - std::exp(-2 * x); }) < 2.7);
  // The tail beyond the ziggurat base (x > 7.7 for rate 1) is reached and right:
  // P(X > 7.7) = 4.5e-4 -> expect ~180 of 400000 (sigma ~ 13.4).
  std::size_t tail = 0;
  Stream t = Stream::derive(passage::test::seed(1), 0, 4);
  for (int i = 0; i < kN; ++i) {
    tail += t.exponential() > 7.7 ? 1 : 0;
  }
  const double expect = kN * std::exp(-7.7);
  CHECK(std::fabs(static_cast<double>(tail) - expect) < 5 * std::sqrt(expect));
}

TEST_CASE("samplers: normal (ziggurat) matches the distribution")
{
  Stream s = Stream::derive(passage::test::seed(1), 0, 5);
  std::vector<double> xs(kN);
  for (auto& x : xs) {
    x = s.normal();
  }
  const double mean = std::accumulate(xs.begin(), xs.end(), 0.0) / kN;
  double ss = 0;
  for (const double x : xs) {
    ss += (x - mean) * (x - mean);
  }
  CHECK(std::fabs(mean) < 5 / std::sqrt(kN));
  CHECK(std::fabs(ss / (kN - 1) - 1.0) < 5 * std::sqrt(2.0 / kN));
  CHECK(std::sqrt(kN) * ks(xs, [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }) <
        2.7); // P ~ 9e-7, as for the exponential
  // Tails beyond |x| > 3.44 (the ziggurat's base): P = 5.76e-4.
  std::size_t tail = 0;
  for (const double x : xs) {
    tail += std::fabs(x) > 3.442619855899 ? 1 : 0;
  }
  const double expect = kN * std::erfc(3.442619855899 / std::sqrt(2.0));
  CHECK(std::fabs(static_cast<double>(tail) - expect) < 5 * std::sqrt(expect));
}

TEST_CASE("samplers: lognormal median and mean")
{
  Stream s = Stream::derive(passage::test::seed(1), 0, 6);
  std::vector<double> xs(kN);
  for (auto& x : xs) {
    x = s.lognormal(std::log(3.0), 0.5);
  }
  std::nth_element(xs.begin(), xs.begin() + kN / 2, xs.end());
  // SE of the sample median: 1 / (2 f(m) sqrt(n)), f(m) = 1/(m sigma sqrt(2 pi)).
  const double se = 3.0 * 0.5 * std::sqrt(2 * M_PI) / (2 * std::sqrt(kN));
  CHECK(std::fabs(xs[kN / 2] - 3.0) < 5 * se);
}

TEST_CASE("samplers: Poisson, small and large means")
{
  for (const double mean : { 0.3, 4.0, 9.9, 10.0, 37.5, 1000.0 }) {
    Stream s = Stream::derive(passage::test::seed(1), 0, 7, static_cast<std::uint64_t>(mean * 10));
    const auto m = moments(kN / 4, [&] { return static_cast<double>(s.poisson(mean)); });
    const double se_mean = std::sqrt(mean / (kN / 4));
    CHECK_MESSAGE(std::fabs(m.mean - mean) < 5 * se_mean, "mean " << mean);
    // Variance equals the mean; SE of the sample variance ~ sqrt((mu + 2 mu^2)/n).
    CHECK_MESSAGE(std::fabs(m.var - mean) < 5 * std::sqrt((mean + 2 * mean * mean) / (kN / 4)),
                  "mean " << mean);
  }
  Stream s = Stream::derive(passage::test::seed(1), 0, 8);
  CHECK(s.poisson(0.0) == 0);
}

TEST_CASE("samplers: discrete (alias table) frequencies")
{
  const std::vector<double> w = { 49, 27, 13, 5, 4, 2 };
  Discrete d(w);
  Stream s = Stream::derive(passage::test::seed(1), 0, 9);
  std::vector<int> counts(w.size(), 0);
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    ++counts[d(s)];
  }
  for (std::size_t i = 0; i < w.size(); ++i) {
    const double p = w[i] / 100.0;
    const double se = std::sqrt(p * (1 - p) / n);
    CHECK(std::fabs(counts[i] / static_cast<double>(n) - p) < 5 * se);
    CHECK(d.probability(i) == doctest::Approx(p));
  }
  CHECK_THROWS(Discrete(std::vector<double>{}));
  CHECK_THROWS(Discrete(std::vector<double>{ 0.0, 0.0 }));
  CHECK_THROWS(Discrete(std::vector<double>{ 1.0, -1.0 }));
  // Zero-weight outcomes never occur.
  Discrete z(std::vector<double>{ 0.0, 1.0, 0.0 });
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(z(s) == 1);
  }
}

TEST_SUITE_END();
