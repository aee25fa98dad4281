// ABC-SMC against known answers (issue 16): the conjugate normal mean of
// configs/verification/conjugate.yaml, whose ABC posterior at each tolerance and
// whose exact posterior are computed here by quadrature; bit-identical results
// for any thread count; a resumed run equals an uninterrupted one.
#include "passage/calib/abc.hpp"
#include "passage/calib/observations.hpp"
#include "passage/errors.hpp"
#include "passage/sa/design.hpp"
#include "support.hpp"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <doctest/doctest.h>
#include <filesystem>
#include <thread>
#include <unistd.h>

using namespace passage;
using namespace passage::engine;

namespace {

struct Conjugate
{
  Scenario scenario;
  sa::Design design;
  calib::Observations obs;
};

Conjugate conjugate()
{
  Conjugate c;
  c.scenario = test::scenario_from_file("configs/verification/conjugate.yaml");
  c.design = sa::load_design(test::source_dir() + "/configs/sa/conjugate.yaml", c.scenario);
  const auto metrics = models::registry().create(c.scenario)->metrics();
  c.obs =
    calib::load_observations(test::source_dir() + "/configs/observations/conjugate.yaml", metrics);
  return c;
}

calib::AbcResult abc(const Conjugate& c, calib::AbcOptions o)
{
  calib::AbcSmc smc(models::registry(), c.scenario, c.design, c.obs, std::move(o));
  return smc.run();
}

struct Moments
{
  double mean = 0.0;
  double var = 0.0;
  // The Monte Carlo standard errors of a self-normalised importance-sampling
  // estimate (the delta method): sqrt(sum_i w_i^2 (f_i - E f)^2) with f = x for
  // the mean and f = (x - mean)^2 for the variance. With equal weights these are
  // the usual sd / sqrt(n); unlike sqrt(var / ESS) they count that a particle in
  // the tails carries a larger weight than one near the centre.
  double se_mean = 0.0;
  double se_var = 0.0;
};

Moments weighted(const calib::AbcGeneration& g)
{
  Moments m;
  for (std::size_t i = 0; i < g.size(); ++i) {
    m.mean += g.weights[i] * g.values[i];
  }
  for (std::size_t i = 0; i < g.size(); ++i) {
    m.var += g.weights[i] * (g.values[i] - m.mean) * (g.values[i] - m.mean);
  }
  for (std::size_t i = 0; i < g.size(); ++i) {
    const double w2 = g.weights[i] * g.weights[i];
    const double d = g.values[i] - m.mean;
    m.se_mean += w2 * d * d;
    m.se_var += w2 * (d * d - m.var) * (d * d - m.var);
  }
  m.se_mean = std::sqrt(m.se_mean);
  m.se_var = std::sqrt(m.se_var);
  return m;
}

double phi_cdf(double x)
{
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

// The ABC posterior of mu at half-width h: prior N(0, 2^2) times the chance
// that the simulated mean, N(mu, 0.5^2), falls within h of the observed 1.0
// (h = infinity: the prior). By the trapezoid rule on [-12, 12].
Moments abc_posterior(double h)
{
  const double tau = 0.5;
  const double y = 1.0;
  double z = 0.0;
  double s1 = 0.0;
  double s2 = 0.0;
  const double step = 1e-4;
  for (double mu = -12.0; mu <= 12.0; mu += step) {
    const double prior = std::exp(-mu * mu / 8.0);
    const double like =
      std::isinf(h) ? 1.0 : phi_cdf((y + h - mu) / tau) - phi_cdf((y - h - mu) / tau);
    const double f = prior * like;
    z += f;
    s1 += f * mu;
    s2 += f * mu * mu;
  }
  Moments m;
  m.mean = s1 / z;
  m.var = s2 / z - m.mean * m.mean;
  return m;
}

bool bit_equal(const std::vector<double>& a, const std::vector<double>& b)
{
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

void check_same(const calib::AbcResult& a, const calib::AbcResult& b)
{
  REQUIRE(a.generations.size() == b.generations.size());
  CHECK(a.stop_reason == b.stop_reason);
  CHECK(a.simulations == b.simulations);
  CHECK(a.events == b.events);
  for (std::size_t g = 0; g < a.generations.size(); ++g) {
    const auto& x = a.generations[g];
    const auto& y = b.generations[g];
    CHECK(bit_equal(x.values, y.values));
    CHECK(bit_equal(x.coords, y.coords));
    CHECK(bit_equal(x.weights, y.weights));
    CHECK(bit_equal(x.distances, y.distances));
    CHECK(bit_equal(x.outputs, y.outputs));
    CHECK(std::memcmp(&x.tolerance, &y.tolerance, sizeof(double)) == 0);
    CHECK(x.attempts == y.attempts);
    CHECK(x.outside == y.outside);
  }
}

std::string temp_path(const std::string& name)
{
  return (std::filesystem::temp_directory_path() /
          ("passage_abc_" + std::to_string(::getpid()) + "_" + name + ".h5"))
    .string();
}

} // namespace

TEST_CASE("calibration: the exact posterior of the conjugate case, and the ABC one near it")
{
  // The closed form: precision 1/4 + 4 / 1 = 4.25, mean 4 x 1.0 / 4.25.
  const Moments exact = abc_posterior(1e-6);
  CHECK(exact.mean == doctest::Approx(4.0 / 4.25).epsilon(1e-6));
  CHECK(exact.var == doctest::Approx(1.0 / 4.25).epsilon(1e-5));
  const Moments prior = abc_posterior(std::numeric_limits<double>::infinity());
  CHECK(prior.var == doctest::Approx(4.0).epsilon(1e-6));
}

TEST_CASE("calibration: ABC-SMC's posterior of a normal mean converges to the conjugate one")
{
  const auto c = conjugate();
  calib::AbcOptions o;
  o.particles = 1000;
  o.generations = 8;
  o.alpha = 0.5;
  o.final_tolerance = 0.1; // in distance units: |mean - 1.0| / 0.5 <= 0.1, a half-width of 0.05
  o.min_acceptance = 0.005;
  o.seed = test::seed(11);
  o.threads = 2;
  const auto r = abc(c, o);
  REQUIRE(r.generations.size() >= 4);
  INFO("stop: " << r.stop_reason << ", generations " << r.generations.size());
  const Moments exact = abc_posterior(1e-6);
  double last_gap = std::numeric_limits<double>::infinity();
  for (std::size_t g = 0; g < r.generations.size(); ++g) {
    const auto& gen = r.generations[g];
    const double h = 0.5 * gen.tolerance;
    const Moments want = abc_posterior(h);
    const Moments got = weighted(gen);
    // 4 sigma, sigma the importance-sampling standard error (Moments); about
    // sqrt(var / ESS) for the mean and var sqrt(2 / ESS) for the variance.
    const double se_mean = got.se_mean;
    const double se_var = got.se_var;
    INFO("generation " << g << ": tolerance " << gen.tolerance << ", ESS " << gen.ess << ", mean "
                       << got.mean << " (ABC " << want.mean << "), var " << got.var << " (ABC "
                       << want.var << ")");
    CHECK(std::abs(got.mean - want.mean) < 4.0 * se_mean);
    CHECK(std::abs(got.var - want.var) < 4.0 * se_var);
    CHECK(gen.ess > 0.3 * static_cast<double>(gen.size()));
    if (g > 0) {
      CHECK(gen.tolerance < r.generations[g - 1].tolerance);
      // The exact ABC posterior approaches the true one as the tolerance falls.
      const double gap = std::abs(want.var - exact.var) + std::abs(want.mean - exact.mean);
      CHECK(gap < last_gap);
      last_gap = gap;
    }
  }
  // At the last tolerance the ABC posterior is the conjugate one to within
  // 4 sigma plus the ABC posterior's own (computed) distance from it.
  const auto& last = r.posterior();
  CHECK(r.stop_reason == "tolerance");
  CHECK(last.tolerance <= 0.1);
  const Moments got = weighted(last);
  const Moments at = abc_posterior(0.5 * last.tolerance);
  CHECK(std::abs(at.var - exact.var) < 0.01 * exact.var); // the tolerance's bias: < 1%
  CHECK(std::abs(got.mean - exact.mean) < 4.0 * got.se_mean + std::abs(at.mean - exact.mean));
  CHECK(std::abs(got.var - exact.var) < 4.0 * got.se_var + std::abs(at.var - exact.var));
  double total = 0.0;
  for (const double w : last.weights) {
    total += w;
  }
  CHECK(total == doctest::Approx(1.0).epsilon(1e-12));
}

TEST_CASE("calibration: ABC-SMC is bit-identical for 1 and 2 threads")
{
  const auto c = conjugate();
  calib::AbcOptions o;
  o.particles = 200;
  o.generations = 4;
  o.seed = test::seed(3);
  o.replications = 2;
  o.threads = 1;
  const auto one = abc(c, o);
  o.threads = 2;
  const auto two = abc(c, o);
  CHECK(one.generations.size() == 4);
  CHECK(one.stop_reason == "generations");
  check_same(one, two);
}

TEST_CASE("calibration: a resumed ABC-SMC equals an uninterrupted one")
{
  const auto c = conjugate();
  calib::AbcOptions o;
  o.particles = 200;
  o.generations = 5;
  o.seed = test::seed(5);
  o.threads = 2;
  const auto whole = abc(c, o);

  const std::string ck = temp_path("resume");
  std::filesystem::remove(ck);
  // Stopped at once: the checkpoint holds generation 0's first chunk.
  std::atomic<bool> stop{ true };
  o.checkpoint = ck;
  o.stop = &stop;
  const auto first = abc(c, o);
  REQUIRE(first.interrupted);
  REQUIRE(std::filesystem::exists(ck));
  // Resumed, and stopped again in a later generation.
  stop = false;
  o.resume = ck;
  calib::AbcResult second;
  {
    calib::AbcSmc smc(models::registry(), c.scenario, c.design, c.obs, o);
    std::atomic<bool> done{ false };
    std::thread watch([&] {
      while (!done.load() && smc.generation() < 2) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
      stop = true;
    });
    second = smc.run();
    done = true;
    watch.join();
  }
  REQUIRE(second.interrupted);
  CHECK(second.resumed);
  CHECK(second.generations.size() >= 2);
  // Resumed to the end.
  stop = false;
  const auto third = abc(c, o);
  CHECK_FALSE(third.interrupted);
  check_same(whole, third);

  // A checkpoint of another calibration is refused.
  auto other = o;
  other.particles = 100;
  CHECK_THROWS_AS(abc(c, other), UsageError);
  std::filesystem::remove(ck);
}

TEST_CASE("calibration: ABC-SMC's pieces")
{
  const std::vector<double> x = { 3, 1, 2, 4 };
  const std::vector<double> w = { 0.1, 0.4, 0.2, 0.3 };
  CHECK(calib::weighted_quantile(x, w, 0.4) == 1);
  CHECK(calib::weighted_quantile(x, w, 0.5) == 2);
  CHECK(calib::weighted_quantile(x, w, 0.75) == 4);
  CHECK(calib::effective_sample_size(std::vector<double>{ 1, 1, 1, 1 }) == doctest::Approx(4));
  CHECK(calib::effective_sample_size(std::vector<double>{ 1, 0, 0, 0 }) == doctest::Approx(1));
  sa::ParameterSpec u;
  u.distribution = sa::Distribution::Uniform;
  u.lo = 2;
  u.hi = 4;
  CHECK(calib::PriorTransform::value(u, 0.25) == 2.5);
  CHECK_FALSE(calib::PriorTransform::in_support(u, 1.01));
  CHECK(calib::PriorTransform::in_support(u, 0.0));
  sa::ParameterSpec n;
  n.distribution = sa::Distribution::Normal;
  n.mean = 10;
  n.sd = 2;
  CHECK(calib::PriorTransform::value(n, -1.5) == 7);
  CHECK(calib::PriorTransform::log_density(n, 2.0) == -2.0);
  const auto c = conjugate();
  CHECK(calib::abc_distance(c.obs, std::vector<double>{ 2.0 }) == doctest::Approx(2.0));
  CHECK(std::isinf(calib::abc_distance(c.obs, std::vector<double>{ NAN })));
}

TEST_CASE("calibration: ABC-SMC's posterior of a Poisson rate is the gamma one (log-uniform prior)")
{
  // count ~ Poisson(lambda x 4); prior log-uniform on [0.1, 100], i.e. density
  // 1/lambda; observed 20. Posterior: Gamma(shape 20, rate 4) truncated to
  // [0.1, 100] (the truncation is below 1e-12): mean 5, variance 1.25. The
  // distance is |count - 20| / sqrt(20): a tolerance below 1/sqrt(20) = 0.224
  // accepts only an exact match, where ABC is exact. The ABC posterior at a
  // larger tolerance e (every count within e sqrt(20) of 20) is computed here.
  auto c = conjugate();
  c.scenario =
    test::scenario_from_file("configs/verification/conjugate.yaml", { "parameters.exposure=4" });
  c.design = sa::read_design(config::parse("parameters:\n"
                                           "  parameters.lambda: {distribution: log_uniform, "
                                           "range: [0.1, 100]}\n",
                                           "p.yaml"),
                             "p.yaml", c.scenario);
  c.obs = calib::read_observations(config::parse("observations:\n"
                                                 "  targets:\n"
                                                 "    - {name: n, output: count, value: 20, "
                                                 "source: s, error: {model: poisson}}\n"
                                                 "  sources: {s: {title: closed form}}\n",
                                                 "o.yaml"),
                                   "o.yaml", models::registry().create(c.scenario)->metrics());
  auto posterior_at = [](double tolerance) {
    // The counts accepted, decided as abc_distance decides them (a window
    // computed as tolerance x sqrt(20) could round past its last count).
    std::vector<int> window;
    for (int k = 0; k <= 200; ++k) {
      if (std::sqrt((k - 20.0) * (k - 20.0) / 20.0) <= tolerance) {
        window.push_back(k);
      }
    }
    // Quadrature in u = log lambda, where the prior is uniform.
    double z = 0.0;
    double s1 = 0.0;
    double s2 = 0.0;
    for (double u = std::log(0.1); u <= std::log(100.0); u += 1e-4) {
      const double mu = 4.0 * std::exp(u);
      double like = 0.0;
      for (const int k : window) {
        like += std::exp(k * std::log(mu) - mu - std::lgamma(k + 1.0));
      }
      const double l = std::exp(u);
      z += like;
      s1 += like * l;
      s2 += like * l * l;
    }
    Moments m;
    m.mean = s1 / z;
    m.var = s2 / z - m.mean * m.mean;
    return m;
  };
  const Moments exact = posterior_at(0.1);
  CHECK(exact.mean == doctest::Approx(5.0).epsilon(1e-4));
  CHECK(exact.var == doctest::Approx(1.25).epsilon(1e-3));

  calib::AbcOptions o;
  o.particles = 1000;
  o.generations = 10;
  o.final_tolerance = 0.1;
  o.min_acceptance = 0.005;
  o.seed = test::seed(17);
  o.threads = 2;
  const auto r = abc(c, o);
  CHECK(r.stop_reason == "tolerance");
  for (std::size_t g = 1; g < r.generations.size(); ++g) {
    const auto& gen = r.generations[g];
    const Moments want = posterior_at(gen.tolerance);
    const Moments got = weighted(gen);
    // 4 sigma, sigma the importance-sampling standard error (Moments).
    INFO("generation " << g << ": tolerance " << gen.tolerance << ", ESS " << gen.ess << ", mean "
                       << got.mean << " (ABC " << want.mean << "), var " << got.var << " (ABC "
                       << want.var << ")");
    CHECK(std::abs(got.mean - want.mean) < 4.0 * got.se_mean);
    CHECK(std::abs(got.var - want.var) < 4.0 * got.se_var);
  }
  const auto& last = r.posterior();
  CHECK(last.tolerance < 1.0 / std::sqrt(20.0)); // exact matches only
  for (const double d : last.distances) {
    CHECK(d == 0.0);
  }
  const Moments got = weighted(last);
  CHECK(std::abs(got.mean - 5.0) < 4.0 * got.se_mean);
  CHECK(std::abs(got.var - 1.25) < 4.0 * got.se_var);
}
