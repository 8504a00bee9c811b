#define BOOST_TEST_MODULE metrics.cohorts
#include <boost/test/unit_test.hpp>

#include "ledger_rows.hpp"
#include "message_of.hpp"

#include <string>
#include <vector>

#include "cssegment/metrics/cohorts.hpp"

using namespace cssegment;
using cssegment::testing::hand_book;
using cssegment::testing::ledger_of;
using cssegment::testing::message_of;
using cssegment::testing::rows_of;

namespace {
std::vector<double> curve(const CohortSums& sums, std::size_t block, CohortField field) {
  std::vector<double> values;
  for (std::int64_t age = 0; age < sums.observed_ages(block, 0); ++age)
    values.push_back(sums.value(block, 0, static_cast<std::size_t>(age), field));
  return values;
}
}  // namespace

BOOST_AUTO_TEST_CASE(survival_is_contractual_and_left_censored_accounts_are_optional) {
  auto book = hand_book;
  book.push_back({0, 1, 1, 0, 1, 0});  // starts at 1, stops at 3, returns at 4: stays lost
  book.push_back({0, 1, 0, 0, 0, 0});
  const auto ledger = ledger_of(rows_of(book));
  const auto sums = cohort_sums(ledger, {}, {});
  BOOST_TEST(sums.observed_ages(0, 0) == 0);  // period 0 starters left out
  BOOST_TEST(curve(sums, 1, cohort_survivors) == std::vector<double>({2, 1, 0, 0, 0}));
  BOOST_TEST(curve(sums, 1, cohort_paying) == std::vector<double>({2, 1, 0, 1, 0}));
  BOOST_TEST(curve(sums, 2, cohort_survivors) == std::vector<double>({1, 1, 0, 0}));
  const auto with_first = cohort_sums(ledger, {}, {.cohort_length = 1, .include_first_period = true});
  BOOST_TEST(curve(with_first, 0, cohort_survivors) == std::vector<double>({3, 2, 1, 1, 1, 1}));
  BOOST_TEST(curve(with_first, 0, cohort_revenue) == std::vector<double>({18, 17, 12, 8, 18, 19}));
}

BOOST_AUTO_TEST_CASE(blocks_align_to_the_first_period_and_ages_stop_at_the_latest_start) {
  auto book = hand_book;
  book.push_back({0, 1, 1, 0, 1, 0});
  const auto ledger = ledger_of(rows_of(book));
  const auto sums = cohort_sums(ledger, {}, {.cohort_length = 3});
  // Block 0 = periods 0-2: account 5 (start 1) and account 3 (start 2); latest start 2.
  BOOST_TEST(sums.observed_ages(0, 0) == 4);
  BOOST_TEST(curve(sums, 0, cohort_survivors) == std::vector<double>({2, 2, 0, 0}));
  BOOST_TEST(message_of([&] { cohort_sums(ledger, {}, {.cohort_length = 0}); }) ==
             "cohort_length: 0 must be >= 1 period");
}

BOOST_AUTO_TEST_CASE(cohort_tables_beyond_the_memory_budget_are_refused_before_allocating) {
  // Two accounts 10,000 periods apart: a small ledger, but 10,001 cohorts x 10,001 ages per thread.
  const testing::Rows rows{{1, 2}, {0, 10'000}, {1.0, 1.0}};
  const auto ledger = testing::ledger_of(rows);
  const std::string message = message_of([&] { cohort_sums(ledger, {}, {}); });
  BOOST_TEST(message.starts_with("cohort_length: the cohort x age tables would take"));
  BOOST_TEST(message.find("10,001 cohorts x 10,001 ages for 2 accounts") != std::string::npos);
  BOOST_TEST(cohort_sums(ledger, {}, {.cohort_length = 10'001}).sums.rows() == 1u);  // the way out
}
