// passage calibrate: fit a design's parameters (its distributions are the
// priors) to observed figures. --method abc: ABC-SMC (engine/include/passage/calib/abc.hpp).
#include "calibrate.hpp"

#include "passage/calib/abc.hpp"
#include "passage/errors.hpp"
#include "passage/io/checkpoint.hpp"
#include "passage/run/cluster.hpp"
#include "passage/run/runner.hpp"
#include "passage/sa/output.hpp"
#include "progress.hpp"
#include "registry.hpp"

#include <chrono>
#include <cmath>
#include <iostream>

namespace passage::app {

namespace {

namespace calib = engine::calib;

std::string default_stem(const std::string& scenario, const std::string& method)
{
  return scenario + "-calibrate-" + method;
}

void write_parameters(engine::h5::Group& root, const engine::sa::Design& d)
{
  auto g = root.create_group("parameters");
  std::vector<std::string> dist;
  std::vector<double> lo;
  std::vector<double> hi;
  for (const auto& p : d.parameters) {
    dist.push_back(p.describe());
    // The prior's central 95%: what the posterior's interval is compared with.
    lo.push_back(calib::PriorTransform::value(p, p.distribution == engine::sa::Distribution::Normal
                                                   ? engine::sa::normal_quantile(0.025)
                                                   : 0.025));
    hi.push_back(calib::PriorTransform::value(p, p.distribution == engine::sa::Distribution::Normal
                                                   ? engine::sa::normal_quantile(0.975)
                                                   : 0.975));
  }
  g.write_strings("names", d.names());
  g.write_strings("paths", d.paths());
  g.write_strings("priors", dist);
  g.write<double>("prior_low95", lo);
  g.write<double>("prior_high95", hi);
}

void write_targets(engine::h5::Group& root, const calib::Observations& o)
{
  auto g = root.create_group("targets");
  std::vector<std::string> kinds;
  std::vector<std::string> columns;
  std::vector<std::string> sources;
  std::vector<std::string> errors;
  std::vector<double> dispersion;
  std::vector<double> sd;
  std::vector<double> coverage;
  std::vector<double> variance;
  for (const auto& t : o.targets) {
    kinds.push_back(calib::target_kind_name(t.kind));
    std::string c;
    for (const auto& col : t.columns) {
      c += (c.empty() ? "" : " ") + col;
    }
    columns.push_back(c);
    sources.push_back(t.source);
    errors.push_back(calib::error_model_name(t.error));
    dispersion.push_back(t.error == calib::ErrorModel::NegativeBinomial
                           ? t.dispersion
                           : std::numeric_limits<double>::quiet_NaN());
    sd.push_back(t.error == calib::ErrorModel::Normal ? t.sd
                                                      : std::numeric_limits<double>::quiet_NaN());
    coverage.push_back(t.coverage);
    variance.push_back(t.observation_variance());
  }
  g.write_strings("names", o.names());
  g.write<double>("observed", o.observed());
  g.write_strings("kinds", kinds);
  g.write_strings("columns", columns);
  g.write_strings("sources", sources);
  g.write_strings("error_models", errors);
  g.write<double>("dispersion", dispersion);
  g.write<double>("sd", sd);
  g.write<double>("coverage", coverage);
  g.write<double>("observation_variance", variance);
  // The same per target, as attributes of /targets/<name>.
  for (std::size_t i = 0; i < o.targets.size(); ++i) {
    const auto& t = o.targets[i];
    auto tg = g.create_group(t.name);
    tg.set_attr("kind", kinds[i]);
    tg.set_attr("columns", columns[i]);
    tg.set_attr("observed", t.value);
    tg.set_attr("source", t.source);
    tg.set_attr("error_model", errors[i]);
    tg.set_attr("error", t.describe_error());
    if (t.error == calib::ErrorModel::NegativeBinomial) {
      tg.set_attr("dispersion", t.dispersion);
    }
    if (t.error == calib::ErrorModel::Normal) {
      tg.set_attr("sd", t.sd);
    }
    tg.set_attr("coverage", t.coverage);
    tg.set_attr("observation_variance", t.observation_variance());
  }
}

void write_generation(engine::h5::Group& g, const calib::AbcGeneration& gen, std::size_t p,
                      std::size_t nt)
{
  const std::size_t n = gen.size();
  g.write_matrix<double>("values", gen.values, n, p);
  g.write<double>("weights", gen.weights);
  g.write<double>("distances", gen.distances);
  g.write_matrix<double>("outputs", gen.outputs, n, nt);
  g.set_attr("tolerance", gen.tolerance);
  g.set_attr("ess", gen.ess);
  g.set_attr("attempts", gen.attempts);
  g.set_attr("acceptance_rate", gen.acceptance_rate());
  g.set_attr("outside_support", gen.outside);
  g.set_attr("failed", gen.failed);
  if (!gen.first_failure.empty()) {
    g.set_attr("first_failure", gen.first_failure);
  }
}

void run_abc(const CalibrateArgs& a, CalibrateSetup& s)
{
  calib::AbcOptions o;
  o.particles = a.particles.value_or(200);
  o.generations = a.generations.value_or(6);
  o.alpha = a.alpha;
  o.final_tolerance = a.final_tolerance;
  o.min_acceptance = a.min_acceptance;
  o.seed = s.scenario.seed;
  o.threads = a.job.threads;
  o.replications = s.replications;
  o.checkpoint = a.checkpoints.checkpoint;
  o.checkpoint_every = checkpoint_every(a.checkpoints);
  o.default_checkpoint = s.out + ".checkpoint.h5";
  o.resume = a.checkpoints.resume;
  o.stop = &stop_flag();
  calib::AbcSmc smc(models::registry(), s.scenario, s.design, s.observations, o);
  install_signal_handlers();
  const auto t0 = std::chrono::steady_clock::now();
  calib::AbcResult r;
  {
    ProgressBar bar([&] { return smc.generation() * o.particles + smc.accepted(); },
                    o.particles * o.generations, "particles",
                    !a.job.quiet && engine::Cluster::instance().root());
    r = smc.run();
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  check_interrupted(r.interrupted, r.generations.size(),
                    "generations of " + std::to_string(o.generations) + " (and part of the next)",
                    r.checkpoint);
  if (!engine::Cluster::instance().root()) {
    return;
  }
  CalibrationRun run;
  run.method = "abc-smc";
  run.events = r.events;
  run.wall_seconds = wall;
  run.resumed = r.resumed;
  run.stop_reason = r.stop_reason;
  run.simulations = r.simulations;
  const std::size_t p = s.design.parameters.size();
  const std::size_t nt = s.observations.targets.size();
  write_calibration(s, a, run, [&](engine::h5::File& f) {
    f.set_attr("particles", static_cast<std::uint64_t>(o.particles));
    f.set_attr("max_generations", static_cast<std::uint64_t>(o.generations));
    f.set_attr("generations", static_cast<std::uint64_t>(r.generations.size()));
    f.set_attr("alpha", o.alpha);
    f.set_attr("final_tolerance", o.final_tolerance);
    f.set_attr("min_acceptance", o.min_acceptance);
    auto gens = f.create_group("generations");
    for (std::size_t g = 0; g < r.generations.size(); ++g) {
      auto gg = gens.create_group(std::to_string(g));
      write_generation(gg, r.generations[g], p, nt);
    }
    const auto& last = r.posterior();
    auto post = f.create_group("posterior");
    post.write_matrix<double>("values", last.values, last.size(), p);
    post.write<double>("weights", last.weights);
    post.write_matrix<double>("outputs", last.outputs, last.size(), nt);
    post.set_attr("generation", static_cast<std::uint64_t>(r.generations.size() - 1));
    post.set_attr("tolerance", last.tolerance);
    post.set_attr("ess", last.ess);
  });
  engine::remove_spent_checkpoints(a.checkpoints.checkpoint, r.checkpoint_written,
                                   a.checkpoints.resume);
  if (!a.job.quiet) {
    std::cout << format_calibration_report(s.out) << "wrote " << s.out << "\n";
  }
}

} // namespace

CalibrateSetup calibrate_setup(const CalibrateArgs& a)
{
  CalibrateSetup s;
  s.started = engine::utc_now();
  s.scenario = load(a.scenario);
  if (a.job.seed) {
    s.scenario.seed = *a.job.seed;
  }
  s.model = build(s.scenario);
  s.design = engine::sa::load_design(a.design, s.scenario);
  s.observations = calib::load_observations(a.observations, s.model->metrics());
  s.design.outputs = s.observations.columns();
  s.design.output_marks.assign(s.design.outputs.size(), engine::config::Mark{});
  s.replications =
    a.job.replications ? check_replications(*a.job.replications) : s.design.replications;
  s.out = output_path(a.job.out, default_stem(s.scenario.name, a.method));
  auto paths = input_paths(a.scenario);
  paths.push_back({ "the design", a.design });
  paths.push_back({ "the observations", a.observations });
  const std::string checkpoint =
    a.checkpoints.checkpoint.empty() ? s.out + ".checkpoint.h5" : a.checkpoints.checkpoint;
  for (const auto& p : paths) {
    engine::check_distinct({ { "the results file", s.out }, p });
    engine::check_distinct({ { "the checkpoint", checkpoint }, p });
  }
  engine::check_distinct({ { "the results file", s.out }, { "the checkpoint", checkpoint } });
  engine::check_distinct(
    { { "the results file", s.out }, { "the checkpoint resumed", a.checkpoints.resume } });
  engine::check_output_path(s.out, a.job.force);
  if (!a.job.quiet && !s.design.skipped.empty()) {
    std::cerr << "note: " << s.design.skipped.size()
              << " assumption(s) hold a list, not one number, and are not varied (first: "
              << s.design.skipped.front() << ")\n";
  }
  return s;
}

void write_calibration(const CalibrateSetup& s, const CalibrateArgs& a, const CalibrationRun& run,
                       const std::function<void(engine::h5::File&)>& fill)
{
  engine::RunManifest m;
  m.command = command_line();
  m.seed = s.scenario.seed;
  m.replications = s.replications;
  m.threads = a.job.threads == 0 ? engine::hardware_threads() : a.job.threads;
  m.ranks = engine::Cluster::instance().size();
  m.started = s.started;
  m.finished = engine::utc_now();
  m.wall_seconds = run.wall_seconds;
  m.stop_reason = run.stop_reason;
  m.resumed = run.resumed;
  engine::sa::write_atomically(s.out, a.job.force, [&](engine::h5::File& f) {
    engine::write_manifest(f, s.scenario, *s.model, run.events, m);
    f.set_attr("kind", "calibration");
    f.set_attr("method", run.method);
    f.set_attr("stop_reason", run.stop_reason);
    f.set_attr("simulations", run.simulations);
    f.set_attr("design_file", a.design);
    f.set_attr("design", s.design.text);
    f.set_attr("observations_file", a.observations);
    f.set_attr("observations", s.observations.text);
    f.set_attr("observations_description", s.observations.description);
    write_parameters(f, s.design);
    write_targets(f, s.observations);
    if (fill) {
      fill(f);
    }
  });
}

void add_calibrate(CLI::App& app)
{
  auto a = std::make_shared<CalibrateArgs>();
  auto* cmd = app.add_subcommand(
    "calibrate", "fit a design's parameters (its distributions: the priors) to observations");
  add_scenario_options(*cmd, a->scenario);
  cmd->add_option("--design", a->design, "design file (YAML): the parameters and their priors")
    ->required();
  cmd
    ->add_option("--observations", a->observations,
                 "observations file (YAML), e.g. configs/observations/mali-dtm-2016.yaml")
    ->required();
  cmd->add_option("--method", a->method, "abc (ABC-SMC, the default)")
    ->check(CLI::IsMember({ "abc" }));
  cmd->add_option("--particles", a->particles, "ABC-SMC particles per generation (default 200)")
    ->type_name("N")
    ->check(whole_number(2, 16777215, "a whole number in [2, 16777215]"));
  cmd
    ->add_option("--generations", a->generations,
                 "ABC-SMC generations at most, the prior's included (default 6)")
    ->type_name("G")
    ->check(whole_number(1, 256, "a whole number in [1, 256]"));
  cmd
    ->add_option("--alpha", a->alpha,
                 "ABC-SMC: each tolerance is this quantile of the last distances (default 0.5)")
    ->check(CLI::Range(0.0, 1.0));
  cmd
    ->add_option("--final-tolerance", a->final_tolerance,
                 "ABC-SMC: stop once the tolerance is at most this (default 0: never)")
    ->check(CLI::NonNegativeNumber);
  cmd
    ->add_option("--min-acceptance", a->min_acceptance,
                 "ABC-SMC: stop when a generation accepts fewer proposals (default 0.02)")
    ->check(CLI::Range(0.0, 1.0));
  add_job_options(*cmd, a->job, "replications per particle (default: the design's)",
                  "results/" + default_stem("<scenario>", "<method>") + ".h5");
  add_checkpoint_options(*cmd, a->checkpoints, "the calibration so far");
  cmd->callback([a] {
    auto s = calibrate_setup(*a);
    if (a->method == "abc") {
      run_abc(*a, s);
    }
  });
}

} // namespace passage::app
