// `passage report` of sweep and sensitivity files: parameters ranked per output
// with their intervals, the noise share and the convergence check.
#include "commands.hpp"
#include "format.hpp"
#include "passage/sa/output.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <numeric>

namespace passage::app {

namespace {

namespace sa = engine::sa;

//! Parameters shown per output in the text report; the rest are summarised.
constexpr std::size_t kShown = 20;

std::string interval(double lo, double hi, int sig = 3)
{
  if (!std::isfinite(lo) || !std::isfinite(hi)) {
    return "-";
  }
  return "[" + human(lo, sig) + ", " + human(hi, sig) + "]";
}

std::string percent(double share)
{
  if (!std::isfinite(share)) {
    return "-";
  }
  return human(100.0 * share, 3) + "%";
}

// Parameter order by a key, largest first, NaN last; ties keep design order.
std::vector<std::size_t> ranking(const std::vector<double>& key)
{
  std::vector<std::size_t> order(key.size());
  std::iota(order.begin(), order.end(), std::size_t{ 0 });
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const double x = std::isfinite(key[a]) ? key[a] : -std::numeric_limits<double>::infinity();
    const double y = std::isfinite(key[b]) ? key[b] : -std::numeric_limits<double>::infinity();
    return x > y;
  });
  return order;
}

bool is_sobol(const sa::SaView& v)
{
  return v.kind == "sensitivity" && v.method == "sobol";
}
bool is_morris(const sa::SaView& v)
{
  return v.kind == "sensitivity" && v.method == "morris";
}

std::string noise_line(const sa::SaView& v, const sa::SaView::Output& o)
{
  if (v.replications < 2) {
    return "  noise: not estimated (1 replication per point; use -r 2 or more for a stochastic "
           "model)\n";
  }
  std::string s = "  noise share: " + percent(o.noise.share) +
                  " of the variance of single runs is run-to-run noise";
  if (v.kind == "sensitivity") {
    s += " (indices corrected for it)";
  }
  return s + "\n";
}

std::string header(const sa::SaView& v)
{
  std::string out = v.scenario_name + " (model " + v.model + "): ";
  const std::string k = std::to_string(v.parameters.size()) + " parameters";
  if (is_sobol(v)) {
    out += "Sobol' indices of " + k + ", N = " + human_int(static_cast<std::int64_t>(v.samples)) +
           " base samples";
  } else if (is_morris(v)) {
    out += "Morris elementary effects of " + k + ", " +
           human_int(static_cast<std::int64_t>(v.samples)) + " trajectories on " +
           std::to_string(v.levels) + " levels";
  } else {
    out += "sweep (" + v.method + ") of " + k;
  }
  out += "\n  " + human_int(static_cast<std::int64_t>(v.points)) + " points x " +
         human_int(static_cast<std::int64_t>(v.replications)) +
         (v.replications == 1 ? " replication" : " replications") + ", seed " +
         std::to_string(v.seed) + ", " + human(v.wall_seconds, 3) + " s";
  if (!v.design_file.empty()) {
    out += ", design " + v.design_file;
  }
  out += "\n";
  if (!v.failures.empty()) {
    out += "  " + std::to_string(v.failures.size()) + " of " + std::to_string(v.points) +
           " points failed and are left out";
    std::string reason = v.failures.front().second;
    if (const auto nl = reason.find('\n'); nl != std::string::npos) {
      reason = reason.substr(0, nl);
    }
    out += "; the first (point " + std::to_string(v.failures.front().first) + "): " + reason + "\n";
  }
  return out + "\n";
}

std::string sobol_output(const sa::SaView& v, const sa::SaView::Output& o, std::size_t shown)
{
  std::string out = o.name + (o.unit.empty() ? "" : " (" + o.unit + ")") + "\n";
  out += noise_line(v, o);
  if (o.rows_dropped > 0) {
    out += "  " + std::to_string(o.rows_dropped) + " of " +
           std::to_string(o.rows_used + o.rows_dropped) +
           " base samples dropped: a point of theirs failed\n";
  }
  out += "  convergence: max |S1(N) - S1(N/2)| = " + human(o.max_change_s1, 2) +
         ", max |ST(N) - ST(N/2)| = " + human(o.max_change_st, 2) + ": " +
         (o.stable ? "stable" : "not yet stable, increase -n") + "\n";
  Table t({ "rank", "parameter", "ST", "95% interval", "S1", "95% interval" },
          { true, false, true, true, true, true });
  const auto order = ranking(o.st);
  for (std::size_t r = 0; r < order.size() && r < shown; ++r) {
    const std::size_t i = order[r];
    t.row({ std::to_string(r + 1), v.parameters[i], human(o.st[i], 3),
            interval(o.st_low[i], o.st_high[i]), human(o.s1[i], 3),
            interval(o.s1_low[i], o.s1_high[i]) });
  }
  out += t.str("  ");
  if (order.size() > shown) {
    out += "  ... " + std::to_string(order.size() - shown) +
           " more with ST <= " + human(o.st[order[shown]], 2) + " (report --all lists them)\n";
  }
  return out + "\n";
}

std::string morris_output(const sa::SaView& v, const sa::SaView::Output& o, std::size_t shown)
{
  // Effects in the output's unit; large CFA sums in millions, as in the run report.
  double largest = 0.0;
  for (const double x : o.mu_star) {
    largest = std::isfinite(x) ? std::max(largest, x) : largest;
  }
  const Display d = display_for(o.unit, largest);
  std::string out = o.name + (d.unit.empty() ? "" : " (" + d.unit + ")") +
                    ": effects per whole range of each parameter\n";
  out += noise_line(v, o);
  if (std::isfinite(o.ee_noise_sd)) {
    out += "  an effect's sd from noise alone: " + human(o.ee_noise_sd / d.factor, 3) +
           " (a mu* near it is noise)\n";
  }
  out += "  convergence: max |mu*(r) - mu*(r/2)| = " + percent(o.max_change) +
         " of the largest mu*: " + (o.stable ? "stable" : "not yet stable, increase -n") + "\n";
  Table t({ "rank", "parameter", "mu*", "95% interval", "mu", "sigma" },
          { true, false, true, true, true, true });
  const auto order = ranking(o.mu_star);
  for (std::size_t r = 0; r < order.size() && r < shown; ++r) {
    const std::size_t i = order[r];
    t.row({ std::to_string(r + 1), v.parameters[i], human(o.mu_star[i] / d.factor, 3),
            interval(o.mu_star_low[i] / d.factor, o.mu_star_high[i] / d.factor),
            human(o.mu[i] / d.factor, 3), human(o.sigma[i] / d.factor, 3) });
  }
  out += t.str("  ");
  if (order.size() > shown) {
    out += "  ... " + std::to_string(order.size() - shown) +
           " more with mu* <= " + human(o.mu_star[order[shown]] / d.factor, 3) +
           " (report --all lists them)\n";
  }
  return out + "\n";
}

std::string sweep_outputs(const sa::SaView& v)
{
  std::string out = "parameters\n";
  Table p({ "parameter", "distribution" }, { false, false });
  for (std::size_t i = 0; i < v.parameters.size(); ++i) {
    p.row({ v.parameters[i], i < v.distributions.size() ? v.distributions[i] : "" });
  }
  out += p.str("  ") + "\noutputs over the points' means\n";
  Table t({ "output", "mean", "sd", "min", "max", "noise share", "unit" },
          { false, true, true, true, true, true, false });
  for (const auto& o : v.outputs) {
    t.row({ o.name, human(o.mean), human(o.sd), human(o.min), human(o.max),
            v.replications >= 2 ? percent(o.noise.share) : "-", o.unit });
  }
  return out + t.str("  ") + "\n";
}

void json_interval(Json& j, double lo, double hi)
{
  j.begin_array().value(lo).value(hi).end_array();
}

std::string json_sa(const sa::SaView& v)
{
  Json j;
  j.begin_object();
  j.key("file").value(v.path);
  j.key("kind").value(v.kind);
  j.key("method").value(v.method);
  j.key("model").value(v.model);
  j.key("scenario").value(v.scenario_name);
  j.key("design").value(v.design_file);
  j.key("seed").value(v.seed);
  j.key("samples").value(v.samples);
  j.key("replications").value(v.replications);
  j.key("points").value(v.points);
  j.key("failed").value(static_cast<std::uint64_t>(v.failures.size()));
  j.key("wall_seconds").value(v.wall_seconds);
  j.key("parameters").begin_array();
  for (const auto& p : v.parameters) {
    j.value(p);
  }
  j.end_array();
  j.key("failures").begin_array();
  for (const auto& [point, reason] : v.failures) {
    j.begin_object().key("point").value(point).key("reason").value(reason).end_object();
  }
  j.end_array();
  j.key("outputs").begin_object();
  for (const auto& o : v.outputs) {
    j.key(o.name).begin_object();
    j.key("unit").value(o.unit);
    j.key("mean").value(o.mean);
    j.key("std").value(o.sd);
    j.key("min").value(o.min);
    j.key("max").value(o.max);
    j.key("noise_share").value(o.noise.share);
    if (is_sobol(v)) {
      j.key("rows_used").value(o.rows_used);
      j.key("rows_dropped").value(o.rows_dropped);
      j.key("convergence").begin_object();
      j.key("max_change_S1").value(o.max_change_s1);
      j.key("max_change_ST").value(o.max_change_st);
      j.key("stable").value(o.stable);
      j.end_object();
    } else if (is_morris(v)) {
      j.key("ee_noise_sd").value(o.ee_noise_sd);
      j.key("convergence").begin_object();
      j.key("max_change_mu_star").value(o.max_change);
      j.key("stable").value(o.stable);
      j.end_object();
    }
    j.end_object();
  }
  j.end_object();
  if (v.kind == "sensitivity") {
    j.key("indices").begin_object();
    for (const auto& o : v.outputs) {
      j.key(o.name).begin_object();
      for (std::size_t i = 0; i < v.parameters.size(); ++i) {
        j.key(v.parameters[i]).begin_object();
        if (is_sobol(v)) {
          j.key("S1").value(o.s1[i]);
          j.key("S1_ci95");
          json_interval(j, o.s1_low[i], o.s1_high[i]);
          j.key("ST").value(o.st[i]);
          j.key("ST_ci95");
          json_interval(j, o.st_low[i], o.st_high[i]);
        } else {
          j.key("mu_star").value(o.mu_star[i]);
          j.key("mu_star_ci95");
          json_interval(j, o.mu_star_low[i], o.mu_star_high[i]);
          j.key("mu").value(o.mu[i]);
          j.key("sigma").value(o.sigma[i]);
        }
        j.end_object();
      }
      j.end_object();
    }
    j.end_object();
    const std::size_t k = v.parameters.size();
    if (is_sobol(v) && !v.outputs.empty() && v.outputs.front().s2.size() == k * k) {
      j.key("second_order").begin_object();
      for (const auto& o : v.outputs) {
        j.key(o.name).begin_object();
        for (std::size_t a = 0; a < k; ++a) {
          for (std::size_t b = a + 1; b < k; ++b) {
            j.key(v.parameters[a] + "," + v.parameters[b]).begin_object();
            j.key("S2").value(o.s2[a * k + b]);
            j.key("S2_ci95");
            json_interval(j, o.s2_low[a * k + b], o.s2_high[a * k + b]);
            j.end_object();
          }
        }
        j.end_object();
      }
      j.end_object();
    }
  }
  j.end_object();
  return j.str() + "\n";
}

std::string csv_sa(const sa::SaView& v)
{
  std::string s;
  if (is_sobol(v)) {
    s = "output,parameter,S1,S1_ci95_low,S1_ci95_high,ST,ST_ci95_low,ST_ci95_high\n";
    for (const auto& o : v.outputs) {
      for (std::size_t i = 0; i < v.parameters.size(); ++i) {
        s += csv_field(o.name) + "," + csv_field(v.parameters[i]) + "," + csv_number(o.s1[i]) +
             "," + csv_number(o.s1_low[i]) + "," + csv_number(o.s1_high[i]) + "," +
             csv_number(o.st[i]) + "," + csv_number(o.st_low[i]) + "," + csv_number(o.st_high[i]) +
             "\n";
      }
    }
  } else if (is_morris(v)) {
    s = "output,parameter,mu,mu_star,mu_star_ci95_low,mu_star_ci95_high,sigma\n";
    for (const auto& o : v.outputs) {
      for (std::size_t i = 0; i < v.parameters.size(); ++i) {
        s += csv_field(o.name) + "," + csv_field(v.parameters[i]) + "," + csv_number(o.mu[i]) +
             "," + csv_number(o.mu_star[i]) + "," + csv_number(o.mu_star_low[i]) + "," +
             csv_number(o.mu_star_high[i]) + "," + csv_number(o.sigma[i]) + "\n";
      }
    }
  } else {
    s = "output,mean,std,min,max,noise_share\n";
    for (const auto& o : v.outputs) {
      s += csv_field(o.name) + "," + csv_number(o.mean) + "," + csv_number(o.sd) + "," +
           csv_number(o.min) + "," + csv_number(o.max) + "," + csv_number(o.noise.share) + "\n";
    }
  }
  return s;
}

} // namespace

std::string format_sa_report(const std::string& path, bool all)
{
  const auto v = sa::read_sa(path);
  const std::size_t shown = all ? v.parameters.size() : kShown;
  std::string out = header(v);
  if (is_sobol(v)) {
    for (const auto& o : v.outputs) {
      out += sobol_output(v, o, shown);
    }
  } else if (is_morris(v)) {
    for (const auto& o : v.outputs) {
      out += morris_output(v, o, shown);
    }
  } else {
    out += sweep_outputs(v);
  }
  return out;
}

void report_sa(const std::string& path, bool json, bool csv, bool all)
{
  if (json) {
    std::cout << json_sa(sa::read_sa(path));
  } else if (csv) {
    std::cout << csv_sa(sa::read_sa(path));
  } else {
    std::cout << format_sa_report(path, all);
  }
}

} // namespace passage::app
