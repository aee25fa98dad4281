// The scenario's `sources:` list and the `source` tags that cite it.
#include "passage/config/reader.hpp"

#include <cctype>

namespace passage::engine::config {

namespace {

bool id_char(char c)
{
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
}

bool valid_id(std::string_view id)
{
  if (id.empty() || std::isalpha(static_cast<unsigned char>(id[0])) == 0) {
    return false;
  }
  for (const char c : id) {
    if (!id_char(c)) {
      return false;
    }
  }
  return true;
}

std::string join(const std::vector<std::string>& v)
{
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    out += (i ? ", " : "") + v[i];
  }
  return out;
}

// A tag as the reader sees it, shortened for a message (never inside a UTF-8
// character: tags cite sections as §).
std::string excerpt(const std::string& text)
{
  constexpr std::size_t kMax = 40;
  if (text.size() <= kMax) {
    return text;
  }
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return text.substr(0, cut) + "...";
}

// The id to suggest in place of an old-style tag's first word: the first declared
// source of that kind, or a placeholder.
std::string suggested_id(const Sources& sources, ProvenanceKind kind)
{
  for (const auto& s : sources.all()) {
    if (s.kind == kind) {
      return s.id;
    }
  }
  return "<id>";
}

void check_tag(const Node& tag, const Sources& sources, Diagnostics& d)
{
  const std::string& text = tag.text();
  const auto [id, where] = split_source_tag(text);
  if (!id.empty() && sources.find(id) != nullptr) {
    return;
  }
  const std::string declared =
    sources.all().empty() ? "the scenario declares no sources: add a top-level 'sources:' list"
                          : "declared sources: " + join(sources.ids());
  if (id.empty()) {
    d.error(tag.mark(), "a source tag starts with the id of one of the scenario's sources",
            "write source: \"<id> <section or quote>\"; " + declared);
    return;
  }
  if (id == "report" || id == "other") {
    const auto kind = id == "report" ? ProvenanceKind::Report : ProvenanceKind::OtherSource;
    d.error(tag.mark(),
            "old-style source tag \"" + excerpt(text) + "\": a tag now starts with a source id",
            "write source: \"" + suggested_id(sources, kind) + (where.empty() ? "" : " ") + where +
              "\", the id naming an entry of the top-level 'sources:' list (id, kind: " +
              (id == "report" ? "report" : "other") + ", author, year, title); " + declared);
    return;
  }
  std::string hint = declared;
  if (const auto s = did_you_mean(id, sources.ids())) {
    hint = "did you mean '" + *s + "'? " + hint;
  }
  d.error(tag.mark(), "unknown source '" + id + "'", hint);
}

void walk(const Node& n, const Sources& sources, Diagnostics& d)
{
  if (n.is_map()) {
    if (is_parameter_leaf(n)) {
      if (const Node* tag = n.find("source"); tag != nullptr && tag->is_scalar()) {
        check_tag(*tag, sources, d);
      }
    }
    for (const auto& e : n.entries()) {
      walk(e.value, sources, d);
    }
  } else if (n.is_sequence()) {
    for (const auto& item : n.items()) {
      walk(item, sources, d);
    }
  }
}

} // namespace

std::pair<std::string, std::string> split_source_tag(std::string_view text)
{
  std::size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])) != 0) {
    ++i;
  }
  const std::size_t start = i;
  while (i < text.size() && id_char(text[i])) {
    ++i;
  }
  std::string id(text.substr(start, i - start));
  if (!valid_id(id)) {
    return { std::string(), std::string(text.substr(start)) };
  }
  // "id §2", "id: §2", "id, p. 4": the separator is not part of the location.
  while (i < text.size() && (text[i] == ':' || text[i] == ',' ||
                             std::isspace(static_cast<unsigned char>(text[i])) != 0)) {
    ++i;
  }
  return { std::move(id), std::string(text.substr(i)) };
}

std::string Source::reference() const
{
  std::string r = author;
  if (!year.empty()) {
    r += (r.empty() ? "(" : " (") + year + ")";
  }
  for (const auto* part : { &title, &publisher, &url }) {
    if (!part->empty()) {
      r += (r.empty() ? "" : ". ") + *part;
    }
  }
  return r;
}

const Source* Sources::find(std::string_view id) const noexcept
{
  for (const auto& s : list_) {
    if (s.id == id) {
      return &s;
    }
  }
  return nullptr;
}

std::vector<std::string> Sources::ids() const
{
  std::vector<std::string> out;
  for (const auto& s : list_) {
    out.push_back(s.id);
  }
  return out;
}

Sources read_sources(const Node* list, Diagnostics& d)
{
  Sources out;
  if (list == nullptr || list->is_null()) {
    return out;
  }
  if (!list->is_sequence()) {
    d.error(list->mark(), "'sources' must be a list of sources",
            "- {id: molenaar2017, kind: report, author: \"...\", year: 2017, title: \"...\"}");
    return out;
  }
  for (std::size_t k = 0; k < list->items().size(); ++k) {
    const Node& item = list->items()[k];
    const Node* idn = item.is_map() ? item.find("id") : nullptr;
    const std::string label = idn != nullptr && idn->is_scalar()
                                ? "source '" + idn->text() + "'"
                                : "source " + std::to_string(k + 1);
    MapReader r(&item, item.mark(), d, label,
                { "id", "kind", "author", "year", "title", "publisher", "url", "note" });
    if (!r.ok()) {
      continue;
    }
    Source s;
    s.mark = item.mark();
    s.id = r.string("id");
    if (idn != nullptr && !valid_id(s.id)) {
      d.error(idn->mark(),
              "a source id is a letter followed by letters, digits, _ or - (got '" + s.id + "')");
    }
    if (const Source* first = out.find(s.id); first != nullptr && idn != nullptr) {
      d.error(idn->mark(), "source '" + s.id + "' is declared twice",
              "first declared at line " + std::to_string(first->mark.line));
    }
    const std::string kind = r.string("kind");
    if (kind == "report") {
      s.kind = ProvenanceKind::Report;
    } else if (kind == "other") {
      s.kind = ProvenanceKind::OtherSource;
    } else if (const Node* kn = r.get("kind")) {
      d.error(value_of(*kn).mark(), "a source's kind is 'report' or 'other', got '" + kind + "'",
              "report: the field report the scenario is built on; other: any other source");
    }
    s.author = r.string("author");
    s.year = r.string("year");
    s.title = r.string("title");
    s.publisher = r.string("publisher", std::string());
    s.url = r.string("url", std::string());
    r.string("note", std::string());
    r.finish();
    out.add(std::move(s));
  }
  return out;
}

void check_source_tags(const Node& root, const Sources& sources, Diagnostics& d)
{
  if (!root.is_map()) {
    return;
  }
  for (const auto& e : root.entries()) {
    if (e.key != "sources") {
      walk(e.value, sources, d);
    }
  }
}

} // namespace passage::engine::config
