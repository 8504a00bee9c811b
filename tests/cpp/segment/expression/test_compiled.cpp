#define BOOST_TEST_MODULE segment.expression.compiled
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
constexpr std::optional<bool> T = true, F = false, U = std::nullopt;
}  // namespace

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
