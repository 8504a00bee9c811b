"""Threads and the GIL: eight Python threads over shared fitted models and shared data get exactly
the single-threaded results, and the long calls of cssegment._core let other threads run."""

from __future__ import annotations

import dataclasses
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import cssegment as cs
import numpy as np
import pandas as pd
import pytest
from cssegment import _core, health

THREADS = 8
ROUNDS = 2  # each thread runs each job this many times


@dataclasses.dataclass(frozen=True)
class Shared:
    """Data and fitted models every thread reads at once."""

    accounts: pd.DataFrame
    revenue: pd.DataFrame
    features: pd.DataFrame
    tiers: cs.TierModel
    sticky_tiers: cs.TierModel
    quadrants: cs.QuadrantModel
    rules: cs.RuleModel
    previous: pd.Categorical
    kmeans: cs.KMeans
    ledger: cs.RevenueLedger
    by_tier: pd.Series
    card: cs.Scorecard
    card_set: cs.ScorecardSet
    calibrated: cs.CalibratedScorecard
    survivors: pd.DataFrame


def scorecard() -> cs.Scorecard:
    return cs.Scorecard(
        [
            cs.Measure("nps", cs.Bands([7, 9], [0, 50, 100])),
            cs.Measure("logins_per_user", cs.Percentile(by="region"), weight=2),
            cs.Measure("seats_used_pct", cs.ZScore(), weight=2),
            cs.Measure("tickets_90d", cs.Linear(10, 0)),
            cs.Measure("exec_sponsor", cs.Boolean()),
        ]
    )


@pytest.fixture(scope="module")
def shared() -> Shared:
    book = cs.datasets.synthetic_book(n_accounts=3000, n_months=24, seed=11)
    accounts, revenue = book.accounts, book.revenue
    features = np.log1p(accounts[["arr", "employees", "potential", "logins_per_user", "tickets_90d"]])
    tiers = cs.TierModel.touch()
    last_month = revenue["month"].max()
    earlier = revenue[revenue["month"] == last_month - 3].set_index("account_id")["mrr"] * 12
    previous = tiers.assign(earlier.reindex(accounts["account_id"]).fillna(0).to_numpy())
    by_tier = pd.Series(tiers.assign(accounts["arr"]), index=accounts["account_id"])
    card = scorecard().fit(accounts)
    return Shared(
        accounts=accounts,
        revenue=revenue,
        features=features,
        tiers=tiers,
        sticky_tiers=cs.TierModel.touch(hysteresis=0.1),
        quadrants=cs.QuadrantModel(hysteresis=0.1),
        rules=cs.RuleModel.four_tier(),
        previous=previous,
        kmeans=cs.KMeans(n_clusters=5, seed=3).fit(features),
        ledger=cs.RevenueLedger(revenue),
        by_tier=by_tier,
        card=card,
        card_set=cs.ScorecardSet({"Low touch": scorecard()}, default=scorecard(), by="tier").fit(
            accounts.assign(tier=by_tier.to_numpy())
        ),
        calibrated=card.calibrate(accounts, "churned", l2=1.0),
        survivors=cs.RevenueLedger(revenue).survivors(by=by_tier, cohort_length=3),
    )


# Every job reads the shared objects only; a job that fits builds its own model from shared data.
JOBS: dict[str, Callable[[Shared], Any]] = {
    "tiers": lambda s: s.tiers.assign(s.accounts["arr"]),
    "tiers with hysteresis": lambda s: s.sticky_tiers.assign(s.accounts["arr"], previous=s.previous),
    "quadrants": lambda s: s.quadrants.assign(s.accounts),
    "rules": lambda s: s.rules.assign(s.accounts),
    "transitions": lambda s: cs.transitions(s.previous, s.tiers.assign(s.accounts["arr"]), s.accounts["arr"]),
    "coverage": lambda s: cs.coverage(s.tiers.assign(s.accounts["arr"]), s.tiers, s.accounts["arr"], 150_000),
    "coverage planner": lambda s: (lambda plan: (plan.table, plan.frontier, plan.targeted().segments))(
        cs.plan_coverage(
            s.accounts,
            s.tiers,
            s.calibrated.predict_proba(s.accounts),
            csm_cost=150_000,
            previous=s.previous,
            effect={"Tech touch": 1.0, "Low touch": 0.85, "High touch": 0.7},
        )
    ),
    "k-means predict": lambda s: s.kmeans.predict(s.features),
    "k-means fit": lambda s: (lambda m: (m.cluster_centers_, m.inertia_, m.predict(s.features)))(
        cs.KMeans(n_clusters=4, n_init=2, seed=7).fit(s.features)
    ),
    "k-means partial": lambda s: (lambda p: (p.counts, p.inertia, p.updated(centres(s))))(
        _core.segment.kmeans_partial.of(np.ascontiguousarray(s.features.to_numpy(dtype=np.float64)), centres(s), 0)
    ),
    "ledger build": lambda s: cs.RevenueLedger(s.revenue).revenue,
    "ledger build from dates by fiscal quarter": lambda s: (
        cs.RevenueLedger(
            s.revenue.assign(month=s.revenue["month"].dt.to_timestamp() + pd.Timedelta(days=14)),
            freq="Q",
            fiscal_year_start=4,
        ).revenue
    ),
    "movements": lambda s: s.ledger.movements(by=s.by_tier),
    "retention": lambda s: s.ledger.retention(horizon=6, by=s.by_tier),
    "cohorts": lambda s: s.ledger.cohorts(by=s.by_tier, cohort_length=3),
    "scorecard score": lambda s: s.card.score(s.accounts),
    "scorecard fit": lambda s: scorecard().fit(s.accounts).to_json(),
    "scorecard set score": lambda s: s.card_set.score(s.accounts.assign(tier=s.by_tier.to_numpy())),
    "calibrate": lambda s: s.card.calibrate(s.accounts, "churned", l2=1.0).to_json(),
    "calibrated predict": lambda s: s.calibrated.predict_proba(s.accounts),
    "backtest": lambda s: s.calibrated.backtest(s.accounts),
    "health_auc": lambda s: health.health_auc(s.card.score(s.accounts)["score"], s.accounts["churned"]),
    "sBG fit": lambda s: cs.ShiftedBetaGeometric().fit(s.survivors.iloc[0].dropna().to_numpy()).to_json(),
    "sBG fit_many": lambda s: cs.ShiftedBetaGeometric.fit_many(s.survivors),
    "nps": lambda s: cs.nps(s.accounts["nps"].dropna()),
    "density test": lambda s: cs.density_test(s.accounts["potential"], cutoff=50_000),
    "JSON round trip": lambda s: cs.CalibratedScorecard.from_json(s.calibrated.to_json()) == s.calibrated,
    "rd_estimate": lambda s: cs.rd_estimate(
        s.accounts.loc[s.accounts["arr"] > 0, "logins_per_user"], s.accounts.loc[s.accounts["arr"] > 0, "arr"], 20_000.0
    ),
}


def centres(s: Shared) -> np.ndarray:
    """Six rows of the features, as k-means centres."""
    return np.ascontiguousarray(s.features.to_numpy(dtype=np.float64)[::500])


def assert_identical(got: Any, expected: Any) -> None:
    """Bit-for-bit equality of what the jobs return (NaN equals NaN)."""
    assert type(got) is type(expected)
    if isinstance(expected, pd.DataFrame):
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
    elif isinstance(expected, pd.Series):
        pd.testing.assert_series_equal(got, expected, check_exact=True)
    elif isinstance(expected, pd.Categorical):
        pd.testing.assert_extension_array_equal(got, expected)
    elif isinstance(expected, np.ndarray):
        np.testing.assert_array_equal(got, expected, strict=True)
    elif isinstance(expected, tuple):
        assert len(got) == len(expected)
        for g, e in zip(got, expected):
            assert_identical(g, e)
    elif dataclasses.is_dataclass(expected):
        for field in dataclasses.fields(expected):
            assert_identical(getattr(got, field.name), getattr(expected, field.name))
    elif isinstance(expected, float):
        assert got == expected or (np.isnan(got) and np.isnan(expected))
    else:
        assert got == expected


def run_on_threads(work: Callable[[int], list[Any]]) -> list[list[Any]]:
    """work(thread) on THREADS threads that start together."""
    start = threading.Barrier(THREADS)

    def worker(thread: int) -> list[Any]:
        start.wait()
        return work(thread)

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(worker, range(THREADS)))


@pytest.mark.parametrize("job", JOBS)
def test_eight_threads_get_the_single_threaded_result(shared: Shared, job: str) -> None:
    expected = JOBS[job](shared)
    results = run_on_threads(lambda _: [JOBS[job](shared) for _ in range(ROUNDS)])
    assert len(results) == THREADS
    for per_thread in results:
        assert len(per_thread) == ROUNDS
        for got in per_thread:
            assert_identical(got, expected)


def test_every_job_at_once_on_shared_models(shared: Shared) -> None:
    """Each thread runs every job, starting at a different one, so that different calls run on
    the same models and data at the same time."""
    names = list(JOBS)
    expected = {name: JOBS[name](shared) for name in names}

    def work(thread: int) -> list[Any]:
        order = names[thread % len(names) :] + names[: thread % len(names)]
        return [(name, JOBS[name](shared)) for name in order]

    results = run_on_threads(work)
    assert sum(len(r) for r in results) == THREADS * len(names)
    for per_thread in results:
        for name, got in per_thread:
            assert_identical(got, expected[name])


def test_results_do_not_depend_on_the_core_thread_count(shared: Shared) -> None:
    """The core's own threads (max_threads: 0 = every core) change nothing, bit for bit. The
    inputs span several of the core's chunks of rows."""
    big = pd.concat([shared.accounts] * 30, ignore_index=True).assign(tier=np.tile(shared.by_tier.to_numpy(), 30))
    columns, rows = health.scorecard.measure_columns(big, shared.card._model)
    set_columns, _ = shared.card_set._columns(big)
    features = np.ascontiguousarray(np.tile(shared.features.to_numpy(dtype=np.float64), (30, 1)))
    alive = np.ascontiguousarray(np.tile(shared.survivors.to_numpy(np.float64, na_value=np.nan), (50, 1)))
    runs: dict[str, Callable[[int], Any]] = {
        "Scorecard.score": lambda threads: shared.card._model.score(columns, rows, None, threads),
        "ScorecardSet.score": lambda threads: shared.card_set._model.score(set_columns, rows, None, threads),
        "KMeans.predict": lambda threads: shared.kmeans._model.predict(features, threads),
        "KMeans.fit": lambda threads: _core.segment.kmeans(4, 2, 50, 1e-4, ["standard"], 9).fit(features, [], threads),
        "fit_sbg_many": lambda threads: _core.survival.fit_sbg_many(alive, 2, threads),
        "ledger_from_subscriptions": lambda threads: (
            _core.metrics.ledger_from_subscriptions(
                *subscription_columns(shared.revenue, 30), None, None, ("a", "s", "e", "m", "i", "c"), threads
            ).matrix
        ),
    }
    for name, run in runs.items():
        expected = run(1)
        for threads in (0, 2, 3, 8):
            got = run(threads)
            if isinstance(expected, dict):
                assert got.keys() == expected.keys(), name
                for key in expected:
                    np.testing.assert_array_equal(got[key], expected[key], strict=True, err_msg=f"{name}: {key}")
            else:
                np.testing.assert_array_equal(got, expected, strict=True, err_msg=name)


def subscription_columns(revenue: pd.DataFrame, copies: int) -> tuple[Any, ...]:
    """The core's subscription columns of `copies` copies of the book's revenue rows, each row a
    subscription from the 10th of its month to the 10th of the next, billed quarterly; then the
    last days of the months and the first month."""
    months = np.tile(revenue["month"].array.asi8, copies)
    keys = (revenue["account_id"].to_numpy(np.int64)[None, :] + 10**6 * np.arange(copies)[:, None]).ravel()
    starts = months.astype("M8[M]").astype("M8[D]").view(np.int64) + 9
    ends = (months + 1).astype("M8[M]").astype("M8[D]").view(np.int64) + 9
    amounts = np.tile(revenue["mrr"].to_numpy(np.float64), copies) * 3
    intervals = np.full(len(keys), 3, dtype=np.int64)
    first, count = int(months.min()), int(months.max() - months.min()) + 1
    last_days = np.arange(first + 1, first + count + 1).astype("M8[M]").astype("M8[D]").view(np.int64) - 1
    return keys, starts, ends, amounts, intervals, last_days, first


# ---- the GIL is released during long calls


def counter_ticks_during(call: Callable[[], object]) -> int:
    """How far a pure-Python counter thread gets while `call` runs in this thread.

    The switch interval is made huge, so the interpreter never takes the GIL from a thread: the
    counter hands it back by sleeping every 64 ticks, and this thread hands it over only where
    something releases it. A call that holds the GIL throughout therefore sees exactly 0 ticks;
    one that releases it lets the counter run while the C++ core works."""
    ticks = 0
    stop = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            if ticks % 64 == 0:
                time.sleep(1e-4)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(100.0)
    counter = threading.Thread(target=count)
    try:
        counter.start()
        time.sleep(0.01)  # the counter is running
        before = ticks
        call()
        after = ticks
    finally:
        stop.set()
        counter.join()
        sys.setswitchinterval(interval)
    return after - before


@pytest.fixture(scope="module")
def long_calls(shared: Shared) -> dict[str, Callable[[], object]]:
    """Calls straight into cssegment._core, on inputs converted beforehand, so that nothing but
    the C++ call runs between the counter's readings. Each runs for milliseconds at least; the
    core's own threads are limited to one where the binding lets us, so the counter has a core."""
    s = shared
    repeat = 2000  # rows: 2000 x 3000 accounts
    arr = np.tile(s.accounts["arr"].to_numpy(dtype=np.float64), repeat)
    employees = np.tile(s.accounts["employees"].to_numpy(dtype=np.float64), repeat)
    features = np.ascontiguousarray(np.tile(s.features.to_numpy(dtype=np.float64), (200, 1)))
    big = pd.concat([s.accounts] * 20, ignore_index=True)
    columns, rows = health.scorecard.measure_columns(big, s.card._model)
    churned = big["churned"].to_numpy(dtype=np.float64)
    score = s.card._model.score(columns, rows, None)["score"]
    tiers, previous = s.tiers._model, s.sticky_tiers._model.assign(arr, None)
    alive = np.tile(np.array([[1e4, 6e3, 4.5e3, 3.7e3, 3.1e3, 2.7e3, 2.4e3, 2.2e3]]), (20_000, 1))
    # A ledger of 40 copies of the book: account ids shifted per copy.
    revenue = s.revenue
    keys = (revenue["account_id"].to_numpy(np.int64)[None, :] + 10**6 * np.arange(40)[:, None]).ravel()
    months = np.tile(revenue["month"].array.asi8, 40)
    amounts = np.tile(revenue["mrr"].to_numpy(np.float64), 40)
    ledger = _core.metrics.revenue_ledger.from_rows(keys, months, 0, amounts)
    days = np.tile(revenue["month"].array.asfreq("D", how="start").asi8, 40)
    quarters = _core.metrics.calendar("Q", 4)
    subscriptions = subscription_columns(revenue, 40)
    parents = np.where(np.arange(len(keys)) % 7 == 3, np.arange(len(keys)) - 3, -1)
    account_keys = np.asarray(ledger.account_keys)
    account_codes = (np.arange(len(account_keys)) % 3).astype(np.int32)
    before, after = previous.astype(np.int32), tiers.assign(arr, None).astype(np.int32)
    nps_scores = np.tile(np.arange(11.0), len(arr) // 11)
    sbg = _core.survival.shifted_beta_geometric(0.7, 2.4)
    discount_rates = np.linspace(0.001, 0.2, 200_000)
    paying = s.accounts[s.accounts["arr"] > 0]
    rd_y, rd_x = (np.tile(paying[name].to_numpy(dtype=np.float64), 100) for name in ("logins_per_user", "arr"))
    history_account = (np.arange(rows) % len(s.accounts)).astype(np.int32)
    history_period = (np.arange(rows) // len(s.accounts)).astype(np.int64)
    calls: dict[str, Callable[[], object]] = {
        "TierModel.assign": lambda: tiers.assign(arr, None),
        "TierModel.assign with hysteresis": lambda: s.sticky_tiers._model.assign(arr, previous),
        "QuadrantModel.assign": lambda: s.quadrants._model.assign(employees, arr, None),
        "KMeans.predict": lambda: s.kmeans._model.predict(features, 1),
        "KMeans.fit": lambda: _core.segment.kmeans(5, 1, 20, 1e-4, ["none"], 1).fit(features, [], 1),
        "kmeans_partial.of": lambda: _core.segment.kmeans_partial.of(features, features[:8], 0),
        "Scorecard.score": lambda: s.card._model.score(columns, rows, None),
        "CalibratedScorecard.predict_proba": lambda: s.calibrated._model.predict_proba(columns, rows),
        "health_auc": lambda: _core.health.health_auc(score, churned),
        "roc_auc": lambda: _core.health.roc_auc(churned, score),
        "RevenueLedger.from_rows": lambda: _core.metrics.revenue_ledger.from_rows(keys, months, 0, amounts),
        "calendar.period_ordinals": lambda: quarters.period_ordinals(days, 1, "date"),
        "ledger_from_subscriptions": lambda: _core.metrics.ledger_from_subscriptions(
            *subscriptions, None, None, ("a", "s", "e", "m", "i", "c")
        ),
        "top_ancestors": lambda: _core.metrics.top_ancestors(parents, str),
        "movement_partials": lambda: ledger.movement_partials(None, None),
        "retention_partials": lambda: ledger.retention_partials(None, 6),
        "fit_sbg_many": lambda: _core.survival.fit_sbg_many(alive, 2),
        "transitions": lambda: _core.segment.transitions(before, after, 3, arr),
        "coverage": lambda: _core.segment.coverage(after, [1000.0, 100.0, 15.0], arr, 150_000.0),
        "Scorecard.fit": lambda: scorecard()._model.fit(columns, rows),
        "CalibratedScorecard.calibrate": lambda: _core.health.calibrated_scorecard.calibrate(
            s.card._model, columns, rows, churned, 1.0
        ),
        "AccountSegments.per_account": lambda: _core.metrics.account_segments.per_account(
            ledger, account_keys, account_codes, 3
        ),
        "cohort_sums": lambda: ledger.cohort_sums(None, 3, False),
        "nps": lambda: _core.metrics.nps(nps_scores, None, 1),
        "synthetic_book": lambda: _core.datasets.synthetic_book(100_000, 24, 1, 0.7),
        "ShiftedBetaGeometric.lifetime_value": lambda: sbg.lifetime_value(100.0, discount_rates),
        "ShiftedBetaGeometric.survival": lambda: sbg.survival(np.tile(np.arange(60.0), 20_000)),
        "hyp2f1_unit_a": lambda: _core.survival.hyp2f1_unit_a(2.4, 3.1, 1 / (1 + discount_rates)),
        "rd_estimate": lambda: _core.causal.rd_estimate(
            rd_y, rd_x, None, None, None, 20_000.0, 1, -1, "triangular", "mserd", "nn", 3, None, None, 95.0
        ),
        "score_history": lambda: _core.health.score_history(
            s.card._model, columns, rows, history_account, history_period, len(s.accounts), 5.0, None
        ),
    }
    assert list(calls) == LONG_CALLS
    return calls


LONG_CALLS = [
    "TierModel.assign",
    "TierModel.assign with hysteresis",
    "QuadrantModel.assign",
    "KMeans.predict",
    "KMeans.fit",
    "kmeans_partial.of",
    "Scorecard.score",
    "CalibratedScorecard.predict_proba",
    "health_auc",
    "roc_auc",
    "RevenueLedger.from_rows",
    "calendar.period_ordinals",
    "ledger_from_subscriptions",
    "top_ancestors",
    "movement_partials",
    "retention_partials",
    "fit_sbg_many",
    "transitions",
    "coverage",
    "Scorecard.fit",
    "CalibratedScorecard.calibrate",
    "AccountSegments.per_account",
    "cohort_sums",
    "nps",
    "synthetic_book",
    "ShiftedBetaGeometric.lifetime_value",
    "ShiftedBetaGeometric.survival",
    "hyp2f1_unit_a",
    "rd_estimate",
    "score_history",
]


def test_the_counter_sees_a_call_that_holds_the_gil() -> None:
    """The measure itself: sorting a list holds the GIL, and the counter does not move at all."""
    values = np.random.default_rng(1).random(400_000).tolist()
    assert counter_ticks_during(lambda: sorted(values)) == 0
    assert counter_ticks_during(lambda: time.sleep(0.05)) > 0


@pytest.mark.parametrize("call", LONG_CALLS)
def test_long_calls_release_the_gil(long_calls: dict[str, Callable[[], object]], call: str) -> None:
    # Any of five runs: on a busy machine the counter may wait for a core longer than one call.
    assert any(counter_ticks_during(long_calls[call]) > 0 for _ in range(5))


def test_elementwise_calls_broadcast_like_numpy() -> None:
    """The sBG functions of periods and rates compute with the GIL released, and still broadcast
    like numpy functions: scalars give a float, arrays an array of the broadcast shape."""
    model = _core.survival.shifted_beta_geometric(0.7, 2.4)
    periods = np.arange(12.0).reshape(3, 4)
    survival = model.survival(periods)
    assert survival.shape == (3, 4)
    assert survival.tolist() == [[model.survival(float(t)) for t in row] for row in periods]
    assert type(model.survival(3)) is float
    margins, rates = np.array([[1.0], [2.0], [5.0]]), np.array([0.01, 0.02])
    values = model.lifetime_value(margins, rates)
    assert values.shape == (3, 2)
    assert values.tolist() == [[model.lifetime_value(m, d) for d in rates] for m in margins[:, 0]]
    assert model.discounted_expected_residual_lifetime([0.01, 0.02], 3).shape == (2,)
    assert _core.survival.hyp2f1_unit_a([1.0, 2.0], 3.0, [[0.5], [0.25]]).shape == (2, 2)
    assert model.survival([]).shape == (0,)
    with pytest.raises(TypeError, match="expected a number or an array of numbers, got 'soon'"):
        model.survival("soon")
    with pytest.raises(cs.InvalidInputError, match=r"t: 0\.5 must be a whole number"):
        model.survival(np.array([1.0, 0.5]))
