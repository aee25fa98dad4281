#include "passage/config/path.hpp"

#include "passage/config/reader.hpp"

#include <cctype>
#include <charconv>

namespace passage::engine::config {

namespace {

// Split "a.b.c" at dots.
std::vector<std::string> split_path(const std::string& path)
{
  std::vector<std::string> parts;
  std::string cur;
  for (const char c : path) {
    if (c == '.') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  return parts;
}

std::vector<std::string> keys_of(const Node& n)
{
  std::vector<std::string> keys;
  if (n.is_map()) {
    for (const auto& e : n.entries()) {
      keys.push_back(e.key);
    }
  } else if (n.is_sequence()) {
    for (const auto& i : n.items()) {
      if (i.is_map()) {
        for (const char* k : { "name", "id" }) {
          if (const Node* v = i.find(k); v && v->is_scalar()) {
            keys.push_back(v->text());
          }
        }
      }
    }
  }
  return keys;
}

} // namespace

Node* find_path(Node& root, const std::string& path, const Mark& where, Diagnostics& d)
{
  Node* cur = &root;
  std::string walked;
  for (const auto& part : split_path(path)) {
    if (part.empty()) {
      d.error(where, "'" + path + "' is not a valid dotted path",
              "write keys separated by dots, e.g. parameters.arrival_rate");
      return nullptr;
    }
    // Step through a parameter's wrapper to its value.
    Node* next = nullptr;
    if (cur->is_map()) {
      next = cur->find(part);
      if (next == nullptr && config::is_parameter_leaf(*cur)) {
        next = config::value_of(*cur).is_map() ? config::value_of(*cur).find(part) : nullptr;
      }
    } else if (cur->is_sequence()) {
      std::size_t idx = 0;
      bool numeric = !part.empty();
      for (const char c : part) {
        numeric = numeric && std::isdigit(static_cast<unsigned char>(c));
      }
      if (numeric) {
        // An index too large for size_t is past the end like any other.
        const auto r = std::from_chars(part.data(), part.data() + part.size(), idx);
        if (r.ec == std::errc{} && idx < cur->items().size()) {
          next = &cur->items()[idx];
        }
      } else {
        for (auto& item : cur->items()) {
          if (!item.is_map()) {
            continue;
          }
          for (const char* k : { "name", "id" }) {
            if (const Node* v = item.find(k); v && v->is_scalar() && v->text() == part) {
              next = &item;
            }
          }
        }
      }
    }
    if (next == nullptr) {
      const std::string at = walked.empty() ? "the top level" : "'" + walked + "'";
      std::string hint;
      if (const auto s = config::did_you_mean(part, keys_of(*cur))) {
        hint = "did you mean '" + (walked.empty() ? "" : walked + ".") + *s + "'?";
      } else if (cur->is_map() || cur->is_sequence()) {
        const auto keys = keys_of(*cur);
        hint = "keys under " + at + ": ";
        for (std::size_t i = 0; i < keys.size() && i < 12; ++i) {
          hint += (i ? ", " : "") + keys[i];
        }
        if (keys.size() > 12) {
          hint += ", ...";
        }
      }
      d.error(where, "unknown key '" + part + "' under " + at + " in '" + path + "'", hint);
      return nullptr;
    }
    walked += (walked.empty() ? "" : ".") + part;
    cur = next;
  }
  return cur;
}

void set_path(Node& root, const std::string& path, Node value, const Mark& where, Diagnostics& d)
{
  const auto dot = path.rfind('.');
  Node* parent = &root;
  if (dot != std::string::npos) {
    parent = find_path(root, path.substr(0, dot), where, d);
    if (parent == nullptr) {
      return;
    }
  }
  const std::string last = dot == std::string::npos ? path : path.substr(dot + 1);
  if (last.empty()) {
    d.error(where, "'" + path + "' is not a valid dotted path");
    return;
  }
  Node& container = is_parameter_leaf(*parent) ? value_of(*parent) : *parent;
  if (container.is_map() && container.find(last) == nullptr) {
    container.set(last, std::move(value), where);
    return;
  }
  Node* target = find_path(root, path, where, d);
  if (target != nullptr) {
    value_of(*target) = std::move(value);
  }
}

} // namespace passage::engine::config
