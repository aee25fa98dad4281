#include "calibrate.hpp"
#include "commands.hpp"
#include "format.hpp"
#include "passage/errors.hpp"
#include "passage/io/hdf5.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>

namespace passage::app {

namespace {

struct ReportArgs
{
  std::string file;
  bool json = false;
  bool csv = false;
  bool trace = false;
  bool all = false;
  bool series = false;
};

std::string json_run(const engine::ResultsView& v, const engine::SeriesView& sv)
{
  Json j;
  j.begin_object();
  j.key("file").value(v.path);
  j.key("kind").value(v.kind);
  j.key("model").value(v.model);
  j.key("scenario").value(v.scenario_name);
  j.key("seed").value(v.seed);
  j.key("replications").value(v.replications);
  j.key("events").value(v.events);
  j.key("wall_seconds").value(v.wall_seconds);
  j.key("metrics").begin_object();
  for (const auto& m : v.metrics) {
    j.key(m.name).begin_object();
    j.key("mean").value(m.summary.mean);
    j.key("std").value(m.summary.sd);
    j.key("ci95_low").value(m.summary.ci95_low);
    j.key("ci95_high").value(m.summary.ci95_high);
    j.key("n").value(m.summary.n);
    j.key("unit").value(m.unit);
    j.end_object();
  }
  j.end_object();
  j.key("histograms").begin_object();
  for (const auto& h : v.histograms) {
    j.key(h.name).begin_object();
    j.key("unit").value(h.unit);
    j.key("edges").begin_array();
    for (const double e : h.edges) {
      j.value(e);
    }
    j.end_array();
    j.key("counts").begin_array();
    for (const auto c : h.counts) {
      j.value(c);
    }
    j.end_array();
    j.key("underflow").value(h.underflow);
    j.key("overflow").value(h.overflow);
    j.end_object();
  }
  j.end_object();
  j.key("series").begin_object();
  for (const auto& s : sv.series) {
    j.key(s.name).begin_object();
    j.key("unit").value(s.unit);
    j.key("edges").begin_array();
    for (const double e : sv.edges) {
      j.value(e);
    }
    j.end_array();
    const std::pair<const char*, double engine::stats::Summary::*> fields[] = {
      { "mean", &engine::stats::Summary::mean },
      { "std", &engine::stats::Summary::sd },
      { "ci95_low", &engine::stats::Summary::ci95_low },
      { "ci95_high", &engine::stats::Summary::ci95_high }
    };
    for (const auto& [key, field] : fields) {
      j.key(key).begin_array();
      for (const auto& p : s.periods) {
        j.value(p.*field);
      }
      j.end_array();
    }
    j.end_object();
  }
  j.end_object();
  j.end_object();
  return j.str() + "\n";
}

std::string csv_series(const engine::SeriesView& sv)
{
  std::string s = "series,unit,period,start,end,n,mean,std,ci95_low,ci95_high\n";
  for (const auto& x : sv.series) {
    for (std::size_t p = 0; p < x.periods.size(); ++p) {
      const auto& m = x.periods[p];
      s += csv_field(x.name) + "," + csv_field(x.unit) + "," + std::to_string(p) + "," +
           csv_number(sv.edges[p]) + "," + csv_number(sv.edges[p + 1]) + "," + std::to_string(m.n) +
           "," + csv_number(m.mean) + "," + csv_number(m.sd) + "," + csv_number(m.ci95_low) + "," +
           csv_number(m.ci95_high) + "\n";
    }
  }
  return s;
}

std::string csv_run(const engine::ResultsView& v)
{
  std::string s = "metric,unit,n,mean,std,ci95_low,ci95_high\n";
  for (const auto& m : v.metrics) {
    s += csv_field(m.name) + "," + csv_field(m.unit) + "," + std::to_string(m.summary.n) + "," +
         csv_number(m.summary.mean) + "," + csv_number(m.summary.sd) + "," +
         csv_number(m.summary.ci95_low) + "," + csv_number(m.summary.ci95_high) + "\n";
  }
  return s;
}

std::string format_trace(const std::vector<engine::TraceRecord>& trace)
{
  if (trace.empty()) {
    return "no trace in this file (run with --trace K to record the first K migrants)\n";
  }
  std::string out;
  std::uint64_t current = ~std::uint64_t{ 0 };
  Table* table = nullptr;
  std::vector<std::unique_ptr<Table>> tables;
  std::vector<std::uint64_t> ids;
  for (const auto& r : trace) {
    if (r.entity != current) {
      current = r.entity;
      tables.push_back(
        std::make_unique<Table>(std::vector<std::string>{ "day", "place", "event", "CFA", "to" },
                                std::vector<bool>{ true, false, false, true, false }));
      ids.push_back(r.entity);
      table = tables.back().get();
    }
    table->row(
      { human(r.time, 4), r.place, r.event, r.amount ? human_int(r.amount) : "", r.actor });
  }
  for (std::size_t i = 0; i < tables.size(); ++i) {
    out += "migrant " + std::to_string(ids[i]) + "\n" + tables[i]->str("  ") + "\n";
  }
  return out;
}

std::string csv_trace(const std::vector<engine::TraceRecord>& trace)
{
  std::string s = "migrant,day,place,event,cfa,to,kind,detail\n";
  for (const auto& r : trace) {
    s += std::to_string(r.entity) + "," + csv_number(r.time) + "," + csv_field(r.place) + "," +
         csv_field(r.event) + "," + std::to_string(r.amount) + "," + csv_field(r.actor) + "," +
         csv_field(r.kind) + "," + csv_field(r.detail) + "\n";
  }
  return s;
}

std::string json_trace(const std::string& path, const std::vector<engine::TraceRecord>& trace)
{
  Json j;
  j.begin_object();
  j.key("file").value(path);
  j.key("trace").begin_array();
  for (const auto& r : trace) {
    j.begin_object();
    j.key("migrant").value(r.entity);
    j.key("day").value(r.time);
    j.key("place").value(r.place);
    j.key("event").value(r.event);
    j.key("cfa").value(r.amount);
    j.key("to").value(r.actor);
    j.key("kind").value(r.kind);
    j.key("detail").begin_object();
    // "key=value;key=value" as an object of strings.
    std::size_t from = 0;
    while (from < r.detail.size()) {
      const std::size_t end = std::min(r.detail.find(';', from), r.detail.size());
      const std::string pair = r.detail.substr(from, end - from);
      const std::size_t eq = pair.find('=');
      if (eq != std::string::npos) {
        j.key(pair.substr(0, eq)).value(pair.substr(eq + 1));
      }
      from = end + 1;
    }
    j.end_object();
    j.end_object();
  }
  j.end_array();
  j.end_object();
  return j.str() + "\n";
}

void report_file(const ReportArgs& a)
{
  if (a.trace) {
    const auto f = engine::open_results(a.file);
    const auto trace = engine::read_trace(f);
    std::cout << (a.json  ? json_trace(a.file, trace)
                  : a.csv ? csv_trace(trace)
                          : format_trace(trace));
    return;
  }
  std::string kind = "run";
  {
    const auto f = engine::open_results(a.file);
    if (f.has_attr("kind")) {
      kind = f.attr_string("kind");
    }
  }
  if (kind == "compare") {
    if (a.series && a.csv) {
      throw engine::UsageError("--series --csv reads a run file; '" + a.file + "' is a comparison",
                               "drop --csv to see each arm's series");
    }
    std::cout << (a.json  ? json_compare(a.file)
                  : a.csv ? csv_compare(a.file)
                          : format_compare_report(a.file, a.all));
    if (a.series && !a.json) {
      // Each arm's series: a policy that starts part-way shows before and after.
      const auto f = engine::open_results(a.file);
      const auto arms = f.open_group("arms");
      std::vector<std::string> names = { "baseline" };
      const std::string policies = f.attr_or<std::string>("policies", "");
      for (std::size_t from = 0; from < policies.size();) {
        const std::size_t end = std::min(policies.find('\n', from), policies.size());
        names.push_back(policies.substr(from, end - from));
        from = end + 1;
      }
      for (const auto& name : names) {
        if (arms.exists(name)) {
          std::cout << "arm " << name << ":\n"
                    << format_series_report(engine::read_series(arms.open_group(name)));
        }
      }
    }
    return;
  }
  // Sweeps and sensitivity analyses have their own report (report_sa.cpp).
  if (kind == "sweep" || kind == "sensitivity") {
    report_sa(a.file, a.json, a.csv, a.all);
    return;
  }
  if (kind == "calibration") {
    report_calibration(a.file, a.json, a.csv);
    return;
  }
  if (kind != "run") {
    throw engine::UsageError("'" + a.file + "' holds results of kind '" + kind +
                             "', which this version of passage cannot report");
  }
  const auto view = engine::read_run(a.file);
  if (a.json) {
    const auto f = engine::open_results(a.file);
    std::cout << json_run(view, engine::read_series(f));
  } else if (a.csv) {
    if (a.series) {
      const auto f = engine::open_results(a.file);
      std::cout << csv_series(engine::read_series(f));
    } else {
      std::cout << csv_run(view);
    }
  } else {
    std::cout << format_run_report(view);
    if (a.series) {
      const auto f = engine::open_results(a.file);
      std::cout << format_series_report(engine::read_series(f));
    }
  }
}

// A file that cannot be read as results (missing, empty, truncated, not HDF5,
// not passage's) is bad input: exit 2, as for a scenario.
void report_command(const ReportArgs& a)
{
  try {
    report_file(a);
  } catch (const engine::h5::IoError& e) {
    throw engine::UsageError(
      e.what(),
      "passage report reads a results file written by run, compare, sweep or sensitivity");
  }
}

} // namespace

std::string format_run_report(const engine::ResultsView& v)
{
  std::string out;
  out += v.scenario_name + " (model " + v.model +
         "): " + human_int(static_cast<std::int64_t>(v.replications)) + " replications, seed " +
         std::to_string(v.seed) + ", " + human_int(static_cast<std::int64_t>(v.events)) +
         " events in " + human(v.wall_seconds, 3) + " s\n";
  if (v.warmup_days > 0 && v.horizon_days > 0) {
    // Which days the figures cover (issue 14): the window after the warm-up.
    out += "figures cover days 0-" + human(v.horizon_days, 6) + ", after a warm-up of " +
           human(v.warmup_days, 6) + " days (simulated, not counted)\n";
  }
  out += "\n";
  // Metrics grouped by their report section, in first-seen order.
  std::vector<std::string> groups;
  for (const auto& m : v.metrics) {
    if (std::find(groups.begin(), groups.end(), m.group) == groups.end()) {
      groups.push_back(m.group);
    }
  }
  for (const auto& g : groups) {
    Table t({ g.empty() ? "metric" : g, "mean", "95% interval", "sd", "unit" },
            { false, true, true, true, false });
    for (const auto& m : v.metrics) {
      if (m.group != g) {
        continue;
      }
      const auto& s = m.summary;
      const Display d = display_for(m.unit, s.mean);
      t.row({ m.name, human(s.mean / d.factor),
              "[" + human(s.ci95_low / d.factor) + ", " + human(s.ci95_high / d.factor) + "]",
              human(s.sd / d.factor), d.unit });
    }
    out += t.str("  ") + "\n";
  }
  return out;
}

std::string format_series_report(const engine::SeriesView& sv)
{
  if (sv.series.empty()) {
    return "no time series in this file (the model declares none for this scenario)\n";
  }
  std::string out;
  for (const auto& s : sv.series) {
    double magnitude = 0.0;
    for (const auto& p : s.periods) {
      magnitude = std::max(magnitude, std::fabs(p.mean));
    }
    const Display d = display_for(s.unit, magnitude);
    out += "series " + s.name + " (" + d.unit + ")" +
           (s.description.empty() ? "" : ": " + s.description) + "\n";
    Table t({ "period", "days", "mean", "95% interval" }, { true, false, true, true });
    for (std::size_t p = 0; p < s.periods.size(); ++p) {
      const auto& m = s.periods[p];
      t.row({ std::to_string(p), human(sv.edges[p], 4) + "\u2013" + human(sv.edges[p + 1], 4),
              human(m.mean / d.factor),
              "[" + human(m.ci95_low / d.factor) + ", " + human(m.ci95_high / d.factor) + "]" });
    }
    out += t.str("  ") + "\n";
  }
  return out;
}

void add_report(CLI::App& app)
{
  auto a = std::make_shared<ReportArgs>();
  auto* cmd = app.add_subcommand("report", "print the tables of a results file");
  cmd
    ->add_option("file", a->file,
                 "results file (.h5) written by run, compare, sweep or sensitivity")
    ->required();
  auto* json = cmd->add_flag("--json", a->json, "machine-readable JSON on stdout");
  auto* csv = cmd->add_flag("--csv", a->csv, "CSV on stdout");
  json->excludes(csv);
  cmd->add_flag("--trace", a->trace, "print the journey trace recorded with run --trace");
  cmd->add_flag("--series", a->series,
                "also the time series, per period: mean and 95% interval over replications "
                "(with --csv: the series alone, one row per series and period)");
  cmd->add_flag(
    "--all", a->all,
    "compare files: every metric, not only the headline ones; sensitivity files: every parameter");
  cmd->callback([a] { report_command(*a); });
}

} // namespace passage::app
