#include "bindings.hpp"

namespace cssegment::python {

void bind_datasets(py::module_&) {}

}  // namespace cssegment::python
