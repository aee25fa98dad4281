#pragma once
// What `sweep` and `sensitivity` share: their options, loading the scenario and
// design, running the points with a progress bar, and the file's frame.

#include "commands.hpp"
#include "passage/io/results.hpp"
#include "passage/sa/design.hpp"
#include "passage/sa/evaluate.hpp"

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace passage::app {

//! What every job over a design's points (sweep, sensitivity, calibrate) is given.
struct DesignJobArgs
{
  ScenarioArgs scenario;
  std::string design;
  JobArgs job; //!< -r counts replications per design point
  CheckpointArgs checkpoints;
};

struct SaArgs : DesignJobArgs
{
  std::string method;
  std::optional<std::uint64_t> samples;
};

//! CONFIG, --set, --policy, --design, --method (one of `methods`), -n, the job's
//! options (-r, --seed, -j, -o, -q, --force) and the checkpoint options.
void add_sa_options(CLI::App& cmd, SaArgs& args, const std::vector<std::string>& methods,
                    const std::string& samples_help);

//! The default output's stem: SCENARIO-METHOD, SCENARIO-sweep-METHOD for sweeps.
std::string default_stem(const std::string& kind, const std::string& scenario,
                         const std::string& method);

//! A loaded scenario, its model and the design checked against both.
struct SaSetup
{
  engine::Scenario scenario;
  std::unique_ptr<engine::Model> model;
  engine::sa::Design design;
  std::string out;
  std::string started;
};

//! The start of every job over a design's points: the scenario loaded (with
//! --seed), its model built and the design read against it (ConfigError,
//! UsageError).
void load_design_job(const DesignJobArgs& args, SaSetup& s);
//! Then, once `s.out` is known: UsageError when the results file or the
//! checkpoint is one of the job's inputs (the scenario's files, the design and
//! `inputs`) or each other's, or the results path cannot be used; and a note
//! (unless -q) of the assumptions the design does not vary.
void check_design_job(const DesignJobArgs& args, const SaSetup& s,
                      std::vector<engine::JobPath> inputs = {});

//! The manifest of a job over a design's points that finishes now.
engine::RunManifest design_job_manifest(const DesignJobArgs& args, const SaSetup& s,
                                        std::uint64_t replications, double wall_seconds,
                                        const std::string& stop_reason, bool resumed);

//! Load and check everything (ConfigError / UsageError before anything runs).
SaSetup sa_setup(const SaArgs& args, const std::string& kind);

//! Run the points with a progress bar; prints nothing else.
engine::sa::Evaluation sa_evaluate(const SaSetup& s, const SaArgs& args,
                                   std::span<const double> values, double& wall_seconds);

//! Write the file: manifest and root attributes, /design, /outputs, /failed,
//! then whatever `extra` adds; temporary file + rename. Then print its report
//! (unless -q), say how many points failed (stderr), and fail (exit 1) when all did.
void sa_write(const SaSetup& s, const SaArgs& args, const std::string& kind,
              std::span<const double> values, const engine::sa::Evaluation& e, double wall_seconds,
              std::uint64_t samples, std::uint64_t levels,
              const std::function<void(engine::h5::File&, engine::h5::Group& design)>& extra);

} // namespace passage::app
