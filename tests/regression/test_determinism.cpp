// The same seed gives bit-identical results whatever the number of threads or
// the size of the blocks the runner hands out.
#include "passage/io/results.hpp"
#include "support.hpp"

#include <cstring>
#include <doctest/doctest.h>
#include <filesystem>

using namespace passage;

namespace {
bool bit_equal(const std::vector<double>& a, const std::vector<double>& b)
{
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}
} // namespace

TEST_CASE("determinism: thread count and block size do not change results")
{
  for (const char* file : { "configs/verification/mm1.yaml", "configs/verification/batch.yaml" }) {
    const auto s = test::scenario_from_file(file, { "parameters.customers=500" });
    const auto one = test::run_collect(s, 64, 1);
    const auto two = test::run_collect(s, 64, 2, engine::Stepping::Inline, 0, 7);
    const auto three = test::run_collect(s, 64, 3, engine::Stepping::Inline, 0, 1000);
    CHECK(bit_equal(one.rows, two.rows));
    CHECK(bit_equal(one.rows, three.rows));
    CHECK(one.totals.events == two.totals.events);
    CHECK(one.totals.events == three.totals.events);
    // A replication's result depends only on its index: run 32..63 alone.
    const auto tail = test::run_collect(s, 32, 2, engine::Stepping::Inline, 32);
    CHECK(
      bit_equal(std::vector<double>(one.rows.begin() + 32 * static_cast<long>(one.metrics.size()),
                                    one.rows.end()),
                tail.rows));
  }
}

TEST_CASE("determinism: -j1 and -j2 write identical /replications and /summary (the Job path)")
{
  const auto s =
    test::scenario_from_file("configs/verification/mm1.yaml", { "parameters.customers=300" });
  const auto model = models::registry().create(s);
  auto write = [&](unsigned threads) {
    const std::string path =
      (std::filesystem::temp_directory_path() /
       ("passage_det_" + std::to_string(::getpid()) + "_" + std::to_string(threads) + ".h5"))
        .string();
    test::write_run(s, *model, path, 200, threads);
    return path;
  };
  const auto p1 = write(1);
  const auto p2 = write(2);
  {
    const auto f1 = engine::open_results(p1);
    const auto f2 = engine::open_results(p2);
    for (const auto& m : model->metrics()) {
      CHECK(bit_equal(f1.open_group("replications").read<double>(m.name),
                      f2.open_group("replications").read<double>(m.name)));
    }
    for (const char* col : { "mean", "std", "ci95_low", "ci95_high" }) {
      CHECK(bit_equal(f1.open_group("summary").read<double>(col),
                      f2.open_group("summary").read<double>(col)));
    }
    CHECK(f1.attr_int("events") == f2.attr_int("events"));
  }
  std::filesystem::remove(p1);
  std::filesystem::remove(p2);
}
