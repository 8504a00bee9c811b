#pragma once
// Shared helpers of the binding translation units: numpy <-> span conversion.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "cssegment/core/columns.hpp"
#include "cssegment/core/validate.hpp"

namespace cssegment::python {

namespace py = pybind11;

// Each fills its own submodule of _core: _core.datasets, _core.health, ...
void bind_causal(py::module_& m);
void bind_datasets(py::module_& m);
void bind_health(py::module_& m);
void bind_metrics(py::module_& m);
void bind_survival(py::module_& m);
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

// A ColumnTable over columns handed over as (name, values, labels) tuples: float64 values with
// labels None, or int32 codes into labels; (name, values, None, (validity, bit offset)): float64
// values with an Arrow validity bitmap (uint8). The table views the arrays, which `keep_alive` holds.
struct ColumnArguments {
  ColumnTable table;
  std::vector<py::array> keep_alive;
};

inline ColumnArguments column_table(const py::list& columns, std::size_t rows) {
  ColumnArguments arguments{ColumnTable(rows), {}};
  for (const auto& entry : columns) {
    const auto item = entry.cast<py::tuple>();
    auto name = item[0].cast<std::string>();
    if (item[2].is_none() && item.size() == 4) {  // float64 values and an Arrow validity bitmap
      auto values = item[1].cast<Array<double>>();
      const auto bitmap = item[3].cast<py::tuple>();
      auto validity = bitmap[0].cast<Array<std::uint8_t>>();
      const auto offset = bitmap[1].cast<std::size_t>();
      const auto bits = view(validity);
      const auto floats = view(values);
      if (bits.size() * 8 < offset + floats.size())
        fail("data[" + single_quoted(name) + "]", "validity bitmap has " + std::to_string(bits.size()) +
                                                      " bytes, too few for " + std::to_string(floats.size()) +
                                                      " rows from bit " + std::to_string(offset));
      arguments.table.add(std::move(name), NumericColumn{floats, bits.data(), offset});
      arguments.keep_alive.push_back(std::move(values));
      arguments.keep_alive.push_back(std::move(validity));
    } else if (item[2].is_none()) {
      auto values = item[1].cast<Array<double>>();
      arguments.table.add(std::move(name), view(values));
      arguments.keep_alive.push_back(std::move(values));
    } else {
      auto codes = item[1].cast<Array<std::int32_t>>();
      arguments.table.add(std::move(name), view(codes), item[2].cast<std::vector<std::string>>());
      arguments.keep_alive.push_back(std::move(codes));
    }
  }
  return arguments;
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
