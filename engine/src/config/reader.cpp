#include "passage/config/reader.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <sstream>

namespace passage::engine::config {

namespace {

constexpr std::string_view kLeafKeys[] = {
  "value", "source", "assumption", "range", "unit", "note"
};

std::string fmt(double v)
{
  if (std::isinf(v)) {
    return v > 0 ? ".inf" : "-.inf";
  }
  std::ostringstream s;
  s.precision(12);
  s << v;
  return s.str();
}

std::string quote(std::string_view key)
{
  return "'" + std::string(key) + "'";
}

} // namespace

bool is_parameter_leaf(const Node& n)
{
  return n.is_map() && n.find("value") != nullptr;
}

const Node& value_of(const Node& n)
{
  return is_parameter_leaf(n) ? *n.find("value") : n;
}
Node& value_of(Node& n)
{
  return is_parameter_leaf(n) ? *n.find("value") : n;
}

std::string_view provenance_label(ProvenanceKind k)
{
  switch (k) {
    case ProvenanceKind::Report:
      return "report";
    case ProvenanceKind::OtherSource:
      return "other source";
    case ProvenanceKind::Assumption:
      return "assumption";
    case ProvenanceKind::Source:
      return "source";
    case ProvenanceKind::None:
      break;
  }
  return "none";
}

Provenance read_provenance(const Node& n, Diagnostics& d, const Sources* sources)
{
  Provenance p;
  if (!is_parameter_leaf(n)) {
    return p;
  }
  std::vector<std::string> allowed(std::begin(kLeafKeys), std::end(kLeafKeys));
  for (const auto& e : n.entries()) {
    bool known = false;
    for (const auto k : kLeafKeys) {
      known = known || e.key == k;
    }
    if (!known) {
      const auto s = did_you_mean(e.key, allowed);
      d.error(e.key_mark, "unknown key " + quote(e.key) + " in a parameter",
              s ? "did you mean '" + *s + "'?"
                : "a parameter holds value, source or assumption, range, unit and note");
    }
  }
  const Node* source = n.find("source");
  const Node* assumption = n.find("assumption");
  if (source && assumption) {
    d.error(assumption->mark(), "a parameter has either a source or an assumption, not both");
  }
  if (source) {
    if (!source->is_scalar()) {
      d.error(source->mark(), "'source' must be text");
    } else {
      p.text = source->text();
      // The tag names its source by id; the source declares the kind
      // (check_source_tags reports an id that names none).
      auto [id, where] = split_source_tag(p.text);
      p.source = std::move(id);
      p.where = std::move(where);
      if (sources != nullptr) {
        p.cited = sources->find(p.source);
        p.kind = p.cited != nullptr ? p.cited->kind : ProvenanceKind::OtherSource;
      } else {
        p.kind = ProvenanceKind::Source;
      }
    }
  } else if (assumption) {
    if (!assumption->is_scalar()) {
      d.error(assumption->mark(), "'assumption' must be text");
    } else {
      p.text = assumption->text();
      p.kind = ProvenanceKind::Assumption;
    }
  }
  if (const Node* unit = n.find("unit")) {
    if (unit->is_scalar()) {
      p.unit = unit->text();
    } else {
      d.error(unit->mark(), "'unit' must be text");
    }
  }
  if (const Node* range = n.find("range")) {
    if (!range->is_sequence() || range->items().size() != 2) {
      d.error(range->mark(), "'range' must be a list of two numbers [lo, hi]");
    } else {
      const auto lo = range->items()[0].as_double();
      const auto hi = range->items()[1].as_double();
      if (!lo || !hi || !std::isfinite(*lo) || !std::isfinite(*hi)) {
        d.error(range->mark(), "'range' must be a list of two finite numbers [lo, hi]");
      } else if (*lo > *hi) {
        d.error(range->mark(), "range [" + fmt(*lo) + ", " + fmt(*hi) + "] has min > max",
                "write the smaller bound first");
      } else {
        p.range = std::make_pair(*lo, *hi);
        // A value written beside its range must lie inside it. A value set from
        // elsewhere (--set, a change, a policy, a design) may leave the range:
        // the range is what sensitivity analysis samples, not a limit.
        const Node& value = *n.find("value");
        const bool same_file = value.mark().file_name() == range->mark().file_name();
        if (const auto v = value.as_double(); v && same_file) {
          if (*v < *lo || *v > *hi) {
            d.error(n.find("value")->mark(), "value " + fmt(*v) + " lies outside its range [" +
                                               fmt(*lo) + ", " + fmt(*hi) + "]");
          }
        }
      }
    }
  } else if (p.kind == ProvenanceKind::Assumption) {
    d.error(assumption->mark(), "an assumption needs a 'range: [lo, hi]'",
            "sensitivity analysis samples assumptions over their range");
  }
  return p;
}

std::optional<std::uint64_t> parse_unsigned(std::string_view text)
{
  const char* b = text.data();
  const char* e = text.data() + text.size();
  if (b != e && *b == '+') {
    ++b;
  }
  if (b == e || !std::isdigit(static_cast<unsigned char>(*b))) {
    return std::nullopt;
  }
  std::uint64_t v = 0;
  const auto r = std::from_chars(b, e, v);
  if (r.ec != std::errc{} || r.ptr != e) {
    return std::nullopt;
  }
  return v;
}

std::optional<double> read_number(const Node& n, Diagnostics& d, const Bounds& b,
                                  std::string_view name)
{
  const auto v = n.as_double();
  if (!v) {
    d.error(n.mark(), std::string(name) + " must be " + b.what + ", got " +
                        (n.is_scalar() ? "'" + n.text() + "'" : std::string(n.kind_name())));
    return std::nullopt;
  }
  if (std::isnan(*v)) {
    d.error(n.mark(), std::string(name) + " must be " + b.what + ", got NaN");
    return std::nullopt;
  }
  if (std::isinf(*v) && !b.allow_infinity) {
    d.error(n.mark(), std::string(name) + " must be " + b.what + ", got " + fmt(*v));
    return std::nullopt;
  }
  const bool below = b.lo_open ? !(*v > b.lo) : !(*v >= b.lo);
  const bool above = b.hi_open ? !(*v < b.hi) : !(*v <= b.hi);
  if ((below || above) && !(std::isinf(*v) && b.allow_infinity && *v > 0)) {
    d.error(n.mark(), std::string(name) + " must be " + b.what + ", got " + fmt(*v));
    return std::nullopt;
  }
  if (b.integer && std::trunc(*v) != *v) {
    d.error(n.mark(), std::string(name) + " must be " + b.what + ", got " + fmt(*v));
    return std::nullopt;
  }
  return v;
}

MapReader::MapReader(const Node* node, const Mark& anchor, Diagnostics& d, std::string what,
                     std::initializer_list<std::string_view> allowed)
  : mark_(anchor.line > 0 || node == nullptr ? anchor : node->mark()), d_(d), what_(std::move(what))
{
  for (const auto a : allowed) {
    allowed_.emplace_back(a);
  }
  if (node == nullptr) {
    d_.error(anchor, what_ + " is missing");
    return;
  }
  if (!node->is_map()) {
    d_.error(node->mark(),
             what_ + " must be a mapping of keys to values, got " + std::string(node->kind_name()));
    return;
  }
  node_ = node;
}

MapReader MapReader::child(const Node& parent, std::string_view key, Diagnostics& d,
                           std::string what, std::initializer_list<std::string_view> allowed)
{
  const Node::Entry* e = parent.is_map() ? parent.find_entry(key) : nullptr;
  if (e == nullptr) {
    return MapReader(nullptr, parent.mark(), d, std::move(what), allowed);
  }
  return MapReader(&config::value_of(e->value), e->key_mark, d, std::move(what), allowed);
}

const Node* MapReader::get(std::string_view key) const
{
  return node_ ? node_->find(key) : nullptr;
}

const Node* MapReader::require(std::string_view key)
{
  const Node* n = get(key);
  if (n == nullptr && node_ != nullptr) {
    d_.error(mark_, "missing key " + quote(key) + " in " + what_);
  }
  return n;
}

double MapReader::number(std::string_view key, const Bounds& b, std::optional<double> fallback)
{
  const Node* n = fallback ? get(key) : require(key);
  if (n == nullptr) {
    return fallback.value_or(0.0);
  }
  read_provenance(*n, d_);
  const auto v = read_number(value_of(*n), d_, b, std::string(key));
  return v.value_or(fallback.value_or(0.0));
}

std::int64_t MapReader::integer(std::string_view key, const Bounds& b,
                                std::optional<std::int64_t> fallback)
{
  Bounds bi = b;
  bi.integer = true;
  const double v = number(
    key, bi, fallback ? std::optional<double>(static_cast<double>(*fallback)) : std::nullopt);
  return static_cast<std::int64_t>(v);
}

std::uint64_t MapReader::unsigned_integer(std::string_view key,
                                          std::optional<std::uint64_t> fallback)
{
  const Node* n = fallback ? get(key) : require(key);
  if (n == nullptr) {
    return fallback.value_or(0);
  }
  read_provenance(*n, d_);
  const Node& v = value_of(*n);
  if (v.is_scalar() && v.plain()) {
    if (const auto u = parse_unsigned(v.text())) {
      return *u;
    }
    // 1e6 is a whole number too, when a double holds it exactly.
    if (const auto x = v.as_double();
        x && *x >= 0 && *x <= 9007199254740992.0 && std::trunc(*x) == *x) {
      return static_cast<std::uint64_t>(*x);
    }
  }
  d_.error(v.mark(), std::string(key) + " must be a whole number in [0, 2^64 - 1], got " +
                       (v.is_scalar() ? "'" + v.text() + "'" : std::string(v.kind_name())));
  return fallback.value_or(0);
}

std::string MapReader::string(std::string_view key, std::optional<std::string> fallback)
{
  const Node* n = fallback ? get(key) : require(key);
  if (n == nullptr) {
    return fallback.value_or("");
  }
  const Node& v = value_of(*n);
  if (!v.is_scalar()) {
    d_.error(v.mark(), std::string(key) + " must be text, got " + std::string(v.kind_name()));
    return fallback.value_or("");
  }
  return v.text();
}

bool MapReader::boolean(std::string_view key, std::optional<bool> fallback)
{
  const Node* n = fallback ? get(key) : require(key);
  if (n == nullptr) {
    return fallback.value_or(false);
  }
  const Node& v = value_of(*n);
  const auto b = v.as_bool();
  if (!b) {
    d_.error(v.mark(), std::string(key) + " must be true or false, got " +
                         (v.is_scalar() ? "'" + v.text() + "'" : std::string(v.kind_name())));
    return fallback.value_or(false);
  }
  return *b;
}

std::pair<double, double> MapReader::interval(std::string_view key, const Bounds& b,
                                              std::optional<std::pair<double, double>> fallback)
{
  const Node* n = fallback ? get(key) : require(key);
  if (n == nullptr) {
    return fallback.value_or(std::make_pair(0.0, 0.0));
  }
  read_provenance(*n, d_);
  const Node& v = value_of(*n);
  if (!v.is_sequence() || v.items().size() != 2) {
    d_.error(v.mark(), std::string(key) + " must be a list [min, max]");
    return fallback.value_or(std::make_pair(0.0, 0.0));
  }
  const auto lo = read_number(v.items()[0], d_, b, std::string(key) + " min");
  const auto hi = read_number(v.items()[1], d_, b, std::string(key) + " max");
  if (!lo || !hi) {
    return fallback.value_or(std::make_pair(0.0, 0.0));
  }
  if (*lo > *hi) {
    d_.error(v.mark(), std::string(key) + " [" + fmt(*lo) + ", " + fmt(*hi) + "] has min > max",
             "write the smaller bound first");
    return std::make_pair(*hi, *lo);
  }
  return std::make_pair(*lo, *hi);
}

std::vector<double> MapReader::numbers(std::string_view key, const Bounds& b,
                                       std::optional<std::vector<double>> fallback)
{
  const Node* n = fallback ? get(key) : require(key);
  if (n == nullptr) {
    return fallback.value_or(std::vector<double>{});
  }
  read_provenance(*n, d_);
  const Node& v = value_of(*n);
  if (!v.is_sequence()) {
    d_.error(v.mark(),
             std::string(key) + " must be a list of numbers, got " + std::string(v.kind_name()));
    return fallback.value_or(std::vector<double>{});
  }
  std::vector<double> out;
  for (std::size_t i = 0; i < v.items().size(); ++i) {
    const auto x =
      read_number(v.items()[i], d_, b, std::string(key) + "[" + std::to_string(i) + "]");
    out.push_back(x.value_or(0.0));
  }
  return out;
}

void MapReader::finish()
{
  if (node_ == nullptr) {
    return;
  }
  for (const auto& e : node_->entries()) {
    bool known = false;
    for (const auto& a : allowed_) {
      known = known || e.key == a;
    }
    if (!known) {
      const auto s = did_you_mean(e.key, allowed_);
      std::string hint;
      if (s) {
        hint = "did you mean '" + *s + "'?";
      } else {
        hint = "known keys: ";
        for (std::size_t i = 0; i < allowed_.size(); ++i) {
          hint += (i ? ", " : "") + allowed_[i];
        }
      }
      d_.error(e.key_mark, "unknown key " + quote(e.key) + " in " + what_, hint);
    }
  }
}

} // namespace passage::engine::config
