#pragma once
//! Configuration trees. YAML is parsed once (yaml-cpp) into `Node`s that carry
//! their file, line and column, so every later stage — `--set`, policy overlays,
//! sensitivity designs, the models' validation — can point at the exact place a
//! problem comes from, in whichever file it was written. Models never see YAML.

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace passage::engine::config {

//! A position in a file: 1-based line and column (0 when unknown).
struct Mark
{
  std::shared_ptr<const std::string> file;
  int line = 0;
  int column = 0;

  std::string file_name() const { return file ? *file : std::string("<input>"); }
  //! "file:line:col"
  std::string str() const;
};

class Node
{
public:
  enum class Kind
  {
    Null,
    Scalar,
    Sequence,
    Map
  };

  struct Entry;

  Node() = default;
  static Node null(Mark m = {});
  static Node scalar(std::string text, Mark m = {}, bool plain = true);
  static Node sequence(Mark m = {});
  static Node map(Mark m = {});

  Kind kind() const noexcept { return kind_; }
  bool is_null() const noexcept { return kind_ == Kind::Null; }
  bool is_scalar() const noexcept { return kind_ == Kind::Scalar; }
  bool is_sequence() const noexcept { return kind_ == Kind::Sequence; }
  bool is_map() const noexcept { return kind_ == Kind::Map; }
  //! "a mapping", "a list", "a value", "nothing"
  std::string_view kind_name() const noexcept;

  const Mark& mark() const noexcept { return mark_; }
  void set_mark(Mark m) { mark_ = std::move(m); }

  //! Scalars.
  const std::string& text() const noexcept { return text_; }
  //! False when the scalar was quoted in the source: then it is a string, even
  //! if it reads "5".
  bool plain() const noexcept { return plain_; }
  std::optional<double> as_double() const;
  std::optional<std::int64_t> as_int() const;
  std::optional<bool> as_bool() const;

  //! Sequences.
  const std::vector<Node>& items() const noexcept { return items_; }
  std::vector<Node>& items() noexcept { return items_; }
  void push_back(Node n);

  //! Maps (insertion order kept).
  const std::vector<Entry>& entries() const noexcept { return entries_; }
  std::vector<Entry>& entries() noexcept { return entries_; }
  const Node* find(std::string_view key) const noexcept;
  Node* find(std::string_view key) noexcept;
  const Entry* find_entry(std::string_view key) const noexcept;
  //! Insert or replace.
  Node& set(std::string key, Node value, Mark key_mark = {});
  bool erase(std::string_view key);

  //! Deep equality of content (marks ignored).
  bool same_content(const Node& o) const;

private:
  Kind kind_ = Kind::Null;
  Mark mark_;
  std::string text_;
  bool plain_ = true;
  std::vector<Node> items_;
  std::vector<Entry> entries_;
};

struct Node::Entry
{
  std::string key;
  Mark key_mark;
  Node value;
};

// Defined once Entry is complete: clang 14 with libstdc++ 12 in C++20 instantiates
// std::vector<Entry>'s (constexpr) members here, and refuses an incomplete Entry.
inline void Node::push_back(Node n)
{
  items_.push_back(std::move(n));
}

//! One problem found in an input.
struct Diagnostic
{
  Mark mark;
  std::string message;
  std::string hint;
  //! "file:line:col: error: message" plus an indented hint line.
  std::string format() const;
};

//! Every problem found in an input, reported together. Exit code 2.
class ConfigError : public std::runtime_error
{
public:
  explicit ConfigError(std::vector<Diagnostic> diagnostics);
  ConfigError(const Mark& mark, std::string message, std::string hint = {});
  const std::vector<Diagnostic>& diagnostics() const noexcept { return diagnostics_; }

private:
  std::vector<Diagnostic> diagnostics_;
};

//! A list of problems being collected.
class Diagnostics
{
public:
  void error(const Mark& mark, std::string message, std::string hint = {});
  bool empty() const noexcept { return items_.empty(); }
  std::size_t size() const noexcept { return items_.size(); }
  const std::vector<Diagnostic>& items() const noexcept { return items_; }
  void append(const Diagnostics& o);
  //! Throw a ConfigError holding every problem, if there is any.
  void raise_if_any() const;

private:
  std::vector<Diagnostic> items_;
};

//! Parse a YAML file (ConfigError naming the file when missing, a directory,
//! larger than 64 MiB or malformed); `what` names the kind of file in messages
//! ("scenario", "policy", "design").
Node load_file(const std::string& path, const std::string& what = "scenario");
//! Parse YAML text; `name` stands for the file in messages.
Node parse(const std::string& text, const std::string& name);
//! Write a tree back as YAML (quoted scalars stay quoted).
std::string to_yaml(const Node& n);

//! The closest of `candidates` to `word` (edit distance), if close enough to be
//! worth suggesting.
std::optional<std::string> did_you_mean(std::string_view word,
                                        const std::vector<std::string>& candidates);

} // namespace passage::engine::config
