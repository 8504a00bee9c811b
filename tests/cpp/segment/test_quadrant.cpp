#define BOOST_TEST_MODULE segment.quadrant
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "cssegment/segment/quadrant.hpp"

using namespace cssegment;

BOOST_AUTO_TEST_CASE(client_size_crossed_with_contract_value) {
  const QuadrantModel model;
  BOOST_TEST(model.categories() ==
             std::vector<std::string>({"Small Business", "Large Opportunity", "Major", "Enterprise"}));
  const std::vector<double> employees{50.0, 5000.0, 50.0, 5000.0, 1000.0};
  const std::vector<double> arr{5'000.0, 5'000.0, 80'000.0, 80'000.0, 50'000.0};
  BOOST_TEST(model.assign(employees, arr) == std::vector<std::int32_t>({0, 1, 2, 3, 3}));
}

BOOST_AUTO_TEST_CASE(each_axis_has_its_own_hysteresis) {
  const QuadrantModel model("employees", 1000.0, "arr", 50'000.0, QuadrantModel::default_names(), 0.1);
  // Previously Enterprise: stays while employees >= 900 and arr >= 45k.
  // Previously Small Business: stays while employees < 1100 and arr < 55k.
  const std::vector<double> employees{900.0, 899.0, 900.0, 1099.0, 1100.0};
  const std::vector<double> arr{45'000.0, 45'000.0, 44'999.0, 54'999.0, 54'999.0};
  const std::vector<std::int32_t> previous{3, 3, 3, 0, 0};
  BOOST_TEST(model.assign(employees, arr, previous) == std::vector<std::int32_t>({3, 2, 1, 0, 1}));
}

BOOST_AUTO_TEST_CASE(bad_values_name_the_right_field) {
  const QuadrantModel model;
  try {
    model.assign(std::vector<double>{NAN}, std::vector<double>{-3.0});
    BOOST_FAIL("expected InvalidInput");
  } catch (const InvalidInput& error) {
    BOOST_TEST(std::string(error.what()) == "arr[0] = -3: values must be finite and >= 0");
  }
  try {
    model.assign(std::vector<double>{1.0, NAN}, std::vector<double>{1.0, 1.0});
    BOOST_FAIL("expected InvalidInput");
  } catch (const InvalidInput& error) {
    BOOST_TEST(std::string(error.what()) == "employees[1] = nan: missing value (use missing='unassigned' to allow it)");
  }
  BOOST_CHECK_THROW(model.assign(std::vector<double>{1.0}, std::vector<double>{1.0, 2.0}), InvalidInput);
  const QuadrantModel lenient("employees", 1000.0, "arr", 50'000.0, QuadrantModel::default_names(), 0.0, {},
                              MissingPolicy::unassigned);
  BOOST_TEST(lenient.assign(std::vector<double>{NAN, 5.0}, std::vector<double>{1.0, NAN}) ==
             std::vector<std::int32_t>({4, 4}));
  BOOST_CHECK_THROW(lenient.assign(std::vector<double>{NAN}, std::vector<double>{-1.0}), InvalidInput);
}

BOOST_AUTO_TEST_CASE(bad_construction_and_json) {
  BOOST_CHECK_THROW(QuadrantModel("employees", 0.0), InvalidInput);
  BOOST_CHECK_THROW(QuadrantModel("employees", 10.0, "arr", NAN), InvalidInput);
  BOOST_CHECK_THROW(QuadrantModel("arr", 10.0, "arr"), InvalidInput);
  BOOST_CHECK_THROW(QuadrantModel("employees", 10.0, "arr", 10.0, {"a", "b", "c"}), InvalidInput);
  BOOST_CHECK_THROW(QuadrantModel("employees", 10.0, "arr", 10.0, {"a", "b", "c", "a"}), InvalidInput);
  const QuadrantModel model("company_revenue", 1e8, "arr", 1e5, {"SB", "LO", "MJ", "EN"}, 0.2,
                            {500.0, 100.0, 30.0, 10.0});
  BOOST_TEST((QuadrantModel::from_json(model.to_json()) == model));
  BOOST_CHECK_THROW(QuadrantModel::from_json(TierModel::touch().to_json()), InvalidInput);
  const std::vector<double> revenue{2e8}, arr{1e3};
  ColumnTable table;
  table.add("company_revenue", revenue).add("arr", arr);
  BOOST_TEST(model.assign(table) == std::vector<std::int32_t>({1}));
}

BOOST_AUTO_TEST_CASE(json_names_the_columns_and_reads_the_former_keys) {
  const QuadrantModel model("company_revenue", 1e8, "arr", 1e5);
  auto document = nlohmann::json::parse(model.to_json());
  BOOST_TEST(document["size_column"] == "company_revenue");
  BOOST_TEST(document["value_column"] == "arr");
  BOOST_TEST(!document.contains("size_field"));
  BOOST_TEST(!document.contains("value_field"));
  document["size_field"] = document["size_column"];
  document["value_field"] = document["value_column"];
  document.erase("size_column");
  document.erase("value_column");
  BOOST_TEST((QuadrantModel::from_json(document.dump()) == model));
  BOOST_TEST(model.size_column() == "company_revenue");
  BOOST_TEST(model.value_column() == "arr");
}
