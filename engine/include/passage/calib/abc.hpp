#pragma once
//! Approximate Bayesian computation by sequential Monte Carlo (ABC-SMC, the
//! population Monte Carlo of Beaumont et al. 2009 with the adaptive tolerances
//! of Del Moral et al. 2012), the reference method of `passage calibrate`.
//!
//! Generation 0 draws N particles from the prior (the design's distributions).
//! Generation g > 0 draws each proposal from the weighted particles of g - 1,
//! perturbed by a Gaussian kernel with 2x their weighted covariance (Filippi et
//! al. 2013), and accepts it when its distance to the observations is at most
//! the tolerance: the weighted alpha-quantile of the distances of g - 1. The
//! accepted particle's weight is prior / sum_j w_j K(theta | theta_j). It stops
//! when the tolerance reaches the final tolerance, when a generation accepts
//! fewer than `min_acceptance` of its proposals, or after `generations`.
//!
//! The kernel works in each parameter's prior coordinate t (transform()):
//! uniform, log_uniform and choice parameters on [0, 1) with prior density 1,
//! normal ones standardised, t = (x - mean) / sd, with density phi(t); a draw
//! outside the support is redrawn (ancestor and perturbation: the weights need
//! no truncation constant) and counted.
//!
//! Distance: sqrt(sum_t (m_t - y_t)^2 / var_t), m_t the target's model value
//! (the mean over the point's R replications, x coverage), y_t the observed
//! value and var_t the error model's variance at y_t (Target::observation_variance).
//!
//! Determinism: proposal (generation g, particle i, attempt a) takes its draws
//! from the stream (seed, g, particle i, attempt a) and its model runs from the
//! replications key(g, i, a) + 0 .. R - 1, so each particle is the first of its
//! own attempts that is accepted, whichever batch evaluated it: the result is
//! bit-identical for any number of threads or ranks, and a resumed run equals
//! an uninterrupted one.

#include "passage/calib/observations.hpp"
#include "passage/run/model.hpp"
#include "passage/run/scenario.hpp"
#include "passage/sa/design.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace passage::engine::calib {

struct AbcOptions
{
  std::size_t particles = 200;
  std::size_t generations = 6; //!< at most, generation 0 (the prior) included
  double alpha = 0.5;          //!< the tolerance is this quantile of the last distances
  double final_tolerance = 0.0;
  double min_acceptance = 0.02;
  std::uint64_t seed = 1;
  unsigned threads = 0; //!< 0: all cores
  std::uint64_t replications = 1;
  std::string checkpoint; //!< "" = only on a stop request, to default_checkpoint
  std::string default_checkpoint;
  double checkpoint_every = 300.0; //!< seconds
  std::string resume;
  const std::atomic<bool>* stop = nullptr;
  std::function<void(const std::string&)> warn; //!< default: stderr
};

//! One population.
struct AbcGeneration
{
  double tolerance = std::numeric_limits<double>::infinity(); //!< generation 0: none
  std::vector<double> coords;    //!< n x p: each parameter's prior coordinate t
  std::vector<double> values;    //!< n x p: the parameter values
  std::vector<double> weights;   //!< n, sum 1
  std::vector<double> distances; //!< n
  std::vector<double> outputs;   //!< n x targets: the model values
  double ess = 0.0;
  std::uint64_t attempts = 0; //!< proposals until every particle was accepted
  std::uint64_t outside = 0;  //!< kernel draws outside the prior's support, redrawn
  std::uint64_t failed = 0;   //!< proposals the model rejected or could not run
  std::string first_failure;

  std::size_t size() const noexcept { return weights.size(); }
  double acceptance_rate() const noexcept
  {
    return attempts == 0 ? 0.0 : static_cast<double>(size()) / static_cast<double>(attempts);
  }
};

struct AbcResult
{
  std::vector<AbcGeneration> generations;
  //! "tolerance", "acceptance" (a generation below min_acceptance, or one
  //! abandoned after N / min_acceptance proposals), "generations".
  std::string stop_reason;
  std::uint64_t simulations = 0; //!< points run, those past a particle's acceptance included
  std::uint64_t events = 0;
  bool interrupted = false;
  bool resumed = false;
  bool checkpoint_written = false;
  std::string checkpoint;
  const AbcGeneration& posterior() const { return generations.back(); }
};

//! A parameter's prior coordinate t and back (see the header comment).
struct PriorTransform
{
  //! The value at coordinate t.
  static double value(const sa::ParameterSpec& s, double t);
  static bool in_support(const sa::ParameterSpec& s, double t);
  //! log prior density of t, up to a constant.
  static double log_density(const sa::ParameterSpec& s, double t);
};

//! sqrt(sum_t (model_t - observed_t)^2 / var_t); +inf when a model value is not finite.
double abc_distance(const Observations& obs, std::span<const double> model_values);
//! The q-quantile of x under weights w (the smallest x whose cumulative weight reaches q).
double weighted_quantile(std::span<const double> x, std::span<const double> w, double q);
//! (sum w)^2 / sum w^2.
double effective_sample_size(std::span<const double> w);

class AbcSmc
{
public:
  //! `design`'s outputs are replaced by the observations' columns.
  AbcSmc(const ModelRegistry& registry, const Scenario& base, const sa::Design& design,
         const Observations& obs, AbcOptions options);

  AbcResult run();

  //! Points run so far (for progress displays; any thread).
  std::uint64_t simulated() const noexcept { return simulated_.load(std::memory_order_relaxed); }
  //! Particles accepted in the generation under way, and its index.
  std::uint64_t accepted() const noexcept { return accepted_.load(std::memory_order_relaxed); }
  std::uint64_t generation() const noexcept { return generation_.load(std::memory_order_relaxed); }

private:
  struct State;
  void check_options() const;
  void propose(const State& st, std::size_t i, std::uint64_t a, double* coords,
               std::uint64_t& outside) const;
  void finish_generation(State& st) const;
  void write_checkpoint(const std::string& path, const State& st) const;
  void read_checkpoint(State& st) const;
  std::string job_identity() const;

  const ModelRegistry& registry_;
  const Scenario& base_;
  sa::Design design_;
  const Observations& obs_;
  AbcOptions options_;
  std::atomic<std::uint64_t> simulated_{ 0 };
  std::atomic<std::uint64_t> accepted_{ 0 };
  std::atomic<std::uint64_t> generation_{ 0 };
};

} // namespace passage::engine::calib
