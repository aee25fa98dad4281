#include "passage/run/job.hpp"

#include "passage/io/checkpoint.hpp"
#include "passage/run/cluster.hpp"

#include <chrono>

namespace passage::engine {

Job::Job(JobSpec spec) : spec_(std::move(spec))
{
  const std::string checkpoint =
    spec_.campaign.checkpoint.empty() ? default_checkpoint() : spec_.campaign.checkpoint;
  std::vector<JobPath> paths = { { "the results file", spec_.out },
                                 { "the checkpoint", checkpoint },
                                 { "the checkpoint resumed", spec_.campaign.resume } };
  paths.insert(paths.end(), spec_.inputs.begin(), spec_.inputs.end());
  // The checkpoint and the file resumed may be one: a job that checkpoints where it resumed from.
  check_distinct({ paths[0], paths[1] });
  check_distinct({ paths[0], paths[2] });
  for (std::size_t i = 3; i < paths.size(); ++i) {
    check_distinct({ paths[0], paths[i] });
    check_distinct({ paths[1], paths[i] });
  }
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
