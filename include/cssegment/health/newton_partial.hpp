#pragma once
// One pass of Newton's method for the logistic regression of calibrate.hpp, over some rows: their
// log-loss, gradient and Hessian (unpenalised) at given coefficients. Mergeable: the partial of two
// sets of rows is the sum of theirs, so the rows may be split in chunks (threads) or partitions
// (cssegment.dask) and the pass merged; fit_logistic_passes (calibrate.hpp) solves the step.
#include <Eigen/Dense>

#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

#include "cssegment/core/parallel.hpp"
#include "cssegment/core/validate.hpp"

namespace cssegment {

inline constexpr std::size_t logistic_chunk_rows = 1u << 13;

struct NewtonPartial {
  double loss = 0.0;
  Eigen::VectorXd gradient;
  Eigen::MatrixXd hessian;  // lower triangle only
  std::size_t rows = 0;

  // Adds the rows of `other` (of the same number of coefficients).
  NewtonPartial& merge(const NewtonPartial& other) {
    check_same_length("other gradient", static_cast<std::size_t>(other.gradient.size()), "gradient",
                      static_cast<std::size_t>(gradient.size()));
    loss += other.loss, gradient += other.gradient, hessian += other.hessian, rows += other.rows;
    return *this;
  }
};

namespace detail {

// Rows whose factors (1 + e) are multiplied before one logarithm is taken: each factor is at most
// 2, so the product stays far from overflow, and the loss costs one log per 64 rows.
inline constexpr std::size_t rows_per_log = 64;

}  // namespace detail

// Log-loss, gradient and Hessian (unpenalised) at beta = (intercept, coef...) of the rows of the
// n x p column-major matrix `features` (features[j * n + i]) with 0/1 outcomes `y`. Per row, with
// e = exp(-|eta|): p = 1 / (1 + e) or e / (1 + e) by the sign of eta, p (1 - p) = e / (1 + e)^2,
// log-loss = max(eta, 0) + log(1 + e) - y eta. The Hessian is S'S with S = sqrt(w) [1 X]. In one
// parallel pass, per-chunk partials merged in chunk order (deterministic).
inline NewtonPartial newton_partial(std::span<const double> features, std::size_t p, std::span<const double> y,
                                    std::span<const double> beta_values) {
  const std::size_t n = y.size();
  check_same_length("features", features.size(), "outcome x features", n * p);
  check_same_length("beta", beta_values.size(), "features + 1", p + 1);
  const Eigen::Map<const Eigen::MatrixXd> x(features.data(), static_cast<Eigen::Index>(n),
                                            static_cast<Eigen::Index>(p));
  const Eigen::Map<const Eigen::VectorXd> beta(beta_values.data(), static_cast<Eigen::Index>(p + 1));
  const auto q_cols = static_cast<Eigen::Index>(p);
  const std::size_t chunks = (n + logistic_chunk_rows - 1) / logistic_chunk_rows;
  std::vector<NewtonPartial> partial(chunks);
  parallel_for(n, logistic_chunk_rows, [&](std::size_t begin, std::size_t end) {
    const auto rows = static_cast<Eigen::Index>(end - begin);
    const auto block = x.middleRows(static_cast<Eigen::Index>(begin), rows);
    const double* target = y.data() + begin;
    const Eigen::VectorXd eta = (block * beta.tail(q_cols)).array() + beta[0];
    Eigen::VectorXd residual(rows);
    Eigen::MatrixXd scaled(rows, q_cols + 1);
    double loss = 0.0, product = 1.0;
    for (Eigen::Index i = 0; i < rows; ++i) {
      const double e = std::exp(-std::abs(eta[i]));
      const double q = 1.0 / (1.0 + e);
      const double positive = eta[i] >= 0.0;
      residual[i] = q * (positive + (1.0 - positive) * e) - target[i];
      scaled(i, 0) = std::sqrt(e) * q;
      loss += positive * eta[i] - target[i] * eta[i];
      product *= 1.0 + e;
      if ((i + 1) % detail::rows_per_log == 0) loss += std::log(product), product = 1.0;
    }
    loss += std::log(product);
    for (Eigen::Index j = 0; j < q_cols; ++j) scaled.col(j + 1) = block.col(j).cwiseProduct(scaled.col(0));
    NewtonPartial& out = partial[begin / logistic_chunk_rows];
    out.loss = loss;
    out.rows = end - begin;
    out.gradient.resize(q_cols + 1);
    out.gradient[0] = residual.sum();
    out.gradient.tail(q_cols).noalias() = block.transpose() * residual;
    out.hessian.setZero(q_cols + 1, q_cols + 1);
    out.hessian.selfadjointView<Eigen::Lower>().rankUpdate(scaled.transpose());
  });
  NewtonPartial total{0.0, Eigen::VectorXd::Zero(q_cols + 1), Eigen::MatrixXd::Zero(q_cols + 1, q_cols + 1), 0};
  for (const auto& part : partial) total.merge(part);
  return total;
}

}  // namespace cssegment
