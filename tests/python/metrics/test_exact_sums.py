"""Every sum the ledger reports is the correctly rounded sum of its exact terms: equal, bit for
bit, to ``math.fsum`` of the contributing amounts, whatever the row order, the thread count or
the Dask partitioning. The references are computed here from the rows alone (numpy for the
account x period matrix, ``math.fsum`` for every total)."""

from __future__ import annotations

import json
import math
import threading

import cssegment as cs
import cssegment.dask as csd
import dask
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from cssegment.metrics.ledger import partial_sums
from pandas.testing import assert_frame_equal

N_ACCOUNTS = 9_000  # more than one chunk of the core's parallel loops (4096 accounts)
N_PERIODS = 7
ADVERSARIAL = np.array([0.1, 0.01, 1e15, 1e15 + 0.1, 2.5e-7, 1e-300, 5e-324, 1e300, 3.0, 0.3, 1e-7])


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    """One row per (account, period) with revenue, amounts from the adversarial set above mixed
    with cents and lognormal money, holes (churn, returns) and rows in random order."""
    rng = np.random.default_rng(14)
    accounts = np.repeat(np.arange(N_ACCOUNTS), N_PERIODS)
    months = np.tile(np.arange(N_PERIODS), N_ACCOUNTS)
    kind = rng.integers(0, 3, accounts.size)
    amounts = np.where(
        kind == 0,
        rng.choice(ADVERSARIAL, accounts.size),
        np.where(kind == 1, np.round(rng.lognormal(6, 2, accounts.size), 2), rng.lognormal(0, 30, accounts.size)),
    )
    amounts = np.where(np.isfinite(amounts) & (amounts < 1e303), amounts, 1e303)
    paying = rng.random(accounts.size) > 0.25
    paying[accounts == 0] = True  # every period exists
    frame = pd.DataFrame({"account_id": accounts, "month": months, "mrr": amounts})[paying]
    return frame.sample(frac=1.0, random_state=5).reset_index(drop=True)


def matrix_of(rows: pd.DataFrame) -> np.ndarray:
    """The account x period matrix of rows with one row per cell (accounts 0 .. n - 1)."""
    matrix = np.zeros((rows["account_id"].max() + 1, N_PERIODS))
    matrix[rows["account_id"].to_numpy(), rows["month"].to_numpy()] = rows["mrr"].to_numpy()
    return matrix


def fsum_movements(matrix: np.ndarray) -> pd.DataFrame:
    """The movement columns from their definitions, each total a math.fsum of its terms."""
    paid_before = np.zeros(matrix.shape[0], dtype=bool)
    paid_before |= matrix[:, 0] > 0
    table = []
    for p in range(1, matrix.shape[1]):
        before, now = matrix[:, p - 1], matrix[:, p]
        new = (before == 0) & (now > 0) & ~paid_before
        returning = (before == 0) & (now > 0) & paid_before
        churned = (before > 0) & (now == 0)
        grew = (before > 0) & (now > before)
        shrank = (now > 0) & (now < before)
        table.append(
            {
                "start": math.fsum(before),
                "new": math.fsum(now[new]),
                "reactivation": math.fsum(now[returning]),
                "expansion": math.fsum(np.concatenate([now[grew], -before[grew]])),
                "contraction": math.fsum(np.concatenate([before[shrank], -now[shrank]])),
                "churn": math.fsum(before[churned]),
                "end": math.fsum(now),
                "logos_start": int((before > 0).sum()),
                "logos_end": int((now > 0).sum()),
            }
        )
        paid_before |= now > 0
    return pd.DataFrame(table, index=pd.Index(range(1, matrix.shape[1]), name="period"))


def test_movements_equal_fsum_of_the_contributing_amounts(rows: pd.DataFrame) -> None:
    got = cs.RevenueLedger(rows).movements()
    expected = fsum_movements(matrix_of(rows))
    assert_frame_equal(got[expected.columns], expected, check_exact=True, check_dtype=False)
    # Adversarial indeed: a plain float64 sum misses some totals.
    plain = matrix_of(rows).sum(axis=0)[1:]
    assert (plain != expected["end"].to_numpy()).any()


def test_retention_numerators_and_denominators_equal_fsum(rows: pd.DataFrame) -> None:
    horizon = 3
    got = cs.RevenueLedger(rows).retention(horizon=horizon)
    matrix = matrix_of(rows)
    for p0 in range(N_PERIODS - horizon):
        cohort = matrix[:, p0] > 0
        start, later = matrix[cohort, p0], matrix[cohort, p0 + horizon]
        row = got.loc[p0]
        assert row["cohort_accounts"] == cohort.sum()
        assert row["start_revenue"] == math.fsum(start)
        assert row["end_revenue"] == math.fsum(later)
        assert row["retained_revenue"] == math.fsum(np.minimum(start, later))
        assert row["nrr"] == math.fsum(later) / math.fsum(start)
        assert row["grr"] == math.fsum(np.minimum(start, later)) / math.fsum(start)


def test_cohort_revenue_equals_fsum(rows: pd.DataFrame) -> None:
    got = cs.RevenueLedger(rows).cohorts("revenue", normalize=False)
    matrix = matrix_of(rows)
    first = np.argmax(matrix > 0, axis=1)
    for cohort in got.index:
        members = matrix[first == cohort]
        for age in got.columns:
            if np.isnan(got.loc[cohort, age]):
                continue
            assert got.loc[cohort, age] == math.fsum(members[:, cohort + age]), (cohort, age)


def test_totals_do_not_depend_on_row_order_or_on_how_cells_are_split_into_rows(rows: pd.DataFrame) -> None:
    ledger = cs.RevenueLedger(rows)
    shuffled = cs.RevenueLedger(rows.sample(frac=1.0, random_state=99))
    assert_frame_equal(shuffled.movements(), ledger.movements(), check_exact=True)
    assert_frame_equal(shuffled.retention(horizon=2), ledger.retention(horizon=2), check_exact=True)
    # Cells of several rows, which a running float64 sum would total differently in each order:
    # each holds 1e15 and two thirds of its amount, rows shuffled.
    some = rows.sample(n=500, random_state=1)
    third = some["mrr"] / 3
    parts = [some.assign(mrr=1e15), some.assign(mrr=third), some.assign(mrr=2 * third)]
    expected = [math.fsum(cell) for cell in zip(np.full(500, 1e15), third, 2 * third, strict=True)]
    rest = rows.drop(some.index)
    for order in (1, 2, 3):
        duplicated = pd.concat([rest, *parts], ignore_index=True).sample(frac=1.0, random_state=order)
        revenue = cs.RevenueLedger(duplicated).revenue
        cells = revenue.to_numpy()[revenue.index.get_indexer(pd.Index(some["account_id"])), some["month"].to_numpy()]
        assert (cells == expected).all()
    running = [(1e15 + t) + 2 * t for t in third]
    assert running != expected  # what the order would change


def test_threads_get_the_same_totals(rows: pd.DataFrame) -> None:
    ledger = cs.RevenueLedger(rows)
    expected = ledger.movements()
    results: list[pd.DataFrame] = []
    barrier = threading.Barrier(4)

    def work() -> None:
        barrier.wait()
        results.append(ledger.movements())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4
    for result in results:
        assert_frame_equal(result, expected, check_exact=True)


@pytest.mark.parametrize("npartitions", [1, 3, 8])
def test_dask_partitionings_give_the_fsum_totals(rows: pd.DataFrame, npartitions: int) -> None:
    ddf = dd.from_pandas(rows, npartitions=npartitions)
    with dask.config.set(scheduler="threads"):
        movements = csd.movements(ddf)
        retention = csd.retention(ddf, horizon=3)
    ledger = cs.RevenueLedger(rows)
    assert_frame_equal(movements, ledger.movements(), check_exact=True)
    assert_frame_equal(retention, ledger.retention(horizon=3), check_exact=True)
    expected = fsum_movements(matrix_of(rows))
    assert (movements["end"].to_numpy() == expected["end"].to_numpy()).all()


def test_200000_cents_sum_to_math_fsum() -> None:
    """Issue 14: the fixed-point sums gave 1999.9999998617568 for 200,000 rows of 0.01."""
    rows = pd.DataFrame({"account_id": np.arange(200_000), "month": 0, "mrr": 0.01})
    rows = pd.concat([rows, rows.assign(month=1)], ignore_index=True)
    movements = cs.RevenueLedger(rows).movements()
    assert movements.loc[1, "start"] == math.fsum([0.01] * 200_000) == 2000.0
    assert movements.loc[1, "end"] == math.fsum(rows["mrr"][rows["month"] == 1])
    assert sum([0.01] * 200_000) != 2000.0  # a plain sum drifts


def test_300_accounts_near_1e24_do_not_wrap() -> None:
    """Issue 21: 0.8e24 .. 1.2e24 growing by half gave end 5.05e25 and NRR 0.21 (sums wrapped)."""
    start = np.linspace(0.8e24, 1.2e24, 300)
    rows = pd.DataFrame(
        {"account_id": np.tile(np.arange(300), 2), "month": np.repeat([0, 1], 300), "mrr": np.r_[start, 1.5 * start]}
    )
    ledger = cs.RevenueLedger(rows)
    movements = ledger.movements()
    retention = ledger.retention(horizon=1)
    assert movements.loc[1, "end"] == math.fsum(1.5 * start)
    assert movements.loc[1, "expansion"] == math.fsum(np.r_[1.5 * start, -start])
    assert retention.loc[0, "nrr"] == math.fsum(1.5 * start) / math.fsum(start)
    assert retention.loc[0, "nrr"] == pytest.approx(1.5, rel=1e-15)


def test_totals_beyond_the_largest_double_are_an_error_not_inf() -> None:
    rows = pd.DataFrame({"account_id": [1, 2, 1, 2], "month": [0, 0, 1, 1], "mrr": [1e308, 1e308, 1.0, 1.0]})
    ledger = cs.RevenueLedger(rows)  # every amount and cell is finite
    with pytest.raises(cs.InvalidInputError, match="beyond the largest double"):
        ledger.movements()
    with pytest.raises(cs.InvalidInputError, match="beyond the largest double"):
        ledger.retention(horizon=1)
    alone = cs.RevenueLedger(rows[rows["account_id"] == 1])
    assert alone.movements().loc[1, "contraction"] == math.fsum([1e308, -1.0])


def test_partial_sums_json_keeps_the_exact_sums_and_refuses_fixed_point_documents(rows: pd.DataFrame) -> None:
    sums = partial_sums(cs.RevenueLedger(rows), "movements", None, None, None)
    restored = type(sums).from_json(sums.to_json())
    assert restored == sums
    assert restored.to_json() == sums.to_json()
    document = json.loads(sums.to_json())
    document["cells"] = [0, 1] * (len(document.pop("exact_cells")))  # a 0.2.0 document's fixed-point cells
    with pytest.raises(cs.InvalidInputError, match=r"written by cssegment 0\.2\.0 or earlier hold fixed-point cells"):
        type(sums).from_json(json.dumps(document))
