// History matching on cases whose non-implausible region is known in closed
// form: the accepted points lie in it and every wave's volume estimate matches
// its volume within four of the estimate's binomial standard errors (Wave::
// volume_se; the scrambled designs stratify, so the true spread is smaller).
// Fixed seeds throughout.
#include "passage/calib/history.hpp"
#include "passage/random/stream.hpp"

#include <cmath>
#include <doctest/doctest.h>

using namespace passage::engine;

namespace {

constexpr std::uint64_t kNoise = random::substream_id("test.history.noise");

// One target per row of `slope`: f_k(u) = offset_k + slope_k . u, plus the mean
// of R normal replication errors of variance `rep_var` (so V_model = rep_var / R,
// passed as known). Each point's noise comes from its own stream (wave, index).
struct LinearModel
{
  std::vector<std::vector<double>> slope;
  std::vector<double> offset;
  double rep_var = 0.0;
  std::uint64_t reps = 4;
  bool noisy = true; //!< false: the exact mean, still reported with V_model

  calib::PointMoments operator()(std::span<const double> unit, std::size_t wave) const
  {
    const std::size_t d = slope[0].size();
    const std::size_t t = slope.size();
    const std::size_t n = unit.size() / d;
    calib::PointMoments m;
    m.mean.resize(n * t);
    m.variance.assign(n * t, rep_var / static_cast<double>(reps));
    for (std::size_t i = 0; i < n; ++i) {
      auto s = random::Stream::derive(7, wave, kNoise, i);
      for (std::size_t k = 0; k < t; ++k) {
        double f = offset[k];
        for (std::size_t j = 0; j < d; ++j) {
          f += slope[k][j] * unit[i * d + j];
        }
        double noise = 0.0;
        for (std::uint64_t r = 0; noisy && r < reps; ++r) {
          noise += s.normal(0.0, std::sqrt(rep_var));
        }
        m.mean[i * t + k] = f + noise / static_cast<double>(reps);
      }
    }
    return m;
  }
};

// |estimate - exact| <= 4 sigma, for every wave.
void check_volumes(const calib::HistoryResult& r, double exact)
{
  for (const auto& w : r.waves) {
    CAPTURE(w.index);
    CAPTURE(w.volume);
    CAPTURE(w.volume_se);
    CHECK(w.volume_se > 0.0);
    CHECK(std::fabs(w.volume - exact) <= 4.0 * w.volume_se);
  }
}

} // namespace

TEST_CASE("history matching: f(x) = a x + noise, one target: the region |z - a x| <= 3 sd")
{
  // x = 10 u on [0, 10], f = 2 x = 20 u; z = 10; V_obs = 1; V_model = 0.16 / 4.
  const double a = 20.0; // per unit of u
  const double z = 10.0;
  const double v_obs = 1.0;
  for (const auto classifier :
       { calib::Classifier::NearestNeighbours, calib::Classifier::Emulator }) {
    for (const auto sampler :
         { calib::DesignSampler::Sobol, calib::DesignSampler::LatinHypercube }) {
      CAPTURE(static_cast<int>(classifier));
      CAPTURE(static_cast<int>(sampler));
      LinearModel model{ { { a } }, { 0.0 }, 0.16, 4 };
      const double v_model = 0.04;
      const double c = 3.0 * std::sqrt(v_obs + v_model);
      // Closed form: u in [(z - c) / a, (z + c) / a], length 2c / a = 0.306.
      const double lo = (z - c) / a;
      const double hi = (z + c) / a;
      calib::HistoryOptions o;
      o.dims = 1;
      o.points = 200;
      o.waves = 4;
      o.seed = 11;
      o.sampler = sampler;
      o.classifier = classifier;
      const auto r = calib::history_match({ { "y", z, v_obs } }, o, model);
      REQUIRE(r.waves.size() == 4);
      CHECK(r.stop == calib::StopReason::Waves);
      check_volumes(r, hi - lo);
      // The sampled region shrinks onto the non-implausible one and never cuts it.
      CHECK(r.waves[1].region_volume < 0.6);
      for (std::size_t k = 1; k < r.waves.size(); ++k) {
        // (never larger, within 4 sd of the two estimates: the emulator's regions
        // are all the non-implausible one)
        CHECK(r.waves[k].region_volume <=
              r.waves[k - 1].region_volume +
                4.0 * std::hypot(r.waves[k].region_volume_se, r.waves[k - 1].region_volume_se));
        // (the emulator's region is the non-implausible one itself: 4 sd of its estimate)
        CHECK(r.waves[k].region_volume >= hi - lo - 4.0 * r.waves[k].region_volume_se);
        CHECK(r.waves[k].box_lo[0] <= lo);
        CHECK(r.waves[k].box_hi[0] >= hi);
      }
      // Later waves spend most of their points in the region.
      CHECK(r.waves.back().nonimplausible() > o.points / 2);
      // A point is accepted only within 5 sd (0.2 each) of the mean's noise of
      // the region, and rejected only outside 5 sd inside it (5 sd: 6e-7 a point).
      const double slack = 5.0 * std::sqrt(v_model) / a;
      for (const auto& w : r.waves) {
        for (std::size_t i = 0; i < w.points(); ++i) {
          const double u = w.unit[i];
          if (w.is_nonimplausible(i)) {
            CHECK((u >= lo - slack && u <= hi + slack));
          } else {
            CHECK((u < lo + slack || u > hi - slack));
          }
        }
      }
      // The posterior spans the region, end to end (within a few spacings).
      const auto post = r.posterior();
      REQUIRE(!post.empty());
      const auto [mn, mx] = std::minmax_element(post.begin(), post.end());
      CHECK(*mn < lo + 0.03);
      CHECK(*mx > hi - 0.03);
    }
  }
}

TEST_CASE("history matching: with exact means the accepted points are exactly the region")
{
  // The mean is exact but reported with V_model = 0.75 (V_obs 0.25): the
  // denominator is sqrt(0.25 + 0.75) = 1, so c = 3 (1.5 if V_model were left out).
  LinearModel model{ { { 20.0 } }, { 0.0 }, 0.75, 1, false };
  const double z = 7.0;
  const double c = 3.0;
  for (const auto classifier :
       { calib::Classifier::NearestNeighbours, calib::Classifier::Emulator }) {
    CAPTURE(static_cast<int>(classifier));
    calib::HistoryOptions o;
    o.dims = 1;
    o.points = 150;
    o.waves = 3;
    o.seed = 5;
    o.classifier = classifier;
    const auto r = calib::history_match({ { "y", z, 0.25 } }, o, model);
    REQUIRE(!r.waves.empty());
    for (const auto& w : r.waves) {
      for (std::size_t i = 0; i < w.points(); ++i) {
        CHECK(w.is_nonimplausible(i) == (std::fabs(z - 20.0 * w.unit[i]) <= c));
      }
    }
    check_volumes(r, 2.0 * c / 20.0);
  }
}

TEST_CASE("history matching: two targets in 2-D, the max and the second max of I")
{
  // f1 = u1 + u2 with z1 = 1, f2 = u1 - u2 with z2 = 0, sd 0.05 each (V_obs
  // 0.0024 + V_model 0.0001): c = 0.15. The max rules out all but the square
  // |u1 + u2 - 1| <= c, |u1 - u2| <= c (area 2 c^2 = 0.045, u1, u2 in [0.35, 0.65]);
  // the second max (here the min) keeps the union of the two bands, each of
  // area 1 - (1 - c)^2 = 0.2775: 0.2775 * 2 - 0.045 = 0.51.
  LinearModel model{ { { 1.0, 1.0 }, { 1.0, -1.0 } }, { 0.0, 0.0 }, 0.0004, 4 };
  const std::vector<calib::HistoryTarget> targets{ { "sum", 1.0, 0.0024 },
                                                   { "diff", 0.0, 0.0024 } };
  const double c = 0.15;
  for (const auto classifier :
       { calib::Classifier::NearestNeighbours, calib::Classifier::Emulator }) {
    CAPTURE(static_cast<int>(classifier));
    calib::HistoryOptions o;
    o.dims = 2;
    o.points = 300;
    o.waves = 4;
    o.seed = 3;
    o.classifier = classifier;
    const auto r = calib::history_match(targets, o, model);
    REQUIRE(r.waves.size() == 4);
    check_volumes(r, 2.0 * c * c);
    const auto& last = r.waves.back();
    CHECK(last.region_volume < 0.2);
    for (std::size_t j = 0; j < 2; ++j) {
      CHECK(last.box_lo[j] <= 0.35);
      CHECK(last.box_hi[j] >= 0.65);
    }
    const auto post = r.posterior();
    const double slack = 5.0 * 0.01;
    for (std::size_t i = 0; i < post.size() / 2; ++i) {
      CHECK(std::fabs(post[2 * i] + post[2 * i + 1] - 1.0) <= c + slack);
      CHECK(std::fabs(post[2 * i] - post[2 * i + 1]) <= c + slack);
    }

    o.nth = 2;
    const auto r2 = calib::history_match(targets, o, model);
    REQUIRE(!r2.waves.empty());
    check_volumes(r2, 2.0 * (1.0 - (1.0 - c) * (1.0 - c)) - 2.0 * c * c);
  }
}
