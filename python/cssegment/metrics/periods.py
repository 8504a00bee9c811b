"""Periods and calendars: dates of any spelling to the periods of a calendar, and back.

Package-internal (used by :mod:`cssegment.metrics.ledger_input` and the ledger's other entry
points); the names are public so that those modules share them, none is re-exported by
:mod:`cssegment.metrics`. It mirrors ``include/cssegment/metrics/periods.hpp``: the core decides
which period a day falls in (:class:`Calendar`); this module turns the column kinds pandas users
have (``datetime64`` with or without time zone, ``datetime.date`` objects, ``'YYYY-MM'`` and
``'YYYY-MM-DD'`` strings, ``pandas.Period`` values, integers or strings read with a
``period_format``) into datetime ticks with numpy, and labels the periods.

Period ordinals equal pandas Period ordinals of the matching frequency: ``"M"``, ``"Q-<month>"``,
``"W-SUN"`` and ``"Y-<month>"``, where <month> is the last month of the fiscal year.

Examples
--------
>>> import pandas as pd
>>> from cssegment.metrics import periods
>>> calendar = periods.Calendar.of("Q", 4)  # fiscal years from April
>>> ordinals = periods.period_ordinals(pd.Series(pd.to_datetime(["2024-03-31", "2024-04-01"])), calendar)
>>> calendar.labels(ordinals).tolist()
['FY2024-Q4', 'FY2025-Q1']
>>> calendar.last_days(ordinals).astype(str).tolist()
['2024-03-31', '2024-06-30']
"""

from __future__ import annotations

from calendar import month_name
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .. import _core, _frame
from .._core import InvalidInputError

__all__: list[str] = []  # package-internal: nothing here is part of the public API

#: Ticks per day of the datetime64 units read as they are (others are converted to seconds).
TICKS_PER_DAY = {"D": 1, "s": 86_400, "ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400_000_000_000}

_FREQ_NAMES = {"M": "months", "Q": "quarters", "W": "weeks (ISO 8601, Monday to Sunday)", "Y": "years"}


@dataclass(frozen=True)
class Calendar:
    """How dates fall into periods: ``freq`` "M", "Q", "W" or "Y", and for quarters and years
    the month (1-12) the fiscal year starts in. A fiscal year is named by the calendar year it
    ends in (as pandas' ``Q-<month>`` and ``Y-<month>``): from April, FY2024 runs from
    2023-04-01 to 2024-03-31."""

    freq: str = "M"
    fiscal_year_start: int = 1

    @classmethod
    def of(cls, freq: Any, fiscal_year_start: Any) -> Calendar:
        """The calendar of the keywords, checked by the core (names the bad keyword and value)."""
        calendar = cls(_frame.text(freq, "freq"), _frame.integer(fiscal_year_start, "fiscal_year_start"))
        calendar.core()
        return calendar

    def core(self) -> Any:
        """The core's calendar (``_core.metrics.calendar``)."""
        return _core.metrics.calendar(self.freq, self.fiscal_year_start)

    def __str__(self) -> str:
        fiscal = self.fiscal_year_start != 1
        name = ("fiscal " if fiscal else "") + _FREQ_NAMES[self.freq]
        if fiscal:
            month = month_name[self.fiscal_year_start]
            name += f" (fiscal years from {month}, named by the year they end in)"
        return name

    def first_days(self, ordinals: npt.ArrayLike) -> npt.NDArray[np.datetime64]:
        """The first day of each period (datetime64[D])."""
        return _as_days(self.core().first_days(np.asarray(ordinals, dtype=np.int64)))

    def last_days(self, ordinals: npt.ArrayLike) -> npt.NDArray[np.datetime64]:
        """The last day of each period (datetime64[D]): a month's, a quarter's, a week's (Sunday)."""
        return _as_days(self.core().last_days(np.asarray(ordinals, dtype=np.int64)))

    def labels(self, ordinals: npt.NDArray[np.int64]) -> pd.Index:
        """The ``period`` index of periods: monthly pandas Periods; "2024-Q1" (calendar) or
        "FY2024-Q1" (fiscal) quarters; "2024" or "FY2024" years; ISO weeks "2024-W09"."""
        ordinals = np.asarray(ordinals, dtype=np.int64)
        if self.freq == "M":
            return pd.PeriodIndex(pd.arrays.PeriodArray(ordinals, dtype=pd.PeriodDtype("M")), name="period")
        prefix = "FY" if self.fiscal_year_start != 1 else ""
        if self.freq == "Q":
            years, quarters = 1970 + ordinals // 4, ordinals % 4 + 1
            labels = [f"{prefix}{year}-Q{quarter}" for year, quarter in zip(years.tolist(), quarters.tolist())]
        elif self.freq == "Y":
            labels = [f"{prefix}{year}" for year in (1970 + ordinals).tolist()]
        else:  # ISO week: the year and week of its Thursday
            thursdays = self.first_days(ordinals) + np.timedelta64(3, "D")
            years = thursdays.astype("M8[Y]")
            weeks = (thursdays - years.astype("M8[D]")).astype(np.int64) // 7 + 1
            labels = [f"{year}-W{week:02d}" for year, week in zip((years.astype(np.int64) + 1970).tolist(), weeks)]
        return pd.Index(labels, dtype=object, name="period")


#: Months of the calendar year: what dates fall into unless told otherwise.
MONTHS = Calendar()


def _as_days(days: npt.NDArray[np.int64]) -> npt.NDArray[np.datetime64]:
    return days.view("M8[D]")


def calendar_of(freq: Any, fiscal_year_start: Any) -> Calendar | None:
    """The calendar of the ledger keywords, or None when `freq` is not given (dates then fall
    into months; integers and Periods stay as they are). A fiscal year start needs a `freq`."""
    if freq is None:
        Calendar.of("M", fiscal_year_start)  # names a bad value, or says a fiscal start needs "Q" or "Y"
        return None
    return Calendar.of(freq, fiscal_year_start)


def period_ordinals(
    values: Any, calendar: Calendar, argument: str = "period", period_format: str | None = None
) -> npt.NDArray[np.int64]:
    """The ordinal of each date's period in `calendar`, for any spelling of dates :func:`date_ticks`
    reads (missing dates are refused, naming the row)."""
    ticks, ticks_per_day = date_ticks(values, argument, period_format)
    ordinals: npt.NDArray[np.int64] = calendar.core().period_ordinals(ticks, ticks_per_day, argument)
    return ordinals


def date_ticks(values: Any, argument: str, period_format: str | None = None) -> tuple[npt.NDArray[np.int64], int]:
    """Datetime ticks since 1970-01-01 (NaT for missing) and ticks per day of a column of dates:
    ``datetime64`` (time-zone-aware dates at their local wall-clock time, as
    ``Series.dt.tz_localize(None)``), ``datetime.date`` or ``Timestamp`` objects, ``'YYYY-MM'``
    or ``'YYYY-MM-DD'`` strings, pandas Periods (their first day), or, with `period_format`
    (strptime-style, such as "%Y%m"), integers or strings."""
    dtype = getattr(values, "dtype", None)
    if period_format is not None and (
        isinstance(dtype, (pd.DatetimeTZDtype, pd.PeriodDtype)) or (isinstance(dtype, np.dtype) and dtype.kind == "M")
    ):
        raise InvalidInputError(
            f"period_format: {period_format!r} reads integers or strings, but {argument} holds {dtype} values"
        )
    if isinstance(dtype, pd.DatetimeTZDtype):
        series = pd.Series(values, copy=False)
        local = series if str(dtype.tz) == "UTC" else series.dt.tz_localize(None)
        return datetime_ticks(local.to_numpy(dtype=f"M8[{dtype.unit}]"))
    if isinstance(dtype, pd.PeriodDtype):
        periods = pd.array(values, copy=False)
        days = np.asarray(periods.asfreq("D", how="start").asi8, dtype=np.int64)
        return days, 1
    array = _frame.as_array(values, argument) if not isinstance(values, np.ndarray) else values
    if array.ndim != 1:
        raise InvalidInputError(f"{argument}: must be one-dimensional, got shape {array.shape}")
    if period_format is not None:
        return formatted_ticks(array, argument, period_format)
    if array.dtype.kind == "M":
        return datetime_ticks(array)
    if array.dtype.kind in "OUS":
        return _object_ticks(array.astype(object), argument)
    raise InvalidInputError(
        f"{argument}: has dtype {array.dtype}; periods must be integers, dates (datetime64, datetime.date, "
        "'YYYY-MM' strings) or pandas Periods, or give period_format="
    )


def datetime_ticks(array: np.ndarray) -> tuple[npt.NDArray[np.int64], int]:
    """Ticks and ticks per day of a datetime64 array, without copying the common units."""
    unit = np.datetime_data(array.dtype)[0]
    if unit not in TICKS_PER_DAY:
        array, unit = array.astype("M8[s]"), "s"
    return np.ascontiguousarray(array).view(np.int64), TICKS_PER_DAY[unit]


def _object_ticks(array: np.ndarray, argument: str) -> tuple[npt.NDArray[np.int64], int]:
    inferred = pd.api.types.infer_dtype(array, skipna=False)
    if inferred == "date":
        return np.array(array, dtype="M8[D]").view(np.int64), 1
    if inferred in ("datetime", "datetime64"):
        _check_one_time_zone(array, argument)
        return date_ticks(pd.Series(pd.to_datetime(array)), argument)
    if inferred == "period":
        return date_ticks(pd.array(array), argument)
    if inferred == "string":
        guess = "%Y-%m" if len(array[0]) == 7 else "%Y-%m-%d"  # the first row's form, for every row
        return formatted_ticks(array, argument, guess, guessed=True)
    raise mixed_or_missing(array, argument)


def _check_one_time_zone(array: np.ndarray, argument: str) -> None:
    """Datetimes all naive or all in one time zone: a mix has no one local calendar."""
    zones = {row: str(getattr(value, "tzinfo", None)) for row, value in enumerate(array) if not pd.isna(value)}
    if len(set(zones.values())) <= 1:
        return
    first = next(iter(zones.values()))
    row = next(row for row, zone in zones.items() if zone != first)

    def name(zone: str) -> str:
        return "no time zone" if zone == "None" else f"time zone {zone}"

    raise InvalidInputError(
        f"{argument}[{row}] = {array[row]!r}: dates mix {name(first)} and {name(zones[row])}; "
        "convert them to one time zone (or all to naive local dates) first"
    )


def formatted_ticks(
    array: np.ndarray, argument: str, period_format: str, guessed: bool = False
) -> tuple[npt.NDArray[np.int64], int]:
    """Dates read with a strptime-style format: integers such as 202401 with "%Y%m" or "%Y%m%d"
    by arithmetic, anything else as text through :func:`pandas.to_datetime`."""
    period_format = _frame.text(period_format, "period_format")
    if array.dtype == object:
        inferred = pd.api.types.infer_dtype(array, skipna=False)
        if inferred not in ("string", "integer"):
            raise mixed_or_missing(array, argument)
        if inferred == "integer":
            array = array.astype(np.int64)
    if array.dtype.kind in "iu" and period_format in ("%Y%m", "%Y%m%d"):
        return _yyyymm_ticks(array.astype(np.int64), argument, period_format)
    if array.dtype.kind not in "OUSiu":
        raise InvalidInputError(
            f"period_format: {period_format!r} reads integers or strings, but {argument} holds {array.dtype} values"
        )
    texts = pd.Series(array, dtype=object)
    parsed = pd.to_datetime(texts.astype(str), format=period_format, errors="coerce")
    bad = parsed.isna().to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        rule = (
            "date strings must be 'YYYY-MM' or 'YYYY-MM-DD' throughout (or give period_format=)"
            if guessed
            else f"does not match period_format {period_format!r}"
        )
        raise InvalidInputError(f"{argument}[{row}] = {array[row]!r}: {rule}")
    return datetime_ticks(parsed.to_numpy())


def _yyyymm_ticks(
    values: npt.NDArray[np.int64], argument: str, period_format: str
) -> tuple[npt.NDArray[np.int64], int]:
    with_day = period_format == "%Y%m%d"
    days_part = values % 100 if with_day else np.ones_like(values)
    months_part = values // 100 if with_day else values
    years, months = months_part // 100, months_part % 100
    month_starts = ((years - 1970) * 12 + months - 1).astype("M8[M]").astype("M8[D]")
    days = month_starts + (days_part - 1).astype("m8[D]")
    bad = (years < 1000) | (years > 9999) | (months < 1) | (months > 12) | (days_part < 1)
    bad |= days.astype("M8[M]") != month_starts.astype("M8[M]")  # past the month's last day
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InvalidInputError(f"{argument}[{row}] = {values[row]}: does not match period_format {period_format!r}")
    return days.view(np.int64), 1


def mixed_or_missing(array: np.ndarray, argument: str) -> InvalidInputError:
    """The error naming the first missing value, or the first value of another kind than the first row's."""
    kinds = [_value_kind(value) for value in array]
    first_kind = next((kind for kind in kinds if kind is not None), None)
    for row, (value, value_kind) in enumerate(zip(array, kinds)):
        if value_kind is None:
            problem = (
                "periods must not be missing"
                if _is_missing(value)
                else f"periods must be integers, dates, date strings or pandas Periods, got {type(value).__name__}"
            )
            return InvalidInputError(f"{argument}[{row}] = {value!r}: {problem}")
        if value_kind != first_kind:
            return InvalidInputError(
                f"{argument}[{row}] = {value!r}: mixed kinds of periods ({first_kind} and {value_kind})"
            )
    return InvalidInputError(f"{argument}: periods must be integers, dates, date strings or pandas Periods")


def _is_missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _value_kind(value: Any) -> str | None:
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, np.integer)):
        return "integer"
    if isinstance(value, pd.Period):
        return "period"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (pd.Timestamp, np.datetime64)) and not pd.isna(value):
        return "date"
    if hasattr(value, "year") and hasattr(value, "month") and not pd.isna(value):  # datetime.date
        return "date"
    return None
