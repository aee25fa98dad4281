#pragma once
//! Observations to calibrate against (docs/calibration.md is the reference):
//!
//!     observations:
//!       description: what was observed, where
//!       targets:
//!         - name: gao_arrivals_july                # unique, [a-z0-9_]
//!           output: monitor_gao_fmp_arrivals[6]    # a metric, or a series period
//!           # or `sum: [col, col, ...]`, or `share: {of: col, in: col}`
//!           value: 512                            # what was observed
//!           source: iomdtm2016                    # an id of `sources:`
//!           error: {model: poisson}               # or {model: negative_binomial, dispersion: k}
//!                                                 # or {model: normal, sd: 0.05}
//!           coverage: 1.0                         # factor on the model's value (not shares)
//!       sources:
//!         iomdtm2016: {title: "...", url: "...", accessed: "..."}
//!
//! Read once into plain structs, every problem reported with its file:line:col;
//! the columns are checked against the model's metrics (with a did-you-mean).

#include "passage/config/node.hpp"
#include "passage/run/model.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace passage::engine::calib {

//! How an observed figure scatters around the model's value.
enum class ErrorModel
{
  Poisson,          //!< a count: variance = value
  NegativeBinomial, //!< an overdispersed count: variance = value + value^2 / dispersion
  Normal            //!< any continuous figure (a share): variance = sd^2
};

//! "poisson", "negative_binomial", "normal"
const char* error_model_name(ErrorModel m) noexcept;

//! How a target is made of model columns.
enum class TargetKind
{
  Output, //!< one column
  Sum,    //!< the sum of several columns
  Share   //!< a ratio of two columns: of / in
};

//! "output", "sum", "share"
const char* target_kind_name(TargetKind k) noexcept;

//! One observed figure.
struct Target
{
  std::string name;
  TargetKind kind = TargetKind::Output;
  //! The model columns: one (output), several (sum), {of, in} (share).
  std::vector<std::string> columns;
  std::vector<config::Mark> column_marks;
  double value = 0.0; //!< observed
  std::string source;
  ErrorModel error = ErrorModel::Poisson;
  double dispersion = 0.0; //!< negative_binomial: k
  double sd = 0.0;         //!< normal
  double coverage = 1.0;   //!< the model's value is multiplied by it
  //! A range written beside the coverage (`coverage: {value: .., assumption: .., range: ..}`).
  std::optional<std::pair<double, double>> coverage_range;
  config::Mark mark; //!< the target's `name`

  //! The target's value in one replication, from the values of its columns (in
  //! the order of `columns`): coverage x the column (sum), or of / in (share;
  //! NaN when `in` is 0).
  double replication_value(std::span<const double> column_values) const;
  //! The error model's variance at x (a count's at least 1, so that an
  //! observed 0 still has a scale): poisson max(x, 1), negative_binomial
  //! max(x, 1) + x^2 / k, normal sd^2.
  double error_variance(double x) const;
  //! The error model's variance at the observed value: the scale of the
  //! target in ABC's distance and the observation term of history matching.
  double observation_variance() const { return error_variance(value); }
  //! E.g. "poisson", "negative_binomial (k = 5)", "normal (sd 0.05)".
  std::string describe_error() const;
};

//! One entry of `sources:`.
struct ObservationSource
{
  std::string id;
  std::string title;
  std::string author;
  std::string year;
  std::string publisher;
  std::string url;
  std::string accessed;
  std::string note;
  config::Mark mark;
};

struct Observations
{
  std::string file;
  std::string description;
  std::vector<Target> targets;
  std::vector<ObservationSource> sources;
  //! The file as read (YAML), stored in results files.
  std::string text;

  //! Every column the targets read, each once, in order of first use.
  std::vector<std::string> columns() const;
  std::vector<std::string> names() const;
  std::vector<double> observed() const;
  const ObservationSource* find_source(const std::string& id) const noexcept;
};

//! A target's model value at a point and its replication variance.
struct TargetValue
{
  double mean = 0.0;            //!< the mean over the replications whose value is finite
  double variance = 0.0;        //!< their sample variance / their number (NaN with fewer than 2)
  std::size_t replications = 0; //!< those with a finite value (a share's `in` may be 0)
};

//! The value of every target at one point. `column(c)` gives the R runs of
//! column c of Observations::columns(), one per replication.
std::vector<TargetValue> target_values(
  const Observations& obs, std::size_t replications,
  const std::function<std::span<const double>(std::size_t column)>& column);

//! Read an observations file and check it against the model's metrics
//! (ConfigError holding every problem, at the file's line:col).
Observations load_observations(const std::string& path, const std::vector<MetricInfo>& metrics);
//! The same from a parsed tree (tests).
Observations read_observations(const config::Node& root, const std::string& file,
                               const std::vector<MetricInfo>& metrics);

} // namespace passage::engine::calib
