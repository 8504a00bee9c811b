#define BOOST_TEST_MODULE metrics.movements
#include <boost/test/unit_test.hpp>

#include "ledger_rows.hpp"
#include "message_of.hpp"

#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include "cssegment/metrics/movements.hpp"

using namespace cssegment;
using cssegment::testing::hand_book;
using cssegment::testing::ledger_of;
using cssegment::testing::message_of;
using cssegment::testing::rows_of;

BOOST_AUTO_TEST_CASE(movements_by_hand) {
  const auto ledger = ledger_of(rows_of(hand_book));
  const auto sums = movement_partials(ledger, {});
  BOOST_TEST(sums.rows() == 5u);
  BOOST_TEST(sums.first_period() == 1);
  const auto t = movement_table(sums);
  BOOST_TEST(t.start == std::vector<double>({18, 17, 19, 15, 18}));
  BOOST_TEST(t.end == std::vector<double>({17, 19, 15, 18, 19}));
  BOOST_TEST(t.new_revenue == std::vector<double>({0, 7, 0, 0, 0}));
  BOOST_TEST(t.reactivation == std::vector<double>({0, 0, 0, 10, 0}));
  BOOST_TEST(t.expansion == std::vector<double>({2, 0, 0, 0, 1}));
  BOOST_TEST(t.contraction == std::vector<double>({0, 0, 4, 0, 0}));
  BOOST_TEST(t.churn == std::vector<double>({3, 5, 0, 7, 0}));
  BOOST_TEST(t.logos_start == std::vector<double>({3, 2, 2, 2, 3}));
  BOOST_TEST(t.logos_churned == std::vector<double>({1, 1, 0, 1, 0}));
  BOOST_TEST(t.logos_reactivated == std::vector<double>({0, 0, 0, 2, 0}));
  BOOST_TEST(t.quick_ratio[0] == 2.0 / 3.0);
  BOOST_TEST(std::isnan(t.quick_ratio[4]));
}

BOOST_AUTO_TEST_CASE(a_return_after_more_than_the_window_is_new) {
  const auto ledger = ledger_of(rows_of(hand_book));
  // Period 4: account 2 returns after 2 empty periods, account 4 after 3.
  for (auto [window, reactivated] :
       {std::pair{-1, 10.0}, std::pair{0, 0.0}, std::pair{1, 0.0}, std::pair{2, 6.0}, std::pair{3, 10.0}}) {
    const auto t =
        movement_table(movement_partials(ledger, {}, window < 0 ? std::nullopt : std::optional<std::int64_t>(window)));
    BOOST_TEST(t.reactivation[3] == reactivated);
    BOOST_TEST(t.new_revenue[3] == 10.0 - reactivated);
  }
  BOOST_TEST(message_of([&] { movement_partials(ledger, {}, -2); }) == "reactivation_window: -2 must be >= 0 or None");
}

BOOST_AUTO_TEST_CASE(identity_holds_exactly_and_partials_of_any_split_merge_to_the_whole) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> amount(0.0, 1000.0);
  std::bernoulli_distribution paying(0.6);
  std::vector<std::vector<double>> book(300, std::vector<double>(12));
  for (auto& row : book)
    for (double& v : row) v = paying(rng) ? amount(rng) : 0.0;
  book[0].assign(12, 1.0);  // every period exists
  const auto rows = rows_of(book);
  const auto whole = movement_partials(ledger_of(rows), {}, 2);
  for (std::size_t r = 0; r < whole.rows(); ++r) {
    // end - start - new - reactivation - expansion + contraction + churn is exactly 0.
    ExactSum balance = whole.at(r, 0, movement_end);
    ExactSum out = whole.at(r, 0, movement_start);
    for (auto field : {movement_new, movement_reactivation, movement_expansion}) out += whole.at(r, 0, field);
    balance += whole.at(r, 0, movement_contraction);
    balance += whole.at(r, 0, movement_churn);
    BOOST_TEST((balance == out));
    BOOST_TEST(!whole.at(r, 0, movement_end).is_zero());
  }
  // Two ledgers of disjoint accounts over the same periods.
  cssegment::testing::Rows even, odd;
  for (std::size_t i = 0; i < rows.accounts.size(); ++i) {
    auto& part = rows.accounts[i] % 2 == 0 ? even : odd;
    part.accounts.push_back(rows.accounts[i]);
    part.periods.push_back(rows.periods[i]);
    part.amounts.push_back(rows.amounts[i]);
  }
  const std::pair range{std::int64_t{0}, std::size_t{12}};
  auto merged = movement_partials(RevenueLedger::from_rows(odd.accounts, {odd.periods}, odd.amounts, range), {}, 2);
  merged.merge(movement_partials(RevenueLedger::from_rows(even.accounts, {even.periods}, even.amounts, range), {}, 2));
  BOOST_TEST((merged == whole));
}

BOOST_AUTO_TEST_CASE(a_move_counts_in_the_segment_of_the_paying_period) {
  const auto ledger = ledger_of(rows_of(hand_book));
  // Account 1 is in segment 1 from period 3 on; everything else in 0.
  std::vector<std::int64_t> keys, periods;
  std::vector<std::int32_t> codes;
  for (std::int64_t a = 1; a <= 4; ++a)
    for (std::int64_t p = 0; p < 6; ++p) {
      keys.push_back(a);
      periods.push_back(p);
      codes.push_back(a == 1 && p >= 3 ? 1 : 0);
    }
  const auto segments = AccountSegments::per_period(ledger, keys, {periods}, codes, 2);
  const auto sums = movement_partials(ledger, segments);
  // Into period 3, account 1 (12 -> 8) counts in segment 1: start 12, contraction 4, end 8.
  BOOST_TEST(sums.value(2, 1, movement_start) == 12.0);
  BOOST_TEST(sums.value(2, 1, movement_contraction) == 4.0);
  BOOST_TEST(sums.value(2, 0, movement_start) == 7.0);
  BOOST_TEST(sums.value(2, 0, movement_end) == 7.0);
}

// Over many chunks of accounts (run on several threads), the sums equal those of ledgers of a
// few accounts each (one chunk, the calling thread) merged in reverse: exact sums do not depend
// on the threads, the chunks or the order of merging. Amounts span 1e-3 to 1e12.
BOOST_AUTO_TEST_CASE(sums_do_not_depend_on_threads_chunks_or_merge_order) {
  std::mt19937_64 rng(9);
  std::uniform_real_distribution<double> exponent(-3.0, 12.0);
  std::bernoulli_distribution paying(0.7);
  std::vector<std::vector<double>> book(3 * metrics_chunk_accounts, std::vector<double>(8));
  for (auto& row : book)
    for (double& v : row) v = paying(rng) ? std::pow(10.0, exponent(rng)) : 0.0;
  book[0].assign(8, 1.0);
  const auto rows = rows_of(book);
  const auto whole = movement_partials(ledger_of(rows), {});
  std::vector<cssegment::testing::Rows> parts(12);
  for (std::size_t i = 0; i < rows.accounts.size(); ++i) {
    auto& part = parts[static_cast<std::size_t>(rows.accounts[i]) % parts.size()];
    part.accounts.push_back(rows.accounts[i]);
    part.periods.push_back(rows.periods[i]);
    part.amounts.push_back(rows.amounts[i]);
  }
  const std::pair range{std::int64_t{0}, std::size_t{8}};
  std::optional<PartialSums> merged;
  for (auto part = parts.rbegin(); part != parts.rend(); ++part) {
    auto sums = movement_partials(RevenueLedger::from_rows(part->accounts, {part->periods}, part->amounts, range), {});
    if (merged) merged->merge(sums);
    else merged = std::move(sums);
  }
  BOOST_TEST((*merged == whole));
  const auto table = movement_table(whole), again = movement_table(*merged);
  BOOST_TEST(table.end == again.end);
  BOOST_TEST(table.expansion == again.expansion);
}
