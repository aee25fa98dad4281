#include "passage/run/posterior.hpp"

#include "passage/config/changes.hpp"
#include "passage/config/path.hpp"
#include "passage/errors.hpp"
#include "passage/io/checkpoint.hpp"
#include "passage/io/hdf5.hpp"
#include "passage/random/stream.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <list>
#include <memory>

namespace passage::engine {

namespace {

std::string hex(std::uint64_t v)
{
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// The posterior file's read errors are the user's (a wrong or damaged file):
// exit 2, naming the file.
template<class F>
auto reading(F&& f)
{
  try {
    return f();
  } catch (const h5::IoError& e) {
    throw UsageError(std::string("cannot read the posterior: ") + e.what(),
                     "--posterior takes the results file of `passage calibrate`");
  }
}

// A number for a message: six significant digits (0.95, not 0.94999999999999996).
std::string shown(double v)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string short_list(const std::vector<std::string>& names)
{
  std::string s;
  for (std::size_t i = 0; i < names.size() && i < 8; ++i) {
    s += (i ? ", " : "") + names[i];
  }
  return names.size() > 8 ? s + ", ..." : s;
}

} // namespace

Posterior read_posterior(const std::string& path)
{
  Posterior p;
  p.file = path;
  const auto fail = [&](const std::string& what, const std::string& hint = {}) {
    return UsageError(path + ": " + what, hint);
  };
  reading([&] {
    const auto f = h5::File::open_read(path);
    const std::string kind = f.attr_or<std::string>("kind", "run");
    if (kind != "calibration") {
      throw fail("not a calibration results file (its kind is '" + kind + "')",
                 "--posterior takes the results file of `passage calibrate`");
    }
    p.method = f.attr_or<std::string>("method", "");
    if (!f.is_group("parameters") || !f.is_group("posterior")) {
      throw fail(std::string("a calibration file without ") +
                 (f.is_group("parameters") ? "/posterior" : "/parameters") +
                 " (an interrupted or damaged calibration?)");
    }
    const auto params = f.open_group("parameters");
    p.paths = params.read_strings("paths");
    p.names = params.exists("names") ? params.read_strings("names") : p.paths;
    const auto post = f.open_group("posterior");
    const auto values = post.open_dataset("values");
    const auto dims = values.dims();
    p.values = values.read<double>();
    p.weights = post.read<double>("weights");
    p.particles = p.weights.size();
    const std::size_t np = p.paths.size();
    const bool shape_ok = (dims.size() == 2 && dims[0] == p.particles && dims[1] == np) ||
                          (dims.size() == 1 && np == 1 && dims[0] == p.particles);
    if (np == 0 || p.names.size() != np) {
      throw fail("/parameters has " + std::to_string(np) + " paths and " +
                 std::to_string(p.names.size()) + " names");
    }
    if (!shape_ok || p.values.size() != p.particles * np) {
      std::string shape;
      for (std::size_t i = 0; i < dims.size(); ++i) {
        shape += (i ? " x " : "") + std::to_string(dims[i]);
      }
      throw fail("/posterior/values is " + shape + "; with " + std::to_string(p.particles) +
                 " weights and " + std::to_string(np) + " parameters it should be " +
                 std::to_string(p.particles) + " x " + std::to_string(np));
    }
    return 0;
  });
  if (p.particles == 0) {
    throw fail("the posterior has no particles");
  }
  double sum = 0.0;
  for (std::size_t i = 0; i < p.particles; ++i) {
    const double w = p.weights[i];
    if (!std::isfinite(w) || w < 0.0) {
      throw fail("/posterior/weights[" + std::to_string(i) + "] is " + shown(w) +
                 "; weights are >= 0");
    }
    sum += w;
  }
  if (!(std::fabs(sum - 1.0) <= 1e-6)) {
    throw fail("the posterior's weights sum to " + shown(sum) + ", not 1",
               "a posterior's weights are normalised (ABC: the last generation's)");
  }
  for (std::size_t i = 0; i < p.values.size(); ++i) {
    if (!std::isfinite(p.values[i])) {
      throw fail("/posterior/values of particle " + std::to_string(i / p.parameters()) + ", " +
                 p.names[i % p.parameters()] + ", is not a finite number");
    }
  }
  Digest d;
  for (const auto& s : p.names) {
    d.add(s);
  }
  for (const auto& s : p.paths) {
    d.add(s);
  }
  d.add(p.values);
  d.add(p.weights);
  p.hash = hex(d.value());
  return p;
}

namespace {

config::Mark posterior_mark(const Posterior& p)
{
  config::Mark m;
  m.file = std::make_shared<const std::string>(p.file + " (/parameters/paths)");
  return m;
}

} // namespace

void check_posterior_paths(const Posterior& posterior, const Scenario& scenario)
{
  config::Node root = scenario.root;
  for (const auto& path : posterior.paths) {
    config::Diagnostics d;
    const auto* node = config::find_path(root, path, posterior_mark(posterior), d);
    if (!d.empty() || node == nullptr) {
      std::string why = d.empty() ? std::string() : d.items().front().message;
      std::string hint = d.empty() ? std::string() : d.items().front().hint;
      throw UsageError(posterior.file + ": the posterior's parameter '" + path +
                         "' is not a value of the scenario " + scenario.file +
                         (why.empty() ? "" : " (" + why + ")"),
                       hint.empty() ? "the posterior's parameters: " + short_list(posterior.paths)
                                    : hint);
    }
  }
}

Scenario particle_scenario(const Scenario& base, const Posterior& posterior, std::size_t k)
{
  Scenario sc = base;
  const auto mark = posterior_mark(posterior);
  config::Diagnostics d;
  for (std::size_t j = 0; j < posterior.parameters(); ++j) {
    const double x = posterior.value(k, j);
    config::set_path(sc.root, posterior.paths[j],
                     config::Node::scalar(config::number_text(x), mark), mark, d);
  }
  d.raise_if_any();
  refresh_scenario(sc);
  return sc;
}

// ---------------------------------------------------------------------------
// ParticleDraw

struct ParticleDraw::Table
{
  random::Discrete alias;
};

ParticleDraw::ParticleDraw(const std::vector<double>& weights)
  : table_(std::make_shared<const Table>(Table{ random::Discrete(weights) }))
{
}

std::size_t ParticleDraw::operator()(std::uint64_t seed, std::uint64_t replication) const noexcept
{
  static constexpr std::uint64_t kSubstream = random::substream_id("posterior.particle");
  auto s = random::Stream::derive(seed, replication, kSubstream);
  return table_->alias(s);
}

// ---------------------------------------------------------------------------
// PosteriorModel

namespace {

bool same_outputs(const Model& a, const Model& b, std::string& what)
{
  const auto ma = a.metrics();
  const auto mb = b.metrics();
  if (ma.size() != mb.size() || !std::equal(ma.begin(), ma.end(), mb.begin(),
                                            [](auto& x, auto& y) { return x.name == y.name; })) {
    what = "metrics";
    return false;
  }
  const auto ha = a.histograms();
  const auto hb = b.histograms();
  if (ha.size() != hb.size() || !std::equal(ha.begin(), ha.end(), hb.begin(), [](auto& x, auto& y) {
        return x.name == y.name && x.lo == y.lo && x.hi == y.hi && x.bins == y.bins;
      })) {
    what = "histograms";
    return false;
  }
  if (a.series_edges() != b.series_edges()) {
    what = "series periods";
    return false;
  }
  return true;
}

// A thread's workers: one per particle it met lately. Replication r of a
// particle's model depends on (seed, r) only, so which worker runs it, fresh or
// reused, never changes the result; a few are kept because a worker's scratch
// space is worth reusing when particles repeat.
class PosteriorWorker final : public Worker
{
public:
  PosteriorWorker(const PosteriorModel& model, WorkerOptions options)
    : model_(model), options_(options)
  {
  }

  void run(std::uint64_t replication, ReplicationOutput& out) override
  {
    const std::size_t k = model_.draw()(options_.seed, replication);
    // The particle model fills its own columns; posterior_particle sits
    // between its plain metrics and its series.
    const std::size_t at = model_.particle_column();
    row_.assign(out.metrics.size() - 1, 0.0);
    ReplicationOutput inner{ row_, out.histograms, 0, out.trace };
    worker(k).run(replication, inner);
    out.events = inner.events;
    std::copy(row_.begin(), row_.begin() + static_cast<std::ptrdiff_t>(at), out.metrics.begin());
    out.metrics[at] = static_cast<double>(k);
    std::copy(row_.begin() + static_cast<std::ptrdiff_t>(at), row_.end(),
              out.metrics.begin() + static_cast<std::ptrdiff_t>(at) + 1);
  }

private:
  static constexpr std::size_t kKept = 8;

  Worker& worker(std::size_t k)
  {
    for (auto it = kept_.begin(); it != kept_.end(); ++it) {
      if (it->first == k) {
        kept_.splice(kept_.begin(), kept_, it);
        return *kept_.front().second;
      }
    }
    if (kept_.size() >= kKept) {
      kept_.pop_back();
    }
    kept_.emplace_front(k, model_.particle(k).make_worker(options_));
    return *kept_.front().second;
  }

  const PosteriorModel& model_;
  WorkerOptions options_;
  std::list<std::pair<std::size_t, std::unique_ptr<Worker>>> kept_;
  std::vector<double> row_;
};

} // namespace

PosteriorModel::PosteriorModel(std::unique_ptr<Model> base, Posterior posterior, Builder build)
  : base_(std::move(base)), posterior_(std::move(posterior)), draw_(posterior_.weights),
    build_(std::move(build)), models_(posterior_.particles)
{
  metrics_ = base_->metrics();
  particle_column_ =
    static_cast<std::size_t>(std::find_if(metrics_.begin(), metrics_.end(),
                                          [](const auto& m) { return !m.series.empty(); }) -
                             metrics_.begin());
  metrics_.insert(metrics_.begin() + static_cast<std::ptrdiff_t>(particle_column_),
                  MetricInfo{ kParticleMetric, "index",
                              "the particle of the posterior this replication ran (--posterior)",
                              "Posterior" });
}

PosteriorModel::~PosteriorModel() = default;

std::unique_ptr<Worker> PosteriorModel::make_worker(const WorkerOptions& options) const
{
  return std::make_unique<PosteriorWorker>(*this, options);
}

const Model& PosteriorModel::particle(std::size_t k) const
{
  {
    const std::lock_guard lock(mutex_);
    if (models_[k]) {
      return *models_[k];
    }
  }
  // Built outside the lock, so that threads meeting different particles build
  // them at once; two threads meeting the same new particle both build it and
  // the first to finish is kept (models are read-only and equal).
  std::shared_ptr<const Model> m = build_(k);
  std::string what;
  if (!same_outputs(*base_, *m, what)) {
    throw RuntimeError("the model of particle " + std::to_string(k) + " of " + posterior_.file +
                       " has other " + what + " than the scenario's");
  }
  const std::lock_guard lock(mutex_);
  if (!models_[k]) {
    models_[k] = std::move(m);
  }
  return *models_[k];
}

std::size_t PosteriorModel::built() const
{
  const std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
    std::count_if(models_.begin(), models_.end(), [](const auto& m) { return m != nullptr; }));
}

void PosteriorModel::write_results(h5::Group& root) const
{
  base_->write_results(root);
  write_arm_results(root);
}

void PosteriorModel::write_arm_results(h5::Group& root) const
{
  base_->write_arm_results(root);
  auto g = root.create_group("posterior");
  g.set_attr("file", posterior_.file);
  g.set_attr("method", posterior_.method);
  g.set_attr("hash", posterior_.hash);
  g.set_attr("particles", static_cast<std::uint64_t>(posterior_.particles));
  g.set_attr("description",
             "the posterior the replications drew their parameters from (`--posterior`): "
             "replication r ran particle k, drawn by a Walker alias table over `weights` from "
             "the stream (seed, r, sub-stream 'posterior.particle'), with `values[k]` written "
             "at `paths`");
  g.write_strings("names", posterior_.names);
  g.write_strings("paths", posterior_.paths);
  g.write_matrix<double>("values", posterior_.values, posterior_.particles,
                         posterior_.parameters());
  g.write<double>("weights", posterior_.weights);
}

} // namespace passage::engine
