// Samplers for sweeps and sensitivity analysis: the stratification each one
// promises, exactly.
#include "passage/sa/sampling.hpp"

#include <algorithm>
#include <cmath>
#include <doctest/doctest.h>
#include <set>

using namespace passage::engine;

namespace {

// True when floor(u * n) over the n values of column j is a permutation of 0..n-1.
bool one_per_stratum(const std::vector<double>& pts, std::size_t n, std::size_t dims, std::size_t j)
{
  std::vector<int> hit(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const double u = pts[i * dims + j];
    if (!(u > 0.0 && u < 1.0)) {
      return false;
    }
    hit[static_cast<std::size_t>(u * static_cast<double>(n))]++;
  }
  return std::all_of(hit.begin(), hit.end(), [](int h) { return h == 1; });
}

} // namespace

TEST_CASE("sa sampling: a Latin hypercube has one point in each stratum of every dimension")
{
  const std::size_t n = 500;
  const std::size_t d = 7;
  const auto pts = sa::latin_hypercube(n, d, 42);
  REQUIRE(pts.size() == n * d);
  for (std::size_t j = 0; j < d; ++j) {
    CHECK(one_per_stratum(pts, n, d, j));
  }
  CHECK(sa::latin_hypercube(n, d, 42) == pts);
  CHECK(sa::latin_hypercube(n, d, 43) != pts);
}

TEST_CASE("sa sampling: scrambled Sobol' points are a (0, m, 2)-net in their first two "
          "dimensions and stratified in every one")
{
  const std::size_t m = 10;
  const std::size_t n = std::size_t{ 1 } << m;
  const std::size_t d = 6;
  const auto pts = sa::sobol_points(n, d, 7);
  for (std::size_t j = 0; j < d; ++j) {
    CHECK(one_per_stratum(pts, n, d, j)); // which also pins the mean within 1/(2n) of 1/2
  }
  // Every elementary box of volume 2^-m in dimensions 0 and 1 holds exactly one
  // point (the first two Sobol' dimensions have t = 0; Owen scrambling keeps it).
  for (std::size_t a = 0; a <= m; ++a) {
    const std::size_t b = m - a;
    std::set<std::pair<std::size_t, std::size_t>> boxes;
    for (std::size_t i = 0; i < n; ++i) {
      boxes.emplace(static_cast<std::size_t>(std::ldexp(pts[i * d], static_cast<int>(a))),
                    static_cast<std::size_t>(std::ldexp(pts[i * d + 1], static_cast<int>(b))));
    }
    CHECK(boxes.size() == n);
  }
  // Reproducible, and another seed is another scrambling.
  CHECK(sa::sobol_points(n, d, 7) == pts);
  const auto other = sa::sobol_points(n, d, 8);
  CHECK(other != pts);
  CHECK(one_per_stratum(other, n, d, 3));
  // The first n/2 points are a net on their own (the convergence check uses them).
  std::vector<double> half(pts.begin(), pts.begin() + static_cast<long>(n / 2 * d));
  CHECK(one_per_stratum(half, n / 2, d, 5));
}

TEST_CASE("sa sampling: Owen scrambling is a bijection on digit prefixes")
{
  // Points in distinct dyadic intervals of length 2^-k stay in distinct ones.
  std::set<std::uint64_t> cells;
  for (std::uint64_t i = 0; i < 256; ++i) {
    const double u = sa::owen_scramble(i << 56, 12345);
    CHECK(u > 0.0);
    CHECK(u < 1.0);
    cells.insert(static_cast<std::uint64_t>(u * 256.0));
  }
  CHECK(cells.size() == 256);
}

TEST_CASE("sa sampling: Saltelli blocks A, B, A_B^i and B_A^i")
{
  const std::size_t n = 64;
  const std::size_t d = 3;
  const auto s = sa::saltelli(n, d, true, 99);
  CHECK(s.blocks() == 2 + 2 * d);
  REQUIRE(s.unit.size() == s.points() * d);
  const auto base = sa::sobol_points(n, 2 * d, 99);
  for (std::size_t j = 0; j < n; ++j) {
    const double* a = &s.unit[s.point(sa::SaltelliDesign::kA, j) * d];
    const double* b = &s.unit[s.point(sa::SaltelliDesign::kB, j) * d];
    for (std::size_t i = 0; i < d; ++i) {
      CHECK(a[i] == base[j * 2 * d + i]);
      CHECK(b[i] == base[j * 2 * d + d + i]);
      const double* ab = &s.unit[s.point(s.ab(i), j) * d];
      const double* ba = &s.unit[s.point(s.ba(i), j) * d];
      for (std::size_t k = 0; k < d; ++k) {
        CHECK(ab[k] == (k == i ? b[k] : a[k]));
        CHECK(ba[k] == (k == i ? a[k] : b[k]));
      }
    }
  }
}

TEST_CASE("sa sampling: Morris trajectories move one parameter by Delta per step")
{
  const std::size_t r = 30;
  const std::size_t d = 5;
  const auto m = sa::morris(r, d, 4, 3);
  CHECK(m.delta == doctest::Approx(2.0 / 3.0));
  REQUIRE(m.unit.size() == m.points() * d);
  for (std::size_t t = 0; t < r; ++t) {
    std::vector<int> moved(d, 0);
    for (std::size_t s = 0; s < d; ++s) {
      const double* x0 = &m.unit[m.point(t, s) * d];
      const double* x1 = &m.unit[m.point(t, s + 1) * d];
      int changed = 0;
      for (std::size_t i = 0; i < d; ++i) {
        if (x0[i] != x1[i]) {
          ++changed;
          CHECK(i == m.moved[t * d + s]);
          CHECK(x1[i] - x0[i] == doctest::Approx(m.direction[t * d + s] * m.delta));
          moved[i]++;
        }
      }
      CHECK(changed == 1);
    }
    CHECK(std::all_of(moved.begin(), moved.end(), [](int k) { return k == 1; }));
    for (std::size_t p = 0; p <= d; ++p) {
      for (std::size_t i = 0; i < d; ++i) {
        const double level = m.unit[m.point(t, p) * d + i] * 3.0;
        CHECK(level == std::round(level)); // on the grid {0, 1/3, 2/3, 1}
        CHECK(level >= 0.0);
        CHECK(level <= 3.0);
      }
    }
  }
  CHECK_THROWS(sa::morris(r, d, 5, 3));
}

TEST_CASE("sa sampling: a grid holds every combination of levels")
{
  const auto g = sa::grid({ 3, 2 });
  REQUIRE(g.size() == 6 * 2);
  const std::vector<double> want = { 0, 0, 0, 1, 0.5, 0, 0.5, 1, 1, 0, 1, 1 };
  CHECK(g == want);
}
