#define BOOST_TEST_MODULE core.columns
#include <boost/test/unit_test.hpp>

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
