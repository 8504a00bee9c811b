#pragma once
// The public face of the `when` language: an Expression parses once (parser.hpp) and compiles per
// table (lowering.hpp) into a CompiledExpression that evaluates blocks of rows, in parallel chunks.
#include <algorithm>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "cssegment/core/columns.hpp"
#include "cssegment/core/error.hpp"
#include "cssegment/core/parallel.hpp"
#include "cssegment/core/validate.hpp"
#include "cssegment/segment/expression/lowering.hpp"
#include "cssegment/segment/expression/parser.hpp"

namespace cssegment {

// Rows evaluated together: a block's masks stay in cache from one step to the next.
inline constexpr std::size_t expression_block_rows = 4096;
// Rows per parallel chunk: large enough that thread start-up is noise.
inline constexpr std::size_t expression_chunk_rows = 1u << 16;

namespace expression_detail {

// Calls body(first_row, rows) for the blocks covering [begin, end).
template <class Body>
void for_each_block(std::size_t begin, std::size_t end, Body&& body) {
  for (std::size_t first = begin; first < end; first += expression_block_rows)
    body(first, std::min(expression_block_rows, end - first));
}

}  // namespace expression_detail

// An expression bound to one table's columns. Copies refer to the same column data, which the
// caller keeps alive.
class CompiledExpression {
public:
  std::size_t rows() const { return rows_; }

  // Whether hysteresis moves any bound, i.e. whether a shift can change a result.
  bool shifts_bounds() const { return shifts_bounds_; }

  // Scratch space (in doubles) that evaluate() needs for blocks of `block_rows` rows.
  std::size_t scratch_size(std::size_t block_rows) const { return (slots_ - 1) * block_rows; }

  // matches[i] = 1.0 where the expression is true for row first_row + i, else 0.0 (false or
  // unknown). `shift` is empty, or per row -1 (tighten every numeric bound c by h|c|), 0 (plain)
  // or 1 (relax).
  void evaluate(std::size_t first_row, std::span<double> matches, std::span<double> scratch,
                std::span<const double> shift = {}) const {
    const std::size_t rows = matches.size();
    if (first_row > rows_ || rows > rows_ - first_row)
      fail("first_row", std::to_string(first_row) + " + " + std::to_string(rows) + " rows exceed the table's " +
                            std::to_string(rows_));
    if (scratch.size() < scratch_size(rows))
      fail("scratch",
           "holds " + std::to_string(scratch.size()) + " values; " + std::to_string(scratch_size(rows)) + " needed");
    if (!shift.empty()) check_same_length("shift", shift.size(), "matches", rows);
    const auto slot = [&](std::size_t index) {
      return index == 0 ? matches : scratch.subspan((index - 1) * rows, rows);
    };
    for (const auto& step : steps_) {
      const auto mask = slot(step.slot);
      const double* next = step.kind == expression_detail::StepKind::merge ? slot(step.slot + 1).data() : nullptr;
      expression_detail::with_store(step.store, [&](auto store) {
        expression_detail::run_step<decltype(store)::value>(step, first_row, mask, next, shift);
      });
    }
  }

private:
  friend class Expression;

  CompiledExpression(std::vector<expression_detail::Step> steps, std::size_t slots, std::size_t rows)
      : steps_(std::move(steps)), slots_(slots), rows_(rows) {
    shifts_bounds_ = std::any_of(steps_.begin(), steps_.end(), [](const auto& step) {
      return step.kind == expression_detail::StepKind::compare_value && step.shift_step != 0.0;
    });
  }

  std::vector<expression_detail::Step> steps_;
  std::size_t slots_;
  std::size_t rows_;
  bool shifts_bounds_ = false;
};

// A parsed `when` expression. Parse errors name the 1-based column:
// `unexpected ')' at column 16 in "arr >= 50k and )"`.
class Expression {
public:
  explicit Expression(std::string text) : text_(std::move(text)) {
    auto parsed = expression_detail::Parser(text_).parse();
    nodes_ = std::move(parsed.nodes);
    root_ = parsed.root;
  }

  const std::string& text() const { return text_; }

  // The parsed form, fully parenthesised, with numbers in shortest form and constants on the
  // right, e.g. (arr >= 50000 or (`Seats used %` > 0.5 and region in ("EMEA"))). It parses back
  // to itself.
  std::string to_string() const { return print(root_); }

  // Names of the columns the expression reads, sorted, unique.
  std::vector<std::string> columns() const {
    std::vector<std::string> names;
    for (const auto& node : nodes_) {
      if (!node.column.empty()) names.push_back(node.column);
      const auto* right = std::get_if<expression_detail::ColumnName>(&node.right);
      if (node.kind == expression_detail::Node::Kind::comparison && right) names.push_back(right->name);
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
  }

  // Binds the expression to `data`, checking that every column exists and has the right type.
  // `hysteresis` is how far a shift of +-1 moves a numeric bound c: by hysteresis * |c|.
  CompiledExpression compile(const ColumnTable& data, double hysteresis = 0.0) const {
    return lower(data, hysteresis, false);
  }

  // Per row: true, false, or nullopt when unknown because of missing values.
  std::vector<std::optional<bool>> evaluate(const ColumnTable& data) const {
    const CompiledExpression holds = lower(data, 0.0, false), fails = lower(data, 0.0, true);
    std::vector<std::optional<bool>> truth(data.rows());
    parallel_for(truth.size(), expression_chunk_rows, [&](std::size_t begin, std::size_t end) {
      std::vector<double> is_true(expression_block_rows), is_false(expression_block_rows);
      std::vector<double> scratch(
          std::max(holds.scratch_size(expression_block_rows), fails.scratch_size(expression_block_rows)));
      expression_detail::for_each_block(begin, end, [&](std::size_t first, std::size_t rows) {
        holds.evaluate(first, std::span(is_true).first(rows), scratch);
        fails.evaluate(first, std::span(is_false).first(rows), scratch);
        for (std::size_t i = 0; i < rows; ++i)
          if (is_true[i] != 0.0 || is_false[i] != 0.0) truth[first + i] = is_true[i] != 0.0;
      });
    });
    return truth;
  }

private:
  CompiledExpression lower(const ColumnTable& data, double hysteresis, bool negated) const {
    expression_detail::Lowering lowering(text_, nodes_, data, hysteresis);
    lowering.lower(root_, negated, expression_detail::Store::write, 0);
    return CompiledExpression(std::move(lowering.steps), lowering.slots, data.rows());
  }

  static std::string name(const std::string& column) {
    const bool plain = expression_detail::is_word_start(column.front()) &&
                       std::all_of(column.begin(), column.end(), expression_detail::is_word_char) &&
                       !expression_detail::is_keyword(column);
    return plain ? column : "`" + column + "`";
  }

  // A column, number or string as it is written in an expression.
  template <class Value>
  static std::string value_text(const Value& value) {
    if constexpr (std::is_same_v<Value, expression_detail::ColumnName>) {
      return name(value.name);
    } else if constexpr (std::is_same_v<Value, double>) {
      return format_number(value);
    } else {
      const char quote = value.find('"') == std::string::npos ? '"' : '\'';
      return quote + value + quote;
    }
  }

  template <class Variant>
  static std::string variant_text(const Variant& value) {
    return std::visit([](const auto& alternative) { return value_text(alternative); }, value);
  }

  std::string print(std::size_t index) const {
    using Kind = expression_detail::Node::Kind;
    const auto& node = nodes_[index];
    switch (node.kind) {
      case Kind::constant: return node.flag ? "true" : "false";
      case Kind::is_missing: return "is_missing(" + name(node.column) + ")";
      case Kind::comparison:
        return name(node.column) + " " + std::string(expression_detail::symbol(node.comparison)) + " " +
               variant_text(node.right);
      case Kind::membership: {
        std::string text = name(node.column) + (node.flag ? " not in (" : " in (");
        for (std::size_t i = 0; i < node.literals.size(); ++i) text += (i ? ", " : "") + variant_text(node.literals[i]);
        return text + ")";
      }
      case Kind::negation: {
        const auto& child = nodes_[node.children.front()];
        const bool grouped = child.kind == Kind::conjunction || child.kind == Kind::disjunction;
        const std::string inner = print(node.children.front());
        return grouped ? "not " + inner : "not (" + inner + ")";
      }
      case Kind::conjunction:
      case Kind::disjunction: {
        std::string text = "(";
        for (std::size_t i = 0; i < node.children.size(); ++i)
          text += (i ? (node.kind == Kind::conjunction ? " and " : " or ") : "") + print(node.children[i]);
        return text + ")";
      }
    }
    return {};
  }

  std::string text_;
  std::vector<expression_detail::Node> nodes_;
  std::size_t root_ = 0;
};

}  // namespace cssegment
