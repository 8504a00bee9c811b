#define BOOST_TEST_MODULE segment.expression.lowering
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cssegment/segment/expression/compiled.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

namespace {
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
