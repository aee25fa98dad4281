#include "passage/random/stream.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace passage::engine::random {

namespace detail {

namespace {

// Normal: 128 layers, tail start R and layer area V (Doornik 2005).
constexpr double kNormalR = 3.442619855899;
constexpr double kNormalV = 9.91256303526217e-3;
// Exponential: 256 layers (Marsaglia & Tsang 2000).
constexpr double kExpR = 7.69711747013104972;
constexpr double kExpV = 3.949659822581572e-3;

ZigguratTables build()
{
  ZigguratTables z{};
  {
    constexpr int n = ZigguratTables::kNormalLayers;
    double f = std::exp(-0.5 * kNormalR * kNormalR);
    z.nx[0] = kNormalV / f;
    z.nx[1] = kNormalR;
    z.nx[n] = 0.0;
    for (int i = 2; i < n; ++i) {
      z.nx[i] = std::sqrt(-2.0 * std::log(kNormalV / z.nx[i - 1] + f));
      f = std::exp(-0.5 * z.nx[i] * z.nx[i]);
    }
    for (int i = 0; i < n; ++i) {
      z.nr[i] = z.nx[i + 1] / z.nx[i];
    }
  }
  {
    constexpr int n = ZigguratTables::kExpLayers;
    double f = std::exp(-kExpR);
    z.ex[0] = kExpV / f;
    z.ex[1] = kExpR;
    z.ex[n] = 0.0;
    for (int i = 2; i < n; ++i) {
      z.ex[i] = -std::log(kExpV / z.ex[i - 1] + f);
      f = std::exp(-z.ex[i]);
    }
    for (int i = 0; i < n; ++i) {
      z.er[i] = z.ex[i + 1] / z.ex[i];
    }
  }
  return z;
}

} // namespace

namespace {
const ZigguratTables& tables() noexcept
{
  static const ZigguratTables t = build();
  return t;
}
} // namespace

// Bound at static initialisation; any use before that goes through tables().
const ZigguratTables& kZiggurat = tables();

double normal_slow(std::uint64_t b, Stream& s) noexcept
{
  const auto& z = tables();
  for (;;) {
    const unsigned i = static_cast<unsigned>(b & 0x7f);
    const double u = 2.0 * (static_cast<double>(b >> 11) * 0x1.0p-53) - 1.0;
    if (std::fabs(u) < z.nr[i]) {
      return u * z.nx[i];
    }
    if (i == 0) {
      // Tail beyond R (Marsaglia 1964).
      double x = 0.0;
      double y = 0.0;
      do {
        x = std::log(s.uniform_pos()) / kNormalR;
        y = std::log(s.uniform_pos());
      } while (-2.0 * y < x * x);
      return u < 0.0 ? x - kNormalR : kNormalR - x;
    }
    const double x = u * z.nx[i];
    const double f0 = std::exp(-0.5 * (z.nx[i] * z.nx[i] - x * x));
    const double f1 = std::exp(-0.5 * (z.nx[i + 1] * z.nx[i + 1] - x * x));
    if (f1 + s.uniform() * (f0 - f1) < 1.0) {
      return x;
    }
    b = s.bits();
  }
}

std::uint64_t uniform_int_slow(uint128_t m, std::uint64_t range, Stream& s) noexcept
{
  const std::uint64_t threshold = (0 - range) % range;
  while (static_cast<std::uint64_t>(m) < threshold) {
    m = static_cast<uint128_t>(s.bits()) * range;
  }
  return static_cast<std::uint64_t>(m >> 64);
}

double exponential_slow(std::uint64_t b, Stream& s) noexcept
{
  const auto& z = tables();
  double shift = 0.0;
  for (;;) {
    const unsigned i = static_cast<unsigned>(b & 0xff);
    const double u = static_cast<double>(b >> 11) * 0x1.0p-53;
    if (u < z.er[i]) {
      return shift + u * z.ex[i];
    }
    if (i == 0) {
      // Memoryless tail: beyond R the exponential is R plus a fresh exponential.
      shift += kExpR;
    } else {
      const double x = u * z.ex[i];
      const double fi = std::exp(-z.ex[i]);
      const double fi1 = std::exp(-z.ex[i + 1]);
      if (fi + s.uniform() * (fi1 - fi) < std::exp(-x)) {
        return shift + x;
      }
    }
    b = s.bits();
  }
}

} // namespace detail

std::uint64_t Stream::poisson(double mean) noexcept
{
  if (!(mean > 0.0)) {
    return 0;
  }
  if (mean < 10.0) {
    // Inversion by sequential search: one uniform.
    const double u = uniform();
    double p = std::exp(-mean);
    double cdf = p;
    std::uint64_t k = 0;
    while (u >= cdf && k < 1000) {
      ++k;
      p *= mean / static_cast<double>(k);
      cdf += p;
    }
    return k;
  }
  // PTRS: transformed rejection with squeeze (Hormann 1993).
  const double slam = std::sqrt(mean);
  const double loglam = std::log(mean);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const double vr = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = uniform() - 0.5;
    const double v = uniform();
    const double us = 0.5 - std::fabs(u);
    const double k = std::floor((2.0 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) {
      return static_cast<std::uint64_t>(k);
    }
    if (k < 0.0 || (us < 0.013 && v > us)) {
      continue;
    }
    // lgamma_r, not std::lgamma: glibc's lgamma writes the global `signgam`, a
    // data race when replications draw on several threads (ThreadSanitizer).
    int sign = 0;
    if (std::log(v) + std::log(invalpha) - std::log(a / (us * us) + b) <=
        -mean + k * loglam - ::lgamma_r(k + 1.0, &sign)) {
      return static_cast<std::uint64_t>(k);
    }
  }
}

Discrete::Discrete(std::span<const double> weights)
{
  const std::size_t n = weights.size();
  if (n == 0) {
    throw std::invalid_argument("discrete distribution needs at least one weight");
  }
  double total = 0.0;
  for (const double w : weights) {
    if (!(w >= 0.0) || !std::isfinite(w)) {
      throw std::invalid_argument("discrete distribution weights must be finite and non-negative");
    }
    total += w;
  }
  if (!(total > 0.0)) {
    throw std::invalid_argument("discrete distribution weights sum to zero");
  }
  p_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    p_[i] = weights[i] / total;
  }
  // Vose's alias method, with the small/large work lists processed in index
  // order so the table is the same on every platform.
  prob_.assign(n, 0.0);
  alias_.assign(n, 0);
  std::vector<double> scaled(n);
  std::vector<std::uint32_t> small;
  std::vector<std::uint32_t> large;
  for (std::size_t i = 0; i < n; ++i) {
    scaled[i] = p_[i] * static_cast<double>(n);
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  std::size_t si = 0;
  std::size_t li = 0;
  while (si < small.size() && li < large.size()) {
    const std::uint32_t s = small[si++];
    const std::uint32_t l = large[li];
    prob_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] = (scaled[l] + scaled[s]) - 1.0;
    if (scaled[l] < 1.0) {
      ++li;
      small.push_back(l);
    }
  }
  for (; li < large.size(); ++li) {
    prob_[large[li]] = 1.0;
    alias_[large[li]] = large[li];
  }
  for (; si < small.size(); ++si) {
    prob_[small[si]] = 1.0; // rounding leftovers
    alias_[small[si]] = small[si];
  }
}

} // namespace passage::engine::random
