#define BOOST_TEST_MODULE causal.density
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "cssegment/causal/density.hpp"

using namespace cssegment;
using cssegment::testing::message_of;
namespace tt = boost::test_tools;

namespace {

// u_i = frac(i * golden ratio), i = 1..1500: an evenly spread, deterministic sample. Reference
// values below come from rddensity 3.0 (Python) on the same numbers.
std::vector<double> golden(double (*shape)(double), std::size_t n = 1500) {
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = shape(std::fmod(static_cast<double>(i + 1) * 0.6180339887498949, 1.0));
  return x;
}
double smooth(double u) { return u * u - 0.3; }  // density continuous at 0
double tied(double u) { return std::floor(u * u * 200.0) / 200.0 - 0.3; }

std::vector<double> bunched() {  // every second value moved into [0.5, 1): the density jumps at 0.5
  auto x = golden([](double u) { return u; });
  for (std::size_t i = 1; i < x.size(); i += 2) x[i] = x[i] * 0.5 + 0.5;
  return x;
}

void check(const DensityTest& test, double statistic, double p_value, double h_left, double h_right,
           std::size_t eff_left, std::size_t eff_right, double f_left, double f_right) {
  BOOST_TEST(test.statistic == statistic, tt::tolerance(1e-8));
  BOOST_TEST(test.p_value == p_value, tt::tolerance(1e-7));
  BOOST_TEST(test.h_left == h_left, tt::tolerance(1e-9));
  BOOST_TEST(test.h_right == h_right, tt::tolerance(1e-9));
  BOOST_TEST(test.n_effective_left == eff_left);
  BOOST_TEST(test.n_effective_right == eff_right);
  BOOST_TEST(test.density_left == f_left, tt::tolerance(1e-9));
  BOOST_TEST(test.density_right == f_right, tt::tolerance(1e-9));
}

}  // namespace

BOOST_AUTO_TEST_CASE(default_call_equals_rddensity) {
  const auto test = density_test(golden(smooth));
  BOOST_TEST(test.n_left == 822u);
  BOOST_TEST(test.n_right == 678u);
  BOOST_TEST(test.q == 3);
  check(test, -0.16306208089312155, 0.870469555206945, 0.062332567814555914, 0.06275781005052503, 90, 82,
        0.9670332923702678, 0.8813523025795602);
}

BOOST_AUTO_TEST_CASE(other_orders_and_bandwidth_rules_equal_rddensity) {
  check(density_test(golden(smooth), {.p = 1, .bwselect = DensityBandwidth::each}), -0.18355503101433027,
        0.8543625436541327, 0.02204814989563375, 0.12615608438737436, 31, 158, 0.9946283050136278, 0.9130513765541677);
  check(density_test(golden(smooth), {.p = 3, .bwselect = DensityBandwidth::diff}), -0.10663906544905515,
        0.9150753255290753, 0.10361079645798303, 0.10361079645798303, 157, 132, 0.9530365443494976, 0.8920407045943712);
}

BOOST_AUTO_TEST_CASE(given_bandwidths_equal_rddensity) {
  check(density_test(golden(smooth), {.h_left = 0.2, .h_right = 0.25}), 0.06356613616676092, 0.9493156966115994, 0.2,
        0.25, 348, 291, 0.9029860234882392, 0.9207748890088396);
}

BOOST_AUTO_TEST_CASE(tied_values_get_the_mass_point_adjustment_of_rddensity) {
  check(density_test(golden(tied)), 0.02247040796782273, 0.9820727170585557, 0.11499999999999999, 0.11499999999999999,
        177, 150, 0.9221441692427167, 0.9312276385974597);
}

BOOST_AUTO_TEST_CASE(bunching_above_the_cutoff_is_detected) {
  const auto test = density_test(bunched(), {.cutoff = 0.5});
  check(test, 5.07820742088768, 3.8101260613210286e-07, 0.4980806212744824, 0.4639856751236569, 374, 1046,
        0.4985584633435586, 1.5130339351308129);
  BOOST_TEST(test.p_value < 1e-6);
}

BOOST_AUTO_TEST_CASE(invariant_to_row_order_and_to_shifting_x_with_the_cutoff) {
  auto x = golden(smooth);
  const auto reference = density_test(x);
  std::mt19937 generator(7);
  std::shuffle(x.begin(), x.end(), generator);
  const auto shuffled = density_test(x);
  BOOST_TEST(shuffled.statistic == reference.statistic);
  BOOST_TEST(shuffled.h_left == reference.h_left);
  for (double& v : x) v += 1000.0;
  const auto shifted = density_test(x, {.cutoff = 1000.0});
  BOOST_TEST(shifted.statistic == reference.statistic, tt::tolerance(1e-6));
  BOOST_TEST(shifted.h_right == reference.h_right, tt::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(scaling_x_scales_bandwidths_and_densities_not_the_statistic) {
  auto x = golden(smooth);
  const auto reference = density_test(x);
  for (double& v : x) v *= 50'000.0;
  const auto scaled = density_test(x);
  BOOST_TEST(scaled.statistic == reference.statistic, tt::tolerance(1e-9));
  BOOST_TEST(scaled.h_left == 50'000.0 * reference.h_left, tt::tolerance(1e-9));
  BOOST_TEST(scaled.density_right * 50'000.0 == reference.density_right, tt::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(bad_input_names_the_argument_row_and_value) {
  auto x = golden(smooth);
  x[7] = std::numeric_limits<double>::quiet_NaN();
  BOOST_TEST(message_of([&] { density_test(x); }) == "x[7] = nan: values must be finite");
  x[7] = INFINITY;
  BOOST_TEST(message_of([&] { density_test(x); }) == "x[7] = inf: values must be finite");
  const std::vector<double> one_sided{1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0};
  BOOST_TEST(message_of([&] { density_test(one_sided); }) ==
             "x: needs at least 5 distinct values on each side of the cutoff 0, got 0 below and 7 at or above");
  BOOST_TEST(message_of([&] { density_test(golden(smooth), {.p = 8}); }) == "p: must be an integer from 1 to 7, got 8");
  BOOST_TEST(message_of([&] { density_test(golden(smooth), {.h_left = 0.2}); }) ==
             "h: give both bandwidths or neither");
  BOOST_TEST(message_of([&] { density_test(golden(smooth), {.h_left = -1.0, .h_right = 0.2}); }) ==
             "h: bandwidths must be finite and > 0, got -1");
  BOOST_TEST(message_of([&] { density_test(golden(smooth), {.h_left = 0.001, .h_right = 0.2}); }) ==
             "h: the bandwidths hold 1 distinct values below and 239 at or above the cutoff; the order-3 fit "
             "needs at least 4 on each side");
  BOOST_TEST(message_of([&] { density_test(golden(smooth), {.cutoff = NAN}); }) == "cutoff: must be finite, got nan");
  BOOST_TEST(message_of([] { density_bandwidth_names.parse("mserd"); }) ==
             "bwselect: 'mserd' is not a density bandwidth rule; use 'each', 'diff', 'sum' or 'comb'");
}
