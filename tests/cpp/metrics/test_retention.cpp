#define BOOST_TEST_MODULE metrics.retention
#include <boost/test/unit_test.hpp>

#include "ledger_rows.hpp"
#include "message_of.hpp"

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "cssegment/metrics/retention.hpp"

using namespace cssegment;
using cssegment::testing::hand_book;
using cssegment::testing::ledger_of;
using cssegment::testing::message_of;
using cssegment::testing::rows_of;

BOOST_AUTO_TEST_CASE(nrr_grr_and_logo_retention_by_hand) {
  const auto ledger = ledger_of(rows_of(hand_book));
  const auto t = retention_table(retention_partials(ledger, {}, 2));
  BOOST_TEST(t.cohort_accounts == std::vector<double>({3, 2, 2, 2}));
  // From 0: {10, 5, 3} -> {12, 0, 0}.
  BOOST_TEST(t.start_revenue[0] == 18.0);
  BOOST_TEST(t.end_revenue[0] == 12.0);
  BOOST_TEST(t.retained_revenue[0] == 10.0);
  BOOST_TEST(t.nrr[0] == 12.0 / 18.0);
  BOOST_TEST(t.grr[0] == 10.0 / 18.0);
  BOOST_TEST(t.logo_retention[0] == 1.0 / 3.0);
  // From 2: {12, 7} -> {8, 0}; account 2 returning at 4 is not in the cohort.
  BOOST_TEST(t.end_revenue[2] == 8.0);
  BOOST_TEST(t.logo_retention[2] == 0.5);
}

BOOST_AUTO_TEST_CASE(nrr_masks_churn_flags_growth_hiding_lost_logos) {
  const std::vector<std::vector<double>> book{{10, 45}, {10, 0}, {10, 0}};
  const auto sums = retention_partials(ledger_of(rows_of(book)), {}, 1);
  BOOST_TEST(retention_table(sums).nrr[0] == 1.5);
  BOOST_TEST(retention_table(sums).nrr_masks_churn[0]);
  BOOST_TEST(!retention_table(sums, 0.3).nrr_masks_churn[0]);
  BOOST_TEST(message_of([&] { retention_table(sums, 1.5); }) == "masks_churn_below: 1.5 must be in [0, 1]");
}

BOOST_AUTO_TEST_CASE(horizon_bounds) {
  const auto ledger = ledger_of(rows_of(hand_book));
  BOOST_TEST(message_of([&] { retention_partials(ledger, {}, 0); }) == "horizon: 0 must be >= 1 period");
  BOOST_TEST(retention_partials(ledger, {}, 6).rows() == 0u);
  BOOST_TEST(retention_partials(ledger, {}, 5).rows() == 1u);
}

BOOST_AUTO_TEST_CASE(grr_never_exceeds_one_or_nrr) {
  std::mt19937_64 rng(9);
  std::lognormal_distribution<double> amount(3.0, 2.0);
  std::bernoulli_distribution paying(0.7);
  std::vector<std::vector<double>> book(500, std::vector<double>(10));
  for (auto& row : book)
    for (double& v : row) v = paying(rng) ? amount(rng) : 0.0;
  book[0].assign(10, 1.0);
  const auto ledger = ledger_of(rows_of(book));
  for (std::int64_t h = 1; h < 10; ++h) {
    const auto t = retention_table(retention_partials(ledger, {}, h));
    for (std::size_t r = 0; r < t.nrr.size(); ++r) {
      BOOST_TEST(t.grr[r] <= 1.0);
      BOOST_TEST(t.grr[r] <= t.nrr[r]);
      BOOST_TEST((t.logo_retention[r] >= 0.0 && t.logo_retention[r] <= 1.0));
    }
  }
}

// Issue 21: 300 accounts growing from 0.8e24 .. 1.2e24 wrapped the fixed-point sums (past ~2^88):
// end 5.05e25 and NRR 0.21 instead of 3.6e26 and 1.5. Doubles in [2^79, 2^81) are multiples of
// 2^27, so the exact sums in units of 2^27 fit an int64: the reference needs no wider type.
BOOST_AUTO_TEST_CASE(sums_of_300_accounts_near_1e24_are_correctly_rounded) {
  std::vector<std::vector<double>> book;
  std::int64_t start_units = 0, end_units = 0;
  for (int i = 0; i < 300; ++i) {
    const double start = 0.8e24 + 0.4e24 * i / 299, end = 1.5 * start;
    book.push_back({start, end});
    start_units += static_cast<std::int64_t>(std::ldexp(start, -27));
    end_units += static_cast<std::int64_t>(std::ldexp(end, -27));
  }
  const auto ledger = ledger_of(rows_of(book));
  const auto table = retention_table(retention_partials(ledger, {}, 1));
  const double start = std::ldexp(static_cast<double>(start_units), 27);
  const double end = std::ldexp(static_cast<double>(end_units), 27);
  BOOST_TEST(table.start_revenue.at(0) == start);
  BOOST_TEST(table.end_revenue.at(0) == end);
  BOOST_TEST(table.nrr.at(0) == end / start);
  BOOST_TEST(std::abs(table.nrr.at(0) - 1.5) < 1e-15);
  const auto movements = movement_table(movement_partials(ledger, {}));
  BOOST_TEST(movements.start.at(0) == start);
  BOOST_TEST(movements.end.at(0) == end);
  BOOST_TEST(movements.expansion.at(0) == std::ldexp(static_cast<double>(end_units - start_units), 27));
}
