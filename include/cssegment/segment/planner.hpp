#pragma once
// Coverage planner: every combination of tier thresholds from a grid of candidates, each priced
// (CSMs, cost) and valued (expected churned and retained ARR) in O(tiers) after one sort of the
// accounts by ARR, through prefix sums. Plus the non-dominated frontier of cost vs retained ARR,
// and targeted coverage: the same tier sizes filled by expected saving instead of by ARR.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cssegment/core/summation.hpp"
#include "cssegment/core/validate.hpp"
#include "cssegment/segment/coverage.hpp"
#include "cssegment/segment/tier.hpp"

namespace cssegment {

// The largest grid evaluated: the product of the candidate counts of all boundaries.
inline constexpr std::size_t max_plan_combinations = 1'000'000;

// One row per evaluated combination; per-tier quantities are row-major (rows x tiers), the
// thresholds rows x (tiers - 1). accounts_moved is empty when no previous tiers were given.
struct PlanTable {
  std::size_t tiers = 0;
  std::vector<double> thresholds;
  std::vector<double> accounts;
  std::vector<double> csms_needed;
  std::vector<double> total_csms, cost, expected_churned_arr, expected_retained_arr, net_value;
  std::vector<double> accounts_moved;

  std::size_t rows() const { return cost.size(); }
};

// A probability of churning without coverage: in [0, 1], never missing.
inline void check_probabilities(std::string_view argument, std::span<const double> values) {
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!(values[i] >= 0.0 && values[i] <= 1.0)) fail_at(argument, i, values[i], "probabilities must be in [0, 1]");
}

// Effect factors, one per tier of `model`: multiply the churn probability of an account served by
// that tier; finite and >= 0.
inline void check_factors(const TierModel& model, std::span<const double> factors) {
  if (factors.size() != model.names().size())
    fail("effect",
         "has " + std::to_string(factors.size()) + " factors for " + std::to_string(model.names().size()) + " tiers");
  for (std::size_t k = 0; k < factors.size(); ++k)
    if (!(std::isfinite(factors[k]) && factors[k] >= 0.0))
      fail("effect",
           single_quoted(model.names()[k]) + " = " + format_number(factors[k]) + ": factors must be finite and >= 0");
}

class CoveragePlanner {
public:
  // `previous` is empty or one code per account into the model's tiers (-1 = none: such an account
  // counts as moved in every plan).
  CoveragePlanner(TierModel model, std::span<const double> arr, std::span<const double> churn,
                  std::span<const std::int32_t> previous = {})
      : model_(std::move(model)), n_(arr.size()) {
    check_nonnegative_finite("arr", arr);
    check_same_length("churn", churn.size(), "arr", arr.size());
    check_probabilities("churn", churn);
    const std::size_t tiers = model_.names().size();
    if (!previous.empty()) {
      check_same_length("previous", previous.size(), "arr", arr.size());
      check_codes<std::int32_t>("previous", previous, tiers);
    }
    // The accounts sorted by ARR as compact records (one pass over contiguous memory afterwards);
    // stable, so that equal ARR keeps input order and the sums are the same on every platform.
    struct Account {
      double arr, risk;  // risk = arr x churn
      std::int32_t previous;
    };
    std::vector<Account> sorted(n_);
    for (std::size_t i = 0; i < n_; ++i) sorted[i] = {arr[i], arr[i] * churn[i], previous.empty() ? -1 : previous[i]};
    std::stable_sort(sorted.begin(), sorted.end(), [](const Account& a, const Account& b) { return a.arr < b.arr; });
    sorted_arr_.resize(n_);
    churn_prefix_.assign(n_ + 1, 0.0);
    churn_carry_.assign(n_ + 1, 0.0);
    if (!previous.empty()) kept_prefix_.assign(tiers * (n_ + 1), 0);
    // Prefix sums of arr x churn, compensated: the running sum and its carried rounding error are
    // both kept, so that the difference of two prefixes (a tier's sum) keeps every cent.
    CompensatedSum churned, total;
    for (std::size_t j = 0; j < n_; ++j) {
      const Account& account = sorted[j];
      sorted_arr_[j] = account.arr;
      churned += account.risk;
      total += account.arr;
      churn_prefix_[j + 1] = churned.value() - churned.compensation();
      churn_carry_[j + 1] = churned.compensation();
      if (!previous.empty()) {
        for (std::size_t k = 0; k < tiers; ++k) kept_prefix_[k * (n_ + 1) + j + 1] = kept_prefix_[k * (n_ + 1) + j];
        if (account.previous >= 0) ++kept_prefix_[static_cast<std::size_t>(account.previous) * (n_ + 1) + j + 1];
      }
    }
    total_arr_ = total.value();
  }

  const TierModel& model() const { return model_; }
  double total_arr() const { return total_arr_; }

  // Every combination of one candidate per boundary (candidates[b] for the lower edge of tier b + 1)
  // whose edges are strictly ascending, in lexicographic order of the sorted candidates.
  PlanTable evaluate(const std::vector<std::vector<double>>& candidates, std::span<const double> factors,
                     double csm_cost, double margin) const {
    const std::size_t tiers = model_.names().size(), boundaries = tiers - 1;
    check_factors(model_, factors);
    check_csm_cost(csm_cost);
    if (!(std::isfinite(margin) && margin >= 0.0)) fail("margin", format_number(margin) + " must be finite and >= 0");
    if (candidates.size() != boundaries)
      fail("thresholds", "has candidates for " + std::to_string(candidates.size()) + " boundaries; the model has " +
                             std::to_string(boundaries));
    std::vector<std::vector<double>> grid(boundaries);
    std::vector<std::vector<std::size_t>> below(boundaries);  // accounts with arr < candidate
    double size = 1.0;
    for (std::size_t b = 0; b < boundaries; ++b) {
      const std::string argument = "thresholds[" + single_quoted(model_.names()[b + 1]) + "]";
      for (std::size_t c = 0; c < candidates[b].size(); ++c)
        if (!(candidates[b][c] > 0.0 && std::isfinite(candidates[b][c])))
          fail_at(argument, c, candidates[b][c], "thresholds must be finite and > 0");
      require(!candidates[b].empty(), argument, "has no candidates");
      grid[b] = candidates[b];
      std::sort(grid[b].begin(), grid[b].end());
      grid[b].erase(std::unique(grid[b].begin(), grid[b].end()), grid[b].end());
      size *= static_cast<double>(grid[b].size());
      // TierModel's rule (plain_tier): a value at or above a threshold is in the upper tier, so the
      // tiers below hold exactly the accounts with arr < threshold.
      for (double threshold : grid[b])
        below[b].push_back(static_cast<std::size_t>(
            std::lower_bound(sorted_arr_.begin(), sorted_arr_.end(), threshold) - sorted_arr_.begin()));
    }
    if (size > static_cast<double>(max_plan_combinations))
      fail("thresholds", "the grid has " + format_number(size) + " combinations; at most " +
                             std::to_string(max_plan_combinations) + " are evaluated");
    PlanTable table;
    table.tiers = tiers;
    std::vector<std::size_t> pick(boundaries, 0), edges(tiers + 1, 0);
    edges[tiers] = n_;
    // Odometer over the candidates, skipping the combinations whose edges are not ascending.
    const auto ascending = [&] {
      for (std::size_t b = 1; b < boundaries; ++b)
        if (!(grid[b][pick[b]] > grid[b - 1][pick[b - 1]])) return false;
      return true;
    };
    const auto advance = [&] {
      for (std::size_t b = boundaries; b-- > 0;) {
        if (++pick[b] < grid[b].size()) return true;
        pick[b] = 0;
      }
      return false;
    };
    bool more = true;
    if (boundaries == 0) {
      add_row(table, edges, factors, csm_cost, margin);
      more = false;
    }
    while (more) {
      if (ascending()) {
        for (std::size_t b = 0; b < boundaries; ++b) {
          table.thresholds.push_back(grid[b][pick[b]]);
          edges[b + 1] = below[b][pick[b]];
        }
        add_row(table, edges, factors, csm_cost, margin);
      }
      more = advance();
    }
    if (table.rows() == 0)
      fail("thresholds", "no combination of the candidates keeps the thresholds ascending from tier " +
                             single_quoted(model_.names()[1]) + " up");
    return table;
  }

private:
  // Sum of arr x churn over sorted accounts [begin, end).
  double churned_between(std::size_t begin, std::size_t end) const {
    return (churn_prefix_[end] - churn_prefix_[begin]) + (churn_carry_[end] - churn_carry_[begin]);
  }

  void add_row(PlanTable& table, const std::vector<std::size_t>& edges, std::span<const double> factors,
               double csm_cost, double margin) const {
    double csms = 0.0, churned = 0.0, kept = 0.0;
    for (std::size_t k = 0; k < table.tiers; ++k) {
      const auto accounts = static_cast<double>(edges[k + 1] - edges[k]);
      const double tier_csms = csms_needed(accounts, model_.csm_ratios()[k]);
      table.accounts.push_back(accounts);
      table.csms_needed.push_back(tier_csms);
      csms += tier_csms;
      churned += factors[k] * churned_between(edges[k], edges[k + 1]);
      if (!kept_prefix_.empty())
        kept += static_cast<double>(kept_prefix_[k * (n_ + 1) + edges[k + 1]] - kept_prefix_[k * (n_ + 1) + edges[k]]);
    }
    table.total_csms.push_back(csms);
    table.cost.push_back(csms * csm_cost);
    table.expected_churned_arr.push_back(churned);
    table.expected_retained_arr.push_back(total_arr_ - churned);
    table.net_value.push_back(margin * (total_arr_ - churned) - csms * csm_cost);
    if (!kept_prefix_.empty()) table.accounts_moved.push_back(static_cast<double>(n_) - kept);
  }

  TierModel model_;
  std::size_t n_;
  std::vector<double> sorted_arr_;
  std::vector<double> churn_prefix_, churn_carry_;
  std::vector<std::int64_t> kept_prefix_;  // tiers x (n + 1): accounts previously in tier k among the first j
  double total_arr_ = 0.0;
};

// Rows not dominated on (lower cost, higher retained ARR): no other row costs at most as much
// and retains at least as much with one of the two strictly better. 1 = on the frontier.
inline std::vector<std::int8_t> coverage_frontier(std::span<const double> cost, std::span<const double> retained) {
  check_same_length("retained", retained.size(), "cost", cost.size());
  std::vector<std::size_t> order(cost.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return cost[a] != cost[b] ? cost[a] < cost[b] : retained[a] > retained[b];
  });
  std::vector<std::int8_t> on(cost.size(), 0);
  double best_cheaper = -INFINITY;  // the most retained by any strictly cheaper row
  for (std::size_t g = 0; g < order.size();) {
    std::size_t end = g;
    while (end < order.size() && cost[order[end]] == cost[order[g]]) ++end;
    const double top = retained[order[g]];  // the group's best: first, by the sort
    if (top > best_cheaper)
      for (std::size_t j = g; j < end && retained[order[j]] == top; ++j) on[order[j]] = 1;
    best_cheaper = std::max(best_cheaper, top);
    g = end;
  }
  return on;
}

// Targeted coverage: the tier sizes `accounts` (one count per tier, summing to the number of
// accounts) filled by expected saving instead of by ARR. Accounts ranked by value = churn x (arr +
// potential) (potential optional), highest first, ties in input order, go to the tiers ranked by
// factor, lowest first (ties: the higher tier first). Without potential this maximises the
// expected retained ARR among all assignments with these tier sizes (rearrangement inequality).
struct TargetedPlan {
  std::vector<std::int32_t> codes;  // each account's tier
  double expected_churned_arr = 0.0;  // sum of arr x churn x factor(tier)
};

inline TargetedPlan targeted_tiers(const TierModel& model, std::span<const double> arr, std::span<const double> churn,
                                   std::span<const double> potential, std::span<const double> accounts,
                                   std::span<const double> factors) {
  check_nonnegative_finite("arr", arr);
  check_same_length("churn", churn.size(), "arr", arr.size());
  check_probabilities("churn", churn);
  if (!potential.empty()) {
    check_same_length("potential", potential.size(), "arr", arr.size());
    check_nonnegative_finite("potential", potential);
  }
  check_factors(model, factors);
  const std::size_t tiers = model.names().size();
  check_same_length("accounts", accounts.size(), "tiers", tiers);
  double total = 0.0;
  for (std::size_t k = 0; k < tiers; ++k) {
    if (!(accounts[k] >= 0.0 && accounts[k] == std::floor(accounts[k])))
      fail_at("accounts", k, accounts[k], "tier sizes must be whole numbers >= 0");
    total += accounts[k];
  }
  if (total != static_cast<double>(arr.size()))
    fail("accounts",
         "tier sizes sum to " + format_number(total) + "; there are " + std::to_string(arr.size()) + " accounts");
  std::vector<double> value(arr.size());
  for (std::size_t i = 0; i < arr.size(); ++i)
    value[i] = churn[i] * (arr[i] + (potential.empty() ? 0.0 : potential[i]));
  std::vector<std::size_t> order(arr.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return value[a] > value[b]; });
  std::vector<std::size_t> ranked_tiers(tiers);
  std::iota(ranked_tiers.begin(), ranked_tiers.end(), std::size_t{0});
  std::sort(ranked_tiers.begin(), ranked_tiers.end(),
            [&](std::size_t a, std::size_t b) { return factors[a] != factors[b] ? factors[a] < factors[b] : a > b; });
  TargetedPlan plan{std::vector<std::int32_t>(arr.size()), 0.0};
  std::size_t next = 0;
  for (std::size_t tier : ranked_tiers)
    for (std::size_t filled = 0; filled < static_cast<std::size_t>(accounts[tier]); ++filled)
      plan.codes[order[next++]] = static_cast<std::int32_t>(tier);
  CompensatedSum churned;
  for (std::size_t i = 0; i < arr.size(); ++i)
    churned += arr[i] * churn[i] * factors[static_cast<std::size_t>(plan.codes[i])];
  plan.expected_churned_arr = churned.value();
  return plan;
}

}  // namespace cssegment
