#define BOOST_TEST_MODULE health.normalizers
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "cssegment/health/normalizers.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

namespace {

std::vector<double> normalized(const Normalizer& normalizer, const std::vector<double>& values,
                               const std::vector<std::int32_t>& groups = {}) {
  std::vector<double> out(values.size());
  BOOST_REQUIRE(normalizer.normalize(values, groups, 0, out));
  return out;
}

// Normalisers that read labels: `rows` from label_rows(), no numeric values.
std::vector<double> labelled(const Normalizer& normalizer, const std::vector<std::int32_t>& rows) {
  std::vector<double> out(rows.size());
  BOOST_REQUIRE(normalizer.normalize({}, rows, 0, out));
  return out;
}

bool same(const std::vector<double>& a, const std::vector<double>& b, double tolerance = 1e-12) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!((std::isnan(a[i]) && std::isnan(b[i])) || std::abs(a[i] - b[i]) <= tolerance)) return false;
  return true;
}

}  // namespace

BOOST_AUTO_TEST_CASE(linear_is_clamped_and_follows_its_direction) {
  const auto logins = Normalizer::linear(0.0, 20.0);
  BOOST_TEST(same(normalized(logins, {-5.0, 0.0, 5.0, 20.0, 40.0, NAN}), {0.0, 0.0, 25.0, 100.0, 100.0, NAN}));
  const auto tickets = Normalizer::linear(10.0, 0.0);  // fewer tickets is healthier
  BOOST_TEST(same(normalized(tickets, {0.0, 2.5, 10.0, 12.0}), {100.0, 75.0, 0.0, 0.0}));
}

BOOST_AUTO_TEST_CASE(bands_hold_values_from_their_lower_edge) {
  const auto nps = Normalizer::bands({7.0, 9.0}, {0.0, 50.0, 100.0});
  BOOST_TEST(same(normalized(nps, {0.0, 6.99, 7.0, 8.0, 9.0, 10.0, NAN}), {0.0, 0.0, 50.0, 50.0, 100.0, 100.0, NAN}));
}

BOOST_AUTO_TEST_CASE(boolean_maps_true_to_the_healthy_end) {
  BOOST_TEST(same(normalized(Normalizer::boolean(), {1.0, 0.0, NAN}), {100.0, 0.0, NAN}));
  BOOST_TEST(same(normalized(Normalizer::boolean(false), {1.0, 0.0}), {0.0, 100.0}));
  std::vector<double> out(2);
  const std::vector<double> bad{1.0, 2.0};
  const auto flag = Normalizer::boolean();
  BOOST_TEST(!flag.normalize(bad, {}, 0, out));
  BOOST_TEST(message_of([&] { flag.check("exec_sponsor", bad, 0, 2); }) ==
             "data['exec_sponsor'][1] = 2: Boolean measures must be 0 or 1 (false or true)");
}

BOOST_AUTO_TEST_CASE(category_scores_each_label_and_follows_the_unknown_policy) {
  const auto contract = Normalizer::category({"Month-to-month", "One year", "Two year"}, {0.0, 60.0, 100.0});
  BOOST_TEST(contract.reads_labels());
  // The column's own label order differs from the normaliser's; code -1 is a missing label.
  const std::vector<std::int32_t> codes{0, 1, 2, -1, 0};
  ColumnTable data;
  data.add("contract", codes, {"Two year", "Month-to-month", "One year"});
  const auto rows = contract.label_rows(data, "contract");
  BOOST_TEST(rows == std::vector<std::int32_t>({2, 0, 1, -1, 2}));
  BOOST_TEST(same(labelled(contract, rows), {100.0, 0.0, 60.0, NAN, 100.0}));
  ColumnTable unknown;
  const std::vector<std::int32_t> with_unknown{0, 1};
  unknown.add("contract", with_unknown, {"One year", "Weekly"});
  BOOST_TEST(message_of([&] { contract.label_rows(unknown, "contract"); }) ==
             "data['contract'][1] = 'Weekly': label has no points (use unknown='missing' to treat it as a missing "
             "measure)");
  const auto lenient = Normalizer::category({"One year"}, {60.0}, UnknownLabel::missing);
  BOOST_TEST(same(labelled(lenient, lenient.label_rows(unknown, "contract")), {60.0, NAN}));
  ColumnTable numbers;
  const std::vector<double> x{1.0};
  numbers.add("contract", x);
  BOOST_CHECK_THROW(contract.label_rows(numbers, "contract"), InvalidInput);
  BOOST_TEST(message_of([] { Normalizer::category({"a", "b"}, {0.0, 101.0}); }) ==
             "points['b']: 101 must be in [0, 100]");
  BOOST_CHECK_THROW(Normalizer::category({"a", "a"}, {0.0, 1.0}), InvalidInput);
  BOOST_CHECK_THROW(Normalizer::category({}, {}), InvalidInput);
}

BOOST_AUTO_TEST_CASE(boolean_with_true_labels_reads_labels) {
  const auto flag = Normalizer::boolean(true, {"Yes"});
  const std::vector<std::int32_t> codes{0, 1, 2, -1};
  ColumnTable data;
  data.add("tech_support", codes, {"No", "Yes", "No internet service"});
  BOOST_TEST(same(labelled(flag, flag.label_rows(data, "tech_support")), {0.0, 100.0, 0.0, NAN}));
  const auto reversed = Normalizer::boolean(false, {"Yes"});
  BOOST_TEST(same(labelled(reversed, reversed.label_rows(data, "tech_support")), {100.0, 0.0, 100.0, NAN}));
  BOOST_TEST(!Normalizer::boolean().reads_labels());
}

BOOST_AUTO_TEST_CASE(percentile_is_the_mid_rank_among_fitted_values) {
  const std::vector<double> x{1.0, 2.0, 2.0, 3.0, NAN};
  ColumnTable data;
  data.add("x", x);
  auto p = Normalizer::percentile();
  BOOST_TEST(!p.fitted());
  p.fit(data, "x");
  // 4 observed values: 1 -> (0 + 0.5) / 4, 2 -> (1 + 1) / 4, 3 -> (3 + 0.5) / 4; outside -> 0 or 100.
  BOOST_TEST(same(normalized(p, {1.0, 2.0, 3.0, 0.0, 2.5, 9.0, NAN}), {12.5, 50.0, 87.5, 0.0, 75.0, 100.0, NAN}));
  auto reversed = Normalizer::percentile("", false);
  reversed.fit(data, "x");
  BOOST_TEST(same(normalized(reversed, {1.0, 3.0}), {87.5, 12.5}));
}

BOOST_AUTO_TEST_CASE(percentile_of_a_large_sample_stays_within_its_resolution) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  std::vector<double> x(50'000);
  for (auto& v : x) v = normal(rng);
  ColumnTable data;
  data.add("x", x);
  auto p = Normalizer::percentile();
  p.fit(data, "x");
  BOOST_TEST(p.population()->knots.size() == max_percentile_knots);
  std::vector<double> sorted = x;
  std::sort(sorted.begin(), sorted.end());
  const auto points = normalized(p, x);
  for (std::size_t i = 0; i < x.size(); i += 97) {
    const auto below = static_cast<double>(std::lower_bound(sorted.begin(), sorted.end(), x[i]) - sorted.begin());
    const double exact = 100.0 * (below + 0.5) / static_cast<double>(x.size());
    BOOST_TEST(std::abs(points[i] - exact) <= 100.0 / max_percentile_knots + 1e-9);
  }
}

BOOST_AUTO_TEST_CASE(zscore_is_the_normal_cdf_of_the_standardised_value) {
  const std::vector<double> x{2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0};  // mean 5, population sd 2
  ColumnTable data;
  data.add("x", x);
  auto z = Normalizer::zscore();
  z.fit(data, "x");
  BOOST_TEST(z.population()->mean == 5.0);
  BOOST_TEST(z.population()->sd == 2.0);
  const auto points = normalized(z, {5.0, 7.0, 3.0});
  BOOST_TEST(points[0] == 50.0);
  BOOST_TEST(std::abs(points[1] - 84.13447460685429) < 1e-9);
  BOOST_TEST(std::abs(points[2] - 15.865525393145708) < 1e-9);
  ColumnTable constant;
  const std::vector<double> same_value{3.0, 3.0};
  constant.add("x", same_value);
  z.fit(constant, "x");
  BOOST_TEST(normalized(z, {1.0})[0] == 50.0);
}

BOOST_AUTO_TEST_CASE(peer_groups_fit_apart_and_unseen_groups_follow_the_policy) {
  const std::vector<double> x{1.0, 2.0, 3.0, 10.0, 20.0, 30.0, 5.0};
  const std::vector<std::int32_t> segment{0, 0, 0, 1, 1, 1, -1};
  ColumnTable data;
  data.add("x", x).add("segment", segment, {"small", "large"});
  auto p = Normalizer::percentile("segment");
  p.fit(data, "x");
  BOOST_TEST(p.groups() == std::vector<std::string>({"small", "large"}));
  // 3 is the top of "small" but the bottom of "large".
  const std::vector<double> scored{3.0, 3.0, 3.0, 3.0};
  const std::vector<std::int32_t> codes{0, 1, 2, -1};
  ColumnTable later;
  later.add("x", scored).add("segment", codes, {"large", "small", "new"});
  const auto rows = p.group_rows(later);
  BOOST_TEST(rows == std::vector<std::int32_t>({1, 0, -1, -1}));
  // "new" and missing fall back to the population of 7 values (3 is 3rd: (2 + 0.5) / 7).
  BOOST_TEST(same(normalized(p, scored, rows), {0.0, 100.0 * 2.5 / 3.0, 100.0 * 2.5 / 7.0, 100.0 * 2.5 / 7.0}));
  auto strict = Normalizer::zscore("segment", true, UnseenGroup::raise);
  strict.fit(data, "x");
  BOOST_TEST(message_of([&] { strict.group_rows(later); }) ==
             "data['segment'][2] = 'new': peer group not seen in fit (use unseen='population' to score it against "
             "the whole population)");
  ColumnTable numeric_groups;
  numeric_groups.add("x", x).add("segment", x);
  BOOST_CHECK_THROW(p.fit(numeric_groups, "x"), InvalidInput);
}

BOOST_AUTO_TEST_CASE(learned_normalisers_refuse_to_work_unfitted) {
  const auto p = Normalizer::percentile();
  std::vector<double> out(1);
  BOOST_CHECK_THROW(p.normalize(std::vector<double>{1.0}, {}, 0, out), NotFitted);
  ColumnTable empty;
  const std::vector<double> nothing{NAN, NAN};
  empty.add("x", nothing);
  auto z = Normalizer::zscore();
  BOOST_TEST(message_of([&] { z.fit(empty, "x"); }) ==
             "data['x']: has no observed (non-missing) values to fit zscore on");
}

BOOST_AUTO_TEST_CASE(bad_parameters_are_refused) {
  BOOST_TEST(message_of([] { Normalizer::linear(5.0, 5.0); }) ==
             "good: 5 equals bad; Linear needs two different anchors");
  BOOST_TEST(message_of([] { Normalizer::linear(NAN, 5.0); }) == "bad: nan must be finite");
  BOOST_TEST(message_of([] { Normalizer::bands({9.0, 7.0}, {0.0, 50.0, 100.0}); }) ==
             "edges[1] = 7: thresholds must be strictly ascending (previous is 9)");
  BOOST_TEST(message_of([] { Normalizer::bands({7.0}, {0.0, 50.0, 100.0}); }) ==
             "scores: has 3 scores for 1 edges; expected 2 (one per band)");
  BOOST_TEST(message_of([] { Normalizer::bands({7.0}, {0.0, 150.0}); }) ==
             "scores[1] = 150: scores must be in [0, 100]");
  BOOST_CHECK_THROW(parse_unseen_group("ignore"), InvalidInput);
}

BOOST_AUTO_TEST_CASE(json_round_trips_with_fitted_state) {
  const std::vector<double> x{0.0, 1.0, 1.0, 0.0};
  const std::vector<std::int32_t> segment{0, 0, 1, 1};
  ColumnTable data;
  data.add("x", x).add("segment", segment, {"b", "a"});
  for (auto normalizer :
       {Normalizer::linear(1.0, 3.0), Normalizer::bands({1.0}, {10.0, 90.0}), Normalizer::boolean(false),
        Normalizer::percentile("segment", false, UnseenGroup::raise), Normalizer::zscore()}) {
    BOOST_TEST((Normalizer::from_json(normalizer.to_json()) == normalizer));
    normalizer.fit(data, "x");
    const auto back = Normalizer::from_json(normalizer.to_json());
    BOOST_TEST((back == normalizer));
    BOOST_TEST(
        same(normalized(back, x, back.group_rows(data)), normalized(normalizer, x, normalizer.group_rows(data))));
  }
  BOOST_CHECK_THROW(Normalizer::from_json(nlohmann::json::parse(R"({"kind": "sigmoid"})")), InvalidInput);
}

BOOST_AUTO_TEST_CASE(label_normalisers_round_trip_through_json) {
  for (const auto& normalizer : {Normalizer::category({"b", "a"}, {10.0, 90.0}, UnknownLabel::missing),
                                 Normalizer::boolean(false, {"Yes", "Y"})}) {
    const auto back = Normalizer::from_json(normalizer.to_json());
    BOOST_TEST((back == normalizer));
    BOOST_TEST(back.labels() == normalizer.labels());
  }
  BOOST_TEST(!Normalizer::from_json(Normalizer::boolean().to_json()).to_json().contains("true"));
}

// The probe: Linear(-1e308, 1e308) scored 0 at 0 (the width overflowed, so the scale was 0) and
// NaN at 1e308; Linear(0, 5e-324) scored NaN at 0 (100 / 5e-324 overflowed).
BOOST_AUTO_TEST_CASE(linear_anchors_at_the_ends_of_the_doubles_score_as_written) {
  const double largest = std::numeric_limits<double>::max();
  BOOST_TEST(normalized(Normalizer::linear(-1e308, 1e308), {0.0, 1e308, -1e308, 5e307, largest, -largest}) ==
             std::vector<double>({50.0, 100.0, 0.0, 75.0, 100.0, 0.0}));
  BOOST_TEST(normalized(Normalizer::linear(largest, -largest), {largest, 0.0, -largest}) ==
             std::vector<double>({0.0, 50.0, 100.0}));
  const double subnormal = 5e-324;
  BOOST_TEST(normalized(Normalizer::linear(0.0, subnormal), {0.0, subnormal, -subnormal, 1.0, -1.0}) ==
             std::vector<double>({0.0, 100.0, 0.0, 100.0, 0.0}));
  BOOST_TEST(normalized(Normalizer::linear(0.0, 4 * subnormal), {2 * subnormal}) == std::vector<double>({50.0}));
  // Ordinary anchors keep their points.
  BOOST_TEST(normalized(Normalizer::linear(10.0, 20.0), {15.0, 12.5}) == std::vector<double>({50.0, 25.0}));
}

BOOST_AUTO_TEST_CASE(fitted_points_equal_fit_then_normalize_on_the_same_rows) {
  // Peer groups of more than 512 values (radix sort) and of a few (std::sort), rows without a group,
  // a group whose values are all missing, ties, -0 and +0, and more than 4,096 distinct values.
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const std::size_t n = 12'000;
  std::vector<double> small(n), wide(n);
  std::vector<std::int32_t> segment(n);
  for (std::size_t i = 0; i < n; ++i) {
    segment[i] = i % 50 == 0 ? -1 : i % 7 == 0 ? 2 : static_cast<std::int32_t>(i % 2);
    const double v = std::floor(unit(rng) * 6.0) - 2.0;
    small[i] = unit(rng) < 0.1 || segment[i] == 2 ? NAN : v == 0.0 && unit(rng) < 0.5 ? -0.0 : v;
    wide[i] = unit(rng) < 0.05 ? NAN : unit(rng) * 1e6 - 5e5;
  }
  ColumnTable data;
  data.add("small", small).add("wide", wide).add("segment", segment, {"a", "b", "empty", "unused"});
  std::size_t checked = 0;
  for (const auto& normalizer :
       {Normalizer::percentile(), Normalizer::percentile("segment"), Normalizer::percentile("segment", false),
        Normalizer::zscore(), Normalizer::zscore("segment", false)})
    for (const char* column : {"small", "wide"}) {
      Normalizer fitted = normalizer;
      fitted.fit(data, column);
      const auto values = data.numeric(column);
      const auto expected = normalized(fitted, {values.begin(), values.end()}, fitted.group_rows(data));
      std::vector<double> points(n);
      normalizer.fitted_points(data, column, points);
      BOOST_TEST(same(points, expected));
      ++checked;
    }
  BOOST_TEST(checked == 10u);
  // A few values: std::sort's path.
  ColumnTable few;
  const std::vector<double> x{3.0, 1.0, NAN, 1.0, -0.0, 0.0};
  few.add("x", x);
  std::vector<double> points(x.size());
  Normalizer::percentile().fitted_points(few, "x", points);
  BOOST_TEST(same(points, {100.0 * 4.5 / 5.0, 100.0 * 3.0 / 5.0, NAN, 100.0 * 3.0 / 5.0, 20.0, 20.0}));
}

BOOST_AUTO_TEST_CASE(fitted_points_refuse_what_fit_and_group_rows_refuse) {
  const std::vector<double> x{1.0, 2.0, 3.0, NAN};
  const std::vector<std::int32_t> segment{0, 0, -1, 1};
  ColumnTable data;
  data.add("x", x).add("segment", segment, {"a", "b"});
  std::vector<double> out(x.size());
  // Row 2 has no segment, and segment 'b' has no observed value (row 3): raise names row 2.
  const auto strict = Normalizer::percentile("segment", true, UnseenGroup::raise);
  Normalizer fitted = strict;
  fitted.fit(data, "x");
  const std::string expected = message_of([&] { fitted.group_rows(data); });
  BOOST_TEST(expected ==
             "data['segment'][2] = missing: peer group not seen in fit (use unseen='population' to score it against "
             "the whole population)");
  BOOST_TEST(message_of([&] { strict.fitted_points(data, "x", out); }) == expected);
  const std::vector<double> infinite{1.0, INFINITY, 3.0, NAN}, missing{NAN, NAN, NAN, NAN};
  ColumnTable bad;
  bad.add("inf", infinite).add("none", missing);
  for (const char* column : {"inf", "none"}) {
    Normalizer z = Normalizer::zscore();
    BOOST_TEST(message_of([&] { Normalizer::zscore().fitted_points(bad, column, out); }) ==
               message_of([&] { z.fit(bad, column); }));
  }
  BOOST_TEST(message_of([&] { Normalizer::linear(0, 1).fitted_points(data, "x", out); }) ==
             "normalizer: only Percentile and ZScore learn from data");
}

BOOST_AUTO_TEST_CASE(zscore_fits_keep_the_mean_and_sd_and_read_older_documents) {
  const std::vector<double> x{2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0};
  ColumnTable data;
  data.add("x", x);
  auto z = Normalizer::zscore();
  z.fit(data, "x");
  BOOST_TEST(z.population()->knots.empty());
  const auto document = z.to_json();
  BOOST_TEST(document["population"] == nlohmann::json::parse(R"({"mean": 5.0, "sd": 2.0})"));
  // Written before ZScore fits dropped their knots: the knots and counts are read past.
  const auto older = Normalizer::from_json(nlohmann::json::parse(
      R"({"kind": "zscore", "by": "", "higher_is_better": true, "unseen": "population", "groups": [],
          "population": {"knots": [2.0, 4.0, 5.0, 7.0, 9.0], "counts": [1.0, 3.0, 2.0, 1.0, 1.0],
                         "mean": 5.0, "sd": 2.0}})"));
  BOOST_TEST((older == z));
  BOOST_TEST(older.to_json() == document);
  BOOST_TEST(same(normalized(older, {5.0, 7.0}), normalized(z, {5.0, 7.0})));
}

namespace {

// The sorted distinct values of `rows` and how many rows hold each.
std::pair<std::vector<double>, std::vector<std::uint64_t>> counted(std::vector<double> rows) {
  std::sort(rows.begin(), rows.end());
  std::vector<double> values;
  std::vector<std::uint64_t> counts;
  for (double v : rows) {
    if (!values.empty() && values.back() == v) ++counts.back();
    else values.push_back(v), counts.push_back(1);
  }
  return {values, counts};
}

FittedDistribution fit_of_counts(const std::vector<double>& rows) {
  const auto [values, counts] = counted(rows);
  return fit_counted_distribution(values, counts);
}

}  // namespace

BOOST_AUTO_TEST_CASE(percentile_fit_from_value_counts_equals_the_fit_from_rows) {
  std::mt19937_64 random(7);
  std::lognormal_distribution<double> spread(3.0, 1.0);
  std::uniform_int_distribution<int> small(0, 40);
  std::vector<double> tied(3000), continuous(20000);
  for (double& v : tied) v = small(random) * 0.1;  // many ties, 41 distinct values
  for (std::size_t i = 0; i < continuous.size(); ++i)
    continuous[i] = i % 9 == 0 ? 7.0 : std::round(spread(random) * 1000.0) / 1000.0;  // ties and > 4096 distinct
  for (const auto* rows : {&tied, &continuous}) {
    const FittedDistribution from_rows = fit_distribution(std::vector<double>(*rows));
    const FittedDistribution from_counts = fit_of_counts(*rows);
    BOOST_TEST((from_counts == from_rows));  // knots, counts, mean and sd, bit for bit
    BOOST_TEST(from_counts.total == from_rows.total);
  }
  BOOST_TEST(fit_of_counts(tied).knots.size() == 41u);
  BOOST_TEST(counted(continuous).first.size() > max_percentile_knots);
  BOOST_TEST(fit_of_counts(continuous).knots.size() <= max_percentile_knots);  // sampled knots
  BOOST_TEST(fit_of_counts(continuous).knots.size() > 3000u);
}

BOOST_AUTO_TEST_CASE(percentile_fit_from_value_counts_skips_missing_values_and_fits_each_group) {
  std::mt19937_64 random(11);
  std::uniform_int_distribution<int> draw(0, 5999);
  const std::size_t n = 15000;
  std::vector<double> x(n);
  std::vector<std::int32_t> segment(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = i % 13 == 0 ? NAN : draw(random) / 8.0;  // missing values are skipped by the fit
    segment[i] = static_cast<std::int32_t>(i % 4) - 1;  // -1: no group (the population only)
  }
  ColumnTable data;
  data.add("x", x).add("segment", segment, {"a", "b", "c"});
  auto p = Normalizer::percentile("segment");
  p.fit(data, "x");
  std::vector<std::vector<double>> groups(3);
  std::vector<double> observed;
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isnan(x[i])) {
      observed.push_back(x[i]);
      if (segment[i] >= 0) groups[static_cast<std::size_t>(segment[i])].push_back(x[i]);
    }
  BOOST_TEST((fit_of_counts(observed) == *p.population()));
  BOOST_TEST(counted(observed).first.size() > max_percentile_knots);
  BOOST_REQUIRE(p.group_fits().size() == 3u);
  for (std::size_t g = 0; g < 3; ++g) BOOST_TEST((fit_of_counts(groups[g]) == p.group_fits()[g]));
}

BOOST_AUTO_TEST_CASE(percentile_fit_from_value_counts_refuses_bad_counts) {
  const std::vector<double> values{1.0, 2.0};
  const std::vector<std::uint64_t> counts{1, 0};
  BOOST_TEST(message_of([&] { fit_counted_distribution(values, counts); }) == "counts[1] = 0: counts must be >= 1");
  BOOST_TEST(message_of([&] {
               fit_counted_distribution(std::vector<double>{2.0, 1.0}, std::vector<std::uint64_t>{1, 1});
             }).find("values") == 0u);
  BOOST_TEST(message_of([&] {
               fit_counted_distribution(std::vector<double>{1.0, INFINITY}, std::vector<std::uint64_t>{1, 1});
             }) == "values[1] = inf: values must be finite");
  BOOST_CHECK_THROW(fit_counted_distribution(values, std::vector<std::uint64_t>{1}), InvalidInput);
  BOOST_CHECK_THROW(fit_counted_distribution({}, {}), InvalidInput);
}
