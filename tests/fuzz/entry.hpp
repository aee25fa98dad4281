#pragma once
// The entry points of the fuzz targets, shared by the libFuzzer programs
// (fuzz_<target>.cpp) and the replay test (replay.cpp), so that a file that made a
// fuzzer fail fails the normal test suite the same way.
//
// The contract: any input may be refused as bad input (config::ConfigError,
// engine::UsageError; the entry points swallow these), but nothing else may
// happen: no crash, no hang, no sanitizer report, no other exception. Any other
// exception escapes from the entry point. Each returns true when the model was
// built, false when the input was refused.

#include <string_view>
#include <vector>

namespace passage::fuzz {

//! A scenario's YAML text: parsed, its top level read, its model built, the
//! resolved scenario written back as YAML (as a run stores it).
bool scenario(std::string_view input);
//! A policy overlay's YAML text, applied to the mali-2016 baseline; model built.
bool overlay(std::string_view input);
//! `--set` assignments, one a line, applied to the mali-2016 baseline; model built.
bool set(std::string_view input);
//! A `changes:` list (YAML) put in the mali-2016 baseline; model built.
bool changes(std::string_view input);
//! A sensitivity design's YAML text, read against the mali-2016 baseline as
//! `passage sensitivity` and `passage sweep` do: outputs checked against the
//! model's metrics, unit-cube rows and grid levels mapped to values, one point
//! written into the baseline and its model built (as the evaluator does).
bool design(std::string_view input);

struct Target
{
  const char* name;
  bool (*run)(std::string_view);
};

//! Every target, by the name of its corpus directory.
const std::vector<Target>& targets();

} // namespace passage::fuzz
