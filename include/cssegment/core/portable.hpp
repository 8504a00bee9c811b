#pragma once

// Compiler and standard-library differences behind feature checks, each with a standard fallback,
// so that the core compiles with GCC, Clang and MSVC, libstdc++ and libc++, on 32- and 64-bit targets:
//   CSSEGMENT_PREFETCH_WRITE(address)   a hint that `address` is written soon; nothing where unsupported
//   CSSEGMENT_NO_TRAPPING_MATH_BEGIN/END  GCC compiles the code between them as if floating-point
//                                        operations did not trap (so it vectorises NaN tests); nothing elsewhere
//   detail::parse_decimal(text, value)  std::from_chars for double where the library has it, std::strtod otherwise

#include <charconv>
#include <clocale>
#include <cmath>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>

#if defined(__has_builtin)
#if __has_builtin(__builtin_prefetch)
#define CSSEGMENT_PREFETCH_WRITE(address) __builtin_prefetch((address), 1)
#endif
#endif
#ifndef CSSEGMENT_PREFETCH_WRITE
#define CSSEGMENT_PREFETCH_WRITE(address) static_cast<void>(address)
#endif

#if defined(__GNUC__) && !defined(__clang__)
#define CSSEGMENT_NO_TRAPPING_MATH_BEGIN _Pragma("GCC push_options") _Pragma("GCC optimize(\"no-trapping-math\")")
#define CSSEGMENT_NO_TRAPPING_MATH_END _Pragma("GCC pop_options")
#else
#define CSSEGMENT_NO_TRAPPING_MATH_BEGIN
#define CSSEGMENT_NO_TRAPPING_MATH_END
#endif

// libc++ before 20 declares std::from_chars for double deleted; libstdc++ 11+ and MSVC have it and
// say so with __cpp_lib_to_chars.
#if (defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L) || \
    (defined(_LIBCPP_VERSION) && _LIBCPP_VERSION >= 200000)
#define CSSEGMENT_HAS_FROM_CHARS_DOUBLE 1
#else
#define CSSEGMENT_HAS_FROM_CHARS_DOUBLE 0
#endif

namespace cssegment::detail {

// Whether `text` is a whole decimal number: an optional '-', digits with at most one '.' (at least
// one digit), and an optional exponent `e`/`E`, optional sign, digits. No spaces, '+', hex, inf or nan.
constexpr bool is_decimal_text(std::string_view text) noexcept {
  std::size_t i = 0, digits = 0;
  const auto digit = [&](std::size_t at) { return at < text.size() && text[at] >= '0' && text[at] <= '9'; };
  if (i < text.size() && text[i] == '-') ++i;
  for (; digit(i); ++i) ++digits;
  if (i < text.size() && text[i] == '.')
    for (++i; digit(i); ++i) ++digits;
  if (digits == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  return i == text.size();
}

// The standard fallback: std::strtod on a NUL-terminated copy, with the decimal point of the C
// locale in force (strtod reads that one), and std::from_chars's range rule: out of range when the
// nearest double is infinite, or zero while a digit of the number is not. strtod's errno is not
// used, as it also flags subnormal results, which from_chars accepts. Both round to nearest, so the
// two give identical doubles (tests/cpp/core/test_portable.cpp compares them).
inline std::errc parse_decimal_strtod(std::string_view text, double& value) {
  if (!is_decimal_text(text)) return std::errc::invalid_argument;
  std::string copy(text);
  const char point = *std::localeconv()->decimal_point;
  bool nonzero = false;
  for (char& c : copy) {
    if (c == 'e' || c == 'E') break;
    nonzero |= c >= '1' && c <= '9';
    if (c == '.') c = point;
  }
  char* end = nullptr;
  const double parsed = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size()) return std::errc::invalid_argument;
  if (std::isinf(parsed) || (parsed == 0.0 && nonzero)) return std::errc::result_out_of_range;
  value = parsed;
  return std::errc{};
}

// Parses the whole of `text`, a decimal number (is_decimal_text), into `value`: std::errc{} on
// success; invalid_argument or result_out_of_range (and `value` unchanged) otherwise.
inline std::errc parse_decimal(std::string_view text, double& value) {
#if CSSEGMENT_HAS_FROM_CHARS_DOUBLE
  if (!is_decimal_text(text)) return std::errc::invalid_argument;
  const auto [stop, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc{} && stop != text.data() + text.size()) return std::errc::invalid_argument;
  return error;
#else
  return parse_decimal_strtod(text, value);
#endif
}

}  // namespace cssegment::detail
