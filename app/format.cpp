#include "format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace passage::app {

std::string human_int(std::int64_t v)
{
  const bool neg = v < 0;
  const std::uint64_t magnitude =
    neg ? std::uint64_t{ 0 } - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  const std::string digits = std::to_string(magnitude);
  std::string out;
  const int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    out += digits[static_cast<std::size_t>(i)];
    const int left = n - 1 - i;
    if (left > 0 && left % 3 == 0) {
      out += ',';
    }
  }
  return neg ? "-" + out : out;
}

Display display_for(const std::string& unit, double magnitude)
{
  if (unit == "CFA" && std::fabs(magnitude) >= 1.0e7) {
    return { 1.0e6, "million CFA" };
  }
  return { 1.0, unit };
}

std::string human(double v, int sig)
{
  if (std::isnan(v)) {
    return "-";
  }
  if (std::isinf(v)) {
    return v > 0 ? "inf" : "-inf";
  }
  const double a = std::fabs(v);
  if (a >= 1000.0 && a < 9.0e18) {
    return human_int(static_cast<std::int64_t>(std::llround(v)));
  }
  if (a == 0.0) {
    return "0";
  }
  if (a < 1.0e-4) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*e", std::max(0, sig - 1), v);
    return buf;
  }
  // Enough decimals for `sig` significant digits, trailing zeros trimmed.
  const int magnitude = static_cast<int>(std::floor(std::log10(a)));
  const int decimals = std::clamp(sig - 1 - magnitude, 0, 10);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') {
      s.pop_back();
    }
    if (!s.empty() && s.back() == '.') {
      s.pop_back();
    }
  }
  return s == "-0" ? "0" : s;
}

// ---------------------------------------------------------------------------

Table::Table(std::vector<std::string> header, std::vector<bool> right_align)
  : header_(std::move(header)), right_(std::move(right_align))
{
  right_.resize(header_.size(), false);
}

void Table::row(std::vector<std::string> cells)
{
  cells.resize(header_.size());
  rows_.push_back(std::move(cells));
}

void Table::rule()
{
  rows_.emplace_back();
}

namespace {
std::size_t display_width(std::string_view s)
{
  // Count UTF-8 code points, not bytes.
  std::size_t n = 0;
  for (const char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++n;
    }
  }
  return n;
}
} // namespace

std::string Table::str(std::string_view indent) const
{
  std::vector<std::size_t> w(header_.size(), 0);
  for (std::size_t j = 0; j < header_.size(); ++j) {
    w[j] = display_width(header_[j]);
  }
  for (const auto& r : rows_) {
    for (std::size_t j = 0; j < r.size(); ++j) {
      w[j] = std::max(w[j], display_width(r[j]));
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s(indent);
    for (std::size_t j = 0; j < cells.size(); ++j) {
      const std::size_t pad = w[j] - display_width(cells[j]);
      if (right_[j]) {
        s += std::string(pad, ' ') + cells[j];
      } else {
        s += cells[j] + (j + 1 < cells.size() ? std::string(pad, ' ') : "");
      }
      if (j + 1 < cells.size()) {
        s += "  ";
      }
    }
    while (!s.empty() && s.back() == ' ') {
      s.pop_back();
    }
    return s + "\n";
  };
  std::size_t total = 0;
  for (const auto x : w) {
    total += x + 2;
  }
  std::string out = line(header_);
  out += std::string(indent) + std::string(total > 2 ? total - 2 : 0, '-') + "\n";
  for (const auto& r : rows_) {
    if (r.empty()) {
      out += "\n";
    } else {
      out += line(r);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------

std::string json_escape(std::string_view s)
{
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

void Json::separator()
{
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) {
      out_ += ", ";
    }
    first_.back() = false;
  }
}

Json& Json::begin_object()
{
  separator();
  out_ += "{";
  first_.push_back(true);
  return *this;
}
Json& Json::end_object()
{
  out_ += "}";
  first_.pop_back();
  return *this;
}
Json& Json::begin_array()
{
  separator();
  out_ += "[";
  first_.push_back(true);
  return *this;
}
Json& Json::end_array()
{
  out_ += "]";
  first_.pop_back();
  return *this;
}
Json& Json::key(std::string_view k)
{
  separator();
  out_ += json_escape(k) + ": ";
  after_key_ = true;
  return *this;
}
Json& Json::value(double v)
{
  separator();
  if (!std::isfinite(v)) {
    out_ += "null";
  } else {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    out_ += buf;
  }
  return *this;
}
Json& Json::value(std::int64_t v)
{
  separator();
  out_ += std::to_string(v);
  return *this;
}
Json& Json::value(std::uint64_t v)
{
  separator();
  out_ += std::to_string(v);
  return *this;
}
Json& Json::value(bool v)
{
  separator();
  out_ += v ? "true" : "false";
  return *this;
}
Json& Json::value(std::string_view s)
{
  separator();
  out_ += json_escape(s);
  return *this;
}
Json& Json::null()
{
  separator();
  out_ += "null";
  return *this;
}

std::string csv_field(std::string_view s)
{
  if (s.find_first_of(",\"\n") == std::string_view::npos) {
    return std::string(s);
  }
  std::string out = "\"";
  for (const char c : s) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  return out + "\"";
}

std::string csv_number(double v)
{
  if (!std::isfinite(v)) {
    return "";
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

} // namespace passage::app
