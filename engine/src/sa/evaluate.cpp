#include "passage/sa/evaluate.hpp"

#include "passage/errors.hpp"
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
    const std::uint64_t replication = options_.common_random_numbers ? r : p * reps + r;
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

  // Under mpirun each rank runs a contiguous slice of the points; the root
  // gathers them in point order (results do not depend on the ranks).
  auto& cluster = Cluster::instance();
  const auto ranks = static_cast<std::size_t>(cluster.size());
  const auto rank = static_cast<std::size_t>(cluster.rank());
  const std::size_t p0 = e.points * rank / ranks;
  const std::size_t p1 = e.points * (rank + 1) / ranks;

  auto point = [&](std::size_t p) {
    try {
      run_point(p, values, e, events[p]);
      e.ok[p] = 1;
    } catch (const std::exception& ex) {
      // A point the model rejects, or whose run fails, is a result: recorded
      // with its reason, never fatal.
      e.reasons[p] = ex.what();
      for (std::size_t o = 0; o < e.outputs.size(); ++o) {
        for (std::size_t r = 0; r < e.replications; ++r) {
          e.runs[(o * e.points + p) * e.replications + r] =
            std::numeric_limits<double>::quiet_NaN();
        }
      }
    }
    completed_.fetch_add(1, std::memory_order_relaxed);
  };
#ifdef PASSAGE_STD_THREADS
  ThreadPool pool(threads_);
  pool.run(p1 - p0, [&](std::uint64_t i, unsigned) { point(p0 + static_cast<std::size_t>(i)); });
#else
  tbb::task_arena arena(static_cast<int>(threads_));
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
    const std::size_t reps = e.replications;
    for (std::size_t o = 0; o < e.outputs.size(); ++o) {
      const std::span<const double> mine(e.runs.data() + (o * e.points + p0) * reps,
                                         (p1 - p0) * reps);
      const auto all = cluster.gather(mine);
      if (cluster.root()) {
        std::copy(all.begin(), all.end(),
                  e.runs.begin() + static_cast<std::ptrdiff_t>(o * e.points * reps));
      }
    }
    std::vector<double> ok(e.ok.begin() + static_cast<std::ptrdiff_t>(p0),
                           e.ok.begin() + static_cast<std::ptrdiff_t>(p1));
    const auto all_ok = cluster.gather(ok);
    const auto all_reasons =
      cluster.gather(std::vector<std::string>(e.reasons.begin() + static_cast<std::ptrdiff_t>(p0),
                                              e.reasons.begin() + static_cast<std::ptrdiff_t>(p1)));
    std::vector<std::uint64_t> total = { 0 };
    for (std::size_t p = p0; p < p1; ++p) {
      total[0] += events[p];
    }
    cluster.sum(total);
    if (cluster.root()) {
      for (std::size_t p = 0; p < e.points; ++p) {
        e.ok[p] = static_cast<std::uint8_t>(all_ok[p]);
        e.reasons[p] = all_reasons[p];
      }
    }
    e.events = total[0];
    return e;
  }
  for (const auto ev : events) {
    e.events += ev;
  }
  return e;
}

} // namespace passage::engine::sa
