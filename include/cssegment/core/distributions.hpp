#pragma once
// Quantiles of the normal, beta and Student t distributions for confidence intervals: the
// regularized incomplete beta function I_x(a, b) by its continued fraction, its inverse by
// safeguarded Halley steps, and the t quantile through the beta (T^2 / (df + T^2) is
// Beta(1/2, df / 2)). Checked against scipy.special.betainc / betaincinv and scipy.stats.t.ppf in
// tests/cpp/core/test_distributions.cpp and tests/python/metrics/test_book_metrics.py.
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace cssegment {

// Standard normal quantile: Acklam's rational approximation refined by one Halley step.
inline double normal_quantile(double prob) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                                 1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                 6.680131188771972e+01, -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                 -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                 3.754408661907416e+00};
  double x;
  if (prob < 0.02425) {
    const double t = std::sqrt(-2.0 * std::log(prob));
    x = (((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t + c[5]) /
        ((((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1.0);
  } else if (prob > 1.0 - 0.02425) {
    const double t = std::sqrt(-2.0 * std::log(1.0 - prob));
    x = -(((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t + c[5]) /
        ((((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1.0);
  } else {
    const double t = prob - 0.5, r = t * t;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * t /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
  }
  const double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - prob;
  const double u = e * std::sqrt(2.0 * 3.14159265358979323846) * std::exp(x * x / 2.0);
  return x - u / (1.0 + x * u / 2.0);
}

namespace beta_detail {

// lgamma(x) - ((x - 1/2) log x - x + log(2 pi) / 2) for x >= 10: Stirling's series (Abramowitz and
// Stegun 6.1.41), its next term below 1e-16 there.
inline double stirling_rest(double x) {
  const double r = 1.0 / (x * x);
  return (1.0 / 12 -
          r * (1.0 / 360 - r * (1.0 / 1260 - r * (1.0 / 1680 - r * (1.0 / 1188 - r * (691.0 / 360360 - r / 156)))))) /
         x;
}

// log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b), with the large lgammas' difference taken by
// Stirling's series instead of cancelling digits (the rests' differences and log1p keep them).
inline double log_beta(double a, double b) {
  if (a > b) std::swap(a, b);
  if (b < 10.0) return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
  const double sum = a + b;
  // lgamma(b) - lgamma(a + b) = -(b - 1/2) log(1 + a / b) - a log(a + b) + a + rest(b) - rest(a + b)
  const double rests = stirling_rest(b) - stirling_rest(sum);
  if (a < 10.0) return std::lgamma(a) - (b - 0.5) * std::log1p(a / b) - a * std::log(sum) + a + rests;
  return 0.5 * std::log(2.0 * 3.14159265358979323846) - 0.5 * std::log(b) - (a - 0.5) * std::log1p(b / a) -
         b * std::log1p(a / b) + stirling_rest(a) + rests;
}

// log of x^a (1 - x)^b.
inline double log_power(double x, double a, double b) { return a * std::log(x) + b * std::log1p(-x); }

// I_x(a, b) = x^a (1 - x)^b / (a B(a, b)) / (1 + d1 / (1 + d2 / (1 + ...))) with
// d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)) and d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m))
// (Abramowitz and Stegun 26.5.8), evaluated front to back by the modified Lentz method; it
// converges fast for x < (a + 1) / (a + b + 2).
inline double continued_fraction(double x, double a, double b) {
  constexpr double tiny = 1e-300, eps = 1e-16;
  double f = 1.0, C = 1.0, D = 0.0;
  const auto term = [&](double coefficient) {
    D = 1.0 + coefficient * D;
    if (std::abs(D) < tiny) D = tiny;
    C = 1.0 + coefficient / C;
    if (std::abs(C) < tiny) C = tiny;
    D = 1.0 / D;
    f *= C * D;
    return std::abs(C * D - 1.0);
  };
  for (int m = 0; m < 100000; ++m) {
    const double odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
    const double change = term(odd);
    const int k = m + 1;
    const double even = k * (b - k) * x / ((a + 2 * k - 1) * (a + 2 * k));
    if (std::max(change, term(even)) < eps) break;
  }
  return std::exp(log_power(x, a, b) - log_beta(a, b)) / (a * f);
}

}  // namespace beta_detail

// The regularized incomplete beta function I_x(a, b), the Beta(a, b) distribution function at x
// (a, b > 0; x clamped to [0, 1]).
inline double incomplete_beta(double x, double a, double b) {
  if (!(a > 0.0 && b > 0.0) || std::isnan(x)) return std::numeric_limits<double>::quiet_NaN();
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  if (x < (a + 1.0) / (a + b + 2.0)) return beta_detail::continued_fraction(x, a, b);
  return 1.0 - beta_detail::continued_fraction(1.0 - x, b, a);  // I_x(a, b) = 1 - I_{1-x}(b, a)
}

// The Beta(a, b) quantile: the x in [0, 1] with I_x(a, b) = prob. Halley steps on I_x - prob
// (the density's log-derivative (a - 1) / x - (b - 1) / (1 - x) gives the second derivative)
// inside a bracket that every evaluation narrows; a step leaving the bracket bisects it instead.
inline double beta_quantile(double prob, double a, double b) {
  if (!(a > 0.0 && b > 0.0) || !(prob >= 0.0 && prob <= 1.0)) return std::numeric_limits<double>::quiet_NaN();
  if (prob == 0.0) return 0.0;
  if (prob == 1.0) return 1.0;
  // Start: Abramowitz and Stegun 26.5.22 (a normal approximation) for a, b >= 1; otherwise the
  // tails alone, I_x ~ x^a / (a B) near 0 and 1 - (1 - x)^b / (b B) near 1, split where their
  // masses at the mean meet.
  double x;
  const double log_beta = beta_detail::log_beta(a, b);
  if (a >= 1.0 && b >= 1.0) {
    const double y = -normal_quantile(prob), lambda = (y * y - 3.0) / 6.0;
    const double h = 2.0 / (1.0 / (2.0 * a - 1.0) + 1.0 / (2.0 * b - 1.0));
    const double w = y * std::sqrt(h + lambda) / h -
                     (1.0 / (2.0 * b - 1.0) - 1.0 / (2.0 * a - 1.0)) * (lambda + 5.0 / 6.0 - 2.0 / (3.0 * h));
    x = a / (a + b * std::exp(2.0 * w));
  } else {
    const double mean = a / (a + b);
    const double low_mass = std::exp(a * std::log(mean) - log_beta) / a;
    const double high_mass = std::exp(b * std::log1p(-mean) - log_beta) / b;
    x = prob * (low_mass + high_mass) < low_mass ? std::exp((std::log(prob * a) + log_beta) / a)
                                                 : -std::expm1((std::log((1.0 - prob) * b) + log_beta) / b);
  }
  double low = 0.0, high = 1.0;
  if (!(x > 0.0 && x < 1.0)) x = 0.5;
  for (int i = 0; i < 1000; ++i) {
    // Above the median the error is taken on the upper tail, (1 - prob) - (1 - I_x): I_x - prob
    // near 1 would lose the digits of the tail.
    const bool lower_side = x < (a + 1.0) / (a + b + 2.0);
    const double tail =
        lower_side ? beta_detail::continued_fraction(x, a, b) : beta_detail::continued_fraction(1.0 - x, b, a);
    const double error =
        prob <= 0.5 ? (lower_side ? tail : 1.0 - tail) - prob : (1.0 - prob) - (lower_side ? 1.0 - tail : tail);
    if (error == 0.0) return x;
    (error < 0.0 ? low : high) = x;
    const double density = std::exp(beta_detail::log_power(x, a - 1.0, b - 1.0) - log_beta);
    double next = 0.5 * (low + high);
    if (density > 0.0 && std::isfinite(density)) {
      const double u = error / density;
      const double curvature = (a - 1.0) / x - (b - 1.0) / (1.0 - x);
      const double halley = x - u / (1.0 - 0.5 * std::min(1.0, std::max(-1.0, u * curvature)));
      if (std::abs(halley - x) <= 1e-15 * x) return halley;  // converged (x may be a bracket end now)
      if (halley > low && halley < high) next = halley;
    }
    if (high - low <= 1e-15 * high) return next;
    x = next;
  }
  return x;
}

// The Student t quantile with `df` > 0 degrees of freedom (any real df): P(T <= t) = prob. For
// prob > 1/2, t = sqrt(df (1 - y) / y) with y = I^-1_{2 (1 - prob)}(df / 2, 1 / 2), the
// complement of T^2 / (df + T^2) ~ Beta(1/2, df / 2) (accurate where y is small; near the centre
// T^2 / (df + T^2) is solved for instead).
inline double student_t_quantile(double prob, double df) {
  if (!(df > 0.0) || !(prob > 0.0 && prob < 1.0)) return std::numeric_limits<double>::quiet_NaN();
  if (prob == 0.5) return 0.0;
  const double tail = prob > 0.5 ? 1.0 - prob : prob;
  // Near the centre (2 tail > 1/2) solve for T^2 / (df + T^2) itself, small there.
  const double x = 2.0 * tail > 0.5 ? beta_quantile(1.0 - 2.0 * tail, 0.5, df / 2.0) : NAN;
  const double y = 2.0 * tail > 0.5 ? 1.0 - x : beta_quantile(2.0 * tail, df / 2.0, 0.5);
  const double t = 2.0 * tail > 0.5 ? std::sqrt(df * x / y) : std::sqrt(df * (1.0 - y) / y);
  return prob > 0.5 ? t : -t;
}

}  // namespace cssegment
