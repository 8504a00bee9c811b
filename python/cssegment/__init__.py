"""cssegment: customer-success analytics on a fast C++20 core.

Segment a book of accounts (tiers, quadrants, rules), plan coverage, and report transitions,
with pandas in and pandas out.
"""

from __future__ import annotations

from . import datasets, segment
from ._core import InvalidInputError, NotFittedError, __version__
from .segment import QuadrantModel, RuleModel, Segment, TierModel, coverage, transitions

__all__ = [
    # errors and version
    "InvalidInputError",
    "NotFittedError",
    "__version__",
    # submodules
    "datasets",
    "segment",
    # segmentation
    "QuadrantModel",
    "RuleModel",
    "Segment",
    "TierModel",
    "coverage",
    "transitions",
    # metrics
    # health
    # retention models
]
