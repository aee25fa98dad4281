#include "passage/sa/output.hpp"

#include "passage/errors.hpp"
#include "passage/io/results.hpp"
#include "passage/stats/tally.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <type_traits>

namespace passage::engine::sa {

void write_atomically(const std::string& path, bool force,
                      const std::function<void(h5::File&)>& fill)
{
  OutputFile out(path, force);
  fill(out.file());
  out.commit();
}

h5::Group write_design(h5::Group& root, const Design& design, std::span<const double> values)
{
  auto g = root.create_group("design");
  std::vector<std::string> dists;
  for (const auto& p : design.parameters) {
    dists.push_back(p.describe());
  }
  g.write_strings("parameters", design.names());
  g.write_strings("paths", design.paths());
  g.write_strings("distributions", dists);
  g.write_strings("outputs", design.outputs);
  const std::size_t k = design.parameters.size();
  g.write_matrix<double>("inputs", values, k ? values.size() / k : 0, k);
  g.set_attr("description", "the values each design point ran with: inputs[point, parameter]; "
                            "choice parameters hold the index of the choice");
  return g;
}

void write_evaluation(h5::Group& root, const Evaluation& e, const std::vector<MetricInfo>& metrics)
{
  auto g = root.create_group("outputs");
  for (std::size_t o = 0; o < e.outputs.size(); ++o) {
    auto ds = g.write_matrix<double>(e.outputs[o], e.output(o), e.points, e.replications);
    for (const auto& m : metrics) {
      if (m.name == e.outputs[o]) {
        ds.set_attr("unit", m.unit);
        ds.set_attr("description", m.description);
      }
    }
  }
  g.set_attr("description", "outputs[point, replication] of every design point; NaN where the "
                            "point failed (see /failed)");
  auto f = root.create_group("failed");
  std::vector<std::uint64_t> point;
  std::vector<std::string> reason;
  for (std::size_t p = 0; p < e.points; ++p) {
    if (!e.ok[p]) {
      point.push_back(p);
      reason.push_back(e.reasons[p]);
    }
  }
  f.write<std::uint64_t>("point", point);
  f.write_strings("reason", reason);
  f.set_attr("count", static_cast<std::uint64_t>(point.size()));
  f.set_attr("description", "design points whose model could not be built or whose run failed, "
                            "with the reason");
}

void write_sobol(h5::Group& indices, const std::string& output, const Design& design,
                 const SobolIndices& s)
{
  auto g = indices.create_group(output);
  g.write_strings("parameter", design.names());
  g.write<double>("S1", s.s1);
  g.write<double>("S1_ci95_low", s.s1_low);
  g.write<double>("S1_ci95_high", s.s1_high);
  g.write<double>("ST", s.st);
  g.write<double>("ST_ci95_low", s.st_low);
  g.write<double>("ST_ci95_high", s.st_high);
  g.write<double>("S1_half", s.s1_half);
  g.write<double>("ST_half", s.st_half);
  if (!s.s2.empty()) {
    g.write_matrix<double>("S2", s.s2, s.d, s.d);
    g.write_matrix<double>("S2_ci95_low", s.s2_low, s.d, s.d);
    g.write_matrix<double>("S2_ci95_high", s.s2_high, s.d, s.d);
  }
  g.set_attr("noise_share", s.noise.share);
  g.set_attr("noise_var", s.noise.within_var);
  g.set_attr("total_var", s.noise.total_var);
  g.set_attr("noise_var_of_mean", s.noise_correction);
  g.set_attr("variance", s.variance);
  g.set_attr("rows_used", static_cast<std::uint64_t>(s.rows_used));
  g.set_attr("rows_dropped", static_cast<std::uint64_t>(s.rows_dropped));
  g.set_attr("max_change_S1", s.max_change_s1);
  g.set_attr("max_change_ST", s.max_change_st);
  g.set_attr("stable", static_cast<std::int64_t>(s.stable() ? 1 : 0));
  g.set_attr("description",
             "Sobol' indices per parameter: S1 (Saltelli 2010), ST (Jansen 1999), 95% bootstrap "
             "percentile intervals, S1_half/ST_half on the first half of the base samples; noise "
             "corrected (docs/sensitivity.md)");
}

void write_morris(h5::Group& indices, const std::string& output, const Design& design,
                  const MorrisIndices& m)
{
  auto g = indices.create_group(output);
  g.write_strings("parameter", design.names());
  g.write<double>("mu", m.mu);
  g.write<double>("mu_star", m.mu_star);
  g.write<double>("mu_star_ci95_low", m.mu_star_low);
  g.write<double>("mu_star_ci95_high", m.mu_star_high);
  g.write<double>("sigma", m.sigma);
  g.write<double>("mu_star_half", m.mu_star_half);
  std::vector<std::uint64_t> effects(m.effects.begin(), m.effects.end());
  g.write<std::uint64_t>("effects", effects);
  g.set_attr("noise_share", m.noise.share);
  g.set_attr("noise_var", m.noise.within_var);
  g.set_attr("total_var", m.noise.total_var);
  g.set_attr("ee_noise_sd", m.ee_noise_sd);
  g.set_attr("max_change", m.max_change);
  g.set_attr("stable", static_cast<std::int64_t>(m.stable() ? 1 : 0));
  g.set_attr("description",
             "Morris elementary effects per parameter, in output units per whole range of the "
             "parameter: mu, mu_star (mean absolute), sigma; mu_star_half on the first half of the "
             "trajectories; ee_noise_sd: the sd of an effect from run-to-run noise alone");
}

// ---------------------------------------------------------------------------
// Reading

namespace {

std::vector<double> read_or_empty(const h5::Group& g, const std::string& name)
{
  return g.exists(name) ? g.read<double>(name) : std::vector<double>{};
}

} // namespace

std::string results_kind(const std::string& path)
{
  const auto f = open_results(path);
  return f.attr_or<std::string>("kind", "run");
}

SaView read_sa(const std::string& path)
{
  const auto f = open_results(path);
  SaView v;
  v.path = path;
  v.kind = f.attr_or<std::string>("kind", "");
  if (v.kind != "sweep" && v.kind != "sensitivity") {
    throw h5::IoError(path + ": not a sweep or sensitivity file (kind '" + v.kind + "')");
  }
  v.method = f.attr_or<std::string>("method", "");
  v.model = f.attr_or<std::string>("model", "");
  v.scenario_name = f.attr_or<std::string>("scenario_name", "");
  v.design_file = f.attr_or<std::string>("design_file", "");
  v.seed = f.attr_or<std::uint64_t>("seed", 0);
  v.replications = f.attr_or<std::uint64_t>("replications", 1);
  v.points = f.attr_or<std::uint64_t>("points", 0);
  v.samples = f.attr_or<std::uint64_t>("samples", 0);
  v.levels = f.attr_or<std::uint64_t>("levels", 0);
  v.common_random_numbers = f.attr_or<std::int64_t>("common_random_numbers", 1) != 0;
  v.wall_seconds = f.attr_or<double>("wall_seconds", 0.0);
  if (!f.exists("design") || !f.exists("outputs") || !f.exists("failed")) {
    throw h5::IoError(path + ": no /design, /outputs or /failed; the file is incomplete");
  }
  const auto design = f.open_group("design");
  v.parameters = design.read_strings("parameters");
  v.distributions = design.read_strings("distributions");
  const auto failed = f.open_group("failed");
  const auto fp = failed.read<std::uint64_t>("point");
  const auto fr = failed.read_strings("reason");
  if (fp.size() != fr.size()) {
    throw h5::IoError(path + ": /failed columns have different lengths; the file is damaged");
  }
  std::vector<std::uint8_t> ok(v.points, 1);
  for (std::size_t i = 0; i < fp.size(); ++i) {
    v.failures.emplace_back(fp[i], fr[i]);
    if (fp[i] < ok.size()) {
      ok[fp[i]] = 0;
    }
  }

  const auto outs = f.open_group("outputs");
  // The design's order of outputs (a group lists its members by name).
  const auto order = design.exists("outputs") ? design.read_strings("outputs") : outs.members();
  const auto indices = f.exists("indices") ? std::optional(f.open_group("indices")) : std::nullopt;
  for (const auto& name : order) {
    SaView::Output o;
    o.name = name;
    const auto ds = outs.open_dataset(name);
    o.unit = ds.attr_or<std::string>("unit", "");
    const auto dims = ds.dims();
    const auto values = ds.read<double>();
    const std::size_t np = dims.empty() ? 0 : dims[0];
    const std::size_t nr = dims.size() > 1 ? dims[1] : 1;
    if (np != v.points || values.size() != np * nr) {
      throw h5::IoError(path + ": /outputs/" + name + " does not match the design's points");
    }
    Runs runs{ values, np, nr, ok };
    std::vector<std::size_t> ran;
    std::vector<double> means;
    for (std::size_t p = 0; p < np; ++p) {
      if (ok[p]) {
        ran.push_back(p);
        means.push_back(runs.mean(p));
      }
    }
    if (!means.empty()) {
      const auto s = stats::summarise(means);
      o.mean = s.mean;
      o.sd = s.sd;
      o.min = *std::min_element(means.begin(), means.end());
      o.max = *std::max_element(means.begin(), means.end());
    }
    o.noise = estimate_noise(runs, ran);
    if (indices && indices->exists(name)) {
      const auto g = indices->open_group(name);
      o.noise.share = g.attr_or<double>("noise_share", o.noise.share);
      o.s1 = read_or_empty(g, "S1");
      o.s1_low = read_or_empty(g, "S1_ci95_low");
      o.s1_high = read_or_empty(g, "S1_ci95_high");
      o.st = read_or_empty(g, "ST");
      o.st_low = read_or_empty(g, "ST_ci95_low");
      o.st_high = read_or_empty(g, "ST_ci95_high");
      o.s1_half = read_or_empty(g, "S1_half");
      o.st_half = read_or_empty(g, "ST_half");
      o.s2 = read_or_empty(g, "S2");
      o.s2_low = read_or_empty(g, "S2_ci95_low");
      o.s2_high = read_or_empty(g, "S2_ci95_high");
      o.max_change_s1 = g.attr_or<double>("max_change_S1", kNaN);
      o.max_change_st = g.attr_or<double>("max_change_ST", kNaN);
      o.rows_used = g.attr_or<std::uint64_t>("rows_used", 0);
      o.rows_dropped = g.attr_or<std::uint64_t>("rows_dropped", 0);
      o.mu = read_or_empty(g, "mu");
      o.mu_star = read_or_empty(g, "mu_star");
      o.mu_star_low = read_or_empty(g, "mu_star_ci95_low");
      o.mu_star_high = read_or_empty(g, "mu_star_ci95_high");
      o.sigma = read_or_empty(g, "sigma");
      o.mu_star_half = read_or_empty(g, "mu_star_half");
      o.ee_noise_sd = g.attr_or<double>("ee_noise_sd", kNaN);
      o.max_change = g.attr_or<double>("max_change", kNaN);
      o.stable = g.attr_or<std::int64_t>("stable", 0) != 0;
      const std::size_t k = v.parameters.size();
      for (const auto* col : { &o.s1, &o.st, &o.mu_star }) {
        if (!col->empty() && col->size() != k) {
          throw h5::IoError(path + ": /indices/" + name + " does not match the parameters");
        }
      }
    }
    v.outputs.push_back(std::move(o));
  }
  return v;
}

} // namespace passage::engine::sa
