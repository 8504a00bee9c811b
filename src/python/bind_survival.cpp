// Bindings of the survival area (_core.survival): the shifted-beta-geometric model and the
// hypergeometric function behind its discounted lifetimes.
#include <array>
#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <pybind11/operators.h>
#include <pybind11/stl.h>

#include "bindings.hpp"
#include "cssegment/survival/hypergeometric.hpp"
#include "cssegment/survival/sbg.hpp"

namespace cssegment::python {

namespace {

// Like py::vectorize over float64 arguments, but the core computes with the GIL released: numpy
// broadcasts the arguments (with the GIL held), f fills a new array, and scalars in give a float out.
template <class F, class... Arguments>
py::object broadcast_released(F f, const Arguments&... arguments) {
  constexpr std::size_t count = sizeof...(Arguments);
  const std::array<py::object, count> raw{arguments...};
  const std::array<Array<double>, count> given{Array<double>::ensure(arguments)...};
  bool scalars = true;
  py::tuple listed(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (!given[i])
      throw py::type_error("expected a number or an array of numbers, got " + std::string(py::repr(raw[i])));
    scalars = scalars && given[i].ndim() == 0;
    listed[i] = given[i];
  }
  const auto numpy = py::module_::import("numpy");
  const auto broadcast = numpy.attr("broadcast_arrays")(*listed).cast<py::tuple>();
  std::array<Array<double>, count> flat;
  std::array<const double*, count> inputs{};
  for (std::size_t i = 0; i < count; ++i) {
    flat[i] = numpy.attr("ascontiguousarray")(broadcast[i]).cast<Array<double>>();
    inputs[i] = flat[i].data();
  }
  Array<double> out(broadcast[0].attr("shape").cast<std::vector<py::ssize_t>>());
  const std::span<double> values(out.mutable_data(), static_cast<std::size_t>(out.size()));
  {
    py::gil_scoped_release release;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      for (std::size_t k = 0; k < values.size(); ++k) values[k] = f(inputs[I][k]...);
    }(std::make_index_sequence<count>{});
  }
  if (scalars) return py::float_(values[0]);
  return py::object(std::move(out));
}

// A binding of model.method(numbers...) over broadcast arguments, the GIL released.
template <class... Numbers>
auto elementwise(double (ShiftedBetaGeometric::*method)(Numbers...) const) {
  return
      [method](const ShiftedBetaGeometric& model, const std::conditional_t<true, py::object, Numbers>&... arguments) {
        return broadcast_released([&](Numbers... values) { return (model.*method)(values...); }, arguments...);
      };
}

py::array_t<double> survival_curve(const ShiftedBetaGeometric& model, std::size_t periods) {
  std::vector<double> curve;
  {
    py::gil_scoped_release release;
    curve = model.survival_curve(periods);
  }
  return to_numpy(std::move(curve));
}

// One sBG fit per row of a cohorts x ages matrix of survivor counts, as columns of a dict.
py::dict fit_many(const Array<double>& survivors, std::size_t min_counts, std::size_t max_threads) {
  if (survivors.ndim() != 2)
    fail("survivors",
         "must be two-dimensional (cohorts x ages), got " + std::to_string(survivors.ndim()) + " dimensions");
  const auto rows = static_cast<std::size_t>(survivors.shape(0));
  const auto columns = static_cast<std::size_t>(survivors.shape(1));
  const std::span<const double> values(survivors.data(), rows * columns);
  std::vector<SbgFit> fits;
  {
    py::gil_scoped_release release;
    fits = fit_sbg_many(values, rows, columns, min_counts, max_threads);
  }
  std::vector<double> alpha(rows), beta(rows), log_likelihood(rows), periods(rows), iterations(rows);
  std::vector<double> converged(rows), boundary(rows);  // 0/1
  for (std::size_t i = 0; i < rows; ++i) {
    alpha[i] = fits[i].alpha, beta[i] = fits[i].beta, log_likelihood[i] = fits[i].log_likelihood;
    periods[i] = static_cast<double>(fits[i].periods), iterations[i] = static_cast<double>(fits[i].iterations);
    converged[i] = fits[i].converged, boundary[i] = fits[i].boundary;
  }
  py::dict out;
  out["alpha"] = to_numpy(std::move(alpha));
  out["beta"] = to_numpy(std::move(beta));
  out["log_likelihood"] = to_numpy(std::move(log_likelihood));
  out["periods"] = to_numpy(std::move(periods));
  out["iterations"] = to_numpy(std::move(iterations));
  out["converged"] = to_numpy(std::move(converged));
  out["boundary"] = to_numpy(std::move(boundary));
  return out;
}

void bind_sbg(py::module_& m) {
  using Sbg = ShiftedBetaGeometric;
  py::class_<Sbg>(m, "shifted_beta_geometric")
      .def(py::init<>())
      .def(py::init<double, double>(), py::arg("alpha"), py::arg("beta"))
      .def_static(
          "fit",
          [](const Array<double>& survivors) {
            const auto survivor_view = view(survivors);
            py::gil_scoped_release release;
            return Sbg::fit(survivor_view);
          },
          py::arg("survivors"))
      .def_property_readonly("fitted", &Sbg::fitted)
      .def_property_readonly("alpha", &Sbg::alpha)
      .def_property_readonly("beta", &Sbg::beta)
      .def_property_readonly("log_likelihood", &Sbg::log_likelihood)
      .def_property_readonly("periods", &Sbg::periods)
      .def_property_readonly("at_constant_churn", &Sbg::at_constant_churn)
      .def_property_readonly("constant_churn", &Sbg::constant_churn)
      .def("survival", elementwise(&Sbg::survival), py::arg("t"))
      .def("retention_rate", elementwise(&Sbg::retention_rate), py::arg("t"))
      .def("churn_probability", elementwise(&Sbg::churn_probability), py::arg("t"))
      .def("survival_curve", &survival_curve, py::arg("periods"))
      .def("discounted_expected_lifetime", elementwise(&Sbg::discounted_expected_lifetime), py::arg("discount_rate"))
      .def("discounted_expected_residual_lifetime", elementwise(&Sbg::discounted_expected_residual_lifetime),
           py::arg("discount_rate"), py::arg("renewals"))
      .def("lifetime_value", elementwise(&Sbg::lifetime_value), py::arg("margin"), py::arg("discount_rate"))
      .def("to_json", &Sbg::to_json, py::call_guard<py::gil_scoped_release>())
      .def_static("from_json", &Sbg::from_json, py::arg("text"), py::call_guard<py::gil_scoped_release>())
      .def(py::self == py::self);
}

}  // namespace

void bind_survival(py::module_& m) {
  m.def(
      "hyp2f1_unit_a",
      [](const py::object& b, const py::object& c, const py::object& z) {
        return broadcast_released(&hypergeometric_2f1_unit_a, b, c, z);
      },
      py::arg("b"), py::arg("c"), py::arg("z"));
  bind_sbg(m);
  m.def("fit_sbg_many", &fit_many, py::arg("survivors"), py::arg("min_counts") = 2, py::arg("max_threads") = 0);
}

}  // namespace cssegment::python
