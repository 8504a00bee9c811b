// Bindings of the metrics area.
#include "bindings.hpp"

namespace cssegment::python {

void bind_metrics(py::module_& m) { static_cast<void>(m); }

}  // namespace cssegment::python
