#pragma once
// The step machine of the `when` language: a parsed expression lowered, against one table's
// columns, to a flat list of steps that each evaluate a block of rows into a mask. Types are
// checked here, and negations are pushed down to the leaves.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

#include "cssegment/core/columns.hpp"
#include "cssegment/core/error.hpp"
#include "cssegment/core/validate.hpp"
#include "cssegment/segment/expression/parser.hpp"

namespace cssegment::expression_detail {

// How a step's result meets the mask already in its slot.
enum class Store : std::uint8_t { write, and_into, or_into };

enum class StepKind : std::uint8_t {
  constant,
  compare_value,
  compare_columns,
  numeric_missing,
  lookup_code,
  compare_codes,
  merge,
};

// One instruction of a compiled expression. Negations are pushed down to the leaves when
// compiling (De Morgan holds in Kleene logic), so a mask only needs to say "true here": a leaf
// under `not` computes where it is false instead, and unknown rows are true in no mask.
//
// Masks hold 1.0 (true) or 0.0 rather than bytes: a comparison of doubles selecting a double
// vectorises on baseline x86-64, while narrowing its result to bytes does not.
struct Step {
  Step() = default;
  explicit Step(StepKind of) : kind(of) {}
  StepKind kind = StepKind::constant;
  Store store = Store::write;
  Comparison comparison = Comparison::equal;
  bool value = false;  // constant: its value; numeric_missing: true for is_missing, false for its negation
  std::size_t slot = 0;  // the mask written; a merge reads slot + 1
  const double* numbers = nullptr;
  const double* other_numbers = nullptr;
  const std::int32_t* codes = nullptr;
  const std::int32_t* other_codes = nullptr;
  double bound = 0.0;
  // Under hysteresis the bound of row i is bound + shift[i] * shift_step, shift[i] in {-1, 0, 1}:
  // the product is exact, so a moved bound is exactly bound -/+ h|bound|.
  double shift_step = 0.0;
  std::vector<double> table;              // lookup_code: the result (1.0 or 0.0) by code + 1 (index 0: missing)
  std::vector<std::int32_t> translation;  // compare_codes: by code + 1, the other column's code of that label, or -2
};

// Combines value(i), 1.0 or 0.0, into the mask: `and` is min, `or` is max, both branch-free.
// `value` captures by value: a captured reference could alias the mask, which would stop the
// compiler from keeping it in registers and vectorising the loop.
template <Store store, class Value>
void store_mask(double* mask, std::size_t rows, Value value) {
  for (std::size_t i = 0; i < rows; ++i) {
    const double truth = value(i);
    if constexpr (store == Store::write) mask[i] = truth;
    else if constexpr (store == Store::and_into) mask[i] = std::min(mask[i], truth);
    else mask[i] = std::max(mask[i], truth);
  }
}

template <class Body>
void with_store(Store store, Body&& body) {
  switch (store) {
    case Store::write: return body(std::integral_constant<Store, Store::write>{});
    case Store::and_into: return body(std::integral_constant<Store, Store::and_into>{});
    case Store::or_into: return body(std::integral_constant<Store, Store::or_into>{});
  }
}

// Like every comparison here, false when either side is NaN (== and the orderings already are).
struct Unequal {
  bool operator()(double a, double b) const { return a < b || a > b; }
};

template <class Body>
void with_comparison(Comparison comparison, Body&& body) {
  switch (comparison) {
    case Comparison::less: return body(std::less<>{});
    case Comparison::less_equal: return body(std::less_equal<>{});
    case Comparison::greater: return body(std::greater<>{});
    case Comparison::greater_equal: return body(std::greater_equal<>{});
    case Comparison::equal: return body(std::equal_to<>{});
    case Comparison::not_equal: return body(Unequal{});
  }
}

template <Store store>
void run_step(const Step& step, std::size_t first_row, std::span<double> mask, const double* next_slot,
              std::span<const double> shift) {
  double* out = mask.data();
  const std::size_t rows = mask.size();
  switch (step.kind) {
    case StepKind::constant:
      store_mask<store>(out, rows, [truth = step.value ? 1.0 : 0.0](std::size_t) { return truth; });
      return;
    case StepKind::compare_value: {
      const double* x = step.numbers + first_row;
      const double bound = step.bound;
      with_comparison(step.comparison, [&](auto compare) {
        if (shift.empty() || step.shift_step == 0.0) {
          store_mask<store>(out, rows, [=](std::size_t i) { return compare(x[i], bound) ? 1.0 : 0.0; });
        } else {
          const double* moves = shift.data();
          const double move = step.shift_step;
          store_mask<store>(out, rows,
                            [=](std::size_t i) { return compare(x[i], bound + moves[i] * move) ? 1.0 : 0.0; });
        }
      });
      return;
    }
    case StepKind::compare_columns: {
      const double* x = step.numbers + first_row;
      const double* y = step.other_numbers + first_row;
      with_comparison(step.comparison, [&](auto compare) {
        store_mask<store>(out, rows, [=](std::size_t i) { return compare(x[i], y[i]) ? 1.0 : 0.0; });
      });
      return;
    }
    case StepKind::numeric_missing: {
      const double* x = step.numbers + first_row;
      if (step.value) store_mask<store>(out, rows, [=](std::size_t i) { return x[i] != x[i] ? 1.0 : 0.0; });
      else store_mask<store>(out, rows, [=](std::size_t i) { return x[i] == x[i] ? 1.0 : 0.0; });
      return;
    }
    case StepKind::lookup_code: {
      const std::int32_t* codes = step.codes + first_row;
      const double* table = step.table.data();
      store_mask<store>(out, rows, [=](std::size_t i) { return table[codes[i] + 1]; });
      return;
    }
    case StepKind::compare_codes: {
      const std::int32_t* a = step.codes + first_row;
      const std::int32_t* b = step.other_codes + first_row;
      const std::int32_t* translated = step.translation.data();
      const bool equal = step.comparison == Comparison::equal;
      store_mask<store>(out, rows, [=](std::size_t i) {
        return static_cast<double>((a[i] >= 0) & (b[i] >= 0) & ((translated[a[i] + 1] == b[i]) == equal));
      });
      return;
    }
    case StepKind::merge: store_mask<store>(out, rows, [=](std::size_t i) { return next_slot[i]; }); return;
  }
}

inline std::string describe(const Column& column, std::string_view name) {
  return (std::holds_alternative<NumericColumn>(column) ? "numeric column " : "categorical (string) column ") +
         single_quoted(name);
}

// Turns a parsed expression into steps over one table's columns, checking types on the way.
class Lowering {
public:
  Lowering(std::string_view text, const std::vector<Node>& nodes, const ColumnTable& data, double hysteresis)
      : text_(text), nodes_(nodes), data_(data), hysteresis_(hysteresis) {}

  void lower(std::size_t index, bool negated, Store store, std::size_t slot) {
    const Node& node = nodes_[index];
    switch (node.kind) {
      case Node::Kind::constant: {
        Step step{StepKind::constant};
        step.value = node.flag != negated;
        return emit(std::move(step), store, slot);
      }
      case Node::Kind::negation: return lower(node.children.front(), !negated, store, slot);
      case Node::Kind::conjunction:
      case Node::Kind::disjunction:
        return lower_group((node.kind == Node::Kind::conjunction) != negated, node.children.size(), store, slot,
                           [&](std::size_t i, Store child_store, std::size_t child_slot) {
                             lower(node.children[i], negated, child_store, child_slot);
                           });
      case Node::Kind::is_missing: return lower_is_missing(node, negated, store, slot);
      case Node::Kind::comparison: return lower_comparison(node, negated, store, slot);
      case Node::Kind::membership: return lower_membership(node, negated, store, slot);
    }
  }

  std::vector<Step> steps;
  std::size_t slots = 1;

private:
  void emit(Step step, Store store, std::size_t slot) {
    step.store = store;
    step.slot = slot;
    slots = std::max(slots, slot + 1);
    steps.push_back(std::move(step));
  }

  // Children of an `and` are anded into the group's slot as they come; a child of the other
  // operator is evaluated in the next slot and merged, so slots are bounded by the nesting depth.
  template <class LowerChild>
  void lower_group(bool conjunction, std::size_t count, Store store, std::size_t slot, LowerChild&& lower_child) {
    const Store combine = conjunction ? Store::and_into : Store::or_into;
    if (store != Store::write && store != combine) {
      lower_group(conjunction, count, Store::write, slot + 1, lower_child);
      emit(Step{StepKind::merge}, store, slot);
      return;
    }
    for (std::size_t i = 0; i < count; ++i) lower_child(i, i == 0 ? store : combine, slot);
  }

  [[noreturn]] void type_error(const std::string& problem) const {
    throw InvalidInput(problem + " in \"" + std::string(text_) + "\"");
  }

  const Column& resolve(const std::string& name) const {
    const Column* column = data_.find(name);
    if (column == nullptr) type_error("unknown column " + single_quoted(name));
    return *column;
  }

  // A table by code + 1 whose missing entry is `on_missing`, every other `on_label(label)`.
  template <class OnLabel>
  static std::vector<double> code_table(const CategoricalColumn& column, bool on_missing, OnLabel&& on_label) {
    std::vector<double> table{on_missing ? 1.0 : 0.0};
    for (const auto& label : column.categories) table.push_back(on_label(label) ? 1.0 : 0.0);
    return table;
  }

  void lower_is_missing(const Node& node, bool negated, Store store, std::size_t slot) {
    const Column& column = resolve(node.column);
    if (const auto* numeric = std::get_if<NumericColumn>(&column)) {
      Step step{StepKind::numeric_missing};
      step.numbers = numeric->values.data();
      step.value = !negated;
      return emit(std::move(step), store, slot);
    }
    const auto& categorical = std::get<CategoricalColumn>(column);
    Step step{StepKind::lookup_code};
    step.codes = categorical.codes.data();
    step.table = code_table(categorical, !negated, [&](const std::string&) { return negated; });
    emit(std::move(step), store, slot);
  }

  void lower_comparison(const Node& node, bool negated, Store store, std::size_t slot) {
    const Column& left = resolve(node.column);
    const Comparison comparison = negated ? complement(node.comparison) : node.comparison;
    const auto* numeric = std::get_if<NumericColumn>(&left);
    const auto* categorical = std::get_if<CategoricalColumn>(&left);
    const auto unordered = [&] {
      if (is_ordering(node.comparison))
        type_error("ordering comparison '" + std::string(symbol(node.comparison)) + "' of " +
                   describe(left, node.column));
    };
    Step step;
    step.comparison = comparison;
    if (const auto* right_name = std::get_if<ColumnName>(&node.right)) {
      const Column& right = resolve(right_name->name);
      if (left.index() != right.index())
        type_error(describe(left, node.column) + " compared with " + describe(right, right_name->name));
      if (numeric) {
        step.kind = StepKind::compare_columns;
        step.numbers = numeric->values.data();
        step.other_numbers = std::get<NumericColumn>(right).values.data();
        return emit(std::move(step), store, slot);
      }
      unordered();
      const auto& other = std::get<CategoricalColumn>(right);
      std::unordered_map<std::string_view, std::int32_t> other_codes;
      for (std::size_t code = 0; code < other.categories.size(); ++code)
        other_codes.emplace(other.categories[code], static_cast<std::int32_t>(code));
      step.kind = StepKind::compare_codes;
      step.codes = categorical->codes.data();
      step.other_codes = other.codes.data();
      step.translation.push_back(-2);
      for (const auto& label : categorical->categories) {
        const auto found = other_codes.find(label);
        step.translation.push_back(found == other_codes.end() ? -2 : found->second);
      }
      return emit(std::move(step), store, slot);
    }
    if (numeric) {
      const auto* bound = std::get_if<double>(&node.right);
      if (bound == nullptr) type_error(describe(left, node.column) + " compared with a string");
      step.kind = StepKind::compare_value;
      step.numbers = numeric->values.data();
      step.bound = *bound;
      // Relaxing moves a lower bound down and an upper bound up; tightening the opposite way.
      const double move = hysteresis_ * std::abs(*bound);
      if (comparison == Comparison::greater || comparison == Comparison::greater_equal) step.shift_step = -move;
      if (comparison == Comparison::less || comparison == Comparison::less_equal) step.shift_step = move;
      return emit(std::move(step), store, slot);
    }
    const auto* label = std::get_if<std::string>(&node.right);
    if (label == nullptr) type_error(describe(left, node.column) + " compared with a number");
    unordered();
    step.kind = StepKind::lookup_code;
    step.codes = categorical->codes.data();
    const bool equal = comparison == Comparison::equal;
    step.table =
        code_table(*categorical, false, [&](const std::string& category) { return (category == *label) == equal; });
    emit(std::move(step), store, slot);
  }

  void lower_membership(const Node& node, bool negated, Store store, std::size_t slot) {
    const Column& column = resolve(node.column);
    const bool excluded = node.flag != negated;  // matching known values outside the list
    if (const auto* numeric = std::get_if<NumericColumn>(&column)) {
      for (const auto& literal : node.literals)
        if (!std::holds_alternative<double>(literal))
          type_error(describe(column, node.column) + " compared with a string");
      // x in (a, b) is x == a or x == b; x not in (a, b) is x != a and x != b.
      return lower_group(excluded, node.literals.size(), store, slot,
                         [&](std::size_t i, Store child_store, std::size_t child_slot) {
                           Step step{StepKind::compare_value};
                           step.comparison = excluded ? Comparison::not_equal : Comparison::equal;
                           step.numbers = numeric->values.data();
                           step.bound = std::get<double>(node.literals[i]);
                           emit(std::move(step), child_store, child_slot);
                         });
    }
    std::unordered_set<std::string_view> listed;
    for (const auto& literal : node.literals) {
      const auto* label = std::get_if<std::string>(&literal);
      if (label == nullptr) type_error(describe(column, node.column) + " compared with a number");
      listed.insert(*label);
    }
    const auto& categorical = std::get<CategoricalColumn>(column);
    Step step{StepKind::lookup_code};
    step.codes = categorical.codes.data();
    step.table =
        code_table(categorical, false, [&](const std::string& label) { return listed.contains(label) != excluded; });
    emit(std::move(step), store, slot);
  }

  std::string_view text_;
  const std::vector<Node>& nodes_;
  const ColumnTable& data_;
  double hysteresis_;
};

}  // namespace cssegment::expression_detail
