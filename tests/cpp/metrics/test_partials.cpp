#define BOOST_TEST_MODULE metrics.partials
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cstdint>
#include <random>
#include <vector>

#include "cssegment/metrics/partials.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

BOOST_AUTO_TEST_CASE(amounts_convert_exactly_to_multiples_of_two_to_the_minus_forty) {
  BOOST_TEST(from_exact(to_exact(0.0)) == 0.0);
  BOOST_TEST(from_exact(to_exact(1234.5)) == 1234.5);
  BOOST_TEST(from_exact(to_exact(0x1p70)) == 0x1p70);  // above 2^64 units: the two-word path
  BOOST_TEST(from_exact(to_exact(0x1p70 + 0x1p20)) == 0x1p70 + 0x1p20);
  // 0.1 is a multiple of 2^-56: truncated to 2^-40, an error below 1e-12.
  BOOST_TEST(std::abs(from_exact(to_exact(0.1)) - 0.1) < 1e-12);
}

BOOST_AUTO_TEST_CASE(sums_do_not_depend_on_the_order_of_addition) {
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> amount(5.0, 3.0);
  std::vector<double> values(10'000);
  for (double& v : values) v = amount(rng);
  ExactTotal forward = 0, backward = 0;
  double naive_forward = 0, naive_backward = 0;
  for (double v : values) forward += to_exact(v), naive_forward += v;
  for (auto it = values.rbegin(); it != values.rend(); ++it) backward += to_exact(*it), naive_backward += *it;
  BOOST_TEST((forward == backward));
  BOOST_TEST(std::abs(from_exact(forward) - naive_forward) <= 1e-9 * naive_forward);
  BOOST_TEST(naive_forward != naive_backward);  // why the totals are exact
}

BOOST_AUTO_TEST_CASE(merge_adds_cells_of_the_same_grid_only) {
  PartialSums a("movements", 2, 10, 3, 2, 4), b("movements", 2, 10, 3, 2, 4);
  a.at(1, 1, 3) += to_exact(2.5);
  b.at(1, 1, 3) += to_exact(4.0);
  b.at(0, 0, 0) += 7;
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
  sums.at(1, 0, 4) += to_exact(0x1p75) + 12345;
  const auto restored = PartialSums::from_json(sums.to_json());
  BOOST_TEST((restored == sums));
  BOOST_TEST(restored.first_period() == -4);
  BOOST_TEST(message_of([] { PartialSums::from_json(R"({"kind": "TierModel", "cssegment_version": "0.1.0"})"); }) ==
             "json: is a 'TierModel' document, not a 'PartialSums'");
}

// Found reviewing the JSON fuzz target (confirmed with it: tests/fuzz/corpus/json/regression-*):
// the grid's size came from the document and was allocated before the cells were counted, so
// a document could ask for terabytes, or for a size that wraps around.
BOOST_AUTO_TEST_CASE(json_grids_must_match_their_cells_before_anything_is_allocated) {
  const auto document = [](const std::string& rows, const std::string& cells) {
    return R"({"kind": "PartialSums", "cssegment_version": "0.1.0", "sum_kind": "movements", "parameter": 3,
               "first_period": 0, "rows": )" +
           rows + R"(, "segments": 1, "fields": 2, "cells": [)" + cells + "]}";
  };
  BOOST_TEST(message_of([&] { PartialSums::from_json(document("100000000000", "0, 1, 0, 2")); }) ==
             "json: field 'cells' holds 4 numbers, expected two per cell of 100000000000 rows x 1 segments x 2 fields");
  // 2^63 rows x 2 fields wraps around to 0 cells.
  BOOST_TEST(message_of([&] {
               PartialSums::from_json(document("9223372036854775808", ""));
             }).starts_with("json: field 'cells' holds 0 numbers"));
  BOOST_TEST(message_of([&] {
               PartialSums::from_json(document("1", "0, 1, 0"));
             }).starts_with("json: field 'cells' holds 3 numbers"));
  const auto loaded = PartialSums::from_json(document("1", "0, 1, 0, 2"));
  BOOST_TEST(loaded.count(0, 0, 1) == 2.0);
  BOOST_TEST(PartialSums::from_json(document("0", "")).rows() == 0u);
}
