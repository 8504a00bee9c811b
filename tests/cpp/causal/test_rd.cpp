#define BOOST_TEST_MODULE causal.rd
#include <boost/test/unit_test.hpp>

#include "message_of.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "cssegment/causal/rd.hpp"

using namespace cssegment;
using namespace cssegment::causal;
using cssegment::testing::message_of;
namespace tt = boost::test_tools;

namespace {

double frac(double v) { return v - std::floor(v); }

// A deterministic design (no random generator, so that Python builds the same doubles): x on
// (-1, 1), a jump of 0.4 at 0, noise in [-0.5, 0.5), a treatment taken up by 80% above the cut-off
// and 20% below, 37 clusters.
struct Design {
  std::vector<double> y, x, t;
  std::vector<std::int64_t> cluster;
};

Design design(std::size_t n = 1000) {
  Design d;
  for (std::size_t i = 0; i < n; ++i) {
    const double k = static_cast<double>(i + 1);
    const double a = frac(k * 0.6180339887498949), b = frac(k * 0.7548776662466927), c = frac(k * 0.5698402909980532);
    const double x = 2.0 * a - 1.0;
    const bool treated = x >= 0.0;
    d.x.push_back(x);
    d.y.push_back(1.0 + x - 0.5 * x * x + (treated ? 0.4 : 0.0) + (b - 0.5));
    d.t.push_back(c < (treated ? 0.8 : 0.2) ? 1.0 : 0.0);
    d.cluster.push_back(static_cast<std::int64_t>(i % 37));
  }
  return d;
}

struct Case {
  const char* name;
  RdOptions options;
  bool fuzzy, clustered;
  // rdrobust 2.1.1 (Python) on design(): estimate, bias-corrected estimate, se, robust se,
  // h left, h right, b left, b right; then the effective observations (left, right).
  std::array<double, 8> expected;
  std::array<std::size_t, 2> n_effective;
};

const std::vector<Case> cases{
    {"default",
     RdOptions{},
     false,
     false,
     {0.3696284437437495, 0.3585492300275178, 0.06905998883450945, 0.08251390077507931, 0.35411910600202184,
      0.35411910600202184, 0.5464782437318229, 0.5464782437318229},
     {178, 177}},
    {"p2_uniform",
     RdOptions{.p = 2, .kernel = RdKernel::uniform},
     false,
     false,
     {0.3517989609243669, 0.34195080782966447, 0.0925772717158484, 0.10465047806306929, 0.37287627832416403,
      0.37287627832416403, 0.5512491879561809, 0.5512491879561809},
     {187, 186}},
    {"msetwo",
     RdOptions{.bwselect = RdBandwidth::msetwo},
     false,
     false,
     {0.36242436118719856, 0.35804408682487754, 0.07086695842238629, 0.08390620338706466, 0.3892969077409185,
      0.2886711618731918, 0.6083435212277365, 0.4620023636687698},
     {195, 144}},
    {"msesum_epanechnikov",
     RdOptions{.kernel = RdKernel::epanechnikov, .bwselect = RdBandwidth::msesum},
     false,
     false,
     {0.3685839878106929, 0.35860864828678163, 0.07300810760909923, 0.08598141430888007, 0.2965362157469476,
      0.2965362157469476, 0.49715257873389146, 0.49715257873389146},
     {148, 149}},
    {"msecomb1",
     RdOptions{.bwselect = RdBandwidth::msecomb1},
     false,
     false,
     {0.36335249453266183, 0.3513034373284665, 0.07387508261475774, 0.08747146681604381, 0.308846162551792,
      0.308846162551792, 0.48984994916344354, 0.48984994916344354},
     {154, 155}},
    {"msecomb2",
     RdOptions{.bwselect = RdBandwidth::msecomb2},
     false,
     false,
     {0.36397164213944955, 0.35554001517680744, 0.07130860472049438, 0.08477265316914429, 0.35411910600202184,
      0.308846162551792, 0.5464782437318229, 0.48984994916344354},
     {178, 155}},
    {"cerrd",
     RdOptions{.bwselect = RdBandwidth::cerrd},
     false,
     false,
     {0.35272626581204913, 0.3472084048548777, 0.08194313661717573, 0.08931950478202642, 0.250697128264011,
      0.250697128264011, 0.5464782437318229, 0.5464782437318229},
     {125, 126}},
    {"certwo",
     RdOptions{.bwselect = RdBandwidth::certwo},
     false,
     false,
     {0.34854189320622253, 0.34643765394995685, 0.0841332266275015, 0.09115955751003088, 0.27560110470896393,
      0.2043635321213972, 0.6083435212277365, 0.4620023636687698},
     {138, 102}},
    {"cersum",
     RdOptions{.bwselect = RdBandwidth::cersum},
     false,
     false,
     {0.3468377562704028, 0.3408944840034298, 0.08773414003602652, 0.09513405271283162, 0.21864633880175932,
      0.21864633880175932, 0.48984994916344354, 0.48984994916344354},
     {110, 109}},
    {"cercomb1",
     RdOptions{.bwselect = RdBandwidth::cercomb1},
     false,
     false,
     {0.3468377562704028, 0.3408944840034298, 0.08773414003602652, 0.09513405271283162, 0.21864633880175932,
      0.21864633880175932, 0.48984994916344354, 0.48984994916344354},
     {110, 109}},
    {"cercomb2",
     RdOptions{.bwselect = RdBandwidth::cercomb2},
     false,
     false,
     {0.3495985451275614, 0.345471297303069, 0.08466977891752134, 0.09199367670416693, 0.250697128264011,
      0.21864633880175932, 0.5464782437318229, 0.48984994916344354},
     {125, 109}},
    {"hc0",
     RdOptions{.vce = RdVariance::hc0},
     false,
     false,
     {0.3690652476729387, 0.3579082110347922, 0.06736812496336736, 0.08033414771921121, 0.35045108461012986,
      0.35045108461012986, 0.5404083855688323, 0.5404083855688323},
     {176, 175}},
    {"hc1",
     RdOptions{.vce = RdVariance::hc1},
     false,
     false,
     {0.36924920577308096, 0.35810854334259035, 0.06749379288609936, 0.08063936947101183, 0.3517503779434095,
      0.3517503779434095, 0.5423066225250971, 0.5423066225250971},
     {176, 176}},
    {"hc2",
     RdOptions{.vce = RdVariance::hc2},
     false,
     false,
     {0.3694102203877053, 0.35827152345268587, 0.06785322966962841, 0.08108197127254857, 0.35293963836204023,
      0.35293963836204023, 0.5440458091360317, 0.5440458091360317},
     {177, 177}},
    {"hc3",
     RdOptions{.vce = RdVariance::hc3},
     false,
     false,
     {0.36994182054638625, 0.35884121589597395, 0.06831673936235075, 0.08181173753343612, 0.35560417146801127,
      0.35560417146801127, 0.5478983777432268, 0.5478983777432268},
     {178, 178}},
    {"fixed_h",
     RdOptions{.h = std::array{0.3, 0.3}},
     false,
     false,
     {0.36194591745887783, 0.31844523070349906, 0.07493078821346932, 0.10987079609553464, 0.3, 0.3, 0.3, 0.3},
     {150, 150}},
    {"fixed_h_b",
     RdOptions{.h = std::array{0.3, 0.35}, .b = std::array{0.5, 0.6}},
     false,
     false,
     {0.3678433739252076, 0.3561132521320689, 0.07247803282346238, 0.08425398051476081, 0.3, 0.35, 0.5, 0.6},
     {150, 175}},
    {"cluster",
     RdOptions{},
     false,
     true,
     {0.3804438001545515, 0.37453595952491525, 0.058152256455086676, 0.07161780644244659, 0.4618236593975576,
      0.4618236593975576, 0.6917299429815117, 0.6917299429815117},
     {231, 231}},
    {"fuzzy",
     RdOptions{},
     true,
     false,
     {0.5916879000922685, 0.5830689242889773, 0.14285115127686773, 0.1713177060418273, 0.39143492231998356,
      0.39143492231998356, 0.6059753158153182, 0.6059753158153182},
     {196, 195}},
    {"fuzzy_hc1",
     RdOptions{.vce = RdVariance::hc1},
     true,
     false,
     {0.5916395274667604, 0.5830925293277409, 0.1344730782164331, 0.16071604198437817, 0.39112256457997835,
      0.39112256457997835, 0.6067380879016735, 0.6067380879016735},
     {196, 195}},
    {"cutoff",
     RdOptions{.cutoff = 0.2},
     false,
     false,
     {-0.0671847415405471, -0.0790000161894413, 0.06831365957022092, 0.08139899717196962, 0.3597080361036163,
      0.3597080361036163, 0.5559571775946517, 0.5559571775946517},
     {180, 180}},
};

RdResult run(const Design& d, const RdOptions& o, bool fuzzy = false, bool clustered = false) {
  return rd_estimate(d.y, d.x, fuzzy ? std::span<const double>(d.t) : std::span<const double>{},
                     clustered ? std::span<const std::int64_t>(d.cluster) : std::span<const std::int64_t>{}, o);
}

std::array<double, 8> numbers(const RdResult& r) {
  return {r.estimate, r.estimate_bc, r.se, r.se_robust, r.h[0], r.h[1], r.b[0], r.b[1]};
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_option_equals_rdrobust) {
  const Design d = design();
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      const RdResult r = run(d, c.options, c.fuzzy, c.clustered);
      const auto got = numbers(r);
      for (std::size_t i = 0; i < got.size(); ++i) BOOST_TEST(got[i] == c.expected[i], tt::tolerance(1e-9));
      BOOST_TEST(r.n_effective[0] == c.n_effective[0]);
      BOOST_TEST(r.n_effective[1] == c.n_effective[1]);
      BOOST_TEST(r.n[0] + r.n[1] == d.x.size());
    }
  }
}

BOOST_AUTO_TEST_CASE(confidence_intervals_follow_the_level) {
  const Design d = design();
  const RdResult r = run(d, {});
  BOOST_TEST(r.ci[0] == r.estimate - 1.959963984540054 * r.se, tt::tolerance(1e-12));
  BOOST_TEST(r.ci_robust[1] == r.estimate_bc + 1.959963984540054 * r.se_robust, tt::tolerance(1e-12));
  BOOST_TEST(r.p_value_robust == std::erfc(std::abs(r.estimate_bc / r.se_robust) / std::sqrt(2.0)),
             tt::tolerance(1e-12));
  const RdResult r90 = run(d, {.level = 90.0});
  BOOST_TEST(r90.ci_robust[1] - r90.estimate_bc == 1.6448536269514722 * r90.se_robust, tt::tolerance(1e-12));
  // The sharp estimate is the difference of the two sides' fits at the cut-off.
  BOOST_TEST(r.intercept[1] - r.intercept[0] == r.estimate, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(estimates_do_not_depend_on_row_order) {
  const Design d = design();
  Design reversed = d;
  std::reverse(reversed.x.begin(), reversed.x.end());
  std::reverse(reversed.y.begin(), reversed.y.end());
  std::reverse(reversed.t.begin(), reversed.t.end());
  std::reverse(reversed.cluster.begin(), reversed.cluster.end());
  for (bool fuzzy : {false, true}) {
    const auto a = numbers(run(d, {}, fuzzy)), b = numbers(run(reversed, {}, fuzzy));
    for (std::size_t i = 0; i < a.size(); ++i) BOOST_TEST(a[i] == b[i], tt::tolerance(1e-10));
  }
  const auto a = numbers(run(d, {}, false, true)), b = numbers(run(reversed, {}, false, true));
  for (std::size_t i = 0; i < a.size(); ++i) BOOST_TEST(a[i] == b[i], tt::tolerance(1e-10));
}

BOOST_AUTO_TEST_CASE(shifting_x_and_the_cutoff_together_changes_nothing) {
  const Design d = design();
  Design shifted = d;
  for (double& v : shifted.x) v += 5000.0;
  const auto a = numbers(run(d, {})), b = numbers(run(shifted, {.cutoff = 5000.0}));
  for (std::size_t i = 0; i < a.size(); ++i) BOOST_TEST(a[i] == b[i], tt::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(estimates_scale_with_y) {
  const Design d = design();
  Design scaled = d;
  for (double& v : scaled.y) v = 3.0 * v - 7.0;
  const auto a = numbers(run(d, {})), b = numbers(run(scaled, {}));
  for (std::size_t i = 0; i < 4; ++i) BOOST_TEST(b[i] == 3.0 * a[i], tt::tolerance(1e-9));
  for (std::size_t i = 4; i < 8; ++i) BOOST_TEST(b[i] == a[i], tt::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(bad_input_names_the_argument_and_row) {
  Design d = design(200);
  BOOST_TEST(message_of([&] { run(d, {.p = 5}); }) == "p: must be 0 to 4, got 5");
  BOOST_TEST(message_of([&] { run(d, {.p = 2, .q = 2}); }) == "q: must be greater than p and at most 8, got 2");
  BOOST_TEST(message_of([&] { run(d, {.cutoff = 3.0}); }) == "cutoff: no observations on one side of the cutoff 3");
  BOOST_TEST(message_of([&] { run(d, {.h = std::array{0.001, 0.001}}); }).starts_with("h: fewer distinct x within"));
  Design bad = d;
  bad.x[7] = NAN;
  BOOST_TEST(message_of([&] { run(bad, {}); }) == "x[7] = nan: values must be finite");
  bad = d;
  bad.y[3] = INFINITY;
  BOOST_TEST(message_of([&] { run(bad, {}); }) == "y[3] = inf: values must be finite");
  bad = d;
  bad.t[4] = 2.0;
  BOOST_TEST(message_of([&] { run(bad, {}, true); }) ==
             "fuzzy[4] = 2: treatment must be 0/1 or a probability in [0, 1]");
  bad = d;
  bad.cluster[9] = -1;
  BOOST_TEST(message_of([&] { run(bad, {}, false, true); }) == "cluster[9] = missing: every row needs a cluster label");
  bad = d;
  for (double& v : bad.y) v = 2.0;
  BOOST_TEST(message_of([&] { run(bad, {}); }) == "y: is constant: there is no discontinuity to estimate");
  BOOST_TEST(message_of([] { rd_kernel_names.parse("gaussian"); }) ==
             "kernel: 'gaussian' is not a kernel; use 'triangular', 'epanechnikov' or 'uniform'");
  BOOST_TEST(message_of([&] { run(d, {.vce = RdVariance::hc2}, false, true); }).starts_with("vce: hc2 and hc3"));
}
