#define BOOST_TEST_MODULE segment.planner
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "cssegment/segment/planner.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

namespace {

TierModel three_tiers() {
  return TierModel({10.0, 50.0}, {"Tech touch", "Low touch", "High touch"}, "arr", {std::nullopt, 10.0, 2.0});
}

struct Reference {
  std::vector<double> accounts;
  double csms = 0.0, churned = 0.0, moved = 0.0;
};

// The direct way: assign every account with TierModel, then sum.
Reference direct(const std::vector<double>& thresholds, const std::vector<double>& arr,
                 const std::vector<double>& churn, const std::vector<double>& factors,
                 const std::vector<std::int32_t>& previous) {
  const TierModel base = three_tiers();
  const TierModel model(thresholds, base.names(), "arr", base.csm_ratios());
  const auto codes = model.assign(arr);
  Reference ref;
  ref.accounts.assign(3, 0.0);
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const auto k = static_cast<std::size_t>(codes[i]);
    ref.accounts[k] += 1.0;
    ref.churned += arr[i] * churn[i] * factors[k];
    if (!previous.empty() && previous[i] != codes[i]) ref.moved += 1.0;
  }
  for (std::size_t k = 0; k < 3; ++k)
    if (base.csm_ratios()[k]) ref.csms += ref.accounts[k] / *base.csm_ratios()[k];
  return ref;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_combination_matches_assigning_each_account) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> size(3.0, 1.0);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<double> arr, churn;
  std::vector<std::int32_t> previous;
  for (int i = 0; i < 500; ++i) {
    // Whole numbers, so that many accounts sit exactly on a candidate threshold.
    arr.push_back(std::round(size(rng)));
    churn.push_back(unit(rng));
    previous.push_back(static_cast<std::int32_t>(rng() % 4) - 1);  // -1 = no previous tier
  }
  const std::vector<double> factors{1.0, 0.8, 0.5};
  const CoveragePlanner planner(three_tiers(), arr, churn, previous);
  const std::vector<std::vector<double>> candidates{{5.0, 10.0, 20.0, 30.0}, {20.0, 30.0, 50.0, 80.0}};
  const auto table = planner.evaluate(candidates, factors, 100.0, 1.5);
  BOOST_TEST(table.rows() == 13u);  // 16 pairs, minus (20, 20), (30, 20) and (30, 30)
  double total = 0.0;
  for (double a : arr) total += a;
  for (std::size_t r = 0; r < table.rows(); ++r) {
    const std::vector<double> thresholds{table.thresholds[2 * r], table.thresholds[2 * r + 1]};
    BOOST_TEST(thresholds[0] < thresholds[1]);
    const auto ref = direct(thresholds, arr, churn, factors, previous);
    for (std::size_t k = 0; k < 3; ++k) BOOST_TEST(table.accounts[3 * r + k] == ref.accounts[k]);
    BOOST_TEST(table.total_csms[r] == ref.csms, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(table.cost[r] == 100.0 * ref.csms, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(table.expected_churned_arr[r] == ref.churned, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(table.expected_retained_arr[r] == total - ref.churned, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(table.net_value[r] == 1.5 * (total - ref.churned) - 100.0 * ref.csms,
               boost::test_tools::tolerance(1e-12));
    BOOST_TEST(table.accounts_moved[r] == ref.moved);
  }
}

BOOST_AUTO_TEST_CASE(an_account_at_a_threshold_belongs_to_the_upper_tier) {
  const std::vector<double> arr{9.0, 10.0, 10.0, 49.0, 50.0};
  const std::vector<double> churn{0.5, 0.5, 0.5, 0.5, 0.5};
  const CoveragePlanner planner(three_tiers(), arr, churn);
  const auto table = planner.evaluate({{10.0}, {50.0}}, std::vector<double>{1.0, 1.0, 1.0}, 1.0, 1.0);
  BOOST_TEST(table.rows() == 1u);
  BOOST_TEST(table.accounts == std::vector<double>({1.0, 3.0, 1.0}), boost::test_tools::per_element());
  const auto codes = three_tiers().assign(arr);
  BOOST_TEST(codes == std::vector<std::int32_t>({0, 1, 1, 1, 2}), boost::test_tools::per_element());
  BOOST_TEST(table.accounts_moved.empty());
}

BOOST_AUTO_TEST_CASE(frontier_keeps_the_undominated_rows) {
  // Row 1 is dominated by row 0 (same cost, less retained); row 3 by row 2 (cheaper, more);
  // rows 4 and 5 tie and are both on the frontier.
  const std::vector<double> cost{1.0, 1.0, 2.0, 3.0, 4.0, 4.0};
  const std::vector<double> retained{10.0, 9.0, 12.0, 11.0, 15.0, 15.0};
  const auto on = coverage_frontier(cost, retained);
  BOOST_TEST(on == std::vector<std::int8_t>({1, 0, 1, 0, 1, 1}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(targeted_fills_the_lowest_factor_tier_with_the_largest_savings) {
  const std::vector<double> arr{100.0, 10.0, 50.0, 20.0};
  const std::vector<double> churn{0.01, 0.9, 0.5, 0.0};
  const std::vector<double> factors{1.0, 0.8, 0.5};
  // Values: 1, 9, 25, 0 -> account 2 to High touch, account 1 to Low touch, 0 and 3 to Tech touch.
  const auto plan = targeted_tiers(three_tiers(), arr, churn, {}, std::vector<double>{2.0, 1.0, 1.0}, factors);
  BOOST_TEST(plan.codes == std::vector<std::int32_t>({0, 1, 2, 0}), boost::test_tools::per_element());
  BOOST_TEST(plan.expected_churned_arr == 1.0 + 9.0 * 0.8 + 25.0 * 0.5, boost::test_tools::tolerance(1e-15));
  // Potential raises account 0's value to 0.01 x 10100 = 101.
  const auto with_potential = targeted_tiers(three_tiers(), arr, churn, std::vector<double>{10'000.0, 0.0, 0.0, 0.0},
                                             std::vector<double>{2.0, 1.0, 1.0}, factors);
  BOOST_TEST(with_potential.codes == std::vector<std::int32_t>({2, 0, 1, 0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(bad_input_is_named) {
  const std::vector<double> arr{1.0, 20.0}, churn{0.5, 0.5}, factors{1.0, 0.9, 0.8};
  BOOST_TEST(message_of([&] { CoveragePlanner(three_tiers(), arr, std::vector<double>{0.5, NAN}); }) ==
             "churn[1] = nan: probabilities must be in [0, 1]");
  BOOST_TEST(message_of([&] { CoveragePlanner(three_tiers(), arr, std::vector<double>{1.5, 0.5}); }) ==
             "churn[0] = 1.5: probabilities must be in [0, 1]");
  const CoveragePlanner planner(three_tiers(), arr, churn);
  BOOST_TEST(message_of([&] { planner.evaluate({{10.0}, {50.0}}, std::vector<double>{1.0, -0.1, 0.8}, 1.0, 1.0); }) ==
             "effect: 'Low touch' = -0.1: factors must be finite and >= 0");
  BOOST_TEST(message_of([&] { planner.evaluate({{10.0}, {50.0}}, std::vector<double>{1.0, 0.8}, 1.0, 1.0); }) ==
             "effect: has 2 factors for 3 tiers");
  BOOST_TEST(message_of([&] { planner.evaluate({{60.0}, {50.0}}, factors, 1.0, 1.0); }) ==
             "thresholds: no combination of the candidates keeps the thresholds ascending from tier 'Low touch' up");
  BOOST_TEST(message_of([&] { planner.evaluate({{10.0}, {0.0}}, factors, 1.0, 1.0); }) ==
             "thresholds['High touch'][0] = 0: thresholds must be finite and > 0");
  std::vector<double> spread(1000);
  for (std::size_t i = 0; i < spread.size(); ++i) spread[i] = 1.0 + static_cast<double>(i);
  spread.push_back(5000.0);
  BOOST_TEST(message_of([&] { planner.evaluate({spread, spread}, factors, 1.0, 1.0); }) ==
             "thresholds: the grid has 1002001 combinations; at most 1000000 are evaluated");
  BOOST_TEST(message_of([&] { planner.evaluate({{10.0}, {50.0}}, factors, -1.0, 1.0); }) ==
             "csm_cost: -1 must be finite and >= 0");
  BOOST_TEST(message_of([&] {
               targeted_tiers(three_tiers(), arr, churn, {}, std::vector<double>{1.0, 0.0, 0.0}, factors);
             }) == "accounts: tier sizes sum to 1; there are 2 accounts");
}
