#define BOOST_TEST_MODULE segment.transitions
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include "cssegment/segment/transitions.hpp"

using namespace cssegment;

BOOST_AUTO_TEST_CASE(every_account_is_counted_once) {
  const std::vector<std::int32_t> before{0, 0, 1, 2, -1, 2, -1};
  const std::vector<std::int32_t> after{0, 1, 0, 2, 1, -1, -1};
  const auto result = transitions(before, after, 3);
  BOOST_TEST(result.slots() == 4u);
  BOOST_TEST(result.at(0, 0) == 1.0);
  BOOST_TEST(result.at(0, 1) == 1.0);
  BOOST_TEST(result.at(1, 0) == 1.0);
  BOOST_TEST(result.at(2, 2) == 1.0);
  BOOST_TEST(result.at(3, 1) == 1.0);
  BOOST_TEST(result.at(2, 3) == 1.0);
  BOOST_TEST(result.at(3, 3) == 1.0);
  double total = 0.0;
  for (double cell : result.cells) total += cell;
  BOOST_TEST(total == 7.0);
  BOOST_TEST(result.upgrades == 1.0);
  BOOST_TEST(result.downgrades == 1.0);
  BOOST_TEST(result.unchanged == 2.0);
  BOOST_TEST(result.entered == 1.0);
  BOOST_TEST(result.exited == 1.0);
}

BOOST_AUTO_TEST_CASE(weights_sum_instead_of_counting) {
  const std::vector<std::int32_t> before{0, 1, 1}, after{1, 1, 0};
  const std::vector<double> arr{10.0, 20.0, 30.0};
  const auto result = transitions(before, after, 2, arr);
  BOOST_TEST(result.at(0, 1) == 10.0);
  BOOST_TEST(result.at(1, 1) == 20.0);
  BOOST_TEST(result.upgrades == 10.0);
  BOOST_TEST(result.downgrades == 30.0);
}

BOOST_AUTO_TEST_CASE(bad_input_is_named) {
  const std::vector<std::int32_t> two{0, 1}, three{0, 1, 0}, bad{0, 5};
  BOOST_CHECK_THROW(transitions(two, three, 2), InvalidInput);
  BOOST_CHECK_THROW(transitions(two, bad, 2), InvalidInput);
  BOOST_CHECK_THROW(transitions(two, two, 2, std::vector<double>{1.0, NAN}), InvalidInput);
  BOOST_CHECK_THROW(transitions(two, two, 2, std::vector<double>{1.0}), InvalidInput);
  const auto empty = transitions({}, {}, 2);
  BOOST_TEST(empty.cells.size() == 9u);
  BOOST_TEST(empty.unchanged == 0.0);
}

BOOST_AUTO_TEST_CASE(weighted_sums_keep_cents_next_to_a_trillion) {
  // One $1e12 upgrade and 100000 upgrades of $0.01: a plain sum drifts by ~1.
  std::vector<std::int32_t> before{0}, after{1};
  std::vector<double> weights{1e12};
  for (int i = 0; i < 100'000; ++i) before.push_back(0), after.push_back(1), weights.push_back(0.01);
  const auto result = transitions(before, after, 2, weights);
  BOOST_TEST(result.at(0, 1) == 1e12 + 1000.0);
  BOOST_TEST(result.upgrades == 1e12 + 1000.0);
}

BOOST_AUTO_TEST_CASE(moves_are_totalled_by_the_segment_before) {
  const std::vector<std::int32_t> before{0, 0, 0, 1, 1, 2, 2, -1, 2};
  const std::vector<std::int32_t> after{0, 1, 2, 0, 1, 0, 2, 1, -1};
  const std::vector<double> arr{1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0};
  const auto result = transitions(before, after, 3, arr);
  BOOST_TEST(result.upgrades_from == std::vector<double>({6.0, 0.0, 0.0}), boost::test_tools::per_element());
  BOOST_TEST(result.downgrades_from == std::vector<double>({0.0, 8.0, 32.0}), boost::test_tools::per_element());
  BOOST_TEST(result.unchanged_from == std::vector<double>({1.0, 16.0, 64.0}), boost::test_tools::per_element());
  BOOST_TEST(result.upgrades == 6.0);
  BOOST_TEST(result.downgrades == 40.0);
  BOOST_TEST(result.unchanged == 81.0);
  const auto none = transitions(std::vector<std::int32_t>{}, std::vector<std::int32_t>{}, 2);
  BOOST_TEST(none.upgrades_from == std::vector<double>({0.0, 0.0}), boost::test_tools::per_element());
}
