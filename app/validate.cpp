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
    const auto metrics = model->metrics();
    const auto edges = model->series_edges();
    const auto series = engine::series_of(metrics, edges);
    std::cout << scenario.file << ": OK: scenario '" << scenario.name << "', model "
              << model->kind() << ", " << engine::plain_metrics(metrics).size() << " metrics, "
              << (series.empty() ? ""
                                 : std::to_string(series.size()) + " series of " +
                                     std::to_string(edges.size() - 1) + " periods, ")
              << "seed " << scenario.seed << ", "
              << human_int(static_cast<std::int64_t>(scenario.replications)) << " replications\n";
  });
}

} // namespace passage::app
