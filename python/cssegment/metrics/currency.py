"""Currencies: amounts converted to one reporting currency before they enter the ledger.

Package-internal (used by :class:`cssegment.RevenueLedger`). ``fx`` is a mapping currency ->
rate (a fixed planning rate: amounts count as ``amount x rate``, so exchange-rate moves never
show as expansion or contraction) or a DataFrame with columns ``currency, period, rate`` (a rate
per period).

Examples
--------
>>> import numpy as np
>>> from cssegment.metrics import currency
>>> rates = currency.Rates.of({"USD": 1.0, "EUR": 1.08})
>>> rates.codes(np.array(["EUR", "USD", "EUR"], dtype=object), "currency").tolist()
[1, 0, 1]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import _frame
from .._core import InvalidInputError
from .ledger_input import month_ordinals

__all__: list[str] = []  # package-internal: nothing here is part of the public API


@dataclass(frozen=True)
class Rates:
    """Exchange rates: one fixed rate per currency, or rates per (currency, period key)."""

    currencies: pd.Index
    fixed: np.ndarray | None  # rate of each currency
    per_period: pd.Series | None  # rate indexed by (currency code, period key)

    @staticmethod
    def of(fx: Any, argument: str = "fx") -> Rates:
        if isinstance(fx, Mapping) and not isinstance(fx, pd.DataFrame):
            currencies = pd.Index(list(fx.keys()))
            rates = np.array([_frame.number(fx[c], f"{argument}[{c!r}]") for c in currencies], dtype=np.float64)
            _check_rates(rates, [f"{argument}[{c!r}]" for c in currencies])
            return Rates(currencies, rates, None)
        if isinstance(fx, pd.DataFrame):
            for name in ("currency", "period", "rate"):
                _frame.column(fx, name, argument)
            rates = _frame.numeric(fx["rate"], f"{argument}.rate", booleans=False)
            _check_rates(rates, [f"{argument}.rate[{row}]" for row in range(len(rates))])
            codes, currencies = pd.factorize(fx["currency"])
            keys = period_match_keys(fx["period"], f"{argument}.period")
            index = pd.MultiIndex.from_arrays([codes, keys])
            if index.has_duplicates:
                row = int(np.flatnonzero(index.duplicated())[0])
                raise InvalidInputError(
                    f"{argument}: row {row} repeats the rate of {_frame.describe(currencies[codes[row]])} "
                    f"in period {_frame.describe(fx['period'].iloc[row])}"
                )
            return Rates(pd.Index(currencies), None, pd.Series(rates, index=index))
        raise InvalidInputError(
            f"{argument}: expected a mapping currency -> rate or a DataFrame (currency, period, rate), "
            f"got {type(fx).__name__}"
        )

    def codes(self, values: Any, argument: str) -> np.ndarray:
        """The code of each row's currency; a currency without a rate is named."""
        values = values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) else np.asarray(values)
        codes = self.currencies.get_indexer(values)
        if (codes < 0).any():
            row = int(np.flatnonzero(codes < 0)[0])
            value = values[row]
            problem = "currencies must not be missing" if pd.isna(value) else "no exchange rate for this currency in fx"
            known = ", ".join(_frame.describe(c) for c in self.currencies)
            raise InvalidInputError(f"{argument}[{row}] = {_frame.describe(value)}: {problem} (rates for {known})")
        return codes.astype(np.int32)

    def matrix(self, keys: np.ndarray, labels: pd.Index) -> np.ndarray:
        """Rates of every currency (rows) in the periods of `keys` (columns; `labels` name them)."""
        if self.fixed is not None:
            return np.repeat(self.fixed[:, None], len(keys), axis=1)
        assert self.per_period is not None
        grid = pd.MultiIndex.from_product([np.arange(len(self.currencies)), keys])
        found = self.per_period.index.get_indexer(grid)
        if (found < 0).any():
            cell = int(np.flatnonzero(found < 0)[0])
            currency, period = self.currencies[cell // len(keys)], labels[cell % len(keys)]
            raise InvalidInputError(f"fx: no rate for {_frame.describe(currency)} in period {period}")
        rates: np.ndarray = self.per_period.to_numpy()[found]
        return rates.reshape(len(self.currencies), len(keys))

    def row_rates(self, codes: np.ndarray, periods: Any) -> np.ndarray:
        """The rate of each long row: its currency's, in its period."""
        if self.fixed is not None:
            fixed: np.ndarray = self.fixed[codes]
            return fixed
        assert self.per_period is not None
        keys = period_match_keys(periods, "period")
        found = self.per_period.index.get_indexer(pd.MultiIndex.from_arrays([codes, keys]))
        if (found < 0).any():
            row = int(np.flatnonzero(found < 0)[0])
            raise InvalidInputError(
                f"fx: no rate for {_frame.describe(self.currencies[codes[row]])} in period "
                f"{_frame.describe(np.asarray(periods)[row])} (row {row})"
            )
        return self.per_period.to_numpy()[found]


def _check_rates(rates: np.ndarray, names: list[str]) -> None:
    bad = ~((rates > 0) & np.isfinite(rates))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InvalidInputError(f"{names[row]} = {_frame.describe(rates[row])}: exchange rates must be finite and > 0")


def period_match_keys(values: Any, argument: str) -> np.ndarray:
    """Keys that match a rate's period to a row's: integers as they are, else month ordinals."""
    array = values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) else np.asarray(values)
    if array.dtype.kind in "iu" or pd.api.types.infer_dtype(array, skipna=False) == "integer":
        return array.astype(np.int64)
    return month_ordinals(values, argument)


def converted(amounts: np.ndarray, currencies: Any, periods: Any, fx: Any, currency: str) -> np.ndarray:
    """Long rows' amounts in the reporting currency: ``amount x rate`` of the row's currency and period."""
    if fx is None:
        raise InvalidInputError(f"fx: needed with currency={currency!r} (a mapping currency -> rate or a frame)")
    rates = Rates.of(fx)
    out: np.ndarray = amounts * rates.row_rates(rates.codes(currencies, currency), periods)
    return out
