// The block loop's helpers (passage/run/blocks.hpp) on one rank: the chunk
// policy, and what a checkpoint gate does when a write succeeds or fails.
#include "passage/errors.hpp"
#include "passage/run/blocks.hpp"

#include <atomic>
#include <doctest/doctest.h>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace passage::engine;

TEST_SUITE_BEGIN("unit");

TEST_CASE("blocks: the chunk policy doubles, halves to its floor and keeps to its cap")
{
  // Under 0.5 s doubles, over 2 s halves, in between (the bounds included) stays.
  CHECK(AdaptiveChunk::next(8, 0.1, 4, 64) == 16);
  CHECK(AdaptiveChunk::next(8, 0.5, 4, 64) == 8);
  CHECK(AdaptiveChunk::next(8, 1.0, 4, 64) == 8);
  CHECK(AdaptiveChunk::next(8, 2.0, 4, 64) == 8);
  CHECK(AdaptiveChunk::next(8, 2.5, 4, 64) == 4);
  CHECK(AdaptiveChunk::next(6, 3.0, 4, 64) == 4); // half of 6 is under the floor
  CHECK(AdaptiveChunk::next(4, 3.0, 4, 64) == 4);
  CHECK(AdaptiveChunk::next(64, 0.1, 4, 64) == 64);
  CHECK(AdaptiveChunk::next(48, 0.1, 4, 64) == 64);
  // A cap under the first size (a campaign's memory bound) is kept to at once.
  CHECK(AdaptiveChunk::next(16, 1.0, 4, 8) == 8);
  CHECK(AdaptiveChunk::next(1, 5.0, 0, 8) == 1); // never 0

  // The sequence a job sees: fast blocks, then slow ones, then steady.
  AdaptiveChunk c(3, 3, 40);
  CHECK(c.size() == 3);
  std::vector<std::uint64_t> sizes;
  for (const double seconds : { 0.1, 0.1, 0.2, 0.3, 0.1, 9.0, 3.0, 3.0, 3.0, 1.0, 0.4 }) {
    c.adapt(seconds);
    sizes.push_back(c.size());
  }
  CHECK(sizes == std::vector<std::uint64_t>{ 6, 12, 24, 40, 40, 20, 10, 5, 3, 3, 6 });
  // Timed by its own clock: a block of next to nothing doubles.
  c.start();
  c.adapt();
  CHECK(c.size() == 12);
}

namespace {

struct Warnings
{
  std::vector<std::string> messages;
  CheckpointPlan plan(double every, const std::atomic<bool>* stop, bool periodic = true)
  {
    return { .path = "x.ckpt",
             .periodic = periodic,
             .every = every,
             .stop = stop,
             .warn = [this](const std::string& m) { messages.push_back(m); },
             .goes_on = "the job goes on" };
  }
};

} // namespace

TEST_CASE("blocks: a checkpoint gate's boundaries")
{
  std::atomic<bool> stop{ false };
  Warnings w;
  // No path given: no periodic checkpoint, however long since the last.
  CHECK(CheckpointGate(w.plan(0.0, &stop, false)).poll() == Boundary::Continue);
  CHECK(CheckpointGate(w.plan(0.0, nullptr, false)).poll() == Boundary::Continue);
  CHECK(CheckpointGate(w.plan(0.0, &stop)).poll() == Boundary::Checkpoint);
  CHECK(CheckpointGate(w.plan(3600.0, &stop)).poll() == Boundary::Continue);
  stop = true;
  CHECK(CheckpointGate(w.plan(3600.0, &stop, false)).poll() == Boundary::Stop);
  CHECK(CheckpointGate(w.plan(0.0, &stop)).poll() == Boundary::Stop); // a stop comes first
  CHECK(w.messages.empty());

  // A write restarts the clock of periodic checkpoints.
  stop = false;
  CheckpointGate gate(w.plan(1.0, &stop));
  std::this_thread::sleep_for(std::chrono::milliseconds(1050));
  REQUIRE(gate.poll() == Boundary::Checkpoint);
  int writes = 0;
  gate.write(Boundary::Checkpoint, "after 1 item", [&] { ++writes; });
  CHECK(writes == 1);
  CHECK(gate.poll() == Boundary::Continue);
  CHECK(w.messages.empty());
}

TEST_CASE("blocks: a failed periodic checkpoint warns once and goes on, one at a stop fails")
{
  std::atomic<bool> stop{ false };
  Warnings w;
  CheckpointGate gate(w.plan(0.0, &stop));
  int writes = 0;
  auto failing = [&] {
    ++writes;
    throw std::runtime_error("disk full");
  };
  CHECK_NOTHROW(gate.write(Boundary::Checkpoint, "after 3 items", failing));
  CHECK(writes == 1);
  REQUIRE(w.messages.size() == 1);
  CHECK(w.messages[0] == "cannot write the checkpoint 'x.ckpt' (disk full); the job goes on");
  // The next one tries again, and warns again.
  CHECK_NOTHROW(gate.write(Boundary::Checkpoint, "after 5 items", failing));
  CHECK(writes == 2);
  CHECK(w.messages.size() == 2);

  // At a stop the failure is an error naming where the job stopped; no warning.
  w.messages.clear();
  std::string what;
  try {
    gate.write(Boundary::Stop, "after 7 items", failing);
  } catch (const RuntimeError& e) {
    what = e.what();
  }
  CHECK(what == "stopped after 7 items, but the checkpoint could not be written to 'x.ckpt': "
                "disk full");
  CHECK(writes == 3);
  CHECK(w.messages.empty());

  // A stop whose checkpoint is written: written once, nothing said.
  CHECK_NOTHROW(gate.write(Boundary::Stop, "after 9 items", [&] { ++writes; }));
  CHECK(writes == 4);
  CHECK(w.messages.empty());
}

TEST_CASE("blocks: without a warn function the warning goes to stderr")
{
  CheckpointGate gate({ .path = "y.ckpt",
                        .periodic = true,
                        .every = 0.0,
                        .stop = nullptr,
                        .warn = {},
                        .goes_on = "the run goes on" });
  std::ostringstream err;
  auto* old = std::cerr.rdbuf(err.rdbuf());
  gate.write(Boundary::Checkpoint, "after 1 item", [] { throw std::runtime_error("gone"); });
  std::cerr.rdbuf(old);
  CHECK(err.str() == "warning: cannot write the checkpoint 'y.ckpt' (gone); the run goes on\n");
}

TEST_CASE("blocks: a job's checkpoint plan from its options")
{
  struct Options
  {
    std::string checkpoint;
    double checkpoint_every = 300.0;
    const std::atomic<bool>* stop = nullptr;
    std::function<void(const std::string&)> warn;
  } o;
  std::atomic<bool> stop{ false };
  o.stop = &stop;
  o.checkpoint_every = 12.5;
  auto plan = checkpoint_plan(o, "default.ckpt", "it goes on");
  CHECK(plan.path == "default.ckpt");
  CHECK_FALSE(plan.periodic); // only on a stop request
  CHECK(plan.every == 12.5);
  CHECK(plan.stop == &stop);
  CHECK(plan.goes_on == "it goes on");
  o.checkpoint = "given.ckpt";
  CHECK(checkpoint_plan(o, "given.ckpt", "").periodic);
}

TEST_SUITE_END();
