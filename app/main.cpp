// passage: the command line. Errors are caught here, once, and mapped to exit
// codes: 0 success, 2 bad input (file:line:col), 1 runtime failure.
#include "cli.hpp"
#include "commands.hpp"
#include "passage/config/node.hpp"
#include "passage/errors.hpp"
#include "passage/io/hdf5.hpp"
#include "passage/io/results.hpp"
#include "passage/run/campaign.hpp"
#include "passage/run/cluster.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

namespace {

constexpr const char* kIntro =
  "passage simulates irregular migrant journeys through Mali, segment by segment:\n"
  "roadblock tolls, the Gao smuggling hub, trucks north, armed-group checkpoints,\n"
  "convoy attacks and hostage-taking, as a discrete-event Monte Carlo with many\n"
  "replications and honest confidence intervals.\n"
  "\n"
  "Try first:\n"
  "  passage run configs/verification/mm1.yaml     # a quick verification run\n"
  "  passage report results/mm1.h5                 # its tables again\n"
  "\n"
  "Commands: run, compare, report, validate, sweep, sensitivity.\n"
  "'passage COMMAND --help' for each.\n";

} // namespace

namespace {

// A file HDF5 could not close (a full disk) stays open inside HDF5, and its exit
// handlers crash on it (HDF5 1.10): then leave without them.
int leave(int code)
{
  if (passage::engine::h5::close_failed()) {
    std::cout.flush();
    std::cerr.flush();
    std::_Exit(code);
  }
  return code;
}

// Every rank sees the same input errors; only rank 0 reports them.
int fail(int code, const std::string& message)
{
  auto& cluster = passage::engine::Cluster::instance();
  if (cluster.root()) {
    std::cerr << message << "\n";
  }
  cluster.finalize();
  return leave(code);
}

// A runtime failure on one rank must not leave the others waiting.
int crash(const std::string& message)
{
  auto& cluster = passage::engine::Cluster::instance();
  std::cerr << (cluster.size() > 1 ? "rank " + std::to_string(cluster.rank()) + ": " : "")
            << message << "\n";
  if (cluster.size() > 1) {
    cluster.abort(1);
  }
  cluster.finalize();
  return leave(1);
}

} // namespace

int main(int argc, char** argv)
{
  using namespace passage;
  auto& cluster = engine::Cluster::instance();
  cluster.init(&argc, &argv);
  app::set_command_line(argc, argv);
  app::allow_signal_handlers();
  // A file-size limit (ulimit -f) fails a write instead of killing the process,
  // from the first byte of any file (a results file is opened before a run starts).
  std::signal(SIGXFSZ, SIG_IGN);
  const auto cli_ptr = app::make_cli();
  auto& cli = *cli_ptr;

  if (argc == 1) {
    std::cout << kIntro;
    cluster.finalize();
    return 0;
  }
  // A first word that is no option must be a command: CLI11 would take
  // `passage calibrate --help` for the main help, and `passage runn` says only
  // that it has an extra argument.
  if (const std::string first = argv[1]; !first.empty() && first[0] != '-') {
    std::vector<std::string> names;
    for (const auto* sub : cli.get_subcommands({})) {
      names.push_back(sub->get_name());
    }
    if (std::find(names.begin(), names.end(), first) == names.end()) {
      const auto sug = engine::config::did_you_mean(first, names);
      std::string known;
      for (const auto& n : names) {
        known += (known.empty() ? "" : ", ") + n;
      }
      return fail(2, "error: unknown command '" + first +
                       "'\n  hint: " + (sug ? "did you mean '" + *sug + "'? " : std::string()) +
                       "commands: " + known);
    }
  }
  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    return fail(2, std::string("error: ") + e.what() +
                     "\n  hint: see 'passage --help' or 'passage COMMAND --help'");
  } catch (const engine::config::ConfigError& e) {
    return fail(2, e.what());
  } catch (const engine::UsageError& e) {
    return fail(2, std::string("error: ") + e.what() +
                     (e.hint().empty() ? "" : "\n  hint: " + e.hint()));
  } catch (const engine::Interrupted& e) {
    return fail(engine::kExitInterrupted, std::string("passage: ") + e.what());
  } catch (const engine::h5::IoError& e) {
    // After a failed write HDF5's own exit handlers can crash on the broken file
    // (HDF5 1.10): leave without them. The temporary file is already removed.
    std::string message = std::string("error: ") + e.what();
    if (message.find(".tmp-") != std::string::npos) {
      message +=
        "\n  hint: the results file was not written and nothing partial was left; check the "
        "free space and file-size limits of the output directory";
    }
    const int code = crash(message);
    std::cout.flush();
    std::cerr.flush();
    std::_Exit(code);
  } catch (const std::exception& e) {
    return crash(std::string("error: ") + e.what());
  }
  if (cli.get_subcommands().empty()) {
    std::cout << kIntro;
  }
  // What a command printed must have reached its reader: a full disk or a
  // closed pipe is a failure, not a truncated success.
  std::cout.flush();
  if (!std::cout || std::fflush(stdout) != 0 || std::ferror(stdout)) {
    const int err = errno;
    return crash(std::string("error: cannot write to standard output: ") + std::strerror(err));
  }
  cluster.finalize();
  return leave(0);
}
