"""Coverage of cs.book_metrics' intervals on simulated books: the share of owners whose interval
holds the true NRR, GRR, logo retention and mix-adjusted NRR, at the nominal 95%.

Each book has 25 owners of 120 accounts drawn from a known population: start revenue lognormal
(8, 1), 10% churn, survivors grow by a lognormal (0, 0.3) factor, 20% more in segment "b"; each
owner has its own share of "b". True values: NRR 0.9 E[g], GRR 0.9 E[min(g, 1)] per segment,
weighted by the owner's share of accounts in it (start revenue is independent of the segment);
logo retention 0.9; mix-adjusted NRR 0. For comparison the script also scores the delta-method
(linearised ratio) Wald interval, R +- z sqrt(n / (n - 1) sum((x - R s)^2)) / sum(s), computed here.
Each coverage c comes with its Monte-Carlo standard error sqrt(c (1 - c) / owners), and the misses
are split by side (the true value below the interval / above it).

    PYTHONPATH=python python3 benchmarks/coverage_books.py            # 200 books: 5,000 owners
    PYTHONPATH=python python3 benchmarks/coverage_books.py --books 20 --seed 7
"""

from __future__ import annotations

import argparse
from statistics import NormalDist

import cssegment as cs
import numpy as np
import pandas as pd

SD = 0.3  # growth log-sd
PHI = NormalDist().cdf


def truths(share_b: np.ndarray) -> dict[str, np.ndarray]:
    nrr_a, nrr_b = 0.9 * np.exp(SD**2 / 2), 0.9 * 1.2 * np.exp(SD**2 / 2)
    grr_a = 0.9 * (np.exp(SD**2 / 2) * PHI(-SD) + 0.5)
    mean_log_b = np.log(1.2)
    grr_b = 0.9 * (1.2 * np.exp(SD**2 / 2) * PHI((-mean_log_b - SD**2) / SD) + 1 - PHI(-mean_log_b / SD))
    return {
        "nrr": (1 - share_b) * nrr_a + share_b * nrr_b,
        "grr": (1 - share_b) * grr_a + share_b * grr_b,
        "logo_retention": np.full(len(share_b), 0.9),
        "mix_adjusted_nrr": np.zeros(len(share_b)),
    }


def simulated_book(rng: np.random.Generator, owners: int, accounts: int) -> pd.DataFrame:
    n = owners * accounts
    owner = np.repeat(np.arange(owners), accounts)
    segment = np.where(rng.random(n) < rng.uniform(0.1, 0.9, owners)[owner], "b", "a")
    start = np.exp(8 + rng.standard_normal(n))
    growth = np.exp(SD * rng.standard_normal(n)) * np.where(segment == "b", 1.2, 1.0)
    end = np.where(rng.random(n) < 0.1, 0.0, start * growth)
    return pd.DataFrame({"owner": [f"csm {o}" for o in owner], "segment": segment, "s": start, "e": end})


def delta_bounds(book: pd.DataFrame, name: str, segment_nrr: dict[str, float], z: float) -> pd.DataFrame:
    x = {"nrr": book["e"], "grr": np.minimum(book["s"], book["e"])}.get(name)
    if x is None:
        x = book["e"] - book["segment"].map(segment_nrr).astype(float) * book["s"]
    frame = pd.DataFrame({"owner": book["owner"], "x": x, "s": book["s"]})
    sums = frame.groupby("owner")[["x", "s"]].sum()
    ratio = sums["x"] / sums["s"]
    frame["r2"] = (frame["x"] - frame["owner"].map(ratio) * frame["s"]) ** 2
    n = frame.groupby("owner").size()
    se = np.sqrt(n / (n - 1) * frame.groupby("owner")["r2"].sum()) / sums["s"]
    return pd.DataFrame({"low": ratio - z * se, "high": ratio + z * se})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    z = NormalDist().inv_cdf(0.975)
    hits: dict[str, list[bool]] = {}
    below: dict[str, list[bool]] = {}  # the true value below the interval
    for _ in range(args.books):
        book = simulated_book(rng, owners=25, accounts=120)
        ids = np.arange(len(book))
        rows = pd.DataFrame(
            {"account_id": np.r_[ids, ids], "month": np.repeat([0, 1], len(ids)), "mrr": np.r_[book["s"], book["e"]]}
        )
        owners, segments = (
            pd.Series(book["owner"].to_numpy(), index=ids),
            pd.Series(book["segment"].to_numpy(), index=ids),
        )
        kpis = cs.book_metrics(cs.RevenueLedger(rows), owners, horizon=1, by=segments)
        share_b = book["segment"].eq("b").groupby(book["owner"]).mean().reindex(kpis.index).to_numpy()
        for name, value in truths(share_b).items():
            inside = (kpis[f"{name}_low"] <= value) & (value <= kpis[f"{name}_high"])
            hits.setdefault(name, []).extend(inside)
            below.setdefault(name, []).extend(value < kpis[f"{name}_low"])
            if name != "logo_retention":
                delta = delta_bounds(book, name, kpis.attrs["segment_nrr"], z).reindex(kpis.index)
                hits.setdefault(f"{name} (delta method)", []).extend((delta["low"] <= value) & (value <= delta["high"]))
    count = len(hits["nrr"])
    print(f"{args.books} books, {count:,} owners of 120 accounts, seed {args.seed}; nominal 95%")
    print("| interval | coverage | Monte-Carlo se | true value below / above |")
    print("|---|---:|---:|---:|")
    for name, values in hits.items():
        rate = float(np.mean(values))
        misses = f"{np.mean(below[name]):.3f} / {1 - rate - np.mean(below[name]):.3f}" if name in below else ""
        print(f"| {name} | {rate:.3f} | {np.sqrt(rate * (1 - rate) / count):.3f} | {misses} |")


if __name__ == "__main__":
    main()
