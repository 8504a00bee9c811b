#pragma once
// Large working arrays that are written in full right after they are allocated (a table of rows in
// another order, a per-row index). Two costs of std::vector<T>(n) are avoidable for them:
//   - the zero fill: a pass over memory that is overwritten at once, and which, on fresh pages,
//     takes every page fault in the allocating thread instead of in the threads that fill it;
//   - 4 KiB pages: an array of tens of MB costs thousands of page faults. Where the platform has
//     transparent huge pages (Linux madvise(MADV_HUGEPAGE), as numpy does for its arrays of 4 MiB
//     and more), arrays of 4 MiB and more are aligned to 2 MiB and asked to use them.
// FillAllocator<T> does both for trivially default-constructible T: elements inserted without a
// value are left uninitialised (default-initialised, not value-initialised). Elements inserted with
// a value (assign(n, v), push_back) are as in std::vector. CSSEGMENT_HUGE_PAGES=0 turns the hint
// off (the standard fallback; the portable CI stage compiles it).
#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#ifndef CSSEGMENT_HUGE_PAGES
#if defined(__linux__) && defined(__has_include)
#if __has_include(<sys/mman.h>)
#define CSSEGMENT_HUGE_PAGES 1
#endif
#endif
#endif
#ifndef CSSEGMENT_HUGE_PAGES
#define CSSEGMENT_HUGE_PAGES 0
#endif
#if CSSEGMENT_HUGE_PAGES
#include <sys/mman.h>
#endif

namespace cssegment {

inline constexpr std::size_t huge_page_bytes = std::size_t{2} << 20;
inline constexpr std::size_t huge_page_threshold_bytes = std::size_t{4} << 20;

template <class T>
struct FillAllocator {
  static_assert(std::is_trivially_default_constructible_v<T> && std::is_trivially_destructible_v<T>);
  using value_type = T;

  FillAllocator() noexcept = default;
  template <class U>
  explicit FillAllocator(const FillAllocator<U>&) noexcept {}

  static bool large(std::size_t n) noexcept { return n * sizeof(T) >= huge_page_threshold_bytes; }

  T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    if (!large(n)) return static_cast<T*>(::operator new(n * sizeof(T)));
    void* memory = ::operator new(n * sizeof(T), std::align_val_t{huge_page_bytes});
#if CSSEGMENT_HUGE_PAGES && defined(MADV_HUGEPAGE)
    // Only a hint: where the kernel declines (THP off), the pages are ordinary ones.
    static_cast<void>(::madvise(memory, n * sizeof(T), MADV_HUGEPAGE));
#endif
    return static_cast<T*>(memory);
  }

  void deallocate(T* memory, std::size_t n) noexcept {
    if (large(n)) ::operator delete(memory, std::align_val_t{huge_page_bytes});
    else ::operator delete(memory);
  }

  template <class U>
  void construct(U* at) noexcept {
    ::new (static_cast<void*>(at)) U;  // default-initialised: no zero fill
  }
  template <class U, class... Arguments>
  void construct(U* at, Arguments&&... arguments) {
    ::new (static_cast<void*>(at)) U(std::forward<Arguments>(arguments)...);
  }

  template <class U>
  bool operator==(const FillAllocator<U>&) const noexcept {
    return true;
  }
};

// A vector for large working arrays (see the top of this file).
template <class T>
using FillVector = std::vector<T, FillAllocator<T>>;

}  // namespace cssegment
