#define BOOST_TEST_MODULE segment.expression.parser
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <optional>
#include <string>
#include <vector>

#include "cssegment/segment/expression/compiled.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

namespace {
std::string parse_error(const std::string& text) {
  return message_of([&] { (void)Expression(text); });
}

std::string canonical(const std::string& text) { return Expression(text).to_string(); }

using Truth = std::vector<std::optional<bool>>;
constexpr std::optional<bool> T = true, F = false;
}  // namespace

BOOST_AUTO_TEST_CASE(numbers_take_suffixes_and_print_plainly) {
  BOOST_TEST(canonical("x >= 50k") == "x >= 50000");
  BOOST_TEST(canonical("x >= 50K") == "x >= 50000");
  BOOST_TEST(canonical("x < 1.5M") == "x < 1500000");
  BOOST_TEST(canonical("x <= 3B") == "x <= 3000000000");
  BOOST_TEST(canonical("x > 2e3") == "x > 2000");
  BOOST_TEST(canonical("x > 2E-3") == "x > 0.002");
  BOOST_TEST(canonical("x > 1e+06") == "x > 1000000");
  BOOST_TEST(canonical("x > 1e20") == "x > 1e+20");
  BOOST_TEST(canonical("x != -1.5") == "x != -1.5");
  BOOST_TEST(canonical("x == .5") == "x == 0.5");
  BOOST_TEST(canonical("x>=-5") == "x >= -5");
  // A suffix scales the decimal text, not the rounded double: 0.1k is exactly 100.
  const std::vector<double> x{100.0, 1'500'000.0, 2'000.0};
  ColumnTable table;
  table.add("x", x);
  BOOST_TEST(Expression("x == 0.1k").evaluate(table) == Truth({T, F, F}));
  BOOST_TEST(Expression("x == 1.5M").evaluate(table) == Truth({F, T, F}));
  BOOST_TEST(Expression("x == 2k or x == 2e3").evaluate(table) == Truth({F, F, T}));
}

BOOST_AUTO_TEST_CASE(and_binds_tighter_than_or_and_not_tighter_than_both) {
  BOOST_TEST(canonical("a > 1 or b > 1 and c > 1") == "(a > 1 or (b > 1 and c > 1))");
  BOOST_TEST(canonical("a > 1 and b > 1 or c > 1") == "((a > 1 and b > 1) or c > 1)");
  BOOST_TEST(canonical("(a > 1 or b > 1) and c > 1") == "((a > 1 or b > 1) and c > 1)");
  BOOST_TEST(canonical("not a > 1 and b > 1") == "(not (a > 1) and b > 1)");
  BOOST_TEST(canonical("not (a > 1 and b > 1)") == "not (a > 1 and b > 1)");
  BOOST_TEST(canonical("not not true") == "not (not (true))");
  BOOST_TEST(canonical("a > 1 and b > 1 and c > 1 or d > 1 or e > 1") ==
             "((a > 1 and b > 1 and c > 1) or d > 1 or e > 1)");
  BOOST_TEST(canonical("((((a > 1))))") == "a > 1");
  // The printed form means the same: a true, b and c false.
  const std::vector<double> one{2.0}, zero{0.0};
  ColumnTable table;
  table.add("a", one).add("b", zero).add("c", zero);
  BOOST_TEST(Expression("a > 1 or b > 1 and c > 1").evaluate(table) == Truth({T}));
  BOOST_TEST(Expression("(a > 1 or b > 1) and c > 1").evaluate(table) == Truth({F}));
}

BOOST_AUTO_TEST_CASE(a_constant_on_the_left_moves_to_the_right) {
  BOOST_TEST(canonical("50k <= arr") == "arr >= 50000");
  BOOST_TEST(canonical("5 > x") == "x < 5");
  BOOST_TEST(canonical("5 >= x") == "x <= 5");
  BOOST_TEST(canonical("5 < x") == "x > 5");
  BOOST_TEST(canonical("1 != x") == "x != 1");
  BOOST_TEST(canonical("'EMEA' == region") == "region == \"EMEA\"");
  BOOST_TEST(canonical("arr >= potential") == "arr >= potential");
}

BOOST_AUTO_TEST_CASE(names_strings_lists_and_constants_parse) {
  BOOST_TEST(canonical("region in (\"EMEA\", 'APAC')") == "region in (\"EMEA\", \"APAC\")");
  BOOST_TEST(canonical("region not in ('EMEA')") == "region not in (\"EMEA\")");
  BOOST_TEST(canonical("n in (1, 2.5, 3k)") == "n in (1, 2.5, 3000)");
  BOOST_TEST(canonical("`Seats used %` >= 0.8") == "`Seats used %` >= 0.8");
  BOOST_TEST(canonical("`arr` >= 1") == "arr >= 1");
  BOOST_TEST(canonical("`and` == 1") == "`and` == 1");
  BOOST_TEST(canonical("`2nd` == 1") == "`2nd` == 1");
  BOOST_TEST(canonical("note == 'say \"hi\"'") == "note == 'say \"hi\"'");
  BOOST_TEST(canonical("note == \"it's\"") == "note == \"it's\"");
  BOOST_TEST(canonical("is_missing(`x y`) or is_missing(z)") == "(is_missing(`x y`) or is_missing(z))");
  BOOST_TEST(canonical("true") == "true");
  BOOST_TEST(canonical(" \tfalse\n") == "false");
  BOOST_TEST(canonical("True == 1") == "True == 1");  // keywords are lowercase; True is a column
  BOOST_TEST(canonical("_a1 < b_2") == "_a1 < b_2");
}

BOOST_AUTO_TEST_CASE(printed_expressions_parse_back_to_themselves) {
  for (const std::string text : {"not (a > 1 or `b c` <= -2e-7) and region not in ('x', \"y's\") or is_missing(`in`)",
                                 "1.5M <= arr and not not (s != 'q\"')", "x == 123456789.125 or y > 1e300"}) {
    const std::string printed = canonical(text);
    BOOST_TEST(canonical(printed) == printed);
  }
}

BOOST_AUTO_TEST_CASE(columns_are_sorted_and_unique) {
  const Expression expression("b > a or is_missing(c) and `d d` in (1) and a < 5 or not e == 'x'");
  BOOST_TEST(expression.columns() == std::vector<std::string>({"a", "b", "c", "d d", "e"}));
  BOOST_TEST(Expression("true").columns().empty());
  BOOST_TEST(expression.text() == "b > a or is_missing(c) and `d d` in (1) and a < 5 or not e == 'x'");
}

BOOST_AUTO_TEST_CASE(parse_errors_name_the_column) {
  BOOST_TEST(parse_error("arr >= 50k and )") == "unexpected ')' at column 16 in \"arr >= 50k and )\"");
  BOOST_TEST(parse_error("arr >= ") == "unexpected end of expression at column 8 in \"arr >= \"");
  BOOST_TEST(parse_error("") == "unexpected end of expression at column 1 in \"\"");
  BOOST_TEST(parse_error("arr") == "unexpected end of expression at column 4 in \"arr\"");
  BOOST_TEST(parse_error("(arr > 1") == "unexpected end of expression at column 9 in \"(arr > 1\"");
  BOOST_TEST(parse_error("arr > 1)") == "unexpected ')' at column 8 in \"arr > 1)\"");
  BOOST_TEST(parse_error("arr = 5") == "unexpected '=' at column 5 in \"arr = 5\"");
  BOOST_TEST(parse_error("arr ! 5") == "unexpected '!' at column 5 in \"arr ! 5\"");
  BOOST_TEST(parse_error("arr >= 50m") == "unexpected '50m' at column 8 in \"arr >= 50m\"");
  BOOST_TEST(parse_error("arr >= 1.2.3") == "unexpected '1.2.3' at column 8 in \"arr >= 1.2.3\"");
  BOOST_TEST(parse_error("arr >= 2e3k") == "unexpected '2e3k' at column 8 in \"arr >= 2e3k\"");
  BOOST_TEST(parse_error("arr >= 5e") == "unexpected '5e' at column 8 in \"arr >= 5e\"");
  BOOST_TEST(parse_error("- 5 < x") == "unexpected '-' at column 1 in \"- 5 < x\"");
  BOOST_TEST(parse_error("x > 1 AND y > 1") == "unexpected 'AND' at column 7 in \"x > 1 AND y > 1\"");
  BOOST_TEST(parse_error("and > 1") == "unexpected 'and' at column 1 in \"and > 1\"");
  BOOST_TEST(parse_error("arr and b > 1") == "unexpected 'and' at column 5 in \"arr and b > 1\"");
  BOOST_TEST(parse_error("arr in ()") == "unexpected ')' at column 9 in \"arr in ()\"");
  BOOST_TEST(parse_error("arr in (1,)") == "unexpected ')' at column 11 in \"arr in (1,)\"");
  BOOST_TEST(parse_error("arr in (x)") == "unexpected 'x' at column 9 in \"arr in (x)\"");
  BOOST_TEST(parse_error("arr not 5") == "unexpected '5' at column 9 in \"arr not 5\"");
  BOOST_TEST(parse_error("is_missing(5)") == "unexpected '5' at column 12 in \"is_missing(5)\"");
  BOOST_TEST(parse_error("is_missing x") == "unexpected 'x' at column 12 in \"is_missing x\"");
  BOOST_TEST(parse_error("r == 'EMEA' or true true") ==
             "unexpected 'true' at column 21 in \"r == 'EMEA' or true true\"");
  BOOST_TEST(parse_error("x > 1 and y > 'a") == "unterminated string at column 15 in \"x > 1 and y > 'a\"");
  BOOST_TEST(parse_error("`arr >= 5") == "unterminated `column name` at column 1 in \"`arr >= 5\"");
  BOOST_TEST(parse_error("`` > 5") == "unexpected '``' at column 1 in \"`` > 5\"");
  BOOST_TEST(parse_error("arr >= 1e999") == "number '1e999' is out of range at column 8 in \"arr >= 1e999\"");
  BOOST_TEST(parse_error("arr >= 5 $") == "unexpected '$' at column 10 in \"arr >= 5 $\"");
  BOOST_TEST(parse_error("arr > \u20ac") == "unexpected '\u20ac' at column 7 in \"arr > \u20ac\"");
  // Errors are reported from the left: the stray ')' comes before the bad number.
  BOOST_TEST(parse_error("x > 1) and y > 50m") == "unexpected ')' at column 6 in \"x > 1) and y > 50m\"");
}

BOOST_AUTO_TEST_CASE(comparing_two_constants_is_a_parse_error) {
  BOOST_TEST(parse_error("5 > 3") == "comparison of two constants at column 1 in \"5 > 3\"");
  BOOST_TEST(parse_error("x > 1 or 'a' == \"a\"") ==
             "comparison of two constants at column 10 in \"x > 1 or 'a' == \"a\"\"");
  BOOST_TEST(parse_error("1 in (1, 2)") == "comparison of two constants at column 1 in \"1 in (1, 2)\"");
}

BOOST_AUTO_TEST_CASE(length_and_nesting_are_bounded) {
  BOOST_TEST(max_expression_length == 65536u);
  BOOST_TEST(max_expression_depth == 64u);
  std::string longest = "x > 1";
  longest.resize(max_expression_length, ' ');
  BOOST_TEST(canonical(longest) == "x > 1");
  BOOST_TEST(parse_error(longest + " ") ==
             "when: expression of 65537 bytes exceeds the limit of 65536 (max_expression_length)");

  const auto parenthesised = [](std::size_t depth) {
    return std::string(depth, '(') + "x > 1" + std::string(depth, ')');
  };
  BOOST_TEST(canonical(parenthesised(64)) == "x > 1");
  BOOST_TEST(parse_error(parenthesised(65)) ==
             "when: nesting deeper than 64 levels (max_expression_depth) at column 65");
  // The depth is checked while parsing, before anything recurses deeper: a document of nothing
  // but brackets fails at the first one too many.
  BOOST_TEST(parse_error(std::string(max_expression_length, '(')) ==
             "when: nesting deeper than 64 levels (max_expression_depth) at column 65");

  std::string negations;
  for (int i = 0; i < 64; ++i) negations += "not ";
  BOOST_CHECK_NO_THROW(Expression{negations + "x > 1"});
  BOOST_TEST(parse_error(negations + "not x > 1") ==
             "when: nesting deeper than 64 levels (max_expression_depth) at column 257");
  // Each `not (` nests twice.
  std::string mixed;
  for (int i = 0; i < 33; ++i) mixed += "not (";
  BOOST_TEST(parse_error(mixed + "x > 1" + std::string(33, ')')) ==
             "when: nesting deeper than 64 levels (max_expression_depth) at column 161");

  // Long flat chains cost no depth.
  std::string chain = "x > 0";
  for (int i = 0; i < 800; ++i) chain += " or x > " + std::to_string(i);
  BOOST_CHECK_NO_THROW(Expression{chain});
}
