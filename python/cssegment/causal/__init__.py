"""Does coverage work? Regression discontinuity at tier thresholds.

An account just above a tier's lower edge gets the tier's coverage and one just below does not:
comparing outcomes on either side of the threshold estimates what the coverage did, for the
accounts at the threshold. The estimates and inference follow rdrobust (Calonico, Cattaneo,
Farrell and Titiunik) and the manipulation test follows rddensity (Cattaneo, Jansson and Ma).

Examples
--------
>>> import numpy as np
>>> import cssegment as cs
>>> rng = np.random.default_rng(3)
>>> arr = rng.uniform(20_000, 80_000, 4_000)
>>> churned = 0.3 - 0.1 * (arr >= 50_000) + rng.normal(0, 0.05, 4_000)
>>> effect = cs.causal.rd_estimate(churned, arr, cutoff=50_000)
>>> bool(effect.ci_robust[0] < -0.1 < effect.ci_robust[1])
True
"""

from __future__ import annotations

from .rd import RDResult, rd_estimate

__all__ = ["RDResult", "rd_estimate"]
