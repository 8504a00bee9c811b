#pragma once
// Calendar maths of period keys: consecutive ordinals as given, or dates bucketed into the
// months, quarters, weeks or years of a calendar (fiscal years starting in any month), with bad
// keys named as the user wrote them.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cssegment/core/validate.hpp"

namespace cssegment {

inline std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

struct CivilDate {
  std::int64_t year, month, day;  // month and day from 1
};

// Days from 1970-01-01 to the furthest date a period may be (10 million years): no calendar in
// use reaches it, and the civil-date arithmetic stays far from overflow.
inline constexpr std::int64_t max_calendar_days = 3'652'425'000;

// Civil date of days since 1970-01-01, for |days| <= max_calendar_days: C. Neri and L.
// Schneider's algorithm ("Euclidean affine functions and their application to calendar
// algorithms", 2022), multiplications and shifts only, on days counted from 1 March of a year
// far enough back that every day in range is positive.
inline CivilDate civil_from_days(std::int64_t days) {
  constexpr std::uint64_t eras = 25'100;  // 400-year eras before 0000-03-01: 3.67e9 days
  constexpr std::int64_t shift = 719'468 + 146'097 * static_cast<std::int64_t>(eras);
  const auto n = static_cast<std::uint64_t>(days + shift);
  const std::uint64_t n1 = 4 * n + 3;
  const std::uint64_t century = n1 / 146'097;
  const std::uint64_t n2 = (n1 % 146'097) | 3;  // 4 * (day of the century) + 3
  const std::uint64_t p2 = 2'939'745 * n2;
  const std::uint64_t year_of_century = p2 >> 32;
  const std::uint64_t day_of_year = (p2 & 0xFFFF'FFFF) / 2'939'745 / 4;  // from 1 March
  const std::uint64_t n3 = 2'141 * day_of_year + 197'913;
  const bool january_or_february = day_of_year >= 306;
  const auto month = static_cast<std::int64_t>(n3 >> 16) - (january_or_february ? 12 : 0);
  const auto day = static_cast<std::int64_t>((n3 & 0xFFFF) / 2'141) + 1;
  const auto year = static_cast<std::int64_t>(100 * century + year_of_century) - 400 * static_cast<std::int64_t>(eras) +
                    january_or_february;
  return {year, month, day};
}

// Days since 1970-01-01 of a civil date (the inverse of civil_from_days; month 1-12, day 1-31).
inline std::int64_t days_from_civil(std::int64_t year, std::int64_t month, std::int64_t day) {
  year -= month <= 2;
  const std::int64_t era = floor_div(year, 400);
  const std::int64_t year_of_era = year - era * 400;
  const std::int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const std::int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

// "2024-01-15" for days since 1970-01-01 (|days| <= max_calendar_days), to name a date in a message.
inline std::string describe_day(std::int64_t days) {
  const CivilDate date = civil_from_days(days);
  char text[32];
  std::snprintf(text, sizeof text, "%04lld-%02lld-%02lld", static_cast<long long>(date.year),
                static_cast<long long>(date.month), static_cast<long long>(date.day));
  return text;
}

// Days since 1970-01-01 of datetime ticks: constant divisors for the tick counts of the
// datetime64 units (days, s, ms, us, ns), which compilers turn into multiplications.
inline std::int64_t days_of_ticks(std::int64_t ticks, std::int64_t ticks_per_day) {
  switch (ticks_per_day) {
    case 1: return ticks;
    case 86'400: return floor_div(ticks, 86'400);
    case 86'400'000: return floor_div(ticks, 86'400'000);
    case 86'400'000'000: return floor_div(ticks, 86'400'000'000);
    case 86'400'000'000'000: return floor_div(ticks, 86'400'000'000'000);
    default: return floor_div(ticks, ticks_per_day);
  }
}

enum class Frequency { month, quarter, week, year };

// How dates fall into periods. Ordinals count periods from the one holding 1970-01-01 and equal
// pandas Period ordinals of the matching frequency ("M", "Q-<month>", "W-SUN", "Y-<month>",
// <month> the last month of the fiscal year):
// - month: months since 1970-01;
// - quarter: fiscal quarters; a fiscal year is named by the calendar year it ends in (the
//   fiscal year starting 2023-04-01 is FY2024), and ordinal 4 * (FY - 1970) + (quarter - 1);
// - week: weeks from Monday to Sunday (ISO 8601 weeks), 1 for the week of 1970-01-01;
// - year: fiscal years, FY - 1970.
struct Calendar {
  Frequency freq = Frequency::month;
  std::int64_t fiscal_year_start = 1;  // the month (1-12) fiscal quarters and years start in

  friend bool operator==(const Calendar&, const Calendar&) = default;

  // The checked calendar of a frequency name ("M", "Q", "W", "Y") and fiscal year start.
  static Calendar of(std::string_view freq, std::int64_t fiscal_year_start) {
    Calendar calendar;
    if (freq == "M") calendar.freq = Frequency::month;
    else if (freq == "Q") calendar.freq = Frequency::quarter;
    else if (freq == "W") calendar.freq = Frequency::week;
    else if (freq == "Y") calendar.freq = Frequency::year;
    else fail("freq", single_quoted(freq) + ": must be 'M', 'Q', 'W' or 'Y'");
    if (fiscal_year_start < 1 || fiscal_year_start > 12)
      fail("fiscal_year_start", std::to_string(fiscal_year_start) + ": must be a month from 1 to 12");
    if (fiscal_year_start != 1 && (calendar.freq == Frequency::month || calendar.freq == Frequency::week))
      fail("fiscal_year_start", std::to_string(fiscal_year_start) +
                                    ": applies to quarters and years only (freq 'Q' or 'Y'), not to freq " +
                                    single_quoted(freq));
    calendar.fiscal_year_start = fiscal_year_start;
    return calendar;
  }

  // The ordinal of the period holding day `day` (days since 1970-01-01).
  std::int64_t period_of_day(std::int64_t day) const {
    if (freq == Frequency::week) return floor_div(day + 10, 7);
    const CivilDate date = civil_from_days(day);
    const std::int64_t month = (date.year - 1970) * 12 + (date.month - 1);
    if (freq == Frequency::month) return month;
    return floor_div(month + shift(), freq == Frequency::quarter ? 3 : 12);
  }

  // The first and last day (days since 1970-01-01) of period `period`.
  std::int64_t first_day(std::int64_t period) const {
    if (freq == Frequency::week) return 7 * period - 10;
    const std::int64_t month = freq == Frequency::month     ? period
                               : freq == Frequency::quarter ? 3 * period - shift()
                                                            : 12 * period - shift();
    return days_from_civil(1970 + floor_div(month, 12), month - 12 * floor_div(month, 12) + 1, 1);
  }
  std::int64_t last_day(std::int64_t period) const { return first_day(period + 1) - 1; }

private:
  // Months from a fiscal year's first month to the first month of the calendar year it ends in.
  std::int64_t shift() const { return (13 - fiscal_year_start) % 12; }
};

// The first (or, with `last`, the last) day of each of `periods`, which must hold dates within
// max_calendar_days of 1970-01-01 (further periods have no representable days).
inline std::vector<std::int64_t> period_days(const Calendar& calendar, std::span<const std::int64_t> periods, bool last,
                                             std::string_view argument) {
  const std::int64_t lowest = calendar.period_of_day(-max_calendar_days),
                     highest = calendar.period_of_day(max_calendar_days);
  std::vector<std::int64_t> days(periods.size());
  for (std::size_t i = 0; i < periods.size(); ++i) {
    if (periods[i] < lowest || periods[i] > highest)
      fail_at(argument, i, std::to_string(periods[i]),
              "periods must hold dates within 10 million years of 1970-01-01 (ordinals " + std::to_string(lowest) +
                  " to " + std::to_string(highest) + ")");
    days[i] = last ? calendar.last_day(periods[i]) : calendar.first_day(periods[i]);
  }
  return days;
}

// Period keys as read from the input: ordinals of consecutive periods (integers, or pandas
// Period ordinals), or datetimes in ticks since 1970-01-01 (ticks_per_day > 0), which fall into
// the period of `calendar` holding their day.
struct PeriodKeys {
  std::span<const std::int64_t> values;
  std::int64_t ticks_per_day = 0;  // 0: the values are ordinals already
  Calendar calendar = {};
};

inline std::int64_t period_ordinal(const PeriodKeys& keys, std::size_t row, std::string_view argument) {
  const std::int64_t key = keys.values[row];
  if (key == std::numeric_limits<std::int64_t>::min()) fail_at(argument, row, "NaT", "periods must not be missing");
  if (keys.ticks_per_day == 0) return key;
  const std::int64_t days = days_of_ticks(key, keys.ticks_per_day);
  if (days < -max_calendar_days || days > max_calendar_days)
    fail_at(argument, row, std::to_string(key) + " ticks",
            "dates must lie within 10 million years of 1970-01-01 (" + std::to_string(keys.ticks_per_day) +
                " ticks per day)");
  return keys.calendar.period_of_day(days);
}

// Whether an integer reads as a yyyymm date: a year from 1900 to 2199, a month from 1 to 12.
inline bool reads_as_yyyymm(std::int64_t value) {
  return value >= 190001 && value <= 219912 && value % 100 >= 1 && value % 100 <= 12;
}

// Whether every value reads as yyyymm (true for none).
inline bool all_read_as_yyyymm(std::span<const std::int64_t> values) {
  for (const std::int64_t value : values)
    if (!reads_as_yyyymm(value)) return false;
  return true;
}

// Integer periods are consecutive period numbers, so integers written as yyyymm (202312, 202401)
// would leave 88 empty periods at each new year. Refused when every value reads as yyyymm and
// they span more than one year; the row named is the first in another year than row 0.
inline void check_not_yyyymm(std::span<const std::int64_t> values, std::string_view argument) {
  if (!all_read_as_yyyymm(values)) return;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] / 100 == values[0] / 100) continue;
    fail_at(argument, i, std::to_string(values[i]),
            "integer periods are consecutive period numbers, but these all read as yyyymm dates across a year "
            "boundary (" +
                std::to_string(values[0]) + " and " + std::to_string(values[i]) +
                "), where numbers would leave 88 empty periods each new year; pass them as dates "
                "(pd.to_datetime(column.astype(str), format='%Y%m')) or with period_format='%Y%m'");
  }
}

}  // namespace cssegment
