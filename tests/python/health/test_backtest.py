"""AUC, Brier score and backtests against scikit-learn and pandas."""

from __future__ import annotations

from collections.abc import Callable

import cssegment as cs
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import brier_score_loss, roc_auc_score

# ----------------------------------------------------------------------------------------------
# AUC, Brier and backtests


def test_health_auc_equals_scikit_learns_with_ties(rng: np.random.Generator) -> None:
    for n in (50, 20_000):
        health = np.round(rng.uniform(0, 100, n))  # a coarse grid: many ties
        churned = rng.uniform(0, 100, n) > health + rng.normal(0, 30, n)
        assert cs.health.health_auc(health, churned) == pytest.approx(roc_auc_score(churned, -health), abs=1e-12)
        assert cs.health.auc(churned, -health) == cs.health.health_auc(health, churned)


def test_auc_takes_scikit_learns_order_and_meaning(rng: np.random.Generator) -> None:
    for n in (50, 20_000):
        probability = rng.uniform(0, 1, n)
        churned = rng.uniform(0, 1, n) < probability
        assert cs.health.auc(churned, probability) == pytest.approx(roc_auc_score(churned, probability), abs=1e-12)
        tied = np.round(probability, 1)  # eleven distinct values: many ties
        assert cs.health.auc(churned, tied) == pytest.approx(roc_auc_score(churned, tied), abs=1e-12)
        assert cs.health.auc(churned.astype(int).tolist(), tied.tolist()) == cs.health.auc(churned, tied)
    assert cs.health.auc([1, 1, 0, 0], [0.9, 0.5, 0.5, 0.1]) == 0.875


def test_auc_in_the_old_health_first_order_is_an_error_not_one_minus_auc() -> None:
    with pytest.raises(cs.InvalidInputError, match=r"y_true: .*use cssegment\.health\.health_auc\(health, outcome\)"):
        cs.health.auc([10, 50, 50, 90], [True, True, False, False])
    # Its errors name its own arguments.
    with pytest.raises(cs.InvalidInputError, match=r"y_true\[1\] = 2: outcomes must be 0 or 1"):
        cs.health.auc([1, 2], [0.5, 0.7])
    with pytest.raises(cs.InvalidInputError, match=r"y_score\[0\] = nan: scores must be finite"):
        cs.health.auc([1, 0, 0], [np.nan, 0.2, 0.3])
    with pytest.raises(cs.InvalidInputError, match=r"outcome\[1\] = 2: outcomes must be 0 or 1"):
        cs.health.health_auc([1, 2], [1, 2])


def test_backtest_matches_pandas(book: pd.DataFrame, hand_set: Callable[[], cs.Scorecard]) -> None:
    card = cs.Scorecard(hand_set().measures, min_measures=5)
    result = card.backtest(book)
    scores = card.score(book)
    scored = scores["score"].notna()
    churned = book["churned"][scored]
    assert result.unscored == int((~scored).sum()) > 0
    assert result.accounts == int(scored.sum()) and result.churned == int(churned.sum())
    assert result.brier is None
    assert result.auc == pytest.approx(roc_auc_score(churned, -scores["score"][scored]), abs=1e-12)
    by_band = churned.groupby(scores["band"][scored], observed=False).agg(["size", "sum", "mean"])
    np.testing.assert_array_equal(result.bands["accounts"], by_band["size"])
    np.testing.assert_allclose(result.bands["churn_rate"], by_band["mean"])
    np.testing.assert_allclose(result.bands["lift"], by_band["mean"] / churned.mean())
    # Deciles by rank with ties kept together: decile d holds scores with d/10 .. (d+1)/10 of scores below.
    s = scores["score"][scored].to_numpy()
    below = np.searchsorted(np.sort(s), s, side="left")
    decile = np.floor(below * 10 / len(s)).astype(int) + 1
    expected = pd.Series(churned.to_numpy()).groupby(decile).agg(["size", "sum"]).reindex(range(1, 11), fill_value=0)
    np.testing.assert_array_equal(result.deciles["accounts"], expected["size"])
    np.testing.assert_array_equal(result.deciles["churned"], expected["sum"])
    assert result.deciles.index.name == "decile" and list(result.bands.index) == ["red", "yellow", "green"]
    assert "AUC" in result._repr_html_()


def test_calibrated_backtest_has_brier_and_beats_chance(
    book: pd.DataFrame, hand_set: Callable[[], cs.Scorecard]
) -> None:
    model = hand_set().calibrate(book, "churned", l2=1.0)
    result = model.backtest(book)
    p = model.predict_proba(book)
    assert result.brier == pytest.approx(brier_score_loss(book["churned"], p), abs=1e-12)
    assert result.auc == pytest.approx(roc_auc_score(book["churned"], p), abs=1e-12)
    assert result.auc > 0.6
    scores = model.score(book)
    np.testing.assert_allclose(scores["score"], 100 * (1 - p))
    assert cs.health.brier([0.9, 0.2], [1, 0]) == pytest.approx(0.025)
