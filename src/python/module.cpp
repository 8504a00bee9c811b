// cssegment._core: thin pybind11 bindings over the C++ core. Each area binds itself in
// bind_<area>.cpp; this file registers the exceptions and the version.
#include <pybind11/pybind11.h>

#include "bindings.hpp"
#include "cssegment/core/error.hpp"
#include "cssegment/version.hpp"

namespace py = pybind11;

PYBIND11_MODULE(_core, m) {
  m.doc() = "C++ core of cssegment; use the public names in the cssegment package.";
  m.attr("__version__") = CSSEGMENT_VERSION;
  auto& invalid_input = py::register_exception<cssegment::InvalidInput>(m, "InvalidInputError", PyExc_ValueError);
  invalid_input.attr("__module__") = "cssegment";
  invalid_input.attr("__doc__") = "Bad input: the message names the argument, the first offending row and its value.";
  auto& not_fitted = py::register_exception<cssegment::NotFitted>(m, "NotFittedError", PyExc_ValueError);
  not_fitted.attr("__module__") = "cssegment";
  not_fitted.attr("__doc__") = "A model that learns from data was used before fit().";
  cssegment::python::bind_datasets(m);
  cssegment::python::bind_segment(m);
  cssegment::python::bind_metrics(m);
  cssegment::python::bind_health(m);
  cssegment::python::bind_survival(m);
}
