#pragma once
//! Reading validated values out of a configuration tree, collecting every problem.
//!
//! A parameter is written plainly (`arrival_rate: 0.5`) or with its provenance:
//!
//!     toll: {value: [1000, 5000], source: "molenaar2017 §2: 1,000-5,000 CFA per roadblock"}
//!     hazard: {value: 2.0e-4, assumption: "attacks per convoy-km", range: [5.0e-5, 1.0e-3]}
//!
//! A `source` tag starts with the id of one of the scenario's top-level
//! `sources:` (its full reference, and its kind: `report` for the field report the
//! scenario is built on, `other` for any other source); the rest of the tag says
//! where in it, or quotes it. `assumption` marks an assumption and must come with
//! the `range` that sensitivity analysis samples.

#include "passage/config/node.hpp"

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace passage::engine::config {

//! The limits a number must respect, and how to say them.
struct Bounds
{
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;
  bool hi_open = false;
  bool integer = false;
  bool allow_infinity = false;
  const char* what = "a number";
};

inline constexpr Bounds kAnyNumber{};
inline constexpr Bounds kProbability{
  0.0, 1.0, false, false, false, false, "a probability in [0, 1]"
};
inline constexpr Bounds kShare{ 0.0, 1.0, false, false, false, false, "a share in [0, 1]" };
inline constexpr Bounds kNonNegative{
  0.0, std::numeric_limits<double>::infinity(), false, true, false, false, "a number >= 0"
};
inline constexpr Bounds kPositive{
  0.0, std::numeric_limits<double>::infinity(), true, true, false, false, "a number > 0"
};
inline constexpr Bounds kDuration{
  0.0, std::numeric_limits<double>::infinity(), false, true, false, false, "a duration in days >= 0"
};
inline constexpr Bounds kMoney{
  0.0, 1.0e12, false, false, false, false, "an amount of CFA in [0, 10^12]"
};
inline constexpr Bounds kCount{ 0.0, 9.0e15, false, false, true, false, "a whole number >= 0" };
inline constexpr Bounds kPositiveCount{
  1.0, 9.0e15, false, false, true, false, "a whole number >= 1"
};

//! Where a parameter's number comes from.
enum class ProvenanceKind
{
  None,
  Report,      //!< a source declared `kind: report`
  OtherSource, //!< a source declared `kind: other`
  Assumption,
  Source, //!< a source tag read without the scenario's sources (kind not known)
};

//! One entry of the scenario's top-level `sources:` list.
struct Source
{
  std::string id;
  ProvenanceKind kind = ProvenanceKind::OtherSource; //!< Report or OtherSource
  std::string author;
  std::string year;
  std::string title;
  std::string publisher;
  std::string url;
  Mark mark; //!< where it is declared
  //! "Author (year). Title. Publisher. url", the parts present.
  std::string reference() const;
};

//! The scenario's sources, in declaration order.
class Sources
{
public:
  const Source* find(std::string_view id) const noexcept;
  const std::vector<Source>& all() const noexcept { return list_; }
  std::vector<std::string> ids() const;
  void add(Source s) { list_.push_back(std::move(s)); }

private:
  std::vector<Source> list_;
};

//! Read the top-level `sources:` list (nullptr when the scenario has none).
Sources read_sources(const Node* list, Diagnostics& d);

//! A source tag's id (its first word, when it is one: a letter, then letters,
//! digits, _ or -) and the rest (separating ':' or ',' dropped); the id is empty
//! when the tag does not start with one.
std::pair<std::string, std::string> split_source_tag(std::string_view text);

//! Check every `source` tag in the tree: it must start with a declared id. An
//! unknown id, and a tag in the old form ("report §2: ...", "other: ..."), are
//! errors at the tag.
void check_source_tags(const Node& root, const Sources& sources, Diagnostics& d);

struct Provenance
{
  ProvenanceKind kind = ProvenanceKind::None;
  std::string text;              //!< the `source` or `assumption` text
  std::string source;            //!< the id a source tag names (its first word)
  std::string where;             //!< the rest of a source tag: section, page, quote
  const Source* cited = nullptr; //!< the declared source, when `sources` was given
  std::optional<std::pair<double, double>> range;
  std::string unit;
};

//! True for `{value: ..., source|assumption: ..., ...}`.
bool is_parameter_leaf(const Node& n);
//! The value of a parameter (the node itself when written plainly).
const Node& value_of(const Node& n);
Node& value_of(Node& n);
//! Check a parameter's provenance keys; returns what they say. With `sources`,
//! a source tag's kind is its source's (`Report` or `OtherSource`; an unknown id,
//! reported by check_source_tags, reads as `OtherSource`); without, `Source`.
Provenance read_provenance(const Node& n, Diagnostics& d, const Sources* sources = nullptr);
std::string_view provenance_label(ProvenanceKind k);

//! The digits of a whole number in [0, 2^64 - 1] (an optional leading '+'),
//! exactly; nothing for a sign, a fraction, an exponent, spaces or overflow.
std::optional<std::uint64_t> parse_unsigned(std::string_view text);

//! A number within bounds, or an error naming the place and the expectation.
std::optional<double> read_number(const Node& n, Diagnostics& d, const Bounds& b,
                                  std::string_view name);

//! Reads one mapping: typed getters that record problems, and a final check
//! that reports unknown keys with a did-you-mean.
class MapReader
{
public:
  //! `what` names the mapping in messages ("segment 'gao_anefis'");
  //! `allowed` lists every key the mapping may hold; `anchor` is where a
  //! missing key is reported (the mapping's own key, ideally).
  MapReader(const Node* node, const Mark& anchor, Diagnostics& d, std::string what,
            std::initializer_list<std::string_view> allowed);
  //! The mapping under `key` of `parent`, anchored at that key.
  static MapReader child(const Node& parent, std::string_view key, Diagnostics& d, std::string what,
                         std::initializer_list<std::string_view> allowed);

  bool ok() const noexcept { return node_ != nullptr; }
  const Node* node() const noexcept { return node_; }
  const Mark& mark() const noexcept { return mark_; }
  Diagnostics& diagnostics() noexcept { return d_; }
  const std::string& what() const noexcept { return what_; }

  //! The raw node under `key` (parameter wrappers included), or nullptr.
  const Node* get(std::string_view key) const;
  //! Like get, but a missing key is an error.
  const Node* require(std::string_view key);

  //! Typed reads of parameters (provenance checked); a missing key yields the
  //! fallback, or an error when there is none.
  double number(std::string_view key, const Bounds& b,
                std::optional<double> fallback = std::nullopt);
  std::int64_t integer(std::string_view key, const Bounds& b,
                       std::optional<std::int64_t> fallback = std::nullopt);
  //! A whole number in [0, 2^64 - 1] read exactly from its digits (a seed):
  //! never through a double, which holds only 53 bits.
  std::uint64_t unsigned_integer(std::string_view key,
                                 std::optional<std::uint64_t> fallback = std::nullopt);
  std::string string(std::string_view key, std::optional<std::string> fallback = std::nullopt);
  bool boolean(std::string_view key, std::optional<bool> fallback = std::nullopt);
  //! [lo, hi] with lo <= hi, each within bounds.
  std::pair<double, double> interval(
    std::string_view key, const Bounds& b,
    std::optional<std::pair<double, double>> fallback = std::nullopt);
  //! A list of numbers within bounds.
  std::vector<double> numbers(std::string_view key, const Bounds& b,
                              std::optional<std::vector<double>> fallback = std::nullopt);

  //! Report keys that are not allowed.
  void finish();

private:
  const Node* node_ = nullptr;
  Mark mark_;
  Diagnostics& d_;
  std::string what_;
  std::vector<std::string> allowed_;
};

} // namespace passage::engine::config
