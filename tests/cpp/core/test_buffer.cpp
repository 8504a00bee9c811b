#define BOOST_TEST_MODULE core.buffer
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <numeric>
#include <vector>

#include "cssegment/core/buffer.hpp"

using namespace cssegment;

BOOST_AUTO_TEST_CASE(large_arrays_start_on_a_huge_page_boundary) {
  const std::size_t large = huge_page_threshold_bytes / sizeof(double);
  for (std::size_t n : {large, 3 * large + 5}) {
    FillVector<double> values(n);
    BOOST_TEST(reinterpret_cast<std::uintptr_t>(values.data()) % huge_page_bytes == 0u);
    std::iota(values.begin(), values.end(), 0.0);  // every element is writable
    BOOST_TEST(values.back() == static_cast<double>(n - 1));
  }
  FillVector<std::int32_t> small(10);
  BOOST_TEST(small.size() == 10u);
}

BOOST_AUTO_TEST_CASE(values_given_are_kept_as_std_vector_keeps_them) {
  FillVector<std::size_t> values(5, 7);
  BOOST_TEST(std::vector<std::size_t>(values.begin(), values.end()) == (std::vector<std::size_t>{7, 7, 7, 7, 7}));
  values.assign(3, 2);
  values.push_back(9);
  const std::size_t grown = huge_page_threshold_bytes / sizeof(std::size_t) + 1;
  values.resize(grown);  // from a small allocation to a large one: the elements move over
  BOOST_TEST(values[0] == 2u);
  BOOST_TEST(values[3] == 9u);
  values.resize(2);
  values.shrink_to_fit();  // and back to a small one
  BOOST_TEST(std::vector<std::size_t>(values.begin(), values.end()) == (std::vector<std::size_t>{2, 2}));
  const FillVector<std::size_t> copy = values;
  BOOST_TEST((copy == values));
}
