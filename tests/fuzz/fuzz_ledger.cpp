// The ledger builder on random rows: account keys and periods from a compact range or the far
// ends of int64, ordinals or datetimes of several resolutions, amounts that may be NaN, infinite,
// negative or huge. A ledger that builds must account for every row.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "cssegment/metrics/ledger.hpp"
#include "cssegment/metrics/periods.hpp"
#include "fuzz_support.hpp"

namespace {

constexpr std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t highest = std::numeric_limits<std::int64_t>::max();

// Keys that stay in a small range (so that the matrix stays small), or far enough from it that
// the builder must refuse them rather than allocate: values between would make the fuzzer
// measure the machine's memory, not the code.
std::int64_t key(FuzzedDataProvider& data, std::int64_t base) {
  constexpr std::int64_t far[] = {
      lowest,     lowest + 1, highest, highest - 1, std::int64_t{1} << 40, -(std::int64_t{1} << 40),
      lowest / 2, highest / 2};
  const auto pick = data.ConsumeIntegral<std::uint8_t>();
  if (pick >= 240) return far[pick % std::size(far)];
  return base + static_cast<std::int64_t>(pick % 48) - 4;
}

// Days since 1970-01-01 of some month starts and other days, for datetime periods.
constexpr std::int64_t days[] = {0, 31, 59, 19723, 19754, 19783, 19724, -31, -365, 2932896, -719468};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  FuzzedDataProvider data(bytes, size);
  constexpr std::int64_t resolutions[] = {0, 1, 86'400, 86'400'000, 86'400'000'000, 86'400'000'000'000};
  const std::int64_t ticks_per_day =
      resolutions[data.ConsumeIntegralInRange<std::size_t>(0, std::size(resolutions) - 1)];
  std::optional<std::pair<std::int64_t, std::size_t>> period_range;
  if (data.ConsumeBool()) {
    constexpr std::size_t counts[] = {0, 1, 12, 64, std::size_t{1} << 40, std::numeric_limits<std::size_t>::max()};
    period_range.emplace(key(data, 0), counts[data.ConsumeIntegralInRange<std::size_t>(0, std::size(counts) - 1)]);
  }
  const std::size_t rows = data.ConsumeIntegralInRange<std::size_t>(0, 200);
  std::vector<std::int64_t> accounts, periods;
  std::vector<double> amounts;
  for (std::size_t i = 0; i < rows && data.remaining_bytes() > 0; ++i) {
    accounts.push_back(key(data, 0));
    if (ticks_per_day == 0) {
      periods.push_back(key(data, 0));
    } else {
      const auto day = days[data.ConsumeIntegralInRange<std::size_t>(0, std::size(days) - 1)];
      // Mostly midnight on those days (day * ticks may overflow: then any key will do).
      std::int64_t ticks = 0;
      if (__builtin_mul_overflow(day, ticks_per_day, &ticks) || data.ConsumeIntegral<std::uint8_t>() > 200)
        ticks = key(data, 0);
      periods.push_back(ticks);
    }
    amounts.push_back(fuzz::awkward_double(data));
  }

  // The calendar dates fall into, read last so that the corpus keeps its meaning (months when
  // the bytes have run out).
  constexpr std::string_view freqs[] = {"M", "Q", "W", "Y"};
  const auto freq = freqs[data.ConsumeIntegralInRange<std::size_t>(0, std::size(freqs) - 1)];
  const auto start = freq == "Q" || freq == "Y" ? data.ConsumeIntegralInRange<std::int64_t>(1, 12) : 1;
  const cssegment::PeriodKeys keys{periods, ticks_per_day, cssegment::Calendar::of(freq, start)};

  fuzz::expecting_refusals([&] {
    const auto ledger = cssegment::RevenueLedger::from_rows(accounts, keys, amounts, period_range);
    const auto& summary = ledger.summary();
    const std::set<std::int64_t> distinct(accounts.begin(), accounts.end());
    fuzz::check(summary.rows_read == accounts.size(), "every row is read");
    fuzz::check(summary.n_accounts == distinct.size() && ledger.n_accounts() == distinct.size(),
                "one account per distinct key");
    fuzz::check(std::vector<std::int64_t>(distinct.begin(), distinct.end()) == ledger.account_keys(),
                "accounts are the distinct keys in ascending order");
    fuzz::check(ledger.matrix().size() == ledger.n_accounts() * ledger.n_periods(), "the matrix is accounts x periods");
    // Rebuild the cells independently: every row lands in its (account, period) cell.
    std::map<std::pair<std::size_t, std::size_t>, double> cells;
    for (std::size_t i = 0; i < accounts.size(); ++i) {
      const auto row = ledger.account_row(accounts[i]);
      fuzz::check(row.has_value(), "every row's account is in the ledger");
      const std::int64_t ordinal = cssegment::period_ordinal(keys, i, "period");
      fuzz::check(ordinal >= ledger.first_period() &&
                      static_cast<std::uint64_t>(ordinal) - static_cast<std::uint64_t>(ledger.first_period()) <
                          ledger.n_periods(),
                  "every row's period is in the ledger");
      cells[{*row, static_cast<std::size_t>(ordinal - ledger.first_period())}] += amounts[i];
    }
    fuzz::check(summary.duplicate_rows == accounts.size() - cells.size(), "duplicates are the rows summed into a cell");
    std::size_t nonzero = 0;
    for (double cell : ledger.matrix()) {
      fuzz::check(cell >= 0.0 && std::isfinite(cell), "revenue is finite and >= 0");
      nonzero += cell != 0.0;
    }
    for (const auto& [cell, total] : cells) {
      const double built = ledger.revenue(cell.first, cell.second);
      fuzz::check(std::abs(built - total) <= 1e-12 * total, "each cell holds the sum of its rows");
    }
    fuzz::check(nonzero <= cells.size(), "no revenue appears without a row");
  });
  return 0;
}
