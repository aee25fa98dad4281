// History matching's pieces: the implausibility, the nth largest, the Gaussian
// process, the stopping rules, failed points, bad options and determinism.
#include "passage/calib/history.hpp"
#include "passage/errors.hpp"

#include <cmath>
#include <doctest/doctest.h>
#include <limits>
#include <tbb/task_arena.h>

using namespace passage::engine;

namespace {

// f(u) = 10 u1 (+ 0 u2 ...), exact, V_model = 0.
calib::PointMoments ramp(std::span<const double> unit, std::size_t dims)
{
  const std::size_t n = unit.size() / dims;
  calib::PointMoments m;
  m.mean.resize(n);
  m.variance.assign(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    m.mean[i] = 10.0 * unit[i * dims];
  }
  return m;
}

calib::HistoryOptions options(std::size_t dims)
{
  calib::HistoryOptions o;
  o.dims = dims;
  o.points = 64;
  o.waves = 3;
  o.seed = 9;
  return o;
}

} // namespace

TEST_CASE("history implausibility: |z - E f| / sd, and the nth largest over targets")
{
  CHECK(calib::implausibility(10.0, 7.0, 4.0) == doctest::Approx(1.5));
  CHECK(calib::implausibility(10.0, 13.0, 1.0) == doctest::Approx(3.0));
  CHECK(calib::implausibility(2.0, 2.0, 0.0) == 0.0);
  CHECK(std::isinf(calib::implausibility(2.0, 2.5, 0.0)));
  const std::vector<double> v{ 0.5, 4.0, 2.0, 3.0 };
  CHECK(calib::nth_largest(v, 1) == 4.0);
  CHECK(calib::nth_largest(v, 2) == 3.0);
  CHECK(calib::nth_largest(v, 9) == 0.5); // clamped to the smallest
  CHECK(calib::nth_largest({}, 1) == -std::numeric_limits<double>::infinity());
}

TEST_CASE("history emulator: a Gaussian process interpolates and knows where it is unsure")
{
  // sin on [0, 1], 12 points, no noise: small error at held-out points and
  // within 3 predicted sd; near zero variance at a training point; larger far away.
  std::vector<double> x;
  std::vector<double> y;
  for (int i = 0; i < 12; ++i) {
    const double u = (i + 0.5) / 12.0;
    x.push_back(u);
    y.push_back(std::sin(6.0 * u));
  }
  const std::vector<double> noise(x.size(), 0.0);
  calib::GaussianProcess gp;
  gp.fit(x, 1, y, noise, std::vector<double>{ 0.0 }, std::vector<double>{ 1.0 });
  REQUIRE(gp.fitted());
  double m = 0.0;
  double v = 0.0;
  for (int i = 0; i < 40; ++i) {
    const double u = 0.05 + 0.9 * i / 39.0;
    gp.predict(std::vector<double>{ u }, m, v);
    CAPTURE(u);
    CHECK(std::fabs(m - std::sin(6.0 * u)) < 0.02);
    CHECK(std::fabs(m - std::sin(6.0 * u)) <= 3.0 * std::sqrt(v) + 1e-4);
  }
  gp.predict(std::vector<double>{ x[3] }, m, v);
  CHECK(m == doctest::Approx(y[3]).epsilon(1e-4));
  CHECK(v < 1e-6);
  double v_far = 0.0;
  gp.predict(std::vector<double>{ 3.0 }, m, v_far);
  CHECK(v_far > 100.0 * v);

  // With noise the fit smooths: the mean at a point is not its noisy value.
  std::vector<double> yn = y;
  yn[5] += 0.5;
  const std::vector<double> nz(x.size(), 0.01);
  gp.fit(x, 1, yn, nz, std::vector<double>{ 0.0 }, std::vector<double>{ 1.0 });
  gp.predict(std::vector<double>{ x[5] }, m, v);
  CHECK(std::fabs(m - yn[5]) > 0.05);
  CHECK(v > 1e-4);
}

TEST_CASE("history matching stops when a wave rules out nothing, or everything")
{
  const auto f = [](std::span<const double> u, std::size_t) { return ramp(u, 1); };
  // z = 5 with sd 10: every point is within 3 sd.
  auto r = calib::history_match({ { "y", 5.0, 100.0 } }, options(1), f);
  CHECK(r.stop == calib::StopReason::NothingRuledOut);
  CHECK(r.waves.size() == 1);
  CHECK(r.posterior().size() == 64);
  CHECK(r.waves[0].volume == doctest::Approx(1.0));
  // z = 100 with sd 1: nothing is.
  r = calib::history_match({ { "y", 100.0, 1.0 } }, options(1), f);
  CHECK(r.stop == calib::StopReason::Empty);
  CHECK(r.posterior().empty());
  CHECK(r.stop_message.find("no point is non-implausible") != std::string::npos);
  // A volume floor: |z - 10 u| <= 3 keeps 0.6 of the cube, below 0.7.
  auto o = options(1);
  o.min_volume = 0.7;
  r = calib::history_match({ { "y", 5.0, 1.0 } }, o, f);
  CHECK(r.stop == calib::StopReason::Volume);
  CHECK(r.waves.size() == 1);
  o.min_volume = 0.5;
  o.waves = 1;
  r = calib::history_match({ { "y", 5.0, 1.0 } }, o, f);
  CHECK(r.stop == calib::StopReason::Waves);
  CHECK(r.waves.size() == 1);
  CHECK(std::string(calib::stop_reason_name(r.stop)) == "waves");
  // Without noise the neighbours map the region's edge: a third wave's points
  // are all in it, and matching ends there.
  o.waves = 5;
  r = calib::history_match({ { "y", 5.0, 1.0 } }, o, f);
  CHECK(r.stop == calib::StopReason::NothingRuledOut);
  CHECK(r.waves.size() < 5);
}

TEST_CASE("history matching: a point the model could not run is implausible")
{
  const auto f = [](std::span<const double> u, std::size_t) {
    auto m = ramp(u, 1);
    m.ok.assign(m.mean.size(), 1);
    for (std::size_t i = 0; i < m.ok.size(); ++i) {
      if (u[i] < 0.5) {
        m.ok[i] = 0;
        m.mean[i] = std::numeric_limits<double>::quiet_NaN();
      }
    }
    return m;
  };
  // The target (z = 3, sd 1: u in [0, 0.6]) is reachable only where u >= 0.5.
  const auto r = calib::history_match({ { "y", 3.0, 1.0 } }, options(1), f);
  for (const auto& w : r.waves) {
    for (std::size_t i = 0; i < w.points(); ++i) {
      CHECK(w.is_nonimplausible(i) == (w.unit[i] >= 0.5 && w.unit[i] <= 0.6));
    }
  }
  CHECK(r.waves.back().box_lo[0] > 0.3);
}

TEST_CASE("history matching refuses unusable options and a short evaluation")
{
  const auto f = [](std::span<const double> u, std::size_t) { return ramp(u, 1); };
  const std::vector<calib::HistoryTarget> t{ { "y", 5.0, 1.0 } };
  auto o = options(1);
  o.dims = 0;
  CHECK_THROWS_AS(calib::history_match(t, o, f), UsageError);
  o = options(1);
  o.points = 1;
  CHECK_THROWS_AS(calib::history_match(t, o, f), UsageError);
  o = options(1);
  o.cutoff = 0.0;
  CHECK_THROWS_AS(calib::history_match(t, o, f), UsageError);
  CHECK_THROWS_AS(calib::history_match({}, options(1), f), UsageError);
  CHECK_THROWS_AS(calib::history_match({ { "y", 5.0, -1.0 } }, options(1), f), UsageError);
  const auto short_f = [](std::span<const double>, std::size_t) { return calib::PointMoments{}; };
  CHECK_THROWS_AS(calib::history_match(t, options(1), short_f), RuntimeError);
  // A budget of one batch of candidates: wave 2 cannot find 300 points in it,
  // since the first wave's neighbours rule out the box's margins.
  o = options(1);
  o.points = 300;
  o.max_candidates = 300;
  const auto r = calib::history_match(t, o, f);
  CHECK(r.waves.size() == 1);
  CHECK(r.stop == calib::StopReason::Candidates);
}

TEST_CASE("history matching is bit-identical for any thread count and depends on the seed")
{
  // 3-D, an emulator and a neighbour classifier, on 1 thread and on all.
  const auto f = [](std::span<const double> u, std::size_t) {
    const std::size_t n = u.size() / 3;
    calib::PointMoments m;
    for (std::size_t i = 0; i < n; ++i) {
      m.mean.push_back(u[3 * i] * u[3 * i + 1] + std::sin(3.0 * u[3 * i + 2]));
      m.variance.push_back(1e-4);
    }
    return m;
  };
  const std::vector<calib::HistoryTarget> t{ { "y", 0.8, 0.01 } };
  for (const auto c : { calib::Classifier::NearestNeighbours, calib::Classifier::Emulator }) {
    auto o = options(3);
    o.points = 80;
    o.classifier = c;
    calib::HistoryResult one;
    tbb::task_arena(1).execute([&] { one = calib::history_match(t, o, f); });
    const auto all = calib::history_match(t, o, f);
    REQUIRE(one.waves.size() == all.waves.size());
    CHECK(one.waves.size() >= 2);
    for (std::size_t k = 0; k < one.waves.size(); ++k) {
      CHECK(one.waves[k].unit == all.waves[k].unit);
      CHECK(one.waves[k].implausibility == all.waves[k].implausibility);
      CHECK(one.waves[k].candidates == all.waves[k].candidates);
    }
    o.seed = 10;
    const auto other = calib::history_match(t, o, f);
    CHECK(other.waves[1].unit != all.waves[1].unit);
  }
}

TEST_CASE("history matching resumed from its first waves equals the uninterrupted match")
{
  std::size_t calls = 0;
  const auto f = [&](std::span<const double> u, std::size_t) {
    ++calls;
    const std::size_t n = u.size() / 2;
    calib::PointMoments m;
    for (std::size_t i = 0; i < n; ++i) {
      m.mean.push_back(u[2 * i] + 2.0 * u[2 * i + 1] * u[2 * i + 1]);
      m.variance.push_back(1e-3);
    }
    return m;
  };
  const std::vector<calib::HistoryTarget> t{ { "y", 1.2, 0.004 } };
  auto o = options(2);
  o.waves = 4;
  std::vector<calib::Wave> seen;
  const auto full =
    calib::history_match(t, o, f, {}, [&](const calib::Wave& w) { seen.push_back(w); });
  REQUIRE(full.waves.size() == 4);
  REQUIRE(seen.size() == 4);
  CHECK(calls == 4);
  // Interrupted after two waves: the resumed match runs only the last two.
  calls = 0;
  const std::vector<calib::Wave> first(seen.begin(), seen.begin() + 2);
  const auto resumed = calib::history_match(t, o, f, first);
  CHECK(calls == 2);
  REQUIRE(resumed.waves.size() == full.waves.size());
  for (std::size_t k = 0; k < full.waves.size(); ++k) {
    CHECK(resumed.waves[k].unit == full.waves[k].unit);
    CHECK(resumed.waves[k].implausibility == full.waves[k].implausibility);
    CHECK(resumed.waves[k].volume == full.waves[k].volume);
  }
  CHECK(resumed.posterior() == full.posterior());
  // A checkpoint of another seed is refused.
  o.seed = 99;
  CHECK_THROWS_AS(calib::history_match(t, o, f, first), UsageError);
}
