#define BOOST_TEST_MODULE segment.kmeans_partial
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cssegment/segment/kmeans_partial.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

namespace {

constexpr std::size_t d = 3;

// Rows x 3 features around four centres, with heavy-tailed noise (sums that round differently in
// different orders).
std::vector<double> rows(std::size_t n, std::uint64_t seed, double spread = 1.5) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> noise(0.0, spread);
  std::vector<double> values;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < d; ++j) values.push_back(static_cast<double>((i % 4) * 10 + j) + noise(rng));
  return values;
}

// The rows split at the given row numbers.
std::vector<std::span<const double>> split(const std::vector<double>& values, const std::vector<std::size_t>& cuts) {
  std::vector<std::span<const double>> parts;
  std::size_t begin = 0;
  for (std::size_t cut : cuts) parts.emplace_back(values.data() + begin * d, (cut - begin) * d), begin = cut;
  parts.emplace_back(values.data() + begin * d, values.size() - begin * d);
  return parts;
}

std::vector<std::pair<int, std::vector<std::int64_t>>> digits(const std::vector<ExactSum>& sums) {
  std::vector<std::pair<int, std::vector<std::int64_t>>> out;
  for (const auto& sum : sums) out.push_back(sum.digits());
  return out;
}

void check_same(const KMeansPartial& a, const KMeansPartial& b) {
  BOOST_TEST(a.counts() == b.counts());
  BOOST_TEST((digits(a.sums()) == digits(b.sums())));
  BOOST_TEST((a.inertia_sum().digits() == b.inertia_sum().digits()));
  BOOST_REQUIRE_EQUAL(a.farthest().size(), b.farthest().size());
  for (std::size_t i = 0; i < a.farthest().size(); ++i) {
    BOOST_TEST(a.farthest()[i].row == b.farthest()[i].row);
    BOOST_TEST(a.farthest()[i].distance == b.farthest()[i].distance);
    BOOST_TEST(a.farthest()[i].point == b.farthest()[i].point);
  }
}

const std::vector<double> centers{1.0, 2.0, 3.0, 12.0, 11.0, 13.0, 20.0, 22.0, 21.0, 30.0, 31.0, 33.0};

}  // namespace

BOOST_AUTO_TEST_CASE(lloyd_partials_merge_in_any_order_to_the_one_partition_pass) {
  const auto values = rows(1000, 1);
  const auto whole = KMeansPartial::of(values, d, centers, 0);
  BOOST_TEST(whole.counts().size() == 4u);
  std::uint64_t total = 0;
  for (auto count : whole.counts()) total += count;
  BOOST_TEST(total == 1000u);
  for (const auto& cuts : {std::vector<std::size_t>{1, 500}, {333, 334, 900}, {0, 0, 17, 999}}) {
    const auto parts = split(values, cuts);
    std::vector<KMeansPartial> partials;
    std::size_t first = 0;
    for (const auto& part : parts)
      partials.push_back(KMeansPartial::of(part, d, centers, first)), first += part.size() / d;
    KMeansPartial forward = partials.front();
    for (std::size_t p = 1; p < partials.size(); ++p) forward.merge(partials[p]);
    KMeansPartial backward = partials.back();
    for (std::size_t p = partials.size() - 1; p-- > 0;) backward.merge(partials[p]);
    // (a + b) + (c + ...) : a tree
    KMeansPartial left = partials[0];
    left.merge(partials[1]);
    KMeansPartial right = partials[2];
    for (std::size_t p = 3; p < partials.size(); ++p) right.merge(partials[p]);
    left.merge(right);
    check_same(forward, whole);
    check_same(backward, whole);
    check_same(left, whole);
    BOOST_TEST(forward.updated(centers) == whole.updated(centers));
  }
}

BOOST_AUTO_TEST_CASE(plain_sums_would_depend_on_the_order) {
  // The claim above is not vacuous: plain double sums of these rows, summed by part and the parts
  // then added, differ from the sums in one pass.
  const auto values = rows(1000, 1);
  std::size_t differ = 0;
  for (const auto& cuts : {std::vector<std::size_t>{1, 500}, {333, 334, 900}}) {
    for (std::size_t j = 0; j < d; ++j) {
      double whole = 0.0, merged = 0.0;
      for (std::size_t i = j; i < values.size(); i += d) whole += values[i];
      for (const auto& part : split(values, cuts)) {
        double sum = 0.0;
        for (std::size_t i = j; i < part.size(); i += d) sum += part[i];
        merged += sum;
      }
      differ += whole != merged;
    }
  }
  BOOST_TEST(differ > 0u);
}

BOOST_AUTO_TEST_CASE(updated_centres_are_the_means_and_empty_clusters_take_the_farthest_row) {
  // Rows 0, 1 near centre 0; row 2 far from it; centre 1 far from everything: it is empty.
  const std::vector<double> z{0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 9.0, 0.0, 0.0};
  const std::vector<double> two{0.0, 0.0, 0.0, 100.0, 100.0, 100.0};
  const auto partial = KMeansPartial::of(z, d, two, 0);
  BOOST_TEST(partial.counts() == std::vector<std::uint64_t>({3, 0}));
  BOOST_TEST(partial.farthest().front().row == 2u);
  BOOST_TEST(partial.inertia() == 82.0);
  const auto next = partial.updated(two);
  BOOST_TEST(next == std::vector<double>({0.5, 0.0, 0.0, 9.0, 0.0, 0.0}));
  // One row only: moving it would empty its own cluster, so the empty centre stays.
  const auto lone = KMeansPartial::of(std::span<const double>(z).first(3), d, two, 0);
  BOOST_TEST(lone.updated(two) == two);
}

BOOST_AUTO_TEST_CASE(weighted_rows_count_as_many_rows) {
  const std::vector<double> z{0.0, 0.0, 0.0, 3.0, 0.0, 0.0};
  const std::vector<double> one{0.0, 0.0, 0.0};
  const std::vector<std::uint64_t> weights{1, 3};
  const auto partial = KMeansPartial::of(z, d, one, 0, weights);
  BOOST_TEST(partial.counts() == std::vector<std::uint64_t>({4}));
  BOOST_TEST(partial.inertia() == 27.0);
  BOOST_TEST(partial.updated(one) == std::vector<double>({2.25, 0.0, 0.0}));
}

BOOST_AUTO_TEST_CASE(kmeans_parallel_candidates_do_not_depend_on_the_partitioning) {
  const auto values = rows(2000, 2);
  const std::vector<double> first(values.begin(), values.begin() + d);
  const auto whole = KMeansCandidates::of(values, d, first, 0, 7, 1, 8.0, 0.0);
  BOOST_TEST(whole.rows().empty());
  const double cost = whole.cost();
  const auto sampled = KMeansCandidates::of(values, d, first, 0, 7, 1, 8.0, cost);
  BOOST_TEST(sampled.rows().size() > 2u);
  BOOST_TEST(sampled.rows().size() < 30u);
  for (const auto& cuts : {std::vector<std::size_t>{1000}, {3, 700, 1999}, {0, 1500, 1500}}) {
    const auto parts = split(values, cuts);
    KMeansCandidates merged(d);
    std::size_t begin = 0;
    std::vector<KMeansCandidates> partials;
    for (const auto& part : parts)
      partials.push_back(KMeansCandidates::of(part, d, first, begin, 7, 1, 8.0, cost)), begin += part.size() / d;
    for (std::size_t p = partials.size(); p-- > 0;) merged.merge(partials[p]);  // backwards
    BOOST_TEST(merged.rows() == sampled.rows());
    BOOST_TEST(merged.points() == sampled.points());
    BOOST_TEST((merged.cost_sum().digits() == whole.cost_sum().digits()));
  }
  // Another stream samples other rows.
  BOOST_TEST(KMeansCandidates::of(values, d, first, 0, 7, 2, 8.0, cost).rows() != sampled.rows());
}

BOOST_AUTO_TEST_CASE(feature_moments_merge_exactly_and_give_the_in_memory_scaling) {
  const auto values = rows(3000, 3);
  const auto parts = split(values, {10, 1234, 2999});
  const auto moments = [&](std::span<const double> power, std::span<const double> mean) {
    FeatureMoments total = FeatureMoments::of({}, d, power, mean);
    for (std::size_t p = parts.size(); p-- > 0;) total.merge(FeatureMoments::of(parts[p], d, power, mean));
    return total;
  };
  const auto range = moments({}, {});
  BOOST_TEST(range.rows() == 3000u);
  const auto power = range.powers();
  const auto sums = moments(power, {});
  const auto squares = moments(power, sums.means());
  BOOST_TEST((digits(sums.sums()) == digits(FeatureMoments::of(values, d, power).sums())));
  KMeans model(4, 2, 300, 1e-4, {FeatureScale::standard}, 5);
  const auto scaling = model.scaling_from(range, sums, squares);
  model.fit({values, 3000, d, {}});
  const auto fit = nlohmann::json::parse(model.to_json())["fit"];
  BOOST_TEST(fit["offset"].get<std::vector<double>>() == scaling.offset);
  BOOST_TEST(fit["spread"].get<std::vector<double>>() == scaling.spread);
  BOOST_TEST(scaling.mean_variance == 1.0, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(a_fit_over_partitions_gives_a_model_that_predicts) {
  const auto values = rows(400, 4, 0.2);
  KMeans model(4, 1, 100, 1e-4, {FeatureScale::standard}, 3);
  const FeatureMatrix X{values, 400, d, {"a", "b", "c"}};
  auto z = model.prepared(X);
  const auto range = FeatureMoments::of(z, d);
  const auto power = range.powers();
  const auto sums = FeatureMoments::of(z, d, power);
  const auto scaling = model.scaling_from(range, sums, FeatureMoments::of(z, d, power, sums.means()));
  model.standardize_partition(z, X.names, scaling, 0, 400);
  // k-means||: one round from row 0, then the candidates weighted and reclustered.
  std::vector<double> candidates(z.begin(), z.begin() + d);
  const double cost = KMeansCandidates::of(z, d, candidates, 0, 3, 1, 8.0, 0.0).cost();
  const auto round = KMeansCandidates::of(z, d, candidates, 0, 3, 1, 8.0, cost);
  candidates.insert(candidates.end(), round.points().begin(), round.points().end());
  const auto weights = KMeansPartial::of(z, d, candidates, 0).counts();
  auto centres = kmeans_recluster(candidates, d, weights, 4, 3, 100, 0.0);
  BOOST_TEST(centres.size() == 4 * d);
  for (int step = 0; step < 20; ++step) centres = KMeansPartial::of(z, d, centres, 0).updated(centres);
  const double inertia = KMeansPartial::of(z, d, centres, 0).inertia();
  const auto fitted = model.fitted_with(X.names, scaling, centres, inertia, 20);
  BOOST_TEST(fitted.fitted());
  const auto labels = fitted.predict(X);
  // Rows alternate between the four groups; each group is one cluster.
  for (std::size_t i = 4; i < 400; ++i) BOOST_TEST(labels[i] == labels[i % 4]);
  KMeans memory(4, 4, 100, 1e-4, {FeatureScale::standard}, 3);
  memory.fit(X);
  BOOST_TEST(inertia == memory.inertia(), boost::test_tools::tolerance(0.01));
}

BOOST_AUTO_TEST_CASE(more_reclustering_trials_never_do_worse) {
  // Candidates of four groups with uneven weights: some seedings end in a worse local optimum.
  const auto points = rows(60, 6, 0.8);
  std::vector<std::uint64_t> weights(60);
  for (std::size_t i = 0; i < 60; ++i) weights[i] = 1 + (i * 7) % 13;
  const auto inertia = [&](const std::vector<double>& centres) {
    return KMeansPartial::of(points, d, centres, 0, weights).inertia();
  };
  const auto one = inertia(kmeans_recluster(points, d, weights, 4, 9, 100, 0.0, 1));
  const auto ten = inertia(kmeans_recluster(points, d, weights, 4, 9, 100, 0.0, 10));
  BOOST_TEST(ten <= one);  // the first trial is the same in both
  BOOST_TEST(inertia(kmeans_recluster(points, d, weights, 4, 9, 100, 0.0, 10)) == ten);  // seeded: repeatable
}

BOOST_AUTO_TEST_CASE(bad_parts_are_refused) {
  const std::vector<double> z{1.0, 2.0};
  BOOST_TEST(message_of([&] { KMeansPartial::of(z, d, centers, 0); }).find("z") != std::string::npos);
  const std::vector<double> nan_row{1.0, std::nan(""), 3.0};
  KMeans model(2);
  BOOST_TEST(message_of([&] { model.prepared({nan_row, 1, d, {"a", "b", "c"}}); }).find("data['b'][0]") !=
             std::string::npos);
  const std::vector<double> one_centre{0.0, 0.0, 0.0};
  const std::vector<std::uint64_t> one_weight{1};
  BOOST_TEST(message_of([&] { kmeans_recluster(one_centre, d, one_weight, 2, 0, 10, 0.0); }).find("n_clusters") !=
             std::string::npos);
}
