// Bindings of the causal area (_core.causal): regression discontinuity estimates and the density
// (manipulation) test at a cut-off.
#include <optional>
#include <string>
#include <utility>

#include "bindings.hpp"
#include "cssegment/causal/density.hpp"

namespace cssegment::python {

namespace {

py::dict density_test_binding(const Array<double>& x, double cutoff, int p, const std::string& bwselect,
                              std::optional<std::pair<double, double>> h) {
  DensityTestOptions options;
  options.cutoff = cutoff;
  options.p = p;
  options.bwselect = density_bandwidth_names.parse(bwselect);
  if (h) {
    options.h_left = h->first;
    options.h_right = h->second;
  }
  const auto values = view(x);
  DensityTest test;
  {
    py::gil_scoped_release release;
    test = density_test(values, options);
  }
  py::dict out;
  out["statistic"] = test.statistic;
  out["p_value"] = test.p_value;
  out["h"] = py::make_tuple(test.h_left, test.h_right);
  out["n"] = py::make_tuple(test.n_left, test.n_right);
  out["n_effective"] = py::make_tuple(test.n_effective_left, test.n_effective_right);
  out["density"] = py::make_tuple(test.density_left, test.density_right);
  out["se"] = py::make_tuple(test.se_left, test.se_right);
  out["se_difference"] = test.se_difference;
  out["cutoff"] = test.cutoff;
  out["p"] = test.p;
  out["q"] = test.q;
  out["bwselect"] =
      test.bandwidth_given ? std::string("manual") : std::string(density_bandwidth_names.name(test.bwselect));
  return out;
}

}  // namespace

void bind_causal(py::module_& m) {
  m.def("density_test", &density_test_binding, py::arg("x"), py::arg("cutoff"), py::arg("p"), py::arg("bwselect"),
        py::arg("h"),
        "The density (manipulation) test of Cattaneo, Jansson and Ma at a cut-off, as a dict (rddensity's "
        "defaults; include/cssegment/causal/density.hpp).");
}

}  // namespace cssegment::python
