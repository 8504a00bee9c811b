#define BOOST_TEST_MODULE metrics.account_segments
#include <boost/test/unit_test.hpp>

#include "ledger_rows.hpp"
#include "message_of.hpp"

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "cssegment/metrics/account_segments.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

BOOST_AUTO_TEST_CASE(segments_per_account_and_per_period) {
  using cssegment::testing::hand_book;
  const auto ledger = cssegment::testing::ledger_of(cssegment::testing::rows_of(hand_book));
  const std::vector<std::int64_t> keys{4, 1, 2, 3, 99};
  const std::vector<std::int32_t> codes{1, 0, 1, 0, 1};
  const auto fixed = AccountSegments::per_account(ledger, keys, codes, 2);
  BOOST_TEST(fixed.at(0, 3) == 0);
  BOOST_TEST(fixed.at(3, 0) == 1);
  BOOST_TEST(!fixed.first_unsegmented(ledger));
  const auto partial =
      AccountSegments::per_account(ledger, std::vector<std::int64_t>{1, 2, 3}, std::vector<std::int32_t>{0, 0, 0}, 1);
  BOOST_TEST((*partial.first_unsegmented(ledger) == std::pair<std::size_t, std::size_t>{3, 0}));
  BOOST_TEST(message_of([&] { partial.require_complete(ledger); }) ==
             "by: account key 4 has revenue in period 0 but no segment");
  BOOST_TEST(message_of([&] {
               AccountSegments::per_account(ledger, std::vector<std::int64_t>{1, 1}, std::vector<std::int32_t>{0, 1},
                                            2);
             }) == "by[1] = 1: a second, different segment for the same account");

  const std::vector<std::int64_t> long_keys{1, 1, 2};
  const std::vector<std::int64_t> long_periods{0, 1, 0};
  const auto changing =
      AccountSegments::per_period(ledger, long_keys, {long_periods}, std::vector<std::int32_t>{0, 1, 1}, 2);
  BOOST_TEST(changing.at(0, 0) == 0);
  BOOST_TEST(changing.at(0, 1) == 1);
  BOOST_TEST(changing.at(0, 2) == -1);
  BOOST_TEST((*changing.first_unsegmented(ledger) == std::pair<std::size_t, std::size_t>{0, 2}));
  BOOST_TEST(message_of([&] {
               AccountSegments::per_period(ledger, std::vector<std::int64_t>{2, 2}, {std::vector<std::int64_t>{1, 1}},
                                           std::vector<std::int32_t>{0, 1}, 2);
             }) == "by[1] = 1: a second, different segment for the same account and period");
}
