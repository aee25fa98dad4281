// The Mali scenario: provenance of every number, and the validation of networks.
#include "mali/scenario.hpp"
#include "passage/config/path.hpp"
#include "support.hpp"

#include <cmath>
#include <cstdint>
#include <doctest/doctest.h>
#include <vector>

using namespace passage;
using namespace passage::engine::config;

namespace {

const char* kMali = "configs/mali-2016.yaml";

// The diagnostics of compiling the scenario with some overrides.
std::vector<Diagnostic> problems(const std::vector<std::string>& sets)
{
  auto s = test::scenario_from_file(kMali, sets);
  Diagnostics d;
  models::mali::compile(s, d);
  return d.items();
}

bool has(const std::vector<Diagnostic>& ds, const std::string& message)
{
  for (const auto& d : ds) {
    if (d.format().find(message) != std::string::npos) {
      return true;
    }
  }
  return false;
}

} // namespace

TEST_CASE("mali-2016: every number says where it comes from")
{
  auto s = test::scenario_from_file(kMali);
  Diagnostics d;
  const auto sc = models::mali::compile(s, d);
  REQUIRE(d.empty());
  REQUIRE(sc.provenance.size() > 100);
  std::size_t report = 0;
  std::size_t other = 0;
  std::size_t assumptions = 0;
  for (const auto& row : sc.provenance) {
    CHECK_MESSAGE(row.kind != "none", row.path << " has no source or assumption");
    if (row.kind == "assumption") {
      ++assumptions;
      CHECK_MESSAGE(!std::isnan(row.range_lo), row.path << " is an assumption without a range");
    }
    if (row.kind == "report") {
      ++report;
      // The field report, cited by its id and named in full.
      CHECK(row.source.rfind("molenaar2017 ", 0) == 0);
      CHECK(row.reference.find("Molenaar and Thibault van Damme (2017). Irregular migration") !=
            std::string::npos);
    }
    if (row.kind == "other source") {
      ++other;
      CHECK(row.source.rfind("press2016: ", 0) == 0);
      CHECK(row.reference.rfind("press reports (2015-2016)", 0) == 0);
    }
    if (row.kind == "assumption") {
      CHECK(row.reference.empty());
    }
  }
  CHECK(report >= 15);
  CHECK(other == 3);
  CHECK(assumptions >= 40);
}

TEST_CASE("mali-2016: the network compiles to the report's routes")
{
  auto s = test::scenario_from_file(kMali);
  Diagnostics d;
  const auto sc = models::mali::compile(s, d);
  REQUIRE(d.empty());
  std::vector<std::string> lines;
  for (const auto& l : sc.lines) {
    lines.push_back(l.name);
  }
  // Route A through Kidal to two crossings, route B to Tal Handak, and the western route.
  CHECK(lines ==
        std::vector<std::string>{ "timbuktu>ber>tal_handak", "gao>anefis>kidal>aguelhok>timeiawine",
                                  "gao>anefis>kidal>tin_zaouatene", "gao>anefis>tal_handak" });
  CHECK(sc.exits == std::vector<std::string>{ "arrived_algeria", "exited_niger" });
}

TEST_CASE("mali: bad scenarios are reported with file:line:col and a hint")
{
  // An unknown place, with a did-you-mean.
  auto ds = problems({ "parameters.segments.gao_anefis.to=anefiz" });
  CHECK(has(
    ds,
    "error: unknown place 'anefiz' in segment 'gao_anefis' to\n  hint: did you mean 'anefis'?"));
  // A probability above 1.
  ds = problems({ "parameters.bandits.zones.northern_bandits.kill_probability=1.5" });
  CHECK(has(ds, "(--set parameters.bandits.zones.northern_bandits.kill_probability=1.5):1:1: error: kill_probability must "
                "be a probability in [0, 1], got 1.5"));
  // Shares that do not sum to 1.
  ds = problems({ "parameters.origins.guinea.share=0.5" });
  CHECK(has(ds, "error: origin shares sum to 1.01, not 1"));
  // An unknown key, with a did-you-mean.
  ds = problems({ "parameters.hubs.smuggling_hub.ghetto_fee_per_dya=5" });
  CHECK(has(ds, "error: unknown key 'ghetto_fee_per_dya' in hub 'smuggling_hub'\n  hint: did you "
                "mean 'ghetto_fee_per_day'?"));
  // min > max.
  ds = problems({ "parameters.toll_points.roadblock.toll=[5000, 1000]" });
  CHECK(has(ds, "error: toll [5000, 1000] has min > max"));
  // A negative count.
  ds = problems({ "parameters.segments.bamako_gao.roadblocks.roadblock=-3" });
  CHECK(has(ds, "error: roadblock must be a whole number in [0, 10000], got -3"));
  // A cycle: a migrant could loop forever.
  ds = problems(
    { "parameters.segments.gao_bamako={from: gao, to: bamako, mode: bus, distance_km: 1200}" });
  CHECK(has(ds, "error: the network has a cycle: bamako -> gao -> bamako"));
  // An exit no route reaches.
  ds = problems({ "parameters.destinations.niger.exit=arrived_algeria",
                  "parameters.destinations.algeria.exit=arrived_libya" });
  CHECK(has(ds, "error: no place is the exit 'arrived_libya'"));
  ds = problems({ "parameters.segments.gao_labbezanga.from=labbezanga",
                  "parameters.segments.gao_labbezanga.to=gao" });
  CHECK(has(ds, "error: no route leads from 'conakry' to the exit 'exited_niger' (needed by "
                "destination 'niger')"));
  // Every problem at once.
  ds = problems({ "parameters.bandits.zones.northern_bandits.kill_probability=1.5",
                  "parameters.hubs.smuggling_hub.ghetto_fee_per_day=-1",
                  "parameters.cash.sigma=abc" });
  CHECK(ds.size() == 3);
}

TEST_CASE("mali: changes are validated too, pointing at the change")
{
  auto s = test::scenario_from_file(kMali);
  Diagnostics d;
  set_path(s.root, "changes",
           parse("[{from_day: 50, close: [tal_handk]}, {from_day: 80, until_day: 60, scale: "
                 "{parameters.bandits.hazard_scale: 2}},"
                 " {from_day: 10, set: {parameters.bandits.zones.northern_bandits.robbery_share: 3}}]",
                 "changes.yaml"),
           {}, d);
  models::mali::compile(s, d);
  CHECK(has(d.items(), "changes.yaml:1:25: error: unknown place or segment 'tal_handk'\n  hint: "
                       "did you mean 'tal_handak'?"));
  CHECK(has(d.items(), "error: until_day (60) must be after from_day (80)"));
  CHECK(
    has(d.items(), "changes.yaml:1:192: error: robbery_share must be a share in [0, 1], got 3"));
}

TEST_CASE("mali: round_amount is std::llround for every amount (halves, the binade edges, 2^62)")
{
  using passage::models::mali::round_amount;
  std::vector<double> xs = { 0.0,
                             0.25,
                             0.5,
                             0.75,
                             1.0,
                             1.5,
                             2.5,
                             3.5,
                             1e12,
                             1e12 + 0.5,
                             0.49999999999999994,
                             std::nextafter(0.5, 0.0),
                             std::nextafter(1.5, 0.0),
                             0x1p52 - 0.5,
                             0x1p52,
                             0x1p52 + 1.0,
                             0x1p53,
                             0x1p53 + 2.0,
                             0x1p62,
                             std::nextafter(0x1p63, 0.0) };
  // And a sweep: every scale from 1e-3 to 1e15 CFA, with fractional parts at
  // and near a half.
  std::uint64_t z = 20161201;
  for (int i = 0; i < 20000; ++i) {
    z = z * 6364136223846793005ULL + 1442695040888963407ULL;
    const double u = static_cast<double>(z >> 11) * 0x1.0p-53;
    const double x = std::pow(10.0, -3.0 + 18.0 * u);
    xs.push_back(x);
    xs.push_back(std::floor(x) + 0.5);
    xs.push_back(std::nextafter(std::floor(x) + 0.5, 0.0));
  }
  for (const double x : xs) {
    CAPTURE(x);
    CHECK(round_amount(x) == std::llround(x));
  }
}
