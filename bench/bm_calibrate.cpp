// ABC-SMC per particle, single-threaded (issue 16): the conjugate verification
// model (the sampler's own overhead: proposals, a scenario copy and a model per
// point, weights) and the Mali route over 30 days (what a Mali particle costs).
// items/s = simulations (points run) per second; `particles_per_s` counts the
// accepted particles of every generation.
#include <benchmark/benchmark.h>

#include "passage/calib/abc.hpp"
#include "passage/calib/observations.hpp"
#include "passage/config/node.hpp"
#include "passage/run/scenario.hpp"
#include "passage/sa/design.hpp"
#include "registry.hpp"

using namespace passage;

namespace {

void run_abc(benchmark::State& state, const engine::Scenario& s, const std::string& design,
             const std::string& observations, std::size_t particles, std::size_t generations)
{
  const auto d = engine::sa::read_design(engine::config::parse(design, "d.yaml"), "d.yaml", s);
  const auto o = engine::calib::read_observations(
    engine::config::parse(observations, "o.yaml"), "o.yaml",
    models::registry().create(s)->metrics());
  std::uint64_t simulations = 0;
  std::uint64_t accepted = 0;
  for (auto _ : state) {
    engine::calib::AbcOptions opt;
    opt.particles = particles;
    opt.generations = generations;
    opt.seed = 1;
    opt.threads = 1;
    engine::calib::AbcSmc smc(models::registry(), s, d, o, opt);
    const auto r = smc.run();
    simulations += r.simulations;
    accepted += r.generations.size() * particles;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(simulations));
  state.counters["particles_per_s"] =
    benchmark::Counter(static_cast<double>(accepted), benchmark::Counter::kIsRate);
}

void BM_AbcConjugate(benchmark::State& state)
{
  const auto s = engine::load_scenario(PASSAGE_SOURCE_DIR "/configs/verification/conjugate.yaml");
  run_abc(state, s, "parameters:\n  parameters.mu: {distribution: normal, mean: 0, sd: 2}\n",
          "observations:\n  targets:\n    - {name: m, output: mean, value: 1, source: s, error: "
          "{model: normal, sd: 0.5}}\n  sources: {s: {title: t}}\n",
          500, 4);
}

void BM_AbcMali(benchmark::State& state)
{
  const auto s = engine::load_scenario(PASSAGE_SOURCE_DIR "/configs/mali-2016.yaml",
                                       { "horizon_days=30" });
  run_abc(state, s,
          "parameters:\n  parameters.bandits.hazard_scale: {distribution: log_uniform}\n",
          "observations:\n  targets:\n    - {name: a, output: convoy_attacks, value: 6, source: s, "
          "error: {model: poisson}}\n  sources: {s: {title: t}}\n",
          20, 2);
}

} // namespace

BENCHMARK(BM_AbcConjugate)->Name("calibrate/abc_conjugate_500x4")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_AbcMali)->Name("calibrate/abc_mali_30d_20x2")->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
