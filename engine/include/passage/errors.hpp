#pragma once
//! Error classes and what `main` maps them to:
//! - config::ConfigError (a file:line:col problem in an input) -> exit 2
//! - UsageError (a bad argument, an output path that cannot be used) -> exit 2
//! - RuntimeError, h5::IoError and anything else -> exit 1
//! Library code throws; only `main` decides exit codes.

#include <stdexcept>
#include <string>

namespace passage::engine {

class UsageError : public std::runtime_error
{
public:
  explicit UsageError(const std::string& message, std::string hint = {})
    : std::runtime_error(message), hint_(std::move(hint))
  {
  }
  const std::string& hint() const noexcept { return hint_; }

private:
  std::string hint_;
};

//! A run that a stop request (SIGTERM, SIGINT) ended after writing a checkpoint.
class Interrupted : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

class RuntimeError : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

} // namespace passage::engine
