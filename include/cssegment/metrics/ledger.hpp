#pragma once
// The revenue ledger: long (account, period, amount) rows summed into a dense account x period
// matrix R(a, p) >= 0, the input of every revenue metric.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cssegment/core/budget.hpp"
#include "cssegment/core/parallel.hpp"
#include "cssegment/core/portable.hpp"
#include "cssegment/core/summation.hpp"
#include "cssegment/core/validate.hpp"
#include "cssegment/metrics/partials.hpp"
#include "cssegment/metrics/periods.hpp"

namespace cssegment {

// Names of the input columns, for error messages.
struct LedgerColumns {
  std::string account = "account", period = "period", amount = "amount";
};

// What the ledger read: nothing is dropped silently.
struct LedgerSummary {
  std::size_t rows_read = 0;
  std::size_t n_accounts = 0;
  std::size_t n_periods = 0;
  std::size_t duplicate_rows = 0;  // rows summed into an (account, period) seen before
};

// Rows per parallel chunk of the ledger's passes over its input.
inline constexpr std::size_t ledger_chunk_rows = 1u << 18;

// Accounts (ledger rows) per parallel chunk of the metric passes over a ledger.
inline constexpr std::size_t metrics_chunk_accounts = 4096;

namespace detail {

// The table from account keys to rows spans the keys' range (4 bytes a key): checked against the
// memory budget before it is allocated. Returns the span (high - low, exact however far apart).
inline std::uint64_t checked_key_span(std::string_view argument, std::int64_t low, std::int64_t high,
                                      std::size_t rows) {
  const auto span = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low);
  check_dense_budget({argument, "the table of account keys", static_cast<double>(span) + 1.0, 4.0,
                      static_cast<double>(rows),
                      "account keys span " + std::to_string(low) + " ... " + std::to_string(high),
                      "factorize them first (number the accounts 0, 1, ...)"});
  return span;
}

// The accounts x periods matrix (periods from ordinal `first` on), checked against the memory
// budget before it is allocated. Counts are doubles: a span of int64 ordinals cannot wrap.
inline void check_ledger_cells(std::string_view argument, double accounts, double first, double periods,
                               std::size_t rows) {
  check_dense_budget({argument, "the ledger's accounts x periods matrix", accounts * periods, 8.0,
                      static_cast<double>(rows),
                      "periods span " + format_count(first) + " ... " + format_count(first + periods - 1.0) + ": " +
                          format_count(periods) + " periods for " + format_count(accounts) +
                          (accounts == 1.0 ? " account" : " accounts"),
                      "is a period a typo? Check the period column (yyyymm or yyyymmdd integers are not "
                      "consecutive periods), or use coarser periods"});
}

}  // namespace detail

class RevenueLedger {
public:
  RevenueLedger() = default;

  // Rows: account keys (any int64; accounts are their distinct values in ascending order),
  // period keys and amounts (finite, >= 0). Rows for the same (account, period) are summed
  // exactly and rounded once (the cell does not depend on the order of the rows).
  // `period_range` fixes the first ordinal and the number of periods (so that ledgers of
  // different accounts share their periods); by default it spans the rows' periods.
  static RevenueLedger from_rows(std::span<const std::int64_t> accounts, PeriodKeys periods,
                                 std::span<const double> amounts,
                                 std::optional<std::pair<std::int64_t, std::size_t>> period_range = std::nullopt,
                                 const LedgerColumns& names = {});

  // from_rows a block of rows at a time, e.g. to report progress between calls; from_rows runs
  // one to the end, so both give the same ledger, bit for bit.
  class Builder;

  // A ledger of a matrix summed elsewhere (e.g. subscriptions expanded into periods): `keys`
  // ascending and distinct, `matrix` row-major keys.size() x n_periods, every cell finite,
  // and >= 0 (checked).
  static RevenueLedger from_matrix(std::vector<std::int64_t> keys, std::int64_t first_period, std::size_t n_periods,
                                   std::vector<double> matrix, LedgerSummary summary, std::string_view amount_name) {
    require(matrix.size() == keys.size() * n_periods, "matrix", "must hold keys x periods cells");
    require(std::is_sorted(keys.begin(), keys.end()) && std::adjacent_find(keys.begin(), keys.end()) == keys.end(),
            "keys", "must be ascending and distinct");
    for (std::size_t cell = 0; cell < matrix.size(); ++cell)
      if (!(std::isfinite(matrix[cell]) && matrix[cell] >= 0.0))
        fail(amount_name, "the summed revenue of account key " + std::to_string(keys[cell / n_periods]) +
                              " must be finite and >= 0, got " + format_number(matrix[cell]));
    RevenueLedger ledger;
    summary.n_accounts = keys.size();
    summary.n_periods = n_periods;
    ledger.keys_ = std::move(keys);
    ledger.revenue_ = std::move(matrix);
    ledger.periods_ = n_periods;
    ledger.first_period_ = first_period;
    ledger.summary_ = summary;
    return ledger;
  }

  std::size_t n_accounts() const { return keys_.size(); }
  std::size_t n_periods() const { return periods_; }
  std::int64_t first_period() const { return first_period_; }
  const std::vector<std::int64_t>& account_keys() const { return keys_; }
  const LedgerSummary& summary() const { return summary_; }
  const std::vector<double>& matrix() const { return revenue_; }  // row-major account x period

  std::span<const double> row(std::size_t account) const { return {revenue_.data() + account * periods_, periods_}; }
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
        if (!(amounts[i] >= 0.0 && amounts[i] <= std::numeric_limits<double>::max()))
          fail_at(names.amount, i, amounts[i], "amounts must be finite and >= 0");
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
      : accounts_(accounts),
        periods_(periods),
        amounts_(amounts),
        period_range_(period_range),
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
        else add_rows<std::uint64_t>(added_, end);
        count -= end - added_;
        added_ = end;
      } else {
        return;
      }
    }
  }

  // The ledger, once done. Called once.
  RevenueLedger finish() {
    require(done(), "rows",
            std::to_string(work() - work_done()) + " of " + std::to_string(work()) + " row steps have not run yet");
    // Cells of several rows take their exact sum, rounded once, so it does not depend on the
    // order of the rows: a cell of two rows is their sum (one rounding), and cells of three or
    // more, found first, are summed exactly in cell order.
    std::vector<std::uint64_t> twice(duplicates_.empty() ? 0 : seen_.size()), many(twice.size());
    for (const auto& [cell, amount] : duplicates_) {
      const std::uint64_t bit = std::uint64_t{1} << (cell % 64);
      if (twice[cell / 64] & bit) many[cell / 64] |= bit;
      twice[cell / 64] |= bit;
    }
    std::vector<std::pair<std::size_t, double>> several;
    for (const auto& [cell, amount] : duplicates_) {
      if (many[cell / 64] & (std::uint64_t{1} << (cell % 64))) {
        several.emplace_back(cell, amount);
      } else {
        ledger_.revenue_[cell] += amount;
        if (std::isinf(ledger_.revenue_[cell])) sum_beyond_doubles(cell);
      }
    }
    std::sort(several.begin(), several.end());
    for (std::size_t first = 0, last = 0; first < several.size(); first = last) {
      const std::size_t cell = several[first].first;
      ExactSum sum(ledger_.revenue_[cell]);  // the cell's first row
      for (last = first; last < several.size() && several[last].first == cell; ++last) sum += several[last].second;
      const auto total = sum.rounded();
      if (!total) sum_beyond_doubles(cell);
      ledger_.revenue_[cell] = *total;
    }
    ledger_.summary_.duplicate_rows = duplicates_.size();
    ledger_.summary_.n_accounts = ledger_.keys_.size();
    ledger_.summary_.n_periods = ledger_.periods_;
    return std::move(ledger_);
  }

private:
  [[noreturn]] void sum_beyond_doubles(std::size_t cell) const {
    fail(names_.amount, "the rows of account key " + std::to_string(ledger_.keys_[cell / ledger_.periods_]) +
                            " in period " +
                            std::to_string(ledger_.first_period_ + static_cast<std::int64_t>(cell % ledger_.periods_)) +
                            " sum beyond the largest double (about 1.8e308)");
  }

  // The periods, the accounts (rows of the matrix) and the zero matrix, once every row is checked.
  void lay_out() {
    laid_out_ = true;
    const std::size_t n = rows();
    if (n == 0 && !period_range_) return;
    if (period_range_) {
      // Unsigned: last - first is exact once first <= last, however far apart they are.
      if (n > 0 &&
          (ranges_.first_period < period_range_->first ||
           static_cast<std::uint64_t>(ranges_.last_period) - static_cast<std::uint64_t>(period_range_->first) >=
               period_range_->second))
        fail(names_.period, "rows fall outside the given period range");
      ledger_.first_period_ = period_range_->first;
      ledger_.periods_ = period_range_->second;
    } else {
      const auto span =
          static_cast<std::uint64_t>(ranges_.last_period) - static_cast<std::uint64_t>(ranges_.first_period);
      // Every row's account has a row of the matrix: one account is the least the span costs.
      detail::check_ledger_cells(names_.period, 1.0, static_cast<double>(ranges_.first_period),
                                 static_cast<double>(span) + 1.0, n);
      ledger_.first_period_ = ranges_.first_period;
      ledger_.periods_ = static_cast<std::size_t>(span) + 1;
    }
    if (n == 0) return;
    low_key_ = ranges_.low_key;
    const std::size_t range =
        static_cast<std::size_t>(detail::checked_key_span(names_.account, low_key_, ranges_.high_key, n)) + 1;
    row_of_.assign(range, -1);
    for (std::int64_t key : accounts_) row_of_[static_cast<std::size_t>(key - low_key_)] = 0;
    auto& keys = ledger_.keys_;
    for (std::size_t k = 0; k < range; ++k)
      if (row_of_[k] == 0) {
        row_of_[k] = static_cast<std::int32_t>(keys.size());
        keys.push_back(low_key_ + static_cast<std::int64_t>(k));
      }
    const std::size_t columns = ledger_.periods_;
    detail::check_ledger_cells(names_.period, static_cast<double>(keys.size()),
                               static_cast<double>(ledger_.first_period_), static_cast<double>(columns), n);
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
        if (j + ahead < rows) CSSEGMENT_PREFETCH_WRITE(revenue + cells[j + ahead]);
        const std::size_t cell = cells[j];
        std::uint64_t& word = seen_[cell / 64];
        const std::uint64_t bit = std::uint64_t{1} << (cell % 64);
        const double amount = amounts_[first + j];
        if ((word & bit) == 0) {
          word |= bit;
          revenue[cell] = amount;
        } else {  // several rows for one (account, period): summed exactly in finish()
          duplicates_.emplace_back(cell, amount);
        }
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
  std::vector<std::pair<std::size_t, double>> duplicates_;  // (cell, amount) of rows after a cell's first
};

inline RevenueLedger RevenueLedger::from_rows(std::span<const std::int64_t> accounts, PeriodKeys periods,
                                              std::span<const double> amounts,
                                              std::optional<std::pair<std::int64_t, std::size_t>> period_range,
                                              const LedgerColumns& names) {
  Builder builder(accounts, periods, amounts, period_range, names);
  builder.run(builder.work());
  return builder.finish();
}

// Whether `count` distinct integer ids in [low, high] are compact enough to index a table over
// their range directly (the usual case: integer ids or factorized codes): at most 4 slots per id,
// plus 2^16 so that a small book always qualifies. Callers holding sparse ids factorize them or
// search instead.
inline bool ids_are_dense(std::int64_t low, std::int64_t high, std::size_t count) {
  // The range less one, which cannot wrap even for ids at both ends of int64.
  const auto gap = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low);
  return gap < 4 * static_cast<std::uint64_t>(count) + (std::uint64_t{1} << 16);
}

// Ledger rows of account keys: a table over the keys' range when the keys are dense, else a
// binary search.
class AccountRows {
public:
  explicit AccountRows(const RevenueLedger& ledger) : ledger_(ledger) {
    const auto& keys = ledger.account_keys();
    if (keys.empty()) return;
    low_ = keys.front();
    if (!ids_are_dense(low_, keys.back(), keys.size())) return;
    table_.assign(static_cast<std::size_t>(keys.back() - low_) + 1, -1);
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

}  // namespace cssegment
