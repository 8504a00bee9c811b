#pragma once
// Row-parallel loops. Rows are cut into chunks whose boundaries depend only on the row count;
// threads take chunks from a shared counter, so a core busy with other work delays little, and
// results never depend on how many threads ran or which thread took which chunk.
//
// Thread safety of the library: every model (TierModel, QuadrantModel, RuleModel, KMeans,
// CadencePolicy, Scorecard, ScorecardSet, CalibratedScorecard, ShiftedBetaGeometric) and every
// result type (RevenueLedger, AccountSegments, PartialSums) is safe for concurrent `const` use:
// any number of threads may call const member functions (assign, predict, score, predict_proba,
// survival, lifetime_value, to_json, ...) and the free functions that take them by const
// reference (movement_partials, retention_partials, cohort_sums, movement_table, ...) on one
// shared object at the same time, and each gets exactly the single-threaded result. Nothing is
// cached or mutated behind a const interface and there is no global state. Non-const calls
// (fit, merge, assignment) need exclusive access, as for any standard container: fitting a model
// while another thread uses it is a data race. tests/cpp/core/test_concurrency.cpp checks this
// under ThreadSanitizer (the `tsan` preset).
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace cssegment {

inline std::size_t default_thread_count() {
  const unsigned hardware = std::thread::hardware_concurrency();
  return hardware == 0 ? 1 : hardware;
}

// Calls body(begin, end) on chunks of about `chunk_rows` rows covering [0, n). Small inputs run
// on the calling thread. If chunks throw, the exception of the lowest chunk is rethrown, so an
// error names the same (first) offending row on every run. `max_threads` caps the threads used
// (0: one per hardware thread); tests use it to show that results do not depend on it.
template <class Body>
void parallel_for(std::size_t n, std::size_t chunk_rows, Body&& body, std::size_t max_threads = 0) {
  chunk_rows = std::max<std::size_t>(1, chunk_rows);
  const std::size_t chunks = (n + chunk_rows - 1) / chunk_rows;
  const std::size_t threads = std::min(max_threads == 0 ? default_thread_count() : max_threads, chunks);
  if (threads <= 1) {
    if (n > 0) body(std::size_t{0}, n);
    return;
  }
  std::vector<std::exception_ptr> errors(chunks);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t c = next.fetch_add(1); c < chunks; c = next.fetch_add(1)) {
      const std::size_t begin = c * chunk_rows, end = std::min(n, begin + chunk_rows);
      try {
        body(begin, end);
      } catch (...) {
        errors[c] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> workers;
  workers.reserve(threads - 1);
  for (std::size_t t = 1; t < threads; ++t) workers.emplace_back(work);
  work();
  for (auto& worker : workers) worker.join();
  for (auto& error : errors)
    if (error) std::rethrow_exception(error);
}

}  // namespace cssegment
