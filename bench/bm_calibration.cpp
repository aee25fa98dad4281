// Speed per particle (issue 16): one calibration particle is the Mali model at one
// design point of configs/sa/mali-calibration.yaml, run for the design's R
// replications, as `passage calibrate` evaluates it (sa::Evaluator: the point's
// scenario written, its model built, R replications on one worker). One thread:
// particles/s here times the cores is the calibration's rate.
#include "passage/run/scenario.hpp"
#include "passage/sa/design.hpp"
#include "passage/sa/evaluate.hpp"
#include "registry.hpp"

#include <benchmark/benchmark.h>
#include <vector>

using namespace passage;
namespace sa = engine::sa;

namespace {

const engine::Scenario& scenario()
{
  static const engine::Scenario s =
    engine::load_scenario(PASSAGE_SOURCE_DIR "/configs/mali-2016.yaml");
  return s;
}

const sa::Design& design()
{
  static const sa::Design d = [] {
    auto x = sa::load_design(PASSAGE_SOURCE_DIR "/configs/sa/mali-calibration.yaml", scenario());
    sa::resolve_outputs(x, models::registry().create(scenario())->metrics());
    return x;
  }();
  return d;
}

// `state.range(0)` particles at once, spread over the prior (a Sobol'-like
// stratification is not needed: each point costs about the same).
void BM_CalibrationParticle(benchmark::State& state)
{
  const auto& s = scenario();
  const auto& d = design();
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<double> unit;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < d.parameters.size(); ++j) {
      unit.push_back((static_cast<double>((i * 7 + j * 3) % n) + 0.5) / static_cast<double>(n));
    }
  }
  const auto values = sa::values_from_unit(d, unit);
  const sa::EvaluationOptions options(20160725, 1, d.replications, d.common_random_numbers);
  std::uint64_t events = 0;
  std::uint64_t particles = 0;
  for (auto _ : state) {
    sa::Evaluator evaluator(models::registry(), s, d, options);
    const auto e = evaluator.run(values);
    events += e.events;
    particles += n;
    benchmark::DoNotOptimize(e.runs.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
  state.counters["particles_per_s"] =
    benchmark::Counter(static_cast<double>(particles), benchmark::Counter::kIsRate);
  state.counters["s_per_particle"] = benchmark::Counter(
    static_cast<double>(particles), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["replications"] = static_cast<double>(d.replications);
}

} // namespace

BENCHMARK(BM_CalibrationParticle)
  ->Name("calibration/mali_particle")
  ->Arg(4)
  ->Unit(benchmark::kMillisecond)
  ->UseRealTime();
