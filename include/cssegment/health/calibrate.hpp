#pragma once
// Calibration: learn a scorecard's weights from what really happened. A logistic regression of the
// 0/1 outcome (churned) on the normalised measures x = transform(data) / 100, missing values imputed
// with the measure's mean, minimising  sum of log-losses + (l2 / 2) * ||coef||^2  with the
// intercept not penalised: the optimum scikit-learn's LogisticRegression(C = 1 / l2) reaches.
// Newton's method (IRLS) with a backtracking line search; each iteration accumulates X'WX and the
// gradient in one parallel pass, per-chunk partial sums reduced in chunk order (deterministic).
#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "cssegment/core/columns.hpp"
#include "cssegment/core/json.hpp"
#include "cssegment/core/parallel.hpp"
#include "cssegment/core/validate.hpp"
#include "cssegment/health/scorecard.hpp"

namespace cssegment {

struct LogisticFit {
  std::vector<double> coef;
  double intercept = 0.0;
  std::size_t iterations = 0;
};

inline constexpr std::size_t logistic_max_iterations = 100;
inline constexpr std::size_t logistic_chunk_rows = 1u << 13;
// With l2 = 0 and features in [0, 1], a coefficient this large means probabilities of exactly 0 or
// 1 in double precision: the classes are (quasi-)separated and the optimum lies at infinity.
inline constexpr double separated_coefficient = 500.0;

// Outcome values must be 0 or 1, with both present.
inline void check_outcome(std::string_view argument, std::span<const double> outcome) {
  std::size_t ones = 0;
  for (std::size_t i = 0; i < outcome.size(); ++i) {
    if (!(outcome[i] == 0.0 || outcome[i] == 1.0)) fail_at(argument, i, outcome[i], "outcomes must be 0 or 1");
    ones += outcome[i] == 1.0;
  }
  if (ones == 0 || ones == outcome.size())
    fail(argument, "has only " + std::string(ones == 0 ? "0s" : "1s") + " in " + std::to_string(outcome.size()) +
                       " rows; both outcomes are needed");
}

namespace detail {

struct NewtonPass {
  double loss = 0.0;
  Eigen::VectorXd gradient;
  Eigen::MatrixXd hessian;  // lower triangle only
};

// Rows whose factors (1 + e) are multiplied before one logarithm is taken: each factor is at most
// 2, so the product stays far from overflow, and the loss costs one log per 64 rows.
inline constexpr std::size_t rows_per_log = 64;

// Log-loss, gradient and Hessian (unpenalised) at beta = (intercept, coef...). Per row, with
// e = exp(-|eta|): p = 1 / (1 + e) or e / (1 + e) by the sign of eta, p (1 - p) = e / (1 + e)^2,
// log-loss = max(eta, 0) + log(1 + e) - y eta. The Hessian is S'S with S = sqrt(w) [1 X].
inline NewtonPass newton_pass(const Eigen::Map<const Eigen::MatrixXd>& x, std::span<const double> y,
                              const Eigen::VectorXd& beta) {
  const auto n = static_cast<std::size_t>(x.rows());
  const Eigen::Index p = x.cols();
  const std::size_t chunks = (n + logistic_chunk_rows - 1) / logistic_chunk_rows;
  std::vector<NewtonPass> partial(chunks);
  parallel_for(n, logistic_chunk_rows, [&](std::size_t begin, std::size_t end) {
    const auto rows = static_cast<Eigen::Index>(end - begin);
    const auto block = x.middleRows(static_cast<Eigen::Index>(begin), rows);
    const double* target = y.data() + begin;
    const Eigen::VectorXd eta = (block * beta.tail(p)).array() + beta[0];
    Eigen::VectorXd residual(rows);
    Eigen::MatrixXd scaled(rows, p + 1);
    double loss = 0.0, product = 1.0;
    for (Eigen::Index i = 0; i < rows; ++i) {
      const double e = std::exp(-std::abs(eta[i]));
      const double q = 1.0 / (1.0 + e);
      const double positive = eta[i] >= 0.0;
      residual[i] = q * (positive + (1.0 - positive) * e) - target[i];
      scaled(i, 0) = std::sqrt(e) * q;
      loss += positive * eta[i] - target[i] * eta[i];
      product *= 1.0 + e;
      if ((i + 1) % rows_per_log == 0) loss += std::log(product), product = 1.0;
    }
    loss += std::log(product);
    for (Eigen::Index j = 0; j < p; ++j) scaled.col(j + 1) = block.col(j).cwiseProduct(scaled.col(0));
    NewtonPass& out = partial[begin / logistic_chunk_rows];
    out.loss = loss;
    out.gradient.resize(p + 1);
    out.gradient[0] = residual.sum();
    out.gradient.tail(p).noalias() = block.transpose() * residual;
    out.hessian.setZero(p + 1, p + 1);
    out.hessian.selfadjointView<Eigen::Lower>().rankUpdate(scaled.transpose());
  });
  NewtonPass total{0.0, Eigen::VectorXd::Zero(p + 1), Eigen::MatrixXd::Zero(p + 1, p + 1)};
  for (const auto& part : partial)
    total.loss += part.loss, total.gradient += part.gradient, total.hessian += part.hessian;
  return total;
}

}  // namespace detail

// Fits the penalised logistic regression of `y` on the columns of the n x p column-major matrix
// `features` (features[j * n + i]). Throws InvalidInput when the optimum does not exist (l2 = 0
// with separated classes, or collinear features) or is not reached in logistic_max_iterations.
inline LogisticFit fit_logistic(std::span<const double> features, std::size_t p, std::span<const double> y, double l2) {
  if (!(l2 >= 0.0 && std::isfinite(l2))) fail("l2", format_number(l2) + " must be finite and >= 0");
  const std::size_t n = y.size();
  check_same_length("features", features.size(), "outcome x features", n * p);
  check_outcome("outcome", y);
  for (std::size_t k = 0; k < features.size(); ++k)
    if (!std::isfinite(features[k])) fail_at("features", k, features[k], "features must be finite");
  const Eigen::Map<const Eigen::MatrixXd> x(features.data(), static_cast<Eigen::Index>(n),
                                            static_cast<Eigen::Index>(p));
  Eigen::VectorXd penalty = Eigen::VectorXd::Constant(static_cast<Eigen::Index>(p + 1), l2);
  penalty[0] = 0.0;
  auto objective = [&](const Eigen::VectorXd& beta, double loss) {
    return loss + 0.5 * l2 * beta.tail(p).squaredNorm();
  };

  Eigen::VectorXd beta = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(p + 1));
  double mean = 0.0;
  for (double v : y) mean += v;
  mean /= static_cast<double>(n);
  beta[0] = std::log(mean / (1.0 - mean));
  auto pass = detail::newton_pass(x, y, beta);
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
    auto next = detail::newton_pass(x, y, candidate);
    while (objective(candidate, next.loss) > current + 1e-10 * std::abs(current) && scale > 1e-10) {
      scale *= 0.5;
      candidate = beta - scale * step;
      next = detail::newton_pass(x, y, candidate);
    }
    beta = candidate, pass = std::move(next), current = objective(beta, pass.loss);
    if (l2 == 0.0 && beta.tail(p).cwiseAbs().maxCoeff() > separated_coefficient) separated();
  }
  if (l2 == 0.0) separated();
  fail("l2", "the fit did not converge in " + std::to_string(logistic_max_iterations) +
                 " Newton iterations (nearly separated classes?); use a larger l2");
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
    std::vector<double> means(k);
    for (std::size_t m = 0; m < k; ++m) {
      const std::span<double> column(x.data() + m * n, n);
      double sum = 0.0;
      std::size_t observed = 0;
      for (double v : column)
        if (!std::isnan(v)) sum += v, ++observed;
      if (observed == 0)
        fail("data[" + single_quoted(scorecard.measures()[m].column) + "]",
             "is missing in every row; nothing to learn its weight from");
      means[m] = sum / static_cast<double>(observed) / 100.0;
    }
    impute_scaled(x, n, means);
    // Without a penalty a constant measure's weight is not identified (the intercept absorbs it):
    // name it rather than report a singular fit. With l2 > 0 its weight is exactly 0.
    if (l2 == 0.0)
      for (std::size_t m = 0; m < k; ++m) {
        const std::span<const double> column(x.data() + m * n, n);
        if (std::all_of(column.begin(), column.end(), [&](double v) { return v == column[0]; }))
          fail("data[" + single_quoted(scorecard.measures()[m].column) + "]",
               "normalises to " + format_number(100.0 * column[0]) +
                   " in every row: a constant measure has no weight to learn with l2 = 0; use l2 > 0 (it then gets "
                   "weight 0) or leave the measure out");
      }
    const LogisticFit fit = fit_logistic(x, k, outcome, l2);
    return CalibratedScorecard(scorecard, fit.coef, fit.intercept, std::move(means), l2, fit.iterations);
  }

  const Scorecard& scorecard() const { return scorecard_; }
  const std::vector<double>& coef() const { return coef_; }
  double intercept() const { return intercept_; }
  const std::vector<double>& means() const { return means_; }
  double l2() const { return l2_; }
  std::size_t iterations() const { return iterations_; }

  // The features the model reads: transform(data) / 100 with missing values imputed (measure-major).
  std::vector<double> features(const ColumnTable& data) const {
    std::vector<double> x = scorecard_.transform(data);
    impute_scaled(x, data.rows(), means_);
    return x;
  }

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
