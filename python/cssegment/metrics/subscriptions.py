"""Subscriptions into the revenue ledger: the input side of :meth:`RevenueLedger.from_subscriptions`.

Package-internal. The expansion (a subscription's monthly recurring revenue in every month whose
last day it is active on) is the C++ core's ``ledger_from_subscriptions``
(``include/cssegment/metrics/subscriptions.hpp``); this module converts the columns (dates to day
numbers, billing intervals to months), finds the months, and applies currencies and hierarchies.

Examples
--------
>>> import numpy as np
>>> from cssegment.metrics import subscriptions
>>> subscriptions.interval_codes(np.array(["month", "year", 6], dtype=object), "interval").tolist()
[1, 12, 6]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import _core, _frame
from .._core import InvalidInputError
from . import currency as currency_rates
from . import hierarchy as account_hierarchy
from .ledger_input import PeriodKind, account_keys, day_numbers, month_ordinals
from .periods import MONTHS

__all__: list[str] = []  # package-internal: nothing here is part of the public API

#: Months per billing interval named by a string; "week" is 12 / 52 of a month.
INTERVAL_MONTHS = {"month": 1, "quarter": 3, "year": 12}
MONTHLY = PeriodKind("period", pd.PeriodDtype("M").freq)


def interval_codes(values: Any, argument: str) -> np.ndarray:
    """The core's interval of each row: whole months, or its weekly code for "week"."""
    if isinstance(getattr(values, "dtype", None), pd.CategoricalDtype):  # codes already: map the categories
        categorical = pd.Categorical(values)
        codes, uniques = categorical.codes, categorical.categories.to_numpy()
    else:
        array = values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) else np.asarray(values)
        if array.dtype.kind in "iu":
            return array.astype(np.int64)
        codes, uniques = pd.factorize(array, use_na_sentinel=True)
    table = np.empty(len(uniques), dtype=np.int64)
    for position, value in enumerate(uniques):
        months = _months_of(value)
        if months is None:
            row = int(np.flatnonzero(codes == position)[0])
            raise InvalidInputError(
                f"{argument}[{row}] = {_frame.describe(value)}: billing intervals must be 'month', 'quarter', "
                "'year', 'week' or a whole number of months >= 1"
            )
        table[position] = months
    if (codes < 0).any():
        row = int(np.flatnonzero(codes < 0)[0])
        value = _frame.describe(np.asarray(values, dtype=object)[row])
        raise InvalidInputError(f"{argument}[{row}] = {value}: billing intervals must not be missing")
    out: np.ndarray = table[codes]
    return out


def _months_of(value: Any) -> int | None:
    """The core's interval of one interval value, or None when it is no interval."""
    if isinstance(value, str):
        return _core.metrics.weekly_interval if value == "week" else INTERVAL_MONTHS.get(value)
    if isinstance(value, (int, np.integer, float, np.floating)) and not isinstance(value, (bool, np.bool_)):
        return int(value) if np.isfinite(value) and value == int(value) else None
    return None


def read(
    subscriptions: pd.DataFrame | Mapping[str, Any],
    columns: tuple[str, str, str, str, str],
    through: Any,
    currency: str | None,
    fx: Any,
    hierarchy: _frame.Keyed | None,
) -> tuple[Any, pd.Index | None, pd.Series | None]:
    """The core's ledger of `subscriptions`, the ids of factorized account keys and the hierarchy's
    top parents (None without one)."""
    account, start, end, amount, interval = columns
    for later, name in enumerate(columns[1:], start=1):
        if name in columns[:later]:
            raise InvalidInputError(f"{name!r} is given for two columns; each column has one role")
    ids = _frame.column(subscriptions, account, "subscriptions")
    tops = None
    if hierarchy is not None:
        tops = account_hierarchy.top_parents(hierarchy, account)
        ids = account_hierarchy.roll_up(ids, tops)
    keys, account_ids = account_keys(ids, account)
    starts = day_numbers(_frame.column(subscriptions, start, "subscriptions"), start)
    ends = day_numbers(_frame.column(subscriptions, end, "subscriptions"), end)
    open_ = ends == np.iinfo(np.int64).min
    ends[open_] = _core.metrics.open_end
    amounts = _frame.numeric(_frame.column(subscriptions, amount, "subscriptions"), amount, booleans=False)
    intervals = interval_codes(_frame.column(subscriptions, interval, "subscriptions"), interval)
    for name, values in ((start, starts), (end, ends), (amount, amounts), (interval, intervals)):
        _frame.check_length(name, values, account, len(keys))

    first, count = _months(starts, ends, open_, through, start)
    last_days = MONTHS.last_days(first + np.arange(count, dtype=np.int64)).view(np.int64)
    currencies = rates = None
    if currency is not None:
        names = _frame.text(currency, "currency")
        table = currency_rates.Rates.of(fx) if fx is not None else None
        if table is None:
            raise InvalidInputError(f"fx: needed with currency={names!r} (a mapping currency -> rate or a frame)")
        currencies = table.codes(_frame.column(subscriptions, names, "subscriptions"), names)
        month_keys = first + np.arange(count, dtype=np.int64)
        rates = np.ascontiguousarray(table.matrix(month_keys, MONTHLY.labels(month_keys)).ravel())
    elif fx is not None:
        raise InvalidInputError("currency: needed with fx (the column of each subscription's currency)")
    ledger = _core.metrics.ledger_from_subscriptions(
        keys, starts, ends, amounts, intervals, last_days, first, currencies, rates, (*columns, currency or "currency")
    )
    return ledger, account_ids, tops


def _months(starts: np.ndarray, ends: np.ndarray, open_: np.ndarray, through: Any, start: str) -> tuple[int, int]:
    """The first month (of the earliest start) and the number of months through `through`."""
    known = starts[starts != np.iinfo(np.int64).min]
    if through is not None:
        last = int(month_ordinals([through], "through")[0])
    elif open_.any():
        row = int(np.flatnonzero(open_)[0])
        raise InvalidInputError(
            f"through: required because {int(open_.sum())} subscription(s) have no end (first: row {row}); "
            "give the last month to count, e.g. through='2026-10'"
        )
    else:  # the month of the latest end: the first month in which no subscription counts
        last = int(month_ordinals(ends[:].astype("M8[D]"), "end").max()) if len(ends) else 0
    if len(known) == 0:
        return last, 0
    first = int(month_ordinals(np.array([known.min()]).astype("M8[D]"), start)[0])
    if last < first:
        raise InvalidInputError(
            f"through: {MONTHLY.describe(last)} is before the month of the first start ({MONTHLY.describe(first)})"
        )
    return first, last - first + 1
