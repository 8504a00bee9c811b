#define BOOST_TEST_MODULE core.distributions
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <vector>

#include "cssegment/core/distributions.hpp"

// Reference values: scipy 1.17.1 (scipy.special.betainc and betaincinv, scipy.stats.t.ppf and
// norm.ppf), printed with repr; each within 1e-12 relative.

using namespace cssegment;

namespace {

struct Beta {
  double x, a, b, value;
};

bool close(double got, double expected) { return std::abs(got - expected) <= 1e-12 * std::abs(expected); }

}  // namespace

BOOST_AUTO_TEST_CASE(incomplete_beta_matches_scipy) {
  const std::vector<Beta> cases = {
      {0.3, 2.0, 3.0, 0.34829999999999994},        {0.025, 0.5, 60.0, 0.9180365258478861},
      {0.975, 41.5, 3.25, 0.9308565421329535},     {1e-10, 0.2, 7.0, 0.01588787199841121},
      {0.999999, 12.0, 0.7, 0.9996080275059437},   {0.5, 250.0, 260.0, 0.6711835620708616},
      {0.94, 900.0, 35.0, 0.0007862086533735993},  {0.8, 0.05, 0.05, 0.5322138705637823},
      {0.62, 3000.0, 1800.0, 0.23676762173358537}, {0.4, 1.0, 1.0, 0.4},
  };
  for (const Beta& c : cases)
    BOOST_TEST(close(incomplete_beta(c.x, c.a, c.b), c.value), c.x << " " << c.a << " " << c.b);
}

BOOST_AUTO_TEST_CASE(beta_quantile_matches_scipy_and_inverts) {
  const std::vector<Beta> cases = {
      {0.3, 2.0, 3.0, 0.27238394207510536},       {0.025, 0.5, 60.0, 8.218045883410147e-06},
      {0.975, 41.5, 3.25, 0.9830333193431074},    {1e-10, 0.2, 7.0, 9.878052693955099e-52},
      {0.999999, 12.0, 0.7, 0.9999999998026003},  {0.5, 250.0, 260.0, 0.4901832528041446},
      {0.94, 900.0, 35.0, 0.9717165317982591},    {0.8, 0.05, 0.05, 0.9999999898164149},
      {0.62, 3000.0, 1800.0, 0.6271504319069245}, {0.4, 1.0, 1.0, 0.4},
  };
  for (const Beta& c : cases) {
    const double x = beta_quantile(c.x, c.a, c.b);
    BOOST_TEST(close(x, c.value), c.x << " " << c.a << " " << c.b << ": " << x);
    if (x < 0.999) BOOST_TEST(std::abs(incomplete_beta(x, c.a, c.b) - c.x) <= 1e-12 * c.x);
  }
}

BOOST_AUTO_TEST_CASE(beta_edges) {
  BOOST_TEST(beta_quantile(0.0, 2.0, 3.0) == 0.0);
  BOOST_TEST(beta_quantile(1.0, 2.0, 3.0) == 1.0);
  BOOST_TEST(incomplete_beta(-0.5, 2.0, 3.0) == 0.0);
  BOOST_TEST(incomplete_beta(1.5, 2.0, 3.0) == 1.0);
  BOOST_TEST(std::isnan(beta_quantile(0.5, 0.0, 3.0)));
  BOOST_TEST(std::isnan(beta_quantile(1.5, 2.0, 3.0)));
  BOOST_TEST(std::isnan(incomplete_beta(0.5, 2.0, -1.0)));
  // Beta(1, 1) is uniform; Beta(a, 1) has x^a as distribution function.
  BOOST_TEST(close(beta_quantile(0.37, 1.0, 1.0), 0.37));
  BOOST_TEST(close(beta_quantile(0.2, 3.0, 1.0), std::cbrt(0.2)));
}

BOOST_AUTO_TEST_CASE(student_t_quantile_matches_scipy) {
  const std::vector<std::vector<double>> cases = {
      {0.975, 1.0, 12.706204736174694},   {0.975, 2.0, 4.302652729749462},     {0.975, 7.0, 2.364624251592784},
      {0.975, 119.0, 1.9800998764569397}, {0.995, 3.5, 5.085702223091256},     {0.05, 12.0, -1.7822875556493194},
      {0.6, 30.0, 0.2556053649519128},    {0.9995, 1000.0, 3.300282648423944},
  };
  for (const auto& c : cases) BOOST_TEST(close(student_t_quantile(c[0], c[1]), c[2]), c[0] << " " << c[1]);
  // One degree of freedom is Cauchy: tan(pi (p - 1/2)).
  BOOST_TEST(close(student_t_quantile(0.9, 1.0), std::tan(3.14159265358979323846 * 0.4)));
  BOOST_TEST(student_t_quantile(0.5, 4.0) == 0.0);
  BOOST_TEST(std::isnan(student_t_quantile(0.975, 0.0)));
}

BOOST_AUTO_TEST_CASE(normal_quantile_matches_scipy) {
  const std::vector<std::vector<double>> cases = {
      {0.975, 1.959963984540054},
      {1e-08, -5.612001244174789},
      {0.9, 1.2815515655446004},
      {0.3, -0.5244005127080409},
  };
  for (const auto& c : cases) BOOST_TEST(close(normal_quantile(c[0]), c[1]), c[0]);
}
