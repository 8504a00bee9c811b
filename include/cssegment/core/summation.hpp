#pragma once
// Compensated (Neumaier) summation: a running sum plus the rounding error of every addition, so
// that long sums of money (1e12 next to cents) keep the precision a plain double accumulator
// loses. The result is within about one rounding of the exact sum, for any order of magnitude of
// the terms. Add terms in a fixed order (never per thread) to keep results independent of the
// thread count.
#include <cmath>

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

}  // namespace cssegment
