#pragma once
//! Tallies. Everything here merges exactly and in any order, so a result never
//! depends on which thread or rank computed which part:
//! - Tally: count, sum and sum of squares in 128-bit fixed point (exact), min, max;
//! - Histogram: integer counts on fixed bins, with under- and overflow;
//! - Summary: across-replication mean, sd and Student-t 95% interval, computed
//!   from the per-replication values in replication order.

#include "passage/core/int128.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace passage::engine::stats {

//! Thrown when a NaN or infinity would reach a tally.
class NumericError : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

//! Exact streaming statistics of per-entity values (journey days, CFA paid).
//! Values are held in fixed point with 2^-20 resolution; sums are 128-bit, so
//! they cannot overflow below ~10^17 values of magnitude 10^7.
class Tally
{
public:
  static constexpr double kScale = 1048576.0; // 2^20

  void add(double x)
  {
    if (!std::isfinite(x)) {
      throw NumericError("non-finite value reached a tally");
    }
    sum_ += fixed(std::nearbyint(x * kScale));
    sumsq_ += fixed(std::nearbyint(x * x * kScale));
    ++count_;
    if (x < min_) {
      min_ = x;
    }
    if (x > max_) {
      max_ = x;
    }
  }

  //! An integral double as a 128-bit integer: through 64 bits where it fits (a
  //! conversion instruction; the 128-bit one is a call into libgcc), the same value.
  static int128_t fixed(double v) noexcept
  {
    if (std::fabs(v) < 0x1p63) [[likely]] {
      return static_cast<std::int64_t>(v);
    }
    return static_cast<int128_t>(v);
  }

  void merge(const Tally& o) noexcept
  {
    count_ += o.count_;
    sum_ += o.sum_;
    sumsq_ += o.sumsq_;
    if (o.min_ < min_) {
      min_ = o.min_;
    }
    if (o.max_ > max_) {
      max_ = o.max_;
    }
  }

  void clear() noexcept { *this = Tally{}; }

  std::uint64_t count() const noexcept { return count_; }
  double sum() const noexcept { return static_cast<double>(sum_) / kScale; }
  double mean() const noexcept
  {
    return count_ == 0 ? std::numeric_limits<double>::quiet_NaN()
                       : static_cast<double>(sum_) / kScale / static_cast<double>(count_);
  }
  //! Sample variance (n - 1).
  double variance() const noexcept
  {
    if (count_ < 2) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    const long double n = static_cast<long double>(count_);
    const long double s = static_cast<long double>(sum_) / kScale;
    const long double ss = static_cast<long double>(sumsq_) / kScale;
    const long double v = (ss - s * s / n) / (n - 1);
    return v < 0 ? 0.0 : static_cast<double>(v);
  }
  double min() const noexcept { return count_ ? min_ : std::numeric_limits<double>::quiet_NaN(); }
  double max() const noexcept { return count_ ? max_ : std::numeric_limits<double>::quiet_NaN(); }

private:
  std::uint64_t count_ = 0;
  int128_t sum_ = 0;
  int128_t sumsq_ = 0;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

//! Fixed, equal-width bins on [lo, hi), plus an underflow and an overflow count.
class Histogram
{
public:
  Histogram() = default;
  Histogram(double lo, double hi, std::size_t bins)
    : lo_(lo), hi_(hi), width_((hi - lo) / static_cast<double>(bins)), counts_(bins + 2, 0)
  {
    if (!(hi > lo) || bins == 0) {
      throw std::invalid_argument("histogram needs hi > lo and at least one bin");
    }
  }

  void add(double x) noexcept
  {
    std::size_t i = 0;
    if (x < lo_) {
      i = 0;
    } else if (x >= hi_ || std::isnan(x)) {
      i = counts_.size() - 1;
    } else {
      i = 1 + static_cast<std::size_t>((x - lo_) / width_);
      if (i > counts_.size() - 2) {
        i = counts_.size() - 2;
      }
    }
    ++counts_[i];
  }

  void merge(const Histogram& o)
  {
    if (o.counts_.size() != counts_.size()) {
      throw std::logic_error("merging histograms of different shapes");
    }
    for (std::size_t i = 0; i < counts_.size(); ++i) {
      counts_[i] += o.counts_[i];
    }
  }

  //! Add raw counts ([underflow, bins..., overflow], as counts() returns).
  void add_counts(const std::vector<std::uint64_t>& c)
  {
    if (c.size() != counts_.size()) {
      throw std::invalid_argument("histogram counts of a different shape");
    }
    for (std::size_t i = 0; i < c.size(); ++i) {
      counts_[i] += c[i];
    }
  }

  void clear() noexcept
  {
    for (auto& c : counts_) {
      c = 0;
    }
  }

  std::size_t bins() const noexcept { return counts_.empty() ? 0 : counts_.size() - 2; }
  double lo() const noexcept { return lo_; }
  double hi() const noexcept { return hi_; }
  //! bins()+1 bin edges.
  std::vector<double> edges() const;
  //! [underflow, bin 0, ..., bin n-1, overflow]
  const std::vector<std::uint64_t>& counts() const noexcept { return counts_; }
  std::uint64_t total() const noexcept;
  //! The q-quantile, linearly interpolated inside its bin (NaN when empty; the
  //! range's ends when the quantile falls in under- or overflow).
  double quantile(double q) const noexcept;

private:
  double lo_ = 0.0;
  double hi_ = 1.0;
  double width_ = 1.0;
  std::vector<std::uint64_t> counts_;
};

//! Across-replication statistics of one metric.
struct Summary
{
  std::uint64_t n = 0;
  double mean = std::numeric_limits<double>::quiet_NaN();
  double sd = std::numeric_limits<double>::quiet_NaN();
  double ci95_low = std::numeric_limits<double>::quiet_NaN();
  double ci95_high = std::numeric_limits<double>::quiet_NaN();
  double half_width() const noexcept { return 0.5 * (ci95_high - ci95_low); }
};

//! Two-pass mean and sd, and the Student-t 95% interval of the mean.
Summary summarise(std::span<const double> values);

//! summarise() for a series too long to hold, read block by block: give every block
//! to first(), in order, then every block again to second(), in the same order. The
//! result is summarise()'s, bit for bit.
class TwoPassSummary
{
public:
  void first(std::span<const double> block) noexcept;
  void second(std::span<const double> block) noexcept;
  Summary result() const;

private:
  long double mean() const noexcept;
  std::uint64_t n_ = 0;
  long double sum_ = 0;
  long double ss_ = 0;
};

//! A paired comparison of two arms run with common random numbers: replication
//! i of both arms used the same random streams wherever their structure agrees.
struct Paired
{
  Summary diff; //!< of the per-replication differences arm - base
  double base_mean = 0.0;
  double arm_mean = 0.0;
  double ratio_mean = 0.0; //!< arm_mean / base_mean (NaN when base_mean is 0)
  //! Var(base) + Var(arm) over Var(arm - base): how many times more replications
  //! independent streams would need for the same interval (NaN when no variance).
  double variance_reduction = 0.0;
};

//! Paired statistics of two equally long series (replication by replication).
Paired paired(std::span<const double> base, std::span<const double> arm);
//! The paired comparison from the summaries of the differences and of each arm.
Paired paired(const Summary& diff, const Summary& base, const Summary& arm);

//! The two-sided 95% Student-t critical value for `dof` degrees of freedom.
double t_critical_95(std::uint64_t dof);

} // namespace passage::engine::stats
