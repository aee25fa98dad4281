#pragma once
//! The subcommands of `passage`. Each adds itself to the CLI11 app; `main`
//! catches errors once and maps them to exit codes.

#include "passage/io/paths.hpp"
#include "passage/io/results.hpp"
#include "passage/run/campaign.hpp"
#include "passage/run/model.hpp"
#include "passage/run/posterior.hpp"
#include "passage/run/scenario.hpp"

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace passage::app {

//! What identifies a scenario on the command line.
struct ScenarioArgs
{
  std::string config;
  std::vector<std::string> sets;
  std::vector<std::string> policies;
};

//! What every simulating command takes: replications, seed, threads, output.
struct JobArgs
{
  std::optional<std::uint64_t> replications;
  std::optional<std::uint64_t> seed;
  unsigned threads = 0;
  std::string out;
  bool quiet = false;
  bool force = false;
};
//! -r, --seed, -j, -o, -q, --force; `replications_help` and `default_out` say
//! what -r counts and where -o defaults to.
void add_job_options(CLI::App& cmd, JobArgs& args, const std::string& replications_help,
                     const std::string& default_out);

//! A check of an integer option on its text as typed: digits only, within
//! [lo, hi] (so "-1" and "" are refused, not read as 2^64 - 1 or the default).
CLI::Validator whole_number(std::uint64_t lo, std::uint64_t hi, const std::string& what);
//! A check of a file option: not empty, no name longer than the system allows.
CLI::Validator path_name();

//! Checkpoints and resumption: --checkpoint, --checkpoint-every, --resume.
struct CheckpointArgs
{
  std::string checkpoint;
  double checkpoint_every = 300.0;
  std::string resume;
};
//! `saved` says what a checkpoint holds ("completed work", "the points evaluated").
void add_checkpoint_options(CLI::App& cmd, CheckpointArgs& args, const std::string& saved);
//! --checkpoint-every, checked (UsageError unless > 0).
double checkpoint_every(const CheckpointArgs& args);

//! How a batch job runs: precision triggers, checkpoints, resumption.
struct BatchArgs
{
  std::vector<std::string> until;
  std::uint64_t max_replications = 100000;
  CheckpointArgs checkpoints;
};
//! `kind` is "run" or "compare": the targets --until takes differ.
void add_batch_options(CLI::App& cmd, BatchArgs& args, const std::string& kind);
engine::CampaignOptions campaign_options(const BatchArgs& args, const std::string& kind,
                                         std::uint64_t batch);
//! -r within [1, 10^12] (UsageError otherwise).
std::uint64_t check_replications(std::uint64_t r);

//! Rows per HDF5 chunk for a run of about `replications` rows: small runs get
//! small chunks (a chunk is compressed whole), large ones 4,096.
std::size_t chunk_rows(std::uint64_t replications, bool open_ended);

//! The command line that resumes this run from `checkpoint`.
std::string resume_command(const std::string& checkpoint);
//! Raised by SIGTERM, SIGINT and SIGHUP once install_signal_handlers() ran.
std::atomic<bool>& stop_flag();
//! For commands that checkpoint, once their inputs are read: a stop request then
//! saves the work done (exit 75). Other commands keep the default handling.
void install_signal_handlers();
//! Let install_signal_handlers() install them (the executable's main does; the
//! Python module does not, so that Python keeps its own).
void allow_signal_handlers();
//! Interrupted (exit 75) naming the checkpoint and the command that resumes it.
void check_interrupted(bool interrupted, std::uint64_t done, const std::string& what,
                       const std::string& checkpoint);
//! A job's checkpoint options (sa::EvaluationOptions, calib::AbcOptions,
//! calib::HistoryRunOptions) from the command line: a stop request (stop_flag())
//! saves to --checkpoint, else beside the results file `out`.
template<class Options>
void set_checkpoint_options(Options& o, const CheckpointArgs& args, const std::string& out)
{
  o.checkpoint = args.checkpoint;
  o.checkpoint_every = checkpoint_every(args);
  o.default_checkpoint = engine::default_checkpoint(out);
  o.resume = args.resume;
  o.stop = &stop_flag();
}
//! The files a job reads: the scenario, its policies and the posterior (an
//! output may not be one).
std::vector<engine::JobPath> input_paths(const ScenarioArgs& args,
                                         const std::string& posterior = {});

//! Add CONFIG, --set and --policy to a subcommand; `policy_help` replaces the
//! help of --policy ("applied in order") where a command reads it otherwise.
void add_scenario_options(CLI::App& cmd, ScenarioArgs& args, const std::string& policy_help = {});

//! Load a scenario with its overrides and overlays applied.
engine::Scenario load(const ScenarioArgs& args);
//! Build (and so fully validate) the scenario's model.
std::unique_ptr<engine::Model> build(const engine::Scenario& scenario);

//! --posterior FILE (run, compare): draw each replication's parameters from a
//! calibration's posterior.
void add_posterior_option(CLI::App& cmd, std::string& posterior);
//! The posterior named by --posterior, read and checked (nullopt without one).
std::optional<engine::Posterior> load_posterior(const std::string& file);
//! The scenario's model; under a posterior, one whose replication r runs the
//! scenario with the values of the particle r draws written in (UsageError when
//! a posterior path is not in the scenario or a particle's values are refused).
std::unique_ptr<engine::Model> build(const engine::Scenario& scenario,
                                     const std::optional<engine::Posterior>& posterior);

//! "results/<name>.h5" (creating results/ if needed) unless `out` is given.
std::string output_path(const std::string& out, const std::string& stem);

//! The whole command line, for the manifest.
std::string command_line();
void set_command_line(int argc, char** argv);

void add_run(CLI::App& app);
void add_report(CLI::App& app);
void add_validate(CLI::App& app);
void add_compare(CLI::App& app);
void add_sweep(CLI::App& app);
void add_sensitivity(CLI::App& app);
void add_calibrate(CLI::App& app);

//! The tables `run` prints and `report` shows for a run file.
std::string format_run_report(const engine::ResultsView& view);
//! The `report --series` tables: per series, one row per period.
std::string format_series_report(const engine::SeriesView& series);
//! The tables, JSON and CSV of a compare file.
std::string format_compare_report(const std::string& path, bool all);
std::string json_compare(const std::string& path);
std::string csv_compare(const std::string& path);

//! The tables `sweep` and `sensitivity` print and `report` shows for their files.
//! `all`: every parameter, not only the leading ones.
std::string format_sa_report(const std::string& path, bool all = false);
//! `passage report` of a sweep or sensitivity file (text, --json or --csv).
void report_sa(const std::string& path, bool json, bool csv, bool all);

} // namespace passage::app
