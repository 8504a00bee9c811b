"""Calibration against scikit-learn, and the outcomes it refuses."""

from __future__ import annotations

from collections.abc import Callable

import cssegment as cs
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression


def test_bad_outcomes_and_penalties_are_refused(book: pd.DataFrame, hand_set: Callable[[], cs.Scorecard]) -> None:
    card = hand_set()
    with pytest.raises(cs.InvalidInputError, match=r"outcome\[1\] = 2: outcomes must be 0 or 1"):
        card.calibrate(book, outcome=np.r_[0, 2, np.zeros(len(book) - 2)])
    with pytest.raises(cs.InvalidInputError, match="outcome: has only 0s"):
        card.calibrate(book, outcome=np.zeros(len(book)))
    with pytest.raises(cs.InvalidInputError, match="l2: -1 must be finite and >= 0"):
        card.calibrate(book, l2=-1)
    with pytest.raises(cs.InvalidInputError, match="outcome: has length 3"):
        card.calibrate(book, outcome=[0, 1, 0])
    with pytest.raises(cs.InvalidInputError, match=r"outcome\[0\] = nan"):
        card.backtest(book, outcome=np.full(len(book), np.nan))
    thin = cs.Scorecard(card.measures, min_measures=5)
    with pytest.raises(cs.InvalidInputError, match="health: no account has a score"):
        thin.backtest(book.assign(nps=np.nan))


def test_separable_outcomes_without_penalty_are_a_clear_error() -> None:
    data = pd.DataFrame({"usage": np.linspace(0, 100, 200)})
    churned = data["usage"] < 40  # low usage always churns: perfectly separable
    card = cs.Scorecard([cs.Measure("usage", cs.Linear(0, 100))])
    with pytest.raises(cs.InvalidInputError, match="l2: 0 leaves the fit without an optimum"):
        card.calibrate(data, churned, l2=0)
    assert card.calibrate(data, churned, l2=1.0).coef_["usage"] < 0


# ----------------------------------------------------------------------------------------------
# Calibration against scikit-learn


def sklearn_features(card: cs.Scorecard, data: pd.DataFrame) -> np.ndarray:
    x = card.transform(data) / 100
    return x.fillna(x.mean()).to_numpy()


@pytest.mark.parametrize("l2", [0.01, 1.0, 30.0])
def test_calibration_reaches_scikit_learns_optimum(
    book: pd.DataFrame, l2: float, hand_set: Callable[[], cs.Scorecard]
) -> None:
    card = hand_set()
    model = card.calibrate(book, "churned", l2=l2)
    x, y = sklearn_features(card, book), book["churned"].to_numpy()
    oracle = LogisticRegression(C=1 / l2, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(x, y)
    np.testing.assert_allclose(model.coef_.to_numpy(), oracle.coef_[0], rtol=0, atol=1e-6)
    assert abs(model.intercept_ - oracle.intercept_[0]) < 1e-6
    np.testing.assert_allclose(model.predict_proba(book), oracle.predict_proba(x)[:, 1], atol=1e-7)
    np.testing.assert_allclose(model.means_, np.nanmean(card.transform(book) / 100, axis=0))
    assert list(model.coef_.index) == [m.column for m in card.measures]


def test_calibration_without_penalty_matches_an_unpenalised_fit(
    book: pd.DataFrame, hand_set: Callable[[], cs.Scorecard]
) -> None:
    card = hand_set()
    model = card.calibrate(book, "churned", l2=0)
    x, y = sklearn_features(card, book), book["churned"].to_numpy()
    oracle = LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(x, y)
    np.testing.assert_allclose(model.coef_.to_numpy(), oracle.coef_[0], rtol=0, atol=1e-6)


def test_as_scorecard_uses_learned_weights_and_warns_on_wrong_signs(book: pd.DataFrame) -> None:
    card = cs.Scorecard(
        [
            cs.Measure("seats_used_pct", cs.Linear(0, 100)),
            cs.Measure("tickets_90d", cs.Linear(0, 10)),  # wrong direction on purpose: more tickets "healthier"
        ]
    )
    model = card.calibrate(book, "churned", l2=1.0)
    assert model.coef_["seats_used_pct"] < 0 < model.coef_["tickets_90d"]
    with pytest.warns(UserWarning, match=r"\['tickets_90d'\] have a churn coefficient >= 0"):
        learned = model.as_scorecard()
    weights = {m.column: m.weight for m in learned.measures}
    assert weights == {"seats_used_pct": -model.coef_["seats_used_pct"], "tickets_90d": 0.0}
    assert model.scorecard == card  # the hand-set one is unchanged
