#define BOOST_TEST_MODULE metrics.periods
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <limits>
#include <vector>

#include "cssegment/core/error.hpp"
#include "cssegment/metrics/periods.hpp"

using namespace cssegment;

namespace {
// Days since 1970-01-01 of dates used below (2024 is a leap year, 1900 is not, 1600 and 2000 are).
constexpr std::int64_t jan_1_2024 = 19723, feb_29_2024 = 19782, mar_31_2024 = 19813, apr_1_2024 = 19814;
constexpr std::int64_t apr_1_2023 = 19448;
}  // namespace

BOOST_AUTO_TEST_CASE(civil_dates_round_trip_across_leap_years_and_before_1970) {
  BOOST_TEST(days_from_civil(1970, 1, 1) == 0);
  BOOST_TEST(days_from_civil(2024, 2, 29) == feb_29_2024);
  BOOST_TEST(days_from_civil(1969, 12, 31) == -1);
  BOOST_TEST(days_from_civil(1900, 3, 1) - days_from_civil(1900, 2, 28) == 1);  // no 1900-02-29
  BOOST_TEST(days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28) == 2);  // 2000-02-29 exists
  BOOST_TEST(days_from_civil(1600, 2, 29) == -135081);
  for (std::int64_t day = -800'000; day <= 800'000; day += 13) {
    const CivilDate date = civil_from_days(day);
    BOOST_TEST_REQUIRE(days_from_civil(date.year, date.month, date.day) == day);
    const CivilDate next = civil_from_days(day + 1);  // the next day is the next date
    const bool same_month = next.year == date.year && next.month == date.month && next.day == date.day + 1;
    const bool next_month = next.day == 1 && (next.month == date.month % 12 + 1);
    BOOST_TEST_REQUIRE((same_month || next_month));
  }
  for (const std::int64_t day : {-max_calendar_days, max_calendar_days, -max_calendar_days + 59, std::int64_t{0}}) {
    const CivilDate date = civil_from_days(day);
    BOOST_TEST_REQUIRE(days_from_civil(date.year, date.month, date.day) == day);
  }
}

BOOST_AUTO_TEST_CASE(months_are_months_since_1970) {
  const Calendar months = Calendar::of("M", 1);
  BOOST_TEST(months.period_of_day(0) == 0);
  BOOST_TEST(months.period_of_day(jan_1_2024) == 648);  // 54 years of 12 months
  BOOST_TEST(months.period_of_day(feb_29_2024) == 649);
  BOOST_TEST(months.period_of_day(-1) == -1);  // 1969-12
  BOOST_TEST(months.first_day(649) == feb_29_2024 - 28);
  BOOST_TEST(months.last_day(649) == feb_29_2024);
  BOOST_TEST(months.last_day(-1) == -1);
  BOOST_TEST(months.first_day(-1) == -31);
}

BOOST_AUTO_TEST_CASE(fiscal_quarters_are_named_by_the_year_they_end_in) {
  // Calendar quarters: 2024Q1 is 4 * 54 = 216.
  const Calendar calendar_quarters = Calendar::of("Q", 1);
  BOOST_TEST(calendar_quarters.period_of_day(feb_29_2024) == 216);
  BOOST_TEST(calendar_quarters.period_of_day(-1) == -1);  // 1969Q4
  BOOST_TEST(calendar_quarters.first_day(216) == jan_1_2024);
  BOOST_TEST(calendar_quarters.last_day(216) == mar_31_2024);
  // Fiscal year from April: FY2024 runs 2023-04-01 to 2024-03-31, so February 2024 is FY2024 Q4,
  // 4 * (2024 - 1970) + 3 = 219; April 2024 starts FY2025 Q1 = 220.
  const Calendar april = Calendar::of("Q", 4);
  BOOST_TEST(april.period_of_day(feb_29_2024) == 219);
  BOOST_TEST(april.period_of_day(apr_1_2024) == 220);
  BOOST_TEST(april.period_of_day(apr_1_2024 - 1) == 219);
  BOOST_TEST(april.first_day(219) == jan_1_2024);
  BOOST_TEST(april.last_day(219) == mar_31_2024);
  BOOST_TEST(april.period_of_day(0) == 3);  // 1970-01-01 is FY1970 Q4
  // Fiscal year from February: February 2024 opens FY2025, Q1 = 4 * 55 = 220; January 2024 is FY2024 Q4.
  const Calendar february = Calendar::of("Q", 2);
  BOOST_TEST(february.period_of_day(feb_29_2024) == 220);
  BOOST_TEST(february.period_of_day(jan_1_2024) == 219);
  BOOST_TEST(february.first_day(220) == days_from_civil(2024, 2, 1));
  BOOST_TEST(february.last_day(220) == days_from_civil(2024, 4, 30));
}

BOOST_AUTO_TEST_CASE(weeks_run_monday_to_sunday) {
  const Calendar weeks = Calendar::of("W", 1);
  BOOST_TEST(weeks.period_of_day(0) == 1);   // Thursday 1970-01-01, week of Monday 1969-12-29
  BOOST_TEST(weeks.period_of_day(-3) == 1);  // that Monday
  BOOST_TEST(weeks.period_of_day(-4) == 0);  // the Sunday before
  BOOST_TEST(weeks.period_of_day(3) == 1);   // Sunday 1970-01-04
  BOOST_TEST(weeks.period_of_day(4) == 2);
  BOOST_TEST(weeks.first_day(1) == -3);
  BOOST_TEST(weeks.last_day(1) == 3);
  // 2024-02-29 is a Thursday: its week runs from Monday 2024-02-26 to Sunday 2024-03-03.
  const std::int64_t week = weeks.period_of_day(feb_29_2024);
  BOOST_TEST(weeks.first_day(week) == feb_29_2024 - 3);
  BOOST_TEST(weeks.last_day(week) == feb_29_2024 + 3);
}

BOOST_AUTO_TEST_CASE(fiscal_years_are_named_by_the_year_they_end_in) {
  const Calendar years = Calendar::of("Y", 1);
  BOOST_TEST(years.period_of_day(feb_29_2024) == 54);
  BOOST_TEST(years.period_of_day(-1) == -1);
  BOOST_TEST(years.last_day(54) == days_from_civil(2024, 12, 31));
  const Calendar april = Calendar::of("Y", 4);  // FY2024: 2023-04-01 to 2024-03-31
  BOOST_TEST(april.period_of_day(feb_29_2024) == 54);
  BOOST_TEST(april.period_of_day(apr_1_2024) == 55);
  BOOST_TEST(april.first_day(54) == apr_1_2023);
  BOOST_TEST(april.last_day(54) == mar_31_2024);
  BOOST_TEST(april.period_of_day(-1) == 0);  // 1969-12-31 is FY1970
}

BOOST_AUTO_TEST_CASE(every_day_lies_between_its_periods_first_and_last_day) {
  std::vector<Calendar> calendars{Calendar::of("M", 1), Calendar::of("W", 1)};
  for (std::int64_t start = 1; start <= 12; ++start) {
    calendars.push_back(Calendar::of("Q", start));
    calendars.push_back(Calendar::of("Y", start));
  }
  for (const Calendar& calendar : calendars) {
    for (std::int64_t day = -40'000; day <= 40'000; day += 7) {
      const std::int64_t period = calendar.period_of_day(day);
      BOOST_TEST_REQUIRE(calendar.first_day(period) <= day);
      BOOST_TEST_REQUIRE(day <= calendar.last_day(period));
      BOOST_TEST_REQUIRE(calendar.period_of_day(calendar.first_day(period)) == period);
      BOOST_TEST_REQUIRE(calendar.first_day(period + 1) == calendar.last_day(period) + 1);
    }
  }
}

BOOST_AUTO_TEST_CASE(days_of_periods_are_checked) {
  const Calendar april = Calendar::of("Q", 4);
  const std::vector<std::int64_t> quarters{219, 220};
  BOOST_TEST(period_days(april, quarters, false, "p") == (std::vector<std::int64_t>{jan_1_2024, apr_1_2024}));
  BOOST_TEST(period_days(april, quarters, true, "p") == (std::vector<std::int64_t>{mar_31_2024, apr_1_2024 + 90}));
  const std::vector<std::int64_t> beyond{0, std::numeric_limits<std::int64_t>::max()};
  BOOST_CHECK_EXCEPTION(period_days(april, beyond, true, "p"), InvalidInput, [](const InvalidInput& e) {
    return std::string(e.what()).starts_with("p[1] = 9223372036854775807: periods must hold dates within 10 million");
  });
}

BOOST_AUTO_TEST_CASE(bad_calendars_are_named) {
  BOOST_CHECK_EXCEPTION(Calendar::of("D", 1), InvalidInput, [](const InvalidInput& e) {
    return std::string(e.what()) == "freq: 'D': must be 'M', 'Q', 'W' or 'Y'";
  });
  for (std::int64_t start : {0, 13}) {
    BOOST_CHECK_EXCEPTION(Calendar::of("Q", start), InvalidInput, [&](const InvalidInput& e) {
      return std::string(e.what()) == "fiscal_year_start: " + std::to_string(start) + ": must be a month from 1 to 12";
    });
  }
  BOOST_CHECK_THROW(Calendar::of("M", 4), InvalidInput);
  BOOST_CHECK_THROW(Calendar::of("W", 2), InvalidInput);
}

BOOST_AUTO_TEST_CASE(datetimes_fall_into_the_period_of_their_day) {
  constexpr std::int64_t us_per_day = 86'400'000'000;
  // 2024-02-29 23:59:59.999999, 1969-12-31 12:00 and a missing date (NaT).
  const std::vector<std::int64_t> ticks{(feb_29_2024 + 1) * us_per_day - 1, -us_per_day / 2,
                                        std::numeric_limits<std::int64_t>::min()};
  const PeriodKeys keys{ticks, us_per_day, Calendar::of("Q", 4)};
  BOOST_TEST(period_ordinal(keys, 0, "date") == 219);
  BOOST_TEST(period_ordinal(keys, 1, "date") == 2);  // 1969-12-31: FY1970 Q3 (October to December)
  BOOST_CHECK_EXCEPTION(period_ordinal(keys, 2, "date"), InvalidInput, [](const InvalidInput& e) {
    return std::string(e.what()) == "date[2] = NaT: periods must not be missing";
  });
  const PeriodKeys ordinals{ticks, 0, {}};
  BOOST_TEST(period_ordinal(ordinals, 1, "period") == -us_per_day / 2);
}

BOOST_AUTO_TEST_CASE(yyyymm_integers_across_a_year_are_refused) {
  const std::vector<std::int64_t> trap{202311, 202312, 202401};
  BOOST_CHECK_EXCEPTION(check_not_yyyymm(trap, "month"), InvalidInput, [](const InvalidInput& e) {
    return std::string(e.what()).starts_with("month[2] = 202401: integer periods are consecutive period numbers");
  });
  const std::vector<std::int64_t> one_year{202301, 202302, 202312}, numbers{1, 2, 3}, mixed{202312, 202401, 5},
      month_13{202312, 202413};
  BOOST_CHECK_NO_THROW(check_not_yyyymm(one_year, "month"));
  BOOST_CHECK_NO_THROW(check_not_yyyymm(numbers, "month"));
  BOOST_CHECK_NO_THROW(check_not_yyyymm(mixed, "month"));
  BOOST_CHECK_NO_THROW(check_not_yyyymm(month_13, "month"));
  BOOST_TEST(all_read_as_yyyymm(trap));
  BOOST_TEST(!all_read_as_yyyymm(mixed));
  BOOST_TEST(!reads_as_yyyymm(189912));
  BOOST_TEST(!reads_as_yyyymm(220001));
  BOOST_TEST(reads_as_yyyymm(190001));
}
