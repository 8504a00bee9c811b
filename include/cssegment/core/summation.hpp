#pragma once
// Summation of doubles that does not depend on the order of the terms' magnitudes:
// - ExactSum: the exact sum of finite doubles, rounded once when read (correctly rounded, equal
//   to Python's math.fsum), mergeable and independent of the order of addition and merging;
// - CompensatedSum (Neumaier): a running sum plus the rounding error of every addition, so that
//   long sums of money (1e12 next to cents) keep the precision a plain double accumulator loses.
//   The result is within about one rounding of the exact sum, for any order of magnitude of the
//   terms. Add terms in a fixed order (never per thread) to keep results independent of the
//   thread count.
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cssegment/core/validate.hpp"

namespace cssegment {

// The rounding error of total = fl(a + b), exactly: the smaller operand loses the low bits.
inline double addition_error(double a, double b, double total) {
  return std::abs(a) >= std::abs(b) ? (a - total) + b : (b - total) + a;
}

class CompensatedSum {
public:
  CompensatedSum& operator+=(double term) {
    const double total = sum_ + term;
    compensation_ += addition_error(sum_, term, total);
    sum_ = total;
    return *this;
  }

  // Adds another compensated sum, its carried rounding error included.
  CompensatedSum& operator+=(const CompensatedSum& other) {
    *this += other.sum_;
    compensation_ += other.compensation_;
    return *this;
  }

  // The sum rounded once.
  double value() const { return sum_ + compensation_; }
  // The rounding error carried so far (0 when every addition was exact).
  double compensation() const { return compensation_; }

private:
  double sum_ = 0.0;
  double compensation_ = 0.0;
};

// The exact sum of any number of finite doubles, rounded once (to nearest, ties to even) when
// read: equal to Python's math.fsum of the same terms, bit for bit, in any order of addition and
// of merging, with no overflow while the exact sum stays within the doubles' range. A small
// superaccumulator in the manner of R. M. Neal, "Fast exact summation using small and large
// superaccumulators" (2015): the number is held in fixed point with unit 2^-1074 (the smallest
// subnormal), as signed 64-bit limbs each standing for 32 bits (limb i weighs 2^(32 i - 1074)),
// so a term lands in two limbs with plain integer additions and carries are resolved only every
// `max_pending` additions. Only the limbs the terms reach are stored (3 or 4 for money amounts);
// portable: 64-bit integers only.
class ExactSum {
public:
  ExactSum() = default;
  explicit ExactSum(double term) { *this += term; }

  // Adds a finite term; a NaN or infinite term throws InvalidInput.
  ExactSum& operator+=(double term) {
    const auto bits = std::bit_cast<std::uint64_t>(term);
    const auto biased = static_cast<int>((bits >> 52) & 0x7FF);
    std::uint64_t mantissa = bits & fraction_mask;
    if (biased == 0x7FF) fail("term", format_number(term) + " is not finite; an exact sum takes finite terms only");
    if (biased != 0) mantissa |= hidden_bit;
    else if (mantissa == 0) return *this;  // +-0 adds nothing
    // term = +-mantissa * 2^(position - 1074) (a subnormal has the position of the smallest normal)
    const int position = biased == 0 ? 0 : biased - 1;
    const int limb = position >> 5, shift = position & 31;
    const auto low = static_cast<std::int64_t>((mantissa << shift) & low_bits);
    const auto high = static_cast<std::int64_t>(mantissa >> (32 - shift));
    if (limb < first_ || limb + 3 > first_ + static_cast<int>(limbs_.size())) cover(limb, limb + 3);
    std::int64_t* at = limbs_.data() + (limb - first_);
    if (bits >> 63) {
      at[0] -= low;
      at[1] -= high;
    } else {
      at[0] += low;
      at[1] += high;
    }
    if (++pending_ == max_pending) carry();
    return *this;
  }

  // Adds another exact sum (merging partial sums): the result is as if its terms were added here.
  ExactSum& operator+=(const ExactSum& other) {
    if (other.limbs_.empty()) return *this;
    cover(other.first_, other.first_ + static_cast<int>(other.limbs_.size()) + 1);
    for (std::size_t i = 0; i < other.limbs_.size(); ++i)
      limbs_[static_cast<std::size_t>(other.first_ - first_) + i] += other.limbs_[i];
    carry();
    return *this;
  }

  bool is_zero() const { return sign() == 0; }
  // -1, 0 or 1: the sign of the exact sum.
  int sign() const {
    const Limbs digits = normalized();
    if (digits[limb_count - 1] != 0) return digits[limb_count - 1] < 0 ? -1 : 1;
    for (std::int64_t digit : digits)
      if (digit != 0) return 1;
    return 0;
  }

  // The exact sum rounded to the nearest double (ties to even), or nullopt when that rounding
  // is beyond the largest finite double (|sum| >= 2^1024 - 2^970). An exact zero is +0.
  std::optional<double> rounded() const {
    Limbs digits = normalized();
    const bool negative = digits[limb_count - 1] < 0;
    if (negative) {  // round the magnitude: negate, then carry again
      for (std::int64_t& digit : digits) digit = -digit;
      carry_all(digits);
    }
    int top = limb_count - 1;
    while (top >= 0 && digits[static_cast<std::size_t>(top)] == 0) --top;
    if (top < 0) return 0.0;
    if (top == limb_count - 1) return std::nullopt;
    // Highest set bit of the magnitude, in units of 2^-1074.
    const int highest =
        32 * top + 63 - std::countl_zero(static_cast<std::uint64_t>(digits[static_cast<std::size_t>(top)]));
    std::uint64_t bits;
    if (highest <= 52) {
      bits = bits_from(digits, 0);  // below 2^53 units: exact, and its own bit pattern (subnormal or not)
    } else {
      std::uint64_t mantissa = bits_from(digits, highest - 52) & (fraction_mask | hidden_bit);
      const int below = highest - 53;  // the rounding bit
      const bool half = (bits_from(digits, below) & 1) != 0;
      if (half && ((mantissa & 1) != 0 || any_bit_below(digits, below))) ++mantissa;
      int exponent = highest - 51;  // biased
      if (mantissa >> 53) mantissa >>= 1, ++exponent;
      if (exponent >= 0x7FF) return std::nullopt;
      bits = (static_cast<std::uint64_t>(exponent) << 52) | (mantissa & fraction_mask);
    }
    return std::bit_cast<double>(bits | (negative ? sign_bit : 0));
  }

  // rounded(), or InvalidInput naming `what` when the sum is beyond the largest double.
  double value(std::string_view what = "sum") const {
    if (const auto result = rounded()) return *result;
    fail(what, "the exact sum is beyond the largest finite double (about 1.8e308) and cannot be reported");
  }

  // Equal exact sums, however they were reached.
  bool operator==(const ExactSum& other) const { return normalized() == other.normalized(); }

  // The exact sum as (index of its lowest nonzero limb, limbs up to its highest nonzero one):
  // every limb in [0, 2^32) but the last limb of all (index limb_count - 1), which is signed.
  // Equal sums give equal digits; empty for zero.
  std::pair<int, std::vector<std::int64_t>> digits() const {
    const Limbs all = normalized();
    int low = 0, high = limb_count;
    while (low < high && all[static_cast<std::size_t>(low)] == 0) ++low;
    while (high > low && all[static_cast<std::size_t>(high - 1)] == 0) --high;
    return {low, std::vector<std::int64_t>(all.begin() + low, all.begin() + high)};
  }

  // The inverse of digits(); InvalidInput naming `argument` when they are not digits() of a sum.
  static ExactSum from_digits(int first, std::span<const std::int64_t> values, std::string_view argument) {
    ExactSum sum;
    if (values.empty()) return sum;
    if (first < 0 || first + static_cast<std::int64_t>(values.size()) > limb_count)
      fail(argument, "digits from limb " + std::to_string(first) + " to " +
                         std::to_string(first + static_cast<std::int64_t>(values.size()) - 1) +
                         " lie outside limbs 0 to " + std::to_string(limb_count - 1));
    for (std::size_t i = 0; i < values.size(); ++i) {
      const bool last = first + static_cast<std::int64_t>(i) == limb_count - 1;
      if (values[i] >= (std::int64_t{1} << 32) || values[i] < (last ? -(std::int64_t{1} << 32) : 0))
        fail(argument, "digit " + std::to_string(values[i]) + " of limb " + std::to_string(first + i) +
                           " is out of range (limbs hold 32 bits)");
    }
    sum.first_ = first;
    sum.limbs_.assign(values.begin(), values.end());
    if (first + static_cast<int>(values.size()) < limb_count) sum.limbs_.push_back(0);  // the top limb to carry into
    return sum;
  }

  static constexpr int limb_count = 67;  // 2^-1074 up to 2^1070 and beyond, room for carries

private:
  using Limbs = std::array<std::int64_t, limb_count>;
  static constexpr std::uint64_t fraction_mask = (std::uint64_t{1} << 52) - 1;
  static constexpr std::uint64_t hidden_bit = std::uint64_t{1} << 52;
  static constexpr std::uint64_t sign_bit = std::uint64_t{1} << 63;
  static constexpr std::uint64_t low_bits = 0xFFFFFFFFu;
  // A term adds less than 2^52 to a limb: limbs stay below 2^61 in magnitude between carries,
  // so two sums can be merged before carrying.
  static constexpr std::uint32_t max_pending = 256;

  // Grows the stored limbs to cover [from, to) (to <= limb_count).
  void cover(int from, int to) {
    to = std::min(to, limb_count);
    if (limbs_.empty()) {
      first_ = from;
      limbs_.assign(static_cast<std::size_t>(to - from), 0);
      return;
    }
    const int end = first_ + static_cast<int>(limbs_.size());
    if (from < first_) limbs_.insert(limbs_.begin(), static_cast<std::size_t>(first_ - from), 0), first_ = from;
    if (to > end) limbs_.resize(static_cast<std::size_t>(to - first_), 0);
  }

  // Carries so that every stored limb but the top one is in [0, 2^32), and the top one (which
  // no term reaches directly) in (-2^32, 2^32) while there is a limb above it to carry into.
  void carry() {
    pending_ = 0;
    for (std::size_t i = 0; i + 1 < limbs_.size(); ++i) {
      const std::int64_t up = limbs_[i] >> 32;  // floor division (arithmetic shift, C++20)
      limbs_[i] &= static_cast<std::int64_t>(low_bits);
      limbs_[i + 1] += up;
    }
    while (first_ + static_cast<int>(limbs_.size()) < limb_count &&
           (limbs_.back() >= (std::int64_t{1} << 32) || limbs_.back() <= -(std::int64_t{1} << 32))) {
      const std::int64_t up = limbs_.back() >> 32;
      limbs_.back() &= static_cast<std::int64_t>(low_bits);
      limbs_.push_back(up);
    }
  }

  static void carry_all(Limbs& digits) {
    for (std::size_t i = 0; i + 1 < digits.size(); ++i) {
      const std::int64_t up = digits[i] >> 32;
      digits[i] &= static_cast<std::int64_t>(low_bits);
      digits[i + 1] += up;
    }
  }

  // All limbs, carried: the unique form with limbs 0 .. limb_count - 2 in [0, 2^32).
  Limbs normalized() const {
    Limbs digits{};
    for (std::size_t i = 0; i < limbs_.size(); ++i) digits[static_cast<std::size_t>(first_) + i] = limbs_[i];
    carry_all(digits);
    return digits;
  }

  // 64 bits of a carried, non-negative magnitude from bit `from` (units of 2^-1074) up.
  static std::uint64_t bits_from(const Limbs& digits, int from) {
    const auto limb = static_cast<std::size_t>(from >> 5);
    const int shift = from & 31;
    const auto at = [&](std::size_t i) { return i < digits.size() ? static_cast<std::uint64_t>(digits[i]) : 0; };
    const std::uint64_t low = at(limb) | (at(limb + 1) << 32);
    return shift == 0 ? low : (low >> shift) | (at(limb + 2) << (64 - shift));
  }

  static bool any_bit_below(const Limbs& digits, int bit) {
    const auto limb = static_cast<std::size_t>(bit >> 5);
    if ((static_cast<std::uint64_t>(digits[limb]) & ((std::uint64_t{1} << (bit & 31)) - 1)) != 0) return true;
    for (std::size_t i = 0; i < limb; ++i)
      if (digits[i] != 0) return true;
    return false;
  }

  std::vector<std::int64_t> limbs_;  // limbs first_ .. first_ + size - 1
  std::int32_t first_ = 0;
  std::uint32_t pending_ = 0;  // terms added since the last carry
};

}  // namespace cssegment
