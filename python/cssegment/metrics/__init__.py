"""Revenue and value metrics: the revenue ledger, movements, NRR / GRR / logo retention, cohorts,
CLTV / CRC / CAC and NPS with its uncertainty.

Definitions follow the metric definitions in the user guide (``docs/guide/metrics.md``) exactly.
Every total is the exact sum of its amounts rounded to float64 once (equal to ``math.fsum`` of
them), so results do not depend on the row order, the thread count or on how the accounts were
split (see :mod:`cssegment.dask`).

The modules mirror the C++ core: ``ledger_input`` (period kinds and keys, account keys, ``by``
segments; package-internal), ``ledger`` (the ledger and its metrics), ``value`` (unit economics)
and ``nps``.

Examples
--------
>>> import cssegment as cs
>>> book = cs.datasets.synthetic_book(1000, seed=3)
>>> nrr = cs.RevenueLedger(book.revenue).retention(horizon=12)["nrr"]
>>> bool(nrr.between(0.5, 1.5).all())
True
"""

from __future__ import annotations

from .book_metrics import book_metrics
from .ledger import RevenueLedger
from .nps import nps, nps_difference
from .value import cac, cac_payback, cltv, cltv_cac_ratio, crc

__all__ = [
    "RevenueLedger",
    "book_metrics",
    "cac",
    "cac_payback",
    "cltv",
    "cltv_cac_ratio",
    "crc",
    "nps",
    "nps_difference",
]
