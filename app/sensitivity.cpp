// passage sensitivity: Sobol' indices (Saltelli sampling on a scrambled Sobol'
// sequence) or Morris elementary effects of a scenario's outputs, with
// bootstrap intervals, the noise share of each output and a convergence check.
#include "commands.hpp"
#include "passage/errors.hpp"
#include "passage/run/cluster.hpp"
#include "passage/sa/indices.hpp"
#include "passage/sa/output.hpp"
#include "passage/sa/sampling.hpp"
#include "sa_common.hpp"

#include <iostream>

namespace passage::app {

namespace {

namespace sa = engine::sa;

void run_sobol(const SaArgs& a, SaSetup& s)
{
  const std::uint64_t n = a.samples.value_or(s.design.sobol_samples);
  if (n < 2) {
    throw engine::UsageError("Sobol' indices need at least 2 base samples (-n)");
  }
  if ((n & (n - 1)) != 0 && !a.job.quiet) {
    std::cerr << "note: -n " << n
              << " is not a power of 2; Sobol' points are best balanced at powers of 2\n";
  }
  const std::size_t k = s.design.parameters.size();
  const auto design = sa::saltelli(n, k, s.design.second_order, s.scenario.seed);
  const auto values = sa::values_from_unit(s.design, design.unit);
  double wall = 0.0;
  const auto e = sa_evaluate(s, a, values, wall);
  if (!engine::Cluster::instance().root()) {
    return; // the root writes the file
  }
  std::vector<sa::SobolIndices> indices;
  for (std::size_t o = 0; o < e.outputs.size(); ++o) {
    const sa::Runs runs{ e.output(o), e.points, e.replications, e.ok };
    indices.push_back(
      sa::sobol_indices(design, runs, sa::IndexOptions{ s.design.bootstrap, s.scenario.seed }));
  }
  sa_write(s, a, "sensitivity", values, e, wall, n, 0,
           [&](engine::h5::File& f, engine::h5::Group& g) {
             std::vector<std::uint64_t> block(design.points());
             std::vector<std::uint64_t> row(design.points());
             for (std::size_t b = 0; b < design.blocks(); ++b) {
               for (std::size_t j = 0; j < n; ++j) {
                 block[design.point(b, j)] = b;
                 row[design.point(b, j)] = j;
               }
             }
             g.write<std::uint64_t>("block", block);
             g.write<std::uint64_t>("row", row);
             g.set_attr("blocks", "block 0: A, 1: B, 2 .. k+1: A with column i from B "
                                  "(A_B^i), k+2 .. 2k+1: B with column i from A (second order)");
             f.set_attr("second_order", static_cast<std::int64_t>(design.second_order ? 1 : 0));
             auto ig = f.create_group("indices");
             for (std::size_t o = 0; o < e.outputs.size(); ++o) {
               sa::write_sobol(ig, e.outputs[o], s.design, indices[o]);
             }
           });
}

void run_morris(const SaArgs& a, SaSetup& s)
{
  const std::uint64_t r = a.samples.value_or(s.design.morris_trajectories);
  if (r < 2) {
    throw engine::UsageError("Morris needs at least 2 trajectories (-n)");
  }
  // A bootstrap of r trajectories has few distinct resamples when r is small
  // (3 for r = 2): its percentile interval is then no 95% interval.
  constexpr std::uint64_t kMinBootstrapTrajectories = 10;
  if (r < kMinBootstrapTrajectories && s.design.bootstrap > 0 &&
      engine::Cluster::instance().root()) {
    std::cerr << "warning: " << r << " trajectories are too few for the bootstrap: the 95% "
              << "intervals of mu* are not to be trusted (use -n " << kMinBootstrapTrajectories
              << " or more)\n";
  }
  const std::size_t k = s.design.parameters.size();
  const unsigned levels = s.design.morris_levels;
  const auto design = sa::morris(r, k, levels, s.scenario.seed);
  const auto values = sa::values_from_levels(s.design, design.unit, levels);
  double wall = 0.0;
  const auto e = sa_evaluate(s, a, values, wall);
  if (!engine::Cluster::instance().root()) {
    return; // the root writes the file
  }
  std::vector<sa::MorrisIndices> indices;
  for (std::size_t o = 0; o < e.outputs.size(); ++o) {
    const sa::Runs runs{ e.output(o), e.points, e.replications, e.ok };
    indices.push_back(
      sa::morris_indices(design, runs, sa::IndexOptions{ s.design.bootstrap, s.scenario.seed }));
  }
  sa_write(s, a, "sensitivity", values, e, wall, r, levels,
           [&](engine::h5::File& f, engine::h5::Group& g) {
             std::vector<std::uint64_t> trajectory(design.points());
             std::vector<std::uint64_t> step(design.points());
             for (std::size_t t = 0; t < r; ++t) {
               for (std::size_t i = 0; i <= k; ++i) {
                 trajectory[design.point(t, i)] = t;
                 step[design.point(t, i)] = i;
               }
             }
             g.write<std::uint64_t>("trajectory", trajectory);
             g.write<std::uint64_t>("step", step);
             std::vector<std::uint64_t> moved(design.moved.begin(), design.moved.end());
             std::vector<std::int32_t> direction(design.direction.begin(), design.direction.end());
             g.write_matrix<std::uint64_t>("moved", moved, r, k);
             g.write_matrix<std::int32_t>("direction", direction, r, k);
             g.set_attr("delta", design.delta);
             f.set_attr("delta", design.delta);
             auto ig = f.create_group("indices");
             for (std::size_t o = 0; o < e.outputs.size(); ++o) {
               sa::write_morris(ig, e.outputs[o], s.design, indices[o]);
             }
           });
}

} // namespace

void add_sensitivity(CLI::App& app)
{
  auto a = std::make_shared<SaArgs>();
  auto* cmd = app.add_subcommand(
    "sensitivity",
    "Sobol' indices or Morris effects of a scenario's outputs over a design's parameters");
  add_sa_options(*cmd, *a, { "sobol", "morris" },
                 "base samples (sobol) or trajectories (morris) (default: the design's)");
  cmd->callback([a] {
    auto s = sa_setup(*a, "sensitivity");
    if (a->method == "sobol") {
      run_sobol(*a, s);
    } else {
      run_morris(*a, s);
    }
  });
}

} // namespace passage::app
