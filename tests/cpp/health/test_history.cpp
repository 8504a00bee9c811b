#define BOOST_TEST_MODULE health.history
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "cssegment/health/history.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

namespace {

// A random history: `accounts` accounts over 6 periods (ordinals 100..105), some rows absent, in a
// shuffled row order; two segments; logins and nps with a few missing values.
struct RandomHistory {
  std::vector<std::int32_t> account, segment;
  std::vector<std::int64_t> period;
  std::vector<double> logins, nps;
  std::size_t accounts;

  explicit RandomHistory(std::size_t n, unsigned seed) : accounts(n) {
    std::mt19937 random(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (std::size_t a = 0; a < n; ++a)
      for (std::int64_t p = 100; p < 106; ++p) {
        if (unit(random) < 0.15) continue;
        account.push_back(static_cast<std::int32_t>(a)), period.push_back(p);
        segment.push_back(static_cast<std::int32_t>(a % 2));
        logins.push_back(unit(random) < 0.05 ? NAN : std::floor(unit(random) * 30.0));
        nps.push_back(unit(random) < 0.1 ? NAN : std::floor(unit(random) * 11.0));
      }
    std::vector<std::size_t> order(account.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), random);
    auto shuffled = [&](auto& v) {
      auto copy = v;
      for (std::size_t i = 0; i < order.size(); ++i) v[i] = copy[order[i]];
    };
    shuffled(account), shuffled(segment), shuffled(period), shuffled(logins), shuffled(nps);
  }

  ColumnTable table() const {
    ColumnTable t;
    t.add("logins", logins).add("nps", nps).add("segment", segment, {"SMB", "Enterprise"});
    return t;
  }
};

// Equal, or both missing.
bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

}  // namespace

BOOST_AUTO_TEST_CASE(history_equals_each_period_scored_on_its_own) {
  const RandomHistory h(300, 7);
  const auto data = h.table();
  const Scorecard card({{"logins", Normalizer::percentile("segment"), 2.0}, {"nps", Normalizer::zscore(), 1.0}});
  const auto index = index_history(h.account, h.period, h.accounts);
  BOOST_TEST(index.period_count() == 6u);
  const auto scores = score_history(card, data, index);
  const std::size_t n = h.account.size();
  for (std::int64_t p = 100; p < 106; ++p) {
    std::vector<std::size_t> rows;
    std::vector<double> logins, nps;
    std::vector<std::int32_t> segment;
    for (std::size_t i = 0; i < n; ++i)
      if (h.period[i] == p)
        rows.push_back(i), logins.push_back(h.logins[i]), nps.push_back(h.nps[i]), segment.push_back(h.segment[i]);
    ColumnTable snapshot;
    snapshot.add("logins", logins).add("nps", nps).add("segment", segment, {"SMB", "Enterprise"});
    Scorecard fitted = card;
    const auto expected = fitted.fit(snapshot).score(snapshot);
    for (std::size_t j = 0; j < rows.size(); ++j) {
      BOOST_TEST(same(scores.score[rows[j]], expected.score[j]));
      BOOST_TEST(scores.band[rows[j]] == expected.band[j]);
      BOOST_TEST(same(scores.contributions[n + rows[j]], expected.contributions[rows.size() + j]));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_set_history_equals_each_period_scored_on_its_own) {
  const RandomHistory h(200, 11);
  const ScorecardSet set("segment", {{"SMB", Scorecard({{"logins", Normalizer::percentile(), 1.0}})}},
                         Scorecard({{"nps", Normalizer::zscore(), 1.0}, {"logins", Normalizer::linear(0, 20), 1.0}}));
  const auto index = index_history(h.account, h.period, h.accounts);
  const auto scores = score_history(set, h.table(), index);
  for (std::int64_t p = 100; p < 106; ++p) {
    std::vector<std::size_t> rows;
    std::vector<double> logins, nps;
    std::vector<std::int32_t> segment;
    for (std::size_t i = 0; i < h.account.size(); ++i)
      if (h.period[i] == p)
        rows.push_back(i), logins.push_back(h.logins[i]), nps.push_back(h.nps[i]), segment.push_back(h.segment[i]);
    ColumnTable snapshot;
    snapshot.add("logins", logins).add("nps", nps).add("segment", segment, {"SMB", "Enterprise"});
    ScorecardSet fitted = set;
    const auto expected = fitted.fit(snapshot).score(snapshot);
    for (std::size_t j = 0; j < rows.size(); ++j) {
      BOOST_TEST(same(scores.score[rows[j]], expected.score[j]));
      BOOST_TEST(scores.scorecard[rows[j]] == expected.scorecard[j]);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_repeated_account_and_period_is_refused) {
  const std::vector<std::int32_t> account{0, 1, 0};
  const std::vector<std::int64_t> period{5, 5, 5};
  BOOST_TEST(message_of([&] { index_history(account, period, 2); }) ==
             "data[2] = row 0's account and period: one row per account and period: this row repeats them");
}

BOOST_AUTO_TEST_CASE(hysteresis_by_hand) {
  // One account over 6 periods, bands red [0, 50), yellow [50, 75), green [75, 100], margin 5.
  const std::vector<std::int32_t> account(7, 0);
  const std::vector<std::int64_t> period{1, 2, 3, 4, 5, 6, 7};
  const std::vector<double> score{60.0, 52.0, 47.0, 44.0, 78.0, 81.0, 20.0};
  const auto index = index_history(account, period, 1);
  const std::vector<std::vector<double>> lowers{{0.0, 50.0, 75.0}};
  // 60 yellow; 52 yellow; 47 stays yellow (not below 45); 44 red; 78 up to yellow only (55 <= 78 < 80);
  // 81 green; 20 red (below 45, and below 70 too: the furthest band reached).
  const std::vector<std::int8_t> expected{1, 1, 1, 0, 1, 2, 0};
  BOOST_TEST(hysteresis_bands(score, account, index, {}, lowers, 5.0) == expected);
  const std::vector<std::int8_t> plain{1, 1, 0, 0, 2, 2, 0};
  BOOST_TEST(hysteresis_bands(score, account, index, {}, lowers, 0.0) == plain);
  BOOST_TEST(message_of([&] { hysteresis_bands(score, account, index, {}, lowers, -1.0); }) ==
             "band_hysteresis: -1 must be finite and >= 0 (points of score)");
}

BOOST_AUTO_TEST_CASE(overrides_apply_from_start_up_to_end) {
  const std::vector<std::int32_t> account{0, 0, 0, 0, 1, 1};
  const std::vector<std::int64_t> period{1, 2, 3, 4, 2, 3};
  const std::vector<std::int32_t> who{0, 1};
  const std::vector<std::int64_t> start{2, 3}, end{4, 9};
  const auto rows = override_rows(account, period, 2, who, start, end);
  BOOST_TEST(rows == (std::vector<std::int32_t>{-1, 0, 0, -1, -1, 1}));
  HistoryScores scores{{80, 80, 80, 80, 80, 80}, {2, 2, 2, 2, 2, 2}, std::vector<double>(6, 40.0), {}};
  const std::vector<std::int8_t> band{0, -1};
  const std::vector<double> score{NAN, 55.0};
  apply_overrides(scores, rows, band, score, {{0.0, 50.0, 75.0}});
  BOOST_TEST(scores.band == (std::vector<std::int8_t>{2, 0, 0, 2, 2, 1}));
  BOOST_TEST(scores.score[5] == 55.0);
  BOOST_TEST(scores.score[1] == 80.0);
  BOOST_TEST(std::isnan(scores.contributions[5]));
  BOOST_TEST(scores.contributions[1] == 40.0);
  const std::vector<std::int32_t> twice{0, 0};
  const std::vector<std::int64_t> overlap_end{4, 6};
  BOOST_TEST(message_of([&] { override_rows(account, period, 2, twice, start, overlap_end); }) ==
             "overrides[1] = overlaps row 0: overrides of one account must not overlap");
  const std::vector<std::int64_t> early{4, 2};
  BOOST_TEST(message_of([&] { override_rows(account, period, 2, who, start, early); }) ==
             "overrides[1] = end 2 <= start 3: an override lasts from start up to (not including) end; end must be "
             "after start");
}
