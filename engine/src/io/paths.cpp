#include "passage/io/paths.hpp"

#include "passage/errors.hpp"

#include <filesystem>
#include <system_error>

namespace passage::engine {

namespace fs = std::filesystem;

bool same_file(const std::string& a, const std::string& b)
{
  if (a.empty() || b.empty()) {
    return false;
  }
  std::error_code ea;
  std::error_code eb;
  if (fs::exists(a, ea) && fs::exists(b, eb)) {
    std::error_code ec;
    return fs::equivalent(a, b, ec);
  }
  std::error_code ec;
  const auto pa = fs::weakly_canonical(fs::absolute(a, ec), ec);
  const auto pb = fs::weakly_canonical(fs::absolute(b, ec), ec);
  return pa == pb;
}

void check_distinct(const std::vector<JobPath>& paths)
{
  for (std::size_t i = 0; i < paths.size(); ++i) {
    for (std::size_t j = i + 1; j < paths.size(); ++j) {
      if (same_file(paths[i].path, paths[j].path)) {
        throw UsageError(paths[i].role + " and " + paths[j].role + " are the same file ('" +
                           paths[j].path + "')",
                         "choose another name for " + paths[i].role);
      }
    }
  }
}

std::string default_checkpoint(const std::string& out)
{
  return out + ".checkpoint.h5";
}

void check_job_paths(const std::string& out, const std::string& checkpoint,
                     const std::string& resume, const std::vector<JobPath>& inputs)
{
  const JobPath results{ "the results file", out };
  const JobPath saved{ "the checkpoint",
                       checkpoint.empty() ? default_checkpoint(out) : checkpoint };
  check_distinct({ results, saved });
  check_distinct({ results, { "the checkpoint resumed", resume } });
  for (const auto& input : inputs) {
    check_distinct({ results, input });
    check_distinct({ saved, input });
  }
}

void check_replaceable(const std::string& path, const std::string& role)
{
  std::error_code ec;
  const auto st = fs::symlink_status(path, ec);
  if (ec || st.type() == fs::file_type::not_found || st.type() == fs::file_type::regular) {
    return;
  }
  const char* what = st.type() == fs::file_type::directory   ? "a directory"
                     : st.type() == fs::file_type::symlink   ? "a symbolic link"
                     : st.type() == fs::file_type::character ? "a character device"
                     : st.type() == fs::file_type::block     ? "a block device"
                     : st.type() == fs::file_type::fifo      ? "a FIFO"
                     : st.type() == fs::file_type::socket    ? "a socket"
                                                             : "something other than a file";
  throw UsageError("cannot write " + role + " '" + path + "': it is not a regular file (it is " +
                     what + ")",
                   "passage only writes new files or replaces regular ones; choose another name");
}

} // namespace passage::engine
