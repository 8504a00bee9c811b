#define BOOST_TEST_MODULE core.columns
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "cssegment/core/columns.hpp"

using namespace cssegment;

BOOST_AUTO_TEST_CASE(columns_are_zero_copy_views) {
  const std::vector<double> arr{1.0, 2.0, 3.0};
  const std::vector<std::int32_t> region{0, 1, -1};
  ColumnTable table;
  table.add("arr", arr).add("region", region, {"EMEA", "APAC"});
  BOOST_TEST(table.rows() == 3u);
  BOOST_TEST(table.columns() == 2u);
  BOOST_TEST(table.numeric("arr").data() == arr.data());
  const auto& categorical = std::get<CategoricalColumn>(table.at("region"));
  BOOST_TEST(categorical.code_of("APAC") == 1);
  BOOST_TEST(categorical.code_of("LATAM") == missing_code);
  BOOST_TEST(table.find("nope") == nullptr);
}

BOOST_AUTO_TEST_CASE(bad_columns_are_named) {
  const std::vector<double> three{1.0, 2.0, 3.0}, two{1.0, 2.0};
  ColumnTable table;
  table.add("arr", three);
  try {
    table.add("employees", two);
    BOOST_FAIL("expected InvalidInput");
  } catch (const InvalidInput& error) {
    BOOST_TEST(std::string(error.what()) == "data['employees']: has 2 rows but the other columns have 3");
  }
  BOOST_CHECK_THROW(table.add("arr", three), InvalidInput);
  try {
    (void)table.at("potential");
    BOOST_FAIL("expected InvalidInput");
  } catch (const InvalidInput& error) {
    BOOST_TEST(std::string(error.what()) == "data: no column 'potential' (columns: 'arr')");
  }
  const std::vector<std::int32_t> codes{0, 2, 0};
  BOOST_CHECK_THROW(table.add("region", codes, {"EMEA", "APAC"}), InvalidInput);
  const std::vector<std::int32_t> good{0, 1, 0};
  table.add("region", good, {"EMEA", "APAC"});
  BOOST_CHECK_THROW((void)table.numeric("region"), InvalidInput);
}

BOOST_AUTO_TEST_CASE(a_fixed_row_count_holds_without_columns) {
  ColumnTable table(4);
  BOOST_TEST(table.rows() == 4u);
  BOOST_TEST(table.columns() == 0u);
  const std::vector<double> three{1.0, 2.0, 3.0};
  BOOST_CHECK_THROW(table.add("arr", three), InvalidInput);
}

// Bit i of the bitmap (least significant first) from bit `offset` is row i's validity.
BOOST_AUTO_TEST_CASE(validity_bitmaps_read_nulls_as_missing) {
  const std::vector<double> values{1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0};  // 11 rows: not 8k
  const std::vector<std::uint8_t> bitmap{0b1010'1100, 0b0000'0110, 0b0000'0001};
  for (const std::size_t offset : {0U, 3U, 5U}) {
    const NumericColumn column{values, bitmap.data(), offset};
    std::vector<double> buffer(values.size());
    const auto block = column.block(0, values.size(), buffer);
    for (std::size_t i = 0; i < values.size(); ++i) {
      const std::size_t bit = offset + i;
      const bool valid = ((bitmap[bit / 8] >> (bit % 8)) & 1U) != 0;
      BOOST_TEST(column.valid(i) == valid);
      BOOST_TEST((valid ? column.value(i) == values[i] : std::isnan(column.value(i))));
      BOOST_TEST((valid ? block[i] == values[i] : std::isnan(block[i])));
    }
  }
  const NumericColumn from3{values, bitmap.data(), 3};
  BOOST_TEST(from3.valid(0));  // bits 2, 3, 5 and 7 of the first byte are set
  BOOST_TEST(!from3.valid(1));
  std::vector<double> part(4);
  const auto middle = from3.block(5, 9, part);  // bits 8..11: 0, 1, 1, 0
  BOOST_TEST(middle.size() == 4U);
  BOOST_TEST(std::isnan(middle[0]));
  BOOST_TEST(middle[1] == 7.0);
  BOOST_TEST(middle[2] == 8.0);
  BOOST_TEST(std::isnan(middle[3]));
}

BOOST_AUTO_TEST_CASE(all_null_bitmaps_and_views) {
  const std::vector<double> values{1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0};
  const std::vector<std::uint8_t> none{0, 0};
  const NumericColumn column{values, none.data(), 7};
  std::vector<double> buffer(values.size());
  for (const double x : column.block(0, values.size(), buffer)) BOOST_TEST(std::isnan(x));
  const NumericColumn plain{values, nullptr, 0};
  const auto view = plain.block(2, 5, buffer);
  BOOST_TEST(view.data() == values.data() + 2);  // without a bitmap: the values themselves
  BOOST_TEST(view.size() == 3U);
  ColumnTable table;
  table.add("logins", column);
  BOOST_TEST(table.numeric_column("logins").validity == none.data());
  try {
    (void)table.numeric("logins");
    BOOST_FAIL("expected InvalidInput");
  } catch (const InvalidInput& error) {
    BOOST_TEST(std::string(error.what()).starts_with("data['logins']: has a validity bitmap"));
  }
}
