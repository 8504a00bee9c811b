#pragma once
// Backtests of a health score against what happened: exact AUC (the probability that an account
// that churned scored lower than one that stayed, ties counting half), Brier score, and churn by
// score decile and by band. The AUC sorts the churned and the retained scores (radix sort, both in
// parallel) and merges them once: O(n) passes after an O(n log n)-class sort, with integer counts so
// that it is exact.
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
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

}  // namespace detail

// Counts of accounts and churned accounts in one group (decile or band), and its score range.
struct ChurnGroup {
  std::size_t accounts = 0;
  std::size_t churned = 0;
  double min_score = NAN;
  double max_score = NAN;
};

struct BacktestResult {
  double auc = NAN;
  std::size_t accounts = 0;  // scored accounts
  std::size_t churned = 0;   // among them
  std::size_t unscored = 0;  // accounts without a score (too few measures), left out of every figure
  std::vector<ChurnGroup> deciles;
  std::vector<ChurnGroup> bands;
};

namespace detail {

struct RankSummary {
  double auc = NAN;
  std::array<double, 9> decile_cuts{};  // a score above cut d is in decile d + 1 or higher
};

// Exact AUC of `health` (lower for churned) and the decile cuts: decile(x) counts the cuts below x,
// so decile d holds the scores with [d n / 10, (d + 1) n / 10) of the scores strictly below them,
// and ties always share a decile.
inline RankSummary rank_summary(std::span<const double> health, std::span<const double> churned) {
  std::vector<std::uint64_t> lost, kept;
  for (std::size_t i = 0; i < health.size(); ++i) {
    if (std::isnan(health[i])) continue;
    (churned[i] == 1.0 ? lost : kept).push_back(sort_key(health[i]));
  }
  parallel_for(2, 1, [&](std::size_t begin, std::size_t) { radix_sort(begin == 0 ? lost : kept); });
  const std::size_t n1 = lost.size(), n0 = kept.size(), n = n1 + n0;
  RankSummary summary;
  // twice_lower = 2 * #{(churned, retained) pairs with the churned scored lower} + #{ties}.
  std::uint64_t twice_lower = 0;
  std::size_t a = 0, b = 0, below = 0, next_cut = 0;
  while (a < n1 || b < n0) {
    const std::uint64_t key = b == n0 || (a < n1 && lost[a] < kept[b]) ? lost[a] : kept[b];
    std::size_t c1 = 0, c0 = 0;
    while (a < n1 && lost[a] == key) ++a, ++c1;
    while (b < n0 && kept[b] == key) ++b, ++c0;
    twice_lower += static_cast<std::uint64_t>(c1) * (2 * (n0 - b) + c0);
    // Cut d (1-based) is the score at sorted position ceil(d n / 10) - 1.
    while (next_cut < 9 && ((next_cut + 1) * n + 9) / 10 - 1 < below + c1 + c0)
      summary.decile_cuts[next_cut++] = from_sort_key(key);
    below += c1 + c0;
  }
  if (n1 > 0 && n0 > 0)
    summary.auc = static_cast<double>(twice_lower) / (2.0 * static_cast<double>(n1) * static_cast<double>(n0));
  return summary;
}

inline void check_scores(std::string_view argument, std::span<const double> scores, bool allow_missing) {
  for (std::size_t i = 0; i < scores.size(); ++i)
    if (std::isinf(scores[i]) || (!allow_missing && std::isnan(scores[i])))
      fail_at(argument, i, scores[i], "scores must be finite");
}

}  // namespace detail

// Exact AUC of a health score: P(a churned account scored lower than a retained one), ties half.
// Equal to sklearn.metrics.roc_auc_score(churned, -health).
inline double auc(std::span<const double> health, std::span<const double> churned) {
  check_same_length("churned", churned.size(), "health", health.size());
  detail::check_scores("health", health, false);
  check_outcome("churned", churned);
  return detail::rank_summary(health, churned).auc;
}

// Mean squared difference between predicted probabilities and 0/1 outcomes.
inline double brier(std::span<const double> probability, std::span<const double> outcome) {
  check_same_length("outcome", outcome.size(), "probability", probability.size());
  require(!probability.empty(), "probability", "is empty");
  double sum = 0.0;
  for (std::size_t i = 0; i < probability.size(); ++i) {
    if (!(probability[i] >= 0.0 && probability[i] <= 1.0))
      fail_at("probability", i, probability[i], "probabilities must be in [0, 1]");
    if (!(outcome[i] == 0.0 || outcome[i] == 1.0)) fail_at("outcome", i, outcome[i], "outcomes must be 0 or 1");
    sum += (probability[i] - outcome[i]) * (probability[i] - outcome[i]);
  }
  return sum / static_cast<double>(probability.size());
}

// Backtest of scores (NaN: unscored, left out) with their bands (codes into `bands` labels, -1
// where unscored) against 0/1 outcomes.
inline BacktestResult backtest(std::span<const double> health, std::span<const std::int8_t> band, std::size_t bands,
                               std::span<const double> churned) {
  check_same_length("churned", churned.size(), "health", health.size());
  check_same_length("band", band.size(), "health", health.size());
  detail::check_scores("health", health, true);
  for (std::size_t i = 0; i < churned.size(); ++i)
    if (!(churned[i] == 0.0 || churned[i] == 1.0)) fail_at("outcome", i, churned[i], "outcomes must be 0 or 1");
  const auto summary = detail::rank_summary(health, churned);
  BacktestResult result;
  result.auc = summary.auc;
  result.deciles.resize(10);
  result.bands.resize(bands);
  auto add = [](ChurnGroup& group, double score, bool lost) {
    ++group.accounts, group.churned += lost;
    group.min_score = group.accounts == 1 ? score : std::min(group.min_score, score);
    group.max_score = group.accounts == 1 ? score : std::max(group.max_score, score);
  };
  for (std::size_t i = 0; i < health.size(); ++i) {
    if (std::isnan(health[i])) {
      ++result.unscored;
      continue;
    }
    if (band[i] < 0 || static_cast<std::size_t>(band[i]) >= bands)
      fail_at("band", i, std::to_string(band[i]), "band code out of range for a scored account");
    const bool lost = churned[i] == 1.0;
    ++result.accounts, result.churned += lost;
    std::size_t decile = 0;
    for (double cut : summary.decile_cuts) decile += health[i] > cut;
    add(result.deciles[decile], health[i], lost);
    add(result.bands[static_cast<std::size_t>(band[i])], health[i], lost);
  }
  if (result.accounts == 0) fail("health", "no account has a score (too few measures present?); nothing to backtest");
  if (result.churned == 0 || result.churned == result.accounts)
    fail("outcome", "the scored accounts are all " + std::string(result.churned == 0 ? "retained" : "churned") +
                        "; a backtest needs both outcomes");
  return result;
}

}  // namespace cssegment
