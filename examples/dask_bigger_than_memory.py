"""Bigger than memory: cssegment.dask on a Parquet dataset larger than each worker's memory.

Writes a Parquet dataset of account-month rows (revenue and three health signals, one file per
block of accounts, so that ``read_parquet(..., index="account_id", calculate_divisions=True)``
knows each file's accounts) and starts a ``LocalCluster`` of two worker processes whose
``memory_limit`` is well below the dataset's size in memory: by default 19M account-month rows,
930 MB as pandas columns, on workers limited to 450 MB each (the dataset is 2.07x one worker's
limit). Movements, retention, a backtest of the health scores and a calibration then run on the
workers partition by partition; only partial sums come back. It prints the data size, the memory
limit, each worker's peak memory and the times, and checks that no worker was restarted (on the
shared 2-core machine: about 20 s for the four, 6 s to write the data, peaks of 355 to 403 MB).

    PYTHONPATH=python python3 examples/dask_bigger_than_memory.py
    PYTHONPATH=python python3 examples/dask_bigger_than_memory.py --accounts 2000000 --files 300 --memory-limit 600MB

``tests/python/test_dask_memory.py`` runs the same functions on a dataset of the default size and
compares every result with the in-memory one. Keep partitions small (``--files``): reading one
takes about five times its size in memory, and a bare worker holds some 280 MB already.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cssegment as cs
import cssegment.dask
import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
from dask.distributed import Client, LocalCluster

MONTHS = 24
SEED = 20

# The worker memory thresholds, as fractions of memory_limit (set explicitly: see run()).
MEMORY_CONFIG = {
    "distributed.worker.memory.target": 0.6,
    "distributed.worker.memory.spill": 0.7,
    "distributed.worker.memory.pause": False,
    "distributed.worker.memory.terminate": 0.95,
}


def card() -> cs.Scorecard:
    """The health scorecard scored, backtested and calibrated on the rows."""
    return cs.Scorecard(
        [
            cs.Measure("seats_used_pct", cs.Linear(20, 90), weight=2),
            cs.Measure("tickets_90d", cs.Linear(10, 0)),
            cs.Measure("nps", cs.Bands([7, 9], [0, 50, 100])),
        ]
    )


def block(first: int, accounts: int, seed: int) -> pd.DataFrame:
    """Account-month rows of the accounts ``first .. first + accounts - 1``, sorted by account:
    each account is active over a run of months (starting late or ending early: new and churned
    revenue) with a monthly revenue that moves by whole dollars (expansion and contraction), and
    three health signals per month, in whole numbers, that drive a churn outcome (so that the
    scores take a few thousand distinct values: the backtest's counts are per distinct score)."""
    rng = np.random.default_rng([SEED, seed])
    start = rng.integers(0, MONTHS // 2, accounts)
    length = rng.integers(1, MONTHS + 1, accounts)
    length = np.minimum(length, MONTHS - start)
    account = np.repeat(np.arange(first, first + accounts, dtype=np.int64), length)
    n = len(account)
    offset = np.arange(n) - np.repeat(np.cumsum(length) - length, length)
    month = np.repeat(start, length) + offset
    base = np.repeat(rng.choice([50.0, 200.0, 1_000.0, 5_000.0], accounts), length)
    mrr = np.maximum(base + 10.0 * rng.integers(-5, 6, n), 0.0)
    risk = rng.normal(0.0, 1.0, n)
    nps = np.clip(np.rint(8 - 1.5 * risk + rng.normal(0, 1.5, n)), 0, 10)
    nps[rng.uniform(size=n) < 0.3] = np.nan
    return pd.DataFrame(
        {
            "account_id": account,
            "month": pd.DatetimeIndex(np.datetime64("2024-01", "M") + month.astype("timedelta64[M]")).as_unit("ns"),
            "mrr": mrr,
            "seats_used_pct": np.clip(np.rint(65 - 12 * risk + rng.normal(0, 10, n)), 0, 100),
            "tickets_90d": rng.poisson(np.exp(0.7 + 0.3 * risk)).astype(np.float64),
            "nps": nps,
            "churned": (rng.uniform(size=n) < 1 / (1 + np.exp(1.2 - 1.1 * risk))).astype(np.int8),
        }
    )


def blocks(accounts: int, files: int) -> Iterator[pd.DataFrame]:
    """The dataset, file by file (the same rows whether written or held in memory)."""
    edges = np.linspace(0, accounts, files + 1).astype(np.int64)
    for number, (low, high) in enumerate(itertools.pairwise(edges)):
        yield block(int(low), int(high - low), number)


def write_dataset(path: Path, accounts: int, files: int) -> tuple[int, int]:
    """Writes the dataset to `path` (one Parquet file per block of accounts) and returns its rows
    and its size in memory (bytes of the pandas columns), computed block by block."""
    path.mkdir(parents=True, exist_ok=True)
    rows = size = 0
    for number, frame in enumerate(blocks(accounts, files)):
        frame.to_parquet(path / f"part-{number:04d}.parquet", index=False)
        rows += len(frame)
        size += int(frame.memory_usage(index=False, deep=True).sum())
    return rows, size


def read(path: Path) -> dd.DataFrame:
    """The dataset, indexed by account with known divisions: no shuffle."""
    return dd.read_parquet(str(path), index="account_id", calculate_divisions=True)


@dataclass
class Run:
    """What `run` computed, and how the workers fared."""

    movements: pd.DataFrame
    retention: pd.DataFrame
    backtest: cs.health.Backtest
    calibrated: cs.health.CalibratedScorecard
    seconds: dict[str, float] = field(default_factory=dict)
    workers_before: dict[str, Any] = field(default_factory=dict)
    workers_after: dict[str, Any] = field(default_factory=dict)
    peak_bytes: dict[str, int] = field(default_factory=dict)


def _worker_identity() -> tuple[int, float]:
    import os

    import psutil

    return os.getpid(), psutil.Process().create_time()


def _peak_bytes() -> int:
    """The worker's peak resident memory since its program started: VmHWM on Linux. Not
    ``ru_maxrss``, which survives fork and exec: a worker started by a large process (a test
    session holding gigabytes) would report that process's peak. Elsewhere psutil's peak working
    set on Windows, or else the resident memory now."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024  # kB
    import psutil

    memory = psutil.Process().memory_info()
    return int(getattr(memory, "peak_wset", memory.rss))


def run(path: Path, memory_limit: str | int, horizon: int = 12, l2: float = 1.0) -> Run:
    """Movements, retention, a backtest and a calibration of the dataset at `path` on a
    2-worker LocalCluster with the given per-worker `memory_limit`.

    The memory thresholds are set explicitly (MEMORY_CONFIG): a worker spills its kept data to
    disk above 70% of the limit and is restarted by its nanny above 95% (the failure this run
    must not meet); pausing is off, because a bare worker already holds some 60% of a limit of a
    few hundred MB in unmanaged memory (the interpreter, pandas, the C++ module) that spilling
    cannot free: a paused worker would wait for memory that never comes back, and the run would
    hang instead of fail."""
    with (
        dask.config.set(MEMORY_CONFIG),
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, memory_limit=memory_limit, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        before = client.run(_worker_identity)
        rows = read(path)
        scorecard = card()
        seconds = {}
        started = time.perf_counter()
        moves = cs.dask.movements(rows)
        seconds["movements"] = time.perf_counter() - started
        started = time.perf_counter()
        kept = cs.dask.retention(rows, horizon=horizon)
        seconds["retention"] = time.perf_counter() - started
        started = time.perf_counter()
        backtest = cs.dask.backtest(scorecard, rows)
        seconds["scores (backtest)"] = time.perf_counter() - started
        started = time.perf_counter()
        calibrated = cs.dask.calibrate(scorecard, rows, l2=l2)
        seconds["calibrate"] = time.perf_counter() - started
        after = client.run(_worker_identity)
        peaks = client.run(_peak_bytes)
    return Run(moves, kept, backtest, calibrated, seconds, before, after, peaks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=1_650_000)
    parser.add_argument("--files", type=int, default=240)
    parser.add_argument("--memory-limit", default="450MB")
    args = parser.parse_args(argv)
    limit = dask.utils.parse_bytes(args.memory_limit)
    with tempfile.TemporaryDirectory() as directory:
        started = time.perf_counter()
        rows, size = write_dataset(Path(directory) / "rows", args.accounts, args.files)
        print(
            f"dataset: {rows:,} rows, {size / 1e6:,.0f} MB in memory, {args.files} Parquet files "
            f"(written in {time.perf_counter() - started:.1f} s)"
        )
        print(
            f"workers: 2 processes, memory_limit {limit / 1e6:,.0f} MB each "
            f"(the dataset is {size / limit:.1f}x one worker's limit)"
        )
        result = run(Path(directory) / "rows", limit)
    for what, seconds in result.seconds.items():
        print(f"  {what:<20} {seconds:6.1f} s")
    for address, peak in result.peak_bytes.items():
        print(f"  worker {address}: peak memory {peak / 1e6:,.0f} MB")
    restarted = result.workers_before != result.workers_after
    print(f"workers restarted: {'yes' if restarted else 'none'}")
    print(f"AUC {result.backtest.auc:.4f}, calibrated in {result.calibrated.n_iter_} Newton iterations")
    print(result.movements[["start", "new", "expansion", "contraction", "churn", "end"]].tail(3).to_string())
    return 1 if restarted else 0


if __name__ == "__main__":
    sys.exit(main())
