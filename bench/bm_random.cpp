// Random draws per distribution, and the cost of deriving a stream.
#include "passage/random/stream.hpp"

#include <benchmark/benchmark.h>
#include <cmath>
#include <pcg_random.hpp>
#include <random>
#include <vector>

using namespace passage::engine::random;

#define PASSAGE_BM_DRAW(NAME, EXPR)                                                                \
  static void BM_##NAME(benchmark::State& state)                                                   \
  {                                                                                                \
    Stream s = Stream::derive(1, 0, 1);                                                            \
    for (auto _ : state) {                                                                         \
      benchmark::DoNotOptimize(EXPR);                                                              \
    }                                                                                              \
    state.SetItemsProcessed(state.iterations());                                                   \
  }                                                                                                \
  BENCHMARK(BM_##NAME)->Name("random/" #NAME)

PASSAGE_BM_DRAW(bits, s.bits());
PASSAGE_BM_DRAW(uniform, s.uniform());
PASSAGE_BM_DRAW(uniform_int, s.uniform_int(1000, 5000));
PASSAGE_BM_DRAW(bernoulli, s.bernoulli(0.3));
PASSAGE_BM_DRAW(exponential, s.exponential(2.0));
PASSAGE_BM_DRAW(normal, s.normal());
PASSAGE_BM_DRAW(lognormal, s.lognormal(1.0, 0.5));
PASSAGE_BM_DRAW(poisson_4, s.poisson(4.0));
PASSAGE_BM_DRAW(poisson_100, s.poisson(100.0));

static void BM_discrete6(benchmark::State& state)
{
  const std::vector<double> w = { 49, 27, 13, 5, 4, 2 };
  const Discrete d(w);
  Stream s = Stream::derive(1, 0, 1);
  for (auto _ : state) {
    benchmark::DoNotOptimize(d(s));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_discrete6)->Name("random/discrete6");

static void BM_derive(benchmark::State& state)
{
  std::uint64_t e = 0;
  for (auto _ : state) {
    Stream s = Stream::derive(1, 7, 0x1234, e++);
    benchmark::DoNotOptimize(s.bits());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_derive)->Name("random/derive_stream");

// The same draws from alternatives, side by side: a 32-bit PCG (two outputs make
// a 53-bit double) against the 64-bit one the streams use, and the standard
// library's samplers against the ziggurat ones.
static void BM_pcg32_uniform(benchmark::State& state)
{
  pcg32 g(1, 1);
  for (auto _ : state) {
    const std::uint64_t hi = g() >> 6; // 26 bits
    const std::uint64_t lo = g() >> 5; // 27 bits
    benchmark::DoNotOptimize(static_cast<double>((hi << 27) | lo) * 0x1.0p-53);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_pcg32_uniform)->Name("random/alt_pcg32_uniform");

static void BM_std_normal(benchmark::State& state)
{
  pcg64 g(1, 1);
  std::normal_distribution<double> d;
  for (auto _ : state) {
    benchmark::DoNotOptimize(d(g));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_std_normal)->Name("random/alt_std_normal");

static void BM_std_exponential(benchmark::State& state)
{
  pcg64 g(1, 1);
  std::exponential_distribution<double> d(2.0);
  for (auto _ : state) {
    benchmark::DoNotOptimize(d(g));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_std_exponential)->Name("random/alt_std_exponential");
