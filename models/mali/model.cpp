#include "mali/journey.hpp"
#include "mali/mali.hpp"
#include "mali/scenario.hpp"
#include "passage/io/hdf5.hpp"

namespace passage::models::mali {

namespace {

class MaliModel final : public engine::Model
{
public:
  MaliModel(CorridorScenario sc, std::string kind)
    : sc_(std::move(sc)), kind_(std::move(kind)), metrics_(metric_list(sc_))
  {
  }

  std::string kind() const override { return kind_; }
  std::vector<engine::MetricInfo> metrics() const override { return metrics_; }
  std::vector<engine::HistogramInfo> histograms() const override { return histogram_list(); }
  double horizon_days() const override { return sc_.horizon; }
  std::vector<double> series_edges() const override { return sc_.series_edges; }
  std::unique_ptr<engine::Worker> make_worker(const engine::WorkerOptions& o) const override
  {
    return mali::make_worker(sc_, o);
  }

  // The provenance of every parameter, and the network as it was run.
  void write_results(engine::h5::Group& root) const override
  {
    // The reported window follows the warm-up (days simulated, not counted).
    root.set_attr("warmup_days", sc_.warmup);
    auto g = root.create_group("provenance");
    std::vector<std::string> path;
    std::vector<std::string> value;
    std::vector<std::string> kind;
    std::vector<std::string> source;
    std::vector<std::string> reference;
    std::vector<double> lo;
    std::vector<double> hi;
    for (const auto& r : sc_.provenance) {
      path.push_back(r.path);
      value.push_back(r.value);
      kind.push_back(r.kind);
      source.push_back(r.source);
      reference.push_back(r.reference);
      lo.push_back(r.range_lo);
      hi.push_back(r.range_hi);
    }
    g.write_strings("path", path);
    g.write_strings("value", value);
    g.write_strings("kind", kind);
    g.write_strings("source", source);
    g.write_strings("reference", reference);
    g.write<double>("range_lo", lo);
    g.write<double>("range_hi", hi);
    g.set_attr(
      "description",
      "every parameter of the resolved scenario: dotted path, value, kind (report, other source, "
      "assumption: a source's kind as declared in the scenario's sources), source tag or "
      "assumption text, the full reference of the cited source, and the range sensitivity "
      "analysis samples");

    auto net = root.create_group("network");
    const Epoch& e = sc_.epochs[0];
    std::vector<std::string> pid;
    std::vector<std::string> pname;
    std::vector<double> lat;
    std::vector<double> lon;
    for (const auto& p : e.places) {
      pid.push_back(p.id);
      pname.push_back(p.name);
      lat.push_back(p.has_coordinates ? p.lat : std::numeric_limits<double>::quiet_NaN());
      lon.push_back(p.has_coordinates ? p.lon : std::numeric_limits<double>::quiet_NaN());
    }
    auto pg = net.create_group("places");
    pg.write_strings("id", pid);
    pg.write_strings("name", pname);
    pg.write<double>("lat", lat);
    pg.write<double>("lon", lon);
    std::vector<std::string> sid;
    std::vector<std::string> from;
    std::vector<std::string> to;
    std::vector<std::string> mode;
    std::vector<double> km;
    for (const auto& s : e.segments) {
      sid.push_back(s.id);
      from.push_back(e.places[s.from].id);
      to.push_back(e.places[s.to].id);
      mode.push_back(e.p.modes[s.mode].id);
      km.push_back(s.distance_km);
    }
    auto sg = net.create_group("segments");
    sg.write_strings("id", sid);
    sg.write_strings("from", from);
    sg.write_strings("to", to);
    sg.write_strings("mode", mode);
    sg.write<double>("distance_km", km);
    std::vector<std::string> lines;
    for (const auto& l : sc_.lines) {
      lines.push_back(l.name);
    }
    net.write_strings("truck_lines", lines);
  }

private:
  CorridorScenario sc_;
  std::string kind_; // the `model:` name it was made under (corridor, or mali)
  std::vector<engine::MetricInfo> metrics_;
};

} // namespace

std::unique_ptr<engine::Model> make_model(const engine::Scenario& s, engine::config::Diagnostics& d)
{
  CorridorScenario sc = compile(s, d);
  if (!d.empty()) {
    return nullptr;
  }
  return std::make_unique<MaliModel>(std::move(sc), s.model);
}

} // namespace passage::models::mali
