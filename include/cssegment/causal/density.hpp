#pragma once
// The density (manipulation) test at a cut-off of Cattaneo, Jansson and Ma ("Simple local
// polynomial density estimators", JASA 2020; "Manipulation testing based on density
// discontinuity", Stata Journal 2018), with the defaults of their rddensity package: unrestricted
// fits on each side, triangular kernel, jackknife variance, mass-point adjustment, regularised
// bandwidths and the "comb" bandwidth rule.
//
// With x sorted (n values) and centred at the cut-off, the empirical distribution function takes
// the value F_i = i / (n - 1) at the i-th value (0-based; tied values all take the value of the
// last of their group). On each side, F is regressed on (1, u, ..., u^p), u = x / h, with the
// triangular weights (1 - |u|) / h over |u| <= 1; the coefficient of u divided by h estimates the
// density f at the cut-off from that side. The jackknife variance of the coefficients is
// H^-1 S^-1 (sum_i L_i L_i') S^-1 H^-1 with S = sum_i w_i r_i r_i' (r_i the regressors of both
// sides, stacked), H = diag(h^j) and L_i = sum_{k > first(i)} w_k r_k / (n - 1), where first(i) is
// the first row of i's group of tied values. The test statistic is
//   T = (f_right - f_left) / sqrt(V_right + V_left - 2 C_left,right)
// from fits of order q = p + 1 (bias-corrected), and the p-value is 2 (1 - Phi(|T|)).
//
// Bandwidths ("comb"): pilot bandwidths from a normal reference (Hermite polynomials at the
// standardised mean), fits of order p + 2 for the bias and of order p for the variance, then the
// MSE-optimal h = (V / (2p B^2 n))^(1 / (2p + 1)) for the left density, the right density, their
// difference and their sum; every bandwidth is kept within the data's range and covers at least
// 20 + p + 1 observations and distinct values on each side. The left bandwidth is the median of
// (left, difference, sum), the right one the median of (right, difference, sum).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "cssegment/core/enum_names.hpp"
#include "cssegment/core/validate.hpp"

namespace cssegment {

// Which MSE-optimal bandwidth the test uses: one per side ("each"), the one of the difference or
// of the sum of the two densities (common to both sides), or the median of the three ("comb").
enum class DensityBandwidth { each, diff, sum, comb };

inline constexpr EnumNames<DensityBandwidth, 4> density_bandwidth_names{"bwselect",
                                                                        "a density bandwidth rule",
                                                                        {{DensityBandwidth::each, "each"},
                                                                         {DensityBandwidth::diff, "diff"},
                                                                         {DensityBandwidth::sum, "sum"},
                                                                         {DensityBandwidth::comb, "comb"}}};

struct DensityTestOptions {
  double cutoff = 0.0;
  int p = 2;  // order of the density fits (the test uses q = p + 1); 1 to 7
  DensityBandwidth bwselect = DensityBandwidth::comb;
  std::optional<double> h_left{};  // given bandwidths (both or neither); otherwise selected
  std::optional<double> h_right{};
};

struct DensityTest {
  double statistic = NAN;  // T of the difference of the two densities (order q)
  double p_value = NAN;
  double h_left = NAN, h_right = NAN;
  std::size_t n_left = 0, n_right = 0;                      // x < cutoff, x >= cutoff
  std::size_t n_effective_left = 0, n_effective_right = 0;  // within the bandwidths
  double density_left = NAN, density_right = NAN;           // order-q estimates at the cut-off
  double se_left = NAN, se_right = NAN, se_difference = NAN;
  double cutoff = 0.0;
  int p = 2, q = 3;
  DensityBandwidth bwselect = DensityBandwidth::comb;
  bool bandwidth_given = false;
};

namespace detail {

// Sorted, centred running variable with its distribution-function values and tie groups.
struct DensitySample {
  std::vector<double> x;       // sorted, x - cutoff
  std::vector<double> cdf;     // i / (n - 1), the last index of the tie group
  std::vector<double> unique;  // distinct values of x, sorted
  std::size_t n_left = 0;      // x < 0
  std::size_t unique_left = 0;
};

// One local polynomial fit of the distribution function on both sides; values per row: left,
// right, difference, sum.
struct DensityFit {
  std::array<double, 4> estimate{NAN, NAN, NAN, NAN};    // coefficient of u^1 / h
  std::array<double, 4> derivative{NAN, NAN, NAN, NAN};  // coefficient of u^s / h^s
  std::array<double, 4> variance{NAN, NAN, NAN, NAN};    // jackknife variance of `estimate`
  std::size_t n_left = 0, n_right = 0;
};

// The fit of order `order` over x in [-h_left, h_right], reporting the s-th coefficient too.
inline DensityFit density_fit(const DensitySample& sample, double h_left, double h_right, int order, int s) {
  const auto& x = sample.x;
  const std::size_t n = x.size();
  const auto begin = static_cast<std::size_t>(std::lower_bound(x.begin(), x.end(), -h_left) - x.begin());
  const auto end = static_cast<std::size_t>(std::upper_bound(x.begin(), x.end(), h_right) - x.begin());
  const std::size_t terms = static_cast<std::size_t>(order) + 1;
  const auto m = static_cast<Eigen::Index>(2 * terms);
  const auto right_of = [](double value) { return value >= 0.0; };
  // Row i's weighted regressors (left block first, right block second).
  const auto regressors = [&](std::size_t i, Eigen::VectorXd& row) {
    row.setZero();
    const bool right = right_of(x[i]);
    const double h = right ? h_right : h_left;
    const double u = x[i] / h;
    double power = 1.0;
    const auto offset = static_cast<Eigen::Index>(right ? terms : 0);
    for (std::size_t j = 0; j < terms; ++j, power *= u) row(offset + static_cast<Eigen::Index>(j)) = power;
  };
  const auto weight = [&](std::size_t i) {
    const double h = right_of(x[i]) ? h_right : h_left;
    return (1.0 - std::abs(x[i]) / h) / h;
  };
  Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(m, m);
  Eigen::VectorXd moment = Eigen::VectorXd::Zero(m);
  Eigen::VectorXd row(m);
  DensityFit fit;
  for (std::size_t i = begin; i < end; ++i) {
    regressors(i, row);
    const double w = weight(i);
    gram.selfadjointView<Eigen::Lower>().rankUpdate(row, w);
    moment += (w * sample.cdf[i]) * row;
    (right_of(x[i]) ? fit.n_right : fit.n_left) += 1;
  }
  gram = gram.selfadjointView<Eigen::Lower>();
  // Jackknife: rows of one tie group share L = (sum of w r over the rows after the group's first).
  Eigen::MatrixXd outer = Eigen::MatrixXd::Zero(m, m);
  Eigen::VectorXd tail = Eigen::VectorXd::Zero(m);
  Eigen::VectorXd group(m);
  Eigen::VectorXd influence(m);
  for (std::size_t last = end; last > begin;) {
    std::size_t first = last - 1;
    while (first > begin && x[first - 1] == x[last - 1]) --first;
    group.setZero();
    for (std::size_t k = first; k < last; ++k) {
      regressors(k, row);
      group += weight(k) * row;
      if (k == first) influence = -weight(k) * row;
    }
    influence += tail + group;
    influence /= static_cast<double>(n - 1);
    outer.selfadjointView<Eigen::Lower>().rankUpdate(influence, static_cast<double>(last - first));
    tail += group;
    last = first;
  }
  outer = outer.selfadjointView<Eigen::Lower>();
  const Eigen::FullPivLU<Eigen::MatrixXd> lu(gram);
  if (!lu.isInvertible()) return fit;
  const Eigen::MatrixXd inverse = lu.inverse();
  Eigen::VectorXd beta = inverse * moment;
  Eigen::MatrixXd variance = inverse * outer * inverse;
  const auto left_at = [](int j) { return static_cast<Eigen::Index>(j); };
  const auto right_at = [&](int j) { return static_cast<Eigen::Index>(terms) + j; };
  const double f_left = beta(left_at(1)) / h_left, f_right = beta(right_at(1)) / h_right;
  fit.estimate = {f_left, f_right, f_right - f_left, f_right + f_left};
  const double d_left = beta(left_at(s)) / std::pow(h_left, s), d_right = beta(right_at(s)) / std::pow(h_right, s);
  fit.derivative = {d_left, d_right, d_right - d_left, d_right + d_left};
  const double v_left = variance(left_at(1), left_at(1)) / (h_left * h_left);
  const double v_right = variance(right_at(1), right_at(1)) / (h_right * h_right);
  const double covariance = variance(left_at(1), right_at(1)) / (h_left * h_right);
  fit.variance = {v_left, v_right, v_left + v_right - 2.0 * covariance, v_left + v_right + 2.0 * covariance};
  for (double& v : fit.variance)
    if (v < 0.0) v = NAN;
  return fit;
}

// Probabilists' Hermite polynomial He_k(z).
inline double hermite(int k, double z) {
  double previous = 1.0, current = z;
  if (k == 0) return previous;
  for (int j = 1; j < k; ++j) {
    const double next = z * current - j * previous;
    previous = current;
    current = next;
  }
  return current;
}

// Distance from 0 to the k-th closest value on the left (values < 0, sorted) and on the right
// (values >= 0, sorted), k counted from 1 and capped by the side's count.
inline double kth_left(std::span<const double> values, std::size_t count_left, std::size_t k) {
  return -values[count_left - std::min(k, count_left)];
}
inline double kth_right(std::span<const double> values, std::size_t count_left, std::size_t k) {
  return values[count_left + std::min(k, values.size() - count_left) - 1];
}

// The MSE-optimal bandwidths of the left density, the right density, their difference and sum.
inline std::array<double, 4> density_bandwidths(const DensitySample& sample, int p) {
  const auto& x = sample.x;
  const auto& unique = sample.unique;
  const std::size_t n = x.size();
  const std::size_t n_left = sample.n_left;
  const std::size_t u_left = sample.unique_left;
  double mean = 0.0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(n);
  double squares = 0.0;
  for (double v : x) squares += (v - mean) * (v - mean);
  const double sd = std::sqrt(squares / static_cast<double>(n - 1));
  const double z = mean / sd;
  const double phi = std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi);
  // Normal-reference constants of the pilot bandwidths, p = 1..7 (as in rddensity).
  static constexpr std::array<double, 7> bias_constants{25884.444444494150957,  3430865.4551236177795,
                                                        845007948.04262602329,  330631733667.03808594,
                                                        187774809656037.3125,   145729502641999264.0,
                                                        146013502974449876992.0};
  static constexpr std::array<double, 7> variance_constants{4.8000000000000246914, 548.57142857155463389,
                                                            100800.00000020420703, 29558225.458100609481,
                                                            12896196859.612621307, 7890871468221.609375,
                                                            6467911284037581.0};
  const double n_total = static_cast<double>(n);
  const double hb = hermite(p + 2, z), hc = hermite(p, z);
  double bn =
      std::pow((2.0 * p + 1.0) / 4.0 * bias_constants[static_cast<std::size_t>(p - 1)] / (hb * hb * phi) / n_total,
               1.0 / (2.0 * p + 5.0)) *
      sd;
  double cn =
      std::pow(1.0 / (2.0 * p) * variance_constants[static_cast<std::size_t>(p - 1)] / (hc * hc * phi) / n_total,
               1.0 / (2.0 * p + 1.0)) *
      sd;
  const double widest = std::max(-unique.front(), unique.back());
  bn = std::min(bn, widest);
  cn = std::min(cn, widest);
  const auto pilot_floor = [&](std::size_t k) {
    return std::max(
        {kth_left(x, n_left, k), kth_right(x, n_left, k), kth_left(unique, u_left, k), kth_right(unique, u_left, k)});
  };
  const auto order = static_cast<std::size_t>(p);
  bn = std::max(bn, pilot_floor(20 + order + 3));
  cn = std::max(cn, pilot_floor(20 + order + 1));

  const DensityFit bias_fit = density_fit(sample, bn, bn, p + 2, p + 1);
  const DensityFit variance_fit = density_fit(sample, cn, cn, p, 1);
  // Leading bias constant e_1' S^-1 c of the order-p fit on [0, 1] with the triangular kernel,
  // where S_jk = int u^(j+k) (1 - u) du and c_j = int u^(j+p+1) (1 - u) du.
  const auto moment = [](int k) { return 1.0 / ((k + 1.0) * (k + 2.0)); };
  const Eigen::Index terms = p + 1;
  Eigen::MatrixXd s_matrix(terms, terms);
  Eigen::VectorXd c_vector(terms);
  for (Eigen::Index j = 0; j < terms; ++j) {
    for (Eigen::Index k = 0; k < terms; ++k) s_matrix(j, k) = moment(static_cast<int>(j + k));
    c_vector(j) = moment(static_cast<int>(j) + p + 1);
  }
  const double bias_constant = s_matrix.fullPivLu().solve(c_vector)(1);
  std::array<double, 4> bias{};
  bias[0] = bias_fit.derivative[0] * bias_constant * (p % 2 == 0 ? 1.0 : -1.0);
  bias[1] = bias_fit.derivative[1] * bias_constant;
  bias[2] = bias[1] - bias[0];
  bias[3] = bias[1] + bias[0];
  std::array<double, 4> h{};
  for (std::size_t i = 0; i < 4; ++i) {
    const double variance = n_total * cn * variance_fit.variance[i];
    h[i] = std::pow(1.0 / (2.0 * p) * variance / (bias[i] * bias[i]) / n_total, 1.0 / (2.0 * p + 1.0));
    if (std::isnan(h[i])) h[i] = 0.0;
  }
  h[0] = std::min(h[0], -unique.front());
  h[1] = std::min(h[1], unique.back());
  h[2] = std::min(h[2], widest);
  h[3] = std::min(h[3], widest);
  const std::size_t local_min = 20 + order + 1;
  const double left_min = std::max(kth_left(x, n_left, local_min), kth_left(unique, u_left, local_min));
  const double right_min = std::max(kth_right(x, n_left, local_min), kth_right(unique, u_left, local_min));
  h[0] = std::max(h[0], left_min);
  h[1] = std::max(h[1], right_min);
  h[2] = std::max({h[2], left_min, right_min});
  h[3] = std::max({h[3], left_min, right_min});
  return h;
}

inline double median_of_three(double a, double b, double c) {
  return std::max(std::min(a, b), std::min(std::max(a, b), c));
}

}  // namespace detail

// The test of a discontinuity in the density of x at options.cutoff (e.g. deals pushed over a
// tier threshold). x must be finite, with at least p + 3 distinct values on each side of the
// cut-off (x < cutoff is left, x >= cutoff is right); given bandwidths must be positive and
// hold at least q + 1 distinct values on each side.
inline DensityTest density_test(std::span<const double> x, const DensityTestOptions& options = {}) {
  require(std::isfinite(options.cutoff), "cutoff", "must be finite, got " + format_number(options.cutoff));
  require(options.p >= 1 && options.p <= 7, "p", "must be an integer from 1 to 7, got " + std::to_string(options.p));
  require(options.h_left.has_value() == options.h_right.has_value(), "h", "give both bandwidths or neither");
  const bool given = options.h_left.has_value();
  if (given) {
    for (const double h : {*options.h_left, *options.h_right})
      require(h > 0.0 && std::isfinite(h), "h", "bandwidths must be finite and > 0, got " + format_number(h));
  }
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!std::isfinite(x[i])) fail_at("x", i, x[i], "values must be finite");
  const int p = options.p, q = p + 1;

  detail::DensitySample sample;
  sample.x.assign(x.begin(), x.end());
  for (double& v : sample.x) v -= options.cutoff;
  std::sort(sample.x.begin(), sample.x.end());
  const std::size_t n = sample.x.size();
  sample.n_left = static_cast<std::size_t>(std::lower_bound(sample.x.begin(), sample.x.end(), 0.0) - sample.x.begin());
  sample.unique = sample.x;
  sample.unique.erase(std::unique(sample.unique.begin(), sample.unique.end()), sample.unique.end());
  sample.unique_left = static_cast<std::size_t>(std::lower_bound(sample.unique.begin(), sample.unique.end(), 0.0) -
                                                sample.unique.begin());
  const std::size_t unique_right = sample.unique.size() - sample.unique_left;
  const std::size_t needed = static_cast<std::size_t>(given ? q + 1 : p + 3);
  if (!given && (sample.unique_left < needed || unique_right < needed))
    fail("x", "needs at least " + std::to_string(needed) + " distinct values on each side of the cutoff " +
                  format_number(options.cutoff) + ", got " + std::to_string(sample.unique_left) + " below and " +
                  std::to_string(unique_right) + " at or above");
  sample.cdf.resize(n);
  for (std::size_t last = n; last > 0;) {
    std::size_t first = last - 1;
    while (first > 0 && sample.x[first - 1] == sample.x[last - 1]) --first;
    for (std::size_t k = first; k < last; ++k)
      sample.cdf[k] = static_cast<double>(last - 1) / static_cast<double>(n - 1);
    last = first;
  }

  DensityTest result;
  result.cutoff = options.cutoff;
  result.p = p;
  result.q = q;
  result.bwselect = options.bwselect;
  result.bandwidth_given = given;
  result.n_left = sample.n_left;
  result.n_right = n - sample.n_left;
  if (given) {
    result.h_left = *options.h_left;
    result.h_right = *options.h_right;
  } else {
    const auto h = detail::density_bandwidths(sample, p);
    switch (options.bwselect) {
      case DensityBandwidth::each:
        result.h_left = h[0];
        result.h_right = h[1];
        break;
      case DensityBandwidth::diff: result.h_left = result.h_right = h[2]; break;
      case DensityBandwidth::sum: result.h_left = result.h_right = h[3]; break;
      case DensityBandwidth::comb:
        result.h_left = detail::median_of_three(h[0], h[2], h[3]);
        result.h_right = detail::median_of_three(h[1], h[2], h[3]);
        break;
    }
  }
  if (given) {
    const auto distinct = [&](double low, double high) {
      const auto& u = sample.unique;
      return static_cast<std::size_t>(std::upper_bound(u.begin(), u.end(), high) -
                                      std::lower_bound(u.begin(), u.end(), low));
    };
    const std::size_t left = distinct(-result.h_left, std::nextafter(0.0, -1.0));
    const std::size_t right = distinct(0.0, result.h_right);
    if (left < needed || right < needed)
      fail("h", "the bandwidths hold " + std::to_string(left) + " distinct values below and " + std::to_string(right) +
                    " at or above the cutoff; the order-" + std::to_string(q) + " fit needs at least " +
                    std::to_string(needed) + " on each side");
  }
  const detail::DensityFit fit = detail::density_fit(sample, result.h_left, result.h_right, q, 1);
  result.n_effective_left = fit.n_left;
  result.n_effective_right = fit.n_right;
  result.density_left = fit.estimate[0];
  result.density_right = fit.estimate[1];
  result.se_left = std::sqrt(fit.variance[0]);
  result.se_right = std::sqrt(fit.variance[1]);
  result.se_difference = std::sqrt(fit.variance[2]);
  result.statistic = fit.estimate[2] / result.se_difference;
  result.p_value = std::erfc(std::abs(result.statistic) / std::numbers::sqrt2);
  return result;
}

}  // namespace cssegment
