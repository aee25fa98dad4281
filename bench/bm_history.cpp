// History matching's own cost per design point (the model is a cheap analytic
// one, so this is the sampling, rejection and classifier time a real run adds
// to its model runs), on the known-answer case of tests/statistical/
// test_calib_history.cpp widened to d dimensions: f1 = u1 + u2, f2 = u1 - u2,
// z = (1, 0), c = 0.15; the other d - 2 parameters do nothing, so the
// non-implausible volume fraction is 2 c^2 = 0.045 whatever d is.
#include "passage/calib/history.hpp"

#include <benchmark/benchmark.h>
#include <cmath>

using namespace passage::engine;

static void run(benchmark::State& state, calib::Classifier classifier)
{
  const auto d = static_cast<std::size_t>(state.range(0));
  const std::vector<calib::HistoryTarget> targets{ { "sum", 1.0, 0.0025 },
                                                   { "diff", 0.0, 0.0025 } };
  calib::HistoryOptions o;
  o.dims = d;
  o.points = 200;
  o.waves = 4;
  o.seed = 1;
  o.classifier = classifier;
  const auto f = [d](std::span<const double> u, std::size_t) {
    const std::size_t n = u.size() / d;
    calib::PointMoments m;
    for (std::size_t i = 0; i < n; ++i) {
      m.mean.push_back(u[i * d] + u[i * d + 1]);
      m.mean.push_back(u[i * d] - u[i * d + 1]);
      m.variance.push_back(0.0);
      m.variance.push_back(0.0);
    }
    return m;
  };
  calib::HistoryResult r;
  std::size_t points = 0;
  for (auto _ : state) {
    r = calib::history_match(targets, o, f);
    for (const auto& w : r.waves) {
      points += w.points();
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(points));
  const auto& last = r.waves.back();
  state.counters["waves"] = static_cast<double>(r.waves.size());
  state.counters["region"] = last.region_volume;
  state.counters["volume"] = last.volume;
  state.counters["volume_se"] = last.volume_se;
  state.counters["exact"] = 0.045;
}

static void BM_history_neighbours(benchmark::State& state)
{
  run(state, calib::Classifier::NearestNeighbours);
}
static void BM_history_emulator(benchmark::State& state)
{
  run(state, calib::Classifier::Emulator);
}
BENCHMARK(BM_history_neighbours)
  ->Name("history/neighbours")
  ->Arg(2)
  ->Arg(4)
  ->Arg(8)
  ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_history_emulator)
  ->Name("history/emulator")
  ->Arg(2)
  ->Arg(4)
  ->Arg(8)
  ->Unit(benchmark::kMillisecond);
