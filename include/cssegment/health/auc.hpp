#pragma once
// Exact ROC AUC, in two forms over one rank summary: roc_auc(y_true, y_score), scikit-learn's
// roc_auc_score (the probability that a positive scored higher than a negative, ties counting
// half), and health_auc(health, outcome), the health-oriented form (the probability that an
// account that churned scored lower than one that stayed). The rank summary sorts the scores of the
// two classes (radix sort, both in parallel) and merges them once: O(n) passes after an
// O(n log n)-class sort, with integer counts so that it is exact.
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "cssegment/core/parallel.hpp"
#include "cssegment/core/validate.hpp"
#include "cssegment/health/calibrate.hpp"

namespace cssegment {

namespace detail {

// Order-preserving map of doubles (no NaN) to unsigned keys; -0 and +0 map alike.
inline std::uint64_t sort_key(double value) {
  const auto bits = std::bit_cast<std::uint64_t>(value == 0.0 ? 0.0 : value);
  return (bits >> 63) != 0 ? ~bits : bits | (std::uint64_t{1} << 63);
}

inline double from_sort_key(std::uint64_t key) {
  return std::bit_cast<double>((key >> 63) != 0 ? key & ~(std::uint64_t{1} << 63) : ~key);
}

// Sorts keys in place: LSD radix sort on 16-bit digits, skipping digits all keys share.
inline void radix_sort(std::vector<std::uint64_t>& keys) {
  if (keys.size() < 1024) {
    std::sort(keys.begin(), keys.end());
    return;
  }
  std::vector<std::uint64_t> buffer(keys.size());
  std::vector<std::size_t> counts(1u << 16);
  for (int shift = 0; shift < 64; shift += 16) {
    std::fill(counts.begin(), counts.end(), 0);
    for (auto key : keys) ++counts[(key >> shift) & 0xFFFF];
    if (counts[(keys[0] >> shift) & 0xFFFF] == keys.size()) continue;
    std::size_t offset = 0;
    for (auto& count : counts) {
      const std::size_t here = count;
      count = offset, offset += here;
    }
    for (auto key : keys) buffer[counts[(key >> shift) & 0xFFFF]++] = key;
    keys.swap(buffer);
  }
}

struct RankSummary {
  double auc = NAN;
  std::array<double, 9> decile_cuts{};  // a score above cut d is in decile d + 1 or higher
};

// Exact AUC = P(an account whose outcome is `lower_class` scored lower than one whose outcome is
// not), ties half, over the scores that are not NaN; and the decile cuts of those scores:
// decile(x) counts the cuts below x, so decile d holds the scores with [d n / 10, (d + 1) n / 10)
// of the scores strictly below them, and ties always share a decile. The AUC is NaN when one class
// has no scored account. Built from the distinct scores in increasing order with their counts in
// each class (integers, so that it is exact whatever the order in which the counts were summed).
class RankWalk {
public:
  // n1, n0: the scored accounts of the lower class and of the other.
  RankWalk(std::size_t n1, std::size_t n0) : n1_(n1), n0_(n0) {}

  // The next distinct score (as a sort_key, above every one added before), held by c1 accounts of
  // the lower class and c0 of the other.
  void add(std::uint64_t key, std::size_t c1, std::size_t c0) {
    others_seen_ += c0;
    twice_lower_ += static_cast<std::uint64_t>(c1) * (2 * (n0_ - others_seen_) + c0);
    // Cut d (1-based) is the score at sorted position ceil(d n / 10) - 1.
    const std::size_t n = n1_ + n0_;
    while (next_cut_ < 9 && ((next_cut_ + 1) * n + 9) / 10 - 1 < below_ + c1 + c0)
      summary_.decile_cuts[next_cut_++] = from_sort_key(key);
    below_ += c1 + c0;
  }

  RankSummary summary() const {
    RankSummary summary = summary_;
    if (n1_ > 0 && n0_ > 0)
      summary.auc = static_cast<double>(twice_lower_) / (2.0 * static_cast<double>(n1_) * static_cast<double>(n0_));
    return summary;
  }

private:
  std::size_t n1_, n0_;
  // twice_lower = 2 * #{(lower-class, other) pairs with the lower-class one scored lower} + #{ties}.
  std::uint64_t twice_lower_ = 0;
  std::size_t others_seen_ = 0, below_ = 0, next_cut_ = 0;
  RankSummary summary_;
};

// The sort keys of the scores that are not NaN, split by class (outcome == lower_class or not),
// each sorted (radix sort, both in parallel).
inline std::pair<std::vector<std::uint64_t>, std::vector<std::uint64_t>> sorted_by_class(
    std::span<const double> scores, std::span<const double> outcome, double lower_class) {
  std::vector<std::uint64_t> lower, other;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (std::isnan(scores[i])) continue;
    (outcome[i] == lower_class ? lower : other).push_back(sort_key(scores[i]));
  }
  parallel_for(2, 1, [&](std::size_t begin, std::size_t) { radix_sort(begin == 0 ? lower : other); });
  return {std::move(lower), std::move(other)};
}

// Calls visit(key, c1, c0) for each distinct key of the two sorted arrays, in increasing order,
// with its count in `lower` and in `other`.
template <class Visit>
void for_each_distinct(const std::vector<std::uint64_t>& lower, const std::vector<std::uint64_t>& other, Visit visit) {
  const std::size_t n1 = lower.size(), n0 = other.size();
  std::size_t a = 0, b = 0;
  while (a < n1 || b < n0) {
    const std::uint64_t key = b == n0 || (a < n1 && lower[a] < other[b]) ? lower[a] : other[b];
    std::size_t c1 = 0, c0 = 0;
    while (a < n1 && lower[a] == key) ++a, ++c1;
    while (b < n0 && other[b] == key) ++b, ++c0;
    visit(key, c1, c0);
  }
}

// The RankWalk of `scores` (NaN left out). health_auc counts the churned (1) as lower, roc_auc the
// negatives (0).
inline RankSummary rank_summary(std::span<const double> scores, std::span<const double> outcome, double lower_class) {
  const auto [lower, other] = sorted_by_class(scores, outcome, lower_class);
  RankWalk walk(lower.size(), other.size());
  for_each_distinct(lower, other, [&](std::uint64_t key, std::size_t c1, std::size_t c0) { walk.add(key, c1, c0); });
  return walk.summary();
}

inline void check_scores(std::string_view argument, std::span<const double> scores, bool allow_missing) {
  for (std::size_t i = 0; i < scores.size(); ++i)
    if (std::isinf(scores[i]) || (!allow_missing && std::isnan(scores[i])))
      fail_at(argument, i, scores[i], "scores must be finite");
}

}  // namespace detail

// Exact ROC AUC in scikit-learn's order and meaning: P(a positive (1) scored higher than a negative
// (0)), ties half. Equal to sklearn.metrics.roc_auc_score(y_true, y_score). Scores must be finite;
// y_true 0/1 with both classes present.
inline double roc_auc(std::span<const double> y_true, std::span<const double> y_score) {
  check_same_length("y_true", y_true.size(), "y_score", y_score.size());
  detail::check_scores("y_score", y_score, false);
  check_outcome("y_true", y_true);
  return detail::rank_summary(y_score, y_true, 0.0).auc;
}

// Exact AUC of a health score (lower = riskier): P(a churned account (outcome 1) scored lower than a
// retained one (0)), ties half. Equal to sklearn.metrics.roc_auc_score(outcome, -health) and to
// roc_auc(outcome, -health).
inline double health_auc(std::span<const double> health, std::span<const double> outcome) {
  check_same_length("outcome", outcome.size(), "health", health.size());
  detail::check_scores("health", health, false);
  check_outcome("outcome", outcome);
  return detail::rank_summary(health, outcome, 1.0).auc;
}

// The health-oriented AUC under its name before 0.2.0.
[[deprecated("use health_auc")]] inline double auc(std::span<const double> health, std::span<const double> churned) {
  return health_auc(health, churned);
}

}  // namespace cssegment
