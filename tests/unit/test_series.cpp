// Time series (MetricInfo::series, Model::series_edges): the model's contract
// checked, the columns written to /series/<name> and kept out of /replications
// and /summary, identical for any thread count and after a resume, and read
// back per period. The M/M/1 model's `served` series is the test case.
#include "passage/errors.hpp"
#include "passage/io/results.hpp"
#include "passage/stats/tally.hpp"
#include "support.hpp"

#include <atomic>
#include <cstring>
#include <doctest/doctest.h>
#include <filesystem>
#include <unistd.h>

using namespace passage;

namespace {

bool bit_equal(const std::vector<double>& a, const std::vector<double>& b)
{
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

std::string temp_path(const std::string& name)
{
  return (std::filesystem::temp_directory_path() /
          ("passage_series_" + std::to_string(::getpid()) + "_" + name))
    .string();
}

// 10 periods of 20 days; enough customers that the horizon ends every replication.
engine::Scenario mm1_series()
{
  return test::scenario_from_file("configs/verification/mm1.yaml",
                                  { "horizon_days=200", "parameters.customers=100000" });
}

std::vector<engine::MetricInfo> plain(std::initializer_list<const char*> names)
{
  std::vector<engine::MetricInfo> m;
  for (const char* n : names) {
    m.push_back({ n, "u", "d" });
  }
  return m;
}

} // namespace

TEST_CASE("series: series_of accepts the contract and names what breaks it")
{
  auto m = plain({ "a", "b" });
  const auto s1 = engine::series_columns("x", "people", "x per period", 3, "Flows");
  const auto s2 = engine::series_columns("y", "CFA", "y per period", 3);
  m.insert(m.end(), s1.begin(), s1.end());
  m.insert(m.end(), s2.begin(), s2.end());
  const std::vector<double> edges = { 0, 10, 20, 30 };
  const auto s = engine::series_of(m, edges);
  REQUIRE(s.size() == 2);
  CHECK(s[0].name == "x");
  CHECK(s[0].first == 2);
  CHECK(s[0].periods == 3);
  CHECK(s[0].group == "Flows");
  CHECK(s[1].first == 5);
  CHECK(m[3].name == "x[1]");
  CHECK(m[3].period == 1);
  CHECK(engine::plain_metrics(m).size() == 2);
  CHECK(engine::series_of(plain({ "a" }), {}).empty());

  auto fails = [](std::vector<engine::MetricInfo> cols, std::vector<double> e, const char* what) {
    CHECK_THROWS_WITH_AS(engine::series_of(cols, e), doctest::Contains(what), engine::RuntimeError);
  };
  fails(m, { 0, 10, 20 }, "series 'x' has 3 periods, the edges 2");
  fails(m, {}, "no period edges");
  fails(m, { 0, 10, 10, 30 }, "not finite and increasing");
  auto late = m;
  late.push_back({ "c", "u", "d" });
  fails(late, edges, "the plain metric 'c' comes after the series columns");
  auto gap = m;
  gap[3].period = 2;
  fails(gap, edges, "column 'x[1]' is period 2 of 'x', expected period 1");
  auto split = s1;
  split.insert(split.end(), s2.begin(), s2.end());
  split.insert(split.end(), s1.begin(), s1.end());
  fails(split, edges, "two columns are called 'x[0]'");
  auto apart = s1;
  apart.insert(apart.end(), s2.begin(), s2.end());
  for (auto c : engine::series_columns("x", "u", "d", 3)) {
    c.name += "'";
    apart.push_back(c);
  }
  fails(apart, edges, "the columns of series 'x' are not together");
  fails(engine::series_columns("edges", "u", "d", 3), edges, "cannot be called 'edges'");
}

TEST_CASE("series: M/M/1 served per period sums to served, exactly, in every replication")
{
  const auto s = mm1_series();
  const auto model = models::registry().create(s);
  const auto edges = model->series_edges();
  REQUIRE(edges.size() == 11);
  CHECK(edges.front() == 0.0);
  CHECK(edges.back() == 200.0);
  const auto r = test::run_collect(s, 50, 2);
  const auto served = r.column("served");
  for (std::size_t i = 0; i < served.size(); ++i) {
    double sum = 0.0;
    for (std::size_t p = 0; p < 10; ++p) {
      sum += r.column("served[" + std::to_string(p) + "]")[i];
    }
    CHECK(sum == served[i]);
  }
  // Without a horizon there is no common time span: no series.
  const auto none =
    models::registry().create(test::scenario_from_file("configs/verification/mm1.yaml"));
  CHECK(none->series_edges().empty());
  CHECK(engine::plain_metrics(none->metrics()).size() == none->metrics().size());
}

TEST_CASE("series: written to /series/<name> and not to /replications or /summary, -j1 = -j2")
{
  const auto s = mm1_series();
  const auto model = models::registry().create(s);
  const auto r = test::run_collect(s, 30, 1);
  const auto p1 = test::write_run(s, *model, temp_path("j1.h5"), 30, 1);
  const auto p2 = test::write_run(s, *model, temp_path("j2.h5"), 30, 2);
  {
    const auto f1 = engine::open_results(p1);
    const auto f2 = engine::open_results(p2);
    const auto ds = f1.open_group("series").open_dataset("served");
    CHECK(ds.dims() == std::vector<std::size_t>{ 30, 10 });
    CHECK(ds.attr_or<std::string>("unit", "") == "customers");
    CHECK(bit_equal(f1.open_group("series").read<double>("edges"), model->series_edges()));
    CHECK_FALSE(f1.open_group("replications").exists("served[0]"));
    CHECK(f1.open_group("replications").exists("served"));
    const auto names = f1.open_group("summary").read_strings("metric");
    CHECK(names ==
          std::vector<std::string>{ "mean_wait", "mean_sojourn", "served", "last_departure" });
    // What the workers produced, row for row.
    std::vector<double> rows;
    ds.read_rows(0, 30, rows);
    for (std::size_t p = 0; p < 10; ++p) {
      const auto col = r.column("served[" + std::to_string(p) + "]");
      for (std::size_t i = 0; i < 30; ++i) {
        CHECK(rows[i * 10 + p] == col[i]);
      }
      CHECK(bit_equal(ds.read_column<double>(p), col));
    }
    const auto ds2 = f2.open_group("series").open_dataset("served");
    std::vector<double> rows2;
    ds2.read_rows(0, 30, rows2);
    CHECK(bit_equal(rows, rows2));

    // Read back per period: the across-replication summary of each column.
    const auto v = engine::read_series(f1);
    REQUIRE(v.series.size() == 1);
    CHECK(v.series[0].name == "served");
    REQUIRE(v.series[0].periods.size() == 10);
    for (std::size_t p = 0; p < 10; ++p) {
      const auto want = engine::stats::summarise(r.column("served[" + std::to_string(p) + "]"));
      CHECK(v.series[0].periods[p].mean == doctest::Approx(want.mean).epsilon(1e-14));
      CHECK(v.series[0].periods[p].ci95_high == doctest::Approx(want.ci95_high).epsilon(1e-12));
    }
  }
  std::filesystem::remove(p1);
  std::filesystem::remove(p2);
}

TEST_CASE("series: a run stopped and resumed from its checkpoint writes the same /series")
{
  const auto s = mm1_series();
  const auto model = models::registry().create(s);
  const std::uint64_t n = 40;
  const auto whole = test::write_run(s, *model, temp_path("whole.h5"), n, 2);

  const std::string out = temp_path("resumed.h5");
  const std::string ckpt = temp_path("resumed.ckpt");
  std::filesystem::remove(ckpt);
  auto spec = [&](const std::string& resume, const std::atomic<bool>* stop) {
    engine::JobSpec js;
    engine::RunOptions opt;
    opt.seed = s.seed;
    opt.threads = 2;
    js.arms.push_back(engine::JobArm{ "run", &s, model.get(), opt });
    js.campaign.batch = n;
    js.campaign.checkpoint = ckpt;
    js.campaign.resume = resume;
    js.campaign.stop = stop;
    js.out = out;
    js.force = true;
    js.manifest.seed = s.seed;
    return js;
  };
  {
    // A stop request from the start: the first block runs, then a checkpoint.
    std::atomic<bool> stop{ true };
    engine::Job job(spec("", &stop));
    const auto res = job.run();
    REQUIRE(res.campaign.interrupted);
    REQUIRE(res.campaign.replications < n);
    REQUIRE(std::filesystem::exists(ckpt));
  }
  {
    engine::Job job(spec(ckpt, nullptr));
    const auto res = job.run();
    REQUIRE(res.path == out);
  }
  {
    const auto a = engine::open_results(whole);
    const auto b = engine::open_results(out);
    CHECK(bit_equal(a.open_group("series").read<double>("served"),
                    b.open_group("series").read<double>("served")));
    CHECK(bit_equal(a.open_group("replications").read<double>("served"),
                    b.open_group("replications").read<double>("served")));
    CHECK(bit_equal(a.open_group("summary").read<double>("mean"),
                    b.open_group("summary").read<double>("mean")));
  }
  std::filesystem::remove(whole);
  std::filesystem::remove(out);
  std::filesystem::remove(ckpt);
}
