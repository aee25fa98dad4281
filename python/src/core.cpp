// passage._core: the compiled half of the Python module. Commands run through
// the command line's own code (app/cli.hpp) with an argv assembled in Python,
// so a run from Python and one from the shell are the same run; scenarios load
// and design points run through the engine's own functions. Every call that
// simulates releases the GIL. Errors become the exceptions of passage.errors.
#include "cli.hpp"
#include "passage/config/node.hpp"
#include "passage/config/path.hpp"
#include "passage/errors.hpp"
#include "passage/io/hdf5.hpp"
#include "passage/io/results.hpp"
#include "passage/run/scenario.hpp"
#include "passage/sa/design.hpp"
#include "passage/sa/evaluate.hpp"
#include "registry.hpp"

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <string>
#include <vector>

namespace py = pybind11;

namespace {

using passage::engine::Scenario;
namespace config = passage::engine::config;
namespace sa = passage::engine::sa;

// Raise passage.errors.NAME(*args) as the current Python exception.
void raise(const char* name, const py::tuple& args)
{
  const py::object cls = py::module_::import("passage.errors").attr(name);
  const py::object exc = cls(*args);
  PyErr_SetObject(cls.ptr(), exc.ptr());
}

void translate(std::exception_ptr p)
{
  try {
    if (p) {
      std::rethrow_exception(p);
    }
  } catch (const config::ConfigError& e) {
    py::list diagnostics;
    for (const auto& d : e.diagnostics()) {
      diagnostics.append(
        py::make_tuple(d.mark.file_name(), d.mark.line, d.mark.column, d.message, d.hint));
    }
    raise("ConfigError", py::make_tuple(std::string(e.what()), diagnostics));
  } catch (const passage::engine::UsageError& e) {
    raise("UsageError", py::make_tuple(std::string(e.what()), e.hint()));
  } catch (const CLI::ParseError& e) {
    // What the command line says to a bad option, e.g. an unknown --method.
    raise("UsageError", py::make_tuple(std::string(e.what()), std::string()));
  } catch (const passage::engine::Interrupted& e) {
    raise("Interrupted", py::make_tuple(std::string(e.what())));
  } catch (const passage::engine::h5::IoError& e) {
    raise("IoError", py::make_tuple(std::string(e.what())));
  } catch (const py::error_already_set&) {
    throw; // a Python error already: pybind11 restores it
  } catch (const py::builtin_exception&) {
    throw; // pybind11's own (a bad argument type): its translator maps it
  } catch (const std::exception& e) {
    raise("SimulationError", py::make_tuple(std::string(e.what())));
  }
}

Scenario load(const std::string& file, const std::vector<std::string>& sets,
              const std::vector<std::string>& policies)
{
  return passage::engine::load_scenario(file, sets, policies);
}

// The scenario's facts; with `build`, the model is built (full validation) and
// its metrics and histograms listed.
py::dict scenario_info(const std::string& file, const std::vector<std::string>& sets,
                       const std::vector<std::string>& policies, bool build)
{
  std::optional<Scenario> s;
  std::unique_ptr<passage::engine::Model> model;
  {
    py::gil_scoped_release nogil;
    s.emplace(load(file, sets, policies));
    if (build) {
      model = passage::models::registry().create(*s);
    }
  }
  py::dict d;
  d["file"] = s->file;
  d["name"] = s->name;
  d["model"] = s->model;
  d["description"] = s->description;
  d["seed"] = s->seed;
  d["replications"] = s->replications;
  d["overrides"] = s->overrides;
  d["overlays"] = s->overlays;
  d["yaml"] = s->resolved_text();
  d["hash"] = s->hash();
  if (model) {
    py::list metrics;
    const auto all = model->metrics();
    for (const auto& m : passage::engine::plain_metrics(all)) {
      metrics.append(py::make_tuple(m.name, m.unit, m.description, m.group));
    }
    d["metrics"] = metrics;
    // The time series (one column per period in the model; one name here).
    py::list series;
    const auto edges = model->series_edges();
    for (const auto& si : passage::engine::series_of(all, edges)) {
      series.append(py::make_tuple(si.name, si.unit, si.description, si.group, si.periods));
    }
    d["series"] = series;
    d["series_edges"] = edges;
    py::list histograms;
    for (const auto& h : model->histograms()) {
      histograms.append(py::make_tuple(h.name, h.unit, h.description, h.lo, h.hi, h.bins));
    }
    d["histograms"] = histograms;
    d["horizon_days"] = model->horizon_days();
  }
  return d;
}

// The model's own groups of a results file (the provenance table, the network),
// written to `out` exactly as a run writes them.
void write_model_results(const std::string& file, const std::vector<std::string>& sets,
                         const std::vector<std::string>& policies, const std::string& out)
{
  py::gil_scoped_release nogil;
  const auto s = load(file, sets, policies);
  const auto model = passage::models::registry().create(s);
  auto f = passage::engine::h5::File::create(out);
  model->write_results(f);
  f.close();
}

// Run design points: `values` is points x parameters, column j the value of
// scenario path `paths[j]`. Returns (runs[outputs, points, replications], ok,
// reasons) as the engine's Evaluator fills them.
py::tuple evaluate(const std::string& file, const std::vector<std::string>& sets,
                   const std::vector<std::string>& policies, const std::vector<std::string>& paths,
                   const py::array_t<double, py::array::c_style | py::array::forcecast>& values,
                   const std::vector<std::string>& outputs, std::uint64_t replications,
                   std::optional<std::uint64_t> seed, unsigned threads, bool crn)
{
  if (values.ndim() != 2) {
    throw passage::engine::UsageError("the design matrix must be 2-D (points x parameters)");
  }
  const auto points = static_cast<std::size_t>(values.shape(0));
  const auto k = static_cast<std::size_t>(values.shape(1));
  if (k != paths.size()) {
    throw passage::engine::UsageError("the design matrix has " + std::to_string(k) +
                                      " columns for " + std::to_string(paths.size()) +
                                      " parameters");
  }
  if (k == 0) {
    throw passage::engine::UsageError("evaluate needs at least one parameter");
  }
  if (replications < 1) {
    throw passage::engine::UsageError("replications must be at least 1");
  }
  const std::vector<double> x(values.data(), values.data() + points * k);
  sa::Evaluation e;
  {
    py::gil_scoped_release nogil;
    auto s = load(file, sets, policies);
    if (seed) {
      s.seed = *seed;
    }
    const auto model = passage::models::registry().create(s);
    sa::Design design;
    design.file = "passage.evaluate";
    for (std::size_t j = 0; j < k; ++j) {
      sa::ParameterSpec p;
      p.path = paths[j];
      p.name = p.path.rfind("parameters.", 0) == 0 ? p.path.substr(11) : p.path;
      p.mark.file = std::make_shared<const std::string>("passage.evaluate: parameter " +
                                                        std::to_string(j) + " '" + p.path + "'");
      design.parameters.push_back(std::move(p));
    }
    const auto outputs_mark =
      config::Mark{ std::make_shared<const std::string>("passage.evaluate: outputs"), 0, 0 };
    design.outputs = outputs;
    design.output_marks.assign(outputs.size(), outputs_mark);
    design.replications = replications;
    design.common_random_numbers = crn;
    sa::resolve_outputs(design, model->metrics());
    // A path that is not in the scenario is the caller's mistake, not a failed
    // point: report every one before anything runs. As in a design file, the
    // path must exist (sa::load_design).
    {
      auto root = s.root;
      config::Diagnostics d;
      for (const auto& p : design.parameters) {
        config::find_path(root, p.path, p.mark, d);
      }
      d.raise_if_any();
    }
    sa::EvaluationOptions o(s.seed, threads, replications, crn);
    sa::Evaluator ev(passage::models::registry(), s, design, o);
    e = ev.run(x);
  }
  const auto n_out = static_cast<py::ssize_t>(e.outputs.size());
  const auto n_pts = static_cast<py::ssize_t>(e.points);
  const auto n_rep = static_cast<py::ssize_t>(e.replications);
  py::array_t<double> runs({ n_out, n_pts, n_rep });
  std::copy(e.runs.begin(), e.runs.end(), runs.mutable_data());
  py::array_t<bool> ok(n_pts);
  for (py::ssize_t p = 0; p < n_pts; ++p) {
    ok.mutable_data()[p] = e.ok[static_cast<std::size_t>(p)] != 0;
  }
  return py::make_tuple(runs, ok, e.reasons, e.outputs);
}

} // namespace

PYBIND11_MODULE(_core, m)
{
  m.doc() = "passage's compiled core: the command line's commands, scenarios and design points";
  py::register_exception_translator(&translate);

  m.def(
    "execute",
    [](const std::vector<std::string>& args) {
      py::gil_scoped_release nogil;
      passage::app::execute(args);
    },
    py::arg("args"),
    "Run a passage command in this process, e.g. ['passage', 'run', 'x.yaml', '-q']; the GIL "
    "is released while it runs.");
  m.def("scenario_info", &scenario_info, py::arg("file"), py::arg("sets"), py::arg("policies"),
        py::arg("build"));
  m.def("write_model_results", &write_model_results, py::arg("file"), py::arg("sets"),
        py::arg("policies"), py::arg("out"));
  m.def("evaluate", &evaluate, py::arg("file"), py::arg("sets"), py::arg("policies"),
        py::arg("paths"), py::arg("values"), py::arg("outputs"), py::arg("replications"),
        py::arg("seed"), py::arg("threads"), py::arg("common_random_numbers"));
  m.attr("version") = passage::engine::BuildInfo::version();
  m.attr("git_revision") = passage::engine::BuildInfo::git_revision();
}
