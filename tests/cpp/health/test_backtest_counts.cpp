#define BOOST_TEST_MODULE health.backtest_counts
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "cssegment/health/backtest.hpp"
#include "cssegment/health/backtest_counts.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

namespace {

struct Book {
  std::vector<double> health, churned;
  std::vector<std::int8_t> band;
};

// 3000 accounts, scores on a grid of 0.5 (many ties), churn likelier at low scores, 3 bands, some
// unscored.
Book book() {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> grid(0, 200);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  Book b;
  for (int i = 0; i < 3000; ++i) {
    const double score = 0.5 * grid(rng);
    const bool scored = unit(rng) > 0.03;
    b.health.push_back(scored ? score : NAN);
    b.churned.push_back(unit(rng) < 0.6 - score / 200.0 ? 1.0 : 0.0);
    b.band.push_back(static_cast<std::int8_t>(!scored ? -1 : score < 40 ? 0 : score < 70 ? 1 : 2));
  }
  return b;
}

BacktestCounts counts_of(const Book& b, std::size_t begin, std::size_t end) {
  return BacktestCounts::of(std::span(b.health).subspan(begin, end - begin),
                            std::span(b.band).subspan(begin, end - begin), 3,
                            std::span(b.churned).subspan(begin, end - begin));
}

void check_equal(const BacktestResult& got, const BacktestResult& expected) {
  BOOST_TEST(got.auc == expected.auc);  // integer counts: bit for bit
  BOOST_TEST(got.accounts == expected.accounts);
  BOOST_TEST(got.churned == expected.churned);
  BOOST_TEST(got.unscored == expected.unscored);
  BOOST_REQUIRE(got.deciles.size() == expected.deciles.size());
  BOOST_REQUIRE(got.bands.size() == expected.bands.size());
  for (std::size_t g = 0; g < got.deciles.size() + got.bands.size(); ++g) {
    const auto& x = g < 10 ? got.deciles[g] : got.bands[g - 10];
    const auto& y = g < 10 ? expected.deciles[g] : expected.bands[g - 10];
    BOOST_TEST(x.accounts == y.accounts);
    BOOST_TEST(x.churned == y.churned);
    BOOST_TEST(x.min_score == y.min_score);
    BOOST_TEST(x.max_score == y.max_score);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(merged_partitions_give_the_backtest_of_the_whole) {
  const Book b = book();
  const auto whole = backtest(b.health, b.band, 3, b.churned);
  BOOST_TEST(whole.auc > 0.6);
  BOOST_TEST(whole.unscored > 0u);
  // Cuts with empty partitions and ties split across partitions, merged left to right and as a tree.
  const std::vector<std::vector<std::size_t>> splits = {{0, 3000}, {0, 1000, 1000, 2200, 3000}, {0, 1, 7, 2999, 3000}};
  for (const auto& cuts : splits) {
    std::vector<BacktestCounts> parts;
    for (std::size_t k = 0; k + 1 < cuts.size(); ++k) parts.push_back(counts_of(b, cuts[k], cuts[k + 1]));
    BacktestCounts left = parts[0];
    for (std::size_t k = 1; k < parts.size(); ++k) left.merge(parts[k]);
    check_equal(left.result(), whole);
    BacktestCounts backwards = parts.back();
    for (std::size_t k = parts.size() - 1; k-- > 0;) backwards.merge(parts[k]);
    check_equal(backwards.result(), whole);
  }
  // Far fewer distinct scores than accounts: the counts are per score, not per row.
  BOOST_TEST(counts_of(b, 0, 3000).scores().size() <= 201u);
}

BOOST_AUTO_TEST_CASE(parts_round_trip_and_are_checked) {
  const Book b = book();
  const auto counts = counts_of(b, 0, 1500);
  const BacktestCounts rebuilt(counts.scores(), counts.churned(), counts.retained(), counts.bands(), counts.unscored());
  check_equal(rebuilt.result(), counts.result());
  BOOST_TEST(message_of([] { BacktestCounts({2.0, 1.0}, {1, 1}, {0, 0}, {}, 0); }) ==
             "scores[1] = 1: must be increasing");
  BOOST_TEST(message_of([] { BacktestCounts({1.0, 2.0}, {1, 0}, {0, 0}, {}, 0); }) ==
             "churned[1] = 0: a listed score needs an account");
  BOOST_TEST(message_of([] { BacktestCounts({1.0}, {1}, {0, 1}, {}, 0); }).find("retained") == 0u);
  BOOST_TEST(message_of([] { BacktestCounts({NAN}, {1}, {0}, {}, 0); }) == "scores[0] = nan: scores must be finite");
  auto three = counts_of(b, 0, 10);
  const auto two =
      BacktestCounts::of(std::vector<double>{1.0}, std::vector<std::int8_t>{0}, 2, std::vector<double>{1.0});
  BOOST_TEST(message_of([&] { three.merge(two); }).find("other bands") == 0u);
}

BOOST_AUTO_TEST_CASE(result_needs_scores_and_both_outcomes) {
  const auto unscored =
      BacktestCounts::of(std::vector<double>{NAN}, std::vector<std::int8_t>{-1}, 1, std::vector<double>{1.0});
  BOOST_TEST(message_of([&] { (void)unscored.result(); }).find("health: no account has a score") == 0u);
  const auto kept = BacktestCounts::of(std::vector<double>{1.0, 2.0}, std::vector<std::int8_t>{0, 0}, 1,
                                       std::vector<double>{0.0, 0.0});
  BOOST_TEST(message_of([&] { (void)kept.result(); }).find("outcome: the scored accounts are all retained") == 0u);
  BOOST_TEST(message_of([] {
               BacktestCounts::of(std::vector<double>{1.0}, std::vector<std::int8_t>{0}, 1, std::vector<double>{2.0});
             }) == "outcome[0] = 2: outcomes must be 0 or 1");
}
