#pragma once
//! The `passage` command line as a library: the executable (main.cpp) and the
//! Python module (python/src/core.cpp) run the same subcommands through it.

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

namespace passage::app {

//! The command line with every subcommand added.
std::unique_ptr<CLI::App> make_cli();

//! Parse `args` (args[0] is the program's name) and run the subcommand it
//! names. Throws what parsing and the subcommand throw: CLI::ParseError (and
//! CLI::Success for --help), config::ConfigError, UsageError, Interrupted,
//! h5::IoError, RuntimeError. Installs no signal handler and never exits.
//! Safe to call from several threads at once (each call has its own parser,
//! and the command line recorded for the manifest is per thread).
void execute(const std::vector<std::string>& args);

} // namespace passage::app
