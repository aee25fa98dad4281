#pragma once
//! Sensitivity indices from the runs of a design, for models with noise.
//!
//! Each design point is run R times; replication r of every point uses the
//! same random streams (common random numbers), so the noise of two points is
//! correlated. Indices are computed from the point means, and every product of
//! two point means in an estimator is corrected by the sample covariance of the
//! two points' runs over the replications, divided by R: E[mean(x) mean(y)] =
//! E[x] E[y] + cov(x, y) / R, whatever the correlation the common streams give.
//! The output variance (the denominator) is the pooled variance of the A and B
//! means less the interaction mean square of a two-way (point x replication)
//! decomposition, divided by R: the part of the noise of a point mean that
//! does not cancel between points. With R = 1 nothing can be corrected and the
//! noise is unknown. docs/sensitivity.md derives both.
//!
//! - Sobol': first order by Saltelli et al. (2010), total by Jansen (1999),
//!   second order (optional) by Saltelli (2002); 95% percentile intervals from
//!   a bootstrap over base samples (Archer et al. 1997).
//! - Morris: mu, mu* (Campolongo et al. 2007) and sigma of the elementary effects,
//!   with a bootstrap interval for mu* over trajectories.
//! - Convergence: the same estimators on the first half of the base samples
//!   (trajectories).

#include "passage/sa/sampling.hpp"

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace passage::engine::sa {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

//! Sobol' indices count as converged when no index moves more than this
//! between N/2 and N base samples.
inline constexpr double kSobolStable = 0.05;
//! Morris mu* counts as converged when no mu* moves more than this fraction of
//! the largest mu* between r/2 and r trajectories.
inline constexpr double kMorrisStable = 0.10;

//! One output's runs: points x replications, row-major; ok[p] false for a
//! point that failed (its values are not read).
struct Runs
{
  std::span<const double> values;
  std::size_t points = 0;
  std::size_t replications = 1;
  std::span<const std::uint8_t> ok;

  double at(std::size_t point, std::size_t r) const noexcept
  {
    return values[point * replications + r];
  }
  double mean(std::size_t point) const noexcept;
};

//! How much of an output's variance is run-to-run noise.
struct NoiseEstimate
{
  std::size_t points = 0;   //!< points it is estimated from
  double within_var = kNaN; //!< run-to-run noise: mean variance of a point's runs
  double mean_var = kNaN;   //!< noise variance of a point mean that does not cancel between
                            //!< points (two-way interaction mean square / R)
  double param_var = kNaN;  //!< variance the parameters cause: of the point means, less mean_var
  double total_var = kNaN;  //!< variance of a single run: param_var + within_var (R = 1: of
                            //!< the point means)
  double share = kNaN;      //!< within_var / total_var
};

//! From the given points (all ok); NaN where R < 2.
NoiseEstimate estimate_noise(const Runs& runs, std::span<const std::size_t> points);

struct IndexOptions
{
  std::uint64_t bootstrap = 1000;
  std::uint64_t seed = 1;
};

struct SobolIndices
{
  std::size_t d = 0;
  std::size_t rows_used = 0;    //!< base samples whose points all ran
  std::size_t rows_dropped = 0; //!< base samples with a failed point
  std::vector<double> s1, s1_low, s1_high;
  std::vector<double> st, st_low, st_high;
  std::vector<double> s2, s2_low, s2_high; //!< d x d, upper triangle (second order only)
  std::vector<double> s1_half, st_half;    //!< on the first half of the base samples
  double variance = kNaN;                  //!< output variance (point means, noise removed)
  double noise_correction = 0.0;           //!< what was removed from it
  NoiseEstimate noise;                     //!< over every point that ran
  double max_change_s1 = kNaN;             //!< max |S1(N) - S1(N/2)|
  double max_change_st = kNaN;             //!< max |ST(N) - ST(N/2)|
  bool stable() const noexcept
  {
    return max_change_s1 <= kSobolStable && max_change_st <= kSobolStable;
  }
};

SobolIndices sobol_indices(const SaltelliDesign& design, const Runs& runs,
                           const IndexOptions& options);

struct MorrisIndices
{
  std::size_t d = 0;
  std::size_t trajectories = 0;
  std::vector<double> mu, mu_star, sigma;
  std::vector<double> mu_star_low, mu_star_high;
  std::vector<double> mu_star_half; //!< on the first half of the trajectories
  std::vector<std::size_t> effects; //!< elementary effects used per parameter
  double ee_noise_sd = kNaN;        //!< sd of an elementary effect from noise alone
  NoiseEstimate noise;
  double max_change = kNaN; //!< max |mu*(r) - mu*(r/2)| / max mu*(r)
  bool stable() const noexcept { return max_change <= kMorrisStable; }
};

MorrisIndices morris_indices(const MorrisDesign& design, const Runs& runs,
                             const IndexOptions& options);

//! The q-quantile of sorted values, linearly interpolated (type 7).
double sorted_quantile(std::span<const double> sorted, double q);

} // namespace passage::engine::sa
