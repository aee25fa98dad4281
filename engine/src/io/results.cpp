#include "passage/io/results.hpp"

#include "passage/errors.hpp"
#include "passage/io/paths.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <system_error>
#include <type_traits>
#include <unistd.h>

namespace passage::engine {

namespace fs = std::filesystem;

std::string utc_now()
{
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void check_output_path(const std::string& path, bool force)
{
  if (path.empty()) {
    throw UsageError("no output file given", "pass -o FILE.h5");
  }
  const fs::path p(path);
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    throw UsageError("cannot write '" + path + "': directory '" + dir.string() + "' does not exist",
                     "create it first (mkdir -p " + dir.string() + ") or choose another -o");
  }
  if (!fs::is_directory(dir, ec)) {
    throw UsageError("cannot write '" + path + "': '" + dir.string() + "' is not a directory");
  }
  if (::access(dir.c_str(), W_OK) != 0) {
    throw UsageError("cannot write '" + path + "': directory '" + dir.string() + "' is read-only",
                     "choose a writable directory with -o");
  }
  check_replaceable(path, "the results file");
  if (fs::exists(p, ec) && !force) {
    throw UsageError("'" + path + "' already exists",
                     "pass --force to overwrite it, or choose another name with -o");
  }
}

// ---------------------------------------------------------------------------
// OutputFile and ReplicationColumns

namespace {

// Move `from` to `to` unless something is at `to` by then (the check and the
// move are one step: two runs writing one name cannot both succeed).
bool rename_no_replace(const std::string& from, const std::string& to, std::error_code& ec)
{
  ec.clear();
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) {
    return true;
  }
  if (errno != EINVAL && errno != ENOSYS) {
    ec.assign(errno, std::generic_category());
    return false;
  }
  // A file system without RENAME_NOREPLACE: link() fails on an existing name too.
  if (::link(from.c_str(), to.c_str()) != 0) {
    ec.assign(errno, std::generic_category());
    return false;
  }
  ::unlink(from.c_str());
  return true;
}

// "results/x.h5" -> "results/x-PID.h5" (then -PID-2, ...): a name nothing holds.
std::string spare_name(const std::string& path)
{
  const fs::path p(path);
  const std::string stem = (p.parent_path() / p.stem()).string();
  const std::string ext = p.extension().string();
  const std::string base = stem + "-" + std::to_string(::getpid());
  std::error_code ec;
  for (int i = 1;; ++i) {
    const std::string candidate = base + (i > 1 ? "-" + std::to_string(i) : "") + ext;
    if (!fs::exists(fs::symlink_status(candidate, ec))) {
      return candidate;
    }
  }
}

// Why a write may have failed where HDF5 does not say: a full file system or a
// file-size limit ("" when neither).
std::string why_write_failed(const std::string& path)
{
  const fs::path p(path);
  const std::string dir = p.has_parent_path() ? p.parent_path().string() : ".";
  std::string why;
  struct statvfs st = {};
  if (::statvfs(dir.c_str(), &st) == 0) {
    const auto free_bytes = static_cast<unsigned long long>(st.f_bavail) * st.f_frsize;
    if (free_bytes < (1ULL << 20)) {
      why = "; the file system of '" + dir + "' is full (" + std::to_string(free_bytes / 1024) +
            " KiB free)";
    }
  }
  struct rlimit rl = {};
  if (::getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    why += "; a file-size limit of " +
           std::to_string(static_cast<unsigned long long>(rl.rlim_cur)) +
           " bytes is set (ulimit -f)";
  }
  return why;
}

} // namespace

OutputFile::OutputFile(std::string path, bool force) : path_(std::move(path)), force_(force)
{
  check_output_path(path_, force);
  // Created exclusively: a name planted beforehand (a symbolic link to a file of
  // the user's) is never followed or overwritten; the next free name is taken.
  const std::string base = path_ + ".tmp-" + std::to_string(::getpid());
  for (int i = 1;; ++i) {
    tmp_ = base + (i > 1 ? "-" + std::to_string(i) : "");
    std::error_code ec;
    if (fs::symlink_status(tmp_, ec).type() != fs::file_type::not_found) {
      if (i >= 100) {
        throw h5::IoError(tmp_ + ": cannot find a free temporary name next to the output");
      }
      continue;
    }
    file_.emplace(h5::File::create(tmp_, true));
    break;
  }
}

OutputFile::~OutputFile()
{
  if (!committed_) {
    abandon();
  }
}

void OutputFile::abandon() noexcept
{
  try {
    if (file_) {
      file_->close();
    }
  } catch (...) {
  }
  file_.reset();
  std::error_code ec;
  fs::remove(tmp_, ec);
}

void OutputFile::commit()
{
  try {
    file_->close();
  } catch (const h5::IoError& e) {
    // HDF5 reports a full disk at close as "can't close file": say what it was.
    throw h5::IoError(std::string(e.what()) + why_write_failed(tmp_));
  }
  file_.reset();
  std::error_code ec;
  bool replaceable = true;
  if (force_) {
    // Replace only a regular file: what was checked at the start may have changed.
    try {
      check_replaceable(path_, "the results file");
    } catch (const UsageError&) {
      replaceable = false;
    }
  }
  if (force_ && replaceable) {
    fs::rename(tmp_, path_, ec);
  } else if (force_ || (!rename_no_replace(tmp_, path_, ec) && ec == std::errc::file_exists)) {
    // Another process wrote this name while we ran (or put something there that
    // is not a regular file): keep both.
    const std::string kept = spare_name(path_);
    std::error_code ec2;
    if (rename_no_replace(tmp_, kept, ec2)) {
      committed_ = true;
      throw RuntimeError("'" + path_ + "' was created by another process while this run was " +
                         "running; it is left as it is, and this run's results are in '" + kept +
                         "'");
    }
    ec = ec2;
  }
  if (ec) {
    throw h5::IoError(path_ + ": cannot move the finished results into place: " + ec.message());
  }
  committed_ = true;
}

ReplicationColumns::ReplicationColumns(h5::Group& parent, const std::vector<MetricInfo>& metrics,
                                       std::size_t chunk, const std::vector<double>& edges)
  : metrics_(metrics), series_(series_of(metrics, edges)), where_(metrics.size(), 0)
{
  auto reps = parent.create_group("replications");
  for (std::size_t j = 0; j < metrics_.size(); ++j) {
    const auto& m = metrics_[j];
    if (!m.series.empty()) {
      continue;
    }
    // Level 1: nearly the ratio of level 4 on these columns, at a fraction of the time.
    auto d = reps.create_growing<double>(m.name, chunk, 1);
    d.set_attr("unit", m.unit);
    d.set_attr("description", m.description);
    d.set_attr("group", m.group);
    where_[j] = columns_.size();
    plain_.push_back(j);
    columns_.push_back(std::move(d));
  }
  if (series_.empty()) {
    return;
  }
  auto g = parent.create_group("series");
  std::string order;
  for (const auto& si : series_) {
    order += (order.empty() ? "" : "\n") + si.name;
  }
  g.set_attr("order", order);
  g.set_attr("description",
             std::string("time series: one dataset per series, replications x periods; the "
                         "period edges in days in 'edges'"));
  auto e = g.write<double>("edges", edges);
  e.set_attr("unit", std::string("days"));
  e.set_attr("description",
             std::string("the period edges: period p covers [edges[p], edges[p+1]) days"));
  for (std::size_t s = 0; s < series_.size(); ++s) {
    const auto& si = series_[s];
    // Chunks of `chunk` rows, as the 1-D columns: as many chunks per replication
    // as a plain metric, so that the chunk index (a few bytes a chunk) grows no
    // faster (chunks of `chunk` values made peak memory grow 7% from 10,000 to
    // 80,000 Mali replications, tests/cli/test_memory.sh).
    auto d = g.create_growing_rows<double>(si.name, si.periods, chunk, 1);
    d.set_attr("unit", si.unit);
    d.set_attr("description", si.description);
    d.set_attr("group", si.group);
    for (std::size_t p = 0; p < si.periods; ++p) {
      where_[si.first + p] = s;
    }
    series_columns_.push_back(std::move(d));
  }
}

void ReplicationColumns::append(std::span<const double> rows)
{
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t m = metrics_.size();
  const std::size_t count = m ? rows.size() / m : 0;
  for (std::size_t j = 0; j < m; ++j) {
    for (std::size_t i = 0; i < count; ++i) {
      if (!std::isfinite(rows[i * m + j])) {
        throw RuntimeError("metric '" + metrics_[j].name + "' is not finite in replication " +
                           std::to_string(rows_ + i) + " (a bug in the model: please report it)");
      }
    }
  }
  buf_.resize(count);
  for (std::size_t c = 0; c < plain_.size(); ++c) {
    const std::size_t j = plain_[c];
    for (std::size_t i = 0; i < count; ++i) {
      buf_[i] = rows[i * m + j];
    }
    columns_[c].append(std::span<const double>(buf_));
  }
  for (std::size_t s = 0; s < series_.size(); ++s) {
    const auto& si = series_[s];
    buf_.resize(count * si.periods);
    for (std::size_t i = 0; i < count; ++i) {
      std::copy_n(rows.begin() + static_cast<std::ptrdiff_t>(i * m + si.first), si.periods,
                  buf_.begin() + static_cast<std::ptrdiff_t>(i * si.periods));
    }
    series_columns_[s].append_rows(std::span<const double>(buf_));
  }
  rows_ += count;
  seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::vector<double> ReplicationColumns::read(std::size_t j) const
{
  const auto& m = metrics_[j];
  if (m.series.empty()) {
    return columns_[where_[j]].read<double>();
  }
  return series_columns_[where_[j]].read_column<double>(m.period);
}

namespace {

// Rows read back at a time: 512 KiB of doubles.
constexpr std::size_t kReadBlock = std::size_t{ 1 } << 16;

} // namespace

stats::Summary summarise_column(const h5::Dataset& column)
{
  const std::size_t n = column.size();
  stats::TwoPassSummary t;
  std::vector<double> block;
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < n; i += kReadBlock) {
      column.read_range(i, std::min(kReadBlock, n - i), block);
      pass == 0 ? t.first(block) : t.second(block);
    }
  }
  return t.result();
}

stats::Paired paired_columns(const h5::Dataset& base, const h5::Dataset& arm)
{
  const std::size_t n = base.size();
  if (arm.size() != n) {
    throw std::invalid_argument("paired series of different lengths");
  }
  stats::TwoPassSummary diff;
  stats::TwoPassSummary b;
  stats::TwoPassSummary a;
  std::vector<double> xb;
  std::vector<double> xa;
  std::vector<double> d;
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < n; i += kReadBlock) {
      const std::size_t count = std::min(kReadBlock, n - i);
      base.read_range(i, count, xb);
      arm.read_range(i, count, xa);
      d.resize(count);
      for (std::size_t j = 0; j < count; ++j) {
        d[j] = xa[j] - xb[j];
      }
      if (pass == 0) {
        diff.first(d);
        b.first(xb);
        a.first(xa);
      } else {
        diff.second(d);
        b.second(xb);
        a.second(xa);
      }
    }
  }
  return stats::paired(diff.result(), b.result(), a.result());
}

void write_summary(h5::Group& root, const std::vector<MetricInfo>& metrics)
{
  auto reps = root.open_group("replications");
  auto g = root.create_group("summary");
  std::vector<std::string> names;
  std::vector<std::string> units;
  std::vector<std::uint64_t> n;
  std::vector<double> mean;
  std::vector<double> sd;
  std::vector<double> lo;
  std::vector<double> hi;
  for (const auto& m : metrics) {
    if (!m.series.empty()) {
      continue; // series are summarised per period by read_series
    }
    const auto s = summarise_column(reps.open_dataset(m.name));
    names.push_back(m.name);
    units.push_back(m.unit);
    n.push_back(s.n);
    mean.push_back(s.mean);
    sd.push_back(s.sd);
    lo.push_back(s.ci95_low);
    hi.push_back(s.ci95_high);
  }
  g.write_strings("metric", names);
  g.write_strings("unit", units);
  g.write<std::uint64_t>("n", n);
  g.write<double>("mean", mean);
  g.write<double>("std", sd);
  g.write<double>("ci95_low", lo);
  g.write<double>("ci95_high", hi);
  g.set_attr("description",
             "across-replication statistics: mean, sample standard deviation, Student-t 95% "
             "interval of the mean");
}

void write_histograms(h5::Group& root, const std::vector<HistogramInfo>& info,
                      const std::vector<stats::Histogram>& histograms)
{
  auto g = root.create_group("histograms");
  for (std::size_t i = 0; i < info.size() && i < histograms.size(); ++i) {
    const auto& h = histograms[i];
    auto hg = g.create_group(info[i].name);
    hg.write<double>("edges", h.edges());
    const auto& c = h.counts();
    std::vector<std::uint64_t> inner(c.begin() + 1, c.end() - 1);
    hg.write<std::uint64_t>("counts", inner);
    hg.set_attr("unit", info[i].unit);
    hg.set_attr("description", info[i].description);
    hg.set_attr("underflow", c.front());
    hg.set_attr("overflow", c.back());
    hg.set_attr("total", h.total());
    static constexpr std::pair<const char*, double> kQuantiles[] = {
      { "q05", 0.05 }, { "q25", 0.25 }, { "q50", 0.5 }, { "q75", 0.75 }, { "q95", 0.95 }
    };
    for (const auto& [name, q] : kQuantiles) {
      const double v = h.quantile(q);
      if (std::isfinite(v)) {
        hg.set_attr(name, v);
      }
    }
  }
}

void write_trace(h5::Group& root, const std::vector<TraceRecord>& trace)
{
  if (trace.empty()) {
    return;
  }
  auto g = root.create_group("trace");
  std::vector<std::uint64_t> entity;
  std::vector<double> time;
  std::vector<std::string> place;
  std::vector<std::string> event;
  std::vector<std::int64_t> amount;
  std::vector<std::string> actor;
  std::vector<std::string> kind;
  std::vector<std::string> detail;
  for (const auto& r : trace) {
    entity.push_back(r.entity);
    time.push_back(r.time);
    place.push_back(r.place);
    event.push_back(r.event);
    amount.push_back(r.amount);
    actor.push_back(r.actor);
    kind.push_back(r.kind);
    detail.push_back(r.detail);
  }
  g.write<std::uint64_t>("entity", entity);
  g.write<double>("time", time);
  g.write_strings("place", place);
  g.write_strings("event", event);
  g.write<std::int64_t>("amount", amount);
  g.write_strings("actor", actor);
  g.write_strings("kind", kind);
  g.write_strings("detail", detail);
  g.set_attr("description",
             "every event of the first traced entities of replication 0: time in days, place, "
             "event (the model's words), amount in CFA, the actor it went to, kind (a short code "
             "naming the step) and detail (the event's own fields, key=value;key=value)");
}

void write_manifest(h5::Group& root, const Scenario& scenario, const Model& model,
                    std::uint64_t events, const RunManifest& m)
{
  root.set_attr("passage_version", BuildInfo::version());
  root.set_attr("model", model.kind());
  root.set_attr("scenario_name", scenario.name);
  root.set_attr("scenario_file", scenario.file);
  root.set_attr("scenario", scenario.resolved_text());
  root.set_attr("scenario_hash", scenario.hash());
  root.set_attr("seed", m.seed);
  root.set_attr("replications", m.replications);
  root.set_attr("events", events);
  root.set_attr("wall_seconds", m.wall_seconds);
  root.set_attr("git_revision", BuildInfo::git_revision());
  std::string overrides;
  for (const auto& o : scenario.overrides) {
    overrides += (overrides.empty() ? "" : "\n") + o;
  }
  root.set_attr("overrides", overrides);
  std::string overlays;
  for (const auto& o : scenario.overlays) {
    overlays += (overlays.empty() ? "" : "\n") + o;
  }
  root.set_attr("overlays", overlays);
  if (model.horizon_days() > 0) {
    root.set_attr("horizon_days", model.horizon_days());
  }

  auto g = root.create_group("manifest");
  g.set_attr("command", m.command);
  g.set_attr("git_revision", BuildInfo::git_revision());
  g.set_attr("build_type", BuildInfo::build_type());
  g.set_attr("compiler", BuildInfo::compiler());
  g.set_attr("dependencies", BuildInfo::dependencies());
  g.set_attr("scenario_hash", scenario.hash());
  g.set_attr("seed", m.seed);
  g.set_attr("rng_scheme", BuildInfo::rng_scheme());
  g.set_attr("ranks", static_cast<std::int64_t>(m.ranks));
  g.set_attr("threads_per_rank", static_cast<std::int64_t>(m.threads));
  g.set_attr("stepping", m.stepping);
  g.set_attr("started", m.started);
  g.set_attr("finished", m.finished);
  g.set_attr("wall_seconds", m.wall_seconds);
  g.set_attr("resumed", static_cast<std::int64_t>(m.resumed ? 1 : 0));
  g.set_attr("stop_reason", m.stop_reason);
  g.set_attr("write_seconds", m.write_seconds);
  g.set_attr("write_behind_seconds", m.write_behind_seconds);
}

void write_run_data(h5::Group& root, const Model& model, const RunTotals& totals)
{
  write_summary(root, model.metrics());
  write_histograms(root, model.histograms(), totals.histograms);
  write_trace(root, totals.trace);
  model.write_results(root);
}

// ---------------------------------------------------------------------------
// Writer

ResultsWriter::ResultsWriter(std::string path, bool force, std::string kind, std::vector<Arm> arms,
                             std::size_t chunk)
  : out_(std::move(path), force), kind_(std::move(kind)), arms_(std::move(arms))
{
  if (kind_ != "run") {
    auto all = out_.file().create_group("arms");
    for (const auto& a : arms_) {
      auto g = all.create_group(a.name);
      g.set_attr("scenario", a.scenario->resolved_text());
      g.set_attr("overlay", a.overlay);
      groups_.push_back(std::move(g));
    }
  }
  columns_.reserve(arms_.size());
  for (std::size_t k = 0; k < arms_.size(); ++k) {
    columns_.emplace_back(group(k), arms_[k].model->metrics(), chunk,
                          arms_[k].model->series_edges());
  }
}

h5::Group& ResultsWriter::group(std::size_t k)
{
  // A run's one arm is the file itself; a comparison's arms are /arms/<name>.
  return kind_ == "run" ? out_.file() : groups_[k];
}

std::vector<ReplicationColumns*> ResultsWriter::columns()
{
  std::vector<ReplicationColumns*> c;
  for (auto& x : columns_) {
    c.push_back(&x);
  }
  return c;
}

double ResultsWriter::append_seconds() const
{
  double t = 0.0;
  for (const auto& c : columns_) {
    t += c.seconds();
  }
  return t;
}

void ResultsWriter::finish(const std::vector<RunTotals>& totals, RunManifest manifest,
                           bool common_random_numbers)
{
  const auto w0 = std::chrono::steady_clock::now();
  manifest.write_behind_seconds = append_seconds();
  std::uint64_t events = 0;
  for (std::size_t k = 0; k < arms_.size(); ++k) {
    columns_[k].close();
    const Model& model = *arms_[k].model;
    if (kind_ == "run") {
      write_run_data(group(k), model, totals[k]);
    } else {
      write_summary(group(k), model.metrics());
      write_histograms(group(k), model.histograms(), totals[k].histograms);
      group(k).set_attr("events", totals[k].events);
      model.write_arm_results(group(k));
    }
    events += totals[k].events;
  }
  if (kind_ != "run") {
    write_comparison(common_random_numbers);
  }
  h5::File& f = out_.file();
  // The time the job spent on HDF5: waiting for rows written behind the next
  // block (counted by the caller) and the rest of the file.
  manifest.write_seconds +=
    std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
  write_manifest(f, *arms_[0].scenario, *arms_[0].model, events, manifest);
  f.set_attr("kind", kind_);
  if (kind_ != "run") {
    std::string policies;
    for (std::size_t k = 1; k < arms_.size(); ++k) {
      policies += (k > 1 ? "\n" : "") + arms_[k].name;
    }
    f.set_attr("policies", policies);
  }
  out_.commit();
}

void ResultsWriter::write_comparison(bool common_random_numbers)
{
  const auto& metrics = arms_[0].model->metrics();
  auto cmp = out_.file().create_group("comparison");
  const auto base_reps = group(0).open_group("replications");
  for (std::size_t k = 1; k < arms_.size(); ++k) {
    auto g = cmp.create_group(arms_[k].name);
    g.set_attr("overlay", arms_[k].overlay);
    if (!arms_[k].title.empty()) {
      g.set_attr("title", arms_[k].title);
    }
    const auto reps = group(k).open_group("replications");
    std::vector<std::string> names;
    std::vector<std::string> units;
    std::vector<double> base_mean, arm_mean, diff, lo, hi, sd, ratio, vr;
    for (const auto& m : metrics) {
      if (!m.series.empty()) {
        continue; // the comparison is of the plain metrics
      }
      const auto p = paired_columns(base_reps.open_dataset(m.name), reps.open_dataset(m.name));
      names.push_back(m.name);
      units.push_back(m.unit);
      base_mean.push_back(p.base_mean);
      arm_mean.push_back(p.arm_mean);
      diff.push_back(p.diff.mean);
      sd.push_back(p.diff.sd);
      lo.push_back(p.diff.ci95_low);
      hi.push_back(p.diff.ci95_high);
      ratio.push_back(p.ratio_mean);
      vr.push_back(p.variance_reduction);
    }
    g.write_strings("metric", names);
    g.write_strings("unit", units);
    g.write<double>("base_mean", base_mean);
    g.write<double>("policy_mean", arm_mean);
    g.write<double>("diff_mean", diff);
    g.write<double>("diff_sd", sd);
    g.write<double>("diff_ci95_low", lo);
    g.write<double>("diff_ci95_high", hi);
    g.write<double>("ratio_mean", ratio);
    g.write<double>("variance_reduction", vr);
  }
  cmp.set_attr("description",
               "per policy and metric: paired differences policy - baseline over replications run "
               "with common random numbers (mean, sd, Student-t 95% interval), the ratio of means, "
               "and the variance reduction (Var(base) + Var(policy)) / Var(difference)");
  cmp.set_attr("common_random_numbers", static_cast<std::int64_t>(common_random_numbers ? 1 : 0));
}

// ---------------------------------------------------------------------------
// Reading

h5::File open_results(const std::string& path)
{
  h5::File f = h5::File::open_read(path);
  if (!f.has_attr("passage_version")) {
    throw h5::IoError(path + ": not a passage results file (no 'passage_version' attribute)");
  }
  return f;
}

namespace {

} // namespace

ResultsView read_run(const std::string& path)
{
  h5::File f = open_results(path);
  ResultsView v;
  v.path = path;
  v.kind = f.attr_or<std::string>("kind", "run");
  v.model = f.attr_or<std::string>("model", "");
  v.scenario_name = f.attr_or<std::string>("scenario_name", "");
  v.seed = f.attr_or<std::uint64_t>("seed", 0);
  v.replications = f.attr_or<std::uint64_t>("replications", 0);
  v.events = f.attr_or<std::uint64_t>("events", 0);
  v.wall_seconds = f.attr_or<double>("wall_seconds", 0.0);
  v.horizon_days = f.attr_or<double>("horizon_days", 0.0);
  v.warmup_days = f.attr_or<double>("warmup_days", 0.0);
  if (!f.exists("summary")) {
    throw h5::IoError(path + ": no /summary group; the file is incomplete or not a run file");
  }
  const auto s = f.open_group("summary");
  const auto names = s.read_strings("metric");
  const auto units = s.read_strings("unit");
  const auto n = s.read<std::uint64_t>("n");
  const auto mean = s.read<double>("mean");
  const auto sd = s.read<double>("std");
  const auto lo = s.read<double>("ci95_low");
  const auto hi = s.read<double>("ci95_high");
  if (units.size() != names.size() || mean.size() != names.size() || sd.size() != names.size() ||
      lo.size() != names.size() || hi.size() != names.size() || n.size() != names.size()) {
    throw h5::IoError(path + ": /summary columns have different lengths; the file is damaged");
  }
  const auto reps =
    f.exists("replications") ? std::optional(f.open_group("replications")) : std::nullopt;
  for (std::size_t i = 0; i < names.size(); ++i) {
    MetricSummary m;
    m.name = names[i];
    m.unit = units[i];
    if (reps && reps->exists(names[i])) {
      const auto ds = reps->open_dataset(names[i]);
      m.description = ds.attr_or<std::string>("description", "");
      m.group = ds.attr_or<std::string>("group", "");
    }
    m.summary = stats::Summary{ n[i], mean[i], sd[i], lo[i], hi[i] };
    v.metrics.push_back(std::move(m));
  }
  if (f.exists("histograms")) {
    const auto hg = f.open_group("histograms");
    for (const auto& name : hg.members()) {
      const auto g = hg.open_group(name);
      HistogramData h;
      h.name = name;
      h.unit = g.attr_or<std::string>("unit", "");
      h.description = g.attr_or<std::string>("description", "");
      h.edges = g.read<double>("edges");
      h.counts = g.read<std::uint64_t>("counts");
      h.underflow = g.attr_or<std::uint64_t>("underflow", 0);
      h.overflow = g.attr_or<std::uint64_t>("overflow", 0);
      v.histograms.push_back(std::move(h));
    }
  }
  return v;
}

SeriesView read_series(const h5::Group& g)
{
  SeriesView v;
  if (!g.exists("series")) {
    return v;
  }
  const auto sg = g.open_group("series");
  if (!sg.exists("edges")) {
    throw h5::IoError(sg.path() + ": no 'edges'; the file is damaged");
  }
  v.edges = sg.read<double>("edges");
  const std::size_t periods = v.edges.empty() ? 0 : v.edges.size() - 1;
  // In the model's order (the attribute 'order'), else by name.
  std::vector<std::string> names;
  const std::string order = sg.attr_or<std::string>("order", "");
  for (std::size_t from = 0; from < order.size();) {
    const std::size_t end = std::min(order.find('\n', from), order.size());
    names.push_back(order.substr(from, end - from));
    from = end + 1;
  }
  for (const auto& name : sg.members()) {
    if (name != "edges" && std::find(names.begin(), names.end(), name) == names.end()) {
      names.push_back(name);
    }
  }
  for (const auto& name : names) {
    const auto ds = sg.open_dataset(name);
    const auto dims = ds.dims();
    if (dims.size() != 2 || dims[1] != periods) {
      throw h5::IoError(ds.path() + ": not replications x " + std::to_string(periods) +
                        " periods; the file is damaged");
    }
    SeriesSummary s;
    s.name = name;
    s.unit = ds.attr_or<std::string>("unit", "");
    s.description = ds.attr_or<std::string>("description", "");
    s.group = ds.attr_or<std::string>("group", "");
    // Two passes over blocks of whole rows, one accumulator per period.
    std::vector<stats::TwoPassSummary> t(periods);
    const std::size_t n = dims[0];
    const std::size_t block =
      std::max<std::size_t>(1, kReadBlock / std::max<std::size_t>(1, periods));
    std::vector<double> rows;
    std::vector<double> col;
    for (int pass = 0; pass < 2; ++pass) {
      for (std::size_t i = 0; i < n; i += block) {
        const std::size_t count = std::min(block, n - i);
        ds.read_rows(i, count, rows);
        col.resize(count);
        for (std::size_t p = 0; p < periods; ++p) {
          for (std::size_t r = 0; r < count; ++r) {
            col[r] = rows[r * periods + p];
          }
          pass == 0 ? t[p].first(col) : t[p].second(col);
        }
      }
    }
    for (const auto& x : t) {
      s.periods.push_back(x.result());
    }
    v.series.push_back(std::move(s));
  }
  return v;
}

std::vector<TraceRecord> read_trace(const h5::Group& f)
{
  std::vector<TraceRecord> out;
  if (!f.exists("trace")) {
    return out;
  }
  const auto g = f.open_group("trace");
  const auto entity = g.read<std::uint64_t>("entity");
  const auto time = g.read<double>("time");
  const auto place = g.read_strings("place");
  const auto event = g.read_strings("event");
  const auto amount = g.read<std::int64_t>("amount");
  const auto actor = g.read_strings("actor");
  const std::size_t n = entity.size();
  // Files written before the trace had kinds and details read with them empty.
  const auto kind = g.exists("kind") ? g.read_strings("kind") : std::vector<std::string>(n);
  const auto detail = g.exists("detail") ? g.read_strings("detail") : std::vector<std::string>(n);
  if (time.size() != n || place.size() != n || event.size() != n || amount.size() != n ||
      actor.size() != n || kind.size() != n || detail.size() != n) {
    throw h5::IoError("/trace columns have different lengths; the file is damaged");
  }
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(TraceRecord{ entity[i], time[i], place[i], event[i], amount[i], actor[i], kind[i],
                               detail[i] });
  }
  return out;
}

} // namespace passage::engine
