#define BOOST_TEST_MODULE core.parallel
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "cssegment/core/parallel.hpp"

using namespace cssegment;

BOOST_AUTO_TEST_CASE(chunks_cover_every_row_exactly_once) {
  for (std::size_t n : {0u, 1u, 7u, 1000u, 100001u}) {
    std::vector<int> visits(n, 0);
    parallel_for(n, 10, [&](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) ++visits[i];
    });
    BOOST_TEST(std::accumulate(visits.begin(), visits.end(), 0) == static_cast<int>(n));
    BOOST_TEST(std::count(visits.begin(), visits.end(), 1) == static_cast<long>(n));
  }
}

BOOST_AUTO_TEST_CASE(the_lowest_chunk_error_wins) {
  try {
    parallel_for(1000, 1, [](std::size_t begin, std::size_t) { throw std::runtime_error(std::to_string(begin)); });
    BOOST_FAIL("expected an exception");
  } catch (const std::runtime_error& error) {
    BOOST_TEST(std::string(error.what()) == "0");
  }
}

BOOST_AUTO_TEST_CASE(an_error_in_a_later_chunk_is_still_reported) {
  try {
    parallel_for(100, 10, [](std::size_t begin, std::size_t) {
      if (begin >= 70) throw std::runtime_error(std::to_string(begin));
    });
    BOOST_FAIL("expected an exception");
  } catch (const std::runtime_error& error) {
    BOOST_TEST(std::string(error.what()) == "70");
  }
}
