#define BOOST_TEST_MODULE metrics.book_metrics
#include <boost/test/unit_test.hpp>

#include "ledger_rows.hpp"
#include "message_of.hpp"

#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
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
  // Jackknife: leaving out account 1 gives NRR 0 / 5, leaving out account 2 gives 12 / 10; the
  // variance is (2 - 1) / 2 x (0.6^2 + 0.6^2), the standard error 0.6.
  BOOST_TEST(m.nrr_se[0] == 0.6, boost::test_tools::tolerance(1e-15));
  // Retained 10 and 0: left-out GRRs 0 / 5 and 10 / 10, standard error 0.5.
  BOOST_TEST(m.grr_se[0] == 0.5, boost::test_tools::tolerance(1e-15));
  // x = e - (2/3) s is 16/3 and -10/3: left-out ratios -2/3 and 8/15, 1.2 apart: again 0.6.
  BOOST_TEST(m.mix_adjusted_nrr_se[0] == 0.6, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(std::isnan(m.nrr_se[1]));  // one account: no variance
  // Each owner's loss is one account's (5 and 3): one effective losing account, 0 degrees of freedom.
  BOOST_TEST(m.grr_df == std::vector<double>({0, 0}));
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
    // The jackknife standard errors, computed the long way: the ratios with each account left out.
    std::vector<std::size_t> mine;
    for (std::size_t a = 0; a < accounts; ++a)
      if (owner_of[a] == static_cast<std::int32_t>(o) && book[a][start] > 0) mine.push_back(a);
    const double n = static_cast<double>(mine.size());
    const auto value = [&](std::size_t a, int which) {
      const double sa = book[a][start], ea = book[a][start + horizon];
      if (which == 0) return ea;
      if (which == 1) return std::min(sa, ea);
      return ea - tier_end[tier_of[a]] / tier_start[tier_of[a]] * sa;
    };
    const auto jackknife = [&](int which) {
      std::vector<double> left_out;
      for (const std::size_t out : mine) {
        double x = 0, s = 0;
        for (const std::size_t a : mine)
          if (a != out) x += value(a, which), s += book[a][start];
        left_out.push_back(x / s);
      }
      double mean = 0, squares = 0;
      for (const double r : left_out) mean += r / n;
      for (const double r : left_out) squares += (r - mean) * (r - mean);
      return std::sqrt((n - 1) / n * squares);
    };
    double s = 0, x = 0;
    for (const std::size_t a : mine) s += book[a][start], x += value(a, 2);
    BOOST_TEST(m.mix_adjusted_nrr[o] == x / s, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(m.nrr_se[o] == jackknife(0), boost::test_tools::tolerance(1e-10));
    BOOST_TEST(m.grr_se[o] == jackknife(1), boost::test_tools::tolerance(1e-10));
    BOOST_TEST(m.mix_adjusted_nrr_se[o] == jackknife(2), boost::test_tools::tolerance(1e-10));
    // GRR's degrees of freedom: Kish's effective number of the losing accounts, minus one.
    double lost = 0, lost_squares = 0;
    for (const std::size_t a : mine) {
      const double l = book[a][start] - value(a, 1);
      lost += l, lost_squares += l * l;
    }
    BOOST_TEST(lost_squares > 0.0);
    BOOST_TEST(m.grr_df[o] == lost * lost / lost_squares - 1, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(m.grr_df[o] < n - 1);  // fewer than the accounts: only some lose revenue
  }
}

BOOST_AUTO_TEST_CASE(intervals_match_scipy) {
  // One owner, ten accounts over one period. Reference intervals from scipy 1.17.1 on the same
  // numbers (nrr 71 / 87, jackknife se 0.1508854091584816, GRR 65.5 / 87 with se
  // 0.1284285155918468): NRR +- t(6) se (Kish: 174^2 / 4164 - 1 = 6.27...), GRR by
  // scipy.stats.beta.ppf on n* = GRR (1 - GRR) / se^2 (z / t(2))^2, Wilson for 8 of 10 logos.
  const std::vector<double> start = {10, 20, 30, 5, 8, 12, 40, 25, 15, 9}, end = {12, 0, 25, 5, 4, 15, 46, 20, 15, 0};
  std::vector<std::vector<double>> book;
  for (std::size_t a = 0; a < start.size(); ++a) book.push_back({start[a], end[a]});
  const auto ledger = ledger_of(rows_of(book));
  const auto owners = segments_of(ledger, std::vector<std::int32_t>(start.size(), 0), 1);
  struct Expected {
    double level, nrr_low, nrr_high, grr_low, grr_high, logo_low, logo_high;
  };
  for (const Expected& x : {Expected{0.95, 0.4468886581882408, 1.1852952498577363, 0.08639791857663102,
                                     0.9994559501113547, 0.49016247153664183, 0.9433178485456247},
                            Expected{0.8, 0.5988538190086112, 1.0333300890373658, 0.3816783147758477,
                                     0.9603462005830962, 0.6015960115342782, 0.9137627792113974}}) {
    const auto m = book_metrics(ledger, owners, AccountSegments{}, 1, 0, x.level);
    BOOST_TEST(m.nrr_df[0] == 174.0 * 174.0 / 4164.0 - 1.0, boost::test_tools::tolerance(1e-14));
    BOOST_TEST(m.grr_df[0] == 2.380255941499086, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(m.nrr_low[0] == x.nrr_low, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(m.nrr_high[0] == x.nrr_high, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(m.grr_low[0] == x.grr_low, boost::test_tools::tolerance(1e-10));
    BOOST_TEST(m.grr_high[0] == x.grr_high, boost::test_tools::tolerance(1e-10));
    BOOST_TEST(m.logo_retention_low[0] == x.logo_low, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(m.logo_retention_high[0] == x.logo_high, boost::test_tools::tolerance(1e-12));
    // One mix segment: the adjusted NRR is 0, its interval +- t(9) se.
    const double t9 = x.level == 0.95 ? 2.262157162798205 : 1.3830287383966329;  // scipy.stats.t.ppf
    BOOST_TEST(m.mix_adjusted_nrr_high[0] == m.mix_adjusted_nrr[0] + t9 * m.mix_adjusted_nrr_se[0],
               boost::test_tools::tolerance(1e-12));
  }
  BOOST_TEST(message_of([&] { book_metrics(ledger, owners, AccountSegments{}, 1, 0, 1.0); }) ==
             "level: 1.000000 must be in (0, 1)");
}

BOOST_AUTO_TEST_CASE(intervals_at_the_edges) {
  // Owner 0 of the hand book keeps no revenue of account 2 and all of account 1: GRR's interval
  // is the Korn-Graubard one; owner 1 has one account: no standard error, no interval, but Wilson.
  const auto ledger = ledger_of(rows_of(hand_book));
  const auto m = book_metrics(ledger, segments_of(ledger, {0, 0, 1, 1}, 2), AccountSegments{}, 2, 0);
  BOOST_TEST(std::isnan(m.nrr_low[1]));
  BOOST_TEST(std::isnan(m.grr_high[1]));
  BOOST_TEST(m.logo_retention_low[1] == 0.0);
  BOOST_TEST(m.logo_retention_high[1] == 0.7934506856227626, boost::test_tools::tolerance(1e-12));  // Wilson, 0 of 1
  BOOST_TEST(m.grr_low[0] <= m.retention.grr[0]);
  BOOST_TEST(m.retention.grr[0] <= m.grr_high[0]);
  // No loss at all: the point (zero variance).
  const auto kept = ledger_of(rows_of(std::vector<std::vector<double>>{{10, 12}, {5, 5}}));
  const auto k = book_metrics(kept, segments_of(kept, {0, 0}, 1), AccountSegments{}, 1, 0);
  BOOST_TEST(k.grr_low[0] == 1.0);
  BOOST_TEST(k.grr_high[0] == 1.0);
}

BOOST_AUTO_TEST_CASE(only_accounts_paying_at_the_start_need_an_owner) {
  // Account 3 (key 3) is new after period 0: no owner needed; account 4 pays at 0: needed.
  const auto ledger = ledger_of(rows_of(hand_book));
  const std::vector<std::int64_t> keys = {1, 2, 4};
  const auto owners = AccountSegments::per_account(ledger, keys, std::vector<std::int32_t>{0, 0, 1}, 2);
  BOOST_TEST(!first_unsegmented_at(ledger, owners, 0).has_value());
  BOOST_TEST(book_metrics(ledger, owners, {}, 2, 0).retention.nrr[0] == 12.0 / 15.0);
  const auto partial =
      AccountSegments::per_account(ledger, std::vector<std::int64_t>{1, 2}, std::vector<std::int32_t>{0, 0}, 2);
  BOOST_TEST(first_unsegmented_at(ledger, partial, 0).value_or(0) == 3U);
  BOOST_TEST(message_of([&] { book_metrics(ledger, partial, {}, 2, 0); }) ==
             "owners: account key 4 has revenue in period " + std::to_string(ledger.first_period()) +
                 " but no segment");
}

BOOST_AUTO_TEST_CASE(bad_start_and_horizon) {
  const auto ledger = ledger_of(rows_of(hand_book));
  BOOST_TEST(message_of([&] { book_metrics(ledger, {}, {}, 0, 0); }) == "horizon: 0 must be >= 1 period");
  BOOST_TEST(message_of([&] { book_metrics(ledger, {}, {}, 2, 4); }) ==
             "start: 4 must be in [0, 3]: the horizon of 2 periods must end inside the ledger's 6 periods");
  BOOST_TEST(message_of([&] { book_metrics(ledger, {}, {}, 2, -1); }).starts_with("start: -1"));
}
