// Bindings of the causal area (_core.causal): regression discontinuity estimates and the density
// (manipulation) test at a cut-off.
#include <array>
#include <optional>
#include <string>
#include <utility>

#include "bindings.hpp"
#include "cssegment/causal/density.hpp"
#include "cssegment/causal/rd.hpp"

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

using namespace cssegment::causal;

std::pair<double, double> pair_of(const std::array<double, 2>& v) { return {v[0], v[1]}; }
std::pair<std::size_t, std::size_t> pair_of(const std::array<std::size_t, 2>& v) { return {v[0], v[1]}; }

void bind_rd(py::module_& m) {
  py::class_<RdResult>(m, "rd_result")
      .def_readonly("estimate", &RdResult::estimate)
      .def_readonly("estimate_bc", &RdResult::estimate_bc)
      .def_readonly("se", &RdResult::se)
      .def_readonly("se_robust", &RdResult::se_robust)
      .def_property_readonly("ci", [](const RdResult& r) { return pair_of(r.ci); })
      .def_property_readonly("ci_robust", [](const RdResult& r) { return pair_of(r.ci_robust); })
      .def_readonly("p_value", &RdResult::p_value)
      .def_readonly("p_value_robust", &RdResult::p_value_robust)
      .def_property_readonly("h", [](const RdResult& r) { return pair_of(r.h); })
      .def_property_readonly("b", [](const RdResult& r) { return pair_of(r.b); })
      .def_property_readonly("n", [](const RdResult& r) { return pair_of(r.n); })
      .def_property_readonly("n_effective", [](const RdResult& r) { return pair_of(r.n_effective); })
      .def_property_readonly("n_bias", [](const RdResult& r) { return pair_of(r.n_bias); })
      .def_property_readonly("intercept", [](const RdResult& r) { return pair_of(r.intercept); })
      .def_readonly("first_stage", &RdResult::first_stage)
      .def_readonly("clusters", &RdResult::clusters)
      .def_readonly("manual_bandwidth", &RdResult::manual_bandwidth)
      .def_readonly("mass_points", &RdResult::mass_points);

  m.def(
      "rd_estimate",
      [](const Array<double>& y, const Array<double>& x, const std::optional<Array<double>>& fuzzy,
         const std::optional<Array<std::int64_t>>& cluster, const std::optional<Array<double>>& covariates,
         double cutoff, int p, int q, const std::string& kernel, const std::string& bwselect, const std::string& vce,
         int nnmatch, std::optional<std::pair<double, double>> h, std::optional<std::pair<double, double>> b,
         double level) {
        RdOptions o;
        o.cutoff = cutoff;
        o.p = p;
        o.q = q;
        o.kernel = rd_kernel_names.parse(kernel);
        o.bwselect = rd_bandwidth_names.parse(bwselect);
        o.vce = rd_variance_names.parse(vce);
        o.nnmatch = nnmatch;
        if (h) o.h = std::array<double, 2>{h->first, h->second};
        if (b) o.b = std::array<double, 2>{b->first, b->second};
        o.level = level;
        const auto ys = view(y), xs = view(x);
        const auto ts = view(fuzzy);
        const auto cs = view(cluster);
        std::span<const double> zs;
        std::size_t dz = 0;
        if (covariates) {  // rows x columns, C order
          if (covariates->ndim() != 2) fail("covariates", "must be two-dimensional (rows x columns)");
          zs = {covariates->data(), static_cast<std::size_t>(covariates->size())};
          dz = static_cast<std::size_t>(covariates->shape(1));
        }
        py::gil_scoped_release release;
        return rd_estimate(ys, xs, ts, cs, zs, dz, o);
      },
      py::arg("y"), py::arg("x"), py::arg("fuzzy"), py::arg("cluster"), py::arg("covariates"), py::arg("cutoff"),
      py::arg("p"), py::arg("q"), py::arg("kernel"), py::arg("bwselect"), py::arg("vce"), py::arg("nnmatch"),
      py::arg("h"), py::arg("b"), py::arg("level"));
}

}  // namespace

void bind_causal(py::module_& m) {
  bind_rd(m);
  m.def("density_test", &density_test_binding, py::arg("x"), py::arg("cutoff"), py::arg("p"), py::arg("bwselect"),
        py::arg("h"),
        "The density (manipulation) test of Cattaneo, Jansson and Ma at a cut-off, as a dict (rddensity's "
        "defaults; include/cssegment/causal/density.hpp).");
}

}  // namespace cssegment::python
