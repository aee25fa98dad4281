// The Mali model: whole replications (journeys and events per second), event by
// event versus inline stepping, and the no-calendar lower bound — the draws a
// Mali journey makes, in a straight loop, in this same binary so that the ratio
// is measured in one run.
#include "mali/scenario.hpp"
#include "passage/random/stream.hpp"
#include "passage/run/model.hpp"
#include "passage/run/scenario.hpp"
#include "registry.hpp"

#include <benchmark/benchmark.h>
#include <cmath>
#include <memory>

using namespace passage;
using engine::random::combine;
using engine::random::Stream;
using engine::random::substream_id;

namespace {

const engine::Scenario& baseline()
{
  // Without the warm-up: a replication is one simulated year, as the no-calendar
  // bound's (and as before warm-ups existed), so that figures compare across versions.
  static const engine::Scenario s =
    engine::load_scenario(PASSAGE_SOURCE_DIR "/configs/mali-2016.yaml", { "warmup_days=0" });
  return s;
}

const engine::Model& model()
{
  static const std::unique_ptr<engine::Model> m = models::registry().create(baseline());
  return *m;
}

// Route choice by utility (issue 15, docs/behaviour.md "What it costs"): weight 10
// on each risk, with the true risks (full information) or with rumours (a 14-day
// delay, 60 days' memory, a prior worth 20 stories).
constexpr const char* kWeights =
  "parameters.choice={weights: {attack: 10, death: 10, kidnapping: 10, interception: 10}";

const engine::Model& choice_model(bool rumours)
{
  auto make = [](bool with_rumours) {
    const std::string set =
      std::string(kWeights) +
      (with_rumours ? ", information: {delay_days: 14, memory_days: 60, prior_weight: 20}}" : "}");
    static std::vector<engine::Scenario> kept; // the model refers to its scenario
    kept.reserve(2);
    kept.push_back(engine::load_scenario(PASSAGE_SOURCE_DIR "/configs/mali-2016.yaml",
                                         { "warmup_days=0", set }));
    return models::registry().create(kept.back());
  };
  static const std::unique_ptr<engine::Model> full = make(false);
  static const std::unique_ptr<engine::Model> heard = make(true);
  return rumours ? *heard : *full;
}

void run_replications(benchmark::State& state, engine::Stepping stepping,
                      const engine::Model& m = model())
{
  auto worker = m.make_worker(engine::WorkerOptions{ 20160725, stepping, 0 });
  const auto metrics = m.metrics();
  std::vector<double> row(metrics.size());
  std::vector<engine::stats::Histogram> hist;
  for (const auto& h : m.histograms()) {
    hist.emplace_back(h.lo, h.hi, h.bins);
  }
  std::uint64_t events = 0;
  double migrants = 0;
  std::uint64_t rep = 0;
  for (auto _ : state) {
    engine::ReplicationOutput out{ row, hist, 0, nullptr };
    worker->run(rep++, out);
    events += out.events;
    migrants += row[0];
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
  state.counters["journeys_per_s"] = benchmark::Counter(migrants, benchmark::Counter::kIsRate);
  state.counters["events_per_journey"] = static_cast<double>(events) / migrants;
}

void BM_MaliReplication(benchmark::State& state)
{
  run_replications(state, engine::Stepping::Inline);
}
void BM_MaliChoice(benchmark::State& state, bool rumours)
{
  run_replications(state, engine::Stepping::Inline, choice_model(rumours));
}

void BM_MaliEventByEvent(benchmark::State& state)
{
  run_replications(state, engine::Stepping::EventByEvent);
}

// The lower bound: a year of journeys with the same draws from the same kinds of
// streams as the model (profile, rides, roadblocks, gendarmes, passports, hubs,
// convoys shared by a truckload, deaths aboard, hostages, the border), walking the
// same compiled network and counting the same stops as events; but no calendar, no
// processes, no shared state: one straight loop per migrant.
void BM_MaliNoCalendarBound(benchmark::State& state)
{
  namespace mali = models::mali;
  mali::CorridorScenario sc = [] {
    engine::config::Diagnostics d;
    return mali::compile(baseline(), d);
  }();
  const mali::Epoch& e = sc.epochs[0];
  const mali::Params& p = e.p;
  const std::size_t exits = sc.exits.size();
  const std::uint64_t seed = 20160725;
  std::uint64_t rep = 0;
  std::uint64_t events = 0;
  double migrants = 0;
  std::int64_t sink = 0;
  std::vector<std::uint64_t> line_riders(sc.lines.size(), 0);
  for (auto _ : state) {
    auto stream = [&](std::uint64_t kind, std::uint64_t site, std::uint64_t entity) {
      return Stream::derive(seed, rep, combine(kind, site), entity);
    };
    Stream arrivals = stream(substream_id("mali.arrivals"), substream_id("mali_route"), 0);
    const double rate = e.flows[0].annual_migrants / 365.0;
    double t = 0.0;
    for (std::uint64_t i = 0;; ++i) {
      t += arrivals.exponential() / rate;
      if (t > sc.horizon) {
        break;
      }
      ++events;
      migrants += 1;
      Stream s = stream(substream_id("mali.profile"), 0, i);
      const double u_origin = s.uniform();
      const double u_dest = s.uniform();
      const double u_pass = s.uniform();
      const double u_rent = s.uniform();
      const double z_cash = s.normal();
      const double z_earn = s.normal();
      const double u_cok = s.uniform();
      const double u_entry = s.uniform();
      const double u_hub = s.uniform();
      const auto origin = e.origin_choice[0].pick(u_origin);
      const auto exit = sc.destinations[e.destination_choice.pick(u_dest)].exit;
      const mali::Origin& from = sc.origins[origin];
      const bool wants = !p.passport_markets.empty() && from.documents.empty() &&
                         u_rent < p.passport_markets[0].demand.value[from.default_class];
      std::int64_t cash = std::llround(p.cash_median * std::exp(p.cash_sigma * z_cash));
      cash += static_cast<std::int64_t>(z_earn + u_cok + u_pass);
      std::uint32_t place = from.start;
      for (const auto& x : p.entries) {
        if (x.origins[origin] != 0 && u_entry < x.share) {
          place = x.place;
        }
      }
      bool by_bus = false;
      for (int guard = 0; guard < 64; ++guard) {
        const mali::Place& here = e.places[place];
        if (here.passport_market >= 0 && wants) {
          Stream ps = stream(substream_id("mali.passport"), here.site, i);
          cash -= p.passport_markets[static_cast<std::size_t>(here.passport_market)].price.draw(ps);
          ++events;
        }
        if (here.arrest_point >= 0 && by_bus) {
          Stream g = stream(substream_id("mali.gendarmerie"), here.site, i);
          const auto& tax = p.arrest_points[static_cast<std::size_t>(here.arrest_point)].tax;
          cash -= (g.uniform() < 0.5 ? tax.draw(g) : 0) +
                  static_cast<std::int64_t>(g.uniform() + g.exponential());
        }
        if (here.exit == static_cast<std::int32_t>(exit)) {
          if (here.crossing()) {
            Stream b = stream(substream_id("mali.border"), here.site, i);
            sink += static_cast<std::int64_t>(b.uniform() + b.uniform() + b.exponential());
          }
          break;
        }
        const auto& ways = e.ways(place, exit, exits);
        if (ways.empty()) {
          break;
        }
        const double u_way =
          here.hub >= 0 ? u_hub : stream(substream_id("mali.route"), here.site, i).uniform();
        const mali::Option& way = ways[e.option_choice[place * exits + exit].pick(u_way)];
        if (way.line) {
          // A truckload shares one convoy's draws: draw them once per ~73 riders.
          ++events; // boarding
          const mali::Line& line = sc.lines[way.index];
          const bool first = line_riders[way.index]++ % 73 == 0;
          const std::uint64_t truck = line_riders[way.index] / 73;
          if (first) { // escort and hostage-taking, one stream each per truck
            sink += static_cast<std::int64_t>(
              stream(substream_id("mali.convoy.escort"), line.site, truck).uniform() +
              stream(substream_id("mali.convoy.hostage"), line.site, truck).uniform());
          }
          for (const auto si : line.segments) {
            const mali::Segment& seg = e.segments[si];
            if (first) { // per segment: the ride's stream, and one per checkpoint
              const std::uint64_t at = combine(line.site, seg.site);
              Stream c = stream(substream_id("mali.convoy.ride"), at, truck);
              const double travel =
                c.lognormal(std::log(seg.distance_km / p.modes[seg.mode].speed_km_per_day),
                            p.modes[seg.mode].sigma);
              sink += static_cast<std::int64_t>(travel + c.uniform() + c.uniform() + c.uniform());
              for (std::uint32_t j = 0; j < seg.checkpoint_count; ++j) {
                sink += static_cast<std::int64_t>(
                  stream(substream_id("mali.convoy.checkpoint"), combine(at, j), truck)
                    .exponential());
              }
            }
            events += static_cast<std::uint64_t>(seg.checkpoint_count) + 1;
            cash -= static_cast<std::int64_t>(seg.checkpoint_count) * p.checkpoints[0].fee;
            sink += static_cast<std::int64_t>(
              stream(substream_id("mali.desert"), seg.site, i).uniform() * 2);
          }
          ++events; // released at the end of the line
          place = line.end;
          by_bus = false;
          continue;
        }
        const mali::Segment& seg = e.segments[way.index];
        Stream r = stream(substream_id("mali.ride"), seg.site, i);
        const auto& mode = p.modes[seg.mode];
        const double travel =
          r.lognormal(std::log(seg.distance_km / mode.speed_km_per_day), mode.sigma);
        sink += static_cast<std::int64_t>(travel + r.uniform() + r.uniform() + r.uniform());
        for (std::uint32_t k = 0; k < seg.roadblock_count; ++k) {
          const double u = r.uniform();
          sink += static_cast<std::int64_t>(r.exponential());
          const mali::TollPoint& tp = p.toll_points[seg.roadblocks.front().part];
          const std::int64_t toll = tp.toll.draw(r);
          cash -= u < tp.demand.value[0] ? toll : 0;
        }
        for (std::uint32_t j = 0; j < seg.checkpoint_count; ++j) {
          sink += static_cast<std::int64_t>(
            stream(substream_id("mali.checkpoint"), combine(seg.site, j), i).exponential());
        }
        events += static_cast<std::uint64_t>(seg.roadblock_count + seg.checkpoint_count) + 1;
        if (p.modes[seg.mode].desert) {
          sink += static_cast<std::int64_t>(
            stream(substream_id("mali.desert"), seg.site, i).uniform() * 2);
        }
        place = seg.to;
        by_bus = !p.modes[seg.mode].desert;
      }
      sink += cash;
    }
    ++rep;
  }
  benchmark::DoNotOptimize(sink);
  state.SetItemsProcessed(static_cast<std::int64_t>(events));
  state.counters["journeys_per_s"] = benchmark::Counter(migrants, benchmark::Counter::kIsRate);
  state.counters["events_per_journey"] = static_cast<double>(events) / migrants;
}

} // namespace

BENCHMARK(BM_MaliReplication)
  ->Name("mali/replication_inline")
  ->Unit(benchmark::kMillisecond)
  ->UseRealTime();
BENCHMARK_CAPTURE(BM_MaliChoice, full_information, false)
  ->Name("mali/choice_full_information")
  ->Unit(benchmark::kMillisecond)
  ->UseRealTime();
BENCHMARK_CAPTURE(BM_MaliChoice, rumours, true)
  ->Name("mali/choice_rumours")
  ->Unit(benchmark::kMillisecond)
  ->UseRealTime();
BENCHMARK(BM_MaliEventByEvent)
  ->Name("mali/replication_event_by_event")
  ->Unit(benchmark::kMillisecond)
  ->UseRealTime();
BENCHMARK(BM_MaliNoCalendarBound)
  ->Name("mali/no_calendar_bound")
  ->Unit(benchmark::kMillisecond)
  ->UseRealTime();
