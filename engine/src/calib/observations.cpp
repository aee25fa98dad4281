#include "passage/calib/observations.hpp"

#include "passage/config/reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

namespace passage::engine::calib {

using config::Diagnostics;
using config::Mark;
using config::Node;

namespace {

std::string quote(const std::string& s)
{
  return "'" + s + "'";
}

std::string short_number(double v)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

bool valid_name(const std::string& s)
{
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

const std::vector<std::string>& error_model_names()
{
  static const std::vector<std::string> names = { "poisson", "negative_binomial", "normal" };
  return names;
}

// One model column named in a target: a scalar naming a metric.
void read_column(const Node& n, Target& t, Diagnostics& d, const std::string& what)
{
  if (!n.is_scalar() || n.text().empty()) {
    d.error(n.mark(), what + " must name a model metric, got " + std::string(n.kind_name()));
    return;
  }
  t.columns.push_back(n.text());
  t.column_marks.push_back(n.mark());
}

void read_error(config::MapReader& tr, Target& t, Diagnostics& d)
{
  const Node::Entry* e = tr.node()->find_entry("error");
  if (e == nullptr) {
    d.error(t.mark, "target " + quote(t.name) + " has no 'error:'",
            "give {model: poisson}, {model: negative_binomial, dispersion: k} or "
            "{model: normal, sd: s}");
    return;
  }
  config::MapReader er(&e->value, e->key_mark, d, "the error model of " + quote(t.name),
                       { "model", "dispersion", "sd" });
  if (!er.ok()) {
    return;
  }
  const std::string model = er.string("model");
  const auto& names = error_model_names();
  const auto it = std::find(names.begin(), names.end(), model);
  if (er.get("model") != nullptr && it == names.end()) {
    const auto sug = config::did_you_mean(model, names);
    d.error(config::value_of(*er.get("model")).mark(), "unknown error model " + quote(model),
            sug ? "did you mean '" + *sug + "'?"
                : "an error model is poisson, negative_binomial or normal");
    return;
  }
  if (it == names.end()) {
    return;
  }
  t.error = static_cast<ErrorModel>(it - names.begin());
  auto only_for = [&](const char* key, const char* what) {
    if (const Node::Entry* k = er.node()->find_entry(key)) {
      d.error(k->key_mark,
              std::string("'") + key + "' does not apply to a " + model + " error model",
              std::string("'") + key + "' belongs to " + what);
    }
  };
  switch (t.error) {
    case ErrorModel::Poisson:
      only_for("dispersion", "a negative_binomial error model");
      only_for("sd", "a normal error model");
      break;
    case ErrorModel::NegativeBinomial:
      only_for("sd", "a normal error model");
      t.dispersion = er.number("dispersion", config::kPositive);
      break;
    case ErrorModel::Normal:
      only_for("dispersion", "a negative_binomial error model");
      t.sd = er.number("sd", config::kPositive);
      break;
  }
  er.finish();
}

Target read_target(const Node& item, std::set<std::string>& seen, Diagnostics& d)
{
  Target t;
  t.mark = item.mark();
  config::MapReader tr(
    &item, item.mark(), d, "a target",
    { "name", "output", "sum", "share", "value", "source", "error", "coverage" });
  if (!tr.ok()) {
    return t;
  }
  t.name = tr.string("name");
  if (const Node* n = tr.get("name")) {
    t.mark = config::value_of(*n).mark();
    if (!t.name.empty() && !valid_name(t.name)) {
      d.error(t.mark, "target name " + quote(t.name) + " may hold only a-z, 0-9 and _");
    } else if (!t.name.empty() && !seen.insert(t.name).second) {
      d.error(t.mark, "a second target named " + quote(t.name), "target names are unique");
    }
  }
  const std::string what = t.name.empty() ? "a target" : "target " + quote(t.name);

  // Exactly one of output, sum, share.
  int forms = 0;
  for (const char* k : { "output", "sum", "share" }) {
    forms += tr.get(k) != nullptr ? 1 : 0;
  }
  if (forms != 1) {
    d.error(t.mark,
            what + (forms == 0 ? " says nothing of the model's value"
                               : " gives more than one of 'output', 'sum' and 'share'"),
            "give one of output: COLUMN, sum: [COLUMN, ...] or share: {of: COLUMN, in: COLUMN}");
  }
  if (const Node* o = tr.get("output")) {
    t.kind = TargetKind::Output;
    read_column(*o, t, d, "'output'");
  } else if (const Node* s = tr.get("sum")) {
    t.kind = TargetKind::Sum;
    if (!s->is_sequence() || s->items().empty()) {
      d.error(s->mark(), "'sum' must be a non-empty list of model metrics");
    } else {
      for (const auto& c : s->items()) {
        read_column(c, t, d, "an item of 'sum'");
      }
    }
  } else if (tr.get("share") != nullptr) {
    t.kind = TargetKind::Share;
    const Node::Entry* e = tr.node()->find_entry("share");
    config::MapReader sr(&e->value, e->key_mark, d, "'share' of " + what, { "of", "in" });
    if (sr.ok()) {
      const Node* of = sr.require("of");
      const Node* in = sr.require("in");
      if (of && in) {
        read_column(*of, t, d, "'of'");
        read_column(*in, t, d, "'in'");
      }
      sr.finish();
    }
  }

  read_error(tr, t, d);
  const bool count = t.error != ErrorModel::Normal;
  if (t.kind == TargetKind::Share) {
    t.value = tr.number("value", config::kShare);
  } else if (count) {
    t.value = tr.number("value", config::Bounds{ 0.0, 1e15, false, false, false, false,
                                                 "a count >= 0 (a poisson or negative_binomial "
                                                 "error model)" });
  } else {
    t.value = tr.number("value", config::kAnyNumber);
  }
  t.source = tr.string("source");
  if (const Node* c = tr.get("coverage")) {
    if (t.kind == TargetKind::Share) {
      d.error(tr.node()->find_entry("coverage")->key_mark,
              "'coverage' does not apply to a share (it cancels in the ratio)");
    }
    t.coverage = tr.number("coverage", config::kPositive, 1.0);
    Diagnostics ignored; // number() has checked the provenance
    t.coverage_range = config::read_provenance(*c, ignored).range;
  }
  tr.finish();
  return t;
}

ObservationSource read_source(const Node::Entry& e, Diagnostics& d)
{
  ObservationSource s;
  s.id = e.key;
  s.mark = e.key_mark;
  config::MapReader r(&e.value, e.key_mark, d, "source " + quote(e.key),
                      { "title", "author", "year", "publisher", "url", "accessed", "note" });
  if (!r.ok()) {
    return s;
  }
  s.title = r.string("title");
  s.author = r.string("author", std::string());
  s.year = r.string("year", std::string());
  s.publisher = r.string("publisher", std::string());
  s.url = r.string("url", std::string());
  s.accessed = r.string("accessed", std::string());
  s.note = r.string("note", std::string());
  r.finish();
  return s;
}

} // namespace

const char* error_model_name(ErrorModel m) noexcept
{
  switch (m) {
    case ErrorModel::Poisson:
      return "poisson";
    case ErrorModel::NegativeBinomial:
      return "negative_binomial";
    case ErrorModel::Normal:
      return "normal";
  }
  return "?";
}

const char* target_kind_name(TargetKind k) noexcept
{
  switch (k) {
    case TargetKind::Output:
      return "output";
    case TargetKind::Sum:
      return "sum";
    case TargetKind::Share:
      return "share";
  }
  return "?";
}

double Target::replication_value(std::span<const double> v) const
{
  if (kind == TargetKind::Share) {
    return v[1] == 0.0 ? std::numeric_limits<double>::quiet_NaN() : v[0] / v[1];
  }
  double s = 0.0;
  for (const double x : v) {
    s += x;
  }
  return coverage * s;
}

double Target::error_variance(double x) const
{
  switch (error) {
    case ErrorModel::Poisson:
      return std::max(x, 1.0);
    case ErrorModel::NegativeBinomial:
      return std::max(x, 1.0) + x * x / dispersion;
    case ErrorModel::Normal:
      return sd * sd;
  }
  return std::numeric_limits<double>::quiet_NaN();
}

std::string Target::describe_error() const
{
  switch (error) {
    case ErrorModel::Poisson:
      return "poisson";
    case ErrorModel::NegativeBinomial:
      return "negative_binomial (k = " + short_number(dispersion) + ")";
    case ErrorModel::Normal:
      return "normal (sd " + short_number(sd) + ")";
  }
  return "?";
}

std::vector<std::string> Observations::columns() const
{
  std::vector<std::string> out;
  for (const auto& t : targets) {
    for (const auto& c : t.columns) {
      if (std::find(out.begin(), out.end(), c) == out.end()) {
        out.push_back(c);
      }
    }
  }
  return out;
}

std::vector<std::string> Observations::names() const
{
  std::vector<std::string> out;
  for (const auto& t : targets) {
    out.push_back(t.name);
  }
  return out;
}

std::vector<double> Observations::observed() const
{
  std::vector<double> out;
  for (const auto& t : targets) {
    out.push_back(t.value);
  }
  return out;
}

const ObservationSource* Observations::find_source(const std::string& id) const noexcept
{
  for (const auto& s : sources) {
    if (s.id == id) {
      return &s;
    }
  }
  return nullptr;
}

std::vector<TargetValue> target_values(
  const Observations& obs, std::size_t replications,
  const std::function<std::span<const double>(std::size_t column)>& column)
{
  const auto columns = obs.columns();
  std::vector<std::span<const double>> runs;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    runs.push_back(column(c));
  }
  std::vector<TargetValue> out;
  std::vector<double> v;
  for (const auto& t : obs.targets) {
    std::vector<std::size_t> index;
    for (const auto& c : t.columns) {
      index.push_back(
        static_cast<std::size_t>(std::find(columns.begin(), columns.end(), c) - columns.begin()));
    }
    // Welford's running mean and variance, in replication order.
    TargetValue tv;
    double m2 = 0.0;
    for (std::size_t r = 0; r < replications; ++r) {
      v.clear();
      for (const auto i : index) {
        v.push_back(runs[i][r]);
      }
      const double y = t.replication_value(v);
      if (!std::isfinite(y)) {
        continue;
      }
      ++tv.replications;
      const double delta = y - tv.mean;
      tv.mean += delta / static_cast<double>(tv.replications);
      m2 += delta * (y - tv.mean);
    }
    const auto n = static_cast<double>(tv.replications);
    if (tv.replications == 0) {
      tv.mean = std::numeric_limits<double>::quiet_NaN();
    }
    tv.variance =
      tv.replications < 2 ? std::numeric_limits<double>::quiet_NaN() : m2 / (n - 1.0) / n;
    out.push_back(tv);
  }
  return out;
}

Observations read_observations(const Node& root, const std::string& file,
                               const std::vector<MetricInfo>& metrics)
{
  Observations obs;
  obs.file = file;
  obs.text = config::to_yaml(root);
  Diagnostics d;
  config::MapReader top(&root, root.mark(), d, "the observations file", { "observations" });
  if (!top.ok()) {
    d.raise_if_any();
  }
  const Node::Entry* oe = root.find_entry("observations");
  if (oe == nullptr) {
    d.error(root.mark(), "an observations file holds one mapping, 'observations:'",
            "see docs/calibration.md");
    top.finish();
    d.raise_if_any();
  }
  top.finish();
  config::MapReader r(&oe->value, oe->key_mark, d, "'observations'",
                      { "description", "targets", "sources" });
  if (!r.ok()) {
    d.raise_if_any();
  }
  obs.description = r.string("description", std::string());
  if (const Node::Entry* se = r.node()->find_entry("sources")) {
    if (!se->value.is_map()) {
      d.error(se->value.mark(), "'sources' must map ids to {title: ..., url: ..., accessed: ...}");
    } else {
      for (const auto& e : se->value.entries()) {
        obs.sources.push_back(read_source(e, d));
      }
    }
  }
  std::vector<std::string> source_ids;
  for (const auto& s : obs.sources) {
    source_ids.push_back(s.id);
  }
  std::vector<std::string> metric_names;
  for (const auto& m : metrics) {
    metric_names.push_back(m.name);
  }
  if (const Node* tn = r.require("targets")) {
    if (!tn->is_sequence() || tn->items().empty()) {
      d.error(tn->mark(), "'targets' must be a non-empty list of targets");
    } else {
      std::set<std::string> seen;
      for (const auto& item : tn->items()) {
        obs.targets.push_back(read_target(item, seen, d));
        const Target& t = obs.targets.back();
        for (std::size_t c = 0; c < t.columns.size(); ++c) {
          if (std::find(metric_names.begin(), metric_names.end(), t.columns[c]) ==
              metric_names.end()) {
            const auto sug = config::did_you_mean(t.columns[c], metric_names);
            d.error(t.column_marks[c], "unknown model output " + quote(t.columns[c]),
                    sug ? "did you mean '" + *sug + "'?"
                        : "outputs are the model's metrics, a series period written "
                          "'series[k]' ('passage run' lists them)");
          }
        }
        if (const Node* s = item.is_map() ? item.find("source") : nullptr;
            s != nullptr && !t.source.empty() && obs.find_source(t.source) == nullptr) {
          const auto sug = config::did_you_mean(t.source, source_ids);
          d.error(config::value_of(*s).mark(), "unknown source " + quote(t.source),
                  sug ? "did you mean '" + *sug + "'?"
                      : "a target's source is an id of the file's 'sources:'");
        }
      }
    }
  }
  r.finish();
  d.raise_if_any();
  return obs;
}

Observations load_observations(const std::string& path, const std::vector<MetricInfo>& metrics)
{
  return read_observations(config::load_file(path, "observations"), path, metrics);
}

} // namespace passage::engine::calib
