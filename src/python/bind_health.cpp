// Bindings of the health area.
#include "bindings.hpp"

namespace cssegment::python {

void bind_health(py::module_& m) { static_cast<void>(m); }

}  // namespace cssegment::python
