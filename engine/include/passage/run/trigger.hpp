#pragma once
//! Precision triggers: stop adding replications when an answer is precise enough.
//!
//!     METRIC:rel_ci=0.01           95% half-width / |mean| <= 0.01
//!     METRIC:halfwidth=50          95% half-width <= 50 (in the metric's unit)
//!     A/B:rel_ci=0.05              the pooled ratio sum(A) / sum(B) over replications,
//!                                  e.g. abducted/migrants: a rare-event share
//!     METRIC@q90:rel_ci=0.05       the 90th percentile of METRIC over replications
//!                                  (order-statistic 95% interval)
//!     METRIC:diff_halfwidth=50     (compare) the half-width of every policy's paired
//!                                  difference <= 50
//!
//! Replications are added in deterministic batches, so where a run stops does not
//! depend on the number of threads or ranks.

#include <functional>
#include <string>
#include <vector>

namespace passage::engine {

struct Trigger
{
  enum class Kind
  {
    RelCi,
    HalfWidth,
    DiffHalfWidth
  };
  std::string metric;      //!< a metric, or the numerator of a ratio
  std::string denominator; //!< non-empty for a ratio A/B
  double quantile = -1.0;  //!< in (0, 1) for METRIC@qNN
  Kind kind = Kind::RelCi;
  double target = 0.0;
  std::string text; //!< as written

  //! Parse "TARGET:KIND=VALUE"; UsageError with a hint when malformed.
  static Trigger parse(const std::string& text);

  //! The metrics it reads.
  std::vector<std::string> metrics() const;

  struct State
  {
    double estimate = 0.0;
    double half_width = 0.0;
    bool met = false;
  };
  //! Evaluate on per-replication columns (`column(name)` returns one).
  State evaluate(const std::function<const std::vector<double>&(const std::string&)>& column) const;
};

} // namespace passage::engine
