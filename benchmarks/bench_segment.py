"""Segmentation benchmark: cssegment against the tools an analyst would otherwise use.

Every capability runs cssegment and its peers in one process on the same data; results are
checked equal before anything is timed. Each time is the best of several repeats (at least
five, and at least half a second of calls) after a warm-up. The ratio column is
peer time / cssegment time, so a ratio above 1 means cssegment is faster.

    PYTHONPATH=python python3 benchmarks/bench_segment.py           # full size (10M / 1M rows)
    PYTHONPATH=python python3 benchmarks/bench_segment.py --small   # smoke check (100k rows)
    PYTHONPATH=python python3 benchmarks/bench_segment.py --planner # only the coverage planner

Polars is optional (``pip install cssegment[bench]``); without it the polars rows are skipped.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import cssegment as cs
import numpy as np
import pandas as pd
from cssegment import _frame
from machine import machine_note

try:
    import polars as pl
except ImportError:  # polars lives in the `bench` extra
    pl = None  # type: ignore[assignment]

SEED = 20240601
REGIONS = np.array(["NA", "EMEA", "APAC", "LATAM"])


# --------------------------------------------------------------------------------------------
# Timing and reporting


def best_of(fn: Callable[[], Any], repeats: int, min_seconds: float = 0.5, max_repeats: int = 100) -> float:
    """Best wall time in seconds of ``fn`` after a warm-up call: at least ``repeats`` timed calls,
    and more (up to ``max_repeats``) until ``min_seconds`` were spent, so that fast calls are not
    judged on a handful of samples taken while the allocator and caches settle."""
    fn()
    best = float("inf")
    spent = 0.0
    calls = 0
    while calls < repeats or (spent < min_seconds and calls < max_repeats):
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        best = min(best, elapsed)
        spent += elapsed
        calls += 1
    return best


@dataclass
class Row:
    capability: str
    rows: int
    cssegment: float
    peer: str
    peer_time: float | None  # None: peer skipped

    @property
    def ratio(self) -> float | None:
        return None if self.peer_time is None else self.peer_time / self.cssegment


def ms(seconds: float) -> str:
    millis = seconds * 1e3
    return f"{millis:,.1f} ms" if millis >= 10 else f"{millis:.2f} ms"


def rows_label(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def print_table(rows: Sequence[Row]) -> None:
    header = ("capability", "rows", "cssegment", "peer", "peer time", "peer / cssegment")
    body = [
        (
            r.capability,
            rows_label(r.rows),
            ms(r.cssegment),
            r.peer,
            "skipped" if r.peer_time is None else ms(r.peer_time),
            "-" if r.ratio is None else f"{r.ratio:.2f}x",
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in (header, *body)) for i in range(len(header))]
    right = {1, 2, 4, 5}

    def fmt(line: Sequence[str]) -> str:
        cells = (cell.rjust(w) if i in right else cell.ljust(w) for i, (cell, w) in enumerate(zip(line, widths)))
        return "  ".join(cells)

    print(fmt(header))
    print("  ".join("-" * w for w in widths))
    for line in body:
        print(fmt(line))


def load_warning() -> str | None:
    """A note when other work is running: every time below is then noisy, parallel code most."""
    try:
        load = os.getloadavg()[0]
    except OSError:
        return None
    cores = os.cpu_count() or 1
    if load < 0.5 * cores:
        return None
    return f"warning: 1-minute load average is {load:.2f} on {cores} cores; other work is running, times are noisy"


def same_categorical(name: str, expected: pd.Categorical, actual: pd.Categorical) -> None:
    if list(actual.categories) != list(expected.categories) or not np.array_equal(actual.codes, expected.codes):
        raise AssertionError(f"{name}: result differs from cssegment")


def same_polars(name: str, expected: pd.Categorical, actual: Any) -> None:
    """A polars Enum series equals a Categorical when its categories and physical codes match."""
    categories = list(actual.dtype.categories)
    codes = actual.to_physical().to_numpy()
    if categories != list(expected.categories) or not np.array_equal(codes, expected.codes):
        raise AssertionError(f"{name}: result differs from cssegment")


# --------------------------------------------------------------------------------------------
# 1. Tier assignment


def bench_tiers(n: int, repeats: int) -> tuple[list[Row], list[str]]:
    rng = np.random.default_rng(SEED)
    arr = rng.lognormal(np.log(15_000), 1.3, n)
    model = cs.TierModel.touch()
    thresholds = [float(t) for t in model.get_params()["thresholds"]]
    names = model.categories
    core = model._model  # the C++ model: int8 codes, no pandas

    def with_cssegment() -> pd.Categorical:
        return model.assign(arr)

    def with_pandas_cut() -> pd.Categorical:
        # Tier i holds [t[i-1], t[i]); cssegment rejects negative ARR, so the first edge is 0.
        return pd.cut(arr, bins=[0.0, *thresholds, np.inf], right=False, labels=names, ordered=True)

    def with_searchsorted() -> pd.Categorical:
        codes = np.searchsorted(thresholds, arr, side="right")
        return pd.Categorical.from_codes(codes, categories=names, ordered=True)

    def with_polars() -> Any:
        series = pl.Series(arr)
        if hasattr(series, "bin_intervals"):  # polars >= 2: `cut` is deprecated in its favour
            return series.bin_intervals(thresholds, labels=names)
        return series.cut(thresholds, labels=names, left_closed=True)

    expected = with_cssegment()
    same_categorical("pandas.cut", expected, with_pandas_cut())
    same_categorical("numpy.searchsorted", expected, with_searchsorted())
    if not np.array_equal(core.assign(arr), expected.codes):
        raise AssertionError("core codes differ from the public result")
    if pl is not None:
        same_polars("polars", expected, with_polars())

    ours = best_of(with_cssegment, repeats)
    ours_core = best_of(lambda: core.assign(arr), repeats)
    copy = best_of(lambda: np.copy(arr), repeats)
    capability = "tier assignment"
    rows = [
        Row(capability, n, ours, "pandas.cut", best_of(with_pandas_cut, repeats)),
        Row(capability, n, ours, "numpy.searchsorted + from_codes", best_of(with_searchsorted, repeats)),
        Row(capability, n, ours, "polars bin_intervals/cut", best_of(with_polars, repeats) if pl else None),
        Row(capability, n, ours, "numpy.copy (bandwidth floor)", copy),
        Row("tier assignment, C++ core only", n, ours_core, "numpy.copy (bandwidth floor)", copy),
    ]

    # Where the public call spends its time, step by step.
    values = _frame.numeric(arr, "arr")
    codes = core.assign(values)
    steps = {
        "_frame.numeric": best_of(lambda: _frame.numeric(arr, "arr"), repeats),
        "core assign": ours_core,
        "_frame.categorical": best_of(lambda: _frame.categorical(codes, names), repeats),
    }
    python_layer = steps["_frame.numeric"] + steps["_frame.categorical"]
    notes = [
        (
            f"tier assignment: cssegment / copy floor = {ours / copy:.2f}x; "
            f"C++ core / copy floor = {ours_core / copy:.2f}x; Python layer {ms(python_layer)}"
        ),
        "tier assignment call path: " + ", ".join(f"{k} {ms(v)}" for k, v in steps.items()),
    ]
    return rows, notes


# --------------------------------------------------------------------------------------------
# 2. Rule-based segments


RULES: list[tuple[str, str]] = [
    ("Enterprise", "arr >= 250k"),
    ("Strategic", "arr >= 100k or potential >= 500k"),
    ("Growth", 'employees >= 1000 and region in ("NA", "EMEA")'),
    ("Scale", "arr >= 10k"),
]
DEFAULT = "Self-Service"


def accounts(n: int, region_dtype: str) -> pd.DataFrame:
    rng = np.random.default_rng(SEED + 1)
    arr = rng.lognormal(np.log(15_000), 1.3, n)
    return pd.DataFrame(
        {
            "arr": arr,
            "potential": arr * rng.lognormal(np.log(3.0), 0.8, n),
            "employees": np.rint(rng.lognormal(np.log(200), 1.5, n)).astype(np.int64),
            "region": pd.Series(REGIONS[rng.integers(0, len(REGIONS), n)]).astype(region_dtype),
        }
    )


def analyst_masks(df: pd.DataFrame) -> list[Any]:
    """The conditions of RULES written by hand, first match wins (as numpy.select does)."""
    return [
        df["arr"] >= 250_000,
        (df["arr"] >= 100_000) | (df["potential"] >= 500_000),
        (df["employees"] >= 1_000) & df["region"].isin(["NA", "EMEA"]),
        df["arr"] >= 10_000,
    ]


def to_polars(df: pd.DataFrame) -> Any:
    """The same accounts as a polars frame: numeric columns shared, region as Enum or String."""
    region = df["region"]
    dtype = pl.Enum(list(region.cat.categories)) if isinstance(region.dtype, pd.CategoricalDtype) else pl.String
    region_series = pl.Series("region", np.asarray(region, dtype=object), dtype=dtype)
    numeric = {name: df[name].to_numpy() for name in ("arr", "potential", "employees")}
    return pl.DataFrame(numeric).with_columns(region_series)


def polars_rules() -> Any:
    col = pl.col
    return (
        pl.when(col("arr") >= 250_000)
        .then(pl.lit("Enterprise"))
        .when((col("arr") >= 100_000) | (col("potential") >= 500_000))
        .then(pl.lit("Strategic"))
        .when((col("employees") >= 1_000) & col("region").is_in(["NA", "EMEA"]))
        .then(pl.lit("Growth"))
        .when(col("arr") >= 10_000)
        .then(pl.lit("Scale"))
        .otherwise(pl.lit(DEFAULT))
    )


def rules_call_path(model: cs.RuleModel, df: pd.DataFrame, repeats: int) -> dict[str, float]:
    """Time each step of ``RuleModel.assign`` on its own: column conversions, core, Categorical."""
    core = model._model
    steps: dict[str, float] = {}
    columns: list[tuple[str, np.ndarray, list[str] | None]] = []
    for name in core.columns:
        raw = df[name]
        argument = f"data[{name!r}]"
        if isinstance(raw.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(raw.dtype):
            codes, labels = _frame.labels(raw, argument)
            steps[f"_frame.labels({name})"] = best_of(lambda: _frame.labels(raw, argument), repeats)
            columns.append((name, codes, labels))
        else:
            columns.append((name, _frame.numeric(raw, argument), None))
            steps[f"_frame.numeric({name})"] = best_of(lambda: _frame.numeric(raw, argument), repeats)
    codes = core.assign(columns, len(df))
    steps["core assign"] = best_of(lambda: core.assign(columns, len(df)), repeats)
    steps["_frame.categorical"] = best_of(lambda: _frame.categorical(codes, model.categories), repeats)
    return steps


def bench_rules(n: int, repeats: int) -> tuple[list[Row], list[str]]:
    model = cs.RuleModel([cs.Segment(name, when) for name, when in RULES], default=DEFAULT)
    order = model.categories  # default first, then the rules from last to first
    names = [name for name, _ in RULES]
    rows: list[Row] = []
    notes: list[str] = []
    for region_dtype in ("category", "str"):
        df = accounts(n, region_dtype)
        capability = f"rules, 5 segments (region: {region_dtype})"

        def with_cssegment() -> pd.Categorical:
            return model.assign(df)

        def with_select() -> np.ndarray:
            return np.select(analyst_masks(df), names, default=DEFAULT)

        def with_select_categorical() -> pd.Categorical:
            return pd.Categorical(with_select(), categories=order, ordered=True)

        def with_select_codes() -> pd.Categorical:
            codes = [order.index(name) for name in names]
            return pd.Categorical.from_codes(
                np.select(analyst_masks(df), codes, default=order.index(DEFAULT)), categories=order, ordered=True
            )

        expected = with_cssegment()
        same_categorical("numpy.select", expected, with_select_categorical())
        same_categorical("numpy.select codes", expected, with_select_codes())
        if not np.array_equal(with_select(), np.asarray(expected, dtype=object).astype(str)):
            raise AssertionError("numpy.select labels differ from cssegment")

        ours = best_of(with_cssegment, repeats)
        steps = rules_call_path(model, df, repeats)
        notes.append(f"{capability} call path: " + ", ".join(f"{k} {ms(v)}" for k, v in steps.items()))
        rows += [
            Row(capability, n, ours, "numpy.select + Categorical", best_of(with_select_categorical, repeats)),
            Row(capability, n, ours, "numpy.select alone (str array)", best_of(with_select, repeats)),
            Row(capability, n, ours, "numpy.select int codes + from_codes", best_of(with_select_codes, repeats)),
        ]
        if pl is None:
            rows.append(Row(capability, n, ours, "polars when/then", None))
            continue
        frame = to_polars(df)  # a polars user already holds a polars frame: not timed
        expression = polars_rules().cast(pl.Enum(order)).alias("segment")

        def with_polars() -> Any:
            return frame.select(expression).to_series()

        same_polars("polars when/then", expected, with_polars())
        rows.append(Row(capability, n, ours, "polars when/then -> Enum", best_of(with_polars, repeats)))
    return rows, notes


# --------------------------------------------------------------------------------------------
# 3. Hysteresis, quadrants, transitions and coverage


def moved_book(n: int) -> tuple[np.ndarray, np.ndarray]:
    """ARR now and three months earlier: most accounts drift a few percent, some a lot."""
    rng = np.random.default_rng(SEED + 2)
    before = rng.lognormal(np.log(15_000), 1.3, n)
    return before, before * rng.lognormal(0.0, 0.15, n)


def bench_hysteresis(n: int, repeats: int) -> list[Row]:
    model = cs.TierModel.touch(hysteresis=0.1)
    names = model.categories
    bounds = np.array([0.0, 10_000.0, 50_000.0, np.inf])
    before_arr, arr = moved_book(n)
    previous = cs.TierModel.touch().assign(before_arr)

    def with_cssegment() -> pd.Categorical:
        return model.assign(arr, previous=previous)

    def with_numpy() -> pd.Categorical:
        # Keep the previous tier while ARR stays inside its range widened by 10%.
        plain = np.searchsorted(bounds[1:-1], arr, side="right")
        codes = previous.codes
        keep = (arr >= bounds[codes] * 0.9) & (arr < bounds[codes + 1] * 1.1)
        return pd.Categorical.from_codes(np.where(keep, codes, plain), categories=names, ordered=True)

    same_categorical("numpy hysteresis", with_cssegment(), with_numpy())
    ours = best_of(with_cssegment, repeats)
    return [
        Row("tier assignment, 10% hysteresis", n, ours, "numpy searchsorted + np.where", best_of(with_numpy, repeats))
    ]


def bench_quadrants(n: int, repeats: int) -> list[Row]:
    rng = np.random.default_rng(SEED + 3)
    frame = pd.DataFrame(
        {"employees": np.rint(rng.lognormal(np.log(200), 1.5, n)), "arr": rng.lognormal(np.log(15_000), 1.3, n)}
    )
    model = cs.QuadrantModel()
    names = model.categories

    def with_cssegment() -> pd.Categorical:
        return model.assign(frame)

    def with_numpy() -> pd.Categorical:
        large_client = (frame["employees"].to_numpy() >= 1_000).astype(np.int8)
        large_contract = (frame["arr"].to_numpy() >= 50_000).astype(np.int8)
        return pd.Categorical.from_codes(large_client + 2 * large_contract, categories=names, ordered=True)

    same_categorical("numpy quadrants", with_cssegment(), with_numpy())
    ours = best_of(with_cssegment, repeats)
    return [Row("quadrant assignment", n, ours, "numpy comparisons + from_codes", best_of(with_numpy, repeats))]


def bench_reports(n: int, repeats: int) -> list[Row]:
    model = cs.TierModel.touch()
    before_arr, arr = moved_book(n)
    before, after = model.assign(before_arr), model.assign(arr)
    names = model.categories

    def transitions_with_pandas() -> pd.DataFrame:
        return pd.crosstab(pd.Series(before, name="from"), pd.Series(after, name="to"), dropna=False)

    table = cs.transitions(before, after)
    if not np.array_equal(table.loc[names, names].to_numpy(), transitions_with_pandas().to_numpy()):
        raise AssertionError("transitions differ from pandas.crosstab")

    ratios = pd.Series(model.csm_ratios)

    def coverage_with_pandas() -> pd.DataFrame:
        grouped = pd.DataFrame({"segment": after, "arr": arr}).groupby("segment", observed=False)["arr"]
        plan = grouped.agg(accounts="size", arr="sum")
        plan["csms_needed"] = plan["accounts"] / ratios
        plan["resource_share"] = plan["csms_needed"] / plan["csms_needed"].sum()
        plan["cost_to_serve_per_account"] = 150_000 / ratios
        plan["arr_per_csm"] = plan["arr"] / plan["csms_needed"]
        return plan

    ours_plan, their_plan = cs.coverage(after, model, arr=arr, csm_cost=150_000), coverage_with_pandas()
    if not np.allclose(ours_plan["csms_needed"], their_plan["csms_needed"]) or not np.allclose(
        ours_plan["arr"], their_plan["arr"], rtol=1e-9
    ):
        raise AssertionError("coverage differs from the pandas groupby")
    return [
        Row(
            "transitions (from x to)",
            n,
            best_of(lambda: cs.transitions(before, after), repeats),
            "pandas.crosstab",
            best_of(transitions_with_pandas, repeats),
        ),
        Row(
            "coverage plan",
            n,
            best_of(lambda: cs.coverage(after, model, arr=arr, csm_cost=150_000), repeats),
            "pandas groupby + arithmetic",
            best_of(coverage_with_pandas, repeats),
        ),
    ]


# --------------------------------------------------------------------------------------------


def print_header(title: str, **peers: str) -> None:
    """The run's title, the machine and its peers' versions, and a warning if the machine is busy."""
    print(title)
    print(f"machine: {machine_note(**peers)}")
    warning = load_warning()
    if warning:
        print(warning)


def print_report(rows: Sequence[Row], notes: Sequence[str], started: float) -> None:
    """The table, the notes under it, and the whole run's time since `started`."""
    print_table(rows)
    print()
    for note in notes:
        print(note)
    print(f"total benchmark time: {time.perf_counter() - started:.1f} s")


def interleaved_best(calls: dict[str, Callable[[], Any]], repeats: int) -> dict[str, float]:
    """Best wall time of each call, timed in turn (one call of each per round, ``repeats`` rounds
    after a warm-up round): on a shared machine a burst of load then hits every input alike."""
    best = dict.fromkeys(calls, float("inf"))
    for round_ in range(repeats + 1):
        for name, call in calls.items():
            start = time.perf_counter()
            call()
            if round_:
                best[name] = min(best[name], time.perf_counter() - start)
    return best


def bench_frame_inputs(n: int, repeats: int) -> list[Row]:
    """Tier assignment read from a polars / Arrow frame against the same call on the pandas frame
    (issue 15: ratio >= 0.9). The frames hold four columns; every one is converted on each call
    (the numbers without a copy, the region Enum as a categorical)."""
    if pl is None:
        return [Row("tiers from a polars frame", n, float("nan"), "same call, pandas frame", None)]
    import pyarrow as pa

    df = accounts(n, "category")
    frames = {"polars": to_polars(df), "Arrow": pa.Table.from_pandas(df, preserve_index=False)}
    model = cs.TierModel.touch()
    expected = model.assign(df)
    for name, frame in frames.items():
        same_categorical(f"tiers from {name}", expected, model.assign(frame))
    calls = {name: lambda frame=frame: model.assign(frame) for name, frame in {"pandas": df, **frames}.items()}
    best = interleaved_best(calls, 4 * repeats)
    return [
        Row(f"tiers from a {name} frame (4 columns)", n, best[name], "same call, pandas frame", best["pandas"])
        for name in frames
    ]


# --------------------------------------------------------------------------------------------
# Coverage planner: every threshold combination priced and valued


PLAN_FACTORS = {"Tech touch": 1.0, "Low touch": 0.85, "High touch": 0.7}


def planner_book(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    return pd.DataFrame({"arr": rng.lognormal(9.5, 1.2, n), "churn": rng.uniform(0.02, 0.4, n)})


def planner_grid(df: pd.DataFrame, steps: int) -> dict[str, list[float]]:
    """``steps`` candidates per boundary: Low touch at ARR quantiles 5-50%, High touch at 55-99%."""
    low, high = np.linspace(0.05, 0.5, steps), np.linspace(0.55, 0.99, steps)
    return {"Low touch": list(df["arr"].quantile(low)), "High touch": list(df["arr"].quantile(high))}


def plan_with_pandas(df: pd.DataFrame, grid: dict[str, list[float]], csm_cost: float) -> pd.DataFrame:
    """The straightforward loop: per combination, assign tiers, group, sum."""
    ratios = pd.Series({"Tech touch": 1000.0, "Low touch": 100.0, "High touch": 15.0})
    factors = pd.Series(PLAN_FACTORS)
    names = list(ratios.index)
    rows = []
    for low in grid["Low touch"]:
        for high in grid["High touch"]:
            if not low < high:
                continue
            tier = pd.cut(df["arr"], [-np.inf, low, high, np.inf], right=False, labels=names)
            grouped = df.assign(tier=tier, risk=df["arr"] * df["churn"]).groupby("tier", observed=False)
            sums = grouped.agg(accounts=("arr", "size"), risk=("risk", "sum"))
            csms = (sums["accounts"] / ratios).sum()
            churned = (sums["risk"] * factors).sum()
            rows.append((low, high, csms, csms * csm_cost, df["arr"].sum() - churned))
    return pd.DataFrame(rows, columns=["low", "high", "csms_needed", "cost", "expected_retained_arr"])


def bench_planner(repeats: int, small: bool) -> tuple[list[Row], list[str]]:
    model = cs.TierModel.touch()
    rows, notes = [], []
    df = planner_book(100_000)
    grid = planner_grid(df, 20)

    def ours() -> cs.CoveragePlan:
        return cs.plan_coverage(df, model, "churn", effect=PLAN_FACTORS, thresholds=grid, csm_cost=150_000)

    theirs = plan_with_pandas(df, grid, 150_000)
    table = ours().table
    table = table[
        table["threshold[Low touch]"].isin(grid["Low touch"]) & table["threshold[High touch]"].isin(grid["High touch"])
    ]
    if not (
        len(table) == len(theirs) == 400
        and np.allclose(table["csms_needed"], theirs["csms_needed"], rtol=1e-12)
        and np.allclose(table["expected_retained_arr"], theirs["expected_retained_arr"], rtol=1e-9)
    ):
        raise AssertionError("the coverage planner differs from the pandas loop")
    rows.append(
        Row(
            "coverage planner, 20 x 20 thresholds",
            len(df),
            best_of(ours, repeats),
            "pandas loop: cut, groupby, sum",
            best_of(lambda: plan_with_pandas(df, grid, 150_000), 1, min_seconds=0.0),
        )
    )
    n, steps = (100_000, 50) if small else (1_000_000, 200)
    big = planner_book(n)
    big_grid = planner_grid(big, steps)
    plan = cs.plan_coverage(big, model, "churn", effect=PLAN_FACTORS, thresholds=big_grid, csm_cost=150_000)
    seconds = best_of(
        lambda: cs.plan_coverage(big, model, "churn", effect=PLAN_FACTORS, thresholds=big_grid, csm_cost=150_000),
        repeats,
    )
    big_arr = big["arr"].to_numpy()
    rows.append(
        Row(
            f"coverage planner, {steps} x {steps} thresholds",
            n,
            seconds,
            "numpy.sort of the ARR column (the floor)",
            best_of(lambda: np.sort(big_arr), repeats),
        )
    )
    notes.append(
        f"coverage planner: {len(plan.table):,} combinations on {rows_label(n)} accounts in {ms(seconds)} "
        "(sort once, then prefix sums: O(1) per combination); the pandas loop would take "
        f"about {len(plan.table) / 400:,.0f} x its 20 x 20 time"
    )
    return rows, notes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="quick smoke run on 100k rows")
    parser.add_argument("--repeats", type=int, default=5, help="minimum timed repeats per measurement (best is kept)")
    parser.add_argument("--planner", action="store_true", help="only the coverage planner")
    args = parser.parse_args(argv)
    tier_rows, rule_rows = (100_000, 100_000) if args.small else (10_000_000, 1_000_000)

    size = "small" if args.small else "full"
    polars_version = "not installed" if pl is None else pl.__version__
    print_header(
        f"cssegment segmentation benchmark ({size} run, best of >= {args.repeats} repeats / 0.5 s)",
        polars=polars_version,
    )
    if pl is None:
        print("polars is not installed: the polars rows are skipped (pip install 'cssegment[bench]')")
    print()

    started = time.perf_counter()
    if args.planner:
        print_report(*bench_planner(args.repeats, args.small), started)
        return 0
    rows, notes = bench_tiers(tier_rows, args.repeats)
    rule_table, rule_notes = bench_rules(rule_rows, args.repeats)
    rows += rule_table + bench_hysteresis(tier_rows, args.repeats) + bench_quadrants(tier_rows, args.repeats)
    rows += bench_reports(tier_rows, args.repeats) + bench_frame_inputs(tier_rows, args.repeats)
    planner_rows, planner_notes = bench_planner(args.repeats, args.small)
    print_report(rows + planner_rows, notes + rule_notes + planner_notes, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
