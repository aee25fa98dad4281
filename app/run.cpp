#include "commands.hpp"
#include "format.hpp"
#include "passage/errors.hpp"
#include "passage/run/runner.hpp"
#include "progress.hpp"

#include <chrono>
#include <iostream>

namespace passage::app {

namespace {

struct RunArgs
{
  ScenarioArgs scenario;
  std::optional<std::uint64_t> replications;
  std::optional<std::uint64_t> seed;
  unsigned threads = 0;
  std::string out;
  bool quiet = false;
  bool force = false;
  std::uint64_t trace = 0;
  bool event_by_event = false;
};

void run_command(const RunArgs& a)
{
  auto scenario = load(a.scenario);
  if (a.replications) {
    scenario.replications = *a.replications;
  }
  if (a.seed) {
    scenario.seed = *a.seed;
  }
  const auto model = build(scenario);
  const std::string out = output_path(a.out, scenario.name);
  engine::ResultsWriter writer(out, a.force);

  engine::RunOptions opt;
  opt.seed = scenario.seed;
  opt.threads = a.threads;
  opt.stepping = a.event_by_event ? engine::Stepping::EventByEvent : engine::Stepping::Inline;
  opt.trace_entities = a.trace;
  engine::Runner runner(*model, opt);

  engine::RunManifest manifest;
  manifest.command = command_line();
  manifest.seed = scenario.seed;
  manifest.replications = scenario.replications;
  manifest.threads = runner.threads();
  manifest.stepping = a.event_by_event ? "event-by-event" : "inline";
  manifest.started = engine::utc_now();

  writer.begin(model->metrics());
  const auto t0 = std::chrono::steady_clock::now();
  {
    ProgressBar bar([&] { return runner.completed(); }, scenario.replications, "replications",
                    !a.quiet);
    runner.run(0, scenario.replications,
               [&](std::uint64_t first, std::uint64_t count, std::span<const double> rows) {
                 writer.append(first, count, rows);
               });
  }
  manifest.wall_seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  manifest.finished = engine::utc_now();
  writer.finish(scenario, *model, runner.totals(), manifest);

  if (!a.quiet) {
    std::cout << format_run_report(engine::read_run(out));
    std::cout << "wrote " << out << "\n";
  }
}

} // namespace

void add_run(CLI::App& app)
{
  auto a = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("run", "run a scenario's replications and write a results file");
  add_scenario_options(*cmd, a->scenario);
  cmd->add_option("-r,--replications", a->replications, "replications (default: the scenario's)");
  cmd->add_option("--seed", a->seed, "master seed (default: the scenario's)");
  cmd->add_option("-j,--threads", a->threads, "worker threads (default: all cores)");
  cmd->add_option("-o,--out", a->out, "results file (default: results/<scenario>.h5)");
  cmd->add_flag("-q,--quiet", a->quiet, "print nothing but errors");
  cmd->add_flag("--force", a->force, "overwrite an existing results file");
  cmd
    ->add_option("--trace", a->trace, "record every event of the first K migrants of replication 0")
    ->type_name("K");
  cmd->add_flag("--event-by-event", a->event_by_event,
                "send every step through the event calendar (slower; same results)");
  cmd->callback([a] { run_command(*a); });
}

} // namespace passage::app
