"""CSM books benchmark: cs.book_metrics (growth KPIs per owner with delta-method intervals and
mix-adjusted NRR) against the same numbers in pandas, on the same rows in one process.

The book is ``synthetic_book(200_000, 36)``: its revenue rows, its ``owners`` (a long frame: one
owner per account and month, with reassignments) and the touch tier of every account and month
(the mix). Both sides start from those long frames; cssegment builds the ledger and computes the
KPIs, pandas selects the start and end months, joins owners and tiers at the start and does the
group-by sums, the segment NRRs and the residual sums of the variances. Results are checked
equal (rtol 1e-9) before timing; best of ``--repeat`` runs after a warm-up.

    PYTHONPATH=python python3 benchmarks/bench_books.py           # 200k x 36 (about a minute)
    PYTHONPATH=python python3 benchmarks/bench_books.py --small   # smoke check (seconds)
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from statistics import NormalDist
from typing import Any

import cssegment as cs
import numpy as np
import pandas as pd
from machine import machine_note

HORIZON = 12
Z = NormalDist().inv_cdf(0.975)


def best_of(fn: Callable[[], Any], repeats: int) -> float:
    fn()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


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
    of_owner = {name: frame["owner"].map(out[name]).astype(float) for name in ("nrr", "grr", "mix_adjusted_nrr")}
    frame["nrr_sq"] = (frame["e"] - of_owner["nrr"] * frame["s"]) ** 2
    frame["grr_sq"] = (frame["r"] - of_owner["grr"] * frame["s"]) ** 2
    frame["mix_sq"] = (frame["e"] - tier_nrr * frame["s"] - of_owner["mix_adjusted_nrr"] * frame["s"]) ** 2
    squares = frame.groupby("owner", observed=True)[["nrr_sq", "grr_sq", "mix_sq"]].sum()
    for name, column in (("nrr", "nrr_sq"), ("grr", "grr_sq"), ("mix_adjusted_nrr", "mix_sq")):
        se = np.sqrt(n / (n - 1) * squares[column]) / sums["s"]
        out[f"{name}_low"], out[f"{name}_high"] = out[name] - Z * se, out[name] + Z * se
    return out


def check_equal(expected: pd.DataFrame, got: pd.DataFrame) -> None:
    got = got.loc[expected.index]
    for name in expected.columns:
        np.testing.assert_allclose(got[name].to_numpy(float), expected[name].to_numpy(float), rtol=1e-9, atol=1e-12)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--repeat", type=int, default=3)
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
    ours = best_of(lambda: with_cssegment(revenue, owners, tiers), repeats)
    metrics_only = best_of(lambda: cs.book_metrics(ledger, owners, horizon=HORIZON, by=tiers), repeats)
    peer = best_of(lambda: with_pandas(revenue, owners, tiers), repeats)
    print("| job | cssegment | pandas | pandas / cssegment |")
    print("|---|---:|---:|---:|")
    print(
        f"| ledger + book metrics by owner, mix by tier | {ours * 1e3:,.0f} ms | {peer * 1e3:,.0f} ms | "
        f"**{peer / ours:.1f}x** |"
    )
    print(f"(of which book_metrics on a built ledger: {metrics_only * 1e3:,.0f} ms)")
    start = time.perf_counter()
    _ = cs.datasets.synthetic_book(n_accounts, args.months, seed=19).usage
    print(f"synthetic_book({n_accounts:,}, {args.months}) with usage and owners: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
