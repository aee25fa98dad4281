// passage sweep: run a scenario at every point of a design (grid, Latin
// hypercube or scrambled Sobol') and store the inputs and every output.
#include "commands.hpp"
#include "passage/errors.hpp"
#include "passage/run/cluster.hpp"
#include "passage/sa/sampling.hpp"
#include "sa_common.hpp"

#include <iostream>

namespace passage::app {

namespace {

void sweep_command(const SaArgs& a)
{
  if (!a.samples) {
    throw engine::UsageError("sweep needs -n", "-n N: points (lhs, sobol) or levels per "
                                               "parameter (grid)");
  }
  auto s = sa_setup(a, "sweep");
  const auto& params = s.design.parameters;
  const std::size_t k = params.size();
  const std::uint64_t n = *a.samples;
  std::vector<double> values;
  std::uint64_t levels = 0;
  if (a.method == "grid") {
    std::vector<std::size_t> per(k);
    for (std::size_t j = 0; j < k; ++j) {
      per[j] = params[j].distribution == engine::sa::Distribution::Choice
                 ? params[j].choices.size()
                 : static_cast<std::size_t>(n);
    }
    levels = n;
    values =
      engine::sa::values_from_levels(s.design, engine::sa::grid(per), static_cast<unsigned>(n));
  } else if (a.method == "lhs") {
    values =
      engine::sa::values_from_unit(s.design, engine::sa::latin_hypercube(n, k, s.scenario.seed));
  } else {
    values =
      engine::sa::values_from_unit(s.design, engine::sa::sobol_points(n, k, s.scenario.seed));
  }
  double wall = 0.0;
  const auto e = sa_evaluate(s, a, values, wall);
  if (!engine::Cluster::instance().root()) {
    return; // the root writes the file
  }
  sa_write(s, a, "sweep", values, e, wall, n, levels, nullptr);
}

} // namespace

void add_sweep(CLI::App& app)
{
  auto a = std::make_shared<SaArgs>();
  auto* cmd = app.add_subcommand(
    "sweep", "run a scenario at every point of a design and store inputs and outputs");
  add_sa_options(*cmd, *a, { "grid", "lhs", "sobol" },
                 "points (lhs, sobol) or levels per parameter (grid)");
  cmd->callback([a] { sweep_command(*a); });
}

} // namespace passage::app
