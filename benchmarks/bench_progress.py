"""Progress bars: what ``progress=True`` costs, and that the default path did not get slower.

For each long operation (ledger build, k-means restarts, ``fit_many``, a ``cssegment.dask`` job)
the script checks that ``progress=True`` gives the same result as the default, then times both
(best of several repeats after a warm-up; the bar draws into /dev/null so that the terminal's
speed is not measured). With ``--before DIR`` it also times the default path of another
cssegment checkout (``DIR`` is its ``python/`` directory, e.g. the main branch before this
change) in a subprocess on the same data, for the "before" column.

    PYTHONPATH=python python3 benchmarks/bench_progress.py                       # full size
    PYTHONPATH=python python3 benchmarks/bench_progress.py --small               # smoke check
    PYTHONPATH=python python3 benchmarks/bench_progress.py --before ../main/python
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import cssegment as cs
import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
from bench_metrics import best_of
from machine import machine_note

SEED = 20261123


def sizes(small: bool) -> dict[str, int]:
    if small:
        return {"rows": 200_000, "accounts": 20_000, "points": 100_000, "n_init": 4, "cohorts": 300, "partitions": 4}
    return {
        "rows": 20_000_000,
        "accounts": 1_000_000,
        "points": 1_000_000,
        "n_init": 8,
        "cohorts": 10_000,
        "partitions": 8,
    }


def data(size: dict[str, int]) -> dict[str, Any]:
    rng = np.random.default_rng(SEED)
    rows = size["rows"]
    revenue = pd.DataFrame(
        {
            "account_id": rng.integers(0, size["accounts"], rows),
            "month": rng.integers(0, 36, rows),
            "mrr": rng.gamma(2.0, 100.0, rows).round(2),
        }
    )
    points = size["points"]
    features = np.column_stack(
        [rng.lognormal(10, 1.5, points), rng.lognormal(4, 1.2, points), rng.uniform(0, 100, points)]
    )
    alive = np.full((size["cohorts"], 25), np.nan)
    for i in range(size["cohorts"]):
        lifetimes = rng.geometric(rng.beta(0.7, 1.5, 1000))
        observed = int(rng.integers(2, 26))
        alive[i, :observed] = [(lifetimes > t).sum() for t in range(observed)]
    return {"revenue": revenue, "features": features, "alive": alive}


def jobs(inputs: dict[str, Any], size: dict[str, int]) -> dict[str, Callable[..., Any]]:
    """Each job as a function of ``progress`` (None: the call without the argument, as before)."""

    def flag(progress: bool | None) -> dict[str, bool]:
        return {} if progress is None else {"progress": progress}

    # Several rows for many an account and month, summed in the frame's order whatever the shuffle.
    quarter = inputs["revenue"].iloc[: len(inputs["revenue"]) // 4]
    ddf = dd.from_pandas(quarter, npartitions=size["partitions"])
    return {
        "RevenueLedger(rows)": lambda p: cs.RevenueLedger(inputs["revenue"], **flag(p)),
        "KMeans(8, n_init).fit": lambda p: cs.KMeans(8, n_init=size["n_init"], scale="log", seed=1).fit(
            inputs["features"], **flag(p)
        ),
        "ShiftedBetaGeometric.fit_many": lambda p: cs.ShiftedBetaGeometric.fit_many(inputs["alive"], **flag(p)),
        "cssegment.dask.movements (threads)": lambda p: cssegment_dask().movements(ddf, **flag(p)),
    }


def cssegment_dask() -> Any:
    import cssegment.dask

    return cssegment.dask


def labels(size: dict[str, int]) -> dict[str, str]:
    quarter = size["rows"] // 4
    return {
        "RevenueLedger(rows)": f"{size['rows']:,} rows, {size['accounts']:,} accounts x 36",
        "KMeans(8, n_init).fit": f"{size['points']:,} x 3, n_init={size['n_init']}",
        "ShiftedBetaGeometric.fit_many": f"{size['cohorts']:,} cohorts",
        "cssegment.dask.movements (threads)": f"about {quarter:,} rows, {size['partitions']} partitions",
    }


def same(a: Any, b: Any) -> bool:
    if isinstance(a, cs.RevenueLedger):
        return bool(a.revenue.equals(b.revenue) and a.summary().equals(b.summary()))
    if isinstance(a, pd.DataFrame):
        return bool(a.equals(b))
    return bool(a == b)


def default_times(small: bool, repeats: int) -> dict[str, float]:
    size = sizes(small)
    with dask.config.set(scheduler="threads"):
        return {name: best_of(functools.partial(job, None), repeats) for name, job in jobs(data(size), size).items()}


def quiet_bars() -> None:
    """Bars draw into /dev/null: the cost of a bar, not of a terminal."""
    import tqdm
    from cssegment import _progress

    sink = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    _progress._tqdm = lambda: functools.partial(tqdm.tqdm, file=sink)  # type: ignore[assignment]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="smoke-check sizes (seconds)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--before", metavar="DIR", help="python/ directory of the cssegment to compare with")
    parser.add_argument("--only", metavar="TEXT", default="", help="only the operations whose name holds TEXT")
    parser.add_argument("--default-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.default_only:
        print(json.dumps(default_times(args.small, args.repeats)))
        return

    quiet_bars()
    size = sizes(args.small)
    inputs = data(size)
    print(machine_note(tqdm=__import__("tqdm").__version__, dask=dask.__version__))
    load = os.getloadavg()[0]
    print(f"load average {load:.1f} at start" + (" (busy machine: figures are noisy)" if load > 1.5 else ""))
    before: dict[str, float] = {}
    if args.before:
        command = [sys.executable, os.path.abspath(__file__), "--default-only", f"--repeats={args.repeats}"]
        if args.small:
            command.append("--small")
        env = {**os.environ, "PYTHONPATH": os.path.abspath(args.before)}
        before = json.loads(subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout)

    header = ("operation", "size", "before (default)", "default", "progress=True", "overhead")
    lines = []
    with dask.config.set(scheduler="threads"):
        for name, job in jobs(inputs, size).items():
            if args.only not in name:
                continue
            if not same(job(False), job(True)):
                raise SystemExit(f"{name}: progress=True changed the result")
            default = best_of(functools.partial(job, False), args.repeats)
            shown = best_of(functools.partial(job, True), args.repeats)
            earlier = f"{before[name] * 1e3:,.1f} ms" if name in before else "-"
            overhead = f"{(shown / default - 1) * 100:+.1f}%"
            lines.append(
                (name, labels(size)[name], earlier, f"{default * 1e3:,.1f} ms", f"{shown * 1e3:,.1f} ms", overhead)
            )
    widths = [max(len(line[i]) for line in (header, *lines)) for i in range(len(header))]
    for line in (header, *lines):
        print(" | ".join(cell.ljust(width) for cell, width in zip(line, widths)))


if __name__ == "__main__":
    main()
