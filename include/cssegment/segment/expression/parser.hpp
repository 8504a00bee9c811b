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
//
// This header is the text side: the lexer and the recursive-descent parser that turn the text into
// a tree of nodes. lowering.hpp turns the tree into steps over a table; compiled.hpp runs them.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

#include "cssegment/core/error.hpp"
#include "cssegment/core/portable.hpp"
#include "cssegment/core/validate.hpp"

namespace cssegment {

// Bounds on what an untrusted expression may cost to parse and evaluate. 64 KiB leaves room for
// generated membership lists (`account in (...)` with thousands of ids). Nesting costs stack
// (recursive descent, lowering, printing) and one scratch mask of a block of rows per level when
// evaluating, so it stays at a depth no hand-written rule comes near.
inline constexpr std::size_t max_expression_length = 64 * 1024;
inline constexpr std::size_t max_expression_depth = 64;

namespace expression_detail {

enum class Comparison : std::uint8_t { less, less_equal, greater, greater_equal, equal, not_equal };

inline std::string_view symbol(Comparison comparison) {
  static constexpr std::string_view symbols[] = {"<", "<=", ">", ">=", "==", "!="};
  return symbols[static_cast<std::size_t>(comparison)];
}

// `c op x` read from the column's side: `x op' c`.
inline Comparison mirrored(Comparison comparison) {
  static constexpr Comparison mirror[] = {Comparison::greater,    Comparison::greater_equal, Comparison::less,
                                          Comparison::less_equal, Comparison::equal,         Comparison::not_equal};
  return mirror[static_cast<std::size_t>(comparison)];
}

// `not (x op c)` for a known x.
inline Comparison complement(Comparison comparison) {
  static constexpr Comparison opposite[] = {Comparison::greater_equal, Comparison::greater,   Comparison::less_equal,
                                            Comparison::less,          Comparison::not_equal, Comparison::equal};
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
  end,
  column,
  number,
  string,
  open,
  close,
  comma,
  comparison,
  keyword_and,
  keyword_or,
  keyword_not,
  keyword_in,
  keyword_true,
  keyword_false,
  keyword_is_missing,
};

inline constexpr std::pair<std::string_view, TokenKind> keywords[] = {
    {"and", TokenKind::keyword_and},
    {"or", TokenKind::keyword_or},
    {"not", TokenKind::keyword_not},
    {"in", TokenKind::keyword_in},
    {"true", TokenKind::keyword_true},
    {"false", TokenKind::keyword_false},
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
    while (offset < text_.size() &&
           (text_[offset] == ' ' || text_[offset] == '\t' || text_[offset] == '\n' || text_[offset] == '\r'))
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
    if (detail::parse_decimal(digits, token.number) != std::errc{})
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
      fail("when", "nesting deeper than " + std::to_string(max_expression_depth) +
                       " levels (max_expression_depth) at column " + std::to_string(token.offset + 1));
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

}  // namespace expression_detail

}  // namespace cssegment
