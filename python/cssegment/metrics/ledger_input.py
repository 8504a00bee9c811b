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

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from .. import _core, _frame
from .._core import InvalidInputError
from . import periods as periods_module
from .periods import MONTHS, Calendar

__all__: list[str] = []  # package-internal: nothing here is part of the public API

# --------------------------------------------------------------------------------------------
# Periods


@dataclass(frozen=True)
class PeriodKind:
    """How the input spelled its periods, so that results speak the same language."""

    name: Literal["integer", "period", "datetime"]
    freq: Any = None  # the Period frequency; for datetime64 dates, their unit (month labels are dates)
    ticks: int = 0  # dates: ticks per day of the keys
    calendar: Calendar = MONTHS  # dates: the periods they fall into
    period_format: str | None = None  # dates: the format they were read with, if any

    def __str__(self) -> str:
        if self.name == "period":
            return f"pandas Periods of frequency {self.freq.freqstr}"
        return "integers" if self.name == "integer" else f"dates, by {self.calendar}"

    def ticks_per_day(self) -> int:
        return self.ticks if self.name == "datetime" else 0

    def core_calendar(self) -> Any:
        """The core's calendar the keys of dates fall into (months for other kinds: unused)."""
        return self.calendar.core()

    def read_like(self) -> dict[str, Any]:
        """The keywords of :func:`period_keys` that read other columns (`by`) as this one was read."""
        return {"calendar": self.calendar, "period_format": self.period_format} if self.name == "datetime" else {}

    def same_periods(self, other: PeriodKind) -> bool:
        """Whether keys of `other` are periods of this kind (a `by` frame's and the ledger's)."""
        if self.name != other.name:
            return False
        return self.freq == other.freq if self.name == "period" else self.calendar == other.calendar

    def labels(self, ordinals: npt.NDArray[np.int64]) -> pd.Index:
        if self.name == "period":
            return pd.PeriodIndex(pd.arrays.PeriodArray(ordinals, dtype=pd.PeriodDtype(self.freq)), name="period")
        if self.name == "datetime" and self.calendar.freq == "M" and self.freq is not None:
            months = (np.datetime64("1970-01", "M") + ordinals.astype("m8[M]")).astype(f"M8[{self.freq}]")
            return pd.DatetimeIndex(months, name="period")
        if self.name == "datetime":
            return self.calendar.labels(ordinals)
        return pd.Index(ordinals, dtype=np.int64, name="period")

    def describe(self, ordinal: int) -> str:
        return str(self.labels(np.array([ordinal], dtype=np.int64))[0])


class PeriodReading(NamedTuple):
    """How the ledger was asked to read its periods: the `freq` and `fiscal_year_start` keywords'
    calendar (None: not given) and `period_format`; the rest of :func:`period_keys`' arguments."""

    calendar: Calendar | None = None
    period_format: str | None = None


#: Periods read as the column spells them (dates by month).
AS_SPELLED = PeriodReading()


def period_keys(
    values: Any, argument: str, calendar: Calendar | None = None, period_format: str | None = None
) -> tuple[np.ndarray, PeriodKind]:
    """int64 keys of a period column (ordinals, or datetime ticks the core puts into the periods
    of `calendar`) and its kind, without copying numpy-backed int64, Period and datetime64
    columns. Integers are consecutive period numbers (refused when they read as yyyymm across a
    year), Periods keep their frequency, unless `calendar` or `period_format` is given; anything
    else is dates (:func:`cssegment.metrics.periods.date_ticks`), by month unless `calendar` says."""
    dtype = getattr(values, "dtype", None)
    if isinstance(dtype, pd.PeriodDtype) and calendar is None and period_format is None:
        periods = values.array if isinstance(values, (pd.Series, pd.Index)) else pd.array(values, copy=False)
        ordinals: np.ndarray = cast(Any, periods).asi8  # the ordinals themselves, not a copy
        return ordinals, PeriodKind("period", dtype.freq)
    integers = _integer_periods(values, argument) if period_format is None else None
    if integers is not None:
        if calendar is not None:
            raise InvalidInputError(
                f"freq: {calendar.freq!r} applies to dates, but {argument} holds integers, which are consecutive "
                "period numbers (give period_format= to read integers such as 202401 as dates)"
            )
        if integers.size and integers.min() == _frame.INT64_RANGE[0]:  # the core reads it as NaT
            row = int(np.argmin(integers))
            raise InvalidInputError(
                f"{argument}[{row}] = {_frame.INT64_RANGE[0]}: the smallest 64-bit integer marks a missing "
                "period (NaT); period numbers must be larger"
            )
        _core.metrics.check_not_yyyymm(integers, argument)
        return integers, PeriodKind("integer")
    ticks, ticks_per_day = periods_module.date_ticks(values, argument, period_format)
    unit = None
    if period_format is None and isinstance(dtype, (np.dtype, pd.DatetimeTZDtype)) and dtype.kind == "M":
        unit = next(name for name, count in periods_module.TICKS_PER_DAY.items() if count == ticks_per_day)
        unit = "s" if unit == "D" else unit
    return ticks, PeriodKind("datetime", unit, ticks_per_day, calendar or MONTHS, period_format)


def _integer_periods(values: Any, argument: str) -> np.ndarray | None:
    """The int64 keys of an integer column, or None for any other column."""
    dtype = getattr(values, "dtype", None)
    if isinstance(values, (pd.Series, pd.Index)) and not isinstance(dtype, np.dtype):
        if dtype is None or not pd.api.types.is_integer_dtype(dtype):
            return None
        if values.isna().any():
            row = int(np.flatnonzero(values.isna().to_numpy())[0])
            raise InvalidInputError(f"{argument}[{row}] = <NA>: periods must not be missing")
        return values.to_numpy(dtype=np.int64)
    array = values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) else _frame.as_array(values, argument)
    if array.ndim != 1:
        raise InvalidInputError(f"{argument}: must be one-dimensional, got shape {array.shape}")
    if array.dtype.kind in "iu":
        if array.dtype.kind == "u" and array.size and array.max() > np.iinfo(np.int64).max:
            row = int(np.argmax(array))
            raise InvalidInputError(f"{argument}[{row}] = {array[row]}: period is too large")
        return np.ascontiguousarray(array, dtype=np.int64)
    if array.dtype == object and pd.api.types.infer_dtype(array, skipna=False) == "integer":
        return _frame.int64_column(array, argument)
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
    for row, value in enumerate(ids):
        _frame.refuse_signalling_nan(value, f"{argument}[{row}]")
        if not isinstance(value, Hashable) or isinstance(value, tuple):
            raise InvalidInputError(
                f"{argument}[{row}] = {value!r}: account ids must be single values (numbers or strings), "
                f"got {type(value).__name__}"
            )
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


def check_horizon_fits(horizon: int, n_periods: int, kind: object) -> None:
    """A horizon some start period has an end for: say so rather than return an empty table
    (issue 21: a horizon of 12 on a quarterly ledger of 8 periods). No periods: nothing to say."""
    if 0 < n_periods <= horizon:
        raise InvalidInputError(
            f"horizon: {horizon} periods reach beyond the ledger's {n_periods} periods ({kind}), "
            "so no start period has an end; the horizon counts the ledger's periods"
        )


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
    """Days since 1970-01-01 of dates in any spelling the ledger reads as periods
    (:func:`periods.date_ticks`: datetime64, a time zone's local date, ``datetime.date``,
    Timestamps, ``'YYYY-MM'`` / ``'YYYY-MM-DD'`` strings; times of day dropped); missing dates
    are NaT (int64 min)."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if pd.api.types.infer_dtype(series, skipna=True) in ("integer", "floating", "boolean", "mixed-integer"):
        raise InvalidInputError(
            f"{argument}: has {series.dtype} values; dates must be dates, Timestamps or ISO strings"
        )
    missing = series.isna().to_numpy()
    days = np.full(len(series), np.iinfo(np.int64).min, dtype=np.int64)
    if missing.all():
        return days
    if missing.any() and not (
        isinstance(series.dtype, (pd.DatetimeTZDtype, pd.PeriodDtype)) or series.dtype.kind == "M"
    ):
        # Missing texts or date objects (datetime64 and Periods read NaT as it is): a stand-in of
        # the column's own kind keeps every row where it is, so errors name the right row; the
        # missing rows are NaT again below.
        series = series.astype(object).where(~missing, series[~missing].iloc[0])
    ticks, ticks_per_day = periods_module.date_ticks(series, argument)
    present = ~missing
    days[present] = ticks[present] // ticks_per_day
    return days
