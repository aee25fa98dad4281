// Replays the fuzz corpora and crash reproducers through the fuzz targets' entry
// points, in the normal build (no clang, no libFuzzer): the regression test
// `fuzz_replay`.
//
//   passage_fuzz_replay DIR              every file of DIR/corpus/<target>/ and
//                                        DIR/crashes/<target>/, through <target>
//   passage_fuzz_replay TARGET FILE...   the files through one target, saying for
//                                        each whether its model was built
//
// Exit 0 when every input is accepted or refused as bad input; 1 when an input
// lets another exception escape (a crash is a crash).
#include "entry.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using passage::fuzz::Target;

namespace {

std::string read_all(const fs::path& p)
{
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<fs::path> files_in(const fs::path& dir)
{
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) {
    return out;
  }
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file() && !name.empty() && name[0] != '.' && name != "README.md") {
      out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Tally
{
  std::size_t inputs = 0;
  std::size_t built = 0;
  std::size_t failures = 0;
  double slowest = 0.0;
  fs::path slowest_file;
};

void replay(const Target& t, const fs::path& file, Tally& tally, bool verbose)
{
  const std::string input = read_all(file);
  const auto t0 = std::chrono::steady_clock::now();
  try {
    const bool ok = t.run(input);
    tally.built += ok ? 1 : 0;
    if (verbose) {
      std::printf("%s %s\n", ok ? "built  " : "refused", file.string().c_str());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "FAIL %s %s: %s\n", t.name, file.string().c_str(), e.what());
    ++tally.failures;
  } catch (...) {
    std::fprintf(stderr, "FAIL %s %s: a non-standard exception\n", t.name, file.string().c_str());
    ++tally.failures;
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (s > tally.slowest) {
    tally.slowest = s;
    tally.slowest_file = file;
  }
  ++tally.inputs;
}

const Target* find_target(const std::string& name)
{
  for (const auto& t : passage::fuzz::targets()) {
    if (name == t.name) {
      return &t;
    }
  }
  return nullptr;
}

} // namespace

int main(int argc, char** argv)
{
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR | TARGET FILE...\n", argv[0]);
    return 2;
  }
  std::size_t failures = 0;
  std::size_t inputs = 0;
  if (argc == 2) {
    const fs::path root = argv[1];
    if (!fs::is_directory(root / "corpus")) {
      std::fprintf(stderr, "%s: no corpus/ directory\n", root.string().c_str());
      return 2;
    }
    for (const auto& t : passage::fuzz::targets()) {
      Tally tally;
      std::size_t corpus = 0;
      for (const char* kind : { "corpus", "crashes" }) {
        for (const auto& f : files_in(root / kind / t.name)) {
          replay(t, f, tally, false);
        }
        if (std::string(kind) == "corpus") {
          corpus = tally.inputs;
        }
      }
      std::printf(
        "%-9s %4zu corpus files, %3zu reproducers: %4zu built, %zu failed; slowest %.3f s (%s)\n",
        t.name, corpus, tally.inputs - corpus, tally.built, tally.failures, tally.slowest,
        tally.slowest_file.filename().string().c_str());
      failures += tally.failures;
      inputs += tally.inputs;
      if (corpus == 0) {
        // A renamed target or a moved corpus would otherwise replay nothing and pass.
        std::fprintf(stderr, "FAIL %s: no corpus files in %s\n", t.name,
                     (root / "corpus" / t.name).string().c_str());
        ++failures;
      }
    }
  } else {
    const Target* t = find_target(argv[1]);
    if (t == nullptr) {
      std::fprintf(stderr, "unknown target '%s'\n", argv[1]);
      return 2;
    }
    Tally tally;
    for (int i = 2; i < argc; ++i) {
      replay(*t, argv[i], tally, true);
    }
    failures = tally.failures;
    inputs = tally.inputs;
  }
  std::printf("%zu inputs, %zu failed\n", inputs, failures);
  return failures == 0 ? 0 : 1;
}
