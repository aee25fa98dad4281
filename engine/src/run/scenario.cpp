#include "passage/run/scenario.hpp"

#include "passage/config/path.hpp"
#include "passage/config/reader.hpp"
#include "passage/random/stream.hpp"
#include "passage/run/model.hpp"
#include "passage/run/overlay.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>

namespace passage::engine {

using config::Diagnostics;
using config::Mark;
using config::Node;

const std::vector<std::string>& scenario_keys()
{
  static const std::vector<std::string> keys = { "name",       "model",        "description",
                                                 "seed",       "replications", "horizon_days", "warmup_days",
                                                 "parameters", "changes",      "policies",
                                                 "sources",    "notes" };
  return keys;
}

std::string Scenario::resolved_text() const
{
  return config::to_yaml(root);
}

std::string Scenario::hash() const
{
  const std::uint64_t h = random::substream_id(resolved_text());
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

void apply_assignment(Node& root, const std::string& assignment, Diagnostics& d)
{
  const auto eq = assignment.find('=');
  const Mark where{ std::make_shared<const std::string>("(--set " + assignment + ")"), 1, 1 };
  if (eq == std::string::npos || eq == 0) {
    d.error(where, "expected dotted.key=value", "e.g. --set parameters.arrival_rate=0.8");
    return;
  }
  const std::string path = assignment.substr(0, eq);
  const std::string text = assignment.substr(eq + 1);
  Node value;
  try {
    value = config::parse(text, "(--set " + assignment + ")");
  } catch (const config::ConfigError& e) {
    for (const auto& diag : e.diagnostics()) {
      d.error(diag.mark, diag.message, diag.hint);
    }
    return;
  }
  if (value.is_null() && text.empty()) {
    d.error(where, "no value given for '" + path + "'");
    return;
  }
  config::set_path(root, path, std::move(value), where, d);
}

namespace {

bool valid_scenario_name(const std::string& name)
{
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  return !name.empty() && name.size() <= 100 && word(name[0]) &&
         std::all_of(name.begin(), name.end(),
                     [&](char c) { return word(c) || c == '_' || c == '-' || c == '.'; });
}

// A name as the user wrote it, with control characters (a NUL) made visible.
std::string printable(const std::string& text)
{
  std::string out = "'";
  for (const char c : text) {
    if (std::iscntrl(static_cast<unsigned char>(c)) != 0) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "'";
}

void read_top_level(Scenario& s, Diagnostics& d)
{
  const Node& root = s.root;
  if (!root.is_map()) {
    d.error(root.mark(), "a scenario must be a mapping with at least 'model:'");
    return;
  }
  config::MapReader r(&root, root.mark(), d, "the scenario",
                      { "name", "model", "description", "seed", "replications", "horizon_days", "warmup_days",
                        "parameters", "changes", "policies", "sources", "notes" });
  s.model = r.string("model");
  s.name = r.string("name", std::filesystem::path(s.file).stem().string());
  if (const Node* n = r.get("name"); n != nullptr && !valid_scenario_name(s.name)) {
    // The name becomes the default output file, results/<name>.h5.
    d.error(config::value_of(*n).mark(),
            "a scenario name uses letters, digits, '_', '-' and '.', starts with a letter or "
            "digit and has at most 100 characters (got " +
              printable(s.name) + ")",
            "it names the default results file, results/<name>.h5");
  }
  s.description = r.string("description", std::string());
  s.seed = r.unsigned_integer("seed", 1);
  s.replications = static_cast<std::uint64_t>(
    r.integer("replications",
              config::Bounds{ 1.0, 1.0e12, false, false, true, false,
                              "a whole number of replications in [1, 10^12]" },
              100));
  r.finish();
}

} // namespace

void refresh_scenario(Scenario& s)
{
  Diagnostics d;
  read_top_level(s, d);
  d.raise_if_any();
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& sets,
                       const std::vector<std::string>& overlays)
{
  Scenario s;
  s.file = path;
  s.root = config::load_file(path);
  for (const auto& o : overlays) {
    apply_overlay(s, o);
  }
  Diagnostics d;
  for (const auto& a : sets) {
    apply_assignment(s.root, a, d);
    s.overrides.push_back(a);
  }
  d.raise_if_any();
  read_top_level(s, d);
  d.raise_if_any();
  return s;
}

// ---------------------------------------------------------------------------

void ModelRegistry::add(std::string name, ModelFactory factory, std::string description)
{
  factories_[std::move(name)] = { std::move(factory), std::move(description) };
}

std::unique_ptr<Model> ModelRegistry::create(const Scenario& scenario) const
{
  const auto it = factories_.find(scenario.model);
  if (it == factories_.end()) {
    const Node* m = scenario.root.find("model");
    const Mark mark = m ? m->mark() : scenario.root.mark();
    const auto sug = config::did_you_mean(scenario.model, names());
    std::string hint = "known models: ";
    const auto ns = names();
    for (std::size_t i = 0; i < ns.size(); ++i) {
      hint += (i ? ", " : "") + ns[i];
    }
    if (sug) {
      hint = "did you mean '" + *sug + "'? " + hint;
    }
    throw config::ConfigError(mark, "unknown model '" + scenario.model + "'", hint);
  }
  // Policy parameters ($name) are resolved now, after every --set and design
  // value has been applied to the tree.
  Scenario resolved = scenario;
  resolve_references(resolved);
  // Every source tag names a declared source; reported with the model's own problems.
  Diagnostics d;
  const auto sources = config::read_sources(resolved.root.find("sources"), d);
  config::check_source_tags(resolved.root, sources, d);
  auto model = it->second.first(resolved, d);
  d.raise_if_any();
  return model;
}

std::vector<std::string> ModelRegistry::names() const
{
  std::vector<std::string> out;
  for (const auto& [k, v] : factories_) {
    out.push_back(k);
  }
  return out;
}

const std::string& ModelRegistry::description(const std::string& name) const
{
  return factories_.at(name).second;
}

} // namespace passage::engine
