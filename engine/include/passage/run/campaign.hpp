#pragma once
//! A batch job, as a cluster scheduler sees it: one or more arms (a run has one;
//! a comparison has a baseline and its policies) run on the same replication
//! indices, block by block, across ranks and their threads.
//!
//! - Rows reach the results file in replication order (gathered on rank 0).
//! - Precision triggers are checked at the end of deterministic batches, so where
//!   a run stops never depends on the ranks, threads or block sizes.
//! - A checkpoint (every completed row, merged histograms, event counts, the
//!   trace) is written every `checkpoint_every` seconds and when a stop is
//!   requested (SIGTERM, SIGINT); `resume` continues from one on any layout, and
//!   the final file equals an uninterrupted run's.
//! - Blocks are sized to take about a second, so a stop request is honoured
//!   within seconds. Block sizes never change results.

#include "passage/io/results.hpp"
#include "passage/run/model.hpp"
#include "passage/run/runner.hpp"
#include "passage/run/scenario.hpp"
#include "passage/run/trigger.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace passage::engine {

struct CampaignArm
{
  std::string name;
  const Model* model = nullptr;
  const Scenario* scenario = nullptr;
  RunOptions options; //!< seed (per arm), threads, stepping, trace
  //! What the arm draws its parameters from (a posterior's hash; "" for none):
  //! a checkpoint resumes only under the same.
  std::string posterior = {};
};

struct CampaignOptions
{
  std::string kind = "run";           //!< "run" or "compare" (checked on resume)
  std::uint64_t batch = 100;          //!< replications; with triggers, per batch
  std::uint64_t max_replications = 0; //!< with triggers: the most to run
  std::vector<Trigger> triggers;      //!< on arm 0; diff triggers: every arm vs arm 0
  std::string checkpoint;             //!< where to checkpoint ("" = only on a stop request,
                                      //!< next to the output)
  double checkpoint_every = 300.0;    //!< seconds between periodic checkpoints
  std::string resume;                 //!< a checkpoint to continue from
  std::string command;                //!< recorded in checkpoints
  const std::atomic<bool>* stop = nullptr;
  //! Where a warning goes (a periodic checkpoint that failed); default stderr.
  std::function<void(const std::string&)> warn;
};

struct CampaignResult
{
  std::uint64_t replications = 0;
  bool interrupted = false; //!< a stop request ended it; a checkpoint was written
  bool resumed = false;
  std::string checkpoint; //!< the checkpoint written, if any
  bool checkpoint_written = false; //!< this run wrote its checkpoint (so may remove it)
  std::string stop_reason;
  std::vector<RunTotals> totals; //!< per arm (on rank 0: all ranks, and the resumed part)
  int ranks = 1;
  //! Seconds the run waited for its rows to be written (they are written
  //! behind the next block, on another thread).
  double write_wait_seconds = 0.0;
};

class Campaign
{
public:
  Campaign(std::vector<CampaignArm> arms, CampaignOptions options);
  ~Campaign();
  Campaign(const Campaign&) = delete;
  Campaign& operator=(const Campaign&) = delete;

  //! Run it. On rank 0, `columns[k]` receive arm k's rows in replication order;
  //! other ranks pass nullptrs. `default_checkpoint` is where a stop request
  //! writes when no checkpoint path was given.
  CampaignResult run(const std::vector<ReplicationColumns*>& columns,
                     const std::string& default_checkpoint);

  //! Replications completed on this rank, all arms (for a progress bar).
  std::uint64_t completed() const;
  //! Replications planned (per arm); grows with triggers.
  std::uint64_t planned() const noexcept { return planned_.load(); }
  unsigned threads() const;

private:
  //! What a checkpoint must match: arm names, scenario hashes, seeds, posteriors.
  std::array<std::string, 4> identity() const;
  //! UsageError unless checkpoint `f` (at `path`) is of this job.
  void check_same_job(const h5::File& f, const std::string& path) const;
  void write_checkpoint(const std::string& path, const std::vector<ReplicationColumns*>& columns,
                        std::uint64_t done, const std::vector<RunTotals>& totals) const;
  std::uint64_t read_checkpoint(const std::vector<ReplicationColumns*>& columns,
                                std::vector<RunTotals>& resumed) const;

  std::vector<CampaignArm> arms_;
  CampaignOptions options_;
  std::vector<std::unique_ptr<Runner>> runners_;
  std::atomic<std::uint64_t> planned_{ 0 };
};

//! Exit code of a run that a stop request ended after writing a checkpoint
//! (EX_TEMPFAIL: schedulers may requeue it).
inline constexpr int kExitInterrupted = 75;

} // namespace passage::engine
