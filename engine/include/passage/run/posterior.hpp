#pragma once
//! Runs under a posterior: each replication draws its parameters from the
//! weighted particles a calibration accepted (`passage run --posterior FILE`,
//! `passage compare --posterior FILE`).
//!
//! Replication r runs particle k(r), drawn (Walker alias over the weights) from
//! its own stream (seed, r, "posterior.particle"): the draw depends on the seed
//! and r only, never on the thread or rank that runs r, so a run is
//! bit-identical for any layout, and every arm of a comparison with common
//! random numbers runs replication r at the same particle (the pairing holds).
//! The model of a particle is the base scenario with the particle's values
//! written in, built on first use and cached; its replication r uses the
//! streams of (seed, r) as any run does.

#include "passage/run/model.hpp"
#include "passage/run/scenario.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace passage::engine {

//! /posterior and /parameters of a calibration file (kind = "calibration").
struct Posterior
{
  std::string file;
  std::string method;             //!< the calibration's method ("abc-smc", "history")
  std::vector<std::string> names; //!< per parameter
  std::vector<std::string> paths; //!< dotted scenario paths, per parameter
  std::size_t particles = 0;      //!< n
  std::vector<double> values;     //!< n x p, row-major
  std::vector<double> weights;    //!< n, summing to 1
  std::string hash;               //!< a digest of names, paths, values and weights (hex)

  std::size_t parameters() const noexcept { return paths.size(); }
  double value(std::size_t particle, std::size_t parameter) const
  {
    return values[particle * paths.size() + parameter];
  }
};

//! Read the posterior of a calibration file. UsageError naming the file (exit
//! 2) when it is missing, not HDF5, not a calibration, or its posterior is
//! malformed: shapes that disagree, a value that is not finite, a weight below
//! 0, or weights that do not sum to 1 (within 1e-6).
Posterior read_posterior(const std::string& path);

//! UsageError unless every posterior path names a value of the scenario
//! (with where the path breaks and a did-you-mean).
void check_posterior_paths(const Posterior& posterior, const Scenario& scenario);

//! The scenario with particle k's values written in.
Scenario particle_scenario(const Scenario& base, const Posterior& posterior, std::size_t k);

//! The metric that says which particle a replication ran.
inline constexpr const char* kParticleMetric = "posterior_particle";

//! The particle replication r draws under `seed` (see the file comment).
class ParticleDraw
{
public:
  explicit ParticleDraw(const std::vector<double>& weights);
  std::size_t operator()(std::uint64_t seed, std::uint64_t replication) const noexcept;

private:
  struct Table;
  std::shared_ptr<const Table> table_;
};

//! A model whose replication r is replication r of particle k(r)'s model.
//! Metrics, histograms, horizon and series are the base model's, with one more
//! plain metric, `posterior_particle` (k(r)), after the base's plain metrics; a
//! particle model that differs in them is refused (RuntimeError) when built.
class PosteriorModel final : public Model
{
public:
  //! Builds particle k's model; may throw (the message is passed on).
  using Builder = std::function<std::unique_ptr<Model>(std::size_t particle)>;

  PosteriorModel(std::unique_ptr<Model> base, Posterior posterior, Builder build);
  ~PosteriorModel() override;

  std::string kind() const override { return base_->kind(); }
  std::vector<MetricInfo> metrics() const override { return metrics_; }
  std::vector<HistogramInfo> histograms() const override { return base_->histograms(); }
  double horizon_days() const override { return base_->horizon_days(); }
  std::vector<double> series_edges() const override { return base_->series_edges(); }
  std::unique_ptr<Worker> make_worker(const WorkerOptions& options) const override;
  //! The base model's content, and /posterior: the particles drawn from.
  void write_results(h5::Group& root) const override;
  //! A comparison's arm: /arms/<arm>/posterior.
  void write_arm_results(h5::Group& arm) const override;

  const Posterior& posterior() const noexcept { return posterior_; }
  const ParticleDraw& draw() const noexcept { return draw_; }
  //! Particle k's model, built on first use (thread-safe).
  const Model& particle(std::size_t k) const;
  //! How many particle models have been built so far.
  std::size_t built() const;
  //! The index of `posterior_particle` among the metrics.
  std::size_t particle_column() const noexcept { return particle_column_; }

private:
  std::unique_ptr<Model> base_;
  std::vector<MetricInfo> metrics_;
  std::size_t particle_column_ = 0; //!< where posterior_particle sits among metrics_
  Posterior posterior_;
  ParticleDraw draw_;
  Builder build_;
  mutable std::mutex mutex_;
  mutable std::vector<std::shared_ptr<const Model>> models_;
};

} // namespace passage::engine
