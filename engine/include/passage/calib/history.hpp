#pragma once
//! History matching: rule out the parts of parameter space where the model
//! cannot reproduce what was observed, wave by wave (Craig et al. 1997; Vernon,
//! Goldstein & Bower 2010; the R package hmer).
//!
//! The library works in the unit cube [0, 1)^p of the priors' quantiles (a point
//! u maps to parameter values by sa::values_from_unit), so a volume fraction
//! here is a prior probability. For each wave:
//!
//! 1. draw `points` space-filling points (scrambled Sobol' or Latin hypercube)
//!    in the current box, keeping only those that every earlier wave's
//!    classifier finds non-implausible (rejection sampling: the share kept
//!    estimates the sampled region's volume);
//! 2. evaluate them (the caller's callback: per point and target, the mean over
//!    its replications and the variance of that mean);
//! 3. implausibility of target t at x:
//!        I_t(x) = |z_t - E[f_t(x)]| / sqrt(V_obs,t + V_model,t(x) [+ V_emulator,t(x)]),
//!    the point's I the largest over targets (or the `nth` largest); a point
//!    with I <= cutoff (3, Pukelsheim's three-sigma rule) is non-implausible. A
//!    point the model could not run is implausible (and says nothing of its
//!    neighbours);
//! 4. the next box is the bounding box of the non-implausible points, expanded
//!    by `expand` of its width plus two design spacings on each side and clipped
//!    to the current box; the wave's classifier, which the later waves' points
//!    must pass, is either
//!    - nearest neighbours (a Lipschitz bound): I is taken to change no faster
//!      than L per unit of box-scaled distance, L the steepest slope between a
//!      point and its `neighbours` (default p + 1) nearest, plus a quarter; a
//!      candidate x is ruled out when some run point x_i has
//!      I(x_i) - L |x - x_i| > cutoff. Conservative: it keeps the region's edge
//!      and any part of the box too far from the points to judge, so volumes
//!      are not cut short (it prunes less in many dimensions); or
//!    - an emulator: a Gaussian process per target fitted to the wave's points
//!      (GaussianProcess below), its prediction variance added to the denominator.
//!
//! It stops after `waves` waves, when the non-implausible volume falls below
//! `min_volume`, when a wave rules out nothing, or when no point is left.
//!
//! Every random draw comes from passage's counter-based streams keyed by
//! (seed, wave, batch), and the classifiers are evaluated point by point into
//! their own slots (oneTBB), so the result is bit-identical for any thread count.

#include "passage/calib/observations.hpp"
#include "passage/run/model.hpp"
#include "passage/run/scenario.hpp"
#include "passage/sa/design.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace passage::engine::calib {

//! A Gaussian-process regression of one output on the unit cube, written here
//! (no library): a linear mean fitted by least squares, a squared-exponential
//! kernel with one length scale and one variance chosen on a small grid by the
//! marginal likelihood, the replication variance of each training value as its
//! own nugget, and a Cholesky solve. The regression coefficients' own
//! uncertainty is left out of the prediction variance (it is small beside the
//! kernel's where the design is dense).
class GaussianProcess
{
public:
  //! Fit to n points (n x dims, row-major), their values and each value's
  //! variance (noise). Coordinates are scaled by [lo, hi] per dimension.
  void fit(std::span<const double> x, std::size_t dims, std::span<const double> y,
           std::span<const double> noise, std::span<const double> lo, std::span<const double> hi);
  //! Mean and variance of the model's mean output at x (dims values).
  void predict(std::span<const double> x, double& mean, double& variance) const;
  //! The mean alone (O(n) rather than O(n^2)); the variance is at most signal_variance().
  double mean(std::span<const double> x) const;
  double length_scale() const noexcept { return length_; }
  double signal_variance() const noexcept { return signal_; }
  bool fitted() const noexcept { return n_ > 0; }

private:
  std::size_t n_ = 0;
  std::size_t d_ = 0;
  std::vector<double> x_; //!< scaled training points
  std::vector<double> lo_, scale_;
  std::vector<double> beta_;  //!< 1 + dims regression coefficients
  std::vector<double> alpha_; //!< K^-1 (y - H beta)
  std::vector<double> chol_;  //!< lower Cholesky factor of K, n x n
  double length_ = 1.0;
  double signal_ = 1.0;
};

//! One observed figure as history matching sees it.
struct HistoryTarget
{
  std::string name;
  double observed = 0.0;     //!< z_t
  double obs_variance = 0.0; //!< V_obs,t: the error model's variance at the observed value
};

//! What the model gave at n points for t targets (n x t, row-major).
struct PointMoments
{
  std::vector<double> mean;     //!< the mean over the point's replications
  std::vector<double> variance; //!< V_model: the replication variance / R
  std::vector<std::uint8_t> ok; //!< per point (empty: every point ran)
};

//! Evaluate the points (n x p unit-cube rows) of wave `wave` (0-based).
using EvaluateFn = std::function<PointMoments(std::span<const double> unit, std::size_t wave)>;

enum class DesignSampler
{
  Sobol,
  LatinHypercube
};

enum class Classifier
{
  NearestNeighbours,
  Emulator
};

struct HistoryOptions
{
  std::size_t dims = 0;     //!< p
  std::size_t points = 100; //!< design points per wave
  std::size_t waves = 4;    //!< at most
  double cutoff = 3.0;
  unsigned nth = 1;        //!< 1: the largest I_t; 2: the second largest (clamped to the targets)
  double min_volume = 0.0; //!< stop once the non-implausible volume fraction is below this
  double expand = 0.1;     //!< the next box's margin, a share of the non-implausible points' extent
  DesignSampler sampler = DesignSampler::Sobol;
  Classifier classifier = Classifier::NearestNeighbours;
  std::size_t neighbours = 0;     //!< for the slope L; 0: dims + 1
  std::size_t max_candidates = 0; //!< per wave; 0: 10^4 x points (rejection gives up there)
  std::uint64_t seed = 1;
};

//! One wave's design, runs and verdicts.
struct Wave
{
  std::size_t index = 0;
  std::vector<double> box_lo, box_hi;        //!< where it was sampled (p each)
  std::size_t candidates = 0;                //!< drawn in the box to estimate the region's volume
  std::size_t passed = 0;                    //!< of those, kept by every earlier classifier
  std::vector<double> unit;                  //!< n x p
  PointMoments moments;                      //!< n x t
  std::vector<double> target_implausibility; //!< n x t (infinity where the point failed)
  std::vector<double> implausibility;        //!< n: the nth largest over targets
  double cutoff = 3.0;
  //! The volume fraction of the sampled region: box volume x passed / candidates.
  double region_volume = 1.0;
  double region_volume_se = 0.0;
  //! The non-implausible volume fraction: region volume x non-implausible share,
  //! with its binomial standard error (delta method over both shares).
  double volume = 0.0;
  double volume_se = 0.0;

  std::size_t points() const noexcept { return implausibility.size(); }
  std::size_t nonimplausible() const noexcept;
  bool is_nonimplausible(std::size_t i) const noexcept { return implausibility[i] <= cutoff; }
};

enum class StopReason
{
  Waves,           //!< the wave count
  Volume,          //!< the non-implausible volume fell below min_volume
  NothingRuledOut, //!< a wave's points were all non-implausible
  Empty,           //!< no point of a wave was non-implausible
  Candidates       //!< the region got too small to sample by rejection
};

//! "waves", "volume", "nothing-ruled-out", "empty", "candidates"
const char* stop_reason_name(StopReason r) noexcept;

struct HistoryResult
{
  std::vector<Wave> waves;
  StopReason stop = StopReason::Waves;
  std::string stop_message; //!< one line for people

  //! The last wave's non-implausible points (k x p): the posterior, with equal weights.
  std::vector<double> posterior() const;
};

//! I_t = |z - mean| / sqrt(V_obs + V_model + V_em); 0 when equal with no variance.
double implausibility(double observed, double mean, double variance) noexcept;

//! The nth largest of the values (nth clamped to [1, size]); -infinity if empty.
double nth_largest(std::span<const double> values, unsigned nth);

//! Called after each wave is judged (progress, checkpoints).
using WaveFn = std::function<void(const Wave&)>;

//! Run the waves. Throws UsageError when the options or targets are unusable.
//! `completed`: waves of an earlier, interrupted match with the same options
//! (a checkpoint): their designs are drawn again and must equal the stored ones
//! (UsageError otherwise), their stored runs stand in for `evaluate`, so the
//! result equals an uninterrupted match.
HistoryResult history_match(const std::vector<HistoryTarget>& targets,
                            const HistoryOptions& options, const EvaluateFn& evaluate,
                            std::span<const Wave> completed = {}, const WaveFn& on_wave = {});

// ---------------------------------------------------------------------------
// History matching of a model: `passage calibrate --method history`.

//! The targets as history matching sees them: each observation's value and its
//! error model's variance there.
std::vector<HistoryTarget> history_targets(const Observations& obs);

struct HistoryRunOptions
{
  HistoryOptions match;           //!< `dims` is set from the design
  unsigned threads = 0;           //!< 0: all cores
  std::uint64_t replications = 2; //!< per point, at least 2 (V_model needs them)
  std::string checkpoint;         //!< "" = only on a stop request, to default_checkpoint
  std::string default_checkpoint;
  double checkpoint_every = 300.0; //!< seconds
  std::string resume;
  const std::atomic<bool>* stop = nullptr;
  std::function<void(const std::string&)> warn; //!< default: stderr
};

struct HistoryRun
{
  HistoryResult result;
  //! Per wave, the points' parameter values (n x p).
  std::vector<std::vector<double>> values;
  std::string first_failure;     //!< why the first point that failed did
  std::uint64_t failed = 0;      //!< points the model could not run
  std::uint64_t simulations = 0; //!< points run (those of a resumed checkpoint included)
  std::uint64_t events = 0;
  bool interrupted = false;
  bool resumed = false;
  bool checkpoint_written = false;
  std::string checkpoint;
};

//! Runs the waves' points with sa::Evaluator (oneTBB threads, MPI ranks), in
//! chunks of about a second between which a stop request is honoured: the
//! checkpoint then holds the finished waves and the points of the current one,
//! and a resumed match equals an uninterrupted one.
class HistoryMatching
{
public:
  //! `design`'s outputs are replaced by the observations' columns.
  HistoryMatching(const ModelRegistry& registry, const Scenario& base, const sa::Design& design,
                  const Observations& obs, HistoryRunOptions options);

  HistoryRun run();

  //! Points run so far, and the wave under way (progress displays; any thread).
  std::uint64_t simulated() const noexcept { return simulated_.load(std::memory_order_relaxed); }
  std::uint64_t wave() const noexcept { return wave_.load(std::memory_order_relaxed); }

private:
  struct State;
  std::string job_identity() const;
  void write_checkpoint(const std::string& path, const State& st) const;
  void read_checkpoint(State& st) const;

  const ModelRegistry& registry_;
  const Scenario& base_;
  sa::Design design_;
  const Observations& obs_;
  HistoryRunOptions options_;
  std::atomic<std::uint64_t> simulated_{ 0 };
  std::atomic<std::uint64_t> wave_{ 0 };
};

} // namespace passage::engine::calib
