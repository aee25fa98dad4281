#include "passage/sa/sampling.hpp"

#include "passage/errors.hpp"
#include "passage/random/stream.hpp"

#include <boost/random/sobol.hpp>
#include <numeric>

namespace passage::engine::sa {

namespace {

constexpr std::uint64_t kLhs = random::substream_id("sa.lhs");
constexpr std::uint64_t kScramble = random::substream_id("sa.sobol.scramble");
constexpr std::uint64_t kMorris = random::substream_id("sa.morris");

} // namespace

std::vector<double> grid(const std::vector<std::size_t>& levels)
{
  const std::size_t d = levels.size();
  std::size_t n = 1;
  for (const auto l : levels) {
    if (l == 0) {
      return {};
    }
    if (n > (std::size_t{ 1 } << 40) / l) {
      throw UsageError("a grid of this many points cannot be run",
                       "use fewer levels (-n), or --method lhs or sobol");
    }
    n *= l;
  }
  std::vector<double> out(n * d);
  std::vector<std::size_t> idx(d, 0);
  for (std::size_t p = 0; p < n; ++p) {
    for (std::size_t j = 0; j < d; ++j) {
      out[p * d + j] =
        levels[j] == 1 ? 0.5 : static_cast<double>(idx[j]) / static_cast<double>(levels[j] - 1);
    }
    // Odometer: the last dimension varies fastest.
    for (std::size_t j = d; j-- > 0;) {
      if (++idx[j] < levels[j]) {
        break;
      }
      idx[j] = 0;
    }
  }
  return out;
}

std::vector<double> latin_hypercube(std::size_t n, std::size_t dims, std::uint64_t seed)
{
  std::vector<double> out(n * dims);
  std::vector<std::size_t> perm(n);
  for (std::size_t j = 0; j < dims; ++j) {
    auto s = random::Stream::derive(seed, 0, kLhs, j);
    std::iota(perm.begin(), perm.end(), std::size_t{ 0 });
    for (std::size_t i = n; i > 1; --i) { // Fisher-Yates
      const auto k = static_cast<std::size_t>(s.uniform_int(0, static_cast<std::int64_t>(i - 1)));
      std::swap(perm[i - 1], perm[k]);
    }
    for (std::size_t i = 0; i < n; ++i) {
      out[i * dims + j] = (static_cast<double>(perm[i]) + s.uniform()) / static_cast<double>(n);
    }
  }
  return out;
}

double owen_scramble(std::uint64_t x, std::uint64_t key) noexcept
{
  // Nested uniform scrambling: digit k is flipped by a random bit that depends
  // on the digits above it. The random bits are a hash of (key, node), the node
  // being the position of the k-digit prefix in the binary tree (1 << k | prefix).
  std::uint64_t out = 0;
  for (int k = 0; k < 53; ++k) {
    const std::uint64_t prefix = k == 0 ? 0 : x >> (64 - k);
    const std::uint64_t node = (std::uint64_t{ 1 } << k) | prefix;
    const std::uint64_t flip = random::combine(key, node) >> 63;
    const std::uint64_t digit = (x >> (63 - k)) & 1U;
    out = (out << 1) | (digit ^ flip);
  }
  // The centre of the 2^-53 cell: never 0 or 1, so every quantile is finite.
  return (static_cast<double>(out) + 0.5) * 0x1.0p-53;
}

std::vector<double> sobol_points(std::size_t n, std::size_t dims, std::uint64_t seed)
{
  if (dims > boost::random::default_sobol_table::max_dimension) {
    throw UsageError("a Sobol' sequence has at most " +
                     std::to_string(boost::random::default_sobol_table::max_dimension) +
                     " dimensions; this needs " + std::to_string(dims));
  }
  std::vector<double> out(n * dims);
  if (n == 0 || dims == 0) {
    return out;
  }
  std::vector<std::uint64_t> keys(dims);
  for (std::size_t j = 0; j < dims; ++j) {
    keys[j] = random::combine(random::combine(seed, kScramble), j);
  }
  // boost skips the sequence's first point (all zeros); put it back, so that the
  // first 2^m points form a (t, m, s)-net.
  for (std::size_t j = 0; j < dims; ++j) {
    out[j] = owen_scramble(0, keys[j]);
  }
  boost::random::sobol gen(dims);
  for (std::size_t i = 1; i < n; ++i) {
    for (std::size_t j = 0; j < dims; ++j) {
      out[i * dims + j] = owen_scramble(gen(), keys[j]);
    }
  }
  return out;
}

SaltelliDesign saltelli(std::size_t n, std::size_t d, bool second_order, std::uint64_t seed)
{
  SaltelliDesign s;
  s.n = n;
  s.d = d;
  s.second_order = second_order;
  const auto base = sobol_points(n, 2 * d, seed);
  s.unit.assign(s.points() * d, 0.0);
  auto row = [&](std::size_t block, std::size_t j) { return &s.unit[s.point(block, j) * d]; };
  for (std::size_t j = 0; j < n; ++j) {
    const double* a = &base[j * 2 * d];
    const double* b = a + d;
    std::copy(a, a + d, row(SaltelliDesign::kA, j));
    std::copy(b, b + d, row(SaltelliDesign::kB, j));
    for (std::size_t i = 0; i < d; ++i) {
      double* ab = row(s.ab(i), j);
      std::copy(a, a + d, ab);
      ab[i] = b[i];
      if (second_order) {
        double* ba = row(s.ba(i), j);
        std::copy(b, b + d, ba);
        ba[i] = a[i];
      }
    }
  }
  return s;
}

MorrisDesign morris(std::size_t r, std::size_t d, unsigned levels, std::uint64_t seed)
{
  if (levels < 2 || levels % 2 != 0) {
    throw UsageError("Morris needs an even number of levels >= 2, got " + std::to_string(levels));
  }
  MorrisDesign m;
  m.r = r;
  m.d = d;
  m.levels = levels;
  const auto top = static_cast<double>(levels - 1);
  const auto jump = static_cast<std::int64_t>(levels / 2); // Delta in level units
  m.delta = static_cast<double>(jump) / top;
  m.unit.assign(m.points() * d, 0.0);
  m.moved.assign(r * d, 0);
  m.direction.assign(r * d, 1);
  std::vector<std::int64_t> level(d);
  std::vector<int> dir(d);
  std::vector<std::size_t> order(d);
  for (std::size_t t = 0; t < r; ++t) {
    auto s = random::Stream::derive(seed, t, kMorris);
    for (std::size_t i = 0; i < d; ++i) {
      const std::int64_t base = s.uniform_int(0, jump - 1);
      dir[i] = s.bernoulli(0.5) ? 1 : -1;
      level[i] = dir[i] > 0 ? base : base + jump;
    }
    std::iota(order.begin(), order.end(), std::size_t{ 0 });
    for (std::size_t i = d; i > 1; --i) {
      const auto k = static_cast<std::size_t>(s.uniform_int(0, static_cast<std::int64_t>(i - 1)));
      std::swap(order[i - 1], order[k]);
    }
    for (std::size_t step = 0; step <= d; ++step) {
      if (step > 0) {
        const std::size_t i = order[step - 1];
        level[i] += dir[i] * jump;
        m.moved[t * d + step - 1] = i;
        m.direction[t * d + step - 1] = dir[i];
      }
      double* row = &m.unit[m.point(t, step) * d];
      for (std::size_t i = 0; i < d; ++i) {
        row[i] = static_cast<double>(level[i]) / top;
      }
    }
  }
  return m;
}

} // namespace passage::engine::sa
