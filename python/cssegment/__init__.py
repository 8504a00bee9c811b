"""cssegment: customer-success analytics on a fast C++20 core.

Segment a book of accounts (tiers, quadrants, rules), plan coverage, and report transitions,
with pandas in and pandas out.
"""

from __future__ import annotations

from . import datasets, health, segment
from ._core import InvalidInputError, NotFittedError, __version__
from .health import (
    Backtest,
    Bands,
    Boolean,
    CalibratedScorecard,
    Linear,
    Measure,
    Percentile,
    Scorecard,
    ScorecardSet,
    ZScore,
)
from .segment import QuadrantModel, RuleModel, Segment, TierModel, coverage, transitions

__all__ = [
    # errors and version
    "InvalidInputError",
    "NotFittedError",
    "__version__",
    # submodules
    "datasets",
    "health",
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
    "Backtest",
    "Bands",
    "Boolean",
    "CalibratedScorecard",
    "Linear",
    "Measure",
    "Percentile",
    "Scorecard",
    "ScorecardSet",
    "ZScore",
    # retention models
]
