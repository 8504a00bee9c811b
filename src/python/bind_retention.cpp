// Bindings of the retention area.
#include "bindings.hpp"

namespace cssegment::python {

void bind_retention(py::module_& m) { static_cast<void>(m); }

}  // namespace cssegment::python
