#pragma once
// Argument checks whose messages name the argument, the first offending row and its value,
// e.g. "arr[1042] = -5: values must be finite and >= 0".
#include <charconv>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "cssegment/core/error.hpp"

namespace cssegment {

// Shortest text that reads back as the same double ("50000", "0.1", "nan", "inf").
inline std::string format_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[32];
  // Whole numbers print as such ("100000", not the shorter "1e+05"): money and counts read better.
  const bool whole = std::abs(value) < 1e15 && value == std::floor(value);
  auto result = whole ? std::to_chars(buffer, buffer + sizeof buffer, static_cast<long long>(value))
                      : std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

inline std::string single_quoted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  out += text;
  out += '\'';
  return out;
}

[[noreturn]] inline void fail(std::string_view argument, std::string_view problem) {
  throw InvalidInput(std::string(argument) + ": " + std::string(problem));
}

[[noreturn]] inline void fail_at(std::string_view argument, std::size_t row, std::string_view value,
                                 std::string_view problem) {
  throw InvalidInput(std::string(argument) + "[" + std::to_string(row) + "] = " + std::string(value) + ": " +
                     std::string(problem));
}

[[noreturn]] inline void fail_at(std::string_view argument, std::size_t row, double value, std::string_view problem) {
  fail_at(argument, row, format_number(value), problem);
}

inline void require(bool condition, std::string_view argument, std::string_view problem) {
  if (!condition) fail(argument, problem);
}

inline void check_same_length(std::string_view argument, std::size_t length, std::string_view reference,
                              std::size_t expected) {
  if (length != expected)
    fail(argument, "has length " + std::to_string(length) + " but " + std::string(reference) + " has length " +
                       std::to_string(expected));
}

// Index of the first value that is NaN, infinite or negative, or values.size() when all are fine.
inline std::size_t first_invalid_amount(std::span<const double> values) {
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!(values[i] >= 0.0 && values[i] < INFINITY)) return i;
  return values.size();
}

inline void check_nonnegative_finite(std::string_view argument, std::span<const double> values) {
  const std::size_t row = first_invalid_amount(values);
  if (row != values.size()) fail_at(argument, row, values[row], "values must be finite and >= 0");
}

// NaN means missing and passes; an infinite value is a data error.
inline void check_finite_or_missing(std::string_view argument, std::span<const double> values, std::size_t begin = 0) {
  for (std::size_t i = begin; i < values.size(); ++i)
    if (std::isinf(values[i])) fail_at(argument, i, values[i], "values must be finite (NaN means missing)");
}

inline void check_strictly_ascending(std::string_view argument, std::span<const double> values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) fail_at(argument, i, values[i], "thresholds must be finite");
    if (i > 0 && !(values[i] > values[i - 1]))
      fail_at(argument, i, values[i],
              "thresholds must be strictly ascending (previous is " + format_number(values[i - 1]) + ")");
  }
}

inline void check_names(std::string_view argument, std::span<const std::string> names) {
  std::unordered_set<std::string_view> seen;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) fail_at(argument, i, "''", "names must not be empty");
    if (!seen.insert(names[i]).second) fail_at(argument, i, single_quoted(names[i]), "duplicate name");
  }
}

// Codes index into `categories` labels; -1 means missing.
template <class Code>
void check_codes(std::string_view argument, std::span<const Code> codes, std::size_t categories) {
  for (std::size_t i = 0; i < codes.size(); ++i)
    if (codes[i] < -1 || codes[i] >= static_cast<long long>(categories))
      fail_at(argument, i, std::to_string(codes[i]), "code out of range [-1, " + std::to_string(categories) + ")");
}

}  // namespace cssegment
