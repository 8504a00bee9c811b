#define BOOST_TEST_MODULE segment.missing_policy
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "cssegment/segment/missing_policy.hpp"
#include "message_of.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

BOOST_AUTO_TEST_CASE(policies_parse_and_print) {
  BOOST_TEST((parse_missing_policy("raise") == MissingPolicy::raise));
  BOOST_TEST((parse_missing_policy("unassigned") == MissingPolicy::unassigned));
  BOOST_TEST(to_string(MissingPolicy::unassigned) == "unassigned");
  BOOST_TEST(message_of([] { parse_missing_policy("drop"); }) ==
             "missing: 'drop' is not a missing policy; use 'raise' or 'unassigned'");
}

BOOST_AUTO_TEST_CASE(unassigned_is_listed_last_and_reserved) {
  const std::vector<std::string> names{"small", "big"};
  BOOST_TEST(with_unassigned(names, MissingPolicy::raise) == names);
  BOOST_TEST(with_unassigned(names, MissingPolicy::unassigned) ==
             std::vector<std::string>({"small", "big", "Unassigned"}));
  const std::vector<std::string> clash{"small", "Unassigned"};
  BOOST_CHECK_NO_THROW(check_unassigned_free(clash, MissingPolicy::raise));
  BOOST_TEST(message_of([&] { check_unassigned_free(clash, MissingPolicy::unassigned); }) ==
             "names[1] = 'Unassigned': is reserved for missing values when missing='unassigned'");
}
