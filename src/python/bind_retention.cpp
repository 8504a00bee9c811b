// Bindings of the retention area: the shifted-beta-geometric model and the hypergeometric
// function behind its discounted lifetimes.
#include <pybind11/operators.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "cssegment/retention/hypergeometric.hpp"
#include "cssegment/retention/sbg.hpp"

namespace cssegment::python {

void bind_retention(py::module_& m) {
  m.def("hyp2f1_unit_a", py::vectorize(&hypergeometric_2f1_unit_a), py::arg("b"), py::arg("c"), py::arg("z"));

  py::class_<ShiftedBetaGeometric>(m, "ShiftedBetaGeometric")
      .def(py::init<>())
      .def(py::init<double, double>(), py::arg("alpha"), py::arg("beta"))
      .def_static(
          "fit",
          [](const Array<double>& alive) {
            const auto alive_view = view(alive);
            py::gil_scoped_release release;
            return ShiftedBetaGeometric::fit(alive_view);
          },
          py::arg("alive"))
      .def_property_readonly("fitted", &ShiftedBetaGeometric::fitted)
      .def_property_readonly("alpha", &ShiftedBetaGeometric::alpha)
      .def_property_readonly("beta", &ShiftedBetaGeometric::beta)
      .def_property_readonly("log_likelihood", &ShiftedBetaGeometric::log_likelihood)
      .def_property_readonly("periods", &ShiftedBetaGeometric::periods)
      .def("survival", py::vectorize(&ShiftedBetaGeometric::survival), py::arg("t"))
      .def("retention_rate", py::vectorize(&ShiftedBetaGeometric::retention_rate), py::arg("t"))
      .def("churn_probability", py::vectorize(&ShiftedBetaGeometric::churn_probability), py::arg("t"))
      .def(
          "survival_curve",
          [](const ShiftedBetaGeometric& model, std::size_t periods) {
            std::vector<double> curve;
            {
              py::gil_scoped_release release;
              curve = model.survival_curve(periods);
            }
            return to_numpy(std::move(curve));
          },
          py::arg("periods"))
      .def("discounted_expected_lifetime", py::vectorize(&ShiftedBetaGeometric::discounted_expected_lifetime),
           py::arg("discount_rate"))
      .def("discounted_expected_residual_lifetime",
           py::vectorize(&ShiftedBetaGeometric::discounted_expected_residual_lifetime), py::arg("discount_rate"),
           py::arg("renewals"))
      .def("lifetime_value", py::vectorize(&ShiftedBetaGeometric::lifetime_value), py::arg("margin"),
           py::arg("discount_rate"))
      .def("to_json", &ShiftedBetaGeometric::to_json, py::call_guard<py::gil_scoped_release>())
      .def_static("from_json", &ShiftedBetaGeometric::from_json, py::arg("text"), py::call_guard<py::gil_scoped_release>())
      .def(py::self == py::self);

  m.def(
      "fit_sbg_many",
      [](const Array<double>& alive, std::size_t min_counts, std::size_t max_threads) {
        if (alive.ndim() != 2)
          fail("alive", "must be two-dimensional (cohorts x ages), got " + std::to_string(alive.ndim()) + " dimensions");
        const auto rows = static_cast<std::size_t>(alive.shape(0)), columns = static_cast<std::size_t>(alive.shape(1));
        const std::span<const double> values(alive.data(), rows * columns);
        std::vector<SbgFit> fits;
        {
          py::gil_scoped_release release;
          fits = fit_sbg_many(values, rows, columns, min_counts, max_threads);
        }
        std::vector<double> alpha(rows), beta(rows), log_likelihood(rows), periods(rows), iterations(rows);
        for (std::size_t i = 0; i < rows; ++i) {
          alpha[i] = fits[i].alpha, beta[i] = fits[i].beta, log_likelihood[i] = fits[i].log_likelihood;
          periods[i] = static_cast<double>(fits[i].periods), iterations[i] = static_cast<double>(fits[i].iterations);
        }
        py::dict out;
        out["alpha"] = to_numpy(std::move(alpha));
        out["beta"] = to_numpy(std::move(beta));
        out["log_likelihood"] = to_numpy(std::move(log_likelihood));
        out["periods"] = to_numpy(std::move(periods));
        out["iterations"] = to_numpy(std::move(iterations));
        return out;
      },
      py::arg("alive"), py::arg("min_counts") = 2, py::arg("max_threads") = 0);
}

}  // namespace cssegment::python
