#pragma once
// The hand-computed book shared by the metrics suites: account k's revenue per period.
#include <cstdint>
#include <vector>

#include "cssegment/metrics/ledger.hpp"

namespace cssegment::testing {

// Account 1 grows then shrinks; 2 churns at 2 and returns at 4 after two empty periods; 3 is
// new at 2 and churns at 4; 4 pays at 0, leaves for three periods and returns at 4.
inline const std::vector<std::vector<double>> hand_book = {{10, 12, 12, 8, 8, 9},
                                                           {5, 5, 0, 0, 6, 6},
                                                           {0, 0, 7, 7, 0, 0},
                                                           {3, 0, 0, 0, 4, 4}};

struct Rows {
  std::vector<std::int64_t> accounts, periods;
  std::vector<double> amounts;
};

inline Rows rows_of(const std::vector<std::vector<double>>& book, std::int64_t first_account = 1) {
  Rows rows;
  for (std::size_t a = 0; a < book.size(); ++a)
    for (std::size_t p = 0; p < book[a].size(); ++p)
      if (book[a][p] > 0) {
        rows.accounts.push_back(first_account + static_cast<std::int64_t>(a));
        rows.periods.push_back(static_cast<std::int64_t>(p));
        rows.amounts.push_back(book[a][p]);
      }
  return rows;
}

inline RevenueLedger ledger_of(const Rows& rows) {
  return RevenueLedger::from_rows(rows.accounts, {rows.periods}, rows.amounts);
}

}  // namespace cssegment::testing
