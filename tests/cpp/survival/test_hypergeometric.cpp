#define BOOST_TEST_MODULE survival.hypergeometric
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cmath>
#include <limits>

#include "cssegment/survival/hypergeometric.hpp"

using namespace cssegment;
using cssegment::testing::message_of;
namespace tt = boost::test_tools;

namespace {

// The power series summed term by term in long double, until terms stop mattering.
double direct_series(double b, double c, double z) {
  long double term = 1.0L, sum = 1.0L;
  for (long j = 0; term > 1e-22L * sum; ++j) {
    term *= (b + static_cast<long double>(j)) / (c + static_cast<long double>(j)) * z;
    sum += term;
  }
  return static_cast<double>(sum);
}

}  // namespace

BOOST_AUTO_TEST_CASE(closed_forms) {
  BOOST_TEST(hypergeometric_2f1_unit_a(2.5, 3.5, 0.0) == 1.0);
  // 2F1(1, 1; 1; z) = 1 / (1 - z)
  BOOST_TEST(hypergeometric_2f1_unit_a(1.0, 1.0, 0.5) == 2.0, tt::tolerance(1e-14));
  BOOST_TEST(hypergeometric_2f1_unit_a(1.0, 1.0, 1.0 / 1.0001) == 10001.0, tt::tolerance(1e-11));
  // 2F1(1, 1; 2; z) = -log(1 - z) / z
  for (double z : {0.1, 0.5, 0.9, 0.999})
    BOOST_TEST(hypergeometric_2f1_unit_a(1.0, 2.0, z) == -std::log1p(-z) / z, tt::tolerance(1e-12));
  BOOST_TEST(hypergeometric_2f1_unit_a(1.0, 2.0, 1.0 - 1e-7) == -std::log(1e-7) / (1.0 - 1e-7), tt::tolerance(1e-10));
  // Gauss's sum at z = 1: (c - 1) / (c - b - 1) when c - b > 1, else infinite.
  BOOST_TEST(hypergeometric_2f1_unit_a(1.0, 3.0, 1.0) == 2.0);
  BOOST_TEST(std::isinf(hypergeometric_2f1_unit_a(2.0, 2.5, 1.0)));
}

BOOST_AUTO_TEST_CASE(matches_direct_summation_near_one) {
  for (double b : {0.05, 0.7, 2.0, 15.0})
    for (double alpha : {0.3, 1.0, 1.5, 4.0})
      for (double d : {1.0, 0.1, 0.01, 1e-3}) {
        const double z = 1.0 / (1.0 + d);
        BOOST_TEST(hypergeometric_2f1_unit_a(b, b + alpha, z) == direct_series(b, b + alpha, z), tt::tolerance(1e-12));
      }
}

BOOST_AUTO_TEST_CASE(small_c_is_shifted_up) {
  // c < 2 (alpha + beta < 2) goes through 2F1(1, b; c; z) = 1 + (b / c) z 2F1(1, b + 1; c + 1; z).
  for (double z : {0.3, 0.9, 0.999})
    BOOST_TEST(hypergeometric_2f1_unit_a(0.2, 0.5, z) == direct_series(0.2, 0.5, z), tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(approaches_gauss_sum_as_z_tends_to_one) {
  // alpha = c - b = 3: the limit is (c - 1) / (c - b - 1) = 2.
  const double near = hypergeometric_2f1_unit_a(2.0, 5.0, 1.0 / (1.0 + 1e-9));
  BOOST_TEST(near < 2.0);
  BOOST_TEST(near == 2.0, tt::tolerance(1e-7));
}

BOOST_AUTO_TEST_CASE(bad_arguments) {
  BOOST_TEST(message_of([] { hypergeometric_2f1_unit_a(0.0, 1.0, 0.5); }) == "b: 0 must be finite and > 0");
  BOOST_TEST(message_of([] { hypergeometric_2f1_unit_a(1.0, -1.0, 0.5); }) == "c: -1 must be finite and > 0");
  BOOST_TEST(message_of([] { hypergeometric_2f1_unit_a(1.0, 2.0, 1.5); }) == "z: 1.5 must be in [0, 1]");
}
