#define BOOST_TEST_MODULE health.calibrate
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "cssegment/health/calibrate.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

namespace {

struct Sample {
  std::vector<double> x;  // feature-major, n x 2
  std::vector<double> y;
  std::size_t n;
};

Sample simulate(std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  Sample s{std::vector<double>(2 * n), std::vector<double>(n), n};
  for (std::size_t i = 0; i < n; ++i) {
    s.x[i] = unit(rng), s.x[n + i] = unit(rng);
    const double p = 1.0 / (1.0 + std::exp(-(0.5 - 3.0 * s.x[i] + 1.0 * s.x[n + i])));
    s.y[i] = unit(rng) < p ? 1.0 : 0.0;
  }
  return s;
}

// Gradient of  sum logloss + (l2/2) ||coef||^2  at (intercept, coef).
std::vector<double> gradient(const Sample& s, const LogisticFit& fit, double l2) {
  std::vector<double> g{0.0, l2 * fit.coef[0], l2 * fit.coef[1]};
  for (std::size_t i = 0; i < s.n; ++i) {
    const double eta = fit.intercept + fit.coef[0] * s.x[i] + fit.coef[1] * s.x[s.n + i];
    const double r = 1.0 / (1.0 + std::exp(-eta)) - s.y[i];
    g[0] += r, g[1] += r * s.x[i], g[2] += r * s.x[s.n + i];
  }
  return g;
}

}  // namespace

BOOST_AUTO_TEST_CASE(newton_reaches_the_penalised_optimum) {
  const auto s = simulate(20'000, 5);
  for (double l2 : {0.0, 1.0, 100.0}) {
    const auto fit = fit_logistic(s.x, 2, s.y, l2);
    for (double g : gradient(s, fit, l2)) BOOST_TEST(std::abs(g) < 1e-7);
    BOOST_TEST(fit.iterations < 20u);
  }
  const auto plain = fit_logistic(s.x, 2, s.y, 0.0);
  BOOST_TEST(std::abs(plain.coef[0] + 3.0) < 0.2);
  BOOST_TEST(std::abs(plain.coef[1] - 1.0) < 0.2);
  // The penalty shrinks the coefficients, never the intercept's freedom.
  const auto shrunk = fit_logistic(s.x, 2, s.y, 1e4);
  BOOST_TEST(std::abs(shrunk.coef[0]) < std::abs(plain.coef[0]));
}

BOOST_AUTO_TEST_CASE(the_result_does_not_depend_on_chunking) {
  const auto s = simulate(5 * logistic_chunk_rows + 3, 9);
  const auto fit = fit_logistic(s.x, 2, s.y, 1.0);
  const auto again = fit_logistic(s.x, 2, s.y, 1.0);
  BOOST_TEST(fit.coef == again.coef);
  BOOST_TEST(fit.intercept == again.intercept);
}

BOOST_AUTO_TEST_CASE(separable_data_without_penalty_is_a_clear_error) {
  const std::vector<double> x{0.1, 0.2, 0.3, 0.7, 0.8, 0.9};
  const std::vector<double> y{1.0, 1.0, 1.0, 0.0, 0.0, 0.0};
  BOOST_TEST(message_of([&] { fit_logistic(x, 1, y, 0.0); }).starts_with("l2: 0 leaves the fit without an optimum"));
  const auto fit = fit_logistic(x, 1, y, 1.0);  // a penalty makes the optimum finite
  BOOST_TEST(fit.coef[0] < 0.0);
}

BOOST_AUTO_TEST_CASE(bad_outcomes_and_penalties_are_refused) {
  const std::vector<double> x{0.1, 0.2, 0.3};
  BOOST_TEST(message_of([&] { fit_logistic(x, 1, std::vector<double>{0.0, 2.0, 1.0}, 1.0); }) ==
             "outcome[1] = 2: outcomes must be 0 or 1");
  BOOST_TEST(message_of([&] { fit_logistic(x, 1, std::vector<double>{1.0, 1.0, 1.0}, 1.0); }) ==
             "outcome: has only 1s in 3 rows; both outcomes are needed");
  BOOST_TEST(message_of([&] { fit_logistic(x, 1, std::vector<double>{0.0, 1.0, 0.0}, -1.0); }) ==
             "l2: -1 must be finite and >= 0");
  BOOST_TEST(message_of([&] { fit_logistic(x, 1, std::vector<double>{0.0, NAN, 0.0}, 1.0); }) ==
             "outcome[1] = nan: outcomes must be 0 or 1");
}

BOOST_AUTO_TEST_CASE(calibrated_scorecard_imputes_means_and_round_trips) {
  const auto s = simulate(4'000, 21);
  std::vector<double> usage(s.n), tickets(s.n);
  for (std::size_t i = 0; i < s.n; ++i) {
    usage[i] = i % 10 == 0 ? NAN : 100.0 * s.x[i];  // 10% missing
    tickets[i] = 10.0 * (1.0 - s.x[s.n + i]);     // linear(10, 0) gives back x2
  }
  ColumnTable data;
  data.add("usage", usage).add("tickets", tickets);
  const Scorecard card(
      {{"usage", Normalizer::linear(0.0, 100.0), 1.0}, {"tickets", Normalizer::linear(10.0, 0.0), 1.0}});
  const auto calibrated = CalibratedScorecard::calibrate(card, data, s.y, 1.0);
  // The same fit by hand: features / 100, missing usage imputed with its observed mean.
  double sum = 0.0;
  std::size_t observed = 0;
  for (double u : usage)
    if (!std::isnan(u)) sum += u / 100.0, ++observed;
  const double mean = sum / static_cast<double>(observed);
  BOOST_TEST(std::abs(calibrated.means()[0] - mean) < 1e-12);
  std::vector<double> x(2 * s.n);
  for (std::size_t i = 0; i < s.n; ++i)
    x[i] = std::isnan(usage[i]) ? mean : usage[i] / 100.0, x[s.n + i] = (10.0 - tickets[i]) / 10.0;
  const auto fit = fit_logistic(x, 2, s.y, 1.0);
  BOOST_TEST(std::abs(calibrated.coef()[0] - fit.coef[0]) < 1e-9);
  BOOST_TEST(std::abs(calibrated.coef()[1] - fit.coef[1]) < 1e-9);
  BOOST_TEST(std::abs(calibrated.intercept() - fit.intercept) < 1e-9);
  const auto p = calibrated.predict_proba(data);
  const double eta = fit.intercept + fit.coef[0] * x[0] + fit.coef[1] * x[s.n];
  BOOST_TEST(std::abs(p[0] - 1.0 / (1.0 + std::exp(-eta))) < 1e-9);
  // Usage lowers churn (coef < 0), tickets-health raises it in this simulation (coef > 0): weight 0.
  const auto weights = calibrated.as_scorecard();
  BOOST_TEST(std::abs(weights.measures()[0].weight + calibrated.coef()[0]) < 1e-15);
  BOOST_TEST(weights.measures()[1].weight == 0.0);
  const auto back = CalibratedScorecard::from_json(calibrated.to_json());
  BOOST_TEST((back == calibrated));
  BOOST_TEST(back.predict_proba(data) == p);
}

BOOST_AUTO_TEST_CASE(calibration_needs_a_fitted_scorecard_and_observed_measures) {
  const std::vector<double> x{1.0, NAN, 3.0}, nothing{NAN, NAN, NAN}, y{0.0, 1.0, 0.0};
  ColumnTable data;
  data.add("x", x).add("empty", nothing);
  const Scorecard learned({{"x", Normalizer::percentile(), 1.0}});
  BOOST_CHECK_THROW(CalibratedScorecard::calibrate(learned, data, y, 1.0), NotFitted);
  const Scorecard blank({{"empty", Normalizer::linear(0.0, 1.0), 1.0}});
  BOOST_TEST(message_of([&] { CalibratedScorecard::calibrate(blank, data, y, 1.0); }) ==
             "data['empty']: is missing in every row; nothing to learn its weight from");
  BOOST_TEST(message_of([&] { CalibratedScorecard::calibrate(blank, data, std::vector<double>{0.0}, 1.0); }) ==
             "outcome: has length 1 but data has length 3");
}

BOOST_AUTO_TEST_CASE(constant_and_collinear_measures_get_a_finite_answer_or_a_clear_error) {
  const auto s = simulate(2'000, 5);
  std::vector<double> usage(s.n), copy(s.n), flat(s.n, 7.0);
  for (std::size_t i = 0; i < s.n; ++i) usage[i] = copy[i] = 100.0 * s.x[i];
  ColumnTable data;
  data.add("usage", usage).add("copy", copy).add("flat", flat);
  const Scorecard alone({{"usage", Normalizer::linear(0.0, 100.0), 1.0}});
  const Scorecard with_flat(
      {{"usage", Normalizer::linear(0.0, 100.0), 1.0}, {"flat", Normalizer::linear(0.0, 10.0), 1.0}});
  const Scorecard twice(
      {{"usage", Normalizer::linear(0.0, 100.0), 1.0}, {"copy", Normalizer::linear(0.0, 100.0), 1.0}});
  // l2 > 0: the constant gets weight 0 (the intercept absorbs it at no cost), the copies share.
  const auto reference = CalibratedScorecard::calibrate(alone, data, s.y, 1.0);
  const auto flat_fit = CalibratedScorecard::calibrate(with_flat, data, s.y, 1.0);
  BOOST_TEST(std::abs(flat_fit.coef()[1]) < 1e-9);
  BOOST_TEST(std::abs(flat_fit.coef()[0] - reference.coef()[0]) < 1e-9);
  const auto shared = CalibratedScorecard::calibrate(twice, data, s.y, 1.0);
  BOOST_TEST(std::isfinite(shared.coef()[0]));
  BOOST_TEST(std::abs(shared.coef()[0] - shared.coef()[1]) < 1e-9);
  // l2 = 0: a clear error naming the constant measure, or the collinearity.
  BOOST_TEST(message_of([&] { CalibratedScorecard::calibrate(with_flat, data, s.y, 0.0); }) ==
             "data['flat']: normalises to 70 in every row: a constant measure has no weight to learn with l2 = 0; use "
             "l2 > 0 (it then gets weight 0) or leave the measure out");
  BOOST_TEST(message_of([&] {
               CalibratedScorecard::calibrate(twice, data, s.y, 0.0);
             }).starts_with("l2: 0 leaves the fit without an optimum"));
}

BOOST_AUTO_TEST_CASE(a_coefficient_against_the_direction_gives_no_weight) {
  BOOST_TEST(learned_weight(-1.5) == 1.5);
  BOOST_TEST(learned_weight(0.25) == 0.0);
  BOOST_TEST(!std::signbit(learned_weight(0.0)));
  BOOST_TEST(contradicts_direction(0.25));
  BOOST_TEST(!contradicts_direction(0.0));
  BOOST_TEST(!contradicts_direction(-1.5));
}
