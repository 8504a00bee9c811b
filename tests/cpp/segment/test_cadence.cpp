#define BOOST_TEST_MODULE segment.cadence
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cmath>
#include <cstdint>
#include <vector>

#include "cssegment/segment/cadence.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

namespace {

CadencePolicy policy() { return CadencePolicy({{"Low touch", 60.0}, {"High touch", 30.0}, {"Tech touch", 90.0}}); }

}  // namespace

BOOST_AUTO_TEST_CASE(each_factor_scales_the_base_interval) {
  const auto p = policy();
  // Accounts: plain, onboarding, renewal window, both, red, green, unknown health, digital.
  const std::vector<std::int32_t> segments{1, 1, 1, 1, 1, 1, 1, 2};
  const std::vector<std::uint8_t> digital{0, 0, 1};
  const std::vector<double> tenure{400, 30, 400, 10, 400, 400, 400, 400};
  const std::vector<double> renewal{300, 300, 100, 50, 300, 300, NAN, 300};
  const std::vector<std::int32_t> health{1, 1, 1, 1, 0, 2, -1, 2};
  const auto s = p.schedule(segments, digital, tenure, renewal, health);
  BOOST_TEST(s.interval_days == std::vector<double>({30.0, 15.0, 15.0, 7.5, 15.0, 45.0, 30.0, 135.0}));
  BOOST_TEST(s.digital == std::vector<std::int8_t>({0, 0, 0, 0, 0, 0, 0, 1}));
  BOOST_TEST(p.describe(s.reasons[0]) == "base");  // yellow x1 changes nothing and is not named
  BOOST_TEST(p.describe(s.reasons[1]) == "onboarding x0.5");
  BOOST_TEST(p.describe(s.reasons[2]) == "renewal x0.5");
  BOOST_TEST(p.describe(s.reasons[3]) == "onboarding x0.5, renewal x0.5");
  BOOST_TEST(p.describe(s.reasons[4]) == "red x0.5");
  BOOST_TEST(p.describe(s.reasons[5]) == "green x1.5");
  BOOST_TEST(p.describe(s.reasons[6]) == "base");
  BOOST_TEST(p.describe(s.reasons[7]) == "green x1.5");
}

BOOST_AUTO_TEST_CASE(intervals_are_clipped_to_the_bounds) {
  const CadencePolicy p({{"a", 10.0}, {"b", 150.0}}, 90.0, 0.5, 120.0, 0.5, {{"red", 0.25}, {"green", 2.0}}, 7.0,
                        180.0);
  const std::vector<std::int32_t> segments{0, 1};
  const auto s = p.schedule(segments, {}, std::vector<double>{10, 400}, std::vector<double>{10, 300},
                            std::vector<std::int32_t>{0, 1});
  BOOST_TEST(s.interval_days == std::vector<double>({7.0, 180.0}));
  BOOST_TEST(p.describe(s.reasons[0]) == "onboarding x0.5, renewal x0.5, red x0.25, min 7 days");
  BOOST_TEST(p.describe(s.reasons[1]) == "green x2, max 180 days");
}

BOOST_AUTO_TEST_CASE(onboarding_and_renewal_bounds) {
  const auto p = policy();
  const std::vector<std::int32_t> segments{0, 0, 0, 0};
  // Onboarding while tenure < 90 days; renewal window while renewal <= 120 days (overdue included).
  const auto s =
      p.schedule(segments, {}, std::vector<double>{89, 90, 500, 500}, std::vector<double>{200, 200, 120, -5}, {});
  BOOST_TEST(s.interval_days == std::vector<double>({30.0, 60.0, 30.0, 30.0}));
}

BOOST_AUTO_TEST_CASE(json_round_trip) {
  const auto p = policy();
  BOOST_TEST((CadencePolicy::from_json(p.to_json()) == p));
}

BOOST_AUTO_TEST_CASE(bad_input_gets_clear_errors) {
  using Table = std::vector<std::pair<std::string, double>>;
  BOOST_TEST(message_of([] { CadencePolicy(Table{{"a", 0.0}}); }) == "base_days['a']: 0 must be finite and > 0");
  BOOST_TEST(message_of([] { CadencePolicy(Table{{"a", 30.0}}, 90.0, 0.0); }) ==
             "onboarding_factor: 0 must be finite and > 0");
  BOOST_TEST(message_of([] { CadencePolicy(Table{{"a", 30.0}}, 90.0, 0.5, 120.0, -1.0); }) ==
             "renewal_factor: -1 must be finite and > 0");
  BOOST_TEST(message_of([] { CadencePolicy(Table{{"a", 30.0}}, 90.0, 0.5, 120.0, 0.5, Table{{"red", 0.0}}); }) ==
             "health_factors['red']: 0 must be finite and > 0");
  BOOST_TEST(message_of([] {
               CadencePolicy(Table{{"a", 30.0}}, 90.0, 0.5, 120.0, 0.5, Table{{"red", 0.5}}, 30.0, 10.0);
             }) == "min_days: 30 is greater than max_days = 10");
  BOOST_TEST(message_of([] { CadencePolicy(Table{}); }) == "base_days: needs a base interval for at least one segment");
  const auto p = policy();
  BOOST_TEST(message_of([&] { p.schedule(std::vector<std::int32_t>{0, -1}, {}, {}, {}, {}); }) ==
             "segments[1] = missing: every account needs a segment");
  BOOST_TEST(message_of([&] { p.schedule(std::vector<std::int32_t>{0}, {}, std::vector<double>{-3}, {}, {}); }) ==
             "tenure_days[0] = -3: tenure must be finite and >= 0");
}
