#define BOOST_TEST_MODULE segment.kmeans
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cmath>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cssegment/segment/kmeans.hpp"

using namespace cssegment;
using cssegment::testing::message_of;
namespace tt = boost::test_tools;

namespace {

// `per_blob` points around each of `centres` (2-D), blob after blob.
std::vector<double> blobs(const std::vector<std::pair<double, double>>& centres, std::size_t per_blob, double sd,
                          std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, sd);
  std::vector<double> values;
  for (const auto& [x, y] : centres)
    for (std::size_t i = 0; i < per_blob; ++i) values.push_back(x + noise(rng)), values.push_back(y + noise(rng));
  return values;
}

FeatureMatrix matrix(const std::vector<double>& values, std::size_t columns, std::vector<std::string> names = {}) {
  return {values, values.size() / columns, columns, std::move(names)};
}

}  // namespace

BOOST_AUTO_TEST_CASE(two_pairs_of_points_give_their_means_and_inertia) {
  const std::vector<double> x{0.0, 1.0, 10.0, 11.0};
  KMeans model(2, 4, 300, 1e-4, {FeatureScale::none});
  const auto labels = model.fit(matrix(x, 1));
  BOOST_TEST(labels[0] == labels[1]);
  BOOST_TEST(labels[2] == labels[3]);
  BOOST_TEST(labels[0] != labels[2]);
  const auto centers = model.cluster_centers();
  BOOST_TEST(centers[static_cast<std::size_t>(labels[0])] == 0.5);
  BOOST_TEST(centers[static_cast<std::size_t>(labels[2])] == 10.5);
  BOOST_TEST(model.inertia() == 1.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(model.n_iter() >= 1u);
  BOOST_TEST(model.predict(matrix({-3.0, 5.4, 5.6, 100.0}, 1)) ==
             std::vector<std::int32_t>({labels[0], labels[0], labels[2], labels[2]}));
}

BOOST_AUTO_TEST_CASE(well_separated_blobs_are_recovered) {
  const auto values = blobs({{0.0, 0.0}, {20.0, 0.0}, {0.0, 20.0}, {20.0, 20.0}}, 500, 1.0, 3);
  KMeans model(4, 4, 300, 1e-4, {FeatureScale::standard}, 11);
  const auto labels = model.fit(matrix(values, 2));
  std::set<std::int32_t> seen;
  for (std::size_t blob = 0; blob < 4; ++blob) {
    const std::int32_t label = labels[blob * 500];
    for (std::size_t i = blob * 500; i < (blob + 1) * 500; ++i) BOOST_REQUIRE(labels[i] == label);
    seen.insert(label);
  }
  BOOST_TEST(seen.size() == 4u);
  // Centres come back in the input's units, near the blob centres.
  const auto centers = model.cluster_centers();
  for (std::size_t blob = 0; blob < 4; ++blob) {
    const auto c = static_cast<std::size_t>(labels[blob * 500]) * 2;
    BOOST_TEST(std::abs(centers[c] - values[blob * 1000]) < 4.0);
  }
}

BOOST_AUTO_TEST_CASE(results_do_not_depend_on_the_thread_count) {
  // Enough rows for many parallel chunks, and overlapping blobs so that Lloyd iterates a while.
  const auto values = blobs({{0.0, 0.0}, {3.0, 1.0}, {1.0, 4.0}, {5.0, 5.0}, {2.0, 2.0}}, 12'000, 1.5, 5);
  KMeans one(5, 3, 300, 1e-6, {FeatureScale::standard}, 42), two = one, many = one;
  const auto a = one.fit(matrix(values, 2), 1);
  const auto b = two.fit(matrix(values, 2), 2);
  const auto c = many.fit(matrix(values, 2), 7);
  BOOST_TEST(a == b);
  BOOST_TEST(a == c);
  BOOST_TEST(one.scaled_centers() == two.scaled_centers());
  BOOST_TEST(one.scaled_centers() == many.scaled_centers());
  BOOST_TEST(one.inertia() == many.inertia());
  BOOST_TEST(one.n_iter() == many.n_iter());
  BOOST_TEST(one.predict(matrix(values, 2), 1) == many.predict(matrix(values, 2), 3));
}

BOOST_AUTO_TEST_CASE(the_seed_fixes_the_result) {
  const auto values = blobs({{0.0, 0.0}, {3.0, 1.0}, {1.0, 4.0}}, 3'000, 2.0, 9);
  KMeans first(6, 1, 300, 1e-4, {FeatureScale::standard}, 1), again = first;
  BOOST_TEST(first.fit(matrix(values, 2)) == again.fit(matrix(values, 2)));
  BOOST_TEST((first == again));
}

BOOST_AUTO_TEST_CASE(more_restarts_never_do_worse) {
  const auto values = blobs({{0.0, 0.0}, {3.0, 1.0}, {1.0, 4.0}, {4.0, 4.0}}, 2'000, 1.8, 13);
  KMeans single(8, 1, 300, 1e-4, {FeatureScale::none}, 3), several(8, 6, 300, 1e-4, {FeatureScale::none}, 3);
  single.fit(matrix(values, 2));
  several.fit(matrix(values, 2));
  // The first run of `several` is the run of `single` (same random stream).
  BOOST_TEST(several.inertia() <= single.inertia());
}

BOOST_AUTO_TEST_CASE(restarts_run_a_few_at_a_time_give_the_fit_bit_for_bit) {
  const auto values = blobs({{0.0, 0.0}, {3.0, 1.0}, {1.0, 4.0}, {4.0, 4.0}}, 2'000, 1.8, 13);
  KMeans whole(8, 5, 300, 1e-4, {FeatureScale::standard}, 7), stepped = whole;
  const auto expected = whole.fit(matrix(values, 2, {"x", "y"}));
  KMeans::Fit restarts(stepped, matrix(values, 2, {"x", "y"}), 1);
  BOOST_TEST(message_of([&] { restarts.finish(stepped); }) == "fit: 5 of 5 restarts have not run yet");
  for (std::size_t count : {1, 2, 0, 7}) restarts.run(count);
  BOOST_TEST(restarts.done());
  BOOST_TEST(restarts.restarts_run() == 5u);
  BOOST_TEST(restarts.finish(stepped) == expected);
  BOOST_TEST((stepped == whole));
  BOOST_TEST(stepped.to_json() == whole.to_json());
  BOOST_TEST(message_of([&] { restarts.finish(stepped); }) == "fit: finish() was already called");
}

BOOST_AUTO_TEST_CASE(log_scale_clusters_money_by_order_of_magnitude) {
  // 1k, 10k, 100k ARR accounts: on a log scale they are three equidistant groups.
  std::vector<double> arr;
  for (double base : {1e3, 1e4, 1e5})
    for (int i = 0; i < 50; ++i) arr.push_back(base * (1.0 + 0.01 * (i % 5)));
  KMeans model(3, 4, 300, 1e-4, {FeatureScale::log});
  const auto labels = model.fit(matrix(arr, 1, {"arr"}));
  BOOST_TEST(labels[0] != labels[50]);
  BOOST_TEST(labels[50] != labels[100]);
  BOOST_TEST(labels[0] != labels[100]);
  const auto centers = model.cluster_centers();
  // Centres are geometric means back in dollars.
  BOOST_TEST(centers[static_cast<std::size_t>(labels[50])] > 1e4);
  BOOST_TEST(centers[static_cast<std::size_t>(labels[50])] < 1.05e4);
}

BOOST_AUTO_TEST_CASE(per_feature_scales_and_json_round_trip) {
  const auto values = blobs({{0.0, 100.0}, {10.0, 1000.0}}, 100, 1.0, 21);
  KMeans model(2, 2, 100, 1e-3, {FeatureScale::standard, FeatureScale::log}, 5);
  BOOST_TEST((KMeans::from_json(model.to_json()) == model));  // unfitted
  model.fit(matrix(values, 2, {"health", "arr"}));
  const auto restored = KMeans::from_json(model.to_json());
  BOOST_TEST((restored == model));
  BOOST_TEST(restored.feature_names() == std::vector<std::string>({"health", "arr"}));
  BOOST_TEST(restored.predict(matrix(values, 2)) == model.predict(matrix(values, 2)));
}

// Found reviewing the fuzz target: 2 features x (2^63 + 1) clusters wrapped around to 2 centre
// values, so the sizes looked consistent and predict() read far beyond the centres.
BOOST_AUTO_TEST_CASE(json_with_wrapping_sizes_is_refused) {
  const std::string fitted =
      R"({"kind": "KMeans", "cssegment_version": "0.1.0", "n_clusters": 9223372036854775809, "n_init": 1,
          "max_iter": 10, "tol": 0.0, "scale": ["none"], "seed": 0,
          "fit": {"feature_names": [], "offset": [0, 0], "spread": [1, 1], "centers": [1, 2],
                  "inertia": 0, "n_iter": 1}})";
  BOOST_TEST(message_of([&] { KMeans::from_json(fitted); }) == "json: fitted KMeans state has inconsistent sizes");
}

BOOST_AUTO_TEST_CASE(bad_input_gets_clear_errors) {
  BOOST_TEST(message_of([] { KMeans(0); }) == "n_clusters: must be >= 1, got 0");
  BOOST_TEST(message_of([] { KMeans(2, 0); }) == "n_init: must be >= 1, got 0");
  BOOST_TEST(message_of([] { KMeans(2, 1, 10, -1.0); }) == "tol: -1 must be finite and >= 0");
  BOOST_TEST(message_of([] { parse_feature_scale("minmax"); }) ==
             "scale: 'minmax' is not one of 'standard', 'log', 'none'");
  KMeans model(3);
  BOOST_TEST(message_of([&] { model.fit(matrix({1.0, 1.0, 2.0, 2.0, 1.0}, 1)); }) ==
             "n_clusters: 3 clusters requested but data has only 2 distinct points");
  BOOST_TEST(message_of([&] { model.fit(matrix({1.0, 2.0}, 1)); }) ==
             "n_clusters: 3 clusters need at least as many rows; data has 2");
  BOOST_TEST(message_of([&] { model.fit(matrix({1.0, 2.0, 3.0, NAN, 5.0, 6.0}, 2, {"arr", "nps"})); }) ==
             "data['nps'][1] = nan: missing value; k-means needs every feature of every row");
  BOOST_TEST(message_of([&] { model.fit(matrix({1.0, 2.0, INFINITY, 4.0}, 1)); }) ==
             "data[:, 0][2] = inf: features must be finite");
  KMeans logged(2, 1, 10, 1e-4, {FeatureScale::log});
  BOOST_TEST(message_of([&] { logged.fit(matrix({1.0, -5.0, 3.0}, 1, {"arr"})); }) ==
             "data['arr'][1] = -5: scale='log' needs values >= 0 (log1p is applied)");
  KMeans two_scales(2, 1, 10, 1e-4, {FeatureScale::log, FeatureScale::none});
  BOOST_TEST(message_of([&] { two_scales.fit(matrix({1.0, 2.0, 3.0}, 1)); }) ==
             "scale: has 2 entries for 1 features; give one scale, or one per feature");
  BOOST_CHECK_THROW(model.predict(matrix({1.0}, 1)), NotFitted);
  BOOST_CHECK_THROW(model.inertia(), NotFitted);
  model.fit(matrix({1.0, 2.0, 3.0, 10.0, 20.0, 30.0}, 1));
  BOOST_TEST(message_of([&] { model.predict(matrix({1.0, 2.0}, 2)); }) ==
             "data: has 2 features but the model was fitted on 1");
  BOOST_TEST(message_of([] { KMeans::from_json(R"({"kind": "TierModel", "cssegment_version": "0.1.0"})"); }) ==
             "json: is a 'TierModel' document, not a 'KMeans'");
}

BOOST_AUTO_TEST_CASE(duplicate_points_with_k_distinct_points_are_each_a_centre) {
  // 5 distinct 2-D points, each repeated 1..40 times; k = 5: every distinct point is a centre and
  // every row sits on its centre. Regression: the inertia was summed from |x|^2 - 2 x.c + |c|^2,
  // which left ~1e-13 of rounding for rows exactly on their centre.
  const std::vector<std::pair<double, double>> distinct{{0.1, 3e5}, {0.7, 1e6}, {-2.3, 2.0}, {5.0, 1e6}, {0.1, 7.0}};
  std::vector<double> values;
  for (std::size_t copy = 0; copy < 40; ++copy)
    for (std::size_t i = 0; i < distinct.size(); ++i)
      if (copy <= 8 * i) values.push_back(distinct[i].first), values.push_back(distinct[i].second);
  // The largest value of each column: centres come back through the column's mean (features are
  // centred), so they are exact to the rounding of that mean.
  const double largest[2] = {5.0, 1e6};
  for (auto scale : {FeatureScale::none, FeatureScale::standard}) {
    KMeans model(5, 2, 300, 1e-4, {scale});
    const auto labels = model.fit(matrix(values, 2));
    KMeans one(1, 1, 300, 1e-4, {scale});
    one.fit(matrix(values, 2));
    BOOST_TEST(model.inertia() <= 1e-24 * one.inertia());  // 0 but for the rounding of a mean
    const auto centers = model.cluster_centers();
    for (std::size_t row = 0; row < labels.size(); ++row)
      for (std::size_t j = 0; j < 2; ++j)
        BOOST_TEST(std::abs(centers[2 * static_cast<std::size_t>(labels[row]) + j] - values[2 * row + j]) <=
                   1e-12 * largest[j]);
    BOOST_TEST(std::set<std::int32_t>(labels.begin(), labels.end()).size() == 5u);
    BOOST_TEST(message_of([&] { KMeans(6, 1, 300, 1e-4, {scale}).fit(matrix(values, 2)); }) ==
               "n_clusters: 6 clusters requested but data has only 5 distinct points");
  }
}

BOOST_AUTO_TEST_CASE(inertia_of_unscaled_money_far_from_the_origin_is_exact) {
  // Accounts of ~$1e9 spread by ~$1e3: the expanded form loses ~1e-4 of the inertia.
  std::mt19937_64 rng(5);
  std::normal_distribution<double> noise(0.0, 1e3);
  std::vector<double> values;
  for (int i = 0; i < 3000; ++i) values.push_back(1e9 + noise(rng) + (i % 3) * 1e4);
  KMeans model(3, 1, 300, 1e-4, {FeatureScale::none});
  const auto labels = model.fit(matrix(values, 1));
  const auto centers = model.cluster_centers();
  long double exact = 0.0L;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const long double difference = static_cast<long double>(values[i]) - centers[static_cast<std::size_t>(labels[i])];
    exact += difference * difference;
  }
  BOOST_TEST(model.inertia() == static_cast<double>(exact), boost::test_tools::tolerance(1e-12));
}

// The probe's segfault: a squared distance beyond the largest double (1e155 unscaled) made every
// distance infinite, so no centre was nearest and an empty restart's labels were read.
BOOST_AUTO_TEST_CASE(unscaled_features_whose_distances_overflow_are_refused) {
  for (const std::vector<double>& values :
       {std::vector<double>{1e155, 0.0, 1.0}, std::vector<double>{1e155, 0.0, 0.0, 1.0, 1.0, 2.0}}) {
    const std::size_t columns = values.size() / 3;
    KMeans model(2, 1, 300, 1e-4, {FeatureScale::none}, 0);
    const auto message = message_of([&] { model.fit(matrix(values, columns)); });
    BOOST_TEST(message.find("data[:, 0][0] = 1e+155: lies ") == 0, message);
    BOOST_TEST(message.find("squared distances overflow") != std::string::npos);
    BOOST_TEST(!model.fitted());
  }
  // Just inside the limit the fit works: each extreme row is its own cluster.
  KMeans model(2, 1, 300, 1e-4, {FeatureScale::none}, 0);
  const auto labels = model.fit(matrix({1e150, 0.0, 1.0}, 1));
  BOOST_TEST(labels[0] != labels[1]);
  BOOST_TEST(labels[1] == labels[2]);
  BOOST_TEST(std::isfinite(model.inertia()));
  // predict() on rows beyond the fitted data's range refuses them too.
  BOOST_TEST(message_of([&] { model.predict(matrix({1e300}, 1)); }).find("lies too far from the fitted data") !=
             std::string::npos);
}

// Standard scaling of +-1e300 squared the features (inf): NaN centres and inertia 0, or "only 1
// distinct point" for three.
BOOST_AUTO_TEST_CASE(standard_scaling_of_extreme_magnitudes_stays_finite) {
  KMeans model(2, 1, 300, 1e-4, {FeatureScale::standard}, 0);
  const auto labels = model.fit(matrix({1e300, -1e300, 0.0}, 1));
  BOOST_TEST(labels[1] != labels[0]);
  BOOST_TEST(std::isfinite(model.inertia()));
  BOOST_TEST(model.inertia() > 0.0);
  for (double centre : model.cluster_centers()) BOOST_TEST(std::isfinite(centre));
  KMeans three(3, 1, 300, 1e-4, {FeatureScale::standard}, 0);
  three.fit(matrix({1e300, -1e300, 0.0}, 1));
  BOOST_TEST(three.inertia() == 0.0);
  const auto centres = three.cluster_centers();
  BOOST_TEST(centres[0] == -1e300, tt::tolerance(1e-12));
  BOOST_TEST(centres[2] == 1e300, tt::tolerance(1e-12));
}

// A tampered document: spread 0 or -1 divided the features by 0 or flipped them.
BOOST_AUTO_TEST_CASE(json_fields_are_checked_for_meaning) {
  KMeans model(2, 1, 100, 1e-4, {FeatureScale::standard}, 0);
  model.fit(matrix({0.0, 0.0, 1.0, 1.0, 5.0, 5.0, 6.0, 6.0}, 2));
  const std::string text = model.to_json();
  const auto tampered = [&](const std::string& field, const std::string& value) {
    auto document = nlohmann::json::parse(text);
    document["fit"][field] = nlohmann::json::parse(value);
    return document.dump();
  };
  BOOST_TEST(message_of([&] { KMeans::from_json(tampered("spread", "[0, 0]")); }) ==
             "json: fit.spread[0] = 0: must be finite and > 0");
  BOOST_TEST(message_of([&] { KMeans::from_json(tampered("spread", "[1, -1]")); }) ==
             "json: fit.spread[1] = -1: must be finite and > 0");
  BOOST_TEST(message_of([&] { KMeans::from_json(tampered("inertia", "-1")); }) ==
             "json: fit.inertia -1 must be finite and >= 0");
  BOOST_TEST((KMeans::from_json(text) == model));
}
