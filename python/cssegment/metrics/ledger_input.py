"""The input layer of the revenue ledger: period kinds and keys, account keys and `by` segments.

Package-internal (used by :mod:`cssegment.metrics.ledger`, :mod:`cssegment.dask` and
:mod:`cssegment.plot`): it turns pandas and numpy columns into the int64 keys and int32 segment
codes the C++ core reads, and remembers how the input spelled its periods so that results speak
the same language. The names are public so that those modules share them; none is re-exported
by :mod:`cssegment.metrics`.

Examples
--------
>>> import pandas as pd
>>> from cssegment.metrics import ledger_input
>>> keys, kind = ledger_input.period_keys(pd.PeriodIndex(["2024-01", "2024-03"], freq="M"), "month")
>>> keys.tolist(), kind.name
([648, 650], 'period')
>>> ledger_input.segment_codes(["b", "a", None, "b"], None)
(array([ 1,  0, -1,  1], dtype=int32), ['a', 'b'])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from .. import _core, _frame
from .._core import InvalidInputError

__all__: list[str] = []  # package-internal: nothing here is part of the public API

_TICKS_PER_DAY = {"s": 86_400, "ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400_000_000_000}


# --------------------------------------------------------------------------------------------
# Periods


@dataclass(frozen=True)
class PeriodKind:
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


def period_keys(values: Any, argument: str) -> tuple[np.ndarray, PeriodKind]:
    """int64 keys of a period column (ordinals or datetime ticks) and its kind, without copying
    numpy-backed int64, Period and datetime64 columns."""
    dtype = getattr(values, "dtype", None)
    if isinstance(dtype, pd.PeriodDtype):
        periods = values.array if isinstance(values, (pd.Series, pd.Index)) else pd.array(values, copy=False)
        ordinals: np.ndarray = cast(Any, periods).asi8  # the ordinals themselves, not a copy
        return ordinals, PeriodKind("period", dtype.freq)
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
        return array.view(np.int64), PeriodKind("datetime", unit)
    if kind in "iu":
        if kind == "u" and array.size and array.max() > np.iinfo(np.int64).max:
            row = int(np.argmax(array))
            raise InvalidInputError(f"{argument}[{row}] = {array[row]}: period is too large")
        return np.ascontiguousarray(array, dtype=np.int64), PeriodKind("integer")
    if kind == "O":
        return _object_period_keys(array, argument)
    raise InvalidInputError(
        f"{argument}: has dtype {array.dtype}; periods must be integers, monthly dates or pandas Periods"
    )


def _object_period_keys(array: np.ndarray, argument: str) -> tuple[np.ndarray, PeriodKind]:
    inferred = pd.api.types.infer_dtype(array, skipna=False)
    if inferred == "integer":
        return array.astype(np.int64), PeriodKind("integer")
    if inferred == "period":
        return period_keys(pd.array(array), argument)
    if inferred in ("datetime", "datetime64", "date"):
        return period_keys(pd.to_datetime(pd.Series(array)), argument)
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


def account_keys(values: Any, argument: str) -> tuple[np.ndarray, pd.Index | None]:
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
        if high <= np.iinfo(np.int64).max and compact_ids(low, high, array.size):
            return np.ascontiguousarray(array, dtype=np.int64), None
    if array is not None and array.dtype == object:
        _check_one_kind_of_id(array, argument)
    codes, uniques = pd.factorize(values if array is None else array, use_na_sentinel=True)
    if codes.size and codes.min() < 0:
        row = int(np.argmin(codes))
        raise InvalidInputError(
            f"{argument}[{row}] = {_frame.describe(np.asarray(values, dtype=object)[row])}: "
            "account ids must not be missing"
        )
    return codes.astype(np.int64, copy=False), pd.Index(uniques)


def compact_ids(low: int, high: int, count: int) -> bool:
    """Whether integer account ids from `low` to `high` (`count` rows) go to the core as they are.

    The rule is the core's (``ids_are_dense`` in ``include/cssegment/metrics/ledger.hpp``): the
    ledger finds an account's row through a table over the ids' range when that range is compact;
    sparser ids are factorized here first, so that no table grows with the ids' span.
    """
    return _core.metrics.ids_are_dense(low, high, count)


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


def long_segment_column(by: pd.DataFrame, account: str, period: str) -> str:
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


def segment_codes(labels: Any, categories: list[str] | None) -> tuple[np.ndarray, list[str]]:
    """Codes of `by` labels in `categories` when given (every Dask partition shares one list),
    else in the labels' own order (:func:`cssegment._frame.ranked_labels`)."""
    if categories is None:
        return _frame.ranked_labels(labels, "by")
    return _frame.codes_for(labels, categories, "by"), categories


def segment_index(categories: list[str]) -> pd.CategoricalIndex:
    """The ordered ``segment`` index level of results split `by` segment."""
    return pd.CategoricalIndex(categories, categories=categories, ordered=True, name="segment")


# --------------------------------------------------------------------------------------------
# Parameters of the ledger's metrics


def check_horizon(horizon: int) -> None:
    """A retention horizon: a whole number the core accepts (>= 1)."""
    _core.metrics.check_horizon(_frame.integer(horizon, "horizon"))


def check_reactivation_window(reactivation_window: int | None) -> None:
    """A reactivation window: None, or a whole number the core accepts (>= 0)."""
    if reactivation_window is not None:
        reactivation_window = _frame.integer(reactivation_window, "reactivation_window")
    _core.metrics.check_reactivation_window(reactivation_window)


# --------------------------------------------------------------------------------------------
# Months and days (subscriptions, exchange rates)


def month_ordinals(values: Any, argument: str) -> np.ndarray:
    """Month ordinals (months since 1970-01, as pandas ``Period('M')``) of monthly Periods,
    ``'YYYY-MM'`` strings or dates (their month)."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    try:
        if isinstance(series.dtype, pd.PeriodDtype) or pd.api.types.infer_dtype(series, skipna=False) == "period":
            months = pd.PeriodIndex(series).asfreq("M")
        else:
            months = pd.PeriodIndex(day_numbers(series, argument).astype("M8[D]"), freq="M")
    except (ValueError, TypeError) as error:
        raise InvalidInputError(f"{argument}: {error}") from None
    if months.hasnans:
        row = int(np.flatnonzero(months.isna())[0])
        raise InvalidInputError(f"{argument}[{row}] = {_frame.describe(series.iloc[row])}: months must not be missing")
    return months.asi8.astype(np.int64)


def day_numbers(values: Any, argument: str) -> np.ndarray:
    """Days since 1970-01-01 of dates (datetime64, ``datetime.date``, ISO strings, Timestamps;
    a time zone's local date; times of day dropped); missing dates are NaT (int64 min)."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_localize(None)
    elif isinstance(dtype, pd.PeriodDtype):
        series = series.dt.start_time
    elif not (isinstance(dtype, np.dtype) and dtype.kind == "M"):
        if pd.api.types.infer_dtype(series, skipna=True) in ("integer", "floating", "boolean", "mixed-integer"):
            raise InvalidInputError(f"{argument}: has {dtype} values; dates must be dates, Timestamps or ISO strings")
        try:
            series = pd.to_datetime(series)
        except (ValueError, TypeError):
            row = next((row for row, value in enumerate(series) if not _is_date(value)), None)
            if row is not None:
                raise InvalidInputError(
                    f"{argument}[{row}] = {_frame.describe(series.iloc[row])}: not a date"
                ) from None
            raise InvalidInputError(f"{argument}: dates of mixed time zones; pass naive dates") from None
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            series = series.dt.tz_localize(None)
    return series.to_numpy().astype("M8[D]").view(np.int64)


def _is_date(value: Any) -> bool:
    try:
        pd.Timestamp(value)
    except (ValueError, TypeError):
        return False
    return True
