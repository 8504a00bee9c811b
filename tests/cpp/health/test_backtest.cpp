#define BOOST_TEST_MODULE health.backtest
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "cssegment/health/backtest.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

namespace {

// The definition, pair by pair.
double brute_force_auc(const std::vector<double>& health, const std::vector<double>& churned) {
  double lower = 0.0, pairs = 0.0;
  for (std::size_t i = 0; i < health.size(); ++i)
    for (std::size_t j = 0; j < health.size(); ++j)
      if (churned[i] == 1.0 && churned[j] == 0.0) {
        pairs += 1.0;
        lower += health[i] < health[j] ? 1.0 : health[i] == health[j] ? 0.5 : 0.0;
      }
  return lower / pairs;
}

}  // namespace

BOOST_AUTO_TEST_CASE(auc_counts_pairs_with_ties_as_half) {
  // Churned 10, 50; retained 50, 90: pairs (10<50) 1, (10<90) 1, (50=50) 0.5, (50<90) 1 -> 3.5 / 4.
  BOOST_TEST(auc(std::vector<double>{10.0, 50.0, 50.0, 90.0}, std::vector<double>{1.0, 1.0, 0.0, 0.0}) == 0.875);
  BOOST_TEST(auc(std::vector<double>{1.0, 2.0}, std::vector<double>{0.0, 1.0}) == 0.0);
  BOOST_TEST(auc(std::vector<double>{-0.0, 0.0}, std::vector<double>{0.0, 1.0}) == 0.5);
}

BOOST_AUTO_TEST_CASE(auc_matches_the_definition_on_random_scores_with_ties) {
  std::mt19937_64 rng(17);
  for (std::size_t n : {7u, 300u, 3000u}) {
    std::vector<double> health(n), churned(n);
    std::uniform_int_distribution<int> grid(-20, 100);
    std::bernoulli_distribution coin(0.3);
    for (std::size_t i = 0; i < n; ++i) health[i] = grid(rng) * 0.5, churned[i] = coin(rng) ? 1.0 : 0.0;
    churned[0] = 1.0, churned[1] = 0.0;
    BOOST_TEST(std::abs(auc(health, churned) - brute_force_auc(health, churned)) < 1e-14);
  }
}

BOOST_AUTO_TEST_CASE(radix_sort_orders_every_kind_of_double) {
  std::mt19937_64 rng(2);
  std::normal_distribution<double> normal(0.0, 1e3);
  std::vector<double> values(5000);
  for (auto& v : values) v = normal(rng);
  values[10] = -INFINITY, values[11] = INFINITY, values[12] = -0.0, values[13] = 0.0, values[14] = 1e-310;
  std::vector<std::uint64_t> keys;
  for (double v : values) keys.push_back(detail::sort_key(v));
  detail::radix_sort(keys);
  std::sort(values.begin(), values.end());
  for (std::size_t i = 0; i < values.size(); ++i) BOOST_REQUIRE(detail::from_sort_key(keys[i]) == values[i]);
}

BOOST_AUTO_TEST_CASE(deciles_and_bands_count_accounts_and_churn) {
  // 20 accounts scored 0..95 by 5; the lowest 6 churned; one unscored account.
  std::vector<double> health, churned;
  std::vector<std::int8_t> band;
  for (int i = 0; i < 20; ++i) {
    health.push_back(5.0 * i);
    churned.push_back(i < 6 ? 1.0 : 0.0);
    band.push_back(static_cast<std::int8_t>(i < 10 ? 0 : i < 15 ? 1 : 2));
  }
  health.push_back(NAN), churned.push_back(1.0), band.push_back(-1);
  const auto result = backtest(health, band, 3, churned);
  BOOST_TEST(result.accounts == 20u);
  BOOST_TEST(result.churned == 6u);
  BOOST_TEST(result.unscored == 1u);
  BOOST_TEST(result.auc == 1.0);
  for (std::size_t d = 0; d < 10; ++d) {
    BOOST_TEST(result.deciles[d].accounts == 2u);
    BOOST_TEST(result.deciles[d].min_score == 10.0 * static_cast<double>(d));
  }
  BOOST_TEST(result.deciles[0].churned == 2u);
  BOOST_TEST(result.deciles[2].churned == 2u);
  BOOST_TEST(result.deciles[3].churned == 0u);
  BOOST_TEST(result.bands[0].accounts == 10u);
  BOOST_TEST(result.bands[0].churned == 6u);
  BOOST_TEST(result.bands[2].max_score == 95.0);
}

BOOST_AUTO_TEST_CASE(ties_share_a_decile) {
  const std::vector<double> health{1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 3.0};
  const std::vector<double> churned{1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0};
  const std::vector<std::int8_t> band(10, 0);
  const auto result = backtest(health, band, 1, churned);
  BOOST_TEST(result.deciles[0].accounts == 5u);  // all the 1s
  BOOST_TEST(result.deciles[5].accounts == 2u);  // 5 scores below 2
  BOOST_TEST(result.deciles[7].accounts == 3u);  // 7 scores below 3
  BOOST_TEST(result.deciles[1].accounts == 0u);
}

BOOST_AUTO_TEST_CASE(brier_is_the_mean_squared_error) {
  BOOST_TEST(std::abs(brier(std::vector<double>{0.9, 0.2, 0.5}, std::vector<double>{1.0, 0.0, 1.0}) -
                      (0.01 + 0.04 + 0.25) / 3.0) < 1e-15);
  BOOST_TEST(message_of([] { brier(std::vector<double>{1.5}, std::vector<double>{1.0}); }) ==
             "probability[0] = 1.5: probabilities must be in [0, 1]");
}

BOOST_AUTO_TEST_CASE(bad_input_is_refused) {
  BOOST_TEST(message_of([] { auc(std::vector<double>{1.0, NAN}, std::vector<double>{0.0, 1.0}); }) ==
             "health[1] = nan: scores must be finite");
  BOOST_TEST(message_of([] { auc(std::vector<double>{1.0, 2.0}, std::vector<double>{0.0, 0.0}); }) ==
             "churned: has only 0s in 2 rows; both outcomes are needed");
  BOOST_TEST(message_of([] { auc(std::vector<double>{1.0, 2.0}, std::vector<double>{0.0, 0.5}); }) ==
             "churned[1] = 0.5: outcomes must be 0 or 1");
  BOOST_TEST(message_of([] { auc(std::vector<double>{1.0, 2.0}, std::vector<double>{0.0}); }) ==
             "churned: has length 1 but health has length 2");
  const std::vector<std::int8_t> band{0, -1};
  BOOST_TEST(message_of([&] { backtest(std::vector<double>{1.0, NAN}, band, 1, std::vector<double>{0.0, 1.0}); }) ==
             "outcome: the scored accounts are all retained; a backtest needs both outcomes");
  const std::vector<std::int8_t> unscored{-1, -1};
  BOOST_TEST(message_of([&] { backtest(std::vector<double>{NAN, NAN}, unscored, 1, std::vector<double>{0.0, 1.0}); }) ==
             "health: no account has a score (too few measures present?); nothing to backtest");
}
