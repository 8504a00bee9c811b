"""Benchmark: cs.datasets.synthetic_book against the same simulation written in vectorised numpy.

The peer draws the same distributions with the same parameters (health-driven churn, expansion,
contraction and reactivation, five years of history before the window for existing customers)
with its month loop vectorised over accounts, and builds the same two DataFrames. Both run in
this process on the same machine; the best of ``--repeat`` runs is reported.

Run: ``PYTHONPATH=python python3 benchmarks/bench_datasets.py`` (about a minute).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import cssegment as cs
import numpy as np
import pandas as pd
from cssegment.datasets import LAST_MONTH, Book
from machine import machine_note

INDUSTRIES = ["Software", "Financial services", "Healthcare", "Manufacturing", "Retail", "Education", "Media"]
INDUSTRY_WEIGHTS = [0.24, 0.14, 0.14, 0.16, 0.12, 0.08, 0.12]
INDUSTRY_REVENUE_PER_EMPLOYEE = np.array([250e3, 400e3, 180e3, 300e3, 220e3, 100e3, 200e3])
REGIONS = ["NA", "EMEA", "APAC", "LATAM"]
REGION_WEIGHTS = [0.45, 0.30, 0.17, 0.08]
MONTHS_BEFORE_WINDOW = 60
DAYS_PER_MONTH = 365.2425 / 12


def logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def cents(x: np.ndarray) -> np.ndarray:
    return np.round(x * 100.0) / 100.0


def numpy_synthetic_book(n_accounts: int, n_months: int, seed: int) -> Book:
    """The simulation of cssegment's synthetic_book.hpp, vectorised over accounts with numpy."""
    rng = np.random.default_rng(seed)
    n = n_accounts
    health = rng.standard_normal(n)
    industry = rng.choice(len(INDUSTRIES), size=n, p=INDUSTRY_WEIGHTS)
    region = rng.choice(len(REGIONS), size=n, p=REGION_WEIGHTS)
    employees = np.maximum(1.0, np.round(150.0 * np.exp(1.5 * rng.standard_normal(n))))
    revenue_per_employee = INDUSTRY_REVENUE_PER_EMPLOYEE[industry] * np.exp(0.5 * rng.standard_normal(n))
    company_revenue = np.round(employees * revenue_per_employee)
    relative_size = np.log(employees / 150.0)
    landing_arr = 15_000.0 * np.exp(0.45 * relative_size + 0.7 * rng.standard_normal(n))
    landing_mrr = np.maximum(50.0, cents(landing_arr / 12))
    log_landing_size = np.log(landing_mrr * 12 / 15_000.0)
    wallet = employees * 250.0 * np.exp(0.5 * rng.standard_normal(n))
    ceiling_mrr = np.maximum(cents(wallet / 12), cents(1.5 * landing_mrr))
    churn_probability = logistic(-4.5 - 1.0 * health - 0.25 * log_landing_size)
    expansion_below = churn_probability + 0.05 * np.exp(0.5 * health)
    contraction_below = expansion_below + 0.012 * np.exp(-0.5 * health)
    existing = rng.random(n) < 0.5
    start = np.where(
        existing,
        -1 - np.floor(rng.random(n) * MONTHS_BEFORE_WINDOW),
        np.floor(rng.random(n) * n_months),
    ).astype(np.int32)
    start_day = np.floor(rng.random(n) * 28).astype(np.int32)

    mrr = np.zeros(n)
    lapsed_mrr = np.zeros(n)
    months_lapsed = np.zeros(n, dtype=np.int32)
    last_active_month = start.copy()
    monthly_mrr = np.zeros((n, n_months))
    for month in range(-MONTHS_BEFORE_WINDOW, n_months):
        stepping = start < month
        active = stepping & (mrr > 0)
        lapsed = stepping & (mrr == 0)
        draw = rng.random(n)
        churn = active & (draw < churn_probability) & (month >= 1)
        expand = active & (draw >= churn_probability) & (draw < expansion_below)
        contract = active & (draw >= expansion_below) & (draw < contraction_below)
        months_lapsed[lapsed] += 1
        react = lapsed & (months_lapsed <= 12)
        react[react] = rng.random(np.count_nonzero(react)) < 0.004

        lapsed_mrr[churn] = mrr[churn]
        months_lapsed[churn] = 0
        mrr[churn] = 0.0
        uplift = np.exp(np.log(0.25) + 0.6 * rng.standard_normal(np.count_nonzero(expand)))
        mrr[expand] = np.minimum(ceiling_mrr[expand], cents(mrr[expand] * (1 + uplift)))
        kept = rng.uniform(0.6, 0.95, np.count_nonzero(contract))
        mrr[contract] = np.maximum(50.0, cents(mrr[contract] * kept))
        comeback = lapsed_mrr[react] * np.exp(0.25 * rng.standard_normal(np.count_nonzero(react)))
        mrr[react] = np.clip(cents(comeback), 50.0, ceiling_mrr[react])
        starting = start == month
        mrr[starting] = landing_mrr[starting]

        last_active_month[mrr > 0] = month
        if month >= 0:
            monthly_mrr[:, month] = mrr

    tenure_days = np.round((last_active_month - start + 1) * DAYS_PER_MONTH).astype(np.int32) - start_day
    nps = np.clip(np.round(8.2 + 1.8 * health + 1.5 * rng.standard_normal(n)), 0, 10)
    nps[rng.random(n) >= 0.7] = np.nan
    first_ordinal = LAST_MONTH.ordinal - (n_months - 1)
    period = pd.PeriodDtype("M")
    accounts = pd.DataFrame(
        {
            "account_id": np.arange(1, n + 1),
            "arr": 12.0 * mrr,
            "employees": employees,
            "company_revenue": company_revenue,
            "potential": 12.0 * ceiling_mrr,
            "industry": pd.Categorical.from_codes(industry, categories=INDUSTRIES),
            "region": pd.Categorical.from_codes(region, categories=REGIONS),
            "start_month": pd.arrays.PeriodArray(start.astype(np.int64) + first_ordinal, dtype=period),
            "tenure_days": tenure_days,
            "renewal_days": (365 - tenure_days % 365) % 365,
            "nps": nps,
            "logins_per_user": np.round(8.0 * np.exp(0.45 * health + 0.5 * rng.standard_normal(n)), 2),
            "seats_used_pct": np.round(100 * logistic(0.8 + 0.9 * health + 0.6 * rng.standard_normal(n)), 1),
            "tickets_90d": rng.poisson(2.0 * np.exp(-0.5 * health + 0.15 * relative_size)),
            "exec_sponsor": rng.random(n) < logistic(-0.6 + 0.7 * health + 0.5 * log_landing_size),
            "churned": mrr == 0,
        },
        copy=False,
    )
    account_index, month_index = np.nonzero(monthly_mrr)
    revenue = pd.DataFrame(
        {
            "account_id": account_index + 1,
            "month": pd.arrays.PeriodArray(month_index + first_ordinal, dtype=period),
            "mrr": monthly_mrr[account_index, month_index],
        },
        copy=False,
    )
    return Book(accounts=accounts, revenue=revenue)


def best_time(run: Callable[[], Book], repeat: int) -> tuple[float, Book]:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        book = run()
        best = min(best, time.perf_counter() - start)
    return best, book


def describe(book: Book) -> str:
    arr = np.sort(book.accounts["arr"].to_numpy())[::-1]
    top_share = arr[: len(arr) // 5].sum() / arr.sum()
    return (
        f"{len(book.revenue):,} revenue rows, churned {book.accounts['churned'].mean():.1%}, "
        f"top-20% ARR share {top_share:.1%}, total ARR {arr.sum() / 1e9:.2f}B"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()

    print(f"machine: {machine_note()}")
    print(f"synthetic_book({options.accounts:,} accounts, {options.months} months), best of {options.repeat}")
    ours, our_book = best_time(lambda: cs.datasets.synthetic_book(options.accounts, options.months), options.repeat)
    print(f"  cssegment: {ours:8.3f} s  ({describe(our_book)})")
    del our_book  # the peer starts with the same free memory
    peer, peer_book = best_time(lambda: numpy_synthetic_book(options.accounts, options.months, 0), options.repeat)
    print(f"  numpy:     {peer:8.3f} s  ({describe(peer_book)})")
    print(f"  ratio (numpy / cssegment): {peer / ours:.1f}x")


if __name__ == "__main__":
    main()
