#include "entry.hpp"

#include "passage/config/node.hpp"
#include "passage/errors.hpp"
#include "passage/run/overlay.hpp"
#include "passage/run/scenario.hpp"
#include "passage/sa/design.hpp"
#include "passage/sa/sampling.hpp"
#include "registry.hpp"

#include <span>
#include <string>

namespace passage::fuzz {

using engine::Scenario;
namespace config = engine::config;
namespace sa = engine::sa;

namespace {

// The baseline is parsed once: building a Mali model is the work under test, not
// reading its 300 lines again for every input.
const Scenario& baseline()
{
  static const Scenario s = [] {
    Scenario b;
    b.file = PASSAGE_SOURCE_DIR "/configs/mali-2016.yaml";
    b.root = config::load_file(b.file);
    engine::refresh_scenario(b);
    return b;
  }();
  return s;
}

// The metrics of the baseline's model, which a design's outputs are checked against.
const std::vector<engine::MetricInfo>& baseline_metrics()
{
  static const std::vector<engine::MetricInfo> m = models::registry().create(baseline())->metrics();
  return m;
}

// Run `body`, accepting the two kinds of "bad input" (false).
template<class F>
bool guarded(F&& body)
{
  try {
    body();
    return true;
  } catch (const config::ConfigError&) {
  } catch (const engine::UsageError&) {
  }
  return false;
}

void build(const Scenario& s)
{
  const auto model = models::registry().create(s);
  (void)model;
}

} // namespace

bool scenario(std::string_view input)
{
  return guarded([&] {
    Scenario s;
    s.file = "fuzz.yaml";
    s.root = config::parse(std::string(input), s.file);
    engine::refresh_scenario(s);
    build(s);
    // A run stores the resolved scenario (YAML) and its hash in the results.
    (void)s.hash();
  });
}

bool overlay(std::string_view input)
{
  return guarded([&] {
    Scenario s = baseline();
    engine::apply_overlay_text(s, std::string(input), "fuzz-policy.yaml");
    engine::refresh_scenario(s);
    build(s);
  });
}

bool set(std::string_view input)
{
  return guarded([&] {
    Scenario s = baseline();
    config::Diagnostics d;
    std::size_t start = 0;
    while (start <= input.size()) {
      std::size_t end = input.find('\n', start);
      if (end == std::string_view::npos) {
        end = input.size();
      }
      const std::string line(input.substr(start, end - start));
      if (!line.empty()) {
        engine::apply_assignment(s.root, line, d);
        s.overrides.push_back(line);
      }
      start = end + 1;
    }
    // As load_scenario: every assignment first, then the top level.
    d.raise_if_any();
    engine::refresh_scenario(s);
    build(s);
  });
}

bool changes(std::string_view input)
{
  return guarded([&] {
    Scenario s = baseline();
    s.root.set("changes", config::parse(std::string(input), "fuzz-changes.yaml"));
    engine::refresh_scenario(s);
    build(s);
  });
}

bool design(std::string_view input)
{
  return guarded([&] {
    // As sa_setup (app/sa_common.cpp): the design read against the scenario, its
    // outputs checked against the model's metrics.
    const std::string file = "fuzz-design.yaml";
    sa::Design d = sa::read_design(config::parse(std::string(input), file), file, baseline());
    sa::resolve_outputs(d, baseline_metrics());

    // Rows of the unit cube as the samplers make them: Sobol' and Latin hypercube
    // points lie in (0, 1); grid and Morris levels are l / (levels - 1), both ends
    // included.
    const std::size_t k = d.parameters.size();
    std::vector<double> unit;
    for (const double u : { 0.0, 0.5, 1.0 - 1e-12 }) {
      unit.insert(unit.end(), k, u);
    }
    for (std::size_t j = 0; j < k; ++j) {
      unit.push_back((static_cast<double>(j) + 0.5) / static_cast<double>(k));
    }
    const auto values = sa::values_from_unit(d, unit);
    std::vector<double> grid;
    for (const double u : { 0.0, 1.0 / 3.0, 2.0 / 3.0, 1.0 }) {
      grid.insert(grid.end(), k, u);
    }
    (void)sa::values_from_levels(d, grid, 4);
    // A small Morris design at the design's own levels, as `--method morris` makes.
    const auto m = sa::morris(2, k, d.morris_levels, baseline().seed);
    (void)sa::values_from_levels(d, m.unit, d.morris_levels);

    // One point written into the baseline and its model built, as the evaluator
    // does (engine/src/sa/evaluate.cpp). The row is chosen by the input's length,
    // so that the fuzzer reaches each of them.
    const std::size_t row = input.size() % 4;
    Scenario s = baseline();
    config::Diagnostics diag;
    sa::apply_point(s.root, d, std::span<const double>(values).subspan(row * k, k), diag);
    diag.raise_if_any();
    build(s);
  });
}

const std::vector<Target>& targets()
{
  static const std::vector<Target> t = { { "scenario", &scenario },
                                         { "overlay", &overlay },
                                         { "set", &set },
                                         { "changes", &changes },
                                         { "design", &design } };
  return t;
}

} // namespace passage::fuzz
