#define BOOST_TEST_MODULE survival.sbg
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "cssegment/survival/sbg.hpp"

using namespace cssegment;
using cssegment::testing::message_of;
namespace tt = boost::test_tools;

namespace {

// Fader & Hardie (2007), "How to project customer retention", Table 1: customers still active at
// the start of years 0..12, out of 1,000, for the "regular" and "high end" segments.
const std::vector<double> regular{1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173};
const std::vector<double> high_end{1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394};

std::vector<double> first(const std::vector<double>& values, std::size_t n) {
  return {values.begin(), values.begin() + static_cast<std::ptrdiff_t>(n)};
}

}  // namespace

BOOST_AUTO_TEST_CASE(uniform_mixing_gives_the_hand_computed_curve) {
  // alpha = beta = 1: S(t) = 1 / (t + 1), r(t) = t / (t + 1), P(T = t) = 1 / (t (t + 1)).
  const ShiftedBetaGeometric model(1.0, 1.0);
  for (double t : {1.0, 2.0, 5.0, 40.0}) {
    BOOST_TEST(model.survival(t) == 1.0 / (t + 1.0), tt::tolerance(1e-14));
    BOOST_TEST(model.retention_rate(t) == t / (t + 1.0), tt::tolerance(1e-14));
    BOOST_TEST(model.churn_probability(t) == 1.0 / (t * (t + 1.0)), tt::tolerance(1e-14));
  }
  BOOST_TEST(model.survival(0.0) == 1.0);
  const auto curve = model.survival_curve(4);
  BOOST_TEST(curve.size() == 5u);
  BOOST_TEST(curve[4] == 0.2, tt::tolerance(1e-14));
  // DEL = 2F1(1, 1; 2; z) = -(1 + d) log(d / (1 + d)).
  for (double d : {0.1, 0.01})
    BOOST_TEST(model.discounted_expected_lifetime(d) == (1.0 + d) * std::log((1.0 + d) / d), tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(design_recursions_hold) {
  // docs/guide/survival.md: P(T=1) = a/(a+b), P(T=t) = P(T=t-1)(b+t-2)/(a+b+t-1), S(t) = S(t-1)(b+t-1)/(a+b+t-1).
  const double a = 0.7, b = 2.3;
  const ShiftedBetaGeometric model(a, b);
  double p = a / (a + b), s = 1.0;
  BOOST_TEST(model.churn_probability(1.0) == p, tt::tolerance(1e-14));
  for (double t = 1.0; t <= 30.0; t += 1.0) {
    if (t > 1.0) p *= (b + t - 2.0) / (a + b + t - 1.0);
    s *= (b + t - 1.0) / (a + b + t - 1.0);
    BOOST_TEST(model.churn_probability(t) == p, tt::tolerance(1e-12));
    BOOST_TEST(model.survival(t) == s, tt::tolerance(1e-12));
  }
}

BOOST_AUTO_TEST_CASE(log_likelihood_matches_the_hand_computation) {
  // survivors {10, 6, 4} at alpha = beta = 1: 4 lost at h(1) = 1/2, 6 kept at r(1) = 1/2, 2 lost at
  // h(2) = 1/3, 4 kept at r(2) = 2/3.
  const std::vector<double> survivors{10, 6, 4};
  const double expected = 10 * std::log(0.5) + 2 * std::log(1.0 / 3.0) + 4 * std::log(2.0 / 3.0);
  BOOST_TEST(detail::sbg_objective(survivors, 0.0, 0.0, false).value == expected, tt::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(analytic_derivatives_match_finite_differences) {
  const double a = std::log(0.8), b = std::log(3.1), step = 1e-5;
  const auto at = detail::sbg_objective(regular, a, b, true);
  auto value = [&](double x, double y) { return detail::sbg_objective(regular, x, y, false).value; };
  auto grad = [&](double x, double y) { return detail::sbg_objective(regular, x, y, true); };
  BOOST_TEST(at.grad_a == (value(a + step, b) - value(a - step, b)) / (2 * step), tt::tolerance(1e-7));
  BOOST_TEST(at.grad_b == (value(a, b + step) - value(a, b - step)) / (2 * step), tt::tolerance(1e-7));
  BOOST_TEST(at.hess_aa == (grad(a + step, b).grad_a - grad(a - step, b).grad_a) / (2 * step), tt::tolerance(1e-6));
  BOOST_TEST(at.hess_ab == (grad(a + step, b).grad_b - grad(a - step, b).grad_b) / (2 * step), tt::tolerance(1e-6));
  BOOST_TEST(at.hess_bb == (grad(a, b + step).grad_b - grad(a, b - step).grad_b) / (2 * step), tt::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(fit_reproduces_the_published_estimates) {
  // Fader & Hardie (2007) fit years 1-7: regular alpha 0.704, beta 1.182, LL -1680.3;
  // high end alpha 0.668, beta 3.806, LL -1611.2.
  const auto reg = ShiftedBetaGeometric::fit(first(regular, 8));
  BOOST_TEST(reg.alpha() == 0.704, tt::tolerance(1e-3));
  BOOST_TEST(reg.beta() == 1.182, tt::tolerance(1e-3));
  BOOST_TEST(reg.log_likelihood() == -1680.3, tt::tolerance(1e-4));
  BOOST_TEST(reg.periods() == 7u);
  const auto high = ShiftedBetaGeometric::fit(first(high_end, 8));
  BOOST_TEST(high.alpha() == 0.668, tt::tolerance(1e-3));
  BOOST_TEST(high.beta() == 3.806, tt::tolerance(1e-3));
  BOOST_TEST(high.log_likelihood() == -1611.2, tt::tolerance(1e-4));
  // Heterogeneous cohorts: retention rises with tenure.
  for (double t = 1.0; t < 12.0; t += 1.0) BOOST_TEST(reg.retention_rate(t + 1.0) > reg.retention_rate(t));
  // The maximum: the gradient vanishes there.
  const auto at = detail::sbg_objective(first(regular, 8), std::log(reg.alpha()), std::log(reg.beta()), true);
  BOOST_TEST(std::abs(at.grad_a) < 1e-6);
  BOOST_TEST(std::abs(at.grad_b) < 1e-6);
}

BOOST_AUTO_TEST_CASE(fit_recovers_parameters_from_expected_counts) {
  for (auto [alpha, beta] : {std::pair{0.7, 1.3}, std::pair{3.0, 20.0}, std::pair{0.05, 0.2}}) {
    const auto curve = ShiftedBetaGeometric(alpha, beta).survival_curve(24);
    std::vector<double> survivors;
    for (double s : curve) survivors.push_back(1e6 * s);
    const auto fit = ShiftedBetaGeometric::fit(survivors);
    BOOST_TEST(fit.alpha() == alpha, tt::tolerance(1e-6));
    BOOST_TEST(fit.beta() == beta, tt::tolerance(1e-6));
  }
}

BOOST_AUTO_TEST_CASE(fit_reaches_the_maximum_of_billion_customer_cohorts_at_extreme_parameters) {
  // Regression: at alpha = 1e-4, beta = 100 the likelihood has a long curved ridge on which -H is
  // indefinite; a fixed Levenberg damping crawled along it and stopped at the iteration limit,
  // 5.8 log-likelihood units short, with alpha 45 times too large.
  for (double alpha : {1e-4, 1e-2, 1.0, 1e2, 1e4})
    for (double beta : {1e-4, 1e-2, 1.0, 1e2, 1e4}) {
      BOOST_TEST_CONTEXT("alpha " << alpha << ", beta " << beta) {
        std::vector<double> survivors;
        for (double s : ShiftedBetaGeometric(alpha, beta).survival_curve(12)) survivors.push_back(std::round(1e9 * s));
        const SbgFit fit = fit_sbg(survivors);
        BOOST_TEST(fit.iterations < detail::sbg_max_iterations);
        BOOST_TEST(std::isfinite(fit.alpha));
        BOOST_TEST(std::isfinite(fit.beta));
        // The fit is the maximum: the truth is no better, and the gradient vanishes.
        const auto at_fit = detail::sbg_objective(survivors, std::log(fit.alpha), std::log(fit.beta), true);
        const double at_truth = detail::sbg_objective(survivors, std::log(alpha), std::log(beta), false).value;
        BOOST_TEST(at_fit.value >= at_truth - 1e-12 * std::abs(at_truth));
        // The fitted curve reproduces the counts to about a customer in a billion.
        const auto curve = ShiftedBetaGeometric(fit.alpha, fit.beta).survival_curve(12);
        for (std::size_t t = 0; t < survivors.size(); ++t) BOOST_TEST(std::abs(1e9 * curve[t] - survivors[t]) < 2.0);
      }
    }
  // Where 10^9 customers identify the parameters, they are recovered.
  for (auto [alpha, beta] : {std::pair{1e-4, 1e-4}, std::pair{1e-2, 1.0}, std::pair{1.0, 1e2}, std::pair{1e2, 1e2}}) {
    std::vector<double> survivors;
    for (double s : ShiftedBetaGeometric(alpha, beta).survival_curve(12)) survivors.push_back(std::round(1e9 * s));
    const SbgFit fit = fit_sbg(survivors);
    BOOST_TEST(fit.alpha == alpha, tt::tolerance(1e-3));
    BOOST_TEST(fit.beta == beta, tt::tolerance(1e-3));
  }
}

BOOST_AUTO_TEST_CASE(degenerate_cohorts_stay_finite) {
  // Nobody leaves: the churn probability goes to 0 (alpha tiny). Everybody leaves at once: beta tiny.
  const auto loyal = ShiftedBetaGeometric::fit(std::vector<double>{50, 50, 50, 50});
  BOOST_TEST(std::isfinite(loyal.alpha()));
  BOOST_TEST(loyal.churn_probability(1.0) < 1e-6);
  const auto gone = ShiftedBetaGeometric::fit(std::vector<double>{50, 0, 0});
  BOOST_TEST(gone.survival(1.0) < 1e-6);
  // Constant churn (a homogeneous cohort): alpha and beta grow together; the fit still predicts.
  std::vector<double> geometric{1e6};
  for (int t = 0; t < 10; ++t) geometric.push_back(geometric.back() * 0.8);
  const auto homogeneous = ShiftedBetaGeometric::fit(geometric);
  BOOST_TEST(homogeneous.retention_rate(1.0) == 0.8, tt::tolerance(1e-4));
  BOOST_TEST(homogeneous.retention_rate(10.0) == 0.8, tt::tolerance(1e-3));
  BOOST_TEST(homogeneous.alpha() > 100.0);
}

BOOST_AUTO_TEST_CASE(del_and_derl_match_direct_summation) {
  const ShiftedBetaGeometric model(0.704, 1.182);
  for (double d : {0.1, 0.01}) {
    const auto curve = model.survival_curve(20'000);
    long double del = 0.0L;
    for (std::size_t t = 0; t < curve.size(); ++t) del += curve[t] / std::pow(1.0L + d, static_cast<long double>(t));
    BOOST_TEST(model.discounted_expected_lifetime(d) == static_cast<double>(del), tt::tolerance(1e-9));
    for (std::size_t n : {0u, 1u, 4u}) {
      long double derl = 0.0L;
      for (std::size_t t = n + 1; t < curve.size(); ++t)
        derl += curve[t] / curve[n] / std::pow(1.0L + d, static_cast<long double>(t - n - 1));
      BOOST_TEST(model.discounted_expected_residual_lifetime(d, static_cast<double>(n)) == static_cast<double>(derl),
                 tt::tolerance(1e-9));
    }
  }
  BOOST_TEST(model.lifetime_value(100.0, 0.1) == 100.0 * model.discounted_expected_lifetime(0.1));
  // No discounting: the expected lifetime, finite only for alpha > 1.
  BOOST_TEST(ShiftedBetaGeometric(3.0, 2.0).discounted_expected_lifetime(0.0) == 2.0);
  BOOST_TEST(std::isinf(model.discounted_expected_lifetime(0.0)));
  BOOST_TEST(std::isinf(model.discounted_expected_lifetime(-0.5)));
}

BOOST_AUTO_TEST_CASE(fit_many_fits_ragged_rows_like_fit) {
  const double nan = NAN;
  std::vector<double> rows;
  for (double v : first(regular, 8)) rows.push_back(v);
  for (double v : first(high_end, 5)) rows.push_back(v);
  for (int i = 0; i < 3; ++i) rows.push_back(nan);
  rows.insert(rows.end(), {40, nan, nan, nan, nan, nan, nan, nan});  // one count: not fitted
  const auto fits = fit_sbg_many(rows, 3, 8);
  const auto reg = fit_sbg(first(regular, 8));
  BOOST_TEST(fits[0].alpha == reg.alpha);
  BOOST_TEST(fits[0].periods == 7u);
  BOOST_TEST(fits[1].alpha == fit_sbg(first(high_end, 5)).alpha);
  BOOST_TEST(fits[1].periods == 4u);
  BOOST_TEST(std::isnan(fits[2].alpha));
  BOOST_TEST(fits[2].periods == 0u);
  // Thread count changes nothing.
  std::vector<double> many;
  for (int copy = 0; copy < 100; ++copy)
    for (double v : first(regular, 8)) many.push_back(v * (1.0 + copy * 0.01));
  const auto one = fit_sbg_many(many, 100, 8, 2, 1), two = fit_sbg_many(many, 100, 8, 2, 2);
  for (std::size_t i = 0; i < 100; ++i) BOOST_REQUIRE(one[i].alpha == two[i].alpha && one[i].beta == two[i].beta);
}

BOOST_AUTO_TEST_CASE(json_round_trip) {
  const auto fitted = ShiftedBetaGeometric::fit(first(regular, 8));
  BOOST_TEST((ShiftedBetaGeometric::from_json(fitted.to_json()) == fitted));
  const ShiftedBetaGeometric given(0.5, 2.0), empty;
  BOOST_TEST((ShiftedBetaGeometric::from_json(given.to_json()) == given));
  BOOST_TEST((ShiftedBetaGeometric::from_json(empty.to_json()) == empty));
}

BOOST_AUTO_TEST_CASE(bad_input_gets_clear_errors) {
  using V = std::vector<double>;
  BOOST_TEST(message_of([] { fit_sbg(V{10}); }) ==
             "survivors: needs at least 2 counts (the cohort size and one later count), got 1");
  BOOST_TEST(message_of([] { fit_sbg(V{10, 8, 9}); }) ==
             "survivors[2] = 9: survivor counts must not increase (previous is 8)");
  BOOST_TEST(message_of([] { fit_sbg(V{10, -1}); }) == "survivors[1] = -1: survivor counts must be finite and >= 0");
  BOOST_TEST(message_of([] { fit_sbg(V{0, 0}); }) ==
             "survivors[0] = 0: the cohort must start with more than 0 customers");
  BOOST_TEST(message_of([] { fit_sbg(V{10, NAN}); }) == "survivors[1] = nan: survivor counts must be finite and >= 0");
  BOOST_TEST(message_of([] { fit_sbg_many(V{10, 8, 10, 12}, 2, 2); }) ==
             "survivors[1][1] = 12: survivor counts must not increase (previous is 10)");
  BOOST_TEST(message_of([] { fit_sbg_many(V{10, NAN, 5}, 1, 3); }) ==
             "survivors[0][2] = 5: a count after a missing one (NaN marks only the unobserved end of a cohort)");
  BOOST_TEST(message_of([] { ShiftedBetaGeometric(0.0, 1.0); }) == "alpha: 0 must be finite and > 0");
  const ShiftedBetaGeometric model(1.0, 1.0);
  BOOST_TEST(message_of([&] { model.discounted_expected_lifetime(-1.0); }) ==
             "discount_rate: -1 must be finite and > -1");
  BOOST_TEST(message_of([&] { model.survival(1.5); }) == "t: 1.5 must be a whole number >= 0");
  BOOST_TEST(message_of([&] { model.retention_rate(0.0); }) == "t: 0 must be a whole number >= 1");
  BOOST_CHECK_THROW(ShiftedBetaGeometric().survival(1.0), NotFitted);
}

BOOST_AUTO_TEST_CASE(survival_is_a_closed_form_at_any_period) {
  // S(t) against the product of retention rates (summed as logs), at periods either side of
  // where the product gives way to Stirling's series, for small, large and extreme parameters.
  for (const auto& [a, b] : std::vector<std::pair<double, double>>{
           {0.7, 1.2}, {1e-6, 0.05}, {3.0, 40.0}, {250.0, 0.3}, {1e-13, 3e11}, {3e11, 1e-13}}) {
    const ShiftedBetaGeometric model(a, b);
    double log_product = 0.0;
    for (double t = 1.0; t <= 3000.0; t += 1.0) {
      log_product -= std::log1p(a / (b + (t - 1.0)));
      if (t <= 40.0 || std::fmod(t, 97.0) == 0.0)
        BOOST_TEST(model.survival(t) == std::exp(log_product), tt::tolerance(1e-11));
    }
  }
  // alpha = beta = 1: S(t) = 1 / (t + 1) exactly, far beyond any loop (the probe's 1e15 hung).
  const ShiftedBetaGeometric uniform(1.0, 1.0);
  for (double t : {1e6, 1e9, 1e15, 1e300}) BOOST_TEST(uniform.survival(t) == 1.0 / (t + 1.0), tt::tolerance(1e-12));
  // alpha = 2, beta = 1: S(t) = 2 / ((t + 1)(t + 2)); P(T = t) = S(t - 1) - S(t).
  const ShiftedBetaGeometric two(2.0, 1.0);
  BOOST_TEST(two.survival(1e15) == 2.0 / ((1e15 + 1.0) * (1e15 + 2.0)), tt::tolerance(1e-12));
  BOOST_TEST(two.churn_probability(1e6) == two.survival(1e6 - 1.0) - two.survival(1e6), tt::tolerance(1e-8));
  const ShiftedBetaGeometric probe(0.7, 1.2);
  BOOST_TEST(probe.survival(1e15) > 0.0);
  BOOST_TEST(probe.churn_probability(1e15) > 0.0);
}

// The probe: cohorts that never churn or churn completely came back as alpha ~ 3e11, beta ~ 9e-14
// (or the reverse) without a word. The fit now says the data identify a constant rate only.
BOOST_AUTO_TEST_CASE(fits_at_the_constant_churn_limit_are_flagged) {
  const std::vector<double> never{100, 100, 100, 100}, all{100, 0, 0}, constant{1000, 900, 810, 729, 656.1};
  for (const auto& [counts, rate] :
       std::vector<std::pair<std::vector<double>, double>>{{never, 0.0}, {all, 1.0}, {constant, 0.1}}) {
    const auto fit = fit_sbg(counts);
    BOOST_TEST(fit.converged);
    BOOST_TEST(fit.boundary);
    const auto model = ShiftedBetaGeometric::fit(counts);
    BOOST_TEST(model.at_constant_churn());
    BOOST_TEST(model.constant_churn() == rate, tt::tolerance(1e-5));
  }
  // Fader & Hardie's cohort identifies its heterogeneity: no flag, no constant rate.
  const auto fit = fit_sbg(regular);
  BOOST_TEST(fit.converged);
  BOOST_TEST(!fit.boundary);
  BOOST_TEST(std::isnan(ShiftedBetaGeometric::fit(regular).constant_churn()));
  BOOST_TEST(!ShiftedBetaGeometric(1e-9, 1.0).at_constant_churn());
  BOOST_TEST(ShiftedBetaGeometric(1e4, 1e5).at_constant_churn() == false);
  BOOST_TEST(ShiftedBetaGeometric(1e7, 1e8).at_constant_churn());
}

// Found by fuzz_model_fields: beta = 1.8e308 made beta + t infinite, and S(1e300) NaN.
BOOST_AUTO_TEST_CASE(parameters_and_periods_at_the_ends_of_the_doubles) {
  BOOST_TEST(message_of([] { ShiftedBetaGeometric(1.0, 1.7976931348623157e308); }) ==
             "beta: 1.7976931348623157e+308 must be at most 1e300 (alpha + beta must stay a double)");
  const double largest = std::numeric_limits<double>::max();
  for (const auto& [a, b] : std::vector<std::pair<double, double>>{{0.78, 1e300}, {1e300, 1e300}, {1e-300, 0.5}}) {
    const ShiftedBetaGeometric model(a, b);
    for (double t : {1.0, 1e15, 1e300, largest}) {
      const double s = model.survival(t);
      BOOST_TEST((s >= 0.0 && s <= 1.0), a << " " << b << " " << t << " " << s);
    }
  }
  BOOST_TEST(ShiftedBetaGeometric(1e300, 1e300).survival(1.0) == 0.5);
}

// Found by fuzz_model_fields: alpha = 6e18 made alpha / (from + alpha) round to 1, so that
// S(1e300) came out as inf.
BOOST_AUTO_TEST_CASE(a_huge_alpha_far_out_survives_nobody) {
  const ShiftedBetaGeometric model(6.1127446013642936e18, 1.333127466621538);
  BOOST_TEST(model.survival(1.0) == model.beta() / (model.alpha() + model.beta()), tt::tolerance(1e-14));
  for (double t : {20.0, 1e6, 1e15, 1e300, std::numeric_limits<double>::max()}) BOOST_TEST(model.survival(t) == 0.0);
  BOOST_TEST(ShiftedBetaGeometric(1e10, 1.0).survival(100.0) == 0.0);
}

// Found by fuzz_model_fields: with alpha = beta = 5e-324, alpha + beta + t - 1 rounded to 0 at
// t = 1, so the churn probability came out as inf.
BOOST_AUTO_TEST_CASE(subnormal_parameters_keep_probabilities_in_range) {
  const double tiny = std::numeric_limits<double>::denorm_min();
  const ShiftedBetaGeometric even(tiny, tiny);
  BOOST_TEST(even.churn_probability(1.0) == 0.5);
  BOOST_TEST(even.retention_rate(1.0) == 0.5);
  for (const auto& [a, b] :
       std::vector<std::pair<double, double>>{{tiny, tiny}, {tiny, 1.0}, {1.0, tiny}, {tiny, 1e300}}) {
    const ShiftedBetaGeometric model(a, b);
    for (double t : {1.0, 2.0, 17.0, 1e15, 1e300}) {
      const double p = model.churn_probability(t), r = model.retention_rate(t);
      BOOST_TEST((p >= 0.0 && p <= 1.0), a << " " << b << " " << t << " " << p);
      BOOST_TEST((r >= 0.0 && r <= 1.0), a << " " << b << " " << t << " " << r);
    }
  }
}
