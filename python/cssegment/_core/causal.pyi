"""Stubs of cssegment._core.causal: regression discontinuity estimates and the density test at a
cut-off (bindings in src/python/bind_causal.cpp)."""

from typing import Any

import numpy as np
import numpy.typing as npt

# The fields of cssegment.causal.DensityTest, by name.
def density_test(
    x: npt.NDArray[np.float64], cutoff: float, p: int, bwselect: str, h: tuple[float, float] | None
) -> dict[str, Any]: ...
