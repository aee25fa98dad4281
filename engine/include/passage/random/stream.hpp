#pragma once
//! Random streams and the engine's own samplers.
//!
//! Policy (see engine/README.md): every stream is derived from the key
//! (master seed, replication, sub-stream, entity) by hashing the key into the
//! 128-bit state of a PCG64 generator with the one fixed increment. All streams
//! are then stretches of one period-2^128 sequence that start at independent
//! pseudo-random points, which is what jump-ahead would give at a fraction of the
//! cost; the increment is never used to separate streams (pcg-cpp issues #85, #90:
//! such streams are correlated). A model uses one sub-stream per kind of draw and
//! per site, so that adding a draw to one mechanism does not shift any other: two
//! scenarios run with the same seed share their random numbers wherever their
//! structure is the same (common random numbers).
//!
//! Samplers are implemented here, not taken from <random>, so results do not
//! depend on the standard library: uniform (53-bit), integer (Lemire),
//! exponential and normal (ziggurat), lognormal, Bernoulli, Poisson (inversion /
//! PTRS) and discrete (Walker alias, one draw per sample).

#include "passage/core/int128.hpp"

#include <cmath>
#include <cstdint>
#include <pcg_random.hpp>
#include <span>
#include <string_view>
#include <vector>

namespace passage::engine::random {

//! A 64-bit identifier for a sub-stream name, stable across builds (FNV-1a).
constexpr std::uint64_t substream_id(std::string_view name) noexcept
{
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

//! SplitMix64's finaliser: a bijective 64-bit mixer with full avalanche.
constexpr std::uint64_t mix64(std::uint64_t z) noexcept
{
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

//! Combine two identifiers into one (e.g. a mechanism and a site).
constexpr std::uint64_t combine(std::uint64_t a, std::uint64_t b) noexcept
{
  return mix64(a ^ (mix64(b) + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2)));
}

//! The identity of one stream.
struct StreamKey
{
  std::uint64_t seed = 0;
  std::uint64_t replication = 0;
  std::uint64_t substream = 0;
  std::uint64_t entity = 0;
};

class Stream;

namespace detail {
struct ZigguratTables;
//! The tables, built during static initialisation (no guard on the hot path).
extern const ZigguratTables& kZiggurat;
double normal_slow(std::uint64_t bits, Stream& s) noexcept;
double exponential_slow(std::uint64_t bits, Stream& s) noexcept;
//! Lemire's rejection, from a first product m whose low half is below the range:
//! the high half of the first product that is not rejected.
[[gnu::noinline]] std::uint64_t uniform_int_slow(uint128_t m, std::uint64_t range,
                                                 Stream& s) noexcept;
} // namespace detail

//! One random stream: a PCG64 generator (oneseq, 128-bit state) with samplers.
class Stream
{
public:
  using Engine = pcg_engines::oneseq_xsl_rr_128_64;

  Stream() : eng_(0) {}

  //! The stream named by `key`; the same key always gives the same stream.
  static Stream derive(const StreamKey& key) noexcept
  {
    return derive_rest(derive_prefix(key.seed, key.replication), key);
  }

  static Stream derive(std::uint64_t seed, std::uint64_t replication, std::uint64_t substream,
                       std::uint64_t entity = 0) noexcept
  {
    return derive(StreamKey{ seed, replication, substream, entity });
  }

  //! 64 random bits.
  std::uint64_t bits() noexcept { return eng_(); }

  //! Uniform on [0, 1) with 53 random bits.
  double uniform() noexcept { return static_cast<double>(bits() >> 11) * 0x1.0p-53; }

  //! Uniform on (0, 1]: safe to take a logarithm of.
  double uniform_pos() noexcept { return static_cast<double>((bits() >> 11) + 1) * 0x1.0p-53; }

  //! Uniform on [a, b).
  double uniform(double a, double b) noexcept { return a + (b - a) * uniform(); }

  //! Uniform integer on [lo, hi], inclusive (Lemire's nearly divisionless method).
  //! Inline up to the rare case that may reject (a low product below the range),
  //! which goes out of line: a model's hot loop draws one at every toll.
  [[gnu::always_inline]] std::int64_t uniform_int(std::int64_t lo, std::int64_t hi) noexcept
  {
    const std::uint64_t range = static_cast<std::uint64_t>(hi - lo) + 1;
    if (range == 0) [[unlikely]] { // the whole 64-bit range
      return static_cast<std::int64_t>(bits());
    }
    const uint128_t m = static_cast<uint128_t>(bits()) * range;
    if (static_cast<std::uint64_t>(m) < range) [[unlikely]] {
      return lo + static_cast<std::int64_t>(detail::uniform_int_slow(m, range, *this));
    }
    return lo + static_cast<std::int64_t>(m >> 64);
  }

  //! True with probability p.
  bool bernoulli(double p) noexcept { return uniform() < p; }

  //! Standard exponential (rate 1), ziggurat.
  double exponential() noexcept;

  //! Exponential with the given rate (mean 1/rate).
  double exponential(double rate) noexcept { return exponential() / rate; }

  //! Standard normal, ziggurat.
  double normal() noexcept;

  double normal(double mean, double sd) noexcept { return mean + sd * normal(); }

  //! exp(N(mu, sigma^2)).
  double lognormal(double mu, double sigma) noexcept { return std::exp(mu + sigma * normal()); }

  //! Poisson with the given mean.
  std::uint64_t poisson(double mean) noexcept;

  Engine& engine() noexcept { return eng_; }

private:
  friend class StreamFamily;

  // Two independent 64-bit hashes of the whole key form the 128-bit state. The
  // first starts with (seed, replication): a StreamFamily hashes that part once.
  static std::uint64_t derive_prefix(std::uint64_t seed, std::uint64_t replication) noexcept
  {
    return mix64(mix64(seed ^ 0x243f6a8885a308d3ULL) ^ replication);
  }
  static Stream derive_rest(std::uint64_t prefix, const StreamKey& key) noexcept
  {
    std::uint64_t a = mix64(prefix ^ key.substream);
    a = mix64(a ^ key.entity);
    std::uint64_t b = mix64(key.entity ^ 0x13198a2e03707344ULL);
    b = mix64(b ^ key.substream);
    b = mix64(b ^ key.replication);
    b = mix64(b ^ key.seed);
    Stream s;
    s.eng_ = Engine((static_cast<pcg_extras::pcg128_t>(a) << 64) | b);
    return s;
  }

  Engine eng_;
};

//! The streams of one (seed, replication): `family(substream, entity)` is
//! `Stream::derive(seed, replication, substream, entity)`, the same stream, with
//! the part of the hash that depends on the seed and the replication alone done
//! once (a model that derives a stream per draw site derives ~10^5 a replication).
class StreamFamily
{
public:
  StreamFamily() noexcept : StreamFamily(0, 0) {}
  StreamFamily(std::uint64_t seed, std::uint64_t replication) noexcept
    : seed_(seed), replication_(replication), prefix_(Stream::derive_prefix(seed, replication))
  {
  }

  Stream operator()(std::uint64_t substream, std::uint64_t entity = 0) const noexcept
  {
    return Stream::derive_rest(prefix_, StreamKey{ seed_, replication_, substream, entity });
  }

  std::uint64_t seed() const noexcept { return seed_; }
  std::uint64_t replication() const noexcept { return replication_; }

private:
  std::uint64_t seed_;
  std::uint64_t replication_;
  std::uint64_t prefix_;
};

//! A discrete distribution over 0..n-1 from non-negative weights; one draw per
//! sample (Walker/Vose alias table). Built once, sampled many times.
class Discrete
{
public:
  Discrete() = default;
  explicit Discrete(std::span<const double> weights);

  std::size_t operator()(Stream& s) const noexcept { return pick(s.uniform()); }

  //! The outcome for a given uniform u in [0, 1): lets a model draw u once and
  //! map it later, against a table that may have changed meanwhile.
  std::size_t pick(double uniform01) const noexcept
  {
    const double u = uniform01 * static_cast<double>(prob_.size());
    auto i = static_cast<std::size_t>(u);
    if (i >= prob_.size()) {
      i = prob_.size() - 1;
    }
    // Both outcomes loaded, then a select: which one is a coin toss, no branch
    // the predictor could learn.
    const std::size_t alias = alias_[i];
    return (u - static_cast<double>(i)) < prob_[i] ? i : alias;
  }

  std::size_t size() const noexcept { return prob_.size(); }
  //! The normalised probability of outcome i.
  double probability(std::size_t i) const noexcept { return p_[i]; }

private:
  std::vector<double> prob_;
  std::vector<std::uint32_t> alias_;
  std::vector<double> p_;
};

// ---------------------------------------------------------------------------
// Ziggurat fast paths (Marsaglia & Tsang 2000 with Doornik's 2005 layout: the
// layer index and the abscissa come from disjoint bits of one 64-bit draw).

namespace detail {
struct ZigguratTables
{
  static constexpr int kNormalLayers = 128;
  static constexpr int kExpLayers = 256;
  double nx[kNormalLayers + 1]; // layer abscissae, normal
  double nr[kNormalLayers];     // nx[i+1] / nx[i]
  double ex[kExpLayers + 1];
  double er[kExpLayers];
};
} // namespace detail

inline double Stream::normal() noexcept
{
  const auto& z = detail::kZiggurat;
  const std::uint64_t b = bits();
  const unsigned i = static_cast<unsigned>(b & 0x7f);
  const double u = 2.0 * (static_cast<double>(b >> 11) * 0x1.0p-53) - 1.0;
  if (std::fabs(u) < z.nr[i]) {
    return u * z.nx[i];
  }
  return detail::normal_slow(b, *this);
}

// Inline everywhere: the fast path is a few instructions, a call would save
// registers around it (a model draws one at every roadblock).
[[gnu::always_inline]] inline double Stream::exponential() noexcept
{
  const auto& z = detail::kZiggurat;
  const std::uint64_t b = bits();
  const unsigned i = static_cast<unsigned>(b & 0xff);
  const double u = static_cast<double>(b >> 11) * 0x1.0p-53;
  if (u < z.er[i]) {
    return u * z.ex[i];
  }
  return detail::exponential_slow(b, *this);
}

} // namespace passage::engine::random
