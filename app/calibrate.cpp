// passage calibrate: fit a design's parameters (its distributions are the
// priors) to observed figures. --method abc: ABC-SMC (engine/include/passage/calib/abc.hpp);
// --method history: history matching (engine/include/passage/calib/history.hpp).
#include "calibrate.hpp"

#include "passage/calib/abc.hpp"
#include "passage/calib/history.hpp"
#include "passage/errors.hpp"
#include "passage/io/checkpoint.hpp"
#include "passage/run/cluster.hpp"
#include "passage/run/runner.hpp"
#include "passage/sa/output.hpp"
#include "progress.hpp"
#include "registry.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
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
  set_checkpoint_options(o, a.checkpoints, s.out);
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

void write_wave(engine::h5::Group& g, const calib::Wave& w, const std::vector<double>& values,
                std::size_t p, std::size_t nt)
{
  const std::size_t n = w.points();
  g.write_matrix<double>("values", values, n, p);
  g.write<double>("implausibility", w.implausibility);
  g.write_matrix<double>("target_implausibility", w.target_implausibility, n, nt);
  g.write_matrix<double>("outputs", w.moments.mean, n, nt);
  g.write_matrix<double>("output_variance", w.moments.variance, n, nt);
  std::vector<std::uint8_t> ok = w.moments.ok;
  ok.resize(n, 1);
  g.write<std::uint8_t>("ok", ok);
  g.write<double>("box_low", w.box_lo);
  g.write<double>("box_high", w.box_hi);
  g.set_attr("cutoff", w.cutoff);
  g.set_attr("ess", static_cast<double>(w.nonimplausible()));
  g.set_attr("nonimplausible", static_cast<std::uint64_t>(w.nonimplausible()));
  g.set_attr("candidates", static_cast<std::uint64_t>(w.candidates));
  g.set_attr("passed", static_cast<std::uint64_t>(w.passed));
  g.set_attr("region_volume", w.region_volume);
  g.set_attr("region_volume_se", w.region_volume_se);
  g.set_attr("volume", w.volume);
  g.set_attr("volume_se", w.volume_se);
}

void run_history(const CalibrateArgs& a, CalibrateSetup& s)
{
  calib::HistoryRunOptions o;
  o.match.points = a.points.value_or(200);
  o.match.waves = a.waves.value_or(4);
  o.match.cutoff = a.cutoff;
  o.match.nth = a.implausibility == "second-max" ? 2 : 1;
  o.match.min_volume = a.min_volume;
  o.match.sampler =
    a.sampler == "lhs" ? calib::DesignSampler::LatinHypercube : calib::DesignSampler::Sobol;
  o.match.classifier =
    a.emulator ? calib::Classifier::Emulator : calib::Classifier::NearestNeighbours;
  o.match.seed = s.scenario.seed;
  o.threads = a.job.threads;
  o.replications = s.replications;
  set_checkpoint_options(o, a.checkpoints, s.out);
  calib::HistoryMatching hm(models::registry(), s.scenario, s.design, s.observations, o);
  install_signal_handlers();
  const auto t0 = std::chrono::steady_clock::now();
  calib::HistoryRun r;
  {
    ProgressBar bar([&] { return hm.simulated(); }, o.match.points * o.match.waves, "points",
                    !a.job.quiet && engine::Cluster::instance().root());
    r = hm.run();
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  check_interrupted(r.interrupted, r.result.waves.size(),
                    "waves of " + std::to_string(o.match.waves) + " (and part of the next)",
                    r.checkpoint);
  if (!engine::Cluster::instance().root()) {
    return;
  }
  CalibrationRun run;
  run.method = "history";
  run.events = r.events;
  run.wall_seconds = wall;
  run.resumed = r.resumed;
  run.stop_reason = calib::stop_reason_name(r.result.stop);
  run.simulations = r.simulations;
  const std::size_t p = s.design.parameters.size();
  const std::size_t nt = s.observations.targets.size();
  const auto& waves = r.result.waves;
  write_calibration(s, a, run, [&](engine::h5::File& f) {
    f.set_attr("points", static_cast<std::uint64_t>(o.match.points));
    f.set_attr("max_waves", static_cast<std::uint64_t>(o.match.waves));
    f.set_attr("waves", static_cast<std::uint64_t>(waves.size()));
    f.set_attr("cutoff", o.match.cutoff);
    f.set_attr("implausibility", a.implausibility);
    f.set_attr("classifier", a.emulator ? "emulator" : "neighbours");
    f.set_attr("sampler", a.sampler);
    f.set_attr("min_volume", o.match.min_volume);
    f.set_attr("stop_message", r.result.stop_message);
    f.set_attr("failed_points", r.failed);
    if (!r.first_failure.empty()) {
      f.set_attr("first_failure", r.first_failure);
    }
    auto wg = f.create_group("waves");
    for (std::size_t k = 0; k < waves.size(); ++k) {
      auto g = wg.create_group(std::to_string(k));
      write_wave(g, waves[k], r.values[k], p, nt);
    }
    // The last wave's non-implausible points, with equal weights.
    std::vector<double> values;
    std::vector<double> outputs;
    std::vector<double> imp;
    if (!waves.empty()) {
      const auto& w = waves.back();
      for (std::size_t i = 0; i < w.points(); ++i) {
        if (w.is_nonimplausible(i)) {
          values.insert(values.end(), &r.values.back()[i * p], &r.values.back()[i * p] + p);
          outputs.insert(outputs.end(), &w.moments.mean[i * nt], &w.moments.mean[i * nt] + nt);
          imp.push_back(w.implausibility[i]);
        }
      }
    }
    const std::size_t k = imp.size();
    auto post = f.create_group("posterior");
    post.write_matrix<double>("values", values, k, p);
    post.write<double>("weights",
                       std::vector<double>(k, k > 0 ? 1.0 / static_cast<double>(k) : 0.0));
    post.write_matrix<double>("outputs", outputs, k, nt);
    post.write<double>("implausibility", imp);
    post.set_attr("wave", static_cast<std::uint64_t>(waves.empty() ? 0 : waves.size() - 1));
    post.set_attr("cutoff", o.match.cutoff);
    post.set_attr("ess", static_cast<double>(k));
    post.set_attr("volume", waves.empty() ? 0.0 : waves.back().volume);
    post.set_attr("volume_se", waves.empty() ? 0.0 : waves.back().volume_se);
  });
  engine::remove_spent_checkpoints(a.checkpoints.checkpoint, r.checkpoint_written,
                                   a.checkpoints.resume);
  if (!a.job.quiet) {
    std::cout << format_calibration_report(s.out);
    for (const auto& w : waves) {
      char line[200];
      std::snprintf(line, sizeof line,
                    "wave %zu: %zu of %zu points non-implausible; sampled %.4g of the prior, "
                    "non-implausible volume %.4g +- %.2g\n",
                    w.index, w.nonimplausible(), w.points(), w.region_volume, w.volume,
                    w.volume_se);
      std::cout << line;
    }
    std::cout << r.result.stop_message << "\nwrote " << s.out << "\n";
  }
  if (r.result.stop == calib::StopReason::Empty) {
    throw engine::RuntimeError(r.result.stop_message + "; " + s.out +
                               " holds the waves and an empty posterior");
  }
}

// Options of the other method, given with this one, are refused rather than ignored.
void check_method_options(const CLI::App& cmd, const std::string& method)
{
  static const char* const kAbc[] = { "--particles", "--generations", "--alpha",
                                      "--final-tolerance", "--min-acceptance" };
  static const char* const kHistory[] = { "--points",         "--waves",    "--cutoff",
                                          "--implausibility", "--emulator", "--min-volume",
                                          "--sampler" };
  auto refuse = [&](const auto& names, const char* other) {
    for (const char* n : names) {
      if (cmd.count(n) > 0) {
        throw engine::UsageError(std::string(n) + " is an option of --method " + other +
                                 ", not of --method " + method);
      }
    }
  };
  if (method == "history") {
    refuse(kAbc, "abc");
  } else {
    refuse(kHistory, "history");
  }
}

} // namespace

CalibrateSetup calibrate_setup(const CalibrateArgs& a)
{
  CalibrateSetup s;
  load_design_job(a, s);
  s.observations = calib::load_observations(a.observations, s.model->metrics());
  s.design.outputs = s.observations.columns();
  s.design.output_marks.assign(s.design.outputs.size(), engine::config::Mark{});
  s.replications =
    a.job.replications ? check_replications(*a.job.replications) : s.design.replications;
  s.out = output_path(a.job.out, default_stem(s.scenario.name, a.method));
  check_design_job(a, s, { { "the observations", a.observations } });
  return s;
}

void write_calibration(const CalibrateSetup& s, const CalibrateArgs& a, const CalibrationRun& run,
                       const std::function<void(engine::h5::File&)>& fill)
{
  const auto m =
    design_job_manifest(a, s, s.replications, run.wall_seconds, run.stop_reason, run.resumed);
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
  cmd->add_option("--method", a->method, "abc (ABC-SMC, the default) or history (history matching)")
    ->check(CLI::IsMember({ "abc", "history" }));
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
  cmd->add_option("--points", a->points, "history matching: design points per wave (default 200)")
    ->type_name("N")
    ->check(whole_number(2, 16777215, "a whole number in [2, 16777215]"));
  cmd->add_option("--waves", a->waves, "history matching: waves at most (default 4)")
    ->type_name("W")
    ->check(whole_number(1, 256, "a whole number in [1, 256]"));
  cmd
    ->add_option("--cutoff", a->cutoff,
                 "history matching: a point is non-implausible at I <= this (default 3)")
    ->check(CLI::PositiveNumber);
  cmd
    ->add_option("--implausibility", a->implausibility,
                 "history matching: a point's I over targets, max (default) or second-max")
    ->check(CLI::IsMember({ "max", "second-max" }));
  cmd->add_flag("--emulator", a->emulator,
                "history matching: judge later waves' candidates by a Gaussian-process emulator "
                "(default: a nearest-neighbour bound)");
  cmd
    ->add_option("--min-volume", a->min_volume,
                 "history matching: stop once the non-implausible volume fraction is below this")
    ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--sampler", a->sampler, "history matching: sobol (default) or lhs")
    ->check(CLI::IsMember({ "sobol", "lhs" }));
  add_job_options(*cmd, a->job, "replications per point (default: the design's)",
                  "results/" + default_stem("<scenario>", "<method>") + ".h5");
  add_checkpoint_options(*cmd, a->checkpoints, "the calibration so far");
  cmd->callback([a, cmd] {
    check_method_options(*cmd, a->method);
    auto s = calibrate_setup(*a);
    if (a->method == "history") {
      run_history(*a, s);
    } else {
      run_abc(*a, s);
    }
  });
}

} // namespace passage::app
