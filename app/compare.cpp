// passage compare: the baseline and each policy, replication by replication with
// common random numbers, and the paired differences with 95% intervals.
#include "commands.hpp"
#include "format.hpp"
#include "passage/errors.hpp"
#include "passage/run/cluster.hpp"
#include "passage/run/job.hpp"
#include "passage/run/overlay.hpp"
#include "passage/run/trigger.hpp"
#include "progress.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>

namespace passage::app {

namespace {

struct CompareArgs
{
  ScenarioArgs scenario;
  JobArgs job;
  bool independent = false;
  BatchArgs batch;
};

// Policy files: directories expand to their *.yaml, sorted.
std::vector<std::string> policy_files(const std::vector<std::string>& given)
{
  std::vector<std::string> out;
  for (const auto& g : given) {
    if (std::filesystem::is_directory(g)) {
      std::vector<std::string> found;
      for (const auto& e : std::filesystem::directory_iterator(g)) {
        if (e.path().extension() == ".yaml" || e.path().extension() == ".yml") {
          found.push_back(e.path().string());
        }
      }
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else {
      out.push_back(g);
    }
  }
  return out;
}

struct Arm
{
  std::string name;
  std::string file; // the overlay ("" for the baseline)
  engine::Scenario scenario;
  std::unique_ptr<engine::Model> model;
};

// A policy's `title:`, if it gives one.
std::string title(const Arm& arm)
{
  if (const auto* p = arm.scenario.root.find("policies")) {
    if (const auto* e = p->find(arm.name); e && e->find("title")) {
      return e->find("title")->text();
    }
  }
  return {};
}

void compare_command(const CompareArgs& a)
{
  const auto files = policy_files(a.scenario.policies);
  if (files.empty()) {
    throw engine::UsageError("compare needs at least one --policy",
                             "e.g. --policy configs/policies/");
  }
  std::vector<Arm> arms;
  {
    Arm base;
    base.name = "baseline";
    base.scenario = engine::load_scenario(a.scenario.config, a.scenario.sets);
    arms.push_back(std::move(base));
  }
  for (const auto& f : files) {
    Arm arm;
    arm.file = f;
    arm.name = engine::overlay_name(f);
    arm.scenario = engine::load_scenario(a.scenario.config, a.scenario.sets, { f });
    for (const auto& other : arms) {
      if (other.name == arm.name) {
        throw engine::UsageError("two arms are called '" + arm.name + "'",
                                 "each policy file needs its own `policy:` name");
      }
    }
    arms.push_back(std::move(arm));
  }
  const engine::Scenario& base = arms[0].scenario;
  const std::uint64_t seed = a.job.seed.value_or(base.seed);
  const std::uint64_t batch = check_replications(a.job.replications.value_or(base.replications));
  for (auto& arm : arms) {
    arm.model = build(arm.scenario);
  }
  const auto metrics = arms[0].model->metrics();
  for (const auto& arm : arms) {
    const auto m = arm.model->metrics();
    if (m.size() != metrics.size() ||
        !std::equal(m.begin(), m.end(), metrics.begin(),
                    [](const auto& x, const auto& y) { return x.name == y.name; })) {
      throw engine::UsageError("policy '" + arm.name + "' changes the model's outputs",
                               "a policy may change parameters and the network, not the list of "
                               "origins, exits or segments");
    }
  }
  for (const auto& u : a.batch.until) {
    if (engine::Trigger::parse(u).kind != engine::Trigger::Kind::DiffHalfWidth) {
      throw engine::UsageError(
        "compare stops on the paired difference: use METRIC:diff_halfwidth=X",
        "'" + u + "' is a trigger for passage run");
    }
  }
  auto& cluster = engine::Cluster::instance();

  engine::JobSpec spec;
  spec.kind = "compare";
  for (std::size_t k = 0; k < arms.size(); ++k) {
    engine::RunOptions opt;
    // Common random numbers: every arm runs replication i on the same streams.
    // --independent gives each policy arm its own seed, to measure what CRN buys.
    opt.seed = a.independent && k > 0 ? seed + 0x9e3779b97f4a7c15ULL * k : seed;
    opt.threads = a.job.threads;
    spec.arms.push_back(engine::JobArm{ arms[k].name, &arms[k].scenario, arms[k].model.get(), opt,
                                        arms[k].file, title(arms[k]) });
  }
  spec.campaign = campaign_options(a.batch, "compare", batch);
  spec.out = output_path(a.job.out, base.name + "-compare");
  spec.force = a.job.force;
  spec.chunk_rows = chunk_rows(batch, !a.batch.until.empty());
  spec.inputs = input_paths(ScenarioArgs{ a.scenario.config, {}, files });
  spec.common_random_numbers = !a.independent;
  spec.manifest.command = command_line();
  spec.manifest.seed = seed;
  engine::Job job(std::move(spec));
  install_signal_handlers();

  engine::JobResult result;
  {
    ProgressBar bar([&] { return job.completed() * static_cast<std::uint64_t>(cluster.size()); },
                    batch * arms.size(), "arm-replications", !a.job.quiet && cluster.root());
    result = job.run();
    bar.finish();
  }
  check_interrupted(result.campaign.interrupted, result.campaign.replications, "replications",
                    result.campaign.checkpoint);
  if (!cluster.root() || a.job.quiet) {
    return;
  }
  std::cout << format_compare_report(result.path, false);
  std::cout << "wrote " << result.path << "\n";
}

} // namespace

void add_compare(CLI::App& app)
{
  auto a = std::make_shared<CompareArgs>();
  auto* cmd = app.add_subcommand(
    "compare", "run the baseline and each policy with common random numbers; paired differences");
  add_scenario_options(*cmd, a->scenario);
  add_job_options(*cmd, a->job,
                  "replications per arm (with --until: per batch; default: the scenario's)",
                  "results/<scenario>-compare.h5");
  add_batch_options(*cmd, a->batch);
  cmd->add_flag(
    "--independent", a->independent,
    "give each policy its own random streams (to measure what common random numbers buy)");
  cmd->callback([a] { compare_command(*a); });
}

} // namespace passage::app
