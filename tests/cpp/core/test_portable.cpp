#define BOOST_TEST_MODULE core.portable
#include <boost/test/unit_test.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include "cssegment/core/portable.hpp"

using cssegment::detail::is_decimal_text;
using cssegment::detail::parse_decimal;
using cssegment::detail::parse_decimal_strtod;

namespace {

struct Parsed {
  std::errc error;
  std::uint64_t bits;  // the double's bits: -0 differs from 0, and every NaN payload would show
};

Parsed parse_with(std::errc (*parse)(std::string_view, double&), const std::string& text) {
  double value = -7.25;  // left as it is on failure
  const std::errc error = parse(text, value);
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  return {error, bits};
}

// Both parsers on one text: the same status and, bit for bit, the same double.
void check_same(const std::string& text) {
  const Parsed standard = parse_with(parse_decimal, text), fallback = parse_with(parse_decimal_strtod, text);
  BOOST_TEST_INFO("text: " << text);
  BOOST_TEST(static_cast<int>(standard.error) == static_cast<int>(fallback.error));
  BOOST_TEST(standard.bits == fallback.bits);
}

}  // namespace

BOOST_AUTO_TEST_CASE(decimal_text_is_digits_point_and_exponent_only) {
  for (const char* good : {"0", "12", "-3", "1.", ".5", "0.25", "1e5", "1E+5", "2.5e-3", "00012.5e-1"})
    BOOST_TEST(is_decimal_text(good), good);
  for (const char* bad : {"", "-", ".", "+1", " 1", "1 ", "1e", "1e+", "1..2", "inf", "nan", "0x1p3", "1,5", "e5"})
    BOOST_TEST(!is_decimal_text(bad), bad);
}

BOOST_AUTO_TEST_CASE(fallback_reads_values_and_ranges_like_from_chars) {
  double value = 0.0;
  BOOST_TEST(static_cast<int>(parse_decimal_strtod("0.1", value)) == 0);
  BOOST_TEST(value == 0.1);
  BOOST_TEST(static_cast<int>(parse_decimal_strtod("1e309", value)) ==
             static_cast<int>(std::errc::result_out_of_range));
  BOOST_TEST(value == 0.1);  // unchanged on failure
  BOOST_TEST(static_cast<int>(parse_decimal_strtod("1e-400", value)) ==
             static_cast<int>(std::errc::result_out_of_range));
  BOOST_TEST(static_cast<int>(parse_decimal_strtod("4e-320", value)) == 0);  // subnormal: in range
  BOOST_TEST(value == 4e-320);
  BOOST_TEST(static_cast<int>(parse_decimal_strtod("0e999999", value)) == 0);  // zero is never out of range
  BOOST_TEST(value == 0.0);
  BOOST_TEST(static_cast<int>(parse_decimal_strtod("2x", value)) == static_cast<int>(std::errc::invalid_argument));
}

BOOST_AUTO_TEST_CASE(fallback_gives_the_doubles_of_the_standard_parser) {
  // Edge cases: ties and the limits of the double range, where rounding differs if either is wrong.
  for (const char* text : {"0",
                           "-0",
                           "0.000",
                           "1",
                           "0.1",
                           "100000",
                           "0.30000000000000004",
                           "9007199254740993",
                           "9007199254740995",
                           "1.7976931348623157e308",
                           "1.7976931348623158e308",
                           "1.7976931348623159e308",
                           "2.2250738585072011e-308",
                           "2.2250738585072014e-308",
                           "4.9406564584124654e-324",
                           "2.4703282292062327e-324",
                           "2.4703282292062328e-324",
                           "3e-324",
                           "2e-324",
                           "1e-400",
                           "1e309",
                           "123456789012345678901234567890e-50",
                           "1.",
                           ".5",
                           "1e",
                           "abc",
                           "-"})
    check_same(text);
  // Random decimal texts: up to 25 significant digits (more than a double holds) and wide exponents.
  std::mt19937_64 random(20261204);
  std::uniform_int_distribution<int> digit(0, 9), length(1, 25), exponent(-330, 330), point(0, 26);
  for (int n = 0; n < 20'000; ++n) {
    std::string text;
    if (digit(random) < 3) text += '-';
    const int digits = length(random), dot = point(random);
    for (int i = 0; i < digits; ++i) {
      if (i == dot) text += '.';
      text += static_cast<char>('0' + digit(random));
    }
    if (digit(random) < 7) text += "e" + std::to_string(exponent(random));
    check_same(text);
  }
  // Every double written shortest round-trip reads back as itself through the fallback.
  std::uniform_int_distribution<std::uint64_t> bits(0, 0x7FEF'FFFF'FFFF'FFFFULL);
  for (int n = 0; n < 5'000; ++n) {
    const std::uint64_t pattern = bits(random);
    double original = 0.0;
    std::memcpy(&original, &pattern, sizeof original);
    char buffer[64];
    const auto written = std::to_chars(buffer, buffer + sizeof buffer, original);
    double read = -1.0;
    BOOST_TEST(static_cast<int>(parse_decimal_strtod(std::string_view(buffer, written.ptr), read)) == 0);
    BOOST_TEST(read == original);
  }
}

BOOST_AUTO_TEST_CASE(prefetch_is_a_hint_only) {
  std::vector<double> values(64, 1.0);
  for (std::size_t i = 0; i < values.size(); ++i) CSSEGMENT_PREFETCH_WRITE(values.data() + i);
  BOOST_TEST(values == std::vector<double>(64, 1.0), boost::test_tools::per_element());
}
