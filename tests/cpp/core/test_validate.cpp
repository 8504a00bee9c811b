#define BOOST_TEST_MODULE core.validate
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "cssegment/core/validate.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

BOOST_AUTO_TEST_CASE(numbers_are_formatted_shortest_round_trip) {
  BOOST_TEST(format_number(50000.0) == "50000");
  BOOST_TEST(format_number(250000.0) == "250000");
  BOOST_TEST(format_number(1e20) == "1e+20");
  BOOST_TEST(format_number(-0.0) == "0");
  BOOST_TEST(format_number(0.1) == "0.1");
  BOOST_TEST(format_number(-5.0) == "-5");
  BOOST_TEST(format_number(NAN) == "nan");
  BOOST_TEST(format_number(-INFINITY) == "-inf");
  BOOST_TEST(std::stod(format_number(1.0 / 3.0)) == 1.0 / 3.0);
}

BOOST_AUTO_TEST_CASE(invalid_amounts_name_argument_row_and_value) {
  const std::vector<double> values{1.0, 2.0, -5.0, NAN};
  BOOST_TEST(message_of([&] { check_nonnegative_finite("arr", values); }) ==
             "arr[2] = -5: values must be finite and >= 0");
  const std::vector<double> fine{0.0, 1e12};
  BOOST_CHECK_NO_THROW(check_nonnegative_finite("arr", fine));
  const std::vector<double> infinite{0.0, INFINITY};
  BOOST_TEST(first_invalid_amount(infinite) == 1u);
}

BOOST_AUTO_TEST_CASE(thresholds_must_ascend_strictly) {
  const std::vector<double> flat{10.0, 10.0};
  BOOST_TEST(message_of([&] { check_strictly_ascending("thresholds", flat); }) ==
             "thresholds[1] = 10: thresholds must be strictly ascending (previous is 10)");
  const std::vector<double> infinite{10.0, INFINITY};
  BOOST_CHECK_THROW(check_strictly_ascending("thresholds", infinite), InvalidInput);
  const std::vector<double> fine{1.0, 2.0, 3.0};
  BOOST_CHECK_NO_THROW(check_strictly_ascending("thresholds", fine));
}

BOOST_AUTO_TEST_CASE(names_must_be_unique_and_non_empty) {
  const std::vector<std::string> duplicate{"A", "B", "A"};
  BOOST_TEST(message_of([&] { check_names("names", duplicate); }) == "names[2] = 'A': duplicate name");
  const std::vector<std::string> empty{"A", ""};
  BOOST_TEST(message_of([&] { check_names("names", empty); }) == "names[1] = '': names must not be empty");
}

BOOST_AUTO_TEST_CASE(lengths_and_codes) {
  BOOST_TEST(message_of([] { check_same_length("previous", 3, "arr", 4); }) ==
             "previous: has length 3 but arr has length 4");
  const std::vector<int> codes{0, -1, 3};
  BOOST_TEST(message_of([&] { check_codes<int>("previous", codes, 3); }) ==
             "previous[2] = 3: code out of range [-1, 3)");
}
