"""Revenue ledger, movements, retention, cohorts, survivors and CLTV per segment, against
independent implementations of the metric definitions in docs/guide/metrics.md."""

from __future__ import annotations

import pickle

import cssegment as cs
import numpy as np
import pandas as pd
import pytest
from cssegment import _core
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal, assert_series_equal


def dense(rows: pd.DataFrame) -> pd.DataFrame:
    """R(a, p): pivot_table sums duplicates; every period from first to last, gaps as zeros."""
    table = rows.pivot_table(index="account_id", columns="month", values="mrr", aggfunc="sum", fill_value=0.0)
    periods = np.arange(rows["month"].min(), rows["month"].max() + 1)
    return table.reindex(columns=periods, fill_value=0.0).astype(float)


def oracle_movements(matrix: pd.DataFrame, window: int | None = None) -> pd.DataFrame:
    revenue = matrix.to_numpy()
    out = []
    for p in range(1, revenue.shape[1]):
        before, now = revenue[:, p - 1], revenue[:, p]
        paid_earlier = (revenue[:, : p - 1] > 0).any(axis=1)
        last_paid = np.where(revenue[:, :p] > 0, np.arange(p), -1).max(axis=1)
        gap = p - 1 - last_paid
        arriving = (before == 0) & (now > 0)
        returning = arriving & paid_earlier & ((gap <= window) if window is not None else True)
        new = arriving & ~returning
        both = (before > 0) & (now > 0)
        churned = (before > 0) & (now == 0)
        row = {
            "start": before.sum(),
            "moved_in": 0.0,  # nothing moves without segments
            "moved_out": 0.0,
            "new": now[new].sum(),
            "reactivation": now[returning].sum(),
            "expansion": (now - before)[both & (now > before)].sum(),
            "contraction": (before - now)[both & (before > now)].sum(),
            "churn": before[churned].sum(),
            "end": now.sum(),
            "logos_start": int((before > 0).sum()),
            "logos_moved_in": 0,
            "logos_moved_out": 0,
            "logos_new": int(new.sum()),
            "logos_reactivated": int(returning.sum()),
            "logos_churned": int(churned.sum()),
            "logos_end": int((now > 0).sum()),
        }
        lost = row["contraction"] + row["churn"]
        row["quick_ratio"] = (row["new"] + row["reactivation"] + row["expansion"]) / lost if lost else np.nan
        out.append(row)
    return pd.DataFrame(out, index=pd.Index(matrix.columns[1:], name="period"))


def oracle_retention(matrix: pd.DataFrame, horizon: int) -> pd.DataFrame:
    revenue = matrix.to_numpy()
    out = []
    for p in range(revenue.shape[1] - horizon):
        cohort = revenue[:, p] > 0
        start, end = revenue[cohort, p], revenue[cohort, p + horizon]
        out.append(
            {
                "cohort_accounts": int(cohort.sum()),
                "nrr": end.sum() / start.sum(),
                "grr": np.minimum(end, start).sum() / start.sum(),
                "logo_retention": (end > 0).mean(),
            }
        )
    return pd.DataFrame(out, index=pd.Index(matrix.columns[: revenue.shape[1] - horizon], name="period"))


def oracle_survivors(matrix: pd.DataFrame, include_first_period: bool) -> dict[int, list[float]]:
    revenue = matrix.to_numpy()
    n_periods = revenue.shape[1]
    paying = revenue > 0
    first = np.where(paying.any(axis=1), paying.argmax(axis=1), -1)
    curves = {}
    for c in range(n_periods):
        members = first == c
        if (c == 0 and not include_first_period) or not members.any():
            continue
        alive = np.ones(members.sum(), dtype=bool)
        curve = []
        for age in range(n_periods - c):
            alive &= paying[members, c + age]
            curve.append(float(alive.sum()))
        curves[int(matrix.columns[c])] = curve
    return curves


def test_ledger_sums_duplicates_and_counts_every_row() -> None:
    rows = pd.DataFrame(
        {"account_id": ["b", "a", "b", "b", "c"], "month": [3, 1, 3, 5, 5], "mrr": [1.0, 2.0, 3.0, 4.0, 0.0]}
    )
    ledger = cs.RevenueLedger(rows)
    expected = pd.DataFrame(
        [[0.0, 4.0, 0.0, 0.0, 0.0], [2.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 0.0]],
        index=pd.Index(["b", "a", "c"], name="account_id"),
        columns=pd.Index([1, 2, 3, 4, 5], name="period"),
    )
    expected.loc["b", 5] = 4.0
    expected.loc["b", 3] = 4.0
    expected.loc["b", 2] = 0.0
    assert_frame_equal(ledger.revenue, expected.astype(float))
    assert ledger.summary().to_dict() == {"rows_read": 5, "accounts": 3, "periods": 5, "duplicate_rows": 1}
    assert "3 accounts x 5 periods" in repr(ledger)
    assert "RevenueLedger" in ledger._repr_html_()


def test_counts_are_the_lengths_of_the_indexes(int_rows: pd.DataFrame) -> None:
    ledger = cs.RevenueLedger(int_rows)
    assert ledger.n_accounts == len(ledger.accounts) == ledger.revenue.shape[0] == int_rows["account_id"].nunique()
    assert ledger.n_periods == len(ledger.periods) == ledger.revenue.shape[1]
    assert isinstance(ledger.n_accounts, int) and isinstance(ledger.n_periods, int)
    empty = cs.RevenueLedger(
        {"account_id": np.array([], dtype=np.int64), "month": np.array([], dtype=np.int64), "mrr": []}
    )
    assert (empty.n_accounts, empty.n_periods) == (0, 0)


def test_ledger_matches_pivot_table(int_rows: pd.DataFrame) -> None:
    ledger = cs.RevenueLedger(int_rows)
    expected = dense(int_rows)
    got = ledger.revenue.sort_index()
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-12)
    assert list(got.columns) == list(expected.columns)
    summary = ledger.summary()
    assert summary["rows_read"] == len(int_rows)
    assert summary["duplicate_rows"] == len(int_rows) - len(int_rows.drop_duplicates(["account_id", "month"]))


def test_columns_can_be_renamed() -> None:
    rows = pd.DataFrame({"customer": ["x", "x"], "p": [0, 1], "amount": [5.0, 6.0]})
    ledger = cs.RevenueLedger(rows, account="customer", period="p", amount="amount")
    assert ledger.accounts.name == "customer"
    assert ledger.movements()["expansion"].tolist() == [1.0]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (-5.0, r"mrr\[1\] = -5: amounts must be finite"),
        (np.nan, r"mrr\[1\] = nan: amounts must be finite"),
        (np.inf, r"mrr\[1\] = inf: amounts must be finite"),
    ],
)
def test_bad_amounts_are_named(amount: float, message: str) -> None:
    rows = pd.DataFrame({"account_id": [1, 2, 3], "month": [1, 1, 2], "mrr": [1.0, amount, 2.0]})
    with pytest.raises(cs.InvalidInputError, match=message):
        cs.RevenueLedger(rows, amount="mrr")


def test_an_empty_ledger_gives_empty_tables() -> None:
    rows = pd.DataFrame({"account_id": np.array([], dtype=np.int64), "month": np.array([], dtype=np.int64), "mrr": []})
    ledger = cs.RevenueLedger(rows)
    assert ledger.summary().to_dict() == {"rows_read": 0, "accounts": 0, "periods": 0, "duplicate_rows": 0}
    assert len(ledger.movements()) == 0
    assert len(ledger.retention(horizon=1)) == 0
    assert ledger.survivors().shape == (0, 0)
    assert ledger.cohorts().shape == (0, 0)
    with pytest.raises(cs.InvalidInputError, match="CLTV needs at least two"):
        ledger.cltv()


def test_movements_by_hand(hand_rows: pd.DataFrame) -> None:
    moves = cs.RevenueLedger(hand_rows).movements()
    assert moves.index.tolist() == [1, 2, 3, 4, 5]
    assert moves.loc[1, ["start", "new", "expansion", "contraction", "churn", "end"]].tolist() == [18, 0, 2, 0, 3, 17]
    assert moves.loc[2, ["new", "churn", "end", "logos_new", "logos_churned"]].tolist() == [7, 5, 19, 1, 1]
    assert moves.loc[3, ["contraction", "end"]].tolist() == [4, 15]
    # period 4: account 2 returns after two empty periods, 4 after three: both reactivations.
    assert moves.loc[4, ["reactivation", "churn", "logos_reactivated", "logos_churned"]].tolist() == [10, 7, 2, 1]
    assert moves.loc[5, ["expansion", "quick_ratio"]].tolist() == [1, pytest.approx(np.nan, nan_ok=True)]
    assert moves.loc[4, "quick_ratio"] == pytest.approx(10 / 7)
    assert moves["logos_start"].dtype == np.int64


def test_reactivation_window_inside_and_outside(hand_rows: pd.DataFrame) -> None:
    ledger = cs.RevenueLedger(hand_rows)
    window_one = ledger.movements(reactivation_window=1).loc[4]
    assert window_one[["reactivation", "new", "logos_reactivated", "logos_new"]].tolist() == [0, 10, 0, 2]
    window_two = ledger.movements(reactivation_window=2).loc[4]
    assert window_two[["reactivation", "new"]].tolist() == [6, 4]  # account 4 was away 3 periods
    window_three = ledger.movements(reactivation_window=3).loc[4]
    assert window_three[["reactivation", "new"]].tolist() == [10, 0]
    window_zero = ledger.movements(reactivation_window=0).loc[4]
    assert window_zero[["reactivation", "new"]].tolist() == [0, 10]
    with pytest.raises(cs.InvalidInputError, match="reactivation_window: -1 must be >= 0"):
        ledger.movements(reactivation_window=-1)


@pytest.mark.parametrize("window", [None, 0, 2])
def test_movements_match_the_definitions(int_rows: pd.DataFrame, window: int | None) -> None:
    got = cs.RevenueLedger(int_rows).movements(reactivation_window=window)
    expected = oracle_movements(dense(int_rows), window)
    assert_frame_equal(got, expected, check_exact=False, rtol=1e-12, check_index_type=False)


def test_movement_identity_holds_in_every_row(int_rows: pd.DataFrame) -> None:
    m = cs.RevenueLedger(int_rows).movements()
    rebuilt = m["start"] + m["new"] + m["reactivation"] + m["expansion"] - m["contraction"] - m["churn"]
    np.testing.assert_allclose(m["end"], rebuilt, rtol=1e-14)
    logos = m["logos_start"] + m["logos_new"] + m["logos_reactivated"] - m["logos_churned"]
    assert (m["logos_end"] == logos).all()
    assert (m["start"].iloc[1:].to_numpy() == m["end"].iloc[:-1].to_numpy()).all()


def test_retention_by_hand(hand_rows: pd.DataFrame) -> None:
    ret = cs.RevenueLedger(hand_rows).retention(horizon=2)
    assert ret.index.tolist() == [0, 1, 2, 3]
    # From 0: cohort {1: 10, 2: 5, 4: 3} -> at 2: {1: 12, 2: 0, 4: 0}.
    row = ret.loc[0]
    assert row["cohort_accounts"] == 3
    assert row[["start_revenue", "end_revenue", "retained_revenue"]].tolist() == [18, 12, 10]
    assert row["nrr"] == pytest.approx(12 / 18)
    assert row["grr"] == pytest.approx(10 / 18)
    assert row["logo_retention"] == pytest.approx(1 / 3)
    # From 2: cohort {1: 12, 3: 7}; at 4: {1: 8}; account 2 returning at 4 never counts.
    assert ret.loc[2, ["cohort_accounts", "start_revenue", "end_revenue"]].tolist() == [2, 19, 8]


def test_nrr_masks_churn_is_flagged() -> None:
    # Two accounts churn, one grows a lot: NRR 1.5 with 1/3 of the logos.
    rows = pd.DataFrame({"account_id": [1, 2, 3, 1], "month": [0, 0, 0, 1], "mrr": [10.0, 10.0, 10.0, 45.0]})
    ret = cs.RevenueLedger(rows).retention(horizon=1)
    assert ret.loc[0, "nrr"] == 1.5
    assert ret.loc[0, "nrr_masks_churn"]
    assert not cs.RevenueLedger(rows).retention(horizon=1, masks_churn_below=0.3).loc[0, "nrr_masks_churn"]


@pytest.mark.parametrize("horizon", [1, 6, 12])
def test_retention_matches_the_definitions(int_rows: pd.DataFrame, horizon: int) -> None:
    got = cs.RevenueLedger(int_rows).retention(horizon=horizon)
    expected = oracle_retention(dense(int_rows), horizon)
    assert_frame_equal(got[expected.columns], expected, check_exact=False, rtol=1e-12, check_index_type=False)
    assert (got["nrr_masks_churn"] == ((got["nrr"] >= 1) & (got["logo_retention"] < 0.9))).all()


def test_horizon_bounds(hand_rows: pd.DataFrame) -> None:
    ledger = cs.RevenueLedger(hand_rows)
    with pytest.raises(cs.InvalidInputError, match="horizon: 0 must be >= 1"):
        ledger.retention(horizon=0)
    # The probe: a horizon beyond the history returned an empty table without a word.
    for horizon in (6, 12):
        with pytest.raises(cs.InvalidInputError, match=rf"horizon: {horizon} periods reach beyond the ledger's 6"):
            ledger.retention(horizon=horizon)
    assert len(ledger.retention(horizon=5)) == 1


def test_by_series_splits_the_totals(book: cs.datasets.Book, tiers: pd.Series) -> None:
    ledger = cs.RevenueLedger(book.revenue)
    whole, split = ledger.movements(), ledger.movements(by=tiers)
    assert split.index.names == ["period", "segment"]
    assert list(split.index.levels[1]) == list(tiers.cat.categories)
    assert split.index.levels[1].ordered
    summed = split.drop(columns="quick_ratio").groupby(level="period").sum()
    assert_frame_equal(summed, whole.drop(columns="quick_ratio"), check_exact=False, rtol=1e-12)
    ret = ledger.retention(horizon=12, by=tiers)
    assert (
        ret.groupby(level="period")["cohort_accounts"].sum().tolist()
        == ledger.retention(12)["cohort_accounts"].tolist()
    )
    # Each tier's retention equals the retention of a ledger of that tier's accounts alone.
    for tier in tiers.cat.categories:
        members = tiers.index[tiers == tier]
        alone = cs.RevenueLedger(book.revenue[book.revenue["account_id"].isin(members)]).retention(12)
        got = ret.xs(tier, level="segment")
        assert_frame_equal(got, alone.reindex(got.index), check_exact=False, rtol=1e-12, check_freq=False)


def test_by_long_frame_uses_the_segment_at_the_start_period(hand_rows: pd.DataFrame) -> None:
    rows = hand_rows
    segments = rows[["account_id", "month"]].assign(tier=np.where(rows["mrr"] >= 8, "big", "small"))
    ret = cs.RevenueLedger(rows).retention(horizon=1, by=segments)
    # At 3, account 1 pays 8 (big); it pays 8 at 4: retained. Account 3 (small, 7) churns.
    assert ret.loc[(3, "big"), ["cohort_accounts", "nrr"]].tolist() == [1, 1.0]
    assert ret.loc[(3, "small"), ["cohort_accounts", "logo_retention"]].tolist() == [1, 0.0]
    moves = cs.RevenueLedger(rows).movements(by=segments)
    # Account 1 drops from 12 (big) to 8 (big): contraction in big; 3 churns from small at 4.
    assert moves.loc[(3, "big"), "contraction"] == 4
    assert moves.loc[(4, "small"), "churn"] == 7
    identity = moves["start"] + moves["new"] + moves["reactivation"] + moves["expansion"] - moves["contraction"]
    np.testing.assert_allclose(moves["end"], identity - moves["churn"])


def test_partial_sums_of_split_accounts_merge_to_the_whole(int_rows: pd.DataFrame) -> None:
    keys = int_rows["account_id"].to_numpy()
    months = int_rows["month"].to_numpy().astype(np.int64)
    amounts = int_rows["mrr"].to_numpy()
    whole = _core.metrics.revenue_ledger.from_rows(keys, months, 0, amounts)
    first, count = whole.first_period, whole.n_periods
    odd = keys % 3 == 0
    parts = [
        _core.metrics.revenue_ledger.from_rows(keys[mask], months[mask], 0, amounts[mask], first, count)
        for mask in (odd, ~odd)
    ]
    for compute in (
        lambda ledger: ledger.movement_partials(None, 2),
        lambda ledger: ledger.retention_partials(None, 6),
    ):
        total = compute(whole)
        merged = compute(parts[1]).copy().merge(compute(parts[0]))
        assert merged == total
        assert pickle.loads(pickle.dumps(merged)) == total
        assert _core.metrics.partial_sums.from_json(total.to_json()) == total
    with pytest.raises(cs.InvalidInputError, match="cannot merge"):
        whole.movement_partials(None, 2).merge(whole.movement_partials(None, 3))


def test_survivors_by_hand(hand_rows: pd.DataFrame) -> None:
    # Starts: 1 and 2 at 0 (left-censored), 3 at 2, 5 at 1 (pays 1, 2, stops at 3, back at 4),
    # 6 at 1 (pays only 1).
    rows = pd.concat(
        [
            hand_rows,
            pd.DataFrame({"account_id": [5, 5, 5, 6], "month": [1, 2, 4, 1], "mrr": [1.0, 1.0, 1.0, 1.0]}),
        ],
        ignore_index=True,
    )
    ledger = cs.RevenueLedger(rows)
    survivors = ledger.survivors()
    assert survivors.index.name == "cohort"
    assert survivors.index.tolist() == [1, 2]
    assert list(survivors.columns) == [0, 1, 2, 3, 4]
    assert survivors.dtypes.unique().tolist() == [np.float64]
    np.testing.assert_array_equal(survivors.loc[1], [2.0, 1.0, 0.0, 0.0, 0.0])  # 5 does not revive
    np.testing.assert_array_equal(survivors.loc[2], [1.0, 1.0, 0.0, 0.0, np.nan])
    with_first = ledger.survivors(include_first_period=True)
    np.testing.assert_array_equal(with_first.loc[0], [3.0, 2.0, 1.0, 1.0, 1.0, 1.0])  # 1, 2 and 4
    blocks = ledger.survivors(cohort_length=2)
    # Block [0, 1] holds 5 and 6 (started at 1; accounts of period 0 are left out): ages to 4.
    np.testing.assert_array_equal(blocks.loc[0], [2.0, 1.0, 0.0, 0.0, 0.0])
    np.testing.assert_array_equal(blocks.loc[2], [1.0, 1.0, 0.0, 0.0, np.nan])
    with pytest.raises(cs.InvalidInputError, match="cohort_length: 0 must be >= 1"):
        ledger.survivors(cohort_length=0)


def test_survivors_match_the_definition(int_rows: pd.DataFrame) -> None:
    ledger = cs.RevenueLedger(int_rows)
    for include in (False, True):
        got = ledger.survivors(include_first_period=include)
        expected = oracle_survivors(dense(int_rows), include)
        assert got.index.tolist() == list(expected)
        for cohort, curve in expected.items():
            row = got.loc[cohort].to_numpy()
            np.testing.assert_array_equal(row[: len(curve)], curve)
            assert np.isnan(row[len(curve) :]).all()
            assert (np.diff(row[: len(curve)]) <= 0).all()


def test_survivors_by_segment_use_the_segment_at_first_revenue(book: cs.datasets.Book, tiers: pd.Series) -> None:
    ledger = cs.RevenueLedger(book.revenue)
    split = ledger.survivors(by=tiers, cohort_length=3)
    assert split.index.names == ["cohort", "segment"]
    assert isinstance(split.index.levels[0], pd.PeriodIndex)
    whole = ledger.survivors(cohort_length=3)
    summed = split.groupby(level="cohort").sum(min_count=1)
    np.testing.assert_array_equal(summed[0].to_numpy(), whole[0].to_numpy())
    assert (split[0] > 0).all()


def test_cohort_tables_by_hand(hand_rows: pd.DataFrame) -> None:
    ledger = cs.RevenueLedger(hand_rows)
    logos = ledger.cohorts("logos", include_first_period=True)
    np.testing.assert_allclose(logos.loc[0], [1, 2 / 3, 1 / 3, 1 / 3, 1, 1])  # 2 and 4 come back
    revenue = ledger.cohorts("revenue", include_first_period=True, normalize=False)
    np.testing.assert_array_equal(revenue.loc[0], [18, 17, 12, 8, 18, 19])
    np.testing.assert_array_equal(ledger.cohorts("revenue").loc[2], [1, 1, 0, 0])
    with pytest.raises(cs.InvalidInputError, match="metric: 'arr' must be"):
        ledger.cohorts("arr")  # type: ignore[arg-type]


@st.composite
def ledgers(draw: st.DrawFn) -> pd.DataFrame:
    accounts = draw(st.integers(1, 6))
    periods = draw(st.integers(2, 7))
    values = draw(
        st.lists(
            st.one_of(st.just(0.0), st.floats(0.01, 1e6, allow_nan=False)),
            min_size=accounts * periods,
            max_size=accounts * periods,
        )
    )
    rows = [(a, p, v) for i, (a, p) in enumerate(np.ndindex(accounts, periods)) if (v := values[i]) > 0]
    rows.append((accounts, periods - 1, 1.0))  # every period exists
    rows.append((accounts, 0, 1.0))
    return pd.DataFrame(rows, columns=["account_id", "month", "mrr"])


@settings(max_examples=60, deadline=None)
@given(ledgers(), st.one_of(st.none(), st.integers(0, 3)))
def test_any_ledger_matches_the_oracles(rows: pd.DataFrame, window: int | None) -> None:
    """The identities (movements, GRR <= min(1, NRR)) per segment are in test_properties.py."""
    ledger = cs.RevenueLedger(rows)
    m = ledger.movements(reactivation_window=window)
    assert_frame_equal(
        m, oracle_movements(dense(rows), window), check_exact=False, rtol=1e-9, atol=1e-9, check_index_type=False
    )
    survivors = ledger.survivors(include_first_period=True).to_numpy()
    steps = np.diff(survivors, axis=1)
    assert (steps[~np.isnan(steps)] <= 0).all()


def test_ledger_cltv_by_hand(hand_rows: pd.DataFrame) -> None:
    ledger = cs.RevenueLedger(hand_rows)
    value = ledger.cltv(window=2)
    # Logo churn: period 4 -> 1/3 (3 churns from {1, 3, ...}), period 5 -> 0/3. Mean 1/6.
    moves = ledger.movements()
    rate = (moves["logos_churned"] / moves["logos_start"]).iloc[-2:].mean()
    arpa = moves["end"].iloc[-1] / moves["logos_end"].iloc[-1]
    assert value.loc["all", "churn_rate"] == pytest.approx(rate)
    assert value.loc["all", "arpa"] == pytest.approx(arpa)
    assert value.loc["all", "cltv"] == pytest.approx(arpa / rate)
    assert value.loc["all", "accounts"] == 3
    margin = ledger.cltv(window=2, gross_margin=0.5, cost_to_serve=1.0)
    assert margin.loc["all", "cltv"] == pytest.approx((arpa * 0.5 - 1) / rate)
    no_churn = ledger.cltv(window=1)
    assert np.isnan(no_churn.loc["all", "cltv"])


def test_ledger_cltv_by_segment(book: cs.datasets.Book, tiers: pd.Series) -> None:
    value = cs.RevenueLedger(book.revenue).cltv(window=6, by=tiers)
    assert list(value.index) == list(tiers.cat.categories)
    assert value["cltv"].notna().all()
    assert_series_equal(value["cltv"], cs.cltv(value["arpa"], value["churn_rate"]), check_names=False)
