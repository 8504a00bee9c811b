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
#include <memory>
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
// so a term lands in two limbs with plain integer additions and carries are resolved only when
// a limb nears the end of its 64 bits (after hundreds of terms). The fast case keeps a window of
// 6 limbs in place, one cache line in all (terms within about 2^64 of each other: money from
// cents to billions, the window moving as the sum grows); a sum whose terms spread wider moves
// to all 67 limbs on the heap. Portable: 64-bit integers only.
class alignas(64) ExactSum {
public:
  static constexpr int limb_count = 67;  // 2^-1074 up to 2^1070 and beyond, room for carries

  ExactSum() = default;
  explicit ExactSum(double term) { *this += term; }
  ExactSum(const ExactSum& other)
      : window_(other.window_), all_(other.all_ ? std::make_unique<Limbs>(*other.all_) : nullptr), base_(other.base_) {}
  ExactSum(ExactSum&&) noexcept = default;
  ExactSum& operator=(const ExactSum& other) {
    if (this != &other) *this = ExactSum(other);
    return *this;
  }
  ExactSum& operator=(ExactSum&&) noexcept = default;
  ~ExactSum() = default;

  // Adds a finite term; a NaN or infinite term throws InvalidInput.
  ExactSum& operator+=(double term) {
    // The fast case: a normal term whose limbs lie in the window (never a zero, a subnormal, a
    // NaN or an infinity: their limbs, -1 and 63, are never in a window's first four).
    const auto bits = std::bit_cast<std::uint64_t>(term);
    const int position = static_cast<int>((bits >> 52) & 0x7FF) - 1;
    const int offset = (position >> 5) - base_;
    if (static_cast<unsigned>(offset) <= window_size - 3) [[likely]] {
      const std::uint64_t mantissa = (bits & fraction_mask) | hidden_bit;
      const int shift = position & 31;
      const auto negative = -static_cast<std::int64_t>(bits >> 63);  // 0 or -1
      const auto low = static_cast<std::int64_t>((mantissa << shift) & low_bits);
      const auto high = static_cast<std::int64_t>(mantissa >> (32 - shift));
      std::int64_t& first = window_[static_cast<std::size_t>(offset)];
      std::int64_t& second = window_[static_cast<std::size_t>(offset) + 1];
      first += (low ^ negative) - negative;
      second += (high ^ negative) - negative;
      if (near_full(first, second)) carry();
      return *this;
    }
    return add_outside_window(term);
  }

  // Adds another exact sum (merging partial sums): the result is as if its terms were added here.
  ExactSum& operator+=(const ExactSum& other) {
    if (other.empty()) return *this;
    if (empty()) return *this = other;
    if (!all_ && !other.all_ && base_ == other.base_) {  // the common case: limbs below 2^61 add up
      for (std::size_t i = 0; i < window_size; ++i) window_[i] += other.window_[i];
      carry();
      return *this;
    }
    const Limbs theirs = other.normalized();
    int low = 0, high = limb_count - 1;
    while (low < limb_count && theirs[static_cast<std::size_t>(low)] == 0) ++low;
    if (low == limb_count) return *this;  // their terms cancelled out
    while (theirs[static_cast<std::size_t>(high)] == 0) --high;
    std::int64_t* origin = make_room(low, std::min(high + 1, limb_count - 1));
    for (int i = low; i <= high; ++i) origin[i] += theirs[static_cast<std::size_t>(i)];
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
    if (empty()) return 0.0;
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
    const auto last = first + static_cast<std::int64_t>(values.size()) - 1;
    if (first < 0 || last >= limb_count)
      fail(argument, "digits from limb " + std::to_string(first) + " to " + std::to_string(last) +
                         " lie outside limbs 0 to " + std::to_string(limb_count - 1));
    Limbs digits{};
    for (std::size_t i = 0; i < values.size(); ++i) {
      const bool top = first + static_cast<std::int64_t>(i) == limb_count - 1;
      if (values[i] >= (std::int64_t{1} << 32) || values[i] < (top ? -(std::int64_t{1} << 32) : 0))
        fail(argument, "digit " + std::to_string(values[i]) + " of limb " + std::to_string(first + i) +
                           " is out of range (limbs hold 32 bits)");
      digits[static_cast<std::size_t>(first) + i] = values[i];
    }
    sum.all_ = std::make_unique<Limbs>(digits);
    sum.shrink();
    return sum;
  }

private:
  using Limbs = std::array<std::int64_t, limb_count>;
  static constexpr int window_size = 6;
  // The highest first limb of a window: its first four limbs (where terms land) stop below limb
  // 63, where NaN and infinity would land.
  static constexpr int max_base = 59;
  static constexpr std::uint64_t fraction_mask = (std::uint64_t{1} << 52) - 1;
  static constexpr std::uint64_t hidden_bit = std::uint64_t{1} << 52;
  static constexpr std::uint64_t sign_bit = std::uint64_t{1} << 63;
  static constexpr std::uint64_t low_bits = 0xFFFFFFFFu;
  static constexpr std::int64_t limb_unit = std::int64_t{1} << 32;
  // No window (zero, or all_): far enough below limb 0 that no term's limb is in a window here.
  static constexpr std::int32_t no_window = -(1 << 20);
  // A term adds less than 2^52 to a limb, and the limbs it reached are carried once one leaves
  // [-2^61, 2^61): limbs stay below 2^62 in magnitude, so two sums add without overflow.
  static bool near_full(std::int64_t first, std::int64_t second) {
    constexpr std::uint64_t bias = std::uint64_t{1} << 61;
    return ((static_cast<std::uint64_t>(first) + bias) | (static_cast<std::uint64_t>(second) + bias)) >= 2 * bias;
  }

  bool empty() const { return !all_ && base_ == no_window; }

  ExactSum& add_outside_window(double term) {
    const auto bits = std::bit_cast<std::uint64_t>(term);
    const auto biased = static_cast<int>((bits >> 52) & 0x7FF);
    std::uint64_t mantissa = bits & fraction_mask;
    if (biased == 0x7FF) fail("term", format_number(term) + " is not finite; an exact sum takes finite terms only");
    if (biased != 0) mantissa |= hidden_bit;
    else if (mantissa == 0) return *this;  // +-0 adds nothing
    // term = +-mantissa * 2^(position - 1074) (a subnormal has the position of the smallest normal)
    const int position = biased == 0 ? 0 : biased - 1;
    const int limb = position >> 5, shift = position & 31;
    auto low = static_cast<std::int64_t>((mantissa << shift) & low_bits);
    auto high = static_cast<std::int64_t>(mantissa >> (32 - shift));
    if (bits >> 63) low = -low, high = -high;
    std::int64_t* origin = make_room(limb, limb + 2);
    origin[limb] += low;
    origin[limb + 1] += high;
    if (near_full(origin[limb], origin[limb + 1])) carry();
    return *this;
  }

  // Where absolute limb 0 would be, once limbs [low, high] are stored (high: the limb above the
  // highest one a term reaches, kept free for carries): the window moves to cover them when its
  // digits allow, else every limb moves to the heap.
  std::int64_t* make_room(int low, int high) {
    if (all_) return all_->data();
    if (base_ == no_window) {  // empty: a window around the first term, 2 limbs below, 1 above
      base_ = std::clamp(low - 2, 0, max_base);
      if (high < base_ + window_size) return window_.data() - base_;
    } else {
      carry();
      const std::int64_t top = window_[window_size - 1];
      int used_low = window_size, used_high = -1;
      for (int i = 0; i < window_size; ++i)
        if (window_[static_cast<std::size_t>(i)] != 0) used_low = std::min(used_low, i), used_high = i;
      const int from = std::min(low, used_high < 0 ? low : base_ + used_low);
      const int to = std::max(high, used_high < 0 ? high : base_ + used_high);
      const int base = std::clamp(from - (window_size - 1 - (to - from)) / 2, 0, max_base);
      if (top >= 0 && from >= base && to < base + window_size) {  // digits in [0, 2^32): the window can move
        std::array<std::int64_t, window_size> moved{};
        for (int i = 0; i < window_size; ++i) {
          const int at = base_ + i - base;
          if (window_[static_cast<std::size_t>(i)] != 0)
            moved[static_cast<std::size_t>(at)] = window_[static_cast<std::size_t>(i)];
        }
        window_ = moved;
        base_ = base;
        return window_.data() - base_;
      }
    }
    spill();
    return all_->data();
  }

  // Moves the window's limbs to all limbs on the heap.
  void spill() {
    auto all = std::make_unique<Limbs>();
    if (base_ != no_window)
      for (int i = 0; i < window_size; ++i)
        (*all)[static_cast<std::size_t>(base_ + i)] = window_[static_cast<std::size_t>(i)];
    all_ = std::move(all);
    window_ = {};
    base_ = no_window;
  }

  // Back to a window when the (carried) digits fit one.
  void shrink() {
    const Limbs& all = *all_;
    if (all[limb_count - 1] < 0) return;
    int low = 0, high = limb_count - 1;
    while (low < limb_count && all[static_cast<std::size_t>(low)] == 0) ++low;
    if (low == limb_count) {
      all_.reset();
      return;
    }
    while (all[static_cast<std::size_t>(high)] == 0) --high;
    if (high + 1 - low >= window_size || high + 1 >= limb_count) return;
    const int base = std::clamp(low - 2, 0, max_base);
    if (high + 1 >= base + window_size) return;
    for (int i = 0; i < window_size; ++i)
      window_[static_cast<std::size_t>(i)] = all[static_cast<std::size_t>(base + i)];
    base_ = base;
    all_.reset();
  }

  // Carries so that every limb but the top one is in [0, 2^32). The window's top limb (which
  // no term reaches directly) must stay in (-2^32, 2^32): beyond, every limb moves to the heap.
  void carry() {
    if (all_) {
      carry_all(*all_);
      return;
    }
    for (std::size_t i = 0; i + 1 < window_size; ++i) {
      const std::int64_t up = window_[i] >> 32;  // floor division (arithmetic shift, C++20)
      window_[i] &= static_cast<std::int64_t>(low_bits);
      window_[i + 1] += up;
    }
    const std::int64_t top = window_[window_size - 1];
    if ((top >= limb_unit || top <= -limb_unit) && base_ + window_size < limb_count) {
      spill();
      carry_all(*all_);
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
    if (all_) {
      digits = *all_;
      carry_all(digits);
    } else if (base_ != no_window) {
      for (int i = 0; i < window_size; ++i)
        digits[static_cast<std::size_t>(base_ + i)] = window_[static_cast<std::size_t>(i)];
      // Carry through the window, then on only while something carries (a negative top limb).
      for (auto i = static_cast<std::size_t>(base_); i + 1 < digits.size(); ++i) {
        const std::int64_t up = digits[i] >> 32;
        digits[i] &= static_cast<std::int64_t>(low_bits);
        digits[i + 1] += up;
        if (up == 0 && i + 1 >= static_cast<std::size_t>(base_ + window_size)) break;
      }
    }
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

  std::array<std::int64_t, window_size> window_{};  // limbs base_ .. base_ + 5, unless all_
  std::unique_ptr<Limbs> all_;                      // every limb, once the window is too narrow
  std::int32_t base_ = no_window;                   // the window's first limb
};

}  // namespace cssegment
