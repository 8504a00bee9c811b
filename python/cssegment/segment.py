"""Segmentation: revenue tiers, the client-size x contract-value quadrants, rule-based segments,
learned (k-means) segments, transition reports, coverage planning, CSM book assignment and the
engagement cadence.

Every model assigns an ordered ``pandas.Categorical`` whose categories are ranked lowest first,
pickles, and round-trips through JSON. Hysteresis (``previous=``) keeps accounts in their segment
while their value wobbles near a boundary.

Examples
--------
>>> import cssegment as cs
>>> tiers = cs.TierModel.touch().assign([2_000, 30_000, 30_000, 90_000])
>>> tiers.value_counts().to_dict()
{'Tech touch': 1, 'Low touch': 2, 'High touch': 1}
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _core, _display, _frame, _progress
from ._core import InvalidInputError
from ._model import Model

__all__ = [
    "CadencePolicy",
    "KMeans",
    "OwnerAssignment",
    "QuadrantModel",
    "RuleModel",
    "Segment",
    "TierModel",
    "assign_owners",
    "coverage",
    "transitions",
]

Labels = _frame.Labels
Ratio = float | None


def _ratios(csm_ratios: Sequence[Ratio] | None, argument: str = "csm_ratios") -> list[Ratio]:
    if csm_ratios is None:
        return []
    listed = _frame.listed(csm_ratios, argument)
    return [None if r is None else _frame.number(r, f"{argument}[{i}]") for i, r in enumerate(listed)]


class _SegmentModel(Model):
    """What every segmentation model shares: labels and CSM ratios."""

    _model: _core.TierModel | _core.QuadrantModel | _core.RuleModel

    @property
    def categories(self) -> list[str]:
        """Segment labels ranked lowest first, as ``assign`` returns them.

        Examples
        --------
        >>> import cssegment as cs
        >>> cs.TierModel.touch().categories
        ['Tech touch', 'Low touch', 'High touch']
        """
        return list(self._model.categories)

    @property
    def csm_ratios(self) -> dict[str, Ratio]:
        """Accounts per CSM for each segment (None: no CSM).

        Examples
        --------
        >>> import cssegment as cs
        >>> cs.TierModel.touch().csm_ratios
        {'Tech touch': 1000.0, 'Low touch': 100.0, 'High touch': 15.0}
        """
        return dict(zip(self.categories, self._model.csm_ratios))

    def _previous_codes(self, previous: Labels | None, rows: int) -> np.ndarray | None:
        if previous is None:
            return None
        _frame.check_length("previous", previous, "data", rows)
        return _frame.codes_for(previous, self.categories, "previous")


class TierModel(_SegmentModel):
    """Revenue tiers: tier *i* holds values in ``[thresholds[i-1], thresholds[i])``.

    Parameters
    ----------
    thresholds : sequence of float
        Strictly ascending boundaries; ``len(names) == len(thresholds) + 1``.
    names : sequence of str
        Tier names, lowest tier first.
    field : str
        Column segmented on (default ``"arr"``); values must be finite and >= 0.
    csm_ratios : sequence of float or None, optional
        Accounts per CSM for each tier (None: no CSM).
    hysteresis : float
        With ``previous`` labels, an account keeps its previous tier while its value lies in
        ``[lo*(1-h), hi*(1+h))`` of that tier.
    missing : {"raise", "unassigned"}
        NaN values raise, or get the extra last category ``"Unassigned"``.

    Examples
    --------
    >>> import cssegment as cs
    >>> model = cs.TierModel.touch()
    >>> list(model.assign([5_000, 20_000, 80_000]))
    ['Tech touch', 'Low touch', 'High touch']
    """

    _core_type = _core.TierModel
    _model: _core.TierModel

    def __init__(
        self,
        thresholds: Sequence[float],
        names: Sequence[str],
        field: str = "arr",
        csm_ratios: Sequence[Ratio] | None = None,
        hysteresis: float = 0.0,
        missing: str = "raise",
    ) -> None:
        self._model = _core.TierModel(
            _frame.numbers(thresholds, "thresholds"),
            _frame.texts(names, "names"),
            _frame.text(field, "field"),
            _ratios(csm_ratios),
            _frame.number(hysteresis, "hysteresis"),
            _frame.text(missing, "missing"),
        )

    @classmethod
    def touch(cls, **overrides: Any) -> TierModel:
        """The coverage preset: Tech touch, Low touch and High touch.

        Tech touch < $10k <= Low touch < $50k <= High touch, at 1000:1, 100:1 and 15:1 accounts per
        CSM.

        Parameters
        ----------
        **overrides
            Constructor arguments to change from the preset (``field``, ``hysteresis`` ...).

        Returns
        -------
        TierModel

        Raises
        ------
        InvalidInputError
            If an override is not a constructor argument.

        Examples
        --------
        >>> import cssegment as cs
        >>> model = cs.TierModel.touch(field="arr_next_year", hysteresis=0.1)
        >>> model.get_params()["thresholds"], model.get_params()["field"]
        ([10000.0, 50000.0], 'arr_next_year')
        """
        params = cls._wrap(_core.TierModel.touch()).get_params()
        unknown = set(overrides) - set(params)
        if unknown:
            raise InvalidInputError(f"overrides: unknown parameter(s) {sorted(unknown)}; known: {sorted(params)}")
        params.update(overrides)
        return cls(**params)

    def get_params(self) -> dict[str, Any]:
        model = self._model
        return {
            "thresholds": list(model.thresholds),
            "names": list(model.names),
            "field": model.field,
            "csm_ratios": list(model.csm_ratios),
            "hysteresis": model.hysteresis,
            "missing": model.missing,
        }

    def _html_sections(self) -> list[str]:
        bounds = [0.0, *self._model.thresholds, float("inf")]
        rows = [
            (name, bounds[i], bounds[i + 1], self._model.csm_ratios[i] if self._model.csm_ratios else None)
            for i, name in enumerate(self._model.names)
        ]
        return [_display.table(rows, header=["tier", "from", "below", "csm_ratio"])]

    def assign(
        self, data: pd.DataFrame | Mapping[str, Any] | _frame.ArrayLike, previous: Labels | None = None
    ) -> pd.Categorical:
        """Tier of every account: from a DataFrame (its ``field`` column) or the values themselves.

        Parameters
        ----------
        data : pandas.DataFrame, mapping of columns, or array-like of float
            The accounts (the ``field`` column is read) or the values to segment.
        previous : array-like of str, optional
            Each account's earlier tier label (missing: no previous tier); turns hysteresis on.

        Returns
        -------
        pandas.Categorical
            Ordered tier labels, lowest tier first.

        Raises
        ------
        InvalidInputError
            If a value is negative or not finite (NaN too, with ``missing="raise"``), or a
            previous label is not a tier.

        Examples
        --------
        >>> import cssegment as cs
        >>> model = cs.TierModel.touch(hysteresis=0.1)
        >>> list(model.assign([52_000, 52_000], previous=["Low touch", None]))
        ['Low touch', 'High touch']
        """
        field = self._model.field
        raw = _frame.column(data, field) if isinstance(data, (pd.DataFrame, Mapping)) else data
        values = _frame.numeric(raw, field, booleans=False)
        codes = self._model.assign(values, self._previous_codes(previous, len(values)))
        return _frame.categorical(codes, self.categories)


class QuadrantModel(_SegmentModel):
    """Outside-in x inside-out: client size crossed with contract value.

    Large client & large contract = Enterprise; small client & large contract = Major; large
    client & small contract = Large Opportunity; small & small = Small Business. A value at or
    above a threshold is "large". ``names`` are listed in the order (small, small), (large
    client, small contract), (small client, large contract), (large, large).

    Parameters
    ----------
    size_field : str
        Column of client size (e.g. employees); finite and >= 0.
    size_threshold : float
        Client size from which a client is large.
    value_field : str
        Column of contract value (e.g. ARR); finite and >= 0.
    value_threshold : float
        Contract value from which a contract is large.
    names : sequence of 4 str
        Quadrant names, in the order above.
    hysteresis : float
        With ``previous`` labels, each axis is a two-tier split with TierModel's hysteresis: a
        quadrant changes only when one of its two values crosses its threshold by more than
        ``h`` (relative).
    csm_ratios : sequence of float or None, optional
        Accounts per CSM for each quadrant, in ``names`` order (None: no CSM).
    missing : {"raise", "unassigned"}
        NaN values raise, or get the extra last category ``"Unassigned"``.

    Examples
    --------
    >>> import pandas as pd, cssegment as cs
    >>> accounts = pd.DataFrame({"employees": [50, 5000], "arr": [80_000, 5_000]})
    >>> list(cs.QuadrantModel().assign(accounts))
    ['Major', 'Large Opportunity']
    """

    _core_type = _core.QuadrantModel
    _model: _core.QuadrantModel

    def __init__(
        self,
        size_field: str = "employees",
        size_threshold: float = 1000,
        value_field: str = "arr",
        value_threshold: float = 50_000,
        names: Sequence[str] = ("Small Business", "Large Opportunity", "Major", "Enterprise"),
        hysteresis: float = 0.0,
        csm_ratios: Sequence[Ratio] | None = None,
        missing: str = "raise",
    ) -> None:
        self._model = _core.QuadrantModel(
            _frame.text(size_field, "size_field"),
            _frame.number(size_threshold, "size_threshold"),
            _frame.text(value_field, "value_field"),
            _frame.number(value_threshold, "value_threshold"),
            _frame.texts(names, "names"),
            _frame.number(hysteresis, "hysteresis"),
            _ratios(csm_ratios),
            _frame.text(missing, "missing"),
        )

    def get_params(self) -> dict[str, Any]:
        model = self._model
        return {
            "size_field": model.size_field,
            "size_threshold": model.size_threshold,
            "value_field": model.value_field,
            "value_threshold": model.value_threshold,
            "names": list(model.names),
            "hysteresis": model.hysteresis,
            "csm_ratios": list(model.csm_ratios),
            "missing": model.missing,
        }

    def assign(self, data: pd.DataFrame | Mapping[str, Any], previous: Labels | None = None) -> pd.Categorical:
        """Quadrant of every account from the size and value columns of ``data``.

        Parameters
        ----------
        data : pandas.DataFrame or mapping of columns
            Holds the ``size_field`` and ``value_field`` columns.
        previous : array-like of str, optional
            Each account's earlier quadrant (missing: none); turns hysteresis on.

        Returns
        -------
        pandas.Categorical
            Ordered quadrant labels.

        Examples
        --------
        >>> import cssegment as cs
        >>> model = cs.QuadrantModel(size_threshold=500, value_threshold=20_000)
        >>> list(model.assign({"employees": [600, 100], "arr": [25_000, 1_000]}))
        ['Enterprise', 'Small Business']
        """
        model = self._model
        sizes = _frame.numeric(_frame.column(data, model.size_field), model.size_field, booleans=False)
        values = _frame.numeric(_frame.column(data, model.value_field), model.value_field, booleans=False)
        codes = model.assign(sizes, values, self._previous_codes(previous, len(sizes)))
        return _frame.categorical(codes, self.categories)


@dataclasses.dataclass(frozen=True)
class Segment:
    """One rule of a RuleModel.

    Accounts for which ``when`` is true (and no earlier rule matched) belong to ``name``.
    ``pooled`` segments share a pool of CSMs instead of named owners.

    Parameters
    ----------
    name : str
        The segment's label.
    when : str
        The rule, in the expression language of :class:`RuleModel`.
    csm_ratio : float or None
        Accounts per CSM (None: no CSM).
    pooled : bool
        Served by a pool of CSMs rather than named owners.

    Examples
    --------
    >>> import cssegment as cs
    >>> model = cs.RuleModel([cs.Segment("Key", "arr >= 100k or region == 'EMEA'", csm_ratio=20)])
    >>> list(model.assign({"arr": [150_000, 5_000, 5_000], "region": ["US", "EMEA", "US"]}))
    ['Key', 'Key', 'Unassigned']
    """

    name: str
    when: str
    csm_ratio: Ratio = None
    pooled: bool = False


class RuleModel(_SegmentModel):
    """Segments defined by rules over columns, first match wins.

    ``when`` expressions use column names, numbers (``50k``, ``1.5M``), comparisons, ``and`` /
    ``or`` / ``not``, parentheses, ``region in ("EMEA", "APAC")``, ``is_missing(col)`` and
    ``true``. A comparison with a missing value is unknown (SQL logic): a rule matches only when
    it is true. Categories are ranked lowest first: the default, then the rules from last to first.
    An expression may be up to 64 KiB long and nest up to 64 levels of parentheses and ``not``;
    longer or deeper ones raise ``InvalidInputError``.

    Hysteresis ``h`` with ``previous`` labels: an account keeps its previous segment while that
    segment's rule still matches with its numeric bounds relaxed by ``h`` (``arr >= c`` becomes
    ``arr >= c*(1-h)``, ``arr < c`` becomes ``arr < c*(1+h)``) and no rule ranked before it
    matches with its bounds tightened by ``h``; otherwise the plain first match decides. For a
    tier-shaped rule list this is exactly TierModel's hysteresis.

    Parameters
    ----------
    segments : sequence of Segment
        The rules, tried in order.
    default : str
        Segment of accounts no rule matches.
    hysteresis : float
        Relative slack of numeric bounds for accounts with ``previous`` labels (see above).
    default_csm_ratio : float or None
        Accounts per CSM in the default segment (None: no CSM).

    Examples
    --------
    >>> import pandas as pd, cssegment as cs
    >>> model = cs.RuleModel.four_tier()
    >>> accounts = pd.DataFrame({"arr": [300_000, 50_000, 20_000, 5_000],
    ...                          "potential": [1e6, 600_000, 30_000, 5_000]})
    >>> list(model.assign(accounts))
    ['Enterprise', 'Strategic', '1:Many', 'Self-Service']
    """

    _core_type = _core.RuleModel
    _model: _core.RuleModel

    def __init__(
        self,
        segments: Sequence[Segment],
        default: str = "Unassigned",
        hysteresis: float = 0.0,
        default_csm_ratio: Ratio = None,
    ) -> None:
        rules = []
        for i, segment in enumerate(_frame.listed(segments, "segments")):
            if not isinstance(segment, Segment):
                raise InvalidInputError(f"segments[{i}] = {segment!r}: expected a cssegment.Segment")
            ratio = None if segment.csm_ratio is None else _frame.number(segment.csm_ratio, f"segments[{i}].csm_ratio")
            name = _frame.text(segment.name, f"segments[{i}].name")
            when = _frame.text(segment.when, f"segments[{i}].when")
            rules.append((name, when, ratio, _frame.flag(segment.pooled, f"segments[{i}].pooled")))
        ratio = None if default_csm_ratio is None else _frame.number(default_csm_ratio, "default_csm_ratio")
        self._model = _core.RuleModel(
            rules, _frame.text(default, "default"), _frame.number(hysteresis, "hysteresis"), ratio
        )

    @classmethod
    def four_tier(
        cls,
        enterprise_arr: float = 250_000,
        strategic_arr: float = 100_000,
        strategic_potential: float = 500_000,
        one_to_many_arr: float = 10_000,
    ) -> RuleModel:
        """The four-tier preset: Enterprise, Strategic, 1:Many and Self-Service.

        Enterprise (10:1), Strategic by spend or potential (25:1), 1:Many (200:1, pooled) and
        Self-Service (no CSM).

        Parameters
        ----------
        enterprise_arr : float
            ARR from which an account is Enterprise.
        strategic_arr, strategic_potential : float
            ARR, or potential ARR, from which an account is Strategic.
        one_to_many_arr : float
            ARR from which an account is 1:Many; below it, Self-Service.

        Returns
        -------
        RuleModel

        Examples
        --------
        >>> import cssegment as cs
        >>> model = cs.RuleModel.four_tier(enterprise_arr=500_000)
        >>> [(s.name, s.when) for s in model.segments][0]
        ('Enterprise', 'arr >= 500000')
        """
        return cls._wrap(
            _core.RuleModel.four_tier(
                _frame.number(enterprise_arr, "enterprise_arr"),
                _frame.number(strategic_arr, "strategic_arr"),
                _frame.number(strategic_potential, "strategic_potential"),
                _frame.number(one_to_many_arr, "one_to_many_arr"),
            )
        )

    @property
    def segments(self) -> list[Segment]:
        """The rules, in the order they are tried.

        Examples
        --------
        >>> import cssegment as cs
        >>> [segment.name for segment in cs.RuleModel.four_tier().segments]
        ['Enterprise', 'Strategic', '1:Many']
        """
        return [Segment(*rule) for rule in self._model.segments]

    @property
    def pooled(self) -> dict[str, bool]:
        """Whether each segment is served by a pool of CSMs rather than named owners.

        Examples
        --------
        >>> import cssegment as cs
        >>> cs.RuleModel.four_tier().pooled["1:Many"]
        True
        """
        return dict(zip(self.categories, self._model.pooled))

    @property
    def columns(self) -> list[str]:
        """The columns the rules read.

        Examples
        --------
        >>> import cssegment as cs
        >>> cs.RuleModel.four_tier().columns
        ['arr', 'potential']
        """
        return list(self._model.columns)

    def get_params(self) -> dict[str, Any]:
        model = self._model
        return {
            "segments": self.segments,
            "default": model.default_name,
            "hysteresis": model.hysteresis,
            "default_csm_ratio": model.default_csm_ratio,
        }

    def _repr_fields(self) -> Mapping[str, Any]:
        return {**self.get_params(), "segments": [s.name for s in self.segments]}

    def _html_sections(self) -> list[str]:
        rows = [(s.name, s.when, s.csm_ratio, s.pooled) for s in self.segments]
        rows.append((self._model.default_name, "(no rule matched)", self._model.default_csm_ratio, False))
        return [_display.table(rows, header=["segment", "when", "csm_ratio", "pooled"])]

    def assign(self, data: pd.DataFrame | Mapping[str, Any], previous: Labels | None = None) -> pd.Categorical:
        """Segment of every account: the first rule that is true, else the default.

        Parameters
        ----------
        data : pandas.DataFrame or mapping of columns
            Must hold every column the rules read (:attr:`columns`): numbers, or labels for
            comparisons with strings.
        previous : array-like of str, optional
            Each account's earlier segment (missing: none); turns hysteresis on.

        Returns
        -------
        pandas.Categorical
            Ordered segment labels, lowest first.

        Examples
        --------
        >>> import cssegment as cs
        >>> model = cs.RuleModel([cs.Segment("Growth", "arr >= 10k and not is_missing(nps)")])
        >>> list(model.assign({"arr": [20_000, 20_000], "nps": [8, None]}))
        ['Growth', 'Unassigned']
        """
        columns: list[tuple[str, np.ndarray, list[str] | None]] = []
        rows: int | None = None
        for name in self._model.columns:
            raw = _frame.column(data, name)
            argument = f"data[{name!r}]"
            if _is_label_column(raw):
                label_codes, labels = _frame.labels(raw, argument)
                columns.append((name, label_codes, labels))
            else:
                columns.append((name, _frame.numeric(raw, argument), None))
            rows = len(raw) if rows is None else rows
        if rows is None:
            rows = len(data) if isinstance(data, pd.DataFrame) else len(next(iter(data.values()), []))
        codes = self._model.assign(columns, rows, self._previous_codes(previous, rows))
        return _frame.categorical(codes, self.categories)


def _is_label_column(values: Any) -> bool:
    dtype = getattr(values, "dtype", None)
    if dtype is None:
        values = np.asarray(values)
        dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype):
        if dtype == np.dtype(object):
            return any(isinstance(v, str) for v in np.asarray(values, dtype=object))
        return True
    return False


def _ranked(before: Labels, after: Labels, arguments: tuple[str, str] = ("before", "after")) -> list[str]:
    for labels in (before, after):
        dtype = getattr(labels, "dtype", None)
        if isinstance(labels, pd.Categorical) or isinstance(dtype, pd.CategoricalDtype):
            return [str(c) for c in pd.Categorical(labels).categories]
    found = [_frame.labels(labels, argument)[1] for labels, argument in zip((before, after), arguments)]
    return sorted({label for labels in found for label in labels})


def transitions(before: Labels, after: Labels, weights: _frame.ArrayLike | None = None) -> pd.DataFrame:
    """How accounts moved between segments: a from x to table.

    Counts (or summed ``weights``, e.g. ARR), with per-row ``upgraded``, ``downgraded``,
    ``unchanged`` and ``total``.

    Segments rank as the categories of ``before`` (or ``after``) if categorical, else sorted.
    Accounts with no label on a side (new or gone) are counted under ``"(none)"``.

    Parameters
    ----------
    before, after : array-like of str
        Each account's segment at the two dates, aligned (missing: no segment).
    weights : array-like of float, optional
        Summed instead of counting accounts (e.g. ARR).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``from``, columns ``to`` (every segment and ``"(none)"``), then
        ``upgraded``, ``downgraded``, ``unchanged`` and ``total``; int64 counts, or float sums
        of ``weights``.

    Examples
    --------
    >>> import cssegment as cs
    >>> model = cs.TierModel.touch()
    >>> table = cs.transitions(model.assign([5e3, 20e3]), model.assign([20e3, 20e3]))
    >>> int(table["upgraded"].sum()), int(table["unchanged"].sum())
    (1, 1)
    """
    _frame.check_length("after", after, "before", _frame.length(before, "before"))
    ranked = _ranked(before, after)
    before_codes = _frame.codes_for(before, ranked, "before")
    after_codes = _frame.codes_for(after, ranked, "after")
    weight_values = _frame.optional_array(weights, "weights")
    if weight_values is not None:
        _frame.check_length("weights", weight_values, "before", len(before_codes))
    cells, _ = _core.transitions(before_codes, after_codes, len(ranked), weight_values)
    labels = ranked + [_frame.NONE_LABEL]
    table = pd.DataFrame(cells, index=pd.Index(labels, name="from"), columns=pd.Index(labels, name="to"))
    k = len(ranked)
    inner = cells[:k, :k]
    summary = pd.DataFrame(
        {
            "upgraded": np.append(np.triu(inner, 1).sum(axis=1), 0.0),
            "downgraded": np.append(np.tril(inner, -1).sum(axis=1), 0.0),
            "unchanged": np.append(np.diag(inner), 0.0),
            "total": cells.sum(axis=1),
        },
        index=table.index,
    )
    result = pd.concat([table, summary], axis=1)
    if weight_values is None:
        result = result.astype(np.int64)
    return result


def coverage(
    segments: Labels,
    csm_ratios: Mapping[str, Ratio] | Sequence[Ratio] | _SegmentModel,
    arr: _frame.ArrayLike | None = None,
    csm_cost: float | None = None,
) -> pd.DataFrame:
    """Coverage plan per segment: how many CSMs each segment needs and what it costs.

    Accounts, ARR, CSM ratio, CSMs needed (fractional FTE), resource share, cost to serve per
    account (``csm_cost / ratio``), total cost and ARR per CSM.

    Parameters
    ----------
    segments : array-like of str
        Each account's segment.
    csm_ratios : segment model, mapping or sequence
        Accounts per CSM: a model (its ratios), a mapping from segment to ratio, or a list
        aligned with the categories. A ratio of None means no CSM (digital only).
    arr : array-like of float, optional
        Each account's ARR (adds ``arr`` and ``arr_per_csm``).
    csm_cost : float, optional
        Fully loaded cost of a CSM (adds ``cost_to_serve_per_account`` and ``total_cost``).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``segment``: ``accounts``, ``arr``, ``csm_ratio``, ``csms_needed``,
        ``resource_share``, ``cost_to_serve_per_account``, ``total_cost``, ``arr_per_csm``.

    Examples
    --------
    >>> import cssegment as cs
    >>> model = cs.TierModel.touch()
    >>> plan = cs.coverage(model.assign([5e3] * 2000 + [80e3] * 30), model, csm_cost=150_000)
    >>> plan["csms_needed"].tolist()
    [2.0, 0.0, 2.0]
    """
    if isinstance(csm_ratios, _SegmentModel):
        ranked, ratios = csm_ratios.categories, list(csm_ratios.csm_ratios.values())
    else:
        ranked = _ranked(segments, segments, ("segments", "segments"))
        if isinstance(csm_ratios, Mapping):
            missing = [s for s in ranked if s not in csm_ratios]
            if missing:
                raise InvalidInputError(f"csm_ratios: no ratio for segment(s) {missing}; use None for no CSM")
            ratios = [csm_ratios[s] for s in ranked]
        else:
            ratios = _frame.listed(csm_ratios, "csm_ratios")
            if len(ratios) != len(ranked):
                raise InvalidInputError(f"csm_ratios: has {len(ratios)} ratios for {len(ranked)} segments {ranked}")
    codes = _frame.codes_for(segments, ranked, "segments")
    arr_values = _frame.optional_array(arr, "arr")
    if arr_values is not None:
        _frame.check_length("arr", arr_values, "segments", len(codes))
    cost = None if csm_cost is None else _frame.number(csm_cost, "csm_cost")
    columns = _core.coverage(codes, _ratios(ratios), arr_values, cost)
    table = pd.DataFrame(columns, index=pd.Index(ranked, name="segment"))
    table["accounts"] = table["accounts"].astype(np.int64)
    dropped = [] if arr_values is not None else ["arr", "arr_per_csm"]
    dropped += [] if cost is not None else ["cost_to_serve_per_account", "total_cost"]
    return table.drop(columns=dropped)


# --- learned segments --------------------------------------------------------------------------

Scale = str | None


def _scale_names(scale: Scale | Sequence[Scale]) -> list[str]:
    if scale is None or isinstance(scale, str):
        return ["none" if scale is None else scale]
    return ["none" if s is None else str(s) for s in _frame.listed(scale, "scale")]


def _features(X: pd.DataFrame | np.ndarray | Sequence[Sequence[float]]) -> tuple[np.ndarray, list[str]]:
    """A C-contiguous float64 rows x features matrix and its column names (empty for arrays)."""
    if isinstance(X, pd.DataFrame):
        names = [str(c) for c in X.columns]
        columns = [_frame.numeric(_frame.column(X, c, "X"), f"X[{c!r}]") for c in X.columns]
        if not columns:
            raise InvalidInputError("X: needs at least one feature column")
        return np.ascontiguousarray(np.column_stack(columns)), names
    array = _frame.as_array(X, "X")
    if array.ndim != 2:
        raise InvalidInputError(f"X: must be two-dimensional (rows x features), got shape {array.shape}")
    if array.dtype.kind not in "biuf":
        raise InvalidInputError(f"X: has dtype {array.dtype}; numeric features are required")
    return np.ascontiguousarray(array, dtype=np.float64), []


class KMeans(Model):
    """Learned segments: k-means (Lloyd) with greedy k-means++ seeding and ``n_init`` restarts.

    Features are scaled before clustering: ``"standard"`` (z-scores), ``"log"`` (``log1p`` then
    z-scores: for money, headcounts and other heavy-tailed values, which must be >= 0) or None;
    one scale for every feature or one per feature. Clusters are numbered by their centres in
    lexicographic order of the scaled features (first feature first), so the numbering is stable.
    Results do not depend on the number of threads; ``seed`` fixes them.

    Attributes after ``fit``: ``cluster_centers_`` (in the input's units; log features give
    geometric means), ``inertia_`` (sum of squared distances in the scaled space optimised),
    ``n_iter_``, ``n_features_in_``, ``feature_names_in_`` (when fitted on a DataFrame).

    Parameters
    ----------
    n_clusters : int
        Number of clusters (segments), >= 1.
    n_init : int
        Restarts from different seeds; the lowest inertia wins.
    max_iter : int
        Lloyd iterations per restart at most.
    tol : float
        Stop when no centre moves more than this (in the scaled space).
    scale : {"standard", "log", None} or a sequence of them
        Scaling of every feature, or of each feature.
    seed : int
        Seed of the k-means++ seeding.

    Examples
    --------
    >>> import pandas as pd, cssegment as cs
    >>> X = pd.DataFrame({"arr": [1e3, 1.2e3, 1e5, 1.1e5], "seats": [5, 6, 300, 320]})
    >>> model = cs.KMeans(2, scale="log").fit(X)
    >>> model.predict(X).tolist()
    [0, 0, 1, 1]
    """

    _core_type = _core.KMeans
    _model: _core.KMeans

    def __init__(
        self,
        n_clusters: int,
        n_init: int = 4,
        max_iter: int = 300,
        tol: float = 1e-4,
        scale: Scale | Sequence[Scale] = "standard",
        seed: int = 0,
    ) -> None:
        for name, value in (("n_clusters", n_clusters), ("n_init", n_init), ("max_iter", max_iter)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise InvalidInputError(f"{name}: must be a whole number >= 1, got {value!r}")
        self._model = _core.KMeans(
            int(n_clusters),
            int(n_init),
            int(max_iter),
            _frame.number(tol, "tol"),
            _scale_names(scale),
            _frame.integer(seed, "seed", 0, 2**64 - 1),
        )

    def get_params(self) -> dict[str, Any]:
        model = self._model
        scales: list[Scale] = [None if s == "none" else s for s in model.scale]
        return {
            "n_clusters": model.n_clusters,
            "n_init": model.n_init,
            "max_iter": model.max_iter,
            "tol": model.tol,
            "scale": scales[0] if len(scales) == 1 else scales,
            "seed": model.seed,
        }

    def fit(self, X: pd.DataFrame | np.ndarray, *, progress: bool = False) -> KMeans:
        """Learn the clusters of ``X``.

        Parameters
        ----------
        X : pandas.DataFrame or 2-D array
            Rows x features: every column of a DataFrame is a feature (its names are kept).
        progress : bool, default False
            Show a progress bar over the ``n_init`` restarts (tqdm,
            ``pip install cssegment[progress]``); the model is the same, bit for bit.

        Returns
        -------
        KMeans
            The model itself, fitted.

        Raises
        ------
        InvalidInputError
            If a value is missing or not finite, a log-scaled value is negative, or there are
            fewer rows than clusters.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> X = pd.DataFrame({"arr": [1e3, 1.2e3, 1e5, 1.1e5], "seats": [5, 6, 300, 320]})
        >>> model = cs.KMeans(2, scale="log").fit(X)
        >>> model.n_features_in_, model.feature_names_in_
        (2, ['arr', 'seats'])
        """
        self.fit_predict(X, progress=progress)
        return self

    def fit_predict(self, X: pd.DataFrame | np.ndarray, *, progress: bool = False) -> pd.Series:
        """Fit, and return each row's cluster.

        Parameters
        ----------
        X : pandas.DataFrame or 2-D array
            As in :meth:`fit`.
        progress : bool, default False
            Show a progress bar that advances as each of the ``n_init`` restarts finishes (tqdm,
            ``pip install cssegment[progress]``). The restarts run one core call at a time, each
            drawing from the same random stream as in one call: the result is the same, bit for bit.

        Returns
        -------
        pandas.Series
            int32 cluster numbers named ``cluster``, aligned with ``X``'s index.

        Examples
        --------
        >>> import numpy as np, cssegment as cs
        >>> X = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]])
        >>> cs.KMeans(2, n_init=3).fit_predict(X).tolist()
        [0, 0, 1, 1]
        """
        values, names = _features(X)
        if not progress:
            return self._labels(self._model.fit(values, names), X)
        with _progress.bar(self._model.n_init, "k-means restarts", unit="restart") as bar:
            restarts = _core.KMeansFit(self._model, values, names)
            while not restarts.done:
                restarts.run(1)
                bar.update(1)
            return self._labels(restarts.finish(self._model), X)

    def predict(self, X: pd.DataFrame | np.ndarray) -> pd.Series:
        """The nearest cluster of each row.

        Parameters
        ----------
        X : pandas.DataFrame or 2-D array
            A DataFrame needs the columns the model was fitted on (found by name, in any order).

        Returns
        -------
        pandas.Series
            int32 cluster numbers named ``cluster``, aligned with ``X``'s index.

        Raises
        ------
        NotFittedError
            Before :meth:`fit`.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> X = pd.DataFrame({"arr": [1e3, 1.2e3, 1e5, 1.1e5], "seats": [5, 6, 300, 320]})
        >>> model = cs.KMeans(2, scale="log").fit(X)
        >>> model.predict(pd.DataFrame({"seats": [250], "arr": [90e3]})).tolist()
        [1]
        """
        names = self._model.feature_names if self._model.fitted else []
        if isinstance(X, pd.DataFrame) and names:
            by_name = {str(c): c for c in X.columns}  # names were stored as text
            X = pd.DataFrame({name: _frame.column(X, by_name.get(name, name), "X") for name in names}, index=X.index)
        values, _ = _features(X)
        return self._labels(self._model.predict(values), X)

    @staticmethod
    def _labels(codes: np.ndarray, X: Any) -> pd.Series:
        index = X.index if isinstance(X, pd.DataFrame) else None
        return pd.Series(codes, index=index, name="cluster")

    @property
    def cluster_centers_(self) -> npt.NDArray[np.float64]:
        """Cluster centres (clusters x features) in the input's units.

        Log-scaled features give geometric means.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> X = pd.DataFrame({"arr": [1e3, 1.2e3, 1e5, 1.1e5], "seats": [5, 6, 300, 320]})
        >>> model = cs.KMeans(2, scale="log").fit(X)
        >>> model.cluster_centers_.round(0).tolist()
        [[1095.0, 5.0], [104881.0, 310.0]]
        """
        return np.asarray(self._model.cluster_centers)

    @property
    def inertia_(self) -> float:
        """Sum of squared distances of the rows to their centres, in the scaled space optimised.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> X = pd.DataFrame({"arr": [1e3, 1.2e3, 1e5, 1.1e5], "seats": [5, 6, 300, 320]})
        >>> model = cs.KMeans(2, scale="log").fit(X)
        >>> round(model.inertia_, 4)
        0.0078
        """
        return float(self._model.inertia)

    @property
    def n_iter_(self) -> int:
        """Lloyd iterations of the best restart.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> X = pd.DataFrame({"arr": [1e3, 1.2e3, 1e5, 1.1e5], "seats": [5, 6, 300, 320]})
        >>> model = cs.KMeans(2, scale="log").fit(X)
        >>> model.n_iter_ >= 1
        True
        """
        return int(self._model.n_iter)

    @property
    def n_features_in_(self) -> int:
        """Number of features seen in :meth:`fit`.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> X = pd.DataFrame({"arr": [1e3, 1.2e3, 1e5, 1.1e5], "seats": [5, 6, 300, 320]})
        >>> model = cs.KMeans(2, scale="log").fit(X)
        >>> model.n_features_in_
        2
        """
        return int(self._fitted().n_features)

    @property
    def feature_names_in_(self) -> list[str]:
        """Names of the features seen in :meth:`fit` (empty when fitted on an array).

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> X = pd.DataFrame({"arr": [1e3, 1.2e3, 1e5, 1.1e5], "seats": [5, 6, 300, 320]})
        >>> model = cs.KMeans(2, scale="log").fit(X)
        >>> model.feature_names_in_
        ['arr', 'seats']
        """
        return list(self._fitted().feature_names)

    def _html_sections(self) -> list[str]:
        if not self._model.fitted:
            return ["<p>Not fitted.</p>"]
        names = self.feature_names_in_ or [f"x{j}" for j in range(self.n_features_in_)]
        centers = pd.DataFrame(self.cluster_centers_, columns=names, index=pd.RangeIndex(self._model.n_clusters))
        centers.index.name = "cluster"
        fit = _display.table([("inertia_", self.inertia_), ("n_iter_", self.n_iter_)])
        return [fit, _display.frame(centers, caption="cluster_centers_")]

    def profile(self, data: pd.DataFrame, arr: str = "arr") -> pd.DataFrame:
        """Per-cluster profile of ``data``.

        Accounts, share of accounts, ARR share and the mean of every feature.

        Parameters
        ----------
        data : pandas.DataFrame
            The features the model was fitted on and the ``arr`` column.
        arr : str
            Column of ARR (it may also be a feature).

        Returns
        -------
        pandas.DataFrame
            Indexed by ``cluster``, ordered by mean ARR (lowest first): ``accounts``,
            ``account_share``, ``arr_share`` and ``mean_<feature>`` for every feature and for
            ``arr``, in the input's units.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> X = pd.DataFrame({"arr": [1e3, 1.2e3, 1e5, 1.1e5], "seats": [5, 6, 300, 320]})
        >>> model = cs.KMeans(2, scale="log").fit(X)
        >>> model.profile(X)[["accounts", "arr_share", "mean_seats"]]
                 accounts  arr_share  mean_seats
        cluster
        0               2   0.010368         5.5
        1               2   0.989632       310.0
        """
        labels = self.predict(data).to_numpy()
        names = self._fitted().feature_names or [str(c) for c in data.columns]
        columns = {name: _frame.numeric(_frame.column(data, name), name) for name in [*names, arr]}
        grouped = pd.DataFrame(columns, index=data.index).groupby(labels)
        counts, totals = grouped.size(), grouped[arr].sum()
        table = pd.DataFrame(
            {"accounts": counts, "account_share": counts / counts.sum(), "arr_share": totals / totals.sum()}
        ).join(grouped.mean().add_prefix("mean_"))
        table.index.name = "cluster"
        return table.sort_values(f"mean_{arr}", kind="stable")


# --- book assignment ---------------------------------------------------------------------------

#: A segmentation model, as accepted where segments are needed.
SegmentModel = TierModel | QuadrantModel | RuleModel


@dataclasses.dataclass(frozen=True, repr=False)
class OwnerAssignment(_display.Summarized):
    """What :func:`assign_owners` decided.

    Attributes
    ----------
    owners : pandas.Series
        Each account's owner (a CSM, a pool, or missing for segments without CSMs), a
        categorical aligned with the accounts.
    books : pandas.DataFrame
        One row per owner: ``segment``, ``csms`` (1, or the pool's size), ``accounts``, ``arr``,
        ``capacity`` and ``capacity_used``.
    kept, reassigned : int
        Accounts whose previous owner (on the roster) kept them, or lost them.

    Examples
    --------
    >>> import pandas as pd, cssegment as cs
    >>> accounts = pd.DataFrame({"arr": [90e3, 80e3, 70e3], "csm": ["Bo", "Bo", None]})
    >>> result = cs.assign_owners(accounts, cs.TierModel.touch(), {"High touch": ["Ana", "Bo"]},
    ...                           previous="csm", segments=["High touch"])
    >>> result.owners.tolist(), result.kept, result.reassigned
    (['Bo', 'Bo', 'Ana'], 2, 0)
    """

    owners: pd.Series
    books: pd.DataFrame
    kept: int
    reassigned: int

    def _summary(self) -> str:
        owned = int(self.owners.notna().sum())
        return (
            f"{owned:,} of {len(self.owners):,} accounts owned by {len(self.books):,} owners; "
            f"{self.kept:,} kept, {self.reassigned:,} reassigned"
        )

    def _tables(self) -> list[str]:
        return [_display.frame(self.books, caption="books")]


def _coverage_of(
    segments: Sequence[str], csm_ratios: Mapping[str, Ratio] | _SegmentModel | None, pooled: Sequence[str] | None
) -> list[tuple[str, Ratio, bool]]:
    if isinstance(csm_ratios, _SegmentModel):
        ratios: Mapping[str, Ratio] = csm_ratios.csm_ratios
        model_pools = csm_ratios.pooled if isinstance(csm_ratios, RuleModel) else {}
    else:
        ratios, model_pools = csm_ratios or {}, {}
    pools = set(pooled) if pooled is not None else {s for s, p in model_pools.items() if p}
    return [(s, None if (ratio := ratios.get(s)) is None else float(ratio), s in pools) for s in segments]


def _check_accounts(accounts: Any) -> None:
    if not isinstance(accounts, pd.DataFrame):
        raise InvalidInputError(f"accounts: expected a DataFrame, one row per account; got {type(accounts).__name__}")


def _labels_of(accounts: pd.DataFrame, labels: Labels | str, argument: str) -> Labels:
    if isinstance(labels, str):
        return _frame.column(accounts, labels, "accounts")  # type: ignore[no-any-return]
    _frame.check_length(argument, labels, "accounts", len(accounts))
    return labels


def assign_owners(
    accounts: pd.DataFrame,
    segment: Labels | str | SegmentModel,
    csms: pd.DataFrame | Mapping[str, Sequence[str]],
    strategy: str = "balance_arr",
    previous: Labels | str | None = None,
    *,
    segments: Sequence[str] | None = None,
    csm_ratios: Mapping[str, Ratio] | _SegmentModel | None = None,
    pooled: Sequence[str] | None = None,
    arr: str | None = "arr",
) -> OwnerAssignment:
    """Give every account of a CSM-covered segment an owner from that segment's roster.

    Each CSM holds at most their capacity: the ``capacity`` column of ``csms`` or, by default, the
    segment's accounts-per-CSM ratio (rounded down). Accounts keep their ``previous`` owner while
    that CSM serves their segment and has room (largest ARR first); the others are placed by
    ``strategy``: ``"balance_arr"`` (largest account to the CSM with the least ARR),
    ``"balance_count"`` (to the CSM with the fewest accounts) or ``"round_robin"`` (in order).
    A pooled segment (``RuleModel.four_tier``'s 1:Many) is owned by its pool; segments without
    CSMs get no owner. A segment that needs more CSMs than its roster has raises
    InvalidInputError saying how many are missing.

    Parameters
    ----------
    accounts : pandas.DataFrame
        The accounts (with the ``arr`` column).
    segment : segment model, column name or labels
        A model (its labels, ratios and pools are used), a column of ``accounts`` or labels.
    csms : pandas.DataFrame or mapping of str to sequence of str
        The roster: columns ``csm``, ``segment`` (and optional ``capacity``), or a mapping from
        segment to CSM names.
    strategy : {"balance_arr", "balance_count", "round_robin"}
        How accounts without a kept owner are placed.
    previous : column name or labels, optional
        Each account's earlier owner (a CSM name; names not on the roster, such as CSMs who
        left, and missing values count as no previous owner).
    segments : sequence of str, optional
        The segments to staff (default: every segment with a CSM ratio, or a CSM on the
        roster); accounts of the others get no owner.
    csm_ratios : mapping or segment model, optional
        Accounts per CSM by segment (default: the model's, if ``segment`` is one).
    pooled : sequence of str, optional
        Segments served by a pool (default: the model's pooled segments).
    arr : str or None
        Column of ARR (None: balance without ARR).

    Returns
    -------
    OwnerAssignment
        Owners, books, and the counts of accounts whose previous owner (on the roster) kept or
        lost them.

    Raises
    ------
    InvalidInputError
        If a segment needs more CSMs than its roster has (the message says how many are
        missing), or a CSM serves a segment not staffed.

    Examples
    --------
    >>> import pandas as pd, cssegment as cs
    >>> accounts = pd.DataFrame({"arr": [90e3, 80e3, 70e3, 60e3, 2e3]})
    >>> roster = {"High touch": ["Ana", "Bo"]}
    >>> result = cs.assign_owners(accounts, cs.TierModel.touch(), roster, segments=["High touch"])
    >>> result.owners.tolist()
    ['Ana', 'Bo', 'Bo', 'Ana', nan]
    >>> result.books[["accounts", "arr", "capacity_used"]]
           accounts       arr  capacity_used
    owner
    Ana           2  150000.0       0.133333
    Bo            2  150000.0       0.133333
    """
    _check_accounts(accounts)
    if isinstance(csms, pd.DataFrame):
        roster = csms
    elif isinstance(csms, Mapping):
        pairs = [(name, s) for s, names in csms.items() for name in _frame.texts(names, f"csms[{s!r}]")]
        roster = pd.DataFrame(pairs, columns=["csm", "segment"])
    else:
        raise InvalidInputError(
            f"csms: expected a DataFrame or a mapping of segment to CSM names, got {type(csms).__name__}"
        )
    if isinstance(segment, _SegmentModel):
        labels: Labels = segment.assign(accounts)
        ranked = segment.categories
        coverage = _coverage_of(ranked, csm_ratios if csm_ratios is not None else segment, pooled)
    else:
        labels = _labels_of(accounts, segment, "segment")
        # Plain labels: a segment on the roster may have no account today.
        ranked = _ranked(labels, _frame.column(roster, "segment", "csms"), ("segment", "csms['segment']"))
        coverage = _coverage_of(ranked, csm_ratios, pooled)
    codes = _frame.codes_for(labels, ranked, "segment")
    for argument, listed in (("segments", segments), ("pooled", pooled)):
        unknown = [s for s in listed or [] if s not in ranked]
        if unknown:
            raise InvalidInputError(f"{argument}: unknown segment(s) {unknown}; segments are {ranked}")
    if segments is not None:
        coverage = [(s, ratio if s in segments else None, pool and s in segments) for s, ratio, pool in coverage]
    names = _frame.texts(_frame.column(roster, "csm", "csms"), "csms['csm']")
    seat_segments = _frame.codes_for(_frame.column(roster, "segment", "csms"), ranked, "csms['segment']")
    capacity = (
        _frame.numeric(roster["capacity"], "csms['capacity']") if "capacity" in roster else np.full(len(roster), np.nan)
    )
    seats = [(name, int(s), None if np.isnan(c) else float(c)) for name, s, c in zip(names, seat_segments, capacity)]
    if segments is not None:
        for row, (name, s, _) in enumerate(seats):
            if s < 0 or ranked[s] not in segments:
                where = "no segment" if s < 0 else repr(ranked[s])
                raise InvalidInputError(f"csms[{row}]: {name!r} serves {where}, not one of segments {list(segments)}")
    previous_codes = None
    if previous is not None:
        earlier = _labels_of(accounts, previous, "previous")
        _frame.labels(earlier, "previous")  # CSM names (strings) or missing, one per account
        before = pd.Series(np.asarray(earlier, dtype=object))
        position = {name: i for i, name in enumerate(names)}
        previous_codes = before.map(lambda v: position.get(v, -1)).fillna(-1).to_numpy(dtype=np.int32)
    arr_values = None if arr is None else _frame.numeric(_frame.column(accounts, arr, "accounts"), arr, booleans=False)
    result = _core.assign_owners(codes, arr_values, coverage, seats, str(strategy), previous_codes)
    books = pd.DataFrame(
        result["books"], columns=["owner", "segment", "csms", "accounts", "arr", "capacity"]
    ).set_index("owner")
    books["segment"] = _frame.categorical(books["segment"].to_numpy(dtype=np.int32), ranked)
    books["capacity_used"] = books["accounts"] / books["capacity"].where(books["capacity"] > 0)
    if arr is None:
        books = books.drop(columns="arr")
    owner_labels = pd.Categorical.from_codes(result["owners"], categories=pd.Index(list(books.index)))
    owners = pd.Series(owner_labels, index=accounts.index, name="owner")
    return OwnerAssignment(owners, books, int(result["kept"]), int(result["reassigned"]))


# --- engagement cadence ------------------------------------------------------------------------

_DEFAULT_HEALTH_FACTORS = {"red": 0.5, "yellow": 1.0, "green": 1.5}
DAYS_PER_MONTH = 365.25 / 12


def _days_table(table: Mapping[str, float], argument: str) -> list[tuple[str, float]]:
    if not isinstance(table, Mapping):
        raise InvalidInputError(f"{argument}: expected a mapping of label to number, got {type(table).__name__}")
    return [(_frame.text(k, argument), _frame.number(v, f"{argument}[{k!r}]")) for k, v in table.items()]


class CadencePolicy(Model):
    """Dynamic contact cadence: days between touches per account.

    The account's segment sets ``base_days``; accounts in onboarding (tenure below
    ``onboarding_days``) are touched ``onboarding_factor`` times as far apart, accounts within
    ``renewal_window_days`` of renewal (overdue included) ``renewal_factor`` times, and the health
    band multiplies by its ``health_factors`` entry (any labels; missing health: no factor). The
    interval is then clipped to ``[min_days, max_days]``. Segments without CSMs are served through
    the ``"digital"`` channel.

    Parameters
    ----------
    base_days : mapping of str to float
        Segment -> days between touches.
    onboarding_days : float
        Tenure (days) below which an account is onboarding.
    onboarding_factor : float
        Interval factor during onboarding.
    renewal_window_days : float
        Days before renewal from which the renewal factor applies.
    renewal_factor : float
        Interval factor near renewal.
    health_factors : mapping of str to float, optional
        Health band -> interval factor (default red 0.5, yellow 1, green 1.5).
    min_days, max_days : float
        Bounds of the interval.

    Examples
    --------
    >>> import pandas as pd, cssegment as cs
    >>> policy = cs.CadencePolicy({"High touch": 30, "Low touch": 60})
    >>> accounts = pd.DataFrame({"tenure_days": [30, 400], "renewal_days": [300, 60]})
    >>> plan = policy.schedule(accounts, segment=["High touch", "Low touch"], health=["red", "green"])
    >>> plan[["interval_days", "reason"]]
       interval_days                              reason
    0            7.5  onboarding x0.5, red x0.5
    1           45.0            renewal x0.5, green x1.5
    """

    _core_type = _core.CadencePolicy
    _model: _core.CadencePolicy

    def __init__(
        self,
        base_days: Mapping[str, float],
        onboarding_days: float = 90,
        onboarding_factor: float = 0.5,
        renewal_window_days: float = 120,
        renewal_factor: float = 0.5,
        health_factors: Mapping[str, float] | None = None,
        min_days: float = 7,
        max_days: float = 180,
    ) -> None:
        factors = _DEFAULT_HEALTH_FACTORS if health_factors is None else health_factors
        self._model = _core.CadencePolicy(
            _days_table(base_days, "base_days"),
            _frame.number(onboarding_days, "onboarding_days"),
            _frame.number(onboarding_factor, "onboarding_factor"),
            _frame.number(renewal_window_days, "renewal_window_days"),
            _frame.number(renewal_factor, "renewal_factor"),
            _days_table(factors, "health_factors"),
            _frame.number(min_days, "min_days"),
            _frame.number(max_days, "max_days"),
        )

    def get_params(self) -> dict[str, Any]:
        model = self._model
        return {
            "base_days": dict(model.base_days),
            "onboarding_days": model.onboarding_days,
            "onboarding_factor": model.onboarding_factor,
            "renewal_window_days": model.renewal_window_days,
            "renewal_factor": model.renewal_factor,
            "health_factors": dict(model.health_factors),
            "min_days": model.min_days,
            "max_days": model.max_days,
        }

    def schedule(
        self,
        accounts: pd.DataFrame,
        segment: Labels | str | SegmentModel,
        health: Labels | str | None = None,
        *,
        csm_ratios: Mapping[str, Ratio] | _SegmentModel | None = None,
        tenure: str | None = "tenure_days",
        renewal: str | None = "renewal_days",
    ) -> pd.DataFrame:
        """Days between touches for every account.

        Parameters
        ----------
        accounts : pandas.DataFrame
            The accounts, with the ``tenure`` and ``renewal`` columns.
        segment : segment model, column name or labels
            Each account's segment: a model (it assigns them), a column of ``accounts``, or
            labels aligned with ``accounts``. Every segment needs a ``base_days`` entry.
        health : column name or labels, optional
            Each account's health band (missing: no health factor).
        csm_ratios : mapping or segment model, optional
            Accounts per CSM by segment: segments whose ratio is None are served digitally.
            Default: the segment model's ratios, if ``segment`` is a model.
        tenure, renewal : str or None
            Columns of days since start and days to renewal (None: not used; NaN: unknown, the
            factor is not applied).

        Returns
        -------
        pandas.DataFrame
            Aligned with ``accounts``: ``segment``, ``interval_days``, ``touches_per_month``,
            ``channel`` (``"csm"`` or ``"digital"``) and ``reason`` (the factors applied).

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> policy = cs.CadencePolicy({"Tech touch": 90, "Low touch": 60, "High touch": 30})
        >>> accounts = pd.DataFrame({"arr": [5e3, 80e3], "tenure_days": [400, 400],
        ...                          "renewal_days": [300, 300]})
        >>> policy.schedule(accounts, cs.TierModel.touch(), tenure=None)[["interval_days", "channel"]]
           interval_days channel
        0           90.0     csm
        1           30.0     csm
        """
        _check_accounts(accounts)
        segments = list(self._model.base_days)
        names = [name for name, _ in segments]
        if isinstance(segment, _SegmentModel):
            ratios_source: Mapping[str, Ratio] | _SegmentModel | None = (
                csm_ratios if csm_ratios is not None else segment
            )
            labels: Labels = segment.assign(accounts)
        else:
            ratios_source = csm_ratios
            labels = _labels_of(accounts, segment, "segment")
        codes = _frame.codes_for(labels, names, "segment")
        digital = np.zeros(len(names), dtype=np.uint8)
        if ratios_source is not None:
            ratios = ratios_source.csm_ratios if isinstance(ratios_source, _SegmentModel) else ratios_source
            digital = np.array([name in ratios and ratios[name] is None for name in names], dtype=np.uint8)
        tenure_days = None if tenure is None else _frame.numeric(_frame.column(accounts, tenure, "accounts"), tenure)
        renewal_days = (
            None if renewal is None else _frame.numeric(_frame.column(accounts, renewal, "accounts"), renewal)
        )
        bands = [name for name, _ in self._model.health_factors]
        health_codes = None
        if health is not None:
            health_codes = _frame.codes_for(_labels_of(accounts, health, "health"), bands, "health")
        interval, channel, reasons = self._model.schedule(codes, digital, tenure_days, renewal_days, health_codes)
        # Several codes may read the same (a health band with factor 1 changes nothing).
        unique, inverse = np.unique(reasons, return_inverse=True)
        texts, text_codes = pd.factorize(np.array([self._model.describe(int(u)) for u in unique], dtype=object))
        reason = pd.Categorical.from_codes(texts[inverse], categories=pd.Index(text_codes))
        return pd.DataFrame(
            {
                "segment": _frame.categorical(codes, names),
                "interval_days": interval,
                "touches_per_month": DAYS_PER_MONTH / interval,
                "channel": pd.Categorical.from_codes(channel, categories=pd.Index(["csm", "digital"])),
                "reason": reason,
            },
            index=accounts.index,
        )

    def workload(
        self,
        schedule: pd.DataFrame,
        owners: OwnerAssignment | Labels,
        minutes_per_touch: float | Mapping[str, float] = 45.0,
    ) -> pd.DataFrame:
        """Hours of CSM contact per owner per month: touches per month x minutes per touch.

        Parameters
        ----------
        schedule : pandas.DataFrame
            The output of :meth:`schedule`.
        owners : OwnerAssignment or labels
            Each account's owner, aligned with ``schedule``.
        minutes_per_touch : float or mapping of segment to float
            Minutes of CSM time per touch: one number, or one per segment.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``owner``, busiest first: ``accounts``, ``touches_per_month`` and
            ``hours_per_month`` (and ``hours_per_csm`` for pools, with an ``OwnerAssignment``).
            Digital touches cost no CSM time and are listed under ``"(digital)"``; CSM-channel
            accounts without an owner under ``"(no owner)"``.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> policy = cs.CadencePolicy({"High touch": 30}, min_days=1)
        >>> accounts = pd.DataFrame({"tenure_days": [400] * 3, "renewal_days": [300] * 3})
        >>> plan = policy.schedule(accounts, ["High touch"] * 3)
        >>> policy.workload(plan, ["Ana", "Ana", "Bo"], minutes_per_touch=60).round(2)
               accounts  touches_per_month  hours_per_month
        owner
        Ana           2               2.03             2.03
        Bo            1               1.01             1.01
        """
        if not isinstance(schedule, pd.DataFrame):
            raise InvalidInputError(f"schedule: expected what schedule() returns, got {type(schedule).__name__}")
        assignment = owners if isinstance(owners, OwnerAssignment) else None
        labels: Labels = owners.owners if isinstance(owners, OwnerAssignment) else owners
        _frame.check_length("owners", labels, "schedule", len(schedule))
        _frame.labels(labels, "owners")  # names (strings) or missing, one per row
        owner = pd.Series(np.asarray(labels, dtype=object), index=schedule.index).fillna(_NO_OWNER)
        digital = (_frame.column(schedule, "channel", "schedule") == "digital").to_numpy()
        owner[digital] = _DIGITAL
        if isinstance(minutes_per_touch, Mapping):
            missing = [s for s in schedule["segment"].unique() if s not in minutes_per_touch]
            if missing:
                raise InvalidInputError(f"minutes_per_touch: no minutes for segment(s) {sorted(map(str, missing))}")
            minutes = schedule["segment"].map(minutes_per_touch).astype(np.float64).to_numpy()
        else:
            minutes = np.full(len(schedule), _frame.number(minutes_per_touch, "minutes_per_touch"))
        if not (np.isfinite(minutes).all() and (minutes >= 0).all()):
            raise InvalidInputError("minutes_per_touch: minutes must be finite and >= 0")
        touches = schedule["touches_per_month"].to_numpy()
        hours = np.where(digital, 0.0, touches * minutes / 60.0)
        frame = pd.DataFrame({"owner": owner.to_numpy(), "touches_per_month": touches, "hours_per_month": hours})
        table = frame.groupby("owner", sort=False).agg(
            accounts=("touches_per_month", "size"),
            touches_per_month=("touches_per_month", "sum"),
            hours_per_month=("hours_per_month", "sum"),
        )
        if assignment is not None:
            csms = assignment.books["csms"].reindex(table.index)
            table["hours_per_csm"] = table["hours_per_month"] / csms.where(csms > 0)
        return table.sort_values("hours_per_month", ascending=False, kind="stable")


_NO_OWNER = "(no owner)"
_DIGITAL = "(digital)"
