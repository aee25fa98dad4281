#include "commands.hpp"
#include "passage/errors.hpp"
#include "registry.hpp"

#include <filesystem>

namespace passage::app {

namespace {
std::string g_command_line;
}

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

void add_scenario_options(CLI::App& cmd, ScenarioArgs& args)
{
  cmd.add_option("config", args.config, "scenario file (YAML), e.g. configs/mali-2016.yaml")
    ->required();
  cmd
    .add_option("--set", args.sets,
                "override a scenario value: dotted.key=value (YAML syntax), repeatable")
    ->type_name("KEY=VALUE");
  cmd
    .add_option("--policy", args.policies,
                "apply a policy overlay (YAML, e.g. configs/policies/anti_corruption.yaml); "
                "repeatable, applied in order")
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
