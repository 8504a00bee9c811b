"""Revenue and value metrics: the revenue ledger, movements, NRR / GRR / logo retention, cohorts,
CLTV / CRC / CAC and NPS with its uncertainty.

Definitions follow DESIGN.md section 4 exactly. Sums are kept in exact fixed point (multiples of
2^-40) and rounded to float64 once, so results do not depend on the thread count or on how the
accounts were split (see :mod:`cssegment.dask`).

Examples
--------
>>> import cssegment as cs
>>> book = cs.datasets.synthetic_book(1000, seed=3)
>>> nrr = cs.RevenueLedger(book.revenue).retention(horizon=12)["nrr"]
>>> bool(nrr.between(0.5, 1.5).all())
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast, overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _core, _display, _frame, _progress
from ._core import InvalidInputError

__all__ = [
    "RevenueLedger",
    "cac",
    "cac_payback",
    "cltv",
    "cltv_cac_ratio",
    "crc",
    "nps",
    "nps_difference",
]

_TICKS_PER_DAY = {"s": 86_400, "ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400_000_000_000}
# Integer account ids pass to the core as they are when their range is at most this many
# times the row count (plus a constant); sparser ids are factorized first.
_DENSE_ID_FACTOR = 4
_DENSE_ID_SLACK = 1 << 16
_ALL = "all"
# Rows per step of a ledger build with a progress bar: whole blocks of the core's passes (so that
# both cores stay busy within a step), at most about _progress.MAX_UPDATES steps.
_LEDGER_STEP_ROWS = 1 << 20


# --------------------------------------------------------------------------------------------
# Periods


@dataclass(frozen=True)
class _PeriodKind:
    """How the input spelled its periods, so that results speak the same language."""

    name: Literal["integer", "period", "datetime"]
    freq: Any = None  # the Period frequency, or the datetime64 unit

    def __str__(self) -> str:
        if self.name == "period":
            return f"pandas Periods of frequency {self.freq.freqstr}"
        return "integers" if self.name == "integer" else "monthly dates"

    def ticks_per_day(self) -> int:
        return _TICKS_PER_DAY[self.freq] if self.name == "datetime" else 0

    def labels(self, ordinals: npt.NDArray[np.int64]) -> pd.Index:
        if self.name == "period":
            return pd.PeriodIndex(pd.arrays.PeriodArray(ordinals, dtype=pd.PeriodDtype(self.freq)), name="period")
        if self.name == "datetime":
            months = (np.datetime64("1970-01", "M") + ordinals.astype("m8[M]")).astype(f"M8[{self.freq}]")
            return pd.DatetimeIndex(months, name="period")
        return pd.Index(ordinals, dtype=np.int64, name="period")

    def describe(self, ordinal: int) -> str:
        return str(self.labels(np.array([ordinal], dtype=np.int64))[0])


def _period_keys(values: Any, argument: str) -> tuple[np.ndarray, _PeriodKind]:
    """int64 keys of a period column (ordinals or datetime ticks) and its kind, without copying
    numpy-backed int64, Period and datetime64 columns."""
    dtype = getattr(values, "dtype", None)
    if isinstance(dtype, pd.PeriodDtype):
        periods = values.array if isinstance(values, (pd.Series, pd.Index)) else pd.array(values, copy=False)
        ordinals: np.ndarray = cast(Any, periods).asi8  # the ordinals themselves, not a copy
        return ordinals, _PeriodKind("period", dtype.freq)
    if isinstance(dtype, pd.DatetimeTZDtype):
        raise InvalidInputError(f"{argument}: has time zone {dtype.tz}; pass naive dates (e.g. .dt.tz_localize(None))")
    if isinstance(values, (pd.Series, pd.Index)):
        if isinstance(dtype, np.dtype):
            values = values.to_numpy()
        elif dtype is not None and pd.api.types.is_integer_dtype(dtype):
            if values.isna().any():
                row = int(np.flatnonzero(values.isna().to_numpy())[0])
                raise InvalidInputError(f"{argument}[{row}] = <NA>: periods must not be missing")
            values = values.to_numpy(dtype=np.int64)
        else:
            values = values.to_numpy(dtype=object)
    array = np.asarray(values)
    if array.ndim != 1:
        raise InvalidInputError(f"{argument}: must be one-dimensional, got shape {array.shape}")
    kind = array.dtype.kind
    if kind == "M":
        unit = np.datetime_data(array.dtype)[0]
        if unit not in _TICKS_PER_DAY:
            array, unit = array.astype("M8[s]"), "s"
        return array.view(np.int64), _PeriodKind("datetime", unit)
    if kind in "iu":
        if kind == "u" and array.size and array.max() > np.iinfo(np.int64).max:
            row = int(np.argmax(array))
            raise InvalidInputError(f"{argument}[{row}] = {array[row]}: period is too large")
        return np.ascontiguousarray(array, dtype=np.int64), _PeriodKind("integer")
    if kind == "O":
        return _object_period_keys(array, argument)
    raise InvalidInputError(
        f"{argument}: has dtype {array.dtype}; periods must be integers, monthly dates or pandas Periods"
    )


def _object_period_keys(array: np.ndarray, argument: str) -> tuple[np.ndarray, _PeriodKind]:
    inferred = pd.api.types.infer_dtype(array, skipna=False)
    if inferred == "integer":
        return array.astype(np.int64), _PeriodKind("integer")
    if inferred == "period":
        return _period_keys(pd.array(array), argument)
    if inferred in ("datetime", "datetime64", "date"):
        return _period_keys(pd.to_datetime(pd.Series(array)), argument)
    kinds = [_value_kind(value) for value in array]  # only mixed or invalid columns get here
    first_kind = next((k for k in kinds if k is not None), None)
    for row, (value, value_kind) in enumerate(zip(array, kinds)):
        if value_kind is None:
            problem = (
                "periods must not be missing"
                if pd.isna(value)
                else (f"periods must be integers, monthly dates or pandas Periods, got {type(value).__name__}")
            )
            raise InvalidInputError(f"{argument}[{row}] = {value!r}: {problem}")
        if value_kind != first_kind:
            raise InvalidInputError(
                f"{argument}[{row}] = {value!r}: mixed kinds of periods ({first_kind} and {value_kind})"
            )
    raise InvalidInputError(f"{argument}: periods must be integers, monthly dates or pandas Periods")


def _value_kind(value: Any) -> str | None:
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, np.integer)):
        return "integer"
    if isinstance(value, pd.Period):
        return "period"
    if isinstance(value, (pd.Timestamp, np.datetime64)) and not pd.isna(value):
        return "date"
    return None


# --------------------------------------------------------------------------------------------
# Accounts


def _account_keys(values: Any, argument: str) -> tuple[np.ndarray, pd.Index | None]:
    """int64 keys for the core and, when the ids had to be factorized, the ids of keys 0, 1, ...

    Integer ids over a compact range pass as they are (no hashing: the fast path for large
    ledgers); any other hashable ids are factorized with pandas.
    """
    dtype = getattr(values, "dtype", None)
    array = values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) and isinstance(dtype, np.dtype) else None
    if array is None and not isinstance(values, (pd.Series, pd.Index)):
        array = np.asarray(values)
    if array is not None and array.ndim != 1:
        raise InvalidInputError(f"{argument}: must be one-dimensional, got shape {array.shape}")
    if array is not None and array.dtype.kind in "iu" and array.size:
        low, high = int(array.min()), int(array.max())
        if high - low <= _DENSE_ID_FACTOR * array.size + _DENSE_ID_SLACK and high <= np.iinfo(np.int64).max:
            return np.ascontiguousarray(array, dtype=np.int64), None
    if array is not None and array.dtype == object:
        _check_one_kind_of_id(array, argument)
    codes, uniques = pd.factorize(values if array is None else array, use_na_sentinel=True)
    if codes.size and codes.min() < 0:
        row = int(np.argmin(codes))
        raise InvalidInputError(
            f"{argument}[{row}] = {_frame._describe(np.asarray(values, dtype=object)[row])}: "
            "account ids must not be missing"
        )
    return codes.astype(np.int64, copy=False), pd.Index(uniques)


def _check_one_kind_of_id(ids: np.ndarray, argument: str) -> None:
    """Ids of one kind: 1 and "1" are different keys, so a column mixing ints and strings (a
    half-converted export) would split accounts in two without a word."""
    if pd.api.types.infer_dtype(ids, skipna=True) not in ("mixed-integer", "mixed"):
        return
    kinds = [type(v) for v in ids if not pd.isna(v)]
    first = kinds[0]
    for row, value in enumerate(ids):
        if not pd.isna(value) and type(value) is not first:
            raise InvalidInputError(
                f"{argument}[{row}] = {value!r}: account ids mix kinds ({first.__name__} and {type(value).__name__})"
            )


# --------------------------------------------------------------------------------------------
# Segments (`by`)


def _segment_categories(labels: Any, argument: str) -> tuple[np.ndarray, list[str]]:
    """Codes (-1 = missing) and categories: a categorical's own order, else sorted labels."""
    if isinstance(getattr(labels, "dtype", None), pd.CategoricalDtype):
        return _frame.labels(labels, argument)
    codes, names = _frame.labels(labels, argument)
    order = np.argsort(np.array(names, dtype=object), kind="stable")
    rank = np.empty(len(names) + 1, dtype=np.int32)
    rank[order] = np.arange(len(names), dtype=np.int32)
    rank[-1] = -1
    return rank[codes], [names[i] for i in order]


def _long_segment_column(by: pd.DataFrame, account: str, period: str) -> str:
    """The segment column of a long `by` frame: 'segment', or the one column besides account and period."""
    for name in (account, period):
        _frame.column(by, name)
    rest = [c for c in by.columns if c not in (account, period)]
    if "segment" in rest:
        return "segment"
    if len(rest) != 1:
        raise InvalidInputError(
            f"by: a long frame needs columns {account!r}, {period!r} and one segment column "
            f"(or a column named 'segment'); got {list(by.columns)}"
        )
    return str(rest[0])


def _segment_codes(labels: Any, categories: list[str] | None) -> tuple[np.ndarray, list[str]]:
    if categories is None:
        return _segment_categories(labels, "by")
    return _frame.codes_for(labels, categories, "by"), categories


def _segment_index(categories: list[str]) -> pd.CategoricalIndex:
    return pd.CategoricalIndex(categories, categories=categories, ordered=True, name="segment")


class RevenueLedger:
    """Revenue of every account in every period: a dense account x period matrix.

    Built from long rows; the input of movements, retention, cohorts and CLTV.

    Parameters
    ----------
    revenue : pandas.DataFrame or mapping of columns
        Long rows, one per (account, period, amount); several rows for the same account and
        period are summed (several products) and counted in :meth:`summary`.
    account : str, default "account_id"
        Column of account ids: any hashable values. Integer ids over a compact range are used
        as they are (fastest); other ids are factorized.
    period : str, default "month"
        Column of periods: integers (consecutive periods), monthly ``pandas.Period`` values, or
        dates on the first day of a month. Every period between the first and the last is in
        the ledger; periods without rows are zero-revenue periods. Results are indexed by the
        same kind of value.
    amount : str, default "mrr"
        Column of recurring revenue: finite and >= 0.
    progress : bool, default False
        Show a progress bar (tqdm, ``pip install cssegment[progress]``) over the three passes of
        the build, counted in rows: reading the columns (account ids are factorized here when
        they are not compact integers), checking every row, then summing the rows into the
        matrix. The core runs the last two a block of rows at a time in input order, so the
        ledger is the same, bit for bit.

    Examples
    --------
    >>> import cssegment as cs
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"account_id": ["a", "a", "b", "b", "b"], "month": [1, 2, 1, 2, 2],
    ...                      "mrr": [100.0, 120.0, 50.0, 20.0, 10.0]})
    >>> ledger = cs.RevenueLedger(rows)
    >>> ledger.revenue
    period         1      2
    account_id
    a          100.0  120.0
    b           50.0   30.0
    >>> ledger.summary()["duplicate_rows"]
    np.int64(1)
    """

    def __init__(
        self,
        revenue: pd.DataFrame | Mapping[str, Any],
        account: str = "account_id",
        period: str = "month",
        amount: str = "mrr",
        *,
        progress: bool = False,
    ) -> None:
        names = (_frame.text(account, "account"), _frame.text(period, "period"), _frame.text(amount, "amount"))
        if not progress:
            self._build(revenue, names)
            return
        with _progress.bar(3 * len(_frame.column(revenue, names[0])), "revenue ledger", unit="row") as bar:
            self._build(revenue, names, bar=bar)

    def _build(
        self,
        revenue: pd.DataFrame | Mapping[str, Any],
        names: tuple[str, str, str],
        period_range: tuple[int, int] | None = None,
        bar: Any = None,
    ) -> None:
        """Reads the rows; `period_range` (first ordinal, count) fixes the periods, so that
        ledgers of disjoint accounts (Dask partitions) share them. A progress `bar` advances by
        the rows of each pass (reading, then the core's checking and summing, in blocks)."""
        account, period, amount = self._names = names
        for later, name in enumerate(names[1:], start=1):
            if name in names[:later]:
                roles = ("account", "period", "amount")
                raise InvalidInputError(f"{roles[later]}: {name!r} is also the {roles[names.index(name)]} column")
        keys, self._account_ids = _account_keys(_frame.column(revenue, account, "revenue"), account)
        period_keys, self._kind = _period_keys(_frame.column(revenue, period, "revenue"), period)
        amounts = _frame.numeric(_frame.column(revenue, amount, "revenue"), amount, booleans=False)
        _frame.check_length(period, period_keys, account, len(keys))
        _frame.check_length(amount, amounts, account, len(keys))
        first, count = period_range if period_range is not None else (None, None)
        rows = (keys, period_keys, self._kind.ticks_per_day(), amounts, first, count, names)
        if bar is None:
            self._ledger = _core.RevenueLedger.from_rows(*rows)
            return
        bar.update(len(keys))
        builder = _core.RevenueLedgerBuilder(*rows)
        blocks = -(-builder.work // (_progress.MAX_UPDATES * _LEDGER_STEP_ROWS))
        step = max(1, blocks) * _LEDGER_STEP_ROWS
        while not builder.done:
            done = builder.work_done
            builder.run(step)
            bar.update(builder.work_done - done)
        self._ledger = builder.finish()

    @classmethod
    def _from_core(
        cls, ledger: Any, kind: _PeriodKind, account_ids: pd.Index | None, names: tuple[str, str, str]
    ) -> RevenueLedger:
        self = cls.__new__(cls)
        self._ledger, self._kind, self._account_ids, self._names = ledger, kind, account_ids, names
        return self

    # ---- what the ledger holds

    @property
    def accounts(self) -> pd.Index:
        """The account ids, one per row of :attr:`revenue`.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> rows = pd.DataFrame({"account_id": ["a", "a", "b"], "mrr": [100.0, 120.0, 50.0],
        ...                      "month": pd.PeriodIndex(["2026-01", "2026-03", "2026-02"], freq="M")})
        >>> ledger = cs.RevenueLedger(rows)
        >>> ledger.accounts.tolist()
        ['a', 'b']
        """
        keys = self._ledger.account_keys
        ids = pd.Index(keys) if self._account_ids is None else self._account_ids[keys]
        return ids.rename(self._names[0])

    @property
    def periods(self) -> pd.Index:
        """Every period from the first to the last, gaps included.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> rows = pd.DataFrame({"account_id": ["a", "a", "b"], "mrr": [100.0, 120.0, 50.0],
        ...                      "month": pd.PeriodIndex(["2026-01", "2026-03", "2026-02"], freq="M")})
        >>> ledger = cs.RevenueLedger(rows)
        >>> [str(period) for period in ledger.periods]
        ['2026-01', '2026-02', '2026-03']
        """
        return self._kind.labels(self._ledger.first_period + np.arange(self._ledger.periods, dtype=np.int64))

    @property
    def revenue(self) -> pd.DataFrame:
        """The account x period matrix R(a, p) (a read-only view, not a copy).

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> rows = pd.DataFrame({"account_id": ["a", "a", "b"], "mrr": [100.0, 120.0, 50.0],
        ...                      "month": pd.PeriodIndex(["2026-01", "2026-03", "2026-02"], freq="M")})
        >>> ledger = cs.RevenueLedger(rows)
        >>> ledger.revenue.to_numpy().tolist()
        [[100.0, 0.0, 120.0], [0.0, 50.0, 0.0]]
        """
        return pd.DataFrame(self._ledger.matrix, index=self.accounts, columns=self.periods, copy=False)

    def summary(self) -> pd.Series:
        """What was read: rows, accounts, periods and duplicate rows.

        ``rows_read``, ``accounts``, ``periods`` and ``duplicate_rows`` (rows summed into an account
        and period that already had a row). Nothing is dropped silently.

        Returns
        -------
        pandas.Series
            int64 counts named ``ledger``.

        Examples
        --------
        >>> import pandas as pd, cssegment as cs
        >>> rows = pd.DataFrame({"account_id": ["a", "a", "b"], "mrr": [100.0, 120.0, 50.0],
        ...                      "month": pd.PeriodIndex(["2026-01", "2026-03", "2026-02"], freq="M")})
        >>> ledger = cs.RevenueLedger(rows)
        >>> ledger.summary().to_dict()
        {'rows_read': 3, 'accounts': 2, 'periods': 3, 'duplicate_rows': 0}
        """
        return pd.Series(self._ledger.summary(), dtype=np.int64, name="ledger")

    def _span(self) -> str:
        periods = self.periods
        return f"{periods[0]} to {periods[-1]}" if len(periods) else "no periods"

    def __repr__(self) -> str:
        s = self._ledger.summary()
        return _display.one_line(
            "RevenueLedger",
            [f"{s['accounts']:,} accounts x {s['periods']:,} periods, {self._span()}; {s['rows_read']:,} rows"],
        )

    def _repr_html_(self) -> str:
        s = self._ledger.summary()
        matrix = self._ledger.matrix
        empty = int(matrix.shape[1] - np.count_nonzero(matrix.any(axis=0))) if matrix.size else s["periods"]
        account, period, amount = self._names
        rows = [
            ("accounts", s["accounts"]),
            ("periods", f"{s['periods']:,} ({self._span()})"),
            ("rows read", s["rows_read"]),
            ("duplicate rows summed", s["duplicate_rows"]),
            ("periods without revenue (zeros)", empty),
            ("revenue in the last period", float(matrix[:, -1].sum()) if matrix.size else 0.0),
            ("columns", f"account={account!r}, period={period!r}, amount={amount!r}"),
            ("periods are", str(self._kind)),
        ]
        return _display.block("RevenueLedger", _display.table(rows))

    # ---- segments

    def _segments(
        self, by: pd.Series | pd.DataFrame | None, categories: list[str] | None = None
    ) -> tuple[Any, list[str] | None]:
        """The core's per-account (or per-period) segments of `by`, checked to cover every account
        and period with revenue, and the segment names (`categories` when given: the codes of
        every Dask partition must refer to the same list)."""
        if by is None:
            return None, None
        if isinstance(by, pd.DataFrame):
            account, period = self._names[:2]
            segment = _long_segment_column(by, account, period)
            codes, categories = _segment_codes(by[segment], categories)
            keys = self._keys_of(by[account])
            period_keys, kind = _period_keys(by[period], "by")
            if kind.name != self._kind.name or (kind.name == "period" and kind.freq != self._kind.freq):
                raise InvalidInputError(f"by: periods are {kind} but the ledger's are {self._kind}")
            segments = _core.AccountSegments.per_period(
                self._ledger, keys, period_keys, kind.ticks_per_day(), codes, len(categories)
            )
        elif isinstance(by, pd.Series):
            codes, categories = _segment_codes(by, categories)
            segments = _core.AccountSegments.per_account(self._ledger, self._keys_of(by.index), codes, len(categories))
        else:
            raise InvalidInputError(
                f"by: expected a Series indexed by account id or a long DataFrame, got {type(by).__name__}"
            )
        gap = segments.first_unsegmented(self._ledger)
        if gap is not None:
            account_id = _frame._describe(self.accounts[gap[0]])
            when = self._kind.describe(self._ledger.first_period + gap[1])
            raise InvalidInputError(f"by: account {account_id} has revenue in period {when} but no segment")
        return segments, categories

    def _keys_of(self, ids: Any) -> np.ndarray:
        """Ledger keys of account ids given in `by` (keys no account has for unknown ids)."""
        if self._account_ids is None:
            array = np.asarray(ids)
            if array.dtype.kind in "iu":
                return np.ascontiguousarray(array, dtype=np.int64)
            return np.full(len(array), np.iinfo(np.int64).min, dtype=np.int64)  # matches no integer account
        return self._account_ids.get_indexer(pd.Index(ids)).astype(np.int64)

    # ---- metrics

    def movements(
        self, by: pd.Series | pd.DataFrame | None = None, reactivation_window: int | None = None
    ) -> pd.DataFrame:
        """Revenue movements into every period after the first (DESIGN.md section 4).

        Parameters
        ----------
        by : pandas.Series or pandas.DataFrame, optional
            Segments: a Series indexed by account id (one segment per account), or a long frame
            with the ledger's account and period columns and a segment column (segments that
            change over time). Every account and period with revenue needs a segment. A move is
            counted in the account's segment at period p when it pays then, else at p - 1
            (churn), so every row satisfies the identity below.
        reactivation_window : int, optional
            A return after more than this many empty periods counts as ``new``; by default any
            return is a ``reactivation``.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``period`` (or ``period``, ``segment``): ``start, new, reactivation,
            expansion, contraction, churn, end`` (revenue), ``logos_start, logos_new,
            logos_reactivated, logos_churned, logos_end`` (accounts) and ``quick_ratio`` =
            (new + reactivation + expansion) / (contraction + churn), NaN when nothing was lost.
            ``end = start + new + reactivation + expansion - contraction - churn`` holds exactly
            in the exact sums; each column is then rounded to float64 once.

        Examples
        --------
        >>> import cssegment as cs
        >>> import pandas as pd
        >>> rows = pd.DataFrame({"account_id": [1, 1, 2, 3], "month": [1, 2, 1, 2], "mrr": [10.0, 15.0, 5.0, 7.0]})
        >>> cs.RevenueLedger(rows).movements()[["start", "new", "expansion", "churn", "end"]]
                start  new  expansion  churn   end
        period
        2        15.0  7.0        5.0    5.0  22.0
        """
        segments, categories = self._segments(by)
        _check_reactivation_window(reactivation_window)
        partials = self._ledger.movement_partials(segments, reactivation_window)
        return _movement_frame(partials, self._kind, categories)

    def retention(
        self, horizon: int = 12, by: pd.Series | pd.DataFrame | None = None, masks_churn_below: float = 0.9
    ) -> pd.DataFrame:
        """NRR, GRR and logo retention over `horizon` periods from every start period.

        The cohort of start period p0 is the accounts paying at p0, in their segment at p0;
        accounts new after p0 never count (DESIGN.md section 4).

        Parameters
        ----------
        horizon : int, default 12
            Periods from start to end, >= 1. Start periods run from the first period to the last
            minus `horizon`; a horizon as long as the history or longer gives an empty frame.
        by : pandas.Series or pandas.DataFrame, optional
            Segments, as in :meth:`movements`.
        masks_churn_below : float, default 0.9
            ``nrr_masks_churn`` flags NRR >= 1 with logo retention below this.

        Returns
        -------
        pandas.DataFrame
            Indexed by start ``period`` (or ``period``, ``segment``): ``cohort_accounts,
            start_revenue, end_revenue, retained_revenue, nrr, grr, logo_retention,
            nrr_masks_churn``; ratios are NaN for an empty cohort.

        Examples
        --------
        >>> import cssegment as cs
        >>> import pandas as pd
        >>> rows = pd.DataFrame({"account_id": [1, 1, 2, 3, 3], "month": [1, 2, 1, 1, 2],
        ...                      "mrr": [10.0, 30.0, 5.0, 5.0, 5.0]})
        >>> cs.RevenueLedger(rows).retention(horizon=1)[["nrr", "grr", "logo_retention"]]
                nrr  grr  logo_retention
        period
        1       1.75  0.75        0.666667
        """
        _check_horizon(horizon)
        segments, categories = self._segments(by)
        partials = self._ledger.retention_partials(segments, horizon)
        return _retention_frame(partials, self._kind, categories, masks_churn_below)

    def cohorts(
        self,
        metric: Literal["revenue", "logos"] = "revenue",
        by: pd.Series | pd.DataFrame | None = None,
        cohort_length: int = 1,
        include_first_period: bool = False,
        normalize: bool = True,
    ) -> pd.DataFrame:
        """First-revenue cohort x age table of revenue or logo retention.

        A cohort is the accounts whose first revenue falls in the same block of `cohort_length`
        periods (blocks aligned to the ledger's first period); age t is t periods after each
        account's own first revenue period.

        Parameters
        ----------
        metric : {"revenue", "logos"}
            ``revenue``: the cohort's revenue at age t; ``logos``: its accounts paying at age t
            (an account that returns after churning counts again).
        by : pandas.Series or pandas.DataFrame, optional
            Segments, as in :meth:`movements`; an account counts in its segment at its first
            revenue period.
        cohort_length : int, default 1
            Periods per cohort.
        include_first_period : bool, default False
            Accounts paying in the ledger's first period may have started before it
            (left-censored), so by default they form no cohort.
        normalize : bool, default True
            Divide by age 0 (retention); else totals.

        Returns
        -------
        pandas.DataFrame
            Rows: cohorts with at least one account, indexed by ``cohort`` (the block's first
            period) or (``cohort``, ``segment``); columns: ages 0, 1, ...; NaN where an age is
            not observed for every account of the cohort.

        Examples
        --------
        >>> import cssegment as cs
        >>> import pandas as pd
        >>> rows = pd.DataFrame({"account_id": [1, 2, 2, 3, 3], "month": [0, 1, 2, 1, 3],
        ...                      "mrr": [9.0, 10.0, 10.0, 10.0, 20.0]})
        >>> cs.RevenueLedger(rows).cohorts("logos")
        age       0    1    2
        cohort
        1       1.0  0.5  0.5
        """
        if not isinstance(metric, str) or metric not in ("revenue", "logos"):
            raise InvalidInputError(f"metric: {metric!r} must be 'revenue' or 'logos'")
        field: Literal["revenue", "paying"] = "revenue" if metric == "revenue" else "paying"
        return self._cohort_table(field, by, cohort_length, include_first_period, normalize)

    def survivors(
        self,
        by: pd.Series | pd.DataFrame | None = None,
        cohort_length: int = 1,
        include_first_period: bool = False,
    ) -> pd.DataFrame:
        """Accounts of each first-revenue cohort still paying without a break, by age.

        The input of shifted-beta-geometric retention curves (``ShiftedBetaGeometric.fit_many``).

        Cohorts are as in :meth:`cohorts`. The value at age t counts the cohort's accounts that
        paid (revenue > 0) in every period from their own first revenue period through first + t:
        contractual survival, so an account that returns after churning stays lost. Age 0 is
        the cohort size; rows never increase.

        Parameters
        ----------
        by : pandas.Series or pandas.DataFrame, optional
            Segments, as in :meth:`movements`; an account counts in its segment at its first
            revenue period.
        cohort_length : int, default 1
            Periods per cohort; blocks start at the ledger's first period.
        include_first_period : bool, default False
            Accounts already paying in the ledger's first period are left-censored: they may have
            started earlier, so their age is unknown and counting them as new would overstate
            early churn. By default they are left out (so the first cohort holds only accounts
            starting in the block's later periods, and with ``cohort_length=1`` there is no first
            cohort); set True to treat the first period as their start.

        Returns
        -------
        pandas.DataFrame
            float64 counts; rows are cohorts with at least one account, indexed by ``cohort`` (the
            block's first period, of the input's period kind) or a MultiIndex (``cohort``,
            ``segment``) with `by`; columns are ages 0, 1, ... (ints). NaN where an age is not
            observed for every account of the cohort (beyond the last period minus the latest
            first revenue period in the cohort): ragged rows, NaN-padded.

        Examples
        --------
        >>> import cssegment as cs
        >>> import pandas as pd
        >>> rows = pd.DataFrame({"account_id": [1, 2, 2, 3, 3, 4], "month": [0, 1, 2, 1, 3, 2],
        ...                      "mrr": [9.0, 10.0, 10.0, 10.0, 20.0, 5.0]})
        >>> cs.RevenueLedger(rows).survivors()
        age       0    1    2
        cohort
        1       2.0  1.0  0.0
        2       1.0  0.0  NaN
        """
        return self._cohort_table("surviving", by, cohort_length, include_first_period, normalize=False)

    def _cohort_table(
        self,
        field: Literal["revenue", "paying", "surviving"],
        by: pd.Series | pd.DataFrame | None,
        cohort_length: int,
        include_first_period: bool,
        normalize: bool,
    ) -> pd.DataFrame:
        if isinstance(cohort_length, bool) or not isinstance(cohort_length, (int, np.integer)):
            raise InvalidInputError(f"cohort_length: {cohort_length!r} must be an integer >= 1")
        segments, categories = self._segments(by)
        first_period = _frame.flag(include_first_period, "include_first_period")
        sums = self._ledger.cohort_sums(segments, int(cohort_length), first_period)
        values, observed = sums[field], sums["observed_ages"]
        blocks, groups, ages = values.shape
        members = sums["paying"][:, :, 0] if ages else np.zeros((blocks, groups))
        keep = members.reshape(-1) > 0
        values = values.reshape(blocks * groups, ages)[keep]
        observed = observed.reshape(-1)[keep]
        if _frame.flag(normalize, "normalize"):
            values = values / values[:, :1]
        values = np.where(np.arange(ages) < observed[:, None], values, np.nan)
        width = int(observed.max()) if keep.any() else 0
        cohorts = self._kind.labels(
            self._ledger.first_period + np.arange(blocks, dtype=np.int64) * int(cohort_length)
        ).rename("cohort")
        index: pd.Index = cohorts
        if categories is not None:
            index = pd.MultiIndex.from_product([cohorts, _segment_index(categories)], names=["cohort", "segment"])
        return pd.DataFrame(values[:, :width], index=index[keep], columns=pd.RangeIndex(width, name="age"))

    def cltv(
        self,
        window: int = 6,
        by: pd.Series | pd.DataFrame | None = None,
        cost_to_serve: float = 0.0,
        gross_margin: float = 1.0,
        discount_rate: float = 0.0,
    ) -> pd.DataFrame:
        """Customer lifetime value per segment from the ledger's latest periods.

        ARPA is the revenue per paying account in the last period; the churn rate is the mean of
        the logo churn rates (logos_churned / logos_start) of the last `window` periods (periods
        with no paying account at their start are skipped). Then :func:`cltv`.

        Parameters
        ----------
        window : int
            Periods whose churn rates are averaged (>= 1).
        by : pandas.Series or pandas.DataFrame, optional
            Segments, as in :meth:`movements`.
        cost_to_serve, gross_margin, discount_rate : float
            As in :func:`cltv`.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``segment`` (one row ``all`` without `by`): ``accounts, arpa, churn_rate,
            cltv``. CLTV is NaN where the churn rate is 0 or unknown (no churn observed: the
            formula would be infinite).

        Examples
        --------
        >>> import cssegment as cs
        >>> import pandas as pd
        >>> rows = pd.DataFrame({"account_id": [1, 1, 2, 2, 3, 4], "month": [1, 2, 1, 2, 1, 2],
        ...                      "mrr": [100.0, 100.0, 50.0, 50.0, 30.0, 90.0]})
        >>> cs.RevenueLedger(rows).cltv(window=1)
                 accounts  arpa  churn_rate    cltv
        segment
        all             3  80.0    0.333333  240.0
        """
        if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
            raise InvalidInputError(f"window: {window!r} must be an integer >= 1")
        moves = self.movements(by=by)
        if by is None:
            moves = moves.set_index(_segment_index([_ALL])[np.zeros(len(moves), dtype=np.intp)], append=True)
        periods = moves.index.get_level_values("period").unique()
        if len(periods) == 0:
            raise InvalidInputError(f"window: the ledger has {len(self.periods)} period(s); CLTV needs at least two")
        recent = moves.loc[moves.index.get_level_values("period").isin(periods[-window:])]
        rates = (recent["logos_churned"] / recent["logos_start"].where(recent["logos_start"] > 0)).groupby(
            level="segment", observed=False
        )
        churn_rate = rates.mean()
        last = moves.xs(periods[-1], level="period")
        accounts = last["logos_end"].astype(np.int64)
        arpa = last["end"] / accounts.where(accounts > 0)
        value = pd.Series(np.nan, index=churn_rate.index)
        known = (churn_rate > 0) & arpa.notna()
        if known.any():
            value[known] = cltv(
                arpa[known],
                churn_rate[known],
                cost_to_serve=cost_to_serve,
                gross_margin=gross_margin,
                discount_rate=discount_rate,
            )
        return pd.DataFrame({"accounts": accounts, "arpa": arpa, "churn_rate": churn_rate, "cltv": value})


def _check_horizon(horizon: int) -> None:
    _core.check_horizon(_frame.integer(horizon, "horizon"))


def _check_reactivation_window(reactivation_window: int | None) -> None:
    if reactivation_window is not None:
        reactivation_window = _frame.integer(reactivation_window, "reactivation_window")
    _core.check_reactivation_window(reactivation_window)


def _movement_frame(partials: Any, kind: _PeriodKind, categories: list[str] | None) -> pd.DataFrame:
    columns = _core.movement_table(partials)
    for name in ("logos_start", "logos_new", "logos_reactivated", "logos_churned", "logos_end"):
        columns[name] = columns[name].astype(np.int64)
    index = _index(kind, partials.first_period, partials.rows, categories)
    return pd.DataFrame(columns, index=index)


def _retention_frame(
    partials: Any, kind: _PeriodKind, categories: list[str] | None, masks_churn_below: float
) -> pd.DataFrame:
    columns = _core.retention_table(partials, _frame.number(masks_churn_below, "masks_churn_below"))
    columns["cohort_accounts"] = columns["cohort_accounts"].astype(np.int64)
    return pd.DataFrame(columns, index=_index(kind, partials.first_period, partials.rows, categories))


def _index(kind: _PeriodKind, first: int, rows: int, categories: list[str] | None) -> pd.Index:
    periods = kind.labels(first + np.arange(rows, dtype=np.int64))
    if categories is None:
        return periods
    return pd.MultiIndex.from_product([periods, _segment_index(categories)], names=["period", "segment"])


# --------------------------------------------------------------------------------------------
# Value metrics


Floats = npt.NDArray[np.float64]
Vector = npt.NDArray[np.integer[Any] | np.floating[Any]] | Sequence[float]
#: Amounts per period: a number, an array or a Series; broadcast against each other.
Amounts = float | Vector | pd.Series


def _floats(values: Amounts, argument: str) -> Floats:
    if isinstance(values, (int, float, np.generic)) or _frame.as_array(values, argument).ndim == 0:
        return _frame.numeric(np.atleast_1d(values), argument, booleans=False)
    return _frame.numeric(values, argument, booleans=False)


def _vectorised(result: Floats, template: Mapping[str, Amounts], name: str) -> float | Floats | pd.Series:
    """A float for scalar inputs, a Series aligned to the first Series input, else an array."""
    for value in template.values():
        if isinstance(value, pd.Series):
            return pd.Series(result, index=value.index, name=name)
    if all(np.ndim(v) == 0 for v in template.values()):
        return float(result[0])
    return result


def _apply(name: str, function: Callable[..., Floats], **arguments: Amounts) -> float | Floats | pd.Series:
    """Broadcast the arguments against each other, call the core, shape the result like them."""
    series = [(k, v) for k, v in arguments.items() if isinstance(v, pd.Series)]
    for argument, value in series[1:]:
        if not value.index.equals(series[0][1].index):
            raise InvalidInputError(
                f"{argument}: its index differs from {series[0][0]}'s; align the Series first (e.g. .reindex)"
            )
    arrays = [_floats(v, k) for k, v in arguments.items()]
    # Only scalars broadcast: numpy would also stretch a length-1 array, or shrink it to length 0.
    lengths = {len(a) for a, v in zip(arrays, arguments.values()) if np.ndim(v) != 0}
    if len(lengths) > 1:
        sizes = ", ".join(f"{k} has {np.size(v)}" for k, v in arguments.items())
        raise InvalidInputError(f"{name}: arguments have different lengths: {sizes}")
    shape = (lengths.pop() if lengths else 1,)
    arrays = [np.ascontiguousarray(np.broadcast_to(a, shape)) for a in arrays]
    return _vectorised(function(*arrays), arguments, name)


def _per_customer(name: str, amount: tuple[str, Amounts], customers: tuple[str, Amounts]) -> float | Floats | pd.Series:
    def divide(spend: Floats, count: Floats) -> Floats:
        return _core.per_customer(spend, count, amount[0], customers[0])

    return _apply(name, divide, **{amount[0]: amount[1], customers[0]: customers[1]})


@overload
def cltv(
    arpa: float, churn_rate: float, cost_to_serve: float = ..., gross_margin: float = ..., discount_rate: float = ...
) -> float: ...
@overload
def cltv(
    arpa: pd.Series,
    churn_rate: Amounts,
    cost_to_serve: Amounts = ...,
    gross_margin: Amounts = ...,
    discount_rate: Amounts = ...,
) -> pd.Series: ...
@overload
def cltv(
    arpa: Vector,
    churn_rate: float | Vector,
    cost_to_serve: float | Vector = ...,
    gross_margin: float | Vector = ...,
    discount_rate: float | Vector = ...,
) -> Floats: ...
@overload
def cltv(
    arpa: Amounts,
    churn_rate: Amounts,
    cost_to_serve: Amounts = ...,
    gross_margin: Amounts = ...,
    discount_rate: Amounts = ...,
) -> float | Floats | pd.Series: ...
def cltv(
    arpa: Amounts,
    churn_rate: Amounts,
    cost_to_serve: Amounts = 0.0,
    gross_margin: Amounts = 1.0,
    discount_rate: Amounts = 0.0,
) -> float | Floats | pd.Series:
    """Customer lifetime value from ARPA, churn rate, margin, cost to serve and discount rate.

    (ARPA x gross_margin - cost_to_serve) / churn_rate, or with a discount rate d and retention
    r = 1 - churn_rate: (ARPA x gm - cts) x (1 + d) / (1 + d - r).

    All arguments are per period and broadcast against each other (scalars, arrays, Series).
    churn_rate must be in (0, 1], gross_margin in (0, 1], discount_rate >= 0, ARPA and
    cost_to_serve finite and >= 0.

    Parameters
    ----------
    arpa : float, array-like or pandas.Series
        Average revenue per account per period.
    churn_rate : float, array-like or pandas.Series
        Share of accounts lost per period.
    cost_to_serve : float, array-like or pandas.Series
        Cost of serving an account per period.
    gross_margin : float, array-like or pandas.Series
        Share of revenue kept after the cost of goods.
    discount_rate : float, array-like or pandas.Series
        Discount rate per period.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        A float for scalar arguments, a Series aligned with the first Series argument, else an
        array.

    Raises
    ------
    InvalidInputError
        If a value is out of range (the message names the argument and the row) or the
        arguments do not broadcast.

    Examples
    --------
    >>> import cssegment as cs
    >>> cs.cltv(1000.0, 0.02)
    50000.0
    >>> cs.cltv(1000.0, 0.02, gross_margin=0.8, cost_to_serve=100.0, discount_rate=0.01)
    23566.666666666668
    """
    return _apply(
        "cltv",
        _core.cltv,
        arpa=arpa,
        churn_rate=churn_rate,
        cost_to_serve=cost_to_serve,
        gross_margin=gross_margin,
        discount_rate=discount_rate,
    )


@overload
def crc(retention_spend: float, customers: float, denominator: Literal["retained", "start"] = ...) -> float: ...
@overload
def crc(
    retention_spend: pd.Series, customers: Amounts, denominator: Literal["retained", "start"] = ...
) -> pd.Series: ...
@overload
def crc(
    retention_spend: Vector, customers: float | Vector, denominator: Literal["retained", "start"] = ...
) -> Floats: ...
@overload
def crc(
    retention_spend: Amounts, customers: Amounts, denominator: Literal["retained", "start"] = ...
) -> float | Floats | pd.Series: ...
def crc(
    retention_spend: Amounts, customers: Amounts, denominator: Literal["retained", "start"] = "retained"
) -> float | Floats | pd.Series:
    """Customer retention cost: retention spend / customers.

    Parameters
    ----------
    retention_spend : float, array-like or Series
        Spend on keeping customers in the period (finite, >= 0).
    customers : float, array-like or Series
        What `denominator` names (> 0).
    denominator : {"retained", "start"}
        ``retained`` (the definition in DESIGN.md): `customers` are those retained in the period;
        ``start``: those at the start of the period, which spreads the spend over everyone the
        team had to work on, churned or not. The choice is spelled out because both are in use.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        A float for scalar arguments, a Series aligned with the first Series argument, else an
        array.

    Examples
    --------
    >>> import cssegment as cs
    >>> cs.crc(90_000.0, 450)
    200.0
    >>> cs.crc(90_000.0, 500, denominator="start")
    180.0
    """
    if not isinstance(denominator, str) or denominator not in ("retained", "start"):
        raise InvalidInputError(f"denominator: {denominator!r} must be 'retained' or 'start'")
    return _per_customer("crc", ("retention_spend", retention_spend), (f"customers ({denominator})", customers))


@overload
def cac(acquisition_spend: float, new_customers: float) -> float: ...
@overload
def cac(acquisition_spend: pd.Series, new_customers: Amounts) -> pd.Series: ...
@overload
def cac(acquisition_spend: Vector, new_customers: float | Vector) -> Floats: ...
@overload
def cac(acquisition_spend: Amounts, new_customers: Amounts) -> float | Floats | pd.Series: ...
def cac(acquisition_spend: Amounts, new_customers: Amounts) -> float | Floats | pd.Series:
    """Customer acquisition cost: acquisition spend / new customers (> 0).

    Parameters
    ----------
    acquisition_spend : float, array-like or pandas.Series
        Sales and marketing spend on winning customers in the period (finite, >= 0).
    new_customers : float, array-like or pandas.Series
        Customers won in the period (> 0).

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        A float for scalar arguments, a Series aligned with the first Series argument, else an
        array.

    Examples
    --------
    >>> import cssegment as cs
    >>> cs.cac(120_000.0, 40)
    3000.0
    """
    return _per_customer("cac", ("acquisition_spend", acquisition_spend), ("new_customers", new_customers))


@overload
def cltv_cac_ratio(cltv: float, cac: float) -> float: ...
@overload
def cltv_cac_ratio(cltv: pd.Series, cac: Amounts) -> pd.Series: ...
@overload
def cltv_cac_ratio(cltv: Vector, cac: float | Vector) -> Floats: ...
@overload
def cltv_cac_ratio(cltv: Amounts, cac: Amounts) -> float | Floats | pd.Series: ...
def cltv_cac_ratio(cltv: Amounts, cac: Amounts) -> float | Floats | pd.Series:
    """CLTV : CAC, the value a customer brings per unit of acquisition cost (CAC > 0).

    Parameters
    ----------
    cltv : float, array-like or pandas.Series
        Customer lifetime value (see :func:`cltv`).
    cac : float, array-like or pandas.Series
        Customer acquisition cost (see :func:`cac`).

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        A float for scalar arguments, a Series aligned with the first Series argument, else an
        array.

    Examples
    --------
    >>> import cssegment as cs
    >>> cs.cltv_cac_ratio(9000.0, 3000.0)
    3.0
    """
    return _per_customer("cltv_cac_ratio", ("cltv", cltv), ("cac", cac))


@overload
def cac_payback(cac: float, arpa_new: float, gross_margin: float = ...) -> float: ...
@overload
def cac_payback(cac: pd.Series, arpa_new: Amounts, gross_margin: Amounts = ...) -> pd.Series: ...
@overload
def cac_payback(cac: Vector, arpa_new: float | Vector, gross_margin: float | Vector = ...) -> Floats: ...
@overload
def cac_payback(cac: Amounts, arpa_new: Amounts, gross_margin: Amounts = ...) -> float | Floats | pd.Series: ...
def cac_payback(cac: Amounts, arpa_new: Amounts, gross_margin: Amounts = 1.0) -> float | Floats | pd.Series:
    """CAC payback in periods: CAC / (ARPA of new customers x gross_margin).

    Parameters
    ----------
    cac : float, array-like or pandas.Series
        Customer acquisition cost.
    arpa_new : float, array-like or pandas.Series
        Revenue per new account per period (> 0).
    gross_margin : float, array-like or pandas.Series
        Share of revenue kept after the cost of goods, in (0, 1].

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        A float for scalar arguments, a Series aligned with the first Series argument, else an
        array.

    Examples
    --------
    >>> import cssegment as cs
    >>> cs.cac_payback(3000.0, 500.0, gross_margin=0.75)
    8.0
    """
    return _apply("cac_payback", _core.cac_payback, cac=cac, arpa_new=arpa_new, gross_margin=gross_margin)


# --------------------------------------------------------------------------------------------
# NPS


@overload
def nps(scores: _frame.ArrayLike, by: None = ...) -> pd.Series: ...
@overload
def nps(scores: _frame.ArrayLike, by: _frame.Labels) -> pd.DataFrame: ...
def nps(scores: _frame.ArrayLike, by: _frame.Labels | None = None) -> pd.Series | pd.DataFrame:
    """Net Promoter Score with its standard error and 95% interval.

    Promoters score 9-10, passives 7-8, detractors 0-6; NPS = 100 (promoters - detractors) / n,
    standard error = 100 sqrt((pP + pD - (pP - pD)^2) / n), interval NPS +/- 1.96 SE. Scores must
    be whole numbers 0-10; NaN means no answer and is not counted.

    Parameters
    ----------
    scores : array-like or pandas.Series
        Answers 0-10 (NaN: no answer).
    by : array-like of segment labels, optional
        One label per score: the result has one row per segment.

    Returns
    -------
    pandas.Series (without `by`) or pandas.DataFrame indexed by ``segment``
        ``nps, standard_error, ci_low, ci_high, n, promoters, passives, detractors``.

    Examples
    --------
    >>> import cssegment as cs
    >>> cs.nps([10, 9, 8, 6, 10])["nps"]
    np.float64(40.0)
    """
    values = _frame.numeric(scores, "scores", booleans=False)
    if by is None:
        columns = _core.nps(values, None, 1)
        return pd.Series({k: v[0] for k, v in columns.items()}, name="nps")
    _frame.check_length("by", by, "scores", len(values))
    codes, categories = _segment_categories(by, "by")
    columns = _core.nps(values, codes, len(categories))
    table = pd.DataFrame(columns, index=_segment_index(categories))
    for name in ("n", "promoters", "passives", "detractors"):
        table[name] = table[name].astype(np.int64)
    return table


def nps_difference(a: _frame.ArrayLike, b: _frame.ArrayLike) -> pd.Series:
    """Difference of two NPS (a - b) with a z-test.

    The standard error is the square root of the sum of the two variances; two-sided p-value; 95%
    interval of the difference.

    Parameters
    ----------
    a, b : array-like or pandas.Series
        The scores of the two groups (0-10; NaN: no answer).

    Returns
    -------
    pandas.Series
        ``difference``, ``standard_error``, ``z``, ``p_value``, ``ci_low``, ``ci_high``, and the two
        scores ``nps_a`` and ``nps_b``.

    Examples
    --------
    >>> import cssegment as cs
    >>> result = cs.nps_difference([10, 9, 9, 7, 3] * 40, [10, 8, 6, 6, 3] * 40)
    >>> float(result["difference"]), bool(result["p_value"] < 0.05)
    (80.0, True)
    """
    return pd.Series(_core.nps_difference(_frame.numeric(a, "a"), _frame.numeric(b, "b")), name="nps_difference")
