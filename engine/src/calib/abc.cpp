// ABC-SMC (see abc.hpp). Written on the engine's own pieces: sa::Evaluator runs
// the proposals (threads, ranks), random::Stream gives every draw its own
// counter-keyed stream, io/checkpoint.hpp guards the checkpoint. pyabc's
// ABCSMC (Klinger et al. 2018) was read for the schedule: its QuantileEpsilon
// (weighted alpha-quantile, alpha = 0.5), MultivariateNormalTransition (2x the
// weighted covariance, the "scaling" of Beaumont 2009 / Filippi 2013) and its
// min_acceptance_rate stop; but pyabc accepts in the order in which workers
// finish, so its populations depend on the number of workers. Here a particle
// is the first accepted of its own numbered attempts, so batches may evaluate
// attempts ahead (wasting a few) and never change the result.
#include "passage/calib/abc.hpp"

#include "passage/calib/targets.hpp"
#include "passage/errors.hpp"
#include "passage/io/checkpoint.hpp"
#include "passage/io/hdf5.hpp"
#include "passage/io/results.hpp"
#include "passage/random/stream.hpp"
#include "passage/run/blocks.hpp"
#include "passage/run/cluster.hpp"
#include "passage/run/runner.hpp"
#include "passage/run/thread_pool.hpp"
#include "passage/sa/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

namespace passage::engine::calib {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr const char* kCheckpointKind = "abc-smc";
constexpr std::uint64_t kProposalStream = random::substream_id("calib.abc.proposal");

// The replications of proposal (g, i, a): 8 bits of generation, 24 of particle,
// 20 of attempt and 12 of replication, so no two proposals share a stream.
constexpr unsigned kGenerationBits = 8;
constexpr unsigned kParticleBits = 24;
constexpr unsigned kAttemptBits = 20;
constexpr unsigned kReplicationBits = 12;
static_assert(kGenerationBits + kParticleBits + kAttemptBits + kReplicationBits == 64);

std::uint64_t replication_key(std::uint64_t g, std::uint64_t i, std::uint64_t a)
{
  return (g << (kParticleBits + kAttemptBits + kReplicationBits)) |
         (i << (kAttemptBits + kReplicationBits)) | (a << kReplicationBits);
}

// Redraws of one proposal outside the prior's support before giving up.
constexpr std::uint64_t kMaxRedraws = 1000000;

// The lower Cholesky factor of a symmetric p x p matrix; a ridge is added to the
// diagonal when it is not positive definite (a parameter every particle shares).
std::vector<double> cholesky(std::vector<double> a, std::size_t p)
{
  double trace = 0.0;
  for (std::size_t k = 0; k < p; ++k) {
    trace += a[k * p + k];
  }
  double ridge = 1e-12 * std::max(trace / static_cast<double>(std::max<std::size_t>(p, 1)), 1e-12);
  const auto original = a;
  for (int tries = 0; tries < 40; ++tries) {
    std::vector<double> l(p * p, 0.0);
    bool ok = true;
    for (std::size_t j = 0; j < p && ok; ++j) {
      double d = a[j * p + j];
      for (std::size_t k = 0; k < j; ++k) {
        d -= l[j * p + k] * l[j * p + k];
      }
      if (!(d > 0.0)) {
        ok = false;
        break;
      }
      l[j * p + j] = std::sqrt(d);
      for (std::size_t i = j + 1; i < p; ++i) {
        double s = a[i * p + j];
        for (std::size_t k = 0; k < j; ++k) {
          s -= l[i * p + k] * l[j * p + k];
        }
        l[i * p + j] = s / l[j * p + j];
      }
    }
    if (ok) {
      return l;
    }
    a = original;
    for (std::size_t k = 0; k < p; ++k) {
      a[k * p + k] += ridge;
    }
    ridge *= 10.0;
  }
  throw RuntimeError("ABC-SMC: the particles' covariance cannot be factorised");
}

// y = L^-1 x (forward substitution).
void solve_lower(const std::vector<double>& l, std::size_t p, const double* x, double* y)
{
  for (std::size_t i = 0; i < p; ++i) {
    double s = x[i];
    for (std::size_t k = 0; k < i; ++k) {
      s -= l[i * p + k] * y[k];
    }
    y[i] = s / l[i * p + i];
  }
}

// The kernel for the generation after `prev`: 2x the weighted covariance of its
// coordinates, factorised.
std::vector<double> kernel_factor(const AbcGeneration& prev, std::size_t p)
{
  const std::size_t n = prev.size();
  std::vector<double> mean(p, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < p; ++k) {
      mean[k] += prev.weights[i] * prev.coords[i * p + k];
    }
  }
  std::vector<double> cov(p * p, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t a = 0; a < p; ++a) {
      const double da = prev.coords[i * p + a] - mean[a];
      for (std::size_t b = 0; b <= a; ++b) {
        cov[a * p + b] += prev.weights[i] * da * (prev.coords[i * p + b] - mean[b]);
      }
    }
  }
  // The weighted covariance with the reliability-weights correction 1 / (1 - sum w^2).
  double w2 = 0.0;
  for (const double w : prev.weights) {
    w2 += w * w;
  }
  const double scale = w2 < 1.0 ? 2.0 / (1.0 - w2) : 2.0;
  for (std::size_t a = 0; a < p; ++a) {
    for (std::size_t b = 0; b <= a; ++b) {
      cov[a * p + b] *= scale;
      cov[b * p + a] = cov[a * p + b];
    }
  }
  return cholesky(cov, p);
}

} // namespace

// ---------------------------------------------------------------------------

double PriorTransform::value(const sa::ParameterSpec& s, double t)
{
  if (s.distribution == sa::Distribution::Normal) {
    const double x = s.mean + s.sd * t;
    return s.integer ? std::round(x) : x;
  }
  return s.quantile(t);
}

bool PriorTransform::in_support(const sa::ParameterSpec& s, double t)
{
  if (s.distribution == sa::Distribution::Normal) {
    return std::isfinite(t);
  }
  return t >= 0.0 && t <= 1.0;
}

double PriorTransform::log_density(const sa::ParameterSpec& s, double t)
{
  return s.distribution == sa::Distribution::Normal ? -0.5 * t * t : 0.0;
}

double abc_distance(const Observations& obs, std::span<const double> m)
{
  double s = 0.0;
  for (std::size_t t = 0; t < obs.targets.size(); ++t) {
    if (!std::isfinite(m[t])) {
      return kInf;
    }
    const double d = m[t] - obs.targets[t].value;
    s += d * d / obs.targets[t].observation_variance();
  }
  return std::sqrt(s);
}

double weighted_quantile(std::span<const double> x, std::span<const double> w, double q)
{
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), std::size_t{ 0 });
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  double total = 0.0;
  for (const double v : w) {
    total += v;
  }
  double c = 0.0;
  for (const auto i : order) {
    c += w[i];
    if (c >= q * total) {
      return x[i];
    }
  }
  return order.empty() ? kNaN : x[order.back()];
}

double effective_sample_size(std::span<const double> w)
{
  double s = 0.0;
  double s2 = 0.0;
  for (const double v : w) {
    s += v;
    s2 += v * v;
  }
  return s2 > 0.0 ? s * s / s2 : 0.0;
}

// ---------------------------------------------------------------------------

struct AbcSmc::State
{
  std::vector<AbcGeneration> done;
  std::string stop_reason;
  std::uint64_t simulations = 0;
  std::uint64_t events = 0;

  // The generation under way.
  std::size_t g = 0;
  double tolerance = kInf;
  std::vector<std::uint8_t> accepted;
  std::vector<std::uint64_t> next;    //!< the next attempt of each particle
  std::vector<std::uint64_t> attempt; //!< the attempt accepted
  std::vector<double> coords, values, distances, outputs;
  std::uint64_t outside = 0;
  std::uint64_t failed = 0;
  std::string first_failure;

  // The round under way: proposals evaluated so far.
  std::size_t round_done = 0;
  std::vector<std::uint8_t> round_ok;
  std::vector<double> round_distance;
  std::vector<double> round_outputs;

  // Derived from done.back() (not saved).
  std::vector<double> kernel;
  random::Discrete ancestors;
};

AbcSmc::AbcSmc(const ModelRegistry& registry, const Scenario& base, const sa::Design& design,
               const Observations& obs, AbcOptions options)
  : registry_(registry), base_(base), design_(design), obs_(obs), options_(std::move(options))
{
  design_.outputs = obs_.columns();
  design_.output_marks.assign(design_.outputs.size(), config::Mark{});
  check_options();
}

void AbcSmc::check_options() const
{
  const auto& o = options_;
  if (design_.parameters.empty()) {
    throw UsageError("ABC-SMC needs at least one parameter in the design");
  }
  if (o.particles < 2 || o.particles >= (std::uint64_t{ 1 } << kParticleBits)) {
    throw UsageError("--particles must be in [2, " +
                     std::to_string((std::uint64_t{ 1 } << kParticleBits) - 1) + "]");
  }
  if (o.generations < 1 || o.generations > (std::uint64_t{ 1 } << kGenerationBits)) {
    throw UsageError("--generations must be in [1, 256]");
  }
  if (o.replications < 1 || o.replications > (std::uint64_t{ 1 } << kReplicationBits)) {
    throw UsageError("ABC-SMC runs 1 to 4096 replications per particle (-r)");
  }
  if (!(o.alpha > 0.0 && o.alpha < 1.0)) {
    throw UsageError("the tolerance quantile alpha must be in (0, 1)");
  }
  if (!(o.final_tolerance >= 0.0) || !(o.min_acceptance >= 0.0 && o.min_acceptance < 1.0)) {
    throw UsageError("the final tolerance must be >= 0 and the minimum acceptance in [0, 1)");
  }
}

std::string AbcSmc::job_identity() const
{
  // Everything that decides the result.
  char buf[128];
  std::snprintf(buf, sizeof buf, "%.17g %.17g %.17g", options_.alpha, options_.final_tolerance,
                options_.min_acceptance);
  return "scenario " + base_.hash() + "\nseed " + std::to_string(options_.seed) + "\nparticles " +
         std::to_string(options_.particles) + "\ngenerations " +
         std::to_string(options_.generations) + "\nreplications " +
         std::to_string(options_.replications) + "\nschedule " + buf + "\ndesign\n" + design_.text +
         "\nobservations\n" + obs_.text;
}

void AbcSmc::propose(const State& st, std::size_t i, std::uint64_t a, double* t,
                     std::uint64_t& outside) const
{
  const std::size_t p = design_.parameters.size();
  auto s = random::Stream::derive(options_.seed, st.g, random::combine(kProposalStream, i), a);
  if (st.g == 0) {
    for (std::size_t k = 0; k < p; ++k) {
      t[k] =
        design_.parameters[k].distribution == sa::Distribution::Normal ? s.normal() : s.uniform();
    }
    return;
  }
  const AbcGeneration& prev = st.done.back();
  std::vector<double> z(p);
  for (std::uint64_t draw = 0; draw < kMaxRedraws; ++draw) {
    const std::size_t j = st.ancestors(s);
    for (std::size_t k = 0; k < p; ++k) {
      z[k] = s.normal();
    }
    bool inside = true;
    for (std::size_t k = 0; k < p; ++k) {
      double v = prev.coords[j * p + k];
      for (std::size_t c = 0; c <= k; ++c) {
        v += st.kernel[k * p + c] * z[c];
      }
      t[k] = v;
      inside = inside && PriorTransform::in_support(design_.parameters[k], v);
    }
    if (inside) {
      return;
    }
    ++outside;
  }
  throw RuntimeError("ABC-SMC: the kernel drew " + std::to_string(kMaxRedraws) +
                     " proposals outside the prior's support in a row");
}

void AbcSmc::finish_generation(State& st) const
{
  const std::size_t n = options_.particles;
  const std::size_t p = design_.parameters.size();
  AbcGeneration gen;
  gen.tolerance = st.tolerance;
  gen.coords = st.coords;
  gen.values = st.values;
  gen.distances = st.distances;
  gen.outputs = st.outputs;
  gen.outside = st.outside;
  gen.failed = st.failed;
  gen.first_failure = st.first_failure;
  for (std::size_t i = 0; i < n; ++i) {
    gen.attempts += st.attempt[i] + 1;
  }
  gen.weights.assign(n, 1.0 / static_cast<double>(n));
  if (st.g > 0) {
    // w_i = prior(t_i) / sum_j w_j K(t_i | t_j), in logs; the kernel's constant
    // cancels when the weights are normalised.
    const AbcGeneration& prev = st.done.back();
    const std::size_t m = prev.size();
    std::vector<double> yp(m * p);
    for (std::size_t j = 0; j < m; ++j) {
      solve_lower(st.kernel, p, &prev.coords[j * p], &yp[j * p]);
    }
    std::vector<double> logw(n);
    auto one = [&](std::size_t i) {
      std::vector<double> y(p);
      solve_lower(st.kernel, p, &st.coords[i * p], y.data());
      std::vector<double> terms(m);
      double top = -kInf;
      for (std::size_t j = 0; j < m; ++j) {
        double q = 0.0;
        for (std::size_t k = 0; k < p; ++k) {
          const double d = y[k] - yp[j * p + k];
          q += d * d;
        }
        terms[j] = prev.weights[j] > 0.0 ? std::log(prev.weights[j]) - 0.5 * q : -kInf;
        top = std::max(top, terms[j]);
      }
      double sum = 0.0;
      for (std::size_t j = 0; j < m; ++j) {
        sum += std::exp(terms[j] - top);
      }
      double prior = 0.0;
      for (std::size_t k = 0; k < p; ++k) {
        prior += PriorTransform::log_density(design_.parameters[k], st.coords[i * p + k]);
      }
      logw[i] = prior - (top + std::log(sum));
    };
    const unsigned threads = options_.threads == 0 ? hardware_threads() : options_.threads;
#ifdef PASSAGE_STD_THREADS
    // ThreadSanitizer builds (run/thread_pool.hpp): the system oneTBB is not instrumented.
    ThreadPool pool(threads);
    pool.run(n, [&](std::uint64_t i, unsigned) { one(static_cast<std::size_t>(i)); });
#else
    tbb::task_arena arena(static_cast<int>(threads));
    arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n),
                        [&](const tbb::blocked_range<std::size_t>& r) {
                          for (std::size_t i = r.begin(); i != r.end(); ++i) {
                            one(i);
                          }
                        });
    });
#endif
    const double top = *std::max_element(logw.begin(), logw.end());
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      gen.weights[i] = std::exp(logw[i] - top);
      total += gen.weights[i];
    }
    for (auto& w : gen.weights) {
      w /= total;
    }
  }
  gen.ess = effective_sample_size(gen.weights);
  st.done.push_back(std::move(gen));
}

void AbcSmc::write_checkpoint(const std::string& path, const State& st) const
{
  OutputFile out(path, true);
  {
    h5::File& f = out.file();
    mark_checkpoint(f, kCheckpointKind);
    const std::string identity = job_identity();
    f.set_attr("identity", identity);
    f.set_attr("scenario_hash", base_.hash());
    f.set_attr("seed", options_.seed);
    Digest d;
    d.add(std::string_view(identity));
    const std::vector<std::uint64_t> counts = { st.done.size(), st.g,      st.round_done,
                                                st.simulations, st.events, st.outside,
                                                st.failed };
    f.write<std::uint64_t>("counts", counts);
    d.add(counts);
    f.set_attr("tolerance", st.tolerance);
    d.add_bytes(&st.tolerance, sizeof st.tolerance);
    f.set_attr("first_failure", st.first_failure);
    d.add(std::string_view(st.first_failure));
    auto gens = f.create_group("generations");
    for (std::size_t g = 0; g < st.done.size(); ++g) {
      const auto& gen = st.done[g];
      auto gg = gens.create_group(std::to_string(g));
      const std::vector<double> scalars = { gen.tolerance, gen.ess };
      const std::vector<std::uint64_t> ints = { gen.attempts, gen.outside, gen.failed };
      gg.write<double>("scalars", scalars);
      gg.write<std::uint64_t>("ints", ints);
      gg.write<double>("coords", gen.coords);
      gg.write<double>("values", gen.values);
      gg.write<double>("weights", gen.weights);
      gg.write<double>("distances", gen.distances);
      gg.write<double>("outputs", gen.outputs);
      gg.set_attr("first_failure", gen.first_failure);
      d.add(scalars);
      d.add(ints);
      d.add(gen.coords);
      d.add(gen.values);
      d.add(gen.weights);
      d.add(gen.distances);
      d.add(gen.outputs);
      d.add(std::string_view(gen.first_failure));
    }
    auto cur = f.create_group("current");
    cur.write<std::uint8_t>("accepted", st.accepted);
    cur.write<std::uint64_t>("next", st.next);
    cur.write<std::uint64_t>("attempt", st.attempt);
    cur.write<double>("coords", st.coords);
    cur.write<double>("values", st.values);
    cur.write<double>("distances", st.distances);
    cur.write<double>("outputs", st.outputs);
    cur.write<std::uint8_t>("round_ok", st.round_ok);
    cur.write<double>("round_distance", st.round_distance);
    cur.write<double>("round_outputs", st.round_outputs);
    d.add(st.accepted);
    d.add(st.next);
    d.add(st.attempt);
    d.add(st.coords);
    d.add(st.values);
    d.add(st.distances);
    d.add(st.outputs);
    d.add(st.round_ok);
    d.add(st.round_distance);
    d.add(st.round_outputs);
    d.write(f);
  }
  out.commit();
}

void AbcSmc::read_checkpoint(State& st) const
{
  const std::string& path = options_.resume;
  h5::File f = open_checkpoint(path, kCheckpointKind);
  const std::string identity = job_identity();
  if (f.attr_string("scenario_hash") != base_.hash()) {
    throw UsageError(path + " belongs to a different scenario (its resolved text differs)");
  }
  if (f.attr_uint("seed") != options_.seed) {
    throw UsageError(
      path + " belongs to a different seed (checkpoint: " + std::to_string(f.attr_uint("seed")) +
      "; this run: " + std::to_string(options_.seed) + ")");
  }
  if (f.attr_string("identity") != identity) {
    throw UsageError(path + " belongs to a different calibration (design, observations, "
                            "--particles, --generations or -r differ)");
  }
  Digest d;
  d.add(std::string_view(identity));
  const auto counts = f.read<std::uint64_t>("counts");
  if (counts.size() != 7) {
    throw UsageError(path + " is damaged: its counts do not fit");
  }
  d.add(counts);
  st.tolerance = f.attr_double("tolerance");
  d.add_bytes(&st.tolerance, sizeof st.tolerance);
  st.first_failure = f.attr_string("first_failure");
  d.add(std::string_view(st.first_failure));
  const std::size_t n = options_.particles;
  const std::size_t p = design_.parameters.size();
  const std::size_t nt = obs_.targets.size();
  auto gens = f.open_group("generations");
  if (counts[0] > options_.generations || counts[1] != counts[0]) {
    throw UsageError(path + " is damaged: its generations do not fit");
  }
  for (std::size_t g = 0; g < counts[0]; ++g) {
    auto gg = gens.open_group(std::to_string(g));
    AbcGeneration gen;
    const auto scalars = gg.read<double>("scalars");
    const auto ints = gg.read<std::uint64_t>("ints");
    gen.coords = gg.read<double>("coords");
    gen.values = gg.read<double>("values");
    gen.weights = gg.read<double>("weights");
    gen.distances = gg.read<double>("distances");
    gen.outputs = gg.read<double>("outputs");
    gen.first_failure = gg.attr_string("first_failure");
    d.add(scalars);
    d.add(ints);
    d.add(gen.coords);
    d.add(gen.values);
    d.add(gen.weights);
    d.add(gen.distances);
    d.add(gen.outputs);
    d.add(std::string_view(gen.first_failure));
    if (scalars.size() != 2 || ints.size() != 3 || gen.coords.size() != n * p ||
        gen.values.size() != n * p || gen.weights.size() != n || gen.distances.size() != n ||
        gen.outputs.size() != n * nt) {
      throw UsageError(path + " is damaged: generation " + std::to_string(g) +
                       " does not fit this calibration");
    }
    gen.tolerance = scalars[0];
    gen.ess = scalars[1];
    gen.attempts = ints[0];
    gen.outside = ints[1];
    gen.failed = ints[2];
    st.done.push_back(std::move(gen));
  }
  auto cur = f.open_group("current");
  st.accepted = cur.read<std::uint8_t>("accepted");
  st.next = cur.read<std::uint64_t>("next");
  st.attempt = cur.read<std::uint64_t>("attempt");
  st.coords = cur.read<double>("coords");
  st.values = cur.read<double>("values");
  st.distances = cur.read<double>("distances");
  st.outputs = cur.read<double>("outputs");
  st.round_ok = cur.read<std::uint8_t>("round_ok");
  st.round_distance = cur.read<double>("round_distance");
  st.round_outputs = cur.read<double>("round_outputs");
  d.add(st.accepted);
  d.add(st.next);
  d.add(st.attempt);
  d.add(st.coords);
  d.add(st.values);
  d.add(st.distances);
  d.add(st.outputs);
  d.add(st.round_ok);
  d.add(st.round_distance);
  d.add(st.round_outputs);
  d.check(f, path);
  if (st.accepted.size() != n || st.next.size() != n || st.attempt.size() != n ||
      st.coords.size() != n * p || st.values.size() != n * p || st.distances.size() != n ||
      st.outputs.size() != n * nt || st.round_ok.size() != counts[2] ||
      st.round_distance.size() != counts[2] || st.round_outputs.size() != counts[2] * nt) {
    throw UsageError(path + " is damaged: its arrays do not fit this calibration");
  }
  st.g = counts[1];
  st.round_done = counts[2];
  st.simulations = counts[3];
  st.events = counts[4];
  st.outside = counts[5];
  st.failed = counts[6];
}

AbcResult AbcSmc::run()
{
  const std::size_t n = options_.particles;
  const std::size_t p = design_.parameters.size();
  const std::size_t nt = obs_.targets.size();
  const std::uint64_t reps = options_.replications;
  auto& cluster = Cluster::instance();
  const unsigned threads = options_.threads == 0 ? hardware_threads() : options_.threads;
  const std::string checkpoint_path =
    options_.checkpoint.empty() ? options_.default_checkpoint : options_.checkpoint;
  cluster.check_on_root([&] {
    check_checkpoint_target(checkpoint_path, [&](const h5::File& f) {
      if (f.attr_or<std::string>("kind", "") != kCheckpointKind) {
        throw UsageError(checkpoint_path + " is not a checkpoint of an ABC-SMC calibration");
      }
      if (f.attr_or<std::string>("identity", "") != job_identity()) {
        throw UsageError(checkpoint_path + " belongs to a different calibration");
      }
    });
  });

  State st;
  AbcResult result;
  auto reset_generation = [&](State& s) {
    s.accepted.assign(n, 0);
    s.next.assign(n, 0);
    s.attempt.assign(n, 0);
    s.coords.assign(n * p, kNaN);
    s.values.assign(n * p, kNaN);
    s.distances.assign(n, kNaN);
    s.outputs.assign(n * nt, kNaN);
    s.outside = 0;
    s.failed = 0;
    s.first_failure.clear();
  };
  reset_generation(st);
  if (!options_.resume.empty()) {
    // Every rank reads the checkpoint (the ranks of a job share its files).
    read_checkpoint(st);
    result.resumed = true;
  }
  // The kernel and the ancestor table of the generation under way.
  auto prepare = [&](State& s) {
    if (s.g > 0) {
      s.kernel = kernel_factor(s.done.back(), p);
      s.ancestors = random::Discrete(s.done.back().weights);
    }
  };
  prepare(st);
  generation_.store(st.g);
  accepted_.store(
    static_cast<std::uint64_t>(std::count(st.accepted.begin(), st.accepted.end(), 1)));
  simulated_.store(st.simulations);

  sa::EvaluationOptions eo(options_.seed, threads, reps, false);
  sa::Evaluator evaluator(registry_, base_, design_, eo);
  const std::uint64_t max_attempts_per_particle = (std::uint64_t{ 1 } << kAttemptBits) - 1;
  const double budget = options_.min_acceptance > 0.0
                          ? std::ceil(static_cast<double>(n) / options_.min_acceptance)
                          : kInf;
  const auto ranks = static_cast<std::size_t>(cluster.size());
  AdaptiveChunk chunk(std::max<std::size_t>(8, 4 * ranks * threads), ranks * threads, 1u << 16);
  CheckpointGate gate(checkpoint_plan(options_, checkpoint_path, "the calibration goes on"));

  while (true) {
    const std::size_t accepted_now =
      static_cast<std::size_t>(std::count(st.accepted.begin(), st.accepted.end(), 1));
    if (accepted_now == n) {
      finish_generation(st);
      const AbcGeneration& gen = st.done.back();
      if (st.g > 0 && gen.tolerance <= options_.final_tolerance) {
        st.stop_reason = "tolerance";
      } else if (gen.acceptance_rate() < options_.min_acceptance) {
        st.stop_reason = "acceptance";
      } else if (st.done.size() >= options_.generations) {
        st.stop_reason = "generations";
      }
      if (!st.stop_reason.empty()) {
        break;
      }
      // Distances of a discrete output take few values, and their quantile may
      // not fall below the last tolerance: the tolerance is then the largest
      // distance below it, so that every generation tightens.
      double next = weighted_quantile(gen.distances, gen.weights, options_.alpha);
      if (!(next < gen.tolerance)) {
        double below = -1.0;
        for (const double d : gen.distances) {
          if (d < gen.tolerance && d > below) {
            below = d;
          }
        }
        next = below >= 0.0 ? below : next;
      }
      st.tolerance = std::max(next, options_.final_tolerance);
      st.g += 1;
      reset_generation(st);
      prepare(st);
      generation_.store(st.g);
      accepted_.store(0);
      continue;
    }

    // A round: m attempts ahead for every particle not yet accepted, m from the
    // acceptance seen so far (deterministic: the state, never the clock).
    std::uint64_t tried = 0;
    for (std::size_t i = 0; i < n; ++i) {
      tried += st.accepted[i] ? st.attempt[i] + 1 : st.next[i];
    }
    if (static_cast<double>(tried) > budget ||
        std::any_of(st.next.begin(), st.next.end(),
                    [&](std::uint64_t a) { return a >= max_attempts_per_particle; })) {
      if (st.done.empty()) {
        throw RuntimeError("the model failed at " + std::to_string(st.failed) +
                           " draws from the prior before " + std::to_string(n) +
                           " ran; the first: " + st.first_failure);
      }
      st.stop_reason = "acceptance"; // generation st.g abandoned
      break;
    }
    double rate = 1.0;
    if (tried > 0 && accepted_now > 0) {
      rate = static_cast<double>(accepted_now) / static_cast<double>(tried);
    } else if (st.g > 0) {
      rate = st.done.back().acceptance_rate();
    }
    // Half the expected attempts: a particle is then accepted within the round
    // about 40% of the time and few attempts are evaluated in vain; at least 16
    // proposals a round so that the last particles still keep the threads busy.
    const std::size_t pending = n - accepted_now;
    const auto ahead = static_cast<std::uint64_t>(std::ceil(0.5 / std::max(rate, 1e-6)));
    const auto busy = static_cast<std::uint64_t>((16 + pending - 1) / pending);
    const std::uint64_t m = std::clamp<std::uint64_t>(std::max(ahead, busy), 1, 64);
    std::vector<std::size_t> who;
    std::vector<std::uint64_t> which;
    for (std::size_t i = 0; i < n; ++i) {
      if (!st.accepted[i]) {
        for (std::uint64_t k = 0; k < m; ++k) {
          who.push_back(i);
          which.push_back(std::min(st.next[i] + k, max_attempts_per_particle));
        }
      }
    }
    const std::size_t np = who.size();
    std::vector<double> coords(np * p);
    std::vector<double> values(np * p);
    std::vector<std::uint64_t> outside(np, 0);
    std::vector<std::uint64_t> first(np);
    for (std::size_t q = 0; q < np; ++q) {
      propose(st, who[q], which[q], &coords[q * p], outside[q]);
      for (std::size_t k = 0; k < p; ++k) {
        values[q * p + k] = PriorTransform::value(design_.parameters[k], coords[q * p + k]);
      }
      first[q] = replication_key(st.g, who[q], which[q]);
    }

    // Evaluate the proposals not yet evaluated, in chunks (a stop request is
    // honoured between chunks).
    while (st.round_done < np) {
      const std::size_t c0 = st.round_done;
      const std::size_t c = std::min(static_cast<std::size_t>(chunk.size()), np - c0);
      chunk.start();
      auto t = evaluate_targets(evaluator, obs_, reps,
                                std::span<const double>(values).subspan(c0 * p, c * p),
                                std::span<const std::uint64_t>(first).subspan(c0, c));
      std::vector<double> dist(c, kInf);
      for (std::size_t q = 0; q < c; ++q) {
        if (t.ok[q]) {
          dist[q] = abc_distance(obs_, std::span<const double>(t.mean).subspan(q * nt, nt));
        }
      }
      st.round_ok.insert(st.round_ok.end(), t.ok.begin(), t.ok.end());
      st.round_distance.insert(st.round_distance.end(), dist.begin(), dist.end());
      st.round_outputs.insert(st.round_outputs.end(), t.mean.begin(), t.mean.end());
      if (st.first_failure.empty()) {
        st.first_failure = std::move(t.first_failure);
      }
      st.round_done += c;
      st.simulations += c;
      st.events += t.events;
      simulated_.store(st.simulations);

      chunk.adapt();

      const Boundary boundary = gate.poll();
      if (boundary != Boundary::Continue) {
        gate.write(boundary, "in generation " + std::to_string(st.g), [&] {
          write_checkpoint(checkpoint_path, st);
          result.checkpoint_written = true;
        });
        if (boundary == Boundary::Stop) {
          result.interrupted = true;
          result.checkpoint = checkpoint_path;
          result.generations = st.done;
          result.simulations = st.simulations;
          return result;
        }
      }
    }

    // Accept in index order: each particle's first accepted attempt.
    std::size_t q = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (st.accepted[i]) {
        continue;
      }
      for (std::uint64_t k = 0; k < m; ++k, ++q) {
        if (st.accepted[i]) {
          continue; // attempts evaluated past the one accepted
        }
        st.outside += outside[q];
        if (!st.round_ok[q]) {
          ++st.failed;
          continue;
        }
        // A distance that is not finite (a share whose denominator is always
        // 0) is never accepted, not even by generation 0's infinite tolerance.
        if (std::isfinite(st.round_distance[q]) && st.round_distance[q] <= st.tolerance) {
          st.accepted[i] = 1;
          st.attempt[i] = which[q];
          std::copy_n(&coords[q * p], p, &st.coords[i * p]);
          std::copy_n(&values[q * p], p, &st.values[i * p]);
          st.distances[i] = st.round_distance[q];
          std::copy_n(&st.round_outputs[q * nt], nt, &st.outputs[i * nt]);
        }
      }
      if (!st.accepted[i]) {
        st.next[i] += m;
      }
    }
    st.round_done = 0;
    st.round_ok.clear();
    st.round_distance.clear();
    st.round_outputs.clear();
    accepted_.store(
      static_cast<std::uint64_t>(std::count(st.accepted.begin(), st.accepted.end(), 1)));
  }
  result.generations = std::move(st.done);
  result.stop_reason = st.stop_reason;
  result.simulations = st.simulations;
  result.events = st.events;
  return result;
}

} // namespace passage::engine::calib
