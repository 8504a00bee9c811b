#define BOOST_TEST_MODULE metrics.value
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cmath>
#include <vector>

#include "cssegment/metrics/value.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

namespace {
std::vector<double> v(std::initializer_list<double> values) { return values; }
}  // namespace

BOOST_AUTO_TEST_CASE(cltv_simple_margin_and_discounted) {
  const auto value =
      cltv(v({1000, 1000, 1000}), v({0.02, 0.02, 0.02}), v({0, 100, 100}), v({1, 0.8, 0.8}), v({0, 0, 0.01}));
  BOOST_TEST(value[0] == 50'000.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(value[1] == 700.0 / 0.02, boost::test_tools::tolerance(1e-12));
  // (ARPA gm - cts)(1 + d) / (1 + d - r), r = 0.98.
  BOOST_TEST(value[2] == 700.0 * 1.01 / (1.01 - 0.98), boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(cltv_rejects_rates_outside_their_ranges) {
  BOOST_TEST(message_of([] { cltv(v({1, 1}), v({0.1, 0}), v({0, 0}), v({1, 1}), v({0, 0})); }) ==
             "churn_rate[1] = 0: must be in (0, 1]");
  BOOST_TEST(message_of([] { cltv(v({1}), v({1.5}), v({0}), v({1}), v({0})); }) ==
             "churn_rate[0] = 1.5: must be in (0, 1]");
  BOOST_TEST(message_of([] { cltv(v({1}), v({0.5}), v({0}), v({0}), v({0})); }) ==
             "gross_margin[0] = 0: must be in (0, 1]");
  BOOST_TEST(message_of([] { cltv(v({-1}), v({0.5}), v({0}), v({1}), v({0})); }) ==
             "arpa[0] = -1: values must be finite and >= 0");
}

BOOST_AUTO_TEST_CASE(per_customer_costs_and_payback) {
  BOOST_TEST(per_customer(v({90'000}), v({450}), "retention_spend", "customers_retained") == v({200}));
  BOOST_TEST(message_of([] { per_customer(v({1}), v({0}), "acquisition_spend", "new_customers"); }) ==
             "new_customers[0] = 0: must be finite and > 0");
  BOOST_TEST(cac_payback(v({3000}), v({500}), v({0.75})) == v({8}));
}
