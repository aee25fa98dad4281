#include "cli.hpp"

#include "commands.hpp"
#include "passage/io/results.hpp"

namespace passage::app {

std::unique_ptr<CLI::App> make_cli()
{
  auto cli = std::make_unique<CLI::App>(
    "passage: a discrete-event Monte Carlo engine for migrant journeys through Mali");
  cli->set_version_flag("--version", std::string("passage ") + engine::BuildInfo::version() +
                                       " (git " + engine::BuildInfo::git_revision() + ")");
  cli->require_subcommand(0, 1);
  add_run(*cli);
  add_report(*cli);
  add_validate(*cli);
  add_compare(*cli);
  add_sweep(*cli);
  add_sensitivity(*cli);
  add_calibrate(*cli);
  return cli;
}

void execute(const std::vector<std::string>& args)
{
  // CLI11 and the manifest take argc/argv; the strings outlive the call.
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  for (auto& s : copy) {
    argv.push_back(s.data());
  }
  argv.push_back(nullptr);
  const int argc = static_cast<int>(copy.size());
  set_command_line(argc, argv.data());
  const auto cli = make_cli();
  cli->parse(argc, argv.data());
}

} // namespace passage::app
