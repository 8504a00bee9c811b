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
#include "cssegment/health/backtest_counts.hpp"

namespace cssegment {

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
  return BacktestCounts::of(health, band, bands, churned).result();
}

}  // namespace cssegment
