#include "passage/sa/design.hpp"

#include "passage/config/changes.hpp"
#include "passage/config/path.hpp"
#include "passage/config/reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

namespace passage::engine::sa {

using config::Diagnostics;
using config::Mark;
using config::Node;

namespace {
// Short numbers for people: 3.14159, 0.0005, 35000.
std::string short_number(double v)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}
} // namespace

const char* distribution_name(Distribution d) noexcept
{
  switch (d) {
    case Distribution::Uniform:
      return "uniform";
    case Distribution::LogUniform:
      return "log_uniform";
    case Distribution::Normal:
      return "normal";
    case Distribution::Choice:
      return "choice";
  }
  return "?";
}

double normal_quantile(double p)
{
  if (!(p > 0.0)) {
    return -std::numeric_limits<double>::infinity();
  }
  if (!(p < 1.0)) {
    return std::numeric_limits<double>::infinity();
  }
  // P. J. Acklam's rational approximation (relative error 1.15e-9) ...
  static constexpr double a[] = { -3.969683028665376e+01, 2.209460984245205e+02,
                                  -2.759285104469687e+02, 1.383577518672690e+02,
                                  -3.066479806614716e+01, 2.506628277459239e+00 };
  static constexpr double b[] = { -5.447609879822406e+01, 1.615858368580409e+02,
                                  -1.556989798598866e+02, 6.680131188771972e+01,
                                  -1.328068155288572e+01 };
  static constexpr double c[] = { -7.784894002430293e-03, -3.223964580411365e-01,
                                  -2.400758277161838e+00, -2.549732539343734e+00,
                                  4.374664141464968e+00,  2.938163982698783e+00 };
  static constexpr double d[] = { 7.784695709041462e-03, 3.224671290700398e-01,
                                  2.445134137142996e+00, 3.754408661907416e+00 };
  constexpr double p_low = 0.02425;
  double x = 0.0;
  if (p < p_low) {
    const double q = std::sqrt(-2.0 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  } else if (p <= 1.0 - p_low) {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
  } else {
    const double q = std::sqrt(-2.0 * std::log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  }
  // ... refined by one step of Halley's method to full double precision.
  const double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
  const double u = e * std::sqrt(2.0 * M_PI) * std::exp(x * x / 2.0);
  return x - u / (1.0 + x * u / 2.0);
}

// ---------------------------------------------------------------------------
// ParameterSpec

double ParameterSpec::quantile(double u) const
{
  u = std::clamp(u, 0.0, 1.0);
  switch (distribution) {
    case Distribution::Uniform: {
      if (integer) {
        const double a = std::ceil(lo);
        const double b = std::floor(hi);
        return std::min(b, a + std::floor(u * (b - a + 1.0)));
      }
      // Exact at both ends (grid and Morris points sit on them), never outside.
      return std::clamp((1.0 - u) * lo + u * hi, lo, hi);
    }
    case Distribution::LogUniform: {
      const double x = std::exp(std::log(lo) + u * (std::log(hi) - std::log(lo)));
      const double y = std::clamp(x, lo, hi); // exp(log(hi)) may round past hi
      return integer ? std::clamp(std::round(y), std::ceil(lo), std::floor(hi)) : y;
    }
    case Distribution::Normal: {
      const double x = mean + sd * normal_quantile(u);
      return integer ? std::round(x) : x;
    }
    case Distribution::Choice: {
      const double k = static_cast<double>(choices.size());
      return std::min(k - 1.0, std::floor(u * k));
    }
  }
  return std::numeric_limits<double>::quiet_NaN();
}

double ParameterSpec::at_level(double u, unsigned levels) const
{
  if (distribution == Distribution::Normal) {
    const double l = std::max(1.0, static_cast<double>(levels));
    return quantile((std::clamp(u, 0.0, 1.0) * (l - 1.0) + 0.5) / l);
  }
  return quantile(u);
}

Node ParameterSpec::node(double x) const
{
  if (distribution == Distribution::Choice) {
    const auto i =
      static_cast<std::size_t>(std::clamp(x, 0.0, static_cast<double>(choices.size()) - 1.0));
    return choices[i];
  }
  // The design's mark, not the scenario's: a value a design sets may leave the
  // range written beside it in the scenario (config::read_provenance).
  return Node::scalar(config::number_text(x), design_mark.file ? design_mark : mark);
}

std::string ParameterSpec::describe() const
{
  const std::string whole = integer ? ", whole numbers" : "";
  switch (distribution) {
    case Distribution::Uniform:
    case Distribution::LogUniform:
      return std::string(distribution_name(distribution)) + " [" + short_number(lo) + ", " +
             short_number(hi) + "]" + whole;
    case Distribution::Normal:
      return "normal (mean " + short_number(mean) + ", sd " + short_number(sd) + ")" + whole;
    case Distribution::Choice: {
      std::string s = "choice of";
      for (std::size_t i = 0; i < choices.size(); ++i) {
        s += (i ? ", " : " ") + (choices[i].is_scalar() ? choices[i].text() : std::string("[...]"));
      }
      return s;
    }
  }
  return "?";
}

std::vector<std::string> Design::names() const
{
  std::vector<std::string> out;
  for (const auto& p : parameters) {
    out.push_back(p.name);
  }
  return out;
}

std::vector<std::string> Design::paths() const
{
  std::vector<std::string> out;
  for (const auto& p : parameters) {
    out.push_back(p.path);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Scenario assumptions

namespace {

// "8", "-3", "+20": a whole number written without a decimal point or exponent.
bool whole_literal(const Node& n)
{
  if (!n.is_scalar() || !n.plain() || n.text().empty()) {
    return false;
  }
  const std::string& t = n.text();
  std::size_t i = (t[0] == '-' || t[0] == '+') ? 1 : 0;
  if (i == t.size()) {
    return false;
  }
  for (; i < t.size(); ++i) {
    if (t[i] < '0' || t[i] > '9') {
      return false;
    }
  }
  return true;
}

std::string default_name(const std::string& path)
{
  static const std::string prefix = "parameters.";
  return path.rfind(prefix, 0) == 0 ? path.substr(prefix.size()) : path;
}

// The key item `index` of a list is reached by in a dotted path (config::find_path):
// its id or name when that names it alone, else its index. An id of digits would be
// read as an index, one with a dot as two keys, and one shared by two items finds the
// last of them.
std::string item_key(const Node& list, std::size_t index)
{
  const auto names = [](const Node& item, const std::string& key) {
    for (const char* k : { "id", "name" }) {
      if (const Node* v = item.is_map() ? item.find(k) : nullptr;
          v && v->is_scalar() && v->text() == key) {
        return true;
      }
    }
    return false;
  };
  const Node& item = list.items()[index];
  for (const char* k : { "id", "name" }) {
    const Node* v = item.is_map() ? item.find(k) : nullptr;
    if (v == nullptr || !v->is_scalar() || v->text().empty()) {
      continue;
    }
    const std::string& key = v->text();
    const bool digits =
      std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits || key.find('.') != std::string::npos) {
      continue;
    }
    if (std::count_if(list.items().begin(), list.items().end(),
                      [&](const Node& other) { return names(other, key); }) == 1) {
      return key;
    }
  }
  return std::to_string(index);
}

// True when the leaf's value and range are whole-number literals.
bool whole_leaf(const Node& leaf)
{
  const Node* range = leaf.find("range");
  return range && range->is_sequence() && range->items().size() == 2 &&
         whole_literal(config::value_of(leaf)) && whole_literal(range->items()[0]) &&
         whole_literal(range->items()[1]);
}

void walk(const Node& n, const std::string& path, std::vector<ParameterSpec>& out,
          std::vector<std::string>* skipped)
{
  if (config::is_parameter_leaf(n)) {
    Diagnostics ignored; // the model validates provenance; here we only read it
    const auto p = config::read_provenance(n, ignored);
    if (p.kind != config::ProvenanceKind::Assumption || !p.range) {
      return;
    }
    const Node& v = config::value_of(n);
    if (!v.as_double()) {
      if (skipped) {
        skipped->push_back(path);
      }
      return;
    }
    ParameterSpec s;
    s.path = path;
    s.name = default_name(path);
    s.distribution = Distribution::Uniform;
    s.lo = p.range->first;
    s.hi = p.range->second;
    s.integer = whole_leaf(n);
    s.mark = v.mark();
    s.from_scenario = true;
    out.push_back(std::move(s));
    return;
  }
  if (n.is_map()) {
    for (const auto& e : n.entries()) {
      if (path.empty() && e.key == "changes") {
        continue; // scheduled changes are not the baseline's values
      }
      walk(e.value, path.empty() ? e.key : path + "." + e.key, out, skipped);
    }
  } else if (n.is_sequence()) {
    for (std::size_t i = 0; i < n.items().size(); ++i) {
      walk(n.items()[i], path + "." + item_key(n, i), out, skipped);
    }
  }
}

} // namespace

std::vector<ParameterSpec> scenario_assumptions(const Scenario& scenario,
                                                std::vector<std::string>* skipped)
{
  std::vector<ParameterSpec> out;
  walk(scenario.root, "", out, skipped);
  return out;
}

// ---------------------------------------------------------------------------
// Reading a design

namespace {

const std::vector<std::string>& distribution_names()
{
  static const std::vector<std::string> names = { "uniform", "log_uniform", "normal", "choice" };
  return names;
}

std::string quote(const std::string& s)
{
  return "'" + s + "'";
}

// One entry of `parameters:`.
ParameterSpec read_parameter(const Node::Entry& e, Node& scenario_root, Diagnostics& d)
{
  ParameterSpec s;
  s.path = e.key;
  s.name = default_name(e.key);
  s.mark = e.key_mark;
  s.design_mark = e.key_mark;
  const Node empty = Node::map(e.key_mark);
  const Node& body = e.value.is_null() ? empty : e.value;
  config::MapReader r(&body, e.key_mark, d, "parameter " + quote(e.key),
                      { "name", "distribution", "range", "mean", "sd", "choices", "integer" });
  if (!r.ok()) {
    return s;
  }

  // The scenario value it sets: the path must exist.
  Diagnostics pd;
  const Node* target = config::find_path(scenario_root, e.key, e.key_mark, pd);
  d.append(pd);
  std::optional<std::pair<double, double>> scenario_range;
  bool scenario_whole = false;
  if (target != nullptr) {
    Diagnostics ignored;
    scenario_range = config::read_provenance(*target, ignored).range;
    scenario_whole = config::is_parameter_leaf(*target) && whole_leaf(*target);
  }

  s.name = r.string("name", s.name);
  // Without a `name:`, the name is the path less "parameters.": empty only for the
  // paths "" and "parameters.", which find_path has refused above.
  if (const Node* n = r.get("name"); n != nullptr && s.name.empty()) {
    d.error(config::value_of(*n).mark(), "a parameter's name cannot be empty");
  }
  const std::string dist = r.string("distribution", "uniform");
  if (const Node* dn = r.get("distribution")) {
    const auto& names = distribution_names();
    const auto it = std::find(names.begin(), names.end(), dist);
    if (it == names.end()) {
      const auto sug = config::did_you_mean(dist, names);
      d.error(config::value_of(*dn).mark(), "unknown distribution " + quote(dist),
              sug ? "did you mean '" + *sug + "'?"
                  : "a distribution is uniform, log_uniform, normal or choice");
      return s;
    }
    s.distribution = static_cast<Distribution>(it - names.begin());
  }

  // Keys that belong to another distribution are mistakes, not options.
  auto only_for = [&](const char* key, const char* what) {
    if (const Node::Entry* e = r.node()->find_entry(key)) {
      d.error(e->key_mark, quote(key) + " does not apply to a " + dist + " parameter",
              std::string("'") + key + "' belongs to " + what);
    }
  };
  switch (s.distribution) {
    case Distribution::Uniform:
    case Distribution::LogUniform: {
      only_for("mean", "a normal parameter");
      only_for("sd", "a normal parameter");
      only_for("choices", "a choice parameter");
      if (r.get("range")) {
        const auto [lo, hi] = r.interval("range", config::kAnyNumber);
        s.lo = lo;
        s.hi = hi;
      } else if (scenario_range) {
        s.lo = scenario_range->first;
        s.hi = scenario_range->second;
      } else if (target != nullptr) {
        d.error(e.key_mark, "no range for " + quote(e.key),
                "give 'range: [lo, hi]' here, or a 'range' beside its value in the scenario");
      }
      if (s.distribution == Distribution::LogUniform && !(s.lo > 0.0)) {
        const Node* rn = r.get("range");
        d.error(rn ? config::value_of(*rn).mark() : e.key_mark,
                "a log_uniform range must be positive, got [" + short_number(s.lo) + ", " +
                  short_number(s.hi) + "]");
      }
      break;
    }
    case Distribution::Normal: {
      only_for("range", "a uniform or log_uniform parameter");
      only_for("choices", "a choice parameter");
      s.mean = r.number("mean", config::kAnyNumber);
      s.sd = r.number("sd", config::kPositive);
      break;
    }
    case Distribution::Choice: {
      only_for("range", "a uniform or log_uniform parameter");
      only_for("mean", "a normal parameter");
      only_for("sd", "a normal parameter");
      if (const Node* c = r.require("choices")) {
        if (!c->is_sequence() || c->items().empty()) {
          d.error(c->mark(), "choices must be a non-empty list of values");
        } else {
          s.choices = c->items();
        }
      }
      if (r.get("integer")) {
        d.error(r.node()->find_entry("integer")->key_mark,
                "'integer' does not apply to a choice parameter");
      }
      break;
    }
  }
  s.integer = s.distribution != Distribution::Choice && r.boolean("integer", scenario_whole);
  if (s.integer && s.distribution != Distribution::Normal && std::ceil(s.lo) > std::floor(s.hi)) {
    d.error(e.key_mark, "the range [" + short_number(s.lo) + ", " + short_number(s.hi) +
                          "] holds no whole number");
  }
  r.finish();

  // One number replaces one number; a choice may replace anything.
  if (target != nullptr && s.distribution != Distribution::Choice) {
    const Node& v = config::value_of(*target);
    if (!v.is_scalar() && !v.is_null()) {
      d.error(e.key_mark,
              quote(e.key) + " holds " + std::string(v.kind_name()) + " in the scenario; a " +
                dist + " parameter sets one number",
              "vary one element (e.g. " + e.key + ".0) or use 'distribution: choice'");
    }
  }
  return s;
}

std::uint64_t read_count(config::MapReader& r, std::string_view key, double lo, double hi,
                         std::uint64_t fallback, const char* what)
{
  return static_cast<std::uint64_t>(
    r.integer(key, config::Bounds{ lo, hi, false, false, true, false, what },
              static_cast<std::int64_t>(fallback)));
}

} // namespace

Design read_design(const Node& root, const std::string& file, const Scenario& scenario)
{
  Design design;
  design.file = file;
  design.text = config::to_yaml(root);
  Diagnostics d;
  if (!root.is_map()) {
    d.error(root.mark(), "a design must be a mapping with 'parameters:' and/or 'assumptions: true'",
            "see docs/sensitivity.md");
    d.raise_if_any();
  }
  config::MapReader r(&root, root.mark(), d, "the design",
                      { "description", "assumptions", "exclude", "parameters", "outputs",
                        "replications", "common_random_numbers", "bootstrap", "sobol", "morris" });
  design.description = r.string("description", std::string());
  const Node* params = r.get("parameters");
  const bool with_assumptions = r.boolean("assumptions", params == nullptr);
  design.replications =
    read_count(r, "replications", 1, 1e6, 1, "a whole number of replications in [1, 10^6]");
  design.common_random_numbers = r.boolean("common_random_numbers", true);
  design.bootstrap =
    read_count(r, "bootstrap", 0, 1e6, 1000, "a whole number of resamples in [0, 10^6]");

  if (const Node* s = r.get("sobol")) {
    config::MapReader sr(s, r.node()->find_entry("sobol")->key_mark, d, "'sobol'",
                         { "samples", "second_order" });
    if (sr.ok()) {
      design.sobol_samples =
        read_count(sr, "samples", 2, 1e9, 512, "a whole number of base samples >= 2");
      design.second_order = sr.boolean("second_order", false);
      sr.finish();
    }
  }
  if (const Node* m = r.get("morris")) {
    config::MapReader mr(m, r.node()->find_entry("morris")->key_mark, d, "'morris'",
                         { "trajectories", "levels" });
    if (mr.ok()) {
      design.morris_trajectories =
        read_count(mr, "trajectories", 2, 1e7, 10, "a whole number of trajectories >= 2");
      design.morris_levels = static_cast<unsigned>(
        read_count(mr, "levels", 2, 1000, 4, "an even number of levels in [2, 1000]"));
      if (design.morris_levels % 2 != 0) {
        d.error(config::value_of(*mr.get("levels")).mark(),
                "levels must be an even number (Morris's step is p / (2 (p - 1)))",
                "use 4, 6 or 8");
      }
      mr.finish();
    }
  }

  // Outputs: names now, checked against the model's metrics later.
  if (const Node* o = r.get("outputs")) {
    const Node& v = config::value_of(*o);
    if (!v.is_sequence()) {
      d.error(v.mark(), "outputs must be a list of metric names, got " + std::string(v.kind_name()),
              "e.g. outputs: [died, ransoms_paid]");
    } else {
      for (const auto& item : v.items()) {
        if (!item.is_scalar() || item.text().empty()) {
          d.error(item.mark(), "an output must be a metric name");
          continue;
        }
        if (std::find(design.outputs.begin(), design.outputs.end(), item.text()) !=
            design.outputs.end()) {
          d.error(item.mark(), "output " + quote(item.text()) + " is listed twice");
          continue;
        }
        design.outputs.push_back(item.text());
        design.output_marks.push_back(item.mark());
      }
    }
  }

  // Parameters: the scenario's assumptions (when asked), then the explicit ones,
  // which replace an assumption of the same path.
  if (with_assumptions) {
    design.parameters = scenario_assumptions(scenario, &design.skipped);
    const Node::Entry* asked = root.find_entry("assumptions");
    for (auto& p : design.parameters) {
      p.design_mark = asked              ? asked->key_mark
                      : root.mark().file ? root.mark()
                                         : Mark{ std::make_shared<const std::string>(file), 1, 1 };
    }
  }
  if (const Node* ex = r.get("exclude")) {
    if (!with_assumptions) {
      d.error(r.node()->find_entry("exclude")->key_mark,
              "'exclude' removes scenario assumptions, but 'assumptions' is false",
              "list only the parameters you want under 'parameters:'");
    } else if (!ex->is_sequence()) {
      d.error(ex->mark(), "exclude must be a list of dotted paths");
    } else {
      std::vector<std::string> known = design.paths();
      for (const auto& item : ex->items()) {
        const auto it = std::find_if(design.parameters.begin(), design.parameters.end(),
                                     [&](const ParameterSpec& p) { return p.path == item.text(); });
        if (!item.is_scalar() || it == design.parameters.end()) {
          const auto sug = config::did_you_mean(item.text(), known);
          d.error(item.mark(),
                  "exclude: " + quote(item.text()) + " is not an assumption of the scenario",
                  sug ? "did you mean '" + *sug + "'?"
                      : "exclude takes the dotted paths of assumptions with a range");
          continue;
        }
        design.parameters.erase(it);
      }
    }
  }
  if (params != nullptr) {
    if (!params->is_map()) {
      d.error(params->mark(),
              "parameters must be a mapping of dotted scenario paths to distributions",
              "e.g. parameters: {parameters.x1: {distribution: uniform, range: [0, 1]}}");
    } else {
      Node scenario_root = scenario.root;
      for (const auto& e : params->entries()) {
        ParameterSpec s = read_parameter(e, scenario_root, d);
        const auto it = std::find_if(design.parameters.begin(), design.parameters.end(),
                                     [&](const ParameterSpec& p) { return p.path == s.path; });
        if (it != design.parameters.end() && it->from_scenario) {
          *it = std::move(s);
        } else {
          design.parameters.push_back(std::move(s));
        }
      }
    }
  }
  r.finish();

  std::set<std::string> names;
  for (const auto& p : design.parameters) {
    if (!names.insert(p.name).second) {
      d.error(p.mark, "two parameters are named " + quote(p.name),
              "give one of them another 'name:'");
    }
  }
  if (design.parameters.empty() && d.empty()) {
    d.error(root.mark(), "the design varies nothing",
            with_assumptions
              ? "the scenario has no assumption with a range; list parameters under 'parameters:'"
              : "list parameters under 'parameters:' or set 'assumptions: true'");
  }
  d.raise_if_any();
  return design;
}

Design load_design(const std::string& path, const Scenario& scenario)
{
  return read_design(config::load_file(path, "design"), path, scenario);
}

void resolve_outputs(Design& design, const std::vector<MetricInfo>& metrics)
{
  std::vector<std::string> names;
  std::vector<std::string> plain;
  for (const auto& m : metrics) {
    names.push_back(m.name);
    if (m.series.empty()) {
      plain.push_back(m.name);
    }
  }
  if (design.outputs.empty()) {
    // By default the plain metrics; a series period only when named.
    design.outputs = plain;
    names = plain;
    design.output_marks.assign(names.size(), Mark{});
    return;
  }
  Diagnostics d;
  for (std::size_t i = 0; i < design.outputs.size(); ++i) {
    if (std::find(names.begin(), names.end(), design.outputs[i]) == names.end()) {
      const auto sug = config::did_you_mean(design.outputs[i], names);
      d.error(design.output_marks[i], "unknown output " + quote(design.outputs[i]),
              sug ? "did you mean '" + *sug + "'?"
                  : "outputs are the model's metrics ('passage run' lists them)");
    }
  }
  d.raise_if_any();
}

std::vector<double> values_from_unit(const Design& design, std::span<const double> unit)
{
  const std::size_t k = design.parameters.size();
  std::vector<double> out(unit.size());
  for (std::size_t i = 0; i < unit.size(); ++i) {
    out[i] = design.parameters[i % k].quantile(unit[i]);
  }
  return out;
}

std::vector<double> values_from_levels(const Design& design, std::span<const double> unit,
                                       unsigned levels)
{
  const std::size_t k = design.parameters.size();
  std::vector<double> out(unit.size());
  for (std::size_t i = 0; i < unit.size(); ++i) {
    out[i] = design.parameters[i % k].at_level(unit[i], levels);
  }
  return out;
}

void apply_point(Node& root, const Design& design, std::span<const double> values, Diagnostics& d)
{
  for (std::size_t j = 0; j < design.parameters.size(); ++j) {
    const auto& p = design.parameters[j];
    config::set_path(root, p.path, p.node(values[j]), p.mark, d);
  }
}

} // namespace passage::engine::sa
