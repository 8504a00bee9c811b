"""The shifted-beta-geometric (sBG) model (mirrors ``include/cssegment/survival/sbg.hpp``).

Examples
--------
>>> import cssegment as cs
>>> model = cs.ShiftedBetaGeometric(alpha=1.0, beta=3.0)
>>> model.retention_rate([1, 2, 3]).round(3).tolist()
[0.75, 0.8, 0.833]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from .. import _core, _deprecation, _display, _frame, _progress
from .._core import InvalidInputError
from .._model import Check, Model

__all__ = ["ShiftedBetaGeometric"]

Floats = npt.NDArray[np.float64]
Vector = npt.NDArray[np.integer[Any] | np.floating[Any]] | Sequence[float]
Periods = float | pd.Series | Vector
_Vectorized = Callable[..., float | Floats]  # an elementwise core function (broadcast like numpy)


@overload
def _apply(values: float, fn: _Vectorized, *args: float, argument: str = "t") -> float: ...
@overload
def _apply(values: pd.Series, fn: _Vectorized, *args: float, argument: str = "t") -> pd.Series: ...
@overload
def _apply(values: Vector, fn: _Vectorized, *args: float, argument: str = "t") -> Floats: ...
def _apply(values: Periods, fn: _Vectorized, *args: float, argument: str = "t") -> float | Floats | pd.Series:
    """fn over scalars (a float back), arrays (an array) or Series (a Series with the same index)."""
    if isinstance(values, pd.Series):
        return pd.Series(np.asarray(fn(_frame.numeric(values, argument), *args)), index=values.index, name=values.name)
    if isinstance(values, (int, float, np.generic)) or _frame.as_array(values, argument).ndim == 0:
        return float(fn(_frame.number(values, argument), *args))
    return np.asarray(fn(_frame.numeric(values, argument), *args))


def _whole_number(value: Any, argument: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise InvalidInputError(f"{argument}: must be a whole number >= {low}, got {value!r}")
    return _frame.integer(value, argument, low)


# Cohorts per call with a progress bar: enough that a call's fixed cost does not show.
_MIN_BATCH = 256


def _fit_batches(matrix: np.ndarray, min_counts: int) -> dict[str, np.ndarray]:
    """fit_sbg_many over batches of cohorts with a progress bar: cohorts are fitted one by one,
    so the batches give the result of one call."""
    with _progress.bar(len(matrix), "sBG fits", unit="cohort") as bar:
        parts = []
        for begin, end in _progress.batches(len(matrix), min_size=_MIN_BATCH):
            try:
                parts.append(_core.survival.fit_sbg_many(matrix[begin:end], min_counts))
            except InvalidInputError:
                # Messages name the row within the batch: one call over every row so far names it
                # as without batches (the rows before this batch are fine).
                _core.survival.fit_sbg_many(matrix[:end], min_counts)
                raise
            bar.update(end - begin)
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


class ShiftedBetaGeometric(Model):
    """The shifted-beta-geometric survival model, fitted by maximum likelihood on survivor counts.

    ``survivors[t]`` customers of a cohort are still active at the start of period ``t``
    (``survivors[0]`` is the cohort size). Give ``alpha`` and ``beta`` to use known parameters instead
    of fitting them.

    Fitted attributes: ``alpha_``, ``beta_``, ``log_likelihood_`` (NaN for given parameters),
    ``n_periods_`` (periods observed), ``constant_churn_`` (the churn rate where the data show no
    heterogeneity, NaN otherwise).

    Parameters
    ----------
    alpha, beta : float, optional
        Known parameters of the Beta distribution of churn probabilities (both > 0), or neither.

    Examples
    --------
    >>> import cssegment as cs
    >>> model = cs.ShiftedBetaGeometric().fit([1000, 631, 468, 382, 326, 289, 262, 241])
    >>> round(model.alpha_, 3), round(model.beta_, 3)
    (0.704, 1.182)
    >>> model.retention_rate([1, 2, 5, 10]).round(3).tolist()  # rises with tenure
    [0.627, 0.756, 0.88, 0.935]
    >>> round(model.discounted_expected_lifetime(0.10), 2)  # in periods, at 10% a period
    3.69
    """

    _core_type = _core.survival.shifted_beta_geometric
    _model: _core.survival.shifted_beta_geometric
    _parameters: ClassVar[Mapping[str, Check]] = {"alpha": _frame.optional_number, "beta": _frame.optional_number}

    def __init__(self, alpha: float | None = None, beta: float | None = None) -> None:
        if (alpha is None) != (beta is None):
            raise InvalidInputError("alpha, beta: give both parameters, or neither (then call fit)")
        given = [value for value in self._checked(locals()) if value is not None]
        self._model = _core.survival.shifted_beta_geometric(*given)  # none given: fitted later

    def get_params(self, deep: bool = True) -> dict[str, Any]:
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
        if model.at_constant_churn:
            rows.append(("constant_churn_ (alpha and beta are not identified)", model.constant_churn))
        return [_display.table(rows)]

    @_deprecation.renamed_keywords({"alive": "survivors"})
    @_frame.accepts_frames
    def fit(self, survivors: np.ndarray | pd.Series | Sequence[float]) -> ShiftedBetaGeometric:
        """Maximum-likelihood alpha and beta from one cohort's survivor counts.

        Parameters
        ----------
        survivors : array-like of float
            Customers still active at the start of periods 0, 1, ...: non-increasing, starting
            above 0, at least two of them.

        Returns
        -------
        ShiftedBetaGeometric
            The model itself, fitted.

        Raises
        ------
        InvalidInputError
            If the counts increase, are negative, or are fewer than two.

        Examples
        --------
        >>> import cssegment as cs
        >>> model = cs.ShiftedBetaGeometric().fit([1000, 631, 468, 382, 326, 289, 262, 241])
        >>> model.n_periods_, round(model.log_likelihood_, 2)
        (7, -1680.27)
        """
        self._model = _core.survival.shifted_beta_geometric.fit(_frame.numeric(survivors, "survivors"))
        return self

    @classmethod
    @_deprecation.renamed_keywords({"alive": "survivors"})
    @_frame.accepts_frames
    def fit_many(
        cls,
        survivors: pd.DataFrame | np.ndarray | Sequence[Sequence[float]],
        min_periods: int = 1,
        *,
        min_accounts: float = 0,
        progress: bool = False,
    ) -> pd.DataFrame:
        """Fit many cohorts at once, in parallel: one row of survivor counts per cohort.

        Parameters
        ----------
        survivors : pandas.DataFrame, 2-D array or sequence of 1-D arrays
            Survivor counts: rows = cohorts, columns = ages 0, 1, ... (e.g.
            ``RevenueLedger.survivors()``), or a list of arrays of any lengths. NaN marks the
            unobserved end of a cohort (ragged cohorts).
        min_periods : int
            Cohorts with fewer observed periods are not fitted (NaN parameters) and are kept in
            the result.
        min_accounts : float, default 0
            Cohorts that start with fewer customers are not fitted either (NaN parameters,
            ``periods`` 0): a handful of customers identifies no curve.
        progress : bool, default False
            Show a progress bar over the cohorts (tqdm, ``pip install cssegment[progress]``);
            they are fitted in batches, with the same result.

        Returns
        -------
        pandas.DataFrame
            ``alpha``, ``beta``, ``log_likelihood`` and ``periods`` (periods observed) per row,
            indexed like the input's rows; ``converged`` (the fit met its own stopping test),
            ``boundary`` (the data identify no heterogeneity: a cohort that never churns, churns
            completely or churns at one constant rate, where alpha and beta run off to the
            limit and mean nothing by themselves) and ``constant_churn`` (that rate, alpha /
            (alpha + beta), where ``boundary``; NaN elsewhere). Rows not fitted have
            ``converged`` and ``boundary`` False.

        Examples
        --------
        >>> import cssegment as cs
        >>> fits = cs.ShiftedBetaGeometric.fit_many([[1000, 631, 468, 382], [500, 400], [80]])
        >>> fits["periods"].tolist()
        [3, 1, 0]
        """
        progress = _progress.wanted(progress)
        index: pd.Index | None = None
        if isinstance(survivors, pd.DataFrame):
            for name in survivors.columns:  # names the first cell that is not a count
                _frame.numeric(survivors[name], f"survivors[{name!r}]")
            index = survivors.index
            matrix = survivors.to_numpy(dtype=np.float64, na_value=np.nan)
        elif isinstance(survivors, np.ndarray) and survivors.ndim == 2 and survivors.dtype.kind in "iuf":
            matrix = survivors
        else:  # a list of cohorts, or an array of text or objects: each cohort named by its row
            listed = _frame.listed(survivors, "survivors")
            for i, row in enumerate(listed):
                if isinstance(row, (str, bytes)) or np.ndim(row) == 0:
                    raise InvalidInputError(
                        f"survivors[{i}] = {_frame.describe(row)}: expected a cohort's survivor counts "
                        f"(a list of numbers), got {type(row).__name__}"
                    )
            rows = [_frame.numeric(row, f"survivors[{i}]") for i, row in enumerate(listed)]
            matrix = np.full((len(rows), max((len(r) for r in rows), default=0)), np.nan)
            for i, row in enumerate(rows):
                matrix[i, : len(row)] = row
        min_counts = _whole_number(min_periods, "min_periods", 1) + 1
        smallest = _frame.number(min_accounts, "min_accounts")
        if not (np.isfinite(smallest) and smallest >= 0):
            raise InvalidInputError(f"min_accounts: {smallest!r} must be finite and >= 0")
        matrix = np.ascontiguousarray(matrix, dtype=np.float64)
        if smallest > 0 and matrix.size:
            too_small = matrix[:, 0] < smallest  # NaN (nothing observed) stays as it is
            if too_small.any():
                matrix = matrix.copy()
                matrix[too_small] = np.nan
        fit_cohorts = _fit_batches if progress else _core.survival.fit_sbg_many
        columns = fit_cohorts(matrix, min_counts)
        result = pd.DataFrame(
            {name: columns[name] for name in ("alpha", "beta", "log_likelihood", "periods")}, index=index
        )
        result["periods"] = result["periods"].astype(np.int64)
        result["converged"] = columns["converged"].astype(bool)
        result["boundary"] = columns["boundary"].astype(bool)
        result["constant_churn"] = np.where(
            result["boundary"], result["alpha"] / (result["alpha"] + result["beta"]), np.nan
        )
        return result

    @property
    def alpha_(self) -> float:
        """The alpha parameter of the Beta distribution of churn probabilities (fitted or given).

        Examples
        --------
        >>> import cssegment as cs
        >>> model = cs.ShiftedBetaGeometric().fit([1000, 631, 468, 382, 326, 289, 262, 241])
        >>> round(model.alpha_, 3)
        0.704
        """
        return float(self._model.alpha)

    @property
    def beta_(self) -> float:
        """The beta parameter of the Beta distribution of churn probabilities (fitted or given).

        Examples
        --------
        >>> import cssegment as cs
        >>> model = cs.ShiftedBetaGeometric().fit([1000, 631, 468, 382, 326, 289, 262, 241])
        >>> round(model.beta_, 3)
        1.182
        """
        return float(self._model.beta)

    @property
    def log_likelihood_(self) -> float:
        """Log-likelihood of the fitted parameters (NaN for given parameters).

        Examples
        --------
        >>> import cssegment as cs
        >>> model = cs.ShiftedBetaGeometric().fit([1000, 631, 468, 382, 326, 289, 262, 241])
        >>> round(model.log_likelihood_, 2)
        -1680.27
        """
        return float(self._fitted().log_likelihood)

    @property
    def constant_churn_(self) -> float:
        """The churn rate alpha / (alpha + beta) where the data identify no heterogeneity, else NaN.

        A cohort that never churns, churns completely, or churns at one constant rate has its
        maximum likelihood at the limit alpha, beta -> infinity (or 0) with alpha / (alpha + beta)
        fixed: the fitted alpha and beta are then arbitrary points on the way, and only this rate
        means something.

        Examples
        --------
        >>> import cssegment as cs
        >>> model = cs.ShiftedBetaGeometric().fit([1000, 900, 810, 729])
        >>> round(model.constant_churn_, 4)
        0.1
        >>> cs.ShiftedBetaGeometric().fit([1000, 631, 468, 382]).constant_churn_
        nan
        """
        return float(self._fitted().constant_churn)

    @property
    def n_periods_(self) -> int:
        """Periods observed in the fitted survivor counts (their number minus one).

        Examples
        --------
        >>> import cssegment as cs
        >>> model = cs.ShiftedBetaGeometric().fit([1000, 631, 468, 382, 326, 289, 262, 241])
        >>> model.n_periods_
        7
        """
        return int(self._fitted().periods)

    @overload
    def survival(self, t: float) -> float: ...
    @overload
    def survival(self, t: pd.Series) -> pd.Series: ...
    @overload
    def survival(self, t: Vector) -> Floats: ...
    def survival(self, t: Periods) -> float | Floats | pd.Series:
        """S(t): the share of the cohort still active at the start of period t (t = 0, 1, ...).

        Parameters
        ----------
        t : float, array-like or pandas.Series
            Periods.

        Returns
        -------
        float, numpy.ndarray or pandas.Series
            Shaped like ``t`` (a Series keeps its index).

        Examples
        --------
        >>> import cssegment as cs
        >>> model = cs.ShiftedBetaGeometric().fit([1000, 631, 468, 382, 326, 289, 262, 241])
        >>> model.survival([0, 1, 2]).round(3).tolist()
        [1.0, 0.627, 0.474]
        """
        return _apply(t, self._model.survival)

    @overload
    def retention_rate(self, t: float) -> float: ...
    @overload
    def retention_rate(self, t: pd.Series) -> pd.Series: ...
    @overload
    def retention_rate(self, t: Vector) -> Floats: ...
    def retention_rate(self, t: Periods) -> float | Floats | pd.Series:
        """Retention rate r(t): the share of those active in period t who renew into t + 1.

        r(t) = (beta + t - 1) / (alpha + beta + t - 1), for t = 1, 2, ...

        Parameters
        ----------
        t : float, array-like or pandas.Series
            Periods.

        Returns
        -------
        float, numpy.ndarray or pandas.Series
            Shaped like ``t``.

        Examples
        --------
        >>> import cssegment as cs
        >>> cs.ShiftedBetaGeometric(alpha=1.0, beta=3.0).retention_rate(1)
        0.75
        """
        return _apply(t, self._model.retention_rate)

    @overload
    def churn_probability(self, t: float) -> float: ...
    @overload
    def churn_probability(self, t: pd.Series) -> pd.Series: ...
    @overload
    def churn_probability(self, t: Vector) -> Floats: ...
    def churn_probability(self, t: Periods) -> float | Floats | pd.Series:
        """P(T = t): the probability that a new customer churns at the end of period t.

        Parameters
        ----------
        t : float, array-like or pandas.Series
            Periods (1, 2, ...).

        Returns
        -------
        float, numpy.ndarray or pandas.Series
            Shaped like ``t``.

        Examples
        --------
        >>> import cssegment as cs
        >>> cs.ShiftedBetaGeometric(alpha=1.0, beta=3.0).churn_probability([1, 2]).tolist()
        [0.25, 0.15]
        """
        return _apply(t, self._model.churn_probability)

    def project(self, periods: int, cohort_size: float = 1.0) -> pd.DataFrame:
        """Projection of a cohort for periods 0..``periods``.

        Parameters
        ----------
        periods : int
            Last period projected (>= 0).
        cohort_size : float
            Customers at period 0.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``period``: ``survival``, ``alive`` (cohort_size x survival),
            ``retention_rate`` and ``churn_probability`` (NaN at period 0).

        Examples
        --------
        >>> import cssegment as cs
        >>> model = cs.ShiftedBetaGeometric().fit([1000, 631, 468, 382, 326, 289, 262, 241])
        >>> model.project(3, cohort_size=1000).round(3)
                survival    alive  retention_rate  churn_probability
        period
        0          1.000  1000.000             NaN                NaN
        1          0.627   626.706           0.627              0.373
        2          0.474   473.819           0.756              0.153
        3          0.388   387.974           0.819              0.086
        """
        periods = _whole_number(periods, "periods", 0)
        size = _frame.number(cohort_size, "cohort_size")
        if not (np.isfinite(size) and size >= 0):
            raise InvalidInputError(f"cohort_size: {size!r} must be finite and >= 0")
        survival = np.asarray(self._model.survival_curve(periods))
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

    @overload
    def discounted_expected_lifetime(self, discount_rate: float) -> float: ...
    @overload
    def discounted_expected_lifetime(self, discount_rate: pd.Series) -> pd.Series: ...
    @overload
    def discounted_expected_lifetime(self, discount_rate: Vector) -> Floats: ...
    def discounted_expected_lifetime(self, discount_rate: Periods) -> float | Floats | pd.Series:
        """Discounted expected lifetime of a new customer, in periods.

        DEL(d) = sum_t S(t) / (1 + d)^t = 2F1(1, beta; alpha + beta; 1 / (1 + d)). Infinite for
        d < 0, and for d = 0 when alpha <= 1.

        Parameters
        ----------
        discount_rate : float, array-like or pandas.Series
            Discount rate per period.

        Returns
        -------
        float, numpy.ndarray or pandas.Series
            Shaped like ``discount_rate``.

        Examples
        --------
        >>> import cssegment as cs
        >>> cs.ShiftedBetaGeometric(alpha=2.0, beta=1.0).discounted_expected_lifetime(0.0)  # (a + b - 1) / (a - 1)
        2.0
        """
        return _apply(discount_rate, self._model.discounted_expected_lifetime, argument="discount_rate")

    del_ = _deprecation.alias(discounted_expected_lifetime, "del_")

    @overload
    def discounted_expected_residual_lifetime(self, discount_rate: float, renewals: int = ...) -> float: ...
    @overload
    def discounted_expected_residual_lifetime(self, discount_rate: pd.Series, renewals: int = ...) -> pd.Series: ...
    @overload
    def discounted_expected_residual_lifetime(self, discount_rate: Vector, renewals: int = ...) -> Floats: ...
    def discounted_expected_residual_lifetime(
        self, discount_rate: Periods, renewals: int = 0
    ) -> float | Floats | pd.Series:
        """Discounted expected residual lifetime of a customer who has made ``renewals`` renewals.

        DERL(d, n) = (beta + n) / (alpha + beta + n) 2F1(1, beta + n + 1; alpha + beta + n + 1;
        1 / (1 + d)).

        Parameters
        ----------
        discount_rate : float, array-like or pandas.Series
            Discount rate per period.
        renewals : int
            Renewals the customer has made (n).

        Returns
        -------
        float, numpy.ndarray or pandas.Series
            Shaped like ``discount_rate``.

        Examples
        --------
        >>> import cssegment as cs
        >>> model = cs.ShiftedBetaGeometric().fit([1000, 631, 468, 382, 326, 289, 262, 241])
        >>> round(model.discounted_expected_residual_lifetime(0.10, renewals=3), 2)  # loyal customers are worth more
        5.44
        """
        renewals_done = _frame.number(renewals, "renewals")
        return _apply(
            discount_rate, self._model.discounted_expected_residual_lifetime, renewals_done, argument="discount_rate"
        )

    derl = _deprecation.alias(discounted_expected_residual_lifetime, "derl")

    @overload
    def clv(self, margin_per_period: float, discount_rate: float) -> float: ...
    @overload
    def clv(self, margin_per_period: float, discount_rate: pd.Series) -> pd.Series: ...
    @overload
    def clv(self, margin_per_period: float, discount_rate: Vector) -> Floats: ...
    def clv(self, margin_per_period: float, discount_rate: Periods) -> float | Floats | pd.Series:
        """Expected lifetime value of a new customer: margin x discounted_expected_lifetime(discount_rate).

        Parameters
        ----------
        margin_per_period : float
            Margin a customer brings per period.
        discount_rate : float, array-like or pandas.Series
            Discount rate per period.

        Returns
        -------
        float, numpy.ndarray or pandas.Series
            Shaped like ``discount_rate``.

        Examples
        --------
        >>> import cssegment as cs
        >>> model = cs.ShiftedBetaGeometric().fit([1000, 631, 468, 382, 326, 289, 262, 241])
        >>> round(model.clv(100.0, 0.10), 2)
        369.49
        """
        margin = _frame.number(margin_per_period, "margin_per_period")
        return _apply(discount_rate, lambda d: self._model.lifetime_value(margin, d), argument="discount_rate")
