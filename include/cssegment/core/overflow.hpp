#pragma once
// A checked range at the boundary of floating results: a result computed from finite inputs that
// overflows (a margin of 1e308 over a churn rate of 1e-300, a sum of weights of 1e308 each) is
// refused with the inputs that made it, rather than returned as inf or NaN without a word.
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>

#include "cssegment/core/validate.hpp"

namespace cssegment {

inline constexpr std::size_t whole_result = static_cast<std::size_t>(-1);

// Refuses a result that overflowed (row `row` of `result`, or the whole result), naming the inputs
// that produced it (e.g. "arpa[0] = 1e308, churn_rate[0] = 1e-300"). Callers test std::isfinite
// first, so that the message is built only for the refusal.
[[noreturn]] inline void fail_overflow(std::string_view argument, std::size_t row, std::string_view result,
                                       std::string_view inputs) {
  const std::string where =
      row == whole_result ? std::string(result) : std::string(result) + "[" + std::to_string(row) + "]";
  fail(argument, where + " overflows the largest double (about 1.8e308) from " + std::string(inputs) +
                     "; express the amounts in larger units");
}

}  // namespace cssegment
