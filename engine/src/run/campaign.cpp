#include "passage/run/campaign.hpp"

#include "passage/errors.hpp"
#include "passage/io/checkpoint.hpp"
#include "passage/io/hdf5.hpp"
#include "passage/run/blocks.hpp"
#include "passage/run/cluster.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>
#include <sstream>

namespace passage::engine {

namespace {

using WallClock = std::chrono::steady_clock;

std::string join(const std::vector<std::string>& v)
{
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) {
    s += (i ? "\n" : "") + v[i];
  }
  return s;
}

// The totals of every rank, summed on every rank (integers: exact). The trace
// stays on rank 0, which always runs replication 0.
RunTotals merge_ranks(const RunTotals& local)
{
  auto& cl = Cluster::instance();
  RunTotals t = local;
  std::vector<std::uint64_t> flat = { t.replications, t.events };
  for (const auto& h : t.histograms) {
    flat.insert(flat.end(), h.counts().begin(), h.counts().end());
  }
  cl.sum(flat);
  t.replications = flat[0];
  t.events = flat[1];
  std::size_t pos = 2;
  for (auto& h : t.histograms) {
    const std::size_t n = h.counts().size();
    std::vector<std::uint64_t> c(flat.begin() + static_cast<std::ptrdiff_t>(pos),
                                 flat.begin() + static_cast<std::ptrdiff_t>(pos + n));
    h.clear();
    h.add_counts(c);
    pos += n;
  }
  return t;
}

void add_totals(RunTotals& into, const RunTotals& from)
{
  into.replications += from.replications;
  into.events += from.events;
  for (std::size_t i = 0; i < into.histograms.size() && i < from.histograms.size(); ++i) {
    into.histograms[i].merge(from.histograms[i]);
  }
  if (into.trace.empty()) {
    into.trace = from.trace;
  }
}

} // namespace

Campaign::Campaign(std::vector<CampaignArm> arms, CampaignOptions options)
  : arms_(std::move(arms)), options_(std::move(options))
{
  for (const auto& a : arms_) {
    runners_.push_back(std::make_unique<Runner>(*a.model, a.options));
  }
}

Campaign::~Campaign() = default;

std::uint64_t Campaign::completed() const
{
  std::uint64_t c = 0;
  for (const auto& r : runners_) {
    c += r->completed();
  }
  return c;
}

unsigned Campaign::threads() const
{
  return runners_.empty() ? 1 : runners_[0]->threads();
}

CampaignResult Campaign::run(const std::vector<ReplicationColumns*>& columns,
                             const std::string& default_checkpoint)
{
  auto& cl = Cluster::instance();
  const std::size_t arms = arms_.size();
  const std::size_t m = arms_[0].model->metrics().size();
  const auto metrics = arms_[0].model->metrics();
  CampaignResult res;
  res.ranks = cl.size();
  const std::string checkpoint_path =
    options_.checkpoint.empty() ? default_checkpoint : options_.checkpoint;
  // A checkpoint never replaces a file that is not this job's checkpoint.
  cl.check_on_root([&] {
    check_checkpoint_target(checkpoint_path,
                            [&](const h5::File& f) { check_same_job(f, checkpoint_path); });
  });

  // Metrics the triggers read, kept on the root as replications come in.
  std::vector<std::string> watched_names;
  for (const auto& t : options_.triggers) {
    for (const auto& name : t.metrics()) {
      if (std::find_if(metrics.begin(), metrics.end(),
                       [&](const auto& x) { return x.name == name; }) == metrics.end()) {
        throw UsageError("no metric '" + name + "' for the trigger '" + t.text + "'",
                         "see `passage report` of a run for the metric names");
      }
      if (std::find(watched_names.begin(), watched_names.end(), name) == watched_names.end()) {
        watched_names.push_back(name);
      }
    }
  }
  std::vector<std::size_t> watched_index;
  for (const auto& name : watched_names) {
    watched_index.push_back(static_cast<std::size_t>(
      std::find_if(metrics.begin(), metrics.end(), [&](const auto& x) { return x.name == name; }) -
      metrics.begin()));
  }
  std::vector<std::vector<std::vector<double>>> watched(
    arms, std::vector<std::vector<double>>(watched_names.size()));

  // Resume: the root feeds the checkpointed rows to the output first.
  std::vector<RunTotals> resumed(arms);
  for (std::size_t k = 0; k < arms; ++k) {
    for (const auto& h : arms_[k].model->histograms()) {
      resumed[k].histograms.emplace_back(h.lo, h.hi, h.bins);
    }
  }
  std::uint64_t done = 0;
  if (!options_.resume.empty()) {
    std::string error;
    if (cl.root()) {
      try {
        done = read_checkpoint(columns, resumed);
        for (std::size_t k = 0; k < arms; ++k) {
          for (std::size_t w = 0; w < watched_index.size(); ++w) {
            watched[k][w] = columns[k]->read(watched_index[w]);
          }
        }
      } catch (const std::exception& e) {
        error = e.what();
      }
    }
    error = cl.broadcast(error);
    if (!error.empty()) {
      throw UsageError(error, "resume with the scenario, overrides, policies, seed and -r of the "
                              "interrupted run");
    }
    done = cl.broadcast(done);
    res.resumed = true;
  }

  const bool triggered = !options_.triggers.empty();
  const std::uint64_t batch = std::max<std::uint64_t>(1, options_.batch);
  const std::uint64_t cap = triggered ? std::max(options_.max_replications, batch) : batch;
  auto next_target = [&](std::uint64_t from) {
    return triggered ? std::min(cap, (from / batch + 1) * batch) : batch;
  };
  std::uint64_t target = next_target(done);
  if (!triggered && done >= target) {
    target = done;
  }
  planned_ = target;

  const std::uint64_t unit = static_cast<std::uint64_t>(cl.size()) * threads();
  // A block's rows are held until written: at most about 1 MiB of them, so that
  // memory stays flat in the number of replications however fast they come.
  AdaptiveChunk block(
    std::max<std::uint64_t>(1, 2 * unit), unit,
    std::max<std::uint64_t>(unit, (std::uint64_t{ 1 } << 17) / std::max<std::size_t>(1, m * arms)));
  std::ostringstream every;
  every << options_.checkpoint_every;
  CheckpointGate gate(checkpoint_plan(options_, checkpoint_path,
                                      "the run goes on and tries again in " + every.str() + " s"));

  // Write-behind: block b's rows are compressed and written on another thread
  // while block b + 1 runs; `flush` waits for them (and rethrows what failed).
  std::future<void> writing;
  double write_wait = 0.0;
  auto flush = [&] {
    if (writing.valid()) {
      const auto w0 = WallClock::now();
      writing.get();
      write_wait += std::chrono::duration<double>(WallClock::now() - w0).count();
    }
  };

  std::vector<double> rows;
  std::vector<std::vector<double>> block_rows(arms);
  while (done < target) {
    const std::uint64_t n = std::min(block.size(), target - done);
    const auto rank = static_cast<std::uint64_t>(cl.rank());
    const auto size = static_cast<std::uint64_t>(cl.size());
    const std::uint64_t c0 = done + n * rank / size;
    const std::uint64_t c1 = done + n * (rank + 1) / size;
    block.start();
    for (std::size_t k = 0; k < arms; ++k) {
      rows.clear();
      runners_[k]->run(c0, c1 - c0, [&](std::uint64_t, std::uint64_t, std::span<const double> r) {
        rows.insert(rows.end(), r.begin(), r.end());
      });
      std::vector<double> all = cl.gather(rows);
      if (cl.root()) {
        const std::size_t count = all.size() / m;
        for (std::size_t w = 0; w < watched_index.size(); ++w) {
          for (std::size_t i = 0; i < count; ++i) {
            watched[k][w].push_back(all[i * m + watched_index[w]]);
          }
        }
        block_rows[k] = std::move(all);
      }
    }
    flush();
    if (cl.root()) {
      writing = std::async(std::launch::async, [&columns, data = std::move(block_rows)] {
        for (std::size_t k = 0; k < data.size(); ++k) {
          columns[k]->append(data[k]);
        }
      });
      block_rows.assign(arms, {});
    }
    done += n;

    // Blocks of about a second: a stop request is honoured within seconds.
    block.adapt();

    if (done == target && triggered) {
      std::string verdict;
      if (cl.root()) {
        bool all_met = true;
        std::string states;
        for (const auto& t : options_.triggers) {
          for (std::size_t k = (t.kind == Trigger::Kind::DiffHalfWidth ? 1 : 0);
               k < (t.kind == Trigger::Kind::DiffHalfWidth ? arms : 1); ++k) {
            Trigger::State st;
            if (t.kind == Trigger::Kind::DiffHalfWidth) {
              const auto w = static_cast<std::size_t>(
                std::find(watched_names.begin(), watched_names.end(), t.metric) -
                watched_names.begin());
              const auto p = stats::paired(watched[0][w], watched[k][w]);
              st.estimate = p.diff.mean;
              st.half_width = p.diff.half_width();
              st.met = st.half_width <= t.target;
            } else {
              st = t.evaluate([&](const std::string& name) -> const std::vector<double>& {
                return watched[k][static_cast<std::size_t>(
                  std::find(watched_names.begin(), watched_names.end(), name) -
                  watched_names.begin())];
              });
            }
            all_met = all_met && st.met;
            std::ostringstream o;
            o << t.text
              << (arms > 1 && t.kind == Trigger::Kind::DiffHalfWidth ? " (" + arms_[k].name + ")"
                                                                     : "")
              << ": estimate " << st.estimate << ", 95% half-width " << st.half_width;
            states += (states.empty() ? "" : "; ") + o.str();
          }
        }
        if (all_met) {
          verdict = "met after " + std::to_string(done) + " replications: " + states;
        } else if (done >= cap) {
          verdict = "max-replications " + std::to_string(cap) +
                    " reached before the triggers were met: " + states;
        }
      }
      verdict = cl.broadcast(verdict);
      if (!verdict.empty()) {
        res.stop_reason = verdict;
        break;
      }
      target = next_target(done);
      planned_ = target;
    }

    // Checked after the triggers: a stop request is honoured at a batch boundary
    // too (where every block of a run with --until ends).
    const Boundary boundary = gate.poll();
    if (boundary != Boundary::Continue && done < target) {
      std::vector<RunTotals> totals;
      for (std::size_t k = 0; k < arms; ++k) {
        totals.push_back(merge_ranks(runners_[k]->totals()));
        add_totals(totals.back(), resumed[k]);
      }
      flush();
      gate.write(boundary, "after " + std::to_string(done) + " replications", [&] {
        write_checkpoint(checkpoint_path, columns, done, totals);
        res.checkpoint_written = true;
      });
      if (boundary == Boundary::Stop) {
        res.interrupted = true;
        res.checkpoint = checkpoint_path;
        res.replications = done;
        res.stop_reason = "stopped by a signal after " + std::to_string(done) + " replications";
        return res;
      }
    }
  }
  flush();
  res.write_wait_seconds = write_wait;
  if (res.stop_reason.empty()) {
    res.stop_reason = "replications: " + std::to_string(done);
  }
  for (std::size_t k = 0; k < arms; ++k) {
    res.totals.push_back(merge_ranks(runners_[k]->totals()));
    add_totals(res.totals.back(), resumed[k]);
  }
  res.replications = done;
  return res;
}

// ---------------------------------------------------------------------------
// Checkpoints

std::array<std::string, 4> Campaign::identity() const
{
  std::vector<std::string> names;
  std::vector<std::string> hashes;
  std::vector<std::string> seeds;
  std::vector<std::string> posteriors;
  bool any_posterior = false;
  for (const auto& a : arms_) {
    names.push_back(a.name);
    hashes.push_back(a.scenario->hash());
    seeds.push_back(std::to_string(a.options.seed));
    posteriors.push_back(a.posterior);
    any_posterior = any_posterior || !a.posterior.empty();
  }
  // "" without a posterior: checkpoints of plain runs read as before.
  return { join(names), join(hashes), join(seeds), any_posterior ? join(posteriors) : "" };
}

namespace {

// What a checkpoint holds besides its rows, in the order written and read.
void digest_totals(Digest& d, const RunTotals& t)
{
  d.add_value(t.events);
  for (const auto& h : t.histograms) {
    d.add(h.counts());
  }
  d.add_value(t.trace.size());
  for (const auto& r : t.trace) {
    d.add_value(r.entity);
    d.add(std::span<const double>(&r.time, 1));
    d.add(r.place);
    d.add(r.event);
    d.add_value(static_cast<std::uint64_t>(r.amount));
    d.add(r.actor);
    d.add(r.kind);
    d.add(r.detail);
  }
}

} // namespace

void Campaign::write_checkpoint(const std::string& path,
                                const std::vector<ReplicationColumns*>& columns, std::uint64_t done,
                                const std::vector<RunTotals>& totals) const
{
  OutputFile out(path, true);
  {
    h5::File& f = out.file();
    mark_checkpoint(f, options_.kind);
    f.set_attr("passage_version", BuildInfo::version());
    const auto id = identity();
    f.set_attr("arms", id[0]);
    f.set_attr("scenario_hashes", id[1]);
    f.set_attr("seeds", id[2]);
    if (!id[3].empty()) {
      f.set_attr("posterior", id[3]);
    }
    f.set_attr("replications_done", done);
    f.set_attr("batch", options_.batch);
    f.set_attr("max_replications", options_.max_replications);
    std::vector<std::string> triggers;
    for (const auto& t : options_.triggers) {
      triggers.push_back(t.text);
    }
    f.set_attr("triggers", join(triggers));
    f.set_attr("trace_entities", arms_[0].options.trace_entities);
    f.set_attr("command", options_.command);
    f.set_attr("created", utc_now());
    Digest digest;
    digest.add_value(done);
    for (std::size_t k = 0; k < arms_.size(); ++k) {
      auto g = f.create_group("arm" + std::to_string(k));
      auto reps = g.create_group("replications");
      const auto& ms = columns[k]->metrics();
      for (std::size_t j = 0; j < ms.size(); ++j) {
        const auto column = columns[k]->read(j);
        reps.write<double>(ms[j].name, column, h5::Layout{ 65536, 4, false });
        Digest d;
        d.add(column);
        digest.add_value(d.value());
      }
      g.set_attr("events", totals[k].events);
      auto hg = g.create_group("histograms");
      for (std::size_t i = 0; i < totals[k].histograms.size(); ++i) {
        hg.write<std::uint64_t>("h" + std::to_string(i), totals[k].histograms[i].counts());
      }
      write_trace(g, totals[k].trace);
      digest_totals(digest, totals[k]);
    }
    digest.write(f);
  }
  out.commit();
}

std::uint64_t Campaign::read_checkpoint(const std::vector<ReplicationColumns*>& columns,
                                        std::vector<RunTotals>& resumed) const
{
  const std::string& path = options_.resume;
  h5::File f = open_checkpoint(path, options_.kind);
  check_same_job(f, path);
  const auto done = static_cast<std::uint64_t>(f.attr_int("replications_done"));
  Digest digest;
  digest.add_value(done);
  for (std::size_t k = 0; k < arms_.size(); ++k) {
    const auto g = f.open_group("arm" + std::to_string(k));
    const auto reps = g.open_group("replications");
    const auto& ms = columns[k]->metrics();
    std::vector<h5::Dataset> cols;
    for (const auto& mi : ms) {
      cols.push_back(reps.open_dataset(mi.name));
      if (cols.back().size() != done) {
        throw UsageError(path + " is damaged: " + mi.name + " has " +
                         std::to_string(cols.back().size()) + " rows, expected " +
                         std::to_string(done));
      }
    }
    // Copied a block of rows at a time: memory does not grow with the checkpoint.
    const std::uint64_t block = std::max<std::uint64_t>(1, (std::uint64_t{ 1 } << 17) / ms.size());
    std::vector<Digest> column_digests(ms.size());
    std::vector<double> col;
    std::vector<double> rows;
    for (std::uint64_t i0 = 0; i0 < done; i0 += block) {
      const std::uint64_t n = std::min(block, done - i0);
      rows.resize(n * ms.size());
      for (std::size_t j = 0; j < ms.size(); ++j) {
        cols[j].read_range(i0, n, col);
        column_digests[j].add_bytes(col.data(), col.size() * sizeof(double));
        for (std::uint64_t i = 0; i < n; ++i) {
          rows[i * ms.size() + j] = col[i];
        }
      }
      columns[k]->append(rows);
    }
    for (auto& d : column_digests) {
      d.add_value(done);
      digest.add_value(d.value());
    }
    resumed[k].replications = done;
    resumed[k].events = static_cast<std::uint64_t>(g.attr_int("events"));
    const auto hg = g.open_group("histograms");
    for (std::size_t i = 0; i < resumed[k].histograms.size(); ++i) {
      const auto counts = hg.read<std::uint64_t>("h" + std::to_string(i));
      if (counts.size() != resumed[k].histograms[i].counts().size()) {
        throw UsageError(path + " is damaged: histogram " + std::to_string(i) + " has " +
                         std::to_string(counts.size()) + " bins, expected " +
                         std::to_string(resumed[k].histograms[i].counts().size()));
      }
      resumed[k].histograms[i].add_counts(counts);
    }
    resumed[k].trace = read_trace(g);
    digest_totals(digest, resumed[k]);
  }
  digest.check(f, path);
  return done;
}

void Campaign::check_same_job(const h5::File& f, const std::string& path) const
{
  auto expect = [&](const std::string& attr, const std::string& want, const std::string& what) {
    const std::string got = f.attr_string(attr);
    if (got != want) {
      throw UsageError(path + " belongs to a different " + what + " (checkpoint: " + got +
                       "; this run: " + want + ")");
    }
  };
  expect("kind", options_.kind, "kind of run");
  const auto id = identity();
  expect("arms", id[0], "set of policies");
  expect("scenario_hashes", id[1], "scenario (its resolved text differs)");
  expect("seeds", id[2], "seed");
  if (const auto got = f.attr_or<std::string>("posterior", ""); got != id[3]) {
    throw UsageError(path + " belongs to a different posterior (checkpoint: " +
                       (got.empty() ? std::string("none") : got) +
                       "; this run: " + (id[3].empty() ? std::string("none") : id[3]) + ")",
                     "resume with the --posterior file the checkpointed run used");
  }
  if (static_cast<std::uint64_t>(f.attr_int("batch")) != options_.batch ||
      static_cast<std::uint64_t>(f.attr_int("max_replications")) != options_.max_replications) {
    throw UsageError(path + " was made with -r " + std::to_string(f.attr_int("batch")) +
                     " and --max-replications " + std::to_string(f.attr_int("max_replications")) +
                     "; this run asks for -r " + std::to_string(options_.batch) +
                     " and --max-replications " + std::to_string(options_.max_replications));
  }
  std::vector<std::string> triggers;
  for (const auto& t : options_.triggers) {
    triggers.push_back(t.text);
  }
  expect("triggers", join(triggers), "set of --until triggers");
  // Replication 0, which a trace follows, may be in the checkpoint already.
  if (const auto traced = f.attr_or<std::uint64_t>("trace_entities", 0);
      traced != arms_[0].options.trace_entities) {
    throw UsageError(path + " was made with --trace " + std::to_string(traced) +
                     "; this run asks for --trace " +
                     std::to_string(arms_[0].options.trace_entities));
  }
}

} // namespace passage::engine
