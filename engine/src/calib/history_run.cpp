// History matching of a model (history.hpp): the waves of history_match, their
// points run by sa::Evaluator, with checkpoints between chunks of points.
#include "passage/calib/history.hpp"
#include "passage/calib/targets.hpp"
#include "passage/errors.hpp"
#include "passage/io/checkpoint.hpp"
#include "passage/io/hdf5.hpp"
#include "passage/io/results.hpp"
#include "passage/run/blocks.hpp"
#include "passage/run/cluster.hpp"
#include "passage/run/runner.hpp"
#include "passage/sa/evaluate.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

namespace passage::engine::calib {

namespace {

constexpr const char* kCheckpointKind = "history-matching";
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Unwinds history_match after a stop request wrote the checkpoint.
struct Stopped
{};

const char* sampler_name(DesignSampler s) noexcept
{
  return s == DesignSampler::Sobol ? "sobol" : "lhs";
}

const char* classifier_name(Classifier c) noexcept
{
  return c == Classifier::Emulator ? "emulator" : "neighbours";
}

} // namespace

std::vector<HistoryTarget> history_targets(const Observations& obs)
{
  std::vector<HistoryTarget> t;
  for (const auto& o : obs.targets) {
    t.push_back({ o.name, o.value, o.observation_variance() });
  }
  return t;
}

//! The finished waves (their designs and runs) and the points of the wave under way.
struct HistoryMatching::State
{
  std::vector<Wave> done;   //!< unit and moments only
  std::size_t current = 0;  //!< the wave under way
  std::vector<double> unit; //!< its design
  PointMoments moments;     //!< its first `points_done` points
  std::size_t points_done = 0;
  std::uint64_t simulations = 0;
  std::uint64_t events = 0;
  std::uint64_t failed = 0;
  std::string first_failure;
};

HistoryMatching::HistoryMatching(const ModelRegistry& registry, const Scenario& base,
                                 const sa::Design& design, const Observations& obs,
                                 HistoryRunOptions options)
  : registry_(registry), base_(base), design_(design), obs_(obs), options_(std::move(options))
{
  design_.outputs = obs_.columns();
  design_.output_marks.assign(design_.outputs.size(), config::Mark{});
  options_.match.dims = design_.parameters.size();
  if (options_.replications < 2) {
    throw UsageError("history matching needs at least 2 replications per point (-r), got " +
                       std::to_string(options_.replications),
                     "the model's own variance at a point is estimated from its replications");
  }
}

std::string HistoryMatching::job_identity() const
{
  // Everything that decides the result.
  const auto& m = options_.match;
  char buf[400];
  std::snprintf(buf, sizeof buf,
                "points %zu waves %zu cutoff %.17g nth %u min_volume %.17g "
                "expand %.17g sampler %s classifier %s neighbours %zu max_candidates %zu",
                m.points, m.waves, m.cutoff, m.nth, m.min_volume, m.expand, sampler_name(m.sampler),
                classifier_name(m.classifier), m.neighbours, m.max_candidates);
  return "scenario " + base_.hash() + "\nseed " + std::to_string(m.seed) + "\nreplications " +
         std::to_string(options_.replications) + "\n" + buf + "\ndesign\n" + design_.text +
         "\nobservations\n" + obs_.text;
}

void HistoryMatching::write_checkpoint(const std::string& path, const State& st) const
{
  OutputFile out(path, true);
  {
    h5::File& f = out.file();
    mark_checkpoint(f, kCheckpointKind);
    const std::string identity = job_identity();
    f.set_attr("identity", identity);
    f.set_attr("scenario_hash", base_.hash());
    f.set_attr("seed", options_.match.seed);
    f.set_attr("first_failure", st.first_failure);
    Digest d;
    d.add(std::string_view(identity));
    d.add(std::string_view(st.first_failure));
    const std::vector<std::uint64_t> counts = { st.done.size(), st.current, st.points_done,
                                                st.simulations, st.events,  st.failed };
    f.write<std::uint64_t>("counts", counts);
    d.add(counts);
    auto put = [&](h5::Group& g, const std::vector<double>& unit, const PointMoments& m) {
      g.write<double>("unit", unit);
      g.write<double>("mean", m.mean);
      g.write<double>("variance", m.variance);
      g.write<std::uint8_t>("ok", m.ok);
      d.add(unit);
      d.add(m.mean);
      d.add(m.variance);
      d.add(m.ok);
    };
    auto waves = f.create_group("waves");
    for (std::size_t k = 0; k < st.done.size(); ++k) {
      auto g = waves.create_group(std::to_string(k));
      put(g, st.done[k].unit, st.done[k].moments);
    }
    auto cur = f.create_group("current");
    put(cur, st.unit, st.moments);
    d.write(f);
  }
  out.commit();
}

void HistoryMatching::read_checkpoint(State& st) const
{
  const std::string& path = options_.resume;
  h5::File f = open_checkpoint(path, kCheckpointKind);
  if (f.attr_string("scenario_hash") != base_.hash()) {
    throw UsageError(path + " belongs to a different scenario (its resolved text differs)");
  }
  if (f.attr_uint("seed") != options_.match.seed) {
    throw UsageError(
      path + " belongs to a different seed (checkpoint: " + std::to_string(f.attr_uint("seed")) +
      "; this run: " + std::to_string(options_.match.seed) + ")");
  }
  const std::string identity = job_identity();
  if (f.attr_string("identity") != identity) {
    throw UsageError(path + " belongs to a different calibration (design, observations, "
                            "--points, --waves, --cutoff, the classifier or -r differ)");
  }
  Digest d;
  d.add(std::string_view(identity));
  st.first_failure = f.attr_string("first_failure");
  d.add(std::string_view(st.first_failure));
  const auto counts = f.read<std::uint64_t>("counts");
  if (counts.size() != 6) {
    throw UsageError(path + " is damaged: its counts do not fit");
  }
  d.add(counts);
  const std::size_t n = options_.match.points;
  const std::size_t p = design_.parameters.size();
  const std::size_t nt = obs_.targets.size();
  auto get = [&](const h5::Group& g, std::vector<double>& unit, PointMoments& m, std::size_t rows) {
    unit = g.read<double>("unit");
    m.mean = g.read<double>("mean");
    m.variance = g.read<double>("variance");
    m.ok = g.read<std::uint8_t>("ok");
    d.add(unit);
    d.add(m.mean);
    d.add(m.variance);
    d.add(m.ok);
    return unit.size() == n * p && m.mean.size() == rows * nt && m.variance.size() == rows * nt &&
           m.ok.size() == rows;
  };
  if (counts[0] >= options_.match.waves || counts[1] != counts[0] || counts[2] > n) {
    throw UsageError(path + " is damaged: its waves do not fit this calibration");
  }
  const auto waves = f.open_group("waves");
  for (std::size_t k = 0; k < counts[0]; ++k) {
    Wave w;
    w.index = k;
    if (!get(waves.open_group(std::to_string(k)), w.unit, w.moments, n)) {
      throw UsageError(path + " is damaged: wave " + std::to_string(k) +
                       " does not fit this calibration");
    }
    st.done.push_back(std::move(w));
  }
  if (!get(f.open_group("current"), st.unit, st.moments, counts[2])) {
    throw UsageError(path + " is damaged: the wave under way does not fit this calibration");
  }
  d.check(f, path);
  st.current = counts[1];
  st.points_done = counts[2];
  st.simulations = counts[3];
  st.events = counts[4];
  st.failed = counts[5];
}

HistoryRun HistoryMatching::run()
{
  const std::size_t p = design_.parameters.size();
  const std::size_t nt = obs_.targets.size();
  const std::uint64_t reps = options_.replications;
  auto& cluster = Cluster::instance();
  const unsigned threads = options_.threads == 0 ? hardware_threads() : options_.threads;
  const std::string checkpoint_path =
    options_.checkpoint.empty() ? options_.default_checkpoint : options_.checkpoint;
  cluster.check_on_root([&] {
    check_checkpoint_target(checkpoint_path, [&](const h5::File& f) {
      if (f.attr_or<std::string>("kind", "") != kCheckpointKind) {
        throw UsageError(checkpoint_path + " is not a checkpoint of a history matching");
      }
      if (f.attr_or<std::string>("identity", "") != job_identity()) {
        throw UsageError(checkpoint_path + " belongs to a different calibration");
      }
    });
  });
  const auto targets = history_targets(obs_);

  State st;
  HistoryRun run;
  if (!options_.resume.empty()) {
    // Every rank reads the checkpoint (the ranks of a job share its files).
    read_checkpoint(st);
    run.resumed = true;
  }
  simulated_.store(st.simulations);
  wave_.store(st.current);

  sa::EvaluationOptions eo(options_.match.seed, threads, reps, false);
  sa::Evaluator evaluator(registry_, base_, design_, eo);
  const auto ranks = static_cast<std::size_t>(cluster.size());
  AdaptiveChunk chunk(std::max<std::size_t>(8, 4 * ranks * threads), ranks * threads, 1u << 16);
  CheckpointGate gate(checkpoint_plan(options_, checkpoint_path, "the calibration goes on"));

  auto evaluate = [&](std::span<const double> unit, std::size_t wave) {
    const std::size_t n = unit.size() / p;
    if (wave != st.current ||
        (st.points_done > 0 && (st.unit.size() != unit.size() ||
                                !std::equal(unit.begin(), unit.end(), st.unit.begin())))) {
      throw UsageError(options_.resume + ": the wave under way was drawn with other options");
    }
    st.unit.assign(unit.begin(), unit.end());
    PointMoments& m = st.moments;
    m.mean.resize(n * nt, kNaN);
    m.variance.resize(n * nt, kNaN);
    m.ok.resize(n, 0);
    const auto values = sa::values_from_unit(design_, unit);
    // Every point of every wave has its own replications. Common random numbers
    // would give every point the same noise: the region would shift by it as a
    // whole, and V_model would be the same everywhere, rather than each point's
    // error being its own and V_model measuring it.
    std::vector<std::uint64_t> first(n);
    for (std::size_t i = 0; i < n; ++i) {
      first[i] = ((static_cast<std::uint64_t>(wave) << 32) | i) * reps;
    }
    while (st.points_done < n) {
      const std::size_t c0 = st.points_done;
      const std::size_t c = std::min(static_cast<std::size_t>(chunk.size()), n - c0);
      chunk.start();
      const auto t = evaluate_targets(evaluator, obs_, reps,
                                      std::span<const double>(values).subspan(c0 * p, c * p),
                                      std::span<const std::uint64_t>(first).subspan(c0, c));
      std::copy(t.mean.begin(), t.mean.end(),
                m.mean.begin() + static_cast<std::ptrdiff_t>(c0 * nt));
      std::copy(t.variance.begin(), t.variance.end(),
                m.variance.begin() + static_cast<std::ptrdiff_t>(c0 * nt));
      std::copy(t.ok.begin(), t.ok.end(), m.ok.begin() + static_cast<std::ptrdiff_t>(c0));
      for (const auto o : t.ok) {
        st.failed += o == 0 ? 1 : 0;
      }
      if (st.first_failure.empty()) {
        st.first_failure = t.first_failure;
      }
      st.points_done += c;
      st.simulations += c;
      st.events += t.events;
      simulated_.store(st.simulations);

      chunk.adapt();

      const Boundary boundary = gate.poll();
      if (boundary != Boundary::Continue) {
        gate.write(boundary, "in wave " + std::to_string(wave), [&] {
          write_checkpoint(checkpoint_path, st);
          run.checkpoint_written = true;
        });
        if (boundary == Boundary::Stop) {
          throw Stopped{};
        }
      }
    }
    PointMoments out = m;
    // The wave is finished: the next one starts empty.
    Wave w;
    w.index = wave;
    w.unit = st.unit;
    w.moments = out;
    st.done.push_back(std::move(w));
    st.current = wave + 1;
    st.unit.clear();
    st.moments = {};
    st.points_done = 0;
    wave_.store(st.current);
    return out;
  };

  const std::vector<Wave> completed = st.done;
  try {
    run.result = history_match(targets, options_.match, evaluate, completed);
  } catch (const Stopped&) {
    run.interrupted = true;
    run.checkpoint = checkpoint_path;
    run.result.waves = st.done;
    run.simulations = st.simulations;
    return run;
  }
  for (const auto& w : run.result.waves) {
    run.values.push_back(sa::values_from_unit(design_, w.unit));
  }
  run.first_failure = st.first_failure;
  run.failed = st.failed;
  run.simulations = st.simulations;
  run.events = st.events;
  return run;
}

} // namespace passage::engine::calib
