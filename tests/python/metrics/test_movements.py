"""Segment moves in the per-segment revenue bridge (docs/guide/metrics.md, "Moves between
segments"): hand-computed cases, the bridge identities on random books with random per-period
segments, and an independent pandas implementation of the moves."""

from __future__ import annotations

import cssegment as cs
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

REVENUE = ["start", "moved_in", "moved_out", "new", "reactivation", "expansion", "contraction", "churn", "end"]
LOGOS = [
    "logos_start",
    "logos_moved_in",
    "logos_moved_out",
    "logos_new",
    "logos_reactivated",
    "logos_churned",
    "logos_end",
]
MOVES = ["moved_in", "moved_out", "logos_moved_in", "logos_moved_out"]


def random_book(seed: int, accounts: int = 300, periods: int = 10, tiers: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Whole-number amounts (so that every sum is exact in pandas too) with holes, and a tier for
    every account and period, paying or not, drawn at random."""
    rng = np.random.default_rng(seed)
    account = np.repeat(np.arange(accounts), periods)
    month = np.tile(np.arange(periods), accounts)
    mrr = np.where(rng.random(accounts * periods) < 0.7, rng.integers(1, 5_000, accounts * periods), 0).astype(float)
    rows = pd.DataFrame({"account_id": account, "month": month, "mrr": mrr})
    names = [f"t{i}" for i in range(tiers)]
    tier = pd.Categorical(np.array(names)[rng.integers(0, tiers, len(rows))], categories=names)
    segments = rows[["account_id", "month"]].assign(tier=tier)
    return rows[rows["mrr"] > 0].reset_index(drop=True), segments


def oracle(rows: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """The per-segment bridge with moves, from the definitions: start in the segment at p - 1;
    movement and end in the segment at p when paying then, else at p - 1; a move at the p - 1
    revenue when paying at both in different segments."""
    revenue = rows.pivot_table(index="account_id", columns="month", values="mrr", aggfunc="sum", fill_value=0.0)
    periods = np.arange(rows["month"].min(), rows["month"].max() + 1)
    revenue = revenue.reindex(columns=periods, fill_value=0.0)
    labels = segments.assign(tier=segments["tier"].astype(str))
    tiers = labels.pivot(index="account_id", columns="month", values="tier").reindex(
        index=revenue.index, columns=periods
    )
    names = list(segments["tier"].cat.categories)
    out = []
    for p in periods[1:]:
        before, now = revenue[p - 1], revenue[p]
        was = tiers[p - 1]
        segment = tiers[p].where(now > 0, was)
        earlier = revenue.loc[:, : p - 2].gt(0).any(axis=1)  # paid before p - 1
        arriving = (before == 0) & (now > 0)
        both = (before > 0) & (now > 0)
        moved = both & (segment != was)
        churned = (before > 0) & (now == 0)
        frame = pd.DataFrame(
            {
                "start": before,
                "new": now.where(arriving & ~earlier, 0.0),
                "reactivation": now.where(arriving & earlier, 0.0),
                "expansion": (now - before).where(both & (now > before), 0.0),
                "contraction": (before - now).where(both & (before > now), 0.0),
                "churn": before.where(churned, 0.0),
                "end": now,
                "logos_start": (before > 0).astype(int),
                "logos_new": (arriving & ~earlier).astype(int),
                "logos_reactivated": (arriving & earlier).astype(int),
                "logos_churned": churned.astype(int),
                "logos_end": (now > 0).astype(int),
            }
        )
        at_new = frame.drop(columns=["start", "logos_start"]).groupby(segment).sum()
        at_old = frame[["start", "logos_start"]].groupby(was).sum()
        moved_out = pd.DataFrame({"moved_out": before[moved], "logos_moved_out": 1}).groupby(was[moved]).sum()
        moved_in = pd.DataFrame({"moved_in": before[moved], "logos_moved_in": 1}).groupby(segment[moved]).sum()
        table = pd.concat([at_new, at_old, moved_out, moved_in], axis=1).reindex(names).fillna(0)
        out.append(table.assign(period=p))
    both_levels = pd.concat(out).rename_axis("segment").reset_index().set_index(["period", "segment"])
    frame = both_levels[REVENUE + LOGOS].astype(dict.fromkeys(LOGOS, np.int64))
    return frame.astype(dict.fromkeys(REVENUE, float))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_moves_equal_an_independent_pandas_implementation(seed: int) -> None:
    rows, segments = random_book(seed)
    got = cs.RevenueLedger(rows).movements(by=segments)
    expected = oracle(rows, segments)
    assert got["logos_moved_in"].sum() > 500  # the check reaches many moves
    assert list(got.index.levels[1]) == ["t0", "t1", "t2"]
    labels = [got.index.get_level_values("period"), got.index.get_level_values("segment").astype(str)]
    got = got.set_axis(pd.MultiIndex.from_arrays(labels, names=["period", "segment"]))
    assert_frame_equal(got[REVENUE + LOGOS], expected, check_exact=True, check_index_type=False)


@pytest.mark.parametrize("seed", [4, 5, 6, 7])
def test_the_four_identities_on_random_books_with_random_segments(seed: int) -> None:
    rows, segments = random_book(seed, accounts=200, periods=14, tiers=4)
    rng = np.random.default_rng(seed)
    rows = rows.assign(mrr=rows["mrr"] * rng.random(len(rows)))  # non-integer amounts
    ledger = cs.RevenueLedger(rows)
    split, whole = ledger.movements(by=segments), ledger.movements()
    # 1. Each row's bridge.
    gained = split["moved_in"] + split["new"] + split["reactivation"] + split["expansion"]
    lost = split["moved_out"] + split["contraction"] + split["churn"]
    np.testing.assert_allclose(split["end"], split["start"] + gained - lost, rtol=1e-12, atol=1e-7)
    logos = split["logos_start"] + split["logos_moved_in"] - split["logos_moved_out"] + split["logos_new"]
    assert (split["logos_end"] == logos + split["logos_reactivated"] - split["logos_churned"]).all()
    # 2. Each segment's start is its end of the period before (both rounded once from the same sum).
    for name in ["start", "logos_start"]:
        chained = split[name].unstack("segment").iloc[1:].to_numpy()
        before = split[name.replace("start", "end")].unstack("segment").iloc[:-1].to_numpy()
        np.testing.assert_array_equal(chained, before)
    # 3. The moves of each period balance across segments.
    per_period = split.groupby(level="period")[MOVES].sum()
    np.testing.assert_allclose(per_period["moved_in"], per_period["moved_out"], rtol=1e-12)
    assert (per_period["logos_moved_in"] == per_period["logos_moved_out"]).all()
    assert (per_period["logos_moved_in"] > 0).all()
    # 4. Segments add up to the book, where nothing moves.
    summed = split.drop(columns=["quick_ratio", *MOVES]).groupby(level="period").sum()
    assert_frame_equal(summed, whole.drop(columns=["quick_ratio", *MOVES]), check_exact=False, rtol=1e-12)
    assert (whole[MOVES] == 0).all(axis=None)


def test_columns_are_in_bridge_order_with_or_without_segments() -> None:
    rows, segments = random_book(8, accounts=20, periods=3)
    expected = [*REVENUE, *LOGOS, "quick_ratio"]
    ledger = cs.RevenueLedger(rows)
    assert list(ledger.movements().columns) == expected
    assert list(ledger.movements(by=segments).columns) == expected
    assert all(ledger.movements()[name].dtype == np.int64 for name in LOGOS)


def test_one_segment_per_account_moves_nothing() -> None:
    rows, _ = random_book(9, accounts=50, periods=6)
    tiers = pd.Series(np.where(np.arange(50) % 2 == 0, "even", "odd"), index=np.arange(50))
    split = cs.RevenueLedger(rows).movements(by=tiers)
    assert (split[MOVES] == 0).all(axis=None)


def test_the_worked_example_of_the_guide() -> None:
    # Account 1 moves up from Low to High while expanding 10 -> 25; account 2 moves down from High
    # to Low, contracting 40 -> 30; account 3 churns from Low at 2 and returns in High at 3.
    rows = pd.DataFrame(
        {
            "account_id": [1, 1, 1, 2, 2, 2, 3, 3],
            "month": [1, 2, 3, 1, 2, 3, 1, 3],
            "mrr": [10.0, 25.0, 25.0, 40.0, 30.0, 30.0, 5.0, 6.0],
        }
    )
    tier = ["Low", "High", "High", "High", "Low", "Low", "Low", "High"]
    tiers = rows[["account_id", "month"]].assign(tier=pd.Categorical(tier, categories=["Low", "High"]))
    moves = cs.RevenueLedger(rows).movements(by=tiers)
    columns = ["start", "moved_in", "moved_out", "expansion", "contraction", "churn", "reactivation", "end"]
    assert moves.loc[(2, "Low"), columns].tolist() == [15, 40, 10, 0, 10, 5, 0, 30]
    assert moves.loc[(2, "High"), columns].tolist() == [40, 10, 40, 15, 0, 0, 0, 25]
    assert moves.loc[(3, "Low"), columns].tolist() == [30, 0, 0, 0, 0, 0, 0, 30]
    assert moves.loc[(3, "High"), columns].tolist() == [25, 0, 0, 0, 0, 0, 6, 31]
    assert moves.loc[(2, "Low"), ["logos_start", "logos_moved_in", "logos_moved_out", "logos_end"]].tolist() == [
        2,
        1,
        1,
        1,
    ]
