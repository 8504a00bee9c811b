"""Causal benchmark: the density (manipulation) test against rddensity on the same data.

Both tools run in this process on the same running variable with the same default options, and
their statistics and bandwidths are checked equal before the times are reported. The ratio
column is peer time / cssegment time, so a ratio above 1 means cssegment is faster.

    PYTHONPATH=python python3 benchmarks/bench_causal.py           # 10k, 200k and 1M rows
    PYTHONPATH=python python3 benchmarks/bench_causal.py --small   # smoke check (10k rows)
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Sequence
from importlib.metadata import version

import cssegment as cs
import numpy as np
from bench_segment import Row, best_of, print_header, print_report

SEED = 20261204


# --------------------------------------------------------------------------------------------
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="quick smoke run (10k rows)")
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats per measurement (best is kept)")
    args = parser.parse_args(argv)
    sizes = [10_000] if args.small else [10_000, 200_000, 1_000_000]
    print_header(
        f"cssegment causal benchmark ({'small' if args.small else 'full'} run, best of >= {args.repeats} repeats)",
        rddensity=version("rddensity"),
    )
    print()
    started = time.perf_counter()
    rows, notes = bench_density(sizes, args.repeats)
    print_report(rows, notes, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
