"""Health benchmark: scoring, calibration and AUC against what an analyst would otherwise use.

Each capability runs cssegment and its peer in one process on the same data; results are checked
equal (or, for calibration, the coefficient differences are printed) before anything is timed.
Times are the best of several repeats after a warm-up; the ratio is peer time / cssegment time.

    PYTHONPATH=python python3 benchmarks/bench_health.py           # 10M x 8 scoring, 1M x 8 calibration, 10M AUC
    PYTHONPATH=python python3 benchmarks/bench_health.py --small   # smoke check (200k / 100k rows)
    PYTHONPATH=python python3 benchmarks/bench_health.py --history # score history, 1M accounts x 24 months
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

import cssegment as cs
import numpy as np
import pandas as pd
import sklearn
from bench_segment import Row, best_of, interleaved_best, print_header, print_report
from cssegment import _core
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

SEED = 20261123
BANDS = {"red": 0.0, "yellow": 50.0, "green": 75.0}


def signals(n: int) -> pd.DataFrame:
    """Eight health signals of the shapes a CS platform holds, with missing values."""
    rng = np.random.default_rng(SEED)
    risk = rng.normal(0.0, 1.0, n)  # a latent health that drives every signal and churn
    nps = np.clip(np.rint(8 - 1.5 * risk + rng.normal(0, 1.5, n)), 0, 10)
    nps[rng.uniform(size=n) < 0.3] = np.nan  # many accounts never answer the survey
    frame = pd.DataFrame(
        {
            "nps": nps,
            "logins_per_user": rng.lognormal(np.log(10) - 0.3 * risk, 0.5),
            "seats_used_pct": np.clip(65 - 12 * risk + rng.normal(0, 10, n), 0, 100),
            "tickets_90d": rng.poisson(np.exp(0.7 + 0.3 * risk)).astype(np.float64),
            "exec_sponsor": (rng.uniform(size=n) < 0.4 - 0.1 * np.tanh(risk)).astype(np.float64),
            "feature_adoption": np.clip(0.5 - 0.1 * risk + rng.normal(0, 0.15, n), 0, 1),
            "days_since_qbr": rng.exponential(90 * np.exp(0.2 * risk)),
            "renewal_days": rng.integers(0, 365, n).astype(np.float64),
        }
    )
    frame.loc[rng.uniform(size=n) < 0.05, "days_since_qbr"] = np.nan
    frame["churned"] = rng.uniform(size=n) < 1 / (1 + np.exp(-(-1.2 + 1.1 * risk)))
    return frame


MEASURES = [
    cs.Measure("nps", cs.Bands([7, 9], [0, 50, 100]), weight=1),
    cs.Measure("logins_per_user", cs.Linear(0, 20), weight=2),
    cs.Measure("seats_used_pct", cs.Linear(20, 90), weight=2),
    cs.Measure("tickets_90d", cs.Linear(10, 0), weight=1),
    cs.Measure("exec_sponsor", cs.Boolean(), weight=1),
    cs.Measure("feature_adoption", cs.Linear(0.1, 0.8), weight=1.5),
    cs.Measure("days_since_qbr", cs.Linear(365, 30), weight=0.5),
    cs.Measure("renewal_days", cs.Linear(0, 180), weight=0.5),
]


def analyst_score(df: pd.DataFrame) -> pd.DataFrame:
    """The vectorised numpy/pandas scorecard an analyst writes: one normalised array per measure,
    weighted mean over the measures present, contributions, and bands with pd.cut."""

    def linear(column: str, bad: float, good: float) -> np.ndarray:
        return np.clip((df[column].to_numpy() - bad) / (good - bad) * 100.0, 0.0, 100.0)

    nps = df["nps"].to_numpy()
    normalised = {
        "nps": np.where(np.isnan(nps), np.nan, np.select([nps >= 9, nps >= 7], [100.0, 50.0], 0.0)),
        "logins_per_user": linear("logins_per_user", 0, 20),
        "seats_used_pct": linear("seats_used_pct", 20, 90),
        "tickets_90d": linear("tickets_90d", 10, 0),
        "exec_sponsor": df["exec_sponsor"].to_numpy() * 100.0,
        "feature_adoption": linear("feature_adoption", 0.1, 0.8),
        "days_since_qbr": linear("days_since_qbr", 365, 30),
        "renewal_days": linear("renewal_days", 0, 180),
    }
    weights = {m.column: m.weight for m in MEASURES}
    numerator = np.zeros(len(df))
    denominator = np.zeros(len(df))
    for column, values in normalised.items():
        present = ~np.isnan(values)
        numerator += np.where(present, values * weights[column], 0.0)
        denominator += present * weights[column]
    score = numerator / denominator
    result = {
        "score": score,
        "band": pd.cut(score, [0, 50, 75, np.inf], right=False, labels=list(BANDS), ordered=True),
    }
    for column, values in normalised.items():
        result[f"contrib_{column}"] = np.nan_to_num(values) * weights[column] / denominator
    return pd.DataFrame(result, index=df.index)


def bench_scoring(n: int, repeats: int) -> list[Row]:
    df = signals(n)
    card = cs.Scorecard(MEASURES, bands=BANDS)
    ours, theirs = card.score(df), analyst_score(df)
    np.testing.assert_allclose(ours["score"], theirs["score"], rtol=1e-12)
    if not np.array_equal(ours["band"].cat.codes, theirs["band"].cat.codes):
        raise AssertionError("bands differ from pandas.cut")
    for m in MEASURES:
        np.testing.assert_allclose(ours[f"contrib_{m.column}"], theirs[f"contrib_{m.column}"], rtol=1e-12, atol=1e-12)
    capability = f"scoring, {len(MEASURES)} measures (score, band, contributions)"
    return [
        Row(
            capability,
            n,
            best_of(lambda: card.score(df), repeats),
            "numpy/pandas vectorised",
            best_of(lambda: analyst_score(df), repeats),
        ),
    ]


def bench_frame_inputs(n: int, repeats: int) -> list[Row]:
    """Scoring read from a polars / Arrow frame against the same call on the pandas frame (issue 15:
    ratio >= 0.9). Two measures have missing values: as Arrow nulls, the core reads their values
    and validity bitmaps in place; kept as NaN (no nulls), every column is read without a copy."""
    import polars as pl
    import pyarrow as pa

    df = signals(n)
    card = cs.Scorecard(MEASURES, bands=BANDS)
    expected = card.score(df)
    frames = {
        "polars": pl.from_pandas(df),  # missing values: nulls (read through the validity bitmap)
        "Arrow": pa.Table.from_pandas(df),
        "polars (NaN, no nulls)": pl.from_pandas(df, nan_to_null=False),  # every column read in place
        "Arrow (NaN, no nulls)": pa.table({name: pa.array(df[name].to_numpy()) for name in df.columns}),
    }
    for frame in frames.values():
        pd.testing.assert_frame_equal(card.score(frame), expected)
    calls = {name: lambda frame=frame: card.score(frame) for name, frame in {"pandas": df, **frames}.items()}
    best = interleaved_best(calls, 3 * repeats)
    return [
        Row(f"scoring from a {name} frame", n, best[name], "same call, pandas frame", best["pandas"]) for name in frames
    ]


def bench_calibration(n: int, repeats: int) -> tuple[list[Row], list[str]]:
    df = signals(n)
    card = cs.Scorecard(MEASURES, bands=BANDS)
    y = df["churned"].to_numpy()
    x = card.transform(df) / 100
    features = x.fillna(x.mean()).to_numpy()  # what calibrate does inside: mean imputation
    model = card.calibrate(df, "churned", l2=1.0)
    ours_coef = model.coef_.to_numpy()
    rows: list[Row] = []
    notes = [f"calibration: {model.n_iter_} Newton iterations; coefficients {np.round(ours_coef, 3).tolist()}"]
    ours = best_of(lambda: card.calibrate(df, "churned", l2=1.0), repeats)
    core_features = np.ascontiguousarray(features.T)
    core = best_of(lambda: _core.health.fit_logistic(core_features, y.astype(np.float64), 1.0), repeats)
    for solver in ("lbfgs", "newton-cholesky"):
        peer = LogisticRegression(C=1.0, solver=solver)
        peer.fit(features, y)
        gap = float(np.max(np.abs(peer.coef_[0] - ours_coef)))
        notes.append(f"calibration: scikit-learn {solver} (default tol) max |coef difference| = {gap:.2e}")
        peer_time = best_of(lambda s=solver: LogisticRegression(C=1.0, solver=s).fit(features, y), repeats)
        rows.append(
            Row(
                "calibration, Scorecard.calibrate (transform + fit)",
                n,
                ours,
                f"LogisticRegression({solver})",
                peer_time,
            )
        )
        rows.append(Row("calibration, C++ Newton fit alone", n, core, f"LogisticRegression({solver})", peer_time))
    tight = LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(features, y)
    notes.append(
        "calibration: scikit-learn newton-cholesky tol=1e-12 max |coef difference| = "
        f"{float(np.max(np.abs(tight.coef_[0] - ours_coef))):.2e}"
    )
    return rows, notes


def bench_auc(n: int, repeats: int) -> list[Row]:
    rng = np.random.default_rng(SEED + 1)
    health = rng.uniform(0, 100, n)
    churned = rng.uniform(0, 100, n) > health + rng.normal(0, 30, n)
    grid = np.round(health)  # scores on a 0-100 grid: many ties
    rows = []
    for label, scores in (("continuous", health), ("0-100 grid, ties", grid)):
        ours = cs.health.health_auc(scores, churned)
        theirs = roc_auc_score(churned, -scores)
        if abs(ours - theirs) > 1e-12:
            raise AssertionError(f"AUC {ours} differs from roc_auc_score {theirs}")
        rows.append(
            Row(
                f"exact AUC ({label})",
                n,
                best_of(lambda s=scores: cs.health.health_auc(s, churned), repeats),
                "sklearn roc_auc_score",
                best_of(lambda s=scores: roc_auc_score(churned, -s), repeats),
            )
        )
    # scikit-learn's order and meaning on the same accounts: a churn probability, higher = riskier.
    probability = 1.0 - health / 100.0
    ours = cs.health.auc(churned, probability)
    theirs = roc_auc_score(churned, probability)
    if abs(ours - theirs) > 1e-12:
        raise AssertionError(f"AUC {ours} differs from roc_auc_score {theirs}")
    rows.append(
        Row(
            "exact AUC, auc(y_true, y_score) (probability)",
            n,
            best_of(lambda: cs.health.auc(churned, probability), repeats),
            "sklearn roc_auc_score",
            best_of(lambda: roc_auc_score(churned, probability), repeats),
        )
    )
    return rows


# ---- Score history (issue 19): one pass over accounts x periods, peer-group measures per period

HISTORY_MEASURES = [
    cs.Measure("logins", cs.Percentile(by="segment"), weight=2),
    cs.Measure("seats_used", cs.Percentile(), weight=2),
    cs.Measure("nps", cs.ZScore(), weight=1),
    cs.Measure("tickets", cs.Linear(10, 0), weight=1),
    cs.Measure("exec_sponsor", cs.Boolean(), weight=1),
    cs.Measure("feature_adoption", cs.Linear(0.1, 0.8), weight=1.5),
    cs.Measure("days_since_qbr", cs.Linear(365, 30), weight=0.5),
    cs.Measure("csat", cs.Bands([3, 4], [0, 50, 100]), weight=0.5),
]


def usage_history(accounts: int, periods: int) -> pd.DataFrame:
    """A monthly history, one row per account and month, of eight measures with missing values."""
    rng = np.random.default_rng(SEED + 2)
    n = accounts * periods
    frame = pd.DataFrame(
        {
            "account_id": np.repeat(np.arange(accounts, dtype=np.int64), periods),
            "month": np.tile(np.arange(periods, dtype=np.int64), accounts),
            "segment": pd.Categorical.from_codes(
                np.repeat(rng.integers(0, 3, accounts), periods), ["SMB", "Mid", "Ent"]
            ),
            "logins": rng.poisson(12, n).astype(np.float64),
            "seats_used": rng.integers(0, 200, n).astype(np.float64),
            "nps": np.where(rng.uniform(size=n) < 0.6, np.nan, rng.integers(0, 11, n)).astype(np.float64),
            "tickets": rng.poisson(2, n).astype(np.float64),
            "exec_sponsor": (rng.uniform(size=n) < 0.4).astype(np.float64),
            "feature_adoption": rng.uniform(0, 1, n),
            "days_since_qbr": rng.exponential(90, n),
            "csat": rng.integers(1, 6, n).astype(np.float64),
        }
    )
    frame.loc[rng.uniform(size=n) < 0.05, "logins"] = np.nan
    return frame


def pandas_history(df: pd.DataFrame) -> pd.DataFrame:
    """The pandas an analyst writes: per-month peer-group percentiles and z-scores by groupby-
    transform (mid-rank percentiles from average ranks), the fixed rules vectorised, the weighted
    mean over the measures present, contributions and bands."""
    from scipy.special import ndtr

    def percentile(column: str, keys: list[str]) -> np.ndarray:
        grouped = df.groupby(keys, observed=True)[column]
        rank, count = grouped.rank(method="average"), grouped.transform("count")
        return ((rank - 0.5) / count * 100.0).to_numpy()

    def linear(column: str, bad: float, good: float) -> np.ndarray:
        return np.clip((df[column].to_numpy() - bad) / (good - bad) * 100.0, 0.0, 100.0)

    grouped = df.groupby("month")["nps"]
    mean, sd = grouped.transform("mean").to_numpy(), grouped.transform("std", ddof=0).to_numpy()
    nps = df["nps"].to_numpy()
    csat = df["csat"].to_numpy()
    normalised = {
        "logins": percentile("logins", ["month", "segment"]),
        "seats_used": percentile("seats_used", ["month"]),
        "nps": np.where(
            sd > 0, 100.0 * ndtr((nps - mean) / np.where(sd > 0, sd, 1.0)), np.where(np.isnan(nps), np.nan, 50.0)
        ),
        "tickets": linear("tickets", 10, 0),
        "exec_sponsor": df["exec_sponsor"].to_numpy() * 100.0,
        "feature_adoption": linear("feature_adoption", 0.1, 0.8),
        "days_since_qbr": linear("days_since_qbr", 365, 30),
        "csat": np.where(np.isnan(csat), np.nan, np.select([csat >= 4, csat >= 3], [100.0, 50.0], 0.0)),
    }
    weights = {m.column: m.weight for m in HISTORY_MEASURES}
    numerator, denominator = np.zeros(len(df)), np.zeros(len(df))
    for column, values in normalised.items():
        present = ~np.isnan(values)
        numerator += np.where(present, values * weights[column], 0.0)
        denominator += present * weights[column]
    score = numerator / denominator
    result = {"score": score, "band": pd.cut(score, [0, 50, 75, np.inf], right=False, labels=list(BANDS))}
    for column, values in normalised.items():
        result[f"contrib_{column}"] = np.nan_to_num(values) * weights[column] / denominator
    return pd.DataFrame(result, index=pd.MultiIndex.from_arrays([df["account_id"], df["month"]]))


def bench_history(accounts: int, periods: int, repeats: int) -> list[Row]:
    df = usage_history(accounts, periods)
    card = cs.Scorecard(HISTORY_MEASURES, bands=BANDS)
    ours, theirs = card.score_history(df), pandas_history(df)
    np.testing.assert_allclose(ours["score"], theirs["score"], rtol=1e-9, atol=1e-9)
    if not np.array_equal(ours["band"].cat.codes, theirs["band"].cat.codes):
        raise AssertionError("history bands differ from pandas")
    capability = f"score history, {accounts:,} accounts x {periods} months, {len(HISTORY_MEASURES)} measures"
    return [
        Row(
            capability,
            len(df),
            best_of(lambda: card.score_history(df), repeats),
            "pandas groupby-transform + vectorised",
            best_of(lambda: pandas_history(df), repeats),
        )
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="quick smoke run (200k / 100k rows)")
    parser.add_argument("--history", action="store_true", help="only the score history (1M accounts x 24 months)")
    parser.add_argument("--repeats", type=int, default=3, help="minimum timed repeats per measurement (best is kept)")
    args = parser.parse_args(argv)
    scoring_rows, calibration_rows, auc_rows = (
        (200_000, 100_000, 200_000) if args.small else (10_000_000, 1_000_000, 10_000_000)
    )

    size = "small" if args.small else "full"
    print_header(
        f"cssegment health benchmark ({size} run, best of >= {args.repeats} repeats / 0.5 s)",
        **{"scikit-learn": sklearn.__version__},
    )
    print()
    started = time.perf_counter()
    if args.history:
        print_report(bench_history(50_000 if args.small else 1_000_000, 24, args.repeats), [], started)
        return 0
    rows = bench_scoring(scoring_rows, args.repeats)
    calibration, notes = bench_calibration(calibration_rows, args.repeats)
    rows += calibration + bench_auc(auc_rows, args.repeats) + bench_frame_inputs(scoring_rows, args.repeats)
    print_report(rows, notes, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
