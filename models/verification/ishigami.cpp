// The Ishigami function (Ishigami & Homma 1990), the standard check of
// variance-based sensitivity analysis:
//   y = sin x1 + a sin^2 x2 + b x3^4 sin x1,  x_i uniform on [-pi, pi].
// Its Sobol' indices are known in closed form (tests/statistical/test_sensitivity.cpp).
// `noise_sd` adds Normal(0, noise_sd) noise from the replication's stream, so that
// the stochastic machinery can be checked against a known noise share.
#include "passage/config/reader.hpp"
#include "passage/random/stream.hpp"
#include "verification/verification.hpp"

#include <cmath>

namespace passage::models::verification {

using namespace passage::engine;

namespace {

constexpr std::uint64_t kNoise = random::substream_id("ishigami.noise");

struct IshigamiParams
{
  double a = 7.0;
  double b = 0.1;
  double x[3] = { 0.0, 0.0, 0.0 };
  double noise_sd = 0.0;
};

class IshigamiWorker final : public Worker
{
public:
  IshigamiWorker(const IshigamiParams& p, const WorkerOptions& o) : p_(p), seed_(o.seed) {}

  void run(std::uint64_t replication, ReplicationOutput& out) override
  {
    const double s1 = std::sin(p_.x[0]);
    const double s2 = std::sin(p_.x[1]);
    const double x3 = p_.x[2];
    double y = s1 + p_.a * s2 * s2 + p_.b * x3 * x3 * x3 * x3 * s1;
    if (p_.noise_sd > 0.0) {
      y += p_.noise_sd * random::Stream::derive(seed_, replication, kNoise).normal();
    }
    out.metrics[0] = y;
    out.events = 0;
  }

private:
  IshigamiParams p_;
  std::uint64_t seed_;
};

class IshigamiModel final : public Model
{
public:
  explicit IshigamiModel(const IshigamiParams& p) : p_(p) {}
  std::string kind() const override { return "ishigami"; }
  std::vector<MetricInfo> metrics() const override
  {
    return { { "y", "", "sin x1 + a sin^2 x2 + b x3^4 sin x1 (+ noise)" } };
  }
  std::unique_ptr<Worker> make_worker(const WorkerOptions& o) const override
  {
    return std::make_unique<IshigamiWorker>(p_, o);
  }

private:
  IshigamiParams p_;
};

} // namespace

std::unique_ptr<Model> make_ishigami(const Scenario& s, config::Diagnostics& d)
{
  IshigamiParams p;
  auto r = config::MapReader::child(s.root, "parameters", d, "parameters",
                                    { "a", "b", "x1", "x2", "x3", "noise_sd" });
  p.a = r.number("a", config::kAnyNumber);
  p.b = r.number("b", config::kAnyNumber);
  p.x[0] = r.number("x1", config::kAnyNumber);
  p.x[1] = r.number("x2", config::kAnyNumber);
  p.x[2] = r.number("x3", config::kAnyNumber);
  p.noise_sd = r.number("noise_sd", config::kNonNegative, 0.0);
  r.finish();
  return std::make_unique<IshigamiModel>(p);
}

} // namespace passage::models::verification
