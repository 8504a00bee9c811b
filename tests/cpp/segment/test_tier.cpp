#define BOOST_TEST_MODULE segment.tier
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "cssegment/segment/tier.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

BOOST_AUTO_TEST_CASE(touch_preset_follows_the_published_ratios) {
  const auto model = TierModel::touch();
  BOOST_TEST(model.thresholds() == std::vector<double>({10'000.0, 50'000.0}));
  BOOST_TEST(model.names() == std::vector<std::string>({"Tech touch", "Low touch", "High touch"}));
  BOOST_TEST(*model.csm_ratios()[0] == 1000.0);
  BOOST_TEST(*model.csm_ratios()[1] == 100.0);
  BOOST_TEST(*model.csm_ratios()[2] == 15.0);
  BOOST_TEST(model.column() == "arr");
}

BOOST_AUTO_TEST_CASE(tier_i_holds_values_from_its_lower_threshold_inclusive) {
  const auto model = TierModel::touch();
  const std::vector<double> arr{0.0, 9'999.99, 10'000.0, 49'999.0, 50'000.0, 2e9};
  BOOST_TEST(model.assign(arr) == std::vector<std::int32_t>({0, 0, 1, 1, 2, 2}));
  BOOST_TEST(model.assign(std::vector<double>{}).empty());
}

BOOST_AUTO_TEST_CASE(hysteresis_keeps_the_previous_tier_inside_the_widened_range) {
  const TierModel model({10'000.0, 50'000.0}, {"Tech", "Low", "High"}, "arr", {}, 0.1);
  // Low's range [10k, 50k) widens to [9k, 55k); High's to [45k, inf); Tech's to [0, 11k).
  const std::vector<double> arr{9'000.0, 8'999.0, 54'999.0, 55'000.0, 45'000.0, 44'999.0, 10'999.0, 11'000.0, 30'000.0};
  const std::vector<std::int32_t> previous{1, 1, 1, 1, 2, 2, 0, 0, -1};
  BOOST_TEST(model.assign(arr, previous) == std::vector<std::int32_t>({1, 0, 1, 2, 2, 1, 0, 1, 1}));
  // Without hysteresis, previous labels change nothing.
  const TierModel plain({10'000.0, 50'000.0}, {"Tech", "Low", "High"});
  BOOST_TEST(plain.assign(arr, previous) == plain.assign(arr));
}

BOOST_AUTO_TEST_CASE(hysteresis_never_keeps_a_tier_the_value_is_far_from) {
  const TierModel model({100.0, 200.0, 400.0}, {"a", "b", "c", "d"}, "x", {}, 0.2);
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> value(0.0, 600.0);
  std::uniform_int_distribution<int> tier(-1, 3);
  std::vector<double> values(20'000);
  std::vector<std::int32_t> previous(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = value(rng), previous[i] = tier(rng);
  const auto with = model.assign(values, previous);
  const auto without = model.assign(values);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (with[i] != without[i]) {
      BOOST_TEST(with[i] == previous[i]);
      const auto p = static_cast<std::size_t>(previous[i]);
      const double lo = p == 0 ? 0.0 : model.thresholds()[p - 1] * 0.8;
      const double hi = p == 3 ? INFINITY : model.thresholds()[p] * 1.2;
      BOOST_TEST((values[i] >= lo && values[i] < hi));
    }
  }
}

BOOST_AUTO_TEST_CASE(results_do_not_depend_on_chunking) {
  const auto model = TierModel::touch();
  std::vector<double> values(3 * segment_chunk_rows + 17);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<double>((i * 7919) % 100'000);
  const auto codes = model.assign(values);
  for (std::size_t i = 0; i < values.size(); ++i) BOOST_REQUIRE(codes[i] == plain_tier(values[i], model.thresholds()));
  std::vector<std::int8_t> narrow(values.size());
  model.assign_into(values, {}, std::span<std::int8_t>(narrow));
  BOOST_TEST(std::equal(narrow.begin(), narrow.end(), codes.begin()));
}

BOOST_AUTO_TEST_CASE(bad_values_name_field_row_and_value) {
  const auto model = TierModel::touch();
  BOOST_TEST(message_of([&] { model.assign(std::vector<double>{1.0, -5.0}); }) ==
             "arr[1] = -5: values must be finite and >= 0");
  BOOST_TEST(message_of([&] { model.assign(std::vector<double>{INFINITY}); }) ==
             "arr[0] = inf: values must be finite and >= 0");
  BOOST_TEST(message_of([&] { model.assign(std::vector<double>{1.0, 2.0, NAN}); }) ==
             "arr[2] = nan: missing value (use missing='unassigned' to allow it)");
  // The first offending row is reported even when a later chunk also fails.
  std::vector<double> many(4 * segment_chunk_rows, 1.0);
  many[segment_chunk_rows + 3] = -1.0;
  many.back() = NAN;
  BOOST_TEST(message_of([&] { model.assign(many); }) ==
             "arr[" + std::to_string(segment_chunk_rows + 3) + "] = -1: values must be finite and >= 0");
}

BOOST_AUTO_TEST_CASE(missing_unassigned_adds_a_last_category) {
  const TierModel model({10.0}, {"small", "big"}, "arr", {}, 0.0, MissingPolicy::unassigned);
  BOOST_TEST(model.categories() == std::vector<std::string>({"small", "big", "Unassigned"}));
  BOOST_TEST(model.assign(std::vector<double>{NAN, 5.0, 50.0}) == std::vector<std::int32_t>({2, 0, 1}));
  BOOST_CHECK_THROW(model.assign(std::vector<double>{-1.0}), InvalidInput);
  BOOST_CHECK_THROW(TierModel({10.0}, {"Unassigned", "big"}, "arr", {}, 0.0, MissingPolicy::unassigned), InvalidInput);
}

BOOST_AUTO_TEST_CASE(bad_construction_is_refused) {
  BOOST_TEST(message_of([] { TierModel({50.0, 10.0}, {"a", "b", "c"}); }) ==
             "thresholds[1] = 10: thresholds must be strictly ascending (previous is 50)");
  BOOST_TEST(message_of([] { TierModel({10.0}, {"a"}); }) ==
             "names: has 1 names for 1 thresholds; expected 2 (one per tier)");
  BOOST_TEST(message_of([] { TierModel({10.0}, {"a", "a"}); }) == "names[1] = 'a': duplicate name");
  BOOST_TEST(message_of([] { TierModel({10.0}, {"a", "b"}, "arr", {15.0}); }) ==
             "csm_ratios: has 1 ratios for 2 tiers");
  BOOST_TEST(message_of([] { TierModel({10.0}, {"a", "b"}, "arr", {15.0, -1.0}); }) ==
             "csm_ratios[1] = -1: CSM ratios must be finite and > 0 (accounts per CSM)");
  BOOST_CHECK_THROW(TierModel({10.0}, {"a", "b"}, "arr", {}, 1.5), InvalidInput);
  BOOST_CHECK_THROW(TierModel({10.0}, {"a", "b"}, ""), InvalidInput);
  // Values are >= 0, so a first threshold at or below 0 would leave the lowest tier empty.
  BOOST_TEST(message_of([] { TierModel({-10.0, 5.0}, {"a", "b", "c"}); }) ==
             "thresholds[0] = -10: thresholds must be > 0 (tiered values are >= 0)");
  BOOST_TEST(message_of([] { TierModel({0.0}, {"a", "b"}); }) ==
             "thresholds[0] = 0: thresholds must be > 0 (tiered values are >= 0)");
}

BOOST_AUTO_TEST_CASE(previous_is_checked) {
  const auto model = TierModel::touch();
  const std::vector<double> arr{1.0, 2.0};
  BOOST_TEST(message_of([&] { model.assign(arr, std::vector<std::int32_t>{0}); }) ==
             "previous: has length 1 but arr has length 2");
  BOOST_TEST(message_of([&] { model.assign(arr, std::vector<std::int32_t>{0, 3}); }) ==
             "previous[1] = 3: code out of range [-1, 3)");
}

BOOST_AUTO_TEST_CASE(columns_and_json_round_trip) {
  const TierModel model({5.0, 50.0}, {"s", "m", "l"}, "employees", {{}, 100.0, 10.0}, 0.05, MissingPolicy::unassigned);
  const auto back = TierModel::from_json(model.to_json());
  BOOST_TEST((back == model));
  const std::vector<double> employees{1.0, 10.0, NAN};
  ColumnTable table;
  table.add("employees", employees);
  BOOST_TEST(model.assign(table) == std::vector<std::int32_t>({0, 1, 3}));
  ColumnTable wrong;
  wrong.add("arr", employees);
  BOOST_CHECK_THROW(model.assign(wrong), InvalidInput);
  BOOST_CHECK_THROW(TierModel::from_json(R"({"kind":"QuadrantModel","cssegment_version":"0.1.0"})"), InvalidInput);
  auto tampered = nlohmann::json::parse(model.to_json());
  tampered["thresholds"] = {50.0, 5.0};
  BOOST_CHECK_THROW(TierModel::from_json(tampered.dump()), InvalidInput);
}

BOOST_AUTO_TEST_CASE(json_names_the_column_and_reads_the_former_key) {
  const TierModel model({5.0, 50.0}, {"s", "m", "l"}, "employees");
  auto document = nlohmann::json::parse(model.to_json());
  BOOST_TEST(document["column"] == "employees");
  BOOST_TEST(!document.contains("field"));
  document["field"] = document["column"];
  document.erase("column");
  BOOST_TEST((TierModel::from_json(document.dump()) == model));
  // A document holding both keys is read by the current one.
  document["column"] = "employees";
  document["field"] = "arr";
  BOOST_TEST((TierModel::from_json(document.dump()) == model));
}
