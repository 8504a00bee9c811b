"""Stubs of cssegment._core.datasets: the synthetic book (bindings in src/python/bind_datasets.cpp)."""

from typing import TypedDict

import numpy as np
import numpy.typing as npt

from . import _Floats

_Int32s = npt.NDArray[np.int32]

class _BookColumns(TypedDict):
    account_id: npt.NDArray[np.int64]
    arr: _Floats
    employees: _Floats
    company_revenue: _Floats
    potential: _Floats
    industry: _Int32s
    industry_names: list[str]
    region: _Int32s
    region_names: list[str]
    start_month: _Int32s
    tenure_days: _Int32s
    renewal_days: _Int32s
    nps: _Floats
    logins_per_user: _Floats
    seats_used_pct: _Floats
    tickets_90d: _Int32s
    exec_sponsor: npt.NDArray[np.uint8]
    churned: npt.NDArray[np.uint8]
    revenue_account_id: npt.NDArray[np.int64]
    revenue_month: _Int32s
    revenue_mrr: _Floats

def synthetic_book(n_accounts: int, n_months: int, seed: int, high_touch_churn_factor: float) -> _BookColumns: ...

class _UsageColumns(TypedDict):
    logins: _Int32s
    seats_used: _Int32s
    tickets: _Int32s
    nps: _Floats
    owner: _Int32s
    owner_names: list[str]

def synthetic_usage(n_accounts: int, n_months: int, seed: int, high_touch_churn_factor: float) -> _UsageColumns: ...

synthetic_book_limits: dict[str, tuple[int, int]]
synthetic_book_high_touch_arr: float
