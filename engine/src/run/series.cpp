#include "passage/errors.hpp"
#include "passage/run/model.hpp"

#include <cmath>
#include <set>

namespace passage::engine {

std::vector<MetricInfo> series_columns(const std::string& series, const std::string& unit,
                                       const std::string& description, std::size_t periods,
                                       const std::string& group)
{
  std::vector<MetricInfo> out;
  out.reserve(periods);
  for (std::size_t p = 0; p < periods; ++p) {
    out.push_back(MetricInfo{ series + "[" + std::to_string(p) + "]", unit, description, group,
                              series, static_cast<std::uint32_t>(p) });
  }
  return out;
}

std::vector<MetricInfo> plain_metrics(const std::vector<MetricInfo>& metrics)
{
  std::vector<MetricInfo> out;
  for (const auto& m : metrics) {
    if (m.series.empty()) {
      out.push_back(m);
    }
  }
  return out;
}

std::vector<SeriesInfo> series_of(const std::vector<MetricInfo>& metrics,
                                  const std::vector<double>& edges)
{
  auto fault = [](const std::string& what) {
    return RuntimeError("the model's time series are malformed: " + what +
                        " (a bug in the model: please report it)");
  };
  std::vector<SeriesInfo> out;
  std::set<std::string> names;
  std::set<std::string> series_names;
  for (std::size_t j = 0; j < metrics.size(); ++j) {
    const auto& m = metrics[j];
    if (!names.insert(m.name).second) {
      throw fault("two columns are called '" + m.name + "'");
    }
    if (m.series.empty()) {
      if (!out.empty()) {
        throw fault("the plain metric '" + m.name + "' comes after the series columns");
      }
      continue;
    }
    if (m.series == "edges" || m.series.find('/') != std::string::npos || m.series == ".") {
      throw fault("a series cannot be called '" + m.series + "'");
    }
    if (out.empty() || out.back().name != m.series) {
      if (!series_names.insert(m.series).second) {
        throw fault("the columns of series '" + m.series + "' are not together");
      }
      out.push_back(SeriesInfo{ m.series, m.unit, m.description, m.group, j, 0 });
    }
    auto& s = out.back();
    if (m.period != s.periods) {
      throw fault("column '" + m.name + "' is period " + std::to_string(m.period) + " of '" +
                  m.series + "', expected period " + std::to_string(s.periods));
    }
    ++s.periods;
  }
  if (out.empty()) {
    return out;
  }
  if (edges.size() < 2) {
    throw fault("there are series columns but no period edges (Model::series_edges)");
  }
  for (std::size_t i = 0; i < edges.size(); ++i) {
    if (!std::isfinite(edges[i]) || (i > 0 && !(edges[i] > edges[i - 1]))) {
      throw fault("the period edges are not finite and increasing");
    }
  }
  for (const auto& s : out) {
    if (s.periods + 1 != edges.size()) {
      throw fault("series '" + s.name + "' has " + std::to_string(s.periods) +
                  " periods, the edges " + std::to_string(edges.size() - 1));
    }
  }
  return out;
}

} // namespace passage::engine
