#include "passage/run/trigger.hpp"

#include "passage/errors.hpp"
#include "passage/stats/tally.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace passage::engine {

Trigger Trigger::parse(const std::string& text)
{
  const std::string hint = "write METRIC:rel_ci=0.01, METRIC:halfwidth=X, A/B:rel_ci=0.05, "
                           "METRIC@q90:rel_ci=0.05 or (compare) METRIC:diff_halfwidth=X";
  const auto colon = text.rfind(':');
  const auto eq = text.find('=', colon == std::string::npos ? 0 : colon);
  if (colon == std::string::npos || eq == std::string::npos || colon == 0) {
    throw UsageError("cannot read the trigger '" + text + "'", hint);
  }
  Trigger t;
  t.text = text;
  std::string target = text.substr(0, colon);
  if (const auto at = target.find('@'); at != std::string::npos) {
    const std::string q = target.substr(at + 1);
    double v = 0.0;
    const auto r = std::from_chars(q.data() + (q.empty() ? 0 : 1), q.data() + q.size(), v);
    if (q.size() < 2 || q[0] != 'q' || r.ec != std::errc{} || r.ptr != q.data() + q.size() ||
        !(v > 0.0 && v < 100.0)) {
      throw UsageError("cannot read the quantile '" + q + "' in '" + text + "'",
                       "write METRIC@q90 for the 90th percentile");
    }
    t.quantile = v / 100.0;
    target = target.substr(0, at);
  }
  if (const auto slash = target.find('/'); slash != std::string::npos) {
    t.denominator = target.substr(slash + 1);
    target = target.substr(0, slash);
    if (t.denominator.empty() || t.quantile >= 0.0) {
      throw UsageError("cannot read the ratio in '" + text + "'", hint);
    }
  }
  t.metric = target;
  if (t.metric.empty()) {
    throw UsageError("cannot read the trigger '" + text + "'", hint);
  }
  const std::string kind = text.substr(colon + 1, eq - colon - 1);
  if (kind == "rel_ci") {
    t.kind = Kind::RelCi;
  } else if (kind == "halfwidth") {
    t.kind = Kind::HalfWidth;
  } else if (kind == "diff_halfwidth") {
    t.kind = Kind::DiffHalfWidth;
    if (!t.denominator.empty() || t.quantile >= 0.0) {
      throw UsageError("diff_halfwidth applies to a plain metric, not '" + target + "'", hint);
    }
  } else {
    throw UsageError("unknown trigger '" + kind + "' in '" + text + "'", hint);
  }
  const std::string value = text.substr(eq + 1);
  const auto r = std::from_chars(value.data(), value.data() + value.size(), t.target);
  if (r.ec != std::errc{} || r.ptr != value.data() + value.size() || !(t.target > 0.0) ||
      !std::isfinite(t.target)) {
    throw UsageError("the target of '" + text + "' must be a number > 0", hint);
  }
  return t;
}

std::vector<std::string> Trigger::metrics() const
{
  if (denominator.empty()) {
    return { metric };
  }
  return { metric, denominator };
}

Trigger::State Trigger::evaluate(
  const std::function<const std::vector<double>&(const std::string&)>& column) const
{
  State s;
  const auto& a = column(metric);
  const std::size_t n = a.size();
  if (n < 2) {
    s.half_width = std::numeric_limits<double>::infinity();
    return s;
  }
  if (!denominator.empty()) {
    // Pooled ratio sum(a)/sum(b), delta-method interval over replications.
    const auto& b = column(denominator);
    long double sa = 0;
    long double sb = 0;
    for (std::size_t i = 0; i < n; ++i) {
      sa += a[i];
      sb += b[i];
    }
    if (sb == 0) {
      s.half_width = std::numeric_limits<double>::infinity();
      return s;
    }
    const double r = static_cast<double>(sa / sb);
    const double bbar = static_cast<double>(sb) / static_cast<double>(n);
    std::vector<double> resid(n);
    for (std::size_t i = 0; i < n; ++i) {
      resid[i] = a[i] - r * b[i];
    }
    const auto sr = stats::summarise(resid);
    s.estimate = r;
    s.half_width = stats::t_critical_95(n - 1) * sr.sd / (std::sqrt(static_cast<double>(n)) * bbar);
  } else if (quantile >= 0.0) {
    // Order-statistic interval for a quantile of the per-replication values.
    std::vector<double> v = a;
    std::sort(v.begin(), v.end());
    const double nq = static_cast<double>(n) * quantile;
    const double spread = 1.96 * std::sqrt(nq * (1.0 - quantile));
    auto at = [&](double rank) {
      const auto k = static_cast<std::ptrdiff_t>(std::clamp(rank, 1.0, static_cast<double>(n))) - 1;
      return v[static_cast<std::size_t>(k)];
    };
    s.estimate = at(std::ceil(nq));
    const bool resolvable = nq - spread >= 1.0 && nq + spread <= static_cast<double>(n);
    s.half_width = resolvable ? 0.5 * (at(std::ceil(nq + spread)) - at(std::floor(nq - spread)))
                              : std::numeric_limits<double>::infinity();
  } else {
    const auto sm = stats::summarise(a);
    s.estimate = sm.mean;
    s.half_width = sm.half_width();
  }
  if (kind == Kind::RelCi) {
    s.met = s.estimate != 0.0 && s.half_width / std::fabs(s.estimate) <= target;
  } else {
    s.met = s.half_width <= target;
  }
  return s;
}

} // namespace passage::engine
