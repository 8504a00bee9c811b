"""Dask benchmark: distributed calibration on a 2-worker LocalCluster against dask-ml and in memory.

The same accounts (eight health signals, with missing values) are calibrated three ways in one
process: ``Scorecard.calibrate`` in memory, ``cssegment.dask.calibrate`` on a LocalCluster of two
worker processes (one thread each) with the frame persisted on the workers first, and dask-ml's
``LogisticRegression`` (dask-glm) on the same features (normalised, mean-imputed) as a dask array
persisted on the same workers. Each solution is judged by the penalised objective of
calibrate.hpp (sum of log-losses + l2 / 2 * ||coef||^2, intercept not penalised) at its
coefficients: the lower, the closer to the optimum. Times are the best of `--repeats` runs after a
warm-up; the ratio is peer time / cssegment.dask time.

    PYTHONPATH=python python3 benchmarks/bench_dask.py               # 1M x 8
    PYTHONPATH=python python3 benchmarks/bench_dask.py --rows 5000000
    PYTHONPATH=python python3 benchmarks/bench_dask.py --small       # smoke check (100k rows)

``--kmeans`` times k-means instead: ``cssegment.dask.kmeans`` (k-means|| then Lloyd over merged
partials) against dask-ml's ``KMeans`` (k-means||) on the same points as a dask array persisted
on the same workers, and in-memory ``KMeans.fit``; one restart each (dask-ml has no n_init), no
scaling (the inertias are in the same units), judged by their inertia.

    PYTHONPATH=python python3 benchmarks/bench_dask.py --kmeans      # 1M x 8, k = 8

``--fit`` times the fit of a ScorecardSet (three segments and a default; Percentile and ZScore
measures) from per-partition partials (``cssegment.dask.fit``), against gathering the columns it
reads to the client and fitting there (``cards.fit(ddf[columns].compute())``, what
``cssegment.dask.fit`` did before) and against ``ScorecardSet.fit`` on the pandas frame in memory.
Every fit is checked equal (the same JSON).

    PYTHONPATH=python python3 benchmarks/bench_dask.py --fit         # 1M accounts
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

import cssegment as cs
import cssegment.dask as csd
import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
from bench_health import MEASURES, signals
from bench_models import mixture
from bench_segment import Row, best_of, print_header, print_report
from dask.distributed import Client, LocalCluster

L2 = 1.0


def objective(features: np.ndarray, y: np.ndarray, intercept: float, coef: np.ndarray) -> float:
    """Sum of log-losses + l2 / 2 * ||coef||^2 (calibrate.hpp's objective)."""
    eta = intercept + features @ coef
    return float(np.sum(np.logaddexp(0.0, eta) - y * eta) + 0.5 * L2 * coef @ coef)


def bench_calibration(n: int, repeats: int, partitions: int) -> tuple[list[Row], list[str]]:
    frame = signals(n)
    card = cs.Scorecard(MEASURES)
    y = frame["churned"].to_numpy(dtype=float)
    in_memory = card.calibrate(frame, "churned", l2=L2)
    x = card.transform(frame) / 100.0
    features = x.fillna(x.mean()).to_numpy()  # the features calibrate fits: mean-imputed
    rows: list[Row] = []
    notes: list[str] = []
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
        Client(cluster),
    ):
        ddf = dd.from_pandas(frame, npartitions=partitions).persist()
        dask.distributed.wait(ddf)
        model = csd.calibrate(card, ddf, l2=L2)
        ours = best_of(lambda: csd.calibrate(card, ddf, l2=L2), repeats, min_seconds=0)
        memory = best_of(lambda: card.calibrate(frame, "churned", l2=L2), repeats, min_seconds=0)
        gap = float(np.abs(model.coef_.to_numpy() - in_memory.coef_.to_numpy()).max())
        best = objective(features, y, in_memory.intercept_, in_memory.coef_.to_numpy())
        reached = objective(features, y, model.intercept_, model.coef_.to_numpy())
        notes.append(
            f"cssegment.dask.calibrate: {model.n_iter_} Newton iterations, max |coef - in memory| = {gap:.1e}, "
            f"objective - in-memory optimum = {reached - best:.2e}"
        )
        rows.append(Row(f"calibrate, {partitions} partitions, vs in memory", n, ours, "Scorecard.calibrate", memory))
        try:
            from dask_ml.linear_model import LogisticRegression
        except ImportError:
            notes.append("dask-ml: not installed (pip install dask-ml); skipped")
            return rows, notes
        chunk = -(-n // partitions)
        xs = da.from_array(features, chunks=(chunk, features.shape[1])).persist()
        ys = da.from_array(y, chunks=chunk).persist()
        dask.distributed.wait([xs, ys])
        for solver in ("newton", "lbfgs", "admm"):
            # dask-glm's regulariser is lamduh * ||beta||^2 / 2 with lamduh = 1 / C.
            started = time.perf_counter()
            peer = LogisticRegression(penalty="l2", C=1.0 / L2, solver=solver).fit(xs, ys)
            first = time.perf_counter() - started
            reached = objective(features, y, float(peer.intercept_), np.asarray(peer.coef_))
            peer_gap = float(np.abs(np.asarray(peer.coef_) - in_memory.coef_.to_numpy()).max())
            notes.append(
                f"dask-ml {solver}: max |coef - in memory| = {peer_gap:.1e}, objective - in-memory optimum = "
                f"{reached - best:.2e}"
            )
            # The first fit is the warm-up and a timed run (admm takes minutes on millions of rows).
            times = [first]
            for _ in range(repeats - 1):
                started = time.perf_counter()
                LogisticRegression(penalty="l2", C=1.0 / L2, solver=solver).fit(xs, ys)
                times.append(time.perf_counter() - started)
            peer_time = min(times)
            rows.append(Row("calibrate on a LocalCluster", n, ours, f"dask-ml LogisticRegression({solver})", peer_time))
    return rows, notes


def inertia_of(points: np.ndarray, centres: np.ndarray) -> float:
    """Sum of squared distances of the points to their nearest centre, in blocks of rows."""
    total = 0.0
    for start in range(0, len(points), 65536):
        block = points[start : start + 65536]
        total += float(np.sum(np.min(((block[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2), axis=1)))
    return total


def bench_kmeans(n: int, repeats: int, partitions: int, k: int = 8, d: int = 8) -> tuple[list[Row], list[str]]:
    frame = pd.DataFrame(mixture(n, d, k), columns=[f"x{j}" for j in range(d)])
    model = cs.KMeans(k, n_init=1, scale=None, seed=0)
    in_memory = cs.KMeans(k, n_init=1, scale=None, seed=0).fit(frame)
    memory = best_of(lambda: cs.KMeans(k, n_init=1, scale=None, seed=0).fit(frame), repeats, min_seconds=0)
    capability = f"k-means k={k}, d={d}, n_init=1, {partitions} partitions"
    rows: list[Row] = []
    notes = [f"in-memory KMeans.fit (k-means++): inertia {in_memory.inertia_:,.1f} in {in_memory.n_iter_} iterations"]
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
        Client(cluster),
    ):
        ddf = dd.from_pandas(frame, npartitions=partitions).persist()
        dask.distributed.wait(ddf)
        fitted = csd.kmeans(model, ddf)
        ours = best_of(lambda: csd.kmeans(model, ddf), repeats, min_seconds=0)
        notes.append(
            f"cssegment.dask.kmeans (k-means||): inertia {fitted.inertia_:,.1f} in {fitted.n_iter_} iterations, "
            f"{fitted.inertia_ / in_memory.inertia_ - 1:+.3%} vs in memory"
        )
        rows.append(Row(f"{capability}, vs in memory", n, ours, "KMeans.fit (in memory)", memory))
        from dask_ml.cluster import KMeans as DaskKMeans

        points = da.from_array(frame.to_numpy(), chunks=(-(-n // partitions), d)).persist()
        dask.distributed.wait(points)
        peer = DaskKMeans(n_clusters=k, init="k-means||", max_iter=300, tol=1e-4, random_state=0).fit(points)
        # Recomputed from its centres: dask-ml's own inertia_ is not the sum of squared distances.
        reached = inertia_of(frame.to_numpy(), np.asarray(peer.cluster_centers_))
        notes.append(
            f"dask-ml KMeans (k-means||): inertia {reached:,.1f} (its inertia_ says {peer.inertia_:,.1f}) in "
            f"{peer.n_iter_} iterations, {reached / in_memory.inertia_ - 1:+.3%} vs in memory"
        )
        peer_time = best_of(
            lambda: DaskKMeans(n_clusters=k, init="k-means||", max_iter=300, tol=1e-4, random_state=0).fit(points),
            repeats,
            min_seconds=0,
        )
        rows.append(Row(capability, n, ours, "dask-ml KMeans (k-means||)", peer_time))
    return rows, notes


def segment_cards() -> cs.ScorecardSet:
    def card() -> cs.Scorecard:
        return cs.Scorecard(
            [
                cs.Measure("logins_per_user", cs.Percentile()),  # continuous: about one distinct value per row
                cs.Measure("tickets_90d", cs.Percentile()),  # a few distinct values
                cs.Measure("seats_used_pct", cs.ZScore()),
                cs.Measure("days_since_qbr", cs.ZScore(higher_is_better=False)),
            ]
        )

    return cs.ScorecardSet({"SMB": card(), "Mid-market": card(), "Enterprise": card()}, default=card())


def bench_fit(n: int, repeats: int, partitions: int) -> tuple[list[Row], list[str]]:
    frame = signals(n)
    labels = ["SMB", "Mid-market", "Enterprise", "Partner", None]  # the last two: the default's rows
    drawn = np.random.default_rng(1).choice(len(labels), n, p=[0.5, 0.25, 0.1, 0.1, 0.05])
    frame["segment"] = pd.Categorical.from_codes(np.where(drawn == 4, -1, drawn), categories=labels[:4])
    columns = ["segment", "logins_per_user", "tickets_90d", "seats_used_pct", "days_since_qbr"]
    expected = segment_cards().fit(frame).to_json()
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
        Client(cluster),
    ):
        ddf = dd.from_pandas(frame, npartitions=partitions).persist()
        dask.distributed.wait(ddf)
        fitted, gathered = csd.fit(segment_cards(), ddf), segment_cards().fit(ddf[columns].compute())
        assert fitted.to_json() == gathered.to_json() == expected, "the fits differ"
        ours = best_of(lambda: csd.fit(segment_cards(), ddf), repeats, min_seconds=0)
        gathering = best_of(lambda: segment_cards().fit(ddf[columns].compute()), repeats, min_seconds=0)
        memory = best_of(lambda: segment_cards().fit(frame), repeats, min_seconds=0)
    capability = f"ScorecardSet fit, {partitions} partitions"
    rows = [
        Row(f"{capability}, vs gathering", n, ours, "fit(ddf[columns].compute())", gathering),
        Row(f"{capability}, vs in memory", n, ours, "ScorecardSet.fit (pandas)", memory),
    ]
    notes = ["the three fits are equal (the same JSON)"]
    return rows, notes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--small", action="store_true", help="100k rows, one repeat")
    parser.add_argument("--kmeans", action="store_true", help="k-means instead of calibration")
    parser.add_argument("--fit", action="store_true", help="a ScorecardSet's fit instead of calibration")
    args = parser.parse_args(argv)
    n, repeats = (100_000, 1) if args.small else (args.rows, args.repeats)
    started = time.perf_counter()
    try:
        import dask_ml

        peer_version = dask_ml.__version__
    except ImportError:
        peer_version = "not installed"
    print_header("cssegment.dask benchmark (2-worker LocalCluster)", dask=dask.__version__, dask_ml=peer_version)
    bench = bench_kmeans if args.kmeans else bench_fit if args.fit else bench_calibration
    rows, notes = bench(n, repeats, args.partitions)
    print_report(rows, notes, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
