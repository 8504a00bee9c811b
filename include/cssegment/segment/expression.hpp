#pragma once
// The `when` language of rule-based segments: boolean expressions over named columns, read by a
// recursive-descent parser (never eval) and compiled per table into steps that evaluate a block of
// rows at a time into masks, loops the compiler vectorises.
//
//   or_expr  := and_expr ('or' and_expr)*
//   and_expr := not_expr ('and' not_expr)*
//   not_expr := 'not' not_expr | primary
//   primary  := '(' or_expr ')' | 'true' | 'false' | 'is_missing' '(' column ')'
//             | operand cmp operand | operand ['not'] 'in' '(' literal (',' literal)* ')'
//   cmp      := '>=' | '>' | '<=' | '<' | '==' | '!='
//
// Operands are columns (identifiers, or any text in backticks: `Seats used %`), numbers (50000,
// -1.5, 2e3, with suffix k/K = 1e3, M = 1e6, B = 1e9: 50k, 1.5M) and strings in double or single
// quotes (there are no escapes: a string holding one kind of quote is written with the other).
// Keywords are lowercase. A comparison with a missing value (NaN, or categorical code -1) is
// unknown, and unknowns follow three-valued (Kleene, SQL-like) logic: `not unknown` is unknown,
// `unknown and false` is false, `unknown or true` is true. `is_missing(col)` is never unknown.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
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
#include "cssegment/core/parallel.hpp"
#include "cssegment/core/validate.hpp"

namespace cssegment {

// Bounds on what an untrusted expression may cost to parse and evaluate. 64 KiB leaves room for
// generated membership lists (`account in (...)` with thousands of ids). Nesting costs stack
// (recursive descent, lowering, printing) and one scratch mask of a block of rows per level when
// evaluating, so it stays at a depth no hand-written rule comes near.
inline constexpr std::size_t max_expression_length = 64 * 1024;
inline constexpr std::size_t max_expression_depth = 64;

// Rows evaluated together: a block's masks stay in cache from one step to the next.
inline constexpr std::size_t expression_block_rows = 4096;
// Rows per parallel chunk: large enough that thread start-up is noise.
inline constexpr std::size_t expression_chunk_rows = 1u << 16;

namespace expression_detail {

enum class Comparison : std::uint8_t { less, less_equal, greater, greater_equal, equal, not_equal };

inline std::string_view symbol(Comparison comparison) {
  static constexpr std::string_view symbols[] = {"<", "<=", ">", ">=", "==", "!="};
  return symbols[static_cast<std::size_t>(comparison)];
}

// `c op x` read from the column's side: `x op' c`.
inline Comparison mirrored(Comparison comparison) {
  static constexpr Comparison mirror[] = {Comparison::greater, Comparison::greater_equal, Comparison::less,
                                          Comparison::less_equal, Comparison::equal, Comparison::not_equal};
  return mirror[static_cast<std::size_t>(comparison)];
}

// `not (x op c)` for a known x.
inline Comparison complement(Comparison comparison) {
  static constexpr Comparison opposite[] = {Comparison::greater_equal, Comparison::greater, Comparison::less_equal,
                                            Comparison::less, Comparison::not_equal, Comparison::equal};
  return opposite[static_cast<std::size_t>(comparison)];
}

inline bool is_ordering(Comparison comparison) {
  return comparison != Comparison::equal && comparison != Comparison::not_equal;
}

struct ColumnName {
  std::string name;
  bool operator==(const ColumnName&) const = default;
};
using Literal = std::variant<double, std::string>;
using Operand = std::variant<ColumnName, double, std::string>;

struct Node {
  enum class Kind : std::uint8_t { constant, is_missing, comparison, membership, negation, conjunction, disjunction };
  explicit Node(Kind of) : kind(of) {}
  Kind kind;
  bool flag = false;                   // constant: its value; membership: `not in`
  Comparison comparison = Comparison::equal;
  std::string column;                  // is_missing, comparison, membership: the column on the left
  Operand right;                       // comparison
  std::vector<Literal> literals;       // membership
  std::vector<std::size_t> children;   // negation (one), conjunction, disjunction
};

struct ParsedExpression {
  std::vector<Node> nodes;
  std::size_t root = 0;
};

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_word_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
inline bool is_word_char(char c) { return is_word_start(c) || is_digit(c); }

enum class TokenKind : std::uint8_t {
  end, column, number, string, open, close, comma, comparison,
  keyword_and, keyword_or, keyword_not, keyword_in, keyword_true, keyword_false, keyword_is_missing,
};

inline constexpr std::pair<std::string_view, TokenKind> keywords[] = {
    {"and", TokenKind::keyword_and},   {"or", TokenKind::keyword_or},       {"not", TokenKind::keyword_not},
    {"in", TokenKind::keyword_in},     {"true", TokenKind::keyword_true},   {"false", TokenKind::keyword_false},
    {"is_missing", TokenKind::keyword_is_missing},
};

inline bool is_keyword(std::string_view word) {
  return std::any_of(std::begin(keywords), std::end(keywords),
                     [&](const auto& keyword) { return keyword.first == word; });
}

struct Token {
  TokenKind kind = TokenKind::end;
  std::size_t offset = 0;
  std::size_t length = 0;
  std::string_view content;  // a column's name or a string's contents
  double number = 0.0;
  Comparison comparison = Comparison::equal;
};

// Tokens are read one ahead of the grammar, so the first problem from the left is the one reported.
class Parser {
public:
  explicit Parser(std::string_view text) : text_(text) {
    if (text_.size() > max_expression_length)
      fail("when", "expression of " + std::to_string(text_.size()) + " bytes exceeds the limit of " +
                       std::to_string(max_expression_length) + " (max_expression_length)");
  }

  ParsedExpression parse() && {
    advance();
    parsed_.root = parse_or();
    if (current_.kind != TokenKind::end) unexpected(current_);
    return std::move(parsed_);
  }

private:
  [[noreturn]] void error_at(std::size_t offset, const std::string& problem) const {
    throw InvalidInput(problem + " at column " + std::to_string(offset + 1) + " in \"" + std::string(text_) + "\"");
  }

  [[noreturn]] void unexpected_text(std::size_t offset, std::size_t length) const {
    error_at(offset, "unexpected '" + std::string(text_.substr(offset, length)) + "'");
  }

  [[noreturn]] void unexpected(const Token& token) const {
    if (token.kind == TokenKind::end) error_at(token.offset, "unexpected end of expression");
    unexpected_text(token.offset, token.length);
  }

  char at(std::size_t offset) const { return offset < text_.size() ? text_[offset] : '\0'; }

  std::size_t skip_digits(std::size_t offset) const {
    while (is_digit(at(offset))) ++offset;
    return offset;
  }

  void advance() { current_ = lex(current_.offset + current_.length); }

  Token lex(std::size_t offset) const {
    while (offset < text_.size() && (text_[offset] == ' ' || text_[offset] == '\t' || text_[offset] == '\n' ||
                                     text_[offset] == '\r'))
      ++offset;
    Token token;
    token.offset = offset;
    if (offset == text_.size()) return token;
    const auto sized = [&](TokenKind kind, std::size_t length) {
      token.kind = kind;
      token.length = length;
      return token;
    };
    const char c = text_[offset];
    const bool then_equals = at(offset + 1) == '=';
    switch (c) {
      case '(': return sized(TokenKind::open, 1);
      case ')': return sized(TokenKind::close, 1);
      case ',': return sized(TokenKind::comma, 1);
      case '<':
        token.comparison = then_equals ? Comparison::less_equal : Comparison::less;
        return sized(TokenKind::comparison, then_equals ? 2 : 1);
      case '>':
        token.comparison = then_equals ? Comparison::greater_equal : Comparison::greater;
        return sized(TokenKind::comparison, then_equals ? 2 : 1);
      case '=':
      case '!':
        if (!then_equals) unexpected_text(offset, 1);
        token.comparison = c == '=' ? Comparison::equal : Comparison::not_equal;
        return sized(TokenKind::comparison, 2);
      case '`': return lex_quoted(token, TokenKind::column);
      case '"':
      case '\'': return lex_quoted(token, TokenKind::string);
      default: break;
    }
    if (is_digit(c) || c == '.' || c == '-') return lex_number(token);
    if (is_word_start(c)) return lex_word(token);
    // Name the whole character when it is a multi-byte UTF-8 sequence.
    std::size_t length = 1;
    while ((static_cast<unsigned char>(at(offset + length)) & 0xC0) == 0x80) ++length;
    unexpected_text(offset, length);
  }

  Token lex_quoted(Token token, TokenKind kind) const {
    const std::size_t close = text_.find(text_[token.offset], token.offset + 1);
    if (close == std::string_view::npos)
      error_at(token.offset, kind == TokenKind::column ? "unterminated `column name`" : "unterminated string");
    token.kind = kind;
    token.length = close - token.offset + 1;
    token.content = text_.substr(token.offset + 1, close - token.offset - 1);
    if (kind == TokenKind::column && token.content.empty()) unexpected_text(token.offset, token.length);
    return token;
  }

  Token lex_word(Token token) const {
    std::size_t end = token.offset;
    while (is_word_char(at(end))) ++end;
    token.length = end - token.offset;
    token.content = text_.substr(token.offset, token.length);
    token.kind = TokenKind::column;
    for (const auto& [word, kind] : keywords)
      if (word == token.content) token.kind = kind;
    return token;
  }

  Token lex_number(Token token) const {
    const std::size_t begin = token.offset;
    std::size_t end = begin + (at(begin) == '-');
    const std::size_t integer_end = skip_digits(end);
    end = at(integer_end) == '.' ? skip_digits(integer_end + 1) : integer_end;
    const bool has_digits = integer_end > begin + (at(begin) == '-') || end > integer_end + 1;
    bool has_exponent = false;
    if (has_digits && (at(end) == 'e' || at(end) == 'E')) {
      const std::size_t sign = end + 1;
      const std::size_t digits = sign + (at(sign) == '+' || at(sign) == '-');
      if (is_digit(at(digits))) {
        end = skip_digits(digits);
        has_exponent = true;
      }
    }
    const std::size_t number_end = end;
    const char suffix = at(end);
    const int scale = has_exponent ? 0 : suffix == 'k' || suffix == 'K' ? 3 : suffix == 'M' ? 6 : suffix == 'B' ? 9 : 0;
    if (scale > 0) ++end;
    // A number ends at a delimiter: `50m`, `1.2.3` and `2x` are single bad tokens, not a number and a name.
    if (!has_digits || is_word_char(at(end)) || at(end) == '.') {
      std::size_t stop = std::max(end, begin + 1);
      while (is_word_char(at(stop)) || at(stop) == '.') ++stop;
      unexpected_text(begin, stop - begin);
    }
    // The suffix scales the decimal text, so 0.1k reads as exactly the double nearest 100.
    std::string digits(text_.substr(begin, number_end - begin));
    if (scale > 0) digits += "e" + std::to_string(scale);
    const auto [stop, error] = std::from_chars(digits.data(), digits.data() + digits.size(), token.number);
    if (error != std::errc{} || stop != digits.data() + digits.size())
      error_at(begin, "number '" + std::string(text_.substr(begin, end - begin)) + "' is out of range");
    token.kind = TokenKind::number;
    token.length = end - begin;
    return token;
  }

  bool accept(TokenKind kind) {
    if (current_.kind != kind) return false;
    advance();
    return true;
  }

  void expect(TokenKind kind) {
    if (!accept(kind)) unexpected(current_);
  }

  void nest(const Token& token) {
    if (++depth_ > max_expression_depth)
      fail("when", "nesting deeper than " + std::to_string(max_expression_depth) + " levels (max_expression_depth) at column " +
                       std::to_string(token.offset + 1));
  }

  std::size_t add(Node node) {
    parsed_.nodes.push_back(std::move(node));
    return parsed_.nodes.size() - 1;
  }

  std::size_t parse_or() { return parse_chain(TokenKind::keyword_or, Node::Kind::disjunction, &Parser::parse_and); }
  std::size_t parse_and() { return parse_chain(TokenKind::keyword_and, Node::Kind::conjunction, &Parser::parse_not); }

  // `a op b op c` as one node with three children: long chains cost no recursion depth.
  std::size_t parse_chain(TokenKind separator, Node::Kind kind, std::size_t (Parser::*parse_operand)()) {
    std::vector<std::size_t> children{(this->*parse_operand)()};
    while (accept(separator)) children.push_back((this->*parse_operand)());
    if (children.size() == 1) return children.front();
    Node node{kind};
    node.children = std::move(children);
    return add(std::move(node));
  }

  std::size_t parse_not() {
    if (current_.kind != TokenKind::keyword_not) return parse_primary();
    nest(current_);
    advance();
    Node node{Node::Kind::negation};
    node.children.push_back(parse_not());
    --depth_;
    return add(std::move(node));
  }

  std::size_t parse_primary() {
    switch (current_.kind) {
      case TokenKind::open: {
        nest(current_);
        advance();
        const std::size_t inner = parse_or();
        expect(TokenKind::close);
        --depth_;
        return inner;
      }
      case TokenKind::keyword_true:
      case TokenKind::keyword_false: {
        Node node{Node::Kind::constant};
        node.flag = current_.kind == TokenKind::keyword_true;
        advance();
        return add(std::move(node));
      }
      case TokenKind::keyword_is_missing: {
        advance();
        expect(TokenKind::open);
        if (current_.kind != TokenKind::column) unexpected(current_);
        Node node{Node::Kind::is_missing};
        node.column = current_.content;
        advance();
        expect(TokenKind::close);
        return add(std::move(node));
      }
      default: return parse_predicate();
    }
  }

  std::size_t parse_predicate() {
    const Token first = current_;
    Operand left = parse_operand();
    const auto is_column = [](const Operand& operand) { return std::holds_alternative<ColumnName>(operand); };
    const auto constants = [&] { error_at(first.offset, "comparison of two constants"); };
    if (current_.kind == TokenKind::comparison) {
      Node node{Node::Kind::comparison};
      node.comparison = current_.comparison;
      advance();
      node.right = parse_operand();
      if (!is_column(left)) {
        if (!is_column(node.right)) constants();
        std::swap(left, node.right);
        node.comparison = mirrored(node.comparison);
      }
      node.column = std::get<ColumnName>(std::move(left)).name;
      return add(std::move(node));
    }
    Node node{Node::Kind::membership};
    node.flag = accept(TokenKind::keyword_not);
    expect(TokenKind::keyword_in);
    if (!is_column(left)) constants();
    node.column = std::get<ColumnName>(std::move(left)).name;
    expect(TokenKind::open);
    do node.literals.push_back(parse_literal());
    while (accept(TokenKind::comma));
    expect(TokenKind::close);
    return add(std::move(node));
  }

  Operand parse_operand() {
    if (current_.kind != TokenKind::column)
      return std::visit([](auto&& literal) -> Operand { return std::move(literal); }, parse_literal());
    ColumnName column{std::string(current_.content)};
    advance();
    return column;
  }

  Literal parse_literal() {
    Literal literal;
    if (current_.kind == TokenKind::number) literal = current_.number;
    else if (current_.kind == TokenKind::string) literal = std::string(current_.content);
    else unexpected(current_);
    advance();
    return literal;
  }

  std::string_view text_;
  Token current_;
  std::size_t depth_ = 0;
  ParsedExpression parsed_;
};

// How a step's result meets the mask already in its slot.
enum class Store : std::uint8_t { write, and_into, or_into };

enum class StepKind : std::uint8_t {
  constant, compare_value, compare_columns, numeric_missing, lookup_code, compare_codes, merge,
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
    case StepKind::merge:
      store_mask<store>(out, rows, [=](std::size_t i) { return next_slot[i]; });
      return;
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
    step.table = code_table(*categorical, false,
                            [&](const std::string& category) { return (category == *label) == equal; });
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
    step.table = code_table(categorical, false,
                            [&](const std::string& label) { return listed.contains(label) != excluded; });
    emit(std::move(step), store, slot);
  }

  std::string_view text_;
  const std::vector<Node>& nodes_;
  const ColumnTable& data_;
  double hysteresis_;
};

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
      fail("scratch", "holds " + std::to_string(scratch.size()) + " values; " + std::to_string(scratch_size(rows)) +
                          " needed");
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
