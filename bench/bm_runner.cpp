// Whole replications through the parallel runner, single-threaded: M/M/1 with 100
// customers (per-replication overhead dominates) against the same customers in
// few long replications. items/s = customers per second; the ratio of the two
// is the per-replication overhead (target: at most 1.5x).
#include <benchmark/benchmark.h>

#include <memory>

#include "passage/run/runner.hpp"
#include "passage/run/scenario.hpp"
#include "registry.hpp"

using namespace passage;

namespace {

void run_mm1(benchmark::State& state, std::uint64_t customers, std::uint64_t replications)
{
  const auto s = engine::load_scenario(PASSAGE_SOURCE_DIR "/configs/verification/mm1.yaml",
                                       { "parameters.customers=" + std::to_string(customers) });
  const auto model = models::registry().create(s);
  engine::Runner runner(*model, engine::RunOptions{ s.seed, 1 });
  std::uint64_t first = 0;
  for (auto _ : state) {
    runner.run(first, replications, [](std::uint64_t, std::uint64_t, std::span<const double>) {});
    first += replications;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * customers * replications));
  state.counters["replications_per_s"] = benchmark::Counter(
    static_cast<double>(state.iterations() * replications), benchmark::Counter::kIsRate);
}

void BM_Mm1ShortReplications(benchmark::State& state) { run_mm1(state, 100, 10000); }
void BM_Mm1LongReplications(benchmark::State& state) { run_mm1(state, 100000, 10); }

}  // namespace

BENCHMARK(BM_Mm1ShortReplications)->Name("runner/mm1_10^4_reps_x_100_customers")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Mm1LongReplications)->Name("runner/mm1_10_reps_x_10^5_customers")->Unit(benchmark::kMillisecond)->UseRealTime();
