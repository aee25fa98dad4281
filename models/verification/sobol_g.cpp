// Sobol's G function (Saltelli & Sobol' 1995):
//   y = prod_i (|4 x_i - 2| + a_i) / (1 + a_i),  x_i uniform on [0, 1].
// Input i matters less the larger a_i is: V_i = 1 / (3 (1 + a_i)^2), so both its
// Sobol' indices and its Morris ranking are known. `noise_sd` as for ishigami.
#include "passage/config/reader.hpp"
#include "passage/random/stream.hpp"
#include "verification/verification.hpp"

#include <algorithm>
#include <cmath>

namespace passage::models::verification {

using namespace passage::engine;

namespace {

constexpr std::uint64_t kNoise = random::substream_id("sobol_g.noise");

struct SobolGParams
{
  std::vector<double> a;
  std::vector<double> x;
  double noise_sd = 0.0;
};

class SobolGWorker final : public Worker
{
public:
  SobolGWorker(const SobolGParams& p, const WorkerOptions& o) : p_(p), seed_(o.seed) {}

  void run(std::uint64_t replication, ReplicationOutput& out) override
  {
    double y = 1.0;
    for (std::size_t i = 0; i < p_.a.size(); ++i) {
      y *= (std::fabs(4.0 * p_.x[i] - 2.0) + p_.a[i]) / (1.0 + p_.a[i]);
    }
    if (p_.noise_sd > 0.0) {
      y += p_.noise_sd * random::Stream::derive(seed_, replication, kNoise).normal();
    }
    out.metrics[0] = y;
    out.events = 0;
  }

private:
  SobolGParams p_;
  std::uint64_t seed_;
};

class SobolGModel final : public Model
{
public:
  explicit SobolGModel(SobolGParams p) : p_(std::move(p)) {}
  std::string kind() const override { return "sobol_g"; }
  std::vector<MetricInfo> metrics() const override
  {
    return { { "y", "", "prod (|4 x_i - 2| + a_i) / (1 + a_i) (+ noise)" } };
  }
  std::unique_ptr<Worker> make_worker(const WorkerOptions& o) const override
  {
    return std::make_unique<SobolGWorker>(p_, o);
  }

private:
  SobolGParams p_;
};

} // namespace

std::unique_ptr<Model> make_sobol_g(const Scenario& s, config::Diagnostics& d)
{
  SobolGParams p;
  const config::Node* params = s.root.find("parameters");
  auto r = config::MapReader::child(s.root, "parameters", d, "parameters", { "a", "noise_sd" });
  p.a = r.numbers("a", config::kNonNegative);
  p.noise_sd = r.number("noise_sd", config::kNonNegative, 0.0);
  if (!r.ok()) {
    return nullptr;
  }
  if (p.a.empty() && r.get("a") != nullptr) {
    d.error(r.get("a")->mark(), "a must list at least one coefficient");
  }
  // One x_i per coefficient, x1 .. xk; the keys depend on k, so they are checked here.
  std::vector<std::string> keys = { "a", "noise_sd" };
  for (std::size_t i = 0; i < p.a.size(); ++i) {
    keys.push_back("x" + std::to_string(i + 1));
    p.x.push_back(r.number(keys.back(), config::kShare));
  }
  for (const auto& e : config::value_of(*params).entries()) {
    if (std::find(keys.begin(), keys.end(), e.key) == keys.end()) {
      const auto sug = config::did_you_mean(e.key, keys);
      d.error(e.key_mark, "unknown key '" + e.key + "' in parameters",
              e.key.size() > 1 && e.key[0] == 'x'
                ? "'a' has " + std::to_string(p.a.size()) + " entries, so the inputs are x1 .. x" +
                    std::to_string(p.a.size())
                : (sug ? "did you mean '" + *sug + "'?" : "parameters are a, x1 .. xk, noise_sd"));
    }
  }
  return std::make_unique<SobolGModel>(std::move(p));
}

} // namespace passage::models::verification
