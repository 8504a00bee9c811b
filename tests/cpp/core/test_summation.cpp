#define BOOST_TEST_MODULE core.summation
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <random>
#include <vector>

#include "cssegment/core/summation.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

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

// ExactSum: references computed without long double or 128-bit integers: sums of doubles that
// are integer multiples of one power of two, added as 64-bit integers, whose conversion to
// double rounds correctly (to nearest, ties to even), or hand-checked roundings.

namespace {
double exact_sum(std::initializer_list<double> terms) {
  ExactSum sum;
  for (double term : terms) sum += term;
  return sum.value();
}
bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }
}  // namespace

BOOST_AUTO_TEST_CASE(exact_sum_of_repeated_tenths_is_correctly_rounded) {
  // 0.1 = 0x1999999999999a x 2^-56, so n x 0.1 = (n x 0x1999999999999a) x 2^-56 exactly.
  const std::int64_t tenth = 0x1999999999999a;
  BOOST_TEST(std::ldexp(static_cast<double>(tenth), -56) == 0.1);
  ExactSum sum;
  double plain = 0.0;
  int wrong_plain = 0;
  for (std::int64_t n = 1; n <= 1000; ++n) {
    sum += 0.1;
    plain += 0.1;
    const double expected = std::ldexp(static_cast<double>(n * tenth), -56);
    BOOST_TEST(same_bits(sum.value(), expected), "n = " << n);
    wrong_plain += plain != expected;
  }
  BOOST_TEST(exact_sum({0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}) == 1.0);
  BOOST_TEST(wrong_plain > 900);  // why
}

BOOST_AUTO_TEST_CASE(exact_sum_of_200000_cents_is_the_correctly_rounded_2000) {
  // 0.01 = 0x147ae147ae147b x 2^-59; 200000 = 3125 x 2^6, so the sum is (3125 x M) x 2^-53 and
  // 3125 x M < 2^64.
  const std::uint64_t cent = 0x147ae147ae147b;
  BOOST_TEST(std::ldexp(static_cast<double>(cent), -59) == 0.01);
  const double expected = std::ldexp(static_cast<double>(3125 * cent), -53);
  ExactSum sum;
  for (int i = 0; i < 200'000; ++i) sum += 0.01;
  BOOST_TEST(same_bits(sum.value(), expected));
  BOOST_TEST(sum.value() == 2000.0);  // 2000.0000000000000416 rounds to 2000
}

BOOST_AUTO_TEST_CASE(exact_sum_keeps_what_a_plain_sum_absorbs) {
  BOOST_TEST(exact_sum({1e15, 0.1, -1e15}) == 0.1);  // a plain sum gives 0.125
  BOOST_TEST(exact_sum({1e15, 0.1}) == 1e15 + 0.125);  // 0.1 is nearer 0.125 than 0 (ulp 0.125)
  BOOST_TEST(exact_sum({1e6, 2.5e-7, 2.5e-7, 2.5e-7, 2.5e-7, -1e6}) == 4.0 * 2.5e-7);  // x4 is exact
  BOOST_TEST(exact_sum({2.5e-7, 1e16, 1.0, -1e16, 1.0, -2.5e-7}) == 2.0);
  BOOST_TEST(exact_sum({1e308, 5e-324, -1e308}) == 5e-324);
  BOOST_TEST(exact_sum({0x1p1023, 0x1p1023, -0x1p1023}) == 0x1p1023);  // no intermediate overflow
  BOOST_TEST(exact_sum({-3.5, -0.25, 1.0}) == -2.75);
  BOOST_TEST(exact_sum({-0x1p-1074, -0x1p-1074}) == -0x1p-1073);
}

BOOST_AUTO_TEST_CASE(exact_sum_cancels_to_exactly_zero) {
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int> exponent(-1070, 1000);
  std::uniform_real_distribution<double> mantissa(-1.0, 1.0);
  std::vector<double> terms;
  for (int i = 0; i < 5'000; ++i) {
    const double term = std::ldexp(mantissa(rng), exponent(rng));
    terms.push_back(term);
    terms.push_back(-term);
  }
  std::shuffle(terms.begin(), terms.end(), rng);
  ExactSum sum;
  for (double term : terms) sum += term;
  BOOST_TEST(sum.is_zero());
  BOOST_TEST(sum.sign() == 0);
  BOOST_TEST(same_bits(sum.value(), 0.0));
  BOOST_TEST(sum.digits().second.empty());
  BOOST_TEST((sum == ExactSum()));
  sum += -0.0;
  BOOST_TEST(ExactSum(-1e-300).sign() == -1);
}

BOOST_AUTO_TEST_CASE(exact_sum_of_subnormals) {
  BOOST_TEST(exact_sum({0x1p-1074, 0x1p-1074, 0x1p-1074}) == 3 * 0x1p-1074);
  BOOST_TEST(exact_sum({0x1p-1022, -0x1p-1074}) == 0x1p-1022 - 0x1p-1074);  // the largest subnormal
  BOOST_TEST(exact_sum({0x1p-1023, 0x1p-1023}) == 0x1p-1022);            // two subnormals, a normal
  BOOST_TEST(exact_sum({5e-324, 1.0, -1.0}) == 5e-324);
}

BOOST_AUTO_TEST_CASE(exact_sum_rounds_half_ulp_ties_to_even) {
  BOOST_TEST(exact_sum({1.0, 0x1p-53}) == 1.0);                          // tie, 1 is even
  BOOST_TEST(exact_sum({1.0 + 0x1p-52, 0x1p-53}) == 1.0 + 0x1p-51);      // tie, up to even
  BOOST_TEST(exact_sum({1.0, 0x1p-53, 0x1p-106}) == 1.0 + 0x1p-52);      // just above the tie
  BOOST_TEST(exact_sum({1.0, 0x1p-53, -0x1p-1074}) == 1.0);              // just below the tie
  BOOST_TEST(exact_sum({-1.0, -0x1p-53}) == -1.0);                       // negative ties too
  BOOST_TEST(exact_sum({-1.0 - 0x1p-52, -0x1p-53}) == -1.0 - 0x1p-51);
  BOOST_TEST(exact_sum({0x1p60, 0x1p7, 0x1p-1074}) == 0x1p60 + 0x1p8);   // half ulp, sticky bit far below
  BOOST_TEST(exact_sum({0x1p60, 0x1p7}) == 0x1p60);                      // half ulp, tie to even
}

BOOST_AUTO_TEST_CASE(exact_sum_beyond_the_largest_double_is_an_error) {
  const double largest = std::numeric_limits<double>::max();
  ExactSum twice;
  twice += largest;
  twice += largest;
  BOOST_TEST(!twice.rounded());
  BOOST_TEST(message_of([&] { twice.value("end"); }) ==
             "end: the exact sum is beyond the largest finite double (about 1.8e308) and cannot be reported");
  twice += -largest;
  BOOST_TEST(twice.value() == largest);
  ExactSum tie;  // halfway to 2^1024: rounds to even, which is beyond
  tie += largest;
  tie += 0x1p970;
  BOOST_TEST(!tie.rounded());
  BOOST_TEST(exact_sum({largest, 0x1p969}) == largest);
  BOOST_TEST(exact_sum({-largest, -0x1p969}) == -largest);
  ExactSum negative;
  negative += -largest;
  negative += -largest;
  BOOST_TEST(!negative.rounded());
  BOOST_TEST(message_of([] { ExactSum() += std::numeric_limits<double>::quiet_NaN(); }) ==
             "term: nan is not finite; an exact sum takes finite terms only");
  BOOST_TEST(message_of([] { ExactSum() += -INFINITY; }) ==
             "term: -inf is not finite; an exact sum takes finite terms only");
}

// Issue 21: 300 accounts at 0.8e24 .. 1.2e24 wrapped the fixed-point sums (past ~2^88).
BOOST_AUTO_TEST_CASE(exact_sum_of_300_accounts_near_1e24) {
  // Doubles in [2^79, 2^80) are multiples of 2^27: their sum in units of 2^27 fits an int64.
  ExactSum sum;
  std::int64_t units = 0;
  for (int i = 0; i < 300; ++i) {
    const double amount = 0.8e24 + 0.4e24 * i / 299;
    BOOST_TEST((amount >= 0x1p79 && amount < 0x1p80));
    units += static_cast<std::int64_t>(std::ldexp(amount, -27));
    sum += amount;
  }
  BOOST_TEST(same_bits(sum.value(), std::ldexp(static_cast<double>(units), 27)));
  BOOST_TEST(std::abs(sum.value() - 3e26) < 1e12);
}

BOOST_AUTO_TEST_CASE(exact_sums_merge_in_any_order_and_split) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> exponent(-1074, 1020);
  std::uniform_real_distribution<double> mantissa(-1.0, 1.0);
  std::vector<double> terms(20'000);
  for (double& term : terms) term = std::ldexp(mantissa(rng), exponent(rng) / (rng() % 4 == 0 ? 1 : 20));
  ExactSum whole;
  for (double term : terms) whole += term;
  for (int split = 0; split < 5; ++split) {
    std::vector<ExactSum> parts(1 + rng() % 9);
    std::vector<double> shuffled = terms;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    for (double term : shuffled) parts[rng() % parts.size()] += term;
    std::shuffle(parts.begin(), parts.end(), rng);
    ExactSum merged;
    for (const ExactSum& part : parts) merged += part;
    BOOST_TEST((merged == whole));
    BOOST_TEST(same_bits(merged.value(), whole.value()));
  }
  const auto [first, limbs] = whole.digits();
  const ExactSum restored = ExactSum::from_digits(first, limbs, "digits");
  BOOST_TEST((restored == whole));
  BOOST_TEST(same_bits(restored.value(), whole.value()));
}

BOOST_AUTO_TEST_CASE(exact_sum_of_many_equal_terms_carries_without_overflow) {
  // Over a million additions of the largest mantissa at one exponent: the limbs carry on the way.
  const double term = std::nextafter(0x1p40, 0.0);  // 2^40 - 2^-13, every mantissa bit set
  ExactSum sum;
  for (int i = 0; i < (1 << 20); ++i) sum += term;
  BOOST_TEST(sum.value() == term * 0x1p20);  // exact: a power-of-two multiple
}
