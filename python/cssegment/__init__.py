"""cssegment: customer-success analytics on a fast C++20 core.

Segment a book of accounts (tiers, quadrants, rules), plan coverage, and report transitions,
with pandas in and pandas out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import datasets, health, metrics, retention, segment
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
from .metrics import (
    RevenueLedger,
    cac,
    cac_payback,
    cltv,
    cltv_cac_ratio,
    crc,
    nps,
    nps_difference,
)
from .retention import ShiftedBetaGeometric
from .segment import (
    CadencePolicy,
    KMeans,
    OwnerAssignment,
    QuadrantModel,
    RuleModel,
    Segment,
    TierModel,
    assign_owners,
    coverage,
    transitions,
)

__all__ = [
    # errors and version
    "InvalidInputError",
    "NotFittedError",
    "__version__",
    # submodules
    "datasets",
    "health",
    "metrics",
    "retention",
    "segment",
    # segmentation
    "CadencePolicy",
    "KMeans",
    "OwnerAssignment",
    "QuadrantModel",
    "RuleModel",
    "Segment",
    "TierModel",
    "assign_owners",
    "coverage",
    "transitions",
    # metrics
    "RevenueLedger",
    "cac",
    "cac_payback",
    "cltv",
    "cltv_cac_ratio",
    "crc",
    "nps",
    "nps_difference",
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
    "ShiftedBetaGeometric",
]

if TYPE_CHECKING:  # type checkers see cssegment.plot; at run time it loads on first use
    from . import plot as plot


def __getattr__(name: str) -> Any:
    # cssegment.plot imports matplotlib, an optional extra: loaded on first use, not by import.
    if name == "plot":
        import importlib

        return importlib.import_module(".plot", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
