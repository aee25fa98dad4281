#pragma once
//! A plain std::thread pool, used instead of oneTBB in builds for
//! ThreadSanitizer (PASSAGE_STD_THREADS). The system oneTBB is not instrumented,
//! so the sanitizer cannot see its synchronisation and reports races inside it;
//! with this pool every hand-off is a mutex or an atomic the sanitizer sees, and
//! what it checks is our code: per-thread workers, the shared read-only model,
//! thread-local frame pools, the merging of results.
//!
//! Threads live as long as the pool, and thread k always runs with slot k, so
//! per-slot state (a worker and its coroutine frames) stays on one thread.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace passage::engine {

class ThreadPool
{
public:
  explicit ThreadPool(unsigned threads)
  {
    for (unsigned k = 0; k < threads; ++k) {
      threads_.emplace_back([this, k] { loop(k); });
    }
  }
  ~ThreadPool()
  {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      quit_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) {
      t.join();
    }
  }
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  unsigned size() const noexcept { return static_cast<unsigned>(threads_.size()); }

  //! fn(i, slot) for every i in [0, n), indices handed out dynamically. The
  //! first exception thrown is rethrown here once every thread has stopped.
  void run(std::uint64_t n, const std::function<void(std::uint64_t, unsigned)>& fn)
  {
    std::unique_lock<std::mutex> lock(mutex_);
    fn_ = &fn;
    n_ = n;
    next_.store(0);
    error_ = nullptr;
    busy_ = static_cast<unsigned>(threads_.size());
    ++generation_;
    wake_.notify_all();
    done_.wait(lock, [this] { return busy_ == 0; });
    fn_ = nullptr;
    if (error_) {
      std::rethrow_exception(error_);
    }
  }

private:
  void loop(unsigned slot)
  {
    std::uint64_t seen = 0;
    for (;;) {
      const std::function<void(std::uint64_t, unsigned)>* fn = nullptr;
      std::uint64_t n = 0;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return quit_ || generation_ != seen; });
        if (quit_) {
          return;
        }
        seen = generation_;
        fn = fn_;
        n = n_;
      }
      for (std::uint64_t i = next_.fetch_add(1); i < n; i = next_.fetch_add(1)) {
        try {
          (*fn)(i, slot);
        } catch (...) {
          std::lock_guard<std::mutex> lock(mutex_);
          if (!error_) {
            error_ = std::current_exception();
          }
          next_.store(n);
        }
      }
      std::lock_guard<std::mutex> lock(mutex_);
      if (--busy_ == 0) {
        done_.notify_all();
      }
    }
  }

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  const std::function<void(std::uint64_t, unsigned)>* fn_ = nullptr;
  std::uint64_t n_ = 0;
  std::atomic<std::uint64_t> next_{ 0 };
  std::uint64_t generation_ = 0;
  unsigned busy_ = 0;
  bool quit_ = false;
  std::exception_ptr error_;
};

} // namespace passage::engine
