#include "passage/run/job.hpp"

#include "passage/io/checkpoint.hpp"
#include "passage/run/cluster.hpp"

#include <chrono>

namespace passage::engine {

Job::Job(JobSpec spec) : spec_(std::move(spec))
{
  check_job_paths(spec_.out, spec_.campaign.checkpoint, spec_.campaign.resume, spec_.inputs);
  check_output_path(spec_.out, spec_.force);

  std::vector<CampaignArm> arms;
  for (const auto& a : spec_.arms) {
    arms.push_back(CampaignArm{ a.name, a.model, a.scenario, a.options, a.posterior });
  }
  campaign_ = std::make_unique<Campaign>(std::move(arms), spec_.campaign);
  if (Cluster::instance().root()) {
    std::vector<ResultsWriter::Arm> out;
    for (const auto& a : spec_.arms) {
      out.push_back(ResultsWriter::Arm{ a.name, a.scenario, a.model, a.overlay, a.title });
    }
    writer_.emplace(spec_.out, spec_.force, spec_.kind, std::move(out), spec_.chunk_rows);
  }
}

Job::~Job() = default;

JobResult Job::run()
{
  auto& cluster = Cluster::instance();
  RunManifest manifest = spec_.manifest;
  manifest.threads = campaign_->threads();
  manifest.ranks = cluster.size();
  manifest.started = utc_now();
  const auto t0 = std::chrono::steady_clock::now();

  JobResult r;
  r.campaign = campaign_->run(writer_ ? writer_->columns() : std::vector<ReplicationColumns*>(
                                                                spec_.arms.size(), nullptr),
                              default_checkpoint());
  if (r.campaign.interrupted || !cluster.root()) {
    if (writer_) {
      writer_->abandon();
    }
    return r;
  }
  manifest.replications = r.campaign.replications;
  manifest.resumed = r.campaign.resumed;
  manifest.stop_reason = r.campaign.stop_reason;
  manifest.wall_seconds =
    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  manifest.finished = utc_now();
  manifest.write_seconds = r.campaign.write_wait_seconds;
  writer_->finish(r.campaign.totals, manifest, spec_.common_random_numbers);
  r.path = writer_->path();
  remove_spent_checkpoints(spec_.campaign.checkpoint, r.campaign.checkpoint_written,
                           spec_.campaign.resume);
  return r;
}

} // namespace passage::engine
