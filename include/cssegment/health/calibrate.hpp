#pragma once
// Calibration: learn a scorecard's weights from what really happened. A logistic regression of the
// 0/1 outcome (churned) on the normalised measures x = transform(data) / 100, missing values imputed
// with the measure's mean, minimising  sum of log-losses + (l2 / 2) * ||coef||^2  with the
// intercept not penalised: the optimum scikit-learn's LogisticRegression(C = 1 / l2) reaches.
// Newton's method (IRLS) with a backtracking line search; each iteration accumulates X'WX and the
// gradient in one pass (newton_partial.hpp), wherever the rows are.
#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "cssegment/core/columns.hpp"
#include "cssegment/core/json.hpp"
#include "cssegment/core/parallel.hpp"
#include "cssegment/core/validate.hpp"
#include "cssegment/health/newton_partial.hpp"
#include "cssegment/health/scorecard.hpp"

namespace cssegment {

struct LogisticFit {
  std::vector<double> coef;
  double intercept = 0.0;
  std::size_t iterations = 0;
};

inline constexpr std::size_t logistic_max_iterations = 100;
// With l2 = 0 and features in [0, 1], a coefficient this large means probabilities of exactly 0 or
// 1 in double precision: the classes are (quasi-)separated and the optimum lies at infinity.
inline constexpr double separated_coefficient = 500.0;

// Both outcomes among n rows, `ones` of them 1.
inline void check_both_outcomes(std::string_view argument, std::size_t ones, std::size_t n) {
  if (ones == 0 || ones == n)
    fail(argument, "has only " + std::string(ones == 0 ? "0s" : "1s") + " in " + std::to_string(n) +
                       " rows; both outcomes are needed");
}

// Outcome values must be 0 or 1, with both present.
inline void check_outcome(std::string_view argument, std::span<const double> outcome) {
  std::size_t ones = 0;
  for (std::size_t i = 0; i < outcome.size(); ++i) {
    if (!(outcome[i] == 0.0 || outcome[i] == 1.0)) fail_at(argument, i, outcome[i], "outcomes must be 0 or 1");
    ones += outcome[i] == 1.0;
  }
  check_both_outcomes(argument, ones, outcome.size());
}

// Newton's method (IRLS) on the penalised logistic log-likelihood of n rows (`ones` of them with
// outcome 1) and p features, where pass(beta) returns the NewtonPartial of all the rows at
// beta = (intercept, coef...): the rows may live anywhere (one matrix in memory, or partitions of a
// cluster whose partials are merged). Throws InvalidInput when the optimum does not exist (l2 = 0
// with separated classes, or collinear features) or is not reached in logistic_max_iterations.
template <class Pass>
LogisticFit fit_logistic_passes(std::size_t p, std::size_t n, std::size_t ones, double l2, Pass pass_at) {
  if (!(l2 >= 0.0 && std::isfinite(l2))) fail("l2", format_number(l2) + " must be finite and >= 0");
  check_both_outcomes("outcome", ones, n);
  Eigen::VectorXd penalty = Eigen::VectorXd::Constant(static_cast<Eigen::Index>(p + 1), l2);
  penalty[0] = 0.0;
  auto objective = [&](const Eigen::VectorXd& beta, double loss) {
    return loss + 0.5 * l2 * beta.tail(static_cast<Eigen::Index>(p)).squaredNorm();
  };
  auto checked = [&](const Eigen::VectorXd& beta) {
    NewtonPartial pass = pass_at(beta);
    check_same_length("pass rows", pass.rows, "rows", n);
    check_same_length("pass gradient", static_cast<std::size_t>(pass.gradient.size()), "features + 1", p + 1);
    return pass;
  };

  Eigen::VectorXd beta = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(p + 1));
  const double mean = static_cast<double>(ones) / static_cast<double>(n);
  beta[0] = std::log(mean / (1.0 - mean));
  auto pass = checked(beta);
  double current = objective(beta, pass.loss);
  const auto separated = [&] {
    fail("l2", "0 leaves the fit without an optimum: the measures (quasi-)perfectly separate churned from retained "
               "accounts, or are collinear, so coefficients grow without bound; use l2 > 0");
  };
  for (std::size_t iteration = 1; iteration <= logistic_max_iterations; ++iteration) {
    const Eigen::VectorXd gradient = pass.gradient + penalty.cwiseProduct(beta);
    Eigen::MatrixXd hessian = pass.hessian;
    hessian.diagonal() += penalty;
    const Eigen::LDLT<Eigen::MatrixXd> solver(hessian);
    const Eigen::VectorXd step = solver.solve(gradient);
    if (solver.info() != Eigen::Success || !step.allFinite() || !(solver.vectorD().minCoeff() > 0.0)) {
      if (l2 == 0.0) separated();
      fail("features", "the Hessian is singular: a measure is constant or collinear with others");
    }
    // Near the optimum Newton converges quadratically: after a step this small the error is of the
    // order of its square, far below what any caller can see, so the last pass is saved.
    if (step.cwiseAbs().maxCoeff() <= 1e-7 * (1.0 + beta.cwiseAbs().maxCoeff())) {
      beta -= step;
      return {std::vector<double>(beta.data() + 1, beta.data() + beta.size()), beta[0], iteration};
    }
    // Backtracking: Newton's step on the convex objective, halved until the objective does not rise.
    double scale = 1.0;
    Eigen::VectorXd candidate = beta - step;
    auto next = checked(candidate);
    while (objective(candidate, next.loss) > current + 1e-10 * std::abs(current) && scale > 1e-10) {
      scale *= 0.5;
      candidate = beta - scale * step;
      next = checked(candidate);
    }
    beta = candidate, pass = std::move(next), current = objective(beta, pass.loss);
    if (l2 == 0.0 && beta.tail(static_cast<Eigen::Index>(p)).cwiseAbs().maxCoeff() > separated_coefficient) separated();
  }
  if (l2 == 0.0) separated();
  fail("l2", "the fit did not converge in " + std::to_string(logistic_max_iterations) +
                 " Newton iterations (nearly separated classes?); use a larger l2");
}

// Fits the penalised logistic regression of `y` on the columns of the n x p column-major matrix
// `features` (features[j * n + i]): fit_logistic_passes over the rows in memory.
inline LogisticFit fit_logistic(std::span<const double> features, std::size_t p, std::span<const double> y, double l2) {
  if (!(l2 >= 0.0 && std::isfinite(l2))) fail("l2", format_number(l2) + " must be finite and >= 0");
  const std::size_t n = y.size();
  check_same_length("features", features.size(), "outcome x features", n * p);
  check_outcome("outcome", y);
  for (std::size_t k = 0; k < features.size(); ++k)
    if (!std::isfinite(features[k])) fail_at("features", k, features[k], "features must be finite");
  std::size_t ones = 0;
  for (double v : y) ones += v == 1.0;
  return fit_logistic_passes(p, n, ones, l2, [&](const Eigen::VectorXd& beta) {
    return newton_partial(features, p, y, std::span<const double>(beta.data(), static_cast<std::size_t>(beta.size())));
  });
}

// A scorecard whose weights were learned from outcomes: churn probability
// p = 1 / (1 + exp(-(intercept + sum coef_i * x_i))) with x = transform(data) / 100, missing
// measures imputed with their mean over the calibration data.
// A healthier measure should lower churn risk, i.e. have a negative churn coefficient; one whose
// coefficient is positive contradicts the direction its normaliser gives it.
inline bool contradicts_direction(double coef) { return coef > 0.0; }

// The weight a measure gets in the learned scorecard: -coef, and 0 for a coefficient >= 0 (a
// measure that does not lower churn risk as it improves carries no weight).
inline double learned_weight(double coef) { return std::max(0.0, -coef); }

// The scorecard inside a calibrated one: the outer document carries the kind and version.
struct EmbeddedScorecard {
  static json::Document write(const Scorecard& scorecard) { return scorecard.to_document(); }
  static Scorecard read(const json::Document& document, std::string_view name) {
    return Scorecard::from_document(json::field(document, name));
  }
};

class CalibratedScorecard {
public:
  CalibratedScorecard(Scorecard scorecard, std::vector<double> coef, double intercept, std::vector<double> means,
                      double l2, std::size_t iterations)
      : scorecard_(std::move(scorecard)),
        coef_(std::move(coef)),
        intercept_(intercept),
        means_(std::move(means)),
        l2_(l2),
        iterations_(iterations) {
    const std::size_t k = scorecard_.measures().size();
    check_same_length("coef", coef_.size(), "measures", k);
    check_same_length("means", means_.size(), "measures", k);
    require(scorecard_.fitted(), "scorecard", "must be fitted");
    for (std::size_t m = 0; m < k; ++m) {
      if (!std::isfinite(coef_[m])) fail_at("coef", m, coef_[m], "must be finite");
      if (!(means_[m] >= 0.0 && means_[m] <= 1.0)) fail_at("means", m, means_[m], "must be in [0, 1]");
    }
    if (!std::isfinite(intercept_)) fail("intercept", format_number(intercept_) + " must be finite");
    if (!(l2_ >= 0.0 && std::isfinite(l2_))) fail("l2", format_number(l2_) + " must be finite and >= 0");
  }

  // Fits the calibration on `data` (the scorecard must be fitted already).
  static CalibratedScorecard calibrate(const Scorecard& scorecard, const ColumnTable& data,
                                       std::span<const double> outcome, double l2) {
    if (!(l2 >= 0.0 && std::isfinite(l2))) fail("l2", format_number(l2) + " must be finite and >= 0");
    check_same_length("outcome", outcome.size(), "data", data.rows());
    check_outcome("outcome", outcome);
    std::vector<double> x = scorecard.transform(data);
    const std::size_t n = data.rows(), k = scorecard.measures().size();
    const auto [sums, observed] = observed_sums(x, n, k);
    std::vector<double> means = means_of(scorecard, sums, observed);
    impute_scaled(x, n, means);
    std::vector<double> low(k), high(k);
    for (std::size_t m = 0; m < k && n > 0; ++m) {
      const auto [lowest, highest] = std::minmax_element(x.begin() + static_cast<std::ptrdiff_t>(m * n),
                                                         x.begin() + static_cast<std::ptrdiff_t>((m + 1) * n));
      low[m] = *lowest, high[m] = *highest;
    }
    check_identified(scorecard, low, high, l2);
    const LogisticFit fit = fit_logistic(x, k, outcome, l2);
    return CalibratedScorecard(scorecard, fit.coef, fit.intercept, std::move(means), l2, fit.iterations);
  }

  // The steps of calibrate, for rows split in partitions (cssegment.dask): each partition's
  // observed_sums, merged (added), give the means (means_of); each partition's
  // calibration_features with those means, their ranges (merged: min and max) checked by
  // check_identified, and their newton_partial merged for each pass of fit_logistic_passes.

  // Each measure's sum of its observed (not missing) normalised values and their count, over the
  // n rows of x = scorecard.transform(data) (measure-major).
  static std::pair<std::vector<double>, std::vector<std::size_t>> observed_sums(std::span<const double> x,
                                                                                std::size_t n, std::size_t k) {
    check_same_length("x", x.size(), "rows x measures", n * k);
    std::vector<double> sums(k);
    std::vector<std::size_t> observed(k);
    for (std::size_t m = 0; m < k; ++m)
      for (double v : x.subspan(m * n, n))
        if (!std::isnan(v)) sums[m] += v, ++observed[m];
    return {std::move(sums), std::move(observed)};
  }

  // The imputation means (of the normalised measures / 100) from the observed sums and counts.
  static std::vector<double> means_of(const Scorecard& scorecard, std::span<const double> sums,
                                      std::span<const std::size_t> observed) {
    const std::size_t k = scorecard.measures().size();
    check_same_length("sums", sums.size(), "measures", k);
    check_same_length("observed", observed.size(), "measures", k);
    std::vector<double> means(k);
    for (std::size_t m = 0; m < k; ++m) {
      if (observed[m] == 0)
        fail("data[" + single_quoted(scorecard.measures()[m].column) + "]",
             "is missing in every row; nothing to learn its weight from");
      means[m] = sums[m] / static_cast<double>(observed[m]) / 100.0;
    }
    return means;
  }

  // The features of `data` the fit reads: transform(data) / 100, missing values imputed with
  // `means` (measure-major).
  static std::vector<double> calibration_features(const Scorecard& scorecard, const ColumnTable& data,
                                                  std::span<const double> means) {
    check_same_length("means", means.size(), "measures", scorecard.measures().size());
    std::vector<double> x = scorecard.transform(data);
    impute_scaled(x, data.rows(), means);
    return x;
  }

  // Without a penalty a constant measure's weight is not identified (the intercept absorbs it):
  // name it rather than report a singular fit. With l2 > 0 its weight is exactly 0. `low` and
  // `high`: each feature's min and max over the rows.
  static void check_identified(const Scorecard& scorecard, std::span<const double> low, std::span<const double> high,
                               double l2) {
    if (l2 != 0.0) return;
    for (std::size_t m = 0; m < scorecard.measures().size(); ++m)
      if (low[m] == high[m])
        fail("data[" + single_quoted(scorecard.measures()[m].column) + "]",
             "normalises to " + format_number(100.0 * low[m]) +
                 " in every row: a constant measure has no weight to learn with l2 = 0; use l2 > 0 (it then gets "
                 "weight 0) or leave the measure out");
  }

  const Scorecard& scorecard() const { return scorecard_; }
  const std::vector<double>& coef() const { return coef_; }
  double intercept() const { return intercept_; }
  const std::vector<double>& means() const { return means_; }
  double l2() const { return l2_; }
  std::size_t iterations() const { return iterations_; }

  // The features the model reads: transform(data) / 100 with missing values imputed (measure-major).
  std::vector<double> features(const ColumnTable& data) const { return calibration_features(scorecard_, data, means_); }

  void predict_proba_into(const ColumnTable& data, std::span<double> out) const {
    const std::size_t n = data.rows();
    check_same_length("out", out.size(), "data", n);
    const std::vector<double> x = features(data);
    parallel_for(n, health_chunk_rows, [&](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) {
        double eta = intercept_;
        for (std::size_t m = 0; m < coef_.size(); ++m) eta += coef_[m] * x[m * n + i];
        out[i] = 1.0 / (1.0 + std::exp(-eta));
      }
    });
  }

  std::vector<double> predict_proba(const ColumnTable& data) const {
    std::vector<double> out(data.rows());
    predict_proba_into(data, out);
    return out;
  }

  // The scorecard with the learned weights (see learned_weight).
  Scorecard as_scorecard() const {
    std::vector<double> weights(coef_.size());
    for (std::size_t m = 0; m < coef_.size(); ++m) weights[m] = learned_weight(coef_[m]);
    if (std::all_of(weights.begin(), weights.end(), [](double w) { return w == 0.0; }))
      fail("coef",
           "no measure lowers churn risk as it improves (every coefficient is >= 0); there are no weights to use");
    return scorecard_.with_weights(weights);
  }

  // The document's keys, in the order of the constructor's parameters.
  static constexpr auto json_fields() {
    return std::tuple{json::key<CalibratedScorecard, Scorecard, EmbeddedScorecard>("scorecard",
                                                                                   &CalibratedScorecard::scorecard_),
                      json::key("coef", &CalibratedScorecard::coef_),
                      json::key("intercept", &CalibratedScorecard::intercept_),
                      json::key("means", &CalibratedScorecard::means_),
                      json::key("l2", &CalibratedScorecard::l2_),
                      json::key("iterations", &CalibratedScorecard::iterations_)};
  }

  std::string to_json() const { return json::write_model("CalibratedScorecard", *this); }

  static CalibratedScorecard from_json(std::string_view text) {
    return json::read_model<CalibratedScorecard>(json::parse_document(text, "CalibratedScorecard"));
  }

  bool operator==(const CalibratedScorecard&) const = default;

private:
  static void impute_scaled(std::vector<double>& x, std::size_t n, std::span<const double> means) {
    parallel_for(n, health_chunk_rows, [&](std::size_t begin, std::size_t end) {
      for (std::size_t m = 0; m < means.size(); ++m)
        for (std::size_t i = begin; i < end; ++i) {
          double& v = x[m * n + i];
          v = std::isnan(v) ? means[m] : v / 100.0;
        }
    });
  }

  Scorecard scorecard_;
  std::vector<double> coef_;
  double intercept_;
  std::vector<double> means_;
  double l2_;
  std::size_t iterations_;
};

}  // namespace cssegment
