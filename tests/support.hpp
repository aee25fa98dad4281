#pragma once
// Helpers for tests: scenarios from text, runs collected in memory.

#include "passage/config/node.hpp"
#include "passage/run/job.hpp"
#include "passage/run/runner.hpp"
#include "passage/run/scenario.hpp"
#include "registry.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace passage::test {

inline std::string source_dir()
{
  return PASSAGE_SOURCE_DIR;
}

//! Added to every seed of the statistical tests: scripts/stat-stability.sh runs
//! them over many seeds (PASSAGE_TEST_SEED_OFFSET=1..100) to show that their
//! tolerances hold; CI runs them with the fixed seeds (offset 0).
inline std::uint64_t seed_offset()
{
  const char* v = std::getenv("PASSAGE_TEST_SEED_OFFSET");
  return v ? std::strtoull(v, nullptr, 10) : 0;
}
inline std::uint64_t seed(std::uint64_t base)
{
  return base + seed_offset();
}

inline engine::Scenario scenario_from_text(const std::string& yaml,
                                           const std::string& name = "test.yaml")
{
  engine::Scenario s;
  s.file = name;
  s.root = engine::config::parse(yaml, name);
  engine::refresh_scenario(s);
  s.seed = seed(s.seed);
  return s;
}

inline engine::Scenario scenario_from_file(const std::string& relative,
                                           const std::vector<std::string>& sets = {})
{
  auto s = engine::load_scenario(source_dir() + "/" + relative, sets);
  s.seed = seed(s.seed);
  return s;
}

struct Collected
{
  std::vector<engine::MetricInfo> metrics;
  std::vector<double> rows; // replications x metrics
  engine::RunTotals totals;

  std::size_t index(const std::string& name) const
  {
    for (std::size_t j = 0; j < metrics.size(); ++j) {
      if (metrics[j].name == name) {
        return j;
      }
    }
    throw std::out_of_range("no metric " + name);
  }
  std::vector<double> column(const std::string& name) const
  {
    const std::size_t j = index(name);
    std::vector<double> c;
    for (std::size_t i = j; i < rows.size(); i += metrics.size()) {
      c.push_back(rows[i]);
    }
    return c;
  }
};

inline Collected run_collect(const engine::Scenario& s, std::uint64_t replications,
                             unsigned threads, engine::Stepping stepping = engine::Stepping::Inline,
                             std::uint64_t first = 0, std::uint64_t block = 0,
                             std::uint64_t trace = 0)
{
  const auto model = models::registry().create(s);
  engine::RunOptions o;
  o.seed = s.seed;
  o.threads = threads;
  o.stepping = stepping;
  o.block = block;
  o.trace_entities = trace;
  engine::Runner runner(*model, o);
  Collected c;
  c.metrics = model->metrics();
  runner.run(first, replications, [&](std::uint64_t, std::uint64_t, std::span<const double> rows) {
    c.rows.insert(c.rows.end(), rows.begin(), rows.end());
  });
  c.totals = runner.totals();
  return c;
}

//! A run's results file written the way `passage run` writes it (engine::Job):
//! `replications` of `s` on `threads`, to `path` (replaced).
inline std::string write_run(const engine::Scenario& s, const engine::Model& model,
                             const std::string& path, std::uint64_t replications, unsigned threads)
{
  engine::JobSpec spec;
  engine::RunOptions opt;
  opt.seed = s.seed;
  opt.threads = threads;
  spec.arms.push_back(engine::JobArm{ "run", &s, &model, opt });
  spec.campaign.batch = replications;
  spec.out = path;
  spec.force = true;
  spec.manifest.seed = s.seed;
  engine::Job job(std::move(spec));
  return job.run().path;
}

} // namespace passage::test
