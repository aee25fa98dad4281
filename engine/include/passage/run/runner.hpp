#pragma once
//! The parallel runner: replications by index on a oneTBB arena.
//!
//! A replication's result depends only on (seed, replication index), never on
//! the thread that ran it; rows are handed to the sink in index order, block by
//! block, and everything merged across threads (histograms, event counts) is an
//! integer sum. So the output of -j1 and -jN is bit-identical, and memory does
//! not grow with the number of replications beyond one block of rows.

#include "passage/run/model.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace passage::engine {

struct RunOptions
{
  std::uint64_t seed = 1;
  unsigned threads = 0; //!< 0: all cores
  Stepping stepping = Stepping::Inline;
  std::uint64_t trace_entities = 0;
  std::uint64_t block = 0; //!< rows per block handed to the sink (0: automatic)
};

//! `count` consecutive replications from `first`, row-major (count x metrics).
using BlockSink =
  std::function<void(std::uint64_t first, std::uint64_t count, std::span<const double> rows)>;

//! Totals over the replications a runner has completed.
struct RunTotals
{
  std::uint64_t replications = 0;
  std::uint64_t events = 0;
  std::vector<stats::Histogram> histograms;
  std::vector<TraceRecord> trace;
};

class Runner
{
public:
  Runner(const Model& model, RunOptions options);
  ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  //! Run replications [first, first + count) and hand their rows to the sink in
  //! index order; returns `count`. (A stop request is the Campaign's: it runs
  //! blocks of about a second and checks between them.)
  std::uint64_t run(std::uint64_t first, std::uint64_t count, const BlockSink& sink);

  //! Everything completed so far, merged (deterministic).
  RunTotals totals() const;
  //! Replications completed so far (for progress displays; any thread).
  std::uint64_t completed() const noexcept { return completed_.load(std::memory_order_relaxed); }
  unsigned threads() const noexcept { return threads_; }
  std::size_t metric_count() const noexcept { return metric_count_; }

private:
  struct Local;
  struct Impl;
  const Model& model_;
  RunOptions options_;
  unsigned threads_;
  std::size_t metric_count_;
  std::atomic<std::uint64_t> completed_{ 0 };
  std::unique_ptr<Impl> impl_;
};

//! The number of cores this process may use.
unsigned hardware_threads();

} // namespace passage::engine
