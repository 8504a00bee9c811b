"""Scorecards: weighted (or worst-of) normalised measures, banded and explained.

Mirrors ``include/cssegment/health/scorecard.hpp``. The conversions here (columns a scorecard
reads, the score frame, outcomes) are shared by the other health modules.

Examples
--------
>>> import cssegment as cs
>>> card = cs.health.scorecard.Scorecard([cs.Measure("logins", cs.Linear(0, 20))])
>>> card.score({"logins": [5, 15]})["score"].tolist()
[25.0, 75.0]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, overload

import numpy as np
import pandas as pd

from .. import _core, _display, _frame
from .._core import InvalidInputError
from .._model import Check, Model
from .backtest import Backtest, backtest_scores
from .history import HistoryScoring
from .normalizers import Bands, Boolean, Category, Linear, Normalizer, Percentile, Trend, ZScore, normalizer_of

if TYPE_CHECKING:
    import polars as pl

    from .calibrate import CalibratedScorecard

# Besides these, the conversions below are package-internal: the other health modules use them.
__all__ = ["DEFAULT_BANDS", "Measure", "Scorecard"]

DEFAULT_BANDS: Mapping[str, float] = {"red": 0.0, "yellow": 50.0, "green": 75.0}


def _normalizer(value: Any, argument: str) -> Any:
    """The core normaliser of a Python one (whose own checks run here)."""
    if not isinstance(value, (Linear, Bands, Percentile, ZScore, Boolean, Category, Trend)):
        raise InvalidInputError(
            f"{argument} = {value!r}: expected Linear, Bands, Percentile, ZScore, Boolean, Category or Trend"
        )
    return value._core()


@dataclasses.dataclass(frozen=True)
class Measure:
    """One signal of a scorecard: the column, how it becomes 0-100 points, and its weight.

    Parameters
    ----------
    column : str
        Column of the data scored.
    normalizer : Linear, Bands, Percentile, ZScore, Boolean or Category
        How a value becomes 0-100 points.
    weight : float
        Weight in the scorecard (finite, >= 0).

    Examples
    --------
    >>> import cssegment as cs
    >>> card = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20), weight=3),
    ...                      cs.Measure("sponsor", cs.Boolean())])
    >>> card.score({"logins": [20], "sponsor": [False]})["score"].tolist()
    [75.0]
    """

    column: str
    normalizer: Normalizer
    weight: float = 1.0

    # The checks of each field, in the order of the core's (column, normalizer, weight) tuples.
    _parameters: ClassVar[Mapping[str, Check]] = {
        "column": _frame.text,
        "normalizer": _normalizer,
        "weight": _frame.number,
    }


def _measures(values: Sequence[Measure], argument: str) -> list[tuple[str, Any, float]]:
    """The core's measure tuples; a field's errors name it as ``measures[i].<field>``."""
    listed = []
    for i, measure in enumerate(_frame.listed(values, argument)):
        if not isinstance(measure, Measure):
            raise InvalidInputError(f"{argument}[{i}] = {measure!r}: expected a cssegment.Measure")
        column, normalizer, weight = (
            check(getattr(measure, name), f"{argument}[{i}].{name}") for name, check in Measure._parameters.items()
        )
        listed.append((column, normalizer, weight))
    return listed


def _bands(bands: Mapping[str, float], argument: str) -> tuple[list[str], list[float]]:
    """Band names and lower bounds, the two core arguments ``bands`` becomes."""
    if not isinstance(bands, Mapping):
        raise InvalidInputError(f"{argument}: expected a mapping of band name to lower bound, got {bands!r}")
    names = [_frame.text(name, argument) for name in bands]
    return names, [_frame.number(lower, f"{argument}[{name!r}]") for name, lower in bands.items()]


def _min_measures(value: Any, argument: str) -> int:
    return _frame.integer(value, argument, 1)


# ----------------------------------------------------------------------------------------------
# Conversions


def index_of(data: Any) -> pd.Index:
    return data.index if isinstance(data, pd.DataFrame) else pd.RangeIndex(row_count(data))


def row_count(data: Any) -> int:
    if isinstance(data, pd.DataFrame):
        return len(data)
    if isinstance(data, _frame.Columns):
        return data.rows
    if isinstance(data, Mapping):
        first: Any = next(iter(data.values()), [])
        if not hasattr(first, "__len__") or isinstance(first, str):
            raise InvalidInputError(f"data: columns must be arrays, lists or Series, got {type(first).__name__}")
        return len(first)
    raise InvalidInputError(f"data: expected a DataFrame or a mapping of columns, got {type(data).__name__}")


# (name, float64 values, None), (name, int32 codes, labels), or (name, float64 values, None,
# (validity bitmap, bit offset)): a polars / Arrow column with nulls, which only the pass that
# normalises measures (score, transform) reads.
Columns = list[tuple[Any, ...]]


def measure_columns(data: Any, core: Any, masked: bool = False) -> tuple[Columns, int]:
    """The columns a core scorecard reads: measures as float64, peer groups and the measures of
    Category and Boolean-with-labels normalisers as label codes. With ``masked`` (the normalising
    pass), measures other than Trend's and their earlier values keep their Arrow validity bitmap
    (see ``Columns.masked``)."""
    reads_labels = [n.kind == "category" or bool(n.labels) for _, n, _ in core.measures]
    groups = [normalizer.by for _, normalizer, _ in core.measures if normalizer.by]
    labelled = [column for (column, _, _), text in zip(core.measures, reads_labels) if text]
    numeric = [column for (column, _, _), text in zip(core.measures, reads_labels) if not text]
    earlier = earlier_columns(data, core.measures)
    trends = [column for column, n, _ in core.measures if n.kind == "trend"] + earlier  # read as NaN
    bitmaps = [column for column in numeric if column not in trends] if masked else []
    return named_columns(data, numeric + earlier, labelled + groups, bitmaps)


def earlier_columns(data: Any, measures: Any) -> list[str]:
    """The columns of earlier values of Trend measures that ``data`` has (a snapshot needs them,
    the core names a missing one; score_history computes them)."""
    names = [n.earlier or f"{column} {n.periods} periods earlier" for column, n, _ in measures if n.kind == "trend"]
    return [name for name in names if name in data]


def named_columns(
    data: Any, numeric: Sequence[str], labels: Sequence[str], bitmaps: Sequence[str] = ()
) -> tuple[Columns, int]:
    rows = row_count(data)
    columns: Columns = []
    for column in dict.fromkeys(numeric):
        bitmap = data.masked(column) if column in bitmaps and isinstance(data, _frame.Columns) else None
        if bitmap is not None:
            columns.append((column, bitmap[0], None, bitmap[1:]))
            continue
        values = _frame.numeric(_frame.column(data, column), f"data[{column!r}]")
        _frame.check_length(f"data[{column!r}]", values, "data", rows)
        columns.append((column, values, None))
    for name in dict.fromkeys(labels):
        if name not in numeric:
            codes, categories = _frame.labels(_frame.column(data, name), f"data[{name!r}]")
            columns.append((name, codes, categories))
    return columns, rows


def score_frame(
    result: Mapping[str, Any],
    band_names: Sequence[str],
    measures: Sequence[str],
    index: pd.Index,
    more: Mapping[str, Any],
) -> pd.DataFrame:
    """score, band, trend (NaN without previous scores), ``more``, then contrib_<measure>."""
    trend = result["trend"] if result["trend"] is not None else np.full(len(index), np.nan)
    frame: dict[str, Any] = {
        "score": result["score"],
        "band": _frame.categorical(result["band"], band_names),
        "trend": trend,
        **more,
    }
    for column, contribution in zip(measures, result["contributions"]):
        frame[f"contrib_{column}"] = contribution
    return pd.DataFrame(frame, index=index, copy=False)


def previous_scores(previous: _frame.ArrayLike | None, rows: int) -> np.ndarray | None:
    """Earlier scores, one per row (the core checks they are on the 0-100 scale)."""
    if previous is None:
        return None
    earlier = _frame.numeric(previous, "previous", booleans=False)
    _frame.check_length("previous", earlier, "data", rows)
    return earlier


def _holds_labels(column: Any) -> bool:
    """Whether an outcome is text or categorical (anything else is read, or refused, as numbers)."""
    try:
        return pd.api.types.infer_dtype(column, skipna=True) in ("string", "categorical")
    except (TypeError, ValueError):  # a scalar, None...: numeric() names the problem
        return False


def outcome_values(data: Any, outcome: str | _frame.ArrayLike, rows: int, positive: str | None = None) -> np.ndarray:
    """The 0/1 outcome (NaN = missing): numbers or true/false, or labels with ``positive`` the label of 1."""
    argument = outcome if isinstance(outcome, str) else "outcome"
    column = _frame.native(_frame.column(data, outcome) if isinstance(outcome, str) else outcome, argument)
    if positive is None:
        found = _frame.labels(column, argument)[1] if _holds_labels(column) else []
        if found:
            raise InvalidInputError(
                f"{argument}: holds labels ({', '.join(repr(label) for label in found[:5])}); name the label of "
                f"the outcome (churned), e.g. positive={found[0]!r}"
            )
        values = _frame.numeric(column, argument)
    else:
        codes, labels = _frame.labels(column, argument)
        if _frame.text(positive, "positive") not in labels:
            known = ", ".join(repr(label) for label in labels[:5])
            raise InvalidInputError(f"positive: {positive!r} is not a label of {argument} ({known})")
        is_positive = np.array([label == positive for label in labels] + [False], dtype=np.float64)
        values = np.where(codes < 0, np.nan, is_positive[codes])
    _frame.check_length("outcome", values, "data", rows)
    return values


# ----------------------------------------------------------------------------------------------
# Scorecard


class Scorecard(HistoryScoring, Model):
    """A health scorecard: weighted (or worst-of) normalised measures, banded and explained.

    Parameters
    ----------
    measures : sequence of Measure
        Column, normaliser (:class:`Linear`, :class:`Bands`, :class:`Percentile`,
        :class:`ZScore`, :class:`Boolean`, :class:`Category`) and weight (finite, >= 0, not all 0) of each signal.
    combine : {"weighted", "worst"}
        ``weighted``: sum of w_i * f_i / sum of w_i. ``worst``: the lowest normalised measure
        (measures of weight 0 are ignored).
    bands : mapping of str to float
        Band name -> lower bound, ascending from 0. A band holds scores from its lower bound
        (inclusive) to the next band's (exclusive).
    missing : {"renormalize", "penalize"}
        A missing measure is left out (weights renormalised over the measures present), or
        scores 0.
    min_measures : int
        Accounts with fewer measures present get no score (NaN) and no band.

    Examples
    --------
    >>> import pandas as pd, cssegment as cs
    >>> card = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20), weight=2),
    ...                      cs.Measure("tickets", cs.Linear(10, 0))])
    >>> scores = card.score(pd.DataFrame({"logins": [10, 20, None], "tickets": [0, 10, 5]}))
    >>> scores[["score", "band", "contrib_logins", "contrib_tickets"]]
           score    band  contrib_logins  contrib_tickets
    0  66.666667  yellow       33.333333        33.333333
    1  66.666667  yellow       66.666667         0.000000
    2  50.000000  yellow        0.000000        50.000000
    """

    _core_type = _core.health.scorecard
    _model: _core.health.scorecard
    _parameters: ClassVar[Mapping[str, Check]] = {
        "measures": _measures,
        "combine": _frame.text,
        "bands": _bands,  # the core's band_names and band_lowers
        "missing": _frame.text,
        "min_measures": _min_measures,
    }

    def __init__(
        self,
        measures: Sequence[Measure],
        combine: str = "weighted",
        bands: Mapping[str, float] = DEFAULT_BANDS,
        missing: str = "renormalize",
        min_measures: int = 1,
    ) -> None:
        listed, combine, (band_names, band_lowers), missing, min_measures = self._checked(locals())
        self._model = _core.health.scorecard(listed, combine, band_names, band_lowers, missing, min_measures)

    @property
    def measures(self) -> list[Measure]:
        """The measures, as given.

        Examples
        --------
        >>> import cssegment as cs
        >>> card = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20)), cs.Measure("nps", cs.Percentile())])
        >>> [measure.column for measure in card.measures]
        ['logins', 'nps']
        """
        return [Measure(column, normalizer_of(n), weight) for column, n, weight in self._model.measures]

    @property
    def bands(self) -> dict[str, float]:
        """Band name -> lower bound (inclusive), lowest first.

        Examples
        --------
        >>> import cssegment as cs
        >>> cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20))]).bands
        {'red': 0.0, 'yellow': 50.0, 'green': 75.0}
        """
        return dict(zip(self._model.band_names, self._model.band_lowers))

    @property
    def fitted(self) -> bool:
        """Whether every data-dependent normaliser (Percentile, ZScore) has been fitted.

        Examples
        --------
        >>> import cssegment as cs
        >>> card = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20)), cs.Measure("nps", cs.Percentile())])
        >>> card.fitted, card.fit({"logins": [1, 2], "nps": [9, 6]}).fitted
        (False, True)
        """
        return bool(self._model.fitted)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        model = self._model
        return {
            "measures": self.measures,
            "combine": model.combine,
            "bands": self.bands,
            "missing": model.missing,
            "min_measures": model.min_measures,
        }

    def _repr_fields(self) -> Mapping[str, Any]:
        return {**self.get_params(), "measures": [m.column for m in self.measures]}

    def _html_sections(self) -> list[str]:
        return [_measures_table(self)]

    def _columns(self, data: Any) -> tuple[Columns, int]:
        return measure_columns(data, self._model)

    @_frame.reads_columns
    def fit(self, data: _frame.Frame) -> Scorecard:
        """Learn the Percentile and ZScore normalisers from ``data``.

        Parameters
        ----------
        data : pandas.DataFrame or mapping of columns
            Every measure's column (and peer-group columns); missing values are skipped.

        Returns
        -------
        Scorecard
            The scorecard itself, fitted (within peer groups where a normaliser has ``by``).

        Examples
        --------
        >>> import cssegment as cs
        >>> card = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20)), cs.Measure("nps", cs.Percentile())])
        >>> card.fit({"logins": [1, 2, 3], "nps": [10, 6, 8]}).transform({"logins": [10], "nps": [8]})
           logins   nps
        0    50.0  50.0
        """
        columns, rows = measure_columns(data, self._model)
        self._model.fit(columns, rows)
        return self

    @_frame.reads_columns
    def transform(self, data: _frame.Frame, *, output: _frame.Output = None) -> pd.DataFrame:
        """The normalised measures, before weighting.

        Parameters
        ----------
        data : pandas.DataFrame or mapping of columns
            Every measure's column.
        output : {"pandas", "polars"}, optional
            The kind of table returned (None: the :func:`cssegment.set_output` default, pandas).

        Returns
        -------
        pandas.DataFrame
            One column per measure, 0-100 (NaN where missing), aligned with ``data``.

        Raises
        ------
        NotFittedError
            If a Percentile or ZScore measure has not been fitted.

        Examples
        --------
        >>> import cssegment as cs
        >>> card = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20))])
        >>> card.transform({"logins": [5, None, 40]})["logins"].tolist()
        [25.0, nan, 100.0]
        """
        columns, rows = measure_columns(data, self._model, masked=True)
        values = self._model.transform(columns, rows)
        names = [column for column, _, _ in self._model.measures]
        return _frame.output(pd.DataFrame(values.T, index=index_of(data), columns=names, copy=False), output)

    @overload
    def score(
        self, data: _frame.Frame, previous: _frame.ArrayLike | None = None, *, output: _frame.PolarsOutput
    ) -> pl.DataFrame: ...
    @overload
    def score(
        self, data: _frame.Frame, previous: _frame.ArrayLike | None = None, *, output: _frame.PandasOutput = None
    ) -> pd.DataFrame: ...
    @_frame.reads_columns
    def score(
        self, data: _frame.Frame, previous: _frame.ArrayLike | None = None, *, output: _frame.Output = None
    ) -> pd.DataFrame | pl.DataFrame:
        """Health of every account, explained.

        Parameters
        ----------
        data : pandas.DataFrame or mapping of columns
            Every measure's column.
        previous : array-like of float, optional
            Earlier scores in the same row order as ``data`` (NaN: none).
        output : {"pandas", "polars"}, optional
            The kind of table returned (None: the :func:`cssegment.set_output` default, pandas).

        Returns
        -------
        pandas.DataFrame
            Aligned with ``data``: ``score`` (0-100, NaN with fewer than ``min_measures``
            measures), ``band`` (ordered Categorical), ``trend`` (score - ``previous``, NaN
            without it) and one ``contrib_<column>`` per measure; the contributions add up to
            the score.

        Examples
        --------
        >>> import cssegment as cs
        >>> card = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20))])
        >>> card.score({"logins": [5, 18]}, previous=[40, 80])[["score", "band", "trend"]]
           score   band  trend
        0   25.0    red  -15.0
        1   90.0  green   10.0
        """
        columns, rows = measure_columns(data, self._model, masked=True)
        earlier = previous_scores(previous, rows)
        result = self._model.score(columns, rows, earlier)
        measures = [column for column, _, _ in self._model.measures]
        return _frame.output(score_frame(result, self._model.band_names, measures, index_of(data), {}), output)

    @_frame.reads_columns
    def calibrate(
        self,
        data: _frame.Frame,
        outcome: str | _frame.ArrayLike = "churned",
        l2: float = 1.0,
        *,
        positive: str | None = None,
    ) -> CalibratedScorecard:
        """Learn the weights from what happened: a penalised logistic regression.

        A logistic regression of the 0/1 ``outcome`` on x = transform(data) / 100 (missing values
        imputed with the measure's mean), minimising sum(log-loss) + (l2 / 2) * ||coef||^2 with the
        intercept not penalised, the optimum of scikit-learn's ``LogisticRegression(C=1/l2)``.

        Parameters
        ----------
        data : pandas.DataFrame or mapping of columns
            Every measure's column.
        outcome : str or array-like
            Column of ``data``, or values aligned with it: 1 (or True) = churned; or labels, with
            ``positive`` the label of churned.
        l2 : float
            L2 penalty on the coefficients (>= 0).
        positive : str, optional
            For an outcome given as labels (``"Yes"``/``"No"``): the label that means churned.

        Returns
        -------
        CalibratedScorecard
            Its coefficients, intercept, probabilities and scores.

        Raises
        ------
        InvalidInputError
            If an outcome is not 0 or 1, or, with ``l2=0``, the measures separate the classes
            perfectly (no optimum exists).

        Degenerate measures get a finite answer with ``l2 > 0``: a constant measure gets
        coefficient 0 (the intercept absorbs it), and measures that normalise identically share
        their weight equally. With ``l2=0`` they raise InvalidInputError naming the constant
        measure, or the collinearity.

        Examples
        --------
        >>> import cssegment as cs
        >>> book = cs.datasets.synthetic_book(2000, seed=1).accounts
        >>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(0, 100)),
        ...                      cs.Measure("tickets_90d", cs.Linear(10, 0))])
        >>> model = card.calibrate(book, "churned", l2=1.0)
        >>> bool((model.coef_ < 0).all())  # healthier measures, less churn
        True
        """
        columns, rows = measure_columns(data, self._model)
        values = outcome_values(data, outcome, rows, positive)
        from .calibrate import CalibratedScorecard  # calibrate.py builds on this module

        return CalibratedScorecard._wrap(
            _core.health.calibrated_scorecard.calibrate(self._model, columns, rows, values, _frame.number(l2, "l2"))
        )

    @_frame.reads_columns
    def backtest(
        self,
        data: _frame.Frame,
        outcome: str | _frame.ArrayLike = "churned",
        *,
        positive: str | None = None,
        output: _frame.Output = None,
    ) -> Backtest:
        """How well these scores would have predicted ``outcome``.

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
            AUC, churn rate and lift by score decile and by band. ``brier`` is None: a hand-set
            score is not a probability.

        Examples
        --------
        >>> import cssegment as cs
        >>> card = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20))])
        >>> result = card.backtest({"logins": [1, 5, 12, 18], "churned": [1, 0, 1, 0]})
        >>> result.auc, result.brier
        (0.75, None)
        """
        scores = self.score(data, output="pandas")
        values = outcome_values(data, outcome, len(scores), positive)
        band = np.asarray(scores["band"].cat.codes, dtype=np.int8)
        return _frame.output(
            backtest_scores(scores["score"].to_numpy(), band, self._model.band_names, values, None), output
        )


def _measures_table(card: Scorecard) -> str:
    rows = [(m.column, repr(m.normalizer), m.weight) for m in card.measures]
    return _display.table(rows, header=["measure", "normalizer", "weight"])
