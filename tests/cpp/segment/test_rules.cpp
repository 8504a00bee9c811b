#define BOOST_TEST_MODULE segment.rules
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cssegment/segment/rules.hpp"
#include "cssegment/segment/tier.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

namespace {
using Codes = std::vector<std::int32_t>;

// Two rules over one column and a default: High (code 2), Mid (code 1), Low (code 0).
RuleModel two_step(const std::string& high, const std::string& mid, double hysteresis) {
  return RuleModel({{"High", high, {}, false}, {"Mid", mid, {}, false}}, "Low", hysteresis);
}

Codes assign_x(const RuleModel& model, const std::vector<double>& x, const Codes& previous = {}) {
  ColumnTable table;
  table.add("x", x);
  return model.assign(table, previous);
}
}  // namespace

BOOST_AUTO_TEST_CASE(categories_rank_the_default_lowest_and_the_first_rule_highest) {
  const RuleModel model({{"A", "x > 10", 5.0, false},
                         {"B", "x > 5", std::nullopt, true},
                         {"C", "y == 'c'", 50.0, false}},
                        "Rest", 0.0, 500.0);
  BOOST_TEST(model.categories() == std::vector<std::string>({"Rest", "C", "B", "A"}));
  BOOST_TEST(model.csm_ratios() == std::vector<std::optional<double>>({500.0, 50.0, std::nullopt, 5.0}));
  BOOST_TEST(model.pooled() == std::vector<bool>({false, false, true, false}));
  BOOST_TEST(model.columns() == std::vector<std::string>({"x", "y"}));
  BOOST_TEST(model.default_name() == "Rest");
  BOOST_TEST(*model.default_csm_ratio() == 500.0);
  BOOST_TEST(model.hysteresis() == 0.0);
  BOOST_TEST(model.segments().size() == 3u);
  BOOST_TEST(model.segments()[1].when == "x > 5");
}

BOOST_AUTO_TEST_CASE(the_first_matching_rule_wins) {
  const RuleModel model({{"A", "x > 10", {}, false}, {"B", "x > 5", {}, false}, {"C", "x > 10 or x == 1", {}, false}});
  // Codes: Unassigned 0, C 1, B 2, A 3. 20 matches all three rules; A comes first.
  BOOST_TEST(assign_x(model, {20.0, 7.0, 1.0, 0.0, NAN}) == Codes({3, 2, 1, 0, 0}));
  // Reordering the rules changes who wins the overlap.
  const RuleModel reordered(
      {{"C", "x > 10 or x == 1", {}, false}, {"A", "x > 10", {}, false}, {"B", "x > 5", {}, false}});
  BOOST_TEST(reordered.categories() == std::vector<std::string>({"Unassigned", "B", "A", "C"}));
  BOOST_TEST(assign_x(reordered, {20.0, 7.0, 1.0, 0.0}) == Codes({3, 1, 3, 0}));
}

BOOST_AUTO_TEST_CASE(four_tier_segments_hand_made_accounts) {
  const auto model = RuleModel::four_tier();
  BOOST_TEST(model.categories() == std::vector<std::string>({"Self-Service", "1:Many", "Strategic", "Enterprise"}));
  BOOST_TEST(model.csm_ratios() == std::vector<std::optional<double>>({std::nullopt, 200.0, 25.0, 10.0}));
  BOOST_TEST(model.pooled() == std::vector<bool>({false, true, false, false}));
  BOOST_TEST(model.columns() == std::vector<std::string>({"arr", "potential"}));
  BOOST_TEST(model.segments()[0].when == "arr >= 250000");
  BOOST_TEST(model.segments()[1].when == "arr >= 100000 or potential >= 500000");
  BOOST_TEST(model.segments()[2].when == "arr >= 10000");
  const std::vector<double> arr{300'000, 50'000, 20'000, 5'000, 250'000, 100'000, 9'999.99, NAN, NAN, 10'000};
  const std::vector<double> potential{0, 600'000, 0, 0, 0, 0, 0, 600'000, NAN, 499'999};
  ColumnTable table;
  table.add("arr", arr).add("potential", potential);
  BOOST_TEST(model.assign(table) == Codes({3, 2, 1, 0, 3, 2, 0, 2, 0, 1}));

  const auto custom = RuleModel::four_tier(1e6, 200'000, 2e6, 20'000);
  BOOST_TEST(custom.segments()[0].when == "arr >= 1000000");
  BOOST_TEST(custom.assign(table) == Codes({2, 1, 1, 0, 2, 1, 0, 0, 0, 0}));
}

BOOST_AUTO_TEST_CASE(four_tier_checks_its_thresholds) {
  BOOST_TEST(message_of([] { (void)RuleModel::four_tier(INFINITY); }) == "enterprise_arr: inf must be finite");
  BOOST_TEST(message_of([] { (void)RuleModel::four_tier(80'000); }) ==
             "enterprise_arr: 80000 must be above strategic_arr (100000)");
  BOOST_TEST(message_of([] { (void)RuleModel::four_tier(250'000, 100'000, 500'000, 100'000); }) ==
             "strategic_arr: 100000 must be above one_to_many_arr (100000)");
  BOOST_TEST(message_of([] { (void)RuleModel::four_tier(250'000, 100'000, NAN); }) ==
             "strategic_potential: nan must be finite");
  // Negative thresholds are written so that they parse back.
  BOOST_TEST(RuleModel::four_tier(0, -5, 0, -10).segments()[2].when == "arr >= -10");
}

BOOST_AUTO_TEST_CASE(construction_checks_every_argument) {
  const auto error = [](std::vector<Segment> segments, std::string default_name = "Unassigned", double hysteresis = 0.0,
                        std::optional<double> default_ratio = std::nullopt) {
    return message_of(
        [&] { (void)RuleModel(std::move(segments), std::move(default_name), hysteresis, default_ratio); });
  };
  BOOST_TEST(error({}) == "segments: must hold at least one segment");
  BOOST_TEST(error({{"A", "true", {}, false}, {"", "true", {}, false}}) == "segments[1] = '': names must not be empty");
  BOOST_TEST(error({{"A", "true", {}, false}, {"A", "true", {}, false}}) == "segments[1] = 'A': duplicate name");
  BOOST_TEST(error({{"A", "true", {}, false}}, "A") == "default: 'A' is also the name of segments[0]");
  BOOST_TEST(error({{"A", "true", {}, false}}, "") == "default: the default segment's name must not be empty");
  BOOST_TEST(error({{"A", "true", 10.0, false}, {"B", "true", 0.0, false}}) ==
             "segments[1] = 0: CSM ratios must be finite and > 0 (accounts per CSM)");
  BOOST_TEST(error({{"A", "true", INFINITY, false}}) ==
             "segments[0] = inf: CSM ratios must be finite and > 0 (accounts per CSM)");
  BOOST_TEST(error({{"A", "true", {}, false}}, "Rest", 0.0, -1.0) ==
             "default_csm_ratio[0] = -1: CSM ratios must be finite and > 0 (accounts per CSM)");
  BOOST_TEST(error({{"A", "true", {}, false}}, "Rest", 1.0) == "hysteresis: 1 must be in [0, 1)");
  BOOST_TEST(error({{"A", "true", {}, false}}, "Rest", -0.1) == "hysteresis: -0.1 must be in [0, 1)");
  BOOST_TEST(error({{"A", "true", {}, false}}, "Rest", NAN) == "hysteresis: nan must be in [0, 1)");
  BOOST_TEST(error({{"A", "true", {}, false}, {"Big", "arr >= 50k and )", {}, false}}) ==
             "segments[1] ('Big'): unexpected ')' at column 16 in \"arr >= 50k and )\"");
  BOOST_TEST(error({{"A", "", {}, false}}) == "segments[0] ('A'): unexpected end of expression at column 1 in \"\"");
  BOOST_TEST(error({{"A", "true", {}, false}}, "Rest", 0.5, 3.0) == "no error");
}

BOOST_AUTO_TEST_CASE(assign_names_the_segment_of_a_bad_column) {
  const RuleModel model({{"Enterprise", "arr >= 250k", 10.0, false},
                         {"Growth", "region in ('EMEA')", {}, false},
                         {"Strategic", "potencial >= 500k", 25.0, false}});
  const std::vector<double> arr{1.0, 2.0};
  const std::vector<std::int32_t> region{0, -1};
  ColumnTable table;
  table.add("arr", arr).add("region", region, {"EMEA"});
  BOOST_TEST(message_of([&] { (void)model.assign(table); }) ==
             "segments[2] ('Strategic'): unknown column 'potencial' in \"potencial >= 500k\"");
  const RuleModel typed({{"Growth", "region >= 5", {}, false}});
  BOOST_TEST(message_of([&] { (void)typed.assign(table); }) ==
             "segments[0] ('Growth'): categorical (string) column 'region' compared with a number in \"region >= 5\"");
  // NaN is missing (a comparison with it is unknown); infinity would pass every bound unnoticed.
  const std::vector<double> infinite{1.0, -INFINITY};
  ColumnTable with_infinity;
  with_infinity.add("arr", infinite).add("region", region, {"EMEA"}).add("potencial", arr);
  BOOST_TEST(message_of([&] { (void)model.assign(with_infinity); }) ==
             "data['arr'][1] = -inf: values must be finite (NaN means missing)");
  // Columns must exist even when there are no rows to assign.
  BOOST_TEST(message_of([] { (void)RuleModel::four_tier().assign(ColumnTable(0)); }) ==
             "segments[0] ('Enterprise'): unknown column 'arr' in \"arr >= 250000\"");
}

BOOST_AUTO_TEST_CASE(previous_and_out_are_checked) {
  const auto model = RuleModel::four_tier();
  const std::vector<double> arr{1.0, 2.0, 3.0}, potential{0.0, 0.0, 0.0};
  ColumnTable table;
  table.add("arr", arr).add("potential", potential);
  BOOST_TEST(message_of([&] { (void)model.assign(table, Codes{0, 1}); }) ==
             "previous: has length 2 but data has length 3");
  BOOST_TEST(message_of([&] { (void)model.assign(table, Codes{0, 4, 1}); }) ==
             "previous[1] = 4: code out of range [-1, 4)");
  BOOST_TEST(message_of([&] { (void)model.assign(table, Codes{0, -2, 1}); }) ==
             "previous[1] = -2: code out of range [-1, 4)");
  std::vector<std::int8_t> short_out(2);
  BOOST_TEST(message_of([&] { model.assign_into(table, {}, std::span<std::int8_t>(short_out)); }) ==
             "out: has length 2 but data has length 3");
  BOOST_TEST(model.assign(table, Codes{-1, 3, 0}) == Codes({0, 0, 0}));
}

BOOST_AUTO_TEST_CASE(an_empty_table_gives_an_empty_result) {
  const auto model = RuleModel::four_tier();
  const std::vector<double> none;
  ColumnTable table;
  table.add("arr", none).add("potential", none);
  BOOST_TEST(model.assign(table).empty());
  BOOST_TEST(model.assign(table, {}).empty());
  const RuleModel constant({{"All", "true", {}, false}});
  BOOST_TEST(constant.assign(ColumnTable(0)).empty());
  BOOST_TEST(constant.assign(ColumnTable(3)) == Codes({1, 1, 1}));
}

BOOST_AUTO_TEST_CASE(narrow_code_types_give_the_same_codes) {
  const auto model = RuleModel::four_tier();
  const std::vector<double> arr{300'000, 50'000, 20'000, 5'000}, potential{0, 600'000, 0, 0};
  ColumnTable table;
  table.add("arr", arr).add("potential", potential);
  std::vector<std::int8_t> narrow(arr.size());
  model.assign_into(table, {}, std::span<std::int8_t>(narrow));
  BOOST_TEST(narrow == std::vector<std::int8_t>({3, 2, 1, 0}));
}

BOOST_AUTO_TEST_CASE(hysteresis_keeps_the_previous_segment_within_the_moved_bounds) {
  // h = 0.1. High: x >= 100k (relaxed 90k, tightened 110k); Mid: x >= 50k (45k, 55k).
  const auto model = two_step("x >= 100k", "x >= 50k", 0.1);
  const std::vector<double> x{46'000, 44'999, 105'000, 110'000, 52'000, 55'000, 91'000, 89'999, 46'000, 110'000};
  const Codes previous{1, 1, 1, 1, 0, 0, 2, 2, -1, 0};
  BOOST_TEST(assign_x(model, x, previous) == Codes({1, 0, 1, 2, 0, 1, 2, 1, 0, 2}));
  // Without hysteresis or without previous segments the plain rules decide.
  BOOST_TEST(assign_x(two_step("x >= 100k", "x >= 50k", 0.0), x, previous) == assign_x(model, x));
  BOOST_TEST(assign_x(model, x) == Codes({0, 0, 2, 2, 1, 1, 1, 1, 0, 2}));
}

BOOST_AUTO_TEST_CASE(hysteresis_moves_upper_bounds_up_and_flips_under_not) {
  // Rules ranked the other way round: Small: x < 10k (relaxed x < 11k, tightened x < 9k).
  const RuleModel model({{"Small", "x < 10k", {}, false}}, "Big", 0.1);
  const std::vector<double> x{10'500, 11'000, 9'500, 8'999, 9'000};
  const Codes previous{1, 1, 0, 0, 0};
  BOOST_TEST(assign_x(model, x, previous) == Codes({1, 0, 0, 1, 0}));
  // Relaxing `not x < 100k` tightens `x < 100k`, which relaxes the rule just like `x >= 100k`.
  const auto negated = two_step("not x < 100k", "not (x < 50k or false)", 0.1);
  const auto plain = two_step("x >= 100k", "x >= 50k", 0.1);
  const std::vector<double> y{46'000, 44'999, 105'000, 110'000, 52'000, 55'000, 91'000, 89'999};
  const Codes before{1, 1, 1, 1, 0, 0, 2, 2};
  BOOST_TEST(assign_x(negated, y, before) == assign_x(plain, y, before));
  // Bounds move by h|c|, so a negative bound still moves in favour of matching:
  // `x >= -100` relaxes to x >= -110 and tightens to x >= -90.
  const RuleModel stable({{"Stable", "x >= -100", {}, false}}, "Shrinking", 0.1);
  BOOST_TEST(assign_x(stable, {-105, -111, -95, -89}, {1, 1, 0, 0}) == Codes({1, 0, 0, 1}));
}

BOOST_AUTO_TEST_CASE(hysteresis_leaves_equality_membership_and_column_comparisons_alone) {
  const RuleModel model({{"Exact", "x == 100 or x in (200, 300)", {}, false}, {"Above", "x >= y", {}, false}}, "Rest",
                        0.5);
  const std::vector<double> x{101, 199, 300, 99, 100}, y{100, 100, 100, 100, 100};
  ColumnTable table;
  table.add("x", x).add("y", y);
  BOOST_TEST(model.assign(table, Codes{2, 2, 2, 1, 1}) == Codes({1, 1, 2, 0, 2}));
}

BOOST_AUTO_TEST_CASE(a_row_leaving_its_segment_takes_the_plain_first_match) {
  // Thresholds 10, 20, 30 with h = 0.2: an account from the bottom jumping to 32 lands in the top
  // segment although 32 < 30 * 1.2, exactly as TierModel has it.
  const RuleModel model({{"d", "x >= 30", {}, false}, {"c", "x >= 20", {}, false}, {"b", "x >= 10", {}, false}}, "a",
                        0.2);
  BOOST_TEST(assign_x(model, {32.0, 11.0, 12.0, 23.0, 24.0}, {0, 0, 0, 1, 1}) == Codes({3, 0, 1, 1, 2}));
  const TierModel tiers({10.0, 20.0, 30.0}, {"a", "b", "c", "d"}, "x", {}, 0.2);
  BOOST_TEST(tiers.assign(std::vector<double>{32.0, 11.0, 12.0, 23.0, 24.0}, Codes{0, 0, 0, 1, 1}) ==
             Codes({3, 0, 1, 1, 2}));
}

BOOST_AUTO_TEST_CASE(tier_shaped_rules_match_tier_model_hysteresis_exactly) {
  const std::vector<double> thresholds{10'000, 50'000, 100'000, 250'000};
  for (const double h : {0.0, 0.1, 0.25, 0.5}) {
    const TierModel tiers(thresholds, {"T0", "T1", "T2", "T3", "T4"}, "arr", {}, h);
    // Ascending rules ranked top first: x >= 250k is T4, ..., the default T0.
    const RuleModel ascending({{"T4", "arr >= 250k", {}, false},
                               {"T3", "arr >= 100k", {}, false},
                               {"T2", "50000 <= arr", {}, false},
                               {"T1", "arr >= 1e4", {}, false}},
                              "T0", h);
    BOOST_TEST(ascending.categories() == tiers.categories());
    // The same tiers written with upper bounds, ranked bottom first: code = 4 - tier.
    const RuleModel descending({{"T0", "arr < 10k", {}, false},
                                {"T1", "arr < 50k", {}, false},
                                {"T2", "not arr >= 100k", {}, false},
                                {"T3", "arr < 250k", {}, false}},
                               "T4", h);

    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> exponent(3.0, 6.0);
    std::uniform_int_distribution<int> tier(-1, 4);
    std::vector<double> arr;
    for (const double t : thresholds)
      for (const double bound : {t, t - h * std::abs(t), t + h * std::abs(t)})
        for (const double value : {bound, std::nextafter(bound, 0.0), std::nextafter(bound, INFINITY)})
          for (int copies = 0; copies < 12; ++copies) arr.push_back(value);
    while (arr.size() < 5'000) arr.push_back(std::pow(10.0, exponent(rng)));
    Codes previous(arr.size());
    for (auto& code : previous) code = tier(rng);

    const auto expected = tiers.assign(arr, previous);
    ColumnTable table;
    table.add("arr", arr);
    BOOST_TEST(ascending.assign(table, previous) == expected);
    Codes flipped_previous(previous.size()), flipped(previous.size());
    for (std::size_t i = 0; i < previous.size(); ++i) flipped_previous[i] = previous[i] < 0 ? -1 : 4 - previous[i];
    const auto codes = descending.assign(table, flipped_previous);
    for (std::size_t i = 0; i < codes.size(); ++i) flipped[i] = 4 - codes[i];
    BOOST_TEST(flipped == expected);
  }
}

BOOST_AUTO_TEST_CASE(json_round_trips_and_refuses_foreign_documents) {
  const RuleModel model({{"Key", "arr >= 1.5M and region in ('EMEA', \"it's\")", 12.5, false},
                         {"Pool", "`Seats used %` < 0.5 or is_missing(region)", std::nullopt, true}},
                        "Rest", 0.15, 400.0);
  const std::string text = model.to_json();
  const auto document = nlohmann::json::parse(text);
  BOOST_TEST(document["kind"] == "RuleModel");
  BOOST_TEST(document["cssegment_version"] == CSSEGMENT_VERSION);
  BOOST_TEST(document["segments"][1]["csm_ratio"].is_null());
  BOOST_TEST(document["segments"][1]["pooled"] == true);
  BOOST_TEST(document["segments"][0]["when"] == "arr >= 1.5M and region in ('EMEA', \"it's\")");
  BOOST_TEST(document["default"] == "Rest");
  BOOST_TEST(document["default_csm_ratio"] == 400.0);
  BOOST_TEST(document["hysteresis"] == 0.15);
  const auto loaded = RuleModel::from_json(text);
  BOOST_TEST((loaded == model));
  BOOST_TEST(loaded.to_json() == text);
  BOOST_TEST((RuleModel::from_json(RuleModel::four_tier().to_json()) == RuleModel::four_tier()));
  BOOST_TEST(!(RuleModel::four_tier() == RuleModel::four_tier(300'000)));
  BOOST_TEST(!(loaded == RuleModel({{"Key", "true", 12.5, false}}, "Rest", 0.15, 400.0)));

  BOOST_TEST(message_of([] { (void)RuleModel::from_json(TierModel::touch().to_json()); }) ==
             "json: is a 'TierModel' document, not a 'RuleModel'");
  auto newer = document;
  newer["cssegment_version"] = "99.0.0";
  BOOST_TEST(
      message_of([&] { (void)RuleModel::from_json(newer.dump()); }).starts_with("json: written by cssegment 99.0.0"));
  auto bad_when = document;
  bad_when["segments"][0]["when"] = "arr >=";
  BOOST_TEST(message_of([&] { (void)RuleModel::from_json(bad_when.dump()); }) ==
             "segments[0] ('Key'): unexpected end of expression at column 7 in \"arr >=\"");
  auto bad_hysteresis = document;
  bad_hysteresis["hysteresis"] = 1.5;
  BOOST_TEST(message_of([&] { (void)RuleModel::from_json(bad_hysteresis.dump()); }) ==
             "hysteresis: 1.5 must be in [0, 1)");
  auto bad_ratio = document;
  bad_ratio["segments"][0]["csm_ratio"] = "ten";
  BOOST_TEST(message_of([&] { (void)RuleModel::from_json(bad_ratio.dump()); }) ==
             "json: field 'csm_ratio' holds \"ten\", expected a number or null");
  auto no_segments = document;
  no_segments["segments"] = 3;
  BOOST_TEST(message_of([&] { (void)RuleModel::from_json(no_segments.dump()); }) ==
             "json: field 'segments' must be an array");
  auto not_objects = document;
  not_objects["segments"] = {1};
  BOOST_TEST(message_of([&] { (void)RuleModel::from_json(not_objects.dump()); }) ==
             "json: segments holds 1, expected objects");
  auto missing_pooled = document;
  missing_pooled["segments"][0].erase("pooled");
  BOOST_TEST(message_of([&] { (void)RuleModel::from_json(missing_pooled.dump()); }) == "json: missing field 'pooled'");
}

namespace {
// An independent per-row reference: Kleene logic written out by hand for the model below.
enum class Kleene { no, yes, unknown };

Kleene compare(double value, bool holds) {
  return std::isnan(value) ? Kleene::unknown : holds ? Kleene::yes : Kleene::no;
}
Kleene known(bool holds) { return holds ? Kleene::yes : Kleene::no; }
Kleene both(Kleene a, Kleene b) {
  if (a == Kleene::no || b == Kleene::no) return Kleene::no;
  return a == Kleene::yes && b == Kleene::yes ? Kleene::yes : Kleene::unknown;
}
Kleene either(Kleene a, Kleene b) {
  if (a == Kleene::yes || b == Kleene::yes) return Kleene::yes;
  return a == Kleene::no && b == Kleene::no ? Kleene::no : Kleene::unknown;
}
Kleene negate(Kleene a) { return a == Kleene::yes ? Kleene::no : a == Kleene::no ? Kleene::yes : Kleene::unknown; }

const char* const book_rules[] = {
    "arr >= 250k and employees >= 1000",
    "arr >= 100k or potential >= 500k",
    "region in (\"EMEA\", \"APAC\") and not (`seats used %` < 0.8)",
    "arr >= 10k and not is_missing(region)",
    "region != 'NA' or arr < 1k",
};

struct Book {
  std::vector<double> arr, employees, potential, seats;
  std::vector<std::int32_t> region;  // EMEA, APAC, NA, LATAM; -1 missing
  Codes previous;

  explicit Book(std::size_t n) : arr(n), employees(n), potential(n), seats(n), region(n), previous(n) {
    std::mt19937_64 rng(2024);
    std::uniform_real_distribution<double> exponent(2.0, 6.0), unit(0.0, 1.0);
    const double edges[] = {250'000, 100'000, 10'000, 1'000, 225'000, 275'000, 90'000, 110'000, 9'000, 11'000};
    const auto maybe_missing = [&](double value) { return unit(rng) < 0.03 ? NAN : value; };
    for (std::size_t i = 0; i < n; ++i) {
      arr[i] = maybe_missing(unit(rng) < 0.05 ? edges[i % std::size(edges)] : std::pow(10.0, exponent(rng)));
      employees[i] = maybe_missing(std::floor(std::pow(10.0, exponent(rng) * 0.8)));
      potential[i] = maybe_missing(unit(rng) < 0.02 ? 450'000.0 : std::pow(10.0, exponent(rng) + 0.3));
      seats[i] = maybe_missing(unit(rng) < 0.05 ? 0.8 : unit(rng));
      region[i] = static_cast<std::int32_t>(unit(rng) * 5.0) - 1;
      previous[i] = static_cast<std::int32_t>(unit(rng) * 7.0) - 1;
    }
  }

  ColumnTable table(std::size_t first = 0) const {
    const auto from = [&](const auto& column) { return std::span(column).subspan(first); };
    ColumnTable data;
    data.add("arr", from(arr))
        .add("employees", from(employees))
        .add("potential", from(potential))
        .add("seats used %", from(seats))
        .add("region", from(region), {"EMEA", "APAC", "NA", "LATAM"});
    return data;
  }

  // Rule j for row i with every numeric bound c moved by shift * h|c| in favour of matching.
  Kleene rule(std::size_t j, std::size_t i, double shift, double h) const {
    const auto lower = [&](double c) { return c - shift * (h * std::abs(c)); };  // for x >= c
    const auto upper = [&](double c) { return c + shift * (h * std::abs(c)); };  // for x < c
    const bool has_region = region[i] >= 0;
    const Kleene is_emea_or_apac = has_region ? known(region[i] <= 1) : Kleene::unknown;
    switch (j) {
      case 0:
        return both(compare(arr[i], arr[i] >= lower(250'000)), compare(employees[i], employees[i] >= lower(1000)));
      case 1:
        return either(compare(arr[i], arr[i] >= lower(100'000)), compare(potential[i], potential[i] >= lower(500'000)));
      // Under `not` the direction flips: relaxing the rule tightens `x < c` to x < lower(c).
      case 2: return both(is_emea_or_apac, negate(compare(seats[i], seats[i] < lower(0.8))));
      case 3: return both(compare(arr[i], arr[i] >= lower(10'000)), known(has_region));
      default:
        return either(has_region ? known(region[i] != 2) : Kleene::unknown, compare(arr[i], arr[i] < upper(1000)));
    }
  }

  std::int32_t reference(std::size_t i, double h, bool with_previous) const {
    constexpr std::int32_t rules = 5;
    std::int32_t plain = 0;
    for (std::int32_t j = 0; j < rules && plain == 0; ++j)
      if (rule(j, i, 0.0, h) == Kleene::yes) plain = rules - j;
    const std::int32_t p = previous[i];
    if (!with_previous || h == 0.0 || p < 0) return plain;
    const std::int32_t k = rules - p;  // rule index of the previous segment; the default is `rules`
    if (k < rules && rule(k, i, 1.0, h) != Kleene::yes) return plain;
    for (std::int32_t j = 0; j < k; ++j)
      if (rule(j, i, -1.0, h) == Kleene::yes) return plain;
    return p;
  }
};

RuleModel book_model(double hysteresis) {
  std::vector<Segment> segments;
  const char* const names[] = {"Enterprise", "Strategic", "Growth", "Managed", "Watch"};
  for (std::size_t j = 0; j < std::size(book_rules); ++j) segments.push_back({names[j], book_rules[j], {}, false});
  return RuleModel(std::move(segments), "Self-Service", hysteresis);
}
}  // namespace

BOOST_AUTO_TEST_CASE(a_million_rows_match_a_per_row_reference_on_any_chunking) {
  const Book book(1'000'000);
  const ColumnTable table = book.table();
  for (const double h : {0.0, 0.1}) {
    const auto model = book_model(h);
    for (const bool with_previous : {false, true}) {
      const auto codes = model.assign(table, with_previous ? std::span<const std::int32_t>(book.previous)
                                                           : std::span<const std::int32_t>());
      BOOST_REQUIRE(codes.size() == book.arr.size());
      std::size_t mismatches = 0;
      for (std::size_t i = 0; i < codes.size(); ++i) mismatches += codes[i] != book.reference(i, h, with_previous);
      BOOST_TEST(mismatches == 0u, "h = " << h << ", previous: " << with_previous);
      // Every segment is reached, so the comparison above tests every rule.
      std::vector<std::size_t> counts(6);
      for (const auto code : codes) ++counts[static_cast<std::size_t>(code)];
      for (const auto count : counts) BOOST_TEST(count > 1000u);
      // Starting at an odd row moves every block and chunk boundary; no row may notice.
      const std::size_t first = 12'345;
      const auto later =
          with_previous ? std::span<const std::int32_t>(book.previous).subspan(first) : std::span<const std::int32_t>();
      const auto shifted = model.assign(book.table(first), later);
      BOOST_TEST(std::equal(shifted.begin(), shifted.end(), codes.begin() + first));
    }
  }
}
