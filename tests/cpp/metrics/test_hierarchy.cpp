#define BOOST_TEST_MODULE metrics.hierarchy
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include "cssegment/metrics/hierarchy.hpp"

using namespace cssegment;
using cssegment::testing::message_of;

BOOST_AUTO_TEST_CASE(revenue_rolls_up_to_the_top_most_ancestor) {
  // 2 -> 1 -> 0 (three levels), 4 -> 3, 5 alone.
  const std::vector<std::int64_t> parents{no_parent, 0, 1, no_parent, 3, no_parent};
  const std::vector<std::int64_t> expected{0, 0, 0, 3, 3, 5};
  BOOST_TEST(top_ancestors(parents) == expected, boost::test_tools::per_element());
  // Children listed before their parents.
  const std::vector<std::int64_t> reversed{1, 2, no_parent};
  BOOST_TEST(top_ancestors(reversed) == (std::vector<std::int64_t>{2, 2, 2}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(cycles_and_self_parents_name_the_accounts) {
  const std::vector<std::string> names{"'a'", "'b'", "'c'", "'d'"};
  auto describe = [&](std::size_t node) { return names[node]; };
  const std::vector<std::int64_t> self{no_parent, 1};
  BOOST_TEST(message_of([&] { top_ancestors(self, describe); }) == "hierarchy: account 'b' is its own parent");
  // d -> a -> b -> c -> a: the cycle is named, not the account leading into it.
  const std::vector<std::int64_t> cycle{1, 2, 0, 0};
  BOOST_TEST(message_of([&] { top_ancestors(cycle, describe); }) ==
             "hierarchy: accounts 'a' -> 'b' -> 'c' -> 'a' form a cycle");
  const std::vector<std::int64_t> into_cycle{1, 2, 1, 0};
  BOOST_TEST(message_of([&] { top_ancestors(into_cycle); }) == "hierarchy: accounts 1 -> 2 -> 1 form a cycle");
  const std::vector<std::int64_t> unknown{7};
  BOOST_TEST(message_of([&] { top_ancestors(unknown); }) == "hierarchy[0] = 7: parents must be node numbers below 1");
}
