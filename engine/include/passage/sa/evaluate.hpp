#pragma once
//! Running a model at many design points, on all cores.
//!
//! Each point is a copy of the scenario with the design's values written in;
//! its model is built from that copy (a point whose values the model rejects is
//! recorded as failed, with the message, and the others go on) and run R times
//! by one worker. Points are spread over threads with tbb::parallel_for; each
//! writes only its own slots, so the result is bit-identical for any number of
//! threads. Replication r of every point uses the streams of (seed, r): common
//! random numbers, so that differences between points are not drowned in noise
//! (with common_random_numbers off, point p uses replications p R .. p R + R - 1).

#include "passage/io/hdf5.hpp"
#include "passage/run/model.hpp"
#include "passage/run/scenario.hpp"
#include "passage/sa/design.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace passage::engine::sa {

struct EvaluationOptions
{
  EvaluationOptions() = default;
  EvaluationOptions(std::uint64_t seed_, unsigned threads_, std::uint64_t replications_, bool crn)
    : seed(seed_), threads(threads_), replications(replications_), common_random_numbers(crn)
  {
  }
  std::uint64_t seed = 1;
  unsigned threads = 0; //!< 0: all cores
  std::uint64_t replications = 1;
  bool common_random_numbers = true;
  std::string checkpoint;          //!< where to save finished points ("" = only on a stop request)
  std::string default_checkpoint;  //!< where a stop request saves them without `checkpoint`
  double checkpoint_every = 300.0; //!< seconds between periodic checkpoints
  std::string resume;              //!< a checkpoint to continue from
  const std::atomic<bool>* stop = nullptr;
  //! Where a warning goes (a periodic checkpoint that failed); default stderr.
  std::function<void(const std::string&)> warn;
};

//! The runs of every point, for the design's outputs.
struct Evaluation
{
  std::vector<std::string> outputs;
  std::size_t points = 0;
  std::size_t replications = 1;
  std::vector<double> runs;         //!< outputs x points x replications; NaN where failed
  std::vector<std::uint8_t> ok;     //!< per point
  std::vector<std::string> reasons; //!< per point: why it failed ("" if it ran)
  std::uint64_t events = 0;
  bool interrupted = false; //!< a stop request ended it; `checkpoint` holds the points done
  bool resumed = false;
  std::string checkpoint;
  bool checkpoint_written = false; //!< this analysis wrote its checkpoint (so may remove it)
  std::size_t completed = 0;       //!< points evaluated

  std::size_t failed() const noexcept;
  //! The runs of output k: points x replications.
  std::span<const double> output(std::size_t k) const noexcept
  {
    return { runs.data() + k * points * replications, points * replications };
  }
};

class Evaluator
{
public:
  Evaluator(const ModelRegistry& registry, const Scenario& base, const Design& design,
            EvaluationOptions options);

  //! Run every point of `values` (points x parameters, row-major).
  Evaluation run(std::span<const double> values);
  //! The same, point p running replications first_replication[p] + 0 .. R - 1
  //! whatever the design's common_random_numbers (calibration gives every
  //! proposal its own streams).
  Evaluation run(std::span<const double> values, std::span<const std::uint64_t> first_replication);

  //! Points finished so far (for progress displays; any thread).
  std::uint64_t completed() const noexcept { return completed_.load(std::memory_order_relaxed); }
  unsigned threads() const noexcept { return threads_; }

private:
  //! UsageError unless checkpoint `f` (at `path`) is of this analysis.
  void check_same_job(const h5::File& f, const std::string& path, std::span<const double> values,
                      const Evaluation& e) const;
  void write_checkpoint(const std::string& path, std::span<const double> values,
                        const Evaluation& e, const std::vector<std::uint64_t>& events,
                        std::size_t done) const;
  std::size_t read_checkpoint(std::span<const double> values, Evaluation& e,
                              std::vector<std::uint64_t>& events) const;
  //! Build and run one point; throws what the model throws.
  void run_point(std::size_t p, std::span<const double> values, Evaluation& e,
                 std::uint64_t& events) const;
  std::span<const std::uint64_t> first_replication_; //!< empty: by common_random_numbers

  const ModelRegistry& registry_;
  const Scenario& base_;
  const Design& design_;
  EvaluationOptions options_;
  unsigned threads_;
  std::atomic<std::uint64_t> completed_{ 0 };
};

} // namespace passage::engine::sa
