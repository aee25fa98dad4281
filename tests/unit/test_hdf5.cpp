#include "passage/errors.hpp"
#include "passage/io/hdf5.hpp"
#include "passage/io/results.hpp"
#include "support.hpp"

#include <cstdio>
#include <cstring>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>

using namespace passage::engine;

namespace {
std::string temp_path(const std::string& name)
{
  return (std::filesystem::temp_directory_path() /
          ("passage_test_" + std::to_string(::getpid()) + "_" + name))
    .string();
}
} // namespace

TEST_CASE("hdf5: datasets, strings and attributes round trip")
{
  const std::string path = temp_path("roundtrip.h5");
  {
    auto f = h5::File::create(path);
    f.set_attr("text", "héllo");
    f.set_attr("number", 2.5);
    f.set_attr("count", std::uint64_t{ 42 });
    auto g = f.create_group("g");
    g.write<double>("x", std::vector<double>{ 1.0, 2.0, 3.0 });
    g.write_strings("s", { "a", "bé", "" });
    auto grow = g.create_growing<double>("grow", 4, 4);
    for (int i = 0; i < 5; ++i) {
      const std::vector<double> block = { i * 1.0, i * 2.0, i * 3.0 };
      grow.append(std::span<const double>(block));
    }
    grow.set_attr("unit", "days");
    f.close();
  }
  {
    const auto f = h5::File::open_read(path);
    CHECK(f.attr_string("text") == "héllo");
    CHECK(f.attr_double("number") == 2.5);
    CHECK(f.attr_int("count") == 42);
    const auto g = f.open_group("g");
    CHECK(g.read<double>("x") == std::vector<double>{ 1.0, 2.0, 3.0 });
    CHECK(g.read_strings("s") == std::vector<std::string>{ "a", "bé", "" });
    const auto grow = g.read<double>("grow");
    REQUIRE(grow.size() == 15);
    CHECK(grow[14] == 12.0);
    CHECK(g.open_dataset("grow").attr_string("unit") == "days");
    CHECK(g.members() == std::vector<std::string>{ "grow", "s", "x" });
    CHECK_THROWS_AS(g.open_dataset("missing"), h5::IoError);
  }
  std::filesystem::remove(path);
}

TEST_CASE("results: summaries read back in blocks equal those of the whole column, bit for bit")
{
  // 150,000 rows: more than two read blocks (65,536), the last one partial.
  const std::string path = temp_path("blocks.h5");
  std::vector<double> base(150'000);
  std::vector<double> arm(base.size());
  std::uint64_t x = 88172645463325252ULL;
  for (std::size_t i = 0; i < base.size(); ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    base[i] = 1e6 + static_cast<double>(x % 100'000) / 7.0;
    arm[i] = base[i] + static_cast<double>(x % 997) / 3.0 - 100.0;
  }
  {
    auto f = h5::File::create(path);
    auto b = f.create_growing<double>("base", 1024, 1);
    auto a = f.create_growing<double>("arm", 1024, 1);
    b.append(std::span<const double>(base));
    a.append(std::span<const double>(arm));
    f.close();
  }
  const auto f = h5::File::open_read(path);
  const auto same = [](double p, double q) { return std::memcmp(&p, &q, sizeof p) == 0; };
  const auto s = summarise_column(f.open_dataset("base"));
  const auto w = stats::summarise(base);
  CHECK(s.n == w.n);
  CHECK(same(s.mean, w.mean));
  CHECK(same(s.sd, w.sd));
  CHECK(same(s.ci95_low, w.ci95_low));
  CHECK(same(s.ci95_high, w.ci95_high));
  const auto p = paired_columns(f.open_dataset("base"), f.open_dataset("arm"));
  const auto q = stats::paired(base, arm);
  CHECK(same(p.diff.mean, q.diff.mean));
  CHECK(same(p.diff.sd, q.diff.sd));
  CHECK(same(p.diff.ci95_low, q.diff.ci95_low));
  CHECK(same(p.ratio_mean, q.ratio_mean));
  CHECK(same(p.variance_reduction, q.variance_reduction));
  std::vector<double> part;
  f.open_dataset("arm").read_range(149'990, 10, part);
  CHECK(part == std::vector<double>(arm.end() - 10, arm.end()));
  CHECK_THROWS_AS(f.open_dataset("arm").read_range(149'995, 10, part), h5::IoError);
  std::filesystem::remove(path);
}

TEST_CASE("hdf5: foreign and truncated files are refused with a reason")
{
  const std::string text = temp_path("not.h5");
  std::ofstream(text) << "not hdf5\n";
  CHECK_THROWS_WITH_AS(open_results(text), doctest::Contains("not an HDF5 file"), h5::IoError);
  CHECK_THROWS_WITH_AS(open_results(temp_path("missing.h5")), doctest::Contains("no such file"),
                       h5::IoError);
  const std::string plain = temp_path("plain.h5");
  {
    auto f = h5::File::create(plain);
    f.create_group("x");
    f.close();
  }
  CHECK_THROWS_WITH_AS(open_results(plain), doctest::Contains("not a passage results file"),
                       h5::IoError);
  // A run file cut in half.
  const auto s = passage::test::scenario_from_file("configs/verification/mm1.yaml");
  const std::string good = temp_path("good.h5");
  {
    const auto model = passage::models::registry().create(s);
    passage::test::write_run(s, *model, good, 20, 1);
  }
  CHECK_NOTHROW(read_run(good));
  const auto size = std::filesystem::file_size(good);
  std::filesystem::resize_file(good, size / 2);
  CHECK_THROWS_AS(read_run(good), h5::IoError);
  for (const auto& p : { text, plain, good }) {
    std::filesystem::remove(p);
  }
}

TEST_CASE("results: nothing appears at the output path before the file is complete")
{
  const auto s = passage::test::scenario_from_file("configs/verification/mm1.yaml");
  const auto model = passage::models::registry().create(s);
  const std::string out = temp_path("partial.h5");
  std::filesystem::remove(out);
  const std::vector<ResultsWriter::Arm> arms = { { "run", &s, model.get() } };
  {
    ResultsWriter w(out, false, "run", arms, 16);
    CHECK_FALSE(std::filesystem::exists(out));
    // Abandoned (an exception in the run): no file, no temporary left behind.
  }
  CHECK_FALSE(std::filesystem::exists(out));
  for (const auto& e :
       std::filesystem::directory_iterator(std::filesystem::temp_directory_path())) {
    CHECK(e.path().string().find("partial.h5.tmp") == std::string::npos);
  }
  // Existing files are kept unless forced; missing directories are named.
  std::ofstream(out) << "keep me";
  CHECK_THROWS_WITH_AS(ResultsWriter(out, false, "run", arms, 16),
                       doctest::Contains("already exists"), UsageError);
  CHECK_THROWS_WITH_AS(ResultsWriter("/nonexistent/dir/x.h5", false, "run", arms, 16),
                       doctest::Contains("directory '/nonexistent/dir' does not exist"),
                       UsageError);
  std::filesystem::remove(out);
}
