#define BOOST_TEST_MODULE metrics.book_metrics
#include <boost/test/unit_test.hpp>

#include "ledger_rows.hpp"
#include "message_of.hpp"

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "cssegment/metrics/book_metrics.hpp"

using namespace cssegment;
using cssegment::testing::hand_book;
using cssegment::testing::ledger_of;
using cssegment::testing::message_of;
using cssegment::testing::rows_of;

namespace {

AccountSegments segments_of(const RevenueLedger& ledger, const std::vector<std::int32_t>& codes, std::size_t count) {
  std::vector<std::int64_t> keys;
  for (std::size_t a = 0; a < codes.size(); ++a) keys.push_back(static_cast<std::int64_t>(a) + 1);
  return AccountSegments::per_account(ledger, keys, codes, count);
}

}  // namespace

BOOST_AUTO_TEST_CASE(owners_by_hand) {
  // From 0 over 2 periods: owner 0 has accounts 1 (10 -> 12) and 2 (5 -> 0); owner 1 has account
  // 4 (3 -> 0); account 3 is new later and not in any cohort.
  const auto ledger = ledger_of(rows_of(hand_book));
  const auto owners = segments_of(ledger, {0, 0, 1, 1}, 2);
  const auto m = book_metrics(ledger, owners, AccountSegments{}, 2, 0);
  BOOST_TEST(m.retention.cohort_accounts == std::vector<double>({2, 1}));
  BOOST_TEST(m.retention.start_revenue == std::vector<double>({15, 3}));
  BOOST_TEST(m.retention.nrr[0] == 12.0 / 15.0);
  BOOST_TEST(m.retention.grr[0] == 10.0 / 15.0);
  BOOST_TEST(m.retention.logo_retention == std::vector<double>({0.5, 0.0}));
  BOOST_TEST(m.expansion == std::vector<double>({2, 0}));
  BOOST_TEST(m.churned == std::vector<double>({5, 3}));
  // One mix segment: the expected NRR is the whole book's, 12 / 18.
  BOOST_TEST(m.segment_nrr == std::vector<double>({12.0 / 18.0}));
  BOOST_TEST(m.mix_adjusted_nrr[0] == 12.0 / 15.0 - 12.0 / 18.0, boost::test_tools::tolerance(1e-15));
  // Residuals e - 0.8 s are 4 and -4: sqrt(2 / 1 * 32) / 15.
  BOOST_TEST(m.nrr_se[0] == 8.0 / 15.0, boost::test_tools::tolerance(1e-15));
  // Retained 10 and 0 against GRR 2/3: residuals 10 - 20/3 and -10/3.
  BOOST_TEST(m.grr_se[0] == std::sqrt(2.0 * (100.0 / 9.0 + 100.0 / 9.0)) / 15.0, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(m.mix_adjusted_nrr_se[0] == m.nrr_se[0], boost::test_tools::tolerance(1e-15));
  BOOST_TEST(std::isnan(m.nrr_se[1]));  // one account: no variance
}

BOOST_AUTO_TEST_CASE(mix_adjustment_by_hand) {
  // Mix: account 1 in segment 0 (NRR 12 / 10), accounts 2 and 4 in segment 1 (NRR 0). Owner 0's
  // expected NRR is (10 x 1.2 + 5 x 0) / 15 = 0.8, its own NRR: nothing left to adjust.
  const auto ledger = ledger_of(rows_of(hand_book));
  const auto owners = segments_of(ledger, {0, 0, 1, 1}, 2);
  const auto mix = segments_of(ledger, {0, 1, 1, 1}, 2);
  const auto m = book_metrics(ledger, owners, mix, 2, 0);
  BOOST_TEST(m.segment_nrr == std::vector<double>({1.2, 0.0}));
  BOOST_TEST(m.expected_nrr[0] == 0.8, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(m.expected_nrr[1] == 0.0);
  BOOST_TEST(m.mix_adjusted_nrr[0] == 0.0, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(m.mix_adjusted_nrr_se[0] == 0.0, boost::test_tools::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(equals_the_retention_table_and_the_variance_formula) {
  std::mt19937_64 rng(4);
  std::lognormal_distribution<double> amount(4.0, 1.5);
  std::bernoulli_distribution paying(0.8);
  std::uniform_int_distribution<std::int32_t> owner(0, 4), tier(0, 2);
  const std::size_t accounts = 400, periods = 8;
  std::vector<std::vector<double>> book(accounts, std::vector<double>(periods));
  for (auto& row : book)
    for (double& v : row) v = paying(rng) ? std::round(amount(rng)) + 1.0 : 0.0;
  std::vector<std::int32_t> owner_of(accounts), tier_of(accounts);
  for (std::size_t a = 0; a < accounts; ++a) owner_of[a] = owner(rng), tier_of[a] = tier(rng);
  const auto ledger = ledger_of(rows_of(book));
  const auto owners = segments_of(ledger, owner_of, 5);
  const auto mix = segments_of(ledger, tier_of, 3);
  const std::int64_t horizon = 3, start = 2;
  const auto m = book_metrics(ledger, owners, mix, horizon, start);
  const auto table = retention_table(retention_partials(ledger, owners, horizon));
  std::vector<double> tier_start(3), tier_end(3);
  for (std::size_t a = 0; a < accounts; ++a)
    if (book[a][start] > 0) tier_start[tier_of[a]] += book[a][start], tier_end[tier_of[a]] += book[a][start + horizon];
  for (std::size_t o = 0; o < 5; ++o) {
    BOOST_TEST(m.retention.nrr[o] == table.nrr[start * 5 + o]);  // the very same numbers
    BOOST_TEST(m.retention.grr[o] == table.grr[start * 5 + o]);
    BOOST_TEST(m.retention.logo_retention[o] == table.logo_retention[start * 5 + o]);
    // The delta-method variances, computed the long way.
    double n = 0, s = 0, e = 0, r = 0, expected = 0;
    for (std::size_t a = 0; a < accounts; ++a)
      if (owner_of[a] == static_cast<std::int32_t>(o) && book[a][start] > 0) {
        n += 1, s += book[a][start], e += book[a][start + horizon];
        r += std::min(book[a][start], book[a][start + horizon]);
        expected += book[a][start] * tier_end[tier_of[a]] / tier_start[tier_of[a]];
      }
    double nrr_squares = 0, grr_squares = 0, mix_squares = 0;
    const double adjusted = e / s - expected / s;
    for (std::size_t a = 0; a < accounts; ++a)
      if (owner_of[a] == static_cast<std::int32_t>(o) && book[a][start] > 0) {
        const double sa = book[a][start], ea = book[a][start + horizon];
        nrr_squares += std::pow(ea - e / s * sa, 2);
        grr_squares += std::pow(std::min(sa, ea) - r / s * sa, 2);
        mix_squares += std::pow(ea - tier_end[tier_of[a]] / tier_start[tier_of[a]] * sa - adjusted * sa, 2);
      }
    BOOST_TEST(m.mix_adjusted_nrr[o] == adjusted, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(m.nrr_se[o] == std::sqrt(n / (n - 1) * nrr_squares) / s, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(m.grr_se[o] == std::sqrt(n / (n - 1) * grr_squares) / s, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(m.mix_adjusted_nrr_se[o] == std::sqrt(n / (n - 1) * mix_squares) / s,
               boost::test_tools::tolerance(1e-12));
  }
}

BOOST_AUTO_TEST_CASE(bad_start_and_horizon) {
  const auto ledger = ledger_of(rows_of(hand_book));
  BOOST_TEST(message_of([&] { book_metrics(ledger, {}, {}, 0, 0); }) == "horizon: 0 must be >= 1 period");
  BOOST_TEST(message_of([&] { book_metrics(ledger, {}, {}, 2, 4); }) ==
             "start: 4 must be in [0, 3]: the horizon of 2 periods must end inside the ledger's 6 periods");
  BOOST_TEST(message_of([&] { book_metrics(ledger, {}, {}, 2, -1); }).starts_with("start: -1"));
}
