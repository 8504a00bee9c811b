#define BOOST_TEST_MODULE core.overflow
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cssegment/core/overflow.hpp"
#include "cssegment/metrics/value.hpp"
#include "cssegment/segment/coverage.hpp"
#include "cssegment/segment/transitions.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

BOOST_AUTO_TEST_CASE(an_overflow_names_its_result_and_inputs) {
  BOOST_TEST(message_of([] { fail_overflow("a", whole_result, "r", "a = 1"); }).find("a: r overflows") == 0);
  BOOST_TEST(message_of([] { fail_overflow("a", 3, "r", "a[3] = 1e308"); }) ==
             "a: r[3] overflows the largest double (about 1.8e308) from a[3] = 1e308; express the amounts in larger "
             "units");
}

// The probe: these returned inf (or NaN) without a word.
BOOST_AUTO_TEST_CASE(value_metrics_refuse_results_beyond_the_doubles) {
  const std::vector<double> huge{1e308}, tiny{1e-300}, zero{0.0}, one{1.0};
  BOOST_TEST(message_of([&] { cltv(huge, tiny, zero, one, zero); }) ==
             "arpa: cltv[0] overflows the largest double (about 1.8e308) from arpa[0] = 1e+308, churn_rate[0] = "
             "1e-300, discount_rate[0] = 0; express the amounts in larger units");
  const std::vector<double> denormal{1e-308};
  BOOST_TEST(message_of([&] { per_customer(huge, denormal, "spend", "new_customers"); }).find("spend: the result[0]") ==
             0);
  BOOST_TEST(message_of([&] { cac_payback(huge, denormal, one); }).find("cac: the payback[0] overflows") == 0);
  BOOST_TEST(cltv(one, one, zero, one, zero)[0] == 1.0);
}

BOOST_AUTO_TEST_CASE(transition_weights_summing_beyond_the_doubles_are_refused) {
  const std::vector<std::int32_t> before{0, 0}, after{0, 0};
  const std::vector<double> huge{1e308, 1e308};
  BOOST_TEST(message_of([&] { transitions(before, after, 1, huge); }) ==
             "weights: their sum overflows the largest double (about 1.8e308) from 2 weights; express the amounts "
             "in larger units");
  const std::vector<double> large{8e307, 8e307};
  BOOST_TEST(transitions(before, after, 1, large).unchanged == 1.6e308);
}

BOOST_AUTO_TEST_CASE(coverage_costs_beyond_the_doubles_are_refused) {
  const std::vector<std::int32_t> segments{0, 0, 0};
  const std::vector<std::optional<double>> ratios{0.5};
  const auto message = message_of([&] { coverage(segments, ratios, {}, 1e308); });
  BOOST_TEST(message.find("csm_cost: cost per account of segment[0] overflows") == 0, message);
  BOOST_TEST(coverage(segments, ratios, {}, 1e300)[0].total_cost == 6e300, boost::test_tools::tolerance(1e-15));
}
