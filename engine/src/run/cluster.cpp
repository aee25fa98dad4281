#include "passage/run/cluster.hpp"

#include "passage/errors.hpp"

#include <cstdlib>
#include <numeric>

#ifdef PASSAGE_HAVE_MPI
#include <mpi.h>
#endif

namespace passage::engine {

Cluster& Cluster::instance()
{
  static Cluster c;
  return c;
}

#ifdef PASSAGE_HAVE_MPI
namespace {
// Launched by an MPI launcher? (OpenMPI, MPICH/Hydra and PMI set these.)
bool launched_by_mpi()
{
  for (const char* v : { "OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS" }) {
    if (std::getenv(v) != nullptr) {
      return true;
    }
  }
  return false;
}
} // namespace
#endif

void Cluster::init(int* argc, char*** argv)
{
#ifdef PASSAGE_HAVE_MPI
  if (!launched_by_mpi()) {
    return;
  }
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  initialised_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
#else
  (void)argc;
  (void)argv;
#endif
}

void Cluster::finalize()
{
#ifdef PASSAGE_HAVE_MPI
  if (initialised_) {
    MPI_Finalize();
    initialised_ = false;
  }
#endif
}

void Cluster::abort(int code)
{
#ifdef PASSAGE_HAVE_MPI
  if (initialised_ && size_ > 1) {
    MPI_Abort(MPI_COMM_WORLD, code);
  }
#endif
  std::exit(code);
}

std::vector<double> Cluster::gather(std::span<const double> mine)
{
#ifdef PASSAGE_HAVE_MPI
  if (initialised_ && size_ > 1) {
    int n = static_cast<int>(mine.size());
    std::vector<int> counts(static_cast<std::size_t>(size_));
    MPI_Gather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
    std::vector<int> displs(counts.size(), 0);
    std::vector<double> all;
    if (rank_ == 0) {
      std::exclusive_scan(counts.begin(), counts.end(), displs.begin(), 0);
      all.resize(static_cast<std::size_t>(displs.back() + counts.back()));
    }
    MPI_Gatherv(mine.data(), n, MPI_DOUBLE, all.data(), counts.data(), displs.data(), MPI_DOUBLE, 0,
                MPI_COMM_WORLD);
    return all;
  }
#endif
  return std::vector<double>(mine.begin(), mine.end());
}

std::vector<std::string> Cluster::gather(const std::vector<std::string>& mine)
{
  if (!initialised_ || size_ <= 1) {
    return mine;
  }
  // Lengths as doubles (exact below 2^53), then the characters as doubles.
  std::vector<double> lengths;
  std::vector<double> chars;
  for (const auto& s : mine) {
    lengths.push_back(static_cast<double>(s.size()));
    for (const char c : s) {
      chars.push_back(static_cast<double>(static_cast<unsigned char>(c)));
    }
  }
  const auto all_lengths = gather(lengths);
  const auto all_chars = gather(chars);
  std::vector<std::string> out;
  std::size_t pos = 0;
  for (const double n : all_lengths) {
    std::string s;
    for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
      s += static_cast<char>(static_cast<unsigned char>(all_chars[pos++]));
    }
    out.push_back(std::move(s));
  }
  return out;
}

void Cluster::sum(std::vector<std::uint64_t>& values)
{
#ifdef PASSAGE_HAVE_MPI
  if (initialised_ && size_ > 1 && !values.empty()) {
    MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_UINT64_T,
                  MPI_SUM, MPI_COMM_WORLD);
  }
#else
  (void)values;
#endif
}

bool Cluster::any(bool flag)
{
#ifdef PASSAGE_HAVE_MPI
  if (initialised_ && size_ > 1) {
    int v = flag ? 1 : 0;
    MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return v != 0;
  }
#endif
  return flag;
}

std::uint64_t Cluster::broadcast(std::uint64_t value)
{
#ifdef PASSAGE_HAVE_MPI
  if (initialised_ && size_ > 1) {
    MPI_Bcast(&value, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  }
#endif
  return value;
}

std::string Cluster::broadcast(const std::string& value)
{
#ifdef PASSAGE_HAVE_MPI
  if (initialised_ && size_ > 1) {
    std::uint64_t n = broadcast(static_cast<std::uint64_t>(value.size()));
    std::string s = rank_ == 0 ? value : std::string(n, '\0');
    MPI_Bcast(s.data(), static_cast<int>(n), MPI_CHAR, 0, MPI_COMM_WORLD);
    return s;
  }
#endif
  return value;
}

void Cluster::barrier()
{
#ifdef PASSAGE_HAVE_MPI
  if (initialised_ && size_ > 1) {
    MPI_Barrier(MPI_COMM_WORLD);
  }
#endif
}

std::string Cluster::library()
{
#ifdef PASSAGE_HAVE_MPI
  return "MPI " + std::to_string(MPI_VERSION) + "." + std::to_string(MPI_SUBVERSION);
#else
  return "no MPI";
#endif
}

void Cluster::check_on_root(const std::function<void()>& check)
{
  std::string error;
  std::string hint;
  if (root()) {
    try {
      check();
    } catch (const UsageError& e) {
      error = e.what();
      hint = e.hint();
    }
  }
  error = broadcast(error);
  hint = broadcast(hint);
  if (!error.empty()) {
    throw UsageError(error, hint);
  }
}

} // namespace passage::engine
