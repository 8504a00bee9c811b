"""cssegment: customer-success analytics on a fast C++20 core.

Segment a book of accounts (tiers, quadrants, rules), plan coverage, and report transitions,
with pandas in and pandas out.

Examples
--------
>>> import cssegment as cs
>>> book = cs.datasets.synthetic_book(n_accounts=2000, seed=0)
>>> tiers = cs.TierModel.touch().assign(book.accounts)
>>> plan = cs.coverage(tiers, cs.TierModel.touch(), arr=book.accounts["arr"])
>>> list(plan.index)
['Tech touch', 'Low touch', 'High touch']
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import causal, datasets, health, metrics, segment, survival
from ._core import InvalidInputError, NotFittedError, __version__
from ._frame import set_output
from .causal import CoverageEffect, DensityTest, RDResult, coverage_effect, density_test, rd_estimate
from .health import (
    Backtest,
    Bands,
    Boolean,
    CalibratedScorecard,
    Category,
    LeadTime,
    Linear,
    Measure,
    Percentile,
    Scorecard,
    ScorecardClassifier,
    ScorecardSet,
    Trend,
    ZScore,
    backtest_lead,
    changes,
)
from .metrics import (
    RevenueLedger,
    book_metrics,
    cac,
    cac_payback,
    cltv,
    cltv_cac_ratio,
    crc,
    nps,
    nps_difference,
)
from .segment import (  # coverage planner
    CadencePolicy,
    CoveragePlan,
    KMeans,
    OwnerAssignment,
    QuadrantModel,
    RuleModel,
    Segment,
    TargetedCoverage,
    TierModel,
    assign_owners,
    coverage,
    plan_coverage,
    transitions,
)
from .survival import ShiftedBetaGeometric

# The errors are defined by the C++ extension; their examples live here, with the Python API.
InvalidInputError.__doc__ = f"""{InvalidInputError.__doc__}

A ``ValueError``: ``except ValueError`` catches it too.

Examples
--------
>>> import cssegment as cs
>>> try:
...     cs.TierModel.touch().assign([5_000, -1.0])
... except cs.InvalidInputError as error:
...     print(error)
arr[1] = -1: values must be finite and >= 0
"""
NotFittedError.__doc__ = f"""{NotFittedError.__doc__}

Both a ``ValueError`` and an ``AttributeError``, as scikit-learn's: ``except ValueError`` catches
it, and ``hasattr`` on a fitted attribute is False before ``fit()``.

Examples
--------
>>> import cssegment as cs
>>> try:
...     cs.KMeans(2).predict([[1.0, 2.0]])
... except cs.NotFittedError as error:
...     print(error)
KMeans: call fit() before using the model
>>> hasattr(cs.KMeans(2), "inertia_")
False
"""

__all__ = [
    # errors and version
    "InvalidInputError",
    "NotFittedError",
    "__version__",
    # results as pandas or polars tables
    "set_output",
    # submodules
    "causal",
    "datasets",
    "health",
    "metrics",
    "segment",
    "survival",
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
    # coverage planner
    "CoveragePlan",
    "TargetedCoverage",
    "plan_coverage",
    # metrics
    "RevenueLedger",
    "book_metrics",
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
    "Category",
    "CalibratedScorecard",
    "Linear",
    "Measure",
    "Percentile",
    "Scorecard",
    "ScorecardClassifier",
    "ScorecardSet",
    "Trend",
    "ZScore",
    # health over time
    "LeadTime",
    "backtest_lead",
    "changes",
    # survival models
    "ShiftedBetaGeometric",
    # coverage effects (regression discontinuity, density test)
    "RDResult",
    "rd_estimate",
    "DensityTest",
    "density_test",
    "CoverageEffect",
    "coverage_effect",
    # the C++ package inside the wheel
    "get_include",
    "get_cmake_dir",
]


def _packaged(*parts: str) -> str:
    path = Path(__file__).resolve().parent.joinpath(*parts)
    if not path.is_dir():
        raise FileNotFoundError(
            f"{path} does not exist: the C++ package is installed with the Python package by pip "
            "(pip install cssegment, or pip install . from a clone), not in a source checkout"
        )
    return str(path)


def get_include() -> str:
    """The directory of cssegment's C++ headers inside the installed package.

    For a compiler flag: ``-I`` this directory, then ``#include <cssegment/cssegment.hpp>``. The
    headers also need Eigen and nlohmann/json (``pip install 'cssegment[cpp]'`` provides both).

    Returns
    -------
    str
        ``<site-packages>/cssegment/include``.

    Raises
    ------
    FileNotFoundError
        When cssegment runs from a source checkout (``PYTHONPATH=python``), which has no C++ package.

    Examples
    --------
    >>> import pathlib
    >>> import cssegment as cs
    >>> (pathlib.Path(cs.get_include()) / "cssegment" / "cssegment.hpp").is_file()
    True
    """
    return _packaged("include")


def get_cmake_dir() -> str:
    """The directory of cssegment's CMake package (``cssegmentConfig.cmake``) inside the installed package.

    ``cmake -Dcssegment_DIR=<this directory>`` (or ``CMAKE_PREFIX_PATH``) lets
    ``find_package(cssegment CONFIG REQUIRED)`` find it; scikit-build-core projects find it without
    either (the ``cmake.prefix`` entry point). ``share/pkgconfig`` beside it holds ``cssegment.pc``.

    Returns
    -------
    str
        ``<site-packages>/cssegment/share/cmake/cssegment``.

    Raises
    ------
    FileNotFoundError
        When cssegment runs from a source checkout (``PYTHONPATH=python``), which has no C++ package.

    Examples
    --------
    >>> import pathlib
    >>> import cssegment as cs
    >>> (pathlib.Path(cs.get_cmake_dir()) / "cssegmentConfig.cmake").is_file()
    True
    """
    return _packaged("share", "cmake", "cssegment")


if TYPE_CHECKING:  # type checkers see cssegment.plot and .retention; at run time they load on first use
    from . import plot as plot
    from . import retention as retention


def __getattr__(name: str) -> Any:
    # cssegment.plot imports matplotlib, an optional extra: loaded on first use, not by import.
    # cssegment.retention is a deprecated alias module that warns on import: loaded on first use too.
    if name in ("plot", "retention"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
