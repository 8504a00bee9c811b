"""Causal benchmark: the regression discontinuity estimate against rdrobust (Python package).

Both run the default call (local linear, triangular kernel, mserd bandwidths, nn variance) on the
same data; the estimates, standard errors and bandwidths are checked equal (1e-6 relative) before
anything is timed. cssegment's time is the best of several calls after a warm-up; rdrobust's is
the best of fewer calls (one at 1M rows: about 12 s each). The ratio is rdrobust / cssegment.

    PYTHONPATH=python python3 benchmarks/bench_causal.py           # 10k, 200k and 1M rows (about a minute)
    PYTHONPATH=python python3 benchmarks/bench_causal.py --small   # smoke check (10k and 50k rows)
"""

from __future__ import annotations

import argparse
import time
import warnings
from importlib.metadata import version

import cssegment as cs
import numpy as np
from bench_segment import Row, best_of, print_header, print_report

with warnings.catch_warnings():  # rdrobust's plotting dependencies warn on import
    warnings.simplefilter("ignore")
    from rdrobust import rdrobust

SEED = 20261204


def design(n: int) -> tuple[np.ndarray, np.ndarray]:
    """ARR around a $50k threshold and a churn score that drops by 0.1 above it."""
    rng = np.random.default_rng(SEED)
    arr = rng.uniform(10_000.0, 90_000.0, n)
    churn = 0.3 - 0.000002 * (arr - 50_000.0) - 0.1 * (arr >= 50_000.0) + rng.normal(0.0, 0.2, n)
    return churn, arr


def peer(y: np.ndarray, x: np.ndarray) -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rdrobust(y, x, c=50_000.0)


def check_equal(ours: cs.RDResult, theirs: object) -> float:
    """The largest relative difference of the estimates, standard errors and bandwidths; raises
    above 1e-6."""
    coef, se, bws = (getattr(theirs, name).to_numpy() for name in ("coef", "se", "bws"))
    expected = np.array([coef[0, 0], coef[1, 0], se[0, 0], se[2, 0], *bws.ravel()])
    got = np.array([ours.estimate, ours.estimate_bc, ours.se, ours.se_robust, *ours.h, *ours.b])
    difference = float(np.max(np.abs(got - expected) / np.abs(expected)))
    if difference > 1e-6:
        raise AssertionError(f"rd_estimate differs from rdrobust by {difference:.3g} (relative)")
    return difference


def bench_rd(sizes: list[int], repeats: int) -> tuple[list[Row], list[str]]:
    rows, notes = [], []
    for n in sizes:
        y, x = design(n)
        start = time.perf_counter()
        theirs = peer(y, x)
        peer_time = time.perf_counter() - start
        for _ in range(2 if n < 1_000_000 else 0):  # best of three below 1M rows
            start = time.perf_counter()
            peer(y, x)
            peer_time = min(peer_time, time.perf_counter() - start)
        difference = check_equal(cs.rd_estimate(y, x, cutoff=50_000.0), theirs)
        ours = best_of(lambda y=y, x=x: cs.rd_estimate(y, x, cutoff=50_000.0), repeats)
        rows.append(Row("`rd_estimate(y, x, cutoff)` (default options)", n, ours, "`rdrobust(y, x, c)`", peer_time))
        notes.append(f"{n:,} rows: estimates, standard errors and bandwidths agree to {difference:.2g} (relative)")
    return rows, notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="smoke check on 10k and 50k rows")
    args = parser.parse_args()
    started = time.perf_counter()
    print_header("Causal: regression discontinuity", rdrobust=version("rdrobust"))
    sizes = [10_000, 50_000] if args.small else [10_000, 200_000, 1_000_000]
    rows, notes = bench_rd(sizes, repeats=5)
    print_report(rows, notes, started)


if __name__ == "__main__":
    main()
