#pragma once
//! Precision triggers: stop adding replications when an answer is precise enough.
//!
//!     METRIC:rel_ci=0.01          95% half-width / |mean| <= 0.01
//!     METRIC:halfwidth=50         95% half-width <= 50 (the metric's unit)
//!     METRIC:diff_halfwidth=50    (compare) half-width of every policy's paired
//!                                 difference <= 50
//!
//! Replications are added in deterministic batches, so where a run stops does not
//! depend on the number of threads or ranks.

#include <string>

namespace passage::engine {

struct Trigger
{
  enum class Kind
  {
    RelCi,
    HalfWidth,
    DiffHalfWidth
  };
  std::string metric;
  Kind kind = Kind::RelCi;
  double target = 0.0;
  std::string text; //!< as written

  //! Parse "METRIC:KIND=VALUE"; UsageError with a hint when malformed.
  static Trigger parse(const std::string& text);
};

} // namespace passage::engine
