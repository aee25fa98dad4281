#pragma once
//! Files of sweeps and sensitivity analyses (layout: docs/sensitivity.md).
//!
//!     /                       attributes as a run file, with kind = "sweep" or
//!                             "sensitivity", method, points, failed, design
//!     /design/parameters      text[k]: short names
//!     /design/paths           text[k]: dotted scenario paths
//!     /design/distributions   text[k]
//!     /design/inputs          float64[points, k]: the values each point ran with
//!     /design/block, /row     (Sobol') the Saltelli block and base sample of a point
//!     /design/trajectory, /step, /moved   (Morris)
//!     /outputs/<name>         float64[points, replications]; NaN where a point failed
//!     /failed/point, /reason  the points that failed and why
//!     /indices/<output>/...   (sensitivity) per parameter: S1, S1_ci95_low, ...
//!                             or mu, mu_star, ...; noise and convergence as attributes
//!
//! Written under a temporary name and renamed when complete.

#include "passage/io/hdf5.hpp"
#include "passage/sa/design.hpp"
#include "passage/sa/evaluate.hpp"
#include "passage/sa/indices.hpp"

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace passage::engine::sa {

//! Create `path` through a temporary file: `fill` writes it, then it is closed
//! and renamed into place. On any exception the temporary file is removed and
//! nothing appears at `path`. check_output_path first (UsageError).
void write_atomically(const std::string& path, bool force,
                      const std::function<void(h5::File&)>& fill);

//! /design: names, paths, distributions, inputs.
h5::Group write_design(h5::Group& root, const Design& design, std::span<const double> values);
//! /outputs and /failed.
void write_evaluation(h5::Group& root, const Evaluation& e, const std::vector<MetricInfo>& metrics);
//! /indices/<output> for Sobol' or Morris.
void write_sobol(h5::Group& indices, const std::string& output, const Design& design,
                 const SobolIndices& s);
void write_morris(h5::Group& indices, const std::string& output, const Design& design,
                  const MorrisIndices& m);

// ---------------------------------------------------------------------------
// Reading

//! What `passage report` shows of a sweep or sensitivity file.
struct SaView
{
  struct Output
  {
    std::string name;
    std::string unit;
    // Over the point means of the points that ran.
    double mean = kNaN;
    double sd = kNaN;
    double min = kNaN;
    double max = kNaN;
    NoiseEstimate noise;
    // Sobol'
    std::vector<double> s1, s1_low, s1_high, st, st_low, st_high, s1_half, st_half;
    std::vector<double> s2, s2_low, s2_high; //!< k x k when second order
    double max_change_s1 = kNaN;
    double max_change_st = kNaN;
    std::uint64_t rows_used = 0;
    std::uint64_t rows_dropped = 0;
    // Morris
    std::vector<double> mu, mu_star, mu_star_low, mu_star_high, sigma, mu_star_half;
    double ee_noise_sd = kNaN;
    double max_change = kNaN;
    //! The convergence check as the analysis judged it (SobolIndices::stable,
    //! MorrisIndices::stable).
    bool stable = false;
  };

  std::string path;
  std::string kind;   //!< "sweep" or "sensitivity"
  std::string method; //!< grid, lhs, sobol, morris
  std::string model;
  std::string scenario_name;
  std::string design_file;
  std::uint64_t seed = 0;
  std::uint64_t replications = 0;
  std::uint64_t points = 0;
  std::uint64_t samples = 0; //!< sobol: base samples N; morris: trajectories r; sweeps: points
  std::uint64_t levels = 0;  //!< morris, grid
  bool common_random_numbers = true;
  double wall_seconds = 0.0;
  std::vector<std::string> parameters;
  std::vector<std::string> distributions;
  std::vector<std::pair<std::uint64_t, std::string>> failures;
  std::vector<Output> outputs;
};

//! The root attribute `kind` of a results file ("run" when absent).
std::string results_kind(const std::string& path);
SaView read_sa(const std::string& path);

} // namespace passage::engine::sa
