#define BOOST_TEST_MODULE health.trend
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "cssegment/health/history.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

namespace {

Scorecard trend_card(std::string earlier = {}) {
  // -50% or worse scores 0, +50% or better 100: points = 100 * (change + 0.5).
  return Scorecard({{"logins", Normalizer::trend(2, -0.5, 0.5, std::move(earlier)), 1.0}});
}

}  // namespace

BOOST_AUTO_TEST_CASE(snapshot_scores_the_relative_change_against_the_earlier_column) {
  const std::vector<double> now{15, 5, 10, 10, NAN, 40}, then{10, 10, 0, NAN, 10, -20};
  ColumnTable data(now.size());
  data.add("logins", now).add("logins_before", then);
  const auto s = trend_card("logins_before").score(data);
  // +50% -> 100; -50% -> 0; then 0, then missing, now missing -> missing; (40 - -20) / 20 = +300% -> 100.
  BOOST_TEST(s.score[0] == 100.0);
  BOOST_TEST(s.score[1] == 0.0);
  BOOST_TEST(std::isnan(s.score[2]));
  BOOST_TEST(std::isnan(s.score[3]));
  BOOST_TEST(std::isnan(s.score[4]));
  BOOST_TEST(s.score[5] == 100.0);
}

BOOST_AUTO_TEST_CASE(default_earlier_column_is_named_after_the_measure) {
  const std::vector<double> now{12}, then{10};
  ColumnTable data(1);
  data.add("logins", now).add("logins 2 periods earlier", then);
  BOOST_TEST(std::abs(trend_card().score(data).score[0] - 70.0) < 1e-9);
  ColumnTable without(1);
  without.add("logins", now);
  BOOST_TEST(message_of([&] { trend_card().score(without); }).find("logins 2 periods earlier") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(history_reads_the_row_periods_back_with_gaps_and_zeros) {
  // Account 0: periods 1..5 with logins 10, 0, 12, 6, 9 (no row for none); account 1: periods 1, 2,
  // 4 (period 3 absent) with 10, 20, 30. Rows shuffled.
  const std::vector<std::int32_t> account{1, 0, 0, 1, 0, 0, 1, 0};
  const std::vector<std::int64_t> period{4, 3, 1, 2, 5, 2, 1, 4};
  const std::vector<double> logins{30, 12, 10, 20, 9, 0, 10, 6};
  ColumnTable data(logins.size());
  data.add("logins", logins);
  const auto index = index_history(account, period, 2);
  const auto s = score_history(trend_card(), data, index);
  // Hand-computed, lag 2: account 0 period 3 vs 1: (12 - 10) / 10 = +20% -> 70; period 4 vs 2: then
  // 0 -> missing; period 5 vs 3: (9 - 12) / 12 = -25% -> 25; account 1 period 4 vs 2: +50% -> 100.
  const std::vector<double> expected{100, 70, NAN, NAN, 25, NAN, NAN, NAN};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (std::isnan(expected[i])) BOOST_TEST(std::isnan(s.score[i]), "row " << i);
    else BOOST_TEST(std::abs(s.score[i] - expected[i]) < 1e-9, "row " << i);
  }
}

BOOST_AUTO_TEST_CASE(history_refuses_a_column_it_computes) {
  const std::vector<std::int32_t> account{0};
  const std::vector<std::int64_t> period{1};
  const std::vector<double> logins{1};
  ColumnTable data(1);
  data.add("logins", logins).add("logins 2 periods earlier", logins);
  const auto index = index_history(account, period, 1);
  BOOST_TEST(message_of([&] { score_history(trend_card(), data, index); }).find("logins 2 periods earlier") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_parameters_and_json_round_trip) {
  BOOST_TEST(message_of([] { Normalizer::trend(0, -0.5, 0.5); }).find("periods") != std::string::npos);
  BOOST_TEST(message_of([] { Normalizer::trend(3, 0.5, 0.5); }).find("good") != std::string::npos);
  BOOST_TEST(message_of([] { Normalizer::trend(3, NAN, 0.5); }).find("bad") != std::string::npos);
  const auto card = trend_card("logins_before");
  BOOST_TEST((Scorecard::from_json(card.to_json()) == card));
  BOOST_TEST(Scorecard::from_json(card.to_json()).measures()[0].normalizer.periods() == 2);
}
