#define BOOST_TEST_MODULE health.newton_partial
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cmath>
#include <cstddef>
#include <random>
#include <span>
#include <vector>

#include "cssegment/health/calibrate.hpp"
#include "cssegment/health/newton_partial.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

namespace {

// n rows of 3 features in [0, 1] (feature-major), outcomes from a logistic model.
struct Sample {
  std::vector<double> x, y;
  std::size_t n = 0;
};

Sample simulate(std::size_t n) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  Sample s{std::vector<double>(3 * n), std::vector<double>(n), n};
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < 3; ++j) s.x[j * n + i] = unit(rng);
    const double eta = 0.3 - 2.0 * s.x[i] + 1.5 * s.x[n + i] - 0.5 * s.x[2 * n + i];
    s.y[i] = unit(rng) < 1.0 / (1.0 + std::exp(-eta)) ? 1.0 : 0.0;
  }
  return s;
}

// The rows [begin, end) of the sample, feature-major.
std::vector<double> rows_of(const Sample& s, std::size_t begin, std::size_t end) {
  std::vector<double> x;
  for (std::size_t j = 0; j < 3; ++j) x.insert(x.end(), s.x.begin() + j * s.n + begin, s.x.begin() + j * s.n + end);
  return x;
}

}  // namespace

BOOST_AUTO_TEST_CASE(partitions_merge_to_the_pass_and_the_fit_of_all_rows) {
  const Sample s = simulate(30'000);  // several chunks of logistic_chunk_rows
  const std::vector<double> beta{0.1, -1.0, 0.5, 0.2};
  const std::vector<std::size_t> cuts{0, 0, 9'000, 9'001, 30'000};  // an empty partition, a one-row one
  std::vector<std::vector<double>> xs, ys;
  for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
    xs.push_back(rows_of(s, cuts[k], cuts[k + 1]));
    ys.emplace_back(s.y.begin() + cuts[k], s.y.begin() + cuts[k + 1]);
  }
  auto pass_of_partitions = [&](std::span<const double> at) {
    NewtonPartial total = newton_partial(xs[0], 3, ys[0], at);
    for (std::size_t k = 1; k < xs.size(); ++k) total.merge(newton_partial(xs[k], 3, ys[k], at));
    return total;
  };
  const auto whole = newton_partial(s.x, 3, s.y, beta);
  const auto merged = pass_of_partitions(beta);
  BOOST_TEST(merged.rows == s.n);
  BOOST_TEST(whole.rows == s.n);
  BOOST_TEST(std::abs(merged.loss - whole.loss) <= 1e-10 * std::abs(whole.loss));
  BOOST_TEST((merged.gradient - whole.gradient).cwiseAbs().maxCoeff() <= 1e-9);
  BOOST_TEST((merged.hessian - whole.hessian).cwiseAbs().maxCoeff() <= 1e-9);
  BOOST_TEST(whole.hessian(1, 0) > 0.0);  // the lower triangle is filled
  std::size_t ones = 0;
  for (double v : s.y) ones += v == 1.0;
  for (double l2 : {0.0, 2.0}) {
    const auto expected = fit_logistic(s.x, 3, s.y, l2);
    const auto got = fit_logistic_passes(3, s.n, ones, l2, [&](const Eigen::VectorXd& at) {
      return pass_of_partitions(std::span<const double>(at.data(), static_cast<std::size_t>(at.size())));
    });
    BOOST_TEST(got.iterations == expected.iterations);
    BOOST_TEST(std::abs(got.intercept - expected.intercept) <= 1e-10);
    for (std::size_t j = 0; j < 3; ++j) BOOST_TEST(std::abs(got.coef[j] - expected.coef[j]) <= 1e-10);
    BOOST_TEST(std::abs(expected.coef[0] + 2.0) < 0.3);
  }
}

BOOST_AUTO_TEST_CASE(passes_are_checked) {
  const Sample s = simulate(100);
  const std::vector<double> beta{0.0, 0.0, 0.0, 0.0};
  BOOST_TEST(message_of([&] { newton_partial(s.x, 3, s.y, std::vector<double>{0.0}); }).find("beta") == 0u);
  auto one = newton_partial(s.x, 3, s.y, beta);
  const auto two = newton_partial(std::vector<double>(200), 2, s.y, std::vector<double>{0.0, 0.0, 0.0});
  BOOST_TEST(message_of([&] { one.merge(two); }).find("other gradient") == 0u);
  // A pass over other rows than the fit counts is refused; so are outcomes of one class.
  BOOST_TEST(message_of([&] {
               fit_logistic_passes(3, 101, 40, 1.0, [&](const Eigen::VectorXd&) { return one; });
             }).find("pass rows") == 0u);
  BOOST_TEST(message_of([&] { fit_logistic_passes(3, 100, 0, 1.0, [&](const Eigen::VectorXd&) { return one; }); }) ==
             "outcome: has only 0s in 100 rows; both outcomes are needed");
}
