#pragma once
// `passage calibrate`: what its methods share (options, loading, the results
// file's frame), so that each method (ABC-SMC here; history matching) adds only
// its own groups. Layout: docs/calibration.md, "The results file".

#include "commands.hpp"
#include "passage/calib/observations.hpp"
#include "passage/io/hdf5.hpp"
#include "passage/sa/design.hpp"

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace passage::app {

struct CalibrateArgs
{
  ScenarioArgs scenario;
  std::string design;
  std::string observations;
  std::string method = "abc";
  JobArgs job; //!< -r counts replications per point (particle or design point)
  CheckpointArgs checkpoints;
  std::optional<std::uint64_t> particles;
  std::optional<std::uint64_t> generations;
  double alpha = 0.5;
  double final_tolerance = 0.0;
  double min_acceptance = 0.02;
};

//! A loaded scenario, its model, the design (the priors) and the observations,
//! all checked against each other.
struct CalibrateSetup
{
  engine::Scenario scenario;
  std::unique_ptr<engine::Model> model;
  engine::sa::Design design;
  engine::calib::Observations observations;
  std::string out;
  std::string started;
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
