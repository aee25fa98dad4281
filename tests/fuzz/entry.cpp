#include "entry.hpp"

#include "passage/config/node.hpp"
#include "passage/errors.hpp"
#include "passage/run/overlay.hpp"
#include "passage/run/scenario.hpp"
#include "registry.hpp"

#include <string>

namespace passage::fuzz {

using engine::Scenario;
namespace config = engine::config;

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

const std::vector<Target>& targets()
{
  static const std::vector<Target> t = {
    { "scenario", &scenario }, { "overlay", &overlay }, { "set", &set }, { "changes", &changes }
  };
  return t;
}

} // namespace passage::fuzz
