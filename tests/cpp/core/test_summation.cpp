#define BOOST_TEST_MODULE core.summation
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <vector>

#include "cssegment/core/summation.hpp"

using namespace cssegment;

BOOST_AUTO_TEST_CASE(cents_next_to_a_trillion_are_kept) {
  // 1e12 + 100000 x 0.01: a plain double sum drifts by ~1e-5 per addition (the ulp of 1e12 is
  // 2^-13); the compensated sum is the exact total rounded once.
  CompensatedSum compensated;
  double plain = 0.0;
  compensated += 1e12;
  plain += 1e12;
  for (int i = 0; i < 100'000; ++i) compensated += 0.01, plain += 0.01;
  const double exact = 1e12 + 1000.0;  // the error of 100000 x fl(0.01) is below 1e-12
  BOOST_TEST(compensated.value() == exact);
  BOOST_TEST(std::abs(plain - exact) > 0.1);
}

BOOST_AUTO_TEST_CASE(cancellation_and_exact_sums) {
  CompensatedSum sum;
  for (double term : {1e16, 1.0, -1e16, 1.0}) sum += term;
  BOOST_TEST(sum.value() == 2.0);  // a plain sum gives 1 (the first 1 is absorbed by 1e16)
  CompensatedSum whole;
  for (double term : {1.0, 2.0, 3.0}) whole += term;
  BOOST_TEST(whole.value() == 6.0);
  BOOST_TEST(whole.compensation() == 0.0);
  BOOST_TEST(CompensatedSum().value() == 0.0);
}

BOOST_AUTO_TEST_CASE(merged_sums_keep_their_carried_errors) {
  // Split across two sums, the cents absorbed by 1e12 survive the merge (as in the transitions'
  // moves, which add up the cells' sums).
  CompensatedSum big, cents, whole;
  big += 1e12;
  whole += 1e12;
  for (int i = 0; i < 100'000; ++i) (i % 2 == 0 ? big : cents) += 0.01, whole += 0.01;
  CompensatedSum merged;
  merged += big;
  merged += cents;
  BOOST_TEST(merged.value() == whole.value());
  BOOST_TEST(merged.value() == 1e12 + 1000.0);
}
