// Inline stepping (private steps run straight through on a process's own clock)
// must give exactly the results of event-by-event stepping.
#include "support.hpp"

#include <cstring>
#include <doctest/doctest.h>

using namespace passage;

namespace {
void same_in_both_modes(const engine::Scenario& s, std::uint64_t reps)
{
  const auto a = test::run_collect(s, reps, 2, engine::Stepping::Inline);
  const auto b = test::run_collect(s, reps, 2, engine::Stepping::EventByEvent);
  REQUIRE(a.rows.size() == b.rows.size());
  CHECK(std::memcmp(a.rows.data(), b.rows.data(), a.rows.size() * sizeof(double)) == 0);
  CHECK(a.totals.events == b.totals.events);
  for (std::size_t h = 0; h < a.totals.histograms.size(); ++h) {
    CHECK(a.totals.histograms[h].counts() == b.totals.histograms[h].counts());
  }
}
} // namespace

TEST_CASE("stepping: M/M/1 inline equals event-by-event, bit for bit")
{
  same_in_both_modes(
    test::scenario_from_file("configs/verification/mm1.yaml", { "parameters.customers=2000" }), 20);
}

TEST_CASE("stepping: batch departure inline equals event-by-event, bit for bit")
{
  same_in_both_modes(
    test::scenario_from_file("configs/verification/batch.yaml",
                             { "parameters.customers=2000", "parameters.max_wait=3.0" }),
    20);
}
