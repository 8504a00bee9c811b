// The rule-expression parser on arbitrary text, then every expression that parses evaluated on a
// small table holding missing, infinite and negative values, with and without hysteresis.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cssegment/segment/expression/compiled.hpp"
#include "fuzz_support.hpp"

namespace {

using cssegment::ColumnTable;
using cssegment::Expression;

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();
const std::vector<double> arr{0.0, 50000.0, nan, -1.0, inf, 1e12, 49999.99, -inf};
const std::vector<double> seats{0.5, 0.0, 1.0, nan, 0.75, -0.0, 2e3, 5e-324};
const std::vector<std::int32_t> region{0, 1, 2, -1, 0, 1, 2, 0};
const std::vector<std::int32_t> plan{0, 1, -1, 0, 2, 2, 1, 0};  // shares the label "EMEA" with region
const std::vector<double> shift{-1.0, 0.0, 1.0, 1.0, -1.0, 0.0, 1.0, -1.0};

const ColumnTable& table() {
  static const ColumnTable data = [] {
    ColumnTable t;
    t.add("arr", arr).add("Seats used %", seats).add("x", seats);
    t.add("region", region, {"EMEA", "NA", "APAC"}).add("plan", plan, {"EMEA", "pro", "free"});
    return t;
  }();
  return data;
}

// Evaluates through compile(): 1.0 where true, and checks it agrees with evaluate().
std::vector<double> matches(const cssegment::CompiledExpression& compiled, std::span<const double> moves = {}) {
  std::vector<double> out(compiled.rows()), scratch(compiled.scratch_size(compiled.rows()));
  compiled.evaluate(0, out, scratch, moves);
  return out;
}

void exercise(const Expression& expression) {
  const ColumnTable& data = table();
  const auto truth = expression.evaluate(data);
  fuzz::check(truth.size() == data.rows(), "evaluate() returns one value per row");
  const auto plain = matches(expression.compile(data));
  for (std::size_t i = 0; i < truth.size(); ++i) {
    fuzz::check(plain[i] == 0.0 || plain[i] == 1.0, "masks hold 0 or 1");
    fuzz::check((plain[i] == 1.0) == (truth[i] == true), "compile() matches exactly where evaluate() is true");
  }
  // Hysteresis moves bounds only where a row is shifted: unshifted rows keep their result.
  const auto compiled = expression.compile(data, 0.1);
  const auto shifted = matches(compiled, shift);
  for (std::size_t i = 0; i < shift.size(); ++i)
    if (shift[i] == 0.0 || !compiled.shifts_bounds())
      fuzz::check(shifted[i] == plain[i], "a row that is not shifted keeps its result");

  // The printed form parses back to itself and means the same. Printing adds parentheses, so an
  // expression at the edge of the bounds may print past them: that is refused, not misread.
  const std::string printed = expression.to_string();
  std::optional<Expression> reparsed;
  try {
    reparsed.emplace(printed);
  } catch (const cssegment::InvalidInput& error) {
    const std::string_view message = error.what();
    fuzz::check(message.find("max_expression_") != std::string_view::npos,
                "to_string() parses back unless it exceeds a bound");
    return;
  }
  fuzz::check(reparsed->to_string() == printed, "to_string() parses back to itself");
  fuzz::check(reparsed->columns() == expression.columns(), "the reparsed expression reads the same columns");
  fuzz::check(reparsed->evaluate(data) == truth, "the reparsed expression means the same");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(bytes), size);
  fuzz::expecting_refusals([&] {
    const Expression expression(text);
    fuzz::expecting_refusals([&] { exercise(expression); });
  });
  return 0;
}
