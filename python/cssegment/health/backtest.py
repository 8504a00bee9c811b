"""Backtests: how well a health score would have predicted churn, and the metrics of scores.

Mirrors ``include/cssegment/health/backtest.hpp``; the AUC itself is in
``cssegment/health/auc.py``.

Examples
--------
>>> import cssegment as cs
>>> round(cs.health.backtest.brier([0.9, 0.2], [1, 0]), 3)
0.025
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import _core, _display, _frame

__all__ = ["Backtest", "brier"]  # and backtest_scores, backtest_of: package-internal


@dataclasses.dataclass(frozen=True, repr=False)
class Backtest(_display.Summarized):
    """How well a health score would have predicted churn.

    ``auc`` is the probability that an account that churned scored lower than one that stayed
    (ties count half; 0.5 is no better than chance): :func:`~cssegment.health.health_auc` of the scores. ``brier``
    is the mean squared error of the churn probabilities (calibrated scorecards only). ``deciles``
    (1 = least healthy) and ``bands`` hold accounts, churned, churn_rate, lift (churn rate /
    overall churn rate) and the score range.
    Accounts without a score are left out of every figure and counted in ``unscored``.

    Attributes
    ----------
    auc : float
        Probability that a churned account scored lower than a retained one.
    brier : float or None
        Mean squared error of the churn probabilities (None for hand-set scores).
    accounts, churned, unscored : int
        Scored accounts, those of them that churned, and accounts without a score.
    deciles, bands : pandas.DataFrame
        ``accounts``, ``churned``, ``churn_rate``, ``lift``, ``min_score``, ``max_score`` by
        score decile (1 = least healthy) and by band.

    Examples
    --------
    >>> import cssegment as cs
    >>> book = cs.datasets.synthetic_book(2000, seed=1).accounts
    >>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(0, 100))])
    >>> result = card.backtest(book, "churned")
    >>> round(result.auc, 3), result.accounts, result.unscored
    (0.725, 2000, 0)
    >>> result.bands[["accounts", "churn_rate", "lift"]].round(2)
            accounts  churn_rate  lift
    band
    red          465        0.49  1.80
    yellow       739        0.31  1.11
    green        796        0.12  0.43
    """

    auc: float
    brier: float | None
    accounts: int
    churned: int
    unscored: int
    deciles: pd.DataFrame
    bands: pd.DataFrame

    @property
    def churn_rate(self) -> float:
        """Share of the scored accounts that churned.

        Examples
        --------
        >>> import cssegment as cs
        >>> card = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20))])
        >>> card.backtest({"logins": [1, 5, 12, 18], "churned": [1, 1, 0, 0]}).churn_rate
        0.5
        """
        return self.churned / self.accounts

    def _summary(self) -> str:
        brier = "" if self.brier is None else f", Brier {self.brier:.4f}"
        return (
            f"AUC {self.auc:.4f}{brier}, {self.accounts:,} accounts, churn rate {self.churn_rate:.1%}, "
            f"{self.unscored:,} unscored"
        )

    def _tables(self) -> list[str]:
        figures = _display.table(
            [
                ("auc", self.auc),
                ("brier", "" if self.brier is None else self.brier),
                ("accounts", self.accounts),
                ("churned", self.churned),
                ("churn_rate", self.churn_rate),
                ("unscored", self.unscored),
            ]
        )
        bands = _display.frame(self.bands, caption="churn by band")
        deciles = _display.frame(self.deciles, caption="churn by decile (1 = least healthy)")
        return [figures, bands, deciles]


def _churn_table(groups: _core.health._ChurnGroups, index: pd.Index, churn_rate: float) -> pd.DataFrame:
    accounts = groups["accounts"].astype(np.int64)
    churned = groups["churned"].astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(accounts > 0, churned / np.maximum(accounts, 1), np.nan)
    return pd.DataFrame(
        {
            "accounts": accounts,
            "churned": churned,
            "churn_rate": rate,
            "lift": rate / churn_rate,
            "min_score": groups["min_score"],
            "max_score": groups["max_score"],
        },
        index=index,
    )


@_frame.accepts_frames
def backtest_scores(
    score: np.ndarray, band: np.ndarray, band_names: Sequence[str], outcome: np.ndarray, brier: float | None
) -> Backtest:
    return backtest_of(_core.health.backtest(score, band, len(band_names), outcome), band_names, brier)


def backtest_of(result: _core.health._Backtest, band_names: Sequence[str], brier: float | None) -> Backtest:
    """The Backtest of a core backtest result."""
    rate = result["churned"] / result["accounts"]
    return Backtest(
        auc=float(result["auc"]),
        brier=brier,
        accounts=int(result["accounts"]),
        churned=int(result["churned"]),
        unscored=int(result["unscored"]),
        deciles=_churn_table(result["deciles"], pd.RangeIndex(1, 11, name="decile"), rate),
        bands=_churn_table(result["bands"], pd.Index(list(band_names), name="band"), rate),
    )


@_frame.accepts_frames
def brier(probability: _frame.ArrayLike, outcome: _frame.ArrayLike) -> float:
    """Brier score: the mean of (p - y)^2 over accounts.

    Parameters
    ----------
    probability : array-like of float
        Predicted churn probabilities, in [0, 1].
    outcome : array-like
        1 (or True) = churned, 0 = retained.

    Returns
    -------
    float
        0 is perfect; always predicting 0.5 scores 0.25.

    Examples
    --------
    >>> import cssegment as cs
    >>> round(cs.health.brier([0.9, 0.2], [1, 0]), 3)
    0.025
    """
    return float(_core.health.brier(_frame.numeric(probability, "probability"), _frame.numeric(outcome, "outcome")))
