#include "passage/stats/tally.hpp"

#include <boost/math/distributions/students_t.hpp>

namespace passage::engine::stats {

std::vector<double> Histogram::edges() const
{
  std::vector<double> e(bins() + 1);
  for (std::size_t i = 0; i < e.size(); ++i) {
    e[i] = lo_ + width_ * static_cast<double>(i);
  }
  if (!e.empty()) {
    e.back() = hi_;
  }
  return e;
}

std::uint64_t Histogram::total() const noexcept
{
  std::uint64_t t = 0;
  for (const auto c : counts_) {
    t += c;
  }
  return t;
}

double Histogram::quantile(double q) const noexcept
{
  const std::uint64_t n = total();
  if (n == 0) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  const double target = q * static_cast<double>(n);
  double cum = static_cast<double>(counts_[0]);
  if (target <= cum) {
    return lo_;
  }
  for (std::size_t b = 0; b < bins(); ++b) {
    const double c = static_cast<double>(counts_[b + 1]);
    if (c > 0 && target <= cum + c) {
      const double frac = (target - cum) / c;
      return lo_ + width_ * (static_cast<double>(b) + frac);
    }
    cum += c;
  }
  return hi_;
}

double t_critical_95(std::uint64_t dof)
{
  if (dof == 0) {
    return std::numeric_limits<double>::infinity();
  }
  const boost::math::students_t dist(static_cast<double>(dof));
  return boost::math::quantile(boost::math::complement(dist, 0.025));
}

void TwoPassSummary::first(std::span<const double> block) noexcept
{
  n_ += block.size();
  for (const double v : block) {
    sum_ += v;
  }
}

long double TwoPassSummary::mean() const noexcept
{
  return sum_ / static_cast<long double>(n_);
}

void TwoPassSummary::second(std::span<const double> block) noexcept
{
  if (n_ < 2) {
    return;
  }
  const long double m = mean();
  for (const double v : block) {
    const long double d = v - m;
    ss_ += d * d;
  }
}

Summary TwoPassSummary::result() const
{
  Summary s;
  s.n = n_;
  if (s.n == 0) {
    return s;
  }
  s.mean = static_cast<double>(mean());
  if (s.n < 2) {
    return s;
  }
  s.sd = static_cast<double>(std::sqrt(ss_ / static_cast<long double>(s.n - 1)));
  const double hw = t_critical_95(s.n - 1) * s.sd / std::sqrt(static_cast<double>(s.n));
  s.ci95_low = s.mean - hw;
  s.ci95_high = s.mean + hw;
  return s;
}

Summary summarise(std::span<const double> values)
{
  TwoPassSummary t;
  t.first(values);
  t.second(values);
  return t.result();
}

Paired paired(std::span<const double> base, std::span<const double> arm)
{
  if (base.size() != arm.size()) {
    throw std::invalid_argument("paired series of different lengths");
  }
  std::vector<double> d(base.size());
  for (std::size_t i = 0; i < d.size(); ++i) {
    d[i] = arm[i] - base[i];
  }
  return paired(summarise(d), summarise(base), summarise(arm));
}

Paired paired(const Summary& diff, const Summary& base, const Summary& arm)
{
  Paired p;
  p.diff = diff;
  p.base_mean = base.mean;
  p.arm_mean = arm.mean;
  p.ratio_mean =
    base.mean != 0.0 ? arm.mean / base.mean : std::numeric_limits<double>::quiet_NaN();
  const double independent = base.sd * base.sd + arm.sd * arm.sd;
  const double crn = diff.sd * diff.sd;
  p.variance_reduction = crn > 0.0 ? independent / crn : std::numeric_limits<double>::quiet_NaN();
  return p;
}

} // namespace passage::engine::stats
