#pragma once
//! The block loop of a long job (a campaign of replications, a sensitivity
//! analysis's design points, a calibration's proposals): work is done in blocks
//! of about a second, and between blocks a stop request or a due checkpoint is
//! honoured. Each caller indexes its work (replication, point, proposal), never
//! times it, so block sizes change only where a stop or a checkpoint can fall,
//! never a result.
//!
//! Every call here that talks to the cluster is collective: all ranks make it at
//! the same point and all get the root's answer.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>

namespace passage::engine {

//! Block sizes aimed at a second a block: doubled after a block under 0.5 s,
//! halved (not below `floor`) after one over 2 s, never above `cap`.
class AdaptiveChunk
{
public:
  //! `first` is the first block's size, taken as given.
  AdaptiveChunk(std::uint64_t first, std::uint64_t floor, std::uint64_t cap) noexcept
    : size_(first), floor_(floor), cap_(cap)
  {
  }

  std::uint64_t size() const noexcept { return size_; }
  //! Starts the clock of a block.
  void start() noexcept { t0_ = std::chrono::steady_clock::now(); }
  //! Sizes the next block from the time since `start()` (collective: the
  //! root's clock decides, so that the ranks agree).
  void adapt();
  //! Sizes the next block from a block that took `seconds` (collective).
  void adapt(double seconds);
  //! The size after a block of `size` that took `seconds`.
  static std::uint64_t next(std::uint64_t size, double seconds, std::uint64_t floor,
                            std::uint64_t cap) noexcept;

private:
  std::uint64_t size_;
  std::uint64_t floor_;
  std::uint64_t cap_;
  std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
};

//! What a block boundary calls for.
enum class Boundary
{
  Continue,   //!< nothing: the next block
  Checkpoint, //!< a periodic checkpoint, then the next block
  Stop,       //!< a checkpoint, then stop (a stop request on some rank)
};

//! Where and when a job checkpoints.
struct CheckpointPlan
{
  std::string path;      //!< where a checkpoint goes (on a stop request too)
  bool periodic = false; //!< also every `every` seconds (a checkpoint path was given)
  double every = 300.0;  //!< seconds between periodic checkpoints
  const std::atomic<bool>* stop = nullptr;      //!< a stop request (SIGTERM, SIGINT)
  std::function<void(const std::string&)> warn; //!< where a warning goes; default stderr
  std::string goes_on;                          //!< the end of that warning: "the run goes on"
};

//! The plan of a job whose options hold `checkpoint` (a path given, or ""),
//! `checkpoint_every`, `stop` and `warn`; `path` is where it checkpoints.
template<class Options>
CheckpointPlan checkpoint_plan(const Options& o, std::string path, std::string goes_on)
{
  return { .path = std::move(path),
           .periodic = !o.checkpoint.empty(),
           .every = o.checkpoint_every,
           .stop = o.stop,
           .warn = o.warn,
           .goes_on = std::move(goes_on) };
}

//! Decides at each block boundary whether to checkpoint or stop, and writes
//! the checkpoint on the root.
class CheckpointGate
{
public:
  explicit CheckpointGate(CheckpointPlan plan);

  const std::string& path() const noexcept { return plan_.path; }
  //! A stop requested on any rank, or a periodic checkpoint due by the root's
  //! clock (collective).
  Boundary poll();
  //! Runs `write` on the root and tells every rank how it went (collective). A
  //! periodic checkpoint that fails is a warning (the root's, once): losing
  //! one must not lose the job. At a stop it is a RuntimeError "stopped
  //! <where>, but the checkpoint could not be written to '<path>': <why>".
  void write(Boundary boundary, const std::string& where, const std::function<void()>& write);

private:
  CheckpointPlan plan_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

} // namespace passage::engine
