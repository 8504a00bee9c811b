"""Health scoring that explains itself and is checked against what really happened.

A :class:`Scorecard` turns raw signals (NPS, logins, open tickets, an executive sponsor ...) into
one 0-100 health score per account, a band (red / yellow / green by default) and one
``contrib_<column>`` per measure that add up to the score. :meth:`Scorecard.calibrate` learns the
weights from outcomes (logistic regression), and :meth:`Scorecard.backtest` tells how well a
score would have predicted churn: exact AUC, Brier score, churn by decile and by band.

Missing values (NaN) are never guessed: ``missing="renormalize"`` scores an account over the
measures it has, ``missing="penalize"`` scores a missing measure 0, and accounts with fewer than
``min_measures`` measures get no score (NaN) rather than a made-up one.

Examples
--------
>>> import pandas as pd, cssegment as cs
>>> card = cs.Scorecard([cs.Measure("nps", cs.Bands([7, 9], [0, 50, 100])),
...                      cs.Measure("tickets", cs.Linear(10, 0))])
>>> card.score(pd.DataFrame({"nps": [10, 5], "tickets": [2, 8]}))[["score", "band"]]
   score band
0   90.0  green
1   10.0    red
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from . import _core, _display, _frame
from ._core import InvalidInputError
from ._model import Model

__all__ = [
    "Backtest",
    "Bands",
    "Boolean",
    "CalibratedScorecard",
    "Linear",
    "Measure",
    "Percentile",
    "Scorecard",
    "ScorecardSet",
    "ZScore",
    "auc",
    "brier",
]

DEFAULT_BANDS: Mapping[str, float] = {"red": 0.0, "yellow": 50.0, "green": 75.0}


# ----------------------------------------------------------------------------------------------
# Normalisers: plain parameter holders; fitted state lives in the Scorecard.


@dataclasses.dataclass(frozen=True)
class Linear:
    """0 points at ``bad``, 100 at ``good``, linear in between, clamped outside.

    Parameters
    ----------
    bad, good : float
        The values that score 0 and 100; ``bad > good`` means lower values are healthier (e.g.
        open tickets).

    Examples
    --------
    >>> import cssegment as cs
    >>> card = cs.Scorecard([cs.Measure("tickets", cs.Linear(bad=10, good=0))])
    >>> card.transform({"tickets": [0, 4, 25]})["tickets"].tolist()
    [100.0, 60.0, 0.0]
    """

    bad: float
    good: float

    def _core(self) -> Any:
        return _core.Normalizer.linear(_frame.number(self.bad, "bad"), _frame.number(self.good, "good"))


@dataclasses.dataclass(frozen=True)
class Bands:
    """A value in ``[edges[i-1], edges[i])`` scores ``scores[i]``.

    Parameters
    ----------
    edges : sequence of float
        Strictly ascending boundaries.
    scores : sequence of float
        Points of each band, 0-100; ``len(scores) == len(edges) + 1``.

    Examples
    --------
    ``Bands([7, 9], [0, 50, 100])`` scores NPS detractors 0, passives 50, promoters 100:

    >>> import cssegment as cs
    >>> card = cs.Scorecard([cs.Measure("nps", cs.Bands([7, 9], [0, 50, 100]))])
    >>> card.transform({"nps": [3, 7, 8, 9, 10]})["nps"].tolist()
    [0.0, 50.0, 50.0, 100.0, 100.0]
    """

    edges: Sequence[float]
    scores: Sequence[float]

    def _core(self) -> Any:
        return _core.Normalizer.bands(_frame.numbers(self.edges, "edges"), _frame.numbers(self.scores, "scores"))


@dataclasses.dataclass(frozen=True)
class _PeerGroupNormalizer:
    """What Percentile and ZScore share: learned in ``fit``, overall or within peer groups."""

    by: str | None = None
    _: dataclasses.KW_ONLY
    higher_is_better: bool = True
    unseen: str = "population"

    _factory: ClassVar[str]

    def __post_init__(self) -> None:
        if self.by is not None and not (isinstance(self.by, str) and self.by):
            raise InvalidInputError(f"by: {self.by!r} must name a column of peer-group labels, or be None")

    def _core(self) -> Any:
        make = getattr(_core.Normalizer, self._factory)
        higher_is_better = _frame.flag(self.higher_is_better, "higher_is_better")
        return make(self.by or "", higher_is_better, _frame.text(self.unseen, "unseen"))


@dataclasses.dataclass(frozen=True)
class Percentile(_PeerGroupNormalizer):
    """Mid-rank percentile of the value among the values seen in ``fit`` (ties count half).

    With ``by`` (a column of labels such as the segment) each account is compared with its peer
    group. A group not seen in ``fit`` (or seen only with missing values, or a missing label) is
    compared with the whole population
    when ``unseen="population"`` (the default), or raises InvalidInputError with
    ``unseen="raise"``. ``higher_is_better=False`` reverses the scale. Up to 4,096 distinct fitted
    values are kept exactly; beyond that, 4,096 evenly spaced order statistics (percentiles then
    within 0.025 points of exact).

    Parameters
    ----------
    by : str, optional
        Column of peer-group labels.
    higher_is_better : bool
        False reverses the scale.
    unseen : {"population", "raise"}
        What to do with a peer group not seen in ``fit``.

    Examples
    --------
    >>> import cssegment as cs
    >>> card = cs.Scorecard([cs.Measure("logins", cs.Percentile(by="segment"))])
    >>> data = {"logins": [1, 2, 3, 10, 20], "segment": ["SMB", "SMB", "SMB", "Ent", "Ent"]}
    >>> card.fit(data).transform(data)["logins"].round(1).tolist()
    [16.7, 50.0, 83.3, 25.0, 75.0]
    """

    _factory: ClassVar[str] = "percentile"


@dataclasses.dataclass(frozen=True)
class ZScore(_PeerGroupNormalizer):
    """The percentile of a normal distribution fitted to the values: ``100 * Phi((x - mean) / sd)``.

    The mean and (population) standard deviation are learned in ``fit``; 50 when sd is 0.
    ``by`` and ``unseen`` as in :class:`Percentile`.

    Parameters
    ----------
    by : str, optional
        Column of peer-group labels.
    higher_is_better : bool
        False reverses the scale.
    unseen : {"population", "raise"}
        What to do with a peer group not seen in ``fit``.

    Examples
    --------
    >>> import cssegment as cs
    >>> card = cs.Scorecard([cs.Measure("tickets", cs.ZScore(higher_is_better=False))])
    >>> data = {"tickets": [0, 5, 10]}
    >>> card.fit(data).transform(data)["tickets"].round(1).tolist()
    [89.0, 50.0, 11.0]
    """

    _factory: ClassVar[str] = "zscore"


@dataclasses.dataclass(frozen=True)
class Boolean:
    """True (1) scores 100 and False (0) scores 0, or the reverse with ``higher_is_better=False``.

    Parameters
    ----------
    higher_is_better : bool
        False: True scores 0 (e.g. an overdue invoice).

    Examples
    --------
    >>> import cssegment as cs
    >>> card = cs.Scorecard([cs.Measure("overdue_invoice", cs.Boolean(higher_is_better=False))])
    >>> card.transform({"overdue_invoice": [True, False]})["overdue_invoice"].tolist()
    [0.0, 100.0]
    """

    higher_is_better: bool = True

    def _core(self) -> Any:
        return _core.Normalizer.boolean(_frame.flag(self.higher_is_better, "higher_is_better"))


Normalizer = Linear | Bands | Percentile | ZScore | Boolean


def _normalizer_of(core: Any) -> Normalizer:
    kind = core.kind
    if kind == "linear":
        return Linear(core.bad, core.good)
    if kind == "bands":
        return Bands(list(core.edges), list(core.scores))
    if kind == "boolean":
        return Boolean(core.higher_is_better)
    learned = Percentile if kind == "percentile" else ZScore
    return learned(core.by or None, higher_is_better=core.higher_is_better, unseen=core.unseen)


@dataclasses.dataclass(frozen=True)
class Measure:
    """One signal of a scorecard: the column, how it becomes 0-100 points, and its weight.

    Parameters
    ----------
    column : str
        Column of the data scored.
    normalizer : Linear, Bands, Percentile, ZScore or Boolean
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


# ----------------------------------------------------------------------------------------------
# Conversions


def _index(data: Any) -> pd.Index:
    return data.index if isinstance(data, pd.DataFrame) else pd.RangeIndex(_rows(data))


def _rows(data: Any) -> int:
    if isinstance(data, pd.DataFrame):
        return len(data)
    if isinstance(data, Mapping):
        first: Any = next(iter(data.values()), [])
        if not hasattr(first, "__len__") or isinstance(first, str):
            raise InvalidInputError(f"data: columns must be arrays, lists or Series, got {type(first).__name__}")
        return len(first)
    raise InvalidInputError(f"data: expected a DataFrame or a mapping of columns, got {type(data).__name__}")


_Columns = list[tuple[str, np.ndarray, list[str] | None]]


def _columns(data: Any, core: Any) -> tuple[_Columns, int]:
    """The columns a core scorecard reads: measures as float64, peer groups as label codes."""
    groups = [normalizer.by for _, normalizer, _ in core.measures if normalizer.by]
    return _columns_named(data, [column for column, _, _ in core.measures], groups)


def _columns_named(data: Any, numeric: Sequence[str], labels: Sequence[str]) -> tuple[_Columns, int]:
    rows = _rows(data)
    columns: _Columns = []
    for column in dict.fromkeys(numeric):
        values = _frame.numeric(_frame.column(data, column), f"data[{column!r}]")
        _frame.check_length(f"data[{column!r}]", values, "data", rows)
        columns.append((column, values, None))
    for name in dict.fromkeys(labels):
        if name not in numeric:
            codes, categories = _frame.labels(_frame.column(data, name), f"data[{name!r}]")
            columns.append((name, codes, categories))
    return columns, rows


def _score_frame(
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


def _previous_scores(previous: _frame.ArrayLike | None, rows: int) -> np.ndarray | None:
    """Earlier scores, one per row (the core checks they are on the 0-100 scale)."""
    if previous is None:
        return None
    earlier = _frame.numeric(previous, "previous", booleans=False)
    _frame.check_length("previous", earlier, "data", rows)
    return earlier


def _outcome(data: Any, outcome: str | _frame.ArrayLike, rows: int) -> np.ndarray:
    if isinstance(outcome, str):
        values = _frame.numeric(_frame.column(data, outcome), outcome)
    else:
        values = _frame.numeric(outcome, "outcome")
    _frame.check_length("outcome", values, "data", rows)
    return values


# ----------------------------------------------------------------------------------------------
# Backtest


@dataclasses.dataclass(frozen=True, repr=False)
class Backtest(_display.Summarized):
    """How well a health score would have predicted churn.

    ``auc`` is the probability that an account that churned scored lower than one that stayed
    (ties count half; 0.5 is no better than chance). ``brier`` is the mean squared error of the
    churn probabilities (calibrated scorecards only). ``deciles`` (1 = least healthy) and ``bands``
    hold accounts, churned, churn_rate, lift (churn rate / overall churn rate) and the score range.
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
    (0.721, 2000, 0)
    >>> result.bands[["accounts", "churn_rate", "lift"]].round(2)
            accounts  churn_rate  lift
    band
    red          459        0.51  1.80
    yellow       747        0.31  1.09
    green        794        0.13  0.45
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


def _churn_table(groups: _core._ChurnGroups, index: pd.Index, churn_rate: float) -> pd.DataFrame:
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


def _backtest(
    score: np.ndarray, band: np.ndarray, band_names: Sequence[str], outcome: np.ndarray, brier: float | None
) -> Backtest:
    result = _core.backtest(score, band, len(band_names), outcome)
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


# ----------------------------------------------------------------------------------------------
# Scorecard


class Scorecard(Model):
    """A health scorecard: weighted (or worst-of) normalised measures, banded and explained.

    Parameters
    ----------
    measures : sequence of Measure
        Column, normaliser (:class:`Linear`, :class:`Bands`, :class:`Percentile`,
        :class:`ZScore`, :class:`Boolean`) and weight (finite, >= 0, not all 0) of each signal.
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

    _core_type = _core.Scorecard
    _model: _core.Scorecard

    def __init__(
        self,
        measures: Sequence[Measure],
        combine: str = "weighted",
        bands: Mapping[str, float] = DEFAULT_BANDS,
        missing: str = "renormalize",
        min_measures: int = 1,
    ) -> None:
        listed = []
        for i, measure in enumerate(_frame.listed(measures, "measures")):
            if not isinstance(measure, Measure):
                raise InvalidInputError(f"measures[{i}] = {measure!r}: expected a cssegment.Measure")
            normalizer = measure.normalizer
            if not isinstance(normalizer, (Linear, Bands, Percentile, ZScore, Boolean)):
                raise InvalidInputError(
                    f"measures[{i}].normalizer = {normalizer!r}: expected Linear, Bands, Percentile, ZScore or Boolean"
                )
            column = _frame.text(measure.column, f"measures[{i}].column")
            listed.append((column, normalizer._core(), _frame.number(measure.weight, f"measures[{i}].weight")))
        if not isinstance(bands, Mapping):
            raise InvalidInputError(f"bands: expected a mapping of band name to lower bound, got {bands!r}")
        self._model = _core.Scorecard(
            listed,
            _frame.text(combine, "combine"),
            [_frame.text(name, "bands") for name in bands],
            [_frame.number(lower, f"bands[{name!r}]") for name, lower in bands.items()],
            _frame.text(missing, "missing"),
            _frame.integer(min_measures, "min_measures", 1),
        )

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
        return [Measure(column, _normalizer_of(n), weight) for column, n, weight in self._model.measures]

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

    def get_params(self) -> dict[str, Any]:
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

    def fit(self, data: pd.DataFrame | Mapping[str, Any]) -> Scorecard:
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
        columns, rows = _columns(data, self._model)
        self._model.fit(columns, rows)
        return self

    def transform(self, data: pd.DataFrame | Mapping[str, Any]) -> pd.DataFrame:
        """The normalised measures, before weighting.

        Parameters
        ----------
        data : pandas.DataFrame or mapping of columns
            Every measure's column.

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
        columns, rows = _columns(data, self._model)
        values = self._model.transform(columns, rows)
        names = [column for column, _, _ in self._model.measures]
        return pd.DataFrame(values.T, index=_index(data), columns=names, copy=False)

    def score(self, data: pd.DataFrame | Mapping[str, Any], previous: _frame.ArrayLike | None = None) -> pd.DataFrame:
        """Health of every account, explained.

        Parameters
        ----------
        data : pandas.DataFrame or mapping of columns
            Every measure's column.
        previous : array-like of float, optional
            Earlier scores in the same row order as ``data`` (NaN: none).

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
        columns, rows = _columns(data, self._model)
        earlier = _previous_scores(previous, rows)
        result = self._model.score(columns, rows, earlier)
        measures = [column for column, _, _ in self._model.measures]
        return _score_frame(result, self._model.band_names, measures, _index(data), {})

    def calibrate(
        self, data: pd.DataFrame | Mapping[str, Any], outcome: str | _frame.ArrayLike = "churned", l2: float = 1.0
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
            Column of ``data``, or values aligned with it: 1 (or True) = churned.
        l2 : float
            L2 penalty on the coefficients (>= 0).

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
        columns, rows = _columns(data, self._model)
        values = _outcome(data, outcome, rows)
        return CalibratedScorecard._wrap(
            _core.CalibratedScorecard.calibrate(self._model, columns, rows, values, _frame.number(l2, "l2"))
        )

    def backtest(self, data: pd.DataFrame | Mapping[str, Any], outcome: str | _frame.ArrayLike = "churned") -> Backtest:
        """How well these scores would have predicted ``outcome``.

        Parameters
        ----------
        data : pandas.DataFrame or mapping of columns
            Every measure's column.
        outcome : str or array-like
            Column of ``data``, or values aligned with it: 1 (or True) = churned.

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
        scores = self.score(data)
        values = _outcome(data, outcome, len(scores))
        band = np.asarray(scores["band"].cat.codes, dtype=np.int8)
        return _backtest(scores["score"].to_numpy(), band, self._model.band_names, values, None)


def _measures_table(card: Scorecard) -> str:
    rows = [(m.column, repr(m.normalizer), m.weight) for m in card.measures]
    return _display.table(rows, header=["measure", "normalizer", "weight"])


# ----------------------------------------------------------------------------------------------
# Calibrated scorecard


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
    0  83.62   green               0.16
    1  71.33  yellow               0.29
    2  87.49   green               0.13
    """

    _core_type = _core.CalibratedScorecard
    _model: _core.CalibratedScorecard

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
        seats_used_pct   -3.178
        tickets_90d      -1.108
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
        1.896
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

    def get_params(self) -> dict[str, Any]:
        return {"scorecard": self.scorecard, "l2": self.l2}

    def _repr_fields(self) -> Mapping[str, Any]:
        coef = {name: float(f"{c:.4g}") for name, c in self.coef_.items()}
        return {"coef": coef, "intercept": float(f"{self.intercept_:.4g}"), "l2": self.l2}

    def _html_sections(self) -> list[str]:
        learned = pd.DataFrame({"coef": self.coef_, "mean": self.means_})
        fit = _display.table([("intercept_", self.intercept_), ("n_iter_", self.n_iter_), ("l2", self.l2)])
        return [_display.frame(learned, caption="coef_ (churn log-odds per unit of x)"), fit]

    def predict_proba(self, data: pd.DataFrame | Mapping[str, Any]) -> pd.Series:
        """Churn probability of every account.

        Parameters
        ----------
        data : pandas.DataFrame or mapping of columns
            Every measure's column; missing measures are imputed with :attr:`means_`.

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
        [0.795, 0.112]
        """
        columns, rows = _columns(data, self._model.scorecard)
        return pd.Series(self._model.predict_proba(columns, rows), index=_index(data), name="churn_probability")

    def score(self, data: pd.DataFrame | Mapping[str, Any]) -> pd.DataFrame:
        """Health as ``score`` = 100 * (1 - churn probability), its ``band`` and the probability.

        Parameters
        ----------
        data : pandas.DataFrame or mapping of columns
            Every measure's column.

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
        0   88.8  green                0.1
        """
        probability = self.predict_proba(data)
        score = 100.0 * (1.0 - probability.to_numpy())
        lowers = self._model.scorecard.band_lowers
        codes = (np.searchsorted(lowers, score, side="right") - 1).astype(np.int8)
        return pd.DataFrame(
            {
                "score": score,
                "band": _frame.categorical(codes, self._model.scorecard.band_names),
                "churn_probability": probability.to_numpy(),
            },
            index=probability.index,
        )

    def as_scorecard(self) -> Scorecard:
        """The scorecard with the learned weights (-coef).

        A measure whose coefficient says it *raises* churn as it improves contradicts its
        direction: it gets weight 0 and a ``UserWarning``.

        Returns
        -------
        Scorecard
            The scorecard with weights -coef (0 where a coefficient is positive).

        Examples
        --------
        >>> import cssegment as cs
        >>> book = cs.datasets.synthetic_book(2000, seed=1).accounts
        >>> card = cs.Scorecard([cs.Measure("seats_used_pct", cs.Linear(0, 100)),
        ...                      cs.Measure("tickets_90d", cs.Linear(10, 0))])
        >>> model = card.calibrate(book, "churned")
        >>> [round(measure.weight, 2) for measure in model.as_scorecard().measures]
        [3.18, 1.11]
        """
        wrong = [name for name, c in self.coef_.items() if c > 0]
        if wrong:
            warnings.warn(
                f"measure(s) {wrong} have a positive churn coefficient (healthier values went with more churn); "
                "their weight is set to 0",
                UserWarning,
                stacklevel=2,
            )
        return Scorecard._wrap(self._model.as_scorecard())

    def backtest(self, data: pd.DataFrame | Mapping[str, Any], outcome: str | _frame.ArrayLike = "churned") -> Backtest:
        """AUC, Brier score, and churn rate and lift by decile and band of ``100 * (1 - p)``.

        Parameters
        ----------
        data : pandas.DataFrame or mapping of columns
            Every measure's column.
        outcome : str or array-like
            Column of ``data``, or values aligned with it: 1 (or True) = churned.

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
        (0.726, 0.1766)
        """
        scores = self.score(data)
        values = _outcome(data, outcome, len(scores))
        brier_score = _core.brier(scores["churn_probability"].to_numpy(), values)
        band = np.asarray(scores["band"].cat.codes, dtype=np.int8)
        return _backtest(scores["score"].to_numpy(), band, self._model.scorecard.band_names, values, brier_score)


# ----------------------------------------------------------------------------------------------
# ScorecardSet


class ScorecardSet(Model):
    """One scorecard per segment or lifecycle stage, with a default for the others.

    ``by`` names the column holding each account's segment. All scorecards must share the same
    band names (each bands its scores with its own bounds). ``fit`` fits each scorecard on its own
    segment's rows (the default on the rows no other scorecard takes, or on all rows when there
    are none). ``score`` returns the columns of :meth:`Scorecard.score` plus ``scorecard`` (which
    one scored the row); ``contrib_<column>`` covers every measure of every scorecard, 0 for
    measures not in the row's scorecard (so a row's contributions still add up to its score), NaN
    where there is no score. Without a default, an account of another segment (or of none) is an
    error. Scoring runs in the C++ core, parallel across rows.

    Parameters
    ----------
    scorecards : mapping of str to Scorecard
        Segment -> its scorecard.
    default : Scorecard, optional
        The scorecard of every other segment.
    by : str
        Column of each account's segment.

    Examples
    --------
    >>> import pandas as pd, cssegment as cs
    >>> usage = cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20))])
    >>> sponsor = cs.Scorecard([cs.Measure("sponsor", cs.Boolean())])
    >>> cards = cs.ScorecardSet({"Enterprise": sponsor}, default=usage)
    >>> df = pd.DataFrame({"segment": ["Enterprise", "SMB"], "logins": [2, 15], "sponsor": [True, False]})
    >>> cards.score(df)[["score", "band", "scorecard", "contrib_sponsor", "contrib_logins"]]
       score   band   scorecard  contrib_sponsor  contrib_logins
    0  100.0  green  Enterprise            100.0             0.0
    1   75.0  green     default              0.0            75.0
    """

    _core_type = _core.ScorecardSet
    _model: _core.ScorecardSet
    DEFAULT = "default"

    def __init__(
        self, scorecards: Mapping[str, Scorecard], default: Scorecard | None = None, by: str = "segment"
    ) -> None:
        if not isinstance(scorecards, Mapping):
            raise InvalidInputError(f"scorecards: expected a mapping of segment to Scorecard, got {scorecards!r}")
        cards = dict(scorecards)
        for name, card in [*cards.items(), *([(self.DEFAULT, default)] if default is not None else [])]:
            if not isinstance(card, Scorecard):
                raise InvalidInputError(f"scorecards[{name!r}] = {card!r}: expected a cssegment.Scorecard")
        # The core keeps copies: fitting the set does not change the scorecards given.
        self._model = _core.ScorecardSet(
            _frame.text(by, "by"),
            [(_frame.text(name, "scorecards"), card._model) for name, card in cards.items()],
            None if default is None else default._model,
        )

    @property
    def scorecards(self) -> dict[str, Scorecard]:
        """Segment -> its scorecard (copies: fit the set, not these).

        Examples
        --------
        >>> import cssegment as cs
        >>> usage = cs.Scorecard([cs.Measure("logins", cs.Percentile())])
        >>> cards = cs.ScorecardSet({"Enterprise": usage}, default=usage)
        >>> list(cards.scorecards)
        ['Enterprise']
        """
        return {name: Scorecard._wrap(card) for name, card in self._model.scorecards}

    @property
    def default(self) -> Scorecard | None:
        """The scorecard of accounts of every other segment (None: they are an error).

        Examples
        --------
        >>> import cssegment as cs
        >>> usage = cs.Scorecard([cs.Measure("logins", cs.Percentile())])
        >>> cards = cs.ScorecardSet({"Enterprise": usage}, default=usage)
        >>> cards.default == usage
        True
        """
        default = self._model.default
        return None if default is None else Scorecard._wrap(default)

    @property
    def by(self) -> str:
        """The column holding each account's segment.

        Examples
        --------
        >>> import cssegment as cs
        >>> usage = cs.Scorecard([cs.Measure("logins", cs.Percentile())])
        >>> cards = cs.ScorecardSet({"Enterprise": usage}, default=usage)
        >>> cards.by
        'segment'
        """
        return str(self._model.by)

    def get_params(self) -> dict[str, Any]:
        return {"scorecards": self.scorecards, "default": self.default, "by": self.by}

    def _repr_fields(self) -> Mapping[str, Any]:
        return {**self.get_params(), "scorecards": list(self.scorecards)}

    def _html_sections(self) -> list[str]:
        cards = [*self.scorecards.items(), *([(self.DEFAULT, self.default)] if self.default is not None else [])]
        rows = [
            (name, ", ".join(m.column for m in card.measures), card._model.combine, _display.short(card.bands))
            for name, card in cards
        ]
        return [_display.table(rows, header=[self.by, "measures", "combine", "bands"])]

    def _columns(self, data: Any) -> tuple[_Columns, int]:
        """The segment column and every column a scorecard reads that ``data`` has; the core names
        any missing one a scorecard with rows needs."""
        _rows(data)  # a DataFrame or a mapping of columns, before looking into it
        cards = [card for _, card in self._model.scorecards]
        if self._model.default is not None:
            cards.append(self._model.default)
        groups = [n.by for card in cards for _, n, _ in card.measures if n.by and n.by in data]
        numeric = [column for column in self._model.measure_columns if column in data]
        return _columns_named(data, numeric, [self.by, *groups])

    def fit(self, data: pd.DataFrame | Mapping[str, Any]) -> ScorecardSet:
        """Fit each scorecard on its segment's rows.

        The default is fitted on the remaining rows (all rows when no row is left).

        Parameters
        ----------
        data : pandas.DataFrame or mapping of columns
            The ``by`` column and the columns the scorecards read.

        Returns
        -------
        ScorecardSet
            The set itself, fitted.

        Examples
        --------
        >>> import cssegment as cs
        >>> usage = cs.Scorecard([cs.Measure("logins", cs.Percentile())])
        >>> cards = cs.ScorecardSet({"Enterprise": usage}, default=usage)
        >>> data = {"segment": ["Enterprise", "Enterprise", "SMB", "SMB"], "logins": [10, 30, 1, 3]}
        >>> cards.fit(data).score(data)["score"].tolist()
        [25.0, 75.0, 25.0, 75.0]
        """
        columns, rows = self._columns(data)
        self._model.fit(columns, rows)
        return self

    def score(self, data: pd.DataFrame | Mapping[str, Any], previous: _frame.ArrayLike | None = None) -> pd.DataFrame:
        """Score each account with its segment's scorecard.

        Parameters
        ----------
        data : pandas.DataFrame or mapping of columns
            The ``by`` column and the columns the scorecards read.
        previous : array-like of float, optional
            Earlier scores in the same row order as ``data`` (NaN: none).

        Returns
        -------
        pandas.DataFrame
            The columns of :meth:`Scorecard.score` plus ``scorecard`` (which one scored the row).

        Raises
        ------
        InvalidInputError
            If an account's segment has no scorecard and there is no default.

        Examples
        --------
        >>> import cssegment as cs
        >>> cards = cs.ScorecardSet({"Enterprise": cs.Scorecard([cs.Measure("logins", cs.Linear(0, 20))])})
        >>> cards.score({"segment": ["Enterprise"], "logins": [15]})[["score", "scorecard"]]
           score   scorecard
        0   75.0  Enterprise
        """
        columns, rows = self._columns(data)
        earlier = _previous_scores(previous, rows)
        result = self._model.score(columns, rows, earlier)
        which = pd.Categorical.from_codes(result["scorecard"], categories=pd.Index(self._model.scorecard_names))
        index = _index(data)
        return _score_frame(result, self._model.band_names, self._model.measure_columns, index, {"scorecard": which})


# ----------------------------------------------------------------------------------------------
# Metrics of scores


def auc(health: _frame.ArrayLike, churned: _frame.ArrayLike) -> float:
    """Exact AUC of a health score.

    The probability that an account that churned scored lower than one that stayed, ties counting
    half. Equals ``sklearn.metrics.roc_auc_score(churned, -health)``; O(n log n) and exact, never
    sampled.

    Parameters
    ----------
    health : array-like of float
        Health scores (finite).
    churned : array-like
        1 (or True) = churned, 0 = retained.

    Returns
    -------
    float
        0.5 is no better than chance; 1 ranks every churned account below every retained one.

    Examples
    --------
    >>> import cssegment as cs
    >>> cs.health.auc([10, 50, 50, 90], [True, True, False, False])
    0.875
    """
    return float(_core.auc(_frame.numeric(health, "health"), _frame.numeric(churned, "churned")))


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
    return float(_core.brier(_frame.numeric(probability, "probability"), _frame.numeric(outcome, "outcome")))
