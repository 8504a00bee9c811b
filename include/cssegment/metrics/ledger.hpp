#pragma once
// The revenue ledger: long (account, period, amount) rows summed into a dense account x period
// matrix R(a, p) >= 0, the input of every revenue metric, plus the segment of each account.
#include <algorithm>
#include <cstdio>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "cssegment/core/validate.hpp"
#include "cssegment/metrics/partials.hpp"

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
  char text[64];
  std::snprintf(text, sizeof text, "%04lld-%02lld-%02lld", static_cast<long long>(date.year),
                static_cast<long long>(date.month), static_cast<long long>(date.day));
  std::string out = text;
  const std::int64_t rest = ticks - days * ticks_per_day;
  if (rest != 0) out += " + " + format_number(static_cast<double>(rest) * 86400.0 / static_cast<double>(ticks_per_day)) + " s";
  return out;
}

inline std::int64_t period_ordinal(const PeriodKeys& keys, std::size_t row, std::string_view argument) {
  const std::int64_t key = keys.values[row];
  if (key == std::numeric_limits<std::int64_t>::min()) fail_at(argument, row, "NaT", "periods must not be missing");
  if (keys.ticks_per_day == 0) return key;
  if (const auto ordinal = month_ordinal(key, keys.ticks_per_day)) return *ordinal;
  fail_at(argument, row, describe_instant(key, keys.ticks_per_day),
          "dates must be the first day of a month at midnight (use .dt.to_period('M') for other dates)");
}

// Names of the input columns, for error messages.
struct LedgerColumns {
  std::string account = "account", period = "period", amount = "amount";
};

// What the ledger read: nothing is dropped silently.
struct LedgerSummary {
  std::size_t rows_read = 0;
  std::size_t accounts = 0;
  std::size_t periods = 0;
  std::size_t duplicate_rows = 0;  // rows summed into an (account, period) seen before
};

// The largest matrix a ledger builds (2^33 cells, 64 GiB), so that a mistaken period key
// (e.g. yyyymmdd integers) fails clearly instead of exhausting memory.
inline constexpr std::size_t max_ledger_cells = std::size_t{1} << 33;

class RevenueLedger {
public:
  RevenueLedger() = default;

  // Rows: account keys (any int64; accounts are their distinct values in ascending order),
  // period keys and amounts (finite, >= 0). Rows for the same (account, period) are summed.
  // `period_range` fixes the first ordinal and the number of periods (so that ledgers of
  // different accounts share their periods); by default it spans the rows' periods.
  static RevenueLedger from_rows(std::span<const std::int64_t> accounts, PeriodKeys periods,
                                 std::span<const double> amounts,
                                 std::optional<std::pair<std::int64_t, std::size_t>> period_range = std::nullopt,
                                 const LedgerColumns& names = {}) {
    check_same_length(names.period, periods.values.size(), names.account, accounts.size());
    check_same_length(names.amount, amounts.size(), names.account, accounts.size());
    const std::size_t n = accounts.size();
    for (std::size_t i = 0; i < n; ++i)
      if (!(amounts[i] >= 0.0 && amounts[i] < max_exact_amount))
        fail_at(names.amount, i, amounts[i], "amounts must be finite, >= 0 and < 2^80");
    RevenueLedger ledger;
    ledger.summary_.rows_read = n;
    if (n == 0 && !period_range) return ledger;

    std::int64_t first_period = std::numeric_limits<std::int64_t>::max(), last_period = 0;
    std::int64_t low_key = std::numeric_limits<std::int64_t>::max(), high_key = std::numeric_limits<std::int64_t>::min();
    for (std::size_t i = 0; i < n; ++i) {
      const std::int64_t ordinal = period_ordinal(periods, i, names.period);
      if (ordinal < first_period) first_period = ordinal;
      if (i == 0 || ordinal > last_period) last_period = ordinal;
      low_key = std::min(low_key, accounts[i]);
      high_key = std::max(high_key, accounts[i]);
    }
    if (period_range) {
      if (n > 0 && (first_period < period_range->first ||
                    last_period - period_range->first >= static_cast<std::int64_t>(period_range->second)))
        fail(names.period, "rows fall outside the given period range");
      first_period = period_range->first;
      ledger.periods_ = period_range->second;
    } else {
      ledger.periods_ = static_cast<std::size_t>(last_period - first_period) + 1;
    }
    ledger.first_period_ = first_period;

    // Dense account rows through a table over the key range (the caller keeps the range small,
    // factorizing sparse keys first).
    if (n > 0) {
      const auto range = static_cast<std::uint64_t>(high_key) - static_cast<std::uint64_t>(low_key) + 1;
      if (range > max_ledger_cells) fail(names.account, "account keys span more than 2^33 values; factorize them first");
      std::vector<std::int32_t> row_of(range, -1);
      for (std::size_t i = 0; i < n; ++i) row_of[static_cast<std::size_t>(accounts[i] - low_key)] = 0;
      for (std::size_t k = 0; k < range; ++k)
        if (row_of[k] == 0) {
          row_of[k] = static_cast<std::int32_t>(ledger.keys_.size());
          ledger.keys_.push_back(low_key + static_cast<std::int64_t>(k));
        }
      const std::size_t periods_count = ledger.periods_;
      if (ledger.keys_.size() > max_ledger_cells / std::max<std::size_t>(periods_count, 1))
        fail(names.period, std::to_string(ledger.keys_.size()) + " accounts x " + std::to_string(periods_count) +
                           " periods exceed the ledger's limit of 2^33 cells; are the periods consecutive?");
      ledger.revenue_.assign(ledger.keys_.size() * periods_count, 0.0);
      std::vector<bool> seen(ledger.revenue_.size(), false);
      std::size_t duplicates = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const auto row = static_cast<std::size_t>(row_of[static_cast<std::size_t>(accounts[i] - low_key)]);
        const auto column = static_cast<std::size_t>(period_ordinal(periods, i, names.period) - first_period);
        const std::size_t cell = row * periods_count + column;
        duplicates += seen[cell];
        seen[cell] = true;
        ledger.revenue_[cell] += amounts[i];
      }
      ledger.summary_.duplicate_rows = duplicates;
      for (std::size_t cell = 0; cell < ledger.revenue_.size(); ++cell)
        if (!(ledger.revenue_[cell] < max_exact_amount))
          fail(names.amount, "the summed revenue of account key " + std::to_string(ledger.keys_[cell / periods_count]) +
                             " reaches 2^80");
    }
    ledger.summary_.accounts = ledger.keys_.size();
    ledger.summary_.periods = ledger.periods_;
    return ledger;
  }

  std::size_t accounts() const { return keys_.size(); }
  std::size_t periods() const { return periods_; }
  std::int64_t first_period() const { return first_period_; }
  const std::vector<std::int64_t>& account_keys() const { return keys_; }
  const LedgerSummary& summary() const { return summary_; }
  const std::vector<double>& matrix() const { return revenue_; }  // row-major account x period

  std::span<const double> row(std::size_t account) const {
    return {revenue_.data() + account * periods_, periods_};
  }
  double revenue(std::size_t account, std::size_t period) const { return revenue_[account * periods_ + period]; }

  // Row of an account key, or nullopt when the ledger has no such account.
  std::optional<std::size_t> account_row(std::int64_t key) const {
    const auto found = std::lower_bound(keys_.begin(), keys_.end(), key);
    if (found == keys_.end() || *found != key) return std::nullopt;
    return static_cast<std::size_t>(found - keys_.begin());
  }

private:
  std::vector<std::int64_t> keys_;
  std::vector<double> revenue_;
  std::size_t periods_ = 0;
  std::int64_t first_period_ = 0;
  LedgerSummary summary_;
};

// The segment of every account, fixed or per period; -1 = none. Metrics attribute an account
// to its segment in a period where it has revenue.
class AccountSegments {
public:
  // Everyone in one segment.
  AccountSegments() = default;

  // One segment per ledger account from (account key, segment code) pairs; keys the ledger does
  // not hold have no revenue and are ignored.
  static AccountSegments per_account(const RevenueLedger& ledger, std::span<const std::int64_t> keys,
                                     std::span<const std::int32_t> codes, std::size_t segments) {
    check_same_length("by", codes.size(), "its account keys", keys.size());
    check_codes<std::int32_t>("by", codes, segments);
    AccountSegments result(segments, 0);
    result.codes_.assign(ledger.accounts(), missing);
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const auto row = ledger.account_row(keys[i]);
      if (!row) continue;
      if (result.codes_[*row] != missing && result.codes_[*row] != codes[i])
        fail_at("by", i, std::to_string(codes[i]), "a second, different segment for the same account");
      result.codes_[*row] = codes[i];
    }
    return result;
  }

  // A segment per (account, period) from long rows; rows outside the ledger are ignored.
  static AccountSegments per_period(const RevenueLedger& ledger, std::span<const std::int64_t> keys,
                                    PeriodKeys periods, std::span<const std::int32_t> codes, std::size_t segments) {
    check_same_length("by", codes.size(), "its account keys", keys.size());
    check_same_length("by", periods.values.size(), "its account keys", keys.size());
    check_codes<std::int32_t>("by", codes, segments);
    AccountSegments result(segments, ledger.periods());
    result.codes_.assign(ledger.accounts() * ledger.periods(), missing);
    const auto periods_count = static_cast<std::int64_t>(ledger.periods());
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const std::int64_t column = period_ordinal(periods, i, "by") - ledger.first_period();
      const auto row = ledger.account_row(keys[i]);
      if (!row || column < 0 || column >= periods_count) continue;
      std::int32_t& code = result.codes_[*row * ledger.periods() + static_cast<std::size_t>(column)];
      if (code != missing && code != codes[i])
        fail_at("by", i, std::to_string(codes[i]), "a second, different segment for the same account and period");
      code = codes[i];
    }
    return result;
  }

  std::size_t count() const { return segments_; }
  std::int32_t at(std::size_t account, std::size_t period) const {
    if (codes_.empty()) return 0;
    return codes_[stride_ == 0 ? account : account * stride_ + period];
  }

  // The first (account, period) with revenue but no segment, if any: the caller names it.
  std::optional<std::pair<std::size_t, std::size_t>> first_unsegmented(const RevenueLedger& ledger) const {
    for (std::size_t a = 0; a < ledger.accounts(); ++a)
      for (std::size_t p = 0; p < ledger.periods(); ++p)
        if (ledger.revenue(a, p) > 0.0 && at(a, p) == missing) return std::pair{a, p};
    return std::nullopt;
  }

  // Throws naming the first account key and period ordinal that has revenue but no segment.
  void require_complete(const RevenueLedger& ledger) const {
    if (const auto gap = first_unsegmented(ledger))
      fail("by", "account key " + std::to_string(ledger.account_keys()[gap->first]) + " has revenue in period " +
                     std::to_string(ledger.first_period() + static_cast<std::int64_t>(gap->second)) +
                     " but no segment");
  }

private:
  static constexpr std::int32_t missing = -1;
  AccountSegments(std::size_t segments, std::size_t stride) : segments_(segments), stride_(stride) {}

  std::size_t segments_ = 1;
  std::size_t stride_ = 0;  // 0: one code per account; else codes per (account, period)
  std::vector<std::int32_t> codes_;
};

}  // namespace cssegment
