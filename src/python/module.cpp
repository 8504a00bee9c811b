// cssegment._core: thin pybind11 bindings over the C++ core, one submodule per area (as
// boost-histogram registers its _core): _core.segment, _core.metrics, _core.health,
// _core.survival, _core.causal and _core.datasets, each filled by its bind_<area>.cpp. The errors and the
// version stay on _core itself.

#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "cssegment/core/error.hpp"
#include "cssegment/version.hpp"

namespace py = pybind11;

namespace {

// _core.<name>, also entered in sys.modules so that `import cssegment._core.<name>` and pickle
// (which imports a class's __module__) find it.
py::module_ submodule(py::module_& m, const char* name, const char* doc) {
  auto sub = m.def_submodule(name, doc);
  py::module_::import("sys").attr("modules")[sub.attr("__name__")] = sub;
  return sub;
}

template <class Exception>
void register_error(py::module_& m, const char* name, py::handle bases, const char* doc) {
  auto& error = py::register_exception<Exception>(m, name, bases);
  error.attr("__module__") = "cssegment";
  error.attr("__doc__") = doc;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "C++ core of cssegment; use the public names in the cssegment package.";
  m.attr("__version__") = CSSEGMENT_VERSION;
  register_error<cssegment::InvalidInput>(
      m, "InvalidInputError", PyExc_ValueError,
      "Bad input: the message names the argument, the first offending row and its value.");
  // Both ValueError and AttributeError, as scikit-learn's: hasattr(model, "inertia_") is False
  // before fit(). PyErr_NewException takes a tuple of bases.
  const py::tuple not_fitted_bases = py::make_tuple(py::handle(PyExc_ValueError), py::handle(PyExc_AttributeError));
  register_error<cssegment::NotFitted>(m, "NotFittedError", not_fitted_bases,
                                       "A model that learns from data was used before fit().");

  auto segment = submodule(m, "segment", "Segmentation models, transitions, coverage, k-means, owners, cadence.");
  auto metrics = submodule(m, "metrics", "Revenue ledger, partial sums, movements, retention, value metrics, NPS.");
  auto health = submodule(m, "health", "Normalizers, scorecards, calibration and backtests.");
  auto survival = submodule(m, "survival", "The shifted-beta-geometric survival model.");
  auto causal = submodule(m, "causal", "Regression discontinuity: effects of coverage at tier thresholds.");
  auto datasets = submodule(m, "datasets", "Synthetic data sets.");
  cssegment::python::bind_segment(segment);
  cssegment::python::bind_metrics(metrics);
  cssegment::python::bind_health(health);
  cssegment::python::bind_survival(survival);
  cssegment::python::bind_causal(causal);
  cssegment::python::bind_datasets(datasets);
}
