#pragma once
// The Gauss hypergeometric function 2F1(1, b; c; z) for b, c > 0 and 0 <= z <= 1: the sums of
// discounted survival of the shifted-beta-geometric model are of this form.
//
// Near z = 1 (small discount rates) the power series needs ~1/(1 - z) terms. Gauss's continued
// fraction for 2F1(a + 1, b; c + 1; z) / 2F1(a, b; c; z), taken at a = 0, converges in
// ~1/sqrt(1 - z) terms instead (it is the Pade approximant of the series), and is evaluated here by
// the modified Lentz method. At z = 1 the closed form (c - 1) / (c - b - 1) is used.
#include <cmath>
#include <cstddef>
#include <limits>

#include "cssegment/core/validate.hpp"

namespace cssegment {

namespace detail {

// Coefficient k_n of Gauss's continued fraction 1 / (1 + k_1 z / (1 + k_2 z / (1 + ...))) for
// 2F1(1, b; c + 1; z) (a = 0):
//   k_{2i+1} = (a - c - i)(b + i) / ((c + 2i)(c + 2i + 1)),
//   k_{2i}   = (b - c - i)(a + i) / ((c + 2i - 1)(c + 2i)).
inline double gauss_fraction_coefficient(std::size_t n, double b, double c) {
  const auto i = static_cast<double>(n / 2);
  if (n % 2 == 1) return (-c - i) * (b + i) / ((c + 2.0 * i) * (c + 2.0 * i + 1.0));
  return (b - c - i) * i / ((c + 2.0 * i - 1.0) * (c + 2.0 * i));
}

}  // namespace detail

// Upper bound on continued-fraction terms: reached only for 1 - z below ~1e-12.
inline constexpr std::size_t hypergeometric_max_terms = 20'000'000;

inline double hypergeometric_2f1_unit_a(double b, double c, double z) {
  if (!(b > 0.0 && std::isfinite(b))) fail("b", format_number(b) + " must be finite and > 0");
  if (!(c > 0.0 && std::isfinite(c))) fail("c", format_number(c) + " must be finite and > 0");
  if (!(z >= 0.0 && z <= 1.0)) fail("z", format_number(z) + " must be in [0, 1]");
  if (z == 0.0) return 1.0;
  if (z == 1.0) return c - b > 1.0 ? (c - 1.0) / (c - b - 1.0) : std::numeric_limits<double>::infinity();
  // The fraction's first coefficient divides by c - 1: shift c up with
  // 2F1(1, b; c; z) = 1 + (b / c) z 2F1(1, b + 1; c + 1; z) until c - 1 is comfortably positive.
  if (c < 2.0) return 1.0 + b / c * z * hypergeometric_2f1_unit_a(b + 1.0, c + 1.0, z);
  const double shifted = c - 1.0;
  constexpr double tiny = 1e-300, epsilon = 1e-16;
  double value = 1.0, C = 1.0, D = 0.0;
  for (std::size_t n = 1; n <= hypergeometric_max_terms; ++n) {
    const double term = detail::gauss_fraction_coefficient(n, b, shifted) * z;
    D = 1.0 + term * D;
    C = 1.0 + term / C;
    if (D == 0.0) D = tiny;
    if (C == 0.0) C = tiny;
    D = 1.0 / D;
    const double delta = C * D;
    value *= delta;
    if (std::abs(delta - 1.0) < epsilon) break;
  }
  return 1.0 / value;
}

}  // namespace cssegment
