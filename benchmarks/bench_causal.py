"""Causal benchmark: the regression discontinuity estimate against rdrobust, and the density
(manipulation) test against rddensity (their Python packages), on the same data in this process.

Each pair runs with the same default options (rdrobust: local linear, triangular kernel, mserd
bandwidths, nn variance; rddensity: its defaults); the estimates, standard errors, statistics and
bandwidths are checked equal (1e-6 relative) before anything is timed. cssegment's time is the
best of several calls after a warm-up; the peers' the best of fewer calls (one at 1M rows). The
ratio is peer time / cssegment time.

    PYTHONPATH=python python3 benchmarks/bench_causal.py           # 10k, 200k and 1M rows (a few minutes)
    PYTHONPATH=python python3 benchmarks/bench_causal.py --small   # smoke check (10k and 50k rows)
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Sequence
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


# ----------------------------------------------------------------------------------------------
# Density test (rddensity)


def density_sample(n: int) -> np.ndarray:
    """n ARR-like values (log-normal, median $30k) rounded to whole dollars, so that the data has
    the ties (mass points) real ARR has; the cutoff is $50k."""
    rng = np.random.default_rng(SEED)
    return np.round(rng.lognormal(np.log(30_000), 0.8, n))


def bench_density(sizes: Sequence[int], repeats: int) -> tuple[list[Row], list[str]]:
    from rddensity import rddensity

    def theirs(x: np.ndarray) -> object:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # its FutureWarnings and the mass-point notice
            return rddensity(x, c=50_000)

    rows, notes = [], []
    for n in sizes:
        x = density_sample(n)
        ours = cs.density_test(x, cutoff=50_000)
        reference = theirs(x)
        t_ref, h_ref = reference.test["t_jk"], tuple(reference.h)  # type: ignore[attr-defined]
        worst = max(abs(ours.statistic / t_ref - 1), *(abs(a / b - 1) for a, b in zip(ours.h, h_ref, strict=True)))
        if worst > 1e-6:
            raise AssertionError(f"density test on {n:,} rows: relative difference {worst:.2e} from rddensity")
        notes.append(f"density test, {n:,} rows: T = {ours.statistic:.6f}, largest relative difference {worst:.1e}")
        ours_time = best_of(lambda x=x: cs.density_test(x, cutoff=50_000), repeats)
        theirs_time = best_of(lambda x=x: theirs(x), 1 if n > 100_000 else repeats, min_seconds=0.0)
        rows.append(Row("density_test(x, cutoff=50_000)", n, ours_time, "rddensity(x, c=50000)", theirs_time))
    return rows, notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="smoke check on 10k and 50k rows")
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats per measurement (best is kept)")
    args = parser.parse_args()
    started = time.perf_counter()
    print_header(
        "Causal: regression discontinuity and density test",
        rdrobust=version("rdrobust"),
        rddensity=version("rddensity"),
    )
    sizes = [10_000, 50_000] if args.small else [10_000, 200_000, 1_000_000]
    rows, notes = bench_rd(sizes, repeats=max(args.repeats, 5))
    density_rows, density_notes = bench_density(sizes, args.repeats)
    print_report(rows + density_rows, notes + density_notes, started)


if __name__ == "__main__":
    main()
