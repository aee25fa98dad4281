#pragma once
//! The results file of a run (layout: docs/results-format.md).
//!
//!     /                 attributes: passage_version, model, scenario_name, seed,
//!                       replications, events, wall_seconds, git_revision,
//!                       scenario (resolved YAML), scenario_hash, ...
//!     /replications/<metric>        float64[replications]; attrs unit, description
//!     /histograms/<name>/edges      float64[bins+1]
//!     /histograms/<name>/counts     uint64[bins]; attrs unit, underflow, overflow
//!     /summary/{metric, unit, n, mean, std, ci95_low, ci95_high}   one row per metric
//!     /series/<name>                float64[replications, periods]; attrs unit, description, group
//!     /series/edges                 float64[periods+1], the period edges in days
//!     /manifest                     attributes: build, dependencies, layout, times
//!
//! The file is written under a temporary name in the target directory and
//! renamed only when complete, so a results file is never partial.

#include "passage/io/hdf5.hpp"
#include "passage/run/model.hpp"
#include "passage/run/runner.hpp"
#include "passage/run/scenario.hpp"
#include "passage/stats/tally.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace passage::engine {

//! How a run was made (the provenance manifest).
struct RunManifest
{
  std::string command;
  std::uint64_t seed = 1;
  std::uint64_t replications = 0;
  unsigned threads = 1;
  int ranks = 1;
  std::string stepping = "inline";
  std::string started;  //!< ISO 8601, UTC
  std::string finished; //!< ISO 8601, UTC
  double wall_seconds = 0.0;
  bool resumed = false;
  std::string stop_reason = "replications"; //!< what ended the run
  double write_seconds = 0.0;               //!< of wall_seconds, spent waiting for HDF5 writes
  double write_behind_seconds = 0.0;        //!< rows written on another thread, overlapping the run
};

//! Build facts compiled into the binary.
struct BuildInfo
{
  static const char* version();
  static const char* git_revision();
  static const char* build_type();
  static const char* compiler();
  //! "HDF5 1.10.8, oneTBB 2021.8, ..."
  static std::string dependencies();
  static const char* rng_scheme();
};

//! The current time as ISO 8601 (UTC).
std::string utc_now();

//! Check that `path` can be written (its directory exists and is writable; an
//! existing regular file only with `force`; never a directory, device, FIFO,
//! socket or symbolic link). UsageError otherwise.
void check_output_path(const std::string& path, bool force);

//! A results file under construction: written under a temporary name in the
//! target directory and renamed into place by commit(); removed if abandoned
//! (or destroyed uncommitted, e.g. by an exception). Without `force` the rename
//! never replaces a file: if another process wrote the name meanwhile, commit()
//! keeps this file under a spare name ("x-PID.h5") and throws RuntimeError
//! naming it. With `force` it replaces only a regular file.
class OutputFile
{
public:
  OutputFile(std::string path, bool force);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  h5::File& file() { return *file_; }
  //! Close and rename into place.
  void commit();
  //! Close and remove the temporary file.
  void abandon() noexcept;
  const std::string& path() const noexcept { return path_; }

private:
  std::string path_;
  bool force_ = false;
  std::string tmp_;
  std::optional<h5::File> file_;
  bool committed_ = false;
};

//! The per-replication columns of a set of metrics: `GROUP/replications/<metric>`
//! for the plain metrics and, for the series columns (MetricInfo::series),
//! `GROUP/series/<name>` (replications x periods) with `GROUP/series/edges`.
class ReplicationColumns
{
public:
  //! `edges`: the series' period edges (Model::series_edges), checked with
  //! series_of.
  ReplicationColumns(h5::Group& parent, const std::vector<MetricInfo>& metrics,
                     std::size_t chunk = 65536, const std::vector<double>& edges = {});
  //! Append rows (count x metrics, row-major) in replication order; NaN or
  //! infinity is refused (RuntimeError naming the metric).
  void append(std::span<const double> rows);
  std::uint64_t rows() const noexcept { return rows_; }
  //! Wall seconds spent appending (HDF5 writing and compression).
  double seconds() const noexcept { return seconds_; }
  //! Everything written so far of metric j (for checkpoints).
  std::vector<double> read(std::size_t j) const;
  const std::vector<MetricInfo>& metrics() const noexcept { return metrics_; }
  //! Close the datasets (before reading them back).
  void close()
  {
    columns_.clear();
    series_columns_.clear();
  }

private:
  std::vector<MetricInfo> metrics_;
  std::vector<SeriesInfo> series_;
  std::vector<std::size_t> plain_;          //!< metric index of each plain column
  std::vector<std::size_t> where_;          //!< per metric: its plain column or series
  std::vector<h5::Dataset> columns_;        //!< one per plain metric
  std::vector<h5::Dataset> series_columns_; //!< one per series
  std::vector<double> buf_;
  std::uint64_t rows_ = 0;
  double seconds_ = 0.0;
};

//! One job's results file, end to end: opened under a temporary name, rows
//! appended as replications finish, then summary, histograms, trace, the
//! model's groups, the comparison and the manifest, and an atomic rename
//! (OutputFile). A run has one arm, laid out at the root; a comparison has a
//! baseline and its policies under /arms/<name>, and /comparison.
class ResultsWriter
{
public:
  struct Arm
  {
    std::string name;
    const Scenario* scenario = nullptr;
    const Model* model = nullptr;
    std::string overlay = {}; //!< the policy file ("" for the baseline)
    std::string title = {};   //!< the policy's title, if it has one
  };

  //! `kind` is "run" (one arm) or "compare"; `chunk` rows per HDF5 chunk.
  ResultsWriter(std::string path, bool force, std::string kind, std::vector<Arm> arms,
                std::size_t chunk);

  //! Arm k's per-replication columns (appended in replication order).
  std::vector<ReplicationColumns*> columns();
  //! Seconds spent appending rows, all arms.
  double append_seconds() const;

  //! Write everything else and rename into place; nothing is visible at
  //! `path` before this returns. `totals[k]` are arm k's; `common_random_numbers`
  //! is recorded for a comparison.
  void finish(const std::vector<RunTotals>& totals, RunManifest manifest,
              bool common_random_numbers = true);

  //! Give up: remove the temporary file.
  void abandon() noexcept { out_.abandon(); }
  const std::string& path() const noexcept { return out_.path(); }

private:
  h5::Group& group(std::size_t k);
  void write_comparison(bool common_random_numbers);

  OutputFile out_;
  std::string kind_;
  std::vector<Arm> arms_;
  std::vector<h5::Group> groups_; //!< a comparison's /arms/<name>
  std::vector<ReplicationColumns> columns_;
};

//! What a run file holds besides its replications and manifest: summary,
//! histograms, trace, the model's own groups.
void write_run_data(h5::Group& root, const Model& model, const RunTotals& totals);

//! Write `/summary` from the `/replications` columns (used by the writer and
//! by commands that assemble their own files).
void write_summary(h5::Group& root, const std::vector<MetricInfo>& metrics);
//! stats::summarise of one replication column, read back in blocks: memory does
//! not grow with the replications.
stats::Summary summarise_column(const h5::Dataset& column);
//! stats::paired of two arms' replication columns, read back in blocks.
stats::Paired paired_columns(const h5::Dataset& base, const h5::Dataset& arm);
//! Write the root attributes and `/manifest`.
void write_manifest(h5::Group& root, const Scenario& scenario, const Model& model,
                    std::uint64_t events, const RunManifest& manifest);
void write_histograms(h5::Group& root, const std::vector<HistogramInfo>& info,
                      const std::vector<stats::Histogram>& histograms);
void write_trace(h5::Group& root, const std::vector<TraceRecord>& trace);

// ---------------------------------------------------------------------------
// Reading

struct MetricSummary
{
  std::string name;
  std::string unit;
  std::string description;
  std::string group;
  stats::Summary summary;
};

struct HistogramData
{
  std::string name;
  std::string unit;
  std::string description;
  std::vector<double> edges;
  std::vector<std::uint64_t> counts;
  std::uint64_t underflow = 0;
  std::uint64_t overflow = 0;
};

//! A time series summarised over replications, per period.
struct SeriesSummary
{
  std::string name;
  std::string unit;
  std::string description;
  std::string group;
  std::vector<stats::Summary> periods; //!< one per period
};

//! The period edges and the series of a run (or an arm): `g`/series, read back
//! in blocks of rows (memory does not grow with the replications). Empty when
//! the file has no series.
struct SeriesView
{
  std::vector<double> edges;
  std::vector<SeriesSummary> series;
};
SeriesView read_series(const h5::Group& g);

//! What `passage report` shows of a run file.
struct ResultsView
{
  std::string path;
  std::string kind; //!< "run", "compare", "sweep", "sensitivity"
  std::string model;
  std::string scenario_name;
  std::uint64_t seed = 0;
  std::uint64_t replications = 0;
  std::uint64_t events = 0;
  double wall_seconds = 0.0;
  double horizon_days = 0.0; //!< 0: the model has none
  double warmup_days = 0.0;  //!< days simulated before the reported window
  std::vector<MetricSummary> metrics;
  std::vector<HistogramData> histograms;
};

//! Open a results file read-only and check it is one of ours; IoError with a
//! clear reason (missing, truncated, not HDF5, not a passage file).
h5::File open_results(const std::string& path);
ResultsView read_run(const std::string& path);
std::vector<TraceRecord> read_trace(const h5::Group& g);

} // namespace passage::engine
