"""Type stubs of the C++ extension module cssegment._core (bindings in src/python/).

At runtime ``_core`` is one compiled module with a submodule per area (``_core.segment``,
``_core.metrics``, ``_core.health``, ``_core.survival``, ``_core.causal``, ``_core.datasets``); the errors and the
version live on ``_core`` itself. Core classes have lower-case names (``_core.segment.tier_model``)
that never collide with the public classes of the cssegment package.
"""

import numpy as np
import numpy.typing as npt

from . import causal as causal
from . import datasets as datasets
from . import health as health
from . import metrics as metrics
from . import segment as segment
from . import survival as survival

__version__: str

class InvalidInputError(ValueError): ...
class NotFittedError(ValueError, AttributeError): ...

# Array and argument types shared by the submodule stubs (stub-only names).
_Floats = npt.NDArray[np.float64]
_Codes = npt.NDArray[np.int32]
_Ints = npt.NDArray[np.int64]
_Ratios = list[float | None]
_Column = tuple[str, npt.NDArray[np.float64] | npt.NDArray[np.int32], list[str] | None]
