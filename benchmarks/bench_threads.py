"""Threads benchmark: what two Python threads gain over one on representative long calls.

Each capability makes CALLS calls one after another on one thread, then the same CALLS calls
split over two threads (a ThreadPoolExecutor); every threaded result is first checked equal to
the single-threaded one. A time is the best of several repeats. Speed-up = one-thread time /
two-thread time: 2.0 is perfect on two cores, and needs the GIL released for the whole C++ call.

"core threads" says how many threads the C++ core runs *inside* each call. Where the binding
takes ``max_threads``, the call is measured twice: capped at 1 (the speed-up then comes from the
Python threads alone) and uncapped ("all": the core already spreads one call over every core, so
two Python threads gain little on a two-core machine). Ledger building and movements have no cap.

    PYTHONPATH=python python3 benchmarks/bench_threads.py           # 1M rows, about a minute when quiet
    PYTHONPATH=python python3 benchmarks/bench_threads.py --small   # smoke check (a few seconds)
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import cssegment as cs
import numpy as np
import pandas as pd
from cssegment import _core, health
from machine import machine_note

CALLS = 4
THREADS = 2


def run_calls(call: Callable[[], Any], threads: int) -> tuple[float, list[Any]]:
    """Wall time of CALLS calls spread over `threads` threads, and their results."""
    start = time.perf_counter()
    if threads == 1:
        results = [call() for _ in range(CALLS)]
    else:
        with ThreadPoolExecutor(threads) as pool:
            results = list(pool.map(lambda _: call(), range(CALLS)))
    return time.perf_counter() - start, results


def best_of(call: Callable[[], Any], threads: int, repeats: int) -> tuple[float, list[Any]]:
    run_calls(call, threads)  # warm-up
    timed = [run_calls(call, threads) for _ in range(repeats)]
    return min(t for t, _ in timed), timed[-1][1]


def same(a: Any, b: Any) -> bool:
    if isinstance(a, pd.DataFrame):
        return a.equals(b)
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return bool(np.array_equal(np.asarray(a), np.asarray(b), equal_nan=np.asarray(a).dtype.kind == "f"))


@dataclass
class Row:
    capability: str
    rows: str
    core_threads: str
    one: float
    two: float

    @property
    def speedup(self) -> float:
        return self.one / self.two


def measure(capability: str, rows: str, core_threads: str, call: Callable[[], Any], repeats: int) -> Row:
    one, expected = best_of(call, 1, repeats)
    two, results = best_of(call, THREADS, repeats)
    if not all(same(result, expected[0]) for result in [*expected, *results]):
        raise AssertionError(f"{capability}: a threaded result differs from the single-threaded one")
    row = Row(capability, rows, core_threads, one, two)
    print(f"  {capability} ({rows}, core threads {core_threads}): {one:.3f} s vs {two:.3f} s, x{row.speedup:.2f}")
    return row


def label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="small inputs: a smoke check of a few seconds")
    args = parser.parse_args()
    accounts_n, repeat, repeats = (20_000, 10, 2) if args.small else (200_000, 5, 5)
    book = cs.datasets.synthetic_book(n_accounts=accounts_n, n_months=24, seed=5)
    accounts, revenue = book.accounts, book.revenue
    big = pd.concat([accounts] * repeat, ignore_index=True)
    n = len(big)
    arr = big["arr"]
    tiers = cs.TierModel.touch(hysteresis=0.1)
    previous = tiers.assign(big["potential"].clip(upper=arr * 3))
    rules = cs.RuleModel.four_tier()
    features = np.log1p(big[["arr", "employees", "potential", "logins_per_user", "tickets_90d"]].to_numpy(np.float64))
    kmeans = cs.KMeans(n_clusters=8, n_init=1, seed=1).fit(features[: len(accounts)])
    card = cs.Scorecard(
        [
            cs.Measure("nps", cs.Bands([7, 9], [0, 50, 100])),
            cs.Measure("logins_per_user", cs.Percentile(by="region"), weight=2),
            cs.Measure("seats_used_pct", cs.ZScore(), weight=2),
            cs.Measure("tickets_90d", cs.Linear(10, 0)),
            cs.Measure("exec_sponsor", cs.Boolean()),
        ]
    ).fit(accounts)
    columns, rows = health._columns(big, card._model)
    survivors = cs.RevenueLedger(revenue).survivors(cohort_length=1)
    alive = np.ascontiguousarray(np.tile(survivors.to_numpy(np.float64, na_value=np.nan), (repeat * 10, 1)))
    cohorts = f"{len(alive):,} cohorts"

    print(f"# cssegment threads benchmark: {THREADS} Python threads vs 1, {CALLS} calls each")
    print(machine_note())
    table = [
        measure("tier assignment, `TierModel.assign`", label(n), "all", lambda: tiers.assign(arr), repeats),
        measure(
            "tiers with 10% hysteresis (`previous=`)",
            label(n),
            "all",
            lambda: tiers.assign(arr, previous=previous),
            repeats,
        ),
        measure("rules, `RuleModel.four_tier().assign`", label(n), "all", lambda: rules.assign(big), repeats),
        measure(
            "transitions of fresh tiers", label(n), "all", lambda: cs.transitions(previous, tiers.assign(arr)), repeats
        ),
        measure(
            "k-means predict, 8 clusters x 5 features",
            label(n),
            "1",
            lambda: kmeans._model.predict(features, 1),
            repeats,
        ),
        measure("k-means predict", label(n), "all", lambda: kmeans._model.predict(features, 0), repeats),
        measure(
            "scorecard score, 5 measures", label(n), "1", lambda: card._model.score(columns, rows, None, 1), repeats
        ),
        measure("scorecard score", label(n), "all", lambda: card._model.score(columns, rows, None, 0), repeats),
        measure("sBG `fit_many`", cohorts, "1", lambda: _core.survival.fit_sbg_many(alive, 2, 1), repeats),
        measure("sBG `fit_many`", cohorts, "all", lambda: _core.survival.fit_sbg_many(alive, 2, 0), repeats),
        measure(
            "`RevenueLedger(revenue).movements()`",
            f"{len(revenue):,} revenue rows",
            "all",
            lambda: cs.RevenueLedger(revenue).movements(),
            repeats,
        ),
    ]
    print()
    header = f"1 thread, {CALLS} calls | {THREADS} threads, {CALLS} calls"
    print(f"| capability | rows | core threads per call | {header} | speed-up |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in table:
        print(
            f"| {row.capability} | {row.rows} | {row.core_threads} | {row.one * 1e3:,.1f} ms | "
            f"{row.two * 1e3:,.1f} ms | **{row.speedup:.2f}x** |"
        )


if __name__ == "__main__":
    main()
