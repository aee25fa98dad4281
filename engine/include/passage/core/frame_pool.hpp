#pragma once
//! A size-class free-list allocator for coroutine frames: per-thread free lists
//! over slabs that live as long as the process, so after warm-up a replication
//! starts and ends processes without touching the system allocator.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace passage::engine {

class FramePool
{
public:
  static constexpr std::size_t kGranule = 64;
  static constexpr std::size_t kClasses = 64; // frames up to 4 KiB pooled
  static constexpr std::size_t kSlabBytes = 256 * 1024;

  void* allocate(std::size_t n)
  {
    const std::size_t c = (n + kGranule - 1) / kGranule;
    if (c >= kClasses) {
      return ::operator new(n);
    }
    if (FreeBlock* b = free_[c]) {
      free_[c] = b->next;
      return b;
    }
    return carve(c * kGranule);
  }

  void deallocate(void* p, std::size_t n) noexcept
  {
    const std::size_t c = (n + kGranule - 1) / kGranule;
    if (c >= kClasses) {
      ::operator delete(p);
      return;
    }
    auto* b = static_cast<FreeBlock*>(p);
    b->next = free_[c];
    free_[c] = b;
  }

  //! Whether `p` lies in a slab of the pools (for tests: it takes a lock).
  static bool pooled(const void* p) { return slabs().contains(p); }

  //! The pool of the calling thread.
  static FramePool& local()
  {
    thread_local FramePool pool;
    return pool;
  }

private:
  struct FreeBlock
  {
    FreeBlock* next;
  };

  void* carve(std::size_t bytes)
  {
    if (slab_left_ < bytes) {
      slab_cursor_ = slabs().take(kSlabBytes);
      slab_left_ = kSlabBytes;
    }
    void* p = slab_cursor_;
    slab_cursor_ += bytes;
    slab_left_ -= bytes;
    return p;
  }

  // Slabs belong to the process, not to a thread: a frame allocated on one
  // thread may be destroyed on another (a worker's simulation is torn down by
  // whoever destroys the runner), and its block then sits on that thread's
  // free list. Slabs are returned only at exit, when no frame is alive.
  class SlabStore
  {
  public:
    std::byte* take(std::size_t n)
    {
      std::lock_guard<std::mutex> lock(mutex_);
      slabs_.push_back(std::unique_ptr<std::byte[]>(new std::byte[n]));
      return slabs_.back().get();
    }

    bool contains(const void* p)
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const auto* b = static_cast<const std::byte*>(p);
      for (const auto& s : slabs_) {
        // Compare as integers: relational operators on unrelated pointers are unspecified.
        const auto lo = reinterpret_cast<std::uintptr_t>(s.get());
        const auto x = reinterpret_cast<std::uintptr_t>(b);
        if (x >= lo && x < lo + kSlabBytes) {
          return true;
        }
      }
      return false;
    }

  private:
    std::mutex mutex_;
    std::vector<std::unique_ptr<std::byte[]>> slabs_;
  };
  static SlabStore& slabs()
  {
    static SlabStore store;
    return store;
  }

  std::array<FreeBlock*, kClasses> free_{};
  std::byte* slab_cursor_ = nullptr;
  std::size_t slab_left_ = 0;
};

} // namespace passage::engine
