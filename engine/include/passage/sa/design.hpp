#pragma once
//! Sensitivity designs: which scenario values to vary, how, and what to watch.
//!
//!     description: what this design is for
//!     assumptions: true              # every `assumption:` of the scenario, uniform on its
//!                                    # `range` (default: true when `parameters` is absent)
//!     exclude: [parameters.cash.sigma]
//!     parameters:                    # dotted scenario paths; override an assumption
//!       parameters.x1: {distribution: uniform, range: [-3.14159, 3.14159]}
//!       parameters.bandits.hazard_scale: {distribution: log_uniform}   # range: the scenario's
//!       parameters.mode: {distribution: choice, choices: [bus, truck]}
//!       parameters.speed: {distribution: normal, mean: 300, sd: 40, name: speed}
//!     outputs: [died, ransoms_paid]  # model metrics (default: all)
//!     replications: 4                # runs per design point (default 1)
//!     common_random_numbers: true    # replication r of every point shares its streams
//!     bootstrap: 1000                # resamples for the 95% intervals
//!     sobol: {samples: 512, second_order: false}
//!     morris: {trajectories: 10, levels: 4}
//!
//! A design is read once, checked against the scenario (every path must exist;
//! every problem is reported with the design's file:line:col), and is then a
//! plain struct. docs/sensitivity.md is the reference.

#include "passage/config/node.hpp"
#include "passage/run/model.hpp"
#include "passage/run/scenario.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace passage::engine::sa {

enum class Distribution
{
  Uniform,
  LogUniform,
  Normal,
  Choice
};

//! "uniform", "log_uniform", "normal", "choice"
const char* distribution_name(Distribution d) noexcept;

//! One varied input.
struct ParameterSpec
{
  std::string path; //!< dotted scenario path
  std::string name; //!< short label (default: the path less a leading "parameters.")
  Distribution distribution = Distribution::Uniform;
  double lo = 0.0; //!< uniform, log_uniform
  double hi = 1.0;
  double mean = 0.0; //!< normal
  double sd = 1.0;
  std::vector<config::Node> choices; //!< choice
  bool integer = false;              //!< whole numbers only
  config::Mark mark;                 //!< where it is declared (design, or scenario assumption)
  config::Mark design_mark;          //!< the design's line that asks for it; values
                                     //!< written into the scenario carry it
  bool from_scenario = false;        //!< taken from the scenario's assumptions

  //! The value at the u-quantile, u in (0, 1); for a choice, the index of the
  //! chosen value. Integer parameters are uniform on the whole numbers of
  //! [lo, hi] (uniform) or rounded (other distributions).
  double quantile(double u) const;
  //! The value at level u in [0, 1] of a grid of `levels` levels (grid sweeps,
  //! Morris): the quantile, except that an unbounded distribution maps level u
  //! to the centre of its cell so that the ends stay finite.
  double at_level(double u, unsigned levels) const;
  //! The node written into the scenario for value x.
  config::Node node(double x) const;
  //! A short description of the distribution, e.g. "uniform [0.1, 0.5]".
  std::string describe() const;
};

struct Design
{
  std::string file;
  std::string description;
  std::vector<ParameterSpec> parameters;
  std::vector<std::string> outputs;       //!< empty: every metric of the model
  std::vector<config::Mark> output_marks; //!< where each output is named
  std::uint64_t replications = 1;
  bool common_random_numbers = true;
  std::uint64_t bootstrap = 1000;
  std::uint64_t sobol_samples = 512;
  bool second_order = false;
  std::uint64_t morris_trajectories = 10;
  unsigned morris_levels = 4;
  //! Assumptions of the scenario left out because their value is not one number.
  std::vector<std::string> skipped;
  //! The design as read (YAML), stored in results files.
  std::string text;

  std::vector<std::string> names() const;
  std::vector<std::string> paths() const;
};

//! Read a design file and check it against the scenario; ConfigError with every
//! problem (file:line:col of the design) when it is wrong.
Design load_design(const std::string& path, const Scenario& scenario);
//! The same from a parsed tree (tests).
Design read_design(const config::Node& root, const std::string& file, const Scenario& scenario);

//! Every `assumption:` leaf of the scenario that holds one number and has a
//! `range:`, as a uniform parameter on that range. A value and range written as
//! whole numbers (no decimal point or exponent) make an integer parameter.
//! Non-numeric assumptions are listed in `skipped`.
std::vector<ParameterSpec> scenario_assumptions(const Scenario& scenario,
                                                std::vector<std::string>* skipped = nullptr);

//! Check the design's outputs against the model's metrics (ConfigError with a
//! did-you-mean at the design's line) and fill in every metric when none is given.
void resolve_outputs(Design& design, const std::vector<MetricInfo>& metrics);

//! Map unit-cube rows (points x parameters) to parameter values by quantiles.
std::vector<double> values_from_unit(const Design& design, std::span<const double> unit);
//! The same for grid and Morris levels (see ParameterSpec::at_level).
std::vector<double> values_from_levels(const Design& design, std::span<const double> unit,
                                       unsigned levels);

//! Write one point's values into a scenario tree.
void apply_point(config::Node& root, const Design& design, std::span<const double> values,
                 config::Diagnostics& d);

//! The standard normal quantile (Acklam's approximation with one Halley step;
//! relative error below 1e-15).
double normal_quantile(double p);

} // namespace passage::engine::sa
