#include "passage/sa/indices.hpp"

#include "passage/random/stream.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace passage::engine::sa {

namespace {

constexpr std::uint64_t kBootstrap = random::substream_id("sa.bootstrap");

// Sample covariance of two points' runs over the replications, divided by R:
// the covariance of their means. 0 with a single replication.
double mean_cov(const Runs& runs, std::size_t p, std::size_t q, double mp, double mq)
{
  const std::size_t r = runs.replications;
  if (r < 2) {
    return 0.0;
  }
  double s = 0.0;
  for (std::size_t k = 0; k < r; ++k) {
    s += (runs.at(p, k) - mp) * (runs.at(q, k) - mq);
  }
  return s / static_cast<double>(r - 1) / static_cast<double>(r);
}

// Resampling indices for bootstrap b: `n` draws from [0, n).
void resample(random::Stream& s, std::size_t n, std::vector<std::size_t>& out)
{
  out.resize(n);
  for (auto& x : out) {
    x = static_cast<std::size_t>(s.uniform_int(0, static_cast<std::int64_t>(n) - 1));
  }
}

// Percentile interval of column i of a (B x d) matrix of bootstrap estimates.
std::pair<double, double> percentile_interval(const std::vector<double>& boot, std::size_t b,
                                              std::size_t d, std::size_t i)
{
  std::vector<double> col;
  col.reserve(b);
  for (std::size_t k = 0; k < b; ++k) {
    const double v = boot[k * d + i];
    if (std::isfinite(v)) {
      col.push_back(v);
    }
  }
  if (col.size() < 2) {
    return { kNaN, kNaN };
  }
  std::sort(col.begin(), col.end());
  return { sorted_quantile(col, 0.025), sorted_quantile(col, 0.975) };
}

} // namespace

double sorted_quantile(std::span<const double> sorted, double q)
{
  if (sorted.empty()) {
    return kNaN;
  }
  const double h = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

double Runs::mean(std::size_t point) const noexcept
{
  double s = 0.0;
  for (std::size_t r = 0; r < replications; ++r) {
    s += at(point, r);
  }
  return s / static_cast<double>(replications);
}

NoiseEstimate estimate_noise(const Runs& runs, std::span<const std::size_t> points)
{
  // A two-way layout, point x replication. With common random numbers the runs
  // of one replication share a component; it cancels between points, so the
  // variance the parameters cause is that of the point means less only the
  // interaction part of their noise. (The plain variance of all runs would
  // count the shared component with R - 1 degrees of freedom out of J R - 1 and
  // underestimate the variance of a single run.)
  NoiseEstimate e;
  e.points = points.size();
  const std::size_t jn = points.size();
  const std::size_t rn = runs.replications;
  if (jn < 2) {
    return e;
  }
  std::vector<double> row(jn, 0.0);
  std::vector<double> col(rn, 0.0);
  for (std::size_t j = 0; j < jn; ++j) {
    for (std::size_t r = 0; r < rn; ++r) {
      const double y = runs.at(points[j], r);
      row[j] += y;
      col[r] += y;
    }
  }
  double grand = 0.0;
  for (std::size_t j = 0; j < jn; ++j) {
    grand += row[j];
    row[j] /= static_cast<double>(rn);
  }
  grand /= static_cast<double>(jn * rn);
  for (auto& c : col) {
    c /= static_cast<double>(jn);
  }
  double means = 0.0;
  double within = 0.0;
  double interaction = 0.0;
  for (std::size_t j = 0; j < jn; ++j) {
    means += (row[j] - grand) * (row[j] - grand);
    for (std::size_t r = 0; r < rn; ++r) {
      const double y = runs.at(points[j], r);
      within += (y - row[j]) * (y - row[j]);
      const double x = y - row[j] - col[r] + grand;
      interaction += x * x;
    }
  }
  const double means_var = means / static_cast<double>(jn - 1);
  if (rn < 2) {
    e.total_var = means_var;
    return e;
  }
  e.within_var = within / static_cast<double>(jn * (rn - 1));
  e.mean_var = interaction / static_cast<double>((jn - 1) * (rn - 1)) / static_cast<double>(rn);
  e.param_var = std::max(0.0, means_var - e.mean_var);
  e.total_var = e.param_var + e.within_var;
  e.share = e.total_var > 0.0 ? e.within_var / e.total_var : 0.0;
  return e;
}

// ---------------------------------------------------------------------------
// Sobol'

SobolIndices sobol_indices(const SaltelliDesign& design, const Runs& runs,
                           const IndexOptions& options)
{
  const std::size_t n = design.n;
  const std::size_t d = design.d;
  SobolIndices out;
  out.d = d;
  out.s1.assign(d, kNaN);
  out.s1_low = out.s1_high = out.st = out.st_low = out.st_high = out.s1_half = out.st_half = out.s1;
  if (design.second_order) {
    out.s2.assign(d * d, kNaN);
    out.s2_low = out.s2_high = out.s2;
  }

  // Base samples whose points all ran.
  std::vector<std::size_t> rows;
  for (std::size_t j = 0; j < n; ++j) {
    bool all = true;
    for (std::size_t b = 0; b < design.blocks() && all; ++b) {
      all = runs.ok[design.point(b, j)] != 0;
    }
    if (all) {
      rows.push_back(j);
    }
  }
  out.rows_used = rows.size();
  out.rows_dropped = n - rows.size();

  std::vector<std::size_t> ok_points;
  for (std::size_t p = 0; p < runs.points; ++p) {
    if (runs.ok[p]) {
      ok_points.push_back(p);
    }
  }
  out.noise = estimate_noise(runs, ok_points);
  const std::size_t u = rows.size();
  if (u < 2) {
    return out;
  }

  // The noise of the A and B means that their pooled variance sees.
  std::vector<std::size_t> ab_points;
  for (const auto j : rows) {
    ab_points.push_back(design.point(SaltelliDesign::kA, j));
    ab_points.push_back(design.point(SaltelliDesign::kB, j));
  }
  const auto ab_noise = estimate_noise(runs, ab_points);
  out.noise_correction = std::isfinite(ab_noise.mean_var) ? ab_noise.mean_var : 0.0;

  // Per-row terms of the estimators, each product corrected by the covariance
  // of the means it multiplies.
  std::vector<double> mean(runs.points, 0.0);
  for (const auto p : ok_points) {
    mean[p] = runs.mean(p);
  }
  std::vector<double> a(u);
  std::vector<double> b(u);
  std::vector<double> t1(d * u); // Saltelli 2010: f(B) (f(A_B^i) - f(A))
  std::vector<double> tt(d * u); // Jansen 1999: (f(A) - f(A_B^i))^2 / 2
  const std::size_t pairs = design.second_order ? d * d : 0;
  std::vector<double> t2(pairs * u); // Saltelli 2002: f(B_A^i) f(A_B^k) - f(A) f(B)
  for (std::size_t x = 0; x < u; ++x) {
    const std::size_t j = rows[x];
    const std::size_t pa = design.point(SaltelliDesign::kA, j);
    const std::size_t pb = design.point(SaltelliDesign::kB, j);
    a[x] = mean[pa];
    b[x] = mean[pb];
    const double cab = mean_cov(runs, pa, pb, a[x], b[x]);
    const double vaa = mean_cov(runs, pa, pa, a[x], a[x]);
    for (std::size_t i = 0; i < d; ++i) {
      const std::size_t pi = design.point(design.ab(i), j);
      const double abi = mean[pi];
      const double c_b_abi = mean_cov(runs, pb, pi, b[x], abi);
      const double v_abi = mean_cov(runs, pi, pi, abi, abi);
      const double c_a_abi = mean_cov(runs, pa, pi, a[x], abi);
      t1[i * u + x] = b[x] * (abi - a[x]) - (c_b_abi - cab);
      tt[i * u + x] = 0.5 * ((a[x] - abi) * (a[x] - abi) - (vaa + v_abi - 2.0 * c_a_abi));
    }
    for (std::size_t i = 0; i < d && pairs > 0; ++i) {
      const std::size_t pbi = design.point(design.ba(i), j);
      for (std::size_t k = i + 1; k < d; ++k) {
        const std::size_t pak = design.point(design.ab(k), j);
        t2[(i * d + k) * u + x] = mean[pbi] * mean[pak] -
                                  mean_cov(runs, pbi, pak, mean[pbi], mean[pak]) - a[x] * b[x] +
                                  cab;
      }
    }
  }

  // The estimators over a selection of rows (a bootstrap resample repeats some).
  auto estimate = [&](const std::vector<std::size_t>& sel, double* s1, double* st, double* s2) {
    const auto w = static_cast<double>(sel.size());
    double m = 0.0;
    for (const auto x : sel) {
      m += a[x] + b[x];
    }
    m /= 2.0 * w;
    double v = 0.0;
    for (const auto x : sel) {
      v += (a[x] - m) * (a[x] - m) + (b[x] - m) * (b[x] - m);
    }
    v = v / (2.0 * w - 1.0) - out.noise_correction;
    for (std::size_t i = 0; i < d; ++i) {
      double s = 0.0;
      double t = 0.0;
      for (const auto x : sel) {
        s += t1[i * u + x];
        t += tt[i * u + x];
      }
      s1[i] = v > 0.0 ? s / w / v : kNaN;
      st[i] = v > 0.0 ? t / w / v : kNaN;
    }
    if (s2 != nullptr) {
      for (std::size_t i = 0; i < d; ++i) {
        for (std::size_t k = i + 1; k < d; ++k) {
          double s = 0.0;
          for (const auto x : sel) {
            s += t2[(i * d + k) * u + x];
          }
          s2[i * d + k] = v > 0.0 ? s / w / v - s1[i] - s1[k] : kNaN;
        }
      }
    }
    return v;
  };

  std::vector<std::size_t> all(u);
  for (std::size_t x = 0; x < u; ++x) {
    all[x] = x;
  }
  out.variance =
    estimate(all, out.s1.data(), out.st.data(), design.second_order ? out.s2.data() : nullptr);

  // Convergence: the first half of the base samples.
  std::vector<std::size_t> half;
  for (std::size_t x = 0; x < u; ++x) {
    if (rows[x] < n / 2) {
      half.push_back(x);
    }
  }
  if (half.size() >= 2) {
    std::vector<double> s2_half(pairs);
    estimate(half, out.s1_half.data(), out.st_half.data(), pairs ? s2_half.data() : nullptr);
    out.max_change_s1 = out.max_change_st = 0.0;
    for (std::size_t i = 0; i < d; ++i) {
      out.max_change_s1 = std::max(out.max_change_s1, std::fabs(out.s1[i] - out.s1_half[i]));
      out.max_change_st = std::max(out.max_change_st, std::fabs(out.st[i] - out.st_half[i]));
    }
  }

  // Bootstrap over base samples.
  const std::size_t nb = options.bootstrap;
  if (nb >= 2) {
    std::vector<double> b1(nb * d);
    std::vector<double> bt(nb * d);
    std::vector<double> b2(pairs ? nb * pairs : 0);
    auto s = random::Stream::derive(options.seed, 0, kBootstrap);
    std::vector<std::size_t> sel;
    for (std::size_t k = 0; k < nb; ++k) {
      resample(s, u, sel);
      estimate(sel, &b1[k * d], &bt[k * d], pairs ? &b2[k * pairs] : nullptr);
    }
    for (std::size_t i = 0; i < d; ++i) {
      std::tie(out.s1_low[i], out.s1_high[i]) = percentile_interval(b1, nb, d, i);
      std::tie(out.st_low[i], out.st_high[i]) = percentile_interval(bt, nb, d, i);
    }
    for (std::size_t i = 0; i < d && pairs; ++i) {
      for (std::size_t k = i + 1; k < d; ++k) {
        std::tie(out.s2_low[i * d + k], out.s2_high[i * d + k]) =
          percentile_interval(b2, nb, pairs, i * d + k);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Morris

MorrisIndices morris_indices(const MorrisDesign& design, const Runs& runs,
                             const IndexOptions& options)
{
  const std::size_t d = design.d;
  const std::size_t r = design.r;
  MorrisIndices out;
  out.d = d;
  out.trajectories = r;
  out.mu.assign(d, kNaN);
  out.mu_star = out.sigma = out.mu_star_low = out.mu_star_high = out.mu_star_half = out.mu;
  out.effects.assign(d, 0);

  std::vector<std::size_t> ok_points;
  for (std::size_t p = 0; p < runs.points; ++p) {
    if (runs.ok[p]) {
      ok_points.push_back(p);
    }
  }
  out.noise = estimate_noise(runs, ok_points);

  // Elementary effects, per trajectory and parameter (each parameter moves once
  // per trajectory); `has` marks the ones whose two points both ran.
  std::vector<double> ee(r * d, 0.0);
  std::vector<std::uint8_t> has(r * d, 0);
  double noise_sum = 0.0;
  std::size_t noise_n = 0;
  for (std::size_t t = 0; t < r; ++t) {
    for (std::size_t s = 0; s < d; ++s) {
      const std::size_t p0 = design.point(t, s);
      const std::size_t p1 = design.point(t, s + 1);
      if (!runs.ok[p0] || !runs.ok[p1]) {
        continue;
      }
      const std::size_t i = design.moved[t * d + s];
      const double step = design.direction[t * d + s] * design.delta;
      const double m0 = runs.mean(p0);
      const double m1 = runs.mean(p1);
      ee[t * d + i] = (m1 - m0) / step;
      has[t * d + i] = 1;
      if (runs.replications >= 2) {
        const double v = mean_cov(runs, p0, p0, m0, m0) + mean_cov(runs, p1, p1, m1, m1) -
                         2.0 * mean_cov(runs, p0, p1, m0, m1);
        noise_sum += v / (step * step);
        ++noise_n;
      }
    }
  }
  if (noise_n > 0) {
    out.ee_noise_sd = std::sqrt(std::max(0.0, noise_sum / static_cast<double>(noise_n)));
  }

  // mu* over a selection of trajectories (with repeats for the bootstrap).
  auto mu_star = [&](const std::vector<std::size_t>& sel, double* dst) {
    for (std::size_t i = 0; i < d; ++i) {
      double s = 0.0;
      std::size_t c = 0;
      for (const auto t : sel) {
        if (has[t * d + i]) {
          s += std::fabs(ee[t * d + i]);
          ++c;
        }
      }
      dst[i] = c ? s / static_cast<double>(c) : kNaN;
    }
  };

  for (std::size_t i = 0; i < d; ++i) {
    double s = 0.0;
    double sa = 0.0;
    std::size_t c = 0;
    for (std::size_t t = 0; t < r; ++t) {
      if (has[t * d + i]) {
        s += ee[t * d + i];
        sa += std::fabs(ee[t * d + i]);
        ++c;
      }
    }
    out.effects[i] = c;
    if (c == 0) {
      continue;
    }
    out.mu[i] = s / static_cast<double>(c);
    out.mu_star[i] = sa / static_cast<double>(c);
    if (c >= 2) {
      double v = 0.0;
      for (std::size_t t = 0; t < r; ++t) {
        if (has[t * d + i]) {
          v += (ee[t * d + i] - out.mu[i]) * (ee[t * d + i] - out.mu[i]);
        }
      }
      out.sigma[i] = std::sqrt(v / static_cast<double>(c - 1));
    }
  }

  std::vector<std::size_t> half;
  for (std::size_t t = 0; t < r / 2; ++t) {
    half.push_back(t);
  }
  if (!half.empty()) {
    mu_star(half, out.mu_star_half.data());
    double top = 0.0;
    double change = 0.0;
    for (std::size_t i = 0; i < d; ++i) {
      if (std::isfinite(out.mu_star[i])) {
        top = std::max(top, out.mu_star[i]);
        if (std::isfinite(out.mu_star_half[i])) {
          change = std::max(change, std::fabs(out.mu_star[i] - out.mu_star_half[i]));
        }
      }
    }
    out.max_change = top > 0.0 ? change / top : 0.0;
  }

  const std::size_t nb = options.bootstrap;
  if (nb >= 2 && r >= 2) {
    std::vector<double> boot(nb * d);
    auto s = random::Stream::derive(options.seed, 0, kBootstrap);
    std::vector<std::size_t> sel;
    for (std::size_t k = 0; k < nb; ++k) {
      resample(s, r, sel);
      mu_star(sel, &boot[k * d]);
    }
    for (std::size_t i = 0; i < d; ++i) {
      std::tie(out.mu_star_low[i], out.mu_star_high[i]) = percentile_interval(boot, nb, d, i);
    }
  }
  return out;
}

} // namespace passage::engine::sa
