"""Retention models: the shifted-beta-geometric (sBG) model of Fader & Hardie.

Customers of a cohort churn at the end of each period with their own probability, which varies
across customers as a Beta(alpha, beta) distribution. Retention therefore rises with tenure, and
lifetime value is higher than the constant-churn formula says: ignoring heterogeneity undervalues
the customers who stay.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

import numpy as np
import pandas as pd

from . import _core, _display, _frame, _progress
from ._core import InvalidInputError
from ._model import Model

__all__ = ["ShiftedBetaGeometric"]

Periods = float | int | np.ndarray | pd.Series | Sequence[float]


@overload
def _apply(values: float | int, fn: Any, *args: Any, argument: str = "t") -> float: ...
@overload
def _apply(
    values: np.ndarray | pd.Series | Sequence[float], fn: Any, *args: Any, argument: str = "t"
) -> np.ndarray | pd.Series: ...
def _apply(values: Periods, fn: Any, *args: Any, argument: str = "t") -> float | np.ndarray | pd.Series:
    """fn over scalars (a float back), arrays (an array) or Series (a Series with the same index)."""
    if isinstance(values, pd.Series):
        return pd.Series(np.asarray(fn(_frame.numeric(values, argument), *args)), index=values.index, name=values.name)
    if _frame.as_array(values, argument).ndim == 0:
        return float(fn(_frame.number(values, argument), *args))
    return np.asarray(fn(_frame.numeric(values, argument), *args))  # type: ignore[arg-type]


# Cohorts per call with a progress bar: enough that a call's fixed cost does not show.
_MIN_BATCH = 256


def _fit_batches(matrix: np.ndarray, min_counts: int) -> dict[str, np.ndarray]:
    """fit_sbg_many over batches of cohorts with a progress bar: cohorts are fitted one by one,
    so the batches give the result of one call."""
    with _progress.bar(len(matrix), "sBG fits", unit="cohort") as bar:
        parts = []
        for begin, end in _progress.batches(len(matrix), min_size=_MIN_BATCH):
            try:
                parts.append(_core.fit_sbg_many(matrix[begin:end], min_counts))
            except InvalidInputError:
                # Messages name the row within the batch: one call over every row so far names it
                # as without batches (the rows before this batch are fine).
                _core.fit_sbg_many(matrix[:end], min_counts)
                raise
            bar.update(end - begin)
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


class ShiftedBetaGeometric(Model):
    """The shifted-beta-geometric retention model, fitted by maximum likelihood on survivor counts.

    ``alive[t]`` customers of a cohort are still active at the start of period ``t``
    (``alive[0]`` is the cohort size). Give ``alpha`` and ``beta`` to use known parameters instead
    of fitting them.

    Fitted attributes: ``alpha_``, ``beta_``, ``log_likelihood_`` (NaN for given parameters),
    ``n_periods_`` (periods observed).

    Examples
    --------
    >>> import cssegment as cs
    >>> model = cs.ShiftedBetaGeometric().fit([1000, 631, 468, 382, 326, 289, 262, 241])
    >>> round(model.alpha_, 3), round(model.beta_, 3)
    (0.704, 1.182)
    >>> model.retention_rate([1, 2, 5, 10]).round(3).tolist()  # rises with tenure
    [0.627, 0.756, 0.88, 0.935]
    >>> round(model.del_(0.10), 2)  # discounted expected lifetime in periods at 10%
    3.69
    """

    _core_type = _core.ShiftedBetaGeometric

    def __init__(self, alpha: float | None = None, beta: float | None = None) -> None:
        if (alpha is None) != (beta is None):
            raise InvalidInputError("alpha, beta: give both parameters, or neither (then call fit)")
        if alpha is None or beta is None:
            self._model = _core.ShiftedBetaGeometric()
        else:
            self._model = _core.ShiftedBetaGeometric(_frame.number(alpha, "alpha"), _frame.number(beta, "beta"))

    def get_params(self) -> dict[str, Any]:
        fitted = self._model.fitted
        return {"alpha": self._model.alpha if fitted else None, "beta": self._model.beta if fitted else None}

    def _html_sections(self) -> list[str]:
        model = self._model
        if not model.fitted:
            return ["<p>Not fitted.</p>"]
        rows = [
            ("mean churn probability alpha / (alpha + beta)", model.alpha / (model.alpha + model.beta)),
            ("log_likelihood_", model.log_likelihood),
            ("n_periods_", model.periods),
        ]
        return [_display.table(rows)]

    def fit(self, alive: np.ndarray | pd.Series | Sequence[float]) -> ShiftedBetaGeometric:
        """Maximum-likelihood alpha and beta from one cohort's survivor counts (non-increasing,
        starting above 0, at least two of them)."""
        self._model = _core.ShiftedBetaGeometric.fit(_frame.numeric(alive, "alive"))
        return self

    @classmethod
    def fit_many(
        cls,
        alive: pd.DataFrame | np.ndarray | Sequence[Sequence[float]],
        min_periods: int = 1,
        *,
        progress: bool = False,
    ) -> pd.DataFrame:
        """Fit many cohorts at once, in parallel: one row of survivor counts per cohort.

        ``alive`` is a DataFrame (rows = cohorts, columns = ages 0, 1, ...; e.g.
        ``RevenueLedger.survivors()``), a 2-D array, or a list of 1-D arrays of any lengths. NaN
        marks the unobserved end of a cohort (ragged cohorts). Returns ``alpha``, ``beta``,
        ``log_likelihood`` and ``periods`` (periods observed) per row, indexed like the input's
        rows; cohorts with fewer than ``min_periods`` observed periods are not fitted (NaN
        parameters) and are kept in the result. ``progress=True`` shows a progress bar over the
        cohorts (tqdm, ``pip install cssegment[progress]``), fitted in batches with the same result.

        Examples
        --------
        >>> import cssegment as cs
        >>> fits = cs.ShiftedBetaGeometric.fit_many([[1000, 631, 468, 382], [500, 400], [80]])
        >>> fits["periods"].tolist()
        [3, 1, 0]
        """
        index: pd.Index | None = None
        if isinstance(alive, pd.DataFrame):
            for name in alive.columns:  # names the first cell that is not a count
                _frame.numeric(alive[name], f"alive[{name!r}]")
            index = alive.index
            matrix = alive.to_numpy(dtype=np.float64, na_value=np.nan)
        elif isinstance(alive, np.ndarray) and alive.ndim == 2:
            matrix = alive
        else:
            rows = [_frame.numeric(row, f"alive[{i}]") for i, row in enumerate(_frame.listed(alive, "alive"))]
            matrix = np.full((len(rows), max((len(r) for r in rows), default=0)), np.nan)
            for i, row in enumerate(rows):
                matrix[i, : len(row)] = row
        if isinstance(min_periods, bool) or not isinstance(min_periods, (int, np.integer)) or min_periods < 1:
            raise InvalidInputError(f"min_periods: must be a whole number >= 1, got {min_periods!r}")
        matrix = np.ascontiguousarray(matrix, dtype=np.float64)
        if progress:
            columns = _fit_batches(matrix, int(min_periods) + 1)
        else:
            columns = _core.fit_sbg_many(matrix, int(min_periods) + 1)
        result = pd.DataFrame(
            {name: columns[name] for name in ("alpha", "beta", "log_likelihood", "periods")}, index=index
        )
        result["periods"] = result["periods"].astype(np.int64)
        return result

    @property
    def alpha_(self) -> float:
        return float(self._model.alpha)

    @property
    def beta_(self) -> float:
        return float(self._model.beta)

    @property
    def log_likelihood_(self) -> float:
        return float(self._fitted().log_likelihood)

    @property
    def n_periods_(self) -> int:
        return int(self._fitted().periods)

    def survival(self, t: Periods) -> Any:
        """S(t): the share of the cohort still active at the start of period t (t = 0, 1, ...)."""
        return _apply(t, self._model.survival)

    def retention_rate(self, t: Periods) -> Any:
        """r(t) = (beta + t - 1) / (alpha + beta + t - 1): the share of those active in period t
        who renew into period t + 1 (t = 1, 2, ...)."""
        return _apply(t, self._model.retention_rate)

    def churn_probability(self, t: Periods) -> Any:
        """P(T = t): the probability that a new customer churns at the end of period t."""
        return _apply(t, self._model.churn_probability)

    def project(self, periods: int, cohort_size: float = 1.0) -> pd.DataFrame:
        """Projection for periods 0..``periods``: ``survival``, ``alive`` (cohort_size x
        survival), ``retention_rate`` and ``churn_probability`` (NaN at period 0)."""
        if isinstance(periods, bool) or not isinstance(periods, (int, np.integer)) or periods < 0:
            raise InvalidInputError(f"periods: must be a whole number >= 0, got {periods!r}")
        size = _frame.number(cohort_size, "cohort_size")
        if not (np.isfinite(size) and size >= 0):
            raise InvalidInputError(f"cohort_size: {size!r} must be finite and >= 0")
        survival = np.asarray(self._model.survival_curve(int(periods)))
        later = np.arange(1, periods + 1, dtype=np.float64)
        nan = np.array([np.nan])
        return pd.DataFrame(
            {
                "survival": survival,
                "alive": size * survival,
                "retention_rate": np.concatenate([nan, self._model.retention_rate(later)]),
                "churn_probability": np.concatenate([nan, self._model.churn_probability(later)]),
            },
            index=pd.RangeIndex(periods + 1, name="period"),
        )

    def del_(self, discount_rate: Periods) -> Any:
        """Discounted expected lifetime of a new customer, in periods:
        DEL(d) = sum_t S(t) / (1 + d)^t = 2F1(1, beta; alpha + beta; 1 / (1 + d)). Infinite for
        d < 0, and for d = 0 when alpha <= 1."""
        return _apply(discount_rate, self._model.discounted_expected_lifetime, argument="discount_rate")

    def derl(self, discount_rate: Periods, renewals: int = 0) -> Any:
        """Discounted expected residual lifetime of a customer who has made ``renewals``
        renewals: (beta + n) / (alpha + beta + n) 2F1(1, beta + n + 1; alpha + beta + n + 1; 1 / (1 + d))."""
        renewals_done = _frame.number(renewals, "renewals")
        return _apply(
            discount_rate, self._model.discounted_expected_residual_lifetime, renewals_done, argument="discount_rate"
        )

    def clv(self, margin_per_period: float, discount_rate: Periods) -> Any:
        """Expected lifetime value of a new customer: margin_per_period x DEL(discount_rate)."""
        margin = _frame.number(margin_per_period, "margin_per_period")
        return _apply(discount_rate, lambda d: self._model.lifetime_value(margin, d), argument="discount_rate")
