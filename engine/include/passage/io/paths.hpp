#pragma once
//! The files a job reads and writes, checked before it starts: an output is a
//! new name or a regular file, and no two of a job's files are the same file
//! (a results file written over its own scenario, checkpoint or resumed file
//! would destroy what the user ran).

#include <string>
#include <vector>

namespace passage::engine {

//! Whether two paths name one file: the same inode when both exist, else the
//! same absolute, normalised path. Empty paths name nothing.
bool same_file(const std::string& a, const std::string& b);

//! One file of a job and what it is to the user ("the results file", "the
//! checkpoint", "the scenario").
struct JobPath
{
  std::string role;
  std::string path;
};

//! UsageError "ROLE1 and ROLE2 are the same file ('PATH')" when two of `paths`
//! (empty ones skipped) name one file.
void check_distinct(const std::vector<JobPath>& paths);

//! Where a job that checkpoints saves its work on a stop request when no
//! checkpoint was named: beside its results file.
std::string default_checkpoint(const std::string& out);

//! A job's files, checked before it starts (UsageError): the results file `out`
//! is not the checkpoint (`checkpoint`, else the default), the checkpoint
//! resumed or an input, and the checkpoint is not an input. The checkpoint and
//! the file resumed may be one: a job that checkpoints where it resumed from.
void check_job_paths(const std::string& out, const std::string& checkpoint,
                     const std::string& resume, const std::vector<JobPath>& inputs);

//! UsageError unless `path` is absent or a regular file (not a directory, a
//! device, a FIFO, a socket or a symbolic link). `role` names it in the message.
void check_replaceable(const std::string& path, const std::string& role);

} // namespace passage::engine
