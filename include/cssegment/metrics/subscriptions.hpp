#pragma once
// Subscriptions (account, start, end, amount per billing interval) expanded into a revenue
// ledger: a subscription's monthly recurring revenue counts in every period whose last day it is
// active on (start <= last day < end).
//
// Periods are given by their last days (days since 1970-01-01, strictly increasing), so the same
// expansion serves months, quarters, weeks or fiscal periods: period k runs from the day after
// last_days[k - 1] through last_days[k], and its ordinal is first_period + k.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "cssegment/core/parallel.hpp"
#include "cssegment/core/validate.hpp"
#include "cssegment/metrics/ledger.hpp"
#include "cssegment/metrics/periods.hpp"

namespace cssegment {

// An end date of a subscription still active (no end).
inline constexpr std::int64_t open_end = std::numeric_limits<std::int64_t>::max();
// A missing start date (NaT).
inline constexpr std::int64_t missing_day = std::numeric_limits<std::int64_t>::min();
// The billing interval "week"; any other interval is a whole number of months >= 1.
inline constexpr std::int64_t weekly_interval = std::numeric_limits<std::int64_t>::min();

// Monthly recurring revenue of `amount` billed every `interval`: amount / months, or for a
// weekly plan amount x 52 / 12 (52 weeks in 12 months).
inline double monthly_amount(double amount, std::int64_t interval) {
  return interval == weekly_interval ? amount * 52.0 / 12.0 : amount / static_cast<double>(interval);
}

// Names of the input columns, for error messages.
struct SubscriptionColumns {
  std::string account = "account", start = "start", end = "end", amount = "amount", interval = "interval",
              currency = "currency", rates = "fx";
};

// One row per subscription; the spans must have equal lengths.
struct Subscriptions {
  std::span<const std::int64_t> accounts;   // any int64 keys, as in RevenueLedger::from_rows
  std::span<const std::int64_t> starts;     // days since 1970-01-01
  std::span<const std::int64_t> ends;       // exclusive; open_end: still active
  std::span<const double> amounts;          // per billing interval, finite and >= 0
  std::span<const std::int64_t> intervals;  // months >= 1, or weekly_interval
};

// Exchange rates per currency and period: amounts of currency c count as amount x
// rates[c * n_periods + k] in period k. Empty `currencies`: no conversion.
struct SubscriptionRates {
  std::span<const std::int32_t> currencies;  // code of each subscription's currency, in [0, n_currencies)
  std::span<const double> rates;             // n_currencies x n_periods, finite and > 0
};

namespace detail {

// The periods [first, last) whose last day a subscription from `start` to `end` is active on.
inline std::pair<std::size_t, std::size_t> active_periods(std::span<const std::int64_t> last_days, std::int64_t start,
                                                          std::int64_t end) {
  const auto first = std::lower_bound(last_days.begin(), last_days.end(), start);
  const auto last = end == open_end ? last_days.end() : std::lower_bound(first, last_days.end(), end);
  return {static_cast<std::size_t>(first - last_days.begin()), static_cast<std::size_t>(last - last_days.begin())};
}

inline void check_subscription(const Subscriptions& rows, const SubscriptionRates& fx, std::size_t n_currencies,
                               const SubscriptionColumns& names, std::size_t i) {
  const std::int64_t start = rows.starts[i], end = rows.ends[i];
  if (start == missing_day || start == open_end) fail_at(names.start, i, "NaT", "start dates must not be missing");
  for (const auto& [day, argument] : {std::pair{start, &names.start}, std::pair{end, &names.end}})
    if (day != open_end && (day < -max_calendar_days || day > max_calendar_days))
      fail_at(*argument, i, std::to_string(day) + " days", "dates must lie within 10 million years of 1970-01-01");
  if (end != open_end && end < start)
    fail_at(names.end, i, describe_day(end),
            "ends before its start " + describe_day(start) + " (end is exclusive and must be >= start)");
  const double amount = rows.amounts[i];
  if (!(std::isfinite(amount) && amount >= 0.0)) fail_at(names.amount, i, amount, "amounts must be finite and >= 0");
  const std::int64_t interval = rows.intervals[i];
  if (interval != weekly_interval && interval < 1)
    fail_at(names.interval, i, std::to_string(interval),
            "billing intervals must be 'month', 'quarter', 'year', 'week' or a whole number of months >= 1");
  if (!fx.currencies.empty() && (fx.currencies[i] < 0 || static_cast<std::size_t>(fx.currencies[i]) >= n_currencies))
    fail_at(names.currency, i, std::to_string(fx.currencies[i]), "currency codes must index the rates");
}

}  // namespace detail

// The ledger of `rows` over the periods ending on `last_days` (ordinals first_period,
// first_period + 1, ...). Several subscriptions of one account in one period are summed, in
// input order. Every account of the input is a ledger row, even one whose subscriptions never
// span a period's last day (a row of zeros). summary().duplicate_rows counts the (subscription,
// period) amounts summed into a cell that already had one. `max_threads` caps the threads (0: one
// per hardware thread); the ledger is the same, bit for bit, whatever it is.
inline RevenueLedger ledger_from_subscriptions(const Subscriptions& rows, std::span<const std::int64_t> last_days,
                                               std::int64_t first_period, const SubscriptionRates& fx = {},
                                               const SubscriptionColumns& names = {}, std::size_t max_threads = 0) {
  const std::size_t n = rows.accounts.size();
  check_same_length(names.start, rows.starts.size(), names.account, n);
  check_same_length(names.end, rows.ends.size(), names.account, n);
  check_same_length(names.amount, rows.amounts.size(), names.account, n);
  check_same_length(names.interval, rows.intervals.size(), names.account, n);
  const std::size_t n_periods = last_days.size();
  require(n_periods < std::numeric_limits<std::uint32_t>::max(), "periods", "must be fewer than 2^32");
  for (std::size_t k = 1; k < n_periods; ++k)
    if (last_days[k] <= last_days[k - 1])
      fail_at("periods", k, std::to_string(last_days[k]), "period last days must be strictly increasing");
  std::size_t n_currencies = 0;
  if (!fx.currencies.empty()) {
    check_same_length(names.currency, fx.currencies.size(), names.account, n);
    require(n_periods > 0 && fx.rates.size() % n_periods == 0, names.rates, "must hold currencies x periods rates");
    n_currencies = fx.rates.size() / n_periods;
    for (std::size_t r = 0; r < fx.rates.size(); ++r)
      if (!(fx.rates[r] > 0.0 && fx.rates[r] < INFINITY))
        fail_at(names.rates, r, fx.rates[r], "exchange rates must be finite and > 0");
  }

  // Check every row (the first bad row is named, whatever the thread count) and find the keys' range.
  std::int64_t low = std::numeric_limits<std::int64_t>::max(), high = std::numeric_limits<std::int64_t>::min();
  std::mutex merging;
  parallel_for(
      n, ledger_chunk_rows,
      [&](std::size_t begin, std::size_t end) {
        std::int64_t local_low = std::numeric_limits<std::int64_t>::max();
        std::int64_t local_high = std::numeric_limits<std::int64_t>::min();
        for (std::size_t i = begin; i < end; ++i) {
          detail::check_subscription(rows, fx, n_currencies, names, i);
          local_low = std::min(local_low, rows.accounts[i]);
          local_high = std::max(local_high, rows.accounts[i]);
        }
        const std::lock_guard lock(merging);
        low = std::min(low, local_low);
        high = std::max(high, local_high);
      },
      max_threads);

  // Accounts: the distinct keys in ascending order, found through a table over their range.
  std::vector<std::int64_t> keys;
  std::vector<std::int32_t> row_of;
  if (n > 0) {
    const auto span = detail::checked_key_span(names.account, low, high, n);
    row_of.assign(static_cast<std::size_t>(span) + 1, -1);
    for (std::int64_t key : rows.accounts) row_of[static_cast<std::size_t>(key - low)] = 0;
    for (std::size_t k = 0; k < row_of.size(); ++k)
      if (row_of[k] == 0) {
        row_of[k] = static_cast<std::int32_t>(keys.size());
        keys.push_back(low + static_cast<std::int64_t>(k));
      }
  }
  detail::check_ledger_cells("periods", static_cast<double>(keys.size()), static_cast<double>(first_period),
                             static_cast<double>(n_periods), n);

  // Each subscription adds to a run of consecutive cells of its account's row. Blocks of rows
  // run in parallel, each adding the subscriptions of its rows in input order, so the sums never
  // depend on the thread count.
  std::vector<std::uint32_t> row_of_subscription(n);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> runs(n);
  parallel_for(
      n, ledger_chunk_rows,
      [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
          row_of_subscription[i] = static_cast<std::uint32_t>(row_of[static_cast<std::size_t>(rows.accounts[i] - low)]);
          const auto [first, last] = detail::active_periods(last_days, rows.starts[i], rows.ends[i]);
          runs[i] = {static_cast<std::uint32_t>(first), static_cast<std::uint32_t>(std::max(first, last))};
        }
      },
      max_threads);
  std::vector<double> matrix(keys.size() * n_periods, 0.0);
  std::vector<std::size_t> duplicates_of_block;
  const std::size_t workers = max_threads == 0 ? default_thread_count() : max_threads;
  const std::size_t blocks = std::max<std::size_t>(1, std::min(2 * workers, keys.size() / 4096));
  const std::size_t block_rows = (keys.size() + blocks - 1) / std::max<std::size_t>(blocks, 1);
  duplicates_of_block.assign(blocks, 0);
  parallel_for(
      blocks, 1,
      [&](std::size_t first_block, std::size_t end_block) {
        for (std::size_t block = first_block; block < end_block; ++block) {
          const std::size_t low_row = block * block_rows, high_row = std::min(keys.size(), low_row + block_rows);
          std::vector<std::uint8_t> paid((high_row - low_row) * n_periods, 0);  // cells with an amount already
          std::size_t duplicates = 0;
          for (std::size_t i = 0; i < n; ++i) {
            const std::size_t row = row_of_subscription[i];
            const auto [first, last] = runs[i];
            if (row < low_row || row >= high_row || first == last) continue;
            double* cells = matrix.data() + row * n_periods;
            std::uint8_t* seen = paid.data() + (row - low_row) * n_periods;
            const double monthly = monthly_amount(rows.amounts[i], rows.intervals[i]);
            const double* rates = fx.currencies.empty()
                                      ? nullptr
                                      : fx.rates.data() + static_cast<std::size_t>(fx.currencies[i]) * n_periods;
            for (std::size_t k = first; k < last; ++k) {
              duplicates += seen[k];
              seen[k] = 1;
              cells[k] += rates ? monthly_amount(rows.amounts[i] * rates[k], rows.intervals[i]) : monthly;
            }
          }
          duplicates_of_block[block] = duplicates;
        }
      },
      max_threads);
  std::size_t duplicates = 0;
  for (std::size_t count : duplicates_of_block) duplicates += count;
  LedgerSummary summary;
  summary.rows_read = n;
  summary.duplicate_rows = duplicates;
  return RevenueLedger::from_matrix(std::move(keys), first_period, n_periods, std::move(matrix), summary, names.amount);
}

}  // namespace cssegment
