#pragma once
// Row-parallel loops. Work is split into contiguous chunks whose boundaries depend only on the
// row count, so results never depend on how many threads ran them.
#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace cssegment {

inline std::size_t default_thread_count() {
  const unsigned hardware = std::thread::hardware_concurrency();
  return hardware == 0 ? 1 : hardware;
}

// Calls body(begin, end) on chunks covering [0, n). Small inputs run on the calling thread.
// The first exception thrown by any chunk is rethrown on the caller.
template <class Body>
void parallel_for(std::size_t n, std::size_t min_chunk, Body&& body) {
  const std::size_t threads = std::min(default_thread_count(), std::max<std::size_t>(1, n / std::max<std::size_t>(1, min_chunk)));
  if (threads <= 1) {
    if (n > 0) body(std::size_t{0}, n);
    return;
  }
  const std::size_t chunk = (n + threads - 1) / threads;
  std::vector<std::exception_ptr> errors(threads);
  std::vector<std::thread> workers;
  workers.reserve(threads - 1);
  auto run = [&](std::size_t t) {
    const std::size_t begin = t * chunk, end = std::min(n, begin + chunk);
    try {
      if (begin < end) body(begin, end);
    } catch (...) {
      errors[t] = std::current_exception();
    }
  };
  for (std::size_t t = 1; t < threads; ++t) workers.emplace_back(run, t);
  run(0);
  for (auto& worker : workers) worker.join();
  for (auto& error : errors)
    if (error) std::rethrow_exception(error);
}

}  // namespace cssegment
