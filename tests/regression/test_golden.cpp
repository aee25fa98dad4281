// Golden results: every optimisation must leave the numbers unchanged, bit for
// bit. A small Mali run, the M/M/1 and the batch departure are compared with
// values stored in tests/regression/golden/*.csv (17 significant digits, so the
// comparison is exact). A deliberate change to a model's results regenerates
// them: PASSAGE_UPDATE_GOLDEN=1 build/tests/passage_tests -tc="golden*"
// (and the commit says why the numbers moved).
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "support.hpp"

using namespace passage;

namespace {

std::string render(const test::Collected& c)
{
  std::ostringstream o;
  for (std::size_t j = 0; j < c.metrics.size(); ++j) {
    o << c.metrics[j].name;
    for (std::size_t i = j; i < c.rows.size(); i += c.metrics.size()) {
      char buf[40];
      std::snprintf(buf, sizeof buf, ",%.17g", c.rows[i]);
      o << buf;
    }
    o << "\n";
  }
  o << "events," << c.totals.events << "\n";
  for (std::size_t h = 0; h < c.totals.histograms.size(); ++h) {
    o << "histogram" << h;
    for (const auto n : c.totals.histograms[h].counts()) {
      o << "," << n;
    }
    o << "\n";
  }
  return o.str();
}

void golden(const std::string& name, const engine::Scenario& s, std::uint64_t reps)
{
  const auto got = render(test::run_collect(s, reps, 2));
  const std::string path = test::source_dir() + "/tests/regression/golden/" + name + ".csv";
  if (std::getenv("PASSAGE_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path) << got;
    MESSAGE("wrote " << path);
    return;
  }
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "missing " << path << " (PASSAGE_UPDATE_GOLDEN=1 creates it)");
  std::stringstream want;
  want << in.rdbuf();
  // Line by line, so a difference names its metric.
  std::istringstream a(got);
  std::istringstream b(want.str());
  std::string la;
  std::string lb;
  while (std::getline(b, lb)) {
    REQUIRE(std::getline(a, la));
    CHECK_MESSAGE(la == lb, name << ": " << la.substr(0, la.find(',')) << " changed");
  }
  CHECK_FALSE(std::getline(a, la));
}

}  // namespace

TEST_CASE("golden: Mali results are unchanged bit for bit")
{
  if (test::seed_offset() != 0) {
    return;  // golden numbers belong to the fixed seeds
  }
  golden("mali_small",
         test::scenario_from_file("configs/mali-2016.yaml", { "parameters.flows.mali_route.annual_migrants=5000" }),
         4);
}

TEST_CASE("golden: verification models are unchanged bit for bit")
{
  if (test::seed_offset() != 0) {
    return;
  }
  golden("mm1", test::scenario_from_file("configs/verification/mm1.yaml", { "parameters.customers=500" }), 8);
  golden("batch", test::scenario_from_file("configs/verification/batch.yaml", { "parameters.customers=500" }), 8);
}
