"""Segmentation: revenue tiers, the client-size x contract-value quadrants, rule-based segments,
transition reports and coverage planning.

Every model assigns an ordered ``pandas.Categorical`` whose categories are ranked lowest first,
pickles, and round-trips through JSON. Hysteresis (``previous=``) keeps accounts in their segment
while their value wobbles near a boundary.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import _core, _frame
from ._core import InvalidInputError
from ._model import Model

__all__ = ["QuadrantModel", "RuleModel", "Segment", "TierModel", "coverage", "transitions"]

Labels = _frame.Labels
Ratio = float | None


def _ratios(csm_ratios: Sequence[Ratio] | None) -> list[Ratio]:
    return [] if csm_ratios is None else [None if r is None else float(r) for r in csm_ratios]


class _SegmentModel(Model):
    """What every segmentation model shares: labels, JSON, pickling and notebook display."""

    @property
    def categories(self) -> list[str]:
        """Segment labels ranked lowest first, as ``assign`` returns them."""
        return list(self._model.categories)

    @property
    def csm_ratios(self) -> dict[str, Ratio]:
        """Accounts per CSM for each segment (None: no CSM)."""
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
            [float(t) for t in thresholds],
            [str(n) for n in names],
            str(field),
            _ratios(csm_ratios),
            float(hysteresis),
            str(missing),
        )

    @classmethod
    def touch(cls, **overrides: Any) -> TierModel:
        """The coverage preset: Tech touch < $10k <= Low touch < $50k <= High touch, at 1000:1,
        100:1 and 15:1 accounts per CSM. Any constructor argument may be overridden."""
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

    def assign(
        self, data: pd.DataFrame | Mapping[str, Any] | _frame.ArrayLike, previous: Labels | None = None
    ) -> pd.Categorical:
        """Tier of every account: from a DataFrame (its ``field`` column) or the values themselves.

        ``previous`` holds each account's earlier tier label (missing: no previous tier) and turns
        hysteresis on.
        """
        field = self._model.field
        raw = _frame.column(data, field) if isinstance(data, (pd.DataFrame, Mapping)) else data
        values = _frame.numeric(raw, field)
        codes = self._model.assign(values, self._previous_codes(previous, len(values)))
        return _frame.categorical(codes, self.categories)


class QuadrantModel(_SegmentModel):
    """Outside-in x inside-out: client size crossed with contract value.

    Large client & large contract = Enterprise; small client & large contract = Major; large
    client & small contract = Large Opportunity; small & small = Small Business. A value at or
    above a threshold is "large". ``names`` are listed in the order (small, small), (large
    client, small contract), (small client, large contract), (large, large).

    Examples
    --------
    >>> import pandas as pd, cssegment as cs
    >>> accounts = pd.DataFrame({"employees": [50, 5000], "arr": [80_000, 5_000]})
    >>> list(cs.QuadrantModel().assign(accounts))
    ['Major', 'Large Opportunity']
    """

    _core_type = _core.QuadrantModel

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
            str(size_field),
            float(size_threshold),
            str(value_field),
            float(value_threshold),
            [str(n) for n in names],
            float(hysteresis),
            _ratios(csm_ratios),
            str(missing),
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
        """Quadrant of every account from the size and value columns of ``data``."""
        model = self._model
        sizes = _frame.numeric(_frame.column(data, model.size_field), model.size_field)
        values = _frame.numeric(_frame.column(data, model.value_field), model.value_field)
        codes = model.assign(sizes, values, self._previous_codes(previous, len(sizes)))
        return _frame.categorical(codes, self.categories)


@dataclasses.dataclass(frozen=True)
class Segment:
    """One rule of a RuleModel: accounts for which ``when`` is true (and no earlier rule matched)
    belong to ``name``. ``pooled`` segments share a pool of CSMs instead of named owners."""

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

    Hysteresis ``h`` with ``previous`` labels: an account keeps its previous segment while that
    segment's rule still matches with its numeric bounds relaxed by ``h`` (``arr >= c`` becomes
    ``arr >= c*(1-h)``, ``arr < c`` becomes ``arr < c*(1+h)``) and no rule ranked before it
    matches with its bounds tightened by ``h``; otherwise the plain first match decides. For a
    tier-shaped rule list this is exactly TierModel's hysteresis.

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

    def __init__(
        self,
        segments: Sequence[Segment],
        default: str = "Unassigned",
        hysteresis: float = 0.0,
        default_csm_ratio: Ratio = None,
    ) -> None:
        rules = []
        for i, segment in enumerate(segments):
            if not isinstance(segment, Segment):
                raise InvalidInputError(f"segments[{i}] = {segment!r}: expected a cssegment.Segment")
            ratio = None if segment.csm_ratio is None else float(segment.csm_ratio)
            rules.append((str(segment.name), str(segment.when), ratio, bool(segment.pooled)))
        ratio = None if default_csm_ratio is None else float(default_csm_ratio)
        self._model = _core.RuleModel(rules, str(default), float(hysteresis), ratio)

    @classmethod
    def four_tier(
        cls,
        enterprise_arr: float = 250_000,
        strategic_arr: float = 100_000,
        strategic_potential: float = 500_000,
        one_to_many_arr: float = 10_000,
    ) -> RuleModel:
        """Enterprise (10:1), Strategic by spend or potential (25:1), 1:Many (200:1, pooled) and
        Self-Service (no CSM); the numbers are defaults to override."""
        return cls._wrap(
            _core.RuleModel.four_tier(
                float(enterprise_arr), float(strategic_arr), float(strategic_potential), float(one_to_many_arr)
            )
        )

    @property
    def segments(self) -> list[Segment]:
        return [Segment(*rule) for rule in self._model.segments]

    @property
    def pooled(self) -> dict[str, bool]:
        """Whether each segment is served by a pool of CSMs rather than named owners."""
        return dict(zip(self.categories, self._model.pooled))

    @property
    def columns(self) -> list[str]:
        """The columns the rules read."""
        return list(self._model.columns)

    def get_params(self) -> dict[str, Any]:
        model = self._model
        return {
            "segments": self.segments,
            "default": model.default_name,
            "hysteresis": model.hysteresis,
            "default_csm_ratio": model.default_csm_ratio,
        }

    def assign(self, data: pd.DataFrame | Mapping[str, Any], previous: Labels | None = None) -> pd.Categorical:
        """Segment of every account; ``data`` must hold every column the rules read."""
        columns: list[tuple[str, np.ndarray, list[str] | None]] = []
        rows: int | None = None
        for name in self._model.columns:
            raw = _frame.column(data, name)
            argument = f"data[{name!r}]"
            if _is_label_column(raw):
                codes, labels = _frame.labels(raw, argument)
                columns.append((name, codes, labels))
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


def _ranked(before: Labels, after: Labels) -> list[str]:
    for labels in (before, after):
        dtype = getattr(labels, "dtype", None)
        if isinstance(labels, pd.Categorical) or isinstance(dtype, pd.CategoricalDtype):
            return [str(c) for c in pd.Categorical(labels).categories]
    observed = pd.concat([pd.Series(np.asarray(before, dtype=object)), pd.Series(np.asarray(after, dtype=object))])
    return sorted(str(v) for v in observed.dropna().unique())


def transitions(before: Labels, after: Labels, weights: _frame.ArrayLike | None = None) -> pd.DataFrame:
    """How accounts moved between segments: a from x to table of counts (or summed ``weights``,
    e.g. ARR), with per-row ``upgraded``, ``downgraded``, ``unchanged`` and ``total``.

    Segments rank as the categories of ``before`` (or ``after``) if categorical, else sorted.
    Accounts with no label on a side (new or gone) are counted under ``"(none)"``.

    Examples
    --------
    >>> import cssegment as cs
    >>> model = cs.TierModel.touch()
    >>> table = cs.transitions(model.assign([5e3, 20e3]), model.assign([20e3, 20e3]))
    >>> int(table["upgraded"].sum()), int(table["unchanged"].sum())
    (1, 1)
    """
    _frame.check_length("after", after, "before", len(before))
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
    """Coverage plan per segment: accounts, ARR, CSM ratio, CSMs needed (fractional FTE),
    resource share, cost to serve per account (``csm_cost / ratio``), total cost and ARR per CSM.

    ``csm_ratios`` is a model (its ratios), a mapping from segment to accounts per CSM, or a list
    aligned with the categories. A ratio of None means no CSM (digital only).

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
        ranked = _ranked(segments, segments)
        if isinstance(csm_ratios, Mapping):
            missing = [s for s in ranked if s not in csm_ratios]
            if missing:
                raise InvalidInputError(f"csm_ratios: no ratio for segment(s) {missing}; use None for no CSM")
            ratios = [csm_ratios[s] for s in ranked]
        else:
            ratios = list(csm_ratios)
            if len(ratios) != len(ranked):
                raise InvalidInputError(f"csm_ratios: has {len(ratios)} ratios for {len(ranked)} segments {ranked}")
    codes = _frame.codes_for(segments, ranked, "segments")
    arr_values = _frame.optional_array(arr, "arr")
    if arr_values is not None:
        _frame.check_length("arr", arr_values, "segments", len(codes))
    cost = None if csm_cost is None else float(csm_cost)
    columns = _core.coverage(codes, _ratios(ratios), arr_values, cost)
    table = pd.DataFrame(columns, index=pd.Index(ranked, name="segment"))
    table["accounts"] = table["accounts"].astype(np.int64)
    dropped = [] if arr_values is not None else ["arr", "arr_per_csm"]
    dropped += [] if cost is not None else ["cost_to_serve_per_account", "total_cost"]
    return table.drop(columns=dropped)
