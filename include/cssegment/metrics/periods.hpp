#pragma once
// Calendar maths of period keys: consecutive ordinals as given, or month-start datetimes turned
// into months since 1970-01, with bad keys named as the user wrote them.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cssegment/core/validate.hpp"

namespace cssegment {

// Period keys as read from the input: ordinals of consecutive periods (integers, or pandas
// Period ordinals), or datetimes in ticks since 1970-01-01 that must fall on the first of a
// month at midnight (ticks_per_day > 0), which become months since 1970-01.
struct PeriodKeys {
  std::span<const std::int64_t> values;
  std::int64_t ticks_per_day = 0;  // 0: the values are ordinals already
};

struct CivilDate {
  std::int64_t year, month, day;  // month and day from 1
};

// Civil date of days since 1970-01-01 (H. Hinnant's algorithm).
inline CivilDate civil_from_days(std::int64_t days) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const std::int64_t day_of_era = days - era * 146097;
  const std::int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t shifted_month = (5 * day_of_year + 2) / 153;  // March = 0
  const std::int64_t day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
  const std::int64_t month = shifted_month < 10 ? shifted_month + 3 : shifted_month - 9;
  return {year_of_era + era * 400 + (month <= 2), month, day};
}

inline std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

// Months since 1970-01 of a first-of-month midnight, or nullopt for any other instant.
inline std::optional<std::int64_t> month_ordinal(std::int64_t ticks, std::int64_t ticks_per_day) {
  if (ticks % ticks_per_day != 0) return std::nullopt;
  const CivilDate date = civil_from_days(ticks / ticks_per_day);
  if (date.day != 1) return std::nullopt;
  return (date.year - 1970) * 12 + (date.month - 1);
}

// "2024-01-15" or "2024-01-15 + 3600 s" for an instant that is not midnight.
inline std::string describe_instant(std::int64_t ticks, std::int64_t ticks_per_day) {
  const std::int64_t days = floor_div(ticks, ticks_per_day);
  const CivilDate date = civil_from_days(days);
  // The remainder taken directly: days * ticks_per_day may not be representable.
  const std::int64_t rest = ticks % ticks_per_day + (ticks % ticks_per_day < 0 ? ticks_per_day : 0);
  char text[64];
  std::snprintf(text, sizeof text, "%04lld-%02lld-%02lld", static_cast<long long>(date.year),
                static_cast<long long>(date.month), static_cast<long long>(date.day));
  std::string out = text;
  if (rest != 0)
    out += " + " + format_number(static_cast<double>(rest) * 86400.0 / static_cast<double>(ticks_per_day)) + " s";
  return out;
}

// Days from 1970-01-01 to the furthest date a period may be (10 million years): no calendar in
// use reaches it, and the civil-date arithmetic stays far from overflow.
inline constexpr std::int64_t max_calendar_days = 3'652'425'000;

inline std::int64_t period_ordinal(const PeriodKeys& keys, std::size_t row, std::string_view argument) {
  const std::int64_t key = keys.values[row];
  if (key == std::numeric_limits<std::int64_t>::min()) fail_at(argument, row, "NaT", "periods must not be missing");
  if (keys.ticks_per_day == 0) return key;
  const std::int64_t days = floor_div(key, keys.ticks_per_day);
  if (days < -max_calendar_days || days > max_calendar_days)
    fail_at(argument, row, std::to_string(key) + " ticks",
            "dates must lie within 10 million years of 1970-01-01 (" + std::to_string(keys.ticks_per_day) +
                " ticks per day)");
  if (const auto ordinal = month_ordinal(key, keys.ticks_per_day)) return *ordinal;
  fail_at(argument, row, describe_instant(key, keys.ticks_per_day),
          "dates must be the first day of a month at midnight (use .dt.to_period('M') for other dates)");
}

}  // namespace cssegment
