#include "passage/config/node.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <unordered_map>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

namespace passage::engine::config {

std::string Mark::str() const
{
  std::string s = file_name();
  if (line > 0) {
    s += ":" + std::to_string(line) + ":" + std::to_string(column > 0 ? column : 1);
  }
  return s;
}

// ---------------------------------------------------------------------------
// Node

Node Node::null(Mark m)
{
  Node n;
  n.kind_ = Kind::Null;
  n.mark_ = std::move(m);
  return n;
}

Node Node::scalar(std::string text, Mark m, bool plain)
{
  Node n;
  n.kind_ = Kind::Scalar;
  n.text_ = std::move(text);
  n.mark_ = std::move(m);
  n.plain_ = plain;
  return n;
}

Node Node::sequence(Mark m)
{
  Node n;
  n.kind_ = Kind::Sequence;
  n.mark_ = std::move(m);
  return n;
}

Node Node::map(Mark m)
{
  Node n;
  n.kind_ = Kind::Map;
  n.mark_ = std::move(m);
  return n;
}

std::string_view Node::kind_name() const noexcept
{
  switch (kind_) {
    case Kind::Null:
      return "nothing";
    case Kind::Scalar:
      return "a single value";
    case Kind::Sequence:
      return "a list";
    case Kind::Map:
      return "a mapping";
  }
  return "?";
}

std::optional<double> Node::as_double() const
{
  if (kind_ != Kind::Scalar || !plain_) {
    return std::nullopt;
  }
  const std::string& t = text_;
  if (t == ".inf" || t == ".Inf" || t == ".INF" || t == "+.inf" || t == "+.Inf" || t == "+.INF") {
    return std::numeric_limits<double>::infinity();
  }
  if (t == "-.inf" || t == "-.Inf" || t == "-.INF") {
    return -std::numeric_limits<double>::infinity();
  }
  if (t == ".nan" || t == ".NaN" || t == ".NAN") {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (t.empty()) {
    return std::nullopt;
  }
  const char* b = t.data();
  const char* e = t.data() + t.size();
  if (*b == '+') {
    ++b;
  }
  // Reject the spellings from_chars accepts but YAML does not ("inf", "nan").
  if (b == e || !(std::isdigit(static_cast<unsigned char>(*b)) || *b == '-' || *b == '.')) {
    return std::nullopt;
  }
  double v = 0.0;
  const auto r = std::from_chars(b, e, v);
  if (r.ec != std::errc{} || r.ptr != e) {
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> Node::as_int() const
{
  if (kind_ != Kind::Scalar || !plain_) {
    return std::nullopt;
  }
  std::int64_t v = 0;
  const char* b = text_.data();
  const char* e = text_.data() + text_.size();
  if (b != e && *b == '+') {
    ++b;
  }
  const auto r = std::from_chars(b, e, v);
  if (r.ec == std::errc{} && r.ptr == e) {
    return v;
  }
  // 1e6 and 40000.0 are integers too.
  if (const auto d = as_double()) {
    if (std::isfinite(*d) && std::trunc(*d) == *d && std::fabs(*d) < 9.0e18) {
      return static_cast<std::int64_t>(*d);
    }
  }
  return std::nullopt;
}

std::optional<bool> Node::as_bool() const
{
  if (kind_ != Kind::Scalar || !plain_) {
    return std::nullopt;
  }
  if (text_ == "true" || text_ == "True" || text_ == "TRUE") {
    return true;
  }
  if (text_ == "false" || text_ == "False" || text_ == "FALSE") {
    return false;
  }
  return std::nullopt;
}

const Node::Entry* Node::find_entry(std::string_view key) const noexcept
{
  for (const auto& e : entries_) {
    if (e.key == key) {
      return &e;
    }
  }
  return nullptr;
}

const Node* Node::find(std::string_view key) const noexcept
{
  const Entry* e = find_entry(key);
  return e ? &e->value : nullptr;
}

Node* Node::find(std::string_view key) noexcept
{
  for (auto& e : entries_) {
    if (e.key == key) {
      return &e.value;
    }
  }
  return nullptr;
}

Node& Node::set(std::string key, Node value, Mark key_mark)
{
  if (kind_ != Kind::Map) {
    kind_ = Kind::Map;
    items_.clear();
    text_.clear();
  }
  for (auto& e : entries_) {
    if (e.key == key) {
      e.value = std::move(value);
      return e.value;
    }
  }
  entries_.push_back(Entry{ std::move(key), std::move(key_mark), std::move(value) });
  return entries_.back().value;
}

bool Node::erase(std::string_view key)
{
  const auto it =
    std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.key == key; });
  if (it == entries_.end()) {
    return false;
  }
  entries_.erase(it);
  return true;
}

bool Node::same_content(const Node& o) const
{
  if (kind_ != o.kind_) {
    return false;
  }
  switch (kind_) {
    case Kind::Null:
      return true;
    case Kind::Scalar:
      return text_ == o.text_ && plain_ == o.plain_;
    case Kind::Sequence:
      if (items_.size() != o.items_.size()) {
        return false;
      }
      for (std::size_t i = 0; i < items_.size(); ++i) {
        if (!items_[i].same_content(o.items_[i])) {
          return false;
        }
      }
      return true;
    case Kind::Map:
      if (entries_.size() != o.entries_.size()) {
        return false;
      }
      for (std::size_t i = 0; i < entries_.size(); ++i) {
        if (entries_[i].key != o.entries_[i].key ||
            !entries_[i].value.same_content(o.entries_[i].value)) {
          return false;
        }
      }
      return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Diagnostics

std::string Diagnostic::format() const
{
  std::string s = mark.str() + ": error: " + message;
  if (!hint.empty()) {
    s += "\n  hint: " + hint;
  }
  return s;
}

namespace {
std::string join(const std::vector<Diagnostic>& ds)
{
  std::string s;
  for (const auto& d : ds) {
    if (!s.empty()) {
      s += '\n';
    }
    s += d.format();
  }
  return s;
}
} // namespace

ConfigError::ConfigError(std::vector<Diagnostic> diagnostics)
  : std::runtime_error(join(diagnostics)), diagnostics_(std::move(diagnostics))
{
}

ConfigError::ConfigError(const Mark& mark, std::string message, std::string hint)
  : ConfigError(std::vector<Diagnostic>{ Diagnostic{ mark, std::move(message), std::move(hint) } })
{
}

void Diagnostics::error(const Mark& mark, std::string message, std::string hint)
{
  items_.push_back(Diagnostic{ mark, std::move(message), std::move(hint) });
}

void Diagnostics::append(const Diagnostics& o)
{
  items_.insert(items_.end(), o.items_.begin(), o.items_.end());
}

void Diagnostics::raise_if_any() const
{
  if (!items_.empty()) {
    // Sort by file (in the order files were first reported), then position, so
    // messages read top to bottom.
    std::vector<std::string> files;
    auto file_index = [&](const Diagnostic& d) {
      const std::string f = d.mark.file_name();
      const auto it = std::find(files.begin(), files.end(), f);
      return static_cast<std::size_t>(it - files.begin());
    };
    for (const auto& d : items_) {
      if (std::find(files.begin(), files.end(), d.mark.file_name()) == files.end()) {
        files.push_back(d.mark.file_name());
      }
    }
    std::vector<Diagnostic> sorted = items_;
    std::stable_sort(sorted.begin(), sorted.end(), [&](const Diagnostic& a, const Diagnostic& b) {
      const auto fa = file_index(a);
      const auto fb = file_index(b);
      if (fa != fb) {
        return fa < fb;
      }
      return a.mark.line < b.mark.line ||
             (a.mark.line == b.mark.line && a.mark.column < b.mark.column);
    });
    throw ConfigError(std::move(sorted));
  }
}

// ---------------------------------------------------------------------------
// YAML in and out

namespace {

Mark mark_of(const YAML::Mark& m, const std::shared_ptr<const std::string>& file)
{
  if (m.is_null()) {
    return Mark{ file, 0, 0 };
  }
  return Mark{ file, m.line + 1, m.column + 1 };
}

// Aliases (*a) repeat the node they name, so a short text can stand for a tree
// of billions of nodes ("billion laughs"). The tree is built node by node, so
// stop at a size no real scenario comes near.
constexpr std::size_t kMaxNodes = 1'000'000;
constexpr std::size_t kMaxText = 64u << 20;
constexpr std::size_t kMaxFileBytes = 64u << 20;

struct Budget
{
  std::size_t nodes = 0;
  std::size_t text = 0; //!< characters of scalars and keys
};

void spend(Budget& b, std::size_t text, const Mark& m)
{
  b.nodes += 1;
  b.text += text;
  if (b.nodes > kMaxNodes || b.text > kMaxText) {
    throw ConfigError(m, "the document holds more than 1,000,000 values or 64 MiB of text",
                      "anchors and aliases (&a, *a) repeat what they name: is one used many "
                      "times over?");
  }
}

Node convert(const YAML::Node& y, const std::shared_ptr<const std::string>& file, Diagnostics& d,
             Budget& budget)
{
  const Mark m = mark_of(y.Mark(), file);
  spend(budget, y.IsScalar() ? y.Scalar().size() : 0, m);
  // yaml-cpp marks untagged nodes "?" (plain) or "!" (quoted); anything else is
  // an explicit tag, which passage would otherwise drop without a word.
  if (!y.Tag().empty() && y.Tag() != "?" && y.Tag() != "!") {
    d.error(m, "YAML tags are not supported (got '" + y.Tag() + "')",
            "write the value without a tag; quote it to make it text");
  }
  switch (y.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return Node::null(m);
    case YAML::NodeType::Scalar:
      // yaml-cpp tags quoted scalars "!" and plain ones "?".
      return Node::scalar(y.Scalar(), m, y.Tag() != "!");
    case YAML::NodeType::Sequence: {
      Node n = Node::sequence(m);
      for (const auto& item : y) {
        n.push_back(convert(item, file, d, budget));
      }
      return n;
    }
    case YAML::NodeType::Map: {
      Node n = Node::map(m);
      // Keys seen so far (a mapping may hold many thousands: places, segments).
      std::unordered_map<std::string, std::size_t> seen;
      for (const auto& kv : y) {
        const Mark km = mark_of(kv.first.Mark(), file);
        if (!kv.first.IsScalar()) {
          d.error(km, "a mapping key must be a plain name");
          continue;
        }
        const std::string key = kv.first.Scalar();
        spend(budget, key.size(), km);
        if (const auto it = seen.find(key); it != seen.end()) {
          d.error(km, "duplicate key '" + key + "'",
                  "the first '" + key + "' is at " + n.entries()[it->second].key_mark.str());
          continue;
        }
        seen.emplace(key, n.entries().size());
        n.entries().push_back(Node::Entry{ key, km, convert(kv.second, file, d, budget) });
      }
      return n;
    }
  }
  return Node::null(m);
}

// Records where each document starts, and nothing else.
struct DocumentStarts : YAML::EventHandler
{
  std::vector<YAML::Mark> marks;
  void OnDocumentStart(const YAML::Mark& m) override { marks.push_back(m); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override
  {
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override
  {
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override
  {
  }
  void OnMapEnd() override {}
};

Node parse_impl(const std::string& text, const std::string& name)
{
  auto file = std::make_shared<const std::string>(name);
  YAML::Node y;
  try {
    // YAML::Load reads the first document and ignores the rest: count them
    // first. (Not YAML::LoadAll: on some malformed text, " ,a", yaml-cpp 0.7
    // reports documents without end.)
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentStarts starts;
    if (parser.HandleNextDocument(starts) && parser.HandleNextDocument(starts)) {
      const YAML::Mark& second = starts.marks.back();
      if (second.pos == starts.marks.front().pos) {
        throw ConfigError(mark_of(second, file), "malformed YAML: no document can be read here");
      }
      throw ConfigError(mark_of(second, file),
                        "a second YAML document (after '---'); a file holds one",
                        "remove the '---' line, or put the second document in its own file");
    }
    y = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(mark_of(e.mark, file), "malformed YAML: " + e.msg);
  }
  Diagnostics d;
  Budget budget;
  Node n = convert(y, file, d, budget);
  d.raise_if_any();
  if (n.is_null()) {
    n.set_mark(Mark{ file, 1, 1 });
  }
  return n;
}

void emit(YAML::Emitter& out, const Node& n)
{
  switch (n.kind()) {
    case Node::Kind::Null:
      out << YAML::Null;
      break;
    case Node::Kind::Scalar:
      if (n.plain()) {
        out << n.text();
      } else {
        out << YAML::DoubleQuoted << n.text();
      }
      break;
    case Node::Kind::Sequence: {
      bool flat = !n.items().empty() && n.items().size() <= 8;
      for (const auto& i : n.items()) {
        flat = flat && i.is_scalar();
      }
      if (flat) {
        out << YAML::Flow;
      }
      out << YAML::BeginSeq;
      for (const auto& i : n.items()) {
        emit(out, i);
      }
      out << YAML::EndSeq;
      break;
    }
    case Node::Kind::Map: {
      out << YAML::BeginMap;
      for (const auto& e : n.entries()) {
        out << YAML::Key << e.key << YAML::Value;
        emit(out, e.value);
      }
      out << YAML::EndMap;
      break;
    }
  }
}

} // namespace

Node parse(const std::string& text, const std::string& name)
{
  return parse_impl(text, name);
}

Node load_file(const std::string& path, const std::string& what)
{
  auto file = std::make_shared<const std::string>(path);
  const Mark nowhere{ file, 0, 0 };
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (std::filesystem::is_directory(status)) {
    throw ConfigError(nowhere, "is a directory, not a " + what + " file",
                      what == "policy" ? "give a policy file; passage compare --policy DIR runs "
                                         "each policy in DIR as its own arm"
                                       : "give the path of a YAML file in it");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (std::filesystem::exists(status)) {
      throw ConfigError(nowhere, "cannot read " + what + " file", "check its permissions");
    }
    // Suggest a file of the same directory with a similar name, else say where
    // such files live.
    std::string hint = "check the path";
    const auto p = std::filesystem::path(path);
    const auto dir = p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
    std::vector<std::string> siblings;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      if (e.path().extension() == ".yaml" || e.path().extension() == ".yml") {
        siblings.push_back(e.path().filename().string());
      }
    }
    if (const auto s = did_you_mean(p.filename().string(), siblings)) {
      hint = "did you mean '" + (p.has_parent_path() ? (dir / *s).string() : *s) + "'?";
    } else if (what == "scenario") {
      hint += "; scenarios are in configs/ (try configs/mali-2016.yaml)";
    } else if (what == "policy") {
      hint += "; policies are in configs/policies/";
    }
    throw ConfigError(nowhere, "cannot open " + what + " file", hint);
  }
  // Read at most one byte past the limit: a FIFO or /dev/zero would otherwise
  // fill the memory.
  std::string text;
  char chunk[1 << 16];
  while (text.size() <= kMaxFileBytes && in.read(chunk, sizeof chunk).gcount() > 0) {
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
  }
  if (text.size() > kMaxFileBytes) {
    throw ConfigError(nowhere, "the " + what + " file is larger than 64 MiB",
                      "is it the right file (not a device or a data file)?");
  }
  return parse_impl(text, path);
}

std::string to_yaml(const Node& n)
{
  YAML::Emitter out;
  out.SetIndent(2);
  emit(out, n);
  return std::string(out.c_str()) + "\n";
}

// ---------------------------------------------------------------------------

std::optional<std::string> did_you_mean(std::string_view word,
                                        const std::vector<std::string>& candidates)
{
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev(b.size() + 1);
    std::vector<std::size_t> cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
      prev[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        const std::size_t sub =
          prev[j - 1] + (std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1);
        cur[j] = std::min({ prev[j] + 1, cur[j - 1] + 1, sub });
      }
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  std::optional<std::string> best;
  std::size_t best_d = std::numeric_limits<std::size_t>::max();
  for (const auto& c : candidates) {
    const std::size_t dist = distance(word, c);
    if (dist < best_d) {
      best_d = dist;
      best = c;
    }
  }
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  if (best && best_d <= limit) {
    return best;
  }
  return std::nullopt;
}

} // namespace passage::engine::config
