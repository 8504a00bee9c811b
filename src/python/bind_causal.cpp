// Bindings of the causal area (_core.causal): regression discontinuity estimates and the density
// (manipulation) test at a cut-off.
#include "bindings.hpp"

namespace cssegment::python {

void bind_causal(py::module_& m) { static_cast<void>(m); }

}  // namespace cssegment::python
