#pragma once
//! The ranks of a run. Under `mpirun` (when built with MPI) every rank runs its
//! share of each block of replications on its own oneTBB threads, and rank 0
//! gathers the rows, in replication order, and writes the one results file.
//! Started without `mpirun`, or built without MPI, there is one rank and every
//! call here is a no-op: MPI is never initialised for a plain run.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace passage::engine {

class Cluster
{
public:
  //! The process's cluster (one per process).
  static Cluster& instance();

  //! Initialise MPI if this process was started by an MPI launcher.
  void init(int* argc, char*** argv);
  //! Finalise MPI (if initialised).
  void finalize();
  //! Abort every rank (a failure on one rank must not leave the others waiting).
  [[noreturn]] void abort(int code);

  int rank() const noexcept { return rank_; }
  int size() const noexcept { return size_; }
  bool root() const noexcept { return rank_ == 0; }
  bool active() const noexcept { return initialised_; }

  //! Rows from every rank, concatenated in rank order on the root.
  std::vector<double> gather(std::span<const double> mine);
  //! Strings from every rank, concatenated in rank order on the root.
  std::vector<std::string> gather(const std::vector<std::string>& mine);
  //! Element-wise sum of unsigned integers over ranks, result on every rank.
  void sum(std::vector<std::uint64_t>& values);
  //! True on every rank if `flag` is true on any.
  bool any(bool flag);
  //! The root's value on every rank.
  std::uint64_t broadcast(std::uint64_t value);
  std::string broadcast(const std::string& value);
  void barrier();

  //! Run `check` on rank 0 only (a file check, say) and raise the UsageError it
  //! throws on every rank, so that all ranks stop together.
  void check_on_root(const std::function<void()>& check);

  //! "MPI <version>" or "no MPI".
  static std::string library();

private:
  bool initialised_ = false;
  int rank_ = 0;
  int size_ = 1;
};

} // namespace passage::engine
