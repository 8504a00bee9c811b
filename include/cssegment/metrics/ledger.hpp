#pragma once
// The revenue ledger: long (account, period, amount) rows summed into a dense account x period
// matrix R(a, p) >= 0, the input of every revenue metric, plus the segment of each account.
#include <algorithm>
#include <cstdio>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "cssegment/core/parallel.hpp"
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
  // The remainder taken directly: days * ticks_per_day may not be representable.
  const std::int64_t rest = ticks % ticks_per_day + (ticks % ticks_per_day < 0 ? ticks_per_day : 0);
  char text[64];
  std::snprintf(text, sizeof text, "%04lld-%02lld-%02lld", static_cast<long long>(date.year),
                static_cast<long long>(date.month), static_cast<long long>(date.day));
  std::string out = text;
  if (rest != 0) out += " + " + format_number(static_cast<double>(rest) * 86400.0 / static_cast<double>(ticks_per_day)) + " s";
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

// Rows per parallel chunk of the ledger's passes over its input.
inline constexpr std::size_t ledger_chunk_rows = 1u << 18;

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
                                 const LedgerColumns& names = {});

  // from_rows a block of rows at a time, e.g. to report progress between calls; from_rows runs
  // one to the end, so both give the same ledger, bit for bit.
  class Builder;

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
  struct KeyRanges {
    std::int64_t first_period = std::numeric_limits<std::int64_t>::max();
    std::int64_t last_period = std::numeric_limits<std::int64_t>::min();
    std::int64_t low_key = std::numeric_limits<std::int64_t>::max();
    std::int64_t high_key = std::numeric_limits<std::int64_t>::min();
  };

  // Checks rows [first, last) (the first bad row is named, whatever the thread count) and
  // widens `total` to their ranges of period ordinals and account keys.
  static void key_ranges(std::span<const std::int64_t> accounts, const PeriodKeys& periods,
                         std::span<const double> amounts, const LedgerColumns& names, std::size_t first,
                         std::size_t last, KeyRanges& total) {
    std::mutex merging;
    parallel_for(last - first, ledger_chunk_rows, [&](std::size_t begin, std::size_t end) {
      KeyRanges local;
      for (std::size_t i = first + begin; i < first + end; ++i) {
        if (!(amounts[i] >= 0.0 && amounts[i] < max_exact_amount))
          fail_at(names.amount, i, amounts[i], "amounts must be finite, >= 0 and < 2^80");
        const std::int64_t ordinal = period_ordinal(periods, i, names.period);
        local.first_period = std::min(local.first_period, ordinal);
        local.last_period = std::max(local.last_period, ordinal);
        local.low_key = std::min(local.low_key, accounts[i]);
        local.high_key = std::max(local.high_key, accounts[i]);
      }
      const std::lock_guard lock(merging);
      total.first_period = std::min(total.first_period, local.first_period);
      total.last_period = std::max(total.last_period, local.last_period);
      total.low_key = std::min(total.low_key, local.low_key);
      total.high_key = std::max(total.high_key, local.high_key);
    });
  }

  std::vector<std::int64_t> keys_;
  std::vector<double> revenue_;
  std::size_t periods_ = 0;
  std::int64_t first_period_ = 0;
  LedgerSummary summary_;
};

// The work of from_rows is two passes over the rows: checking them (and finding the ranges of
// periods and account keys), then summing them into the matrix, laid out in between. The spans
// must outlive the builder.
class RevenueLedger::Builder {
public:
  Builder(std::span<const std::int64_t> accounts, PeriodKeys periods, std::span<const double> amounts,
          std::optional<std::pair<std::int64_t, std::size_t>> period_range = std::nullopt, LedgerColumns names = {})
      : accounts_(accounts), periods_(periods), amounts_(amounts), period_range_(period_range),
        names_(std::move(names)) {
    check_same_length(names_.period, periods.values.size(), names_.account, accounts.size());
    check_same_length(names_.amount, amounts.size(), names_.account, accounts.size());
    ledger_.summary_.rows_read = accounts.size();
  }

  std::size_t rows() const { return accounts_.size(); }
  // Rows of both passes: 2 x rows() in all.
  std::size_t work() const { return 2 * rows(); }
  std::size_t work_done() const { return checked_ + added_; }
  bool done() const { return laid_out_ && added_ == rows(); }

  // Goes through up to `count` more rows of the passes (blocks of rows in input order, so the
  // sums never depend on how the work is cut).
  void run(std::size_t count) {
    for (;;) {
      if (checked_ < rows() && count > 0) {
        const std::size_t end = checked_ + std::min(count, rows() - checked_);
        key_ranges(accounts_, periods_, amounts_, names_, checked_, end, ranges_);
        count -= end - checked_;
        checked_ = end;
      } else if (checked_ == rows() && !laid_out_) {
        lay_out();
      } else if (laid_out_ && added_ < rows() && count > 0) {
        const std::size_t end = added_ + std::min(count, rows() - added_);
        if (ledger_.revenue_.size() <= std::numeric_limits<std::uint32_t>::max())
          add_rows<std::uint32_t>(added_, end);  // 4-byte cell numbers whenever they fit
        else
          add_rows<std::uint64_t>(added_, end);
        count -= end - added_;
        added_ = end;
      } else {
        return;
      }
    }
  }

  // The ledger, once done. Called once.
  RevenueLedger finish() {
    require(done(), "rows", std::to_string(work() - work_done()) + " of " + std::to_string(work()) +
                                " row steps have not run yet");
    if (large_)
      for (std::size_t cell = 0; cell < ledger_.revenue_.size(); ++cell)
        if (!(ledger_.revenue_[cell] < max_exact_amount))
          fail(names_.amount, "the summed revenue of account key " +
                                  std::to_string(ledger_.keys_[cell / ledger_.periods_]) + " reaches 2^80");
    ledger_.summary_.duplicate_rows = duplicates_;
    ledger_.summary_.accounts = ledger_.keys_.size();
    ledger_.summary_.periods = ledger_.periods_;
    return std::move(ledger_);
  }

private:
  // The periods, the accounts (rows of the matrix) and the zero matrix, once every row is checked.
  void lay_out() {
    laid_out_ = true;
    const std::size_t n = rows();
    if (n == 0 && !period_range_) return;
    if (period_range_) {
      // Unsigned: last - first is exact once first <= last, however far apart they are.
      if (n > 0 && (ranges_.first_period < period_range_->first ||
                    static_cast<std::uint64_t>(ranges_.last_period) - static_cast<std::uint64_t>(period_range_->first) >=
                        period_range_->second))
        fail(names_.period, "rows fall outside the given period range");
      ledger_.first_period_ = period_range_->first;
      ledger_.periods_ = period_range_->second;
    } else {
      const auto span = static_cast<std::uint64_t>(ranges_.last_period) - static_cast<std::uint64_t>(ranges_.first_period);
      if (span >= max_ledger_cells)
        fail(names_.period, "periods from " + std::to_string(ranges_.first_period) + " to " +
                                std::to_string(ranges_.last_period) +
                                " exceed the ledger's limit of 2^33 cells; are the periods consecutive?");
      ledger_.first_period_ = ranges_.first_period;
      ledger_.periods_ = static_cast<std::size_t>(span) + 1;
    }
    if (n == 0) return;
    low_key_ = ranges_.low_key;
    // high - low before adding 1: keys at both ends of int64 span 2^64 values, which wraps to 0.
    const auto span = static_cast<std::uint64_t>(ranges_.high_key) - static_cast<std::uint64_t>(low_key_);
    if (span >= max_ledger_cells) fail(names_.account, "account keys span more than 2^33 values; factorize them first");
    const std::size_t range = static_cast<std::size_t>(span) + 1;
    row_of_.assign(range, -1);
    for (std::int64_t key : accounts_) row_of_[static_cast<std::size_t>(key - low_key_)] = 0;
    auto& keys = ledger_.keys_;
    for (std::size_t k = 0; k < range; ++k)
      if (row_of_[k] == 0) {
        row_of_[k] = static_cast<std::int32_t>(keys.size());
        keys.push_back(low_key_ + static_cast<std::int64_t>(k));
      }
    const std::size_t columns = ledger_.periods_;
    if (keys.size() > max_ledger_cells / std::max<std::size_t>(columns, 1))
      fail(names_.period, std::to_string(keys.size()) + " accounts x " + std::to_string(columns) +
                              " periods exceed the ledger's limit of 2^33 cells; are the periods consecutive?");
    ledger_.revenue_.assign(keys.size() * columns, 0.0);
    // One bit per cell (1/64 of the matrix, cache-resident) tells duplicates apart.
    seen_.assign((ledger_.revenue_.size() + 63) / 64, 0);
  }

  // Adds rows [begin, end) into their cells. Rows arrive in any order, so each write is a likely
  // cache miss: the cells of a block of rows are computed in parallel first, then one thread adds
  // the rows in input order (so sums never depend on the thread count), prefetching a few ahead.
  template <class Cell>
  void add_rows(std::size_t begin, std::size_t end) {
    const std::size_t columns = ledger_.periods_;
    constexpr std::size_t block_rows = 4 * ledger_chunk_rows;
    std::vector<Cell> cells(std::min(end - begin, block_rows));
    double* revenue = ledger_.revenue_.data();
    for (std::size_t first = begin; first < end; first += block_rows) {
      const std::size_t rows = std::min(block_rows, end - first);
      parallel_for(rows, ledger_chunk_rows / 4, [&](std::size_t from, std::size_t to) {
        for (std::size_t j = from; j < to; ++j) {
          const std::size_t i = first + j;
          const auto row = static_cast<std::size_t>(row_of_[static_cast<std::size_t>(accounts_[i] - low_key_)]);
          const auto column = static_cast<std::size_t>(period_ordinal(periods_, i, "period") - ledger_.first_period_);
          cells[j] = static_cast<Cell>(row * columns + column);
        }
      });
      constexpr std::size_t ahead = 16;
      for (std::size_t j = 0; j < rows; ++j) {
        if (j + ahead < rows) __builtin_prefetch(revenue + cells[j + ahead], 1);
        const std::size_t cell = cells[j];
        std::uint64_t& word = seen_[cell / 64];
        const std::uint64_t bit = std::uint64_t{1} << (cell % 64);
        duplicates_ += (word & bit) != 0;
        word |= bit;
        revenue[cell] += amounts_[first + j];
        large_ |= !(revenue[cell] < max_exact_amount);
      }
    }
  }

  std::span<const std::int64_t> accounts_;
  PeriodKeys periods_;
  std::span<const double> amounts_;
  std::optional<std::pair<std::int64_t, std::size_t>> period_range_;
  LedgerColumns names_;
  RevenueLedger ledger_;
  KeyRanges ranges_;
  std::size_t checked_ = 0, added_ = 0;
  bool laid_out_ = false;
  std::int64_t low_key_ = 0;
  std::vector<std::int32_t> row_of_;
  std::vector<std::uint64_t> seen_;
  std::size_t duplicates_ = 0;
  bool large_ = false;
};

inline RevenueLedger RevenueLedger::from_rows(std::span<const std::int64_t> accounts, PeriodKeys periods,
                                              std::span<const double> amounts,
                                              std::optional<std::pair<std::int64_t, std::size_t>> period_range,
                                              const LedgerColumns& names) {
  Builder builder(accounts, periods, amounts, period_range, names);
  builder.run(builder.work());
  return builder.finish();
}

// Ledger rows of account keys: a table over the keys' range when it is compact (the usual case:
// integer ids or factorized codes), else a binary search.
class AccountRows {
public:
  explicit AccountRows(const RevenueLedger& ledger) : ledger_(ledger) {
    const auto& keys = ledger.account_keys();
    if (keys.empty()) return;
    low_ = keys.front();
    const auto span = static_cast<std::uint64_t>(keys.back()) - static_cast<std::uint64_t>(low_) + 1;
    if (span > 4 * keys.size() + (std::size_t{1} << 16)) return;
    table_.assign(span, -1);
    for (std::size_t row = 0; row < keys.size(); ++row)
      table_[static_cast<std::size_t>(keys[row] - low_)] = static_cast<std::int32_t>(row);
  }

  std::optional<std::size_t> operator()(std::int64_t key) const {
    if (table_.empty()) return ledger_.account_row(key);
    const auto offset = static_cast<std::uint64_t>(key) - static_cast<std::uint64_t>(low_);  // wraps below low_
    if (offset >= table_.size() || table_[offset] < 0) return std::nullopt;
    return static_cast<std::size_t>(table_[offset]);
  }

private:
  const RevenueLedger& ledger_;
  std::int64_t low_ = 0;
  std::vector<std::int32_t> table_;
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
    const AccountRows row_of(ledger);
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const auto row = row_of(keys[i]);
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
    const AccountRows row_of(ledger);
    // Rows in any order: cells of a block are found and prefetched before they are written.
    constexpr std::size_t block = 64;
    std::size_t cells[block], rows[block];
    for (std::size_t first = 0; first < keys.size(); first += block) {
      std::size_t pending = 0;
      for (std::size_t i = first; i < std::min(keys.size(), first + block); ++i) {
        const std::int64_t column = period_ordinal(periods, i, "by") - ledger.first_period();
        const auto row = row_of(keys[i]);
        if (!row || column < 0 || column >= periods_count) continue;
        cells[pending] = *row * ledger.periods() + static_cast<std::size_t>(column);
        __builtin_prefetch(result.codes_.data() + cells[pending], 1);
        rows[pending++] = i;
      }
      for (std::size_t j = 0; j < pending; ++j) {
        std::int32_t& code = result.codes_[cells[j]];
        const std::int32_t given = codes[rows[j]];
        if (code != missing && code != given)
          fail_at("by", rows[j], std::to_string(given), "a second, different segment for the same account and period");
        code = given;
      }
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
    if (codes_.empty()) return std::nullopt;
    for (std::size_t a = 0; a < ledger.accounts(); ++a) {
      if (stride_ == 0 && codes_[a] != missing) continue;
      for (std::size_t p = 0; p < ledger.periods(); ++p)
        if (ledger.revenue(a, p) > 0.0 && at(a, p) == missing) return std::pair{a, p};
    }
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
