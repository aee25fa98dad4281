// passage run: a scenario's replications into one results file, on every core
// (and every rank under mpirun), with precision triggers and checkpoints.
#include "commands.hpp"
#include "format.hpp"
#include "passage/errors.hpp"
#include "passage/run/campaign.hpp"
#include "passage/run/cluster.hpp"
#include "passage/run/runner.hpp"
#include "progress.hpp"

#include <chrono>
#include <filesystem>
#include <iostream>

namespace passage::app {

namespace {

struct RunArgs
{
  ScenarioArgs scenario;
  JobArgs job;
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
  const auto model = build(scenario);
  const std::string out = output_path(a.job.out, scenario.name);
  std::optional<engine::OutputFile> file;
  std::optional<engine::ReplicationColumns> columns;
  if (cluster.root()) {
    file.emplace(out, a.job.force);
    columns.emplace(file->file(), model->metrics(),
                    chunk_rows(scenario.replications, !a.batch.until.empty()));
  }

  engine::RunOptions opt;
  opt.seed = scenario.seed;
  opt.threads = a.job.threads;
  opt.stepping = a.event_by_event ? engine::Stepping::EventByEvent : engine::Stepping::Inline;
  opt.trace_entities = a.trace;
  engine::Campaign campaign({ engine::CampaignArm{ "run", model.get(), &scenario, opt } },
                            campaign_options(a.batch, "run", scenario.replications));

  engine::RunManifest manifest;
  manifest.command = command_line();
  manifest.seed = scenario.seed;
  manifest.threads = campaign.threads();
  manifest.ranks = cluster.size();
  manifest.stepping = a.event_by_event ? "event-by-event" : "inline";
  manifest.started = engine::utc_now();
  const auto t0 = std::chrono::steady_clock::now();
  engine::CampaignResult result;
  {
    ProgressBar bar(
      [&] { return campaign.completed() * static_cast<std::uint64_t>(cluster.size()); },
      scenario.replications, "replications", !a.job.quiet && cluster.root());
    result = campaign.run({ columns ? &*columns : nullptr }, out + ".checkpoint.h5");
    bar.finish();
  }
  if (result.interrupted) {
    throw engine::Interrupted("interrupted after " + std::to_string(result.replications) +
                              " replications; checkpoint written to " + result.checkpoint +
                              "\n  resume with: " + resume_command(result.checkpoint));
  }
  if (!cluster.root()) {
    return;
  }
  manifest.replications = result.replications;
  manifest.resumed = result.resumed;
  manifest.stop_reason = result.stop_reason;
  manifest.wall_seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  manifest.finished = engine::utc_now();
  columns->close();
  // Time the run spent on HDF5: waiting for rows written behind the next block,
  // and the rest of the file.
  const auto w0 = std::chrono::steady_clock::now();
  engine::write_run_data(file->file(), *model, result.totals[0]);
  manifest.write_seconds =
    result.write_wait_seconds +
    std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
  manifest.write_behind_seconds = columns->seconds();
  engine::write_manifest(file->file(), scenario, *model, result.totals[0].events, manifest);
  file->file().set_attr("kind", "run");
  file->commit();
  remove_finished_checkpoints(a.batch.checkpoints);

  if (!a.job.quiet) {
    std::cout << format_run_report(engine::read_run(out));
    if (!a.batch.until.empty()) {
      std::cout << "stopped: " << result.stop_reason << "\n";
    }
    std::cout << "wrote " << out << "\n";
  }
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
  cmd->callback([a] { run_command(*a); });
}

} // namespace passage::app
