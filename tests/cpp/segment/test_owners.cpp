#define BOOST_TEST_MODULE segment.owners
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "cssegment/segment/owners.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

namespace {

// Tech touch (digital), Low touch (pooled 100:1), High touch (15:1).
const std::vector<SegmentCoverage> touch{{"Tech touch", std::nullopt, false},
                                         {"Low touch", 100.0, true},
                                         {"High touch", 15.0, false}};

std::vector<CsmSeat> high_touch_roster(int n) {
  std::vector<CsmSeat> csms;
  for (int i = 0; i < n; ++i) csms.push_back({"csm" + std::to_string(i), 2, std::nullopt});
  return csms;
}

}  // namespace

BOOST_AUTO_TEST_CASE(books_respect_capacity_and_balance_arr) {
  std::mt19937_64 rng(1);
  std::lognormal_distribution<double> money(11.0, 1.0);
  const std::size_t n = 40;
  std::vector<std::int32_t> segments(n, 2);
  std::vector<double> arr(n);
  for (auto& a : arr) a = money(rng);
  auto csms = high_touch_roster(3);
  const auto result = assign_owners(segments, arr, touch, csms, OwnerStrategy::balance_arr);
  BOOST_TEST(result.books.size() == 3u);
  std::size_t total = 0;
  double low = 1e300, high = 0.0, largest = *std::max_element(arr.begin(), arr.end());
  for (const auto& book : result.books) {
    BOOST_TEST(book.capacity == 15.0);
    BOOST_TEST(book.accounts <= 15u);
    total += book.accounts;
    low = std::min(low, book.arr), high = std::max(high, book.arr);
  }
  BOOST_TEST(total == n);
  // Greedy largest-first balancing: books differ by at most the largest account.
  BOOST_TEST(high - low <= largest);
  // Owners and books agree.
  std::vector<double> recomputed(3, 0.0);
  for (std::size_t i = 0; i < n; ++i) recomputed[static_cast<std::size_t>(result.owners[i])] += arr[i];
  for (std::size_t c = 0; c < 3; ++c)
    BOOST_TEST(recomputed[c] == result.books[c].arr, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(balance_count_and_round_robin) {
  std::vector<std::int32_t> segments(10, 2);
  std::vector<double> arr{100, 90, 80, 70, 60, 50, 40, 30, 20, 10};
  const auto csms = high_touch_roster(3);
  const auto counted = assign_owners(segments, arr, touch, csms, OwnerStrategy::balance_count);
  // Counts differ by at most one; among equal counts the lighter ARR book takes the next account.
  BOOST_TEST(counted.books[0].accounts == 3u);
  BOOST_TEST(counted.books[1].accounts == 3u);
  BOOST_TEST(counted.books[2].accounts == 4u);
  BOOST_TEST(counted.books[0].arr == 190.0);  // 100 + 50 + 40
  BOOST_TEST(counted.books[2].arr == 180.0);  // 80 + 70 + 20 + 10
  const auto cycled = assign_owners(segments, {}, touch, csms, OwnerStrategy::round_robin);
  BOOST_TEST(cycled.owners == std::vector<std::int32_t>({0, 1, 2, 0, 1, 2, 0, 1, 2, 0}));
}

BOOST_AUTO_TEST_CASE(round_robin_skips_full_books) {
  std::vector<std::int32_t> segments(5, 2);
  std::vector<CsmSeat> csms{{"a", 2, 1.0}, {"b", 2, 4.0}};
  const auto result = assign_owners(segments, {}, touch, csms, OwnerStrategy::round_robin);
  BOOST_TEST(result.owners == std::vector<std::int32_t>({0, 1, 1, 1, 1}));
}

BOOST_AUTO_TEST_CASE(previous_owners_are_kept_while_they_have_room) {
  std::vector<std::int32_t> segments(6, 2);
  std::vector<double> arr{60, 50, 40, 30, 20, 10};
  std::vector<CsmSeat> csms{{"a", 2, 2.0}, {"b", 2, 4.0}};
  // Everyone was with "a", who now has room for 2: the two largest stay, the rest move to "b".
  const std::vector<std::int32_t> previous{0, 0, 0, 0, 0, -1};
  const auto result = assign_owners(segments, arr, touch, csms, OwnerStrategy::balance_arr, previous);
  BOOST_TEST(result.owners == std::vector<std::int32_t>({0, 0, 1, 1, 1, 1}));
  BOOST_TEST(result.kept == 2u);
  BOOST_TEST(result.reassigned == 3u);
}

BOOST_AUTO_TEST_CASE(pooled_and_digital_segments) {
  const std::vector<std::int32_t> segments{0, 1, 1, 2, -1};
  const std::vector<double> arr{1e3, 2e4, 3e4, 9e4, 5e3};
  std::vector<CsmSeat> csms{{"pool-1", 1, std::nullopt}, {"pool-2", 1, std::nullopt}, {"h", 2, std::nullopt}};
  const auto result = assign_owners(segments, arr, touch, csms, OwnerStrategy::balance_arr);
  BOOST_TEST(result.books.size() == 4u);  // three CSMs, then the Low touch pool
  BOOST_TEST(result.books[3].owner == "Low touch pool");
  BOOST_TEST(result.books[3].csms == 2u);
  BOOST_TEST(result.books[3].capacity == 200.0);
  BOOST_TEST(result.books[3].arr == 5e4);
  BOOST_TEST(result.owners == std::vector<std::int32_t>({-1, 3, 3, 2, -1}));
  // Pool members hold no named book.
  BOOST_TEST(result.books[0].accounts == 0u);
}

BOOST_AUTO_TEST_CASE(errors_say_how_many_csms_are_missing) {
  std::vector<std::int32_t> segments(40, 2);
  BOOST_TEST(message_of([&] {
               assign_owners(segments, {}, touch, high_touch_roster(2), OwnerStrategy::balance_arr);
             }) == "csms: segment 'High touch' has 40 accounts but its 2 CSMs hold 30 at 15:1; 1 more CSM is needed");
  BOOST_TEST(message_of([&] { assign_owners(segments, {}, touch, {}, OwnerStrategy::balance_arr); }) ==
             "csms: segment 'High touch' has 40 accounts but no CSM on its roster at 15:1; 3 more CSMs are needed");
  BOOST_TEST(message_of([&] {
               assign_owners(segments, {}, touch, {{"x", 0, std::nullopt}}, OwnerStrategy::balance_arr);
             }) == "csms[0]: 'x' serves 'Tech touch', a segment without CSMs (no ratio); give the CSM a capacity");
  BOOST_TEST(message_of([&] {
               assign_owners(segments, {}, touch, {{"x", 2, std::nullopt}, {"x", 2, std::nullopt}},
                             OwnerStrategy::balance_arr);
             }) == "csms[1]: 'x' is listed twice");
  BOOST_TEST(message_of([] { parse_owner_strategy("random"); }) ==
             "strategy: 'random' is not one of 'balance_arr', 'balance_count', 'round_robin'");
}
