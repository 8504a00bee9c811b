#define BOOST_TEST_MODULE metrics.movements
#include <boost/test/unit_test.hpp>

#include "ledger_rows.hpp"
#include "message_of.hpp"

#include <cmath>
#include <cstdint>
#include <initializer_list>
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

namespace {

// Segments per (account, period) of a book: codes[a][p] for account a + 1; -1 gives none.
AccountSegments segments_of(const RevenueLedger& ledger, const std::vector<std::vector<std::int32_t>>& codes,
                            std::size_t count) {
  std::vector<std::int64_t> keys, periods;
  std::vector<std::int32_t> given;
  for (std::size_t a = 0; a < codes.size(); ++a)
    for (std::size_t p = 0; p < codes[a].size(); ++p)
      if (codes[a][p] >= 0) {
        keys.push_back(static_cast<std::int64_t>(a) + 1);
        periods.push_back(static_cast<std::int64_t>(p));
        given.push_back(codes[a][p]);
      }
  return AccountSegments::per_period(ledger, keys, {periods}, given, count);
}

}  // namespace

// Table columns are period-major: (period 1, tier 0), (period 1, tier 1), (period 2, tier 0), ...
using Column = std::vector<double>;

BOOST_AUTO_TEST_CASE(an_account_moving_up_a_tier_with_expansion_moves_at_its_old_revenue) {
  // Account 1 pays 10 in tier 0, then 25 in tier 1; account 2 pays 5 in tier 1 throughout.
  const auto ledger = ledger_of(rows_of({{10, 25}, {5, 5}}));
  const auto t = movement_table(movement_partials(ledger, segments_of(ledger, {{0, 1}, {1, 1}}, 2)));
  BOOST_TEST(t.start == Column({10, 5}));
  BOOST_TEST(t.moved_out == Column({10, 0}));
  BOOST_TEST(t.moved_in == Column({0, 10}));
  BOOST_TEST(t.expansion == Column({0, 15}));
  BOOST_TEST(t.end == Column({0, 30}));
  BOOST_TEST(t.logos_start == Column({1, 1}));
  BOOST_TEST(t.logos_moved_out == Column({1, 0}));
  BOOST_TEST(t.logos_moved_in == Column({0, 1}));
  BOOST_TEST(t.logos_end == Column({0, 2}));
  // Moves are not growth: tier 1 lost nothing, so its quick ratio is NaN.
  BOOST_TEST(std::isnan(t.quick_ratio[1]));
}

BOOST_AUTO_TEST_CASE(a_move_down_with_contraction_then_churn_from_the_new_tier) {
  // Account 1: 20 in tier 1, then 8 in tier 0 (moved down, contraction 12), churns at 2 from tier
  // 0 although given tier 1 there. Account 2 churns at 1 from tier 0 although given tier 1 at 1:
  // an account without revenue at p does not move. Account 3 pays 1 in tier 0 throughout.
  const auto ledger = ledger_of(rows_of({{20, 8, 0}, {4, 0, 0}, {1, 1, 1}}));
  const auto t = movement_table(movement_partials(ledger, segments_of(ledger, {{1, 0, 1}, {0, 1, 1}, {0, 0, 0}}, 2)));
  BOOST_TEST(t.start == Column({5, 20, 9, 0}));
  BOOST_TEST(t.moved_in == Column({20, 0, 0, 0}));
  BOOST_TEST(t.moved_out == Column({0, 20, 0, 0}));
  BOOST_TEST(t.contraction == Column({12, 0, 0, 0}));
  BOOST_TEST(t.churn == Column({4, 0, 8, 0}));
  BOOST_TEST(t.end == Column({9, 0, 1, 0}));
  BOOST_TEST(t.logos_moved_in == Column({1, 0, 0, 0}));
  BOOST_TEST(t.logos_moved_out == Column({0, 1, 0, 0}));
  BOOST_TEST(t.logos_churned == Column({1, 0, 1, 0}));
}

BOOST_AUTO_TEST_CASE(churn_then_reactivation_in_another_segment_is_no_move) {
  // Account 1: 10 in tier 0, nothing (and no tier) at 1, back at 12 in tier 1 at period 2.
  const auto ledger = ledger_of(rows_of({{10, 0, 12}, {3, 3, 3}}));
  const auto t = movement_table(movement_partials(ledger, segments_of(ledger, {{0, -1, 1}, {0, 0, 0}}, 2)));
  BOOST_TEST(t.start == Column({13, 0, 3, 0}));
  BOOST_TEST(t.churn == Column({10, 0, 0, 0}));
  BOOST_TEST(t.reactivation == Column({0, 0, 0, 12}));
  BOOST_TEST(t.logos_reactivated == Column({0, 0, 0, 1}));
  BOOST_TEST(t.end == Column({3, 0, 3, 12}));
  BOOST_TEST(t.moved_in == Column(4, 0.0));
  BOOST_TEST(t.moved_out == Column(4, 0.0));
}

BOOST_AUTO_TEST_CASE(a_paying_cell_without_a_segment_is_named) {
  // Account 2 pays at 1 but has a segment only at 0 (and 2, where it does not pay).
  const auto ledger = ledger_of(rows_of({{1, 1, 1}, {2, 3, 0}}));
  const auto segments = segments_of(ledger, {{0, 0, 0}, {1, -1, 1}}, 2);
  BOOST_TEST(message_of([&] { movement_partials(ledger, segments); }) ==
             "by: account key 2 has revenue in period 1 but no segment");
}

BOOST_AUTO_TEST_CASE(moves_chain_balance_and_add_up_to_the_book_on_random_segments) {
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> amount(0.0, 1000.0);
  std::bernoulli_distribution paying(0.7);
  std::uniform_int_distribution<std::int32_t> tier(0, 2);
  constexpr std::size_t accounts = 400, periods = 12, count = 3;
  std::vector<std::vector<double>> book(accounts, std::vector<double>(periods));
  std::vector<std::vector<std::int32_t>> codes(accounts, std::vector<std::int32_t>(periods));
  for (std::size_t a = 0; a < accounts; ++a)
    for (std::size_t p = 0; p < periods; ++p) {
      book[a][p] = paying(rng) ? amount(rng) : 0.0;
      codes[a][p] = tier(rng);
    }
  book[0].assign(periods, 1.0);
  const auto ledger = ledger_of(rows_of(book));
  const auto split = movement_partials(ledger, segments_of(ledger, codes, count), 2);
  const auto whole = movement_partials(ledger, {}, 2);
  const auto at = [&](std::size_t r, std::size_t s, std::size_t f) { return split.at(r, s, f); };
  std::size_t moved_logos = 0;
  // ExactSum has no subtraction: each identity is checked with its negative terms moved across.
  const auto sum_of = [&](std::size_t r, std::size_t s, std::initializer_list<std::size_t> fields) {
    ExactSum total;
    for (std::size_t f : fields) total += at(r, s, f);
    return total;
  };
  for (std::size_t r = 0; r < split.rows(); ++r) {
    ExactSum moved_in, moved_out, logos_in, logos_out;
    for (std::size_t s = 0; s < count; ++s) {
      BOOST_TEST(
          (sum_of(r, s, {movement_start, movement_moved_in, movement_new, movement_reactivation, movement_expansion}) ==
           sum_of(r, s, {movement_end, movement_moved_out, movement_contraction, movement_churn})));
      BOOST_TEST(
          (sum_of(r, s,
                  {movement_logos_start, movement_logos_moved_in, movement_logos_new, movement_logos_reactivated}) ==
           sum_of(r, s, {movement_logos_end, movement_logos_moved_out, movement_logos_churned})));
      if (r > 0) {
        BOOST_TEST((at(r, s, movement_start) == at(r - 1, s, movement_end)));
        BOOST_TEST((at(r, s, movement_logos_start) == at(r - 1, s, movement_logos_end)));
      }
      moved_in += at(r, s, movement_moved_in);
      moved_out += at(r, s, movement_moved_out);
      logos_in += at(r, s, movement_logos_moved_in);
      logos_out += at(r, s, movement_logos_moved_out);
    }
    BOOST_TEST((moved_in == moved_out));
    BOOST_TEST((logos_in == logos_out));
    moved_logos += static_cast<std::size_t>(logos_in.value());
    // Segments add up to the book, where nothing moves.
    for (std::size_t f = 0; f < movement_fields; ++f) {
      ExactSum total;
      for (std::size_t s = 0; s < count; ++s) total += at(r, s, f);
      const bool revenue_move = f == movement_moved_in || f == movement_moved_out;
      const bool logo_move = f == movement_logos_moved_in || f == movement_logos_moved_out;
      BOOST_TEST((total == (revenue_move ? moved_in : logo_move ? logos_in : whole.at(r, 0, f))));
      if (revenue_move || logo_move) BOOST_TEST(whole.at(r, 0, f).is_zero());
    }
  }
  BOOST_TEST(moved_logos > 1000u);  // paying twice in a row (0.49) in another tier (2/3): ~1400 moves
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
  // Into period 3, account 1 (12 -> 8) moves from segment 0 at 12: segment 0 starts at 12 + 7
  // and ends at 7; segment 1 starts at 0, takes 12 in and contracts by 4 to 8.
  BOOST_TEST(sums.value(2, 0, movement_start) == 19.0);
  BOOST_TEST(sums.value(2, 0, movement_moved_out) == 12.0);
  BOOST_TEST(sums.value(2, 0, movement_end) == 7.0);
  BOOST_TEST(sums.value(2, 1, movement_start) == 0.0);
  BOOST_TEST(sums.value(2, 1, movement_moved_in) == 12.0);
  BOOST_TEST(sums.value(2, 1, movement_contraction) == 4.0);
  BOOST_TEST(sums.value(2, 1, movement_end) == 8.0);
  BOOST_TEST(sums.count(2, 1, movement_logos_moved_in) == 1.0);
  BOOST_TEST(sums.count(2, 0, movement_logos_moved_out) == 1.0);
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

// The probe's silent wrap: the old fixed-point sums wrapped past about 2^88 per period, with every
// row under the documented 2^80: 300 accounts at 0.8e24 then 1.2e24 gave an end of 5.05e25 (true
// 3.6e26). Fixed by exact sums (issue 14); kept here.
BOOST_AUTO_TEST_CASE(period_sums_far_beyond_two_to_the_88_do_not_wrap) {
  std::vector<std::int64_t> accounts, periods;
  std::vector<double> amounts;
  for (std::int64_t account = 0; account < 300; ++account)
    for (const auto& [period, amount] : {std::pair{0, 0.8e24}, std::pair{1, 1.2e24}})
      accounts.push_back(account), periods.push_back(period), amounts.push_back(amount);
  const auto t = movement_table(movement_partials(RevenueLedger::from_rows(accounts, {periods}, amounts), {}));
  BOOST_TEST(t.start[0] == 300 * 0.8e24, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(t.end[0] == 300 * 1.2e24, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(t.expansion[0] == 300 * 0.4e24, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(t.end[0] / t.start[0] == 1.5, boost::test_tools::tolerance(1e-12));
}
