#define BOOST_TEST_MODULE segment.coverage
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "cssegment/segment/coverage.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

BOOST_AUTO_TEST_CASE(csms_share_and_cost_by_segment) {
  // 2000 tech-touch accounts at 1000:1, 300 low-touch at 100:1, 30 high-touch at 15:1.
  std::vector<std::int32_t> segments;
  std::vector<double> arr;
  for (int i = 0; i < 2000; ++i) segments.push_back(0), arr.push_back(5'000.0);
  for (int i = 0; i < 300; ++i) segments.push_back(1), arr.push_back(20'000.0);
  for (int i = 0; i < 30; ++i) segments.push_back(2), arr.push_back(100'000.0);
  const std::vector<std::optional<double>> ratios{1000.0, 100.0, 15.0};
  const auto rows = coverage(segments, ratios, arr, 150'000.0);
  BOOST_TEST(rows[0].accounts == 2000u);
  BOOST_TEST(rows[0].csms_needed == 2.0);
  BOOST_TEST(rows[1].csms_needed == 3.0);
  BOOST_TEST(rows[2].csms_needed == 2.0);
  BOOST_TEST(rows[1].resource_share == 3.0 / 7.0, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(rows[2].cost_to_serve_per_account == 10'000.0);
  BOOST_TEST(rows[0].cost_to_serve_per_account == 150.0);
  BOOST_TEST(rows[2].total_cost == 300'000.0);
  BOOST_TEST(rows[1].arr == 6e6);
  BOOST_TEST(rows[1].arr_per_csm == 2e6);
}

BOOST_AUTO_TEST_CASE(segments_without_csm_and_without_money) {
  const std::vector<std::int32_t> segments{0, 0, 1};
  const std::vector<std::optional<double>> ratios{std::nullopt, 10.0};
  const auto rows = coverage(segments, ratios);
  BOOST_TEST(rows[0].csms_needed == 0.0);
  BOOST_TEST(rows[0].resource_share == 0.0);
  BOOST_TEST(std::isnan(rows[0].arr_per_csm));
  BOOST_TEST(std::isnan(rows[1].arr));
  BOOST_TEST(std::isnan(rows[1].cost_to_serve_per_account));
  BOOST_TEST(rows[1].resource_share == 1.0);
  const auto empty = coverage({}, ratios);
  BOOST_TEST(empty.size() == 2u);
  BOOST_TEST(std::isnan(empty[1].resource_share));
}

BOOST_AUTO_TEST_CASE(bad_input_is_named) {
  const std::vector<std::optional<double>> ratios{10.0, 20.0};
  BOOST_CHECK_THROW(coverage(std::vector<std::int32_t>{0, -1}, ratios), InvalidInput);
  BOOST_CHECK_THROW(coverage(std::vector<std::int32_t>{0, 2}, ratios), InvalidInput);
  BOOST_CHECK_THROW(coverage(std::vector<std::int32_t>{0}, std::vector<std::optional<double>>{0.0}), InvalidInput);
  BOOST_CHECK_THROW(coverage(std::vector<std::int32_t>{0}, ratios, std::vector<double>{-1.0}), InvalidInput);
  BOOST_CHECK_THROW(coverage(std::vector<std::int32_t>{0}, ratios, std::vector<double>{1.0, 2.0}), InvalidInput);
  BOOST_CHECK_THROW(coverage(std::vector<std::int32_t>{0}, ratios, {}, -5.0), InvalidInput);
}

BOOST_AUTO_TEST_CASE(arr_sums_keep_cents_next_to_a_trillion) {
  // One $1e12 account and 100000 accounts of $0.01 in one segment: a plain sum drifts by ~1.
  std::vector<std::int32_t> segments{0};
  std::vector<double> arr{1e12};
  for (int i = 0; i < 100'000; ++i) segments.push_back(i % 2 == 0 ? 0 : 1), arr.push_back(0.01);
  const std::vector<std::optional<double>> ratios{10.0, std::nullopt};
  const auto rows = coverage(segments, ratios, arr);
  BOOST_TEST(rows[0].arr == 1e12 + 500.0);
  BOOST_TEST(rows[1].arr == 500.0, boost::test_tools::tolerance(1e-14));
  BOOST_TEST(rows[0].arr_per_csm == (1e12 + 500.0) / (50'001.0 / 10.0), boost::test_tools::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(csm_ratios_must_be_positive) {
  const std::vector<std::optional<double>> ratios{15.0, std::nullopt, 0.0};
  BOOST_TEST(message_of([&] { check_csm_ratios("csm_ratios", ratios); }) ==
             "csm_ratios[2] = 0: CSM ratios must be finite and > 0 (accounts per CSM)");
  const std::vector<std::optional<double>> negative{-1.0};
  BOOST_CHECK_THROW(check_csm_ratios("csm_ratios", negative), InvalidInput);
}

BOOST_AUTO_TEST_CASE(arr_per_csm_that_overflows_is_refused) {
  const std::vector<std::int32_t> segments{0};
  const std::vector<double> arr{1.7976931348623157e308};
  const std::vector<std::optional<double>> ratios{10.0};
  BOOST_TEST(message_of([&] { (void)coverage(segments, ratios, arr); }) ==
             "arr: ARR per CSM of segment[0] overflows the largest double (1.7976931348623157e+308 over 0.1 CSMs)");
}
