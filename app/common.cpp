#include "commands.hpp"
#include "passage/config/changes.hpp"
#include "passage/config/reader.hpp"
#include "passage/errors.hpp"
#include "passage/run/trigger.hpp"
#include "registry.hpp"

#include <algorithm>
#include <csignal>
#include <signal.h>
#include <filesystem>
#include <limits>
#include <sstream>

namespace passage::app {

namespace {
// Per thread: the Python module runs commands on several threads at once.
thread_local std::string g_command_line;
constexpr std::uint64_t kMaxReplications = 1000000000000ULL;
} // namespace

void set_command_line(int argc, char** argv)
{
  g_command_line.clear();
  for (int i = 0; i < argc; ++i) {
    g_command_line += (i ? " " : "") + std::string(argv[i]);
  }
}

std::string command_line()
{
  return g_command_line;
}

void add_scenario_options(CLI::App& cmd, ScenarioArgs& args, const std::string& policy_help)
{
  cmd.add_option("config", args.config, "scenario file (YAML), e.g. configs/mali-2016.yaml")
    ->required();
  cmd
    .add_option("--set", args.sets,
                "override a scenario value: dotted.key=value (YAML syntax), repeatable")
    ->type_name("KEY=VALUE");
  cmd
    .add_option("--policy", args.policies,
                policy_help.empty()
                  ? "apply a policy overlay (YAML, e.g. configs/policies/anti_corruption.yaml); "
                    "repeatable, applied in order"
                  : policy_help)
    ->type_name("FILE");
}

engine::Scenario load(const ScenarioArgs& args)
{
  return engine::load_scenario(args.config, args.sets, args.policies);
}

std::unique_ptr<engine::Model> build(const engine::Scenario& scenario)
{
  return models::registry().create(scenario);
}

void add_posterior_option(CLI::App& cmd, std::string& posterior)
{
  cmd
    .add_option("--posterior", posterior,
                "draw each replication's parameters from the posterior of a calibration results "
                "file (passage calibrate); replication r's particle depends on the seed and r "
                "only, so compare's arms run r at the same particle (with common random "
                "numbers)")
    ->type_name("FILE")
    ->check(path_name());
}

std::optional<engine::Posterior> load_posterior(const std::string& file)
{
  if (file.empty()) {
    return std::nullopt;
  }
  return engine::read_posterior(file);
}

std::unique_ptr<engine::Model> build(const engine::Scenario& scenario,
                                     const std::optional<engine::Posterior>& posterior)
{
  if (!posterior) {
    return build(scenario);
  }
  engine::check_posterior_paths(*posterior, scenario);
  auto base = build(scenario);
  // The builder keeps its own copies: it runs on worker threads, on first use
  // of each particle, while the caller's scenario may have moved.
  auto builder = [scenario, post = *posterior](std::size_t k) -> std::unique_ptr<engine::Model> {
    try {
      return build(engine::particle_scenario(scenario, post, k));
    } catch (const engine::config::ConfigError& e) {
      std::string values;
      for (std::size_t j = 0; j < post.parameters(); ++j) {
        values +=
          (j ? ", " : "") + post.paths[j] + "=" + engine::config::number_text(post.value(k, j));
      }
      throw engine::UsageError("particle " + std::to_string(k) + " of the posterior " + post.file +
                                 " (" + values + ") makes an invalid scenario:\n" + e.what(),
                               "the posterior was fitted to another scenario?");
    }
  };
  return std::make_unique<engine::PosteriorModel>(std::move(base), *posterior, std::move(builder));
}

std::atomic<bool>& stop_flag()
{
  static std::atomic<bool> flag{ false };
  return flag;
}

namespace {
extern "C" void on_signal(int)
{
  // Every stop request is the same request: a second SIGTERM, or a SIGHUP
  // when the terminal goes, must not kill the job before it has saved its
  // checkpoint (SIGKILL still does).
  stop_flag().store(true);
}
} // namespace

namespace {
// Off unless the executable's main allows it: a Python process keeps its own
// handlers (Ctrl-C is KeyboardInterrupt there).
std::atomic<bool> g_signal_handlers_allowed{ false };
} // namespace

void allow_signal_handlers()
{
  g_signal_handlers_allowed.store(true);
}

void install_signal_handlers()
{
  if (!g_signal_handlers_allowed.load()) {
    return;
  }
  struct sigaction sa = {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (const int sig : { SIGTERM, SIGINT, SIGHUP }) {
    sigaction(sig, &sa, nullptr);
  }
  // A file-size limit (ulimit -f) should fail the write, not kill the process:
  // the error is then reported and no partial file is left.
  std::signal(SIGXFSZ, SIG_IGN);
}

std::vector<engine::JobPath> input_paths(const ScenarioArgs& args, const std::string& posterior)
{
  std::vector<engine::JobPath> paths = { { "the scenario", args.config } };
  for (const auto& p : args.policies) {
    paths.push_back({ "the policy '" + p + "'", p });
  }
  if (!posterior.empty()) {
    paths.push_back({ "the posterior", posterior });
  }
  return paths;
}

void check_interrupted(bool interrupted, std::uint64_t done, const std::string& what,
                       const std::string& checkpoint)
{
  if (interrupted) {
    throw engine::Interrupted("interrupted after " + std::to_string(done) + " " + what +
                              "; checkpoint written to " + checkpoint +
                              "\n  resume with: " + resume_command(checkpoint));
  }
}

CLI::Validator whole_number(std::uint64_t lo, std::uint64_t hi, const std::string& what)
{
  // Checked on the text as typed: CLI11 would read "-1" into an unsigned
  // integer as 2^64 - 1, and "" as the default.
  return CLI::Validator(
    [lo, hi, what](std::string& text) -> std::string {
      const auto v = engine::config::parse_unsigned(text);
      if (!v || *v < lo || *v > hi) {
        return "must be " + what + ", got '" + text + "'";
      }
      return {};
    },
    "", "whole number");
}

CLI::Validator path_name()
{
  return CLI::Validator(
    [](std::string& text) -> std::string {
      if (text.empty()) {
        return "must be a file name, got ''";
      }
      // Say so here rather than let HDF5 fail on the long name at the end of a run.
      for (const auto& part : std::filesystem::path(text)) {
        if (part.native().size() > 255) {
          return "has a name longer than 255 bytes: '" + part.native().substr(0, 40) + "...'";
        }
      }
      if (text.size() > 4000) {
        return "is longer than 4,000 bytes";
      }
      return {};
    },
    "", "path");
}

void add_job_options(CLI::App& cmd, JobArgs& a, const std::string& replications_help,
                     const std::string& default_out)
{
  cmd.add_option("-r,--replications", a.replications, replications_help)
    ->check(whole_number(1, kMaxReplications, "a whole number between 1 and 10^12"));
  cmd
    .add_option("--seed", a.seed,
                "master seed, a whole number in [0, 2^64 - 1] (default: the scenario's)")
    ->check(whole_number(0, std::numeric_limits<std::uint64_t>::max(),
                         "a whole number in [0, 2^64 - 1]"));
  cmd.add_option("-j,--threads", a.threads, "worker threads (per rank; default: all cores)")
    ->check(
      whole_number(0, 4096, "a whole number of threads in [0, 4096] (0: all cores)"));
  cmd.add_option("-o,--out", a.out, "results file (default: " + default_out + ")")
    ->check(path_name());
  cmd.add_flag("-q,--quiet", a.quiet, "print nothing but errors");
  cmd.add_flag("--force", a.force, "overwrite an existing results file");
}

void add_batch_options(CLI::App& cmd, BatchArgs& a, const std::string& kind)
{
  cmd
    .add_option(
      "--until", a.until,
      kind == "compare"
        ? "add batches of -r replications per arm until every policy's paired difference is "
          "precise enough: METRIC:diff_halfwidth=X (the 95% half-width of policy - baseline, in "
          "the metric's unit); repeatable (all must hold)"
        : "add batches of -r replications until a precision target holds: METRIC:rel_ci=0.01, "
          "METRIC:halfwidth=X, A/B:rel_ci=X (a pooled share, e.g. abducted/migrants), "
          "METRIC@q90:rel_ci=X; repeatable (all must hold)")
    ->type_name("TRIGGER");
  cmd
    .add_option("--max-replications", a.max_replications,
                "with --until: stop here at the latest (default 100000; at least -r)")
    ->check(whole_number(1, kMaxReplications, "a whole number between 1 and 10^12"));
  add_checkpoint_options(cmd, a.checkpoints, "completed work");
}

void add_checkpoint_options(CLI::App& cmd, CheckpointArgs& a, const std::string& saved)
{
  auto* checkpoint = cmd
                       .add_option("--checkpoint", a.checkpoint,
                                   "save " + saved + " to this file periodically and when stopped")
                       ->type_name("FILE")
                       ->check(path_name());
  cmd
    .add_option("--checkpoint-every", a.checkpoint_every,
                "seconds between checkpoints (default 300)")
    ->needs(checkpoint);
  cmd.add_option("--resume", a.resume, "finish the run saved in this checkpoint")
    ->type_name("FILE")
    ->check(path_name());
}

double checkpoint_every(const CheckpointArgs& a)
{
  if (!(a.checkpoint_every > 0.0)) {
    throw engine::UsageError("--checkpoint-every must be a number of seconds > 0");
  }
  return a.checkpoint_every;
}

engine::CampaignOptions campaign_options(const BatchArgs& a, const std::string& kind,
                                         std::uint64_t batch)
{
  engine::CampaignOptions o;
  o.kind = kind;
  o.batch = batch;
  for (const auto& u : a.until) {
    o.triggers.push_back(engine::Trigger::parse(u));
  }
  for (const auto& t : o.triggers) {
    if (kind == "run" && t.kind == engine::Trigger::Kind::DiffHalfWidth) {
      throw engine::UsageError("'" + t.text + "' is a target of passage compare",
                               "passage run stops on one scenario's precision: METRIC:rel_ci=X or "
                               "METRIC:halfwidth=X");
    }
  }
  if (!o.triggers.empty() && a.max_replications < batch) {
    throw engine::UsageError("--max-replications (" + std::to_string(a.max_replications) +
                               ") is below one batch of -r " + std::to_string(batch) +
                               " replications",
                             "give --max-replications at least -r");
  }
  o.max_replications = o.triggers.empty() ? 0 : a.max_replications;
  o.checkpoint = a.checkpoints.checkpoint;
  o.checkpoint_every = checkpoint_every(a.checkpoints);
  o.resume = a.checkpoints.resume;
  o.command = command_line();
  o.stop = &stop_flag();
  return o;
}

std::uint64_t check_replications(std::uint64_t r)
{
  if (r < 1 || r > kMaxReplications) {
    throw engine::UsageError("-r must be between 1 and 10^12 replications, got " +
                             std::to_string(r));
  }
  return r;
}

std::size_t chunk_rows(std::uint64_t replications, bool open_ended)
{
  // Chunks of 1,024 rows (8 KiB a metric) whatever the run's length: a chunk is
  // compressed whole and cached uncompressed while it fills, so memory stays
  // flat in the number of replications; a short run gets a chunk its size, a run
  // that stops on a trigger full-size chunks.
  return open_ended ? 1024
                    : static_cast<std::size_t>(std::clamp<std::uint64_t>(replications, 16, 1024));
}

std::string resume_command(const std::string& checkpoint)
{
  // The same command, with --resume pointing at the checkpoint.
  std::istringstream in(command_line());
  std::string word;
  std::string out;
  bool skip = false;
  while (in >> word) {
    if (skip) {
      skip = false;
      continue;
    }
    if (word == "--resume") {
      skip = true;
      continue;
    }
    if (word.rfind("--resume=", 0) == 0) {
      continue;
    }
    out += (out.empty() ? "" : " ") + word;
  }
  return out + " --resume " + checkpoint;
}

std::string output_path(const std::string& out, const std::string& stem)
{
  if (!out.empty()) {
    return out;
  }
  std::error_code ec;
  std::filesystem::create_directories("results", ec);
  return "results/" + stem + ".h5";
}

} // namespace passage::app
