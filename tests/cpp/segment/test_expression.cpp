#define BOOST_TEST_MODULE segment.expression
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cssegment/segment/expression.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

namespace {
std::string parse_error(const std::string& text) {
  return message_of([&] { (void)Expression(text); });
}

std::string canonical(const std::string& text) { return Expression(text).to_string(); }

using Truth = std::vector<std::optional<bool>>;
constexpr std::optional<bool> T = true, F = false, U = std::nullopt;

// Nine rows crossing a, b in {true, false, unknown} for the predicates `a > 0`, `b > 0`,
// `r == "y"` (a categorical twin of a) and `s == "y"` (of b).
struct KleeneRows {
  std::vector<double> a{1, 1, 1, -1, -1, -1, NAN, NAN, NAN};
  std::vector<double> b{1, -1, NAN, 1, -1, NAN, 1, -1, NAN};
  std::vector<std::int32_t> r{0, 0, 0, 1, 1, 1, -1, -1, -1};
  std::vector<std::int32_t> s{0, 1, -1, 0, 1, -1, 0, 1, -1};
  ColumnTable table;
  KleeneRows() { table.add("a", a).add("b", b).add("r", r, {"y", "n"}).add("s", s, {"y", "n"}); }
  Truth operator()(const std::string& text) const { return Expression(text).evaluate(table); }
};
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
  for (const std::string text :
       {"not (a > 1 or `b c` <= -2e-7) and region not in ('x', \"y's\") or is_missing(`in`)",
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
  BOOST_TEST(parse_error(parenthesised(65)) == "when: nesting deeper than 64 levels (max_expression_depth) at column 65");
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

BOOST_AUTO_TEST_CASE(types_are_checked_against_the_table) {
  const std::vector<double> arr{1.0};
  const std::vector<std::int32_t> region{0}, other{0};
  ColumnTable table;
  table.add("arr", arr).add("region", region, {"EMEA"}).add("other", other, {"EMEA"});
  const auto error = [&](const std::string& text) {
    return message_of([&] { (void)Expression(text).compile(table); });
  };
  BOOST_TEST(error("potencial >= 500k") == "unknown column 'potencial' in \"potencial >= 500k\"");
  BOOST_TEST(error("arr >= potencial") == "unknown column 'potencial' in \"arr >= potencial\"");
  BOOST_TEST(error("is_missing(x)") == "unknown column 'x' in \"is_missing(x)\"");
  BOOST_TEST(error("region == 5") == "categorical (string) column 'region' compared with a number in \"region == 5\"");
  BOOST_TEST(error("5 < region") == "categorical (string) column 'region' compared with a number in \"5 < region\"");
  BOOST_TEST(error("region in ('EMEA', 1)") ==
             "categorical (string) column 'region' compared with a number in \"region in ('EMEA', 1)\"");
  BOOST_TEST(error("arr == 'big'") == "numeric column 'arr' compared with a string in \"arr == 'big'\"");
  BOOST_TEST(error("arr in ('a', 'b')") == "numeric column 'arr' compared with a string in \"arr in ('a', 'b')\"");
  BOOST_TEST(error("arr not in (1, 'b')") == "numeric column 'arr' compared with a string in \"arr not in (1, 'b')\"");
  BOOST_TEST(error("region < 'M'") ==
             "ordering comparison '<' of categorical (string) column 'region' in \"region < 'M'\"");
  BOOST_TEST(error("not region >= other") ==
             "ordering comparison '>=' of categorical (string) column 'region' in \"not region >= other\"");
  BOOST_TEST(error("arr == region") ==
             "numeric column 'arr' compared with categorical (string) column 'region' in \"arr == region\"");
  BOOST_TEST(error("is_missing(arr) or is_missing(region) or region == other or arr > 0") == "no error");
  // Types are checked in branches that could never decide the result too.
  BOOST_TEST(error("true or region == 5") ==
             "categorical (string) column 'region' compared with a number in \"true or region == 5\"");
}

BOOST_AUTO_TEST_CASE(missing_values_follow_three_valued_logic) {
  const KleeneRows rows;
  // Rows: a in {T, F, U} (major) x b in {T, F, U} (minor).
  BOOST_TEST(rows("a > 0") == Truth({T, T, T, F, F, F, U, U, U}));
  BOOST_TEST(rows("a > 0 and b > 0") == Truth({T, F, U, F, F, F, U, F, U}));
  BOOST_TEST(rows("a > 0 or b > 0") == Truth({T, T, T, T, F, U, T, U, U}));
  BOOST_TEST(rows("not a > 0") == Truth({F, F, F, T, T, T, U, U, U}));
  BOOST_TEST(rows("not not a > 0") == rows("a > 0"));
  BOOST_TEST(rows("not (a > 0 and b > 0)") == Truth({F, T, U, T, T, T, U, T, U}));
  BOOST_TEST(rows("not (a > 0 or b > 0)") == Truth({F, F, F, F, T, U, F, U, U}));
  // The categorical twins give the same tables.
  BOOST_TEST(rows("r == 'y' and s == 'y'") == rows("a > 0 and b > 0"));
  BOOST_TEST(rows("r == 'y' or not s != 'y'") == rows("a > 0 or b > 0"));
  BOOST_TEST(rows("r != 'y'") == rows("not a > 0"));
  BOOST_TEST(rows("r in ('y') and not s not in ('y', 'zz')") == rows("a > 0 and b > 0"));
  // `!=` and `not in` are unknown, not true, for a missing value.
  BOOST_TEST(rows("a != 5") == Truth({T, T, T, T, T, T, U, U, U}));
  BOOST_TEST(rows("a not in (5, 6)") == Truth({T, T, T, T, T, T, U, U, U}));
  BOOST_TEST(rows("a in (1, 6)") == Truth({T, T, T, F, F, F, U, U, U}));
  BOOST_TEST(rows("r not in ('n')") == Truth({T, T, T, F, F, F, U, U, U}));
  BOOST_TEST(rows("r not in ('absent')") == Truth({T, T, T, T, T, T, U, U, U}));
  // Constants decide whatever the unknowns.
  BOOST_TEST(rows("a > 0 or true") == Truth(9, T));
  BOOST_TEST(rows("false and b > 0") == Truth(9, F));
  BOOST_TEST(rows("not (true and a > 0)") == rows("not a > 0"));
  // is_missing is never unknown.
  BOOST_TEST(rows("is_missing(a)") == Truth({F, F, F, F, F, F, T, T, T}));
  BOOST_TEST(rows("not is_missing(s)") == Truth({T, T, F, T, T, F, T, T, F}));
  BOOST_TEST(rows("is_missing(r) or a > 0") == Truth({T, T, T, F, F, F, T, T, T}));
  // Column against column: unknown when either is missing.
  BOOST_TEST(rows("a > b") == Truth({F, T, U, F, F, U, U, U, U}));
  BOOST_TEST(rows("not a <= b") == rows("a > b"));
  BOOST_TEST(rows("a != b") == Truth({F, T, U, T, F, U, U, U, U}));
  BOOST_TEST(rows("r == s") == Truth({T, F, U, F, T, U, U, U, U}));
  BOOST_TEST(rows("not r == s") == rows("r != s"));
  BOOST_TEST(rows("r != s") == Truth({F, T, U, T, F, U, U, U, U}));
}

BOOST_AUTO_TEST_CASE(categorical_columns_compare_by_label) {
  // The two columns list their labels in different orders, and each has one the other lacks.
  const std::vector<std::int32_t> home{0, 1, 2, 0, 2}, billing{1, 0, 0, 2, 1};
  ColumnTable table;
  table.add("home", home, {"EMEA", "APAC", "NA"}).add("billing", billing, {"APAC", "EMEA", "LATAM"});
  const auto truth = [&](const std::string& text) { return Expression(text).evaluate(table); };
  BOOST_TEST(truth("home == billing") == Truth({T, T, F, F, F}));
  BOOST_TEST(truth("home != billing") == Truth({F, F, T, T, T}));
  BOOST_TEST(truth("home == 'LATAM'") == Truth(5, F));
  BOOST_TEST(truth("home != 'LATAM'") == Truth(5, T));
  BOOST_TEST(truth("home in ('NA', 'EMEA')") == Truth({T, F, T, T, T}));
  BOOST_TEST(truth("\"APAC\" == home") == Truth({F, T, F, F, F}));
}

BOOST_AUTO_TEST_CASE(comparisons_are_exact_at_the_bounds) {
  const std::vector<double> x{49'999.0, 50'000.0, 50'001.0, -INFINITY, INFINITY};
  ColumnTable table;
  table.add("x", x);
  const auto truth = [&](const std::string& text) { return Expression(text).evaluate(table); };
  BOOST_TEST(truth("x >= 50k") == Truth({F, T, T, F, T}));
  BOOST_TEST(truth("x > 50k") == Truth({F, F, T, F, T}));
  BOOST_TEST(truth("x <= 50k") == Truth({T, T, F, T, F}));
  BOOST_TEST(truth("x < 50k") == Truth({T, F, F, T, F}));
  BOOST_TEST(truth("x == 50k") == Truth({F, T, F, F, F}));
  BOOST_TEST(truth("x != 50k") == Truth({T, F, T, T, T}));
  BOOST_TEST(truth("50k > x") == truth("x < 50k"));
}

BOOST_AUTO_TEST_CASE(hysteresis_shifts_move_numeric_bounds_only) {
  const std::vector<double> x{89.0, 90.0, 109.0, 110.0, 100.0};
  const std::vector<double> y{100.0, 100.0, 100.0, 100.0, 100.0};
  ColumnTable table;
  table.add("x", x).add("y", y);
  const auto matches = [&](const std::string& text, double shift) {
    const auto compiled = Expression(text).compile(table, 0.1);
    std::vector<double> out(x.size()), scratch(compiled.scratch_size(x.size()));
    const std::vector<double> shifts(x.size(), shift);
    compiled.evaluate(0, out, scratch, shifts);
    return out;
  };
  using Mask = std::vector<double>;
  BOOST_TEST(matches("x >= 100", 0.0) == Mask({0, 0, 1, 1, 1}));
  BOOST_TEST(matches("x >= 100", 1.0) == Mask({0, 1, 1, 1, 1}));   // relaxed: x >= 90
  BOOST_TEST(matches("x >= 100", -1.0) == Mask({0, 0, 0, 1, 0}));  // tightened: x >= 110
  BOOST_TEST(matches("x < 100", 1.0) == Mask({1, 1, 1, 0, 1}));    // relaxed: x < 110
  BOOST_TEST(matches("x < 100", -1.0) == Mask({1, 0, 0, 0, 0}));   // tightened: x < 90
  // Under `not` the direction flips: relaxing `not x < 100` tightens `x < 100`.
  BOOST_TEST(matches("not x < 100", 1.0) == matches("x >= 100", 1.0));
  BOOST_TEST(matches("not (x < 100 or false)", -1.0) == matches("x >= 100", -1.0));
  // Equality, membership and column-to-column comparisons do not move.
  BOOST_TEST(matches("x == 100", 1.0) == Mask({0, 0, 0, 0, 1}));
  BOOST_TEST(matches("x in (90, 100)", -1.0) == Mask({0, 1, 0, 0, 1}));
  BOOST_TEST(matches("x >= y", 1.0) == Mask({0, 0, 1, 1, 1}));
  BOOST_TEST(!Expression("x >= y or x == 100").compile(table, 0.1).shifts_bounds());
  BOOST_TEST(!Expression("x >= 100").compile(table, 0.0).shifts_bounds());
  BOOST_TEST(!Expression("x >= 0").compile(table, 0.1).shifts_bounds());
  BOOST_TEST(Expression("x == 1 or x < 100").compile(table, 0.1).shifts_bounds());
}

BOOST_AUTO_TEST_CASE(evaluate_checks_its_buffers) {
  const std::vector<double> x(10, 1.0);
  ColumnTable table;
  table.add("x", x);
  const auto compiled = Expression("x > 0 and (x < 5 or x > 7)").compile(table);
  BOOST_TEST(compiled.rows() == 10u);
  std::vector<double> out(6), scratch(compiled.scratch_size(6));
  BOOST_CHECK_NO_THROW(compiled.evaluate(4, out, scratch));
  BOOST_TEST(message_of([&] { compiled.evaluate(5, out, scratch); }) == "first_row: 5 + 6 rows exceed the table's 10");
  std::vector<double> small(compiled.scratch_size(6) - 1);
  BOOST_TEST(message_of([&] { compiled.evaluate(0, out, small); }) == "scratch: holds 5 values; 6 needed");
  const std::vector<double> shifts(5, 0.0);
  BOOST_TEST(message_of([&] { compiled.evaluate(0, out, scratch, shifts); }) ==
             "shift: has length 5 but matches has length 6");
}

BOOST_AUTO_TEST_CASE(evaluation_spans_blocks_and_chunks) {
  // Enough rows for several blocks and parallel chunks, with a ragged last block.
  const std::size_t n = 3 * expression_chunk_rows + 123;
  std::vector<double> x(n);
  std::vector<std::int32_t> r(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = i % 11 == 0 ? NAN : static_cast<double>(i % 1000);
    r[i] = static_cast<std::int32_t>(i % 4) - 1;
  }
  ColumnTable table;
  table.add("x", x).add("r", r, {"a", "b", "c"});
  const auto truth = Expression("x >= 500 and not r in ('a', 'c') or is_missing(r) and x < 10").evaluate(table);
  BOOST_TEST(truth.size() == n);
  for (std::size_t i = 0; i < n; ++i) {
    const bool x_missing = std::isnan(x[i]), r_missing = r[i] < 0;
    // x >= 500 and r == 'b' (unknown parts) or (r missing and x < 10)
    const std::optional<bool> big = x_missing ? U : std::optional<bool>(x[i] >= 500);
    const std::optional<bool> is_b = r_missing ? U : std::optional<bool>(r[i] == 1);
    const std::optional<bool> small = x_missing ? U : std::optional<bool>(x[i] < 10);
    const auto both = [](std::optional<bool> p, std::optional<bool> q) -> std::optional<bool> {
      if (p == F || q == F) return F;
      if (p == U || q == U) return U;
      return T;
    };
    const auto left = both(big, is_b), right = both(std::optional<bool>(r_missing), small);
    const std::optional<bool> expected = left == T || right == T ? T : left == U || right == U ? U : F;
    BOOST_REQUIRE(truth[i] == expected);
  }
}
