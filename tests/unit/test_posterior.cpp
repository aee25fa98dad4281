// Runs under a posterior (engine/include/passage/run/posterior.hpp): the
// particle draw, the model that runs replication r at particle k(r), and the
// reading of a calibration file's /posterior.
#include "passage/errors.hpp"
#include "passage/io/hdf5.hpp"
#include "passage/run/posterior.hpp"
#include "support.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <filesystem>
#include <set>

using namespace passage;
using engine::Posterior;

namespace {

engine::Scenario mm1()
{
  return test::scenario_from_file("configs/verification/mm1.yaml", { "parameters.customers=300" });
}

Posterior three_rates()
{
  Posterior p;
  p.file = "test-posterior.h5";
  p.names = { "arrival_rate", "service_rate" };
  p.paths = { "parameters.arrival_rate", "parameters.service_rate" };
  p.particles = 3;
  p.values = { 0.3, 1.0, 0.5, 1.0, 0.7, 1.2 };
  p.weights = { 0.5, 0.3, 0.2 };
  return p;
}

std::unique_ptr<engine::PosteriorModel> posterior_model(const engine::Scenario& s,
                                                        const Posterior& p)
{
  return std::make_unique<engine::PosteriorModel>(
    models::registry().create(s), p, [s, p](std::size_t k) {
      return models::registry().create(engine::particle_scenario(s, p, k));
    });
}

std::vector<double> rows_of(const engine::Model& model, std::uint64_t seed, unsigned threads,
                            std::uint64_t n, std::uint64_t first = 0)
{
  engine::RunOptions o;
  o.seed = seed;
  o.threads = threads;
  o.block = 5; // several blocks, so that threads meet particles in different orders
  engine::Runner runner(model, o);
  std::vector<double> rows;
  runner.run(first, n, [&](std::uint64_t, std::uint64_t, std::span<const double> r) {
    rows.insert(rows.end(), r.begin(), r.end());
  });
  return rows;
}

std::string scratch(const std::string& name)
{
  return (std::filesystem::temp_directory_path() /
          ("passage-posterior-" + std::to_string(::getpid()) + "-" + name))
    .string();
}

void write_calibration(const std::string& path, const std::string& kind,
                       const std::vector<std::string>& paths, const std::vector<double>& values,
                       const std::vector<double>& weights)
{
  auto f = engine::h5::File::create(path);
  f.set_attr("kind", kind);
  f.set_attr("method", "abc-smc");
  auto g = f.create_group("parameters");
  g.write_strings("names", paths);
  g.write_strings("paths", paths);
  auto post = f.create_group("posterior");
  post.write_matrix<double>("values", values, weights.size(), paths.size());
  post.write<double>("weights", weights);
}

} // namespace

TEST_CASE("posterior: particles are drawn in proportion to their weights, per (seed, r)")
{
  const std::vector<double> w = { 0.5, 0.3, 0.2, 0.0 };
  const engine::ParticleDraw draw(w);
  const std::uint64_t n = 40000;
  std::vector<double> count(w.size(), 0.0);
  const std::uint64_t seed = test::seed(7);
  for (std::uint64_t r = 0; r < n; ++r) {
    const std::size_t k = draw(seed, r);
    REQUIRE(k < w.size());
    count[k] += 1.0;
    // A function of (seed, r) alone: asking again gives the same particle.
    CHECK(draw(seed, r) == k);
  }
  for (std::size_t k = 0; k < w.size(); ++k) {
    // Binomial: sigma = sqrt(p (1 - p) / n), at most 0.0025 here; 5 sigma.
    const double sigma = std::sqrt(w[k] * (1.0 - w[k]) / static_cast<double>(n));
    CHECK(std::fabs(count[k] / static_cast<double>(n) - w[k]) <= 5.0 * sigma + 1e-12);
  }
  CHECK(count[3] == 0.0); // a particle of weight 0 is never run
  // Another seed draws another sequence.
  std::size_t differ = 0;
  for (std::uint64_t r = 0; r < 100; ++r) {
    differ += draw(seed, r) != draw(seed + 1, r) ? 1 : 0;
  }
  CHECK(differ > 30);
}

TEST_CASE("posterior: replication r is replication r of its particle's model, on any thread count")
{
  const auto s = mm1();
  const auto p = three_rates();
  const auto model = posterior_model(s, p);
  const auto metrics = model->metrics();
  const std::size_t m = metrics.size();
  const std::size_t col = model->particle_column();
  REQUIRE(metrics[col].name == engine::kParticleMetric);
  const std::uint64_t n = 24;
  const auto one = rows_of(*model, s.seed, 1, n);
  const auto two = rows_of(*model, s.seed, 2, n);
  CHECK(one == two);
  // Replications 10..23 alone (a resumed run, another rank's share): the same
  // rows, whatever the workers ran before.
  const auto tail = rows_of(*model, s.seed, 2, n - 10, 10);
  CHECK(tail == std::vector<double>(one.begin() + static_cast<std::ptrdiff_t>(10 * m), one.end()));

  // Each row equals the plain run of its particle's scenario (the same seed, the
  // same replication index), less the posterior_particle column.
  std::vector<std::vector<double>> plain;
  for (std::size_t k = 0; k < p.particles; ++k) {
    const auto pm = models::registry().create(engine::particle_scenario(s, p, k));
    plain.push_back(rows_of(*pm, s.seed, 1, n));
  }
  std::set<std::size_t> used;
  for (std::uint64_t r = 0; r < n; ++r) {
    const auto k = static_cast<std::size_t>(one[r * m + col]);
    CHECK(k == model->draw()(s.seed, r));
    used.insert(k);
    std::vector<double> row(one.begin() + static_cast<std::ptrdiff_t>(r * m),
                            one.begin() + static_cast<std::ptrdiff_t>((r + 1) * m));
    row.erase(row.begin() + static_cast<std::ptrdiff_t>(col));
    const std::vector<double> want(plain[k].begin() + static_cast<std::ptrdiff_t>(r * (m - 1)),
                                   plain[k].begin() +
                                     static_cast<std::ptrdiff_t>((r + 1) * (m - 1)));
    CHECK(row == want);
  }
  CHECK(used.size() == 3); // 24 draws at weights 0.5/0.3/0.2 meet every particle here
  CHECK(model->built() == 3);
}

TEST_CASE("posterior: a calibration file's /posterior is read and checked")
{
  const auto s = mm1();
  const std::string good = scratch("good.h5");
  write_calibration(good, "calibration", { "parameters.arrival_rate" }, { 0.4, 0.6 },
                    { 0.25, 0.75 });
  const auto p = engine::read_posterior(good);
  CHECK(p.particles == 2);
  CHECK(p.value(1, 0) == 0.6);
  CHECK(p.weights[0] == 0.25);
  CHECK(p.hash.size() == 16);
  CHECK_NOTHROW(engine::check_posterior_paths(p, s));

  const auto message = [](const std::string& path) {
    try {
      engine::read_posterior(path);
    } catch (const engine::UsageError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string run = scratch("run.h5");
  write_calibration(run, "run", { "parameters.arrival_rate" }, { 0.4 }, { 1.0 });
  CHECK(message(run).find("not a calibration results file (its kind is 'run')") !=
        std::string::npos);
  const std::string light = scratch("light.h5");
  write_calibration(light, "calibration", { "parameters.arrival_rate" }, { 0.4, 0.6 },
                    { 0.25, 0.7 });
  CHECK(message(light).find("weights sum to 0.95") != std::string::npos);
  const std::string negative = scratch("negative.h5");
  write_calibration(negative, "calibration", { "parameters.arrival_rate" }, { 0.4, 0.6 },
                    { 1.5, -0.5 });
  CHECK(message(negative).find("weights[1] is -0.5") != std::string::npos);
  CHECK(message(scratch("missing.h5")).find("no such file") != std::string::npos);

  const std::string lacks = scratch("lacks.h5");
  write_calibration(lacks, "calibration", { "parameters.arival_rate" }, { 0.4 }, { 1.0 });
  try {
    engine::check_posterior_paths(engine::read_posterior(lacks), s);
    FAIL("a path the scenario lacks was accepted");
  } catch (const engine::UsageError& e) {
    const std::string what = e.what();
    CHECK(what.find("'parameters.arival_rate' is not a value of the scenario") !=
          std::string::npos);
    CHECK(std::string(e.hint()).find("arrival_rate") != std::string::npos);
  }
  for (const auto& f : { good, run, light, negative, lacks }) {
    std::filesystem::remove(f);
  }
}
