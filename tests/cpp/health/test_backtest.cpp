#define BOOST_TEST_MODULE health.backtest
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "cssegment/health/backtest.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

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
  const std::vector<std::int8_t> band{0, -1};
  BOOST_TEST(message_of([&] { backtest(std::vector<double>{1.0, NAN}, band, 1, std::vector<double>{0.0, 1.0}); }) ==
             "outcome: the scored accounts are all retained; a backtest needs both outcomes");
  const std::vector<std::int8_t> unscored{-1, -1};
  BOOST_TEST(message_of([&] { backtest(std::vector<double>{NAN, NAN}, unscored, 1, std::vector<double>{0.0, 1.0}); }) ==
             "health: no account has a score (too few measures present?); nothing to backtest");
}
