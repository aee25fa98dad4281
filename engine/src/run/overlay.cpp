#include "passage/run/overlay.hpp"

#include "passage/config/changes.hpp"
#include "passage/config/reader.hpp"

#include <algorithm>
#include <cctype>

namespace passage::engine {

using config::Diagnostics;
using config::Mark;
using config::Node;

namespace {

bool valid_name(const std::string& s)
{
  return !s.empty() && std::islower(static_cast<unsigned char>(s[0])) &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return std::islower(static_cast<unsigned char>(c)) ||
                  std::isdigit(static_cast<unsigned char>(c)) || c == '_';
         });
}

// Replace every "$name" scalar below `n` by the value of parameter `name`.
void substitute(Node& n, const Node* params, const std::string& policy, Diagnostics& d,
                std::vector<std::string>& used)
{
  if (n.is_scalar() && n.plain() && n.text().size() > 1 && n.text()[0] == '$') {
    const std::string name = n.text().substr(1);
    used.push_back(name);
    const Node* value = params != nullptr ? params->find(name) : nullptr;
    if (value == nullptr) {
      std::vector<std::string> known;
      if (params != nullptr) {
        for (const auto& e : params->entries()) {
          known.push_back(e.key);
        }
      }
      const auto sug = config::did_you_mean(name, known);
      d.error(n.mark(),
              "unknown policy parameter '$" + name + "'" +
                (policy.empty() ? "" : " in policy '" + policy + "'"),
              sug ? "did you mean '$" + *sug + "'?" : "declare it under the policy's parameters:");
      return;
    }
    n = config::value_of(*value);
    return;
  }
  if (n.is_sequence()) {
    for (auto& i : n.items()) {
      substitute(i, params, policy, d, used);
    }
  } else if (n.is_map()) {
    for (auto& e : n.entries()) {
      substitute(e.value, params, policy, d, used);
    }
  }
}

struct Overlay
{
  std::string name;
  Node root;
};

// `root` is the overlay as parsed; `path` names it (the file, or what stands
// for it when the overlay is given as text).
Overlay read_overlay(Node root, const std::string& path, Diagnostics& d)
{
  Overlay o;
  o.root = std::move(root);
  config::MapReader r(&o.root, o.root.mark(), d, "the policy overlay",
                      { "policy", "title", "description", "parameters", "changes", "notes" });
  if (!r.ok()) {
    return o;
  }
  o.name = r.string("policy");
  if (r.get("policy") != nullptr && !valid_name(o.name)) {
    d.error(config::value_of(*r.get("policy")).mark(),
            "a policy name uses lower case letters, digits and _ (got '" + o.name + "')");
  }
  r.string("title", std::string());
  r.string("description", std::string());
  if (const Node* p = r.get("parameters")) {
    const Node& v = config::value_of(*p);
    if (!v.is_map()) {
      d.error(v.mark(), "a policy's 'parameters' must be a mapping of names to parameters");
    } else {
      for (const auto& e : v.entries()) {
        config::read_provenance(e.value, d);
        if (!config::value_of(e.value).is_scalar()) {
          d.error(e.value.mark(), "policy parameter '" + e.key + "' must be a single value");
        }
      }
    }
  }
  const Node* changes = r.require("changes");
  if (changes != nullptr &&
      (changes->is_null() || (changes->is_sequence() && changes->items().empty()))) {
    d.error(changes->mark(), "the policy has no changes: it would run as the baseline",
            "e.g. changes: [{scale: {parameters.roadblocks.demand_foreign: 0.5}}]");
  } else if (changes != nullptr) {
    // Structure only; what the changes do is checked when the model is built.
    Node copy = *changes;
    Diagnostics refs;
    std::vector<std::string> used;
    substitute(copy, r.get("parameters") ? &config::value_of(*r.get("parameters")) : nullptr,
               o.name, refs, used);
    d.append(refs);
    if (refs.empty()) {
      config::read_changes(copy, d, path);
    }
  }
  r.finish();
  return o;
}

} // namespace

std::string overlay_name(const std::string& path)
{
  Diagnostics d;
  const Overlay o = read_overlay(config::load_file(path, "policy"), path, d);
  d.raise_if_any();
  return o.name;
}

namespace {

void apply_overlay_tree(Scenario& s, Node tree, const std::string& path)
{
  Diagnostics d;
  Overlay o = read_overlay(std::move(tree), path, d);
  d.raise_if_any();

  Node& root = s.root;
  // Record the policy and its parameters.
  Node* policies = root.find("policies");
  if (policies == nullptr) {
    policies = &root.set("policies", Node::map(o.root.mark()));
  }
  if (policies->find(o.name) != nullptr) {
    throw config::ConfigError(config::value_of(*o.root.find("policy")).mark(),
                              "policy '" + o.name + "' is applied twice",
                              "each overlay may be given once");
  }
  Node entry = Node::map(o.root.mark());
  entry.set("file", Node::scalar(path, o.root.mark(), false));
  if (const Node* t = o.root.find("title")) {
    entry.set("title", *t);
  }
  if (const Node* p = o.root.find("parameters")) {
    entry.set("parameters", *p);
  }
  policies->set(o.name, std::move(entry), o.root.find_entry("policy")->key_mark);

  // Append its changes, tagged with the policy.
  Node* changes = root.find("changes");
  if (changes == nullptr || changes->is_null()) {
    changes = &root.set("changes", Node::sequence(o.root.mark()));
  }
  if (!changes->is_sequence()) {
    throw config::ConfigError(changes->mark(), "'changes' must be a list of changes");
  }
  for (const auto& c : o.root.find("changes")->items()) {
    Node item = c;
    item.set("policy", Node::scalar(o.name, c.mark()));
    changes->push_back(std::move(item));
  }
  s.overlays.push_back(path);
}

} // namespace

void apply_overlay(Scenario& s, const std::string& path)
{
  apply_overlay_tree(s, config::load_file(path, "policy"), path);
}

void apply_overlay_text(Scenario& s, const std::string& text, const std::string& name)
{
  apply_overlay_tree(s, config::parse(text, name), name);
}

void resolve_references(Scenario& s)
{
  Node* changes = s.root.find("changes");
  if (changes == nullptr || !changes->is_sequence()) {
    return;
  }
  const Node* policies = s.root.find("policies");
  Diagnostics d;
  std::vector<std::pair<std::string, std::string>> used; // (policy, parameter)
  for (auto& c : changes->items()) {
    if (!c.is_map()) {
      continue;
    }
    const Node* tag = c.find("policy");
    const std::string policy = tag && tag->is_scalar() ? tag->text() : "";
    const Node* params = nullptr;
    if (!policy.empty() && policies != nullptr) {
      if (const Node* p = policies->find(policy)) {
        params = p->find("parameters");
      }
    }
    std::vector<std::string> names;
    substitute(c, params, policy, d, names);
    for (auto& n : names) {
      used.emplace_back(policy, std::move(n));
    }
  }
  // A policy parameter no change reads has no effect (a misspelt
  // --set policies.NAME.parameters.X, or a declaration nothing uses).
  if (policies != nullptr && policies->is_map()) {
    for (const auto& pe : policies->entries()) {
      const Node* params = pe.value.find("parameters");
      if (params == nullptr || !params->is_map()) {
        continue;
      }
      std::vector<std::string> known;
      for (const auto& [pol, name] : used) {
        if (pol == pe.key) {
          known.push_back(name);
        }
      }
      for (const auto& e : params->entries()) {
        if (std::find(known.begin(), known.end(), e.key) == known.end()) {
          const auto sug = config::did_you_mean(e.key, known);
          d.error(e.key_mark,
                  "parameter '" + e.key + "' of policy '" + pe.key +
                    "' is used by none of its changes, so it would have no effect",
                  sug ? "did you mean '" + *sug + "'?"
                      : "a policy's changes read its parameters as $NAME");
        }
      }
    }
  }
  d.raise_if_any();
}

} // namespace passage::engine
