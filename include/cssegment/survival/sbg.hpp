#pragma once
// The shifted-beta-geometric (sBG) retention model (Fader & Hardie 2007): each customer churns at
// the end of every period with their own probability theta, and theta varies across customers as
// Beta(alpha, beta). The cohort's retention rate therefore rises with tenure (the customers most
// likely to churn leave first), which a constant churn rate cannot show.
//
//   hazard        h(t) = alpha / (alpha + beta + t - 1)       (churn in period t, given alive)
//   retention     r(t) = (beta + t - 1) / (alpha + beta + t - 1) = 1 - h(t)
//   survival      S(t) = r(1) ... r(t),  S(0) = 1
//   P(T = t)      = S(t - 1) h(t)
//   DEL(d)        = sum_t S(t) / (1 + d)^t = 2F1(1, beta; alpha + beta; 1 / (1 + d))
//   DERL(d | n)   = (beta + n) / (alpha + beta + n) 2F1(1, beta + n + 1; alpha + beta + n + 1; 1 / (1 + d))
//
// From survivor counts survivors[0] >= survivors[1] >= ... the log-likelihood is a sum of per-period
// Bernoulli terms: sum_t lost_t log h(t) + survivors[t] log r(t). It is maximised over
// (log alpha, log beta) by Newton's method with exact first and second derivatives, Levenberg
// damping where the Hessian is not negative definite, and a backtracking line search. Everything
// is written with logs of ratios, so extreme alpha and beta stay finite.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "cssegment/core/error.hpp"
#include "cssegment/core/json.hpp"
#include "cssegment/core/parallel.hpp"
#include "cssegment/core/validate.hpp"
#include "cssegment/survival/hypergeometric.hpp"

namespace cssegment {

// One cohort's maximum-likelihood fit.
struct SbgFit {
  double alpha = NAN;
  double beta = NAN;
  double log_likelihood = NAN;
  std::size_t periods = 0;  // transitions observed: survivor counts used - 1
  std::size_t iterations = 0;
  bool converged = false;  // Newton's method stopped by its own test, within sbg_max_iterations
  bool boundary = false;   // the data identify no heterogeneity: see sbg_at_constant_churn
};

namespace detail {

// log alpha and log beta stay within +-sbg_log_bound: a cohort that churns at a constant rate has
// its maximum at infinity (alpha, beta -> inf with alpha / (alpha + beta) fixed), reached closely
// enough at e^30.
inline constexpr double sbg_log_bound = 30.0;
inline constexpr std::size_t sbg_max_iterations = 200;
// alpha + beta beyond this: the churn probabilities' Beta has a standard deviation below 1e-4 of
// its mean's range, i.e. every customer churns at the same rate alpha / (alpha + beta).
inline constexpr double sbg_constant_churn_sum = 1e8;
// A fit whose log-likelihood beats one churn rate for everybody (the geometric model) by no more
// than this, relative to 1 + |its log-likelihood|, is at the constant-churn limit.
inline constexpr double sbg_constant_churn_gain = 1e-6;

}  // namespace detail

// Whether (alpha, beta) lie at the constant-churn limit, where the data identify a churn rate but
// no heterogeneity: alpha + beta beyond 1e8, or a parameter at the fit's bound e^+-30 (a cohort
// that never churns has alpha -> 0, one that churns completely beta -> 0). The fitted values there
// are arbitrary along the ridge; only the rate alpha / (alpha + beta) means something. A fit also
// flags a likelihood no better than the constant rate's (SbgFit::boundary).
inline bool sbg_at_constant_churn(double alpha, double beta) {
  const double bound = std::exp(detail::sbg_log_bound) * (1.0 - 1e-9), floor = 1.0 / bound;
  return alpha + beta >= detail::sbg_constant_churn_sum || alpha <= floor || beta <= floor || alpha >= bound ||
         beta >= bound;
}

namespace detail {

struct SbgObjective {
  double value = 0.0;                    // log-likelihood
  double grad_a = 0.0, grad_b = 0.0;     // d/d log alpha, d/d log beta
  double hess_aa = 0.0, hess_ab = 0.0, hess_bb = 0.0;
};

// Log-likelihood of survivor counts `survivors` (survivors[0] = cohort size) at log alpha = a,
// log beta = b, with derivatives when `derivatives` is set.
inline SbgObjective sbg_objective(std::span<const double> survivors, double a, double b, bool derivatives) {
  const double alpha = std::exp(a), beta = std::exp(b);
  SbgObjective out;
  for (std::size_t t = 1; t < survivors.size(); ++t) {
    const double lost = survivors[t - 1] - survivors[t], kept = survivors[t];
    const double u = beta + static_cast<double>(t - 1), s = alpha + u;
    // log h = log(alpha / (alpha + u)) = -log1p(u / alpha): log alpha - log s cancels when alpha
    // dwarfs u (everybody leaves at once), which cost 1e-8 of a billion-customer likelihood.
    if (lost > 0.0) out.value -= lost * std::log1p(u / alpha);
    if (kept > 0.0) out.value -= kept * std::log1p(alpha / u);
    if (!derivatives) continue;
    const double h = alpha / s, r = u / s, q = beta / s, p = beta / u, at_risk = lost + kept;
    out.grad_a += lost * r - kept * h;
    out.grad_b += kept * h * p - lost * q;
    out.hess_aa -= at_risk * h * r;
    out.hess_ab += at_risk * q * h;
    out.hess_bb += kept * h * p * (1.0 - p - q) - lost * q * (1.0 - q);
  }
  return out;
}

// Products of retention rates switch to Stirling's series once beta + t reaches this.
inline constexpr double sbg_stirling_from = 16.0;
// The largest alpha or beta a model takes: alpha + beta + t stays finite for t up to 1e307.
inline constexpr double sbg_max_parameter = 1e300;

// Stirling's correction to log Gamma(z): sum_k B_2k / (2k (2k - 1) z^(2k - 1)); five terms are
// exact to about 1e-16 from z = 16 on.
inline double sbg_stirling_correction(double z) {
  const double w = 1.0 / (z * z);
  return (1.0 / 12.0 - w * (1.0 / 360.0 - w * (1.0 / 1260.0 - w * (1.0 / 1680.0 - w / 1188.0)))) / z;
}

// log S(t) = log B(alpha, beta + t) - log B(alpha, beta) for a whole t >= 0: the product of the
// first retention rates while beta + i - 1 < sbg_stirling_from (at most 16 of them), then
// Stirling's series for log Gamma(beta + t) / Gamma(alpha + beta + t) relative to where the
// product stopped. Constant time: survival(1e15) is as quick as survival(1).
inline double sbg_log_survival(double alpha, double beta, double t) {
  double log_survival = 0.0, i = 0.0;
  for (; i < t && beta + i < sbg_stirling_from; i += 1.0) log_survival -= std::log1p(alpha / (beta + i));
  if (i == t) return log_survival;
  // log Gamma(x + n) / Gamma(x + alpha + n) relative to n = 0, at x = from = beta + i and
  // n = t - i, by Stirling's series: with D(x) = (x - 1/2) log1p(alpha / x) and the exact n,
  //   -[D(to) - D(from)] - alpha log1p(n / (from + alpha)) + corrections,
  //   D(to) - D(from) = n log1p(alpha / to) + (from - 1/2) log1p(-alpha n / (to (from + alpha))),
  // (the last log is log1p(alpha / to) - log1p(alpha / from) without cancelling), so that nothing
  // is lost when n is below the resolution of beta (beta = 1e300, t = 1) or beta + t passes the
  // largest double (there n / to -> 1 and n log1p(alpha / to) -> alpha).
  const double from = beta + i, to = beta + t, n = t - i, widened = std::log1p(n / (from + alpha));
  const double share = std::isinf(to) ? 1.0 : n / to;
  const double outer = std::isinf(to) ? alpha : n * std::log1p(alpha / to);
  // log1p(alpha / to) - log1p(alpha / from): as one log1p while to is near from, as a difference
  // once to is far (there alpha / (from + alpha) may round to 1 and the log1p to -inf).
  const double lift =
      share < 0.5 ? std::log1p(-alpha / (from + alpha) * share) : std::log1p(alpha / to) - std::log1p(alpha / from);
  const double difference = outer + (from - 0.5) * lift;
  const double corrections = sbg_stirling_correction(to) - sbg_stirling_correction(from) -
                             sbg_stirling_correction(to + alpha) + sbg_stirling_correction(from + alpha);
  return log_survival - difference - alpha * widened + corrections;
}

}  // namespace detail

// Checks survivor counts: finite, >= 0, non-increasing, starting above 0, at least two of them.
inline void check_survivor_values(std::string_view argument, std::span<const double> survivors) {
  for (std::size_t t = 0; t < survivors.size(); ++t) {
    const double value = survivors[t];
    if (!(value >= 0.0 && std::isfinite(value))) fail_at(argument, t, value, "survivor counts must be finite and >= 0");
    if (t == 0 && value == 0.0) fail_at(argument, t, value, "the cohort must start with more than 0 customers");
    if (t > 0 && value > survivors[t - 1])
      fail_at(argument, t, value,
              "survivor counts must not increase (previous is " + format_number(survivors[t - 1]) + ")");
  }
}

inline void check_survivors(std::string_view argument, std::span<const double> survivors) {
  if (survivors.size() < 2)
    fail(argument,
         "needs at least 2 counts (the cohort size and one later count), got " + std::to_string(survivors.size()));
  check_survivor_values(argument, survivors);
}

// Maximum-likelihood alpha and beta of one cohort's survivor counts.
inline SbgFit fit_sbg(std::span<const double> survivors, std::string_view argument = "survivors") {
  check_survivors(argument, survivors);
  // Start from the first period's churn rate, split as a strongly heterogeneous Beta (alpha + beta = 1).
  const double first_churn = std::clamp((survivors[0] - survivors[1]) / survivors[0], 1e-3, 1.0 - 1e-3);
  double a = std::log(first_churn), b = std::log1p(-first_churn);
  auto current = detail::sbg_objective(survivors, a, b, true);
  SbgFit fit;
  for (fit.iterations = 1; fit.iterations <= detail::sbg_max_iterations; ++fit.iterations) {
    // Newton's step solves -H step = g. Where -H is not positive definite (a saddle, or the
    // curved ridge of nearly equal likelihood along which alpha and beta grow together), each
    // eigenvalue of -H is replaced by its absolute value: the step still climbs along every
    // eigenvector, and along a ridge of small curvature it is long instead of being damped to a
    // crawl (a fixed damping needed more than the iteration limit to cross a ridge of e^4).
    const double naa = -current.hess_aa, nab = -current.hess_ab, nbb = -current.hess_bb;
    const double half_gap = std::sqrt(0.25 * (naa - nbb) * (naa - nbb) + nab * nab);
    const double larger = 0.5 * (naa + nbb) + half_gap, smaller = 0.5 * (naa + nbb) - half_gap;
    const double floor = 1e-10 * std::max({std::abs(naa), std::abs(nbb), 1e-12});
    double step_a = 0.0, step_b = 0.0;
    if (smaller > floor) {
      const double det = naa * nbb - nab * nab;
      step_a = (nbb * current.grad_a - nab * current.grad_b) / det;
      step_b = (naa * current.grad_b - nab * current.grad_a) / det;
    } else {
      // Unit eigenvector of the larger eigenvalue (the other is orthogonal to it).
      double va = nab, vb = larger - naa;
      if (std::abs(va) + std::abs(vb) == 0.0) va = naa >= nbb ? 1.0 : 0.0, vb = 1.0 - va;
      const double norm = std::hypot(va, vb);
      va /= norm, vb /= norm;
      const double along = (va * current.grad_a + vb * current.grad_b) / std::max(std::abs(larger), floor);
      const double across = (-vb * current.grad_a + va * current.grad_b) / std::max(std::abs(smaller), floor);
      step_a = va * along - vb * across;
      step_b = vb * along + va * across;
    }
    // A trust region on the log scale: no step multiplies a parameter by more than e^4.
    const double longest = std::max(std::abs(step_a), std::abs(step_b));
    if (longest > 4.0) step_a *= 4.0 / longest, step_b *= 4.0 / longest;
    bool improved = false;
    for (int halving = 0; halving < 40; ++halving) {
      const double next_a = std::clamp(a + step_a, -detail::sbg_log_bound, detail::sbg_log_bound);
      const double next_b = std::clamp(b + step_b, -detail::sbg_log_bound, detail::sbg_log_bound);
      const double value = detail::sbg_objective(survivors, next_a, next_b, false).value;
      if (value >= current.value) {
        const double moved = std::max(std::abs(next_a - a), std::abs(next_b - b));
        const double gain = value - current.value;
        a = next_a, b = next_b;
        current = detail::sbg_objective(survivors, a, b, true);
        improved = moved > 1e-10 && gain > 1e-15 * std::abs(value);
        break;
      }
      step_a *= 0.5, step_b *= 0.5;
    }
    if (!improved) {
      fit.converged = true;
      break;
    }
  }
  fit.alpha = std::exp(a);
  fit.beta = std::exp(b);
  // At the limit, or on the ridge towards it: no better than one churn rate for everybody.
  double lost = 0.0, at_risk = 0.0;
  for (std::size_t t = 1; t < survivors.size(); ++t)
    lost += survivors[t - 1] - survivors[t], at_risk += survivors[t - 1];
  const double rate = lost / at_risk, kept = at_risk - lost;
  const double geometric = (lost > 0.0 ? lost * std::log(rate) : 0.0) + (kept > 0.0 ? kept * std::log1p(-rate) : 0.0);
  fit.boundary = sbg_at_constant_churn(fit.alpha, fit.beta) ||
                 current.value - geometric <= detail::sbg_constant_churn_gain * (1.0 + std::abs(geometric));
  fit.log_likelihood = current.value;
  fit.periods = survivors.size() - 1;
  return fit;
}

// Fits every row of a row-major rows x columns matrix of survivor counts (NaN after a cohort's last
// observed count: ragged cohorts). Rows with fewer than `min_counts` observed counts (at least 2)
// are not fitted: NaN parameters and 0 periods. Cohorts are fitted in parallel.
inline std::vector<SbgFit> fit_sbg_many(std::span<const double> survivors, std::size_t rows, std::size_t columns,
                                        std::size_t min_counts = 2, std::size_t max_threads = 0) {
  if (survivors.size() != rows * columns)
    fail("survivors", "holds " + std::to_string(survivors.size()) +
                          " values, not rows x columns = " + std::to_string(rows) + " x " + std::to_string(columns));
  min_counts = std::max<std::size_t>(2, min_counts);
  std::vector<SbgFit> fits(rows);
  parallel_for(
      rows, 16,
      [&](std::size_t begin, std::size_t end) {
        for (std::size_t row = begin; row < end; ++row) {
          const auto counts = survivors.subspan(row * columns, columns);
          std::size_t observed = 0;
          while (observed < columns && !std::isnan(counts[observed])) ++observed;
          const std::string argument = "survivors[" + std::to_string(row) + "]";
          for (std::size_t t = observed; t < columns; ++t)
            if (!std::isnan(counts[t]))
              fail_at(argument, t, counts[t],
                      "a count after a missing one (NaN marks only the unobserved end of a cohort)");
          if (observed < min_counts) {
            check_survivor_values(argument, counts.first(observed));
            continue;
          }
          fits[row] = fit_sbg(counts.first(observed), argument);
        }
      },
      max_threads);
  return fits;
}

class ShiftedBetaGeometric {
public:
  ShiftedBetaGeometric() = default;
  ShiftedBetaGeometric(double alpha, double beta) : alpha_(alpha), beta_(beta) {
    check_parameter("alpha", alpha);
    check_parameter("beta", beta);
  }

  static ShiftedBetaGeometric fit(std::span<const double> survivors) {
    const SbgFit result = fit_sbg(survivors);
    ShiftedBetaGeometric model(result.alpha, result.beta);
    model.log_likelihood_ = result.log_likelihood;
    model.periods_ = result.periods;
    model.boundary_ = result.boundary;
    return model;
  }

  bool fitted() const { return !std::isnan(alpha_); }
  double alpha() const { return require_fitted(), alpha_; }
  double beta() const { return require_fitted(), beta_; }
  // NaN when the parameters were given rather than fitted.
  double log_likelihood() const { return log_likelihood_; }
  std::size_t periods() const { return periods_; }
  // The constant-churn limit (sbg_at_constant_churn): the churn rate alpha / (alpha + beta) the
  // data identify there, NaN elsewhere.
  // A fitted model also knows its fit's flag (not kept in JSON, which keeps alpha and beta).
  bool at_constant_churn() const { return boundary_ || sbg_at_constant_churn(alpha(), beta_); }
  double constant_churn() const { return at_constant_churn() ? alpha_ / (alpha_ + beta_) : NAN; }

  // Per period t = 1..periods (index 0 unused and NaN): r(t), and S(t) for t = 0..periods.
  double retention_rate(double t) const {
    check_period("t", t, 1.0);
    const double u = beta() + (t - 1.0);
    return u / (alpha_ + u);
  }
  // S(t) = B(alpha, beta + t) / B(alpha, beta), in constant time whatever t (see sbg_log_survival).
  double survival(double t) const {
    check_period("t", t, 0.0);
    return std::exp(detail::sbg_log_survival(alpha(), beta_, t));
  }
  double churn_probability(double t) const {
    check_period("t", t, 1.0);
    // beta + (t - 1) first: with subnormal alpha and beta, alpha + beta + 1 - 1 rounds to 0.
    return survival(t - 1.0) * alpha_ / (alpha_ + (beta_ + (t - 1.0)));
  }
  // S(0..periods), with each value built from the previous one.
  std::vector<double> survival_curve(std::size_t periods) const {
    require_fitted();
    std::vector<double> curve(periods + 1, 1.0);
    double log_survival = 0.0;
    for (std::size_t t = 1; t <= periods; ++t) {
      log_survival -= std::log1p(alpha_ / (beta_ + static_cast<double>(t - 1)));
      curve[t] = std::exp(log_survival);
    }
    return curve;
  }

  // Discounted expected lifetime of a new customer, in periods (the first period counts in full).
  double discounted_expected_lifetime(double discount_rate) const {
    require_fitted();
    return residual(discount_rate, 0.0, /*include_current=*/true);
  }
  // Discounted expected residual lifetime of a customer who has made `renewals` renewals.
  double discounted_expected_residual_lifetime(double discount_rate, double renewals) const {
    require_fitted();
    check_period("renewals", renewals, 0.0);
    return residual(discount_rate, renewals, /*include_current=*/false);
  }
  // Expected lifetime value of a new customer paying `margin` per period.
  double lifetime_value(double margin, double discount_rate) const {
    if (!std::isfinite(margin)) fail("margin_per_period", format_number(margin) + " must be finite");
    return margin * discounted_expected_lifetime(discount_rate);
  }

  // The document's keys; what is unknown (an unfitted model's parameters) is written as null.
  static constexpr auto json_fields() {
    using Number = std::optional<double>;
    const auto known = [](double value) { return std::isnan(value) ? Number() : Number(value); };
    return std::tuple{
        json::key<ShiftedBetaGeometric, Number>("alpha",
                                                [=](const ShiftedBetaGeometric& m) { return known(m.alpha_); }),
        json::key<ShiftedBetaGeometric, Number>("beta", [=](const ShiftedBetaGeometric& m) { return known(m.beta_); }),
        json::key<ShiftedBetaGeometric, Number>("log_likelihood",
                                                [=](const ShiftedBetaGeometric& m) {
                                                  return known(m.log_likelihood_);
                                                }),
        json::key("periods", &ShiftedBetaGeometric::periods_)};
  }

  std::string to_json() const { return json::write_model("ShiftedBetaGeometric", *this); }

  static ShiftedBetaGeometric from_json(std::string_view text) {
    const auto [alpha, beta, log_likelihood, periods] =
        json::read_fields(json::parse_document(text, "ShiftedBetaGeometric"), json_fields());
    if (alpha.has_value() != beta.has_value())
      fail("json", "fields 'alpha' and 'beta' must both be numbers or both null");
    ShiftedBetaGeometric model;
    if (alpha) model = ShiftedBetaGeometric(*alpha, *beta);
    model.log_likelihood_ = log_likelihood.value_or(NAN);
    model.periods_ = periods;
    return model;
  }

  bool operator==(const ShiftedBetaGeometric& other) const {
    auto same = [](double x, double y) { return x == y || (std::isnan(x) && std::isnan(y)); };
    return same(alpha_, other.alpha_) && same(beta_, other.beta_) && same(log_likelihood_, other.log_likelihood_) &&
           periods_ == other.periods_;
  }

private:
  static void check_parameter(std::string_view name, double value) {
    if (!(value > 0.0 && std::isfinite(value))) fail(name, format_number(value) + " must be finite and > 0");
    // alpha + beta + t - 1 must stay a double (a fit stays below e^30 = 1.1e13).
    if (value > detail::sbg_max_parameter)
      fail(name, format_number(value) + " must be at most 1e300 (alpha + beta must stay a double)");
  }

  static void check_period(std::string_view name, double t, double lowest) {
    if (!(t >= lowest && std::isfinite(t) && t == std::floor(t)))
      fail(name, format_number(t) + " must be a whole number >= " + format_number(lowest));
  }

  void require_fitted() const {
    if (!fitted()) throw NotFitted("ShiftedBetaGeometric: give alpha and beta, or call fit()");
  }

  // sum over t > n of S(t) / S(n) / (1 + d)^(t - n - 1) (DERL), plus the current period when
  // `include_current` (DEL, n = 0). A negative rate makes the sum diverge: S(t) falls only like a
  // power of t.
  double residual(double discount_rate, double renewals, bool include_current) const {
    if (!(discount_rate > -1.0 && std::isfinite(discount_rate)))
      fail("discount_rate", format_number(discount_rate) + " must be finite and > -1");
    if (discount_rate < 0.0) return std::numeric_limits<double>::infinity();
    const double z = 1.0 / (1.0 + discount_rate);
    if (include_current) return hypergeometric_2f1_unit_a(beta_, alpha_ + beta_, z);
    const double n = renewals;
    return (beta_ + n) / (alpha_ + beta_ + n) * hypergeometric_2f1_unit_a(beta_ + n + 1.0, alpha_ + beta_ + n + 1.0, z);
  }

  double alpha_ = NAN;
  double beta_ = NAN;
  double log_likelihood_ = NAN;
  std::size_t periods_ = 0;
  bool boundary_ = false;
};

}  // namespace cssegment
