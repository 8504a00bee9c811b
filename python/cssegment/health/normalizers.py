"""Normalisers: how a raw signal becomes 0-100 points (mirrors ``include/cssegment/health/normalizers.hpp``).

They are plain parameter holders; fitted state (percentiles, means) lives in the Scorecard.

Examples
--------
>>> import cssegment as cs
>>> card = cs.Scorecard([cs.Measure("tickets", cs.health.normalizers.Linear(bad=10, good=0))])
>>> card.transform({"tickets": [0, 5]})["tickets"].tolist()
[100.0, 50.0]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from .. import _core, _frame
from .._core import InvalidInputError
from .._model import Check

__all__ = [
    "Bands",
    "Boolean",
    "Category",
    "Linear",
    "Normalizer",
    "Percentile",
    "Trend",
    "ZScore",
]  # and normalizer_of, package-internal


def _peer_column(value: Any, argument: str) -> str:
    """A column of peer-group labels, or None (the core reads "" as none)."""
    if value is not None and not (isinstance(value, str) and value):
        raise InvalidInputError(f"{argument}: {value!r} must name a column of peer-group labels, or be None")
    return value or ""


class _Declared:
    """A normaliser whose fields are checked once, as declared: ``_parameters`` maps each field, in
    the order of the core factory ``_core.health.normalizer.<_factory>``, to its check."""

    _factory: ClassVar[str]
    _parameters: ClassVar[Mapping[str, Check]]

    def _core(self) -> Any:
        make = getattr(_core.health.normalizer, self._factory)
        return make(*(check(getattr(self, name), name) for name, check in self._parameters.items()))


@dataclasses.dataclass(frozen=True)
class Linear(_Declared):
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

    _factory: ClassVar[str] = "linear"
    _parameters: ClassVar[Mapping[str, Check]] = {"bad": _frame.number, "good": _frame.number}


@dataclasses.dataclass(frozen=True)
class Bands(_Declared):
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

    _factory: ClassVar[str] = "bands"
    _parameters: ClassVar[Mapping[str, Check]] = {"edges": _frame.numbers, "scores": _frame.numbers}


@dataclasses.dataclass(frozen=True)
class _PeerGroupNormalizer(_Declared):
    """What Percentile and ZScore share: learned in ``fit``, overall or within peer groups."""

    by: str | None = None
    _: dataclasses.KW_ONLY
    higher_is_better: bool = True
    unseen: str = "population"

    _parameters: ClassVar[Mapping[str, Check]] = {
        "by": _peer_column,
        "higher_is_better": _frame.flag,
        "unseen": _frame.text,
    }

    def __post_init__(self) -> None:
        # The peer-group column is refused when the normaliser is made; the rest when it is used.
        self._parameters["by"](self.by, "by")


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


def _true_labels(value: Any, argument: str) -> list[str]:
    """The labels read as true: one label or a list of them; None (no labels) for a 0/1 column."""
    if value is None:
        return []
    return [_frame.text(value, argument)] if isinstance(value, str) else _frame.texts(value, argument)


@dataclasses.dataclass(frozen=True)
class Boolean(_Declared):
    """True (1) scores 100 and False (0) scores 0, or the reverse with ``higher_is_better=False``.

    The column holds ``True``/``False`` (a bool column, or an object column of bools with ``None``
    for missing) or ``1``/``0``. A column of text labels (``"Yes"``/``"No"``) needs ``true=``: the
    labels read as true; every other label is false, and a missing label is a missing measure.

    Parameters
    ----------
    higher_is_better : bool
        False: True scores 0 (e.g. an overdue invoice).
    true : str or sequence of str, optional
        The labels that mean true, for a column of labels.

    Examples
    --------
    >>> import cssegment as cs
    >>> card = cs.Scorecard([cs.Measure("overdue_invoice", cs.Boolean(higher_is_better=False))])
    >>> card.transform({"overdue_invoice": [True, False]})["overdue_invoice"].tolist()
    [0.0, 100.0]
    >>> card = cs.Scorecard([cs.Measure("tech_support", cs.Boolean(true="Yes"))])
    >>> card.transform({"tech_support": ["Yes", "No", "No internet service", None]})["tech_support"].tolist()
    [100.0, 0.0, 0.0, nan]
    """

    higher_is_better: bool = True
    true: str | Sequence[str] | None = None

    _factory: ClassVar[str] = "boolean"
    _parameters: ClassVar[Mapping[str, Check]] = {"higher_is_better": _frame.flag, "true": _true_labels}


def _unknown_policy(value: Any, argument: str) -> str:
    if value not in ("error", "missing"):
        raise InvalidInputError(f"{argument}: {value!r} must be 'error' or 'missing'")
    return str(value)


def _points(value: Any, argument: str) -> tuple[list[str], list[float]]:
    if not isinstance(value, Mapping):
        raise InvalidInputError(f"{argument}: expected a mapping of label to points, got {type(value).__name__}")
    labels = [_frame.text(label, argument) for label in value]
    return labels, [_frame.number(points, f"{argument}[{label!r}]") for label, points in value.items()]


@dataclasses.dataclass(frozen=True)
class Category(_Declared):
    """Each label of a text or categorical column scores its own points (0-100).

    For plans, contract types, regions ...: ``Category({"Month-to-month": 0, "One year": 60,
    "Two year": 100})``. A missing label is a missing measure. A label without points is an
    error naming the row and the label (``unknown="error"``, the default), or a missing measure
    (``unknown="missing"``).

    A Category measure calibrates like any other measure: :meth:`Scorecard.calibrate` learns one
    weight on its points (not one per label), so the points set the order and spacing of the
    labels and calibration sets how much the measure counts.

    Parameters
    ----------
    points : mapping of str to float
        Label -> points, each in [0, 100].
    unknown : {"error", "missing"}
        What a label without points does.

    Examples
    --------
    >>> import cssegment as cs
    >>> contract = cs.Category({"Month-to-month": 0, "One year": 60, "Two year": 100})
    >>> card = cs.Scorecard([cs.Measure("contract", contract)])
    >>> card.transform({"contract": ["Two year", "Month-to-month", None]})["contract"].tolist()
    [100.0, 0.0, nan]
    """

    points: Mapping[str, float]
    unknown: str = "error"

    _factory: ClassVar[str] = "category"
    _parameters: ClassVar[Mapping[str, Check]] = {"points": _points, "unknown": _unknown_policy}

    def _core(self) -> Any:
        labels, scores = _points(self.points, "points")
        return _core.health.normalizer.category(labels, scores, _unknown_policy(self.unknown, "unknown"))


def _earlier_column(value: Any, argument: str) -> str:
    """The column of earlier values, or None for the default name (the core reads "" as that)."""
    return "" if value is None else _frame.text(value, argument)


@dataclasses.dataclass(frozen=True)
class Trend(_Declared):
    """The relative change of the measure over ``periods`` periods, scored like :class:`Linear`.

    The change is ``(now - then) / abs(then)``; ``bad`` and ``good`` are the changes that score 0
    and 100 (e.g. ``bad=-0.5, good=0.1``: a 50% drop scores 0, 10% growth 100), linear in
    between and clipped outside. ``then == 0``, or either value missing, is a missing measure
    (the scorecard's ``missing`` policy applies).

    In :meth:`Scorecard.score_history` ``then`` is the same account's value ``periods`` periods
    earlier on the calendar (period ordinal minus ``periods``: for months, ``periods`` months
    back), missing when the history has no row for that account and period; the history must not
    hold the ``earlier`` column itself. In a snapshot (:meth:`Scorecard.score`,
    :meth:`Scorecard.transform`, calibration) ``then`` is read from the column named by
    ``earlier``, default ``"<column> <periods> periods earlier"`` (e.g.
    ``"logins 3 periods earlier"``). This is unrelated to ``score(previous=...)``, which takes
    earlier *scores* for the score's ``trend`` column.

    Parameters
    ----------
    periods : int
        How many periods back, >= 1.
    bad, good : float
        The relative changes scoring 0 and 100 (different, finite).
    earlier : str, optional
        The snapshot column of earlier values.

    Examples
    --------
    >>> import cssegment as cs
    >>> card = cs.Scorecard([cs.Measure("logins", cs.Trend(periods=3, bad=-0.5, good=0.5, earlier="before"))])
    >>> card.transform({"logins": [15, 5, 12, 7], "before": [10, 10, 0, None]})["logins"].tolist()
    [100.0, 0.0, nan, nan]
    """

    periods: int = 3
    _: dataclasses.KW_ONLY
    bad: float
    good: float
    earlier: str | None = None

    _factory: ClassVar[str] = "trend"
    _parameters: ClassVar[Mapping[str, Check]] = {
        "periods": _frame.integer,
        "bad": _frame.number,
        "good": _frame.number,
        "earlier": _earlier_column,
    }


Normalizer = Linear | Bands | Percentile | ZScore | Boolean | Category | Trend


def normalizer_of(core: Any) -> Normalizer:
    """The Python normaliser of a core one (the parameters it was built with)."""
    kind = core.kind
    if kind == "linear":
        return Linear(core.bad, core.good)
    if kind == "trend":
        return Trend(core.periods, bad=core.bad, good=core.good, earlier=core.earlier or None)
    if kind == "bands":
        return Bands(list(core.edges), list(core.scores))
    if kind == "boolean":
        return Boolean(core.higher_is_better, list(core.labels) or None)
    if kind == "category":
        return Category(dict(zip(core.labels, core.scores)), core.unknown)
    learned = Percentile if kind == "percentile" else ZScore
    return learned(core.by or None, higher_is_better=core.higher_is_better, unseen=core.unseen)
