#define BOOST_TEST_MODULE core.budget
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include "cssegment/core/budget.hpp"
#include "cssegment/datasets/synthetic_book.hpp"
#include "cssegment/metrics/ledger.hpp"
#include "cssegment/segment/transitions.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

BOOST_AUTO_TEST_CASE(the_budget_is_a_floor_a_share_of_the_input_and_a_cap) {
  BOOST_TEST(dense_budget(2.0) == dense_floor_bytes);
  BOOST_TEST(dense_budget(1e6) == 1e6 * dense_bytes_per_input);
  BOOST_TEST(dense_budget(1e9) == dense_cap_bytes);
  BOOST_TEST(dense_budget(std::nullopt) == dense_cap_bytes);
  BOOST_TEST(format_bytes(8e9) == "7.5 GiB");
  BOOST_TEST(format_bytes(512.0) == "512 bytes");
  BOOST_TEST(format_count(1'000'000'001.0) == "1,000,000,001");
  BOOST_TEST(format_count(-12'345.0) == "-12,345");
  const DenseRequest fits{"x", "a table", 1e6, 8.0, 2.0, "cause", "way out"};
  check_dense_budget(fits);  // 8 MB: under the floor
  const DenseRequest too_big{"x", "a table", 1e9, 8.0, 2.0, "because", "do this"};
  BOOST_TEST(message_of([&] { check_dense_budget(too_big); }) ==
             "x: a table would take 7.5 GiB (1,000,000,000 cells); the limit for an input of 2 rows is 1 GiB (1 "
             "GiB, or 8 KiB per row, at most 16 GiB). because; do this");
}

// The probe: two rows built a 1e9-period ledger (7.9 GB); now refused before allocating.
BOOST_AUTO_TEST_CASE(a_ledger_of_a_typo_period_is_refused_before_allocating) {
  const std::vector<std::int64_t> accounts{1, 1}, periods{0, 1'000'000'000};
  const std::vector<double> amounts{1.0, 2.0};
  BOOST_TEST(message_of([&] { RevenueLedger::from_rows(accounts, {periods}, amounts); }) ==
             "period: the ledger's accounts x periods matrix would take 7.5 GiB (1,000,000,001 cells); the limit "
             "for an input of 2 rows is 1 GiB (1 GiB, or 8 KiB per row, at most 16 GiB). periods span 0 ... "
             "1,000,000,000: 1,000,000,001 periods for 1 account; is a period a typo? Check the period column "
             "(yyyymm or yyyymmdd integers are not consecutive periods), or use coarser periods");
  // 2,000 accounts over 200,000 periods (3.2 GB): refused once the accounts are counted.
  std::vector<std::int64_t> many, spread;
  for (std::int64_t i = 0; i < 2000; ++i) many.push_back(i), spread.push_back(i * 100);
  const std::vector<double> ones(2000, 1.0);
  const auto message = message_of([&] { RevenueLedger::from_rows(many, {spread}, ones); });
  BOOST_TEST(message.find("199,901 periods for 2,000 accounts") != std::string::npos, message);
  // Keys spread over 2^40 values need a 4 TiB table from keys to rows.
  const std::vector<std::int64_t> far_keys{0, std::int64_t{1} << 40}, same{0, 0};
  BOOST_TEST(message_of([&] {
               RevenueLedger::from_rows(far_keys, {same}, amounts);
             }).find("account: the table of account keys would take 4 TiB") == 0);
  // An explicit period range is held to the same budget.
  const std::vector<std::int64_t> one{0};
  const std::vector<double> amount{1.0};
  BOOST_TEST(message_of([&] {
               RevenueLedger::from_rows(one, {one}, amount,
                                        std::pair<std::int64_t, std::size_t>{0, std::size_t{1} << 40});
             }).find("would take 8 TiB") != std::string::npos);
  // Within the budget the ledger builds: 2 rows 100,000 periods apart (800 KB).
  const std::vector<std::int64_t> near{0, 100'000};
  BOOST_TEST(RevenueLedger::from_rows(accounts, {near}, amounts).n_periods() == 100'001u);
}

BOOST_AUTO_TEST_CASE(a_transition_table_of_identifiers_is_refused) {
  const std::vector<std::int32_t> before{0, 1}, after{1, 0};
  const auto message = message_of([&] { transitions(before, after, 20'000); });
  BOOST_TEST(message.find("categories: the transition table would take 6 GiB (400,040,001 cells)") == 0, message);
  BOOST_TEST(message.find("20,000 segments") != std::string::npos);
  BOOST_TEST(transitions(before, after, 2).cells.size() == 9u);
}

BOOST_AUTO_TEST_CASE(a_synthetic_book_beyond_the_cap_is_refused_before_allocating) {
  SyntheticBookOptions options;
  options.n_accounts = 100'000'000, options.n_months = 1200;
  const auto message = message_of([&] { synthetic_book(options); });
  BOOST_TEST(message.find("n_accounts: the book's revenue rows would take 2.2 TiB") == 0, message);
  BOOST_TEST(message.find("100,000,000 accounts x 1,200 months") != std::string::npos);
  options.n_accounts = 10, options.n_months = 1200;
  BOOST_TEST(synthetic_book(options).account_id.size() == 10u);
}
