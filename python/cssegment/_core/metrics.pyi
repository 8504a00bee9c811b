"""Stubs of cssegment._core.metrics: the revenue ledger, account segments, mergeable partial sums,
the tables computed from them, value metrics and NPS (bindings in src/python/bind_metrics.cpp)."""

from collections.abc import Callable
from typing import Any, TypedDict

import numpy as np
import numpy.typing as npt

from . import _Codes, _Floats, _Ints

class account_segments:
    @staticmethod
    def per_account(ledger: revenue_ledger, keys: _Ints, codes: _Codes, segments: int) -> account_segments: ...
    @staticmethod
    def per_period(
        ledger: revenue_ledger, keys: _Ints, periods: _Ints, ticks_per_day: int, codes: _Codes, segments: int
    ) -> account_segments: ...
    @property
    def count(self) -> int: ...
    def first_unsegmented(self, ledger: revenue_ledger) -> tuple[int, int] | None: ...

class partial_sums:
    @property
    def kind(self) -> str: ...
    @property
    def parameter(self) -> int: ...
    @property
    def first_period(self) -> int: ...
    @property
    def rows(self) -> int: ...
    @property
    def segments(self) -> int: ...
    def merge(self, other: partial_sums) -> partial_sums: ...
    def copy(self) -> partial_sums: ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(text: str) -> partial_sums: ...
    def __eq__(self, other: object) -> bool: ...

class _LedgerSummary(TypedDict):
    rows_read: int
    accounts: int
    periods: int
    duplicate_rows: int

class _CohortSums(TypedDict):
    revenue: npt.NDArray[np.float64]  # blocks x segments x ages
    paying: npt.NDArray[np.float64]
    survivors: npt.NDArray[np.float64]
    observed_ages: npt.NDArray[np.int64]  # blocks x segments

class revenue_ledger:
    @staticmethod
    def from_rows(
        accounts: _Ints,
        periods: _Ints,
        ticks_per_day: int,
        amounts: _Floats,
        first_period: int | None = None,
        n_periods: int | None = None,
        names: tuple[str, str, str] = ("account", "period", "amount"),
    ) -> revenue_ledger: ...
    @property
    def n_accounts(self) -> int: ...
    @property
    def n_periods(self) -> int: ...
    @property
    def first_period(self) -> int: ...
    @property
    def account_keys(self) -> _Ints: ...
    @property
    def matrix(self) -> npt.NDArray[np.float64]: ...
    def summary(self) -> _LedgerSummary: ...
    def movement_partials(self, segments: account_segments | None, reactivation_window: int | None) -> partial_sums: ...
    def retention_partials(self, segments: account_segments | None, horizon: int) -> partial_sums: ...
    def cohort_sums(
        self, segments: account_segments | None, cohort_length: int, include_first_period: bool
    ) -> _CohortSums: ...

class revenue_ledger_builder:
    def __init__(
        self,
        accounts: _Ints,
        periods: _Ints,
        ticks_per_day: int,
        amounts: _Floats,
        first_period: int | None = None,
        n_periods: int | None = None,
        names: tuple[str, str, str] = ("account", "period", "amount"),
    ) -> None: ...
    @property
    def work(self) -> int: ...
    @property
    def work_done(self) -> int: ...
    @property
    def done(self) -> bool: ...
    def run(self, count: int) -> None: ...
    def finish(self) -> revenue_ledger: ...

def movement_table(partials: partial_sums) -> dict[str, _Floats]: ...
def retention_table(partials: partial_sums, masks_churn_below: float) -> dict[str, npt.NDArray[Any]]: ...
def check_horizon(horizon: int) -> None: ...
def ids_are_dense(low: int, high: int, count: int) -> bool: ...
def check_reactivation_window(reactivation_window: int | None) -> None: ...
def cltv(
    arpa: _Floats, churn_rate: _Floats, cost_to_serve: _Floats, gross_margin: _Floats, discount_rate: _Floats
) -> _Floats: ...
def per_customer(amount: _Floats, customers: _Floats, amount_name: str, customers_name: str) -> _Floats: ...
def cac_payback(cac: _Floats, arpa_new: _Floats, gross_margin: _Floats) -> _Floats: ...
def nps(scores: _Floats, groups: _Codes | None, group_count: int) -> dict[str, _Floats]: ...

class _NpsDifference(TypedDict):
    difference: float
    standard_error: float
    z: float
    p_value: float
    ci_low: float
    ci_high: float
    nps_a: float
    nps_b: float

def nps_difference(a: _Floats, b: _Floats) -> _NpsDifference: ...

open_end: int
missing_day: int
weekly_interval: int

def ledger_from_subscriptions(
    accounts: _Ints,
    starts: _Ints,
    ends: _Ints,
    amounts: _Floats,
    intervals: _Ints,
    last_days: _Ints,
    first_period: int,
    currencies: _Codes | None,
    rates: _Floats | None,
    names: tuple[str, str, str, str, str, str],
    max_threads: int = 0,
) -> revenue_ledger: ...
def top_ancestors(parents: _Ints, describe: Callable[[int], str]) -> _Ints: ...
