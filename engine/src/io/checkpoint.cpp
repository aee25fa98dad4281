#include "passage/io/checkpoint.hpp"

#include "passage/errors.hpp"
#include "passage/io/paths.hpp"

#include <filesystem>
#include <optional>
#include <system_error>

namespace passage::engine {

namespace fs = std::filesystem;

void check_checkpoint_target(const std::string& path,
                             const std::function<void(const h5::File&)>& same_job)
{
  if (path.empty()) {
    return;
  }
  check_replaceable(path, "the checkpoint");
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return;
  }
  const std::string refused = "'" + path + "' exists and is not a passage checkpoint";
  const std::string hint = "a checkpoint never replaces another file; choose another --checkpoint";
  if (!h5::File::is_hdf5(path)) {
    throw UsageError(refused, hint);
  }
  std::optional<h5::File> f;
  try {
    f.emplace(h5::File::open_read(path));
  } catch (const h5::IoError&) {
    throw UsageError(refused, hint);
  }
  if (!f->has_attr("passage_checkpoint")) {
    throw UsageError(refused, hint);
  }
  try {
    same_job(*f);
  } catch (const UsageError& e) {
    throw UsageError("'" + path + "' holds the checkpoint of another job, which this run would " +
                       "replace: " + e.what(),
                     "resume that job with --resume " + path + ", or choose another --checkpoint");
  }
}

h5::File open_checkpoint(const std::string& path, const std::string& kind)
{
  h5::File f = h5::File::open_read(path);
  if (!f.has_attr("passage_checkpoint")) {
    throw UsageError(path + " is not a passage checkpoint");
  }
  const std::int64_t format = f.attr_int("passage_checkpoint");
  if (format != kCheckpointFormat) {
    throw UsageError(path + " is a checkpoint of format " + std::to_string(format) +
                       "; this passage reads format " + std::to_string(kCheckpointFormat) +
                       " (the file is damaged, or was written by another version)",
                     "finish it with the passage that wrote it, or start the run again");
  }
  const std::string got = f.attr_or<std::string>("kind", "");
  if (got != kind) {
    throw UsageError(path + " is not a checkpoint of a " + kind + " (it holds a " + got + ")");
  }
  return f;
}

void mark_checkpoint(h5::File& f, const std::string& kind)
{
  f.set_attr("passage_checkpoint", kCheckpointFormat);
  f.set_attr("kind", kind);
}

void remove_spent_checkpoints(const std::string& checkpoint, bool written,
                              const std::string& resumed)
{
  std::error_code ec;
  if (written && !checkpoint.empty()) {
    fs::remove(checkpoint, ec);
  }
  if (!resumed.empty()) {
    fs::remove(resumed, ec);
  }
}

void Digest::write(h5::Object& o) const
{
  o.set_attr("digest", h_);
}

void Digest::check(const h5::Object& o, const std::string& path) const
{
  if (!o.has_attr("digest") || o.attr_uint("digest") != h_) {
    throw UsageError(path + " is damaged: its contents do not match the digest written with them",
                     "start the run again, or resume from an intact copy of the checkpoint");
  }
}

} // namespace passage::engine
