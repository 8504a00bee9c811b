#define BOOST_TEST_MODULE core.json
#include <boost/test/unit_test.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "cssegment/core/json.hpp"
#include "message_of.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

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
}

BOOST_AUTO_TEST_CASE(versions_are_three_unsigned_parts_of_at_most_nine_digits) {
  const auto document = [](const std::string& version) {
    return R"({"kind": "TierModel", "cssegment_version": ")" + version + R"("})";
  };
  for (const std::string bad : {"-1.0.0", "0.1.0.0", "0.1.0x", "0.+1.0", "0..1", "1.2", "", " 0.1.0", "0.1.0 ",
                                "18446744073709551617.0.0", "0.0.10000000000", "0.1234567890.0"}) {
    const auto message = message_of([&] { (void)json::parse_document(document(bad), "TierModel"); });
    BOOST_TEST(message == "json: cssegment_version '" + bad +
                              "' is not a version of the form X.Y.Z (three whole numbers of at most 9 digits)",
               "version " << bad);
  }
  BOOST_TEST((json::parse_version("0.0.1") == std::array<int, 3>{0, 0, 1}));
  BOOST_TEST((json::parse_version("0.999999999.7") == std::array<int, 3>{0, 999999999, 7}));
  BOOST_CHECK_THROW(json::parse_document(document("999999999.0.0"), "TierModel"), InvalidInput);  // newer
}

BOOST_AUTO_TEST_CASE(size_and_nesting_are_bounded) {
  const auto error = [](const std::string& text) {
    return message_of([&] { (void)json::parse_document(text, "TierModel"); });
  };
  BOOST_TEST(json::max_document_bytes == 16u << 20);
  BOOST_TEST(json::max_document_depth == 64u);
  const std::string valid = R"({"kind": "TierModel", "cssegment_version": "0.0.1"})";
  std::string largest = valid;
  largest.resize(json::max_document_bytes, ' ');
  BOOST_CHECK_NO_THROW(json::parse_document(largest, "TierModel"));
  BOOST_TEST(error(largest + " ") ==
             "json: document of 16777217 bytes exceeds the limit of 16777216 (max_document_bytes)");

  // 64 levels of containers load; one more is refused, whether arrays or objects.
  const auto nested = [&](std::size_t depth) {
    return R"({"kind": "TierModel", "cssegment_version": "0.0.1", "x": )" + std::string(depth - 1, '[') +
           std::string(depth - 1, ']') + "}";
  };
  BOOST_CHECK_NO_THROW(json::parse_document(nested(64), "TierModel"));
  const std::string too_deep = "json: nesting deeper than 64 levels (max_document_depth)";
  BOOST_TEST(error(nested(65)) == too_deep);
  std::string objects = "1";
  for (int i = 0; i < 65; ++i) objects = R"({"a": )" + objects + "}";
  BOOST_TEST(error(objects) == too_deep);
  // Checked while parsing: a document of nothing but brackets fails at the first one too many
  // rather than building (and later walking) the whole tree.
  BOOST_TEST(error(std::string(json::max_document_bytes, '[')) == too_deep);
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
  // Found by fuzzing: a float too large for an integer field was cast (undefined behaviour).
  document["count"] = 4.8e27;
  BOOST_TEST(message_of([&] { json::get<std::size_t>(document, "count"); }) ==
             "json: field 'count' holds 4.8e+27, expected a whole number from 0 to 18446744073709551615");
  document["count"] = 1.5;
  BOOST_TEST(message_of([&] { json::get<std::size_t>(document, "count"); }) ==
             "json: field 'count' holds 1.5, expected a whole number from 0 to 18446744073709551615");
  document["count"] = -1;
  BOOST_TEST(
      message_of([&] { json::get<std::uint64_t>(document, "count"); }).starts_with("json: field 'count' holds -1"));
  document["count"] = 18446744073709551615u;
  BOOST_TEST(message_of([&] { json::get<std::int64_t>(document, "count"); }) ==
             "json: field 'count' holds 18446744073709551615, expected a whole number from -9223372036854775808 to "
             "9223372036854775807");
  BOOST_TEST(json::get<std::uint64_t>(document, "count") == 18446744073709551615u);
  document["count"] = 3.0;
  BOOST_TEST(json::get<std::size_t>(document, "count") == 3u);
  document["count"] = -9223372036854775807 - 1;
  BOOST_TEST(json::get<std::int64_t>(document, "count") == std::numeric_limits<std::int64_t>::min());
  document["words"] = {1, 2.5};
  BOOST_TEST(message_of([&] { json::get<std::vector<std::uint64_t>>(document, "words"); }) ==
             "json: field 'words' holds 2.5, expected a whole number from 0 to 18446744073709551615");
  document["ratios"] = "x";
  BOOST_CHECK_THROW(json::get_optional_numbers(document, "ratios"), InvalidInput);
}
