// History matching in waves (history.hpp).
#include "passage/calib/history.hpp"

#include "passage/errors.hpp"
#include "passage/random/stream.hpp"
#include "passage/sa/sampling.hpp"

#include <algorithm>
#include <array>
#include <boost/random/sobol.hpp>
#include <cmath>
#include <cstdio>
#include <limits>
#include <tbb/parallel_for.h>

namespace passage::engine::calib {

namespace {

constexpr std::uint64_t kHistory = random::substream_id("calib.history");
constexpr double kInf = std::numeric_limits<double>::infinity();

std::string number(double x)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", x);
  return buf;
}

// What one finished wave says about a candidate of a later wave.
class WaveClassifier
{
public:
  WaveClassifier(const Wave& w, const std::vector<HistoryTarget>& targets, const HistoryOptions& o)
    : targets_(targets), options_(o), dims_(o.dims), wave_(w)
  {
    scale_.resize(dims_);
    for (std::size_t j = 0; j < dims_; ++j) {
      const double width = w.box_hi[j] - w.box_lo[j];
      scale_[j] = width > 0.0 ? 1.0 / width : 1.0;
    }
    neighbours_ = o.neighbours == 0 ? dims_ + 1 : o.neighbours;
    neighbours_ = std::min(neighbours_, w.points());
    if (o.classifier == Classifier::Emulator) {
      fit_emulators();
    }
    if (gps_.empty()) {
      prepare_bound();
    }
  }

  bool plausible(const double* x) const
  {
    return gps_.empty() ? plausible_by_neighbours(x) : plausible_by_emulator(x);
  }

private:
  void fit_emulators()
  {
    const std::size_t t = targets_.size();
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < wave_.points(); ++i) {
      if (wave_.moments.ok.empty() || wave_.moments.ok[i] != 0) {
        rows.push_back(i);
      }
    }
    // Too few runs to fit a surface: the neighbours decide for this wave.
    if (rows.size() < dims_ + 2) {
      return;
    }
    std::vector<double> x(rows.size() * dims_);
    std::vector<double> y(rows.size());
    std::vector<double> v(rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) {
      std::copy_n(&wave_.unit[rows[r] * dims_], dims_, &x[r * dims_]);
    }
    gps_.resize(t);
    model_variance_.assign(t, 0.0);
    for (std::size_t k = 0; k < t; ++k) {
      for (std::size_t r = 0; r < rows.size(); ++r) {
        y[r] = wave_.moments.mean[rows[r] * t + k];
        v[r] = wave_.moments.variance[rows[r] * t + k];
        model_variance_[k] += v[r] / static_cast<double>(rows.size());
      }
      gps_[k].fit(x, dims_, y, v, wave_.box_lo, wave_.box_hi);
    }
  }

  bool plausible_by_emulator(const double* x) const
  {
    const std::size_t t = targets_.size();
    std::vector<double> mean(t);
    std::vector<double> imp(t);
    const std::span<const double> xs(x, dims_);
    // First with the largest variance the emulator can give (its signal
    // variance): a candidate ruled out even so needs no O(n^2) variance.
    for (std::size_t k = 0; k < t; ++k) {
      mean[k] = gps_[k].mean(xs);
      imp[k] =
        implausibility(targets_[k].observed, mean[k], denominator(k) + gps_[k].signal_variance());
    }
    if (nth_largest(imp, options_.nth) > options_.cutoff) {
      return false;
    }
    for (std::size_t k = 0; k < t; ++k) {
      double m = 0.0;
      double v = 0.0;
      gps_[k].predict(xs, m, v);
      imp[k] = implausibility(targets_[k].observed, m, denominator(k) + v);
    }
    return nth_largest(imp, options_.nth) <= options_.cutoff;
  }

  double denominator(std::size_t k) const { return targets_[k].obs_variance + model_variance_[k]; }

  // The run points the bound uses: those with a finite implausibility.
  void prepare_bound()
  {
    for (std::size_t i = 0; i < wave_.points(); ++i) {
      if (std::isfinite(wave_.implausibility[i])) {
        rows_.push_back(i);
      }
    }
    // The implausibility's Lipschitz constant in box-scaled distance: the
    // steepest slope from a point to one of its m nearest neighbours, with a
    // quarter more for the directions the pairs miss. Noise only steepens it,
    // which keeps more.
    const std::size_t m = std::min(neighbours_, rows_.size() > 0 ? rows_.size() - 1 : 0);
    std::vector<std::pair<double, std::size_t>> near;
    double slope = 0.0;
    for (const std::size_t i : rows_) {
      near.clear();
      for (const std::size_t j : rows_) {
        if (j != i) {
          near.emplace_back(distance(&wave_.unit[i * dims_], &wave_.unit[j * dims_]), j);
        }
      }
      std::partial_sort(near.begin(), near.begin() + static_cast<std::ptrdiff_t>(m), near.end());
      for (std::size_t r = 0; r < m; ++r) {
        if (near[r].first > 0.0) {
          const double di = wave_.implausibility[i] - wave_.implausibility[near[r].second];
          slope = std::max(slope, std::fabs(di) / near[r].first);
        }
      }
    }
    lipschitz_ = 1.25 * slope;
  }

  double distance(const double* a, const double* b) const
  {
    double s = 0.0;
    for (std::size_t j = 0; j < dims_; ++j) {
      const double t = (a[j] - b[j]) * scale_[j];
      s += t * t;
    }
    return std::sqrt(s);
  }

  bool plausible_by_neighbours(const double* x) const
  {
    // I(x) >= I(x_i) - L |x - x_i| for every run point x_i: the candidate goes
    // only if some point's implausibility is too high to fall to the cutoff
    // within the distance. A conservative rule: it keeps the region's edge.
    for (const std::size_t i : rows_) {
      const double bound =
        wave_.implausibility[i] - lipschitz_ * distance(x, &wave_.unit[i * dims_]);
      if (bound > options_.cutoff) {
        return false;
      }
    }
    return true;
  }

  const std::vector<HistoryTarget>& targets_;
  const HistoryOptions& options_;
  std::size_t dims_;
  const Wave& wave_;
  std::vector<double> scale_;
  std::size_t neighbours_ = 1;
  std::vector<std::size_t> rows_; //!< points with a finite implausibility
  double lipschitz_ = 0.0;
  std::vector<GaussianProcess> gps_;
  std::vector<double> model_variance_;
};

// Space-filling unit-cube points, batch after batch, from streams keyed by
// (seed, wave, batch): Sobol' continues one scrambled sequence, a Latin
// hypercube draws a fresh one per batch.
class CandidateSource
{
public:
  CandidateSource(const HistoryOptions& o, std::size_t wave)
    : options_(o), key_(random::combine(random::combine(o.seed, kHistory), wave)),
      sobol_(std::max<std::size_t>(o.dims, 1))
  {
    keys_.resize(o.dims);
    for (std::size_t j = 0; j < o.dims; ++j) {
      keys_[j] = random::combine(key_, j);
    }
  }

  std::vector<double> next(std::size_t n)
  {
    const std::size_t d = options_.dims;
    std::vector<double> out;
    if (options_.sampler == DesignSampler::LatinHypercube) {
      out = sa::latin_hypercube(n, d, random::combine(key_, batch_));
    } else {
      out.resize(n * d);
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < d; ++j) {
          // The sequence's first point (all zeros) is put back, as sa::sobol_points does.
          out[i * d + j] = sa::owen_scramble(drawn_ == 0 ? 0 : sobol_(), keys_[j]);
        }
        ++drawn_;
      }
    }
    ++batch_;
    return out;
  }

private:
  const HistoryOptions& options_;
  std::uint64_t key_;
  boost::random::sobol sobol_;
  std::vector<std::uint64_t> keys_;
  std::uint64_t batch_ = 0;
  std::uint64_t drawn_ = 0;
};

void check(const std::vector<HistoryTarget>& targets, const HistoryOptions& o)
{
  if (o.dims == 0) {
    throw UsageError("history matching needs at least one parameter");
  }
  if (targets.empty()) {
    throw UsageError("history matching needs at least one target");
  }
  if (o.points < 2) {
    throw UsageError("history matching needs at least 2 points per wave, got " +
                     std::to_string(o.points));
  }
  if (o.waves == 0) {
    throw UsageError("history matching needs at least one wave");
  }
  if (!(o.cutoff > 0.0) || !std::isfinite(o.cutoff)) {
    throw UsageError("the implausibility cutoff must be a positive number");
  }
  if (o.nth == 0) {
    throw UsageError("the implausibility order (nth largest) must be at least 1");
  }
  if (!(o.expand >= 0.0)) {
    throw UsageError("the box expansion must be zero or more");
  }
  for (const auto& t : targets) {
    if (!std::isfinite(t.observed) || !(t.obs_variance >= 0.0) || !std::isfinite(t.obs_variance)) {
      throw UsageError("target " + t.name + ": the observed value and its variance must be finite");
    }
  }
}

// Implausibilities and volumes of an evaluated wave.
void judge(Wave& w, const std::vector<HistoryTarget>& targets, const HistoryOptions& o)
{
  const std::size_t n = w.unit.size() / o.dims;
  const std::size_t t = targets.size();
  if (w.moments.mean.size() != n * t || w.moments.variance.size() != n * t ||
      (!w.moments.ok.empty() && w.moments.ok.size() != n)) {
    throw RuntimeError("history matching: the evaluation returned " +
                       std::to_string(w.moments.mean.size()) + " means for " + std::to_string(n) +
                       " points and " + std::to_string(t) + " targets");
  }
  w.cutoff = o.cutoff;
  w.target_implausibility.assign(n * t, kInf);
  w.implausibility.assign(n, kInf);
  for (std::size_t i = 0; i < n; ++i) {
    if (!w.moments.ok.empty() && w.moments.ok[i] == 0) {
      continue;
    }
    for (std::size_t k = 0; k < t; ++k) {
      const double m = w.moments.mean[i * t + k];
      const double v = w.moments.variance[i * t + k];
      if (std::isfinite(m) && std::isfinite(v)) {
        w.target_implausibility[i * t + k] =
          implausibility(targets[k].observed, m, targets[k].obs_variance + std::max(v, 0.0));
      }
    }
    w.implausibility[i] =
      nth_largest(std::span<const double>(&w.target_implausibility[i * t], t), o.nth);
  }
  double box = 1.0;
  for (std::size_t j = 0; j < o.dims; ++j) {
    box *= w.box_hi[j] - w.box_lo[j];
  }
  const double q = static_cast<double>(w.passed) / static_cast<double>(w.candidates);
  const double p = static_cast<double>(w.nonimplausible()) / static_cast<double>(n);
  w.region_volume = box * q;
  w.region_volume_se = box * std::sqrt(q * (1.0 - q) / static_cast<double>(w.candidates));
  w.volume = w.region_volume * p;
  // Delta method: relative variances of the two binomial shares add.
  const double rel_q = (1.0 - q) / (q * static_cast<double>(w.candidates));
  const double rel_p = p > 0.0 ? (1.0 - p) / (p * static_cast<double>(n)) : 0.0;
  w.volume_se =
    p > 0.0 ? w.volume * std::sqrt(rel_q + rel_p) : w.region_volume / static_cast<double>(n);
}

// The next wave's box: the non-implausible points' bounding box, expanded by
// `expand` of its extent plus two design spacings, within the current box.
void next_box(const Wave& w, const HistoryOptions& o, std::vector<double>& lo,
              std::vector<double>& hi)
{
  const std::size_t d = o.dims;
  std::vector<double> mn(d, kInf);
  std::vector<double> mx(d, -kInf);
  for (std::size_t i = 0; i < w.points(); ++i) {
    if (w.is_nonimplausible(i)) {
      for (std::size_t j = 0; j < d; ++j) {
        mn[j] = std::min(mn[j], w.unit[i * d + j]);
        mx[j] = std::max(mx[j], w.unit[i * d + j]);
      }
    }
  }
  const double q = static_cast<double>(w.passed) / static_cast<double>(w.candidates);
  const double per_axis =
    std::pow(q / static_cast<double>(w.points()), 1.0 / static_cast<double>(d));
  lo.resize(d);
  hi.resize(d);
  for (std::size_t j = 0; j < d; ++j) {
    const double spacing = (w.box_hi[j] - w.box_lo[j]) * per_axis;
    const double margin = o.expand * (mx[j] - mn[j]) + 2.0 * spacing;
    lo[j] = std::max(w.box_lo[j], mn[j] - margin);
    hi[j] = std::min(w.box_hi[j], mx[j] + margin);
  }
}

// Draw the wave's design: points in the box that every earlier wave keeps.
// False when the candidates ran out first.
bool draw(Wave& w, const std::vector<std::unique_ptr<WaveClassifier>>& classifiers,
          const HistoryOptions& o)
{
  const std::size_t d = o.dims;
  const std::size_t limit = o.max_candidates == 0 ? o.points * 10000 : o.max_candidates;
  CandidateSource source(o, w.index);
  std::size_t batch = std::max<std::size_t>(o.points, 256);
  if (o.sampler == DesignSampler::LatinHypercube) {
    batch = o.points; // one hypercube per batch keeps its strata
  }
  w.unit.clear();
  w.candidates = 0;
  w.passed = 0;
  std::vector<std::uint8_t> keep;
  while (w.candidates < limit) {
    auto u = source.next(batch);
    for (std::size_t i = 0; i < batch; ++i) {
      for (std::size_t j = 0; j < d; ++j) {
        double& x = u[i * d + j];
        x = w.box_lo[j] + (w.box_hi[j] - w.box_lo[j]) * x;
      }
    }
    keep.assign(batch, 1);
    auto test = [&](std::size_t i) {
      for (const auto& c : classifiers) {
        if (!c->plausible(&u[i * d])) {
          keep[i] = 0;
          break;
        }
      }
    };
#ifdef PASSAGE_STD_THREADS
    // ThreadSanitizer builds (run/thread_pool.hpp): the system oneTBB is not
    // instrumented; each point's test writes only its own slot, so in order.
    for (std::size_t i = 0; i < batch; ++i) {
      test(i);
    }
#else
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, batch, 64),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                        for (std::size_t i = r.begin(); i != r.end(); ++i) {
                          test(i);
                        }
                      });
#endif
    w.candidates += batch;
    for (std::size_t i = 0; i < batch; ++i) {
      if (keep[i] != 0) {
        ++w.passed;
        if (w.unit.size() < o.points * d) {
          w.unit.insert(w.unit.end(), &u[i * d], &u[i * d] + d);
        }
      }
    }
    if (w.unit.size() == o.points * d) {
      return true;
    }
    // Fewer candidates pass each time: grow the batches (Sobol' only).
    if (o.sampler == DesignSampler::Sobol) {
      batch = std::min(batch * 2, std::size_t{ 1 } << 20);
    }
  }
  return false;
}

} // namespace

std::size_t Wave::nonimplausible() const noexcept
{
  std::size_t n = 0;
  for (std::size_t i = 0; i < implausibility.size(); ++i) {
    n += is_nonimplausible(i) ? 1 : 0;
  }
  return n;
}

const char* stop_reason_name(StopReason r) noexcept
{
  switch (r) {
    case StopReason::Waves:
      return "waves";
    case StopReason::Volume:
      return "volume";
    case StopReason::NothingRuledOut:
      return "nothing-ruled-out";
    case StopReason::Empty:
      return "empty";
    case StopReason::Candidates:
      return "candidates";
  }
  return "?";
}

std::vector<double> HistoryResult::posterior() const
{
  std::vector<double> out;
  if (waves.empty()) {
    return out;
  }
  const Wave& w = waves.back();
  const std::size_t d = w.box_lo.size();
  for (std::size_t i = 0; i < w.points(); ++i) {
    if (w.is_nonimplausible(i)) {
      out.insert(out.end(), &w.unit[i * d], &w.unit[i * d] + d);
    }
  }
  return out;
}

double implausibility(double observed, double mean, double variance) noexcept
{
  const double diff = std::fabs(observed - mean);
  if (variance > 0.0) {
    return diff / std::sqrt(variance);
  }
  return diff == 0.0 ? 0.0 : kInf;
}

double nth_largest(std::span<const double> values, unsigned nth)
{
  if (values.empty()) {
    return -kInf;
  }
  std::vector<double> v(values.begin(), values.end());
  const std::size_t k = std::min<std::size_t>(std::max(nth, 1U), v.size()) - 1;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end(),
                   std::greater<>());
  return v[k];
}

HistoryResult history_match(const std::vector<HistoryTarget>& targets,
                            const HistoryOptions& options, const EvaluateFn& evaluate,
                            std::span<const Wave> completed, const WaveFn& on_wave)
{
  check(targets, options);
  HistoryResult result;
  std::vector<std::unique_ptr<WaveClassifier>> classifiers;
  std::vector<double> lo(options.dims, 0.0);
  std::vector<double> hi(options.dims, 1.0);
  result.waves.reserve(options.waves); // classifiers point into the waves
  for (std::size_t k = 0; k < options.waves; ++k) {
    Wave w;
    w.index = k;
    w.box_lo = lo;
    w.box_hi = hi;
    if (!draw(w, classifiers, options)) {
      result.stop = StopReason::Candidates;
      result.stop_message = "wave " + std::to_string(k) + ": only " + std::to_string(w.passed) +
                            " of " + std::to_string(w.candidates) +
                            " candidates pass the earlier waves, fewer than the " +
                            std::to_string(options.points) + " points a wave needs";
      return result;
    }
    if (k < completed.size()) {
      if (completed[k].unit != w.unit) {
        throw UsageError("the checkpoint's wave " + std::to_string(k) +
                           " was drawn with other options, seed or targets",
                         "resume with the options of the interrupted run");
      }
      w.moments = completed[k].moments;
    } else {
      w.moments = evaluate(w.unit, k);
    }
    judge(w, targets, options);
    result.waves.push_back(std::move(w));
    if (on_wave) {
      on_wave(result.waves.back());
    }
    const Wave& done = result.waves.back();
    const std::size_t kept = done.nonimplausible();
    const std::string head = "wave " + std::to_string(k) + ": ";
    if (kept == 0) {
      result.stop = StopReason::Empty;
      result.stop_message =
        head + "no point is non-implausible (cutoff " + number(options.cutoff) +
        "): no parameter values of the prior's support reproduce the observations";
      return result;
    }
    if (kept == done.points()) {
      result.stop = StopReason::NothingRuledOut;
      result.stop_message = head + "every point is non-implausible: nothing more is ruled out";
      return result;
    }
    if (done.volume < options.min_volume) {
      result.stop = StopReason::Volume;
      result.stop_message = head + "the non-implausible volume fraction " + number(done.volume) +
                            " is below " + number(options.min_volume);
      return result;
    }
    if (k + 1 < options.waves) {
      classifiers.push_back(std::make_unique<WaveClassifier>(done, targets, options));
      next_box(done, options, lo, hi);
    }
  }
  result.stop = StopReason::Waves;
  result.stop_message = "stopped after " + std::to_string(options.waves) + " waves";
  return result;
}

} // namespace passage::engine::calib
