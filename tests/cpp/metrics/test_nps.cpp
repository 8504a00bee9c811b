#define BOOST_TEST_MODULE metrics.nps
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cmath>
#include <cstdint>
#include <vector>

#include "cssegment/metrics/nps.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

BOOST_AUTO_TEST_CASE(nps_and_its_standard_error_by_hand) {
  const std::vector<double> scores{10, 9, 9, 8, 7, 6, 0, 10, 3, 9, NAN};
  const auto counts = nps_counts(scores, {}, 1);
  BOOST_TEST(counts[0].promoters == 5u);
  BOOST_TEST(counts[0].passives == 2u);
  BOOST_TEST(counts[0].detractors == 3u);
  const auto e = nps_estimate(counts[0]);
  BOOST_TEST(e.nps == 20.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(e.standard_error == 100.0 * std::sqrt((0.5 + 0.3 - 0.04) / 10.0), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(e.high - e.nps == z_95 * e.standard_error, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(groups_and_bad_scores) {
  const std::vector<double> scores{10, 0, 9};
  const std::vector<std::int32_t> groups{1, 0, 1};
  const auto counts = nps_counts(scores, groups, 2);
  BOOST_TEST(nps_estimate(counts[0]).nps == -100.0);
  BOOST_TEST(nps_estimate(counts[1]).nps == 100.0);
  BOOST_TEST(std::isnan(nps_estimate(NpsCounts{}).nps));
  BOOST_TEST(message_of([] { nps_counts(std::vector<double>{9, 11}, {}, 1); }) ==
             "scores[1] = 11: NPS scores must be whole numbers from 0 to 10");
  BOOST_TEST(message_of([] { nps_counts(std::vector<double>{7.5}, {}, 1, "a"); }) ==
             "a[0] = 7.5: NPS scores must be whole numbers from 0 to 10");
}

BOOST_AUTO_TEST_CASE(difference_uses_the_summed_variances) {
  const auto a = nps_estimate({60, 20, 20});
  const auto b = nps_estimate({40, 30, 30});
  const auto d = nps_difference(a, b);
  const double se = std::sqrt(a.standard_error * a.standard_error + b.standard_error * b.standard_error);
  BOOST_TEST(d.difference == 30.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(d.standard_error == se, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(d.z == 30.0 / se, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(d.p_value == std::erfc(d.z / std::sqrt(2.0)), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(message_of([&] { nps_difference(nps_estimate({}), b); }) == "a: has no scores");
}
