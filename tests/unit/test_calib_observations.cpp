// Observations files (issue 16): what they mean, every mistake reported at the
// file's line:col, and a target's model value over a point's replications.
#include "passage/calib/observations.hpp"
#include "passage/config/node.hpp"

#include <cmath>
#include <doctest/doctest.h>

using namespace passage;
using namespace passage::engine;

namespace {

std::vector<MetricInfo> metrics()
{
  std::vector<MetricInfo> m = { { "arrived", "", "" }, { "died", "", "" }, { "started", "", "" } };
  for (const auto& c : series_columns("gao_arrivals", "", "", 3)) {
    m.push_back(c);
  }
  return m;
}

calib::Observations read(const std::string& yaml)
{
  return calib::read_observations(config::parse(yaml, "o.yaml"), "o.yaml", metrics());
}

std::string error_of(const std::string& yaml)
{
  try {
    read(yaml);
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

const char* kGood = "observations:\n"
                    "  description: a test\n"
                    "  targets:\n"
                    "    - name: july\n"
                    "      output: gao_arrivals[1]\n"
                    "      value: 512\n"
                    "      source: dtm\n"
                    "      error: {model: poisson}\n"
                    "      coverage: {value: 0.8, assumption: \"share seen\", range: [0.5, 1]}\n"
                    "    - name: summer\n"
                    "      sum: [\"gao_arrivals[1]\", \"gao_arrivals[2]\"]\n"
                    "      value: 900\n"
                    "      source: dtm\n"
                    "      error: {model: negative_binomial, dispersion: 4}\n"
                    "    - name: death_share\n"
                    "      share: {of: died, in: started}\n"
                    "      value: 0.02\n"
                    "      source: dtm\n"
                    "      error: {model: normal, sd: 0.005}\n"
                    "  sources:\n"
                    "    dtm: {title: Flow monitoring, url: \"https://example.org\", accessed: "
                    "2026-11-30}\n";

} // namespace

TEST_CASE("calib observations: the three forms, the error models, the sources")
{
  const auto o = read(kGood);
  CHECK(o.description == "a test");
  REQUIRE(o.targets.size() == 3);
  const auto& july = o.targets[0];
  CHECK(july.name == "july");
  CHECK(july.kind == calib::TargetKind::Output);
  CHECK(july.columns == std::vector<std::string>{ "gao_arrivals[1]" });
  CHECK(july.value == 512);
  CHECK(july.source == "dtm");
  CHECK(july.error == calib::ErrorModel::Poisson);
  CHECK(july.coverage == 0.8);
  REQUIRE(july.coverage_range);
  CHECK(july.coverage_range->first == 0.5);
  CHECK(july.observation_variance() == 512);
  CHECK(july.mark.line == 4);

  const auto& summer = o.targets[1];
  CHECK(summer.kind == calib::TargetKind::Sum);
  CHECK(summer.columns.size() == 2);
  CHECK(summer.coverage == 1.0);
  CHECK(summer.error == calib::ErrorModel::NegativeBinomial);
  CHECK(summer.observation_variance() == doctest::Approx(900 + 900.0 * 900.0 / 4));
  CHECK(summer.describe_error() == "negative_binomial (k = 4)");

  const auto& share = o.targets[2];
  CHECK(share.kind == calib::TargetKind::Share);
  CHECK(share.columns == std::vector<std::string>{ "died", "started" });
  CHECK(share.observation_variance() == doctest::Approx(0.005 * 0.005));

  CHECK(o.columns() ==
        std::vector<std::string>{ "gao_arrivals[1]", "gao_arrivals[2]", "died", "started" });
  CHECK(o.names() == std::vector<std::string>{ "july", "summer", "death_share" });
  REQUIRE(o.sources.size() == 1);
  CHECK(o.sources[0].title == "Flow monitoring");
  CHECK(o.sources[0].accessed == "2026-11-30");
  CHECK(o.find_source("dtm") != nullptr);
}

TEST_CASE("calib observations: a count's variance has a floor of 1, so an observed 0 scales")
{
  const auto o = read("observations:\n"
                      "  targets:\n"
                      "    - {name: none, output: died, value: 0, source: s, error: {model: "
                      "poisson}}\n"
                      "  sources: {s: {title: t}}\n");
  CHECK(o.targets[0].observation_variance() == 1.0);
  CHECK(o.targets[0].error_variance(10.0) == 10.0);
}

TEST_CASE("calib observations: every mistake at its line:col, all reported together")
{
  const std::string e = error_of("observations:\n"                                      // 1
                                 "  targets:\n"                                         // 2
                                 "    - name: a\n"                                      // 3
                                 "      output: arived\n"                               // 4
                                 "      value: 5\n"                                     // 5
                                 "      source: dmt\n"                                  // 6
                                 "      error: {model: poison}\n"                       // 7
                                 "    - name: a\n"                                      // 8
                                 "      sum: [died, \"gao_arrivals[7]\"]\n"             // 9
                                 "      value: 5\n"                                     // 10
                                 "      source: dtm\n"                                  // 11
                                 "      error: {model: normal, sd: 1, dispersion: 2}\n" // 12
                                 "      colour: red\n"                                  // 13
                                 "    - name: Bad-Name\n"                               // 14
                                 "      share: {of: died, in: started}\n"               // 15
                                 "      output: died\n"                                 // 16
                                 "      value: 0.5\n"                                   // 17
                                 "      source: dtm\n"                                  // 18
                                 "      error: {model: normal, sd: 0.1}\n"              // 19
                                 "    - name: c\n"                                      // 20
                                 "      output: died\n"                                 // 21
                                 "      value: -3\n"                                    // 22
                                 "      source: dtm\n"                                  // 23
                                 "    - name: d\n"                                      // 24
                                 "      share: {of: died, in: started}\n"               // 25
                                 "      value: 1.5\n"                                   // 26
                                 "      source: dtm\n"                                  // 27
                                 "      error: {model: normal, sd: 0.1}\n"              // 28
                                 "      coverage: 0.5\n"                                // 29
                                 "  sources:\n"                                         // 30
                                 "    dtm: {title: t, link: x}\n");                     // 31
  CHECK(e.find("o.yaml:4:15: error: unknown model output 'arived'\n"
               "  hint: did you mean 'arrived'?") != std::string::npos);
  CHECK(e.find("o.yaml:6:15: error: unknown source 'dmt'\n  hint: did you mean 'dtm'?") !=
        std::string::npos);
  CHECK(e.find("o.yaml:7:22: error: unknown error model 'poison'\n"
               "  hint: did you mean 'poisson'?") != std::string::npos);
  CHECK(e.find("o.yaml:8:13: error: a second target named 'a'") != std::string::npos);
  CHECK(e.find("o.yaml:9:19: error: unknown model output 'gao_arrivals[7]'") != std::string::npos);
  CHECK(e.find("o.yaml:12:37: error: 'dispersion' does not apply to a normal error model") !=
        std::string::npos);
  CHECK(e.find("o.yaml:13:7: error: unknown key 'colour' in a target") != std::string::npos);
  CHECK(e.find("o.yaml:14:13: error: target name 'Bad-Name' may hold only a-z, 0-9 and _") !=
        std::string::npos);
  CHECK(e.find("o.yaml:14:13: error: target 'Bad-Name' gives more than one of 'output', 'sum' "
               "and 'share'") != std::string::npos);
  CHECK(e.find("o.yaml:20:13: error: target 'c' has no 'error:'") != std::string::npos);
  CHECK(e.find("o.yaml:22:14: error: value must be a count >= 0") != std::string::npos);
  CHECK(e.find("o.yaml:26:14: error: value must be a share in [0, 1], got 1.5") !=
        std::string::npos);
  CHECK(e.find("o.yaml:29:7: error: 'coverage' does not apply to a share") != std::string::npos);
  CHECK(e.find("o.yaml:31:21: error: unknown key 'link' in source 'dtm'") != std::string::npos);
}

TEST_CASE("calib observations: the file's frame")
{
  CHECK(error_of("targets: []\n").find("o.yaml:1:1: error: unknown key 'targets'") !=
        std::string::npos);
  CHECK(error_of("observations: {targets: []}\n").find("'targets' must be a non-empty list") !=
        std::string::npos);
  CHECK(error_of("observations: {description: x}\n").find("missing key 'targets'") !=
        std::string::npos);
  CHECK(error_of("- 1\n").find("must be a mapping") != std::string::npos);
}

TEST_CASE("calib observations: a target's value is the mean over replications, x coverage")
{
  const auto o = read(kGood);
  // columns: gao_arrivals[1], gao_arrivals[2], died, started; three replications
  const std::vector<std::vector<double>> runs = {
    { 100, 110, 120 }, { 10, 20, 30 }, { 1, 0, 2 }, { 50, 0, 100 }
  };
  const auto v =
    calib::target_values(o, 3, [&](std::size_t c) { return std::span<const double>(runs[c]); });
  REQUIRE(v.size() == 3);
  CHECK(v[0].mean == doctest::Approx(0.8 * 110));
  CHECK(v[0].replications == 3);
  // replication values 80, 88, 96: sample variance 64, over 3 replications
  CHECK(v[0].variance == doctest::Approx(64.0 / 3.0));
  CHECK(v[1].mean == doctest::Approx(130));
  // a share whose denominator is 0 in one replication: that one is left out
  CHECK(v[2].replications == 2);
  CHECK(v[2].mean == doctest::Approx(0.02));
  CHECK(v[2].variance == doctest::Approx(0.0));
  const auto one =
    calib::target_values(o, 1, [&](std::size_t c) { return std::span<const double>(runs[c]); });
  CHECK(std::isnan(one[0].variance));
}
