#pragma once
// Backtests of a health score against what happened: exact AUC (health/auc.hpp: the probability
// that an account that churned scored lower than one that stayed, ties counting half), Brier score,
// and churn by score decile and by band.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
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
  const auto summary = detail::rank_summary(health, churned, 1.0);
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
