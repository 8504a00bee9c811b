#pragma once
// Lead time: how early a health score warns before churn. For a lead of k periods, each account's
// score k periods before its churn period (or, for an account that stayed, k periods before the
// period after the history's last) is backtested against whether it churned (health/backtest.hpp:
// exact AUC, churn by decile and by band; Brier when probabilities are given).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "cssegment/core/validate.hpp"
#include "cssegment/health/backtest.hpp"
#include "cssegment/health/history.hpp"

namespace cssegment {

struct LeadBacktest {
  std::int64_t lead = 0;
  BacktestResult backtest;
  double brier = NAN;  // of the probabilities, when given
  std::vector<std::size_t> rows;  // the history rows backtested (one per account), ascending
};

// `reference` (per account code): the ordinal of its churn period, or the history's last period + 1 for
// accounts that stayed (churned[a] = 0). `probability` is empty or one per row.
inline std::vector<LeadBacktest> backtest_lead(std::span<const double> score, std::span<const std::int8_t> band,
                                               std::size_t bands, std::span<const double> probability,
                                               std::span<const std::int32_t> account, const HistoryIndex& index,
                                               std::span<const std::int64_t> reference, std::span<const double> churned,
                                               std::span<const std::int64_t> leads) {
  check_same_length("band", band.size(), "score", score.size());
  check_same_length("account", account.size(), "score", score.size());
  check_same_length("reference", reference.size(), "accounts", index.accounts);
  check_same_length("churned", churned.size(), "accounts", index.accounts);
  if (!probability.empty()) check_same_length("probability", probability.size(), "score", score.size());
  require(!leads.empty(), "leads", "give at least one lead (periods before churn)");
  require(index.period_count() > 0, "history", "is empty");
  const std::int64_t length = index.periods.back() - index.periods.front() + 1;
  for (std::size_t j = 0; j < leads.size(); ++j)
    if (leads[j] <= 0 || leads[j] > length)
      fail_at("leads", j, std::to_string(leads[j]),
              "leads must be between 1 and the history's length (" + std::to_string(length) + " periods)");
  std::vector<LeadBacktest> results;
  for (const std::int64_t lead : leads) {
    LeadBacktest result;
    result.lead = lead;
    std::vector<double> health, outcome, chance;
    std::vector<std::int8_t> codes;
    for (std::size_t i = 0; i < score.size(); ++i) {
      const auto a = static_cast<std::size_t>(account[i]);
      if (index.periods[static_cast<std::size_t>(index.period_index[i])] != reference[a] - lead || std::isnan(score[i]))
        continue;
      result.rows.push_back(i);
      health.push_back(score[i]), codes.push_back(band[i]), outcome.push_back(churned[a]);
      if (!probability.empty()) chance.push_back(probability[i]);
    }
    try {
      result.backtest = backtest(health, codes, bands, outcome);
      if (!probability.empty()) result.brier = brier(chance, outcome);
    } catch (const InvalidInput& error) {
      fail("leads", "lead " + std::to_string(lead) + ": " + error.what());
    }
    results.push_back(std::move(result));
  }
  return results;
}

}  // namespace cssegment
