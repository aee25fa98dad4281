// passage report for compare files: a table per policy, JSON and CSV.
#include "commands.hpp"
#include "format.hpp"

#include <algorithm>
#include <cmath>

namespace passage::app {

namespace {

struct PolicyRows
{
  std::string name;
  std::string title;
  std::vector<std::string> metric;
  std::vector<std::string> unit;
  std::vector<double> base_mean, policy_mean, diff_mean, lo, hi, ratio, vr;
};

struct CompareView
{
  std::string scenario;
  std::uint64_t replications = 0;
  std::uint64_t seed = 0;
  bool crn = true;
  std::string stop_reason;
  std::vector<PolicyRows> policies;
};

CompareView read_compare(const std::string& path)
{
  const auto f = engine::open_results(path);
  CompareView v;
  v.scenario = f.attr_string("scenario_name");
  v.replications = static_cast<std::uint64_t>(f.attr_int("replications"));
  v.seed = static_cast<std::uint64_t>(f.attr_int("seed"));
  if (!f.exists("comparison")) {
    throw engine::h5::IoError(path + ": no /comparison group; the file is incomplete");
  }
  const auto cmp = f.open_group("comparison");
  v.crn = !cmp.has_attr("common_random_numbers") || cmp.attr_int("common_random_numbers") != 0;
  if (f.exists("manifest")) {
    const auto m = f.open_group("manifest");
    if (m.has_attr("stop_reason")) {
      v.stop_reason = m.attr_string("stop_reason");
    }
  }
  // Policies in the order they were given.
  std::vector<std::string> order;
  if (f.has_attr("policies")) {
    std::string s = f.attr_string("policies");
    std::size_t pos = 0;
    while (pos <= s.size()) {
      const auto nl = s.find('\n', pos);
      order.push_back(s.substr(pos, nl - pos));
      if (nl == std::string::npos) {
        break;
      }
      pos = nl + 1;
    }
  } else {
    order = cmp.members();
  }
  for (const auto& name : order) {
    const auto g = cmp.open_group(name);
    PolicyRows r;
    r.name = name;
    r.title = g.has_attr("title") ? g.attr_string("title") : "";
    r.metric = g.read_strings("metric");
    r.unit = g.read_strings("unit");
    r.base_mean = g.read<double>("base_mean");
    r.policy_mean = g.read<double>("policy_mean");
    r.diff_mean = g.read<double>("diff_mean");
    r.lo = g.read<double>("diff_ci95_low");
    r.hi = g.read<double>("diff_ci95_high");
    r.ratio = g.read<double>("ratio_mean");
    r.vr = g.read<double>("variance_reduction");
    v.policies.push_back(std::move(r));
  }
  return v;
}

std::string signed_human(double x)
{
  if (std::isnan(x)) {
    return "-";
  }
  return (x > 0 ? "+" : "") + human(x);
}

// What a policy analyst quotes first (when the model has these metrics).
const std::vector<std::string>& headline()
{
  static const std::vector<std::string> h = { "arrived_algeria",
                                              "died",
                                              "ransoms_paid",
                                              "revenue_state_security",
                                              "revenue_armed_groups",
                                              "revenue_smugglers",
                                              "mean_paid_per_migrant",
                                              "mean_journey_days",
                                              "turned_back" };
  return h;
}

// Where a closed or worsened way's migrants went: the paired differences of the
// flow_<segment> metrics (policy - baseline), the ways that lost flow against those
// that gained it, each with its 95% interval; only ways whose interval excludes 0.
// The rows are marginal differences: which loser's migrants took which gainer is
// not identified: the losers are listed, then the gainers.
std::string displacement(const PolicyRows& p)
{
  const std::string prefix = "flow_";
  std::vector<std::size_t> lost, gained;
  for (std::size_t i = 0; i < p.metric.size(); ++i) {
    if (p.metric[i].rfind(prefix, 0) != 0 || p.metric[i].find('[') != std::string::npos) {
      continue;
    }
    if (p.hi[i] < 0) {
      lost.push_back(i);
    } else if (p.lo[i] > 0) {
      gained.push_back(i);
    }
  }
  if (lost.empty() && gained.empty()) {
    return "";
  }
  auto way = [&](std::size_t i, const char* verb, double sign) {
    return p.metric[i].substr(prefix.size()) + " (" + verb + " " + human(sign * p.diff_mean[i]) +
           " [" + human(std::min(sign * p.lo[i], sign * p.hi[i])) + ", " +
           human(std::max(sign * p.lo[i], sign * p.hi[i])) + "])";
  };
  std::string out =
    "  displacement (flow_ by segment, migrants; policy - baseline, 95% interval):\n";
  for (std::size_t k = 0; k < lost.size(); ++k) {
    out += std::string(k == 0 ? "    from " : "         ") + way(lost[k], "lost", -1.0) + "\n";
  }
  if (lost.empty()) {
    out += "    from no way (none lost)\n";
  }
  for (std::size_t k = 0; k < gained.size(); ++k) {
    out +=
      std::string(k == 0 ? "      -> to " : "            ") + way(gained[k], "gained", 1.0) + "\n";
  }
  if (gained.empty()) {
    out += "      -> to no way (none gained)\n";
  }
  return out + "\n";
}

} // namespace

std::string format_compare_report(const std::string& path, bool all)
{
  const auto v = read_compare(path);
  std::string out = v.scenario + ": baseline and " + std::to_string(v.policies.size()) + " polic" +
                    (v.policies.size() == 1 ? "y" : "ies") + ", " +
                    human_int(static_cast<std::int64_t>(v.replications)) +
                    " paired replications, seed " + std::to_string(v.seed) +
                    (v.crn ? " (common random numbers)" : " (independent streams)") + "\n";
  if (!v.stop_reason.empty()) {
    out += "stopped: " + v.stop_reason + "\n";
  }
  out += "difference = policy - baseline, with its 95% interval; ratio = policy mean / baseline "
         "mean;\nVR = variance reduction against independent streams\n\n";
  for (const auto& p : v.policies) {
    bool have_headline = !all;
    for (const auto& h : headline()) {
      have_headline =
        have_headline && std::find(p.metric.begin(), p.metric.end(), h) != p.metric.end();
    }
    Table t({ p.name + (p.title.empty() ? "" : ": " + p.title), "baseline", "policy", "difference",
              "95% interval", "ratio", "VR", "unit" },
            { false, true, true, true, true, true, true, false });
    auto row = [&](std::size_t i) {
      const Display d = display_for(p.unit[i], p.base_mean[i]);
      t.row(
        { p.metric[i], human(p.base_mean[i] / d.factor), human(p.policy_mean[i] / d.factor),
          signed_human(p.diff_mean[i] / d.factor),
          "[" + signed_human(p.lo[i] / d.factor) + ", " + signed_human(p.hi[i] / d.factor) + "]",
          human(p.ratio[i], 3), human(p.vr[i], 3), d.unit });
    };
    if (have_headline) {
      for (const auto& h : headline()) {
        row(static_cast<std::size_t>(std::find(p.metric.begin(), p.metric.end(), h) -
                                     p.metric.begin()));
      }
    } else {
      for (std::size_t i = 0; i < p.metric.size(); ++i) {
        row(i);
      }
    }
    out += t.str("  ") + "\n";
    out += displacement(p);
  }
  if (!all) {
    out += "(headline metrics; `passage report FILE --all` shows every metric)\n";
  }
  return out;
}

std::string json_compare(const std::string& path)
{
  const auto v = read_compare(path);
  Json j;
  j.begin_object();
  j.key("file").value(path);
  j.key("kind").value("compare");
  j.key("scenario").value(v.scenario);
  j.key("replications").value(v.replications);
  j.key("seed").value(v.seed);
  j.key("common_random_numbers").value(v.crn);
  j.key("stop_reason").value(v.stop_reason);
  j.key("policies").begin_object();
  for (const auto& p : v.policies) {
    j.key(p.name).begin_object();
    for (std::size_t i = 0; i < p.metric.size(); ++i) {
      j.key(p.metric[i]).begin_object();
      j.key("diff_mean").value(p.diff_mean[i]);
      j.key("diff_ci95_low").value(p.lo[i]);
      j.key("diff_ci95_high").value(p.hi[i]);
      j.key("ratio_mean").value(p.ratio[i]);
      j.key("baseline_mean").value(p.base_mean[i]);
      j.key("policy_mean").value(p.policy_mean[i]);
      j.key("unit").value(p.unit[i]);
      j.end_object();
    }
    j.end_object();
  }
  j.end_object();
  j.key("variance_reduction").begin_object();
  for (const auto& p : v.policies) {
    j.key(p.name).begin_object();
    for (std::size_t i = 0; i < p.metric.size(); ++i) {
      j.key(p.metric[i]).value(p.vr[i]);
    }
    j.end_object();
  }
  j.end_object();
  j.end_object();
  return j.str() + "\n";
}

std::string csv_compare(const std::string& path)
{
  const auto v = read_compare(path);
  std::string s =
    "policy,metric,unit,baseline_mean,policy_mean,diff_mean,diff_ci95_low,diff_ci95_high,"
    "ratio_mean,variance_reduction\n";
  for (const auto& p : v.policies) {
    for (std::size_t i = 0; i < p.metric.size(); ++i) {
      s += csv_field(p.name) + "," + csv_field(p.metric[i]) + "," + csv_field(p.unit[i]) + "," +
           csv_number(p.base_mean[i]) + "," + csv_number(p.policy_mean[i]) + "," +
           csv_number(p.diff_mean[i]) + "," + csv_number(p.lo[i]) + "," + csv_number(p.hi[i]) +
           "," + csv_number(p.ratio[i]) + "," + csv_number(p.vr[i]) + "\n";
    }
  }
  return s;
}

} // namespace passage::app
