#pragma once
// The counts a backtest is made of (health/backtest.hpp), mergeable: per distinct score, how many
// accounts churned and stayed; per band, its group. Partitions of a book each count their own
// accounts; the merged counts give the backtest of the whole book exactly (cssegment.dask).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "cssegment/core/validate.hpp"
#include "cssegment/health/auc.hpp"

namespace cssegment {

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

// What a backtest needs of a set of accounts, mergeable across sets (partitions of a book): for each
// distinct score (sorted), how many accounts holding it churned and how many stayed; each band's
// group; the count of unscored accounts. All integers (and the min and max of each band), so
// merging in any order gives the same counts, and result() the same backtest as on all the
// accounts at once: backtest() is BacktestCounts::of(...).result().
class BacktestCounts {
public:
  BacktestCounts() = default;

  // From stored counts (as to_parts gives them), checked.
  BacktestCounts(std::vector<double> scores, std::vector<std::size_t> churned, std::vector<std::size_t> retained,
                 std::vector<ChurnGroup> bands, std::size_t unscored)
      : churned_(std::move(churned)), retained_(std::move(retained)), bands_(std::move(bands)), unscored_(unscored) {
    check_same_length("churned", churned_.size(), "scores", scores.size());
    check_same_length("retained", retained_.size(), "scores", scores.size());
    keys_.reserve(scores.size());
    for (std::size_t i = 0; i < scores.size(); ++i) {
      if (!std::isfinite(scores[i])) fail_at("scores", i, scores[i], "scores must be finite");
      keys_.push_back(detail::sort_key(scores[i]));
      if (i > 0 && !(keys_[i - 1] < keys_[i])) fail_at("scores", i, scores[i], "must be increasing");
      if (churned_[i] + retained_[i] == 0) fail_at("churned", i, "0", "a listed score needs an account");
    }
    for (std::size_t b = 0; b < bands_.size(); ++b)
      if (bands_[b].churned > bands_[b].accounts)
        fail_at("bands", b, std::to_string(bands_[b].churned), "more churned than accounts");
  }

  // Scores (NaN: unscored) with their bands (codes into `bands` labels, -1 where unscored) and 0/1
  // outcomes.
  static BacktestCounts of(std::span<const double> health, std::span<const std::int8_t> band, std::size_t bands,
                           std::span<const double> churned) {
    check_same_length("churned", churned.size(), "health", health.size());
    check_same_length("band", band.size(), "health", health.size());
    detail::check_scores("health", health, true);
    for (std::size_t i = 0; i < churned.size(); ++i)
      if (!(churned[i] == 0.0 || churned[i] == 1.0)) fail_at("outcome", i, churned[i], "outcomes must be 0 or 1");
    BacktestCounts counts;
    counts.bands_.resize(bands);
    for (std::size_t i = 0; i < health.size(); ++i) {
      if (std::isnan(health[i])) {
        ++counts.unscored_;
        continue;
      }
      if (band[i] < 0 || static_cast<std::size_t>(band[i]) >= bands)
        fail_at("band", i, std::to_string(band[i]), "band code out of range for a scored account");
      add(counts.bands_[static_cast<std::size_t>(band[i])], health[i], 1, churned[i] == 1.0);
    }
    const auto [lost, kept] = detail::sorted_by_class(health, churned, 1.0);
    detail::for_each_distinct(lost, kept, [&counts](std::uint64_t key, std::size_t c1, std::size_t c0) {
      counts.keys_.push_back(key), counts.churned_.push_back(c1), counts.retained_.push_back(c0);
    });
    return counts;
  }

  // Adds `other`'s accounts (the same bands).
  BacktestCounts& merge(const BacktestCounts& other) {
    check_same_length("other bands", other.bands_.size(), "bands", bands_.size());
    std::vector<std::uint64_t> keys;
    std::vector<std::size_t> churned, retained;
    keys.reserve(keys_.size() + other.keys_.size());
    churned.reserve(keys.capacity()), retained.reserve(keys.capacity());
    std::size_t a = 0, b = 0;
    while (a < keys_.size() || b < other.keys_.size()) {
      const bool mine = b == other.keys_.size() || (a < keys_.size() && keys_[a] <= other.keys_[b]);
      const bool theirs = a == keys_.size() || (b < other.keys_.size() && other.keys_[b] <= keys_[a]);
      keys.push_back(mine ? keys_[a] : other.keys_[b]);
      churned.push_back((mine ? churned_[a] : 0) + (theirs ? other.churned_[b] : 0));
      retained.push_back((mine ? retained_[a] : 0) + (theirs ? other.retained_[b] : 0));
      a += mine, b += theirs;
    }
    keys_.swap(keys), churned_.swap(churned), retained_.swap(retained);
    for (std::size_t g = 0; g < bands_.size(); ++g) {
      ChurnGroup& mine = bands_[g];
      const ChurnGroup& theirs = other.bands_[g];
      if (theirs.accounts == 0) continue;
      mine.min_score = mine.accounts == 0 ? theirs.min_score : std::min(mine.min_score, theirs.min_score);
      mine.max_score = mine.accounts == 0 ? theirs.max_score : std::max(mine.max_score, theirs.max_score);
      mine.accounts += theirs.accounts, mine.churned += theirs.churned;
    }
    unscored_ += other.unscored_;
    return *this;
  }

  BacktestResult result() const {
    std::size_t n1 = 0, n0 = 0;
    for (std::size_t k = 0; k < keys_.size(); ++k) n1 += churned_[k], n0 += retained_[k];
    BacktestResult result;
    result.accounts = n1 + n0, result.churned = n1, result.unscored = unscored_, result.bands = bands_;
    if (result.accounts == 0) fail("health", "no account has a score (too few measures present?); nothing to backtest");
    if (n1 == 0 || n0 == 0)
      fail("outcome", "the scored accounts are all " + std::string(n1 == 0 ? "retained" : "churned") +
                          "; a backtest needs both outcomes");
    detail::RankWalk walk(n1, n0);
    for (std::size_t k = 0; k < keys_.size(); ++k) walk.add(keys_[k], churned_[k], retained_[k]);
    const auto summary = walk.summary();
    result.auc = summary.auc;
    result.deciles.resize(10);
    for (std::size_t k = 0; k < keys_.size(); ++k) {
      const double score = detail::from_sort_key(keys_[k]);
      std::size_t decile = 0;
      for (double cut : summary.decile_cuts) decile += score > cut;
      add(result.deciles[decile], score, churned_[k] + retained_[k], churned_[k]);
    }
    return result;
  }

  // The distinct scores, increasing.
  std::vector<double> scores() const {
    std::vector<double> scores(keys_.size());
    for (std::size_t k = 0; k < keys_.size(); ++k) scores[k] = detail::from_sort_key(keys_[k]);
    return scores;
  }
  const std::vector<std::size_t>& churned() const { return churned_; }
  const std::vector<std::size_t>& retained() const { return retained_; }
  const std::vector<ChurnGroup>& bands() const { return bands_; }
  std::size_t unscored() const { return unscored_; }

private:
  // Adds `accounts` accounts scored `score` (`lost` of them churned) to `group`.
  static void add(ChurnGroup& group, double score, std::size_t accounts, std::size_t lost) {
    group.min_score = group.accounts == 0 ? score : std::min(group.min_score, score);
    group.max_score = group.accounts == 0 ? score : std::max(group.max_score, score);
    group.accounts += accounts, group.churned += lost;
  }

  std::vector<std::uint64_t> keys_;  // detail::sort_key of the distinct scores, increasing
  std::vector<std::size_t> churned_, retained_;
  std::vector<ChurnGroup> bands_;
  std::size_t unscored_ = 0;
};

}  // namespace cssegment
