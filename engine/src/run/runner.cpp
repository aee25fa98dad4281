#include "passage/run/runner.hpp"

#include "passage/run/thread_pool.hpp"

#include <algorithm>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <thread>

namespace passage::engine {

unsigned hardware_threads()
{
  const int n = tbb::info::default_concurrency();
  return n > 0 ? static_cast<unsigned>(n) : std::max(1u, std::thread::hardware_concurrency());
}

struct Runner::Local
{
  std::unique_ptr<Worker> worker;
  std::vector<stats::Histogram> histograms;
  std::uint64_t events = 0;
  std::vector<TraceRecord> trace;
};

#ifdef PASSAGE_STD_THREADS
// ThreadSanitizer builds: a std::thread pool with one Local per pool thread.
struct Runner::Impl
{
  ThreadPool pool;
  std::vector<Local> locals;
  std::vector<HistogramInfo> histogram_info;
  explicit Impl(unsigned threads) : pool(threads), locals(threads) {}
  template<class F>
  void each(std::uint64_t n, F&& body)
  {
    pool.run(n, [&](std::uint64_t i, unsigned slot) { body(i, locals[slot]); });
  }
};
#else
struct Runner::Impl
{
  // Allow more threads than cores when asked (-j larger than the machine).
  tbb::global_control parallelism;
  tbb::task_arena arena;
  tbb::enumerable_thread_specific<Local> locals;
  std::vector<HistogramInfo> histogram_info;
  explicit Impl(unsigned threads)
    : parallelism(tbb::global_control::max_allowed_parallelism,
                  std::max<std::size_t>(threads, tbb::global_control::active_value(
                                                   tbb::global_control::max_allowed_parallelism))),
      arena(static_cast<int>(threads))
  {
  }
  // body(i, local) for i in [0, n), on the arena's threads; one Local per thread.
  template<class F>
  void each(std::uint64_t n, F&& body)
  {
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::uint64_t>(0, n, 1),
                        [&](const tbb::blocked_range<std::uint64_t>& r) {
                          Local& local = locals.local();
                          for (std::uint64_t i = r.begin(); i != r.end(); ++i) {
                            body(i, local);
                          }
                        });
    });
  }
};
#endif

Runner::Runner(const Model& model, RunOptions options)
  : model_(model), options_(options),
    threads_(options.threads == 0 ? hardware_threads() : options.threads),
    metric_count_(model.metrics().size()), impl_(std::make_unique<Impl>(threads_))
{
  impl_->histogram_info = model.histograms();
}

Runner::~Runner() = default;

std::uint64_t Runner::run(std::uint64_t first, std::uint64_t count, const BlockSink& sink)
{
  const std::uint64_t block = options_.block > 0 ? options_.block : 1024;
  const std::size_t m = metric_count_;
  std::vector<double> rows;
  const WorkerOptions wopt{ options_.seed, options_.stepping, options_.trace_entities };
  std::uint64_t delivered = 0;

  for (std::uint64_t b0 = first; b0 < first + count; b0 += block) {
    const std::uint64_t n = std::min(block, first + count - b0);
    rows.assign(n * m, 0.0);
    impl_->each(n, [&](std::uint64_t i, Local& local) {
      if (!local.worker) {
        local.worker = model_.make_worker(wopt);
        for (const auto& h : impl_->histogram_info) {
          local.histograms.emplace_back(h.lo, h.hi, h.bins);
        }
      }
      const std::uint64_t rep = b0 + i;
      ReplicationOutput out{ std::span<double>(rows.data() + i * m, m),
                             std::span<stats::Histogram>(local.histograms), 0,
                             (rep == 0 && options_.trace_entities > 0) ? &local.trace : nullptr };
      local.worker->run(rep, out);
      local.events += out.events;
      completed_.fetch_add(1, std::memory_order_relaxed);
    });
    sink(b0, n, std::span<const double>(rows.data(), n * m));
    delivered += n;
  }
  return delivered;
}

RunTotals Runner::totals() const
{
  RunTotals t;
  t.replications = completed();
  for (const auto& h : impl_->histogram_info) {
    t.histograms.emplace_back(h.lo, h.hi, h.bins);
  }
  for (const Local& local : impl_->locals) {
    t.events += local.events;
    for (std::size_t i = 0; i < local.histograms.size(); ++i) {
      t.histograms[i].merge(local.histograms[i]);
    }
    t.trace.insert(t.trace.end(), local.trace.begin(), local.trace.end());
  }
  // Records of one entity keep their causal order; entities are sorted, so the
  // trace does not depend on how steps were interleaved.
  std::stable_sort(t.trace.begin(), t.trace.end(),
                   [](const TraceRecord& a, const TraceRecord& b) { return a.entity < b.entity; });
  return t;
}

} // namespace passage::engine
