#define BOOST_TEST_MODULE metrics.subscriptions
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include "cssegment/metrics/subscriptions.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

namespace {

// Days since 1970-01-01: 2024-01-01 is 19723 (2024 is a leap year).
constexpr std::int64_t jan1 = 19723, jan2 = 19724, jan15 = 19737, jan20 = 19742, jan31 = 19753, feb1 = 19754,
                       mar31 = 19813, apr1 = 19814, apr30 = 19843, jun30 = 19904;
// Last days of 2024-01 .. 2024-06 (month ordinals 648 .. 653).
const std::vector<std::int64_t> month_ends{19753, 19782, 19813, 19843, 19874, 19904};

struct Rows {
  std::vector<std::int64_t> accounts, starts, ends;
  std::vector<double> amounts;
  std::vector<std::int64_t> intervals;
  Subscriptions view() const { return {accounts, starts, ends, amounts, intervals}; }
};

Rows hand_rows() {
  return {{1, 2, 2, 3, 4, 5},
          {jan15, jan1, feb1, mar31, jun30, jan2},
          {open_end, mar31, apr1, apr30, open_end, jan20},
          {100.0, 300.0, 1200.0, 12.0, 600.0, 50.0},
          {1, 3, 12, weekly_interval, 6, 1}};
}

}  // namespace

BOOST_AUTO_TEST_CASE(monthly_revenue_counts_where_active_on_the_last_day) {
  const auto ledger = ledger_from_subscriptions(hand_rows().view(), month_ends, 648);
  BOOST_TEST(ledger.first_period() == 648);
  BOOST_TEST(ledger.n_periods() == 6u);
  BOOST_TEST(ledger.account_keys() == (std::vector<std::int64_t>{1, 2, 3, 4, 5}), boost::test_tools::per_element());
  // 1: starts mid-January, still active: every month. 2: a quarterly plan ending on 2024-03-31
  // (exclusive: not active that day) counts in January and February; an annual plan from
  // February 1 to April 1 counts in February and March. 3: weekly, 12 x 52 / 12 = 52, active on
  // March 31 only. 4: 600 every 6 months from June 30. 5: never active on a month's last day.
  const std::vector<double> expected{100, 100, 100, 100, 100, 100,  //
                                     100, 200, 100, 0,   0,   0,    //
                                     0,   0,   52,  0,   0,   0,    //
                                     0,   0,   0,   0,   0,   100,  //
                                     0,   0,   0,   0,   0,   0};
  BOOST_TEST(ledger.matrix() == expected, boost::test_tools::per_element());
  BOOST_TEST(ledger.summary().rows_read == 6u);
  BOOST_TEST(ledger.summary().duplicate_rows == 1u);  // account 2 in February
}

BOOST_AUTO_TEST_CASE(monthly_amounts_normalise_each_interval) {
  BOOST_TEST(monthly_amount(90.0, 1) == 90.0);
  BOOST_TEST(monthly_amount(90.0, 3) == 30.0);
  BOOST_TEST(monthly_amount(1200.0, 12) == 100.0);
  BOOST_TEST(monthly_amount(120.0, 24) == 5.0);
  BOOST_TEST(monthly_amount(30.0, weekly_interval) == 130.0);  // 30 x 52 / 12
}

BOOST_AUTO_TEST_CASE(end_is_exclusive_on_a_months_last_day) {
  Rows rows{{7, 7}, {jan1, jan1}, {jan31, jan31 + 1}, {10.0, 1.0}, {1, 1}};
  const auto ledger = ledger_from_subscriptions(rows.view(), month_ends, 648);
  BOOST_TEST(ledger.revenue(0, 0) == 1.0);  // only the one still active on January 31
  BOOST_TEST(ledger.revenue(0, 1) == 0.0);
}

BOOST_AUTO_TEST_CASE(other_period_boundaries_give_other_calendars) {
  // Quarters: last days of 2024-03 and 2024-06 (any sorted last days work).
  const std::vector<std::int64_t> quarter_ends{mar31, jun30};
  const auto ledger = ledger_from_subscriptions(hand_rows().view(), quarter_ends, 216);
  const std::vector<double> expected{100, 100, 100, 0, 52, 0, 0, 100, 0, 0};
  BOOST_TEST(ledger.matrix() == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(rates_convert_each_period) {
  Rows rows{{1, 2}, {jan1, jan1}, {open_end, open_end}, {300.0, 10.0}, {3, 1}};
  const std::vector<std::int32_t> currencies{1, 0};
  // Currency 0 at 1 throughout; currency 1 at 2, then 0.5 from the second period.
  const std::vector<double> rates{1, 1, 1, 2, 0.5, 0.5};
  const std::vector<std::int64_t> ends{jan31, 19782, mar31};
  const auto ledger = ledger_from_subscriptions(rows.view(), ends, 648, {currencies, rates});
  const std::vector<double> expected{200, 50, 50, 10, 10, 10};
  BOOST_TEST(ledger.matrix() == expected, boost::test_tools::per_element());
  const std::vector<double> zero_rate{1, 1, 1, 2, 0, 0.5};
  BOOST_TEST(message_of([&] { ledger_from_subscriptions(rows.view(), ends, 648, {currencies, zero_rate}); }) ==
             "fx[4] = 0: exchange rates must be finite and > 0");
}

BOOST_AUTO_TEST_CASE(bad_rows_are_named) {
  auto with = [](auto change) {
    Rows rows = hand_rows();
    change(rows);
    return message_of([&] { ledger_from_subscriptions(rows.view(), month_ends, 648); });
  };
  BOOST_TEST(with([](Rows& r) { r.ends[1] = jan1 - 1; }) ==
             "end[1] = 2023-12-31: ends before its start 2024-01-01 (end is exclusive and must be >= start)");
  BOOST_TEST(with([](Rows& r) { r.intervals[2] = 0; }) ==
             "interval[2] = 0: billing intervals must be 'month', 'quarter', 'year', 'week' or a whole number of "
             "months >= 1");
  BOOST_TEST(with([](Rows& r) { r.amounts[3] = -1.0; }) == "amount[3] = -1: amounts must be finite and >= 0");
  BOOST_TEST(with([](Rows& r) { r.starts[0] = missing_day; }) == "start[0] = NaT: start dates must not be missing");
  BOOST_TEST(with([](Rows& r) { r.ends[4] = missing_day + 1; }) ==
             "end[4] = -9223372036854775807 days: dates must lie within 10 million years of 1970-01-01");
  const std::vector<std::int64_t> unsorted{jan31, jan31};
  BOOST_TEST(message_of([&] { ledger_from_subscriptions(hand_rows().view(), unsorted, 648); }) ==
             "periods[1] = 19753: period last days must be strictly increasing");
}

BOOST_AUTO_TEST_CASE(same_result_as_long_rows_of_the_active_months) {
  // Each subscription expanded by hand into (account, month, monthly amount) rows.
  const Rows rows = hand_rows();
  std::vector<std::int64_t> accounts, months;
  std::vector<double> amounts;
  for (std::size_t i = 0; i < rows.accounts.size(); ++i)
    for (std::size_t k = 0; k < month_ends.size(); ++k)
      if (rows.starts[i] <= month_ends[k] && (rows.ends[i] == open_end || month_ends[k] < rows.ends[i])) {
        accounts.push_back(rows.accounts[i]);
        months.push_back(648 + static_cast<std::int64_t>(k));
        amounts.push_back(monthly_amount(rows.amounts[i], rows.intervals[i]));
      }
  accounts.push_back(5);  // the account without active months, as a zero row
  months.push_back(648);
  amounts.push_back(0.0);
  const auto expected = RevenueLedger::from_rows(accounts, PeriodKeys{months}, amounts, std::pair{648, 6});
  const auto got = ledger_from_subscriptions(rows.view(), month_ends, 648);
  BOOST_TEST(got.matrix() == expected.matrix(), boost::test_tools::per_element());
  BOOST_TEST(got.account_keys() == expected.account_keys(), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_ledger_does_not_depend_on_the_thread_count) {
  // 200k subscriptions of 50k accounts: several blocks of ledger rows and chunks of rows.
  Rows rows;
  std::uint64_t state = 7;
  auto next = [&state](std::uint64_t bound) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::int64_t>((state >> 33) % bound);
  };
  for (int i = 0; i < 200'000; ++i) {
    rows.accounts.push_back(next(50'000));
    rows.starts.push_back(jan1 + next(180));
    rows.ends.push_back(next(3) == 0 ? open_end : rows.starts.back() + next(200));
    rows.amounts.push_back(static_cast<double>(next(100'000)) / 7.0);
    rows.intervals.push_back(next(4) == 0 ? weekly_interval : 1 + next(12));
  }
  const auto one = ledger_from_subscriptions(rows.view(), month_ends, 648, {}, {}, 1);
  for (std::size_t threads : {2u, 3u, 8u}) {
    const auto many = ledger_from_subscriptions(rows.view(), month_ends, 648, {}, {}, threads);
    BOOST_TEST(many.matrix() == one.matrix(), boost::test_tools::per_element());
    BOOST_TEST(many.summary().duplicate_rows == one.summary().duplicate_rows);
  }
}
