// The Gaussian-process emulator of history matching (history.hpp), written
// here: Boost has none, and a fixed-form kernel with a Cholesky solve is all a
// wave's few hundred points need.
#include "passage/calib/history.hpp"
#include "passage/errors.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace passage::engine::calib {

namespace {

// In-place lower Cholesky factor of the n x n matrix a (row-major); false if it
// is not positive definite.
bool cholesky(std::vector<double>& a, std::size_t n)
{
  for (std::size_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (std::size_t k = 0; k < j; ++k) {
      d -= a[j * n + k] * a[j * n + k];
    }
    if (!(d > 0.0)) {
      return false;
    }
    const double l = std::sqrt(d);
    a[j * n + j] = l;
    for (std::size_t i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (std::size_t k = 0; k < j; ++k) {
        s -= a[i * n + k] * a[j * n + k];
      }
      a[i * n + j] = s / l;
    }
    for (std::size_t i = 0; i < j; ++i) {
      a[i * n + j] = 0.0;
    }
  }
  return true;
}

// Solve L z = b in place (forward substitution).
void forward(const std::vector<double>& l, std::size_t n, std::vector<double>& b)
{
  for (std::size_t i = 0; i < n; ++i) {
    double s = b[i];
    for (std::size_t k = 0; k < i; ++k) {
      s -= l[i * n + k] * b[k];
    }
    b[i] = s / l[i * n + i];
  }
}

// Solve L^T z = b in place (back substitution).
void backward(const std::vector<double>& l, std::size_t n, std::vector<double>& b)
{
  for (std::size_t i = n; i-- > 0;) {
    double s = b[i];
    for (std::size_t k = i + 1; k < n; ++k) {
      s -= l[k * n + i] * b[k];
    }
    b[i] = s / l[i * n + i];
  }
}

double squared_distance(const double* a, const double* b, std::size_t d)
{
  double s = 0.0;
  for (std::size_t j = 0; j < d; ++j) {
    const double t = a[j] - b[j];
    s += t * t;
  }
  return s;
}

} // namespace

void GaussianProcess::fit(std::span<const double> x, std::size_t dims, std::span<const double> y,
                          std::span<const double> noise, std::span<const double> lo,
                          std::span<const double> hi)
{
  const std::size_t n = y.size();
  if (n == 0 || x.size() != n * dims || noise.size() != n || lo.size() != dims ||
      hi.size() != dims) {
    throw UsageError("a Gaussian process needs at least one point and matching sizes");
  }
  n_ = n;
  d_ = dims;
  lo_.assign(lo.begin(), lo.end());
  scale_.resize(dims);
  for (std::size_t j = 0; j < dims; ++j) {
    scale_[j] = hi[j] > lo[j] ? 1.0 / (hi[j] - lo[j]) : 1.0;
  }
  x_.resize(n * dims);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < dims; ++j) {
      x_[i * dims + j] = (x[i * dims + j] - lo_[j]) * scale_[j];
    }
  }

  // The mean: least squares on (1, x) when there are enough points to fit it,
  // else the plain mean; a small ridge keeps a flat design solvable.
  const std::size_t m = n > dims + 1 ? dims + 1 : 1;
  std::vector<double> hth(m * m, 0.0);
  std::vector<double> hty(m, 0.0);
  auto h = [&](std::size_t i, std::size_t a) { return a == 0 ? 1.0 : x_[i * dims + a - 1]; };
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t a = 0; a < m; ++a) {
      hty[a] += h(i, a) * y[i];
      for (std::size_t b = 0; b < m; ++b) {
        hth[a * m + b] += h(i, a) * h(i, b);
      }
    }
  }
  for (std::size_t a = 0; a < m; ++a) {
    hth[a * m + a] += 1e-10 * (hth[a * m + a] + 1.0);
  }
  if (!cholesky(hth, m)) {
    throw RuntimeError("the emulator's regression could not be solved");
  }
  forward(hth, m, hty);
  backward(hth, m, hty);
  beta_.assign(dims + 1, 0.0);
  std::copy(hty.begin(), hty.end(), beta_.begin());

  std::vector<double> resid(n);
  double mean_noise = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    double f = 0.0;
    for (std::size_t a = 0; a < m; ++a) {
      f += beta_[a] * h(i, a);
    }
    resid[i] = y[i] - f;
    mean_noise += noise[i] / static_cast<double>(n);
  }
  double vr = 0.0;
  for (const double r : resid) {
    vr += r * r / static_cast<double>(n);
  }
  // A residual of pure noise still needs a kernel that can carry it.
  const double base = std::max({ vr, mean_noise, 1e-12 });

  // Hyperparameters on a grid, by the log marginal likelihood of the residuals.
  static constexpr double kLengths[] = { 0.08, 0.15, 0.25, 0.4, 0.6, 0.9, 1.4, 2.0 };
  static constexpr double kSignals[] = { 0.03, 0.1, 0.3, 1.0, 3.0 };
  double best = -std::numeric_limits<double>::infinity();
  std::vector<double> k(n * n);
  std::vector<double> a(n);
  for (const double len : kLengths) {
    for (const double sf : kSignals) {
      const double s2 = sf * base;
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j <= i; ++j) {
          const double c =
            s2 *
            std::exp(-0.5 * squared_distance(&x_[i * dims], &x_[j * dims], dims) / (len * len));
          k[i * n + j] = c;
          k[j * n + i] = c;
        }
        k[i * n + i] += noise[i] + 1e-9 * s2;
      }
      if (!cholesky(k, n)) {
        continue;
      }
      a = resid;
      forward(k, n, a);
      double fit = 0.0;
      double logdet = 0.0;
      for (std::size_t i = 0; i < n; ++i) {
        fit += a[i] * a[i];
        logdet += std::log(k[i * n + i]);
      }
      const double ll = -0.5 * fit - logdet;
      if (ll > best) {
        best = ll;
        length_ = len;
        signal_ = s2;
        chol_ = k;
        backward(k, n, a);
        alpha_ = a;
      }
    }
  }
  if (chol_.empty()) {
    throw RuntimeError("the emulator's covariance matrix is singular for every length scale");
  }
}

double GaussianProcess::mean(std::span<const double> x) const
{
  double m = beta_[0];
  double s = 0.0;
  for (std::size_t j = 0; j < d_; ++j) {
    const double u = (x[j] - lo_[j]) * scale_[j];
    m += beta_[j + 1] * u;
  }
  for (std::size_t i = 0; i < n_; ++i) {
    double r2 = 0.0;
    for (std::size_t j = 0; j < d_; ++j) {
      const double t = (x[j] - lo_[j]) * scale_[j] - x_[i * d_ + j];
      r2 += t * t;
    }
    s += signal_ * std::exp(-0.5 * r2 / (length_ * length_)) * alpha_[i];
  }
  return m + s;
}

void GaussianProcess::predict(std::span<const double> x, double& mean, double& variance) const
{
  std::vector<double> u(d_);
  for (std::size_t j = 0; j < d_; ++j) {
    u[j] = (x[j] - lo_[j]) * scale_[j];
  }
  const std::size_t m = beta_.size();
  mean = beta_[0];
  for (std::size_t a = 1; a < m; ++a) {
    mean += beta_[a] * u[a - 1];
  }
  std::vector<double> ks(n_);
  for (std::size_t i = 0; i < n_; ++i) {
    ks[i] =
      signal_ * std::exp(-0.5 * squared_distance(u.data(), &x_[i * d_], d_) / (length_ * length_));
    mean += ks[i] * alpha_[i];
  }
  forward(chol_, n_, ks);
  double explained = 0.0;
  for (const double v : ks) {
    explained += v * v;
  }
  variance = std::max(0.0, signal_ - explained);
}

} // namespace passage::engine::calib
