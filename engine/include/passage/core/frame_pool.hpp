#pragma once
//! A size-class free-list allocator for coroutine frames. Frames are carved out of
//! slabs that live as long as the thread, so after warm-up a replication starts and
//! ends processes without touching the system allocator.

#include <array>
#include <cstddef>
#include <memory>
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
      slabs_.push_back(std::make_unique<std::byte[]>(kSlabBytes));
      slab_cursor_ = slabs_.back().get();
      slab_left_ = kSlabBytes;
    }
    void* p = slab_cursor_;
    slab_cursor_ += bytes;
    slab_left_ -= bytes;
    return p;
  }

  std::array<FreeBlock*, kClasses> free_{};
  std::vector<std::unique_ptr<std::byte[]>> slabs_;
  std::byte* slab_cursor_ = nullptr;
  std::size_t slab_left_ = 0;
};

} // namespace passage::engine
