#include "progress.hpp"

#include <cstdio>
#include <unistd.h>

namespace passage::app {

bool ProgressBar::stderr_is_terminal()
{
  return ::isatty(STDERR_FILENO) == 1;
}

ProgressBar::ProgressBar(std::function<std::uint64_t()> done, std::uint64_t total, std::string what,
                         bool enabled)
  : done_(std::move(done)), total_(total), what_(std::move(what)),
    enabled_(enabled && stderr_is_terminal()), start_(std::chrono::steady_clock::now())
{
  if (enabled_) {
    thread_ = std::thread([this] { loop(); });
  }
}

ProgressBar::~ProgressBar()
{
  finish();
}

void ProgressBar::finish()
{
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stop_) {
      return;
    }
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
  if (drawn_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }
}

void ProgressBar::loop()
{
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(200));
    if (stop_) {
      break;
    }
    const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (elapsed >= 1.0) {
      draw(elapsed);
    }
  }
}

void ProgressBar::draw(double elapsed)
{
  const std::uint64_t total = total_.load();
  const std::uint64_t done = std::min(done_(), total);
  const double frac = total ? static_cast<double>(done) / static_cast<double>(total) : 0.0;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(frac * kWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar += std::string(static_cast<std::size_t>(kWidth - filled), '.');
  char eta[48] = "";
  if (done > 0 && done < total) {
    const double left = elapsed * (1.0 - frac) / frac;
    std::snprintf(eta, sizeof eta, ", ~%.0f s left", left);
  }
  std::fprintf(stderr, "\r\033[K[%s] %3.0f%%  %llu/%llu %s  %.1f s%s", bar.c_str(), 100.0 * frac,
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
               what_.c_str(), elapsed, eta);
  std::fflush(stderr);
  drawn_ = true;
}

} // namespace passage::app
