"""Does coverage work? Regression discontinuity at tier thresholds.

An account just above a tier's lower edge gets the tier's coverage and one just below does not:
comparing outcomes on either side of the threshold estimates what the coverage did, for the
accounts at the threshold. The estimates and inference follow rdrobust (Calonico, Cattaneo,
Farrell and Titiunik) and the manipulation test follows rddensity (Cattaneo, Jansson and Ma).

Examples
--------
>>> import cssegment as cs
>>> book = cs.datasets.synthetic_book(n_accounts=20_000, seed=1)
>>> first_arr = 12 * book.revenue.groupby("account_id")["mrr"].first()  # the ARR each account was tiered on
>>> bool(cs.causal.density_test(first_arr, cutoff=50_000).p_value > 0.05)  # no bunching at the threshold
True
>>> import numpy as np
>>> rng = np.random.default_rng(3)
>>> arr = rng.uniform(20_000, 80_000, 4_000)
>>> churned = 0.3 - 0.1 * (arr >= 50_000) + rng.normal(0, 0.05, 4_000)
>>> effect = cs.causal.rd_estimate(churned, arr, cutoff=50_000)
>>> bool(effect.ci_robust[0] < -0.1 < effect.ci_robust[1])
True
"""

from __future__ import annotations

from .coverage import CoverageEffect, coverage_effect
from .density import DensityTest, density_test
from .rd import RDResult, rd_estimate

__all__ = ["CoverageEffect", "DensityTest", "RDResult", "coverage_effect", "density_test", "rd_estimate"]
