"""Calibration: learn a scorecard's weights from what really happened.

Mirrors ``include/cssegment/health/calibrate.hpp``.

Examples
--------
>>> import cssegment as cs
>>> book = cs.datasets.synthetic_book(2000, seed=1).accounts
>>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(0, 100))])
>>> model = card.calibrate(book, "churned")
>>> type(model) is cs.health.calibrate.CalibratedScorecard
True
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import pandas as pd

from .. import _core, _display, _frame
from .._model import Model
from .backtest import Backtest, backtest_scores
from .scorecard import Scorecard, index_of, measure_columns, outcome_values

if TYPE_CHECKING:
    import polars as pl

__all__ = ["CalibratedScorecard"]


class CalibratedScorecard(Model):
    """A scorecard whose weights were learned by :meth:`Scorecard.calibrate`.

    ``coef_`` (per measure, on the 0-1 scale of x = transform / 100) and ``intercept_`` give the
    churn log-odds; a healthy measure should have a negative coefficient. Its health score is
    ``100 * (1 - churn probability)``, banded with the scorecard's bands.

    Examples
    --------
    >>> import cssegment as cs
    >>> book = cs.datasets.synthetic_book(2000, seed=1).accounts
    >>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(0, 100)),
    ...                      cs.Measure("tickets_90d", cs.Linear(10, 0))])
    >>> model = card.calibrate(book, "churned")
    >>> model.score(book).head(3).round(2)
       score    band  churn_probability
    0  84.14   green               0.16
    1  72.78  yellow               0.27
    2  87.99   green               0.12
    """

    _core_type = _core.health.calibrated_scorecard
    _model: _core.health.calibrated_scorecard

    def __init__(self) -> None:
        raise TypeError("CalibratedScorecard is made by Scorecard.calibrate(data, outcome, l2)")

    @property
    def scorecard(self) -> Scorecard:
        """The scorecard calibrated (its hand-set weights unchanged).

        Examples
        --------
        >>> import cssegment as cs
        >>> book = cs.datasets.synthetic_book(2000, seed=1).accounts
        >>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(0, 100)),
        ...                      cs.Measure("tickets_90d", cs.Linear(10, 0))])
        >>> model = card.calibrate(book, "churned")
        >>> model.scorecard == card
        True
        """
        return Scorecard._wrap(self._model.scorecard)

    def _names(self) -> pd.Index:
        return pd.Index([column for column, _, _ in self._model.scorecard.measures], name="measure")

    @property
    def coef_(self) -> pd.Series:
        """Churn log-odds per unit of each normalised measure / 100.

        Negative: the healthier the measure, the less churn.

        Examples
        --------
        >>> import cssegment as cs
        >>> book = cs.datasets.synthetic_book(2000, seed=1).accounts
        >>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(0, 100)),
        ...                      cs.Measure("tickets_90d", cs.Linear(10, 0))])
        >>> model = card.calibrate(book, "churned")
        >>> model.coef_.round(3)
        measure
        seats_used_pct   -3.261
        tickets_90d      -1.031
        Name: coef, dtype: float64
        """
        return pd.Series(self._model.coef, index=self._names(), name="coef")

    @property
    def intercept_(self) -> float:
        """Churn log-odds when every normalised measure is 0.

        Examples
        --------
        >>> import cssegment as cs
        >>> book = cs.datasets.synthetic_book(2000, seed=1).accounts
        >>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(0, 100)),
        ...                      cs.Measure("tickets_90d", cs.Linear(10, 0))])
        >>> model = card.calibrate(book, "churned")
        >>> round(model.intercept_, 3)
        1.856
        """
        return float(self._model.intercept)

    @property
    def means_(self) -> pd.Series:
        """Mean of each normalised measure / 100 in the calibration data: the imputed value.

        Examples
        --------
        >>> import cssegment as cs
        >>> book = cs.datasets.synthetic_book(2000, seed=1).accounts
        >>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(0, 100)),
        ...                      cs.Measure("tickets_90d", cs.Linear(10, 0))])
        >>> model = card.calibrate(book, "churned")
        >>> model.means_.round(3).tolist()
        [0.66, 0.766]
        """
        return pd.Series(self._model.means, index=self._names(), name="mean")

    @property
    def n_iter_(self) -> int:
        """Newton iterations the fit took.

        Examples
        --------
        >>> import cssegment as cs
        >>> book = cs.datasets.synthetic_book(2000, seed=1).accounts
        >>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(0, 100)),
        ...                      cs.Measure("tickets_90d", cs.Linear(10, 0))])
        >>> model = card.calibrate(book, "churned")
        >>> model.n_iter_
        5
        """
        return int(self._model.iterations)

    @property
    def l2(self) -> float:
        """The L2 penalty the weights were learned with.

        Examples
        --------
        >>> import cssegment as cs
        >>> book = cs.datasets.synthetic_book(2000, seed=1).accounts
        >>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(0, 100)),
        ...                      cs.Measure("tickets_90d", cs.Linear(10, 0))])
        >>> model = card.calibrate(book, "churned")
        >>> model.l2
        1.0
        """
        return float(self._model.l2)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {"scorecard": self.scorecard, "l2": self.l2}

    def _repr_fields(self) -> Mapping[str, Any]:
        coef = {name: float(f"{c:.4g}") for name, c in self.coef_.items()}
        return {"coef": coef, "intercept": float(f"{self.intercept_:.4g}"), "l2": self.l2}

    def _html_sections(self) -> list[str]:
        learned = pd.DataFrame({"coef": self.coef_, "mean": self.means_})
        fit = _display.table([("intercept_", self.intercept_), ("n_iter_", self.n_iter_), ("l2", self.l2)])
        return [_display.frame(learned, caption="coef_ (churn log-odds per unit of x)"), fit]

    @_frame.reads_columns
    def predict_proba(self, data: _frame.Frame, *, output: _frame.Output = None) -> pd.Series:
        """Churn probability of every account.

        Parameters
        ----------
        data : pandas.DataFrame or mapping of columns
            Every measure's column; missing measures are imputed with :attr:`means_`.
        output : {"pandas", "polars"}, optional
            The kind of table returned (None: the :func:`cssegment.set_output` default, pandas).

        Returns
        -------
        pandas.Series
            ``churn_probability``, aligned with ``data``.

        Examples
        --------
        >>> import cssegment as cs
        >>> book = cs.datasets.synthetic_book(2000, seed=1).accounts
        >>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(0, 100)),
        ...                      cs.Measure("tickets_90d", cs.Linear(10, 0))])
        >>> model = card.calibrate(book, "churned")
        >>> model.predict_proba({"seats_used_pct": [10, 90], "tickets_90d": [8, 0]}).round(3).tolist()
        [0.79, 0.108]
        """
        columns, rows = measure_columns(data, self._model.scorecard)
        probability = self._model.predict_proba(columns, rows)
        return _frame.output(pd.Series(probability, index=index_of(data), name="churn_probability"), output)

    @overload
    def score(self, data: _frame.Frame, *, output: _frame.PolarsOutput) -> pl.DataFrame: ...
    @overload
    def score(self, data: _frame.Frame, *, output: _frame.PandasOutput = None) -> pd.DataFrame: ...
    @_frame.reads_columns
    def score(self, data: _frame.Frame, *, output: _frame.Output = None) -> pd.DataFrame | pl.DataFrame:
        """Health as ``score`` = 100 * (1 - churn probability), its ``band`` and the probability.

        Parameters
        ----------
        data : pandas.DataFrame or mapping of columns
            Every measure's column.
        output : {"pandas", "polars"}, optional
            The kind of table returned (None: the :func:`cssegment.set_output` default, pandas).

        Returns
        -------
        pandas.DataFrame
            ``score``, ``band`` and ``churn_probability``, aligned with ``data``.

        Examples
        --------
        >>> import cssegment as cs
        >>> book = cs.datasets.synthetic_book(2000, seed=1).accounts
        >>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(0, 100)),
        ...                      cs.Measure("tickets_90d", cs.Linear(10, 0))])
        >>> model = card.calibrate(book, "churned")
        >>> model.score({"seats_used_pct": [90], "tickets_90d": [0]}).round(1)
           score   band  churn_probability
        0   89.2  green                0.1
        """
        probability = self.predict_proba(data, output="pandas")
        score = 100.0 * (1.0 - probability.to_numpy())
        lowers = self._model.scorecard.band_lowers
        codes = (np.searchsorted(lowers, score, side="right") - 1).astype(np.int8)
        table = pd.DataFrame(
            {
                "score": score,
                "band": _frame.categorical(codes, self._model.scorecard.band_names),
                "churn_probability": probability.to_numpy(),
            },
            index=probability.index,
        )
        return _frame.output(table, output)

    def as_scorecard(self) -> Scorecard:
        """The scorecard with the learned weights (-coef).

        A measure whose coefficient says it does not lower churn as it improves (coefficient >= 0)
        contradicts its direction: it gets weight 0 and a ``UserWarning``. The C++ core sets the
        weights; when every coefficient is >= 0 it raises InvalidInputError.

        Returns
        -------
        Scorecard
            The scorecard with weights max(0, -coef).

        Examples
        --------
        >>> import cssegment as cs
        >>> book = cs.datasets.synthetic_book(2000, seed=1).accounts
        >>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(0, 100)),
        ...                      cs.Measure("tickets_90d", cs.Linear(10, 0))])
        >>> model = card.calibrate(book, "churned")
        >>> [round(measure.weight, 2) for measure in model.as_scorecard().measures]
        [3.26, 1.03]
        """
        # The core decides the weights (max(0, -coef), calibrate.hpp); Python only warns about them.
        learned = Scorecard._wrap(self._model.as_scorecard())
        zeroed = [measure.column for measure in learned.measures if measure.weight == 0.0]
        if zeroed:
            warnings.warn(
                f"measure(s) {zeroed} have a churn coefficient >= 0 (healthier values did not go with less churn); "
                "their weight is set to 0",
                UserWarning,
                stacklevel=2,
            )
        return learned

    @_frame.reads_columns
    def backtest(
        self,
        data: _frame.Frame,
        outcome: str | _frame.ArrayLike = "churned",
        *,
        positive: str | None = None,
        output: _frame.Output = None,
    ) -> Backtest:
        """AUC, Brier score, and churn rate and lift by decile and band of ``100 * (1 - p)``.

        Parameters
        ----------
        data : pandas.DataFrame or mapping of columns
            Every measure's column.
        outcome : str or array-like
            Column of ``data``, or values aligned with it: 1 (or True) = churned; or labels, with
            ``positive`` the label of churned.
        positive : str, optional
            For an outcome given as labels (``"Yes"``/``"No"``): the label that means churned.
        output : {"pandas", "polars"}, optional
            The kind of table returned (None: the :func:`cssegment.set_output` default, pandas).

        Returns
        -------
        Backtest
            With ``brier``, since the score is a probability.

        Examples
        --------
        >>> import cssegment as cs
        >>> book = cs.datasets.synthetic_book(2000, seed=1).accounts
        >>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(0, 100)),
        ...                      cs.Measure("tickets_90d", cs.Linear(10, 0))])
        >>> model = card.calibrate(book, "churned")
        >>> result = model.backtest(book, "churned")
        >>> round(result.auc, 3), round(result.brier, 4)
        (0.729, 0.1742)
        """
        scores = self.score(data, output="pandas")
        values = outcome_values(data, outcome, len(scores), positive)
        brier_score = _core.health.brier(scores["churn_probability"].to_numpy(), values)
        band = np.asarray(scores["band"].cat.codes, dtype=np.int8)
        result = backtest_scores(
            scores["score"].to_numpy(), band, self._model.scorecard.band_names, values, brier_score
        )
        return _frame.output(result, output)
