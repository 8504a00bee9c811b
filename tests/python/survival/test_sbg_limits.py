"""Issue 21: sBG curves in constant time per period, and fits that say what the data identify."""

from __future__ import annotations

import cssegment as cs
import numpy as np
import pandas as pd
import pytest


def test_survival_far_out_is_the_closed_form() -> None:
    # alpha = beta = 1: S(t) = 1 / (t + 1); the probe's survival(1e15) never returned.
    uniform = cs.ShiftedBetaGeometric(alpha=1.0, beta=1.0)
    assert uniform.survival(1e15) == pytest.approx(1 / (1e15 + 1), rel=1e-12)
    assert uniform.churn_probability(1e15) == pytest.approx(1 / (1e15 * (1e15 + 1)), rel=1e-9)
    probe = cs.ShiftedBetaGeometric(alpha=0.7, beta=1.2)
    assert 0 < probe.survival(1e15) < probe.survival(1e9) < probe.survival(1e3)


def test_project_matches_the_product_of_retention_rates() -> None:
    model = cs.ShiftedBetaGeometric(alpha=0.7, beta=1.2)
    plan = model.project(5000)
    t = np.arange(1, 5001, dtype=float)
    product = np.concatenate([[1.0], np.cumprod((1.2 + t - 1) / (0.7 + 1.2 + t - 1))])
    np.testing.assert_allclose(plan["survival"], product, rtol=1e-11)
    np.testing.assert_allclose(model.survival(np.arange(5001)), product, rtol=1e-11)
    np.testing.assert_allclose(plan["churn_probability"].iloc[1:], product[:-1] - product[1:], rtol=1e-9)


@pytest.mark.parametrize(
    ("counts", "rate"), [([100, 100, 100, 100], 0.0), ([100, 0, 0], 1.0), ([1000, 900, 810, 729, 656.1], 0.1)]
)
def test_a_cohort_at_the_constant_churn_limit_is_flagged(counts: list[float], rate: float) -> None:
    model = cs.ShiftedBetaGeometric().fit(counts)
    assert model.constant_churn_ == pytest.approx(rate, abs=1e-5)
    fits = cs.ShiftedBetaGeometric.fit_many([counts, [1000, 631, 468, 382, 326, 289, 262, 241]])
    assert fits["converged"].tolist() == [True, True]
    assert fits["boundary"].tolist() == [True, False]
    assert fits["constant_churn"].iloc[0] == pytest.approx(rate, abs=1e-5)
    assert np.isnan(fits["constant_churn"].iloc[1])
    assert np.isnan(cs.ShiftedBetaGeometric().fit([1000, 631, 468, 382]).constant_churn_)


def test_fit_many_leaves_small_cohorts_unfitted() -> None:
    survivors = pd.DataFrame([[1000, 631, 468], [5, 4, 4], [np.nan, np.nan, np.nan]], index=["a", "b", "c"])
    fits = cs.ShiftedBetaGeometric.fit_many(survivors, min_accounts=10)
    assert fits["periods"].tolist() == [2, 0, 0]
    assert np.isnan(fits.loc["b", "alpha"]) and not fits.loc["b", "converged"]
    assert fits.loc["a", "alpha"] == cs.ShiftedBetaGeometric.fit_many(survivors.iloc[:1]).loc["a", "alpha"]
    with pytest.raises(cs.InvalidInputError, match=r"min_accounts: -1\.0 must be finite and >= 0"):
        cs.ShiftedBetaGeometric.fit_many(survivors, min_accounts=-1)
