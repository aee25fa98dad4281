// passage compare: the baseline and each policy, replication by replication with
// common random numbers, and the paired differences with 95% intervals.
#include "commands.hpp"
#include "format.hpp"
#include "passage/errors.hpp"
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
  std::optional<std::uint64_t> replications;
  std::optional<std::uint64_t> seed;
  unsigned threads = 0;
  std::string out;
  bool quiet = false;
  bool force = false;
  std::string until;
  std::uint64_t max_replications = 100000;
  bool independent = false;
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
  std::unique_ptr<engine::Runner> runner;
  std::optional<engine::ReplicationColumns> columns;
  engine::h5::Group group;
  std::vector<double> watched; // the trigger metric, per replication
};

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
  const std::uint64_t seed = a.seed.value_or(base.seed);
  const std::uint64_t batch = a.replications.value_or(base.replications);
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
  std::optional<engine::Trigger> trigger;
  std::size_t watched = 0;
  if (!a.until.empty()) {
    trigger = engine::Trigger::parse(a.until);
    if (trigger->kind != engine::Trigger::Kind::DiffHalfWidth) {
      throw engine::UsageError("compare stops on the paired difference: use " + trigger->metric +
                               ":diff_halfwidth=X");
    }
    const auto it = std::find_if(metrics.begin(), metrics.end(),
                                 [&](const auto& m) { return m.name == trigger->metric; });
    if (it == metrics.end()) {
      throw engine::UsageError("no metric '" + trigger->metric + "' to stop on",
                               "see `passage report` of a run for the metric names");
    }
    watched = static_cast<std::size_t>(it - metrics.begin());
  }

  const std::string out_path = output_path(a.out, base.name + "-compare");
  engine::OutputFile out(out_path, a.force);
  auto arms_group = out.file().create_group("arms");
  for (std::size_t k = 0; k < arms.size(); ++k) {
    auto& arm = arms[k];
    arm.group = arms_group.create_group(arm.name);
    arm.group.set_attr("scenario", arm.scenario.resolved_text());
    arm.group.set_attr("overlay", arm.file);
    arm.columns.emplace(arm.group, metrics);
    engine::RunOptions opt;
    // Common random numbers: every arm runs replication i on the same streams.
    // --independent gives each policy arm its own seed, to measure what CRN buys.
    opt.seed = a.independent && k > 0 ? seed + 0x9e3779b97f4a7c15ULL * k : seed;
    opt.threads = a.threads;
    arm.runner = std::make_unique<engine::Runner>(*arm.model, opt);
  }

  engine::RunManifest manifest;
  manifest.command = command_line();
  manifest.seed = seed;
  manifest.threads = arms[0].runner->threads();
  manifest.started = engine::utc_now();
  const auto t0 = std::chrono::steady_clock::now();
  std::uint64_t done = 0;
  std::string stop_reason;
  {
    const std::uint64_t planned = trigger ? std::max(batch, a.max_replications) : batch;
    ProgressBar bar(
      [&] {
        std::uint64_t c = 0;
        for (const auto& arm : arms) {
          c += arm.runner->completed();
        }
        return c;
      },
      planned * arms.size(), "arm-replications", !a.quiet);
    for (;;) {
      const std::uint64_t n = trigger ? std::min(batch, a.max_replications - done) : batch;
      for (auto& arm : arms) {
        arm.runner->run(done, n,
                        [&](std::uint64_t, std::uint64_t count, std::span<const double> rows) {
                          arm.columns->append(rows);
                          for (std::uint64_t i = 0; i < count; ++i) {
                            arm.watched.push_back(rows[i * metrics.size() + watched]);
                          }
                        });
      }
      done += n;
      if (!trigger) {
        stop_reason = "replications: " + std::to_string(done);
        break;
      }
      double worst = 0.0;
      for (std::size_t k = 1; k < arms.size(); ++k) {
        worst = std::max(worst,
                         engine::stats::paired(arms[0].watched, arms[k].watched).diff.half_width());
      }
      if (done >= 2 && worst <= trigger->target) {
        stop_reason = "until " + trigger->text +
                      ": every paired difference's 95% half-width <= " + human(trigger->target) +
                      " after " + std::to_string(done) + " replications";
        break;
      }
      if (done >= a.max_replications) {
        stop_reason = "max-replications " + std::to_string(a.max_replications) +
                      " reached before " + trigger->text + " (widest half-width " + human(worst) +
                      ")";
        break;
      }
    }
  }
  manifest.replications = done;
  manifest.wall_seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  manifest.finished = engine::utc_now();
  manifest.stop_reason = stop_reason;

  // Per-arm summaries and histograms, then the paired comparisons.
  std::uint64_t events = 0;
  for (auto& arm : arms) {
    arm.columns->close();
    engine::write_summary(arm.group, metrics);
    const auto totals = arm.runner->totals();
    engine::write_histograms(arm.group, arm.model->histograms(), totals.histograms);
    arm.group.set_attr("events", totals.events);
    events += totals.events;
  }
  auto cmp = out.file().create_group("comparison");
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
        engine::stats::paired(base_reps.read<double>(m.name), reps.read<double>(m.name));
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
  engine::write_manifest(out.file(), base, *arms[0].model, events, manifest);
  out.file().set_attr("kind", "compare");
  std::string policies;
  for (std::size_t k = 1; k < arms.size(); ++k) {
    policies += (k > 1 ? "\n" : "") + arms[k].name;
  }
  out.file().set_attr("policies", policies);
  out.commit();

  if (!a.quiet) {
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
  add_scenario_options(*cmd, a->scenario);
  cmd->add_option("-r,--replications", a->replications,
                  "replications per arm (with --until: per batch; default: the scenario's)");
  cmd->add_option("--seed", a->seed, "master seed (default: the scenario's)");
  cmd->add_option("-j,--threads", a->threads, "worker threads (default: all cores)");
  cmd->add_option("-o,--out", a->out, "results file (default: results/<scenario>-compare.h5)");
  cmd->add_flag("-q,--quiet", a->quiet, "print nothing but errors");
  cmd->add_flag("--force", a->force, "overwrite an existing results file");
  cmd
    ->add_option("--until", a->until,
                 "add batches of replications until METRIC:diff_halfwidth=X holds for every policy")
    ->type_name("METRIC:diff_halfwidth=X");
  cmd->add_option("--max-replications", a->max_replications,
                  "with --until: stop here at the latest (default 100000)");
  cmd->add_flag(
    "--independent", a->independent,
    "give each policy its own random streams (to measure what common random numbers buy)");
  cmd->callback([a] { compare_command(*a); });
}

} // namespace passage::app
