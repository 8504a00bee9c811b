#define BOOST_TEST_MODULE core.json
#include <boost/test/unit_test.hpp>

#include <optional>
#include <string>
#include <vector>

#include "cssegment/core/json.hpp"

using namespace cssegment;

BOOST_AUTO_TEST_CASE(documents_carry_kind_and_version) {
  const auto document = json::make_document("TierModel");
  BOOST_TEST(document["kind"] == "TierModel");
  BOOST_TEST(document["cssegment_version"] == CSSEGMENT_VERSION);
  const auto parsed = json::parse_document(document.dump(), "TierModel");
  BOOST_TEST(parsed == document);
}

BOOST_AUTO_TEST_CASE(foreign_newer_and_malformed_documents_are_refused) {
  BOOST_CHECK_THROW(json::parse_document("{not json", "TierModel"), InvalidInput);
  BOOST_CHECK_THROW(json::parse_document("[1, 2]", "TierModel"), InvalidInput);
  BOOST_CHECK_THROW(json::parse_document(R"({"cssegment_version": "0.1.0"})", "TierModel"), InvalidInput);
  try {
    json::parse_document(R"({"kind": "QuadrantModel", "cssegment_version": "0.1.0"})", "TierModel");
    BOOST_FAIL("expected InvalidInput");
  } catch (const InvalidInput& error) {
    BOOST_TEST(std::string(error.what()) == "json: is a 'QuadrantModel' document, not a 'TierModel'");
  }
  BOOST_CHECK_THROW(json::parse_document(R"({"kind": "TierModel", "cssegment_version": "999.0.0"})", "TierModel"),
                    InvalidInput);
  BOOST_CHECK_THROW(json::parse_document(R"({"kind": "TierModel", "cssegment_version": "one"})", "TierModel"),
                    InvalidInput);
  BOOST_CHECK_THROW(json::parse_document(R"({"kind": "TierModel"})", "TierModel"), InvalidInput);
  BOOST_CHECK_NO_THROW(json::parse_document(R"({"kind": "TierModel", "cssegment_version": "0.0.1"})", "TierModel"));
  BOOST_CHECK_THROW(json::parse_document(std::string(json::max_document_bytes + 1, ' '), "TierModel"), InvalidInput);
}

BOOST_AUTO_TEST_CASE(typed_fields) {
  auto document = json::make_document("X");
  document["ratios"] = json::optional_numbers(std::vector<std::optional<double>>{15.0, std::nullopt});
  document["name"] = 3;
  const auto ratios = json::get_optional_numbers(document, "ratios");
  BOOST_TEST(ratios.size() == 2u);
  BOOST_TEST(*ratios[0] == 15.0);
  BOOST_TEST(!ratios[1].has_value());
  BOOST_CHECK_THROW(json::get<std::string>(document, "name"), InvalidInput);
  BOOST_CHECK_THROW(json::get<double>(document, "absent"), InvalidInput);
  document["ratios"] = "x";
  BOOST_CHECK_THROW(json::get_optional_numbers(document, "ratios"), InvalidInput);
}
