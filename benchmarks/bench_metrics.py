"""Metrics benchmark: revenue ledger + movements + 12-month retention by segment, end to end.

cssegment against the same computation written carefully in pandas (pivot_table + vectorised
numpy), in polars (lazy joins and group-bys) and in DuckDB SQL, on the same rows in one process.
Results are checked equal before anything is timed. Each time is the best of several runs after
a warm-up; the ratio column is peer time / cssegment time (above 1: cssegment is faster).

A second part times the per-tier revenue bridge with moves between tiers (movements with a tier
for every account and month) against the same bridge in pandas + numpy. Another buckets 20M
daily-dated rows into months: the ledger reading the dates against ``dt.to_period("M")`` +
``groupby().sum()``.

A last part builds the ledger of 1M accounts x 60 months with cssegment alone, in a fresh
process per measurement, and reports its peak memory against the size of the input rows.

With ``--fixed-point-python PATH`` (an interpreter whose cssegment is 0.2.0, which summed in
fixed point truncated to 2^-40), a third part times the ledger's steps with correctly rounded
sums (this cssegment) against that fixed-point build, each in fresh processes taking turns (two
builds of one extension cannot share a process), and reports the ratio.

    PYTHONPATH=python python3 benchmarks/bench_metrics.py           # 200k x 36, 1M x 60 (minutes)
    PYTHONPATH=python python3 benchmarks/bench_metrics.py --small   # smoke check (seconds)
    PYTHONPATH=python python3 benchmarks/bench_metrics.py --no-memory --fixed-point-python /path/to/0.2.0/python
    PYTHONPATH=python python3 benchmarks/bench_metrics.py --dates-only  # 20M daily rows into months
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import cssegment as cs
import numpy as np
import pandas as pd
from machine import machine_note

try:
    import polars as pl
except ImportError:  # the `bench` extra
    pl = None  # type: ignore[assignment]
try:
    import duckdb
except ImportError:
    duckdb = None  # type: ignore[assignment]

HORIZON = 12
SEED = 20241123
DUPLICATE_SHARE = 0.05  # rows split in two: several products of one account in one month


def best_of(fn: Callable[[], Any], repeats: int) -> float:
    fn()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def make_rows(n_accounts: int, n_months: int) -> tuple[pd.DataFrame, pd.Series]:
    """The synthetic book's revenue with some rows split in two, in shuffled order, and one
    segment per account (its industry)."""
    book = cs.datasets.synthetic_book(n_accounts=n_accounts, n_months=n_months, seed=SEED)
    revenue = book.revenue
    rng = np.random.default_rng(SEED)
    split = rng.random(len(revenue)) < DUPLICATE_SHARE
    extra = revenue[split].copy()
    share = rng.uniform(0.2, 0.8, len(extra))
    revenue = revenue.copy()
    revenue.loc[split, "mrr"] = revenue.loc[split, "mrr"].to_numpy() * share
    extra["mrr"] = extra["mrr"].to_numpy() * (1 - share)
    rows = pd.concat([revenue, extra], ignore_index=True)
    rows = rows.iloc[rng.permutation(len(rows))].reset_index(drop=True)
    segments = pd.Series(book.accounts["industry"].array, index=book.accounts["account_id"], name="segment")
    return rows, segments


# --------------------------------------------------------------------------------------------
# Daily-dated rows bucketed into months (issue 14): the ledger reads the dates as they are;
# pandas first turns them into monthly Periods, then sums each (account, month).


def daily_rows(n_rows: int, n_accounts: int = 200_000, n_days: int = 3 * 365) -> pd.DataFrame:
    """Transactions on random days of three years (datetime64[ns]), random accounts and amounts."""
    rng = np.random.default_rng(SEED)
    days = np.datetime64("2022-01-01", "ns") + rng.integers(0, n_days, n_rows).astype("m8[D]")
    seconds = rng.integers(0, 86_400, n_rows).astype("m8[s]")  # times of day, as exports have them
    return pd.DataFrame(
        {
            "account_id": rng.integers(0, n_accounts, n_rows),
            "date": days + seconds,
            "amount": np.round(rng.gamma(2.0, 20.0, n_rows), 2),
        }
    )


def months_with_cssegment(rows: pd.DataFrame) -> Any:
    return cs.RevenueLedger(rows, period="date", amount="amount")


def months_with_pandas(rows: pd.DataFrame) -> pd.Series:
    months = rows["date"].dt.to_period("M")
    return rows.assign(date=months).groupby(["account_id", "date"], sort=False)["amount"].sum()


def bench_daily_months(n_rows: int, repeats: int) -> None:
    rows = daily_rows(n_rows)
    ledger, sums = months_with_cssegment(rows), months_with_pandas(rows)
    matrix = ledger.revenue
    accounts = matrix.index.get_indexer(sums.index.get_level_values(0))
    columns = matrix.columns.get_indexer(sums.index.get_level_values(1).to_timestamp())
    np.testing.assert_allclose(matrix.to_numpy()[accounts, columns], sums.to_numpy(), rtol=1e-9)
    assert np.isclose(matrix.to_numpy().sum(), sums.sum(), rtol=1e-9)
    ours = best_of(lambda: months_with_cssegment(rows), repeats)
    theirs = best_of(lambda: months_with_pandas(rows), repeats)
    print(f"\n{n_rows:,} daily-dated rows (200k accounts, 3 years) into months, best of {repeats}:")
    print(f"  cssegment RevenueLedger(period='date')        {ours * 1e3:8.1f} ms")
    print(f"  pandas dt.to_period('M') + groupby().sum()     {theirs * 1e3:8.1f} ms   {theirs / ours:.1f}x")


# --------------------------------------------------------------------------------------------
# The four implementations. Each returns (movements, retention by segment) as DataFrames with
# the columns compared below.


def with_cssegment(rows: pd.DataFrame, segments: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    ledger = cs.RevenueLedger(rows)
    return ledger.movements(), ledger.retention(HORIZON, by=segments)


def with_pandas(rows: pd.DataFrame, segments: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    table = rows.pivot_table(index="account_id", columns="month", values="mrr", aggfunc="sum", fill_value=0.0)
    periods = pd.period_range(table.columns.min(), table.columns.max(), freq="M")
    table = table.reindex(columns=periods, fill_value=0.0)
    revenue = table.to_numpy()
    paying = revenue > 0
    before, now = revenue[:, :-1], revenue[:, 1:]
    paid_before, paid_now = paying[:, :-1], paying[:, 1:]
    ever = np.logical_or.accumulate(paying, axis=1)
    earlier = np.zeros_like(paid_before)
    earlier[:, 1:] = ever[:, :-2]  # paid before p - 1
    arriving = ~paid_before & paid_now
    both = paid_before & paid_now
    change = now - before
    moves = pd.DataFrame(
        {
            "start": before.sum(axis=0),
            "new": np.where(arriving & ~earlier, now, 0.0).sum(axis=0),
            "reactivation": np.where(arriving & earlier, now, 0.0).sum(axis=0),
            "expansion": np.where(both & (change > 0), change, 0.0).sum(axis=0),
            "contraction": np.where(both & (change < 0), -change, 0.0).sum(axis=0),
            "churn": np.where(paid_before & ~paid_now, before, 0.0).sum(axis=0),
            "end": now.sum(axis=0),
        },
        index=pd.Index(periods[1:], name="period"),
    )
    codes = pd.Categorical(segments.reindex(table.index)).codes.astype(np.int64)
    n_segments = len(segments.cat.categories)
    starts = revenue[:, :-HORIZON]
    ends = revenue[:, HORIZON:]
    cohort = starts > 0
    cell = (np.arange(starts.shape[1]) * n_segments)[None, :] + codes[:, None]
    size = starts.shape[1] * n_segments

    def per_cell(weights: np.ndarray) -> np.ndarray:
        return np.bincount(cell[cohort], weights=weights[cohort], minlength=size)

    start_revenue = per_cell(starts)
    retention = pd.DataFrame(
        {
            "cohort_accounts": per_cell(np.ones_like(starts)),
            "nrr": per_cell(ends) / start_revenue,
            "grr": per_cell(np.minimum(ends, starts)) / start_revenue,
            "logo_retention": per_cell((ends > 0).astype(float)) / per_cell(np.ones_like(starts)),
        },
        index=pd.MultiIndex.from_product([periods[:-HORIZON], segments.cat.categories], names=["period", "segment"]),
    )
    return moves, retention


def polars_frames(rows: pd.DataFrame, segments: pd.Series) -> tuple[Any, Any]:
    """The same data as polars holds it (not timed: a polars user already has these frames)."""
    months = rows["month"].array.asi8
    frame = pl.DataFrame({"account_id": rows["account_id"].to_numpy(), "month": months, "mrr": rows["mrr"].to_numpy()})
    seg = pl.DataFrame(
        {
            "account_id": segments.index.to_numpy(),
            "segment": segments.astype(str).to_numpy(),
            "rank": segments.cat.codes.to_numpy(),  # results list segments in the categories' order
        }
    )
    return frame, seg


def with_polars(frame: Any, seg: Any) -> tuple[Any, Any]:
    r = frame.lazy().group_by("account_id", "month").agg(pl.col("mrr").sum())
    first_month, last_month = pl.col("month").min(), pl.col("month").max()
    bounds = r.select(first_month.alias("lo"), last_month.alias("hi"))
    firsts = r.group_by("account_id").agg(pl.col("month").min().alias("first"))
    previous = r.select("account_id", (pl.col("month") + 1).alias("month"), pl.col("mrr").alias("before"))
    moves = (
        r.join(previous, on=["account_id", "month"], how="full", coalesce=True)
        .join(firsts, on="account_id")
        .join(bounds, how="cross")
        .filter((pl.col("month") > pl.col("lo")) & (pl.col("month") <= pl.col("hi")))
        .with_columns(pl.col("mrr").fill_null(0.0).alias("now"), pl.col("before").fill_null(0.0))
        .group_by("month")
        .agg(
            pl.col("before").sum().alias("start"),
            pl.when((pl.col("before") == 0) & (pl.col("first") == pl.col("month")))
            .then("now")
            .otherwise(0.0)
            .sum()
            .alias("new"),
            pl.when((pl.col("before") == 0) & (pl.col("first") < pl.col("month")))
            .then("now")
            .otherwise(0.0)
            .sum()
            .alias("reactivation"),
            pl.when((pl.col("before") > 0) & (pl.col("now") > pl.col("before")))
            .then(pl.col("now") - pl.col("before"))
            .otherwise(0.0)
            .sum()
            .alias("expansion"),
            pl.when((pl.col("now") > 0) & (pl.col("now") < pl.col("before")))
            .then(pl.col("before") - pl.col("now"))
            .otherwise(0.0)
            .sum()
            .alias("contraction"),
            pl.when(pl.col("now") == 0).then("before").otherwise(0.0).sum().alias("churn"),
            pl.col("now").sum().alias("end"),
        )
        .sort("month")
    )
    later = r.select("account_id", (pl.col("month") - HORIZON).alias("month"), pl.col("mrr").alias("later"))
    retention = (
        r.filter(pl.col("mrr") > 0)
        .join(bounds, how="cross")
        .filter(pl.col("month") <= pl.col("hi") - HORIZON)
        .join(seg.lazy(), on="account_id")
        .join(later, on=["account_id", "month"], how="left")
        .with_columns(pl.col("later").fill_null(0.0))
        .group_by("month", "rank")
        .agg(
            pl.len().alias("cohort_accounts"),
            (pl.col("later").sum() / pl.col("mrr").sum()).alias("nrr"),
            (pl.min_horizontal("later", "mrr").sum() / pl.col("mrr").sum()).alias("grr"),
            (pl.col("later") > 0).mean().alias("logo_retention"),
        )
        .sort("month", "rank")
    )
    return pl.collect_all([moves, retention])


DUCKDB_MOVEMENTS = """
WITH r AS (SELECT account_id, month, SUM(mrr) AS mrr FROM rows GROUP BY ALL),
bounds AS (SELECT MIN(month) AS lo, MAX(month) AS hi FROM r),
firsts AS (SELECT account_id, MIN(month) AS first FROM r GROUP BY ALL),
j AS (
  SELECT COALESCE(c.account_id, p.account_id) AS account_id, COALESCE(c.month, p.month + 1) AS month,
         COALESCE(p.mrr, 0) AS b, COALESCE(c.mrr, 0) AS n
  FROM r c FULL JOIN r p ON c.account_id = p.account_id AND c.month = p.month + 1
)
SELECT j.month,
  SUM(b) AS start,
  SUM(CASE WHEN b = 0 AND f.first = j.month THEN n ELSE 0 END) AS new,
  SUM(CASE WHEN b = 0 AND f.first < j.month THEN n ELSE 0 END) AS reactivation,
  SUM(CASE WHEN b > 0 AND n > b THEN n - b ELSE 0 END) AS expansion,
  SUM(CASE WHEN n > 0 AND n < b THEN b - n ELSE 0 END) AS contraction,
  SUM(CASE WHEN n = 0 THEN b ELSE 0 END) AS churn,
  SUM(n) AS "end"
FROM j JOIN firsts f USING (account_id), bounds
WHERE j.month > bounds.lo AND j.month <= bounds.hi
GROUP BY j.month ORDER BY j.month
"""

DUCKDB_RETENTION = f"""
WITH r AS (SELECT account_id, month, SUM(mrr) AS mrr FROM rows GROUP BY ALL),
bounds AS (SELECT MAX(month) AS hi FROM r)
SELECT s.month, g.rank,
  COUNT(*) AS cohort_accounts,
  SUM(COALESCE(e.mrr, 0)) / SUM(s.mrr) AS nrr,
  SUM(LEAST(COALESCE(e.mrr, 0), s.mrr)) / SUM(s.mrr) AS grr,
  AVG(CASE WHEN e.mrr > 0 THEN 1.0 ELSE 0.0 END) AS logo_retention
FROM r s JOIN segments g USING (account_id) CROSS JOIN bounds
LEFT JOIN r e ON e.account_id = s.account_id AND e.month = s.month + {HORIZON}
WHERE s.mrr > 0 AND s.month <= bounds.hi - {HORIZON}
GROUP BY ALL ORDER BY s.month, g.rank
"""


def with_duckdb(connection: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    return connection.execute(DUCKDB_MOVEMENTS).df(), connection.execute(DUCKDB_RETENTION).df()


# --------------------------------------------------------------------------------------------
# Checks


MOVEMENT_COLUMNS = ["start", "new", "reactivation", "expansion", "contraction", "churn", "end"]
RETENTION_COLUMNS = ["cohort_accounts", "nrr", "grr", "logo_retention"]


def same_movements(name: str, expected: pd.DataFrame, got: pd.DataFrame) -> None:
    np.testing.assert_allclose(
        got[MOVEMENT_COLUMNS].to_numpy(float), expected[MOVEMENT_COLUMNS].to_numpy(), rtol=1e-9, err_msg=name
    )


def same_retention(name: str, expected: pd.DataFrame, got: pd.DataFrame) -> None:
    """Peers list only non-empty (period, segment) cohorts; cssegment lists every pair."""
    present = expected[expected["cohort_accounts"] > 0]
    if len(got) != len(present):
        raise AssertionError(f"{name}: {len(got)} cohorts, cssegment has {len(present)}")
    np.testing.assert_allclose(
        got[RETENTION_COLUMNS].to_numpy(float), present[RETENTION_COLUMNS].to_numpy(float), rtol=1e-9, err_msg=name
    )


# --------------------------------------------------------------------------------------------
# The per-tier bridge with moves between tiers (issue 14): movements(by=) with a tier for every
# account and month, against the same bridge in pandas + numpy.

BRIDGE_COLUMNS = ["start", "moved_in", "moved_out", "new", "reactivation", "expansion", "contraction", "churn", "end"]


def monthly_tiers(rows: pd.DataFrame) -> pd.DataFrame:
    """Each account's touch tier in each month it pays, from that month's MRR (summed over its
    rows), in shuffled order: tiers change as accounts grow and shrink."""
    cells = rows.groupby(["account_id", "month"], as_index=False)["mrr"].sum()
    tier = cs.TierModel.touch().assign(cells.assign(arr=cells["mrr"] * 12))
    tiers = cells[["account_id", "month"]].assign(tier=tier)
    return tiers.sample(frac=1.0, random_state=SEED).reset_index(drop=True)


def bridge_with_cssegment(rows: pd.DataFrame, tiers: pd.DataFrame) -> pd.DataFrame:
    return cs.RevenueLedger(rows).movements(by=tiers)


def bridge_with_pandas(rows: pd.DataFrame, tiers: pd.DataFrame) -> pd.DataFrame:
    """pivot_table to the dense matrix, the tiers scattered into a code matrix, then one
    np.bincount per column over (period, tier) cells."""
    table = rows.pivot_table(index="account_id", columns="month", values="mrr", aggfunc="sum", fill_value=0.0)
    periods = pd.period_range(table.columns.min(), table.columns.max(), freq="M")
    revenue = table.reindex(columns=periods, fill_value=0.0).to_numpy()
    codes = np.full(revenue.shape, -1, dtype=np.int64)
    codes[table.index.get_indexer(tiers["account_id"]), periods.get_indexer(tiers["month"])] = tiers["tier"].cat.codes
    names = tiers["tier"].cat.categories
    before, now = revenue[:, :-1], revenue[:, 1:]
    paid_before, paid_now = before > 0, now > 0
    earlier = np.zeros_like(paid_before)
    earlier[:, 1:] = np.logical_or.accumulate(revenue > 0, axis=1)[:, :-2]  # paid before p - 1
    was = codes[:, :-1]
    segment = np.where(paid_now, codes[:, 1:], was)
    column = np.arange(before.shape[1])[None, :] * len(names)
    size = before.shape[1] * len(names)
    moved = paid_before & paid_now & (segment != was)
    arriving = ~paid_before & paid_now
    both = paid_before & paid_now
    change = now - before

    def per_cell(where: np.ndarray, weights: np.ndarray, tier: np.ndarray) -> np.ndarray:
        return np.bincount((column + tier)[where], weights=weights[where], minlength=size)

    bridge = {
        "start": per_cell(paid_before, before, was),
        "moved_in": per_cell(moved, before, segment),
        "moved_out": per_cell(moved, before, was),
        "new": per_cell(arriving & ~earlier, now, segment),
        "reactivation": per_cell(arriving & earlier, now, segment),
        "expansion": per_cell(both & (change > 0), change, segment),
        "contraction": per_cell(both & (change < 0), -change, segment),
        "churn": per_cell(paid_before & ~paid_now, before, was),
        "end": per_cell(paid_now, now, segment),
    }
    index = pd.MultiIndex.from_product([periods[1:], names], names=["period", "segment"])
    return pd.DataFrame(bridge, index=index)


def bridge_part(rows: pd.DataFrame, repeats: int) -> None:
    tiers = monthly_tiers(rows)
    expected = bridge_with_cssegment(rows, tiers)
    np.testing.assert_allclose(
        bridge_with_pandas(rows, tiers)[BRIDGE_COLUMNS].to_numpy(),
        expected[BRIDGE_COLUMNS].to_numpy(),
        rtol=1e-9,
        err_msg="pandas bridge",
    )
    moved = int(expected["logos_moved_in"].sum())
    ours = best_of(lambda: bridge_with_cssegment(rows, tiers), repeats)
    theirs = best_of(lambda: bridge_with_pandas(rows, tiers), repeats)
    ledger = cs.RevenueLedger(rows)
    step = best_of(lambda: ledger.movements(by=tiers), repeats)
    print(f"\nper-tier revenue bridge with moves, from rows + {len(tiers):,} monthly tiers ({moved:,} tier moves):")
    print(f"  cssegment ledger + movements(by=)  {ours * 1e3:8.1f} ms (movements(by=) alone {step * 1e3:.1f} ms)")
    print(f"  pandas pivot_table + np.bincount   {theirs * 1e3:8.1f} ms {theirs / ours:8.1f}x")


# --------------------------------------------------------------------------------------------
# Peak memory, one fresh process per measurement


def memory_child(n_accounts: int, n_months: int) -> None:
    """Runs in a subprocess: builds the rows, resets the peak RSS, then runs the metrics."""
    rows, segments = make_rows(n_accounts, n_months)
    input_bytes = int(rows.memory_usage(deep=True, index=False).sum())
    gc.collect()
    reset = True
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")  # resets VmHWM, the peak RSS, to the current RSS
    except OSError:
        reset = False
    before = _status_kib("VmRSS")
    start = time.perf_counter()
    ledger = cs.RevenueLedger(rows)
    built = time.perf_counter()
    ledger.movements()
    ledger.retention(HORIZON, by=segments)
    done = time.perf_counter()
    peak = _status_kib("VmHWM") if reset else None
    print(
        json.dumps(
            {
                "rows": len(rows),
                "input_bytes": input_bytes,
                "rss_before": before * 1024,
                "peak_rss": None if peak is None else peak * 1024,
                "ledger_seconds": built - start,
                "total_seconds": done - start,
            }
        )
    )


def _status_kib(field: str) -> int:
    with open("/proc/self/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def measure_memory(n_accounts: int, n_months: int) -> dict[str, Any]:
    env = dict(os.environ)
    result = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(n_accounts), str(n_months)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


# --------------------------------------------------------------------------------------------
# Correctly rounded vs fixed-point sums: the same steps timed by two builds, in fresh processes


def sums_child(n_accounts: int, repeats: int) -> None:
    """Runs in a subprocess under either build: best-of times of each step, and the totals."""
    rows, segments = make_rows(n_accounts, 36)
    ledger = cs.RevenueLedger(rows)
    steps = {
        "ledger": lambda: cs.RevenueLedger(rows),
        "movements": ledger.movements,
        f"retention({HORIZON}, by=)": lambda: ledger.retention(HORIZON, by=segments),
        "cohorts": lambda: ledger.cohorts(normalize=False),
    }
    times = {name: best_of(step, repeats) for name, step in steps.items()}
    totals = ledger.movements()[MOVEMENT_COLUMNS].to_numpy().ravel().tolist()
    print(json.dumps({"version": cs.__version__, "times": times, "totals": totals}))


def sums_versus_fixed_point(n_accounts: int, baseline: str, rounds: int = 3) -> None:
    """Both builds take turns `rounds` times; each step's best time over all runs counts."""
    ours_env = dict(os.environ)
    theirs_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # its own cssegment
    best: dict[str, dict[str, float]] = {"ours": {}, "theirs": {}}
    results: dict[str, dict[str, Any]] = {}
    for _ in range(rounds):
        for who, python, env in (("ours", sys.executable, ours_env), ("theirs", baseline, theirs_env)):
            run = subprocess.run(
                [python, __file__, "--sums-child", str(n_accounts)], capture_output=True, text=True, check=True, env=env
            )
            results[who] = json.loads(run.stdout.strip().splitlines()[-1])
            for step, seconds in results[who]["times"].items():
                best[who][step] = min(best[who].get(step, float("inf")), seconds)
    ours, theirs = np.array(results["ours"]["totals"]), np.array(results["theirs"]["totals"])
    differ = ours != theirs
    print(
        f"\ncorrectly rounded sums (cssegment {results['ours']['version']}) vs fixed-point sums (cssegment "
        f"{results['theirs']['version']}), {n_accounts:,} accounts x 36 months, best of {rounds} processes x 3 runs:"
    )
    print(f"  {'step':24s} {'fixed point':>12s} {'exact':>10s} {'exact / fixed':>14s}")
    for step in best["ours"]:
        a, b = best["theirs"][step], best["ours"][step]
        print(f"  {step:24s} {a * 1e3:9.1f} ms {b * 1e3:7.1f} ms {b / a:13.2f}x")
    job = ["ledger", "movements", f"retention({HORIZON}, by=)"]  # the end-to-end job above
    a, b = (sum(best[who][step] for step in job) for who in ("theirs", "ours"))
    print(f"  {'the job (first three)':24s} {a * 1e3:9.1f} ms {b * 1e3:7.1f} ms {b / a:13.2f}x")
    print(
        f"  movement totals that differ: {differ.sum()} of {differ.size}; largest relative difference "
        f"{np.max(np.abs(ours - theirs) / np.maximum(np.abs(ours), 1e-300)):.1e} (fixed point truncates low)"
    )


# --------------------------------------------------------------------------------------------


def gib(n: float) -> str:
    return f"{n / 2**30:.2f} GiB"


# --- from_subscriptions: subscriptions -> monthly ledger ------------------------------------

SUBSCRIPTION_MONTHS = pd.period_range("2023-01", "2025-12", freq="M")  # 36 months
MONTHS_PER = {"month": 1, "quarter": 3, "year": 12}


def make_subscriptions(n: int) -> pd.DataFrame:
    """`n` subscriptions of n / 3 accounts starting on any day of the 36 months; 40% still open,
    the others 1 to 900 days long; monthly, quarterly, yearly and weekly plans."""
    rng = np.random.default_rng(SEED)
    first = np.datetime64("2023-01-01")
    start = first + rng.integers(0, 1095, n).astype("m8[D]")
    end = start + rng.integers(1, 900, n).astype("m8[D]")
    end[rng.random(n) < 0.4] = np.datetime64("NaT")
    intervals = pd.Categorical.from_codes(rng.integers(0, 4, n), categories=["month", "quarter", "year", "week"])
    return pd.DataFrame(
        {
            "account_id": rng.integers(0, n // 3, n),
            "start": start,
            "end": end,
            "amount": np.round(rng.lognormal(6, 1.2, n), 2),
            "interval": intervals,
        }
    )


def subscriptions_with_cssegment(subscriptions: pd.DataFrame) -> pd.DataFrame:
    return cs.RevenueLedger.from_subscriptions(subscriptions, through=SUBSCRIPTION_MONTHS[-1]).revenue


def subscriptions_with_pandas(subscriptions: pd.DataFrame) -> pd.Series:
    """Expand each subscription to its active months (np.repeat), normalise, group by account and month."""
    first = subscriptions["start"].dt.to_period("M").array.asi8
    before_end = subscriptions["end"] - pd.Timedelta(days=1)  # active on a month's last day < end
    last = (before_end.dt.to_period("M").array.asi8 - 1 + before_end.dt.is_month_end.to_numpy()).astype(np.float64)
    last[subscriptions["end"].isna().to_numpy()] = np.inf
    last = np.minimum(last, SUBSCRIPTION_MONTHS[-1].ordinal).astype(np.int64)
    counts = np.maximum(last - first + 1, 0)
    expanded = subscriptions.loc[subscriptions.index.repeat(counts), ["account_id", "amount", "interval"]]
    offset = np.arange(len(expanded)) - np.repeat(np.cumsum(counts) - counts, counts)
    month = np.repeat(first, counts) + offset
    interval = expanded["interval"].astype(object)
    weekly = (interval == "week").to_numpy()
    months_per = interval.map(MONTHS_PER).fillna(1).to_numpy(dtype=np.float64)
    amount = expanded["amount"].to_numpy()
    mrr = np.where(weekly, amount * 52 / 12, amount / months_per)
    long = pd.DataFrame({"account_id": expanded["account_id"].to_numpy(), "month": month, "mrr": mrr})
    return long.groupby(["account_id", "month"])["mrr"].sum()


DUCKDB_SUBSCRIPTIONS = """
SELECT s.account_id, m.month, SUM(CASE WHEN s.interval = 'week' THEN s.amount * 52 / 12
                                       WHEN s.interval = 'quarter' THEN s.amount / 3
                                       WHEN s.interval = 'year' THEN s.amount / 12
                                       ELSE s.amount END) AS mrr
FROM subscriptions s JOIN months m
  ON s.start <= m.last_day AND (s."end" IS NULL OR m.last_day < s."end")
GROUP BY s.account_id, m.month
"""


def subscriptions_with_duckdb(connection: Any) -> pd.DataFrame:
    return connection.execute(DUCKDB_SUBSCRIPTIONS).df()


def same_cells(name: str, expected: pd.DataFrame, got: pd.Series) -> None:
    """Peers' long (account, month) sums against cssegment's matrix: every nonzero cell, no others."""
    ordinals = expected.columns.asi8
    rows = expected.index.get_indexer(got.index.get_level_values(0))
    columns = np.searchsorted(ordinals, got.index.get_level_values(1).to_numpy())
    matrix = np.zeros(expected.shape)
    matrix[rows, columns] = got.to_numpy()
    np.testing.assert_allclose(matrix, expected.to_numpy(), rtol=1e-12, atol=1e-9, err_msg=name)


def bench_subscriptions(n: int, repeats: int) -> None:
    subscriptions = make_subscriptions(n)
    print(f"\nfrom_subscriptions: {n:,} subscriptions over {len(SUBSCRIPTION_MONTHS)} months")
    expected = subscriptions_with_cssegment(subscriptions)
    same_cells("pandas", expected, subscriptions_with_pandas(subscriptions))
    timings = {"cssegment from_subscriptions": best_of(lambda: subscriptions_with_cssegment(subscriptions), repeats)}
    timings["pandas expand + groupby"] = best_of(lambda: subscriptions_with_pandas(subscriptions), repeats)
    if duckdb is not None:
        connection = duckdb.connect()
        connection.register("subscriptions", subscriptions.assign(interval=subscriptions["interval"].astype(str)))
        last_days = SUBSCRIPTION_MONTHS.end_time.normalize()
        connection.register("months", pd.DataFrame({"month": SUBSCRIPTION_MONTHS.asi8, "last_day": last_days}))
        got = subscriptions_with_duckdb(connection).set_index(["account_id", "month"])["mrr"]
        same_cells("duckdb", expected, got)
        timings["DuckDB SQL (range join)"] = best_of(lambda: subscriptions_with_duckdb(connection), repeats)
    ours = timings["cssegment from_subscriptions"]
    print(f"  {'tool':32s} {'time':>10s} {'peer / cssegment':>17s}")
    for name, seconds in timings.items():
        print(f"  {name:32s} {seconds * 1e3:8.1f} ms {seconds / ours:16.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="20k x 36 and 100k x 60: a smoke check")
    parser.add_argument("--no-memory", action="store_true", help="skip the 1M x 60 peak-memory run")
    parser.add_argument(
        "--fixed-point-python", metavar="PATH", help="an interpreter with cssegment 0.2.0: time its sums against ours"
    )
    parser.add_argument("--memory-child", nargs=2, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sums-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--dates-only", action="store_true", help="only daily-dated rows into months")
    parser.add_argument("--subscriptions", action="store_true", help="only from_subscriptions (1M x 36)")
    args = parser.parse_args()
    if args.memory_child:
        memory_child(*args.memory_child)
        return
    if args.sums_child:
        sums_child(args.sums_child, 3)
        return
    if args.dates_only:
        print(machine_note())
        bench_daily_months(1_000_000 if args.small else 20_000_000, 3)
        return
    if args.subscriptions:
        print(machine_note(**({"duckdb": duckdb.__version__} if duckdb else {})))
        bench_subscriptions(100_000 if args.small else 1_000_000, 3)
        return

    n_accounts, big_accounts = (20_000, 100_000) if args.small else (200_000, 1_000_000)
    repeats = 3
    print(
        machine_note(**({"polars": pl.__version__} if pl else {}), **({"duckdb": duckdb.__version__} if duckdb else {}))
    )
    load = os.getloadavg()[0]
    if load > 0.5 * (os.cpu_count() or 1):
        print(f"warning: 1-minute load average is {load:.2f}; other work is running, times are noisy")

    rows, segments = make_rows(n_accounts, 36)
    duplicates = len(rows) - len(rows.drop_duplicates(["account_id", "month"]))
    print(f"\n{n_accounts:,} accounts x 36 months: {len(rows):,} rows ({duplicates:,} duplicates), shuffled")

    expected_moves, expected_retention = with_cssegment(rows, segments)
    moves, retention = with_pandas(rows, segments)
    same_movements("pandas", expected_moves, moves)
    same_retention("pandas", expected_retention, retention)
    timings = {"cssegment": best_of(lambda: with_cssegment(rows, segments), repeats)}
    timings["pandas pivot_table + numpy"] = best_of(lambda: with_pandas(rows, segments), repeats)
    if pl is not None:
        frame, seg = polars_frames(rows, segments)
        moves_pl, retention_pl = with_polars(frame, seg)
        same_movements("polars", expected_moves, moves_pl.to_pandas())
        same_retention("polars", expected_retention, retention_pl.to_pandas())
        timings["polars (lazy, joins)"] = best_of(lambda: with_polars(frame, seg), repeats)
    if duckdb is not None:
        connection = duckdb.connect()
        connection.register("rows", rows.assign(month=rows["month"].array.asi8))
        connection.register(
            "segments", pd.DataFrame({"account_id": segments.index, "rank": segments.cat.codes.to_numpy()})
        )
        moves_db, retention_db = with_duckdb(connection)
        same_movements("duckdb", expected_moves, moves_db)
        same_retention("duckdb", expected_retention, retention_db)
        timings["DuckDB SQL"] = best_of(lambda: with_duckdb(connection), repeats)

    # Where cssegment's time goes.
    ledger = cs.RevenueLedger(rows)
    steps = {
        "ledger": best_of(lambda: cs.RevenueLedger(rows), repeats),
        "movements": best_of(ledger.movements, repeats),
        f"retention({HORIZON}, by=)": best_of(lambda: ledger.retention(HORIZON, by=segments), repeats),
    }

    ours = timings["cssegment"]
    print(f"\nledger + movements + {HORIZON}-month retention by segment, end to end (best of {repeats}):")
    print(f"  {'tool':32s} {'time':>10s} {'peer / cssegment':>17s}")
    for name, seconds in timings.items():
        print(f"  {name:32s} {seconds * 1e3:8.1f} ms {seconds / ours:16.1f}x")
    print("  cssegment steps: " + ", ".join(f"{k} {v * 1e3:.1f} ms" for k, v in steps.items()))
    bridge_part(rows, repeats)
    if args.fixed_point_python:
        sums_versus_fixed_point(n_accounts, args.fixed_point_python)
    bench_daily_months(1_000_000 if args.small else 20_000_000, repeats)
    bench_subscriptions(100_000 if args.small else 1_000_000, repeats)

    if args.no_memory:
        return
    print(f"\n{big_accounts:,} accounts x 60 months, cssegment alone, fresh process:")
    memory = measure_memory(big_accounts, 60)
    print(
        f"  {memory['rows']:,} rows, input {gib(memory['input_bytes'])}; RSS before {gib(memory['rss_before'])}; "
        f"ledger {memory['ledger_seconds']:.2f} s, ledger + movements + retention {memory['total_seconds']:.2f} s"
    )
    if memory["peak_rss"] is not None:
        peak = memory["peak_rss"]
        print(
            f"  peak RSS {gib(peak)} = {peak / memory['input_bytes']:.2f}x the input "
            f"(peak above the RSS before: {gib(peak - memory['rss_before'])}, "
            f"{(peak - memory['rss_before']) / memory['input_bytes']:.2f}x the input)"
        )
    else:
        print("  peak RSS unavailable (/proc/self/clear_refs not writable)")


if __name__ == "__main__":
    main()
