#define BOOST_TEST_MODULE segment.hysteresis
#include <boost/test/unit_test.hpp>

#include "cssegment/segment/hysteresis.hpp"

using namespace cssegment;

BOOST_AUTO_TEST_CASE(hysteresis_lies_in_zero_to_one) {
  BOOST_CHECK_THROW(check_hysteresis(1.0), InvalidInput);
  BOOST_CHECK_THROW(check_hysteresis(-0.1), InvalidInput);
  BOOST_CHECK_NO_THROW(check_hysteresis(0.0));
}
