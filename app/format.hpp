#pragma once
//! Text output for people (aligned tables, thousands separators) and for
//! pipelines (JSON, CSV).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace passage::app {

//! 35012.4 -> "35,012"; 0.012345 -> "0.01235"; NaN -> "-". `sig` significant
//! digits for values below 1000.
std::string human(double v, int sig = 4);
//! How to show amounts of a unit in a table: large CFA sums in millions.
struct Display
{
  double factor = 1.0; //!< divide values by this
  std::string unit;    //!< the unit to print
};
Display display_for(const std::string& unit, double magnitude);

//! An integer with thousands separators.
std::string human_int(std::int64_t v);

//! A plain-text table with aligned columns (numbers right-aligned).
class Table
{
public:
  explicit Table(std::vector<std::string> header, std::vector<bool> right_align = {});
  void row(std::vector<std::string> cells);
  void rule();
  std::string str(std::string_view indent = "") const;

private:
  std::vector<std::string> header_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

//! A small JSON writer: nested objects and arrays, NaN and infinity as null.
class Json
{
public:
  Json& begin_object();
  Json& end_object();
  Json& begin_array();
  Json& end_array();
  Json& key(std::string_view k);
  Json& value(double v);
  Json& value(std::int64_t v);
  Json& value(std::uint64_t v);
  Json& value(int v) { return value(static_cast<std::int64_t>(v)); }
  Json& value(bool v);
  Json& value(std::string_view s);
  Json& value(const char* s) { return value(std::string_view(s)); }
  Json& null();
  const std::string& str() const { return out_; }

private:
  void separator();
  std::string out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

std::string json_escape(std::string_view s);
//! CSV field quoting.
std::string csv_field(std::string_view s);
std::string csv_number(double v);

} // namespace passage::app
