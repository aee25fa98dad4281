// `passage report` of calibration files: per parameter the posterior mean, its
// 95% credible interval and how much narrower it is than the prior's; per
// target the model's posterior values against the observation; per generation
// (ABC) or wave (history matching) the schedule.
#include "calibrate.hpp"
#include "format.hpp"
#include "passage/calib/abc.hpp"
#include "passage/errors.hpp"
#include "passage/io/hdf5.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>

namespace passage::app {

namespace {

namespace calib = engine::calib;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Step
{
  std::string name; //!< "0", "1", ...
  double tolerance = kNaN;
  double ess = kNaN;
  std::uint64_t attempts = 0;
  double acceptance = kNaN;
  std::uint64_t points = 0;
  std::uint64_t failed = 0; //!< proposals the model rejected or could not run
  std::string first_failure;
};

struct Summary
{
  std::string name;
  double mean = kNaN;
  double sd = kNaN;
  double low = kNaN;
  double high = kNaN;
};

struct CalibrationView
{
  std::string path;
  std::string method;
  std::string model;
  std::string scenario;
  std::string observations_file;
  std::string stop_reason;
  std::uint64_t seed = 0;
  std::uint64_t replications = 0;
  std::uint64_t simulations = 0;
  double wall_seconds = 0.0;
  std::string step_kind; //!< "generation" or "wave"
  std::vector<Step> steps;
  std::size_t posterior_size = 0;
  double posterior_ess = kNaN;
  // Parameters
  std::vector<std::string> names, paths, priors;
  std::vector<double> prior_low, prior_high;
  std::vector<Summary> parameters;
  // Targets
  std::vector<std::string> targets, errors;
  std::vector<double> observed, variance;
  std::vector<Summary> fits;
};

Summary summarise(const std::string& name, const std::vector<double>& x,
                  const std::vector<double>& w)
{
  Summary s;
  s.name = name;
  std::vector<double> xs;
  std::vector<double> ws;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::isfinite(x[i]) && w[i] > 0.0) {
      xs.push_back(x[i]);
      ws.push_back(w[i]);
    }
  }
  if (xs.empty()) {
    return s;
  }
  double total = 0.0;
  double m = 0.0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    total += ws[i];
    m += ws[i] * xs[i];
  }
  m /= total;
  double v = 0.0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    v += ws[i] * (xs[i] - m) * (xs[i] - m);
  }
  s.mean = m;
  s.sd = std::sqrt(v / total);
  s.low = calib::weighted_quantile(xs, ws, 0.025);
  s.high = calib::weighted_quantile(xs, ws, 0.975);
  return s;
}

std::vector<double> column(const std::vector<double>& m, std::size_t rows, std::size_t cols,
                           std::size_t j)
{
  std::vector<double> c(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    c[i] = m[i * cols + j];
  }
  return c;
}

CalibrationView read_calibration(const std::string& path)
{
  auto f = engine::h5::File::open_read(path);
  CalibrationView v;
  v.path = path;
  v.method = f.attr_or<std::string>("method", "");
  v.model = f.attr_or<std::string>("model", "");
  v.scenario = f.attr_or<std::string>("scenario_name", "");
  v.observations_file = f.attr_or<std::string>("observations_file", "");
  v.stop_reason = f.attr_or<std::string>("stop_reason", "");
  v.seed = f.has_attr("seed") ? f.attr_uint("seed") : 0;
  v.replications = f.has_attr("replications") ? f.attr_uint("replications") : 0;
  v.simulations = f.has_attr("simulations") ? f.attr_uint("simulations") : 0;
  v.wall_seconds = f.attr_or<double>("wall_seconds", 0.0);
  const auto pg = f.open_group("parameters");
  v.names = pg.read_strings("names");
  v.paths = pg.read_strings("paths");
  if (pg.exists("priors")) {
    v.priors = pg.read_strings("priors");
    v.prior_low = pg.read<double>("prior_low95");
    v.prior_high = pg.read<double>("prior_high95");
  }
  v.priors.resize(v.names.size());
  v.prior_low.resize(v.names.size(), kNaN);
  v.prior_high.resize(v.names.size(), kNaN);
  const auto tg = f.open_group("targets");
  v.targets = tg.read_strings("names");
  v.observed = tg.read<double>("observed");
  for (const auto& t : v.targets) {
    const auto g = tg.open_group(t);
    v.errors.push_back(g.attr_or<std::string>("error", ""));
    v.variance.push_back(g.attr_or<double>("observation_variance", kNaN));
  }
  for (const char* kind : { "generations", "waves" }) {
    if (!f.exists(kind)) {
      continue;
    }
    v.step_kind = std::string(kind) == "generations" ? "generation" : "wave";
    const auto sg = f.open_group(kind);
    auto members = sg.members();
    std::sort(members.begin(), members.end(), [](const std::string& a, const std::string& b) {
      return a.size() != b.size() ? a.size() < b.size() : a < b;
    });
    for (const auto& m : members) {
      const auto g = sg.open_group(m);
      Step s;
      s.name = m;
      s.tolerance = g.attr_or<double>("tolerance", g.attr_or<double>("cutoff", kNaN));
      s.ess = g.attr_or<double>("ess", kNaN);
      s.attempts = g.has_attr("attempts") ? g.attr_uint("attempts") : 0;
      s.acceptance = g.attr_or<double>("acceptance_rate", kNaN);
      s.failed = g.has_attr("failed") ? g.attr_uint("failed") : 0;
      s.first_failure = g.attr_or<std::string>("first_failure", "");
      s.points = g.exists("values") ? g.open_dataset("values").dims().front() : 0;
      v.steps.push_back(s);
    }
  }
  const auto post = f.open_group("posterior");
  const auto values = post.read<double>("values");
  const auto weights = post.read<double>("weights");
  const std::size_t n = weights.size();
  const std::size_t p = v.names.size();
  v.posterior_size = n;
  v.posterior_ess = calib::effective_sample_size(weights);
  for (std::size_t k = 0; k < p; ++k) {
    v.parameters.push_back(summarise(v.names[k], column(values, n, p, k), weights));
  }
  if (post.exists("outputs")) {
    const auto outputs = post.read<double>("outputs");
    const std::size_t nt = v.targets.size();
    if (outputs.size() == n * nt) {
      for (std::size_t t = 0; t < nt; ++t) {
        v.fits.push_back(summarise(v.targets[t], column(outputs, n, nt, t), weights));
      }
    }
  }
  return v;
}

double width_ratio(const CalibrationView& v, std::size_t k)
{
  const double prior = v.prior_high[k] - v.prior_low[k];
  const double post = v.parameters[k].high - v.parameters[k].low;
  return prior > 0.0 ? post / prior : kNaN;
}

// The posterior's 95% interval against the prior's: below half, the
// observations constrain the parameter; above 0.8, hardly.
std::string verdict(double ratio)
{
  if (!std::isfinite(ratio)) {
    return "-";
  }
  if (ratio < 0.5) {
    return "constrained";
  }
  return ratio < 0.8 ? "somewhat" : "not constrained";
}

double z_score(const CalibrationView& v, std::size_t t)
{
  if (t >= v.fits.size()) {
    return kNaN;
  }
  return (v.fits[t].mean - v.observed[t]) / std::sqrt(v.variance[t]);
}

std::string interval(double lo, double hi)
{
  if (!std::isfinite(lo) || !std::isfinite(hi)) {
    return "-";
  }
  return "[" + human(lo, 3) + ", " + human(hi, 3) + "]";
}

std::string json_calibration(const CalibrationView& v)
{
  Json j;
  j.begin_object();
  j.key("kind").value("calibration");
  j.key("method").value(v.method);
  j.key("model").value(v.model);
  j.key("scenario").value(v.scenario);
  j.key("observations_file").value(v.observations_file);
  j.key("seed").value(v.seed);
  j.key("replications").value(v.replications);
  j.key("simulations").value(v.simulations);
  j.key("stop_reason").value(v.stop_reason);
  j.key("posterior_size").value(static_cast<std::uint64_t>(v.posterior_size));
  j.key("posterior_ess").value(v.posterior_ess);
  j.key(v.step_kind == "wave" ? "waves" : "generations").begin_array();
  for (const auto& s : v.steps) {
    j.begin_object();
    j.key("index").value(s.name);
    j.key(v.step_kind == "wave" ? "cutoff" : "tolerance").value(s.tolerance);
    j.key("ess").value(s.ess);
    j.key("points").value(s.points);
    if (s.attempts > 0) {
      j.key("failed").value(s.failed);
      j.key("attempts").value(s.attempts);
      j.key("acceptance_rate").value(s.acceptance);
    }
    j.end_object();
  }
  j.end_array();
  j.key("parameters").begin_array();
  for (std::size_t k = 0; k < v.parameters.size(); ++k) {
    const auto& s = v.parameters[k];
    j.begin_object();
    j.key("name").value(s.name);
    j.key("path").value(v.paths[k]);
    j.key("prior").value(v.priors[k]);
    j.key("prior_low95").value(v.prior_low[k]);
    j.key("prior_high95").value(v.prior_high[k]);
    j.key("mean").value(s.mean);
    j.key("sd").value(s.sd);
    j.key("low95").value(s.low);
    j.key("high95").value(s.high);
    j.key("width_ratio").value(width_ratio(v, k));
    j.key("verdict").value(verdict(width_ratio(v, k)));
    j.end_object();
  }
  j.end_array();
  j.key("targets").begin_array();
  for (std::size_t t = 0; t < v.targets.size(); ++t) {
    j.begin_object();
    j.key("name").value(v.targets[t]);
    j.key("observed").value(v.observed[t]);
    j.key("error").value(v.errors[t]);
    j.key("observation_sd").value(std::sqrt(v.variance[t]));
    if (t < v.fits.size()) {
      j.key("mean").value(v.fits[t].mean);
      j.key("low95").value(v.fits[t].low);
      j.key("high95").value(v.fits[t].high);
      j.key("z").value(z_score(v, t));
    }
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return j.str() + "\n";
}

std::string csv_calibration(const CalibrationView& v)
{
  std::string s = "section,name,mean,sd,low95,high95,prior_low95,prior_high95,width_ratio,"
                  "observed,observation_sd,z\n";
  for (std::size_t k = 0; k < v.parameters.size(); ++k) {
    const auto& p = v.parameters[k];
    s += "parameter," + csv_field(p.name) + "," + csv_number(p.mean) + "," + csv_number(p.sd) +
         "," + csv_number(p.low) + "," + csv_number(p.high) + "," + csv_number(v.prior_low[k]) +
         "," + csv_number(v.prior_high[k]) + "," + csv_number(width_ratio(v, k)) + ",,,\n";
  }
  for (std::size_t t = 0; t < v.targets.size(); ++t) {
    const Summary f = t < v.fits.size() ? v.fits[t] : Summary{};
    s += "target," + csv_field(v.targets[t]) + "," + csv_number(f.mean) + "," + csv_number(f.sd) +
         "," + csv_number(f.low) + "," + csv_number(f.high) + ",,,," + csv_number(v.observed[t]) +
         "," + csv_number(std::sqrt(v.variance[t])) + "," + csv_number(z_score(v, t)) + "\n";
  }
  return s;
}

} // namespace

std::string format_calibration_report(const std::string& path)
{
  const auto v = read_calibration(path);
  std::string s;
  s += "calibration of " + v.scenario + " (model " + v.model + ") by " + v.method + ": " +
       std::to_string(v.posterior_size) + " posterior points, ESS " + human(v.posterior_ess, 3) +
       "; " + human_int(static_cast<std::int64_t>(v.simulations)) + " simulations x " +
       std::to_string(v.replications) + " replications, seed " + std::to_string(v.seed) +
       (v.stop_reason.empty() ? "" : "; stopped on " + v.stop_reason) + "\n";
  s += "observations: " + v.observations_file + "\n\n";
  if (!v.steps.empty()) {
    const bool abc = v.step_kind == "generation";
    Table t({ v.step_kind, abc ? "tolerance" : "cutoff", "points", abc ? "attempts" : "",
              abc ? "acceptance" : "", "ESS" },
            { true, true, true, true, true, true });
    for (const auto& st : v.steps) {
      t.row({ st.name, std::isfinite(st.tolerance) ? human(st.tolerance, 4) : "-",
              human_int(static_cast<std::int64_t>(st.points)),
              abc ? human_int(static_cast<std::int64_t>(st.attempts)) : "",
              abc && std::isfinite(st.acceptance) ? human(100.0 * st.acceptance, 3) + "%" : "",
              human(st.ess, 4) });
    }
    s += t.str("  ");
    std::uint64_t failed = 0;
    std::string first;
    for (const auto& st : v.steps) {
      failed += st.failed;
      if (first.empty()) {
        first = st.first_failure;
      }
    }
    if (failed > 0) {
      s += "  " + human_int(static_cast<std::int64_t>(failed)) +
           " proposals failed to run and were rejected; the first: " + first + "\n";
    }
    s += "\n";
  }
  Table pt({ "parameter", "prior", "posterior mean", "95% credible", "width vs prior", "" },
           { false, false, true, true, true, false });
  for (std::size_t k = 0; k < v.parameters.size(); ++k) {
    const auto& p = v.parameters[k];
    const double r = width_ratio(v, k);
    pt.row({ p.name, v.priors[k], human(p.mean, 4), interval(p.low, p.high),
             std::isfinite(r) ? human(100.0 * r, 3) + "%" : "-", verdict(r) });
  }
  s += "parameters (width: of the 95% credible interval, against the prior's central 95%):\n";
  s += pt.str("  ") + "\n";
  Table tt({ "target", "observed", "error", "model (posterior)", "95% of posterior", "z" },
           { false, true, false, true, true, true });
  for (std::size_t t = 0; t < v.targets.size(); ++t) {
    const Summary f = t < v.fits.size() ? v.fits[t] : Summary{};
    tt.row({ v.targets[t], human(v.observed[t], 4), v.errors[t], human(f.mean, 4),
             interval(f.low, f.high), human(z_score(v, t), 3) });
  }
  s += "targets (z: (model - observed) / the error model's sd):\n";
  s += tt.str("  ") + "\n";
  return s;
}

void report_calibration(const std::string& path, bool json, bool csv)
{
  if (json) {
    std::cout << json_calibration(read_calibration(path));
  } else if (csv) {
    std::cout << csv_calibration(read_calibration(path));
  } else {
    std::cout << format_calibration_report(path);
  }
}

} // namespace passage::app
