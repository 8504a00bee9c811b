#define BOOST_TEST_MODULE health.lead
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "cssegment/health/auc.hpp"
#include "cssegment/health/lead.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

BOOST_AUTO_TEST_CASE(lead_auc_is_the_auc_of_the_scores_k_periods_before) {
  // 400 accounts over periods 0..11; a third churn in a random period 3..12 (12: after the end).
  std::mt19937 random(3);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const std::size_t accounts = 400;
  std::vector<std::int32_t> account;
  std::vector<std::int64_t> period, reference(accounts, 12);
  std::vector<double> score, churned(accounts, 0.0);
  for (std::size_t a = 0; a < accounts; ++a) {
    if (unit(random) < 0.33) churned[a] = 1.0, reference[a] = 3 + static_cast<std::int64_t>(unit(random) * 9.0);
    for (std::int64_t p = 0; p < reference[a]; ++p)
      account.push_back(static_cast<std::int32_t>(a)), period.push_back(p),
          score.push_back(unit(random) < 0.05 ? NAN : std::round(unit(random) * 100.0 - 20.0 * churned[a] * (p > 6)));
  }
  for (auto& s : score) s = std::isnan(s) ? s : std::clamp(s, 0.0, 100.0);
  std::vector<std::int8_t> band(score.size());
  for (std::size_t i = 0; i < score.size(); ++i) band[i] = std::isnan(score[i]) ? -1 : score[i] >= 50.0;
  const auto index = index_history(account, period, accounts);
  const std::vector<std::int64_t> leads{1, 3};
  const auto results = backtest_lead(score, band, 2, {}, account, index, reference, churned, leads);
  BOOST_REQUIRE(results.size() == 2u);
  for (const auto& result : results) {
    std::vector<double> health, outcome;
    for (std::size_t i = 0; i < score.size(); ++i) {
      const auto a = static_cast<std::size_t>(account[i]);
      if (period[i] == reference[a] - result.lead && !std::isnan(score[i]))
        health.push_back(score[i]), outcome.push_back(churned[a]);
    }
    BOOST_TEST(result.rows.size() == health.size());
    BOOST_TEST(result.backtest.accounts == health.size());
    BOOST_TEST(result.backtest.auc == health_auc(health, outcome));
    BOOST_TEST(std::isnan(result.brier));
  }
  const std::vector<std::int64_t> too_long{13};
  BOOST_TEST(message_of([&] { backtest_lead(score, band, 2, {}, account, index, reference, churned, too_long); }) ==
             "leads[0] = 13: leads must be between 1 and the history's length (12 periods)");
  const std::vector<std::int64_t> zero{0};
  BOOST_TEST(message_of([&] { backtest_lead(score, band, 2, {}, account, index, reference, churned, zero); }) ==
             "leads[0] = 0: leads must be between 1 and the history's length (12 periods)");
}
