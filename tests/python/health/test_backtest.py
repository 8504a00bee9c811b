"""Brier score and backtests against scikit-learn and pandas (the AUC: test_auc.py)."""

from __future__ import annotations

from collections.abc import Callable

import cssegment as cs
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import brier_score_loss, roc_auc_score

# ----------------------------------------------------------------------------------------------
# Brier and backtests


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
