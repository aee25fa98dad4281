#pragma once
// `passage calibrate`: what its methods share (options, loading, the results
// file's frame), so that each method (ABC-SMC here; history matching) adds only
// its own groups. Layout: docs/calibration.md, "The results file".

#include "commands.hpp"
#include "passage/calib/observations.hpp"
#include "passage/io/hdf5.hpp"
#include "passage/sa/design.hpp"
#include "sa_common.hpp"

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace passage::app {

//! -r counts replications per point (particle or design point).
struct CalibrateArgs : DesignJobArgs
{
  std::string observations;
  std::string method = "abc";
  std::optional<std::uint64_t> particles;
  std::optional<std::uint64_t> generations;
  double alpha = 0.5;
  double final_tolerance = 0.0;
  double min_acceptance = 0.02;
  // --method history (engine/include/passage/calib/history.hpp)
  std::optional<std::uint64_t> points; //!< per wave
  std::optional<std::uint64_t> waves;
  double cutoff = 3.0;
  std::string implausibility = "max"; //!< or "second-max"
  bool emulator = false;
  double min_volume = 0.0;
  std::string sampler = "sobol"; //!< or "lhs"
};

//! A loaded scenario, its model, the design (the priors) and the observations,
//! all checked against each other.
struct CalibrateSetup : SaSetup
{
  engine::calib::Observations observations;
  std::uint64_t replications = 1;
};

//! Load and check everything (ConfigError / UsageError before anything runs).
CalibrateSetup calibrate_setup(const CalibrateArgs& args);

//! What a method tells the file's frame.
struct CalibrationRun
{
  std::string method; //!< "abc-smc", "history"
  std::uint64_t events = 0;
  double wall_seconds = 0.0;
  bool resumed = false;
  std::string stop_reason;
  std::uint64_t simulations = 0; //!< points run
};

//! Write the results file through a temporary name: the manifest and root
//! attributes (kind = "calibration", method, design and observations text),
//! /parameters, /targets, then whatever `fill` adds (/generations or /waves,
//! and /posterior: values, weights, outputs).
void write_calibration(const CalibrateSetup& s, const CalibrateArgs& a, const CalibrationRun& run,
                       const std::function<void(engine::h5::File&)>& fill);

//! `passage report` of a calibration file (text, --json or --csv).
std::string format_calibration_report(const std::string& path);
void report_calibration(const std::string& path, bool json, bool csv);

} // namespace passage::app
