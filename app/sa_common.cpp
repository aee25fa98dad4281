#include "sa_common.hpp"

#include "format.hpp"
#include "passage/errors.hpp"
#include "passage/io/checkpoint.hpp"
#include "passage/run/cluster.hpp"
#include "passage/run/runner.hpp"
#include "passage/sa/output.hpp"
#include "progress.hpp"
#include "registry.hpp"

#include <chrono>
#include <iostream>
#include <limits>

namespace passage::app {

void add_sa_options(CLI::App& cmd, SaArgs& a, const std::vector<std::string>& methods,
                    const std::string& samples_help)
{
  add_scenario_options(cmd, a.scenario);
  cmd.add_option("--design", a.design, "design file (YAML), e.g. configs/sa/mali-2016.yaml")
    ->required();
  std::string names;
  for (const auto& m : methods) {
    names += (names.empty() ? "" : "|") + m;
  }
  cmd.add_option("--method", a.method, "sampling method: " + names)
    ->required()
    ->check(CLI::IsMember(methods));
  cmd.add_option("-n,--samples", a.samples, samples_help)
    ->type_name("N")
    ->check(whole_number(1, 100000000, "a whole number in [1, 10^8]"));
  add_job_options(cmd, a.job, "replications per design point (default: the design's)",
                  "results/" + default_stem(cmd.get_name(), "<scenario>", "<method>") + ".h5");
  add_checkpoint_options(cmd, a.checkpoints, "the points evaluated");
}

std::string default_stem(const std::string& kind, const std::string& scenario,
                         const std::string& method)
{
  // Sweeps and analyses of one method do not collide.
  return scenario + "-" + (kind == "sweep" ? "sweep-" : "") + method;
}

void load_design_job(const DesignJobArgs& a, SaSetup& s)
{
  s.started = engine::utc_now();
  s.scenario = load(a.scenario);
  if (a.job.seed) {
    s.scenario.seed = *a.job.seed;
  }
  s.model = build(s.scenario);
  s.design = engine::sa::load_design(a.design, s.scenario);
}

void check_design_job(const DesignJobArgs& a, const SaSetup& s, std::vector<engine::JobPath> inputs)
{
  auto paths = input_paths(a.scenario);
  paths.push_back({ "the design", a.design });
  paths.insert(paths.end(), inputs.begin(), inputs.end());
  engine::check_job_paths(s.out, a.checkpoints.checkpoint, a.checkpoints.resume, paths);
  engine::check_output_path(s.out, a.job.force);
  if (!a.job.quiet && !s.design.skipped.empty()) {
    std::cerr << "note: " << s.design.skipped.size()
              << " assumption(s) hold a list, not one number, and are not varied (first: "
              << s.design.skipped.front() << ")\n";
  }
}

engine::RunManifest design_job_manifest(const DesignJobArgs& a, const SaSetup& s,
                                        std::uint64_t replications, double wall_seconds,
                                        const std::string& stop_reason, bool resumed)
{
  engine::RunManifest m;
  m.command = command_line();
  m.seed = s.scenario.seed;
  m.replications = replications;
  m.threads = a.job.threads == 0 ? engine::hardware_threads() : a.job.threads;
  m.ranks = engine::Cluster::instance().size();
  m.started = s.started;
  m.finished = engine::utc_now();
  m.wall_seconds = wall_seconds;
  m.stop_reason = stop_reason;
  m.resumed = resumed;
  return m;
}

SaSetup sa_setup(const SaArgs& a, const std::string& kind)
{
  SaSetup s;
  load_design_job(a, s);
  engine::sa::resolve_outputs(s.design, s.model->metrics());
  if (a.job.replications) {
    s.design.replications = check_replications(*a.job.replications);
  }
  if (a.samples && *a.samples == 0) {
    throw engine::UsageError("-n must be at least 1");
  }
  s.out = output_path(a.job.out, default_stem(kind, s.scenario.name, a.method));
  check_design_job(a, s);
  return s;
}

engine::sa::Evaluation sa_evaluate(const SaSetup& s, const SaArgs& a,
                                   std::span<const double> values, double& wall_seconds)
{
  engine::sa::EvaluationOptions o;
  o.seed = s.scenario.seed;
  o.threads = a.job.threads;
  o.replications = s.design.replications;
  o.common_random_numbers = s.design.common_random_numbers;
  set_checkpoint_options(o, a.checkpoints, s.out);
  engine::sa::Evaluator ev(models::registry(), s.scenario, s.design, o);
  install_signal_handlers();
  const std::size_t k = s.design.parameters.size();
  const auto t0 = std::chrono::steady_clock::now();
  engine::sa::Evaluation e;
  {
    ProgressBar bar(
      [&] {
        return ev.completed() * static_cast<std::uint64_t>(engine::Cluster::instance().size());
      },
      values.size() / k, "points", !a.job.quiet && engine::Cluster::instance().root());
    e = ev.run(values);
  }
  wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  check_interrupted(e.interrupted, e.completed,
                    "of " + std::to_string(e.points) + " points", e.checkpoint);
  return e;
}

namespace {

// Say how many points failed (stderr), and fail (exit 1) when all did.
void check_failures(const engine::sa::Evaluation& e, bool quiet)
{
  const std::size_t failed = e.failed();
  if (failed == 0) {
    return;
  }
  std::string first;
  for (std::size_t p = 0; p < e.points && first.empty(); ++p) {
    if (!e.ok[p]) {
      first = "point " + std::to_string(p) + ": " + e.reasons[p];
    }
  }
  if (failed == e.points) {
    throw engine::RuntimeError("every design point failed (" + std::to_string(failed) +
                               "); the first: " + first);
  }
  if (!quiet) {
    std::cerr << "note: " << failed << " of " << e.points
              << " design points failed and are left out of the analysis; the first: " << first
              << "\n";
  }
}

} // namespace

void sa_write(const SaSetup& s, const SaArgs& a, const std::string& kind,
              std::span<const double> values, const engine::sa::Evaluation& e, double wall_seconds,
              std::uint64_t samples, std::uint64_t levels,
              const std::function<void(engine::h5::File&, engine::h5::Group&)>& extra)
{
  const auto m = design_job_manifest(a, s, e.replications, wall_seconds, "points", e.resumed);
  engine::sa::write_atomically(s.out, a.job.force, [&](engine::h5::File& f) {
    engine::write_manifest(f, s.scenario, *s.model, e.events, m);
    f.set_attr("kind", kind);
    f.set_attr("method", a.method);
    f.set_attr("points", static_cast<std::uint64_t>(e.points));
    f.set_attr("failed", static_cast<std::uint64_t>(e.failed()));
    f.set_attr("samples", samples);
    f.set_attr("levels", levels);
    f.set_attr("parameters", static_cast<std::uint64_t>(s.design.parameters.size()));
    f.set_attr("bootstrap", s.design.bootstrap);
    f.set_attr("common_random_numbers",
               static_cast<std::int64_t>(s.design.common_random_numbers ? 1 : 0));
    f.set_attr("design_file", a.design);
    f.set_attr("design", s.design.text);
    auto design = engine::sa::write_design(f, s.design, values);
    engine::sa::write_evaluation(f, e, s.model->metrics());
    if (extra) {
      extra(f, design);
    }
  });
  // The file is whole: the checkpoints this analysis wrote or resumed are spent.
  engine::remove_spent_checkpoints(a.checkpoints.checkpoint, e.checkpoint_written,
                                   a.checkpoints.resume);
  if (!a.job.quiet) {
    std::cout << format_sa_report(s.out) << "wrote " << s.out << "\n";
  }
  check_failures(e, a.job.quiet);
}

} // namespace passage::app
