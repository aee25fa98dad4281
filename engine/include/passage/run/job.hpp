#pragma once
//! A job from its inputs to its results file: the one path `passage run`,
//! `passage compare` and the tests take.
//!
//!     Job(spec)   check every path (the output is new or a regular file, and not
//!                 the checkpoint, the file resumed or an input), open the
//!                 results file under a temporary name (rank 0)
//!     run()       the Campaign block by block; rows go to the ResultsWriter;
//!                 then summaries, histograms, comparison, manifest, the atomic
//!                 rename, and removal of the checkpoints this job spent
//!
//! A stop request ends run() with `interrupted` set and a checkpoint written;
//! the temporary results file is removed and nothing appears at `out`.

#include "passage/io/paths.hpp"
#include "passage/io/results.hpp"
#include "passage/run/campaign.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace passage::engine {

struct JobArm
{
  std::string name;
  const Scenario* scenario = nullptr;
  const Model* model = nullptr;
  RunOptions options;
  std::string overlay = {}; //!< the policy file ("" for the baseline or a run)
  std::string title = {};   //!< the policy's title
  std::string posterior = {}; //!< the hash of the posterior it draws from ("" for none)
};

struct JobSpec
{
  std::string kind = "run"; //!< "run" (one arm) or "compare"
  std::vector<JobArm> arms;
  CampaignOptions campaign;
  std::string out;
  bool force = false;
  std::size_t chunk_rows = 1024;
  //! Files the job reads (scenario, policies): the output and checkpoint may not be one.
  std::vector<JobPath> inputs;
  bool common_random_numbers = true; //!< recorded in a comparison
  RunManifest manifest;              //!< command, seed, stepping; the rest is filled in
};

struct JobResult
{
  CampaignResult campaign;
  std::string path; //!< the results file written ("" when interrupted or not rank 0)
};

class Job
{
public:
  explicit Job(JobSpec spec);
  ~Job();
  Job(const Job&) = delete;
  Job& operator=(const Job&) = delete;

  JobResult run();

  //! Replications completed on this rank, all arms (for a progress bar).
  std::uint64_t completed() const { return campaign_->completed(); }
  unsigned threads() const { return campaign_->threads(); }
  //! Where a stop request saves the job when no --checkpoint is given.
  std::string default_checkpoint() const { return engine::default_checkpoint(spec_.out); }

private:
  JobSpec spec_;
  std::unique_ptr<Campaign> campaign_;
  std::optional<ResultsWriter> writer_;
};

} // namespace passage::engine
