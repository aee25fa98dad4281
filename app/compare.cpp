// passage compare: the baseline and each policy, replication by replication with
// common random numbers, and the paired differences with 95% intervals.
#include "commands.hpp"
#include "format.hpp"
#include "passage/errors.hpp"
#include "passage/run/cluster.hpp"
#include "passage/run/overlay.hpp"
#include "passage/run/runner.hpp"
#include "passage/run/trigger.hpp"
#include "progress.hpp"

#include <algorithm>
#include <chrono>
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
  std::optional<engine::ReplicationColumns> columns;
  engine::h5::Group group;
};

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
  const std::string out_path = output_path(a.job.out, base.name + "-compare");
  std::optional<engine::OutputFile> out;
  std::optional<engine::h5::Group> arms_group;
  std::vector<engine::ReplicationColumns*> columns(arms.size(), nullptr);
  if (cluster.root()) {
    out.emplace(out_path, a.job.force);
    arms_group = out->file().create_group("arms");
  }
  std::vector<engine::CampaignArm> campaign_arms;
  for (std::size_t k = 0; k < arms.size(); ++k) {
    auto& arm = arms[k];
    if (cluster.root()) {
      arm.group = arms_group->create_group(arm.name);
      arm.group.set_attr("scenario", arm.scenario.resolved_text());
      arm.group.set_attr("overlay", arm.file);
      arm.columns.emplace(arm.group, metrics, chunk_rows(batch, !a.batch.until.empty()));
      columns[k] = &*arm.columns;
    }
    engine::RunOptions opt;
    // Common random numbers: every arm runs replication i on the same streams.
    // --independent gives each policy arm its own seed, to measure what CRN buys.
    opt.seed = a.independent && k > 0 ? seed + 0x9e3779b97f4a7c15ULL * k : seed;
    opt.threads = a.job.threads;
    campaign_arms.push_back(engine::CampaignArm{ arm.name, arm.model.get(), &arm.scenario, opt });
  }
  engine::Campaign campaign(std::move(campaign_arms), campaign_options(a.batch, "compare", batch));

  engine::RunManifest manifest;
  manifest.command = command_line();
  manifest.seed = seed;
  manifest.threads = campaign.threads();
  manifest.ranks = cluster.size();
  manifest.started = engine::utc_now();
  const auto t0 = std::chrono::steady_clock::now();
  engine::CampaignResult result;
  {
    ProgressBar bar(
      [&] { return campaign.completed() * static_cast<std::uint64_t>(cluster.size()); },
      batch * arms.size(), "arm-replications", !a.job.quiet && cluster.root());
    result = campaign.run(columns, out_path + ".checkpoint.h5");
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
  const std::uint64_t done = result.replications;
  manifest.replications = done;
  manifest.resumed = result.resumed;
  manifest.wall_seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  manifest.finished = engine::utc_now();
  manifest.stop_reason = result.stop_reason;

  // Per-arm summaries and histograms, then the paired comparisons.
  std::uint64_t events = 0;
  for (auto& arm : arms) {
    arm.columns->close();
    engine::write_summary(arm.group, metrics);
    const auto& totals = result.totals[static_cast<std::size_t>(&arm - arms.data())];
    engine::write_histograms(arm.group, arm.model->histograms(), totals.histograms);
    arm.group.set_attr("events", totals.events);
    events += totals.events;
  }
  auto cmp = out->file().create_group("comparison");
  const auto base_reps = arms[0].group.open_group("replications");
  for (std::size_t k = 1; k < arms.size(); ++k) {
    auto g = cmp.create_group(arms[k].name);
    g.set_attr("overlay", arms[k].file);
    if (const auto* p = arms[k].scenario.root.find("policies")) {
      if (const auto* e = p->find(arms[k].name); e && e->find("title")) {
        g.set_attr("title", e->find("title")->text());
      }
    }
    const auto reps = arms[k].group.open_group("replications");
    std::vector<std::string> names;
    std::vector<std::string> units;
    std::vector<double> base_mean, arm_mean, diff, lo, hi, sd, ratio, vr;
    for (const auto& m : metrics) {
      const auto p =
        engine::paired_columns(base_reps.open_dataset(m.name), reps.open_dataset(m.name));
      names.push_back(m.name);
      units.push_back(m.unit);
      base_mean.push_back(p.base_mean);
      arm_mean.push_back(p.arm_mean);
      diff.push_back(p.diff.mean);
      sd.push_back(p.diff.sd);
      lo.push_back(p.diff.ci95_low);
      hi.push_back(p.diff.ci95_high);
      ratio.push_back(p.ratio_mean);
      vr.push_back(p.variance_reduction);
    }
    g.write_strings("metric", names);
    g.write_strings("unit", units);
    g.write<double>("base_mean", base_mean);
    g.write<double>("policy_mean", arm_mean);
    g.write<double>("diff_mean", diff);
    g.write<double>("diff_sd", sd);
    g.write<double>("diff_ci95_low", lo);
    g.write<double>("diff_ci95_high", hi);
    g.write<double>("ratio_mean", ratio);
    g.write<double>("variance_reduction", vr);
  }
  cmp.set_attr("description",
               "per policy and metric: paired differences policy - baseline over replications run "
               "with common random numbers (mean, sd, Student-t 95% interval), the ratio of means, "
               "and the variance reduction (Var(base) + Var(policy)) / Var(difference)");
  cmp.set_attr("common_random_numbers", static_cast<std::int64_t>(a.independent ? 0 : 1));
  engine::write_manifest(out->file(), base, *arms[0].model, events, manifest);
  out->file().set_attr("kind", "compare");
  std::string policies;
  for (std::size_t k = 1; k < arms.size(); ++k) {
    policies += (k > 1 ? "\n" : "") + arms[k].name;
  }
  out->file().set_attr("policies", policies);
  out->commit();
  remove_finished_checkpoints(a.batch.checkpoints);

  if (!a.job.quiet) {
    std::cout << format_compare_report(out_path, false);
    std::cout << "wrote " << out_path << "\n";
  }
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
  cmd->add_flag(
    "--independent", a->independent,
    "give each policy its own random streams (to measure what common random numbers buy)");
  cmd->callback([a] { compare_command(*a); });
}

} // namespace passage::app
