// passage: the command line. Errors are caught here, once, and mapped to exit
// codes: 0 success, 2 bad input (file:line:col), 1 runtime failure.
#include "commands.hpp"
#include "passage/config/node.hpp"
#include "passage/errors.hpp"
#include "passage/io/hdf5.hpp"
#include "passage/io/results.hpp"

#include <CLI/CLI.hpp>
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
  "Commands: run, report, validate, sweep, sensitivity. 'passage COMMAND --help' for each.\n";

} // namespace

int main(int argc, char** argv)
{
  using namespace passage;
  app::set_command_line(argc, argv);
  CLI::App cli{ "passage: a discrete-event Monte Carlo engine for migrant journeys through Mali" };
  cli.set_version_flag("--version", std::string("passage ") + engine::BuildInfo::version() +
                                      " (git " + engine::BuildInfo::git_revision() + ")");
  cli.require_subcommand(0, 1);
  app::add_run(cli);
  app::add_report(cli);
  app::add_validate(cli);
  app::add_sweep(cli);
  app::add_sensitivity(cli);

  if (argc == 1) {
    std::cout << kIntro;
    return 0;
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
    std::cerr << "error: " << e.what()
              << "\n  hint: see 'passage --help' or 'passage COMMAND --help'\n";
    return 2;
  } catch (const engine::config::ConfigError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const engine::UsageError& e) {
    std::cerr << "error: " << e.what() << "\n";
    if (!e.hint().empty()) {
      std::cerr << "  hint: " << e.hint() << "\n";
    }
    return 2;
  } catch (const engine::h5::IoError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  if (cli.get_subcommands().empty()) {
    std::cout << kIntro;
  }
  return 0;
}
