#include "commands.hpp"
#include "format.hpp"

#include <iostream>

namespace passage::app {

void add_validate(CLI::App& app)
{
  auto args = std::make_shared<ScenarioArgs>();
  auto* cmd = app.add_subcommand("validate", "check a scenario (and overlays) without running it");
  add_scenario_options(*cmd, *args);
  cmd->callback([args] {
    const auto scenario = load(*args);
    const auto model = build(scenario);
    std::cout << scenario.file << ": OK: scenario '" << scenario.name << "', model "
              << model->kind() << ", " << model->metrics().size() << " metrics, seed "
              << scenario.seed << ", "
              << human_int(static_cast<std::int64_t>(scenario.replications)) << " replications\n";
  });
}

} // namespace passage::app
