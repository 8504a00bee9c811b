"""Segmentation models: revenue tiers, the client-size x contract-value quadrants and rule-based
segments (C++: ``segment/tier.hpp``, ``quadrant.hpp``, ``rules.hpp``).

Every model assigns an ordered ``pandas.Categorical`` whose categories are ranked lowest first,
pickles, and round-trips through JSON. Hysteresis (``previous=``) keeps accounts in their segment
while their value wobbles near a boundary; see the segmentation guide (``docs/guide/segmentation.md``).

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
from typing import TYPE_CHECKING, Any, ClassVar, cast, overload

import numpy as np
import pandas as pd

from .. import _core, _deprecation, _display, _frame
from .._core import InvalidInputError
from .._model import Check, Model, overridden

if TYPE_CHECKING:
    import polars as pl

__all__ = ["QuadrantModel", "RuleModel", "Segment", "SegmentModel", "TierModel"]

Labels = _frame.Labels
Ratio = float | None


class SegmentModel(Model):
    """What every segmentation model shares: labels and CSM ratios.

    A segmentation model (:class:`TierModel`, :class:`QuadrantModel`, :class:`RuleModel`) is
    accepted wherever segments are needed: it assigns them, and brings its CSM ratios.

    Examples
    --------
    >>> import cssegment as cs
    >>> isinstance(cs.RuleModel.four_tier(), cs.segment.SegmentModel)
    True
    """

    _model: _core.segment.tier_model | _core.segment.quadrant_model | _core.segment.rule_model

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

    @overload
    def assign(self, data: Any, previous: Labels | None = None, *, output: _frame.PolarsOutput) -> pl.Series: ...
    @overload
    def assign(
        self, data: Any, previous: Labels | None = None, *, output: _frame.PandasOutput = None
    ) -> pd.Categorical: ...
    @_frame.reads_columns
    def assign(
        self, data: Any, previous: Labels | None = None, *, output: _frame.Output = None
    ) -> pd.Categorical | pl.Series:
        """Segment of every account, ranked lowest first (each model says what it reads).

        Parameters
        ----------
        data : pandas.DataFrame, mapping of columns or values
            The accounts.
        previous : array-like of str, optional
            Each account's earlier segment (missing: none); turns hysteresis on.
        output : {"pandas", "polars"}, optional
            The kind of table returned (None: the :func:`cssegment.set_output` default, pandas).

        Returns
        -------
        pandas.Categorical
            Ordered segment labels, lowest first.

        Examples
        --------
        >>> import cssegment as cs
        >>> list(cs.TierModel.touch().assign([5_000]))
        ['Tech touch']
        """
        raise NotImplementedError

    def _previous_codes(self, previous: Labels | None, rows: int) -> np.ndarray | None:
        if previous is None:
            return None
        _frame.check_length("previous", previous, "data", rows)
        return _frame.codes_for(previous, self.categories, "previous")


class TierModel(SegmentModel):
    """Revenue tiers: tier *i* holds values in ``[thresholds[i-1], thresholds[i])``.

    Parameters
    ----------
    thresholds : sequence of float
        Strictly ascending boundaries; ``len(names) == len(thresholds) + 1``.
    names : sequence of str
        Tier names, lowest tier first.
    column : str
        Column segmented on (default ``"arr"``); values must be finite and >= 0. (``field`` is a
        deprecated alias.)
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

    _core_type = _core.segment.tier_model
    _model: _core.segment.tier_model
    _parameters: ClassVar[Mapping[str, Check]] = {
        "thresholds": _frame.numbers,
        "names": _frame.texts,
        "column": _frame.text,
        "csm_ratios": _frame.ratios,
        "hysteresis": _frame.number,
        "missing": _frame.text,
    }
    _renamed: ClassVar[Mapping[str, str]] = {"field": "column"}

    @_deprecation.renamed_keywords(_renamed)
    def __init__(
        self,
        thresholds: Sequence[float],
        names: Sequence[str],
        column: str = "arr",
        csm_ratios: Sequence[Ratio] | None = None,
        hysteresis: float = 0.0,
        missing: str = "raise",
    ) -> None:
        self._model = _core.segment.tier_model(*self._checked(locals()))

    @classmethod
    def touch(cls, **overrides: Any) -> TierModel:
        """The coverage preset: Tech touch, Low touch and High touch.

        Tech touch < $10k <= Low touch < $50k <= High touch, at 1000:1, 100:1 and 15:1 accounts per
        CSM.

        Parameters
        ----------
        **overrides
            Constructor arguments to change from the preset (``column``, ``hysteresis`` ...).

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
        >>> model = cs.TierModel.touch(column="arr_next_year", hysteresis=0.1)
        >>> model.get_params()["thresholds"], model.get_params()["column"]
        ([10000.0, 50000.0], 'arr_next_year')
        """
        return cls(
            **overridden(cls._wrap(_core.segment.tier_model.touch()).get_params(), overrides, "overrides", cls._renamed)
        )

    @property
    def column(self) -> str:
        """The column segmented on.

        Examples
        --------
        >>> import cssegment as cs
        >>> cs.TierModel([100], ["small", "large"], column="employees").column
        'employees'
        """
        return str(self._model.column)

    @property
    def field(self) -> str:
        """Deprecated alias of :attr:`column` (removed in 0.3.0).

        Examples
        --------
        >>> import warnings, cssegment as cs
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore", DeprecationWarning)
        ...     cs.TierModel.touch().field
        'arr'
        """
        _deprecation.warn("TierModel.field", "TierModel.column")
        return self.column

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        model = self._model
        return {
            "thresholds": list(model.thresholds),
            "names": list(model.names),
            "column": model.column,
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

    @overload
    def assign(
        self, data: _frame.Frame | _frame.ArrayLike, previous: Labels | None = None, *, output: _frame.PolarsOutput
    ) -> pl.Series: ...
    @overload
    def assign(
        self,
        data: _frame.Frame | _frame.ArrayLike,
        previous: Labels | None = None,
        *,
        output: _frame.PandasOutput = None,
    ) -> pd.Categorical: ...
    @_frame.reads_columns
    def assign(
        self, data: _frame.Frame | _frame.ArrayLike, previous: Labels | None = None, *, output: _frame.Output = None
    ) -> pd.Categorical | pl.Series:
        """Tier of every account: from a DataFrame (its ``column``) or the values themselves.

        Parameters
        ----------
        data : pandas.DataFrame, mapping of columns, or array-like of float
            The accounts (the ``column`` is read) or the values to segment.
        previous : array-like of str, optional
            Each account's earlier tier label (missing: no previous tier); turns hysteresis on.
        output : {"pandas", "polars"}, optional
            The kind of table returned (None: the :func:`cssegment.set_output` default, pandas).

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
        column = self.column
        raw = _frame.column(data, column) if isinstance(data, (pd.DataFrame, Mapping)) else cast(Any, data)
        values = _frame.numeric(raw, column, booleans=False)
        codes = self._model.assign(values, self._previous_codes(previous, len(values)))
        return _frame.output(_frame.categorical(codes, self.categories), output)


class QuadrantModel(SegmentModel):
    """Outside-in x inside-out: client size crossed with contract value.

    Large client & large contract = Enterprise; small client & large contract = Major; large
    client & small contract = Large Opportunity; small & small = Small Business. A value at or
    above a threshold is "large". ``names`` are listed in the order (small, small), (large
    client, small contract), (small client, large contract), (large, large).

    Parameters
    ----------
    size_column : str
        Column of client size (e.g. employees); finite and >= 0. (``size_field`` is a deprecated
        alias.)
    size_threshold : float
        Client size from which a client is large.
    value_column : str
        Column of contract value (e.g. ARR); finite and >= 0. (``value_field`` is a deprecated
        alias.)
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

    _core_type = _core.segment.quadrant_model
    _model: _core.segment.quadrant_model
    _parameters: ClassVar[Mapping[str, Check]] = {
        "size_column": _frame.text,
        "size_threshold": _frame.number,
        "value_column": _frame.text,
        "value_threshold": _frame.number,
        "names": _frame.texts,
        "hysteresis": _frame.number,
        "csm_ratios": _frame.ratios,
        "missing": _frame.text,
    }
    _renamed: ClassVar[Mapping[str, str]] = {"size_field": "size_column", "value_field": "value_column"}

    @_deprecation.renamed_keywords(_renamed)
    def __init__(
        self,
        size_column: str = "employees",
        size_threshold: float = 1000,
        value_column: str = "arr",
        value_threshold: float = 50_000,
        names: Sequence[str] = ("Small Business", "Large Opportunity", "Major", "Enterprise"),
        hysteresis: float = 0.0,
        csm_ratios: Sequence[Ratio] | None = None,
        missing: str = "raise",
    ) -> None:
        self._model = _core.segment.quadrant_model(*self._checked(locals()))

    @property
    def size_column(self) -> str:
        """The column of client size.

        Examples
        --------
        >>> import cssegment as cs
        >>> cs.QuadrantModel().size_column
        'employees'
        """
        return str(self._model.size_column)

    @property
    def value_column(self) -> str:
        """The column of contract value.

        Examples
        --------
        >>> import cssegment as cs
        >>> cs.QuadrantModel().value_column
        'arr'
        """
        return str(self._model.value_column)

    @property
    def size_field(self) -> str:
        """Deprecated alias of :attr:`size_column` (removed in 0.3.0).

        Examples
        --------
        >>> import warnings, cssegment as cs
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore", DeprecationWarning)
        ...     cs.QuadrantModel().size_field
        'employees'
        """
        _deprecation.warn("QuadrantModel.size_field", "QuadrantModel.size_column")
        return self.size_column

    @property
    def value_field(self) -> str:
        """Deprecated alias of :attr:`value_column` (removed in 0.3.0).

        Examples
        --------
        >>> import warnings, cssegment as cs
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore", DeprecationWarning)
        ...     cs.QuadrantModel().value_field
        'arr'
        """
        _deprecation.warn("QuadrantModel.value_field", "QuadrantModel.value_column")
        return self.value_column

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        model = self._model
        return {
            "size_column": model.size_column,
            "size_threshold": model.size_threshold,
            "value_column": model.value_column,
            "value_threshold": model.value_threshold,
            "names": list(model.names),
            "hysteresis": model.hysteresis,
            "csm_ratios": list(model.csm_ratios),
            "missing": model.missing,
        }

    @overload
    def assign(
        self, data: _frame.Frame, previous: Labels | None = None, *, output: _frame.PolarsOutput
    ) -> pl.Series: ...
    @overload
    def assign(
        self, data: _frame.Frame, previous: Labels | None = None, *, output: _frame.PandasOutput = None
    ) -> pd.Categorical: ...
    @_frame.reads_columns
    def assign(
        self, data: _frame.Frame, previous: Labels | None = None, *, output: _frame.Output = None
    ) -> pd.Categorical | pl.Series:
        """Quadrant of every account from the size and value columns of ``data``.

        Parameters
        ----------
        data : pandas.DataFrame or mapping of columns
            Holds the ``size_column`` and ``value_column`` columns.
        previous : array-like of str, optional
            Each account's earlier quadrant (missing: none); turns hysteresis on.
        output : {"pandas", "polars"}, optional
            The kind of table returned (None: the :func:`cssegment.set_output` default, pandas).

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
        size, value = self.size_column, self.value_column
        sizes = _frame.numeric(_frame.column(data, size), size, booleans=False)
        values = _frame.numeric(_frame.column(data, value), value, booleans=False)
        codes = self._model.assign(sizes, values, self._previous_codes(previous, len(sizes)))
        return _frame.output(_frame.categorical(codes, self.categories), output)


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


def _rules(segments: Any, argument: str) -> list[tuple[str, str, Ratio, bool]]:
    """The core's (name, when, csm_ratio, pooled) rules from a list of Segment."""
    rules = []
    for i, segment in enumerate(_frame.listed(segments, argument)):
        if not isinstance(segment, Segment):
            raise InvalidInputError(f"{argument}[{i}] = {segment!r}: expected a cssegment.Segment")
        where = f"{argument}[{i}]"
        rules.append(
            (
                _frame.text(segment.name, f"{where}.name"),
                _frame.text(segment.when, f"{where}.when"),
                _frame.optional_number(segment.csm_ratio, f"{where}.csm_ratio"),
                _frame.flag(segment.pooled, f"{where}.pooled"),
            )
        )
    return rules


class RuleModel(SegmentModel):
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

    _core_type = _core.segment.rule_model
    _model: _core.segment.rule_model
    _parameters: ClassVar[Mapping[str, Check]] = {
        "segments": _rules,
        "default": _frame.text,
        "hysteresis": _frame.number,
        "default_csm_ratio": _frame.optional_number,
    }

    def __init__(
        self,
        segments: Sequence[Segment],
        default: str = "Unassigned",
        hysteresis: float = 0.0,
        default_csm_ratio: Ratio = None,
    ) -> None:
        self._model = _core.segment.rule_model(*self._checked(locals()))

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
            _core.segment.rule_model.four_tier(
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

    def get_params(self, deep: bool = True) -> dict[str, Any]:
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

    @overload
    def assign(
        self, data: _frame.Frame, previous: Labels | None = None, *, output: _frame.PolarsOutput
    ) -> pl.Series: ...
    @overload
    def assign(
        self, data: _frame.Frame, previous: Labels | None = None, *, output: _frame.PandasOutput = None
    ) -> pd.Categorical: ...
    @_frame.reads_columns
    def assign(
        self, data: _frame.Frame, previous: Labels | None = None, *, output: _frame.Output = None
    ) -> pd.Categorical | pl.Series:
        """Segment of every account: the first rule that is true, else the default.

        Parameters
        ----------
        data : pandas.DataFrame or mapping of columns
            Must hold every column the rules read (:attr:`columns`): numbers, or labels for
            comparisons with strings.
        previous : array-like of str, optional
            Each account's earlier segment (missing: none); turns hysteresis on.
        output : {"pandas", "polars"}, optional
            The kind of table returned (None: the :func:`cssegment.set_output` default, pandas).

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
        empty: list[int] = []  # columns with no value at all: numbers or labels, nothing tells
        for name in self._model.columns:
            raw = _frame.column(data, name)
            argument = f"data[{name!r}]"
            if _is_label_column(raw):
                label_codes, labels = _frame.labels(raw, argument)
                columns.append((name, label_codes, labels))
            else:
                columns.append((name, _frame.numeric(raw, argument), None))
                if np.isnan(columns[-1][1]).all():
                    empty.append(len(columns) - 1)
            rows = len(raw) if rows is None else rows
        if rows is None:
            rows = (
                len(data)
                if isinstance(data, pd.DataFrame)
                else data.rows
                if isinstance(data, _frame.Columns)
                else len(next(iter(cast(Mapping[str, Any], _frame.frame(data)).values()), []))
            )
        previous_codes = self._previous_codes(previous, rows)
        try:
            codes = self._model.assign(columns, rows, previous_codes)
        except InvalidInputError:
            if not empty:
                raise
            # A column holding only missing values compared with strings: labels, none of them known
            # (so every comparison with it is unknown, as for any missing value).
            for i in empty:
                columns[i] = (columns[i][0], np.full(rows, -1, dtype=np.int32), [])
            try:
                codes = self._model.assign(columns, rows, previous_codes)
            except InvalidInputError:
                raise InvalidInputError(
                    f"data: column(s) {[columns[i][0] for i in empty]} hold no value at all, and the rules "
                    "compare them both with numbers and with strings"
                ) from None
        return _frame.output(_frame.categorical(codes, self.categories), output)


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
