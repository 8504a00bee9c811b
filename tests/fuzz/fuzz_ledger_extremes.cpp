// The ledger builder on extreme values (issue 21): amounts from subnormals to the largest double,
// many rows in few cells (sums past 2^88, where fixed-point sums once wrapped), and periods or
// account keys far enough apart that the memory budget must refuse them before allocating. A
// ledger that builds holds in each cell the sum of its rows (all >= 0, so a plain sum in sorted
// order is within 64 ulps); a cell whose rows sum past the largest double is refused, never inf.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "cssegment/metrics/ledger.hpp"
#include "fuzz_support.hpp"

namespace {

constexpr double largest = std::numeric_limits<double>::max();

double extreme_amount(FuzzedDataProvider& data) {
  constexpr double amounts[] = {0.0,         std::numeric_limits<double>::denorm_min(),
                                1e-300,      0.01,
                                1.0,         0x1p80,
                                0x1p88,      0.8e24,
                                1.2e24,      1e300,
                                0x1p1023,    largest,
                                largest / 2, 1e308};
  const auto pick = data.ConsumeIntegral<std::uint8_t>();
  if (pick < 200) return amounts[pick % std::size(amounts)];
  const double any = std::abs(data.ConsumeFloatingPoint<double>());
  return std::isfinite(any) ? any : 1.0;
}

// Mostly a compact range; now and then a value far beyond any budget (INT64_MIN only for
// accounts: as a period it means missing, NaT).
std::int64_t key(FuzzedDataProvider& data, std::size_t compact, bool account) {
  constexpr std::int64_t far[] = {1'000'000'000, std::int64_t{1} << 40, std::numeric_limits<std::int64_t>::max(),
                                  std::numeric_limits<std::int64_t>::min()};
  const auto pick = data.ConsumeIntegral<std::uint8_t>();
  if (pick >= 250) return far[pick % (std::size(far) - (account ? 0 : 1))];
  return static_cast<std::int64_t>(pick % compact);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  FuzzedDataProvider data(bytes, size);
  const std::size_t accounts_in_range = data.ConsumeIntegralInRange<std::size_t>(1, 4);
  const std::size_t periods_in_range = data.ConsumeIntegralInRange<std::size_t>(1, 6);
  std::vector<std::int64_t> accounts, periods;
  std::vector<double> amounts;
  const std::size_t rows = data.ConsumeIntegralInRange<std::size_t>(0, 400);
  for (std::size_t i = 0; i < rows && data.remaining_bytes() > 0; ++i) {
    accounts.push_back(key(data, accounts_in_range, true));
    periods.push_back(key(data, periods_in_range, false));
    amounts.push_back(extreme_amount(data));
  }
  // Each cell's rows, to check the sums against.
  std::map<std::pair<std::int64_t, std::int64_t>, std::vector<double>> cells;
  for (std::size_t i = 0; i < accounts.size(); ++i) cells[{accounts[i], periods[i]}].push_back(amounts[i]);
  const auto plain_sum = [](std::vector<double> terms) {
    std::sort(terms.begin(), terms.end());
    double sum = 0.0;
    for (double term : terms) sum += term;
    return sum;
  };
  bool fits = true;  // every cell's sum is a double
  for (const auto& [cell, terms] : cells) fits = fits && std::isfinite(plain_sum(terms));

  try {
    const auto ledger = cssegment::RevenueLedger::from_rows(accounts, {periods}, amounts);
    fuzz::check(ledger.n_accounts() * ledger.n_periods() <= (std::size_t{1} << 27),
                "a ledger within the budget of a few hundred rows (1 GiB: 2^27 cells)");
    for (const auto& [cell, terms] : cells) {
      const auto row = ledger.account_row(cell.first);
      fuzz::check(row.has_value(), "every row's account is in the ledger");
      const double built = ledger.revenue(*row, static_cast<std::size_t>(cell.second - ledger.first_period()));
      const double expected = plain_sum(terms);
      fuzz::check(std::isfinite(built), "cells are finite");
      fuzz::check(std::abs(built - expected) <= 64 * std::numeric_limits<double>::epsilon() * expected,
                  "each cell holds the sum of its rows");
    }
  } catch (const cssegment::InvalidInput& error) {
    const std::string message = error.what();
    const bool budget = message.find("would take") != std::string::npos;
    const bool beyond = message.find("sum beyond the largest double") != std::string::npos;
    fuzz::check(budget || beyond, "refused for its size or for a sum beyond the doubles only");
    // A sum within 64 ulps of the largest double may round either way.
    if (beyond) {
      bool near = false;
      for (const auto& [cell, terms] : cells) near = near || plain_sum(terms) >= largest * (1.0 - 1e-13);
      fuzz::check(!fits || near, "a sum is refused only when it passes the largest double");
    }
  }
  return 0;
}
