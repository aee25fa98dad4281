#pragma once
//! A progress bar on stderr for runs that last over a second. Silent with
//! --quiet or when stderr is not a terminal.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace passage::app {

class ProgressBar
{
public:
  //! `done` is polled from a background thread; `total` units are `what`.
  ProgressBar(std::function<std::uint64_t()> done, std::uint64_t total, std::string what,
              bool enabled);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  void set_total(std::uint64_t total) { total_.store(total); }
  //! Stop and erase the bar.
  void finish();

  //! True when stderr is a terminal.
  static bool stderr_is_terminal();

private:
  void loop();
  void draw(double elapsed);

  std::function<std::uint64_t()> done_;
  std::atomic<std::uint64_t> total_;
  std::string what_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

} // namespace passage::app
