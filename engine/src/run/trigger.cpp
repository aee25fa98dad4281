#include "passage/run/trigger.hpp"

#include "passage/errors.hpp"

#include <charconv>
#include <cmath>

namespace passage::engine {

Trigger Trigger::parse(const std::string& text)
{
  const auto colon = text.find(':');
  const auto eq = text.find('=', colon == std::string::npos ? 0 : colon);
  const std::string hint =
    "write METRIC:rel_ci=0.01, METRIC:halfwidth=X or METRIC:diff_halfwidth=X";
  if (colon == std::string::npos || eq == std::string::npos || colon == 0) {
    throw UsageError("cannot read the trigger '" + text + "'", hint);
  }
  Trigger t;
  t.text = text;
  t.metric = text.substr(0, colon);
  const std::string kind = text.substr(colon + 1, eq - colon - 1);
  if (kind == "rel_ci") {
    t.kind = Kind::RelCi;
  } else if (kind == "halfwidth") {
    t.kind = Kind::HalfWidth;
  } else if (kind == "diff_halfwidth") {
    t.kind = Kind::DiffHalfWidth;
  } else {
    throw UsageError("unknown trigger '" + kind + "' in '" + text + "'", hint);
  }
  const std::string value = text.substr(eq + 1);
  const auto r = std::from_chars(value.data(), value.data() + value.size(), t.target);
  if (r.ec != std::errc{} || r.ptr != value.data() + value.size() || !(t.target > 0.0) ||
      !std::isfinite(t.target)) {
    throw UsageError("the target of '" + text + "' must be a number > 0", hint);
  }
  return t;
}

} // namespace passage::engine
