#include "passage/sa/evaluate.hpp"

#include "passage/errors.hpp"
#include "passage/io/checkpoint.hpp"
#include "passage/io/hdf5.hpp"
#include "passage/io/results.hpp"
#include "passage/run/blocks.hpp"
#include "passage/run/cluster.hpp"
#include "passage/run/runner.hpp"
#include "passage/run/thread_pool.hpp"

#include <cmath>
#include <limits>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

namespace passage::engine::sa {

std::size_t Evaluation::failed() const noexcept
{
  std::size_t n = 0;
  for (const auto o : ok) {
    n += o ? 0 : 1;
  }
  return n;
}

namespace {

constexpr const char* kCheckpointKind = "design points";

// Everything a checkpoint of design points holds, in the order written.
Digest digest_points(std::span<const double> values, const std::vector<double>& runs,
                     const std::vector<std::uint8_t>& ok, const std::vector<std::string>& reasons,
                     const std::vector<std::uint64_t>& events, std::size_t done)
{
  Digest d;
  d.add_value(done);
  d.add(values);
  d.add(runs);
  d.add(ok);
  for (const auto& r : reasons) {
    d.add(r);
  }
  d.add(events);
  return d;
}

} // namespace

Evaluator::Evaluator(const ModelRegistry& registry, const Scenario& base, const Design& design,
                     EvaluationOptions options)
  : registry_(registry), base_(base), design_(design), options_(options),
    threads_(options.threads == 0 ? hardware_threads() : options.threads)
{
  if (options_.replications == 0) {
    throw UsageError("a design point needs at least one replication");
  }
}

void Evaluator::run_point(std::size_t p, std::span<const double> values, Evaluation& e,
                          std::uint64_t& events) const
{
  const std::size_t k = design_.parameters.size();
  Scenario sc = base_;
  config::Diagnostics d;
  apply_point(sc.root, design_, values.subspan(p * k, k), d);
  d.raise_if_any();
  const auto model = registry_.create(sc);

  const auto metrics = model->metrics();
  std::vector<std::size_t> index;
  for (const auto& name : e.outputs) {
    std::size_t j = 0;
    while (j < metrics.size() && metrics[j].name != name) {
      ++j;
    }
    if (j == metrics.size()) {
      throw RuntimeError("the model built for this point has no metric '" + name + "'");
    }
    index.push_back(j);
  }
  std::vector<stats::Histogram> histograms;
  for (const auto& h : model->histograms()) {
    histograms.emplace_back(h.lo, h.hi, h.bins);
  }
  WorkerOptions wo;
  wo.seed = options_.seed;
  const auto worker = model->make_worker(wo);
  std::vector<double> row(metrics.size());
  const std::size_t reps = e.replications;
  for (std::size_t r = 0; r < reps; ++r) {
    std::fill(row.begin(), row.end(), 0.0);
    ReplicationOutput out{ row, histograms, 0, nullptr };
    const std::uint64_t replication = !first_replication_.empty()      ? first_replication_[p] + r
                                      : options_.common_random_numbers ? r
                                                                       : p * reps + r;
    worker->run(replication, out);
    events += out.events;
    for (std::size_t o = 0; o < index.size(); ++o) {
      const double v = row[index[o]];
      if (!std::isfinite(v)) {
        throw RuntimeError("output '" + e.outputs[o] + "' is not finite in replication " +
                           std::to_string(replication));
      }
      e.runs[(o * e.points + p) * reps + r] = v;
    }
  }
}

Evaluation Evaluator::run(std::span<const double> values,
                          std::span<const std::uint64_t> first_replication)
{
  const std::size_t k = design_.parameters.size();
  if (k == 0 || first_replication.size() != values.size() / k) {
    throw RuntimeError("Evaluator::run: one first replication per point is needed");
  }
  first_replication_ = first_replication;
  struct Reset
  {
    std::span<const std::uint64_t>& s;
    ~Reset() { s = {}; }
  } reset{ first_replication_ };
  return run(values);
}

Evaluation Evaluator::run(std::span<const double> values)
{
  const std::size_t k = design_.parameters.size();
  Evaluation e;
  e.outputs = design_.outputs;
  e.points = k == 0 ? 0 : values.size() / k;
  e.replications = options_.replications;
  e.runs.assign(e.outputs.size() * e.points * e.replications,
                std::numeric_limits<double>::quiet_NaN());
  e.ok.assign(e.points, 0);
  e.reasons.assign(e.points, std::string());
  std::vector<std::uint64_t> events(e.points, 0);
  completed_.store(0);
  const std::size_t reps = e.replications;

  auto point = [&](std::size_t p) {
    try {
      run_point(p, values, e, events[p]);
      e.ok[p] = 1;
    } catch (const std::exception& ex) {
      // A point the model rejects, or whose run fails, is a result: recorded
      // with its reason, never fatal.
      e.reasons[p] = ex.what();
      for (std::size_t o = 0; o < e.outputs.size(); ++o) {
        for (std::size_t r = 0; r < reps; ++r) {
          e.runs[(o * e.points + p) * reps + r] = std::numeric_limits<double>::quiet_NaN();
        }
      }
    }
    completed_.fetch_add(1, std::memory_order_relaxed);
  };

  auto& cluster = Cluster::instance();
  const std::string checkpoint_path =
    options_.checkpoint.empty() ? options_.default_checkpoint : options_.checkpoint;
  // A checkpoint never replaces a file that is not this analysis's checkpoint.
  cluster.check_on_root([&] {
    check_checkpoint_target(
      checkpoint_path, [&](const h5::File& f) { check_same_job(f, checkpoint_path, values, e); });
  });
  std::size_t done = 0;
  if (!options_.resume.empty()) {
    std::string error;
    if (cluster.root()) {
      try {
        done = read_checkpoint(values, e, events);
      } catch (const std::exception& ex) {
        error = ex.what();
      }
    }
    error = cluster.broadcast(error);
    if (!error.empty()) {
      throw UsageError(error, "resume with the scenario, design, method, -n, -r and seed of the "
                              "interrupted run");
    }
    done = static_cast<std::size_t>(cluster.broadcast(static_cast<std::uint64_t>(done)));
    e.resumed = true;
    completed_.store(done);
  }

#ifdef PASSAGE_STD_THREADS
  ThreadPool pool(threads_);
#else
  tbb::task_arena arena(static_cast<int>(threads_));
#endif
  // Blocks of about a second, each split over the ranks (a contiguous slice
  // per rank, gathered in point order on the root): a stop request is honoured
  // within seconds, and results do not depend on ranks, threads or blocks.
  const auto ranks = static_cast<std::size_t>(cluster.size());
  const auto rank = static_cast<std::size_t>(cluster.rank());
  AdaptiveChunk block(std::max<std::size_t>(1, 2 * ranks * threads_), ranks * threads_, 1u << 20);
  CheckpointGate gate(
    checkpoint_plan(options_, checkpoint_path, "the analysis goes on and tries again"));
  while (done < e.points) {
    const std::size_t n = std::min(static_cast<std::size_t>(block.size()), e.points - done);
    const std::size_t p0 = done + n * rank / ranks;
    const std::size_t p1 = done + n * (rank + 1) / ranks;
    block.start();
#ifdef PASSAGE_STD_THREADS
    pool.run(p1 - p0, [&](std::uint64_t i, unsigned) { point(p0 + static_cast<std::size_t>(i)); });
#else
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(p0, p1, 1),
                        [&](const tbb::blocked_range<std::size_t>& range) {
                          for (std::size_t p = range.begin(); p != range.end(); ++p) {
                            point(p);
                          }
                        });
    });
#endif
    if (ranks > 1) {
      for (std::size_t o = 0; o < e.outputs.size(); ++o) {
        const std::span<const double> mine(e.runs.data() + (o * e.points + p0) * reps,
                                           (p1 - p0) * reps);
        const auto all = cluster.gather(mine);
        if (cluster.root()) {
          std::copy(all.begin(), all.end(),
                    e.runs.begin() + static_cast<std::ptrdiff_t>((o * e.points + done) * reps));
        }
      }
      std::vector<double> ok(e.ok.begin() + static_cast<std::ptrdiff_t>(p0),
                             e.ok.begin() + static_cast<std::ptrdiff_t>(p1));
      std::vector<double> ev(events.begin() + static_cast<std::ptrdiff_t>(p0),
                             events.begin() + static_cast<std::ptrdiff_t>(p1));
      const auto all_ok = cluster.gather(ok);
      const auto all_ev = cluster.gather(ev);
      const auto all_reasons = cluster.gather(
        std::vector<std::string>(e.reasons.begin() + static_cast<std::ptrdiff_t>(p0),
                                 e.reasons.begin() + static_cast<std::ptrdiff_t>(p1)));
      if (cluster.root()) {
        for (std::size_t i = 0; i < n; ++i) {
          e.ok[done + i] = static_cast<std::uint8_t>(all_ok[i]);
          events[done + i] = static_cast<std::uint64_t>(all_ev[i]);
          e.reasons[done + i] = all_reasons[i];
        }
      }
    }
    done += n;
    block.adapt();

    const Boundary boundary = gate.poll();
    if (boundary != Boundary::Continue && done < e.points) {
      gate.write(boundary, "after " + std::to_string(done) + " points", [&] {
        write_checkpoint(checkpoint_path, values, e, events, done);
        e.checkpoint_written = true;
      });
      if (boundary == Boundary::Stop) {
        e.interrupted = true;
        e.checkpoint = checkpoint_path;
        e.completed = done;
        return e;
      }
    }
  }
  e.completed = done;
  for (const auto ev : events) {
    e.events += ev;
  }
  return e;
}

// A checkpoint holds the design points (so a resumed run is the same run) and
// every point evaluated so far.
void Evaluator::write_checkpoint(const std::string& path, std::span<const double> values,
                                 const Evaluation& e, const std::vector<std::uint64_t>& events,
                                 std::size_t done) const
{
  OutputFile out(path, true);
  {
    h5::File& f = out.file();
    mark_checkpoint(f, kCheckpointKind);
    f.set_attr("scenario_hash", base_.hash());
    f.set_attr("seed", options_.seed);
    f.set_attr("replications", static_cast<std::uint64_t>(e.replications));
    f.set_attr("common_random_numbers", static_cast<std::int64_t>(options_.common_random_numbers));
    f.set_attr("points_done", static_cast<std::uint64_t>(done));
    f.write<double>("values", std::vector<double>(values.begin(), values.end()));
    f.write<double>("runs", e.runs);
    f.write<std::uint8_t>("ok", e.ok);
    f.write_strings("reasons", e.reasons);
    f.write<std::uint64_t>("events", events);
    digest_points(values, e.runs, e.ok, e.reasons, events, done).write(f);
  }
  out.commit();
}

void Evaluator::check_same_job(const h5::File& f, const std::string& path,
                               std::span<const double> values, const Evaluation& e) const
{
  if (f.attr_or<std::string>("kind", "") != kCheckpointKind) {
    throw UsageError(path + " is not a checkpoint of design points");
  }
  if (f.attr_string("scenario_hash") != base_.hash()) {
    throw UsageError(path + " belongs to a different scenario (its resolved text differs)");
  }
  if (static_cast<std::uint64_t>(f.attr_int("seed")) != options_.seed) {
    throw UsageError(
      path + " belongs to a different seed (checkpoint: " + std::to_string(f.attr_int("seed")) +
      "; this run: " + std::to_string(options_.seed) + ")");
  }
  if (static_cast<std::size_t>(f.attr_int("replications")) != e.replications ||
      (f.attr_int("common_random_numbers") != 0) != options_.common_random_numbers) {
    throw UsageError(path + " was made with other replications per point");
  }
  const auto stored = f.read<double>("values");
  if (stored.size() != values.size() || !std::equal(stored.begin(), stored.end(), values.begin())) {
    throw UsageError(
      path + " belongs to a different design (its points differ: design file, method, -n or seed)");
  }
}

std::size_t Evaluator::read_checkpoint(std::span<const double> values, Evaluation& e,
                                       std::vector<std::uint64_t>& events) const
{
  const std::string& path = options_.resume;
  h5::File f = open_checkpoint(path, kCheckpointKind);
  check_same_job(f, path, values, e);
  const auto runs = f.read<double>("runs");
  const auto ok = f.read<std::uint8_t>("ok");
  const auto reasons = f.read_strings("reasons");
  const auto ev = f.read<std::uint64_t>("events");
  if (runs.size() != e.runs.size() || ok.size() != e.ok.size() ||
      reasons.size() != e.reasons.size() || ev.size() != events.size()) {
    throw UsageError(path + " is damaged: its arrays do not fit this design");
  }
  const auto done = static_cast<std::size_t>(f.attr_int("points_done"));
  if (done > e.points) {
    throw UsageError(path + " is damaged: " + std::to_string(done) + " points done of " +
                     std::to_string(e.points));
  }
  digest_points(values, runs, ok, reasons, ev, done).check(f, path);
  e.runs = runs;
  e.ok = ok;
  e.reasons = reasons;
  events = ev;
  return done;
}

} // namespace passage::engine::sa
