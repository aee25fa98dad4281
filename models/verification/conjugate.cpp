// Known answers for calibration (issue 16): a model whose output has a
// conjugate prior, so that ABC-SMC's posterior can be checked against the
// closed form (tests/statistical/test_calibration.cpp, docs/calibration.md).
//   mean:  the mean of n draws from Normal(mu, sd): Normal(mu, sd^2 / n);
//          with a Normal(m0, s0^2) prior on mu, the posterior is normal.
//   count: a Poisson count of rate lambda over `exposure`: Poisson(lambda x exposure);
//          with a Gamma(a, b) prior on lambda, the posterior is Gamma.
#include "passage/config/reader.hpp"
#include "passage/random/stream.hpp"
#include "verification/verification.hpp"

#include <cmath>

namespace passage::models::verification {

using namespace passage::engine;

namespace {

constexpr std::uint64_t kDraws = random::substream_id("conjugate.draws");
constexpr std::uint64_t kCount = random::substream_id("conjugate.count");

struct ConjugateParams
{
  double mu = 0.0;
  double sd = 1.0;
  std::int64_t n = 1;
  double lambda = 1.0;
  double exposure = 1.0;
};

class ConjugateWorker final : public Worker
{
public:
  ConjugateWorker(const ConjugateParams& p, const WorkerOptions& o) : p_(p), seed_(o.seed) {}

  void run(std::uint64_t replication, ReplicationOutput& out) override
  {
    auto s = random::Stream::derive(seed_, replication, kDraws);
    double sum = 0.0;
    for (std::int64_t i = 0; i < p_.n; ++i) {
      sum += s.normal(p_.mu, p_.sd);
    }
    out.metrics[0] = sum / static_cast<double>(p_.n);
    auto c = random::Stream::derive(seed_, replication, kCount);
    out.metrics[1] = static_cast<double>(c.poisson(p_.lambda * p_.exposure));
    out.events = static_cast<std::uint64_t>(p_.n) + 1;
  }

private:
  ConjugateParams p_;
  std::uint64_t seed_;
};

class ConjugateModel final : public Model
{
public:
  explicit ConjugateModel(const ConjugateParams& p) : p_(p) {}
  std::string kind() const override { return "conjugate"; }
  std::vector<MetricInfo> metrics() const override
  {
    return { { "mean", "", "the mean of n draws from Normal(mu, sd)" },
             { "count", "", "a Poisson count of mean lambda x exposure" } };
  }
  std::unique_ptr<Worker> make_worker(const WorkerOptions& o) const override
  {
    return std::make_unique<ConjugateWorker>(p_, o);
  }

private:
  ConjugateParams p_;
};

} // namespace

std::unique_ptr<Model> make_conjugate(const Scenario& s, config::Diagnostics& d)
{
  ConjugateParams p;
  auto r = config::MapReader::child(s.root, "parameters", d, "parameters",
                                    { "mu", "sd", "n", "lambda", "exposure" });
  p.mu = r.number("mu", config::kAnyNumber);
  p.sd = r.number("sd", config::kPositive, 1.0);
  p.n = r.integer(
    "n", config::Bounds{ 1, 1e6, false, false, true, false, "a whole number in [1, 10^6]" }, 1);
  p.lambda = r.number("lambda", config::kNonNegative, 1.0);
  p.exposure = r.number("exposure", config::kPositive, 1.0);
  r.finish();
  return std::make_unique<ConjugateModel>(p);
}

} // namespace passage::models::verification
