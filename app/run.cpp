// passage run: a scenario's replications into one results file, on every core
// (and every rank under mpirun), with precision triggers and checkpoints.
#include "commands.hpp"
#include "format.hpp"
#include "passage/errors.hpp"
#include "passage/run/cluster.hpp"
#include "passage/run/job.hpp"
#include "progress.hpp"

#include <iostream>

namespace passage::app {

namespace {

struct RunArgs
{
  ScenarioArgs scenario;
  JobArgs job;
  std::string posterior;
  std::uint64_t trace = 0;
  bool event_by_event = false;
  BatchArgs batch;
};

void run_command(const RunArgs& a)
{
  auto& cluster = engine::Cluster::instance();
  auto scenario = load(a.scenario);
  if (a.job.replications) {
    scenario.replications = check_replications(*a.job.replications);
  }
  if (a.job.seed) {
    scenario.seed = *a.job.seed;
  }
  const auto posterior = load_posterior(a.posterior);
  const auto model = build(scenario, posterior);

  engine::JobSpec spec;
  spec.kind = "run";
  engine::RunOptions opt;
  opt.seed = scenario.seed;
  opt.threads = a.job.threads;
  opt.stepping = a.event_by_event ? engine::Stepping::EventByEvent : engine::Stepping::Inline;
  opt.trace_entities = a.trace;
  spec.arms.push_back(
    engine::JobArm{ "run", &scenario, model.get(), opt, "", "", posterior ? posterior->hash : "" });
  spec.campaign = campaign_options(a.batch, "run", scenario.replications);
  spec.out = output_path(a.job.out, scenario.name);
  spec.force = a.job.force;
  spec.chunk_rows = chunk_rows(scenario.replications, !a.batch.until.empty());
  spec.inputs = input_paths(a.scenario, a.posterior);
  spec.manifest.command = command_line();
  spec.manifest.seed = scenario.seed;
  spec.manifest.stepping = a.event_by_event ? "event-by-event" : "inline";
  engine::Job job(std::move(spec));
  install_signal_handlers();

  engine::JobResult result;
  {
    ProgressBar bar([&] { return job.completed() * static_cast<std::uint64_t>(cluster.size()); },
                    scenario.replications, "replications", !a.job.quiet && cluster.root());
    result = job.run();
    bar.finish();
  }
  check_interrupted(result.campaign.interrupted, result.campaign.replications, "replications",
                    result.campaign.checkpoint);
  if (!cluster.root() || a.job.quiet) {
    return;
  }
  std::cout << format_run_report(engine::read_run(result.path));
  if (!a.batch.until.empty()) {
    std::cout << "stopped: " << result.campaign.stop_reason << "\n";
  }
  std::cout << "wrote " << result.path << "\n";
}

} // namespace

void add_run(CLI::App& app)
{
  auto a = std::make_shared<RunArgs>();
  auto* cmd = app.add_subcommand("run", "run a scenario's replications and write a results file");
  add_scenario_options(*cmd, a->scenario);
  add_job_options(*cmd, a->job, "replications (with --until: per batch; default: the scenario's)",
                  "results/<scenario>.h5");
  cmd
    ->add_option("--trace", a->trace, "record every event of the first K migrants of replication 0")
    ->type_name("K")
    ->check(whole_number(0, std::numeric_limits<std::uint64_t>::max(), "a whole number >= 0"));
  cmd->add_flag("--event-by-event", a->event_by_event,
                "send every step through the event calendar (slower; same results)");
  add_batch_options(*cmd, a->batch, "run");
  add_posterior_option(*cmd, a->posterior);
  cmd->callback([a] { run_command(*a); });
}

} // namespace passage::app
