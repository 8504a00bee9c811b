"""Models benchmark: k-means against scikit-learn, and many shifted-beta-geometric fits against
scipy.optimize.minimize on the same likelihood.

Both tools run in this process on the same data, and their results are compared before the
times are reported (k-means: inertia ratio; sBG: log-likelihoods reached and parameters). The
ratio column is peer time / cssegment time, so a ratio above 1 means cssegment is faster.

    PYTHONPATH=python python3 benchmarks/bench_models.py           # 1M x 8 k-means, 10,000 cohorts
    PYTHONPATH=python python3 benchmarks/bench_models.py --small   # smoke check (100k rows, 300 cohorts)
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

import cssegment as cs
import numpy as np
import scipy
import sklearn
from bench_segment import Row, best_of, print_header, print_report
from scipy import optimize, special
from sklearn.cluster import KMeans as SkKMeans

SEED = 20261123


# --------------------------------------------------------------------------------------------
# 1. k-means


def mixture(n: int, d: int, k: int) -> np.ndarray:
    """n points from k overlapping Gaussian blobs in d dimensions (Lloyd needs tens of iterations)."""
    rng = np.random.default_rng(SEED)
    centres = rng.normal(0.0, 3.0, (k, d))
    return np.ascontiguousarray(centres[rng.integers(0, k, n)] + rng.normal(0.0, 1.5, (n, d)))


def bench_kmeans(n: int, d: int, k: int, n_init: int, repeats: int) -> tuple[list[Row], list[str]]:
    X = mixture(n, d, k)
    ours = cs.KMeans(k, n_init=n_init, scale=None, seed=0)
    theirs = SkKMeans(k, n_init=n_init, algorithm="lloyd", tol=1e-4, max_iter=300, random_state=0)
    ours.fit(X)
    theirs.fit(X)
    ratio = ours.inertia_ / theirs.inertia_
    if ratio > 1.01:
        raise AssertionError(f"k-means inertia {ours.inertia_:.6g} is more than 1% above scikit-learn's")
    ours_time = best_of(lambda: ours.fit(X), repeats, min_seconds=0.0)
    theirs_time = best_of(lambda: theirs.fit(X), repeats, min_seconds=0.0)
    predict_time = best_of(lambda: ours.predict(X), repeats)
    sk_predict_time = best_of(lambda: theirs.predict(X), repeats)
    capability = f"k-means fit, k={k}, d={d}, n_init={n_init} (lloyd)"
    rows = [
        Row(capability, n, ours_time, "scikit-learn KMeans", theirs_time),
        Row(f"k-means predict, k={k}, d={d}", n, predict_time, "scikit-learn KMeans.predict", sk_predict_time),
    ]
    notes = [
        (
            f"k-means: inertia cssegment / scikit-learn = {ratio:.5f} (cssegment {ours.inertia_:,.1f} in "
            f"{ours.n_iter_} iterations, scikit-learn {theirs.inertia_:,.1f} in {theirs.n_iter_})"
        )
    ]
    return rows, notes


# --------------------------------------------------------------------------------------------
# 2. Shifted-beta-geometric fits


def cohorts(count: int) -> np.ndarray:
    """Survivor counts of `count` simulated cohorts, NaN-padded: each customer draws a churn
    probability from Beta(alpha, beta), then a geometric lifetime; 6 to 36 periods observed."""
    rng = np.random.default_rng(SEED + 1)
    alpha = rng.uniform(0.3, 3.0, count)
    beta = rng.uniform(0.5, 8.0, count)
    sizes = rng.integers(50, 2_000, count)
    periods = rng.integers(6, 37, count)
    owner = np.repeat(np.arange(count), sizes)
    theta = rng.beta(alpha[owner], beta[owner])
    lifetime = rng.geometric(theta)  # periods survived: churn at the end of period `lifetime`
    alive = np.full((count, periods.max() + 1), np.nan)
    for t in range(periods.max() + 1):
        still = np.bincount(owner, weights=lifetime > t, minlength=count)
        alive[:, t] = np.where(t <= periods, still, np.nan)
    return alive


def negative_log_likelihood(log_params: np.ndarray, alive: np.ndarray) -> float:
    """The sBG likelihood as an analyst writes it for scipy: Beta functions via scipy.special.betaln."""
    a, b = np.exp(log_params)
    t = np.arange(1, len(alive))
    lost = alive[:-1] - alive[1:]
    log_p = special.betaln(a + 1, b + t - 1) - special.betaln(a, b)
    log_s = special.betaln(a, b + t[-1]) - special.betaln(a, b)
    return -float(lost @ log_p + alive[-1] * log_s)


def negative_log_likelihood_gradient(log_params: np.ndarray, alive: np.ndarray) -> np.ndarray:
    """Its analytic gradient with respect to (log alpha, log beta), through digamma."""
    a, b = np.exp(log_params)
    t = np.arange(1, len(alive))
    lost = alive[:-1] - alive[1:]
    psi_ab = special.digamma(a + b)
    d_a = special.digamma(a + 1) - special.digamma(a + b + t) - special.digamma(a) + psi_ab
    d_b = special.digamma(b + t - 1) - special.digamma(a + b + t) - special.digamma(b) + psi_ab
    tail = t[-1]
    s_a = special.digamma(a) - special.digamma(a + b + tail) - special.digamma(a) + psi_ab
    s_b = special.digamma(b + tail) - special.digamma(a + b + tail) - special.digamma(b) + psi_ab
    grad_a = lost @ d_a + alive[-1] * s_a
    grad_b = lost @ d_b + alive[-1] * s_b
    return -np.array([a * grad_a, b * grad_b])


def scipy_fits(alive: np.ndarray, analytic: bool) -> np.ndarray:
    """(alpha, beta, log-likelihood) per cohort from scipy.optimize.minimize (BFGS)."""
    out = np.empty((len(alive), 3))
    for i, row in enumerate(alive):
        counts = row[~np.isnan(row)]
        fit = optimize.minimize(
            negative_log_likelihood,
            np.zeros(2),
            args=(counts,),
            jac=negative_log_likelihood_gradient if analytic else None,
            method="BFGS",
        )
        out[i] = (*np.exp(fit.x), -fit.fun)
    return out


def bench_sbg(count: int, repeats: int) -> tuple[list[Row], list[str]]:
    alive = cohorts(count)
    ours = cs.ShiftedBetaGeometric.fit_many(alive)
    ours_time = best_of(lambda: cs.ShiftedBetaGeometric.fit_many(alive), repeats)
    rows: list[Row] = []
    notes: list[str] = []
    capability = "sBG fit_many (6-36 periods per cohort)"
    for analytic, label in ((False, "numerical gradient"), (True, "analytic gradient")):
        started = time.perf_counter()
        theirs = scipy_fits(alive, analytic)
        theirs_time = time.perf_counter() - started
        deficit = theirs[:, 2] - ours["log_likelihood"].to_numpy()
        # Where both maxima are finite and well determined, the parameters agree.
        bounded = (ours["alpha"] < 1e3) & (theirs[:, 0] < 1e3)
        close = np.isclose(ours["alpha"][bounded], theirs[bounded, 0], rtol=1e-3)
        if deficit.max() > 1e-4:
            raise AssertionError(f"cssegment's log-likelihood is below scipy's by {deficit.max():.3g} on a cohort")
        rows.append(Row(capability, count, ours_time, f"scipy minimize BFGS, {label}, per cohort", theirs_time))
        notes.append(
            f"sBG vs scipy ({label}): cssegment's log-likelihood is higher or equal on "
            f"{np.mean(deficit <= 1e-9):.1%} of cohorts (largest shortfall {max(deficit.max(), 0.0):.2g}, largest "
            f"gain {-deficit.min():.3g}); alpha within 0.1% on {close.mean():.1%} of bounded cohorts"
        )
    notes.append(f"sBG: cssegment {ours_time / count * 1e6:.1f} us per cohort on all cores")
    return rows, notes


def bench_sbg_curves(periods: int, repeats: int) -> tuple[list[Row], list[str]]:
    """sBG curves far out (issue 21): S(t) = B(alpha, beta + t) / B(alpha, beta) for t = 0..periods,
    against the same closed form through scipy.special.betaln."""
    model = cs.ShiftedBetaGeometric(alpha=0.7, beta=1.2)
    t = np.arange(periods + 1, dtype=np.float64)

    def theirs() -> np.ndarray:
        return np.exp(special.betaln(0.7, 1.2 + t) - special.betaln(0.7, 1.2))

    reference = theirs()
    ours = model.survival(t)
    difference = np.max(np.abs(ours - reference) / reference)
    if difference > 1e-9:
        raise AssertionError(f"sBG survival differs from betaln's by {difference:.3g} (relative)")
    rows = [
        Row(
            "sBG survival(np.arange(n))",
            periods + 1,
            best_of(lambda: model.survival(t), repeats),
            "scipy.special.betaln closed form",
            best_of(theirs, repeats),
        ),
        Row(
            "sBG project(n) (survival, retention, churn)",
            periods + 1,
            best_of(lambda: model.project(periods), repeats),
            "scipy.special.betaln closed form (survival only)",
            best_of(theirs, repeats),
        ),
    ]
    far = best_of(lambda: model.survival(1e15), repeats)
    note = (
        f"sBG curves: survival(t) and betaln agree within {difference:.2g} (relative) on t = 0..{periods:,}; "
        f"survival(1e15) takes {far * 1e6:.1f} us"
    )
    notes = [note]
    return rows, notes


# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="quick smoke run (100k rows, 300 cohorts)")
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats per measurement (best is kept)")
    args = parser.parse_args(argv)
    rows_n, cohort_n = (100_000, 300) if args.small else (1_000_000, 10_000)

    size = "small" if args.small else "full"
    print_header(
        f"cssegment models benchmark ({size} run, best of >= {args.repeats} repeats)",
        **{"scikit-learn": sklearn.__version__, "scipy": scipy.__version__},
    )
    print()
    started = time.perf_counter()
    rows, notes = bench_kmeans(rows_n, 8, 8, 4, args.repeats)
    sbg_rows, sbg_notes = bench_sbg(cohort_n, args.repeats)
    curve_rows, curve_notes = bench_sbg_curves(10_000 if args.small else 100_000, args.repeats)
    print_report(rows + sbg_rows + curve_rows, notes + sbg_notes + curve_notes, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
