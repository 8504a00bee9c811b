#pragma once
// Shared helpers of the binding translation units: numpy <-> span conversion.
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "cssegment/core/validate.hpp"

namespace cssegment::python {

namespace py = pybind11;

void bind_datasets(py::module_& m);
void bind_health(py::module_& m);
void bind_metrics(py::module_& m);
void bind_retention(py::module_& m);
void bind_segment(py::module_& m);

// A C-contiguous numpy array of T; the caller (the Python layer) has already converted dtypes.
template <class T>
using Array = py::array_t<T, py::array::c_style | py::array::forcecast>;

template <class T>
std::span<const T> view(const Array<T>& array) {
  if (array.ndim() != 1) fail("array", "must be one-dimensional, got " + std::to_string(array.ndim()) + " dimensions");
  return {array.data(), static_cast<std::size_t>(array.size())};
}

template <class T>
std::span<const T> view(const std::optional<Array<T>>& array) {
  return array ? view(*array) : std::span<const T>{};
}

// Hands a vector to numpy without copying: the array owns the moved vector.
template <class T>
py::array_t<T> to_numpy(std::vector<T>&& values) {
  auto* owned = new std::vector<T>(std::move(values));
  py::capsule owner(owned, [](void* pointer) { delete static_cast<std::vector<T>*>(pointer); });
  return py::array_t<T>({owned->size()}, {sizeof(T)}, owned->data(), owner);
}

// Allocates the smallest code array pandas would use for `categories` labels, and fills it with
// the GIL released. fill receives a std::span<Code> for Code = int8_t or int32_t.
template <class Fill>
py::array segment_codes(std::size_t rows, std::size_t categories, Fill&& fill) {
  auto run = [&]<class Code>(Code) -> py::array {
    py::array_t<Code> out(static_cast<py::ssize_t>(rows));
    std::span<Code> codes(out.mutable_data(), rows);
    {
      py::gil_scoped_release release;
      fill(codes);
    }
    return out;
  };
  return categories < 127 ? run(std::int8_t{}) : run(std::int32_t{});
}

}  // namespace cssegment::python
