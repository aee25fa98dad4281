#pragma once
//! What every checkpoint (a run's, a comparison's, a design's) shares: the
//! rules that keep a checkpoint from harming files it did not write, its format
//! version, and a digest of its contents that tells a damaged file on resume.
//!
//! - Before a job starts, its checkpoint path must hold nothing, or a passage
//!   checkpoint of this same job (check_checkpoint_target); never another file.
//! - A finished job removes only a checkpoint it wrote itself, and the file it
//!   resumed from (remove_spent_checkpoints): both belong to this job.
//! - Every array and count is folded into a 64-bit digest when written and
//!   again when read; a changed row or count, or another format, is refused.

#include "passage/io/hdf5.hpp"

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace passage::engine {

//! The checkpoint format this build writes and reads (attribute `passage_checkpoint`).
inline constexpr std::int64_t kCheckpointFormat = 1;

//! Before a job starts: UsageError unless `path` holds nothing, or a passage
//! checkpoint that `same_job` accepts (it throws UsageError naming what differs).
void check_checkpoint_target(const std::string& path,
                             const std::function<void(const h5::File&)>& same_job);

//! Open a checkpoint to resume: UsageError when it is missing, not a passage
//! checkpoint, of another format, or of another `kind`.
h5::File open_checkpoint(const std::string& path, const std::string& kind);

//! Stamp the format and kind on a checkpoint being written.
void mark_checkpoint(h5::File& f, const std::string& kind);

//! After a job finished: remove `checkpoint` if this job wrote it, and the
//! checkpoint it resumed from (both spent). Nothing else is ever removed.
void remove_spent_checkpoints(const std::string& checkpoint, bool written,
                              const std::string& resumed);

//! FNV-1a over the bytes of what a checkpoint holds, in the order added.
class Digest
{
public:
  template<class T>
  void add(std::span<const T> values) noexcept
  {
    add_bytes(values.data(), values.size_bytes());
    add_value(static_cast<std::uint64_t>(values.size()));
  }
  template<class T>
  void add(const std::vector<T>& values) noexcept
  {
    add(std::span<const T>(values));
  }
  void add(std::string_view s) noexcept
  {
    add_bytes(s.data(), s.size());
    add_value(static_cast<std::uint64_t>(s.size()));
  }
  void add_value(std::uint64_t v) noexcept { add_bytes(&v, sizeof v); }
  void add_bytes(const void* p, std::size_t n) noexcept
  {
    const auto* b = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) {
      h_ ^= b[i];
      h_ *= 0x100000001b3ULL;
    }
  }
  std::uint64_t value() const noexcept { return h_; }

  //! Store as the attribute `digest`.
  void write(h5::Object& o) const;
  //! UsageError "PATH is damaged" unless `o`'s `digest` attribute equals this.
  void check(const h5::Object& o, const std::string& path) const;

private:
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

} // namespace passage::engine
