#pragma once
//! What the engine asks of a model. A Model is built once from a validated
//! scenario and shared, read-only, by all threads; each thread gets a Worker
//! (its own simulation, streams and scratch space, reused from one replication
//! to the next) that runs replications by index.

#include "passage/config/node.hpp"
#include "passage/core/simulation.hpp"
#include "passage/stats/tally.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace passage::engine {

namespace h5 {
class Group;
}

//! One per-replication metric. A column with `series` set is one period of a
//! time series (docs/results-format.md, /series): a model lists its series
//! columns after its plain metrics, grouped by series, periods in order 0, 1, ...
struct MetricInfo
{
  std::string name;
  std::string unit;
  std::string description;
  std::string group = {};   //!< the report section it is shown in ("" = general)
  std::string series = {};  //!< non-empty: this column is one period of that series
  std::uint32_t period = 0; //!< with `series`: its period index
};

//! One time series of a model: `periods` consecutive metric columns from `first`.
struct SeriesInfo
{
  std::string name;
  std::string unit;
  std::string description;
  std::string group;
  std::size_t first = 0;   //!< index of period 0's column among the metrics
  std::size_t periods = 0; //!< columns, one per period
};

//! The columns of one series, named "<series>[<period>]" (a helper for models).
std::vector<MetricInfo> series_columns(const std::string& series, const std::string& unit,
                                       const std::string& description, std::size_t periods,
                                       const std::string& group = {});
//! The metrics that are not series periods (the /replications and /summary columns).
std::vector<MetricInfo> plain_metrics(const std::vector<MetricInfo>& metrics);
//! The series among `metrics`, checked against the model's contract and its
//! period edges (RuntimeError naming the fault: a bug in the model).
std::vector<SeriesInfo> series_of(const std::vector<MetricInfo>& metrics,
                                  const std::vector<double>& edges);

//! One per-entity histogram, accumulated over all replications.
struct HistogramInfo
{
  std::string name;
  std::string unit;
  std::string description;
  double lo = 0.0;
  double hi = 1.0;
  std::size_t bins = 10;
};

//! One line of a journey trace: what a reader sees (`event`, the model's words)
//! and what a program reads (`kind`, a short code naming the step, and
//! `detail`, the event's own fields as "key=value" pairs joined by ';').
struct TraceRecord
{
  std::uint64_t entity = 0;
  double time = 0.0;
  std::string place;
  std::string event;
  std::int64_t amount = 0;
  std::string actor;
  std::string kind = {};
  std::string detail = {};
};

//! What one replication reports.
struct ReplicationOutput
{
  std::span<double> metrics;                 //!< one slot per MetricInfo, to fill
  std::span<stats::Histogram> histograms;    //!< one per HistogramInfo, to add to
  std::uint64_t events = 0;                  //!< events processed, to set
  std::vector<TraceRecord>* trace = nullptr; //!< non-null: record a trace here
};

struct WorkerOptions
{
  std::uint64_t seed = 1;
  Stepping stepping = Stepping::Inline;
  std::uint64_t trace_entities = 0; //!< how many entities of replication 0 to trace
};

class Worker
{
public:
  virtual ~Worker() = default;
  virtual void run(std::uint64_t replication, ReplicationOutput& out) = 0;
};

class Model
{
public:
  virtual ~Model() = default;
  //! The `model:` name.
  virtual std::string kind() const = 0;
  virtual std::vector<MetricInfo> metrics() const = 0;
  virtual std::vector<HistogramInfo> histograms() const { return {}; }
  virtual std::unique_ptr<Worker> make_worker(const WorkerOptions& options) const = 0;
  //! The simulated horizon in days, if the model has one (0: none).
  virtual double horizon_days() const { return 0.0; }
  //! The period edges of the model's series in days (periods + 1 values,
  //! increasing; e.g. monthly over a year: 0, 30.4, ..., 365). Empty: no series.
  virtual std::vector<double> series_edges() const { return {}; }
  //! Model-specific content of a results file (e.g. parameter provenance).
  virtual void write_results(h5::Group& /*root*/) const {}
  //! What a comparison records of an arm's model, in the arm's group (a run
  //! records write_results instead); e.g. the posterior it drew from.
  virtual void write_arm_results(h5::Group& /*arm*/) const {}
};

struct Scenario;

//! Builds a model from a scenario, adding every problem found to `d`.
using ModelFactory =
  std::function<std::unique_ptr<Model>(const Scenario& scenario, config::Diagnostics& d)>;

//! The models a build knows, by `model:` name.
class ModelRegistry
{
public:
  void add(std::string name, ModelFactory factory, std::string description);
  bool has(const std::string& name) const { return factories_.count(name) != 0; }
  //! Build the scenario's model; ConfigError with every problem when invalid.
  std::unique_ptr<Model> create(const Scenario& scenario) const;
  std::vector<std::string> names() const;
  const std::string& description(const std::string& name) const;

private:
  std::map<std::string, std::pair<ModelFactory, std::string>> factories_;
};

} // namespace passage::engine
