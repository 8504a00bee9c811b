#define BOOST_TEST_MODULE metrics.partials
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cstdint>
#include <random>
#include <vector>

#include "cssegment/metrics/partials.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

BOOST_AUTO_TEST_CASE(cells_are_correctly_rounded_and_do_not_depend_on_the_order_of_addition) {
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> amount(5.0, 3.0);
  std::vector<double> values(10'000);
  for (double& v : values) v = amount(rng);
  PartialSums forward("cohorts", 1, 0, 1, 1, 2), backward("cohorts", 1, 0, 1, 1, 2);
  double naive_forward = 0, naive_backward = 0;
  for (double v : values) forward.at(0, 0, 0) += v, forward.at(0, 0, 1) += 1.0, naive_forward += v;
  for (auto it = values.rbegin(); it != values.rend(); ++it)
    backward.at(0, 0, 0) += *it, backward.at(0, 0, 1) += 1.0, naive_backward += *it;
  BOOST_TEST((forward == backward));
  BOOST_TEST(forward.value(0, 0, 0) == backward.value(0, 0, 0));
  BOOST_TEST(forward.count(0, 0, 1) == 10'000.0);
  BOOST_TEST(std::abs(forward.value(0, 0, 0) - naive_forward) <= 1e-12 * naive_forward);
  BOOST_TEST(naive_forward != naive_backward);  // why the totals are exact
}

BOOST_AUTO_TEST_CASE(a_total_beyond_the_largest_double_is_an_error_not_inf) {
  PartialSums sums("retention", 12, 0, 2, 1, 5);
  sums.at(1, 0, 2) += 1.5e308;
  sums.at(1, 0, 2) += 1.5e308;
  BOOST_TEST(message_of([&] { sums.value(1, 0, 2); }) ==
             "amounts: the 'retention' total of field 2 in row 1 (first period 0), segment 0 is beyond the largest "
             "double (about 1.8e308)");
  sums.at(1, 0, 2) += -1.5e308;  // back in range: exact, so nothing was lost on the way
  BOOST_TEST(sums.value(1, 0, 2) == 1.5e308);
}

BOOST_AUTO_TEST_CASE(merge_adds_cells_of_the_same_grid_only) {
  PartialSums a("movements", 2, 10, 3, 2, 4), b("movements", 2, 10, 3, 2, 4);
  a.at(1, 1, 3) += 2.5;
  b.at(1, 1, 3) += 4.0;
  for (int i = 0; i < 7; ++i) b.at(0, 0, 0) += 1.0;
  a.merge(b);
  BOOST_TEST(a.value(1, 1, 3) == 6.5);
  BOOST_TEST(a.count(0, 0, 0) == 7.0);
  PartialSums other("movements", 3, 10, 3, 2, 4);
  BOOST_TEST(message_of([&] { a.merge(other); }) ==
             "other: partial sums of 'movements' (parameter 3, first period 10, 3 x 2 x 4) cannot merge into "
             "partial sums of 'movements' (parameter 2, first period 10, 3 x 2 x 4)");
}

BOOST_AUTO_TEST_CASE(json_round_trip_keeps_every_bit) {
  PartialSums sums("retention", 12, -4, 2, 1, 5);
  for (double term : {0x1p75, 0.1, 0x1p-1074, 1e300, -1e300, 12345.0}) sums.at(1, 0, 4) += term;
  sums.at(0, 0, 1) += -3.0;  // negative totals keep their sign
  const auto restored = PartialSums::from_json(sums.to_json());
  BOOST_TEST((restored == sums));
  BOOST_TEST(restored.to_json() == sums.to_json());
  BOOST_TEST(restored.value(1, 0, 4) == sums.value(1, 0, 4));
  BOOST_TEST(restored.value(0, 0, 1) == -3.0);
  BOOST_TEST(restored.first_period() == -4);
  BOOST_TEST(message_of([] { PartialSums::from_json(R"({"kind": "TierModel", "cssegment_version": "0.1.0"})"); }) ==
             "json: is a 'TierModel' document, not a 'PartialSums'");
}

namespace {
std::string document(const std::string& rows, const std::string& cells, const std::string& key = "exact_cells") {
  return R"({"kind": "PartialSums", "cssegment_version": "0.2.0", "sum_kind": "movements", "parameter": 3,
             "first_period": 0, "rows": )" +
         rows + R"(, "segments": 1, "fields": 2, ")" + key + R"(": [)" + cells + "]}";
}
}  // namespace

BOOST_AUTO_TEST_CASE(fixed_point_documents_of_earlier_versions_are_refused) {
  BOOST_TEST(
      message_of([] { PartialSums::from_json(document("1", "0, 1, 0, 2", "cells")); }) ==
      "json: partial sums written by cssegment 0.2.0 or earlier hold fixed-point cells (truncated to 2^-40), not "
      "exact sums; compute them again with this version");
}

// Found reviewing the JSON fuzz target (confirmed with it: tests/fuzz/corpus/json/regression-*):
// the grid's size came from the document and was allocated before the cells were counted, so
// a document could ask for terabytes, or for a size that wraps around.
BOOST_AUTO_TEST_CASE(json_grids_must_match_their_cells_before_anything_is_allocated) {
  BOOST_TEST(message_of([&] { PartialSums::from_json(document("100000000000", "[], [33, 1]")); }) ==
             "json: field 'exact_cells' holds 2 cells, expected 100000000000 rows x 1 segments x 2 fields");
  // 2^63 rows x 2 fields wraps around to 0 cells.
  BOOST_TEST(message_of([&] {
               PartialSums::from_json(document("9223372036854775808", ""));
             }).starts_with("json: field 'exact_cells' holds 0 cells"));
  BOOST_TEST(message_of([&] {
               PartialSums::from_json(document("1", "[], [], []"));
             }).starts_with("json: field 'exact_cells' holds 3 cells"));
  // 2 at limb 33 (units of 2^-1074 x 2^(32 x 33) = 2^-18) is 2^-17.
  const auto loaded = PartialSums::from_json(document("1", "[], [33, 2]"));
  BOOST_TEST(loaded.count(0, 0, 1) == 0x1p-17);
  BOOST_TEST(loaded.count(0, 0, 0) == 0.0);
  BOOST_TEST(PartialSums::from_json(document("0", "")).rows() == 0u);
}

BOOST_AUTO_TEST_CASE(json_cells_must_be_canonical_exact_digits) {
  const auto error = [](const std::string& cell) {
    return message_of([&] { PartialSums::from_json(document("1", "[], " + cell)); });
  };
  BOOST_TEST(error("[33]") == "json: exact_cells[1] holds a first limb but no digits");
  BOOST_TEST(error("[67, 1]") == "json: exact_cells[1] starts at limb 67, outside 0 to 66");
  BOOST_TEST(error("[-1, 1]") == "json: exact_cells[1] starts at limb -1, outside 0 to 66");
  BOOST_TEST(error("[65, 1, 2, 3]") == "json: exact_cells[1]: digits from limb 65 to 67 lie outside limbs 0 to 66");
  BOOST_TEST(error("[3, 4294967296]") ==
             "json: exact_cells[1]: digit 4294967296 of limb 3 is out of range (limbs hold 32 bits)");
  BOOST_TEST(error("[3, -1]") == "json: exact_cells[1]: digit -1 of limb 3 is out of range (limbs hold 32 bits)");
  BOOST_TEST(error("[3, 0, 1]") == "json: exact_cells[1] is not in canonical form (leading or trailing zero limbs)");
  BOOST_TEST(error("[3, 1, 0]") == "json: exact_cells[1] is not in canonical form (leading or trailing zero limbs)");
}
