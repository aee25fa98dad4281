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

Summary summarise(std::span<const double> values)
{
  Summary s;
  s.n = values.size();
  if (s.n == 0) {
    return s;
  }
  long double sum = 0;
  for (const double v : values) {
    sum += v;
  }
  const long double mean = sum / static_cast<long double>(s.n);
  s.mean = static_cast<double>(mean);
  if (s.n < 2) {
    return s;
  }
  long double ss = 0;
  for (const double v : values) {
    const long double d = v - mean;
    ss += d * d;
  }
  s.sd = static_cast<double>(std::sqrt(ss / static_cast<long double>(s.n - 1)));
  const double hw = t_critical_95(s.n - 1) * s.sd / std::sqrt(static_cast<double>(s.n));
  s.ci95_low = s.mean - hw;
  s.ci95_high = s.mean + hw;
  return s;
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
  Paired p;
  p.diff = summarise(d);
  const Summary b = summarise(base);
  const Summary a = summarise(arm);
  p.base_mean = b.mean;
  p.arm_mean = a.mean;
  p.ratio_mean = b.mean != 0.0 ? a.mean / b.mean : std::numeric_limits<double>::quiet_NaN();
  const double independent = b.sd * b.sd + a.sd * a.sd;
  const double crn = p.diff.sd * p.diff.sd;
  p.variance_reduction = crn > 0.0 ? independent / crn : std::numeric_limits<double>::quiet_NaN();
  return p;
}

} // namespace passage::engine::stats
