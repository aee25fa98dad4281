// Sensitivity design files: what they mean, and every mistake reported with the
// design's file:line:col.
#include "passage/config/node.hpp"
#include "passage/sa/design.hpp"
#include "support.hpp"

#include <cmath>
#include <doctest/doctest.h>

using namespace passage;
using namespace passage::engine;

namespace {

const char* kScenario = "model: ishigami\n"
                        "sources: [{id: ishigami1990, kind: other, author: T. Ishigami and "
                        "T. Homma, year: 1990, title: An importance quantification technique}]\n"
                        "parameters:\n"
                        "  a: 7.0\n"
                        "  b: {value: 0.1, assumption: \"weight of x3\", range: [0.05, 0.2]}\n"
                        "  x1: 0.0\n"
                        "  x2: {value: 1, assumption: \"a whole number\", range: [0, 3]}\n"
                        "  x3: {value: 0.5, source: \"ishigami1990\", range: [0, 1]}\n";

sa::Design design(const std::string& yaml)
{
  const auto s = test::scenario_from_text(kScenario, "s.yaml");
  return sa::read_design(config::parse(yaml, "d.yaml"), "d.yaml", s);
}

// The full message of the ConfigError a design raises.
std::string error_of(const std::string& yaml)
{
  try {
    design(yaml);
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

} // namespace

TEST_CASE("sa design: by default, every assumption with a range, uniform on it")
{
  const auto d = design("outputs: [y]\n");
  REQUIRE(d.parameters.size() == 2); // b and x2; x3 has a source, not an assumption
  CHECK(d.parameters[0].path == "parameters.b");
  CHECK(d.parameters[0].name == "b");
  CHECK(d.parameters[0].distribution == sa::Distribution::Uniform);
  CHECK(d.parameters[0].lo == 0.05);
  CHECK(d.parameters[0].hi == 0.2);
  CHECK_FALSE(d.parameters[0].integer);
  CHECK(d.parameters[1].path == "parameters.x2");
  CHECK(d.parameters[1].integer); // value and range written as whole numbers
  CHECK(d.parameters[0].from_scenario);
  CHECK(d.replications == 1);
  CHECK(d.common_random_numbers);
  CHECK(d.bootstrap == 1000);
  CHECK(d.morris_levels == 4);
  CHECK(d.outputs == std::vector<std::string>{ "y" });
}

TEST_CASE("sa design: explicit parameters replace assumptions; exclude removes them")
{
  const auto d = design("assumptions: true\n"
                        "exclude: [parameters.b]\n"
                        "parameters:\n"
                        "  parameters.x2: {distribution: log_uniform, range: [1, 3]}\n"
                        "  parameters.x1: {distribution: normal, mean: 0, sd: 2, name: first}\n"
                        "  parameters.x3: {}\n"
                        "replications: 4\n"
                        "common_random_numbers: false\n"
                        "sobol: {samples: 256, second_order: true}\n"
                        "morris: {trajectories: 20, levels: 6}\n");
  REQUIRE(d.parameters.size() == 3);
  CHECK(d.parameters[0].path == "parameters.x2");
  CHECK(d.parameters[0].distribution == sa::Distribution::LogUniform);
  CHECK(d.parameters[0].integer); // inherited from the scenario's whole-number writing
  CHECK(d.parameters[1].name == "first");
  CHECK(d.parameters[1].sd == 2.0);
  CHECK(d.parameters[2].lo == 0.0); // the range written beside x3 in the scenario
  CHECK(d.parameters[2].hi == 1.0);
  CHECK(d.replications == 4);
  CHECK_FALSE(d.common_random_numbers);
  CHECK(d.sobol_samples == 256);
  CHECK(d.second_order);
  CHECK(d.morris_trajectories == 20);
  CHECK(d.morris_levels == 6);
}

TEST_CASE("sa design: quantiles of each distribution")
{
  sa::ParameterSpec u;
  u.lo = 0.3;
  u.hi = 0.9;
  CHECK(u.quantile(0.0) == 0.3);
  CHECK(u.quantile(1.0) == 0.9); // exact at the ends: Morris and grids sit on them
  CHECK(u.quantile(0.5) == doctest::Approx(0.6));
  sa::ParameterSpec w = u;
  w.lo = 3;
  w.hi = 15;
  w.integer = true;
  std::vector<int> count(16, 0);
  for (int k = 0; k < 1300; ++k) {
    count[static_cast<std::size_t>(w.quantile((k + 0.5) / 1300.0))]++;
  }
  for (int v = 3; v <= 15; ++v) {
    CHECK(count[static_cast<std::size_t>(v)] == 100); // 13 whole numbers, equally likely
  }
  sa::ParameterSpec g;
  g.distribution = sa::Distribution::LogUniform;
  g.lo = 1e-4;
  g.hi = 1e-2;
  CHECK(g.quantile(0.5) == doctest::Approx(1e-3));
  CHECK(g.quantile(1.0) == 1e-2);
  sa::ParameterSpec n;
  n.distribution = sa::Distribution::Normal;
  n.mean = 10;
  n.sd = 2;
  CHECK(n.quantile(0.975) == doctest::Approx(10 + 2 * 1.959963984540054).epsilon(1e-14));
  CHECK(std::isfinite(n.at_level(0.0, 4))); // grid ends map to cell centres
  CHECK(n.at_level(0.0, 4) == doctest::Approx(10 + 2 * sa::normal_quantile(0.125)));
  sa::ParameterSpec c;
  c.distribution = sa::Distribution::Choice;
  c.choices = { config::Node::scalar("bus"), config::Node::scalar("truck"),
                config::Node::scalar("foot") };
  CHECK(c.quantile(0.0) == 0.0);
  CHECK(c.quantile(0.5) == 1.0);
  CHECK(c.quantile(1.0) == 2.0);
  CHECK(c.node(2.0).text() == "foot");
  CHECK(sa::normal_quantile(0.5) == 0.0);
  CHECK(sa::normal_quantile(1e-10) == doctest::Approx(-6.361340902404056).epsilon(1e-13));
}

TEST_CASE("sa design: errors carry the design's file:line:col")
{
  CHECK(error_of("replicatons: 4\n") ==
        "d.yaml:1:1: error: unknown key 'replicatons' in the design\n"
        "  hint: did you mean 'replications'?");
  CHECK(error_of("parameters:\n  parameters.x9: {range: [0, 1]}\n") ==
        "d.yaml:2:3: error: unknown key 'x9' under 'parameters' in 'parameters.x9'\n"
        "  hint: did you mean 'parameters.x1'?");
  CHECK(error_of("parameters:\n  parameters.x1: {distribution: unifrom, range: [0, 1]}\n") ==
        "d.yaml:2:33: error: unknown distribution 'unifrom'\n"
        "  hint: did you mean 'uniform'?");
  CHECK(error_of("parameters:\n  parameters.x1: {distribution: log_uniform, range: [0, 1]}\n") ==
        "d.yaml:2:53: error: a log_uniform range must be positive, got [0, 1]");
  CHECK(error_of("parameters:\n  parameters.x1: {distribution: normal, mean: 0}\n") ==
        "d.yaml:2:3: error: missing key 'sd' in parameter 'parameters.x1'");
  CHECK(error_of("parameters:\n  parameters.x1: {range: [0, 1], mean: 0}\n") ==
        "d.yaml:2:34: error: 'mean' does not apply to a uniform parameter\n"
        "  hint: 'mean' belongs to a normal parameter");
  CHECK(error_of("parameters:\n  parameters.x1: {}\n") ==
        "d.yaml:2:3: error: no range for 'parameters.x1'\n"
        "  hint: give 'range: [lo, hi]' here, or a 'range' beside its value in the scenario");
  CHECK(error_of("parameters:\n  parameters.x1: {range: [0, 1]}\nmorris: {levels: 5}\n") ==
        "d.yaml:3:18: error: levels must be an even number (Morris's step is p / (2 (p - 1)))\n"
        "  hint: use 4, 6 or 8");
  CHECK(error_of("exclude: [parameters.c]\n") ==
        "d.yaml:1:11: error: exclude: 'parameters.c' is not an assumption of the scenario\n"
        "  hint: did you mean 'parameters.b'?");
  CHECK(error_of("parameters:\n  parameters.x1: {range: [0, 1], name: b}\n"
                 "  parameters.b: {}\n") == "d.yaml:3:3: error: two parameters are named 'b'\n"
                                            "  hint: give one of them another 'name:'");
  CHECK(error_of("parameters: {parameters.x1: {range: [0.5, 0.7], integer: true}}\n") ==
        "d.yaml:1:14: error: the range [0.5, 0.7] holds no whole number");
}

TEST_CASE("sa design: every problem at once, and outputs checked against the model")
{
  const std::string all = error_of("parameters:\n"
                                   "  parameters.x1: {distribution: normal}\n"
                                   "  parameters.x2: {range: [3, 1]}\n"
                                   "replications: 0\n");
  CHECK(all.find("d.yaml:2:3: error: missing key 'mean'") != std::string::npos);
  CHECK(all.find("d.yaml:2:3: error: missing key 'sd'") != std::string::npos);
  CHECK(all.find("d.yaml:3:26: error: range [3, 1] has min > max") != std::string::npos);
  CHECK(all.find("d.yaml:4:15: error: replications must be a whole number of replications "
                 "in [1, 10^6], got 0") != std::string::npos);

  auto d = design("parameters: {parameters.x1: {range: [0, 1]}}\noutputs: [y, yy, z]\n");
  try {
    sa::resolve_outputs(d, { { "y", "", "" } });
    FAIL("no error");
  } catch (const config::ConfigError& e) {
    CHECK(std::string(e.what()) == "d.yaml:2:14: error: unknown output 'yy'\n"
                                   "  hint: did you mean 'y'?\n"
                                   "d.yaml:2:18: error: unknown output 'z'\n"
                                   "  hint: did you mean 'y'?");
  }
  auto every = design("parameters: {parameters.x1: {range: [0, 1]}}\n");
  sa::resolve_outputs(every, { { "y", "", "" }, { "w", "", "" } });
  CHECK(every.outputs == std::vector<std::string>{ "y", "w" });
}

TEST_CASE("sa design: a parameter sets one number; a list needs a choice")
{
  const auto s = test::scenario_from_file("configs/verification/sobol_g.yaml");
  try {
    sa::read_design(config::parse("parameters: {parameters.a: {range: [0, 1]}}\n", "g.yaml"),
                    "g.yaml", s);
    FAIL("no error");
  } catch (const config::ConfigError& e) {
    CHECK(std::string(e.what()) ==
          "g.yaml:1:14: error: 'parameters.a' holds a list in the scenario; a uniform parameter "
          "sets one number\n"
          "  hint: vary one element (e.g. parameters.a.0) or use 'distribution: choice'");
  }
  const auto d = sa::read_design(
    config::parse("parameters: {parameters.a.0: {range: [0, 2]}, parameters.a: {distribution: "
                  "choice, choices: [[0, 1, 4.5, 9, 99], [0, 0, 0, 0, 0]]}}\n",
                  "g.yaml"),
    "g.yaml", s);
  CHECK(d.parameters.size() == 2);
}

TEST_CASE("sa design: the Mali design covers every assumption of the baseline")
{
  const auto s = test::scenario_from_file("configs/mali-2016.yaml");
  const auto d = sa::load_design(test::source_dir() + "/configs/sa/mali-2016.yaml", s);
  CHECK(d.parameters.size() == sa::scenario_assumptions(s).size());
  CHECK(d.parameters.size() > 100);
  // Only assumed intervals ([lo, hi]: a rent, the transit countries' tolls) are
  // left out: a design samples numbers; an interval is sampled by its ends
  // (PATH.0, PATH.1) when a design names them.
  CHECK(d.skipped.size() == 6);
  for (const auto& path : d.skipped) {
    INFO(path);
    CHECK((path.size() > 5 && (path.substr(path.size() - 5) == ".toll" ||
                               path.substr(path.size() - 10) == ".price_eur")));
  }
  std::size_t log_uniform = 0;
  std::size_t whole = 0;
  for (const auto& p : d.parameters) {
    log_uniform += p.distribution == sa::Distribution::LogUniform;
    whole += p.integer;
    CHECK(p.lo <= p.hi);
  }
  CHECK(log_uniform == 15);
  CHECK(whole > 40); // roadblocks, checkpoints, distances, fares, days
  CHECK(d.outputs == std::vector<std::string>{ "died", "ransoms_paid", "revenue_armed_groups",
                                               "arrived_algeria" });
}

TEST_CASE("sa design: list items are named by an id only when a dotted path finds them by it")
{
  // An id of digits is read as an index, one with a dot as two keys, and a shared
  // id finds the last item that has it: those items are named by their index.
  const auto s =
    test::scenario_from_text("model: ishigami\n"
                             "parameters:\n"
                             "  a: 7.0\n"
                             "  b: 0.1\n"
                             "  x1: 0.0\n"
                             "  x2: 0.0\n"
                             "  x3: 0.0\n"
                             "  extra:\n"
                             "    - {id: '2', w: {value: 1, assumption: a, range: [0, 2]}}\n"
                             "    - {id: north, w: {value: 1, assumption: b, range: [0, 2]}}\n"
                             "    - {name: x.y, w: {value: 1, assumption: c, range: [0, 2]}}\n"
                             "    - {id: twin, w: {value: 1, assumption: d, range: [0, 2]}}\n"
                             "    - {id: twin, w: {value: 1, assumption: e, range: [0, 2]}}\n",
                             "s.yaml");
  const auto d = sa::read_design(config::parse("outputs: [y]\n", "d.yaml"), "d.yaml", s);
  std::vector<std::string> paths;
  for (const auto& p : d.parameters) {
    paths.push_back(p.path);
  }
  CHECK(paths == std::vector<std::string>{ "parameters.extra.0.w", "parameters.extra.north.w",
                                           "parameters.extra.2.w", "parameters.extra.3.w",
                                           "parameters.extra.4.w" });
}
