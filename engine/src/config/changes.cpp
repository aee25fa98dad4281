#include "passage/config/changes.hpp"

#include "passage/config/path.hpp"
#include "passage/config/reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace passage::engine::config {

std::string number_text(double v)
{
  if (std::isinf(v)) {
    return v > 0 ? ".inf" : "-.inf";
  }
  if (std::trunc(v) == v && std::fabs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

namespace {

void read_op_map(const Node& n, ChangeOp::Kind kind, const char* name, Change& c, Diagnostics& d)
{
  if (!n.is_map()) {
    d.error(n.mark(), std::string("'") + name + "' takes a mapping of dotted paths to values",
            std::string("e.g. ") + name + ": {parameters.hub.ghetto_fee_per_day: 1500}");
    return;
  }
  for (const auto& e : n.entries()) {
    ChangeOp op;
    op.kind = kind;
    op.path = e.key;
    op.value = value_of(e.value);
    op.mark = e.key_mark;
    // The other top-level keys (model, seed, horizon_days, replications, ...)
    // are read once for the whole run: a change to them would do nothing.
    const std::string top = e.key.substr(0, e.key.find('.'));
    if (top != "parameters") {
      d.error(e.key_mark, "a change can alter only parameters, not '" + e.key + "'",
              "'" + top + "' holds for the whole run; set it in the scenario or with --set");
      continue;
    }
    if (kind != ChangeOp::Kind::Set) {
      bool numeric = op.value.as_double().has_value();
      if (!numeric) {
        d.error(op.value.mark(), std::string("'") + name + "' needs a number for '" + e.key +
                                   "', got " +
                                   (op.value.is_scalar() ? "'" + op.value.text() + "'"
                                                         : std::string(op.value.kind_name())));
        continue;
      }
    }
    c.ops.push_back(std::move(op));
  }
}

void read_op_ids(const Node& n, ChangeOp::Kind kind, const char* name, Change& c, Diagnostics& d)
{
  auto add = [&](const Node& item) {
    if (!item.is_scalar()) {
      d.error(item.mark(), std::string("'") + name + "' takes ids of places or segments");
      return;
    }
    ChangeOp op;
    op.kind = kind;
    op.path = item.text();
    op.mark = item.mark();
    c.ops.push_back(std::move(op));
  };
  if (n.is_sequence()) {
    for (const auto& item : n.items()) {
      add(item);
    }
  } else {
    add(n);
  }
}

} // namespace

std::vector<Change> read_changes(const Node& list, Diagnostics& d, const std::string& origin)
{
  std::vector<Change> out;
  if (list.is_null()) {
    return out;
  }
  if (!list.is_sequence()) {
    d.error(
      list.mark(), "'changes' must be a list of changes",
      "each item: {from_day: D, until_day: E, set|scale|add: {path: value}, close|open: [ids]}");
    return out;
  }
  for (const auto& item : list.items()) {
    Change c;
    c.mark = item.mark();
    c.origin = origin;
    MapReader r(
      &item, item.mark(), d, "a change",
      { "from_day", "until_day", "set", "scale", "add", "close", "open", "note", "policy" });
    if (!r.ok()) {
      continue;
    }
    Bounds day = kDuration;
    day.what = "a day >= 0";
    c.from_day = r.number("from_day", day, 0.0);
    Bounds until = kPositive;
    until.allow_infinity = true;
    until.what = "a day > 0 (or .inf)";
    c.until_day = r.number("until_day", until, std::numeric_limits<double>::infinity());
    if (c.until_day <= c.from_day) {
      d.error(item.find("until_day") ? item.find("until_day")->mark() : item.mark(),
              "until_day (" + number_text(c.until_day) + ") must be after from_day (" +
                number_text(c.from_day) + ")");
    }
    if (const Node* n = r.get("set")) {
      read_op_map(*n, ChangeOp::Kind::Set, "set", c, d);
    }
    if (const Node* n = r.get("scale")) {
      read_op_map(*n, ChangeOp::Kind::Scale, "scale", c, d);
    }
    if (const Node* n = r.get("add")) {
      read_op_map(*n, ChangeOp::Kind::Add, "add", c, d);
    }
    if (const Node* n = r.get("close")) {
      read_op_ids(*n, ChangeOp::Kind::Close, "close", c, d);
    }
    if (const Node* n = r.get("open")) {
      read_op_ids(*n, ChangeOp::Kind::Open, "open", c, d);
    }
    r.finish();
    if (c.ops.empty() && r.ok()) {
      d.error(item.mark(), "a change with nothing to do",
              "give at least one of set, scale, add, close, open");
    }
    out.push_back(std::move(c));
  }
  return out;
}

namespace {

// Scale or add to a number, or to every number of a list; the result carries
// the operation's mark.
bool arithmetic(Node& target, const ChangeOp& op, Diagnostics& d)
{
  const double x = *op.value.as_double();
  auto apply = [&](Node& n) -> bool {
    const auto v = n.as_double();
    if (!v) {
      return false;
    }
    const double r = op.kind == ChangeOp::Kind::Scale ? *v * x : *v + x;
    n = Node::scalar(number_text(r), op.mark);
    return true;
  };
  Node& value = value_of(target);
  if (value.is_sequence()) {
    for (auto& item : value.items()) {
      if (!apply(item)) {
        d.error(op.mark,
                "cannot " + std::string(op.kind == ChangeOp::Kind::Scale ? "scale" : "add to") +
                  " '" + op.path + "': its list holds a non-number",
                "it is at " + item.mark().str());
        return false;
      }
    }
    return true;
  }
  if (!apply(value)) {
    d.error(op.mark,
            "cannot " + std::string(op.kind == ChangeOp::Kind::Scale ? "scale" : "add to") + " '" +
              op.path + "': it is " +
              (value.is_scalar() ? "'" + value.text() + "', not a number"
                                 : std::string(value.kind_name())),
            "it is at " + value.mark().str());
    return false;
  }
  return true;
}

} // namespace

void apply_change(Node& root, const Change& change, const Closables& closables, Diagnostics& d)
{
  for (const auto& op : change.ops) {
    switch (op.kind) {
      case ChangeOp::Kind::Set: {
        set_path(root, op.path, op.value, op.mark, d);
        break;
      }
      case ChangeOp::Kind::Scale:
      case ChangeOp::Kind::Add: {
        Node* target = find_path(root, op.path, op.mark, d);
        if (target != nullptr) {
          arithmetic(*target, op, d);
        }
        break;
      }
      case ChangeOp::Kind::Close:
      case ChangeOp::Kind::Open: {
        Node* item = nullptr;
        std::vector<std::string> known;
        for (const auto& coll : closables.collections) {
          Diagnostics quiet;
          Node* c = find_path(root, coll, op.mark, quiet);
          if (c == nullptr || !c->is_map()) {
            continue;
          }
          for (auto& e : c->entries()) {
            known.push_back(e.key);
            if (e.key == op.path) {
              item = &e.value;
            }
          }
        }
        if (item == nullptr) {
          const auto s = did_you_mean(op.path, known);
          d.error(op.mark, "unknown " + closables.what + " '" + op.path + "'",
                  s ? "did you mean '" + *s + "'?" : "");
          break;
        }
        if (!item->is_map()) {
          d.error(op.mark, "'" + op.path + "' cannot be closed or opened");
          break;
        }
        item->set("closed",
                  Node::scalar(op.kind == ChangeOp::Kind::Close ? "true" : "false", op.mark),
                  op.mark);
        break;
      }
    }
  }
}

std::vector<double> change_boundaries(const std::vector<Change>& changes, double horizon)
{
  std::vector<double> b;
  for (const auto& c : changes) {
    for (const double t : { c.from_day, c.until_day }) {
      if (t > 0.0 && t < horizon) {
        b.push_back(t);
      }
    }
  }
  std::sort(b.begin(), b.end());
  b.erase(std::unique(b.begin(), b.end()), b.end());
  return b;
}

} // namespace passage::engine::config
