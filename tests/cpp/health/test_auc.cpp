#define BOOST_TEST_MODULE health.auc
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "cssegment/health/auc.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

namespace {

// The definition, pair by pair: P(an account of `lower_class` scored lower than one of the other).
double brute_force_auc(const std::vector<double>& scores, const std::vector<double>& outcome, double lower_class) {
  double lower = 0.0, pairs = 0.0;
  for (std::size_t i = 0; i < scores.size(); ++i)
    for (std::size_t j = 0; j < scores.size(); ++j)
      if (outcome[i] == lower_class && outcome[j] != lower_class) {
        pairs += 1.0;
        lower += scores[i] < scores[j] ? 1.0 : scores[i] == scores[j] ? 0.5 : 0.0;
      }
  return lower / pairs;
}

}  // namespace

BOOST_AUTO_TEST_CASE(health_auc_counts_pairs_with_ties_as_half) {
  // Churned 10, 50; retained 50, 90: pairs (10<50) 1, (10<90) 1, (50=50) 0.5, (50<90) 1 -> 3.5 / 4.
  BOOST_TEST(health_auc(std::vector<double>{10.0, 50.0, 50.0, 90.0}, std::vector<double>{1.0, 1.0, 0.0, 0.0}) == 0.875);
  BOOST_TEST(health_auc(std::vector<double>{1.0, 2.0}, std::vector<double>{0.0, 1.0}) == 0.0);
  BOOST_TEST(health_auc(std::vector<double>{-0.0, 0.0}, std::vector<double>{0.0, 1.0}) == 0.5);
}

BOOST_AUTO_TEST_CASE(health_auc_matches_the_definition_on_random_scores_with_ties) {
  std::mt19937_64 rng(17);
  for (std::size_t n : {7u, 300u, 3000u}) {
    std::vector<double> health(n), churned(n);
    std::uniform_int_distribution<int> grid(-20, 100);
    std::bernoulli_distribution coin(0.3);
    for (std::size_t i = 0; i < n; ++i) health[i] = grid(rng) * 0.5, churned[i] = coin(rng) ? 1.0 : 0.0;
    churned[0] = 1.0, churned[1] = 0.0;
    BOOST_TEST(std::abs(health_auc(health, churned) - brute_force_auc(health, churned, 1.0)) < 1e-14);
  }
}

BOOST_AUTO_TEST_CASE(roc_auc_counts_pairs_with_ties_as_half) {
  // Positives 0.9, 0.5; negatives 0.5, 0.1: (0.9>0.5) 1, (0.9>0.1) 1, (0.5=0.5) 0.5, (0.5>0.1) 1 -> 3.5 / 4.
  BOOST_TEST(roc_auc(std::vector<double>{1.0, 1.0, 0.0, 0.0}, std::vector<double>{0.9, 0.5, 0.5, 0.1}) == 0.875);
  // Positives 2, 2, 1; negatives 2, 0: (2=2) 0.5 twice, (2>0) 1 twice, (1<2) 0, (1>0) 1 -> 4 / 6.
  BOOST_TEST(roc_auc(std::vector<double>{1.0, 1.0, 1.0, 0.0, 0.0}, std::vector<double>{2.0, 2.0, 1.0, 2.0, 0.0}) ==
             4.0 / 6.0);
  BOOST_TEST(roc_auc(std::vector<double>{1.0, 0.0}, std::vector<double>{1.0, 2.0}) == 0.0);
  BOOST_TEST(roc_auc(std::vector<double>{1.0, 0.0}, std::vector<double>{-0.0, 0.0}) == 0.5);
}

BOOST_AUTO_TEST_CASE(roc_auc_matches_the_definition_and_health_auc_with_classes_and_sign_swapped) {
  std::mt19937_64 rng(23);
  for (std::size_t n : {7u, 300u, 3000u}) {
    std::vector<double> score(n), negated(n), y_true(n), swapped(n);
    std::uniform_int_distribution<int> grid(-20, 100);
    std::bernoulli_distribution coin(0.4);
    for (std::size_t i = 0; i < n; ++i) {
      score[i] = grid(rng) * 0.25, negated[i] = -score[i];
      y_true[i] = coin(rng) ? 1.0 : 0.0, swapped[i] = 1.0 - y_true[i];
    }
    y_true[0] = 1.0, y_true[1] = 0.0, swapped[0] = 0.0, swapped[1] = 1.0;
    const double expected = roc_auc(y_true, score);
    BOOST_TEST(std::abs(expected - brute_force_auc(score, y_true, 0.0)) < 1e-14);
    // A positive scored higher = a positive scored lower on the negated scores, or a negative
    // scored lower on the same scores with the classes swapped.
    BOOST_TEST(health_auc(negated, y_true) == expected);
    BOOST_TEST(health_auc(score, swapped) == expected);
    BOOST_TEST(std::abs(roc_auc(y_true, negated) - (1.0 - expected)) < 1e-15);
  }
}

BOOST_AUTO_TEST_CASE(radix_sort_orders_every_kind_of_double) {
  std::mt19937_64 rng(2);
  std::normal_distribution<double> normal(0.0, 1e3);
  std::vector<double> values(5000);
  for (auto& v : values) v = normal(rng);
  values[10] = -INFINITY, values[11] = INFINITY, values[12] = -0.0, values[13] = 0.0, values[14] = 1e-310;
  std::vector<std::uint64_t> keys;
  for (double v : values) keys.push_back(detail::sort_key(v));
  detail::radix_sort(keys);
  std::sort(values.begin(), values.end());
  for (std::size_t i = 0; i < values.size(); ++i) BOOST_REQUIRE(detail::from_sort_key(keys[i]) == values[i]);
}

BOOST_AUTO_TEST_CASE(rank_summary_is_nan_with_one_class_and_skips_missing_scores) {
  BOOST_TEST(std::isnan(detail::rank_summary(std::vector<double>{1.0, 2.0}, std::vector<double>{1.0, 1.0}, 1.0).auc));
  BOOST_TEST(detail::rank_summary(std::vector<double>{1.0, NAN, 2.0}, std::vector<double>{1.0, 0.0, 0.0}, 1.0).auc ==
             1.0);
}

BOOST_AUTO_TEST_CASE(health_auc_refuses_bad_input) {
  BOOST_TEST(message_of([] { health_auc(std::vector<double>{1.0, NAN}, std::vector<double>{0.0, 1.0}); }) ==
             "health[1] = nan: scores must be finite");
  BOOST_TEST(message_of([] { health_auc(std::vector<double>{1.0, 2.0}, std::vector<double>{0.0, 0.0}); }) ==
             "outcome: has only 0s in 2 rows; both outcomes are needed");
  BOOST_TEST(message_of([] { health_auc(std::vector<double>{1.0, 2.0}, std::vector<double>{0.0, 0.5}); }) ==
             "outcome[1] = 0.5: outcomes must be 0 or 1");
  BOOST_TEST(message_of([] { health_auc(std::vector<double>{1.0, 2.0}, std::vector<double>{0.0}); }) ==
             "outcome: has length 1 but health has length 2");
}

BOOST_AUTO_TEST_CASE(roc_auc_refuses_bad_input_naming_y_true_and_y_score) {
  BOOST_TEST(message_of([] { roc_auc(std::vector<double>{0.0, 1.0}, std::vector<double>{1.0, NAN}); }) ==
             "y_score[1] = nan: scores must be finite");
  BOOST_TEST(message_of([] { roc_auc(std::vector<double>{0.0, 1.0}, std::vector<double>{-INFINITY, 1.0}); }) ==
             "y_score[0] = -inf: scores must be finite");
  BOOST_TEST(message_of([] { roc_auc(std::vector<double>{1.0, 1.0}, std::vector<double>{1.0, 2.0}); }) ==
             "y_true: has only 1s in 2 rows; both outcomes are needed");
  BOOST_TEST(message_of([] { roc_auc(std::vector<double>{0.0, 2.0}, std::vector<double>{1.0, 2.0}); }) ==
             "y_true[1] = 2: outcomes must be 0 or 1");
  BOOST_TEST(message_of([] { roc_auc(std::vector<double>{0.0}, std::vector<double>{1.0, 2.0}); }) ==
             "y_true: has length 1 but y_score has length 2");
}

// The name before 0.2.0, kept for C++ users: deprecated, and the same as health_auc.
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
BOOST_AUTO_TEST_CASE(deprecated_auc_forwards_to_health_auc) {
  const std::vector<double> health{10.0, 50.0, 50.0, 90.0}, churned{1.0, 1.0, 0.0, 0.0};
  BOOST_TEST(auc(health, churned) == health_auc(health, churned));
  BOOST_TEST(message_of([] { auc(std::vector<double>{1.0, 2.0}, std::vector<double>{0.0}); }) ==
             "outcome: has length 1 but health has length 2");
}
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
