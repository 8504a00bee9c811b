"""CSM books benchmark: cs.book_metrics (growth KPIs per owner with jackknife intervals and
mix-adjusted NRR) against the same numbers in pandas, on the same rows in one process.

The book is ``synthetic_book(200_000, 36)``: its revenue rows, its ``owners`` (a long frame: one
owner per account and month, with reassignments) and the touch tier of every account and month
(the mix). Both sides start from those long frames; cssegment builds the ledger and computes the
KPIs, pandas selects the start and end months, joins owners and tiers at the start and does the
group-by sums, the segment NRRs and the jackknife variances (each account's ratio left out, a
group-by variance; scipy's t and beta quantiles for the intervals). Results are checked
equal (rtol 1e-9) before timing; medians of ``--repeat`` rounds after a warm-up, the jobs taking
turns in each round.

    PYTHONPATH=python python3 benchmarks/bench_books.py           # 200k x 36 (about a minute)
    PYTHONPATH=python python3 benchmarks/bench_books.py --small   # smoke check (seconds)
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import cssegment as cs
import numpy as np
import pandas as pd
from machine import machine_note
from scipy import stats

HORIZON = 12


def medians(jobs: dict[str, Callable[[], Any]], repeats: int) -> dict[str, float]:
    """Median seconds of each job over `repeats` rounds after a warm-up; the jobs take turns in
    each round, so a change of machine load hits them alike."""
    times: dict[str, list[float]] = {name: [] for name in jobs}
    for job in jobs.values():
        job()
    for _ in range(repeats):
        for name, job in jobs.items():
            start = time.perf_counter()
            job()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def with_cssegment(revenue: pd.DataFrame, owners: pd.DataFrame, tiers: pd.DataFrame) -> pd.DataFrame:
    return cs.book_metrics(cs.RevenueLedger(revenue), owners, horizon=HORIZON, by=tiers)


def with_pandas(revenue: pd.DataFrame, owners: pd.DataFrame, tiers: pd.DataFrame) -> pd.DataFrame:
    """The same KPIs with pandas group-bys (start: the last month with a full horizon)."""
    end = revenue["month"].max()
    start = end - HORIZON
    s = revenue.loc[revenue["month"] == start].groupby("account_id")["mrr"].sum()
    e = revenue.loc[revenue["month"] == end].groupby("account_id")["mrr"].sum()
    frame = pd.DataFrame({"s": s, "e": e.reindex(s.index, fill_value=0.0)})
    at_start = owners.loc[owners["month"] == start].set_index("account_id")["owner"]
    frame["owner"] = at_start.reindex(frame.index)
    frame["tier"] = tiers.loc[tiers["month"] == start].set_index("account_id")["tier"].reindex(frame.index)
    frame["r"] = np.minimum(frame["s"], frame["e"])
    frame["kept"] = frame["e"] > 0
    frame["expansion"] = (frame["e"] - frame["s"]).clip(lower=0)
    frame["churned"] = frame["s"].where(frame["e"] == 0, 0.0)
    segments = frame.groupby("tier", observed=True)[["s", "e"]].sum()
    tier_nrr = frame["tier"].map(segments["e"] / segments["s"]).astype(float)
    frame["expected"] = frame["s"] * tier_nrr
    grouped = frame.groupby("owner", observed=True)
    sums = grouped[["s", "e", "r", "kept", "expansion", "churned", "expected"]].sum()
    n = grouped.size()
    out = pd.DataFrame({"accounts": n, "expansion": sums["expansion"], "churned": sums["churned"]})
    out["nrr"] = sums["e"] / sums["s"]
    out["grr"] = sums["r"] / sums["s"]
    out["logo_retention"] = sums["kept"] / n
    out["mix_adjusted_nrr"] = (sums["e"] - sums["expected"]) / sums["s"]
    # Jackknife: each account's ratio with itself left out, their variance per owner; the
    # intervals of cs.book_metrics from them (t for NRR, Korn-Graubard for GRR).
    total = {name: frame["owner"].map(sums[name]).astype(float) for name in ("s", "e", "r", "expected")}
    rest = total["s"] - frame["s"]
    left_out = pd.DataFrame(
        {
            "owner": frame["owner"],
            "nrr": (total["e"] - frame["e"]) / rest,
            "grr": (total["r"] - frame["r"]) / rest,
            "mix_adjusted_nrr": (total["e"] - total["expected"] - frame["e"] + frame["expected"]) / rest,
        }
    )
    variance = left_out.groupby("owner", observed=True).var(ddof=0)
    z = stats.norm.ppf(0.975)
    for name in ("nrr", "grr", "mix_adjusted_nrr"):
        se = np.sqrt((n - 1) * variance[name])
        if name == "grr":  # Korn-Graubard: Clopper-Pearson on n* = GRR (1 - GRR) / se^2 (z / t)^2
            loss = frame["s"] - frame["r"]  # t: Kish's effective number of losing accounts - 1
            losses = (loss * loss).groupby(frame["owner"], observed=True).sum()
            lost_sum = sums["s"] - sums["r"]
            t_lost = stats.t.ppf(0.975, np.maximum(np.floor(lost_sum**2 / losses - 1), 1))
            p = out["grr"]
            size = p * (1 - p) / se**2 * (z / t_lost) ** 2
            low = stats.beta.ppf(0.025, size * p, size * (1 - p) + 1)
            high = stats.beta.ppf(0.975, size * p + 1, size * (1 - p))
            point = (se == 0) | lost_sum.eq(0)  # no variance: the point
            out["grr_low"] = np.where(point, p, np.where(p > 0, low, 0.0))
            out["grr_high"] = np.where(point, p, np.where(p < 1, high, 1.0))
        else:  # NRR: t with Kish's effective number of accounts by start revenue - 1; mix: n - 1
            squares = (frame["s"] ** 2).groupby(frame["owner"], observed=True).sum()
            df = np.maximum(np.floor(sums["s"] ** 2 / squares - 1), 1) if name == "nrr" else n - 1
            t = stats.t.ppf(0.975, df)
            out[f"{name}_low"], out[f"{name}_high"] = out[name] - t * se, out[name] + t * se
    return out


def check_equal(expected: pd.DataFrame, got: pd.DataFrame) -> None:
    got = got.loc[expected.index]
    for name in expected.columns:
        np.testing.assert_allclose(got[name].to_numpy(float), expected[name].to_numpy(float), rtol=1e-9, atol=1e-12)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--small", action="store_true", help="20k accounts, one run: a smoke check")
    args = parser.parse_args()
    n_accounts, repeats = (20_000, 1) if args.small else (args.accounts, args.repeat)

    book = cs.datasets.synthetic_book(n_accounts, args.months, seed=19)
    revenue, owners = book.revenue, book.owners
    tiers = revenue[["account_id", "month"]].assign(tier=cs.TierModel.touch().assign(revenue["mrr"] * 12))
    print(machine_note())
    print(f"{n_accounts:,} accounts x {args.months} months: {len(revenue):,} revenue rows, {len(owners):,} owner rows")

    check_equal(with_pandas(revenue, owners, tiers), with_cssegment(revenue, owners, tiers))
    ledger = cs.RevenueLedger(revenue)
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    took = medians(
        {
            "metrics": lambda: cs.book_metrics(ledger, owners, horizon=HORIZON, by=tiers),
            "ledger + metrics": lambda: with_cssegment(revenue, owners, tiers),
            "pandas": lambda: with_pandas(revenue, owners, tiers),
        },
        repeats,
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}; medians of {repeats} rounds")
    peer = took["pandas"]
    print("| job | cssegment | pandas | pandas / cssegment |")
    print("|---|---:|---:|---:|")
    for name, label in (("metrics", "book metrics on a built ledger"), ("ledger + metrics", "ledger + book metrics")):
        print(f"| {label} | {took[name] * 1e3:,.1f} ms | {peer * 1e3:,.1f} ms | **{peer / took[name]:.1f}x** |")
    start = time.perf_counter()
    _ = cs.datasets.synthetic_book(n_accounts, args.months, seed=19).usage
    print(f"synthetic_book({n_accounts:,}, {args.months}) with usage and owners: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
