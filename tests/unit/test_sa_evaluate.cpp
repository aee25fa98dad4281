// Running designs: failed points are results, not crashes; the same seed gives
// bit-identical runs and indices for any number of threads; replication r of
// every point shares its streams; files hold what was run.
#include "passage/errors.hpp"
#include "passage/io/results.hpp"
#include "passage/sa/evaluate.hpp"
#include "passage/sa/indices.hpp"
#include "passage/sa/output.hpp"
#include "passage/sa/sampling.hpp"
#include "support.hpp"

#include <cmath>
#include <cstring>
#include <doctest/doctest.h>
#include <filesystem>
#include <unistd.h>

using namespace passage;
using namespace passage::engine;

namespace {

sa::Design design_from(const std::string& yaml, const Scenario& s)
{
  auto d = sa::read_design(config::parse(yaml, "d.yaml"), "d.yaml", s);
  sa::resolve_outputs(d, models::registry().create(s)->metrics());
  return d;
}

bool bit_equal(const std::vector<double>& a, const std::vector<double>& b)
{
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// The Mali baseline over 10 days: a few hundred journeys, a millisecond a run.
Scenario short_mali()
{
  return test::scenario_from_file("configs/mali-2016.yaml", { "horizon_days=10" });
}

} // namespace

TEST_CASE("sa evaluate: a point the model rejects is recorded as failed, with the reason")
{
  // Half of the range makes a probability > 1.
  const auto s = short_mali();
  const auto d =
    design_from("parameters:\n"
                "  parameters.arrest_points.gao_gendarmes.arrest_probability: {range: [0.5, 1.5]}\n"
                "outputs: [died, arrived_algeria]\n"
                "replications: 2\n",
                s);
  const std::size_t n = 16;
  const auto values = sa::values_from_unit(d, sa::latin_hypercube(n, 1, 5));
  sa::Evaluator ev(models::registry(), s, d, { s.seed, 2, 2, true });
  const auto e = ev.run(values);
  CHECK(ev.completed() == n);
  CHECK(e.failed() == 8); // one point per stratum: exactly half above 1
  for (std::size_t p = 0; p < n; ++p) {
    CHECK((e.ok[p] != 0) == (values[p] <= 1.0));
    if (!e.ok[p]) {
      CHECK(e.reasons[p].find("d.yaml:2:3: error: arrest_probability must be a probability in "
                              "[0, 1], got ") == 0);
      CHECK(std::isnan(e.output(0)[p * 2]));
    } else {
      CHECK(e.reasons[p].empty());
      CHECK(std::isfinite(e.output(1)[p * 2 + 1]));
    }
  }
}

TEST_CASE("sa evaluate: indices leave out base samples with a failed point, and say so")
{
  const auto s = test::scenario_from_file("configs/verification/ishigami.yaml");
  const auto d = design_from("parameters:\n"
                             "  parameters.x1: {range: [-3.14159, 3.14159]}\n"
                             "  parameters.x2: {range: [-3.14159, 3.14159]}\n"
                             "  parameters.noise_sd: {range: [-0.2, 1]}\n",
                             s);
  const auto sd = sa::saltelli(128, 3, false, 11);
  const auto values = sa::values_from_unit(d, sd.unit);
  sa::Evaluator ev(models::registry(), s, d, { 11, 2, 2, true });
  const auto e = ev.run(values);
  CHECK(e.failed() > 0);
  CHECK(e.failed() < e.points);
  const auto idx = sa::sobol_indices(sd, sa::Runs{ e.output(0), e.points, 2, e.ok }, { 100, 11 });
  CHECK(idx.rows_dropped > 0);
  CHECK(idx.rows_used + idx.rows_dropped == 128);
  std::size_t bad_rows = 0;
  for (std::size_t j = 0; j < 128; ++j) {
    bool bad = false;
    for (std::size_t b = 0; b < sd.blocks(); ++b) {
      bad = bad || !e.ok[sd.point(b, j)];
    }
    bad_rows += bad;
  }
  CHECK(idx.rows_dropped == bad_rows);
  CHECK(std::isfinite(idx.st[0]));
}

TEST_CASE("sa evaluate: bit-identical runs and indices for any number of threads")
{
  {
    const auto s =
      test::scenario_from_file("configs/verification/ishigami.yaml", { "parameters.noise_sd=1" });
    const auto d = design_from("parameters:\n"
                               "  parameters.x1: {range: [-3.14159, 3.14159]}\n"
                               "  parameters.x2: {range: [-3.14159, 3.14159]}\n"
                               "  parameters.x3: {range: [-3.14159, 3.14159]}\n",
                               s);
    const auto sd = sa::saltelli(256, 3, true, 3);
    const auto values = sa::values_from_unit(d, sd.unit);
    for (const bool crn : { true, false }) {
      std::vector<sa::Evaluation> e;
      std::vector<sa::SobolIndices> idx;
      for (const unsigned threads : { 1U, 2U, 3U }) {
        sa::Evaluator ev(models::registry(), s, d, { 3, threads, 3, crn });
        e.push_back(ev.run(values));
        idx.push_back(sa::sobol_indices(
          sd, sa::Runs{ e.back().output(0), e.back().points, 3, e.back().ok }, { 200, 3 }));
      }
      for (std::size_t k = 1; k < e.size(); ++k) {
        CHECK(bit_equal(e[0].runs, e[k].runs));
        CHECK(bit_equal(idx[0].s1, idx[k].s1));
        CHECK(bit_equal(idx[0].st_low, idx[k].st_low));
        CHECK(bit_equal(idx[0].s2_high, idx[k].s2_high));
      }
    }
  }
  {
    // The real model: a Morris design over three of its assumptions.
    const auto s = short_mali();
    const auto d =
      design_from("parameters:\n"
                  "  parameters.bandits.hazard_scale: {distribution: log_uniform}\n"
                  "  parameters.hostage_takers.border_post_smugglers.pay_probability: {}\n"
                  "  parameters.segments.bamako_gao.roadblocks.roadblock: {}\n"
                  "outputs: [died, ransoms_paid, revenue_armed_groups, arrived_algeria]\n",
                  s);
    CHECK(d.parameters[2].integer);
    const auto m = sa::morris(3, 3, 4, s.seed);
    const auto values = sa::values_from_levels(d, m.unit, 4);
    sa::Evaluator one(models::registry(), s, d, { s.seed, 1, 2, true });
    sa::Evaluator two(models::registry(), s, d, { s.seed, 2, 2, true });
    const auto e1 = one.run(values);
    const auto e2 = two.run(values);
    CHECK(e1.failed() == 0);
    CHECK(bit_equal(e1.runs, e2.runs));
    CHECK(e1.events == e2.events);
    CHECK(e1.events > 0);
  }
}

TEST_CASE("sa evaluate: replication r of every point uses the streams of (seed, r)")
{
  const auto s =
    test::scenario_from_file("configs/verification/ishigami.yaml", { "parameters.noise_sd=2" });
  const auto d = design_from("parameters: {parameters.x1: {range: [-3, 3]}}\n", s);
  const auto values = sa::values_from_unit(d, sa::latin_hypercube(10, 1, 1));
  auto noise = [&](bool crn) {
    sa::Evaluator ev(models::registry(), s, d, { 9, 2, 3, crn });
    const auto e = ev.run(values);
    // y(p, r) - y(p, 0): the noise difference between replications r and 0.
    std::vector<std::vector<double>> diff(10);
    for (std::size_t p = 0; p < 10; ++p) {
      for (std::size_t r = 1; r < 3; ++r) {
        diff[p].push_back(e.output(0)[p * 3 + r] - e.output(0)[p * 3]);
      }
    }
    return diff;
  };
  const auto common = noise(true);
  for (std::size_t p = 1; p < 10; ++p) {
    for (std::size_t r = 0; r < 2; ++r) {
      CHECK(common[p][r] == doctest::Approx(common[0][r]).epsilon(1e-12));
    }
  }
  const auto own = noise(false);
  CHECK(std::fabs(own[1][0] - own[0][0]) > 1e-3);
}

TEST_CASE("sa output: a sensitivity file holds the design, the runs, the failures, the indices")
{
  const auto s =
    test::scenario_from_file("configs/verification/ishigami.yaml", { "parameters.noise_sd=0.5" });
  const auto model = models::registry().create(s);
  const auto d = design_from("parameters:\n"
                             "  parameters.x1: {range: [-3.14159, 3.14159]}\n"
                             "  parameters.noise_sd: {range: [-0.1, 1]}\n"
                             "replications: 2\n",
                             s);
  const auto sd = sa::saltelli(32, 2, false, 5);
  const auto values = sa::values_from_unit(d, sd.unit);
  sa::Evaluator ev(models::registry(), s, d, { 5, 2, 2, true });
  const auto e = ev.run(values);
  REQUIRE(e.failed() > 0);
  const auto idx = sa::sobol_indices(sd, sa::Runs{ e.output(0), e.points, 2, e.ok }, { 50, 5 });
  const std::string path =
    (std::filesystem::temp_directory_path() / ("passage_sa_" + std::to_string(::getpid()) + ".h5"))
      .string();
  sa::write_atomically(path, true, [&](h5::File& f) {
    write_manifest(f, s, *model, e.events, RunManifest{});
    f.set_attr("kind", "sensitivity");
    f.set_attr("method", "sobol");
    f.set_attr("points", static_cast<std::uint64_t>(e.points));
    f.set_attr("replications", std::uint64_t{ 2 });
    sa::write_design(f, d, values);
    sa::write_evaluation(f, e, model->metrics());
    auto g = f.create_group("indices");
    sa::write_sobol(g, "y", d, idx);
  });
  CHECK(sa::results_kind(path) == "sensitivity");
  const auto v = sa::read_sa(path);
  CHECK(v.parameters == std::vector<std::string>{ "x1", "noise_sd" });
  CHECK(v.points == e.points);
  CHECK(v.failures.size() == e.failed());
  REQUIRE(v.outputs.size() == 1);
  CHECK(bit_equal(v.outputs[0].st, idx.st));
  CHECK(bit_equal(v.outputs[0].s1_high, idx.s1_high));
  {
    const auto f = open_results(path);
    const auto inputs = f.open_group("design").open_dataset("inputs");
    CHECK(inputs.dims() == std::vector<std::size_t>{ e.points, 2 });
    CHECK(bit_equal(inputs.read<double>(), values));
    CHECK(f.open_group("outputs").open_dataset("y").dims() ==
          std::vector<std::size_t>{ e.points, 2 });
  }
  // A failure while writing leaves nothing behind.
  const std::string other = path + ".never.h5";
  CHECK_THROWS_AS(
    sa::write_atomically(other, true, [](h5::File&) { throw RuntimeError("interrupted"); }),
    RuntimeError);
  CHECK_FALSE(std::filesystem::exists(other));
  CHECK_THROWS_AS(sa::write_atomically(path, false, [](h5::File&) {}), UsageError);
  std::filesystem::remove(path);
}
