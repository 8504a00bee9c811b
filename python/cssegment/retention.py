"""Deprecated alias of :mod:`cssegment.survival` (removed in cssegment 0.3.0).

The shifted-beta-geometric model moved to ``cssegment.survival``; "retention" now means NRR, GRR
and logo retention only. Importing this module warns (``DeprecationWarning``).

Examples
--------
>>> import cssegment as cs
>>> model = cs.survival.ShiftedBetaGeometric(alpha=1.0, beta=3.0)  # not cs.retention
>>> model.retention_rate(1)
0.75
"""

from __future__ import annotations

from . import _deprecation
from .survival import ShiftedBetaGeometric

__all__ = ["ShiftedBetaGeometric"]

_deprecation.warn("cssegment.retention", "cssegment.survival", stacklevel=2)
