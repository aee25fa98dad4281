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
#include <set>
#include <string>
#include <vector>

namespace passage::app {

namespace {

struct CompareArgs
{
  ScenarioArgs scenario;
  JobArgs job;
  bool independent = false;
  std::string posterior;
  BatchArgs batch;
};

// The arms' policy files: a directory stands for each of its *.yaml (sorted),
// each its own arm; "a.yaml+b.yaml" is one arm with both policies applied.
std::vector<std::vector<std::string>> policy_arms(const std::vector<std::string>& given)
{
  std::vector<std::vector<std::string>> out;
  for (const auto& g : given) {
    if (g.find('+') != std::string::npos && !std::filesystem::exists(g)) {
      std::vector<std::string> files;
      std::size_t from = 0;
      while (from <= g.size()) {
        const auto plus = std::min(g.find('+', from), g.size());
        files.push_back(g.substr(from, plus - from));
        from = plus + 1;
      }
      for (const auto& f : files) {
        if (f.empty() || std::filesystem::is_directory(f)) {
          throw engine::UsageError("'" + g + "': a combined arm joins policy files with '+'",
                                   "e.g. --policy configs/policies/anti_corruption.yaml+"
                                   "configs/policies/border_control.yaml");
        }
      }
      out.push_back(std::move(files));
    } else if (std::filesystem::is_directory(g)) {
      std::vector<std::string> found;
      for (const auto& e : std::filesystem::directory_iterator(g)) {
        if (e.path().extension() == ".yaml" || e.path().extension() == ".yml") {
          found.push_back(e.path().string());
        }
      }
      std::sort(found.begin(), found.end());
      for (auto& f : found) {
        out.push_back({ std::move(f) });
      }
    } else {
      out.push_back({ g });
    }
  }
  return out;
}

// "policies.NAME...." assignments vary one policy's own parameters: they apply
// to the arms that run that policy; every other assignment to every arm.
std::string set_policy(const std::string& assignment)
{
  const std::string prefix = "policies.";
  if (assignment.rfind(prefix, 0) != 0) {
    return {};
  }
  const auto end = assignment.find_first_of(".=", prefix.size());
  return assignment.substr(prefix.size(),
                           end == std::string::npos ? std::string::npos : end - prefix.size());
}

std::vector<std::string> sets_for(const std::vector<std::string>& sets,
                                  const std::vector<std::string>& policies)
{
  std::vector<std::string> out;
  for (const auto& s : sets) {
    const std::string p = set_policy(s);
    if (p.empty() || std::find(policies.begin(), policies.end(), p) != policies.end()) {
      out.push_back(s);
    }
  }
  return out;
}

struct Arm
{
  std::string name;
  std::string file; // the overlays, joined by '+' ("" for the baseline)
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

//! What a policy arm's metrics add to and take from the baseline's (": it adds
//! a, b; it drops c"), or that they come in another order.
std::string outputs_changed(const std::vector<engine::MetricInfo>& base,
                            const std::vector<engine::MetricInfo>& arm)
{
  auto names = [](const std::vector<engine::MetricInfo>& v) {
    std::set<std::string> out;
    for (const auto& m : v) {
      out.insert(m.name);
    }
    return out;
  };
  const auto b = names(base);
  const auto a = names(arm);
  auto list = [](const std::vector<engine::MetricInfo>& v, const std::set<std::string>& not_in) {
    std::string out;
    std::size_t n = 0;
    for (const auto& m : v) {
      if (!not_in.count(m.name)) {
        out += (n++ ? ", " : "") + m.name;
      }
    }
    return out;
  };
  const std::string added = list(arm, b);
  const std::string dropped = list(base, a);
  std::string out;
  if (!added.empty()) {
    out += ": it adds " + added;
  }
  if (!dropped.empty()) {
    out += (out.empty() ? ": it drops " : "; it drops ") + dropped;
  }
  return out.empty() ? ": the same metrics in another order" : out;
}

void compare_command(const CompareArgs& a)
{
  const auto policy_sets = policy_arms(a.scenario.policies);
  if (policy_sets.empty()) {
    throw engine::UsageError("compare needs at least one --policy",
                             "e.g. --policy configs/policies/");
  }
  std::vector<std::vector<std::string>> names;
  std::vector<std::string> all_names;
  for (const auto& files : policy_sets) {
    names.emplace_back();
    for (const auto& f : files) {
      names.back().push_back(engine::overlay_name(f));
      all_names.push_back(names.back().back());
    }
  }
  for (const auto& s : a.scenario.sets) {
    const std::string p = set_policy(s);
    if (!p.empty() && std::find(all_names.begin(), all_names.end(), p) == all_names.end()) {
      const auto sug = engine::config::did_you_mean(p, all_names);
      throw engine::UsageError("--set " + s + ": no arm runs a policy '" + p + "'",
                               sug ? "did you mean '" + *sug + "'?"
                                   : "policies.NAME.X sets a parameter of a policy given with "
                                     "--policy");
    }
  }
  std::vector<Arm> arms;
  {
    Arm base;
    base.name = "baseline";
    base.scenario = engine::load_scenario(a.scenario.config, sets_for(a.scenario.sets, {}));
    arms.push_back(std::move(base));
  }
  for (std::size_t i = 0; i < policy_sets.size(); ++i) {
    Arm arm;
    for (std::size_t j = 0; j < policy_sets[i].size(); ++j) {
      arm.file += (j ? "+" : "") + policy_sets[i][j];
      arm.name += (j ? "+" : "") + names[i][j];
    }
    arm.scenario =
      engine::load_scenario(a.scenario.config, sets_for(a.scenario.sets, names[i]), policy_sets[i]);
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
  const auto posterior = load_posterior(a.posterior);
  for (auto& arm : arms) {
    arm.model = build(arm.scenario, posterior);
  }
  const auto metrics = arms[0].model->metrics();
  for (const auto& arm : arms) {
    const auto m = arm.model->metrics();
    if (m.size() != metrics.size() ||
        !std::equal(m.begin(), m.end(), metrics.begin(),
                    [](const auto& x, const auto& y) { return x.name == y.name; })) {
      throw engine::UsageError("policy '" + arm.name + "' changes the model's outputs" +
                                 outputs_changed(metrics, m),
                               "the arms are paired metric by metric: a policy may change "
                               "parameters and the network, not the list of origins, exits or "
                               "segments, nor add or take away a part that brings metrics of its "
                               "own (a line's fleet, a hub's replacement); give the baseline the "
                               "same part where it changes nothing (e.g. a fleet that never runs "
                               "short)");
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
                                        arms[k].file, title(arms[k]),
                                        posterior ? posterior->hash : "" });
  }
  spec.campaign = campaign_options(a.batch, "compare", batch);
  spec.out = output_path(a.job.out, base.name + "-compare");
  spec.force = a.job.force;
  spec.chunk_rows = chunk_rows(batch, !a.batch.until.empty());
  std::vector<std::string> all_files;
  for (const auto& files : policy_sets) {
    all_files.insert(all_files.end(), files.begin(), files.end());
  }
  spec.inputs = input_paths(ScenarioArgs{ a.scenario.config, {}, all_files }, a.posterior);
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
  add_scenario_options(
    *cmd, a->scenario,
    "a policy overlay (YAML), or a directory of them; each is its own arm, run against the "
    "baseline; FILE+FILE is one arm with both applied; repeatable");
  add_job_options(*cmd, a->job,
                  "replications per arm (with --until: per batch; default: the scenario's)",
                  "results/<scenario>-compare.h5");
  add_batch_options(*cmd, a->batch, "compare");
  add_posterior_option(*cmd, a->posterior);
  cmd->add_flag(
    "--independent", a->independent,
    "give each policy its own random streams (to measure what common random numbers buy)");
  cmd->callback([a] { compare_command(*a); });
}

} // namespace passage::app
